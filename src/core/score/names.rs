//! Proper names that spell a hostile word: "Dick Van Dyke", "Mr. Butts",
//! "Matt Hancock", "Jenny Cummings".
//!
//! The normalized text is lower case, so the rule reads the original's case
//! through a hit's original span: a hit written Title-case (a capital, then
//! lower case) is a name when a title comes just before it (Mr, Ms, Dr, ...)
//! or when it stands next to another Title-case word that is neither the
//! first word of a sentence nor a hostile hit itself ("Dick Smith", "Philip
//! K. Dick"). A message written mostly in Title Case ("You Stupid Idiot")
//! carries no such information, and its hits always count.

use crate::core::matcher::{Hit, HitOf};
use crate::core::normalize::Normalized;
use crate::core::pack::Settings;
use std::cell::OnceCell;

/// One whitespace-separated word of the original text.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    start: usize,
    end: usize,
    raw: &'a str,
    /// The word without the punctuation around it.
    letters: &'a str,
}

impl Token<'_> {
    /// The word without the punctuation around it.
    fn letters(&self) -> &str {
        self.letters
    }

    /// A capital followed by lower case: "Dick", "O'Brien", not "CTO" or "I".
    fn title_case(&self) -> bool {
        title_case(self.letters())
    }

    /// An initial: "K.".
    fn initial(&self) -> bool {
        let mut chars = self.raw.chars();
        matches!((chars.next(), chars.next(), chars.next()), (Some(c), Some('.'), None) if c.is_uppercase())
    }

    /// A title before a name: "Mr.", "Dr", "Coach".
    fn title(&self, s: &Settings) -> bool {
        let w = self.letters();
        w.chars().next().is_some_and(char::is_uppercase) && s.titles.iter().any(|t| t.eq_ignore_ascii_case(w))
    }

    /// Ends a sentence (the full stop of an initial, a title or "Jr." does not).
    fn ends_sentence(&self, s: &Settings) -> bool {
        self.raw.ends_with(['.', '!', '?'])
            && !self.initial()
            && !self.title(s)
            && !["jr", "sr", "st"].iter().any(|s| s.eq_ignore_ascii_case(self.letters()))
    }

    /// Ends a phrase: a sentence's end or a comma, colon, semicolon or dash.
    fn breaks(&self, s: &Settings) -> bool {
        self.ends_sentence(s) || self.raw.ends_with([',', ';', ':', ')'])
    }

    /// A mention or a handle, after which a sentence starts afresh.
    fn handle(&self) -> bool {
        self.raw.starts_with(['@', '<', '#'])
    }
}

/// A word written with a capital followed by lower case: "Dick",
/// "O'Brien", "Shitterton", not "CTO" or "I".
pub(super) fn title_case(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    let mut chars = w.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
}

/// Does the word before or after the words holding `start..end` of `text`
/// start with a capital (after any punctuation: `#QAnon`)?
fn capital_beside(text: &str, start: usize, end: usize) -> bool {
    let word_start = text.get(..start).and_then(|b| b.rfind(char::is_whitespace)).unwrap_or(0);
    let before = text.get(..word_start).and_then(|b| b.split_whitespace().next_back());
    let word_end = text.get(end..).map_or(text.len(), |a| a.find(char::is_whitespace).map_or(text.len(), |i| end + i));
    let after = text.get(word_end..).and_then(|a| a.split_whitespace().next());
    let capital = |w: Option<&str>| {
        w.is_some_and(|w| w.trim_start_matches(|c: char| !c.is_alphanumeric()).starts_with(char::is_uppercase))
    };
    capital(before) || capital(after)
}

