//! Warren's browser page: a Leptos (client-side rendered) app compiled to WebAssembly.
//!
//! The page is a playground for RabbitMQ's reliability features. A gallery of example scenarios
//! sits on the left, the scenario's topology on a canvas in the middle, an inspector (what to
//! look for, the scenario's JSON, the relay) on the right, and the run's event log and summary
//! below. Run sends the scenario to the relay over `/ws`; every event the relay observes on the
//! real broker is logged, counted and animated on the canvas.
//!
//! # Layout
//! - [`gallery`]: the examples, embedded at compile time.
//! - [`i18n`]: English / Chinese names and explanations of the examples.
//! - [`layout`]: where each node goes and how messages travel; pure, unit-tested.
//! - [`run`]: one run as the page saw it (events, counts, snapshots, log filter).
//! - [`edit`]: what the builder does to a scenario (add, rename, remove, connect, place).
//! - [`form`]: the inspector's forms as data (fields, JSON pointers, problems per field).
//! - [`gesture`]: the canvas's pointer gestures (select, move, connect); pure.
//! - [`playground`]: the scenario editor (with undo), its layout and the run, with the methods the
//!   components call.
//! - [`anim`]: the tokens and flashes of the animation, driven by a clock; pure.
//! - [`frame`]: the one `requestAnimationFrame` loop that draws the animation.
//! - [`playback`]: the animation's speed, pause and replay clocks; pure.
//! - [`timeline`]: the timeline editor's lanes, time axis and snapping; pure.
//! - [`share`]: links that carry a scenario (`#s=…`), JSON import and export; [`deflate`] and
//!   [`base64url`] pack them.
//! - [`fatal`]: the banner shown when the page's own code fails.
//! - [`state`]: the connection and the relay's hello.
//! - [`socket`]: the web-sys WebSocket.
//! - [`app`]: the page and its header; [`views`]: its panes; [`components`]: the relay status
//!   panel.
//!
//! `main.rs` only installs the panic hook ([`fatal::install`]) and mounts [`App`]; `index.html` and `style.css` next
//! to this crate's manifest are copied beside the wasm by `cargo xtask build-frontend`.

pub mod anim;
pub mod app;
pub mod base64url;
pub mod components;
pub mod deflate;
pub mod edit;
pub mod fatal;
pub mod form;
pub mod frame;
pub mod gallery;
pub mod gesture;
pub mod i18n;
pub mod layout;
pub mod playback;
pub mod playground;
pub mod run;
pub mod share;
pub mod socket;
pub mod state;
pub mod timeline;
pub mod views;

pub use app::{App, PlaygroundView, apply_server_message};
pub use components::StatusPanel;
pub use i18n::Lang;
pub use playground::Playground;
pub use state::{Connection, Status};
