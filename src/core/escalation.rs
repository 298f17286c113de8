//! Escalation tracking per (channel, author) and per channel.
//!
//! A [`Tracker`] turns scored messages into the state of two kinds of
//! conversation: each author's conversation in a channel, and the channel's
//! conversation as a whole. It is shaped by three constraints:
//!
//! - **Pure and deterministic.** Time comes in as `now_ms`; nothing reads a
//!   clock, nothing is random (the tables use a fixed hasher and eviction
//!   follows the LRU list), so the same calls always give the same outcomes.
//! - **Lazy.** Nothing runs between messages. Decay is computed from the time
//!   since the last update when the next message arrives, and idle
//!   conversations are evicted from the least-recently-used end as later
//!   messages come in (amortized O(1) per observation).
//! - **Small.** A tracked author conversation is one fixed-size LRU entry of
//!   176 bytes (64-bit) plus its hash-table slot, 193 bytes in all (see
//!   [`Tracker::memory_per_conversation`]; 32 of them are the forecast's
//!   state, [`crate::core::forecast::ForecastState`]); times are `u32`
//!   ticks of 100 ms since the first observation, recent scores are
//!   quantized to `u8`.
//!
//! # Strikes after a restart
//!
//! The tracker lives in memory; strikes are also stored by the bot. When a
//! conversation is first seen, the bot reads the member's strikes within the
//! strike window and hands them to [`Tracker::seed_strikes`], so the boundary
//! ladder continues (one earlier strike plus a new one is tier 2) instead of
//! starting over. The rest of a conversation's state (heat, cooldowns) is
//! deliberately not restored: it decays within minutes anyway.
//!
//! # Formulas
//!
//! With `d = heat × 2^(−Δt / half_life_secs)` the heat decayed since the
//! conversation's last customer message, a customer message does
//!
//! ```text
//! contribution = max(0, score + cue)
//! heat         = d + (1 − d) × contribution                  (never lowers d)
//! heat        ×= (1 − cooling) × (1 − 0.5 × max(0, −cue))    (thanks, apologies, politeness)
//! trend        = trend + 0.5 × ((heat − heat_before) − trend)
//! ```
//!
//! so several moderate messages accumulate, a calm one never raises heat, and
//! `trend` (an exponentially weighted average of the heat change per message,
//! `heat_before` being the stored heat before this message's decay) is
//! positive while heating up and negative while cooling.
//!
//! Levels rise at once to the level the heat reaches (`tense_at`,
//! `heated_at`, `abusive_at`), possibly several at a time, and fall one level
//! per observation, only when heat is below the current level's threshold
//! minus `hysteresis`.
//!
//! The channel is fed by every customer message with the contribution
//! boosted by the other participants who are hot (own heat at least
//! `tense_at`, within one half-life): `contribution × (1 + 0.5 × others)`,
//! capped at 1, with at most [`HOT_PARTICIPANTS`] remembered. A customer's
//! own cooling counts for the channel divided by `1 + others`: one person's
//! thanks does not calm a channel where others are still hot.
//!
//! A team message multiplies the channel's heat and that of the channel's
//! most recent customer by `1 − staff_cooling × acknowledgement`, without
//! refreshing their clocks, and never raises a level.

use super::Level;
use crate::core::forecast::Cues;
use crate::core::ids::MemberId;
use serde::Deserialize;

mod conv;
mod heat;
mod key_hash;
#[cfg(test)]
mod tests;
mod tracker;

pub use tracker::Tracker;

/// Most recent scores kept per author conversation (see [`Tracker::recent_scores`]).
pub const RECENT_SCORES: usize = conv::RECENT;

/// Strikes remembered per conversation; [`ConversationState::strikes`] saturates here.
pub const MAX_STRIKES: u32 = conv::STRIKE_SLOTS as u32;

/// Hot participants remembered per channel for the channel's boost.
pub const HOT_PARTICIPANTS: usize = conv::HOT_SLOTS;

/// How much each other hot participant boosts a message's channel contribution.
pub const CROSS_HEAT: f32 = 0.5;

