//! A workshop room under load, for `cargo xtask load --room`: learners who press Check on the
//! same exercise at nearly the same moment, each timed on their own socket, and the instructor's
//! grid read without pause on a task of its own, so that when each learner's attempt first
//! showed on it is the time the grid arrived.
//!
//! # Layout
//! - [`GridWatch`]: the instructor's socket, read continuously; when the grid first showed each
//!   learner with 1, 2, … attempts.
//! - [`press_check`]: one learner's run (`run` → `finished`) and the attempt it became
//!   (`recorded`); [`Press`]: what it gave.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use warren_shared::room::{Grid, Incoming, RoomMessage};

use super::{Abandon, QUIET_TIMEOUT, Timing, run_on};
use crate::Client;
use crate::workshop::{Learner, Teacher};

/// How often [`GridWatch`]'s waits look at what it has seen (its times are taken by the reader,
/// not by the waits).
const LOOK_EVERY: Duration = Duration::from_millis(10);

/// The instructor's socket watching a room's grid, read on a task of its own until dropped.
pub struct GridWatch {
    seen: Arc<Mutex<Seen>>,
    stop: CancellationToken,
}

/// What the grids said, as they came.
#[derive(Debug, Default)]
struct Seen {
    /// For each learner (by name), when a grid first showed them with 1, 2, … attempts at the
    /// exercise watched.
    shown: HashMap<String, Vec<Instant>>,
    /// Learners on the latest grid.
    learners: usize,
    /// Grids received, the first (the answer to `watch`) included.
    grids: usize,
    /// Why the reading stopped, when it stopped before it was asked to.
    problem: Option<String>,
}

impl Seen {
    /// Take in a grid that arrived `at`.
    fn note(&mut self, grid: &Grid, exercise: &str, at: Instant) {
        self.grids += 1;
        self.learners = grid.learners.len();
        for learner in &grid.learners {
            let Some(cell) = learner.cells.iter().find(|c| c.exercise == exercise) else {
                continue;
            };
            let times = self.shown.entry(learner.name.clone()).or_default();
            while u64::try_from(times.len()).unwrap_or(u64::MAX) < cell.attempts {
                times.push(at);
            }
        }
    }

    /// When a grid first showed `name` with `attempts` attempts or more.
    fn first_shown(&self, name: &str, attempts: u64) -> Option<Instant> {
        let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
        self.shown.get(name)?.get(index).copied()
    }
}

impl GridWatch {
    /// Connect to the relay whose WebSocket is `ws_url` as the instructor, watch the room `code`,
    /// and read its grids from now on, noting each learner's attempts at `exercise`.
    pub async fn start(ws_url: &str, code: &str, exercise: &str) -> Result<Self, String> {
        let (teacher, first) = Teacher::watch_at(ws_url, code).await?;
        let seen = Arc::new(Mutex::new(Seen::default()));
        lock(&seen).note(&first, exercise, Instant::now());
        let stop = CancellationToken::new();
        tokio::spawn(read(
            teacher.client,
            Arc::clone(&seen),
            exercise.to_owned(),
            stop.clone(),
        ));
        Ok(Self { seen, stop })
    }

    /// When a grid first showed `name` with `attempts` attempts or more, as it arrived.
    pub fn first_shown(&self, name: &str, attempts: u64) -> Option<Instant> {
        lock(&self.seen).first_shown(name, attempts)
    }

    /// Grids received so far.
    pub fn grids(&self) -> usize {
        lock(&self.seen).grids
    }

    /// Why the reading stopped early, if it did.
    pub fn problem(&self) -> Option<String> {
        lock(&self.seen).problem.clone()
    }

    /// Wait until a grid shows `learners` learners or more, within `limit`; whether one did.
    pub async fn wait_for_learners(&self, learners: usize, limit: Duration) -> bool {
        self.wait(limit, |seen| seen.learners >= learners).await
    }

    /// Wait until grids have shown each of `names` with `attempts` attempts or more, within
    /// `limit`; whether they all did.
    pub async fn wait_for_attempts(&self, names: &[String], attempts: u64, limit: Duration) -> bool {
        self.wait(limit, |seen| {
            names.iter().all(|name| seen.first_shown(name, attempts).is_some())
        })
        .await
    }

