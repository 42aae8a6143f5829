//! The relay over many runs, for `cargo xtask soak`: 1 000 small runs (`--runs N`) against the
//! built relay in its own process, in rounds of [`SEQUENCE`] runs one after another and then a
//! burst of [`BURST`] at once; every tenth run is abandoned mid-run (its socket dropped after the
//! first publish), and half-way the relay is killed with SIGKILL during a burst and started
//! again. At the end the relay is stopped and the run vhosts it left on the broker are counted:
//! those named after the relay (its [`RelayId`], read from the vhosts its runs were given).
//! It prints runs completed, vhosts left and the relay's memory at start, peak and end. It
//! measures and prints; it fails only when it cannot measure.
//!
//! Usage: `soak --relay PATH [--runs N] [-- RELAY_ARGS]`.

use std::collections::HashSet;
use std::time::{Duration, Instant};
use warren_relay::vhost::{self, RelayId};
use warren_tests::load::{
    Abandon, CommandLine, Peaks, RelayProcess, Sampler, Timing, Usage, count_arg, log_path, mb, or_exit, run_session,
};

/// Runs one after another at the start of each round.
const SEQUENCE: usize = 5;
/// Runs at once at the end of each round.
const BURST: usize = 20;
/// One run in this many is abandoned.
const ABANDON_EVERY: usize = 10;
/// How long after a burst starts the relay is killed.
const KILL_AFTER: Duration = Duration::from_millis(400);
/// How long the relay is left alone before its memory is read (at start, after the first round
/// and after the runs): longer than the allocator's decay and the management client's idle
/// connections (10 s each), so what is read is what the relay keeps.
const SETTLE: Duration = Duration::from_secs(15);

/// Few messages, quickly: a run takes about a second.
fn scenario() -> serde_json::Value {
    serde_json::json!({
        "version": 1,
        "name": "soak",
        "settings": {"max_duration_ms": 30_000, "settle_ms": 200, "snapshot_interval_ms": 500},
        "queues": [{"name": "soak-queue"}],
        "publishers": [{
            "name": "producer", "exchange": "", "routing_key": "soak-queue", "count": 5,
            "rate_per_sec": 20.0, "confirm": {"mode": "stream", "window": 5}
        }],
        "consumers": [{"name": "consumer", "queue": "soak-queue", "stop_after": 5}]
    })
}

