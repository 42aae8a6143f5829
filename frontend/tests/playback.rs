//! Browser tests of playback: a recorded run is replayed without a relay, at another speed,
//! paused, scrubbed to a moment (the canvas shows the numbers of that moment), and the summary
//! plots each queue's depth.
//!
//! Run with `cargo xtask test`, or as `tests/web.rs` says.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use warren_frontend::model::playback::Speed;
use warren_shared::event::QueueSnapshot;
use warren_shared::{Event, EventKind, Outcome, ServerMessage, summary::summarize};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlInputElement;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{Mounted, all, backup_message, click, ev, mount_playground, sleep, text, texts, within};

/// The playground with the backup-exchange example.
async fn mount() -> Mounted {
    let m = mount_playground();
    click(&m.root, "gallery-backup-exchange");
    leptos::task::tick().await;
    m
}

fn snapshot(t_ms: u64, queue: &str, ready: u64) -> Event {
    ev(
        t_ms,
        EventKind::QueueSnapshot(QueueSnapshot {
            queue: queue.into(),
            messages: ready,
            ready,
            ..QueueSnapshot::default()
        }),
    )
}

/// Ten messages through the alternate exchange, one every 100 ms, with snapshots of both
/// queues; the run ends at 1.1 s.
fn recorded_run() -> Vec<Event> {
    let mut events = Vec::new();
    for i in 1..=10_u64 {
        let t = i * 100;
        events.extend(backup_message(t, i));
        if i % 3 == 0 {
            events.push(snapshot(t + 50, "backup-queue", i));
            events.push(snapshot(t + 50, "confirm-queue2", 0));
        }
    }
    events.push(ev(
        1_100,
        EventKind::RunFinished {
            outcome: Outcome::Completed,
            message: None,
        },
    ));
    events
}

/// Run the example and feed it the recorded run, as the relay would.
async fn run_recorded(m: &Mounted) {
    click(&m.root, "run-button");
    leptos::task::tick().await;
    m.inbox.receive(ServerMessage::Accepted { run_id: "r".into() });
    let events = recorded_run();
    let scenario =
        m.pg.doc
            .with_untracked(|d| d.editor.scenario.clone())
            .expect("scenario");
    let summary = summarize(&scenario, &events);
    for chunk in events.chunks(4) {
        m.inbox.receive(ServerMessage::Events {
            run_id: "r".into(),
            events: chunk.to_vec(),
        });
    }
    m.inbox.receive(ServerMessage::Finished {
        run_id: "r".into(),
        outcome: Outcome::Completed,
        summary,
        checks: Vec::new(),
    });
    leptos::task::tick().await;
}

fn publisher_counts(m: &Mounted) -> String {
    all(&m.root, "node-publisher")[0].text_content().unwrap_or_default()
}

fn disabled(m: &Mounted, id: &str) -> bool {
    all(&m.root, id)[0].has_attribute("disabled")
}

fn set_speed(m: &Mounted, value: &str) {
    let select = all(&m.root, "speed")[0].clone();
    web_sys::js_sys::Reflect::set(&select, &"value".into(), &value.into()).expect("set the value");
    select
        .dispatch_event(&web_sys::Event::new("change").expect("an event"))
        .expect("dispatch");
}

fn scrub_to(m: &Mounted, t_ms: u64) {
    let input: HtmlInputElement = all(&m.root, "scrub")[0].clone().dyn_into().expect("an input");
    input.set_value(&t_ms.to_string());
    input
        .dispatch_event(&web_sys::Event::new("input").expect("an event"))
        .expect("dispatch");
}

/// Tokens on the canvas now, as its token layer counts them (`data-live`).
fn live_tokens(m: &Mounted) -> usize {
    let layer = all(&m.root, "token-layer");
    assert_eq!(layer.len(), 1, "one token layer");
    layer[0]
        .get_attribute("data-live")
        .and_then(|n| n.parse().ok())
        .expect("a count of live tokens")
}

