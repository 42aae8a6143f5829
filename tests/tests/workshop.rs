//! The workshop room against a real relay and the real broker: an instructor and learners as
//! WebSocket and HTTP clients. Learners join, fail and pass exercises while the instructor's grid
//! follows within a second; a restart keeps every seat and attempt; no message gives a learner
//! another's attempt; wrong tokens are refused and then held off; names are unique and seats
//! secret; a learner runs one run at a time, so many a minute, and is told when to try again.

use serde_json::json;
use std::time::Duration;
use warren_shared::room::{AttemptView, Grid, ProgressState, RefusalCode, RoomMessage};
use warren_tests::Relay;
use warren_tests::workshop::{Api, Learner, TOKEN, Teacher, fresh_dir, refused, solution_of, start_of};

/// How soon the instructor's grid must show a learner's run.
const LIVE: Duration = Duration::from_secs(1);

/// The state of `name`'s cell for exercise number `index` in `grid`.
fn cell(grid: &Grid, name: &str, index: usize) -> Option<(ProgressState, u64)> {
    let learner = grid.learners.iter().find(|l| l.name == name)?;
    let cell = learner.cells.get(index)?;
    Some((cell.state, cell.attempts))
}

#[tokio::test]
async fn three_learners_fail_and_pass_while_the_instructor_watches_and_a_restart_keeps_it_all() {
    let dir = fresh_dir("live");
    let relay = Relay::start_workshop(&dir, TOKEN, |_| {}).await;
    let api = Api::new(&relay);
    let room = api.create("Tuesday", &["confirms", "returns"], json!({})).await;
    assert_eq!(room.current, "confirms");
    let (mut teacher, grid) = Teacher::watch(&relay, &room.code).await;
    assert!(grid.learners.is_empty());

    let mut ada = Learner::join(&relay, &room.code, "Ada").await;
    let mut grace = Learner::join(&relay, &room.code, " Grace ").await;
    let mut linus = Learner::join(&relay, &room.code.to_lowercase().replace('-', ""), "Linus").await;
    assert_eq!(grace.seat.name, "Grace", "trimmed");
    assert_eq!(ada.seat.scenarios.len(), 2);
    assert!(
        ada.seat.scenarios[0]["exercise"].get("solution").is_none(),
        "a learner starts without the solution"
    );
    assert!(ada.seat.progress.iter().all(|p| p.state == ProgressState::NotStarted));
    teacher.grid_until(LIVE, |g| g.learners.len() == 3).await;

    // Ada fails with the starting scenario.
    let failed = ada.attempt(&start_of("confirms")).await;
    assert!(!failed.passed && failed.number == 1, "{failed:?}");
    assert!(failed.checks.iter().any(|c| !c.passed));
    assert_eq!(failed.progress.state, ProgressState::Trying);
    assert!(failed.progress.failed_check.is_some(), "the check that failed");
    teacher
        .grid_until(LIVE.saturating_sub(failed.finished_at.elapsed()), |g| {
            cell(g, "Ada", 0) == Some((ProgressState::Trying, 1))
        })
        .await;

    // Grace passes with the solution.
    let passed = grace.attempt(&solution_of("confirms")).await;
    assert!(passed.passed, "{:?}", passed.checks);
    assert_eq!(
        (passed.progress.state, passed.progress.passed_after),
        (ProgressState::Passed, Some(1))
    );
    teacher
        .grid_until(LIVE.saturating_sub(passed.finished_at.elapsed()), |g| {
            cell(g, "Grace", 0) == Some((ProgressState::Passed, 1))
        })
        .await;

    // Linus drops the checks from his copy: the relay checks the room's exercise all the same.
    let mut tampered = start_of("confirms");
    tampered["exercise"]["checks"] = json!([]);
    let judged = linus.attempt(&tampered).await;
    assert_eq!(judged.checks.len(), 3, "the room's checks");
    assert!(!judged.passed);

    // Ada passes at her second attempt.
    let second = ada.attempt(&solution_of("confirms")).await;
    assert!(second.passed && second.number == 2);
    assert_eq!(second.progress.passed_after, Some(2));
    let grid = teacher
        .grid_until(LIVE.saturating_sub(second.finished_at.elapsed()), |g| {
            g.totals.first().is_some_and(|t| t.passed == 2)
        })
        .await;
    assert_eq!((grid.totals[0].trying, grid.totals[0].not_started), (1, 0));
    assert_eq!(grid.totals[1].not_started, 3);
    assert!(grid.learners.iter().all(|l| !l.stuck));

    // Solutions: after one attempt in this room.
    match ada.ask(json!({"type": "solution", "exercise": "confirms"})).await {
        RoomMessage::Solution { exercise, scenario } => {
            assert_eq!(exercise, "confirms");
            assert_eq!(scenario, start_of("confirms")["exercise"]["solution"]);
        }
        other => panic!("expected the solution, got {other:?}"),
    }
    let hidden = refused(ada.ask(json!({"type": "solution", "exercise": "returns"})).await);
    assert_eq!(hidden.code, RefusalCode::NotAllowed);
    assert!(hidden.message.contains("after 1 attempt"), "{}", hidden.message);

    // The instructor opens Linus's latest attempt, read-only, to replay it.
    let linus_seat = grid
        .learners
        .iter()
        .find(|l| l.name == "Linus")
        .expect("Linus")
        .seat
        .clone();
    let path = format!("/api/rooms/{}/attempts/{linus_seat}/confirms", room.code);
    let answer = api.get(&path, Some(TOKEN)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let attempt: AttemptView = answer.json();
    assert_eq!(
        (attempt.name.as_str(), attempt.attempt, attempt.passed),
        ("Linus", 1, false)
    );
    assert_eq!(attempt.checks.len(), 3);
    assert_eq!(attempt.scenario["exercise"]["checks"].as_array().map(Vec::len), Some(3));
    assert!(attempt.events.len() > 100, "the run's events, to replay");
    assert_eq!(attempt.summary.published, 100);

    // The results as CSV: a row per learner and exercise.
    let csv = api
        .get(&format!("/api/rooms/{}/results.csv", room.code), Some(TOKEN))
        .await;
    assert_eq!(csv.status, 200);
    let rows: Vec<&str> = csv.text.lines().collect();
    assert_eq!(rows.len(), 1 + 3 * 2, "{}", csv.text);
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Grace,") && r.contains(",confirms,passed,1,1,")),
        "{}",
        csv.text
    );

    // Next exercise, and a scenario for everyone.
    let moved = api
        .post(&format!("/api/rooms/{}/next", room.code), Some(TOKEN), &json!({}))
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    for learner in [&mut ada, &mut grace, &mut linus] {
        match learner.client.recv_room().await {
            RoomMessage::Room(view) => assert_eq!(view.current, "returns"),
            other => panic!("expected the room moved on, got {other:?}"),
        }
    }
    let demo = json!({"scenario": start_of("returns")});
    let pushed = api
        .post(&format!("/api/rooms/{}/push", room.code), Some(TOKEN), &demo)
        .await;
    assert_eq!(pushed.status, 200, "{}", pushed.text);
    assert_eq!(pushed.json::<serde_json::Value>()["sockets"], 3);
    for learner in [&mut ada, &mut grace, &mut linus] {
        match learner.client.recv_room().await {
            RoomMessage::Pushed(push) => assert_eq!(push.scenario["name"], start_of("returns")["name"]),
            other => panic!("expected the pushed scenario, got {other:?}"),
        }
    }

    // The relay restarts on the same folder: every seat and attempt is there.
    let secrets = [ada.seat.seat.clone(), grace.seat.seat.clone(), linus.seat.seat.clone()];
    drop((ada, grace, linus, teacher));
    relay.stop().await;
    let relay = Relay::start_workshop(&dir, TOKEN, |_| {}).await;
    let ada = Learner::rejoin(&relay, &secrets[0]).await;
    assert_eq!(ada.seat.name, "Ada");
    assert_eq!(ada.seat.room.current, "returns");
    assert_eq!(
        (
            ada.seat.progress[0].state,
            ada.seat.progress[0].attempts,
            ada.seat.progress[0].passed_after
        ),
        (ProgressState::Passed, 2, Some(2))
    );
    let linus = Learner::rejoin(&relay, &secrets[2]).await;
    assert_eq!(
        (linus.seat.progress[0].state, linus.seat.progress[0].attempts),
        (ProgressState::Trying, 1)
    );
    let (_teacher, grid) = Teacher::watch(&relay, &room.code).await;
    assert_eq!(grid.learners.len(), 3);
    assert_eq!((grid.totals[0].passed, grid.totals[0].trying), (2, 1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn no_message_gives_a_learner_another_learners_attempt() {
    let dir = fresh_dir("secrecy");
    let relay = Relay::start_workshop(&dir, TOKEN, |_| {}).await;
    let api = Api::new(&relay);
    let room = api
        .create("Secrets", &["confirms"], json!({"solutions": {"show": "never"}}))
        .await;
    let mut grace = Learner::join(&relay, &room.code, "Grace").await;
    let mut ada = Learner::join(&relay, &room.code, "Ada").await;
    assert!(grace.attempt(&solution_of("confirms")).await.passed);
    let grid = api
        .get(&format!("/api/rooms/{}/grid", room.code), Some(TOKEN))
        .await
        .json::<Grid>();
    let grace_id = grid
        .learners
        .iter()
        .find(|l| l.name == "Grace")
        .expect("Grace")
        .seat
        .clone();
    let grace_secret = grace.seat.seat.clone();

    // Ada's own seat shows her progress only.
    assert!(ada.seat.progress.iter().all(|p| p.attempts == 0));
    // Watching the grid, without being the instructor.
    let refusal = refused(ada.ask(json!({"type": "watch", "room": room.code})).await);
    assert_eq!(refusal.code, RefusalCode::Unauthorized);
    // The instructor's message, with Grace's secret or her seat's id as the token.
    for guess in [&grace_secret, &grace_id] {
        let refusal = refused(ada.ask(json!({"type": "instructor", "token": guess})).await);
        assert_eq!(refusal.code, RefusalCode::Unauthorized);
    }
    // Grace's seat by its public id, or by her name.
    let refusal = refused(ada.ask(json!({"type": "rejoin", "seat": grace_id})).await);
    assert_eq!(refusal.code, RefusalCode::UnknownSeat);
    let refusal = refused(
        ada.ask(json!({"type": "join", "room": room.code, "name": "grace"}))
            .await,
    );
    assert_eq!(refusal.code, RefusalCode::NameTaken);
    // The solution Grace earned, in a room that shows none.
    let refusal = refused(ada.ask(json!({"type": "solution", "exercise": "confirms"})).await);
    assert_eq!(refusal.code, RefusalCode::NotAllowed);
    // Over HTTP: the attempt by Grace's seat, which the instructor sees, without a token or with
    // a learner's secret (two wrong tokens came over the socket already).
    let path = format!("/api/rooms/{}/attempts/{grace_id}/confirms", room.code);
    assert_eq!(api.get(&path, Some(TOKEN)).await.status, 200);
    for token in [None, Some(ada.seat.seat.as_str()), Some(grace_secret.as_str())] {
        let answer = api.get(&path, token).await;
        assert_eq!(answer.status, 401, "{}", answer.text);
        assert_eq!(answer.refusal().code, RefusalCode::Unauthorized);
        assert!(
            !answer.text.contains("Grace") && !answer.text.contains(&grace_id),
            "{}",
            answer.text
        );
    }
    // Five wrong tokens from this address: from now on it is held off, whatever it sends.
    for path in [
        format!("/api/rooms/{}/grid", room.code),
        format!("/api/rooms/{}/results.csv", room.code),
        "/api/rooms".to_owned(),
        path.clone(),
    ] {
        let answer = api.get(&path, Some(&grace_secret)).await;
        assert_eq!(answer.status, 429, "{path}: {}", answer.text);
        assert_eq!(answer.refusal().code, RefusalCode::TooManyFailures);
        assert!(
            !answer.text.contains("Grace") && !answer.text.contains(&grace_id),
            "{}",
            answer.text
        );
    }
    // Nothing Ada was sent holds Grace's secret, her seat's id or her attempt.
    ada.client
        .send_json(&json!({"type": "solution", "exercise": "nope"}))
        .await;
    let last = refused(ada.client.recv_room().await);
    assert_eq!(last.code, RefusalCode::NotFound);
    let mine = serde_json::to_string(&ada.seat).expect("serialize");
    assert!(!mine.contains(&grace_secret) && !mine.contains(&grace_id) && !mine.contains("Grace"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_wrong_instructor_token_is_refused_and_then_held_off() {
    let dir = fresh_dir("tokens");
    let relay = Relay::start_workshop(&dir, TOKEN, |_| {}).await;
    let api = Api::new(&relay);
    let answer = api.post("/api/rooms", None, &json!({})).await;
    assert_eq!((answer.status, answer.refusal().code), (401, RefusalCode::Unauthorized));
    for _ in 0..4 {
        let answer = api.get("/api/rooms", Some("not-the-token-at-all")).await;
        assert_eq!(answer.status, 401);
        assert!(
            answer.refusal().message.contains("Authorization: Bearer"),
            "{}",
            answer.text
        );
    }
    // Five wrong tokens in a minute: even the right one waits now, and is told how long.
    let answer = api.get("/api/rooms", Some(TOKEN)).await;
    assert_eq!(answer.status, 429, "{}", answer.text);
    let refusal = answer.refusal();
    assert_eq!(refusal.code, RefusalCode::TooManyFailures);
    let retry = refusal.retry_after_ms.expect("when to try again");
    assert!(retry > 50_000 && retry <= 60_000, "{retry}");
    assert!(
        answer.retry_after.is_some_and(|s| (50..=60).contains(&s)),
        "{:?}",
        answer.retry_after
    );
    let (mut socket, _) = relay.connect().await;
    let refusal =
        refused(warren_tests::workshop::ask(&mut socket, json!({"type": "instructor", "token": TOKEN})).await);
    assert_eq!(refusal.code, RefusalCode::TooManyFailures);
    // An unknown endpoint answers in the same JSON.
    assert_eq!(
        api.get("/api/nothing", None).await.refusal().code,
        RefusalCode::NotFound
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn names_are_unique_in_a_room_and_a_seat_comes_back_only_with_its_secret() {
    let dir = fresh_dir("names");
    let relay = Relay::start_workshop(&dir, TOKEN, |_| {}).await;
    let api = Api::new(&relay);
    let room = api.create("Names", &["confirms"], json!({})).await;
    let ada = Learner::join(&relay, &room.code, "  Ada   Lovelace ").await;
    assert_eq!(ada.seat.name, "Ada Lovelace");
    let (mut other, _) = relay.connect().await;
    let ask = warren_tests::workshop::ask;
    for (name, code) in [
        ("ada  LOVELACE", RefusalCode::NameTaken),
        ("   ", RefusalCode::BadName),
        (&"x".repeat(41), RefusalCode::BadName),
        ("Ada\u{200B}", RefusalCode::BadName),
    ] {
        let refusal = refused(ask(&mut other, json!({"type": "join", "room": room.code, "name": name})).await);
        assert_eq!(refusal.code, code, "{name:?}: {}", refusal.message);
    }
    let refusal = refused(ask(&mut other, json!({"type": "join", "room": "ZZZZ-ZZZZ", "name": "Eve"})).await);
    assert_eq!(refusal.code, RefusalCode::NoRoom);
    // A second tab with the secret is the same seat.
    let again = Learner::rejoin(&relay, &ada.seat.seat).await;
    assert_eq!(
        (again.seat.name.as_str(), again.seat.seat.as_str()),
        ("Ada Lovelace", ada.seat.seat.as_str())
    );
    // A closed room takes nobody new, and says so as it says of a wrong code.
    let closed = api
        .post(&format!("/api/rooms/{}/close", room.code), Some(TOKEN), &json!({}))
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    let refusal = refused(ask(&mut other, json!({"type": "join", "room": room.code, "name": "Eve"})).await);
    assert_eq!(refusal.code, RefusalCode::NoRoom);
    let back = Learner::rejoin(&relay, &ada.seat.seat).await;
    assert!(
        back.seat.room.closed,
        "a learner still sees a closed room and their results"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn one_run_at_a_time_and_so_many_a_minute_each_refusal_saying_when() {
    let dir = fresh_dir("limits");
    let relay = Relay::start_workshop(&dir, TOKEN, |config| config.runs_per_minute = 2).await;
    let api = Api::new(&relay);
    let room = api.create("Limits", &["confirms", "mirror-loss"], json!({})).await;
    let mut ada = Learner::join(&relay, &room.code, "Ada").await;
    // A slow run of the exercise holds Ada's one run.
    let mut slow = start_of("confirms");
    slow["publishers"][0]["rate_per_sec"] = json!(20);
    ada.client.send_json(&json!({"type": "run", "scenario": slow})).await;
    let started = ada
        .client
        .read_until(|e| matches!(e.kind, warren_shared::EventKind::Published { .. }))
        .await;
    assert!(!started.run_id.is_empty());
    // Her second tab may not start another.
    let mut tab = Learner::rejoin(&relay, &ada.seat.seat).await;
    tab.client
        .send_json(&json!({"type": "run", "scenario": start_of("confirms")}))
        .await;
    let busy = refused(tab.client.recv_room().await);
    assert_eq!(busy.code, RefusalCode::Busy);
    assert!(busy.retry_after_ms.is_some_and(|ms| ms > 0), "{busy:?}");
    assert!(busy.message.contains("still going"), "{}", busy.message);
    // Stopped, it is no attempt, and the next run may start.
    ada.client.stop().await;
    let stopped = ada.client.follow_run_into(started).await;
    assert_eq!(stopped.outcome, Some(warren_shared::Outcome::Stopped));
    let second = tab.attempt(&start_of("confirms")).await;
    assert_eq!(second.number, 1, "the stopped run was not recorded");
    // Two runs this minute, the limit here: the third waits, and is told how long.
    tab.client
        .send_json(&json!({"type": "run", "scenario": start_of("confirms")}))
        .await;
    let limited = refused(tab.client.recv_room().await);
    assert_eq!(limited.code, RefusalCode::RateLimited);
    let retry = limited.retry_after_ms.expect("when to try again");
    assert!(retry > 0 && retry <= 60_000, "{retry}");
    assert!(limited.message.contains("try again in"), "{}", limited.message);
    // An exercise that stops nodes is the instructor's demo in this room.
    let mirror = refused(
        ada.ask(json!({"type": "run", "scenario": start_of("mirror-loss")}))
            .await,
    );
    assert_eq!(mirror.code, RefusalCode::NotAllowed);
    assert!(mirror.message.contains("stops nodes"), "{}", mirror.message);
    assert_eq!(ada.seat.fault_limits, None, "no other limits for learners in this room");
    // A room that lets learners run them tells their pages the limits those runs have; the
    // instructor's socket is told her demos' limits.
    let open = api
        .create("Faults for all", &["mirror-loss"], json!({"node_faults": "learners"}))
        .await;
    let grace = Learner::join(&relay, &open.code, "Grace").await;
    let faults = grace
        .seat
        .fault_limits
        .clone()
        .expect("the limits of the fault exercises");
    assert!(faults.node_faults, "{faults:?}");
    let (mut teacher, _) = relay.connect().await;
    match warren_tests::workshop::ask(&mut teacher, json!({"type": "instructor", "token": TOKEN})).await {
        RoomMessage::Instructor { limits, .. } => assert!(limits.node_faults, "{limits:?}"),
        other => panic!("expected instructor, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
