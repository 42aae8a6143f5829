//! Exercises on the real broker: the relay refuses a run whose locked part changed, sends the
//! checks with `finished`, and a starting scenario fails where its solution passes.

use tokio_tungstenite::tungstenite::Message;
use warren_shared::exercise::evaluate;
use warren_shared::{Outcome, Scenario, ServerMessage};
use warren_tests::{Relay, example, exercise, run_scenario};

/// The learner's attempt that is the exercise's solution: the solution, with the exercise.
fn solved(start: &Scenario) -> Scenario {
    let exercise = start.exercise.clone().expect("an exercise");
    let mut attempt = exercise.solution.clone();
    attempt.exercise = Some(exercise);
    attempt
}

#[tokio::test]
async fn the_relay_sends_the_checks_with_finished() {
    let relay = Relay::start().await;
    let (mut client, _) = relay.connect().await;
    let start = exercise("catch-unroutables.json");

    client.run(&start).await;
    let record = client.follow_run().await;
    assert_eq!(record.outcome, Some(Outcome::Completed));
    let results: Vec<(bool, &str)> = record.checks.iter().map(|c| (c.passed, c.seen.as_str())).collect();
    assert_eq!(
        results,
        [(false, "100"), (false, "0"), (false, "not bound"), (true, "0")],
        "{:#?}",
        record.checks
    );
    let returned = &record.checks[0];
    assert_eq!(returned.ids.len(), 100, "the returned messages are named");
    assert_eq!(
        returned.text.en,
        "100 messages came back to the producer as 312 NO_ROUTE; none should."
    );
    assert!(returned.text.zh.contains("100"), "{}", returned.text.zh);

    client.run(&solved(&start)).await;
    let record = client.follow_run().await;
    assert!(record.checks.iter().all(|c| c.passed), "{:#?}", record.checks);
    assert_eq!(record.checks.len(), 4);
    assert_eq!(record.checks[1].seen, "100");
    assert_eq!(
        record.checks[1].ids.len(),
        100,
        "every message in backup-queue with its original exchange and routing key"
    );
}

#[tokio::test]
async fn a_changed_locked_part_is_refused_with_its_path() {
    let relay = Relay::start().await;
    let (mut client, _) = relay.connect().await;
    let mut attempt = solved(&exercise("urgent-first.json"));
    attempt.publishers[0].count = 10;
    attempt.publishers[0].priority = warren_shared::PriorityRule::Fixed { priority: 5 };
    client.run(&attempt).await;
    match client.recv().await {
        ServerMessage::Invalid { problems } => {
            let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
            assert_eq!(paths, ["publishers/producer/count", "publishers/producer/priority"]);
            assert!(problems[0].message.contains("locked"), "{problems:?}");
        }
        other => panic!("expected the run to be refused, got {other:?}"),
    }
    // Nothing ran, and the socket takes the unchanged attempt.
    client.run(&solved(&exercise("urgent-first.json"))).await;
    let record = client.follow_run().await;
    assert!(record.checks.iter().all(|c| c.passed), "{:#?}", record.checks);
}

#[tokio::test]
async fn a_scenario_without_an_exercise_finishes_as_before() {
    let relay = Relay::start().await;
    let (mut client, _) = relay.connect().await;
    client.run(&example("returns.json")).await;
    loop {
        match client.frame().await.expect("the socket stays open") {
            Message::Text(text) if text.contains(r#""type":"finished""#) => {
                assert!(!text.contains("checks"), "{text}");
                break;
            }
            _ => {}
        }
    }
}

/// Through the library, as `warren check` runs: the order of deliveries, a structural fact, a
/// snapshot fact and an event that never happened, on a priority queue.
#[tokio::test]
async fn a_start_fails_where_its_solution_passes() {
    let start = exercise("urgent-first.json");
    let exercise = start.exercise.clone().expect("an exercise");

    let (events, summary) = run_scenario(&start).await;
    let results = evaluate(&exercise, &start, &summary, &events);
    let got: Vec<(bool, &str)> = results.iter().map(|r| (r.passed, r.seen.as_str())).collect();
    assert_eq!(
        got,
        [
            (false, "4"),
            (false, "absent"),
            (true, "100"),
            (true, "classic"),
            (true, "0")
        ],
        "{results:#?}"
    );

    let attempt = solved(&start);
    let (events, summary) = run_scenario(&attempt).await;
    let results = evaluate(&exercise, &attempt, &summary, &events);
    assert!(results.iter().all(|r| r.passed), "{results:#?}");
    assert_eq!(results[0].ids.len(), 20);
    assert!(results[0].ids.iter().all(|id| {
        let n: u64 = id.trim_start_matches("producer#").parse().expect("a number");
        n % 5 == 0
    }));
}
