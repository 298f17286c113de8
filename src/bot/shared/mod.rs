//! What the running bot shares between event handlers.
//!
//! Locks are plain `std` mutexes held for a few statements and never across
//! an `.await` (see [`crate::bot::shared::sync::lock`]).

pub mod clock;
pub mod db;
pub mod order;
pub mod sync;

use crate::bot::discord::execute;
use crate::bot::discord::plan::Step;
use crate::bot::discord::plan::{EarlierNudge, Embed};
use crate::bot::discord::rest::Rest;
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::db::Memory;
use crate::bot::shared::sync::lock;
use crate::config::{Config, GuildConfig};
use crate::core::engine::Engine;
use crate::store::{Conversation, Event, EventKind};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

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
    pub guild: u64,
    /// The channel they were posted in.
    pub channel: u64,
    /// The only member who may choose.
    pub customer: u64,
    /// The choice set's name.
    pub set: String,
    /// The question, rendered.
    pub prompt: String,
    /// (label, reply, calls a person), rendered.
    pub options: Vec<(String, String, bool)>,
    /// When they stop working (Unix ms).
    pub expires_ms: i64,
}

/// A follow-up keel owes a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    /// The server.
    pub guild: u64,
    /// Where to ask.
    pub channel: u64,
    /// Whom to ask.
    pub customer: u64,
    /// When (Unix ms).
    pub due_ms: i64,
}

/// The conversation a nudge is about: (guild, channel, author; 0 for the channel as a whole).
pub type ConversationKey = (u64, u64, u64);

/// State shared by every handler.
#[derive(Debug)]
pub struct Shared {
    /// bot.toml, for reloads.
    pub config_path: Option<PathBuf>,
    /// The configuration in force.
    pub config: RwLock<Arc<Config>>,
    /// The engine (analyzer, tracker, policy).
    pub engine: Mutex<Engine>,
    /// Nudges that later escalations edit.
    pub nudges: Mutex<HashMap<ConversationKey, NudgeRecord>>,
    /// Permission problems already reported: (guild, what failed).
    pub reported: Mutex<HashSet<(u64, &'static str)>>,
    /// Guilds whose GUILD_CREATE has arrived (the cache knows them).
    pub guilds_ready: Mutex<HashSet<u64>>,
    /// Message events fully handled (judged and acted on, or ignored).
    pub events_handled: AtomicU64,
    /// Choice messages still open: message ID → what was offered.
    pub choices: Mutex<HashMap<u64, OfferedChoice>>,
    /// Follow-ups not yet asked.
    pub followups: Mutex<Vec<FollowUp>>,
    /// Conversations a moderator claimed: conversation → moderator.
    pub claims: Mutex<HashMap<ConversationKey, u64>>,
    /// When set (by a benchmark), the time each MESSAGE_CREATE reached the handler.
    pub receipts: Mutex<Option<HashMap<u64, std::time::Instant>>>,
    /// When set (by a test), the (channel, message) of each message judged, in the order judged.
    pub judged: Mutex<Option<Vec<(u64, u64)>>>,
    /// Each channel's messages judged in the order Discord sent them.
    pub order: Arc<crate::bot::shared::order::Order>,
    /// keel's database, when open (always in `keel run`; tests may go without).
    pub memory: Option<Memory>,
    /// (guild, member) that may have stored strikes: read from the database
    /// at launch and grown with every strike since. A customer not in it is
    /// not looked up (`None`: not known yet, always look up).
    pub struck: Mutex<Option<HashSet<(u64, u64)>>>,
    /// How keel's own REST calls reach Discord (serenity's way unless `[discord]
    /// api_base` is set); counts the calls given up.
    pub rest: Rest,
}

impl Shared {
    /// State for a freshly loaded configuration.
    pub fn new(config_path: Option<PathBuf>, config: Config, engine: Engine) -> Shared {
        Shared {
            config_path,
            config: RwLock::new(Arc::new(config)),
            engine: Mutex::new(engine),
            nudges: Mutex::new(HashMap::new()),
            reported: Mutex::new(HashSet::new()),
            guilds_ready: Mutex::new(HashSet::new()),
            events_handled: AtomicU64::new(0),
            receipts: Mutex::new(None),
            judged: Mutex::new(None),
            order: Arc::default(),
            choices: Mutex::new(HashMap::new()),
            claims: Mutex::new(HashMap::new()),
            followups: Mutex::new(Vec::new()),
            memory: None,
            struck: Mutex::new(None),
            rest: Rest::default(),
        }
    }

