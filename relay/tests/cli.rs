//! The `warren` binary as a user runs it: `warren run FILE.json` against the real broker, and
//! its answers to an invalid file and an unreachable broker.

use std::process::{Command, Output};

fn warren(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warren"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("the warren binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn run_prints_json_lines_and_ends_with_the_summary() {
    let out = warren(&["run", "examples/returns.json"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    assert_eq!(lines[0]["type"], "run_started");
    let summary = lines.last().expect("a summary line");
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["published"], 100);
    assert_eq!(summary["acked"], 100);
    assert_eq!(summary["nacked"], 0);
    assert_eq!(summary["returned"], 100);
    assert_eq!(summary["return_codes"]["312 NO_ROUTE"], 100);
    assert!(summary["delivered"].as_object().is_some_and(|d| d.is_empty()));
    assert_eq!(summary["lost"], serde_json::json!([]));
    assert_eq!(summary["duplicates"], serde_json::json!([]));
    let returns = lines.iter().filter(|l| l["type"] == "returned").count();
    assert_eq!(returns, 100);
}

#[test]
fn an_invalid_file_exits_2_with_every_problem_on_stderr() {
    let dir = std::env::temp_dir().join(format!("warren-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("bad.json");
    std::fs::write(
        &file,
        r#"{"version":1,"queues":[{"name":"amq.x"}],"publishers":[{"name":"p","exchange":"nope","count":0}]}"#,
    )
    .expect("write");
    let out = warren(&["run", file.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    for path in ["queues[0].name", "publishers[0].exchange", "publishers[0].count"] {
        assert!(stderr.contains(path), "{path} missing from: {stderr}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn an_unreachable_broker_is_explained_in_one_paragraph() {
    let out = warren(&[
        "run",
        "examples/confirms.json",
        "--amqp-url",
        "amqp://guest:guest@127.0.0.1:1",
        "--management-url",
        "http://guest:secret@127.0.0.1:1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one paragraph: {stderr}");
    assert!(stderr.contains("127.0.0.1:1"), "names what it tried: {stderr}");
    assert!(
        stderr.contains("apt-get install rabbitmq-server"),
        "says how to get one: {stderr}"
    );
    assert!(!stderr.contains("secret"), "never prints the password: {stderr}");
    assert!(!stderr.contains("panicked"));
}
