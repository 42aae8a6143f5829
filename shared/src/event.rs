//! What happened during a run, as the relay observed it on the broker.
//!
//! Every event carries `t_ms`, milliseconds since the run started. Events are produced from AMQP
//! frames the relay's own client saw (publishes, confirms, returns, deliveries) and from the
//! management API (queue snapshots); nothing is inferred from what *should* have happened.

use crate::object::{Object, by_name};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// One observed event with its run-relative time.
///
/// On the wire an event is one flat object: `t_ms`, the `type` tag and the kind's fields. It is
/// read through [`Object`] rather than derived code (see `object.rs` for why).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Milliseconds since the run started.
    pub t_ms: u64,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// A broker node and whether it is running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeStatus {
    /// Erlang node name, e.g. `warren-1@localhost`.
    pub name: String,
    /// Whether the node is up.
    pub running: bool,
}

/// The broker a relay talks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokerInfo {
    /// RabbitMQ version, e.g. `3.10.8`.
    pub version: String,
    /// Erlang/OTP version.
    #[serde(default)]
    pub erlang_version: String,
    /// Cluster name.
    #[serde(default)]
    pub cluster_name: String,
    /// The cluster's nodes.
    pub nodes: Vec<NodeStatus>,
}

/// What the broker's version does with the reliability features Warren demonstrates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
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

/// Which kind of entity an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    /// An exchange.
    Exchange,
    /// A queue.
    Queue,
    /// A binding.
    Binding,
    /// A policy.
    Policy,
}

by_name!(EntityKind {
    Exchange => "exchange",
    Queue => "queue",
    Binding => "binding",
    Policy => "policy",
});

/// How a consumer settled a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// `basic.ack` (or automatic acknowledgement).
    Ack,
    /// `basic.nack`.
    Nack,
    /// `basic.reject`.
    Reject,
}

by_name!(Settlement {
    Ack => "ack",
    Nack => "nack",
    Reject => "reject",
});

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every actor finished and the queues settled.
    Completed,
    /// The user stopped it (or the client went away).
    Stopped,
    /// The scenario's time limit was reached.
    TimeLimit,
    /// The broker refused part of the topology; nothing ran.
    Refused,
    /// Something failed that the run could not recover from.
    Failed,
}

by_name!(Outcome {
    Completed => "completed",
    Stopped => "stopped",
    TimeLimit => "time_limit",
    Refused => "refused",
    Failed => "failed",
});

/// The state of one queue as the management API reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct QueueSnapshot {
    /// Queue name.
    pub queue: String,
    /// Total messages (ready + unacknowledged).
    pub messages: u64,
    /// Ready for delivery.
    pub ready: u64,
    /// Delivered, not yet acknowledged.
    pub unacked: u64,
    /// Messages held in memory.
    pub in_ram: u64,
    /// Messages paged out to disk.
    pub paged_out: u64,
    /// Persistent messages.
    pub persistent: u64,
    /// Node hosting the queue (the leader).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Backing-queue mode as reported (`default` or `lazy`), when the broker reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Queue process state (`running`, `down`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `classic` or `quorum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Classic mirrored queue: nodes holding a mirror.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<String>,
    /// Classic mirrored queue: mirrors that hold every message of the leader.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synchronised_mirrors: Vec<String>,
    /// Quorum queue: every member node.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// Quorum queue: members that are up.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub online: Vec<String>,
}

impl QueueSnapshot {
    /// A mirrored queue with a mirror that does not hold every message.
    pub fn unsynchronised(&self) -> bool {
        self.mirrors.iter().any(|m| !self.synchronised_mirrors.contains(m))
    }
}

/// What a node fault did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeAction {
    /// `rabbitmqctl stop_app`.
    Stop,
    /// `kill -9`.
    Kill,
    /// Started again.
    Start,
}

by_name!(NodeAction {
    Stop => "stop",
    Kill => "kill",
    Start => "start",
});

