//! What happened during a run, as the relay observed it on the broker.
//!
//! Every event carries `t_ms`, milliseconds since the run started. Events are produced from AMQP
//! frames the relay's own client saw (publishes, confirms, returns, deliveries, queue depths read
//! by passive declarations) and from the management API (the rest of a queue snapshot); nothing
//! is inferred from what *should* have happened.

use crate::wire::{by_name, wire};
use serde::{Deserialize, Serialize};

wire! {
    /// One observed event with its run-relative time.
    ///
    /// On the wire an event is one flat object: `t_ms`, the `type` tag and the kind's fields.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Event {
        /// Milliseconds since the run started.
        pub t_ms: u64,
        /// What happened.
        #[wire(flatten)]
        pub kind: EventKind,
    }
}

/// A broker node and whether it is running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeStatus {
    /// Erlang node name, e.g. `warren-1@localhost`.
    pub name: String,
    /// Whether the node is up.
    pub running: bool,
}

wire! {
    /// The broker a relay talks to.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BrokerInfo {
        /// RabbitMQ version, e.g. `3.10.8`.
        pub version: String,
        /// Erlang/OTP version.
        #[wire(default)]
        pub erlang_version: String,
        /// Cluster name.
        #[wire(default)]
        pub cluster_name: String,
        /// The cluster's nodes.
        pub nodes: Vec<NodeStatus>,
    }
}

wire! {
    /// What the broker's version does with the reliability features Warren demonstrates.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct BrokerFeatures {
        /// `x-queue-mode: lazy` pages classic queue messages out (3.10 and 3.11; ignored from 3.12).
        pub lazy_mode: bool,
        /// Classic queue mirroring with `ha-*` policies (3.x; deprecated in 3.13, removed in 4.0).
        pub classic_mirroring: bool,
        /// Quorum queues.
        pub quorum_queues: bool,
        /// Priorities on quorum queues (4.0 and later).
        pub quorum_priorities: bool,
        /// One sentence per feature that is ignored or refused, saying what to use instead.
        pub notes: Vec<String>,
    }
}

by_name! {
    /// Which kind of entity an event is about.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum EntityKind {
        /// An exchange.
        Exchange = "exchange",
        /// A queue.
        Queue = "queue",
        /// A binding.
        Binding = "binding",
        /// A policy.
        Policy = "policy",
    }
}

by_name! {
    /// How a consumer settled a delivery.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Settlement {
        /// `basic.ack` (or automatic acknowledgement).
        Ack = "ack",
        /// `basic.nack`.
        Nack = "nack",
        /// `basic.reject`.
        Reject = "reject",
    }
}

by_name! {
    /// How a run ended.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Outcome {
        /// Every actor finished and the queues settled.
        Completed = "completed",
        /// The user stopped it (or the client went away).
        Stopped = "stopped",
        /// The scenario's time limit was reached.
        TimeLimit = "time_limit",
        /// The broker refused part of the topology; nothing ran.
        Refused = "refused",
        /// Something failed that the run could not recover from.
        Failed = "failed",
    }
}

