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

use std::collections::HashSet;

/// Shortest stem that may take an ending (`s`, `es`, or any ending of a
/// prefix phrase such as `fuck*`); the matcher uses the same length.
const MIN_STEM: usize = 3;

/// Ambiguous characters (two possible letters) tried both ways in one token;
/// further ones take their first letter. Bounds the search at 16 spellings.
const MAX_AMBIGUOUS: usize = 4;

/// The words disguised tokens may be read as (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Whole words (`idiot`); `s` and `es` may follow.
    words: HashSet<Box<str>>,
    /// Stems that take any ending (`fuck` from `fuck*`).
    prefixes: HashSet<Box<str>>,
    /// Stems that take any beginning (`hole` from `*hole`).
    suffixes: HashSet<Box<str>>,
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
        for (i, w) in words.iter().enumerate() {
            let w = w.to_ascii_lowercase();
            if i == last && any_end && w.len() >= MIN_STEM {
                self.prefixes.insert(w.into());
            } else if i == 0 && any_start && w.len() >= MIN_STEM {
                self.suffixes.insert(w.into());
            } else {
                self.words.insert(w.into());
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
        if self.words.contains(w) {
            return true;
        }
        let n = w.len();
        let stem_ok = |k: usize| n >= k + MIN_STEM && self.words.contains(&w[..n - k]);
        if (w.ends_with('s') && stem_ok(1)) || (w.ends_with("es") && stem_ok(2)) {
            return true;
        }
        if !w.is_ascii() {
            return false;
        }
        (MIN_STEM..=n).any(|l| self.prefixes.contains(&w[..l]) || self.suffixes.contains(&w[n - l..]))
    }

    /// The first spelling of `chars` that [`reads`](Self::reads) as a known
    /// word, written into `out` (cleared first), trying each character's
    /// letters in turn ([`stands_for`]). False (and `out` unspecified) when
    /// none reads, or when `chars` holds a character that is no letter and
    /// stands for none.
    pub fn find_reading(&self, chars: &[char], out: &mut String) -> bool {
        if self.is_empty() || chars.is_empty() {
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
        for mask in 0u32..(1 << k) {
            out.clear();
            for (i, &c) in chars.iter().enumerate() {
                let (first, second) = stands_for(c).unwrap_or((c, None));
                let alt = ambiguous[..k].iter().position(|&a| a == i).is_some_and(|b| mask & (1 << b) != 0);
                out.push(if alt { second.unwrap_or(first) } else { first });
            }
            if self.reads(out) {
                return true;
            }
        }
        false
    }
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
        ] {
            assert_eq!(read(&v, typed).as_deref(), Some(word), "{typed}");
        }
    }

    #[test]
    fn tokens_that_spell_no_known_word_are_not_read() {
        let v = vocabulary();
        for typed in ["b4", "gr8", "l33t", "x86", "h264", "3am", "v1", "fvc", "id-ot", "idi0t\u{e9}"] {
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
