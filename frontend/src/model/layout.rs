//! Where every publisher, exchange, queue and consumer of a scenario goes on the canvas, and how
//! messages travel between them.
//!
//! [`layout`] is pure: columns run left to right (publishers, exchanges, the alternate
//! exchanges after the exchange that names them, queues, consumers) and rows are given out by a
//! depth-first walk from the publishers, so a tree of routes never crosses itself. A long edge
//! reserves the rows it passes over, so no node sits on top of it.
//!
//! A queue's dead-letter exchange (its `x-dead-letter-exchange` argument, or the
//! `dead-letter-exchange` of a policy that matches it) is drawn as a dashed edge back from the
//! queue to that exchange, without moving any column: under the queue when the exchange sits
//! lower, over it when higher. Policy patterns are regular expressions the page does not
//! evaluate; it recognises `.*`, `^name$`, the plain name and a plain `^prefix` only, so a policy
//! with a cleverer pattern dead-letters on the broker without an edge on the canvas.

use crate::i18n::{Lang, Text};
use std::collections::{BTreeSet, HashSet};
use warren_shared::{DestinationType, ExchangeType, Scenario, order, position_key};

/// Horizontal distance between two columns.
pub const COLUMN_WIDTH: f64 = 194.0;
/// Vertical distance between two rows.
pub const ROW_HEIGHT: f64 = 124.0;
/// Width of every node.
pub const NODE_WIDTH: f64 = 150.0;
/// Height of a queue's box, and of any other box, with one row of tags.
const QUEUE_HEIGHT: f64 = 100.0;
const NODE_HEIGHT: f64 = 68.0;
/// Height of each further row of tags, and the width a tag takes per character and in all
/// (padding and gap), in drawing units when the page enlarges the canvas's text the most.
const TAG_ROW: f64 = 20.0;
const TAG_CHAR: f64 = 8.0;
/// The width of a Chinese character in a tag, at the largest text.
const WIDE_CHAR: f64 = 14.0;
/// A box title's characters against a tag's, and the height of a title's second line, at the
/// largest text.
const TITLE_SCALE: f64 = 1.15;
const TITLE_ROW: f64 = 17.0;
const TAG_PAD: f64 = 14.0;
/// Space around the drawing.
pub const MARGIN: f64 = 14.0;
/// Extra room between the publishers and the exchanges, where confirms and returns happen.
pub const PUBLISH_GAP: f64 = 44.0;

/// What a node stands for; also its colour on the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    /// A publishing actor.
    Publisher,
    /// An exchange (a built-in one included).
    Exchange,
    /// A queue.
    Queue,
    /// A consuming actor.
    Consumer,
}

impl NodeKind {
    /// CSS class and `data-kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publisher => "publisher",
            Self::Exchange => "exchange",
            Self::Queue => "queue",
            Self::Consumer => "consumer",
        }
    }
}

/// One box on the canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Its name in the scenario (`""` for the default exchange).
    pub name: String,
    /// Shown as its title.
    pub label: String,
    /// The settings that matter, as tags joined by ` · `, e.g. `direct · AE backup` or
    /// `classic · max-length 10 · reject-publish`; the canvas shows each as a tag.
    pub subtitle: String,
    /// Column, from 0 (publishers).
    pub column: usize,
    /// Row, from 0.
    pub row: usize,
    /// Top-left corner.
    pub x: f64,
    /// Top-left corner.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Node {
    /// Where edges leave it.
    pub fn out_anchor(&self) -> (f64, f64) {
        (self.x + self.w, self.y + self.h / 2.0)
    }

    /// Where edges arrive.
    pub fn in_anchor(&self) -> (f64, f64) {
        (self.x, self.y + self.h / 2.0)
    }
}

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// A publisher sends to an exchange.
    Publish,
    /// A binding, to a queue or to another exchange.
    Binding,
    /// The default exchange routes to the queue named by the routing key.
    Default,
    /// An exchange's `alternate-exchange` (drawn dashed).
    Alternate,
    /// A queue's dead-letter exchange, back from the queue (drawn dashed, in its own colour).
    DeadLetter,
    /// A consumer reads a queue.
    Consume,
}

impl EdgeKind {
    /// CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::Binding => "binding",
            Self::Default => "default",
            Self::Alternate => "alternate",
            Self::DeadLetter => "dead-letter",
            Self::Consume => "consume",
        }
    }

    /// Whether messages routed by an exchange may follow it.
    fn routes(self) -> bool {
        matches!(self, Self::Binding | Self::Default | Self::Alternate)
    }
}

/// One line on the canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Index of the source node.
    pub from: usize,
    /// Index of the destination node.
    pub to: usize,
    /// What it is.
    pub kind: EdgeKind,
    /// The routing key (or header match) written on it; may be empty.
    pub label: String,
    /// The scenario's bindings it draws, by index (several bindings between the same two
    /// nodes share one edge; their keys are joined in the label).
    pub bindings: Vec<usize>,
}

/// A cubic Bézier segment: how edges are drawn and how tokens move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Curve {
    /// Start.
    pub p0: (f64, f64),
    /// First control point.
    pub c1: (f64, f64),
    /// Second control point.
    pub c2: (f64, f64),
    /// End.
    pub p1: (f64, f64),
}

