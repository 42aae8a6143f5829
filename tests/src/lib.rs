//! Helpers for Warren's integration tests. Every test talks to a real RabbitMQ: the one named by
//! `WARREN_AMQP_URL` / `WARREN_MANAGEMENT_URL`, or else the broker Warren manages itself (started
//! on first use, reused after).
//!
//! # Layout
//! - [`broker`], [`run_example`], [`run_scenario`]: runs through the library, as `warren run` does;
//!   [`example`] and [`exercise`] load the repository's examples and the tests' own exercises.
//! - [`Relay`]: a relay serving on a free loopback port (a workshop's too), and [`Client`]: a
//!   WebSocket client.
//! - [`browser`]: headless Chromium through chromedriver, and a page object for the playground.
//! - [`load`]: a relay in its own process, measured from `/proc` while sessions run scenarios.
//! - [`workshop`]: the instructor's HTTP calls, a learner's and the instructor's sockets.

pub mod browser;
pub mod load;
pub mod workshop;

use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;
use warren_relay::connect::{Broker, BrokerConfig};
use warren_relay::server::{self, AppState, ServerConfig};
use warren_relay::{run, vhost};
use warren_shared::room::{Incoming, RoomMessage};
use warren_shared::{Event, EventKind, Limits, Scenario, ServerMessage, Summary};

/// The broker under test.
pub async fn broker() -> Broker {
    let config = BrokerConfig {
        amqp_url: std::env::var("WARREN_AMQP_URL").ok(),
        management_url: std::env::var("WARREN_MANAGEMENT_URL").ok(),
    };
    match Broker::resolve(&config).await {
        Ok(broker) => broker,
        Err(error) => panic!("these tests need a RabbitMQ: {error}"),
    }
}

/// The limits of a relay on the broker under test: node faults are allowed on the managed
/// cluster only.
pub fn limits() -> Limits {
    let managed = std::env::var_os("WARREN_AMQP_URL").is_none() && std::env::var_os("WARREN_MANAGEMENT_URL").is_none();
    let nodes = if managed {
        (1..=3).map(|i| format!("warren-{i}@localhost")).collect()
    } else {
        Vec::new()
    };
    Limits {
        node_faults: managed,
        nodes,
        ..Limits::default()
    }
}

/// The path of a file in `examples/`.
pub fn example_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples").join(name)
}

/// Load and validate an example scenario.
pub fn example(name: &str) -> Scenario {
    let path = example_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let scenario = warren_shared::parse_scenario(&value).unwrap_or_else(|p| panic!("{name}: {p:?}"));
    let problems = warren_shared::validate(&scenario, &limits());
    assert!(problems.is_empty(), "{name} is invalid: {problems:?}");
    scenario
}

/// The path of an exercise written for the tests, in `tests/fixtures/exercises/`.
pub fn exercise_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/exercises")
        .join(name)
}

/// Load and validate an exercise written for the tests: its starting scenario, exercise included.
pub fn exercise(name: &str) -> Scenario {
    let path = exercise_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let scenario = warren_shared::parse_scenario(&value).unwrap_or_else(|p| panic!("{name}: {p:?}"));
    let problems = warren_shared::validate(&scenario, &limits());
    assert!(problems.is_empty(), "{name} is invalid: {problems:?}");
    match warren_shared::exercise::read(&scenario, &limits()) {
        Ok(Some(_)) => scenario,
        Ok(None) => panic!("{name} has no exercise"),
        Err(problems) => panic!("{name}'s exercise is invalid: {problems:?}"),
    }
}

/// Run a scenario through the library and collect its events and summary.
pub async fn run_scenario(scenario: &Scenario) -> (Vec<Event>, Summary) {
    let broker = broker().await;
    let (tx, mut rx) = mpsc::channel(1024);
    let collect = tokio::spawn(async move {
        let mut events = Vec::new();
        while let Some(event) = rx.recv().await {
            events.push(event);
        }
        events
    });
    let run_id = vhost::new_run_id();
    let summary = run::execute(scenario, &broker, &run_id, tx, CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("run failed to start: {e}"));
    let events = collect.await.expect("collector");
    (events, summary)
}

/// Run an example by file name.
pub async fn run_example(name: &str) -> (Vec<Event>, Summary) {
    run_scenario(&example(name)).await
}

