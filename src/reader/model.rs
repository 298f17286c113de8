//! Loading the sentence model with keel's adapter, and reading a message.

use super::adapter::{self, Head};
use super::embeddings::Embeddings;
use super::tensor_file::{TensorFile, TensorFileError};
use super::ContextError;
use crate::core::context::{wants_reading, Blend};
use crate::core::score::Analysis;
use crate::core::Role;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertEncoder, Config};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tokenizers::Tokenizer;

/// Where the reader's files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderFiles {
    /// The base sentence model: a directory with `config.json`,
    /// `tokenizer.json` and `model.safetensors` (all-MiniLM-L6-v2, fetched by
    /// `tools/fetch-model.sh`).
    pub model_dir: PathBuf,
    /// keel's adapter, head and blend (`models/keel-reader.safetensors`).
    pub adapter: PathBuf,
}

const FETCH_HINT: &str = "run tools/fetch-model.sh to fetch the base model";
const ADAPTER_HINT: &str = "it ships with keel in models/; tools/train_reader.py makes a new one";

/// Tokens read at once, special tokens included. Longer messages are read in
/// overlapping windows and the most offensive window counts.
pub const WINDOW_TOKENS: usize = 128;
/// Tokens two neighbouring windows share.
const WINDOW_OVERLAP: usize = 32;
/// Windows read per message at most (about 500 tokens, a long Discord message).
const MAX_WINDOWS: usize = 4;

/// The context reader: a sentence encoder, keel's head and the blend.
pub struct ContextReader {
    tokenizer: Tokenizer,
    embeddings: Embeddings,
    encoder: BertEncoder,
    head: Head,
    blend: Blend,
    cls: u32,
    sep: u32,
    device: Device,
}

impl std::fmt::Debug for ContextReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextReader").field("blend", &self.blend).finish_non_exhaustive()
    }
}

fn need(path: PathBuf, hint: &'static str) -> Result<PathBuf, ContextError> {
    if path.is_file() {
        Ok(path)
    } else {
        Err(ContextError::Missing { path, hint })
    }
}

fn invalid(path: &Path, message: impl std::fmt::Display) -> ContextError {
    ContextError::Invalid { path: path.to_path_buf(), message: message.to_string() }
}

impl ContextReader {
    /// Loads the base model, merges the adapter into it and reads the head
    /// and blend. Every failure names the file concerned.
    pub fn load(files: &ReaderFiles) -> Result<ContextReader, ContextError> {
        let config_path = need(files.model_dir.join("config.json"), FETCH_HINT)?;
        let tokenizer_path = need(files.model_dir.join("tokenizer.json"), FETCH_HINT)?;
        let weights_path = need(files.model_dir.join("model.safetensors"), FETCH_HINT)?;
        let adapter_path = need(files.adapter.clone(), ADAPTER_HINT)?;

        let device = Device::Cpu;
        let config_text = std::fs::read_to_string(&config_path).map_err(|e| invalid(&config_path, e))?;
        let config: Config = serde_json::from_str(&config_text).map_err(|e| invalid(&config_path, e))?;
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path).map_err(|e| invalid(&tokenizer_path, e))?;
        // The file may ask for padding and truncation (all-MiniLM-L6-v2's pads
        // every text to 128 tokens); the reader makes its own windows.
        tokenizer.with_padding(None);
        tokenizer.with_truncation(None).map_err(|e| invalid(&tokenizer_path, e))?;
        let token = |t: &str| tokenizer.token_to_id(t).ok_or_else(|| invalid(&tokenizer_path, format!("no {t} token")));
        let (cls, sep) = (token("[CLS]")?, token("[SEP]")?);

