//! Carrying out planned steps against Discord's REST API.
//!
//! Every message keel sends restricts `allowed_mentions` to exactly whom it
//! means to ping. Transient failures (5xx, network) are retried a few times
//! with a short backoff; a missing permission (403) is reported once per
//! server and kind of step in the moderator channel and in the log, and keel
//! carries on.

use crate::bot::components::{Component, NudgeAction};
use crate::bot::plan::{Embed, Step};
use serenity::all::{
    ButtonStyle, ChannelId, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed, CreateMessage,
    EditMember, EditMessage, GuildId, Http, MessageId, Timestamp, UserId,
};
use std::time::Duration;

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done; for posted messages, the new message's ID.
    Done(Option<u64>),
    /// Discord refused for lack of permission (HTTP 403).
    Forbidden(String),
    /// Failed for another reason, after retries.
    Failed(String),
}

/// Attempts per step for transient failures.
const ATTEMPTS: u32 = 3;

/// An embed as serenity's builder.
pub fn embed(e: &Embed) -> CreateEmbed {
    let mut out = CreateEmbed::new().title(&e.title).description(&e.description).colour(e.colour);
    for (name, value) in &e.fields {
        out = out.field(name, value, false);
    }
    out
}

/// The moderators' buttons under a nudge about (channel, customer).
pub fn nudge_buttons(about: (u64, u64)) -> Vec<CreateActionRow> {
    let buttons = NudgeAction::ALL
        .into_iter()
        .filter(|a| about.1 != 0 || matches!(a, NudgeAction::Claim | NudgeAction::FalseAlarm))
        .map(|action| {
            let id = Component::Nudge { action, channel: about.0, author: about.1 }.id();
            let style = match action {
                NudgeAction::Claim => ButtonStyle::Success,
                NudgeAction::FalseAlarm => ButtonStyle::Secondary,
                NudgeAction::Boundary => ButtonStyle::Danger,
                _ => ButtonStyle::Primary,
            };
            CreateButton::new(id).label(action.label()).style(style)
        })
        .collect();
    vec![CreateActionRow::Buttons(buttons)]
}

/// A message's buttons, all disabled; the one at `chosen` (if any) marked as chosen.
pub fn disabled_buttons(ids_and_labels: &[(String, String)], chosen: Option<usize>) -> Vec<CreateActionRow> {
    let buttons = ids_and_labels
        .iter()
        .enumerate()
        .map(|(i, (id, label))| {
            let style = if Some(i) == chosen { ButtonStyle::Success } else { ButtonStyle::Secondary };
            CreateButton::new(id).label(label).style(style).disabled(true)
        })
        .collect();
    vec![CreateActionRow::Buttons(buttons)]
}

fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new().empty_users().empty_roles().everyone(false)
}

/// What a step is, in a few words, for logs and permission reports.
pub fn describe(step: &Step) -> &'static str {
    match step {
        Step::Nudge { edit: None, .. } => "post a nudge in the moderator channel",
        Step::Nudge { edit: Some(_), .. } => "edit a nudge in the moderator channel",
        Step::BoundaryReply { .. } => "reply with a boundary message",
        Step::Timeout { .. } => "time a member out (Moderate Members)",
        Step::Escalate { .. } => "call the moderators in the moderator channel",
        Step::Notice { .. } => "post a note in the moderator channel",
        Step::OfferChoices { .. } => "post choice buttons in the support channel",
        Step::Say { .. } => "post in the support channel",
        Step::FollowUp { .. } => "ask a customer for a follow-up in the support channel",
        Step::Delete { .. } => "delete a message (Manage Messages)",
    }
}

