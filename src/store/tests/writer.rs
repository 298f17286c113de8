//! The writer thread: order, batching, and surviving a failing database.

use super::{conv, ev, nudge, open, scored, temp};
use crate::core::Level;
use crate::store::{EventKind, Store, StoreWriter, Strike, Write, WriterError, WriterOptions};
use std::time::Duration;

fn count(path: &std::path::Path, table: &str) -> i64 {
    let s = Store::open_read_only(path).unwrap();
    s.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn a_burst_is_stored_in_order() {
    let t = temp();
    let w = StoreWriter::spawn(open(&t), WriterOptions { batch: 64, ..WriterOptions::default() });
    let mut last = 0;
    for i in 0..2_000i64 {
        let c = conv((i % 10) as u64);
        let events =
            vec![ev(c, i, scored(0.4, Level::Tense, &[("insult", "idiot")])), ev(c, i, nudge(i as u64, Level::Tense))];
        last = w.send(Write::Events(events)).unwrap();
    }
    w.send(Write::Strike(Strike { conversation: conv(0), at_ms: 5 })).unwrap();
    assert_eq!(last, 2_000);
    assert!(w.flush_timeout(Duration::from_secs(30)));
    let stats = w.stats();
    assert_eq!((stats.accepted, stats.committed, stats.queued, stats.dropped), (2_001, 2_001, 0, 0));
    assert_eq!(count(&t.path, "events"), 4_000);
    assert_eq!(count(&t.path, "cases"), 10);
    let reader = Store::open_read_only(&t.path).unwrap();
    let timeline = reader.case(1, 100).unwrap().unwrap().timeline;
    let ats: Vec<i64> = timeline.iter().map(|e| e.at_ms).collect();
    assert!(ats.windows(2).all(|w| w[0] <= w[1]) && ats.len() == 400, "in order");
}

#[test]
fn a_locked_database_delays_writes_but_loses_none() {
    let t = temp();
    let store = open(&t);
    store.set_busy_timeout(Duration::from_millis(20)).unwrap();
    let w = StoreWriter::spawn(store, WriterOptions::default());
    // Another process holds the write lock.
    let blocker = rusqlite::Connection::open(&t.path).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    for i in 0..50 {
        w.send(ev(conv(0), i, EventKind::Boundary { tier: 1 })).unwrap();
    }
    assert!(!w.flush_timeout(Duration::from_millis(300)), "nothing can be written while locked");
    let stats = w.stats();
    assert!(stats.failures >= 2, "{stats:?}");
    assert!(stats.failing.as_deref().is_some_and(|e| e.contains("locked")), "{stats:?}");
    blocker.execute_batch("COMMIT").unwrap();
    assert!(w.flush_timeout(Duration::from_secs(10)));
    let stats = w.stats();
    assert_eq!((stats.committed, stats.dropped, stats.failing), (50, 0, None));
    assert_eq!(count(&t.path, "events"), 50);
}

#[test]
fn a_full_disk_is_retried_until_writes_succeed() {
    let t = temp();
    let mut store = open(&t);
    store.fail_writes = 4; // the next four transactions fail with SQLITE_FULL
    let w = StoreWriter::spawn(store, WriterOptions::default());
    for i in 0..20 {
        w.send(ev(conv(i % 3), i as i64, nudge(i, Level::Tense))).unwrap();
    }
    assert!(w.flush_timeout(Duration::from_secs(10)));
    let (_, stats) = w.close();
    assert_eq!((stats.committed, stats.failures, stats.dropped, stats.abandoned), (20, 4, 0, 0));
    assert_eq!(count(&t.path, "events"), 20);
}

#[test]
fn a_full_queue_refuses_instead_of_blocking() {
    let t = temp();
    let store = open(&t);
    store.set_busy_timeout(Duration::from_millis(5)).unwrap();
    let w = StoreWriter::spawn(store, WriterOptions { capacity: 3, batch: 1, ..WriterOptions::default() });
    let blocker = rusqlite::Connection::open(&t.path).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let mut accepted = 0;
    let mut refused = 0;
    for i in 0..10 {
        match w.send(ev(conv(0), i, EventKind::Escalation)) {
            Ok(_) => accepted += 1,
            Err(WriterError::Full { capacity: 3 }) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(refused > 0 && accepted <= 4, "accepted {accepted}, refused {refused}");
    blocker.execute_batch("COMMIT").unwrap();
    w.flush();
    assert_eq!(count(&t.path, "events"), accepted);
}

/// Log lines written while a test runs, for checking what was reported.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn with(&self, needle: &str) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned();
        text.lines().filter(|l| l.contains(needle)).map(str::to_string).collect()
    }

    fn lines_with(&self, needle: &str) -> usize {
        self.with(needle).len()
    }
}

#[test]
fn a_full_queue_counts_refusals_and_reports_each_burst_once() {
    let log = Captured::default();
    let for_log = log.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || for_log.clone()).finish();
    // While only one dispatcher is registered, tracing-core works out a new
    // callsite's interest from the registering thread's own default: another
    // test filling a queue on its own thread (no subscriber) could then
    // register the writer's log lines as "never", and this test would miss
    // them. A second live dispatcher makes every registration ask all of them.
    let _second = tracing::Dispatch::new(tracing_subscriber::registry());
    tracing::subscriber::with_default(subscriber, || {
        let t = temp();
        let store = open(&t);
        store.set_busy_timeout(Duration::from_millis(5)).unwrap();
        let w = StoreWriter::spawn(store, WriterOptions { capacity: 4, batch: 1, ..WriterOptions::default() });
        let blocker = rusqlite::Connection::open(&t.path).unwrap();
        let mut stored = 0;
        for burst in 1..=2u64 {
            blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
            let mut refused = 0;
            for i in 0..200 {
                match w.send(ev(conv(0), i, EventKind::Escalation)) {
                    Ok(_) => stored += 1,
                    Err(WriterError::Full { capacity: 4 }) => refused += 1,
                    Err(e) => panic!("{e}"),
                }
            }
            // At most the queue and the batch being retried were accepted; every other send was refused at once.
            assert!(refused >= 200 - 5, "burst {burst}: {refused} refused");
            let stats = w.stats();
            assert_eq!(stats.full_bursts, burst, "{stats:?}");
            assert_eq!(log.lines_with("write queue is full"), burst as usize, "one report per burst, not per write");
            assert_eq!(log.lines_with("writes are accepted again"), burst as usize - 1);
            blocker.execute_batch("COMMIT").unwrap();
            w.flush();
            // The first write after the queue drained ends the burst, with the count.
            w.send(ev(conv(0), 1_000, EventKind::Escalation)).unwrap();
            stored += 1;
            assert_eq!(log.lines_with("writes are accepted again"), burst as usize);
            let drained = log.with("writes are accepted again");
            assert!(drained[burst as usize - 1].contains(&format!("refused={refused}")), "the count: {drained:?}");
        }
        w.flush();
        let stats = w.stats();
        assert_eq!((stats.accepted, stats.refused + stats.accepted), (stored, 400 + 2));
        assert_eq!(count(&t.path, "events"), stored as i64, "what was accepted is stored");
    });
}

