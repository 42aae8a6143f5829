//! Stamping events with the run clock and handing them to the collector.

use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;
use warren_shared::{Event, EventKind};

/// The run's clock and event channel; cheap to clone into every actor.
#[derive(Clone, Debug)]
pub struct Emitter {
    tx: mpsc::Sender<Event>,
    started: Instant,
}

impl Emitter {
    /// An emitter whose clock starts now.
    pub fn new(tx: mpsc::Sender<Event>) -> Self {
        Self {
            tx,
            started: Instant::now(),
        }
    }

    /// Milliseconds since the run started.
    pub fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The instant `ms` milliseconds after the run started.
    pub fn at(&self, ms: u64) -> Instant {
        self.started + Duration::from_millis(ms)
    }

    /// Send an event stamped with the current time. Waits when the collector is behind, which
    /// slows the actors down instead of dropping anything; a closed collector means the run is
    /// being torn down, and the event has nowhere to go.
    pub async fn emit(&self, kind: EventKind) {
        let event = Event {
            t_ms: self.now_ms(),
            kind,
        };
        let _ = self.tx.send(event).await;
    }

    /// Send a warning.
    pub async fn warn(&self, message: impl Into<String>) {
        self.emit(EventKind::Warning {
            message: message.into(),
        })
        .await;
    }
}
