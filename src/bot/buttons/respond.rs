//! Answering an interaction: an ephemeral message, or the clicked message updated.
//!
//! Every interaction is answered at once (Discord allows three seconds), and
//! no answer pings anyone. A click worked out as data ([`Clicked`]) is
//! carried out by [`carry_out`]: the answer first, then the events are
//! queued for the database and the steps are run.

use crate::bot::discord::custom_id::Component;
use crate::bot::discord::execute::{self, disabled_buttons, embed, nudge_buttons};
use crate::bot::discord::plan::{Embed, Step};
use crate::bot::shared::Shared;
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
    /// What keel does in the server after answering, each step with the
    /// event recorded once it has posted (the moderators called, say).
    pub steps: Vec<(Step, Option<Event>)>,
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
    /// conversation (channel, customer), or none.
    Nudge {
        /// What the nudge shows now.
        embed: Embed,
        /// The conversation whose buttons stay; `None`: no buttons.
        buttons: Option<(u64, u64)>,
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
    if let Some(memory) = &shared.memory {
        memory.record(clicked.events);
    }
    for (step, recorded) in clicked.steps {
        if execute::run_logged(http, &shared.rest, &step).await.is_some() {
            if let (Some(memory), Some(event)) = (&shared.memory, recorded) {
                memory.record(vec![event]);
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
            update(http, ci, CreateInteractionResponseMessage::new().embed(embed(&e)).components(components)).await
        }
        Answer::Buttons { content, buttons, chosen } => {
            let msg = CreateInteractionResponseMessage::new().content(content);
            update(http, ci, msg.components(disabled_buttons(&buttons, chosen))).await
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
