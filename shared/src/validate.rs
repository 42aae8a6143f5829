//! Scenario validation: every problem at once, each with a path such as
//! `queues[2].arguments.x-max-priority` and a sentence a newcomer understands.
//!
//! Validation catches what is malformed or out of Warren's limits. What RabbitMQ itself decides
//! (a quorum queue that is not durable, an argument this broker version refuses) is left to the
//! broker, so the run can show RabbitMQ's own answer.

use crate::scenario::{
    AckMode, Arguments, ConfirmMode, DestinationType, Policy, PriorityRule, SCENARIO_VERSION, Scenario, Start, Step,
};
use crate::wire::wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// One problem in a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Where, e.g. `publishers[0].exchange`; empty for the document as a whole.
    pub path: String,
    /// What is wrong and what would be right.
    pub message: String,
}

impl Problem {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

wire! {
    /// Limits a relay enforces on every scenario; sent to the page in the hello message.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Limits {
        /// Most exchanges.
        pub max_exchanges: usize,
        /// Most queues.
        pub max_queues: usize,
        /// Most bindings.
        pub max_bindings: usize,
        /// Most policies.
        pub max_policies: usize,
        /// Most publishers plus consumers.
        pub max_actors: usize,
        /// Most timeline steps.
        pub max_steps: usize,
        /// Most messages over all publishers.
        pub max_messages: u64,
        /// Longest run, in milliseconds.
        pub max_duration_ms: u64,
        /// Largest message body, in bytes.
        pub max_body_bytes: usize,
        /// Whether timeline steps may stop, kill or start broker nodes. Such a fault hits every run
        /// on the cluster, so a relay allows it only when it serves one user on a cluster it
        /// manages.
        #[wire(default)]
        pub node_faults: bool,
        /// The cluster's node names, when known; steps and queues may only name these.
        #[wire(default)]
        pub nodes: Vec<String>,
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_exchanges: 50,
            max_queues: 50,
            max_bindings: 200,
            max_policies: 20,
            max_actors: 40,
            max_steps: 200,
            max_messages: 200_000,
            max_duration_ms: 600_000,
            max_body_bytes: 65_536,
            node_faults: false,
            nodes: Vec::new(),
        }
    }
}

/// Parse a scenario from JSON, reporting a type error with its path.
///
/// The document must be an object: serde would also read a struct from an array of its fields
/// in order, where the version check below cannot see the version (`[0]` was a scenario of
/// version 0 that, written out, no longer parsed).
pub fn parse_scenario(value: &Value) -> Result<Scenario, Vec<Problem>> {
    let kind = match value {
        Value::Object(_) => None,
        Value::Null => Some("null"),
        Value::Bool(_) => Some("a boolean"),
        Value::Number(_) => Some("a number"),
        Value::String(_) => Some("a string"),
        Value::Array(_) => Some("an array"),
    };
    if let Some(kind) = kind {
        return Err(vec![Problem::new(
            "",
            format!(
                "a scenario is a JSON object such as {{\"version\": {SCENARIO_VERSION}}}, not {kind}; see docs/scenarios.md for the format"
            ),
        )]);
    }
    if let Some(version) = value.get("version").and_then(Value::as_u64)
        && version != u64::from(SCENARIO_VERSION)
    {
        return Err(vec![Problem::new(
            "version",
            format!("this Warren reads scenario format version {SCENARIO_VERSION}, but the document says {version}"),
        )]);
    }
    crate::tracked::deserialize::<Scenario>(value)
        .map_err(|(path, error)| vec![Problem::new(path, describe_serde_error(&error.to_string()))])
}

fn describe_serde_error(raw: &str) -> String {
    // serde_json appends " at line N column M", meaningless for a value already parsed.
    let text = raw.split(" at line ").next().unwrap_or(raw);
    format!("{text}; see docs/scenarios.md for the format")
}

/// Check a parsed scenario; an empty list means it may run.
pub fn validate(scenario: &Scenario, limits: &Limits) -> Vec<Problem> {
    let mut v = Validator {
        problems: Vec::new(),
        limits,
    };
    v.document(scenario);
    v.problems
}

struct Validator<'a> {
    problems: Vec<Problem>,
    limits: &'a Limits,
}

