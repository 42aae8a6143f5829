//! Queue depths as they are at the moment: each declared queue's ready count and consumers, read
//! over AMQP while the run goes on and merged with the management API's statistics into the
//! `queue_snapshot` events.
//!
//! The management API's statistics are sampled by the broker (every 5 s by default, every second
//! on Warren's own cluster), so a backlog that lives a tenth of a second never shows in them. A
//! passive `queue.declare` answers with the queue's ready count and consumer count as the queue
//! process holds them when it answers, on any broker. The figures AMQP cannot give (unacked, RAM
//! and paged out, leader and replicas, mode, state) still come from the management API.
//!
//! # Layout
//! - [`Probe`]: the run's depth channel and one round of passive declarations; a queue that is
//!   gone (404, which closes the channel) or does not answer within [`ROUND_TIMEOUT`] is left out
//!   for [`GONE_RETRY`] and the channel reopened.
//! - [`Merged`]: the latest snapshot of each queue from both sources, and which ones changed
//!   (pure, tested on the host).
//! - [`watch`]: the task, one `select!` over what woke it: a round due, an actor's phase changed,
//!   the management API's statistics arrived, the run stopping.
//!
//! # Cost
//! One channel per run, opened once (again after a 404 or a broken connection). A round asks
//! about every declared queue, one after the other on that channel: one small frame each way and
//! one call into the queue's process on the broker, well under a millisecond each. Rounds come
//! every [`DEPTH_INTERVAL`] (200 ms, five a second) and at once when an actor starts or stops
//! (the moments a backlog peaks or starts to drain); a snapshot is emitted only for a queue whose
//! figures changed. Sixty runs of three queues each ask about 900 times a second in all, far
//! below what one RabbitMQ node answers, and an idle run emits nothing.

use lapin::Channel;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;
use warren_shared::{EventKind, QueueSnapshot};

use super::actors::Actors;
use super::amqp::{self, Depth};
use super::emitter::Emitter;
use super::link::Link;

/// Time between two rounds of passive declarations. Short enough that a backlog a consumer
/// drains in a second shows several points on the way down, long enough that a run costs the
/// broker a handful of small requests a second per queue (see the module's doc).
pub const DEPTH_INTERVAL: Duration = Duration::from_millis(200);
/// Longest a round may take before it is given up and the channel opened afresh (a passive
/// declaration usually answers in well under a millisecond).
const ROUND_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a queue that could not be read (gone, or refused) is left out of the rounds.
pub const GONE_RETRY: Duration = Duration::from_secs(2);
/// How long closing the depth channel may take when the run ends.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// The run's depth channel and the queues it reads.
#[derive(Debug)]
pub struct Probe {
    link: Arc<Link>,
    queues: Vec<String>,
    channel: Option<Channel>,
    /// Queues that could not be read, and when to try them again.
    left_out: HashMap<String, Instant>,
    /// The queue being read, while a round waits for its answer.
    reading: Option<String>,
}

impl Probe {
    /// A probe of `queues` over `link`; it opens its channel with the first round.
    pub fn new(link: Arc<Link>, queues: Vec<String>) -> Self {
        Self {
            link,
            queues,
            channel: None,
            left_out: HashMap::new(),
            reading: None,
        }
    }

    /// Read every queue once: its depth, or `None` when it could not be read now (gone, refused,
    /// left out after such an answer, or the connection down).
    pub async fn round(&mut self) -> Vec<(String, Option<Depth>)> {
        let now = Instant::now();
        self.left_out.retain(|_, until| *until > now);
        let mut readings = Vec::with_capacity(self.queues.len());
        let mut connected = true;
        for queue in &self.queues {
            if !connected || self.left_out.contains_key(queue) {
                readings.push((queue.clone(), None));
                continue;
            }
            let Some(channel) = open(&self.link, &mut self.channel).await else {
                connected = false;
                readings.push((queue.clone(), None));
                continue;
            };
            self.reading = Some(queue.clone());
            let depth = amqp::depth(&channel, queue).await;
            self.reading = None;
            match depth {
                Ok(depth) => readings.push((queue.clone(), Some(depth))),
                Err(error) => {
                    // Whatever the error, the channel is of no further use.
                    self.channel = None;
                    if self.link.channel_closed(&error).is_some() {
                        // RabbitMQ closed the channel over this queue (404 when it is gone):
                        // claimed, so that no actor takes these words for its own.
                        self.left_out.insert(queue.clone(), now + GONE_RETRY);
                    } else {
                        connected = false;
                    }
                    readings.push((queue.clone(), None));
                }
            }
        }
        readings
    }

