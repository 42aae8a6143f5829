//! Measuring a relay under load, for `cargo xtask load` and `cargo xtask soak`: the built relay in
//! a process of its own, what `/proc` says about that process, and WebSocket sessions that run a
//! scenario and time it.
//!
//! # Layout
//! - [`RelayProcess`]: `warren serve` on a free loopback port, stopped or killed on request.
//! - [`Usage`], [`Sampler`]: resident memory, threads and CPU time from `/proc/<pid>`, sampled
//!   every [`SAMPLE_EVERY`] with the peaks kept, and when the relay is idle.
//! - [`run_session`], [`run_on`]: one run, timed, on a socket of its own or one already open;
//!   [`Timing`]: what it measured; [`problems`]: why runs did not complete.
//! - [`room`]: a workshop room under load (`cargo xtask load --room`).
//! - [`CommandLine`] and the other small pieces every measuring example shares: its arguments,
//!   [`quantile`], the printed units, the machine's load, where the relay's log goes.
//!
//! Nothing here panics on a figure: a run that fails is reported as such, and a sample that cannot
//! be read is skipped.

pub mod room;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};
use tokio_util::sync::CancellationToken;
use warren_shared::room::{Incoming, RoomMessage};
use warren_shared::{EventKind, Outcome, ServerMessage};

use crate::Client;

/// How often the [`Sampler`] reads `/proc`.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(50);
/// How long a relay may take to listen after it was started (it may start the managed broker).
const READY_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a session waits for the next message before it gives the run up.
pub const QUIET_TIMEOUT: Duration = Duration::from_secs(120);
/// How long the relay's thread count must stay the same before it counts as idle.
const STEADY_FOR: Duration = Duration::from_secs(3);
/// The longest wait for the relay to be idle (a pool of 60 on a busy 3-node cluster takes
/// seconds).
const IDLE_LIMIT: Duration = Duration::from_secs(60);

/// `warren serve` running in its own process.
pub struct RelayProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its process id.
    pub pid: u32,
}

impl RelayProcess {
    /// Start `binary serve --listen <free port> ARGS`, its output appended to `log`, and wait
    /// until it accepts connections.
    pub async fn start(binary: &Path, args: &[String], log: &Path) -> Result<Self, String> {
        let addr = free_port()?;
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| format!("could not open the relay's log {}: {e}", log.display()))?;
        let errors = output
            .try_clone()
            .map_err(|e| format!("could not share the relay's log: {e}"))?;
        let mut child = Command::new(binary)
            .arg("serve")
            .arg("--listen")
            .arg(addr.to_string())
            .args(args)
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
        let pid = child.id().ok_or("the relay exited at once")?;
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return Ok(Self { child, addr, pid });
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("the relay exited with {status}; see {}", log.display()));
            }
            if Instant::now() > deadline {
                let _ = child.start_kill();
                return Err(format!(
                    "the relay did not listen within {} s; see {}",
                    READY_TIMEOUT.as_secs(),
                    log.display()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The WebSocket's URL.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Stop it as Ctrl-C would (SIGTERM: runs are stopped and their vhosts deleted) and wait for
    /// it to exit, killing it after `grace`.
    pub async fn stop(mut self, grace: Duration) -> Result<(), String> {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await
            .map_err(|e| format!("could not run kill: {e}"))?;
        if !sent.success() {
            return Err(format!("kill -TERM {} failed", self.pid));
        }
        match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(_) => Ok(()),
            Err(_) => {
                let _ = self.child.kill().await;
                Err(format!(
                    "the relay did not exit within {} s of SIGTERM and was killed",
                    grace.as_secs()
                ))
            }
        }
    }

    /// Kill it at once (SIGKILL): nothing gets cleaned up.
    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }
}

/// A loopback address nobody listens on right now.
fn free_port() -> Result<SocketAddr, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|e| format!("could not find a free loopback port: {e}"))
}

/// What `/proc` says about a process at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Resident memory (`VmRSS`), in KiB.
    pub rss_kib: u64,
    /// Highest resident memory so far (`VmHWM`), in KiB.
    pub hwm_kib: u64,
    /// Resident memory of the heap and stacks (`RssAnon`), in KiB: what the process allocated.
    pub anon_kib: u64,
    /// Resident pages of files (`RssFile`), in KiB: mostly the binary's code, loaded as it runs.
    pub file_kib: u64,
    /// Threads.
    pub threads: u64,
    /// CPU time used, user and system, in milliseconds.
    pub cpu_ms: u64,
}

impl Usage {
    /// Read it for `pid`; `None` once the process is gone.
    pub fn read(pid: u32) -> Option<Self> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<u64>().ok())
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        Some(Self {
            rss_kib: field("VmRSS:")?,
            hwm_kib: field("VmHWM:")?,
            anon_kib: field("RssAnon:")?,
            file_kib: field("RssFile:")?,
            threads: field("Threads:")?,
            cpu_ms: cpu_ms(&stat)?,
        })
    }
}

