//! The document: the scenario being edited as text, with what the page makes of it (the parsed
//! scenario, its problems, its layout) and what the user does to it (the selection, changes from
//! the canvas and the forms, undo and redo, links and imports).
//!
//! It knows nothing of runs: [`crate::playground::Playground`] keeps it locked while one is going
//! on. Components change it only through these methods.

use crate::gallery::{self, Example};
use crate::i18n::{Lang, Text};
use crate::model::edit::Element;
use crate::model::exercise::locks;
use crate::model::layout::{Layout, layout};
use crate::share;
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
                    message: format!("{}{error}", Text::NotJsonYet.text(Lang::En)),
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

/// A scenario being changed by the builder, with what its exercise locks.
struct Changing {
    /// The locked paths and the scenario as JSON before the change; none without an exercise.
    before: Option<(Vec<String>, serde_json::Value)>,
    /// The scenario the change is made to.
    scenario: Scenario,
}

/// Why Run did not send anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunRefused {
    /// A run is going on.
    Busy,
    /// The scenario has problems (now in the run's `problems`).
    Invalid,
}

/// The scenario being edited, with what the page makes of it and does to it: everything that
/// changes when the user edits, and only then.
#[derive(Debug)]
pub struct Document {
    /// The scenario being edited.
    pub editor: Editor,
    /// Its layout (of the last scenario that parsed).
    pub layout: Layout,
    /// How many times [`Document::layout`] was replaced: traffic counted per edge belongs to one
    /// drawing.
    pub drawing: u64,
    /// The relay's limits (defaults until the hello).
    pub limits: Limits,
    /// Why the link the page was opened with could not be opened (see [`crate::share`]).
    pub share_error: Option<crate::share::ShareError>,
    /// What the inspector edits and Delete removes.
    pub selected: Option<Element>,
    /// Undo and redo.
    pub history: History,
    /// Why the last change from the canvas or a form was not made, for the user.
    pub edit_error: Option<String>,
}

impl Document {
    /// The document with the default example loaded.
    pub fn new() -> Self {
        let limits = Limits::default();
        let mut document = Self {
            editor: Editor::new("{}", &limits),
            layout: Layout::default(),
            drawing: 0,
            limits,
            share_error: None,
            selected: None,
            history: History::default(),
            edit_error: None,
        };
        document.load_example(gallery::DEFAULT_EXAMPLE);
        // The page opens with the example; there is nothing before it to go back to.
        document.history = History::default();
        document
    }

    /// The document a page opened at `fragment` shows: the default example when the fragment
    /// carries no scenario, the linked scenario, or an empty one with [`Document::share_error`]
    /// set when the link cannot be opened.
    pub fn opened_at(fragment: &str) -> Self {
        let mut document = Self::new();
        document.open_link(fragment);
        document.history = History::default();
        document
    }

    /// The document a page opened at `fragment` shows when the browser kept `stored` (the
    /// scenario's text as the user last had it): a link wins over stored work, and stored work
    /// over the default example.
    pub fn opened_with(fragment: &str, stored: Option<&str>) -> Self {
        let mut document = Self::opened_at(fragment);
        if share::shared_in(fragment).is_none()
            && let Some(text) = stored.filter(|t| !t.trim().is_empty())
        {
            document.load_text(text);
            // Unchanged since it was loaded, it is still that example.
            document.editor.example = gallery::examples().into_iter().find(|e| e.json == text).map(|e| e.stem);
            document.history = History::default();
        }
        document
    }

    /// Load a gallery example; `false` when there is none by that stem.
    pub fn load_example(&mut self, stem: &str) -> bool {
        let Some(example) = gallery::example(stem) else {
            return false;
        };
        self.history.record(&self.editor.text.clone(), None);
        self.selected = None;
        self.share_error = None;
        self.editor.set_text(example.json, &self.limits);
        self.editor.example = Some(example.stem);
        self.relayout();
        true
    }

    /// Load a scenario's text (from a link or New).
    pub fn load_text(&mut self, text: &str) -> bool {
        self.history.record(&self.editor.text.clone(), None);
        self.selected = None;
        self.editor.set_text(text, &self.limits);
        self.relayout();
        true
    }