    /// Forget the channel after a round that took too long, and leave out the queue whose
    /// answer it was waiting for (a queue whose leader is being elected can keep it waiting).
    pub fn reset(&mut self) {
        if let Some(channel) = self.channel.take() {
            // Closed aside, within a bound, so that the next round does not wait for it.
            tokio::spawn(async move {
                let _ = tokio::time::timeout(CLOSE_TIMEOUT, channel.close(200, "no answer".into())).await;
            });
        }
        if let Some(queue) = self.reading.take() {
            self.left_out.insert(queue, Instant::now() + GONE_RETRY);
        }
    }

    /// Close the channel, if one is open.
    pub async fn close(self) {
        if let Some(channel) = self.channel
            && channel.status().connected()
        {
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, channel.close(200, "run over".into())).await;
        }
    }
}

/// The open depth channel in `slot`, or a new one on the run's connection; `None` while the
/// connection is down or being recovered (the actors recover it, not the probe).
async fn open(link: &Link, slot: &mut Option<Channel>) -> Option<Channel> {
    if let Some(channel) = slot.as_ref()
        && channel.status().connected()
    {
        return Some(channel.clone());
    }
    let connection = link.try_healthy()?;
    let channel = connection.create_channel().await.ok()?;
    *slot = Some(channel.clone());
    Some(channel)
}

/// The latest figures of each queue from both sources, and what was last emitted.
#[derive(Debug, Default)]
pub struct Merged {
    /// The management API's latest reading, by queue.
    statistics: HashMap<String, QueueSnapshot>,
    /// The latest AMQP reading of each queue that could be read, with its run time.
    depths: HashMap<String, (Depth, u64)>,
    /// The last snapshot emitted of each queue.
    emitted: HashMap<String, QueueSnapshot>,
}

impl Merged {
    /// Take a round of AMQP readings made at run time `t_ms`; a queue that could not be read
    /// falls back on the management API's figures.
    pub fn depths(&mut self, readings: Vec<(String, Option<Depth>)>, t_ms: u64) {
        for (queue, depth) in readings {
            match depth {
                Some(depth) => self.depths.insert(queue, (depth, t_ms)),
                None => self.depths.remove(&queue),
            };
        }
    }

    /// Forget every AMQP reading (a round that failed as a whole).
    pub fn forget_depths(&mut self) {
        self.depths.clear();
    }

    /// Take the management API's snapshots of every queue of the vhost.
    pub fn statistics(&mut self, snapshots: Vec<QueueSnapshot>) {
        self.statistics = snapshots.into_iter().map(|s| (s.queue.clone(), s)).collect();
    }

    /// The merged snapshot of every queue either source knows, in name order.
    pub fn current(&self) -> Vec<QueueSnapshot> {
        let names: BTreeMap<&str, ()> = self
            .statistics
            .keys()
            .chain(self.depths.keys())
            .map(|name| (name.as_str(), ()))
            .collect();
        names.into_keys().map(|name| self.merged(name)).collect()
    }

    fn merged(&self, queue: &str) -> QueueSnapshot {
        let mut snapshot = self.statistics.get(queue).cloned().unwrap_or_else(|| QueueSnapshot {
            queue: queue.to_owned(),
            ..QueueSnapshot::default()
        });
        if let Some((depth, t_ms)) = self.depths.get(queue) {
            snapshot.ready = depth.ready;
            snapshot.consumers = Some(depth.consumers);
            snapshot.ready_at_ms = Some(*t_ms);
            snapshot.messages = depth.ready + snapshot.unacked;
        }
        snapshot
    }

    /// The merged snapshots whose figures changed since they were last taken (a new reading time
    /// alone is no change), recorded as emitted.
    pub fn changed(&mut self) -> Vec<QueueSnapshot> {
        let same = |a: &QueueSnapshot, b: &QueueSnapshot| {
            QueueSnapshot {
                ready_at_ms: None,
                ..a.clone()
            } == QueueSnapshot {
                ready_at_ms: None,
                ..b.clone()
            }
        };
        let mut changed = Vec::new();
        for snapshot in self.current() {
            if self
                .emitted
                .get(&snapshot.queue)
                .is_some_and(|last| same(last, &snapshot))
            {
                continue;
            }
            self.emitted.insert(snapshot.queue.clone(), snapshot.clone());
            changed.push(snapshot);
        }
        changed
    }
}

/// What woke the depth task.
enum Wake {
    /// The run is over.
    Stop,
    /// A round is due.
    Due,
    /// An actor started or stopped.
    PhaseChanged,
    /// The management API's statistics arrived.
    Statistics(Vec<QueueSnapshot>),
}

