//! Normalization: the text the matcher sees, with a way back to the original.
//!
//! Phrase packs hold plain lower-case phrases (`idiot`, `waste of my time`)
//! and the matcher looks for them at word boundaries, where a word character
//! is alphanumeric. Everything people do to dodge such a matcher — capitals,
//! look-alike letters, zero-width characters, Zalgo, leetspeak, stretched
//! letters, spaced-out letters, self-censoring — is undone here, once, so the
//! matcher and the scorer can stay simple.
//!
//! # Shape
//!
//! [`normalize_into`] runs three short passes over a buffer of *units*
//! (`unit`), one unit per output character, each carrying the original byte
//! range it came from. The buffers live in [`Normalized`] and are reused, so a
//! warm `Normalized` normalizes a message without touching the allocator.
//! Each pass has a file of its own and talks to the others only through the
//! units, so any one rule can be found, read and changed alone:
//!
//! 1. **Scan** (`scan`): the original text becomes units. ASCII takes a fast
//!    path that never calls `decancer`; Discord markup and URLs are
//!    recognized here, on the original bytes, by `syntax` (which
//!    [`surface`](crate::core::surface) reuses); invisible characters and
//!    combining marks are dropped; every whitespace run becomes one space.
//!    Other characters are folded with `decancer` where that is trustworthy
//!    (Latin, Greek, Cyrillic and the letter-like symbol blocks) and passed
//!    through, lower-cased, everywhere else, so emoji and CJK are never
//!    turned into letters.
//! 2. **Join** (`join`): three or more single letters separated by the
//!    same separator (`i d i o t`, `f.u.c.k`, `f*u*c*k`) lose their
//!    separators; mixed separators (`f.u-c k`) do where the letters spell a
//!    known word, and one-letter words before a spelled word stay apart
//!    (`u r a c l o w n`: `u r a clown`).
//! 3. **Resolve** (`resolve`): tokens get leetspeak and self-censoring
//!    resolved and Markdown stars become spaces; then `emit` writes the
//!    text, collapsing runs of three or more identical letters into one
//!    *stretched* letter.
//!
//! Leetspeak is resolved *by context*: a token with digits (or a symbol that
//! may be one of two letters) becomes letters only where it then reads as a
//! word of the [`Vocabulary`] — the pack's own words, given by the analyzer
//! (`vocabulary`). `1d107`, `5h17`, `5vck5` and `fvck1n9` read as words;
//! `b4`, `gr8`, `l33t`, `3am`, `v1.0.5` and `x86_64` read as none and stay
//! as written. [`normalize`] reads against an empty vocabulary.
//!
//! Plain ASCII text, where a byte loop proves that these passes would only
//! lower-case letters and merge whitespace (no markup, URL, leetspeak,
//! wildcard, spaced-out or stretched letters), skips them: `plain` writes it
//! straight to the output, with the same offsets.
//!
//! [`words()`] (`words`) then splits normalized text into the words the
//! matcher and the scorer walk. The tests live in `tests.rs` and
//! `tests/`, one file per pass.
//!
//! Every output byte records the original range `[start, end)` it came from;
//! ranges are non-decreasing and lie on character boundaries, so
//! [`Normalized::original_span`] maps any normalized range back exactly.
//!
//! # What the output promises
//!
//! * Lower case; ASCII letters wherever the input was a Latin look-alike.
//! * `*` only ever appears as a *wildcard*: a self-censored letter inside a
//!   word (`f*ck`, `b#tch`). Stray and Markdown stars become spaces.
//! * A token starting with `@` is a person (or role, `@&`) being addressed.
//! * `.`, `!`, `?`, `,` and other ASCII punctuation stay, as clause
//!   boundaries for the scorer; `'` is the only apostrophe.
//! * URLs and custom emoji are a single space: their letters never match.
//!
//! # Judgement calls
//!
//! * Leetspeak needs a real letter in the token, and digits become letters
//!   only where the token then reads as a known word (see above). A code
//!   keeps its digits even then: an upper-case token after `#` (`#A55`) or
//!   one segment of an identifier next to a digit (`A55-1234`, `5H-177`).
//! * `$`, `€` and `@` inside a word are letters (`a$$`, `b@d`); `!` and `|`
//!   are `i` between a word character and a letter, and may be `i` or `l`
//!   before a digit or (`|` only) at the start of a word, where the known
//!   word decides (`1d!0t`, `|oser`); `+` between letters is `t` only in a
//!   known word (`s+up1d`, never `c++`). Not at a visible sentence break
//!   (`thanks!You`); `!ban` stays a command.
//! * `@` starting a token is a mention unless a non-alphanumeric follows
//!   (`@$$hole` is leet: usernames have no `$`).
//! * `#` is a wildcard only before a letter (`b#tch`, not `c#` or `#123`).
//! * A trailing star run closing an earlier opening run of the same length
//!   is Markdown (`*sigh*`), otherwise a wildcard (`f***`).
//! * E-mail addresses become a space, like URLs.
//! * Spaced-out letters need at least two real letters (`1 2 3` stays).
//! * A `v` may be a `u` (`fvck`): in tokens with digits the vocabulary reads
//!   it so; in tokens of plain letters the matcher does ([`typed_as`]).
//!
//! Inputs longer than `u32::MAX` bytes are normalized up to that length
//! (offsets are stored as `u32`); Discord messages are 4,000 characters.

