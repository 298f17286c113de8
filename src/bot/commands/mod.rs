//! The `/keel` slash commands (poise).
//!
//! The `///` comments on the commands are what moderators see in Discord.
//! Each command checks who runs it, calls into [`logic`] for what to do,
//! answers ephemerally, and hands the steps to `execute`. Commands are
//! restricted twice: `default_member_permissions` hides them from members
//! without Moderate Members, and a check requires a configured moderator
//! role, Administrator, or ownership; anyone else gets an ephemeral refusal.

pub mod chart;
pub mod logic;
pub mod records;

use crate::bot::discord::execute;
use crate::bot::discord::members::{protection, MemberFacts};
use crate::bot::discord::plan::Step;
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::sync::lock;
use crate::bot::shared::{FollowUp, OfferedChoice, Shared};
use crate::config::{load_all, GuildConfig};
use crate::core::policy::Action;
use crate::store::{Conversation, Event, EventKind};
use logic::Reply;
use serenity::all::{CreateAttachment, GuildChannel, Member};
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
    #[error("keel is not configured for this server (no [[guild]] with its id in bot.toml)")]
    NotConfigured,
}

impl From<serenity::Error> for CommandError {
    fn from(e: serenity::Error) -> Self {
        CommandError::Discord(Box::new(e))
    }
}

/// poise's context for keel's commands.
pub type Ctx<'a> = poise::Context<'a, Data, CommandError>;

fn guild(ctx: &Ctx<'_>) -> Result<GuildConfig, CommandError> {
    ctx.guild_id().and_then(|g| ctx.data().guild(g.get())).ok_or(CommandError::NotConfigured)
}

/// Only moderators (configured roles), administrators and the owner run `/keel`.
async fn is_moderator(ctx: Ctx<'_>) -> Result<bool, CommandError> {
    let g = guild(&ctx)?;
    let Some(member) = ctx.author_member().await else { return Ok(false) };
    let owner = ctx.guild().map(|guild| guild.owner_id == ctx.author().id).unwrap_or(false);
    let admin = member.permissions.is_some_and(|p| p.administrator());
    let allowed = owner || admin || member.roles.iter().any(|r| g.moderator_roles.contains(&r.get()));
    if !allowed {
        let reply = poise::CreateReply::default()
            .content("Only moderators can use /keel here.")
            .ephemeral(true)
            .allowed_mentions(serenity::all::CreateAllowedMentions::new().empty_users().empty_roles());
        ctx.send(reply).await?;
    }
    Ok(allowed)
}

/// Sends the reply ephemerally, then carries out its steps.
async fn answer(ctx: Ctx<'_>, reply: Reply) -> Result<Vec<execute::Outcome>, CommandError> {
    let msg = poise::CreateReply::default()
        .content(reply.text)
        .ephemeral(true)
        .allowed_mentions(serenity::all::CreateAllowedMentions::new().empty_users().empty_roles());
    ctx.send(msg).await?;
    let mut ids = Vec::new();
    for step in &reply.steps {
        let outcome = execute::run(ctx.http(), &ctx.data().rest, step).await;
        if let execute::Outcome::Forbidden(e) | execute::Outcome::Failed(e) = &outcome {
            tracing::warn!(error = %e, "command could not {}", execute::describe(step));
        }
        ids.push(outcome);
    }
    Ok(ids)
}

/// Records an event in a member's conversation here, when keel has a database.
fn record(ctx: &Ctx<'_>, channel: u64, member: u64, kind: EventKind) {
    let (Some(memory), Some(guild)) = (&ctx.data().memory, ctx.guild_id()) else { return };
    let conversation = Conversation::new(guild.get(), channel, member);
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
        "status",
        "deescalate",
        "script",
        "offer",
        "boundary",
        "pardon",
        "resolve",
        "case",
        "report",
        "reload",
        "check"
    )
)]
async fn keel(_ctx: Ctx<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// The conversations keel is tracking in a channel: level, trend, who claimed them.
#[poise::command(slash_command, guild_only)]
async fn status(
    ctx: Ctx<'_>,
    #[description = "The channel (default: this one)"] channel: Option<GuildChannel>,
) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let channel = channel.map_or(ctx.channel_id().get(), |c| c.id.get());
    answer(ctx, logic::status(ctx.data(), &g, channel)).await?;
    Ok(())
}

