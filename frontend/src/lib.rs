//! Warren's browser page: a Leptos (client-side rendered) app compiled to WebAssembly.
//!
//! The page opens a WebSocket to `/ws` on its own host, reads the relay's
//! [`ServerMessage::Hello`](warren_shared::ServerMessage::Hello) and shows the connection, the
//! relay and protocol versions, the broker and its nodes, and the scenario limits.
//!
//! # Layout
//! - [`state`]: what the page knows, as plain data with methods; no browser types, so it is
//!   unit-tested on the host.
//! - [`socket`]: the web-sys WebSocket that feeds a [`Status`] signal.
//! - [`components`]: thin Leptos components that lay a [`Status`] out; `data-testid` attributes
//!   mark what tests read.
//!
//! `main.rs` only installs the panic hook and mounts [`App`]; `index.html` and `style.css` next
//! to this crate's manifest are copied beside the wasm by `cargo xtask build-frontend`.

pub mod components;
pub mod socket;
pub mod state;

pub use components::{App, StatusPanel};
pub use state::{Connection, Hello, Status};
