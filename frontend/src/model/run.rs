//! One run as the page saw it: the phase, every event, the live numbers, the latest queue
//! snapshots and cluster nodes, each queue's depth over time, and the event log's filter.
//!
//! Events are only ever appended; everything derived from them is updated as they arrive, so a
//! run of 100 000 messages costs the same per batch at the end as at the start. The log's filter
//! keeps the list of matching rows up to date the same way.
//!
//! The numbers the canvas and the live summary draw (counts, edge traffic, queue snapshots,
//! nodes) are folded only from the events the animation has reached ([`RunRecord::show_to`]):
//! the broker is often done long before the tokens are, and a replay or the scrubber shows an
//! earlier moment. The log, the summary and the depth series keep the whole run.

use crate::i18n::sentences::say;
use crate::i18n::{Lang, Text, texts};
use crate::model::layout::{Layout, NodeKind};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use warren_shared::exercise::CheckResult;
use warren_shared::{
    Event, EventKind, ExchangeType, NodeAction, NodeStatus, Outcome, Problem, QueueSnapshot, Scenario, Summary,
    SummaryBuilder,
};

/// Where the run is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Nothing has been run yet.
    Idle,
    /// `run` was sent; waiting for `accepted` or `invalid`.
    Starting,
    /// The relay accepted the run.
    Running {
        /// The run's id.
        run_id: String,
    },
    /// The relay accepted the run, and it waits for a free slot (the relay runs as many as it
    /// allows); it runs when its turn comes.
    Waiting {
        /// The run's id.
        run_id: String,
        /// Place in the line, 1 for the next run to start.
        position: u64,
        /// How long it will likely wait, in milliseconds, as the relay last said.
        estimated_wait_ms: u64,
    },
    /// `stop` was sent.
    Stopping,
    /// The run is over.
    Finished {
        /// How it ended.
        outcome: Outcome,
    },
    /// The relay refused the scenario (see [`RunRecord::problems`]).
    Invalid,
    /// The relay reported an error that ended the run (see [`RunRecord::error`]).
    Failed,
}

impl Phase {
    /// Whether a run is going on, so Run is disabled and Stop enabled.
    pub fn active(&self) -> bool {
        matches!(
            self,
            Self::Starting | Self::Running { .. } | Self::Waiting { .. } | Self::Stopping
        )
    }

    /// Short label, also `data-phase`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Starting => "starting",
            Self::Running { .. } => "running",
            Self::Waiting { .. } => "waiting",
            Self::Stopping => "stopping",
            Self::Finished { .. } => "finished",
            Self::Invalid => "invalid",
            Self::Failed => "failed",
        }
    }
}

/// What the page says of a run waiting in line, e.g. `waiting for a free slot: 3rd in line,
/// about 12 s`.
pub fn waiting_text(position: u64, estimated_wait_ms: u64, lang: Lang) -> String {
    crate::i18n::texts::waiting(position, estimated_wait_ms, lang)
}

/// The log's filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Event type, e.g. `delivered`; empty for all.
    pub kind: String,
    /// Part of an actor or queue name; empty for all.
    pub actor: String,
    /// Part of a message id; empty for all.
    pub id: String,
}

impl LogFilter {
    /// Whether an event passes.
    pub fn matches(&self, event: &Event) -> bool {
        (self.kind.is_empty() || event.kind.name() == self.kind)
            && (self.actor.is_empty() || event.kind.actor().is_some_and(|a| a.contains(self.actor.as_str())))
            && (self.id.is_empty() || event.kind.message_id().is_some_and(|id| id.contains(self.id.as_str())))
    }

    /// Whether nothing is filtered.
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty() && self.actor.is_empty() && self.id.is_empty()
    }
}

/// Live counts, updated per event (the summary proper is folded at the end).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// `published` events.
    pub published: u64,
    /// Confirms that were acks.
    pub acked: u64,
    /// Confirms that were nacks.
    pub nacked: u64,
    /// Returns.
    pub returned: u64,
    /// Deliveries.
    pub delivered: u64,
    /// Per publisher: (acked, nacked, returned).
    pub per_publisher: HashMap<String, (u64, u64, u64)>,
    /// Per consumer: deliveries.
    pub per_consumer: HashMap<String, u64>,
    /// Actors whose channel RabbitMQ closed: its reply code and text (until a consumer
    /// consumes again).
    pub closed: HashMap<String, String>,
    /// Consumers the broker cancelled (`basic.cancel`), by name, with their queue, until they
    /// consume again.
    pub cancelled: HashMap<String, String>,
    /// Consumers that consumed again after a cancel or a lost connection, by name.
    pub reconsumed: HashMap<String, u32>,
    /// Per consumer: deliveries that were redeliveries (counted in `per_consumer` too).
    pub redelivered: HashMap<String, u64>,
    /// Queues whose leader moved during the run, by name: the latest move.
    pub promotions: HashMap<String, Promotion>,
    /// Each published message's route as far as it is counted on the edges, by Warren id.
    routes: HashMap<String, Route>,
}

/// Where a message was published, and which edges its routing has been counted on already.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Route {
    exchange: String,
    routing_key: String,
    returned: bool,
    counted: Vec<usize>,
}

/// A queue's leader moving from one node to another, as the queue's snapshots reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion {
    /// The node that held the leader.
    pub from: String,
    /// The node that holds it now.
    pub to: String,
    /// Run time of the first snapshot that showed the new leader.
    pub t_ms: u64,
}

