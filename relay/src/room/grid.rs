//! What a room looks like to those in it, computed from what the store keeps: the room's view,
//! a learner's progress on each exercise, and the instructor's grid. Pure: the time is given.
//!
//! A learner looks **stuck** on an exercise they have not passed when they have failed it
//! [`STUCK_FAILED_ATTEMPTS`] times, or when [`STUCK_AFTER`] has gone by since their first attempt.

use std::time::Duration;
use warren_shared::room::{
    ExerciseProgress, ExerciseTotal, Grid, GridLearner, NodeFaultPolicy, ProgressState, RoomExercise as ExerciseView,
    RoomView, Stuck,
};

use super::model::{AttemptRow, Room, Seat};
use super::secret::show_code;

/// Failed attempts, without a pass, after which a learner looks stuck.
pub const STUCK_FAILED_ATTEMPTS: u64 = 3;
/// Time since the first attempt, without a pass, after which a learner looks stuck.
pub const STUCK_AFTER: Duration = Duration::from_secs(10 * 60);

/// The path of a room's join link.
pub fn join_path(code: &str) -> String {
    format!("/?room={}", show_code(code))
}

/// A room as everyone in it is shown it.
pub fn view(room: &Room) -> RoomView {
    let current = room
        .exercises
        .get(room.current)
        .or(room.exercises.last())
        .map(|e| e.id.clone())
        .unwrap_or_default();
    RoomView {
        code: show_code(&room.code),
        join_path: join_path(&room.code),
        title: room.title.clone(),
        exercises: room
            .exercises
            .iter()
            .map(|e| ExerciseView {
                id: e.id.clone(),
                title: e.title.clone(),
                needs_node_faults: e.needs_node_faults,
                learners_may_run: !e.needs_node_faults || room.node_faults == NodeFaultPolicy::Learners,
            })
            .collect(),
        current,
        solutions: room.solutions,
        node_faults: room.node_faults,
        learners: room.learners,
        created_at_ms: room.created_at_ms,
        closed: !room.is_open(),
    }
}

/// One learner's progress on one exercise, from their attempts at it (in order of number).
pub fn progress(room: &Room, exercise: &str, attempts: &[&AttemptRow], now_ms: u64) -> ExerciseProgress {
    let count = u64::try_from(attempts.len()).unwrap_or(u64::MAX);
    let first_pass = attempts.iter().find(|a| a.passed);
    let last = attempts.last();
    let first_at = attempts.first().map(|a| a.finished_at_ms);
    let stuck = match first_pass {
        Some(_) => None,
        None if count >= STUCK_FAILED_ATTEMPTS => Some(Stuck::FailedAttempts),
        None => first_at
            .filter(|at| u128::from(now_ms.saturating_sub(*at)) >= STUCK_AFTER.as_millis())
            .map(|_| Stuck::LongTime),
    };
    ExerciseProgress {
        exercise: exercise.to_owned(),
        state: match (first_pass, count) {
            (Some(_), _) => ProgressState::Passed,
            (None, 0) => ProgressState::NotStarted,
            (None, _) => ProgressState::Trying,
        },
        attempts: count,
        failed_check: last.and_then(|a| a.failed_check.clone()),
        first_attempt_at_ms: first_at,
        last_attempt_at_ms: last.map(|a| a.finished_at_ms),
        passed_at_ms: first_pass.map(|a| a.finished_at_ms),
        passed_after: first_pass.map(|a| a.number),
        stuck,
        solution_available: room.solutions.allows(count),
    }
}

/// A learner's progress on every exercise of the room, from their attempts.
pub fn seat_progress(room: &Room, seat_id: &str, attempts: &[AttemptRow], now_ms: u64) -> Vec<ExerciseProgress> {
    room.exercises
        .iter()
        .map(|exercise| {
            let mut mine: Vec<&AttemptRow> = attempts
                .iter()
                .filter(|a| a.seat_id == seat_id && a.exercise_id == exercise.id)
                .collect();
            mine.sort_by_key(|a| a.number);
            progress(room, &exercise.id, &mine, now_ms)
        })
        .collect()
}

