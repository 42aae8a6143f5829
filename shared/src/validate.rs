//! Scenario validation: every problem at once, each with a path such as
//! `queues[2].arguments.x-max-priority` and a sentence a newcomer understands.
//!
//! Validation catches what is malformed or out of Warren's limits. What RabbitMQ itself decides
//! (a quorum queue that is not durable, an argument this broker version refuses) is left to the
//! broker, so the run can show RabbitMQ's own answer.

use crate::say;
use crate::scenario::{
    AckMode, Arguments, ConfirmMode, DestinationType, Policy, PriorityRule, SCENARIO_VERSION, Scenario, Start, Step,
};
use crate::sentences::problems as say;
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
        Value::Null => Some(say::NULL),
        Value::Bool(_) => Some(say::A_BOOLEAN),
        Value::Number(_) => Some(say::A_NUMBER),
        Value::String(_) => Some(say::A_STRING),
        Value::Array(_) => Some(say::AN_ARRAY),
    };
    if let Some(kind) = kind {
        return Err(vec![Problem::new(
            "",
            say!(say::NOT_AN_OBJECT, version = SCENARIO_VERSION, kind),
        )]);
    }
    if let Some(version) = value.get("version").and_then(Value::as_u64)
        && version != u64::from(SCENARIO_VERSION)
    {
        return Err(vec![Problem::new(
            "version",
            say!(say::WRONG_VERSION, supported = SCENARIO_VERSION, version),
        )]);
    }
    crate::tracked::deserialize::<Scenario>(value).map_err(|(path, error)| {
        vec![Problem::new(
            path,
            describe_serde_error(&error.to_string(), "docs/scenarios.md"),
        )]
    })
}