/// Everything the page knows about the current (or last) run.
#[derive(Debug, Default)]
pub struct RunRecord {
    /// Where the run is.
    pub phase: Option<Phase>,
    /// The scenario that was sent, for the summary fold.
    pub scenario: Option<Scenario>,
    /// Every event, in order.
    pub events: Vec<Event>,
    /// Problems from an `invalid` answer.
    pub problems: Vec<Problem>,
    /// An `error` that ended the run, or a warning about the last message.
    pub error: Option<String>,
    /// The summary folded by the page from the events (the same fold as the relay's).
    pub summary: Option<Summary>,
    /// Whether the relay's own summary differs from the page's fold (should never happen).
    pub summary_mismatch: bool,
    /// The latest snapshot of each queue.
    pub queues: HashMap<String, QueueSnapshot>,
    /// The cluster's nodes, as last reported during the run.
    pub nodes: Option<Vec<NodeStatus>>,
    /// Live counts.
    pub counts: Counts,
    /// Messages that travelled each edge of the layout, by edge index.
    pub edge_traffic: Vec<u64>,
    /// The log's filter.
    pub filter: LogFilter,
    /// Indexes of the events that pass the filter.
    pub filtered: Vec<usize>,
    /// Event types seen, for the filter's choices.
    pub kinds_seen: BTreeMap<&'static str, u64>,
    /// The messages whose paths are highlighted: one row of the log, or the messages a check's
    /// result names.
    pub selected: Vec<String>,
    /// The exercise's checks as the relay decided them, when the run was of an exercise.
    pub checks: Vec<CheckResult>,
    /// Each queue's depth over the whole run, from its snapshots.
    pub depth: DepthSeries,
    /// How many events (from the first) the counts, edge traffic, snapshots and nodes are
    /// folded from: as far as the animation has got.
    pub shown: usize,
    /// The actors that have stopped.
    stopped: BTreeSet<String>,
    builder: Option<SummaryBuilder>,
}

/// A queue's depth at one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepthPoint {
    /// Run time of the snapshot.
    pub t_ms: u64,
    /// Ready plus unacknowledged messages.
    pub depth: u64,
    /// Ready messages alone (read over AMQP when the snapshot says so).
    pub ready: u64,
    /// Messages paged out to disk.
    pub paged_out: u64,
}

/// Every queue's depth over time, queues in name order, points in run order.
pub type DepthSeries = BTreeMap<String, Vec<DepthPoint>>;

impl RunRecord {
    /// The phase, `Idle` before the first run.
    pub fn phase(&self) -> Phase {
        self.phase.clone().unwrap_or(Phase::Idle)
    }

    /// A run of `scenario` was requested: forget the previous one.
    pub fn start(&mut self, scenario: Scenario, layout: &Layout) {
        let filter = std::mem::take(&mut self.filter);
        *self = Self {
            phase: Some(Phase::Starting),
            builder: Some(SummaryBuilder::for_scenario(&scenario)),
            scenario: Some(scenario),
            edge_traffic: vec![0; layout.edges.len()],
            filter,
            ..Self::default()
        };
    }

    /// Whether every publisher of the run has stopped: what is left is the consumers settling
    /// (the run ends after `settings.settle_ms` without activity) and the relay cleaning up.
    pub fn publishers_done(&self) -> bool {
        let Some(scenario) = &self.scenario else {
            return false;
        };
        !scenario.publishers.is_empty() && scenario.publishers.iter().all(|p| self.stopped.contains(&p.name))
    }

    /// The relay accepted the run.
    pub fn accepted(&mut self, run_id: String) {
        self.phase = Some(Phase::Running { run_id });
    }

    /// The run waits in the relay's line, at `position` (1 is next), for about
    /// `estimated_wait_ms`. A run already going on, or being stopped, stays as it is.
    pub fn waiting(&mut self, position: u64, estimated_wait_ms: u64) {
        let run_id = match &self.phase {
            Some(Phase::Running { run_id } | Phase::Waiting { run_id, .. }) if self.events.is_empty() => run_id.clone(),
            _ => return,
        };
        self.phase = Some(Phase::Waiting {
            run_id,
            position,
            estimated_wait_ms,
        });
    }

    /// The relay refused the scenario.
    pub fn invalid(&mut self, problems: Vec<Problem>) {
        self.phase = Some(Phase::Invalid);
        self.problems = problems;
    }

    /// `stop` was sent.
    pub fn stopping(&mut self) {
        if self.phase().active() {
            self.phase = Some(Phase::Stopping);
        }
    }

    /// An error from the relay: it ends a run that has not finished.
    pub fn failed(&mut self, message: String) {
        if self.phase().active() {
            self.phase = Some(Phase::Failed);
        }
        self.error = Some(message);
    }

    /// A batch of events. A run that waited in line is going on once its events come.
    pub fn append(&mut self, events: Vec<Event>) {
        if let Some(Phase::Waiting { run_id, .. }) = &self.phase {
            self.phase = Some(Phase::Running { run_id: run_id.clone() });
        }
        for event in events {
            if let EventKind::QueueSnapshot(snapshot) = &event.kind {
                self.depth.entry(snapshot.queue.clone()).or_default().push(DepthPoint {
                    t_ms: event.t_ms,
                    depth: snapshot.ready + snapshot.unacked,
                    ready: snapshot.ready,
                    paged_out: snapshot.paged_out,
                });
            }
            if let Some(builder) = &mut self.builder {
                builder.apply(&event);
            }
            if self.filter.matches(&event) {
                self.filtered.push(self.events.len());
            }
            *self.kinds_seen.entry(event.kind.name()).or_default() += 1;
            if let EventKind::ActorStopped { actor, .. } = &event.kind {
                self.stopped.insert(actor.clone());
            }
            self.events.push(event);
        }
    }

