//! The scenario document: what a user builds and what the relay runs.
//!
//! A scenario is plain data. It says which exchanges, queues, bindings and policies exist, which
//! publishers send what, which consumers read where, and what happens when on a timeline. The
//! JSON form is the file format, the share-link payload and the wire format at once; its
//! `version` lets later releases migrate old documents.

use crate::wire::wire;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The scenario format this build reads and writes.
pub const SCENARIO_VERSION: u32 = 1;

/// Free-form AMQP arguments (`x-max-priority`, `alternate-exchange`, header values...).
pub type Arguments = BTreeMap<String, serde_json::Value>;

/// A whole scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must equal [`SCENARIO_VERSION`].
    pub version: u32,
    /// A short title shown in the gallery and the run log.
    #[serde(default)]
    pub name: String,
    /// What the scenario demonstrates and what to look for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Run-wide timing settings.
    #[serde(default)]
    pub settings: Settings,
    /// Exchanges to declare, in order.
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
    /// Queues to declare, in order.
    #[serde(default)]
    pub queues: Vec<Queue>,
    /// Bindings to create after every exchange and queue exists.
    #[serde(default)]
    pub bindings: Vec<Binding>,
    /// Policies applied before anything is declared.
    #[serde(default)]
    pub policies: Vec<Policy>,
    /// Actors that publish messages.
    #[serde(default)]
    pub publishers: Vec<Publisher>,
    /// Actors that consume messages.
    #[serde(default)]
    pub consumers: Vec<Consumer>,
    /// Steps executed at fixed times after the run starts.
    #[serde(default)]
    pub timeline: Vec<Step>,
    /// Where the page draws elements the user placed by hand, by [`position_key`]; elements
    /// without one are laid out automatically. The relay ignores it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub positions: BTreeMap<String, Position>,
    /// What the learner is asked to achieve, when the scenario is the start of an exercise
    /// (docs/exercises.md), as written: [`crate::exercise::read`] reads and checks it. Kept as
    /// JSON so that reading a scenario does not read exercises: the page's first load carries
    /// the scenario's reader, and an exercise's reader and checks only where one is opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exercise: Option<serde_json::Value>,
}

/// A point on the page's canvas (top-left corner of an element's box).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Pixels from the left.
    pub x: f64,
    /// Pixels from the top.
    pub y: f64,
}

/// The key of an element in [`Scenario::positions`]: `publisher:`, `exchange:`, `queue:` or
/// `consumer:` followed by its name (`exchange:` alone is the default exchange).
pub fn position_key(kind: &str, name: &str) -> String {
    format!("{kind}:{name}")
}

impl Scenario {
    /// An empty scenario of the current version.
    pub fn empty(name: impl Into<String>) -> Self {
        Self {
            version: SCENARIO_VERSION,
            name: name.into(),
            description: String::new(),
            settings: Settings::default(),
            exchanges: Vec::new(),
            queues: Vec::new(),
            bindings: Vec::new(),
            policies: Vec::new(),
            publishers: Vec::new(),
            consumers: Vec::new(),
            timeline: Vec::new(),
            positions: BTreeMap::new(),
            exercise: None,
        }
    }

    /// Total number of messages all publishers will send.
    pub fn total_messages(&self) -> u64 {
        self.publishers.iter().map(|p| p.count).sum()
    }

    /// Every actor name (publishers first, then consumers).
    pub fn actor_names(&self) -> impl Iterator<Item = &str> {
        self.publishers
            .iter()
            .map(|p| p.name.as_str())
            .chain(self.consumers.iter().map(|c| c.name.as_str()))
    }

    /// The start rule of the named actor, if such an actor exists.
    pub fn actor_start(&self, name: &str) -> Option<&Start> {
        self.publishers
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.start)
            .or_else(|| self.consumers.iter().find(|c| c.name == name).map(|c| &c.start))
    }
}

/// Run-wide timing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The run is stopped (with a warning) when it lasts longer than this.
    pub max_duration_ms: u64,
    /// After every publisher is done, the run ends once no consumer has received anything for
    /// this long (consumers with `stop_after` end on their own).
    pub settle_ms: u64,
    /// How often queue state is read from the management API.
    pub snapshot_interval_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_duration_ms: 60_000,
            settle_ms: 1_000,
            snapshot_interval_ms: 1_000,
        }
    }
}

