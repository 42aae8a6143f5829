//! Exercises: a scenario that asks the learner to change it until a run on the real broker passes
//! its checks (the format is described in docs/exercises.md).
//!
//! An exercise is an ordinary scenario with an [`Exercise`] in its `exercise` field: the
//! scenario is where the learner starts, the exercise says what to achieve, how a run is
//! checked, what may not change, and a solution. Checks are decided by one function,
//! [`evaluate`], over the run's summary and events and the learner's scenario, so that the relay,
//! `warren check` and the page can never disagree.
//!
//! # Layout
//! - this file: the exercise object, its two-language texts, a check item, a check's result.
//! - [`check`]: the machine form of a check (kinds, comparisons, counters, snapshot fields).
//! - [`evaluate`](mod@evaluate): deciding every check over a run.
//! - [`locked`]: the parts the learner may not change, and which of them a scenario changed.
//! - `authoring`: an exercise's own mistakes, as validation problems with paths.

mod authoring;
pub mod check;
pub mod evaluate;
pub mod locked;

use crate::scenario::Scenario;
use crate::wire::wire;
use serde::{Deserialize, Serialize};

pub(crate) use authoring::problems;
pub use check::{CheckKind, Counter, Op, SnapshotField};
pub use evaluate::evaluate;
pub use locked::{changed_locked_parts, locked_paths, locked_problems};

/// A sentence in both of the page's languages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English.
    #[serde(default)]
    pub en: String,
    /// Chinese.
    #[serde(default)]
    pub zh: String,
}

impl Text {
    /// A text from its two languages.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// The same text with every `{name}` replaced by its value, in both languages.
    pub fn fill(&self, values: &[(&str, &str)]) -> Self {
        let fill = |text: &str| {
            values.iter().fold(text.to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
        };
        Self {
            en: fill(&self.en),
            zh: fill(&self.zh),
        }
    }
}

/// What a scenario asks of the learner, and how a run of it is checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// A stable name, used to keep the learner's progress.
    pub id: String,
    /// A short title.
    pub title: Text,
    /// What to achieve.
    pub task: Text,
    /// Hints in the order they are revealed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<Text>,
    /// The timeline stops, kills or starts nodes: the exercise runs only where node faults are
    /// allowed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_node_faults: bool,
    /// What a run must show.
    pub checks: Vec<Check>,
    /// Paths of the parts the learner may not change; `None` locks the default parts (see
    /// [`locked_paths`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<Vec<String>>,
    /// A whole scenario that passes every check; its locked parts are the exercise's.
    pub solution: Scenario,
}

wire! {
    /// One check: its sentence and its machine form, which stand side by side in one object.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Check {
        /// What it means when the check fails; may use `{seen}`, `{expected}` and `{value}`.
        pub text: Text,
        /// What is checked.
        #[wire(flatten)]
        pub kind: CheckKind,
    }
}

wire! {
    /// How one check went on one run.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CheckResult {
        /// Whether it passed.
        pub passed: bool,
        /// The check's sentence with its placeholders filled in.
        pub text: Text,
        /// What the check saw: a number, a word, or a list of places.
        pub seen: String,
        /// What it wanted: `= 0`, `>= 1`, `quorum`, `bound`...
        pub expected: String,
        /// The messages the result is about, so that the page can show their paths.
        #[wire(omit_empty)]
        pub ids: Vec<String>,
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::parse_scenario;
    use serde_json::json;

    /// A scenario without an exercise writes no `exercise`; one with an exercise reads back
    /// what it wrote.
    #[test]
    fn an_exercise_travels_with_its_scenario_and_only_then() {
        let plain = json!({"version": 1, "name": "plain"});
        let scenario = parse_scenario(&plain).expect("parses");
        assert_eq!(scenario.exercise, None);
        assert_eq!(
            serde_json::to_string(&scenario).expect("serialize"),
            r#"{"version":1,"name":"plain","settings":{"max_duration_ms":60000,"settle_ms":1000,"snapshot_interval_ms":1000},"exchanges":[],"queues":[],"bindings":[],"policies":[],"publishers":[],"consumers":[],"timeline":[]}"#
        );
        let document = json!({
            "version": 1,
            "queues": [{"name": "q"}],
            "exercise": {
                "id": "e",
                "title": {"en": "T", "zh": "标"},
                "task": {"en": "Do", "zh": "做"},
                "hints": [{"en": "H", "zh": "提"}],
                "checks": [{"text": {"en": "{seen}", "zh": "{seen}"}, "check": "count", "of": "lost", "op": "=", "value": 0}],
                "locked": ["queues/q"],
                "solution": {"version": 1, "queues": [{"name": "q"}]}
            }
        });
        let scenario = parse_scenario(&document).expect("parses");
        let written = serde_json::to_value(&scenario).expect("serialize");
        assert_eq!(parse_scenario(&written).expect("reads back"), scenario);
        assert_eq!(written["exercise"]["checks"][0]["check"], "count");
        assert!(written["exercise"].get("needs_node_faults").is_none());
    }
}
