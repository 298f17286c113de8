//! Benchmarks for the store.
//!
//! 1. A burst through the [`StoreWriter`]: every message of a heated burst
//!    is one write (its scored event, with a nudge or a boundary for some),
//!    sent as fast as the caller can; reports the time callers spend in
//!    `send`, and events stored per second until `flush` returns.
//! 2. The database size per 10,000 cases, each with a typical timeline (12
//!    events: three scores with two phrases each, a nudge and its edit, a
//!    claim, choices offered and chosen, a boundary, a resolution, a
//!    follow-up scheduled and sent), after a WAL checkpoint; and how long
//!    opening that file takes.
//!
//! Run with `cargo bench --bench store`. Under `cargo test` (no `--bench`
//! argument) both run at a tenth of the size.

use keel::core::Level;
use keel::store::{Conversation, Event, EventKind, Store, StoreWriter, StoredSignal, Write, WriterOptions};
use std::time::{Duration, Instant};

fn scored(score: f32, level: Level) -> EventKind {
    let signals = vec![
        StoredSignal { category: "insult".into(), phrase: "idiot".into() },
        StoredSignal { category: "frustration".into(), phrase: "third time".into() },
    ];
    EventKind::Scored { score, level, channel_level: Level::Tense, signals }
}

fn burst(messages: u64) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(dir.path().join("burst.db")).expect("open");
    let writer = StoreWriter::spawn(store, WriterOptions::default());
    let start = Instant::now();
    let mut events = 0u64;
    let mut slowest_send = Duration::ZERO;
    let mut in_send = Duration::ZERO;
    for i in 0..messages {
        // 1,000 customers in 50 channels; every fifth message brings a nudge, every tenth a boundary.
        let c = Conversation::from_raw(1, 1_000 + i % 50, 10_000 + i % 1_000);
        let at = 1_795_305_600_000 + i as i64;
        let mut batch = vec![Event::new(c, at, scored(0.6, Level::Heated))];
        if i % 5 == 0 {
            batch.push(Event::new(
                c,
                at,
                EventKind::Nudge { script: "s".into(), message: Some(i), level: Level::Heated },
            ));
        }
        if i % 10 == 0 {
            batch.push(Event::new(c, at, EventKind::Boundary { tier: 1 }));
        }
        events += batch.len() as u64;
        let t = Instant::now();
        writer.send(Write::Events(batch)).expect("accepted");
        let took = t.elapsed();
        in_send += took;
        slowest_send = slowest_send.max(took);
    }
    let sent = start.elapsed();
    writer.flush();
    let total = start.elapsed();
    let stats = writer.stats();
    assert_eq!((stats.committed, stats.dropped), (messages, 0));
    println!(
        "store/burst: {messages} messages, {events} events stored in {:.3} s = {:.0} events/s ({:.0} messages/s)",
        total.as_secs_f64(),
        events as f64 / total.as_secs_f64(),
        messages as f64 / total.as_secs_f64()
    );
    println!(
        "store/burst: callers spent {:.0} ns per send on average (slowest {} µs); all sent after {:.3} s",
        in_send.as_nanos() as f64 / messages as f64,
        slowest_send.as_micros(),
        sent.as_secs_f64()
    );
}

fn timeline(c: Conversation, at: i64, n: u64) -> Vec<Event> {
    let e = |dt: i64, kind| Event::new(c, at + dt, kind);
    vec![
        e(0, scored(0.35, Level::Tense)),
        e(0, EventKind::Nudge { script: "acknowledge-and-offer".into(), message: Some(n * 2), level: Level::Tense }),
        e(
            0,
            EventKind::ChoiceOffered {
                set: "refund-or-replacement".into(),
                message: n * 2 + 1,
                expires_ms: at + 3_600_000,
            },
        ),
        e(30_000, scored(0.6, Level::Heated)),
        e(30_000, EventKind::Nudge { script: "set-boundary".into(), message: Some(n * 2), level: Level::Heated }),
        e(60_000, EventKind::Claim { moderator: 42 }),
        e(90_000, scored(0.85, Level::Abusive)),
        e(90_000, EventKind::Boundary { tier: 1 }),
        e(120_000, EventKind::ChoiceChosen { message: n * 2 + 1, choice: "refund".into() }),
        e(600_000, EventKind::Resolution { by: Some(42) }),
        e(600_000, EventKind::FollowupScheduled { due_ms: at + 86_400_000 }),
    ]
}

fn size_per_cases(cases: u64) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cases.db");
    let mut store = Store::open(&path).expect("open");
    let start = Instant::now();
    for n in 0..cases {
        let c = Conversation::from_raw(1, 1_000 + n % 50, 10_000 + n);
        store.record_many(&timeline(c, 1_795_305_600_000 + n as i64 * 1_000, n)).expect("record");
    }
    for f in store.pending_followups(i64::MAX).expect("pending") {
        store.mark_followup_fired(f.id, f.due_ms).expect("fire");
    }
    let filled = start.elapsed();
    drop(store);
    // Closing the last connection checkpoints the WAL into the file.
    let bytes = std::fs::metadata(&path).expect("size").len();
    let wal = std::fs::metadata(path.with_extension("db-wal")).map_or(0, |m| m.len());
    let per_10k = (bytes + wal) as f64 * 10_000.0 / cases as f64;
    println!(
        "store/size: {cases} cases x 12 events: {:.2} MB (+{wal} B WAL) = {:.2} MB per 10,000 cases ({:.0} B per case); filled in {:.2} s one case per transaction",
        bytes as f64 / 1e6,
        per_10k / 1e6,
        (bytes + wal) as f64 / cases as f64,
        filled.as_secs_f64()
    );
    let t = Instant::now();
    let store = Store::open(&path).expect("reopen");
    let open_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let report = store.report(None, 0).expect("report");
    println!(
        "store/size: reopening the file (checks and all) took {open_ms:.1} ms; a report over all {} cases {:.1} ms",
        report.cases_opened,
        t.elapsed().as_secs_f64() * 1000.0
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let scale = if full { 1 } else { 10 };
    burst(100_000 / scale);
    size_per_cases(10_000 / scale);
}
