//! A resource alarm during a run: RabbitMQ blocks every publishing connection while a node is
//! short of memory or disk, and the run says so in words when it is blocked and when it goes on.
//!
//! The alarm is raised for real on the managed cluster's first node with `rabbitmqctl
//! set_vm_memory_high_watermark` and put back by a guard, also when the test fails. It needs the
//! managed broker: against a broker named with `WARREN_AMQP_URL` it is skipped with a message.

use std::process::Command;
use std::time::Duration;
use warren_relay::broker::managed::RABBITMQCTL;
use warren_shared::{EventKind, Scenario};
use warren_tests::{limits, run_scenario};

/// The node the alarm is raised on.
const NODE: &str = "warren-1@localhost";
/// RabbitMQ's default memory high watermark, which the managed cluster keeps.
const DEFAULT_WATERMARK: &str = "0.4";
/// A watermark far below what any node uses: the memory alarm goes off at once.
const TINY_WATERMARK: &str = "0.0000001";
/// How long the alarm stays on once the run has started publishing.
const ALARM_FOR: Duration = Duration::from_secs(2);

fn ctl(args: &[&str]) -> Result<(), String> {
    let out = Command::new(RABBITMQCTL)
        .env("HOME", "/var/lib/rabbitmq")
        .args(["-n", NODE])
        .args(args)
        .output()
        .map_err(|e| format!("could not run {RABBITMQCTL}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "rabbitmqctl {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The watermark back to RabbitMQ's default when dropped.
struct Watermark;

impl Watermark {
    fn tiny() -> Self {
        ctl(&["set_vm_memory_high_watermark", TINY_WATERMARK]).expect("raise the memory alarm");
        Self
    }
}

impl Drop for Watermark {
    fn drop(&mut self) {
        if let Err(error) = ctl(&["set_vm_memory_high_watermark", DEFAULT_WATERMARK]) {
            eprintln!("could not put the memory watermark of {NODE} back to {DEFAULT_WATERMARK}: {error}");
        }
    }
}

fn scenario() -> Scenario {
    let json = serde_json::json!({
        "version": 1,
        "name": "publishing through a memory alarm",
        "queues": [{"name": "q"}],
        "publishers": [
            {"name": "steady", "exchange": "", "routing_key": "q", "count": 60, "rate_per_sec": 20}
        ],
        "consumers": [{"name": "reader", "queue": "q"}]
    });
    let scenario = warren_shared::parse_scenario(&json).unwrap_or_else(|p| panic!("{p:?}"));
    let problems = warren_shared::validate(&scenario, &limits());
    assert!(problems.is_empty(), "invalid scenario: {problems:?}");
    scenario
}

#[tokio::test]
async fn a_memory_alarm_blocks_the_run_and_it_says_so_then_goes_on() {
    if std::env::var_os("WARREN_AMQP_URL").is_some() {
        eprintln!("SKIPPED: the alarm is raised with rabbitmqctl on the managed cluster only");
        return;
    }
    let scenario = scenario();
    let run = tokio::spawn(async move { run_scenario(&scenario).await });
    // A second into the run's three seconds of publishing.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let alarm = Watermark::tiny();
    tokio::time::sleep(ALARM_FOR).await;
    drop(alarm);
    let (events, summary) = run.await.expect("the run ends");

    let warnings: Vec<(u64, &str)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Warning { message } => Some((e.t_ms, message.as_str())),
            _ => None,
        })
        .collect();
    let blocked = warnings
        .iter()
        .find(|(_, m)| m.starts_with("RabbitMQ blocked the run's connection (low on memory)"))
        .unwrap_or_else(|| panic!("a warning that the connection was blocked: {warnings:?}"));
    let unblocked = warnings
        .iter()
        .find(|(_, m)| m.starts_with("RabbitMQ unblocked the run's connection"))
        .unwrap_or_else(|| panic!("a warning that the connection was unblocked: {warnings:?}"));
    assert!(blocked.0 < unblocked.0, "blocked before unblocked: {warnings:?}");
    // Nothing is lost: the publisher waits out the alarm and every message arrives.
    assert_eq!(summary.published, 60);
    assert_eq!(summary.acked, 60);
    assert_eq!(summary.delivered_total(), 60);
    assert!(summary.lost.is_empty(), "lost: {:?}", summary.lost);
}
