//! The [`Tracker`]: two LRU tables of conversations and the update rules
//! that tie an author's conversation to its channel's (formulas in the
//! [module documentation](super)).

use super::conv::{reset_boundary_tier, AuthorConv, ChannelConv, Strikes};
use super::heat::{self, decay, ticks, unit, Params, POLITENESS_COOLING};
use super::key_hash::KeyHash;
use super::{ActionMemo, ConversationState, ConversationView, EscalationConfig, Observation, CROSS_HEAT};
use crate::core::forecast::{ForecastModel, ForecastState};
use crate::core::ids::{ChannelId, MemberId};
use crate::core::Level;
use lru::LruCache;

/// Tracks every conversation's heat; bounded in memory.
///
/// ```
/// use keel::core::escalation::{EscalationConfig, Observation, Tracker};
/// use keel::core::ids::{ChannelId, MemberId};
/// use keel::core::Level;
///
/// let mut tracker = Tracker::new(EscalationConfig::default());
/// let angry = Observation { score: 0.4, ..Observation::default() };
/// let (support, maya) = (ChannelId(1), MemberId(7));
/// let first = tracker.observe_customer(0, support, maya, &angry);
/// let second = tracker.observe_customer(10_000, support, maya, &angry);
/// assert_eq!(first.level, Level::Tense);
/// assert_eq!(second.level, Level::Heated);
/// assert!(second.trend > 0.0);
/// ```
pub struct Tracker {
    config: EscalationConfig,
    params: Params,
    /// Unix ms of tick 0: the first customer message observed.
    base_ms: Option<i64>,
    authors: LruCache<(ChannelId, MemberId), AuthorConv, KeyHash>,
    channels: LruCache<ChannelId, ChannelConv, KeyHash>,
    forecaster: Option<ForecastModel>,
}

impl std::fmt::Debug for Tracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracker")
            .field("config", &self.config)
            .field("base_ms", &self.base_ms)
            .field("authors", &self.authors.len())
            .field("channels", &self.channels.len())
            .finish_non_exhaustive()
    }
}

impl Tracker {
    /// A tracker with the given settings.
    ///
    /// A `max_conversations` of 0 is treated as 1. Tables start empty and
    /// grow with use.
    pub fn new(config: EscalationConfig) -> Self {
        Tracker {
            params: Params::new(&config),
            config,
            base_ms: None,
            authors: LruCache::unbounded_with_hasher(KeyHash::default()),
            channels: LruCache::unbounded_with_hasher(KeyHash::default()),
            forecaster: None,
        }
    }

    /// The forecast states of `author`'s conversation in `channel` and of
    /// the channel as a whole (`NEW` for one not tracked), for training and
    /// explaining the forecaster.
    pub fn forecast_states(&self, channel: ChannelId, author: MemberId) -> (ForecastState, ForecastState) {
        let author = self.authors.peek(&(channel, author)).map_or(ForecastState::NEW, |a| a.forecast);
        let channel = self.channels.peek(&channel).map_or(ForecastState::NEW, |c| c.forecast);
        (author, channel)
    }

    /// Sets (or removes) the model that turns each conversation's forecast
    /// state into its forecast; without one every forecast is 0. The states
    /// are kept either way, so a model set later forecasts at once.
    pub fn set_forecaster(&mut self, model: Option<ForecastModel>) {
        self.forecaster = model;
    }

    /// The settings in force.
    pub fn config(&self) -> &EscalationConfig {
        &self.config
    }

    /// Replaces the settings (a reload), keeping every conversation; a
    /// smaller `max_conversations` takes effect at the next observation.
    pub fn set_config(&mut self, config: EscalationConfig) {
        self.params = Params::new(&config);
        self.config = config;
    }

