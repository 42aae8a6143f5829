//! Every example in `examples/` run on the real broker, with the outcomes RabbitMQ guarantees.

use warren_shared::{EventKind, Outcome, QueueSnapshot};
use warren_tests::run_example;

fn ids(prefix: &str, range: impl Iterator<Item = u64>) -> Vec<String> {
    range.map(|n| format!("{prefix}#{n}")).collect()
}

#[tokio::test]
async fn confirms_acks_and_delivers_all_100() {
    let (events, s) = run_example("confirms.json").await;
    assert_eq!(s.outcome, Some(Outcome::Completed));
    assert_eq!((s.published, s.acked, s.nacked, s.returned), (100, 100, 0, 0));
    let delivered: Vec<_> = s.delivered["confirm-queue"].iter().map(|d| d.id.clone()).collect();
    assert_eq!(delivered, ids("producer", 1..=100));
    assert!(s.lost.is_empty() && s.duplicates.is_empty());
    assert!(matches!(
        events.first().map(|e| &e.kind),
        Some(EventKind::RunStarted { .. })
    ));
    assert!(matches!(
        events.last().map(|e| &e.kind),
        Some(EventKind::RunFinished { .. })
    ));
    let times: Vec<u64> = events.iter().map(|e| e.t_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "event times go forward");
}

#[tokio::test]
async fn nack_shows_the_broker_refusing_90_of_100() {
    let (_, s) = run_example("nack.json").await;
    assert_eq!((s.published, s.acked, s.nacked), (100, 10, 90));
    let delivered: Vec<_> = s.delivered["confirm-queue"].iter().map(|d| d.id.clone()).collect();
    assert_eq!(delivered, ids("producer", 1..=10));
    assert!(
        s.lost.is_empty(),
        "nacked messages are accounted for, not lost: {:?}",
        s.lost
    );
}

#[tokio::test]
async fn dead_letter_parks_every_rejected_message() {
    let (events, s) = run_example("dead-letter.json").await;
    assert_eq!(s.outcome, Some(Outcome::Completed));
    assert_eq!((s.published, s.acked, s.nacked), (30, 30, 0));
    assert_eq!(s.delivered["work-queue"].len(), 30);
    let parked: Vec<_> = s.delivered["parked-queue"].iter().map(|d| d.id.clone()).collect();
    assert_eq!(parked, ids("producer", (1..=10).map(|n| 3 * n)));
    assert_eq!(s.dead_lettered, 10);
    let rejected = events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::Settled { requeue: false, action, .. } if *action != warren_shared::event::Settlement::Ack))
        .count();
    assert_eq!(rejected, 10);
    assert!(s.lost.is_empty(), "{:?}", s.lost);
}

#[tokio::test]
async fn returns_come_back_with_312_no_route() {
    let (events, s) = run_example("returns.json").await;
    assert_eq!((s.published, s.acked, s.returned), (100, 100, 100));
    assert_eq!(s.return_codes.get("312 NO_ROUTE"), Some(&100));
    assert_eq!(s.delivered_total(), 0);
    assert!(s.lost.is_empty());
    // The return always arrives before the ack of the same message.
    let position = |want: &str, returned: bool| {
        events.iter().position(|e| match &e.kind {
            EventKind::Returned { id, .. } => returned && id == want,
            EventKind::Confirmed { id, .. } => !returned && id == want,
            _ => false,
        })
    };
    assert!(position("producer#1", true) < position("producer#1", false));
}

#[tokio::test]
async fn backup_exchange_catches_everything_with_its_original_route() {
    let (events, s) = run_example("backup-exchange.json").await;
    assert_eq!((s.published, s.acked, s.returned), (100, 100, 0));
    assert_eq!(s.delivered.get("backup-queue").map(Vec::len), Some(100));
    assert_eq!(s.delivered.get("confirm-queue2").map(Vec::len).unwrap_or(0), 0);
    let routes: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Delivered {
                queue,
                exchange,
                routing_key,
                ..
            } if queue == "backup-queue" => Some((exchange.as_str(), routing_key.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(routes.len(), 100);
    assert!(
        routes.iter().all(|r| *r == ("confirm-exchange2", "default2")),
        "{routes:?}"
    );
}

#[tokio::test]
async fn priority_delivers_the_20_priority_5_messages_first_in_order() {
    let (_, s) = run_example("priority.json").await;
    let delivered = &s.delivered["pri-queue"];
    let order: Vec<_> = delivered.iter().map(|d| d.id.clone()).collect();
    let mut expected = ids("producer", (1..=100).filter(|n| n % 5 == 0));
    expected.extend(ids("producer", (1..=100).filter(|n| n % 5 != 0)));
    assert_eq!(order, expected);
    assert!(delivered[..20].iter().all(|d| d.priority == Some(5)));
    assert!(delivered[20..].iter().all(|d| d.priority.is_none()));
}

fn last_snapshot<'a>(events: &'a [warren_shared::Event], queue: &str) -> &'a QueueSnapshot {
    events
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            EventKind::QueueSnapshot(s) if s.queue == queue => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no snapshot of {queue}"))
}

#[tokio::test]
async fn lazy_queue_pages_out_what_the_default_queue_keeps_in_ram() {
    let (events, s) = run_example("lazy.json").await;
    let version = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::RunStarted { broker, .. } => Some(broker.version.clone()),
            _ => None,
        })
        .expect("run started");
    let lazy = last_snapshot(&events, "lazy-queue");
    let normal = last_snapshot(&events, "normal-queue");
    assert_eq!((lazy.messages, normal.messages), (3000, 3000));
    if version.starts_with("3.10") || version.starts_with("3.11") {
        assert_eq!((lazy.in_ram, lazy.paged_out), (0, 3000), "{lazy:?}");
        assert_eq!(normal.in_ram, 3000, "{normal:?}");
        assert_eq!(lazy.mode.as_deref(), Some("lazy"));
    } else {
        let warned = events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::Warning { message } if message.contains("lazy")));
        assert!(warned, "RabbitMQ {version} ignores lazy mode and the run must say so");
    }
    assert_eq!(s.left_in_queues.get("lazy-queue"), Some(&3000));
    assert_eq!(s.left_in_queues.get("normal-queue"), Some(&3000));
    assert!(s.lost.is_empty());
}
