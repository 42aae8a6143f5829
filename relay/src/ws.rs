//! One WebSocket session: hello, then runs requested by the page, one at a time.
//!
//! # Layout
//! - [`session`]: a single loop over named inputs (a frame from the page, a batch of run
//!   events, the run ending, a waiting run's turn, a ping due, the page gone quiet, shutdown),
//!   then one `match`.
//! - [`outbox`]: the socket's writing half, a task behind a bounded backlog.
//!
//! Bad frames get an error message and the socket stays up. The session never waits for the
//! page: events go to the outbox at once, and a page so far behind that the backlog is full is
//! told so, its run stopped and the socket closed. A page that sends nothing at all (not even a
//! pong) for the idle timeout is closed too. When the socket goes away mid-run, the run is
//! stopped and still deletes its vhost.
//!
//! A run asked for when every run slot is taken is accepted and waits in the relay's line
//! ([`crate::slots`]): the page is told its place and an estimate, again whenever the place
//! changes, and the run starts when its turn comes. A stop, or the page gone, takes it out of
//! the line.
//!
//! A scenario that is an exercise (docs/exercises.md) is refused when the learner changed a part
//! it locks; otherwise its run's events are kept, and `finished` carries the exercise's checks,
//! decided by the same function in `warren-shared` as everywhere else.
//!
//! In a workshop (docs/workshop.md) the socket may take a learner's seat or be the instructor's
//! (`ws/room.rs`): room requests are answered with room messages, what the room tells its learners
//! and the watched grid arrive as inputs of the same loop, a learner's run goes through their
//! gate and is checked against the room's exercise, and its attempt is recorded in a task of its
//! own once `finished` is sent; `recorded` follows.

mod outbox;
mod room;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::StreamExt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;
use warren_shared::exercise::{self, CheckResult, Exercise};
use warren_shared::say;
use warren_shared::sentences::relay as say;
use warren_shared::{
    ClientMessage, Event, Hello, Limits, Outcome, PROTOCOL_VERSION, Problem, Scenario, ServerMessage, Summary,
    SummaryBuilder, parse_scenario, validate,
};

use crate::room::learner::FinishedRun;
use crate::run::RunError;
use crate::server::AppState;
use crate::slots::{Admission, LineFull, Next, Place, Slot, Ticket};
use crate::vhost;
use outbox::{MAX_BATCH, Outbox, Outgoing, Refused};
use room::{FromRoom, Link, RoomRun};

/// Largest message the relay accepts from a page (a scenario is far smaller).
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;
/// Largest frame the socket reads at all; a frame between the two limits gets an error message,
/// a larger one closes the socket.
pub const MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;
/// Events buffered between a run and its socket.
const RUN_EVENT_BUFFER: usize = 4096;
/// Recorded attempts waiting to be told to the page (a socket has one run at a time).
const RECORDED_BUFFER: usize = 4;
/// How long a recorded attempt waits for room in its socket's buffer before it is not told.
const RECORDED_SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// This socket's run: waiting for a slot, or going on.
enum Run {
    Waiting(WaitingRun),
    Going(ActiveRun),
}

/// A run accepted and waiting in the line for a slot.
struct WaitingRun {
    id: Arc<str>,
    scenario: Box<Scenario>,
    exercise: Option<Box<Exercise>>,
    ticket: Ticket,
    room: Option<RoomRun>,
}

/// A run in progress on this socket.
struct ActiveRun {
    id: Arc<str>,
    cancel: CancellationToken,
    events: mpsc::Receiver<Event>,
    task: JoinHandle<Result<Summary, RunError>>,
    /// The run of an exercise: its scenario and every event so far, for the checks at the end.
    recording: Option<Recording>,
    /// A learner's run in a workshop room.
    room: Option<RoomRun>,
}

/// What an exercise's checks need once its run ends.
struct Recording {
    exercise: Box<Exercise>,
    scenario: Box<Scenario>,
    events: Vec<Event>,
}

impl Recording {
    /// The exercise's checks over the run that gave `summary`.
    fn checks(&self, summary: &Summary) -> Vec<CheckResult> {
        exercise::evaluate(&self.exercise, &self.scenario, summary, &self.events)
    }
}