    /// Messages per minute from this author in this channel before `now_ms`.
    ///
    /// Read from a counter that adds 1 per observed message and decays with
    /// `rate_half_life_secs`: `count × 2^(−Δt/h) × ln 2 / h × 60`, which
    /// equals the true rate for a steady stream. Call it before
    /// [`observe_customer`](Self::observe_customer) for the message at
    /// `now_ms`, so that message is not counted. 0 for an unknown or idle
    /// conversation.
    pub fn message_rate(&self, channel: ChannelId, author: MemberId, now_ms: i64) -> f32 {
        let Some(base) = self.base_ms else { return 0.0 };
        let now = ticks(base, now_ms);
        let p = &self.params;
        match self.authors.peek(&(channel, author)) {
            Some(a) if !p.idle(a.heat.last, now) && p.rate_lambda.is_finite() => {
                let count = a.rate * decay(now.saturating_sub(a.heat.last), p.rate_lambda);
                let per_sec = p.rate_lambda * 1000.0 / heat::TICK_MS as f64;
                (f64::from(count) * per_sec * 60.0) as f32
            }
            _ => 0.0,
        }
    }

    /// Records a customer message and returns the conversation's new state.
    ///
    /// Evicts idle conversations first, then updates (or starts) the
    /// author's conversation and the channel's, evicting the least recently
    /// active ones beyond `max_conversations`.
    pub fn observe_customer(
        &mut self,
        now_ms: i64,
        channel: ChannelId,
        author: MemberId,
        obs: &Observation,
    ) -> ConversationState {
        let base = *self.base_ms.get_or_insert(now_ms);
        let now = ticks(base, now_ms);
        self.evict_idle_at(now);
        let p = self.params;

        let score = unit(obs.score);
        let cue = if obs.cue.is_nan() { 0.0 } else { obs.cue.clamp(-1.0, 1.0) };
        let cooling = unit(obs.cooling);
        let contribution = unit(score + cue);
        let politeness = POLITENESS_COOLING * (-cue).max(0.0);

        // The author's conversation.
        let a = entry(&mut self.authors, (channel, author), now, &p, |a| a.heat.last);
        let previous_level = a.heat.level;
        a.count_message(now, &p);
        a.heat.add(now, contribution, (1.0 - cooling) * (1.0 - politeness), &p);
        a.push_score(score);
        a.forecast.customer(&obs.cues);
        let author_forecast = a.forecast;
        if obs.abusive {
            a.strikes.push(now, p.strike_window);
        }
        let last_boundary = memo_tick(base, a.memo.last_boundary_ms);
        reset_boundary_tier(&mut a.memo, a.strikes.newest(), last_boundary, now, p.strike_window);
        let author_heat = a.heat;
        let strikes = a.strikes.count(now, p.strike_window);

        // The channel's conversation.
        let c = entry(&mut self.channels, channel, now, &p, |c| c.heat.last);
        let previous_channel_level = c.heat.level;
        let others = c.hot.others(author, now, p.hot_window) as f32;
        let boosted = (contribution * (1.0 + CROSS_HEAT * others)).min(1.0);
        let keep = (1.0 - cooling / (1.0 + others)) * (1.0 - politeness / (1.0 + others));
        c.heat.add(now, boosted, keep, &p);
        c.hot.set(author, now, author_heat.heat >= p.tense_at);
        c.last_customer = Some(author);
        c.forecast.customer(&obs.cues);
        let channel_forecast = c.forecast;
        if obs.abusive {
            c.last_strike = Some(now);
        }
        let last_boundary = memo_tick(base, c.memo.last_boundary_ms);
        reset_boundary_tier(&mut c.memo, c.last_strike, last_boundary, now, p.strike_window);

        ConversationState {
            level: author_heat.level,
            previous_level,
            channel_level: c.heat.level,
            previous_channel_level,
            heat: author_heat.heat,
            channel_heat: c.heat.heat,
            trend: author_heat.trend,
            strikes,
            forecast: forecast(self.forecaster.as_ref(), &author_forecast),
            channel_forecast: forecast(self.forecaster.as_ref(), &channel_forecast),
        }
    }

