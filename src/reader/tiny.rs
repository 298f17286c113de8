//! A tiny random BERT with keel's file layout, made on the spot for tests:
//! the real loading and reading code runs on it without the 90 MB model.

use candle_core::{DType, Device, Tensor};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::ReaderFiles;

/// Hidden width of the tiny model.
pub(crate) const HIDDEN: usize = 16;
const LAYERS: usize = 2;
const INTERMEDIATE: usize = 32;
const WORDS: &[&str] = &[
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "you", "are", "an", "idiot", "thanks", "for", "the", "help", "my", "order",
    "is", "late", "please", "check", "it", "again", "##s", "!", "?", ".", ",",
];

/// Knobs of the adapter written next to the tiny model.
#[derive(Debug, Clone)]
pub(crate) struct TinyAdapter {
    /// `head.bias`: large positive reads everything as offensive.
    pub head_bias: f32,
    /// Scale of the random low-rank update on layer 0's query (0: none).
    pub lora_scale: f32,
    /// `blend` tensor: model, lexicon, bias.
    pub blend: [f32; 3],
    /// Tensors to leave out (to test errors).
    pub omit: Vec<&'static str>,
    /// Extra tensors to add (to test errors), all `[2, 2]`.
    pub extra: Vec<&'static str>,
}

impl Default for TinyAdapter {
    fn default() -> Self {
        TinyAdapter { head_bias: 0.0, lora_scale: 0.0, blend: [1.0, 2.5, -1.0], omit: Vec::new(), extra: Vec::new() }
    }
}

fn randn(seed: u64, shape: &[usize]) -> Tensor {
    // A fixed pseudo-random fill (xorshift), so every run builds the same model.
    let n: usize = shape.iter().product();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let v: Vec<f32> = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ((x >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.2
        })
        .collect();
    Tensor::from_vec(v, shape, &Device::Cpu).expect("shape")
}

fn ones(n: usize) -> Tensor {
    Tensor::ones(n, DType::F32, &Device::Cpu).expect("ones")
}

fn zeros(shape: &[usize]) -> Tensor {
    Tensor::zeros(shape, DType::F32, &Device::Cpu).expect("zeros")
}

/// Writes `config.json`, `tokenizer.json` and `model.safetensors` into
/// `dir/model`, and an adapter as `dir/adapter.safetensors`.
pub(crate) fn write(dir: &Path, adapter: &TinyAdapter) -> ReaderFiles {
    let model_dir = dir.join("model");
    std::fs::create_dir_all(&model_dir).expect("mkdir");
    let config = serde_json::json!({
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": WORDS.len(),
        "hidden_size": HIDDEN, "num_hidden_layers": LAYERS, "num_attention_heads": 2,
        "intermediate_size": INTERMEDIATE, "hidden_act": "gelu", "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0, "max_position_embeddings": 512, "type_vocab_size": 2,
        "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0,
        "position_embedding_type": "absolute", "use_cache": true
    });
    std::fs::write(model_dir.join("config.json"), config.to_string()).expect("config");
    let vocab: serde_json::Map<String, serde_json::Value> =
        WORDS.iter().enumerate().map(|(i, w)| ((*w).to_string(), serde_json::json!(i))).collect();
    let tokenizer = serde_json::json!({
        "version": "1.0", "added_tokens": [],
        // Like all-MiniLM-L6-v2's file: pads and truncates to 128 tokens.
        "truncation": {"max_length": 128, "strategy": "LongestFirst", "stride": 0, "direction": "Right"},
        "padding": {"strategy": {"Fixed": 128}, "direction": "Right", "pad_to_multiple_of": null,
                    "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"},
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                       "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": null, "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab}
    });
    std::fs::write(model_dir.join("tokenizer.json"), tokenizer.to_string()).expect("tokenizer");

    let mut w: HashMap<String, Tensor> = HashMap::new();
    let mut seed = 1u64;
    let mut next = || {
        seed += 1;
        seed
    };
    w.insert("embeddings.word_embeddings.weight".into(), randn(next(), &[WORDS.len(), HIDDEN]));
    w.insert("embeddings.position_embeddings.weight".into(), randn(next(), &[512, HIDDEN]));
    w.insert("embeddings.token_type_embeddings.weight".into(), randn(next(), &[2, HIDDEN]));
    w.insert("embeddings.LayerNorm.weight".into(), ones(HIDDEN));
    w.insert("embeddings.LayerNorm.bias".into(), zeros(&[HIDDEN]));
    for l in 0..LAYERS {
        let p = format!("encoder.layer.{l}");
        for (name, out, inp) in [
            ("attention.self.query", HIDDEN, HIDDEN),
            ("attention.self.key", HIDDEN, HIDDEN),
            ("attention.self.value", HIDDEN, HIDDEN),
            ("attention.output.dense", HIDDEN, HIDDEN),
            ("intermediate.dense", INTERMEDIATE, HIDDEN),
            ("output.dense", HIDDEN, INTERMEDIATE),
        ] {
            w.insert(format!("{p}.{name}.weight"), randn(next(), &[out, inp]));
            w.insert(format!("{p}.{name}.bias"), zeros(&[out]));
        }
        for ln in ["attention.output.LayerNorm", "output.LayerNorm"] {
            w.insert(format!("{p}.{ln}.weight"), ones(HIDDEN));
            w.insert(format!("{p}.{ln}.bias"), zeros(&[HIDDEN]));
        }
    }
    candle_core::safetensors::save(&w, model_dir.join("model.safetensors")).expect("weights");

    let mut a: HashMap<String, Tensor> = HashMap::new();
    a.insert("head.weight".into(), randn(99, &[HIDDEN]));
    a.insert("head.bias".into(), Tensor::new(&[adapter.head_bias], &Device::Cpu).expect("bias"));
    a.insert("blend".into(), Tensor::new(&adapter.blend, &Device::Cpu).expect("blend"));
    if adapter.lora_scale != 0.0 {
        let q = "encoder.layer.0.attention.self.query";
        a.insert(format!("{q}.lora_a"), (randn(7, &[4, HIDDEN]) * f64::from(adapter.lora_scale)).expect("a"));
        a.insert(format!("{q}.lora_b"), (randn(8, &[HIDDEN, 4]) * f64::from(adapter.lora_scale)).expect("b"));
    }
    for key in &adapter.omit {
        a.remove(*key);
    }
    for key in &adapter.extra {
        a.insert((*key).to_string(), zeros(&[2, 2]));
    }
    let adapter_path: PathBuf = dir.join("adapter.safetensors");
    candle_core::safetensors::save(&a, &adapter_path).expect("adapter");
    ReaderFiles { model_dir, adapter: adapter_path }
}
