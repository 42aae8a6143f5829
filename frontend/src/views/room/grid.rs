//! The instructor's grid: learners × exercises, each cell a learner's progress on an exercise,
//! with a total per exercise and the learners who look stuck standing out.

use super::learner::progress_words;
use super::words::W;
use super::{said, w};
use crate::i18n::Lang;
use crate::views::lang;
use leptos::prelude::*;
use warren_shared::room::{ExerciseProgress, Grid, ProgressState, Stuck};

/// A cell the instructor clicked: the learner's seat (public id), name, and the exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The learner's public seat id.
    pub seat: String,
    /// The learner's name.
    pub name: String,
    /// The exercise's id.
    pub exercise: String,
}

/// What a cell shows: ✓ and the attempt that passed, ✗ and the attempts so far, or a dash.
pub fn cell_text(progress: &ExerciseProgress) -> String {
    match progress.state {
        ProgressState::Passed => format!("✓ {}", progress.passed_after.unwrap_or(progress.attempts)),
        ProgressState::Trying => format!("✗ {}", progress.attempts),
        ProgressState::NotStarted => "—".to_owned(),
    }
}

/// A total in words: "18/25 passed", and how many look stuck.
pub fn total_text(passed: u64, learners: usize, stuck: u64, lang: Lang) -> String {
    let mut text = format!("{passed}/{learners} {}", W::PassedOf.text(lang));
    if stuck > 0 {
        text.push_str(&format!(" · {stuck} {}", W::StuckCount.text(lang)));
    }
    text
}

/// Why a cell looks stuck, in words.
fn stuck_words(stuck: Stuck, lang: Lang) -> &'static str {
    match stuck {
        Stuck::FailedAttempts => W::StuckFailed.text(lang),
        Stuck::LongTime => W::StuckLong.text(lang),
    }
}

/// The grid as a table; a click on a cell with attempts calls `open`.
pub fn grid_table(grid: Grid, open: Callback<Cell>) -> impl IntoView {
    let lang = lang();
    let learners = grid.learners.len();
    let current = grid.room.current.clone();
    let heads = grid
        .room
        .exercises
        .iter()
        .zip(&grid.totals)
        .enumerate()
        .map(|(at, (exercise, total))| {
            let title = exercise.title.clone();
            let (passed, stuck) = (total.passed, total.stuck);
            view! {
                <th scope="col" class:current=exercise.id == current data-id=exercise.id.clone()>
                    <span class="n">{at + 1}"."</span>
                    " "
                    {move || said(&title, lang.get())}
                    <span class="total" data-testid="grid-total">{move || total_text(passed, learners, stuck, lang.get())}</span>
                </th>
            }
        })
        .collect_view();
    let rows = grid
        .learners
        .into_iter()
        .map(|learner| {
            let cells = learner
                .cells
                .into_iter()
                .map(|cell| {
                    let clicked = Cell {
                        seat: learner.seat.clone(),
                        name: learner.name.clone(),
                        exercise: cell.exercise.clone(),
                    };
                    let text = cell_text(&cell);
                    let tip = {
                        let cell = cell.clone();
                        move || {
                            let lang = lang.get();
                            let mut tip = progress_words(&cell, lang);
                            if let Some(stuck) = cell.stuck {
                                tip = format!("{} ({}) · {tip}", W::Stuck.text(lang), stuck_words(stuck, lang));
                            }
                            tip
                        }
                    };
                    view! {
                        <td>
                            <button
                                type="button"
                                class="cell"
                                data-testid="grid-cell"
                                data-exercise=cell.exercise.clone()
                                data-state=cell.state.as_str()
                                data-stuck=cell.stuck.map(|s| s.as_str())
                                title=tip
                                disabled=cell.attempts == 0
                                on:click=move |_| open.run(clicked.clone())
                            >
                                {text}
                            </button>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-testid="grid-row" data-name=learner.name.clone() data-seat=learner.seat.clone() class:stuck=learner.stuck>
                    <th scope="row">
                        {learner.name.clone()}
                        {learner.stuck.then(|| view! { <span class="stuck-badge">{w(W::Stuck)}</span> })}
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="grid-wrap">
            <table class="room-grid" data-testid="room-grid">
                <thead>
                    <tr>
                        <th scope="col">{w(W::Learner)}</th>
                        {heads}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {(learners == 0).then(|| view! { <p class="muted" data-testid="grid-empty">{w(W::NobodyYet)}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_totals_read_at_a_glance() {
        let mut progress = ExerciseProgress::not_started("confirms");
        assert_eq!(cell_text(&progress), "—");
        progress.state = ProgressState::Trying;
        progress.attempts = 3;
        assert_eq!(cell_text(&progress), "✗ 3");
        progress.state = ProgressState::Passed;
        progress.attempts = 4;
        progress.passed_after = Some(4);
        assert_eq!(cell_text(&progress), "✓ 4");
        assert_eq!(total_text(18, 25, 0, Lang::En), "18/25 passed");
        assert_eq!(total_text(18, 25, 2, Lang::En), "18/25 passed · 2 stuck");
    }
}
