//! The state of conversations the shell shares, behind one service.
//!
//! The message path, the buttons, the commands and the sweeper all call
//! here to offer choices, remember and note on nudges, claim, schedule
//! follow-ups and render a template for a member; none of them touches
//! the maps directly. [`Conversations`] holds the maps: `DashMap`s, which
//! lock one shard per operation, so handlers touching different
//! conversations never wait on each other (no guard is held across an
//! `.await`, nor while another operation on the same map runs); the methods
//! that also need the engine or the database are on
//! [`Shared`](crate::bot::shared::Shared).

use crate::bot::discord::custom_id::Component;
use crate::bot::discord::plan::{EarlierNudge, Embed, Step};
use crate::bot::shared::sync::lock;
use crate::config::GuildConfig;
use crate::core::ids::{ChannelId, Conversation, GuildId, MemberId};
use crate::core::Level;
use dashmap::{DashMap, DashSet};
use std::sync::{Mutex, OnceLock};

/// Most nudges remembered for editing; the oldest are forgotten first.
pub const MAX_NUDGES: usize = 10_000;

/// A nudge keel posted, kept so later escalations edit it.
#[derive(Debug, Clone)]
pub struct NudgeRecord {
    /// Where and when, and for which level.
    pub earlier: EarlierNudge,
    /// The message the nudge was about.
    pub about_message: u64,
    /// The script's customer-facing line, rendered.
    pub say: String,
    /// What the nudge shows.
    pub embed: Embed,
}

/// Choice buttons keel posted, kept until they are used or expire.
#[derive(Debug, Clone)]
pub struct OfferedChoice {
    /// The server.
    pub guild: GuildId,
    /// The channel they were posted in.
    pub channel: ChannelId,
    /// The only member who may choose.
    pub customer: MemberId,
    /// The choice set's name.
    pub set: String,
    /// The question, rendered.
    pub prompt: String,
    /// (label, reply, calls a person), rendered.
    pub options: Vec<(String, String, bool)>,
    /// When they stop working (Unix ms).
    pub expires_ms: i64,
}

impl OfferedChoice {
    /// The customer's conversation the choices were offered in.
    pub fn conversation(&self) -> Conversation {
        Conversation::member(self.guild, self.channel, self.customer)
    }

    /// The `custom_id` and label of each option's button.
    pub fn button_ids(&self) -> Vec<(String, String)> {
        self.options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                (
                    Component::Choice { set: self.set.clone(), option: i, customer: self.customer.get() }.id(),
                    o.0.clone(),
                )
            })
            .collect()
    }

    /// What the choice message says once the options have expired.
    pub fn expired_text(&self) -> String {
        format!("{}\n*These options have expired; the team will follow up with you here.*", self.prompt)
    }
}

/// The note on the nudge when offered choices expire unused: (field, value).
pub const EXPIRED_NOTE: (&str, &str) = ("Choices", "The offered choices expired unused.");

/// A follow-up keel owes a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    /// The server.
    pub guild: GuildId,
    /// Where to ask.
    pub channel: ChannelId,
    /// Whom to ask.
    pub customer: MemberId,
    /// When (Unix ms).
    pub due_ms: i64,
}

impl FollowUp {
    /// The customer's conversation it belongs to.
    pub fn conversation(&self) -> Conversation {
        Conversation::member(self.guild, self.channel, self.customer)
    }
}

/// A nudge that was just posted or edited, for [`Conversations::nudge_posted`].
#[derive(Debug, Clone, Copy)]
pub struct PostedNudge<'a> {
    /// The nudge's message.
    pub message: u64,
    /// It edited an earlier nudge rather than posting a new one.
    pub edited: bool,
    /// The message it is about.
    pub about_message: u64,
    /// What it shows.
    pub embed: &'a Embed,
    /// The script line and level of the engine's nudge action; `None` for
    /// a note on a nudge (which keeps the line and level it had).
    pub shows: Option<(&'a str, Level)>,
    /// The earlier nudge the plan knew of.
    pub earlier: Option<EarlierNudge>,
    /// The author's level now (for a note on a nudge keel knows nothing of).
    pub level: Level,
    /// When (Unix ms).
    pub at_ms: i64,
}

/// The maps of conversation state.
#[derive(Debug, Default)]
pub struct Conversations {
    /// Nudges that later escalations edit.
    nudges: DashMap<Conversation, NudgeRecord>,
    /// Choice messages still open: message ID → what was offered.
    choices: DashMap<u64, OfferedChoice>,
    /// Follow-ups not yet asked (only without a database): a short list
    /// drained as a whole by the sweeper, so one plain mutex.
    followups: Mutex<Vec<FollowUp>>,
    /// Conversations a moderator claimed: conversation → moderator.
    claims: DashMap<Conversation, u64>,
    /// (guild, member) that may have stored strikes: read from the database
    /// at launch and grown with every strike since. A customer not in it is
    /// not looked up (not set yet: always look up).
    struck: OnceLock<DashSet<(GuildId, MemberId)>>,
}

impl Conversations {
    /// The nudge remembered for a conversation.
    pub fn nudge(&self, key: &Conversation) -> Option<NudgeRecord> {
        self.nudges.get(key).map(|r| r.clone())
    }

    /// Remembers a nudge, forgetting the oldest beyond [`MAX_NUDGES`].
    pub fn remember_nudge(&self, key: Conversation, record: NudgeRecord) {
        if self.nudges.len() >= MAX_NUDGES && !self.nudges.contains_key(&key) {
            let oldest = self.nudges.iter().min_by_key(|r| r.earlier.posted_ms).map(|r| *r.key());
            if let Some(oldest) = oldest {
                self.nudges.remove(&oldest);
            }
        }
        self.nudges.insert(key, record);
    }

