//! The RabbitMQ Warren runs itself when the user configured no broker.
//!
//! Warren starts the locally installed `rabbitmq-server` as its own cluster of nodes (three unless told
//! otherwise), on ports of its own so that a system RabbitMQ (5672, 15672, 25672) keeps running
//! undisturbed. Everything a node keeps is under the data folder:
//!
//! ```text
//! <data_dir>/node-1/rabbitmq.conf       listeners, management port, statistics interval, cluster name
//!                   enabled_plugins     [rabbitmq_management].
//!                   rabbitmq-env.conf   empty: keeps /etc/rabbitmq/rabbitmq-env.conf out
//!                   mnesia/             the node's database and message store
//!                   log/                the node's logs and Warren's record of the start command
//!                   rabbitmq.pid        the Erlang VM's process id
//! ```
//!
//! Node `i` (from 1) is `warren-i@localhost` in `<data_dir>/node-i`, with AMQP port `5700 + i`,
//! management port `15700 + i` and distribution port `25700 + i`.
//!
//! # The cluster
//! Node 1 is the seed; nodes 2..n join it (`rabbitmqctl stop_app`, `join_cluster warren-1@localhost`,
//! `start_app`) the first time they run. Afterwards each node's database remembers the cluster, and a
//! node that restarts rejoins by itself. But a node that was not the last of its cluster to stop waits
//! at boot (up to five minutes) for a peer that has the newest data, so Warren always starts every node
//! that is down at once, never one after the other. [`ManagedBroker::ensure_running`] also repairs:
//! it starts nodes that are down, joins nodes that are in no cluster or another one, adds nodes when
//! more are wanted than exist, and removes (stops, forgets and deletes) nodes beyond the wanted count.
//!
//! As root, the `rabbitmq-server` and `rabbitmqctl` scripts re-run themselves as the `rabbitmq` user,
//! so every node folder is handed to that user and the data folder must be reachable by it.

use std::fmt;
use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use tokio::process::Command;
use warren_shared::event::BrokerInfo;

use super::management::Management;
use super::{BrokerEndpoints, NodeEndpoint};

/// AMQP port of node `i` is `BASE_AMQP_PORT + i` (5701 for the first node).
pub const BASE_AMQP_PORT: u16 = 5700;
/// Management HTTP port of node `i` is `BASE_MANAGEMENT_PORT + i` (15701 for the first node).
pub const BASE_MANAGEMENT_PORT: u16 = 15700;
/// Erlang distribution port of node `i` is `BASE_DIST_PORT + i` (25701 for the first node).
pub const BASE_DIST_PORT: u16 = 25700;
/// Node names are `NODE_NAME_PREFIX-i@localhost`.
pub const NODE_NAME_PREFIX: &str = "warren";
/// How many nodes Warren starts unless told otherwise.
pub const DEFAULT_NODES: u16 = 3;
/// Most nodes the managed cluster may have (ports up to 5709, 15709 and 25709).
pub const MAX_NODES: u16 = 9;
/// The server script Warren starts.
pub const RABBITMQ_SERVER: &str = "/usr/sbin/rabbitmq-server";
/// The control script Warren waits for and stops nodes with.
pub const RABBITMQCTL: &str = "/usr/sbin/rabbitmqctl";
/// The user the RabbitMQ scripts run as.
pub const RABBITMQ_USER: &str = "rabbitmq";
/// Data folder when running as root (root's home is not reachable by the `rabbitmq` user).
pub const ROOT_DATA_DIR: &str = "/var/lib/warren";
/// Environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "WARREN_DATA_DIR";
/// How long `rabbitmqctl wait` may wait for a node to boot.
pub const BOOT_TIMEOUT: Duration = Duration::from_secs(90);
/// How long the management API may take to answer once the node has booted.
pub const MANAGEMENT_READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `rabbitmq-server -detached` may take to hand the node over to the background.
const DETACH_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a node may take to stop before its process is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a quick `rabbitmqctl` command (start_app, ping) may take.
const CTL_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the first node may take to list every node as running once all have started and joined.
const CLUSTER_READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a node that failed to boot may take to exit before it is started once more.
const RETRY_EXIT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a probe of a node's management API may take: a node that is up answers in
/// milliseconds.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// Pause between two management API probes while a node starts.
const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// Lines of the node's log quoted when it fails to start.
const LOG_TAIL_LINES: usize = 10;
/// Longest error line quoted from the node's log.
const ERROR_LINE_LIMIT: usize = 600;

/// Loopback port Warren processes hold while they change the cluster (no node uses it: node ports
/// start at `BASE_DIST_PORT + 1`).
pub const LOCK_PORT: u16 = BASE_DIST_PORT;
/// How long to wait for another Warren process to finish changing the cluster.
const LOCK_TIMEOUT: Duration = Duration::from_secs(300);

/// Only one cluster formation at a time in this process. Taken before [`ClusterLock`] and any node's
/// lock.
static START_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// One lock per node folder: two concurrent starts, joins or faults of one node would collide.
static NODE_LOCKS: std::sync::Mutex<Vec<(PathBuf, Arc<tokio::sync::Mutex<()>>)>> = std::sync::Mutex::new(Vec::new());

/// The lock of the node kept in `dir`.
fn node_lock(dir: &Path) -> Arc<tokio::sync::Mutex<()>> {
    let mut locks = NODE_LOCKS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, lock)) = locks.iter().find(|(d, _)| d == dir) {
        return lock.clone();
    }
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    locks.push((dir.to_path_buf(), lock.clone()));
    lock
}

/// Held while this process changes the cluster (forms, stops or repairs it, or applies a node fault),
/// so that another Warren process (a second `warren run`, the tests) does not do so at the same time.
///
/// It is a listening socket on `127.0.0.1:`[`LOCK_PORT`]: only one process can hold it, and the
/// system releases it when the process dies, so a crash leaves no stale lock behind. The scope is
/// right too: the nodes' ports are this machine's, whatever the data folder. Taken before any node's
/// lock, and never twice by one task: it is not reentrant.
#[derive(Debug)]
pub(super) struct ClusterLock {
    _socket: std::net::TcpListener,
}

impl ClusterLock {
    /// Waits (up to [`LOCK_TIMEOUT`]) until no other task or process changes the cluster.
    pub(super) async fn acquire() -> Result<Self, ManagedError> {
        let began = Instant::now();
        let mut told = false;
        loop {
            match std::net::TcpListener::bind(("127.0.0.1", LOCK_PORT)) {
                Ok(socket) => return Ok(Self { _socket: socket }),
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                    if !told {
                        tracing::info!(
                            port = LOCK_PORT,
                            "waiting for another Warren process to finish changing the broker"
                        );
                        told = true;
                    }
                    if began.elapsed() >= LOCK_TIMEOUT {
                        return Err(io_error(
                            format!("take Warren's broker lock (port {LOCK_PORT} on 127.0.0.1)"),
                            io::Error::other(format!(
                                "another process has held it for {} s: another Warren changing the \
                                 broker, or a program using that port",
                                LOCK_TIMEOUT.as_secs()
                            )),
                        ));
                    }
                    tokio::time::sleep(POLL_INTERVAL).await;
                }
                Err(e) => {
                    return Err(io_error(
                        format!("take Warren's broker lock (port {LOCK_PORT} on 127.0.0.1)"),
                        e,
                    ));
                }
            }
        }
    }
}

/// Why Warren's own broker could not be started, stopped or inspected.
#[derive(Debug, thiserror::Error)]
pub enum ManagedError {
    /// `rabbitmq-server` is not installed.
    #[error(
        "could not start a RabbitMQ broker: no broker was configured and none could be started, \
         because {tried} does not exist. Install RabbitMQ (apt-get install rabbitmq-server) and \
         start Warren again, or run a broker yourself (e.g. docker run -p 5672:5672 -p 15672:15672 \
         rabbitmq:3-management) and pass --amqp-url and --management-url (or set WARREN_AMQP_URL \
         and WARREN_MANAGEMENT_URL)"
    )]
    NotInstalled {
        /// The server script that was looked for.
        tried: PathBuf,
    },
    /// Warren runs as a user the RabbitMQ scripts refuse.
    #[error(
        "could not start a RabbitMQ broker: rabbitmq-server must run as root or as the rabbitmq \
         user, and Warren runs as {user}. Start Warren with sudo, or run a broker yourself and pass \
         --amqp-url and --management-url (or set WARREN_AMQP_URL and WARREN_MANAGEMENT_URL)"
    )]
    WrongUser {
        /// Who Warren runs as.
        user: String,
    },
    /// The `rabbitmq` user cannot reach the data folder.
    #[error(
        "could not use {dir} as Warren's RabbitMQ data folder: the rabbitmq user cannot enter \
         {blocked}. Choose a folder it can reach by setting WARREN_DATA_DIR, e.g. \
         WARREN_DATA_DIR={ROOT_DATA_DIR}"
    )]
    DataDirUnreachable {
        /// The data folder.
        dir: PathBuf,
        /// The folder on its path that the `rabbitmq` user may not enter.
        blocked: PathBuf,
    },
    /// A file operation or a command failed to run at all.
    #[error("could not {what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A node did not come up.
    #[error(
        "could not start RabbitMQ node {node}: {detail}. Its logs are in {}{}{}",
        log_dir.display(),
        quote_first_error(first_error),
        quote_tail(log_tail)
    )]
    StartFailed {
        /// The node's name.
        node: String,
        /// What went wrong.
        detail: String,
        /// The node's log folder.
        log_dir: PathBuf,
        /// The first error the node logged during this start, when there is one.
        first_error: Option<String>,
        /// The last lines of its newest log, when readable.
        log_tail: Option<String>,
    },
    /// Another RabbitMQ answers on a port Warren's node needs.
    #[error(
        "could not start RabbitMQ node {node}: port {port} is already in use by {user}; stop it, \
         or run Warren against a broker of your own with --amqp-url and --management-url"
    )]
    PortTaken {
        /// The node that needed the port.
        node: String,
        /// The port.
        port: u16,
        /// Who uses it, e.g. `another RabbitMQ (nodes rabbit@host)` or `another program`.
        user: String,
    },
    /// A node would not stop.
    #[error("could not stop RabbitMQ node {node}: {detail}")]
    StopFailed {
        /// The node's name.
        node: String,
        /// What went wrong.
        detail: String,
    },
    /// A node could not be made a member of the first node's cluster.
    #[error("could not join RabbitMQ node {node} to the cluster of {seed}: {detail}. Its logs are in {}", log_dir.display())]
    JoinFailed {
        /// The node that was to join.
        node: String,
        /// The first node, whose cluster it was to join.
        seed: String,
        /// What went wrong.
        detail: String,
        /// The joining node's log folder.
        log_dir: PathBuf,
    },
    /// A node beyond the wanted count could not be taken out of the cluster.
    #[error("could not remove RabbitMQ node {node} from Warren's cluster: {detail}")]
    RemoveFailed {
        /// The node to remove.
        node: String,
        /// What went wrong.
        detail: String,
    },
    /// Every node runs, but the first node does not list them all as running members.
    #[error("could not form Warren's RabbitMQ cluster: {detail}")]
    NotClustered {
        /// What the first node reports.
        detail: String,
    },
}

