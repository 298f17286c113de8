//! The live bot's memory: the [`store`](crate::store) wired into the shell.
//!
//! Two connections to one database file, so the async runtime never waits
//! on the disk:
//!
//! * writes go through a [`StoreWriter`] (its own thread, a bounded queue,
//!   retries when the disk is full or the database locked): a send is one
//!   push onto a queue and never blocks on I/O, so actions run at once
//!   whatever the database is doing;
//! * reads, and the few writes that need an answer at once (claiming a
//!   follow-up before it is sent, a customer's click), run on a second
//!   [`Store`] behind a mutex, in `tokio::task::spawn_blocking`.
//!
//! A read returns `None` when the database fails (logged), and the caller
//! carries on as if keel had no memory of it. What a judged message comes
//! to as events is [`crate::bot::message::record`]'s business.

use crate::bot::shared::sync::lock;
use crate::store::{Event, Store, StoreError, StoreWriter, Write, WriterError, WriterOptions};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a stopping bot waits for queued writes before giving up on them.
pub const CLOSE_GRACE: Duration = Duration::from_secs(10);

/// The open database: a writer for what happens, a reader for what is asked.
#[derive(Debug)]
pub struct Memory {
    writer: Mutex<Option<Arc<StoreWriter>>>,
    reader: Arc<Mutex<Store>>,
}

impl Memory {
    /// Opens (creating and migrating if needed) the database at `path` and
    /// starts its writer. A file that is not keel's is refused, untouched.
    pub fn open(path: &Path) -> Result<Memory, StoreError> {
        let for_writer = Store::open(path)?;
        let reader = Store::open(path)?;
        let writer =
            StoreWriter::spawn(for_writer, WriterOptions { shutdown_grace: CLOSE_GRACE, ..Default::default() });
        Ok(Memory { writer: Mutex::new(Some(Arc::new(writer))), reader: Arc::new(Mutex::new(reader)) })
    }

    /// Queues a write without waiting. A full queue drops it (the writer
    /// counts it and logs once per burst); a closed writer's refusal is logged.
    pub fn send(&self, write: impl Into<Write>) {
        let write = write.into();
        if let Some(w) = lock(&self.writer).as_ref() {
            match w.send(write) {
                Ok(_) | Err(WriterError::Full { .. }) => {}
                Err(e) => tracing::error!(error = %e, "a write to keel's database was not accepted"),
            }
        } else {
            tracing::warn!(write = ?write, "keel's database is closed; a write was not stored");
        }
    }

    /// Queues events, if there are any.
    pub fn record(&self, events: Vec<Event>) {
        if !events.is_empty() {
            self.send(Write::Events(events));
        }
    }

    /// Runs `f` on the reading connection off the async runtime; `None`
    /// (logged) when the database fails.
    pub async fn read<T, F>(&self, what: &'static str, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let reader = self.reader.clone();
        match tokio::task::spawn_blocking(move || f(&mut lock(&reader))).await {
            Ok(Ok(v)) => Some(v),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "keel's database could not {what}");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "reading keel's database panicked ({what})");
                None
            }
        }
    }

    /// Waits (off the runtime) until everything queued so far is written,
    /// at most `timeout`; true when it is.
    pub async fn flush(&self, timeout: Duration) -> bool {
        let Some(w) = lock(&self.writer).clone() else { return true };
        tokio::task::spawn_blocking(move || w.flush_timeout(timeout)).await.unwrap_or(false)
    }

    /// The writer's counters, while it is open.
    pub fn stats(&self) -> Option<crate::store::WriterStats> {
        lock(&self.writer).as_ref().map(|w| w.stats())
    }

    /// Writes what is queued and stops the writer (giving up after
    /// [`CLOSE_GRACE`] if the database keeps failing). Later writes are
    /// refused and logged. Idempotent.
    pub async fn close(&self) {
        let Some(w) = lock(&self.writer).take() else { return };
        let done = tokio::task::spawn_blocking(move || {
            w.flush_timeout(CLOSE_GRACE);
            match Arc::try_unwrap(w) {
                Ok(w) => Some(w.close().1),
                // A flush still holds it: dropping it stops the thread after the queue drains.
                Err(w) => Some(w.stats()),
            }
        })
        .await;
        match done {
            Ok(Some(stats)) if stats.abandoned > 0 || stats.queued > 0 => {
                tracing::error!(
                    abandoned = stats.abandoned,
                    queued = stats.queued,
                    refused_while_full = stats.refused,
                    "keel's database: writes lost at shutdown"
                );
            }
            Ok(Some(stats)) => {
                tracing::info!(writes = stats.committed, refused_while_full = stats.refused, "keel's database closed");
            }
            _ => tracing::error!("closing keel's database failed"),
        }
    }
}