/// Everything the relay reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The run's vhost exists and the relay is connected.
    RunStarted {
        /// Run id.
        run_id: String,
        /// The vhost created for this run.
        vhost: String,
        /// Broker version and nodes.
        broker: BrokerInfo,
    },
    /// An entity was declared (or a policy set).
    Declared {
        /// Kind of entity.
        entity: EntityKind,
        /// Its name (a binding's label).
        name: String,
    },
    /// The broker refused a declaration; the run ends without starting any actor.
    Refused {
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
    Warning {
        /// One or two sentences.
        message: String,
    },
    /// An actor started.
    ActorStarted {
        /// Actor name.
        actor: String,
    },
    /// An actor stopped.
    ActorStopped {
        /// Actor name.
        actor: String,
        /// Why: `finished`, `stopped by step`, `cancelled by broker`...
        reason: String,
    },
    /// A timeline step ran.
    StepExecuted {
        /// Index in the scenario's timeline.
        index: usize,
        /// What it did.
        description: String,
    },
    /// A message was sent.
    Published {
        /// Publisher name.
        publisher: String,
        /// Warren id.
        id: String,
        /// Exchange.
        exchange: String,
        /// Routing key.
        routing_key: String,
        /// Priority property, when set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<u8>,
        /// Delivery mode 2.
        persistent: bool,
        /// Mandatory flag.
        mandatory: bool,
    },
    /// The broker confirmed a message (`multiple` confirms are expanded, one event per id).
    Confirmed {
        /// Publisher name.
        publisher: String,
        /// Warren id.
        id: String,
        /// `true` for `basic.ack`, `false` for `basic.nack`.
        ack: bool,
    },
    /// The broker returned an unroutable mandatory message.
    Returned {
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
    PublishFailed {
        /// Publisher name.
        publisher: String,
        /// Warren id.
        id: String,
        /// The client's error.
        error: String,
    },
    /// A consumer received a message.
    Delivered {
        /// Consumer name.
        consumer: String,
        /// Queue it consumes from.
        queue: String,
        /// Warren id.
        id: String,
        /// Redelivered flag as sent by the broker.
        redelivered: bool,
        /// Priority property as received.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<u8>,
        /// Exchange as received (the original one for alternate-exchange routing).
        exchange: String,
        /// Routing key as received.
        routing_key: String,
    },
    /// A consumer settled a delivery.
    Settled {
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
    DeadLettered {
        /// Warren id.
        id: String,
        /// Queue it was dead-lettered from.
        from_queue: String,
        /// `rejected`, `expired`, `maxlen` or `delivery_limit`.
        reason: String,
        /// Queue where it was seen.
        seen_in: String,
    },
    /// Queue state from the management API.
    QueueSnapshot(QueueSnapshot),
    /// Messages still in a queue when the run ended, drained by the relay.
    LeftInQueue {
        /// Queue.
        queue: String,
        /// Warren ids, in queue order.
        ids: Vec<String>,
    },
    /// A timeline step stopped, killed or started a node.
    NodeFault {
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
    NodesChanged {
        /// Every node with whether it runs.
        nodes: Vec<NodeStatus>,
    },
    /// A step cut the relay's AMQP connections of this run.
    ConnectionsCut {
        /// For how long new connections are refused.
        duration_ms: u64,
    },
    /// The run's AMQP connection failed.
    ConnectionLost {
        /// The client's error.
        reason: String,
    },
    /// The run's AMQP connection is open again.
    ConnectionRecovered {
        /// How long it was down.
        down_ms: u64,
    },
    /// The broker cancelled a consumer (`basic.cancel`), e.g. because its queue's leader moved.
    ConsumerCancelled {
        /// Consumer name.
        consumer: String,
        /// Queue.
        queue: String,
    },
    /// A cancelled or disconnected consumer consumes again.
    Reconsumed {
        /// Consumer name.
        consumer: String,
        /// Queue.
        queue: String,
    },
    /// A queue could not be consumed from for now.
    QueueUnavailable {
        /// Queue.
        queue: String,
        /// RabbitMQ's words or the client's error.
        reason: String,
    },
    /// An outbox publisher holds a message to publish it again.
    Buffered {
        /// Publisher name.
        publisher: String,
        /// Warren id.
        id: String,
        /// `nacked`, `connection lost`, `not confirmed`...
        reason: String,
    },
    /// An outbox publisher re-published a buffered message.
    Retried {
        /// Publisher name.
        publisher: String,
        /// Warren id.
        id: String,
        /// 1 for the first re-publish.
        attempt: u32,
    },
    /// An outbox publisher's buffer is empty again.
    Recovered {
        /// Publisher name.
        publisher: String,
        /// Messages re-published in all so far.
        republished: u64,
    },
    /// A queue was purged by a step.
    QueuePurged {
        /// Queue.
        queue: String,
        /// Messages removed, as the broker reported.
        messages: u32,
    },
    /// The run ended.
    RunFinished {
        /// How it ended.
        outcome: Outcome,
        /// Why, in a sentence, when not simply completed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Object::read(deserializer, |mut o| {
            Ok(Self {
                t_ms: o.field("t_ms")?,
                kind: EventKind::read(o)?,
            })
        })
    }
}

// Read by hand from one object, like the events (see `object`): the page keeps one copy of the
// reading code instead of a derived visitor per struct.
impl<'de> Deserialize<'de> for BrokerInfo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Object::read(deserializer, |mut o| {
            Ok(Self {
                version: o.field("version")?,
                erlang_version: o.optional("erlang_version")?.unwrap_or_default(),
                cluster_name: o.optional("cluster_name")?.unwrap_or_default(),
                nodes: o.field("nodes")?,
            })
        })
    }
}

