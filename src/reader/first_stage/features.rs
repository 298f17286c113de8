//! The first stage's features: hashed word unigrams and bigrams and
//! character n-grams within words, exactly as `tools/train_first_stage.py`
//! computes them (the spec is in `docs/first-stage.md`, "Features").
//!
//! Everything works on the text's UTF-8 bytes and hashes incrementally
//! (32-bit FNV-1a, one multiply per byte), so a message costs no allocation:
//! each n-gram's hash extends the previous one by one byte.

/// FNV-1a 32's offset basis (xored with the model's seed).
const FNV_OFFSET: u32 = 0x811c_9dc5;
/// FNV-1a 32's prime.
const FNV_PRIME: u32 = 0x0100_0193;
/// The first byte hashed for a word unigram.
const TAG_WORD: u8 = 1;
/// The first byte hashed for a word bigram.
const TAG_BIGRAM: u8 = 2;
/// The first byte hashed for a character n-gram.
const TAG_CHAR: u8 = 3;
/// The marker before a word's first byte in its character n-grams.
const WORD_START: u8 = 0x02;
/// The marker after a word's last byte in its character n-grams.
const WORD_END: u8 = 0x03;

/// One FNV-1a step: xor the byte in, multiply by the prime.
#[inline]
fn step(h: u32, b: u8) -> u32 {
    (h ^ u32::from(b)).wrapping_mul(FNV_PRIME)
}

/// The hash of `bytes` continued from `h`.
#[inline]
fn extend(h: u32, bytes: &[u8]) -> u32 {
    bytes.iter().fold(h, |h, &b| step(h, b))
}

/// A byte that belongs to a word: an ASCII letter or digit, an apostrophe,
/// or any byte of a non-ASCII character.
#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'\'' || b >= 0x80
}

/// How a model hashes text into buckets: the settings its file records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hashing {
    /// Xored into FNV-1a's offset basis.
    pub seed: u32,
    /// log2 of the bucket count.
    pub bits: u32,
    /// Shortest character n-gram (counting the word markers).
    pub char_min: usize,
    /// Longest character n-gram.
    pub char_max: usize,
    /// Word n-grams: 1 = unigrams, 2 = unigrams and bigrams.
    pub word_n: u8,
}

impl Hashing {
    /// The bucket of a hash: its high bits folded onto the low ones, masked.
    #[inline]
    fn bucket(&self, h: u32) -> usize {
        ((h ^ (h >> self.bits)) & ((1u32 << self.bits) - 1)) as usize
    }

    /// Calls `hit` with the bucket of every feature of `text`, repeats
    /// included: per word, its unigram and its character n-grams; then one
    /// bigram per pair of neighbouring words.
    pub fn each_feature(&self, text: &[u8], mut hit: impl FnMut(usize)) {
        let base = FNV_OFFSET ^ self.seed;
        let word_start = step(base, TAG_WORD);
        let char_start = step(base, TAG_CHAR);
        let bigram_start = step(base, TAG_BIGRAM);
        let mut previous: Option<&[u8]> = None;
        for word in text.split(|&b| !is_word_byte(b)).filter(|w| !w.is_empty()) {
            hit(self.bucket(extend(word_start, word)));
            self.char_grams(char_start, word, &mut hit);
            if self.word_n >= 2 {
                if let Some(p) = previous {
                    hit(self.bucket(extend(step(extend(bigram_start, p), b' '), word)));
                }
            }
            previous = Some(word);
        }
    }

    /// The character n-grams of one word between its markers
    /// (`\x02word\x03`), without building the padded word.
    #[inline]
    fn char_grams(&self, start: u32, word: &[u8], hit: &mut impl FnMut(usize)) {
        let len = word.len() + 2;
        let at = |j: usize| match j {
            0 => WORD_START,
            j if j == len - 1 => WORD_END,
            j => word[j - 1],
        };
        for i in 0..len {
            let mut h = start;
            for n in 1..=self.char_max.min(len - i) {
                h = step(h, at(i + n - 1));
                if n >= self.char_min {
                    hit(self.bucket(h));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashing() -> Hashing {
        Hashing { seed: 0, bits: 18, char_min: 2, char_max: 5, word_n: 2 }
    }

    fn features(text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        hashing().each_feature(text.as_bytes(), |b| out.push(b));
        out
    }

    #[test]
    fn fnv1a32_matches_its_published_values() {
        assert_eq!(extend(FNV_OFFSET, b""), 0x811c_9dc5);
        assert_eq!(extend(FNV_OFFSET, b"a"), 0xe40c_292c);
        assert_eq!(extend(FNV_OFFSET, b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn a_word_has_its_unigram_and_every_char_gram_between_markers() {
        // "ab" padded is 4 bytes: 3 bigrams + 2 trigrams + 1 four-gram, and the unigram.
        assert_eq!(features("ab").len(), 1 + 3 + 2 + 1);
        // A one-byte word: [\x02 a], [a \x03], [\x02 a \x03], and the unigram.
        assert_eq!(features("a").len(), 4);
        // Two words add one bigram; separators are not words.
        assert_eq!(features("a, a").len(), 4 + 4 + 1);
        assert!(features("").is_empty());
        assert!(features(" !?. ").is_empty());
    }

    #[test]
    fn non_ascii_bytes_and_apostrophes_are_word_bytes() {
        assert_eq!(features("don't").len(), features("donxt").len());
        assert_eq!(features("é").len(), features("ab").len(), "two UTF-8 bytes, one word");
    }

    #[test]
    fn every_bucket_is_in_range() {
        let h = Hashing { bits: 4, ..hashing() };
        h.each_feature("the quick brown fox jumps over the lazy dog 😀".as_bytes(), |b| assert!(b < 16));
    }
}
