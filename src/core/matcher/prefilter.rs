//! An exact prefilter for the pack's regular expressions on non-ASCII text.
//!
//! The pack's patterns use `\b`, which is Unicode-aware, and a `RegexSet`'s
//! lazy DFA cannot evaluate a Unicode word boundary next to a non-ASCII byte:
//! on such text the set falls back to the `PikeVM`, so the matcher searches each
//! pattern on its own instead. This module rewrites a pattern's `\b` into the
//! ASCII word boundary `(?-u:\b)`, which the DFA handles on any text, where
//! that provably never loses a match, so a set of the rewritten patterns can
//! say which patterns are worth searching.
//!
//! # Why the rewrite is a superset
//!
//! A `\b` holds where exactly one of the characters on its two sides is a
//! word character. Take one whose following character, on every way the
//! pattern can match, is an ASCII word character `[0-9A-Za-z_]` (the
//! preceding side is symmetric). Both readings agree that this character is
//! a word character, so the Unicode `\b` holds exactly when the preceding
//! character is not a Unicode word character, and the ASCII one when the
//! preceding byte is not an ASCII word character. Every ASCII word character
//! is a Unicode one, so the first implies the second: every match of the
//! original is a match of the rewritten pattern, and a pattern the rewritten
//! set does not report cannot match.
//!
//! The check is made on the parsed pattern (`regex-syntax`, the regex crate's
//! own parser) for every `\b`, looking only at its neighbours inside the same
//! concatenation; a pattern with a `\b` it cannot prove this way (or any
//! other Unicode word assertion: `\B`, `\b{start}`...) is not rewritten and
//! is always searched.

use regex_syntax::hir::{Capture, Class, Hir, HirKind, Look, Repetition};

/// The first (or last) character of every match of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// Every match is non-empty and its edge character is an ASCII word character.
    Word,
    /// Every match is empty or has an ASCII word character at that edge.
    EmptyOrWord,
    /// Anything else (or not proven).
    Other,
}

fn is_ascii_word(c: u32) -> bool {
    matches!(c, 0x30..=0x39 | 0x41..=0x5A | 0x5F | 0x61..=0x7A)
}

/// True if every value in `lo..=hi` is an ASCII word character.
fn range_is_word(lo: u32, hi: u32) -> bool {
    [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)].iter().any(|&(a, b)| a <= lo && hi <= b)
}

