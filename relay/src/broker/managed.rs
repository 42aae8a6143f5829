//! The RabbitMQ Warren runs itself when the user configured no broker.
//!
//! Warren starts the locally installed `rabbitmq-server` as its own node(s), on ports of its own so
//! that a system RabbitMQ (5672, 15672, 25672) keeps running undisturbed. Everything a node keeps is
//! under the data folder:
//!
//! ```text
//! <data_dir>/node-1/rabbitmq.conf       listeners, management port, statistics interval
//!                   enabled_plugins     [rabbitmq_management].
//!                   rabbitmq-env.conf   empty: keeps /etc/rabbitmq/rabbitmq-env.conf out
//!                   mnesia/             the node's database and message store
//!                   log/                the node's logs and Warren's record of the start command
//!                   rabbitmq.pid        the Erlang VM's process id
//! ```
//!
//! Node `i` (from 1) is `warren-i@localhost` with AMQP port `5700 + i`, management port `15700 + i`
//! and distribution port `25700 + i`. Today one node is started; a cluster only needs more nodes
//! and a join step.
//!
//! As root, the `rabbitmq-server` and `rabbitmqctl` scripts re-run themselves as the `rabbitmq` user,
//! so every node folder is handed to that user and the data folder must be reachable by it.

use std::fmt;
use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use tokio::process::Command;
use warren_shared::event::BrokerInfo;

use super::BrokerEndpoints;
use super::management::Management;

/// AMQP port of node `i` is `BASE_AMQP_PORT + i` (5701 for the first node).
pub const BASE_AMQP_PORT: u16 = 5700;
/// Management HTTP port of node `i` is `BASE_MANAGEMENT_PORT + i` (15701 for the first node).
pub const BASE_MANAGEMENT_PORT: u16 = 15700;
/// Erlang distribution port of node `i` is `BASE_DIST_PORT + i` (25701 for the first node).
pub const BASE_DIST_PORT: u16 = 25700;
/// Node names are `NODE_NAME_PREFIX-i@localhost`.
pub const NODE_NAME_PREFIX: &str = "warren";
/// How many nodes Warren starts.
pub const DEFAULT_NODES: u16 = 1;
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
/// How long a probe of a node's management API may take: a node that is up answers in
/// milliseconds.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// Pause between two management API probes while a node starts.
const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// Lines of the node's log quoted when it fails to start.
const LOG_TAIL_LINES: usize = 10;
/// Longest error line quoted from the node's log.
const ERROR_LINE_LIMIT: usize = 600;

/// Only one start at a time in this process: two concurrent starts of one node would collide.
static START_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

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

