//! Run slots, and the fair waiting line for them.
//!
//! A relay runs at most `max_running` scenarios at once. A run asked for when every slot is
//! taken joins a first-come, first-served line of at most `max_waiting` runs and waits its turn;
//! only a full line refuses, with an estimate of when to try again. Each waiting run knows its
//! place (1 for the next one to start) and an estimate of its wait, made from how long recent
//! runs held their slot and how long the running ones have held theirs; it is told again
//! whenever its place changes. Leaving the line (Stop, the page gone) moves everyone behind up.
//!
//! Everything is kept under one lock, in plain data: a slot given back goes straight to the
//! first in line, so no run can overtake one that waits.
//!
//! ```text
//! join ──► Admission::Now(Slot)                     a slot was free
//!      ──► Admission::Wait(Ticket) ─► next() ─► Next::Moved(Place) … Next::Granted(Slot)
//!      ──► Err(LineFull { retry_after, .. })        the line is full
//! ```

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// Default most runs waiting for a slot.
pub const DEFAULT_MAX_WAITING: usize = 200;
/// What a run is assumed to take before any has finished.
pub const DEFAULT_RUN_ESTIMATE: Duration = Duration::from_secs(10);
/// How many of the last runs the estimate averages.
const RECENT_RUNS: usize = 32;

/// The relay's run slots; cheap to clone, clones share them.
#[derive(Debug, Clone)]
pub struct RunSlots {
    line: Arc<Mutex<Line>>,
}

/// A place in the line: 1 is next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Position in the line, from 1.
    pub position: usize,
    /// How long the run will likely wait.
    pub estimate: Duration,
}

/// What joining the line gave.
#[derive(Debug)]
pub enum Admission {
    /// A slot was free: run now.
    Now(Slot),
    /// Every slot is taken: wait with this ticket.
    Wait(Ticket),
}

/// The line is full: the run is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineFull {
    /// Runs going on (the limit).
    pub running: usize,
    /// Runs waiting (the limit).
    pub waiting: usize,
    /// When a run asked for again would likely find room in the line.
    pub retry_after: Duration,
}

/// What changed for a waiting run.
#[derive(Debug)]
pub enum Next {
    /// It moved up the line.
    Moved(Place),
    /// Its turn came: run now.
    Granted(Slot),
}

/// A run slot; given back (to the first in line, if any) when dropped.
#[derive(Debug)]
pub struct Slot {
    line: Arc<Mutex<Line>>,
    id: u64,
}

/// A place in the line; dropping it leaves the line (or gives back a slot just granted to it).
#[derive(Debug)]
pub struct Ticket {
    line: Arc<Mutex<Line>>,
    id: u64,
    turn: watch::Receiver<Turn>,
    /// Its slot was handed out as a [`Slot`], which now owns it.
    spent: bool,
}

/// What the line last told a waiting run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    Waiting(Place),
    Granted,
}

#[derive(Debug)]
struct Line {
    max_running: usize,
    max_waiting: usize,
    /// Slot ids and when each was taken.
    running: HashMap<u64, Instant>,
    waiting: VecDeque<Waiter>,
    next_id: u64,
    /// How long the last runs held their slot, newest last.
    recent: VecDeque<Duration>,
}

#[derive(Debug)]
struct Waiter {
    id: u64,
    turn: watch::Sender<Turn>,
}

impl RunSlots {
    /// Slots for `max_running` runs at once (at least one), with at most `max_waiting` waiting.
    pub fn new(max_running: usize, max_waiting: usize) -> Self {
        Self {
            line: Arc::new(Mutex::new(Line {
                max_running: max_running.max(1),
                max_waiting,
                running: HashMap::new(),
                waiting: VecDeque::new(),
                next_id: 0,
                recent: VecDeque::new(),
            })),
        }
    }

    /// Ask for a slot: one now, a place at the end of the line, or a refusal when the line is full.
    pub fn join(&self) -> Result<Admission, LineFull> {
        let mut line = lock(&self.line);
        let id = line.next_id;
        line.next_id += 1;
        if line.running.len() < line.max_running && line.waiting.is_empty() {
            line.running.insert(id, Instant::now());
            return Ok(Admission::Now(Slot {
                line: Arc::clone(&self.line),
                id,
            }));
        }
        if line.waiting.len() >= line.max_waiting {
            return Err(LineFull {
                running: line.running.len(),
                waiting: line.waiting.len(),
                retry_after: line.estimate(line.waiting.len() + 1),
            });
        }
        let place = Place {
            position: line.waiting.len() + 1,
            estimate: line.estimate(line.waiting.len() + 1),
        };
        let (turn, receiver) = watch::channel(Turn::Waiting(place));
        line.waiting.push_back(Waiter { id, turn });
        Ok(Admission::Wait(Ticket {
            line: Arc::clone(&self.line),
            id,
            turn: receiver,
            spent: false,
        }))
    }