    /// The run finished: fold the summary and compare it with the relay's, and keep the checks
    /// the relay decided (none for a plain scenario).
    pub fn finished(&mut self, outcome: Outcome, relay_summary: Summary, checks: Vec<CheckResult>) {
        self.phase = Some(Phase::Finished { outcome });
        self.checks = checks;
        let mine = match self.builder.take() {
            Some(builder) => builder.finish(),
            None => relay_summary.clone(),
        };
        self.summary_mismatch = mine != relay_summary;
        self.summary = Some(mine);
    }

    /// Show the run as it was after its first `upto` events (all of them when there are
    /// fewer): fold the counts, edge traffic, snapshots and nodes from those events (from the
    /// start when going back). `false` when that is what is shown already.
    pub fn show_to(&mut self, upto: usize, layout: &Layout) -> bool {
        let upto = upto.min(self.events.len());
        if upto == self.shown {
            return false;
        }
        if upto < self.shown {
            self.counts = Counts::default();
            self.edge_traffic = vec![0; layout.edges.len()];
            self.queues.clear();
            self.nodes = None;
            self.shown = 0;
        }
        let events = std::mem::take(&mut self.events);
        for event in &events[self.shown..upto] {
            self.observe(event, layout);
        }
        self.events = events;
        self.shown = upto;
        true
    }

    /// The drawing changed (an edit) to one with `edges` edges: the figures on the canvas
    /// (counts, traffic per edge, queues, nodes) belonged to the old one and go. The log, the
    /// summary and the recorded events stay; a replay draws them on the new drawing.
    pub fn forget_drawing(&mut self, edges: usize) {
        self.counts = Counts::default();
        self.edge_traffic = vec![0; edges];
        self.queues.clear();
        self.nodes = None;
    }

    /// How many events happened at or before run time `t_ms`, counting on from event `from`
    /// (see [`crate::model::playback::events_until`]).
    pub fn index_at(&self, from: usize, t_ms: f64) -> usize {
        crate::model::playback::events_until(&self.events, from, t_ms)
    }

    /// Run time of the last event shown (0 before any).
    pub fn shown_ms(&self) -> u64 {
        self.shown
            .checked_sub(1)
            .and_then(|i| self.events.get(i))
            .map_or(0, |e| e.t_ms)
    }

    /// Whether every event is shown (not in the middle of a replay).
    pub fn shows_all(&self) -> bool {
        self.shown == self.events.len()
    }

    /// Run time of the last event, where a replay ends.
    pub fn end_ms(&self) -> u64 {
        self.events.last().map_or(0, |e| e.t_ms)
    }