#[test]
fn close_writes_what_is_queued_and_refuses_later_sends() {
    let t = temp();
    let w = StoreWriter::spawn(open(&t), WriterOptions::default());
    for i in 0..100 {
        w.send(ev(conv(0), i, EventKind::Timeout { seconds: 60 })).unwrap();
    }
    let (store, stats) = w.close();
    assert_eq!(stats.committed, 100);
    assert_eq!(store.unwrap().case(1, 100).unwrap().unwrap().timeline.len(), 100);
}

#[test]
fn a_bad_write_is_dropped_alone() {
    let t = temp();
    let store = open(&t);
    // A trigger makes one particular event fail for a non-transient reason.
    store
        .conn
        .execute_batch(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON events WHEN NEW.tier = 3
             BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .unwrap();
    let w = StoreWriter::spawn(store, WriterOptions::default());
    for tier in [1u8, 3, 2] {
        w.send(ev(conv(0), i64::from(tier), EventKind::Boundary { tier })).unwrap();
    }
    let (_, stats) = w.close();
    assert_eq!((stats.committed, stats.dropped), (3, 1));
    assert_eq!(count(&t.path, "events"), 2);
}

#[test]
fn close_gives_up_after_the_grace_period() {
    let t = temp();
    let store = open(&t);
    store.set_busy_timeout(Duration::from_millis(5)).unwrap();
    let options = WriterOptions { shutdown_grace: Duration::from_millis(100), ..WriterOptions::default() };
    let w = StoreWriter::spawn(store, options);
    let blocker = rusqlite::Connection::open(&t.path).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    w.send(ev(conv(0), 1, EventKind::Escalation)).unwrap();
    let (_, stats) = w.close();
    assert_eq!(stats.abandoned, 1);
}

#[test]
fn the_writer_can_be_shared_between_handlers() {
    fn shareable<T: Send + Sync>() {}
    fn sendable<T: Send>() {}
    shareable::<StoreWriter>();
    sendable::<Store>();
}