/// Names of the run vhosts on the broker.
pub async fn run_vhosts(broker: &Broker) -> Vec<String> {
    broker
        .management
        .list_vhosts()
        .await
        .expect("list vhosts")
        .into_iter()
        .map(|v| v.name)
        .filter(|n| n.starts_with(vhost::PREFIX))
        .collect()
}

/// Wait until a vhost is gone, up to `limit`; returns whether it went.
pub async fn vhost_gone(broker: &Broker, vhost: &str, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if !run_vhosts(broker).await.iter().any(|v| v == vhost) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// A relay serving on a free loopback port until dropped.
pub struct Relay {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its state (for the broker handle).
    pub state: AppState,
    stop: CancellationToken,
    serving: Option<tokio::task::JoinHandle<()>>,
}

impl Relay {
    /// Start one.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Start one whose limits `adjust` changes first (e.g. node faults off, as in a workshop).
    pub async fn start_with(adjust: impl FnOnce(&mut Limits)) -> Self {
        Self::start_configured(|config| adjust(&mut config.limits)).await
    }

    /// Start one whose settings `adjust` changes first (allowed origins, small socket limits).
    pub async fn start_configured(adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        Self::start_serving(adjust, None, None).await
    }

    /// Start one serving a workshop from the folder `dir` with the instructor's `token`, as
    /// `warren serve --workshop` does (node faults off), with settings `adjust` changes first.
    pub async fn start_workshop(dir: &Path, token: &str, adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        Self::start_workshop_at(None, dir, token, adjust).await
    }

    /// [`Self::start_workshop`] listening on `addr` (a relay restarted where pages still point),
    /// or on a free loopback port.
    pub async fn start_workshop_at(
        addr: Option<SocketAddr>,
        dir: &Path,
        token: &str,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> Self {
        let opened = match warren_relay::room::open(dir, Some(token)) {
            Ok(opened) => opened,
            Err(error) => panic!("the workshop's folder: {error}"),
        };
        Self::start_serving(
            |config| {
                config.limits.node_faults = false;
                adjust(config);
            },
            Some(opened),
            addr,
        )
        .await
    }

    async fn start_serving(
        adjust: impl FnOnce(&mut ServerConfig),
        workshop: Option<warren_relay::room::Opened>,
        addr: Option<SocketAddr>,
    ) -> Self {
        let wanted = addr.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = TcpListener::bind(wanted).await.expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let mut config = ServerConfig {
            max_concurrent_runs: 8,
            // A pool per test relay would make and delete vhosts no test uses; the pool's own
            // tests turn it on.
            vhost_pool: 0,
            ..ServerConfig::new(limits(), warren_relay::cli::default_static_dir())
        };
        adjust(&mut config);
        let state = AppState::start_with(broker().await, config, workshop).await;
        let stop = CancellationToken::new();
        let signal = stop.clone();
        let serving = state.clone();
        let serving = tokio::spawn(async move {
            let _ = server::serve(listener, serving, async move { signal.cancelled().await }).await;
        });
        Self {
            addr,
            state,
            stop,
            serving: Some(serving),
        }
    }

    /// Shut the relay down as SIGTERM does, and wait until it has: runs stopped, every vhost it
    /// made deleted, its lease given back. (Dropping it only asks it to stop.)
    pub async fn stop(mut self) {
        self.stop.cancel();
        if let Some(serving) = self.serving.take() {
            let _ = serving.await;
        }
    }

    /// The URL of `path` (which starts with `/`) on the relay.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The WebSocket's URL.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Open a WebSocket and read the hello.
    pub async fn connect(&self) -> (Client, ServerMessage) {
        match self.try_connect(None).await {
            Ok(connected) => connected,
            Err(refused) => panic!("websocket handshake refused: {refused:?}"),
        }
    }

    /// Open a WebSocket as a page of `origin` would (no `Origin` header without one) and read
    /// the hello; a refused upgrade gives its HTTP status and body.
    pub async fn try_connect(&self, origin: Option<&str>) -> Result<(Client, ServerMessage), Refused> {
        let mut request = self.ws_url().into_client_request().expect("a WebSocket request");
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().expect("an origin header"));
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(Client::after_hello(socket).await),
            Err(WsError::Http(response)) => Err(Refused {
                status: response.status().as_u16(),
                body: String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into_owned(),
            }),
            Err(error) => panic!("websocket handshake: {error}"),
        }
    }

    /// Open a WebSocket whose TCP receive buffer is tiny, and read the hello: when the test stops
    /// reading, the relay's writes back up after a few kilobytes instead of megabytes.
    pub async fn connect_small_window(&self) -> (Client, ServerMessage) {
        let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket");
        socket.set_recv_buffer_size(4096).expect("a small receive buffer");
        let stream = socket.connect(self.addr).await.expect("connect to the relay");
        let (socket, _) = tokio_tungstenite::client_async(self.ws_url(), MaybeTlsStream::Plain(stream))
            .await
            .expect("websocket handshake");
        Client::after_hello(socket).await
    }
}

