//! What a learner may do: take a seat (or take it again), ask for a solution, and run: a run of
//! one of the room's exercises is checked against the room's own copy of the exercise (never the
//! one the page sent), within the learner's gate, and recorded as an attempt when it finishes.

use serde_json::Value;
use std::net::IpAddr;
use std::time::Duration;
use tokio::sync::broadcast;
use warren_shared::room::progress::MAX_RECORDED_EVENTS;
use warren_shared::room::{NodeFaultPolicy, Refusal, RoomMessage, Seat as SeatMessage};
use warren_shared::{CheckResult, Event, Limits, Outcome, Scenario, Summary};

use super::error::StoreError;
use super::hub::LearnerSignal;
use super::limits::SeatRun;
use super::model::{NewAttempt, NewSeat, Room, Seat};
use super::{Workshop, grid, names, now_ms, refuse, secret};

/// A learner's seat, held by the socket that took it.
#[derive(Debug)]
pub struct SeatLink {
    /// The seat's public id.
    pub seat_id: String,
    /// The room.
    pub room_id: String,
    /// The learner's name.
    pub name: String,
    /// What the room tells its learners.
    pub signals: broadcast::Receiver<LearnerSignal>,
}

/// A learner's run, made ready for the room.
#[derive(Debug)]
pub struct Prepared {
    /// The scenario to run: the learner's, with the room's exercise in place of theirs.
    pub document: Value,
    /// The limits it runs under.
    pub limits: Limits,
    /// The attempt it becomes when it finishes; `None` for a run of something else, or in a
    /// closed room.
    pub attempt: Option<AttemptPlan>,
}

/// Where a run's attempt goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptPlan {
    /// The room.
    pub room_id: String,
    /// The learner.
    pub seat_id: String,
    /// The exercise.
    pub exercise_id: String,
    /// When the run was asked for.
    pub started_at_ms: u64,
}

/// A finished run of a room exercise, to record.
#[derive(Debug)]
pub struct FinishedRun {
    /// Where it goes.
    pub plan: AttemptPlan,
    /// The run's id, for the page.
    pub run_id: String,
    /// The scenario that ran.
    pub scenario: Scenario,
    /// How it ended.
    pub outcome: Outcome,
    /// Each check, as the relay decided it.
    pub checks: Vec<CheckResult>,
    /// The summary.
    pub summary: Summary,
    /// Its events.
    pub events: Vec<Event>,
}

impl FinishedRun {
    /// Whether the run counts as an attempt: a run the learner stopped does not.
    pub fn counts(&self) -> bool {
        self.outcome != Outcome::Stopped
    }
}

impl Workshop {
    /// Take a new seat in the open room with the code `typed`, named `name`.
    pub async fn join(&self, address: IpAddr, typed: &str, name: &str) -> Result<(RoomMessage, SeatLink), Refusal> {
        let failures = &self.inner.join_failures;
        failures
            .check(address)
            .map_err(|retry| refuse::too_many_failures("room codes or seats", retry))?;
        let room = match secret::read_code(typed) {
            Some(code) => self
                .inner
                .store
                .room_by_code(&code)
                .await
                .map_err(|e| refuse::store(&e))?,
            None => None,
        };
        let Some(room) = room.filter(Room::is_open) else {
            failures.fail(address);
            return Err(refuse::no_open_room(typed));
        };
        let name = names::read_name(name).map_err(refuse::bad_name)?;
        let secret = secret::secret().map_err(|e| refuse::randomness(&e))?;
        let new = NewSeat {
            id: secret::seat_id().map_err(|e| refuse::randomness(&e))?,
            room_id: room.id.clone(),
            secret: secret.clone(),
            name: name.shown.clone(),
            name_key: name.key,
            joined_at_ms: now_ms(),
        };
        let seat = match self.inner.store.add_seat(new).await {
            Ok(seat) => seat,
            Err(StoreError::NameTaken) => return Err(refuse::name_taken(&name.shown)),
            Err(error) => return Err(refuse::store(&error)),
        };
        tracing::info!(room = %room.code, name = %seat.name, "a learner joined");
        self.inner.hubs.get(&room.id).changed();
        let room = Room {
            learners: room.learners + 1,
            ..room
        };
        self.seat(room, seat, secret).await
    }

