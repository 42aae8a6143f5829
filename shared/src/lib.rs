//! Types that Warren's relay and browser page share: pure data, no I/O, builds for `wasm32` and
//! native alike.
//!
//! # Layout
//! - [`scenario`]: the scenario document users build, share and run.
//! - [`validate`]: every problem in a scenario at once, with a path and a sentence each; limits.
//! - [`exercise`]: a scenario that asks the learner for something, and the checks of a run.
//! - [`event`]: what the relay observed on the broker during a run.
//! - [`summary`]: the run summary, folded from events.
//! - [`protocol`]: the WebSocket messages between page and relay.
//! - [`room`]: the workshop room: its messages, its setup, progress and the instructor's grid.
//! - [`order`]: one sort routine shared by every ordering.
//! - [`sentences`]: every sentence Warren writes for people, as templates the page can translate.

pub mod event;
pub mod exercise;
mod object;
pub mod order;
pub mod protocol;
pub mod room;
pub mod scenario;
pub mod sentences;
pub mod summary;
mod tracked;
pub mod validate;
mod wire;

pub use event::{BrokerInfo, Event, EventKind, NodeAction, NodeStatus, Outcome, QueueSnapshot};
pub use exercise::{CheckResult, Exercise};
pub use protocol::{ClientMessage, Hello, PROTOCOL_VERSION, ServerMessage};
pub use scenario::*;
pub use summary::{Summary, SummaryBuilder};
pub use validate::{Limits, Problem, parse_scenario, validate};