/// A WebSocket upgrade the relay refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The HTTP status.
    pub status: u16,
    /// The body, as text.
    pub body: String,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// How long a test waits for the next message before failing.
pub const RECV_TIMEOUT: Duration = Duration::from_secs(60);

/// A WebSocket client speaking Warren's protocol.
pub struct Client {
    socket: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
}

/// Everything one run sent, in order.
#[derive(Debug, Default)]
pub struct RunRecord {
    /// The run id from `accepted`.
    pub run_id: String,
    /// Every event.
    pub events: Vec<Event>,
    /// The summary from `finished`.
    pub summary: Option<Summary>,
    /// Each `waiting` message, as (position, estimated wait in ms), while the run waited.
    pub waits: Vec<(u64, u64)>,
    /// The outcome from `finished`.
    pub outcome: Option<warren_shared::Outcome>,
    /// The exercise's checks from `finished` (empty for a scenario without an exercise).
    pub checks: Vec<warren_shared::CheckResult>,
}

impl RunRecord {
    /// The vhost the run ran in, from its `run_started` event.
    pub fn vhost(&self) -> Option<&str> {
        self.events.iter().find_map(|event| match &event.kind {
            EventKind::RunStarted { vhost, .. } => Some(vhost.as_str()),
            _ => None,
        })
    }
}

impl Client {
    /// Open a WebSocket to `ws_url` (no `Origin`, as a script) and read the hello; what went
    /// wrong otherwise, as text.
    pub async fn connect_to(ws_url: &str) -> Result<(Self, ServerMessage), String> {
        let (socket, _) = tokio_tungstenite::connect_async(ws_url)
            .await
            .map_err(|error| format!("could not open the WebSocket {ws_url}: {error}"))?;
        let mut client = Self { socket };
        let text = client
            .next_text(RECV_TIMEOUT)
            .await
            .map_err(|error| format!("no hello: {error}"))?;
        serde_json::from_str(text.as_str())
            .map(|hello| (client, hello))
            .map_err(|error| format!("could not read the hello: {error}"))
    }

    async fn after_hello(socket: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>) -> (Self, ServerMessage) {
        let mut client = Self { socket };
        let hello = client.recv().await;
        (client, hello)
    }

    /// The next frame of any kind (pings included), or `None` once the socket has ended.
    pub async fn frame(&mut self) -> Option<Message> {
        self.socket.next().await?.ok()
    }

    /// Every server message until the socket ends (each within [`RECV_TIMEOUT`]).
    pub async fn read_to_end(&mut self) -> Vec<ServerMessage> {
        let mut messages = Vec::new();
        loop {
            let frame = tokio::time::timeout(RECV_TIMEOUT, self.frame())
                .await
                .expect("the socket ends within the timeout");
            match frame {
                Some(Message::Text(text)) => messages
                    .push(serde_json::from_str(text.as_str()).unwrap_or_else(|e| panic!("bad message {text}: {e}"))),
                Some(Message::Close(_)) | None => return messages,
                Some(_) => {}
            }
        }
    }

    /// Send a raw text frame.
    pub async fn send_text(&mut self, text: &str) {
        self.try_send_text(text).await.unwrap_or_else(|error| panic!("{error}"));
    }

    /// Send a raw text frame; what went wrong otherwise.
    pub async fn try_send_text(&mut self, text: &str) -> Result<(), String> {
        self.socket
            .send(Message::text(text))
            .await
            .map_err(|error| format!("could not send on the socket: {error}"))
    }

