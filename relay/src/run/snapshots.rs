//! Queue state from the management API: its statistics read periodically while the run goes on
//! (handed to [`super::depths`], which merges them with the depths read over AMQP), and a final
//! snapshot taken once the API's statistics agree with what AMQP reports.

use lapin::{Channel, Connection};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use warren_shared::say;
use warren_shared::sentences::relay as say;
use warren_shared::{EventKind, NodeStatus, QueueSnapshot};

use super::amqp;
use super::emitter::Emitter;
use crate::broker::management::Management;

/// How long the final snapshot waits for the statistics to catch up.
const FINAL_SETTLE_LIMIT: Duration = Duration::from_secs(15);
/// How long the final answer must stay the same: longer than the managed broker's statistics
/// interval (1 s).
const STABLE_FOR: Duration = Duration::from_millis(1_300);
/// Poll interval while waiting for them.
const FINAL_POLL: Duration = Duration::from_millis(250);

/// Most time between snapshots while a node is down or a mirror is out of sync, so that a
/// promotion shows.
const URGENT_INTERVAL: Duration = Duration::from_millis(1000);

/// Read every queue of `vhost` from the management API every `interval` (at most
/// [`URGENT_INTERVAL`] while a node is down or a mirror unsynchronised) and send the readings to
/// `out`, until `stop`. With `watch_nodes`, node state is read too and every change is reported.
pub async fn periodic(
    management: Management,
    vhost: String,
    interval: Duration,
    watch_nodes: bool,
    out: mpsc::Sender<Vec<QueueSnapshot>>,
    emitter: Emitter,
    stop: CancellationToken,
) {
    let mut last_nodes: Option<Vec<NodeStatus>> = None;
    let mut failures = 0_u32;
    let mut wait = Duration::ZERO;
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        let mut urgent = false;
        if watch_nodes && let Ok(info) = management.overview().await {
            urgent |= info.nodes.iter().any(|n| !n.running);
            if last_nodes.as_ref() != Some(&info.nodes) {
                last_nodes = Some(info.nodes.clone());
                emitter.emit(EventKind::NodesChanged { nodes: info.nodes }).await;
            }
        }
        match management.queues(&vhost).await {
            Ok(queues) => {
                failures = 0;
                urgent |= queues.iter().any(QueueSnapshot::unsynchronised);
                // The reader only takes them between its own rounds: never hold the run up.
                tokio::select! {
                    () = stop.cancelled() => return,
                    sent = out.send(queues) => if sent.is_err() { return },
                }
            }
            Err(error) => {
                failures += 1;
                urgent = true;
                if failures == 1 {
                    emitter.warn(say!(say::SNAPSHOTS_UNAVAILABLE, error)).await;
                }
            }
        }
        wait = if urgent {
            interval.min(URGENT_INTERVAL)
        } else {
            interval
        };
    }
}

/// Emit one snapshot of every listed queue, after waiting (a bounded time) until the
/// management API's ready counts equal the counts AMQP reports; each carries its AMQP reading.
/// The counts are read on `channel`, and on a new channel of `connection` after a queue that is
/// gone (404) closed it.
pub async fn settled(
    management: &Management,
    vhost: &str,
    connection: &Connection,
    channel: Channel,
    queues: &[String],
    emitter: &Emitter,
) {
    let mut depths = HashMap::new();
    let mut open = Some(channel);
    for queue in queues {
        if open.as_ref().is_none_or(|c| !c.status().connected()) {
            open = connection.create_channel().await.ok();
        }
        let Some(channel) = &open else { break };
        match amqp::depth(channel, queue).await {
            Ok(depth) => {
                depths.insert(queue.clone(), (depth, emitter.now_ms()));
            }
            Err(_) => open = None,
        }
    }
    if let Some(channel) = open {
        let _ = channel.close(200, "final snapshot taken".into()).await;
    }
    let expected: HashMap<&String, u64> = depths.iter().map(|(name, (depth, _))| (name, depth.ready)).collect();
    let deadline = tokio::time::Instant::now() + FINAL_SETTLE_LIMIT;
    let mut latest = Vec::new();
    // Counts (ready, unacked) reach the API before a queue's own statistics (RAM, paged out, mode),
    // which it emits once per statistics interval: wait until the counts agree with AMQP, every
    // classic queue has reported its own statistics, and the whole answer has stayed the same for
    // longer than one interval.
    let mut stable_since: Option<(tokio::time::Instant, Vec<QueueSnapshot>)> = None;
    loop {
        if let Ok(snapshots) = management.queues(vhost).await {
            let mine: Vec<QueueSnapshot> = snapshots.into_iter().filter(|s| queues.contains(&s.queue)).collect();
            let counts_agree = expected
                .iter()
                .all(|(name, count)| mine.iter().any(|s| &s.queue == *name && s.ready == *count));
            let complete = mine
                .iter()
                .all(|s| s.state.is_some() || s.kind.as_deref() == Some("quorum"));
            if counts_agree && complete {
                match &stable_since {
                    Some((since, before)) if *before == mine => {
                        if since.elapsed() >= STABLE_FOR {
                            latest = mine;
                            break;
                        }
                    }
                    _ => stable_since = Some((tokio::time::Instant::now(), mine.clone())),
                }
            } else {
                stable_since = None;
            }
            latest = mine;
        }
        if tokio::time::Instant::now() >= deadline {
            emitter.warn(say::STATISTICS_BEHIND).await;
            break;
        }
        tokio::time::sleep(FINAL_POLL).await;
    }
    for mut snapshot in latest {
        if let Some((depth, t_ms)) = depths.get(&snapshot.queue) {
            snapshot.ready = depth.ready;
            snapshot.consumers = Some(depth.consumers);
            snapshot.ready_at_ms = Some(*t_ms);
            snapshot.messages = depth.ready + snapshot.unacked;
        }
        emitter.emit(EventKind::QueueSnapshot(snapshot)).await;
    }
}
