//! Warren's relay: runs scenarios on a real RabbitMQ and streams what happened to the browser.
//!
//! # Layout
//! - [`cli`]: the `warren` command line (`serve`, `run`, `check`, `broker up|down|status`).
//! - [`connect`]: choosing the broker, configured or managed; removing vhosts left by a crash.
//! - [`broker`]: the managed RabbitMQ, the management API client, and reading broker URLs.
//! - [`run`]: one scenario on the broker, from its own vhost to its summary.
//! - [`vhost`]: run ids, run vhosts and their names; the relay's pool of ready vhosts, its lease
//!   on the broker, and the sweep that deletes what dead relays left.
//! - [`server`]: the router (`/`, `/ws`, `/healthz`), the relay's settings and shared state, and
//!   graceful shutdown.
//! - [`admission`]: who may open a WebSocket (its `Origin`, sockets per client address).
//! - [`slots`]: how many runs at once, and the fair waiting line for a slot.
//! - [`periodic`]: work repeated at an interval while the relay serves (the sweep, the overview).
//! - [`ws`]: one WebSocket session, and its socket's bounded outbox.
//!
//! The binary is a thin wrapper over [`cli::main`]; tests drive [`server::app`] and
//! [`run::execute`] directly.

pub mod admission;
pub mod broker;
pub mod cli;
pub mod connect;
pub mod periodic;
pub mod room;
pub mod run;
pub mod server;
pub mod slots;
pub mod vhost;
pub mod ws;
