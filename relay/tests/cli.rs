//! The `warren` binary as a user runs it: `warren run FILE.json` and `warren check FILE.json`
//! against the real broker, and their answers to an invalid file and an unreachable broker.

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

/// An exercise written for the tests.
const EXERCISE: &str = "tests/fixtures/exercises/catch-unroutables.json";

/// A file in a folder of this test process's own.
fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("warren-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(name);
    std::fs::write(&file, text).expect("write");
    file
}

#[test]
fn check_fails_the_starting_scenario_and_passes_the_solution() {
    let out = warren(&["check", EXERCISE]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {stdout}\nstderr: {}",
        text(&out.stderr)
    );
    let verdicts: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| *w == "PASS" || *w == "FAIL")
        .collect();
    assert_eq!(verdicts, ["FAIL", "FAIL", "FAIL", "PASS"], "{stdout}");
    assert!(
        stdout.contains(
            "FAIL  100 messages came back to the producer as 312 NO_ROUTE; none should.  (seen 100, expected = 0)"
        ),
        "{stdout}"
    );
    assert!(stdout.ends_with("1 of 4 checks passed\n"), "{stdout}");

    let out = warren(&["check", EXERCISE, "--solution", "--lang", "zh"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {}", text(&out.stderr));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("PASS")).count(), 4, "{stdout}");
    assert!(stdout.contains("丢失了 0 条消息"), "{stdout}");
}

#[test]
fn check_refuses_an_invalid_exercise_with_exit_2() {
    let mut exercise: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/exercises/catch-unroutables.json"
        ))
        .expect("the exercise"),
    )
    .expect("JSON");
    exercise["exercise"]["checks"][1]["queue"] = serde_json::json!("ghost-queue");
    exercise["exercise"]["title"]["zh"] = serde_json::json!("");
    let file = temp_file("authoring.json", &exercise.to_string());
    let out = warren(&["check", file.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    for path in ["exercise.title.zh", "exercise.checks[1].queue"] {
        assert!(stderr.contains(path), "{path} missing from: {stderr}");
    }
    assert!(out.stdout.is_empty(), "nothing ran");

    exercise["exercise"]["checks"][1]["queue"] = serde_json::json!("backup-queue");
    exercise["exercise"]["title"]["zh"] = serde_json::json!("接住");
    exercise["exercise"]["solution"]["publishers"][0]["count"] = serde_json::json!(10);
    let file = temp_file("locked.json", &exercise.to_string());
    let out = warren(&["check", file.to_str().expect("utf-8 path"), "--solution"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("publishers/producer/count"), "{stderr}");

    let out = warren(&["check", "examples/returns.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("has no exercise"));
}

/// A workshop folder of this test process's own, emptied.
fn workshop_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("warren-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn a_corrupt_workshop_database_stops_serve_with_one_paragraph() {
    let dir = workshop_dir("corrupt");
    let database = dir.join("rooms.sqlite3");
    let garbage = "rooms: none, seats: none, this is not SQLite\n".repeat(200);
    std::fs::write(&database, &garbage).expect("write");
    let out = warren(&[
        "serve",
        "--workshop",
        "--workshop-dir",
        dir.to_str().expect("utf-8 path"),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(1), "stdout: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one paragraph: {stderr}");
    assert!(stderr.contains(&database.display().to_string()), "where: {stderr}");
    assert!(stderr.contains("not an SQLite database"), "what: {stderr}");
    assert!(
        stderr.contains("mv ") && stderr.contains("--workshop-dir"),
        "what to do: {stderr}"
    );
    assert!(!stderr.contains("panicked"));
    assert_eq!(
        std::fs::read_to_string(&database).expect("read"),
        garbage,
        "left as it was"
    );
}

#[test]
fn a_workshop_folder_that_cannot_be_made_or_a_short_token_stops_serve_with_one_paragraph() {
    let dir = workshop_dir("unwritable");
    let file = dir.join("a-file");
    std::fs::write(&file, "x").expect("write");
    let inside_a_file = file.join("workshop");
    let out = warren(&[
        "serve",
        "--workshop",
        "--workshop-dir",
        inside_a_file.to_str().expect("utf-8 path"),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one paragraph: {stderr}");
    assert!(stderr.contains("could not create the workshop's folder"), "{stderr}");

    let out = warren(&[
        "serve",
        "--workshop",
        "--workshop-dir",
        dir.join("ok").to_str().expect("utf-8 path"),
        "--instructor-token",
        "short",
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one paragraph: {stderr}");
    assert!(stderr.contains("at least 16"), "{stderr}");
}