/// The recommended de-escalation script for a member's conversation here, step by step.
#[poise::command(slash_command, guild_only)]
async fn deescalate(
    ctx: Ctx<'_>,
    #[description = "The member (default: the most heated conversation here)"] member: Option<Member>,
) -> Result<(), CommandError> {
    let channel = ctx.channel_id().get();
    let member = match member {
        Some(m) => m.user.id.get(),
        None => {
            let convs = lock(&ctx.data().engine).tracker().conversations_in(channel);
            match convs.into_iter().max_by(|a, b| a.level.cmp(&b.level).then(a.heat.total_cmp(&b.heat))) {
                Some(c) => c.author,
                None => {
                    answer(ctx, Reply { text: "keel is not tracking any conversation here.".into(), steps: vec![] })
                        .await?;
                    return Ok(());
                }
            }
        }
    };
    answer(ctx, logic::deescalate(ctx.data(), channel, member, &channel_name(&ctx))).await?;
    Ok(())
}

fn suggestions(names: Vec<String>) -> serenity::all::CreateAutocompleteResponse {
    serenity::all::CreateAutocompleteResponse::new()
        .set_choices(names.into_iter().map(|n| serenity::all::AutocompleteChoice::new(n.clone(), n)).collect())
}

async fn autocomplete_script(ctx: Ctx<'_>, partial: &str) -> serenity::all::CreateAutocompleteResponse {
    suggestions(logic::script_names(ctx.data(), partial))
}

async fn autocomplete_set(ctx: Ctx<'_>, partial: &str) -> serenity::all::CreateAutocompleteResponse {
    suggestions(logic::choice_set_names(ctx.data(), partial))
}

/// Show a de-escalation script; optionally post its suggested reply here.
#[poise::command(slash_command, guild_only)]
async fn script(
    ctx: Ctx<'_>,
    #[description = "The script"]
    #[autocomplete = "autocomplete_script"]
    name: String,
    #[description = "The member it is for"] member: Option<Member>,
    #[description = "Post the suggested reply in this channel"] post: Option<bool>,
) -> Result<(), CommandError> {
    let channel = ctx.channel_id().get();
    let member = member.map(|m| m.user.id.get());
    let reply = logic::script(ctx.data(), &name, channel, member, post.unwrap_or(false), &channel_name(&ctx));
    answer(ctx, reply).await?;
    Ok(())
}

/// Offer a member a set of choices as buttons, here.
#[poise::command(slash_command, guild_only)]
async fn offer(
    ctx: Ctx<'_>,
    #[description = "The customer"] member: Member,
    #[description = "The choice set"]
    #[autocomplete = "autocomplete_set"]
    set: String,
) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let channel = ctx.channel_id().get();
    let customer = member.user.id.get();
    let (reply, action) = logic::offer(ctx.data(), channel, customer, &set, &channel_name(&ctx));
    let ids = answer(ctx, reply).await?;
    if let (Some(execute::Outcome::Done(Some(id))), Some(Action::OfferChoices { set, prompt, options })) =
        (ids.first(), action)
    {
        let expire_ms = lock(&ctx.data().engine).policy().choices.expire_secs as i64 * 1000;
        let expires_ms = now_ms() + expire_ms;
        record(&ctx, channel, customer, EventKind::ChoiceOffered { set: set.clone(), message: *id, expires_ms });
        let offered = OfferedChoice { guild: g.id, channel, customer, set, prompt, options, expires_ms };
        ctx.data().remember_choice(*id, offered);
    }
    Ok(())
}

