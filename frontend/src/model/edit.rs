//! What the builder does to a scenario: add, rename, remove, connect and place elements, keeping
//! every reference to a renamed or removed element consistent.
//!
//! Pure functions over [`Scenario`]; [`super::document::Document::change`] applies them and
//! records each change for undo. The inspector's forms edit one element at a time as JSON
//! ([`element_value`], [`set_element_value`]), so every field of the model can be edited, also
//! those without a dedicated control.

use crate::i18n::{Lang, Text};
use crate::model::layout::NodeKind;
use serde_json::{Value, json};
use warren_shared::say;
use warren_shared::{
    Binding, DestinationType, ExchangeType, Policy, Position, Scenario, Start, Step, parse_scenario, position_key,
};

/// One thing the user can select, edit and delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// A box on the canvas, by kind and name.
    Node(NodeKind, String),
    /// A binding, by index in `bindings`.
    Binding(usize),
    /// A policy, by index in `policies`.
    Policy(usize),
    /// A timeline step, by index in `timeline`.
    Step(usize),
}

impl Element {
    /// The path of this element in the document, as validation problems name it
    /// (e.g. `queues[2]`), when it exists.
    pub fn path(&self, s: &Scenario) -> Option<String> {
        match self {
            Self::Node(kind, name) => {
                let (collection, index) = match kind {
                    NodeKind::Exchange => ("exchanges", s.exchanges.iter().position(|e| &e.name == name)),
                    NodeKind::Queue => ("queues", s.queues.iter().position(|q| &q.name == name)),
                    NodeKind::Publisher => ("publishers", s.publishers.iter().position(|p| &p.name == name)),
                    NodeKind::Consumer => ("consumers", s.consumers.iter().position(|c| &c.name == name)),
                };
                index.map(|i| format!("{collection}[{i}]"))
            }
            Self::Binding(i) => (*i < s.bindings.len()).then(|| format!("bindings[{i}]")),
            Self::Policy(i) => (*i < s.policies.len()).then(|| format!("policies[{i}]")),
            Self::Step(i) => (*i < s.timeline.len()).then(|| format!("timeline[{i}]")),
        }
    }

    /// Whether it still exists in `s`.
    pub fn exists(&self, s: &Scenario) -> bool {
        self.path(s).is_some()
    }
}

/// `stem-1`, `stem-2`, … : the first that is not taken.
pub fn fresh_name<'a>(taken: impl IntoIterator<Item = &'a str>, stem: &str) -> String {
    let taken: Vec<&str> = taken.into_iter().collect();
    (1..)
        .map(|n| format!("{stem}-{n}"))
        .find(|name| !taken.contains(&name.as_str()))
        .unwrap_or_else(|| stem.to_owned())
}

fn names(s: &Scenario, kind: NodeKind) -> Vec<&str> {
    match kind {
        NodeKind::Exchange => s.exchanges.iter().map(|e| e.name.as_str()).collect(),
        NodeKind::Queue => s.queues.iter().map(|q| q.name.as_str()).collect(),
        // Publishers and consumers share one namespace: actors.
        NodeKind::Publisher | NodeKind::Consumer => s.actor_names().collect(),
    }
}

