//! Escalation tracking per (channel, author) and per channel.
//!
//! PLACEHOLDER implementation with the final public API; the real one replaces it.

use super::Level;
use serde::Deserialize;
use std::collections::HashMap;

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
}

/// The state of a conversation after a message.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Outcome {
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
}

#[derive(Debug, Clone, Default)]
struct Conv {
    heat: f32,
    level: Level,
    last_ms: i64,
    strikes: u32,
    memo: ActionMemo,
}

/// Tracks every conversation's heat; bounded in memory.
#[derive(Debug)]
pub struct Tracker {
    config: EscalationConfig,
    authors: HashMap<(u64, u64), Conv>,
    channels: HashMap<u64, Conv>,
}

impl Tracker {
    /// A tracker with the given settings.
    pub fn new(config: EscalationConfig) -> Self {
        Tracker { config, authors: HashMap::new(), channels: HashMap::new() }
    }

    /// The settings in force.
    pub fn config(&self) -> &EscalationConfig {
        &self.config
    }

    /// Messages per minute from this author in this channel before `now_ms`.
    pub fn message_rate(&self, channel: u64, author: u64, now_ms: i64) -> f32 {
        let _ = (channel, author, now_ms);
        0.0
    }

    /// Records a customer message and returns the conversation's new state.
    pub fn observe_customer(&mut self, now_ms: i64, channel: u64, author: u64, obs: &Observation) -> Outcome {
        let a = self.authors.entry((channel, author)).or_default();
        let prev = a.level;
        a.heat = a.heat + (1.0 - a.heat) * obs.score;
        a.level = level_for(&self.config, a.heat);
        a.last_ms = now_ms;
        if obs.abusive {
            a.strikes += 1;
        }
        let (level, heat, strikes) = (a.level, a.heat, a.strikes);
        let c = self.channels.entry(channel).or_default();
        let prev_c = c.level;
        c.heat = c.heat + (1.0 - c.heat) * obs.score;
        c.level = level_for(&self.config, c.heat);
        Outcome {
            level,
            previous_level: prev,
            channel_level: c.level,
            previous_channel_level: prev_c,
            heat,
            channel_heat: c.heat,
            trend: 0.0,
            strikes,
        }
    }

    /// Records a staff or moderator message; `acknowledgement` (0–1) is how
    /// much it acknowledges or apologizes. Never raises a level.
    pub fn observe_team(&mut self, now_ms: i64, channel: u64, author: u64, acknowledgement: f32) -> Outcome {
        let _ = (now_ms, author, acknowledgement);
        let c = self.channels.entry(channel).or_default();
        Outcome { channel_level: c.level, previous_channel_level: c.level, channel_heat: c.heat, ..Outcome::default() }
    }

    /// The policy's memo for an author's conversation, if tracked.
    pub fn memo_mut(&mut self, channel: u64, author: u64) -> Option<&mut ActionMemo> {
        self.authors.get_mut(&(channel, author)).map(|c| &mut c.memo)
    }

    /// The policy's memo for a channel's conversation, if tracked.
    pub fn channel_memo_mut(&mut self, channel: u64) -> Option<&mut ActionMemo> {
        self.channels.get_mut(&channel).map(|c| &mut c.memo)
    }

    /// Recent scores of an author's conversation, oldest first (for sparklines).
    pub fn recent_scores(&self, channel: u64, author: u64) -> Vec<f32> {
        let _ = (channel, author);
        Vec::new()
    }

    /// Number of author conversations tracked.
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
}

fn level_for(cfg: &EscalationConfig, heat: f32) -> Level {
    if heat >= cfg.abusive_at {
        Level::Abusive
    } else if heat >= cfg.heated_at {
        Level::Heated
    } else if heat >= cfg.tense_at {
        Level::Tense
    } else {
        Level::Calm
    }
}
