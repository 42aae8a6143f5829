//! The playground's panes, one module each; [`crate::app`] puts them on the screen.
//!
//! - [`examples`]: the gallery of examples; [`palette`]: what can be added, undo and redo.
//! - [`share`]: the header's link to the scenario, the banner of a broken link, file import
//!   and export.
//! - [`canvas`]: the stage with the topology and the animation layer; [`advice`]: its notes
//!   before a run.
//! - [`editing`]: building on the canvas: select, move, connect, drop from the palette.
//! - [`inspector`]: About, the scenario's JSON, the relay; [`element_form`]: its Edit tab.
//! - [`log`]: the event log.
//! - [`summary`]: live counters and the run's summary.
//! - [`playback`]: speed, pause, replay and the scrubber.
//! - [`plot`]: each queue's depth over the run.
//! - [`timeline`]: the timeline editor: steps and faults in lanes, dragged in time.

pub mod advice;
pub mod canvas;
pub mod editing;
pub mod element_form;
pub mod examples;
pub mod inspector;
pub mod log;
pub mod palette;
pub mod playback;
pub mod plot;
pub mod share;
pub mod summary;
pub mod timeline;

use crate::i18n::{Lang, Text, texts};
use leptos::prelude::*;
use warren_shared::{Outcome, Problem};

/// The page's language (see [`crate::i18n`]), provided by [`crate::PlaygroundView`].
pub fn lang() -> RwSignal<Lang> {
    use_context::<RwSignal<Lang>>().unwrap_or_else(|| RwSignal::new(Lang::En))
}

/// A text of the catalogue as a reactive closure: it follows the language toggle.
pub fn tr(text: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = lang();
    move || text.text(lang.get())
}

/// A notice the page wrote in English (see [`texts::notice`]), following the language toggle.
pub fn notice(message: String) -> impl Fn() -> String + Send + Sync + 'static {
    let lang = lang();
    move || texts::notice(&message, lang.get())
}

/// Words for how a run ended, in `lang`.
pub fn outcome_text(outcome: Outcome, lang: Lang) -> &'static str {
    texts::outcome(outcome).text(lang)
}

/// One problem as a list item: its path (or "(document)") and what is wrong.
pub fn problem_item(problem: Problem, testid: &'static str) -> impl IntoView {
    let path = problem.path;
    let path = move || {
        if path.is_empty() {
            Text::Document.text(lang().get()).to_owned()
        } else {
            path.clone()
        }
    };
    view! {
        <li data-testid=testid>
            <code class="path">{path}</code>
            " "
            {notice(problem.message)}
        </li>
    }
}

/// The scenario's text, as a memo: what depends on the text alone reruns when it is edited,
/// not when the selection changes or a box is dragged.
pub fn scenario_text(pg: crate::playground::Playground) -> Memo<String> {
    Memo::new(move |_| pg.doc.with(|d| d.editor.text.clone()))
}
