//! What the instructor may do, each after [`Workshop::authorize`]: create and list rooms, move a
//! room on, close it, send a scenario to everyone in it, read its grid, one learner's latest
//! attempt and its results as CSV, and watch its grid live.

use std::net::IpAddr;
use std::sync::Arc;
use tokio::sync::watch;
use warren_shared::exercise;
use warren_shared::room::{AttemptView, Grid, NewRoom as Request, Push, Refusal, RoomView};
use warren_shared::{parse_scenario, validate};

use super::error::StoreError;
use super::hub::{LearnerSignal, room_grid};
use super::model::{NewRoom, Room};
use super::{Workshop, csv, grid, now_ms, refuse, secret, setup};

/// Join codes tried before a new room gives up (each is new with near certainty).
const CODE_TRIES: usize = 5;

impl Workshop {
    /// Let the instructor through: `token` must be the workshop's, and `address` must not have
    /// sent too many wrong ones lately (then even the right one waits).
    pub fn authorize(&self, address: IpAddr, token: Option<&str>) -> Result<(), Refusal> {
        let failures = &self.inner.token_failures;
        failures
            .check(address)
            .map_err(|retry| refuse::too_many_failures("instructor tokens", retry))?;
        match token {
            Some(token) if secret::same(token, &self.inner.token) => Ok(()),
            _ => {
                failures.fail(address);
                tracing::warn!(%address, "refused a wrong or missing instructor token");
                Err(refuse::unauthorized())
            }
        }
    }

    /// Create a room.
    pub async fn create_room(&self, request: &Request) -> Result<RoomView, Refusal> {
        let plan = setup::plan(request, &self.inner.settings.demo_limits).map_err(|p| refuse::invalid("room", p))?;
        let id = secret::id().map_err(|e| refuse::randomness(&e))?;
        for _ in 0..CODE_TRIES {
            let room = NewRoom {
                id: id.clone(),
                code: secret::join_code().map_err(|e| refuse::randomness(&e))?,
                title: plan.title.clone(),
                solutions: plan.solutions,
                node_faults: plan.node_faults,
                created_at_ms: now_ms(),
                exercises: plan.exercises.clone(),
            };
            match self.inner.store.create_room(room).await {
                Ok(room) => {
                    tracing::info!(code = %room.code, title = %room.title, "created a room");
                    return Ok(grid::view(&room));
                }
                Err(StoreError::CodeTaken) => continue,
                Err(error) => return Err(refuse::store(&error)),
            }
        }
        Err(refuse::store(&StoreError::CodeTaken))
    }

    /// Every room, newest first.
    pub async fn rooms(&self) -> Result<Vec<RoomView>, Refusal> {
        let rooms = self.inner.store.rooms().await.map_err(|e| refuse::store(&e))?;
        Ok(rooms.iter().map(grid::view).collect())
    }

    /// The room with the code the instructor typed.
    pub async fn room(&self, typed: &str) -> Result<Room, Refusal> {
        let Some(code) = secret::read_code(typed) else {
            return Err(refuse::no_room(typed));
        };
        self.inner
            .store
            .room_by_code(&code)
            .await
            .map_err(|e| refuse::store(&e))?
            .ok_or_else(|| refuse::no_room(typed))
    }

    /// Move the room on to its next exercise, and tell its learners.
    pub async fn next_exercise(&self, typed: &str) -> Result<RoomView, Refusal> {
        let room = self.room(typed).await?;
        if !room.is_open() {
            return Err(refuse::closed());
        }
        if room.current + 1 >= room.exercises.len() {
            return Err(refuse::at_last_exercise());
        }
        let store = &self.inner.store;
        store
            .set_current(&room.id, room.current + 1)
            .await
            .map_err(|e| refuse::store(&e))?;
        self.changed(&room.id).await
    }