/// The RabbitMQ broker Warren starts and stops itself, made of [`DEFAULT_NODES`] nodes.
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
    fn new(data_dir: &Path, index: u16) -> Self {
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
             collect_statistics_interval = 1000\n",
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
    fn live_pid(&self) -> Option<u32> {
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

    /// What the node's management API says, `Ok(None)` when nothing listens, an error when another
    /// RabbitMQ answers on its port.
    async fn probe(&self) -> Result<Option<BrokerInfo>, ManagedError> {
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

    /// Starts the node (or finishes starting it) and waits until its management API answers.
    async fn start(&self, owner: Option<&str>) -> Result<BrokerInfo, ManagedError> {
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
                format!("it did not finish booting within {} s", BOOT_TIMEOUT.as_secs())
            } else {
                "it stopped while booting".to_owned()
            };
            return Err(self.start_failed(
                format!("{detail} (rabbitmqctl wait: {})", last_lines(&output, 2)),
                since,
            ));
        }

        let deadline = Instant::now() + MANAGEMENT_READY_TIMEOUT;
        let management = self.management()?;
        let info = loop {
            match management.overview().await {
                Ok(info) if info.nodes.iter().any(|n| n.name == self.name && n.running) => {
                    break info;
                }
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
        };
        tracing::info!(
            node = %self.name,
            version = %info.version,
            took = ?began.elapsed(),
            "RabbitMQ node is up"
        );
        Ok(info)
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
    async fn stop(&self) -> Result<(), ManagedError> {
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
    /// Each node.
    pub nodes: Vec<ManagedNodeStatus>,
}

/// One node of [`ManagedStatus`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedNodeStatus {
    /// Name, ports and folders.
    pub node: ManagedNode,
    /// Whether its management API answers and lists it as running.
    pub running: bool,
    /// OS process id of its Erlang VM, when one runs.
    pub pid: Option<u32>,
    /// RabbitMQ version, when running.
    pub version: Option<String>,
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
                (false, _, None) => "stopped".to_owned(),
            };
            writeln!(f, "  {}: {state}", node.name)?;
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

impl ManagedBroker {
    /// Warren's broker with its data under `data_dir` (made absolute against the current folder,
    /// because the RabbitMQ scripts change folder before starting).
    pub fn new(data_dir: PathBuf) -> Self {
        let data_dir = if data_dir.is_absolute() {
            data_dir
        } else {
            std::env::current_dir()
                .map(|cwd| cwd.join(&data_dir))
                .unwrap_or(data_dir)
        };
        Self {
            data_dir,
            nodes: DEFAULT_NODES,
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

    /// The broker's nodes, first node first.
    pub fn nodes(&self) -> Vec<ManagedNode> {
        (1..=self.nodes)
            .map(|index| ManagedNode::new(&self.data_dir, index))
            .collect()
    }

    /// Where the broker is reached: the first node, with the `guest` user.
    pub fn endpoints(&self) -> BrokerEndpoints {
        let first = ManagedNode::new(&self.data_dir, 1);
        BrokerEndpoints {
            amqp_url: first.amqp_url(),
            management_url: first.management_url(),
        }
    }

    /// Makes sure every node runs, starting those that do not, and returns where the broker is
    /// reached. Fast when the broker is already up: one management API probe per node.
    pub async fn ensure_running(&self) -> Result<BrokerEndpoints, ManagedError> {
        if self.all_running().await? {
            return Ok(self.endpoints());
        }
        let _guard = START_LOCK.lock().await;
        for node in self.nodes() {
            // Another caller may have started it while this one waited for the lock.
            if node.probe().await?.is_some() {
                continue;
            }
            // Checked only now: a broker that runs is used whoever Warren runs as.
            let owner = self.check_can_start()?;
            node.start(owner).await?;
        }
        // A cluster would join nodes 2..N to node 1 here.
        Ok(self.endpoints())
    }

    /// Stops every node (last first). Nodes that are not running are fine.
    pub async fn stop(&self) -> Result<(), ManagedError> {
        for node in self.nodes().iter().rev() {
            if node.live_pid().is_none() && !matches!(node.probe().await, Ok(Some(_))) {
                continue;
            }
            node.stop().await?;
            tracing::info!(node = %node.name, "RabbitMQ node stopped");
        }
        Ok(())
    }

    /// Each node's name, ports and whether it runs.
    pub async fn status(&self) -> Result<ManagedStatus, ManagedError> {
        let mut nodes = Vec::new();
        for node in self.nodes() {
            let pid = node.live_pid();
            let (running, version, note) = match node.probe().await {
                Ok(Some(info)) => (true, Some(info.version), None),
                Ok(None) => (false, None, None),
                Err(e) => (false, None, Some(e.to_string())),
            };
            nodes.push(ManagedNodeStatus {
                node,
                running,
                pid,
                version,
                note,
            });
        }
        Ok(ManagedStatus {
            data_dir: self.data_dir.clone(),
            nodes,
        })
    }

    async fn all_running(&self) -> Result<bool, ManagedError> {
        for node in self.nodes() {
            if node.probe().await?.is_none() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Checks that a node can be started from here; returns the user that must own the node folders
    /// (`Some` when running as root).
    fn check_can_start(&self) -> Result<Option<&'static str>, ManagedError> {
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
async fn wait_for_exit(pid: u32, limit: Duration) -> bool {
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
        assert_eq!(nodes.len(), 1);
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
    fn endpoints_point_at_the_first_node() {
        assert_eq!(
            broker().endpoints(),
            BrokerEndpoints {
                amqp_url: "amqp://guest:guest@127.0.0.1:5701".into(),
                management_url: "http://guest:guest@127.0.0.1:15701".into(),
            }
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
             collect_statistics_interval = 1000\n"
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
            nodes: vec![ManagedNodeStatus {
                node: broker().nodes()[0].clone(),
                running: true,
                pid: Some(42),
                version: Some("3.10.8".into()),
                note: None,
            }],
        };
        let text = status.to_string();
        assert!(text.contains("warren-1@localhost: running RabbitMQ 3.10.8"), "{text}");
        assert!(text.contains("amqp://127.0.0.1:5701"), "{text}");
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

    /// Starts Warren's node for real (needs rabbitmq-server and root), and leaves it running.
    /// `cargo test -p warren-relay --lib broker::managed -- --ignored --nocapture --test-threads 1`
    #[tokio::test]
    #[ignore = "starts a real RabbitMQ node"]
    async fn starts_and_reuses_a_real_node() {
        use crate::broker::management::ManagementError;
        use reqwest::Method;
        use serde_json::json;
        use warren_shared::scenario::Policy;

        let broker = ManagedBroker::new(ManagedBroker::default_data_dir());
        let began = Instant::now();
        let endpoints = broker.ensure_running().await.expect("node starts");
        println!("first ensure_running took {:?}", began.elapsed());
        let began = Instant::now();
        let again = broker.ensure_running().await.expect("node reused");
        let reuse = began.elapsed();
        println!("second ensure_running took {reuse:?}");
        assert_eq!(endpoints, again);
        assert!(reuse < Duration::from_secs(1), "reuse took {reuse:?}");

        let management = Management::new(&endpoints.management_url).expect("client");
        let info = management.overview().await.expect("overview");
        println!("{info:?}");
        assert_eq!(info.version, "3.10.8");
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

    /// Stops, restarts, crashes and revives the real node, and leaves it running.
    #[tokio::test]
    #[ignore = "starts and stops a real RabbitMQ node"]
    async fn survives_stop_crash_and_stop_app() {
        let broker = ManagedBroker::new(ManagedBroker::default_data_dir());
        broker.ensure_running().await.expect("running");
        let node = &broker.nodes()[0];

        let began = Instant::now();
        broker.stop().await.expect("stopped");
        println!("stop took {:?}", began.elapsed());
        let status = broker.status().await.expect("status");
        println!("{status}");
        assert!(!status.nodes[0].running && status.nodes[0].pid.is_none());
        broker.stop().await.expect("stopping a stopped node is fine");

        let began = Instant::now();
        broker.ensure_running().await.expect("restarted");
        println!("warm start took {:?}", began.elapsed());

        let pid = node.live_pid().expect("pid");
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        assert!(wait_for_exit(pid, Duration::from_secs(5)).await);
        let began = Instant::now();
        broker.ensure_running().await.expect("restarted after a crash");
        println!("start after kill -9 took {:?}", began.elapsed());

        let stopped = ctl(&["-n", &node.name, "stop_app"], CTL_TIMEOUT)
            .await
            .expect("stop_app");
        assert!(stopped.status.success());
        println!("{}", broker.status().await.expect("status"));
        let began = Instant::now();
        broker.ensure_running().await.expect("app restarted");
        println!("start after stop_app took {:?}", began.elapsed());
        println!("{}", broker.status().await.expect("status"));
    }
}
