//! The machine form of a check: its kinds, comparisons, counters and snapshot fields, each
//! declared once with [`wire!`] or [`by_name!`] (see docs/exercises.md for the JSON forms).

use crate::event::{EventKind, QueueSnapshot};
use crate::wire::{by_name, wire};

by_name! {
    /// How a number the run showed is compared with the check's `value`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Op {
        /// Equal.
        Eq = "=",
        /// At least.
        AtLeast = ">=",
        /// At most.
        AtMost = "<=",
    }
}

impl Op {
    /// Whether `seen` compares with `value` as this operator says.
    pub fn holds(self, seen: u64, value: u64) -> bool {
        match self {
            Self::Eq => seen == value,
            Self::AtLeast => seen >= value,
            Self::AtMost => seen <= value,
        }
    }

    /// `"= 0"`, `">= 1"`: the comparison as a result shows it.
    pub fn describe(self, value: u64) -> String {
        format!("{} {value}", self.as_str())
    }
}

by_name! {
    /// A number from the run's summary that a `count` check compares.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Counter {
        /// Messages sent.
        Published = "published",
        /// Publisher confirms that were `basic.ack`.
        Acked = "acked",
        /// Publisher confirms that were `basic.nack`.
        Nacked = "nacked",
        /// Messages returned with `basic.return` (by reply code with `code`).
        Returned = "returned",
        /// Messages on a confirm channel that got neither ack nor nack.
        Unconfirmed = "unconfirmed",
        /// Publishes the client could not send.
        PublishFailed = "publish_failed",
        /// Re-publishes by an outbox.
        Republished = "republished",
        /// Deliveries, over all queues or on `queue`.
        Delivered = "delivered",
        /// Deliveries with an `x-death` header, over all queues or seen in `queue`.
        DeadLettered = "dead_lettered",
        /// Messages still in the queues (or in `queue`) when the run ended.
        LeftInQueue = "left_in_queue",
        /// Messages never seen again.
        Lost = "lost",
        /// Messages delivered again to a queue after an acknowledged delivery there.
        Duplicates = "duplicates",
    }
}

impl Counter {
    /// Whether a `count` of this number may name a queue.
    pub fn takes_queue(self) -> bool {
        matches!(self, Self::Delivered | Self::DeadLettered | Self::LeftInQueue)
    }

    /// Whether a `count` of this number may name a reply code.
    pub fn takes_code(self) -> bool {
        self == Self::Returned
    }
}

by_name! {
    /// A fact of a queue's last snapshot that a `snapshot` check compares.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum SnapshotField {
        /// Ready plus unacknowledged messages.
        Messages = "messages",
        /// Ready messages.
        Ready = "ready",
        /// Delivered, not yet acknowledged.
        Unacked = "unacked",
        /// Consumers on the queue.
        Consumers = "consumers",
        /// Messages held in memory.
        InRam = "in_ram",
        /// Messages paged out to disk.
        PagedOut = "paged_out",
        /// Persistent messages.
        Persistent = "persistent",
        /// How many nodes hold a mirror (classic mirrored queue).
        Mirrors = "mirrors",
        /// How many mirrors hold every message.
        SynchronisedMirrors = "synchronised_mirrors",
        /// How many members a quorum queue has.
        Members = "members",
        /// How many of its members are up.
        Online = "online",
        /// `classic` or `quorum`.
        Type = "type",
        /// `default` or `lazy`, when reported.
        Mode = "mode",
        /// The queue process's state.
        State = "state",
        /// The node hosting the queue (its leader).
        Node = "node",
    }
}

/// A snapshot fact as read: a number, or a word the broker may not have reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading<'s> {
    /// A count.
    Number(u64),
    /// A word, `None` when absent from the snapshot.
    Word(Option<&'s str>),
}

impl SnapshotField {
    /// Whether the field is a number (compared with `op` and `value`) rather than a word
    /// (compared with `is`).
    pub fn is_number(self) -> bool {
        matches!(self.read(&QueueSnapshot::default()), Reading::Number(_))
    }

