//! Vhosts made ready ahead of demand, each with an AMQP connection open on it, so that a run
//! starts without waiting for the broker: RabbitMQ creates vhosts one after the other (tens of
//! milliseconds each on a quiet cluster, seconds for a burst of sixty), and sixty connections
//! opened at once take hundreds of milliseconds on a busy one, while taking a ready vhost costs
//! nothing.
//!
//! One task keeps the pool filled: a single `select!` over what happened (a vhost was taken, a
//! vhost was made ready, the pause after a failure is over, shutdown), a few at a time. A vhost
//! leaves the pool for one run and is never handed out again; when the pool is empty the run
//! creates its own. At shutdown the pool closes its connections and deletes its vhosts, and its
//! task (tracked) ends only then.

use lapin::Connection;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::registry::Registry;
use crate::broker::BrokerEndpoints;
use crate::broker::management::ManagementError;
use crate::run::{amqp, link};

/// Most vhosts the pool makes ready at once.
const CREATIONS_AT_ONCE: usize = 2;
/// How long the pool waits after a failed creation before it tries again.
const PAUSE_AFTER_FAILURE: Duration = Duration::from_secs(5);
/// The description of a pool vhost.
const PURPOSE: &str = "Warren: made ready for a run; deleted when the run ends";

/// A vhost ready for a run.
#[derive(Debug)]
pub struct ReadyVhost {
    /// The vhost's name.
    pub name: String,
    /// A connection open on it, when one could be opened (it may have failed since).
    pub connection: Option<Connection>,
}

/// A handle on the pool; cheap to clone. A disabled pool (size 0) never holds a vhost.
#[derive(Debug, Clone)]
pub struct VhostPool {
    shared: Arc<Mutex<Ready>>,
    taken: Arc<Notify>,
    /// Ready vhosts older than this are not handed out (see [`VhostPool::start`]).
    max_idle: Option<Duration>,
    registry: Option<Registry>,
}

/// The vhosts ready to be taken, oldest first, with when each was made ready.
#[derive(Debug, Default)]
struct Ready {
    vhosts: VecDeque<(ReadyVhost, Instant)>,
}

/// What woke the pool's task.
enum Wake {
    Taken,
    Created(Box<Result<Result<ReadyVhost, ManagementError>, tokio::task::JoinError>>),
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

    /// Keep `size` vhosts ready (none: [`VhostPool::disabled`]), made through `registry` with a
    /// connection open on each at `endpoints`, until `shutdown`; the task runs on `tracker`.
    /// Vhosts that waited longer than `max_idle` are not handed out but deleted: without a lease,
    /// another relay's sweep may delete an idle vhost a minute after it was made.
    pub fn start(
        registry: Registry,
        endpoints: BrokerEndpoints,
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
        tracker.spawn(pool.clone().keep_filled(registry, endpoints, size, shutdown));
        pool
    }

    /// A ready vhost, which the caller now owns (and deletes); `None` when the pool is empty,
    /// disabled or shut down.
    pub fn take(&self) -> Option<ReadyVhost> {
        let mut stale = Vec::new();
        let taken = {
            let mut ready = self.ready();
            loop {
                match ready.vhosts.pop_front() {
                    Some((vhost, made)) if self.max_idle.is_some_and(|idle| made.elapsed() > idle) => stale.push(vhost),
                    other => break other.map(|(vhost, _)| vhost),
                }
            }
        };
        if let Some(registry) = &self.registry {
            for vhost in stale {
                discard(registry, vhost);
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
    async fn keep_filled(
        self,
        registry: Registry,
        endpoints: BrokerEndpoints,
        size: usize,
        shutdown: CancellationToken,
    ) {
        let mut creating = JoinSet::new();
        let mut paused_until: Option<Instant> = None;
        loop {
            if paused_until.is_none() {
                let ready = self.ready_count();
                while creating.len() < CREATIONS_AT_ONCE && ready + creating.len() < size {
                    creating.spawn(make_ready(registry.clone(), endpoints.clone()));
                }
            }
            let wake = tokio::select! {
                () = self.taken.notified() => Wake::Taken,
                Some(created) = creating.join_next(), if !creating.is_empty() => Wake::Created(Box::new(created)),
                () = sleep_until(paused_until), if paused_until.is_some() => Wake::PauseOver,
                () = shutdown.cancelled() => Wake::Shutdown,
            };
            match wake {
                Wake::Taken => {}
                Wake::Created(created) => match *created {
                    Ok(Ok(vhost)) => self.ready().vhosts.push_back((vhost, Instant::now())),
                    Ok(Err(error)) => {
                        tracing::warn!(%error, "could not make a vhost ready ahead of a run; trying again in {PAUSE_AFTER_FAILURE:?}");
                        paused_until = Some(Instant::now() + PAUSE_AFTER_FAILURE);
                    }
                    Err(error) => tracing::warn!(%error, "making a vhost ready ended abnormally"),
                },
                Wake::PauseOver => paused_until = None,
                Wake::Shutdown => break,
            }
        }
        let left: Vec<ReadyVhost> = self.ready().vhosts.drain(..).map(|(vhost, _)| vhost).collect();
        for vhost in left {
            discard(&registry, vhost);
        }
        while let Some(created) = creating.join_next().await {
            if let Ok(Ok(vhost)) = created {
                discard(&registry, vhost);
            }
        }
    }
}

/// Create a vhost and open a connection on it; a vhost whose connection fails is still ready
/// (the run connects itself).
async fn make_ready(registry: Registry, endpoints: BrokerEndpoints) -> Result<ReadyVhost, ManagementError> {
    let name = registry.create(PURPOSE).await?;
    let url = endpoints.amqp_url_for_vhost(&name);
    let connection = match link::connect(&url, &format!("warren run in {name}")).await {
        Ok(connection) => Some(connection),
        Err(error) => {
            tracing::debug!(vhost = %name, error = %amqp::describe(&error), "could not open a connection ahead of a run");
            None
        }
    };
    Ok(ReadyVhost { name, connection })
}

/// Close a ready vhost's connection, then delete it.
async fn close_and_delete(registry: Registry, vhost: ReadyVhost) {
    if let Some(connection) = vhost.connection {
        link::close_quietly(&connection, "the relay no longer needs this vhost").await;
    }
    registry.delete_later(vhost.name);
}

/// Close and delete a ready vhost that will not be handed out, in the background.
fn discard(registry: &Registry, vhost: ReadyVhost) {
    registry.track(close_and_delete(registry.clone(), vhost));
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
