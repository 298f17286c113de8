//! Tests of the store against temporary files.

mod events;
mod report;
mod schema;
mod settings;
mod writer;

use crate::core::Level;
use crate::store::{Conversation, Event, EventKind, Store, StoredSignal};
use std::path::PathBuf;

/// A temporary directory and a database path inside it.
pub(super) struct Temp {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub(super) fn temp() -> Temp {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("keel.db");
    Temp { _dir: dir, path }
}

pub(super) fn open(t: &Temp) -> Store {
    Store::open(&t.path).expect("open the store")
}

/// Guild 1, channel 10, member 100 + n.
pub(super) fn conv(n: u64) -> Conversation {
    Conversation::from_raw(1, 10, 100 + n)
}

pub(super) fn ev(c: Conversation, at_ms: i64, kind: EventKind) -> Event {
    Event::new(c, at_ms, kind)
}

pub(super) fn scored(score: f32, level: Level, phrases: &[(&str, &str)]) -> EventKind {
    EventKind::Scored {
        score,
        level,
        channel_level: Level::Calm,
        signals: phrases.iter().map(|(c, p)| StoredSignal { category: c.to_string(), phrase: p.to_string() }).collect(),
    }
}

pub(super) fn nudge(message: u64, level: Level) -> EventKind {
    EventKind::Nudge { script: "acknowledge-and-offer".into(), message: Some(message), level }
}
