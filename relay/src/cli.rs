//! The `warren` command line: flags and environment read in one place, then dispatched.
//!
//! # Layout
//! - this file: the commands and their flags; `serve`, `run` and `broker`.
//! - [`check`]: `warren check`, an exercise's checks on the broker.

pub mod check;

use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use warren_shared::{Limits, Summary, parse_scenario, validate};

use crate::admission;
use crate::broker::address::redact;
use crate::broker::managed::{DEFAULT_NODES, MAX_NODES, ManagedBroker};
use crate::connect::{Broker, BrokerConfig};
use crate::room::{self, limits::DEFAULT_RUNS_PER_MINUTE};
use crate::server::{self, AppState, DEFAULT_MAX_RUNS, DEFAULT_SOCKETS_PER_ADDRESS, ServerConfig, SocketLimits};
use crate::slots::DEFAULT_MAX_WAITING;
use crate::vhost::RelayId;
use crate::vhost::lease::Lease;
use crate::{run, vhost};

/// Default address of `warren serve`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Warren: run RabbitMQ reliability scenarios on a real broker and watch every message.
#[derive(Debug, Parser)]
#[command(name = "warren", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the playground page and its WebSocket.
    Serve(ServeArgs),
    /// Run one scenario file and print every event as a JSON line, then the summary.
    Run(RunArgs),
    /// Run an exercise's starting scenario (or its solution) and print each check as PASS or FAIL.
    Check(check::CheckArgs),
    /// Manage the RabbitMQ that Warren runs itself.
    Broker {
        /// up, down or status.
        #[command(subcommand)]
        action: BrokerAction,
    },
}

/// Where the broker is; without either URL Warren uses the broker it manages itself.
#[derive(Debug, Args, Clone)]
pub struct BrokerArgs {
    /// AMQP URL of an existing broker, e.g. amqp://guest:guest@127.0.0.1:5672 (its vhost is not used);
    /// for a cluster, one per node, comma-separated.
    #[arg(long, env = "WARREN_AMQP_URL")]
    pub amqp_url: Option<String>,
    /// Management API URL of that broker, e.g. http://guest:guest@127.0.0.1:15672; for a cluster, one
    /// per node, comma-separated, in the same order as the AMQP URLs.
    #[arg(long, env = "WARREN_MANAGEMENT_URL")]
    pub management_url: Option<String>,
    /// Nodes of the cluster Warren runs itself when no URL is given.
    #[arg(long, env = "WARREN_NODES", default_value_t = DEFAULT_NODES, value_parser = node_count())]
    pub nodes: u16,
}

/// Accepts a count of 1 or more.
fn at_least_one() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..)
}

/// Accepts 1..=MAX_NODES nodes.
fn node_count() -> clap::builder::RangedI64ValueParser<u16> {
    clap::value_parser!(u16).range(1..=i64::from(MAX_NODES))
}

impl BrokerArgs {
    /// What scenarios may do on this broker: node faults only on the cluster Warren manages, and
    /// not when serving a workshop, where a stopped node would hit everyone's runs.
    pub fn limits(&self, workshop: bool) -> Limits {
        let managed = self.amqp_url.is_none() && self.management_url.is_none();
        let nodes = if managed {
            ManagedBroker::with_nodes(ManagedBroker::default_data_dir(), self.nodes)
                .nodes()
                .into_iter()
                .map(|n| n.name)
                .collect()
        } else {
            Vec::new()
        };
        Limits {
            node_faults: managed && !workshop,
            nodes,
            ..Limits::default()
        }
    }

    fn config(&self) -> BrokerConfig {
        BrokerConfig {
            amqp_url: self.amqp_url.clone(),
            management_url: self.management_url.clone(),
        }
    }
}

