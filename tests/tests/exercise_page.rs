//! End to end: the course in the page, in headless Chromium against a relay started here and the
//! real broker. A learner opens the first exercise from the Exercises tab, sees its locked
//! producer marked and a locked change refused with a word of why, fails it (the relay's checks
//! show ✗ with their sentences), takes a hint, sees how the solution differs, fixes it with the
//! builder (a click on the canvas, a key in the Edit tab's form), passes it (✓), resets it and
//! undoes the reset, and finds the progress kept after a reload. Then a link opens the fourth
//! exercise directly (`#exercise=returns`), a failed check's messages light up on the canvas,
//! the page fits a phone, and in Chinese it shows the exercise in Chinese. On a relay that
//! refuses node faults, an exercise that stops nodes says so and cannot be checked. Screenshots
//! go to `target/e2e/exercise-*.png`.
//!
//! Skipped (with a message) only when the page is not built.

use std::time::Duration;
use warren_tests::browser::{Page, on_page};

/// How long the page may take to react to a click or a key (a part of the page may load first).
const REACT: Duration = Duration::from_secs(10);

/// How long a run of a small exercise may take on the broker.
const RUN: Duration = Duration::from_secs(60);

/// Every check result shown: (passed, sentence, what it saw).
async fn results(page: &Page) -> Vec<(bool, String, String)> {
    let value = page
        .js(
            "return [...document.querySelectorAll('[data-testid=check-result]')].map(e => [e.dataset.passed === 'true', e.querySelector('[data-testid=check-sentence]').textContent.trim(), e.querySelector('[data-testid=check-seen]').textContent.trim()]);",
            vec![],
        )
        .await;
    serde_json::from_value(value).expect("results")
}

/// Check (a run on the broker) and wait for the relay's results.
async fn check(page: &Page) -> Vec<(bool, String, String)> {
    page.click("exercise-check").await;
    page.wait_until("the run starts", REACT, || async {
        page.phase().await != "finished" || !page.has("check-results").await
    })
    .await;
    let phase = page.wait_run_end(RUN).await;
    assert_eq!(phase, "finished", "the exercise ran");
    page.wait_until("the relay's checks are shown", REACT, || async {
        page.has("check-results").await
    })
    .await;
    results(page).await
}

/// The state the Exercises tab shows for an exercise, and the course's progress.
async fn listed(page: &Page, id: &str) -> (String, String) {
    let state = page
        .attr(&format!("exercise-{id}"), "data-state")
        .await
        .unwrap_or_default();
    let passed = page.attr("course-progress", "data-passed").await.unwrap_or_default();
    (state, passed)
}

