//! Work repeated at a fixed interval for as long as the relay serves.

use std::future::Future;
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Run `work` every `interval` on `tracker` until `shutdown`, the first time one interval from
/// now (what is needed at once is done at start-up, before serving). A late round delays the next
/// rather than bunching them, and shutdown also cuts a round short.
pub fn every<F, Fut>(interval: Duration, shutdown: CancellationToken, tracker: &TaskTracker, mut work: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tracker.spawn(async move {
        let every = interval.max(Duration::from_millis(1)); // an interval of zero panics
        let mut tick = tokio::time::interval_at(Instant::now() + every, every);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = tick.tick() => {}
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = work() => {}
            }
        }
    });
}
