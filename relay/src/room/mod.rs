//! The workshop room: an instructor runs a course for a room of learners from one relay
//! (docs/workshop.md).
//!
//! `warren serve --workshop` opens the workshop's folder ([`open`]): its database and the
//! instructor's token. [`Workshop`] is the handle the WebSocket sessions and the HTTP endpoints
//! share: every room operation goes through it, and it decides who may do what.
//!
//! # Layout
//! - this file: the folder, the settings, [`Workshop`] and how it starts.
//! - [`instructor`]: what the instructor may do (create, list, move on, close, push, the grid,
//!   one attempt, the CSV), each behind the token.
//! - [`learner`]: what a learner may do (join, rejoin, ask for a solution) and how their runs
//!   become attempts.
//! - [`refuse`]: every refusal's words, in one place.
//! - [`api`]: the HTTP endpoints under `/api/rooms`.
//! - [`store`]: the SQLite database behind a typed API; [`model`]: what it keeps; [`error`]:
//!   its errors.
//! - [`hub`]: each room's live channels and its grid keeper; [`grid`]: the pure grid.
//! - [`setup`]: a new room checked; [`course`]: the course compiled in.
//! - [`limits`]: per-learner gates, per-address failure limits; [`secret`]: codes, secrets,
//!   ids; [`names`]: display names; [`token`]: the instructor's token; [`csv`]: the export.

pub mod api;
pub mod course;
pub mod csv;
pub mod error;
pub mod grid;
pub mod hub;
pub mod instructor;
pub mod learner;
pub mod limits;
pub mod model;
pub mod names;
pub mod refuse;
pub mod secret;
pub mod setup;
pub mod store;
pub mod token;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use warren_shared::Limits;

use error::OpenError;
use hub::Hubs;
use limits::{Failures, JOIN_FAILURES, SeatGates, TOKEN_FAILURES};
use store::Store;
use token::TokenError;

/// The database's file in the workshop's folder.
pub const DATABASE_FILE: &str = "rooms.sqlite3";

/// The workshop's folder: `workshop` in Warren's data folder.
pub fn default_dir() -> PathBuf {
    crate::broker::managed::ManagedBroker::default_data_dir().join("workshop")
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Why the workshop could not start; each message is a whole start-up paragraph.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database.
    #[error(transparent)]
    Store(#[from] OpenError),
    /// The instructor's token.
    #[error(transparent)]
    Token(#[from] TokenError),
}

/// The workshop's folder, opened: its database and the instructor's token.
#[derive(Debug)]
pub struct Opened {
    /// The database.
    pub store: Store,
    /// The instructor's token.
    pub token: String,
    /// Where the token came from.
    pub token_origin: token::Origin,
}

/// Open the workshop in `dir` (made if missing): the database, brought up to date, and the
/// instructor's token, `given` or kept there.
pub fn open(dir: &Path, given_token: Option<&str>) -> Result<Opened, StartError> {
    let store = Store::open(&dir.join(DATABASE_FILE))?;
    let (token, token_origin) = token::instructor_token(dir, given_token)?;
    Ok(Opened {
        store,
        token,
        token_origin,
    })
}

/// How a workshop treats its learners.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Runs a learner may start in a minute.
    pub runs_per_minute: usize,
    /// The limits of the instructor's demos and of the room exercises learners may run that stop
    /// nodes: node faults allowed where the relay can fault nodes.
    pub demo_limits: Limits,
    /// The limits of every other learner run.
    pub learner_limits: Limits,
}

impl Settings {
    /// The settings of a relay whose runs respect `limits`: learners keep them, demos may fault
    /// the nodes `limits` names (none on a broker Warren does not manage).
    pub fn new(limits: &Limits, runs_per_minute: usize) -> Self {
        Self {
            runs_per_minute,
            demo_limits: Limits {
                node_faults: !limits.nodes.is_empty(),
                ..limits.clone()
            },
            learner_limits: limits.clone(),
        }
    }
}

/// The workshop: its store, its token, its limits and its rooms' live channels. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Workshop {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    token: String,
    settings: Settings,
    gates: SeatGates,
    token_failures: Failures,
    join_failures: Failures,
    hubs: Hubs,
}

impl Workshop {
    /// Start the workshop of `opened`: its rooms' grid keepers are tracked by `tasks` and stop on
    /// `shutdown`.
    pub fn start(opened: Opened, settings: Settings, shutdown: CancellationToken, tasks: TaskTracker) -> Self {
        Self {
            inner: Arc::new(Inner {
                hubs: Hubs::new(opened.store.clone(), shutdown, tasks),
                gates: SeatGates::new(settings.runs_per_minute),
                token_failures: Failures::new(TOKEN_FAILURES),
                join_failures: Failures::new(JOIN_FAILURES),
                store: opened.store,
                token: opened.token,
                settings,
            }),
        }
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }
}
