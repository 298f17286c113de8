//! `keel explain`: why a message scored as it did.

use crate::cli::round3;
use crate::core::context::{NotRead, Reader, Reading};
use crate::core::pack::CategoryKind;
use crate::core::score::{Aim, Analyzer};
use std::io::Write;

fn aim_text(aim: Aim) -> &'static str {
    match aim {
        Aim::Nobody => "nobody",
        Aim::Writer => "the writer",
        Aim::SecondPerson => "the reader or a mentioned member",
        Aim::ThirdPerson => "someone else",
    }
}

/// Writes a human-readable explanation of how `text` scores on its own.
/// With a context reader, also how it read the message and what that did.
pub fn explain(
    analyzer: &Analyzer,
    reader: Option<&dyn Reader>,
    text: &str,
    mut out: impl Write,
) -> std::io::Result<()> {
    let pack = analyzer.pack();
    let mut a = analyzer.analyze(text, 0.0);
    let reading = reader.map_or(Reading::Off, |r| r.blend_reading(&mut a, pack.settings().hostile_threshold));
    writeln!(out, "original:   {text}")?;
    writeln!(out, "normalized: {}", a.normalized.text())?;
    writeln!(
        out,
        "score:      {:.3}  ({}; hostile at {:.2}){}",
        a.score,
        if a.hostile { "HOSTILE" } else { "not hostile" },
        pack.settings().hostile_threshold,
        if a.abusive { "  counts as abuse (a strike)" } else { "" }
    )?;
    match &reading {
        Reading::Off => writeln!(out, "reader:     off (phrases alone)")?,
        Reading::NotRead(NotRead::StandsDown(why)) => writeln!(out, "reader:     {why}")?,
        Reading::Read(p) => writeln!(
            out,
            "reader:     reads it as offensive with probability {:.3} (phrases alone {:.3}){}",
            p,
            a.phrase_score,
            if a.score > a.phrase_score {
                ": confident, so the blend with the phrases raised the score"
            } else {
                ": not confident enough to change the score"
            }
        )?,
        Reading::NotRead(NotRead::Failed(e)) => writeln!(out, "reader:     failed ({e}); phrases alone")?,
    }
    if let (Reading::Read(_), Some(r)) = (&reading, reader) {
        if let Some(which) = r.which_reads(&crate::core::context::reader_text(&a)) {
            writeln!(out, "read by:    {which}")?;
        }
    }
    if a.surface.shouting > 0.0 || a.surface.punctuation_bursts > 0 {
        writeln!(
            out,
            "surface:    shouting {:.2}, punctuation bursts {}",
            a.surface.shouting, a.surface.punctuation_bursts
        )?;
    }
    if a.signals.is_empty() {
        writeln!(out, "matches:    none")?;
    } else {
        writeln!(out, "matches:")?;
    }
    for s in &a.signals {
        let e = &pack.entries()[s.entry];
        let cat = &pack.categories()[s.category];
        let kind = match cat.kind {
            CategoryKind::Hostile => "",
            CategoryKind::Deescalating => " (de-escalating)",
            CategoryKind::Cue => " (conversation cue)",
        };
        write!(
            out,
            "  - {}{} {:?} at {}..{} {:?} [{}]: weight {} -> {}",
            cat.name,
            kind,
            e.written,
            s.start,
            s.end,
            text.get(s.start..s.end).unwrap_or(""),
            pack.origin_display(e.origin),
            round3(s.base_weight),
            round3(s.weight)
        )?;
        let mut notes = Vec::new();
        if let Some(i) = s.allowed_by {
            notes.push(format!("cancelled by allow-list entry {:?}", pack.allow()[i].text));
        }
        if s.aim.at_person() && cat.kind == CategoryKind::Hostile {
            notes.push(format!("aimed at {}", aim_text(s.aim)));
        } else if s.aim == Aim::Writer && s.allowed_by.is_none() && s.weight < s.base_weight {
            notes.push(format!(
                "said of the writer: keeps {:.0}% of its weight, see untargeted_factor",
                pack.settings().untargeted_factor * 100.0
            ));
        } else if e.targeted && s.allowed_by.is_none() {
            notes.push(format!(
                "not aimed at a person: keeps {:.0}% of its weight, see untargeted_factor",
                pack.settings().untargeted_factor * 100.0
            ));
        }
        if s.negated && cat.negatable && s.allowed_by.is_none() {
            notes.push("negated".into());
        }
        if cat.severe && !s.aim.at_person() && s.allowed_by.is_none() && s.weight < s.base_weight {
            notes.push("aimed at nobody: hostile, but no strike (see unaimed_weight)".into());
        }
        if notes.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "  ({})", notes.join("; "))?;
        }
    }
    if a.cooling > 0.0 {
        writeln!(out, "cooling:    {:.2} (de-escalating markers lower the score)", a.cooling)?;
    }
    if a.cue != 0.0 {
        writeln!(out, "cue:        {:+.2} (moves the conversation's heat, not this score)", a.cue)?;
    }
    if let Some(t) = a.topic {
        let topic = &pack.topics()[t];
        writeln!(out, "topic:      {} ({{issue}} = {:?})", topic.name, topic.label)?;
    }
    Ok(())
}
