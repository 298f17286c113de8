//! Tests of normalization as a whole: a `Case` table per behaviour, checked
//! through [`normalize`], and the checks that cut across passes (spans,
//! buffer reuse, a fuzz run, throughput). The tables for one pass live in
//! `tests/`, in a file named after the pass.

use super::*;

mod emit;
mod join;
mod resolve;
mod scan;
mod words;

/// One behaviour: `input` normalizes to `expected`. Letters that are
/// stretched in the output are written in upper case in `expected`.
pub(super) struct Case {
    pub(super) name: &'static str,
    pub(super) input: &'static str,
    pub(super) expected: &'static str,
}

/// The text with stretched letters in upper case.
fn render(n: &Normalized) -> String {
    let mut s = String::with_capacity(n.text().len());
    for (i, c) in n.text().char_indices() {
        if n.is_stretched(i) {
            s.extend(c.to_uppercase());
        } else {
            s.push(c);
        }
    }
    s
}

/// The words the tables' disguised tokens may be read as: a few insults and
/// grammar words, standing in for a pack's vocabulary.
pub(super) fn vocabulary() -> Vocabulary {
    let mut v = Vocabulary::new();
    for w in [
        "idiot", "loser", "ass", "shit", "bitch", "stupid", "moron", "clown", "bad", "evil", "get", "this", "you",
        "are", "a", "an", "such", "lol", "suck", "hell", "bullshit", "asshole",
    ] {
        v.add_phrase(w, false, false);
    }
    v.add_phrase("fuck", false, true);
    v.add_phrase("heil hitler", false, false);
    v.add_phrase("hole", true, false);
    v
}

