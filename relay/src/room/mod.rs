//! The workshop room (docs/workshop.md).
pub mod course;
pub mod error;
pub mod grid;
pub mod limits;
pub mod model;
pub mod names;
pub mod secret;
pub mod setup;
pub mod store;
