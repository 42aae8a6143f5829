//! Deciding an exercise's checks over one run: the summary, the events in order, and the
//! scenario that ran. Pure: the relay, `warren check` and the page call the same [`evaluate`].

use super::check::{CheckKind, Counter, Op, Reading, SnapshotField, code_of, queue_of};
use super::{CheckResult, Exercise};
use crate::event::{Event, EventKind, Outcome, QueueSnapshot};
use crate::scenario::{Arguments, Scenario, Step};
use crate::summary::Summary;
use serde_json::Value;

/// Every check of `exercise` over a run of `scenario` that gave `summary` and `events`, in the
/// order of the checks. A run that did not end as `completed` or `time_limit` fails every check.
pub fn evaluate(exercise: &Exercise, scenario: &Scenario, summary: &Summary, events: &[Event]) -> Vec<CheckResult> {
    let ended = match summary.outcome {
        Some(Outcome::Completed | Outcome::TimeLimit) => None,
        Some(outcome) => Some(format!("the run ended {}", outcome.as_str())),
        None => Some("the run did not finish".to_owned()),
    };
    let run = Run {
        scenario,
        summary,
        events,
    };
    exercise
        .checks
        .iter()
        .map(|check| {
            let mut finding = run.decide(&check.kind);
            if let Some(ended) = &ended {
                finding.passed = false;
                finding.seen.clone_from(ended);
                finding.ids.clear();
            }
            let value = check_value(&check.kind).map_or_else(|| finding.expected.clone(), |v| v.to_string());
            CheckResult {
                passed: finding.passed,
                text: check.text.fill(&[
                    ("seen", &finding.seen),
                    ("expected", &finding.expected),
                    ("value", &value),
                ]),
                seen: finding.seen,
                expected: finding.expected,
                ids: finding.ids,
            }
        })
        .collect()
}

/// The number a check compares with, if it compares one.
fn check_value(kind: &CheckKind) -> Option<u64> {
    match kind {
        CheckKind::Count { value, .. } | CheckKind::Deliveries { value, .. } | CheckKind::Events { value, .. } => {
            Some(*value)
        }
        CheckKind::Snapshot { value, .. } => *value,
        _ => None,
    }
}

/// What one check found, before its sentence is filled in.
struct Finding {
    passed: bool,
    seen: String,
    expected: String,
    ids: Vec<String>,
}

impl Finding {
    /// A count compared with `op` and `value`.
    fn count(seen: u64, op: Op, value: u64, ids: Vec<String>) -> Self {
        Self {
            passed: op.holds(seen, value),
            seen: seen.to_string(),
            expected: op.describe(value),
            ids,
        }
    }

    /// A fact that holds or not.
    fn fact(passed: bool, seen: impl Into<String>, expected: impl Into<String>) -> Self {
        Self {
            passed,
            seen: seen.into(),
            expected: expected.into(),
            ids: Vec::new(),
        }
    }
}

/// One run, as the checks see it.
struct Run<'a> {
    scenario: &'a Scenario,
    summary: &'a Summary,
    events: &'a [Event],
}

