//! Step 1: what keel needs to judge a message, gathered before its turn.
//!
//! Facts from serenity's cache (is the channel watched, who is the author),
//! the strikes stored for a customer seen for the first time, and the
//! context reader's reading: the work that does not depend on the order of
//! the channel's messages, done before [`Ticket::wait`](crate::bot::shared::order::Ticket::wait).

use crate::bot::discord::members::{self, protection, role_of, Protected};
use crate::bot::message::incoming::Incoming;
use crate::bot::shared::sync::lock;
use crate::bot::shared::Shared;
use crate::config::GuildConfig;
use crate::core::context::{NotRead, Reading};
use crate::core::ids;
use crate::core::Role;
use crate::store::Strike;
use serenity::all::{Cache, ChannelId};

/// A message with everything keel needs to judge it.
#[derive(Debug)]
pub struct Prepared<'a> {
    /// The server's settings.
    pub guild: GuildConfig,
    /// The channel.
    pub channel: ids::ChannelId,
    /// The channel's name (`support`).
    pub channel_name: String,
    /// The message.
    pub message: u64,
    /// Its author.
    pub author: ids::MemberId,
    /// Its text.
    pub text: &'a str,
    /// When (Unix ms, Discord's timestamp).
    pub at_ms: i64,
    /// It is an edit.
    pub edited: bool,
    /// The author's role in the conversation.
    pub role: Role,
    /// Why keel must never time the author out, if so.
    pub protected: Option<Protected>,
    /// The strikes stored before, for a customer whose conversation keel does not track yet.
    pub stored_strikes: Option<Vec<Strike>>,
    /// The context reader's reading (or why it did not read the message).
    pub reading: Reading,
}

impl Prepared<'_> {
    /// The author's conversation in the channel.
    pub fn conversation(&self) -> ids::Conversation {
        ids::Conversation::member(ids::GuildId(self.guild.id), self.channel, self.author)
    }

    /// The author is a customer (not staff, not a moderator).
    pub fn customer(&self) -> bool {
        !self.role.is_team()
    }
}

/// Facts about a message's place and author, read from the cache.
#[derive(Debug)]
struct Facts {
    channel_name: String,
    role: Role,
    protected: Option<Protected>,
}

/// Reads what keel needs from the cache; `None` when the channel is not
/// watched or the guild is not cached yet.
fn facts(cache: &Cache, g: &GuildConfig, m: &Incoming<'_>) -> Option<Facts> {
    let bot_id = cache.current_user().id;
    let guild = cache.guild(m.guild)?;
    let channel = guild.channels.get(&m.channel).or_else(|| guild.threads.iter().find(|t| t.id == m.channel))?;
    let watched_id = |id: ChannelId| g.watch_channels.contains(&id.get());
    let in_category =
        |c: &serenity::all::GuildChannel| c.parent_id.is_some_and(|p| g.watch_categories.contains(&p.get()));
    let watched = watched_id(channel.id)
        || in_category(channel)
        || channel.parent_id.is_some_and(|p| watched_id(p) || guild.channels.get(&p).is_some_and(in_category));
    if !watched {
        return None;
    }
    let (member, bot_top) = members::from_cache(&guild, m.author.id, &m.roles, bot_id);
    Some(Facts {
        channel_name: channel.name.clone(),
        role: role_of(g, &member),
        protected: protection(g, &member, bot_top),
    })
}

/// Gathers what judging `m` needs; `None` when keel does not judge it (a
/// server keel is not configured for, an unwatched channel, a guild not cached yet).
pub async fn prepare<'a>(shared: &Shared, cache: &Cache, m: &Incoming<'a>) -> Option<Prepared<'a>> {
    let g = shared.guild(m.guild.get())?;
    let f = facts(cache, &g, m)?;
    let (channel, author, at_ms) =
        (ids::ChannelId(m.channel.get()), ids::MemberId(m.author.id.get()), m.at.timestamp_millis());
    // A customer's conversation seen for the first time (since a restart,
    // or since it went idle) continues with the strikes stored before.
    let customer = !f.role.is_team();
    let stored_strikes = match &shared.memory {
        Some(memory)
            if customer
                && shared.may_have_strikes(ids::GuildId(g.id), author)
                && !lock(&shared.engine).tracker().is_tracked(channel, author, at_ms) =>
        {
            let window_ms = shared.config().engine.escalation.strike_window_secs as i64 * 1000;
            let guild = g.id;
            memory.read("read strikes", move |s| s.strikes(guild, author.get(), at_ms - window_ms)).await
        }
        _ => None,
    };
    // The context reader takes milliseconds: it reads off the engine's
    // lock, on a blocking thread, and only what the phrases leave open.
    let reading = if customer { read(shared, m.text).await } else { Reading::TEAM };
    Some(Prepared {
        guild: g,
        channel,
        channel_name: f.channel_name,
        message: m.message,
        author,
        text: m.text,
        at_ms,
        edited: m.edited,
        role: f.role,
        protected: f.protected,
        stored_strikes,
        reading,
    })
}

/// The context reader's reading of a customer's message, when there is a
/// reader and the phrases alone do not already find the message hostile.
async fn read(shared: &Shared, text: &str) -> Reading {
    let (reader, analyzer) = {
        let engine = lock(&shared.engine);
        let Some(reader) = engine.reader().cloned() else { return Reading::Off };
        (reader, engine.analyzer().clone())
    };
    let text = text.to_owned();
    let task = tokio::task::spawn_blocking(move || reader.reading(Role::Customer, &analyzer.analyze(&text, 0.0)));
    match task.await {
        Ok(Reading::NotRead(NotRead::Failed(e))) => {
            tracing::warn!(error = %e, "context reader failed; judged by phrases alone");
            Reading::NotRead(NotRead::Failed(e))
        }
        Ok(reading) => reading,
        Err(e) => {
            tracing::error!(error = %e, "context reader task failed; judged by phrases alone");
            Reading::NotRead(NotRead::Failed(e.to_string()))
        }
    }
}
