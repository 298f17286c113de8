//! The text format of `keel replay`: one row per message, for a person at
//! a terminal, and the summary at the end.
//!
//! A row is one line: the time (UTC; a date line starts each day), the
//! channel, the message ID, the author and their role, the score, the
//! conversation's level (on a team member's row: the level of the
//! channel's latest customer, so a reply that cools them shows), the
//! channel's level, what matched (phrases as the owner wrote them; for a
//! pattern, the words it matched), and what keel does, in words. With
//! `verbose`, the full texts of nudges, choices and boundary messages
//! follow their row, indented.

use super::summary::Tally;
use crate::cli::round3;
use crate::core::engine::{Decision, Engine, Message};
use crate::core::ids::{ChannelId, MemberId};
use crate::core::pack::{EntryPattern, Pack};
use crate::core::policy::{Action, NudgeScope};
use crate::core::Level;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use time::OffsetDateTime;

/// Column widths of a row, in characters.
const CHANNEL: usize = 10;
const ID: usize = 5;
const AUTHOR: usize = 20;
const SCORE: usize = 12;
const LEVEL: usize = 26;
const CHANNEL_LEVEL: usize = 22;
/// At most this many signals are named on a row.
const MAX_SIGNALS: usize = 6;
/// Where the full texts of `verbose` start.
const INDENT: &str = "          ";

/// The rows written so far and what the summary needs.
#[derive(Debug)]
pub(super) struct Rows {
    verbose: bool,
    header: bool,
    day: Option<time::Date>,
    /// Each channel's most recent customer: their key, name and last message's time.
    customers: HashMap<ChannelId, (MemberId, String, i64)>,
    tally: Tally,
}

impl Rows {
    /// No rows yet.
    pub(super) fn new(verbose: bool) -> Rows {
        Rows { verbose, header: false, day: None, customers: HashMap::new(), tally: Tally::default() }
    }

    /// Judges `msg` with `engine` into `d` and writes its row.
    pub(super) fn judge(
        &mut self,
        engine: &mut Engine,
        msg: &Message<'_>,
        id: &str,
        d: &mut Decision,
        mut out: impl Write,
    ) -> std::io::Result<()> {
        let customer = if msg.role.is_team() {
            self.customers.get(&msg.channel).cloned()
        } else {
            self.customers.insert(msg.channel, (msg.author, msg.author_name.to_string(), msg.ts_ms));
            None
        };
        let conversation =
            |engine: &Engine| customer.as_ref().and_then(|(key, ..)| engine.tracker().conversation(msg.channel, *key));
        let before = conversation(engine).map(|v| v.level);
        engine.process_into(msg, d);
        let after = conversation(engine);
        self.tally.count(msg, d);

        let when = OffsetDateTime::from_unix_timestamp_nanos(i128::from(msg.ts_ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        if !self.header {
            self.header = true;
            writeln!(
                out,
                "{:<8}  {}  {}  {}  {}  {}  {}  what matched ⇒ what keel does",
                "time",
                fit("channel", CHANNEL),
                fit("id", ID),
                fit("author (role)", AUTHOR),
                fit("score", SCORE),
                fit("customer's level, heat", LEVEL),
                fit("channel's level, heat", CHANNEL_LEVEL),
            )?;
        }
        if self.day != Some(when.date()) {
            self.day = Some(when.date());
            writeln!(out, "── {} (UTC)", when.date())?;
        }
        let a = &d.analysis;
        let o = &d.outcome;
        let who = format!("{} ({})", msg.author_name, role_name(msg.role));
        let score = format!("{:.2}{}", round3(a.score), if a.hostile { " hostile" } else { "" });
        let level = if msg.role.is_team() {
            match (&customer, after) {
                (Some((_, name, last_ms)), Some(a)) => {
                    // The tracker keeps heat as of the customer's last message; decay it to now.
                    let half_life = engine.tracker().config().half_life_secs;
                    let heat = decayed(a.heat, msg.ts_ms - last_ms, half_life);
                    format!("{name}: {} {heat:.2}", change(before.unwrap_or(a.level), a.level))
                }
                _ => "no customer yet".to_string(),
            }
        } else {
            format!("{} {:.2}", change(o.previous_level, o.level), o.heat)
        };
        let channel_level = format!("{} {:.2}", change(o.previous_channel_level, o.channel_level), o.channel_heat);
        let mut row = format!(
            "{:02}:{:02}:{:02}  {}  {}  {}  {}  {}  {}",
            when.hour(),
            when.minute(),
            when.second(),
            fit(msg.channel_name, CHANNEL),
            fit(id, ID),
            fit(&who, AUTHOR),
            fit(&score, SCORE),
            fit(&level, LEVEL),
            fit(&channel_level, CHANNEL_LEVEL),
        );
        let pack = engine.analyzer().pack();
        let signals = signals(msg.text, d, pack);
        let actions = d.actions.iter().map(action).collect::<Vec<_>>().join(", ");
        match (signals.is_empty(), actions.is_empty()) {
            (true, true) => {}
            (false, true) => row.push_str(&signals),
            (true, false) => {
                let _ = write!(row, "⇒ {actions}");
            }
            (false, false) => {
                let _ = write!(row, "{signals}  ⇒ {actions}");
            }
        }
        writeln!(out, "{}", row.trim_end())?;
        if self.verbose {
            for act in &d.actions {
                full_text(act, &mut out)?;
            }
        }
        Ok(())
    }

    /// Writes the summary after the last row.
    pub(super) fn finish(&self, malformed: u64, out: impl Write) -> std::io::Result<()> {
        self.tally.write(malformed, out)
    }
}

/// `s` in exactly `width` characters: padded, or cut with `…`.
pub(super) fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        format!("{s}{}", " ".repeat(width - n))
    } else {
        let cut: String = s.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

fn role_name(role: crate::core::Role) -> &'static str {
    match role {
        crate::core::Role::Customer => "customer",
        crate::core::Role::Staff => "staff",
        crate::core::Role::Moderator => "moderator",
    }
}

/// `heat` after `elapsed_ms` at a half-life of `half_life_secs`.
fn decayed(heat: f32, elapsed_ms: i64, half_life_secs: f64) -> f64 {
    if half_life_secs <= 0.0 {
        return f64::from(heat);
    }
    f64::from(heat) * (-(elapsed_ms.max(0) as f64) / 1000.0 / half_life_secs).exp2()
}

/// `calm`, or `calm → tense` when the level changed.
pub(super) fn change(before: Level, after: Level) -> String {
    if before == after {
        after.to_string()
    } else {
        format!("{before} → {after}")
    }
}

/// What matched, by category: `frustration: ridiculous, sick of; insult: idiot`.
/// A phrase is named as written in the pack; a pattern by the words it
/// matched, in quotes.
fn signals(text: &str, d: &Decision, pack: &Pack) -> String {
    let counted: Vec<_> = d.analysis.signals.iter().filter(|s| s.weight != 0.0).collect();
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for s in counted.iter().take(MAX_SIGNALS) {
        let entry = &pack.entries()[s.entry];
        let phrase = match entry.pattern {
            EntryPattern::Phrase(_) => entry.written.clone(),
            EntryPattern::Regex(_) => {
                let matched = text.get(s.start..s.end).unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric());
                format!("\"{}\"", matched.split_whitespace().collect::<Vec<_>>().join(" "))
            }
        };
        let category = pack.categories()[s.category].name.as_str();
        match groups.iter_mut().find(|g| g.0 == category) {
            Some(g) => g.1.push(phrase),
            None => groups.push((category, vec![phrase])),
        }
    }
    let mut out = groups.iter().map(|(c, p)| format!("{c}: {}", p.join(", "))).collect::<Vec<_>>().join("; ");
    if counted.len() > MAX_SIGNALS {
        let _ = write!(out, "; +{} more", counted.len() - MAX_SIGNALS);
    }
    out
}