/// Exchanges every vhost has without declaring them.
const BUILTIN_EXCHANGES: [&str; 7] = [
    "",
    "amq.direct",
    "amq.fanout",
    "amq.topic",
    "amq.headers",
    "amq.match",
    "amq.rabbitmq.trace",
];

impl Validator<'_> {
    /// Hand-placed positions: a known kind and a point on a sensible canvas. A position whose
    /// element is gone is harmless (the page draws elements, not positions) and not a problem.
    fn positions(&mut self, s: &Scenario) {
        const KINDS: [&str; 4] = ["publisher", "exchange", "queue", "consumer"];
        const EXTENT: f64 = 100_000.0;
        for (key, at) in &s.positions {
            let path = format!("positions[{key:?}]");
            let kind = key.split_once(':').map(|(kind, _)| kind);
            if !kind.is_some_and(|kind| KINDS.contains(&kind)) {
                self.push(
                    path.clone(),
                    "a position's key is `publisher:`, `exchange:`, `queue:` or `consumer:` followed by the element's name",
                );
            }
            if !(0.0..=EXTENT).contains(&at.x) || !(0.0..=EXTENT).contains(&at.y) {
                self.push(path, format!("a position lies between 0 and {EXTENT} on both axes"));
            }
        }
    }

    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(path, message));
    }

    fn document(&mut self, s: &Scenario) {
        if s.version != SCENARIO_VERSION {
            self.push(
                "version",
                format!(
                    "this Warren reads scenario format version {SCENARIO_VERSION}, but the document says {}",
                    s.version
                ),
            );
        }
        self.limits_of(s);
        self.settings(s);
        self.positions(s);
        let exchanges = self.names("exchanges", s.exchanges.iter().map(|e| e.name.as_str()), "exchange");
        let queues = self.names("queues", s.queues.iter().map(|q| q.name.as_str()), "queue");
        for (i, e) in s.exchanges.iter().enumerate() {
            self.arguments_exchange(&format!("exchanges[{i}].arguments"), &e.arguments);
        }
        for (i, q) in s.queues.iter().enumerate() {
            self.arguments_queue(&format!("queues[{i}]"), q.kind, &q.arguments);
            if let Some(node) = &q.node {
                self.node(&format!("queues[{i}].node"), node);
                if q.exclusive {
                    self.push(
                        format!("queues[{i}].node"),
                        "an exclusive queue belongs to the connection that declares it, which is the run's own \
                         connection: it cannot be placed on another node",
                    );
                }
            }
        }
        for (i, b) in s.bindings.iter().enumerate() {
            let path = format!("bindings[{i}]");
            if b.source.is_empty() {
                self.push(
                    format!("{path}.source"),
                    "the default exchange cannot be bound; bind a named exchange instead",
                );
            } else if !exchanges.contains(b.source.as_str()) && !BUILTIN_EXCHANGES.contains(&b.source.as_str()) {
                self.push(
                    format!("{path}.source"),
                    format!("there is no exchange named \"{}\"", b.source),
                );
            }
            let known = match b.destination_type {
                DestinationType::Queue => queues.contains(b.destination.as_str()),
                DestinationType::Exchange => {
                    exchanges.contains(b.destination.as_str())
                        || BUILTIN_EXCHANGES[1..].contains(&b.destination.as_str())
                }
            };
            if !known {
                let kind = match b.destination_type {
                    DestinationType::Queue => "queue",
                    DestinationType::Exchange => "exchange",
                };
                self.push(
                    format!("{path}.destination"),
                    format!("there is no {kind} named \"{}\"", b.destination),
                );
            }
            if let Some(m) = b.arguments.get("x-match")
                && !matches!(m.as_str(), Some("all" | "any" | "all-with-x" | "any-with-x"))
            {
                self.push(
                    format!("{path}.arguments.x-match"),
                    "x-match must be \"all\", \"any\", \"all-with-x\" or \"any-with-x\"",
                );
            }
        }
        let mut policy_names = HashSet::new();
        for (i, p) in s.policies.iter().enumerate() {
            self.policy(&format!("policies[{i}]"), p);
            if !policy_names.insert(p.name.as_str()) {
                self.push(
                    format!("policies[{i}].name"),
                    format!("another policy is already named \"{}\"", p.name),
                );
            }
        }
        let actors = self.names(
            "actors",
            s.actor_names(),
            "actor (publishers and consumers share one namespace)",
        );
        for (i, p) in s.publishers.iter().enumerate() {
            self.publisher(i, p, &exchanges, s);
        }
        for (i, c) in s.consumers.iter().enumerate() {
            let path = format!("consumers[{i}]");
            if !queues.contains(c.queue.as_str()) {
                self.push(
                    format!("{path}.queue"),
                    format!("there is no queue named \"{}\"", c.queue),
                );
            }
            if c.ack == AckMode::Auto && !c.rules.is_empty() {
                self.push(
                    format!("{path}.rules"),
                    "nack and reject rules need manual acknowledgements (\"ack\": \"manual\")",
                );
            }
            for (r, rule) in c.rules.iter().enumerate() {
                if rule.when == crate::scenario::RuleMatch::EveryNth(0) {
                    self.push(
                        format!("{path}.rules[{r}].when.every_nth"),
                        "every_nth must be 1 or more",
                    );
                }
            }
            if c.stop_after == Some(0) {
                self.push(
                    format!("{path}.stop_after"),
                    "stop_after must be 1 or more (leave it out to consume until the run ends)",
                );
            }
            if c.processing_ms > s.settings.max_duration_ms {
                self.push(
                    format!("{path}.processing_ms"),
                    "processing time per message is longer than the whole run",
                );
            }
            self.start(&format!("{path}.start"), &c.name, &c.start, &actors, s);
        }
        self.timeline(s, &actors, &queues, &policy_names);
        if let Some(exercise) = &s.exercise {
            self.problems.extend(crate::exercise::problems(exercise, self.limits));
        }
    }

    fn limits_of(&mut self, s: &Scenario) {
        let l = self.limits;
        let counts = [
            ("exchanges", s.exchanges.len(), l.max_exchanges),
            ("queues", s.queues.len(), l.max_queues),
            ("bindings", s.bindings.len(), l.max_bindings),
            ("policies", s.policies.len(), l.max_policies),
            ("timeline", s.timeline.len(), l.max_steps),
        ];
        for (path, n, max) in counts {
            if n > max {
                self.push(path, format!("{n} {path} is more than this relay's limit of {max}"));
            }
        }
        let actors = s.publishers.len() + s.consumers.len();
        if actors > l.max_actors {
            self.push(
                "publishers",
                format!(
                    "{actors} publishers and consumers is more than this relay's limit of {}",
                    l.max_actors
                ),
            );
        }
        let total = s.total_messages();
        if total > l.max_messages {
            self.push(
                "publishers",
                format!(
                    "the publishers send {total} messages in all, more than this relay's limit of {} per run",
                    l.max_messages
                ),
            );
        }
    }

    fn settings(&mut self, s: &Scenario) {
        let max = self.limits.max_duration_ms;
        if s.settings.max_duration_ms == 0 {
            self.push(
                "settings.max_duration_ms",
                "the run needs some time: give max_duration_ms a positive value",
            );
        } else if s.settings.max_duration_ms > max {
            self.push(
                "settings.max_duration_ms",
                format!(
                    "{} ms is longer than this relay's limit of {max} ms per run",
                    s.settings.max_duration_ms
                ),
            );
        }
        if s.settings.snapshot_interval_ms < 200 {
            self.push(
                "settings.snapshot_interval_ms",
                "queue snapshots can be taken at most every 200 ms",
            );
        }
    }

    /// Checks names of one kind and returns the set of valid ones.
    fn names<'s>(&mut self, path: &str, names: impl Iterator<Item = &'s str>, what: &str) -> HashSet<&'s str> {
        let mut seen = HashSet::new();
        for (i, name) in names.enumerate() {
            let at = if path == "actors" {
                "actors".to_owned()
            } else {
                format!("{path}[{i}].name")
            };
            if name.trim().is_empty() {
                self.push(at, format!("every {what} needs a name"));
            } else if name.len() > 255 {
                self.push(
                    at,
                    format!(
                        "the {what} name is {} bytes long; AMQP names are at most 255",
                        name.len()
                    ),
                );
            } else if name.starts_with("amq.") && path != "actors" {
                self.push(
                    at,
                    format!("names starting with \"amq.\" are reserved by RabbitMQ: rename \"{name}\""),
                );
            } else if !seen.insert(name) {
                self.push(at, format!("another {what} is already named \"{name}\""));
            }
        }
        seen
    }

    fn arguments_exchange(&mut self, path: &str, args: &Arguments) {
        if let Some(ae) = args.get("alternate-exchange")
            && !ae.is_string()
        {
            self.push(
                format!("{path}.alternate-exchange"),
                "alternate-exchange must be the name of an exchange (a string)",
            );
        }
    }

    fn arguments_queue(&mut self, path: &str, kind: crate::scenario::QueueType, args: &Arguments) {
        for (key, value) in args {
            if let Some(message) = queue_argument_problem(key, value, kind) {
                self.push(format!("{path}.arguments.{key}"), message);
            }
        }
    }

    fn node(&mut self, path: &str, node: &str) {
        let known = &self.limits.nodes;
        if !known.is_empty() && !known.iter().any(|n| n == node) {
            self.push(
                path,
                format!(
                    "there is no node named \"{node}\"; this cluster has {}",
                    known.join(", ")
                ),
            );
        }
    }

    fn policy(&mut self, path: &str, p: &Policy) {
        if p.name.trim().is_empty() {
            self.push(format!("{path}.name"), "every policy needs a name");
        }
        if p.pattern.is_empty() {
            self.push(
                format!("{path}.pattern"),
                "the pattern is a regular expression matched against names; \".*\" matches everything",
            );
        }
        if p.definition.is_empty() {
            self.push(
                format!("{path}.definition"),
                "a policy needs at least one key, e.g. \"alternate-exchange\" or \"max-length\"",
            );
        }
        if p.definition.contains_key("max-priority") || p.definition.contains_key("x-max-priority") {
            self.push(
                format!("{path}.definition"),
                "RabbitMQ does not accept priorities in a policy: set x-max-priority on the queue",
            );
        }
    }

    fn publisher(&mut self, i: usize, p: &crate::scenario::Publisher, exchanges: &HashSet<&str>, s: &Scenario) {
        let path = format!("publishers[{i}]");
        if !exchanges.contains(p.exchange.as_str()) && !BUILTIN_EXCHANGES.contains(&p.exchange.as_str()) {
            self.push(
                format!("{path}.exchange"),
                format!(
                    "there is no exchange named \"{}\" (use \"\" for the default exchange)",
                    p.exchange
                ),
            );
        }
        if p.routing_key.len() > 255 {
            self.push(format!("{path}.routing_key"), "a routing key is at most 255 bytes");
        }
        if p.count == 0 {
            self.push(format!("{path}.count"), "a publisher sends at least one message");
        }
        if let Some(rate) = p.rate_per_sec
            && !(rate.is_finite() && rate > 0.0)
        {
            self.push(
                format!("{path}.rate_per_sec"),
                "the rate must be a positive number of messages per second (leave it out for as fast as possible)",
            );
        }
        let body = p.max_body_len();
        if body > self.limits.max_body_bytes {
            self.push(
                format!("{path}.body"),
                format!(
                    "a body of {body} bytes is larger than this relay's limit of {} bytes",
                    self.limits.max_body_bytes
                ),
            );
        }
        match &p.priority {
            PriorityRule::EveryNth { n: 0, .. } => self.push(format!("{path}.priority.n"), "n must be 1 or more"),
            PriorityRule::List { priorities } if priorities.is_empty() => {
                self.push(format!("{path}.priority.priorities"), "give at least one priority")
            }
            PriorityRule::Random { min, max, .. } if min > max => {
                self.push(format!("{path}.priority"), "min must not be larger than max")
            }
            _ => {}
        }
        match p.confirm {
            ConfirmMode::Batch { size: 0 } => {
                self.push(format!("{path}.confirm.size"), "a batch holds at least one message")
            }
            ConfirmMode::Streaming { window: 0 } => self.push(
                format!("{path}.confirm.window"),
                "the window must allow at least one message in flight",
            ),
            _ => {}
        }
        if p.outbox.is_some() && !p.confirm.enabled() {
            self.push(
                format!("{path}.outbox"),
                "the outbox keeps messages until the broker confirms them: choose a confirm mode other than \"off\"",
            );
        }
        let actors: HashSet<&str> = s.actor_names().collect();
        self.start(&format!("{path}.start"), &p.name, &p.start, &actors, s);
    }

    fn start(&mut self, path: &str, me: &str, start: &Start, actors: &HashSet<&str>, s: &Scenario) {
        match start {
            Start::AtMs(ms) if *ms > s.settings.max_duration_ms => {
                self.push(
                    path,
                    format!(
                        "starts at {ms} ms, after the run's time limit of {} ms",
                        s.settings.max_duration_ms
                    ),
                );
            }
            Start::After(other) if other == me => self.push(path, "an actor cannot wait for itself"),
            Start::After(other) if !actors.contains(other.as_str()) => {
                self.push(
                    path,
                    format!("there is no publisher or consumer named \"{other}\" to wait for"),
                );
            }
            Start::After(_) if waits_in_a_cycle(me, s) => {
                self.push(
                    path,
                    format!("\"{me}\" waits for an actor that (in the end) waits for \"{me}\": nothing would start"),
                );
            }
            Start::OnStep
                if !s
                    .timeline
                    .iter()
                    .any(|st| matches!(st, Step::Start { actor, .. } if actor == me)) =>
            {
                self.push(
                    path,
                    format!("\"{me}\" starts on a timeline step, but no step starts it"),
                );
            }
            _ => {}
        }
    }

    fn timeline(&mut self, s: &Scenario, actors: &HashSet<&str>, queues: &HashSet<&str>, policies: &HashSet<&str>) {
        let mut applied: HashSet<&str> = policies.clone();
        for i in crate::order::by_key(s.timeline.iter().map(Step::at_ms)) {
            let step = &s.timeline[i];
            let path = format!("timeline[{i}]");
            if step.at_ms() > s.settings.max_duration_ms {
                self.push(
                    format!("{path}.at_ms"),
                    format!(
                        "{} ms is after the run's time limit of {} ms",
                        step.at_ms(),
                        s.settings.max_duration_ms
                    ),
                );
            }
            match step {
                Step::Start { actor, .. } | Step::Stop { actor, .. } if !actors.contains(actor.as_str()) => {
                    self.push(
                        format!("{path}.actor"),
                        format!("there is no publisher or consumer named \"{actor}\""),
                    );
                }
                Step::Purge { queue, .. } if !queues.contains(queue.as_str()) => {
                    self.push(format!("{path}.queue"), format!("there is no queue named \"{queue}\""));
                }
                Step::ApplyPolicy { policy, .. } => {
                    self.policy(&format!("{path}.policy"), policy);
                    applied.insert(policy.name.as_str());
                }
                Step::ClearPolicy { name, .. } if !applied.contains(name.as_str()) => {
                    self.push(
                        format!("{path}.name"),
                        format!("no policy named \"{name}\" is set at that time"),
                    );
                }
                Step::StopNode { node, .. } | Step::KillNode { node, .. } | Step::StartNode { node, .. } => {
                    if self.limits.node_faults {
                        self.node(&format!("{path}.node"), node);
                    } else {
                        self.push(
                            format!("{path}.action"),
                            "node faults are turned off on this relay: stopping a node would hit every run on the \
                             cluster, so they are allowed only on the cluster Warren manages for a single user \
                             (not in workshop mode or on an external broker); cut the connections instead",
                        );
                    }
                }
                Step::CutConnections { duration_ms, .. } if *duration_ms == 0 => {
                    self.push(format!("{path}.duration_ms"), "a connection cut lasts at least 1 ms");
                }
                _ => {}
            }
        }
    }
}

