//! Node failures on the real 3-node cluster Warren manages: what survives and what is lost.
//!
//! These tests stop and kill nodes, so they take turns (one lock for the whole binary) and each
//! one brings the cluster back to three running nodes before it ends, pass or fail. They need
//! the managed cluster: against an external broker (WARREN_AMQP_URL set) they are skipped with
//! a message.

use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::Mutex;
use warren_relay::broker::faults::NodeFaults;
use warren_relay::connect::Broker;
use warren_shared::event::NodeAction;
use warren_shared::{Event, EventKind, Outcome, QueueSnapshot, ServerMessage, Summary};
use warren_tests::{Relay, broker, example, run_example};

/// One fault test at a time: they share the cluster.
static CLUSTER: Mutex<()> = Mutex::const_new(());

/// The managed cluster's fault handle, or `None` (test skipped) against an external broker.
async fn managed_cluster() -> Option<(Broker, NodeFaults)> {
    let broker = broker().await;
    match broker.faults.clone() {
        Some(faults) => Some((broker, faults)),
        None => {
            eprintln!("skipped: node faults need the cluster Warren manages (WARREN_AMQP_URL is set)");
            None
        }
    }
}

/// Bring every node back and check that three run.
async fn restore(broker: &Broker, faults: &NodeFaults) {
    faults
        .restore_all()
        .await
        .unwrap_or_else(|e| panic!("could not restore the cluster: {e}"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let info = broker.management.overview().await.expect("overview");
        if info.nodes.len() == 3 && info.nodes.iter().all(|n| n.running) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "cluster not back to 3 running nodes: {:?}",
            info.nodes
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn snapshots<'a>(events: &'a [Event], queue: &'a str) -> impl Iterator<Item = &'a QueueSnapshot> + 'a {
    events.iter().filter_map(move |e| match &e.kind {
        EventKind::QueueSnapshot(s) if s.queue == queue => Some(s),
        _ => None,
    })
}

fn faults_ok(events: &[Event]) -> Vec<(String, NodeAction)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::NodeFault {
                node,
                action,
                ok,
                message,
            } => {
                assert!(ok, "node fault failed: {message}");
                Some((node.clone(), *action))
            }
            _ => None,
        })
        .collect()
}

fn ids(prefix: &str, range: std::ops::RangeInclusive<u64>) -> Vec<String> {
    range.map(|n| format!("{prefix}#{n}")).collect()
}

#[tokio::test]
async fn a_mirrored_queue_fails_over_without_losing_anything() {
    let _turn = CLUSTER.lock().await;
    let Some((broker, faults)) = managed_cluster().await else {
        return;
    };
    restore(&broker, &faults).await;
    let (events, summary) = run_example("mirroring.json").await;
    restore(&broker, &faults).await;

    assert_eq!(
        faults_ok(&events),
        vec![
            ("warren-2@localhost".to_owned(), NodeAction::Stop),
            ("warren-2@localhost".to_owned(), NodeAction::Start)
        ]
    );
    let leaders: Vec<_> = snapshots(&events, "orders-queue")
        .filter_map(|s| s.node.clone())
        .collect();
    assert_eq!(
        leaders.first().map(String::as_str),
        Some("warren-2@localhost"),
        "declared on warren-2"
    );
    assert!(
        leaders.iter().any(|n| n != "warren-2@localhost"),
        "a mirror was promoted: {leaders:?}"
    );
    assert!(
        snapshots(&events, "orders-queue").any(|s| !s.mirrors.is_empty()),
        "the queue is mirrored"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ConsumerCancelled { .. }))
    );
    assert!(events.iter().any(|e| matches!(e.kind, EventKind::Reconsumed { .. })));
    let delivered = &summary.delivered["orders-queue"];
    assert!(
        delivered.iter().any(|d| d.redelivered),
        "unacked messages come back redelivered"
    );
    let distinct: HashSet<_> = delivered.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(distinct.len(), 1000);
    assert!(summary.lost.is_empty(), "lost: {:?}", summary.lost);
}

#[tokio::test]
async fn an_unsynchronised_mirror_promoted_after_a_crash_loses_the_older_messages() {
    let _turn = CLUSTER.lock().await;
    let Some((broker, faults)) = managed_cluster().await else {
        return;
    };
    restore(&broker, &faults).await;
    let (events, summary) = run_example("mirror-loss.json").await;
    restore(&broker, &faults).await;

    let actions: Vec<NodeAction> = faults_ok(&events).into_iter().map(|(_, a)| a).collect();
    assert_eq!(
        actions,
        vec![NodeAction::Stop, NodeAction::Start, NodeAction::Kill, NodeAction::Start]
    );
    assert!(
        snapshots(&events, "fragile-queue").any(QueueSnapshot::unsynchronised),
        "the restarted mirror is out of sync"
    );
    assert_eq!((summary.acked, summary.nacked), (15, 0), "the broker confirmed all 15");
    let delivered: Vec<_> = summary.delivered["fragile-queue"]
        .iter()
        .map(|d| d.id.clone())
        .collect();
    assert_eq!(delivered, ids("after", 1..=5));
    assert_eq!(
        summary.lost,
        ids("before", 1..=10),
        "exactly the messages only the leader had"
    );
}

