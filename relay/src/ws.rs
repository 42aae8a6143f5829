//! One WebSocket session: hello, then runs requested by the page, one at a time.
//!
//! The session is a single loop over named inputs (a frame from the page, a batch of run
//! events, the run ending, shutdown). Bad frames get an error message and the socket stays up;
//! when the socket goes away mid-run, the run is stopped and still deletes its vhost.

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use warren_shared::{
    ClientMessage, Event, Hello, Outcome, PROTOCOL_VERSION, ServerMessage, Summary, parse_scenario, validate,
};

use crate::run::{self, RunError};
use crate::server::AppState;

/// Largest message the relay accepts from a page (a scenario is far smaller).
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;
/// Largest frame the socket reads at all; a frame between the two limits gets an error message,
/// a larger one closes the socket.
pub const MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;
/// Most events sent in one frame.
const MAX_BATCH: usize = 512;
/// Events buffered between a run and its socket.
const RUN_EVENT_BUFFER: usize = 4096;

/// A run in progress on this socket.
struct ActiveRun {
    id: String,
    cancel: CancellationToken,
    events: mpsc::Receiver<Event>,
    task: JoinHandle<Result<Summary, RunError>>,
}

/// What woke the session loop.
enum Input {
    Frame(Option<Result<Message, axum::Error>>),
    Events(Vec<Event>),
    RunEnded(Result<Result<Summary, RunError>, tokio::task::JoinError>),
    Shutdown,
}

/// Serve one socket until it closes.
pub async fn session(socket: WebSocket, state: AppState) {
    let (mut sink, mut stream) = socket.split();
    let mut out = Outbox { sink: &mut sink };
    if out.send(&hello(&state).await).await.is_err() {
        return;
    }
    let mut active: Option<ActiveRun> = None;
    loop {
        let input = {
            let (events, task) = match active.as_mut() {
                Some(run) => (Some(&mut run.events), Some(&mut run.task)),
                None => (None, None),
            };
            tokio::select! {
                frame = stream.next() => Input::Frame(frame),
                batch = next_batch(events) => Input::Events(batch),
                ended = run_ended(task) => Input::RunEnded(ended),
                () = state.shutdown.cancelled() => Input::Shutdown,
            }
        };
        let keep_open = match input {
            Input::Frame(Some(Ok(Message::Text(text)))) => on_text(&text, &state, &mut active, &mut out).await,
            Input::Frame(Some(Ok(Message::Binary(_)))) => {
                out.error("binary frames are not understood: send JSON text such as {\"type\":\"stop\"}")
                    .await
            }
            Input::Frame(Some(Ok(Message::Close(_))) | None | Some(Err(_))) => false,
            Input::Frame(Some(Ok(_))) => true,
            Input::Events(events) => {
                let run_id = active.as_ref().map(|r| r.id.clone()).unwrap_or_default();
                out.send(&ServerMessage::Events { run_id, events }).await.is_ok()
            }
            Input::RunEnded(result) => match active.take() {
                Some(run) => finish(run, result, &mut out).await,
                None => true,
            },
            Input::Shutdown => {
                let _ = out.error("the relay is shutting down; runs are being stopped").await;
                false
            }
        };
        if !keep_open {
            break;
        }
    }
    if let Some(run) = active {
        // The page is gone: stop the run; its task still deletes the vhost (tracked for shutdown).
        run.cancel.cancel();
    }
    let _ = sink.close().await;
}