/// The exchange types RabbitMQ ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeType {
    /// Routes on an exact routing-key match.
    #[default]
    Direct,
    /// Routes to every bound queue.
    Fanout,
    /// Routes on dotted routing-key patterns with `*` and `#`.
    Topic,
    /// Routes on message headers (`x-match` all or any).
    Headers,
}

impl ExchangeType {
    /// The AMQP name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Fanout => "fanout",
            Self::Topic => "topic",
            Self::Headers => "headers",
        }
    }
}

/// An exchange declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// Exchange name.
    pub name: String,
    /// Exchange type.
    #[serde(rename = "type", default)]
    pub kind: ExchangeType,
    /// Survives a broker restart.
    #[serde(default = "yes")]
    pub durable: bool,
    /// Deleted when its last binding goes.
    #[serde(default)]
    pub auto_delete: bool,
    /// Cannot be published to directly, only through exchange-to-exchange bindings.
    #[serde(default)]
    pub internal: bool,
    /// Declaration arguments, e.g. `alternate-exchange`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub arguments: Arguments,
}

/// Classic or quorum queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum QueueType {
    /// The classic queue (supports priorities, lazy mode, mirroring on 3.x).
    #[default]
    Classic,
    /// The Raft-replicated queue.
    Quorum,
}

impl QueueType {
    /// The value of the `x-queue-type` argument.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Classic => "classic",
            Self::Quorum => "quorum",
        }
    }
}

/// A queue declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Queue {
    /// Queue name.
    pub name: String,
    /// Classic or quorum; sent as `x-queue-type`.
    #[serde(rename = "type", default)]
    pub kind: QueueType,
    /// Survives a broker restart.
    #[serde(default = "yes")]
    pub durable: bool,
    /// Used by one connection only and deleted with it.
    #[serde(default)]
    pub exclusive: bool,
    /// Deleted when its last consumer goes.
    #[serde(default)]
    pub auto_delete: bool,
    /// Declaration arguments: `x-max-priority`, `x-queue-mode`, `x-max-length`, `x-overflow`...
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub arguments: Arguments,
    /// Cluster node to declare the queue on (its leader); absent means the node the relay uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
}

/// What a binding points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DestinationType {
    /// Exchange to queue.
    #[default]
    Queue,
    /// Exchange to exchange.
    Exchange,
}

/// A binding from an exchange to a queue or another exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    /// Source exchange.
    pub source: String,
    /// Destination queue or exchange.
    pub destination: String,
    /// Whether `destination` names a queue or an exchange.
    #[serde(default)]
    pub destination_type: DestinationType,
    /// Routing key (or topic pattern); ignored by fanout and headers exchanges.
    #[serde(default)]
    pub routing_key: String,
    /// Binding arguments; for headers exchanges `x-match` and the header values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub arguments: Arguments,
}

impl Binding {
    /// A one-line label such as `confirm-exchange → confirm-queue (default)`.
    pub fn label(&self) -> String {
        if self.routing_key.is_empty() {
            format!("{} → {}", self.source, self.destination)
        } else {
            format!("{} → {} ({})", self.source, self.destination, self.routing_key)
        }
    }
}

/// What a policy applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ApplyTo {
    /// Queues and exchanges.
    #[default]
    All,
    /// Exchanges only.
    Exchanges,
    /// Queues only.
    Queues,
}

impl ApplyTo {
    /// The management API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Exchanges => "exchanges",
            Self::Queues => "queues",
        }
    }
}

/// A policy, applied through the management API inside the run's vhost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Policy name.
    pub name: String,
    /// Regular expression matched against entity names.
    pub pattern: String,
    /// Which entities it matches.
    #[serde(default)]
    pub apply_to: ApplyTo,
    /// Higher wins when several policies match.
    #[serde(default)]
    pub priority: i32,
    /// Keys such as `alternate-exchange`, `queue-mode`, `max-length`, `ha-mode`.
    pub definition: Arguments,
}

