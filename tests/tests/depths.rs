//! End to end: queue depths in the page, as the relay reads them over AMQP. The priority
//! example builds a backlog of 100 messages that its consumer drains within a tenth of a second;
//! the queue's box must show it while it lasts and the depth plot must keep it.
//!
//! Built like `browser.rs`: the built page in headless Chromium, a relay started here, the real
//! broker; skipped (with a message) only when the page is not built.

use serde_json::json;
use std::time::Duration;
use warren_tests::browser::{Page, on_page};

/// How long the run may take in the page.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// JavaScript that records, every frame, the largest ready count the queue box of
/// `arguments[0]` shows (its `data-ready`), in `window.__warrenBoxReady`.
const WATCH_BOX: &str = r#"
const testid = `queue-depth-${arguments[0]}`;
const w = window.__warrenBoxReady = { max: 0, stop: false };
const tick = () => {
  if (w.stop) return;
  const e = document.querySelector(`[data-testid="${testid}"]`);
  const ready = Number((e && e.getAttribute('data-ready')) || 0);
  if (ready > w.max) w.max = ready;
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
return true;
"#;

/// An attribute of the depth plot's line of `queue`, if it is drawn.
async fn line_attr(page: &Page, queue: &str, name: &str) -> Option<String> {
    let value = page
        .js(
            "const e = document.querySelector(`[data-testid=\"depth-line\"][data-queue=\"${arguments[0]}\"]`); return e ? e.getAttribute(arguments[1]) : null;",
            vec![json!(queue), json!(name)],
        )
        .await;
    value.as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_priority_backlog_shows_on_the_queue_box_and_in_the_depth_plot() {
    on_page("the_priority_backlog_shows_on_the_queue_box_and_in_the_depth_plot", |page| async move {
        page.load_example("priority").await;
        page.js(WATCH_BOX, vec![json!("pri-queue")]).await;
        page.click_run().await;
        let phase = page.wait_run_end(RUN_LIMIT).await;
        page.screenshot("depths-priority").await;
        assert_eq!(phase, "finished", "problems {:?}", page.texts("problem").await);

        // The plot keeps the backlog: its line of pri-queue reached at least 50 ready messages.
        let max_ready: u64 = line_attr(&page, "pri-queue", "data-max-ready")
            .await
            .and_then(|v| v.parse().ok())
            .expect("the depth plot draws pri-queue with its largest ready count");
        let title = page
            .js(
                "const e = document.querySelector('[data-testid=\"depth-line\"][data-queue=\"pri-queue\"] title'); return e ? e.textContent : null;",
                vec![],
            )
            .await;
        println!("pri-queue: the plot's most ready {max_ready}; its title {title}");
        assert!(max_ready >= 50, "the plot shows the backlog: at most {max_ready} ready");
        let legend = page.texts("depth-legend").await.join(" | ");
        assert!(legend.contains("peak"), "the legend keeps the peak: {legend}");

        // The queue's box showed the backlog while it lasted, and shows the drained queue now,
        // both read over AMQP.
        page.js("window.__warrenBoxReady.stop = true; return true;", vec![]).await;
        let box_max = page.js("return window.__warrenBoxReady.max;", vec![]).await;
        println!("pri-queue: the box's most ready {box_max}");
        assert!(
            box_max.as_u64().is_some_and(|n| n >= 50),
            "the queue box showed the backlog: at most {box_max} ready"
        );
        // The page shows the run where its animation is: End takes it to the drained queue.
        page.find("jump-end-button").await.click().await.expect("click End");
        page.wait_until("the box shows the drained queue", Duration::from_secs(5), || async {
            page.attr("queue-depth-pri-queue", "data-ready").await.as_deref() == Some("0")
        })
        .await;
        assert_eq!(
            page.attr("queue-depth-pri-queue", "data-ready-source").await.as_deref(),
            Some("amqp")
        );
    })
    .await;
}
