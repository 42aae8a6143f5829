//! The playground's panes, one module each; [`crate::app`] puts them on the screen.
//!
//! - [`examples`]: the gallery of examples, and its switch to the course; [`palette`]: what can
//!   be added, undo and redo.
//! - [`exercises`]: the course (the gallery's Exercises tab) and the exercise above the canvas.
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
//! - [`room`]: a workshop room's pages: the learner's join form and strip, the instructor's
//!   dashboard.

pub mod advice;
pub mod canvas;
pub mod editing;
pub mod element_form;
pub mod examples;
pub mod exercises;
pub mod inspector;
pub mod log;
pub mod palette;
pub mod playback;
pub mod plot;
pub mod room;
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

/// Declares a function whose code the page loads on demand, and `preload`, which fetches that code
/// ahead of the first call. With the `split` feature (the release page) the function's code goes
/// into a wasm file of its own (a split point of `wasm_split`, as Leptos's `#[lazy]` makes);
/// without it the function is an ordinary `async fn`. Callers `.await` it either way.
macro_rules! on_demand {
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block
        preload: $preload:ident
    ) => {
        $(#[$attr])*
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($name, wasm_split_path = ::leptos::wasm_split, preload($preload), fallible)]
        $vis fn $name($($arg: $ty),*) -> Result<$ret, $crate::views::PartMissing> {
            Ok($body)
        }

        $(#[$attr])*
        #[cfg(not(feature = "split"))]
        $vis async fn $name($($arg: $ty),*) -> Result<$ret, $crate::views::PartMissing> {
            Ok($body)
        }

        /// Nothing to fetch: the code is built in.
        #[cfg(not(feature = "split"))]
        $vis async fn $preload() -> Result<(), $crate::views::PartMissing> {
            Ok(())
        }
    };
}
pub(crate) use on_demand;

/// A part of the page loaded on demand could not be fetched (the relay went away, or now serves
/// another build of the page).
#[derive(Debug)]
pub(crate) struct PartMissing;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for PartMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

/// Fetches the code of the parts loaded on demand, one after the other, once the page is up, so
/// that opening one later needs no wait (the first load carries none of it). A part that cannot
/// be fetched now is tried again when it is opened, and says so if it fails then.
pub(crate) async fn preload_parts() {
    let _ = log::preload_event_log().await;
    let _ = summary::preload_summary_panel().await;
    let _ = element_form::preload_selection_form().await;
    let _ = inspector::preload_json_editor().await;
    let _ = inspector::preload_relay_panel().await;
    let _ = timeline::preload_timeline_lanes().await;
    let _ = timeline::preload_step_form().await;
    let _ = exercises::bar::preload_exercise_bar().await;
    let _ = exercises::list::preload_exercise_list().await;
}

/// The view `load` gives, mounted the first time `shown` is true and kept after that: the code of
/// a rarely used part (an [`on_demand!`] function) is fetched only when it is first needed.
pub(crate) fn when_first_shown<Fut>(
    shown: impl Fn() -> bool + Send + Sync + 'static,
    load: impl Fn() -> Fut + Send + Sync + 'static,
) -> AnyView
where
    Fut: std::future::Future<Output = Result<AnyView, PartMissing>> + Send + 'static,
{
    mount_part(Box::new(shown), Box::new(move || Box::pin(load())))
}

/// A part's view on its way: its code may still be loading.
type PartFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<AnyView, PartMissing>> + Send>>;

/// [`when_first_shown`] without its types: one copy of the suspense that waits for a part serves
/// every part of the page.
fn mount_part(shown: Box<dyn Fn() -> bool + Send + Sync>, load: Box<dyn Fn() -> PartFuture + Send + Sync>) -> AnyView {
    // Built in (no `split`: tests, development builds), a part is mounted with the page.
    let opened = Memo::new(move |before: Option<&bool>| {
        cfg!(not(feature = "split")) || before.copied().unwrap_or(false) || shown()
    });
    let load = StoredValue::new(load);
    let shown_or_missing = |result: Result<AnyView, PartMissing>| {
        result.unwrap_or_else(|PartMissing| {
            view! { <p class="notice error" role="alert" data-testid="part-missing">{tr(Text::PartMissing)}</p> }
                .into_any()
        })
    };
    let part = move || {
        let mut future = load.with_value(|load| load());
        // A part whose code is here (built in, or fetched already) shows at once; building it
        // reads signals that must not remount it.
        let now = untrack(|| {
            future
                .as_mut()
                .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
        });
        match now {
            std::task::Poll::Ready(result) => shown_or_missing(result),
            std::task::Poll::Pending => {
                view! { <Suspense>{Suspend::new(async move { shown_or_missing(future.await) })}</Suspense> }.into_any()
            }
        }
    };
    (move || opened.get().then(part)).into_any()
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
