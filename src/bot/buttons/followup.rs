//! A customer answered a follow-up: "Yes, thanks" closes it, "I still need
//! help" reopens the conversation and nudges the moderators again.

use crate::bot::buttons::respond::{self, Answer, Then};
use crate::bot::discord::custom_id::Component;
use crate::bot::discord::plan::{Embed, Step};
use crate::bot::discord::text::jump_link;
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::Shared;
use crate::config::GuildConfig;
use crate::core::ids::{ChannelId, Conversation, GuildId, MemberId};
use crate::core::Level;
use crate::store::{Event, EventKind};
use serenity::all::{ComponentInteraction, Context};

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
    // Answered first (Discord allows three seconds), then the database says which follow-up this answers.
    respond::answer(&ctx.http, ci, answer(&ci.message.content, resolved, channel, customer)).await;
    let about = Conversation::member(GuildId(g.id), ChannelId(channel), MemberId(customer));
    let followup = match &shared.memory {
        Some(memory) => {
            memory.read("find the follow-up answered", move |s| s.unanswered_followup(about)).await.flatten()
        }
        None => None,
    };
    let (events, steps) = answered(shared, g, resolved, about, followup, ci.message.id.get(), now_ms());
    respond::act(shared, &ctx.http, events, steps).await;
}

/// The question updated with the customer's answer, its buttons disabled.
pub fn answer(question: &str, resolved: bool, channel: u64, customer: u64) -> Answer {
    let content = if resolved {
        format!(
            "{question}

**Glad it's sorted, <@{customer}> — thanks for letting us know.**"
        )
    } else {
        format!(
            "{question}

**Thanks for telling us, <@{customer}>. A moderator will pick this up here.**"
        )
    };
    let buttons: Vec<(String, String)> = [(true, "Yes, thanks"), (false, "I still need help")]
        .into_iter()
        .map(|(r, label)| (Component::FollowUp { resolved: r, channel, customer }.id(), label.to_string()))
        .collect();
    Answer::Buttons { content, buttons, chosen: Some(usize::from(!resolved)) }
}

/// What the answer comes to at `at_ms`: the answer recorded (when the
/// database knows the follow-up, `followup`); resolved, a note on the
/// moderators' nudge; not resolved, the conversation reopened with a new
/// nudge (remembered once posted). `message` is the answered question,
/// `about` the customer's conversation.
pub fn answered(
    shared: &Shared,
    g: &GuildConfig,
    resolved: bool,
    about: Conversation,
    followup: Option<i64>,
    message: u64,
    at_ms: i64,
) -> (Vec<Event>, Vec<(Step, Option<Then>)>) {
    let (c, (_, channel, customer)) = (about, about.to_raw());
    let events = followup
        .map(|followup| {
            let answer = if resolved { "resolved" } else { "still needs help" }.to_string();
            Event::new(c, at_ms, EventKind::FollowupAnswered { followup, answer })
        })
        .into_iter()
        .collect();
    if resolved {
        let note = shared.conversations.note_on_nudge(g, about, "Follow-up", "The customer says it is resolved.");
        return (events, note.into_iter().map(|s| (s, None)).collect());
    }
    // Reopen: the conversation is live again and the moderators hear about it.
    let embed = Embed {
        title: "keel: follow-up — still needs help".into(),
        description: format!(
            "<@{customer}> answered a follow-up in <#{channel}>: they **still need help**.\n[Jump to the answer]({})",
            jump_link(g.id, channel, message)
        ),
        fields: Vec::new(),
        colour: 0xe6_7e_22,
    };
    let key = about;
    let step = Step::Nudge {
        channel: g.moderator_channel,
        edit: None,
        embed: embed.clone(),
        about,
        buttons: true,
        ping: shared.conversations.claimed_by(&key),
    };
    let say = shared.for_member(about.channel, about.member, "", |engine, vars| {
        engine.analyzer().pack().script("apologize-without-blame").map_or(String::new(), |s| s.say.render(vars))
    });
    let then = Then::RememberNudge { key, posted_ms: at_ms, level: Level::Tense, about_message: message, say, embed };
    (events, vec![(step, Some(then))])
}