/// serde's error as a problem's sentence, pointing at the document that describes the format.
pub(crate) fn describe_serde_error(raw: &str, doc: &str) -> String {
    // serde_json appends " at line N column M", meaningless for a value already parsed.
    let error = raw.split(" at line ").next().unwrap_or(raw);
    say!(say::SEE_FORMAT, error, doc)
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
                self.push(path.clone(), say::POSITION_KEY);
            }
            if !(0.0..=EXTENT).contains(&at.x) || !(0.0..=EXTENT).contains(&at.y) {
                self.push(path, say!(say::POSITION_RANGE, max = EXTENT));
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
                say!(say::WRONG_VERSION, supported = SCENARIO_VERSION, version = s.version),
            );
        }
        self.limits_of(s);
        self.settings(s);
        self.positions(s);
        let exchanges = self.names("exchanges", s.exchanges.iter().map(|e| e.name.as_str()), say::EXCHANGE);
        let queues = self.names("queues", s.queues.iter().map(|q| q.name.as_str()), say::QUEUE);
        for (i, e) in s.exchanges.iter().enumerate() {
            self.arguments_exchange(&format!("exchanges[{i}].arguments"), &e.arguments);
        }
        for (i, q) in s.queues.iter().enumerate() {
            self.arguments_queue(&format!("queues[{i}]"), q.kind, &q.arguments);
            if let Some(node) = &q.node {
                self.node(&format!("queues[{i}].node"), node);
                if q.exclusive {
                    self.push(format!("queues[{i}].node"), say::EXCLUSIVE_ON_NODE);
                }
            }
        }
        for (i, b) in s.bindings.iter().enumerate() {
            let path = format!("bindings[{i}]");
            if b.source.is_empty() {
                self.push(format!("{path}.source"), say::DEFAULT_UNBINDABLE);
            } else if !exchanges.contains(b.source.as_str()) && !BUILTIN_EXCHANGES.contains(&b.source.as_str()) {
                self.push(
                    format!("{path}.source"),
                    say!(say::NO_NAMED, kind = say::EXCHANGE, name = b.source),
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
                    DestinationType::Queue => say::QUEUE,
                    DestinationType::Exchange => say::EXCHANGE,
                };
                self.push(
                    format!("{path}.destination"),
                    say!(say::NO_NAMED, kind, name = b.destination),
                );
            }
            if let Some(m) = b.arguments.get("x-match")
                && !matches!(m.as_str(), Some("all" | "any" | "all-with-x" | "any-with-x"))
            {
                self.push(format!("{path}.arguments.x-match"), say::X_MATCH);
            }
        }
        let mut policy_names = HashSet::new();
        for (i, p) in s.policies.iter().enumerate() {
            self.policy(&format!("policies[{i}]"), p);
            if !policy_names.insert(p.name.as_str()) {
                self.push(
                    format!("policies[{i}].name"),
                    say!(say::NAME_TAKEN, what = say::POLICY, name = p.name),
                );
            }
        }
        let actors = self.names("actors", s.actor_names(), say::ACTOR);
        for (i, p) in s.publishers.iter().enumerate() {
            self.publisher(i, p, &exchanges, s);
        }
        for (i, c) in s.consumers.iter().enumerate() {
            let path = format!("consumers[{i}]");
            if !queues.contains(c.queue.as_str()) {
                self.push(
                    format!("{path}.queue"),
                    say!(say::NO_NAMED, kind = say::QUEUE, name = c.queue),
                );
            }
            if c.ack == AckMode::Auto && !c.rules.is_empty() {
                self.push(format!("{path}.rules"), say::RULES_NEED_MANUAL);
            }
            for (r, rule) in c.rules.iter().enumerate() {
                if rule.when == crate::scenario::RuleMatch::EveryNth(0) {
                    self.push(format!("{path}.rules[{r}].when.every_nth"), say::EVERY_NTH_ZERO);
                }
            }
            if c.stop_after == Some(0) {
                self.push(format!("{path}.stop_after"), say::STOP_AFTER_ZERO);
            }
            if c.processing_ms > s.settings.max_duration_ms {
                self.push(format!("{path}.processing_ms"), say::PROCESSING_TOO_LONG);
            }
            self.start(&format!("{path}.start"), &c.name, &c.start, &actors, s);
        }
        self.timeline(s, &actors, &queues, &policy_names);
    }

    fn limits_of(&mut self, s: &Scenario) {
        let l = self.limits;
        let counts = [
            ("exchanges", say::EXCHANGES, s.exchanges.len(), l.max_exchanges),
            ("queues", say::QUEUES, s.queues.len(), l.max_queues),
            ("bindings", say::BINDINGS, s.bindings.len(), l.max_bindings),
            ("policies", say::POLICIES, s.policies.len(), l.max_policies),
            ("timeline", say::STEPS, s.timeline.len(), l.max_steps),
            (
                "publishers",
                say::ACTORS,
                s.publishers.len() + s.consumers.len(),
                l.max_actors,
            ),
        ];
        for (path, what, n, max) in counts {
            if n > max {
                self.push(path, say!(say::OVER_LIMIT, n, what, max));
            }
        }
        let total = s.total_messages();
        if total > l.max_messages {
            self.push("publishers", say!(say::TOO_MANY_MESSAGES, total, max = l.max_messages));
        }
    }

    fn settings(&mut self, s: &Scenario) {
        let max = self.limits.max_duration_ms;
        if s.settings.max_duration_ms == 0 {
            self.push("settings.max_duration_ms", say::NO_TIME);
        } else if s.settings.max_duration_ms > max {
            self.push(
                "settings.max_duration_ms",
                say!(say::TOO_LONG, ms = s.settings.max_duration_ms, max),
            );
        }
        const SHORTEST_INTERVAL_MS: u64 = 200;
        if s.settings.snapshot_interval_ms < SHORTEST_INTERVAL_MS {
            self.push(
                "settings.snapshot_interval_ms",
                say!(say::SNAPSHOT_INTERVAL, ms = SHORTEST_INTERVAL_MS),
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
                self.push(at, say!(say::NEEDS_NAME, what));
            } else if name.len() > 255 {
                self.push(at, say!(say::NAME_TOO_LONG, what, bytes = name.len()));
            } else if name.starts_with("amq.") && path != "actors" {
                self.push(at, say!(say::AMQ_RESERVED, name));
            } else if !seen.insert(name) {
                self.push(at, say!(say::NAME_TAKEN, what, name));
            }
        }
        seen
    }

    fn arguments_exchange(&mut self, path: &str, args: &Arguments) {
        if let Some(ae) = args.get("alternate-exchange")
            && !ae.is_string()
        {
            self.push(format!("{path}.alternate-exchange"), say::ALTERNATE_EXCHANGE);
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
            self.push(path, say!(say::NO_NODE, node, nodes = known.join(", ")));
        }
    }

    fn policy(&mut self, path: &str, p: &Policy) {
        if p.name.trim().is_empty() {
            self.push(format!("{path}.name"), say!(say::NEEDS_NAME, what = say::POLICY));
        }
        if p.pattern.is_empty() {
            self.push(format!("{path}.pattern"), say::POLICY_PATTERN);
        }
        if p.definition.is_empty() {
            self.push(format!("{path}.definition"), say::POLICY_EMPTY);
        }
        if p.definition.contains_key("max-priority") || p.definition.contains_key("x-max-priority") {
            self.push(format!("{path}.definition"), say::POLICY_PRIORITY);
        }
    }

    fn publisher(&mut self, i: usize, p: &crate::scenario::Publisher, exchanges: &HashSet<&str>, s: &Scenario) {
        let path = format!("publishers[{i}]");
        if !exchanges.contains(p.exchange.as_str()) && !BUILTIN_EXCHANGES.contains(&p.exchange.as_str()) {
            self.push(
                format!("{path}.exchange"),
                say!(say::NO_EXCHANGE_TO_SEND_TO, name = p.exchange),
            );
        }
        if p.routing_key.len() > 255 {
            self.push(format!("{path}.routing_key"), say::ROUTING_KEY_TOO_LONG);
        }
        if p.count == 0 {
            self.push(format!("{path}.count"), say::NO_MESSAGES);
        }
        if let Some(rate) = p.rate_per_sec
            && !(rate.is_finite() && rate > 0.0)
        {
            self.push(format!("{path}.rate_per_sec"), say::RATE);
        }
        let body = p.max_body_len();
        if body > self.limits.max_body_bytes {
            self.push(
                format!("{path}.body"),
                say!(say::BODY_TOO_LARGE, bytes = body, max = self.limits.max_body_bytes),
            );
        }
        match &p.priority {
            PriorityRule::EveryNth { n: 0, .. } => self.push(format!("{path}.priority.n"), say::N_ZERO),
            PriorityRule::List { priorities } if priorities.is_empty() => {
                self.push(format!("{path}.priority.priorities"), say::NO_PRIORITIES)
            }
            PriorityRule::Random { min, max, .. } if min > max => {
                self.push(format!("{path}.priority"), say::MIN_OVER_MAX)
            }
            _ => {}
        }
        match p.confirm {
            ConfirmMode::Batch { size: 0 } => self.push(format!("{path}.confirm.size"), say::EMPTY_BATCH),
            ConfirmMode::Streaming { window: 0 } => self.push(format!("{path}.confirm.window"), say::EMPTY_WINDOW),
            _ => {}
        }
        if p.outbox.is_some() && !p.confirm.enabled() {
            self.push(format!("{path}.outbox"), say::OUTBOX_NEEDS_CONFIRMS);
        }
        let actors: HashSet<&str> = s.actor_names().collect();
        self.start(&format!("{path}.start"), &p.name, &p.start, &actors, s);
    }

    fn start(&mut self, path: &str, me: &str, start: &Start, actors: &HashSet<&str>, s: &Scenario) {
        match start {
            Start::AtMs(ms) if *ms > s.settings.max_duration_ms => {
                self.push(
                    path,
                    say!(say::STARTS_TOO_LATE, at = ms, max = s.settings.max_duration_ms),
                );
            }
            Start::After(other) if other == me => self.push(path, say::WAITS_FOR_ITSELF),
            Start::After(other) if !actors.contains(other.as_str()) => {
                self.push(path, say!(say::NO_ACTOR_TO_WAIT_FOR, name = other));
            }
            Start::After(_) if waits_in_a_cycle(me, s) => {
                self.push(path, say!(say::WAITS_IN_A_CYCLE, name = me));
            }
            Start::OnStep
                if !s
                    .timeline
                    .iter()
                    .any(|st| matches!(st, Step::Start { actor, .. } if actor == me)) =>
            {
                self.push(path, say!(say::NO_START_STEP, name = me));
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
                    say!(say::STEP_TOO_LATE, at = step.at_ms(), max = s.settings.max_duration_ms),
                );
            }
            match step {
                Step::Start { actor, .. } | Step::Stop { actor, .. } if !actors.contains(actor.as_str()) => {
                    self.push(format!("{path}.actor"), say!(say::NO_ACTOR, name = actor));
                }
                Step::Purge { queue, .. } if !queues.contains(queue.as_str()) => {
                    self.push(
                        format!("{path}.queue"),
                        say!(say::NO_NAMED, kind = say::QUEUE, name = queue),
                    );
                }
                Step::ApplyPolicy { policy, .. } => {
                    self.policy(&format!("{path}.policy"), policy);
                    applied.insert(policy.name.as_str());
                }
                Step::ClearPolicy { name, .. } if !applied.contains(name.as_str()) => {
                    self.push(format!("{path}.name"), say!(say::POLICY_NOT_SET, name));
                }
                Step::StopNode { node, .. } | Step::KillNode { node, .. } | Step::StartNode { node, .. } => {
                    if self.limits.node_faults {
                        self.node(&format!("{path}.node"), node);
                    } else {
                        self.push(format!("{path}.action"), say::NODE_FAULTS_OFF);
                    }
                }
                Step::CutConnections { duration_ms, .. } if *duration_ms == 0 => {
                    self.push(format!("{path}.duration_ms"), say::CUT_TOO_SHORT);
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
        "x-max-priority" => say::MAX_PRIORITY_ARGUMENT.to_owned(),
        "x-queue-mode" => say::QUEUE_MODE_ARGUMENT.to_owned(),
        "x-overflow" => say::OVERFLOW_ARGUMENT.to_owned(),
        "x-expires" => say::EXPIRES_ARGUMENT.to_owned(),
        "x-queue-type" => say::QUEUE_TYPE_ARGUMENT.to_owned(),
        "x-dead-letter-exchange"
        | "x-dead-letter-routing-key"
        | "x-queue-master-locator"
        | "x-queue-leader-locator" => say!(say::STRING_ARGUMENT, key),
        _ => say!(say::NUMBER_ARGUMENT, key),
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