impl Curve {
    /// The S-curve between two anchors: horizontal at both ends.
    pub fn between(from: (f64, f64), to: (f64, f64)) -> Self {
        let dx = ((to.0 - from.0) / 2.0).abs().max(20.0);
        let dir = if to.0 >= from.0 { 1.0 } else { -1.0 };
        Self {
            p0: from,
            c1: (from.0 + dx * dir, from.1),
            c2: (to.0 - dx * dir, to.1),
            p1: to,
        }
    }

    /// A straight line.
    pub fn line(from: (f64, f64), to: (f64, f64)) -> Self {
        let third = |a: f64, b: f64, k: f64| a + (b - a) * k;
        Self {
            p0: from,
            c1: (third(from.0, to.0, 1.0 / 3.0), third(from.1, to.1, 1.0 / 3.0)),
            c2: (third(from.0, to.0, 2.0 / 3.0), third(from.1, to.1, 2.0 / 3.0)),
            p1: to,
        }
    }

    /// The same curve, travelled backwards.
    pub fn reversed(self) -> Self {
        Self {
            p0: self.p1,
            c1: self.c2,
            c2: self.c1,
            p1: self.p0,
        }
    }

    /// The point at `t` in `0..=1`.
    pub fn at(&self, t: f64) -> (f64, f64) {
        let u = 1.0 - t;
        let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        (
            a * self.p0.0 + b * self.c1.0 + c * self.c2.0 + d * self.p1.0,
            a * self.p0.1 + b * self.c1.1 + c * self.c2.1 + d * self.p1.1,
        )
    }

    /// Approximate length (a few chords).
    pub fn length(&self) -> f64 {
        let mut total = 0.0;
        let mut last = self.p0;
        for i in 1..=8 {
            let p = self.at(f64::from(i) / 8.0);
            total += ((p.0 - last.0).powi(2) + (p.1 - last.1).powi(2)).sqrt();
            last = p;
        }
        total
    }

    /// SVG path data.
    pub fn svg(&self) -> String {
        format!(
            "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            self.p0.0, self.p0.1, self.c1.0, self.c1.1, self.c2.0, self.c2.1, self.p1.0, self.p1.1
        )
    }
}

/// The whole drawing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// Boxes, publishers first, then exchanges, queues and consumers.
    pub nodes: Vec<Node>,
    /// Lines.
    pub edges: Vec<Edge>,
    /// Size of the drawing.
    pub width: f64,
    /// Size of the drawing.
    pub height: f64,
    /// Each exchange's type, by node index (for the routing prediction).
    exchange_types: Vec<Option<ExchangeType>>,
}

