//! Literal gates: which of the pack's regular expressions can match a message,
//! told by the phrase automaton's own scan.
//!
//! Most patterns of a pack need one of a few words to match at all: every
//! match of `\b(this|that|the)\s+damn\b` ends with `damn`, and every match of
//! the "you are useless" pattern ends with one of its insults. Such words go
//! into the phrase automaton as extra strings (an Aho-Corasick DFA pays
//! nothing per byte for them), and a pattern is only searched on a message
//! where one of its words occurs, anywhere; a pattern without such words is
//! left to the `RegexSet` as before. The gate is a superset: a pattern it
//! skips cannot match.
//!
//! # Why the gate loses no match
//!
//! The pattern is parsed (`regex-syntax`, the regex crate's own parser) and
//! a set of literals is derived bottom-up such that every match of a node
//! contains one of its literals:
//!
//! * a literal contains itself;
//! * a group, or a repetition of at least one, contains its inner match;
//! * a concatenation contains a match of each of its parts, so any part's
//!   set will do (the most selective is kept);
//! * an alternation's match is a match of one branch, so the union of the
//!   branches' sets will do, if every branch has one;
//! * anything else (a class, an assertion, an optional part) has no set.
//!
//! A set with a literal shorter than [`MIN_GATE_LEN`] would open on most
//! messages, and one of more than `MAX_GATE_LITERALS` literals is not worth
//! its strings: both give no gate. Case-insensitive letters parse as classes,
//! so such a pattern is gated only by its other parts.

use regex_syntax::hir::{Hir, HirKind};
use regex_syntax::ParserBuilder;

/// Shortest literal worth a gate: shorter ones occur in nearly every message.
pub(super) const MIN_GATE_LEN: usize = 3;

/// Most literals in one pattern's gate (a larger set is left to the set).
const MAX_GATE_LITERALS: usize = 250;

/// The literals one of which occurs in every match of `pattern`, or `None`
/// if no useful set is known (see the module docs). The pattern is parsed
/// with the same defaults as `regex::Regex::new`.
pub(super) fn gate_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = ParserBuilder::new().build().parse(pattern).ok()?;
    let mut set = required(&hir).filter(|s| useful(s))?;
    set.sort();
    set.dedup();
    Some(set)
}

/// A set of literals one of which occurs in every match of `h`.
fn required(h: &Hir) -> Option<Vec<Vec<u8>>> {
    match h.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Concat(parts) => parts.iter().filter_map(required).max_by_key(|s| selectivity(s)),
        HirKind::Alternation(branches) => {
            let mut union = Vec::new();
            for b in branches {
                union.extend(required(b)?);
                if union.len() > MAX_GATE_LITERALS {
                    return None;
                }
            }
            Some(union)
        }
        _ => None,
    }
}

fn shortest(set: &[Vec<u8>]) -> usize {
    set.iter().map(Vec::len).min().unwrap_or(0)
}

fn useful(set: &[Vec<u8>]) -> bool {
    shortest(set) >= MIN_GATE_LEN && set.len() <= MAX_GATE_LITERALS
}

/// Orders sets by how rarely they open: useful first, then by the shortest
/// literal, then by fewer literals.
fn selectivity(set: &[Vec<u8>]) -> (bool, usize, std::cmp::Reverse<usize>) {
    (useful(set), shortest(set), std::cmp::Reverse(set.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn strings(set: Option<Vec<Vec<u8>>>) -> Option<Vec<String>> {
        set.map(|s| s.into_iter().map(|l| String::from_utf8(l).unwrap()).collect())
    }

    #[test]
    fn a_required_word_is_a_gate() {
        assert_eq!(strings(gate_literals(r"\b(this|that|the)\s+damn(ed)?\b")), Some(vec!["damn".to_string()]));
        let insults = strings(gate_literals(r"\b(you|u)\s+(are|r)\s+(a\s+)?(useless|pathetic)\b")).unwrap();
        assert_eq!(insults, vec!["pathetic", "useless"]);
    }

    #[test]
    fn no_gate_where_a_match_needs_no_literal() {
        assert_eq!(gate_literals(r"\b\w+\s+idiot"), Some(vec![b"idiot".to_vec()]));
        let threat = strings(gate_literals(r"\b(i'?ll|i\s+will)\s+(kill|hurt)\s+(you|u)\b")).unwrap();
        assert_eq!(threat, vec!["hurt", "kill"], "a word in the middle gates too");
        assert_eq!(gate_literals(r"[a-z]+"), None);
        assert_eq!(gate_literals(r"\b(u|ya)\s+\w+"), None, "one- and two-letter literals gate nothing");
        assert_eq!(gate_literals(r"(idiot)?\s*\d+"), None, "an optional literal gates nothing");
        assert_eq!(gate_literals(r"(unclosed"), None);
    }

    /// On random texts over the pieces of each pattern, a pattern whose gate
    /// holds none of the text's substrings never matches.
    #[test]
    fn the_gate_never_hides_a_match() {
        let patterns = [
            r"\b(this|that|these|the|your|ur|such\s+a|so)\s+damn(ed)?\b",
            r"\b(who|get|shut|go)\s+the\s+hell\b|\b(as|in|to)\s+hell\b|\b(the|to)\s+hell\s+with\b",
            r"\b(you|u|ya)(\s+guys)?\s*('re|re| are| r)\s+(so\s+|really\s+)*(a\s+|an\s+)?(useless|pathetic|joke)\b",
            r"(?i)\bi('ll| will)\s+(find|hunt)\s+(you|u)\b",
        ];
        let pieces = [
            "this", "damn", "damned", " ", "  ", "the", "hell", "with", "you", "u", "'re", " are", "so ", "a ",
            "useless", "pathetic", "joke", "i'll", "I", " will", "find", "HUNT", "go", "shut", "your", "x", "é",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for p in patterns {
            let re = Regex::new(p).unwrap();
            let Some(gate) = gate_literals(p) else { continue };
            for _ in 0..20_000 {
                let n = 1 + next() as usize % 8;
                let text: String = (0..n).map(|_| pieces[next() as usize % pieces.len()]).collect();
                let open = gate.iter().any(|l| text.as_bytes().windows(l.len()).any(|w| w == l.as_slice()));
                assert!(open || !re.is_match(&text), "{p} matches {text:?} through a closed gate {gate:?}");
            }
        }
    }
}
