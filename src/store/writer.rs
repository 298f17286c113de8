//! [`StoreWriter`]: the bot's writes, off the async runtime.
//!
//! A dedicated thread owns a [`Store`] and drains a bounded queue. Callers
//! [`send`](StoreWriter::send) from async code without waiting on the disk:
//! a send takes a mutex for one `VecDeque::push_back` and never blocks on
//! I/O. The thread commits what is queued in batches, one transaction per
//! batch, in the order sent.
//!
//! What is retried, precisely: a batch that fails with a transient error
//! ([`StoreError::is_transient`]: disk full, database busy or locked, I/O
//! error, read-only file) is retried whole, with backoff from 10 ms doubling
//! to 2 s, until it commits; meanwhile new writes queue up to the capacity,
//! and beyond it [`send`](StoreWriter::send) refuses with
//! [`WriterError::Full`] at once (never waiting; nothing it was told was
//! accepted is dropped). Refusals are counted ([`WriterStats::refused`]) and
//! logged once per burst, not once per write: when the queue first fills,
//! and when it has drained to half its capacity again, with the number
//! refused meanwhile. A batch that fails otherwise is retried one write at a time,
//! and only a write that fails on its own for a non-transient reason (a bug)
//! is logged and dropped. On [`close`](StoreWriter::close), retrying stops
//! after [`WriterOptions::shutdown_grace`]; what is still unwritten then is
//! logged with its count. A write counts as stored once
//! [`WriterStats::committed`] has reached its sequence number.

use crate::store::{Event, Store, StoreError, Strike};
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One write for the writer thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Events of one decision, appended together (see [`Store::record_many`]).
    Events(Vec<Event>),
    /// A strike (see [`Store::add_strike`]).
    Strike(Strike),
    /// A retention purge (see [`Store::purge`]).
    Purge {
        /// Delete what is older than this (Unix ms).
        older_than_ms: i64,
    },
}

impl From<Event> for Write {
    fn from(e: Event) -> Write {
        Write::Events(vec![e])
    }
}

/// Why a write was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriterError {
    /// The queue is full (the database has been failing for a while).
    #[error("the store's write queue is full ({capacity} writes waiting); this write was not accepted")]
    Full {
        /// The queue's capacity.
        capacity: usize,
    },
    /// The writer was closed.
    #[error("the store writer is closed")]
    Closed,
}

/// How the writer behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterOptions {
    /// Writes waiting at most; beyond, `send` refuses.
    pub capacity: usize,
    /// Writes committed together in one transaction at most.
    pub batch: usize,
    /// How long `close` keeps retrying a failing database.
    pub shutdown_grace: Duration,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions { capacity: 100_000, batch: 512, shutdown_grace: Duration::from_secs(10) }
    }
}

/// Counters of a writer, for logs, tests and shutdown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Writes accepted so far; the last one's sequence number.
    pub accepted: u64,
    /// Writes done so far (committed or dropped), in order: every write
    /// with a sequence number up to this is settled.
    pub committed: u64,
    /// Writes waiting.
    pub queued: usize,
    /// Failed attempts so far (each retried).
    pub failures: u64,
    /// Writes dropped after failing for a non-transient reason.
    pub dropped: u64,
    /// Writes given up at shutdown while the database kept failing.
    pub abandoned: u64,
    /// Writes refused because the queue was full (never stored).
    pub refused: u64,
    /// Times the queue filled up: each such burst of refusals is logged once.
    pub full_bursts: u64,
    /// The last failure, if the latest attempt failed.
    pub failing: Option<String>,
}

#[derive(Debug, Default)]
struct Queue {
    items: VecDeque<Write>,
    closed: bool,
    stopped: bool,
    stats: WriterStats,
    /// Refused in the current burst, while the queue is (or was just) full.
    refusing: Option<u64>,
}

/// What a send has to say in the log, said after the queue's lock is released.
enum Report {
    Nothing,
    /// The queue just filled: the first refusal of a burst.
    Filled,
    /// The queue drained after a burst of this many refusals.
    Drained(u64),
}

