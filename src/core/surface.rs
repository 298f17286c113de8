//! Surface signals read from the original text: shouting and punctuation bursts.
//!
//! These look at what normalization throws away (capitals, `!!!`), so they
//! read the original message. One pass, no allocation; most messages need
//! only a quick first look (see [`may_signal`]).
//!
//! Text that is not the author's own voice is skipped: inline code and code
//! blocks (pasted `ERROR: CONNECTION REFUSED` logs), Discord markup
//! (`<:PEPEHANDS:123>`, mentions, timestamps) and URLs.
//!
//! # Shouting
//!
//! Only words of five letters or more count, which leaves out acronyms
//! (`API`, `USPS`, `HTTP`, `FAQ`) and short words (`I`, `OK`, `NOW`). Words
//! containing digits or `_` are identifiers (`ERROR_CODE`, `HTTP404`) and
//! are skipped. A word is in capitals when all its letters are upper case.
//!
//! `shouting` is the share of letters, among counted words, that belong to
//! words in capitals (so title case and `iPhone` count for nothing). It is 0
//! unless the message really shouts:
//!
//! * at least two words in capitals (`WHERE IS MY ORDER`), or
//! * one word in capitals that holds more than half of the letters of a
//!   short message (at most [`SHORT_MESSAGE_LETTERS`] letters):
//!   `UNACCEPTABLE!!!`, `REFUND NOW`.
//!
//! One capitalized word in a longer sentence (`I want a REFUND now`,
//! `My USPS tracking says FEDEX`) is emphasis or a name, not shouting.
//!
//! # Punctuation bursts
//!
//! A burst is a run of `!` and `?` (fullwidth `！？`, `‼`, `⁉`, `❗`, `❓`
//! included) of length three or more, or of length two when it mixes both
//! (`?!`). `!`, `?`, `!!`, `??` and `...` are not bursts. Emoji variation
//! selectors inside a run (`❗️❗️`) do not break it.

use super::normalize::syntax;

/// What the surface of a message says about its tone.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Surface {
    /// 0 (no shouting) to 1 (everything that can be shouted is in capitals).
    pub shouting: f32,
    /// Number of punctuation bursts such as `!!!` or `?!?!`.
    pub punctuation_bursts: u32,
}

/// Words shorter than this never count towards shouting.
pub const MIN_SHOUT_WORD_LETTERS: u32 = 5;

/// A message with at most this many letters is short: one word in capitals
/// can make it shouting.
pub const SHORT_MESSAGE_LETTERS: u32 = 40;

/// Reads the surface signals of `original`.
///
/// ```
/// use keel::core::surface::surface;
/// let s = surface("WHERE IS MY ORDER?!?!");
/// assert_eq!(s.shouting, 1.0);
/// assert_eq!(s.punctuation_bursts, 1);
/// assert_eq!(surface("My USPS tracking says FEDEX").shouting, 0.0);
/// ```
pub fn surface(original: &str) -> Surface {
    if !may_signal(original.as_bytes()) {
        return Surface::default();
    }
    read(original)
}

/// Reads the surface signals of `original` word by word and run by run.
fn read(original: &str) -> Surface {
    let bytes = original.as_bytes();
    let mut caps = Caps::default();
    let mut bursts = Bursts::default();
    let maybe_url = syntax::has_url_marker(original);
    let mut in_code = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'`' {
            while bytes.get(i) == Some(&b'`') {
                i += 1;
            }
            in_code = !in_code;
            caps.end_word();
            bursts.end_run();
            continue;
        }
        if !in_code {
            if let Some(end) = skip_markup(bytes, i, maybe_url) {
                caps.end_word();
                bursts.end_run();
                i = end;
                continue;
            }
        }
        if b < 0x80 {
            // ASCII: no decoding, no Unicode tables.
            i += 1;
            if !in_code {
                caps.push_ascii(b);
                bursts.push_ascii(b);
            }
            continue;
        }
        let Some(c) = original.get(i..).and_then(|s| s.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        if in_code {
            continue;
        }
        caps.push(c);
        bursts.push(c);
    }
    caps.end_word();
    bursts.end_run();
    Surface { shouting: caps.shouting(), punctuation_bursts: bursts.count }
}

