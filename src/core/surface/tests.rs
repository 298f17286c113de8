//! Surface tests: shouting and punctuation bursts, case by case.

use super::*;

/// How much shouting a case expects.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shout {
    /// Exactly 0.
    None,
    /// Above 0, below 0.5.
    Low,
    /// At least 0.8.
    High,
}

fn band(x: f32) -> Shout {
    if x == 0.0 {
        Shout::None
    } else if x < 0.5 {
        Shout::Low
    } else if x >= 0.8 {
        Shout::High
    } else {
        // Between bands: reported as a mismatch with any expectation.
        Shout::Low
    }
}

struct Case<T> {
    name: &'static str,
    input: &'static str,
    expected: T,
}

#[rustfmt::skip]
const SHOUTING: &[Case<Shout>] = &[
    Case { name: "all caps", input: "WHERE IS MY ORDER I PAID TWO WEEKS AGO", expected: Shout::High },
    Case { name: "acronyms", input: "My USPS tracking says FEDEX", expected: Shout::None },
    Case { name: "one word emphasis", input: "I want a REFUND now", expected: Shout::None },
    Case { name: "short acronyms", input: "The API and HTTP FAQ", expected: Shout::None },
    Case { name: "one word alone", input: "UNACCEPTABLE!!!", expected: Shout::High },
    Case { name: "one word short message", input: "REFUND NOW", expected: Shout::High },
    Case {
        name: "one word in long sentence",
        input: "I have been waiting patiently for this delivery and it is honestly RIDICULOUS at this point",
        expected: Shout::None,
    },
    Case {
        name: "two words in long text",
        input: "I have been waiting patiently for this delivery and it is honestly TOTALLY RIDICULOUS at this point tbh",
        expected: Shout::Low,
    },
    Case { name: "title case", input: "Hello There Support Team", expected: Shout::None },
    Case { name: "calm", input: "thanks, that fixed it", expected: Shout::None },
    Case { name: "empty", input: "", expected: Shout::None },
    Case { name: "camel case", input: "iPhone GitHub JavaScript", expected: Shout::None },
    Case { name: "error codes", input: "got ERROR_CONNECTION_REFUSED and HTTP404ERROR", expected: Shout::None },
    Case { name: "code span", input: "it says `FATAL ERROR: DISK QUOTA EXCEEDED` again", expected: Shout::None },
    Case { name: "emoji names", input: "<:PEPEHANDS:123> <:KEKWAIT:456> ok", expected: Shout::None },
    Case { name: "cyrillic caps", input: "ПОЧЕМУ ЗАКАЗ", expected: Shout::High },
    Case { name: "fullwidth caps", input: "ＷＨＥＲＥ ＩＳ ＭＹ ＯＲＤＥＲ", expected: Shout::High },
];

#[rustfmt::skip]
const BURSTS: &[Case<u32>] = &[
    Case { name: "three bangs", input: "why!!!", expected: 1 },
    Case { name: "mixed pair", input: "what?!", expected: 1 },
    Case { name: "mixed long", input: "what?!?!", expected: 1 },
    Case { name: "three questions", input: "hello???", expected: 1 },
    Case { name: "single", input: "hi! ok?", expected: 0 },
    Case { name: "pairs", input: "hi!! ok??", expected: 0 },
    Case { name: "ellipsis", input: "well...", expected: 0 },
    Case { name: "two bursts", input: "no!!! why???", expected: 2 },
    Case { name: "fullwidth", input: "なぜ！！！", expected: 1 },
    Case { name: "double exclamation char", input: "wow‼!", expected: 1 },
    Case { name: "interrobang", input: "what⁉", expected: 1 },
    Case { name: "emoji with selectors", input: "❗\u{fe0f}❗\u{fe0f}❗\u{fe0f}", expected: 1 },
    Case { name: "spaced out", input: "! ! !", expected: 0 },
    Case { name: "in code", input: "`assert!!!(x)`", expected: 0 },
    Case { name: "in url", input: "https://x.y/?q=???&a=1", expected: 0 },
    Case { name: "after url", input: "did you see https://x.y/a???", expected: 1 },
];

#[rustfmt::skip]
const REGRESSION: &[Case<(Shout, u32)>] = &[
    Case { name: "mention digits", input: "<@123456789> HELLO THERE!!!", expected: (Shout::High, 1) },
    Case { name: "unclosed code", input: "```LOUD NOISES!!!", expected: (Shout::None, 0) },
    Case { name: "zalgo caps", input: "U\u{336}SELESS PEOPLE", expected: (Shout::High, 0) },
];

