//! What keeps a room fair and its secrets hard to guess.
//!
//! - [`SeatGates`]: per learner, one run at a time (over all their tabs) and at most so many runs
//!   a minute; a refusal says when to try again.
//! - [`Failures`]: per client address, how many wrong instructor tokens (or wrong join codes and
//!   seat secrets) a minute it may send before it is refused outright for a while, whatever it
//!   sends.
//!
//! Both are plain data under a lock, on tokio's clock (tests pause it).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// Default runs a learner may start in a minute.
pub const DEFAULT_RUNS_PER_MINUTE: usize = 10;
/// The window every rate here counts over.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Wrong instructor tokens one address may send in a [`WINDOW`].
pub const TOKEN_FAILURES: usize = 5;
/// Wrong join codes or seat secrets one address may send in a [`WINDOW`].
pub const JOIN_FAILURES: usize = 20;
/// Addresses remembered before the ones without recent failures are forgotten.
const MAX_ADDRESSES: usize = 10_000;

/// Why a learner's run may not start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateRefusal {
    /// Their run is still going.
    Busy {
        /// How long it has run.
        running_for: Duration,
        /// When it ends at the latest (its time limit).
        retry_after: Duration,
    },
    /// They started as many runs as a minute allows.
    RateLimited {
        /// Runs a minute.
        limit: usize,
        /// When the oldest of them leaves the window.
        retry_after: Duration,
    },
}

/// Every learner's gate; cheap to clone, clones share them.
#[derive(Debug, Clone)]
pub struct SeatGates {
    per_minute: usize,
    seats: Arc<Mutex<HashMap<String, Gate>>>,
}

#[derive(Debug, Default)]
struct Gate {
    running: Option<Running>,
    /// When each run of the last [`WINDOW`] started.
    starts: VecDeque<Instant>,
    next_token: u64,
}

#[derive(Debug, Clone, Copy)]
struct Running {
    token: u64,
    since: Instant,
    limit: Duration,
}

/// A learner's run under way; dropping it lets their next run start.
#[derive(Debug)]
pub struct SeatRun {
    seats: Arc<Mutex<HashMap<String, Gate>>>,
    seat: String,
    token: u64,
}

impl SeatGates {
    /// Gates that let each learner start `per_minute` runs a minute (at least one).
    pub fn new(per_minute: usize) -> Self {
        Self {
            per_minute: per_minute.max(1),
            seats: Arc::default(),
        }
    }

    /// Let `seat` start a run that ends within `limit`, or say why not and when to try again.
    pub fn begin(&self, seat: &str, limit: Duration) -> Result<SeatRun, GateRefusal> {
        let now = Instant::now();
        let mut seats = self.seats.lock().unwrap_or_else(PoisonError::into_inner);
        let gate = seats.entry(seat.to_owned()).or_default();
        while gate
            .starts
            .front()
            .is_some_and(|start| now.duration_since(*start) >= WINDOW)
        {
            gate.starts.pop_front();
        }
        if let Some(running) = gate.running {
            let running_for = now.duration_since(running.since);
            return Err(GateRefusal::Busy {
                running_for,
                retry_after: running.limit.saturating_sub(running_for).max(Duration::from_secs(1)),
            });
        }
        if gate.starts.len() >= self.per_minute {
            let oldest = gate.starts.front().copied().unwrap_or(now);
            return Err(GateRefusal::RateLimited {
                limit: self.per_minute,
                retry_after: (oldest + WINDOW)
                    .saturating_duration_since(now)
                    .max(Duration::from_millis(1)),
            });
        }
        gate.next_token += 1;
        let token = gate.next_token;
        gate.starts.push_back(now);
        gate.running = Some(Running {
            token,
            since: now,
            limit,
        });
        Ok(SeatRun {
            seats: Arc::clone(&self.seats),
            seat: seat.to_owned(),
            token,
        })
    }
}

