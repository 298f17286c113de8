//! Normalization: one pass over a message producing the text the matcher sees.
//!
//! PLACEHOLDER implementation (lower-casing only); the real one replaces it.

/// A message as the matcher sees it, with offsets back into the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// For each byte of `text`, the byte range `[start, end)` in the original
    /// that produced it.
    src: Vec<(u32, u32)>,
    /// For each byte of `text`: the letter there stood for a run of three or
    /// more identical letters in the original ("stuuupid").
    stretched: Vec<bool>,
}

impl Normalized {
    /// The normalized text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the normalized text back to a byte range of the
    /// original text. `start < end <= self.text().len()`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= end || end > self.src.len() {
            return (0, 0);
        }
        (self.src[start].0 as usize, self.src[end - 1].1 as usize)
    }

    /// True if the byte at `idx` is a letter that stood for a run of three or
    /// more of the same letter in the original.
    pub fn is_stretched(&self, idx: usize) -> bool {
        self.stretched.get(idx).copied().unwrap_or(false)
    }
}

/// Normalizes `original` (see the module docs for every rule).
pub fn normalize(original: &str) -> Normalized {
    let mut out = Normalized::default();
    normalize_into(original, &mut out);
    out
}

/// Like [`normalize`], reusing `out`'s buffers.
pub fn normalize_into(original: &str, out: &mut Normalized) {
    out.text.clear();
    out.src.clear();
    out.stretched.clear();
    for (i, c) in original.char_indices() {
        let end = (i + c.len_utf8()) as u32;
        for l in c.to_lowercase() {
            let mut buf = [0u8; 4];
            let s = l.encode_utf8(&mut buf);
            out.text.push_str(s);
            for _ in 0..s.len() {
                out.src.push((i as u32, end));
                out.stretched.push(false);
            }
        }
    }
}