fn quote_first_error(error: &Option<String>) -> String {
    match error {
        Some(error) => format!("; the first error it logged: {error}"),
        None => String::new(),
    }
}

fn quote_tail(tail: &Option<String>) -> String {
    match tail {
        Some(tail) if !tail.trim().is_empty() => format!("; the log ends with:\n{tail}"),
        _ => String::new(),
    }
}

/// The RabbitMQ broker Warren starts and stops itself: a cluster of nodes on this machine,
/// [`DEFAULT_NODES`] unless told otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedBroker {
    data_dir: PathBuf,
    nodes: u16,
}

/// One node of the managed broker: its name, ports and files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedNode {
    /// Position in the cluster, from 1; ports are derived from it.
    pub index: u16,
    /// Erlang node name, e.g. `warren-1@localhost`.
    pub name: String,
    /// AMQP port on 127.0.0.1.
    pub amqp_port: u16,
    /// Management HTTP port on 127.0.0.1.
    pub management_port: u16,
    /// Erlang distribution port.
    pub dist_port: u16,
    /// Folder holding the node's configuration, data and logs.
    pub dir: PathBuf,
}

impl ManagedNode {
    /// Node `index` (from 1) of the cluster kept under `data_dir`.
    pub(super) fn new(data_dir: &Path, index: u16) -> Self {
        Self {
            index,
            name: format!("{NODE_NAME_PREFIX}-{index}@localhost"),
            amqp_port: BASE_AMQP_PORT + index,
            management_port: BASE_MANAGEMENT_PORT + index,
            dist_port: BASE_DIST_PORT + index,
            dir: data_dir.join(format!("node-{index}")),
        }
    }

    /// AMQP URL (guest credentials, no vhost).
    pub fn amqp_url(&self) -> String {
        format!("amqp://guest:guest@127.0.0.1:{}", self.amqp_port)
    }

    /// Management API URL (guest credentials).
    pub fn management_url(&self) -> String {
        format!("http://guest:guest@127.0.0.1:{}", self.management_port)
    }

    /// Where this node is reached.
    pub fn endpoint(&self) -> NodeEndpoint {
        NodeEndpoint {
            name: self.name.clone(),
            amqp_url: self.amqp_url(),
            management_url: self.management_url(),
        }
    }

    /// Whether the node's folder exists, i.e. it was started at least once.
    pub fn is_created(&self) -> bool {
        self.dir.is_dir()
    }

    /// Folder of the node's logs.
    pub fn log_dir(&self) -> PathBuf {
        self.dir.join("log")
    }

    /// File the node writes its OS process id to.
    pub fn pid_file(&self) -> PathBuf {
        self.dir.join("rabbitmq.pid")
    }

    fn mnesia_dir(&self) -> PathBuf {
        self.dir.join("mnesia")
    }

    /// `RABBITMQ_CONFIG_FILE` is this path without `.conf`.
    fn config_base(&self) -> PathBuf {
        self.dir.join("rabbitmq")
    }

    fn enabled_plugins_file(&self) -> PathBuf {
        self.dir.join("enabled_plugins")
    }

    fn env_file(&self) -> PathBuf {
        self.dir.join("rabbitmq-env.conf")
    }

    fn advanced_config_file(&self) -> PathBuf {
        self.dir.join("advanced.config")
    }

    /// Where the output of `rabbitmq-server -detached` goes.
    fn startup_output_file(&self) -> PathBuf {
        self.log_dir().join("warren-start.log")
    }

    /// The node's `rabbitmq.conf`.
    pub fn rabbitmq_conf(&self) -> String {
        format!(
            "# Written by Warren for node {name}; rewritten at every start.\n\
             listeners.tcp.default = 127.0.0.1:{amqp}\n\
             management.tcp.port = {management}\n\
             management.tcp.ip = 127.0.0.1\n\
             loopback_users = none\n\
             collect_statistics_interval = 1000\n\
             cluster_name = {NODE_NAME_PREFIX}\n",
            name = self.name,
            amqp = self.amqp_port,
            management = self.management_port,
        )
    }

    /// The environment that makes `rabbitmq-server` run this node and nothing else: every path and
    /// port, so that `/etc/rabbitmq` and a system node are left alone.
    fn environment(&self) -> Vec<(&'static str, String)> {
        let path = |p: PathBuf| p.display().to_string();
        vec![
            ("RABBITMQ_NODENAME", self.name.clone()),
            ("RABBITMQ_NODE_PORT", self.amqp_port.to_string()),
            ("RABBITMQ_DIST_PORT", self.dist_port.to_string()),
            ("RABBITMQ_CONFIG_FILE", path(self.config_base())),
            ("RABBITMQ_ADVANCED_CONFIG_FILE", path(self.advanced_config_file())),
            ("RABBITMQ_CONF_ENV_FILE", path(self.env_file())),
            ("RABBITMQ_ENABLED_PLUGINS_FILE", path(self.enabled_plugins_file())),
            ("RABBITMQ_MNESIA_BASE", path(self.mnesia_dir())),
            ("RABBITMQ_LOG_BASE", path(self.log_dir())),
            ("RABBITMQ_PID_FILE", path(self.pid_file())),
            // Erlang distribution on loopback only: a playground's nodes have no business on the
            // network.
            (
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
                "-kernel inet_dist_use_interface {127,0,0,1}".to_owned(),
            ),
        ]
    }

    /// Writes the node's folders and configuration (again), owned by `owner` when given.
    fn prepare_files(&self, owner: Option<&str>) -> Result<(), ManagedError> {
        for dir in [self.dir.clone(), self.mnesia_dir(), self.log_dir()] {
            fs::create_dir_all(&dir).map_err(|e| io_error(format!("create {}", dir.display()), e))?;
        }
        let files = [
            (self.config_base().with_extension("conf"), self.rabbitmq_conf()),
            (self.enabled_plugins_file(), "[rabbitmq_management].\n".to_owned()),
            (
                self.env_file(),
                "# Written by Warren: the node's settings are in its environment.\n".to_owned(),
            ),
            // Created here so that it belongs to the node's owner like the rest.
            (self.startup_output_file(), String::new()),
        ];
        for (path, text) in files {
            fs::write(&path, text).map_err(|e| io_error(format!("write {}", path.display()), e))?;
        }
        if let Some(owner) = owner {
            chown_recursive(&self.dir, owner)?;
        }
        Ok(())
    }

    /// The node's process id, when its pid file names a live Erlang VM.
    pub(super) fn live_pid(&self) -> Option<u32> {
        let pid: u32 = fs::read_to_string(self.pid_file()).ok()?.trim().parse().ok()?;
        let cmdline = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        // A pid may be reused after a crash; only an Erlang VM counts.
        String::from_utf8_lossy(&cmdline).contains("beam").then_some(pid)
    }

    fn management(&self) -> Result<Management, ManagedError> {
        Management::new(&self.management_url()).map_err(|e| ManagedError::StartFailed {
            node: self.name.clone(),
            detail: e.to_string(),
            log_dir: self.log_dir(),
            first_error: None,
            log_tail: None,
        })
    }

