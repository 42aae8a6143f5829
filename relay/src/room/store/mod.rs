//! The workshop's store: rooms, seats and attempts in an SQLite file, behind a small typed API.
//!
//! # Layout
//! - this file: [`Store`], opening it (folder, file, settings, migrations, a quick integrity
//!   check) and running its work off the async threads, each call within [`STORE_TIMEOUT`].
//! - `schema`: the migrations (`migrations/*.sql`), applied in order at open.
//! - `queries`: every SQL statement, portable to PostgreSQL (tested).
//! - `rooms`, `seats`, `attempts`: the operations, one file per table they are about.
//! - `columns`: turning columns into values and back.
//!
//! One connection, used by one call at a time: a workshop's writes are a few a second, each
//! well under a millisecond, and SQLite in WAL mode keeps reads cheap.

mod attempts;
mod columns;
mod queries;
mod rooms;
mod schema;
mod seats;

use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::error::{OpenError, StoreError};
use super::model::{Attempt, AttemptRow, NewAttempt, NewRoom, NewSeat, Room, Seat};

/// The longest one store call may take before its caller gives up (the call itself finishes).
pub const STORE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long SQLite waits for a lock another process holds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// The workshop's database; cheap to clone, clones share the connection.
#[derive(Debug, Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
}

impl Store {
    /// Open (or create) the database at `path`, creating its folder, and bring its schema up to
    /// date. Every failure is an [`OpenError`] whose message says what to do.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| OpenError::Folder {
                dir: dir.to_path_buf(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, &e))?;
        Self::prepare(conn, path)
    }

    /// A database in memory, for tests.
    pub fn in_memory() -> Result<Self, OpenError> {
        let path = Path::new(":memory:");
        Self::prepare(Connection::open_in_memory().map_err(|e| classify(path, &e))?, path)
    }

    /// Where the database is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn prepare(mut conn: Connection, path: &Path) -> Result<Self, OpenError> {
        let fail = |e: rusqlite::Error| classify(path, &e);
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        // WAL: readers never wait for the writer. (In memory, the mode stays "memory".)
        let _mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(fail)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(fail)?;
        let check: String = conn
            .pragma_query_value(None, "quick_check", |row| row.get(0))
            .map_err(fail)?;
        if check != "ok" {
            return Err(OpenError::Corrupt {
                path: path.to_path_buf(),
                detail: format!("SQLite's integrity check says: {check}"),
            });
        }
        let found = usize::from(
            schema::MIGRATIONS
                .current_version(&conn)
                .map_err(|e| migration(path, e))?,
        );
        if found > schema::LATEST {
            return Err(OpenError::Newer {
                path: path.to_path_buf(),
                found,
                known: schema::LATEST,
            });
        }
        schema::MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|e| migration(path, e))?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            path: Arc::new(path.to_path_buf()),
        })
    }

    /// Run `job` on the connection on a blocking thread, within [`STORE_TIMEOUT`].
    async fn call<T, F>(&self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let task = tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            job(&mut conn)
        });
        match tokio::time::timeout(STORE_TIMEOUT, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(error)) => Err(StoreError::Gone(error.to_string())),
            Err(_) => Err(StoreError::TimedOut(STORE_TIMEOUT)),
        }
    }

    /// Create a room with its exercises; [`StoreError::CodeTaken`] when its code is in use.
    pub async fn create_room(&self, room: NewRoom) -> Result<Room, StoreError> {
        self.call(move |conn| rooms::create(conn, &room)).await
    }

    /// Every room, newest first.
    pub async fn rooms(&self) -> Result<Vec<Room>, StoreError> {
        self.call(|conn| rooms::all(conn)).await
    }

    /// The room with this join code (without its dash).
    pub async fn room_by_code(&self, code: &str) -> Result<Option<Room>, StoreError> {
        let code = code.to_owned();
        self.call(move |conn| rooms::by_code(conn, &code)).await
    }

    /// The room with this id.
    pub async fn room(&self, id: &str) -> Result<Option<Room>, StoreError> {
        let id = id.to_owned();
        self.call(move |conn| rooms::by_id(conn, &id)).await
    }

    /// Move a room to the exercise at `position`.
    pub async fn set_current(&self, room_id: &str, position: usize) -> Result<(), StoreError> {
        let id = room_id.to_owned();
        self.call(move |conn| rooms::set_current(conn, &id, position)).await
    }

    /// Close a room at `at_ms` (a closed room stays closed at its first time).
    pub async fn close_room(&self, room_id: &str, at_ms: u64) -> Result<(), StoreError> {
        let id = room_id.to_owned();
        self.call(move |conn| rooms::close(conn, &id, at_ms)).await
    }

    /// Add a seat; [`StoreError::NameTaken`] when its name is in use in the room.
    pub async fn add_seat(&self, seat: NewSeat) -> Result<Seat, StoreError> {
        self.call(move |conn| seats::add(conn, &seat)).await
    }

    /// The seat this secret gives, if any.
    pub async fn seat_by_secret(&self, secret: &str) -> Result<Option<Seat>, StoreError> {
        let secret = secret.to_owned();
        self.call(move |conn| seats::by_secret(conn, &secret)).await
    }

    /// One seat of a room, by its public id.
    pub async fn seat(&self, room_id: &str, seat_id: &str) -> Result<Option<Seat>, StoreError> {
        let (room, seat) = (room_id.to_owned(), seat_id.to_owned());
        self.call(move |conn| seats::one(conn, &room, &seat)).await
    }

    /// A room's seats, in the order they joined.
    pub async fn seats(&self, room_id: &str) -> Result<Vec<Seat>, StoreError> {
        let id = room_id.to_owned();
        self.call(move |conn| seats::of_room(conn, &id)).await
    }

    /// Record an attempt, numbered after the seat's earlier ones at the exercise (whose events it
    /// replaces); its number.
    pub async fn record_attempt(&self, attempt: NewAttempt) -> Result<u64, StoreError> {
        self.call(move |conn| attempts::record(conn, &attempt)).await
    }

    /// Every attempt of a room, light, by seat, exercise and number.
    pub async fn room_attempts(&self, room_id: &str) -> Result<Vec<AttemptRow>, StoreError> {
        let id = room_id.to_owned();
        self.call(move |conn| attempts::of_room(conn, &id)).await
    }

    /// Every attempt of a seat, light, by exercise and number.
    pub async fn seat_attempts(&self, seat_id: &str) -> Result<Vec<AttemptRow>, StoreError> {
        let id = seat_id.to_owned();
        self.call(move |conn| attempts::of_seat(conn, &id)).await
    }

    /// A seat's latest attempt at an exercise of a room, whole.
    pub async fn latest_attempt(
        &self,
        room_id: &str,
        seat_id: &str,
        exercise_id: &str,
    ) -> Result<Option<Attempt>, StoreError> {
        let (room, seat, exercise) = (room_id.to_owned(), seat_id.to_owned(), exercise_id.to_owned());
        self.call(move |conn| attempts::latest(conn, &room, &seat, &exercise))
            .await
    }
}

/// The open error a failure of SQLite means.
fn classify(path: &Path, error: &rusqlite::Error) -> OpenError {
    let path = path.to_path_buf();
    let detail = error.to_string();
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => OpenError::Corrupt { path, detail },
        Some(
            ErrorCode::ReadOnly
            | ErrorCode::CannotOpen
            | ErrorCode::PermissionDenied
            | ErrorCode::DiskFull
            | ErrorCode::SystemIoFailure,
        ) => OpenError::Unwritable { path, detail },
        _ => OpenError::Other { path, detail },
    }
}

/// The open error a failed migration means.
fn migration(path: &Path, error: rusqlite_migration::Error) -> OpenError {
    match error {
        rusqlite_migration::Error::RusqliteError { err, .. } => classify(path, &err),
        other => OpenError::Other {
            path: path.to_path_buf(),
            detail: format!("could not bring its schema up to date: {other}"),
        },
    }
}

#[cfg(test)]
mod tests;