    /// The field's value in `snapshot`.
    pub fn read(self, snapshot: &QueueSnapshot) -> Reading<'_> {
        let count = |nodes: &[String]| Reading::Number(nodes.len() as u64);
        match self {
            Self::Messages => Reading::Number(snapshot.messages),
            Self::Ready => Reading::Number(snapshot.ready),
            Self::Unacked => Reading::Number(snapshot.unacked),
            Self::Consumers => Reading::Number(snapshot.consumers.unwrap_or(0)),
            Self::InRam => Reading::Number(snapshot.in_ram),
            Self::PagedOut => Reading::Number(snapshot.paged_out),
            Self::Persistent => Reading::Number(snapshot.persistent),
            Self::Mirrors => count(&snapshot.mirrors),
            Self::SynchronisedMirrors => count(&snapshot.synchronised_mirrors),
            Self::Members => count(&snapshot.members),
            Self::Online => count(&snapshot.online),
            Self::Type => Reading::Word(snapshot.kind.as_deref()),
            Self::Mode => Reading::Word(snapshot.mode.as_deref()),
            Self::State => Reading::Word(snapshot.state.as_deref()),
            Self::Node => Reading::Word(snapshot.node.as_deref()),
        }
    }
}

wire! {
    /// What a check looks at and what it wants; one kind per variant, tagged `check`.
    #[wire(tag = "check", deny_unknown_fields)]
    #[derive(Debug, Clone, PartialEq)]
    pub enum CheckKind {
        /// A number from the run's summary.
        Count = "count" {
            /// Which number.
            of: Counter,
            /// Only this queue (`delivered`, `dead_lettered`, `left_in_queue`).
            #[wire(optional)]
            queue: Option<String>,
            /// Only returns with this reply code (`returned`).
            #[wire(optional)]
            code: Option<u16>,
            /// The comparison.
            op: Op,
            /// What the number is compared with.
            value: u64,
        },
        /// How many deliveries on a queue match a filter (among its first `first`).
        Deliveries = "deliveries" {
            /// The queue the deliveries came from.
            queue: String,
            /// Only the first this-many deliveries on the queue.
            #[wire(optional)]
            first: Option<u64>,
            /// Sent by this publisher.
            #[wire(optional)]
            publisher: Option<String>,
            /// With this exchange as delivered.
            #[wire(optional)]
            exchange: Option<String>,
            /// With this routing key as delivered.
            #[wire(optional)]
            routing_key: Option<String>,
            /// With this priority (none counts as 0).
            #[wire(optional)]
            priority: Option<u8>,
            /// With this redelivered flag.
            #[wire(optional)]
            redelivered: Option<bool>,
            /// The comparison.
            op: Op,
            /// What the number of matching deliveries is compared with.
            value: u64,
        },
        /// How many events of one type happened.
        Events = "events" {
            /// The event type, one of [`EventKind::NAMES`].
            event: String,
            /// Only events the log lists under this actor, queue, entity or node.
            #[wire(optional)]
            actor: Option<String>,
            /// Only events about this queue.
            #[wire(optional)]
            queue: Option<String>,
            /// Only events with this reply code.
            #[wire(optional)]
            code: Option<u16>,
            /// The comparison.
            op: Op,
            /// What the number of matching events is compared with.
            value: u64,
        },
        /// A fact of a queue's last snapshot.
        Snapshot = "snapshot" {
            /// The queue.
            queue: String,
            /// Which fact.
            field: SnapshotField,
            /// The comparison, for a number.
            #[wire(optional)]
            op: Option<Op>,
            /// What a number is compared with.
            #[wire(optional)]
            value: Option<u64>,
            /// The word wanted, for a word.
            #[wire(optional)]
            is: Option<String>,
        },
        /// The learner's publisher uses publisher confirms.
        Confirms = "confirms" {
            /// The publisher.
            publisher: String,
        },
        /// The learner's scenario binds `destination` (from `source`).
        Bound = "bound" {
            /// A queue, or an exchange for an exchange-to-exchange binding.
            destination: String,
            /// Only a binding from this exchange.
            #[wire(optional)]
            source: Option<String>,
        },
        /// Whether the learner's scenario uses an argument or policy key.
        Argument = "argument" {
            /// The argument or policy key, compared without a leading `x-`.
            name: String,
            /// Only this queue's arguments.
            #[wire(optional)]
            queue: Option<String>,
            /// Only this exchange's arguments.
            #[wire(optional)]
            exchange: Option<String>,
            /// Only this policy's definition.
            #[wire(optional)]
            policy: Option<String>,
            /// The value it must have.
            #[wire(optional)]
            equals: Option<serde_json::Value>,
            /// Pass when nothing uses it.
            #[wire(default)]
            absent: bool,
        },
    }
}