/// Set a boundary with a member now: 1 message, 2 timeout, 3 call the moderators.
#[poise::command(slash_command, guild_only)]
async fn boundary(
    ctx: Ctx<'_>,
    #[description = "The member"] member: Member,
    #[description = "Tier 1, 2 or 3 (default 1)"]
    #[min = 1]
    #[max = 3]
    tier: Option<u8>,
) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let protected = {
        let guild_ref = ctx.guild();
        guild_ref.and_then(|guild| {
            let position = |roles: &[serenity::all::RoleId]| {
                roles.iter().filter_map(|r| guild.roles.get(r)).map(|r| r.position).max().unwrap_or(0)
            };
            let facts = MemberFacts {
                user_id: member.user.id.get(),
                roles: member.roles.iter().map(|r| r.get()).collect(),
                is_owner: guild.owner_id == member.user.id,
                is_admin: member.roles.iter().filter_map(|r| guild.roles.get(r)).any(|r| r.permissions.administrator()),
                top_role_position: position(&member.roles),
            };
            let bot = ctx.cache().current_user().id;
            let bot_top = guild.members.get(&bot).map_or(0, |b| position(&b.roles));
            protection(&g, &facts, bot_top).map(|p| p.describe())
        })
    };
    let (channel, customer, tier) = (ctx.channel_id().get(), member.user.id.get(), tier.unwrap_or(1).clamp(1, 3));
    let reply = logic::boundary(ctx.data(), &g, channel, customer, tier, protected);
    let steps = reply.steps.clone();
    let ids = answer(ctx, reply).await?;
    for (step, outcome) in steps.iter().zip(ids) {
        let kind = match (step, outcome) {
            (_, execute::Outcome::Forbidden(_) | execute::Outcome::Failed(_) | execute::Outcome::GaveUp(_)) => continue,
            (Step::Say { .. }, _) => EventKind::Boundary { tier },
            (Step::Timeout { .. }, _) => {
                EventKind::Timeout { seconds: lock(&ctx.data().engine).policy().boundaries.timeout_secs }
            }
            (Step::Escalate { .. }, _) => EventKind::Escalation,
            _ => continue,
        };
        record(&ctx, channel, customer, kind);
    }
    Ok(())
}

/// Clear a member's strikes and cool their conversation here.
#[poise::command(slash_command, guild_only)]
async fn pardon(ctx: Ctx<'_>, #[description = "The member"] member: Member) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let (channel, customer) = (ctx.channel_id().get(), member.user.id.get());
    // Stored strikes are pardoned too, so they do not come back after a restart.
    record(&ctx, channel, customer, EventKind::Pardon { by: ctx.author().id.get() });
    answer(ctx, logic::pardon(ctx.data(), &g, channel, customer)).await?;
    Ok(())
}

/// Mark a member's conversation here as resolved and schedule a follow-up.
#[poise::command(slash_command, guild_only)]
async fn resolve(
    ctx: Ctx<'_>,
    #[description = "The member"] member: Member,
    #[description = "Ask them how it went after this many minutes (default from bot.toml; 0: no follow-up)"]
    follow_up_in: Option<u64>,
) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let channel = ctx.channel_id().get();
    let customer = member.user.id.get();
    lock(&ctx.data().engine).forgive(channel, customer);
    // The case closes: a later one starts unclaimed (as after a restart, which restores claims of open cases only).
    lock(&ctx.data().claims).remove(&(g.id, channel, customer));
    record(&ctx, channel, customer, EventKind::Resolution { by: Some(ctx.author().id.get()) });
    let config = ctx.data().config().followups.clone();
    let delay_secs = follow_up_in.map_or(config.delay_secs, |m| m * 60);
    let mut text = format!("Marked <@{customer}>'s conversation in <#{channel}> as resolved.");
    if config.enabled && delay_secs > 0 {
        ctx.data().schedule_followup(FollowUp {
            guild: g.id,
            channel,
            customer,
            due_ms: now_ms() + delay_secs as i64 * 1000,
        });
        text.push_str(&format!(" keel will ask them how it went in {} minute(s).", delay_secs.div_ceil(60)));
    }
    // Answer first: Discord allows three seconds, and the nudge edit is a REST call.
    answer(ctx, Reply { text, steps: vec![] }).await?;
    let moderator = format!("<@{}>", ctx.author().id);
    ctx.data().note_on_nudge(ctx.http(), &g, channel, customer, "Resolved by", &moderator).await;
    Ok(())
}