impl Run<'_> {
    fn decide(&self, kind: &CheckKind) -> Finding {
        match kind {
            CheckKind::Count {
                of,
                queue,
                code,
                op,
                value,
            } => {
                let (seen, ids) = self.counter(*of, queue.as_deref(), *code);
                Finding::count(seen, *op, *value, ids)
            }
            CheckKind::Deliveries {
                queue,
                first,
                publisher,
                exchange,
                routing_key,
                priority,
                redelivered,
                op,
                value,
            } => {
                let first = first.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
                let ids: Vec<String> = self
                    .kinds()
                    .filter_map(|kind| match kind {
                        EventKind::Delivered {
                            queue: on,
                            id,
                            redelivered: again,
                            priority: received,
                            exchange: via,
                            routing_key: key,
                            ..
                        } if on == queue => Some((id, *again, *received, via, key)),
                        _ => None,
                    })
                    .take(first)
                    .filter(|(id, again, received, via, key)| {
                        publisher.as_ref().is_none_or(|p| publisher_of(id) == p)
                            && exchange.as_ref().is_none_or(|x| x == *via)
                            && routing_key.as_ref().is_none_or(|k| k == *key)
                            && priority.is_none_or(|p| received.unwrap_or(0) == p)
                            && redelivered.is_none_or(|r| r == *again)
                    })
                    .map(|(id, ..)| id.clone())
                    .collect();
                Finding::count(ids.len() as u64, *op, *value, ids)
            }
            CheckKind::Events {
                event,
                actor,
                queue,
                code,
                op,
                value,
            } => {
                let matching: Vec<&EventKind> = self
                    .kinds()
                    .filter(|kind| {
                        kind.name() == event
                            && actor.as_deref().is_none_or(|a| kind.actor() == Some(a))
                            && queue.as_deref().is_none_or(|q| queue_of(kind) == Some(q))
                            && code.is_none_or(|c| code_of(kind) == Some(c))
                    })
                    .collect();
                let ids = distinct(matching.iter().filter_map(|kind| kind.message_id()));
                Finding::count(matching.len() as u64, *op, *value, ids)
            }
            CheckKind::Snapshot {
                queue,
                field,
                op,
                value,
                is,
            } => self.snapshot(queue, *field, *op, *value, is.as_deref()),
            CheckKind::Confirms { publisher } => match self.scenario.publishers.iter().find(|p| &p.name == publisher) {
                Some(p) => Finding::fact(
                    p.confirm.enabled(),
                    format!("confirm mode {}", p.confirm.name()),
                    "confirms on",
                ),
                None => Finding::fact(false, format!("no publisher named {publisher}"), "confirms on"),
            },
            CheckKind::Bound { destination, source } => {
                let sources: Vec<&str> = self
                    .scenario
                    .bindings
                    .iter()
                    .filter(|b| &b.destination == destination)
                    .map(|b| b.source.as_str())
                    .collect();
                let passed = match source {
                    Some(source) => sources.contains(&source.as_str()),
                    None => !sources.is_empty(),
                };
                let seen = if sources.is_empty() {
                    "not bound".to_owned()
                } else {
                    format!("bound from {}", sources.join(", "))
                };
                let expected = source
                    .as_ref()
                    .map_or_else(|| "bound".to_owned(), |s| format!("bound from {s}"));
                Finding::fact(passed, seen, expected)
            }
            CheckKind::Argument {
                name,
                queue,
                exchange,
                policy,
                equals,
                absent,
            } => {
                let target = Target {
                    queue: queue.as_deref(),
                    exchange: exchange.as_deref(),
                    policy: policy.as_deref(),
                };
                let found = uses(self.scenario, name, target);
                let matching = found
                    .iter()
                    .filter(|(_, v)| equals.as_ref().is_none_or(|e| e == *v))
                    .count();
                let passed = if *absent { matching == 0 } else { matching > 0 };
                let seen = if found.is_empty() {
                    "absent".to_owned()
                } else {
                    found
                        .iter()
                        .map(|(path, v)| format!("{path} = {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let expected = match (absent, equals) {
                    (true, Some(e)) => format!("not {e}"),
                    (true, None) => "absent".to_owned(),
                    (false, Some(e)) => format!("= {e}"),
                    (false, None) => "present".to_owned(),
                };
                Finding::fact(passed, seen, expected)
            }
        }
    }

    fn kinds(&self) -> impl Iterator<Item = &EventKind> {
        self.events.iter().map(|e| &e.kind)
    }

    /// A number of the summary (or, filtered, of the events), and the ids it is about.
    fn counter(&self, of: Counter, queue: Option<&str>, code: Option<u16>) -> (u64, Vec<String>) {
        let s = self.summary;
        let ids_where = |keep: &dyn Fn(&EventKind) -> bool| {
            distinct(self.kinds().filter(|kind| keep(kind)).filter_map(EventKind::message_id))
        };
        let in_queue = |kind: &EventKind| queue.is_none_or(|q| queue_of(kind) == Some(q));
        match of {
            Counter::Published => (s.published, Vec::new()),
            Counter::Acked => (s.acked, Vec::new()),
            Counter::Nacked => (
                s.nacked,
                ids_where(&|k| matches!(k, EventKind::Confirmed { ack: false, .. })),
            ),
            Counter::Returned => {
                let returned = |k: &EventKind| matches!(k, EventKind::Returned { reply_code, .. } if code.is_none_or(|c| c == *reply_code));
                let seen = match code {
                    Some(_) => self.kinds().filter(|k| returned(k)).count() as u64,
                    None => s.returned,
                };
                (seen, ids_where(&returned))
            }
            Counter::Unconfirmed => (s.unconfirmed, Vec::new()),
            Counter::PublishFailed => (
                s.publish_failed,
                ids_where(&|k| matches!(k, EventKind::PublishFailed { .. })),
            ),
            Counter::Republished => (s.republished, ids_where(&|k| matches!(k, EventKind::Retried { .. }))),
            Counter::Delivered => match queue {
                Some(q) => (s.delivered.get(q).map_or(0, Vec::len) as u64, Vec::new()),
                None => (s.delivered_total() as u64, Vec::new()),
            },
            Counter::DeadLettered => {
                let dead = |k: &EventKind| matches!(k, EventKind::DeadLettered { .. }) && in_queue(k);
                let seen = match queue {
                    Some(_) => self.kinds().filter(|k| dead(k)).count() as u64,
                    None => s.dead_lettered,
                };
                (seen, ids_where(&dead))
            }
            Counter::LeftInQueue => {
                let seen = match queue {
                    Some(q) => s.left_in_queues.get(q).copied().unwrap_or(0),
                    None => s.left_in_queues.values().sum(),
                };
                let ids = self
                    .kinds()
                    .filter(|k| in_queue(k))
                    .filter_map(|k| match k {
                        EventKind::LeftInQueue { ids, .. } => Some(ids),
                        _ => None,
                    })
                    .flatten();
                (seen, distinct(ids.map(String::as_str)))
            }
            Counter::Lost => (s.lost.len() as u64, s.lost.clone()),
            Counter::Duplicates => (s.duplicates.len() as u64, s.duplicates.clone()),
        }
    }

    /// A fact of the queue's last snapshot.
    fn snapshot(
        &self,
        queue: &str,
        field: SnapshotField,
        op: Option<Op>,
        value: Option<u64>,
        is: Option<&str>,
    ) -> Finding {
        let last: Option<&QueueSnapshot> = self
            .kinds()
            .filter_map(|kind| match kind {
                EventKind::QueueSnapshot(s) if s.queue == queue => Some(s),
                _ => None,
            })
            .last();
        let expected = match (op, value, is) {
            (Some(op), Some(value), _) => op.describe(value),
            (_, _, Some(word)) => word.to_owned(),
            _ => String::new(),
        };
        let Some(snapshot) = last else {
            return Finding::fact(false, "no snapshot", expected);
        };
        match field.read(snapshot) {
            Reading::Number(seen) => match (op, value) {
                (Some(op), Some(value)) => Finding::count(seen, op, value, Vec::new()),
                _ => Finding::fact(false, seen.to_string(), expected),
            },
            Reading::Word(seen) => Finding::fact(is.is_some() && seen == is, seen.unwrap_or("absent"), expected),
        }
    }
}

/// The publisher of a Warren message id (`producer#7` → `producer`).
fn publisher_of(id: &str) -> &str {
    id.rsplit_once('#').map_or(id, |(publisher, _)| publisher)
}

/// Each id once, in the order first seen.
fn distinct<'i>(ids: impl Iterator<Item = &'i str>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.filter(|id| seen.insert(*id)).map(str::to_owned).collect()
}

