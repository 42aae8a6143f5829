//! The playground's state as the page holds it, in signals split by how often they change: the
//! [`Document`] (the scenario, its drawing, the selection and the history: it changes when the
//! user edits) and the [`RunRecord`] (up to ten times a second during a run, every frame of a
//! replay). The connection is a third signal, [`crate::model::state::Status`], and
//! [`crate::inbox`] feeds all of them from the relay.
//!
//! [`Playground`] is the pair, copied freely into components, with what touches both: a run
//! locks the document, loading a scenario forgets the run, a new drawing restarts the run's
//! traffic per edge, Run turns the document into a run, and a replay shows the recorded run.

use crate::frame::{AnimLoop, Record};
use crate::i18n::{Lang, Text};
use crate::model::document::{Document, RunRefused};
use crate::model::edit::{self, Element};
use crate::model::layout::Layout;
use crate::model::run::RunRecord;
use leptos::prelude::*;
use std::rc::Rc;
use warren_shared::{Event, Limits, Scenario};

/// Why the canvas and the forms refuse to change the scenario during a run.
fn locked() -> &'static str {
    Text::Locked.text(Lang::En)
}

/// The document and the run, each in a signal of its own.
#[derive(Debug, Clone, Copy)]
pub struct Playground {
    /// The scenario being edited, with its drawing, selection and history.
    pub doc: RwSignal<Document>,
    /// The current or last run.
    pub run: RwSignal<RunRecord>,
    /// Why the scenario may not be changed, when it is shown read-only (a learner's attempt on
    /// the instructor's page); loading another scenario ends it.
    pub read_only: RwSignal<Option<String>>,
}

impl Playground {
    /// `doc`, and no run yet.
    pub fn new(doc: Document) -> Self {
        Self {
            doc: RwSignal::new(doc),
            run: RwSignal::new(RunRecord::default()),
            read_only: RwSignal::new(None),
        }
    }

    /// Whether a run is going on, which locks the document (not tracked).
    pub fn busy(self) -> bool {
        self.run.with_untracked(|r| r.phase().active())
    }

    /// The drawing now (not tracked).
    pub fn layout(self) -> Layout {
        self.doc.with_untracked(|d| d.layout.clone())
    }

    /// Change the document unless a run is going on. A new drawing clears what the last run
    /// shows on the canvas: it was counted on the boxes and edges of the old one.
    fn unlocked<R>(self, change: impl FnOnce(&mut Document) -> R) -> Option<R> {
        if self.busy() {
            return None;
        }
        let (result, redrawn) = self.doc.try_update(|d| {
            let drawing = d.drawing;
            let result = change(d);
            (result, (d.drawing != drawing).then_some(d.layout.edges.len()))
        })?;
        if let Some(edges) = redrawn {
            self.run.update(|r| r.forget_drawing(edges));
        }
        Some(result)
    }

    /// Like [`Self::unlocked`], saying in [`Document::edit_error`] why nothing changed during a run.
    fn editable<R>(self, change: impl FnOnce(&mut Document) -> Option<R>) -> Option<R> {
        let why = match self.read_only.get_untracked() {
            Some(why) => Some(why),
            None => self.busy().then(|| locked().to_owned()),
        };
        if let Some(why) = why {
            self.doc.update(|d| d.edit_error = Some(why));
            return None;
        }
        self.unlocked(change).flatten()
    }

    /// Load into the document, forgetting the run; `false` when nothing was loaded.
    fn load(self, load: impl FnOnce(&mut Document) -> bool) -> bool {
        let loaded = self.unlocked(load) == Some(true);
        if loaded {
            self.run.set(RunRecord::default());
            self.read_only.set(None);
        }
        loaded
    }

    /// Load a gallery example; `false` when there is none by that stem or a run is going on.
    pub fn load_example(self, stem: &str) -> bool {
        self.load(|d| d.load_example(stem))
    }

    /// Load a scenario's text; `false` while a run is going on.
    pub fn load_text(self, text: &str) -> bool {
        self.load(|d| d.load_text(text))
    }

    /// Open a link's fragment; `false` when it carries no scenario or a run is going on.
    pub fn open_link(self, fragment: &str) -> bool {
        self.load(|d| d.open_link(fragment))
    }

    /// The user edited the JSON (ignored while a run is going on).
    pub fn edit(self, text: &str) {
        if self.read_only.with_untracked(Option::is_none) {
            self.unlocked(|d| d.edit(text));
        }
    }

    /// Import a scenario's JSON text; an error says why nothing was loaded.
    pub fn import(self, text: &str) -> Result<(), String> {
        if self.busy() {
            return Err(Text::ImportDuringRun.text(Lang::En).to_owned());
        }
        let imported = self.unlocked(|d| d.import(text)).unwrap_or(Ok(()));
        if imported.is_ok() {
            self.read_only.set(None);
        }
        imported
    }