/// What woke the session loop.
enum Input {
    Frame(Option<Result<Message, axum::Error>>),
    Events(Vec<Event>),
    RunEnded(Result<Result<Summary, RunError>, tokio::task::JoinError>),
    Turn(Next),
    PingDue,
    Idle,
    Shutdown,
    Room(FromRoom),
    Recorded(Option<warren_shared::room::RoomMessage>),
}

/// Why the session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The socket closes normally, after what is queued (the page left, or was told why).
    Closed,
    /// The page fell so far behind that its backlog is full.
    Behind,
}

impl From<Refused> for End {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Behind => Self::Behind,
            Refused::Gone => Self::Closed,
        }
    }
}

/// What a handler decides: go on, or end the session.
type Flow = Result<(), End>;

/// Serve one socket, opened from `peer`, until it closes.
pub async fn session(socket: WebSocket, state: AppState, peer: SocketAddr) {
    let limits = state.config.sockets.clone();
    let (sink, mut stream) = socket.split();
    let out = Outbox::spawn(sink, limits.max_backlog);
    let mut run: Option<Run> = None;
    let mut link = Link::default();
    let (recorded, mut recordings) = mpsc::channel(RECORDED_BUFFER);
    let every = limits.ping_interval.max(Duration::from_millis(1)); // an interval of zero panics
    let mut ping = tokio::time::interval_at(Instant::now() + every, every);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // One timer for the whole session, pushed back whenever the page sends a frame.
    let idle = tokio::time::sleep(limits.idle_timeout);
    tokio::pin!(idle);
    let mut flow = out.message(hello(&state).await).map_err(End::from);
    while flow.is_ok() {
        let input = {
            let (events, task, ticket) = match run.as_mut() {
                Some(Run::Going(active)) => (Some(&mut active.events), Some(&mut active.task), None),
                Some(Run::Waiting(waiting)) => (None, None, Some(&mut waiting.ticket)),
                None => (None, None, None),
            };
            tokio::select! {
                frame = stream.next() => Input::Frame(frame),
                batch = next_batch(events) => Input::Events(batch),
                ended = run_ended(task) => Input::RunEnded(ended),
                turn = next_turn(ticket) => Input::Turn(turn),
                _ = ping.tick() => Input::PingDue,
                () = &mut idle => Input::Idle,
                () = state.shutdown.cancelled() => Input::Shutdown,
                from_room = link.next() => Input::Room(from_room),
                message = recordings.recv() => Input::Recorded(message),
            }
        };
        if let Input::Frame(Some(Ok(_))) = input {
            idle.as_mut().reset(Instant::now() + limits.idle_timeout);
        }
        flow = match input {
            Input::Frame(Some(Ok(Message::Text(text)))) => {
                let mut socket = Socket {
                    state: &state,
                    run: &mut run,
                    link: &mut link,
                    out: &out,
                    peer,
                };
                socket.on_text(&text).await
            }
            Input::Frame(Some(Ok(Message::Binary(_)))) => out.error(say!(say::BINARY_FRAME)).map_err(End::from),
            Input::Frame(Some(Ok(Message::Close(_))) | None | Some(Err(_))) => Err(End::Closed),
            Input::Frame(Some(Ok(_))) => Ok(()),
            Input::Events(events) => match run.as_mut() {
                Some(Run::Going(active)) => active.forward(events, &out),
                _ => Ok(()),
            },
            Input::RunEnded(result) => match run.take() {
                Some(Run::Going(active)) => finish(active, result, &out, &state, &recorded),
                other => {
                    run = other;
                    Ok(())
                }
            },
            Input::Turn(Next::Moved(place)) => match run.as_ref() {
                Some(Run::Waiting(waiting)) => out.message(waiting_message(&waiting.id, place)).map_err(End::from),
                _ => Ok(()),
            },
            Input::Turn(Next::Granted(slot)) => match run.take() {
                // Shutting down: no new run starts; the slot goes back and the loop ends next.
                Some(Run::Waiting(_)) if state.shutdown.is_cancelled() => Ok(()),
                Some(Run::Waiting(waiting)) => {
                    run = Some(Run::Going(start(
                        *waiting.scenario,
                        waiting.exercise,
                        &state,
                        slot,
                        waiting.id,
                        waiting.room,
                    )));
                    Ok(())
                }
                other => {
                    run = other;
                    Ok(())
                }
            },
            Input::PingDue => out.push(Outgoing::Ping).map_err(End::from),
            Input::Idle => {
                tracing::info!(%peer, "closing a WebSocket that sent nothing for {:?}", limits.idle_timeout);
                out.error(say!(say::IDLE, s = limits.idle_timeout.as_secs()))
                    .map_err(End::from)
                    .and(Err(End::Closed))
            }
            Input::Shutdown => out.error(say::SHUTTING_DOWN).map_err(End::from).and(Err(End::Closed)),
            Input::Room(from_room) => match link.receive(from_room) {
                Some(message) => out.room(message).map_err(End::from),
                None => Ok(()),
            },
            Input::Recorded(Some(message)) => out.room(message).map_err(End::from),
            Input::Recorded(None) => Ok(()),
        };
    }
    // The page is gone or dropped: a waiting run leaves the line; a run going on is stopped, and
    // its task still deletes the vhost (tracked for shutdown).
    let stopped = match run.take() {
        Some(Run::Going(active)) => {
            active.cancel.cancel();
            Some(active.id)
        }
        Some(Run::Waiting(_)) | None => None,
    };
    match flow {
        Err(End::Behind) => {
            tracing::warn!(%peer, run = ?stopped, "dropped a WebSocket whose page fell {} messages behind", limits.max_backlog);
            out.abandon(ServerMessage::Error {
                message: fell_behind(limits.max_backlog, stopped.is_some()),
            })
            .await;
        }
        Ok(()) | Err(End::Closed) => out.close().await,
    }
}

