//! Opening a database file safely and bringing its schema up to date.
//!
//! The schema lives in `migrations/NNNN_name.sql`, embedded at build time
//! and tracked with `PRAGMA user_version`; keel's files also carry
//! `PRAGMA application_id` = [`APPLICATION_ID`]. Before anything is written,
//! the file is checked: it must be a `SQLite` database (header), and either
//! empty or keel's (application id, known tables, a version this build
//! knows). Anything else is refused with an error naming the file, and the
//! file is left byte-for-byte as it was.

use crate::store::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::io::Read;
use std::path::Path;

/// `PRAGMA application_id` of keel's databases: "keel" in ASCII.
pub const APPLICATION_ID: i32 = 0x6b65_656c;

/// One schema step: its file name and SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The file under `migrations/`.
    pub name: &'static str,
    /// Its SQL.
    pub sql: &'static str,
    /// The tables that exist once it is applied (with every earlier step).
    pub tables: &'static [&'static str],
}

/// Every migration in order; migration `i` brings the schema to version `i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_initial.sql",
        sql: include_str!("../../migrations/0001_initial.sql"),
        tables: &["cases", "events", "signals", "strikes", "choices", "followups"],
    },
    Migration {
        name: "0002_guild_settings.sql",
        sql: include_str!("../../migrations/0002_guild_settings.sql"),
        tables: &["cases", "events", "signals", "strikes", "choices", "followups", "guild_settings"],
    },
];

/// The schema version this build writes.
pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

const HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Refuses a file that exists, is not empty and does not start with `SQLite`'s header.
fn check_header(path: &Path) -> Result<(), StoreError> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(StoreError::Io { path: path.to_path_buf(), source }),
    };
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(source) => return Err(StoreError::Io { path: path.to_path_buf(), source }),
        }
    }
    if read == 0 || &head == HEADER {
        Ok(())
    } else {
        Err(StoreError::NotADatabase { path: path.to_path_buf() })
    }
}

/// Maps an error met while first reading a file to what it means for the owner.
fn reading(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotADatabase { path: path.to_path_buf() },
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path: path.to_path_buf(), source: e },
        _ => StoreError::Open { path: path.to_path_buf(), source: e },
    }
}

/// What an opened file holds, read without writing anything.
#[derive(Debug)]
struct Identity {
    version: u32,
    application_id: i32,
    tables: Vec<String>,
}

fn read_identity(conn: &Connection) -> rusqlite::Result<Identity> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let application_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let tables = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(Identity { version: u32::try_from(version).unwrap_or(u32::MAX), application_id, tables })
}

fn identity(conn: &Connection, path: &Path) -> Result<Identity, StoreError> {
    // One read transaction, so a keel process migrating the file meanwhile is seen whole or not at all.
    let read = || -> rusqlite::Result<Identity> {
        conn.execute_batch("BEGIN DEFERRED")?;
        let id = read_identity(conn);
        let _ = conn.execute_batch("COMMIT");
        id
    };
    let id = read().map_err(|e| reading(path, e))?;
    // A quick structural check, so a damaged file is refused before it is written to.
    let ok: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0)).map_err(|e| reading(path, e))?;
    if ok != "ok" {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            source: rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT), Some(ok)),
        });
    }
    Ok(id)
}

/// Refuses what is not keel's, or is newer than this build.
fn check_identity(path: &Path, id: &Identity) -> Result<(), StoreError> {
    let foreign = |detail: String| StoreError::Foreign { path: path.to_path_buf(), detail };
    let empty = id.tables.is_empty() && id.version == 0 && id.application_id == 0;
    if empty {
        return Ok(());
    }
    if id.application_id != APPLICATION_ID {
        return Err(foreign(format!(
            "application_id {:#x}, tables {}",
            id.application_id,
            if id.tables.is_empty() { "none".to_string() } else { id.tables.join(", ") }
        )));
    }
    if id.version > latest_version() {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found: id.version, known: latest_version() });
    }
    let known: &[&str] = match id.version {
        0 => &[],
        v => MIGRATIONS[v as usize - 1].tables,
    };
    let unknown: Vec<&str> = id.tables.iter().map(String::as_str).filter(|t| !known.contains(t)).collect();
    if !unknown.is_empty() {
        return Err(foreign(format!("unknown table(s) {} at schema version {}", unknown.join(", "), id.version)));
    }
    Ok(())
}

/// Connection settings every keel connection uses.
fn configure(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let set = || -> rusqlite::Result<()> {
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(())
    };
    set().map_err(|source| StoreError::Open { path: path.to_path_buf(), source })
}

/// Opens `path` for reading and writing, creating it if missing, refusing
/// it if it is not keel's, and migrating it to [`latest_version`].
pub fn open_rw(path: &Path) -> Result<Connection, StoreError> {
    check_header(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
    let id = identity(&conn, path)?;
    check_identity(path, &id)?;
    configure(&conn, path)?;
    let wal = || -> rusqlite::Result<()> {
        if id.version == 0 {
            // Must precede the first table; lets retention purges give space back.
            conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
        }
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(path = %path.display(), mode, "the database could not switch to WAL mode");
        }
        // Durable across a crash of keel; in WAL mode only a power cut can lose the last commits.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    };
    wal().map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
    migrate(&conn, path, id.version, latest_version())?;
    Ok(conn)
}

/// Opens an existing keel database read-only (no migration, nothing written).
pub fn open_ro(path: &Path) -> Result<Connection, StoreError> {
    if !path.is_file() {
        return Err(StoreError::Missing { path: path.to_path_buf() });
    }
    check_header(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
    let id = identity(&conn, path)?;
    check_identity(path, &id)?;
    if id.version != latest_version() {
        return Err(StoreError::Outdated { path: path.to_path_buf(), found: id.version, known: latest_version() });
    }
    configure(&conn, path)?;
    Ok(conn)
}

/// Applies migrations `from + 1 ..= to`, each in its own transaction with its version.
pub fn migrate(conn: &Connection, path: &Path, from: u32, to: u32) -> Result<(), StoreError> {
    for version in from + 1..=to {
        let m = &MIGRATIONS[version as usize - 1];
        let step = || -> rusqlite::Result<bool> {
            conn.execute_batch("BEGIN IMMEDIATE")?;
            // Another process may have applied it while this one waited for the lock.
            let now: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if now >= i64::from(version) {
                conn.execute_batch("COMMIT")?;
                return Ok(false);
            }
            let applied = conn
                .execute_batch(m.sql)
                .and_then(|()| conn.pragma_update(None, "application_id", APPLICATION_ID))
                .and_then(|()| conn.pragma_update(None, "user_version", version));
            match applied {
                Ok(()) => conn.execute_batch("COMMIT").map(|()| true),
                Err(e) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    Err(e)
                }
            }
        };
        let applied =
            step().map_err(|source| StoreError::Migration { path: path.to_path_buf(), name: m.name, source })?;
        if applied {
            tracing::info!(path = %path.display(), migration = m.name, "database migrated to version {version}");
        }
    }
    Ok(())
}