/// Lay a scenario out. Names the scenario does not declare (a missing alternate exchange) are
/// left out; built-in exchanges that publishers or bindings use are drawn.
pub fn layout(scenario: &Scenario) -> Layout {
    let mut b = Builder::default();

    for p in &scenario.publishers {
        let mut tags = vec![format!("{} msg", p.count)];
        if let Some(rate) = p.rate_per_sec {
            tags.push(format!("{rate}/s"));
        }
        tags.push(
            if p.outbox.is_some() {
                "outbox"
            } else if p.mandatory {
                "mandatory"
            } else if p.confirm.enabled() {
                "confirms"
            } else {
                "no confirms"
            }
            .to_owned(),
        );
        b.node(NodeKind::Publisher, &p.name, tags.join(" · "));
    }
    let declared: HashSet<&str> = scenario.exchanges.iter().map(|e| e.name.as_str()).collect();
    for e in &scenario.exchanges {
        let mut subtitle = e.kind.as_str().to_owned();
        if e.internal {
            subtitle.push_str(" · internal");
        }
        if let Some(alternate) = e.arguments.get("alternate-exchange").and_then(|v| v.as_str()) {
            subtitle.push_str(&format!(" · AE {alternate}"));
        }
        let index = b.node(NodeKind::Exchange, &e.name, subtitle);
        b.exchange_types.push((index, e.kind));
    }
    let builtin = |b: &mut Builder, name: &str| {
        if !declared.contains(name) && b.find(NodeKind::Exchange, name).is_none() {
            let kind = builtin_type(name);
            let subtitle = if name.is_empty() {
                "routes by queue name".to_owned()
            } else {
                format!("built-in · {}", kind.as_str())
            };
            let index = b.node(NodeKind::Exchange, name, subtitle);
            b.exchange_types.push((index, kind));
        }
    };
    for p in &scenario.publishers {
        builtin(&mut b, &p.exchange);
    }
    for binding in &scenario.bindings {
        builtin(&mut b, &binding.source);
        if binding.destination_type == DestinationType::Exchange {
            builtin(&mut b, &binding.destination);
        }
    }
    for q in &scenario.queues {
        let mut tags = vec![q.kind.as_str().to_owned()];
        // The argument's value after a short name (none: the value alone); a TTL in ms.
        for (key, short) in [
            ("x-max-priority", "max-priority "),
            ("x-max-length", "max-length "),
            ("x-overflow", ""),
            ("x-queue-mode", ""),
            ("x-message-ttl", "TTL "),
        ] {
            if let Some(value) = q.arguments.get(key) {
                let value = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                let unit = if key == "x-message-ttl" { " ms" } else { "" };
                tags.push(format!("{short}{value}{unit}"));
            }
        }
        // From the queue's arguments or a policy.
        if let Some((exchange, _)) = dead_letter_target(scenario, q) {
            tags.push(format!("DLX {exchange}"));
        }
        if let Some(node) = &q.node {
            tags.insert(1, format!("on {}", node.split('@').next().unwrap_or(node)));
        }
        b.node(NodeKind::Queue, &q.name, tags.join(" · "));
    }
    for c in &scenario.consumers {
        let mut subtitle = format!(
            "{} ack",
            if c.ack == warren_shared::AckMode::Auto {
                "auto"
            } else {
                "manual"
            }
        );
        if c.prefetch > 0 {
            subtitle.push_str(&format!(" · prefetch {}", c.prefetch));
        }
        if !c.rules.is_empty() {
            subtitle.push_str(" · rules");
        }
        b.node(NodeKind::Consumer, &c.name, subtitle);
    }

    // Edges, in the order the walk should follow them: bindings before alternate exchanges.
    for p in &scenario.publishers {
        if let (Some(from), Some(to)) = (
            b.find(NodeKind::Publisher, &p.name),
            b.find(NodeKind::Exchange, &p.exchange),
        ) {
            // To the default exchange the key is the queue's name, which the drawing shows.
            let label = if p.exchange.is_empty() {
                String::new()
            } else {
                p.routing_key.clone()
            };
            b.edge(from, to, EdgeKind::Publish, label);
        }
    }
    for (index, binding) in scenario.bindings.iter().enumerate() {
        let to_kind = match binding.destination_type {
            DestinationType::Queue => NodeKind::Queue,
            DestinationType::Exchange => NodeKind::Exchange,
        };
        if let (Some(from), Some(to)) = (
            b.find(NodeKind::Exchange, &binding.source),
            b.find(to_kind, &binding.destination),
        ) && let Some(edge) = b.edge(from, to, EdgeKind::Binding, binding_label(binding))
        {
            b.edges[edge].bindings.push(index);
        }
    }
    let mut default_routes = BTreeSet::new();
    for p in scenario.publishers.iter().filter(|p| p.exchange.is_empty()) {
        default_routes.insert(p.routing_key.clone());
    }
    if let Some(from) = b.find(NodeKind::Exchange, "") {
        for key in default_routes {
            if let Some(to) = b.find(NodeKind::Queue, &key) {
                b.edge(from, to, EdgeKind::Default, key);
            }
        }
    }
    for e in &scenario.exchanges {
        if let Some(alternate) = e.arguments.get("alternate-exchange").and_then(|v| v.as_str())
            && let (Some(from), Some(to)) = (
                b.find(NodeKind::Exchange, &e.name),
                b.find(NodeKind::Exchange, alternate),
            )
        {
            b.edge(
                from,
                to,
                EdgeKind::Alternate,
                Text::EdgeAlternate.text(Lang::En).to_owned(),
            );
        }
    }
    for c in &scenario.consumers {
        if let (Some(from), Some(to)) = (b.find(NodeKind::Queue, &c.queue), b.find(NodeKind::Consumer, &c.name)) {
            b.edge(from, to, EdgeKind::Consume, String::new());
        }
    }
    for q in &scenario.queues {
        if let Some((exchange, key)) = dead_letter_target(scenario, q)
            && let (Some(from), Some(to)) = (b.find(NodeKind::Queue, &q.name), b.find(NodeKind::Exchange, &exchange))
        {
            b.edge(
                from,
                to,
                EdgeKind::DeadLetter,
                key.unwrap_or_else(|| Text::EdgeDlx.text(Lang::En).to_owned()),
            );
        }
    }

    b.columns();
    b.rows();
    let mut drawing = b.finish();
    for index in 0..drawing.nodes.len() {
        let node = &drawing.nodes[index];
        if let Some(at) = scenario.positions.get(&position_key(node.kind.as_str(), &node.name)) {
            drawing.nodes[index].x = at.x;
            drawing.nodes[index].y = at.y;
        }
    }
    drawing.fit();
    drawing
}

/// How wide `text` is at the largest text the canvas shows: a Chinese character takes about
/// twice the room of a Latin letter.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c >= '\u{2e80}' { WIDE_CHAR } else { TAG_CHAR })
        .sum()
}

/// How many rows the tags of `subtitle` take in a box (at least one), each tag as wide as its
/// characters at the largest text the canvas shows, in whichever language is wider (the
/// Chinese when the page has it); a tag wider than the box wraps inside.
fn tag_rows(subtitle: &str) -> f64 {
    let room = NODE_WIDTH - 14.0;
    let (mut rows, mut used) = (1.0, 0.0);
    for tag in subtitle.split(" · ") {
        let width = text_width(tag).max(text_width(&crate::i18n::tag(tag, Lang::Zh))) + TAG_PAD;
        if used > 0.0 && used + width > room {
            rows += 1.0;
            used = 0.0;
        }
        used += width;
        rows += (width / room).ceil() - 1.0;
    }
    rows
}