impl<'de> Deserialize<'de> for BrokerFeatures {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Object::read(deserializer, |mut o| {
            Ok(Self {
                lazy_mode: o.field("lazy_mode")?,
                classic_mirroring: o.field("classic_mirroring")?,
                quorum_queues: o.field("quorum_queues")?,
                quorum_priorities: o.field("quorum_priorities")?,
                notes: o.field("notes")?,
            })
        })
    }
}

impl<'de> Deserialize<'de> for QueueSnapshot {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Object::read(deserializer, Self::read)
    }
}

impl QueueSnapshot {
    fn read(mut o: Object) -> Result<Self, serde_json::Error> {
        Ok(Self {
            queue: o.field("queue")?,
            messages: o.field("messages")?,
            ready: o.field("ready")?,
            unacked: o.field("unacked")?,
            in_ram: o.field("in_ram")?,
            paged_out: o.field("paged_out")?,
            persistent: o.field("persistent")?,
            node: o.optional("node")?,
            mode: o.optional("mode")?,
            state: o.optional("state")?,
            kind: o.optional("kind")?,
            mirrors: o.optional("mirrors")?.unwrap_or_default(),
            synchronised_mirrors: o.optional("synchronised_mirrors")?.unwrap_or_default(),
            members: o.optional("members")?.unwrap_or_default(),
            online: o.optional("online")?.unwrap_or_default(),
        })
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Object::read(deserializer, Self::read)
    }
}

