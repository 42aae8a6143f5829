//! The course in `examples/exercises/`, run on the real broker: every exercise's starting
//! scenario fails exactly the checks its author expects to fail, and its solution passes them all.
//! This is what keeps the course true when RabbitMQ or Warren changes.
//!
//! The expectations live in [`COURSE`], one entry per file: which checks the starting scenario
//! must fail (by index in the exercise's `checks`), and which may go either way because the
//! broker decides them by timing. A few [`VARIANTS`] run half-way fixes a learner is likely to
//! try, to show that the checks catch them (a priority queue with a consumer that takes every
//! message as it arrives, a bounded queue that silently drops the oldest).
//!
//! The exercises without node faults run first, side by side; then the two that stop or crash
//! nodes, one run at a time, each on a whole cluster, and the cluster is made whole again after
//! the last, pass or fail. Nothing else runs during a fault: RabbitMQ cannot create a run's vhost
//! while a node is down. The broker is resolved once: resolving the managed cluster starts any
//! node that is down, which would undo a fault under way.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use warren_relay::connect::Broker;
use warren_relay::{run, vhost};
use warren_shared::exercise::{CheckResult, Exercise, evaluate};
use warren_shared::{Event, Outcome, Scenario, Summary};
use warren_tests::{broker, limits};

/// What the author expects of one exercise's starting scenario.
struct Expected {
    /// The file in `examples/exercises/`.
    file: &'static str,
    /// The checks the starting scenario must fail; every other check must pass.
    fails: &'static [usize],
    /// Checks the starting scenario may pass or fail: the broker decides them by timing.
    either: &'static [usize],
}

/// The course, in order, with what each starting scenario must fail.
const COURSE: &[Expected] = &[
    // Fire and forget: no confirms, so nothing is acked; the messages still arrive.
    expect("01-confirms.json", &[0, 1]),
    // Nothing refuses anything: no nack; everything is delivered, nothing lost.
    expect("02-nack.json", &[0]),
    // The cut loses what falls due while the connection is down.
    expect("03-outage.json", &[0, 1]),
    // Not mandatory: the broker drops the unroutable messages without a word.
    expect("04-returns.json", &[0, 1]),
    // Mandatory without an alternate exchange: all 100 come back.
    expect("05-backup-exchange.json", &[0, 1, 2]),
    // No dead-letter exchange: the rejected messages are dropped; the worker still gets all 30.
    expect("06-dead-letters.json", &[0]),
    // A direct exchange: exact keys only, "#" is a plain word.
    expect("07-topic-routing.json", &[0, 1, 2]),
    // x-match any, and a binding without headers: both queues get everything.
    expect("08-headers-routing.json", &[0, 1, 2]),
    // No x-max-priority and a consumer attached from the start: publish order.
    expect("09-priority.json", &[0, 1]),
    // A default queue keeps its transient backlog in RAM.
    expect("10-lazy.json", &[0, 1]),
    // The unsynchronised mirror is promoted: the first 10 messages are lost.
    expect("11-mirror-loss.json", &[0, 1]),
    // The classic queue's node stops: nacks while it is down, and fewer deliveries. Whether
    // some acked messages are lost on top depends on when the node comes back.
    Expected {
        file: "12-quorum-failover.json",
        fails: &[0, 2],
        either: &[1],
    },
];

const fn expect(file: &'static str, fails: &'static [usize]) -> Expected {
    Expected {
        file,
        fails,
        either: &[],
    }
}

/// A half-way fix: the starting scenario changed by `change`, and the checks it must fail.
struct Variant {
    /// The exercise file it starts from.
    file: &'static str,
    /// What was changed, for the report.
    what: &'static str,
    /// The change, on the scenario's JSON.
    change: fn(&mut Value),
    /// The checks it must fail; every other check must pass but those in `either`.
    fails: &'static [usize],
    /// The checks the broker decides by timing.
    either: &'static [usize],
}

const VARIANTS: &[Variant] = &[
    Variant {
        file: "09-priority.json",
        what: "a priority queue, with the consumer attached from the start and no prefetch limit",
        change: |scenario| scenario["queues"][0]["arguments"] = serde_json::json!({"x-max-priority": 10}),
        fails: &[1],
        either: &[],
    },
    Variant {
        file: "09-priority.json",
        what: "a priority queue, with the consumer attached from the start and prefetch 1",
        change: |scenario| {
            scenario["queues"][0]["arguments"] = serde_json::json!({"x-max-priority": 10});
            scenario["consumers"][0]["prefetch"] = serde_json::json!(1);
        },
        // Usually the consumer takes the first message before the rest are queued, and the
        // first 20 are not all high; now and then the publisher is ahead and they are.
        fails: &[],
        either: &[1],
    },
    Variant {
        file: "02-nack.json",
        what: "a bounded queue that drops the oldest message when full (drop-head)",
        change: |scenario| {
            scenario["queues"][0]["arguments"] = serde_json::json!({"x-max-length": 10, "x-overflow": "drop-head"});
        },
        fails: &[0, 2],
        either: &[],
    },
];