    /// Change the log's filter.
    pub fn set_filter(&mut self, filter: LogFilter) {
        self.filtered = self
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| filter.matches(e))
            .map(|(i, _)| i)
            .collect();
        self.filter = filter;
    }

    fn observe(&mut self, event: &Event, layout: &Layout) {
        let c = &mut self.counts;
        match &event.kind {
            EventKind::RunStarted { broker, .. } => self.nodes = Some(broker.nodes.clone()),
            EventKind::NodesChanged { nodes } => self.nodes = Some(nodes.clone()),
            // A fault the broker carried out changes the node at once; the management API's
            // node list (`nodes_changed`) says the same a few seconds later.
            EventKind::NodeFault {
                node, action, ok: true, ..
            } => {
                if let Some(status) = self
                    .nodes
                    .as_mut()
                    .and_then(|nodes| nodes.iter_mut().find(|n| n.name == *node))
                {
                    status.running = *action == NodeAction::Start;
                }
            }
            EventKind::QueueSnapshot(snapshot) => {
                let before = self.queues.get(&snapshot.queue).and_then(|s| s.node.clone());
                if let (Some(from), Some(to)) = (before, snapshot.node.as_ref())
                    && from != *to
                {
                    c.promotions.insert(
                        snapshot.queue.clone(),
                        Promotion {
                            from,
                            to: to.clone(),
                            t_ms: event.t_ms,
                        },
                    );
                }
                self.queues.insert(snapshot.queue.clone(), snapshot.clone());
            }
            EventKind::ConsumerCancelled { consumer, queue } => {
                c.cancelled.insert(consumer.clone(), queue.clone());
            }
            EventKind::Published {
                publisher,
                id,
                exchange,
                routing_key,
                ..
            } => {
                c.published += 1;
                c.routes.insert(
                    id.clone(),
                    Route {
                        exchange: exchange.clone(),
                        routing_key: routing_key.clone(),
                        ..Route::default()
                    },
                );
                if let (Some(p), Some(x)) = (
                    layout.find(NodeKind::Publisher, publisher),
                    layout.find(NodeKind::Exchange, exchange),
                ) {
                    self.count_edge(layout, p, x);
                }
            }
            EventKind::Confirmed { publisher, id, ack } => {
                let entry = c.per_publisher.entry(publisher.clone()).or_default();
                if *ack {
                    c.acked += 1;
                    entry.0 += 1;
                    self.count_routed(layout, id);
                } else {
                    c.nacked += 1;
                    entry.1 += 1;
                }
            }
            EventKind::Returned { publisher, id, .. } => {
                c.returned += 1;
                c.per_publisher.entry(publisher.clone()).or_default().2 += 1;
                if let Some(route) = c.routes.get_mut(id) {
                    route.returned = true;
                }
            }
            EventKind::ChannelClosed { actor, code, text } => {
                c.closed.insert(actor.clone(), format!("{code} {text}"));
            }
            EventKind::Reconsumed { consumer, .. } => {
                c.closed.remove(consumer);
                c.cancelled.remove(consumer);
                *c.reconsumed.entry(consumer.clone()).or_default() += 1;
            }
            EventKind::Delivered {
                consumer,
                queue,
                exchange,
                redelivered,
                id,
                ..
            } => {
                c.delivered += 1;
                *c.per_consumer.entry(consumer.clone()).or_default() += 1;
                if *redelivered {
                    *c.redelivered.entry(consumer.clone()).or_default() += 1;
                }
                if !redelivered && let Some(path) = layout.route_to_queue(exchange, queue) {
                    self.count_path_once(layout, id, &path);
                }
                if let (Some(q), Some(k)) = (
                    layout.find(NodeKind::Queue, queue),
                    layout.find(NodeKind::Consumer, consumer),
                ) {
                    self.count_edge(layout, q, k);
                }
            }
            _ => {}
        }
    }

    /// A message the broker acked (and did not return) was routed: count it on the edges of
    /// every route RabbitMQ takes for its exchange and key. A headers exchange's routes depend
    /// on headers the layout does not weigh, so those are counted as the deliveries come.
    fn count_routed(&mut self, layout: &Layout, id: &str) {
        let Some(route) = self.counts.routes.get(id) else {
            return;
        };
        if route.returned || layout.exchange_type(&route.exchange) == Some(ExchangeType::Headers) {
            return;
        }
        let paths = layout.predict(&route.exchange, &route.routing_key);
        for path in paths {
            self.count_path_once(layout, id, &path);
        }
    }

    /// Count message `id` on the edges of `path` it was not counted on yet.
    fn count_path_once(&mut self, layout: &Layout, id: &str, path: &[usize]) {
        for pair in path.windows(2) {
            let Some(edge) = layout.edge_between(pair[0], pair[1]) else {
                continue;
            };
            let fresh = match self.counts.routes.get_mut(id) {
                Some(route) if route.counted.contains(&edge) => false,
                Some(route) => {
                    route.counted.push(edge);
                    true
                }
                None => true,
            };
            if fresh && let Some(n) = self.edge_traffic.get_mut(edge) {
                *n += 1;
            }
        }
    }

    fn count_edge(&mut self, layout: &Layout, from: usize, to: usize) {
        if let Some(edge) = layout.edge_between(from, to)
            && let Some(n) = self.edge_traffic.get_mut(edge)
        {
            *n += 1;
        }
    }

    /// The nodes and edges the messages `ids` went through, from their events.
    pub fn trail(&self, ids: &[String], layout: &Layout) -> (HashSet<usize>, HashSet<usize>) {
        let ids: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut nodes = HashSet::new();
        let mut edges = HashSet::new();
        let mut add = |from: Option<usize>, to: Option<usize>, nodes: &mut HashSet<usize>| {
            if let (Some(a), Some(b)) = (from, to) {
                nodes.insert(a);
                nodes.insert(b);
                if let Some(e) = layout.edge_between(a, b) {
                    edges.insert(e);
                }
            }
        };
        for event in self
            .events
            .iter()
            .filter(|e| e.kind.message_id().is_some_and(|id| ids.contains(id)))
        {
            match &event.kind {
                EventKind::Published {
                    publisher, exchange, ..
                }
                | EventKind::Returned {
                    publisher, exchange, ..
                } => add(
                    layout.find(NodeKind::Publisher, publisher),
                    layout.find(NodeKind::Exchange, exchange),
                    &mut nodes,
                ),
                EventKind::Delivered {
                    consumer,
                    queue,
                    exchange,
                    ..
                } => {
                    if let Some(path) = layout.route_to_queue(exchange, queue) {
                        for pair in path.windows(2) {
                            add(Some(pair[0]), Some(pair[1]), &mut nodes);
                        }
                    }
                    add(
                        layout.find(NodeKind::Queue, queue),
                        layout.find(NodeKind::Consumer, consumer),
                        &mut nodes,
                    );
                }
                EventKind::LeftInQueue { queue, .. } => {
                    if let Some(q) = layout.find(NodeKind::Queue, queue) {
                        nodes.insert(q);
                    }
                }
                _ => {}
            }
        }
        (nodes, edges)
    }
}

/// The outcome class of an event (for its colour in the log): `acked`, `nacked`, `returned`,
/// `backedup`, `lost`, `warning` or empty.
pub fn tone(event: &Event, layout: &Layout) -> &'static str {
    match &event.kind {
        EventKind::Confirmed { ack: true, .. } => "acked",
        EventKind::Confirmed { ack: false, .. }
        | EventKind::Refused { .. }
        | EventKind::PublishFailed { .. }
        | EventKind::ChannelClosed { .. } => "nacked",
        EventKind::Returned { .. } => "returned",
        EventKind::Delivered { exchange, queue, .. } => {
            let via_alternate = layout.route_to_queue(exchange, queue).is_some_and(|path| {
                path.windows(2).any(|w| {
                    layout
                        .edge_between(w[0], w[1])
                        .is_some_and(|e| layout.edges[e].kind == crate::model::layout::EdgeKind::Alternate)
                })
            });
            if via_alternate { "backedup" } else { "delivered" }
        }
        EventKind::DeadLettered { .. } => "deadlettered",
        EventKind::Warning { .. }
        | EventKind::ConnectionLost { .. }
        | EventKind::ConnectionClosed { .. }
        | EventKind::NodeFault { .. } => "warning",
        EventKind::RunFinished { .. } => "finished",
        _ => "",
    }
}