    /// Replaces what a remembered nudge shows (after a click changed it).
    pub fn set_nudge_embed(&self, key: &Conversation, embed: &Embed) {
        if let Some(mut r) = self.nudges.get_mut(key) {
            r.embed = embed.clone();
        }
    }

    /// Remembers a nudge just posted or edited, at the level it shows, as the
    /// database remembers it; a note on a nudge keeps the level and line it had.
    pub fn nudge_posted(&self, key: Conversation, n: PostedNudge<'_>) {
        let known = self.nudges.get(&key).map(|r| (r.earlier, r.say.clone()));
        let known_earlier = known.as_ref().map(|k| k.0).or(n.earlier);
        let (say, level) = match n.shows {
            Some((say, level)) => (say.to_string(), level),
            None => (known.map(|k| k.1).unwrap_or_default(), known_earlier.map_or(n.level, |e| e.level)),
        };
        // An edit keeps the original nudge's time, so the cooldown runs from the first post.
        let posted_ms = if n.edited { known_earlier.map_or(n.at_ms, |e| e.posted_ms) } else { n.at_ms };
        let earlier = EarlierNudge { message: n.message, posted_ms, level };
        let record = NudgeRecord { earlier, about_message: n.about_message, say, embed: n.embed.clone() };
        self.remember_nudge(key, record);
    }

    /// The edit of the nudge about `message` saying the message was edited
    /// and no longer reads as hostile (once).
    pub fn defused_edit_note(&self, g: &GuildConfig, about: Conversation, message: u64) -> Option<Step> {
        let r = self.nudges.get(&about).filter(|r| r.about_message == message)?;
        let mut embed = r.embed.clone();
        if embed.description.contains("edited and no longer") {
            return None;
        }
        embed.description.push_str("\nThe message was edited and no longer reads as hostile.");
        Some(Step::Nudge {
            channel: g.moderator_channel,
            edit: Some(r.earlier.message),
            embed,
            about,
            buttons: true,
            ping: None,
        })
    }

    /// The edit that adds or replaces a field on the nudge about a
    /// conversation (remembered with it), if keel still knows the nudge.
    pub fn note_on_nudge(&self, g: &GuildConfig, about: Conversation, name: &str, value: &str) -> Option<Step> {
        let mut record = self.nudges.get_mut(&about)?;
        record.embed.fields.retain(|f| f.0 != name);
        record.embed.fields.push((name.to_string(), value.to_string()));
        Some(Step::Nudge {
            channel: g.moderator_channel,
            edit: Some(record.earlier.message),
            embed: record.embed.clone(),
            about,
            buttons: true,
            ping: None,
        })
    }

    /// The moderator who claimed a conversation.
    pub fn claimed_by(&self, key: &Conversation) -> Option<u64> {
        self.claims.get(key).map(|m| *m)
    }

    /// Notes that `moderator` claimed a conversation.
    pub fn claim(&self, key: Conversation, moderator: u64) {
        self.claims.insert(key, moderator);
    }

    /// Forgets a conversation's claim (its case closed).
    pub fn unclaim(&self, key: &Conversation) {
        self.claims.remove(key);
    }

    /// The choice buttons open on a message.
    pub fn choice(&self, message: u64) -> Option<OfferedChoice> {
        self.choices.get(&message).map(|c| c.clone())
    }

    /// Remembers choice buttons, forgetting expired ones.
    pub fn remember_choice(&self, message: u64, offered: OfferedChoice) {
        let now = offered.expires_ms;
        if self.choices.len() >= MAX_NUDGES {
            self.choices.retain(|_, c| c.expires_ms > now - 24 * 3_600_000);
        }
        self.choices.insert(message, offered);
    }

    /// Forgets the choice buttons on a message (used or stale).
    pub fn forget_choice(&self, message: u64) {
        self.choices.remove(&message);
    }

    /// Removes and returns the choices expired at `now_ms`.
    pub fn take_expired_choices(&self, now_ms: i64) -> Vec<(u64, OfferedChoice)> {
        let expired: Vec<u64> = self.choices.iter().filter(|c| c.expires_ms <= now_ms).map(|c| *c.key()).collect();
        // Removed one by one: a click removing the same choice meanwhile wins, and it is not expired twice.
        expired.into_iter().filter_map(|id| self.choices.remove(&id)).collect()
    }

    /// Keeps a follow-up in memory (without a database), replacing one not
    /// yet asked for the same customer and channel.
    pub fn keep_followup(&self, f: FollowUp) {
        let mut all = lock(&self.followups);
        all.retain(|o| o.conversation() != f.conversation());
        if all.len() < MAX_NUDGES {
            all.push(f);
        }
    }

    /// Removes and returns the follow-ups kept in memory that are due at `now_ms`.
    pub fn take_due_followups(&self, now_ms: i64) -> Vec<FollowUp> {
        let mut all = lock(&self.followups);
        let (due, later): (Vec<FollowUp>, Vec<FollowUp>) = all.drain(..).partition(|f| f.due_ms <= now_ms);
        *all = later;
        due
    }

    /// Whether `member` of `guild` may have strikes stored.
    pub fn may_have_strikes(&self, guild: GuildId, member: MemberId) -> bool {
        self.struck.get().is_none_or(|s| s.contains(&(guild, member)))
    }

    /// Notes a strike given to `member` of `guild`.
    pub fn note_strike(&self, guild: GuildId, member: MemberId) {
        if let Some(s) = self.struck.get() {
            s.insert((guild, member));
        }
    }

    /// The members with stored strikes, as read at launch (once; later calls change nothing).
    pub fn set_struck(&self, struck: impl IntoIterator<Item = (GuildId, MemberId)>) {
        let _ = self.struck.set(struck.into_iter().collect());
    }
}
