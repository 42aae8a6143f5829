//! The relay under load, for `cargo xtask load`: the built relay in its own process, one lone
//! run first, then N WebSocket sessions (60 unless `--sessions N`) that each run the same
//! scenario (`examples/priority.json` unless `--scenario FILE`) at once. It prints the runs
//! completed, per-run times against the lone run, the time to the first broker event, the relay's
//! resident memory (idle, peak, after the runs), its threads and its CPU time. It measures and
//! prints; it fails only when it cannot measure.
//!
//! Usage: `load --relay PATH [--sessions N] [--scenario FILE] [--settle SECS] [-- RELAY_ARGS]`:
//! the memory is read again `--settle` seconds after the runs end (15: past the allocator's decay
//! and the management API's idle connections, 10 s each), and the arguments after `--` go to
//! `warren serve`. Another broker than the managed cluster is named with `WARREN_AMQP_URL` and
//! `WARREN_MANAGEMENT_URL`, which the relay and this program both read.

use std::path::PathBuf;
use std::time::{Duration, Instant};
use warren_tests::load::{
    Abandon, CommandLine, Timing, count_arg, log_path, mb, millis, or_exit, p50_p99, problems, quantile, run_session,
    seconds_arg, secs, start_idle,
};

/// How long after the last run ends the memory is read again, unless `--settle SECS`.
const SETTLE: Duration = Duration::from_secs(15);

struct Args {
    common: CommandLine,
    sessions: usize,
    scenario: PathBuf,
    settle: Duration,
}

fn parse_args() -> Result<Args, String> {
    let mut sessions = 60;
    let mut scenario = warren_tests::example_path("priority.json");
    let mut settle = SETTLE;
    let common = CommandLine::read(|option, args| {
        match option {
            "--sessions" => sessions = count_arg(option, args)?,
            "--scenario" => scenario = args.next().map(PathBuf::from).ok_or("--scenario takes a file")?,
            "--settle" => settle = seconds_arg(option, args)?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(Args {
        common,
        sessions,
        scenario,
        settle,
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = or_exit("load", 2, parse_args());
    or_exit("load", 1, measure(&args).await);
}

async fn measure(args: &Args) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.scenario)
        .map_err(|e| format!("could not read {}: {e}", args.scenario.display()))?;
    let scenario: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", args.scenario.display()))?;
    let n = args.sessions;
    let mut relay_args = vec![
        "--max-runs".to_owned(),
        n.to_string(),
        "--max-sockets-per-address".to_owned(),
        (n + 1).to_string(),
    ];
    relay_args.extend(args.common.relay_args.iter().cloned());
    let log = log_path("load-relay.log");
    let (relay, sampler, idle) = start_idle(&args.common.relay, &relay_args, &log).await?;
    let url = relay.ws_url();

    let lone = run_session(&url, &scenario, Abandon::Never).await;
    let lone_total = lone.total.ok_or_else(|| {
        format!(
            "the lone run did not finish: {}",
            lone.problem.clone().unwrap_or_default()
        )
    })?;

    sampler.wait_idle().await;
    let before = sampler.now();
    sampler.reset();
    let started = Instant::now();
    let sessions: Vec<_> = (0..n)
        .map(|_| {
            let (url, scenario) = (url.clone(), scenario.clone());
            tokio::spawn(async move { run_session(&url, &scenario, Abandon::Never).await })
        })
        .collect();
    let mut timings = Vec::with_capacity(n);
    for session in sessions {
        timings.push(session.await.unwrap_or_else(|error| Timing {
            problem: Some(format!("the session panicked: {error}")),
            ..Timing::default()
        }));
    }
    let wall = started.elapsed();
    let ended = sampler.now();
    let peaks = sampler.peaks();
    tokio::time::sleep(args.settle).await;
    let settled = sampler.now();
    drop(sampler);
    let stopped = relay.stop(Duration::from_secs(30)).await;

    println!(
        "load: {n} sessions each running {} at once (relay log: {})",
        args.scenario.display(),
        log.display()
    );
    let completed = timings.iter().filter(|t| t.completed()).count();
    println!("runs completed             {completed} / {n}");
    for (problem, count) in problems(&timings) {
        println!("  {count} × {problem}");
    }
    println!(
        "lone run                   {}, first broker event after {}",
        secs(lone_total),
        millis(lone.first_broker_event)
    );
    let totals: Vec<Duration> = timings.iter().filter_map(|t| t.total).collect();
    let firsts: Vec<Duration> = timings.iter().filter_map(|t| t.first_broker_event).collect();
    let ratio = |d: Option<Duration>| d.map_or(0.0, |d| d.as_secs_f64() / lone_total.as_secs_f64());
    let (p50, p99) = (quantile(&totals, 0.5), quantile(&totals, 0.99));
    println!(
        "per-run time               p50 {} ({:.1}× the lone run)   p99 {} ({:.1}×)",
        p50.map_or("-".to_owned(), secs),
        ratio(p50),
        p99.map_or("-".to_owned(), secs),
        ratio(p99)
    );
    println!(
        "run → first broker event   {}   (`run` sent → first `declared`)",
        p50_p99(&firsts)
    );
    println!(
        "relay RSS                  idle {:.1} MB   peak {:.1} MB   when the runs ended {:.1} MB   {} s later {:.1} MB   (VmHWM {:.1} MB)",
        mb(idle.rss_kib),
        mb(peaks.rss_kib),
        mb(ended.rss_kib),
        args.settle.as_secs(),
        mb(settled.rss_kib),
        mb(settled.hwm_kib)
    );
    println!(
        "  of which heap (RssAnon)  idle {:.1} MB   {} s after the runs {:.1} MB; the rest is the binary's code and libraries (RssFile {:.1} → {:.1} MB)",
        mb(idle.anon_kib),
        args.settle.as_secs(),
        mb(settled.anon_kib),
        mb(idle.file_kib),
        mb(settled.file_kib)
    );
    println!(
        "per run at the peak        {:.2} MB ((peak − idle) / {n})",
        mb(peaks.rss_kib.saturating_sub(idle.rss_kib)) / n as f64
    );
    println!(
        "relay threads              idle {}   peak {}   after {}",
        idle.threads, peaks.threads, settled.threads
    );
    println!(
        "relay CPU time             {:.2} s for the {n} runs (wall {:.1} s), {:.2} s in all",
        (ended.cpu_ms.saturating_sub(before.cpu_ms)) as f64 / 1000.0,
        wall.as_secs_f64(),
        settled.cpu_ms as f64 / 1000.0
    );
    if let Err(error) = stopped {
        println!("note: {error}");
    }
    Ok(())
}