/// When an actor starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// This many milliseconds after the run starts.
    AtMs(u64),
    /// When the named actor has finished (a publisher: every confirm is in).
    After(String),
    /// Only when a timeline step starts it.
    OnStep,
}

impl Default for Start {
    fn default() -> Self {
        Self::AtMs(0)
    }
}

wire! {
    /// How priorities are assigned to a publisher's messages (numbered from 1).
    #[wire(tag = "rule", array_form, deny_unknown_fields)]
    #[derive(Debug, Clone, PartialEq, Default)]
    pub enum PriorityRule {
        /// No priority property.
        #[default]
        None = "none",
        /// Every message gets `priority`.
        Fixed = "fixed" {
            /// The priority.
            priority: u8,
        },
        /// Every `n`-th message gets `priority`; the others have none.
        EveryNth = "every_nth" {
            /// The period.
            n: u64,
            /// The priority of every n-th message.
            priority: u8,
        },
        /// The priorities in order, repeated when the list is shorter than the count.
        List = "list" {
            /// The priorities.
            priorities: Vec<u8>,
        },
        /// A reproducible pseudo-random priority between `min` and `max` inclusive.
        Random = "random" {
            /// The seed; the same seed gives the same priorities.
            seed: u64,
            /// Smallest priority.
            min: u8,
            /// Largest priority.
            max: u8,
        },
    }
}

impl PriorityRule {
    /// The priority of message number `seq` (1-based), or `None` when it carries none.
    pub fn priority_for(&self, seq: u64) -> Option<u8> {
        match self {
            Self::None => None,
            Self::Fixed { priority } => Some(*priority),
            Self::EveryNth { n, priority } => (*n > 0 && seq.is_multiple_of(*n)).then_some(*priority),
            Self::List { priorities } => {
                let len = priorities.len() as u64;
                (len > 0).then(|| priorities[((seq.saturating_sub(1)) % len) as usize])
            }
            Self::Random { seed, min, max } => {
                let (lo, hi) = (u64::from(*min.min(max)), u64::from(*min.max(max)));
                let span = hi - lo + 1;
                Some((lo + splitmix64(seed ^ seq.wrapping_mul(0x9E37_79B9_7F4A_7C15)) % span) as u8)
            }
        }
    }
}

/// A small, well-known mixing function: deterministic pseudo-random numbers without a dependency.
fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

wire! {
    /// How a publisher uses publisher confirms.
    #[wire(tag = "mode", array_form, deny_unknown_fields)]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ConfirmMode {
        /// No confirms: fire and forget.
        Off = "off",
        /// Wait for each message's confirm before sending the next.
        PerMessage = "per_message",
        /// Send `size` messages, then wait for all their confirms.
        Batch = "batch" {
            /// Messages per batch.
            size: u32,
        },
        /// Keep at most `window` messages unconfirmed at any time.
        Streaming = "stream" {
            /// Most messages in flight.
            window: u32,
        },
    }
}

impl Default for ConfirmMode {
    fn default() -> Self {
        Self::Streaming { window: 100 }
    }
}

impl ConfirmMode {
    /// Whether the channel is put in confirm mode.
    pub fn enabled(self) -> bool {
        !matches!(self, Self::Off)
    }
}

/// An actor that publishes messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// Actor name; message ids are `name#n`.
    pub name: String,
    /// Target exchange (`""` is the default exchange).
    pub exchange: String,
    /// Routing key.
    #[serde(default)]
    pub routing_key: String,
    /// How many messages to send.
    pub count: u64,
    /// Messages per second; absent means as fast as possible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_per_sec: Option<f64>,
    /// Body template: `{n}` is the message number, `{id}` the Warren id, `{publisher}` the name.
    #[serde(default = "default_body")]
    pub body: String,
    /// Pad every body with spaces to at least this many bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_bytes: Option<u32>,
    /// Delivery mode 2: written to disk on durable queues.
    #[serde(default)]
    pub persistent: bool,
    /// Ask the broker to return unroutable messages (`basic.return`).
    #[serde(default)]
    pub mandatory: bool,
    /// Priority assignment.
    #[serde(default)]
    pub priority: PriorityRule,
    /// Headers sent with every message (for headers exchanges).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: Arguments,
    /// Confirm mode.
    #[serde(default)]
    pub confirm: ConfirmMode,
    /// When it starts.
    #[serde(default)]
    pub start: Start,
    /// Keep every message until the broker confirms it, and re-publish what a nack or a lost
    /// connection left unconfirmed (the tutorial's outage buffer). Needs confirms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<Outbox>,
}

