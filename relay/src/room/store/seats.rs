//! Learners' seats.

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use super::columns::{int, seat};
use super::queries::{INSERT_SEAT, SELECT_SEAT, SELECT_SEAT_BY_SECRET, SELECT_SEATS};
use crate::room::error::StoreError;
use crate::room::model::{NewSeat, Seat};

/// Add a seat; a name already in the room is [`StoreError::NameTaken`].
pub(super) fn add(conn: &Connection, new: &NewSeat) -> Result<Seat, StoreError> {
    let inserted = conn.prepare_cached(INSERT_SEAT)?.execute(params![
        new.id,
        new.room_id,
        new.secret,
        new.name,
        new.name_key,
        int(new.joined_at_ms)
    ]);
    match inserted {
        Ok(_) => Ok(Seat {
            id: new.id.clone(),
            room_id: new.room_id.clone(),
            name: new.name.clone(),
            joined_at_ms: new.joined_at_ms,
        }),
        Err(error)
            if error.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)
                && error.to_string().contains("seats.name_key") =>
        {
            Err(StoreError::NameTaken)
        }
        Err(error) => Err(error.into()),
    }
}

/// The seat a secret gives.
pub(super) fn by_secret(conn: &Connection, secret: &str) -> Result<Option<Seat>, StoreError> {
    Ok(conn
        .prepare_cached(SELECT_SEAT_BY_SECRET)?
        .query_row([secret], seat)
        .optional()?)
}

/// One seat of a room.
pub(super) fn one(conn: &Connection, room_id: &str, seat_id: &str) -> Result<Option<Seat>, StoreError> {
    Ok(conn
        .prepare_cached(SELECT_SEAT)?
        .query_row([room_id, seat_id], seat)
        .optional()?)
}

/// A room's seats, in the order they joined.
pub(super) fn of_room(conn: &Connection, room_id: &str) -> Result<Vec<Seat>, StoreError> {
    Ok(conn
        .prepare_cached(SELECT_SEATS)?
        .query_map([room_id], seat)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}
