//! The timeline editor's model: which lanes the scenario's steps sit in, where on the time axis
//! they go, how a dragged marker's time snaps, which steps can be added, and which validation
//! problems belong to which field of a step. Pure; [`crate::views::timeline`] draws it.
//!
//! Lanes run top to bottom: one per publisher and consumer (their start and stop steps, and
//! their start rules), one per queue a step purges, one for policies, one per broker node (the
//! cluster's nodes and any node a step names) and one for the relay's connections (a cut is a
//! bar as long as it lasts). Times are placed as fractions of the axis, so the drawing does not
//! need to know its width in pixels.

use crate::i18n::{Lang, Text};
use std::collections::BTreeSet;
use warren_shared::{ApplyTo, Arguments, Event, EventKind, Policy, Problem, Scenario, Start, Step};

/// Dragged and typed times snap to this many milliseconds.
pub const SNAP_MS: u64 = 100;
/// The shortest axis drawn, so a scenario without steps still has room to add some.
const MIN_SPAN_MS: u64 = 5_000;
/// Room after the latest step, so it can be dragged later.
const HEADROOM_MS: u64 = 1_000;
/// Tick spacings, smallest first; the axis takes the first that gives at most [`MAX_TICKS`].
const TICK_STEPS_MS: [u64; 13] = [
    100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
];
/// Most ticks on the axis.
const MAX_TICKS: u64 = 10;
/// How long a new connection cut lasts.
pub const DEFAULT_CUT_MS: u64 = 3_000;
/// The nodes of the cluster Warren manages, offered for node faults until the relay's hello
/// (or a step) names the real ones.
pub const MANAGED_NODES: [&str; 3] = ["warren-1@localhost", "warren-2@localhost", "warren-3@localhost"];

/// What a lane holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LaneKind {
    /// A publisher: its start rule and its start and stop steps.
    Publisher,
    /// A consumer: the same.
    Consumer,
    /// A queue that a step purges.
    Queue,
    /// Every policy applied or cleared during the run.
    Policies,
    /// A broker node: stops, kills and starts.
    Node,
    /// The relay's own connections: cuts.
    Connections,
}

impl LaneKind {
    /// CSS class and `data-lane`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publisher => "publisher",
            Self::Consumer => "consumer",
            Self::Queue => "queue",
            Self::Policies => "policies",
            Self::Node => "node",
            Self::Connections => "connections",
        }
    }
}

/// One row of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// What it holds.
    pub kind: LaneKind,
    /// The actor, queue or node it is about (empty for policies and connections).
    pub name: String,
    /// Whether the scenario (or the cluster) has it; a lane made only because a step names it
    /// is not, and validation says what is wrong.
    pub known: bool,
}

impl Lane {
    /// The lane's title: the name (a node without its host), or what the lane holds.
    pub fn label(&self) -> String {
        self.label_in(Lang::En)
    }

    /// [`Lane::label`] in `lang`.
    pub fn label_in(&self, lang: Lang) -> String {
        match self.kind {
            LaneKind::Policies => Text::LanePolicies.text(lang).to_owned(),
            LaneKind::Connections => Text::LaneConnections.text(lang).to_owned(),
            LaneKind::Node => short_node(&self.name).to_owned(),
            _ => self.name.clone(),
        }
    }
}

/// A node's name without `@host`.
pub fn short_node(name: &str) -> &str {
    name.split('@').next().unwrap_or(name)
}

/// One step drawn in its lane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// Index in the scenario's `timeline`.
    pub step: usize,
    /// Index in [`Timeline::lanes`].
    pub lane: usize,
    /// When it runs.
    pub at_ms: u64,
    /// How long it lasts (a connection cut), drawn as a bar.
    pub duration_ms: Option<u64>,
    /// The step's `action`, e.g. `kill_node`; also its CSS class.
    pub action: &'static str,
    /// The word on the marker, e.g. `kill` or `apply`.
    pub verb: Text,
    /// What follows it, e.g. the policy of `apply ha-two` or the time of `cut 3 s` (may be empty).
    pub object: String,
}

