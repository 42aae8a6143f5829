//! The schema's migrations, oldest first. A migration is never edited once released: a change
//! is a new file, appended here. The schema version lives in SQLite's `user_version`.

use rusqlite_migration::{M, Migrations};

/// Every migration, in order.
const STEPS: &[M<'static>] = &[M::up(include_str!("migrations/001-rooms-seats-attempts.sql"))];

/// The migrations, as the migration crate takes them.
pub(super) const MIGRATIONS: Migrations<'static> = Migrations::from_slice(STEPS);

/// The schema version this build writes.
pub(super) const LATEST: usize = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_sound_and_latest_is_their_count() {
        MIGRATIONS.validate().expect("valid migrations");
        let mut conn = rusqlite::Connection::open_in_memory().expect("memory");
        MIGRATIONS.to_latest(&mut conn).expect("migrates");
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .expect("user_version");
        assert_eq!(usize::try_from(version).expect("positive"), LATEST);
    }
}
