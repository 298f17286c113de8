//! What a conversation remembers for its forecast.
//!
//! Exponentially weighted averages, so the state is a fixed-size value and
//! each message updates it in O(1). With `EMA(x) ← x` for the first
//! customer message and `EMA(x) ← (1 − α)·EMA + α·x` after:
//!
//! | feature | meaning |
//! |---|---|
//! | `last` | the last customer message's soft hostility |
//! | `mean` | its average (α = 0.5) |
//! | `peak` | the highest so far |
//! | `rise` | how far the last message rose above the average before it |
//! | `frustration`, `opener`, `question`, `civility`, `shouting` | each cue's average (α = 0.3) |
//! | `team_share` | how much of the recent talk is the team's (α = 0.3 over all messages) |
//! | `after_team` | the customer's soft hostility since the last team reply minus the average before it (0 before any reply) |
//! | `calm_after_team` | customer messages since the last team reply that stayed below the average before it, as 1 − 2^(−n) |

use super::Cues;

const SOFT_ALPHA: f32 = 0.5;
const CUE_ALPHA: f32 = 0.3;

/// The forecast's memory of one conversation: 32 bytes, every value in
/// [0, 1] kept as a 16-bit fraction (as the tracker keeps its scores small).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastState {
    /// `last, mean, peak, rise, frustration, opener, question, civility,
    /// shouting, team_share, calm_after_team`, each × 65535.
    unit: [u16; UNITS],
    /// The customer's soft hostility since the last team reply minus the
    /// average before it, × 32767.
    after_team: i16,
    /// The average when the team last replied, × 65535 (when `replied`).
    before_team: u16,
    replied: bool,
    customer_messages: u32,
}

const UNITS: usize = 11;
const LAST: usize = 0;
const MEAN: usize = 1;
const PEAK: usize = 2;
const RISE: usize = 3;
const FRUSTRATION: usize = 4;
const OPENER: usize = 5;
const QUESTION: usize = 6;
const CIVILITY: usize = 7;
const SHOUTING: usize = 8;
const TEAM_SHARE: usize = 9;
const CALM_AFTER_TEAM: usize = 10;

fn to_unit(x: f32) -> u16 {
    (x.clamp(0.0, 1.0) * 65535.0).round() as u16
}

fn from_unit(q: u16) -> f32 {
    f32::from(q) / 65535.0
}

impl Default for ForecastState {
    fn default() -> Self {
        ForecastState::NEW
    }
}

fn ema(old: f32, x: f32, alpha: f32, first: bool) -> f32 {
    if first {
        x
    } else {
        (1.0 - alpha) * old + alpha * x
    }
}

fn flag(b: bool) -> f32 {
    if b {
        1.0
    } else {
        0.0
    }
}

impl ForecastState {
    /// A conversation nobody has spoken in.
    pub const NEW: ForecastState =
        ForecastState { unit: [0; UNITS], after_team: 0, before_team: 0, replied: false, customer_messages: 0 };

    fn get(&self, i: usize) -> f32 {
        from_unit(self.unit[i])
    }

    fn set(&mut self, i: usize, x: f32) {
        self.unit[i] = to_unit(x);
    }

    fn average(&mut self, i: usize, x: f32, alpha: f32, first: bool) {
        let v = ema(self.get(i), x, alpha, first);
        self.set(i, v);
    }

    /// A customer's message with these cues.
    pub fn customer(&mut self, c: &Cues) {
        let first = self.customer_messages == 0;
        let before = self.get(MEAN);
        self.set(RISE, if first { 0.0 } else { (c.soft - before).max(0.0) });
        self.average(MEAN, c.soft, SOFT_ALPHA, first);
        self.set(LAST, c.soft);
        let peak = self.get(PEAK).max(c.soft);
        self.set(PEAK, peak);
        self.average(FRUSTRATION, flag(c.frustration), CUE_ALPHA, first);
        self.average(OPENER, flag(c.opener), CUE_ALPHA, first);
        self.average(QUESTION, flag(c.question), CUE_ALPHA, first);
        self.average(CIVILITY, flag(c.civility), CUE_ALPHA, first);
        self.average(SHOUTING, c.shouting, CUE_ALPHA, first);
        self.average(TEAM_SHARE, 0.0, CUE_ALPHA, false);
        if self.replied {
            let before_team = from_unit(self.before_team);
            let soft = from_unit(to_unit(c.soft));
            self.after_team = ((soft - before_team).clamp(-1.0, 1.0) * 32767.0).round() as i16;
            let calm = if soft <= before_team { 0.5 + 0.5 * self.get(CALM_AFTER_TEAM) } else { 0.0 };
            self.set(CALM_AFTER_TEAM, calm);
        }
        self.customer_messages = self.customer_messages.saturating_add(1);
    }

    /// A reply from the team (staff or a moderator).
    pub fn team(&mut self) {
        self.average(TEAM_SHARE, 1.0, CUE_ALPHA, false);
        if self.customer_messages > 0 {
            self.before_team = self.unit[MEAN];
            self.replied = true;
            self.after_team = 0;
            self.set(CALM_AFTER_TEAM, 0.0);
        }
    }

    /// Customer messages seen.
    pub fn customer_messages(&self) -> u32 {
        self.customer_messages
    }

    /// The team has replied and the customer has been calmer since, for
    /// this many messages (0 when not).
    pub fn cooling_since_team(&self) -> u32 {
        let calm = self.get(CALM_AFTER_TEAM);
        if !self.replied || calm == 0.0 {
            return 0;
        }
        // calm = 1 - 2^-n
        (-(1.0 - calm).max(1e-6).log2()).round() as u32
    }

    /// The features of [`super::FEATURE_NAMES`], in that order.
    pub fn features(&self) -> [f32; super::model::FEATURES] {
        let u = |i| self.get(i);
        [
            u(LAST),
            u(MEAN),
            u(PEAK),
            u(RISE),
            u(FRUSTRATION),
            u(OPENER),
            u(QUESTION),
            u(CIVILITY),
            u(SHOUTING),
            u(TEAM_SHARE),
            f32::from(self.after_team) / 32767.0,
            u(CALM_AFTER_TEAM),
        ]
    }
}