/// The last word to a page that fell behind.
fn fell_behind(backlog: usize, stopped_a_run: bool) -> String {
    if stopped_a_run {
        say!(say::FELL_BEHIND_STOPPED, backlog)
    } else {
        say!(say::FELL_BEHIND, backlog)
    }
}

async fn hello(state: &AppState) -> ServerMessage {
    let (broker, broker_error) = match state.broker.recent_overview().await {
        Ok(info) => (Some(info), None),
        Err(error) => (None, Some(error.to_string())),
    };
    let features = broker.as_ref().map(|info| crate::run::version::features(&info.version));
    ServerMessage::Hello(Hello {
        protocol: PROTOCOL_VERSION,
        warren_version: env!("CARGO_PKG_VERSION").to_owned(),
        broker,
        broker_error,
        limits: state.config.limits.clone(),
        features,
    })
}

/// What a frame from the page may touch.
struct Socket<'a> {
    state: &'a AppState,
    run: &'a mut Option<Run>,
    link: &'a mut Link,
    out: &'a Outbox,
    peer: SocketAddr,
}

impl Socket<'_> {
    /// A text frame from the page: a `run`, a `stop` or a room request, or an error back.
    async fn on_text(&mut self, text: &Utf8Bytes) -> Flow {
        let out = self.out;
        if text.len() > MAX_MESSAGE_BYTES {
            return Ok(out.error(say!(
                say::MESSAGE_TOO_LARGE,
                bytes = text.len(),
                max = MAX_MESSAGE_BYTES
            ))?);
        }
        let message: ClientMessage = match serde_json::from_str(text.as_str()) {
            Ok(message) => message,
            Err(error) => {
                return Ok(out.error(say!(say::UNREADABLE_MESSAGE, error))?);
            }
        };
        match message {
            ClientMessage::Stop => match self.run.take() {
                Some(Run::Going(active)) => {
                    active.cancel.cancel();
                    *self.run = Some(Run::Going(active));
                    Ok(())
                }
                // Leaving the line (the ticket is dropped) ends the run before it started.
                Some(Run::Waiting(waiting)) => Ok(out.message(stopped_while_waiting(&waiting))?),
                None => Ok(out.error(say::NOTHING_TO_STOP)?),
            },
            ClientMessage::Run { .. } if self.run.is_some() => Ok(out.error(say::ALREADY_RUNNING)?),
            ClientMessage::Run { scenario } => self.on_run(&scenario).await,
            request => {
                let answer = room::request(request, self.state, self.link, self.peer.ip()).await;
                Ok(out.room(answer)?)
            }
        }
    }

    /// A `run`: made ready for who this socket is, admitted, let through the learner's gate,
    /// then started or put in the line.
    async fn on_run(&mut self, document: &serde_json::Value) -> Flow {
        let (state, out) = (self.state, self.out);
        let mut ready = match self.link.ready(state, document).await {
            Ok(ready) => ready,
            Err(refusal) => return Ok(out.room(warren_shared::room::RoomMessage::Refused(refusal))?),
        };
        let (scenario, exercise) = match admit(&ready.document, &ready.limits) {
            Ok(admitted) => admitted,
            Err(problems) => return Ok(out.message(ServerMessage::Invalid { problems })?),
        };
        let room = match self.link.begin(state, &mut ready, &scenario) {
            Ok(room) => room,
            Err(refusal) => return Ok(out.room(warren_shared::room::RoomMessage::Refused(refusal))?),
        };
        let id: Arc<str> = vhost::new_run_id().into();
        let admission = match state.slots.join() {
            Ok(admission) => admission,
            Err(full) => return Ok(out.error(line_full(full))?),
        };
        out.message(ServerMessage::Accepted { run_id: id.to_string() })?;
        *self.run = Some(match admission {
            Admission::Now(slot) => Run::Going(start(scenario, exercise, state, slot, id, room)),
            Admission::Wait(ticket) => {
                out.message(waiting_message(&id, ticket.place()))?;
                Run::Waiting(WaitingRun {
                    id,
                    scenario: Box::new(scenario),
                    exercise,
                    ticket,
                    room,
                })
            }
        });
        Ok(())
    }
}

