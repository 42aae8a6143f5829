//! A workshop room under load, for `cargo xtask load --room`: the built relay serving a workshop
//! in its own process, a room of one course exercise, a lone learner who runs it three times (the
//! median is the lone run), then N learners (60 unless `--learners N`) in the room who press
//! Check within two seconds while the instructor watches the grid. It prints the runs recorded, the relay's verdicts against what
//! each scenario should get, run times against the lone run, how long the instructor's grid took
//! to show each attempt, the relay's memory, threads and CPU time, and each of the workshop's
//! goals with PASS or MISS. It measures and prints; it fails only when it cannot measure.
//!
//! Usage: `room_load --relay PATH [--learners N] [--exercise ID] [-- RELAY_ARGS]`: the exercise
//! is one of the course's that stop no node (`confirms` unless `--exercise ID`); the arguments
//! after `--` go to `warren serve`. Another broker than the managed cluster is named with
//! `WARREN_AMQP_URL` and `WARREN_MANAGEMENT_URL`, which the relay reads.

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use warren_tests::load::room::{GridWatch, Press, press_check};
use warren_tests::load::{
    CommandLine, RelayProcess, Sampler, Timing, Usage, count_arg, log_path, mb, millis, or_exit, p50_p99, problems,
    quantile, secs, start_idle, tally,
};
use warren_tests::workshop::{Api, Learner, TOKEN, course_exercise, fresh_dir};

/// The exercise unless `--exercise ID`: short, and it stops no node.
const EXERCISE: &str = "confirms";
/// The window in which every learner presses Check.
const SPREAD: Duration = Duration::from_secs(2);
/// Every this many learners, one sends the exercise's start (which fails its checks) rather than
/// its solution, so that the grid shows failures as well as passes.
const START_EVERY: usize = 4;
/// Runs of the lone learner, one after the other; their median is the lone run.
const LONE_RUNS: usize = 3;
/// Runs a learner may start in a minute: each runs once here (the lone learner three times), so
/// the gate never refuses.
const RUNS_PER_MINUTE: usize = 60;
/// How long the grid may take to show every learner, or every attempt, before the figure is
/// given up as missing.
const GRID_WAIT: Duration = Duration::from_secs(30);

/// The goal for a room of 60: the slowest run (p99) at most this many times the lone run.
const RUN_TIME_GOAL: f64 = 3.0;
/// The goal: the grid shows an attempt (p99) within this of the learner's `finished`.
const GRID_LAG_GOAL: Duration = Duration::from_secs(1);
/// The goal: the relay's resident memory stays under this, in MB.
const RSS_GOAL_MB: f64 = 300.0;

struct Args {
    common: CommandLine,
    learners: usize,
    exercise: String,
}