    /// Close the room, and tell its learners.
    pub async fn close(&self, typed: &str) -> Result<RoomView, Refusal> {
        let room = self.room(typed).await?;
        self.inner
            .store
            .close_room(&room.id, now_ms())
            .await
            .map_err(|e| refuse::store(&e))?;
        self.changed(&room.id).await
    }

    /// The room as it is now, told to its learners and its grid.
    async fn changed(&self, room_id: &str) -> Result<RoomView, Refusal> {
        let room = self
            .inner
            .store
            .room(room_id)
            .await
            .map_err(|e| refuse::store(&e))?
            .ok_or_else(refuse::no_learner)?;
        let view = grid::view(&room);
        let hub = self.inner.hubs.get(room_id);
        hub.tell(LearnerSignal::Room(Arc::new(view.clone())));
        hub.changed();
        Ok(view)
    }

    /// Send a scenario to every learner of the room; how many sockets it reached.
    pub async fn push(&self, typed: &str, push: Push) -> Result<usize, Refusal> {
        let room = self.room(typed).await?;
        if !room.is_open() {
            return Err(refuse::closed());
        }
        let limits = &self.inner.settings.demo_limits;
        let scenario = parse_scenario(&push.scenario).map_err(|p| refuse::invalid("scenario", p))?;
        let mut problems = validate(&scenario, limits);
        if problems.is_empty()
            && let Err(found) = exercise::read(&scenario, limits)
        {
            problems = found;
        }
        if !problems.is_empty() {
            return Err(refuse::invalid("scenario", problems));
        }
        let reached = self
            .inner
            .hubs
            .get(&room.id)
            .tell(LearnerSignal::Pushed(Arc::new(push)));
        tracing::info!(code = %room.code, reached, "sent a scenario to a room");
        Ok(reached)
    }

    /// The room's grid as of now.
    pub async fn grid(&self, typed: &str) -> Result<Grid, Refusal> {
        let room = self.room(typed).await?;
        room_grid(&self.inner.store, &room.id)
            .await
            .map_err(|e| refuse::store(&e))?
            .ok_or_else(|| refuse::no_room(typed))
    }

    /// The room's results as CSV.
    pub async fn results_csv(&self, typed: &str) -> Result<(String, String), Refusal> {
        let grid = self.grid(typed).await?;
        let name = format!("warren-{}-results.csv", grid.room.code);
        Ok((name, csv::results(&grid)))
    }

    /// One learner's latest attempt at one exercise, whole.
    pub async fn latest_attempt(&self, typed: &str, seat_id: &str, exercise: &str) -> Result<AttemptView, Refusal> {
        let room = self.room(typed).await?;
        let store = &self.inner.store;
        let seat = store
            .seat(&room.id, seat_id)
            .await
            .map_err(|e| refuse::store(&e))?
            .ok_or_else(refuse::no_learner)?;
        if room.exercise(exercise).is_none() {
            return Err(refuse::no_exercise(exercise));
        }
        let attempt = store
            .latest_attempt(&room.id, &seat.id, exercise)
            .await
            .map_err(|e| refuse::store(&e))?
            .ok_or_else(|| refuse::no_attempt(&seat.name, exercise))?;
        Ok(AttemptView {
            seat: seat.id,
            name: seat.name,
            exercise: attempt.row.exercise_id,
            attempt: attempt.row.number,
            started_at_ms: attempt.started_at_ms,
            finished_at_ms: attempt.row.finished_at_ms,
            passed: attempt.row.passed,
            outcome: attempt.outcome,
            scenario: attempt.scenario,
            checks: attempt.checks,
            summary: attempt.summary,
            events: attempt.events,
            events_cut: attempt.events_cut,
        })
    }

    /// Watch a room's grid: its id (to tell when another is watched) and the grid's channel.
    pub async fn watch(&self, typed: &str) -> Result<(String, watch::Receiver<Option<Arc<Grid>>>), Refusal> {
        let room = self.room(typed).await?;
        let receiver = self.inner.hubs.get(&room.id).watch();
        Ok((room.id, receiver))
    }
}
