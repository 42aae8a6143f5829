//! Exercises in the page: the course in the gallery's Exercises tab, and the exercise being done
//! above the canvas. Both are loaded on demand ([`super::on_demand!`]): they read the exercise
//! with `warren_shared::exercise`, which the first load does not carry.
//!
//! - here: [`Learning`], what the two share, made by [`crate::PlaygroundView`]; the lock icon the
//!   canvas and the timeline draw on locked parts.
//! - [`list`]: the Exercises tab: the course in order, each with its state, and the progress bar.
//! - [`bar`]: the task above the canvas: title, task, hints, Check, Hint, Reset and Show
//!   solution; [`results`]: the checks the relay decided; [`solution`]: the solution as a list of
//!   differences, and loading it.

pub mod bar;
pub mod list;
pub mod results;
pub mod solution;

use crate::keep;
use crate::model::exercise::progress::{Progress, STORAGE_KEY};
use crate::playground::Playground;
use leptos::prelude::*;

/// What the Exercises tab and the task above the canvas share.
#[derive(Clone, Copy)]
pub struct Learning {
    /// Whether the gallery shows the course (else the examples).
    pub shown: RwSignal<bool>,
    /// The learner's progress, read from storage by the first part that needs it.
    pub progress: RwSignal<Option<Progress>>,
    /// An exercise of the course to open once the course is here (a link's `#exercise=<id>`).
    pub pending: RwSignal<Option<String>>,
    /// Open a scenario's text in the document (undoable), as loading an example does.
    pub open: Callback<String>,
    /// In a workshop room, its exercises in its order, each with the solution the room has shown
    /// or why it has not (yet): the bar numbers an exercise as the room does ("1 of 2"), and shows
    /// the room's solution. None outside a room, where an exercise carries its own solution and
    /// has its place in the course.
    pub room_exercises: RwSignal<Option<Vec<RoomExercise>>>,
}

/// One exercise of a workshop room, as the task above the canvas sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomExercise {
    /// Its id.
    pub id: String,
    /// The solution the room has shown, or why it has not (yet).
    pub solution: Result<serde_json::Value, warren_shared::exercise::Text>,
}

impl Learning {
    /// The state of a page showing `pg`, opened at `fragment`, that opens texts with `open`: the
    /// course is shown when the page opens on an exercise or a link names one.
    pub fn new(pg: Playground, fragment: &str, open: Callback<String>) -> Self {
        let pending = crate::share::exercise_in(fragment).map(str::to_owned);
        let on_exercise = pg.doc.with_untracked(|d| exercise_id(d).is_some());
        Self {
            shown: RwSignal::new(pending.is_some() || on_exercise),
            progress: RwSignal::new(None),
            pending: RwSignal::new(pending),
            open,
            room_exercises: RwSignal::new(None),
        }
    }

    /// Open the course's exercise `id` (shown in the Exercises tab).
    pub fn open_course_exercise(self, id: &str) {
        self.pending.set(Some(id.to_owned()));
        self.shown.set(true);
    }

    /// Read the progress from storage, unless it is here already.
    fn ensure_progress(self) {
        if self.progress.with_untracked(Option::is_none) {
            let kept = keep::load(STORAGE_KEY).unwrap_or_default();
            self.progress.set(Some(Progress::from_json(&kept)));
        }
    }

    /// Change the progress and keep it.
    fn update_progress(self, change: impl FnOnce(&mut Progress)) {
        self.ensure_progress();
        self.progress.update(|p| {
            if let Some(p) = p {
                change(p);
                keep::store(STORAGE_KEY, &p.to_json());
            }
        });
    }
}

/// The id of the exercise the document holds, if it holds one.
pub fn exercise_id(d: &crate::Document) -> Option<String> {
    let exercise = d.editor.scenario.as_ref()?.exercise.as_ref()?;
    exercise.get("id")?.as_str().map(str::to_owned)
}

/// The title of the document's exercise in `lang`, while the scenario is named by its English
/// title.
pub fn title_in(d: &crate::Document, name: &str, lang: crate::Lang) -> Option<String> {
    let title = d.editor.scenario.as_ref()?.exercise.as_ref()?.get("title")?;
    (title.get("en")?.as_str()? == name).then_some(())?;
    title.get(lang.code())?.as_str().map(str::to_owned)
}

/// A padlock, drawn on what an exercise locks; `title` says what.
pub fn lock_icon(title: impl Fn() -> String + Send + Sync + 'static, x: f64, y: f64) -> impl IntoView {
    view! {
        <svg class="lock-icon" data-testid="lock-mark" x=x y=y width="12" height="14" viewBox="0 0 12 14">
            <title>{title}</title>
            <path class="shackle" d="M3 6.5 V4.5 a3 3 0 0 1 6 0 V6.5"></path>
            <rect class="body" x="1" y="6.5" width="10" height="7" rx="1.5"></rect>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn the_document_names_its_exercise_and_its_title_follows_the_language() {
        let mut d = crate::Document::new();
        assert_eq!(exercise_id(&d), None);
        d.load_text(include_str!("../../../../examples/exercises/04-returns.json"));
        assert_eq!(exercise_id(&d).as_deref(), Some("returns"));
        assert_eq!(
            title_in(&d, "Lost unroutables", Lang::Zh).as_deref(),
            Some("悄悄消失的消息")
        );
        assert_eq!(
            title_in(&d, "Lost unroutables", Lang::En).as_deref(),
            Some("Lost unroutables")
        );
        assert_eq!(
            title_in(&d, "Renamed", Lang::Zh),
            None,
            "a renamed scenario keeps its name"
        );
    }
}
