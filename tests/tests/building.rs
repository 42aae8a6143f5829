//! End to end: a scenario built from scratch with the mouse and the keyboard in headless
//! Chromium, then run on the real broker. Palette clicks add elements; bindings and the
//! publisher's exchange are drawn by dragging from a box's handle to another box; a box is
//! moved by dragging; the routing key is typed on the binding's line; a count is typed in the
//! Edit tab; Delete, Ctrl+Z and Ctrl+Shift+Z remove, restore and remove again; Ctrl+Enter runs.
//! Screenshots go to `target/e2e/`.

use serde_json::{Value, json};
use std::time::Duration;
use warren_tests::browser::{Page, on_page};

const CONTROL: &str = "\u{e009}";
const SHIFT: &str = "\u{e008}";
const DELETE: &str = "\u{e017}";
const ENTER: &str = "\u{e007}";

/// How long the page may take to react to a click or a key.
const REACT: Duration = Duration::from_secs(5);

async fn node(page: &Page, kind: &str, name: &str) -> fantoccini::elements::Element {
    page.css(&format!("[data-testid=\"node-{kind}\"][data-name=\"{name}\"] rect.box"))
        .await
}

async fn handle(page: &Page, kind: &str, name: &str) -> fantoccini::elements::Element {
    page.css(&format!("[data-testid=\"handle\"][data-node=\"{kind}:{name}\"]"))
        .await
}