fn parse_args() -> Result<Args, String> {
    let mut learners = 60;
    let mut exercise = EXERCISE.to_owned();
    let common = CommandLine::read(|option, args| {
        match option {
            "--learners" => learners = count_arg(option, args)?,
            "--exercise" => exercise = args.next().ok_or("--exercise takes a course exercise's id")?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(Args {
        common,
        learners,
        exercise,
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = or_exit("room_load", 2, parse_args());
    or_exit("room_load", 1, measure(&args).await);
}

fn verdict(ok: bool) -> &'static str {
    if ok { "PASS" } else { "MISS" }
}

async fn measure(args: &Args) -> Result<(), String> {
    let (start, solution) = course_exercise(&args.exercise)
        .ok_or_else(|| format!("the course has no exercise `{}` (see GET /api/course)", args.exercise))?;
    let n = args.learners;
    let dir = fresh_dir("room-load");
    let mut relay_args = vec![
        "--workshop".to_owned(),
        "--workshop-dir".to_owned(),
        dir.display().to_string(),
        "--instructor-token".to_owned(),
        TOKEN.to_owned(),
        "--runs-per-minute".to_owned(),
        RUNS_PER_MINUTE.to_string(),
        "--max-runs".to_owned(),
        n.to_string(),
        // The learners, the lone learner and the instructor, all from this address.
        "--max-sockets-per-address".to_owned(),
        (n + 8).to_string(),
    ];
    relay_args.extend(args.common.relay_args.iter().cloned());
    let log = log_path("room-load-relay.log");
    let (relay, sampler, idle) = start_idle(&args.common.relay, &relay_args, &log).await?;
    let result = measure_room(args, &relay, &sampler, idle, &start, &solution).await;
    drop(sampler);
    let stopped = relay.stop(Duration::from_secs(30)).await;
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "relay log                  {}{}",
        log.display(),
        stopped.err().map(|e| format!(" (note: {e})")).unwrap_or_default()
    );
    result
}

/// The room, the lone learner and the learners on `relay`, idle at `idle`; prints the figures.
async fn measure_room(
    args: &Args,
    relay: &RelayProcess,
    sampler: &Sampler,
    idle: Usage,
    start: &Value,
    solution: &Value,
) -> Result<(), String> {
    let n = args.learners;
    let url = relay.ws_url();

    let room = Api::at(format!("http://{}", relay.addr))
        .try_create("Load", &[args.exercise.as_str()], json!({}))
        .await?;
    if room.exercises.iter().any(|e| !e.learners_may_run) {
        return Err(format!(
            "`{}` stops nodes, which the room keeps for the instructor's demos; choose another with --exercise",
            args.exercise
        ));
    }
    let grids = GridWatch::start(&url, &room.code, &args.exercise).await?;

    // The lone learner runs the solution a few times, the relay idle before each; the median is
    // the run the others are compared with.
    let mut lone = Learner::join_at(&url, &room.code, "lone learner").await?;
    let mut lone_totals = Vec::with_capacity(LONE_RUNS);
    for attempt in 1..=LONE_RUNS {
        sampler.wait_idle().await;
        let press = press_check(&mut lone, solution, true).await;
        let total = press.timing.total.ok_or_else(|| {
            format!(
                "the lone run did not finish: {}",
                press.timing.problem.clone().unwrap_or_default()
            )
        })?;
        grids
            .wait_for_attempts(
                std::slice::from_ref(&press.name),
                u64::try_from(attempt).unwrap_or(u64::MAX),
                GRID_WAIT,
            )
            .await;
        println!(
            "lone run {attempt}/{LONE_RUNS}               {} run → finished (the solution, one learner alone in the room; its end {}); recorded after {}, on the grid after {}",
            secs(total),
            millis(press.timing.run_end()),
            millis(press.recording()),
            millis(press.grid_lag(&grids))
        );
        lone_totals.push(total);
    }
    let lone_total = quantile(&lone_totals, 0.5).ok_or("no lone run")?;

    sampler.wait_idle().await;
    let before_joins = sampler.now();
    sampler.reset();
    let joined_at = Instant::now();
    let joins: Vec<_> = (1..=n)
        .map(|i| {
            let (url, code) = (url.clone(), room.code.clone());
            tokio::spawn(async move {
                let asked = Instant::now();
                let learner = Learner::join_at(&url, &code, &format!("learner {i:02}")).await;
                (i, learner, asked.elapsed())
            })
        })
        .collect();
    let mut learners = Vec::with_capacity(n);
    let mut join_times = Vec::with_capacity(n);
    let mut failures = Vec::new();
    for join in joins {
        match join.await {
            Ok((i, Ok(learner), took)) => {
                learners.push((i, learner));
                join_times.push(took);
            }
            Ok((i, Err(error), _)) => failures.push(format!("learner {i:02}: {error}")),
            Err(error) => failures.push(format!("a join panicked: {error}")),
        }
    }
    let joins_wall = joined_at.elapsed();
    let all_on_grid = grids.wait_for_learners(learners.len() + 1, GRID_WAIT).await;
    let before_runs = sampler.now();

    // Learner i (from 1) presses Check (i - 1)/n of the spread after the first; every
    // START_EVERY-th sends the start.
    let pressed_at = Instant::now() + Duration::from_millis(100);
    let presses: Vec<_> = learners
        .into_iter()
        .map(|(i, mut learner)| {
            let expect_pass = i % START_EVERY != 0;
            let scenario = if expect_pass { solution.clone() } else { start.clone() };
            let at = pressed_at + SPREAD.mul_f64((i - 1) as f64 / n as f64);
            tokio::spawn(async move {
                tokio::time::sleep_until(at.into()).await;
                let press = press_check(&mut learner, &scenario, expect_pass).await;
                (press, learner)
            })
        })
        .collect();
    let mut results: Vec<Press> = Vec::with_capacity(n);
    let mut sockets = Vec::with_capacity(n);
    for press in presses {
        match press.await {
            Ok((press, learner)) => {
                results.push(press);
                sockets.push(learner);
            }
            Err(error) => failures.push(format!("a learner panicked: {error}")),
        }
    }
    let runs_wall = pressed_at.elapsed();
    let recorded_names: Vec<String> = results
        .iter()
        .filter(|p| p.recorded.is_some())
        .map(|p| p.name.clone())
        .collect();
    let all_shown = grids.wait_for_attempts(&recorded_names, 1, GRID_WAIT).await;
    let ended = sampler.now();
    let peaks = sampler.peaks();
    drop(sockets);

    println!(
        "room load: {n} learners in one room press Check on `{}` within {} s",
        args.exercise,
        SPREAD.as_secs()
    );
    let starts = results.iter().filter(|p| !p.expect_pass).count();
    println!(
        "scenarios                  {} send the solution (should pass), {starts} the start (every {START_EVERY}th learner; should fail)",
        results.len() - starts
    );
    println!(
        "learners joined            {} / {n}   join {}   (all at once, in {}){}",
        join_times.len(),
        p50_p99(&join_times),
        millis(Some(joins_wall)),
        if all_on_grid {
            ""
        } else {
            "; the grid never showed them all"
        }
    );
    for problem in &failures {
        println!("  {problem}");
    }
    let timings: Vec<Timing> = results.iter().map(|p| p.timing.clone()).collect();
    let completed = timings.iter().filter(|t| t.completed()).count();
    let recorded = results.iter().filter(|p| p.recorded.is_some()).count();
    println!("runs completed             {completed} / {n} (the run ended `completed`)");
    println!("runs recorded              {recorded} / {n} (`recorded` came: an attempt on the grid)");
    for (problem, count) in problems(&timings) {
        println!("  {count} × {problem}");
    }
    let passed = results.iter().filter(|p| p.recorded.is_some_and(|r| r.passed)).count();
    let as_expected = results
        .iter()
        .filter(|p| p.recorded.is_some_and(|r| r.passed == p.expect_pass))
        .count();
    println!(
        "relay's verdicts           {passed} passed, {} failed; {as_expected} / {recorded} as each scenario should",
        recorded - passed
    );

    let totals: Vec<Duration> = timings.iter().filter_map(|t| t.total).collect();
    let ratio = |d: Option<Duration>| d.map_or(f64::INFINITY, |d| d.as_secs_f64() / lone_total.as_secs_f64());
    let (p50, p99) = (quantile(&totals, 0.5), quantile(&totals, 0.99));
    println!(
        "run time (run → finished)  p50 {} ({:.1}× the lone run)   p99 {} ({:.1}×)   lone {} (the median of {LONE_RUNS})",
        p50.map_or("-".to_owned(), secs),
        ratio(p50),
        p99.map_or("-".to_owned(), secs),
        ratio(p99),
        secs(lone_total)
    );
    let ends: Vec<Duration> = timings.iter().filter_map(Timing::run_end).collect();
    println!(
        "  of which the run's end   {}   (last actor stopped → `run_finished`, on the relay's clock: the final queue snapshot waits until the management API's statistics agree with AMQP and hold for 1.3 s)",
        p50_p99(&ends)
    );
    if let Some(slowest) = results
        .iter()
        .filter(|p| p.timing.total.is_some())
        .max_by_key(|p| p.timing.total)
    {
        let timing = &slowest.timing;
        println!(
            "  the slowest              {} ({}): {}; its first `declared` after {}, `run_finished` at {} on the relay's clock, its end {}",
            slowest.name,
            if slowest.expect_pass { "solution" } else { "start" },
            timing.total.map_or("-".to_owned(), secs),
            millis(timing.first_broker_event),
            millis(timing.relay_ms.finished.map(Duration::from_millis)),
            millis(timing.run_end())
        );
    }
    for (warning, count) in tally(timings.iter().flat_map(|t| t.warnings.iter().cloned())) {
        println!("  {count} × warned: {warning}");
    }
    let recordings: Vec<Duration> = results.iter().filter_map(Press::recording).collect();
    println!(
        "finished → recorded        {}   (the attempt stored, the learner told)",
        p50_p99(&recordings)
    );
    let lags: Vec<Duration> = results.iter().filter_map(|p| p.grid_lag(&grids)).collect();
    let lag_p99 = quantile(&lags, 0.99);
    println!(
        "dashboard lag              {}   max {}   (a learner's `finished` → the first `grid` on the instructor's socket with their attempt; {} of {recorded} shown{}; {} grids in all)",
        p50_p99(&lags),
        millis(lags.iter().max().copied()),
        lags.len(),
        if all_shown { "" } else { " within 30 s" },
        grids.grids()
    );
    if let Some(problem) = grids.problem() {
        println!("  {problem}");
    }
    println!(
        "relay RSS                  idle {:.1} MB   peak {:.1} MB   end {:.1} MB   (idle: the vhost pool full, before the room; end: every attempt on the grid)",
        mb(idle.rss_kib),
        mb(peaks.rss_kib),
        mb(ended.rss_kib)
    );
    println!(
        "relay threads              idle {}   peak {}   end {}",
        idle.threads, peaks.threads, ended.threads
    );
    let cpu = |from: u64, to: u64| to.saturating_sub(from) as f64 / 1000.0;
    println!(
        "relay CPU time             {:.2} s for the joins (in {}), {:.2} s for the runs until the grid showed them all (in {:.1} s), {:.2} s in all",
        cpu(before_joins.cpu_ms, before_runs.cpu_ms),
        millis(Some(joins_wall)),
        cpu(before_runs.cpu_ms, ended.cpu_ms),
        runs_wall.as_secs_f64(),
        ended.cpu_ms as f64 / 1000.0
    );

    println!("goals");
    let goal = |label: String, figure: String, ok: bool| println!("  {label:<34} {figure:<34} {}", verdict(ok));
    goal(
        format!("all {n} runs complete"),
        format!("{recorded} / {n} recorded, {completed} completed"),
        recorded == n && completed == n,
    );
    goal(
        format!("run time p99 ≤ {RUN_TIME_GOAL}× the lone run"),
        format!("{:.1}×", ratio(p99)),
        ratio(p99) <= RUN_TIME_GOAL,
    );
    goal(
        format!("dashboard lag p99 < {} s", GRID_LAG_GOAL.as_secs()),
        millis(lag_p99),
        lags.len() == recorded && lag_p99.is_some_and(|lag| lag < GRID_LAG_GOAL),
    );
    goal(
        format!("relay peak RSS < {RSS_GOAL_MB} MB"),
        format!("{:.1} MB", mb(peaks.rss_kib)),
        mb(peaks.rss_kib) < RSS_GOAL_MB,
    );
    Ok(())
}