/// Select the box of `kind` named `name` with the mouse; its form opens in the Edit tab.
async fn select_box(page: &Page, kind: &str, name: &str) {
    let node = page
        .css(&format!("[data-testid=\"node-{kind}\"][data-name=\"{name}\"] rect.box"))
        .await;
    page.click_at(&node, (0.0, 0.0)).await;
    page.wait_until(&format!("the form of {name}"), REACT, || async {
        page.text("element-title").await.is_some_and(|t| t.contains(name))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_learner_fails_an_exercise_takes_a_hint_fixes_it_with_the_builder_and_passes_it() {
    on_page(
        "a_learner_fails_an_exercise_takes_a_hint_fixes_it_with_the_builder_and_passes_it",
        |page| async move {
            // The course, in order, nothing started; the two that stop nodes say so.
            page.click("tab-exercises").await;
            page.appeared("exercise-confirms").await;
            let ids = page
                .js(
                    "return [...document.querySelectorAll('[data-testid^=exercise-]')].filter(e => e.classList.contains('exercise-item')).map(e => e.dataset.testid.slice(9));",
                    vec![],
                )
                .await;
            let ids: Vec<String> = serde_json::from_value(ids).expect("ids");
            assert_eq!(ids.len(), 12, "{ids:?}");
            assert_eq!(&ids[..4], ["confirms", "nack", "outage", "returns"]);
            assert_eq!(listed(&page, "confirms").await, ("not_started".to_owned(), "0".to_owned()));
            assert_eq!(page.texts("exercise-needs-node-faults").await.len(), 2);

            // Open the first: the task above the canvas, the producer marked as locked.
            page.click("exercise-confirms").await;
            page.wait_until("the exercise's task above the canvas", REACT, || async {
                page.text("exercise-title").await.as_deref() == Some("Did the broker take them?")
            })
            .await;
            assert!(page.text("exercise-task").await.unwrap_or_default().contains("100 persistent messages"));
            assert_eq!(page.text("exercise-number").await.as_deref(), Some("Exercise 1 of 12"));
            let locked = page
                .js(
                    "const m = document.querySelector('[data-testid=node-publisher][data-name=producer] [data-testid=lock-mark]'); return m ? m.textContent : null;",
                    vec![],
                )
                .await;
            let locked = locked.as_str().unwrap_or_default().to_owned();
            assert!(locked.contains("count"), "the producer's padlock names its count: {locked:?}");
            let timeline_locked = page
                .js("return !!document.querySelector('.tl-toggle [data-testid=lock-mark]');", vec![])
                .await;
            assert_eq!(timeline_locked, serde_json::json!(true), "the timeline is locked too");
            assert!(
                page.attr("exercise-solution", "disabled").await.is_some(),
                "no solution before a check"
            );
            page.screenshot("exercise-opened").await;

            // A locked part, changed in the form, is refused with a word of why.
            select_box(&page, "publisher", "producer").await;
            let count = page.appeared("field-count").await;
            count.clear().await.expect("clear the count");
            count.send_keys("5").await.expect("type a count");
            page.wait_until("the count is refused", REACT, || async {
                page.texts("field-error").await.iter().any(|e| e.contains("locked in this exercise"))
            })
            .await;
            assert_eq!(page.scenario().await["publishers"][0]["count"], 100, "the count stays");

            // Check: the relay decides, and the page shows ✗ with the sentence and what it saw.
            let failed = check(&page).await;
            assert_eq!(failed.len(), 3, "{failed:?}");
            assert!(!failed[0].0 && failed[0].1.contains("should use publisher confirms"), "{failed:?}");
            assert!(!failed[1].0 && failed[1].1.starts_with("The broker acked 0 of the 100"), "{failed:?}");
            assert!(failed[1].2.contains("0") && failed[1].2.contains("= 100"), "{failed:?}");
            assert!(failed[2].0, "all 100 still reach the consumer: {failed:?}");
            assert_eq!(page.text("check-verdict").await.as_deref(), Some("1 of 3 checks passed"));
            assert_eq!(page.attr("exercise-state", "data-state").await.as_deref(), Some("tried"));
            page.screenshot("exercise-failed").await;

            // A hint.
            page.click("exercise-hint").await;
            page.wait_until("a hint is shown", REACT, || async {
                page.texts("exercise-hint-text").await.len() == 1
            })
            .await;

            // The solution, after a check: how it differs from what the learner has.
            page.click("exercise-solution").await;
            page.appeared("solution").await;
            let changes = page.texts("solution-change").await;
            assert_eq!(changes.len(), 1, "{changes:?}");
            assert!(
                changes[0].contains("producer") && changes[0].contains("confirm.mode"),
                "{changes:?}"
            );
            page.screenshot("exercise-solution").await;
            page.click("exercise-solution").await;

            // The fix, with the builder: the producer's box (mouse), its confirm mode (keyboard).
            select_box(&page, "publisher", "producer").await;
            let confirm = page.appeared("field-confirm").await;
            confirm.send_keys("s").await.expect("choose streaming confirms with a key");
            page.wait_until("the producer uses confirms", REACT, || async {
                page.scenario().await["publishers"][0]["confirm"]["mode"] == "stream"
            })
            .await;

            // Now the scenario is the solution's.
            page.click("exercise-solution").await;
            page.appeared("solution-same").await;
            page.click("exercise-solution").await;

            let passed = check(&page).await;
            assert!(passed.iter().all(|(ok, ..)| *ok), "{passed:?}");
            assert_eq!(page.text("check-verdict").await.as_deref(), Some("Every check passed: exercise done!"));
            assert_eq!(page.attr("exercise-state", "data-state").await.as_deref(), Some("passed"));
            assert_eq!(listed(&page, "confirms").await, ("passed".to_owned(), "1".to_owned()));
            page.screenshot("exercise-passed").await;

            // Reset brings the start back; Undo brings the fix back.
            page.click("exercise-reset").await;
            page.wait_until("the starting scenario is back", REACT, || async {
                page.scenario().await["publishers"][0]["confirm"]["mode"] == "off"
            })
            .await;
            page.click("undo-button").await;
            page.wait_until("the fix is back", REACT, || async {
                page.scenario().await["publishers"][0]["confirm"]["mode"] == "stream"
            })
            .await;

            // A reload keeps the progress, the hint and the work.
            page.open().await;
            page.appeared("exercise-confirms").await;
            page.wait_until("the progress is kept", REACT, || async {
                listed(&page, "confirms").await == ("passed".to_owned(), "1".to_owned())
            })
            .await;
            page.wait_until("the hint is kept", REACT, || async {
                page.texts("exercise-hint-text").await.len() == 1
            })
            .await;
            assert_eq!(page.attr("exercise-state", "data-state").await.as_deref(), Some("passed"));
            page.screenshot("exercise-reloaded").await;

            // A link to an exercise of the course opens it from its start.
            page.open_url(&format!("{}#exercise=returns", page.base_url())).await;
            page.wait_until("the linked exercise is open", REACT, || async {
                page.text("exercise-title").await.as_deref() == Some("Lost unroutables")
            })
            .await;
            let failed = check(&page).await;
            let dropped = failed.iter().position(|(_, sentence, _)| sentence.contains("dropped without a word"));
            let dropped = dropped.unwrap_or_else(|| panic!("the check of dropped messages: {failed:?}"));
            assert!(!failed[dropped].0, "{failed:?}");
            // Its messages' paths light up on the canvas.
            let buttons = page
                .js(
                    "return [...document.querySelectorAll('[data-testid=check-result]')].map(e => !!e.querySelector('[data-testid=check-messages]'));",
                    vec![],
                )
                .await;
            assert_eq!(buttons[dropped], serde_json::json!(true), "the result names its messages");
            page.js(
                "document.querySelectorAll('[data-testid=check-result]')[arguments[0]].querySelector('button').click(); return true;",
                vec![serde_json::json!(dropped)],
            )
            .await;
            page.wait_until("the messages' paths are highlighted", REACT, || async {
                page.js("return document.querySelectorAll('.canvas .node.hl').length;", vec![])
                    .await
                    .as_u64()
                    .is_some_and(|n| n >= 2)
            })
            .await;
            page.screenshot("exercise-highlight").await;
            assert_eq!(listed(&page, "returns").await.0, "tried");

            // On a phone: the exercise above the canvas, the course in the gallery's panel, and
            // nothing scrolls sideways.
            page.client.set_window_size(390, 844).await.expect("a phone's window");
            tokio::time::sleep(Duration::from_millis(600)).await;
            page.screenshot("exercise-390x844").await;
            page.css("label:has(#panel-gallery)").await.click().await.expect("the gallery's panel");
            page.js("document.querySelector('.gallery').scrollIntoView(); return true;", vec![]).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            page.screenshot("exercise-390x844-course").await;
            let sideways = page
                .js("return document.documentElement.scrollWidth > innerWidth + 1;", vec![])
                .await;
            assert_eq!(sideways, serde_json::json!(false), "the page scrolls sideways on a phone");
            page.js("window.scrollTo(0, 0); return true;", vec![]).await;
            page.client.set_window_size(1440, 900).await.expect("back to a desktop");

            // In Chinese, the exercise speaks Chinese.
            page.click("lang-toggle").await;
            page.wait_until("the exercise in Chinese", REACT, || async {
                page.text("exercise-title").await.as_deref() == Some("悄悄消失的消息")
            })
            .await;
            assert_eq!(page.text("exercise-number").await.as_deref(), Some("练习 4 / 12"));
            page.screenshot("exercise-zh").await;
            page.js("localStorage.removeItem('warren.lang'); return true;", vec![]).await;

            // A relay that refuses node faults (a workshop): the exercises that stop nodes say so,
            // and their Check is off rather than refused.
            let workshop = warren_tests::Relay::start_with(|limits| limits.node_faults = false).await;
            page.open_url(&format!("http://{}/#exercise=mirror-loss", workshop.addr)).await;
            page.wait_until("the exercise that crashes a node is open", REACT, || async {
                page.text("exercise-title").await.as_deref() == Some("The mirror that lost data")
            })
            .await;
            page.appeared("exercise-no-node-faults").await;
            assert!(page.attr("exercise-check", "disabled").await.is_some(), "no Check here");
            let marks = page.texts("exercise-needs-node-faults").await;
            assert_eq!(marks.len(), 2, "{marks:?}");
            assert!(marks.iter().all(|m| m.contains("not on this relay")), "{marks:?}");
            page.screenshot("exercise-workshop").await;
        },
    )
    .await;
}
