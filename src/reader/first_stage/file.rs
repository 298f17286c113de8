//! The first stage's weight file, `models/keel-first-stage.bin`, as
//! `tools/train_first_stage.py` writes it (layout in `docs/first-stage.md`,
//! "File layout"): a 32-byte little-endian header, then one signed byte
//! per bucket. Version 2 (`tools/fit_stages.py` rewrites a version 1 file so)
//! adds 20 bytes to the header: the blend with the phrase score and the band
//! where the transformer reads instead.

use super::features::Hashing;
use std::path::{Path, PathBuf};

/// The file's first eight bytes.
pub const MAGIC: &[u8; 8] = b"KEELFST\0";
/// The newest layout version this keel reads (it reads 1 and 2).
pub const VERSION: u32 = 2;
/// Bytes before the weights in a version 1 file.
pub const HEADER_LEN: usize = 32;
/// Bytes the version 2 header adds: five f32.
const STAGES_LEN: usize = 20;
/// The largest bucket count a file may declare (2^24, 16 MB of weights).
const MAX_BITS: u32 = 24;
/// The longest character n-gram a file may ask for.
const MAX_CHAR_GRAM: usize = 16;

/// Why the first stage's weights could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FirstStageError {
    /// The file could not be read (missing, unreadable).
    #[error("{path}: cannot read the first stage's weights: {source} (train them with `python3 tools/train_first_stage.py`)")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file does not start with [`MAGIC`]: it is not a first-stage model.
    #[error("{path}: not a first-stage model (bad magic: the file must start with \"KEELFST\\0\")")]
    BadMagic {
        /// The file.
        path: PathBuf,
    },
    /// The file is of a layout version this keel does not read.
    #[error("{path}: layout version {found}, but this keel reads versions 1 and {VERSION}")]
    Version {
        /// The file.
        path: PathBuf,
        /// The version the file declares.
        found: u32,
    },
    /// The file ends before its header or its weights do.
    #[error("{path}: truncated: {len} bytes, but {expected} are needed")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Its length.
        len: usize,
        /// The length its header calls for (or the header's own, if shorter).
        expected: usize,
    },
    /// The header holds a setting out of range, or bytes follow the weights.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, in words.
        message: String,
    },
}

/// A weight file, parsed and checked.
#[derive(Debug)]
pub(super) struct Parsed {
    /// How text hashes into buckets.
    pub hashing: Hashing,
    /// The logit with no features.
    pub bias: f32,
    /// What one unit of a quantized weight is worth.
    pub scale: f32,
    /// One quantized weight per bucket.
    pub weights: Box<[i8]>,
    /// Version 2: the blend and the band.
    pub stages: Option<Stages>,
}

/// What version 2 adds: how a first-stage reading blends with the phrase
/// score (`core::context::Blend`'s three weights) and the band of its
/// probabilities where the transformer reads instead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stages {
    /// Weight of the first stage's log-odds.
    pub model: f32,
    /// Weight of the phrase score (the transformer's own).
    pub lexicon: f32,
    /// Constant term.
    pub bias: f32,
    /// Lowest first-stage probability the transformer reads.
    pub band_lo: f32,
    /// Highest first-stage probability the transformer reads.
    pub band_hi: f32,
}

/// Little-endian readers over the header (its length is checked first).
fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn f32_at(bytes: &[u8], at: usize) -> f32 {
    f32::from_bits(u32_at(bytes, at))
}

/// Parses the bytes of the file at `path` (named in errors only).
pub(super) fn parse(bytes: &[u8], path: &Path) -> Result<Parsed, FirstStageError> {
    let path_buf = || path.to_path_buf();
    let invalid = |message: String| FirstStageError::Invalid { path: path_buf(), message };
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(FirstStageError::BadMagic { path: path_buf() });
    }
    if bytes.len() < HEADER_LEN {
        return Err(FirstStageError::Truncated { path: path_buf(), len: bytes.len(), expected: HEADER_LEN });
    }
    let version = u32_at(bytes, 8);
    if !(1..=VERSION).contains(&version) {
        return Err(FirstStageError::Version { path: path_buf(), found: version });
    }
    let header = if version == 2 { HEADER_LEN + STAGES_LEN } else { HEADER_LEN };
    if bytes.len() < header {
        return Err(FirstStageError::Truncated { path: path_buf(), len: bytes.len(), expected: header });
    }
    let seed = u32_at(bytes, 12);
    let (bits, char_min, char_max, word_n) = (u32::from(bytes[16]), bytes[17] as usize, bytes[18] as usize, bytes[19]);
    let (bias, scale, count) = (f32_at(bytes, 20), f32_at(bytes, 24), u32_at(bytes, 28) as usize);
    if !(1..=MAX_BITS).contains(&bits) {
        return Err(invalid(format!("bucket bits {bits} out of range (1 to {MAX_BITS})")));
    }
    if char_min == 0 || char_min > char_max || char_max > MAX_CHAR_GRAM {
        return Err(invalid(format!(
            "character n-grams {char_min} to {char_max}: need 1 <= min <= max <= {MAX_CHAR_GRAM}"
        )));
    }
    if !(1..=2).contains(&word_n) {
        return Err(invalid(format!("word n-grams up to {word_n}: must be 1 or 2")));
    }
    if !bias.is_finite() || !scale.is_finite() {
        return Err(invalid(format!("bias {bias} and scale {scale} must be finite")));
    }
    if count != 1 << bits {
        return Err(invalid(format!("{count} weights for {bits} bucket bits (expected {})", 1u32 << bits)));
    }
    let stages = (version == 2).then(|| Stages {
        model: f32_at(bytes, HEADER_LEN),
        lexicon: f32_at(bytes, HEADER_LEN + 4),
        bias: f32_at(bytes, HEADER_LEN + 8),
        band_lo: f32_at(bytes, HEADER_LEN + 12),
        band_hi: f32_at(bytes, HEADER_LEN + 16),
    });
    if let Some(st) = stages {
        if ![st.model, st.lexicon, st.bias, st.band_lo, st.band_hi].iter().all(|x| x.is_finite()) {
            return Err(invalid(format!("blend and band {st:?} must be finite")));
        }
        if !(0.0..=1.0).contains(&st.band_lo) || !(st.band_lo..=1.0).contains(&st.band_hi) {
            return Err(invalid(format!("band [{}, {}]: need 0 <= lo <= hi <= 1", st.band_lo, st.band_hi)));
        }
    }
    let expected = header + count;
    if bytes.len() < expected {
        return Err(FirstStageError::Truncated { path: path_buf(), len: bytes.len(), expected });
    }
    if bytes.len() > expected {
        return Err(invalid(format!("{} bytes after the weights", bytes.len() - expected)));
    }
    let weights = bytes[header..].iter().map(|&b| b as i8).collect();
    Ok(Parsed { hashing: Hashing { seed, bits, char_min, char_max, word_n }, bias, scale, weights, stages })
}
