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
    // The relay's own proxy cut the connection: RabbitMQ did not close anything.
    assert!(!kinds.contains(&"connection_closed") && !kinds.contains(&"channel_closed"));
    assert_eq!(summary.published, 1000);
    let distinct: HashSet<_> = summary.delivered["outbox-queue"]
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    let seen = |kind: &str| kinds.iter().filter(|k| **k == kind).count();
    assert_eq!(
        distinct.len(),
        1000,
        "every message delivered at least once; left in queues {:?}, {} connection_lost, {} connection_recovered, {} reconsumed, outcome {:?}",
        summary.left_in_queues,
        seen("connection_lost"),
        seen("connection_recovered"),
        seen("reconsumed"),
        summary.outcome
    );
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
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.name()).collect();
    let seen = |kind: &str| kinds.iter().filter(|k| **k == kind).count();
    assert_eq!(
        delivered.len() + summary.lost.len(),
        1000,
        "{} delivered, {} lost; left in queues {:?}, {} nacked, {} connection_lost, {} connection_recovered, {} reconsumed, outcome {:?}",
        delivered.len(),
        summary.lost.len(),
        summary.left_in_queues,
        summary.nacked,
        seen("connection_lost"),
        seen("connection_recovered"),
        seen("reconsumed"),
        summary.outcome
    );
}

#[tokio::test]
async fn a_broker_that_never_finishes_the_handshake_is_reported_after_a_timeout() {
    use std::time::{Duration, Instant};
    use tokio::net::TcpListener;
    use warren_relay::run::{self, link::CONNECT_TIMEOUT};
    use warren_relay::vhost;

    // Takes connections and never says a word: the AMQP handshake cannot finish.
    let silent = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = silent.local_addr().expect("local addr");
    let held = tokio::spawn(async move {
        let mut sockets = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            sockets.push(socket);
        }
    });
    let mut broker = warren_tests::broker().await;
    broker.endpoints.amqp_url = format!("amqp://guest:guest@{addr}");
    let scenario = warren_tests::example("confirms.json");
    let (tx, _rx) = tokio::sync::mpsc::channel(1024);
    let started = Instant::now();
    let run_id = vhost::new_run_id();
    let error = run::execute(&scenario, &broker, &run_id, tx, Default::default())
        .await
        .expect_err("the run cannot connect");
    let waited = started.elapsed();
    let message = error.to_string();
    assert!(
        message.contains("did not finish the AMQP handshake within 15 s"),
        "{message}"
    );
    assert!(message.contains(&addr.to_string()), "{message}");
    assert!(
        waited >= CONNECT_TIMEOUT && waited < CONNECT_TIMEOUT + Duration::from_secs(10),
        "gave up after {waited:?}"
    );
    assert!(
        !warren_tests::run_vhosts(&broker)
            .await
            .contains(&vhost::for_run(&run_id)),
        "the run's vhost is deleted"
    );
    held.abort();
}