/// What is wrong with one queue argument, if anything. Unknown arguments pass through.
fn queue_argument_problem(key: &str, value: &Value, kind: crate::scenario::QueueType) -> Option<String> {
    let ok = match key {
        "x-max-priority" => matches!(value.as_u64(), Some(1..=255)),
        "x-queue-mode" => matches!(value.as_str(), Some("default" | "lazy")),
        "x-overflow" => matches!(
            value.as_str(),
            Some("drop-head" | "reject-publish" | "reject-publish-dlx")
        ),
        "x-max-length" | "x-max-length-bytes" | "x-message-ttl" | "x-delivery-limit" => value.as_u64().is_some(),
        "x-expires" => matches!(value.as_u64(), Some(1..)),
        "x-dead-letter-exchange"
        | "x-dead-letter-routing-key"
        | "x-queue-master-locator"
        | "x-queue-leader-locator" => value.is_string(),
        "x-queue-type" => value.as_str() == Some(kind.as_str()),
        _ => true,
    };
    if ok {
        return None;
    }
    Some(match key {
        "x-max-priority" => {
            "x-max-priority must be a whole number from 1 to 255 (RabbitMQ recommends at most 10)".to_owned()
        }
        "x-queue-mode" => "x-queue-mode must be \"default\" or \"lazy\"".to_owned(),
        "x-overflow" => "x-overflow must be \"drop-head\", \"reject-publish\" or \"reject-publish-dlx\"".to_owned(),
        "x-expires" => "x-expires must be a whole number of milliseconds, 1 or more".to_owned(),
        "x-queue-type" => "set the queue type with the queue's \"type\" field, not x-queue-type".to_owned(),
        "x-dead-letter-exchange"
        | "x-dead-letter-routing-key"
        | "x-queue-master-locator"
        | "x-queue-leader-locator" => {
            format!("{key} must be a string")
        }
        _ => format!("{key} must be a whole number of 0 or more"),
    })
}