/// Add a new element of `kind` with a fresh name and sensible defaults (a publisher sends ten
/// messages to the first exchange, a consumer reads the first queue), optionally placed at `at`.
pub fn add(s: &mut Scenario, kind: NodeKind, at: Option<Position>) -> Element {
    let name = fresh_name(names(s, kind), kind.as_str());
    let (collection, value) = match kind {
        NodeKind::Exchange => ("exchanges", json!({"name": name, "type": "direct"})),
        NodeKind::Queue => ("queues", json!({"name": name})),
        NodeKind::Publisher => {
            let exchange = s.exchanges.first().map(|e| e.name.clone()).unwrap_or_default();
            // The default exchange routes by queue name.
            let key = if exchange.is_empty() {
                s.queues.first().map(|q| q.name.clone()).unwrap_or_default()
            } else {
                String::new()
            };
            (
                "publishers",
                json!({"name": name, "exchange": exchange, "routing_key": key, "count": 10}),
            )
        }
        NodeKind::Consumer => {
            let queue = s.queues.first().map(|q| q.name.clone()).unwrap_or_default();
            ("consumers", json!({"name": name, "queue": queue}))
        }
    };
    let added = with_document(s, |doc| {
        doc[collection]
            .as_array_mut()
            .map(|list| list.push(value))
            .ok_or(String::new())
    });
    debug_assert!(
        added.is_ok(),
        "defaults of a new {kind:?} are a valid element: {added:?}"
    );
    if let Some(at) = at {
        s.positions.insert(position_key(kind.as_str(), &name), at);
    }
    Element::Node(kind, name)
}

/// Change the scenario as a JSON document and read it back. Going through the document (rather
/// than each element's own type) keeps one copy of the scenario's serde code in the page.
fn with_document(s: &mut Scenario, change: impl FnOnce(&mut Value) -> Result<(), String>) -> Result<(), String> {
    let mut doc = serde_json::to_value(&*s).map_err(|e| e.to_string())?;
    change(&mut doc)?;
    *s = parse_scenario(&doc).map_err(|problems| {
        problems
            .into_iter()
            .next()
            .map(|p| format!("{}: {}", p.path, p.message))
            .unwrap_or_default()
    })?;
    Ok(())
}

/// Where an element sits in the document: its list and index.
fn locate(s: &Scenario, element: &Element) -> Option<(&'static str, usize)> {
    let path = element.path(s)?;
    let (collection, rest) = path.split_once('[')?;
    let index = rest.trim_end_matches(']').parse().ok()?;
    let collection = [
        "exchanges",
        "queues",
        "publishers",
        "consumers",
        "bindings",
        "policies",
        "timeline",
    ]
    .into_iter()
    .find(|c| *c == collection)?;
    Some((collection, index))
}

/// Add a policy matching nothing yet, for the user to fill in.
pub fn add_policy(s: &mut Scenario) -> Element {
    let name = fresh_name(s.policies.iter().map(|p| p.name.as_str()), "policy");
    s.policies.push(Policy {
        name,
        pattern: "^$".to_owned(),
        apply_to: warren_shared::ApplyTo::default(),
        priority: 0,
        definition: warren_shared::Arguments::new(),
    });
    Element::Policy(s.policies.len() - 1)
}

/// Remove an element with what hangs off it: its bindings, alternate-exchange and dead-letter
/// arguments naming it, its timeline steps, its position. Publishers and consumers that used a
/// removed exchange or queue stay, and validation names what they now miss.
pub fn remove(s: &mut Scenario, element: &Element) {
    match element {
        Element::Node(kind, name) => {
            match kind {
                NodeKind::Exchange => {
                    s.exchanges.retain(|e| &e.name != name);
                    s.bindings.retain(|b| {
                        &b.source != name
                            && !(b.destination_type == DestinationType::Exchange && &b.destination == name)
                    });
                    for e in &mut s.exchanges {
                        if e.arguments.get("alternate-exchange").and_then(Value::as_str) == Some(name) {
                            e.arguments.remove("alternate-exchange");
                        }
                    }
                    for q in &mut s.queues {
                        if q.arguments.get("x-dead-letter-exchange").and_then(Value::as_str) == Some(name) {
                            q.arguments.remove("x-dead-letter-exchange");
                        }
                    }
                }
                NodeKind::Queue => {
                    s.queues.retain(|q| &q.name != name);
                    s.bindings
                        .retain(|b| !(b.destination_type == DestinationType::Queue && &b.destination == name));
                    s.timeline
                        .retain(|step| !matches!(step, Step::Purge { queue, .. } if queue == name));
                }
                NodeKind::Publisher | NodeKind::Consumer => {
                    s.publishers.retain(|p| &p.name != name);
                    s.consumers.retain(|c| &c.name != name);
                    s.timeline.retain(
                        |step| !matches!(step, Step::Start { actor, .. } | Step::Stop { actor, .. } if actor == name),
                    );
                }
            }
            s.positions.remove(&position_key(kind.as_str(), name));
        }
        Element::Binding(i) => drop_index(&mut s.bindings, *i),
        Element::Policy(i) => drop_index(&mut s.policies, *i),
        Element::Step(i) => drop_index(&mut s.timeline, *i),
    }
}

