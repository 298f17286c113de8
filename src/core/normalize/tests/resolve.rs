//! The resolve pass: leetspeak and self-censoring.

use super::*;

#[rustfmt::skip]
const LEET: &[Case] = &[
    Case { name: "digits", input: "you 1d10t", expected: "you idiot" },
    Case { name: "l0ser", input: "l0ser", expected: "loser" },
    Case { name: "a55", input: "a55", expected: "ass" },
    Case { name: "sh1t", input: "sh1t", expected: "shit" },
    Case { name: "all digits", input: "3 4 5 7 8 9 0 1", expected: "3 4 5 7 8 9 0 1" },
    Case { name: "b8 g9 t7", input: "8itch 9et 7his", expected: "bitch get this" },
    Case { name: "dollar inside", input: "a$$", expected: "ass" },
    Case { name: "dollar at start", input: "$tupid", expected: "stupid" },
    Case { name: "at inside", input: "b@d", expected: "bad" },
    Case { name: "mention stays", input: "@user hi", expected: "@user hi" },
    Case { name: "euro", input: "€vil", expected: "evil" },
    Case { name: "bang before letter", input: "b!tch", expected: "bitch" },
    Case { name: "pipe before letter", input: "b|tch", expected: "bitch" },
    Case { name: "bang at end", input: "stupid!", expected: "stupid!" },
    Case { name: "bang run stays", input: "stupid!!!1", expected: "stupid!!!1" },
    Case { name: "bot command", input: "!ban him", expected: "!ban him" },
    Case { name: "sentence break", input: "thanks!You rock", expected: "thanks!you rock" },
    Case { name: "pure number", input: "order 12345", expected: "order 12345" },
    Case { name: "days", input: "3 days", expected: "3 days" },
    Case { name: "slash", input: "24/7", expected: "24/7" },
    Case { name: "money", input: "$100 or 5€", expected: "$100 or 5€" },
    Case { name: "ordinal", input: "1st 2nd 3rd 10th", expected: "1st 2nd 3rd 10th" },
    Case { name: "time", input: "at 5pm or 4am", expected: "at 5pm or 4am" },
    Case { name: "sizes", input: "8gb 100k 60fps", expected: "8gb 100k 60fps" },
    Case { name: "identifier with 2", input: "h264 x86", expected: "h264 x86" },
    Case { name: "product suffix", input: "win10 mp3 ps5", expected: "win10 mp3 ps5" },
    Case { name: "fullwidth leet", input: "１ｄ１０ｔ", expected: "idiot" },
];

#[rustfmt::skip]
const CENSOR: &[Case] = &[
    Case { name: "one star", input: "f*ck", expected: "f*ck" },
    Case { name: "two stars", input: "f**k you", expected: "f**k you" },
    Case { name: "trailing stars", input: "f*** off", expected: "f*** off" },
    Case { name: "sh*t", input: "sh*t!", expected: "sh*t!" },
    Case { name: "hash", input: "b#tch", expected: "b*tch" },
    Case { name: "unicode asterisk", input: "f∗ck", expected: "f*ck" },
    Case { name: "fullwidth asterisk", input: "f＊ck", expected: "f*ck" },
    Case { name: "markdown italic", input: "*sigh*", expected: " sigh " },
    Case { name: "markdown bold", input: "**bold** text", expected: " bold text" },
    Case { name: "bold sentence", input: "**not my fault**", expected: " not my fault " },
    Case { name: "censor inside markdown", input: "*f*ck it*", expected: " f*ck it " },
    Case { name: "leading star", input: "*ducks", expected: " ducks" },
    Case { name: "bullet", input: "* item", expected: " item" },
    Case { name: "rating", input: "5* service", expected: "5 service" },
    Case { name: "maths", input: "2*3", expected: "2 3" },
    Case { name: "ticket number", input: "order #12345", expected: "order #12345" },
    Case { name: "hash before digits", input: "order#12345", expected: "order#12345" },
    Case { name: "c sharp", input: "c# and f###", expected: "c# and f###" },
];

#[test]
fn leet() {
    check("leet", LEET);
}

#[test]
fn censor() {
    check("censor", CENSOR);
}