/// A member's latest case: summary and timeline, with the export as JSON and Markdown files.
#[poise::command(slash_command, guild_only)]
async fn case(ctx: Ctx<'_>, #[description = "The member"] member: Member) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let customer = member.user.id.get();
    let Some(memory) = &ctx.data().memory else {
        answer(ctx, Reply { text: "keel has no database open.".into(), steps: vec![] }).await?;
        return Ok(());
    };
    // Discord allows three seconds for an answer: defer (ephemerally) while
    // the writer catches up and the case is read.
    ctx.defer_ephemeral().await?;
    memory.flush(std::time::Duration::from_secs(2)).await;
    let found = memory.read("read a case", move |s| s.case(g.id, customer)).await;
    let reply = poise::CreateReply::default()
        .ephemeral(true)
        .allowed_mentions(serenity::all::CreateAllowedMentions::new().empty_users().empty_roles());
    let reply = match found {
        None => reply.content("keel's database could not be read; see the log."),
        Some(None) => reply.content(format!("keel has no case for <@{customer}> in this server.")),
        Some(Some(c)) => {
            let name = format!("keel-case-{}", c.summary.id);
            reply
                .content(records::case_text(&c))
                .attachment(CreateAttachment::bytes(records::case_json(&c), format!("{name}.json")))
                .attachment(CreateAttachment::bytes(records::case_markdown(&c).into_bytes(), format!("{name}.md")))
        }
    };
    ctx.send(reply).await?;
    Ok(())
}

/// What happened here over the last days and what worked, with a chart.
#[poise::command(slash_command, guild_only)]
async fn report(
    ctx: Ctx<'_>,
    #[description = "Days to cover (default 7)"]
    #[min = 1]
    #[max = 366]
    days: Option<u32>,
) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let days = days.unwrap_or(7).clamp(1, 366);
    let Some(memory) = &ctx.data().memory else {
        answer(ctx, Reply { text: "keel has no database open.".into(), steps: vec![] }).await?;
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let since_ms = now_ms().saturating_sub(i64::from(days) * crate::store::report::DAY_MS);
    let found = memory.read("make a report", move |s| s.report(Some(g.id), since_ms)).await;
    let reply = poise::CreateReply::default()
        .ephemeral(true)
        .allowed_mentions(serenity::all::CreateAllowedMentions::new().empty_users().empty_roles());
    let reply = match found {
        None => reply.content("keel's database could not be read; see the log."),
        Some(r) => {
            let chart = {
                let days_data = r.days.clone();
                tokio::task::spawn_blocking(move || crate::bot::commands::chart::days_png(&days_data, since_ms, days))
                    .await
            };
            match chart.unwrap_or_else(|e| Err(e.to_string())) {
                Ok(png) => reply
                    .content(records::report_text(&r, days, crate::bot::commands::chart::LEGEND))
                    .attachment(CreateAttachment::bytes(png, "keel-report.png")),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot draw the report's chart");
                    reply.content(records::report_text(&r, days, "(The chart could not be drawn; see the log.)"))
                }
            }
        }
    };
    ctx.send(reply).await?;
    Ok(())
}

/// Reload bot.toml and the phrase pack now (keel also does this when they change).
#[poise::command(slash_command, guild_only)]
async fn reload(ctx: Ctx<'_>) -> Result<(), CommandError> {
    let text = match crate::bot::tasks::reload::reload(ctx.data()) {
        Ok(()) => "Reloaded bot.toml and the phrase pack.".to_string(),
        Err(problems) => format!(
            "Kept the running configuration; the files have {} problem(s):\n```\n{}\n```",
            problems.len(),
            crate::bot::discord::text::truncate(&problems.join("\n"), 1700)
        ),
    };
    answer(ctx, Reply { text, steps: vec![] }).await?;
    Ok(())
}

/// Check bot.toml and the phrase pack for problems (file, line, key).
#[poise::command(slash_command, guild_only)]
async fn check(ctx: Ctx<'_>) -> Result<(), CommandError> {
    let text = match load_all(ctx.data().config_path.as_deref()) {
        Ok(_) => "No problems: bot.toml and the phrase pack are valid.".to_string(),
        Err(e) => {
            let lines: Vec<String> = e.problems().iter().map(|p| p.to_string()).collect();
            format!(
                "{} problem(s):\n```\n{}\n```",
                lines.len(),
                crate::bot::discord::text::truncate(&lines.join("\n"), 1700)
            )
        }
    };
    answer(ctx, Reply { text, steps: vec![] }).await?;
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