/// False when `bytes` certainly has no surface signal, so [`surface`] is
/// [`Surface::default()`] without reading it word by word.
///
/// Exact, not a guess. Skipping code, markup and URLs only ends words and
/// runs, never joins them, so:
///
/// * a counted word in capitals is a run of bytes that are ASCII capitals or
///   non-ASCII (other scripts, invisible joiners) holding five or more
///   characters; without one `shouting` is 0;
/// * a burst holds one of the non-ASCII marks (`！`, `‼`, `❗`...), or two
///   ASCII `!`/`?` with nothing but non-ASCII bytes (joiners) between them.
fn may_signal(bytes: &[u8]) -> bool {
    if bytes.is_ascii() {
        may_signal_ascii(bytes)
    } else {
        may_signal_bytes(bytes)
    }
}

/// [`may_signal`] on any text.
fn may_signal_bytes(bytes: &[u8]) -> bool {
    // Branch-free, so it costs the same on every kind of text.
    let mut caps_run = 0u32;
    let mut prev_mark = false;
    let mut last3 = 0u32;
    let mut found = false;
    for &b in bytes {
        let upper = b.is_ascii_uppercase();
        let high = b >= 0x80;
        // Characters in the run: ASCII capitals and non-ASCII lead bytes.
        let chars = caps_run + u32::from(upper || b >= 0xC0);
        caps_run = if upper || high { chars } else { 0 };
        last3 = (last3 << 8 | u32::from(b)) & 0xFF_FFFF;
        let mark = b == b'!' || b == b'?';
        found |= (caps_run >= MIN_SHOUT_WORD_LETTERS) || (mark & prev_mark) | is_burst_mark_utf8(last3);
        prev_mark = if high { prev_mark } else { mark };
    }
    found
}

/// [`may_signal_bytes`] on ASCII text, where it comes down to five capitals
/// in a row or two `!`/`?` side by side; 64 bytes at a time, as bit masks.
fn may_signal_ascii(bytes: &[u8]) -> bool {
    // The last four capital bits and the last mark bit of the block before.
    let (mut upper_before, mut mark_before) = (0u128, 0u128);
    for block in bytes.chunks(64) {
        let (mut upper, mut mark) = (0u64, 0u64);
        for (k, &b) in block.iter().enumerate() {
            upper |= u64::from(b.is_ascii_uppercase()) << k;
            mark |= u64::from(b == b'!' || b == b'?') << k;
        }
        let u = u128::from(upper) << 4 | upper_before;
        let m = u128::from(mark) << 1 | mark_before;
        if u & u >> 1 & u >> 2 & u >> 3 & u >> 4 != 0 || m & m >> 1 != 0 {
            return true;
        }
        upper_before = u128::from(upper >> 60);
        mark_before = u128::from(mark >> 63);
    }
    false
}

/// The UTF-8 bytes (as `0xXXYYZZ`) of a non-ASCII `!`/`?` character that
/// [`Bursts::push`] counts; all of them are three bytes long.
fn is_burst_mark_utf8(last3: u32) -> bool {
    matches!(
        last3,
        0xEF_BC_81 // ！
        | 0xEF_BC_9F // ？
        | 0xEF_B9_97 // ﹗
        | 0xEF_B9_96 // ﹖
        | 0xE2_9D_97 // ❗
        | 0xE2_9D_95 // ❕
        | 0xE2_9D_93 // ❓
        | 0xE2_9D_94 // ❔
        | 0xE2_80_BC // ‼
        | 0xE2_81_89 // ⁉
        | 0xE2_81_88 // ⁈
    )
}

/// Where Discord markup or a URL starting at `i` ends, if one does.
fn skip_markup(bytes: &[u8], i: usize, maybe_url: bool) -> Option<usize> {
    match bytes[i] {
        b'<' => syntax::markup(bytes, i).map(|m| match m {
            syntax::Markup::Mention { end, .. } | syntax::Markup::Blank { end } => end,
        }),
        b if maybe_url && b.is_ascii_alphabetic() && syntax::at_word_start(bytes, i) => syntax::url_end(bytes, i),
        _ => None,
    }
}