fn drop_index<T>(list: &mut Vec<T>, index: usize) {
    if index < list.len() {
        list.remove(index);
    }
}

/// Rename a node and every reference to it. `Err` says why not (empty, or taken).
pub fn rename(s: &mut Scenario, kind: NodeKind, old: &str, new: &str) -> Result<(), String> {
    if old == new {
        return Ok(());
    }
    if new.is_empty() {
        return Err(Text::NameEmpty.text(Lang::En).to_owned());
    }
    if names(s, kind).contains(&new) {
        return Err(format!("{}{new} ({})", Text::NameTaken.text(Lang::En), kind.as_str()));
    }
    let is = |value: &mut String| {
        if value == old {
            new.clone_into(value);
        }
    };
    match kind {
        NodeKind::Exchange => {
            for e in &mut s.exchanges {
                is(&mut e.name);
                rename_argument(&mut e.arguments, "alternate-exchange", old, new);
            }
            for q in &mut s.queues {
                rename_argument(&mut q.arguments, "x-dead-letter-exchange", old, new);
            }
            for b in &mut s.bindings {
                is(&mut b.source);
                if b.destination_type == DestinationType::Exchange {
                    is(&mut b.destination);
                }
            }
            for p in &mut s.publishers {
                is(&mut p.exchange);
            }
        }
        NodeKind::Queue => {
            for q in &mut s.queues {
                is(&mut q.name);
            }
            for b in &mut s.bindings {
                if b.destination_type == DestinationType::Queue {
                    is(&mut b.destination);
                }
            }
            for c in &mut s.consumers {
                is(&mut c.queue);
            }
            for p in s.publishers.iter_mut().filter(|p| p.exchange.is_empty()) {
                is(&mut p.routing_key);
            }
            for step in &mut s.timeline {
                if let Step::Purge { queue, .. } = step {
                    is(queue);
                }
            }
        }
        NodeKind::Publisher | NodeKind::Consumer => {
            for p in &mut s.publishers {
                is(&mut p.name);
                if let Start::After(actor) = &mut p.start {
                    is(actor);
                }
            }
            for c in &mut s.consumers {
                is(&mut c.name);
                if let Start::After(actor) = &mut c.start {
                    is(actor);
                }
            }
            for step in &mut s.timeline {
                if let Step::Start { actor, .. } | Step::Stop { actor, .. } = step {
                    is(actor);
                }
            }
        }
    }
    if let Some(at) = s.positions.remove(&position_key(kind.as_str(), old)) {
        s.positions.insert(position_key(kind.as_str(), new), at);
    }
    Ok(())
}

fn rename_argument(arguments: &mut warren_shared::Arguments, key: &str, old: &str, new: &str) {
    if let Some(value) = arguments.get_mut(key)
        && value.as_str() == Some(old)
    {
        *value = Value::String(new.to_owned());
    }
}

/// The routing key every publisher to `exchange` sends, when there is at least one and they
/// agree.
fn sent_key(s: &Scenario, exchange: &str) -> Option<String> {
    let mut keys = s
        .publishers
        .iter()
        .filter(|p| p.exchange == exchange)
        .map(|p| p.routing_key.as_str());
    let first = keys.next()?;
    keys.all(|k| k == first).then(|| first.to_owned())
}

/// Why a line between two boxes means nothing; `{from}` and `{to}` are [`KINDS`].
pub const LINE_MEANS_NOTHING: &str = "a line from {from} to {to} means nothing: publishers send to exchanges, \
exchanges bind queues and exchanges, queues feed consumers";