/// What a scenario must pass before its run is accepted: it reads, it is valid under `limits`,
/// and so is its exercise if it has one, whose locked parts the learner left as they were.
fn admit(document: &serde_json::Value, limits: &Limits) -> Result<(Scenario, Option<Box<Exercise>>), Vec<Problem>> {
    let scenario = parse_scenario(document)?;
    let problems = validate(&scenario, limits);
    if !problems.is_empty() {
        return Err(problems);
    }
    let exercise = exercise::read(&scenario, limits)?;
    if let Some(exercise) = &exercise {
        let problems = exercise::locked_problems(exercise, &scenario);
        if !problems.is_empty() {
            return Err(problems);
        }
    }
    Ok((scenario, exercise.map(Box::new)))
}

/// Where a waiting run stands, for the page.
fn waiting_message(run_id: &str, place: Place) -> ServerMessage {
    ServerMessage::Waiting {
        run_id: run_id.to_owned(),
        position: u64::try_from(place.position).unwrap_or(u64::MAX),
        estimated_wait_ms: u64::try_from(place.estimate.as_millis()).unwrap_or(u64::MAX),
    }
}

/// The end of a run stopped before its turn came: nothing ran, so its summary is the one its
/// scenario gives with no events (the page folds the same).
fn stopped_while_waiting(waiting: &WaitingRun) -> ServerMessage {
    let summary = SummaryBuilder::for_scenario(&waiting.scenario).finish();
    ServerMessage::Finished {
        run_id: waiting.id.to_string(),
        outcome: Outcome::Stopped,
        checks: waiting
            .exercise
            .as_ref()
            .map(|e| exercise::evaluate(e, &waiting.scenario, &summary, &[]))
            .unwrap_or_default(),
        summary,
    }
}

/// The refusal of a run when the waiting line is full.
fn line_full(full: LineFull) -> String {
    say!(
        say::LINE_FULL,
        running = full.running,
        waiting = full.waiting,
        s = full.retry_after.as_secs().max(1)
    )
}

fn start(
    scenario: Scenario,
    exercise: Option<Box<Exercise>>,
    state: &AppState,
    slot: Slot,
    id: Arc<str>,
    room: Option<RoomRun>,
) -> ActiveRun {
    let recording = exercise.map(|exercise| Recording {
        exercise,
        scenario: Box::new(scenario.clone()),
        events: Vec::new(),
    });
    let cancel = state.shutdown.child_token();
    let (tx, events) = mpsc::channel(RUN_EVENT_BUFFER);
    let relay = state.clone();
    let token = cancel.clone();
    let run_id = id.to_string();
    let task = state.runs.spawn(async move {
        let result = relay.execute(&scenario, &run_id, tx, token).await;
        drop(slot);
        result
    });
    ActiveRun {
        id,
        cancel,
        events,
        task,
        recording,
        room,
    }
}

impl ActiveRun {
    /// Queue the run's events for the page (and keep them for an exercise's checks).
    fn forward(&mut self, events: Vec<Event>, out: &Outbox) -> Flow {
        if let Some(recording) = &mut self.recording {
            recording.events.extend(events.iter().cloned());
        }
        for event in events {
            out.push(Outgoing::Event {
                run_id: Arc::clone(&self.id),
                event,
            })?;
        }
        Ok(())
    }
}