/// `warren serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "WARREN_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Folder with the built page.
    #[arg(long, env = "WARREN_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,
    /// Most runs at once.
    #[arg(long, env = "WARREN_MAX_RUNS", default_value_t = DEFAULT_MAX_RUNS, value_parser = at_least_one())]
    pub max_runs: usize,
    /// Most runs waiting for a free slot once --max-runs run; a run asked for beyond that is
    /// refused with an estimate of when to try again (0: refuse at once).
    #[arg(long, env = "WARREN_MAX_WAITING", default_value_t = DEFAULT_MAX_WAITING)]
    pub max_waiting: usize,
    /// Vhosts kept ready ahead of runs, each with an AMQP connection open on it, so that a run
    /// starts without waiting for the broker (0: every run creates its own). Default: as many as
    /// --max-runs, so that a full house can start at once.
    #[arg(long, env = "WARREN_VHOST_POOL")]
    pub vhost_pool: Option<usize>,
    /// Another origin whose pages may open the WebSocket, e.g. https://warren.example.com for a
    /// reverse proxy; repeat the option or separate origins with commas. The relay's own page
    /// (the origin of the address it is reached at) is always allowed.
    #[arg(long = "allow-origin", value_name = "ORIGIN", env = "WARREN_ALLOW_ORIGIN", value_delimiter = ',', value_parser = admission::parse_origin)]
    pub allow_origins: Vec<String>,
    /// Most WebSockets open at once from one client IP address.
    #[arg(long, env = "WARREN_MAX_SOCKETS_PER_ADDRESS", default_value_t = DEFAULT_SOCKETS_PER_ADDRESS, value_parser = at_least_one())]
    pub max_sockets_per_address: usize,
    /// Serve a workshop: many users share the cluster, so node faults are refused, except in the
    /// instructor's demos and in rooms that allow them; the instructor creates rooms that
    /// learners join (docs/workshop.md). Prints the instructor's link.
    #[arg(long, env = "WARREN_WORKSHOP", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1, default_missing_value = "true")]
    pub workshop: bool,
    /// The workshop's folder: its database (rooms.sqlite3: rooms, seats, attempts) and the
    /// instructor's token. Default: `workshop` in Warren's data folder.
    #[arg(long, env = "WARREN_WORKSHOP_DIR", value_name = "DIR")]
    pub workshop_dir: Option<PathBuf>,
    /// The instructor's token (at least 16 characters). Without it, Warren makes one on the first
    /// --workshop start and keeps it in the workshop's folder.
    #[arg(long, env = "WARREN_INSTRUCTOR_TOKEN", hide_env_values = true, value_name = "TOKEN")]
    pub instructor_token: Option<String>,
    /// Runs a learner in a workshop room may start in a minute.
    #[arg(long, env = "WARREN_RUNS_PER_MINUTE", default_value_t = DEFAULT_RUNS_PER_MINUTE, value_parser = at_least_one())]
    pub runs_per_minute: usize,
    /// The broker.
    #[command(flatten)]
    pub broker: BrokerArgs,
}

/// `warren run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (JSON).
    pub file: PathBuf,
    /// The broker.
    #[command(flatten)]
    pub broker: BrokerArgs,
}

/// `warren broker ...`.
#[derive(Debug, Subcommand)]
pub enum BrokerAction {
    /// Start the managed broker (or find it running).
    Up {
        /// Nodes of the cluster.
        #[arg(long, env = "WARREN_NODES", default_value_t = DEFAULT_NODES, value_parser = node_count())]
        nodes: u16,
    },
    /// Stop the managed broker.
    Down,
    /// Show whether the managed broker runs, and where.
    Status,
}

/// The page built by `cargo xtask build-frontend`, next to this crate in the workspace.
pub fn default_static_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist")
}

/// Execute a parsed command line.
pub async fn main(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Run(args) => run_file(args).await,
        Command::Check(args) => check::check_file(args).await,
        Command::Broker { action } => broker(action).await,
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("warren: {message}");
    ExitCode::FAILURE
}

/// The broker; with `sweep`, first delete the run vhosts dead relays and processes left (a
/// serving relay sweeps by itself, at once and then now and then).
async fn connect(args: &BrokerArgs, sweep: bool) -> Result<Broker, ExitCode> {
    let broker = Broker::resolve_with_nodes(&args.config(), args.nodes)
        .await
        .map_err(fail)?;
    if sweep {
        match broker.remove_leftover_vhosts().await {
            Ok(0) => {}
            Ok(n) => tracing::info!("removed {n} run vhosts left behind earlier"),
            Err(error) => tracing::warn!(%error, "could not look for run vhosts left behind earlier"),
        }
    }
    Ok(broker)
}

