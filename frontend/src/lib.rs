//! Warren's browser page: a Leptos (client-side rendered) app compiled to WebAssembly.
//!
//! The page is a playground for RabbitMQ's reliability features. A gallery of example scenarios
//! sits on the left, the scenario's topology on a canvas in the middle, an inspector (what to
//! look for, the scenario's JSON, the relay) on the right, and the run's event log and summary
//! below. Run sends the scenario to the relay over `/ws`; every event the relay observes on the
//! real broker is logged, counted and animated on the canvas.
//!
//! # Layout
//! - [`model`]: the pure models (no leptos, no web-sys, tested on the host): the playground's
//!   state, the run record, the connection's status, the layout, the builder's edits and forms,
//!   the canvas's gestures, the timeline, the animation and its playback clocks.
//! - [`share`]: links that carry a scenario (`#s=…`), JSON import and export;
//!   [`share::deflate`] and [`share::base64url`] pack them.
//! - [`gallery`]: the examples, embedded at compile time; [`i18n`]: English / Chinese names and
//!   explanations of the examples.
//! - [`frame`]: the one `requestAnimationFrame` loop that draws the animation.
//! - [`fatal`]: the banner shown when the page's own code fails.
//! - [`socket`]: the web-sys WebSocket.
//! - [`app`]: the page and its header; [`views`]: its panes; [`components`]: the relay status
//!   panel.
//!
//! `main.rs` only installs the panic hook ([`fatal::install`]) and mounts [`App`]; `index.html` and `style.css` next
//! to this crate's manifest are copied beside the wasm by `cargo xtask build-frontend`.

pub mod app;
pub mod components;
pub mod fatal;
pub mod frame;
pub mod gallery;
pub mod i18n;
pub mod model;
pub mod share;
pub mod socket;
pub mod views;

pub use app::{App, PlaygroundView, apply_server_message};
pub use components::StatusPanel;
pub use i18n::Lang;
pub use model::document::Playground;
pub use model::state::{Connection, Hello, Status};