/// The boxes a line can join, as [`LINE_MEANS_NOTHING`] names them.
pub const KINDS: &[&str] = &["a publisher", "an exchange", "a queue", "a consumer"];

/// A box's kind as [`LINE_MEANS_NOTHING`] names it.
fn a_kind(kind: NodeKind) -> &'static str {
    KINDS[match kind {
        NodeKind::Publisher => 0,
        NodeKind::Exchange => 1,
        NodeKind::Queue => 2,
        NodeKind::Consumer => 3,
    }]
}

/// Draw a line from one node to another: a publisher sends to an exchange, an exchange binds a
/// queue or another exchange, a queue feeds a consumer. Returns what was made or changed, or
/// why that line means nothing.
pub fn connect(s: &mut Scenario, from: (NodeKind, &str), to: (NodeKind, &str)) -> Result<Element, String> {
    use NodeKind::{Consumer as C, Exchange as X, Publisher as P, Queue as Q};
    match (from.0, to.0) {
        (P, X) => {
            let publisher = s
                .publishers
                .iter_mut()
                .find(|p| p.name == from.1)
                .ok_or_else(|| format!("{}{}", Text::NoPublisherNamed.text(Lang::En), from.1))?;
            to.1.clone_into(&mut publisher.exchange);
            Ok(Element::Node(P, from.1.to_owned()))
        }
        (X, Q | X) if from.1.is_empty() => Err(Text::DefaultExchangeUnbindable.text(Lang::En).to_owned()),
        (X, Q | X) => {
            let destination_type = if to.0 == Q {
                DestinationType::Queue
            } else {
                DestinationType::Exchange
            };
            if from.1 == to.1 && to.0 == X {
                return Err(Text::SelfBinding.text(Lang::En).to_owned());
            }
            let routing_key = match s.exchanges.iter().find(|e| e.name == from.1).map(|e| e.kind) {
                Some(ExchangeType::Fanout | ExchangeType::Headers) => String::new(),
                kind => match sent_key(s, from.1) {
                    // What the exchange's publishers send, when they all send the same key, so
                    // that their messages are routed.
                    Some(key) => key,
                    None if kind == Some(ExchangeType::Topic) => "#".to_owned(),
                    None => to.1.to_owned(),
                },
            };
            s.bindings.push(Binding {
                source: from.1.to_owned(),
                destination: to.1.to_owned(),
                destination_type,
                routing_key,
                arguments: warren_shared::Arguments::new(),
            });
            Ok(Element::Binding(s.bindings.len() - 1))
        }
        (Q, C) => {
            let consumer = s
                .consumers
                .iter_mut()
                .find(|c| c.name == to.1)
                .ok_or_else(|| format!("{}{}", Text::NoConsumerNamed.text(Lang::En), to.1))?;
            from.1.clone_into(&mut consumer.queue);
            Ok(Element::Node(C, to.1.to_owned()))
        }
        (from, to) => Err(say!(LINE_MEANS_NOTHING, from = a_kind(from), to = a_kind(to))),
    }
}

/// Keep a node where the user dropped it.
pub fn place(s: &mut Scenario, kind: NodeKind, name: &str, x: f64, y: f64) {
    let at = Position {
        x: x.clamp(0.0, 100_000.0).round(),
        y: y.clamp(0.0, 100_000.0).round(),
    };
    s.positions.insert(position_key(kind.as_str(), name), at);
}

/// Forget positions of boxes the scenario no longer draws (renamed or removed in the JSON).
pub fn prune_positions(s: &mut Scenario) {
    if s.positions.is_empty() {
        return;
    }
    let drawn: std::collections::HashSet<String> = crate::model::layout::layout(s)
        .nodes
        .iter()
        .map(|n| position_key(n.kind.as_str(), &n.name))
        .collect();
    s.positions.retain(|key, _| drawn.contains(key));
}