/// How long one run may take before the test gives up on it.
const RUN_LIMIT: Duration = Duration::from_secs(150);

fn course_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/exercises")
}

fn read_json(file: &str) -> Value {
    let path = course_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn parse(file: &str, value: &Value) -> Scenario {
    let scenario = warren_shared::parse_scenario(value).unwrap_or_else(|p| panic!("{file}: {p:?}"));
    let problems = warren_shared::validate(&scenario, &limits());
    assert!(problems.is_empty(), "{file} is invalid: {problems:?}");
    scenario
}

/// The starting scenario of an exercise file, and its exercise.
fn load(file: &str) -> (Scenario, Exercise) {
    let scenario = parse(file, &read_json(file));
    let exercise = warren_shared::exercise::read(&scenario, &limits())
        .unwrap_or_else(|problems| panic!("{file}: {problems:?}"))
        .unwrap_or_else(|| panic!("{file} has no exercise"));
    (scenario, exercise)
}

/// A run's events and summary, or why it could not be had.
type Ran = Result<(Vec<Event>, Summary), String>;

/// Run a scenario on `broker` and collect its events and summary. A run that cannot start or
/// does not end is reported, not panicked on, so that a fault exercise always gets its cluster
/// back.
async fn run_on(broker: &Broker, scenario: &Scenario) -> Ran {
    let (tx, mut rx) = mpsc::channel(1024);
    let collect = tokio::spawn(async move {
        let mut events = Vec::new();
        while let Some(event) = rx.recv().await {
            events.push(event);
        }
        events
    });
    let run_id = vhost::new_run_id();
    let summary = tokio::time::timeout(
        RUN_LIMIT,
        run::execute(scenario, broker, &run_id, tx, CancellationToken::new()),
    )
    .await
    .map_err(|_| format!("the run did not end within {} s", RUN_LIMIT.as_secs()))?
    .map_err(|e| format!("the run could not start: {e}"))?;
    let events = collect.await.map_err(|e| format!("the event collector failed: {e}"))?;
    Ok((events, summary))
}

/// One run judged against the author's expectation.
struct Judged {
    /// e.g. "03-outage.json, start".
    label: String,
    /// The key numbers and each check, for the report.
    report: String,
    /// What was not as expected, if anything.
    wrong: Option<String>,
}

fn judge(
    label: String,
    exercise: &Exercise,
    scenario: &Scenario,
    ran: &Ran,
    fails: &[usize],
    either: &[usize],
) -> Judged {
    let (events, summary) = match ran {
        Ok(ran) => ran,
        Err(error) => {
            return Judged {
                report: format!("{label}: {error}"),
                wrong: Some(error.clone()),
                label,
            };
        }
    };
    let results: Vec<CheckResult> = evaluate(exercise, scenario, summary, events);
    let failed: BTreeSet<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.passed)
        .map(|(i, _)| i)
        .collect();
    let must: BTreeSet<usize> = fails.iter().copied().collect();
    let may: BTreeSet<usize> = either.iter().copied().collect();
    let mut report = format!(
        "{label}: published {}, acked {}, nacked {}, returned {}, delivered {}, dead-lettered {}, left {}, lost {}, duplicates {}, outcome {:?}",
        summary.published,
        summary.acked,
        summary.nacked,
        summary.returned,
        summary.delivered_total(),
        summary.dead_lettered,
        summary.left_in_queues.values().sum::<u64>(),
        summary.lost.len(),
        summary.duplicates.len(),
        summary.outcome,
    );
    for (i, result) in results.iter().enumerate() {
        report.push_str(&format!(
            "\n    [{i}] {} seen {} expected {}{}",
            if result.passed { "PASS" } else { "FAIL" },
            result.seen,
            result.expected,
            if result.passed {
                String::new()
            } else {
                format!(": {}", result.text.en)
            },
        ));
    }
    let mut wrong = Vec::new();
    if summary.outcome != Some(Outcome::Completed) {
        wrong.push(format!("the run ended {:?}, not completed", summary.outcome));
    }
    let unexpected: Vec<usize> = failed.difference(&must).filter(|i| !may.contains(i)).copied().collect();
    let missing: Vec<usize> = must.difference(&failed).copied().collect();
    if !unexpected.is_empty() {
        wrong.push(format!("checks {unexpected:?} failed, which should pass"));
    }
    if !missing.is_empty() {
        wrong.push(format!("checks {missing:?} passed, which should fail"));
    }
    if let Some(out_of_range) = must.iter().chain(&may).find(|&&i| i >= results.len()) {
        wrong.push(format!(
            "the expectation names check {out_of_range}, which does not exist"
        ));
    }
    Judged {
        label,
        report,
        wrong: (!wrong.is_empty()).then(|| wrong.join("; ")),
    }
}