    /// Open a link's fragment; `false` when it carries no scenario.
    pub fn open_link(&mut self, fragment: &str) -> bool {
        match share::shared_in(fragment) {
            None => false,
            Some(Ok((document, _))) => {
                self.load_text(&serde_json::to_string_pretty(&document).unwrap_or_default());
                self.share_error = None;
                true
            }
            Some(Err(error)) => {
                self.load_text(share::EMPTY_SCENARIO);
                self.share_error = Some(error);
                true
            }
        }
    }

    /// The gallery entry being shown, while its text is unchanged.
    pub fn example(&self) -> Option<Example> {
        self.editor.example.and_then(gallery::example)
    }

    /// The user edited the JSON.
    pub fn edit(&mut self, text: &str) {
        if text == self.editor.text {
            return;
        }
        self.history.record(&self.editor.text.clone(), Some("json"));
        self.editor.set_text(text, &self.limits);
        self.forget_missing_selection();
        self.relayout();
    }

    /// Import a scenario's JSON text, kept as written; an error says why nothing was loaded.
    pub fn import(&mut self, text: &str) -> Result<(), String> {
        share::check_import(text)?;
        self.edit(text);
        Ok(())
    }

    /// The editor's text as a document, when it is a scenario now (not only the last text
    /// that parsed): what a link carries.
    pub fn current_document(&self) -> Option<serde_json::Value> {
        share::document_of(&self.editor.text)
    }

    /// The scenario the text holds now, when it parses (validation problems allowed): what the
    /// builder changes. `None` while the JSON is broken.
    pub fn current_scenario(&self) -> Option<Scenario> {
        let value = serde_json::from_str::<serde_json::Value>(&self.editor.text).ok()?;
        parse_scenario(&value).ok()
    }

    /// Change the scenario from the canvas or a form: `change` edits a copy, the JSON is written
    /// anew from it, and the step can be undone. Refused (with [`Document::edit_error`]) while
    /// the JSON does not parse, so typed text is never thrown away.
    pub fn change<R>(&mut self, change: impl FnOnce(&mut Scenario) -> R) -> Option<R> {
        self.change_in(None, change)
    }

    /// [`Document::change`] as part of typing into `group` (a form field): consecutive
    /// changes of the same group are one undo step. A change that touches a locked part of the
    /// scenario's exercise is refused with the paths it touched.
    pub fn change_in<R>(&mut self, group: Option<&str>, change: impl FnOnce(&mut Scenario) -> R) -> Option<R> {
        let mut changing = self.changing()?;
        let result = change(&mut changing.scenario);
        self.commit(group, changing).then_some(result)
    }

    /// The scenario a change starts from, with what its exercise locks (the paths, and the
    /// scenario as JSON to compare with); `None`, with [`Document::edit_error`], while the text
    /// is not a scenario. Not generic, like [`Document::commit`], so that the page has one copy.
    fn changing(&mut self) -> Option<Changing> {
        let Some(scenario) = self.current_scenario() else {
            self.edit_error = Some(Text::FixJsonFirst.text(Lang::En).to_owned());
            return None;
        };
        let locked = locks::locked_paths(&scenario);
        let before = (!locked.is_empty())
            .then(|| serde_json::to_value(&scenario).ok().map(|before| (locked, before)))
            .flatten();
        Some(Changing { before, scenario })
    }

    /// Write a changed scenario as the document's text (an undo step of `group`); `false`, with
    /// [`Document::edit_error`], when the change touched a locked part of the exercise or the
    /// scenario cannot be written.
    fn commit(&mut self, group: Option<&str>, Changing { before, mut scenario }: Changing) -> bool {
        crate::model::edit::prune_positions(&mut scenario);
        // Through a document: the page keeps one copy of the scenario's serde code.
        let written = serde_json::to_value(&scenario).and_then(|doc| {
            let touched = before
                .map(|(locked, before)| locks::touched(&locked, &before, &doc))
                .unwrap_or_default();
            Ok((serde_json::to_string_pretty(&doc)?, touched))
        });
        let text = match written {
            Ok((_, touched)) if !touched.is_empty() => {
                self.edit_error = Some(format!(
                    "{}{}",
                    Text::LockedInExercise.text(Lang::En),
                    touched.join(", ")
                ));
                return false;
            }
            Ok((text, _)) => text,
            Err(error) => {
                self.edit_error = Some(format!("{}{error}", Text::CannotWriteJson.text(Lang::En)));
                return false;
            }
        };
        self.edit_error = None;
        if text != self.editor.text {
            self.history.record(&self.editor.text.clone(), group);
            self.editor.set_text(&text, &self.limits);
            self.forget_missing_selection();
            self.relayout();
        }
        true
    }

