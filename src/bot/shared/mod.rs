//! What the running bot shares between event handlers, and the one
//! conversation-state service on it.
//!
//! What lives here: [`Shared`] (the configuration in force, the engine, the
//! database, the REST sender) with the service the message path, the
//! buttons, the commands and the sweeper all call to offer choices, note on
//! a nudge, claim, schedule a follow-up and render a template for a member;
//! [`conversations`] (the state behind it: nudges, claims, offered choices,
//! follow-ups, strikes), [`order`] (each channel's messages judged in gateway order),
//! [`db`] (the database wired into the shell), [`probes`] (what a benchmark
//! or a test may switch on), the shell's one [`clock`] and one lock helper
//! ([`sync`]).
//!
//! May import: [`discord`](crate::bot::discord) (steps, embeds, REST), and
//! the crate's `config`, `core` and `store`; nothing else of the shell.
//! Locks are held for a few statements and never across an `.await`.

pub mod clock;
pub mod conversations;
pub mod db;
pub mod order;
pub mod probes;
pub mod settings;
pub mod sync;

pub use conversations::{Conversations, FollowUp, NudgeRecord, OfferedChoice, MAX_NUDGES};
pub use settings::Settings;

use arc_swap::ArcSwap;
use dashmap::DashSet;

use crate::bot::discord::execute;
use crate::bot::discord::rest::Rest;
use crate::config::{load_all, Config, GuildConfig, GuildSetup};
use crate::core::engine::Engine;
use crate::core::ids::{ChannelId, Conversation, GuildId, MemberId};
use crate::core::policy::{render_choices, Action, UNKNOWN_ISSUE};
use crate::core::template::Vars;
use crate::store::{ChoiceOffer, Event, EventKind};
use clock::now_ms;
use db::Memory;
use probes::Probes;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use sync::lock;

/// State shared by every handler.
#[derive(Debug)]
pub struct Shared {
    /// bot.toml, for reloads.
    pub config_path: Option<PathBuf>,
    /// The configuration in force: read by every handler, replaced whole by a
    /// reload, so an `ArcSwap` (a read is an atomic load, never a lock).
    pub config: ArcSwap<Config>,
    /// The engine (analyzer, tracker, policy): one `&mut` value, so one
    /// mutex, held for a decision and never across an `.await`.
    pub engine: Mutex<Engine>,
    /// The state of conversations: nudges, claims, offered choices, follow-ups, strikes.
    pub conversations: Conversations,
    /// Servers' settings made from Discord, laid over bot.toml.
    pub settings: Settings,
    /// Permission problems already reported: (guild, what failed).
    reported: DashSet<(u64, &'static str)>,
    /// Guilds whose `GUILD_CREATE` has arrived (the cache knows them).
    guilds_ready: DashSet<u64>,
    /// Message events fully handled (judged and acted on, or ignored).
    events_handled: AtomicU64,
    /// What a benchmark or a test asked to note.
    pub probes: Probes,
    /// Each channel's messages judged in the order Discord sent them.
    pub order: Arc<order::Order>,
    /// keel's database, when open (always in `keel run`; tests may go without).
    pub memory: Option<Memory>,
    /// How keel's own REST calls reach Discord (serenity's way unless `[discord]
    /// api_base` is set); counts the calls given up.
    pub rest: Rest,
}

impl Shared {
    /// State for a freshly loaded configuration.
    pub fn new(config_path: Option<PathBuf>, config: Config, engine: Engine) -> Shared {
        Shared {
            config_path,
            config: ArcSwap::from_pointee(config),
            engine: Mutex::new(engine),
            conversations: Conversations::default(),
            settings: Settings::default(),
            reported: DashSet::new(),
            guilds_ready: DashSet::new(),
            events_handled: AtomicU64::new(0),
            probes: Probes::default(),
            order: Arc::default(),
            memory: None,
            rest: Rest::default(),
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
        self.config.load_full()
    }

    /// The settings in force in a guild keel works in: its bot.toml block
    /// with the settings made from Discord, watch-only applied; `None` when
    /// neither configures it, or until they pass the checks of a `[[guild]]`
    /// block (see [`Shared::setup`]).
    pub fn guild(&self, id: u64) -> Option<GuildConfig> {
        let setup = self.setup(id);
        (setup.problems.is_empty() && (setup.base.is_some() || !setup.settings.is_empty())).then_some(setup.in_force)
    }

    /// A guild's configuration with where each value comes from and what
    /// keeps keel from acting there, if anything.
    pub fn setup(&self, id: u64) -> GuildSetup {
        let base = self.config().guilds.iter().find(|g| g.id == id).cloned();
        GuildSetup::new(id, base, self.settings.of(id))
    }

    /// Every guild keel works in: bot.toml's and those set up from Discord.
    pub fn guild_ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self.config().guilds.iter().map(|g| g.id).collect();
        ids.extend(self.settings.guilds());
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Counts a message event as handled.
    pub fn handled(&self) {
        self.events_handled.fetch_add(1, Ordering::SeqCst);
    }

    /// Message events handled so far.
    pub fn handled_count(&self) -> u64 {
        self.events_handled.load(Ordering::SeqCst)
    }

    /// A guild's `GUILD_CREATE` arrived: the cache knows it.
    pub fn guild_ready(&self, guild: u64) {
        self.guilds_ready.insert(guild);
    }

    /// Whether a guild's `GUILD_CREATE` has arrived.
    pub fn is_guild_ready(&self, guild: u64) -> bool {
        self.guilds_ready.contains(&guild)
    }

    /// Loads the configuration again and swaps it in if it is valid; returns the
    /// problems otherwise.
    pub fn reload(&self) -> Result<(), Vec<String>> {
        let loaded = load_all(self.config_path.as_deref())
            .map_err(|e| e.problems().iter().map(std::string::ToString::to_string).collect::<Vec<_>>())?;
        if loaded.config.context != self.config().context {
            tracing::warn!("[context] changed: the context reader's files and settings apply at the next restart");
        }
        {
            let mut engine = lock(&self.engine);
            engine.set_analyzer(Arc::new(loaded.analyzer));
            engine.set_policy(loaded.config.engine.policy.clone());
            engine.set_escalation(loaded.config.engine.escalation.clone());
            engine.set_forecaster(loaded.config.engine.forecaster.clone());
        }
        self.config.store(Arc::new(loaded.config));
        Ok(())
    }

    /// True the first time a problem is reported for (guild, what).
    pub fn first_report(&self, guild: u64, what: &'static str) -> bool {
        self.reported.insert((guild, what))
    }
}

/// The `{user}` and `{issue}` of a member's conversation (`there` and the
/// unknown issue without a member), with `{channel}`.
fn vars_of(engine: &mut Engine, channel: ChannelId, member: Option<MemberId>) -> (String, String) {
    match member {
        Some(m) => (format!("<@{m}>"), engine.issue_label(channel, m)),
        None => ("there".to_string(), UNKNOWN_ISSUE.to_string()),
    }
}

impl Shared {
    /// How long offered choices stay open (`[choices] expire_secs`, in ms).
    pub fn choice_ttl_ms(&self) -> i64 {
        lock(&self.engine).policy().choices.expire_secs as i64 * 1000
    }