wire! {
    /// The state of one queue, from two sources: `ready` and `consumers` are read over AMQP (a
    /// passive `queue.declare`, exact at `ready_at_ms`) whenever `ready_at_ms` is present; every
    /// other figure comes from the management API, whose statistics are sampled by the broker
    /// (every `collect_statistics_interval`: 5 s by default, 1 s on Warren's own cluster) and read
    /// every `snapshot_interval_ms`, so they can be that much older than `t_ms`.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct QueueSnapshot {
        /// Queue name.
        pub queue: String,
        /// Total messages (ready + unacknowledged).
        pub messages: u64,
        /// Ready for delivery: over AMQP when `ready_at_ms` is present, else the management API's.
        pub ready: u64,
        /// Delivered, not yet acknowledged (management API).
        pub unacked: u64,
        /// Consumers on the queue, read over AMQP with `ready`.
        #[wire(optional)]
        pub consumers: Option<u64>,
        /// Run time at which `ready` and `consumers` were read over AMQP; absent when `ready` is the
        /// management API's (before the first AMQP reading, or when the queue cannot be read).
        #[wire(optional)]
        pub ready_at_ms: Option<u64>,
        /// Messages held in memory.
        pub in_ram: u64,
        /// Messages paged out to disk.
        pub paged_out: u64,
        /// Persistent messages.
        pub persistent: u64,
        /// Node hosting the queue (the leader).
        #[wire(optional)]
        pub node: Option<String>,
        /// Backing-queue mode as reported (`default` or `lazy`), when the broker reports it.
        #[wire(optional)]
        pub mode: Option<String>,
        /// Queue process state (`running`, `down`...).
        #[wire(optional)]
        pub state: Option<String>,
        /// `classic` or `quorum`.
        #[wire(optional)]
        pub kind: Option<String>,
        /// Classic mirrored queue: nodes holding a mirror.
        #[wire(omit_empty)]
        pub mirrors: Vec<String>,
        /// Classic mirrored queue: mirrors that hold every message of the leader.
        #[wire(omit_empty)]
        pub synchronised_mirrors: Vec<String>,
        /// Quorum queue: every member node.
        #[wire(omit_empty)]
        pub members: Vec<String>,
        /// Quorum queue: members that are up.
        #[wire(omit_empty)]
        pub online: Vec<String>,
    }
}

impl QueueSnapshot {
    /// A mirrored queue with a mirror that does not hold every message.
    pub fn unsynchronised(&self) -> bool {
        self.mirrors.iter().any(|m| !self.synchronised_mirrors.contains(m))
    }
}

by_name! {
    /// What a node fault did.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum NodeAction {
        /// `rabbitmqctl stop_app`.
        Stop = "stop",
        /// `kill -9`.
        Kill = "kill",
        /// Started again.
        Start = "start",
    }
}

