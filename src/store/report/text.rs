//! A report as text for people: the body of `keel report` and of `/keel report`.
//!
//! Below both the command line and the bot, so neither imports the other.

use crate::store::report::{Report, Tuning};
use std::io::Write;
use time::OffsetDateTime;

/// A UTC date (`2026-11-22`) for Unix ms (the number itself when out of range).
pub fn date(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).map_or_else(|_| ms.to_string(), |t| t.date().to_string())
}

/// A UTC date and time (`2026-11-22 10:04:05`) for Unix ms (the number itself when out of range).
pub fn datetime(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).map_or_else(
        |_| ms.to_string(),
        |t| format!("{} {:02}:{:02}:{:02}", t.date(), t.hour(), t.minute(), t.second()),
    )
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

    #[test]
    fn durations_and_dates() {
        let cases = [(0, "0s"), (45_000, "45s"), (200_000, "3m 20s"), (3_720_000, "1h 2m"), (-5, "0s")];
        for (ms, want) in cases {
            assert_eq!(duration(ms), want, "{ms}");
        }
        assert_eq!(date(1_795_305_600_000), "2026-11-22");
    }
}
