//! The evasion suite's own list of common English insults and profanities,
//! and where they occur in a text.
//!
//! The list is the suite's, fixed, and independent of keel's phrase pack:
//! it was written as a list of what people commonly type, not by looking at
//! what keel catches, so that the suite measures keel instead of agreeing
//! with it. Changing it changes every figure the suite reports.

use std::ops::Range;

/// The listed words, lowercase ASCII; a text's word matches one when it is
/// equal to it ignoring ASCII case.
pub const LISTED: &[&str] = &[
    "fuck",
    "fucked",
    "fucker",
    "fuckers",
    "fucking",
    "motherfucker",
    "shit",
    "shitty",
    "bullshit",
    "bitch",
    "bitches",
    "ass",
    "asshole",
    "assholes",
    "dumbass",
    "jackass",
    "idiot",
    "idiots",
    "stupid",
    "moron",
    "morons",
    "dumb",
    "dick",
    "dickhead",
    "cunt",
    "bastard",
    "crap",
    "crappy",
    "damn",
    "hell",
    "piss",
    "pissed",
    "slut",
    "whore",
    "retard",
    "retarded",
    "loser",
    "losers",
    "jerk",
    "prick",
    "twat",
    "wanker",
    "cock",
    "pussy",
    "douche",
    "douchebag",
    "scum",
    "imbecile",
    "stfu",
    "wtf",
];

/// True when `word` is a listed word, in any ASCII case.
pub fn is_listed(word: &str) -> bool {
    LISTED.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// The byte ranges of `text`'s listed words, in order. A word is a maximal
/// run of alphabetic characters (so "don't" is "don" and "t", and
/// "@user123" holds "user").
pub fn listed_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if is_listed(&text[s..i]) {
                    spans.push(s..i);
                }
                start = None;
            }
            _ => {}
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::{listed_spans, LISTED};
    use crate::testing::{check, Case};

    #[test]
    fn the_list_is_lowercase_ascii_without_repeats() {
        for (i, w) in LISTED.iter().enumerate() {
            assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{w}");
            assert!(!LISTED[..i].contains(w), "{w} twice");
        }
        assert!((40..=60).contains(&LISTED.len()));
    }

    #[test]
    fn listed_words_are_found_whole_in_any_case() {
        let cases = [
            Case { name: "plain", input: "you idiot", expected: vec!["idiot"] },
            Case { name: "case", input: "STUPID Fucking thing", expected: vec!["STUPID", "Fucking"] },
            Case { name: "inside a longer word", input: "a classic assassin, Scunthorpe", expected: vec![] },
            Case { name: "punctuation", input: "shit!!! (crap)", expected: vec!["shit", "crap"] },
            Case { name: "digits end a word", input: "@user99 dumb2", expected: vec!["dumb"] },
            Case { name: "none", input: "thanks, order #A55-1234 arrived", expected: vec![] },
        ];
        check("listed_spans", &cases, |t| listed_spans(t).into_iter().map(|r| &t[r]).collect::<Vec<_>>());
    }
}
