//! `keel replay`: a transcript in, one decision per message out.
//!
//! The JSON format is a public contract (see docs/replay-format.md): JSON Lines in,
//! JSON Lines out, one output line per well-formed input line, in order; a
//! malformed line is reported on stderr with its line number and skipped.
//! The text format is for people: one readable row per message and a
//! summary at the end; it promises nothing about its layout. Input is
//! streamed line by line, so memory stays bounded by the tracker (the text
//! format also remembers each channel's latest customer and which
//! conversations it has seen, for its summary).

mod input;
mod json;
mod summary;
mod text;

use crate::cli::ids;
use crate::core::engine::{Decision, Engine, Message};
use crate::core::ids::{ChannelId, MemberId};
use input::{parse_ts, InputLine};
use std::io::{BufRead, Write};

/// How `keel replay` writes its decisions.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON line per message: the public contract.
    #[default]
    Json,
    /// One readable row per message and a summary at the end.
    Text {
        /// Also print every nudge's, choice's and boundary message's full text.
        verbose: bool,
    },
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
    out: impl Write,
    err: impl Write,
) -> std::io::Result<ReplaySummary> {
    replay_as(Format::Json, engine, input, out, err)
}

/// Replays `input` through `engine`, writing its decisions to `out` in
/// `format` and diagnostics to `err`.
pub fn replay_as(
    format: Format,
    engine: &mut Engine,
    mut input: impl BufRead,
    mut out: impl Write,
    mut err: impl Write,
) -> std::io::Result<ReplaySummary> {
    let mut summary = ReplaySummary::default();
    let mut last_ts: Option<i64> = None;
    let mut decision = Decision::default();
    let mut number = 0u64;
    let mut rows = match format {
        Format::Json => None,
        Format::Text { verbose } => Some(text::Rows::new(verbose)),
    };
    let mut raw = Vec::new();
    loop {
        raw.clear();
        // Read bytes, not text, so one line of broken UTF-8 is reported and skipped.
        if input.read_until(b'\n', &mut raw)? == 0 {
            break;
        }
        number += 1;
        let Ok(line) = std::str::from_utf8(&raw) else {
            writeln!(err, "line {number}: not valid UTF-8; skipped")?;
            summary.malformed += 1;
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        let parsed: InputLine = match serde_json::from_str(line) {
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
        match &mut rows {
            None => {
                engine.process_into(&msg, &mut decision);
                json::write_line(&mut out, &parsed.id.0, &decision, engine.analyzer().pack())?;
            }
            Some(rows) => rows.judge(engine, &msg, &parsed.id.0, &mut decision, &mut out)?,
        }
        summary.messages += 1;
    }
    if let Some(rows) = &rows {
        rows.finish(summary.malformed, &mut out)?;
    }
    out.flush()?;
    Ok(summary)
}

#[cfg(test)]
mod tests;
