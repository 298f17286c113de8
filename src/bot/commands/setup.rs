//! `/keel setup`: a server's owners set keel up from Discord, without
//! editing bot.toml on someone else's host.
//!
//! For members with Manage Server (or Administrator, or the owner). Each
//! change is laid over the server's `[[guild]]` block of bot.toml (a key set
//! here replaces bot.toml's), saved in keel's database so it survives a
//! restart, and checked with the rules and messages of a `[[guild]]` block:
//! keel acts in the server once the checks pass. [`Edit`] and [`apply`] are
//! the logic, testable without Discord; the commands read the options,
//! apply, save and answer.

use crate::bot::commands::{answer, CommandError, Ctx, Reply};
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::Shared;
use crate::config::GuildSetup;
use crate::config::{GuildSettings, ACTION_NAMES};
use crate::store::StoredSettings;
use serenity::all::{ChannelId, ChannelType, RoleId};

/// One change a server's owner makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Watch a channel (threads and forum posts under it too), or every channel of a category.
    Watch {
        /// The channel or category.
        channel: u64,
        /// It is a category.
        category: bool,
    },
    /// Stop watching a channel or category.
    Unwatch {
        /// The channel or category.
        channel: u64,
    },
    /// Nudges and escalations go to this channel.
    ModeratorChannel(u64),
    /// Add or remove a moderator or staff role.
    Role {
        /// Moderator (true) or support staff (false).
        moderator: bool,
        /// The role.
        role: u64,
        /// Remove it instead of adding it.
        remove: bool,
    },
    /// Turn one automatic action on or off (a name of [`ACTION_NAMES`]).
    Action {
        /// The switch, as in bot.toml.
        name: String,
        /// On or off.
        on: bool,
    },
    /// Forget every setting made from Discord: bot.toml's block alone again.
    Reset,
}

/// The settings after `edit`, starting from `setup` (a list is edited from
/// the value in force, so a channel added here keeps bot.toml's others),
/// and what changed in words; `Err` with the reason when it changes nothing.
pub fn apply(setup: &GuildSetup, edit: &Edit) -> Result<(GuildSettings, String), String> {
    let mut s = setup.settings.clone();
    let g = &setup.in_force;
    let text = match edit {
        Edit::Watch { channel, category } => {
            let (list, current, what) = if *category {
                (&mut s.watch_categories, &g.watch_categories, "category")
            } else {
                (&mut s.watch_channels, &g.watch_channels, "channel")
            };
            if current.contains(channel) {
                return Err(format!("keel already watches the {what} <#{channel}>."));
            }
            let mut next = current.clone();
            next.push(*channel);
            *list = Some(next);
            format!("keel now watches the {what} <#{channel}>.")
        }
        Edit::Unwatch { channel } => {
            let (in_channels, in_categories) =
                (g.watch_channels.contains(channel), g.watch_categories.contains(channel));
            if !in_channels && !in_categories {
                return Err(format!("keel does not watch <#{channel}>."));
            }
            if in_channels {
                s.watch_channels = Some(g.watch_channels.iter().copied().filter(|c| c != channel).collect());
            }
            if in_categories {
                s.watch_categories = Some(g.watch_categories.iter().copied().filter(|c| c != channel).collect());
            }
            format!("keel no longer watches <#{channel}>.")
        }
        Edit::ModeratorChannel(channel) => {
            if g.moderator_channel == *channel {
                return Err(format!("<#{channel}> already is the moderator channel."));
            }
            s.moderator_channel = Some(*channel);
            format!("Nudges and escalations now go to <#{channel}>.")
        }
        Edit::Role { moderator, role, remove } => {
            let (list, current, what) = if *moderator {
                (&mut s.moderator_roles, &g.moderator_roles, "a moderator role")
            } else {
                (&mut s.staff_roles, &g.staff_roles, "a support staff role")
            };
            let has = current.contains(role);
            match (has, remove) {
                (true, false) => return Err(format!("<@&{role}> already is {what}.")),
                (false, true) => return Err(format!("<@&{role}> is not {what}.")),
                _ => {}
            }
            let mut next: Vec<u64> = current.iter().copied().filter(|r| r != role).collect();
            if !remove {
                next.push(*role);
            }
            *list = Some(next);
            if *remove {
                format!("<@&{role}> is no longer {what}.")
            } else {
                format!("<@&{role}> is now {what}.")
            }
        }
        Edit::Action { name, on } => {
            let Some(slot) = s.actions.get_mut(name) else {
                return Err(format!("There is no action called `{name}` (known: {}).", ACTION_NAMES.join(", ")));
            };
            if setup.settings.apply(g.id, setup.base.as_ref()).actions.switch(name) == Some(*on) {
                return Err(format!("`{name}` already is {}.", if *on { "on" } else { "off" }));
            }
            *slot = Some(*on);
            match (name.as_str(), on) {
                ("watch_only", true) => "Watch-only is on: keel nudges moderators and does nothing else on its own \
                                         (no messages to customers, no timeouts, no escalation pings)."
                    .to_string(),
                ("watch_only", false) => "Watch-only is off: the other actions are as they are set.".to_string(),
                (_, true) => format!("`{name}` is on."),
                (_, false) => format!("`{name}` is off."),
            }
        }
        Edit::Reset => {
            if s.is_empty() {
                return Err("Nothing was set from Discord: keel already uses bot.toml alone here.".to_string());
            }
            s = GuildSettings::default();
            "Forgot every setting made from Discord: keel uses bot.toml alone here again.".to_string()
        }
    };
    Ok((s, text))
}

