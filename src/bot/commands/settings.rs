//! `/keel reload` and `/keel check`: the configuration, from Discord.

use crate::bot::commands::{answer, CommandError, Ctx, Reply};
use crate::bot::discord::text::truncate;
use crate::config::load_all;

/// Reload bot.toml and the phrase pack now (keel also does this when they change).
#[poise::command(slash_command, guild_only)]
pub(super) async fn reload(ctx: Ctx<'_>) -> Result<(), CommandError> {
    let text = match ctx.data().reload() {
        Ok(()) => "Reloaded bot.toml and the phrase pack.".to_string(),
        Err(problems) => format!(
            "Kept the running configuration; the files have {} problem(s):\n```\n{}\n```",
            problems.len(),
            truncate(&problems.join("\n"), 1700)
        ),
    };
    answer(ctx, Reply { text, steps: vec![] }).await?;
    Ok(())
}

/// Check bot.toml and the phrase pack for problems (file, line, key).
#[poise::command(slash_command, guild_only)]
pub(super) async fn check(ctx: Ctx<'_>) -> Result<(), CommandError> {
    let text = match load_all(ctx.data().config_path.as_deref()) {
        Ok(_) => "No problems: bot.toml and the phrase pack are valid.".to_string(),
        Err(e) => {
            let lines: Vec<String> = e.problems().iter().map(std::string::ToString::to_string).collect();
            format!("{} problem(s):\n```\n{}\n```", lines.len(), truncate(&lines.join("\n"), 1700))
        }
    };
    answer(ctx, Reply { text, steps: vec![] }).await?;
    Ok(())
}