impl Marker {
    /// A word or two on the marker, e.g. `kill` or `apply ha-two`, in `lang`.
    pub fn label(&self, lang: Lang) -> String {
        if self.object.is_empty() {
            self.verb.text(lang).to_owned()
        } else {
            format!("{} {}", self.verb.text(lang), self.object)
        }
    }
}

/// How an actor starts, drawn in its lane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorStart {
    /// Index in [`Timeline::lanes`].
    pub lane: usize,
    /// The rule.
    pub rule: Start,
}

/// Everything the timeline draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Rows, top to bottom.
    pub lanes: Vec<Lane>,
    /// One per step, in the scenario's order.
    pub markers: Vec<Marker>,
    /// One per actor.
    pub starts: Vec<ActorStart>,
    /// The axis.
    pub scale: Scale,
    /// The run's time limit (`settings.max_duration_ms`), drawn when it is on the axis.
    pub limit_ms: u64,
}

/// Words for each step action in the add form, in the order of [`Step::NAMES`].
const ACTION_WORDS: [Text; 9] = [
    Text::ActionStartActor,
    Text::ActionStopActor,
    Text::ActionPurgeQueue,
    Text::ActionApplyPolicy,
    Text::ActionClearPolicy,
    Text::ActionStopNode,
    Text::ActionKillNode,
    Text::ActionStartNode,
    Text::ActionCutConnections,
];

/// Every action a step can take (its `action` tag), with words for the add form.
pub fn actions() -> impl Iterator<Item = (&'static str, Text)> {
    Step::NAMES.iter().copied().zip(ACTION_WORDS)
}

/// Lay the scenario's steps and start rules out in lanes. `cluster` names the broker's nodes
/// (from the relay's hello or the run); `run_ms` is how far the current run has got, so its
/// playhead stays on the axis.
pub fn timeline(s: &Scenario, cluster: &[String], run_ms: u64) -> Timeline {
    let mut lanes: Vec<Lane> = Vec::new();
    let known = |lanes: &mut Vec<Lane>, kind, name: &str| {
        lanes.push(Lane {
            kind,
            name: name.to_owned(),
            known: true,
        });
    };
    for p in &s.publishers {
        known(&mut lanes, LaneKind::Publisher, &p.name);
    }
    for c in &s.consumers {
        known(&mut lanes, LaneKind::Consumer, &c.name);
    }
    let purged = |name: &str| {
        s.timeline
            .iter()
            .any(|step| matches!(step, Step::Purge { queue, .. } if queue == name))
    };
    for q in s.queues.iter().filter(|q| purged(&q.name)) {
        known(&mut lanes, LaneKind::Queue, &q.name);
    }
    if s.timeline
        .iter()
        .any(|step| matches!(step, Step::ApplyPolicy { .. } | Step::ClearPolicy { .. }))
    {
        known(&mut lanes, LaneKind::Policies, "");
    }
    for node in cluster {
        known(&mut lanes, LaneKind::Node, node);
    }
    known(&mut lanes, LaneKind::Connections, "");

    let mut markers: Vec<Marker> = Vec::with_capacity(s.timeline.len());
    for (index, step) in s.timeline.iter().enumerate() {
        let (kind, name) = lane_of(step);
        let lane = match lanes.iter().position(|l| same_lane(l, kind, name)) {
            Some(lane) => lane,
            None => {
                // A lane for a name nothing declares, after the last lane of its kind.
                let at = lanes.iter().rposition(|l| l.kind <= kind).map_or(0, |i| i + 1);
                // Without the relay's hello the cluster is unknown, so a node is not suspect.
                let known = kind == LaneKind::Node && cluster.is_empty();
                lanes.insert(
                    at,
                    Lane {
                        kind,
                        name: name.to_owned(),
                        known,
                    },
                );
                for marker in &mut markers {
                    if marker.lane >= at {
                        marker.lane += 1;
                    }
                }
                at
            }
        };
        markers.push(Marker {
            step: index,
            lane,
            at_ms: step.at_ms(),
            duration_ms: match step {
                Step::CutConnections { duration_ms, .. } => Some(*duration_ms),
                _ => None,
            },
            action: step.name(),
            verb: marker_verb(step),
            object: marker_object(step),
        });
    }

    let mut starts = Vec::new();
    for (kind, name, rule) in s
        .publishers
        .iter()
        .map(|p| (LaneKind::Publisher, &p.name, &p.start))
        .chain(s.consumers.iter().map(|c| (LaneKind::Consumer, &c.name, &c.start)))
    {
        if let Some(lane) = lanes.iter().position(|l| l.kind == kind && &l.name == name) {
            starts.push(ActorStart {
                lane,
                rule: rule.clone(),
            });
        }
    }

    let latest = markers
        .iter()
        .map(|m| m.at_ms + m.duration_ms.unwrap_or(0))
        .chain(starts.iter().filter_map(|st| match st.rule {
            Start::AtMs(at) => Some(at),
            _ => None,
        }))
        .chain([run_ms])
        .max()
        .unwrap_or(0);
    Timeline {
        lanes,
        markers,
        starts,
        scale: Scale::fitting(latest, s.settings.max_duration_ms),
        limit_ms: s.settings.max_duration_ms,
    }
}

