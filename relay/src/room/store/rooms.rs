//! Rooms and their exercises.

use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, params};
use warren_shared::exercise::Text;

use super::columns::{int, node_faults_from, position, solutions_columns, solutions_from, uint};
use super::queries::{
    CLOSE_ROOM, COUNT_SEATS, INSERT_ROOM, INSERT_ROOM_EXERCISE, SELECT_ROOM_BY_CODE, SELECT_ROOM_BY_ID,
    SELECT_ROOM_EXERCISES, SELECT_ROOMS, UPDATE_CURRENT,
};
use crate::room::error::StoreError;
use crate::room::model::{NewRoom, Room, RoomExercise};

/// Create a room and its exercises in one transaction.
pub(super) fn create(conn: &mut Connection, room: &NewRoom) -> Result<Room, StoreError> {
    let tx = conn.transaction()?;
    let (solutions, after) = solutions_columns(room.solutions);
    let inserted = tx.execute(
        INSERT_ROOM,
        params![
            room.id,
            room.code,
            room.title,
            solutions,
            after,
            room.node_faults.as_str(),
            0_i64,
            int(room.created_at_ms)
        ],
    );
    if let Err(error) = inserted {
        return Err(match error.sqlite_error_code() {
            Some(ErrorCode::ConstraintViolation) if error.to_string().contains("rooms.code") => StoreError::CodeTaken,
            _ => error.into(),
        });
    }
    for (index, exercise) in room.exercises.iter().enumerate() {
        let document = super::columns::json("an exercise document", &exercise.document)?;
        tx.execute(
            INSERT_ROOM_EXERCISE,
            params![
                room.id,
                position(index),
                exercise.id,
                exercise.title.en,
                exercise.title.zh,
                exercise.needs_node_faults,
                document
            ],
        )?;
    }
    tx.commit()?;
    Ok(Room {
        id: room.id.clone(),
        code: room.code.clone(),
        title: room.title.clone(),
        solutions: room.solutions,
        node_faults: room.node_faults,
        current: 0,
        created_at_ms: room.created_at_ms,
        closed_at_ms: None,
        exercises: room.exercises.clone(),
        learners: 0,
    })
}

/// Every room, newest first.
pub(super) fn all(conn: &Connection) -> Result<Vec<Room>, StoreError> {
    let heads = conn
        .prepare_cached(SELECT_ROOMS)?
        .query_map([], head)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    heads.into_iter().map(|head| complete(conn, head)).collect()
}

/// The room with a join code.
pub(super) fn by_code(conn: &Connection, code: &str) -> Result<Option<Room>, StoreError> {
    let head = conn
        .prepare_cached(SELECT_ROOM_BY_CODE)?
        .query_row([code], head)
        .optional()?;
    head.map(|head| complete(conn, head)).transpose()
}

/// The room with an id.
pub(super) fn by_id(conn: &Connection, id: &str) -> Result<Option<Room>, StoreError> {
    let head = conn
        .prepare_cached(SELECT_ROOM_BY_ID)?
        .query_row([id], head)
        .optional()?;
    head.map(|head| complete(conn, head)).transpose()
}

/// Move a room to another exercise.
pub(super) fn set_current(conn: &Connection, id: &str, current: usize) -> Result<(), StoreError> {
    conn.prepare_cached(UPDATE_CURRENT)?
        .execute(params![position(current), id])?;
    Ok(())
}

/// Close a room.
pub(super) fn close(conn: &Connection, id: &str, at_ms: u64) -> Result<(), StoreError> {
    conn.prepare_cached(CLOSE_ROOM)?.execute(params![int(at_ms), id])?;
    Ok(())
}

/// A room's own columns, before its exercises and learners are read.
struct Head {
    id: String,
    code: String,
    title: String,
    solutions: String,
    solutions_after: i64,
    node_faults: String,
    current: i64,
    created_at_ms: i64,
    closed_at_ms: Option<i64>,
}

fn head(row: &Row<'_>) -> rusqlite::Result<Head> {
    Ok(Head {
        id: row.get(0)?,
        code: row.get(1)?,
        title: row.get(2)?,
        solutions: row.get(3)?,
        solutions_after: row.get(4)?,
        node_faults: row.get(5)?,
        current: row.get(6)?,
        created_at_ms: row.get(7)?,
        closed_at_ms: row.get(8)?,
    })
}

/// The room of `head`, with its exercises and how many learners it has.
fn complete(conn: &Connection, head: Head) -> Result<Room, StoreError> {
    let raw = conn
        .prepare_cached(SELECT_ROOM_EXERCISES)?
        .query_map([&head.id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, bool>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let exercises = raw
        .into_iter()
        .map(|(id, en, zh, needs_node_faults, document)| {
            Ok(RoomExercise {
                id,
                title: Text::new(en, zh),
                needs_node_faults,
                document: super::columns::from_json("an exercise document", &document)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let learners: i64 = conn
        .prepare_cached(COUNT_SEATS)?
        .query_row([&head.id], |row| row.get(0))?;
    Ok(Room {
        solutions: solutions_from(&head.solutions, head.solutions_after)?,
        node_faults: node_faults_from(&head.node_faults)?,
        current: usize::try_from(head.current).unwrap_or(0),
        created_at_ms: uint(head.created_at_ms),
        closed_at_ms: head.closed_at_ms.map(uint),
        learners: uint(learners),
        id: head.id,
        code: head.code,
        title: head.title,
        exercises,
    })
}
