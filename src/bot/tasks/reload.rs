//! Hot reload: bot.toml and the phrase pack are picked up without a restart.
//!
//! A background task looks at the files' sizes and modification times every
//! `reload_interval_secs`. On a change it loads and validates everything
//! first; a valid configuration is swapped in atomically (conversations keep
//! their state), an invalid one leaves the running configuration in place
//! and its problems (file, line, key) go to the log and, once per distinct
//! set of problems, to every moderator channel.

use crate::bot::discord::execute;
use crate::bot::discord::plan::Step;
use crate::bot::discord::text::{truncate, CONTENT_MAX};
use crate::bot::shared::Shared;
use crate::config::Config;
use serenity::all::Http;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The files a configuration is read from, with their sizes and times.
pub type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// What the files of `config` look like on disk now.
pub fn fingerprint(config_path: Option<&Path>, config: &Config) -> Fingerprint {
    let mut files: Vec<PathBuf> = config_path.map(Path::to_path_buf).into_iter().collect();
    if let Ok(entries) = std::fs::read_dir(&config.phrases_dir) {
        let mut phrases: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        phrases.sort();
        files.extend(phrases);
    }
    files
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let len = meta.as_ref().map_or(0, std::fs::Metadata::len);
            let modified = meta.and_then(|m| m.modified().ok());
            (p, len, modified)
        })
        .collect()
}

/// Watches the files until the process ends.
pub async fn watch(shared: Arc<Shared>, http: Arc<Http>) {
    let config = shared.config();
    let mut seen = fingerprint(shared.config_path.as_deref(), &config);
    let mut last_problems: Vec<String> = Vec::new();
    loop {
        let interval = shared.config().discord.reload_interval_secs.max(1);
        tokio::time::sleep(Duration::from_secs(interval)).await;
        let config = shared.config();
        let now = fingerprint(shared.config_path.as_deref(), &config);
        if now == seen {
            continue;
        }
        seen = now;
        match shared.reload() {
            Ok(()) => {
                tracing::info!("configuration reloaded");
                last_problems.clear();
                // The new configuration may name more phrase files.
                seen = fingerprint(shared.config_path.as_deref(), &shared.config());
            }
            Err(problems) => {
                for p in &problems {
                    tracing::error!(problem = %p, "configuration not reloaded");
                }
                if problems != last_problems {
                    report(&http, &shared, &problems).await;
                    last_problems = problems;
                }
            }
        }
    }
}

async fn report(http: &Http, shared: &Shared, problems: &[String]) {
    let mut content =
        format!("keel kept its running configuration: the edited files have {} problem(s).\n```\n", problems.len());
    for p in problems {
        let line = truncate(p, 300);
        if content.len() + line.len() + 8 > CONTENT_MAX {
            content.push_str("...\n");
            break;
        }
        content.push_str(&line);
        content.push('\n');
    }
    content.push_str("```");
    for g in shared.guild_ids().into_iter().filter_map(|id| shared.guild(id)) {
        let step = Step::Notice { channel: g.moderator_channel, content: content.clone() };
        if let execute::StepResult::Forbidden(e) | execute::StepResult::Failed(e) =
            execute::run(http, &shared.rest, &step).await
        {
            tracing::warn!(guild = g.id, error = %e, "cannot report configuration problems");
        }
    }
}