mod emit;
mod join;
mod plain;
mod resolve;
mod scan;
pub(crate) mod syntax;
#[cfg(test)]
mod tests;
mod unit;
mod vocabulary;
mod words;

pub use vocabulary::{stands_for, typed_as, Vocabulary};
pub(crate) use vocabulary::{takes_es, MIN_STEM};
pub use words::{words, Words};

use unit::Unit;

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
    /// Scratch space for the passes; kept to reuse its allocation.
    units: Vec<Unit>,
    /// Scratch space for reading tokens against a vocabulary.
    read_chars: Vec<char>,
    /// Scratch space for a token's reading.
    read_buf: String,
}

impl Normalized {
    /// The normalized text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the normalized text back to a byte range of the
    /// original text. `start < end <= self.text().len()`; any other range
    /// gives `(0, 0)`.
    ///
    /// The result always lies on character boundaries of the original.
    ///
    /// ```
    /// let n = keel::core::normalize::normalize("you IDIOT!");
    /// assert_eq!(n.text(), "you idiot!");
    /// assert_eq!(n.original_span(4, 9), (4, 9));
    /// ```
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

    fn clear(&mut self) {
        self.text.clear();
        self.src.clear();
        self.stretched.clear();
        self.units.clear();
    }

    #[inline]
    fn emit(&mut self, c: char, start: u32, end: u32, stretched: bool) {
        self.text.push(c);
        if c.is_ascii() {
            // One byte: no loop.
            self.src.push((start, end));
            self.stretched.push(stretched);
            return;
        }
        for _ in 0..c.len_utf8() {
            self.src.push((start, end));
            self.stretched.push(stretched);
        }
    }
}

/// Normalizes `original` with no vocabulary: digits stay digits (see the
/// module docs for every rule).
pub fn normalize(original: &str) -> Normalized {
    normalize_with(original, &Vocabulary::new())
}

/// Normalizes `original`, reading disguised tokens against `vocabulary`.
///
/// ```
/// use keel::core::normalize::{normalize_with, Vocabulary};
/// let mut words = Vocabulary::new();
/// words.add_phrase("idiot", false, false);
/// let n = normalize_with("you 1d10t! order #A55-1", &words);
/// assert_eq!(n.text(), "you idiot! order #a55-1");
/// ```
pub fn normalize_with(original: &str, vocabulary: &Vocabulary) -> Normalized {
    let mut out = Normalized::default();
    normalize_into(original, vocabulary, &mut out);
    out
}

/// Like [`normalize_with`], reusing `out`'s buffers.
pub fn normalize_into(original: &str, vocabulary: &Vocabulary, out: &mut Normalized) {
    out.clear();
    let original = clamp_len(original);
    if plain::is_plain(original) {
        plain::write(original, out);
        return;
    }
    normalize_passes(original, vocabulary, out);
}

/// The passes, for text that is not plain (`out` cleared).
fn normalize_passes(original: &str, vocabulary: &Vocabulary, out: &mut Normalized) {
    let mut units = std::mem::take(&mut out.units);
    let mut reader =
        resolve::TokenReader::new(vocabulary, std::mem::take(&mut out.read_chars), std::mem::take(&mut out.read_buf));
    units.reserve(original.len());
    scan::scan(original, &mut units);
    join::join_spaced(&mut units, &mut reader);
    resolve::resolve(&mut units, &mut reader);
    emit::emit(&units, out);
    out.units = units;
    (out.read_chars, out.read_buf) = reader.into_buffers();
}

/// `s` cut to at most `u32::MAX` bytes, on a character boundary: offsets
/// are stored as `u32`.
fn clamp_len(s: &str) -> &str {
    let max = u32::MAX as usize;
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