/// The run's task ended: its last events, then `finished` (or the error that ended it); a
/// learner's run of a room exercise goes on to be recorded, in a task whose `recorded` message
/// comes back through `recorded`.
fn finish(
    mut run: ActiveRun,
    result: Result<Result<Summary, RunError>, tokio::task::JoinError>,
    out: &Outbox,
    state: &AppState,
    recorded: &mpsc::Sender<warren_shared::room::RoomMessage>,
) -> Flow {
    // Every event was queued before the task ended: send what is left, then the summary.
    let mut rest = Vec::new();
    while let Ok(event) = run.events.try_recv() {
        rest.push(event);
    }
    run.forward(rest, out)?;
    match result {
        Ok(Ok(summary)) => {
            let outcome = summary.outcome.unwrap_or(Outcome::Failed);
            let checks = run.recording.as_ref().map(|r| r.checks(&summary)).unwrap_or_default();
            out.message(ServerMessage::Finished {
                run_id: run.id.to_string(),
                outcome,
                summary: summary.clone(),
                checks: checks.clone(),
            })?;
            let plan = run.room.take().and_then(|room| room.attempt);
            if let (Some(plan), Some(recording), Some(workshop)) = (plan, run.recording.take(), &state.workshop) {
                let finished = FinishedRun {
                    plan,
                    run_id: run.id.to_string(),
                    scenario: *recording.scenario,
                    outcome,
                    checks,
                    summary,
                    events: recording.events,
                };
                if finished.counts() {
                    let (workshop, recorded) = (workshop.clone(), recorded.clone());
                    state.runs.spawn(async move {
                        match workshop.record(finished).await {
                            Ok(message) => {
                                // The session reads these as they come; a session gone drops them.
                                let _ = tokio::time::timeout(RECORDED_SEND_TIMEOUT, recorded.send(message)).await;
                            }
                            Err(error) => tracing::error!(%error, "could not record a learner's attempt"),
                        }
                    });
                }
            }
            Ok(())
        }
        Ok(Err(error)) => Ok(out.error(error.to_string())?),
        Err(error) => Ok(out.error(say!(say::FAILED_INSIDE, error))?),
    }
}

async fn next_batch(events: Option<&mut mpsc::Receiver<Event>>) -> Vec<Event> {
    let Some(events) = events else {
        return std::future::pending().await;
    };
    let Some(first) = events.recv().await else {
        return std::future::pending().await;
    };
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match events.try_recv() {
            Ok(event) => batch.push(event),
            Err(_) => break,
        }
    }
    batch
}

async fn next_turn(ticket: Option<&mut Ticket>) -> Next {
    match ticket {
        Some(ticket) => ticket.next().await,
        None => std::future::pending().await,
    }
}

async fn run_ended(
    task: Option<&mut JoinHandle<Result<Summary, RunError>>>,
) -> Result<Result<Summary, RunError>, tokio::task::JoinError> {
    match task {
        Some(task) => task.await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_shared::sentences;

    /// The page translates what the relay says by the template it was made from.
    #[test]
    fn what_the_relay_says_reads_back_to_its_template() {
        let full = LineFull {
            running: 4,
            waiting: 8,
            retry_after: std::time::Duration::from_secs(12),
        };
        let said = [
            (line_full(full), say::LINE_FULL),
            (fell_behind(512, true), say::FELL_BEHIND_STOPPED),
            (fell_behind(512, false), say::FELL_BEHIND),
            (say!(say::BINARY_FRAME), say::BINARY_FRAME),
            (
                crate::run::version::warnings(
                    &warren_shared::parse_scenario(&serde_json::json!({"version": 1, "queues": [
                        {"name": "my lazy queue", "arguments": {"x-queue-mode": "lazy"}}]}))
                    .expect("a scenario"),
                    "4.1.0",
                )
                .remove(0),
                say::LAZY_IGNORED,
            ),
        ];
        for (sentence, template) in said {
            let (read, _) = sentences::reading(sentences::all(), &sentence).expect("a template");
            assert_eq!(read, template, "{sentence}");
        }
        assert_eq!(
            say!(say::BINARY_FRAME),
            "binary frames are not understood: send JSON text such as {\"type\":\"stop\"}"
        );
    }
}
