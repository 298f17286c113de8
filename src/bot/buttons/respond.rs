//! Answering an interaction: an ephemeral message, or the clicked message updated.
//!
//! Every interaction is answered at once (Discord allows three seconds), and
//! no answer pings anyone.

use serenity::all::{
    ComponentInteraction, CreateAllowedMentions, CreateInteractionResponse, CreateInteractionResponseMessage, Http,
};

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
