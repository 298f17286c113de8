//! What happened over a period, and what worked: the data behind
//! `/keel report` and `keel report`.
//!
//! Counts are of events in the period; rates are over the cases nudged (false
//! alarms) or opened (resolution) in the period. A false alarm is held
//! against every category and phrase that counted in the case, so the
//! phrases most often behind false alarms rise to the top as tuning hints.
//! [`text`] renders a report for people.

pub mod text;

use crate::store::codec::to_sql;
use crate::store::{Store, StoreError};
use rusqlite::params;
use serde::Serialize;
use std::collections::BTreeMap;

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// How often a category or phrase was behind a nudge, and behind a false alarm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tuning {
    /// The category (`insult`) or phrase (`insult: idiot`).
    pub name: String,
    /// Nudged cases it counted in.
    pub alarms: u64,
    /// Of those, cases a moderator marked as a false alarm.
    pub false_alarms: u64,
}

impl Tuning {
    /// False alarms per alarm, in [0, 1].
    pub fn rate(&self) -> f64 {
        if self.alarms == 0 {
            0.0
        } else {
            self.false_alarms as f64 / self.alarms as f64
        }
    }
}

/// Counts for one UTC day (for the report's chart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Day {
    /// The day's start (Unix ms, UTC midnight).
    pub start_ms: i64,
    /// Nudges posted.
    pub nudges: u64,
    /// Boundary messages, all tiers.
    pub boundaries: u64,
    /// False alarms reported.
    pub false_alarms: u64,
}

/// A guild's (or every guild's) activity since a time.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Report {
    /// The guild, or `None` for all.
    pub guild: Option<u64>,
    /// The period's start (Unix ms).
    pub since_ms: i64,
    /// Cases opened.
    pub cases_opened: u64,
    /// Of those, resolved.
    pub cases_resolved: u64,
    /// Nudges posted (edits of a nudge not counted again).
    pub nudges: u64,
    /// Boundary messages by tier (index 0 is tier 1).
    pub boundaries: [u64; 3],
    /// Timeouts.
    pub timeouts: u64,
    /// Escalations to human moderators.
    pub escalations: u64,
    /// Claims by moderators.
    pub claims: u64,
    /// Median time from a case's first nudge to its first claim (ms).
    pub median_claim_ms: Option<i64>,
    /// Choice sets offered.
    pub choices_offered: u64,
    /// Choices made.
    pub choices_chosen: u64,
    /// Follow-ups sent.
    pub followups_fired: u64,
    /// Follow-ups answered.
    pub followups_answered: u64,
    /// Pardons.
    pub pardons: u64,
    /// Cases with a nudge in the period.
    pub nudged_cases: u64,
    /// Of those, cases marked as a false alarm.
    pub false_alarm_cases: u64,
    /// Per category, most false alarms first.
    pub by_category: Vec<Tuning>,
    /// Per phrase, most false alarms first (at most [`Report::TOP_PHRASES`]).
    pub by_phrase: Vec<Tuning>,
    /// Per UTC day with any activity, oldest first.
    pub days: Vec<Day>,
}

impl Report {
    /// How many phrases `by_phrase` lists at most.
    pub const TOP_PHRASES: usize = 10;

    /// Resolved cases per case opened, if any was.
    pub fn resolution_rate(&self) -> Option<f64> {
        (self.cases_opened > 0).then(|| self.cases_resolved as f64 / self.cases_opened as f64)
    }

    /// False alarms per nudged case, if any was.
    pub fn false_alarm_rate(&self) -> Option<f64> {
        (self.nudged_cases > 0).then(|| self.false_alarm_cases as f64 / self.nudged_cases as f64)
    }
}

/// The cases of the period's nudges, in a CTE: `?1` since, `?2` guild or NULL.
const NUDGED: &str = "WITH nudged AS (
        SELECT DISTINCT e.case_id AS id FROM events e JOIN cases c ON c.id = e.case_id
        WHERE e.kind = 'nudge' AND e.at_ms >= ?1 AND (?2 IS NULL OR c.guild = ?2)),
    flagged AS (SELECT DISTINCT case_id AS id FROM events WHERE kind = 'false_alarm' AND case_id IN nudged)";

fn sort(mut rows: Vec<Tuning>) -> Vec<Tuning> {
    rows.sort_by(|a, b| {
        b.false_alarms.cmp(&a.false_alarms).then(b.rate().total_cmp(&a.rate())).then(a.name.cmp(&b.name))
    });
    rows
}