/// Disguise anywhere in a word, first and last letters included, read
/// against the vocabulary (issue 12).
#[rustfmt::skip]
const DISGUISE: &[Case] = &[
    Case { name: "digit first", input: "5h17", expected: "shit" },
    Case { name: "digits at both ends", input: "you 1d107", expected: "you idiot" },
    Case { name: "a55", input: "what a55", expected: "what ass" },
    Case { name: "bi7ch", input: "bi7ch", expected: "bitch" },
    Case { name: "v for u and plural", input: "5vck5", expected: "sucks" },
    Case { name: "v for u with leet ending", input: "fvck1n9", expected: "fucking" },
    Case { name: "1 for l", input: "1o5er", expected: "loser" },
    Case { name: "bang before a digit", input: "1d!0t", expected: "idiot" },
    Case { name: "plus for t", input: "s+up1d", expected: "stupid" },
    Case { name: "pipe for l", input: "|oser", expected: "loser" },
    Case { name: "suffix stem", input: "a55hole", expected: "asshole" },
    Case { name: "grammar words", input: "y0u 4r3 4n 1d10t", expected: "you are an idiot" },
    Case { name: "asterisk separators", input: "f*u*c*k", expected: "fuck" },
    Case { name: "mixed separators", input: "s.t-u_p i*d", expected: "stupid" },
    Case { name: "one-letter words before spaced letters", input: "ur a c l o w n, this is the 3rd time!!!", expected: "ur a clown, this is the 3rd time!!!" },
    Case { name: "you are a c l o w n", input: "you are a c l o w n", expected: "you are a clown" },
    Case { name: "u r a c.l.o.w.n", input: "u r a c.l.o.w.n", expected: "u r a clown" },
    Case { name: "a spelled word starting with a", input: "a s s h o l e", expected: "asshole" },
    Case { name: "homoglyphs, zero-width and leet", input: "ѕ\u{200b}һ1т", expected: "shit" },
];

/// What must stay as written: numbers, prices, times, versions, order
/// numbers, codes and handles (issue 12).
#[rustfmt::skip]
const STAYS: &[Case] = &[
    Case { name: "time", input: "at 3am", expected: "at 3am" },
    Case { name: "price", input: "$5 or 5$", expected: "$5 or 5$" },
    Case { name: "version", input: "v1.0.5", expected: "v1.0.5" },
    Case { name: "order number", input: "order #A55-1234", expected: "order #a55-1234" },
    Case { name: "ticket after hash", input: "ticket #A55", expected: "ticket #a55" },
    Case { name: "sku", input: "SKU 5H-177", expected: "sku 5h-177" },
    Case { name: "gr8 b4", input: "gr8, see you b4 noon", expected: "gr8, see you b4 noon" },
    Case { name: "ordinal", input: "2nd", expected: "2nd" },
    Case { name: "handle", input: "l33t", expected: "l33t" },
    Case { name: "arch", input: "x86_64", expected: "x86_64" },
    Case { name: "number", input: "1337", expected: "1337" },
    Case { name: "bang after a word before a digit", input: "thanks!1", expected: "thanks!1" },
    Case { name: "c++", input: "c++ and a+b", expected: "c++ and a+b" },
];

#[test]
fn disguise() {
    check("disguise", DISGUISE);
}

#[test]
fn stays() {
    check("stays", STAYS);
}

/// The evasion suite's forms (issue 12): symbol runs, trailing `+`, `@` and
/// `!` starting a word, palochka for `l`, an all-caps word after `!`.
#[rustfmt::skip]
const SUITE_FORMS: &[Case] = &[
    Case { name: "trailing plus", input: "sh1+ and 5hi+.", expected: "shit and shit." },
    Case { name: "bang then plus", input: "sh!+", expected: "shit" },
    Case { name: "pipe run", input: "8u||sh1+", expected: "bullshit" },
    Case { name: "at start", input: "@s5 and @$$hole", expected: "ass and asshole" },
    Case { name: "bang start", input: "!di0t5", expected: "idiots" },
    Case { name: "palochka for l", input: "ӏosεr he\u{4cf}\u{4cf}", expected: "loser hell" },
    Case { name: "caps after a bang", input: "іd!OTS", expected: "idiots" },
    Case { name: "pipe before caps", input: "asSHо|E", expected: "asshole" },
    Case { name: "hell over heil", input: "He11", expected: "hell" },
    Case { name: "a bang run is punctuation", input: "stupid!!! thanks!", expected: "stupid!!! thanks!" },
    Case { name: "sentence break", input: "thanks!You rock", expected: "thanks!you rock" },
    Case { name: "grade", input: "an A+ and C++", expected: "an a+ and c++" },
    Case { name: "bot command", input: "!ban him", expected: "!ban him" },
    Case { name: "table", input: "| col | col |", expected: "| col | col |" },
];

#[test]
fn suite_forms() {
    check("suite forms", SUITE_FORMS);
}
