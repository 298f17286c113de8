//! The `words` iterator over normalized text.

use super::*;

struct WordsCase {
    name: &'static str,
    input: &'static str,
    expected: &'static [(usize, &'static str)],
}

#[rustfmt::skip]
const WORDS: &[WordsCase] = &[
    WordsCase { name: "plain", input: "you idiot", expected: &[(0, "you"), (4, "idiot")] },
    WordsCase { name: "apostrophe inside", input: "don't 'quote'", expected: &[(0, "don't"), (7, "quote")] },
    WordsCase { name: "wildcards", input: "f*ck off", expected: &[(0, "f*ck"), (5, "off")] },
    WordsCase { name: "mention", input: "@123, hi", expected: &[(0, "@123"), (6, "hi")] },
    WordsCase { name: "role", input: "@&7 x", expected: &[(0, "@&7"), (4, "x")] },
    WordsCase { name: "lone at", input: "@ a", expected: &[(2, "a")] },
    WordsCase { name: "non-ascii", input: "日本 ok", expected: &[(0, "日本"), (7, "ok")] },
    WordsCase { name: "punctuation only", input: "?! ...", expected: &[] },
];

#[test]
fn words_yields_offsets() {
    for case in WORDS {
        let got: Vec<_> = words(case.input).collect();
        assert_eq!(got, case.expected, "words/{}", case.name);
        for (at, w) in got {
            assert_eq!(&case.input[at..at + w.len()], w, "words/{}", case.name);
        }
    }
}
