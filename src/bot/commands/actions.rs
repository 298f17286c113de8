//! `/keel offer`, `/keel boundary`, `/keel pardon` and `/keel resolve`:
//! what a moderator does about a member's conversation.

use crate::bot::commands::scripts::autocomplete_set;
use crate::bot::commands::{answer, channel_name, guild, record, CommandError, Ctx, Reply};
use crate::bot::discord::execute;
use crate::bot::discord::members::{self, protection};
use crate::bot::discord::plan::Step;
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::sync::lock;
use crate::bot::shared::{FollowUp, Shared};
use crate::config::GuildConfig;
use crate::core::ids::{ChannelId, Conversation, GuildId, MemberId};
use crate::core::policy::Action;
use crate::store::EventKind;
use serenity::all::Member;

/// Offer a member a set of choices as buttons, here.
#[poise::command(slash_command, guild_only)]
pub(super) async fn offer(
    ctx: Ctx<'_>,
    #[description = "The customer"] member: Member,
    #[description = "The choice set"]
    #[autocomplete = "autocomplete_set"]
    set: String,
) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let channel = ChannelId(ctx.channel_id().get());
    let customer = MemberId(member.user.id.get());
    let (reply, action) = offer_reply(ctx.data(), channel, customer, &set, &channel_name(&ctx));
    let ids = answer(ctx, reply).await?;
    if let (Some(execute::StepResult::Done(Some(id))), Some(action)) = (ids.first(), action) {
        let about = Conversation::member(GuildId(g.id), channel, customer);
        ctx.data().choices_posted(about, &action, *id, now_ms(), true);
    }
    Ok(())
}

