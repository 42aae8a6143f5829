//! Every kind of fact and every operator, over a run built by hand event by event and folded
//! into its summary by the same code the relay uses.

use super::*;
use crate::event::{EntityKind, Settlement};
use crate::exercise::{Check, Text};
use crate::summary::summarize;
use crate::validate::parse_scenario;
use serde_json::json;

/// The scenario of the recorded run: a confirming publisher into `work` (with a dead-letter
/// queue), an alternate exchange into `backup`, and a policy a step applies.
fn scenario() -> Scenario {
    parse_scenario(&json!({
        "version": 1,
        "exchanges": [
            {"name": "x", "arguments": {"alternate-exchange": "ae"}},
            {"name": "ae", "type": "fanout"},
            {"name": "dlx", "type": "fanout"}
        ],
        "queues": [
            {"name": "work", "arguments": {"x-max-priority": 5, "x-dead-letter-exchange": "dlx"}},
            {"name": "backup"},
            {"name": "dlq", "type": "quorum"}
        ],
        "bindings": [
            {"source": "x", "destination": "work", "routing_key": "k"},
            {"source": "ae", "destination": "backup"},
            {"source": "dlx", "destination": "dlq"}
        ],
        "policies": [{"name": "lazy", "pattern": "^backup$", "definition": {"queue-mode": "lazy"}}],
        "publishers": [
            {"name": "p", "exchange": "x", "routing_key": "k", "count": 8, "mandatory": true},
            {"name": "loose", "exchange": "x", "routing_key": "k", "count": 1, "confirm": {"mode": "off"}}
        ],
        "consumers": [
            {"name": "c", "queue": "work"},
            {"name": "b", "queue": "backup"},
            {"name": "d", "queue": "dlq"}
        ],
        "timeline": [{"action": "apply_policy", "at_ms": 5, "policy":
            {"name": "ha", "pattern": "^work$", "definition": {"ha-mode": "all"}}}]
    }))
    .expect("a scenario")
}

/// Builds a run's events in order.
#[derive(Default)]
struct Recorder {
    events: Vec<Event>,
}

impl Recorder {
    fn push(&mut self, kind: EventKind) -> &mut Self {
        let t_ms = self.events.len() as u64;
        self.events.push(Event { t_ms, kind });
        self
    }

    fn published(&mut self, id: &str, priority: Option<u8>) -> &mut Self {
        let publisher = id.split('#').next().unwrap_or(id).to_owned();
        self.push(EventKind::Published {
            publisher,
            id: id.into(),
            exchange: "x".into(),
            routing_key: "k".into(),
            priority,
            persistent: false,
            mandatory: true,
        })
    }

    fn confirmed(&mut self, id: &str, ack: bool) -> &mut Self {
        self.push(EventKind::Confirmed {
            publisher: "p".into(),
            id: id.into(),
            ack,
        })
    }

    fn delivered(
        &mut self,
        consumer: &str,
        queue: &str,
        id: &str,
        priority: Option<u8>,
        redelivered: bool,
    ) -> &mut Self {
        self.push(EventKind::Delivered {
            consumer: consumer.into(),
            queue: queue.into(),
            id: id.into(),
            redelivered,
            priority,
            exchange: "x".into(),
            routing_key: if queue == "dlq" { "dead".into() } else { "k".into() },
        })
    }

    fn acked(&mut self, consumer: &str, queue: &str, id: &str) -> &mut Self {
        self.push(EventKind::Settled {
            consumer: consumer.into(),
            queue: queue.into(),
            id: id.into(),
            action: Settlement::Ack,
            requeue: false,
        })
    }
}

