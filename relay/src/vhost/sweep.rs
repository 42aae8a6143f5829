//! Deleting the run vhosts nobody will delete: those of a relay that died (SIGKILL, a crash, a
//! power cut), and those whose deletion failed.
//!
//! Every Warren vhost is judged by its name first ([`judge`]), then the broker is asked what the
//! name cannot tell:
//! - made by this relay and no longer registered as in use: deleted;
//! - made by another relay: deleted when that relay's lease queue is gone and nothing is
//!   connected to the vhost; a relay that is alive keeps its lease, so its vhosts are never
//!   touched;
//! - process-made (`warren run`, a relay without a lease, older relays): deleted when older than
//!   [`LEFTOVER_AGE`] with nothing connected, since a run connects within milliseconds.
//!
//! A serving relay sweeps before it serves ([`sweep_once`]) and then every [`DEFAULT_INTERVAL`]
//! ([`start`]); `warren run` sweeps once before its run.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::registry::Registry;
use super::{RelayId, now_ms, parse};
use crate::broker::management::{Management, ManagementError};
use crate::periodic;

/// How old a process-made vhost without connections must be before a sweep deletes it.
pub const LEFTOVER_AGE: Duration = Duration::from_secs(60);
/// How often a serving relay sweeps.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(20);

/// What a sweep does with one vhost, judged from its name and whether this relay uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// Not a Warren vhost, in use here, or too young to judge.
    Keep,
    /// This relay made it and no longer uses it.
    Delete,
    /// Process-made and old: delete it when nothing is connected.
    DeleteIfIdle,
    /// Another relay made it: delete it when that relay's lease is gone and nothing is connected.
    DeleteIfOrphaned(RelayId),
}

/// Judge vhost `name` for the relay `me` (`None`: a process without a lease), which uses it when
/// `in_use`, at `now_ms`.
pub fn judge(name: &str, me: Option<&RelayId>, in_use: bool, now_ms: u128) -> Judgement {
    let Some(vhost) = parse(name) else {
        return Judgement::Keep;
    };
    if in_use {
        return Judgement::Keep;
    }
    match vhost.relay {
        Some(relay) if Some(&relay) == me => Judgement::Delete,
        Some(relay) => Judgement::DeleteIfOrphaned(relay),
        None if now_ms.saturating_sub(vhost.created_ms) >= LEFTOVER_AGE.as_millis() => Judgement::DeleteIfIdle,
        None => Judgement::Keep,
    }
}

/// A vhost to delete, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The vhost.
    pub name: String,
    /// Why nobody else will delete it.
    pub reason: Reason,
}

/// Why a vhost is a leftover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// This relay made it and no longer uses it (its deletion failed earlier).
    Unused,
    /// The relay that made it is gone (its lease queue is).
    RelayGone(RelayId),
    /// It is process-made, old, and nothing is connected to it.
    Old,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unused => f.write_str("made by this relay and no longer used"),
            Self::RelayGone(relay) => write!(f, "relay {relay}, which made it, is gone"),
            Self::Old => write!(f, "older than {} s and unused", LEFTOVER_AGE.as_secs()),
        }
    }
}

/// The leftover vhosts on the broker for relay `me`, which uses the vhosts `in_use` says. A
/// vhost the broker cannot tell enough about (a failed look-up) is kept for a later sweep.
pub async fn leftovers(
    management: &Management,
    me: Option<&RelayId>,
    in_use: impl Fn(&str) -> bool,
) -> Result<Vec<Leftover>, ManagementError> {
    let now = now_ms();
    let mut leases: HashMap<RelayId, bool> = HashMap::new();
    let mut found = Vec::new();
    for vhost in management.list_vhosts().await? {
        let name = vhost.name;
        let reason = match judge(&name, me, in_use(&name), now) {
            Judgement::Keep => continue,
            Judgement::Delete => Reason::Unused,
            Judgement::DeleteIfIdle => {
                if !idle(management, &name).await {
                    continue;
                }
                Reason::Old
            }
            Judgement::DeleteIfOrphaned(relay) => {
                let alive = match leases.get(&relay) {
                    Some(alive) => *alive,
                    None => {
                        let alive = lease_alive(management, &relay).await;
                        leases.insert(relay.clone(), alive);
                        alive
                    }
                };
                if alive || !idle(management, &name).await {
                    continue;
                }
                Reason::RelayGone(relay)
            }
        };
        found.push(Leftover { name, reason });
    }
    Ok(found)
}

