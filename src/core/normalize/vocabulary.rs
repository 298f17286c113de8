//! The words a disguised token may be read as, and how to find a reading.
//!
//! Leetspeak is ambiguous on its own: `a55` is an insult in "what a55" and a
//! code in "order #A55-1234", `l33t` a handle, `b4` a word of its own, and a
//! `1` stands for `i` in `1d10t` but for `l` in `1oser`. So digits become
//! letters only where the token then *reads as a word* the analyzer knows:
//! a word of the phrase pack (its phrases, its allow-list, its grammar
//! words), with the endings the matcher allows. Everything else keeps its
//! digits, exactly as written.
//!
//! [`Vocabulary`] holds those words; [`Vocabulary::find_reading`] tries the
//! letters each character may stand for ([`stands_for`]) and returns the
//! first spelling that reads as one of them. The join pass asks it where a
//! spaced-out word starts (`u r a c l o w n`), the resolve pass what a token
//! with digits says. An empty vocabulary (the default) reads nothing: digits
//! always stay digits.

use crate::core::word_hash::WordHasher;
use std::collections::{HashMap, HashSet};

/// Shortest stem that may take an ending (`s`, `es`, or any ending of a
/// prefix phrase such as `fuck*`), here and in the matcher.
pub(crate) const MIN_STEM: usize = 3;

/// Ambiguous characters (two possible letters) tried both ways in one token;
/// further ones take their first letter. Bounds the search at 16 spellings.
const MAX_AMBIGUOUS: usize = 4;

/// Shortest token read against the vocabulary (`4n` is `an`), and shortest
/// with a symbol in it (`A+` and `C#` are no words in disguise).
const MIN_READ_LEN: (usize, usize) = (2, 3);

/// How strongly a word is known: a phrase of one word, a stem, or only a
/// word within a longer phrase or a grammar list. Where a token spells two
/// known words (`h31l`: `heil`, of "heil hitler", or `hell`), the stronger
/// reading wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Known {
    /// A word within a longer phrase, or a grammar word.
    InPhrase,
    /// A phrase of its own, or a stem.
    Phrase,
}

/// The words disguised tokens may be read as (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Whole words (`idiot`); `s` and `es` may follow.
    words: HashMap<Box<str>, Known, WordHasher>,
    /// Stems that take any ending (`fuck` from `fuck*`).
    prefixes: HashSet<Box<str>, WordHasher>,
    /// Stems that take any beginning (`hole` from `*hole`).
    suffixes: HashSet<Box<str>, WordHasher>,
}

impl Vocabulary {
    /// An empty vocabulary: nothing is read, digits stay digits.
    pub fn new() -> Vocabulary {
        Vocabulary::default()
    }

    /// Adds every word of `phrase` (lower-case ASCII words of one or more
    /// letters; other words are ignored). With `any_start`/`any_end`, the
    /// phrase's first/last word is a stem that takes any beginning/ending.
    pub fn add_phrase(&mut self, phrase: &str, any_start: bool, any_end: bool) {
        let words: Vec<&str> = phrase.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()).collect();
        let last = words.len().saturating_sub(1);
        let known = if words.len() == 1 { Known::Phrase } else { Known::InPhrase };
        for (i, w) in words.iter().enumerate() {
            let w = w.to_ascii_lowercase();
            if i == last && any_end && w.len() >= MIN_STEM {
                self.prefixes.insert(w.into());
            } else if i == 0 && any_start && w.len() >= MIN_STEM {
                self.suffixes.insert(w.into());
            } else {
                let k = self.words.entry(w.into()).or_insert(known);
                *k = (*k).max(known);
            }
        }
    }

    /// True when nothing can be read.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.prefixes.is_empty() && self.suffixes.is_empty()
    }

    /// Number of words and stems held.
    pub fn len(&self) -> usize {
        self.words.len() + self.prefixes.len() + self.suffixes.len()
    }

    /// Does `w` (lower-case letters) read as a known word, with the endings
    /// the matcher allows?
    pub fn reads(&self, w: &str) -> bool {
        self.known(w).is_some()
    }

    /// How strongly `w` is known, if at all (see [`Vocabulary::reads`]).
    /// Letters stretched to three or more (`m0r0nnnn`) are read once, then
    /// twice (`a55555` is `ass`).
    fn known(&self, w: &str) -> Option<Known> {
        if !has_stretch(w) {
            return self.known_as_is(w);
        }
        [1, 2].into_iter().find_map(|keep| self.known_as_is(&collapse(w, keep)))
    }

    /// [`Vocabulary::known`] for `w` exactly as spelled.
    fn known_as_is(&self, w: &str) -> Option<Known> {
        let n = w.len();
        let stem = |k: usize| (n >= k + MIN_STEM).then(|| self.words.get(&w[..n - k]).copied()).flatten();
        let mut best = self.words.get(w).copied();
        if w.ends_with('s') {
            best = best.max(stem(1));
        }
        if w.ends_with("es") && takes_es(&w.as_bytes()[..n - 2]) {
            best = best.max(stem(2));
        }
        if best == Some(Known::Phrase) || !w.is_ascii() {
            return best;
        }
        let affix = (MIN_STEM..=n).any(|l| self.prefixes.contains(&w[..l]) || self.suffixes.contains(&w[n - l..]));
        if affix {
            Some(Known::Phrase)
        } else {
            best
        }
    }

    /// The first spelling of `chars` that [`reads`](Self::reads) as a known
    /// word, written into `out` (cleared first), trying each character's
    /// letters in turn ([`stands_for`]). False (and `out` unspecified) when
    /// none reads, or when `chars` holds a character that is no letter and
    /// stands for none.
    pub fn find_reading(&self, chars: &[char], out: &mut String) -> bool {
        let min = if chars.iter().all(|c| c.is_alphanumeric()) { MIN_READ_LEN.0 } else { MIN_READ_LEN.1 };
        if self.is_empty() || chars.len() < min {
            return false;
        }
        let mut ambiguous = [0usize; MAX_AMBIGUOUS];
        let mut k = 0;
        for (i, &c) in chars.iter().enumerate() {
            match stands_for(c) {
                None => return false,
                Some((_, Some(_))) if k < MAX_AMBIGUOUS => {
                    ambiguous[k] = i;
                    k += 1;
                }
                Some(_) => {}
            }
        }
        let spell = |mask: u32, out: &mut String| {
            out.clear();
            for (i, &c) in chars.iter().enumerate() {
                let (first, second) = stands_for(c).unwrap_or((c, None));
                let alt = ambiguous[..k].iter().position(|&a| a == i).is_some_and(|b| mask & (1 << b) != 0);
                out.push(if alt { second.unwrap_or(first) } else { first });
            }
        };
        let mut best: Option<(Known, u32)> = None;
        for mask in 0u32..(1 << k) {
            spell(mask, out);
            if let Some(known) = self.known(out) {
                if best.is_none_or(|(b, _)| known > b) {
                    best = Some((known, mask));
                }
                if known == Known::Phrase {
                    break;
                }
            }
        }
        let Some((_, mask)) = best else {
            return false;
        };
        spell(mask, out);
        true
    }
}

