//! The exercise above the canvas: its place in the course, title, state and task, the hints
//! revealed so far, and its actions: **Check** (a run: the relay decides the checks), **Hint**
//! (the next one), **Reset** (the starting scenario again, undoable) and **Show solution** (after
//! a first check: how the solution differs, and loading it). Under them, what the relay decided
//! ([`super::results`]) and the solution ([`super::solution`]).
//!
//! Each run of the exercise that the relay checked counts as an attempt in the learner's progress,
//! passed when every check passed.

use super::list::{node_faults_refused, state_text};
use super::results::{CheckResults, said};
use super::solution::SolutionPanel;
use super::{Learning, exercise_id};
use crate::course;
use crate::i18n::{Lang, Text, texts};
use crate::model::run::Phase;
use crate::model::state::Status;
use crate::playground::Playground;
use crate::views::{lang, notice, on_demand, tr};
use leptos::prelude::*;
use warren_shared::exercise::{self, Exercise};

on_demand! {
    /// The exercise above the canvas.
    pub(crate) fn exercise_bar(
        pg: Playground,
        learning: Learning,
        status: RwSignal<Status>,
        phase: Memo<Phase>,
        on_run: Callback<()>,
    ) -> AnyView {
        view! { <ExerciseBar pg=pg learning=learning status=status phase=phase on_run=on_run /> }.into_any()
    }
    preload: preload_exercise_bar
}

/// An exercise's JSON, read; why it cannot be read, in words (the first problem).
fn read(value: &serde_json::Value) -> Result<Exercise, String> {
    exercise::parse(value).map_err(|problems| {
        problems
            .into_iter()
            .next()
            .map(|p| format!("{}: {}", p.path, p.message))
            .unwrap_or_default()
    })
}