/// User plus system time from a `/proc/<pid>/stat` line, in milliseconds (at 100 ticks a second,
/// the Linux default).
fn cpu_ms(stat: &str) -> Option<u64> {
    // The command name is in parentheses and may hold spaces: count fields after it.
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 10)
}

/// Megabytes (10^6 bytes) from KiB, for printing.
pub fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1_000_000.0
}

/// Peaks since the last [`Sampler::reset`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Peaks {
    /// Highest resident memory seen, in KiB.
    pub rss_kib: u64,
    /// Most threads seen.
    pub threads: u64,
}

/// Reads a process's [`Usage`] every [`SAMPLE_EVERY`] until dropped, keeping the peaks.
pub struct Sampler {
    pid: u32,
    peaks: Arc<Mutex<Peaks>>,
    stop: CancellationToken,
}

impl Sampler {
    /// Start sampling `pid`.
    pub fn start(pid: u32) -> Self {
        let peaks = Arc::new(Mutex::new(Peaks::default()));
        let stop = CancellationToken::new();
        let (shared, token) = (Arc::clone(&peaks), stop.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SAMPLE_EVERY);
            loop {
                tokio::select! {
                    () = token.cancelled() => return,
                    _ = tick.tick() => {}
                }
                let Some(usage) = Usage::read(pid) else { return };
                if let Ok(mut peaks) = shared.lock() {
                    peaks.rss_kib = peaks.rss_kib.max(usage.rss_kib);
                    peaks.threads = peaks.threads.max(usage.threads);
                }
            }
        });
        Self { pid, peaks, stop }
    }

    /// The usage now (zero once the process is gone).
    pub fn now(&self) -> Usage {
        Usage::read(self.pid).unwrap_or_default()
    }

    /// The peaks so far, counting the usage now.
    pub fn peaks(&self) -> Peaks {
        let now = self.now();
        let mut peaks = self.peaks.lock().map(|p| *p).unwrap_or_default();
        peaks.rss_kib = peaks.rss_kib.max(now.rss_kib);
        peaks.threads = peaks.threads.max(now.threads);
        peaks
    }

    /// Forget the peaks so far.
    pub fn reset(&self) {
        if let Ok(mut peaks) = self.peaks.lock() {
            *peaks = Peaks::default();
        }
    }

    /// Wait until the relay is idle: its threads unchanged for [`STEADY_FOR`] (the vhost pool
    /// opens one AMQP connection, and with it one lapin thread, per ready vhost, so a pool still
    /// filling up shows as threads still coming), or [`IDLE_LIMIT`] at the most; how long that
    /// took.
    pub async fn wait_idle(&self) -> Duration {
        let started = Instant::now();
        let mut threads = self.now().threads;
        let mut since = Instant::now();
        while since.elapsed() < STEADY_FOR && started.elapsed() < IDLE_LIMIT {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let now = self.now().threads;
            if now != threads {
                threads = now;
                since = Instant::now();
            }
        }
        started.elapsed()
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// What one session saw of its run.
#[derive(Debug, Clone, Default)]
pub struct Timing {
    /// How the run ended, when the session saw `finished`.
    pub outcome: Option<Outcome>,
    /// The vhost the run used (from `run_started`).
    pub vhost: Option<String>,
    /// From sending `run` to the first `declared` event: the broker's first answer about the
    /// run's own topology (its vhost, connection and first declaration).
    pub first_broker_event: Option<Duration>,
    /// From sending `run` to `finished`.
    pub total: Option<Duration>,
    /// When `finished` was read.
    pub finished_at: Option<Instant>,
    /// On the relay's clock of the run: when the last actor stopped, and when the run finished.
    /// What lies between is the run's end: the final queue snapshot, which waits for the
    /// management API's statistics, and the queues drained.
    pub relay_ms: RelayClock,
    /// The warnings the run's events carried.
    pub warnings: Vec<String>,
    /// Why the session ended without `finished`, when it did.
    pub problem: Option<String>,
}

/// Moments of a run on the relay's clock (its events' `t_ms`), in milliseconds since it started.
#[derive(Debug, Clone, Copy, Default)]
pub struct RelayClock {
    /// When the last actor stopped.
    pub actors_stopped: Option<u64>,
    /// When the run finished (`run_finished`).
    pub finished: Option<u64>,
}

impl Timing {
    /// Whether the run completed.
    pub fn completed(&self) -> bool {
        self.outcome == Some(Outcome::Completed)
    }

    /// From the last actor stopping to the run's end, on the relay's clock: the final snapshot
    /// and the drain.
    pub fn run_end(&self) -> Option<Duration> {
        let RelayClock {
            actors_stopped: Some(stopped),
            finished: Some(finished),
        } = self.relay_ms
        else {
            return None;
        };
        Some(Duration::from_millis(finished.saturating_sub(stopped)))
    }
}

/// When [`run_session`] drops its socket on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abandon {
    /// Follow the run to its end.
    Never,
    /// Drop the socket (no close frame) once the first message has been published.
    AfterFirstPublish,
}