/// Settings of a publisher's outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Outbox {
    /// How often buffered messages are re-published while the broker is reachable.
    pub retry_interval_ms: u64,
}

impl Default for Outbox {
    fn default() -> Self {
        Self {
            retry_interval_ms: 1_000,
        }
    }
}

/// The message id Warren gives message `seq` of `publisher`.
pub fn message_id(publisher: &str, seq: u64) -> String {
    format!("{publisher}#{seq}")
}

impl Publisher {
    /// The body of message `seq`, rendered from the template and padded.
    pub fn render_body(&self, seq: u64) -> String {
        let id = message_id(&self.name, seq);
        let mut body = self
            .body
            .replace("{n}", &seq.to_string())
            .replace("{id}", &id)
            .replace("{publisher}", &self.name);
        if let Some(min) = self.body_bytes {
            let min = min as usize;
            if body.len() < min {
                body.extend(std::iter::repeat_n(' ', min - body.len()));
            }
        }
        body
    }

    /// The largest body this publisher can produce, in bytes (template with the largest number).
    pub fn max_body_len(&self) -> usize {
        self.render_body(self.count.max(1)).len()
    }
}

fn default_body() -> String {
    "message {n}".to_owned()
}

fn yes() -> bool {
    true
}

/// How a consumer acknowledges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AckMode {
    /// The broker considers a message handled once sent (`no_ack`).
    Auto,
    /// The consumer acks, nacks or rejects each message.
    #[default]
    Manual,
}

/// What a rule does to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// `basic.nack`.
    Nack,
    /// `basic.reject`.
    Reject,
}

/// Which deliveries a rule matches (counted per consumer from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleMatch {
    /// Every delivery.
    Always,
    /// Every n-th delivery.
    EveryNth(u64),
    /// Deliveries whose priority is at least this.
    PriorityAtLeast(u8),
    /// Deliveries the broker marks as redelivered.
    Redelivered,
}

/// A rule that nacks or rejects some deliveries instead of acking them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerRule {
    /// Which deliveries.
    pub when: RuleMatch,
    /// Nack or reject.
    pub action: RuleAction,
    /// Put the message back in the queue (otherwise it is dropped or dead-lettered).
    #[serde(default)]
    pub requeue: bool,
}

impl ConsumerRule {
    /// Whether the rule matches delivery number `nth` (1-based) with this priority.
    pub fn matches(&self, nth: u64, priority: Option<u8>, redelivered: bool) -> bool {
        match self.when {
            RuleMatch::Always => true,
            RuleMatch::EveryNth(n) => n > 0 && nth.is_multiple_of(n),
            RuleMatch::PriorityAtLeast(p) => priority.unwrap_or(0) >= p,
            RuleMatch::Redelivered => redelivered,
        }
    }
}

/// An actor that consumes from one queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consumer {
    /// Actor name, also the consumer tag.
    pub name: String,
    /// Queue to consume from.
    pub queue: String,
    /// When it starts.
    #[serde(default)]
    pub start: Start,
    /// `basic.qos` prefetch count; 0 means unlimited.
    #[serde(default)]
    pub prefetch: u16,
    /// Automatic or manual acknowledgements.
    #[serde(default)]
    pub ack: AckMode,
    /// Simulated work per message before it is settled, in milliseconds.
    #[serde(default)]
    pub processing_ms: u64,
    /// Nack or reject rules; the first that matches applies, otherwise the message is acked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ConsumerRule>,
    /// Cancel after this many deliveries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_after: Option<u64>,
    /// `basic.consume` arguments, e.g. `x-priority` or `x-cancel-on-ha-failover`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub arguments: Arguments,
}

impl Consumer {
    /// The rule that applies to a delivery, if any.
    pub fn rule_for(&self, nth: u64, priority: Option<u8>, redelivered: bool) -> Option<&ConsumerRule> {
        self.rules.iter().find(|r| r.matches(nth, priority, redelivered))
    }
}

