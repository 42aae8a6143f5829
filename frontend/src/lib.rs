//! Warren's browser page: a Leptos (client-side rendered) app compiled to WebAssembly.
//!
//! The page is a playground for RabbitMQ's reliability features. A gallery of example scenarios
//! sits on the left, the scenario's topology on a canvas in the middle, an inspector (what to
//! look for, the scenario's JSON, the relay) on the right, and the run's event log and summary
//! below. Run sends the scenario to the relay over `/ws`; every event the relay observes on the
//! real broker is logged, counted and animated on the canvas.
//!
//! # Layout
//! The folders are the layers: pure models at the bottom, the page's state and its inbox above
//! them, the views on top.
//! - [`model`]: plain data with methods, neither leptos nor web-sys, tested on the host: the
//!   document being edited, the run record, the connection's status, the layout, the builder's
//!   edits and forms, the canvas's gestures, the timeline, the animation and its playback clocks.
//! - [`share`]: the share-link codec (`#s=…`): packing, [`share::deflate`], [`share::base64url`].
//! - [`gallery`]: the examples, embedded at compile time; [`i18n`]: the page in English and
//!   Chinese: the catalogue of its own words, and the examples' names and explanations.
//! - [`course`]: the exercises of the course, fetched from beside the release page when first
//!   wanted (embedded in other builds); [`fetch`]: the page's HTTP requests to the relay (such
//!   files, and the instructor's calls to `/api`).
//! - [`playground`]: the page's state in signals split by how often they change (the document,
//!   the run record), with what touches both.
//! - [`inbox`]: the one inbox for the relay: what the socket brings goes to the connection's
//!   status, the run record and the animation from here; [`socket`]: the web-sys WebSocket that
//!   feeds it.
//! - [`frame`]: the one `requestAnimationFrame` loop that animates tokens and flashes, and the
//!   page's one clock: the run record is shown at its playhead.
//! - [`keep`]: the scenario kept in `localStorage` and the address bar, so no work is lost.
//! - [`room`]: whether the page is in a workshop room, as a learner or the instructor (the
//!   room's pages are loaded on demand: [`views::room`]).
//! - [`app`]: the page and its header; [`views`]: its panes; [`components`]: the relay status
//!   panel; [`fatal`]: the banner shown when the page's own code fails.
//!
//! `main.rs` only installs the panic hook ([`fatal::install`]) and mounts [`App`]; `index.html` and `style.css` next
//! to this crate's manifest are copied beside the wasm by `cargo xtask build-frontend`.

pub mod app;
pub mod components;
pub mod course;
pub mod fatal;
pub mod fetch;
pub mod frame;
pub mod gallery;
pub mod i18n;
pub mod inbox;
pub mod keep;
pub mod model;
pub mod playground;
pub mod room;
pub mod share;
pub mod socket;
pub mod views;

pub use app::{App, PlaygroundView};
pub use components::StatusPanel;
pub use i18n::Lang;
pub use inbox::Inbox;
pub use model::document::Document;
pub use model::state::{Connection, Status};
pub use playground::Playground;