impl Queue {
    /// Counts a refusal; reports only the first of a burst.
    fn refuse(&mut self) -> Report {
        self.stats.refused += 1;
        if let Some(n) = &mut self.refusing {
            *n += 1;
            Report::Nothing
        } else {
            self.refusing = Some(1);
            self.stats.full_bursts += 1;
            Report::Filled
        }
    }

    /// After an accepted write: a burst ends once the queue is down to half
    /// its capacity (not at the first free slot, so a queue hovering at full
    /// is one burst, not one per batch).
    fn accepted(&mut self, capacity: usize) -> Report {
        match self.refusing {
            Some(n) if self.items.len() <= capacity / 2 => {
                self.refusing = None;
                Report::Drained(n)
            }
            _ => Report::Nothing,
        }
    }
}

impl Report {
    fn log(self, capacity: usize) {
        match self {
            Report::Nothing => {}
            Report::Filled => tracing::error!(
                capacity,
                "keel's database is not keeping up: its write queue is full, and writes are dropped (and counted) until it drains"
            ),
            Report::Drained(refused) => {
                tracing::warn!(refused, capacity, "keel's write queue drained: writes are accepted again");
            }
        }
    }
}

#[derive(Debug)]
struct Shared {
    queue: Mutex<Queue>,
    /// Signalled when writes arrive or the writer closes.
    wake: Condvar,
    /// Signalled when writes are settled or the thread stops.
    settled: Condvar,
    options: WriterOptions,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Owns a [`Store`] on its own thread and writes what it is sent.
#[derive(Debug)]
pub struct StoreWriter {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<Store>>,
}

impl StoreWriter {
    /// Starts the writer thread with `store` (opened by the caller, so a bad
    /// file is reported before anything starts).
    pub fn spawn(store: Store, options: WriterOptions) -> StoreWriter {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            settled: Condvar::new(),
            options: WriterOptions { capacity: options.capacity.max(1), batch: options.batch.max(1), ..options },
        });
        let for_thread = shared.clone();
        let thread = std::thread::Builder::new()
            .name("keel-store".into())
            .spawn(move || run(store, &for_thread))
            .expect("the OS refused to start the store's writer thread");
        StoreWriter { shared, thread: Some(thread) }
    }

    /// Queues a write without waiting for the disk; returns its sequence
    /// number (see [`WriterStats::committed`]). A full queue refuses at once
    /// with [`WriterError::Full`]; the refusal is counted and the writer
    /// logs it once per burst, so the caller need not.
    pub fn send(&self, write: impl Into<Write>) -> Result<u64, WriterError> {
        let capacity = self.shared.options.capacity;
        let mut q = self.shared.lock();
        if q.closed {
            return Err(WriterError::Closed);
        }
        if q.items.len() >= capacity {
            let report = q.refuse();
            drop(q);
            report.log(capacity);
            return Err(WriterError::Full { capacity });
        }
        q.items.push_back(write.into());
        q.stats.accepted += 1;
        let seq = q.stats.accepted;
        let report = q.accepted(capacity);
        drop(q);
        self.shared.wake.notify_one();
        report.log(capacity);
        Ok(seq)
    }

    /// The writer's counters now.
    pub fn stats(&self) -> WriterStats {
        let q = self.shared.lock();
        WriterStats { queued: q.items.len(), ..q.stats.clone() }
    }

    /// Waits (blocking the thread) until every write accepted so far is
    /// settled, or `timeout` passes; true when all are. Blocks: from async
    /// code, call it in `spawn_blocking`.
    pub fn flush_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut q = self.shared.lock();
        let target = q.stats.accepted;
        while q.stats.committed < target && !q.stopped {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            q = self
                .shared
                .settled
                .wait_timeout(q, deadline - now)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        q.stats.committed >= target
    }

    /// Waits until every write accepted so far is settled (see [`StoreWriter::flush_timeout`]).
    pub fn flush(&self) {
        while !self.flush_timeout(Duration::from_secs(3600)) {
            if self.shared.lock().stopped {
                return;
            }
        }
    }

    /// Stops accepting writes, writes what is queued (giving up after
    /// [`WriterOptions::shutdown_grace`] if the database keeps failing),
    /// stops the thread and returns the store with the final counters.
    pub fn close(mut self) -> (Option<Store>, WriterStats) {
        let store = self.stop();
        (store, self.stats())
    }

    fn stop(&mut self) -> Option<Store> {
        self.shared.lock().closed = true;
        self.shared.wake.notify_all();
        self.thread.take().and_then(|t| t.join().ok())
    }
}

