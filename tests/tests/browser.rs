//! End to end: the built page in headless Chromium, against a relay started here and the real
//! broker. Each test runs one browser session; a lock keeps them one at a time. Screenshots go
//! to `target/e2e/`.
//!
//! Skipped (with a message) only when the page is not built; a missing Chromium or chromedriver
//! is a failure that says to run `cargo xtask setup`.

use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use warren_tests::Relay;
use warren_tests::browser::{Page, skip_without_frontend, with_browser};

/// One browser test at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// What one seed example must show when its run ends.
struct Expected {
    stem: &'static str,
    published: u64,
    acked: Option<u64>,
    nacked: Option<u64>,
    returned: Option<u64>,
    lost: Option<u64>,
    /// Deliveries to these queues.
    delivered: &'static [(&'static str, u64)],
    /// Deliveries to every queue together.
    delivered_total: Option<u64>,
}

const SEEDS: [Expected; 7] = [
    Expected {
        stem: "confirms",
        published: 100,
        acked: Some(100),
        nacked: Some(0),
        returned: Some(0),
        lost: Some(0),
        delivered: &[("confirm-queue", 100)],
        delivered_total: Some(100),
    },
    Expected {
        stem: "nack",
        published: 100,
        acked: Some(10),
        nacked: Some(90),
        returned: None,
        lost: None,
        delivered: &[("confirm-queue", 10)],
        delivered_total: Some(10),
    },
    Expected {
        stem: "returns",
        published: 100,
        acked: Some(100),
        nacked: Some(0),
        returned: Some(100),
        lost: None,
        delivered: &[],
        delivered_total: Some(0),
    },
    Expected {
        stem: "backup-exchange",
        published: 100,
        acked: Some(100),
        nacked: None,
        returned: Some(0),
        lost: Some(0),
        delivered: &[("backup-queue", 100)],
        delivered_total: Some(100),
    },
    Expected {
        stem: "dead-letter",
        published: 30,
        acked: Some(30),
        nacked: Some(0),
        returned: Some(0),
        lost: Some(0),
        delivered: &[("work-queue", 30), ("parked-queue", 10)],
        delivered_total: Some(40),
    },
    Expected {
        stem: "priority",
        published: 100,
        acked: Some(100),
        nacked: None,
        returned: None,
        lost: Some(0),
        delivered: &[("pri-queue", 100)],
        delivered_total: Some(100),
    },
    Expected {
        stem: "lazy",
        published: 3000,
        acked: None,
        nacked: None,
        returned: None,
        lost: Some(0),
        delivered: &[],
        delivered_total: None,
    },
];

/// How long one seed run may take in the page.
const RUN_LIMIT: Duration = Duration::from_secs(90);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_seed_example_runs_from_the_gallery_and_shows_its_summary() {
    if skip_without_frontend("every_seed_example_runs_from_the_gallery_and_shows_its_summary") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let relay = Relay::start().await;
    let base = format!("http://{}/", relay.addr);
    with_browser(move |client| async move {
        let page = Page::new(client, base);
        page.open().await;
        for expected in &SEEDS {
            let started = Instant::now();
            run_seed(&page, expected).await;
            println!("{}: ok in {:.1}s", expected.stem, started.elapsed().as_secs_f64());
        }
    })
    .await;
}

async fn run_seed(page: &Page, e: &Expected) {
    let stem = e.stem;
    page.load_example(stem).await;
    assert_eq!(page.phase().await, "idle", "{stem}: a loaded example starts idle");
    page.watch_tokens().await;
    page.click_run().await;
    let phase = page.wait_run_end(RUN_LIMIT).await;
    // The page shows the run where its animation is; End takes it to the final summary.
    if phase == "finished" {
        page.jump_to_end().await;
    }
    page.screenshot(stem).await;
    let problems = page.texts("problem").await;
    let error = page.text("run-error").await;
    assert_eq!(
        phase, "finished",
        "{stem}: the run ended as {phase}; problems {problems:?}, error {error:?}"
    );
    assert_eq!(
        page.attr("summary-outcome", "data-outcome").await.as_deref(),
        Some("completed"),
        "{stem}: outcome"
    );

    let check = |name: &str, want: Option<u64>, got: Option<u64>| {
        if let Some(want) = want {
            assert_eq!(got, Some(want), "{stem}: summary {name}");
        }
    };
    check("published", Some(e.published), page.number("summary-published").await);
    check("acked", e.acked, page.number("summary-acked").await);
    check("nacked", e.nacked, page.number("summary-nacked").await);
    check("returned", e.returned, page.number("summary-returned").await);
    check("lost", e.lost, page.number("summary-lost").await);
    let delivered = page.delivered().await;
    for (queue, want) in e.delivered {
        assert_eq!(
            delivered.get(*queue),
            Some(want),
            "{stem}: delivered to {queue}: {delivered:?}"
        );
    }
    if let Some(total) = e.delivered_total {
        assert_eq!(
            delivered.values().sum::<u64>(),
            total,
            "{stem}: delivered in all: {delivered:?}"
        );
    }

    let tokens = page.tokens().await;
    assert!(tokens.added > 0, "{stem}: no token moved on the canvas during the run");
    println!(
        "{stem}: phase {phase}, delivered {delivered:?}, tokens drawn {} (at most {} at once)",
        tokens.added, tokens.max_live
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_scenario_shows_its_problems_and_is_not_run() {
    if skip_without_frontend("an_invalid_scenario_shows_its_problems_and_is_not_run") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let relay = Relay::start().await;
    let base = format!("http://{}/", relay.addr);
    with_browser(move |client| async move {
        let page = Page::new(client, base);
        page.open().await;
        page.load_example("confirms").await;
        let json = page.json().await;
        let mut scenario: serde_json::Value = serde_json::from_str(&json).expect("the editor holds JSON");
        scenario["publishers"][0]["count"] = 0.into();
        page.set_json(&serde_json::to_string_pretty(&scenario).expect("JSON"))
            .await;

        // The editor lists the problem with its path as soon as the text changes.
        page.wait_until("the editor lists a problem", Duration::from_secs(5), || async {
            !page.texts("editor-problem").await.is_empty()
        })
        .await;
        let listed = page.texts("editor-problem").await;
        assert!(
            listed.iter().any(|p| p.starts_with("publishers[0].count")),
            "the editor's problems name publishers[0].count: {listed:?}"
        );
        let state = page.text("json-state").await.unwrap_or_default();
        assert!(state.contains("1 problem"), "the editor counts one problem: {state:?}");

        // Run refuses: the problems are shown, nothing is sent, no run starts.
        page.click_run().await;
        page.wait_until("the page shows why it did not run", Duration::from_secs(5), || async {
            page.phase().await == "invalid"
        })
        .await;
        let shown = page.texts("problem").await;
        assert!(
            shown.iter().any(|p| p.starts_with("publishers[0].count")),
            "the canvas's problems name publishers[0].count: {shown:?}"
        );
        assert!(page.find("problems").await.is_displayed().await.expect("displayed"));
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(page.phase().await, "invalid", "no run started");
        assert_eq!(page.number("summary-published").await, None, "no summary");
        assert_eq!(page.texts("event-row").await.len(), 0, "no events");
        page.screenshot("invalid").await;
    })
    .await;
    drop(relay);
}