    /// Records a staff or moderator message; `acknowledgement` (0–1) is how
    /// much it acknowledges or apologizes. Never raises a level.
    ///
    /// The channel's conversation and that of its most recent customer are
    /// multiplied by `1 − staff_cooling × acknowledgement` and their levels
    /// re-evaluated (down at most one level). The returned channel fields
    /// describe the channel, the author fields that last customer's
    /// conversation (defaults when there is none); `author`, the team member,
    /// is not tracked. An unknown channel is not created.
    pub fn observe_team(
        &mut self,
        now_ms: i64,
        channel: ChannelId,
        author: MemberId,
        acknowledgement: f32,
    ) -> ConversationState {
        let _ = author;
        let Some(base) = self.base_ms else {
            return ConversationState::default();
        };
        let now = ticks(base, now_ms);
        self.evict_idle_at(now);
        let p = self.params;
        let keep = 1.0 - p.staff_cooling * unit(acknowledgement);

        let Some(c) = self.channels.peek_mut(&channel) else {
            return ConversationState::default();
        };
        if p.idle(c.heat.last, now) {
            return ConversationState::default();
        }
        let mut out = ConversationState { previous_channel_level: c.heat.level, ..ConversationState::default() };
        c.heat.cool(now, keep, &p);
        c.forecast.team();
        let channel_forecast = c.forecast;
        out.channel_level = c.heat.level;
        out.channel_heat = c.heat.at(now, &p);
        let last_boundary = memo_tick(base, c.memo.last_boundary_ms);
        reset_boundary_tier(&mut c.memo, c.last_strike, last_boundary, now, p.strike_window);

        let customer = c.last_customer;
        if let Some(a) = customer.and_then(|who| self.authors.peek_mut(&(channel, who))) {
            if !p.idle(a.heat.last, now) {
                out.previous_level = a.heat.level;
                a.heat.cool(now, keep, &p);
                out.level = a.heat.level;
                out.heat = a.heat.at(now, &p);
                out.trend = a.heat.trend;
                out.strikes = a.strikes.count(now, p.strike_window);
                a.forecast.team();
                out.forecast = forecast(self.forecaster.as_ref(), &a.forecast);
                let last_boundary = memo_tick(base, a.memo.last_boundary_ms);
                reset_boundary_tier(&mut a.memo, a.strikes.newest(), last_boundary, now, p.strike_window);
            }
        }
        out.channel_forecast = forecast(self.forecaster.as_ref(), &channel_forecast);
        out
    }

    /// True when an author's conversation is tracked and not idle at `now_ms`.
    pub fn is_tracked(&self, channel: ChannelId, author: MemberId, now_ms: i64) -> bool {
        let Some(base) = self.base_ms else { return false };
        self.authors.peek(&(channel, author)).is_some_and(|a| !self.params.idle(a.heat.last, ticks(base, now_ms)))
    }