#[component]
fn ExerciseBar(
    pg: Playground,
    learning: Learning,
    status: RwSignal<Status>,
    phase: Memo<Phase>,
    on_run: Callback<()>,
) -> impl IntoView {
    learning.ensure_progress();
    // Read again only when the exercise's JSON changes, not at each edit of the scenario.
    let value = Memo::new(move |_| {
        pg.doc
            .with(|d| d.editor.scenario.as_ref().and_then(|s| s.exercise.clone()))
    });
    let id = Memo::new(move |_| pg.doc.with(exercise_id));
    // In a room, the solution is the room's to show: the one it has shown, or why not yet.
    let room_solution = Memo::new(move |_| {
        let id = id.get()?;
        learning.room_exercises.with(|room| {
            let shown = room.as_ref()?.iter().find(|e| e.id == id)?;
            Some(shown.solution.clone())
        })
    });
    let exercise = Memo::new(move |_| {
        value.with(|v| {
            v.as_ref().map(|v| match room_solution.get() {
                Some(Ok(solution)) => {
                    let mut v = v.clone();
                    v["solution"] = solution;
                    read(&v)
                }
                _ => read(v),
            })
        })
    });
    // The exercise's place in the course and the course's length; none outside the course.
    let place = RwSignal::new(None::<(usize, usize)>);
    Effect::new(move |_| {
        let Some(wanted) = id.get() else { return };
        leptos::task::spawn_local(async move {
            let found = course::index()
                .await
                .ok()
                .and_then(|index| Some((index.iter().position(|e| e.id == wanted)?, index.len())));
            if id.get_untracked().as_deref() == Some(wanted.as_str()) {
                place.set(found);
            }
        });
    });
    // In a room, its place among the room's exercises instead.
    let room_place = Memo::new(move |_| {
        let id = id.get()?;
        learning.room_exercises.with(|room| {
            let room = room.as_ref()?;
            Some((room.iter().position(|e| e.id == id)?, room.len()))
        })
    });
    // Each run the relay checked is an attempt (not when the bar appears after one).
    let checked = Memo::new(move |_| {
        pg.run
            .with(|r| matches!(r.phase(), Phase::Finished { .. }) && !r.checks.is_empty())
    });
    Effect::new(move |before: Option<bool>| {
        let now = checked.get();
        if now && before == Some(false) {
            let attempt = pg.run.with_untracked(|r| {
                let exercise = r.scenario.as_ref()?.exercise.as_ref()?;
                let id = exercise.get("id")?.as_str()?.to_owned();
                Some((id, r.checks.iter().all(|c| c.passed)))
            });
            if let Some((id, passed)) = attempt {
                learning.update_progress(|p| p.attempted(&id, passed));
            }
        }
        now
    });
    let entry = move || {
        id.with(|id| {
            id.as_ref()
                .and_then(|id| learning.progress.with(|p| p.as_ref().map(|p| p.entry(id))))
                .unwrap_or_default()
        })
    };
    let solution_open = RwSignal::new(false);
    let folded = RwSignal::new(false);
    Effect::new(move |_| {
        // Another exercise: its solution starts hidden.
        id.track();
        solution_open.set(false);
    });
    let lang = lang();

    move || {
        match exercise.get() {
        None => ().into_any(),
        Some(Err(error)) => view! {
            <section class="exercise-bar" data-testid="exercise-bar">
                <p class="notice error" role="alert">{notice(format!("{}{error}", Text::ExerciseUnreadable.text(Lang::En)))}</p>
            </section>
        }
        .into_any(),
        Some(Ok(ex)) => {
            let withheld = StoredValue::new(room_solution.get().and_then(Result::err));
            let ex = StoredValue::new(ex);
            let hints_total = ex.with_value(|e| e.hints.len());
            let needs_faults = ex.with_value(|e| e.needs_node_faults);
            let blocked = move || needs_faults && node_faults_refused(status);
            let shown_hints = move || (entry().hints as usize).min(hints_total);
            let attempted = move || entry().attempts > 0;
            let reveal = move |_: leptos::ev::MouseEvent| {
                if let Some(id) = id.get_untracked() {
                    learning.update_progress(|p| {
                        p.reveal_hint(&id, hints_total);
                    });
                }
            };
            let reset = move |_: leptos::ev::MouseEvent| {
                let Some(id) = id.get_untracked() else { return };
                leptos::task::spawn_local(async move {
                    if let Ok(Some((_, _, text))) = course::exercise(&id).await {
                        learning.open.run(text);
                    }
                });
            };
            let hints = move || {
                let n = shown_hints();
                let lang = lang.get();
                ex.with_value(|e| {
                    e.hints
                        .iter()
                        .take(n)
                        .map(|h| view! { <li data-testid="exercise-hint-text">{said(h, lang)}</li> })
                        .collect_view()
                })
            };
            view! {
                <section class="exercise-bar" class:folded=move || folded.get() data-testid="exercise-bar" aria-label=tr(Text::Exercises)>
                    <div class="ex-head">
                        <button
                            type="button"
                            class="ex-fold"
                            aria-expanded=move || (!folded.get()).to_string()
                            on:click=move |_| folded.update(|f| *f = !*f)
                        >
                            {move || if folded.get() { "▸" } else { "▾" }}
                        </button>
                        <div class="ex-heading">
                            <span class="ex-number" data-testid="exercise-number">
                                {move || room_place.get().or_else(|| place.get()).map(|(at, total)| texts::exercise_number(at + 1, total, lang.get()))}
                            </span>
                            <h2 class="ex-title" data-testid="exercise-title">
                                {move || ex.with_value(|e| said(&e.title, lang.get()))}
                            </h2>
                            <span
                                class="ex-state"
                                class:hidden=move || pg.read_only.with(Option::is_some)
                                data-testid="exercise-state"
                                data-state=move || entry().state.as_str()
                            >
                                {move || state_text(entry().state).text(lang.get())}
                            </span>
                        </div>
                        <div class="ex-actions">
                            <button
                                type="button"
                                class="run"
                                data-testid="exercise-check"
                                title=tr(Text::CheckHelp)
                                disabled=move || phase.get().active() || blocked()
                                on:click=move |_| on_run.run(())
                            >
                                <span aria-hidden="true">"✓"</span>
                                " "
                                {tr(Text::Check)}
                            </button>
                            <button
                                type="button"
                                data-testid="exercise-hint"
                                title=move || {
                                    if shown_hints() < hints_total { Text::HintHelp } else { Text::NoMoreHints }.text(lang.get())
                                }
                                disabled=move || { shown_hints() >= hints_total }
                                on:click=reveal
                            >
                                {tr(Text::Hint)}
                                " "
                                {move || format!("{}/{hints_total}", shown_hints())}
                            </button>
                            <button
                                type="button"
                                data-testid="exercise-reset"
                                title=move || {
                                    if place.get().is_some() { Text::ResetHelp } else { Text::ResetNotInCourse }.text(lang.get())
                                }
                                disabled=move || phase.get().active() || place.get().is_none()
                                on:click=reset
                            >
                                {tr(Text::Reset)}
                            </button>
                            <button
                                type="button"
                                data-testid="exercise-solution"
                                aria-expanded=move || solution_open.get().to_string()
                                title=move || match withheld.get_value() {
                                    Some(why) => Some(said(&why, lang.get())),
                                    None => (!attempted()).then(|| Text::SolutionAfterCheck.text(lang.get()).to_owned()),
                                }
                                disabled=move || !attempted() || withheld.with_value(Option::is_some)
                                on:click=move |_| solution_open.update(|o| *o = !*o)
                            >
                                {move || if solution_open.get() { Text::HideSolution } else { Text::ShowSolution }.text(lang.get())}
                            </button>
                        </div>
                    </div>
                    <div class="ex-body" class:hidden=move || folded.get()>
                        <p class="ex-task" data-testid="exercise-task">{move || ex.with_value(|e| said(&e.task, lang.get()))}</p>
                        {move || blocked().then(|| view! { <p class="notice error" data-testid="exercise-no-node-faults">{tr(Text::NoNodeFaultsHere)}</p> })}
                        <ol class="ex-hints" data-testid="exercise-hints">{hints}</ol>
                        <CheckResults pg=pg />
                        {move || solution_open.get().then(|| view! { <SolutionPanel pg=pg exercise=ex learning=learning phase=phase /> })}
                    </div>
                </section>
            }
            .into_any()
        }
    }
    }
}
