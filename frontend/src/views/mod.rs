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

use crate::i18n::Lang;
use leptos::prelude::*;
use warren_shared::{Outcome, Problem};

/// The page's language (see [`crate::i18n`]), provided by [`crate::PlaygroundView`].
pub fn lang() -> RwSignal<Lang> {
    use_context::<RwSignal<Lang>>().unwrap_or_else(|| RwSignal::new(Lang::En))
}

/// Words for how a run ended.
pub fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Completed => "completed",
        Outcome::Stopped => "stopped",
        Outcome::TimeLimit => "time limit reached",
        Outcome::Refused => "refused by RabbitMQ",
        Outcome::Failed => "failed",
    }
}

/// One problem as a list item: its path (or "(document)") and what is wrong.
pub fn problem_item(problem: Problem, testid: &'static str) -> impl IntoView {
    let path = if problem.path.is_empty() {
        "(document)".to_owned()
    } else {
        problem.path
    };
    view! {
        <li data-testid=testid>
            <code class="path">{path}</code>
            " "
            {problem.message}
        </li>
    }
}

/// The scenario's text, as a memo: what depends on the text alone reruns when it is edited,
/// not when the selection changes or a box is dragged.
pub fn scenario_text(pg: crate::playground::Playground) -> Memo<String> {
    Memo::new(move |_| pg.doc.with(|d| d.editor.text.clone()))
}