/// The details column: what else the event says, in a few words of `lang` (names, numbers and
/// what the broker said stay as they are).
pub fn details(event: &Event, lang: Lang) -> String {
    let t = |text: Text| text.text(lang);
    let zh = lang == Lang::Zh;
    match &event.kind {
        EventKind::RunStarted { vhost, broker, .. } => format!("vhost {vhost} · RabbitMQ {}", broker.version),
        EventKind::Declared { entity, .. } => format!("{} {}", entity.as_str(), t(Text::EvDeclared)),
        EventKind::Refused { code, text, .. }
        | EventKind::ChannelClosed { code, text, .. }
        | EventKind::ConnectionClosed { code, text } => format!("{code} {text}"),
        EventKind::Warning { message } => say(message, lang),
        EventKind::ActorStarted { .. } => t(Text::EvActorStarted).to_owned(),
        EventKind::ActorStopped { reason, .. } => say(reason, lang),
        EventKind::StepExecuted { index, description } => {
            format!(
                "{} {index}{} {}",
                t(Text::EvStepExecuted),
                if zh { "：" } else { ":" },
                say(description, lang)
            )
        }
        EventKind::Published {
            exchange,
            routing_key,
            priority,
            persistent,
            mandatory,
            ..
        } => {
            let mut s = format!("→ {} {} {routing_key:?}", exchange_name(exchange, lang), t(Text::Key));
            if let Some(p) = priority {
                s.push_str(&format!(" · {} {p}", t(Text::PriorityWord)));
            }
            if *persistent {
                s.push_str(&format!(" · {}", t(Text::PersistentWord)));
            }
            if *mandatory {
                s.push_str(" · mandatory");
            }
            s
        }
        EventKind::Confirmed { ack, .. } => if *ack { "ack" } else { "nack" }.to_owned(),
        EventKind::Returned {
            reply_code,
            reply_text,
            exchange,
            routing_key,
            ..
        } => format!(
            "{reply_code} {reply_text} {} {} {} {routing_key:?}",
            t(Text::From),
            exchange_name(exchange, lang),
            t(Text::Key)
        ),
        EventKind::PublishFailed { error, .. } => say(error, lang),
        EventKind::Delivered {
            queue,
            redelivered,
            priority,
            exchange,
            routing_key,
            ..
        } => {
            let mut s = format!(
                "{} {queue} ({} {} {} {routing_key:?})",
                t(Text::From),
                t(Text::Via),
                exchange_name(exchange, lang),
                t(Text::Key)
            );
            if let Some(p) = priority {
                s.push_str(&format!(" · {} {p}", t(Text::PriorityWord)));
            }
            if *redelivered {
                s.push_str(&format!(" · {}", t(Text::Redelivered)));
            }
            s
        }
        EventKind::Settled { action, requeue, .. } => {
            if *requeue {
                format!("{} · {}", action.as_str(), t(Text::Requeue))
            } else {
                action.as_str().to_owned()
            }
        }
        EventKind::DeadLettered { from_queue, reason, .. } => {
            format!("{} {} {from_queue} ({reason})", t(Text::DeadLettered), t(Text::From))
        }
        EventKind::QueueSnapshot(s) => {
            let mut text = if zh {
                format!(
                    "{} 条消息 · ready {} · unacked {} · 内存 {} · 换出 {}",
                    s.messages, s.ready, s.unacked, s.in_ram, s.paged_out
                )
            } else {
                format!(
                    "{} msgs · ready {} · unacked {} · RAM {} · paged out {}",
                    s.messages, s.ready, s.unacked, s.in_ram, s.paged_out
                )
            };
            if let Some(node) = &s.node {
                text.push_str(&format!(" · {}", texts::on_node(node, lang)));
            }
            text
        }
        EventKind::LeftInQueue { ids, .. } => {
            if zh {
                format!("留下 {} 条消息", ids.len())
            } else {
                format!("{} messages left", ids.len())
            }
        }
        EventKind::NodeFault { action, message, .. } => {
            let action = match action {
                NodeAction::Stop => Text::MarkerStop,
                NodeAction::Kill => Text::MarkerKill,
                NodeAction::Start => Text::MarkerStart,
            };
            format!("{}{} {}", t(action), if zh { "：" } else { ":" }, say(message, lang))
        }
        EventKind::NodesChanged { nodes } => nodes
            .iter()
            .map(|n| format!("{} {}", n.name, t(if n.running { Text::Up } else { Text::Down })))
            .collect::<Vec<_>>()
            .join(", "),
        EventKind::ConnectionsCut { duration_ms } => {
            if zh {
                format!("连接被切断 {duration_ms} 毫秒")
            } else {
                format!("connections cut for {duration_ms} ms")
            }
        }
        EventKind::ConnectionLost { reason } => say(reason, lang),
        EventKind::ConnectionRecovered { down_ms } => {
            if zh {
                format!("{down_ms} 毫秒后恢复")
            } else {
                format!("back after {down_ms} ms")
            }
        }
        EventKind::ConsumerCancelled { queue, .. } | EventKind::Reconsumed { queue, .. } => queue.clone(),
        EventKind::QueueUnavailable { reason, .. } | EventKind::Buffered { reason, .. } => say(reason, lang),
        EventKind::Retried { attempt, .. } => {
            if zh {
                format!("第 {attempt} 次尝试")
            } else {
                format!("attempt {attempt}")
            }
        }
        EventKind::Recovered { republished, .. } => format!("{republished} {}", t(Text::RePublished)),
        EventKind::QueuePurged { messages, .. } => {
            if zh {
                format!("清空 {messages} 条")
            } else {
                format!("{messages} purged")
            }
        }
        EventKind::RunFinished { outcome, message } => {
            let outcome = texts::outcome(*outcome).text(lang);
            message.as_ref().map_or(outcome.to_owned(), |m| {
                format!("{outcome}{} {}", if zh { "：" } else { ":" }, say(m, lang))
            })
        }
    }
}

