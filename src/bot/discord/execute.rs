//! Carrying out planned steps against Discord's REST API.
//!
//! Every message keel sends restricts `allowed_mentions` to exactly whom it
//! means to ping, and carries a nonce with `enforce_nonce`, so a retry after a
//! lost answer cannot post it twice. Each step is one or two REST [`Call`]s
//! sent through [`Rest`], which waits out rate limits and retries 5xx and lost
//! answers within a bounded time (see [`crate::bot::discord::rest`] for which path
//! handles what); a missing permission (403) is reported once per server and
//! kind of step in the moderator channel and in the log, and keel carries on.

use crate::bot::discord::custom_id::{Component, NudgeAction};
use crate::bot::discord::plan::{Embed, Step};
use crate::bot::discord::rest::{Call, Rest, RestError};
use crate::core::ids::Conversation;
use serenity::all::{
    ButtonStyle, ChannelId, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed, CreateMessage,
    EditMember, EditMessage, GuildId, Http, MessageId, Nonce, Timestamp, UserId,
};
use serenity::http::{LightMethod, Route};
use std::sync::atomic::{AtomicU32, Ordering};

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepResult {
    /// Done; for posted messages, the new message's ID.
    Done(Option<u64>),
    /// Discord refused for lack of permission (HTTP 403).
    Forbidden(String),
    /// Failed for another reason (a 4xx other than 403, a request that cannot be built).
    Failed(String),
    /// Rate limits, 5xx or lost answers went on past the bound; already logged (with
    /// the step and where) and counted in [`Rest::gave_up`].
    GaveUp(String),
}

/// An embed as serenity's builder.
pub fn embed(e: &Embed) -> CreateEmbed {
    let mut out = CreateEmbed::new().title(&e.title).description(&e.description).colour(e.colour);
    for (name, value) in &e.fields {
        out = out.field(name, value, false);
    }
    out
}

/// The moderators' buttons under a nudge about a conversation (a channel's
/// as a whole gets only "claim" and "false alarm").
pub fn nudge_buttons(about: Conversation) -> Vec<CreateActionRow> {
    let (_, channel, author) = about.to_raw();
    let buttons = NudgeAction::ALL
        .into_iter()
        .filter(|a| about.member.is_some() || matches!(a, NudgeAction::Claim | NudgeAction::FalseAlarm))
        .map(|action| {
            let id = Component::Nudge { action, channel, author }.id();
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

/// Where a step acts, for the log line when it is given up.
fn place(step: &Step) -> String {
    match step {
        Step::Timeout { guild, user, .. } => format!("guild {guild}, member {user}"),
        Step::Nudge { channel, .. }
        | Step::OfferChoices { channel, .. }
        | Step::FollowUp { channel, .. }
        | Step::Say { channel, .. }
        | Step::BoundaryReply { channel, .. }
        | Step::Escalate { channel, .. }
        | Step::Delete { channel, .. }
        | Step::Notice { channel, .. } => format!("channel {channel}"),
    }
}

/// The nonce of the messages one [`run`] posts: the same on every retry, so Discord
/// (`enforce_nonce`) returns the message a lost answer hid instead of posting it again;
/// different for every `run`, even of an equal step, and for every process (the hash is
/// keyed randomly). `part` tells apart the messages of one step (a follow-up tried by DM,
/// then in the channel). At most 25 characters, as Discord allows.
fn nonce(step: &Step, part: char) -> String {
    use std::hash::BuildHasher;
    static KEYS: std::sync::OnceLock<std::hash::RandomState> = std::sync::OnceLock::new();
    static RUNS: AtomicU32 = AtomicU32::new(0);
    let hash = KEYS.get_or_init(std::hash::RandomState::new).hash_one(step) & 0x0fff_ffff_ffff_ffff;
    format!("{hash:015x}{:08x}{part}", RUNS.fetch_add(1, Ordering::Relaxed))
}

/// The new message's ID from a create-message answer.
fn message_id(body: &[u8]) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get("id")?.as_str()?.parse().ok()
}

/// Posts `m` in `channel` with `nonce` enforced; returns the new message's ID.
async fn post(
    http: &Http,
    rest: &Rest,
    channel: u64,
    m: CreateMessage,
    nonce: String,
) -> Result<Option<u64>, RestError> {
    let m = m.nonce(Nonce::String(nonce)).enforce_nonce(true);
    let call = Call::new(LightMethod::Post, Route::ChannelMessages { channel_id: ChannelId::new(channel) }).json(&m)?;
    Ok(message_id(&rest.send(http, &call).await?))
}

/// Opens (or finds) the DM channel with `user`.
async fn dm_channel(http: &Http, rest: &Rest, user: u64) -> Result<u64, RestError> {
    let body = serde_json::json!({ "recipient_id": user.to_string() });
    let call = Call::new(LightMethod::Post, Route::UserMeDmChannels).json(&body)?;
    message_id(&rest.send(http, &call).await?).ok_or_else(|| RestError::Build("a DM channel without an id".into()))
}

async fn attempt(http: &Http, rest: &Rest, step: &Step) -> Result<Option<u64>, RestError> {
    let nonce = |part| nonce(step, part);
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
                    post(http, rest, *channel, m, nonce('a')).await
                }
                Some(id) => {
                    let m = EditMessage::new()
                        .content(content)
                        .embed(embed(e))
                        .components(components)
                        .allowed_mentions(mentions);
                    let route =
                        Route::ChannelMessage { channel_id: ChannelId::new(*channel), message_id: MessageId::new(*id) };
                    rest.send(http, &Call::new(LightMethod::Patch, route).json(&m)?).await?;
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
            post(http, rest, *channel, m, nonce('a')).await
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
                match dm_channel(http, rest, *customer).await {
                    Ok(private) => match post(http, rest, private, m.clone(), nonce('d')).await {
                        Ok(sent) => return Ok(sent),
                        Err(e) => tracing::info!(error = %e, "follow-up DM refused; asking in the channel"),
                    },
                    Err(e) => tracing::info!(error = %e, "cannot open a DM; asking in the channel"),
                }
            }
            post(http, rest, *channel, m, nonce('a')).await
        }
        Step::Say { channel, text, mention } => {
            let mentions = match mention {
                Some(u) => CreateAllowedMentions::new().users([UserId::new(*u)]).empty_roles(),
                None => no_pings(),
            };
            let m = CreateMessage::new().content(text).allowed_mentions(mentions);
            post(http, rest, *channel, m, nonce('a')).await
        }
        Step::BoundaryReply { channel, message, user, text } => {
            let m = CreateMessage::new()
                .content(text)
                .reference_message((ChannelId::new(*channel), MessageId::new(*message)))
                .allowed_mentions(
                    CreateAllowedMentions::new().users([UserId::new(*user)]).empty_roles().replied_user(true),
                );
            post(http, rest, *channel, m, nonce('a')).await
        }
        Step::Timeout { guild, user, until_unix, reason } => {
            let until = Timestamp::from_unix_timestamp(*until_unix).unwrap_or_else(|_| Timestamp::now());
            let edit = EditMember::new().disable_communication_until_datetime(until);
            let route = Route::GuildMember { guild_id: GuildId::new(*guild), user_id: UserId::new(*user) };
            rest.send(http, &Call::new(LightMethod::Patch, route).json(&edit)?.reason(reason)).await?;
            Ok(None)
        }
        Step::Escalate { channel, roles, content } => {
            let mentions =
                CreateAllowedMentions::new().empty_users().roles(roles.iter().map(|r| serenity::all::RoleId::new(*r)));
            let m = CreateMessage::new().content(content).allowed_mentions(mentions);
            post(http, rest, *channel, m, nonce('a')).await
        }
        Step::Delete { channel, message, reason } => {
            let route =
                Route::ChannelMessage { channel_id: ChannelId::new(*channel), message_id: MessageId::new(*message) };
            rest.send(http, &Call::new(LightMethod::Delete, route).reason(reason)).await?;
            Ok(None)
        }
        Step::Notice { channel, content } => {
            let m = CreateMessage::new().content(content).allowed_mentions(no_pings());
            post(http, rest, *channel, m, nonce('a')).await
        }
    }
}