fn edge(h: &Hir, last: bool) -> Edge {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Edge::EmptyOrWord,
        HirKind::Literal(lit) => {
            let b = if last { lit.0.last() } else { lit.0.first() };
            match b {
                None => Edge::EmptyOrWord,
                Some(&b) if is_ascii_word(u32::from(b)) => Edge::Word,
                Some(_) => Edge::Other,
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            let word = !c.ranges().is_empty()
                && c.ranges().iter().all(|r| range_is_word(u32::from(r.start()), u32::from(r.end())));
            if word {
                Edge::Word
            } else {
                Edge::Other
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            let word = !c.ranges().is_empty()
                && c.ranges().iter().all(|r| range_is_word(u32::from(r.start()), u32::from(r.end())));
            if word {
                Edge::Word
            } else {
                Edge::Other
            }
        }
        HirKind::Repetition(r) => match edge(&r.sub, last) {
            Edge::Word if r.min >= 1 => Edge::Word,
            Edge::Other => Edge::Other,
            _ => Edge::EmptyOrWord,
        },
        HirKind::Capture(c) => edge(&c.sub, last),
        HirKind::Concat(xs) => seq_edge(xs, last),
        HirKind::Alternation(xs) => {
            let edges = xs.iter().map(|x| edge(x, last));
            edges.fold(Edge::Word, |acc, e| match (acc, e) {
                (Edge::Other, _) | (_, Edge::Other) => Edge::Other,
                (Edge::Word, Edge::Word) => Edge::Word,
                _ => Edge::EmptyOrWord,
            })
        }
    }
}

/// The edge of a sequence: the first element (from that edge) that cannot be
/// empty decides; zero-width assertions are passed over.
fn seq_edge(xs: &[Hir], last: bool) -> Edge {
    let mut visit = |x: &Hir| match edge(x, last) {
        Edge::EmptyOrWord => None,
        e => Some(e),
    };
    let found = if last { xs.iter().rev().find_map(&mut visit) } else { xs.iter().find_map(&mut visit) };
    found.unwrap_or(Edge::EmptyOrWord)
}

fn is_unicode_word_look(look: Look) -> bool {
    matches!(
        look,
        Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode
    )
}

/// `h` with every `\b` made ASCII, or `None` if some Unicode word assertion
/// cannot be shown to be next to an ASCII word character.
fn rewrite(h: &Hir) -> Option<Hir> {
    Some(match h.kind() {
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => h.clone(),
        HirKind::Look(look) => {
            if is_unicode_word_look(*look) {
                return None;
            }
            h.clone()
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition { sub: Box::new(rewrite(&r.sub)?), ..r.clone() }),
        HirKind::Capture(c) => Hir::capture(Capture { sub: Box::new(rewrite(&c.sub)?), ..c.clone() }),
        HirKind::Alternation(xs) => Hir::alternation(xs.iter().map(rewrite).collect::<Option<_>>()?),
        HirKind::Concat(xs) => {
            let mut out = Vec::with_capacity(xs.len());
            for (k, x) in xs.iter().enumerate() {
                if matches!(x.kind(), HirKind::Look(Look::WordUnicode)) {
                    let next_word = seq_edge(&xs[k + 1..], false) == Edge::Word;
                    let prev_word = seq_edge(&xs[..k], true) == Edge::Word;
                    if !(next_word || prev_word) {
                        return None;
                    }
                    out.push(Hir::look(Look::WordAscii));
                } else {
                    out.push(rewrite(x)?);
                }
            }
            Hir::concat(out)
        }
    })
}

/// `pattern` with its `\b` made ASCII word boundaries, if every match of
/// `pattern` is provably a match of the result (see the module docs);
/// `None` otherwise, or if the pattern does not parse.
pub(super) fn ascii_boundaries(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    Some(rewrite(&hir)?.to_string())
}

#[cfg(test)]
mod tests {
    use super::ascii_boundaries;
    use regex::Regex;

    struct Case {
        name: &'static str,
        pattern: &'static str,
        rewritten: bool,
    }

    const CASES: &[Case] = &[
        Case { name: "word after", pattern: r"\bidiot", rewritten: true },
        Case { name: "word before", pattern: r"idiot\b", rewritten: true },
        Case { name: "both sides", pattern: r"\b(you|u)\s+(suck|stink)\b", rewritten: true },
        Case { name: "optional suffix", pattern: r"\b(manager|boss)s?\b", rewritten: true },
        Case { name: "optional group then word", pattern: r"\b(a\s+)?(idiot|fool)\b", rewritten: true },
        Case { name: "apostrophe inside", pattern: r"\by'?all\b", rewritten: true },
        Case { name: "inside alternation", pattern: r"\s*([.!]|$|when\b|if\b)", rewritten: true },
        Case { name: "multi-line start", pattern: r"(?m)^\s*(you|u)\b", rewritten: true },
        Case { name: "no boundary at all", pattern: r"[.!?]\s+you", rewritten: true },
        Case { name: "bare boundary", pattern: r"\b", rewritten: false },
        Case { name: "space after", pattern: r"\b\s+x", rewritten: false },
        Case { name: "optional word after", pattern: r"\s\b(ab)?", rewritten: false },
        Case { name: "non-ASCII letter after", pattern: r"\bé", rewritten: false },
        Case { name: "any word character after", pattern: r"\b\w+", rewritten: false },
        Case { name: "boundary alone in a group", pattern: r"x(\b|y)", rewritten: false },
        Case { name: "negated boundary", pattern: r"\Bx", rewritten: false },
        Case { name: "word start", pattern: r"\b{start}x", rewritten: false },
        Case { name: "already ASCII", pattern: r"(?-u:\b)\s", rewritten: true },
        Case { name: "does not parse", pattern: r"(", rewritten: false },
    ];

    #[test]
    fn which_patterns_are_rewritten() {
        let mut names = std::collections::HashSet::new();
        for c in CASES {
            assert!(names.insert(c.name), "duplicate case name {}", c.name);
            let got = ascii_boundaries(c.pattern);
            assert_eq!(got.is_some(), c.rewritten, "{}: {:?} -> {:?}", c.name, c.pattern, got);
            if let Some(r) = got {
                assert!(Regex::new(&r).is_ok(), "{}: {r:?} compiles", c.name);
            }
        }
    }

    /// Haystack pieces around which Unicode and ASCII word boundaries differ.
    const PIECES: &[&str] =
        &["you", "u", "idiot", "é", "注文", "😤", "і", " ", "  ", ".", "!", "_", "9", "s", "'", "a", "manager", "\n"];

    /// Every rewritten pattern matches wherever the original does, on
    /// pseudo-random strings of the pieces above.
    #[test]
    fn rewritten_patterns_never_miss() {
        let patterns: Vec<&str> = CASES.iter().filter(|c| c.rewritten).map(|c| c.pattern).collect();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let compiled: Vec<(Regex, Regex)> = patterns
            .iter()
            .map(|p| (Regex::new(p).unwrap(), Regex::new(&ascii_boundaries(p).unwrap()).unwrap()))
            .collect();
        let (mut original_hits, mut only_rewritten) = (0, 0);
        for _ in 0..20_000 {
            let len = 1 + next() % 8;
            let text: String = (0..len).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect();
            for (p, (orig, ascii)) in patterns.iter().zip(&compiled) {
                let (o, a) = (orig.is_match(&text), ascii.is_match(&text));
                assert!(!o || a, "{p:?} matches {text:?} but its rewrite does not");
                original_hits += usize::from(o);
                only_rewritten += usize::from(a && !o);
            }
        }
        // The test exercises both outcomes.
        assert!(original_hits > 1000 && only_rewritten > 10, "{original_hits} {only_rewritten}");
    }
}