/// Which part an `argument` check looks at; none named means every part.
#[derive(Clone, Copy)]
struct Target<'t> {
    queue: Option<&'t str>,
    exchange: Option<&'t str>,
    policy: Option<&'t str>,
}

impl Target<'_> {
    fn everywhere(self) -> bool {
        self.queue.is_none() && self.exchange.is_none() && self.policy.is_none()
    }
}

/// An argument or policy key without its `x-` prefix.
fn bare(key: &str) -> &str {
    key.strip_prefix("x-").unwrap_or(key)
}

/// Where `scenario` uses the argument `name` within `target`: each place's path (as locked parts
/// are written) and value.
fn uses<'s>(scenario: &'s Scenario, name: &str, target: Target<'_>) -> Vec<(String, &'s Value)> {
    let mut found = Vec::new();
    let mut look = |path: String, arguments: &'s Arguments| {
        for (key, value) in arguments {
            if bare(key) == bare(name) {
                found.push((format!("{path}/{key}"), value));
            }
        }
    };
    let all = target.everywhere();
    for q in &scenario.queues {
        if all || target.queue == Some(q.name.as_str()) {
            look(format!("queues/{}/arguments", q.name), &q.arguments);
        }
    }
    for x in &scenario.exchanges {
        if all || target.exchange == Some(x.name.as_str()) {
            look(format!("exchanges/{}/arguments", x.name), &x.arguments);
        }
    }
    for p in &scenario.policies {
        if all || target.policy == Some(p.name.as_str()) {
            look(format!("policies/{}/definition", p.name), &p.definition);
        }
    }
    for (i, step) in scenario.timeline.iter().enumerate() {
        if let Step::ApplyPolicy { policy, .. } = step
            && (all || target.policy == Some(policy.name.as_str()))
        {
            look(format!("timeline/{i}/policy/definition"), &policy.definition);
        }
    }
    found
}

#[cfg(test)]
mod tests;