wire! {
    /// Everything the relay reports.
    #[wire(tag = "type")]
    #[derive(Debug, Clone, PartialEq)]
    pub enum EventKind {
        /// The run's vhost exists and the relay is connected.
        RunStarted = "run_started" {
            /// Run id.
            run_id: String,
            /// The vhost created for this run.
            vhost: String,
            /// Broker version and nodes.
            broker: BrokerInfo,
        },
        /// An entity was declared (or a policy set).
        Declared = "declared" {
            /// Kind of entity.
            entity: EntityKind,
            /// Its name (a binding's label).
            name: String,
        },
        /// The broker refused a declaration; the run ends without starting any actor.
        Refused = "refused" {
            /// Kind of entity.
            entity: EntityKind,
            /// Its name.
            name: String,
            /// AMQP reply code or HTTP status, e.g. 406.
            code: u16,
            /// RabbitMQ's own text.
            text: String,
        },
        /// Something the user should know: an ignored feature, a time limit, a skipped step.
        Warning = "warning" {
            /// One or two sentences.
            message: String,
        },
        /// An actor started.
        ActorStarted = "actor_started" {
            /// Actor name.
            actor: String,
        },
        /// An actor stopped.
        ActorStopped = "actor_stopped" {
            /// Actor name.
            actor: String,
            /// Why: `finished`, `stopped by step`, `cancelled by broker`...
            reason: String,
        },
        /// A timeline step ran.
        StepExecuted = "step_executed" {
            /// Index in the scenario's timeline.
            index: usize,
            /// What it did.
            description: String,
        },
        /// A message was sent.
        Published = "published" {
            /// Publisher name.
            publisher: String,
            /// Warren id.
            id: String,
            /// Exchange.
            exchange: String,
            /// Routing key.
            routing_key: String,
            /// Priority property, when set.
            #[wire(optional)]
            priority: Option<u8>,
            /// Delivery mode 2.
            persistent: bool,
            /// Mandatory flag.
            mandatory: bool,
        },
        /// The broker confirmed a message (`multiple` confirms are expanded, one event per id).
        Confirmed = "confirmed" {
            /// Publisher name.
            publisher: String,
            /// Warren id.
            id: String,
            /// `true` for `basic.ack`, `false` for `basic.nack`.
            ack: bool,
        },
        /// The broker returned an unroutable mandatory message.
        Returned = "returned" {
            /// Publisher name.
            publisher: String,
            /// Warren id.
            id: String,
            /// Reply code, e.g. 312.
            reply_code: u16,
            /// Reply text, e.g. `NO_ROUTE`.
            reply_text: String,
            /// Exchange the message was published to.
            exchange: String,
            /// Its routing key.
            routing_key: String,
        },
        /// A publish could not be sent (channel or connection closed).
        PublishFailed = "publish_failed" {
            /// Publisher name.
            publisher: String,
            /// Warren id.
            id: String,
            /// The client's error.
            error: String,
        },
        /// A consumer received a message.
        Delivered = "delivered" {
            /// Consumer name.
            consumer: String,
            /// Queue it consumes from.
            queue: String,
            /// Warren id.
            id: String,
            /// Redelivered flag as sent by the broker.
            redelivered: bool,
            /// Priority property as received.
            #[wire(optional)]
            priority: Option<u8>,
            /// Exchange as received (the original one for alternate-exchange routing).
            exchange: String,
            /// Routing key as received.
            routing_key: String,
        },
        /// A consumer settled a delivery.
        Settled = "settled" {
            /// Consumer name.
            consumer: String,
            /// Queue.
            queue: String,
            /// Warren id.
            id: String,
            /// Ack, nack or reject.
            action: Settlement,
            /// Whether a nack or reject asked for requeueing.
            requeue: bool,
        },
        /// A delivered message carried an `x-death` header: it was dead-lettered on its way.
        DeadLettered = "dead_lettered" {
            /// Warren id.
            id: String,
            /// Queue it was dead-lettered from.
            from_queue: String,
            /// `rejected`, `expired`, `maxlen` or `delivery_limit`.
            reason: String,
            /// Queue where it was seen.
            seen_in: String,
        },
        /// Queue state: its depth read over AMQP as it changes, the rest from the management API.
        QueueSnapshot = "queue_snapshot" (QueueSnapshot),
        /// Messages still in a queue when the run ended, drained by the relay.
        LeftInQueue = "left_in_queue" {
            /// Queue.
            queue: String,
            /// Warren ids, in queue order.
            ids: Vec<String>,
        },
        /// A timeline step stopped, killed or started a node.
        NodeFault = "node_fault" {
            /// Node name.
            node: String,
            /// What was done.
            action: NodeAction,
            /// Whether it worked.
            ok: bool,
            /// What happened, in a sentence.
            message: String,
        },
        /// Which nodes run changed (read from the management API).
        NodesChanged = "nodes_changed" {
            /// Every node with whether it runs.
            nodes: Vec<NodeStatus>,
        },
        /// A step cut the relay's AMQP connections of this run.
        ConnectionsCut = "connections_cut" {
            /// For how long new connections are refused.
            duration_ms: u64,
        },
        /// The run's AMQP connection failed.
        ConnectionLost = "connection_lost" {
            /// The client's error.
            reason: String,
        },
        /// RabbitMQ closed the run's AMQP connection (`connection.close`); the relay reconnects
        /// as after a lost one.
        ConnectionClosed = "connection_closed" {
            /// AMQP reply code, e.g. 320.
            code: u16,
            /// RabbitMQ's reply text, e.g. `CONNECTION_FORCED - …`.
            text: String,
        },
        /// The run's AMQP connection is open again.
        ConnectionRecovered = "connection_recovered" {
            /// How long it was down.
            down_ms: u64,
        },
        /// RabbitMQ closed an actor's channel (`channel.close`): it refused what the actor did.
        ChannelClosed = "channel_closed" {
            /// Publisher or consumer name.
            actor: String,
            /// AMQP reply code, e.g. 403.
            code: u16,
            /// RabbitMQ's reply text, e.g. `ACCESS_REFUSED - …`.
            text: String,
        },
        /// The broker cancelled a consumer (`basic.cancel`), e.g. because its queue's leader moved.
        ConsumerCancelled = "consumer_cancelled" {
            /// Consumer name.
            consumer: String,
            /// Queue.
            queue: String,
        },
        /// A cancelled or disconnected consumer consumes again.
        Reconsumed = "reconsumed" {
            /// Consumer name.
            consumer: String,
            /// Queue.
            queue: String,
        },
        /// A queue could not be consumed from for now.
        QueueUnavailable = "queue_unavailable" {
            /// Queue.
            queue: String,
            /// RabbitMQ's words or the client's error.
            reason: String,
        },
        /// An outbox publisher holds a message to publish it again.
        Buffered = "buffered" {
            /// Publisher name.
            publisher: String,
            /// Warren id.
            id: String,
            /// `nacked`, `connection lost`, `not confirmed`...
            reason: String,
        },
        /// An outbox publisher re-published a buffered message.
        Retried = "retried" {
            /// Publisher name.
            publisher: String,
            /// Warren id.
            id: String,
            /// 1 for the first re-publish.
            attempt: u32,
        },
        /// An outbox publisher's buffer is empty again.
        Recovered = "recovered" {
            /// Publisher name.
            publisher: String,
            /// Messages re-published in all so far.
            republished: u64,
        },
        /// A queue was purged by a step.
        QueuePurged = "queue_purged" {
            /// Queue.
            queue: String,
            /// Messages removed, as the broker reported.
            messages: u32,
        },
        /// The run ended.
        RunFinished = "run_finished" {
            /// How it ended.
            outcome: Outcome,
            /// Why, in a sentence, when not simply completed.
            #[wire(optional)]
            message: Option<String>,
        },
    }
}

