//! Button clicks and menu picks: customers choosing, moderators acting on nudges.
//!
//! What lives here: [`handle`] parses the `custom_id` (with
//! [`custom_id`](crate::bot::discord::custom_id)), finds the guild, checks
//! who clicked, and hands the click to [`choice`] (a customer's option),
//! [`followup`] (a customer's answer to a follow-up) or [`nudge`] (a
//! moderator's button on a nudge, and the choice-set menu it opens);
//! [`respond`] answers the interaction. Each click is worked out as data
//! once what it needs is read (the nudge, the offer or the follow-up, from
//! memory or the database): an answer, events and steps, each step with
//! what is done once it has posted ([`respond::Then`]: record an event,
//! remember the nudge or the choice buttons it posted), by
//! [`nudge::clicked`], [`choice::chosen`] and [`followup::answered`];
//! [`respond::carry_out`] then answers, records and runs the steps. The
//! follow-up is answered before the database is asked (Discord allows three
//! seconds), as before. A `custom_id` carries no trust: who
//! clicked is taken from Discord's interaction data and checked against the
//! guild's configuration before anything happens.
//!
//! May import: [`shared`](crate::bot::shared) (the conversation state) and
//! [`discord`](crate::bot::discord); never the message path, the commands,
//! the tasks or the launch.

pub mod choice;
pub mod followup;
pub mod nudge;
pub mod respond;

pub use respond::STALE;

use crate::bot::discord::custom_id::Component;
use crate::bot::shared::Shared;
use crate::config::GuildConfig;
use crate::core::ids::{ChannelId, Conversation, MemberId};
use serenity::all::{ComponentInteraction, Context};

/// Staff, moderators, administrators and the owner may use nudge buttons.
fn is_team(g: &GuildConfig, ci: &ComponentInteraction, owner: Option<u64>) -> bool {
    let Some(member) = &ci.member else { return false };
    let roles = &member.roles;
    owner == Some(ci.user.id.get())
        || member.permissions.is_some_and(serenity::model::Permissions::administrator)
        || roles.iter().any(|r| g.moderator_roles.contains(&r.get()) || g.staff_roles.contains(&r.get()))
}

/// Handles a component interaction.
pub async fn handle(shared: &Shared, ctx: &Context, ci: &ComponentInteraction) {
    let component = Component::parse(&ci.data.custom_id);
    let guild = match (ci.guild_id, &component) {
        (Some(g), _) => shared.guild(g.get()),
        // A follow-up asked by DM: the guild is the one that holds the conversation's channel.
        (None, Some(Component::FollowUp { channel, .. })) => guild_of_channel(shared, ctx, *channel),
        (None, _) => None,
    };
    let Some(guild) = guild else {
        return respond::ephemeral(&ctx.http, ci, STALE).await;
    };
    match component {
        Some(Component::Choice { set, option, customer }) => {
            choice::choice(shared, ctx, ci, &guild, &set, option, customer).await;
        }
        Some(Component::Nudge { .. } | Component::OfferSet { .. })
            if !is_team(&guild, ci, ctx.cache.guild(guild.id).map(|g| g.owner_id.get())) =>
        {
            respond::ephemeral(&ctx.http, ci, "Only moderators and support staff can use these buttons.").await;
        }
        Some(Component::Nudge { action, channel, author }) => {
            let about = Conversation::from_raw(guild.id, channel, author);
            nudge::nudge(shared, ctx, ci, &guild, action, about).await;
        }
        Some(Component::OfferSet { channel, author }) => {
            nudge::offer_set(shared, ctx, ci, &guild, ChannelId(channel), MemberId(author)).await;
        }
        Some(Component::FollowUp { resolved, channel, customer }) => {
            followup::followup(shared, ctx, ci, &guild, resolved, channel, customer).await;
        }
        None => {
            tracing::info!(custom_id = %ci.data.custom_id, user = ci.user.id.get(), "unknown or stale button");
            respond::ephemeral(&ctx.http, ci, STALE).await;
        }
    }
}

/// The configured guild whose cache holds `channel` (a channel or a thread).
fn guild_of_channel(shared: &Shared, ctx: &Context, channel: u64) -> Option<GuildConfig> {
    let id = serenity::all::ChannelId::new(channel);
    shared.guild_ids().into_iter().filter_map(|guild| shared.guild(guild)).find(|g| {
        ctx.cache
            .guild(g.id)
            .is_some_and(|guild| guild.channels.contains_key(&id) || guild.threads.iter().any(|t| t.id == id))
    })
}

#[cfg(test)]
mod tests;