/// An element as JSON, for the inspector's form.
pub fn element_value(s: &Scenario, element: &Element) -> Option<Value> {
    let (collection, index) = locate(s, element)?;
    let mut doc = serde_json::to_value(s).ok()?;
    Some(doc.get_mut(collection)?.get_mut(index)?.take())
}

/// Replace an element by `value` (an edited form). A changed node name is a [`rename`]. Returns
/// the element as it is now called, or what is wrong with the value (its path inside the
/// element first, e.g. `count: invalid type…`). Nothing changes when it is refused.
pub fn set_element_value(s: &mut Scenario, element: &Element, value: Value) -> Result<Element, String> {
    let (collection, index) = locate(s, element).ok_or(Text::ElementGone.text(Lang::En))?;
    let mut changed = s.clone();
    let now = match element {
        Element::Node(kind, name) => {
            let new_name = value.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            rename(&mut changed, *kind, name, &new_name)?;
            Element::Node(*kind, new_name)
        }
        other => other.clone(),
    };
    let prefix = format!("{collection}[{index}].");
    with_document(&mut changed, |doc| {
        let slot = doc
            .get_mut(collection)
            .and_then(|list| list.get_mut(index))
            .ok_or(Text::ElementGone.text(Lang::En))?;
        *slot = value;
        Ok(())
    })
    .map_err(|e| e.strip_prefix(prefix.as_str()).map_or(e.clone(), str::to_owned))?;
    *s = changed;
    Ok(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_shared::{Limits, validate};

    fn example(stem: &str) -> Scenario {
        let text = crate::gallery::example(stem).expect("example").json;
        serde_json::from_str(text).expect("parses")
    }

    #[test]
    fn positions_of_boxes_no_longer_drawn_are_dropped() {
        let mut s = example("confirms");
        place(&mut s, NodeKind::Queue, "confirm-queue", 10.0, 20.0);
        place(&mut s, NodeKind::Queue, "renamed-in-the-json", 10.0, 20.0);
        prune_positions(&mut s);
        assert_eq!(s.positions.keys().collect::<Vec<_>>(), vec!["queue:confirm-queue"]);
    }

    #[test]
    fn fresh_names_skip_taken_ones() {
        assert_eq!(fresh_name(["queue-1", "queue-3"], "queue"), "queue-2");
        assert_eq!(fresh_name([], "exchange"), "exchange-1");
    }

    #[test]
    fn a_scenario_built_from_nothing_is_valid() {
        let mut s = Scenario::empty("built");
        let Element::Node(_, exchange) = add(&mut s, NodeKind::Exchange, None) else {
            panic!()
        };
        let Element::Node(_, queue) = add(&mut s, NodeKind::Queue, Some(Position { x: 400.0, y: 20.0 })) else {
            panic!()
        };
        let publisher = add(&mut s, NodeKind::Publisher, None);
        let consumer = add(&mut s, NodeKind::Consumer, None);
        assert_eq!(publisher, Element::Node(NodeKind::Publisher, "publisher-1".into()));
        assert_eq!(consumer, Element::Node(NodeKind::Consumer, "consumer-1".into()));
        assert_eq!(s.publishers[0].exchange, exchange);
        assert_eq!(s.consumers[0].queue, queue);
        let binding = connect(&mut s, (NodeKind::Exchange, &exchange), (NodeKind::Queue, &queue)).expect("binds");
        assert_eq!(binding, Element::Binding(0));
        assert_eq!(
            s.bindings[0].routing_key, s.publishers[0].routing_key,
            "a binding's key is what the exchange's one publisher sends"
        );
        assert!(s.positions.contains_key("queue:queue-1"));
        assert_eq!(validate(&s, &Limits::default()), vec![]);
    }

    #[test]
    fn a_new_bindings_key_follows_the_publishers_when_they_agree() {
        let mut s = Scenario::empty("keys");
        let Element::Node(_, exchange) = add(&mut s, NodeKind::Exchange, None) else {
            panic!()
        };
        let Element::Node(_, queue) = add(&mut s, NodeKind::Queue, None) else {
            panic!()
        };
        let bind = |s: &mut Scenario| {
            let Element::Binding(at) =
                connect(s, (NodeKind::Exchange, &exchange), (NodeKind::Queue, &queue)).expect("binds")
            else {
                panic!()
            };
            s.bindings[at].routing_key.clone()
        };
        assert_eq!(bind(&mut s), queue, "no publisher: the queue's name");
        add(&mut s, NodeKind::Publisher, None);
        add(&mut s, NodeKind::Publisher, None);
        s.publishers[0].routing_key = "orders".into();
        s.publishers[1].routing_key = "orders".into();
        assert_eq!(bind(&mut s), "orders", "both publishers send `orders`");
        s.publishers[1].routing_key = "refunds".into();
        assert_eq!(bind(&mut s), queue, "publishers that disagree: the queue's name");
    }

    #[test]
    fn lines_that_mean_nothing_say_so() {
        let mut s = example("confirms");
        let err = connect(
            &mut s,
            (NodeKind::Consumer, "consumer"),
            (NodeKind::Queue, "confirm-queue"),
        )
        .expect_err("refused");
        assert!(err.contains("a line from a consumer to a queue means nothing"), "{err}");
        let err = connect(&mut s, (NodeKind::Exchange, ""), (NodeKind::Queue, "confirm-queue")).expect_err("refused");
        assert!(err.contains("default exchange"), "{err}");
        let err = connect(
            &mut s,
            (NodeKind::Exchange, "confirm-exchange"),
            (NodeKind::Publisher, "producer"),
        )
        .expect_err("refused");
        assert!(err.contains("a line from an exchange to a publisher"), "{err}");
    }

    #[test]
    fn renaming_follows_every_reference() {
        let mut s = example("backup-exchange");
        let old = s
            .exchanges
            .iter()
            .find(|e| e.name == "backup-exchange")
            .expect("exists")
            .name
            .clone();
        rename(&mut s, NodeKind::Exchange, &old, "spare").expect("renames");
        assert!(
            s.exchanges
                .iter()
                .any(|e| e.arguments.get("alternate-exchange") == Some(&json!("spare")))
        );
        assert!(s.bindings.iter().any(|b| b.source == "spare"));
        assert_eq!(validate(&s, &Limits::default()), vec![]);
        let (taken, other) = (s.queues[0].name.clone(), s.queues[1].name.clone());
        let err = rename(&mut s, NodeKind::Queue, &other, &taken).expect_err("taken");
        assert!(err.contains("already"), "{err}");
    }

    #[test]
    fn removing_an_exchange_takes_its_bindings_and_leaves_a_named_problem() {
        let mut s = example("confirms");
        let exchange = s.publishers[0].exchange.clone();
        remove(&mut s, &Element::Node(NodeKind::Exchange, exchange));
        assert!(s.bindings.is_empty());
        let problems = validate(&s, &Limits::default());
        assert!(
            problems.iter().any(|p| p.path == "publishers[0].exchange"),
            "{problems:?}"
        );
    }

    #[test]
    fn forms_edit_any_field_and_reject_wrong_types() {
        let mut s = example("confirms");
        let publisher = Element::Node(NodeKind::Publisher, s.publishers[0].name.clone());
        let mut value = element_value(&s, &publisher).expect("exists");
        value["count"] = json!(7);
        value["name"] = json!("sender");
        let now = set_element_value(&mut s, &publisher, value.clone()).expect("sets");
        assert_eq!(now, Element::Node(NodeKind::Publisher, "sender".into()));
        assert_eq!(s.publishers[0].count, 7);
        value["count"] = json!("many");
        let err = set_element_value(&mut s, &now, value).expect_err("wrong type");
        assert!(err.starts_with("count:"), "{err}");
        assert_eq!(s.publishers[0].count, 7, "nothing changed");
    }
}
