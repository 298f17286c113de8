//! keel's durable memory: cases, strikes, choices and follow-ups in `SQLite`.
//!
//! Shaped so the rest of keel never sees SQL: callers pass and get plain
//! data ([`model`]), times are passed in (Unix ms), and the operations are
//! the few a `PostgreSQL` backend would have to mirror:
//!
//! * [`Store`] — one connection: [`Store::record`] appends an [`Event`] to
//!   its conversation's case (opening the case when keel nudges, offers
//!   choices or sets a boundary), and the reads the bot and `keel report`
//!   need ([`Store::case`], [`Store::strikes`], [`Store::pending_followups`],
//!   [`Store::nudge_message`], [`Store::choice`], [`Store::open_claims`],
//!   [`Store::report`]).
//! * [`StoreWriter`] — the bot's writes, off the async runtime: a dedicated
//!   thread owns a connection and drains a bounded queue, retrying when the
//!   disk is full or the database locked.
//! * [`schema`] — opening a file safely (a file that is not keel's is never
//!   written to) and the migrations in `migrations/`.

pub mod codec;
mod db;
pub mod model;
pub mod report;
pub mod schema;
pub mod writer;

pub use db::Store;
pub use model::{
    Case, CaseSummary, ChoiceOffer, Chosen, Conversation, Event, EventKind, Followup, NudgeRef, OpenClaim, Purged,
    StoredSettings, StoredSignal, Strike, TimelineEntry,
};
pub use report::Report;
pub use writer::{StoreWriter, Write, WriterError, WriterOptions, WriterStats};

use std::path::PathBuf;

/// Why the store could not do something.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened (permissions, a missing directory, ...).
    #[error("cannot open the database {}: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// `SQLite`'s reason.
        source: rusqlite::Error,
    },
    /// The file could not be read.
    #[error("cannot read the database {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// A read-only open of a file that does not exist.
    #[error("the database {} does not exist", path.display())]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The file is not a `SQLite` database at all.
    #[error("{} is not a SQLite database; keel left it untouched (set [storage] path in bot.toml to another file)", path.display())]
    NotADatabase {
        /// The file.
        path: PathBuf,
    },
    /// The file is a `SQLite` database, but damaged.
    #[error("the database {} is damaged ({source}); keel left it untouched: restore a backup or move it away", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// `SQLite`'s report.
        source: rusqlite::Error,
    },
    /// The file is a `SQLite` database of some other program.
    #[error("{} is a SQLite database but not keel's ({detail}); keel left it untouched (set [storage] path in bot.toml to another file)", path.display())]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        detail: String,
    },
    /// The database was written by a newer keel.
    #[error("the database {} has schema version {found}, but this keel knows only up to {known}: upgrade keel; the file was left untouched", path.display())]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
        /// The newest version this build knows.
        known: u32,
    },
    /// A read-only open of a database that needs migrating first.
    #[error("the database {} has schema version {found}, older than this keel's {known}: start `keel run` once to migrate it", path.display())]
    Outdated {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
        /// This build's version.
        known: u32,
    },
    /// A migration failed; the database stays at the version before it.
    #[error("cannot migrate the database {} with {name}: {source}", path.display())]
    Migration {
        /// The file.
        path: PathBuf,
        /// The migration's file name.
        name: &'static str,
        /// `SQLite`'s reason.
        source: rusqlite::Error,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] rusqlite::Error),
    /// Something the store guarantees did not hold (a bug).
    #[error("store invariant broken: {0}")]
    Invariant(String),
}

impl StoreError {
    /// True for failures that may pass if the write is tried again later: a
    /// full disk, a locked or busy database, an I/O error, a read-only file.
    pub fn is_transient(&self) -> bool {
        use rusqlite::ErrorCode as C;
        let e = match self {
            StoreError::Query(e) | StoreError::Open { source: e, .. } => e,
            StoreError::Io { .. } => return true,
            _ => return false,
        };
        matches!(
            e.sqlite_error_code(),
            Some(
                C::DatabaseBusy
                    | C::DatabaseLocked
                    | C::DiskFull
                    | C::SystemIoFailure
                    | C::ReadOnly
                    | C::CannotOpen
                    | C::OutOfMemory
            )
        )
    }
}

#[cfg(test)]
mod tests;
