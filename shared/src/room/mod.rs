//! The workshop room: an instructor runs a course for a room of learners from one relay
//! (described in docs/workshop.md).
//!
//! The room speaks over the same WebSocket as runs. A page asks with the room's requests in
//! [`ClientMessage`](crate::ClientMessage) (`join`, `rejoin`, `solution`, `instructor`, `watch`);
//! the relay answers with a [`RoomMessage`]. Room messages are their own enum, with tags of their
//! own, so that a page that never joins a room reads exactly what it read before: a page in a room
//! reads every frame with [`Incoming::read`]. The instructor's other actions are small HTTP
//! endpoints under `/api/rooms`, whose bodies and answers are the types here too.
//!
//! # Layout
//! - this file: the room's messages, a refusal, and reading any frame from the relay.
//! - [`setup`]: what the instructor chooses (a new room, its exercises, its policies) and what
//!   everyone is shown of a room.
//! - [`progress`]: a learner's progress on each exercise, the instructor's grid, and one attempt.

pub mod progress;
pub mod setup;

pub use progress::{AttemptView, ExerciseProgress, ExerciseTotal, Grid, GridLearner, ProgressState, Stuck};
pub use setup::{
    CourseExercise, Delivered, ExerciseSource, NewRoom, NodeFaultPolicy, Push, RoomExercise, RoomView, SolutionPolicy,
};

use crate::protocol::ServerMessage;
use crate::validate::{Limits, Problem};
use crate::wire::{by_name, wire};
use serde_json::Value;

wire! {
    /// Messages from the relay to a page in a workshop room: a learner's seat or the instructor.
    #[wire(tag = "type")]
    #[derive(Debug, Clone, PartialEq)]
    pub enum RoomMessage {
        /// The learner's seat, after `join` or `rejoin`: everything the page needs to show the
        /// room and the learner's own progress.
        Seat = "seat" (Seat),
        /// The room changed: the instructor moved it on to another exercise, or closed it.
        Room = "room" (RoomView),
        /// One of the learner's runs was recorded as an attempt: sent after its `finished`.
        Recorded = "recorded" {
            /// The run, as in its `accepted` and `finished`.
            run_id: String,
            /// The attempt's number for this learner and exercise, from 1.
            attempt: u64,
            /// Whether the relay judged it passed: every check passed.
            passed: bool,
            /// The learner's progress on that exercise, this attempt included.
            progress: ExerciseProgress,
        },
        /// The solution of an exercise the learner asked for, once the room lets them see it.
        Solution = "solution" {
            /// The exercise's id.
            exercise: String,
            /// The solution: a whole scenario that passes the exercise's checks.
            scenario: Value,
        },
        /// The instructor sent a scenario to everyone in the room.
        Pushed = "pushed" (Push),
        /// The socket is the instructor's: its runs are demos (node faults allowed where the
        /// relay can fault nodes, no per-learner limits), and it may `watch` rooms.
        Instructor = "instructor" {
            /// Every room of the workshop, newest first.
            rooms: Vec<RoomView>,
            /// The limits of her runs (the demos): node faults allowed where the relay can fault
            /// nodes. They replace `hello`'s for this socket.
            limits: Limits,
        },
        /// The watched room's grid, learners × exercises: sent on `watch`, within a second of
        /// every learner's recorded run or join, and every few seconds while stuck times grow.
        Grid = "grid" (Grid),
        /// A request was refused.
        Refused = "refused" (Refusal),
    }
}

wire! {
    /// A learner's seat in a room.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Seat {
        /// The seat's secret: the page keeps it (in `localStorage`) and sends it with `rejoin` to
        /// take the seat again after a reload or a relay restart. It is the only way into the
        /// seat; the relay never shows it to anyone else.
        pub seat: String,
        /// The learner's display name, as the room shows it.
        pub name: String,
        /// The room.
        pub room: RoomView,
        /// The starting scenario of each of the room's exercises, in the room's order, each
        /// with its `exercise` object but without its `solution` (see [`RoomMessage::Solution`]).
        pub scenarios: Vec<Value>,
        /// The learner's progress on each exercise, in the room's order.
        pub progress: Vec<ExerciseProgress>,
        /// The limits of the room's exercises that stop nodes, when the room lets learners run
        /// them (`node_faults` is `learners`): node faults allowed where the relay can fault
        /// nodes. Every other run keeps `hello`'s.
        #[wire(optional)]
        pub fault_limits: Option<Limits>,
    }
}

