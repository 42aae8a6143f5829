//! Headless Chromium through chromedriver and fantoccini, and a page object for the playground.
//!
//! [`Browser::launch`] starts a chromedriver of its own on a free loopback port, in a process
//! group of its own, and opens one WebDriver session; [`with_browser`] runs a test body against
//! it and always closes the session and ends chromedriver (and so Chromium), even when the body
//! panics, before passing the panic on. [`Page`] speaks in the page's `data-testid`s.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium's flags for a root, offline, GPU-less machine (TOOLCHAIN.md, trap 5).
const CHROME_ARGS: [&str; 11] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1440,900",
    "--hide-scrollbars",
];

/// `frontend/dist/`, as the relay serves it.
pub fn dist_dir() -> PathBuf {
    warren_relay::cli::default_static_dir()
}

/// Whether the page is built (`cargo xtask build-frontend`).
pub fn frontend_built() -> bool {
    dist_dir().join("index.html").is_file()
}

/// Print why a browser test is skipped and return `true` when the page is not built.
pub fn skip_without_frontend(test: &str) -> bool {
    if frontend_built() {
        return false;
    }
    eprintln!(
        "SKIPPED {test}: {} is missing; build the page with `cargo xtask build-frontend` (or run `cargo xtask test`)",
        dist_dir().join("index.html").display()
    );
    true
}

/// Cargo's target folder: `$CARGO_TARGET_DIR` or the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// Where screenshots go: `target/e2e/`.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e")
}

fn program(env: &str, name: &str) -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os(env) {
        return Ok(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| format!("could not find {name} (set {env}, or run `cargo xtask setup` to install it)"))
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free loopback port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// A chromedriver of this process and one session on it.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    driver: Driver,
}

