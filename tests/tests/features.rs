//! Scenario features beyond the seed's examples, each checked against what RabbitMQ did.

use serde_json::json;
use warren_shared::event::{EntityKind, Settlement};
use warren_shared::{EventKind, Outcome, Scenario};
use warren_tests::run_scenario;

fn scenario(value: serde_json::Value) -> Scenario {
    let scenario = warren_shared::parse_scenario(&value).unwrap_or_else(|p| panic!("{p:?}"));
    let problems = warren_shared::validate(&scenario, &warren_shared::Limits::default());
    assert!(problems.is_empty(), "{problems:?}");
    scenario
}

#[tokio::test]
async fn a_declaration_the_broker_refuses_ends_the_run_with_its_own_words() {
    let s = scenario(json!({
        "version": 1,
        "queues": [{"name": "fine"}, {"name": "votes", "type": "quorum", "durable": false}],
        "publishers": [{"name": "p", "exchange": "", "routing_key": "fine", "count": 5}]
    }));
    let (events, summary) = run_scenario(&s).await;
    let refusal = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Refused {
                entity,
                name,
                code,
                text,
            } => Some((*entity, name.clone(), *code, text.clone())),
            _ => None,
        })
        .expect("a refused event");
    assert_eq!(
        (refusal.0, refusal.1.as_str(), refusal.2),
        (EntityKind::Queue, "votes", 406)
    );
    assert!(refusal.3.contains("PRECONDITION_FAILED"), "{}", refusal.3);
    assert_eq!(summary.outcome, Some(Outcome::Refused));
    assert_eq!(summary.published, 0, "nothing runs after a refusal");
}

#[tokio::test]
async fn rejected_messages_are_dead_lettered_and_seen_with_their_reason() {
    let s = scenario(json!({
        "version": 1,
        "exchanges": [{"name": "work"}, {"name": "dlx", "type": "fanout"}],
        "queues": [
            {"name": "tasks", "arguments": {"x-dead-letter-exchange": "dlx"}},
            {"name": "dead"}
        ],
        "bindings": [
            {"source": "work", "destination": "tasks", "routing_key": "task"},
            {"source": "dlx", "destination": "dead"}
        ],
        "publishers": [{"name": "p", "exchange": "work", "routing_key": "task", "count": 20}],
        "consumers": [
            {"name": "worker", "queue": "tasks", "rules": [{"when": {"every_nth": 4}, "action": "reject"}]},
            {"name": "undertaker", "queue": "dead"}
        ]
    }));
    let (events, summary) = run_scenario(&s).await;
    assert_eq!(summary.delivered["tasks"].len(), 20);
    assert_eq!(summary.delivered["dead"].len(), 5);
    assert_eq!(summary.dead_lettered, 5);
    let rejected = events
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                EventKind::Settled {
                    action: Settlement::Reject,
                    requeue: false,
                    ..
                }
            )
        })
        .count();
    assert_eq!(rejected, 5);
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::DeadLettered { from_queue, reason, seen_in, .. }
            if from_queue == "tasks" && reason == "rejected" && seen_in == "dead")));
    assert!(summary.lost.is_empty(), "{:?}", summary.lost);
}

#[tokio::test]
async fn nack_with_requeue_brings_the_message_back_redelivered() {
    let s = scenario(json!({
        "version": 1,
        "queues": [{"name": "q"}],
        "publishers": [{"name": "p", "exchange": "", "routing_key": "q", "count": 3, "confirm": {"mode": "per_message"}}],
        "consumers": [{"name": "c", "queue": "q", "start": {"after": "p"}, "prefetch": 1,
            "rules": [{"when": {"every_nth": 2}, "action": "nack", "requeue": true}]}]
    }));
    let (_, summary) = run_scenario(&s).await;
    // Deliveries are counted per consumer: the 2nd and 4th are nacked back into the queue.
    let deliveries: Vec<_> = summary.delivered["q"]
        .iter()
        .map(|d| (d.id.as_str(), d.redelivered))
        .collect();
    assert_eq!(
        deliveries,
        vec![
            ("p#1", false),
            ("p#2", false),
            ("p#2", true),
            ("p#3", false),
            ("p#3", true)
        ]
    );
    assert!(summary.duplicates.is_empty(), "a requeued message is not a duplicate");
}

