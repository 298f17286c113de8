//! The scan pass: case, look-alikes, what passes through, invisible
//! characters, whitespace and quotes, Discord markup and URLs.

use super::*;

#[rustfmt::skip]
const CASE_FOLDING: &[Case] = &[
    Case { name: "ascii caps", input: "You IDIOT", expected: "you idiot" },
    Case { name: "mixed", input: "ThAnKs", expected: "thanks" },
    Case { name: "accented caps", input: "ÍDÍÓT", expected: "idiot" },
];

#[rustfmt::skip]
const CONFUSABLES: &[Case] = &[
    Case { name: "cyrillic", input: "іdіоt", expected: "idiot" },
    Case { name: "fullwidth", input: "ｉｄｉｏｔ", expected: "idiot" },
    Case { name: "fullwidth caps", input: "ＩＤＩＯＴ", expected: "idiot" },
    Case { name: "math bold", input: "𝐢𝐝𝐢𝐨𝐭", expected: "idiot" },
    Case { name: "math double-struck", input: "𝕚𝕕𝕚𝕠𝕥", expected: "idiot" },
    Case { name: "accents", input: "ídíót", expected: "idiot" },
    Case { name: "small capitals", input: "ɪᴅɪᴏᴛ", expected: "idiot" },
    Case { name: "enclosed", input: "ⓘⓓⓘⓞⓣ", expected: "idiot" },
    Case { name: "squared", input: "🅸🅳🅸🅾🆃", expected: "idiot" },
    Case { name: "eszett", input: "Straße", expected: "strasse" },
    Case { name: "fullwidth punctuation", input: "ok！？，", expected: "ok!?," },
    Case { name: "dashes and ellipsis", input: "wait – what…", expected: "wait - what..." },
];

#[rustfmt::skip]
const PASS_THROUGH: &[Case] = &[
    Case { name: "emoji stay emoji", input: "thanks 😀👍", expected: "thanks 😀👍" },
    Case { name: "heart", input: "love it ❤", expected: "love it ❤" },
    Case { name: "sparkles are not wildcards", input: "amazing✨", expected: "amazing✨" },
    Case { name: "stars are not wildcards", input: "great ⭐⭐⭐", expected: "great ⭐⭐⭐" },
    Case { name: "flags stay flags", input: "from 🇺🇸", expected: "from 🇺🇸" },
    Case { name: "cjk", input: "日本語 中文", expected: "日本語 中文" },
    Case { name: "hangul", input: "한국어", expected: "한국어" },
    Case { name: "arabic", input: "مرحبا", expected: "مرحبا" },
    Case { name: "hebrew", input: "שלום", expected: "שלום" },
    Case { name: "devanagari letters", input: "नमस", expected: "नमस" },
    Case { name: "inverted exclamation", input: "¡Hola!", expected: "¡hola!" },
    Case { name: "copyright", input: "© 2024", expected: "© 2024" },
    Case { name: "cjk punctuation", input: "好。好、", expected: "好.好," },
];

#[rustfmt::skip]
const INVISIBLE: &[Case] = &[
    Case { name: "zero-width space", input: "i\u{200b}d\u{200b}i\u{200b}o\u{200b}t", expected: "idiot" },
    Case { name: "joiners", input: "id\u{200c}i\u{200d}ot", expected: "idiot" },
    Case { name: "word joiner and bom", input: "\u{feff}id\u{2060}iot", expected: "idiot" },
    Case { name: "soft hyphen", input: "id\u{ad}iot", expected: "idiot" },
    Case { name: "variation selector", input: "idi\u{fe0f}ot", expected: "idiot" },
    Case { name: "bidi override", input: "\u{202e}idiot\u{202c}", expected: "idiot" },
    Case { name: "zalgo", input: "i\u{336}d\u{337}\u{35c}i\u{30d}\u{316}o\u{489}t\u{1dc4}", expected: "idiot" },
    Case { name: "only invisible", input: "\u{200b}\u{200c}\u{feff}", expected: "" },
];

#[rustfmt::skip]
const WHITESPACE_AND_QUOTES: &[Case] = &[
    Case { name: "runs", input: "a  \t\n b", expected: "a b" },
    Case { name: "nbsp and ideographic", input: "x\u{a0}\u{3000}y", expected: "x y" },
    Case { name: "braille blank", input: "no\u{2800}way", expected: "no way" },
    Case { name: "curly apostrophe", input: "I’ll don‘t", expected: "i'll don't" },
    Case { name: "modifier apostrophe", input: "don\u{2bc}t", expected: "don't" },
    Case { name: "curly double quotes", input: "“fine”", expected: "\"fine\"" },
    Case { name: "control chars dropped", input: "a\u{0}b\u{7}c", expected: "abc" },
];

#[rustfmt::skip]
const DISCORD: &[Case] = &[
    Case { name: "user mention", input: "<@123456> hi", expected: "@123456 hi" },
    Case { name: "nick mention", input: "hey <@!42>", expected: "hey @42" },
    Case { name: "role mention", input: "<@&77> help", expected: "@&77 help" },
    Case { name: "channel mention", input: "see <#99>", expected: "see #99" },
    Case { name: "custom emoji", input: "ok <:idiot:123> bye", expected: "ok bye" },
    Case { name: "animated emoji", input: "<a:fuckyou:9>", expected: " " },
    Case { name: "timestamp", input: "by <t:1700000000:R>", expected: "by " },
    Case { name: "broken mention", input: "<@abc>", expected: "<@abc>" },
    Case { name: "heart", input: "<3 you", expected: "<3 you" },
    Case { name: "https url", input: "see https://example.com/analytics now", expected: "see now" },
    Case { name: "http url", input: "http://idiot.com", expected: " " },
    Case { name: "www url", input: "go to www.stupid.org.", expected: "go to ." },
    Case { name: "suppressed embed", input: "<https://x.com/fuck> ok", expected: " ok" },
    Case { name: "url trailing punctuation", input: "(https://a.b/c), ok?", expected: "( ), ok?" },
    Case { name: "inline code", input: "run `cargo build` now", expected: "run cargo build now" },
    Case { name: "code block", input: "```rust\nfn x()```", expected: "rust fn x()" },
    Case { name: "spoiler", input: "||idiot||", expected: "||idiot||" },
];

#[rustfmt::skip]
const HASHTAGS: &[Case] = &[
    Case { name: "camel case splits", input: "#LyingSkank", expected: "#lying skank" },
    Case { name: "several", input: "#IdiotAlert now", expected: "#idiot alert now" },
    Case { name: "lower case stays", input: "#maga", expected: "#maga" },
    Case { name: "acronym stays", input: "#USA", expected: "#usa" },
    Case { name: "only inside hashtags", input: "iPhone McDonald", expected: "iphone mcdonald" },
];

#[test]
fn hashtags() {
    check("hashtags", HASHTAGS);
}

#[test]
fn case_folding() {
    check("case folding", CASE_FOLDING);
}

#[test]
fn confusables() {
    check("confusables", CONFUSABLES);
}

#[test]
fn pass_through() {
    check("pass through", PASS_THROUGH);
}

#[test]
fn invisible() {
    check("invisible", INVISIBLE);
}

#[test]
fn whitespace_and_quotes() {
    check("whitespace and quotes", WHITESPACE_AND_QUOTES);
}

#[test]
fn discord() {
    check("discord", DISCORD);
}
