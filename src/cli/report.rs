//! `keel report`: what happened over the last days, and what worked, read
//! from keel's database.
//!
//! The database is opened read-only: a report never creates, migrates or
//! changes the file, and works while the bot is running.

use crate::store::report::text::render;
use crate::store::report::DAY_MS;
use crate::store::{Store, StoreError};
use std::io::Write;
use std::path::Path;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The database could not be opened or read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The output could not be written.
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes the report of the last `days` days before `now_ms` for `guild`
/// (or every guild) in the database at `db`.
pub fn report(db: &Path, days: u32, guild: Option<u64>, now_ms: i64, out: impl Write) -> Result<(), ReportError> {
    let store = Store::open_read_only(db)?;
    let since_ms = now_ms.saturating_sub(i64::from(days) * DAY_MS);
    let r = store.report(guild, since_ms)?;
    render(&r, days, out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Level;
    use crate::store::{Conversation, Event, EventKind, StoredSignal};

    #[test]
    fn report_of_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keel.db");
        let now = 1_795_305_600_000 + 12 * 3_600_000;
        {
            let mut s = Store::open(&path).unwrap();
            let c = Conversation::from_raw(5, 6, 7);
            let signals = vec![StoredSignal { category: "insult".into(), phrase: "idiot".into() }];
            let scored = EventKind::Scored { score: 0.7, level: Level::Heated, channel_level: Level::Tense, signals };
            let nudge = EventKind::Nudge { script: "s".into(), message: Some(1), level: Level::Heated };
            s.record_many(&[Event::new(c, now - 1000, scored), Event::new(c, now - 1000, nudge)]).unwrap();
            s.record(&Event::new(c, now - 500, EventKind::FalseAlarm { by: 2 })).unwrap();
            s.record(&Event::new(c, now - 400, EventKind::Boundary { tier: 2 })).unwrap();
        }
        let mut out = Vec::new();
        report(&path, 7, Some(5), now, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for want in [
            "keel report for guild 5: the last 7 day(s), since 2026-11-15 UTC",
            "cases          1 opened, 0 resolved (resolution rate 0%)",
            "boundaries     1 (tier 1: 0, tier 2: 1, tier 3: 0)",
            "claims         0 (median time from nudge to claim: n/a)",
            "false alarms   1 of 1 nudged case(s) (100%)",
            "  insult: idiot  1 false of 1 (100%)",
            "  2026-11-22       1           1             1",
        ] {
            assert!(text.contains(want), "{want:?} in\n{text}");
        }
        let missing = report(&dir.path().join("nope.db"), 7, None, now, Vec::new()).unwrap_err();
        assert!(missing.to_string().contains("nope.db does not exist"), "{missing}");
        assert!(!dir.path().join("nope.db").exists());
    }
}
