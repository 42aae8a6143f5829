//! The room's messages read back what they wrote, and a page in a room tells them from the run's.

use super::*;
use crate::exercise::Text;
use crate::protocol::ClientMessage;
use crate::summary::Summary;
use serde_json::json;

fn view() -> RoomView {
    RoomView {
        code: "K7QM-X2PD".into(),
        join_path: "/?room=K7QM-X2PD".into(),
        title: "Tuesday".into(),
        exercises: vec![RoomExercise {
            id: "confirms".into(),
            title: Text::new("Confirms", "确认"),
            needs_node_faults: false,
            learners_may_run: true,
        }],
        current: "confirms".into(),
        solutions: SolutionPolicy::After { attempts: 3 },
        node_faults: NodeFaultPolicy::Demos,
        learners: 2,
        created_at_ms: 1_700_000_000_000,
        closed: false,
    }
}

fn progress(state: ProgressState) -> ExerciseProgress {
    ExerciseProgress {
        state,
        attempts: 2,
        failed_check: Some(Text::new("2 lost", "丢失 2")),
        first_attempt_at_ms: Some(1),
        last_attempt_at_ms: Some(2),
        stuck: Some(Stuck::FailedAttempts),
        ..ExerciseProgress::not_started("confirms")
    }
}

#[test]
fn every_room_message_reads_back_what_was_written() {
    let messages = [
        RoomMessage::Seat(Seat {
            seat: "s3cr3t".into(),
            name: "Ada".into(),
            room: view(),
            scenarios: vec![json!({"version": 1})],
            progress: vec![progress(ProgressState::NotStarted)],
            fault_limits: Some(crate::Limits::default()),
        }),
        RoomMessage::Room(view()),
        RoomMessage::Recorded {
            run_id: "r1".into(),
            attempt: 2,
            passed: false,
            progress: progress(ProgressState::Trying),
        },
        RoomMessage::Solution {
            exercise: "confirms".into(),
            scenario: json!({"version": 1, "name": "solved"}),
        },
        RoomMessage::Pushed(Push {
            scenario: json!({"version": 1}),
        }),
        RoomMessage::Instructor {
            rooms: vec![view()],
            limits: crate::Limits::default(),
        },
        RoomMessage::Grid(Grid {
            room: view(),
            totals: vec![ExerciseTotal {
                exercise: "confirms".into(),
                passed: 1,
                trying: 1,
                not_started: 0,
                stuck: 1,
            }],
            learners: vec![GridLearner {
                seat: "A1".into(),
                name: "Ada".into(),
                joined_at_ms: 5,
                stuck: true,
                cells: vec![progress(ProgressState::Trying)],
            }],
            at_ms: 9,
        }),
        RoomMessage::Refused(Refusal::new(RefusalCode::RateLimited, "wait").retry_after(4_000)),
    ];
    let mut tags = Vec::new();
    for message in messages {
        let text = serde_json::to_string(&message).expect("serialize");
        let value: serde_json::Value = serde_json::from_str(&text).expect("json");
        tags.push(value["type"].as_str().expect("tag").to_owned());
        assert_eq!(Incoming::read(&text).expect("reads"), Incoming::Room(message), "{text}");
    }
    assert_eq!(tags, RoomMessage::NAMES, "one sample per message, in declaration order");
}

#[test]
fn room_tags_never_stand_for_a_run_message() {
    for tag in RoomMessage::NAMES {
        assert!(!ServerMessage::NAMES.contains(tag), "{tag} is both");
    }
    let hello = Incoming::read(r#"{"type":"error","message":"no"}"#).expect("reads");
    assert_eq!(hello, Incoming::Server(ServerMessage::Error { message: "no".into() }));
    let error = Incoming::read(r#"{"type":"bye"}"#).expect_err("unknown");
    assert!(error.to_string().contains("unknown message type `bye`"), "{error}");
    assert!(error.to_string().contains("seat"), "{error}");
}

#[test]
fn a_refusal_writes_only_what_it_has() {
    let refusal = Refusal::new(RefusalCode::Busy, "your run is going");
    assert_eq!(
        serde_json::to_string(&refusal).expect("serialize"),
        r#"{"code":"busy","message":"your run is going"}"#
    );
    let written = serde_json::to_string(&RoomMessage::Refused(refusal.retry_after(1500))).expect("serialize");
    assert_eq!(
        written,
        r#"{"type":"refused","code":"busy","message":"your run is going","retry_after_ms":1500}"#
    );
}

#[test]
fn a_new_room_reads_course_ids_uploads_and_policies() {
    let room: NewRoom = serde_json::from_value(json!({
        "title": "Tuesday",
        "exercises": [{"from": "course", "id": "confirms"}, {"from": "upload", "document": {"version": 1}}],
        "solutions": {"show": "after", "attempts": 2},
        "node_faults": "learners"
    }))
    .expect("reads");
    assert_eq!(room.exercises.len(), 2);
    assert_eq!(room.solutions, Some(SolutionPolicy::After { attempts: 2 }));
    assert_eq!(room.node_faults, Some(NodeFaultPolicy::Learners));
    let bare: NewRoom =
        serde_json::from_value(json!({"title": "t", "exercises": [{"from": "course", "id": "nack"}]})).expect("reads");
    assert_eq!((bare.solutions, bare.node_faults), (None, None));
    let never: SolutionPolicy = serde_json::from_value(json!({"show": "never"})).expect("reads");
    assert!(!never.allows(100));
    assert!(SolutionPolicy::DEFAULT.allows(1) && !SolutionPolicy::DEFAULT.allows(0));
    assert!(SolutionPolicy::Always.allows(0));
}

#[test]
fn the_room_requests_are_client_messages() {
    for (text, expected) in [
        (
            r#"{"type":"join","room":"k7qm-x2pd","name":" Ada "}"#,
            ClientMessage::Join {
                room: "k7qm-x2pd".into(),
                name: " Ada ".into(),
            },
        ),
        (
            r#"{"type":"rejoin","seat":"s"}"#,
            ClientMessage::Rejoin { seat: "s".into() },
        ),
        (
            r#"{"type":"solution","exercise":"e"}"#,
            ClientMessage::Solution { exercise: "e".into() },
        ),
        (
            r#"{"type":"instructor","token":"t"}"#,
            ClientMessage::Instructor { token: "t".into() },
        ),
        (
            r#"{"type":"watch","room":"r"}"#,
            ClientMessage::Watch { room: "r".into() },
        ),
    ] {
        assert_eq!(serde_json::from_str::<ClientMessage>(text).expect("reads"), expected);
    }
}

#[test]
fn an_attempt_travels_with_its_run() {
    let attempt = AttemptView {
        seat: "A1".into(),
        name: "Ada".into(),
        exercise: "confirms".into(),
        attempt: 1,
        started_at_ms: 1,
        finished_at_ms: 2,
        passed: true,
        outcome: crate::Outcome::Completed,
        scenario: json!({"version": 1}),
        checks: Vec::new(),
        summary: Summary::default(),
        events: Vec::new(),
        events_cut: false,
    };
    let text = serde_json::to_string(&attempt).expect("serialize");
    assert_eq!(serde_json::from_str::<AttemptView>(&text).expect("reads"), attempt);
}
