//! The state kept per author conversation and per channel conversation.
//!
//! Both are fixed-size values with no heap of their own, so one tracked
//! conversation costs exactly one LRU entry; see
//! [`Tracker::memory_per_conversation`](super::Tracker::memory_per_conversation).

use super::heat::{decay, Heat, Params};
use super::ActionMemo;
use crate::core::forecast::ForecastState;
use crate::core::ids::MemberId;

/// Strike times remembered per conversation; `ConversationState::strikes` saturates here.
pub(super) const STRIKE_SLOTS: usize = 8;

/// Scores remembered per conversation for sparklines.
pub(super) const RECENT: usize = 8;

/// Participants remembered as hot per channel.
pub(super) const HOT_SLOTS: usize = 4;

/// One author's conversation in one channel.
#[derive(Debug, Clone, Default)]
pub(super) struct AuthorConv {
    pub memo: ActionMemo,
    pub heat: Heat,
    /// Decayed message count as of `heat.last`.
    pub rate: f32,
    pub strikes: Strikes,
    /// Quantized scores (score × 255), oldest first; `n_scores` are valid.
    pub scores: [u8; RECENT],
    pub n_scores: u8,
    pub forecast: ForecastState,
}

impl AuthorConv {
    /// Remembers `score` for sparklines, dropping the oldest past [`RECENT`].
    pub(super) fn push_score(&mut self, score: f32) {
        let q = (score * 255.0).round() as u8;
        let n = usize::from(self.n_scores);
        if n < RECENT {
            self.scores[n] = q;
            self.n_scores += 1;
        } else {
            self.scores.copy_within(1.., 0);
            self.scores[RECENT - 1] = q;
        }
    }

    /// The remembered scores, oldest first.
    pub(super) fn recent_scores(&self) -> Vec<f32> {
        self.scores[..usize::from(self.n_scores)].iter().map(|&q| f32::from(q) / 255.0).collect()
    }

    /// Counts one message in the decayed rate counter.
    pub(super) fn count_message(&mut self, now: u32, p: &Params) {
        let elapsed = now.saturating_sub(self.heat.last);
        self.rate = self.rate * decay(elapsed, p.rate_lambda) + 1.0;
    }
}

/// The last few strike times (ticks), in arrival order.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Strikes {
    times: [u32; STRIKE_SLOTS],
    n: u8,
}

impl Strikes {
    /// Records a strike at `now`, forgetting those out of the window (and
    /// the oldest when all slots are in use).
    pub(super) fn push(&mut self, now: u32, window: u32) {
        self.prune(now, window);
        let n = usize::from(self.n);
        if n == STRIKE_SLOTS {
            self.times.copy_within(1.., 0);
            self.times[STRIKE_SLOTS - 1] = now;
        } else {
            self.times[n] = now;
            self.n += 1;
        }
    }

    /// Strikes less than `window` ticks before `now`.
    pub(super) fn count(&self, now: u32, window: u32) -> u32 {
        let live = self.live();
        live.iter().filter(|&&t| now.saturating_sub(t) < window).count() as u32
    }

    /// The newest strike, if any is remembered.
    pub(super) fn newest(&self) -> Option<u32> {
        self.live().iter().copied().max()
    }

    fn live(&self) -> &[u32] {
        &self.times[..usize::from(self.n)]
    }

    fn prune(&mut self, now: u32, window: u32) {
        let mut kept = 0;
        for i in 0..usize::from(self.n) {
            let t = self.times[i];
            if now.saturating_sub(t) < window {
                self.times[kept] = t;
                kept += 1;
            }
        }
        self.n = kept as u8;
    }
}

/// A channel's conversation as a whole.
#[derive(Debug, Clone, Default)]
pub(super) struct ChannelConv {
    pub memo: ActionMemo,
    pub heat: Heat,
    /// The author of the most recent customer message.
    pub last_customer: Option<MemberId>,
    /// The most recent strike by anyone in the channel.
    pub last_strike: Option<u32>,
    pub hot: HotSet,
    pub forecast: ForecastState,
}

/// Recently hot participants of a channel (bounded, oldest replaced first).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct HotSet {
    slots: [HotSlot; HOT_SLOTS],
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct HotSlot {
    author: MemberId,
    /// Tick of the author's last hot message.
    at: u32,
    used: bool,
}

impl HotSet {
    /// Participants other than `author` who were hot less than `window`
    /// ticks before `now`.
    pub(super) fn others(&self, author: MemberId, now: u32, window: u32) -> u32 {
        self.slots.iter().filter(|s| s.used && s.author != author && now.saturating_sub(s.at) < window).count() as u32
    }

    /// Marks `author` hot at `now` (replacing the stalest slot if needed) or,
    /// when `hot` is false, forgets them.
    pub(super) fn set(&mut self, author: MemberId, now: u32, hot: bool) {
        let existing = self.slots.iter().position(|s| s.used && s.author == author);
        match (existing, hot) {
            (Some(i), true) => self.slots[i].at = self.slots[i].at.max(now),
            (Some(i), false) => self.slots[i] = HotSlot::default(),
            (None, false) => {}
            (None, true) => {
                // A free slot, else the one hot longest ago (first on ties).
                let i = self
                    .slots
                    .iter()
                    .position(|s| !s.used)
                    .unwrap_or_else(|| (0..HOT_SLOTS).min_by_key(|&i| self.slots[i].at).unwrap_or(0));
                self.slots[i] = HotSlot { author, at: now, used: true };
            }
        }
    }
}

/// Resets `memo.boundary_tier` once a full strike window has passed since the
/// last strike and the last boundary action.
pub(super) fn reset_boundary_tier(
    memo: &mut ActionMemo,
    last_strike: Option<u32>,
    last_boundary: Option<u32>,
    now: u32,
    window: u32,
) {
    if memo.boundary_tier == 0 {
        return;
    }
    let recent = last_strike.max(last_boundary);
    if recent.is_none_or(|t| now.saturating_sub(t) >= window) {
        memo.boundary_tier = 0;
    }
}
