//! End to end, the page's playback against a relay started here and the real broker: the
//! numbers follow the tokens (one clock), a new run plays after a pause, a reload keeps the
//! scenario, and Space types in a text field instead of pausing. One browser session per test,
//! one test at a time; screenshots go to `target/e2e/`.
//!
//! Skipped (with a message) only when the page is not built (`cargo xtask build-frontend`).

use serde_json::json;
use std::time::{Duration, Instant};
use warren_tests::browser::{Page, on_page};

/// WebDriver's Control key.
const CONTROL: &str = "\u{e009}";

/// How long a small example's run may take in the page.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// The number an actor's box shows (`received 42` on a consumer), 0 before it shows one.
async fn received(page: &Page, consumer: &str) -> u64 {
    let text = page
        .js(
            "const e = document.querySelector(`[data-testid=\"node-consumer\"][data-name=\"${arguments[0]}\"] .counts`); return e ? e.textContent : '';",
            vec![json!(consumer)],
        )
        .await;
    let digits: String = text
        .as_str()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(0)
}

/// Tokens started since the animation was last reset (the token layer's `data-drawn`).
async fn drawn(page: &Page) -> u64 {
    page.attr("token-layer", "data-drawn")
        .await
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Whether the animation is paused (the pause button's `aria-pressed`).
async fn paused(page: &Page) -> bool {
    page.attr("pause-button", "aria-pressed").await.as_deref() == Some("true")
}

/// The page's address, fragment included.
async fn address(page: &Page) -> String {
    page.client.current_url().await.expect("the page's address").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counters_follow_the_tokens_not_the_broker() {
    on_page("the_counters_follow_the_tokens_not_the_broker", |page| async move {
        page.load_example("backup-exchange").await;
        page.click_run().await;
        page.wait_until("the first token leaves the producer", RUN_LIMIT, || async {
            drawn(&page).await > 0
        })
        .await;
        let first_token = Instant::now();
        tokio::time::sleep(Duration::from_millis(500).saturating_sub(first_token.elapsed())).await;
        let at_half_a_second = received(&page, "backup-consumer").await;
        let phase = page.phase().await;
        page.screenshot("playback-half-a-second").await;
        assert!(
            at_half_a_second < 100,
            "0.5 s into the animation at 1× the consumer shows {at_half_a_second} (run {phase})"
        );
        assert_eq!(page.number("summary-published").await, None, "no final numbers yet");

        page.wait_until(
            "the consumer's counter reaches 100",
            Duration::from_secs(30),
            || async { received(&page, "backup-consumer").await == 100 },
        )
        .await;
        assert_eq!(page.wait_run_end(RUN_LIMIT).await, "finished");
        page.wait_until("the summary shows at the end", Duration::from_secs(10), || async {
            page.number("summary-published").await == Some(100)
        })
        .await;
        assert_eq!(page.delivered().await.get("backup-queue"), Some(&100));
        println!("0.5 s into the animation: received {at_half_a_second} (run {phase}); at the end 100");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_run_plays_after_a_pause() {
    on_page("a_new_run_plays_after_a_pause", |page| async move {
        page.load_example("confirms").await;
        page.click_run().await;
        page.wait_until("the first token leaves", RUN_LIMIT, || async { drawn(&page).await > 0 })
            .await;
        page.find("pause-button").await.click().await.expect("click Pause");
        assert!(paused(&page).await, "paused");
        assert_eq!(page.wait_run_end(RUN_LIMIT).await, "finished");
        let stood = received(&page, "consumer").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            received(&page, "consumer").await,
            stood,
            "paused, the counter stands still"
        );
        assert!(stood < 100, "paused early, the counter shows {stood}");

        page.click_run().await;
        page.wait_until("the new run plays", Duration::from_secs(5), || async {
            !paused(&page).await
        })
        .await;
        page.wait_until("tokens leave in the new run", RUN_LIMIT, || async {
            drawn(&page).await > 0
        })
        .await;
        page.wait_until(
            "the consumer's counter reaches 100",
            Duration::from_secs(30),
            || async { received(&page, "consumer").await == 100 },
        )
        .await;
        assert_eq!(page.wait_run_end(RUN_LIMIT).await, "finished");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_and_a_new_visit_keep_an_edited_scenario() {
    on_page("a_reload_and_a_new_visit_keep_an_edited_scenario", |page| async move {
        page.load_example("returns").await;
        let mut scenario = page.scenario().await;
        scenario["name"] = json!("Kept across reloads");
        scenario["publishers"][0]["count"] = json!(7);
        page.set_json(&serde_json::to_string_pretty(&scenario).expect("JSON"))
            .await;
        page.wait_until("the address follows the edit", Duration::from_secs(5), || async {
            address(&page).await.contains("#s=1.")
        })
        .await;

        let url = address(&page).await;
        page.client.refresh().await.expect("reload");
        page.open_url(&url).await;
        assert_eq!(
            page.text("scenario-title").await.as_deref(),
            Some("Kept across reloads")
        );
        assert_eq!(page.scenario().await["publishers"][0]["count"], json!(7));

        // A new visit without the link (a closed tab, the address typed again).
        page.open().await;
        assert_eq!(
            page.text("scenario-title").await.as_deref(),
            Some("Kept across reloads")
        );
        assert_eq!(page.scenario().await["publishers"][0]["count"], json!(7));

        // Loading an example can be undone.
        page.load_example("nack").await;
        page.js(
            "document.activeElement && document.activeElement.blur(); return true;",
            vec![],
        )
        .await;
        page.chord(&[CONTROL, "z"]).await;
        page.wait_until(
            "Undo brings the edited scenario back",
            Duration::from_secs(5),
            || async { page.text("scenario-title").await.as_deref() == Some("Kept across reloads") },
        )
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn space_types_in_a_text_field_and_pauses_elsewhere() {
    on_page("space_types_in_a_text_field_and_pauses_elsewhere", |page| async move {
        page.load_example("confirms").await;
        assert!(!paused(&page).await);
        page.type_over_in_json("\"Publisher confirms\"", "\"Publisher confirms twice\"")
            .await;
        assert!(
            !paused(&page).await,
            "Space in the JSON typed a space and did not pause"
        );

        page.js(
            "document.activeElement && document.activeElement.blur(); return true;",
            vec![],
        )
        .await;
        page.chord(&[" "]).await;
        page.wait_until("Space pauses outside text fields", Duration::from_secs(5), || async {
            paused(&page).await
        })
        .await;
        page.chord(&[" "]).await;
        page.wait_until("Space plays again", Duration::from_secs(5), || async {
            !paused(&page).await
        })
        .await;
    })
    .await;
}
