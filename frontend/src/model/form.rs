//! The inspector's forms as data: which fields each kind of element shows, how a field reads
//! and writes its part of the element's JSON, and which validation problems belong to it.
//!
//! A field is addressed by a JSON pointer into the element (`/arguments/x-max-priority`), so one
//! form component serves every kind, and the element's whole JSON stays editable below the
//! fields for anything without a control of its own.

use crate::i18n::Text;
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
    /// One of fixed values (value, words); `""` (when listed) removes the key.
    Choice(&'static [(&'static str, Text)]),
    /// The name of an exchange or queue of the scenario; `""` removes the key when `optional`.
    Reference {
        /// What it names.
        kind: NodeKind,
        /// Whether it may be absent.
        optional: bool,
    },
    /// One of several shapes (`{"mode": "batch", "size": 10}`…), each with its defaults; the
    /// fields of the chosen shape follow as their own fields.
    Shape(&'static [(Text, &'static str)]),
    /// Free JSON (an object of arguments, a list of rules).
    Json,
}

/// One field of a form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// What the user reads.
    pub label: Text,
    /// Where it lives in the element's JSON.
    pub pointer: &'static str,
    /// How it is edited.
    pub control: Control,
    /// Shown only when the element has a value there (the fields of a [`Control::Shape`]).
    pub when_present: bool,
}

const fn field(label: Text, pointer: &'static str, control: Control) -> Field {
    Field {
        label,
        pointer,
        control,
        when_present: false,
    }
}

const fn part(label: Text, pointer: &'static str, control: Control) -> Field {
    Field {
        label,
        pointer,
        control,
        when_present: true,
    }
}

