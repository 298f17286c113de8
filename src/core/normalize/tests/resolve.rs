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
