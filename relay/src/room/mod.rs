//! The workshop room (docs/workshop.md).
pub mod error;
pub mod model;
pub mod store;