#[wasm_bindgen_test]
async fn a_recorded_run_is_replayed_paused_scrubbed_and_its_queues_plotted() {
    let m = mount().await;
    assert!(disabled(&m, "replay-button"), "nothing to replay before a run");
    assert!(disabled(&m, "scrub"));
    run_recorded(&m).await;
    assert!(
        within(5_000, || texts(&m.root, "summary-published") == ["10"]).await,
        "the summary once the animation has reached the end"
    );
    assert!(publisher_counts(&m).contains("✓ 10"), "{}", publisher_counts(&m));

    // The summary plots one line per queue, with a legend.
    assert_eq!(all(&m.root, "depth-plot").len(), 1);
    let queues: Vec<String> = all(&m.root, "depth-line")
        .iter()
        .filter_map(|l| l.get_attribute("data-queue"))
        .collect();
    assert_eq!(queues, ["backup-queue", "confirm-queue2"]);
    let legend = texts(&m.root, "depth-legend").join(" | ");
    assert!(
        legend.contains("backup-queue") && legend.contains("confirm-queue2"),
        "{legend}"
    );
    assert!(
        all(&m.root, "depth-line")[0]
            .query_selector("path")
            .expect("selector")
            .is_some()
    );

    // Scrub to 0.5 s: the canvas shows the numbers of that moment.
    assert!(!disabled(&m, "scrub"));
    assert_eq!(text(&m.root, "scrub-time").as_deref(), Some("1.10 s / 1.10 s"));
    click(&m.root, "pause-button");
    leptos::task::tick().await;
    assert_eq!(
        all(&m.root, "pause-button")[0].get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    scrub_to(&m, 500);
    leptos::task::tick().await;
    assert_eq!(m.pg.run.with_untracked(|r| r.counts.published), 5);
    assert!(publisher_counts(&m).contains("✓ 5"), "{}", publisher_counts(&m));
    assert_eq!(
        text(&m.root, "queue-depth-backup-queue").as_deref(),
        Some("ready 3 · unacked 0"),
        "the snapshot taken at 350 ms"
    );
    assert_eq!(text(&m.root, "scrub-time").as_deref(), Some("500 ms / 1.10 s"));
    assert_eq!(all(&m.root, "depth-cursor").len(), 1, "the plot marks the moment");
    assert_eq!(
        texts(&m.root, "live-published"),
        ["5"],
        "the summary shows the same moment"
    );
    assert!(texts(&m.root, "summary-published").is_empty());

    // Paused: the replay stands still.
    sleep(200).await;
    assert_eq!(m.anim.position.get_untracked(), Some(500.0));
    assert_eq!(live_tokens(&m), 0, "nothing moves while paused");

    // Going back folds from the start again.
    scrub_to(&m, 150);
    leptos::task::tick().await;
    let counts = publisher_counts(&m);
    assert!(counts.contains("✓ 1") && !counts.contains("✓ 10"), "{counts}");
    assert_eq!(
        text(&m.root, "queue-depth-backup-queue").as_deref(),
        Some("no snapshot yet")
    );

    // Replay at 4×: it starts over, tokens move, and the 1.1 s run is over in well under a second.
    set_speed(&m, "4");
    leptos::task::tick().await;
    assert_eq!(m.anim.speed.get_untracked(), Speed::Quadruple);
    assert_eq!(
        all(&m.root, "speed")[0].get_attribute("data-speed").as_deref(),
        Some("4")
    );
    let started = web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default();
    click(&m.root, "replay-button");
    leptos::task::tick().await;
    assert_eq!(
        all(&m.root, "pause-button")[0].get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    assert!(
        within(1_000, || live_tokens(&m) > 0).await,
        "tokens animate during the replay"
    );
    assert!(
        within(3_000, || m.anim.position.get_untracked().is_none()).await,
        "the replay ends"
    );
    let took = web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
        - started;
    assert!(took < 1_000.0, "a 1.1 s run replayed at 4× took {took:.0} ms");
    assert!(
        within(5_000, || publisher_counts(&m).contains("✓ 10")).await,
        "the counts reach the end with the animation: {}",
        publisher_counts(&m)
    );
    assert_eq!(
        text(&m.root, "queue-depth-backup-queue").as_deref(),
        Some("ready 9 · unacked 0")
    );
    assert!(all(&m.root, "depth-cursor").is_empty());
    assert_eq!(
        texts(&m.root, "log-count"),
        [format!("{} events", recorded_run().len())]
    );
}

#[wasm_bindgen_test]
async fn a_replay_at_a_quarter_speed_is_slower_and_a_new_run_ends_it() {
    let m = mount().await;
    run_recorded(&m).await;
    set_speed(&m, "0.25");
    click(&m.root, "replay-button");
    leptos::task::tick().await;
    sleep(400).await;
    let position = m.anim.position.get_untracked().expect("replaying");
    assert!(
        position > 0.0 && position < 250.0,
        "at 0.25× 400 ms go {position} ms into the run"
    );

    // Run again: the replay stops and the new run starts from nothing.
    click(&m.root, "run-button");
    leptos::task::tick().await;
    assert_eq!(m.anim.position.get_untracked(), None);
    assert!(disabled(&m, "replay-button"), "no replay while a run starts");
    assert!(
        all(&m.root, "depth-plot").is_empty(),
        "the new run has no snapshots yet"
    );
}

#[wasm_bindgen_test]
async fn the_counters_follow_the_tokens_and_jump_to_the_end_shows_the_end() {
    let m = mount().await;
    // A paused animation carries over to no new run.
    click(&m.root, "pause-button");
    leptos::task::tick().await;
    assert!(m.anim.paused.get_untracked());
    run_recorded(&m).await;
    assert!(!m.anim.paused.get_untracked(), "a new run plays");
    assert_eq!(
        all(&m.root, "pause-button")[0].get_attribute("aria-pressed").as_deref(),
        Some("false")
    );

    // The broker is done; the page is where the tokens are.
    let shown = m.pg.run.with_untracked(|r| (r.counts.published, r.shows_all()));
    assert!(shown.0 < 10 && !shown.1, "{shown:?}");
    assert!(texts(&m.root, "summary-published").is_empty(), "no final numbers yet");
    assert!(within(2_000, || live_tokens(&m) > 0).await, "tokens fly");
    let title = all(&m.root, "jump-end-button")[0]
        .get_attribute("title")
        .unwrap_or_default();
    assert!(title.contains("end"), "{title}");
    click(&m.root, "jump-end-button");
    leptos::task::tick().await;
    assert_eq!(texts(&m.root, "summary-published"), ["10"]);
    assert!(publisher_counts(&m).contains("✓ 10"), "{}", publisher_counts(&m));
    assert_eq!(text(&m.root, "scrub-time").as_deref(), Some("1.10 s / 1.10 s"));
    sleep(50).await;
    assert_eq!(live_tokens(&m), 0, "no tokens left");
}