/// The lane a step belongs in: its kind and name. Start and stop steps say publisher; the
/// lane of a consumer by that name is found as well (see [`same_lane`]).
fn lane_of(step: &Step) -> (LaneKind, &str) {
    match step {
        Step::Start { actor, .. } | Step::Stop { actor, .. } => (LaneKind::Publisher, actor),
        Step::Purge { queue, .. } => (LaneKind::Queue, queue),
        Step::ApplyPolicy { .. } | Step::ClearPolicy { .. } => (LaneKind::Policies, ""),
        Step::StopNode { node, .. } | Step::KillNode { node, .. } | Step::StartNode { node, .. } => {
            (LaneKind::Node, node)
        }
        Step::CutConnections { .. } => (LaneKind::Connections, ""),
    }
}

/// Whether a step whose lane is `kind` and `name` goes in `lane`.
fn same_lane(lane: &Lane, kind: LaneKind, name: &str) -> bool {
    let kind_fits = lane.kind == kind || (kind == LaneKind::Publisher && lane.kind == LaneKind::Consumer);
    kind_fits && lane.name == name
}

/// The word on a marker.
fn marker_verb(step: &Step) -> Text {
    match step {
        Step::Start { .. } | Step::StartNode { .. } => Text::MarkerStart,
        Step::Stop { .. } | Step::StopNode { .. } => Text::MarkerStop,
        Step::Purge { .. } => Text::MarkerPurge,
        Step::ApplyPolicy { .. } => Text::MarkerApply,
        Step::ClearPolicy { .. } => Text::MarkerClear,
        Step::KillNode { .. } => Text::MarkerKill,
        Step::CutConnections { .. } => Text::MarkerCut,
    }
}

/// What follows the word on a marker: a policy's name, a cut's length.
fn marker_object(step: &Step) -> String {
    match step {
        Step::ApplyPolicy { policy, .. } => policy.name.clone(),
        Step::ClearPolicy { name, .. } => name.clone(),
        Step::CutConnections { duration_ms, .. } => duration_label(*duration_ms),
        _ => String::new(),
    }
}

/// The step's action in words (`stop a node`), as the step form's title says it.
pub fn action_words(step: &Step) -> Text {
    let name = step.name();
    Step::NAMES
        .iter()
        .position(|n| *n == name)
        .and_then(|i| ACTION_WORDS.get(i).copied())
        .unwrap_or(Text::ActionStopActor)
}

/// `2 s`, `2.5 s`, `0`: how the axis and the markers write a time.
pub fn duration_label(ms: u64) -> String {
    if ms == 0 {
        "0".to_owned()
    } else {
        format!("{} s", ms as f64 / 1000.0)
    }
}

/// The time axis: from 0 to `span_ms`, placed as fractions of its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// The time at the right end.
    pub span_ms: u64,
}