/// Event types about a queue, which an `events` check may filter by `queue`.
pub const QUEUE_EVENTS: &[&str] = &[
    "declared",
    "refused",
    "delivered",
    "settled",
    "dead_lettered",
    "queue_snapshot",
    "left_in_queue",
    "consumer_cancelled",
    "reconsumed",
    "queue_unavailable",
    "queue_purged",
];

/// Event types with a reply code, which an `events` check may filter by `code`.
pub const CODE_EVENTS: &[&str] = &["returned", "refused", "channel_closed", "connection_closed"];

/// The queue an event is about, if it is about one (a delivery's queue, the queue a dead-lettered
/// message was seen in, a declared or refused queue).
pub fn queue_of(kind: &EventKind) -> Option<&str> {
    use crate::event::EntityKind;
    match kind {
        EventKind::Delivered { queue, .. }
        | EventKind::Settled { queue, .. }
        | EventKind::LeftInQueue { queue, .. }
        | EventKind::ConsumerCancelled { queue, .. }
        | EventKind::Reconsumed { queue, .. }
        | EventKind::QueueUnavailable { queue, .. }
        | EventKind::QueuePurged { queue, .. } => Some(queue),
        EventKind::QueueSnapshot(snapshot) => Some(&snapshot.queue),
        EventKind::DeadLettered { seen_in, .. } => Some(seen_in),
        EventKind::Declared {
            entity: EntityKind::Queue,
            name,
        }
        | EventKind::Refused {
            entity: EntityKind::Queue,
            name,
            ..
        } => Some(name),
        _ => None,
    }
}