/// Whether nothing is connected to `vhost`; a failed look-up counts as busy.
async fn idle(management: &Management, vhost: &str) -> bool {
    match management.vhost_connection_count(vhost).await {
        Ok(count) => count == 0,
        Err(error) => {
            tracing::debug!(%vhost, %error, "could not count a vhost's connections; kept for now");
            false
        }
    }
}

/// Whether `relay`'s lease queue exists; a failed look-up counts as alive.
async fn lease_alive(management: &Management, relay: &RelayId) -> bool {
    match management.queue_exists("/", &relay.lease_queue()).await {
        Ok(exists) => exists,
        Err(error) => {
            tracing::debug!(%relay, %error, "could not look for a relay's lease; its vhosts are kept");
            true
        }
    }
}

/// Sweep once for the relay of `registry`: its leftovers are deleted in the background.
/// Returns how many were found.
pub async fn sweep_once(registry: &Registry) -> Result<usize, ManagementError> {
    let found = leftovers(registry.management(), registry.relay(), |name| registry.is_live(name)).await?;
    let count = found.len();
    for leftover in found {
        tracing::info!(vhost = %leftover.name, reason = %leftover.reason, "deleting a leftover run vhost");
        registry.delete_later(leftover.name);
    }
    Ok(count)
}

/// Sweep every `interval` until `shutdown`, on `tracker` (the first sweep one interval from now:
/// a relay sweeps once at start with [`sweep_once`]).
pub fn start(registry: Registry, interval: Duration, shutdown: CancellationToken, tracker: &TaskTracker) {
    periodic::every(interval, shutdown, tracker, move || {
        let registry = registry.clone();
        async move {
            if let Err(error) = sweep_once(&registry).await {
                tracing::warn!(%error, "could not look for leftover run vhosts");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vhost::{for_run, new_run_id, new_vhost};

    #[test]
    fn a_relay_deletes_its_own_unused_vhosts_and_asks_about_another_relays() {
        let me = RelayId::new();
        let other = RelayId::new();
        let now = now_ms();
        let mine = new_vhost(Some(&me));
        assert_eq!(judge(&mine, Some(&me), false, now), Judgement::Delete);
        assert_eq!(judge(&mine, Some(&me), true, now), Judgement::Keep);
        let theirs = new_vhost(Some(&other));
        assert_eq!(
            judge(&theirs, Some(&me), false, now),
            Judgement::DeleteIfOrphaned(other.clone())
        );
        assert_eq!(judge(&theirs, None, false, now), Judgement::DeleteIfOrphaned(other));
        assert_eq!(judge("/", Some(&me), false, now), Judgement::Keep);
        assert_eq!(judge("my-app", None, false, now), Judgement::Keep);
    }

    #[test]
    fn process_made_vhosts_are_judged_by_age() {
        let young = for_run(&new_run_id());
        // Judged from the time in their names: another read of the clock may come a millisecond
        // later (or earlier, when the system clock steps back).
        let now = parse(&young).expect("a run's vhost").created_ms;
        assert_eq!(judge(&young, None, false, now), Judgement::Keep);
        let later = now + LEFTOVER_AGE.as_millis();
        assert_eq!(judge(&young, None, false, later), Judgement::DeleteIfIdle);
        assert_eq!(judge(&young, None, true, later), Judgement::Keep);
        let me = RelayId::new();
        let leaseless = new_vhost(None);
        let made = parse(&leaseless).expect("a run's vhost").created_ms;
        assert_eq!(
            judge(&leaseless, Some(&me), false, made + LEFTOVER_AGE.as_millis()),
            Judgement::DeleteIfIdle
        );
    }
}