async fn wait_json(page: &Page, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    page.wait_until(what, REACT, || async { check(&page.scenario().await) })
        .await;
    page.scenario().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_a_small_scenario_from_scratch_with_mouse_and_keyboard_and_run_it() {
    on_page(
        "build_a_small_scenario_from_scratch_with_mouse_and_keyboard_and_run_it",
        |page| async move {
            page.click("new-scenario").await;
            wait_json(&page, "an empty scenario", |s| {
                s.get("queues").is_none_or(|q| q == &json!([]))
            })
            .await;

            // A publisher first (it has no exchange to send to yet), then an exchange and a queue.
            page.click("palette-publisher").await;
            page.click("palette-exchange").await;
            page.click("palette-queue").await;
            let s = wait_json(&page, "three elements", |s| {
                s["queues"].as_array().is_some_and(|q| q.len() == 1)
            })
            .await;
            assert_eq!(
                s["publishers"][0]["exchange"], "",
                "sends to the default exchange until connected"
            );
            // Its empty key names no queue: a note says so before any run, and blocks nothing.
            page.wait_until("a note on the unroutable publisher", REACT, || async {
                page.texts("advice-note")
                    .await
                    .iter()
                    .any(|note| note.starts_with("publisher-1") && note.contains("drop every message"))
            })
            .await;

            // Draw the publisher's line to the exchange, and a binding from the exchange to the queue.
            page.drag(
                &handle(&page, "publisher", "publisher-1").await,
                (0.0, 0.0),
                &node(&page, "exchange", "exchange-1").await,
                (0.0, 0.0),
            )
            .await;
            wait_json(&page, "the publisher sends to exchange-1", |s| {
                s["publishers"][0]["exchange"] == "exchange-1"
            })
            .await;
            page.drag(
                &handle(&page, "exchange", "exchange-1").await,
                (0.0, 0.0),
                &node(&page, "queue", "queue-1").await,
                (0.0, 0.0),
            )
            .await;
            let s = wait_json(&page, "a binding", |s| {
                s["bindings"].as_array().is_some_and(|b| b.len() == 1)
            })
            .await;
            assert_eq!(s["bindings"][0]["source"], "exchange-1");
            assert_eq!(s["bindings"][0]["destination"], "queue-1");
            assert_eq!(
                s["bindings"][0]["routing_key"], s["publishers"][0]["routing_key"],
                "a new binding's key is what the exchange's one publisher sends, so its messages are routed"
            );
            assert!(
                page.has("edge-key-input").await,
                "the new binding is selected, its key editable on the line"
            );
            let focused = page
                .js(
                    "return document.activeElement && document.activeElement.dataset.testid",
                    vec![],
                )
                .await;
            assert_eq!(
                focused, "edge-key-input",
                "the key box takes the focus as the line is drawn"
            );

            // The routing key, typed on the line; Enter keeps it and closes the box.
            let key = page.find("edge-key-input").await;
            key.clear().await.expect("clear the key");
            key.send_keys(&format!("orders{ENTER}")).await.expect("type the key");
            wait_json(&page, "the binding's key is orders", |s| {
                s["bindings"][0]["routing_key"] == "orders"
            })
            .await;
            page.wait_until("the key box closes on Enter", REACT, || async {
                !page.has("edge-key-input").await
            })
            .await;

            // The publisher: routing key and count typed in the Edit tab.
            page.click_at(&node(&page, "publisher", "publisher-1").await, (0.0, 0.0))
                .await;
            page.wait_until("the publisher's form", REACT, || async {
                page.text("element-title")
                    .await
                    .is_some_and(|t| t.contains("publisher-1"))
            })
            .await;
            let routing = page.find("field-routing_key").await;
            routing.clear().await.expect("clear");
            routing.send_keys("orders").await.expect("type");
            let count = page.find("field-count").await;
            count.clear().await.expect("clear");
            count.send_keys("25").await.expect("type");
            wait_json(&page, "25 messages keyed orders", |s| {
                s["publishers"][0]["count"] == 25 && s["publishers"][0]["routing_key"] == "orders"
            })
            .await;

            // A consumer reads the first queue; move the queue by dragging it.
            page.click("palette-consumer").await;
            wait_json(&page, "a consumer of queue-1", |s| {
                s["consumers"][0]["queue"] == "queue-1"
            })
            .await;
            let queue = node(&page, "queue", "queue-1").await;
            page.drag(&queue, (-30.0, 0.0), &queue, (10.0, 60.0)).await;
            wait_json(&page, "queue-1 placed by hand", |s| {
                s["positions"].get("queue:queue-1").is_some()
            })
            .await;

            // Delete removes the selected queue (and its binding); Ctrl+Z brings both back; Ctrl+Shift+Z
            // removes them again; Ctrl+Z once more.
            page.click_at(&node(&page, "queue", "queue-1").await, (0.0, 0.0)).await;
            page.chord(&[DELETE]).await;
            wait_json(&page, "queue-1 deleted", |s| s["queues"] == json!([])).await;
            page.chord(&[CONTROL, "z"]).await;
            wait_json(&page, "queue-1 back", |s| {
                s["queues"].as_array().is_some_and(|q| q.len() == 1)
            })
            .await;
            page.chord(&[CONTROL, SHIFT, "z"]).await;
            wait_json(&page, "queue-1 deleted again", |s| s["queues"] == json!([])).await;
            page.chord(&[CONTROL, "z"]).await;
            let built = wait_json(&page, "queue-1 back again", |s| {
                s["bindings"].as_array().is_some_and(|b| b.len() == 1)
            })
            .await;
            assert_eq!(page.texts("problem").await, Vec::<String>::new());
            assert_eq!(
                page.texts("advice-note").await,
                Vec::<String>::new(),
                "every message is routed and the consumer's queue is fed: no note"
            );
            page.screenshot("building-built").await;

            // Ctrl+Enter runs it on the broker.
            page.chord(&[CONTROL, ENTER]).await;
            let phase = page.wait_run_end(Duration::from_secs(60)).await;
            assert_eq!(phase, "finished", "{built}");
            page.jump_to_end().await;
            assert_eq!(page.number("summary-published").await, Some(25));
            assert_eq!(page.number("summary-acked").await, Some(25));
            assert_eq!(page.number("summary-lost").await, Some(0));
            assert_eq!(page.delivered().await.get("queue-1"), Some(&25));
            page.screenshot("building-ran").await;
        },
    )
    .await;
}