impl Store {
    /// The report for `guild` (or all guilds) from `since_ms` on.
    pub fn report(&self, guild: Option<u64>, since_ms: i64) -> Result<Report, StoreError> {
        let g = guild.map(to_sql);
        let conn = &self.conn;
        let mut r = Report { guild, since_ms, ..Report::default() };

        let mut stmt = conn.prepare(
            "SELECT e.kind, coalesce(e.tier, 0), count(*), count(DISTINCT coalesce(e.message, -e.id))
             FROM events e JOIN cases c ON c.id = e.case_id
             WHERE e.at_ms >= ?1 AND (?2 IS NULL OR c.guild = ?2) GROUP BY e.kind, e.tier",
        )?;
        let rows = stmt.query_map(params![since_ms, g], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)? as u64,
                row.get::<_, i64>(3)? as u64,
            ))
        })?;
        for row in rows {
            let (kind, tier, n, distinct) = row?;
            match kind.as_str() {
                "nudge" => r.nudges += distinct,
                "boundary" if (1..=3).contains(&tier) => r.boundaries[tier as usize - 1] += n,
                "timeout" => r.timeouts += n,
                "escalation" => r.escalations += n,
                "claim" => r.claims += n,
                "choice_offered" => r.choices_offered += n,
                "choice_chosen" => r.choices_chosen += n,
                "followup_fired" => r.followups_fired += n,
                "followup_answered" => r.followups_answered += n,
                "pardon" => r.pardons += n,
                _ => {}
            }
        }

        (r.cases_opened, r.cases_resolved) = conn.query_row(
            "SELECT count(*), count(closed_ms) FROM cases WHERE opened_ms >= ?1 AND (?2 IS NULL OR guild = ?2)",
            params![since_ms, g],
            |row| Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64)),
        )?;

        let mut stmt = conn.prepare(&format!(
            "{NUDGED} SELECT (SELECT min(at_ms) FROM events WHERE case_id = n.id AND kind = 'claim') -
                             (SELECT min(at_ms) FROM events WHERE case_id = n.id AND kind = 'nudge')
             FROM nudged n"
        ))?;
        let mut waits: Vec<i64> = stmt
            .query_map(params![since_ms, g], |row| row.get::<_, Option<i64>>(0))?
            .filter_map(|w| w.ok().flatten())
            .filter(|&w| w >= 0)
            .collect();
        waits.sort_unstable();
        r.median_claim_ms = match waits.len() {
            0 => None,
            n if n % 2 == 1 => Some(waits[n / 2]),
            n => Some((waits[n / 2 - 1] + waits[n / 2]) / 2),
        };

        (r.nudged_cases, r.false_alarm_cases) = conn.query_row(
            &format!("{NUDGED} SELECT (SELECT count(*) FROM nudged), (SELECT count(*) FROM flagged)"),
            params![since_ms, g],
            |row| Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64)),
        )?;

        let tuning = |group: &str, name: &str| -> Result<Vec<Tuning>, StoreError> {
            let mut stmt = conn.prepare(&format!(
                "{NUDGED}, pairs AS (
                    SELECT DISTINCT e.case_id AS case_id, s.category AS category, s.phrase AS phrase FROM signals s JOIN events e ON e.id = s.event_id
                    WHERE e.case_id IN nudged)
                 SELECT {name}, count(*), sum(case_id IN flagged) FROM pairs GROUP BY {group}"
            ))?;
            let rows = stmt.query_map(params![since_ms, g], |row| {
                Ok(Tuning {
                    name: row.get(0)?,
                    alarms: row.get::<_, i64>(1)? as u64,
                    false_alarms: row.get::<_, i64>(2)? as u64,
                })
            })?;
            Ok(sort(rows.collect::<rusqlite::Result<_>>()?))
        };
        r.by_category = tuning("category", "category")?;
        r.by_phrase = tuning("category, phrase", "category || ': ' || phrase")?;
        r.by_phrase.truncate(Report::TOP_PHRASES);

        let mut stmt = conn.prepare(
            "SELECT e.at_ms / ?3 * ?3, e.kind, count(DISTINCT coalesce(e.message, -e.id))
             FROM events e JOIN cases c ON c.id = e.case_id
             WHERE e.at_ms >= ?1 AND (?2 IS NULL OR c.guild = ?2) AND e.kind IN ('nudge', 'boundary', 'false_alarm')
             GROUP BY 1, 2",
        )?;
        let mut days: BTreeMap<i64, Day> = BTreeMap::new();
        let rows = stmt.query_map(params![since_ms, g, DAY_MS], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, i64>(2)? as u64))
        })?;
        for row in rows {
            let (start_ms, kind, n) = row?;
            let day = days.entry(start_ms).or_insert(Day { start_ms, ..Day::default() });
            match kind.as_str() {
                "nudge" => day.nudges += n,
                "boundary" => day.boundaries += n,
                _ => day.false_alarms += n,
            }
        }
        r.days = days.into_values().collect();
        Ok(r)
    }
}