#[tokio::test]
async fn timeline_steps_start_stop_purge_and_apply_policies() {
    let s = scenario(json!({
        "version": 1,
        "settings": {"settle_ms": 500},
        "exchanges": [{"name": "in"}, {"name": "spare", "type": "fanout"}],
        "queues": [{"name": "main"}, {"name": "spare-queue"}, {"name": "backlog"}],
        "bindings": [
            {"source": "in", "destination": "main", "routing_key": "k"},
            {"source": "spare", "destination": "spare-queue"}
        ],
        "publishers": [
            {"name": "early", "exchange": "in", "routing_key": "nothing-bound", "count": 5},
            {"name": "late", "exchange": "in", "routing_key": "nothing-bound", "count": 5, "start": {"at_ms": 600}},
            {"name": "filler", "exchange": "", "routing_key": "backlog", "count": 50}
        ],
        "consumers": [
            {"name": "spare-reader", "queue": "spare-queue", "start": "on_step"}
        ],
        "timeline": [
            {"action": "apply_policy", "at_ms": 300, "policy":
                {"name": "ae", "pattern": "^in$", "apply_to": "exchanges", "definition": {"alternate-exchange": "spare"}}},
            {"action": "purge", "at_ms": 400, "queue": "backlog"},
            {"action": "start", "at_ms": 500, "actor": "spare-reader"}
        ]
    }));
    let (events, summary) = run_scenario(&s).await;
    assert_eq!(summary.outcome, Some(Outcome::Completed));
    // Before the policy the unroutable messages vanish; after it the alternate exchange catches them.
    let spare: Vec<_> = summary
        .delivered
        .get("spare-queue")
        .map(|d| d.iter().map(|m| m.id.clone()).collect())
        .unwrap_or_default();
    assert_eq!(spare, (1..=5).map(|n| format!("late#{n}")).collect::<Vec<_>>());
    // Unroutable before the policy, or purged: never delivered, so lost.
    let mut lost = summary.lost.clone();
    lost.sort();
    let mut expected: Vec<String> = (1..=5)
        .map(|n| format!("early#{n}"))
        .chain((1..=50).map(|n| format!("filler#{n}")))
        .collect();
    expected.sort();
    assert_eq!(lost, expected);
    assert!(
        events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::QueuePurged { queue, messages: 50 } if queue == "backlog"))
    );
    let steps = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::StepExecuted { .. }))
        .count();
    assert_eq!(steps, 3);
}

#[tokio::test]
async fn a_stop_step_cancels_a_consumer_and_its_unacked_messages_return() {
    let s = scenario(json!({
        "version": 1,
        "settings": {"settle_ms": 300},
        "queues": [{"name": "q"}],
        "publishers": [{"name": "p", "exchange": "", "routing_key": "q", "count": 10}],
        "consumers": [
            {"name": "slow", "queue": "q", "start": {"after": "p"}, "prefetch": 10, "processing_ms": 200},
            {"name": "rescuer", "queue": "q", "start": {"after": "slow"}}
        ],
        "timeline": [{"action": "stop", "at_ms": 700, "actor": "slow"}]
    }));
    let (events, summary) = run_scenario(&s).await;
    assert!(events.iter().any(
        |e| matches!(&e.kind, EventKind::ActorStopped { actor, reason } if actor == "slow" && reason == "stopped")
    ));
    let deliveries = &summary.delivered["q"];
    let acked: std::collections::HashSet<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Settled {
                id,
                action: Settlement::Ack,
                ..
            } => Some(id.clone()),
            _ => None,
        })
        .collect();
    let trace = events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::QueueSnapshot(_)))
        .map(|e| format!("{} {:?}", e.t_ms, e.kind))
        .collect::<Vec<_>>();
    assert_eq!(
        acked.len(),
        10,
        "every message is acked by one consumer or the other: {trace:#?}"
    );
    assert!(
        deliveries.iter().any(|d| d.redelivered),
        "the slow consumer's unacked messages come back redelivered: {trace:#?}"
    );
    assert!(summary.lost.is_empty());
}

#[tokio::test]
async fn a_run_that_outlasts_its_limit_is_stopped_with_a_warning() {
    let s = scenario(json!({
        "version": 1,
        "settings": {"max_duration_ms": 1500},
        "queues": [{"name": "q"}],
        "publishers": [{"name": "p", "exchange": "", "routing_key": "q", "count": 1000, "rate_per_sec": 20}]
    }));
    let (events, summary) = run_scenario(&s).await;
    assert_eq!(summary.outcome, Some(Outcome::TimeLimit));
    assert!(
        summary.published < 1000 && summary.published >= 20,
        "{}",
        summary.published
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::Warning { message } if message.contains("time limit")))
    );
    assert_eq!(summary.left_in_queues.get("q").copied(), Some(summary.published));
}

#[tokio::test]
async fn headers_exchanges_route_on_x_match() {
    let s = scenario(json!({
        "version": 1,
        "exchanges": [{"name": "h", "type": "headers"}],
        "queues": [{"name": "all-q"}, {"name": "any-q"}],
        "bindings": [
            {"source": "h", "destination": "all-q", "arguments": {"x-match": "all", "format": "pdf", "type": "report"}},
            {"source": "h", "destination": "any-q", "arguments": {"x-match": "any", "format": "zip", "type": "report"}}
        ],
        "publishers": [
            {"name": "pdf", "exchange": "h", "count": 2, "headers": {"format": "pdf", "type": "report"}},
            {"name": "log", "exchange": "h", "count": 2, "headers": {"format": "log"}}
        ]
    }));
    let (_, summary) = run_scenario(&s).await;
    assert_eq!(summary.left_in_queues.get("all-q"), Some(&2));
    assert_eq!(summary.left_in_queues.get("any-q"), Some(&2));
    assert_eq!(summary.lost, vec!["log#1".to_owned(), "log#2".to_owned()]);
}
