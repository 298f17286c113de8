//! A customer picked one of the options keel offered.
//!
//! The database decides when there is one: a restarted bot's buttons work,
//! and a second click (in any process) is refused. Then [`chosen`] works
//! out what the pick comes to: the choice is noted on the moderators'
//! nudge; an option that calls a person calls the moderators, any other
//! schedules a follow-up.

use crate::bot::buttons::respond::{self, Answer, Clicked, Then, STALE};
use crate::bot::discord::plan::Step;
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::conversations::EXPIRED_NOTE;
use crate::bot::shared::{FollowUp, OfferedChoice, Shared};
use crate::config::GuildConfig;
use crate::store::{Chosen, Event, EventKind};
use serenity::all::{ComponentInteraction, Context};

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
        .filter(|o| o.set == set && o.customer.get() == customer && option < o.options.len());
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
                    let c = mem.conversation();
                    let kind = EventKind::ChoiceChosen { message, choice: o.0.clone() };
                    memory.record(vec![Event::new(c, now_ms(), kind)]);
                }
            }
            (Some(mem), expired)
        }
        (Stored::NoAnswer | Stored::Unknown, None) => (None, false),
    };
    shared.conversations.forget_choice(message);
    let clicked = match offered.filter(|o| option < o.options.len()) {
        Some(offered) => chosen(shared, g, &offered, option, expired, now_ms()),
        None => Clicked::ephemeral(STALE),
    };
    respond::carry_out(shared, &ctx.http, ci, clicked).await;
}

/// What the customer's pick of `option` among `offered` comes to at `at_ms`
/// (`expired`: the options had expired): the question updated with the
/// buttons disabled, a note on the moderators' nudge, and either a
/// follow-up scheduled or the moderators called (recorded once they are).
pub fn chosen(
    shared: &Shared,
    g: &GuildConfig,
    offered: &OfferedChoice,
    option: usize,
    expired: bool,
    at_ms: i64,
) -> Clicked {
    let (channel, customer) = (offered.channel, offered.customer);
    let buttons = offered.button_ids();
    if expired {
        let (name, value) = EXPIRED_NOTE;
        let note = shared.conversations.note_on_nudge(g, offered.conversation(), name, value);
        return Clicked {
            answer: Answer::Buttons { content: offered.expired_text(), buttons, chosen: None },
            events: Vec::new(),
            steps: note.into_iter().map(|s| (s, None)).collect(),
        };
    }
    let Some((label, reply, escalate)) = offered.options.get(option) else { return Clicked::ephemeral(STALE) };
    let content = format!("{}\n\n**<@{customer}> chose: {label}.** {reply}", offered.prompt);
    let mut steps: Vec<(Step, Option<Then>)> = shared
        .conversations
        .note_on_nudge(g, offered.conversation(), "Customer's choice", label)
        .into_iter()
        .map(|s| (s, None))
        .collect();
    let followups = shared.config().followups.clone();
    if followups.enabled && !*escalate {
        let due_ms = at_ms + followups.delay_secs as i64 * 1000;
        shared.schedule_followup(FollowUp { guild: offered.guild, channel, customer, due_ms });
    }
    if *escalate {
        let mentions: Vec<String> = g.moderator_roles.iter().map(|r| format!("<@&{r}>")).collect();
        let step = Step::Escalate {
            channel: g.moderator_channel,
            roles: g.moderator_roles.clone(),
            content: format!(
                "{} <@{customer}> asked to talk to a person in <#{channel}> (choice: {label}).",
                mentions.join(" "),
            ),
        };
        let called = Event::new(offered.conversation(), at_ms, EventKind::Escalation);
        steps.push((step, Some(Then::Record(called))));
    }
    Clicked { answer: Answer::Buttons { content, buttons, chosen: Some(option) }, events: Vec::new(), steps }
}