wire! {
    /// A timeline step.
    #[wire(tag = "action", array_form, deny_unknown_fields)]
    #[derive(Debug, Clone, PartialEq)]
    pub enum Step {
        /// Start an actor that has not started yet.
        Start = "start" {
            /// When, after the run starts.
            at_ms: u64,
            /// The actor.
            actor: String,
        },
        /// Stop an actor: a publisher stops sending, a consumer cancels.
        Stop = "stop" {
            /// When.
            at_ms: u64,
            /// The actor.
            actor: String,
        },
        /// Remove every ready message from a queue.
        Purge = "purge" {
            /// When.
            at_ms: u64,
            /// The queue.
            queue: String,
        },
        /// Apply (or replace) a policy.
        ApplyPolicy = "apply_policy" {
            /// When.
            at_ms: u64,
            /// The policy.
            policy: Policy,
        },
        /// Remove a policy.
        ClearPolicy = "clear_policy" {
            /// When.
            at_ms: u64,
            /// The policy name.
            name: String,
        },
        /// Stop a node's RabbitMQ application in a controlled way (`rabbitmqctl stop_app`).
        StopNode = "stop_node" {
            /// When.
            at_ms: u64,
            /// Node name, e.g. `warren-2@localhost`.
            node: String,
        },
        /// Crash a node (`kill -9`).
        KillNode = "kill_node" {
            /// When.
            at_ms: u64,
            /// Node name.
            node: String,
        },
        /// Start a stopped or crashed node again.
        StartNode = "start_node" {
            /// When.
            at_ms: u64,
            /// Node name.
            node: String,
        },
        /// Cut the relay's own AMQP connections of this run for a while: the broker as a publisher
        /// sees it during an outage. Works against any broker.
        CutConnections = "cut_connections" {
            /// When.
            at_ms: u64,
            /// How long new connections are refused.
            duration_ms: u64,
        },
    }
}

impl Step {
    /// When the step runs.
    pub fn at_ms(&self) -> u64 {
        match self {
            Self::Start { at_ms, .. }
            | Self::Stop { at_ms, .. }
            | Self::Purge { at_ms, .. }
            | Self::ApplyPolicy { at_ms, .. }
            | Self::ClearPolicy { at_ms, .. }
            | Self::StopNode { at_ms, .. }
            | Self::KillNode { at_ms, .. }
            | Self::StartNode { at_ms, .. }
            | Self::CutConnections { at_ms, .. } => *at_ms,
        }
    }

    /// Whether the step stops, kills or starts a broker node (which hits every run on that cluster).
    pub fn is_node_fault(&self) -> bool {
        matches!(
            self,
            Self::StopNode { .. } | Self::KillNode { .. } | Self::StartNode { .. }
        )
    }