/// Open a socket to `ws_url`, ask for `scenario` (JSON), and follow the run (or drop it as
/// `abandon` says). Never panics: what went wrong is in [`Timing::problem`].
pub async fn run_session(ws_url: &str, scenario: &serde_json::Value, abandon: Abandon) -> Timing {
    let mut client = match Client::connect_to(ws_url).await {
        Ok((client, _hello)) => client,
        Err(error) => {
            return Timing {
                problem: Some(error),
                ..Timing::default()
            };
        }
    };
    let timing = run_on(&mut client, scenario, abandon).await;
    match abandon {
        Abandon::Never => {
            let _ = client.socket.close(None).await;
        }
        Abandon::AfterFirstPublish => client.drop_connection(),
    }
    timing
}

/// Ask for `scenario` (JSON) on `client`, a socket already open, and follow the run until it
/// ends (or until `abandon` says to stop reading). Never panics: what went wrong is in
/// [`Timing::problem`].
pub async fn run_on(client: &mut Client, scenario: &serde_json::Value, abandon: Abandon) -> Timing {
    let mut timing = Timing::default();
    let request = serde_json::json!({"type": "run", "scenario": scenario}).to_string();
    let started = Instant::now();
    match client.try_send_text(&request).await {
        Ok(()) => follow(client, started, abandon, &mut timing).await,
        Err(error) => timing.problem = Some(error),
    }
    timing
}

/// Read messages into `timing` until the run ends (or is abandoned).
async fn follow(client: &mut Client, started: Instant, abandon: Abandon, timing: &mut Timing) {
    loop {
        let message = match client.try_recv_any(QUIET_TIMEOUT).await {
            Ok(message) => message,
            Err(error) => {
                timing.problem = Some(format!("the run did not finish: {error}"));
                return;
            }
        };
        let message = match message {
            Incoming::Server(message) => message,
            Incoming::Room(RoomMessage::Refused(refusal)) => {
                timing.problem = Some(format!(
                    "the room refused the run ({}): {}",
                    refusal.code.as_str(),
                    refusal.message
                ));
                return;
            }
            // Nothing else a room says stops a run.
            Incoming::Room(_) => continue,
        };
        match message {
            ServerMessage::Events { events, .. } => {
                for event in &events {
                    match &event.kind {
                        EventKind::RunStarted { vhost, .. } => timing.vhost = Some(vhost.clone()),
                        EventKind::Declared { .. } if timing.first_broker_event.is_none() => {
                            timing.first_broker_event = Some(started.elapsed());
                        }
                        EventKind::Published { .. } if abandon == Abandon::AfterFirstPublish => return,
                        EventKind::ActorStopped { .. } => timing.relay_ms.actors_stopped = Some(event.t_ms),
                        EventKind::RunFinished { .. } => timing.relay_ms.finished = Some(event.t_ms),
                        EventKind::Warning { message } => timing.warnings.push(message.clone()),
                        _ => {}
                    }
                }
            }
            ServerMessage::Finished { outcome, .. } => {
                let now = Instant::now();
                timing.total = Some(now - started);
                timing.finished_at = Some(now);
                timing.outcome = Some(outcome);
                return;
            }
            ServerMessage::Error { message } => {
                timing.problem = Some(message);
                return;
            }
            ServerMessage::Invalid { problems } => {
                timing.problem = Some(format!("the scenario is invalid: {problems:?}"));
                return;
            }
            ServerMessage::Hello { .. } | ServerMessage::Accepted { .. } | ServerMessage::Waiting { .. } => {}
        }
    }
}

/// Why runs did not complete, with how many each, in the order first seen.
pub fn problems(timings: &[Timing]) -> Vec<(String, usize)> {
    tally(
        timings
            .iter()
            .filter(|t| !t.completed())
            .map(|timing| match (&timing.problem, timing.outcome) {
                (Some(problem), _) => problem.clone(),
                (None, Some(outcome)) => format!("ended {outcome:?}"),
                (None, None) => "unknown".to_owned(),
            }),
    )
}

/// Each distinct text with how many times it came, in the order first seen.
pub fn tally(texts: impl IntoIterator<Item = String>) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for text in texts {
        match counts.iter_mut().find(|(seen, _)| *seen == text) {
            Some((_, count)) => *count += 1,
            None => counts.push((text, 1)),
        }
    }
    counts
}

