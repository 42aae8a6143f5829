//! The HTTP side: the page, the WebSocket endpoint and a health check.

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::get;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::services::{ServeDir, ServeFile};
use warren_shared::Limits;

use crate::admission::{self, AddressSlots};
use crate::connect::Broker;
use crate::ws;

/// How long shutdown waits for active runs to delete their vhosts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// Default [`SocketLimits::max_backlog`]: at a few hundred bytes an event, a couple of MB per socket.
pub const DEFAULT_MAX_BACKLOG: usize = 8192;
/// Default [`SocketLimits::ping_interval`].
pub const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(20);
/// Default [`SocketLimits::idle_timeout`]: three pings unanswered.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default [`SocketLimits::max_per_address`]: a workshop machine with many tabs, not a flood.
pub const DEFAULT_SOCKETS_PER_ADDRESS: usize = 32;

/// Settings of a serving relay.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Limits every scenario must respect.
    pub limits: Limits,
    /// Most runs at once over all sockets.
    pub max_concurrent_runs: usize,
    /// Folder holding the built page (`index.html`, the WASM and its JS).
    pub static_dir: PathBuf,
    /// Origins besides the relay's own page whose pages may open the WebSocket (the public
    /// address of a reverse proxy), written as [`admission::parse_origin`] returns them.
    pub allowed_origins: Vec<String>,
    /// What one socket may cost the relay.
    pub sockets: SocketLimits,
}

/// Bounds on each WebSocket, so that a slow or hostile client costs the relay a bounded amount
/// and never holds up anyone else's run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketLimits {
    /// Most events and messages waiting to be written to one socket. A page that falls this far
    /// behind is told so (if it still reads), its run is stopped and the socket closed: the relay
    /// never buffers without bound, and a run never waits for a page.
    pub max_backlog: usize,
    /// How often the relay pings the page.
    pub ping_interval: Duration,
    /// How long a socket may go without any frame from the page (pongs count) before it is closed.
    pub idle_timeout: Duration,
    /// Most sockets open at once from one client IP address.
    pub max_per_address: usize,
}

impl Default for SocketLimits {
    fn default() -> Self {
        Self {
            max_backlog: DEFAULT_MAX_BACKLOG,
            ping_interval: DEFAULT_PING_INTERVAL,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_per_address: DEFAULT_SOCKETS_PER_ADDRESS,
        }
    }
}

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The broker runs go to.
    pub broker: Broker,
    /// Server settings.
    pub config: Arc<ServerConfig>,
    /// Permits for concurrent runs.
    pub run_slots: Arc<Semaphore>,
    /// Tracks run tasks so shutdown can wait for their clean-up.
    pub runs: TaskTracker,
    /// Cancelled on shutdown; every run's token is a child of it.
    pub shutdown: CancellationToken,
    /// Open sockets per client address.
    pub sockets: AddressSlots,
}

impl AppState {
    /// State for a relay serving `broker`.
    pub fn new(broker: Broker, config: ServerConfig) -> Self {
        Self {
            broker,
            run_slots: Arc::new(Semaphore::new(config.max_concurrent_runs)),
            sockets: AddressSlots::new(config.sockets.max_per_address),
            config: Arc::new(config),
            runs: TaskTracker::new(),
            shutdown: CancellationToken::new(),
        }
    }
}

/// The router: `/ws`, `/healthz`, and the page for everything else. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()`, as [`serve`] does: `/ws` counts sockets
/// per client address.
pub fn app(state: AppState) -> Router {
    let index = state.config.static_dir.join("index.html");
    let page = ServeDir::new(&state.config.static_dir)
        .fallback(ServeFile::new(&index))
        .append_index_html_on_directories(true);
    let router = Router::new()
        .route("/ws", get(websocket))
        .route("/healthz", get(health));
    if index.is_file() {
        router.fallback_service(page).with_state(state)
    } else {
        router.fallback(get(page_missing)).with_state(state)
    }
}

/// The upgrade to `/ws`, for the relay's own page (or an allowed origin) and within the
/// per-address cap; the socket keeps its address slot until it is closed.
async fn websocket(
    upgrade: WebSocketUpgrade,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: Uri,
    State(state): State<AppState>,
) -> Response {
    if let Err(refusal) = admission::check_origin(&headers, &uri, &state.config.allowed_origins) {
        return refusal.into_response();
    }
    let slot = match state.sockets.take(peer.ip()) {
        Ok(slot) => slot,
        Err(refusal) => return refusal.into_response(),
    };
    upgrade
        .max_message_size(ws::MAX_FRAME_BYTES)
        .on_upgrade(move |socket| async move {
            ws::session(socket, state, peer).await;
            drop(slot);
        })
}

async fn health(State(state): State<AppState>) -> Response {
    match state.broker.management.overview().await {
        Ok(info) => Json(serde_json::json!({"status": "ok", "broker": info})).into_response(),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "broker unavailable", "error": error.to_string()})),
        )
            .into_response(),
    }
}

async fn page_missing(State(state): State<AppState>) -> Response {
    let dir = state.config.static_dir.display().to_string();
    let body = format!(
        "<!doctype html><title>Warren</title><h1>Warren's page is not built</h1>\
         <p>The relay is running, but {dir} holds no index.html. Build the page with \
         <code>cargo xtask build-frontend</code> (or start everything with <code>cargo xtask run</code>).</p>"
    );
    (StatusCode::NOT_FOUND, Html(body)).into_response()
}

/// Serve until `shutdown` resolves, then stop every run and wait (bounded) for their clean-up.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let token = state.shutdown.clone();
    let runs = state.runs.clone();
    let signal = {
        let token = token.clone();
        async move {
            tokio::select! {
                () = shutdown => token.cancel(),
                () = token.cancelled() => {}
            }
        }
    };
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(signal).await?;
    token.cancel();
    runs.close();
    if tokio::time::timeout(SHUTDOWN_GRACE, runs.wait()).await.is_err() {
        tracing::warn!("some runs had not cleaned up when the relay stopped; the next start-up removes their vhosts");
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
