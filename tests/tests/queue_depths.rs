//! Queue depths read over AMQP while a run goes on, on the real broker: a backlog that lives a
//! tenth of a second shows in the snapshots, and a queue that goes away mid-run costs the run
//! nothing.

use serde_json::json;
use warren_shared::{Event, EventKind, Outcome, QueueSnapshot};
use warren_tests::{run_example, run_scenario};

fn snapshots<'a>(events: &'a [Event], queue: &'a str) -> impl Iterator<Item = (u64, &'a QueueSnapshot)> + 'a {
    events.iter().filter_map(move |e| match &e.kind {
        EventKind::QueueSnapshot(s) if s.queue == queue => Some((e.t_ms, s)),
        _ => None,
    })
}

#[tokio::test]
async fn the_priority_backlog_rises_and_drains_in_the_snapshots() {
    let (events, summary) = run_example("priority.json").await;
    assert_eq!(summary.outcome, Some(Outcome::Completed));
    let seen: Vec<(u64, &QueueSnapshot)> = snapshots(&events, "pri-queue").collect();
    let (peak_at, peak) = seen
        .iter()
        .max_by_key(|(_, s)| s.ready)
        .copied()
        .expect("snapshots of pri-queue");
    println!(
        "pri-queue: most ready {} at {peak_at} ms, over {} snapshots",
        peak.ready,
        seen.len()
    );
    assert!(
        peak.ready >= 50,
        "the backlog of 100 shows: at most {} ready in {seen:?}",
        peak.ready
    );
    let read_at = peak.ready_at_ms.expect("the peak was read over AMQP");
    assert!(read_at <= peak_at, "read at {read_at} ms, emitted at {peak_at} ms");
    assert!(
        seen.iter()
            .any(|(t, s)| *t > peak_at && s.ready == 0 && s.consumers == Some(1)),
        "the backlog drains while the consumer is on it: {seen:?}"
    );
    let finished = seen.last().expect("a final snapshot").1;
    assert_eq!((finished.ready, finished.unacked), (0, 0));
}

#[tokio::test]
async fn a_queue_deleted_mid_run_is_left_out_and_the_others_are_still_read() {
    // `brief` is auto-delete: it goes when its only consumer is stopped at 300 ms, and the depth
    // probe's next passive declaration of it gets 404, which closes the probe's channel.
    let scenario = warren_shared::parse_scenario(&json!({
        "version": 1,
        "queues": [{"name": "brief", "auto_delete": true}, {"name": "steady"}],
        "publishers": [
            {"name": "p", "exchange": "", "routing_key": "steady", "count": 8, "rate_per_sec": 5.0}
        ],
        "consumers": [{"name": "c", "queue": "brief"}],
        "timeline": [{"action": "stop", "at_ms": 300, "actor": "c"}]
    }))
    .unwrap_or_else(|p| panic!("{p:?}"));
    let problems = warren_shared::validate(&scenario, &warren_shared::Limits::default());
    assert!(problems.is_empty(), "{problems:?}");
    let (events, summary) = run_scenario(&scenario).await;
    assert_eq!(summary.outcome, Some(Outcome::Completed), "{events:?}");
    assert_eq!(summary.published, 8);
    assert!(
        !events.iter().any(|e| matches!(e.kind, EventKind::ChannelClosed { .. })),
        "the probe's 404 is nobody's channel close: {events:?}"
    );
    // `steady` fills one message at a time, each count read over AMQP after `brief` was gone.
    let live: Vec<u64> = snapshots(&events, "steady")
        .filter(|(_, s)| s.ready_at_ms.is_some_and(|t| t > 500))
        .map(|(_, s)| s.ready)
        .collect();
    assert!(live.len() >= 4, "steady is still read after the 404: {live:?}");
    assert!(live.windows(2).all(|w| w[0] <= w[1]), "{live:?}");
    assert_eq!(live.last(), Some(&8));
    let (_, last) = snapshots(&events, "steady").last().expect("a final snapshot");
    assert_eq!(
        (last.ready, last.consumers),
        (8, Some(0)),
        "the final snapshot reads steady over AMQP although brief, read before it, is gone"
    );
}
