//! A learner's progress on each exercise, the instructor's grid of a room, and one attempt.

use crate::event::{Event, Outcome};
use crate::exercise::{CheckResult, Text};
use crate::room::setup::RoomView;
use crate::summary::Summary;
use crate::wire::{by_name, wire};
use serde_json::Value;

by_name! {
    /// Where a learner stands on one exercise.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ProgressState {
        /// No attempt yet.
        NotStarted = "not_started",
        /// Attempts, none passed.
        Trying = "trying",
        /// An attempt passed.
        Passed = "passed",
    }
}

by_name! {
    /// Why a learner looks stuck on an exercise.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Stuck {
        /// Several failed attempts and no pass.
        FailedAttempts = "failed_attempts",
        /// A long time since the first attempt, and no pass.
        LongTime = "long_time",
    }
}

wire! {
    /// One learner on one exercise: a cell of the instructor's grid, and what the learner sees of
    /// their own progress.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ExerciseProgress {
        /// The exercise's id.
        pub exercise: String,
        /// Not started, trying or passed.
        pub state: ProgressState,
        /// Attempts so far (recorded runs; a run the learner stopped is not one).
        pub attempts: u64,
        /// The first check that failed in the latest attempt, when it failed.
        #[wire(optional)]
        pub failed_check: Option<Text>,
        /// When the first attempt finished, in milliseconds since the Unix epoch.
        #[wire(optional)]
        pub first_attempt_at_ms: Option<u64>,
        /// When the latest attempt finished.
        #[wire(optional)]
        pub last_attempt_at_ms: Option<u64>,
        /// When the first passing attempt finished.
        #[wire(optional)]
        pub passed_at_ms: Option<u64>,
        /// Which attempt passed first (1 for the first attempt).
        #[wire(optional)]
        pub passed_after: Option<u64>,
        /// Why the learner looks stuck here, if they do.
        #[wire(optional)]
        pub stuck: Option<Stuck>,
        /// The room lets the learner see the solution now (ask with `solution`).
        pub solution_available: bool,
    }
}

impl ExerciseProgress {
    /// The progress on `exercise` of a learner who has not tried it, and may not see its solution.
    pub fn not_started(exercise: impl Into<String>) -> Self {
        Self {
            exercise: exercise.into(),
            state: ProgressState::NotStarted,
            attempts: 0,
            failed_check: None,
            first_attempt_at_ms: None,
            last_attempt_at_ms: None,
            passed_at_ms: None,
            passed_after: None,
            stuck: None,
            solution_available: false,
        }
    }
}

wire! {
    /// The instructor's grid of one room: learners × exercises.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Grid {
        /// The room.
        pub room: RoomView,
        /// Each exercise's totals, in the room's order.
        pub totals: Vec<ExerciseTotal>,
        /// Each learner, in the order they joined.
        pub learners: Vec<GridLearner>,
        /// When the grid was made, in milliseconds since the Unix epoch (stuck times are as of then).
        pub at_ms: u64,
    }
}

wire! {
    /// How the room is doing on one exercise ("18/25 passed").
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ExerciseTotal {
        /// The exercise's id.
        pub exercise: String,
        /// Learners who passed it.
        pub passed: u64,
        /// Learners trying it (attempts, no pass).
        pub trying: u64,
        /// Learners who have not tried it.
        pub not_started: u64,
        /// Learners who look stuck on it.
        pub stuck: u64,
    }
}

wire! {
    /// One learner's row of the grid.
    #[derive(Debug, Clone, PartialEq)]
    pub struct GridLearner {
        /// The seat's public id, for asking for this learner's attempts (never the seat's secret).
        pub seat: String,
        /// The display name.
        pub name: String,
        /// When the learner joined, in milliseconds since the Unix epoch.
        pub joined_at_ms: u64,
        /// The learner looks stuck on at least one exercise.
        pub stuck: bool,
        /// The learner's progress on each exercise, in the room's order.
        pub cells: Vec<ExerciseProgress>,
    }
}

wire! {
    /// One recorded attempt, read-only, for the instructor to show and replay
    /// (`GET /api/rooms/{code}/attempts/{seat}/{exercise}`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct AttemptView {
        /// The seat's public id.
        pub seat: String,
        /// The learner's name.
        pub name: String,
        /// The exercise's id.
        pub exercise: String,
        /// The attempt's number for this learner and exercise, from 1.
        pub attempt: u64,
        /// When the run started, in milliseconds since the Unix epoch.
        pub started_at_ms: u64,
        /// When it finished.
        pub finished_at_ms: u64,
        /// Whether every check passed.
        pub passed: bool,
        /// How the run ended.
        pub outcome: Outcome,
        /// The scenario the learner ran, with the room's exercise.
        pub scenario: Value,
        /// Each check, as the relay decided it.
        pub checks: Vec<CheckResult>,
        /// The run's summary.
        pub summary: Summary,
        /// Every event of the run, in order, to replay it (the first
        /// [`MAX_RECORDED_EVENTS`] of a longer run).
        pub events: Vec<Event>,
        /// The run had more events than were kept.
        #[wire(default)]
        pub events_cut: bool,
    }
}

/// Most events kept of one attempt, for its replay.
pub const MAX_RECORDED_EVENTS: usize = 50_000;