/// A completed run of [`scenario`]:
/// - `p#1` (priority 5) and `p#2` delivered on `work` and acked, then `p#1` again: a duplicate;
/// - `p#3` nacked, re-published by the outbox, then delivered on `work`;
/// - `p#4` returned twice with 312 (it went out twice);
/// - `p#5` routed by the alternate exchange to `backup`;
/// - `p#6` rejected on `work` and dead-lettered to `dlq`;
/// - `p#7` left in `work`; `p#8` never seen again: lost; `loose#1` failed to publish.
fn recorded() -> (Vec<Event>, Summary) {
    let mut r = Recorder::default();
    r.push(EventKind::RunStarted {
        run_id: "r".into(),
        vhost: "v".into(),
        broker: crate::event::BrokerInfo {
            version: "3.10.8".into(),
            erlang_version: String::new(),
            cluster_name: String::new(),
            nodes: Vec::new(),
        },
    });
    r.published("p#1", Some(5))
        .published("p#2", None)
        .published("p#3", None);
    r.confirmed("p#1", true).confirmed("p#2", true).confirmed("p#3", false);
    for _ in 0..2 {
        r.published("p#4", None).push(EventKind::Returned {
            publisher: "p".into(),
            id: "p#4".into(),
            reply_code: 312,
            reply_text: "NO_ROUTE".into(),
            exchange: "x".into(),
            routing_key: "k".into(),
        });
    }
    r.confirmed("p#4", true);
    for id in ["p#5", "p#6", "p#7", "p#8"] {
        r.published(id, None).confirmed(id, true);
    }
    r.push(EventKind::PublishFailed {
        publisher: "loose".into(),
        id: "loose#1".into(),
        error: "channel closed".into(),
    });
    r.push(EventKind::Retried {
        publisher: "p".into(),
        id: "p#3".into(),
        attempt: 1,
    })
    .confirmed("p#3", true);
    r.delivered("c", "work", "p#1", Some(5), false)
        .acked("c", "work", "p#1");
    r.delivered("c", "work", "p#2", None, false).acked("c", "work", "p#2");
    r.delivered("c", "work", "p#1", Some(5), true).acked("c", "work", "p#1");
    r.delivered("c", "work", "p#3", None, false).acked("c", "work", "p#3");
    r.delivered("b", "backup", "p#5", None, false)
        .acked("b", "backup", "p#5");
    r.delivered("c", "work", "p#6", None, false).push(EventKind::Settled {
        consumer: "c".into(),
        queue: "work".into(),
        id: "p#6".into(),
        action: Settlement::Reject,
        requeue: false,
    });
    r.delivered("d", "dlq", "p#6", None, false)
        .push(EventKind::DeadLettered {
            id: "p#6".into(),
            from_queue: "work".into(),
            reason: "rejected".into(),
            seen_in: "dlq".into(),
        })
        .acked("d", "dlq", "p#6");
    r.push(EventKind::ConsumerCancelled {
        consumer: "c".into(),
        queue: "work".into(),
    });
    r.push(EventKind::QueueSnapshot(QueueSnapshot {
        queue: "backup".into(),
        messages: 9,
        in_ram: 9,
        ..Default::default()
    }));
    r.push(EventKind::QueueSnapshot(QueueSnapshot {
        queue: "backup".into(),
        messages: 3,
        in_ram: 0,
        paged_out: 3,
        mode: Some("lazy".into()),
        kind: Some("classic".into()),
        ..Default::default()
    }));
    r.push(EventKind::LeftInQueue {
        queue: "work".into(),
        ids: vec!["p#7".into()],
    });
    r.push(EventKind::RunFinished {
        outcome: Outcome::Completed,
        message: None,
    });
    let summary = summarize(&scenario(), &r.events);
    (r.events, summary)
}

/// An exercise over [`scenario`] with these checks, each with the sentence `seen {seen}`.
fn exercise(kinds: Vec<CheckKind>) -> Exercise {
    Exercise {
        id: "e".into(),
        title: Text::new("t", "t"),
        task: Text::new("t", "t"),
        hints: Vec::new(),
        needs_node_faults: false,
        checks: kinds
            .into_iter()
            .map(|kind| Check {
                text: Text::new("seen {seen}, expected {expected}", "看到 {seen}"),
                kind,
            })
            .collect(),
        locked: None,
        solution: scenario(),
    }
}

/// The results of one check kind per JSON form, on the recorded run.
fn results(forms: &[serde_json::Value]) -> Vec<CheckResult> {
    let kinds = forms
        .iter()
        .map(|form| serde_json::from_value(form.clone()).unwrap_or_else(|e| panic!("{form}: {e}")))
        .collect();
    let (events, summary) = recorded();
    evaluate(&exercise(kinds), &scenario(), &summary, &events)
}

/// `(seen, passed)` of each result.
fn seen(results: &[CheckResult]) -> Vec<(&str, bool)> {
    results.iter().map(|r| (r.seen.as_str(), r.passed)).collect()
}