async fn attempt(http: &Http, step: &Step) -> serenity::Result<Option<u64>> {
    match step {
        Step::Nudge { channel, edit, embed: e, about, buttons, ping } => {
            let components = if *buttons { nudge_buttons(*about) } else { Vec::new() };
            let mentions = match ping {
                Some(m) => CreateAllowedMentions::new().users([UserId::new(*m)]).empty_roles(),
                None => no_pings(),
            };
            let content = ping.map_or(String::new(), |m| format!("<@{m}>"));
            match edit {
                None => {
                    let m = CreateMessage::new()
                        .content(content)
                        .embed(embed(e))
                        .components(components)
                        .allowed_mentions(mentions);
                    Ok(Some(ChannelId::new(*channel).send_message(http, m).await?.id.get()))
                }
                Some(id) => {
                    let m = EditMessage::new()
                        .content(content)
                        .embed(embed(e))
                        .components(components)
                        .allowed_mentions(mentions);
                    ChannelId::new(*channel).edit_message(http, MessageId::new(*id), m).await?;
                    Ok(Some(*id))
                }
            }
        }
        Step::OfferChoices { channel, customer, set, prompt, labels } => {
            let buttons = labels
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    let id = Component::Choice { set: set.clone(), option: i, customer: *customer }.id();
                    CreateButton::new(id).label(label).style(ButtonStyle::Primary)
                })
                .collect();
            let m = CreateMessage::new()
                .content(prompt)
                .components(vec![CreateActionRow::Buttons(buttons)])
                .allowed_mentions(CreateAllowedMentions::new().users([UserId::new(*customer)]).empty_roles());
            Ok(Some(ChannelId::new(*channel).send_message(http, m).await?.id.get()))
        }
        Step::FollowUp { channel, dm, customer, text } => {
            let buttons =
                [(true, "Yes, thanks", ButtonStyle::Success), (false, "I still need help", ButtonStyle::Secondary)]
                    .into_iter()
                    .map(|(resolved, label, style)| {
                        let id = Component::FollowUp { resolved, channel: *channel, customer: *customer }.id();
                        CreateButton::new(id).label(label).style(style)
                    })
                    .collect();
            let m = CreateMessage::new()
                .content(text)
                .components(vec![CreateActionRow::Buttons(buttons)])
                .allowed_mentions(CreateAllowedMentions::new().users([UserId::new(*customer)]).empty_roles());
            if *dm {
                // Members can close their DMs; then the question goes to the channel.
                match UserId::new(*customer).create_dm_channel(http).await {
                    Ok(private) => match private.id.send_message(http, m.clone()).await {
                        Ok(sent) => return Ok(Some(sent.id.get())),
                        Err(e) => tracing::info!(error = %e, "follow-up DM refused; asking in the channel"),
                    },
                    Err(e) => tracing::info!(error = %e, "cannot open a DM; asking in the channel"),
                }
            }
            Ok(Some(ChannelId::new(*channel).send_message(http, m).await?.id.get()))
        }
        Step::Say { channel, text, mention } => {
            let mentions = match mention {
                Some(u) => CreateAllowedMentions::new().users([UserId::new(*u)]).empty_roles(),
                None => no_pings(),
            };
            let m = CreateMessage::new().content(text).allowed_mentions(mentions);
            Ok(Some(ChannelId::new(*channel).send_message(http, m).await?.id.get()))
        }
        Step::BoundaryReply { channel, message, user, text } => {
            let channel = ChannelId::new(*channel);
            let m = CreateMessage::new()
                .content(text)
                .reference_message((channel, MessageId::new(*message)))
                .allowed_mentions(
                    CreateAllowedMentions::new().users([UserId::new(*user)]).empty_roles().replied_user(true),
                );
            Ok(Some(channel.send_message(http, m).await?.id.get()))
        }
        Step::Timeout { guild, user, until_unix, reason } => {
            let until = Timestamp::from_unix_timestamp(*until_unix).unwrap_or_else(|_| Timestamp::now());
            let edit = EditMember::new().disable_communication_until_datetime(until).audit_log_reason(reason);
            GuildId::new(*guild).edit_member(http, UserId::new(*user), edit).await?;
            Ok(None)
        }
        Step::Escalate { channel, roles, content } => {
            let mentions =
                CreateAllowedMentions::new().empty_users().roles(roles.iter().map(|r| serenity::all::RoleId::new(*r)));
            let m = CreateMessage::new().content(content).allowed_mentions(mentions);
            Ok(Some(ChannelId::new(*channel).send_message(http, m).await?.id.get()))
        }
        Step::Delete { channel, message, reason } => {
            http.delete_message(ChannelId::new(*channel), MessageId::new(*message), Some(reason)).await?;
            Ok(None)
        }
        Step::Notice { channel, content } => {
            let m = CreateMessage::new().content(content).allowed_mentions(no_pings());
            Ok(Some(ChannelId::new(*channel).send_message(http, m).await?.id.get()))
        }
    }
}

fn status(e: &serenity::Error) -> Option<u16> {
    match e {
        serenity::Error::Http(h) => h.status_code().map(|s| s.as_u16()),
        _ => None,
    }
}

/// Carries out one step, retrying transient failures.
pub async fn run(http: &Http, step: &Step) -> Outcome {
    let mut last = String::new();
    for n in 0..ATTEMPTS {
        match attempt(http, step).await {
            Ok(id) => return Outcome::Done(id),
            Err(e) => match status(&e) {
                Some(403) => return Outcome::Forbidden(e.to_string()),
                Some(s) if (400..500).contains(&s) && s != 429 => return Outcome::Failed(e.to_string()),
                _ => {
                    last = e.to_string();
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(n + 1))).await;
                }
            },
        }
    }
    Outcome::Failed(last)
}