/// Set a boundary with a member now: 1 message, 2 timeout, 3 call the moderators.
#[poise::command(slash_command, guild_only)]
pub(super) async fn boundary(
    ctx: Ctx<'_>,
    #[description = "The member"] member: Member,
    #[description = "Tier 1, 2 or 3 (default 1)"]
    #[min = 1]
    #[max = 3]
    tier: Option<u8>,
) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let protected = ctx.guild().and_then(|guild| {
        let (facts, bot_top) =
            members::from_cache(&guild, member.user.id, &member.roles, ctx.cache().current_user().id);
        protection(&g, &facts, bot_top).map(super::super::discord::members::Protected::describe)
    });
    let (channel, customer) = (ChannelId(ctx.channel_id().get()), MemberId(member.user.id.get()));
    let tier = tier.unwrap_or(1).clamp(1, 3);
    let reply = boundary_reply(ctx.data(), &g, channel, customer, tier, protected);
    let steps = reply.steps.clone();
    let ids = answer(ctx, reply).await?;
    for (step, outcome) in steps.iter().zip(ids) {
        let kind = match (step, outcome) {
            (
                _,
                execute::StepResult::Forbidden(_) | execute::StepResult::Failed(_) | execute::StepResult::GaveUp(_),
            ) => continue,
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
pub(super) async fn pardon(ctx: Ctx<'_>, #[description = "The member"] member: Member) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let (channel, customer) = (ChannelId(ctx.channel_id().get()), MemberId(member.user.id.get()));
    // Stored strikes are pardoned too, so they do not come back after a restart.
    record(&ctx, channel, customer, EventKind::Pardon { by: ctx.author().id.get() });
    answer(ctx, pardon_reply(ctx.data(), &g, channel, customer)).await?;
    Ok(())
}

/// Mark a member's conversation here as resolved and schedule a follow-up.
#[poise::command(slash_command, guild_only)]
pub(super) async fn resolve(
    ctx: Ctx<'_>,
    #[description = "The member"] member: Member,
    #[description = "Ask them how it went after this many minutes (default from bot.toml; 0: no follow-up)"]
    follow_up_in: Option<u64>,
) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let channel = ChannelId(ctx.channel_id().get());
    let customer = MemberId(member.user.id.get());
    lock(&ctx.data().engine).forgive(channel, customer);
    // The case closes: a later one starts unclaimed (as after a restart, which restores claims of open cases only).
    ctx.data().conversations.unclaim(&Conversation::member(GuildId(g.id), channel, customer));
    record(&ctx, channel, customer, EventKind::Resolution { by: Some(ctx.author().id.get()) });
    let config = ctx.data().config().followups.clone();
    let delay_secs = follow_up_in.map_or(config.delay_secs, |m| m * 60);
    let mut text = format!("Marked <@{customer}>'s conversation in <#{channel}> as resolved.");
    if g.actions.watch_only {
        text.push_str(" Watch-only: keel asks customers nothing on its own, so no follow-up.");
    } else if config.enabled && delay_secs > 0 {
        ctx.data().schedule_followup(FollowUp {
            guild: GuildId(g.id),
            channel,
            customer,
            due_ms: now_ms() + delay_secs as i64 * 1000,
        });
        text.push_str(&format!(" keel will ask them how it went in {} minute(s).", delay_secs.div_ceil(60)));
    }
    // Answer first: Discord allows three seconds, and the nudge edit is a REST call.
    answer(ctx, Reply { text, steps: vec![] }).await?;
    let moderator = format!("<@{}>", ctx.author().id);
    let about = Conversation::member(GuildId(g.id), channel, customer);
    ctx.data().note_on_nudge(ctx.http(), &g, about, "Resolved by", &moderator).await;
    Ok(())
}

/// `/keel offer <member> <set>`: choice buttons for a customer, and the
/// rendered set to remember once they are posted.
pub fn offer_reply(
    shared: &Shared,
    channel: ChannelId,
    member: MemberId,
    set: &str,
    channel_name: &str,
) -> (Reply, Option<Action>) {
    let Some(action) = shared.render_choice_set(channel, member, set, channel_name) else {
        return (Reply::text(format!("There is no choice set called `{set}`.")), None);
    };
    let Some(step) = Step::offer_choices(channel.get(), member.get(), &action) else { return (Reply::default(), None) };
    let Action::OfferChoices { set, .. } = &action else { return (Reply::default(), None) };
    (Reply { text: format!("Offered `{set}` to <@{member}>."), steps: vec![step] }, Some(action))
}

/// `/keel pardon <member>`: clears strikes and cools the conversation.
pub fn pardon_reply(shared: &Shared, g: &GuildConfig, channel: ChannelId, member: MemberId) -> Reply {
    let forgiven = lock(&shared.engine).forgive(channel, member);
    shared.conversations.unclaim(&Conversation::member(GuildId(g.id), channel, member));
    if forgiven {
        Reply::text(format!(
            "Pardoned <@{member}> in <#{channel}>: strikes cleared, the conversation starts over from calm."
        ))
    } else {
        Reply::text(format!("keel has no conversation with <@{member}> in <#{channel}> to pardon."))
    }
}

/// `/keel boundary <member> [tier]`: a boundary now, at the given tier.
pub fn boundary_reply(
    shared: &Shared,
    g: &GuildConfig,
    channel: ChannelId,
    member: MemberId,
    tier: u8,
    protected: Option<&str>,
) -> Reply {
    let tier = tier.clamp(1, 3);
    let (text, timeout) = shared.for_member(channel, Some(member), "", |engine, vars| {
        (
            engine.analyzer().pack().boundaries()[usize::from(tier - 1)].render(vars),
            engine.policy().boundaries.timeout_secs,
        )
    });
    let mut reply = Reply::text(format!("Boundary tier {tier} for <@{member}>."));
    reply.steps.push(Step::Say { channel: channel.get(), text, mention: Some(member.get()) });
    match (tier, protected) {
        (2, Some(why)) => reply.text.push_str(&format!(" No timeout: they are {why}.")),
        (2, None) => {
            let now = now_ms() / 1000;
            reply.steps.push(Step::Timeout {
                guild: g.id,
                user: member.get(),
                until_unix: now + timeout as i64,
                reason: format!("keel: boundary tier 2 (timeout {timeout} s) set by a moderator"),
            });
        }
        (3, _) => {
            let mentions: Vec<String> = g.moderator_roles.iter().map(|r| format!("<@&{r}>")).collect();
            reply.steps.push(Step::Escalate {
                channel: g.moderator_channel,
                roles: g.moderator_roles.clone(),
                content: format!("{} a moderator asked for help with <@{member}> in <#{channel}>.", mentions.join(" ")),
            });
        }
        _ => {}
    }
    reply
}
