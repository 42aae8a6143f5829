//! Each room's live side: what reaches its learners' sockets (the room moved on or closed, a
//! scenario from the instructor), and the instructor's grid, kept fresh by a task of its own.
//!
//! ```text
//! attempt recorded, learner joined, room changed ─► Hub::changed ─► (bounded, coalesced)
//!     grid keeper: one select! over shutdown, the change notice, the coalescing timer and a
//!     periodic refresh ─► store ─► grid::grid ─► watch channel ─► every watching socket
//! next, close, push ─► Hub::tell ─► broadcast channel ─► every learner socket of the room
//! ```
//!
//! The grid is made once per change for all who watch it, at most every [`GRID_COALESCE`], and
//! only while someone watches; the refresh every [`GRID_REFRESH`] lets "stuck for a long time"
//! appear without a run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use warren_shared::room::{Grid, Push, RoomView};

use super::error::StoreError;
use super::grid;
use super::store::Store;
use crate::room::now_ms;

/// How long the grid keeper gathers changes before it makes the grid again.
pub const GRID_COALESCE: Duration = Duration::from_millis(150);
/// How often the grid is made again without a change, while someone watches.
pub const GRID_REFRESH: Duration = Duration::from_secs(10);
/// Signals buffered per learner socket; one that falls further behind skips to the newest.
const LEARNER_BUFFER: usize = 64;

/// What reaches every learner socket of a room.
#[derive(Debug, Clone)]
pub enum LearnerSignal {
    /// The room moved on, or closed.
    Room(Arc<RoomView>),
    /// The instructor sent a scenario to everyone.
    Pushed(Arc<Push>),
}

/// The rooms' hubs, made when first wanted; cheap to clone, clones share them.
#[derive(Debug, Clone)]
pub struct Hubs {
    hubs: Arc<Mutex<HashMap<String, Hub>>>,
    store: Store,
    shutdown: CancellationToken,
    tasks: TaskTracker,
}

/// One room's channels.
#[derive(Debug, Clone)]
pub struct Hub {
    learners: broadcast::Sender<LearnerSignal>,
    grid: Arc<watch::Sender<Option<Arc<Grid>>>>,
    dirty: mpsc::Sender<()>,
}

impl Hubs {
    /// Hubs whose grid keepers read `store`, are tracked by `tasks` and stop on `shutdown`.
    pub fn new(store: Store, shutdown: CancellationToken, tasks: TaskTracker) -> Self {
        Self {
            hubs: Arc::default(),
            store,
            shutdown,
            tasks,
        }
    }

    /// The hub of room `room_id`, started if it was not.
    pub fn get(&self, room_id: &str) -> Hub {
        let mut hubs = self.hubs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(hub) = hubs.get(room_id) {
            return hub.clone();
        }
        let (learners, _) = broadcast::channel(LEARNER_BUFFER);
        let (grid, _) = watch::channel(None);
        let grid = Arc::new(grid);
        let (dirty, notices) = mpsc::channel(1);
        let keeper = Keeper {
            room_id: room_id.to_owned(),
            store: self.store.clone(),
            grid: Arc::clone(&grid),
            notices,
            shutdown: self.shutdown.clone(),
        };
        self.tasks.spawn(keeper.run());
        let hub = Hub { learners, grid, dirty };
        hubs.insert(room_id.to_owned(), hub.clone());
        hub
    }
}

impl Hub {
    /// What reaches a learner socket from now on.
    pub fn learners(&self) -> broadcast::Receiver<LearnerSignal> {
        self.learners.subscribe()
    }

    /// Send `signal` to every learner socket of the room; how many there are.
    pub fn tell(&self, signal: LearnerSignal) -> usize {
        self.learners.send(signal).unwrap_or(0)
    }

    /// Learner sockets open in the room.
    pub fn learner_sockets(&self) -> usize {
        self.learners.receiver_count()
    }

    /// Watch the grid: a new one arrives within [`GRID_COALESCE`] of every change (the watcher
    /// makes its first one itself).
    pub fn watch(&self) -> watch::Receiver<Option<Arc<Grid>>> {
        self.grid.subscribe()
    }

    /// Something the grid shows changed.
    pub fn changed(&self) {
        // Full: a notice is already waiting, which covers this change too.
        let _ = self.dirty.try_send(());
    }
}

/// The task that keeps one room's grid.
struct Keeper {
    room_id: String,
    store: Store,
    grid: Arc<watch::Sender<Option<Arc<Grid>>>>,
    notices: mpsc::Receiver<()>,
    shutdown: CancellationToken,
}

/// What woke the grid keeper.
enum Wake {
    Changed,
    Due,
    Refresh,
    Stop,
}

impl Keeper {
    async fn run(mut self) {
        let mut due: Option<Instant> = None;
        let mut refresh = tokio::time::interval_at(Instant::now() + GRID_REFRESH, GRID_REFRESH);
        refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let wake = tokio::select! {
                () = self.shutdown.cancelled() => Wake::Stop,
                notice = self.notices.recv() => match notice {
                    Some(()) => Wake::Changed,
                    None => Wake::Stop,
                },
                () = sleep_until(due) => Wake::Due,
                _ = refresh.tick() => Wake::Refresh,
            };
            match wake {
                Wake::Stop => break,
                Wake::Changed => {
                    due.get_or_insert_with(|| Instant::now() + GRID_COALESCE);
                }
                Wake::Due | Wake::Refresh => {
                    due = None;
                    if self.grid.receiver_count() > 0 {
                        self.make().await;
                    }
                }
            }
        }
    }

    /// Make the grid and hand it to everyone watching.
    async fn make(&self) {
        match room_grid(&self.store, &self.room_id).await {
            Ok(Some(grid)) => {
                self.grid.send_replace(Some(Arc::new(grid)));
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(room = %self.room_id, %error, "could not make a room's grid"),
        }
    }
}

/// Sleep until `due`, or forever without one.
async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

/// The grid of room `room_id` as of now, from the store.
pub async fn room_grid(store: &Store, room_id: &str) -> Result<Option<Grid>, StoreError> {
    let Some(room) = store.room(room_id).await? else {
        return Ok(None);
    };
    let seats = store.seats(room_id).await?;
    let attempts = store.room_attempts(room_id).await?;
    Ok(Some(grid::grid(&room, &seats, &attempts, now_ms())))
}