/// The `q` quantile (0 to 1) of `values`, nearest rank; `None` when there are none.
pub fn quantile(values: &[Duration], q: f64) -> Option<Duration> {
    let mut sorted = values.to_vec();
    sorted.sort();
    let last = sorted.len().checked_sub(1)?;
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted.get(rank.min(last)).copied()
}

/// Seconds, for printing: `1.23 s`.
pub fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Milliseconds, for printing: `120 ms`, or `-` without a figure.
pub fn millis(d: Option<Duration>) -> String {
    d.map_or("-".to_owned(), |d| format!("{} ms", d.as_millis()))
}

/// The median and the 99th percentile of `values`, in milliseconds, for printing:
/// `p50 12 ms   p99 40 ms`.
pub fn p50_p99(values: &[Duration]) -> String {
    format!(
        "p50 {}   p99 {}",
        millis(quantile(values, 0.5)),
        millis(quantile(values, 0.99))
    )
}

/// Start `binary serve ARGS` as [`RelayProcess::start`] does and sample it; print the machine's
/// load, wait until the relay is idle ([`Sampler::wait_idle`]) and print how long that took.
/// The relay, its sampler, and its usage once idle.
pub async fn start_idle(binary: &Path, args: &[String], log: &Path) -> Result<(RelayProcess, Sampler, Usage), String> {
    let relay = RelayProcess::start(binary, args, log).await?;
    let sampler = Sampler::start(relay.pid);
    if let Some(load) = load_average() {
        println!("machine load average       {load} (2 cores are shared)");
    }
    let filled = sampler.wait_idle().await;
    println!(
        "relay idle                 after {:.1} s (threads steady for {} s: the vhost pool is full)",
        filled.as_secs_f64(),
        STEADY_FOR.as_secs()
    );
    let idle = sampler.now();
    Ok((relay, sampler, idle))
}

/// The machine's load averages over 1, 5 and 15 minutes, as `/proc/loadavg` gives them.
pub fn load_average() -> Option<String> {
    let load = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(load.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// What every measuring example is given besides its own options: the relay's binary
/// (`--relay PATH`) and the arguments for `warren serve` (after `--`).
#[derive(Debug, Clone)]
pub struct CommandLine {
    /// The built `warren` binary.
    pub relay: PathBuf,
    /// Arguments for `warren serve`, after the example's own.
    pub relay_args: Vec<String>,
}

impl CommandLine {
    /// Read the program's arguments: `--relay PATH`, `-- RELAY_ARGS`, and every other option
    /// through `option`, which is given its name and the arguments after it, takes what it
    /// needs, and says whether it knew the option.
    pub fn read(
        mut option: impl FnMut(&str, &mut dyn Iterator<Item = String>) -> Result<bool, String>,
    ) -> Result<Self, String> {
        let mut relay = None;
        let mut relay_args = Vec::new();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--relay" => relay = args.next().map(PathBuf::from),
                "--" => relay_args.extend(args.by_ref()),
                other if option(other, &mut args)? => {}
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(Self {
            relay: relay.ok_or("--relay PATH (the built `warren` binary) is required")?,
            relay_args,
        })
    }
}

/// The count of 1 or more that follows the option `name`.
pub fn count_arg(name: &str, args: &mut dyn Iterator<Item = String>) -> Result<usize, String> {
    args.next()
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{name} takes a count of 1 or more"))
}

/// The whole seconds that follow the option `name`.
pub fn seconds_arg(name: &str, args: &mut dyn Iterator<Item = String>) -> Result<Duration, String> {
    args.next()
        .and_then(|n| n.parse().ok())
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{name} takes seconds"))
}

/// End the program `name` when `result` failed: its error on standard error and exit `code`
/// (2 for a wrong command line, 1 for a measurement that could not be made).
pub fn or_exit<T>(name: &str, code: i32, result: Result<T, String>) -> T {
    result.unwrap_or_else(|error| {
        eprintln!("{name}: {error}");
        std::process::exit(code)
    })
}

/// A file under the workspace's `target/` for a relay's log (the folder is made if missing).
pub fn log_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/load");
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_read_after_the_command_name() {
        let stat = "42 (tokio (rt) x) S 1 42 42 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 9 0 100 0 0";
        assert_eq!(cpu_ms(stat), Some(2800));
    }

    #[test]
    fn quantiles_take_the_nearest_rank() {
        let values: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&values, 0.5), Some(Duration::from_millis(50)));
        assert_eq!(quantile(&values, 0.99), Some(Duration::from_millis(99)));
        assert_eq!(quantile(&values[..1], 0.99), Some(Duration::from_millis(1)));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn this_process_can_be_read() {
        let usage = Usage::read(std::process::id()).expect("own /proc entry");
        assert!(usage.rss_kib > 0 && usage.threads > 0);
    }
}