impl Drop for StoreWriter {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop();
        }
    }
}

/// The writer thread: batches until closed and drained.
fn run(mut store: Store, shared: &Shared) -> Store {
    let mut closed_at: Option<Instant> = None;
    loop {
        let batch: Vec<Write> = {
            let mut q = shared.lock();
            while q.items.is_empty() && !q.closed {
                q = shared.wake.wait(q).unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            if q.items.is_empty() {
                break;
            }
            let n = q.items.len().min(shared.options.batch);
            q.items.drain(..n).collect()
        };
        let n = batch.len() as u64;
        let settled = commit(&mut store, shared, &batch, &mut closed_at);
        let mut q = shared.lock();
        q.stats.committed += n;
        match settled {
            Settled::Written(d) => q.stats.dropped += d,
            Settled::Abandoned(a) => q.stats.abandoned += a,
        }
        drop(q);
        shared.settled.notify_all();
    }
    let mut q = shared.lock();
    q.stopped = true;
    if q.stats.abandoned > 0 {
        tracing::error!(writes = q.stats.abandoned, path = %store.path().display(), "the database kept failing at shutdown: writes were not stored");
    }
    drop(q);
    shared.settled.notify_all();
    store
}

enum Settled {
    /// Written, except this many dropped for non-transient failures.
    Written(u64),
    /// Given up at shutdown: this many were not written.
    Abandoned(u64),
}

/// Backoff before retry `attempt` (0-based): 10 ms doubling, at most 2 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(10u64.saturating_mul(1 << attempt.min(8)).min(2000))
}

/// Tries `writes` until they commit, fail for a non-transient reason, or shutdown gives up.
fn attempt(
    store: &mut Store,
    shared: &Shared,
    writes: &[Write],
    closed_at: &mut Option<Instant>,
) -> Result<(), Option<StoreError>> {
    let mut n = 0;
    loop {
        match store.apply(writes) {
            Ok(()) => {
                if n > 0 {
                    tracing::info!(path = %store.path().display(), attempts = n + 1, "database writes succeeded again");
                    shared.lock().stats.failing = None;
                }
                return Ok(());
            }
            Err(e) if e.is_transient() => {
                {
                    let mut q = shared.lock();
                    q.stats.failures += 1;
                    q.stats.failing = Some(e.to_string());
                    if q.closed {
                        let since = *closed_at.get_or_insert_with(Instant::now);
                        if since.elapsed() >= shared.options.shutdown_grace {
                            return Err(None);
                        }
                    }
                }
                let wait = backoff(n);
                tracing::warn!(path = %store.path().display(), error = %e, writes = writes.len(), retry_in_ms = wait.as_millis() as u64, "cannot write to the database; will retry");
                std::thread::sleep(wait);
                n += 1;
            }
            Err(e) => return Err(Some(e)),
        }
    }
}

fn commit(store: &mut Store, shared: &Shared, batch: &[Write], closed_at: &mut Option<Instant>) -> Settled {
    match attempt(store, shared, batch, closed_at) {
        Ok(()) => Settled::Written(0),
        Err(None) => Settled::Abandoned(batch.len() as u64),
        Err(Some(e)) => {
            tracing::warn!(error = %e, writes = batch.len(), "a batch failed; writing it one by one");
            let mut dropped = 0;
            for (i, w) in batch.iter().enumerate() {
                match attempt(store, shared, std::slice::from_ref(w), closed_at) {
                    Ok(()) => {}
                    Err(None) => return Settled::Abandoned((batch.len() - i) as u64),
                    Err(Some(e)) => {
                        tracing::error!(error = %e, write = ?w, "dropping a write the database refuses");
                        dropped += 1;
                    }
                }
            }
            Settled::Written(dropped)
        }
    }
}