    /// Runs going on now.
    pub fn running(&self) -> usize {
        lock(&self.line).running.len()
    }

    /// Runs waiting now.
    pub fn waiting(&self) -> usize {
        lock(&self.line).waiting.len()
    }
}

impl Ticket {
    /// Where the run stands now (its last place, even once its turn has come).
    pub fn place(&self) -> Place {
        match *self.turn.borrow() {
            Turn::Waiting(place) => place,
            Turn::Granted => Place {
                position: 0,
                estimate: Duration::ZERO,
            },
        }
    }

    /// Wait until the run moves up or its turn comes. Cancel-safe: a turn that came while
    /// nobody was waiting is returned by the next call.
    pub async fn next(&mut self) -> Next {
        if self.spent {
            // Its slot was handed out already; nothing more will happen to this ticket.
            return std::future::pending().await;
        }
        if *self.turn.borrow() != Turn::Granted && self.turn.changed().await.is_err() {
            // The line never drops a waiter's sender while the ticket exists.
            return std::future::pending().await;
        }
        match *self.turn.borrow_and_update() {
            Turn::Waiting(place) => Next::Moved(place),
            Turn::Granted => {
                self.spent = true;
                Next::Granted(Slot {
                    line: Arc::clone(&self.line),
                    id: self.id,
                })
            }
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.spent {
            return;
        }
        let mut line = lock(&self.line);
        if let Some(index) = line.waiting.iter().position(|w| w.id == self.id) {
            line.waiting.remove(index);
            line.tell_places();
        } else if line.running.remove(&self.id).is_some() {
            // Granted, but the run never started: the slot goes on, and no duration is recorded.
            line.grant();
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut line = lock(&self.line);
        if let Some(taken) = line.running.remove(&self.id) {
            if line.recent.len() == RECENT_RUNS {
                line.recent.pop_front();
            }
            line.recent.push_back(taken.elapsed());
        }
        line.grant();
    }
}

impl Line {
    /// Give free slots to the first in line, then tell the rest their new places.
    fn grant(&mut self) {
        let mut moved = false;
        while self.running.len() < self.max_running {
            let Some(waiter) = self.waiting.pop_front() else {
                break;
            };
            self.running.insert(waiter.id, Instant::now());
            // The ticket removes itself under this lock before its receiver goes: it is there.
            let _ = waiter.turn.send(Turn::Granted);
            moved = true;
        }
        if moved {
            self.tell_places();
        }
    }

    /// Tell every waiting run its place.
    fn tell_places(&self) {
        let estimate = self.estimator();
        for (index, waiter) in self.waiting.iter().enumerate() {
            let place = Place {
                position: index + 1,
                estimate: estimate.at(index + 1),
            };
            waiter.turn.send_if_modified(|turn| match turn {
                Turn::Waiting(old) if old.position == place.position => false,
                _ => {
                    *turn = Turn::Waiting(place);
                    true
                }
            });
        }
    }

    /// How long the run at `position` in line will likely wait.
    fn estimate(&self, position: usize) -> Duration {
        self.estimator().at(position)
    }

    /// The line's waits as they stand now: what the running runs have left, read once for any
    /// number of places.
    fn estimator(&self) -> Estimator {
        let typical = self.typical();
        let mut remaining: Vec<Duration> = self
            .running
            .values()
            .map(|taken| typical.saturating_sub(taken.elapsed()))
            .collect();
        remaining.sort_unstable();
        Estimator {
            typical,
            remaining,
            max_running: self.max_running,
        }
    }

    /// The average time recent runs held their slot.
    fn typical(&self) -> Duration {
        let count = u32::try_from(self.recent.len()).unwrap_or(u32::MAX);
        if count == 0 {
            return DEFAULT_RUN_ESTIMATE;
        }
        self.recent.iter().sum::<Duration>() / count
    }
}

/// Waits in line, from what the running runs have left and the recent average run.
struct Estimator {
    typical: Duration,
    /// What each running run likely has left, shortest first.
    remaining: Vec<Duration>,
    max_running: usize,
}

impl Estimator {
    /// How long the run at `position` in line will likely wait: until as many slots have been
    /// given back as there are runs ahead of it, each running run taking the recent average.
    fn at(&self, position: usize) -> Duration {
        let ahead = position.saturating_sub(1);
        let rounds = u32::try_from(ahead / self.max_running).unwrap_or(u32::MAX);
        let first = self
            .remaining
            .get(ahead % self.max_running)
            .copied()
            .unwrap_or_default();
        first.saturating_add(self.typical.saturating_mul(rounds))
    }
}

fn lock(line: &Mutex<Line>) -> MutexGuard<'_, Line> {
    // Every change is made whole under the lock, so a panic elsewhere leaves it consistent.
    line.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now(slots: &RunSlots) -> Slot {
        match slots.join() {
            Ok(Admission::Now(slot)) => slot,
            other => panic!("expected a slot, got {other:?}"),
        }
    }

    fn wait(slots: &RunSlots) -> Ticket {
        match slots.join() {
            Ok(Admission::Wait(ticket)) => ticket,
            other => panic!("expected a place in line, got {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn runs_wait_in_order_and_move_up_as_slots_come_back() {
        let slots = RunSlots::new(1, 10);
        let first = now(&slots);
        let mut a = wait(&slots);
        let mut b = wait(&slots);
        assert_eq!((a.place().position, b.place().position), (1, 2));
        assert_eq!(a.place().estimate, DEFAULT_RUN_ESTIMATE);
        assert_eq!(b.place().estimate, DEFAULT_RUN_ESTIMATE * 2);
        tokio::time::advance(Duration::from_secs(4)).await;
        drop(first);
        let slot_a = match a.next().await {
            Next::Granted(slot) => slot,
            Next::Moved(place) => panic!("a should run, moved to {place:?}"),
        };
        match b.next().await {
            Next::Moved(place) => {
                assert_eq!(place.position, 1);
                // The only run so far took 4 s, and a has just started.
                assert_eq!(place.estimate, Duration::from_secs(4));
            }
            Next::Granted(_) => panic!("b must wait for a"),
        }
        assert_eq!((slots.running(), slots.waiting()), (1, 1));
        drop(slot_a);
        let slot_b = b.next().await;
        assert!(matches!(slot_b, Next::Granted(_)));
        assert_eq!((slots.running(), slots.waiting()), (1, 0));
    }

    #[tokio::test(start_paused = true)]
    async fn leaving_the_line_moves_the_others_up_and_a_full_line_refuses() {
        let slots = RunSlots::new(2, 2);
        let _running = [now(&slots), now(&slots)];
        let a = wait(&slots);
        let mut b = wait(&slots);
        let full = slots.join().expect_err("the line is full");
        assert_eq!((full.running, full.waiting), (2, 2));
        // Two slots and two ahead: the third in line waits one round and a bit.
        assert_eq!(full.retry_after, DEFAULT_RUN_ESTIMATE * 2);
        drop(a);
        match b.next().await {
            Next::Moved(place) => assert_eq!(place.position, 1),
            Next::Granted(_) => panic!("no slot came back"),
        }
        assert_eq!(slots.waiting(), 1);
        let _c = wait(&slots);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_granted_to_a_ticket_dropped_unused_goes_to_the_next() {
        let slots = RunSlots::new(1, 5);
        let first = now(&slots);
        let a = wait(&slots);
        let mut b = wait(&slots);
        drop(first);
        drop(a);
        let slot_b = b.next().await;
        assert!(matches!(slot_b, Next::Granted(_)));
        // No run finished besides the first: the estimate keeps the first run's time only.
        assert_eq!(lock(&slots.line).recent.len(), 1);
        assert_eq!(slots.running(), 1);
    }

    #[test]
    fn no_waiting_line_refuses_at_the_limit_and_a_newcomer_never_overtakes() {
        let slots = RunSlots::new(1, 0);
        let first = now(&slots);
        assert!(slots.join().is_err());
        drop(first);
        let slots = RunSlots::new(1, 1);
        let first = now(&slots);
        let _waiting = wait(&slots);
        drop(first);
        // The freed slot went to the one waiting; a newcomer waits behind it.
        assert_eq!((slots.running(), slots.waiting()), (1, 0));
        assert_eq!(wait(&slots).place().position, 1);
    }
}
