//! The two-stage reader of issue 13: the first stage reads every message,
//! and the transformer only those the first stage is unsure of.
//!
//! The first stage's file (version 2, `tools/fit_stages.py`) holds its own
//! blend with the phrase score and the band of its probabilities where the
//! transformer reads. Outside the band the engine must blend the first
//! stage's reading, inside it the transformer's, yet a [`Reader`] has one
//! [`Blend`]: so the first stage's blend is fitted with the transformer's
//! phrase-score weight, and its probability is mapped into the
//! transformer's scale, exactly:
//!
//! `sigmoid(m1 · logit(p1) + l · s + b1) = sigmoid(m2 · logit(p') + l · s + b2)`
//! for every phrase score `s`, with `logit(p') = (m1 · logit(p1) + b1 − b2) / m2`.
//!
//! Read alone (`[context] reader = "first-stage"`), the first stage's
//! probability is blended with its own blend.

use super::first_stage::{FirstStage, Stages};
use super::ContextReader;
use crate::core::context::{Blend, Reader};
use std::path::Path;
use std::sync::Arc;

/// Why the two stages cannot be put together.
#[derive(Debug, thiserror::Error)]
pub enum StagedError {
    /// The first stage's file has no blend and band (layout version 1).
    #[error("{path}: no blend or band (layout version 1): run `python3 tools/fit_stages.py`")]
    NoStages {
        /// The first stage's file.
        path: std::path::PathBuf,
    },
    /// The blend was fitted against another transformer adapter.
    #[error(
        "{path}: its blend was fitted for a transformer whose phrase-score weight is {fitted}, \
         but the adapter's is {adapter}: run `python3 tools/fit_stages.py` again"
    )]
    OtherAdapter {
        /// The first stage's file.
        path: std::path::PathBuf,
        /// The phrase-score weight in the file.
        fitted: f32,
        /// The adapter's.
        adapter: f32,
    },
}

/// The first stage, and the transformer behind it if there is one.
#[derive(Debug)]
pub struct StagedReader {
    first: FirstStage,
    stages: Stages,
    /// The first stage's own blend (used when it reads alone).
    first_blend: Blend,
    second: Option<Arc<ContextReader>>,
}

/// Probabilities are clamped this far from 0 and 1 before taking log-odds
/// (as [`Blend`] does).
const EPSILON: f64 = 1e-4;

fn logit(p: f64) -> f64 {
    let p = p.clamp(EPSILON, 1.0 - EPSILON);
    (p / (1.0 - p)).ln()
}

impl StagedReader {
    /// The first stage in front of `second` (the transformer), or alone.
    /// `path` names the first stage's file in errors.
    pub fn new(
        first: FirstStage,
        second: Option<Arc<ContextReader>>,
        path: &Path,
    ) -> Result<StagedReader, StagedError> {
        let stages = first.stages().ok_or_else(|| StagedError::NoStages { path: path.to_path_buf() })?;
        if let Some(t) = &second {
            let adapter = t.blend().lexicon;
            if (adapter - stages.lexicon).abs() > 1e-4 {
                return Err(StagedError::OtherAdapter { path: path.to_path_buf(), fitted: stages.lexicon, adapter });
            }
        }
        let first_blend = Blend { model: stages.model, lexicon: stages.lexicon, bias: stages.bias };
        Ok(StagedReader { first, stages, first_blend, second })
    }

    /// Whether the transformer reads a message the first stage gave `p1`.
    pub fn in_band(&self, p1: f32) -> bool {
        self.second.is_some() && (self.stages.band_lo..=self.stages.band_hi).contains(&p1)
    }

    /// `p1` in the transformer's scale (see the module docs).
    fn in_second_scale(&self, p1: f32, second: &Blend) -> f32 {
        let z = (f64::from(self.stages.model) * logit(f64::from(p1)) + f64::from(self.stages.bias)
            - f64::from(second.bias))
            / f64::from(second.model);
        super::first_stage::sigmoid(z) as f32
    }
}

impl Reader for StagedReader {
    fn probability(&self, normalized: &str) -> Result<f32, String> {
        let p1 = self.first.probability(normalized);
        match &self.second {
            None => Ok(p1),
            Some(t) if self.in_band(p1) => t.probability(normalized),
            Some(t) => Ok(self.in_second_scale(p1, t.blend())),
        }
    }

    fn blend(&self) -> &Blend {
        self.second.as_deref().map_or(&self.first_blend, ContextReader::blend)
    }

    fn which_reads(&self, normalized: &str) -> Option<String> {
        let p1 = self.first.probability(normalized);
        let (lo, hi) = (self.stages.band_lo, self.stages.band_hi);
        Some(match &self.second {
            None => format!("the first stage alone ({p1:.3})"),
            Some(_) if self.in_band(p1) => {
                format!("the transformer: the first stage gave {p1:.3}, inside its band [{lo:.2}, {hi:.2}]")
            }
            Some(_) => {
                format!("the first stage: {p1:.3}, outside its band [{lo:.2}, {hi:.2}], in the transformer's scale")
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mapped probability blends exactly as the first stage's own blend
    /// would, at every phrase score.
    #[test]
    fn the_mapping_keeps_the_first_stages_blend() {
        let stages = Stages { model: 1.3, lexicon: 2.0, bias: -1.7, band_lo: 0.4, band_hi: 0.6 };
        let first_blend = Blend { model: stages.model, lexicon: stages.lexicon, bias: stages.bias };
        let second = Blend { model: 0.8, lexicon: 2.0, bias: -0.4 };
        let reader = StagedReader {
            first: crate::reader::first_stage::tests_support::tiny(),
            stages,
            first_blend,
            second: None,
        };
        for p1 in [0.001_f32, 0.05, 0.2, 0.5, 0.8, 0.97] {
            let mapped = reader.in_second_scale(p1, &second);
            for s in [0.0_f32, 0.2, 0.45] {
                let want = first_blend.combine(s, p1);
                let got = second.combine(s, mapped);
                assert!((want - got).abs() < 1e-3, "p1 {p1} s {s}: {want} vs {got}");
            }
        }
    }

    #[test]
    fn alone_the_first_stage_never_reads_in_a_band() {
        let stages = Stages { model: 1.0, lexicon: 2.0, bias: -1.0, band_lo: 0.0, band_hi: 1.0 };
        let reader = StagedReader {
            first: crate::reader::first_stage::tests_support::tiny(),
            stages,
            first_blend: Blend { model: 1.0, lexicon: 2.0, bias: -1.0 },
            second: None,
        };
        assert!(!reader.in_band(0.5));
        assert_eq!(reader.blend(), &reader.first_blend);
        let said = reader.which_reads("anything at all").expect("a staged reader says");
        assert!(said.starts_with("the first stage alone ("), "{said}");
        let p = reader.probability("anything at all").expect("reads");
        assert!((0.0..=1.0).contains(&p));
    }

    #[test]
    fn a_version_1_file_cannot_be_staged() {
        let first = crate::reader::first_stage::tests_support::tiny();
        let err = StagedReader::new(first, None, Path::new("models/old.bin")).expect_err("no stages");
        assert!(err.to_string().starts_with("models/old.bin: no blend or band"), "{err}");
    }
}