/// Does a word ending so take `es` for its plural (`ass`, `box`, `bitch`)?
/// One rule for the vocabulary and the matcher's plurals.
pub(crate) fn takes_es(stem: &[u8]) -> bool {
    matches!(stem.last(), Some(b's' | b'x' | b'z')) || stem.ends_with(b"ch") || stem.ends_with(b"sh")
}

/// Has `w` a letter repeated three or more times in a row?
fn has_stretch(w: &str) -> bool {
    let b = w.as_bytes();
    b.windows(3).any(|x| x[0] == x[1] && x[1] == x[2])
}

/// `w` with every run of three or more equal characters cut to `keep`.
fn collapse(w: &str, keep: usize) -> String {
    let chars: Vec<char> = w.chars().collect();
    let mut out = String::with_capacity(w.len());
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        let n = if j - i >= 3 { keep } else { j - i };
        out.extend(std::iter::repeat_n(chars[i], n));
        i = j;
    }
    out
}

/// The letter a character stands for in a disguised word, and a second one
/// where it is ambiguous (`1` is `i` or `l`, `v` is `v` or `u`). Letters
/// stand for themselves; `None` for anything that is no letter in disguise.
pub fn stands_for(c: char) -> Option<(char, Option<char>)> {
    Some(match c {
        '0' => ('o', None),
        '1' | '!' | '|' => ('i', Some('l')),
        '3' | '€' => ('e', None),
        '4' | '@' => ('a', None),
        '5' | '$' => ('s', None),
        '6' => ('g', Some('b')),
        '7' | '+' => ('t', None),
        '8' => ('b', None),
        '9' => ('g', None),
        'v' => ('v', Some('u')),
        c if c.is_ascii_lowercase() => (c, None),
        _ => return None,
    })
}

/// A letter that a character may stand for in a phrase as typed: `u` may be
/// typed as `v` (`fvck`). The matcher compiles such variants of hostile
/// phrases, for tokens of plain letters that the resolve pass leaves alone.
pub fn typed_as(letter: char) -> Option<char> {
    (letter == 'u').then_some('v')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        let mut v = Vocabulary::new();
        for (p, s, e) in
            [("idiot", false, false), ("loser", false, false), ("fuck", false, true), ("hole", true, false)]
        {
            v.add_phrase(p, s, e);
        }
        v.add_phrase("shit", false, false);
        v.add_phrase("hell", false, false);
        v.add_phrase("heil hitler", false, false);
        v.add_phrase("at", false, false);
        v.add_phrase("an", false, false);
        v.add_phrase("moron", false, false);
        v.add_phrase("sucks", false, false);
        v
    }

    fn read(v: &Vocabulary, s: &str) -> Option<String> {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        v.find_reading(&chars, &mut out).then_some(out)
    }

    #[test]
    fn digits_read_as_the_word_they_spell() {
        let v = vocabulary();
        for (typed, word) in [
            ("1d107", "idiot"),
            ("5h17", "shit"),
            ("1o5er", "loser"),
            ("fvck", "fuck"),
            ("fvck1n9", "fucking"),
            ("5vck5", "sucks"),
            ("a55hole", "asshole"),
            ("idiots", "idiots"),
            ("h31l", "hell"),
            ("4n", "an"),
            ("m0r0nnnn", "moronnnn"),
        ] {
            assert_eq!(read(&v, typed).as_deref(), Some(word), "{typed}");
        }
    }

    #[test]
    fn tokens_that_spell_no_known_word_are_not_read() {
        let v = vocabulary();
        for typed in ["b4", "gr8", "l33t", "x86", "h264", "3am", "v1", "fvc", "id-ot", "idi0t\u{e9}", "a5", "a+"] {
            assert_eq!(read(&v, typed), None, "{typed}");
        }
        assert_eq!(read(&Vocabulary::new(), "1d10t"), None, "an empty vocabulary reads nothing");
    }

    #[test]
    fn stems_need_three_letters() {
        let mut v = Vocabulary::new();
        v.add_phrase("as", false, true);
        v.add_phrase("ho", true, false);
        assert!(v.reads("as"), "a short stem is still a word");
        assert!(!v.reads("ass") && !v.reads("who"));
    }
}
