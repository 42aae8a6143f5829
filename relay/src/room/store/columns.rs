//! Values as columns and back: times and counts as `BIGINT`, policies as words, JSON as text.

use rusqlite::Row;
use serde::Serialize;
use serde::de::DeserializeOwned;
use warren_shared::exercise::Text;
use warren_shared::room::{NodeFaultPolicy, SolutionPolicy};

use crate::room::error::StoreError;
use crate::room::model::{AttemptRow, Seat};

/// A count or time as a `BIGINT` (saturating: no time or count comes near).
pub(super) fn int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A `BIGINT` as a count or time (a negative one reads as 0).
pub(super) fn uint(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// A position as a `BIGINT`.
pub(super) fn position(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A value as JSON text.
pub(super) fn json<T: Serialize>(what: &'static str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|source| StoreError::Encode { what, source })
}

/// JSON text as a value.
pub(super) fn from_json<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::Decode {
        what,
        detail: error.to_string(),
    })
}

/// A value written as a word (an outcome), from its column.
pub(super) fn from_word<T: DeserializeOwned>(what: &'static str, word: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(word.to_owned())).map_err(|error| StoreError::Decode {
        what,
        detail: error.to_string(),
    })
}

/// A solution policy as its two columns: the word and the attempts it waits for.
pub(super) fn solutions_columns(policy: SolutionPolicy) -> (&'static str, i64) {
    match policy {
        SolutionPolicy::Never => ("never", 0),
        SolutionPolicy::After { attempts } => ("after", int(attempts)),
        SolutionPolicy::Always => ("always", 0),
    }
}

/// A solution policy from its two columns.
pub(super) fn solutions_from(word: &str, after: i64) -> Result<SolutionPolicy, StoreError> {
    match word {
        "never" => Ok(SolutionPolicy::Never),
        "after" => Ok(SolutionPolicy::After { attempts: uint(after) }),
        "always" => Ok(SolutionPolicy::Always),
        other => Err(StoreError::Decode {
            what: "a room's solution policy",
            detail: format!("unknown policy {other:?}"),
        }),
    }
}

/// A node-fault policy from its column.
pub(super) fn node_faults_from(word: &str) -> Result<NodeFaultPolicy, StoreError> {
    match word {
        "demos" => Ok(NodeFaultPolicy::Demos),
        "learners" => Ok(NodeFaultPolicy::Learners),
        other => Err(StoreError::Decode {
            what: "a room's node-fault policy",
            detail: format!("unknown policy {other:?}"),
        }),
    }
}

/// A seat from `id, room_id, name, joined_at_ms`.
pub(super) fn seat(row: &Row<'_>) -> rusqlite::Result<Seat> {
    Ok(Seat {
        id: row.get(0)?,
        room_id: row.get(1)?,
        name: row.get(2)?,
        joined_at_ms: uint(row.get(3)?),
    })
}

/// An attempt's columns before its failed check is read.
pub(super) struct RawRow {
    pub(super) row: AttemptRow,
    pub(super) failed_check: Option<String>,
}

/// An attempt row from `seat_id, exercise_id, number, finished_at_ms, passed, failed_check`.
pub(super) fn attempt_row(row: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        row: AttemptRow {
            seat_id: row.get(0)?,
            exercise_id: row.get(1)?,
            number: uint(row.get(2)?),
            finished_at_ms: uint(row.get(3)?),
            passed: row.get(4)?,
            failed_check: None,
        },
        failed_check: row.get(5)?,
    })
}

impl RawRow {
    /// The row, its failed check read.
    pub(super) fn finish(self) -> Result<AttemptRow, StoreError> {
        let failed_check = match self.failed_check {
            Some(text) => Some(from_json::<Text>("an attempt's failed check", &text)?),
            None => None,
        };
        Ok(AttemptRow {
            failed_check,
            ..self.row
        })
    }
}
