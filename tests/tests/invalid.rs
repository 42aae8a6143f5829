//! An invalid scenario is refused with every problem and nothing is declared. Kept in a binary
//! of its own so that no other run creates vhosts while it counts them.

use std::time::Duration;
use warren_shared::ServerMessage;
use warren_tests::{Relay, run_vhosts};

#[tokio::test]
async fn an_invalid_scenario_lists_all_its_problems_and_declares_nothing() {
    let relay = Relay::start().await;
    let before = run_vhosts(&relay.state.broker).await;
    let (mut client, _) = relay.connect().await;
    let scenario = serde_json::json!({
        "version": 1,
        "exchanges": [{"name": "x"}],
        "queues": [{"name": "q", "arguments": {"x-max-priority": 0}}],
        "bindings": [{"source": "x", "destination": "nowhere"}],
        "publishers": [{"name": "p", "exchange": "missing", "count": 0}],
        "consumers": [{"name": "c", "queue": "ghost"}]
    });
    client
        .send_text(&serde_json::json!({"type": "run", "scenario": scenario}).to_string())
        .await;
    let problems = match client.recv().await {
        ServerMessage::Invalid { problems } => problems,
        other => panic!("expected invalid, got {other:?}"),
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    for want in [
        "queues[0].arguments.x-max-priority",
        "bindings[0].destination",
        "publishers[0].exchange",
        "publishers[0].count",
        "consumers[0].queue",
    ] {
        assert!(paths.contains(&want), "missing {want} in {paths:?}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(run_vhosts(&relay.state.broker).await, before, "no vhost was created");

    // A document that does not even parse is refused the same way, with a path.
    client
        .send_text(r#"{"type":"run","scenario":{"version":1,"queues":[{"name":"q","durable":"yes"}]}}"#)
        .await;
    match client.recv().await {
        ServerMessage::Invalid { problems } => assert_eq!(problems[0].path, "queues[0].durable"),
        other => panic!("expected invalid, got {other:?}"),
    }
}
