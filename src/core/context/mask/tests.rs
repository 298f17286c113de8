//! The text the reader reads, with the discounted hits left out.

use super::reader_text;
use crate::core::score::Analyzer;
use crate::pack::tests::pack_with;
use crate::testing::{check, Case};

const EXTRA: &str = r#"
[[category]]
name = "exclamation-test"
weight = 0.45
targeted = true
phrases = ["damn"]

[[category]]
name = "attack-test"
weight = 0.5
targeted = true
phrases = ["stupid", "sick"]

[allow]
phrases = ["kill the process"]
"#;

#[test]
fn the_reader_reads_around_what_the_phrases_discounted() {
    let a = Analyzer::new(pack_with(EXTRA)).expect("compiles");
    let cases = [
        Case { name: "nothing discounted", input: "you idiot", expected: "you idiot" },
        Case { name: "negated", input: "you're not stupid, the form is", expected: "you're not , the form is" },
        Case { name: "not aimed", input: "this update is sick", expected: "this update is " },
        Case { name: "aimed stays", input: "you are stupid", expected: "you are stupid" },
        Case { name: "no phrase", input: "people like that", expected: "people like that" },
        Case { name: "praise slang", input: "what a sick drop", expected: "what a  drop" },
        Case { name: "an exclamation", input: "damn, i forgot the file", expected: ", i forgot the file" },
        Case {
            name: "a mild word said of a thing",
            input: "the update is damn slow",
            expected: "the update is damn slow",
        },
        Case {
            name: "praise slang with no phrase, said of a thing",
            input: "the boss fight is brutal but fair",
            expected: "the boss fight is  but fair",
        },
        Case {
            name: "praise slang of a thing that is the reader's",
            input: "your delivery times are insane, got it",
            expected: "your delivery times are , got it",
        },
        Case { name: "praise slang said of a person", input: "he was brutal to me", expected: "he was brutal to me" },
        Case { name: "praise slang said to the reader", input: "you are brutal", expected: "you are brutal" },
        Case { name: "praise slang inside a word", input: "the brutality of it", expected: "the brutality of it" },
    ];
    check("reader text", &cases, |text| reader_text(&a.analyze(text, 0.0)).into_owned());
}

/// The lists come from the pack: a pack in another language names its own
/// praise slang, and an empty list turns the rule off.
#[test]
fn praise_slang_is_the_packs() {
    let own =
        Analyzer::new(pack_with(&format!("{EXTRA}\n[settings]\npraise_slang = [\"krass\"]\n"))).expect("compiles");
    let none = Analyzer::new(pack_with(&format!("{EXTRA}\n[settings]\npraise_slang = []\n"))).expect("compiles");
    let cases = [
        Case { name: "its own word", input: ("der boss ist krass", true), expected: "der boss ist " },
        Case {
            name: "a default word is not listed",
            input: ("the boss is brutal", true),
            expected: "the boss is brutal",
        },
        Case { name: "empty list", input: ("the boss is brutal", false), expected: "the boss is brutal" },
    ];
    check("reader text", &cases, |&(text, with_own)| {
        reader_text(&if with_own { &own } else { &none }.analyze(text, 0.0)).into_owned()
    });
}

/// A Title-case word that holds a hostile phrase is a place's name after
/// "in" unless its ending makes it a form of the phrase, and the endings
/// are the pack's (`[settings] derived_endings`).
#[test]
fn derived_endings_are_the_packs() {
    let default = Analyzer::new(pack_with(EXTRA)).expect("compiles");
    let none = Analyzer::new(pack_with(&format!("{EXTRA}\n[settings]\nderived_endings = []\n"))).expect("compiles");
    let cases = [
        Case { name: "a place", input: ("we met in Stupidville", true), expected: "we met in " },
        Case { name: "a form of the phrase", input: ("we met in Stupider", true), expected: "we met in stupider" },
        Case { name: "no endings listed", input: ("we met in Stupider", false), expected: "we met in " },
    ];
    check("reader text", &cases, |&(text, with_default)| {
        reader_text(&if with_default { &default } else { &none }.analyze(text, 0.0)).into_owned()
    });
}
