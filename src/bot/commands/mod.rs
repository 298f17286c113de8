//! The `/keel` slash commands (poise), one file per group with its logic beside it.
//!
//! What lives here: [`status`] (what keel tracks and what is wrong),
//! [`scripts`] (de-escalation scripts), [`actions`] (offer, boundary,
//! pardon, resolve), [`records`] (cases and reports, with [`chart`]) and
//! [`settings`] (reload, check). The `///` comments on the commands are what
//! moderators see in Discord. Each command checks who runs it, works out a
//! [`Reply`] (what the moderator sees and the steps keel takes, as data,
//! testable without Discord), answers ephemerally, and carries the steps
//! out. Commands are restricted twice: `default_member_permissions` hides
//! them from members without Moderate Members, and a check requires a
//! configured moderator role, Administrator, or ownership; anyone else gets
//! an ephemeral refusal.
//!
//! May import: [`shared`](crate::bot::shared) and [`discord`](crate::bot::discord);
//! never the message path, the buttons, the tasks or the launch.

pub mod actions;
pub mod chart;
pub mod records;
pub mod scripts;
pub mod settings;
pub mod setup;
pub mod status;

use crate::bot::discord::execute;
use crate::bot::discord::plan::Step;
use crate::bot::discord::text::{truncate, CONTENT_MAX};
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::Shared;
use crate::config::GuildConfig;
use crate::core::ids;
use crate::store::{Event, EventKind};
use std::sync::Arc;

/// State shared with every command.
pub type Data = Arc<Shared>;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Discord refused or failed.
    #[error("Discord error: {0}")]
    Discord(Box<serenity::Error>),
    /// keel is not configured for this server.
    #[error("keel is not set up in this server (no [[guild]] with its id in bot.toml, and /keel setup not finished)")]
    NotConfigured,
}

impl From<serenity::Error> for CommandError {
    fn from(e: serenity::Error) -> Self {
        CommandError::Discord(Box::new(e))
    }
}

/// poise's context for keel's commands.
pub type Ctx<'a> = poise::Context<'a, Data, CommandError>;

/// A command's result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// What the moderator sees (ephemeral).
    pub text: String,
    /// What keel does in the server.
    pub steps: Vec<Step>,
}

impl Reply {
    /// A reply without steps, cut to Discord's limit.
    pub fn text(text: impl Into<String>) -> Reply {
        Reply { text: truncate(&text.into(), CONTENT_MAX), steps: Vec::new() }
    }
}

fn guild(ctx: &Ctx<'_>) -> Result<GuildConfig, CommandError> {
    ctx.guild_id().and_then(|g| ctx.data().guild(g.get())).ok_or(CommandError::NotConfigured)
}

/// Only moderators (configured roles), administrators and the owner run
/// `/keel`; `/keel setup` is for members with Manage Server (administrators
/// and the owner too), also where keel is not set up yet.
async fn is_moderator(ctx: Ctx<'_>) -> Result<bool, CommandError> {
    let setting_up = ctx.parent_commands().iter().any(|c| c.name == "setup");
    let Some(member) = ctx.author_member().await else { return Ok(false) };
    let owner = ctx.guild().is_some_and(|guild| guild.owner_id == ctx.author().id);
    let permissions = member.permissions.unwrap_or_default();
    let (allowed, refusal) = if setting_up {
        (
            owner || permissions.administrator() || permissions.manage_guild(),
            "Only members with Manage Server can use /keel setup.",
        )
    } else {
        let moderator_roles = match guild(&ctx) {
            Ok(g) => g.moderator_roles,
            // Not set up yet: say how to, to whoever may.
            Err(e) if owner || permissions.administrator() || permissions.manage_guild() => {
                let text = format!("{e}. Start with `/keel setup watch` and `/keel setup moderator-channel`; `/keel setup show` lists what is missing.");
                ctx.send(poise::CreateReply::default().content(text).ephemeral(true)).await?;
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        let allowed =
            owner || permissions.administrator() || member.roles.iter().any(|r| moderator_roles.contains(&r.get()));
        (allowed, "Only moderators can use /keel here.")
    };
    if !allowed {
        let reply = poise::CreateReply::default()
            .content(refusal)
            .ephemeral(true)
            .allowed_mentions(serenity::all::CreateAllowedMentions::new().empty_users().empty_roles());
        ctx.send(reply).await?;
    }
    Ok(allowed)
}

/// Sends the reply ephemerally, then carries out its steps.
async fn answer(ctx: Ctx<'_>, reply: Reply) -> Result<Vec<execute::StepResult>, CommandError> {
    let msg = poise::CreateReply::default()
        .content(reply.text)
        .ephemeral(true)
        .allowed_mentions(serenity::all::CreateAllowedMentions::new().empty_users().empty_roles());
    ctx.send(msg).await?;
    let mut ids = Vec::new();
    for step in &reply.steps {
        let outcome = execute::run(ctx.http(), &ctx.data().rest, step).await;
        if let execute::StepResult::Forbidden(e) | execute::StepResult::Failed(e) = &outcome {
            tracing::warn!(error = %e, "command could not {}", execute::describe(step));
        }
        ids.push(outcome);
    }
    Ok(ids)
}

/// Records an event in a member's conversation here, when keel has a database.
fn record(ctx: &Ctx<'_>, channel: ids::ChannelId, member: ids::MemberId, kind: EventKind) {
    let (Some(memory), Some(guild)) = (&ctx.data().memory, ctx.guild_id()) else { return };
    let conversation = ids::Conversation::member(ids::GuildId(guild.get()), channel, member);
    memory.record(vec![Event::new(conversation, now_ms(), kind)]);
}

/// The channel's display name (`#support`), for `{channel}`.
fn channel_name(ctx: &Ctx<'_>) -> String {
    let id = ctx.channel_id();
    let name = ctx.guild().and_then(|guild| {
        guild.channels.get(&id).or_else(|| guild.threads.iter().find(|t| t.id == id)).map(|c| format!("#{}", c.name))
    });
    name.unwrap_or_else(|| format!("<#{id}>"))
}

/// keel: de-escalation help for this support channel.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MODERATE_MEMBERS",
    check = "is_moderator",
    subcommands(
        "status::status",
        "scripts::deescalate",
        "scripts::script",
        "actions::offer",
        "actions::boundary",
        "actions::pardon",
        "actions::resolve",
        "records::case",
        "records::report",
        "settings::reload",
        "settings::check",
        "setup::setup"
    )
)]
#[allow(clippy::unused_async)] // poise's command functions are async by contract
async fn keel(_ctx: Ctx<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Every command keel registers.
pub fn commands() -> Vec<poise::Command<Data, CommandError>> {
    vec![keel()]
}

/// Logs a command's failure and tells the moderator, ephemerally.
pub async fn on_error(error: poise::FrameworkError<'_, Data, CommandError>) {
    match error {
        poise::FrameworkError::CommandCheckFailed { .. } => {} // the check already answered
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, error = %error, "command failed");
            let reply = poise::CreateReply::default().content(format!("That did not work: {error}")).ephemeral(true);
            let _ = ctx.send(reply).await;
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "cannot report a framework error");
            }
        }
    }
}
