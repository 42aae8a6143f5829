//! End to end: a workshop room in the page, in four headless Chromium sessions (one instructor,
//! three learners) against one relay and the real broker.
//!
//! A wrong instructor's link is refused. The instructor creates a room from her dashboard and
//! gets its join code and link; the learners open the link and take seats (a name already taken
//! is refused); the current exercise opens on each canvas. Ada fails it, Grace fails it, sees
//! the solution the room then shows her and passes, Linus has not started: the dashboard's grid
//! shows each change live, with "1/3 passed". The instructor opens Ada's attempt read-only on her
//! canvas with its checks, sends her canvas to everyone and moves the room on. The relay is then
//! restarted on the same address and folder: every page reconnects by itself and finds the same
//! seats and progress, and a reloaded learner page takes its seat again; a learner who joins a
//! second room finds her seat in the first when she goes back to it. A learner's page cannot
//! read another learner's attempt or watch the grid. Screenshots go to `target/e2e/workshop-*.png`.
//!
//! Skipped (with a message) only when the page is not built.

use serde_json::Value;
use std::time::Duration;
use warren_tests::Relay;
use warren_tests::browser::{Page, skip_without_frontend, with_browsers};
use warren_tests::workshop::{Api, TOKEN, fresh_dir};

/// How long the page may take to react (a part of the page may load first).
const REACT: Duration = Duration::from_secs(15);
/// How long a run of a small exercise may take on the broker.
const RUN: Duration = Duration::from_secs(60);
/// How soon the dashboard must show a learner's run once the learner's page shows it: the relay
/// sends the grid within a second (`tests/tests/workshop.rs` holds it to that); the browser adds
/// its own time on a busy machine.
const LIVE: Duration = Duration::from_secs(5);

async fn type_into(page: &Page, testid: &str, text: &str) {
    let field = page.appeared(testid).await;
    field.clear().await.unwrap_or_else(|e| panic!("clear {testid}: {e}"));
    field
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {testid}: {e}"));
}

/// The state and text of `name`'s cell for `exercise` on the dashboard.
async fn cell(page: &Page, name: &str, exercise: &str) -> Option<(String, String)> {
    let value = page
        .js(
            "const c = document.querySelector(`[data-testid=grid-row][data-name=\"${arguments[0]}\"] [data-testid=grid-cell][data-exercise=\"${arguments[1]}\"]`); return c ? [c.dataset.state, c.textContent.trim()] : null;",
            vec![Value::from(name), Value::from(exercise)],
        )
        .await;
    serde_json::from_value(value).ok()
}

async fn wait_cell(page: &Page, name: &str, exercise: &str, state: &str) {
    page.wait_until(
        &format!("the dashboard shows {name} {state} on {exercise}"),
        LIVE,
        || async { cell(page, name, exercise).await.is_some_and(|(s, _)| s == state) },
    )
    .await;
}

/// The state of the room's exercise `id` on a learner's strip.
async fn chip(page: &Page, id: &str) -> Option<String> {
    let value = page
        .js(
            "const c = document.querySelector(`[data-testid=room-exercise][data-id=\"${arguments[0]}\"]`); return c ? c.dataset.state : null;",
            vec![Value::from(id)],
        )
        .await;
    value.as_str().map(str::to_owned)
}

/// Check (a run on the broker) and wait for the relay's results: whether all passed.
async fn check(page: &Page) -> bool {
    page.wait_until("Check can be pressed", REACT, || async {
        page.attr("exercise-check", "disabled").await.is_none()
    })
    .await;
    page.click("exercise-check").await;
    page.wait_until("the run starts", REACT, || async {
        page.phase().await != "finished" || !page.has("check-results").await
    })
    .await;
    assert_eq!(page.wait_run_end(RUN).await, "finished", "the exercise ran");
    page.wait_until("the relay's checks are shown", REACT, || async {
        page.has("check-results").await
    })
    .await;
    let passed = page
        .js(
            "return [...document.querySelectorAll('[data-testid=check-result]')].every(e => e.dataset.passed === 'true');",
            vec![],
        )
        .await;
    passed == Value::Bool(true)
}