/// Counts capitals word by word.
#[derive(Default)]
struct Caps {
    /// Letters in the current word.
    letters: u32,
    /// Upper-case letters in the current word.
    upper: u32,
    /// The current word contains a digit or `_`.
    identifier: bool,
    /// Letters in all words.
    total_letters: u32,
    /// Letters in counted (long) words.
    long_letters: u32,
    /// Letters in counted words that are in capitals.
    caps_letters: u32,
    /// Counted words in capitals.
    caps_words: u32,
}

impl Caps {
    fn push(&mut self, c: char) {
        if c.is_alphabetic() {
            self.letters += 1;
            self.upper += u32::from(c.is_uppercase());
        } else if c.is_numeric() || c == '_' {
            self.identifier = true;
        } else if !is_invisible_joiner(c) {
            self.end_word();
        }
    }

    /// [`Caps::push`] for an ASCII byte (none of which is an invisible joiner).
    #[inline]
    fn push_ascii(&mut self, b: u8) {
        if b.is_ascii_alphabetic() {
            self.letters += 1;
            self.upper += u32::from(b.is_ascii_uppercase());
        } else if b.is_ascii_digit() || b == b'_' {
            self.identifier = true;
        } else {
            self.end_word();
        }
    }

    #[inline]
    fn end_word(&mut self) {
        if self.letters == 0 {
            // Nothing to count; only the identifier mark is reset.
            self.identifier = false;
            return;
        }
        self.total_letters += self.letters;
        if self.letters >= MIN_SHOUT_WORD_LETTERS && !self.identifier {
            self.long_letters += self.letters;
            if self.upper == self.letters {
                self.caps_letters += self.letters;
                self.caps_words += 1;
            }
        }
        self.letters = 0;
        self.upper = 0;
        self.identifier = false;
    }

    fn shouting(&self) -> f32 {
        let one_word_message = self.caps_words == 1
            && self.total_letters <= SHORT_MESSAGE_LETTERS
            && self.caps_letters * 2 > self.total_letters;
        if self.long_letters == 0 || !(self.caps_words >= 2 || one_word_message) {
            return 0.0;
        }
        self.caps_letters as f32 / self.long_letters as f32
    }
}

/// Zero-width characters and marks that do not end a word or a run.
fn is_invisible_joiner(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200D | 0x2060 | 0xFEFF | 0x00AD | 0xFE00..=0xFE0F)
        || matches!(c as u32, 0x0300..=0x036F)
}

/// Counts runs of `!` and `?`.
#[derive(Default)]
struct Bursts {
    len: u32,
    bang: bool,
    question: bool,
    count: u32,
}

impl Bursts {
    fn push(&mut self, c: char) {
        let (n, bang, question) = match c {
            '!' | '！' | '❗' | '❕' | '﹗' => (1, true, false),
            '?' | '？' | '❓' | '❔' | '﹖' => (1, false, true),
            '‼' => (2, true, false),
            '⁉' | '⁈' => (2, true, true),
            c if is_invisible_joiner(c) => return,
            _ => {
                self.end_run();
                return;
            }
        };
        self.len += n;
        self.bang |= bang;
        self.question |= question;
    }

    /// [`Bursts::push`] for an ASCII byte.
    #[inline]
    fn push_ascii(&mut self, b: u8) {
        match b {
            b'!' => {
                self.len += 1;
                self.bang = true;
            }
            b'?' => {
                self.len += 1;
                self.question = true;
            }
            _ => self.end_run(),
        }
    }

    #[inline]
    fn end_run(&mut self) {
        if self.len == 0 {
            // No run open (`bang` and `question` are only set with `len`).
            return;
        }
        if self.len >= 3 || (self.len >= 2 && self.bang && self.question) {
            self.count += 1;
        }
        *self = Bursts { count: self.count, ..Bursts::default() };
    }
}

#[cfg(test)]
mod tests;
