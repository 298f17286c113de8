//! How the reader's probability and the phrase score make one score.

use crate::core::score::{Analysis, MAX_COOLING_EFFECT};

/// Weights of a logistic blend, fitted with the adapter on held-out
/// training messages: `sigmoid(model · logit(p) + lexicon · score + bias)`.
///
/// The bias is set so that the pack's default hostile threshold (0.5) is
/// the best cut on those messages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Blend {
    /// Weight of the reader's log-odds.
    pub model: f32,
    /// Weight of the phrase score.
    pub lexicon: f32,
    /// Constant term.
    pub bias: f32,
}

/// Probabilities are clamped this far from 0 and 1 before taking log-odds.
const EPSILON: f32 = 1e-4;

fn logit(p: f32) -> f32 {
    let p = p.clamp(EPSILON, 1.0 - EPSILON);
    (p / (1.0 - p)).ln()
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

impl Blend {
    /// The blended score of a message with phrase score `lexicon` that the
    /// reader judged offensive with probability `p`.
    pub fn combine(&self, lexicon: f32, p: f32) -> f32 {
        sigmoid(self.model * logit(p) + self.lexicon * lexicon + self.bias)
    }

    /// Applies a reading to an analysis. Only a confident reading counts:
    /// when the blend crosses the hostile threshold the score becomes the
    /// blend (if higher) and the message is hostile; an unsure reading
    /// leaves the phrase score as it was, so calm conversations gather no
    /// heat from the reader's doubts. De-escalating markers ("sorry for
    /// snapping") cool the blend as they cool the phrase score. Strikes
    /// (`abusive`) and severe jumps stay as the phrases set them.
    pub fn apply(&self, a: &mut Analysis, p: f32, hostile_threshold: f32) {
        let p = if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 };
        a.reading = Some(p);
        let blended = self.combine(a.phrase_score, p) * (1.0 - MAX_COOLING_EFFECT * a.cooling.clamp(0.0, 1.0));
        if blended >= hostile_threshold && blended > a.phrase_score {
            a.score = blended.clamp(0.0, 1.0);
            a.hostile = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLEND: Blend = Blend { model: 1.0, lexicon: 2.5, bias: -1.0 };

    fn analysis(phrase_score: f32) -> Analysis {
        Analysis { score: phrase_score, phrase_score, hostile: phrase_score >= 0.5, ..Analysis::default() }
    }

    #[test]
    fn a_confident_reading_raises_a_message_with_no_phrase() {
        let mut a = analysis(0.0);
        BLEND.apply(&mut a, 0.95, 0.5);
        assert!(a.hostile, "{}", a.score);
        assert_eq!(a.reading, Some(0.95));
        assert!(!a.abusive, "a reading alone never makes a strike");
    }

    #[test]
    fn a_low_reading_never_lowers_the_phrase_score() {
        let mut a = analysis(0.7);
        BLEND.apply(&mut a, 0.01, 0.5);
        assert_eq!(a.score, 0.7);
        assert!(a.hostile);
    }

    #[test]
    fn an_unsure_reading_changes_nothing() {
        for (phrase, p) in [(0.0, 0.3), (0.2, 0.4), (0.35, 0.3)] {
            let mut a = analysis(phrase);
            assert!(BLEND.combine(phrase, p) < 0.5, "the blend is unsure at {phrase}, {p}");
            BLEND.apply(&mut a, p, 0.5);
            assert!(!a.hostile);
            assert_eq!(a.score, phrase, "the phrase score stands");
            assert_eq!(a.reading, Some(p), "the reading is still reported");
        }
    }

    #[test]
    fn an_apology_cools_the_blend_as_it_cools_the_phrases() {
        let warm = BLEND.combine(0.0, 0.8);
        assert!((0.5..0.6).contains(&warm), "{warm}");
        let mut a = analysis(0.0);
        a.cooling = 1.0;
        BLEND.apply(&mut a, 0.8, 0.5);
        assert!(!a.hostile, "{}", a.score);
    }

    #[test]
    fn the_blend_rises_with_both_inputs() {
        assert!(BLEND.combine(0.2, 0.6) > BLEND.combine(0.0, 0.6));
        assert!(BLEND.combine(0.2, 0.6) > BLEND.combine(0.2, 0.4));
    }

    #[test]
    fn nonsense_probabilities_are_safe() {
        for p in [f32::NAN, f32::INFINITY, -1.0, 2.0] {
            let mut a = analysis(0.1);
            BLEND.apply(&mut a, p, 0.5);
            assert!((0.0..=1.0).contains(&a.score), "{p} gave {}", a.score);
        }
    }
}