    /// Change the scenario from the canvas or a form (see [`Document::change_in`]); refused
    /// during a run.
    pub fn change<R>(self, change: impl FnOnce(&mut Scenario) -> R) -> Option<R> {
        self.change_in(None, change)
    }

    /// [`Self::change`] as part of typing into `group` (a form field).
    pub fn change_in<R>(self, group: Option<&str>, change: impl FnOnce(&mut Scenario) -> R) -> Option<R> {
        self.editable(|d| d.change_in(group, change))
    }

    /// Like [`Self::change`] for a change that may be refused with a reason.
    pub fn try_change<R>(self, change: impl FnOnce(&mut Scenario) -> Result<R, String>) -> Option<R> {
        self.try_change_in(None, change)
    }

    /// [`Self::try_change`] as part of typing into `group`.
    pub fn try_change_in<R>(
        self,
        group: Option<&str>,
        change: impl FnOnce(&mut Scenario) -> Result<R, String>,
    ) -> Option<R> {
        self.editable(|d| d.try_change_in(group, change))
    }

    /// Remove what is selected, with its bindings; `false` when nothing is (or nothing changed).
    pub fn delete_selected(self) -> bool {
        let Some(element) = self.doc.with_untracked(|d| d.selected.clone()) else {
            return false;
        };
        self.change(|s| edit::remove(s, &element)).is_some()
    }

    /// Go back one step; `false` when there is none or a run is going on.
    pub fn undo(self) -> bool {
        self.unlocked(Document::undo) == Some(true)
    }

    /// Go forward one undone step.
    pub fn redo(self) -> bool {
        self.unlocked(Document::redo) == Some(true)
    }

    /// Select `element` (or nothing).
    pub fn select(self, element: Option<Element>) {
        self.doc.update(|d| d.selected = element);
    }

    /// The relay's limits replace the ones the scenario is checked against.
    pub fn set_limits(self, limits: &Limits) {
        if self.doc.with_untracked(|d| d.limits != *limits) {
            self.doc.update(|d| d.set_limits(limits.clone()));
        }
    }

    /// Prepare a run: the document to send, or why not (an invalid scenario's problems go into
    /// the run record).
    pub fn begin_run(self) -> Result<serde_json::Value, RunRefused> {
        if self.busy() {
            return Err(RunRefused::Busy);
        }
        match self.doc.with_untracked(Document::runnable) {
            Ok((value, scenario)) => {
                self.doc
                    .with_untracked(|d| self.run.update(|r| r.start(scenario, &d.layout)));
                Ok(value)
            }
            Err(problems) => {
                self.run.update(|r| {
                    *r = RunRecord::default();
                    r.invalid(problems);
                });
                Err(RunRefused::Invalid)
            }
        }
    }

    /// A live run's events, into the run record (shown as the animation reaches them).
    pub fn append(self, events: Vec<Event>) {
        self.run.update(|r| r.append(events));
    }

    /// Show the finished run as it was at run time `t_ms` and let `anim` animate it from there.
    /// Nothing happens during a run or before the first.
    pub fn seek(self, anim: &Rc<AnimLoop>, t_ms: f64) {
        let end = self
            .run
            .with_untracked(|r| (!r.phase().active() && !r.events.is_empty()).then(|| r.end_ms() as f64));
        if let Some(end) = end {
            anim.seek(t_ms, end);
        }
    }

    /// Show a run recorded elsewhere (a learner's attempt): `scenario`'s text in the document,
    /// read-only for the reason `why`, and its events, summary and checks as its run, replayed
    /// from the start. `false` when the scenario could not be loaded (a run is going on).
    pub fn show_recorded(self, anim: &Rc<AnimLoop>, scenario: &str, recorded: Recorded, why: String) -> bool {
        if !self.load_text(scenario) {
            return false;
        }
        let Some(parsed) = self.doc.with_untracked(|d| d.editor.scenario.clone()) else {
            return false;
        };
        self.doc.with_untracked(|d| {
            self.run.update(|r| {
                r.start(parsed, &d.layout);
                r.accepted(recorded.run_id);
                r.append(recorded.events);
                r.finished(recorded.outcome, recorded.summary, recorded.checks);
            });
        });
        self.read_only.set(Some(why));
        anim.reset(self.layout());
        self.replay(anim);
        true
    }

    /// Replay the finished run from its start, without the relay.
    pub fn replay(self, anim: &Rc<AnimLoop>) {
        self.seek(anim, 0.0);
        anim.set_paused(false);
    }
}

