//! The run summary, folded from the event stream.
//!
//! The same fold runs in the relay (for `warren run` and the final message) and can run in the
//! browser over recorded events, so a replay shows exactly the numbers the live run showed.

use crate::event::{Event, EventKind, Outcome, Settlement};
use crate::wire::wire;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One delivery as listed in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveredMessage {
    /// Warren id.
    pub id: String,
    /// Priority as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// Redelivered flag as received.
    pub redelivered: bool,
}

wire! {
    /// What a run did, in numbers.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct Summary {
        /// Messages sent.
        pub published: u64,
        /// Messages confirmed with `basic.ack`.
        pub acked: u64,
        /// Messages confirmed with `basic.nack`.
        pub nacked: u64,
        /// Messages returned with `basic.return`.
        pub returned: u64,
        /// Returns per reply, e.g. `{"312 NO_ROUTE": 100}`.
        pub return_codes: BTreeMap<String, u64>,
        /// Sent on a confirm channel but neither acked nor nacked when the run ended.
        pub unconfirmed: u64,
        /// Publishes the client could not send (the message never reached the broker).
        pub publish_failed: u64,
        /// Re-publishes by outbox publishers.
        pub republished: u64,
        /// Every delivery per queue, in delivery order (redeliveries included).
        pub delivered: BTreeMap<String, Vec<DeliveredMessage>>,
        /// Deliveries seen with an `x-death` header.
        pub dead_lettered: u64,
        /// Messages still in each queue when the run ended.
        pub left_in_queues: BTreeMap<String, u64>,
        /// Ids published (or attempted) but never delivered, returned, nacked or found in a queue
        /// at the end: what the broker lost or dropped, or what never reached it.
        pub lost: Vec<String>,
        /// Ids delivered again to a queue after a delivery there had already been acknowledged.
        pub duplicates: Vec<String>,
        /// How the run ended, once it has.
        #[wire(optional)]
        pub outcome: Option<Outcome>,
    }
}

impl Summary {
    /// Total deliveries over all queues.
    pub fn delivered_total(&self) -> usize {
        self.delivered.values().map(Vec::len).sum()
    }
}

/// Folds events into a [`Summary`]. Feed every event of a run in order, then call
/// [`SummaryBuilder::finish`].
#[derive(Debug, Default)]
pub struct SummaryBuilder {
    summary: Summary,
    /// Publish order (first attempts), for a stable `lost` list.
    published_ids: Vec<String>,
    attempted: HashSet<String>,
    confirm_channel: HashSet<String>,
    confirmed: HashSet<String>,
    accounted: HashSet<String>,
    /// (queue, id) pairs whose delivery was acknowledged, for duplicate detection.
    acked_in_queue: HashSet<(String, String)>,
    /// Deliveries waiting for settlement: (consumer, id) → queue.
    pending_settle: HashMap<(String, String), String>,
    duplicate_set: HashSet<String>,
    auto_ack_consumers: HashSet<String>,
}

impl SummaryBuilder {
    /// A builder that knows which publishers use confirms and which consumers auto-ack.
    pub fn new(confirming_publishers: &[&str], auto_ack_consumers: &[&str]) -> Self {
        Self {
            confirm_channel: confirming_publishers.iter().map(|s| (*s).to_owned()).collect(),
            auto_ack_consumers: auto_ack_consumers.iter().map(|s| (*s).to_owned()).collect(),
            ..Self::default()
        }
    }

    /// A builder configured from a scenario.
    pub fn for_scenario(scenario: &crate::Scenario) -> Self {
        let publishers: Vec<&str> = scenario
            .publishers
            .iter()
            .filter(|p| p.confirm.enabled())
            .map(|p| p.name.as_str())
            .collect();
        let auto: Vec<&str> = scenario
            .consumers
            .iter()
            .filter(|c| c.ack == crate::AckMode::Auto)
            .map(|c| c.name.as_str())
            .collect();
        Self::new(&publishers, &auto)
    }

    /// Account for one event.
    pub fn apply(&mut self, event: &Event) {
        let s = &mut self.summary;
        match &event.kind {
            EventKind::Published { publisher, id, .. } => {
                s.published += 1;
                if self.attempted.insert(id.clone()) {
                    self.published_ids.push(id.clone());
                }
                if !self.confirm_channel.contains(publisher) {
                    self.confirmed.insert(id.clone());
                }
            }
            EventKind::Confirmed { id, ack, .. } => {
                if *ack {
                    s.acked += 1;
                } else {
                    s.nacked += 1;
                    self.accounted.insert(id.clone());
                }
                self.confirmed.insert(id.clone());
            }
            EventKind::Returned {
                id,
                reply_code,
                reply_text,
                ..
            } => {
                s.returned += 1;
                *s.return_codes.entry(format!("{reply_code} {reply_text}")).or_default() += 1;
                self.accounted.insert(id.clone());
            }
            EventKind::PublishFailed { id, .. } => {
                s.publish_failed += 1;
                if self.attempted.insert(id.clone()) {
                    self.published_ids.push(id.clone());
                    self.confirmed.insert(id.clone());
                }
            }
            EventKind::Retried { .. } => s.republished += 1,
            EventKind::Delivered {
                consumer,
                queue,
                id,
                redelivered,
                priority,
                ..
            } => {
                s.delivered.entry(queue.clone()).or_default().push(DeliveredMessage {
                    id: id.clone(),
                    priority: *priority,
                    redelivered: *redelivered,
                });
                self.accounted.insert(id.clone());
                let key = (queue.clone(), id.clone());
                if self.acked_in_queue.contains(&key) && self.duplicate_set.insert(id.clone()) {
                    s.duplicates.push(id.clone());
                }
                if self.auto_ack_consumers.contains(consumer) {
                    self.acked_in_queue.insert(key);
                } else {
                    self.pending_settle
                        .insert((consumer.clone(), id.clone()), queue.clone());
                }
            }
            EventKind::Settled {
                consumer, id, action, ..
            } => {
                if let Some(queue) = self.pending_settle.remove(&(consumer.clone(), id.clone()))
                    && *action == Settlement::Ack
                {
                    self.acked_in_queue.insert((queue, id.clone()));
                }
            }
            EventKind::DeadLettered { .. } => s.dead_lettered += 1,
            EventKind::LeftInQueue { queue, ids } => {
                *s.left_in_queues.entry(queue.clone()).or_default() += ids.len() as u64;
                self.accounted.extend(ids.iter().cloned());
            }
            EventKind::RunFinished { outcome, .. } => s.outcome = Some(*outcome),
            _ => {}
        }
    }

