//! The evasion suite's perturbation families: each rewrites one listed
//! word the way people disguise insults, driven by a seeded [`Rng`] so the
//! same seed always gives the same rewrite.
//!
//! Every family keeps the word's letters recoverable by a human reader and
//! changes only the word itself; [`perturb_text`] leaves everything between
//! the listed words byte for byte as it was.

use super::rng::Rng;
use super::words::listed_spans;
use std::fmt;
use std::str::FromStr;

/// One way of disguising a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Digits and symbols for about half the mappable letters, first and
    /// last letters included: `f4g9ot`, `5h!t`, `1d10+`.
    Leet,
    /// Letters separated by spaces, dots, dashes, underscores, asterisks,
    /// or a mix: `i d i o t`, `s.h.i.t`, `f_u-c*k`.
    Separators,
    /// One or two letters stretched to 3-5 copies: `stuuuupid`.
    Repeats,
    /// Zero-width characters (U+200B, U+200C, U+200D, U+2060, U+FEFF)
    /// between letters.
    ZeroWidth,
    /// Combining marks (U+0300..U+036F) after about half the letters.
    Combining,
    /// Cyrillic and Greek look-alikes for about half the letters that have one.
    Homoglyphs,
    /// Mixed case: `iDiOt`.
    Case,
    /// One leet letter, one homoglyph, one zero-width character and mixed
    /// case, in the same word.
    Combined,
}

impl Family {
    /// Every family, in report order.
    pub const ALL: [Family; 8] = [
        Family::Leet,
        Family::Separators,
        Family::Repeats,
        Family::ZeroWidth,
        Family::Combining,
        Family::Homoglyphs,
        Family::Case,
        Family::Combined,
    ];

    /// The family's name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Family::Leet => "leet",
            Family::Separators => "separators",
            Family::Repeats => "repeats",
            Family::ZeroWidth => "zero-width",
            Family::Combining => "combining",
            Family::Homoglyphs => "homoglyphs",
            Family::Case => "case",
            Family::Combined => "combined",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A family name that is not one of [`Family::ALL`].
#[derive(Debug, thiserror::Error)]
#[error("unknown perturbation family {0:?}: expected leet, separators, repeats, zero-width, combining, homoglyphs, case or combined")]
pub struct UnknownFamily(String);

impl FromStr for Family {
    type Err = UnknownFamily;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Family::ALL.into_iter().find(|f| f.name() == s).ok_or_else(|| UnknownFamily(s.to_string()))
    }
}

/// The zero-width characters the suite inserts.
pub const ZERO_WIDTH: [char; 5] = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// What a lowercase letter may become in leetspeak.
pub fn leet_options(c: char) -> &'static [char] {
    match c.to_ascii_lowercase() {
        'a' => &['4', '@'],
        'e' => &['3'],
        'i' => &['1', '!', '|'],
        'l' => &['1', '|'],
        'o' => &['0'],
        's' => &['5', '$'],
        't' => &['7', '+'],
        'g' => &['9'],
        'b' => &['8'],
        'u' => &['v'],
        _ => &[],
    }
}

/// The Cyrillic and Greek look-alikes of a lowercase letter.
pub fn homoglyph_options(c: char) -> &'static [char] {
    match c.to_ascii_lowercase() {
        'a' => &['\u{0430}', '\u{03B1}'], // а α
        'c' => &['\u{0441}', '\u{03F2}'], // с ϲ
        'd' => &['\u{0501}'],             // ԁ
        'e' => &['\u{0435}', '\u{03B5}'], // е ε
        'h' => &['\u{04BB}'],             // һ
        'i' => &['\u{0456}', '\u{03B9}'], // і ι
        'j' => &['\u{0458}'],             // ј
        'k' => &['\u{03BA}', '\u{043A}'], // κ к
        'l' => &['\u{04CF}'],             // ӏ
        'o' => &['\u{043E}', '\u{03BF}'], // о ο
        'p' => &['\u{0440}', '\u{03C1}'], // р ρ
        's' => &['\u{0455}'],             // ѕ
        't' => &['\u{03C4}', '\u{0442}'], // τ т
        'u' => &['\u{03C5}'],             // υ
        'v' => &['\u{03BD}'],             // ν
        'w' => &['\u{051D}'],             // ԝ
        'x' => &['\u{0445}', '\u{03C7}'], // х χ
        'y' => &['\u{0443}', '\u{03B3}'], // у γ
        _ => &[],
    }
}

/// About half of `n`, and at least one when `n > 0`.
fn half(n: usize) -> usize {
    n.div_ceil(2)
}

/// Positions of `letters` for which `options` offers something.
fn mappable(letters: &[char], options: fn(char) -> &'static [char]) -> Vec<usize> {
    (0..letters.len()).filter(|&i| !options(letters[i]).is_empty()).collect()
}

/// Replaces about half the mappable letters with one of their `options`.
fn substitute(letters: &[char], options: fn(char) -> &'static [char], rng: &mut Rng) -> String {
    let positions = mappable(letters, options);
    let chosen = rng.choose(&positions, half(positions.len()));
    let mut out = letters.to_vec();
    for i in chosen {
        out[i] = rng.pick(options(letters[i]));
    }
    out.into_iter().collect()
}

