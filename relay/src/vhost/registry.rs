//! The vhosts one relay made and has not deleted yet.
//!
//! A name is registered before the vhost is asked for, and stays registered until its deletion
//! has been tried, so the relay's own [`super::sweep`] never deletes a vhost a run or the pool
//! still holds. Deletions run in the background on the relay's task tracker, a bounded number at
//! a time (a burst of runs ending at once queues its deletions instead of flooding the
//! management API), and shutdown waits for them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Semaphore;
use tokio_util::task::TaskTracker;

use super::RelayId;
use crate::broker::management::{Management, ManagementError};

/// Most vhost deletions under way at once.
pub const DELETIONS_AT_ONCE: usize = 4;

/// The vhosts one relay made; cheap to clone, clones share it.
#[derive(Debug, Clone)]
pub struct Registry {
    management: Management,
    relay: Option<RelayId>,
    live: Arc<Mutex<HashSet<String>>>,
    deletions: Arc<Semaphore>,
    tracker: TaskTracker,
}

impl Registry {
    /// A registry for a relay whose vhosts are named after `relay` (`None`: it holds no lease,
    /// its names are process-made), deleting in the background on `tracker`.
    pub fn new(management: Management, relay: Option<RelayId>, tracker: TaskTracker) -> Self {
        Self {
            management,
            relay,
            live: Arc::default(),
            deletions: Arc::new(Semaphore::new(DELETIONS_AT_ONCE)),
            tracker,
        }
    }

    /// The relay id its vhosts carry, when it holds a lease.
    pub fn relay(&self) -> Option<&RelayId> {
        self.relay.as_ref()
    }

    /// The management API it uses.
    pub fn management(&self) -> &Management {
        &self.management
    }

    /// Create a new vhost, described as `purpose`, and return its name. A vhost that could not
    /// be made whole (created, but no permissions) is deleted again.
    pub async fn create(&self, purpose: &str) -> Result<String, ManagementError> {
        let name = super::new_vhost(self.relay.as_ref());
        self.register(&name);
        match self.management.create_vhost(&name, purpose).await {
            Ok(()) => Ok(name),
            Err(error) => {
                self.delete_later(name);
                Err(error)
            }
        }
    }

    /// Delete `name` in the background; a vhost that was never made, or is already gone, counts
    /// as deleted. A deletion that fails is logged, and the sweep tries again later.
    pub fn delete_later(&self, name: String) {
        self.register(&name);
        let this = self.clone();
        self.tracker.spawn(async move {
            // The semaphore is never closed; without a permit the deletion goes ahead anyway.
            let _permit = this.deletions.acquire().await.ok();
            if let Err(error) = this.management.delete_vhost(&name).await {
                tracing::warn!(vhost = %name, %error, "could not delete a vhost; the relay's sweep tries again");
            }
            this.unregister(&name);
        });
    }

    /// Run a clean-up task (closing a connection before a deletion, say) on the relay's tracker,
    /// so that shutdown waits for it.
    pub fn track(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.tracker.spawn(task);
    }

    /// Whether `name` is made by this relay and not deleted yet (or being deleted).
    pub fn is_live(&self, name: &str) -> bool {
        self.live_set().contains(name)
    }

    fn register(&self, name: &str) {
        self.live_set().insert(name.to_owned());
    }

    fn unregister(&self, name: &str) {
        self.live_set().remove(name);
    }

    fn live_set(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        // The set stays consistent whatever panicked while holding it: every change is one call.
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