    /// What the node's management API says when it lists this node as running (its `nodes` are the
    /// node's cluster), `Ok(None)` when nothing listens or the node is not running, an error when
    /// another RabbitMQ answers on its port.
    pub(super) async fn probe(&self) -> Result<Option<BrokerInfo>, ManagedError> {
        match self.management()?.with_timeout(PROBE_TIMEOUT).overview().await {
            Ok(info) if info.nodes.iter().any(|n| n.name == self.name && n.running) => Ok(Some(info)),
            Ok(info) if info.nodes.iter().any(|n| n.name == self.name) => Ok(None),
            Ok(info) => Err(ManagedError::PortTaken {
                node: self.name.clone(),
                port: self.management_port,
                user: format!(
                    "another RabbitMQ (nodes {})",
                    info.nodes
                        .iter()
                        .map(|n| n.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
            Err(_) => Ok(None),
        }
    }

    /// Fails early, with a clear message, when a port the node needs is taken: the node itself would
    /// only say so deep in its log.
    fn check_ports_free(&self) -> Result<(), ManagedError> {
        let ports = [
            ("127.0.0.1", self.amqp_port),
            ("127.0.0.1", self.management_port),
            ("127.0.0.1", self.dist_port),
        ];
        for (ip, port) in ports {
            if let Err(e) = std::net::TcpListener::bind((ip, port))
                && e.kind() == io::ErrorKind::AddrInUse
            {
                return Err(ManagedError::PortTaken {
                    node: self.name.clone(),
                    port,
                    user: "another program".to_owned(),
                });
            }
        }
        Ok(())
    }

    /// The node's main log, named after it.
    fn main_log(&self) -> PathBuf {
        self.log_dir().join(format!("{}.log", self.name))
    }

    /// How long the main log is: where this start's lines begin.
    fn main_log_len(&self) -> u64 {
        fs::metadata(self.main_log()).map_or(0, |m| m.len())
    }

    /// A start failure, quoting the first error logged after byte `since` of the main log.
    fn start_failed(&self, detail: impl Into<String>, since: u64) -> ManagedError {
        ManagedError::StartFailed {
            node: self.name.clone(),
            detail: detail.into(),
            log_dir: self.log_dir(),
            first_error: first_logged_error(&self.main_log(), since),
            log_tail: newest_log_tail(&self.log_dir()),
        }
    }

    /// Starts the node (or finishes starting it, or starts its stopped application) and waits until
    /// its management API answers. `owner` must own the node's files (`Some` when running as root).
    pub(super) async fn start(&self, owner: Option<&str>) -> Result<BrokerInfo, ManagedError> {
        let lock = node_lock(&self.dir);
        let _guard = lock.lock().await;
        self.start_locked(owner).await
    }

    async fn start_locked(&self, owner: Option<&str>) -> Result<BrokerInfo, ManagedError> {
        let began = Instant::now();
        self.prepare_files(owner)?;
        let since = self.main_log_len();
        if self.live_pid().is_some() {
            // The VM runs but the API did not answer: the node is booting, or its application was
            // stopped (rabbitmqctl stop_app). start_app covers the second case and fails harmlessly
            // in the first.
            tracing::info!(node = %self.name, "RabbitMQ VM already running; starting its application");
            let _ = ctl(&["-n", &self.name, "start_app"], CTL_TIMEOUT).await;
        } else {
            self.check_ports_free()?;
            // A stale pid file would make `rabbitmqctl wait` watch a dead process.
            let _ = fs::remove_file(self.pid_file());
            tracing::info!(node = %self.name, dir = %self.dir.display(), "starting RabbitMQ");
            self.spawn_detached(since).await?;
        }

        let pid_file = self.pid_file().display().to_string();
        let timeout = BOOT_TIMEOUT.as_secs().to_string();
        let output = ctl(
            &["-n", &self.name, "wait", &pid_file, "--timeout", &timeout],
            BOOT_TIMEOUT + Duration::from_secs(10),
        )
        .await
        .map_err(|e| self.start_failed(e, since))?;
        if !output.status.success() {
            let detail = if began.elapsed() >= BOOT_TIMEOUT {
                format!(
                    "it did not finish booting within {} s (a node that was not the last of its \
                     cluster to stop waits for its peers)",
                    BOOT_TIMEOUT.as_secs()
                )
            } else {
                "it stopped while booting".to_owned()
            };
            return Err(self.start_failed(
                format!("{detail} (rabbitmqctl wait: {})", last_lines(&output, 2)),
                since,
            ));
        }

        let info = self.wait_for_management(since).await?;
        tracing::info!(
            node = %self.name,
            version = %info.version,
            took = ?began.elapsed(),
            "RabbitMQ node is up"
        );
        Ok(info)
    }

    /// Waits until the node's management API lists the node as running; `since` is where this
    /// start's lines begin in the main log.
    async fn wait_for_management(&self, since: u64) -> Result<BrokerInfo, ManagedError> {
        let deadline = Instant::now() + MANAGEMENT_READY_TIMEOUT;
        let management = self.management()?;
        loop {
            match management.overview().await {
                Ok(info) if info.nodes.iter().any(|n| n.name == self.name && n.running) => return Ok(info),
                outcome => {
                    if Instant::now() >= deadline {
                        let why = match outcome {
                            Ok(_) => "it was not listed as running".to_owned(),
                            Err(e) => e.to_string(),
                        };
                        return Err(self.start_failed(
                            format!(
                                "its management API did not answer within {} s: {why}",
                                MANAGEMENT_READY_TIMEOUT.as_secs()
                            ),
                            since,
                        ));
                    }
                    tokio::time::sleep(POLL_INTERVAL).await;
                }
            }
        }
    }

    /// Makes this running node a member of `seed`'s cluster: `stop_app`, `join_cluster`, `start_app`.
    /// `join_cluster` resets the node first, so whatever it kept is lost. When it fails (e.g. the
    /// cluster still counts a node that lost its data as a member), the seed forgets the node, the node
    /// is reset, and the join is tried once more.
    async fn join(&self, seed: &ManagedNode) -> Result<BrokerInfo, ManagedError> {
        let lock = node_lock(&self.dir);
        let _guard = lock.lock().await;
        let began = Instant::now();
        let since = self.main_log_len();
        let failed = |detail: String| ManagedError::JoinFailed {
            node: self.name.clone(),
            seed: seed.name.clone(),
            detail,
            log_dir: self.log_dir(),
        };
        tracing::info!(node = %self.name, seed = %seed.name, "joining RabbitMQ node to the cluster");
        self.ctl_ok(&["stop_app"]).await.map_err(&failed)?;
        let joined = match self.ctl_ok(&["join_cluster", &seed.name]).await {
            Ok(()) => Ok(()),
            Err(first) => {
                tracing::warn!(
                    node = %self.name,
                    error = %first,
                    "join_cluster failed; making the cluster forget the node, resetting it and trying again"
                );
                // The cluster may still count this node as a member from before it lost its data
                // (`inconsistent_cluster`): the seed forgets it first, which fails harmlessly when
                // the seed does not know it.
                let _ = seed.ctl_ok(&["forget_cluster_node", &self.name]).await;
                match self.ctl_ok(&["reset"]).await {
                    Ok(()) => self.ctl_ok(&["join_cluster", &seed.name]).await,
                    Err(e) => Err(format!("{first}; then {e}")),
                }
            }
        };
        // Started again whatever happened, so that a failed join leaves a running node behind.
        let started = self.ctl_ok(&["start_app"]).await;
        joined.map_err(&failed)?;
        started.map_err(&failed)?;
        let info = self.wait_for_management(since).await?;
        if !info.nodes.iter().any(|n| n.name == seed.name) {
            return Err(failed(format!(
                "after joining, it lists only {}",
                node_names(&info).join(", ")
            )));
        }
        tracing::info!(node = %self.name, took = ?began.elapsed(), "RabbitMQ node joined the cluster");
        Ok(info)
    }

    /// `rabbitmqctl -n <node> <args>`; `Err` says what failed when it could not run or did not
    /// succeed.
    pub(super) async fn ctl_ok(&self, args: &[&str]) -> Result<(), String> {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        let output = ctl(&all, CTL_TIMEOUT).await?;
        if output.status.success() {
            Ok(())
        } else {
            let said = last_lines(&output, 3);
            Err(format!(
                "rabbitmqctl {} failed: {}",
                args.join(" "),
                said.trim_end_matches('.')
            ))
        }
    }

    /// Takes this stopped node out of `seed`'s cluster and deletes its folder. A node the seed does
    /// not know is fine.
    async fn remove(&self, seed: &ManagedNode) -> Result<(), ManagedError> {
        let lock = node_lock(&self.dir);
        let _guard = lock.lock().await;
        let failed = |detail: String| ManagedError::RemoveFailed {
            node: self.name.clone(),
            detail,
        };
        let output = ctl(&["-n", &seed.name, "forget_cluster_node", &self.name], CTL_TIMEOUT)
            .await
            .map_err(&failed)?;
        let said = last_lines(&output, 3);
        if !output.status.success() && !said.contains("not a member") && !said.contains("not_a_cluster_node") {
            return Err(failed(format!("rabbitmqctl forget_cluster_node failed: {said}")));
        }
        if self.is_created() {
            fs::remove_dir_all(&self.dir)
                .map_err(|e| failed(format!("could not delete {}: {e}", self.dir.display())))?;
        }
        tracing::info!(node = %self.name, "RabbitMQ node removed from the cluster and deleted");
        Ok(())
    }

    /// `rabbitmq-server -detached` with the node's environment; its output goes to a file in the log
    /// folder, because the detached VM may keep a pipe open long after the script returned.
    async fn spawn_detached(&self, since: u64) -> Result<(), ManagedError> {
        let output_path = self.startup_output_file();
        let output_file =
            fs::File::create(&output_path).map_err(|e| io_error(format!("create {}", output_path.display()), e))?;
        let errors_file = output_file
            .try_clone()
            .map_err(|e| io_error(format!("open {}", output_path.display()), e))?;
        let mut command = rabbitmq_command(RABBITMQ_SERVER);
        command
            .arg("-detached")
            .envs(self.environment())
            .stdin(Stdio::null())
            .stdout(output_file)
            .stderr(errors_file)
            .kill_on_drop(true);
        let status = match tokio::time::timeout(DETACH_TIMEOUT, command.status()).await {
            Ok(Ok(status)) => status,
            Ok(Err(e)) => return Err(io_error(format!("run {RABBITMQ_SERVER}"), e)),
            Err(_) => {
                return Err(self.start_failed(
                    format!(
                        "{RABBITMQ_SERVER} -detached did not return within {} s",
                        DETACH_TIMEOUT.as_secs()
                    ),
                    since,
                ));
            }
        };
        if !status.success() {
            let said = fs::read_to_string(&output_path).unwrap_or_default();
            return Err(ManagedError::StartFailed {
                node: self.name.clone(),
                detail: format!("{RABBITMQ_SERVER} -detached failed ({status})"),
                log_dir: self.log_dir(),
                first_error: None,
                log_tail: Some(tail(&said, LOG_TAIL_LINES)).filter(|t| !t.is_empty()),
            });
        }
        Ok(())
    }

    /// Stops the node and makes sure its VM is gone. A node that is not running is fine.
    pub(super) async fn stop(&self) -> Result<(), ManagedError> {
        let lock = node_lock(&self.dir);
        let _guard = lock.lock().await;
        let pid = self.live_pid();
        let pid_file = self.pid_file();
        let mut args = vec!["-n", self.name.as_str(), "stop", "--idempotent"];
        let pid_file_text = pid_file.display().to_string();
        if pid.is_some() {
            // With the pid file, rabbitmqctl waits until the VM has exited.
            args.push(&pid_file_text);
        }
        let outcome = ctl(&args, STOP_TIMEOUT).await;
        if let Some(pid) = pid
            && !wait_for_exit(pid, Duration::from_secs(10)).await
        {
            tracing::warn!(node = %self.name, pid, "RabbitMQ did not stop; killing it");
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status().await;
            if !wait_for_exit(pid, Duration::from_secs(10)).await {
                let detail = match outcome {
                    Ok(output) => last_lines(&output, 3),
                    Err(e) => e,
                };
                return Err(ManagedError::StopFailed {
                    node: self.name.clone(),
                    detail: format!("process {pid} is still running after kill -9 ({detail})"),
                });
            }
        }
        let _ = fs::remove_file(&pid_file);
        Ok(())
    }
}

/// The state of Warren's broker, as `warren broker status` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedStatus {
    /// The data folder.
    pub data_dir: PathBuf,
    /// Each node: the wanted ones and any other found in the data folder.
    pub nodes: Vec<ManagedNodeStatus>,
}

/// One node of [`ManagedStatus`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedNodeStatus {
    /// Name, ports and folders.
    pub node: ManagedNode,
    /// Whether its folder exists (it was started at least once).
    pub created: bool,
    /// Whether its management API answers and lists it as running.
    pub running: bool,
    /// OS process id of its Erlang VM, when one runs.
    pub pid: Option<u32>,
    /// RabbitMQ version, when running.
    pub version: Option<String>,
    /// Cluster name, when running.
    pub cluster_name: Option<String>,
    /// The running members of its cluster (itself included), as it sees them, when running.
    pub running_members: Vec<String>,
    /// Members of its cluster that are not running, as it sees them.
    pub stopped_members: Vec<String>,
    /// Something worth knowing, e.g. another broker on its port.
    pub note: Option<String>,
}

impl fmt::Display for ManagedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Warren's RabbitMQ, data in {}", self.data_dir.display())?;
        for status in &self.nodes {
            let node = &status.node;
            let state = match (&status.running, &status.version, status.pid) {
                (true, Some(version), _) => format!("running RabbitMQ {version}"),
                (true, None, _) => "running".to_owned(),
                (false, _, Some(pid)) => format!("not answering (Erlang VM pid {pid} is alive)"),
                (false, _, None) if !status.created => "not created yet".to_owned(),
                (false, _, None) => "stopped".to_owned(),
            };
            writeln!(f, "  {}: {state}", node.name)?;
            if status.running {
                let mut cluster = format!(
                    "    cluster {}: running {}",
                    status.cluster_name.as_deref().unwrap_or("(unnamed)"),
                    status.running_members.join(", ")
                );
                if !status.stopped_members.is_empty() {
                    cluster.push_str(&format!("; not running {}", status.stopped_members.join(", ")));
                }
                writeln!(f, "{cluster}")?;
            }
            writeln!(
                f,
                "    amqp://127.0.0.1:{}  management http://127.0.0.1:{}  distribution port {}",
                node.amqp_port, node.management_port, node.dist_port
            )?;
            writeln!(f, "    logs in {}", node.log_dir().display())?;
            if let Some(note) = &status.note {
                writeln!(f, "    {note}")?;
            }
        }
        Ok(())
    }
}

