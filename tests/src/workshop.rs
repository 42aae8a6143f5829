//! Clients of a workshop room, for the tests: the instructor's HTTP calls ([`Api`]), a learner's
//! socket ([`Learner`]) and the instructor's socket ([`Teacher`]).

use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;
use tokio::time::Instant;
use warren_shared::room::{ExerciseProgress, Grid, Incoming, Refusal, RoomMessage, RoomView, Seat};
use warren_shared::{CheckResult, Outcome, ServerMessage};

use crate::{Client, RECV_TIMEOUT, Relay};

/// The instructor's token in the tests.
pub const TOKEN: &str = "the-instructor-token-of-the-tests";

/// A fresh, empty folder for a workshop, named after `test`.
pub fn fresh_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warren-workshop-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The course's exercise `id`, as a learner starts it.
pub fn start_of(id: &str) -> Value {
    match course_exercise(id) {
        Some((start, _)) => start,
        None => panic!("the course has no exercise {id}"),
    }
}

/// The solution of the course's exercise `id`, as a learner's page sends it: the solution's
/// scenario, with the exercise it solves.
pub fn solution_of(id: &str) -> Value {
    match course_exercise(id) {
        Some((_, solution)) => solution,
        None => panic!("the course has no exercise {id}"),
    }
}

/// The course's exercise `id` as a learner's page sends it: its start, and its solution (the
/// solution's scenario with the exercise it solves); `None` when the course has no such exercise.
pub fn course_exercise(id: &str) -> Option<(Value, Value)> {
    let start = warren_relay::room::course::find(id)?.document.clone();
    let mut solution = start["exercise"]["solution"].clone();
    solution["exercise"] = start["exercise"].clone();
    Some((start, solution))
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    /// Its status.
    pub status: u16,
    /// Its `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
    /// Its body.
    pub text: String,
}

impl Answer {
    /// The body as JSON of type `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not the JSON expected ({e}): {}", self.text))
    }

    /// The body as a refusal.
    pub fn refusal(&self) -> Refusal {
        self.json()
    }
}

/// The instructor's HTTP calls to a relay.
pub struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    /// Calls to `relay`.
    pub fn new(relay: &Relay) -> Self {
        Self::at(relay.url(""))
    }

    /// Calls to the relay at `base` (`http://host:port`).
    pub fn at(base: String) -> Self {
        Self {
            http: reqwest::Client::new(),
            base,
        }
    }

    /// `GET path` with `token`.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        answer(request.send().await.expect("the relay answers"))
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// `POST path` with `token` and a JSON `body`.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.try_post(path, token, body)
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// `POST path` with `token` and a JSON `body`; what went wrong when no answer came.
    pub async fn try_post(&self, path: &str, token: Option<&str>, body: &Value) -> Result<Answer, String> {
        let mut request = self.http.post(format!("{}{path}", self.base)).body(body.to_string());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .map_err(|error| format!("could not POST {path}: {error}"))?;
        answer(response).await
    }

    /// Create a room of the course's exercises `ids`, with `more` fields of the request.
    pub async fn create(&self, title: &str, ids: &[&str], more: Value) -> RoomView {
        self.try_create(title, ids, more)
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Create a room of the course's exercises `ids`, with `more` fields of the request; what
    /// went wrong when it was not created.
    pub async fn try_create(&self, title: &str, ids: &[&str], more: Value) -> Result<RoomView, String> {
        let exercises: Vec<Value> = ids.iter().map(|id| json!({"from": "course", "id": id})).collect();
        let mut request = json!({"title": title, "exercises": exercises});
        if let (Some(request), Some(more)) = (request.as_object_mut(), more.as_object()) {
            request.extend(more.clone());
        }
        let answer = self.try_post("/api/rooms", Some(TOKEN), &request).await?;
        if answer.status != 201 {
            return Err(format!("could not create the room: {} {}", answer.status, answer.text));
        }
        serde_json::from_str(&answer.text)
            .map_err(|error| format!("could not read the new room ({error}): {}", answer.text))
    }
}

async fn answer(response: reqwest::Response) -> Result<Answer, String> {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let text = response
        .text()
        .await
        .map_err(|error| format!("could not read an answer's body: {error}"))?;
    Ok(Answer {
        status,
        retry_after,
        text,
    })
}

/// What a learner's run of a room exercise gave.
#[derive(Debug)]
pub struct Attempt {
    /// How the run ended.
    pub outcome: Outcome,
    /// The checks `finished` carried.
    pub checks: Vec<CheckResult>,
    /// When `finished` was read.
    pub finished_at: Instant,
    /// The attempt's number.
    pub number: u64,
    /// Whether the relay judged it passed.
    pub passed: bool,
    /// The learner's progress after it.
    pub progress: ExerciseProgress,
}

/// A learner's socket.
pub struct Learner {
    /// The socket.
    pub client: Client,
    /// The seat the relay gave.
    pub seat: Seat,
}