        let mut base = TensorFile::open(&weights_path).map_err(ContextError::from)?;
        // Checkpoints saved from a BertForX model put everything under `bert.`.
        let prefix = if base.shape("bert.embeddings.word_embeddings.weight").is_some() { "bert." } else { "" };
        let embeddings = Embeddings::load(
            &mut base,
            &format!("{prefix}embeddings"),
            (config.max_position_embeddings, config.type_vocab_size),
            config.layer_norm_eps,
            &device,
        )?;
        if embeddings.vocabulary() != config.vocab_size {
            return Err(invalid(
                &weights_path,
                format!("{} word embeddings, config.json says {}", embeddings.vocabulary(), config.vocab_size),
            ));
        }
        let encoder_prefix = format!("{prefix}encoder.");
        let mut weights = HashMap::new();
        for name in base.names().into_iter().filter(|n| n.starts_with(&encoder_prefix)) {
            let tensor = base.tensor(&name, &device)?;
            weights.insert(name[prefix.len()..].to_string(), tensor);
        }
        drop(base);
        let mut adapter_file = TensorFile::open(&adapter_path)?;
        let adapter_tensors = adapter_file
            .names()
            .into_iter()
            .map(|name| Ok((name.clone(), adapter_file.tensor(&name, &device)?)))
            .collect::<Result<HashMap<_, _>, TensorFileError>>()?;
        let (head, blend) = adapter::merge(&adapter_path, adapter_tensors, &mut weights)?;
        let vb = VarBuilder::from_tensors(weights, DType::F32, &device);
        let encoder = BertEncoder::load(vb.pp("encoder"), &config).map_err(|e| invalid(&weights_path, e))?;
        if head.width() != config.hidden_size {
            return Err(ContextError::Adapter {
                path: adapter_path,
                key: "head.weight".into(),
                message: format!("{} wide, the model's hidden size is {}", head.width(), config.hidden_size),
            });
        }
        Ok(ContextReader { tokenizer, embeddings, encoder, head, blend, cls, sep, device })
    }

    /// The blend fitted with this adapter.
    pub fn blend(&self) -> &Blend {
        &self.blend
    }

    /// How many word pieces the reader sees in `normalized` (special tokens
    /// not counted); more than a window's worth are read in several windows.
    pub fn tokens(&self, normalized: &str) -> Result<usize, ContextError> {
        let encoding = self.tokenizer.encode(normalized, false).map_err(|e| ContextError::Inference(e.to_string()))?;
        Ok(encoding.get_ids().len())
    }

    /// Reads an analysed message and blends the reading into it, unless the
    /// phrases already found it hostile (the reader can only raise a score)
    /// or it has no text. Returns the reading, if one was taken.
    pub fn read_into(&self, a: &mut Analysis, hostile_threshold: f32) -> Result<Option<f32>, ContextError> {
        if !wants_reading(Role::Customer, a) {
            return Ok(None);
        }
        let p = self.read(a.normalized.text())?;
        self.blend.apply(a, p, hostile_threshold);
        Ok(Some(p))
    }

    /// The probability that `normalized` (keel's normalized text) is
    /// offensive. Empty text reads as 0.
    pub fn read(&self, normalized: &str) -> Result<f32, ContextError> {
        let encoding = self.tokenizer.encode(normalized, false).map_err(|e| ContextError::Inference(e.to_string()))?;
        let ids = encoding.get_ids();
        if ids.is_empty() {
            return Ok(0.0);
        }
        let body = WINDOW_TOKENS - 2;
        let step = body - WINDOW_OVERLAP;
        let mut best = 0.0f32;
        let mut window = Vec::with_capacity(WINDOW_TOKENS);
        for start in (0..ids.len()).step_by(step).take(MAX_WINDOWS) {
            let end = (start + body).min(ids.len());
            window.clear();
            window.push(self.cls);
            window.extend_from_slice(&ids[start..end]);
            window.push(self.sep);
            best = best.max(self.read_window(&window).map_err(|e| ContextError::Inference(e.to_string()))?);
            if end == ids.len() {
                break;
            }
        }
        Ok(best)
    }

    fn read_window(&self, ids: &[u32]) -> candle_core::Result<f32> {
        let embedded = self.embeddings.forward(ids)?;
        // Every token of a window is attended to: BERT's additive mask is all zeros.
        let mask = Tensor::zeros((1, 1, 1, ids.len()), DType::F32, &self.device)?;
        let hidden = self.encoder.forward(&embedded, &mask)?;
        let pooled = hidden.mean(1)?.squeeze(0)?;
        let norm = pooled.sqr()?.sum_all()?.sqrt()?.to_scalar::<f32>()?;
        let pooled = (pooled / f64::from(norm.max(1e-12)))?;
        self.head.probability(&pooled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::tiny::{self, TinyAdapter};
    use candle_transformers::models::bert::BertModel;

    /// candle's own BERT, all in f32, on the same files and merged adapter.
    fn candle_reading(files: &ReaderFiles, reader: &ContextReader, text: &str) -> f32 {
        let device = Device::Cpu;
        let config: Config =
            serde_json::from_str(&std::fs::read_to_string(files.model_dir.join("config.json")).unwrap()).unwrap();
        let mut weights = candle_core::safetensors::load(files.model_dir.join("model.safetensors"), &device).unwrap();
        let adapter_tensors = candle_core::safetensors::load(&files.adapter, &device).unwrap();
        let (head, _) = adapter::merge(&files.adapter, adapter_tensors, &mut weights).unwrap();
        let model = BertModel::load(VarBuilder::from_tensors(weights, DType::F32, &device), &config).unwrap();
        let mut ids = vec![reader.cls];
        ids.extend_from_slice(reader.tokenizer.encode(text, false).unwrap().get_ids());
        ids.push(reader.sep);
        let input = Tensor::new(ids.as_slice(), &device).unwrap().unsqueeze(0).unwrap();
        let hidden = model.forward(&input, &input.zeros_like().unwrap(), Some(&input.ones_like().unwrap())).unwrap();
        let pooled = hidden.mean(1).unwrap().squeeze(0).unwrap();
        let norm = pooled.sqr().unwrap().sum_all().unwrap().sqrt().unwrap().to_scalar::<f32>().unwrap();
        head.probability(&(pooled / f64::from(norm)).unwrap()).unwrap()
    }

    #[test]
    fn the_half_precision_word_table_reads_like_candles_bert_in_f32() {
        let dir = tempfile::tempdir().unwrap();
        let files = tiny::write(dir.path(), &TinyAdapter { head_bias: 0.3, lora_scale: 0.5, ..Default::default() });
        let reader = ContextReader::load(&files).unwrap();
        for text in ["you are an idiot", "thanks for the help!", "my order is late, please check it again?"] {
            let ours = reader.read(text).unwrap();
            let theirs = candle_reading(&files, &reader, text);
            assert!((ours - theirs).abs() < 1e-3, "{text}: {ours} against candle's {theirs}");
        }
    }
}