/// Starts `nodes` all at once and waits until each answers, in `nodes`' order.
///
/// Nodes of one cluster must start together: a node that was not the last to stop waits at boot for
/// a peer with newer data. But RabbitMQ 3.10 has a race there: a node that syncs its feature flags
/// with a peer whose own feature flags are not loaded yet fails to boot (`incompatible_feature_flags`
/// with `{badmap,undefined}`). So a node that failed to boot is started once more, after the others,
/// once its VM has exited; by then its peers are up.
pub(super) async fn start_together(
    nodes: &[&ManagedNode],
    owner: Option<&str>,
) -> Vec<Result<BrokerInfo, ManagedError>> {
    let mut outcomes = join_all(nodes.iter().map(|node| node.start(owner))).await;
    let retry: Vec<usize> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, outcome)| matches!(outcome, Err(ManagedError::StartFailed { .. })))
        .map(|(at, _)| at)
        .collect();
    if retry.is_empty() {
        return outcomes;
    }
    let again = join_all(retry.iter().map(|&at| {
        let node = nodes[at];
        async move {
            tracing::warn!(node = %node.name, "RabbitMQ node failed to boot alongside its peers; starting it once more");
            if let Some(pid) = node.live_pid()
                && !wait_for_exit(pid, RETRY_EXIT_TIMEOUT).await
            {
                // A node that failed to boot may hang instead of exiting.
                let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status().await;
                wait_for_exit(pid, RETRY_EXIT_TIMEOUT).await;
            }
            node.start(owner).await
        }
    }))
    .await;
    for (at, outcome) in retry.into_iter().zip(again) {
        outcomes[at] = outcome;
    }
    outcomes
}

/// The names of the nodes `info` lists.
fn node_names(info: &BrokerInfo) -> Vec<&str> {
    info.nodes.iter().map(|n| n.name.as_str()).collect()
}

