//! keel's adapter file: low-rank updates merged into the base model's
//! weights, the head, and the blend.
//!
//! Tensors (safetensors, f32 or f16):
//! * `encoder.layer.N.<linear>.lora_a` `[r, in]` and `…lora_b` `[out, r]`
//!   (already scaled): the base weight `encoder.layer.N.<linear>.weight`
//!   becomes `weight + lora_b · lora_a`;
//! * `head.weight` `[hidden]`, `head.bias` `[1]`: a logistic unit on the
//!   normalized mean-pooled sentence vector;
//! * `blend` `[3]`: model, lexicon and bias weights of [`Blend`].

use super::ContextError;
use crate::core::context::Blend;
use candle_core::{DType, Tensor};
use std::collections::HashMap;
use std::path::Path;

const LORA_A: &str = ".lora_a";
const LORA_B: &str = ".lora_b";

/// The logistic unit on top of the sentence vector.
#[derive(Debug)]
pub(super) struct Head {
    weight: Tensor,
    bias: f32,
}

impl Head {
    /// Width of the sentence vector it expects.
    pub(super) fn width(&self) -> usize {
        self.weight.elem_count()
    }

    /// `sigmoid(weight · v + bias)`.
    pub(super) fn probability(&self, v: &Tensor) -> candle_core::Result<f32> {
        let z = (self.weight.mul(v)?.sum_all()?.to_scalar::<f32>()? + self.bias).clamp(-30.0, 30.0);
        Ok(1.0 / (1.0 + (-z).exp()))
    }
}

fn fail(path: &Path, key: &str, message: impl std::fmt::Display) -> ContextError {
    ContextError::Adapter { path: path.to_path_buf(), key: key.to_string(), message: message.to_string() }
}

fn take(path: &Path, t: &mut HashMap<String, Tensor>, key: &str) -> Result<Tensor, ContextError> {
    let tensor = t.remove(key).ok_or_else(|| fail(path, key, "missing"))?;
    tensor.to_dtype(DType::F32).map_err(|e| fail(path, key, e))
}

fn values(path: &Path, t: &mut HashMap<String, Tensor>, key: &str, len: usize) -> Result<Vec<f32>, ContextError> {
    let v = take(path, t, key)?.flatten_all().and_then(|x| x.to_vec1::<f32>()).map_err(|e| fail(path, key, e))?;
    if v.len() != len || v.iter().any(|x| !x.is_finite()) {
        return Err(fail(path, key, format!("expected {len} finite numbers, found {}", v.len())));
    }
    Ok(v)
}

/// Merges the adapter's low-rank updates into `weights` and returns the head
/// and blend. Any tensor left over or missing is an error naming it.
pub(super) fn merge(
    path: &Path,
    mut adapter: HashMap<String, Tensor>,
    weights: &mut HashMap<String, Tensor>,
) -> Result<(Head, Blend), ContextError> {
    let blend = values(path, &mut adapter, "blend", 3)?;
    let blend = Blend { model: blend[0], lexicon: blend[1], bias: blend[2] };
    let bias = values(path, &mut adapter, "head.bias", 1)?[0];
    let weight = take(path, &mut adapter, "head.weight")?.flatten_all().map_err(|e| fail(path, "head.weight", e))?;

    let mut prefixes: Vec<String> = adapter.keys().filter_map(|k| k.strip_suffix(LORA_A)).map(str::to_owned).collect();
    prefixes.sort();
    for prefix in prefixes {
        let key_a = format!("{prefix}{LORA_A}");
        let key_b = format!("{prefix}{LORA_B}");
        let a = take(path, &mut adapter, &key_a)?;
        let b = take(path, &mut adapter, &key_b)?;
        let key_w = format!("{prefix}.weight");
        let base = weights.get(&key_w).ok_or_else(|| fail(path, &key_a, format!("the base model has no `{key_w}`")))?;
        let delta = b.matmul(&a).map_err(|e| fail(path, &key_b, e))?;
        if delta.dims() != base.dims() {
            return Err(fail(
                path,
                &key_a,
                format!("update is {:?}, the base weight `{key_w}` is {:?}", delta.dims(), base.dims()),
            ));
        }
        let merged = base.to_dtype(DType::F32).and_then(|w| w + delta).map_err(|e| fail(path, &key_w, e))?;
        weights.insert(key_w, merged);
    }
    if let Some(extra) = adapter.keys().min() {
        return Err(fail(path, extra, "not an adapter tensor (expected *.lora_a, *.lora_b, head.*, blend)"));
    }
    Ok((Head { weight, bias }, blend))
}