#[test]
fn the_recorded_run_folds_as_described() {
    let (_, s) = recorded();
    assert_eq!((s.published, s.acked, s.nacked, s.returned), (9, 8, 1, 2));
    assert_eq!((s.unconfirmed, s.publish_failed, s.republished), (0, 1, 1));
    assert_eq!((s.dead_lettered, s.delivered_total()), (1, 7));
    assert_eq!(s.lost, ["p#8", "loose#1"]);
    assert_eq!(s.duplicates, ["p#1"]);
}

#[test]
fn every_counter_reads_its_number_and_ids() {
    let count = |of: &str| json!({"check": "count", "of": of, "op": ">=", "value": 0});
    let got = results(&[
        count("published"),
        count("acked"),
        count("nacked"),
        count("returned"),
        count("unconfirmed"),
        count("publish_failed"),
        count("republished"),
        count("delivered"),
        count("dead_lettered"),
        count("left_in_queue"),
        count("lost"),
        count("duplicates"),
    ]);
    let numbers: Vec<&str> = got.iter().map(|r| r.seen.as_str()).collect();
    assert_eq!(numbers, ["9", "8", "1", "2", "0", "1", "1", "7", "1", "1", "2", "1"]);
    let ids: Vec<Vec<&str>> = got.iter().map(|r| r.ids.iter().map(String::as_str).collect()).collect();
    assert_eq!(
        ids,
        [
            vec![],
            vec![],
            vec!["p#3"],
            vec!["p#4"],
            vec![],
            vec!["loose#1"],
            vec!["p#3"],
            vec![],
            vec!["p#6"],
            vec!["p#7"],
            vec!["p#8", "loose#1"],
            vec!["p#1"],
        ]
    );
    Counter::NAMES.iter().for_each(|name| {
        assert!(serde_json::from_value::<Counter>(json!(name)).is_ok(), "{name}");
    });
}

#[test]
fn counts_by_queue_and_by_reply_code() {
    let got = results(&[
        json!({"check": "count", "of": "delivered", "queue": "work", "op": "=", "value": 5}),
        json!({"check": "count", "of": "delivered", "queue": "backup", "op": "=", "value": 1}),
        json!({"check": "count", "of": "delivered", "queue": "nowhere", "op": "=", "value": 0}),
        json!({"check": "count", "of": "dead_lettered", "queue": "dlq", "op": "=", "value": 1}),
        json!({"check": "count", "of": "dead_lettered", "queue": "work", "op": "=", "value": 0}),
        json!({"check": "count", "of": "left_in_queue", "queue": "work", "op": "=", "value": 1}),
        json!({"check": "count", "of": "left_in_queue", "queue": "backup", "op": "=", "value": 0}),
        json!({"check": "count", "of": "returned", "code": 312, "op": "=", "value": 2}),
        json!({"check": "count", "of": "returned", "code": 313, "op": "=", "value": 0}),
    ]);
    assert!(got.iter().all(|r| r.passed), "{got:#?}");
    assert!(got[8].ids.is_empty());
}

#[test]
fn each_operator_passes_and_fails_where_it_should() {
    let lost = |op: &str, value: u64| json!({"check": "count", "of": "lost", "op": op, "value": value});
    let got = results(&[
        lost("=", 2),
        lost("=", 0),
        lost(">=", 2),
        lost(">=", 3),
        lost("<=", 2),
        lost("<=", 1),
    ]);
    let passed: Vec<bool> = got.iter().map(|r| r.passed).collect();
    assert_eq!(passed, [true, false, true, false, true, false]);
    let expected: Vec<&str> = got.iter().map(|r| r.expected.as_str()).collect();
    assert_eq!(expected, ["= 2", "= 0", ">= 2", ">= 3", "<= 2", "<= 1"]);
}

#[test]
fn a_failing_check_says_what_it_saw_in_both_languages() {
    let got = results(&[json!({"check": "count", "of": "returned", "code": 312, "op": "=", "value": 0})]);
    assert_eq!(
        got,
        [CheckResult {
            passed: false,
            text: Text::new("seen 2, expected = 0", "看到 2"),
            seen: "2".into(),
            expected: "= 0".into(),
            ids: vec!["p#4".into()],
        }]
    );
    let value = serde_json::to_value(&got[0]).expect("serialize");
    assert_eq!(
        value,
        json!({"passed": false, "text": {"en": "seen 2, expected = 0", "zh": "看到 2"}, "seen": "2", "expected": "= 0", "ids": ["p#4"]})
    );
    assert_eq!(serde_json::from_value::<CheckResult>(value).expect("read back"), got[0]);
}

