//! The WebSocket protocol against a relay on loopback and the real broker.

use std::time::Duration;
use warren_shared::{EventKind, Hello, Outcome, PROTOCOL_VERSION, ServerMessage};
use warren_tests::{Relay, RunRecord, example, run_vhosts, vhost_gone};

const CLEANUP: Duration = Duration::from_secs(30);

/// The run's vhost is gone (within [`CLEANUP`]).
async fn assert_vhost_deleted(relay: &Relay, record: &RunRecord) {
    let vhost = record.vhost().expect("the run started in a vhost");
    assert!(
        vhost_gone(&relay.state.broker, vhost, CLEANUP).await,
        "{vhost} still exists"
    );
}

#[tokio::test]
async fn hello_reports_protocol_broker_and_limits() {
    let relay = Relay::start().await;
    let (_client, hello) = relay.connect().await;
    match hello {
        ServerMessage::Hello(Hello {
            protocol,
            broker,
            broker_error,
            limits,
            features,
            ..
        }) => {
            assert_eq!(protocol, PROTOCOL_VERSION);
            let features = features.expect("hello says what the broker version supports");
            assert!(features.quorum_queues);
            let broker = broker.unwrap_or_else(|| panic!("broker unreachable: {broker_error:?}"));
            assert!(!broker.version.is_empty());
            assert!(broker.nodes.iter().any(|n| n.running));
            assert!(limits.max_messages > 0);
        }
        other => panic!("expected hello, got {other:?}"),
    }
}

#[tokio::test]
async fn a_run_streams_events_then_its_summary_and_its_vhost_is_deleted() {
    let relay = Relay::start().await;
    let (mut client, _) = relay.connect().await;
    client.run(&example("confirms.json")).await;
    let record = client.follow_run().await;
    let summary = record.summary.clone().expect("summary");
    assert_eq!((summary.published, summary.acked), (100, 100));
    assert!(
        record
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Delivered { .. }))
    );
    assert_vhost_deleted(&relay, &record).await;
}

#[tokio::test]
async fn garbage_frames_get_an_error_and_the_socket_stays_usable() {
    let relay = Relay::start().await;
    let (mut client, _) = relay.connect().await;
    for garbage in ["not json", r#"{"type":"launch"}"#, r#"{"type":"run"}"#, "[1,2,3]"] {
        client.send_text(garbage).await;
        match client.recv().await {
            ServerMessage::Error { message } => {
                assert!(message.contains("could not read the message"), "{message}")
            }
            other => panic!("expected an error for {garbage:?}, got {other:?}"),
        }
    }
    let oversized = format!(
        r#"{{"type":"run","scenario":{{"version":1,"name":"{}"}}}}"#,
        "x".repeat(2 << 20)
    );
    client.send_text(&oversized).await;
    match client.recv().await {
        ServerMessage::Error { message } => assert!(message.contains("larger than"), "{message}"),
        other => panic!("expected an error for an oversized message, got {other:?}"),
    }
    client.send_binary(vec![0, 159, 146, 150]).await;
    assert!(matches!(client.recv().await, ServerMessage::Error { .. }));
    client.send_text(r#"{"type":"stop"}"#).await;
    match client.recv().await {
        ServerMessage::Error { message } => assert!(message.contains("no run")),
        other => panic!("expected an error, got {other:?}"),
    }
    // Still usable: a real run goes through.
    client.run(&example("returns.json")).await;
    let summary = client.follow_run().await.summary.expect("summary");
    assert_eq!(summary.returned, 100);
}

#[tokio::test]
async fn stopping_a_run_ends_it_and_deletes_its_vhost() {
    let relay = Relay::start().await;
    let (mut client, _) = relay.connect().await;
    let mut scenario = example("confirms.json");
    scenario.publishers[0].count = 100_000;
    scenario.publishers[0].rate_per_sec = Some(200.0);
    client.run(&scenario).await;
    let started = client
        .read_until(|e| matches!(e.kind, EventKind::Delivered { .. }))
        .await;
    client.send_text(r#"{"type":"stop"}"#).await;
    let record = client.follow_run_into(started).await;
    let summary = record.summary.clone().expect("summary");
    assert_eq!(summary.outcome, Some(Outcome::Stopped));
    assert!(summary.published < 100_000);
    assert_vhost_deleted(&relay, &record).await;
}

#[tokio::test]
async fn a_dropped_socket_stops_its_run_and_deletes_its_vhost() {
    let relay = Relay::start().await;
    let (mut client, _) = relay.connect().await;
    let mut scenario = example("confirms.json");
    scenario.publishers[0].count = 100_000;
    scenario.publishers[0].rate_per_sec = Some(200.0);
    client.run(&scenario).await;
    let started = client
        .read_until(|e| matches!(e.kind, EventKind::Published { .. }))
        .await;
    let vhost = started.vhost().expect("the run started in a vhost").to_owned();
    assert!(
        run_vhosts(&relay.state.broker).await.contains(&vhost),
        "the run has its vhost while it runs"
    );
    client.drop_connection();
    assert_vhost_deleted(&relay, &started).await;
}

#[tokio::test]
async fn two_runs_with_the_same_names_do_not_see_each_other() {
    let relay = Relay::start().await;
    let (mut a, _) = relay.connect().await;
    let (mut b, _) = relay.connect().await;
    let mut first = example("confirms.json");
    first.publishers[0].count = 300;
    first.publishers[0].body = "from run A {n}".into();
    let mut second = example("confirms.json");
    second.publishers[0].name = "other".into();
    second.publishers[0].count = 200;
    a.run(&first).await;
    b.run(&second).await;
    let (ra, rb) = tokio::join!(a.follow_run(), b.follow_run());
    let (sa, sb) = (ra.summary.expect("summary a"), rb.summary.expect("summary b"));
    assert_ne!(ra.run_id, rb.run_id);
    let got_a = &sa.delivered["confirm-queue"];
    let got_b = &sb.delivered["confirm-queue"];
    assert_eq!(got_a.len(), 300);
    assert_eq!(got_b.len(), 200);
    assert!(got_a.iter().all(|d| d.id.starts_with("producer#")));
    assert!(got_b.iter().all(|d| d.id.starts_with("other#")));
}

#[tokio::test]
async fn one_socket_runs_one_scenario_at_a_time() {
    let relay = Relay::start().await;
    let (mut client, _) = relay.connect().await;
    let mut slow = example("confirms.json");
    slow.publishers[0].rate_per_sec = Some(50.0);
    client.run(&slow).await;
    assert!(matches!(client.recv().await, ServerMessage::Accepted { .. }));
    client.run(&slow).await;
    let mut saw_refusal = false;
    let mut finished = false;
    while !finished {
        match client.recv().await {
            ServerMessage::Error { message } => saw_refusal |= message.contains("already going"),
            ServerMessage::Finished { .. } => finished = true,
            _ => {}
        }
    }
    assert!(saw_refusal);
}