impl Learner {
    /// Join the room with the code `code` as `name`; panics on a refusal.
    pub async fn join(relay: &Relay, code: &str, name: &str) -> Self {
        Self::join_at(&relay.ws_url(), code, name)
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Join the room with the code `code` as `name` on the relay whose WebSocket is `ws_url`;
    /// what went wrong otherwise (a refusal included).
    pub async fn join_at(ws_url: &str, code: &str, name: &str) -> Result<Self, String> {
        let (mut client, _) = Client::connect_to(ws_url).await?;
        match try_ask(&mut client, json!({"type": "join", "room": code, "name": name})).await? {
            RoomMessage::Seat(seat) => Ok(Self { client, seat }),
            other => Err(format!("expected a seat for {name}, got {other:?}")),
        }
    }

    /// Take the seat with `secret` again, on a new socket.
    pub async fn rejoin(relay: &Relay, secret: &str) -> Self {
        let (mut client, _) = relay.connect().await;
        match ask(&mut client, json!({"type": "rejoin", "seat": secret})).await {
            RoomMessage::Seat(seat) => Self { client, seat },
            other => panic!("expected the seat back, got {other:?}"),
        }
    }

    /// Run `scenario`, a room exercise, to its end and its `recorded`.
    pub async fn attempt(&mut self, scenario: &Value) -> Attempt {
        self.client
            .send_json(&json!({"type": "run", "scenario": scenario}))
            .await;
        let (outcome, checks, finished_at) = loop {
            match self.client.recv_any().await {
                Incoming::Server(ServerMessage::Finished { outcome, checks, .. }) => {
                    break (outcome, checks, Instant::now());
                }
                Incoming::Server(
                    ServerMessage::Accepted { .. } | ServerMessage::Waiting { .. } | ServerMessage::Events { .. },
                ) => {}
                other => panic!("unexpected during a run: {other:?}"),
            }
        };
        match self.client.recv_room().await {
            RoomMessage::Recorded {
                attempt,
                passed,
                progress,
                ..
            } => Attempt {
                outcome,
                checks,
                finished_at,
                number: attempt,
                passed,
                progress,
            },
            other => panic!("expected recorded, got {other:?}"),
        }
    }

    /// Send a room request and read the answer.
    pub async fn ask(&mut self, request: Value) -> RoomMessage {
        ask(&mut self.client, request).await
    }
}

/// Send `request` on `client` and read the room's answer.
pub async fn ask(client: &mut Client, request: Value) -> RoomMessage {
    client.send_json(&request).await;
    client.recv_room().await
}

/// Send `request` on `client` and read the room's answer (within [`RECV_TIMEOUT`]); what went
/// wrong otherwise.
pub async fn try_ask(client: &mut Client, request: Value) -> Result<RoomMessage, String> {
    client.try_send_text(&request.to_string()).await?;
    match client.try_recv_any(RECV_TIMEOUT).await? {
        Incoming::Room(message) => Ok(message),
        Incoming::Server(other) => Err(format!("expected a room message, got {other:?}")),
    }
}

/// The refusal in `message`, or a panic.
pub fn refused(message: RoomMessage) -> Refusal {
    match message {
        RoomMessage::Refused(refusal) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The instructor's socket.
pub struct Teacher {
    /// The socket.
    pub client: Client,
}

impl Teacher {
    /// Connect as the instructor, and watch the room `code`: its first grid.
    pub async fn watch(relay: &Relay, code: &str) -> (Self, Grid) {
        Self::watch_at(&relay.ws_url(), code)
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Connect as the instructor to the relay whose WebSocket is `ws_url`, and watch the room
    /// `code`: its first grid; what went wrong otherwise.
    pub async fn watch_at(ws_url: &str, code: &str) -> Result<(Self, Grid), String> {
        let (mut client, _) = Client::connect_to(ws_url).await?;
        match try_ask(&mut client, json!({"type": "instructor", "token": TOKEN})).await? {
            RoomMessage::Instructor { rooms, .. } if rooms.iter().any(|r| r.code == code) => {}
            other => return Err(format!("expected instructor with the room {code}, got {other:?}")),
        }
        match try_ask(&mut client, json!({"type": "watch", "room": code})).await? {
            RoomMessage::Grid(grid) => Ok((Self { client }, grid)),
            other => Err(format!("expected a grid, got {other:?}")),
        }
    }

    /// The first grid that `wanted` accepts, read within `within`; panics with the last grid
    /// seen otherwise.
    pub async fn grid_until(&mut self, within: Duration, wanted: impl Fn(&Grid) -> bool) -> Grid {
        let deadline = Instant::now() + within;
        let mut last = None;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.client.recv_room()).await {
                Ok(RoomMessage::Grid(grid)) if wanted(&grid) => return grid,
                Ok(RoomMessage::Grid(grid)) => last = Some(grid),
                Ok(other) => panic!("unexpected on the instructor's socket: {other:?}"),
                Err(_) => panic!("no grid as wanted within {within:?}; the last was {last:#?}"),
            }
        }
    }
}