impl Scale {
    /// An axis that shows everything up to `latest_ms` with room to drag it later, in round
    /// numbers, but no further than the run's time limit unless something already lies beyond.
    pub fn fitting(latest_ms: u64, limit_ms: u64) -> Self {
        let wanted = (latest_ms + (latest_ms / 4).max(HEADROOM_MS)).max(MIN_SPAN_MS);
        let step = tick_step(wanted);
        let round = wanted.div_ceil(step) * step;
        Self {
            span_ms: round.min(limit_ms.max(latest_ms)).max(SNAP_MS),
        }
    }

    /// Where `ms` lies, from 0 (left) to 1 (right); later times stay at the right end.
    pub fn fraction(self, ms: u64) -> f64 {
        (ms as f64 / self.span_ms as f64).clamp(0.0, 1.0)
    }

    /// `fraction` as a CSS percentage, e.g. `37.5%`.
    pub fn percent(self, ms: u64) -> String {
        format!("{:.3}%", self.fraction(ms) * 100.0)
    }

    /// The snapped time a marker that was at `origin_ms` has when dragged `dx_px` on an axis
    /// `width_px` wide; it stays on the axis.
    pub fn dragged(self, origin_ms: u64, dx_px: f64, width_px: f64) -> u64 {
        if width_px <= 0.0 {
            return origin_ms;
        }
        let ms = origin_ms as f64 + dx_px / width_px * self.span_ms as f64;
        snap(ms).min(self.span_ms - self.span_ms % SNAP_MS)
    }

    /// The ticks of the axis, from 0, in round steps.
    pub fn ticks(self) -> Vec<u64> {
        let step = tick_step(self.span_ms);
        (0..=self.span_ms / step).map(|i| i * step).collect()
    }
}

/// The smallest round tick spacing that puts at most [`MAX_TICKS`] ticks on `span_ms`.
fn tick_step(span_ms: u64) -> u64 {
    TICK_STEPS_MS
        .into_iter()
        .find(|step| span_ms / step <= MAX_TICKS)
        .unwrap_or(TICK_STEPS_MS[TICK_STEPS_MS.len() - 1])
}

/// `ms` to the nearest multiple of [`SNAP_MS`], never below 0.
pub fn snap(ms: f64) -> u64 {
    if ms.is_nan() || ms <= 0.0 {
        return 0;
    }
    (ms / SNAP_MS as f64).round() as u64 * SNAP_MS
}

/// The step's time, to change it.
pub fn at_ms_mut(step: &mut Step) -> &mut u64 {
    match step {
        Step::Start { at_ms, .. }
        | Step::Stop { at_ms, .. }
        | Step::Purge { at_ms, .. }
        | Step::ApplyPolicy { at_ms, .. }
        | Step::ClearPolicy { at_ms, .. }
        | Step::StopNode { at_ms, .. }
        | Step::KillNode { at_ms, .. }
        | Step::StartNode { at_ms, .. }
        | Step::CutConnections { at_ms, .. } => at_ms,
    }
}

/// What the step acts on: an actor, a queue, a node or a policy's name; `None` for a cut.
pub fn target(step: &Step) -> Option<&str> {
    match step {
        Step::Start { actor, .. } | Step::Stop { actor, .. } => Some(actor),
        Step::Purge { queue, .. } => Some(queue),
        Step::ApplyPolicy { policy, .. } => Some(&policy.name),
        Step::ClearPolicy { name, .. } => Some(name),
        Step::StopNode { node, .. } | Step::KillNode { node, .. } | Step::StartNode { node, .. } => Some(node),
        Step::CutConnections { .. } => None,
    }
}

/// Point the step at another target (see [`target`]). Applying another policy takes that
/// policy's definition from the scenario when it declares one by that name.
pub fn set_target(s: &Scenario, step: &mut Step, new: &str) {
    match step {
        Step::Start { actor: name, .. }
        | Step::Stop { actor: name, .. }
        | Step::Purge { queue: name, .. }
        | Step::ClearPolicy { name, .. }
        | Step::StopNode { node: name, .. }
        | Step::KillNode { node: name, .. }
        | Step::StartNode { node: name, .. } => new.clone_into(name),
        Step::ApplyPolicy { policy, .. } => {
            *policy = policy_named(s, new).unwrap_or_else(|| Policy {
                name: new.to_owned(),
                ..policy.clone()
            });
        }
        Step::CutConnections { .. } => {}
    }
}

