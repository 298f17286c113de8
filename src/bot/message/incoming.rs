//! What arrived: a guild message from a person, created or edited.
//!
//! Bots, webhooks and DMs are dropped here; everything after this works on
//! an [`Incoming`].

use serenity::all::{ChannelId, GuildId, Message, MessageUpdateEvent, RoleId, Timestamp, User};

/// A message to judge, from `MESSAGE_CREATE` or `MESSAGE_UPDATE`.
#[derive(Debug)]
pub struct Incoming<'a> {
    /// The server.
    pub guild: GuildId,
    /// The channel (or thread).
    pub channel: ChannelId,
    /// The message.
    pub message: u64,
    /// Its author.
    pub author: &'a User,
    /// The author's roles, as the event carries them.
    pub roles: Vec<RoleId>,
    /// Its text.
    pub text: &'a str,
    /// When it was sent (or edited).
    pub at: Timestamp,
    /// It is an edit (`MESSAGE_UPDATE`).
    pub edited: bool,
}

impl<'a> Incoming<'a> {
    /// A new message, unless it is a DM or from a bot or a webhook.
    pub fn created(msg: &'a Message) -> Option<Incoming<'a>> {
        let guild = msg.guild_id?;
        if msg.author.bot || msg.webhook_id.is_some() {
            return None;
        }
        Some(Incoming {
            guild,
            channel: msg.channel_id,
            message: msg.id.get(),
            author: &msg.author,
            roles: msg.member.as_ref().map(|m| m.roles.clone()).unwrap_or_default(),
            text: &msg.content,
            at: msg.timestamp,
            edited: false,
        })
    }

    /// An edited message, unless it is a DM, from a bot or a webhook, or the
    /// edit does not carry its author and text.
    pub fn edited(event: &'a MessageUpdateEvent) -> Option<Incoming<'a>> {
        let (Some(guild), Some(author), Some(text)) = (event.guild_id, event.author.as_ref(), event.content.as_deref())
        else {
            return None;
        };
        if author.bot || matches!(event.webhook_id, Some(Some(_))) {
            return None;
        }
        let roles = match &event.member {
            Some(Some(m)) => m.roles.clone(),
            _ => Vec::new(),
        };
        Some(Incoming {
            guild,
            channel: event.channel_id,
            message: event.id.get(),
            author,
            roles,
            text,
            at: event.edited_timestamp.unwrap_or_else(Timestamp::now),
            edited: true,
        })
    }
}
