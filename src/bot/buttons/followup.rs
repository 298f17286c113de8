//! A customer answered a follow-up: "Yes, thanks" closes it, "I still need
//! help" reopens the conversation and nudges the moderators again.

use crate::bot::buttons::respond;
use crate::bot::discord::custom_id::Component;
use crate::bot::discord::execute::{self, disabled_buttons};
use crate::bot::discord::plan::{EarlierNudge, Embed, Step};
use crate::bot::discord::text::jump_link;
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::{NudgeRecord, Shared};
use crate::config::GuildConfig;
use crate::core::Level;
use crate::store::{Conversation, Event, EventKind};
use serenity::all::{ComponentInteraction, Context, CreateInteractionResponseMessage};

/// A customer answered a follow-up.
pub async fn followup(
    shared: &Shared,
    ctx: &Context,
    ci: &ComponentInteraction,
    g: &GuildConfig,
    resolved: bool,
    channel: u64,
    customer: u64,
) {
    if ci.user.id.get() != customer {
        return respond::ephemeral(&ctx.http, ci, &format!("This question is for <@{customer}>.")).await;
    }
    let answered = if resolved {
        format!(
            "{}

**Glad it's sorted, <@{customer}> — thanks for letting us know.**",
            ci.message.content
        )
    } else {
        format!(
            "{}

**Thanks for telling us, <@{customer}>. A moderator will pick this up here.**",
            ci.message.content
        )
    };
    let ids: Vec<(String, String)> = [(true, "Yes, thanks"), (false, "I still need help")]
        .into_iter()
        .map(|(r, label)| (Component::FollowUp { resolved: r, channel, customer }.id(), label.to_string()))
        .collect();
    let chosen = Some(if resolved { 0 } else { 1 });
    let msg = CreateInteractionResponseMessage::new().content(answered).components(disabled_buttons(&ids, chosen));
    respond::update(&ctx.http, ci, msg).await;
    if let Some(memory) = &shared.memory {
        let c = Conversation::new(g.id, channel, customer);
        if let Some(Some(followup)) =
            memory.read("find the follow-up answered", move |s| s.unanswered_followup(c)).await
        {
            let answer = if resolved { "resolved" } else { "still needs help" }.to_string();
            memory.record(vec![Event::new(c, now_ms(), EventKind::FollowupAnswered { followup, answer })]);
        }
    }
    if resolved {
        shared.note_on_nudge(&ctx.http, g, channel, customer, "Follow-up", "The customer says it is resolved.").await;
        return;
    }
    // Reopen: the conversation is live again and the moderators hear about it.
    let e = Embed {
        title: "keel: follow-up — still needs help".into(),
        description: format!(
            "<@{customer}> answered a follow-up in <#{channel}>: they **still need help**.\n[Jump to the answer]({})",
            jump_link(g.id, channel, ci.message.id.get())
        ),
        fields: Vec::new(),
        colour: 0xe6_7e_22,
    };
    let key = (g.id, channel, customer);
    let step = Step::Nudge {
        channel: g.moderator_channel,
        edit: None,
        embed: e.clone(),
        about: (channel, customer),
        buttons: true,
        ping: shared.conversations.claimed_by(&key),
    };
    if let Some(id) = execute::run_logged(&ctx.http, &shared.rest, &step).await {
        let say = shared.for_member(channel, Some(customer), "", |engine, vars| {
            engine.analyzer().pack().script("apologize-without-blame").map_or(String::new(), |s| s.say.render(vars))
        });
        let earlier = EarlierNudge { message: id, posted_ms: now_ms(), level: Level::Tense };
        let record = NudgeRecord { earlier, about_message: ci.message.id.get(), say, embed: e };
        shared.conversations.remember_nudge(key, record);
    }
}
