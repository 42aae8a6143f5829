//! Where the learner stands with each exercise, by its id: not started, tried or passed, how
//! many runs they made of it, and how many hints they revealed. The page keeps it in
//! `localStorage` under [`STORAGE_KEY`] as JSON:
//!
//! ```json
//! {"confirms": {"state": "passed", "attempts": 2, "hints": 1}}
//! ```
//!
//! Reading is lenient: what it does not understand (another version's fields, a damaged entry)
//! is left out rather than losing the rest.

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The `localStorage` key holding the learner's progress.
pub const STORAGE_KEY: &str = "warren.exercises";

/// How far the learner got with one exercise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// Never run.
    #[default]
    NotStarted,
    /// Run, and some check failed each time.
    Tried,
    /// Run once with every check passing (it stays passed).
    Passed,
}

impl State {
    /// `not_started`, `tried` or `passed`: as stored, and as the page's `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Tried => "tried",
            Self::Passed => "passed",
        }
    }

    fn from_str(word: &str) -> Option<Self> {
        [Self::NotStarted, Self::Tried, Self::Passed]
            .into_iter()
            .find(|s| s.as_str() == word)
    }
}

/// One exercise's progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Entry {
    /// How far the learner got.
    pub state: State,
    /// Runs of the exercise the relay checked.
    pub attempts: u32,
    /// Hints revealed, from the first.
    pub hints: u32,
}

/// Every exercise's progress, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    entries: BTreeMap<String, Entry>,
}

impl Progress {
    /// Read what [`Progress::to_json`] wrote; anything else reads as no progress.
    pub fn from_json(text: &str) -> Self {
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
            return Self::default();
        };
        let count = |v: &Value, key: &str| {
            v.get(key)
                .and_then(Value::as_u64)
                .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        let entries = map
            .iter()
            .filter_map(|(id, v)| {
                let state = State::from_str(v.get("state")?.as_str()?)?;
                Some((
                    id.clone(),
                    Entry {
                        state,
                        attempts: count(v, "attempts"),
                        hints: count(v, "hints"),
                    },
                ))
            })
            .collect();
        Self { entries }
    }

    /// The JSON kept in storage.
    pub fn to_json(&self) -> String {
        let map: Map<String, Value> = self
            .entries
            .iter()
            .map(|(id, e)| {
                (
                    id.clone(),
                    json!({"state": e.state.as_str(), "attempts": e.attempts, "hints": e.hints}),
                )
            })
            .collect();
        Value::Object(map).to_string()
    }

    /// The progress of the exercise `id` (not started when unknown).
    pub fn entry(&self, id: &str) -> Entry {
        self.entries.get(id).copied().unwrap_or_default()
    }

    /// A run of the exercise `id` was checked: it passed when every check did. A passed exercise
    /// stays passed.
    pub fn attempted(&mut self, id: &str, passed: bool) {
        let entry = self.entries.entry(id.to_owned()).or_default();
        entry.attempts = entry.attempts.saturating_add(1);
        let now = if passed { State::Passed } else { State::Tried };
        entry.state = entry.state.max(now);
    }

    /// Reveal the next of the `total` hints of `id`; `false` when every one is shown.
    pub fn reveal_hint(&mut self, id: &str, total: usize) -> bool {
        let shown = self.entry(id).hints as usize;
        if shown >= total {
            return false;
        }
        self.entries.entry(id.to_owned()).or_default().hints = u32::try_from(shown + 1).unwrap_or(u32::MAX);
        true
    }

    /// How many of `ids` are passed.
    pub fn passed<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> usize {
        ids.into_iter()
            .filter(|id| self.entry(id).state == State::Passed)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_hints_and_states_survive_a_round_trip() {
        let mut p = Progress::default();
        assert_eq!(p.entry("confirms"), Entry::default());
        p.attempted("confirms", false);
        assert_eq!(p.entry("confirms").state, State::Tried);
        assert!(p.reveal_hint("confirms", 2));
        assert!(p.reveal_hint("confirms", 2));
        assert!(!p.reveal_hint("confirms", 2), "only two hints");
        p.attempted("confirms", true);
        p.attempted("confirms", false);
        assert_eq!(
            p.entry("confirms"),
            Entry {
                state: State::Passed,
                attempts: 3,
                hints: 2
            },
            "a passed exercise stays passed"
        );
        p.attempted("returns", false);
        assert_eq!(p.passed(["confirms", "returns", "nack"]), 1);

        let read = Progress::from_json(&p.to_json());
        assert_eq!(read, p);
        assert!(
            p.to_json()
                .contains(r#""confirms":{"state":"passed","attempts":3,"hints":2}"#)
        );
    }

    #[test]
    fn what_cannot_be_read_is_left_out() {
        assert_eq!(Progress::from_json("not json"), Progress::default());
        assert_eq!(Progress::from_json("[1, 2]"), Progress::default());
        let p = Progress::from_json(
            r#"{"a": {"state": "passed", "attempts": 1}, "b": {"state": "done"}, "c": 7, "d": {"state": "tried", "hints": 2, "more": true}}"#,
        );
        assert_eq!(p.entry("a").state, State::Passed);
        assert_eq!(p.entry("a").hints, 0);
        assert_eq!(p.entry("b"), Entry::default());
        assert_eq!(p.entry("c"), Entry::default());
        assert_eq!(
            p.entry("d"),
            Entry {
                state: State::Tried,
                attempts: 0,
                hints: 2
            }
        );
    }
}
