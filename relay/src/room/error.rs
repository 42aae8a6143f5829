//! The workshop store's errors: why it could not be opened (reported at start-up, one paragraph
//! each: what, where, what to do), and why one of its operations failed.

use std::path::PathBuf;

/// Why the workshop's database could not be opened. Each message is the whole paragraph
/// `warren serve --workshop` prints before it stops.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The folder could not be created.
    #[error(
        "could not create the workshop's folder {dir}: {source}. Warren keeps the rooms, seats and attempts of a \
         workshop there; choose a folder you can write with --workshop-dir DIR (or WARREN_WORKSHOP_DIR)"
    )]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file exists but is not an SQLite database, or is damaged.
    #[error(
        "could not open the workshop's database {path}: it is not an SQLite database, or it is damaged ({detail}). \
         Nothing was changed. Move it aside to start with no rooms (mv {path} {path}.broken), restore it from a copy, \
         or point --workshop-dir at another folder"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// The file or its folder cannot be written.
    #[error(
        "could not write the workshop's database {path} ({detail}). The relay records every learner's attempts \
         there, so it needs to write it: give this user write access to the file and its folder, or point \
         --workshop-dir at a folder it can write"
    )]
    Unwritable {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// The database was written by a newer Warren.
    #[error(
        "could not use the workshop's database {path}: a newer Warren wrote it (schema version {found}; this Warren \
         knows up to {known}). Run that newer Warren, or point --workshop-dir at another folder"
    )]
    Newer {
        /// The file.
        path: PathBuf,
        /// The schema version found.
        found: usize,
        /// The newest this build knows.
        known: usize,
    },
    /// Anything else SQLite refused.
    #[error(
        "could not open the workshop's database {path}: {detail}. Check the file and its folder, or point \
         --workshop-dir at another folder"
    )]
    Other {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused or failed a statement.
    #[error("could not read or write the workshop's database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The display name is taken in the room (told apart from other failures: it is the learner's to fix).
    #[error("the name is already taken in this room")]
    NameTaken,
    /// The join code is taken (made at random; the caller makes another).
    #[error("the join code is already taken")]
    CodeTaken,
    /// A value could not be written as JSON.
    #[error("could not write {what} as JSON: {source}")]
    Encode {
        /// What was written.
        what: &'static str,
        /// The encoder's error.
        source: serde_json::Error,
    },
    /// A stored value could not be read back.
    #[error("could not read {what} back from the workshop's database: {detail}")]
    Decode {
        /// What was read.
        what: &'static str,
        /// Why not.
        detail: String,
    },
    /// The database did not answer in time.
    #[error("the workshop's database did not answer within {0:?}")]
    TimedOut(std::time::Duration),
    /// The database's worker stopped before answering.
    #[error("the workshop's database stopped before it answered: {0}")]
    Gone(String),
}
