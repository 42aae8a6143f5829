//! What happened during a run, as the relay observed it on the broker.
//!
//! Every event carries `t_ms`, milliseconds since the run started. Events are produced from AMQP
//! frames the relay's own client saw (publishes, confirms, returns, deliveries) and from the
//! management API (queue snapshots); nothing is inferred from what *should* have happened.

use serde::{Deserialize, Serialize};

/// One observed event with its run-relative time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// How a consumer settled a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// `basic.ack` (or automatic acknowledgement).
    Ack,
    /// `basic.nack`.
    Nack,
    /// `basic.reject`.
    Reject,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// The state of one queue as the management API reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeAction {
    /// `rabbitmqctl stop_app`.
    Stop,
    /// `kill -9`.
    Kill,
    /// Started again.
    Start,
}

/// Everything the relay reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

impl EventKind {
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
