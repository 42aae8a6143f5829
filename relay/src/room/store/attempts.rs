//! Attempts, and the events of each seat's latest attempt at each exercise.

use rusqlite::{Connection, OptionalExtension, params};
use warren_shared::Outcome;

use super::columns::{RawRow, attempt_row, from_json, from_word, int, json, uint};
use super::queries::{
    DELETE_EARLIER_EVENTS, INSERT_ATTEMPT, INSERT_EVENTS, NEXT_ATTEMPT_NUMBER, SELECT_LATEST_ATTEMPT,
    SELECT_ROOM_ATTEMPTS, SELECT_SEAT_ATTEMPTS,
};
use crate::room::error::StoreError;
use crate::room::model::{Attempt, AttemptRow, NewAttempt};

/// Record an attempt in one transaction: its number, its row, its events in place of the
/// earlier attempts' events.
pub(super) fn record(conn: &mut Connection, attempt: &NewAttempt) -> Result<u64, StoreError> {
    let failed_check = attempt
        .failed_check()
        .map(|text| json("an attempt's failed check", text))
        .transpose()?;
    let scenario = json("an attempt's scenario", &attempt.scenario)?;
    let checks = json("an attempt's checks", &attempt.checks)?;
    let summary = json("an attempt's summary", &attempt.summary)?;
    let events = json("an attempt's events", &attempt.events)?;
    let tx = conn.transaction()?;
    let number: i64 = tx
        .prepare_cached(NEXT_ATTEMPT_NUMBER)?
        .query_row([&attempt.seat_id, &attempt.exercise_id], |row| row.get(0))?;
    tx.prepare_cached(DELETE_EARLIER_EVENTS)?
        .execute([&attempt.seat_id, &attempt.exercise_id])?;
    tx.prepare_cached(INSERT_ATTEMPT)?.execute(params![
        attempt.id,
        attempt.room_id,
        attempt.seat_id,
        attempt.exercise_id,
        number,
        int(attempt.started_at_ms),
        int(attempt.finished_at_ms),
        attempt.outcome.as_str(),
        attempt.passed,
        failed_check,
        scenario,
        checks,
        summary
    ])?;
    tx.prepare_cached(INSERT_EVENTS)?
        .execute(params![attempt.id, events, attempt.events_cut])?;
    tx.commit()?;
    Ok(uint(number))
}

/// Every attempt of a room, light.
pub(super) fn of_room(conn: &Connection, room_id: &str) -> Result<Vec<AttemptRow>, StoreError> {
    rows(conn, SELECT_ROOM_ATTEMPTS, room_id)
}

/// Every attempt of a seat, light.
pub(super) fn of_seat(conn: &Connection, seat_id: &str) -> Result<Vec<AttemptRow>, StoreError> {
    rows(conn, SELECT_SEAT_ATTEMPTS, seat_id)
}

fn rows(conn: &Connection, sql: &str, key: &str) -> Result<Vec<AttemptRow>, StoreError> {
    conn.prepare_cached(sql)?
        .query_map([key], attempt_row)?
        .collect::<rusqlite::Result<Vec<RawRow>>>()?
        .into_iter()
        .map(RawRow::finish)
        .collect()
}

/// A seat's latest attempt at an exercise, whole.
pub(super) fn latest(
    conn: &Connection,
    room_id: &str,
    seat_id: &str,
    exercise_id: &str,
) -> Result<Option<Attempt>, StoreError> {
    let found = conn
        .prepare_cached(SELECT_LATEST_ATTEMPT)?
        .query_row([room_id, seat_id, exercise_id], |row| {
            Ok((
                attempt_row(row)?,
                row.get::<_, i64>(6)?,
                row.get::<_, String>(7)?,
                row.get::<_, String>(8)?,
                row.get::<_, String>(9)?,
                row.get::<_, String>(10)?,
                row.get::<_, Option<String>>(11)?,
                row.get::<_, Option<bool>>(12)?,
            ))
        })
        .optional()?;
    let Some((raw, started_at_ms, outcome, scenario, checks, summary, events, cut)) = found else {
        return Ok(None);
    };
    let outcome: Outcome = from_word("an attempt's outcome", &outcome)?;
    Ok(Some(Attempt {
        row: raw.finish()?,
        started_at_ms: uint(started_at_ms),
        outcome,
        scenario: from_json("an attempt's scenario", &scenario)?,
        checks: from_json("an attempt's checks", &checks)?,
        summary: from_json("an attempt's summary", &summary)?,
        events: events
            .map(|text| from_json("an attempt's events", &text))
            .transpose()?
            .unwrap_or_default(),
        events_cut: cut.unwrap_or(false),
    }))
}