async fn serve(args: ServeArgs) -> ExitCode {
    // The workshop's folder first: a broken database stops the relay before anything starts.
    let workshop = if args.workshop {
        let dir = args.workshop_dir.clone().unwrap_or_else(room::default_dir);
        match room::open(&dir, args.instructor_token.as_deref()) {
            Ok(opened) => Some(opened),
            Err(error) => return fail(error),
        }
    } else {
        None
    };
    let broker = match connect(&args.broker, false).await {
        Ok(broker) => broker,
        Err(code) => return code,
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            return fail(format!(
                "could not listen on {}: {error}; choose another address with --listen",
                args.listen
            ));
        }
    };
    let config = ServerConfig {
        max_concurrent_runs: args.max_runs,
        max_waiting: args.max_waiting,
        vhost_pool: args.vhost_pool.unwrap_or(args.max_runs),
        allowed_origins: args.allow_origins,
        sockets: SocketLimits {
            max_per_address: args.max_sockets_per_address,
            ..SocketLimits::default()
        },
        runs_per_minute: args.runs_per_minute,
        ..ServerConfig::new(
            args.broker.limits(args.workshop),
            args.static_dir.unwrap_or_else(default_static_dir),
        )
    };
    let version = broker.version().await;
    let address = listener.local_addr().unwrap_or(args.listen);
    println!(
        "Warren is serving http://{address} (RabbitMQ {version}{}); press Ctrl-C to stop",
        if broker.managed { ", managed by Warren" } else { "" }
    );
    if let Some(opened) = &workshop {
        print!("{}", workshop_banner(address, opened));
    }
    match server::serve(
        listener,
        AppState::start_with(broker, config, workshop).await,
        server::shutdown_signal(),
    )
    .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(format!("the server stopped: {error}")),
    }
}

/// What `warren serve --workshop` tells the instructor: where the rooms are kept, her link (the
/// token rides in the fragment, which browsers never send to a server), and how learners on
/// other machines reach the relay.
pub fn workshop_banner(address: SocketAddr, opened: &room::Opened) -> String {
    let mut text = String::new();
    let kept = match &opened.token_origin {
        room::token::Origin::Given => "given with --instructor-token".to_owned(),
        room::token::Origin::Kept(path) => format!("kept in {}", path.display()),
        room::token::Origin::Made(path) => format!("made now and kept in {}", path.display()),
    };
    let local = if address.ip().is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), address.port())
    } else {
        address
    };
    text.push_str(&format!(
        "Workshop: rooms, seats and attempts are kept in {}\n",
        opened.store.path().display()
    ));
    text.push_str(&format!(
        "Instructor (keep this link to yourself; the token is {kept}):\n  http://{local}/#instructor={}\n",
        opened.token
    ));
    if address.ip().is_loopback() {
        text.push_str(&format!(
            "Learners on other machines cannot reach {}: for a room on the LAN, start with --listen 0.0.0.0:{} \
             and give them this machine's address\n",
            address.ip(),
            address.port()
        ));
    } else {
        text.push_str("Learners join with the link each room shows (its code on this relay's address)\n");
    }
    text
}

async fn run_file(args: RunArgs) -> ExitCode {
    match read_scenario(&args.file, &args.broker.limits(false)) {
        Ok(scenario) => execute(scenario, &args.broker).await,
        Err(code) => code,
    }
}

/// Read and validate a scenario file. Its problems are printed, and the exit code returned: 2
/// for a file that is not a valid scenario, 1 for one that cannot be read.
fn read_scenario(file: &std::path::Path, limits: &Limits) -> Result<warren_shared::Scenario, ExitCode> {
    let text =
        std::fs::read_to_string(file).map_err(|error| fail(format!("could not read {}: {error}", file.display())))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|error| {
        eprintln!(
            "warren: {} is not a valid scenario: it is not valid JSON: {error}",
            file.display()
        );
        ExitCode::from(2)
    })?;
    let problems = match parse_scenario(&value) {
        Ok(scenario) => match validate(&scenario, limits) {
            problems if problems.is_empty() => return Ok(scenario),
            problems => problems,
        },
        Err(problems) => problems,
    };
    Err(invalid(file, "scenario", &problems))
}

/// Report a file's problems; the exit code of an invalid file.
fn invalid(file: &std::path::Path, what: &str, problems: &[warren_shared::Problem]) -> ExitCode {
    eprintln!("warren: {} is not a valid {what}:", file.display());
    for problem in problems {
        eprintln!("  - {problem}");
    }
    ExitCode::from(2)
}