#[test]
fn deliveries_filter_by_order_publisher_exchange_key_priority_and_redelivery() {
    let got = results(&[
        json!({"check": "deliveries", "queue": "work", "op": "=", "value": 5}),
        json!({"check": "deliveries", "queue": "work", "first": 1, "priority": 5, "op": "=", "value": 1}),
        json!({"check": "deliveries", "queue": "work", "first": 2, "priority": 5, "op": "=", "value": 2}),
        json!({"check": "deliveries", "queue": "work", "priority": 0, "op": "=", "value": 3}),
        json!({"check": "deliveries", "queue": "work", "redelivered": true, "op": "=", "value": 1}),
        json!({"check": "deliveries", "queue": "backup", "exchange": "x", "routing_key": "k", "op": "=", "value": 1}),
        json!({"check": "deliveries", "queue": "dlq", "routing_key": "k", "op": "=", "value": 0}),
        json!({"check": "deliveries", "queue": "work", "publisher": "p", "op": "=", "value": 5}),
        json!({"check": "deliveries", "queue": "work", "publisher": "loose", "op": "=", "value": 0}),
        json!({"check": "deliveries", "queue": "work", "first": 100, "op": "=", "value": 5}),
    ]);
    assert_eq!(
        seen(&got),
        [
            ("5", true),
            ("1", true),
            ("1", false),
            ("3", true),
            ("1", true),
            ("1", true),
            ("0", true),
            ("5", true),
            ("0", true),
            ("5", true),
        ]
    );
    assert_eq!(got[1].ids, ["p#1"]);
    assert_eq!(got[3].ids, ["p#2", "p#3", "p#6"]);
}

#[test]
fn events_are_counted_by_type_actor_queue_and_code() {
    let got = results(&[
        json!({"check": "events", "event": "consumer_cancelled", "op": ">=", "value": 1}),
        json!({"check": "events", "event": "consumer_cancelled", "queue": "backup", "op": "=", "value": 0}),
        json!({"check": "events", "event": "returned", "code": 312, "op": "=", "value": 2}),
        json!({"check": "events", "event": "returned", "code": 312, "op": "=", "value": 0}),
        json!({"check": "events", "event": "refused", "op": "=", "value": 0}),
        json!({"check": "events", "event": "settled", "actor": "c", "op": "=", "value": 5}),
        json!({"check": "events", "event": "delivered", "queue": "dlq", "op": "=", "value": 1}),
    ]);
    assert_eq!(
        seen(&got),
        [
            ("1", true),
            ("0", true),
            ("2", true),
            ("2", false),
            ("0", true),
            ("5", true),
            ("1", true)
        ]
    );
    assert_eq!(got[2].ids, ["p#4"], "each message once");
}

#[test]
fn a_snapshot_fact_is_read_from_the_queues_last_snapshot() {
    let got = results(&[
        json!({"check": "snapshot", "queue": "backup", "field": "in_ram", "op": "=", "value": 0}),
        json!({"check": "snapshot", "queue": "backup", "field": "paged_out", "op": ">=", "value": 3}),
        json!({"check": "snapshot", "queue": "backup", "field": "messages", "op": "<=", "value": 2}),
        json!({"check": "snapshot", "queue": "backup", "field": "mode", "is": "lazy"}),
        json!({"check": "snapshot", "queue": "backup", "field": "type", "is": "quorum"}),
        json!({"check": "snapshot", "queue": "backup", "field": "state", "is": "running"}),
        json!({"check": "snapshot", "queue": "work", "field": "in_ram", "op": "=", "value": 0}),
    ]);
    assert_eq!(
        seen(&got),
        [
            ("0", true),
            ("3", true),
            ("3", false),
            ("lazy", true),
            ("classic", false),
            ("absent", false),
            ("no snapshot", false)
        ]
    );
    assert_eq!(got[4].expected, "quorum");
}