    /// Like [`Document::change`] for a change that may be refused with a reason.
    pub fn try_change<R>(&mut self, change: impl FnOnce(&mut Scenario) -> Result<R, String>) -> Option<R> {
        self.try_change_in(None, change)
    }

    /// [`Document::try_change`] as part of typing into `group`.
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

    /// Go back one step; `false` when there is none.
    pub fn undo(&mut self) -> bool {
        self.travel(true)
    }

    /// Go forward one undone step.
    pub fn redo(&mut self) -> bool {
        self.travel(false)
    }

    fn travel(&mut self, back: bool) -> bool {
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

    /// The page's language changed: boxes are sized for the words they show.
    pub fn language_changed(&mut self) {
        self.relayout();
    }

    fn relayout(&mut self) {
        if let Some(scenario) = &self.editor.scenario {
            let next = layout(scenario);
            if next != self.layout {
                self.layout = next;
                self.drawing += 1;
            }
        }
    }

    /// What Run sends (the document) and runs (the scenario), or the problems that stop it.
    pub fn runnable(&self) -> Result<(serde_json::Value, Scenario), Vec<Problem>> {
        match (self.editor.value(), &self.editor.scenario) {
            (Some(value), Some(scenario)) if self.editor.problems.is_empty() => Ok((value, scenario.clone())),
            _ => Err(self.editor.problems.clone()),
        }
    }
}

impl Default for Document {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_example_is_loaded_and_runnable() {
        let d = Document::new();
        assert_eq!(d.editor.example, Some("confirms"));
        assert!(d.editor.problems.is_empty());
        assert!(!d.layout.nodes.is_empty());
        let (value, scenario) = d.runnable().expect("runs");
        assert_eq!(value["name"], "Publisher confirms");
        assert_eq!(scenario.name, "Publisher confirms");
    }