/// An action in words.
fn action(act: &Action) -> String {
    match act {
        Action::NudgeModerators { script, scope: NudgeScope::Author, .. } => {
            format!("nudged moderators (script: {script})")
        }
        Action::NudgeModerators { script, scope: NudgeScope::Channel, .. } => {
            format!("nudged moderators about the channel (script: {script})")
        }
        Action::OfferChoices { options, .. } => {
            let labels: Vec<&str> = options.iter().map(|o| o.0.as_str()).collect();
            format!("offered choices: {}", labels.join(" / "))
        }
        Action::Boundary { tier, .. } => format!("boundary message (tier {tier})"),
        Action::Timeout { seconds } => format!("timed out {}", duration(*seconds)),
        Action::Escalate => "escalated to moderators".to_string(),
    }
}

/// `45 s`, `10 min`, `2 h`, `1 h 30 min`.
pub(super) fn duration(seconds: u64) -> String {
    match (seconds / 3600, seconds % 3600 / 60, seconds % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (h, 0, 0) => format!("{h} h"),
        (h, m, 0) => format!("{h} h {m} min"),
        _ => format!("{seconds} s"),
    }
}

/// The full text an action posts, indented under its row (`verbose`).
fn full_text(act: &Action, mut out: impl Write) -> std::io::Result<()> {
    let (title, text) = match act {
        Action::NudgeModerators { script, text, .. } => (format!("nudge ({script}):"), text.clone()),
        Action::OfferChoices { set, prompt, options } => {
            let labels: Vec<String> = options.iter().map(|o| format!("[{}]", o.0)).collect();
            (format!("choices ({set}):"), format!("{prompt}\n{}", labels.join(" ")))
        }
        Action::Boundary { tier, text } => (format!("boundary message (tier {tier}):"), text.clone()),
        Action::Timeout { .. } | Action::Escalate => return Ok(()),
    };
    writeln!(out, "{INDENT}{title}")?;
    for line in text.lines() {
        writeln!(out, "{INDENT}  {line}")?;
    }
    Ok(())
}
