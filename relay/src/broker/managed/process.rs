//! A node's Erlang VM: starting it (`rabbitmq-server -detached`), waiting until it answers,
//! stopping and killing it, and running `rabbitmqctl` against it.

use std::fs;
use std::io;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use tokio::process::Command;
use warren_shared::event::BrokerInfo;

use super::error::io_error;
use super::lock::node_lock;
use super::logs::{LOG_TAIL_LINES, tail};
use super::owner::passwd_entry;
use super::{
    BOOT_TIMEOUT, MANAGEMENT_READY_TIMEOUT, ManagedError, ManagedNode, POLL_INTERVAL, RABBITMQ_SERVER, RABBITMQ_USER,
    RABBITMQCTL,
};

/// How long `rabbitmq-server -detached` may take to hand the node over to the background.
const DETACH_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a node may take to stop before its process is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a quick `rabbitmqctl` command (start_app, ping) may take.
pub(super) const CTL_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a node that failed to boot may take to exit before it is started once more.
const RETRY_EXIT_TIMEOUT: Duration = Duration::from_secs(15);

impl ManagedNode {
    /// The node's process id, when its pid file names a live Erlang VM.
    pub(in crate::broker) fn live_pid(&self) -> Option<u32> {
        let pid: u32 = fs::read_to_string(self.pid_file()).ok()?.trim().parse().ok()?;
        let cmdline = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        // A pid may be reused after a crash; only an Erlang VM counts.
        String::from_utf8_lossy(&cmdline).contains("beam").then_some(pid)
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

    /// Starts the node (or finishes starting it, or starts its stopped application) and waits until
    /// its management API answers. `owner` must own the node's files (`Some` when running as root).
    pub(in crate::broker) async fn start(&self, owner: Option<&str>) -> Result<BrokerInfo, ManagedError> {
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
    pub(super) async fn wait_for_management(&self, since: u64) -> Result<BrokerInfo, ManagedError> {
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

    /// `rabbitmqctl -n <node> <args>`; `Err` says what failed when it could not run or did not
    /// succeed.
    pub(in crate::broker) async fn ctl_ok(&self, args: &[&str]) -> Result<(), String> {
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

/// Starts `nodes` all at once and waits until each answers, in `nodes`' order.
///
/// Nodes of one cluster must start together: a node that was not the last to stop waits at boot for
/// a peer with newer data. But RabbitMQ 3.10 has a race there: a node that syncs its feature flags
/// with a peer whose own feature flags are not loaded yet fails to boot (`incompatible_feature_flags`
/// with `{badmap,undefined}`). So a node that failed to boot is started once more, after the others,
/// once its VM has exited; by then its peers are up.
pub(in crate::broker) async fn start_together(
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

/// Runs `rabbitmqctl` with `args`; `Err` (a sentence) when it cannot run or overruns `limit`.
pub(super) async fn ctl(args: &[&str], limit: Duration) -> Result<Output, String> {
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
pub(in crate::broker) async fn wait_for_exit(pid: u32, limit: Duration) -> bool {
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

/// The last `lines` non-empty lines of a command's stderr (else stdout), on one line.
pub(super) fn last_lines(output: &Output, lines: usize) -> String {
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
