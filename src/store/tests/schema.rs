//! Opening files: migrations, and refusing what is not keel's without touching it.

use super::{conv, ev, nudge, open, temp};
use crate::core::Level;
use crate::store::schema::{self, latest_version, APPLICATION_ID, MIGRATIONS};
use crate::store::Conversation;
use crate::store::{Store, StoreError};
use rusqlite::Connection;

fn version(path: &std::path::Path) -> (i64, i32) {
    let c = Connection::open(path).unwrap();
    let v = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let a = c.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    (v, a)
}

#[test]
fn a_new_file_is_created_at_the_latest_version_in_wal_mode() {
    let t = temp();
    let s = open(&t);
    let mode: String = s.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let fk: i64 = s.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    let vacuum: i64 = s.conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), fk, vacuum), ("wal", 1, 2), "WAL, foreign keys, incremental vacuum");
    drop(s);
    assert_eq!(version(&t.path), (i64::from(latest_version()), APPLICATION_ID));
}

#[test]
fn migrations_from_every_older_version_keep_the_data() {
    // Version 0 is an empty file; for each older version, build the file
    // with the migrations up to it, store something the schema then knew,
    // and open it with this build.
    for from in 0..latest_version() {
        let t = temp();
        {
            let c = Connection::open(&t.path).unwrap();
            schema::migrate(&c, &t.path, 0, from).unwrap();
            if from >= 1 {
                c.execute(
                    "INSERT INTO cases (guild, channel, member, opened_ms, last_ms) VALUES (1, 10, 100, 5, 5)",
                    [],
                )
                .unwrap();
            }
        }
        let s = Store::open(&t.path).unwrap_or_else(|e| panic!("from version {from}: {e}"));
        assert_eq!(version(&t.path).0, i64::from(latest_version()), "from version {from}");
        let kept = s.case(1, 100).unwrap().is_some();
        assert_eq!(kept, from >= 1, "from version {from}: data kept");
    }
}

#[test]
fn the_v1_fixture_opens_and_reads() {
    // migrations/0001_initial.sql is the v1 fixture: a database built from
    // it alone must stay readable by every later build.
    let t = temp();
    {
        let c = Connection::open(&t.path).unwrap();
        c.execute_batch(MIGRATIONS[0].sql).unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute_batch(
            "INSERT INTO cases (id, guild, channel, member, opened_ms, last_ms) VALUES (7, 1, 10, 100, 5, 6);
             INSERT INTO events (case_id, at_ms, kind, name, message, level) VALUES (7, 6, 'nudge', 's', 99, 2);",
        )
        .unwrap();
    }
    let s = Store::open(&t.path).unwrap();
    let n = s.nudge_message(Conversation::from_raw(1, 10, 100)).unwrap().expect("the nudge");
    assert_eq!((n.message, n.posted_ms, n.level), (99, 6, Level::Heated));
}

#[test]
fn two_processes_creating_the_file_at_once_both_succeed() {
    let t = temp();
    let path = t.path.clone();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let p = path.clone();
            std::thread::spawn(move || Store::open(&p).map(|_| ()).map_err(|e| e.to_string()))
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    assert_eq!(version(&t.path).0, i64::from(latest_version()));
}

#[test]
fn reopening_keeps_everything() {
    let t = temp();
    {
        let mut s = open(&t);
        s.record(&ev(conv(0), 1_000, nudge(55, Level::Tense))).unwrap();
    }
    let s = open(&t);
    assert_eq!(s.case(1, 100).unwrap().unwrap().timeline.len(), 1);
}

/// What a refused file must produce, and that it is left byte-identical.
struct Refused {
    name: &'static str,
    setup: fn(&std::path::Path),
    error: fn(&StoreError) -> bool,
    says: &'static str,
}

fn foreign_db(p: &std::path::Path) {
    let c = Connection::open(p).unwrap();
    c.execute_batch(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x');",
    )
    .unwrap();
}