    /// Runs `f` under the engine's lock with the template variables of
    /// `member`'s conversation in `channel` (`{channel}` is `channel_name`).
    pub fn for_member<T>(
        &self,
        channel: ChannelId,
        member: Option<MemberId>,
        channel_name: &str,
        f: impl FnOnce(&Engine, &Vars<'_>) -> T,
    ) -> T {
        let mut engine = lock(&self.engine);
        let (user, issue) = vars_of(&mut engine, channel, member);
        f(&engine, &Vars { user: &user, issue: &issue, channel: channel_name })
    }

    /// The choice set `set` rendered for `member` (as an [`Action::OfferChoices`]);
    /// `None` when the pack has no such set.
    pub fn render_choice_set(
        &self,
        channel: ChannelId,
        member: MemberId,
        set: &str,
        channel_name: &str,
    ) -> Option<Action> {
        self.for_member(channel, Some(member), channel_name, |engine, vars| {
            let s = engine.analyzer().pack().choice_sets().iter().find(|s| s.name == set)?;
            Some(render_choices(s, vars))
        })
    }

    /// Choice buttons offered earlier, as the bot shows them: the set rendered
    /// anew from the phrase pack by its name (`None` when the pack no longer has it).
    pub fn offered_from_store(&self, offer: &ChoiceOffer) -> Option<OfferedChoice> {
        let c = offer.conversation;
        let customer = c.member?;
        let Action::OfferChoices { set, prompt, options } =
            self.render_choice_set(c.channel, customer, &offer.set, "")?
        else {
            return None;
        };
        Some(OfferedChoice {
            guild: c.guild,
            channel: c.channel,
            customer,
            set,
            prompt,
            options,
            expires_ms: offer.expires_ms,
        })
    }

    /// Choice buttons were posted as `message` at `at_ms`: remembered until
    /// they are used or expire, and recorded in the database when `record`
    /// (the message path records them with the rest of its batch). Choices
    /// are a customer's: nothing happens for a channel's conversation.
    pub fn choices_posted(&self, about: Conversation, offer: &Action, message: u64, at_ms: i64, record: bool) {
        let Action::OfferChoices { set, prompt, options } = offer else { return };
        let Some(customer) = about.member else { return };
        let expires_ms = at_ms + self.choice_ttl_ms();
        if record {
            if let Some(memory) = &self.memory {
                let kind = EventKind::ChoiceOffered { set: set.clone(), message, expires_ms };
                memory.record(vec![Event::new(about, at_ms, kind)]);
            }
        }
        let offered = OfferedChoice {
            guild: about.guild,
            channel: about.channel,
            customer,
            set: set.clone(),
            prompt: prompt.clone(),
            options: options.clone(),
            expires_ms,
        };
        self.conversations.remember_choice(message, offered);
    }

    /// Adds or replaces a field on the nudge about a conversation, if keel still knows it.
    pub async fn note_on_nudge(
        &self,
        http: &serenity::all::Http,
        g: &GuildConfig,
        about: Conversation,
        name: &str,
        value: &str,
    ) {
        let Some(step) = self.conversations.note_on_nudge(g, about, name, value) else { return };
        execute::run_logged(http, &self.rest, &step).await;
    }

    /// Whether `member` of `guild` may have strikes stored (see [`Conversations`]).
    pub fn may_have_strikes(&self, guild: GuildId, member: MemberId) -> bool {
        self.conversations.may_have_strikes(guild, member)
    }

    /// Notes a strike given to `member` of `guild`.
    pub fn note_strike(&self, guild: GuildId, member: MemberId) {
        self.conversations.note_strike(guild, member);
    }

    /// Schedules a follow-up, replacing one not yet asked for the same
    /// customer and channel: in the database when there is one (so it
    /// survives a restart; the sweeper reads it back when due), else in memory.
    pub fn schedule_followup(&self, f: FollowUp) {
        if let Some(memory) = &self.memory {
            memory.record(vec![Event::new(
                f.conversation(),
                now_ms(),
                EventKind::FollowupScheduled { due_ms: f.due_ms },
            )]);
            return;
        }
        self.conversations.keep_followup(f);
    }
}