pub(super) fn check(group: &str, cases: &[Case]) {
    let vocabulary = vocabulary();
    let mut failures = Vec::new();
    for case in cases {
        let got = render(&normalize_with(case.input, &vocabulary));
        if got != case.expected {
            failures
                .push(format!("{group}/{}: {:?} -> {:?}, expected {:?}", case.name, case.input, got, case.expected));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[rustfmt::skip]
const BENIGN: &[Case] = &[
    Case {
        name: "order",
        input: "Thanks, I'll check order #12345 tomorrow.",
        expected: "thanks, i'll check order #12345 tomorrow.",
    },
    Case {
        name: "question",
        input: "Where is my order? It's been 3 days.",
        expected: "where is my order? it's been 3 days.",
    },
    Case { name: "email", input: "mail bob@example.com.", expected: "mail ." },
    Case { name: "good", input: "good cool book", expected: "good cool book" },
];

#[rustfmt::skip]
const REGRESSION: &[Case] = &[
    Case { name: "empty", input: "", expected: "" },
    Case { name: "lone star", input: "*", expected: " " },
    Case { name: "lone bang", input: "!", expected: "!" },
    Case { name: "lone at", input: "@", expected: "@" },
    Case { name: "unterminated emoji", input: "<:abc:12", expected: "<:abc:12" },
    Case { name: "mention glued to word", input: "<@1>idiot", expected: "@1 idiot" },
    Case { name: "dollar after at", input: "@$$hole", expected: "asshole" },
];

#[test]
fn benign() {
    check("benign", BENIGN);
}

#[test]
fn regression() {
    check("REGRESSION", REGRESSION);
}

/// `input.0` normalized; the first occurrence of the normalized word
/// `input.1` maps back to the original substring `expected`.
struct SpanCase {
    name: &'static str,
    input: (&'static str, &'static str),
    expected: &'static str,
}

#[rustfmt::skip]
const SPANS: &[SpanCase] = &[
    SpanCase { name: "leet", input: ("you 1d10t!", "idiot"), expected: "1d10t" },
    SpanCase { name: "caps", input: ("YOU IDIOT", "idiot"), expected: "IDIOT" },
    SpanCase { name: "cyrillic", input: ("ok іdіоt", "idiot"), expected: "іdіоt" },
    SpanCase { name: "fullwidth", input: ("ｉｄｉｏｔ.", "idiot"), expected: "ｉｄｉｏｔ" },
    SpanCase { name: "math", input: ("so 𝐢𝐝𝐢𝐨𝐭", "idiot"), expected: "𝐢𝐝𝐢𝐨𝐭" },
    SpanCase { name: "zero width", input: ("i\u{200b}diot", "idiot"), expected: "i\u{200b}diot" },
    SpanCase { name: "zalgo", input: ("i\u{336}diot\u{336} x", "idiot"), expected: "i\u{336}diot" },
    SpanCase { name: "stretched", input: ("so stuuuupid", "stupid"), expected: "stuuuupid" },
    SpanCase { name: "spaced", input: ("you i d i o t lol", "idiot"), expected: "i d i o t" },
    SpanCase { name: "dotted", input: ("f.u.c.k off", "fuck"), expected: "f.u.c.k" },
    SpanCase { name: "censored", input: ("f**k this", "f**k"), expected: "f**k" },
    SpanCase { name: "mention", input: ("hi <@!123> you", "@123"), expected: "<@!123>" },
    SpanCase { name: "after url", input: ("https://x.y/idiot idiot", "idiot"), expected: "idiot" },
    SpanCase { name: "eszett", input: ("Straße", "strasse"), expected: "Straße" },
    SpanCase { name: "whitespace run", input: ("waste  of\n my time", "waste of my time"), expected: "waste  of\n my time" },
    SpanCase { name: "curly", input: ("I’ll", "i'll"), expected: "I’ll" },
];

#[test]
fn spans() {
    let mut failures = Vec::new();
    let v = vocabulary();
    for case in SPANS {
        let (input, needle) = case.input;
        let n = normalize_with(input, &v);
        let Some(at) = n.text().find(needle) else {
            failures.push(format!("{}: {needle:?} not in {:?}", case.name, n.text()));
            continue;
        };
        let (s, e) = n.original_span(at, at + needle.len());
        let got = input.get(s..e).unwrap_or("<not a char range>");
        if got != case.expected {
            failures.push(format!("{}: got {got:?}, expected {:?}", case.name, case.expected));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn original_span_rejects_bad_ranges() {
    let n = normalize("hello");
    assert_eq!(n.original_span(3, 3), (0, 0));
    assert_eq!(n.original_span(4, 2), (0, 0));
    assert_eq!(n.original_span(0, 6), (0, 0));
    assert_eq!(n.original_span(0, 5), (0, 5));
    assert!(!n.is_stretched(99));
}

#[test]
fn reuse_gives_same_result() {
    let mut n = Normalized::default();
    let v = vocabulary();
    normalize_into("a long message with f**k and ｉｄ１０ｔ", &v, &mut n);
    normalize_into("short", &v, &mut n);
    assert_eq!(n.text(), "short");
    assert_eq!(n.original_span(0, 5), (0, 5));
}

#[test]
fn only_zero_width_is_empty_and_fast() {
    let input: String =
        ["\u{200b}", "\u{200c}", "\u{200d}", "\u{2060}", "\u{feff}"].iter().cycle().take(4000).copied().collect();
    let started = std::time::Instant::now();
    let n = normalize(&input);
    assert_eq!(n.text(), "");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[rustfmt::skip]
const PIECES: &[&str] = &[
    "a", "I", "d", "o", "t", " ", "  ", ".", "-", "_", ",", "!", "|", "?", "*", "**", "#", "$",
    "@", "€", "0", "1", "3", "5", "2", "<", ">", "<@", "<@!", "<@&", "<#", "<:x:", "<a:", "<t:",
    "</", ">", "`", "```", "http://", "https://", "www.", "://", "ß", "İ", "\u{301}", "\u{336}",
    "\u{489}", "\u{200b}", "\u{200d}", "\u{feff}", "\u{ad}", "\u{fe0f}", "\u{202e}", "\u{2066}",
    "😀", "👍🏽", "❤️", "🇺🇸", "✨", "❗", "‼", "مرحبا", "שלום", "\u{64b}", "日本", "한",
    "ｉ", "𝐢", "ⓘ", "🅸", "’", "“", "…", "\u{a0}", "\u{3000}", "\u{3164}", "\u{2800}", "\n", "\t",
    "\u{0}", "\u{7f}", "\u{e0100}", "\u{10ffff}", "ǅ", "½", "™",
];

fn random_string(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(24) {
        if rng.below(4) == 0 {
            // Any scalar value; `from_u32` rejects surrogates.
            let cp = match rng.below(3) {
                0 => rng.below(0x800) as u32,
                1 => rng.below(0x1_0000) as u32,
                _ => rng.below(0x11_0000) as u32,
            };
            s.extend(char::from_u32(cp));
        } else {
            s.push_str(PIECES[rng.below(PIECES.len())]);
        }
    }
    s
}

#[test]
fn never_panics_and_spans_stay_on_boundaries() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut n = Normalized::default();
    let v = vocabulary();
    for round in 0..4000 {
        let input = random_string(&mut rng);
        normalize_into(&input, &v, &mut n);
        let len = n.text().len();
        assert_eq!(n.src.len(), len, "round {round}: {input:?}");
        assert_eq!(n.stretched.len(), len, "round {round}: {input:?}");
        assert!(!n.text().contains("  "), "round {round}: {input:?} -> {:?}", n.text());
        for a in 0..len {
            for b in a + 1..=len {
                let (s, e) = n.original_span(a, b);
                assert!(
                    s < e && e <= input.len() && input.is_char_boundary(s) && input.is_char_boundary(e),
                    "round {round}: {input:?} -> {:?}, span({a},{b}) = ({s},{e})",
                    n.text()
                );
            }
        }
        for _ in words(n.text()) {}
        // Normalizing again must not panic either.
        let _ = normalize(n.text());
    }
}

/// ASCII pieces for the plain fast path: each rule's triggers, near misses
/// and ordinary words.
#[rustfmt::skip]
const PLAIN_PIECES: &[&str] = &[
    "a", "b", "I", "A", "u", "you", "idiot", "Thanks", "ORDER", "ss", "SS", "sS", "ee", "0", "1", "3", "5",
    "2", "6", "42", " ", "  ", "\n", "\t", "\r", "\u{b}", "\u{c}", ".", "..", "-", "_", ",", "!", "!!", "|",
    "?", "'", "\"", ":", "://", "//", "www", "WWW", "Www", ".com", "(", ")", "*", "#", "$", "@", "<", ">",
    "`", "\u{0}", "\u{1f}", "\u{7f}", "é", "😀", "pm", "nd", "x", "+", "sh", "7", "hi", "v", "fvck",
];

/// The plain fast path gives exactly what the passes give, wherever it is taken.
#[test]
fn plain_path_matches_the_passes() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut passes, mut fast) = (Normalized::default(), Normalized::default());
    let mut taken = 0;
    let rounds = 300_000;
    let v = vocabulary();
    for round in 0..rounds {
        let mut input = String::new();
        for _ in 0..rng.below(16) {
            input.push_str(PLAIN_PIECES[rng.below(PLAIN_PIECES.len())]);
        }
        if !plain::is_plain(&input) {
            continue;
        }
        taken += 1;
        passes.clear();
        normalize_passes(&input, &v, &mut passes);
        fast.clear();
        plain::write(&input, &mut fast);
        let same = passes.text == fast.text && passes.src == fast.src && passes.stretched == fast.stretched;
        assert!(
            same,
            "round {round}: {input:?}: passes {:?} {:?}, plain {:?} {:?}",
            passes.text, passes.src, fast.text, fast.src
        );
    }
    // Both outcomes are exercised.
    assert!(taken > rounds / 20 && taken < rounds / 2, "plain path taken {taken} times of {rounds}");
}

/// Where resolve's shortcut is taken, resolving token by token changes nothing.
#[test]
fn resolve_shortcut_changes_nothing_the_passes_would() {
    let mut rng = Rng(0x6c07_8965_d3b1_a2f9);
    let v = vocabulary();
    let (mut units, mut taken) = (Vec::new(), 0);
    let rounds = 100_000;
    for round in 0..rounds {
        let input = if round % 2 == 0 {
            let mut s = String::new();
            for _ in 0..rng.below(16) {
                s.push_str(PLAIN_PIECES[rng.below(PLAIN_PIECES.len())]);
            }
            s
        } else {
            random_string(&mut rng)
        };
        units.clear();
        super::scan::scan(&input, &mut units);
        let mut reader = super::resolve::TokenReader::new(&v, Vec::new(), String::new());
        super::join::join_spaced(&mut units, &mut reader);
        if !super::resolve::nothing_to_resolve(&units) {
            continue;
        }
        taken += 1;
        let before: Vec<(char, u8)> = units.iter().map(|u| (u.c, u.flags)).collect();
        super::resolve::resolve_tokens(&mut units, &mut reader);
        let after: Vec<(char, u8)> = units.iter().map(|u| (u.c, u.flags)).collect();
        assert_eq!(before, after, "round {round}: {input:?}");
    }
    assert!(taken > rounds / 20 && taken < rounds * 9 / 10, "shortcut taken {taken} times of {rounds}");
}

/// `cargo test --release --lib core::normalize::tests::throughput -- --ignored --nocapture`
#[test]
#[ignore = "timing; run in release"]
fn throughput() {
    let messages = [
        "Hi, I ordered a keyboard two weeks ago (order #48213) and the tracking still says label created. Can someone check? Thanks!",
        "this is RIDICULOUS, you guys are useless, i've been waiting for 3 days and nobody answers, what a waste of my time!!!",
        "u r such an 1d10t lol, f**k this support, stuuuupid bot <@123456789012345678> https://example.com/status",
        "Ｈｅｌｌｏ，ｍｙ ａｃｃｏｕｎｔ ｉｓ ｌｏｃｋｅｄ 😀 can you help? Merci beaucoup, très gentil — ça marche pas.",
    ];
    let mut n = Normalized::default();
    let v = vocabulary();
    for m in messages {
        let iterations = 1_000_000;
        let started = std::time::Instant::now();
        for _ in 0..iterations {
            normalize_into(std::hint::black_box(m), &v, &mut n);
            std::hint::black_box(n.text());
        }
        let secs = started.elapsed().as_secs_f64();
        let mb = (m.len() * iterations) as f64 / 1e6;
        println!("{:>4} bytes: {:>7.1} MB/s, {:>6.0} ns/message", m.len(), mb / secs, secs * 1e9 / iterations as f64);
    }
}