/// Read the queues' depths every [`DEPTH_INTERVAL`] and whenever an actor's phase changes,
/// merge them with the management API's snapshots arriving on `statistics`, and emit each
/// queue's snapshot when it changed, until `stop`. Never fails the run: a queue or a channel
/// that cannot be read is reported with the management API's figures instead.
pub async fn watch(
    mut probe: Probe,
    actors: Actors,
    mut statistics: mpsc::Receiver<Vec<QueueSnapshot>>,
    emitter: Emitter,
    stop: CancellationToken,
) {
    let mut merged = Merged::default();
    let mut due = tokio::time::interval(DEPTH_INTERVAL);
    due.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        let wake = tokio::select! {
            () = stop.cancelled() => Wake::Stop,
            _ = due.tick() => Wake::Due,
            () = actors.phase_changed() => Wake::PhaseChanged,
            Some(snapshots) = statistics.recv() => Wake::Statistics(snapshots),
        };
        match wake {
            Wake::Stop => break,
            Wake::Due | Wake::PhaseChanged => {
                let reading = tokio::select! {
                    () = stop.cancelled() => break,
                    reading = tokio::time::timeout(ROUND_TIMEOUT, probe.round()) => reading,
                };
                match reading {
                    Ok(readings) => merged.depths(readings, emitter.now_ms()),
                    Err(_) => {
                        probe.reset();
                        merged.forget_depths();
                    }
                }
                // The next regular round comes a full interval after this one.
                due.reset();
            }
            Wake::Statistics(snapshots) => merged.statistics(snapshots),
        }
        for snapshot in merged.changed() {
            emitter.emit(EventKind::QueueSnapshot(snapshot)).await;
        }
    }
    probe.close().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statistics(queue: &str, ready: u64, unacked: u64) -> QueueSnapshot {
        QueueSnapshot {
            queue: queue.to_owned(),
            messages: ready + unacked,
            ready,
            unacked,
            in_ram: ready + unacked,
            node: Some("warren-1@localhost".to_owned()),
            ..QueueSnapshot::default()
        }
    }

    fn depth(ready: u64, consumers: u64) -> Option<Depth> {
        Some(Depth { ready, consumers })
    }

    #[test]
    fn ready_and_consumers_come_from_amqp_and_the_rest_from_the_management_api() {
        let mut merged = Merged::default();
        merged.depths(vec![("q".into(), depth(100, 0))], 54);
        let first = merged.changed();
        assert_eq!(first.len(), 1);
        assert_eq!(
            (
                first[0].ready,
                first[0].consumers,
                first[0].ready_at_ms,
                first[0].node.as_deref()
            ),
            (100, Some(0), Some(54), None),
            "before any statistics, the AMQP reading alone"
        );
        // The statistics are older: their ready count (0) does not replace the reading.
        merged.statistics(vec![statistics("q", 0, 1)]);
        let second = merged.changed();
        assert_eq!(second.len(), 1);
        let s = &second[0];
        assert_eq!((s.ready, s.unacked, s.messages), (100, 1, 101));
        assert_eq!((s.in_ram, s.node.as_deref()), (1, Some("warren-1@localhost")));
    }

    #[test]
    fn only_changes_are_emitted_and_a_new_reading_time_is_no_change() {
        let mut merged = Merged::default();
        merged.depths(vec![("a".into(), depth(5, 1)), ("b".into(), depth(0, 0))], 10);
        assert_eq!(merged.changed().len(), 2);
        merged.depths(vec![("a".into(), depth(5, 1)), ("b".into(), depth(0, 0))], 210);
        assert!(merged.changed().is_empty());
        merged.depths(vec![("a".into(), depth(4, 1)), ("b".into(), depth(0, 0))], 410);
        let changed = merged.changed();
        assert_eq!(changed.len(), 1);
        assert_eq!(
            (changed[0].queue.as_str(), changed[0].ready, changed[0].ready_at_ms),
            ("a", 4, Some(410))
        );
    }

    #[test]
    fn a_queue_that_cannot_be_read_falls_back_on_the_statistics() {
        let mut merged = Merged::default();
        merged.statistics(vec![statistics("q", 7, 0)]);
        merged.depths(vec![("q".into(), depth(3, 1))], 10);
        assert_eq!(merged.changed()[0].ready, 3);
        merged.depths(vec![("q".into(), None)], 210);
        let changed = merged.changed();
        assert_eq!(
            (changed[0].ready, changed[0].consumers, changed[0].ready_at_ms),
            (7, None, None)
        );
        merged.statistics(vec![statistics("q", 7, 0)]);
        merged.forget_depths();
        assert!(merged.changed().is_empty());
    }

    #[test]
    fn a_queue_gone_from_both_sources_is_no_longer_reported() {
        let mut merged = Merged::default();
        merged.statistics(vec![statistics("q", 0, 0), statistics("r", 0, 0)]);
        assert_eq!(merged.changed().len(), 2);
        merged.statistics(vec![statistics("r", 0, 0)]);
        merged.depths(vec![("q".into(), None)], 10);
        assert_eq!(merged.current().len(), 1);
        assert!(merged.changed().is_empty());
    }
}