/// Applies `edit` to the server's settings, saves them (database first, so
/// what the owner is told is what survives a restart) and says what
/// changed and what, if anything, keeps keel from acting.
pub async fn change(shared: &Shared, guild: u64, by: u64, edit: &Edit) -> Reply {
    let setup = shared.setup(guild);
    let (settings, done) = match apply(&setup, edit) {
        Ok(v) => v,
        Err(why) => return Reply::text(why),
    };
    let saved = match &shared.memory {
        Some(memory) => {
            let row = StoredSettings { guild, json: settings.to_json(), updated_ms: now_ms(), updated_by: by };
            let result = memory
                .read("save the server's settings", move |s| {
                    if settings_empty(&row.json) {
                        s.forget_guild_settings(row.guild).map(|_| ())
                    } else {
                        s.save_guild_settings(&row)
                    }
                })
                .await;
            result.is_some()
        }
        None => true,
    };
    if !saved {
        return Reply::text("keel could not save the change in its database (see the log); nothing changed.");
    }
    shared.settings.set(guild, settings);
    let after = shared.setup(guild);
    let mut text = done;
    if shared.memory.is_none() {
        text.push_str("\n(keel runs without a database: this lasts until it restarts.)");
    }
    if after.problems.is_empty() {
        text.push_str("\nkeel is active in this server.");
    } else {
        text.push_str("\nkeel is **not active** here yet:");
        for (key, message) in &after.problems {
            text.push_str(&format!("\n- `{key}`: {message}"));
        }
    }
    Reply::text(text)
}

fn settings_empty(json: &str) -> bool {
    json == GuildSettings::default().to_json()
}

/// The channel the option names, or the one the command was used in, and
/// whether it is a category (from the cache).
fn place(ctx: &Ctx<'_>, channel: Option<ChannelId>) -> (u64, bool) {
    let id = channel.unwrap_or_else(|| ctx.channel_id());
    let category = ctx.guild().is_some_and(|g| g.channels.get(&id).is_some_and(|c| c.kind == ChannelType::Category));
    (id.get(), category)
}

async fn run(ctx: Ctx<'_>, edit: Edit) -> Result<(), CommandError> {
    let Some(guild) = ctx.guild_id() else { return Ok(()) };
    let reply = change(ctx.data(), guild.get(), ctx.author().id.get(), &edit).await;
    answer(ctx, reply).await?;
    Ok(())
}

