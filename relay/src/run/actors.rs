//! Actor bookkeeping shared by the run: when each actor may start, whether it is done, and
//! how a timeline step starts or stops it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;
use warren_shared::say;
use warren_shared::sentences::relay as say;
use warren_shared::{Scenario, Start};

use super::amqp;
use super::closes::BrokerClose;
use super::emitter::Emitter;
use super::link::Link;
use std::future::Future;
use warren_shared::EventKind;

/// Where an actor is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not started yet.
    Waiting,
    /// Publishing or consuming.
    Running,
    /// Finished, stopped or failed.
    Done,
}

/// The controls of one actor.
#[derive(Debug)]
pub struct ActorControl {
    /// Current phase, watched by actors that start after this one.
    pub phase: watch::Sender<Phase>,
    /// Signalled by a timeline `start` step.
    pub start_now: Notify,
    /// Cancelled by a timeline `stop` step or when the run ends.
    pub stop: CancellationToken,
}

/// All actors of a run, by name.
#[derive(Debug, Clone)]
pub struct Actors {
    controls: Arc<HashMap<String, ActorControl>>,
    /// Run time (ms) of the last sign of progress: a delivery, an actor starting or finishing.
    last_activity_ms: Arc<AtomicU64>,
    /// Signalled whenever an actor's phase changes: the moments a queue's depth turns (a
    /// publisher done with its backlog, a consumer starting on it), read at once by
    /// [`super::depths`]. Signals that nobody waited for collapse into one.
    phase_changed: Arc<Notify>,
}

impl Actors {
    /// Controls for every actor of the scenario; each actor's stop token is a child of `run`.
    pub fn new(scenario: &Scenario, run: &CancellationToken) -> Self {
        let controls = scenario
            .actor_names()
            .map(|name| {
                let control = ActorControl {
                    phase: watch::channel(Phase::Waiting).0,
                    start_now: Notify::new(),
                    stop: run.child_token(),
                };
                (name.to_owned(), control)
            })
            .collect();
        Self {
            controls: Arc::new(controls),
            last_activity_ms: Arc::new(AtomicU64::new(0)),
            phase_changed: Arc::new(Notify::new()),
        }
    }

    /// The controls of one actor.
    pub fn get(&self, name: &str) -> Option<&ActorControl> {
        self.controls.get(name)
    }

    /// The phase of one actor.
    pub fn phase(&self, name: &str) -> Option<Phase> {
        self.controls.get(name).map(|c| *c.phase.borrow())
    }

    /// Record progress at run time `ms`.
    pub fn touch(&self, ms: u64) {
        self.last_activity_ms.fetch_max(ms, Ordering::Relaxed);
    }

    /// Run time of the last progress.
    pub fn last_activity_ms(&self) -> u64 {
        self.last_activity_ms.load(Ordering::Relaxed)
    }

    /// Mark an actor's phase and note the activity.
    pub fn set_phase(&self, name: &str, phase: Phase, emitter: &Emitter) {
        if let Some(control) = self.controls.get(name) {
            control.phase.send_replace(phase);
        }
        self.touch(emitter.now_ms());
        self.phase_changed.notify_one();
    }

    /// Wait until an actor's phase changes (at once if one changed since the last wait).
    pub async fn phase_changed(&self) {
        self.phase_changed.notified().await;
    }

    /// Wait until `name` may start. Returns `false` when it was stopped first.
    pub async fn wait_for_start(&self, name: &str, start: &Start, emitter: &Emitter) -> bool {
        let Some(me) = self.controls.get(name) else {
            return false;
        };
        let gate = async {
            match start {
                Start::AtMs(ms) => tokio::time::sleep_until(emitter.at(*ms)).await,
                Start::After(other) => match self.controls.get(other) {
                    Some(other) => {
                        let mut rx = other.phase.subscribe();
                        let _ = rx.wait_for(|p| *p == Phase::Done).await;
                    }
                    None => std::future::pending().await,
                },
                Start::OnStep => std::future::pending().await,
            }
        };
        tokio::select! {
            () = me.stop.cancelled() => false,
            () = me.start_now.notified() => true,
            () = gate => true,
        }
    }
}

/// The life of one actor: wait for its start, announce it, do `work`, announce how it ended.
/// `work` returns why it stopped (`finished`, `stopped`...), or the AMQP error that ended it; an
/// error that is RabbitMQ closing the actor's channel is reported as such.
pub async fn live<Fut>(
    name: &str,
    start: &Start,
    actors: &Actors,
    emitter: &Emitter,
    link: &Link,
    work: impl FnOnce() -> Fut,
) where
    Fut: Future<Output = lapin::Result<String>>,
{
    if !actors.wait_for_start(name, start, emitter).await {
        actors.set_phase(name, Phase::Done, emitter);
        let reason = say::NEVER_STARTED.to_owned();
        emitter
            .emit(EventKind::ActorStopped {
                actor: name.to_owned(),
                reason,
            })
            .await;
        return;
    }
    actors.set_phase(name, Phase::Running, emitter);
    emitter.emit(EventKind::ActorStarted { actor: name.to_owned() }).await;
    let reason = match work().await {
        Ok(reason) => reason,
        Err(error) => match link.channel_closed(&error) {
            Some(close) => {
                report_close(name, &close, emitter).await;
                close.reason()
            }
            None => say!(say::ACTOR_FAILED, error = amqp::describe(&error)),
        },
    };
    actors.set_phase(name, Phase::Done, emitter);
    emitter
        .emit(EventKind::ActorStopped {
            actor: name.to_owned(),
            reason,
        })
        .await;
}

/// Report that RabbitMQ closed `actor`'s channel, with its reply code and text.
pub async fn report_close(actor: &str, close: &BrokerClose, emitter: &Emitter) {
    emitter
        .emit(EventKind::ChannelClosed {
            actor: actor.to_owned(),
            code: close.code,
            text: close.text.clone(),
        })
        .await;
}
