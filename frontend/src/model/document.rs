//! The playground's state: the scenario being edited, its layout, and the run.
//!
//! Components read it through memos and change it only through these methods.

use crate::gallery::{self, Example};
use crate::model::edit::Element;
use crate::model::layout::{Layout, layout};
use crate::model::run::RunRecord;
use warren_shared::{Limits, Problem, Scenario, parse_scenario, validate};

/// Most undo steps kept.
const HISTORY_DEPTH: usize = 200;

/// Earlier and later texts of the scenario, for undo and redo.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    past: Vec<String>,
    future: Vec<String>,
    /// What the last change was typed into (the JSON, or one field of a form): more typing
    /// there joins the same undo step.
    group: Option<String>,
}

impl History {
    fn record(&mut self, before: &str, group: Option<&str>) {
        if group.is_some() && group == self.group.as_deref() {
            return;
        }
        self.group = group.map(str::to_owned);
        if self.past.last().map(String::as_str) != Some(before) {
            self.past.push(before.to_owned());
            if self.past.len() > HISTORY_DEPTH {
                self.past.remove(0);
            }
        }
        self.future.clear();
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }
}

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
    /// What the inspector edits and Delete removes.
    pub selected: Option<Element>,
    /// Undo and redo.
    pub history: History,
    /// Why the last change from the canvas or a form was not made, for the user.
    pub edit_error: Option<String>,
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
            selected: None,
            history: History::default(),
            edit_error: None,
        };
        playground.load_example(gallery::DEFAULT_EXAMPLE);
        // The page opens with the example; there is nothing before it to go back to.
        playground.history = History::default();
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
        self.history.record(&self.editor.text.clone(), None);
        self.selected = None;
        self.share_error = None;
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
        self.history.record(&self.editor.text.clone(), None);
        self.selected = None;
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
        if self.run.phase().active() || text == self.editor.text {
            return;
        }
        self.history.record(&self.editor.text.clone(), Some("json"));
        self.editor.set_text(text, &self.limits);
        self.forget_missing_selection();
        self.relayout();
    }

    /// The scenario the text holds now, when it parses (validation problems allowed): what the
    /// builder changes. `None` while the JSON is broken.
    pub fn current_scenario(&self) -> Option<Scenario> {
        let value = serde_json::from_str::<serde_json::Value>(&self.editor.text).ok()?;
        parse_scenario(&value).ok()
    }

    /// Change the scenario from the canvas or a form: `change` edits a copy, the JSON is written
    /// anew from it, and the step can be undone. Refused (with [`Playground::edit_error`]) during
    /// a run and while the JSON does not parse, so typed text is never thrown away.
    pub fn change<R>(&mut self, change: impl FnOnce(&mut Scenario) -> R) -> Option<R> {
        self.change_in(None, change)
    }

    /// [`Playground::change`] as part of typing into `group` (a form field): consecutive
    /// changes of the same group are one undo step.
    pub fn change_in<R>(&mut self, group: Option<&str>, change: impl FnOnce(&mut Scenario) -> R) -> Option<R> {
        if self.run.phase().active() {
            self.edit_error = Some("the scenario cannot change during a run; stop it first".to_owned());
            return None;
        }
        let Some(mut scenario) = self.current_scenario() else {
            self.edit_error = Some("fix the scenario's JSON first: it does not parse as a scenario".to_owned());
            return None;
        };
        let result = change(&mut scenario);
        crate::model::edit::prune_positions(&mut scenario);
        // Through a document: the page keeps one copy of the scenario's serde code.
        let text = match serde_json::to_value(&scenario).and_then(|doc| serde_json::to_string_pretty(&doc)) {
            Ok(text) => text,
            Err(error) => {
                self.edit_error = Some(format!("the changed scenario cannot be written as JSON: {error}"));
                return None;
            }
        };
        self.edit_error = None;
        if text != self.editor.text {
            self.history.record(&self.editor.text.clone(), group);
            self.editor.set_text(&text, &self.limits);
            self.forget_missing_selection();
            self.relayout();
        }
        Some(result)
    }

    /// Like [`Playground::change`] for a change that may be refused with a reason.
    pub fn try_change<R>(&mut self, change: impl FnOnce(&mut Scenario) -> Result<R, String>) -> Option<R> {
        self.try_change_in(None, change)
    }

    /// [`Playground::try_change`] as part of typing into `group`.
    pub fn try_change_in<R>(
        &mut self,
        group: Option<&str>,
        change: impl FnOnce(&mut Scenario) -> Result<R, String>,
    ) -> Option<R> {
        let mut refused = None;
        let result = self.change_in(group, |s| {
            let mut attempt = s.clone();
            match change(&mut attempt) {
                Ok(value) => {
                    *s = attempt;
                    Some(value)
                }
                Err(why) => {
                    refused = Some(why);
                    None
                }
            }
        });
        if refused.is_some() {
            self.edit_error = refused;
        }
        result.flatten()
    }

    /// Go back one step; `false` when there is none (or a run is going on).
    pub fn undo(&mut self) -> bool {
        self.travel(true)
    }

    /// Go forward one undone step.
    pub fn redo(&mut self) -> bool {
        self.travel(false)
    }

    fn travel(&mut self, back: bool) -> bool {
        if self.run.phase().active() {
            return false;
        }
        let (from, to) = if back {
            (&mut self.history.past, &mut self.history.future)
        } else {
            (&mut self.history.future, &mut self.history.past)
        };
        let Some(text) = from.pop() else { return false };
        to.push(self.editor.text.clone());
        self.history.group = None;
        self.editor.set_text(&text, &self.limits);
        self.edit_error = None;
        self.forget_missing_selection();
        self.relayout();
        true
    }

    /// Remove what is selected; `false` when nothing is.
    pub fn delete_selected(&mut self) -> bool {
        let Some(element) = self.selected.clone() else {
            return false;
        };
        self.change(|s| crate::model::edit::remove(s, &element)).is_some()
    }

    fn forget_missing_selection(&mut self) {
        if let (Some(element), Some(scenario)) = (&self.selected, &self.editor.scenario)
            && !element.exists(scenario)
        {
            self.selected = None;
        }
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
    use crate::model::run::Phase;

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
    fn changes_are_written_as_json_and_undone_and_redone() {
        use crate::model::edit::{self, Element};
        use crate::model::layout::NodeKind;
        let mut p = Playground::new();
        let original = p.editor.text.clone();
        let added = p.change(|s| edit::add(s, NodeKind::Queue, None)).expect("changed");
        assert_eq!(added, Element::Node(NodeKind::Queue, "queue-1".into()));
        assert!(p.editor.text.contains("\"queue-1\""));
        assert!(p.layout.find(NodeKind::Queue, "queue-1").is_some(), "drawn at once");
        p.selected = Some(added);
        assert!(p.delete_selected());
        assert_eq!(p.selected, None, "the deleted element is no longer selected");
        assert!(p.undo() && p.undo());
        assert_eq!(p.editor.text, original);
        assert!(!p.undo(), "nothing before the example");
        assert!(p.redo());
        assert!(p.editor.text.contains("\"queue-1\""));

        // Typing is one undo step however many keys it takes; broken JSON is never overwritten.
        let before = p.editor.text.clone();
        p.edit("{");
        p.edit("{\"version\": 1");
        assert_eq!(p.change(|s| edit::add(s, NodeKind::Exchange, None)), None);
        assert!(p.edit_error.as_deref().unwrap_or_default().contains("does not parse"));
        assert!(p.undo());
        assert_eq!(p.editor.text, before);
        assert!(!p.history.can_redo() || p.redo());
    }

    #[test]
    fn export_names() {
        let mut p = Playground::new();
        assert_eq!(p.editor.file_name(), "confirms.json");
        p.edit(r#"{"version": 1, "name": "My Own: test!"}"#);
        assert_eq!(p.editor.file_name(), "my-own-test.json");
    }
}
