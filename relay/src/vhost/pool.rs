//! Vhosts made ready ahead of demand, so that a run starts without waiting for the broker to
//! create one: RabbitMQ creates vhosts one after the other (tens of milliseconds each on a
//! cluster, seconds for a burst of sixty), while taking a ready one costs nothing.
//!
//! One task keeps the pool filled: a single `select!` over what happened (a vhost was taken, a
//! creation ended, the pause after a failure is over, shutdown), a few creations at a time. A
//! vhost leaves the pool for one run and is never handed out again; when the pool is empty the
//! run creates its own. At shutdown the pool deletes what it holds, and its task (tracked) ends
//! only then.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::registry::Registry;
use crate::broker::management::ManagementError;

/// Default number of vhosts kept ready.
pub const DEFAULT_SIZE: usize = 8;
/// Most vhost creations the pool has under way at once.
const CREATIONS_AT_ONCE: usize = 2;
/// How long the pool waits after a failed creation before it tries again.
const PAUSE_AFTER_FAILURE: Duration = Duration::from_secs(5);
/// The description of a pool vhost.
const PURPOSE: &str = "Warren: made ready for a run; deleted when the run ends";

/// A handle on the pool; cheap to clone. A disabled pool (size 0) never holds a vhost.
#[derive(Debug, Clone)]
pub struct VhostPool {
    shared: Arc<Mutex<Ready>>,
    taken: Arc<Notify>,
    /// Ready vhosts older than this are not handed out (see [`VhostPool::start`]).
    max_idle: Option<Duration>,
    registry: Option<Registry>,
}

/// The vhosts ready to be taken, oldest first.
#[derive(Debug, Default)]
struct Ready {
    vhosts: VecDeque<(String, Instant)>,
}

/// What woke the pool's task.
enum Wake {
    Taken,
    Created(Result<Result<String, ManagementError>, tokio::task::JoinError>),
    PauseOver,
    Shutdown,
}

impl VhostPool {
    /// A pool that holds nothing: every run creates its own vhost.
    pub fn disabled() -> Self {
        Self {
            shared: Arc::default(),
            taken: Arc::default(),
            max_idle: None,
            registry: None,
        }
    }

    /// Keep `size` vhosts ready (none: [`VhostPool::disabled`]), made through `registry`, until
    /// `shutdown`; the task runs on `tracker`. Vhosts that waited longer than `max_idle` are not
    /// handed out but deleted: without a lease, another relay's sweep may delete an idle vhost a
    /// minute after it was made.
    pub fn start(
        registry: Registry,
        size: usize,
        max_idle: Option<Duration>,
        shutdown: CancellationToken,
        tracker: &TaskTracker,
    ) -> Self {
        if size == 0 {
            return Self::disabled();
        }
        let pool = Self {
            shared: Arc::default(),
            taken: Arc::default(),
            max_idle,
            registry: Some(registry.clone()),
        };
        tracker.spawn(pool.clone().keep_filled(registry, size, shutdown));
        pool
    }

    /// A ready vhost, which the caller now owns (and deletes); `None` when the pool is empty,
    /// disabled or shut down.
    pub fn take(&self) -> Option<String> {
        let mut stale = Vec::new();
        let taken = {
            let mut ready = self.ready();
            loop {
                match ready.vhosts.pop_front() {
                    Some((name, made)) if self.max_idle.is_some_and(|idle| made.elapsed() > idle) => stale.push(name),
                    other => break other.map(|(name, _)| name),
                }
            }
        };
        if let Some(registry) = &self.registry {
            for name in stale {
                registry.delete_later(name);
            }
        }
        self.taken.notify_one();
        taken
    }

    /// How many vhosts are ready now.
    pub fn ready_count(&self) -> usize {
        self.ready().vhosts.len()
    }

    fn ready(&self) -> std::sync::MutexGuard<'_, Ready> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The pool's task: top up, wait for something to happen, repeat; at shutdown, delete.
    async fn keep_filled(self, registry: Registry, size: usize, shutdown: CancellationToken) {
        let mut creating = JoinSet::new();
        let mut paused_until: Option<Instant> = None;
        loop {
            if paused_until.is_none() {
                let ready = self.ready_count();
                while creating.len() < CREATIONS_AT_ONCE && ready + creating.len() < size {
                    let registry = registry.clone();
                    creating.spawn(async move { registry.create(PURPOSE).await });
                }
            }
            let wake = tokio::select! {
                () = self.taken.notified() => Wake::Taken,
                Some(created) = creating.join_next(), if !creating.is_empty() => Wake::Created(created),
                () = sleep_until(paused_until), if paused_until.is_some() => Wake::PauseOver,
                () = shutdown.cancelled() => Wake::Shutdown,
            };
            match wake {
                Wake::Taken => {}
                Wake::Created(Ok(Ok(name))) => self.ready().vhosts.push_back((name, Instant::now())),
                Wake::Created(Ok(Err(error))) => {
                    tracing::warn!(%error, "could not make a vhost ready ahead of a run; trying again in {PAUSE_AFTER_FAILURE:?}");
                    paused_until = Some(Instant::now() + PAUSE_AFTER_FAILURE);
                }
                Wake::Created(Err(error)) => tracing::warn!(%error, "a vhost creation ended abnormally"),
                Wake::PauseOver => paused_until = None,
                Wake::Shutdown => break,
            }
        }
        let left: Vec<String> = self.ready().vhosts.drain(..).map(|(name, _)| name).collect();
        for name in left {
            registry.delete_later(name);
        }
        while let Some(created) = creating.join_next().await {
            if let Ok(Ok(name)) = created {
                registry.delete_later(name);
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
