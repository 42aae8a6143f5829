//! The parts of an exercise the learner may not change, so that deleting the producer can never
//! make "nothing lost" pass.
//!
//! A locked part is named by a path such as `publishers/producer/count`: field names, and inside
//! the lists of named parts (`exchanges`, `queues`, `policies`, `publishers`, `consumers`) the
//! part's name; inside other lists (`bindings`, `timeline`) an index. A path that is just one of
//! those named lists locks which parts exist (their names, in any order), not what they are.
//!
//! A scenario is compared with the exercise's solution, which keeps every locked part as the
//! starting scenario has it: the page sends only the learner's scenario (with the exercise), so
//! the solution is what carries the locked parts along. Both are compared as written with their
//! defaults filled in, so a field left out equals its default written out.

use super::Exercise;
use crate::scenario::Scenario;
use crate::validate::Problem;
use serde_json::Value;

/// The top-level lists whose parts are named by their `name`.
const NAMED_LISTS: [&str; 5] = ["exchanges", "queues", "policies", "publishers", "consumers"];

/// The exercise's locked paths: its own list, or by default which publishers exist, each
/// publisher's count, and the whole timeline.
pub fn locked_paths(exercise: &Exercise) -> Vec<String> {
    match &exercise.locked {
        Some(paths) => paths.clone(),
        None => default_paths(exercise.solution.publishers.iter().map(|p| p.name.as_str())),
    }
}

/// The paths locked when an exercise lists none, for a solution with these publishers: which
/// publishers exist, each one's count, and the whole timeline.
pub fn default_paths<'a>(publishers: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    std::iter::once("publishers".to_owned())
        .chain(publishers.into_iter().map(|name| format!("publishers/{name}/count")))
        .chain(std::iter::once("timeline".to_owned()))
        .collect()
}

/// [`locked_paths`] of an exercise as a scenario keeps it (its `exercise` JSON), without reading
/// the rest of the exercise: what the page's builder needs on every change, at little cost.
pub fn paths_in(exercise: &Value) -> Vec<String> {
    match exercise.get("locked").and_then(Value::as_array) {
        Some(paths) => paths.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        None => default_paths(
            exercise
                .get("solution")
                .and_then(|s| s.get("publishers"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("name").and_then(Value::as_str)),
        ),
    }
}

/// The locked parts at which `scenario` differs from the exercise, in the order they are listed.
/// A run of a scenario with any is refused.
pub fn changed_locked_parts(exercise: &Exercise, scenario: &Scenario) -> Vec<String> {
    let (Some(solution), Some(attempt)) = (as_value(&exercise.solution), as_value(scenario)) else {
        return locked_paths(exercise);
    };
    differing(&locked_paths(exercise), &solution, &attempt)
}

/// The paths among `paths` at which two scenarios, written as JSON with their defaults filled
/// in, differ. A path that `reference` lacks is skipped (for an exercise, an authoring problem
/// that validation reports).
pub fn differing(paths: &[String], reference: &Value, attempt: &Value) -> Vec<String> {
    paths
        .iter()
        .filter(|path| match part(reference, path) {
            Some(locked) => part(attempt, path) != Some(locked),
            None => false,
        })
        .cloned()
        .collect()
}

/// [`changed_locked_parts`] as the problems a refused run reports, one per changed path.
pub fn locked_problems(exercise: &Exercise, scenario: &Scenario) -> Vec<Problem> {
    changed_locked_parts(exercise, scenario)
        .into_iter()
        .map(|path| {
            let message = crate::say!(crate::sentences::problems::LOCKED, path);
            Problem::new(path, message)
        })
        .collect()
}

/// Whether `path` names a part of `scenario`.
pub(crate) fn exists(scenario: &Scenario, path: &str) -> bool {
    as_value(scenario).is_some_and(|value| part(&value, path).is_some())
}

/// The value a locked part is compared by.
#[derive(Debug)]
enum Part<'v> {
    /// Which parts of a named list exist, in any order.
    Names(Vec<&'v str>),
    /// Anything else, as written.
    Value(&'v Value),
}

impl PartialEq for Part<'_> {
    /// Names compare as sets (without sorting: the page's builder compares on every change, and a
    /// sort is code its first load would carry).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Names(a), Self::Names(b)) => {
                a.len() == b.len() && a.iter().all(|n| b.contains(n)) && b.iter().all(|n| a.contains(n))
            }
            (Self::Value(a), Self::Value(b)) => a == b,
            _ => false,
        }
    }
}

fn as_value(scenario: &Scenario) -> Option<Value> {
    serde_json::to_value(scenario).ok()
}

