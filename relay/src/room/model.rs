//! What the workshop store keeps, as the rest of the relay sees it: rooms with their exercises,
//! seats, and attempts (a light row for progress and grids, the whole record for a replay).

use serde_json::Value;
use warren_shared::exercise::Text;
use warren_shared::room::{NodeFaultPolicy, SolutionPolicy};
use warren_shared::{CheckResult, Event, Outcome, Summary};

/// A room, with its exercises in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Room {
    /// Internal id (never shown).
    pub id: String,
    /// The join code, without its dash (`K7QMX2PD`).
    pub code: String,
    /// The title.
    pub title: String,
    /// When learners may see a solution.
    pub solutions: SolutionPolicy,
    /// Who may run the exercises that stop nodes.
    pub node_faults: NodeFaultPolicy,
    /// The position of the exercise the room is on.
    pub current: usize,
    /// When it was created, in milliseconds since the Unix epoch.
    pub created_at_ms: u64,
    /// When it was closed, if it was.
    pub closed_at_ms: Option<u64>,
    /// Its exercises, in order.
    pub exercises: Vec<RoomExercise>,
    /// Learners who have joined.
    pub learners: u64,
}

impl Room {
    /// The exercise with this id.
    pub fn exercise(&self, id: &str) -> Option<&RoomExercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// Whether the room takes new learners and records attempts.
    pub fn is_open(&self) -> bool {
        self.closed_at_ms.is_none()
    }
}

/// One of a room's exercises.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomExercise {
    /// The exercise's id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// It stops, kills or starts nodes.
    pub needs_node_faults: bool,
    /// The whole exercise document (the starting scenario, its exercise and solution inside).
    pub document: Value,
}

/// A room to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRoom {
    /// Internal id.
    pub id: String,
    /// The join code, without its dash.
    pub code: String,
    /// The title.
    pub title: String,
    /// When learners may see a solution.
    pub solutions: SolutionPolicy,
    /// Who may run the exercises that stop nodes.
    pub node_faults: NodeFaultPolicy,
    /// When it is created.
    pub created_at_ms: u64,
    /// Its exercises, in order (at least one).
    pub exercises: Vec<RoomExercise>,
}

/// A learner's seat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    /// Public id: how the instructor names the learner's attempts.
    pub id: String,
    /// The room.
    pub room_id: String,
    /// The display name.
    pub name: String,
    /// When the learner joined.
    pub joined_at_ms: u64,
}

/// A seat to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSeat {
    /// Public id.
    pub id: String,
    /// The room.
    pub room_id: String,
    /// The secret that gives the seat back.
    pub secret: String,
    /// The display name, as shown.
    pub name: String,
    /// The name as compared for uniqueness (see `names.rs`).
    pub name_key: String,
    /// When.
    pub joined_at_ms: u64,
}

/// A finished run of a room exercise, to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttempt {
    /// Internal id.
    pub id: String,
    /// The room.
    pub room_id: String,
    /// The learner's seat.
    pub seat_id: String,
    /// The exercise.
    pub exercise_id: String,
    /// When the run was asked for.
    pub started_at_ms: u64,
    /// When it finished.
    pub finished_at_ms: u64,
    /// How it ended.
    pub outcome: Outcome,
    /// Every check passed (the relay's verdict).
    pub passed: bool,
    /// The scenario that ran, with the room's exercise.
    pub scenario: Value,
    /// Each check.
    pub checks: Vec<CheckResult>,
    /// The summary.
    pub summary: Summary,
    /// The run's events, for its replay (at most [`warren_shared::room::progress::MAX_RECORDED_EVENTS`]).
    pub events: Vec<Event>,
    /// The run had more events than `events` keeps.
    pub events_cut: bool,
}

impl NewAttempt {
    /// The first check that failed, for the grid.
    pub fn failed_check(&self) -> Option<&Text> {
        self.checks.iter().find(|c| !c.passed).map(|c| &c.text)
    }
}

/// What progress and grids need of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRow {
    /// The learner's seat.
    pub seat_id: String,
    /// The exercise.
    pub exercise_id: String,
    /// Its number for this seat and exercise, from 1.
    pub number: u64,
    /// When it finished.
    pub finished_at_ms: u64,
    /// Whether it passed.
    pub passed: bool,
    /// The first check that failed, when it failed.
    pub failed_check: Option<Text>,
}

/// One attempt, whole: for the instructor to show and replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// Its row.
    pub row: AttemptRow,
    /// When the run was asked for.
    pub started_at_ms: u64,
    /// How it ended.
    pub outcome: Outcome,
    /// The scenario that ran.
    pub scenario: Value,
    /// Each check.
    pub checks: Vec<CheckResult>,
    /// The summary.
    pub summary: Summary,
    /// The events kept (empty once a later attempt of the same exercise replaced them).
    pub events: Vec<Event>,
    /// The run had more events than were kept.
    pub events_cut: bool,
}