fn waits_in_a_cycle(me: &str, s: &Scenario) -> bool {
    let waits: HashMap<&str, &str> = s
        .publishers
        .iter()
        .map(|p| (p.name.as_str(), &p.start))
        .chain(s.consumers.iter().map(|c| (c.name.as_str(), &c.start)))
        .filter_map(|(n, st)| match st {
            Start::After(o) => Some((n, o.as_str())),
            _ => None,
        })
        .collect();
    let mut cur = me;
    for _ in 0..=waits.len() {
        match waits.get(cur) {
            Some(&next) if next == me => return true,
            Some(&next) => cur = next,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Scenario {
        parse_scenario(&v).expect("parses")
    }

    fn paths(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.path.as_str()).collect()
    }

    #[test]
    fn a_sound_scenario_has_no_problems() {
        let s = parse(json!({
            "version": 1,
            "exchanges": [{"name": "confirm-exchange", "type": "direct"}],
            "queues": [{"name": "confirm-queue", "arguments": {"x-max-priority": 10}}],
            "bindings": [{"source": "confirm-exchange", "destination": "confirm-queue", "routing_key": "default"}],
            "publishers": [{"name": "producer", "exchange": "confirm-exchange", "routing_key": "default", "count": 100}],
            "consumers": [{"name": "consumer", "queue": "confirm-queue", "start": {"after": "producer"}}]
        }));
        assert_eq!(validate(&s, &Limits::default()), vec![]);
    }

    #[test]
    fn hand_placed_positions_are_checked_but_stale_ones_are_harmless() {
        let s = parse(json!({
            "version": 1,
            "queues": [{"name": "q"}],
            "positions": {
                "queue:q": {"x": 10.0, "y": 20.0},
                "queue:gone": {"x": 1.0, "y": 1.0},
                "table:q": {"x": 1.0, "y": 1.0},
                "exchange:": {"x": -5.0, "y": 1.0}
            }
        }));
        let problems = validate(&s, &Limits::default());
        assert_eq!(
            paths(&problems),
            vec![r#"positions["exchange:"]"#, r#"positions["table:q"]"#]
        );
        let text = serde_json::to_string(&s).expect("serialises");
        assert_eq!(
            parse(serde_json::from_str(&text).expect("json")),
            s,
            "positions survive a round trip"
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let s = parse(json!({
            "version": 1,
            "exchanges": [{"name": "x"}, {"name": "x"}],
            "queues": [{"name": "a"}, {"name": "b"}, {"name": "c", "arguments": {"x-max-priority": 300}}],
            "bindings": [{"source": "nope", "destination": "a"}],
            "publishers": [{"name": "p", "exchange": "missing", "count": 0}],
            "consumers": [{"name": "c1", "queue": "ghost", "ack": "auto",
                "rules": [{"when": "always", "action": "nack"}]}]
        }));
        let problems = validate(&s, &Limits::default());
        let got = paths(&problems);
        for want in [
            "exchanges[1].name",
            "queues[2].arguments.x-max-priority",
            "bindings[0].source",
            "publishers[0].exchange",
            "publishers[0].count",
            "consumers[0].queue",
            "consumers[0].rules",
        ] {
            assert!(got.contains(&want), "missing {want} in {got:?}");
        }
        assert!(problems.iter().all(|p| !p.message.is_empty()));
    }

    #[test]
    fn limits_are_named_in_the_message() {
        let s = parse(json!({
            "version": 1,
            "exchanges": [{"name": "x"}],
            "publishers": [{"name": "p", "exchange": "x", "count": 300000}]
        }));
        let problems = validate(&s, &Limits::default());
        assert!(problems.iter().any(|p| p.message.contains("200000")), "{problems:?}");
    }

    #[test]
    fn type_errors_carry_a_path() {
        let err =
            parse_scenario(&json!({"version": 1, "queues": [{"name": "q", "durable": "yes"}]})).expect_err("must fail");
        assert_eq!(err[0].path, "queues[0].durable");
    }

    #[test]
    fn unknown_fields_are_named() {
        let err =
            parse_scenario(&json!({"version": 1, "queues": [{"name": "q", "dureble": true}]})).expect_err("must fail");
        assert!(err[0].message.contains("dureble"), "{err:?}");
    }

    #[test]
    fn newer_versions_are_refused_clearly() {
        let err = parse_scenario(&json!({"version": 2})).expect_err("must fail");
        assert_eq!(err[0].path, "version");
    }

    /// Found by fuzzing (`cargo xtask fuzz`, target `scenario`): `[0]`, an array of the fields
    /// in order, parsed as a scenario of version 0 that, written out, no longer parsed.
    #[test]
    fn a_scenario_is_an_object() {
        for document in [
            json!([0]),
            json!([1, "by position"]),
            json!(null),
            json!("scenario"),
            json!(1),
        ] {
            let problems = parse_scenario(&document).expect_err("not an object");
            assert_eq!(paths(&problems), vec![""], "{document}");
            assert!(
                problems[0].message.starts_with("a scenario is a JSON object"),
                "{problems:?}"
            );
        }
        assert!(
            parse_scenario(&json!([0])).expect_err("an array")[0]
                .message
                .contains("not an array")
        );
    }

    #[test]
    fn node_faults_need_permission_and_known_nodes() {
        let s = parse(json!({
            "version": 1,
            "queues": [{"name": "q", "node": "warren-9@localhost"}],
            "timeline": [{"action": "stop_node", "at_ms": 10, "node": "warren-2@localhost"}]
        }));
        let refused = validate(&s, &Limits::default());
        assert!(
            refused
                .iter()
                .any(|p| p.path == "timeline[0].action" && p.message.contains("turned off"))
        );
        let limits = Limits {
            node_faults: true,
            nodes: vec!["warren-1@localhost".into(), "warren-2@localhost".into()],
            ..Limits::default()
        };
        let problems = validate(&s, &limits);
        assert_eq!(paths(&problems), vec!["queues[0].node"]);
    }

    #[test]
    fn an_outbox_needs_confirms() {
        let s = parse(json!({
            "version": 1,
            "queues": [{"name": "q"}],
            "publishers": [{"name": "p", "exchange": "", "routing_key": "q", "count": 1,
                "confirm": {"mode": "off"}, "outbox": {}}]
        }));
        assert_eq!(paths(&validate(&s, &Limits::default())), vec!["publishers[0].outbox"]);
    }

    #[test]
    fn waiting_cycles_are_found() {
        let s = parse(json!({
            "version": 1,
            "queues": [{"name": "q"}],
            "consumers": [
                {"name": "a", "queue": "q", "start": {"after": "b"}},
                {"name": "b", "queue": "q", "start": {"after": "a"}}
            ]
        }));
        let problems = validate(&s, &Limits::default());
        assert_eq!(paths(&problems), vec!["consumers[0].start", "consumers[1].start"]);
    }

    /// A parsed scenario written out and read again is the same scenario: the share link, the
    /// editor and the fuzz targets rely on it. Checked on every example of the repository.
    #[test]
    fn every_example_survives_a_round_trip() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).expect("the examples folder") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("an example");
            let scenario = parse(serde_json::from_str(&text).expect("JSON"));
            let written = serde_json::to_value(&scenario).expect("serialize");
            assert_eq!(parse(written), scenario, "{}", path.display());
            seen += 1;
        }
        assert!(seen >= 10, "only {seen} examples in {}", dir.display());
    }
}