    /// Whether `member` of `guild` may have strikes stored (see [`Shared::struck`]).
    pub fn may_have_strikes(&self, guild: u64, member: u64) -> bool {
        lock(&self.struck).as_ref().is_none_or(|s| s.contains(&(guild, member)))
    }

    /// Notes a strike given to `member` of `guild`.
    pub fn note_strike(&self, guild: u64, member: u64) {
        if let Some(s) = lock(&self.struck).as_mut() {
            s.insert((guild, member));
        }
    }

    /// The same state, remembering in `memory`.
    pub fn with_memory(self, memory: Memory) -> Shared {
        Shared { memory: Some(memory), ..self }
    }

    /// The same state, sending keel's REST calls through `rest`.
    pub fn with_rest(self, rest: Rest) -> Shared {
        Shared { rest, ..self }
    }

    /// The configuration in force.
    pub fn config(&self) -> Arc<Config> {
        self.config.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The settings of a guild keel works in.
    pub fn guild(&self, id: u64) -> Option<GuildConfig> {
        self.config().guilds.iter().find(|g| g.id == id).cloned()
    }

    /// Remembers a nudge, forgetting the oldest beyond [`MAX_NUDGES`].
    pub fn remember_nudge(&self, key: ConversationKey, record: NudgeRecord) {
        let mut nudges = lock(&self.nudges);
        if nudges.len() >= MAX_NUDGES && !nudges.contains_key(&key) {
            if let Some(oldest) = nudges.iter().min_by_key(|(_, r)| r.earlier.posted_ms).map(|(k, _)| *k) {
                nudges.remove(&oldest);
            }
        }
        nudges.insert(key, record);
    }

    /// Counts a message event as handled.
    pub fn handled(&self) {
        self.events_handled.fetch_add(1, Ordering::SeqCst);
    }

    /// Message events handled so far.
    pub fn handled_count(&self) -> u64 {
        self.events_handled.load(Ordering::SeqCst)
    }

    /// Remembers choice buttons, forgetting expired ones.
    pub fn remember_choice(&self, message: u64, offered: OfferedChoice) {
        let mut choices = lock(&self.choices);
        let now = offered.expires_ms;
        if choices.len() >= MAX_NUDGES {
            choices.retain(|_, c| c.expires_ms > now - 24 * 3_600_000);
        }
        choices.insert(message, offered);
    }

    /// Schedules a follow-up, replacing one not yet asked for the same
    /// customer and channel: in the database when there is one (so it
    /// survives a restart; the sweeper reads it back when due), else in memory.
    pub fn schedule_followup(&self, f: FollowUp) {
        if let Some(memory) = &self.memory {
            let conversation = Conversation::new(f.guild, f.channel, f.customer);
            let at_ms = now_ms();
            memory.record(vec![Event::new(conversation, at_ms, EventKind::FollowupScheduled { due_ms: f.due_ms })]);
            return;
        }
        let mut all = lock(&self.followups);
        all.retain(|o| !(o.guild == f.guild && o.channel == f.channel && o.customer == f.customer));
        if all.len() < MAX_NUDGES {
            all.push(f);
        }
    }

    /// Removes and returns the follow-ups due at `now_ms`.
    pub fn take_due_followups(&self, now_ms: i64) -> Vec<FollowUp> {
        let mut all = lock(&self.followups);
        let (due, later): (Vec<FollowUp>, Vec<FollowUp>) = all.drain(..).partition(|f| f.due_ms <= now_ms);
        *all = later;
        due
    }

    /// Adds or replaces a field on the nudge about a conversation, if keel still knows it.
    pub async fn note_on_nudge(
        &self,
        http: &serenity::all::Http,
        g: &GuildConfig,
        channel: u64,
        author: u64,
        name: &str,
        value: &str,
    ) {
        let key = (g.id, channel, author);
        let step = {
            let mut nudges = lock(&self.nudges);
            let Some(record) = nudges.get_mut(&key) else { return };
            record.embed.fields.retain(|f| f.0 != name);
            record.embed.fields.push((name.to_string(), value.to_string()));
            Step::Nudge {
                channel: g.moderator_channel,
                edit: Some(record.earlier.message),
                embed: record.embed.clone(),
                about: (channel, author),
                buttons: true,
                ping: None,
            }
        };
        execute::run_logged(http, &self.rest, &step).await;
    }

    /// True the first time a problem is reported for (guild, what).
    pub fn first_report(&self, guild: u64, what: &'static str) -> bool {
        lock(&self.reported).insert((guild, what))
    }
}
