//! RabbitMQ closing a channel or the connection during a run: each close is an event with
//! RabbitMQ's reply code and text, an actor whose channel was closed stops with those words, and
//! a connection RabbitMQ closed is recovered like a lost one.

use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use warren_relay::{run, vhost};
use warren_shared::{Event, EventKind, Scenario, Summary};
use warren_tests::{broker, limits, run_scenario};

fn scenario(json: serde_json::Value) -> Scenario {
    let scenario = warren_shared::parse_scenario(&json).unwrap_or_else(|p| panic!("{p:?}"));
    let problems = warren_shared::validate(&scenario, &limits());
    assert!(problems.is_empty(), "invalid scenario: {problems:?}");
    scenario
}

/// Every `channel_closed` of `actor`, as (code, text).
fn channel_closes(events: &[Event], actor: &str) -> Vec<(u16, String)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ChannelClosed { actor: a, code, text } if a == actor => Some((*code, text.clone())),
            _ => None,
        })
        .collect()
}

/// Why `actor` stopped.
fn stop_reason(events: &[Event], actor: &str) -> String {
    events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::ActorStopped { actor: a, reason } if a == actor => Some(reason.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{actor} never stopped"))
}

fn count(events: &[Event], kind: &str) -> usize {
    events.iter().filter(|e| e.kind.name() == kind).count()
}

/// The one close of `actor`'s channel, with its code, and the stop reason that carries it.
fn closed_once(events: &[Event], actor: &str, code: u16, text_start: &str) -> String {
    let closes = channel_closes(events, actor);
    assert_eq!(closes.len(), 1, "{actor}: one channel_closed, got {closes:?}");
    let (got, text) = &closes[0];
    assert_eq!(*got, code, "{actor}: {text}");
    assert!(text.starts_with(text_start), "{actor}: {text}");
    assert_eq!(stop_reason(events, actor), format!("closed by RabbitMQ: {code} {text}"));
    text.clone()
}

#[tokio::test]
async fn publishing_to_an_internal_exchange_is_refused_with_403_with_or_without_confirms() {
    // `confirming` has many confirms in flight when its channel is closed, and each carries the
    // close. `firing` and `late` have no confirms: they learn the words from the connection's
    // events, `firing` (another exchange) at the same time as `confirming`, `late` (the same
    // exchange, the same words) afterwards.
    let (events, summary) = run_scenario(&scenario(serde_json::json!({
        "version": 1,
        "name": "internal exchanges",
        "exchanges": [
            {"name": "inside-a", "type": "direct", "internal": true},
            {"name": "inside-b", "type": "direct", "internal": true}
        ],
        "queues": [{"name": "q"}],
        "bindings": [
            {"source": "inside-a", "destination": "q", "routing_key": "k"},
            {"source": "inside-b", "destination": "q", "routing_key": "k"}
        ],
        "publishers": [
            {"name": "confirming", "exchange": "inside-a", "routing_key": "k", "count": 50},
            {"name": "firing", "exchange": "inside-b", "routing_key": "k", "count": 20, "rate_per_sec": 50,
             "confirm": {"mode": "off"}},
            {"name": "late", "exchange": "inside-a", "routing_key": "k", "count": 20, "rate_per_sec": 50,
             "confirm": {"mode": "off"}, "start": {"at_ms": 500}}
        ],
        "settings": {"max_duration_ms": 20000, "settle_ms": 500}
    })))
    .await;
    let a = closed_once(
        &events,
        "confirming",
        403,
        "ACCESS_REFUSED - cannot publish to internal exchange 'inside-a'",
    );
    let b = closed_once(
        &events,
        "firing",
        403,
        "ACCESS_REFUSED - cannot publish to internal exchange 'inside-b'",
    );
    let late = closed_once(
        &events,
        "late",
        403,
        "ACCESS_REFUSED - cannot publish to internal exchange 'inside-a'",
    );
    assert_ne!(a, b);
    assert_eq!(a, late);
    // A publish that found its channel closed says by whom.
    for event in &events {
        if let EventKind::PublishFailed { publisher, error, .. } = &event.kind {
            assert!(error.starts_with("closed by RabbitMQ: 403 "), "{publisher}: {error}");
        }
    }
    // The unconfirmed messages are explained by the close.
    assert!(
        events.iter().any(|e| matches!(&e.kind, EventKind::Warning { message }
            if message.starts_with("confirming: ") && message.contains("RabbitMQ closed the channel first (403 ACCESS_REFUSED"))),
        "no warning explains the unconfirmed messages"
    );
    assert_eq!(count(&events, "connection_closed"), 0);
    assert_eq!(count(&events, "connection_lost"), 0);
    // They stopped at the first refusal instead of publishing everything into closed channels.
    assert!(summary.published < 90, "published {}", summary.published);
}

#[tokio::test]
async fn an_invalid_message_and_an_invalid_consumer_argument_are_refused_with_406() {
    let (events, _) = run_scenario(&scenario(serde_json::json!({
        "version": 1,
        "name": "preconditions",
        "queues": [{"name": "q"}],
        "publishers": [
            {"name": "p", "exchange": "", "routing_key": "q", "count": 3, "headers": {"CC": 5},
             "confirm": {"mode": "per_message"}}
        ],
        "consumers": [{"name": "c", "queue": "q", "arguments": {"x-priority": "high"}}],
        "settings": {"max_duration_ms": 20000, "settle_ms": 500}
    })))
    .await;
    // A CC header must be a string or an array of strings (sender-selected distribution).
    closed_once(&events, "p", 406, "PRECONDITION_FAILED - invalid message");
    closed_once(&events, "c", 406, "PRECONDITION_FAILED - invalid arg 'x-priority'");
    assert_eq!(count(&events, "connection_closed"), 0);
}

/// Run `scenario` and, once its connection is open, have RabbitMQ close it from the
/// management API with `reason`.
async fn run_and_close_its_connection(scenario: &Scenario, reason: &str) -> (Vec<Event>, Summary) {
    let broker = broker().await;
    let run_id = vhost::new_run_id();
    let vhost = vhost::for_run(&run_id);
    let (tx, mut rx) = mpsc::channel(1024);
    let collect = tokio::spawn(async move {
        let mut events = Vec::new();
        while let Some(event) = rx.recv().await {
            events.push(event);
        }
        events
    });
    let closer = {
        let management = broker.management.clone();
        let reason = reason.to_owned();
        tokio::spawn(async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
            while management.vhost_connection_count(&vhost).await.unwrap_or(0) == 0 {
                assert!(tokio::time::Instant::now() < deadline, "the run never connected");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            // Let the actors get going first.
            tokio::time::sleep(Duration::from_millis(800)).await;
            management
                .close_connections(&vhost, &reason)
                .await
                .expect("close the run's connection")
        })
    };
    let summary = run::execute(scenario, &broker, &run_id, tx, CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("run failed to start: {e}"));
    assert_eq!(closer.await.expect("closer"), 1, "one connection closed");
    (collect.await.expect("collector"), summary)
}

#[tokio::test]
async fn a_connection_closed_by_an_operator_is_reported_with_320_and_recovered() {
    let reason = "closed by a Warren test";
    let (events, summary) = run_and_close_its_connection(
        &scenario(serde_json::json!({
            "version": 1,
            "name": "forced close",
            "queues": [{"name": "q"}],
            "publishers": [
                {"name": "p", "exchange": "", "routing_key": "q", "count": 200, "rate_per_sec": 40,
                 "outbox": {"retry_interval_ms": 200}}
            ],
            "consumers": [{"name": "c", "queue": "q"}],
            "settings": {"max_duration_ms": 30000, "settle_ms": 1000}
        })),
        reason,
    )
    .await;
    let closes: Vec<(u16, String)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ConnectionClosed { code, text } => Some((*code, text.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        closes,
        vec![(320, format!("CONNECTION_FORCED - {reason}"))],
        "one connection_closed with RabbitMQ's words"
    );
    assert_eq!(count(&events, "connection_lost"), 0, "closed by RabbitMQ, not lost");
    assert_eq!(
        count(&events, "channel_closed"),
        0,
        "the channels went with the connection"
    );
    assert!(count(&events, "connection_recovered") >= 1, "recovered after the close");
    assert!(count(&events, "reconsumed") >= 1, "the consumer consumes again");
    assert_eq!(stop_reason(&events, "p"), "finished");
    assert!(
        summary.lost.is_empty(),
        "the outbox sends again what the close left: {:?}",
        summary.lost
    );
}