    /// Send a binary frame.
    pub async fn send_binary(&mut self, bytes: Vec<u8>) {
        self.socket.send(Message::binary(bytes)).await.expect("send");
    }

    /// Ask to stop the socket's run.
    pub async fn stop(&mut self) {
        self.send_text(r#"{"type":"stop"}"#).await;
    }

    /// Ask for a run.
    pub async fn run(&mut self, scenario: &Scenario) {
        let message = serde_json::json!({"type": "run", "scenario": scenario});
        self.send_text(&message.to_string()).await;
    }

    /// Send a message written as JSON.
    pub async fn send_json(&mut self, message: &serde_json::Value) {
        self.send_text(&message.to_string()).await;
    }

    /// Read the next message of either kind: a run's or a workshop room's.
    pub async fn recv_any(&mut self) -> Incoming {
        self.try_recv_any(RECV_TIMEOUT)
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Read the next message of either kind within `within` (of the frame before it); what went
    /// wrong otherwise.
    pub async fn try_recv_any(&mut self, within: Duration) -> Result<Incoming, String> {
        let text = self.next_text(within).await?;
        Incoming::read(text.as_str()).map_err(|error| format!("could not read the message {text}: {error}"))
    }

    /// Read the next message, which must be a room's.
    pub async fn recv_room(&mut self) -> RoomMessage {
        match self.recv_any().await {
            Incoming::Room(message) => message,
            Incoming::Server(other) => panic!("expected a room message, got {other:?}"),
        }
    }

    /// Read the next server message.
    pub async fn recv(&mut self) -> ServerMessage {
        let text = self
            .next_text(RECV_TIMEOUT)
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        serde_json::from_str(text.as_str()).unwrap_or_else(|e| panic!("bad message {text}: {e}"))
    }

    /// The next text frame (other frames are skipped, each within `within`), as it arrived; what
    /// went wrong otherwise. Read the time of arrival right after it, before the frame is parsed.
    pub async fn next_text(&mut self, within: Duration) -> Result<Utf8Bytes, String> {
        loop {
            match tokio::time::timeout(within, self.socket.next()).await {
                Err(_) => return Err(format!("nothing came for {} s", within.as_secs())),
                Ok(None) => return Err("the socket closed".to_owned()),
                Ok(Some(Err(error))) => return Err(format!("could not read the socket: {error}")),
                Ok(Some(Ok(Message::Text(text)))) => return Ok(text),
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    /// Read messages until the run ends.
    pub async fn follow_run(&mut self) -> RunRecord {
        self.follow_run_into(RunRecord::default()).await
    }

    /// Read messages until an event matches `stop_at`; returns what was read so far.
    pub async fn read_until(&mut self, stop_at: impl Fn(&Event) -> bool) -> RunRecord {
        let mut record = RunRecord::default();
        loop {
            match self.recv().await {
                ServerMessage::Accepted { run_id } => record.run_id = run_id,
                ServerMessage::Waiting {
                    position,
                    estimated_wait_ms,
                    ..
                } => record.waits.push((position, estimated_wait_ms)),
                ServerMessage::Events { events, .. } => {
                    let hit = events.iter().any(&stop_at);
                    record.events.extend(events);
                    if hit {
                        return record;
                    }
                }
                other => panic!("unexpected message before the awaited event: {other:?}"),
            }
        }
    }

    /// Continue reading a run until it ends.
    pub async fn follow_run_into(&mut self, mut record: RunRecord) -> RunRecord {
        loop {
            match self.recv().await {
                ServerMessage::Accepted { run_id } => record.run_id = run_id,
                ServerMessage::Waiting {
                    position,
                    estimated_wait_ms,
                    ..
                } => record.waits.push((position, estimated_wait_ms)),
                ServerMessage::Events { events, .. } => record.events.extend(events),
                ServerMessage::Finished {
                    summary,
                    outcome,
                    checks,
                    ..
                } => {
                    record.summary = Some(summary);
                    record.outcome = Some(outcome);
                    record.checks = checks;
                    return record;
                }
                other => panic!("unexpected message during a run: {other:?}"),
            }
        }
    }

    /// Close the socket abruptly (no close frame).
    pub fn drop_connection(self) {
        drop(self.socket);
    }
}
