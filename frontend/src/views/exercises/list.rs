//! The gallery's Exercises tab: the course in order, each exercise with its state (not started,
//! tried, passed) and a mark when it stops nodes, and the progress bar over the whole course.
//! Clicking one opens it from its start (Undo brings back what was there). The course's index is
//! fetched when the tab is first shown (see [`crate::course`]).

use super::{Learning, exercise_id};
use crate::course;
use crate::i18n::{Text, texts};
use crate::model::exercise::course::Entry;
use crate::model::exercise::progress::State;
use crate::model::run::Phase;
use crate::model::state::Status;
use crate::playground::Playground;
use crate::views::{lang, notice, on_demand, tr};
use leptos::prelude::*;

on_demand! {
    /// The Exercises tab.
    pub(crate) fn exercise_list(pg: Playground, learning: Learning, status: RwSignal<Status>, phase: Memo<Phase>) -> AnyView {
        view! { <Course pg=pg learning=learning status=status phase=phase /> }.into_any()
    }
    preload: preload_exercise_list
}

/// Whether the relay said it refuses node faults (before its hello nothing is known).
pub(crate) fn node_faults_refused(status: RwSignal<Status>) -> bool {
    status.with(|s| s.hello.as_ref().is_some_and(|h| !h.limits.node_faults))
}

/// The words for a state.
pub(crate) fn state_text(state: State) -> Text {
    match state {
        State::NotStarted => Text::StateNotStarted,
        State::Tried => Text::StateTried,
        State::Passed => Text::StatePassed,
    }
}

#[component]
fn Course(pg: Playground, learning: Learning, status: RwSignal<Status>, phase: Memo<Phase>) -> impl IntoView {
    learning.ensure_progress();
    let index = RwSignal::new(None::<Result<Vec<Entry>, String>>);
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        index.set(Some(course::index().await));
    });
    let open = move |file: String| {
        leptos::task::spawn_local(async move {
            match course::file(&file).await {
                Ok(text) => {
                    error.set(None);
                    learning.open.run(text);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // A link's `#exercise=<id>`: opened once the course is here.
    Effect::new(move |_| {
        let Some(id) = learning.pending.get() else { return };
        let file = index.with(|i| match i {
            Some(Ok(entries)) => Some(entries.iter().find(|e| e.id == id).map(|e| e.file.clone())),
            _ => None,
        });
        if let Some(file) = file {
            learning.pending.set(None);
            match file {
                Some(file) => open(file),
                None => error.set(Some(format!(
                    "{}there is no exercise {id}",
                    Text::CourseNotLoaded.text(crate::Lang::En)
                ))),
            }
        }
    });
    let current = Memo::new(move |_| pg.doc.with(exercise_id));
    let lang = lang();
    let entries = move || {
        let entries = match index.get() {
            None => return view! { <p class="course-note">{tr(Text::CourseLoading)}</p> }.into_any(),
            Some(Err(e)) => {
                return view! { <p class="notice error" role="alert" data-testid="course-error">{notice(e)}</p> }
                    .into_any();
            }
            Some(Ok(entries)) => entries,
        };
        let total = entries.len();
        let ids: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
        let passed = Memo::new(move |_| {
            learning
                .progress
                .with(|p| p.as_ref().map_or(0, |p| p.passed(ids.iter().map(String::as_str))))
        });
        let passed = move || passed.get();
        let items = entries
            .into_iter()
            .enumerate()
            .map(|(i, entry)| item(i, entry, learning, status, phase, current, open))
            .collect_view();
        view! {
            <div class="course-progress" data-testid="course-progress" data-passed=passed data-total=total>
                <div class="meter" role="progressbar" aria-valuemin="0" aria-valuemax=total aria-valuenow=passed>
                    <i style:width=move || format!("{:.1}%", 100.0 * passed() as f64 / total.max(1) as f64)></i>
                </div>
                <span class="course-count">{move || texts::course_progress(passed(), total, lang.get())}</span>
            </div>
            <ol class="exercise-list" data-testid="exercise-list">{items}</ol>
        }
        .into_any()
    };
    view! {
        <div class="course" data-testid="course">
            {entries}
            {move || error.get().map(|e| view! { <p class="notice error" role="alert" data-testid="course-error">{notice(e)}</p> })}
        </div>
    }
}

/// One exercise of the list.
fn item(
    i: usize,
    entry: Entry,
    learning: Learning,
    status: RwSignal<Status>,
    phase: Memo<Phase>,
    current: Memo<Option<String>>,
    open: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    let lang = lang();
    let id = entry.id.clone();
    let state = {
        let id = id.clone();
        Memo::new(move |_| {
            learning
                .progress
                .with(|p| p.as_ref().map(|p| p.entry(&id).state).unwrap_or_default())
        })
    };
    let state = move || state.get();
    let is_current = {
        let id = id.clone();
        move || current.with(|c| c.as_deref() == Some(id.as_str()))
    };
    let title = {
        let entry = entry.clone();
        move || entry.title(lang.get()).to_owned()
    };
    let faults = entry.needs_node_faults;
    let refused = move || faults && node_faults_refused(status);
    let file = entry.file.clone();
    let mark = move || match state() {
        State::Passed => "✓",
        State::Tried => "•",
        State::NotStarted => "○",
    };
    view! {
        <li>
            <button
                type="button"
                class="exercise-item"
                class:current=is_current
                class:unavailable=refused
                data-testid=format!("exercise-{id}")
                data-state=move || state().as_str()
                disabled=move || phase.get().active()
                on:click=move |_| open(file.clone())
            >
                <span class="ex-n">{i + 1}</span>
                <span class="ex-name">{title}</span>
                <span class="ex-mark" data-state=move || state().as_str() title=move || state_text(state()).text(lang.get())>
                    {mark}
                </span>
                {faults
                    .then(|| {
                        view! {
                            <span class="ex-faults" data-testid="exercise-needs-node-faults">
                                {move || {
                                    if refused() { Text::NotOnThisRelay } else { Text::StopsNodes }.text(lang.get())
                                }}
                            </span>
                        }
                    })}
            </button>
        </li>
    }
}
