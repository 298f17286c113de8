//! `keel report`: what happened over the last days, and what worked, read
//! from keel's database.
//!
//! The database is opened read-only: a report never creates, migrates or
//! changes the file, and works while the bot is running.

use crate::store::report::{Tuning, DAY_MS};
use crate::store::{Report, Store, StoreError};
use std::io::Write;
use std::path::Path;
use time::OffsetDateTime;

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

/// A UTC date (`2026-11-22`) for Unix ms.
pub fn date(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).map_or_else(|_| ms.to_string(), |t| t.date().to_string())
}

/// A duration in ms as `1h 2m`, `3m 20s` or `45s`.
pub fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match (s / 3600, s % 3600 / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, m, _) => format!("{h}h {m}m"),
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "n/a".to_string(), |r| format!("{:.0}%", r * 100.0))
}

fn tuning_lines(rows: &[Tuning], out: &mut impl Write) -> std::io::Result<()> {
    let width = rows.iter().map(|t| t.name.chars().count()).max().unwrap_or(0);
    for t in rows {
        writeln!(out, "  {:width$}  {} false of {} ({})", t.name, t.false_alarms, t.alarms, percent(Some(t.rate())))?;
    }
    Ok(())
}

/// Renders a report as text for people (also the body of `/keel report`).
pub fn render(r: &Report, days: u32, mut out: impl Write) -> std::io::Result<()> {
    let whose = r.guild.map_or_else(|| "all guilds".to_string(), |g| format!("guild {g}"));
    writeln!(out, "keel report for {whose}: the last {days} day(s), since {} UTC", date(r.since_ms))?;
    writeln!(out)?;
    writeln!(
        out,
        "cases          {} opened, {} resolved (resolution rate {})",
        r.cases_opened,
        r.cases_resolved,
        percent(r.resolution_rate())
    )?;
    writeln!(out, "nudges         {}", r.nudges)?;
    writeln!(
        out,
        "boundaries     {} (tier 1: {}, tier 2: {}, tier 3: {})",
        r.boundaries.iter().sum::<u64>(),
        r.boundaries[0],
        r.boundaries[1],
        r.boundaries[2]
    )?;
    writeln!(out, "timeouts       {}", r.timeouts)?;
    writeln!(out, "escalations    {}", r.escalations)?;
    writeln!(
        out,
        "claims         {} (median time from nudge to claim: {})",
        r.claims,
        r.median_claim_ms.map_or_else(|| "n/a".to_string(), duration)
    )?;
    writeln!(out, "choices        {} offered, {} chosen", r.choices_offered, r.choices_chosen)?;
    writeln!(out, "follow-ups     {} sent, {} answered", r.followups_fired, r.followups_answered)?;
    writeln!(out, "pardons        {}", r.pardons)?;
    writeln!(
        out,
        "false alarms   {} of {} nudged case(s) ({})",
        r.false_alarm_cases,
        r.nudged_cases,
        percent(r.false_alarm_rate())
    )?;
    if !r.by_category.is_empty() {
        writeln!(out)?;
        writeln!(out, "false alarms by category (cases nudged with it):")?;
        tuning_lines(&r.by_category, &mut out)?;
    }
    if r.by_phrase.iter().any(|t| t.false_alarms > 0) {
        writeln!(out)?;
        writeln!(out, "phrases most often behind false alarms (tuning hints for phrases/*.toml):")?;
        let hints: Vec<Tuning> = r.by_phrase.iter().filter(|t| t.false_alarms > 0).cloned().collect();
        tuning_lines(&hints, &mut out)?;
    }
    if !r.days.is_empty() {
        writeln!(out)?;
        writeln!(out, "per day (UTC)   nudges  boundaries  false alarms")?;
        for d in &r.days {
            writeln!(out, "  {}  {:>6}  {:>10}  {:>12}", date(d.start_ms), d.nudges, d.boundaries, d.false_alarms)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Level;
    use crate::store::{Conversation, Event, EventKind, Signal};

    #[test]
    fn durations_and_dates() {
        let cases = [(0, "0s"), (45_000, "45s"), (200_000, "3m 20s"), (3_720_000, "1h 2m"), (-5, "0s")];
        for (ms, want) in cases {
            assert_eq!(duration(ms), want, "{ms}");
        }
        assert_eq!(date(1_795_305_600_000), "2026-11-22");
    }

    #[test]
    fn report_of_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keel.db");
        let now = 1_795_305_600_000 + 12 * 3_600_000;
        {
            let mut s = Store::open(&path).unwrap();
            let c = Conversation::new(5, 6, 7);
            let signals = vec![Signal { category: "insult".into(), phrase: "idiot".into() }];
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