/// Set keel up here (needs Manage Server): what it watches, where moderators hear, what it does.
#[poise::command(
    slash_command,
    guild_only,
    subcommand_required,
    subcommands(
        "show",
        "watch",
        "unwatch",
        "moderator_channel",
        "moderator_role",
        "staff_role",
        "action",
        "mode",
        "reset"
    )
)]
#[allow(clippy::unused_async)] // poise's command functions are async by contract
pub(super) async fn setup(_ctx: Ctx<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Show keel's settings here and where each comes from (bot.toml, Discord, default).
#[poise::command(slash_command, guild_only)]
pub(super) async fn show(ctx: Ctx<'_>) -> Result<(), CommandError> {
    let Some(guild) = ctx.guild_id() else { return Ok(()) };
    answer(ctx, Reply::text(ctx.data().setup(guild.get()).describe())).await?;
    Ok(())
}

/// Watch a channel or a whole category (default: this channel).
#[poise::command(slash_command, guild_only)]
pub(super) async fn watch(
    ctx: Ctx<'_>,
    #[description = "The channel or category (default: this channel)"] channel: Option<ChannelId>,
) -> Result<(), CommandError> {
    let (channel, category) = place(&ctx, channel);
    run(ctx, Edit::Watch { channel, category }).await
}

/// Stop watching a channel or category (default: this channel).
#[poise::command(slash_command, guild_only)]
pub(super) async fn unwatch(
    ctx: Ctx<'_>,
    #[description = "The channel or category (default: this channel)"] channel: Option<ChannelId>,
) -> Result<(), CommandError> {
    let (channel, _) = place(&ctx, channel);
    run(ctx, Edit::Unwatch { channel }).await
}

/// Send nudges and escalations to this channel (default: this one).
#[poise::command(slash_command, guild_only, rename = "moderator-channel")]
pub(super) async fn moderator_channel(
    ctx: Ctx<'_>,
    #[description = "The moderators' channel (default: this channel)"] channel: Option<ChannelId>,
) -> Result<(), CommandError> {
    let (channel, _) = place(&ctx, channel);
    run(ctx, Edit::ModeratorChannel(channel)).await
}

/// Add (or remove) a moderator role: never judged, never timed out, called at tier 3.
#[poise::command(slash_command, guild_only, rename = "moderator-role")]
pub(super) async fn moderator_role(
    ctx: Ctx<'_>,
    #[description = "The role"] role: RoleId,
    #[description = "Remove it instead"] remove: Option<bool>,
) -> Result<(), CommandError> {
    run(ctx, Edit::Role { moderator: true, role: role.get(), remove: remove.unwrap_or(false) }).await
}

/// Add (or remove) a support staff role: never judged as customers, never timed out.
#[poise::command(slash_command, guild_only, rename = "staff-role")]
pub(super) async fn staff_role(
    ctx: Ctx<'_>,
    #[description = "The role"] role: RoleId,
    #[description = "Remove it instead"] remove: Option<bool>,
) -> Result<(), CommandError> {
    run(ctx, Edit::Role { moderator: false, role: role.get(), remove: remove.unwrap_or(false) }).await
}

/// An automatic action keel takes, by its bot.toml name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub enum ActionName {
    /// `nudges`.
    #[name = "nudges"]
    Nudges,
    /// `boundary_messages`.
    #[name = "boundary_messages"]
    BoundaryMessages,
    /// `timeouts`.
    #[name = "timeouts"]
    Timeouts,
    /// `escalate`.
    #[name = "escalate"]
    Escalate,
    /// `delete_severe`.
    #[name = "delete_severe"]
    DeleteSevere,
    /// `choices`.
    #[name = "choices"]
    Choices,
}

/// Turn one automatic action on or off.
#[poise::command(slash_command, guild_only)]
pub(super) async fn action(
    ctx: Ctx<'_>,
    #[description = "The action"] name: ActionName,
    #[description = "On or off"] on: bool,
) -> Result<(), CommandError> {
    run(ctx, Edit::Action { name: poise::ChoiceParameter::name(&name).to_string(), on }).await
}

/// How much keel does on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub enum Mode {
    /// Every action that is switched on.
    #[name = "full"]
    Full,
    /// Nudges only: no messages to customers, no timeouts, no escalation pings.
    #[name = "watch-only"]
    WatchOnly,
}

/// Watch-only (nudges only: no messages to customers, no timeouts) or full.
#[poise::command(slash_command, guild_only)]
pub(super) async fn mode(ctx: Ctx<'_>, #[description = "The mode"] mode: Mode) -> Result<(), CommandError> {
    run(ctx, Edit::Action { name: "watch_only".to_string(), on: mode == Mode::WatchOnly }).await
}

/// Forget every setting made from Discord (bot.toml's alone again).
#[poise::command(slash_command, guild_only)]
pub(super) async fn reset(ctx: Ctx<'_>) -> Result<(), CommandError> {
    run(ctx, Edit::Reset).await
}

#[cfg(test)]
mod tests;