#[test]
fn shouting() {
    for case in SHOUTING {
        let got = surface(case.input).shouting;
        assert_eq!(band(got), case.expected, "shouting/{}: {got}", case.name);
        assert!((0.0..=1.0).contains(&got), "shouting/{}: {got}", case.name);
    }
}

#[test]
fn bursts() {
    for case in BURSTS {
        let got = surface(case.input).punctuation_bursts;
        assert_eq!(got, case.expected, "bursts/{}", case.name);
    }
}

#[test]
fn regression() {
    for case in REGRESSION {
        let s = surface(case.input);
        let got = (band(s.shouting), s.punctuation_bursts);
        assert_eq!(got, case.expected, "REGRESSION/{}: {s:?}", case.name);
    }
}

/// Every character [`Bursts::push`] counts is one [`is_burst_mark_utf8`] knows.
#[test]
fn burst_marks_known() {
    for c in ['！', '？', '﹗', '﹖', '❗', '❕', '❓', '❔', '‼', '⁉', '⁈'] {
        let mut b = [0u8; 4];
        let e = c.encode_utf8(&mut b).as_bytes();
        assert_eq!(e.len(), 3, "{c}");
        let code = u32::from(e[0]) << 16 | u32::from(e[1]) << 8 | u32::from(e[2]);
        assert!(is_burst_mark_utf8(code), "{c}");
        let mut bursts = Bursts::default();
        bursts.push(c);
        assert!(bursts.len > 0, "{c}");
    }
}

/// [`may_signal`] never skips a message that has a signal.
#[test]
fn may_signal_is_exact() {
    let pieces = [
        "A", "B", "b", "!", "?", "！", "？", "﹗", "﹖", "‼", "⁉", "⁈", "❗", "❕", "❓", "❔", "\u{fe0f}", "\u{200b}",
        "\u{200d}", "\u{2060}", "\u{feff}", "\u{ad}", "\u{301}", "\u{336}", "`", "<@1>", "<", " ", "1", "_", "Ж", "Ш",
        "ж", "ǅ", "Ａ", "ａ", "Σ", "ß", "😀", "日", "’", "…",
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut skipped = 0;
    for _ in 0..200_000 {
        let mut s = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut x = state;
        for _ in 0..(x % 14) {
            s.push_str(pieces[(x >> 5) as usize % pieces.len()]);
            x = x.rotate_left(9) ^ 0x9e37_79b9;
        }
        if !may_signal(s.as_bytes()) {
            skipped += 1;
            assert_eq!(read(&s), Surface::default(), "{s:?}");
        }
    }
    assert!(skipped > 10_000, "{skipped}");
}

/// The ASCII bit-mask version gives [`may_signal_bytes`]'s answer,
/// across 64-byte block edges too.
#[test]
fn may_signal_ascii_is_the_same() {
    for pos in 0..140 {
        for (run, mark) in [("AAAA", "!"), ("AAAAA", "!?"), ("AAAAAA", "?!?")] {
            for piece in [run, mark] {
                let s = format!("{}{piece}{}", "b".repeat(pos), "b".repeat(pos % 7));
                assert_eq!(may_signal_ascii(s.as_bytes()), may_signal_bytes(s.as_bytes()), "{s:?}");
            }
        }
    }
    let pieces =
        ["A", "B", "b", "!", "?", " ", "1", "_", "AAAA", "x", "<@1>", "`", ".", "word ", "Some ", "x", "y", ",", "z"];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut found = 0;
    for _ in 0..100_000 {
        let mut s = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut x = state;
        for _ in 0..(x % 150) {
            s.push_str(pieces[(x >> 5) as usize % pieces.len()]);
            x = x.rotate_left(9) ^ 0x9e37_79b9;
        }
        let want = may_signal_bytes(s.as_bytes());
        assert_eq!(may_signal_ascii(s.as_bytes()), want, "{s:?}");
        found += usize::from(want);
    }
    assert!((10_000..90_000).contains(&found), "{found}");
}

#[test]
fn never_panics() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let pieces = [
        "A", "b", "!", "?", "！", "‼", "`", "<", "<@", "<:a:", ">", "1", "_", " ", "https://", "www.", "\u{301}",
        "\u{200b}", "😀", "ß", "Ж", "日",
    ];
    for _ in 0..3000 {
        let mut s = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut x = state;
        for _ in 0..(x % 20) {
            s.push_str(pieces[(x >> 5) as usize % pieces.len()]);
            x = x.rotate_left(7) ^ 0x9e37_79b9;
        }
        let got = surface(&s);
        assert!((0.0..=1.0).contains(&got.shouting), "{s:?}: {got:?}");
    }
}