    /// The summary so far, with `lost` and `unconfirmed` computed from what has been seen.
    pub fn snapshot(&self) -> Summary {
        let mut summary = self.summary.clone();
        summary.lost = self
            .published_ids
            .iter()
            .filter(|id| !self.accounted.contains(*id))
            .cloned()
            .collect();
        summary.unconfirmed = self
            .published_ids
            .iter()
            .filter(|id| !self.confirmed.contains(*id))
            .count() as u64;
        summary
    }

    /// The final summary.
    pub fn finish(self) -> Summary {
        self.snapshot()
    }
}

/// Fold a whole recorded run.
pub fn summarize(scenario: &crate::Scenario, events: &[Event]) -> Summary {
    let mut builder = SummaryBuilder::for_scenario(scenario);
    for event in events {
        builder.apply(event);
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: EventKind) -> Event {
        Event { t_ms: 0, kind }
    }

    fn published(id: &str) -> Event {
        ev(EventKind::Published {
            publisher: "p".into(),
            id: id.into(),
            exchange: "x".into(),
            routing_key: "k".into(),
            priority: None,
            persistent: true,
            mandatory: false,
        })
    }

    fn delivered(id: &str, redelivered: bool) -> Event {
        ev(EventKind::Delivered {
            consumer: "c".into(),
            queue: "q".into(),
            id: id.into(),
            redelivered,
            priority: None,
            exchange: "x".into(),
            routing_key: "k".into(),
        })
    }

    fn settled(id: &str, action: Settlement) -> Event {
        ev(EventKind::Settled {
            consumer: "c".into(),
            queue: "q".into(),
            id: id.into(),
            action,
            requeue: false,
        })
    }

    #[test]
    fn counts_confirms_returns_and_lost() {
        let mut b = SummaryBuilder::new(&["p"], &[]);
        for id in ["p#1", "p#2", "p#3", "p#4"] {
            b.apply(&published(id));
        }
        b.apply(&ev(EventKind::Confirmed {
            publisher: "p".into(),
            id: "p#1".into(),
            ack: true,
        }));
        b.apply(&ev(EventKind::Confirmed {
            publisher: "p".into(),
            id: "p#2".into(),
            ack: false,
        }));
        b.apply(&ev(EventKind::Returned {
            publisher: "p".into(),
            id: "p#3".into(),
            reply_code: 312,
            reply_text: "NO_ROUTE".into(),
            exchange: "x".into(),
            routing_key: "k".into(),
        }));
        b.apply(&delivered("p#1", false));
        let s = b.finish();
        assert_eq!((s.published, s.acked, s.nacked, s.returned), (4, 1, 1, 1));
        assert_eq!(s.return_codes.get("312 NO_ROUTE"), Some(&1));
        assert_eq!(s.lost, vec!["p#4".to_owned()]);
        assert_eq!(s.unconfirmed, 2);
    }

    #[test]
    fn redelivery_of_unacked_is_not_a_duplicate_but_after_ack_it_is() {
        let mut b = SummaryBuilder::new(&[], &[]);
        b.apply(&published("p#1"));
        b.apply(&delivered("p#1", false));
        b.apply(&settled("p#1", Settlement::Nack));
        b.apply(&delivered("p#1", true));
        assert!(b.snapshot().duplicates.is_empty());
        b.apply(&settled("p#1", Settlement::Ack));
        b.apply(&delivered("p#1", false));
        let s = b.finish();
        assert_eq!(s.duplicates, vec!["p#1".to_owned()]);
        assert_eq!(s.delivered["q"].len(), 3);
    }

    #[test]
    fn a_publish_that_failed_is_lost_unless_it_arrives_later() {
        let mut b = SummaryBuilder::new(&["p"], &[]);
        let failed = |id: &str| {
            ev(EventKind::PublishFailed {
                publisher: "p".into(),
                id: id.into(),
                error: "connection closed".into(),
            })
        };
        b.apply(&failed("p#1"));
        b.apply(&failed("p#2"));
        b.apply(&delivered("p#2", false));
        let s = b.finish();
        assert_eq!((s.published, s.publish_failed, s.unconfirmed), (0, 2, 0));
        assert_eq!(s.lost, vec!["p#1".to_owned()]);
    }

    #[test]
    fn messages_left_in_a_queue_are_not_lost() {
        let mut b = SummaryBuilder::new(&[], &[]);
        b.apply(&published("p#1"));
        b.apply(&published("p#2"));
        b.apply(&ev(EventKind::LeftInQueue {
            queue: "q".into(),
            ids: vec!["p#2".into()],
        }));
        let s = b.finish();
        assert_eq!(s.lost, vec!["p#1".to_owned()]);
        assert_eq!(s.left_in_queues["q"], 1);
    }
}