#[tokio::test]
async fn a_quorum_queue_elects_a_new_leader_and_loses_nothing() {
    let _turn = CLUSTER.lock().await;
    let Some((broker, faults)) = managed_cluster().await else {
        return;
    };
    restore(&broker, &faults).await;
    let (events, summary) = run_example("quorum-failover.json").await;
    restore(&broker, &faults).await;

    faults_ok(&events);
    let leaders: Vec<_> = snapshots(&events, "votes").filter_map(|s| s.node.clone()).collect();
    assert_eq!(leaders.first().map(String::as_str), Some("warren-2@localhost"));
    assert!(
        leaders.iter().any(|n| n != "warren-2@localhost"),
        "a new leader was elected: {leaders:?}"
    );
    assert!(snapshots(&events, "votes").any(|s| s.members.len() == 3));
    let distinct: HashSet<_> = summary.delivered["votes"].iter().map(|d| d.id.as_str()).collect();
    assert_eq!(distinct.len(), 500);
    assert!(summary.lost.is_empty(), "lost: {:?}", summary.lost);
}

#[tokio::test]
async fn node_faults_are_refused_when_the_relay_serves_a_workshop() {
    let _turn = CLUSTER.lock().await;
    let relay = Relay::start_with(|limits| limits.node_faults = false).await;
    let (mut client, _) = relay.connect().await;
    client.run(&example("mirroring.json")).await;
    match client.recv().await {
        ServerMessage::Invalid { problems } => {
            assert!(
                problems
                    .iter()
                    .any(|p| p.path == "timeline[0].action" && p.message.contains("turned off"))
            );
        }
        other => panic!("expected the node fault to be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn the_relay_survives_a_node_kill_during_several_runs() {
    let _turn = CLUSTER.lock().await;
    let Some((broker, faults)) = managed_cluster().await else {
        return;
    };
    restore(&broker, &faults).await;
    let relay = Relay::start().await;
    let mut scenario = example("quorum-failover.json");
    scenario.timeline.clear();
    scenario.queues[0].node = Some("warren-3@localhost".into());
    scenario.publishers[0].rate_per_sec = Some(100.0);
    scenario.consumers[0].start = warren_shared::Start::AtMs(0);
    let mut clients = Vec::new();
    for _ in 0..3 {
        let (mut client, _) = relay.connect().await;
        client.run(&scenario).await;
        clients.push(client);
    }
    let started: Vec<_> = futures_util::future::join_all(
        clients
            .iter_mut()
            .map(|c| c.read_until(|e| matches!(e.kind, EventKind::Delivered { .. }))),
    )
    .await;
    faults.kill_node("warren-3@localhost").await.expect("kill warren-3");
    let records: Vec<_> =
        futures_util::future::join_all(clients.iter_mut().zip(started).map(|(c, r)| c.follow_run_into(r))).await;
    restore(&broker, &faults).await;

    for record in records {
        let summary: Summary = record.summary.expect("every run finishes with a summary");
        assert!(
            matches!(summary.outcome, Some(Outcome::Completed | Outcome::TimeLimit)),
            "{:?}",
            summary.outcome
        );
        assert!(
            record
                .events
                .iter()
                .any(|e| matches!(e.kind, EventKind::RunFinished { .. }))
        );
        let distinct: HashSet<_> = summary.delivered["votes"].iter().map(|d| d.id.as_str()).collect();
        assert_eq!(summary.published, 500);
        assert_eq!(
            distinct.len(),
            500,
            "every message is delivered despite the leader's crash"
        );
        assert!(
            summary.lost.is_empty(),
            "a quorum queue keeps what it confirmed: {:?}",
            summary.lost
        );
    }
    // And the relay still serves a new run afterwards.
    let (mut client, _) = relay.connect().await;
    client.run(&example("confirms.json")).await;
    assert_eq!(client.follow_run().await.summary.expect("summary").acked, 100);
}

#[tokio::test]
async fn an_external_cluster_given_per_node_urls_places_queues_on_the_chosen_node() {
    let _turn = CLUSTER.lock().await;
    let Some((managed, faults)) = managed_cluster().await else {
        return;
    };
    restore(&managed, &faults).await;
    // The managed cluster, addressed as an external one would be: one URL per node.
    let urls = |f: fn(&warren_relay::broker::NodeEndpoint) -> &String| {
        managed
            .endpoints
            .nodes
            .iter()
            .map(|n| f(n).clone())
            .collect::<Vec<_>>()
            .join(",")
    };
    let config = warren_relay::connect::BrokerConfig {
        amqp_url: Some(urls(|n| &n.amqp_url)),
        management_url: Some(urls(|n| &n.management_url)),
    };
    let external = Broker::resolve(&config).await.expect("the cluster by its node URLs");
    assert!(
        external.faults.is_none(),
        "Warren never stops nodes of a cluster it does not manage"
    );
    let names: Vec<_> = external.endpoints.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        names,
        ["warren-1@localhost", "warren-2@localhost", "warren-3@localhost"]
    );

    let scenario = warren_shared::parse_scenario(&serde_json::json!({
        "version": 1,
        "queues": [{"name": "placed", "node": "warren-3@localhost"}],
        "publishers": [{"name": "p", "exchange": "", "routing_key": "placed", "count": 3}]
    }))
    .expect("valid");
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    let collect = tokio::spawn(async move {
        let mut events = Vec::new();
        while let Some(event) = rx.recv().await {
            events.push(event);
        }
        events
    });
    let run_id = warren_relay::vhost::new_run_id();
    warren_relay::run::execute(&scenario, &external, &run_id, tx, Default::default())
        .await
        .expect("run");
    let events = collect.await.expect("events");
    let node = snapshots(&events, "placed").find_map(|s| s.node.clone());
    assert_eq!(node.as_deref(), Some("warren-3@localhost"));
}
