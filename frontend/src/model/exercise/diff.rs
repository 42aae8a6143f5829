//! How an exercise's solution differs from the learner's scenario, element by element: what the
//! solution adds, what it removes, and which fields of an element it changes (`confirm.mode:
//! "off" → "stream"`), so the learner reads what to do rather than a JSON diff.
//!
//! Both scenarios are compared as written with their defaults filled in, so a field left out and
//! its default written out are the same. Exchanges, queues, policies, publishers and consumers
//! are matched by name, bindings by their source, destination and destination type (in order when
//! several share them), timeline steps by position. Names, descriptions, the drawing's positions
//! and the exercise itself are not compared.

use serde_json::Value;
use warren_shared::Scenario;

/// The lists of named elements, in the order the difference lists them.
const NAMED: [&str; 5] = ["exchanges", "queues", "policies", "publishers", "consumers"];

/// One element the solution has differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The element's list: `exchanges`, `queues`, `bindings`, `policies`, `publishers`,
    /// `consumers`, `timeline`, or `settings` for the run's settings.
    pub list: &'static str,
    /// Which element: its name; `source → destination` for a binding; the step's number (from 1)
    /// for a timeline step; empty for the settings.
    pub name: String,
    /// What the solution does to it.
    pub what: What,
}

/// What the solution does to an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// The solution has it; the learner's scenario does not.
    Added,
    /// The learner's scenario has it; the solution does not.
    Removed,
    /// Both have it; these fields differ.
    Changed(Vec<Field>),
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Where, in dots: `confirm.mode`, `arguments.x-max-priority`.
    pub path: String,
    /// The learner's value as compact JSON; `None` when the learner's element lacks the field.
    pub yours: Option<String>,
    /// The solution's value as compact JSON; `None` when the solution's element lacks it.
    pub solution: Option<String>,
}

/// Every element the solution has differently from `yours`: by list (exchanges, queues,
/// bindings, policies, publishers, consumers, timeline, settings), within a list in the
/// solution's order, then what the solution removes.
pub fn diff(yours: &Scenario, solution: &Scenario) -> Vec<Change> {
    let (Ok(a), Ok(b)) = (serde_json::to_value(yours), serde_json::to_value(solution)) else {
        return Vec::new();
    };
    let items = |doc: &Value, list: &str| doc.get(list).and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for list in [
        "exchanges",
        "queues",
        "bindings",
        "policies",
        "publishers",
        "consumers",
        "timeline",
    ] {
        let (mine, theirs) = (items(&a, list), items(&b, list));
        let key = |item: &Value, index: usize| -> String {
            match list {
                "bindings" => format!(
                    "{} → {} {}",
                    text(item.get("source")),
                    text(item.get("destination")),
                    text(item.get("destination_type"))
                ),
                "timeline" => (index + 1).to_string(),
                _ => text(item.get("name")),
            }
        };
        let mut unmatched: Vec<(String, &Value)> = mine.iter().enumerate().map(|(i, v)| (key(v, i), v)).collect();
        let name_of = |item: &Value, key: String| match list {
            "bindings" => format!("{} → {}", text(item.get("source")), text(item.get("destination"))),
            _ if NAMED.contains(&list) => text(item.get("name")),
            _ => key,
        };
        for (i, item) in theirs.iter().enumerate() {
            let k = key(item, i);
            let what = match unmatched.iter().position(|(mine, _)| *mine == k) {
                Some(at) => {
                    let (_, mine) = unmatched.remove(at);
                    let mut fields = Vec::new();
                    compare(Some(mine), Some(item), "", &mut fields);
                    if fields.is_empty() {
                        continue;
                    }
                    What::Changed(fields)
                }
                None => What::Added,
            };
            out.push(Change {
                list,
                name: name_of(item, k),
                what,
            });
        }
        out.extend(unmatched.into_iter().map(|(k, item)| Change {
            list,
            name: name_of(item, k),
            what: What::Removed,
        }));
    }
    let mut fields = Vec::new();
    compare(a.get("settings"), b.get("settings"), "", &mut fields);
    if !fields.is_empty() {
        out.push(Change {
            list: "settings",
            name: String::new(),
            what: What::Changed(fields),
        });
    }
    out
}