async fn hello(state: &AppState) -> ServerMessage {
    let (broker, broker_error) = match state.broker.management.overview().await {
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

async fn on_text(text: &Utf8Bytes, state: &AppState, active: &mut Option<ActiveRun>, out: &mut Outbox<'_>) -> bool {
    if text.len() > MAX_MESSAGE_BYTES {
        return out
            .error(&format!(
                "a message of {} bytes is larger than this relay accepts ({MAX_MESSAGE_BYTES} bytes); a scenario is normally a few kilobytes",
                text.len()
            ))
            .await;
    }
    let message: ClientMessage = match serde_json::from_str(text.as_str()) {
        Ok(message) => message,
        Err(error) => {
            return out
                .error(&format!(
                    "could not read the message ({error}): send JSON such as {{\"type\":\"run\",\"scenario\":{{...}}}} or {{\"type\":\"stop\"}}"
                ))
                .await;
        }
    };
    match message {
        ClientMessage::Stop => match active {
            Some(run) => {
                run.cancel.cancel();
                true
            }
            None => out.error("there is no run to stop on this connection").await,
        },
        ClientMessage::Run { .. } if active.is_some() => {
            out.error("a run is already going on this connection: stop it or wait for it to finish")
                .await
        }
        ClientMessage::Run { scenario } => {
            let scenario = match parse_scenario(&scenario) {
                Ok(scenario) => scenario,
                Err(problems) => {
                    return out.send(&ServerMessage::Invalid { problems }).await.is_ok();
                }
            };
            let problems = validate(&scenario, &state.config.limits);
            if !problems.is_empty() {
                return out.send(&ServerMessage::Invalid { problems }).await.is_ok();
            }
            let Ok(permit) = state.run_slots.clone().try_acquire_owned() else {
                return out
                    .error(&format!(
                        "the relay is already running {} scenarios, its limit; try again when one finishes",
                        state.config.max_concurrent_runs
                    ))
                    .await;
            };
            let run = start(scenario, state, permit);
            let accepted = ServerMessage::Accepted { run_id: run.id.clone() };
            *active = Some(run);
            out.send(&accepted).await.is_ok()
        }
    }
}

fn start(scenario: warren_shared::Scenario, state: &AppState, permit: OwnedSemaphorePermit) -> ActiveRun {
    let id = run::new_run_id();
    let cancel = state.shutdown.child_token();
    let (tx, events) = mpsc::channel(RUN_EVENT_BUFFER);
    let broker = state.broker.clone();
    let (run_id, token) = (id.clone(), cancel.clone());
    let task = state.runs.spawn(async move {
        let result = run::execute(&scenario, &broker, &run_id, tx, token).await;
        drop(permit);
        result
    });
    ActiveRun {
        id,
        cancel,
        events,
        task,
    }
}

async fn finish(
    mut run: ActiveRun,
    result: Result<Result<Summary, RunError>, tokio::task::JoinError>,
    out: &mut Outbox<'_>,
) -> bool {
    // Every event was queued before the task ended: send what is left, then the summary.
    let mut rest = Vec::new();
    while let Ok(event) = run.events.try_recv() {
        rest.push(event);
    }
    for chunk in rest.chunks(MAX_BATCH) {
        if out
            .send(&ServerMessage::Events {
                run_id: run.id.clone(),
                events: chunk.to_vec(),
            })
            .await
            .is_err()
        {
            return false;
        }
    }
    match result {
        Ok(Ok(summary)) => {
            let outcome = summary.outcome.unwrap_or(Outcome::Failed);
            out.send(&ServerMessage::Finished {
                run_id: run.id,
                outcome,
                summary,
            })
            .await
            .is_ok()
        }
        Ok(Err(error)) => out.error(&error.to_string()).await,
        Err(error) => out.error(&format!("the run failed inside the relay: {error}")).await,
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

async fn run_ended(
    task: Option<&mut JoinHandle<Result<Summary, RunError>>>,
) -> Result<Result<Summary, RunError>, tokio::task::JoinError> {
    match task {
        Some(task) => task.await,
        None => std::future::pending().await,
    }
}

/// Serialises server messages onto the socket.
struct Outbox<'a> {
    sink: &'a mut futures_util::stream::SplitSink<WebSocket, Message>,
}

impl Outbox<'_> {
    async fn send(&mut self, message: &ServerMessage) -> Result<(), axum::Error> {
        let text = serde_json::to_string(message)
            .unwrap_or_else(|error| format!(r#"{{"type":"error","message":"could not encode a message: {error}"}}"#));
        self.sink.send(Message::Text(text.into())).await
    }

    /// Send an error; returns whether the socket is still usable.
    async fn error(&mut self, message: &str) -> bool {
        self.send(&ServerMessage::Error {
            message: message.to_owned(),
        })
        .await
        .is_ok()
    }
}
