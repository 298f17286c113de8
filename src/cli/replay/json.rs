//! The public contract's output: one JSON line per message (see docs/replay-format.md,
//! "Public contract: keel replay"). Field names, their order and the
//! rounding are part of the contract and must not change.

use crate::cli::round3;
use crate::core::engine::Decision;
use crate::core::pack::{CategoryKind, Pack};
use crate::core::policy::Action;
use crate::core::Level;
use serde::Serialize;
use std::io::Write;

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
    forecast: f64,
    channel_forecast: f64,
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
        forecast: round3(d.outcome.forecast),
        channel_forecast: round3(d.outcome.channel_forecast),
    }
}

/// Writes the JSON line of the message `id` judged as `d`.
pub(super) fn write_line(mut out: impl Write, id: &str, d: &Decision, pack: &Pack) -> std::io::Result<()> {
    serde_json::to_writer(&mut out, &to_line(id, d, pack))?;
    out.write_all(b"\n")
}
