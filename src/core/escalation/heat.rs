//! Heat of one conversation: decay, accumulation, levels and trend.
//!
//! Time is kept in `u32` ticks of [`TICK_MS`] since the tracker's first
//! observation (13.6 years of range), so a conversation's clock costs four
//! bytes instead of eight and keeps sub-second precision for the message rate.

use super::EscalationConfig;
use crate::core::Level;

/// Length of one tick of tracker time, in milliseconds.
pub(super) const TICK_MS: i64 = 100;
const TICKS_PER_SEC: f64 = 1000.0 / TICK_MS as f64;

/// Weight of the newest heat delta in the trend's moving average.
pub(super) const TREND_ALPHA: f32 = 0.5;

/// How much a politeness cue cools: heat × (1 − this × −cue) for a negative cue.
pub(super) const POLITENESS_COOLING: f32 = 0.5;

/// Settings turned into the units the hot path uses, computed once.
#[derive(Debug, Clone, Copy)]
pub(super) struct Params {
    /// Heat decay rate per tick (ln 2 / half-life); infinite = no memory.
    pub heat_lambda: f64,
    /// Message-rate counter decay rate per tick.
    pub rate_lambda: f64,
    /// Idle time after which a conversation is forgotten, in ticks.
    pub ttl: u32,
    /// Strike window, in ticks.
    pub strike_window: u32,
    /// How long a participant stays "hot" for the channel, in ticks (one heat half-life).
    pub hot_window: u32,
    pub tense_at: f32,
    pub heated_at: f32,
    pub abusive_at: f32,
    pub hysteresis: f32,
    pub staff_cooling: f32,
    /// Hard cap per table, at least 1.
    pub cap: usize,
}

impl Params {
    pub(super) fn new(c: &EscalationConfig) -> Params {
        Params {
            heat_lambda: lambda(c.half_life_secs),
            rate_lambda: lambda(c.rate_half_life_secs),
            ttl: secs_to_ticks(c.idle_ttl_secs as f64),
            strike_window: secs_to_ticks(c.strike_window_secs as f64),
            hot_window: secs_to_ticks(c.half_life_secs),
            tense_at: c.tense_at,
            heated_at: c.heated_at,
            abusive_at: c.abusive_at,
            hysteresis: c.hysteresis,
            staff_cooling: unit(c.staff_cooling),
            cap: c.max_conversations.max(1),
        }
    }

    /// The level `heat` reaches with no hysteresis.
    pub(super) fn level_for(&self, heat: f32) -> Level {
        if heat >= self.abusive_at {
            Level::Abusive
        } else if heat >= self.heated_at {
            Level::Heated
        } else if heat >= self.tense_at {
            Level::Tense
        } else {
            Level::Calm
        }
    }

    /// Where `level` starts (0 for calm).
    pub(super) fn threshold(&self, level: Level) -> f32 {
        match level {
            Level::Calm => 0.0,
            Level::Tense => self.tense_at,
            Level::Heated => self.heated_at,
            Level::Abusive => self.abusive_at,
        }
    }

    /// The level after one observation: up at once (several levels if need
    /// be), down one level only when heat is below the current level's
    /// threshold minus the hysteresis.
    pub(super) fn next_level(&self, current: Level, heat: f32) -> Level {
        let raw = self.level_for(heat);
        if raw > current {
            raw
        } else if raw < current && heat < self.threshold(current) - self.hysteresis {
            Level::from_index(current.index() - 1)
        } else {
            current
        }
    }

    /// True when a conversation last active at `last` is idle at `now`.
    pub(super) fn idle(&self, last: u32, now: u32) -> bool {
        now.saturating_sub(last) >= self.ttl
    }
}

fn lambda(half_life_secs: f64) -> f64 {
    if half_life_secs > 0.0 {
        std::f64::consts::LN_2 / (half_life_secs * TICKS_PER_SEC)
    } else {
        f64::INFINITY // no half-life (or NaN): no memory at all
    }
}

fn secs_to_ticks(secs: f64) -> u32 {
    // `as` saturates (and maps NaN to 0).
    (secs * TICKS_PER_SEC) as u32
}

/// Ticks since `base_ms`, saturating at both ends.
pub(super) fn ticks(base_ms: i64, now_ms: i64) -> u32 {
    let t = now_ms.saturating_sub(base_ms).max(0) / TICK_MS;
    u32::try_from(t).unwrap_or(u32::MAX)
}

/// exp(−λ·Δ): how much of a quantity is left after `elapsed` ticks.
pub(super) fn decay(elapsed: u32, lambda: f64) -> f32 {
    if elapsed == 0 {
        1.0
    } else {
        (-lambda * f64::from(elapsed)).exp() as f32
    }
}

/// Clamps to [0, 1]; NaN becomes 0.
pub(super) fn unit(x: f32) -> f32 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
}

/// Heat, trend and level of one conversation (author or channel).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Heat {
    /// Heat as of `last`, 0–1.
    pub heat: f32,
    /// Moving average of heat deltas per message.
    pub trend: f32,
    /// Tick of the last customer message.
    pub last: u32,
    /// Current level (with hysteresis).
    pub level: Level,
}

impl Heat {
    /// Heat decayed to `now`.
    pub(super) fn at(&self, now: u32, p: &Params) -> f32 {
        self.heat * decay(now.saturating_sub(self.last), p.heat_lambda)
    }

    /// A customer message: decay to `now`, add `contribution`, then multiply
    /// by `keep` (1 − cooling).
    pub(super) fn add(&mut self, now: u32, contribution: f32, keep: f32, p: &Params) {
        let d = self.at(now, p);
        let heat = unit((d + (1.0 - d) * contribution) * keep);
        self.push_trend(heat - self.heat);
        self.heat = heat;
        self.last = self.last.max(now);
        self.level = p.next_level(self.level, heat);
    }

    /// A team message: multiply by `keep` without touching the clock (so
    /// staff replies neither refresh the idle timer nor the decay), then
    /// re-evaluate the level; never raises it.
    pub(super) fn cool(&mut self, now: u32, keep: f32, p: &Params) {
        if keep < 1.0 {
            let d = self.at(now, p);
            self.push_trend(d * keep - d);
            self.heat *= keep;
        }
        let next = p.next_level(self.level, self.at(now, p));
        self.level = next.min(self.level);
    }

    fn push_trend(&mut self, delta: f32) {
        self.trend += TREND_ALPHA * (delta - self.trend);
    }
}