/// The chromedriver process; ended (with its process group) when dropped.
struct Driver {
    child: Child,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver leads its own process group: end it and any Chromium it left.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Browser {
    /// Start chromedriver on a free loopback port and open a headless Chromium session.
    pub async fn launch() -> Result<Self, String> {
        Self::launch_with(&[]).await
    }

    /// Like [`Browser::launch`] with extra Chromium flags.
    pub async fn launch_with(extra_args: &[&str]) -> Result<Self, String> {
        let chromedriver = program("CHROMEDRIVER", "chromedriver")?;
        let chromium = program("CHROMIUM", "chromium")?;
        let port = free_port()?;
        let profile = std::env::temp_dir().join(format!("warren-e2e-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).map_err(|e| format!("could not create {}: {e}", profile.display()))?;
        let mut command = Command::new(&chromedriver);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let child = command.spawn().map_err(|e| {
            format!(
                "could not start {}: {e} (run `cargo xtask setup` to install chromium-driver)",
                chromedriver.display()
            )
        })?;
        let driver = Driver { child, profile };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline {
                return Err(format!(
                    "{} did not listen on {addr} within 15 s (run `cargo xtask setup`)",
                    chromedriver.display()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut args: Vec<String> = CHROME_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", driver.profile.join("chromium").display()));
        args.extend(extra_args.iter().map(|a| (*a).to_owned()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".to_owned(),
            json!({"binary": chromium.display().to_string(), "args": args}),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://{addr}"))
            .await
            .map_err(|e| {
                format!(
                    "could not open a Chromium session through chromedriver ({e}); run `cargo xtask setup` to install chromium and chromium-driver"
                )
            })?;
        Ok(Self { client, driver })
    }

    /// Close the session, then end chromedriver.
    pub async fn close(self) {
        let Self { client, driver } = self;
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        drop(driver);
    }
}

/// Launch a browser, run `body` with its session, and always close the session and end
/// chromedriver; a panic in `body` is passed on afterwards. A browser that cannot start is a
/// failure that names `cargo xtask setup`.
pub async fn with_browser<F, Fut>(body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browsers(1, move |mut clients| body(clients.remove(0))).await;
}

/// [`with_browser`] with `count` browsers at once, each a Chromium of its own (separate
/// sessions: separate storage), all closed at the end.
pub async fn with_browsers<F, Fut>(count: usize, body: F)
where
    F: FnOnce(Vec<Client>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut browsers = Vec::new();
    for _ in 0..count {
        match Browser::launch().await {
            Ok(browser) => browsers.push(browser),
            Err(error) => {
                for browser in browsers {
                    browser.close().await;
                }
                panic!("the browser tests need Chromium and chromedriver: {error}");
            }
        }
    }
    let clients = browsers.iter().map(|b| b.client.clone()).collect();
    let outcome = tokio::spawn(body(clients)).await;
    for browser in browsers {
        browser.close().await;
    }
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(payload) => std::panic::resume_unwind(payload),
            Err(error) => panic!("the browser test was cancelled: {error}"),
        }
    }
}

/// One browser session at a time in a test binary: each is a Chromium of its own.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The whole set-up of a browser test: unless the page is not built (then `test` is reported
/// skipped), start a relay on the real broker, open the page in a fresh browser, one test at a
/// time, and run `body` on it.
pub async fn on_page<F, Fut>(test: &str, body: F)
where
    F: FnOnce(Page) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    if skip_without_frontend(test) {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let relay = crate::Relay::start().await;
    let base = format!("http://{}/", relay.addr);
    with_browser(move |client| async move {
        let page = Page::new(client, base);
        page.open().await;
        body(page).await;
    })
    .await;
}

/// JavaScript that starts counting the page's animated tokens: how many were ever added and
/// the most alive at once. Tokens are painted on a canvas, which counts them in attributes
/// (`data-live`: on screen now; `data-drawn`: started since the animation was last reset, so it
/// falls back to zero at each run); a `requestAnimationFrame` loop reads them every frame.
const WATCH_TOKENS: &str = r#"
if (window.__warrenTokens) window.__warrenTokens.stop = true;
const w = window.__warrenTokens = { added: 0, max: 0, stop: false };
const counts = () => {
  const layer = document.querySelector('[data-testid="token-layer"]');
  const read = (name) => Number((layer && layer.getAttribute(name)) || 0);
  return [read('data-live'), read('data-drawn')];
};
let last = counts()[1];
const tick = () => {
  if (w.stop) return;
  const [live, drawn] = counts();
  w.added += drawn >= last ? drawn - last : drawn;
  last = drawn;
  if (live > w.max) w.max = live;
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
return true;
"#;

/// The playground page in one browser session.
pub struct Page {
    /// The session.
    pub client: Client,
    base: String,
}

/// Counts from the token watcher.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Tokens ever added to the canvas.
    pub added: u64,
    /// Most tokens alive at once.
    pub max_live: u64,
}

impl Page {
    /// The page served at `base` (e.g. `http://127.0.0.1:1234/`).
    pub fn new(client: Client, base: impl Into<String>) -> Self {
        Self {
            client,
            base: base.into(),
        }
    }

    /// The page's address.
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    /// Load the page and wait until it is connected to the relay and shows its gallery.
    pub async fn open(&self) {
        self.open_url(&self.base).await;
    }

    /// Load the page at `url` (the page's address, or a link to it such as a share link) and
    /// wait until it is connected to the relay and shows its gallery.
    pub async fn open_url(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("load {url}: {e}"));
        self.wait_until("the page connects to the relay", Duration::from_secs(20), || async {
            self.attr("connection-indicator", "data-state").await.as_deref() == Some("connected")
        })
        .await;
        self.find("gallery").await;
    }

    /// Click the element `data-testid=testid` once it is on the page.
    pub async fn click(&self, testid: &str) {
        self.appeared(testid)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {testid}: {e}"));
    }

    /// Poll `check` every 100 ms until it holds; panics after `limit` naming `what`.
    pub async fn wait_until<F, Fut>(&self, what: &str, limit: Duration, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = bool>,
    {
        let deadline = Instant::now() + limit;
        loop {
            if check().await {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {limit:?} waiting until {what}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element with this `data-testid`.
    pub async fn find(&self, testid: &str) -> fantoccini::elements::Element {
        let css = format!("[data-testid=\"{testid}\"]");
        self.client
            .find(Locator::Css(&css))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid={testid}] on the page: {e}"))
    }

    /// The element with this `data-testid` once it is on the page (within 10 s): for the parts the
    /// release page loads when they are first shown.
    pub async fn appeared(&self, testid: &str) -> fantoccini::elements::Element {
        self.wait_until(
            &format!("[data-testid={testid}] is on the page"),
            Duration::from_secs(10),
            || async { self.has(testid).await },
        )
        .await;
        self.find(testid).await
    }

    /// The first element matching a CSS selector.
    pub async fn css(&self, selector: &str) -> fantoccini::elements::Element {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("nothing matches {selector}: {e}"))
    }

    /// Press the mouse on one element and release it on another, moving in steps as a hand
    /// would (offsets are from each element's centre). Real pointer events, through WebDriver.
    pub async fn drag(
        &self,
        from: &fantoccini::elements::Element,
        from_offset: (f64, f64),
        to: &fantoccini::elements::Element,
        to_offset: (f64, f64),
    ) {
        use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
        let step = Some(Duration::from_millis(120));
        let mouse = MouseActions::new("mouse".to_owned())
            .then(PointerAction::MoveToElement {
                element: from.clone(),
                duration: None,
                x: from_offset.0,
                y: from_offset.1,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveBy {
                duration: step,
                x: 12.0,
                y: 6.0,
            })
            .then(PointerAction::MoveToElement {
                element: to.clone(),
                duration: step,
                x: to_offset.0,
                y: to_offset.1,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        self.client.perform_actions(mouse).await.expect("drag with the mouse");
        self.client.release_actions().await.expect("release the mouse");
    }

    /// Click an element at an offset from its centre with the mouse.
    pub async fn click_at(&self, element: &fantoccini::elements::Element, offset: (f64, f64)) {
        use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
        let mouse = MouseActions::new("mouse".to_owned())
            .then(PointerAction::MoveToElement {
                element: element.clone(),
                duration: None,
                x: offset.0,
                y: offset.1,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        self.client.perform_actions(mouse).await.expect("click with the mouse");
        self.client.release_actions().await.expect("release the mouse");
    }

    /// Press a key chord on the page (e.g. `[CONTROL, "z"]` with WebDriver's key codes), sent to
    /// whatever has the focus.
    pub async fn chord(&self, keys: &[&str]) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys {
            actions = actions.then(KeyAction::Down {
                value: key.chars().next().unwrap_or(' '),
            });
        }
        for key in keys.iter().rev() {
            actions = actions.then(KeyAction::Up {
                value: key.chars().next().unwrap_or(' '),
            });
        }
        self.client.perform_actions(actions).await.expect("press keys");
        self.client.release_actions().await.expect("release the keys");
    }

    /// Run JavaScript in the page.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// An attribute of the element with this `data-testid`, if both exist.
    pub async fn attr(&self, testid: &str, name: &str) -> Option<String> {
        let value = self
            .js(
                "const e = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); return e ? e.getAttribute(arguments[1]) : null;",
                vec![json!(testid), json!(name)],
            )
            .await;
        value.as_str().map(str::to_owned)
    }

    /// The trimmed text of the element with this `data-testid`, if there is one.
    pub async fn text(&self, testid: &str) -> Option<String> {
        let value = self
            .js(
                "const e = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); return e ? e.textContent.trim() : null;",
                vec![json!(testid)],
            )
            .await;
        value.as_str().map(str::to_owned)
    }

    /// The number shown by the element with this `data-testid` (digits only, so `1 000` reads
    /// as 1000).
    pub async fn number(&self, testid: &str) -> Option<u64> {
        let text = self.text(testid).await?;
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        digits.parse().ok()
    }

    /// Load a gallery example by its file stem.
    pub async fn load_example(&self, stem: &str) {
        self.find(&format!("gallery-{stem}"))
            .await
            .click()
            .await
            .expect("click the gallery item");
        let testid = format!("gallery-{stem}");
        self.wait_until(&format!("{stem} is the current example"), Duration::from_secs(5), || async {
            self.js(
                "const e = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); return !!e && e.classList.contains('current');",
                vec![json!(testid)],
            )
            .await
                == json!(true)
        })
        .await;
    }

    /// The run's phase (`data-phase` of `run-phase`): idle, starting, running, stopping,
    /// finished, invalid or failed.
    pub async fn phase(&self) -> String {
        self.attr("run-phase", "data-phase").await.unwrap_or_default()
    }

    /// Start counting the tokens the canvas draws.
    pub async fn watch_tokens(&self) {
        self.js(WATCH_TOKENS, vec![]).await;
    }

    /// What the token watcher counted.
    pub async fn tokens(&self) -> Tokens {
        let value = self.js("return window.__warrenTokens || null;", vec![]).await;
        Tokens {
            added: value["added"].as_u64().unwrap_or(0),
            max_live: value["max"].as_u64().unwrap_or(0),
        }
    }

    /// Press Run.
    pub async fn click_run(&self) {
        self.find("run-button").await.click().await.expect("click Run");
    }

    /// Wait for the run to end; returns the final phase (finished, failed or invalid).
    pub async fn wait_run_end(&self, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let phase = self.phase().await;
            if matches!(phase.as_str(), "finished" | "failed" | "invalid") {
                return phase;
            }
            if let Some(fatal) = self.text("fatal-error").await {
                let shot = self.screenshot("fatal-error").await;
                panic!(
                    "the page stopped during the run: {fatal} (screenshot {})",
                    shot.display()
                );
            }
            if Instant::now() >= deadline {
                let shot = self.screenshot("run-did-not-end").await;
                let rows = self.texts("event-row").await;
                let last = &rows[rows.len().saturating_sub(8)..];
                panic!(
                    "the run did not end within {limit:?} (phase {phase}, {} log rows; screenshot {}); the last rows:\n{}",
                    rows.len(),
                    shot.display(),
                    last.join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Take the animation to its end (End) and wait for the run's final summary: the page shows
    /// a run where its animation is, which may be well behind the broker.
    pub async fn jump_to_end(&self) {
        self.find("jump-end-button").await.click().await.expect("click End");
        self.wait_until("the final summary", Duration::from_secs(5), || async {
            self.attr("summary-outcome", "data-outcome").await.is_some()
        })
        .await;
    }

    /// Every `summary-delivered-<queue>` shown, by queue.
    pub async fn delivered(&self) -> BTreeMap<String, u64> {
        let value = self
            .js(
                "const out = {}; for (const e of document.querySelectorAll('[data-testid^=\"summary-delivered-\"]')) out[e.getAttribute('data-testid').slice(18)] = e.textContent.replace(/[^0-9]/g, ''); return out;",
                vec![],
            )
            .await;
        value
            .as_object()
            .map(|map| {
                map.iter()
                    .map(|(queue, n)| (queue.clone(), n.as_str().and_then(|n| n.parse().ok()).unwrap_or(0)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Texts of every element with this `data-testid`.
    pub async fn texts(&self, testid: &str) -> Vec<String> {
        let value = self
            .js(
                "return [...document.querySelectorAll(`[data-testid=\"${arguments[0]}\"]`)].map(e => e.textContent.trim());",
                vec![json!(testid)],
            )
            .await;
        value
            .as_array()
            .map(|list| list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    /// Replace the scenario JSON in the inspector, as typing would.
    pub async fn set_json(&self, text: &str) {
        self.find("tab-json").await.click().await.expect("open the JSON tab");
        self.appeared("scenario-json").await;
        self.js(
            "const a = document.querySelector('[data-testid=\"scenario-json\"]'); a.value = arguments[0]; a.dispatchEvent(new Event('input', { bubbles: true })); return true;",
            vec![json!(text)],
        )
        .await;
    }

    /// The scenario JSON in the inspector. The release page loads the JSON tab's code the first
    /// time the tab is opened: if that has not happened yet, the tab is opened (and the tab that
    /// was showing shown again).
    pub async fn json(&self) -> String {
        if !self.has("scenario-json").await {
            let showing = self
                .js(
                    "const t = document.querySelector('.inspector [role=tab][aria-selected=true]'); return t ? t.dataset.testid : null;",
                    vec![],
                )
                .await;
            self.find("tab-json").await.click().await.expect("open the JSON tab");
            self.appeared("scenario-json").await;
            if let Some(tab) = showing.as_str().filter(|tab| *tab != "tab-json") {
                self.find(tab)
                    .await
                    .click()
                    .await
                    .expect("show the tab that was showing");
            }
        }
        self.js(
            "return document.querySelector('[data-testid=\"scenario-json\"]').value;",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// The scenario JSON in the inspector, parsed.
    pub async fn scenario(&self) -> Value {
        let text = self.json().await;
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the editor does not hold JSON ({e}):\n{text}"))
    }

    /// Select the first occurrence of `old` in the scenario JSON and type `new` over it with the
    /// keyboard, as a user would; panics when `old` is not in the editor. The caret is placed by
    /// script, the text changes only through key presses.
    pub async fn type_over_in_json(&self, old: &str, new: &str) {
        self.find("tab-json").await.click().await.expect("open the JSON tab");
        let before = self.json().await;
        let placed = self
            .js(
                "const a = document.querySelector('[data-testid=\"scenario-json\"]'); const at = a.value.indexOf(arguments[0]); if (at < 0) return false; a.focus(); a.setSelectionRange(at, at + arguments[0].length); return true;",
                vec![json!(old)],
            )
            .await;
        assert_eq!(placed, json!(true), "{old:?} is not in the scenario JSON:\n{before}");
        self.find("scenario-json")
            .await
            .send_keys(new)
            .await
            .unwrap_or_else(|e| panic!("type {new:?} into the scenario JSON: {e}"));
        let want = before.replacen(old, new, 1);
        self.wait_until(
            &format!("the editor shows {new:?} typed over {old:?}"),
            Duration::from_secs(5),
            || async { self.json().await == want },
        )
        .await;
    }

    /// The link the share bar shows (`share-link`), when there is one.
    pub async fn share_link(&self) -> Option<String> {
        let value = self
            .js(
                "const e = document.querySelector('[data-testid=\"share-link\"]'); return e ? e.value : null;",
                vec![],
            )
            .await;
        value.as_str().filter(|link| !link.is_empty()).map(str::to_owned)
    }

    /// Every node the canvas draws, as (kind, name) from `node-<kind>` and `data-name`.
    pub async fn nodes(&self) -> BTreeSet<(String, String)> {
        let value = self
            .js(
                "return [...document.querySelectorAll('[data-testid^=\"node-\"]')].map(e => [e.getAttribute('data-testid').slice(5), e.getAttribute('data-name')]);",
                vec![],
            )
            .await;
        value
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|pair| Some((pair[0].as_str()?.to_owned(), pair[1].as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Record what the page writes to the clipboard from now on (the real write still happens);
    /// [`Page::copied`] reads it back, since headless Chromium may not let a test read the
    /// clipboard itself.
    pub async fn record_clipboard_writes(&self) {
        self.js(
            "const c = navigator.clipboard; if (!c) return false; const write = c.writeText.bind(c); window.__warrenCopied = null; c.writeText = (text) => { window.__warrenCopied = text; return write(text); }; return true;",
            vec![],
        )
        .await;
    }

    /// The last text the page wrote to the clipboard since [`Page::record_clipboard_writes`].
    pub async fn copied(&self) -> Option<String> {
        let value = self.js("return window.__warrenCopied ?? null;", vec![]).await;
        value.as_str().map(str::to_owned)
    }

    /// Whether an element with this `data-testid` is on the page.
    pub async fn has(&self, testid: &str) -> bool {
        self.js(
            "return !!document.querySelector(`[data-testid=\"${arguments[0]}\"]`);",
            vec![json!(testid)],
        )
        .await
            == json!(true)
    }

    /// Save a screenshot as `target/e2e/<name>.png`; returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }
}
