//! Every statement the store runs, in one place. Parameters are written `$1`, `$2`, … in the
//! order they first appear (SQLite numbers `$N` parameters that way, PostgreSQL by their digits,
//! so the two agree), and nothing SQLite-only is used: a test holds every statement to both.

/// Declares each statement once, and the list the tests go through.
macro_rules! queries {
    ($($(#[doc = $doc:literal])* $name:ident = $sql:expr;)*) => {
        $($(#[doc = $doc])* pub(super) const $name: &str = $sql;)*

        /// Every statement, by name.
        #[cfg(test)]
        pub(super) const ALL: &[(&str, &str)] = &[$((stringify!($name), $name)),*];
    };
}

queries! {
    /// A new room.
    INSERT_ROOM = "INSERT INTO rooms (id, code, title, solutions, solutions_after, node_faults, current_position, \
                   created_at_ms, closed_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)";
    /// One of a new room's exercises.
    INSERT_ROOM_EXERCISE = "INSERT INTO room_exercises (room_id, position, exercise_id, title_en, title_zh, \
                            needs_node_faults, document) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    /// Every room, newest first.
    SELECT_ROOMS = "SELECT id, code, title, solutions, solutions_after, node_faults, current_position, created_at_ms, \
                    closed_at_ms FROM rooms ORDER BY created_at_ms DESC, id";
    /// The room with a join code.
    SELECT_ROOM_BY_CODE = "SELECT id, code, title, solutions, solutions_after, node_faults, current_position, \
                           created_at_ms, closed_at_ms FROM rooms WHERE code = $1";
    /// The room with an id.
    SELECT_ROOM_BY_ID = "SELECT id, code, title, solutions, solutions_after, node_faults, current_position, \
                         created_at_ms, closed_at_ms FROM rooms WHERE id = $1";
    /// A room's exercises, in order.
    SELECT_ROOM_EXERCISES = "SELECT exercise_id, title_en, title_zh, needs_node_faults, document FROM room_exercises \
                             WHERE room_id = $1 ORDER BY position";
    /// How many learners a room has.
    COUNT_SEATS = "SELECT COUNT(*) FROM seats WHERE room_id = $1";
    /// Move a room to another exercise.
    UPDATE_CURRENT = "UPDATE rooms SET current_position = $1 WHERE id = $2";
    /// Close a room (once).
    CLOSE_ROOM = "UPDATE rooms SET closed_at_ms = $1 WHERE id = $2 AND closed_at_ms IS NULL";
    /// A new seat.
    INSERT_SEAT = "INSERT INTO seats (id, room_id, secret, name, name_key, joined_at_ms) VALUES ($1, $2, $3, $4, $5, $6)";
    /// The seat a secret gives.
    SELECT_SEAT_BY_SECRET = "SELECT id, room_id, name, joined_at_ms FROM seats WHERE secret = $1";
    /// One seat of a room, by its public id.
    SELECT_SEAT = "SELECT id, room_id, name, joined_at_ms FROM seats WHERE room_id = $1 AND id = $2";
    /// A room's seats, in the order they joined.
    SELECT_SEATS = "SELECT id, room_id, name, joined_at_ms FROM seats WHERE room_id = $1 ORDER BY joined_at_ms, id";
    /// The number the next attempt of a seat at an exercise gets.
    NEXT_ATTEMPT_NUMBER = "SELECT COALESCE(MAX(number), 0) + 1 FROM attempts WHERE seat_id = $1 AND exercise_id = $2";
    /// Forget the events of a seat's earlier attempts at an exercise.
    DELETE_EARLIER_EVENTS = "DELETE FROM attempt_events WHERE attempt_id IN \
                             (SELECT id FROM attempts WHERE seat_id = $1 AND exercise_id = $2)";
    /// A new attempt.
    INSERT_ATTEMPT = "INSERT INTO attempts (id, room_id, seat_id, exercise_id, number, started_at_ms, finished_at_ms, \
                      outcome, passed, failed_check, scenario, checks, summary) \
                      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
    /// A new attempt's events.
    INSERT_EVENTS = "INSERT INTO attempt_events (attempt_id, events, cut) VALUES ($1, $2, $3)";
    /// Every attempt of a room, light.
    SELECT_ROOM_ATTEMPTS = "SELECT seat_id, exercise_id, number, finished_at_ms, passed, failed_check FROM attempts \
                            WHERE room_id = $1 ORDER BY seat_id, exercise_id, number";
    /// Every attempt of a seat, light.
    SELECT_SEAT_ATTEMPTS = "SELECT seat_id, exercise_id, number, finished_at_ms, passed, failed_check FROM attempts \
                            WHERE seat_id = $1 ORDER BY exercise_id, number";
    /// A seat's latest attempt at an exercise, whole.
    SELECT_LATEST_ATTEMPT = "SELECT a.seat_id, a.exercise_id, a.number, a.finished_at_ms, a.passed, a.failed_check, \
                             a.started_at_ms, a.outcome, a.scenario, a.checks, a.summary, e.events, e.cut \
                             FROM attempts a LEFT JOIN attempt_events e ON e.attempt_id = a.id \
                             WHERE a.room_id = $1 AND a.seat_id = $2 AND a.exercise_id = $3 \
                             ORDER BY a.number DESC LIMIT 1";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every statement prepares against the schema, and its parameters are `$1`…`$n` in order.
    #[test]
    fn statements_prepare_and_number_their_parameters_in_order() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("memory");
        super::super::schema::MIGRATIONS.to_latest(&mut conn).expect("migrates");
        for (name, sql) in ALL {
            let statement = conn.prepare(sql).unwrap_or_else(|e| panic!("{name}: {e}"));
            for index in 1..=statement.parameter_count() {
                let expected = format!("${index}");
                assert_eq!(
                    statement.parameter_name(index),
                    Some(expected.as_str()),
                    "{name}: parameter {index}"
                );
            }
        }
    }

    /// Nothing only SQLite reads, in the statements or the migrations.
    #[test]
    fn nothing_sqlite_only() {
        let migrations = include_str!("migrations/001-rooms-seats-attempts.sql");
        let texts = ALL
            .iter()
            .map(|(name, sql)| (*name, *sql))
            .chain([("migration 1", migrations)]);
        for (name, sql) in texts {
            let upper = sql.to_uppercase();
            for word in [
                "INSERT OR",
                "REPLACE INTO",
                "AUTOINCREMENT",
                "IFNULL(",
                "GLOB",
                "WITHOUT ROWID",
                "ROWID",
                "STRICT",
                "PRAGMA",
                "`",
                "?",
            ] {
                assert!(!upper.contains(word), "{name} uses {word}");
            }
        }
    }
}
