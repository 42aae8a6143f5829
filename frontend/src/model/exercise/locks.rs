//! The parts of an exercise the learner may not change, as the builder and the canvas see them:
//! which paths are locked (read from the scenario's `exercise` JSON with
//! [`warren_shared::exercise::locked::paths_in`], so the page's first load needs no exercise
//! reader), which of them a change touches, and what of each element is locked.
//!
//! A path names a part by field names and, inside the lists of named parts, by name
//! (`publishers/producer/count`); inside `bindings` and `timeline` by index (docs/exercises.md).

use crate::model::edit::Element;
use crate::model::layout::NodeKind;
use serde_json::Value;
use warren_shared::Scenario;
use warren_shared::exercise::locked::{differing, paths_in};

/// The lists whose parts are named by their `name`: a path that is just the list locks which of
/// its parts exist.
const NAMED_LISTS: [&str; 5] = ["exchanges", "queues", "policies", "publishers", "consumers"];

/// The locked paths of `scenario`'s exercise; none for a plain scenario.
pub fn locked_paths(scenario: &Scenario) -> Vec<String> {
    scenario.exercise.as_ref().map(paths_in).unwrap_or_default()
}

/// The locked paths a change from `before` to `after` (both written as JSON) touches: a builder
/// change that touches any is refused.
pub fn touched(paths: &[String], before: &Value, after: &Value) -> Vec<String> {
    differing(paths, before, after)
}

/// What of one element is locked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    /// All of it.
    pub whole: bool,
    /// None of its kind may be added, removed or renamed.
    pub exists: bool,
    /// Its locked fields, by name (`count`, `routing_key`), in the order of the paths.
    pub fields: Vec<String>,
}

impl Lock {
    /// Whether anything of the element is locked.
    pub fn any(&self) -> bool {
        self.whole || self.exists || !self.fields.is_empty()
    }

    /// Whether the field `name` (its first segment, e.g. `confirm` of `confirm/window`) is locked.
    pub fn field(&self, name: &str) -> bool {
        self.whole || self.fields.iter().any(|f| f == name)
    }
}

/// What of the part `key` (a name in a named list, an index in `bindings` or `timeline`) of
/// `list` the paths lock.
pub fn lock_of(paths: &[String], list: &str, key: &str) -> Lock {
    let named = NAMED_LISTS.contains(&list);
    let mut lock = Lock::default();
    for path in paths {
        let mut segments = path.split('/');
        if segments.next() != Some(list) {
            continue;
        }
        match (segments.next(), segments.next()) {
            // A named list: which parts exist; any other list: all of it.
            (None, _) if named => lock.exists = true,
            (None, _) => lock.whole = true,
            (Some(k), None) if k == key => lock.whole = true,
            (Some(k), Some(field)) if k == key && !lock.fields.iter().any(|f| f == field) => {
                lock.fields.push(field.to_owned());
            }
            _ => {}
        }
    }
    lock
}

/// The list a kind of box belongs to.
pub fn list_of(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Publisher => "publishers",
        NodeKind::Exchange => "exchanges",
        NodeKind::Queue => "queues",
        NodeKind::Consumer => "consumers",
    }
}

/// What of `element` (of `scenario`) the paths lock.
pub fn lock_of_element(paths: &[String], scenario: &Scenario, element: &Element) -> Lock {
    match element {
        Element::Node(kind, name) => lock_of(paths, list_of(*kind), name),
        Element::Binding(i) => lock_of(paths, "bindings", &i.to_string()),
        Element::Step(i) => lock_of(paths, "timeline", &i.to_string()),
        Element::Policy(i) => scenario
            .policies
            .get(*i)
            .map(|p| lock_of(paths, "policies", &p.name))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use warren_shared::parse_scenario;

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| (*p).to_owned()).collect()
    }

    #[test]
    fn a_lock_says_what_of_an_element_is_locked() {
        let p = paths(&[
            "publishers",
            "publishers/producer/count",
            "publishers/producer/routing_key",
            "queues/orders",
            "timeline",
            "bindings/1/routing_key",
        ]);
        let producer = lock_of(&p, "publishers", "producer");
        assert!(producer.exists && !producer.whole);
        assert_eq!(producer.fields, ["count", "routing_key"]);
        assert!(producer.field("count") && !producer.field("confirm"));
        let other = lock_of(&p, "publishers", "other");
        assert!(other.exists && other.fields.is_empty(), "every publisher's existence");
        assert!(lock_of(&p, "queues", "orders").whole);
        assert!(lock_of(&p, "queues", "orders").field("type"));
        assert!(!lock_of(&p, "queues", "other").any());
        assert!(lock_of(&p, "timeline", "3").whole, "the whole timeline");
        assert_eq!(lock_of(&p, "bindings", "1").fields, ["routing_key"]);
        assert!(!lock_of(&p, "bindings", "0").any());
        assert!(!lock_of(&p, "exchanges", "x").any());
    }

    #[test]
    fn the_paths_come_from_the_exercise_and_a_change_touches_them_or_not() {
        let text = include_str!("../../../../examples/exercises/01-confirms.json");
        let scenario = parse_scenario(&serde_json::from_str(text).expect("JSON")).expect("a scenario");
        let p = locked_paths(&scenario);
        assert!(p.contains(&"publishers/producer/count".to_owned()), "{p:?}");
        assert_eq!(
            lock_of_element(&p, &scenario, &Element::Node(NodeKind::Publisher, "producer".into())).fields,
            ["count", "exchange", "routing_key", "persistent"]
        );
        let before = serde_json::to_value(&scenario).expect("JSON");
        let mut after = before.clone();
        after["publishers"][0]["confirm"] = json!({"mode": "stream", "window": 100});
        assert!(
            touched(&p, &before, &after).is_empty(),
            "confirms are the learner's to change"
        );
        after["publishers"][0]["count"] = json!(10);
        assert_eq!(touched(&p, &before, &after), ["publishers/producer/count"]);
        assert!(locked_paths(&Scenario::empty("plain")).is_empty());
    }
}