    /// Take one's seat again with its secret.
    pub async fn rejoin(&self, address: IpAddr, secret: &str) -> Result<(RoomMessage, SeatLink), Refusal> {
        let failures = &self.inner.join_failures;
        failures
            .check(address)
            .map_err(|retry| refuse::too_many_failures("room codes or seats", retry))?;
        let store = &self.inner.store;
        let Some(seat) = store.seat_by_secret(secret).await.map_err(|e| refuse::store(&e))? else {
            failures.fail(address);
            return Err(refuse::unknown_seat());
        };
        let room = store
            .room(&seat.room_id)
            .await
            .map_err(|e| refuse::store(&e))?
            .ok_or_else(refuse::unknown_seat)?;
        self.seat(room, seat, secret.to_owned()).await
    }

    /// The `seat` message for `seat` in `room`, and the socket's link to it.
    async fn seat(&self, room: Room, seat: Seat, secret: String) -> Result<(RoomMessage, SeatLink), Refusal> {
        let attempts = self
            .inner
            .store
            .seat_attempts(&seat.id)
            .await
            .map_err(|e| refuse::store(&e))?;
        let progress = grid::seat_progress(&room, &seat.id, &attempts, now_ms());
        let scenarios = room.exercises.iter().map(|e| without_solution(&e.document)).collect();
        let link = SeatLink {
            seat_id: seat.id,
            room_id: room.id.clone(),
            name: seat.name.clone(),
            signals: self.inner.hubs.get(&room.id).learners(),
        };
        let message = RoomMessage::Seat(SeatMessage {
            seat: secret,
            name: seat.name,
            room: grid::view(&room),
            scenarios,
            progress,
            fault_limits: (room.node_faults == NodeFaultPolicy::Learners)
                .then(|| self.inner.settings.demo_limits.clone()),
        });
        Ok((message, link))
    }

    /// The solution of one of the room's exercises, once the room shows it to this learner.
    pub async fn solution(&self, link: &SeatLink, exercise: &str) -> Result<RoomMessage, Refusal> {
        let room = self.seat_room(link).await?;
        let found = room.exercise(exercise).ok_or_else(|| refuse::no_exercise(exercise))?;
        let attempts = self
            .inner
            .store
            .seat_attempts(&link.seat_id)
            .await
            .map_err(|e| refuse::store(&e))?;
        let made = attempts.iter().filter(|a| a.exercise_id == exercise).count();
        let made = u64::try_from(made).unwrap_or(u64::MAX);
        if !room.solutions.allows(made) {
            return Err(refuse::solution_hidden(room.solutions, made));
        }
        let scenario = found
            .document
            .get("exercise")
            .and_then(|e| e.get("solution"))
            .cloned()
            .unwrap_or(Value::Null);
        Ok(RoomMessage::Solution {
            exercise: exercise.to_owned(),
            scenario,
        })
    }