    /// Seeds an author's conversation with strikes remembered elsewhere (a
    /// database, after a restart), so the boundary ladder continues where it
    /// was: call it when a conversation is first seen, before its message is
    /// observed. Strikes at `times_ms` older than `strike_window_secs` before
    /// `now_ms`, or later than `now_ms`, are ignored; at most the newest
    /// eight are kept, as for observed ones.
    ///
    /// Does nothing and returns false when the conversation is already
    /// tracked (its own strikes are the truth), so seeding twice is harmless.
    /// Otherwise starts the conversation at `now_ms`, calm, with those
    /// strikes, and returns true. The first call also fixes the tracker's
    /// clock to start one strike window before `now_ms`, so strikes seeded
    /// later are kept at their exact times; a strike older than the clock's
    /// start (possible only when a customer message was observed before any
    /// seeding) counts as made at that start.
    ///
    /// ```
    /// use keel::core::escalation::{EscalationConfig, Observation, Tracker};
    /// use keel::core::ids::{ChannelId, MemberId};
    ///
    /// let mut tracker = Tracker::new(EscalationConfig::default());
    /// let now = 10_000_000;
    /// let (support, maya) = (ChannelId(1), MemberId(7));
    /// assert!(tracker.seed_strikes(now, support, maya, &[now - 60_000, now - 30_000]));
    /// let abusive = Observation { score: 0.9, abusive: true, ..Observation::default() };
    /// assert_eq!(tracker.observe_customer(now, support, maya, &abusive).strikes, 3);
    /// ```
    pub fn seed_strikes(&mut self, now_ms: i64, channel: ChannelId, author: MemberId, times_ms: &[i64]) -> bool {
        let window_ms = i64::try_from(self.config.strike_window_secs).unwrap_or(i64::MAX).saturating_mul(1000);
        let base = *self.base_ms.get_or_insert(now_ms.saturating_sub(window_ms));
        let now = ticks(base, now_ms);
        if self.is_tracked(channel, author, now_ms) {
            return false;
        }
        let p = self.params;
        let a = entry(&mut self.authors, (channel, author), now, &p, |a| a.heat.last);
        *a = AuthorConv::default();
        a.heat.last = now;
        let mut times: Vec<i64> = times_ms.iter().copied().filter(|&t| t <= now_ms && now_ms - t < window_ms).collect();
        times.sort_unstable();
        for t in times {
            a.strikes.push(ticks(base, t), p.strike_window);
        }
        true
    }

    /// The policy's memo for an author's conversation, if tracked.
    pub fn memo_mut(&mut self, channel: ChannelId, author: MemberId) -> Option<&mut ActionMemo> {
        self.authors.peek_mut(&(channel, author)).map(|c| &mut c.memo)
    }

    /// Forgives an author's conversation (a pardon or a false alarm): heat,
    /// trend, level, strikes and the boundary ladder start over; the memo's
    /// topic and cooldown times are kept so nobody is nudged again at once.
    /// Returns false when the conversation is not tracked.
    pub fn forgive(&mut self, channel: ChannelId, author: MemberId) -> bool {
        match self.authors.peek_mut(&(channel, author)) {
            Some(c) => {
                c.heat.heat = 0.0;
                c.heat.trend = 0.0;
                c.heat.level = Level::Calm;
                c.strikes = Strikes::default();
                c.memo.boundary_tier = 0;
                c.memo.nudged_level = Level::Calm;
                true
            }
            None => false,
        }
    }

    /// The author conversations tracked in a channel, as of their last
    /// message (heat not decayed to now), most recently active first.
    pub fn conversations_in(&self, channel: ChannelId) -> Vec<ConversationView> {
        let model = self.forecaster.as_ref();
        self.authors
            .iter()
            .filter(|((c, _), _)| *c == channel)
            .map(|(&(_, author), conv)| view(author, conv, model))
            .collect()
    }

    /// One author's conversation in a channel, as of its last message, if tracked.
    pub fn conversation(&self, channel: ChannelId, author: MemberId) -> Option<ConversationView> {
        self.authors.peek(&(channel, author)).map(|conv| view(author, conv, self.forecaster.as_ref()))
    }

    /// The policy's memo for a channel's conversation, if tracked.
    pub fn channel_memo_mut(&mut self, channel: ChannelId) -> Option<&mut ActionMemo> {
        self.channels.peek_mut(&channel).map(|c| &mut c.memo)
    }

    /// Recent scores of an author's conversation, oldest first (for sparklines).
    ///
    /// At most [`RECENT_SCORES`](super::RECENT_SCORES), quantized to steps of 1/255.
    pub fn recent_scores(&self, channel: ChannelId, author: MemberId) -> Vec<f32> {
        self.authors.peek(&(channel, author)).map(AuthorConv::recent_scores).unwrap_or_default()
    }

    /// Number of author conversations tracked.
    ///
    /// Idle conversations leave lazily, as later messages arrive; call
    /// [`evict_idle`](Self::evict_idle) first for an exact count.
    pub fn len(&self) -> usize {
        self.authors.len()
    }