impl EventKind {
    /// The actor, queue, entity or node the event is about: what a log lists it under.
    pub fn actor(&self) -> Option<&str> {
        match self {
            Self::ActorStarted { actor } | Self::ActorStopped { actor, .. } | Self::ChannelClosed { actor, .. } => {
                Some(actor)
            }
            Self::Published { publisher, .. }
            | Self::Confirmed { publisher, .. }
            | Self::Returned { publisher, .. }
            | Self::PublishFailed { publisher, .. }
            | Self::Buffered { publisher, .. }
            | Self::Retried { publisher, .. }
            | Self::Recovered { publisher, .. } => Some(publisher),
            Self::Delivered { consumer, .. }
            | Self::Settled { consumer, .. }
            | Self::ConsumerCancelled { consumer, .. }
            | Self::Reconsumed { consumer, .. } => Some(consumer),
            Self::QueueSnapshot(s) => Some(&s.queue),
            Self::QueuePurged { queue, .. }
            | Self::LeftInQueue { queue, .. }
            | Self::QueueUnavailable { queue, .. } => Some(queue),
            Self::DeadLettered { seen_in, .. } => Some(seen_in),
            Self::Declared { name, .. } | Self::Refused { name, .. } => Some(name),
            Self::NodeFault { node, .. } => Some(node),
            _ => None,
        }
    }