/// The policy called `name`: declared, or applied by a step.
fn policy_named(s: &Scenario, name: &str) -> Option<Policy> {
    s.policies.iter().find(|p| p.name == name).cloned().or_else(|| {
        s.timeline.iter().find_map(|step| match step {
            Step::ApplyPolicy { policy, .. } if policy.name == name => Some(policy.clone()),
            _ => None,
        })
    })
}

/// What a step of `action` can act on, for the target select: actors, queues, policy names
/// (declared or applied by a step) or nodes (the cluster's and those steps or queues name, or
/// [`MANAGED_NODES`] when nothing names any).
pub fn targets(s: &Scenario, action: &str, cluster: &[String]) -> Vec<String> {
    let mut out: Vec<String> = match action {
        "start" | "stop" => s.actor_names().map(str::to_owned).collect(),
        "purge" => s.queues.iter().map(|q| q.name.clone()).collect(),
        "apply_policy" | "clear_policy" => s.policies.iter().map(|p| p.name.clone()).collect(),
        "stop_node" | "kill_node" | "start_node" => cluster.to_vec(),
        _ => Vec::new(),
    };
    for step in &s.timeline {
        let extra = match (action, step) {
            ("apply_policy" | "clear_policy", Step::ApplyPolicy { policy, .. }) => Some(&policy.name),
            (
                "stop_node" | "kill_node" | "start_node",
                Step::StopNode { node, .. } | Step::KillNode { node, .. } | Step::StartNode { node, .. },
            ) => Some(node),
            _ => None,
        };
        if let Some(name) = extra
            && !out.contains(name)
        {
            out.push(name.clone());
        }
    }
    if action.ends_with("_node") {
        for node in s.queues.iter().filter_map(|q| q.node.as_ref()) {
            if !out.contains(node) {
                out.push(node.clone());
            }
        }
        if out.is_empty() {
            out = MANAGED_NODES.map(str::to_owned).to_vec();
        }
    }
    out
}

/// A new step of `action` at `at_ms` on `target` (see [`targets`]). Applying a policy nothing
/// declares makes one that matches nothing yet, for the user to fill in.
pub fn new_step(s: &Scenario, action: &str, at_ms: u64, target: &str) -> Result<Step, String> {
    let needs_target = || {
        if target.is_empty() {
            Err(format!(
                "choose what the step acts on: there is nothing to {} yet",
                action.replace('_', " ")
            ))
        } else {
            Ok(target.to_owned())
        }
    };
    Ok(match action {
        "start" => Step::Start {
            at_ms,
            actor: needs_target()?,
        },
        "stop" => Step::Stop {
            at_ms,
            actor: needs_target()?,
        },
        "purge" => Step::Purge {
            at_ms,
            queue: needs_target()?,
        },
        "apply_policy" => {
            let policy = if target.is_empty() {
                let taken: Vec<String> = targets(s, action, &[]);
                Policy {
                    name: crate::model::edit::fresh_name(taken.iter().map(String::as_str), "policy"),
                    pattern: "^$".to_owned(),
                    apply_to: ApplyTo::Queues,
                    priority: 0,
                    definition: Arguments::new(),
                }
            } else {
                policy_named(s, target).ok_or_else(|| format!("there is no policy named {target}"))?
            };
            Step::ApplyPolicy { at_ms, policy }
        }
        "clear_policy" => Step::ClearPolicy {
            at_ms,
            name: needs_target()?,
        },
        "stop_node" => Step::StopNode {
            at_ms,
            node: needs_target()?,
        },
        "kill_node" => Step::KillNode {
            at_ms,
            node: needs_target()?,
        },
        "start_node" => Step::StartNode {
            at_ms,
            node: needs_target()?,
        },
        "cut_connections" => Step::CutConnections {
            at_ms,
            duration_ms: DEFAULT_CUT_MS,
        },
        other => return Err(format!("a step cannot {other}")),
    })
}