#[test]
fn structural_facts_are_read_from_the_learners_scenario() {
    let got = results(&[
        json!({"check": "confirms", "publisher": "p"}),
        json!({"check": "confirms", "publisher": "loose"}),
        json!({"check": "confirms", "publisher": "ghost"}),
        json!({"check": "bound", "destination": "backup"}),
        json!({"check": "bound", "destination": "backup", "source": "x"}),
        json!({"check": "bound", "destination": "nowhere"}),
        json!({"check": "argument", "name": "ha-mode", "absent": true}),
        json!({"check": "argument", "name": "x-max-priority", "queue": "work"}),
        json!({"check": "argument", "name": "x-max-priority", "queue": "work", "equals": 10}),
        json!({"check": "argument", "name": "x-queue-mode", "policy": "lazy", "equals": "lazy"}),
        json!({"check": "argument", "name": "alternate-exchange", "exchange": "x", "equals": "ae"}),
        json!({"check": "argument", "name": "x-max-priority", "queue": "backup"}),
        json!({"check": "argument", "name": "x-message-ttl", "absent": true}),
    ]);
    assert_eq!(
        seen(&got),
        [
            ("confirm mode stream", true),
            ("confirm mode off", false),
            ("no publisher named ghost", false),
            ("bound from ae", true),
            ("bound from ae", false),
            ("not bound", false),
            ("timeline/0/policy/definition/ha-mode = \"all\"", false),
            ("queues/work/arguments/x-max-priority = 5", true),
            ("queues/work/arguments/x-max-priority = 5", false),
            ("policies/lazy/definition/queue-mode = \"lazy\"", true),
            ("exchanges/x/arguments/alternate-exchange = \"ae\"", true),
            ("absent", false),
            ("absent", true),
        ]
    );
    let expected: Vec<&str> = got.iter().map(|r| r.expected.as_str()).collect();
    assert_eq!(expected[4..9], ["bound from x", "bound", "absent", "present", "= 10"]);
}

#[test]
fn a_run_that_did_not_complete_fails_every_check() {
    let (mut events, _) = recorded();
    events.truncate(1);
    events.push(Event {
        t_ms: 1,
        kind: EventKind::Refused {
            entity: EntityKind::Queue,
            name: "dlq".into(),
            code: 406,
            text: "PRECONDITION_FAILED".into(),
        },
    });
    events.push(Event {
        t_ms: 2,
        kind: EventKind::RunFinished {
            outcome: Outcome::Refused,
            message: None,
        },
    });
    let summary = summarize(&scenario(), &events);
    let e = exercise(vec![
        serde_json::from_value(json!({"check": "count", "of": "lost", "op": "=", "value": 0})).expect("a check"),
        serde_json::from_value(json!({"check": "confirms", "publisher": "p"})).expect("a check"),
    ]);
    let got = evaluate(&e, &scenario(), &summary, &events);
    assert_eq!(
        seen(&got),
        [("the run ended refused", false), ("the run ended refused", false)]
    );
    assert_eq!(got[0].text.en, "seen the run ended refused, expected = 0");
    let unfinished = evaluate(&e, &scenario(), &Summary::default(), &[]);
    assert!(
        unfinished
            .iter()
            .all(|r| !r.passed && r.seen == "the run did not finish")
    );
}

#[test]
fn a_run_that_reached_its_time_limit_is_still_checked() {
    let (mut events, _) = recorded();
    if let Some(last) = events.last_mut() {
        last.kind = EventKind::RunFinished {
            outcome: Outcome::TimeLimit,
            message: None,
        };
    }
    let summary = summarize(&scenario(), &events);
    let e = exercise(vec![
        serde_json::from_value(json!({"check": "count", "of": "lost", "op": "=", "value": 2})).expect("a check"),
    ]);
    assert!(evaluate(&e, &scenario(), &summary, &events)[0].passed);
}

#[test]
fn placeholders_fill_value_too() {
    let mut e = exercise(vec![
        serde_json::from_value(json!({"check": "count", "of": "acked", "op": "=", "value": 100})).expect("a check"),
        serde_json::from_value(json!({"check": "bound", "destination": "dlq"})).expect("a check"),
    ]);
    for check in &mut e.checks {
        check.text = Text::new("{seen} of {value}", "{seen} / {value}");
    }
    let (events, summary) = recorded();
    let got = evaluate(&e, &scenario(), &summary, &events);
    assert_eq!(got[0].text, Text::new("8 of 100", "8 / 100"));
    assert_eq!(
        got[1].text,
        Text::new("bound from dlx of bound", "bound from dlx / bound")
    );
}
