//! What one analysed message says about where its conversation is going.

use crate::core::pack::Pack;
use crate::core::score::Analysis;

/// A message's signals for the forecast, all computed from its analysis.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cues {
    /// How offensive the message reads, softly: the larger of its score and
    /// the reader's probability (which counts even below the hostile cut).
    pub soft: f32,
    /// Frustration or repetition ("again", "third time", "still waiting")
    /// or a demand to escalate.
    pub frustration: bool,
    /// A sentence opening with "you"/"your", or a pointed "why did you"
    /// question (the pack's `derailment-cue` category).
    pub opener: bool,
    /// A direct question.
    pub question: bool,
    /// Greetings, "please", hedges, thanks or apologies.
    pub civility: bool,
    /// Share of shouted letters, 0–1.
    pub shouting: f32,
}

/// The pack's categories the cues read, as bit masks over category indices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CueCategories {
    frustration: u64,
    opener: u64,
    civility: u64,
}

/// The categories of the default pack that carry each cue; a pack without
/// them simply gives no such cue.
const FRUSTRATION: &[&str] = &["frustration", "escalation-demand"];
const OPENER: &[&str] = &["derailment-cue"];
const CIVILITY: &[&str] = &["civility-cue", "deescalating"];

impl CueCategories {
    /// Finds the cue categories of `pack` by name.
    pub fn new(pack: &Pack) -> CueCategories {
        let mask = |names: &[&str]| {
            names.iter().filter_map(|n| pack.category_index(n)).filter(|&i| i < 64).fold(0u64, |m, i| m | 1 << i)
        };
        CueCategories { frustration: mask(FRUSTRATION), opener: mask(OPENER), civility: mask(CIVILITY) }
    }

    /// The cues of an analysed message.
    pub fn cues(&self, a: &Analysis) -> Cues {
        let mut seen = 0u64;
        for s in &a.signals {
            let live = s.allowed_by.is_none() && !s.negated;
            if live && s.category < 64 {
                seen |= 1 << s.category;
            }
        }
        let soft = a.score.max(a.reading.unwrap_or(0.0));
        Cues {
            soft: if soft.is_finite() { soft.clamp(0.0, 1.0) } else { 0.0 },
            frustration: seen & self.frustration != 0,
            opener: seen & self.opener != 0,
            question: a.normalized.text().contains('?'),
            civility: seen & self.civility != 0 || a.cooling > 0.0,
            shouting: if a.surface.shouting.is_finite() { a.surface.shouting.clamp(0.0, 1.0) } else { 0.0 },
        }
    }
}
