//! Answering an interaction: an ephemeral message, or the clicked message updated.
//!
//! Every interaction is answered at once (Discord allows three seconds), and
//! no answer pings anyone. A click worked out as data ([`Clicked`]) is
//! carried out by [`carry_out`]: the answer first, then the events are
//! queued for the database and the steps are run.

use crate::bot::discord::custom_id::Component;
use crate::bot::discord::execute::{self, disabled_buttons, embed, nudge_buttons};
use crate::bot::discord::plan::{EarlierNudge, Embed, Step};
use crate::bot::shared::{NudgeRecord, Shared};
use crate::core::ids::Conversation;
use crate::core::policy::Action;
use crate::core::Level;
use crate::store::Event;
use serenity::all::{
    ComponentInteraction, CreateActionRow, CreateAllowedMentions, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, Http,
};

/// What a click comes to, as data: the answer to the interaction, the
/// events to record and the steps to take, in that order.
#[derive(Debug, Clone, PartialEq)]
pub struct Clicked {
    /// The answer to the interaction.
    pub answer: Answer,
    /// What is recorded in the database (when keel has one).
    pub events: Vec<Event>,
    /// What keel does in the server after answering, each step with what
    /// is done once it has posted its message.
    pub steps: Vec<(Step, Option<Then>)>,
}

/// What is done once a step has posted its message, with that message's ID.
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    /// Record an event (the moderators were called, say).
    Record(Event),
    /// Remember the posted nudge, so later escalations edit it.
    RememberNudge {
        /// The conversation it is about.
        key: Conversation,
        /// When it counts as posted (Unix ms).
        posted_ms: i64,
        /// The level it shows.
        level: Level,
        /// The message it is about.
        about_message: u64,
        /// The script's customer-facing line, rendered.
        say: String,
        /// What it shows.
        embed: Embed,
    },
    /// Remember (and record) the posted choice buttons of an [`Action::OfferChoices`].
    OfferPosted {
        /// The customer's conversation.
        about: Conversation,
        /// The offer, rendered.
        offer: Action,
        /// When (Unix ms).
        at_ms: i64,
    },
}

impl Clicked {
    /// A click answered ephemerally, with nothing else to do.
    pub fn ephemeral(text: impl Into<String>) -> Clicked {
        Clicked { answer: Answer::Ephemeral(text.into()), events: Vec::new(), steps: Vec::new() }
    }
}

/// How an interaction is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A message only the clicker sees.
    Ephemeral(String),
    /// The clicked nudge shows `embed`, with the moderators' buttons for the
    /// conversation, or none.
    Nudge {
        /// What the nudge shows now.
        embed: Embed,
        /// The conversation whose buttons stay; `None`: no buttons.
        buttons: Option<Conversation>,
    },
    /// The clicked message's text replaced and its buttons (custom id,
    /// label) disabled, the one at `chosen` marked as chosen.
    Buttons {
        /// The message's new text.
        content: String,
        /// The buttons, as (custom id, label).
        buttons: Vec<(String, String)>,
        /// The button marked as chosen.
        chosen: Option<usize>,
    },
    /// A menu (only the clicker sees) of the choice sets to offer in a conversation.
    ChoiceSets {
        /// The conversation's channel.
        channel: u64,
        /// The customer.
        author: u64,
        /// The sets' names (at most 25).
        sets: Vec<String>,
    },
}

/// Answers the interaction, records the events, then runs the steps.
pub async fn carry_out(shared: &Shared, http: &Http, ci: &ComponentInteraction, clicked: Clicked) {
    answer(http, ci, clicked.answer).await;
    act(shared, http, clicked.events, clicked.steps).await;
}

/// Records the events, then runs the steps, each followed by what is done once it has posted.
pub async fn act(shared: &Shared, http: &Http, events: Vec<Event>, steps: Vec<(Step, Option<Then>)>) {
    if let Some(memory) = &shared.memory {
        memory.record(events);
    }
    for (step, then) in steps {
        let Some(posted) = execute::run_logged(http, &shared.rest, &step).await else { continue };
        match then {
            None => {}
            Some(Then::Record(event)) => {
                if let Some(memory) = &shared.memory {
                    memory.record(vec![event]);
                }
            }
            Some(Then::RememberNudge { key, posted_ms, level, about_message, say, embed }) => {
                let earlier = EarlierNudge { message: posted, posted_ms, level };
                shared.conversations.remember_nudge(key, NudgeRecord { earlier, about_message, say, embed });
            }
            Some(Then::OfferPosted { about, offer, at_ms }) => {
                shared.choices_posted(about, &offer, posted, at_ms, true);
            }
        }
    }
}

/// Answers the interaction.
pub async fn answer(http: &Http, ci: &ComponentInteraction, answer: Answer) {
    match answer {
        Answer::Ephemeral(text) => ephemeral(http, ci, &text).await,
        Answer::Nudge { embed: e, buttons } => {
            let components = buttons.map_or_else(Vec::new, nudge_buttons);
            update(http, ci, CreateInteractionResponseMessage::new().embed(embed(&e)).components(components)).await;
        }
        Answer::Buttons { content, buttons, chosen } => {
            let msg = CreateInteractionResponseMessage::new().content(content);
            update(http, ci, msg.components(disabled_buttons(&buttons, chosen))).await;
        }
        Answer::ChoiceSets { channel, author, sets } => {
            let options = sets.iter().map(|s| CreateSelectMenuOption::new(s, s)).collect();
            let menu = CreateSelectMenu::new(
                Component::OfferSet { channel, author }.id(),
                CreateSelectMenuKind::String { options },
            )
            .placeholder("Choice set to offer");
            let msg = CreateInteractionResponseMessage::new()
                .content(format!("Which choices should <@{author}> get?"))
                .components(vec![CreateActionRow::SelectMenu(menu)])
                .ephemeral(true)
                .allowed_mentions(CreateAllowedMentions::new().empty_users().empty_roles());
            if let Err(e) = ci.create_response(http, CreateInteractionResponse::Message(msg)).await {
                tracing::warn!(error = %e, "cannot answer an interaction");
            }
        }
    }
}

/// What a stale or foreign button gets.
pub const STALE: &str = "These buttons are no longer active. A moderator can help you from here.";

/// Answers with a message only the clicker sees.
pub async fn ephemeral(http: &Http, ci: &ComponentInteraction, text: &str) {
    let msg = CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(CreateAllowedMentions::new().empty_users().empty_roles());
    if let Err(e) = ci.create_response(http, CreateInteractionResponse::Message(msg)).await {
        tracing::warn!(error = %e, "cannot answer an interaction");
    }
}

/// Answers by updating the clicked message.
pub async fn update(http: &Http, ci: &ComponentInteraction, msg: CreateInteractionResponseMessage) {
    let msg = msg.allowed_mentions(CreateAllowedMentions::new().empty_users().empty_roles());
    if let Err(e) = ci.create_response(http, CreateInteractionResponse::UpdateMessage(msg)).await {
        tracing::warn!(error = %e, "cannot update the clicked message");
    }
}
