//! The page's pure models: plain data with methods that import neither leptos nor web-sys, so
//! host unit tests cover them. The reactive state ([`crate::playground`]) and the views only call
//! them.
//!
//! - [`document`]: the scenario being edited (its text, parse, problems, layout, selection,
//!   undo and redo, links and imports).
//! - [`run`]: one run as the page saw it (events, counts, snapshots, log filter, replay).
//! - [`state`]: the connection and the relay's hello.
//! - [`layout`]: where each node goes and how messages travel.
//! - [`edit`]: what the builder does to a scenario (add, rename, remove, connect, place).
//! - [`form`]: the inspector's forms as data (fields, JSON pointers, problems per field).
//! - [`gesture`]: the canvas's pointer gestures (select, move, connect).
//! - [`timeline`]: the timeline editor's lanes, time axis and snapping.
//! - [`anim`]: the tokens and flashes of the animation, driven by a clock.
//! - [`playback`]: the animation's speed, pause and replay clocks.
//! - [`advice`]: what a run will certainly do and is probably not meant, found before it starts.
//! - [`exercise`]: exercises: locked parts, the learner's progress, the solution's difference,
//!   the course's table of contents.

pub mod advice;
pub mod anim;
pub mod document;
pub mod edit;
pub mod exercise;
pub mod form;
pub mod gesture;
pub mod layout;
pub mod playback;
pub mod run;
pub mod state;
pub mod timeline;
