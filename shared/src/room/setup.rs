//! What the instructor chooses for a room, and what everyone is shown of it.

use crate::exercise::Text;
use crate::wire::{by_name, wire};
use serde_json::Value;

wire! {
    /// A room to create (`POST /api/rooms`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct NewRoom {
        /// The room's title, shown to everyone.
        pub title: String,
        /// The exercises, in the order the room works through them.
        pub exercises: Vec<ExerciseSource>,
        /// When learners may see an exercise's solution; after one attempt when left out.
        #[wire(optional)]
        pub solutions: Option<SolutionPolicy>,
        /// Whether learners may run the exercises that stop nodes; only the instructor (as
        /// demos) when left out.
        #[wire(optional)]
        pub node_faults: Option<NodeFaultPolicy>,
    }
}

wire! {
    /// Where one of a new room's exercises comes from.
    #[wire(tag = "from")]
    #[derive(Debug, Clone, PartialEq)]
    pub enum ExerciseSource {
        /// An exercise of the course the relay ships (`examples/exercises/`), by its id.
        Course = "course" {
            /// The exercise's `id`.
            id: String,
        },
        /// An exercise document of the instructor's own (a scenario with an `exercise`), checked
        /// as `warren check` checks one.
        Upload = "upload" {
            /// The document.
            document: Value,
        },
    }
}

wire! {
    /// When a room lets learners see an exercise's solution.
    #[wire(tag = "show")]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum SolutionPolicy {
        /// Never.
        Never = "never",
        /// Once the learner has made this many attempts at the exercise.
        After = "after" {
            /// Attempts needed (1 or more).
            attempts: u64,
        },
        /// From the start.
        Always = "always",
    }
}

impl SolutionPolicy {
    /// The default: after one attempt, as the page does outside a room.
    pub const DEFAULT: Self = Self::After { attempts: 1 };

    /// Whether a learner who has made `attempts` attempts may see the solution.
    pub fn allows(self, attempts: u64) -> bool {
        match self {
            Self::Never => false,
            Self::After { attempts: needed } => attempts >= needed,
            Self::Always => true,
        }
    }
}

by_name! {
    /// Who may run a room's exercises that stop, kill or start nodes: such a run hits every run
    /// on the cluster, everyone's.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum NodeFaultPolicy {
        /// Only the instructor, as demos; learners' runs of them are refused.
        Demos = "demos",
        /// Learners too.
        Learners = "learners",
    }
}

wire! {
    /// A room as everyone in it is shown it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct RoomView {
        /// The join code, as it is shown (`K7QM-X2PD`); typed in any case, with or without the dash.
        pub code: String,
        /// The path of the join link on the relay (`/?room=K7QM-X2PD`): the page puts the address
        /// learners reach the relay at in front of it.
        pub join_path: String,
        /// The title.
        pub title: String,
        /// The exercises, in order.
        pub exercises: Vec<RoomExercise>,
        /// The id of the exercise the room is on ("next exercise" moves it on).
        pub current: String,
        /// When learners may see a solution.
        pub solutions: SolutionPolicy,
        /// Who may run the exercises that stop nodes.
        pub node_faults: NodeFaultPolicy,
        /// Learners who have joined.
        pub learners: u64,
        /// When the room was created, in milliseconds since the Unix epoch.
        pub created_at_ms: u64,
        /// Closed rooms take no new learners and record no more attempts; their results stay.
        pub closed: bool,
    }
}

wire! {
    /// One exercise of a room, as its list shows it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct RoomExercise {
        /// The exercise's id.
        pub id: String,
        /// Its title.
        pub title: Text,
        /// It stops, kills or starts nodes.
        #[wire(default)]
        pub needs_node_faults: bool,
        /// Learners may run it here (false for an exercise that stops nodes in a room that keeps
        /// those for the instructor's demos).
        pub learners_may_run: bool,
    }
}

wire! {
    /// "Send to everyone": a scenario for every learner's canvas, as the instructor posts it
    /// (`POST /api/rooms/{code}/push`) and as learners receive it (`pushed`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct Push {
        /// The scenario document (validated before it is sent).
        pub scenario: Value,
    }
}

wire! {
    /// What "send to everyone" reached.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Delivered {
        /// Learner sockets open in the room, each of which was sent the scenario.
        pub sockets: u64,
    }
}

wire! {
    /// One exercise of the course the relay ships, for choosing a room's exercises
    /// (`GET /api/course`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct CourseExercise {
        /// Its id, as a room names it.
        pub id: String,
        /// Its title.
        pub title: Text,
        /// What it asks.
        pub task: Text,
        /// It stops, kills or starts nodes.
        #[wire(default)]
        pub needs_node_faults: bool,
    }
}