fn exchange_name(name: &str, lang: Lang) -> &str {
    if name.is_empty() {
        Text::Default.text(lang)
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layout::layout;

    /// A run of the example `stem` just started, and its drawing.
    fn started(stem: &str) -> (Layout, RunRecord) {
        let scenario = crate::gallery::example(stem)
            .and_then(|e| e.scenario())
            .expect("example");
        let l = layout(&scenario);
        let mut run = RunRecord::default();
        run.start(scenario, &l);
        (l, run)
    }

    /// The backup-exchange example's producer publishing `id`.
    fn published_to_backup(id: &str) -> EventKind {
        EventKind::Published {
            publisher: "producer".into(),
            id: id.into(),
            exchange: "confirm-exchange2".into(),
            routing_key: "default2".into(),
            priority: None,
            persistent: true,
            mandatory: true,
        }
    }

    fn ev(kind: EventKind) -> Event {
        Event { t_ms: 1, kind }
    }

    #[test]
    fn the_run_is_finishing_once_every_publisher_has_stopped() {
        let scenario = crate::gallery::example("confirms")
            .and_then(|e| e.scenario())
            .expect("example");
        let mut run = RunRecord::default();
        assert!(!run.publishers_done(), "no run");
        run.start(scenario.clone(), &layout(&scenario));
        run.accepted("r1".into());
        assert!(!run.publishers_done());
        run.append(vec![ev(EventKind::ActorStopped {
            actor: "consumer".into(),
            reason: "done".into(),
        })]);
        assert!(!run.publishers_done(), "a consumer is not a publisher");
        run.append(vec![ev(EventKind::ActorStopped {
            actor: "producer".into(),
            reason: "done".into(),
        })]);
        assert!(run.publishers_done());
    }

    #[test]
    fn a_run_waits_in_line_then_runs_or_is_stopped_with_the_summary_of_nothing() {
        let scenario = crate::gallery::example("confirms")
            .and_then(|e| e.scenario())
            .expect("example");
        let l = layout(&scenario);
        let mut run = RunRecord::default();
        run.start(scenario.clone(), &l);
        run.accepted("r1".into());
        run.waiting(3, 12_000);
        assert_eq!(
            run.phase(),
            Phase::Waiting {
                run_id: "r1".into(),
                position: 3,
                estimated_wait_ms: 12_000
            }
        );
        assert!(run.phase().active(), "Stop stays enabled while the run waits");
        assert_eq!(run.phase().label(), "waiting");
        run.waiting(1, 2_500);
        assert!(matches!(run.phase(), Phase::Waiting { position: 1, .. }));
        run.append(vec![ev(EventKind::Warning { message: "hi".into() })]);
        assert_eq!(run.phase(), Phase::Running { run_id: "r1".into() });
        run.waiting(2, 1_000);
        assert_eq!(
            run.phase(),
            Phase::Running { run_id: "r1".into() },
            "a run going on never waits again"
        );

        // Stopped while it waited: the relay's summary is the one no events give.
        run.start(scenario.clone(), &l);
        run.accepted("r2".into());
        run.waiting(1, 5_000);
        run.stopping();
        run.finished(
            Outcome::Stopped,
            SummaryBuilder::for_scenario(&scenario).finish(),
            Vec::new(),
        );
        assert_eq!(
            run.phase(),
            Phase::Finished {
                outcome: Outcome::Stopped
            }
        );
        assert!(!run.summary_mismatch);
    }

    #[test]
    fn the_waiting_text_says_the_place_and_a_rounded_estimate() {
        assert_eq!(
            waiting_text(3, 12_000, Lang::En),
            "waiting for a free slot: 3rd in line, about 12 s"
        );
        assert_eq!(
            waiting_text(1, 200, Lang::En),
            "waiting for a free slot: 1st in line, about 1 s"
        );
        assert_eq!(
            waiting_text(2, 0, Lang::En),
            "waiting for a free slot: 2nd in line, about 1 s"
        );
        assert_eq!(
            waiting_text(11, 95_000, Lang::En),
            "waiting for a free slot: 11th in line, about 2 min"
        );
        assert_eq!(
            waiting_text(22, 60_500, Lang::En),
            "waiting for a free slot: 22nd in line, about 61 s"
        );
        assert_eq!(
            waiting_text(113, 30_000, Lang::En),
            "waiting for a free slot: 113th in line, about 30 s"
        );
    }

    #[test]
    fn a_run_folds_the_same_summary_and_filters_incrementally() {
        let scenario = crate::gallery::example("backup-exchange")
            .and_then(|e| e.scenario())
            .expect("example");
        let l = layout(&scenario);
        let mut run = RunRecord::default();
        run.start(scenario.clone(), &l);
        run.accepted("r1".into());
        run.set_filter(LogFilter {
            id: "#2".into(),
            ..LogFilter::default()
        });
        let mut events = Vec::new();
        for n in 1..=3 {
            let id = format!("producer#{n}");
            events.push(ev(EventKind::Published {
                publisher: "producer".into(),
                id: id.clone(),
                exchange: "confirm-exchange2".into(),
                routing_key: "default2".into(),
                priority: None,
                persistent: true,
                mandatory: true,
            }));
            events.push(ev(EventKind::Confirmed {
                publisher: "producer".into(),
                id: id.clone(),
                ack: true,
            }));
            events.push(ev(EventKind::Delivered {
                consumer: "backup-consumer".into(),
                queue: "backup-queue".into(),
                id,
                redelivered: false,
                priority: None,
                exchange: "confirm-exchange2".into(),
                routing_key: "default2".into(),
            }));
        }
        events.push(ev(EventKind::RunFinished {
            outcome: Outcome::Completed,
            message: None,
        }));
        run.append(events[..4].to_vec());
        run.append(events[4..].to_vec());
        assert_eq!(run.filtered.len(), 3);
        assert_eq!(run.counts.published, 0, "nothing shown before the animation gets there");
        assert!(run.show_to(usize::MAX, &l));
        assert!(!run.show_to(usize::MAX, &l), "shown already");
        assert_eq!(run.counts.published, 3);
        let alternate = l
            .edges
            .iter()
            .position(|e| e.kind == crate::model::layout::EdgeKind::Alternate)
            .expect("edge");
        assert_eq!(run.edge_traffic[alternate], 3);
        assert_eq!(tone(&run.events[2], &l), "backedup");

        let relay = warren_shared::summary::summarize(&scenario, &run.events);
        run.finished(Outcome::Completed, relay.clone(), Vec::new());
        assert!(!run.summary_mismatch);
        assert_eq!(run.summary.as_ref().map(|s| s.delivered_total()), Some(3));
        assert!(run.checks.is_empty(), "a plain scenario has no checks");

        let one = run.trail(&["producer#2".to_owned()], &l);
        assert_eq!(one.0.len(), 5);
        assert_eq!(one.1.len(), 4);
        // Several messages (a check's result names them): every path they took.
        let ids: Vec<String> = ["producer#1", "producer#2", "producer#9"].map(str::to_owned).into();
        assert_eq!(run.trail(&ids, &l), one, "the same path, and an id the run never saw");
        assert_eq!(run.trail(&[], &l), Default::default());

        run.set_filter(LogFilter {
            kind: "confirmed".into(),
            ..LogFilter::default()
        });
        assert_eq!(run.filtered.len(), 3);
    }

    fn snapshot(queue: &str, ready: u64, unacked: u64) -> EventKind {
        EventKind::QueueSnapshot(QueueSnapshot {
            queue: queue.into(),
            messages: ready + unacked,
            ready,
            unacked,
            ..QueueSnapshot::default()
        })
    }

    #[test]
    fn a_replay_shows_the_state_at_a_time_and_the_depth_series_keeps_the_whole_run() {
        let (l, mut run) = started("backup-exchange");
        let published = published_to_backup;
        run.append(vec![
            Event {
                t_ms: 10,
                kind: published("producer#1"),
            },
            Event {
                t_ms: 20,
                kind: snapshot("backup-queue", 1, 0),
            },
            Event {
                t_ms: 30,
                kind: published("producer#2"),
            },
            Event {
                t_ms: 40,
                kind: snapshot("backup-queue", 1, 1),
            },
            Event {
                t_ms: 40,
                kind: snapshot("other", 0, 0),
            },
        ]);
        assert!(!run.shows_all(), "shown as the animation gets there");
        assert!(run.show_to(usize::MAX, &l));
        assert!(run.shows_all());
        assert_eq!(run.end_ms(), 40);
        let depths: Vec<(u64, u64)> = run.depth["backup-queue"].iter().map(|p| (p.t_ms, p.depth)).collect();
        assert_eq!(depths, [(20, 1), (40, 2)]);
        assert_eq!(run.depth.keys().collect::<Vec<_>>(), ["backup-queue", "other"]);

        assert_eq!(run.index_at(0, 40.0), 5, "everything up to 40 ms");
        assert_eq!(run.index_at(0, 25.0), 2);
        assert!(run.show_to(2, &l), "going back folds again from the start");
        assert_eq!(run.shown_ms(), 20);
        assert_eq!(run.counts.published, 1);
        assert_eq!(run.queues["backup-queue"].unacked, 0);
        assert!(!run.queues.contains_key("other"));
        assert_eq!(run.edge_traffic.iter().sum::<u64>(), 1);
        assert!(!run.shows_all());

        // A late event of a live run does not disturb the replayed state.
        run.append(vec![Event {
            t_ms: 50,
            kind: published("producer#3"),
        }]);
        assert_eq!(run.counts.published, 1);
        assert_eq!(run.depth["backup-queue"].len(), 2);

        assert_eq!(run.index_at(2, 45.0), 5);
        assert!(run.show_to(5, &l), "going forward folds only the new events");
        assert_eq!(run.counts.published, 2);
        assert_eq!(run.queues["backup-queue"].unacked, 1);
        assert!(run.show_to(usize::MAX, &l));
        assert!(run.shows_all());
        assert_eq!(run.counts.published, 3);
        assert!(run.show_to(0, &l));
        assert_eq!(run.shown_ms(), 0);
        assert_eq!(run.counts, Counts::default());
    }

    #[test]
    fn a_failover_shows_the_node_down_the_leader_moving_and_the_consumer_back() {
        let (l, mut run) = started("mirroring");
        let node = |name: &str, running| NodeStatus {
            name: name.into(),
            running,
        };
        let on = |leader: &str| {
            EventKind::QueueSnapshot(QueueSnapshot {
                queue: "orders-queue".into(),
                node: Some(leader.into()),
                ..QueueSnapshot::default()
            })
        };
        let at = |t_ms, kind| Event { t_ms, kind };
        run.append(vec![
            at(
                0,
                EventKind::RunStarted {
                    run_id: "r1".into(),
                    vhost: "v".into(),
                    broker: warren_shared::BrokerInfo {
                        version: "3.10.8".into(),
                        erlang_version: String::new(),
                        cluster_name: String::new(),
                        nodes: vec![node("warren-1@localhost", true), node("warren-2@localhost", true)],
                    },
                },
            ),
            at(100, on("warren-2@localhost")),
            at(
                3000,
                EventKind::NodeFault {
                    node: "warren-2@localhost".into(),
                    action: NodeAction::Stop,
                    ok: true,
                    message: "stopped".into(),
                },
            ),
            at(
                3980,
                EventKind::ConsumerCancelled {
                    consumer: "consumer".into(),
                    queue: "orders-queue".into(),
                },
            ),
            at(4230, on("warren-1@localhost")),
            at(
                4300,
                EventKind::Reconsumed {
                    consumer: "consumer".into(),
                    queue: "orders-queue".into(),
                },
            ),
        ]);
        let running = |run: &RunRecord| {
            run.nodes
                .as_ref()
                .and_then(|nodes| nodes.iter().find(|n| n.name == "warren-2@localhost"))
                .map(|n| n.running)
        };
        run.show_to(2, &l);
        assert_eq!(running(&run), Some(true));
        run.show_to(3, &l);
        assert_eq!(running(&run), Some(false), "down at the fault, before nodes_changed");
        run.show_to(4, &l);
        assert_eq!(
            run.counts.cancelled.get("consumer").map(String::as_str),
            Some("orders-queue")
        );
        assert!(run.counts.promotions.is_empty());
        run.show_to(5, &l);
        assert_eq!(
            run.counts.promotions.get("orders-queue"),
            Some(&Promotion {
                from: "warren-2@localhost".into(),
                to: "warren-1@localhost".into(),
                t_ms: 4230,
            })
        );
        run.show_to(6, &l);
        assert!(run.counts.cancelled.is_empty(), "consuming again");
        assert_eq!(run.counts.reconsumed.get("consumer"), Some(&1));
        run.show_to(2, &l);
        assert!(run.counts.promotions.is_empty(), "scrubbing back forgets the move");
        assert_eq!(running(&run), Some(true));
    }

    #[test]
    fn edges_count_what_was_routed_once_and_deliveries_on_the_consumers_line() {
        let (l, mut run) = started("backup-exchange");
        let published = published_to_backup;
        let acked = |id: &str| EventKind::Confirmed {
            publisher: "producer".into(),
            id: id.into(),
            ack: true,
        };
        let delivered = |id: &str, redelivered| EventKind::Delivered {
            consumer: "backup-consumer".into(),
            queue: "backup-queue".into(),
            id: id.into(),
            redelivered,
            priority: None,
            exchange: "confirm-exchange2".into(),
            routing_key: "default2".into(),
        };
        run.append(
            [
                published("producer#1"),
                published("producer#2"),
                // #1 is delivered before its confirm comes, #2 after.
                delivered("producer#1", false),
                acked("producer#1"),
                acked("producer#2"),
                delivered("producer#2", false),
                delivered("producer#2", true),
            ]
            .into_iter()
            .map(ev)
            .collect(),
        );
        run.show_to(usize::MAX, &l);
        let node = |kind, name| l.find(kind, name).expect(name);
        let traffic = |from: usize, to: usize| run.edge_traffic[l.edge_between(from, to).expect("an edge")];
        let exchange = node(NodeKind::Exchange, "confirm-exchange2");
        let backup = node(NodeKind::Exchange, "backup-exchange");
        let queue = node(NodeKind::Queue, "backup-queue");
        let consumer = node(NodeKind::Consumer, "backup-consumer");
        assert_eq!(traffic(node(NodeKind::Publisher, "producer"), exchange), 2);
        assert_eq!(traffic(exchange, backup), 2, "each message routed once");
        assert_eq!(traffic(backup, queue), 2);
        assert_eq!(traffic(queue, consumer), 3, "every delivery, the redelivery too");
        assert_eq!(run.counts.redelivered.get("backup-consumer"), Some(&1));
    }

    #[test]
    fn rabbitmqs_words_when_it_closes_a_channel_or_the_connection() {
        let (l, mut run) = started("backup-exchange");
        let text = "ACCESS_REFUSED - cannot publish to internal exchange 'x' in vhost 'v'";
        let closed = Event {
            t_ms: 10,
            kind: EventKind::ChannelClosed {
                actor: "producer".into(),
                code: 403,
                text: text.into(),
            },
        };
        let forced = Event {
            t_ms: 20,
            kind: EventKind::ConnectionClosed {
                code: 320,
                text: "CONNECTION_FORCED - shutdown".into(),
            },
        };
        assert_eq!(details(&closed, Lang::En), format!("403 {text}"));
        assert_eq!(tone(&closed, &l), "nacked");
        assert_eq!(details(&forced, Lang::En), "320 CONNECTION_FORCED - shutdown");
        assert_eq!(tone(&forced, &l), "warning");
        run.append(vec![closed, forced]);
        run.show_to(2, &l);
        assert_eq!(run.counts.closed["producer"], format!("403 {text}"));
        run.show_to(run.index_at(0, 5.0), &l);
        assert!(run.counts.closed.is_empty(), "not closed yet at 5 ms of a replay");

        // A consumer refused while consuming again is no longer closed once it consumes.
        let consumer = |kind| Event { t_ms: 30, kind };
        run.show_to(usize::MAX, &l);
        run.append(vec![
            consumer(EventKind::ChannelClosed {
                actor: "backup-consumer".into(),
                code: 404,
                text: "NOT_FOUND - home node 'warren-2@localhost' of durable queue 'backup-queue' is down".into(),
            }),
            consumer(EventKind::Reconsumed {
                consumer: "backup-consumer".into(),
                queue: "backup-queue".into(),
            }),
        ]);
        run.show_to(usize::MAX, &l);
        assert!(!run.counts.closed.contains_key("backup-consumer"));
        assert!(run.counts.closed.contains_key("producer"));
    }
}