    /// A one-line description for the log.
    pub fn describe(&self) -> String {
        use crate::sentences::relay as say;
        match self {
            Self::Start { actor, .. } => crate::say!(say::STEP_START, actor),
            Self::Stop { actor, .. } => crate::say!(say::STEP_STOP, actor),
            Self::Purge { queue, .. } => crate::say!(say::STEP_PURGE, queue),
            Self::ApplyPolicy { policy, .. } => crate::say!(say::STEP_APPLY_POLICY, name = policy.name),
            Self::ClearPolicy { name, .. } => crate::say!(say::STEP_CLEAR_POLICY, name),
            Self::StopNode { node, .. } => crate::say!(say::STEP_STOP_NODE, node),
            Self::KillNode { node, .. } => crate::say!(say::STEP_KILL_NODE, node),
            Self::StartNode { node, .. } => crate::say!(say::STEP_START_NODE, node),
            Self::CutConnections { duration_ms, .. } => crate::say!(say::STEP_CUT, ms = duration_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nth_priority_marks_only_multiples() {
        let rule = PriorityRule::EveryNth { n: 5, priority: 5 };
        let marked: Vec<u64> = (1..=20).filter(|s| rule.priority_for(*s).is_some()).collect();
        assert_eq!(marked, vec![5, 10, 15, 20]);
    }

    #[test]
    fn list_priority_cycles() {
        let rule = PriorityRule::List {
            priorities: vec![1, 2, 3],
        };
        let got: Vec<_> = (1..=5).map(|s| rule.priority_for(s)).collect();
        assert_eq!(got, vec![Some(1), Some(2), Some(3), Some(1), Some(2)]);
    }

    #[test]
    fn random_priority_is_reproducible_and_in_range() {
        let rule = PriorityRule::Random {
            seed: 7,
            min: 2,
            max: 4,
        };
        let a: Vec<_> = (1..=200).map(|s| rule.priority_for(s)).collect();
        let b: Vec<_> = (1..=200).map(|s| rule.priority_for(s)).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|p| matches!(p, Some(2..=4))));
        assert!(a.contains(&Some(2)) && a.contains(&Some(4)));
    }

    #[test]
    fn body_template_is_rendered_and_padded() {
        let mut p: Publisher = serde_json::from_value(serde_json::json!({
            "name": "producer", "exchange": "x", "count": 3, "body": "{id}: {n}"
        }))
        .expect("valid publisher");
        assert_eq!(p.render_body(2), "producer#2: 2");
        p.body_bytes = Some(20);
        assert_eq!(p.render_body(2).len(), 20);
    }

    #[test]
    fn start_forms_parse() {
        let at: Start = serde_json::from_str(r#"{"at_ms": 5}"#).expect("at_ms");
        let after: Start = serde_json::from_str(r#"{"after": "producer"}"#).expect("after");
        let on_step: Start = serde_json::from_str(r#""on_step""#).expect("on_step");
        assert_eq!(at, Start::AtMs(5));
        assert_eq!(after, Start::After("producer".into()));
        assert_eq!(on_step, Start::OnStep);
    }

    #[test]
    fn consumer_rules_match_by_position_and_priority() {
        let every_third = ConsumerRule {
            when: RuleMatch::EveryNth(3),
            action: RuleAction::Nack,
            requeue: false,
        };
        assert!(!every_third.matches(2, None, false));
        assert!(every_third.matches(3, None, false));
        let high = ConsumerRule {
            when: RuleMatch::PriorityAtLeast(5),
            action: RuleAction::Reject,
            requeue: true,
        };
        assert!(high.matches(1, Some(7), false));
        assert!(!high.matches(1, None, false));
    }

    /// Every variant of the three tagged enums the scenario reads, written and read back.
    #[test]
    fn tagged_enums_read_back_what_was_written() {
        let policy = Policy {
            name: "ha".into(),
            pattern: "^q".into(),
            apply_to: ApplyTo::Queues,
            priority: 1,
            definition: Arguments::new(),
        };
        let steps = [
            Step::Start {
                at_ms: 1,
                actor: "p".into(),
            },
            Step::Stop {
                at_ms: 2,
                actor: "c".into(),
            },
            Step::Purge {
                at_ms: 3,
                queue: "q".into(),
            },
            Step::ApplyPolicy { at_ms: 4, policy },
            Step::ClearPolicy {
                at_ms: 5,
                name: "ha".into(),
            },
            Step::StopNode {
                at_ms: 6,
                node: "n".into(),
            },
            Step::KillNode {
                at_ms: 7,
                node: "n".into(),
            },
            Step::StartNode {
                at_ms: 8,
                node: "n".into(),
            },
            Step::CutConnections {
                at_ms: 9,
                duration_ms: 10,
            },
        ];
        for step in steps {
            let text = serde_json::to_string(&step).expect("serialize");
            assert_eq!(
                serde_json::from_str::<Step>(&text).expect("deserialize"),
                step,
                "{text}"
            );
        }
        let rules = [
            PriorityRule::None,
            PriorityRule::Fixed { priority: 3 },
            PriorityRule::EveryNth { n: 2, priority: 9 },
            PriorityRule::List { priorities: vec![1, 5] },
            PriorityRule::Random {
                seed: 7,
                min: 1,
                max: 4,
            },
        ];
        for rule in rules {
            let text = serde_json::to_string(&rule).expect("serialize");
            assert_eq!(
                serde_json::from_str::<PriorityRule>(&text).expect("deserialize"),
                rule,
                "{text}"
            );
        }
        let modes = [
            ConfirmMode::Off,
            ConfirmMode::PerMessage,
            ConfirmMode::Batch { size: 5 },
            ConfirmMode::Streaming { window: 9 },
        ];
        for mode in modes {
            let text = serde_json::to_string(&mode).expect("serialize");
            assert_eq!(
                serde_json::from_str::<ConfirmMode>(&text).expect("deserialize"),
                mode,
                "{text}"
            );
        }
    }

    /// What serde's derived code accepted and said is still accepted and said.
    #[test]
    fn tagged_enums_keep_their_forms_and_messages() {
        let step = |value: serde_json::Value| serde_json::from_value::<Step>(value).map_err(|e| e.to_string());
        let stop = Step::Stop {
            at_ms: 5,
            actor: "p".into(),
        };
        assert_eq!(step(serde_json::json!(["stop", 5, "p"])), Ok(stop.clone()));
        assert_eq!(
            step(serde_json::json!({"at_ms": 5, "actor": "p", "action": "stop"})),
            Ok(stop)
        );
        assert_eq!(
            step(serde_json::json!({"action": "stop", "at_ms": 5, "actor": "p", "extra": 1})),
            Err("unknown field `extra`, expected `at_ms` or `actor`".into())
        );
        assert_eq!(
            step(serde_json::json!({"at_ms": 5})),
            Err("missing field `action`".into())
        );
        assert_eq!(
            step(serde_json::json!({"action": "stop", "actor": "p"})),
            Err("missing field `at_ms`".into())
        );
        assert_eq!(
            step(serde_json::json!("stop")),
            Err("invalid type: string \"stop\", expected internally tagged enum Step".into())
        );
        let rule = |value: serde_json::Value| serde_json::from_value::<PriorityRule>(value).map_err(|e| e.to_string());
        assert_eq!(
            rule(serde_json::json!({"rule": "none", "x": 1})),
            Ok(PriorityRule::None)
        );
        assert_eq!(
            rule(serde_json::json!({"rule": "random", "seed": 1, "min": 1, "max": 2, "n": 3})),
            Err("unknown field `n`, expected one of `seed`, `min`, `max`".into())
        );
        assert_eq!(
            rule(serde_json::json!({"rule": "sometimes"})),
            Err("unknown variant `sometimes`, expected one of `none`, `fixed`, `every_nth`, `list`, `random`".into())
        );
        let mode = |value: serde_json::Value| serde_json::from_value::<ConfirmMode>(value).map_err(|e| e.to_string());
        assert_eq!(
            mode(serde_json::json!({"mode": "off", "size": 3})),
            Ok(ConfirmMode::Off)
        );
        assert_eq!(
            mode(serde_json::json!({"mode": "batch", "size": 3, "window": 1})),
            Err("unknown field `window`, expected `size`".into())
        );
    }

    /// A wrong tag is reported at the tag's own path; anything else in a tagged object at the
    /// object's path, as with derived code.
    #[test]
    fn tagged_enum_problems_keep_their_paths() {
        let problem = |step: serde_json::Value| {
            let doc = serde_json::json!({"version": 1, "timeline": [step]});
            let problems = crate::validate::parse_scenario(&doc).expect_err("must fail");
            (problems[0].path.clone(), problems[0].message.clone())
        };
        let (path, message) = problem(serde_json::json!({"action": "explode", "at_ms": 5}));
        assert_eq!(path, "timeline[0].action");
        assert!(
            message.starts_with("unknown variant `explode`, expected one of `start`, `stop`"),
            "{message}"
        );
        let (path, message) = problem(serde_json::json!({"action": 5}));
        assert_eq!(path, "timeline[0].action");
        assert!(
            message.starts_with("invalid type: integer `5`, expected variant identifier"),
            "{message}"
        );
        let (path, message) = problem(serde_json::json!({"action": "stop", "at_ms": "5", "actor": "p"}));
        assert_eq!(path, "timeline[0]");
        assert!(
            message.starts_with("invalid type: string \"5\", expected u64"),
            "{message}"
        );
        let (path, message) = problem(serde_json::json!({"action": "apply_policy", "at_ms": 5, "policy": "x"}));
        assert_eq!(path, "timeline[0]");
        assert!(
            message.starts_with("invalid type: string \"x\", expected struct Policy"),
            "{message}"
        );
    }
}
