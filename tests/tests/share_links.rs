//! End to end: share links (`#s=1.…`) in headless Chromium. A scenario edited in one browser
//! opens unchanged from its link in another (a new WebDriver session, so nothing carries over
//! but the link); a link that cannot be opened says why and leaves a working page; a link to an
//! invalid scenario opens with its problems and cannot run. No scenario runs on the broker; the
//! relay is only there to serve the page and its socket. Screenshots go to `target/e2e/`.
//!
//! Skipped (with a message) only when the page is not built; a missing Chromium or chromedriver
//! is a failure that says to run `cargo xtask setup`.

use serde_json::{Value, json};
use std::time::Duration;
use tokio::sync::Mutex;
use warren_tests::browser::{Page, skip_without_frontend, with_browser};
use warren_tests::{Relay, example_path};

/// One browser test at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// How long the page may take to react to typing or a click.
const REACT: Duration = Duration::from_secs(5);

/// The document of a file in `examples/`.
fn example_document(name: &str) -> Value {
    let path = example_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The fragment of a link, without its `#`.
fn fragment(link: &str) -> &str {
    link.split_once('#').map_or("", |(_, fragment)| fragment)
}

/// Wait until the share bar shows a link to the page at `base` that differs from `old`.
async fn wait_for_new_link(page: &Page, base: &str, old: Option<&str>) -> String {
    page.wait_until("the share bar shows a link to the edited scenario", REACT, || async {
        page.share_link().await.is_some_and(|link| Some(link.as_str()) != old)
    })
    .await;
    let link = page.share_link().await.unwrap_or_default();
    assert!(
        link.starts_with(&format!("{base}#s=1.")),
        "a version-1 link to this page: {link}"
    );
    link
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_share_link_opened_in_a_fresh_page_restores_an_identical_scenario() {
    if skip_without_frontend("a_share_link_opened_in_a_fresh_page_restores_an_identical_scenario") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let relay = Relay::start().await;
    let base = format!("http://{}/", relay.addr);
    with_browser(move |client| async move {
        let page = Page::new(client, base.clone());
        page.open().await;
        page.load_example("confirms").await;
        let mut expected = example_document("confirms.json");
        assert_eq!(page.scenario().await, expected, "the editor holds confirms.json");
        let unedited = page.share_link().await;
        assert!(unedited.is_some(), "the share bar links to the loaded example");

        // Rename the queue everywhere it is named and change the publisher's count, by typing.
        for _ in 0..3 {
            page.type_over_in_json("\"confirm-queue\"", "\"orders\"").await;
        }
        page.type_over_in_json("\"count\": 100", "\"count\": 250").await;
        page.type_over_in_json("\"Publisher confirms\"", "\"Shared confirms\"")
            .await;
        expected["name"] = json!("Shared confirms");
        expected["queues"][0]["name"] = json!("orders");
        expected["bindings"][0]["destination"] = json!("orders");
        expected["consumers"][0]["queue"] = json!("orders");
        expected["publishers"][0]["count"] = json!(250);
        let edited = page.scenario().await;
        assert_eq!(edited, expected, "the typed edits are in the editor");
        page.wait_until("the edited scenario is valid", REACT, || async {
            page.text("json-state").await.is_some_and(|s| s.contains("valid"))
        })
        .await;
        page.wait_until("the canvas draws the renamed queue", REACT, || async {
            page.nodes().await.contains(&("queue".to_owned(), "orders".to_owned()))
        })
        .await;
        let nodes = page.nodes().await;
        assert!(
            !nodes.iter().any(|(_, name)| name == "confirm-queue"),
            "the old queue name is gone from the canvas: {nodes:?}"
        );

        let link = wait_for_new_link(&page, &base, unedited.as_deref()).await;
        page.record_clipboard_writes().await;
        page.find("copy-link").await.click().await.expect("press Copy link");
        // Copied, or (when the clipboard is refused) selected with a hint to press Ctrl+C.
        page.wait_until("Copy link says what it did", REACT, || async {
            page.text("share-note").await.is_some_and(|note| !note.is_empty())
        })
        .await;
        if page.text("share-note").await.as_deref() == Some("Link copied") {
            assert_eq!(
                page.copied().await,
                Some(link.clone()),
                "Copy link copies the link shown"
            );
        }
        let address = page.client.current_url().await.expect("the page's address");
        assert_eq!(
            address.fragment(),
            Some(fragment(&link)),
            "Copy link puts the link in the address bar"
        );
        page.screenshot("share-edited").await;
        println!(
            "link: {} characters, note {:?}",
            link.len(),
            page.text("share-note").await
        );

        // A new session: no storage, no history, only the link.
        with_browser(move |client| async move {
            let fresh = Page::new(client, base);
            fresh.open_url(&link).await;
            fresh.find("tab-json").await.click().await.expect("open the JSON tab");
            assert_eq!(fresh.scenario().await, edited, "the link restores the edited scenario");
            assert!(!fresh.has("share-error").await, "no error banner");
            assert_eq!(fresh.nodes().await, nodes, "the canvas draws the same nodes");
            let state = fresh.text("json-state").await.unwrap_or_default();
            assert!(state.contains("valid"), "the restored scenario is valid: {state:?}");
            assert_eq!(fresh.phase().await, "idle");
            assert_eq!(
                fresh.share_link().await.as_deref(),
                Some(link.as_str()),
                "the opened page links to the same scenario"
            );
            fresh.screenshot("share-opened").await;
        })
        .await;
    })
    .await;
    drop(relay);
}

/// Broken links and a phrase the banner must use for each.
const BROKEN: [(&str, &str); 2] = [
    ("#s=1.garbage!!", "is not valid base64url"),
    ("#s=9.xxx", "link format \"9\""),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_garbled_link_shows_its_message_and_opens_an_empty_working_page() {
    if skip_without_frontend("a_garbled_link_shows_its_message_and_opens_an_empty_working_page") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let relay = Relay::start().await;
    let base = format!("http://{}/", relay.addr);
    for (n, (broken, phrase)) in BROKEN.into_iter().enumerate() {
        let base = base.clone();
        with_browser(move |client| async move {
            let page = Page::new(client, base.clone());
            page.open_url(&format!("{base}{broken}")).await;
            page.wait_until("the banner says the link could not be opened", REACT, || async {
                page.has("share-error").await
            })
            .await;
            let message = page.text("share-error").await.unwrap_or_default();
            assert!(
                message.starts_with("This link could not be opened: ") && message.contains(phrase),
                "{broken}: the banner names the problem ({phrase:?}): {message:?}"
            );

            // Not blank: the whole page is there, with an empty scenario open (the JSON tab's
            // code comes when the tab is opened, below).
            for part in ["gallery", "canvas", "run-button", "share"] {
                assert!(page.has(part).await, "{broken}: the page shows its {part}");
            }
            assert_eq!(
                page.scenario().await,
                json!({"version": 1, "name": ""}),
                "{broken}: an empty scenario is open"
            );
            assert!(page.nodes().await.is_empty(), "{broken}: the canvas is empty");
            assert_eq!(page.phase().await, "idle", "{broken}");
            page.find("tab-json").await.click().await.expect("open the JSON tab");
            page.screenshot(&format!("share-broken-{}", n + 1)).await;

            // The banner can be dismissed, and the page still works: an example loads and draws.
            page.find("share-error-dismiss")
                .await
                .click()
                .await
                .expect("dismiss the banner");
            page.wait_until("the banner goes", REACT, || async { !page.has("share-error").await })
                .await;
            page.load_example("returns").await;
            let returns = example_document("returns.json");
            assert_eq!(page.scenario().await, returns, "{broken}: returns.json loads");
            let nodes = page.nodes().await;
            for queue in returns["queues"].as_array().into_iter().flatten() {
                let name = queue["name"].as_str().unwrap_or_default().to_owned();
                assert!(
                    nodes.contains(&("queue".to_owned(), name.clone())),
                    "{broken}: the canvas draws queue {name}: {nodes:?}"
                );
            }
            assert!(page.share_link().await.is_some(), "{broken}: the example can be shared");
        })
        .await;
    }
    drop(relay);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_to_an_invalid_scenario_opens_with_its_problems_and_cannot_run() {
    if skip_without_frontend("a_link_to_an_invalid_scenario_opens_with_its_problems_and_cannot_run") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let relay = Relay::start().await;
    let base = format!("http://{}/", relay.addr);
    with_browser(move |client| async move {
        let page = Page::new(client, base.clone());
        page.open().await;
        page.load_example("confirms").await;
        let unedited = page.share_link().await;
        page.type_over_in_json("\"count\": 100", "\"count\": 0").await;
        page.wait_until("the editor lists the problem", REACT, || async {
            page.texts("editor-problem")
                .await
                .iter()
                .any(|p| p.starts_with("publishers[0].count"))
        })
        .await;
        let invalid = page.scenario().await;
        let link = wait_for_new_link(&page, &base, unedited.as_deref()).await;

        with_browser(move |client| async move {
            let fresh = Page::new(client, base);
            fresh.open_url(&link).await;
            fresh.find("tab-json").await.click().await.expect("open the JSON tab");
            assert_eq!(
                fresh.scenario().await,
                invalid,
                "the link opens the invalid scenario as it was"
            );
            assert!(!fresh.has("share-error").await, "a decodable link is no error");
            let listed = fresh.texts("editor-problem").await;
            assert!(
                listed.iter().any(|p| p.starts_with("publishers[0].count")),
                "the editor names publishers[0].count: {listed:?}"
            );
            let state = fresh.text("json-state").await.unwrap_or_default();
            assert!(state.contains("1 problem"), "the editor counts one problem: {state:?}");

            fresh.click_run().await;
            fresh
                .wait_until("the page refuses to run", REACT, || async {
                    fresh.phase().await == "invalid"
                })
                .await;
            let shown = fresh.texts("problem").await;
            assert!(
                shown.iter().any(|p| p.starts_with("publishers[0].count")),
                "the canvas's problems name publishers[0].count: {shown:?}"
            );
            tokio::time::sleep(Duration::from_millis(1000)).await;
            assert_eq!(fresh.phase().await, "invalid", "no run started");
            assert!(fresh.texts("event-row").await.is_empty(), "no events");
            fresh.screenshot("share-invalid").await;
        })
        .await;
    })
    .await;
    drop(relay);
}