/// Escalation settings (`[escalation]` in bot.toml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EscalationConfig {
    /// Heat halves after this many seconds without new heat.
    pub half_life_secs: f64,
    /// Heat at which a conversation becomes tense.
    pub tense_at: f32,
    /// Heat at which a conversation becomes heated.
    pub heated_at: f32,
    /// Heat at which a conversation becomes abusive.
    pub abusive_at: f32,
    /// A level is left only when heat falls this far below where it starts.
    pub hysteresis: f32,
    /// Abusive messages within this many seconds count as strikes together.
    pub strike_window_secs: u64,
    /// A conversation with no message for this long is forgotten.
    pub idle_ttl_secs: u64,
    /// Hard cap on conversations tracked (per author and per channel, each).
    pub max_conversations: usize,
    /// Half-life of the message-rate counter, in seconds.
    pub rate_half_life_secs: f64,
    /// How much a staff acknowledgement cools a conversation (0–1).
    pub staff_cooling: f32,
}

impl Default for EscalationConfig {
    fn default() -> Self {
        EscalationConfig {
            half_life_secs: 600.0,
            tense_at: 0.30,
            heated_at: 0.55,
            abusive_at: 0.80,
            hysteresis: 0.10,
            strike_window_secs: 3600,
            idle_ttl_secs: 7200,
            max_conversations: 100_000,
            rate_half_life_secs: 30.0,
            staff_cooling: 0.35,
        }
    }
}

/// What one customer message contributes to its conversations.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Observation {
    /// Hostility of this message alone, 0–1.
    pub score: f32,
    /// Weak conversational cue (politeness negative, derailment cues positive), about -0.3–0.3.
    pub cue: f32,
    /// This message counts as a strike (abusive or severe).
    pub abusive: bool,
    /// De-escalating markers in this message (thanks, apologies), 0–1.
    pub cooling: f32,
    /// What the message says about where the conversation is going (for
    /// the forecast, see [`crate::core::forecast`]).
    pub cues: Cues,
}

/// What keel remembers about its own actions in one conversation (used by the policy).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ActionMemo {
    /// When moderators were last nudged (Unix ms, 0 = never).
    pub last_nudge_ms: i64,
    /// The level the last nudge was for.
    pub nudged_level: Level,
    /// When choices were last offered (Unix ms, 0 = never).
    pub last_choices_ms: i64,
    /// When a boundary action was last taken (Unix ms, 0 = never).
    pub last_boundary_ms: i64,
    /// The highest boundary tier reached within the strike window.
    pub boundary_tier: u8,
    /// Categories seen in this conversation (bit i = category index i).
    pub categories_seen: u64,
    /// The issue topic last recognised (index into the pack's topics).
    pub topic: Option<u16>,
    /// The customer's last message was an attack on someone
    /// ([`crate::core::policy::is_attack`]): no choices in answer to it.
    pub last_attack: bool,
}

/// A tracked conversation, for status views.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationView {
    /// The customer.
    pub author: MemberId,
    /// Its level.
    pub level: Level,
    /// Its heat as of its last message, 0–1.
    pub heat: f32,
    /// Its trend.
    pub trend: f32,
    /// Recent scores, oldest first.
    pub recent: Vec<f32>,
    /// What keel did in it.
    pub memo: ActionMemo,
    /// Its forecast (0 without a forecaster; see [`crate::core::forecast`]).
    pub forecast: f32,
    /// Customer messages since the team's last reply that stayed calmer
    /// than before it (0: none, or no reply yet).
    pub cooling_since_team: u32,
}

/// The state of a conversation after a message.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ConversationState {
    /// The author's conversation in this channel, after this message.
    pub level: Level,
    /// The author's level before this message.
    pub previous_level: Level,
    /// The channel's conversation as a whole, after this message.
    pub channel_level: Level,
    /// The channel's level before this message.
    pub previous_channel_level: Level,
    /// The author's heat, 0–1.
    pub heat: f32,
    /// The channel's heat, 0–1.
    pub channel_heat: f32,
    /// Momentum of the author's conversation: positive = heating up.
    pub trend: f32,
    /// Abusive messages within the strike window, this one included.
    pub strikes: u32,
    /// The chance, 0–1, that the author's conversation turns abusive within
    /// the next few messages (0 without a forecaster; see
    /// [`crate::core::forecast`]).
    pub forecast: f32,
    /// The same for the channel's conversation as a whole.
    pub channel_forecast: f32,
}