/// What is missing for `info` (the first node's view) to show exactly `wanted` running, as a
/// sentence; `None` when nothing is.
fn cluster_shortfall(info: &BrokerInfo, wanted: &[ManagedNode]) -> Option<String> {
    let not_running: Vec<&str> = wanted
        .iter()
        .filter(|node| !info.nodes.iter().any(|n| n.name == node.name && n.running))
        .map(|node| node.name.as_str())
        .collect();
    let extra: Vec<&str> = info
        .nodes
        .iter()
        .filter(|n| !wanted.iter().any(|node| node.name == n.name))
        .map(|n| n.name.as_str())
        .collect();
    let mut problems = Vec::new();
    if !not_running.is_empty() {
        problems.push(format!("{} not running in it", not_running.join(", ")));
    }
    if !extra.is_empty() {
        problems.push(format!("it also counts {} as members", extra.join(", ")));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// Absolute `dir`, against the current folder: the RabbitMQ scripts change folder before starting.
pub(super) fn absolute(dir: PathBuf) -> PathBuf {
    if dir.is_absolute() {
        dir
    } else {
        std::env::current_dir().map(|cwd| cwd.join(&dir)).unwrap_or(dir)
    }
}

/// The node numbers whose folders (`node-<i>`, `i` in 1..=[`MAX_NODES`]) exist under `data_dir`.
pub fn nodes_on_disk(data_dir: &Path) -> Vec<u16> {
    let Ok(entries) = fs::read_dir(data_dir) else {
        return Vec::new();
    };
    let mut found: Vec<u16> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| node_index_of_dir(&entry.file_name().to_string_lossy()))
        .collect();
    found.sort_unstable();
    found
}

/// `i` for a node folder named `node-<i>`, `i` in 1..=[`MAX_NODES`].
fn node_index_of_dir(name: &str) -> Option<u16> {
    let index: u16 = name.strip_prefix("node-")?.parse().ok()?;
    // `node-01` would be another folder for node 1.
    (name == format!("node-{index}") && (1..=MAX_NODES).contains(&index)).then_some(index)
}

/// `i` for Warren's node name `warren-<i>@localhost`, `i` in 1..=[`MAX_NODES`].
pub fn node_index_of_name(name: &str) -> Option<u16> {
    let index: u16 = name
        .strip_prefix(NODE_NAME_PREFIX)?
        .strip_prefix('-')?
        .strip_suffix("@localhost")?
        .parse()
        .ok()?;
    (name == ManagedNode::new(Path::new(""), index).name && (1..=MAX_NODES).contains(&index)).then_some(index)
}

impl ManagedBroker {
    /// Warren's broker of [`DEFAULT_NODES`] nodes with its data under `data_dir` (made absolute
    /// against the current folder, because the RabbitMQ scripts change folder before starting).
    pub fn new(data_dir: PathBuf) -> Self {
        Self::with_nodes(data_dir, DEFAULT_NODES)
    }

    /// Warren's broker of `nodes` nodes (held to 1..=[`MAX_NODES`]) with its data under `data_dir`.
    pub fn with_nodes(data_dir: PathBuf, nodes: u16) -> Self {
        Self {
            data_dir: absolute(data_dir),
            nodes: nodes.clamp(1, MAX_NODES),
        }
    }

    /// `$WARREN_DATA_DIR`, else [`ROOT_DATA_DIR`] when running as root (the `rabbitmq` user cannot
    /// enter root's home), else `$HOME/.local/share/warren`.
    pub fn default_data_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        if current_uid() == Some(0) {
            return PathBuf::from(ROOT_DATA_DIR);
        }
        match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            Some(home) => PathBuf::from(home).join(".local/share/warren"),
            None => PathBuf::from(".warren"),
        }
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// How many nodes are wanted.
    pub fn node_count(&self) -> u16 {
        self.nodes
    }

    /// The wanted nodes, first node (the seed) first.
    pub fn nodes(&self) -> Vec<ManagedNode> {
        (1..=self.nodes)
            .map(|index| ManagedNode::new(&self.data_dir, index))
            .collect()
    }

    /// Nodes found in the data folder beyond the wanted ones.
    fn extra_nodes(&self) -> Vec<ManagedNode> {
        nodes_on_disk(&self.data_dir)
            .into_iter()
            .filter(|&index| index > self.nodes)
            .map(|index| ManagedNode::new(&self.data_dir, index))
            .collect()
    }

    /// The wanted nodes and then any other found in the data folder.
    fn all_nodes(&self) -> Vec<ManagedNode> {
        let mut nodes = self.nodes();
        nodes.extend(self.extra_nodes());
        nodes
    }

    /// Where the broker is reached: the first node, with the `guest` user, and every wanted node.
    pub fn endpoints(&self) -> BrokerEndpoints {
        let first = ManagedNode::new(&self.data_dir, 1);
        BrokerEndpoints {
            amqp_url: first.amqp_url(),
            management_url: first.management_url(),
            nodes: self.nodes().iter().map(ManagedNode::endpoint).collect(),
        }
    }

    /// Makes sure the wanted nodes run as one cluster, and returns where the broker is reached.
    ///
    /// Fast when the cluster is already up: one management API request to the first node. Otherwise
    /// every node that is down is started at once, nodes that are in no cluster or another one join
    /// the first node's, and nodes found beyond the wanted count are stopped, forgotten by the cluster
    /// and deleted.
    pub async fn ensure_running(&self) -> Result<BrokerEndpoints, ManagedError> {
        if self.is_formed().await? {
            return Ok(self.endpoints());
        }
        let _guard = START_LOCK.lock().await;
        let _lock = ClusterLock::acquire().await?;
        // Another caller may have formed it while this one waited for the lock.
        if self.is_formed().await? {
            return Ok(self.endpoints());
        }
        let began = Instant::now();
        let wanted = self.nodes();
        let seed = &wanted[0];
        let extra = self.extra_nodes();

        // 1. Start every node that is down, all at once (extra nodes too: a node may wait at boot
        //    for the one that stopped last).
        let all: Vec<&ManagedNode> = wanted.iter().chain(&extra).collect();
        let probes = join_all(all.iter().map(|node| node.probe())).await;
        let mut infos = Vec::with_capacity(all.len());
        let mut down = Vec::new();
        for (node, probe) in all.iter().zip(probes) {
            let info = probe?;
            if info.is_none() {
                down.push(*node);
            }
            infos.push(info);
        }
        if !down.is_empty() {
            // Checked only now: a broker that runs is used whoever Warren runs as.
            let owner = self.check_can_start()?;
            let started = start_together(&down, owner).await;
            let mut first_error = None;
            for (node, outcome) in down.iter().zip(started) {
                match outcome {
                    Ok(info) => {
                        if let Some(at) = all.iter().position(|n| n.index == node.index) {
                            infos[at] = Some(info);
                        }
                    }
                    Err(error) => {
                        tracing::warn!(node = %node.name, %error, "RabbitMQ node did not start");
                        first_error.get_or_insert(error);
                    }
                }
            }
            if let Some(error) = first_error {
                return Err(error);
            }
        }

        // 2. Join the nodes that are not in the seed's cluster. One at a time: each changes the
        //    cluster's schema.
        for (node, info) in wanted.iter().zip(&infos).skip(1) {
            let member = info
                .as_ref()
                .is_some_and(|info| info.nodes.iter().any(|n| n.name == seed.name));
            if !member {
                node.join(seed).await?;
            }
        }

        // 3. Remove the nodes beyond the wanted count: stop them all at once, then forget them one at a
        //    time.
        for stopped in join_all(extra.iter().map(ManagedNode::stop)).await {
            stopped?;
        }
        for node in &extra {
            node.remove(seed).await?;
        }
        // And members the seed remembers that have no folder any more.
        if let Some(info) = seed.probe().await? {
            for name in node_names(&info) {
                let known = all.iter().any(|n| n.name == name);
                if let (false, Some(index)) = (known, node_index_of_name(name)) {
                    ManagedNode::new(&self.data_dir, index).remove(seed).await?;
                }
            }
        }

        // 4. Wait until the seed lists every wanted node as running, and no other.
        let deadline = Instant::now() + CLUSTER_READY_TIMEOUT;
        loop {
            let shortfall = match seed.probe().await? {
                Some(info) => cluster_shortfall(&info, &wanted),
                None => Some(format!("{} does not answer", seed.name)),
            };
            let Some(shortfall) = shortfall else { break };
            if Instant::now() >= deadline {
                return Err(ManagedError::NotClustered {
                    detail: format!(
                        "{} s after every node started, {} reports: {shortfall}",
                        CLUSTER_READY_TIMEOUT.as_secs(),
                        seed.name
                    ),
                });
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
        tracing::info!(nodes = self.nodes, took = ?began.elapsed(), "Warren's RabbitMQ cluster is up");
        Ok(self.endpoints())
    }

    /// Whether the first node lists every wanted node as running and no node is found beyond them.
    async fn is_formed(&self) -> Result<bool, ManagedError> {
        if !self.extra_nodes().is_empty() {
            return Ok(false);
        }
        let wanted = self.nodes();
        Ok(match wanted[0].probe().await? {
            Some(info) => cluster_shortfall(&info, &wanted).is_none(),
            None => false,
        })
    }

    /// Stops every node, the wanted ones and any other in the data folder, all at once. Nodes that
    /// are not running are fine.
    pub async fn stop(&self) -> Result<(), ManagedError> {
        let _guard = START_LOCK.lock().await;
        let _lock = ClusterLock::acquire().await?;
        let nodes = self.all_nodes();
        let outcomes = join_all(nodes.iter().map(|node| async move {
            if node.live_pid().is_none() && !matches!(node.probe().await, Ok(Some(_))) {
                return Ok(());
            }
            node.stop().await?;
            tracing::info!(node = %node.name, "RabbitMQ node stopped");
            Ok(())
        }))
        .await;
        outcomes.into_iter().collect()
    }

    /// Each node's name, ports, whether it runs and its cluster as it sees it: the wanted nodes and
    /// any other in the data folder.
    pub async fn status(&self) -> Result<ManagedStatus, ManagedError> {
        let nodes = self.all_nodes();
        let probes = join_all(nodes.iter().map(ManagedNode::probe)).await;
        let nodes = nodes
            .into_iter()
            .zip(probes)
            .map(|(node, probe)| {
                let mut status = ManagedNodeStatus {
                    created: node.is_created(),
                    running: false,
                    pid: node.live_pid(),
                    version: None,
                    cluster_name: None,
                    running_members: Vec::new(),
                    stopped_members: Vec::new(),
                    note: None,
                    node,
                };
                match probe {
                    Ok(Some(info)) => {
                        status.running = true;
                        let (running, stopped): (Vec<_>, Vec<_>) = info.nodes.iter().partition(|n| n.running);
                        status.running_members = running.into_iter().map(|n| n.name.clone()).collect();
                        status.stopped_members = stopped.into_iter().map(|n| n.name.clone()).collect();
                        status.version = Some(info.version);
                        status.cluster_name = Some(info.cluster_name);
                    }
                    Ok(None) => {}
                    Err(e) => status.note = Some(e.to_string()),
                }
                status
            })
            .collect();
        Ok(ManagedStatus {
            data_dir: self.data_dir.clone(),
            nodes,
        })
    }

    /// Checks that a node can be started from here; returns the user that must own the node folders
    /// (`Some` when running as root).
    pub(super) fn check_can_start(&self) -> Result<Option<&'static str>, ManagedError> {
        if !Path::new(RABBITMQ_SERVER).exists() {
            return Err(ManagedError::NotInstalled {
                tried: PathBuf::from(RABBITMQ_SERVER),
            });
        }
        let uid = current_uid();
        let rabbitmq = passwd_entry(|e| e.name == RABBITMQ_USER);
        if uid == Some(0) {
            if let Some(rabbitmq) = &rabbitmq {
                self.check_reachable(rabbitmq)?;
            }
            return Ok(Some(RABBITMQ_USER));
        }
        if uid.is_some() && uid == rabbitmq.as_ref().map(|r| r.uid) {
            return Ok(None);
        }
        let user = match uid {
            Some(uid) => match passwd_entry(|e| e.uid == uid) {
                Some(entry) => format!("{} (uid {uid})", entry.name),
                None => format!("uid {uid}"),
            },
            None => "an unknown user".to_owned(),
        };
        Err(ManagedError::WrongUser { user })
    }

    /// The `rabbitmq` user must be able to enter every folder above the node folders.
    fn check_reachable(&self, rabbitmq: &PasswdEntry) -> Result<(), ManagedError> {
        for dir in self.data_dir.ancestors() {
            // Folders still to be created will be created by root, open to everyone.
            let Ok(meta) = fs::metadata(dir) else {
                continue;
            };
            let mode = meta.mode();
            let enters = if meta.uid() == rabbitmq.uid {
                mode & 0o100 != 0
            } else if meta.gid() == rabbitmq.gid {
                mode & 0o010 != 0
            } else {
                mode & 0o001 != 0
            };
            if !enters {
                return Err(ManagedError::DataDirUnreachable {
                    dir: self.data_dir.clone(),
                    blocked: dir.to_path_buf(),
                });
            }
        }
        Ok(())
    }
}

fn io_error(what: String, source: io::Error) -> ManagedError {
    ManagedError::Io { what, source }
}

/// Runs `rabbitmqctl` with `args`; `Err` (a sentence) when it cannot run or overruns `limit`.
async fn ctl(args: &[&str], limit: Duration) -> Result<Output, String> {
    let mut command = rabbitmq_command(RABBITMQCTL);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    match tokio::time::timeout(limit, command.output()).await {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(e)) => Err(format!("could not run {RABBITMQCTL}: {e}")),
        Err(_) => Err(format!(
            "rabbitmqctl {} did not finish within {} s",
            args.join(" "),
            limit.as_secs()
        )),
    }
}

/// A command for one of RabbitMQ's scripts. `HOME` is the `rabbitmq` user's home, where the Erlang
/// cookie that lets `rabbitmqctl` talk to the node lives: `su` sets it when Warren runs as root, but
/// Warren running as the `rabbitmq` user may have been given another.
fn rabbitmq_command(program: &str) -> Command {
    let mut command = Command::new(program);
    if let Some(rabbitmq) = passwd_entry(|e| e.name == RABBITMQ_USER) {
        command.env("HOME", rabbitmq.home);
    }
    command
}

/// Whether process `pid` is gone within `limit`.
pub(super) async fn wait_for_exit(pid: u32, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    loop {
        // A zombie still has /proc/<pid>, but no command line.
        let alive = fs::read(proc_dir.join("cmdline")).is_ok_and(|c| !c.is_empty());
        if !alive {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `chown -R owner:owner dir`.
fn chown_recursive(dir: &Path, owner: &str) -> Result<(), ManagedError> {
    let what = format!("give {} to the {owner} user", dir.display());
    let output = std::process::Command::new("chown")
        .arg("-R")
        .arg(format!("{owner}:{owner}"))
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| io_error(what.clone(), e))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(io_error(
            what,
            io::Error::other(format!("chown failed: {}", last_lines(&output, 3))),
        ))
    }
}

/// The effective user id of this process (the owner of `/proc/self`).
fn current_uid() -> Option<u32> {
    fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// A line of `/etc/passwd`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PasswdEntry {
    name: String,
    uid: u32,
    gid: u32,
    home: PathBuf,
}

fn passwd_entry(matches: impl Fn(&PasswdEntry) -> bool) -> Option<PasswdEntry> {
    let text = fs::read_to_string("/etc/passwd").ok()?;
    parse_passwd(&text).into_iter().find(|e| matches(e))
}

fn parse_passwd(text: &str) -> Vec<PasswdEntry> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let _password = fields.next()?;
            let uid = fields.next()?.parse().ok()?;
            let gid = fields.next()?.parse().ok()?;
            let _gecos = fields.next()?;
            let home = PathBuf::from(fields.next()?);
            Some(PasswdEntry {
                name: name.to_owned(),
                uid,
                gid,
                home,
            })
        })
        .collect()
}