struct Args {
    common: CommandLine,
    runs: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut runs = 1000;
    let common = CommandLine::read(|option, args| {
        match option {
            "--runs" => runs = count_arg(option, args)?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(Args { common, runs })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = or_exit("soak", 2, parse_args());
    or_exit("soak", 1, soak(&args).await);
}

/// One relay process and what was seen of it.
struct Watched {
    relay: RelayProcess,
    sampler: Sampler,
    start: Usage,
    /// The relay ids its runs' vhosts carry (one, unless it held no lease: then none).
    makers: HashSet<RelayId>,
}

impl Watched {
    async fn start(args: &Args, relay_args: &[String]) -> Result<Self, String> {
        let relay = RelayProcess::start(&args.common.relay, relay_args, &log_path("soak-relay.log")).await?;
        let sampler = Sampler::start(relay.pid);
        tokio::time::sleep(SETTLE).await;
        let start = sampler.now();
        Ok(Self {
            relay,
            sampler,
            start,
            makers: HashSet::new(),
        })
    }

    /// Note the relay id of the vhost a run of this relay was given.
    fn saw(&mut self, timing: &Timing) {
        if let Some(relay) = timing.vhost.as_deref().and_then(vhost::parse).and_then(|v| v.relay) {
            self.makers.insert(relay);
        }
    }
}

/// The relay that was killed half-way, and what was seen of it.
struct Killed {
    pid: u32,
    start: Usage,
    peaks: Peaks,
    makers: HashSet<RelayId>,
}

/// What happened to the runs.
#[derive(Default)]
struct Tally {
    completed: usize,
    abandoned: usize,
    killed: usize,
    other: Vec<String>,
}

impl Tally {
    fn add(&mut self, abandon: Abandon, during_kill: bool, timing: &Timing) {
        if abandon == Abandon::AfterFirstPublish && timing.problem.is_none() {
            self.abandoned += 1;
        } else if timing.completed() {
            self.completed += 1;
        } else if during_kill {
            self.killed += 1;
        } else {
            let why = timing
                .problem
                .clone()
                .or_else(|| timing.outcome.map(|o| format!("ended {o:?}")))
                .unwrap_or_else(|| "unknown".to_owned());
            self.other.push(why);
        }
    }
}

async fn soak(args: &Args) -> Result<(), String> {
    let scenario = scenario();
    let mut relay_args = vec![
        "--max-runs".to_owned(),
        (BURST + 1).to_string(),
        "--max-sockets-per-address".to_owned(),
        (BURST + 1).to_string(),
    ];
    relay_args.extend(args.common.relay_args.iter().cloned());
    let began = Instant::now();
    let mut current = Watched::start(args, &relay_args).await?;
    let first_pid = current.relay.pid;
    let first_start = current.start;
    let mut first: Option<Killed> = None;
    let mut warm: Option<Usage> = None;
    let mut tally = Tally::default();
    let mut next = 0;
    let abandon_of = |index: usize| {
        if index % ABANDON_EVERY == ABANDON_EVERY - 1 {
            Abandon::AfterFirstPublish
        } else {
            Abandon::Never
        }
    };
    while next < args.runs {
        let url = current.relay.ws_url();
        for _ in 0..SEQUENCE.min(args.runs - next) {
            let abandon = abandon_of(next);
            let timing = run_session(&url, &scenario, abandon).await;
            tally.add(abandon, false, &timing);
            current.saw(&timing);
            next += 1;
        }
        let burst: Vec<_> = (next..(next + BURST).min(args.runs))
            .map(|index| {
                let (url, scenario, abandon) = (url.clone(), scenario.clone(), abandon_of(index));
                (
                    abandon,
                    tokio::spawn(async move { run_session(&url, &scenario, abandon).await }),
                )
            })
            .collect();
        next += burst.len();
        let kill = first.is_none() && next >= args.runs / 2 && !burst.is_empty();
        let mut killed_peaks = None;
        if kill {
            tokio::time::sleep(KILL_AFTER).await;
            killed_peaks = Some(current.sampler.peaks());
            let pid = current.relay.pid;
            current.relay.kill().await;
            eprintln!("soak: killed the relay (pid {pid}) with SIGKILL during a burst, after {next} runs were started");
        }
        for (abandon, session) in burst {
            let timing = session.await.unwrap_or_else(|error| Timing {
                problem: Some(format!("the session panicked: {error}")),
                ..Timing::default()
            });
            tally.add(abandon, kill, &timing);
            current.saw(&timing);
        }
        if let Some(peaks) = killed_peaks {
            let killed = std::mem::replace(&mut current, Watched::start(args, &relay_args).await?);
            first = Some(Killed {
                pid: killed.relay.pid,
                start: killed.start,
                peaks,
                makers: killed.makers,
            });
            eprintln!("soak: started the relay again (pid {})", current.relay.pid);
        } else if warm.is_none() {
            tokio::time::sleep(SETTLE).await;
            warm = Some(current.sampler.now());
        }
        if next % 100 < SEQUENCE + BURST {
            eprintln!(
                "soak: {next} of {} runs started, {:.0} s, relay RSS {:.1} MB",
                args.runs,
                began.elapsed().as_secs_f64(),
                mb(current.sampler.now().rss_kib)
            );
        }
    }
    tokio::time::sleep(SETTLE).await;
    let end = current.sampler.now();
    let peaks = current.sampler.peaks();
    let last_pid = current.relay.pid;
    let last_start = current.start;
    let last_makers = current.makers;
    drop(current.sampler);
    let stopped = current.relay.stop(Duration::from_secs(60)).await;

    let broker = warren_tests::broker().await;
    let vhosts = warren_tests::run_vhosts(&broker).await;
    // A relay's vhosts carry its relay id; one whose runs named no relay id (it held no lease,
    // or no run started) cannot be told apart.
    let ours = |makers: &HashSet<RelayId>| {
        if makers.is_empty() {
            return "? (no run's vhost named its relay id)".to_owned();
        }
        let left = vhosts
            .iter()
            .filter(|name| {
                vhost::parse(name)
                    .and_then(|v| v.relay)
                    .is_some_and(|relay| makers.contains(&relay))
            })
            .count();
        left.to_string()
    };

    println!(
        "soak: {} small runs in rounds of {SEQUENCE} in sequence and {BURST} at once, {:.0} s",
        args.runs,
        began.elapsed().as_secs_f64()
    );
    println!(
        "runs completed             {} of {} ({} abandoned on purpose, {} cut by the SIGKILL, {} otherwise)",
        tally.completed,
        args.runs,
        tally.abandoned,
        tally.killed,
        tally.other.len()
    );
    for why in tally.other.iter().take(10) {
        println!("  not completed: {why}");
    }
    match first {
        Some(Killed {
            pid,
            start,
            peaks,
            makers,
        }) => {
            println!(
                "vhosts left                {} by the relay that was killed (pid {pid}), {} by the restarted one (pid {last_pid}); {} run vhosts on the broker in all",
                ours(&makers),
                ours(&last_makers),
                vhosts.len()
            );
            println!(
                "relay memory (killed)      start {:.1} MB   after the first round {}   peak {:.1} MB   threads at peak {}",
                mb(start.rss_kib),
                warm.map_or("-".to_owned(), |w| format!("{:.1} MB", mb(w.rss_kib))),
                mb(peaks.rss_kib),
                peaks.threads
            );
        }
        None => println!(
            "vhosts left                {} (pid {last_pid}); {} run vhosts on the broker in all",
            ours(&last_makers),
            vhosts.len()
        ),
    }
    println!(
        "relay memory (last)        start {:.1} MB   peak {:.1} MB   end {:.1} MB, {} s after the last run ({:+.1}% of its start, {:+.1}% of the first relay's start{})   threads at peak {}, at end {}",
        mb(last_start.rss_kib),
        mb(peaks.rss_kib),
        mb(end.rss_kib),
        SETTLE.as_secs(),
        percent(end.rss_kib, last_start.rss_kib),
        percent(end.rss_kib, first_start.rss_kib),
        warm.map_or(String::new(), |w| format!(
            ", {:+.1}% of its memory after the first round",
            percent(end.rss_kib, w.rss_kib)
        )),
        peaks.threads,
        end.threads
    );
    println!(
        "  of which heap (RssAnon)  start {:.1} MB   end {:.1} MB ({:+.1}%){}; the rest is the binary's code and libraries (RssFile {:.1} → {:.1} MB)",
        mb(last_start.anon_kib),
        mb(end.anon_kib),
        percent(end.anon_kib, last_start.anon_kib),
        warm.map_or(String::new(), |w| format!(
            ", after the first round {:.1} MB",
            mb(w.anon_kib)
        )),
        mb(last_start.file_kib),
        mb(end.file_kib)
    );
    if first_pid == last_pid {
        println!("note: the relay was not killed (too few runs for a burst after the half-way mark)");
    }
    if let Err(error) = stopped {
        println!("note: {error}");
    }
    Ok(())
}

fn percent(now: u64, base: u64) -> f64 {
    if base == 0 {
        0.0
    } else {
        (now as f64 - base as f64) * 100.0 / base as f64
    }
}
