//! The store on SQLite in memory and in temporary files.

use super::*;
use serde_json::json;
use warren_shared::exercise::Text;
use warren_shared::room::{NodeFaultPolicy, SolutionPolicy};
use warren_shared::{CheckResult, Event, EventKind, Outcome, Summary};

use crate::room::model::RoomExercise;

fn new_room(id: &str, code: &str) -> NewRoom {
    NewRoom {
        id: id.into(),
        code: code.into(),
        title: format!("Room {id}"),
        solutions: SolutionPolicy::After { attempts: 2 },
        node_faults: NodeFaultPolicy::Demos,
        created_at_ms: 1_000,
        exercises: vec![
            RoomExercise {
                id: "confirms".into(),
                title: Text::new("Confirms", "确认"),
                needs_node_faults: false,
                document: json!({"version": 1, "name": "confirms"}),
            },
            RoomExercise {
                id: "mirror-loss".into(),
                title: Text::new("Mirror", "镜像"),
                needs_node_faults: true,
                document: json!({"version": 1, "name": "mirror"}),
            },
        ],
    }
}

fn new_seat(id: &str, room: &str, name: &str) -> NewSeat {
    NewSeat {
        id: id.into(),
        room_id: room.into(),
        secret: format!("secret-{id}"),
        name: name.into(),
        name_key: name.to_lowercase(),
        joined_at_ms: 2_000,
    }
}

fn check(passed: bool, en: &str) -> CheckResult {
    CheckResult {
        passed,
        text: Text::new(en, en),
        seen: "1".into(),
        expected: "= 0".into(),
        ids: Vec::new(),
    }
}

fn attempt(id: &str, seat: &str, exercise: &str, passed: bool, at: u64) -> NewAttempt {
    NewAttempt {
        id: id.into(),
        room_id: "r1".into(),
        seat_id: seat.into(),
        exercise_id: exercise.into(),
        started_at_ms: at - 10,
        finished_at_ms: at,
        outcome: Outcome::Completed,
        passed,
        scenario: json!({"version": 1, "name": id}),
        checks: vec![check(true, "fine"), check(passed, "1 lost")],
        summary: Summary {
            published: 3,
            ..Summary::default()
        },
        events: vec![Event {
            t_ms: 1,
            kind: EventKind::Warning { message: id.into() },
        }],
        events_cut: false,
    }
}

#[tokio::test]
async fn rooms_keep_their_exercises_policies_and_state() {
    let store = Store::in_memory().expect("memory");
    let created = store.create_room(new_room("r1", "AAAA2222")).await.expect("created");
    assert_eq!(created.exercises.len(), 2);
    let found = store.room_by_code("AAAA2222").await.expect("read").expect("found");
    assert_eq!(found, created);
    assert!(store.room_by_code("BBBB3333").await.expect("read").is_none());
    assert!(matches!(
        store.create_room(new_room("r2", "AAAA2222")).await,
        Err(StoreError::CodeTaken)
    ));
    store.set_current("r1", 1).await.expect("moved");
    store.close_room("r1", 5_000).await.expect("closed");
    store
        .close_room("r1", 9_000)
        .await
        .expect("closing again keeps the first time");
    let room = store.room("r1").await.expect("read").expect("found");
    assert_eq!(
        (room.current, room.closed_at_ms, room.is_open()),
        (1, Some(5_000), false)
    );
    assert_eq!(room.exercise("mirror-loss").map(|e| e.needs_node_faults), Some(true));
    store.create_room(new_room("r3", "CCCC4444")).await.expect("created");
    let all: Vec<String> = store.rooms().await.expect("all").into_iter().map(|r| r.id).collect();
    assert_eq!(all, ["r1", "r3"], "same time: by id");
}

#[tokio::test]
async fn a_name_is_unique_in_its_room_only_and_a_secret_gives_its_own_seat() {
    let store = Store::in_memory().expect("memory");
    store.create_room(new_room("r1", "AAAA2222")).await.expect("created");
    store.create_room(new_room("r2", "BBBB3333")).await.expect("created");
    store.add_seat(new_seat("s1", "r1", "Ada")).await.expect("seated");
    assert!(matches!(
        store.add_seat(new_seat("s2", "r1", "ADA")).await,
        Err(StoreError::NameTaken)
    ));
    store.add_seat(new_seat("s3", "r2", "Ada")).await.expect("another room");
    store.add_seat(new_seat("s4", "r1", "Grace")).await.expect("seated");
    let seat = store.seat_by_secret("secret-s1").await.expect("read").expect("found");
    assert_eq!(
        (seat.id.as_str(), seat.room_id.as_str(), seat.name.as_str()),
        ("s1", "r1", "Ada")
    );
    assert!(store.seat_by_secret("Ada").await.expect("read").is_none());
    assert!(
        store.seat_by_secret("s1").await.expect("read").is_none(),
        "the public id is no secret"
    );
    let names: Vec<String> = store
        .seats("r1")
        .await
        .expect("seats")
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["Ada", "Grace"]);
    assert!(
        store.seat("r2", "s1").await.expect("read").is_none(),
        "a seat of another room"
    );
    assert_eq!(store.room("r1").await.expect("read").expect("found").learners, 2);
}