    /// Make a learner's run ready: a run of one of the room's exercises gets the room's copy of
    /// the exercise and the limits the room allows it, and becomes an attempt while the room is
    /// open; any other run keeps the learners' limits and is not recorded.
    pub async fn prepare_run(&self, link: &SeatLink, document: &Value) -> Result<Prepared, Refusal> {
        let settings = &self.inner.settings;
        let room = self.seat_room(link).await?;
        let id = document
            .get("exercise")
            .and_then(|e| e.get("id"))
            .and_then(Value::as_str);
        let Some(exercise) = id.and_then(|id| room.exercise(id)) else {
            return Ok(Prepared {
                document: document.clone(),
                limits: settings.learner_limits.clone(),
                attempt: None,
            });
        };
        if exercise.needs_node_faults && room.node_faults == NodeFaultPolicy::Demos {
            return Err(refuse::demos_only(&exercise.id));
        }
        let mut document = document.clone();
        if let (Some(target), Some(theirs)) = (document.as_object_mut(), exercise.document.get("exercise")) {
            target.insert("exercise".to_owned(), theirs.clone());
        }
        Ok(Prepared {
            document,
            limits: if exercise.needs_node_faults {
                settings.demo_limits.clone()
            } else {
                settings.learner_limits.clone()
            },
            attempt: room.is_open().then(|| AttemptPlan {
                room_id: room.id.clone(),
                seat_id: link.seat_id.clone(),
                exercise_id: exercise.id.clone(),
                started_at_ms: now_ms(),
            }),
        })
    }

    /// Let the learner start `scenario` now: one run at a time, so many a minute.
    pub fn begin_run(&self, link: &SeatLink, scenario: &Scenario) -> Result<SeatRun, Refusal> {
        let settings = &scenario.settings;
        let limit = Duration::from_millis(settings.max_duration_ms.saturating_add(settings.settle_ms));
        self.inner.gates.begin(&link.seat_id, limit).map_err(refuse::gate)
    }

    /// Record a finished run as an attempt; the `recorded` message for the learner.
    pub async fn record(&self, run: FinishedRun) -> Result<RoomMessage, StoreError> {
        let FinishedRun {
            plan,
            run_id,
            scenario,
            outcome,
            checks,
            summary,
            mut events,
        } = run;
        let passed = !checks.is_empty() && checks.iter().all(|c| c.passed);
        let events_cut = events.len() > MAX_RECORDED_EVENTS;
        events.truncate(MAX_RECORDED_EVENTS);
        let attempt = NewAttempt {
            id: secret::id().map_err(|e| StoreError::Gone(e.to_string()))?,
            room_id: plan.room_id.clone(),
            seat_id: plan.seat_id.clone(),
            exercise_id: plan.exercise_id.clone(),
            started_at_ms: plan.started_at_ms,
            finished_at_ms: now_ms(),
            outcome,
            passed,
            scenario: serde_json::to_value(&scenario).map_err(|source| StoreError::Encode {
                what: "an attempt's scenario",
                source,
            })?,
            checks,
            summary,
            events,
            events_cut,
        };
        let store = &self.inner.store;
        let number = store.record_attempt(attempt).await?;
        self.inner.hubs.get(&plan.room_id).changed();
        let room = store.room(&plan.room_id).await?.ok_or_else(|| StoreError::Decode {
            what: "the attempt's room",
            detail: "it is gone".into(),
        })?;
        let attempts = store.seat_attempts(&plan.seat_id).await?;
        let progress = grid::seat_progress(&room, &plan.seat_id, &attempts, now_ms())
            .into_iter()
            .find(|p| p.exercise == plan.exercise_id)
            .ok_or_else(|| StoreError::Decode {
                what: "the attempt's exercise",
                detail: "it is not in the room".into(),
            })?;
        Ok(RoomMessage::Recorded {
            run_id,
            attempt: number,
            passed,
            progress,
        })
    }

    /// The room of a learner's seat.
    async fn seat_room(&self, link: &SeatLink) -> Result<Room, Refusal> {
        self.inner
            .store
            .room(&link.room_id)
            .await
            .map_err(|e| refuse::store(&e))?
            .ok_or_else(refuse::unknown_seat)
    }
}

/// An exercise document as a learner first gets it: without its solution.
fn without_solution(document: &Value) -> Value {
    let mut document = document.clone();
    if let Some(exercise) = document.get_mut("exercise").and_then(Value::as_object_mut) {
        exercise.remove("solution");
    }
    document
}