/// Where a queue's dead letters go: the exchange and the routing key they get, from the queue's
/// arguments or else the highest-priority policy that matches it (see the module's note on
/// patterns).
pub fn dead_letter_target(scenario: &Scenario, queue: &warren_shared::Queue) -> Option<(String, Option<String>)> {
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    if let Some(exchange) = queue.arguments.get("x-dead-letter-exchange").and_then(text) {
        return Some((
            exchange,
            queue.arguments.get("x-dead-letter-routing-key").and_then(text),
        ));
    }
    scenario
        .policies
        .iter()
        .filter(|p| p.apply_to != warren_shared::ApplyTo::Exchanges && pattern_matches(&p.pattern, &queue.name))
        .filter(|p| p.definition.contains_key("dead-letter-exchange"))
        .max_by_key(|p| p.priority)
        .and_then(|p| {
            let exchange = p.definition.get("dead-letter-exchange").and_then(text)?;
            Some((exchange, p.definition.get("dead-letter-routing-key").and_then(text)))
        })
}

/// Whether a policy pattern surely matches `name`: `.*`, `^name$`, the plain name, or a plain
/// `^prefix`. Other regular expressions are taken not to match.
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    let plain = |s: &str| !s.contains(['.', '*', '+', '?', '[', ']', '(', ')', '{', '}', '|', '\\', '^', '$']);
    if pattern == ".*" || pattern == "^.*" || pattern == "^.*$" || pattern.is_empty() {
        return true;
    }
    if let Some(exact) = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$')) {
        return plain(exact) && exact == name;
    }
    if let Some(prefix) = pattern.strip_prefix('^') {
        return plain(prefix) && name.starts_with(prefix);
    }
    plain(pattern) && pattern == name
}

/// The type of a built-in exchange, from its name.
fn builtin_type(name: &str) -> ExchangeType {
    match name {
        "amq.fanout" => ExchangeType::Fanout,
        "amq.topic" | "amq.rabbitmq.trace" => ExchangeType::Topic,
        "amq.headers" | "amq.match" => ExchangeType::Headers,
        _ => ExchangeType::Direct,
    }
}

/// What a binding's edge says: the key, or the header match for a headers binding.
fn binding_label(binding: &warren_shared::Binding) -> String {
    if !binding.routing_key.is_empty() {
        return binding.routing_key.clone();
    }
    binding
        .arguments
        .iter()
        .filter(|(k, _)| k.as_str() != "x-match")
        .map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    exchange_types: Vec<(usize, ExchangeType)>,
}

impl Builder {
    fn node(&mut self, kind: NodeKind, name: &str, subtitle: String) -> usize {
        let label = if kind == NodeKind::Exchange && name.is_empty() {
            Text::DefaultExchange.text(Lang::En).to_owned()
        } else {
            name.to_owned()
        };
        // An exchange's name may take two lines (queues and actors end theirs in "…").
        let title_rows = if kind == NodeKind::Exchange && text_width(&label) * TITLE_SCALE > NODE_WIDTH - 14.0 {
            1.0
        } else {
            0.0
        };
        let h = if kind == NodeKind::Queue {
            QUEUE_HEIGHT
        } else {
            NODE_HEIGHT
        } + TAG_ROW * (tag_rows(&subtitle) - 1.0)
            + TITLE_ROW * title_rows;
        self.nodes.push(Node {
            kind,
            name: name.to_owned(),
            label,
            subtitle,
            column: 0,
            row: usize::MAX,
            x: 0.0,
            y: 0.0,
            w: NODE_WIDTH,
            h,
        });
        self.nodes.len() - 1
    }

