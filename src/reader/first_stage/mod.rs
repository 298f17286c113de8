//! The first-stage reader: a hashed n-gram logistic model that reads a
//! message in about a microsecond, so that the transformer (the context
//! reader) need only read the messages it is unsure of (issue 13).
//!
//! Its features are word unigrams and bigrams and character n-grams within
//! words, hashed into 2^bits buckets (`features`); each bucket holds one
//! i8-quantized weight, read from `models/keel-first-stage.bin` (`file`).
//! A message's logit is `bias + scale * (sum of its features' weights) /
//! sqrt(number of features)`: the sum is over integers, so Rust and the
//! Python trainer (`tools/train_first_stage.py`) agree to the last bit
//! before the final multiply. `docs/first-stage.md` specifies both the
//! features and the file, and says how to retrain.
//!
//! It reads what the transformer reads: the reader's text
//! ([`crate::core::context::reader_text`]). `super::staged` puts it in front
//! of the transformer, or reads with it alone.

mod features;
mod file;

pub use file::{FirstStageError, Stages, HEADER_LEN, MAGIC, VERSION};

use features::Hashing;
use std::path::Path;

/// The shipped weights, relative to the repository root.
pub const DEFAULT_PATH: &str = "models/keel-first-stage.bin";

/// A loaded first-stage model: immutable, `Send + Sync`, cheap to share.
pub struct FirstStage {
    hashing: Hashing,
    bias: f32,
    scale: f32,
    weights: Box<[i8]>,
    stages: Option<Stages>,
}

impl std::fmt::Debug for FirstStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirstStage")
            .field("hashing", &self.hashing)
            .field("bias", &self.bias)
            .field("scale", &self.scale)
            .field("buckets", &self.weights.len())
            .field("stages", &self.stages)
            .finish()
    }
}

impl FirstStage {
    /// Loads the weights at `path`; the error names the file and what is wrong.
    pub fn load(path: impl AsRef<Path>) -> Result<FirstStage, FirstStageError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| FirstStageError::Io { path: path.to_path_buf(), source })?;
        FirstStage::from_bytes(&bytes, path)
    }

    /// Reads weights from the bytes of a file (`path` only names it in errors).
    pub fn from_bytes(bytes: &[u8], path: impl AsRef<Path>) -> Result<FirstStage, FirstStageError> {
        let p = file::parse(bytes, path.as_ref())?;
        Ok(FirstStage { hashing: p.hashing, bias: p.bias, scale: p.scale, weights: p.weights, stages: p.stages })
    }

    /// The blend and band of a version 2 file (`None` for version 1: the
    /// weights alone, before `tools/fit_stages.py` has run).
    pub fn stages(&self) -> Option<Stages> {
        self.stages
    }

    /// The number of hash buckets (weights).
    pub fn buckets(&self) -> usize {
        self.weights.len()
    }

    /// The log-odds that `text` (the reader's text) is offensive.
    pub fn logit(&self, text: &str) -> f64 {
        let mut sum: i64 = 0;
        let mut n: u64 = 0;
        self.hashing.each_feature(text.as_bytes(), |b| {
            sum += i64::from(self.weights[b]);
            n += 1;
        });
        if n == 0 {
            return f64::from(self.bias);
        }
        f64::from(self.bias) + f64::from(self.scale) * sum as f64 / (n as f64).sqrt()
    }

    /// The probability that `text` (the reader's text) is offensive.
    pub fn probability(&self, text: &str) -> f32 {
        sigmoid(self.logit(text)) as f32
    }
}

/// The logistic function, without overflow at either end.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests;

/// Small first stages for other modules' tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::{FirstStage, HEADER_LEN, MAGIC};

    /// A version 1 model of 16 buckets with made-up weights.
    pub(crate) fn tiny() -> FirstStage {
        let mut bytes = Vec::with_capacity(HEADER_LEN + 16);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&[4, 2, 3, 2]);
        bytes.extend_from_slice(&(-0.5f32).to_le_bytes());
        bytes.extend_from_slice(&0.05f32.to_le_bytes());
        bytes.extend_from_slice(&16u32.to_le_bytes());
        bytes.extend((0..16).map(|i: i8| (i * 7 - 50) as u8));
        FirstStage::from_bytes(&bytes, "tiny.bin").expect("a valid tiny model")
    }
}
