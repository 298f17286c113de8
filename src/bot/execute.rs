//! Carrying out planned steps against Discord's REST API.
//!
//! Every message keel sends restricts `allowed_mentions` to exactly whom it
//! means to ping. Transient failures (5xx, network) are retried a few times
//! with a short backoff; a missing permission (403) is reported once per
//! server and kind of step in the moderator channel and in the log, and keel
//! carries on.

use crate::bot::plan::{Embed, Step};
use serenity::all::{
    ChannelId, CreateAllowedMentions, CreateEmbed, CreateMessage, EditMember, EditMessage, GuildId, Http, MessageId,
    Timestamp, UserId,
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

fn embed(e: &Embed) -> CreateEmbed {
    let mut out = CreateEmbed::new().title(&e.title).description(&e.description).colour(e.colour);
    for (name, value) in &e.fields {
        out = out.field(name, value, false);
    }
    out
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
        Step::Delete { .. } => "delete a message (Manage Messages)",
    }
}

async fn attempt(http: &Http, step: &Step) -> serenity::Result<Option<u64>> {
    match step {
        Step::Nudge { channel, edit: None, embed: e } => {
            let m = CreateMessage::new().embed(embed(e)).allowed_mentions(no_pings());
            Ok(Some(ChannelId::new(*channel).send_message(http, m).await?.id.get()))
        }
        Step::Nudge { channel, edit: Some(id), embed: e } => {
            let m = EditMessage::new().embed(embed(e)).allowed_mentions(no_pings());
            ChannelId::new(*channel).edit_message(http, MessageId::new(*id), m).await?;
            Ok(Some(*id))
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