/// How long, in run time, a node's chip in the cluster strip flashes after a fault hit it.
pub const FAULT_FLASH_MS: u64 = 2_000;

/// The nodes a fault hit in the last [`FAULT_FLASH_MS`] of run time before the last of the first
/// `shown` events. Reads backwards only as far as that window.
pub fn recent_node_faults(events: &[Event], shown: usize) -> BTreeSet<String> {
    let shown = &events[..shown.min(events.len())];
    let Some(now) = shown.last().map(|e| e.t_ms) else {
        return BTreeSet::new();
    };
    let mut nodes = BTreeSet::new();
    for e in shown.iter().rev().take_while(|e| e.t_ms + FAULT_FLASH_MS >= now) {
        if let EventKind::NodeFault { node, .. } = &e.kind {
            nodes.insert(node.clone());
        }
    }
    nodes
}

/// The field of the step form a problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `at_ms`.
    Time,
    /// `actor`, `queue`, `node` or `name`.
    Target,
    /// `duration_ms`.
    Duration,
    /// `policy` and anything inside it.
    Policy,
    /// The step as a whole (or its `action`).
    Step,
}

/// The problems of step `index` (paths `timeline[index]` and below), by field.
pub fn step_problems(problems: &[Problem], index: usize) -> Vec<(Field, String)> {
    problems
        .iter()
        .filter_map(|p| {
            problem_step(&p.path)
                .filter(|(i, _)| *i == index)
                .map(|(_, f)| (f, p.message.clone()))
        })
        .collect()
}

/// The steps that have problems.
pub fn steps_with_problems(problems: &[Problem]) -> BTreeSet<usize> {
    let mut steps = BTreeSet::new();
    for (i, _) in problems.iter().filter_map(|p| problem_step(&p.path)) {
        steps.insert(i);
    }
    steps
}