impl EventKind {
    /// Every `type` tag, in declaration order.
    pub const TYPES: &'static [&'static str] = &[
        "run_started",
        "declared",
        "refused",
        "warning",
        "actor_started",
        "actor_stopped",
        "step_executed",
        "published",
        "confirmed",
        "returned",
        "publish_failed",
        "delivered",
        "settled",
        "dead_lettered",
        "queue_snapshot",
        "left_in_queue",
        "node_fault",
        "nodes_changed",
        "connections_cut",
        "connection_lost",
        "connection_recovered",
        "consumer_cancelled",
        "reconsumed",
        "queue_unavailable",
        "buffered",
        "retried",
        "recovered",
        "queue_purged",
        "run_finished",
    ];

    /// Read a kind from its object: the `type` tag and the variant's fields.
    fn read(mut o: Object) -> Result<Self, serde_json::Error> {
        Ok(match o.field::<String>("type")?.as_str() {
            "run_started" => Self::RunStarted {
                run_id: o.field("run_id")?,
                vhost: o.field("vhost")?,
                broker: o.field("broker")?,
            },
            "declared" => Self::Declared {
                entity: o.field("entity")?,
                name: o.field("name")?,
            },
            "refused" => Self::Refused {
                entity: o.field("entity")?,
                name: o.field("name")?,
                code: o.field("code")?,
                text: o.field("text")?,
            },
            "warning" => Self::Warning {
                message: o.field("message")?,
            },
            "actor_started" => Self::ActorStarted {
                actor: o.field("actor")?,
            },
            "actor_stopped" => Self::ActorStopped {
                actor: o.field("actor")?,
                reason: o.field("reason")?,
            },
            "step_executed" => Self::StepExecuted {
                index: o.field("index")?,
                description: o.field("description")?,
            },
            "published" => Self::Published {
                publisher: o.field("publisher")?,
                id: o.field("id")?,
                exchange: o.field("exchange")?,
                routing_key: o.field("routing_key")?,
                priority: o.optional("priority")?,
                persistent: o.field("persistent")?,
                mandatory: o.field("mandatory")?,
            },
            "confirmed" => Self::Confirmed {
                publisher: o.field("publisher")?,
                id: o.field("id")?,
                ack: o.field("ack")?,
            },
            "returned" => Self::Returned {
                publisher: o.field("publisher")?,
                id: o.field("id")?,
                reply_code: o.field("reply_code")?,
                reply_text: o.field("reply_text")?,
                exchange: o.field("exchange")?,
                routing_key: o.field("routing_key")?,
            },
            "publish_failed" => Self::PublishFailed {
                publisher: o.field("publisher")?,
                id: o.field("id")?,
                error: o.field("error")?,
            },
            "delivered" => Self::Delivered {
                consumer: o.field("consumer")?,
                queue: o.field("queue")?,
                id: o.field("id")?,
                redelivered: o.field("redelivered")?,
                priority: o.optional("priority")?,
                exchange: o.field("exchange")?,
                routing_key: o.field("routing_key")?,
            },
            "settled" => Self::Settled {
                consumer: o.field("consumer")?,
                queue: o.field("queue")?,
                id: o.field("id")?,
                action: o.field("action")?,
                requeue: o.field("requeue")?,
            },
            "dead_lettered" => Self::DeadLettered {
                id: o.field("id")?,
                from_queue: o.field("from_queue")?,
                reason: o.field("reason")?,
                seen_in: o.field("seen_in")?,
            },
            "queue_snapshot" => Self::QueueSnapshot(QueueSnapshot::read(o)?),
            "left_in_queue" => Self::LeftInQueue {
                queue: o.field("queue")?,
                ids: o.field("ids")?,
            },
            "node_fault" => Self::NodeFault {
                node: o.field("node")?,
                action: o.field("action")?,
                ok: o.field("ok")?,
                message: o.field("message")?,
            },
            "nodes_changed" => Self::NodesChanged {
                nodes: o.field("nodes")?,
            },
            "connections_cut" => Self::ConnectionsCut {
                duration_ms: o.field("duration_ms")?,
            },
            "connection_lost" => Self::ConnectionLost {
                reason: o.field("reason")?,
            },
            "connection_recovered" => Self::ConnectionRecovered {
                down_ms: o.field("down_ms")?,
            },
            "consumer_cancelled" => Self::ConsumerCancelled {
                consumer: o.field("consumer")?,
                queue: o.field("queue")?,
            },
            "reconsumed" => Self::Reconsumed {
                consumer: o.field("consumer")?,
                queue: o.field("queue")?,
            },
            "queue_unavailable" => Self::QueueUnavailable {
                queue: o.field("queue")?,
                reason: o.field("reason")?,
            },
            "buffered" => Self::Buffered {
                publisher: o.field("publisher")?,
                id: o.field("id")?,
                reason: o.field("reason")?,
            },
            "retried" => Self::Retried {
                publisher: o.field("publisher")?,
                id: o.field("id")?,
                attempt: o.field("attempt")?,
            },
            "recovered" => Self::Recovered {
                publisher: o.field("publisher")?,
                republished: o.field("republished")?,
            },
            "queue_purged" => Self::QueuePurged {
                queue: o.field("queue")?,
                messages: o.field("messages")?,
            },
            "run_finished" => Self::RunFinished {
                outcome: o.field("outcome")?,
                message: o.optional("message")?,
            },
            other => return Err(serde_json::Error::unknown_variant(other, Self::TYPES)),
        })
    }

    /// The `type` tag, for filtering and counting.
    pub fn name(&self) -> &'static str {
        match self {
            Self::RunStarted { .. } => "run_started",
            Self::Declared { .. } => "declared",
            Self::Refused { .. } => "refused",
            Self::Warning { .. } => "warning",
            Self::ActorStarted { .. } => "actor_started",
            Self::ActorStopped { .. } => "actor_stopped",
            Self::StepExecuted { .. } => "step_executed",
            Self::Published { .. } => "published",
            Self::Confirmed { .. } => "confirmed",
            Self::Returned { .. } => "returned",
            Self::PublishFailed { .. } => "publish_failed",
            Self::Delivered { .. } => "delivered",
            Self::Settled { .. } => "settled",
            Self::DeadLettered { .. } => "dead_lettered",
            Self::QueueSnapshot(_) => "queue_snapshot",
            Self::LeftInQueue { .. } => "left_in_queue",
            Self::QueuePurged { .. } => "queue_purged",
            Self::NodeFault { .. } => "node_fault",
            Self::ConnectionsCut { .. } => "connections_cut",
            Self::NodesChanged { .. } => "nodes_changed",
            Self::ConnectionLost { .. } => "connection_lost",
            Self::ConnectionRecovered { .. } => "connection_recovered",
            Self::ConsumerCancelled { .. } => "consumer_cancelled",
            Self::Reconsumed { .. } => "reconsumed",
            Self::QueueUnavailable { .. } => "queue_unavailable",
            Self::Buffered { .. } => "buffered",
            Self::Retried { .. } => "retried",
            Self::Recovered { .. } => "recovered",
            Self::RunFinished { .. } => "run_finished",
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
            EventKind::ConnectionRecovered { down_ms: 1600 },
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
        assert_eq!(names, EventKind::TYPES, "one sample per kind, in declaration order");
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
    fn snapshot_round_trips() {
        let event = Event {
            t_ms: 1,
            kind: EventKind::QueueSnapshot(QueueSnapshot {
                queue: "q".into(),
                paged_out: 3,
                ..Default::default()
            }),
        };
        let text = serde_json::to_string(&event).expect("serialize");
        assert!(text.contains(r#""type":"queue_snapshot""#));
        assert_eq!(serde_json::from_str::<Event>(&text).expect("deserialize"), event);
    }
}
