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
    ];
    check("reader text", &cases, |text| reader_text(&a.analyze(text, 0.0)).into_owned());
}