/// The instructor's grid: every learner × every exercise, and each exercise's totals.
pub fn grid(room: &Room, seats: &[Seat], attempts: &[AttemptRow], now_ms: u64) -> Grid {
    let learners: Vec<GridLearner> = seats
        .iter()
        .map(|seat| {
            let cells = seat_progress(room, &seat.id, attempts, now_ms);
            GridLearner {
                seat: seat.id.clone(),
                name: seat.name.clone(),
                joined_at_ms: seat.joined_at_ms,
                stuck: cells.iter().any(|c| c.stuck.is_some()),
                cells,
            }
        })
        .collect();
    let totals = room
        .exercises
        .iter()
        .enumerate()
        .map(|(index, exercise)| {
            let mut total = ExerciseTotal {
                exercise: exercise.id.clone(),
                passed: 0,
                trying: 0,
                not_started: 0,
                stuck: 0,
            };
            for cell in learners.iter().filter_map(|l| l.cells.get(index)) {
                match cell.state {
                    ProgressState::Passed => total.passed += 1,
                    ProgressState::Trying => total.trying += 1,
                    ProgressState::NotStarted => total.not_started += 1,
                }
                total.stuck += u64::from(cell.stuck.is_some());
            }
            total
        })
        .collect();
    Grid {
        room: view(room),
        totals,
        learners,
        at_ms: now_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use warren_shared::exercise::Text;
    use warren_shared::room::SolutionPolicy;

    use crate::room::model::RoomExercise;

    fn room() -> Room {
        let exercise = |id: &str, needs_node_faults| RoomExercise {
            id: id.into(),
            title: Text::new(id, id),
            needs_node_faults,
            document: json!({}),
        };
        Room {
            id: "r".into(),
            code: "K7QMX2PD".into(),
            title: "Tuesday".into(),
            solutions: SolutionPolicy::After { attempts: 2 },
            node_faults: NodeFaultPolicy::Demos,
            current: 0,
            created_at_ms: 0,
            closed_at_ms: None,
            exercises: vec![exercise("a", false), exercise("b", true)],
            learners: 3,
        }
    }

    fn seat(id: &str) -> Seat {
        Seat {
            id: id.into(),
            room_id: "r".into(),
            name: id.to_uppercase(),
            joined_at_ms: 0,
        }
    }

    fn attempt(seat: &str, exercise: &str, number: u64, passed: bool, at_ms: u64) -> AttemptRow {
        AttemptRow {
            seat_id: seat.into(),
            exercise_id: exercise.into(),
            number,
            finished_at_ms: at_ms,
            passed,
            failed_check: (!passed).then(|| Text::new(format!("fail {number}"), "失败")),
        }
    }

    #[test]
    fn the_view_shows_the_code_the_link_and_who_may_run_what() {
        let view = view(&room());
        assert_eq!(
            (view.code.as_str(), view.join_path.as_str()),
            ("K7QM-X2PD", "/?room=K7QM-X2PD")
        );
        assert_eq!(view.current, "a");
        assert!(view.exercises[0].learners_may_run);
        assert!(!view.exercises[1].learners_may_run, "demos only");
    }

    #[test]
    fn cells_say_not_started_trying_or_passed_with_their_figures() {
        let minute = 60_000;
        let attempts = [
            attempt("ada", "a", 1, false, minute),
            attempt("ada", "a", 2, true, 2 * minute),
            attempt("ada", "a", 3, false, 3 * minute),
            attempt("bob", "a", 1, false, minute),
            attempt("bob", "a", 2, false, 2 * minute),
            attempt("bob", "a", 3, false, 3 * minute),
            attempt("cy", "a", 1, false, minute),
            attempt("cy", "b", 1, false, 12 * minute),
        ];
        let seats = [seat("ada"), seat("bob"), seat("cy"), seat("dee")];
        let grid = grid(&room(), &seats, &attempts, 12 * minute);
        let ada = &grid.learners[0].cells[0];
        assert_eq!(ada.state, ProgressState::Passed);
        assert_eq!(
            (ada.attempts, ada.passed_after, ada.passed_at_ms),
            (3, Some(2), Some(2 * minute))
        );
        assert_eq!(
            ada.failed_check,
            Some(Text::new("fail 3", "失败")),
            "the latest attempt's"
        );
        assert_eq!(ada.stuck, None);
        assert!(ada.solution_available);
        let bob = &grid.learners[1].cells[0];
        assert_eq!(
            (bob.state, bob.stuck),
            (ProgressState::Trying, Some(Stuck::FailedAttempts))
        );
        let cy = &grid.learners[2];
        assert_eq!(
            cy.cells[0].stuck,
            Some(Stuck::LongTime),
            "11 minutes since the first attempt"
        );
        assert_eq!(cy.cells[1].stuck, None, "just started");
        assert!(!cy.cells[0].solution_available, "one attempt of the two needed");
        assert!(cy.stuck);
        let dee = &grid.learners[3];
        assert_eq!(dee.cells[0].state, ProgressState::NotStarted);
        assert!(!dee.stuck);
        assert_eq!(
            grid.totals[0],
            ExerciseTotal {
                exercise: "a".into(),
                passed: 1,
                trying: 2,
                not_started: 1,
                stuck: 2,
            }
        );
        assert_eq!((grid.totals[1].trying, grid.totals[1].not_started), (1, 3));
    }
}