/// An event's reply code, if it has one.
pub fn code_of(kind: &EventKind) -> Option<u16> {
    match kind {
        EventKind::Returned { reply_code, .. } => Some(*reply_code),
        EventKind::Refused { code, .. }
        | EventKind::ChannelClosed { code, .. }
        | EventKind::ConnectionClosed { code, .. } => Some(*code),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EntityKind;

    #[test]
    fn every_operator_compares_as_its_sign_says() {
        let table = [
            (Op::Eq, [(2, 2, true), (1, 2, false), (3, 2, false)]),
            (Op::AtLeast, [(2, 2, true), (3, 2, true), (1, 2, false)]),
            (Op::AtMost, [(2, 2, true), (1, 2, true), (3, 2, false)]),
        ];
        for (op, cases) in table {
            for (seen, value, holds) in cases {
                assert_eq!(op.holds(seen, value), holds, "{seen} {} {value}", op.as_str());
            }
        }
        assert_eq!(Op::AtLeast.describe(1), ">= 1");
        assert_eq!(Op::NAMES, ["=", ">=", "<="]);
    }

    #[test]
    fn checks_read_and_write_their_json_forms() {
        let forms = [
            r#"{"check":"count","of":"returned","code":312,"op":"=","value":0}"#,
            r#"{"check":"deliveries","queue":"q","first":20,"priority":5,"op":"=","value":20}"#,
            r#"{"check":"events","event":"consumer_cancelled","queue":"q","op":">=","value":1}"#,
            r#"{"check":"snapshot","queue":"q","field":"in_ram","op":"<=","value":0}"#,
            r#"{"check":"snapshot","queue":"q","field":"type","is":"quorum"}"#,
            r#"{"check":"confirms","publisher":"p"}"#,
            r#"{"check":"bound","destination":"q","source":"x"}"#,
            r#"{"check":"argument","name":"ha-mode","equals":"all","absent":true}"#,
        ];
        for form in forms {
            let kind: CheckKind = serde_json::from_str(form).unwrap_or_else(|e| panic!("{form}: {e}"));
            assert_eq!(serde_json::to_string(&kind).expect("serialize"), form);
        }
        let error = serde_json::from_str::<CheckKind>(r#"{"check":"count","of":"lost","op":"=","value":0,"queu":"q"}"#)
            .expect_err("an unknown field");
        assert!(error.to_string().starts_with("unknown field `queu`"), "{error}");
        let error = serde_json::from_str::<CheckKind>(r#"{"check":"count","of":"lost","op":"==","value":0}"#)
            .expect_err("an unknown operator");
        assert!(error.to_string().contains("unknown variant `==`"), "{error}");
    }

    #[test]
    fn snapshot_fields_are_numbers_or_words() {
        let snapshot = QueueSnapshot {
            queue: "q".into(),
            in_ram: 3,
            members: vec!["a".into(), "b".into()],
            kind: Some("quorum".into()),
            ..Default::default()
        };
        assert_eq!(SnapshotField::InRam.read(&snapshot), Reading::Number(3));
        assert_eq!(SnapshotField::Members.read(&snapshot), Reading::Number(2));
        assert_eq!(SnapshotField::Type.read(&snapshot), Reading::Word(Some("quorum")));
        assert_eq!(SnapshotField::Mode.read(&snapshot), Reading::Word(None));
        let words: Vec<&str> = SnapshotField::NAMES
            .iter()
            .copied()
            .filter(|name| {
                let field: SnapshotField = serde_json::from_value(serde_json::json!(name)).expect("a field");
                !field.is_number()
            })
            .collect();
        assert_eq!(words, ["type", "mode", "state", "node"]);
    }

    /// The lists of event types that take `queue` and `code` say what the readers read.
    #[test]
    fn the_filter_lists_match_the_readers() {
        let s = |text: &str| text.to_owned();
        let events = [
            EventKind::Declared {
                entity: EntityKind::Queue,
                name: s("q"),
            },
            EventKind::Refused {
                entity: EntityKind::Queue,
                name: s("q"),
                code: 406,
                text: s("PRECONDITION_FAILED"),
            },
            EventKind::Delivered {
                consumer: s("c"),
                queue: s("q"),
                id: s("p#1"),
                redelivered: false,
                priority: None,
                exchange: s("x"),
                routing_key: s("k"),
            },
            EventKind::DeadLettered {
                id: s("p#1"),
                from_queue: s("a"),
                reason: s("rejected"),
                seen_in: s("q"),
            },
            EventKind::QueueSnapshot(QueueSnapshot {
                queue: s("q"),
                ..Default::default()
            }),
            EventKind::ConsumerCancelled {
                consumer: s("c"),
                queue: s("q"),
            },
            EventKind::QueuePurged {
                queue: s("q"),
                messages: 1,
            },
            EventKind::Returned {
                publisher: s("p"),
                id: s("p#1"),
                reply_code: 312,
                reply_text: s("NO_ROUTE"),
                exchange: s("x"),
                routing_key: s("k"),
            },
            EventKind::ChannelClosed {
                actor: s("p"),
                code: 403,
                text: s("ACCESS_REFUSED"),
            },
            EventKind::ConnectionClosed {
                code: 320,
                text: s("CONNECTION_FORCED"),
            },
            EventKind::Warning { message: s("w") },
            EventKind::Published {
                publisher: s("p"),
                id: s("p#1"),
                exchange: s("x"),
                routing_key: s("k"),
                priority: None,
                persistent: false,
                mandatory: false,
            },
        ];
        for kind in events {
            let name = kind.name();
            assert_eq!(queue_of(&kind).is_some(), QUEUE_EVENTS.contains(&name), "{name}");
            assert_eq!(code_of(&kind).is_some(), CODE_EVENTS.contains(&name), "{name}");
        }
        for name in QUEUE_EVENTS.iter().chain(CODE_EVENTS) {
            assert!(EventKind::NAMES.contains(name), "{name}");
        }
    }
}