    #[test]
    fn problems_are_shown_with_paths_as_you_type_and_block_the_run() {
        let mut d = Document::new();
        let nodes = d.layout.nodes.len();
        d.edit(r#"{"version": 1, "publishers": [{"name": "p", "exchange": "nope", "count": 0}]}"#);
        let paths: Vec<&str> = d.editor.problems.iter().map(|pr| pr.path.as_str()).collect();
        assert!(paths.contains(&"publishers[0].exchange"), "{paths:?}");
        assert!(paths.contains(&"publishers[0].count"), "{paths:?}");
        assert_eq!(d.runnable().map(|_| ()).map_err(|p| p.len()), Err(2));

        d.edit("{\"version\": 1, ");
        assert!(d.editor.problems[0].message.starts_with("this is not JSON yet"));
        assert!(
            d.layout.nodes.len() < nodes,
            "the last scenario that parsed stays drawn"
        );
        assert_eq!(d.editor.example, None);
    }

    #[test]
    fn changes_are_written_as_json_and_undone_and_redone() {
        use crate::model::edit;
        use crate::model::layout::NodeKind;
        let mut d = Document::new();
        let original = d.editor.text.clone();
        let drawing = d.drawing;
        let added = d.change(|s| edit::add(s, NodeKind::Queue, None)).expect("changed");
        assert_eq!(added, Element::Node(NodeKind::Queue, "queue-1".into()));
        assert!(d.editor.text.contains("\"queue-1\""));
        assert!(d.layout.find(NodeKind::Queue, "queue-1").is_some(), "drawn at once");
        assert!(d.drawing > drawing, "a new drawing");
        d.selected = Some(added.clone());
        assert!(d.change(|s| edit::remove(s, &added)).is_some());
        assert_eq!(d.selected, None, "the deleted element is no longer selected");
        assert!(d.undo() && d.undo());
        assert_eq!(d.editor.text, original);
        assert!(!d.undo(), "nothing before the example");
        assert!(d.redo());
        assert!(d.editor.text.contains("\"queue-1\""));

        // Typing is one undo step however many keys it takes; broken JSON is never overwritten.
        let before = d.editor.text.clone();
        d.edit("{");
        d.edit("{\"version\": 1");
        assert_eq!(d.change(|s| edit::add(s, NodeKind::Exchange, None)), None);
        assert!(d.edit_error.as_deref().unwrap_or_default().contains("does not parse"));
        assert!(d.undo());
        assert_eq!(d.editor.text, before);
        assert!(!d.history.can_redo() || d.redo());
    }

    #[test]
    fn the_builder_refuses_to_change_an_exercises_locked_parts_and_says_which() {
        use crate::model::edit;
        use crate::model::layout::NodeKind;
        let mut d = Document::new();
        d.load_text(include_str!("../../../examples/exercises/01-confirms.json"));
        let start = d.editor.text.clone();
        assert_eq!(d.change(|s| s.publishers[0].count = 5), None);
        assert_eq!(
            d.edit_error.as_deref(),
            Some("locked in this exercise (its checks count on it): publishers/producer/count")
        );
        let producer = Element::Node(NodeKind::Publisher, "producer".into());
        assert_eq!(d.change(|s| edit::remove(s, &producer)), None, "which publishers exist");
        assert_eq!(
            d.try_change(|s| edit::connect(s, (NodeKind::Publisher, "producer"), (NodeKind::Exchange, ""))),
            None
        );
        assert!(
            d.edit_error
                .as_deref()
                .unwrap_or_default()
                .ends_with("publishers/producer/exchange")
        );
        assert_eq!(d.editor.text, start, "nothing changed");
        assert!(
            d.change(|s| edit::add(s, NodeKind::Queue, None)).is_some(),
            "what is not locked"
        );
        assert_eq!(d.edit_error, None);
        // Typed JSON is the learner's own: the relay refuses a run of a changed locked part.
        d.edit(&start.replace("\"count\": 100", "\"count\": 5"));
        assert!(d.editor.text.contains("\"count\": 5"));
    }

    #[test]
    fn export_names() {
        let mut d = Document::new();
        assert_eq!(d.editor.file_name(), "confirms.json");
        d.edit(r#"{"version": 1, "name": "My Own: test!"}"#);
        assert_eq!(d.editor.file_name(), "my-own-test.json");
    }

    #[test]
    fn a_link_wins_over_stored_work_and_stored_work_over_the_first_example() {
        let stored = r#"{"version": 1, "name": "Mine"}"#;
        let d = Document::opened_with("", Some(stored));
        assert_eq!(d.editor.text, stored);
        assert_eq!(d.editor.example, None);
        assert!(!d.history.can_undo(), "nothing before what the page opened with");

        let link = format!(
            "#{}",
            share::encode(&gallery::example("returns").and_then(|e| e.scenario()).expect("example"))
        );
        let d = Document::opened_with(&link, Some(stored));
        assert!(d.editor.text.contains("\"mandatory\""), "the link's scenario");

        let d = Document::opened_with("", None);
        assert_eq!(d.editor.example, Some(gallery::DEFAULT_EXAMPLE));
        let d = Document::opened_with("", Some("  "));
        assert_eq!(d.editor.example, Some(gallery::DEFAULT_EXAMPLE));

        let example = gallery::example("nack").expect("example");
        let d = Document::opened_with("", Some(example.json));
        assert_eq!(
            d.editor.example,
            Some("nack"),
            "an unchanged example is still that example"
        );
    }

    #[test]
    fn loading_an_example_or_a_new_scenario_can_be_undone() {
        let mut d = Document::new();
        d.edit(r#"{"version": 1, "name": "Mine"}"#);
        let mine = d.editor.text.clone();
        assert!(d.load_example("returns"));
        assert!(d.undo());
        assert_eq!(d.editor.text, mine, "the work before the example is back");
        assert!(d.load_text(share::EMPTY_SCENARIO));
        assert!(d.undo());
        assert_eq!(d.editor.text, mine, "the work before New is back");
        assert!(d.redo());
        assert_eq!(d.editor.text, share::EMPTY_SCENARIO);
    }
}