/// A run recorded by the relay, to show with [`Playground::show_recorded`].
pub struct Recorded {
    /// Its id.
    pub run_id: String,
    /// Every event, in order.
    pub events: Vec<Event>,
    /// How it ended.
    pub outcome: warren_shared::Outcome,
    /// The relay's summary.
    pub summary: warren_shared::Summary,
    /// The exercise's checks, as the relay decided them.
    pub checks: Vec<warren_shared::CheckResult>,
}

/// The run record as the animation reads it: a replay takes its events, and the record shows
/// the run as it was at the animation's playhead.
impl Record for Playground {
    fn index_at(&self, from: usize, t_ms: f64) -> usize {
        self.run.with_untracked(|r| r.index_at(from, t_ms))
    }

    fn events(&self, range: std::ops::Range<usize>, with: &mut dyn FnMut(&[Event])) {
        self.run.with_untracked(|r| {
            let end = range.end.min(r.events.len());
            if let Some(events) = r.events.get(range.start..end) {
                with(events);
            }
        });
    }

    fn recorded(&self) -> usize {
        self.run.with_untracked(|r| r.events.len())
    }

    fn show(&self, upto: usize) {
        let moves = self.run.with_untracked(|r| upto.min(r.events.len()) != r.shown);
        if moves {
            self.doc.with_untracked(|d| {
                self.run.update(|r| {
                    r.show_to(upto, &d.layout);
                });
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layout::NodeKind;
    use crate::model::run::Phase;

    fn phase(pg: Playground) -> Phase {
        pg.run.with_untracked(RunRecord::phase)
    }

    #[test]
    fn a_run_locks_the_document_and_loading_forgets_the_run() {
        let pg = Playground::new(Document::new());
        let value = pg.begin_run().expect("runs");
        assert_eq!(value["name"], "Publisher confirms");
        assert_eq!(phase(pg), Phase::Starting);
        assert_eq!(pg.begin_run(), Err(RunRefused::Busy));
        assert!(!pg.load_example("returns"), "no switching during a run");
        assert!(!pg.undo());
        assert_eq!(pg.change(|s| edit::add(s, NodeKind::Queue, None)), None);
        assert_eq!(
            pg.doc.with_untracked(|d| d.edit_error.clone()).as_deref(),
            Some(locked())
        );
        assert!(pg.import("{}").is_err());

        pg.run.update(|r| r.failed("gone".to_owned()));
        assert!(pg.load_example("returns"));
        assert_eq!(phase(pg), Phase::Idle, "the run is forgotten");
    }

    #[test]
    fn a_new_drawing_restarts_the_traffic_and_problems_block_the_run() {
        let pg = Playground::new(Document::new());
        let edges = pg.layout().edges.len();
        pg.run.update(|r| {
            r.edge_traffic = vec![7; edges];
            r.counts.per_consumer.insert("consumer".into(), 7);
        });
        pg.select(None);
        assert_eq!(
            pg.run.with_untracked(|r| r.edge_traffic.clone()),
            vec![7; edges],
            "the same drawing"
        );
        assert!(pg.change(|s| edit::add(s, NodeKind::Queue, None)).is_some());
        assert_eq!(
            pg.run.with_untracked(|r| r.edge_traffic.clone()),
            vec![0; pg.layout().edges.len()]
        );
        assert!(
            pg.run.with_untracked(|r| r.counts.per_consumer.is_empty()),
            "the boxes' counts go with the old drawing"
        );

        pg.edit(r#"{"version": 1, "publishers": [{"name": "p", "exchange": "nope", "count": 0}]}"#);
        assert_eq!(pg.begin_run(), Err(RunRefused::Invalid));
        assert_eq!(phase(pg), Phase::Invalid);
        assert_eq!(pg.run.with_untracked(|r| r.problems.len()), 2);
    }

    #[test]
    fn a_read_only_scenario_refuses_edits_in_the_readers_language_until_another_is_loaded() {
        use crate::i18n::texts;
        let pg = Playground::new(Document::new());
        let why = Text::AttemptReadOnly.text(Lang::En);
        pg.read_only.set(Some(why.to_owned()));
        assert_eq!(pg.change(|s| edit::add(s, NodeKind::Queue, None)), None);
        let refused = pg.doc.with_untracked(|d| d.edit_error.clone()).unwrap_or_default();
        assert_eq!(refused, why);
        assert_eq!(texts::notice(&refused, Lang::Zh), Text::AttemptReadOnly.text(Lang::Zh));

        assert!(pg.load_example("returns"));
        assert_eq!(pg.read_only.get_untracked(), None, "another scenario ends it");
        assert!(pg.change(|s| edit::add(s, NodeKind::Queue, None)).is_some());
    }
}
