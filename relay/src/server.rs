//! The HTTP side: the page, the WebSocket endpoint, a health check and the workshop's `/api`; the
//! relay's settings and shared state (run slots, its vhosts, its lease on the broker, the
//! workshop); graceful shutdown.

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
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::services::{ServeDir, ServeFile};
use warren_shared::{Event, Limits, Scenario, Summary};

use crate::admission::{self, AddressSlots};
use crate::connect::{Broker, OVERVIEW_REFRESH};
use crate::periodic;
use crate::room::{self, Workshop};
use crate::run::{self, RunError};
use crate::slots::{DEFAULT_MAX_WAITING, RunSlots};
use crate::vhost::lease::Lease;
use crate::vhost::pool::{ReadyVhost, VhostPool};
use crate::vhost::registry::Registry;
use crate::vhost::{RelayId, sweep};
use crate::ws;

/// How long shutdown waits for active runs to end and for the relay's vhosts to be deleted.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// How long ready vhosts may wait in the pool of a relay without a lease: another relay's
/// sweep deletes an idle process-made vhost after [`sweep::LEFTOVER_AGE`].
const POOL_IDLE_WITHOUT_LEASE: Duration = Duration::from_secs(30);
/// Description of a vhost a run creates itself, the pool being empty.
const RUN_VHOST_PURPOSE: &str = "Warren: a run's vhost; deleted when the run ends";
/// Default [`ServerConfig::max_concurrent_runs`] (a workshop of 50 from one laptop).
pub const DEFAULT_MAX_RUNS: usize = 60;
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
    /// Most runs waiting for a slot once `max_concurrent_runs` run; more are refused.
    pub max_waiting: usize,
    /// Vhosts kept ready for runs, each with a connection open on it (0: every run creates its
    /// own). As many as `max_concurrent_runs` lets a full house start at once.
    pub vhost_pool: usize,
    /// How often the relay looks for leftover run vhosts (its own and dead relays').
    pub sweep_interval: Duration,
    /// Folder holding the built page (`index.html`, the WASM and its JS).
    pub static_dir: PathBuf,
    /// Origins besides the relay's own page whose pages may open the WebSocket (the public
    /// address of a reverse proxy), written as [`admission::parse_origin`] returns them.
    pub allowed_origins: Vec<String>,
    /// What one socket may cost the relay.
    pub sockets: SocketLimits,
    /// Runs a learner in a workshop room may start in a minute.
    pub runs_per_minute: usize,
}

impl ServerConfig {
    /// The defaults, with the page served from `static_dir`.
    pub fn new(limits: Limits, static_dir: PathBuf) -> Self {
        Self {
            limits,
            max_concurrent_runs: DEFAULT_MAX_RUNS,
            max_waiting: DEFAULT_MAX_WAITING,
            vhost_pool: DEFAULT_MAX_RUNS,
            sweep_interval: sweep::DEFAULT_INTERVAL,
            static_dir,
            allowed_origins: Vec::new(),
            sockets: SocketLimits::default(),
            runs_per_minute: room::limits::DEFAULT_RUNS_PER_MINUTE,
        }
    }
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
    /// Run slots and the line of runs waiting for one.
    pub slots: RunSlots,
    /// The vhosts this relay made and has not deleted yet.
    pub vhosts: Registry,
    /// Vhosts made ready for the next runs.
    pub pool: VhostPool,
    /// Tracks run tasks, vhost deletions, the pool and the sweep, so that shutdown can wait for
    /// their clean-up.
    pub runs: TaskTracker,
    /// Cancelled on shutdown; every run's token is a child of it.
    pub shutdown: CancellationToken,
    /// Open sockets per client address.
    pub sockets: AddressSlots,
    /// The workshop, when the relay serves one (`warren serve --workshop`).
    pub workshop: Option<Workshop>,
    /// The relay's lease on the broker, given back at shutdown once its vhosts are deleted.
    lease: Arc<Mutex<Option<Lease>>>,
}

impl AppState {
    /// State for a relay serving `broker`: take a lease on the broker (without one, the relay's
    /// vhosts get process-made names, which sweeps judge by age), sweep the vhosts dead relays
    /// left (their deletion goes on in the background), then start the vhost pool, the sweep
    /// every [`ServerConfig::sweep_interval`] and the overview's refresh.
    pub async fn start(broker: Broker, config: ServerConfig) -> Self {
        Self::start_with(broker, config, None).await
    }

