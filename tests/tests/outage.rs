//! An outage as the publisher sees it: the relay's own connections are cut for a few seconds
//! (through its proxy, so this works against any broker), with and without an outbox.

use std::collections::HashSet;
use warren_shared::EventKind;
use warren_tests::run_example;

#[tokio::test]
async fn with_an_outbox_every_message_arrives_at_least_once() {
    let (events, summary) = run_example("outbox-outage.json").await;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.name()).collect();
    for kind in [
        "connections_cut",
        "connection_lost",
        "connection_recovered",
        "buffered",
        "recovered",
    ] {
        assert!(kinds.contains(&kind), "no {kind} event");
    }
    assert_eq!(summary.published, 1000);
    let distinct: HashSet<_> = summary.delivered["outbox-queue"]
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(distinct.len(), 1000, "every message delivered at least once");
    assert!(summary.lost.is_empty(), "lost: {:?}", summary.lost);
    // Duplicates are possible (an ack lost in the cut), and each one is counted.
    let deliveries = summary.delivered["outbox-queue"].len();
    assert!(deliveries >= 1000);
    let buffered = kinds.iter().filter(|k| **k == "buffered").count();
    assert!(buffered > 0);
}

#[tokio::test]
async fn without_an_outbox_the_outage_loses_messages() {
    let (events, summary) = run_example("outage-no-outbox.json").await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ConnectionLost { .. }))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ConnectionRecovered { .. }))
    );
    assert!(!summary.lost.is_empty(), "an outage without an outbox loses messages");
    // Everything lost is accounted for: a publish that failed, or one never confirmed.
    let failed: HashSet<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::PublishFailed { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let confirmed: HashSet<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Confirmed { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    for id in &summary.lost {
        assert!(
            failed.contains(id.as_str()) || !confirmed.contains(id.as_str()),
            "{id} lost but confirmed"
        );
    }
    assert_eq!(summary.republished, 0);
    let delivered: HashSet<_> = summary.delivered["outbox-queue"]
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(delivered.len() + summary.lost.len(), 1000);
}