    fn find(&self, kind: NodeKind, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.kind == kind && n.name == name)
    }

    fn edge(&mut self, from: usize, to: usize, kind: EdgeKind, label: String) -> Option<usize> {
        if from == to {
            return None;
        }
        if let Some(index) = self
            .edges
            .iter()
            .position(|e| e.from == from && e.to == to && e.kind == kind)
        {
            let edge = &mut self.edges[index];
            if kind == EdgeKind::Binding && !label.is_empty() && !edge.label.split(", ").any(|l| l == label) {
                if !edge.label.is_empty() {
                    edge.label.push_str(", ");
                }
                edge.label.push_str(&label);
            }
            return Some(index);
        }
        self.edges.push(Edge {
            from,
            to,
            kind,
            label,
            bindings: Vec::new(),
        });
        Some(self.edges.len() - 1)
    }

    /// Exchanges sit one column after every exchange that feeds them (bindings between
    /// exchanges, alternate exchanges); queues after the last exchange column.
    fn columns(&mut self) {
        let n = self.nodes.len();
        let mut level = vec![0_usize; n];
        // Longest path, bounded so a cycle of exchanges cannot loop forever.
        for _ in 0..n {
            let mut changed = false;
            for e in &self.edges {
                let both_exchanges =
                    self.nodes[e.from].kind == NodeKind::Exchange && self.nodes[e.to].kind == NodeKind::Exchange;
                if both_exchanges && level[e.to] < level[e.from] + 1 && level[e.from] + 1 < n {
                    level[e.to] = level[e.from] + 1;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let deepest = self
            .nodes
            .iter()
            .zip(&level)
            .filter(|(node, _)| node.kind == NodeKind::Exchange)
            .map(|(_, l)| *l)
            .max()
            .unwrap_or(0);
        for (node, l) in self.nodes.iter_mut().zip(level) {
            node.column = match node.kind {
                NodeKind::Publisher => 0,
                NodeKind::Exchange => 1 + l,
                NodeKind::Queue => 2 + deepest,
                NodeKind::Consumer => 3 + deepest,
            };
        }
    }

    /// Rows by a depth-first walk from each publisher, children at or below their parent.
    fn rows(&mut self) {
        let columns = self.nodes.iter().map(|n| n.column).max().map_or(0, |c| c + 1);
        let mut taken: Vec<HashSet<usize>> = vec![HashSet::new(); columns];
        // Publishers first, then whatever no walk reached, kind by kind.
        for start in order::by_key(self.nodes.iter().map(|n| n.kind as u64)) {
            self.visit(start, 0, &mut taken);
        }
    }

    fn visit(&mut self, node: usize, min_row: usize, taken: &mut [HashSet<usize>]) {
        if self.nodes[node].row != usize::MAX {
            return;
        }
        let column = self.nodes[node].column;
        let mut row = min_row;
        while taken[column].contains(&row) {
            row += 1;
        }
        taken[column].insert(row);
        self.nodes[node].row = row;
        let outgoing: Vec<usize> = (0..self.edges.len()).filter(|&e| self.edges[e].from == node).collect();
        let side_last = order::by_key(
            outgoing
                .iter()
                .map(|&e| u64::from(matches!(self.edges[e].kind, EdgeKind::Alternate | EdgeKind::DeadLetter))),
        );
        for e in side_last.into_iter().map(|i| outgoing[i]) {
            let to = self.edges[e].to;
            self.visit(to, row, taken);
            // A long edge keeps the rows it passes over free.
            let (from_col, to_col, to_row) = (column, self.nodes[to].column, self.nodes[to].row);
            for rows in taken.iter_mut().take(to_col).skip(from_col + 1) {
                rows.insert(row);
                rows.insert(to_row);
            }
        }
    }

    fn finish(mut self) -> Layout {
        let mut width: f64 = 0.0;
        // Each row as high as its highest box needs, and where it starts.
        let rows = self.nodes.iter().map(|n| n.row + 1).max().unwrap_or(0);
        let mut tops = vec![ROW_HEIGHT; rows];
        for node in &self.nodes {
            tops[node.row] = tops[node.row].max(node.h + ROW_HEIGHT - QUEUE_HEIGHT);
        }
        let mut height = MARGIN;
        for top in &mut tops {
            (*top, height) = (height, height + *top);
        }
        for node in &mut self.nodes {
            let extra = if node.column > 0 { PUBLISH_GAP } else { 0.0 };
            let row_height = tops.get(node.row + 1).copied().unwrap_or(height) - tops[node.row];
            node.x = MARGIN + node.column as f64 * COLUMN_WIDTH + extra;
            node.y = tops[node.row] + (row_height - 16.0 - node.h) / 2.0;
            width = width.max(node.x + node.w + MARGIN);
        }
        let mut exchange_types = vec![None; self.nodes.len()];
        for (index, kind) in self.exchange_types {
            exchange_types[index] = Some(kind);
        }
        Layout {
            nodes: self.nodes,
            edges: self.edges,
            width: width.max(2.0 * MARGIN + NODE_WIDTH),
            height: height.max(ROW_HEIGHT),
            exchange_types,
        }
    }
}

impl Layout {
    /// Move a node (while it is dragged; the scenario keeps the position when it is dropped).
    pub fn place(&mut self, node: usize, x: f64, y: f64) {
        if let Some(n) = self.nodes.get_mut(node) {
            n.x = x.max(0.0);
            n.y = y.max(0.0);
            self.fit();
        }
    }

    /// Size the drawing to its nodes.
    fn fit(&mut self) {
        let right = self.nodes.iter().map(|n| n.x + n.w).fold(0.0, f64::max);
        let bottom = self.nodes.iter().map(|n| n.y + n.h).fold(0.0, f64::max);
        self.width = (right + MARGIN).max(2.0 * MARGIN + NODE_WIDTH);
        self.height = (bottom + MARGIN + 16.0).max(ROW_HEIGHT);
    }

    /// The node of this kind and name.
    pub fn find(&self, kind: NodeKind, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.kind == kind && n.name == name)
    }

    /// The type of the exchange drawn under `name`.
    pub fn exchange_type(&self, name: &str) -> Option<ExchangeType> {
        let at = self.find(NodeKind::Exchange, name)?;
        self.exchange_types.get(at).copied().flatten()
    }

    /// The first edge from `from` to `to`.
    pub fn edge_between(&self, from: usize, to: usize) -> Option<usize> {
        self.edges.iter().position(|e| e.from == from && e.to == to)
    }

    /// The curve an edge is drawn with.
    pub fn edge_curve(&self, edge: usize) -> Curve {
        let e = &self.edges[edge];
        let (from, to) = (&self.nodes[e.from], &self.nodes[e.to]);
        if e.kind == EdgeKind::DeadLetter {
            return dead_letter_curve(from, to);
        }
        Curve::between(from.out_anchor(), to.in_anchor())
    }

    /// The points an edge is checked with for crossings: its two anchors, or points along the
    /// curve of a dead-letter edge (which does not run between them).
    fn edge_points(&self, edge: usize) -> Vec<(f64, f64)> {
        let e = &self.edges[edge];
        if e.kind == EdgeKind::DeadLetter {
            let curve = self.edge_curve(edge);
            (0..=12).map(|i| curve.at(f64::from(i) / 12.0)).collect()
        } else {
            vec![self.nodes[e.from].out_anchor(), self.nodes[e.to].in_anchor()]
        }
    }

    /// How a message published to `exchange` reached `queue`: the nodes from the exchange to the
    /// queue. Bindings are preferred; alternate exchanges are used only when no binding leads
    /// there (the message was unroutable where it was published).
    pub fn route_to_queue(&self, exchange: &str, queue: &str) -> Option<Vec<usize>> {
        let from = self.find(NodeKind::Exchange, exchange)?;
        let to = self.find(NodeKind::Queue, queue)?;
        self.path(from, to, false).or_else(|| self.path(from, to, true))
    }

    /// Breadth-first path over routing edges.
    fn path(&self, from: usize, to: usize, alternates: bool) -> Option<Vec<usize>> {
        let mut previous = vec![usize::MAX; self.nodes.len()];
        let mut seen = vec![false; self.nodes.len()];
        let mut queue = std::collections::VecDeque::from([from]);
        seen[from] = true;
        while let Some(at) = queue.pop_front() {
            if at == to {
                let mut path = vec![to];
                let mut node = to;
                while node != from {
                    node = previous[node];
                    path.push(node);
                }
                path.reverse();
                return Some(path);
            }
            for e in self.edges.iter().filter(|e| e.from == at && e.kind.routes()) {
                if (alternates || e.kind != EdgeKind::Alternate) && !seen[e.to] {
                    seen[e.to] = true;
                    previous[e.to] = at;
                    queue.push_back(e.to);
                }
            }
        }
        None
    }

    /// Where RabbitMQ would route a message published to `exchange` with `routing_key`: the
    /// paths (exchange … queue) it takes. Headers exchanges are taken to match every binding.
    pub fn predict(&self, exchange: &str, routing_key: &str) -> Vec<Vec<usize>> {
        let Some(from) = self.find(NodeKind::Exchange, exchange) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        self.predict_from(from, routing_key, &mut vec![from], &mut out);
        out
    }

    fn predict_from(&self, at: usize, key: &str, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if path.len() > self.nodes.len() {
            return;
        }
        let kind = self.exchange_types.get(at).copied().flatten().unwrap_or_default();
        let mut routed = false;
        for e in self
            .edges
            .iter()
            .filter(|e| e.from == at && matches!(e.kind, EdgeKind::Binding | EdgeKind::Default))
        {
            let matches = match (e.kind, kind) {
                (EdgeKind::Default, _) => e.label == key,
                (_, ExchangeType::Fanout | ExchangeType::Headers) => true,
                (_, ExchangeType::Direct) => e.label == key,
                (_, ExchangeType::Topic) => topic_matches(&e.label, key),
            };
            if !matches || path.contains(&e.to) {
                continue;
            }
            routed = true;
            path.push(e.to);
            if self.nodes[e.to].kind == NodeKind::Queue {
                out.push(path.clone());
            } else {
                self.predict_from(e.to, key, path, out);
            }
            path.pop();
        }
        if !routed
            && let Some(alt) = self
                .edges
                .iter()
                .find(|e| e.from == at && e.kind == EdgeKind::Alternate)
            && !path.contains(&alt.to)
        {
            path.push(alt.to);
            self.predict_from(alt.to, key, path, out);
            path.pop();
        }
    }

    /// Pairs of edges that cross, drawn as straight lines between their anchors.
    pub fn crossings(&self) -> Vec<(usize, usize)> {
        let points: Vec<Vec<(f64, f64)>> = (0..self.edges.len()).map(|i| self.edge_points(i)).collect();
        let mut out = Vec::new();
        for i in 0..self.edges.len() {
            for j in (i + 1)..self.edges.len() {
                let crossing = points[i].windows(2).any(|ab| {
                    points[j]
                        .windows(2)
                        .any(|cd| segments_cross(ab[0], ab[1], cd[0], cd[1]))
                });
                if crossing {
                    out.push((i, j));
                }
            }
        }
        out
    }

    /// Nodes whose box another edge passes through (not its own edges).
    pub fn edges_through_nodes(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (ei, e) in self.edges.iter().enumerate() {
            let points = self.edge_points(ei);
            for (ni, n) in self.nodes.iter().enumerate() {
                if ni == e.from || ni == e.to {
                    continue;
                }
                let corners = [(n.x, n.y), (n.x + n.w, n.y + n.h), (n.x, n.y + n.h), (n.x + n.w, n.y)];
                let inside = |p: (f64, f64)| p.0 > n.x && p.0 < n.x + n.w && p.1 > n.y && p.1 < n.y + n.h;
                let through = points.windows(2).any(|ab| {
                    let (a, b) = (ab[0], ab[1]);
                    inside(a)
                        || inside(b)
                        || segments_cross(a, b, corners[0], corners[1])
                        || segments_cross(a, b, corners[2], corners[3])
                });
                if through {
                    out.push((ei, ni));
                }
            }
        }
        out
    }
}

/// Back from a queue to its dead-letter exchange, between the rows: from the queue's bottom
/// down to the top of an exchange below it, from its top up to the bottom of an exchange above
/// it, and in a shallow loop under both when they share a row.
fn dead_letter_curve(queue: &Node, exchange: &Node) -> Curve {
    /// How far the ends leave their boxes vertically.
    const BEND: f64 = 28.0;
    let (qx, ex) = (queue.x + queue.w / 2.0, exchange.x + exchange.w / 2.0);
    if exchange.y >= queue.y + queue.h {
        let (p0, p1) = ((qx, queue.y + queue.h), (ex, exchange.y));
        Curve {
            p0,
            c1: (qx, p0.1 + BEND),
            c2: (ex, p1.1 - BEND),
            p1,
        }
    } else if exchange.y + exchange.h <= queue.y {
        let (p0, p1) = ((qx, queue.y), (ex, exchange.y + exchange.h));
        Curve {
            p0,
            c1: (qx, p0.1 - BEND),
            c2: (ex, p1.1 + BEND),
            p1,
        }
    } else {
        let (p0, p1) = ((qx, queue.y + queue.h), (ex, exchange.y + exchange.h));
        let low = p0.1.max(p1.1) + 14.0;
        Curve {
            p0,
            c1: (qx, low),
            c2: (ex, low),
            p1,
        }
    }
}

/// Whether a topic binding pattern (`*` one word, `#` zero or more) matches a routing key.
pub fn topic_matches(pattern: &str, key: &str) -> bool {
    fn go(p: &[&str], k: &[&str]) -> bool {
        match p.split_first() {
            None => k.is_empty(),
            Some((&"#", rest)) => (0..=k.len()).any(|skip| go(rest, &k[skip..])),
            Some((&word, rest)) => k
                .split_first()
                .is_some_and(|(&first, k_rest)| (word == "*" || word == first) && go(rest, k_rest)),
        }
    }
    let p: Vec<&str> = pattern.split('.').collect();
    let k: Vec<&str> = if key.is_empty() {
        Vec::new()
    } else {
        key.split('.').collect()
    };
    go(&p, &k)
}

/// Proper intersection of two segments (touching at an end does not count).
fn segments_cross(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let orient = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0);
    let (o1, o2, o3, o4) = (orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b));
    let eps = 1e-6;
    o1 * o2 < -eps && o3 * o4 < -eps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gallery::examples;

    fn scenario(stem: &str) -> Scenario {
        crate::gallery::example(stem)
            .and_then(|e| e.scenario())
            .expect("example")
    }

    #[test]
    fn columns_run_publishers_exchanges_alternates_queues_consumers() {
        let l = layout(&scenario("backup-exchange"));
        let col = |kind, name| l.nodes[l.find(kind, name).expect(name)].column;
        assert_eq!(col(NodeKind::Publisher, "producer"), 0);
        assert_eq!(col(NodeKind::Exchange, "confirm-exchange2"), 1);
        assert_eq!(col(NodeKind::Exchange, "backup-exchange"), 2);
        assert_eq!(col(NodeKind::Queue, "backup-queue"), 3);
        assert_eq!(col(NodeKind::Queue, "confirm-queue2"), 3);
        assert_eq!(col(NodeKind::Consumer, "backup-consumer"), 4);
        let alternate = l.edges.iter().filter(|e| e.kind == EdgeKind::Alternate).count();
        assert_eq!(alternate, 1);
    }

    #[test]
    fn no_example_has_crossing_edges_or_edges_through_boxes() {
        for example in examples() {
            let l = layout(&example.scenario().expect("parses"));
            assert!(l.crossings().is_empty(), "{}: {:?}", example.stem, l.crossings());
            assert!(
                l.edges_through_nodes().is_empty(),
                "{}: {:?}",
                example.stem,
                l.edges_through_nodes()
            );
            for (i, a) in l.nodes.iter().enumerate() {
                for b in &l.nodes[i + 1..] {
                    assert!(
                        (a.column, a.row) != (b.column, b.row),
                        "{}: {} on {}",
                        example.stem,
                        a.name,
                        b.name
                    );
                }
            }
        }
    }

    #[test]
    fn a_crossing_is_detected() {
        // Two publishers to two exchanges, bound crosswise to two queues.
        let s: Scenario = serde_json::from_value(serde_json::json!({
            "version": 1,
            "exchanges": [{"name": "a"}, {"name": "b"}],
            "queues": [{"name": "qa"}, {"name": "qb"}],
            "bindings": [{"source": "a", "destination": "qb"}, {"source": "b", "destination": "qa"}]
        }))
        .expect("scenario");
        let mut l = layout(&s);
        // Force the crosswise rows the walk avoids.
        let qa = l.find(NodeKind::Queue, "qa").expect("qa");
        let qb = l.find(NodeKind::Queue, "qb").expect("qb");
        let (ya, yb) = (l.nodes[qa].y, l.nodes[qb].y);
        l.nodes[qa].y = ya.min(yb);
        l.nodes[qb].y = ya.max(yb);
        let a = l.find(NodeKind::Exchange, "a").expect("a");
        let b = l.find(NodeKind::Exchange, "b").expect("b");
        assert!(l.nodes[a].y < l.nodes[b].y);
        assert_eq!(l.crossings().len(), 1);
    }

    #[test]
    fn routes_prefer_bindings_and_fall_back_to_the_alternate_exchange() {
        let l = layout(&scenario("backup-exchange"));
        let names = |path: Vec<usize>| path.into_iter().map(|i| l.nodes[i].name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(l.route_to_queue("confirm-exchange2", "backup-queue").expect("route")),
            ["confirm-exchange2", "backup-exchange", "backup-queue"]
        );
        assert_eq!(
            names(l.route_to_queue("confirm-exchange2", "confirm-queue2").expect("route")),
            ["confirm-exchange2", "confirm-queue2"]
        );
        let predicted: Vec<_> = l
            .predict("confirm-exchange2", "default2")
            .into_iter()
            .map(names)
            .collect();
        assert_eq!(predicted, [["confirm-exchange2", "backup-exchange", "backup-queue"]]);
        let predicted: Vec<_> = l
            .predict("confirm-exchange2", "default")
            .into_iter()
            .map(names)
            .collect();
        assert_eq!(predicted, [["confirm-exchange2", "confirm-queue2"]]);
    }

    #[test]
    fn the_default_exchange_routes_by_queue_name() {
        let l = layout(&scenario("outbox-outage"));
        let default = l.find(NodeKind::Exchange, "").expect("default exchange drawn");
        assert_eq!(l.nodes[default].label, "(default exchange)");
        assert_eq!(l.predict("", "outbox-queue").len(), 1);
        assert!(l.predict("", "nowhere").is_empty());
    }

    #[test]
    fn returns_have_nowhere_to_go() {
        let l = layout(&scenario("returns"));
        assert!(l.predict("confirm-exchange", "default1").is_empty());
        assert_eq!(l.predict("confirm-exchange", "default").len(), 1);
    }

    fn dead_letter_scenario(policy: bool) -> Scenario {
        let mut value = serde_json::json!({
            "version": 1,
            "exchanges": [{"name": "work"}, {"name": "dlx", "type": "fanout"}],
            "queues": [
                {"name": "tasks", "arguments": {"x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "failed"}},
                {"name": "dead"}
            ],
            "bindings": [
                {"source": "work", "destination": "tasks", "routing_key": "task"},
                {"source": "dlx", "destination": "dead"}
            ],
            "publishers": [{"name": "p", "exchange": "work", "routing_key": "task", "count": 20}],
            "consumers": [
                {"name": "worker", "queue": "tasks"},
                {"name": "undertaker", "queue": "dead"}
            ]
        });
        if policy {
            value["queues"][0]["arguments"] = serde_json::json!({});
            value["policies"] = serde_json::json!([
                {"name": "dl", "pattern": "^task", "apply_to": "queues", "definition": {"dead-letter-exchange": "dlx"}}
            ]);
        }
        serde_json::from_value(value).expect("scenario")
    }

    #[test]
    fn a_dead_letter_exchange_is_an_edge_back_that_moves_no_column_and_crosses_nothing() {
        for policy in [false, true] {
            let l = layout(&dead_letter_scenario(policy));
            let dead: Vec<&Edge> = l.edges.iter().filter(|e| e.kind == EdgeKind::DeadLetter).collect();
            assert_eq!(dead.len(), 1);
            let (from, to) = (&l.nodes[dead[0].from], &l.nodes[dead[0].to]);
            assert_eq!((from.name.as_str(), to.name.as_str()), ("tasks", "dlx"));
            assert_eq!(dead[0].label, if policy { "dlx" } else { "failed" });
            assert!(from.column > to.column, "drawn back, columns unchanged");
            let col = |name| l.nodes[l.find(NodeKind::Queue, name).expect(name)].column;
            assert_eq!(col("dead"), col("tasks"), "queues share their column");
            assert!(l.crossings().is_empty(), "{:?}", l.crossings());
            assert!(l.edges_through_nodes().is_empty(), "{:?}", l.edges_through_nodes());
            // Dead letters are no route for published messages.
            assert_eq!(l.predict("work", "task").len(), 1);
        }
    }

    #[test]
    fn simple_policy_patterns_are_recognised_and_others_are_not() {
        assert!(pattern_matches(".*", "q"));
        assert!(pattern_matches("^q$", "q"));
        assert!(!pattern_matches("^q$", "qq"));
        assert!(pattern_matches("q", "q"));
        assert!(pattern_matches("^ord", "orders"));
        assert!(!pattern_matches("^ord", "backorders"));
        assert!(
            !pattern_matches("^o.d", "orders"),
            "a real regular expression is not evaluated"
        );
    }

    #[test]
    fn topic_patterns() {
        assert!(topic_matches("a.*", "a.b"));
        assert!(!topic_matches("a.*", "a.b.c"));
        assert!(topic_matches("a.#", "a"));
        assert!(topic_matches("#", "x.y"));
        assert!(topic_matches("*.b.#", "a.b.c.d"));
        assert!(!topic_matches("a", "b"));
    }

    #[test]
    fn curves_start_and_end_at_their_anchors() {
        let c = Curve::between((0.0, 0.0), (100.0, 50.0));
        assert_eq!(c.at(0.0), (0.0, 0.0));
        let end = c.at(1.0);
        assert!((end.0 - 100.0).abs() < 1e-9 && (end.1 - 50.0).abs() < 1e-9);
        assert!(c.length() > 111.0);
        assert_eq!(c.reversed().at(0.0), c.at(1.0));
    }
}
