//! The sentence model's input layer, with its word table in half precision.
//!
//! The word-embedding table is the largest tensor of the base model (30,522
//! word pieces × 384 for all-MiniLM-L6-v2: 47 MB in f32) and the only one
//! read a row at a time, so keel keeps it as f16 (half the memory) and
//! widens only the rows of the window being read. The sum and the layer
//! norm are BERT's own, in the same order as candle's `BertEmbeddings`:
//! `layer_norm((word + token_type₀) + position)`; every token of a window
//! has token type 0.

use super::tensor_file::{TensorFile, TensorFileError};
use candle_core::{Device, Module, Tensor};
use candle_nn::LayerNorm;
use half::f16;

/// BERT's embedding layer for single-segment input.
#[derive(Debug)]
pub(super) struct Embeddings {
    words: Vec<f16>,
    width: usize,
    /// `[max_positions, width]`, f32.
    positions: Vec<f32>,
    /// Token type 0's row, f32.
    token_type: Vec<f32>,
    layer_norm: LayerNorm,
    device: Device,
}

impl Embeddings {
    /// Reads the embedding tensors under `prefix` (`embeddings` or
    /// `bert.embeddings`) from the base model's file, for a model with
    /// `positions` positions and `types` token types.
    pub(super) fn load(
        file: &mut TensorFile,
        prefix: &str,
        (positions, types): (usize, usize),
        eps: f64,
        device: &Device,
    ) -> Result<Embeddings, TensorFileError> {
        let (words, width) = file.half_rows(&format!("{prefix}.word_embeddings.weight"))?;
        let mut values = |name: &str, shape: &[usize]| file.f32_values(&format!("{prefix}.{name}"), shape);
        let positions = values("position_embeddings.weight", &[positions, width])?;
        let mut token_type = values("token_type_embeddings.weight", &[types, width])?;
        token_type.truncate(width);
        let gamma = values("LayerNorm.weight", &[width])?;
        let beta = values("LayerNorm.bias", &[width])?;
        let vector = |v: Vec<f32>| Tensor::from_vec(v, width, device);
        let norm = vector(gamma).and_then(|g| Ok((g, vector(beta)?)));
        let (gamma, beta) = norm.map_err(|e| file.fail(&format!("{prefix}.LayerNorm"), e))?;
        let layer_norm = LayerNorm::new(gamma, beta, eps);
        Ok(Embeddings { words, width, positions, token_type, layer_norm, device: device.clone() })
    }

    /// How many word pieces the table has.
    pub(super) fn vocabulary(&self) -> usize {
        self.words.len() / self.width
    }

    /// How many positions a window may have.
    pub(super) fn max_positions(&self) -> usize {
        self.positions.len() / self.width
    }

    /// The embedded window `ids`, `[1, ids.len(), width]`. Every id must be
    /// below [`Self::vocabulary`] and the window at most
    /// [`Self::max_positions`] long.
    pub(super) fn forward(&self, ids: &[u32]) -> candle_core::Result<Tensor> {
        let w = self.width;
        if ids.len() > self.max_positions() {
            candle_core::bail!("window of {} tokens, the model has {} positions", ids.len(), self.max_positions());
        }
        let vocabulary = self.vocabulary();
        let mut sum = Vec::with_capacity(ids.len() * w);
        for (i, &id) in ids.iter().enumerate() {
            let id = id as usize;
            if id >= vocabulary {
                candle_core::bail!("token id {id} past the word table's {vocabulary} rows");
            }
            let word = &self.words[id * w..(id + 1) * w];
            let position = &self.positions[i * w..(i + 1) * w];
            sum.extend(word.iter().zip(&self.token_type).zip(position).map(|((x, t), p)| (x.to_f32() + t) + p));
        }
        let sum = Tensor::from_vec(sum, (1, ids.len(), w), &self.device)?;
        self.layer_norm.forward(&sum)
    }
}
