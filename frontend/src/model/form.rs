//! The inspector's forms as data: which fields each kind of element shows, how a field reads
//! and writes its part of the element's JSON, and which validation problems belong to it.
//!
//! A field is addressed by a JSON pointer into the element (`/arguments/x-max-priority`), so one
//! form component serves every kind, and the element's whole JSON stays editable below the
//! fields for anything without a control of its own.

use crate::model::edit::Element;
use crate::model::layout::NodeKind;
use serde_json::{Map, Value};
use warren_shared::Problem;

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Control {
    /// A line of text.
    Text,
    /// A whole number.
    Number,
    /// A number that may be absent (empty removes it).
    OptionalNumber,
    /// A checkbox.
    Flag,
    /// One of fixed values; `""` (when listed) removes the key.
    Choice(&'static [(&'static str, &'static str)]),
    /// The name of an exchange or queue of the scenario; `""` removes the key when `optional`.
    Reference {
        /// What it names.
        kind: NodeKind,
        /// Whether it may be absent.
        optional: bool,
    },
    /// One of several shapes (`{"mode": "batch", "size": 10}`…), each with its defaults; the
    /// fields of the chosen shape follow as their own fields.
    Shape(&'static [(&'static str, &'static str)]),
    /// Free JSON (an object of arguments, a list of rules).
    Json,
}

/// One field of a form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// What the user reads.
    pub label: &'static str,
    /// Where it lives in the element's JSON.
    pub pointer: &'static str,
    /// How it is edited.
    pub control: Control,
    /// Shown only when the element has a value there (the fields of a [`Control::Shape`]).
    pub when_present: bool,
}

const fn field(label: &'static str, pointer: &'static str, control: Control) -> Field {
    Field {
        label,
        pointer,
        control,
        when_present: false,
    }
}

const fn part(label: &'static str, pointer: &'static str, control: Control) -> Field {
    Field {
        label,
        pointer,
        control,
        when_present: true,
    }
}

const EXCHANGE_TYPES: &[(&str, &str)] = &[
    ("direct", "direct"),
    ("fanout", "fanout"),
    ("topic", "topic"),
    ("headers", "headers"),
];
const QUEUE_TYPES: &[(&str, &str)] = &[("classic", "classic"), ("quorum", "quorum")];
const QUEUE_MODES: &[(&str, &str)] = &[("", "default"), ("lazy", "lazy (paged to disk)")];
const OVERFLOW: &[(&str, &str)] = &[
    ("", "drop head (default)"),
    ("reject-publish", "reject publish (nack)"),
    ("reject-publish-dlx", "reject publish, dead-letter"),
];
const DESTINATIONS: &[(&str, &str)] = &[("queue", "queue"), ("exchange", "exchange")];
const ACK_MODES: &[(&str, &str)] = &[("manual", "manual (ack each)"), ("auto", "auto (no ack)")];
const APPLY_TO: &[(&str, &str)] = &[("all", "all"), ("queues", "queues"), ("exchanges", "exchanges")];
const CONFIRMS: &[(&str, &str)] = &[
    ("streaming (window)", r#"{"mode":"stream","window":100}"#),
    ("batch", r#"{"mode":"batch","size":10}"#),
    ("one at a time", r#"{"mode":"per_message"}"#),
    ("off", r#"{"mode":"off"}"#),
];
const PRIORITIES: &[(&str, &str)] = &[
    ("none", r#"{"rule":"none"}"#),
    ("fixed", r#"{"rule":"fixed","priority":5}"#),
    ("every n-th", r#"{"rule":"every_nth","n":5,"priority":5}"#),
    ("list", r#"{"rule":"list","priorities":[1,5,9]}"#),
    ("random", r#"{"rule":"random","seed":1,"min":0,"max":9}"#),
];
const STARTS: &[(&str, &str)] = &[
    ("at a time", r#"{"at_ms":0}"#),
    ("after another actor", r#"{"after":""}"#),
    ("on a timeline step", r#""on_step""#),
];
const OUTBOX: &[(&str, &str)] = &[("none", "null"), ("outbox", r#"{"retry_interval_ms":1000}"#)];

/// The fields of an element's form.
pub fn fields(element: &Element) -> Vec<Field> {
    use Control::{Choice, Flag, Json, Number, OptionalNumber, Reference, Shape, Text};
    let exchange = |optional| Reference {
        kind: NodeKind::Exchange,
        optional,
    };
    match element {
        Element::Node(NodeKind::Exchange, _) => vec![
            field("Name", "/name", Text),
            field("Type", "/type", Choice(EXCHANGE_TYPES)),
            field("Alternate exchange", "/arguments/alternate-exchange", exchange(true)),
            field("Durable", "/durable", Flag),
            field("Internal", "/internal", Flag),
            field("Auto-delete", "/auto_delete", Flag),
            field("Arguments", "/arguments", Json),
        ],
        Element::Node(NodeKind::Queue, _) => vec![
            field("Name", "/name", Text),
            field("Type", "/type", Choice(QUEUE_TYPES)),
            field("Max priority", "/arguments/x-max-priority", OptionalNumber),
            field("Mode", "/arguments/x-queue-mode", Choice(QUEUE_MODES)),
            field("Max length", "/arguments/x-max-length", OptionalNumber),
            field("Overflow", "/arguments/x-overflow", Choice(OVERFLOW)),
            field("Message TTL (ms)", "/arguments/x-message-ttl", OptionalNumber),
            field(
                "Dead-letter exchange",
                "/arguments/x-dead-letter-exchange",
                exchange(true),
            ),
            field("Node (leader)", "/node", Text),
            field("Durable", "/durable", Flag),
            field("Exclusive", "/exclusive", Flag),
            field("Auto-delete", "/auto_delete", Flag),
            field("Arguments", "/arguments", Json),
        ],
        Element::Node(NodeKind::Publisher, _) => vec![
            field("Name", "/name", Text),
            field("Exchange", "/exchange", exchange(false)),
            field("Routing key", "/routing_key", Text),
            field("Messages", "/count", Number),
            field("Rate (msg/s)", "/rate_per_sec", OptionalNumber),
            field("Mandatory", "/mandatory", Flag),
            field("Persistent", "/persistent", Flag),
            field("Confirms", "/confirm", Shape(CONFIRMS)),
            part("Window", "/confirm/window", Number),
            part("Batch size", "/confirm/size", Number),
            field("Priority", "/priority", Shape(PRIORITIES)),
            part("Priority", "/priority/priority", Number),
            part("Every n-th", "/priority/n", Number),
            part("Priorities", "/priority/priorities", Json),
            part("Lowest", "/priority/min", Number),
            part("Highest", "/priority/max", Number),
            part("Seed", "/priority/seed", Number),
            field("Starts", "/start", Shape(STARTS)),
            part("At (ms)", "/start/at_ms", Number),
            part("After", "/start/after", Text),
            field("Outbox", "/outbox", Shape(OUTBOX)),
            part("Retry every (ms)", "/outbox/retry_interval_ms", Number),
            field("Body", "/body", Text),
            field("Headers", "/headers", Json),
        ],
        Element::Node(NodeKind::Consumer, _) => vec![
            field("Name", "/name", Text),
            field(
                "Queue",
                "/queue",
                Reference {
                    kind: NodeKind::Queue,
                    optional: false,
                },
            ),
            field("Acks", "/ack", Choice(ACK_MODES)),
            field("Prefetch", "/prefetch", Number),
            field("Processing (ms)", "/processing_ms", Number),
            field("Stop after", "/stop_after", OptionalNumber),
            field("Starts", "/start", Shape(STARTS)),
            part("At (ms)", "/start/at_ms", Number),
            part("After", "/start/after", Text),
            field("Nack / reject rules", "/rules", Json),
            field("Arguments", "/arguments", Json),
        ],
        Element::Binding(_) => vec![
            field("From exchange", "/source", exchange(false)),
            field("To", "/destination", Text),
            field("Destination is a", "/destination_type", Choice(DESTINATIONS)),
            field("Routing key", "/routing_key", Text),
            field("Arguments", "/arguments", Json),
        ],
        Element::Policy(_) => vec![
            field("Name", "/name", Text),
            field("Pattern (regex)", "/pattern", Text),
            field("Applies to", "/apply_to", Choice(APPLY_TO)),
            field("Priority", "/priority", Number),
            field("Definition", "/definition", Json),
        ],
        Element::Step(_) => vec![field("At (ms)", "/at_ms", Number)],
    }
}

/// The value at `pointer`.
pub fn read<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
    value.pointer(pointer).filter(|v| !v.is_null())
}

/// Put `new` at `pointer` (creating objects on the way), or remove the key when `new` is `None`.
pub fn write(value: &mut Value, pointer: &str, new: Option<Value>) {
    let mut keys: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some(last) = keys.pop() else {
        if let Some(new) = new {
            *value = new;
        }
        return;
    };
    let mut at = value;
    for key in keys {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Value::Object(map) = at else { return };
        at = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    }
    if !at.is_object() {
        *at = Value::Object(Map::new());
    }
    if let Value::Object(map) = at {
        match new {
            Some(new) => {
                map.insert(last, new);
            }
            None => {
                map.remove(&last);
            }
        }
    }
}

/// Which of a [`Control::Shape`]'s shapes a value has: the one whose defaults agree with it on
/// the tagging key (`mode`, `rule`) or on the shape's single key.
pub fn shape_of(value: Option<&Value>, shapes: &[(&str, &str)]) -> usize {
    let value = value.cloned().unwrap_or(Value::Null);
    shapes
        .iter()
        .position(|(_, default)| {
            let default: Value = serde_json::from_str(default).unwrap_or(Value::Null);
            match (&default, &value) {
                (Value::Object(d), Value::Object(v)) => {
                    let tag = ["mode", "rule"].into_iter().find(|t| d.contains_key(*t));
                    match tag {
                        Some(tag) => d.get(tag) == v.get(tag),
                        None => d.keys().next().is_some_and(|k| v.contains_key(k)),
                    }
                }
                (d, v) => d == v,
            }
        })
        .unwrap_or(0)
}

/// A pointer as validation spells a path: `/arguments/x-max-priority` → `.arguments.x-max-priority`.
fn dotted(pointer: &str) -> String {
    pointer.replace('/', ".")
}

/// Problems of the element at `element_path` that belong to the field at `pointer` (its own
/// path, or something inside it).
pub fn problems_at<'a>(problems: &'a [Problem], element_path: &str, pointer: &str) -> Vec<&'a Problem> {
    let own = format!("{element_path}{}", dotted(pointer));
    problems
        .iter()
        .filter(|p| {
            p.path == own
                || p.path
                    .strip_prefix(own.as_str())
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        })
        .collect()
}

/// Problems of the element that no shown field claims (they are listed above the form).
pub fn unclaimed<'a>(problems: &'a [Problem], element_path: &str, shown: &[&str]) -> Vec<&'a Problem> {
    problems
        .iter()
        .filter(|p| {
            p.path == element_path
                || p.path
                    .strip_prefix(element_path)
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        })
        .filter(|p| {
            !shown
                .iter()
                .any(|pointer| problems_at(std::slice::from_ref(*p), element_path, pointer).len() == 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writing_creates_and_removes_keys() {
        let mut v = json!({"name": "q"});
        write(&mut v, "/arguments/x-max-priority", Some(json!(10)));
        assert_eq!(v, json!({"name": "q", "arguments": {"x-max-priority": 10}}));
        write(&mut v, "/arguments/x-max-priority", None);
        assert_eq!(v, json!({"name": "q", "arguments": {}}));
        assert_eq!(read(&v, "/arguments/x-max-priority"), None);
        assert_eq!(read(&v, "/name"), Some(&json!("q")));
    }

    #[test]
    fn shapes_are_recognised_by_their_tag_or_key() {
        assert_eq!(shape_of(Some(&json!({"mode": "batch", "size": 3})), CONFIRMS), 1);
        assert_eq!(
            shape_of(Some(&json!({"rule": "every_nth", "n": 2, "priority": 1})), PRIORITIES),
            2
        );
        assert_eq!(shape_of(Some(&json!({"after": "p"})), STARTS), 1);
        assert_eq!(shape_of(Some(&json!("on_step")), STARTS), 2);
        assert_eq!(shape_of(None, OUTBOX), 0);
        assert_eq!(shape_of(Some(&json!({"retry_interval_ms": 5})), OUTBOX), 1);
        for (_, default) in CONFIRMS.iter().chain(PRIORITIES).chain(STARTS).chain(OUTBOX) {
            serde_json::from_str::<Value>(default).expect("defaults are JSON");
        }
    }

    #[test]
    fn problems_find_their_field_and_the_rest_are_listed() {
        let problems = vec![
            Problem::new("queues[1].arguments.x-max-priority", "too big"),
            Problem::new("queues[1].name", "taken"),
            Problem::new("queues[1]", "odd"),
            Problem::new("queues[10].name", "someone else's"),
        ];
        let at = problems_at(&problems, "queues[1]", "/arguments/x-max-priority");
        assert_eq!(at.len(), 1);
        assert_eq!(
            problems_at(&problems, "queues[1]", "/arguments").len(),
            1,
            "inside the arguments"
        );
        assert_eq!(problems_at(&problems, "queues[1]", "/name")[0].message, "taken");
        let rest = unclaimed(&problems, "queues[1]", &["/name", "/arguments/x-max-priority"]);
        assert_eq!(rest.iter().map(|p| p.message.as_str()).collect::<Vec<_>>(), vec!["odd"]);
    }

    #[test]
    fn every_kind_has_a_form_whose_shape_parts_follow_a_shape() {
        for element in [
            Element::Node(NodeKind::Exchange, String::new()),
            Element::Node(NodeKind::Queue, String::new()),
            Element::Node(NodeKind::Publisher, String::new()),
            Element::Node(NodeKind::Consumer, String::new()),
            Element::Binding(0),
            Element::Policy(0),
            Element::Step(0),
        ] {
            let fields = fields(&element);
            assert!(!fields.is_empty());
            for f in fields.iter().filter(|f| f.when_present) {
                let parent = &f.pointer[..f.pointer.rfind('/').unwrap_or(0)];
                assert!(
                    fields
                        .iter()
                        .any(|g| g.pointer == parent && matches!(g.control, Control::Shape(_))),
                    "{element:?} {}",
                    f.pointer
                );
            }
        }
    }
}