fn separated(letters: &[char], rng: &mut Rng) -> String {
    const SEPARATORS: [char; 5] = [' ', '.', '-', '_', '*'];
    let style = rng.below(SEPARATORS.len() + 1);
    let mut out = String::new();
    for (i, &c) in letters.iter().enumerate() {
        if i > 0 {
            out.push(if style == SEPARATORS.len() { rng.pick(&SEPARATORS) } else { SEPARATORS[style] });
        }
        out.push(c);
    }
    out
}

fn repeated(letters: &[char], rng: &mut Rng) -> String {
    let all: Vec<usize> = (0..letters.len()).collect();
    let count = rng.between(1, 2).min(letters.len());
    let chosen = rng.choose(&all, count);
    let mut out = String::new();
    for (i, &c) in letters.iter().enumerate() {
        let copies = if chosen.contains(&i) { rng.between(3, 5) } else { 1 };
        out.extend(std::iter::repeat_n(c, copies));
    }
    out
}

/// `letters` with one of `marks` inserted into each of the chosen gaps
/// (gap `g` is between letter `g` and `g + 1`).
fn with_gaps(letters: &[char], gaps: &[usize], rng: &mut Rng, marks: &[char]) -> String {
    let mut out = String::new();
    for (i, &c) in letters.iter().enumerate() {
        out.push(c);
        if gaps.contains(&i) {
            out.push(rng.pick(marks));
        }
    }
    out
}

fn zero_width(letters: &[char], rng: &mut Rng) -> String {
    let gaps: Vec<usize> = (0..letters.len().saturating_sub(1)).collect();
    let chosen = rng.choose(&gaps, half(gaps.len()));
    with_gaps(letters, &chosen, rng, &ZERO_WIDTH)
}

fn combining(letters: &[char], rng: &mut Rng) -> String {
    let all: Vec<usize> = (0..letters.len()).collect();
    let chosen = rng.choose(&all, half(letters.len()));
    let mut out = String::new();
    for (i, &c) in letters.iter().enumerate() {
        out.push(c);
        if chosen.contains(&i) {
            for _ in 0..rng.between(1, 2) {
                out.push(char::from_u32(0x0300 + rng.below(0x70) as u32).unwrap_or('\u{0301}'));
            }
        }
    }
    out
}

/// True when `s` has both an uppercase and a lowercase ASCII letter.
fn is_mixed(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_ascii_lowercase())
}

fn mixed_case(letters: &[char], rng: &mut Rng) -> String {
    let original: String = letters.iter().collect();
    for _ in 0..32 {
        let s: String =
            letters.iter().map(|c| if rng.coin() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() }).collect();
        if s != original && (is_mixed(&s) || letters.len() < 2) {
            return s;
        }
    }
    // Alternating case, starting opposite to the original's first letter.
    let upper_first = letters.first().is_some_and(char::is_ascii_lowercase);
    letters
        .iter()
        .enumerate()
        .map(|(i, c)| if (i % 2 == 0) == upper_first { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
        .collect()
}

fn combined(letters: &[char], rng: &mut Rng) -> String {
    let mut out: Vec<char> = letters.iter().map(|c| if rng.coin() { c.to_ascii_uppercase() } else { *c }).collect();
    let leet = mappable(letters, leet_options);
    let leet_at = (!leet.is_empty()).then(|| rng.pick(&leet));
    if let Some(i) = leet_at {
        out[i] = rng.pick(leet_options(letters[i]));
    }
    let glyphs: Vec<usize> = mappable(letters, homoglyph_options).into_iter().filter(|&i| Some(i) != leet_at).collect();
    if !glyphs.is_empty() {
        let i = rng.pick(&glyphs);
        out[i] = rng.pick(homoglyph_options(letters[i]));
    }
    let gaps: Vec<usize> = (0..letters.len().saturating_sub(1)).collect();
    let gap = if gaps.is_empty() { vec![] } else { vec![rng.pick(&gaps)] };
    with_gaps(&out, &gap, rng, &ZERO_WIDTH)
}

/// `word` (a listed word: ASCII letters) disguised by `family`.
pub fn perturb_word(family: Family, word: &str, rng: &mut Rng) -> String {
    let letters: Vec<char> = word.chars().collect();
    match family {
        Family::Leet => substitute(&letters, leet_options, rng),
        Family::Separators => separated(&letters, rng),
        Family::Repeats => repeated(&letters, rng),
        Family::ZeroWidth => zero_width(&letters, rng),
        Family::Combining => combining(&letters, rng),
        Family::Homoglyphs => substitute(&letters, homoglyph_options, rng),
        Family::Case => mixed_case(&letters, rng),
        Family::Combined => combined(&letters, rng),
    }
}

/// `text` with every listed word disguised by `family`, or `None` when it
/// has no listed word. Everything else stays as it was.
pub fn perturb_text(family: Family, text: &str, rng: &mut Rng) -> Option<String> {
    let spans = listed_spans(text);
    if spans.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut last = 0;
    for span in spans {
        out.push_str(&text[last..span.start]);
        out.push_str(&perturb_word(family, &text[span.clone()], rng));
        last = span.end;
    }
    out.push_str(&text[last..]);
    Some(out)
}

#[cfg(test)]
mod tests;