#[tokio::test]
async fn attempts_are_numbered_per_seat_and_exercise_and_only_the_latest_keeps_its_events() {
    let store = Store::in_memory().expect("memory");
    store.create_room(new_room("r1", "AAAA2222")).await.expect("created");
    store.add_seat(new_seat("s1", "r1", "Ada")).await.expect("seated");
    store.add_seat(new_seat("s2", "r1", "Grace")).await.expect("seated");
    let numbers = [
        store.record_attempt(attempt("a1", "s1", "confirms", false, 100)).await,
        store.record_attempt(attempt("a2", "s1", "confirms", true, 200)).await,
        store.record_attempt(attempt("a3", "s2", "confirms", false, 300)).await,
        store
            .record_attempt(attempt("a4", "s1", "mirror-loss", false, 400))
            .await,
    ]
    .map(|n| n.expect("recorded"));
    assert_eq!(numbers, [1, 2, 1, 1]);
    let rows = store.room_attempts("r1").await.expect("rows");
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].failed_check, Some(Text::new("1 lost", "1 lost")));
    assert_eq!(rows[1].failed_check, None);
    assert_eq!(store.seat_attempts("s2").await.expect("rows").len(), 1);

    let latest = store
        .latest_attempt("r1", "s1", "confirms")
        .await
        .expect("read")
        .expect("found");
    assert_eq!((latest.row.number, latest.row.passed), (2, true));
    assert_eq!(latest.scenario["name"], "a2");
    assert_eq!(latest.summary.published, 3);
    assert_eq!(latest.checks.len(), 2);
    assert_eq!(latest.outcome, Outcome::Completed);
    assert!(matches!(&latest.events[0].kind, EventKind::Warning { message } if message == "a2"));
    // The first attempt's events were replaced; its row is kept.
    let kept: i64 = {
        let conn = store.conn.lock().expect("lock");
        conn.query_row("SELECT COUNT(*) FROM attempt_events", [], |row| row.get(0))
            .expect("count")
    };
    assert_eq!(kept, 3);
    assert!(
        store
            .latest_attempt("r1", "s2", "mirror-loss")
            .await
            .expect("read")
            .is_none()
    );
    assert!(
        store
            .latest_attempt("r2", "s1", "confirms")
            .await
            .expect("read")
            .is_none(),
        "asked through another room"
    );
}

#[tokio::test]
async fn what_was_written_is_there_after_a_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested/rooms.sqlite3");
    {
        let store = Store::open(&path).expect("created with its folder");
        store.create_room(new_room("r1", "AAAA2222")).await.expect("created");
        store.add_seat(new_seat("s1", "r1", "Ada")).await.expect("seated");
        store
            .record_attempt(attempt("a1", "s1", "confirms", true, 100))
            .await
            .expect("recorded");
    }
    let store = Store::open(&path).expect("reopened");
    assert_eq!(store.path(), path);
    assert_eq!(
        store
            .seat_by_secret("secret-s1")
            .await
            .expect("read")
            .map(|s| s.name)
            .as_deref(),
        Some("Ada")
    );
    assert_eq!(store.room_attempts("r1").await.expect("rows").len(), 1);
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_corrupt_and_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rooms.sqlite3");
    let garbage = b"this is not a database, it is a shopping list: eggs, flour, milk".repeat(100);
    std::fs::write(&path, &garbage).expect("write");
    let error = Store::open(&path).expect_err("refused");
    assert!(matches!(error, OpenError::Corrupt { .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("mv ") && text.contains("--workshop-dir"), "{text}");
    assert_eq!(std::fs::read(&path).expect("read"), garbage, "nothing was changed");
}

#[test]
fn a_folder_that_cannot_be_made_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    let error = Store::open(&file.join("rooms.sqlite3")).expect_err("refused");
    assert!(matches!(error, OpenError::Folder { .. }), "{error:?}");
    assert!(error.to_string().contains("--workshop-dir"), "{error}");
}

#[test]
fn a_database_from_a_newer_warren_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rooms.sqlite3");
    drop(Store::open(&path).expect("created"));
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.pragma_update(None, "user_version", 99).expect("version");
    drop(conn);
    let error = Store::open(&path).expect_err("refused");
    assert!(matches!(error, OpenError::Newer { found: 99, .. }), "{error:?}");
}