/// Judge a run of an exercise's start (failing what `expected` says) and one of its solution
/// (passing everything).
fn judge_both(
    expected: &Expected,
    exercise: &Exercise,
    (start, ran_start): (&Scenario, &Ran),
    (solution, ran_solution): (&Scenario, &Ran),
) -> Vec<Judged> {
    vec![
        judge(
            format!("{}, start", expected.file),
            exercise,
            start,
            ran_start,
            expected.fails,
            expected.either,
        ),
        judge(
            format!("{}, solution", expected.file),
            exercise,
            solution,
            ran_solution,
            &[],
            &[],
        ),
    ]
}

/// Run an exercise's start and solution (side by side) and judge both.
async fn start_and_solution(broker: &Broker, expected: &Expected) -> Vec<Judged> {
    let (start, exercise) = load(expected.file);
    let solution = exercise.solution.clone();
    let (ran_start, ran_solution) = tokio::join!(run_on(broker, &start), run_on(broker, &solution));
    judge_both(expected, &exercise, (&start, &ran_start), (&solution, &ran_solution))
}

async fn variant(broker: &Broker, variant: &Variant) -> Judged {
    let mut value = read_json(variant.file);
    (variant.change)(&mut value);
    let scenario = parse(variant.file, &value);
    let exercise = warren_shared::exercise::read(&scenario, &limits())
        .unwrap_or_else(|problems| panic!("{}: {problems:?}", variant.file))
        .expect("an exercise");
    let ran = run_on(broker, &scenario).await;
    judge(
        format!("{}, {}", variant.file, variant.what),
        &exercise,
        &scenario,
        &ran,
        variant.fails,
        variant.either,
    )
}

/// Bring every node back and wait until the cluster counts three running nodes.
async fn whole_cluster(broker: &Broker) {
    let faults = broker.faults.as_ref().expect("node faults on the managed cluster");
    faults
        .restore_all()
        .await
        .unwrap_or_else(|e| panic!("could not restore the cluster: {e}"));
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Ok(info) = broker.management.overview().await
            && info.nodes.len() == 3
            && info.nodes.iter().all(|n| n.running)
        {
            return;
        }
        assert!(Instant::now() < deadline, "the cluster is not back to 3 running nodes");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// An exercise that stops nodes: its start, then its solution, each on a whole cluster.
async fn with_faults(broker: &Broker, expected: &Expected) -> Vec<Judged> {
    let (start, exercise) = load(expected.file);
    let solution = exercise.solution.clone();
    whole_cluster(broker).await;
    let ran_start = run_on(broker, &start).await;
    whole_cluster(broker).await;
    let ran_solution = run_on(broker, &solution).await;
    whole_cluster(broker).await;
    judge_both(expected, &exercise, (&start, &ran_start), (&solution, &ran_solution))
}

/// Every file of the course has an expectation here, and every expectation a file.
#[test]
fn every_exercise_file_has_an_expectation() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(course_dir())
        .expect("examples/exercises/ exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json"))
        .collect();
    let listed: BTreeSet<String> = COURSE.iter().map(|e| e.file.to_owned()).collect();
    assert_eq!(listed, on_disk, "list every examples/exercises/*.json in COURSE");
    let in_order: Vec<&str> = COURSE.iter().map(|e| e.file).collect();
    let mut sorted = in_order.clone();
    sorted.sort_unstable();
    assert_eq!(in_order, sorted, "COURSE follows the files' order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_exercise_fails_as_written_and_its_solution_passes() {
    let began = Instant::now();
    let broker = broker().await;
    let (plain, faulty): (Vec<&Expected>, Vec<&Expected>) = COURSE
        .iter()
        .partition(|expected| !load(expected.file).1.needs_node_faults);
    if broker.faults.is_none() && !faulty.is_empty() {
        eprintln!("the exercises that stop nodes are skipped: they need the cluster Warren manages");
    }
    // Exercises without faults first, side by side: while a node is down RabbitMQ cannot even
    // create a run's vhost. Three exercises at a time (six runs), then the variants.
    let mut judged = Vec::new();
    for chunk in plain.chunks(3) {
        let runs = futures_util::future::join_all(chunk.iter().map(|e| start_and_solution(&broker, e))).await;
        judged.extend(runs.into_iter().flatten());
    }
    judged.extend(futures_util::future::join_all(VARIANTS.iter().map(|v| variant(&broker, v))).await);
    let plain_took = began.elapsed();
    if broker.faults.is_some() {
        for expected in &faulty {
            judged.extend(with_faults(&broker, expected).await);
        }
    }

    let mut report = String::new();
    for j in &judged {
        report.push_str(&j.report);
        report.push('\n');
        if let Some(wrong) = &j.wrong {
            report.push_str(&format!("    WRONG: {wrong}\n"));
        }
    }
    eprintln!(
        "{report}the course took {:.1} s ({:.1} s without node faults)",
        began.elapsed().as_secs_f64(),
        plain_took.as_secs_f64()
    );
    let wrong: Vec<String> = judged
        .iter()
        .filter_map(|j| j.wrong.as_ref().map(|w| format!("{}: {w}", j.label)))
        .collect();
    assert!(wrong.is_empty(), "the course is not as written:\n{}", wrong.join("\n"));
}