    /// True when nothing is tracked.
    pub fn is_empty(&self) -> bool {
        self.authors.is_empty()
    }

    /// Number of channel conversations tracked.
    pub fn channels_len(&self) -> usize {
        self.channels.len()
    }

    /// Forgets every conversation idle for `idle_ttl_secs` at `now_ms` and
    /// returns how many (author and channel) were evicted.
    ///
    /// Observations already do this lazily; this is for a periodic sweep or
    /// an exact [`len`](Self::len).
    pub fn evict_idle(&mut self, now_ms: i64) -> usize {
        match self.base_ms {
            Some(base) => self.evict_idle_at(ticks(base, now_ms)),
            None => 0,
        }
    }

    /// Heap bytes one tracked author conversation costs: its LRU entry (key,
    /// state and two links) plus one hash-table slot (pointer pair and
    /// control byte). The table's spare capacity comes on top: between 1.15×
    /// and 2.6× the slot size depending on how full it is.
    pub const fn memory_per_conversation() -> usize {
        entry_bytes::<(ChannelId, MemberId), AuthorConv>()
    }

    /// Heap bytes one tracked channel conversation costs, counted like
    /// [`memory_per_conversation`](Self::memory_per_conversation).
    pub const fn memory_per_channel() -> usize {
        entry_bytes::<ChannelId, ChannelConv>()
    }

    fn evict_idle_at(&mut self, now: u32) -> usize {
        let p = &self.params;
        let mut evicted = 0;
        while let Some((_, a)) = self.authors.peek_lru() {
            if !p.idle(a.heat.last, now) {
                break;
            }
            self.authors.pop_lru();
            evicted += 1;
        }
        while let Some((_, c)) = self.channels.peek_lru() {
            if !p.idle(c.heat.last, now) {
                break;
            }
            self.channels.pop_lru();
            evicted += 1;
        }
        evicted
    }
}

/// The conversation for `key`, promoted to most recently used; started fresh
/// when unknown or idle, evicting the least recently used one at the cap.
fn entry<'a, K, V>(
    table: &'a mut LruCache<K, V, KeyHash>,
    key: K,
    now: u32,
    p: &Params,
    last: impl Fn(&V) -> u32,
) -> &'a mut V
where
    K: std::hash::Hash + Eq,
    V: Default,
{
    if !table.contains(&key) && table.len() >= p.cap {
        table.pop_lru();
    }
    let v = table.get_or_insert_mut(key, V::default);
    if p.idle(last(v), now) {
        // Idle but not yet evicted (timestamps out of order), or new: start
        // from calm.
        *v = V::default();
    }
    v
}

/// The forecast of `state` by `model` (0 without one).
fn forecast(model: Option<&ForecastModel>, state: &ForecastState) -> f32 {
    model.map_or(0.0, |m| m.forecast(state))
}

/// A memo time (Unix ms, 0 = never) in ticks.
fn memo_tick(base_ms: i64, ms: i64) -> Option<u32> {
    (ms != 0).then(|| ticks(base_ms, ms))
}

/// Heap bytes of one LRU entry plus its table slot.
const fn entry_bytes<K, V>() -> usize {
    // lru's node: key, value, prev and next pointers.
    let node = std::mem::size_of::<(K, V, usize, usize)>();
    // hashbrown bucket: (key pointer, node pointer) and one control byte.
    let slot = 2 * std::mem::size_of::<usize>() + 1;
    node + slot
}

fn view(author: MemberId, conv: &AuthorConv, model: Option<&ForecastModel>) -> ConversationView {
    ConversationView {
        author,
        level: conv.heat.level,
        heat: conv.heat.heat,
        trend: conv.heat.trend,
        recent: conv.recent_scores(),
        memo: conv.memo,
        forecast: forecast(model, &conv.forecast),
        cooling_since_team: conv.forecast.cooling_since_team(),
    }
}
