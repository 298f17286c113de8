//! `keel check`: validate bot.toml and every phrase file.

use crate::config::{key_problem, load_all, Loaded, ReaderState};
use crate::core::pack::{CategoryKind, EntryPattern};
use crate::diagnostics::Problem;
use crate::reader::ContextError;
use std::io::Write;
use std::path::Path;

/// Validates the configuration; prints a summary to `out` or every problem
/// to `err`. Returns true when there is no problem.
pub fn check(config: Option<&Path>, mut out: impl Write, mut err: impl Write) -> std::io::Result<bool> {
    let loaded = load_all(config).map_err(|e| e.problems().to_vec()).and_then(|loaded| {
        // The reader is part of the configuration: a required one that
        // cannot be loaded is a problem like any other, and no `ok:` is printed.
        match loaded.config.context.load() {
            Ok(reader) => Ok((loaded, reader)),
            Err(e) => Err(vec![reader_problem(&loaded, &e)]),
        }
    });
    match loaded {
        Ok((loaded, reader)) => {
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
            match reader {
                ReaderState::On(_) => writeln!(
                    out,
                    "    context reader on: {} with {}",
                    files.model_dir.display(),
                    files.adapter.display()
                )?,
                ReaderState::Disabled => writeln!(out, "    context reader off ([context] enabled = false)")?,
                ReaderState::Unavailable(e) => {
                    writeln!(out, "    context reader off, judging by phrases alone: {e}")?;
                }
            }
            Ok(true)
        }
        Err(problems) => {
            for p in &problems {
                writeln!(err, "{p}")?;
            }
            writeln!(err, "{} problem(s) found", problems.len())?;
            Ok(false)
        }
    }
}

/// The reader's load error as a problem at the bot.toml key behind it:
/// `required = true` for missing files, else the path of the broken file.
fn reader_problem(loaded: &Loaded, e: &ContextError) -> Problem {
    let files = &loaded.config.context.files;
    let (key, message) = match e {
        ContextError::Missing { .. } => {
            ("context.required", format!("true, but the context reader cannot be loaded: {e}"))
        }
        ContextError::Invalid { path, .. } | ContextError::Adapter { path, .. } if *path == files.adapter => {
            ("context.adapter", format!("the context reader cannot be loaded: {e}"))
        }
        _ => ("context.model_dir", format!("the context reader cannot be loaded: {e}")),
    };
    match &loaded.config.path {
        Some(path) => key_problem(path, key, message),
        None => Problem::file(&files.model_dir, message),
    }
}