impl Drop for SeatRun {
    fn drop(&mut self) {
        let mut seats = self.seats.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(gate) = seats.get_mut(&self.seat)
            && gate.running.is_some_and(|r| r.token == self.token)
        {
            gate.running = None;
        }
    }
}

/// Failures per client address; cheap to clone, clones share them.
#[derive(Debug, Clone)]
pub struct Failures {
    max: usize,
    addresses: Arc<Mutex<HashMap<IpAddr, VecDeque<Instant>>>>,
}

impl Failures {
    /// At most `max` failures a [`WINDOW`] per address (at least one).
    pub fn new(max: usize) -> Self {
        Self {
            max: max.max(1),
            addresses: Arc::default(),
        }
    }

    /// Whether `address` may try now; when not, how long until it may.
    pub fn check(&self, address: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let mut addresses = self.addresses.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(times) = addresses.get_mut(&address) else {
            return Ok(());
        };
        forget_old(times, now);
        match times.front() {
            Some(oldest) if times.len() >= self.max => Err((*oldest + WINDOW)
                .saturating_duration_since(now)
                .max(Duration::from_millis(1))),
            None => {
                addresses.remove(&address);
                Ok(())
            }
            Some(_) => Ok(()),
        }
    }

    /// Count a failure from `address`.
    pub fn fail(&self, address: IpAddr) {
        let now = Instant::now();
        let mut addresses = self.addresses.lock().unwrap_or_else(PoisonError::into_inner);
        if addresses.len() >= MAX_ADDRESSES {
            addresses.retain(|_, times| {
                forget_old(times, now);
                !times.is_empty()
            });
        }
        addresses.entry(address).or_default().push_back(now);
    }
}

fn forget_old(times: &mut VecDeque<Instant>, now: Instant) {
    while times.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Duration = Duration::from_secs(30);

    #[tokio::test(start_paused = true)]
    async fn one_run_at_a_time_per_learner_and_the_refusal_says_until_when() {
        let gates = SeatGates::new(10);
        let run = gates.begin("ada", LIMIT).expect("first");
        tokio::time::advance(Duration::from_secs(12)).await;
        match gates.begin("ada", LIMIT) {
            Err(GateRefusal::Busy {
                running_for,
                retry_after,
            }) => {
                assert_eq!(running_for, Duration::from_secs(12));
                assert_eq!(retry_after, Duration::from_secs(18));
            }
            other => panic!("expected busy, got {other:?}"),
        }
        let _other = gates.begin("grace", LIMIT).expect("another learner is not held up");
        drop(run);
        assert!(gates.begin("ada", LIMIT).is_ok(), "free once the run ended");
    }

    #[tokio::test(start_paused = true)]
    async fn runs_a_minute_are_counted_over_a_sliding_window() {
        let gates = SeatGates::new(3);
        for _ in 0..3 {
            drop(gates.begin("ada", LIMIT).expect("within the rate"));
            tokio::time::advance(Duration::from_secs(10)).await;
        }
        match gates.begin("ada", LIMIT) {
            Err(GateRefusal::RateLimited { limit, retry_after }) => {
                assert_eq!(limit, 3);
                assert_eq!(
                    retry_after,
                    Duration::from_secs(30),
                    "the first run leaves the window at 60 s"
                );
            }
            other => panic!("expected rate limited, got {other:?}"),
        }
        tokio::time::advance(Duration::from_secs(30)).await;
        assert!(gates.begin("ada", LIMIT).is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn failures_block_an_address_for_the_rest_of_the_window() {
        let failures = Failures::new(2);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert_eq!(failures.check(a), Ok(()));
        failures.fail(a);
        tokio::time::advance(Duration::from_secs(20)).await;
        failures.fail(a);
        assert_eq!(failures.check(a), Err(Duration::from_secs(40)));
        assert_eq!(failures.check(b), Ok(()), "another address is not held up");
        tokio::time::advance(Duration::from_secs(40)).await;
        assert_eq!(failures.check(a), Ok(()));
    }
}