/// The part of `root` (a scenario as JSON) that `path` names.
fn part<'v>(root: &'v Value, path: &str) -> Option<Part<'v>> {
    if path.is_empty() {
        return None;
    }
    let segments: Vec<&str> = path.split('/').collect();
    let mut at = root;
    for (depth, segment) in segments.iter().enumerate() {
        at = match at {
            Value::Object(fields) => fields.get(*segment)?,
            Value::Array(items) if depth == 1 && NAMED_LISTS.contains(&segments[0]) => items
                .iter()
                .find(|item| item.get("name").and_then(Value::as_str) == Some(*segment))?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    match (segments.as_slice(), at) {
        ([list], Value::Array(items)) if NAMED_LISTS.contains(list) => {
            let names: Vec<&str> = items
                .iter()
                .filter_map(|item| item.get("name").and_then(Value::as_str))
                .collect();
            Some(Part::Names(names))
        }
        _ => Some(Part::Value(at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::parse_scenario;
    use serde_json::json;

    fn scenario(value: Value) -> Scenario {
        parse_scenario(&value).expect("a scenario")
    }

    fn start() -> Value {
        json!({
            "version": 1,
            "exchanges": [{"name": "x"}],
            "queues": [{"name": "a"}, {"name": "b"}],
            "bindings": [{"source": "x", "destination": "a", "routing_key": "k"}],
            "publishers": [
                {"name": "producer", "exchange": "x", "routing_key": "k", "count": 100},
                {"name": "other", "exchange": "x", "routing_key": "k", "count": 5}
            ],
            "timeline": [{"action": "cut_connections", "at_ms": 100, "duration_ms": 500}]
        })
    }

    fn exercise(locked: Option<Vec<&str>>) -> Exercise {
        Exercise {
            id: "e".into(),
            title: super::super::Text::new("t", "t"),
            task: super::super::Text::new("t", "t"),
            hints: Vec::new(),
            needs_node_faults: false,
            checks: Vec::new(),
            locked: locked.map(|paths| paths.into_iter().map(str::to_owned).collect()),
            solution: scenario(start()),
        }
    }

    fn changed(exercise: &Exercise, edit: impl FnOnce(&mut Value)) -> Vec<String> {
        let mut attempt = start();
        edit(&mut attempt);
        changed_locked_parts(exercise, &scenario(attempt))
    }

    #[test]
    fn the_default_locks_publishers_their_counts_and_the_timeline() {
        let e = exercise(None);
        assert_eq!(
            locked_paths(&e),
            [
                "publishers",
                "publishers/producer/count",
                "publishers/other/count",
                "timeline"
            ]
        );
        assert!(changed(&e, |_| {}).is_empty());
        assert_eq!(
            changed(&e, |s| s["publishers"][0]["count"] = json!(1)),
            ["publishers/producer/count"]
        );
        assert_eq!(
            changed(&e, |s| {
                s["publishers"].as_array_mut().expect("a list").remove(1);
            }),
            ["publishers", "publishers/other/count"]
        );
        assert_eq!(changed(&e, |s| s["timeline"] = json!([])), ["timeline"]);
        // What is not locked may change; reordering publishers changes nothing locked.
        assert!(
            changed(&e, |s| {
                s["publishers"][0]["confirm"] = json!({"mode": "per_message"});
                s["publishers"].as_array_mut().expect("a list").reverse();
                s["queues"] = json!([{"name": "a"}]);
            })
            .is_empty()
        );
    }

    #[test]
    fn paths_name_fields_named_parts_and_indices() {
        let e = exercise(Some(vec![
            "queues/a",
            "bindings/0/routing_key",
            "publishers/producer/routing_key",
            "settings/max_duration_ms",
            "timeline/0",
        ]));
        assert!(changed(&e, |_| {}).is_empty());
        let all = changed(&e, |s| {
            s["queues"][0]["type"] = json!("quorum");
            s["bindings"][0]["routing_key"] = json!("other");
            s["publishers"][0]["routing_key"] = json!("k2");
            s["settings"] = json!({"max_duration_ms": 1000});
            s["timeline"][0]["duration_ms"] = json!(1);
        });
        assert_eq!(all, locked_paths(&e));
        // A default written out is the default.
        assert!(changed(&e, |s| s["queues"][0]["durable"] = json!(true)).is_empty());
        assert_eq!(changed(&e, |s| s["queues"] = json!([{"name": "b"}])), ["queues/a"]);
    }

    /// The paths read from the raw `exercise` JSON are those of the read exercise, and two
    /// scenarios differ at a path exactly where an attempt differs from the solution.
    #[test]
    fn the_paths_read_from_json_are_the_exercises() {
        for locked in [None, Some(vec!["queues/a", "timeline/0"])] {
            let e = exercise(locked);
            let value = serde_json::to_value(&e).expect("serialize");
            assert_eq!(paths_in(&value), locked_paths(&e));
        }
        assert_eq!(paths_in(&json!({})), ["publishers", "timeline"]);
        let before = serde_json::to_value(scenario(start())).expect("serialize");
        let mut after = before.clone();
        after["publishers"][0]["count"] = json!(7);
        after["queues"][0]["durable"] = json!(false);
        let paths = locked_paths(&exercise(None));
        assert_eq!(differing(&paths, &before, &after), ["publishers/producer/count"]);
        assert!(differing(&paths, &before, &before).is_empty());
    }

    #[test]
    fn a_changed_part_is_a_problem_at_its_path() {
        let e = exercise(None);
        let mut attempt = start();
        attempt["publishers"][1]["count"] = json!(6);
        let problems = locked_problems(&e, &scenario(attempt));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "publishers/other/count");
        assert!(problems[0].message.contains("is locked"), "{problems:?}");
    }

    #[test]
    fn a_path_exists_only_when_it_names_a_part() {
        let s = scenario(start());
        for path in [
            "publishers",
            "publishers/other",
            "publishers/other/count",
            "bindings/0",
            "timeline/0/duration_ms",
        ] {
            assert!(exists(&s, path), "{path}");
        }
        for path in [
            "",
            "publishers/ghost",
            "publishers/other/colour",
            "bindings/3",
            "timeline/x",
            "nothing",
        ] {
            assert!(!exists(&s, path), "{path}");
        }
    }
}
