//! `keel replay`: a transcript in, one decision per message out.
//!
//! This is a public contract (see DESIGN.md): JSON Lines in, JSON Lines out,
//! one output line per well-formed input line, in order; a malformed line is
//! reported on stderr with its line number and skipped. Input is streamed
//! line by line, so memory stays bounded by the tracker, whatever the
//! length of the transcript.

use crate::cli::{ids, round3};
use crate::core::engine::{Decision, Engine, Message};
use crate::core::ids::{ChannelId, MemberId};
use crate::core::pack::{CategoryKind, Pack};
use crate::core::policy::Action;
use crate::core::{Level, Role};
use serde::{Deserialize, Deserializer, Serialize};
use std::io::{BufRead, Write};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// An ID written as a string or a number.
#[derive(Debug)]
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            N(u64),
        }
        match Raw::deserialize(d) {
            Ok(Raw::S(s)) => Ok(Id(s)),
            Ok(Raw::N(n)) => Ok(Id(n.to_string())),
            Err(_) => Err(serde::de::Error::custom("expected a string or a whole number")),
        }
    }
}

/// `ts`: RFC 3339 text or Unix milliseconds.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Timestamp {
    Millis(i64),
    Text(String),
}

/// One input line. Unknown fields are ignored.
#[derive(Debug, Deserialize)]
struct InputLine {
    id: Id,
    ts: Option<Timestamp>,
    #[allow(dead_code)]
    guild: Option<Id>,
    channel: Id,
    author: Id,
    #[serde(default)]
    role: Role,
    text: String,
}

#[derive(Serialize)]
struct OutSignal<'a> {
    category: &'a str,
    phrase: &'a str,
    start: usize,
    end: usize,
    weight: f64,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum OutAction<'a> {
    NudgeModerators { script: &'a str, text: &'a str },
    OfferChoices { set: &'a str },
    Boundary { tier: u8, text: &'a str },
    Timeout { seconds: u64 },
    Escalate,
}

#[derive(Serialize)]
struct OutLine<'a> {
    id: &'a str,
    score: f64,
    hostile: bool,
    level: Level,
    channel_level: Level,
    trend: f64,
    signals: Vec<OutSignal<'a>>,
    actions: Vec<OutAction<'a>>,
}

fn parse_ts(ts: &Timestamp) -> Result<i64, String> {
    match ts {
        Timestamp::Millis(ms) => Ok(*ms),
        Timestamp::Text(s) => OffsetDateTime::parse(s, &Rfc3339)
            .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
            .map_err(|e| format!("`ts` is neither RFC 3339 nor Unix milliseconds ({s:?}: {e})")),
    }
}

fn to_line<'a>(id: &'a str, d: &'a Decision, pack: &'a Pack) -> OutLine<'a> {
    let a = &d.analysis;
    let signals = a
        .signals
        .iter()
        .filter(|s| s.weight != 0.0)
        .map(|s| OutSignal {
            category: &pack.categories()[s.category].name,
            phrase: &pack.entries()[s.entry].written,
            start: s.start,
            end: s.end,
            weight: round3(if s.kind == CategoryKind::Deescalating { -s.weight } else { s.weight }),
        })
        .collect();
    let actions = d
        .actions
        .iter()
        .map(|act| match act {
            Action::NudgeModerators { script, text, .. } => OutAction::NudgeModerators { script, text },
            Action::OfferChoices { set, .. } => OutAction::OfferChoices { set },
            Action::Boundary { tier, text } => OutAction::Boundary { tier: *tier, text },
            Action::Timeout { seconds } => OutAction::Timeout { seconds: *seconds },
            Action::Escalate => OutAction::Escalate,
        })
        .collect();
    OutLine {
        id,
        score: round3(a.score),
        hostile: a.hostile,
        level: d.outcome.level,
        channel_level: d.outcome.channel_level,
        trend: round3(d.outcome.trend),
        signals,
        actions,
    }
}

/// What a replay run saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReplaySummary {
    /// Lines judged.
    pub messages: u64,
    /// Lines skipped as malformed.
    pub malformed: u64,
}

/// Replays `input` through `engine`, writing one JSON line per message to
/// `out` and diagnostics to `err`.
pub fn replay(
    engine: &mut Engine,
    input: impl BufRead,
    mut out: impl Write,
    mut err: impl Write,
) -> std::io::Result<ReplaySummary> {
    let mut summary = ReplaySummary::default();
    let mut last_ts: Option<i64> = None;
    let mut decision = Decision::default();
    let mut line = String::new();
    let mut input = input;
    let mut number = 0u64;
    let analyzer = engine.analyzer().clone();
    loop {
        line.clear();
        // Read bytes, not text, so one line of broken UTF-8 is reported and skipped.
        let mut raw = Vec::new();
        if input.read_until(b'\n', &mut raw)? == 0 {
            break;
        }
        number += 1;
        if let Ok(s) = String::from_utf8(raw) {
            line = s;
        } else {
            writeln!(err, "line {number}: not valid UTF-8; skipped")?;
            summary.malformed += 1;
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let parsed: InputLine = match serde_json::from_str(&line) {
            Ok(p) => p,
            Err(e) => {
                writeln!(err, "line {number}: {e}; skipped")?;
                summary.malformed += 1;
                continue;
            }
        };
        let ts = match parsed.ts.as_ref().map(parse_ts) {
            Some(Ok(ts)) => ts,
            Some(Err(e)) => {
                writeln!(err, "line {number}: {e}; skipped")?;
                summary.malformed += 1;
                continue;
            }
            None => last_ts.map_or(0, |t| t + 1000),
        };
        last_ts = Some(ts);
        let channel_name = format!("#{}", parsed.channel.0);
        let msg = Message {
            ts_ms: ts,
            channel: ChannelId(ids::key(&parsed.channel.0)),
            author: MemberId(ids::key(&parsed.author.0)),
            role: parsed.role,
            text: &parsed.text,
            author_name: &parsed.author.0,
            channel_name: &channel_name,
        };
        engine.process_into(&msg, &mut decision);
        let out_line = to_line(&parsed.id.0, &decision, analyzer.pack());
        serde_json::to_writer(&mut out, &out_line)?;
        out.write_all(b"\n")?;
        summary.messages += 1;
    }
    out.flush()?;
    Ok(summary)
}