wire! {
    /// Why a request was refused: a machine-readable code, a sentence that says what to do, and
    /// when to try again where waiting helps. Also the body of every refused HTTP request.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Refusal {
        /// What kind of refusal.
        pub code: RefusalCode,
        /// What happened and what to do, in a sentence or two.
        pub message: String,
        /// In how many milliseconds the same request may succeed, when waiting helps.
        #[wire(optional)]
        pub retry_after_ms: Option<u64>,
        /// Every problem found, with its path, when the request carried an invalid room or
        /// scenario.
        #[wire(omit_empty)]
        pub problems: Vec<Problem>,
    }
}

impl Refusal {
    /// A refusal with nothing to wait for and no problems.
    pub fn new(code: RefusalCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_ms: None,
            problems: Vec::new(),
        }
    }

    /// The same refusal, to be tried again in `ms` milliseconds.
    pub fn retry_after(mut self, ms: u64) -> Self {
        self.retry_after_ms = Some(ms);
        self
    }

    /// The same refusal, with the problems that caused it.
    pub fn with_problems(mut self, problems: Vec<Problem>) -> Self {
        self.problems = problems;
        self
    }
}

by_name! {
    /// The kinds of [`Refusal`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum RefusalCode {
        /// The relay serves no workshop (it was started without `--workshop`).
        NoWorkshop = "no_workshop",
        /// The instructor's token is missing or wrong.
        Unauthorized = "unauthorized",
        /// Too many wrong tokens or room codes from this address: wait `retry_after_ms`.
        TooManyFailures = "too_many_failures",
        /// No open room has this code.
        NoRoom = "no_room",
        /// The seat's secret is not known to this relay.
        UnknownSeat = "unknown_seat",
        /// Someone in the room already uses this name.
        NameTaken = "name_taken",
        /// The name is empty, too long, or has characters a name cannot have.
        BadName = "bad_name",
        /// The request needs a seat in a room (`join` or `rejoin` first).
        NoSeat = "no_seat",
        /// The learner's run is still going (here or in another tab): wait for it to finish.
        Busy = "busy",
        /// The learner has started as many runs as a minute allows: wait `retry_after_ms`.
        RateLimited = "rate_limited",
        /// The room does not allow it (an exercise that stops nodes, a solution not shown yet,
        /// a room already at its last exercise or closed).
        NotAllowed = "not_allowed",
        /// The request is malformed, or its room or scenario is invalid (see `problems`).
        Invalid = "invalid",
        /// The room, learner or attempt asked for does not exist.
        NotFound = "not_found",
        /// The relay could not read or write its workshop database.
        Unavailable = "unavailable",
    }
}

/// A frame from the relay, for a page that is in a room: a run's message or a room's.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// A message of the run protocol.
    Server(ServerMessage),
    /// A message of the room.
    Room(RoomMessage),
}

impl Incoming {
    /// Read one text frame: by its `type`, a [`ServerMessage`] or a [`RoomMessage`]; an unknown
    /// `type` is reported with every tag of both.
    pub fn read(text: &str) -> Result<Self, serde_json::Error> {
        let value: Value = serde_json::from_str(text)?;
        let tag = value.get("type").and_then(Value::as_str).unwrap_or_default();
        if RoomMessage::NAMES.contains(&tag) {
            serde_json::from_value(value).map(Self::Room)
        } else if ServerMessage::NAMES.contains(&tag) {
            serde_json::from_value(value).map(Self::Server)
        } else {
            let known: Vec<&str> = ServerMessage::NAMES.iter().chain(RoomMessage::NAMES).copied().collect();
            Err(serde::de::Error::custom(format!(
                "unknown message type `{tag}`, expected one of {}",
                known.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests;
