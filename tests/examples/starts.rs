//! How long a run waits for its first broker event when many start together: `--runs` sockets
//! (60 by default) each send `run` at the same moment to a release relay on the real broker,
//! and the time from sending `run` to the first event (`run_started`) is measured for each.
//! It runs twice in one invocation, without a vhost pool and with one (`--pool`; by default as
//! many as runs, as the relay's default is as many as its run limit), and prints p50, p99 and
//! the slowest of each; each run is stopped once it has started. Run with `cargo run --release -p warren-tests --example starts -- --runs 60`.

use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;
use warren_shared::ServerMessage;
use warren_tests::{Relay, example};

/// How long the pool may take to fill before the measurement starts anyway.
const FILL_LIMIT: Duration = Duration::from_secs(60);

struct Args {
    runs: usize,
    pool: Option<usize>,
    scenario: String,
}

fn args() -> Args {
    let mut args = Args {
        runs: 60,
        pool: None,
        scenario: "priority.json".to_owned(),
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let value = words.next().unwrap_or_else(|| panic!("{word} needs a value"));
        match word.as_str() {
            "--runs" => args.runs = value.parse().expect("--runs takes a number"),
            "--pool" => args.pool = Some(value.parse().expect("--pool takes a number")),
            "--scenario" => args.scenario = value,
            other => panic!("unknown option {other}; options: --runs N, --pool N, --scenario FILE.json (in examples/)"),
        }
    }
    args
}

/// Milliseconds at quantile `q` of sorted samples (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// One round: a relay with `pool` ready vhosts, `runs` runs started together. Returns the
/// sorted times to the first event, in milliseconds.
async fn round(args: &Args, pool: usize) -> Vec<f64> {
    let relay = Relay::start_configured(|config| {
        config.max_concurrent_runs = args.runs;
        config.vhost_pool = pool;
        config.sockets.max_per_address = args.runs + 1;
    })
    .await;
    let filling = Instant::now();
    while relay.state.pool.ready_count() < pool && filling.elapsed() < FILL_LIMIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let scenario = Arc::new(example(&args.scenario));
    let barrier = Arc::new(Barrier::new(args.runs));
    let mut clients = Vec::new();
    for _ in 0..args.runs {
        let (mut client, _) = relay.connect().await;
        let scenario = Arc::clone(&scenario);
        let barrier = Arc::clone(&barrier);
        clients.push(tokio::spawn(async move {
            barrier.wait().await;
            let sent = Instant::now();
            client.run(&scenario).await;
            let first = loop {
                match client.recv().await {
                    ServerMessage::Events { events, .. } if !events.is_empty() => break sent.elapsed(),
                    ServerMessage::Error { message } => panic!("the run did not start: {message}"),
                    _ => {}
                }
            };
            client.send_text(r#"{"type":"stop"}"#).await;
            loop {
                if let ServerMessage::Finished { .. } = client.recv().await {
                    break;
                }
            }
            first.as_secs_f64() * 1000.0
        }));
    }
    let mut times = Vec::new();
    for client in clients {
        times.push(client.await.expect("a client task"));
    }
    relay.stop().await;
    times.sort_by(f64::total_cmp);
    times
}

fn report(label: &str, times: &[f64]) {
    println!(
        "{label:<22} p50 {:>7.1} ms   p99 {:>7.1} ms   slowest {:>7.1} ms   ({} runs)",
        quantile(times, 0.50),
        quantile(times, 0.99),
        times.last().copied().unwrap_or_default(),
        times.len()
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args = args();
    println!(
        "run -> first broker event, {} runs of {} sent together:",
        args.runs, args.scenario
    );
    let without = round(&args, 0).await;
    report("without a pool", &without);
    let pool = args.pool.unwrap_or(args.runs);
    let with = round(&args, pool).await;
    report(&format!("with a pool of {pool}"), &with);
}