/// Open the join `link` and take a seat as `name`.
async fn join(page: &Page, link: &str, name: &str) {
    page.open_url(link).await;
    type_into(page, "room-name", name).await;
    page.click("room-join-button").await;
    page.wait_until(&format!("{name} is seated"), REACT, || async {
        page.text("room-you").await.is_some_and(|t| t.contains(name))
    })
    .await;
    page.wait_until("the room's current exercise is on the canvas", REACT, || async {
        page.text("exercise-title").await.as_deref() == Some("Did the broker take them?")
    })
    .await;
    let rooms_length = page.texts("room-exercise").await.len();
    page.wait_until("numbered as the room numbers it", REACT, || async {
        page.text("exercise-number").await == Some(format!("Exercise 1 of {rooms_length}"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instructor_and_three_learners_run_a_room_through_a_relay_restart() {
    let test = "an_instructor_and_three_learners_run_a_room_through_a_relay_restart";
    if skip_without_frontend(test) {
        return;
    }
    let dir = fresh_dir("page");
    let relay = Relay::start_workshop(&dir, TOKEN, |_| {}).await;
    let addr = relay.addr;
    let base = format!("http://{addr}/");
    with_browsers(4, move |clients| async move {
        let mut pages = clients.into_iter().map(|c| Page::new(c, base.clone()));
        let (teacher, ada, grace, linus) = (
            pages.next().expect("4"),
            pages.next().expect("4"),
            pages.next().expect("4"),
            pages.next().expect("4"),
        );

        // A wrong token is refused, in words.
        teacher.open_url(&format!("{base}#instructor=not-the-instructors-token")).await;
        teacher.appeared("dash-denied").await;
        assert!(
            teacher.text("dash-denied").await.unwrap_or_default().contains("token"),
            "{:?}",
            teacher.text("dash-denied").await
        );

        // Her own link (a page of its own: pasted into the open page, it reloads it): no room
        // yet, so the new room's form.
        teacher.client.goto("about:blank").await.expect("leave the page");
        teacher.open_url(&format!("{base}#instructor={TOKEN}")).await;
        assert!(
            !teacher.js("return location.href;", vec![]).await.to_string().contains(TOKEN),
            "the token leaves the address bar (the screen may be on a projector)"
        );
        teacher.appeared("new-room").await;
        teacher
            .wait_until("the course is offered", REACT, || async {
                teacher.texts("new-room-exercise").await.len() >= 10
            })
            .await;
        teacher
            .js(
                "document.querySelectorAll('[data-testid=new-room-exercise]').forEach(c => { if (['confirms', 'returns'].includes(c.value) !== c.checked) c.click(); }); return true;",
                vec![],
            )
            .await;
        type_into(&teacher, "new-room-title", "Reliability, Tuesday").await;
        teacher.click("new-room-create").await;
        teacher.appeared("join-code").await;
        let code = teacher.text("join-code").await.unwrap_or_default();
        let link = teacher.text("join-link").await.unwrap_or_default();
        assert_eq!(code.len(), 9, "{code}");
        assert_eq!(link, format!("{base}?room={code}"));
        assert!(teacher.has("dash-lan-hint").await, "on 127.0.0.1 the page says learners need the LAN");
        assert!(teacher.has("grid-empty").await);
        teacher.screenshot("workshop-dashboard-new").await;

        // Three learners take seats; a name already taken is refused.
        join(&ada, &link, "Ada").await;
        join(&grace, &link, "Grace").await;
        linus.open_url(&link).await;
        type_into(&linus, "room-name", " ada ").await;
        linus.click("room-join-button").await;
        linus.appeared("room-error").await;
        let taken = linus.text("room-error").await.unwrap_or_default();
        assert!(taken.contains("already goes by"), "{taken}");
        type_into(&linus, "room-name", "Linus").await;
        linus.click("room-join-button").await;
        linus
            .wait_until("Linus is seated", REACT, || async {
                linus.text("room-you").await.is_some_and(|t| t.contains("Linus"))
            })
            .await;
        teacher
            .wait_until("three learners on the grid", LIVE, || async {
                teacher.texts("grid-row").await.len() == 3
            })
            .await;

        // Ada fails; the dashboard follows.
        assert!(!check(&ada).await, "the start fails");
        assert_eq!(chip(&ada, "confirms").await.as_deref(), Some("trying"));
        wait_cell(&teacher, "Ada", "confirms", "trying").await;

        // Grace fails, is shown the solution (the room's policy: after one attempt), passes.
        assert!(
            grace.attr("exercise-solution", "disabled").await.is_some(),
            "no solution before an attempt"
        );
        assert!(!check(&grace).await);
        grace
            .wait_until("the room shows Grace the solution", REACT, || async {
                grace.attr("exercise-solution", "disabled").await.is_none()
            })
            .await;
        grace.click("exercise-solution").await;
        let changes = grace.texts("solution-change").await;
        assert!(changes.iter().any(|c| c.contains("confirm")), "{changes:?}");
        grace.click("load-solution").await;
        assert!(check(&grace).await, "the solution passes");
        grace
            .wait_until("Grace's strip says passed", REACT, || async {
                chip(&grace, "confirms").await.as_deref() == Some("passed")
            })
            .await;
        wait_cell(&teacher, "Grace", "confirms", "passed").await;
        assert_eq!(cell(&teacher, "Grace", "confirms").await.map(|c| c.1).as_deref(), Some("✓ 2"));
        assert_eq!(cell(&teacher, "Linus", "confirms").await.map(|c| c.0).as_deref(), Some("not_started"));
        let totals = teacher.texts("grid-total").await;
        assert_eq!(totals.first().map(String::as_str), Some("1/3 passed"), "{totals:?}");
        teacher.screenshot("workshop-dashboard").await;
        ada.screenshot("workshop-learner").await;

        // Ada's attempt, read-only on the instructor's canvas, with its checks.
        teacher
            .js(
                "document.querySelector('[data-testid=grid-row][data-name=Ada] [data-testid=grid-cell][data-exercise=confirms]').click(); return true;",
                vec![],
            )
            .await;
        teacher.appeared("attempt-viewing").await;
        assert!(teacher.text("attempt-viewing").await.unwrap_or_default().contains("Ada"));
        teacher.appeared("check-results").await;
        assert_eq!(teacher.text("exercise-title").await.as_deref(), Some("Did the broker take them?"));
        assert_eq!(teacher.scenario().await["publishers"][0]["confirm"]["mode"], "off", "Ada's scenario");
        teacher.screenshot("workshop-attempt").await;

        // Send it to everyone; move the room on.
        teacher.click("attempt-back").await;
        teacher.click("dash-push").await;
        teacher
            .wait_until("the push reached three pages", REACT, || async {
                teacher.text("dash-note").await.is_some_and(|t| t.ends_with('3'))
            })
            .await;
        linus.appeared("room-news-open").await;
        linus.click("room-news-open").await;
        linus
            .wait_until("Linus has the instructor's scenario", REACT, || async {
                linus.scenario().await["publishers"][0]["confirm"]["mode"] == "off"
            })
            .await;
        teacher.click("dash-next").await;
        for learner in [&ada, &grace, &linus] {
            learner
                .wait_until("the room moved on to returns", REACT, || async {
                    learner
                        .js("const c = document.querySelector('[data-testid=room-exercise].current'); return c ? c.dataset.id : null;", vec![])
                        .await
                        == "returns"
                })
                .await;
        }

        // A learner's page cannot read another's attempt, nor watch the grid.
        let ada_seat = teacher
            .js("return document.querySelector('[data-testid=grid-row][data-name=Ada]').dataset.seat;", vec![])
            .await;
        let ada_seat = ada_seat.as_str().unwrap_or_default().to_owned();
        let status = linus
            .js(
                "const x = new XMLHttpRequest(); x.open('GET', `/api/rooms/${arguments[0]}/attempts/${arguments[1]}/confirms`, false); x.send(); return x.status;",
                vec![Value::from(code.clone()), Value::from(ada_seat)],
            )
            .await;
        assert_eq!(status, 401, "without the token");
        linus
            .js(
                "window.__watch = null; const s = new WebSocket(`ws://${location.host}/ws`); s.onopen = () => s.send(JSON.stringify({type: 'watch', room: arguments[0]})); s.onmessage = (m) => { const d = JSON.parse(m.data); if (d.type !== 'hello') { window.__watch = d; s.close(); } }; return true;",
                vec![Value::from(code.clone())],
            )
            .await;
        linus
            .wait_until("the relay answers the watch", REACT, || async {
                !linus.js("return window.__watch;", vec![]).await.is_null()
            })
            .await;
        let answer = linus.js("return window.__watch;", vec![]).await;
        assert_eq!(answer["type"], "refused", "{answer}");
        assert_eq!(answer["code"], "unauthorized", "{answer}");

        // On a phone the learner's strip and the dashboard fit, nothing scrolls sideways; in
        // Chinese, the room speaks Chinese.
        for (page, name) in [(&grace, "workshop-learner-390x844"), (&teacher, "workshop-dashboard-390x844")] {
            page.client.set_window_size(390, 844).await.expect("a phone's window");
            tokio::time::sleep(Duration::from_millis(600)).await;
            page.screenshot(name).await;
            let sideways = page
                .js("return document.documentElement.scrollWidth > innerWidth + 1;", vec![])
                .await;
            assert_eq!(sideways, Value::Bool(false), "{name} scrolls sideways");
            page.client.set_window_size(1440, 900).await.expect("back to a desktop");
        }
        for page in [&teacher, &grace] {
            page.click("lang-toggle").await;
            page.wait_until("the page in Chinese", REACT, || async {
                page.attr("lang-toggle", "data-lang").await.as_deref() == Some("zh")
            })
            .await;
        }
        teacher
            .wait_until("the dashboard in Chinese", REACT, || async {
                teacher.texts("grid-total").await.first().is_some_and(|t| t.contains("通过"))
            })
            .await;
        teacher.screenshot("workshop-dashboard-zh").await;
        grace
            .wait_until("the strip in Chinese", REACT, || async {
                grace.text("room-you").await.is_some_and(|t| t.starts_with("你"))
            })
            .await;
        grace.screenshot("workshop-learner-zh").await;
        for page in [&teacher, &grace] {
            page.click("lang-toggle").await;
            page.js("localStorage.removeItem('warren.lang'); return true;", vec![]).await;
        }

        // The relay restarts on the same address and folder: everyone is back, with their progress.
        relay.stop().await;
        let relay = Relay::start_workshop_at(Some(addr), &dir, TOKEN, |_| {}).await;
        for (learner, state) in [(&ada, "trying"), (&grace, "passed"), (&linus, "not_started")] {
            learner
                .wait_until("the page reconnects by itself", Duration::from_secs(30), || async {
                    learner.attr("connection-indicator", "data-state").await.as_deref() == Some("connected")
                })
                .await;
            learner
                .wait_until("the same seat, the same progress", REACT, || async {
                    chip(learner, "confirms").await.as_deref() == Some(state)
                })
                .await;
        }
        ada.open_url(&base).await;
        ada.wait_until("a reload takes the seat again", REACT, || async {
            ada.text("room-you").await.is_some_and(|t| t.contains("Ada"))
        })
        .await;
        assert_eq!(chip(&ada, "confirms").await.as_deref(), Some("trying"));
        teacher
            .wait_until("the dashboard is back with the grid", Duration::from_secs(30), || async {
                cell(&teacher, "Grace", "confirms").await.is_some_and(|(s, _)| s == "passed")
                    && cell(&teacher, "Ada", "confirms").await.is_some_and(|(s, _)| s == "trying")
            })
            .await;
        teacher.screenshot("workshop-dashboard-restarted").await;

        // Ada joins a second room in the same browser, then goes back to the first: her seat
        // there is still hers.
        let second = Api::at(base.trim_end_matches('/').to_owned())
            .create("Reliability, Wednesday", &["confirms"], serde_json::json!({}))
            .await;
        join(&ada, &format!("{base}?room={}", second.code), "Ada").await;
        assert_eq!(ada.text("room-title").await.as_deref(), Some("Reliability, Wednesday"));
        ada.open_url(&link).await;
        ada.wait_until("the first room's seat comes back", REACT, || async {
            ada.text("room-title").await.as_deref() == Some("Reliability, Tuesday")
                && ada.text("room-you").await.is_some_and(|t| t.contains("Ada"))
        })
        .await;
        assert_eq!(chip(&ada, "confirms").await.as_deref(), Some("trying"));
        assert!(!ada.has("room-name").await, "no name asked for");
        relay.stop().await;
    })
    .await;
}
