//! The exercise's solution, shown after a first check as what it does differently from the
//! learner's scenario (elements added, removed or changed, field by field: see
//! [`crate::model::exercise::diff`]), with a button that loads it (Undo brings the learner's
//! scenario back).

use super::Learning;
use crate::i18n::{Lang, Text};
use crate::model::edit::prune_positions;
use crate::model::exercise::diff::{Change, What, diff};
use crate::model::run::Phase;
use crate::playground::Playground;
use crate::views::{lang, tr};
use leptos::prelude::*;
use warren_shared::exercise::Exercise;

#[component]
pub(crate) fn SolutionPanel(
    pg: Playground,
    exercise: StoredValue<Exercise>,
    learning: Learning,
    phase: Memo<Phase>,
) -> impl IntoView {
    let lang = lang();
    let changes = Memo::new(move |_| {
        pg.doc.with(|d| {
            d.editor
                .scenario
                .as_ref()
                .map(|s| exercise.with_value(|e| diff(s, &e.solution)))
                .unwrap_or_default()
        })
    });
    let load = move |_| {
        if let Some(text) = solution_text(pg, exercise) {
            learning.open.run(text);
        }
    };
    let list = move || {
        let changes = changes.get();
        if changes.is_empty() {
            return view! { <p data-testid="solution-same">{tr(Text::SolutionIsYours)}</p> }.into_any();
        }
        let lang = lang.get();
        view! {
            <p>{Text::SolutionDiffers.text(lang)}</p>
            <ul class="diff">{changes.into_iter().map(|c| change(c, lang)).collect_view()}</ul>
        }
        .into_any()
    };
    view! {
        <div class="ex-solution" data-testid="solution">
            {list}
            <button
                type="button"
                data-testid="load-solution"
                title=tr(Text::LoadSolutionHelp)
                disabled=move || phase.get().active()
                on:click=load
            >
                {tr(Text::LoadSolution)}
            </button>
        </div>
    }
}

/// The word for an element of `list`.
fn kind(list: &str) -> Text {
    match list {
        "exchanges" => Text::KindExchange,
        "queues" => Text::KindQueue,
        "bindings" => Text::KindBinding,
        "policies" => Text::KindPolicy,
        "publishers" => Text::KindPublisher,
        "consumers" => Text::KindConsumer,
        "timeline" => Text::KindStep,
        _ => Text::Settings,
    }
}

/// One difference: `change publisher producer` and its fields, `add queue backup-queue`.
fn change(c: Change, lang: Lang) -> impl IntoView {
    let (verb, what, fields) = match c.what {
        What::Added => (Text::DiffAdd, "added", Vec::new()),
        What::Removed => (Text::DiffRemove, "removed", Vec::new()),
        What::Changed(fields) => (Text::DiffChange, "changed", fields),
    };
    let none = || "—".to_owned();
    let fields = (!fields.is_empty()).then(|| {
        let rows = fields
            .into_iter()
            .map(|f| {
                view! {
                    <li>
                        <code>{f.path}</code>
                        ": "
                        <del title=Text::Yours.text(lang)>{f.yours.unwrap_or_else(none)}</del>
                        " → "
                        <ins title=Text::SolutionWord.text(lang)>{f.solution.unwrap_or_else(none)}</ins>
                    </li>
                }
            })
            .collect_view();
        view! { <ul>{rows}</ul> }
    });
    let name = c.name.clone();
    view! {
        <li data-testid="solution-change" data-what=what data-list=c.list data-name=name>
            <span class=format!("verb {what}")>{verb.text(lang)}</span>
            " "
            {kind(c.list).text(lang)}
            " "
            <code>{c.name}</code>
            {fields}
        </li>
    }
}

/// The solution as the document's text: the solution with the learner's exercise (so the page
/// stays on it) and, when the solution places nothing itself, the learner's drawing.
fn solution_text(pg: Playground, exercise: StoredValue<Exercise>) -> Option<String> {
    let (value, positions) = pg.doc.with_untracked(|d| {
        let s = d.editor.scenario.as_ref()?;
        Some((s.exercise.clone()?, s.positions.clone()))
    })?;
    let mut solution = exercise.with_value(|e| e.solution.clone());
    solution.exercise = Some(value);
    if solution.positions.is_empty() {
        solution.positions = positions;
        prune_positions(&mut solution);
    }
    let document = serde_json::to_value(&solution).ok()?;
    serde_json::to_string_pretty(&document).ok()
}
