//! `keel check`: validate bot.toml and every phrase file.

use crate::config::{load_all, ReaderState};
use crate::core::pack::{CategoryKind, EntryPattern};
use std::io::Write;
use std::path::Path;

/// Validates the configuration; prints a summary to `out` or every problem
/// to `err`. Returns true when there is no problem.
pub fn check(config: Option<&Path>, mut out: impl Write, mut err: impl Write) -> std::io::Result<bool> {
    match load_all(config) {
        Ok(loaded) => {
            let pack = loaded.analyzer.pack();
            let phrases = pack.entries().iter().filter(|e| matches!(e.pattern, EntryPattern::Phrase(_))).count();
            let patterns = pack.entries().len() - phrases;
            let hostile = pack.categories().iter().filter(|c| c.kind == CategoryKind::Hostile).count();
            writeln!(
                out,
                "ok: {} ({} phrase file(s) in {})",
                loaded.config.path.as_ref().map_or("built-in defaults".into(), |p| p.display().to_string()),
                pack.files().len(),
                loaded.config.phrases_dir.display()
            )?;
            writeln!(
                out,
                "    {} categories ({} hostile), {} phrases, {} patterns, {} allow-list entries",
                pack.categories().len(),
                hostile,
                phrases,
                patterns,
                pack.allow().len()
            )?;
            writeln!(
                out,
                "    {} topics, {} scripts, {} choice sets, boundary tiers 1-3; hostile at score >= {}",
                pack.topics().len(),
                pack.scripts().len(),
                pack.choice_sets().len(),
                pack.settings().hostile_threshold
            )?;
            let files = &loaded.config.context.files;
            match loaded.config.context.load() {
                Ok(ReaderState::On(_)) => writeln!(
                    out,
                    "    context reader on: {} with {}",
                    files.model_dir.display(),
                    files.adapter.display()
                )?,
                Ok(ReaderState::Disabled) => writeln!(out, "    context reader off ([context] enabled = false)")?,
                Ok(ReaderState::Unavailable(e)) => {
                    writeln!(out, "    context reader off, judging by phrases alone: {e}")?;
                }
                Err(e) => {
                    writeln!(err, "{e}")?;
                    writeln!(err, "1 problem(s) found")?;
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Err(e) => {
            for p in e.problems() {
                writeln!(err, "{p}")?;
            }
            writeln!(err, "{} problem(s) found", e.problems().len())?;
            Ok(false)
        }
    }
}