    async fn wait(&self, limit: Duration, done: impl Fn(&Seen) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            {
                let seen = lock(&self.seen);
                if done(&seen) {
                    return true;
                }
                if seen.problem.is_some() || Instant::now() >= deadline {
                    return false;
                }
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    }
}

impl Drop for GridWatch {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn lock(seen: &Mutex<Seen>) -> std::sync::MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Read the instructor's socket until `stop`: each grid is timed the moment its frame arrives,
/// before it is parsed.
async fn read(mut client: Client, seen: Arc<Mutex<Seen>>, exercise: String, stop: CancellationToken) {
    loop {
        let text = tokio::select! {
            () = stop.cancelled() => return,
            text = client.next_text(QUIET_TIMEOUT) => text,
        };
        let at = Instant::now();
        let message = text.and_then(|text| {
            Incoming::read(text.as_str()).map_err(|error| format!("could not read a message ({error}): {text}"))
        });
        match message {
            Ok(Incoming::Room(RoomMessage::Grid(grid))) => lock(&seen).note(&grid, &exercise, at),
            // Pings aside, nothing else comes to a socket that only watches.
            Ok(_) => {}
            Err(error) => {
                lock(&seen).problem = Some(format!("the instructor's socket: {error}"));
                return;
            }
        }
    }
}

/// What one learner's press of Check gave.
#[derive(Debug, Clone)]
pub struct Press {
    /// The learner's name, as the grid shows it.
    pub name: String,
    /// Whether the scenario sent should pass the exercise (its solution) or fail it (its start).
    pub expect_pass: bool,
    /// The run: `run` → `finished`.
    pub timing: Timing,
    /// The attempt the relay recorded, when `recorded` came.
    pub recorded: Option<Recorded>,
}

/// A learner's `recorded`.
#[derive(Debug, Clone, Copy)]
pub struct Recorded {
    /// When it arrived.
    pub at: Instant,
    /// The attempt's number.
    pub attempt: u64,
    /// The relay's verdict.
    pub passed: bool,
}

impl Press {
    /// From the learner's `finished` to the first grid that showed the attempt.
    pub fn grid_lag(&self, grids: &GridWatch) -> Option<Duration> {
        let finished = self.timing.finished_at?;
        let shown = grids.first_shown(&self.name, self.recorded?.attempt)?;
        Some(shown.saturating_duration_since(finished))
    }

    /// From the learner's `finished` to their `recorded`: the attempt being stored.
    pub fn recording(&self) -> Option<Duration> {
        Some(self.recorded?.at.saturating_duration_since(self.timing.finished_at?))
    }
}

/// Run `scenario`, a room exercise, on `learner`'s socket, and read the `recorded` that follows
/// its `finished`. Never panics: what went wrong is in the timing's `problem`.
pub async fn press_check(learner: &mut Learner, scenario: &Value, expect_pass: bool) -> Press {
    let mut timing = run_on(&mut learner.client, scenario, Abandon::Never).await;
    let mut recorded = None;
    if timing.finished_at.is_some() {
        match read_recorded(&mut learner.client).await {
            Ok(record) => recorded = Some(record),
            Err(error) => timing.problem = Some(error),
        }
    }
    Press {
        name: learner.seat.name.clone(),
        expect_pass,
        timing,
        recorded,
    }
}

/// Read until the learner's `recorded`.
async fn read_recorded(client: &mut Client) -> Result<Recorded, String> {
    loop {
        match client.try_recv_any(QUIET_TIMEOUT).await {
            Ok(Incoming::Room(RoomMessage::Recorded { attempt, passed, .. })) => {
                return Ok(Recorded {
                    at: Instant::now(),
                    attempt,
                    passed,
                });
            }
            Ok(Incoming::Room(RoomMessage::Refused(refusal))) => {
                return Err(format!("not recorded: {}", refusal.message));
            }
            Ok(_) => {}
            Err(error) => return Err(format!("no `recorded`: {error}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_shared::room::{
        ExerciseProgress, GridLearner, NodeFaultPolicy, ProgressState, RoomView, SolutionPolicy,
    };

    fn grid(learners: &[(&str, u64)]) -> Grid {
        let cell = |attempts| ExerciseProgress {
            state: if attempts == 0 {
                ProgressState::NotStarted
            } else {
                ProgressState::Trying
            },
            attempts,
            ..ExerciseProgress::not_started("confirms")
        };
        Grid {
            room: RoomView {
                code: "K7QM-X2PD".into(),
                join_path: "/?room=K7QM-X2PD".into(),
                title: "Load".into(),
                exercises: Vec::new(),
                current: "confirms".into(),
                solutions: SolutionPolicy::Always,
                node_faults: NodeFaultPolicy::Demos,
                learners: 0,
                created_at_ms: 0,
                closed: false,
            },
            totals: Vec::new(),
            learners: learners
                .iter()
                .map(|(name, attempts)| GridLearner {
                    seat: (*name).into(),
                    name: (*name).into(),
                    joined_at_ms: 0,
                    stuck: false,
                    cells: vec![cell(*attempts)],
                })
                .collect(),
            at_ms: 0,
        }
    }

    #[test]
    fn each_attempt_count_keeps_the_first_grid_that_showed_it() {
        let (first, second, third) = (
            Instant::now(),
            Instant::now() + Duration::from_millis(150),
            Instant::now() + Duration::from_millis(300),
        );
        let mut seen = Seen::default();
        seen.note(&grid(&[("ada", 0), ("bob", 1)]), "confirms", first);
        seen.note(&grid(&[("ada", 2), ("bob", 1)]), "confirms", second);
        seen.note(&grid(&[("ada", 2), ("bob", 2)]), "other", third);
        assert_eq!((seen.grids, seen.learners), (3, 2));
        assert_eq!(seen.first_shown("bob", 1), Some(first));
        assert_eq!(seen.first_shown("bob", 2), None, "not the exercise watched");
        assert_eq!(
            (seen.first_shown("ada", 1), seen.first_shown("ada", 2)),
            (Some(second), Some(second)),
            "two attempts in one grid"
        );
        assert_eq!(seen.first_shown("ada", 0), None);
        assert_eq!(seen.first_shown("cy", 1), None);
    }
}
