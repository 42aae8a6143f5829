//! The playground's state: the scenario being edited, its layout, and the run.
//!
//! Components read it through memos and change it only through these methods.

use crate::gallery::{self, Example};
use crate::layout::{Layout, layout};
use crate::run::RunRecord;
use warren_shared::{Limits, Problem, Scenario, parse_scenario, validate};

/// The scenario as text, with what the page makes of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Editor {
    /// The JSON as the user wrote it.
    pub text: String,
    /// The gallery example it came from, while unchanged.
    pub example: Option<&'static str>,
    /// The last text that parsed as a scenario (kept while the text is broken, so the canvas
    /// does not jump).
    pub scenario: Option<Scenario>,
    /// Problems of the current text: not JSON, wrong shape, or invalid.
    pub problems: Vec<Problem>,
}

impl Editor {
    /// An editor holding `text`, checked against `limits`.
    pub fn new(text: &str, limits: &Limits) -> Self {
        let mut editor = Self {
            text: String::new(),
            example: None,
            scenario: None,
            problems: Vec::new(),
        };
        editor.set_text(text, limits);
        editor
    }

    /// The user typed: check the text again.
    pub fn set_text(&mut self, text: &str, limits: &Limits) {
        text.clone_into(&mut self.text);
        self.example = None;
        self.check(limits);
    }

    /// Check the text against `limits` (e.g. when the relay's hello brings other limits).
    pub fn check(&mut self, limits: &Limits) {
        match serde_json::from_str::<serde_json::Value>(&self.text) {
            Err(error) => {
                self.problems = vec![Problem {
                    path: String::new(),
                    message: format!("this is not JSON yet: {error}"),
                }];
            }
            Ok(value) => match parse_scenario(&value) {
                Err(problems) => self.problems = problems,
                Ok(scenario) => {
                    self.problems = validate(&scenario, limits);
                    self.scenario = Some(scenario);
                }
            },
        }
    }

    /// The document to send with `run`, when the text is JSON.
    pub fn value(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.text).ok()
    }

    /// A file name for Export, from the example or the scenario's name.
    pub fn file_name(&self) -> String {
        if let Some(stem) = self.example {
            return format!("{stem}.json");
        }
        let name = self.scenario.as_ref().map(|s| s.name.as_str()).unwrap_or_default();
        let slug: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if slug.is_empty() {
            "scenario.json".to_owned()
        } else {
            format!("{slug}.json")
        }
    }
}

/// Why Run did not send anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunRefused {
    /// A run is going on.
    Busy,
    /// The scenario has problems (now in the run's `problems`).
    Invalid,
}

/// Everything the page shows besides the connection.
#[derive(Debug)]
pub struct Playground {
    /// The scenario being edited.
    pub editor: Editor,
    /// Its layout (of the last scenario that parsed).
    pub layout: Layout,
    /// The current or last run.
    pub run: RunRecord,
    /// The relay's limits (defaults until the hello).
    pub limits: Limits,
    /// Why the link the page was opened with could not be opened (see [`crate::share`]).
    pub share_error: Option<String>,
}

impl Playground {
    /// The playground with the default example loaded.
    pub fn new() -> Self {
        let limits = Limits::default();
        let mut playground = Self {
            editor: Editor::new("{}", &limits),
            layout: Layout::default(),
            run: RunRecord::default(),
            limits,
            share_error: None,
        };
        playground.load_example(gallery::DEFAULT_EXAMPLE);
        playground
    }

    /// Load a gallery example; `false` when there is none by that stem or a run is going on.
    pub fn load_example(&mut self, stem: &str) -> bool {
        let Some(example) = gallery::example(stem) else {
            return false;
        };
        if self.run.phase().active() {
            return false;
        }
        self.editor.set_text(example.json, &self.limits);
        self.editor.example = Some(example.stem);
        self.relayout();
        self.run = RunRecord::default();
        true
    }

    /// Load a scenario's text (from a link), dropping the run; `false` while a run is going on.
    pub fn load_text(&mut self, text: &str) -> bool {
        if self.run.phase().active() {
            return false;
        }
        self.editor.set_text(text, &self.limits);
        self.relayout();
        self.run = RunRecord::default();
        true
    }

    /// The gallery entry being shown, while its text is unchanged.
    pub fn example(&self) -> Option<Example> {
        self.editor.example.and_then(gallery::example)
    }

    /// The user edited the JSON (ignored while a run is going on).
    pub fn edit(&mut self, text: &str) {
        if self.run.phase().active() {
            return;
        }
        self.editor.set_text(text, &self.limits);
        self.relayout();
    }

    /// The relay told its limits.
    pub fn set_limits(&mut self, limits: Limits) {
        if limits != self.limits {
            self.limits = limits;
            self.editor.check(&self.limits);
        }
    }

    fn relayout(&mut self) {
        if let Some(scenario) = &self.editor.scenario {
            let next = layout(scenario);
            if next != self.layout {
                // Traffic was counted per edge of the old drawing.
                self.run.edge_traffic = vec![0; next.edges.len()];
                self.layout = next;
            }
        }
    }

    /// Prepare a run: the document to send, or why not.
    pub fn begin_run(&mut self) -> Result<serde_json::Value, RunRefused> {
        if self.run.phase().active() {
            return Err(RunRefused::Busy);
        }
        let value = self.editor.value();
        match (value, &self.editor.scenario) {
            (Some(value), Some(scenario)) if self.editor.problems.is_empty() => {
                self.run.start(scenario.clone(), &self.layout);
                Ok(value)
            }
            _ => {
                self.run = RunRecord::default();
                self.run.invalid(self.editor.problems.clone());
                Err(RunRefused::Invalid)
            }
        }
    }
}

impl Default for Playground {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Phase;

    #[test]
    fn the_default_example_is_loaded_and_runs() {
        let mut p = Playground::new();
        assert_eq!(p.editor.example, Some("confirms"));
        assert!(p.editor.problems.is_empty());
        assert!(!p.layout.nodes.is_empty());
        let value = p.begin_run().expect("runs");
        assert_eq!(value["name"], "Publisher confirms");
        assert_eq!(p.run.phase(), Phase::Starting);
        assert_eq!(p.begin_run(), Err(RunRefused::Busy));
        assert!(!p.load_example("returns"), "no switching during a run");
    }

    #[test]
    fn problems_are_shown_with_paths_as_you_type_and_block_the_run() {
        let mut p = Playground::new();
        let nodes = p.layout.nodes.len();
        p.edit(r#"{"version": 1, "publishers": [{"name": "p", "exchange": "nope", "count": 0}]}"#);
        let paths: Vec<&str> = p.editor.problems.iter().map(|pr| pr.path.as_str()).collect();
        assert!(paths.contains(&"publishers[0].exchange"), "{paths:?}");
        assert!(paths.contains(&"publishers[0].count"), "{paths:?}");
        assert_eq!(p.begin_run(), Err(RunRefused::Invalid));
        assert_eq!(p.run.phase(), Phase::Invalid);
        assert_eq!(p.run.problems.len(), 2);

        p.edit("{\"version\": 1, ");
        assert!(p.editor.problems[0].message.starts_with("this is not JSON yet"));
        assert!(
            p.layout.nodes.len() < nodes,
            "the last scenario that parsed stays drawn"
        );
        assert_eq!(p.editor.example, None);
    }

    #[test]
    fn export_names() {
        let mut p = Playground::new();
        assert_eq!(p.editor.file_name(), "confirms.json");
        p.edit(r#"{"version": 1, "name": "My Own: test!"}"#);
        assert_eq!(p.editor.file_name(), "my-own-test.json");
    }
}