/// `timeline[3].at_ms` is step 3's time.
fn problem_step(path: &str) -> Option<(usize, Field)> {
    let rest = path.strip_prefix("timeline[")?;
    let (index, rest) = rest.split_once(']')?;
    let index = index.parse().ok()?;
    let field = match rest.strip_prefix('.') {
        None if rest.is_empty() => Field::Step,
        None => return None,
        Some(rest) => {
            let key = rest.split(['.', '[']).next().unwrap_or_default();
            match key {
                "at_ms" => Field::Time,
                "actor" | "queue" | "node" | "name" => Field::Target,
                "duration_ms" => Field::Duration,
                "policy" => Field::Policy,
                _ => Field::Step,
            }
        }
    };
    Some((index, field))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(stem: &str) -> Scenario {
        crate::gallery::example(stem)
            .and_then(|e| e.scenario())
            .expect("example")
    }

    fn cluster() -> Vec<String> {
        (1..=3).map(|i| format!("warren-{i}@localhost")).collect()
    }

    #[test]
    fn every_step_sits_in_its_lane() {
        let s = example("mirror-loss");
        let t = timeline(&s, &cluster(), 0);
        let lane = |m: &Marker| (t.lanes[m.lane].kind, t.lanes[m.lane].label());
        let kinds: Vec<_> = t.lanes.iter().map(|l| (l.kind, l.label())).collect();
        assert_eq!(
            kinds,
            [
                (LaneKind::Publisher, "before".to_owned()),
                (LaneKind::Publisher, "after".to_owned()),
                (LaneKind::Consumer, "consumer".to_owned()),
                (LaneKind::Node, "warren-1".to_owned()),
                (LaneKind::Node, "warren-2".to_owned()),
                (LaneKind::Node, "warren-3".to_owned()),
                (LaneKind::Connections, "connections".to_owned()),
            ]
        );
        assert_eq!(lane(&t.markers[0]), (LaneKind::Node, "warren-3".to_owned()));
        assert_eq!(lane(&t.markers[2]), (LaneKind::Node, "warren-2".to_owned()));
        assert_eq!(t.markers[2].label(Lang::En), "kill");
        assert_eq!(t.markers[2].label(Lang::Zh), "杀死");
        assert_eq!(t.markers[2].at_ms, 11_000);
        assert_eq!(t.starts[1].rule, Start::AtMs(9_000));
        assert_eq!(t.lanes[t.starts[2].lane].name, "consumer");
        assert!(t.scale.span_ms >= 18_000 && t.scale.span_ms <= 30_000, "{:?}", t.scale);
    }

    #[test]
    fn steps_naming_what_nothing_declares_get_a_lane_of_their_own() {
        let mut s = example("outbox-outage");
        s.timeline.push(Step::Purge {
            at_ms: 100,
            queue: "outbox-queue".into(),
        });
        s.timeline.push(Step::Stop {
            at_ms: 200,
            actor: "ghost".into(),
        });
        s.timeline.push(Step::KillNode {
            at_ms: 300,
            node: "rabbit@elsewhere".into(),
        });
        let t = timeline(&s, &cluster()[..1], 0);
        let labels: Vec<_> = t.lanes.iter().map(|l| (l.label(), l.known)).collect();
        assert_eq!(
            labels,
            [
                ("producer".to_owned(), true),
                ("ghost".to_owned(), false),
                ("consumer".to_owned(), true),
                ("outbox-queue".to_owned(), true),
                ("warren-1".to_owned(), true),
                ("rabbit".to_owned(), false),
                ("connections".to_owned(), true),
            ]
        );
        let unknown_cluster = timeline(&s, &[], 0);
        assert!(
            unknown_cluster
                .lanes
                .iter()
                .any(|l| l.name == "rabbit@elsewhere" && l.known),
            "without a hello no node is suspect"
        );
        let lanes: Vec<_> = t.markers.iter().map(|m| t.lanes[m.lane].label()).collect();
        assert_eq!(lanes, ["connections", "outbox-queue", "ghost", "rabbit"]);
        assert_eq!(t.markers[0].duration_ms, Some(3_000));
        assert_eq!(
            t.lanes[t.starts[1].lane].name, "consumer",
            "starts follow the inserted lane"
        );
    }

    #[test]
    fn a_consumer_stopped_by_a_step_is_found_in_its_own_lane() {
        let mut s = example("outbox-outage");
        s.timeline = vec![Step::Stop {
            at_ms: 100,
            actor: "consumer".into(),
        }];
        let t = timeline(&s, &[], 0);
        assert_eq!(t.lanes[t.markers[0].lane].kind, LaneKind::Consumer);
        assert!(t.lanes.iter().all(|l| l.known));
    }

    #[test]
    fn the_axis_has_room_round_ticks_and_respects_the_time_limit() {
        assert_eq!(Scale::fitting(0, 60_000).span_ms, 5_000);
        assert_eq!(Scale::fitting(18_000, 90_000).span_ms, 25_000);
        assert_eq!(
            Scale::fitting(18_000, 20_000).span_ms,
            20_000,
            "no further than the limit"
        );
        assert_eq!(
            Scale::fitting(30_000, 20_000).span_ms,
            30_000,
            "unless a step lies beyond"
        );
        let scale = Scale { span_ms: 24_000 };
        assert_eq!(scale.ticks(), [0, 5_000, 10_000, 15_000, 20_000]);
        assert_eq!(Scale { span_ms: 5_000 }.ticks().len(), 11, "every half second");
        assert_eq!(scale.percent(6_000), "25.000%");
        assert!((scale.fraction(48_000) - 1.0).abs() < f64::EPSILON);
        assert_eq!(duration_label(2_500), "2.5 s");
        assert_eq!(duration_label(3_000), "3 s");
    }

    #[test]
    fn dragging_snaps_to_a_hundred_milliseconds_and_stays_on_the_axis() {
        let scale = Scale { span_ms: 10_000 };
        // 1000 px for 10 s: 1 px is 10 ms.
        assert_eq!(scale.dragged(2_000, 13.0, 1_000.0), 2_100);
        assert_eq!(scale.dragged(2_000, 4.0, 1_000.0), 2_000);
        assert_eq!(scale.dragged(2_000, -500.0, 1_000.0), 0);
        assert_eq!(scale.dragged(2_000, 5_000.0, 1_000.0), 10_000);
        assert_eq!(
            scale.dragged(2_000, 40.0, 0.0),
            2_000,
            "an axis not drawn yet moves nothing"
        );
        assert_eq!(snap(149.0), 100);
        assert_eq!(snap(150.0), 200);
        assert_eq!(snap(-3.0), 0);
    }

    #[test]
    fn new_steps_and_retargeting() {
        let s = example("mirror-loss");
        let nodes = targets(&s, "kill_node", &[]);
        assert_eq!(
            nodes,
            ["warren-3@localhost", "warren-2@localhost"],
            "named by steps and queues"
        );
        assert_eq!(targets(&s, "start", &[]), ["before", "after", "consumer"]);
        assert_eq!(targets(&example("outbox-outage"), "stop_node", &[]), MANAGED_NODES);
        assert_eq!(targets(&s, "apply_policy", &[]), ["ha-pair"]);
        let step = new_step(&s, "apply_policy", 500, "ha-pair").expect("made");
        assert!(matches!(&step, Step::ApplyPolicy { policy, .. } if policy.pattern == "^fragile-queue$"));
        let step = new_step(&s, "apply_policy", 500, "").expect("made");
        assert!(matches!(&step, Step::ApplyPolicy { policy, .. } if policy.name == "policy-1"));
        let err = new_step(&s, "purge", 0, "").expect_err("no queue chosen");
        assert!(err.contains("nothing to purge"), "{err}");
        let mut step = new_step(&s, "cut_connections", 700, "").expect("made");
        assert_eq!(target(&step), None);
        *at_ms_mut(&mut step) = 900;
        assert_eq!(step.at_ms(), 900);
        let mut step = new_step(&s, "stop", 0, "before").expect("made");
        set_target(&s, &mut step, "after");
        assert_eq!(target(&step), Some("after"));
        assert_eq!(Step::NAMES.len(), ACTION_WORDS.len(), "words for every action");
        for (action, _) in actions() {
            let target = targets(&s, action, &cluster()).first().cloned().unwrap_or_default();
            let step = new_step(&s, action, 1, &target).expect(action);
            assert_eq!(step.name(), action);
        }
    }

    #[test]
    fn a_node_flashes_for_a_while_after_a_fault() {
        let fault = |t_ms, node: &str| Event {
            t_ms,
            kind: EventKind::NodeFault {
                node: node.into(),
                action: warren_shared::event::NodeAction::Kill,
                ok: true,
                message: String::new(),
            },
        };
        let tick = |t_ms| Event {
            t_ms,
            kind: EventKind::ConnectionsCut { duration_ms: 1 },
        };
        let events = [fault(1_000, "a"), fault(2_500, "b"), tick(3_000), tick(4_000)];
        let names = |shown| recent_node_faults(&events, shown).into_iter().collect::<Vec<_>>();
        assert_eq!(names(3), ["a", "b"]);
        assert_eq!(names(4), ["b"]);
        assert_eq!(names(0), Vec::<String>::new());
        assert_eq!(names(99), ["b"]);
    }

    #[test]
    fn problems_are_matched_to_their_step_and_field() {
        let problem = |path: &str| Problem {
            path: path.to_owned(),
            message: path.to_owned(),
        };
        let problems = [
            problem("timeline[1].at_ms"),
            problem("timeline[1].policy.definition.ha-mode"),
            problem("timeline[10].node"),
            problem("timeline[1]"),
            problem("timeline[1]x"),
            problem("publishers[1].name"),
        ];
        let fields: Vec<Field> = step_problems(&problems, 1).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, [Field::Time, Field::Policy, Field::Step]);
        assert_eq!(
            step_problems(&problems, 10),
            [(Field::Target, "timeline[10].node".to_owned())]
        );
        assert_eq!(steps_with_problems(&problems).into_iter().collect::<Vec<_>>(), [1, 10]);
    }
}