    /// The Warren id of the message the event is about, if it is about one.
    pub fn message_id(&self) -> Option<&str> {
        match self {
            Self::Published { id, .. }
            | Self::Confirmed { id, .. }
            | Self::Returned { id, .. }
            | Self::PublishFailed { id, .. }
            | Self::Delivered { id, .. }
            | Self::Settled { id, .. }
            | Self::DeadLettered { id, .. }
            | Self::Buffered { id, .. }
            | Self::Retried { id, .. } => Some(id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_flat_json_with_a_type_tag() {
        let event = Event {
            t_ms: 12,
            kind: EventKind::Confirmed {
                publisher: "p".into(),
                id: "p#1".into(),
                ack: false,
            },
        };
        let json = serde_json::to_value(&event).expect("serialize");
        assert_eq!(
            json,
            serde_json::json!({"t_ms": 12, "type": "confirmed", "publisher": "p", "id": "p#1", "ack": false})
        );
        let back: Event = serde_json::from_value(json).expect("deserialize");
        assert_eq!(back, event);
    }

    /// One event of every kind (priorities and messages both set and absent).
    fn one_of_each_kind() -> Vec<EventKind> {
        let s = |text: &str| text.to_owned();
        vec![
            EventKind::RunStarted {
                run_id: s("r1"),
                vhost: s("warren-r1"),
                broker: BrokerInfo {
                    version: s("4.1.0"),
                    erlang_version: s("27"),
                    cluster_name: s("warren"),
                    nodes: vec![NodeStatus {
                        name: s("warren-1@localhost"),
                        running: true,
                    }],
                },
            },
            EventKind::Declared {
                entity: EntityKind::Queue,
                name: s("q"),
            },
            EventKind::Refused {
                entity: EntityKind::Policy,
                name: s("p"),
                code: 406,
                text: s("PRECONDITION_FAILED"),
            },
            EventKind::Warning { message: s("careful") },
            EventKind::ActorStarted { actor: s("p") },
            EventKind::ActorStopped {
                actor: s("c"),
                reason: s("finished"),
            },
            EventKind::StepExecuted {
                index: 3,
                description: s("stop c"),
            },
            EventKind::Published {
                publisher: s("p"),
                id: s("p#1"),
                exchange: s("x"),
                routing_key: s("k"),
                priority: Some(5),
                persistent: true,
                mandatory: false,
            },
            EventKind::Confirmed {
                publisher: s("p"),
                id: s("p#1"),
                ack: true,
            },
            EventKind::Returned {
                publisher: s("p"),
                id: s("p#2"),
                reply_code: 312,
                reply_text: s("NO_ROUTE"),
                exchange: s("x"),
                routing_key: s("nowhere"),
            },
            EventKind::PublishFailed {
                publisher: s("p"),
                id: s("p#3"),
                error: s("channel closed"),
            },
            EventKind::Delivered {
                consumer: s("c"),
                queue: s("q"),
                id: s("p#1"),
                redelivered: true,
                priority: None,
                exchange: s("x"),
                routing_key: s("k"),
            },
            EventKind::Settled {
                consumer: s("c"),
                queue: s("q"),
                id: s("p#1"),
                action: Settlement::Reject,
                requeue: false,
            },
            EventKind::DeadLettered {
                id: s("p#1"),
                from_queue: s("q"),
                reason: s("rejected"),
                seen_in: s("dlq"),
            },
            EventKind::QueueSnapshot(QueueSnapshot {
                queue: s("q"),
                messages: 3,
                ready: 2,
                unacked: 1,
                node: Some(s("warren-2@localhost")),
                kind: Some(s("classic")),
                mirrors: vec![s("warren-3@localhost")],
                ..Default::default()
            }),
            EventKind::LeftInQueue {
                queue: s("q"),
                ids: vec![s("p#4"), s("p#5")],
            },
            EventKind::NodeFault {
                node: s("warren-2@localhost"),
                action: NodeAction::Kill,
                ok: true,
                message: s("killed"),
            },
            EventKind::NodesChanged {
                nodes: vec![NodeStatus {
                    name: s("warren-2@localhost"),
                    running: false,
                }],
            },
            EventKind::ConnectionsCut { duration_ms: 1500 },
            EventKind::ConnectionLost { reason: s("reset") },
            EventKind::ConnectionClosed {
                code: 320,
                text: s("CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'"),
            },
            EventKind::ConnectionRecovered { down_ms: 1600 },
            EventKind::ChannelClosed {
                actor: s("p"),
                code: 403,
                text: s("ACCESS_REFUSED - cannot publish to internal exchange 'x' in vhost 'v'"),
            },
            EventKind::ConsumerCancelled {
                consumer: s("c"),
                queue: s("q"),
            },
            EventKind::Reconsumed {
                consumer: s("c"),
                queue: s("q"),
            },
            EventKind::QueueUnavailable {
                queue: s("q"),
                reason: s("NOT_FOUND"),
            },
            EventKind::Buffered {
                publisher: s("p"),
                id: s("p#6"),
                reason: s("nacked"),
            },
            EventKind::Retried {
                publisher: s("p"),
                id: s("p#6"),
                attempt: 1,
            },
            EventKind::Recovered {
                publisher: s("p"),
                republished: 1,
            },
            EventKind::QueuePurged {
                queue: s("q"),
                messages: 7,
            },
            EventKind::RunFinished {
                outcome: Outcome::TimeLimit,
                message: Some(s("the time limit was reached")),
            },
        ]
    }

    #[test]
    fn every_kind_reads_back_what_was_written() {
        let kinds = one_of_each_kind();
        let names: Vec<&str> = kinds.iter().map(EventKind::name).collect();
        assert_eq!(names, EventKind::NAMES, "one sample per kind, in declaration order");
        for (t_ms, kind) in kinds.into_iter().enumerate() {
            let event = Event {
                t_ms: t_ms as u64,
                kind,
            };
            let text = serde_json::to_string(&event).expect("serialize");
            let back: Event = serde_json::from_str(&text).expect("deserialize");
            assert_eq!(back, event, "{text}");
            let kind: EventKind = serde_json::from_str(&text).expect("deserialize the kind alone");
            assert_eq!(kind, event.kind);
        }
    }

    #[test]
    fn absent_options_read_as_none_and_unknown_fields_are_ignored() {
        let text = r#"{"type":"run_finished","t_ms":9,"outcome":"completed","extra":[1]}"#;
        let event: Event = serde_json::from_str(text).expect("deserialize");
        assert_eq!(
            event,
            Event {
                t_ms: 9,
                kind: EventKind::RunFinished {
                    outcome: Outcome::Completed,
                    message: None,
                },
            }
        );
        let null: Event =
            serde_json::from_str(r#"{"t_ms":9,"type":"run_finished","outcome":"completed","message":null}"#)
                .expect("null option");
        assert_eq!(null, event);
    }

    #[test]
    fn malformed_events_say_what_is_wrong() {
        let error = |text: &str| serde_json::from_str::<Event>(text).expect_err("must fail").to_string();
        assert!(
            error(r#"{"t_ms":1,"type":"confirmed","publisher":"p","id":"p#1"}"#).starts_with("missing field `ack`")
        );
        assert!(error(r#"{"type":"warning","message":"m"}"#).starts_with("missing field `t_ms`"));
        assert!(error(r#"{"t_ms":1,"message":"m"}"#).starts_with("missing field `type`"));
        assert!(
            error(r#"{"t_ms":1,"type":"shrug"}"#).starts_with("unknown variant `shrug`, expected one of `run_started`")
        );
        assert!(
            error(r#"{"t_ms":1,"type":"warning","message":3}"#)
                .starts_with("invalid type: integer `3`, expected a string")
        );
        assert!(error(r#"[1, "warning"]"#).starts_with("invalid type: sequence, expected a map"));
    }

    #[test]
    fn an_event_names_its_actor_and_message() {
        let kinds = one_of_each_kind();
        let about = |name: &str| {
            let kind = kinds.iter().find(|k| k.name() == name).expect("a sample of every kind");
            (kind.actor(), kind.message_id())
        };
        assert_eq!(about("published"), (Some("p"), Some("p#1")));
        assert_eq!(about("settled"), (Some("c"), Some("p#1")));
        assert_eq!(about("dead_lettered"), (Some("dlq"), Some("p#1")));
        assert_eq!(about("queue_snapshot"), (Some("q"), None));
        assert_eq!(about("node_fault"), (Some("warren-2@localhost"), None));
        assert_eq!(about("channel_closed"), (Some("p"), None));
        assert_eq!(about("connection_closed"), (None, None));
        assert_eq!(about("warning"), (None, None));
    }

    #[test]
    fn snapshot_round_trips() {
        let event = Event {
            t_ms: 1,
            kind: EventKind::QueueSnapshot(QueueSnapshot {
                queue: "q".into(),
                paged_out: 3,
                consumers: Some(1),
                ready_at_ms: Some(1),
                ..Default::default()
            }),
        };
        let text = serde_json::to_string(&event).expect("serialize");
        assert!(text.contains(r#""type":"queue_snapshot""#));
        assert_eq!(serde_json::from_str::<Event>(&text).expect("deserialize"), event);
    }
}
