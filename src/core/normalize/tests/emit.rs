//! Output: stretched letters.

use super::*;

#[rustfmt::skip]
const STRETCH: &[Case] = &[
    Case { name: "u run", input: "stuuuupid", expected: "stUpid" },
    Case { name: "trailing s", input: "asssss", expected: "aS" },
    Case { name: "fuuuck", input: "fuuuck", expected: "fUck" },
    Case { name: "exactly three", input: "nooo", expected: "nO" },
    Case { name: "two stays", input: "good ass hello", expected: "good ass hello" },
    Case { name: "case-insensitive", input: "NOooO", expected: "nO" },
    Case { name: "through leet", input: "a555", expected: "aS" },
    Case { name: "digits not stretched", input: "1000", expected: "1000" },
    Case { name: "punctuation not stretched", input: "why!!!", expected: "why!!!" },
    Case { name: "non-ascii", input: "ééé", expected: "E" },
];

#[test]
fn stretch() {
    check("stretch", STRETCH);
}
