//! The `warren serve` process on the real broker, killed and stopped as an operator would: after
//! SIGKILL during runs and an immediate restart, no vhost of the killed relay is left a minute
//! later; SIGTERM stops every run and deletes the relay's vhosts before the process exits.
//! Broker URLs come from `WARREN_AMQP_URL` / `WARREN_MANAGEMENT_URL`, or the managed cluster.

use futures_util::{SinkExt, StreamExt};
use std::collections::HashSet;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use warren_relay::connect::{Broker, BrokerConfig};
use warren_relay::vhost::{self, RelayId};
use warren_shared::{EventKind, ServerMessage};

/// How long the relay gets to start, or to clean up.
const PATIENCE: Duration = Duration::from_secs(60);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn broker() -> Broker {
    let config = BrokerConfig {
        amqp_url: std::env::var("WARREN_AMQP_URL").ok(),
        management_url: std::env::var("WARREN_MANAGEMENT_URL").ok(),
    };
    Broker::resolve(&config).await.expect("these tests need a RabbitMQ")
}

/// A `warren serve` child process on a free loopback port.
struct Served {
    child: Child,
    addr: String,
}

impl Served {
    fn start(broker: &Broker) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_warren"))
            .args(["serve", "--listen", &addr, "--vhost-pool", "2", "--max-runs", "10"])
            .args(["--amqp-url", &broker.endpoints.amqp_url])
            .args(["--management-url", &broker.endpoints.management_url])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("warren serve starts");
        Self { child, addr }
    }

    /// Open a WebSocket once the relay listens, and read its hello.
    async fn connect(&self) -> Socket {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok((mut socket, _)) = tokio_tungstenite::connect_async(format!("ws://{}/ws", self.addr)).await {
                assert!(matches!(recv(&mut socket).await, ServerMessage::Hello(_)));
                return socket;
            }
            assert!(
                Instant::now() < deadline,
                "warren serve did not listen on {}",
                self.addr
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Wait for the process to exit, up to [`PATIENCE`]; whether it exited with success.
    async fn exited(&mut self) -> bool {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("the child's status") {
                return status.success();
            }
            assert!(Instant::now() < deadline, "warren serve did not exit");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Served {
    /// Send SIGTERM.
    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }
}

impl Drop for Served {
    /// Stop the relay as an operator would, so that it deletes its vhosts; kill it if it hangs.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = std::time::Instant::now() + PATIENCE;
            while let Ok(None) = self.child.try_wait()
                && std::time::Instant::now() < deadline
            {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn recv(socket: &mut Socket) -> ServerMessage {
    loop {
        let frame = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("a message in time")
            .expect("the socket is open")
            .expect("a frame");
        if let Message::Text(text) = frame {
            return serde_json::from_str(text.as_str()).expect("a server message");
        }
    }
}

/// Start a slow run on `socket` and return its vhost once it is started.
async fn start_slow_run(socket: &mut Socket) -> String {
    let scenario = serde_json::json!({
        "version": 1,
        "queues": [{"name": "q"}],
        "publishers": [{"name": "p", "exchange": "", "routing_key": "q", "count": 1000, "rate_per_sec": 20}],
        "consumers": [{"name": "c", "queue": "q"}]
    });
    let run = serde_json::json!({"type": "run", "scenario": scenario});
    socket.send(Message::text(run.to_string())).await.expect("send run");
    loop {
        if let ServerMessage::Events { events, .. } = recv(socket).await {
            for event in events {
                if let EventKind::RunStarted { vhost, .. } = event.kind {
                    return vhost;
                }
            }
        }
    }
}

/// The run vhosts on the broker made by `relay`.
async fn made_by(broker: &Broker, relay: &RelayId) -> HashSet<String> {
    broker
        .management
        .list_vhosts()
        .await
        .expect("list vhosts")
        .into_iter()
        .map(|v| v.name)
        .filter(|name| vhost::parse(name).and_then(|v| v.relay).as_ref() == Some(relay))
        .collect()
}

fn relay_of(vhost: &str) -> RelayId {
    vhost::parse(vhost)
        .and_then(|v| v.relay)
        .unwrap_or_else(|| panic!("{vhost} names no relay: the relay holds no lease"))
}

#[tokio::test]
async fn after_sigkill_and_a_restart_nothing_of_the_killed_relay_is_left() {
    let broker = broker().await;
    let mut killed = Served::start(&broker);
    let mut sockets = Vec::new();
    let mut vhosts = Vec::new();
    for _ in 0..3 {
        let mut socket = killed.connect().await;
        vhosts.push(start_slow_run(&mut socket).await);
        sockets.push(socket);
    }
    let relay = relay_of(&vhosts[0]);
    killed.child.kill().expect("SIGKILL");
    killed.child.wait().expect("the killed relay is reaped");
    let left = made_by(&broker, &relay).await;
    assert!(
        vhosts.iter().all(|v| left.contains(v)),
        "nobody deleted the killed relay's run vhosts yet: {left:?}"
    );

    let restarted = Served::start(&broker);
    let _socket = restarted.connect().await;
    let deadline = Instant::now() + PATIENCE;
    let mut left = made_by(&broker, &relay).await;
    while !left.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        left = made_by(&broker, &relay).await;
    }
    assert!(left.is_empty(), "the killed relay's vhosts are still there: {left:?}");
}

#[tokio::test]
async fn sigterm_stops_every_run_and_deletes_the_relays_vhosts_before_exit() {
    let broker = broker().await;
    let mut served = Served::start(&broker);
    let mut sockets = Vec::new();
    let mut vhosts = Vec::new();
    for _ in 0..2 {
        let mut socket = served.connect().await;
        vhosts.push(start_slow_run(&mut socket).await);
        sockets.push(socket);
    }
    let relay = relay_of(&vhosts[0]);
    served.terminate();
    // Each page is told, then its socket closes.
    for socket in &mut sockets {
        let mut told = false;
        while let Ok(Some(Ok(frame))) = tokio::time::timeout(PATIENCE, socket.next()).await {
            if let Message::Text(text) = frame
                && let Ok(ServerMessage::Error { message }) = serde_json::from_str(text.as_str())
            {
                told |= message.contains("shutting down");
            }
        }
        assert!(told, "the page was told the relay is shutting down");
    }
    assert!(served.exited().await, "warren serve exits with success on SIGTERM");
    let left = made_by(&broker, &relay).await;
    assert!(left.is_empty(), "vhosts left after SIGTERM: {left:?}");
    assert!(
        !broker
            .management
            .queue_exists("/", &relay.lease_queue())
            .await
            .expect("look for the lease"),
        "the lease is given back"
    );
}