/// Carries out one step through `rest` (which retries rate limits, 5xx and lost answers,
/// see [`crate::bot::discord::rest`]). A step given up is logged here, once, with where it acted.
pub async fn run(http: &Http, rest: &Rest, step: &Step) -> StepResult {
    match attempt(http, rest, step).await {
        Ok(id) => StepResult::Done(id),
        Err(e @ RestError::Forbidden { .. }) => StepResult::Forbidden(e.to_string()),
        Err(e @ RestError::GaveUp { .. }) => {
            tracing::warn!(step = describe(step), place = %place(step), error = %e, "gave up; Discord kept saying not now");
            StepResult::GaveUp(e.to_string())
        }
        Err(e) => StepResult::Failed(e.to_string()),
    }
}

/// Carries out one step, logging a refusal or failure; the new message's ID when it posted one.
pub async fn run_logged(http: &Http, rest: &Rest, step: &Step) -> Option<u64> {
    match run(http, rest, step).await {
        StepResult::Done(id) => id,
        StepResult::GaveUp(_) => None,
        StepResult::Forbidden(e) | StepResult::Failed(e) => {
            tracing::warn!(error = %e, "could not {}", describe(step));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_fit_discord_and_differ_per_run_and_part() {
        let step = Step::Notice { channel: 1, content: "hello".into() };
        let (a, b, c) = (nonce(&step, 'a'), nonce(&step, 'a'), nonce(&step, 'd'));
        for n in [&a, &b, &c] {
            assert!(n.len() <= 25 && n.is_ascii(), "{n}");
        }
        assert_ne!(a, b, "two runs of an equal step are two messages");
        assert!(c.ends_with('d') && a.ends_with('a'));
    }

    #[test]
    fn a_step_given_up_says_where() {
        let cases = [
            (Step::Notice { channel: 7, content: String::new() }, "channel 7"),
            (Step::Timeout { guild: 1, user: 2, until_unix: 0, reason: String::new() }, "guild 1, member 2"),
        ];
        for (step, want) in cases {
            assert_eq!(place(&step), want);
        }
    }

    #[test]
    fn create_message_answers_give_the_new_id() {
        assert_eq!(message_id(br#"{"id": "123", "content": "x"}"#), Some(123));
        assert_eq!(message_id(b"{}"), None);
        assert_eq!(message_id(b"not json"), None);
    }
}