    /// [`AppState::start`], serving the workshop `opened` (its folder, opened beforehand so that a
    /// broken database stops the relay before anything else starts).
    pub async fn start_with(broker: Broker, config: ServerConfig, opened: Option<room::Opened>) -> Self {
        let relay = RelayId::new();
        let lease = match Lease::take(&broker.endpoints, &relay).await {
            Ok(lease) => Some(lease),
            Err(error) => {
                tracing::warn!(
                    %error,
                    "the relay holds no lease on the broker: if it is killed, its run vhosts are removed by a later sweep \
                     once they are a minute old instead of at once; give the user permissions on the vhost `/` to fix this"
                );
                None
            }
        };
        let runs = TaskTracker::new();
        let shutdown = CancellationToken::new();
        let vhosts = Registry::new(
            broker.management.clone(),
            lease.as_ref().map(|l| l.relay().clone()),
            runs.clone(),
        );
        match sweep::sweep_once(&vhosts).await {
            Ok(0) => {}
            Ok(found) => tracing::info!("deleting {found} run vhosts left behind by relays that are gone"),
            Err(error) => tracing::warn!(%error, "could not look for leftover run vhosts"),
        }
        let max_idle = lease.is_none().then_some(POOL_IDLE_WITHOUT_LEASE);
        let pool = VhostPool::start(
            vhosts.clone(),
            broker.endpoints.clone(),
            config.vhost_pool,
            max_idle,
            shutdown.clone(),
            &runs,
        );
        sweep::start(vhosts.clone(), config.sweep_interval, shutdown.clone(), &runs);
        refresh_overview(broker.clone(), shutdown.clone(), &runs);
        let workshop = opened.map(|opened| {
            let settings = room::Settings::new(&config.limits, config.runs_per_minute);
            Workshop::start(opened, settings, shutdown.clone(), runs.clone())
        });
        Self {
            workshop,
            broker,
            slots: RunSlots::new(config.max_concurrent_runs, config.max_waiting),
            sockets: AddressSlots::new(config.sockets.max_per_address),
            config: Arc::new(config),
            vhosts,
            pool,
            runs,
            shutdown,
            lease: Arc::new(Mutex::new(lease)),
        }
    }

    /// Run a validated scenario as `run_id` in a vhost of its own: a ready one from the pool, or
    /// a new one when the pool is empty. The vhost is deleted in the background once the run is
    /// over, so the summary does not wait for it.
    pub async fn execute(
        &self,
        scenario: &Scenario,
        run_id: &str,
        out: mpsc::Sender<Event>,
        cancel: CancellationToken,
    ) -> Result<Summary, RunError> {
        let ready = match self.pool.take() {
            Some(ready) => ready,
            None => ReadyVhost {
                name: self.vhosts.create(RUN_VHOST_PURPOSE).await.map_err(RunError::Vhost)?,
                connection: None,
            },
        };
        let vhost = ready.name.clone();
        let result = run::execute_in(scenario, &self.broker, run_id, ready, out, cancel).await;
        self.vhosts.delete_later(vhost);
        result
    }
}

/// Read the broker's overview every [`OVERVIEW_REFRESH`] until `shutdown`, so that pages opening
/// and runs starting find a recent one (the broker was read when the relay found it).
fn refresh_overview(broker: Broker, shutdown: CancellationToken, tracker: &TaskTracker) {
    periodic::every(OVERVIEW_REFRESH, shutdown, tracker, move || {
        let broker = broker.clone();
        async move {
            if let Err(error) = broker.refresh_overview().await {
                tracing::debug!(%error, "could not read the broker's overview");
            }
        }
    });
}

/// The router: `/ws`, `/healthz`, the workshop's `/api`, and the page for everything else. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()`, as [`serve`] does: `/ws` counts sockets
/// per client address.
pub fn app(state: AppState) -> Router {
    let index = state.config.static_dir.join("index.html");
    let page = ServeDir::new(&state.config.static_dir)
        .fallback(ServeFile::new(&index))
        .append_index_html_on_directories(true);
    let router = Router::new()
        .route("/ws", get(websocket))
        .route("/healthz", get(health))
        .merge(room::api::routes());
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

/// Serve until `shutdown` resolves, then stop every run and wait (bounded) for their clean-up
/// and the deletion of every vhost the relay made (the pool's included); give the lease back last.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let token = state.shutdown.clone();
    let runs = state.runs.clone();
    let lease = Arc::clone(&state.lease);
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
        tracing::warn!(
            "some runs or vhosts had not been cleaned up when the relay stopped; a later sweep removes their vhosts"
        );
    }
    if let Some(lease) = lease.lock().await.take() {
        lease.release().await;
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
