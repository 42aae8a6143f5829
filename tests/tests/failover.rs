//! End to end: a failover on the canvas. The mirroring example stops `warren-2`, which holds its
//! queue's leader, three seconds in; the page must show the node down from the moment the broker
//! carried out the stop (not seconds later, when the management API's node list catches up), and
//! the leader's move to another node on the queue's box.
//!
//! Built like `browser.rs`: the built page in headless Chromium, a relay started here, the managed
//! cluster (the stop is a real `rabbitmqctl stop_app`; the example starts the node again).

use serde_json::json;
use std::time::Duration;
use warren_tests::browser::{Page, on_page};

/// How long the run may take in the page.
const RUN_LIMIT: Duration = Duration::from_secs(120);
/// The node the example stops.
const STOPPED: &str = "warren-2@localhost";

/// Whether the chip of `node` says it runs.
async fn running(page: &Page, node: &str) -> Option<bool> {
    let value = page
        .js(
            "const e = document.querySelector(`[data-testid=\"cluster-node\"][title=\"${arguments[0]}\"]`); return e ? e.getAttribute('data-running') : null;",
            vec![json!(node)],
        )
        .await;
    value.as_str().map(|v| v == "true")
}

/// Move the scrubber to run time `t_ms`, as dragging it would.
async fn scrub_to(page: &Page, t_ms: u64) {
    page.js(
        "const s = document.querySelector('[data-testid=\"scrub\"]'); s.value = String(arguments[0]); s.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![json!(t_ms)],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
}

/// Show only the log rows of `kind`.
async fn filter_log(page: &Page, kind: &str) {
    page.js(
        "const s = document.querySelector('[data-testid=\"filter-kind\"]'); s.value = arguments[0]; s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(kind)],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mirroring_example_shows_the_node_down_at_the_fault_and_the_leader_moving() {
    on_page(
        "the_mirroring_example_shows_the_node_down_at_the_fault_and_the_leader_moving",
        |page| async move {
            page.load_example("mirroring").await;
            page.click_run().await;
            let phase = page.wait_run_end(RUN_LIMIT).await;
            assert_eq!(phase, "finished");
            page.find("jump-end-button").await.click().await.expect("click End");
            tokio::time::sleep(Duration::from_millis(500)).await;

            // When the broker carried out the stop, from the log.
            filter_log(&page, "node_fault").await;
            let rows = page.texts("event-row").await;
            let stop = rows
                .iter()
                .find(|row| row.contains("warren-2"))
                .unwrap_or_else(|| panic!("a node_fault row for warren-2: {rows:?}"));
            let t_ms: u64 = stop
                .split(" ms")
                .next()
                .map(|time| time.chars().filter(char::is_ascii_digit).collect::<String>())
                .and_then(|digits| digits.parse().ok())
                .unwrap_or_else(|| panic!("a time in {stop:?}"));

            // Before the stop step (at 3 s) the node is up. The management API may report it down
            // while `stop_app` is still going; at the latest 100 ms after the broker finished the
            // stop, the chip is down, without waiting for the node list's next reading.
            scrub_to(&page, 2_500).await;
            assert_eq!(running(&page, STOPPED).await, Some(true), "up before the stop step");
            scrub_to(&page, t_ms + 100).await;
            assert_eq!(
                running(&page, STOPPED).await,
                Some(false),
                "down 100 ms after the stop at {t_ms} ms"
            );
            page.screenshot("failover-node-down").await;

            // At the end the queue's box says where its leader went.
            let end: u64 = page
                .attr("scrub", "max")
                .await
                .and_then(|max| max.parse().ok())
                .expect("the scrubber's end");
            scrub_to(&page, end).await;
            let from = page.attr("queue-promotion", "data-from").await;
            let to = page.attr("queue-promotion", "data-to").await;
            assert_eq!(from.as_deref(), Some(STOPPED), "the leader left warren-2");
            assert!(
                to.as_deref().is_some_and(|to| to != STOPPED),
                "the leader is on another node: {to:?}"
            );
            let text = page.text("queue-promotion").await.unwrap_or_default();
            assert!(text.starts_with("leader warren-2 → warren-"), "{text}");
            page.screenshot("failover-leader-moved").await;
        },
    )
    .await;
}