const EXCHANGE_TYPES: &[(&str, Text)] = &[
    ("direct", Text::ExchangeDirect),
    ("fanout", Text::ExchangeFanout),
    ("topic", Text::ExchangeTopic),
    ("headers", Text::ExchangeHeaders),
];
const QUEUE_TYPES: &[(&str, Text)] = &[("classic", Text::QueueClassic), ("quorum", Text::QueueQuorum)];
const QUEUE_MODES: &[(&str, Text)] = &[("", Text::ChoiceDefault), ("lazy", Text::ChoiceLazy)];
const OVERFLOW: &[(&str, Text)] = &[
    ("", Text::ChoiceDropHead),
    ("reject-publish", Text::ChoiceRejectPublish),
    ("reject-publish-dlx", Text::ChoiceRejectPublishDlx),
];
const DESTINATIONS: &[(&str, Text)] = &[("queue", Text::ChoiceQueue), ("exchange", Text::ChoiceExchange)];
const ACK_MODES: &[(&str, Text)] = &[("manual", Text::ChoiceManual), ("auto", Text::ChoiceAuto)];
const APPLY_TO: &[(&str, Text)] = &[
    ("all", Text::ChoiceAll),
    ("queues", Text::ChoiceQueues),
    ("exchanges", Text::ChoiceExchanges),
];
const CONFIRMS: &[(Text, &str)] = &[
    (Text::ChoiceStreaming, r#"{"mode":"stream","window":100}"#),
    (Text::ChoiceBatch, r#"{"mode":"batch","size":10}"#),
    (Text::ChoiceOneAtATime, r#"{"mode":"per_message"}"#),
    (Text::ChoiceOff, r#"{"mode":"off"}"#),
];
const PRIORITIES: &[(Text, &str)] = &[
    (Text::ChoiceNone, r#"{"rule":"none"}"#),
    (Text::ChoiceFixed, r#"{"rule":"fixed","priority":5}"#),
    (Text::ChoiceEveryNth, r#"{"rule":"every_nth","n":5,"priority":5}"#),
    (Text::ChoiceList, r#"{"rule":"list","priorities":[1,5,9]}"#),
    (Text::ChoiceRandom, r#"{"rule":"random","seed":1,"min":0,"max":9}"#),
];
const STARTS: &[(Text, &str)] = &[
    (Text::ChoiceAtATime, r#"{"at_ms":0}"#),
    (Text::ChoiceAfterActor, r#"{"after":""}"#),
    (Text::ChoiceOnStep, r#""on_step""#),
];
const OUTBOX: &[(Text, &str)] = &[
    (Text::ChoiceNone, "null"),
    (Text::ChoiceOutbox, r#"{"retry_interval_ms":1000}"#),
];

/// The fields of an element's form.
pub fn fields(element: &Element) -> Vec<Field> {
    use Control::{Choice, Flag, Json, Number, OptionalNumber, Reference, Shape};
    let exchange = |optional| Reference {
        kind: NodeKind::Exchange,
        optional,
    };
    match element {
        Element::Node(NodeKind::Exchange, _) => vec![
            field(Text::FieldName, "/name", Control::Text),
            field(Text::FieldType, "/type", Choice(EXCHANGE_TYPES)),
            field(
                Text::FieldAlternateExchange,
                "/arguments/alternate-exchange",
                exchange(true),
            ),
            field(Text::FieldDurable, "/durable", Flag),
            field(Text::FieldInternal, "/internal", Flag),
            field(Text::FieldAutoDelete, "/auto_delete", Flag),
            field(Text::FieldArguments, "/arguments", Json),
        ],
        Element::Node(NodeKind::Queue, _) => vec![
            field(Text::FieldName, "/name", Control::Text),
            field(Text::FieldType, "/type", Choice(QUEUE_TYPES)),
            field(Text::FieldMaxPriority, "/arguments/x-max-priority", OptionalNumber),
            field(Text::FieldMode, "/arguments/x-queue-mode", Choice(QUEUE_MODES)),
            field(Text::FieldMaxLength, "/arguments/x-max-length", OptionalNumber),
            field(Text::FieldOverflow, "/arguments/x-overflow", Choice(OVERFLOW)),
            field(Text::FieldTtl, "/arguments/x-message-ttl", OptionalNumber),
            field(
                Text::FieldDeadLetterExchange,
                "/arguments/x-dead-letter-exchange",
                exchange(true),
            ),
            field(Text::FieldNode, "/node", Control::Text),
            field(Text::FieldDurable, "/durable", Flag),
            field(Text::FieldExclusive, "/exclusive", Flag),
            field(Text::FieldAutoDelete, "/auto_delete", Flag),
            field(Text::FieldArguments, "/arguments", Json),
        ],
        Element::Node(NodeKind::Publisher, _) => vec![
            field(Text::FieldName, "/name", Control::Text),
            field(Text::FieldExchange, "/exchange", exchange(false)),
            field(Text::FieldRoutingKey, "/routing_key", Control::Text),
            field(Text::FieldMessages, "/count", Number),
            field(Text::FieldRate, "/rate_per_sec", OptionalNumber),
            field(Text::FieldMandatory, "/mandatory", Flag),
            field(Text::FieldPersistent, "/persistent", Flag),
            field(Text::FieldConfirms, "/confirm", Shape(CONFIRMS)),
            part(Text::FieldWindow, "/confirm/window", Number),
            part(Text::FieldBatchSize, "/confirm/size", Number),
            field(Text::FieldPriority, "/priority", Shape(PRIORITIES)),
            part(Text::FieldPriority, "/priority/priority", Number),
            part(Text::FieldEveryNth, "/priority/n", Number),
            part(Text::FieldPriorities, "/priority/priorities", Json),
            part(Text::FieldLowest, "/priority/min", Number),
            part(Text::FieldHighest, "/priority/max", Number),
            part(Text::FieldRandomStart, "/priority/seed", Number),
            field(Text::FieldStarts, "/start", Shape(STARTS)),
            part(Text::AtMs, "/start/at_ms", Number),
            part(Text::FieldAfter, "/start/after", Control::Text),
            field(Text::FieldOutbox, "/outbox", Shape(OUTBOX)),
            part(Text::FieldRetryEvery, "/outbox/retry_interval_ms", Number),
            field(Text::FieldBody, "/body", Control::Text),
            field(Text::FieldHeaders, "/headers", Json),
        ],
        Element::Node(NodeKind::Consumer, _) => vec![
            field(Text::FieldName, "/name", Control::Text),
            field(
                Text::FieldQueue,
                "/queue",
                Reference {
                    kind: NodeKind::Queue,
                    optional: false,
                },
            ),
            field(Text::FieldAcks, "/ack", Choice(ACK_MODES)),
            field(Text::FieldPrefetch, "/prefetch", Number),
            field(Text::FieldProcessing, "/processing_ms", Number),
            field(Text::FieldStopAfter, "/stop_after", OptionalNumber),
            field(Text::FieldStarts, "/start", Shape(STARTS)),
            part(Text::AtMs, "/start/at_ms", Number),
            part(Text::FieldAfter, "/start/after", Control::Text),
            field(Text::FieldRules, "/rules", Json),
            field(Text::FieldArguments, "/arguments", Json),
        ],
        Element::Binding(_) => vec![
            field(Text::FieldFromExchange, "/source", exchange(false)),
            field(Text::FieldTo, "/destination", Control::Text),
            field(Text::FieldDestinationType, "/destination_type", Choice(DESTINATIONS)),
            field(Text::FieldRoutingKey, "/routing_key", Control::Text),
            field(Text::FieldArguments, "/arguments", Json),
        ],
        Element::Policy(_) => vec![
            field(Text::FieldName, "/name", Control::Text),
            field(Text::FieldPattern, "/pattern", Control::Text),
            field(Text::FieldAppliesTo, "/apply_to", Choice(APPLY_TO)),
            field(Text::FieldPriority, "/priority", Number),
            field(Text::FieldDefinition, "/definition", Json),
        ],
        Element::Step(_) => vec![field(Text::AtMs, "/at_ms", Number)],
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
pub fn shape_of(value: Option<&Value>, shapes: &[(Text, &str)]) -> usize {
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
