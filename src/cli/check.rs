//! `keel check`: validate bot.toml and every phrase file, and with `--db`
//! show every server's settings in force with where each comes from.

use crate::config::{key_problem, load_all, Config, GuildSettings, GuildSetup, Loaded, Mentions, ReaderState};
use crate::core::pack::{CategoryKind, EntryPattern};
use crate::diagnostics::Problem;
use crate::reader::ContextError;
use crate::store::Store;
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
            match (loaded.config.forecast_level, &loaded.config.forecast.model) {
                (Some(level), None) => writeln!(out, "    forecast on: built-in model, heads-up at {level:.2}")?,
                (Some(level), Some(p)) => writeln!(out, "    forecast on: {}, heads-up at {level:.2}", p.display())?,
                (None, _) => writeln!(out, "    forecast off ([forecast] enabled = false)")?,
            }
            match reader {
                ReaderState::On(_) => writeln!(out, "    context reader on: {}", loaded.config.context.describe())?,
                ReaderState::Disabled => writeln!(out, "    context reader off ([context] enabled = false)")?,
                ReaderState::Unavailable(e) => {
                    writeln!(out, "    context reader off, judging by phrases alone: {e}")?;
                }
                ReaderState::FirstStageOnly { missing, .. } => writeln!(
                    out,
                    "    context reader on: first stage alone: {} (two-stage asked for, the transformer is missing: {missing})",
                    loaded.config.context.first_stage.display()
                )?,
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

/// Prints every server's settings in force (bot.toml's `[[guild]]` blocks
/// with what `/keel setup` stored in the database at `db`), each value with
/// where it comes from, and what keeps keel from acting in a server. A
/// stored row that is not valid is reported to `err` by server. Returns
/// true when every stored row is valid; an error when the database cannot be read.
pub fn settings(config: &Config, db: &Path, mut out: impl Write, mut err: impl Write) -> std::io::Result<bool> {
    let store = Store::open_read_only(db).map_err(std::io::Error::other)?;
    let stored = store.guild_settings().map_err(std::io::Error::other)?;
    let mut ok = true;
    let mut guilds: Vec<u64> = config.guilds.iter().map(|g| g.id).chain(stored.iter().map(|s| s.guild)).collect();
    guilds.sort_unstable();
    guilds.dedup();
    writeln!(
        out,
        "settings in force ({} from bot.toml, {} set in Discord in {}):",
        config.guilds.len(),
        stored.len(),
        db.display()
    )?;
    for id in guilds {
        let base = config.guilds.iter().find(|g| g.id == id).cloned();
        let settings = match stored.iter().find(|s| s.guild == id).map(|s| GuildSettings::from_json(&s.json)) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                writeln!(err, "{}: server {id}: {e} (keel ignores them and uses bot.toml alone)", db.display())?;
                ok = false;
                GuildSettings::default()
            }
            None => GuildSettings::default(),
        };
        let setup = GuildSetup::new(id, base, settings);
        if setup.problems.is_empty() {
            writeln!(out, "server {id}: active")?;
        } else {
            let why: Vec<String> = setup.problems.iter().map(|(k, m)| format!("{k}: {m}")).collect();
            writeln!(out, "server {id}: not active ({})", why.join("; "))?;
        }
        for (key, value, source) in setup.settings.explain(id, setup.base.as_ref(), Mentions::Ids) {
            writeln!(out, "    {key} = {value}  ({})", source.label())?;
        }
    }
    Ok(ok)
}
