//! Queue state from the management API: periodic snapshots while the run goes on, and a final
//! one taken once the API's statistics agree with what AMQP reports.

use lapin::Channel;
use std::collections::HashMap;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
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

/// Emit a snapshot of every queue whose state changed, every `interval` (at most
/// [`URGENT_INTERVAL`] while a node is down or a mirror unsynchronised), until `stop`. With
/// `watch_nodes`, node state is read too and every change is reported.
pub async fn periodic(
    management: Management,
    vhost: String,
    interval: Duration,
    watch_nodes: bool,
    emitter: Emitter,
    stop: CancellationToken,
) {
    let mut last: HashMap<String, QueueSnapshot> = HashMap::new();
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
                for snapshot in queues {
                    urgent |= snapshot.unsynchronised();
                    if last.get(&snapshot.queue) != Some(&snapshot) {
                        last.insert(snapshot.queue.clone(), snapshot.clone());
                        emitter.emit(EventKind::QueueSnapshot(snapshot)).await;
                    }
                }
            }
            Err(error) => {
                failures += 1;
                urgent = true;
                if failures == 1 {
                    emitter
                        .warn(format!("queue snapshots are unavailable for now: {error}"))
                        .await;
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
/// management API's ready counts equal the counts AMQP reports.
pub async fn settled(management: &Management, vhost: &str, channel: &Channel, queues: &[String], emitter: &Emitter) {
    let mut expected = HashMap::new();
    for queue in queues {
        if let Ok(count) = amqp::ready_count(channel, queue).await {
            expected.insert(queue.clone(), u64::from(count));
        }
    }
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
                .all(|(name, count)| mine.iter().any(|s| &s.queue == name && s.ready == *count));
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
            emitter
                .warn("the management API's statistics had not caught up when the run ended; the last queue snapshot may be a few seconds old")
                .await;
            break;
        }
        tokio::time::sleep(FINAL_POLL).await;
    }
    for snapshot in latest {
        emitter.emit(EventKind::QueueSnapshot(snapshot)).await;
    }
}