/// The whitespace-separated words of `text`; ASCII text (nearly every
/// message) is split byte by byte.
fn tokens(text: &str) -> Vec<Token<'_>> {
    fn token(start: usize, raw: &str) -> Token<'_> {
        let letters = if raw.is_ascii() {
            raw.trim_matches(|c: char| !c.is_ascii_alphanumeric())
        } else {
            raw.trim_matches(|c: char| !c.is_alphanumeric())
        };
        Token { start, end: start + raw.len(), raw, letters }
    }
    let mut out = Vec::with_capacity(text.len() / 6 + 1);
    if text.is_ascii() {
        for raw in text.split_ascii_whitespace() {
            out.push(token(raw.as_ptr() as usize - text.as_ptr() as usize, raw));
        }
        return out;
    }
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(token(s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

/// The message a name is looked for in, with its words split once (on
/// the first question that needs them) for all its hits.
pub(super) struct Message<'a> {
    text: &'a str,
    hits: &'a [Hit],
    normalized: &'a Normalized,
    settings: &'a Settings,
    tokens: OnceCell<Vec<Token<'a>>>,
    mostly_title_case: OnceCell<bool>,
}

impl<'a> Message<'a> {
    /// The message: its original `text`, its `hits` (spans into
    /// `normalized`: a neighbour that is itself a hit is no evidence of a
    /// name, "a Stupid Idiot") and the pack's `[settings]` (titles,
    /// non-names, place words).
    pub(super) fn new(text: &'a str, hits: &'a [Hit], normalized: &'a Normalized, settings: &'a Settings) -> Self {
        Message { text, hits, normalized, settings, tokens: OnceCell::new(), mostly_title_case: OnceCell::new() }
    }

    fn tokens(&self) -> &[Token<'a>] {
        self.tokens.get_or_init(|| tokens(self.text))
    }

    fn mostly_title_case(&self) -> bool {
        *self.mostly_title_case.get_or_init(|| mostly_title_case(self.tokens(), self.settings))
    }
}

/// Whether the hit at `start..end` of the original text reads as part of a
/// proper name.
pub(super) fn reads_as_name(m: &Message<'_>, start: usize, end: usize) -> bool {
    let (text, hits, normalized, settings) = (m.text, m.hits, m.normalized, m.settings);
    // Cheap tests first: almost every hit is written in lower case, and a
    // name needs a neighbour with a capital (a title, an initial, another
    // Title-case word).
    if !text.get(start..end).is_some_and(|s| s.starts_with(char::is_uppercase)) || !capital_beside(text, start, end) {
        return false;
    }
    let toks = m.tokens();
    let Some(first) = toks.iter().position(|t| t.end > start) else { return false };
    let last = toks.iter().rposition(|t| t.start < end).unwrap_or(first);
    if !toks[first..=last].iter().all(Token::title_case) || m.mostly_title_case() {
        return false;
    }
    let in_hit = |t: &Token<'_>| {
        hits.iter().any(|h| {
            matches!(h.of, HitOf::Entry(_)) && {
                let (s, e) = normalized.original_span(h.start, h.end);
                s < t.end && t.start < e
            }
        })
    };
    let starts_sentence = |i: usize| i == 0 || toks[i - 1].ends_sentence(settings) || toks[i - 1].handle();
    // A sentence's first word is capitalised anyway; it is evidence only
    // when it is no pronoun, article or interjection ("Dominic Cummings",
    // not "You Idiot").
    let evidence = |i: usize| {
        (toks[i].title_case() || toks[i].initial())
            && !in_hit(&toks[i])
            && (!starts_sentence(i) || !settings.non_names.iter().any(|w| w.eq_ignore_ascii_case(toks[i].letters())))
    };
    let before = first.checked_sub(1).filter(|&i| !toks[i].breaks(settings));
    if before.is_some_and(|i| toks[i].title(settings)) {
        return true;
    }
    let next = |i: usize| Some(i + 1).filter(|&n| n < toks.len() && !toks[i].breaks(settings));
    let after = next(last).filter(|&i| evidence(i));
    if starts_sentence(first) {
        // A sentence's first word is capitalised anyway: it takes a name of
        // two more Title-case words ("Dick Van Dyke narrates"), not one
        // ("Fuck Trump").
        return after.and_then(next).is_some_and(|i| !starts_sentence(i) && toks[i].title_case());
    }
    before.is_some_and(evidence) || after.is_some()
}

/// Whether the word at `start..end` of the original text, which holds a
/// hostile phrase inside it without being one, is a name: written
/// Title-case and read as a name by [`reads_as_name`] (a title before it,
/// a Title-case neighbour), or right after a word that introduces a place
/// ("in Shitterton"). "the Shitstream media" is no name.
pub(super) fn embedded_name(m: &Message<'_>, start: usize, end: usize) -> bool {
    let (text, settings) = (m.text, m.settings);
    if !title_case(text.get(start..end).unwrap_or("")) {
        return false;
    }
    let before = text.get(..start).unwrap_or("").split_whitespace().next_back().unwrap_or("");
    settings.place_words.iter().any(|w| w.eq_ignore_ascii_case(before)) || reads_as_name(m, start, end)
}

/// More than two thirds of the message's words that do not start a sentence
/// are Title-case: case says nothing.
fn mostly_title_case(toks: &[Token<'_>], settings: &Settings) -> bool {
    let inner = toks.iter().enumerate().filter(|&(i, t)| {
        i > 0 && !toks[i - 1].ends_sentence(settings) && t.letters().chars().any(char::is_alphabetic)
    });
    let (words, titled) = inner.fold((0, 0), |(w, n), (_, t)| (w + 1, n + usize::from(t.title_case())));
    titled * 3 > words * 2
}

#[cfg(test)]
mod tests;