#[test]
fn files_that_are_not_keels_are_refused_and_left_untouched() {
    let cases = [
        Refused {
            name: "a text file",
            setup: |p| std::fs::write(p, "phrases = \"phrases\"\n[storage]\n").unwrap(),
            error: |e| matches!(e, StoreError::NotADatabase { .. }),
            says: "is not a SQLite database",
        },
        Refused {
            name: "random bytes",
            setup: |p| {
                std::fs::write(
                    p,
                    (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<_>>(),
                )
                .unwrap();
            },
            error: |e| matches!(e, StoreError::NotADatabase { .. }),
            says: "is not a SQLite database",
        },
        Refused {
            name: "a SQLite header and garbage",
            setup: |p| {
                let mut b = b"SQLite format 3\0".to_vec();
                b.extend((0..4096u32).map(|i| (i.wrapping_mul(7) + 3) as u8));
                std::fs::write(p, b).unwrap();
            },
            error: |e| matches!(e, StoreError::NotADatabase { .. } | StoreError::Corrupt { .. }),
            says: "left it untouched",
        },
        Refused {
            name: "another program's database",
            setup: foreign_db,
            error: |e| matches!(e, StoreError::Foreign { .. }),
            says: "not keel's (application_id 0x0, tables customers)",
        },
        Refused {
            name: "keel's id with an unknown table",
            setup: |p| {
                let c = Connection::open(p).unwrap();
                schema::migrate(&c, p, 0, latest_version()).unwrap();
                c.execute_batch("CREATE TABLE extra (x INTEGER)").unwrap();
            },
            error: |e| matches!(e, StoreError::Foreign { .. }),
            says: "unknown table(s) extra",
        },
        Refused {
            name: "a newer keel's database",
            setup: |p| {
                let c = Connection::open(p).unwrap();
                schema::migrate(&c, p, 0, latest_version()).unwrap();
                c.pragma_update(None, "user_version", latest_version() + 1).unwrap();
            },
            error: |e| matches!(e, StoreError::TooNew { .. }),
            says: "upgrade keel",
        },
        Refused {
            name: "a corrupt keel database",
            setup: |p| {
                {
                    let mut s = Store::open(p).unwrap();
                    for i in 0..200 {
                        s.record(&ev(conv(i), 1_000 + i as i64, nudge(i, Level::Tense))).unwrap();
                    }
                    s.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE").unwrap();
                }
                // Overwrite the middle pages with garbage, keeping the header and schema page.
                let mut b = std::fs::read(p).unwrap();
                assert!(b.len() > 3 * 4096, "the file is big enough");
                for (i, x) in b[4096 * 2..].iter_mut().enumerate() {
                    *x = (i.wrapping_mul(31) + 7) as u8;
                }
                std::fs::write(p, b).unwrap();
            },
            error: |e| matches!(e, StoreError::Corrupt { .. }),
            says: "is damaged",
        },
    ];
    for case in cases {
        let t = temp();
        (case.setup)(&t.path);
        let before = std::fs::read(&t.path).unwrap();
        let err = Store::open(&t.path).expect_err(case.name);
        let text = err.to_string();
        assert!((case.error)(&err), "{}: wrong error {err:?}", case.name);
        assert!(text.contains(&t.path.display().to_string()), "{}: names the file: {text}", case.name);
        assert!(text.contains(case.says), "{}: {text}", case.name);
        assert_eq!(std::fs::read(&t.path).unwrap(), before, "{}: file changed", case.name);
        let ro = Store::open_read_only(&t.path).expect_err(case.name);
        assert!(ro.to_string().contains(&t.path.display().to_string()), "{}: read-only names the file", case.name);
        assert_eq!(std::fs::read(&t.path).unwrap(), before, "{}: file changed by read-only open", case.name);
    }
}

#[test]
fn read_only_open_needs_an_existing_current_database() {
    let t = temp();
    let e = Store::open_read_only(&t.path).unwrap_err();
    assert!(matches!(e, StoreError::Missing { .. }), "{e}");
    assert!(!t.path.exists(), "nothing created");
    drop(open(&t));
    assert!(Store::open_read_only(&t.path).is_ok());
}