async fn execute(scenario: warren_shared::Scenario, broker_args: &BrokerArgs) -> ExitCode {
    let (tx, mut rx) = mpsc::channel(EVENT_BUFFER);
    let printer = tokio::task::spawn_blocking(move || {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        while let Some(event) = rx.blocking_recv() {
            if serde_json::to_writer(&mut out, &event).is_err() || out.write_all(b"\n").is_err() {
                break;
            }
            if rx.is_empty() {
                let _ = out.flush();
            }
        }
        let _ = out.flush();
    });
    let result = run_on_broker(&scenario, broker_args, tx).await;
    let _ = printer.await;
    match result {
        Ok(summary) => {
            println!("{}", summary_line(&summary));
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// Events buffered between a headless run and what reads them.
const EVENT_BUFFER: usize = 4096;

/// Run a validated scenario on the broker `broker_args` names, as `warren run` and `warren check`
/// do: every event to `events`, Ctrl-C stops the run; its summary, or the exit code of a failure
/// already reported.
async fn run_on_broker(
    scenario: &warren_shared::Scenario,
    broker_args: &BrokerArgs,
    events: mpsc::Sender<warren_shared::Event>,
) -> Result<Summary, ExitCode> {
    let broker = connect(broker_args, true).await?;
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    tokio::spawn(async move {
        server::shutdown_signal().await;
        stop.cancel();
    });
    // A lease, as a serving relay holds, lets any relay's sweep delete the run's vhost as soon as
    // this process is gone (killed, say); without one, a sweep waits until the vhost is a
    // minute old and unused.
    let relay = RelayId::new();
    let lease = Lease::take(&broker.endpoints, &relay).await.ok();
    let run_id = vhost::new_run_id();
    let result = run::execute_as(
        scenario,
        &broker,
        &run_id,
        lease.as_ref().map(Lease::relay),
        events,
        cancel,
    )
    .await;
    if let Some(lease) = lease {
        lease.release().await;
    }
    result.map_err(fail)
}

/// The last line of `warren run`: the summary as one JSON object that starts with
/// `"type": "summary"`, its fields in the summary's own order.
pub fn summary_line(summary: &Summary) -> String {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        r#type: &'static str,
        #[serde(flatten)]
        summary: &'a Summary,
    }
    serde_json::to_string(&Line {
        r#type: "summary",
        summary,
    })
    .unwrap_or_else(|error| format!(r#"{{"type":"summary","error":"could not encode the summary: {error}"}}"#))
}

async fn broker(action: BrokerAction) -> ExitCode {
    let managed = ManagedBroker::new(ManagedBroker::default_data_dir());
    match action {
        BrokerAction::Up { nodes } => match ManagedBroker::with_nodes(managed.data_dir().to_path_buf(), nodes)
            .ensure_running()
            .await
        {
            Ok(endpoints) => {
                println!(
                    "RabbitMQ managed by Warren is running ({nodes} node{})",
                    if nodes == 1 { "" } else { "s" }
                );
                println!("  AMQP:       {}", redact(&endpoints.amqp_url));
                println!("  management: {}", redact(&endpoints.management_url));
                for node in &endpoints.nodes {
                    println!(
                        "  {}: {}  {}",
                        node.name,
                        redact(&node.amqp_url),
                        redact(&node.management_url)
                    );
                }
                ExitCode::SUCCESS
            }
            Err(error) => fail(error),
        },
        BrokerAction::Down => match managed.stop().await {
            Ok(()) => {
                println!("RabbitMQ managed by Warren is stopped");
                ExitCode::SUCCESS
            }
            Err(error) => fail(error),
        },
        BrokerAction::Status => match managed.status().await {
            Ok(status) => {
                println!("{status}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(error),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_args(args: &[&str]) -> Result<ServeArgs, clap::Error> {
        let cli = Cli::try_parse_from(["warren", "serve"].iter().chain(args))?;
        match cli.command {
            Command::Serve(args) => Ok(args),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn allowed_origins_repeat_split_on_commas_and_are_normalised() {
        let args = serve_args(&[
            "--allow-origin",
            "https://A.example/",
            "--allow-origin",
            "http://b.example:8080,https://c.example:443",
        ])
        .expect("parses");
        assert_eq!(
            args.allow_origins,
            ["https://a.example", "http://b.example:8080", "https://c.example"]
        );
        assert_eq!(args.max_sockets_per_address, DEFAULT_SOCKETS_PER_ADDRESS);
    }

    #[test]
    fn a_path_is_not_an_origin_and_the_socket_cap_is_at_least_one() {
        let error = serve_args(&["--allow-origin", "https://a.example/app"]).expect_err("refused");
        assert!(error.to_string().contains("not an origin"), "{error}");
        assert!(serve_args(&["--max-sockets-per-address", "0"]).is_err());
        let args = serve_args(&["--max-sockets-per-address", "4"]).expect("parses");
        assert_eq!(args.max_sockets_per_address, 4);
    }
}