/// The last [`LOG_TAIL_LINES`] lines of the most recently written, non-empty `.log` file in `dir`.
fn newest_log_tail(dir: &Path) -> Option<String> {
    let newest = fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            let path = entry.path();
            // Not erl_crash.dump: its end is Erlang internals.
            let is_log = path.extension().is_some_and(|e| e == "log");
            (is_log && meta.is_file() && meta.len() > 0).then(|| (meta.modified().ok(), path))
        })
        .max_by_key(|(modified, _)| *modified)?
        .1;
    let bytes = fs::read(&newest).ok()?;
    let text = tail(&String::from_utf8_lossy(&bytes), LOG_TAIL_LINES);
    Some(format!("({})\n{text}", newest.display()))
}

/// The message of the first `[error]` line in `log` after byte `since`, without its timestamp.
fn first_logged_error(log: &Path, since: u64) -> Option<String> {
    let bytes = fs::read(log).ok()?;
    let start = usize::try_from(since).ok().filter(|&s| s <= bytes.len()).unwrap_or(0);
    let text = String::from_utf8_lossy(&bytes[start..]);
    first_error_in(&text)
}

fn first_error_in(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        // `2026-11-26 03:00:29.507277+00:00 [error] <0.695.0> Failed to start ...`
        let (_, after) = line.split_once(" [error] ")?;
        let message = after.split_once("> ").map_or(after, |(_, message)| message).trim();
        if message.is_empty() {
            return None;
        }
        let shortened: String = message.chars().take(ERROR_LINE_LIMIT).collect();
        Some(if shortened.len() < message.len() {
            format!("{shortened}…")
        } else {
            shortened
        })
    })
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.trim_end().lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The last `lines` non-empty lines of a command's stderr (else stdout), on one line.
fn last_lines(output: &Output, lines: usize) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let text = if stderr.trim().is_empty() {
        String::from_utf8_lossy(&output.stdout)
    } else {
        stderr
    };
    let kept: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let said = kept[kept.len().saturating_sub(lines)..].join(" / ");
    if said.is_empty() {
        format!("exit status {}", output.status)
    } else {
        said
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broker() -> ManagedBroker {
        ManagedBroker::new(PathBuf::from("/var/lib/warren"))
    }

    #[test]
    fn node_one_has_its_own_ports_and_files() {
        let nodes = broker().nodes();
        assert_eq!(nodes.len(), 3);
        assert_eq!(
            nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
            ["warren-1@localhost", "warren-2@localhost", "warren-3@localhost"]
        );
        let node = &nodes[0];
        assert_eq!(node.name, "warren-1@localhost");
        assert_eq!(
            (node.amqp_port, node.management_port, node.dist_port),
            (5701, 15701, 25701)
        );
        assert_eq!(node.dir, Path::new("/var/lib/warren/node-1"));
        assert_eq!(node.pid_file(), Path::new("/var/lib/warren/node-1/rabbitmq.pid"));
        assert_eq!(node.log_dir(), Path::new("/var/lib/warren/node-1/log"));
        let third = ManagedNode::new(Path::new("/d"), 3);
        assert_eq!(third.name, "warren-3@localhost");
        assert_eq!(
            (third.amqp_port, third.management_port, third.dist_port),
            (5703, 15703, 25703)
        );
    }

    #[test]
    fn ports_stay_clear_of_a_system_rabbitmq() {
        for index in 1..=9 {
            let node = ManagedNode::new(Path::new("/d"), index);
            for port in [node.amqp_port, node.management_port, node.dist_port] {
                assert!(![4369, 5672, 15672, 25672, 35672].contains(&port));
            }
        }
    }

    #[test]
    fn endpoints_point_at_the_first_node_and_list_every_node() {
        let node = |i: u16| NodeEndpoint {
            name: format!("warren-{i}@localhost"),
            amqp_url: format!("amqp://guest:guest@127.0.0.1:{}", 5700 + i),
            management_url: format!("http://guest:guest@127.0.0.1:{}", 15700 + i),
        };
        assert_eq!(
            broker().endpoints(),
            BrokerEndpoints {
                amqp_url: "amqp://guest:guest@127.0.0.1:5701".into(),
                management_url: "http://guest:guest@127.0.0.1:15701".into(),
                nodes: vec![node(1), node(2), node(3)],
            }
        );
        let single = ManagedBroker::with_nodes(PathBuf::from("/d"), 1).endpoints();
        assert_eq!(single.nodes, vec![node(1)]);
    }

    #[test]
    fn node_counts_are_held_in_range() {
        assert_eq!(ManagedBroker::new(PathBuf::from("/d")).node_count(), DEFAULT_NODES);
        assert_eq!(ManagedBroker::with_nodes(PathBuf::from("/d"), 0).node_count(), 1);
        assert_eq!(ManagedBroker::with_nodes(PathBuf::from("/d"), 2).node_count(), 2);
        assert_eq!(
            ManagedBroker::with_nodes(PathBuf::from("/d"), 40).node_count(),
            MAX_NODES
        );
    }

    #[test]
    fn recognises_only_warrens_own_node_names_and_folders() {
        assert_eq!(node_index_of_name("warren-1@localhost"), Some(1));
        assert_eq!(node_index_of_name("warren-9@localhost"), Some(9));
        for name in [
            "warren-0@localhost",
            "warren-10@localhost",
            "warren-01@localhost",
            "warren-1@vm",
            "rabbit@localhost",
            "warren-x@localhost",
            "warren1@localhost",
            "xwarren-1@localhost",
        ] {
            assert_eq!(node_index_of_name(name), None, "{name}");
        }
        assert_eq!(node_index_of_dir("node-3"), Some(3));
        for name in ["node-0", "node-03", "node-10", "node-", "nodes-1", "log"] {
            assert_eq!(node_index_of_dir(name), None, "{name}");
        }
    }

    #[test]
    fn finds_the_nodes_on_disk_and_the_extra_ones() {
        let dir = std::env::temp_dir().join(format!("warren-managed-disk-{}", std::process::id()));
        assert_eq!(nodes_on_disk(&dir), Vec::<u16>::new());
        for name in ["node-1", "node-2", "node-5", "node-07", "other"] {
            fs::create_dir_all(dir.join(name)).expect("folder");
        }
        fs::write(dir.join("node-4"), "a file, not a node").expect("file");
        assert_eq!(nodes_on_disk(&dir), vec![1, 2, 5]);
        let broker = ManagedBroker::with_nodes(dir.clone(), 3);
        let extra: Vec<u16> = broker.extra_nodes().iter().map(|n| n.index).collect();
        assert_eq!(extra, vec![5]);
        let all: Vec<u16> = broker.all_nodes().iter().map(|n| n.index).collect();
        assert_eq!(all, vec![1, 2, 3, 5]);
        assert!(broker.nodes()[1].is_created() && !broker.nodes()[2].is_created());
        fs::remove_dir_all(&dir).expect("cleaned up");
    }

    #[test]
    fn judges_the_first_nodes_view_of_the_cluster() {
        use warren_shared::event::NodeStatus;
        let info = |nodes: &[(&str, bool)]| BrokerInfo {
            version: "3.10.8".into(),
            erlang_version: "25".into(),
            cluster_name: "warren".into(),
            nodes: nodes
                .iter()
                .map(|(name, running)| NodeStatus {
                    name: (*name).into(),
                    running: *running,
                })
                .collect(),
        };
        let wanted = broker().nodes();
        let all_up = info(&[
            ("warren-1@localhost", true),
            ("warren-2@localhost", true),
            ("warren-3@localhost", true),
        ]);
        assert_eq!(cluster_shortfall(&all_up, &wanted), None);
        let one_down = info(&[
            ("warren-1@localhost", true),
            ("warren-2@localhost", false),
            ("warren-3@localhost", true),
        ]);
        assert_eq!(
            cluster_shortfall(&one_down, &wanted).as_deref(),
            Some("warren-2@localhost not running in it")
        );
        let alone = info(&[("warren-1@localhost", true)]);
        assert_eq!(
            cluster_shortfall(&alone, &wanted).as_deref(),
            Some("warren-2@localhost, warren-3@localhost not running in it")
        );
        let too_many = info(&[
            ("warren-1@localhost", true),
            ("warren-2@localhost", true),
            ("warren-3@localhost", true),
            ("warren-4@localhost", false),
        ]);
        assert_eq!(
            cluster_shortfall(&too_many, &wanted).as_deref(),
            Some("it also counts warren-4@localhost as members")
        );
        assert_eq!(
            cluster_shortfall(&too_many, &wanted[..1]).as_deref(),
            Some("it also counts warren-2@localhost, warren-3@localhost, warren-4@localhost as members")
        );
    }

    #[test]
    fn renders_the_node_configuration() {
        let node = &broker().nodes()[0];
        assert_eq!(
            node.rabbitmq_conf(),
            "# Written by Warren for node warren-1@localhost; rewritten at every start.\n\
             listeners.tcp.default = 127.0.0.1:5701\n\
             management.tcp.port = 15701\n\
             management.tcp.ip = 127.0.0.1\n\
             loopback_users = none\n\
             collect_statistics_interval = 1000\n\
             cluster_name = warren\n"
        );
        let env = node.environment();
        let get = |key: &str| {
            env.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        assert_eq!(get("RABBITMQ_NODENAME"), "warren-1@localhost");
        assert_eq!(get("RABBITMQ_NODE_PORT"), "5701");
        assert_eq!(get("RABBITMQ_DIST_PORT"), "25701");
        assert_eq!(get("RABBITMQ_CONFIG_FILE"), "/var/lib/warren/node-1/rabbitmq");
        assert_eq!(
            get("RABBITMQ_ENABLED_PLUGINS_FILE"),
            "/var/lib/warren/node-1/enabled_plugins"
        );
        assert_eq!(get("RABBITMQ_MNESIA_BASE"), "/var/lib/warren/node-1/mnesia");
        assert_eq!(get("RABBITMQ_LOG_BASE"), "/var/lib/warren/node-1/log");
        assert_eq!(get("RABBITMQ_PID_FILE"), "/var/lib/warren/node-1/rabbitmq.pid");
    }

    #[test]
    fn writes_the_node_files() {
        let dir = std::env::temp_dir().join(format!("warren-managed-test-{}", std::process::id()));
        let broker = ManagedBroker::new(dir.clone());
        let node = &broker.nodes()[0];
        node.prepare_files(None).expect("files written");
        assert_eq!(
            fs::read_to_string(node.dir.join("enabled_plugins")).expect("plugins"),
            "[rabbitmq_management].\n"
        );
        assert_eq!(
            fs::read_to_string(node.dir.join("rabbitmq.conf")).expect("config"),
            node.rabbitmq_conf()
        );
        assert!(node.mnesia_dir().is_dir() && node.log_dir().is_dir());
        fs::remove_dir_all(&dir).expect("cleaned up");
    }

    #[test]
    fn relative_data_dirs_become_absolute() {
        assert!(ManagedBroker::new(PathBuf::from("data")).data_dir().is_absolute());
    }

    #[test]
    fn parses_passwd() {
        let entries = parse_passwd(
            "root:x:0:0:root:/root:/bin/bash\n\
             # comment\n\
             rabbitmq:x:104:112:RabbitMQ messaging server,,,:/var/lib/rabbitmq:/usr/sbin/nologin\n",
        );
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[1],
            PasswdEntry {
                name: "rabbitmq".into(),
                uid: 104,
                gid: 112,
                home: PathBuf::from("/var/lib/rabbitmq"),
            }
        );
    }

    #[test]
    fn messages_say_what_to_do() {
        let e = ManagedError::NotInstalled {
            tried: PathBuf::from(RABBITMQ_SERVER),
        };
        let text = e.to_string();
        assert!(text.starts_with("could not start a RabbitMQ broker"));
        for needle in [
            "/usr/sbin/rabbitmq-server",
            "apt-get install rabbitmq-server",
            "--amqp-url",
            "WARREN_MANAGEMENT_URL",
        ] {
            assert!(text.contains(needle), "{needle} missing from: {text}");
        }
        let e = ManagedError::StartFailed {
            node: "warren-1@localhost".into(),
            detail: "it did not finish booting within 90 s".into(),
            log_dir: PathBuf::from("/var/lib/warren/node-1/log"),
            first_error: Some("Failed to start Ranch listener".into()),
            log_tail: Some("line 1\nline 2".into()),
        };
        assert_eq!(
            e.to_string(),
            "could not start RabbitMQ node warren-1@localhost: it did not finish booting within 90 \
             s. Its logs are in /var/lib/warren/node-1/log; the first error it logged: Failed to \
             start Ranch listener; the log ends with:\nline 1\nline 2"
        );
    }

    #[test]
    fn finds_the_first_logged_error() {
        let log = "2026-11-26 03:00:29.4+00:00 [info] <0.1.0> Starting\n\
                   2026-11-26 03:00:29.5+00:00 [error] <0.695.0> Failed to start Ranch listener \
                   for reason eaddrinuse (address already in use)\n\
                   2026-11-26 03:00:29.5+00:00 [error] <0.695.0> \n\
                   2026-11-26 03:00:29.6+00:00 [error] <0.692.0>     supervisor: x\n";
        assert_eq!(
            first_error_in(log).as_deref(),
            Some("Failed to start Ranch listener for reason eaddrinuse (address already in use)")
        );
        assert_eq!(first_error_in("2026 [info] <0.1.0> fine\n"), None);
    }

    #[test]
    fn tails_keep_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        assert_eq!(tail("", 5), "");
    }

    #[test]
    fn status_reads_well() {
        let status = ManagedStatus {
            data_dir: PathBuf::from("/var/lib/warren"),
            nodes: vec![
                ManagedNodeStatus {
                    node: broker().nodes()[0].clone(),
                    created: true,
                    running: true,
                    pid: Some(42),
                    version: Some("3.10.8".into()),
                    cluster_name: Some("warren".into()),
                    running_members: vec!["warren-1@localhost".into(), "warren-2@localhost".into()],
                    stopped_members: vec!["warren-3@localhost".into()],
                    note: None,
                },
                ManagedNodeStatus {
                    node: broker().nodes()[1].clone(),
                    created: true,
                    running: false,
                    pid: Some(43),
                    version: None,
                    cluster_name: None,
                    running_members: vec![],
                    stopped_members: vec![],
                    note: None,
                },
                ManagedNodeStatus {
                    node: broker().nodes()[2].clone(),
                    created: false,
                    running: false,
                    pid: None,
                    version: None,
                    cluster_name: None,
                    running_members: vec![],
                    stopped_members: vec![],
                    note: None,
                },
            ],
        };
        let text = status.to_string();
        println!("{text}");
        assert!(text.contains("warren-1@localhost: running RabbitMQ 3.10.8"), "{text}");
        assert!(
            text.contains(
                "cluster warren: running warren-1@localhost, warren-2@localhost; not running warren-3@localhost"
            ),
            "{text}"
        );
        assert!(
            text.contains("warren-2@localhost: not answering (Erlang VM pid 43 is alive)"),
            "{text}"
        );
        assert!(text.contains("warren-3@localhost: not created yet"), "{text}");
        assert!(text.contains("amqp://127.0.0.1:5701"), "{text}");
        assert!(text.contains("amqp://127.0.0.1:5703"), "{text}");
        assert!(text.contains("/var/lib/warren/node-1/log"), "{text}");
    }

    /// Sends one management API request as guest, for what the client under test does not do.
    async fn raw(method: reqwest::Method, path: &str, body: serde_json::Value) -> u16 {
        reqwest::Client::new()
            .request(method, format!("http://127.0.0.1:15701{path}"))
            .basic_auth("guest", Some("guest"))
            .json(&body)
            .send()
            .await
            .expect("request sent")
            .status()
            .as_u16()
    }

    /// The first node's view of the cluster: each member and whether it runs.
    async fn seed_view() -> Vec<(String, bool)> {
        let management = Management::new("http://guest:guest@127.0.0.1:15701").expect("client");
        let info = management.overview().await.expect("overview from warren-1");
        info.nodes.into_iter().map(|n| (n.name, n.running)).collect()
    }

    fn all_three(running: [bool; 3]) -> Vec<(String, bool)> {
        (1..=3)
            .zip(running)
            .map(|(i, running)| (format!("warren-{i}@localhost"), running))
            .collect()
    }

    /// Starts Warren's cluster for real (needs rabbitmq-server and root), reuses it, and leaves it
    /// running.
    /// `cargo test -p warren-relay --lib broker::managed -- --ignored --nocapture --test-threads 1`
    #[tokio::test]
    #[ignore = "starts a real RabbitMQ cluster"]
    async fn starts_and_reuses_a_real_cluster() {
        use crate::broker::management::ManagementError;
        use reqwest::Method;
        use serde_json::json;
        use warren_shared::scenario::Policy;

        let broker = ManagedBroker::new(ManagedBroker::default_data_dir());
        let began = Instant::now();
        let endpoints = broker.ensure_running().await.expect("cluster starts");
        println!("first ensure_running took {:?}", began.elapsed());
        let began = Instant::now();
        let again = broker.ensure_running().await.expect("cluster reused");
        let reuse = began.elapsed();
        println!("second ensure_running took {reuse:?}");
        assert_eq!(endpoints, again);
        assert!(reuse < Duration::from_secs(1), "reuse took {reuse:?}");
        assert_eq!(endpoints.nodes.len(), 3);
        assert_eq!(seed_view().await, all_three([true; 3]));
        for node in &endpoints.nodes {
            let info = Management::new(&node.management_url)
                .expect("client")
                .overview()
                .await
                .expect("each node's API answers");
            assert_eq!(info.cluster_name, "warren");
            assert_eq!(info.nodes.len(), 3, "{} sees {:?}", node.name, info.nodes);
        }

        let management = Management::new(&endpoints.management_url).expect("client");
        let info = management.overview().await.expect("overview");
        println!("{info:?}");
        assert_eq!(info.version, "3.10.8");
        assert_eq!(info.cluster_name, "warren");
        assert!(info.nodes.iter().any(|n| n.name == "warren-1@localhost" && n.running));

        let vhost = "warren-test/ü b";
        let enc = crate::broker::encode_segment(vhost);
        // A failed earlier run may have left it behind.
        management.delete_vhost(vhost).await.expect("old vhost deleted");
        management
            .create_vhost(vhost, "integration test")
            .await
            .expect("vhost created");
        management
            .create_vhost(vhost, "integration test")
            .await
            .expect("creating again is fine");
        let listed = management.list_vhosts().await.expect("vhosts");
        assert!(
            listed
                .iter()
                .any(|v| v.name == vhost && v.description == "integration test")
        );
        assert_eq!(management.vhost_connection_count(vhost).await.expect("count"), 0);
        assert_eq!(management.queues(vhost).await.expect("queues"), vec![]);
        assert_eq!(management.queue(vhost, "nope").await.expect("queue"), None);

        let lazy: Policy = serde_json::from_value(json!({
            "name": "lazy/policy", "pattern": "^lazy$", "apply_to": "queues", "priority": 1,
            "definition": {"queue-mode": "lazy"}
        }))
        .expect("policy");
        management.set_policy(vhost, &lazy).await.expect("policy set");
        for (queue, arguments) in [("lazy", json!({})), ("qq", json!({"x-queue-type": "quorum"}))] {
            let status = raw(
                Method::PUT,
                &format!("/api/queues/{enc}/{queue}"),
                json!({"durable": true, "arguments": arguments}),
            )
            .await;
            assert_eq!(status, 201);
        }
        for n in 0..30 {
            for queue in ["lazy", "qq"] {
                let body = json!({"properties": {"delivery_mode": if queue == "qq" { 2 } else { 1 }},
                    "routing_key": queue, "payload": format!("m{n}"), "payload_encoding": "string"});
                let path = format!("/api/exchanges/{enc}/amq.default/publish");
                assert_eq!(raw(Method::POST, &path, body).await, 200);
            }
        }
        let began = Instant::now();
        let snapshots = loop {
            let snapshots = management.queues(vhost).await.expect("queues");
            if snapshots.iter().all(|q| q.messages == 30) || began.elapsed() > Duration::from_secs(20) {
                break snapshots;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        println!("statistics caught up after {:?}: {snapshots:#?}", began.elapsed());
        let lazy_q = &snapshots[0];
        assert_eq!(lazy_q.queue, "lazy");
        assert_eq!((lazy_q.messages, lazy_q.ready, lazy_q.unacked), (30, 30, 0));
        assert_eq!((lazy_q.in_ram, lazy_q.paged_out), (0, 30));
        assert_eq!(lazy_q.mode.as_deref(), Some("lazy"));
        assert_eq!(lazy_q.state.as_deref(), Some("running"));
        let qq = &snapshots[1];
        assert_eq!((qq.queue.as_str(), qq.messages, qq.persistent), ("qq", 30, 30));
        assert_eq!(qq.node.as_deref(), Some("warren-1@localhost"));
        assert_eq!(management.queue(vhost, "qq").await.expect("queue").as_ref(), Some(qq));
        management.clear_policy(vhost, "lazy/policy").await.expect("cleared");
        management
            .clear_policy(vhost, "lazy/policy")
            .await
            .expect("clearing again is fine");

        let bad: Policy = serde_json::from_value(json!({
            "name": "bad", "pattern": ".*", "definition": {"ha-mode": "bogus"}
        }))
        .expect("policy");
        let e = management.set_policy(vhost, &bad).await.expect_err("refused");
        println!("{e}");
        assert!(matches!(e, ManagementError::Status { status: 400, .. }), "{e:?}");
        assert!(e.to_string().contains("is not a valid ha-mode value"), "{e}");

        let wrong = Management::new("http://guest:pw-xyz@127.0.0.1:15701").expect("client");
        let e = wrong.overview().await.expect_err("wrong password");
        println!("{e}");
        assert!(matches!(e, ManagementError::Unauthorized { .. }), "{e:?}");
        assert!(!e.to_string().contains("pw-xyz"));

        let user = "warren-test-plain";
        let path = format!("/api/users/{user}");
        let created = raw(Method::PUT, &path, json!({"password": "pw", "tags": "management"})).await;
        assert!(created == 201 || created == 204, "{created}");
        let plain = Management::new(&format!("http://{user}:pw@127.0.0.1:15701")).expect("client");
        let e = plain.create_vhost("warren-test-2", "").await.expect_err("forbidden");
        println!("{e}");
        assert!(matches!(e, ManagementError::Forbidden { .. }), "{e:?}");
        let info = plain.overview().await.expect("overview without monitoring tag");
        println!("as a plain user: {info:?}");
        assert_eq!(raw(Method::DELETE, &path, json!({})).await, 204);

        management.delete_vhost(vhost).await.expect("vhost deleted");
        management.delete_vhost(vhost).await.expect("deleting again is fine");
        assert!(
            !management
                .list_vhosts()
                .await
                .expect("vhosts")
                .iter()
                .any(|v| v.name == vhost)
        );

        println!("{}", broker.status().await.expect("status"));
    }

    /// Stops the whole cluster and starts it again (every node at once), and leaves it running.
    #[tokio::test]
    #[ignore = "stops and starts a real RabbitMQ cluster"]
    async fn warm_restarts_the_cluster() {
        let broker = ManagedBroker::new(ManagedBroker::default_data_dir());
        broker.ensure_running().await.expect("running");

        let began = Instant::now();
        broker.stop().await.expect("stopped");
        println!("stop took {:?}", began.elapsed());
        let status = broker.status().await.expect("status");
        println!("{status}");
        assert_eq!(status.nodes.len(), 3);
        assert!(status.nodes.iter().all(|n| !n.running && n.pid.is_none() && n.created));
        broker.stop().await.expect("stopping a stopped cluster is fine");

        let began = Instant::now();
        broker.ensure_running().await.expect("restarted");
        println!("warm start took {:?}", began.elapsed());
        assert_eq!(seed_view().await, all_three([true; 3]));
        let status = broker.status().await.expect("status");
        println!("{status}");
        assert!(status.nodes.iter().all(|n| n.running && n.running_members.len() == 3));
    }

    /// Kills, stops and restarts nodes through [`NodeFaults`](crate::broker::faults::NodeFaults),
    /// and leaves the cluster running.
    #[tokio::test]
    #[ignore = "crashes and restarts real RabbitMQ nodes"]
    async fn faults_stop_kill_and_restore_nodes() {
        use crate::broker::faults::{FaultError, NodeFaults};

        let broker = ManagedBroker::new(ManagedBroker::default_data_dir());
        broker.ensure_running().await.expect("running");
        let faults = NodeFaults::new(&broker);
        assert_eq!(
            faults.node_names(),
            ["warren-1@localhost", "warren-2@localhost", "warren-3@localhost"]
        );
        let e = faults.kill_node("rabbit@localhost").await.expect_err("not Warren's");
        println!("{e}");
        assert!(matches!(e, FaultError::UnknownNode { .. }), "{e:?}");
        assert!(NodeFaults::from_names(broker.data_dir().to_path_buf(), &["rabbit@vm"]).is_err());

        // Crash node 2 and bring it back.
        let pid = broker.nodes()[1].live_pid().expect("pid of warren-2");
        let began = Instant::now();
        faults.kill_node("warren-2@localhost").await.expect("killed");
        println!("kill took {:?}", began.elapsed());
        assert!(!Path::new(&format!("/proc/{pid}/cmdline")).exists() || broker.nodes()[1].live_pid().is_none());
        let e = faults.kill_node("warren-2@localhost").await.expect_err("already dead");
        println!("{e}");
        assert!(
            e.to_string()
                .starts_with("could not kill RabbitMQ node warren-2@localhost"),
            "{e}"
        );
        let began = Instant::now();
        let view = loop {
            let view = seed_view().await;
            if view == all_three([true, false, true]) || began.elapsed() > Duration::from_secs(30) {
                break view;
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        };
        println!("warren-1 saw warren-2 down after {:?}", began.elapsed());
        assert_eq!(view, all_three([true, false, true]));
        let began = Instant::now();
        faults
            .start_node("warren-2@localhost")
            .await
            .expect("started after the kill");
        println!("start after kill -9 took {:?}", began.elapsed());
        assert_eq!(seed_view().await, all_three([true; 3]));

        // Stop node 3's application and start it again.
        let began = Instant::now();
        faults.stop_node("warren-3@localhost").await.expect("stopped");
        println!("stop_app took {:?}", began.elapsed());
        assert_eq!(seed_view().await, all_three([true, true, false]));
        assert!(broker.nodes()[2].live_pid().is_some(), "the VM keeps running");
        let began = Instant::now();
        faults
            .start_node("warren-3@localhost")
            .await
            .expect("started after stop_app");
        println!("start after stop_app took {:?}", began.elapsed());
        assert_eq!(seed_view().await, all_three([true; 3]));
        faults
            .start_node("warren-3@localhost")
            .await
            .expect("starting a running node is fine");

        // Crash every node, then bring them all back.
        let faults = NodeFaults::from_names(
            broker.data_dir().to_path_buf(),
            &["warren-1@localhost", "warren-2@localhost", "warren-3@localhost"],
        )
        .expect("Warren's nodes");
        faults.stop_node("warren-1@localhost").await.expect("stopped");
        faults.kill_node("warren-2@localhost").await.expect("killed");
        faults.kill_node("warren-3@localhost").await.expect("killed");
        let began = Instant::now();
        faults.restore_all().await.expect("restored");
        println!("restore_all after stop_app + 2 kills took {:?}", began.elapsed());
        assert_eq!(seed_view().await, all_three([true; 3]));
        let began = Instant::now();
        broker.ensure_running().await.expect("still formed");
        assert!(began.elapsed() < Duration::from_secs(1));
    }

    /// A node that left the cluster (reset) is joined again; a cluster shrinks to one node and grows
    /// back to three. Leaves three nodes running.
    #[tokio::test]
    #[ignore = "reshapes a real RabbitMQ cluster"]
    async fn repairs_shrinks_and_grows_the_cluster() {
        let broker = ManagedBroker::new(ManagedBroker::default_data_dir());
        broker.ensure_running().await.expect("running");
        let third = &broker.nodes()[2];
        for step in ["stop_app", "reset", "start_app"] {
            third.ctl_ok(&[step]).await.expect(step);
        }
        assert_eq!(seed_view().await, all_three([true, true, false])[..2].to_vec());
        let began = Instant::now();
        broker.ensure_running().await.expect("rejoined");
        println!("rejoining a reset node took {:?}", began.elapsed());
        assert_eq!(seed_view().await, all_three([true; 3]));

        let single = ManagedBroker::with_nodes(broker.data_dir().to_path_buf(), 1);
        let began = Instant::now();
        single.ensure_running().await.expect("shrunk");
        println!("shrinking to one node took {:?}", began.elapsed());
        assert_eq!(seed_view().await, vec![("warren-1@localhost".to_owned(), true)]);
        assert_eq!(nodes_on_disk(broker.data_dir()), vec![1]);
        println!("{}", broker.status().await.expect("status"));

        let began = Instant::now();
        broker.ensure_running().await.expect("grown");
        println!("growing from one node to three took {:?}", began.elapsed());
        assert_eq!(seed_view().await, all_three([true; 3]));
        assert_eq!(nodes_on_disk(broker.data_dir()), vec![1, 2, 3]);
    }
}