/// A string field's text, or the value as JSON.
fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// The fields at which `a` and `b` differ, objects compared field by field (an object left out,
/// such as empty `arguments`, as an empty one; the name of a named element is how it was matched,
/// so it is skipped).
fn compare(a: Option<&Value>, b: Option<&Value>, prefix: &str, out: &mut Vec<Field>) {
    let empty = serde_json::Map::new();
    match (object(a, b, &empty), object(b, a, &empty)) {
        (Some(a), Some(b)) => {
            let keys = b.keys().chain(a.keys().filter(|k| !b.contains_key(*k)));
            for key in keys {
                if prefix.is_empty() && key == "name" {
                    continue;
                }
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                compare(a.get(key), b.get(key), &path, out);
            }
        }
        _ if a != b => out.push(Field {
            path: prefix.to_owned(),
            yours: a.map(Value::to_string),
            solution: b.map(Value::to_string),
        }),
        _ => {}
    }
}

/// `value` as an object: itself, or `empty` when it is left out and `other` is an object.
fn object<'v>(
    value: Option<&'v Value>,
    other: Option<&Value>,
    empty: &'v serde_json::Map<String, Value>,
) -> Option<&'v serde_json::Map<String, Value>> {
    match (value, other) {
        (Some(Value::Object(map)), _) => Some(map),
        (None, Some(Value::Object(_))) => Some(empty),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use warren_shared::parse_scenario;

    fn scenario(value: Value) -> Scenario {
        parse_scenario(&value).expect("a scenario")
    }

    fn field(path: &str, yours: Option<&str>, solution: Option<&str>) -> Field {
        Field {
            path: path.to_owned(),
            yours: yours.map(str::to_owned),
            solution: solution.map(str::to_owned),
        }
    }

    #[test]
    fn a_changed_field_is_named_with_both_values() {
        let text = include_str!("../../../../examples/exercises/01-confirms.json");
        let start = scenario(serde_json::from_str(text).expect("JSON"));
        let solution = scenario(start.exercise.clone().expect("an exercise")["solution"].clone());
        assert_eq!(
            diff(&start, &solution),
            [Change {
                list: "publishers",
                name: "producer".into(),
                what: What::Changed(vec![
                    field("confirm.mode", Some("\"off\""), Some("\"stream\"")),
                    field("confirm.window", None, Some("100")),
                ]),
            }]
        );
        assert_eq!(diff(&solution, &solution), []);
    }

    #[test]
    fn elements_are_added_removed_and_matched_by_name_bindings_by_their_ends() {
        let yours = scenario(json!({
            "version": 1,
            "exchanges": [{"name": "x"}],
            "queues": [{"name": "a"}, {"name": "gone"}],
            "bindings": [{"source": "x", "destination": "a", "routing_key": "k"}],
            "timeline": [{"action": "cut_connections", "at_ms": 100, "duration_ms": 500}],
            "positions": {"queue:a": {"x": 1, "y": 2}}
        }));
        let solution = scenario(json!({
            "version": 1,
            "name": "another name",
            "settings": {"settle_ms": 2000},
            "exchanges": [{"name": "x", "arguments": {"alternate-exchange": "backup"}}, {"name": "backup", "type": "fanout"}],
            "queues": [{"name": "a", "durable": true}, {"name": "backup-queue"}],
            "bindings": [
                {"source": "x", "destination": "a", "routing_key": "other"},
                {"source": "backup", "destination": "backup-queue"}
            ],
            "timeline": [{"action": "cut_connections", "at_ms": 200, "duration_ms": 500}]
        }));
        let changes = diff(&yours, &solution);
        let summary: Vec<(&str, &str, &str)> = changes
            .iter()
            .map(|c| {
                let what = match &c.what {
                    What::Added => "added",
                    What::Removed => "removed",
                    What::Changed(_) => "changed",
                };
                (c.list, c.name.as_str(), what)
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("exchanges", "x", "changed"),
                ("exchanges", "backup", "added"),
                ("queues", "backup-queue", "added"),
                ("queues", "gone", "removed"),
                ("bindings", "x → a", "changed"),
                ("bindings", "backup → backup-queue", "added"),
                ("timeline", "1", "changed"),
                ("settings", "", "changed"),
            ],
            "a default written out (durable) is no change; names and positions are not compared"
        );
        assert_eq!(
            changes[0].what,
            What::Changed(vec![field("arguments.alternate-exchange", None, Some("\"backup\""))])
        );
        assert_eq!(
            changes[4].what,
            What::Changed(vec![field("routing_key", Some("\"k\""), Some("\"other\""))])
        );
        assert_eq!(
            changes[7].what,
            What::Changed(vec![field("settle_ms", Some("1000"), Some("2000"))])
        );
    }
}
