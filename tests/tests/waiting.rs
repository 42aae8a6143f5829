//! The waiting line for run slots, over real sockets and the real broker: a run at the limit
//! waits its turn and then runs, a full line refuses with a hint of when to try again, and a
//! stop while waiting leaves the line. Each relay allows one run at a time; the run holding the
//! slot is slow (50 messages a second) until the test stops it.

use warren_shared::{EventKind, Outcome, Scenario, ServerMessage};
use warren_tests::{Client, Relay, example};

/// A run that holds its slot for 20 s unless stopped.
fn slow() -> Scenario {
    let mut scenario = example("confirms.json");
    scenario.publishers[0].count = 1000;
    scenario.publishers[0].rate_per_sec = Some(50.0);
    scenario
}

/// A relay that runs one scenario at a time and lets `max_waiting` wait.
async fn relay(max_waiting: usize) -> Relay {
    Relay::start_configured(|config| {
        config.max_concurrent_runs = 1;
        config.max_waiting = max_waiting;
    })
    .await
}

/// Start the slow run on `client` and wait until it publishes: it holds the only slot.
async fn hold_the_slot(client: &mut Client) {
    client.run(&slow()).await;
    client
        .read_until(|e| matches!(e.kind, EventKind::Published { .. }))
        .await;
}

/// `accepted`, then `waiting`: the run's id and its place.
async fn accepted_and_waiting(client: &mut Client) -> (String, u64, u64) {
    let run_id = match client.recv().await {
        ServerMessage::Accepted { run_id } => run_id,
        other => panic!("expected accepted, got {other:?}"),
    };
    match client.recv().await {
        ServerMessage::Waiting {
            run_id: waiting,
            position,
            estimated_wait_ms,
        } => {
            assert_eq!(waiting, run_id);
            (run_id, position, estimated_wait_ms)
        }
        other => panic!("expected waiting, got {other:?}"),
    }
}

#[tokio::test]
async fn a_run_at_the_limit_waits_its_turn_and_then_runs() {
    let relay = relay(10).await;
    let (mut first, _) = relay.connect().await;
    let (mut second, _) = relay.connect().await;
    hold_the_slot(&mut first).await;

    second.run(&example("returns.json")).await;
    let (run_id, position, estimate) = accepted_and_waiting(&mut second).await;
    assert_eq!(position, 1);
    assert!(estimate > 0, "an estimate of the wait");
    assert_eq!((relay.state.slots.running(), relay.state.slots.waiting()), (1, 1));

    first.stop().await;
    let stopped = first.follow_run().await;
    assert_eq!(stopped.outcome, Some(Outcome::Stopped));
    let waited = second.follow_run().await;
    assert_eq!(waited.run_id, "", "accepted was read before");
    assert!(waited.waits.is_empty(), "no place changes: it was first in line");
    assert!(matches!(
        waited.events.first().map(|e| &e.kind),
        Some(EventKind::RunStarted { run_id: started, .. }) if *started == run_id
    ));
    let summary = waited.summary.expect("the waiting run ran to its end");
    assert_eq!(summary.returned, 100);
    assert_eq!((relay.state.slots.running(), relay.state.slots.waiting()), (0, 0));
}

#[tokio::test]
async fn a_full_line_refuses_and_says_when_to_try_again() {
    let relay = relay(1).await;
    let (mut first, _) = relay.connect().await;
    let (mut second, _) = relay.connect().await;
    let (mut third, _) = relay.connect().await;
    hold_the_slot(&mut first).await;
    second.run(&slow()).await;
    let (_, position, _) = accepted_and_waiting(&mut second).await;
    assert_eq!(position, 1);

    third.run(&slow()).await;
    match third.recv().await {
        ServerMessage::Error { message } => {
            assert!(message.contains("1 more are waiting"), "{message}");
            assert!(message.contains("try again in about"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Refused, not queued: the socket may ask again, and the line did not grow.
    assert_eq!(relay.state.slots.waiting(), 1);

    second.stop().await;
    assert_eq!(second.follow_run().await.outcome, Some(Outcome::Stopped));
    first.stop().await;
    first.follow_run().await;
}

#[tokio::test]
async fn a_stop_while_waiting_leaves_the_line_and_moves_the_next_up() {
    let relay = relay(10).await;
    let (mut first, _) = relay.connect().await;
    let (mut second, _) = relay.connect().await;
    let (mut third, _) = relay.connect().await;
    hold_the_slot(&mut first).await;
    second.run(&slow()).await;
    assert_eq!(accepted_and_waiting(&mut second).await.1, 1);
    third.run(&example("returns.json")).await;
    let (third_id, position, _) = accepted_and_waiting(&mut third).await;
    assert_eq!(position, 2);

    second.stop().await;
    match second.recv().await {
        ServerMessage::Finished { outcome, summary, .. } => {
            assert_eq!(outcome, Outcome::Stopped);
            assert_eq!(summary.published, 0, "nothing ran");
        }
        other => panic!("expected the waiting run to finish as stopped, got {other:?}"),
    }
    match third.recv().await {
        ServerMessage::Waiting { run_id, position, .. } => {
            assert_eq!((run_id.as_str(), position), (third_id.as_str(), 1));
        }
        other => panic!("expected the third to move up, got {other:?}"),
    }
    assert_eq!(relay.state.slots.waiting(), 1);

    // The socket that left the line may run again, behind the third.
    second.run(&example("returns.json")).await;
    assert_eq!(accepted_and_waiting(&mut second).await.1, 2);

    first.stop().await;
    first.follow_run().await;
    assert_eq!(third.follow_run().await.summary.expect("ran").returned, 100);
    assert_eq!(second.follow_run().await.summary.expect("ran").returned, 100);
}
