//! The HTTP side: the page, the WebSocket endpoint and a health check.

use axum::Router;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::get;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::services::{ServeDir, ServeFile};
use warren_shared::Limits;

use crate::connect::Broker;
use crate::ws;

/// How long shutdown waits for active runs to delete their vhosts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Settings of a serving relay.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Limits every scenario must respect.
    pub limits: Limits,
    /// Most runs at once over all sockets.
    pub max_concurrent_runs: usize,
    /// Folder holding the built page (`index.html`, the WASM and its JS).
    pub static_dir: PathBuf,
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
}

impl AppState {
    /// State for a relay serving `broker`.
    pub fn new(broker: Broker, config: ServerConfig) -> Self {
        Self {
            broker,
            run_slots: Arc::new(Semaphore::new(config.max_concurrent_runs)),
            config: Arc::new(config),
            runs: TaskTracker::new(),
            shutdown: CancellationToken::new(),
        }
    }
}

/// The router: `/ws`, `/healthz`, and the page for everything else.
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

async fn websocket(upgrade: WebSocketUpgrade, State(state): State<AppState>) -> Response {
    upgrade
        .max_message_size(ws::MAX_FRAME_BYTES)
        .on_upgrade(move |socket| ws::session(socket, state))
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
    axum::serve(listener, app(state)).with_graceful_shutdown(signal).await?;
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
