//! A customer picked one of the options keel offered.
//!
//! The database decides when there is one: a restarted bot's buttons work,
//! and a second click (in any process) is refused. The choice is noted on
//! the moderators' nudge; an option that calls a person calls the
//! moderators, any other schedules a follow-up.

use crate::bot::buttons::respond::{self, STALE};
use crate::bot::discord::execute::{self, disabled_buttons};
use crate::bot::discord::plan::Step;
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::conversations::EXPIRED_NOTE;
use crate::bot::shared::{FollowUp, OfferedChoice, Shared};
use crate::config::GuildConfig;
use crate::store::{Chosen, Conversation, Event, EventKind};
use serenity::all::{ComponentInteraction, Context, CreateInteractionResponseMessage};

/// What the database says about a click on choice buttons.
enum Stored {
    /// No database, or it failed: go by what is in memory.
    NoAnswer,
    /// Recorded; with the offer when it was not in memory.
    Recorded(Option<OfferedChoice>),
    /// The offer is unknown there too (not yet written, or purged).
    Unknown,
    /// Expired, with the offer.
    Expired(Option<OfferedChoice>),
    /// Already answered, or not this member's.
    Refused,
}

/// Records a click in the database, which settles double clicks across restarts.
async fn choose_stored(shared: &Shared, message: u64, member: u64, set: &str, option: usize) -> Stored {
    let Some(memory) = &shared.memory else { return Stored::NoAnswer };
    let Some(offer) = memory.read("read a choice offer", move |s| s.choice(message)).await else {
        return Stored::NoAnswer;
    };
    let Some(offer) = offer.filter(|o| o.set == set) else { return Stored::Unknown };
    let Some(offered) = shared.offered_from_store(&offer) else { return Stored::Unknown };
    let Some((label, _, _)) = offered.options.get(option).cloned() else { return Stored::Refused };
    let now = now_ms();
    match memory.read("record a choice", move |s| s.choose(message, member, &label, now)).await {
        Some(Chosen::Recorded) => Stored::Recorded(Some(offered)),
        Some(Chosen::Expired) => Stored::Expired(Some(offered)),
        Some(Chosen::Unknown) => Stored::Unknown,
        Some(Chosen::NotYours | Chosen::AlreadyChosen { .. }) => Stored::Refused,
        None => Stored::NoAnswer,
    }
}

/// A customer picked an option.
pub async fn choice(
    shared: &Shared,
    ctx: &Context,
    ci: &ComponentInteraction,
    g: &GuildConfig,
    set: &str,
    option: usize,
    customer: u64,
) {
    if ci.user.id.get() != customer {
        return respond::ephemeral(&ctx.http, ci, &format!("These options are for <@{customer}>.")).await;
    }
    let message = ci.message.id.get();
    let in_memory = shared
        .conversations
        .choice(message)
        .filter(|o| o.set == set && o.customer == customer && option < o.options.len());
    // The database decides when there is one: a restarted bot's buttons work,
    // and a second click (in any process) is refused.
    let (offered, expired) = match (choose_stored(shared, message, customer, set, option).await, in_memory) {
        (Stored::Recorded(from_store), mem) => (mem.or(from_store), false),
        (Stored::Expired(from_store), mem) => (mem.or(from_store), true),
        (Stored::Refused, _) => (None, false),
        (Stored::NoAnswer | Stored::Unknown, Some(mem)) => {
            let expired = now_ms() > mem.expires_ms;
            if !expired {
                if let (Some(memory), Some(o)) = (&shared.memory, mem.options.get(option)) {
                    let c = Conversation::new(g.id, mem.channel, customer);
                    let kind = EventKind::ChoiceChosen { message, choice: o.0.clone() };
                    memory.record(vec![Event::new(c, now_ms(), kind)]);
                }
            }
            (Some(mem), expired)
        }
        (Stored::NoAnswer | Stored::Unknown, None) => (None, false),
    };
    shared.conversations.forget_choice(message);
    let Some(offered) = offered.filter(|o| option < o.options.len()) else {
        return respond::ephemeral(&ctx.http, ci, STALE).await;
    };
    let ids = offered.button_ids();
    if expired {
        let msg = CreateInteractionResponseMessage::new()
            .content(offered.expired_text())
            .components(disabled_buttons(&ids, None));
        respond::update(&ctx.http, ci, msg).await;
        let (name, value) = EXPIRED_NOTE;
        shared.note_on_nudge(&ctx.http, g, offered.channel, customer, name, value).await;
        return;
    }
    let (label, reply, escalate) = &offered.options[option];
    let text = format!("{}\n\n**<@{customer}> chose: {label}.** {reply}", offered.prompt);
    let msg = CreateInteractionResponseMessage::new().content(text).components(disabled_buttons(&ids, Some(option)));
    respond::update(&ctx.http, ci, msg).await;
    shared.note_on_nudge(&ctx.http, g, offered.channel, customer, "Customer's choice", label).await;
    let followups = shared.config().followups.clone();
    if followups.enabled && !*escalate {
        let due_ms = now_ms() + followups.delay_secs as i64 * 1000;
        shared.schedule_followup(FollowUp { guild: g.id, channel: offered.channel, customer, due_ms });
    }
    if *escalate {
        let mentions: Vec<String> = g.moderator_roles.iter().map(|r| format!("<@&{r}>")).collect();
        let step = Step::Escalate {
            channel: g.moderator_channel,
            roles: g.moderator_roles.clone(),
            content: format!(
                "{} <@{customer}> asked to talk to a person in <#{}> (choice: {label}).",
                mentions.join(" "),
                offered.channel
            ),
        };
        if execute::run_logged(&ctx.http, &shared.rest, &step).await.is_some() {
            if let Some(memory) = &shared.memory {
                let c = Conversation::new(g.id, offered.channel, customer);
                memory.record(vec![Event::new(c, now_ms(), EventKind::Escalation)]);
            }
        }
    }
}
