//! Which Title-case hits read as proper names.

use super::{reads_as_name, Message};
use crate::core::normalize::normalize;
use crate::core::pack::Settings;
use crate::testing::{check, Case};

/// Whether `start..end` of `text` reads as a name, with no other hits.
fn name_with(text: &str, start: usize, end: usize, settings: &Settings) -> bool {
    reads_as_name(&Message::new(text, &[], &normalize(text), settings), start, end)
}

/// Whether `word` (its first occurrence) in `text` reads as a name, with no other hits.
fn name_at(text: &str, word: &str) -> bool {
    let start = text.find(word).expect("the word is in the text");
    name_with(text, start, start + word.len(), &Settings::default())
}

#[test]
fn title_case_words_beside_names_or_after_titles_are_names() {
    let cases = [
        Case {
            name: "first name before",
            input: ("Please forward this to Matt Hancock in accounts", "Hancock"),
            expected: true,
        },
        Case { name: "surname after", input: ("Our CTO, Dick Smith, wants a copy", "Dick"), expected: true },
        Case { name: "after a title", input: ("Ask Mr. Dick about the refund", "Dick"), expected: true },
        Case { name: "after a title without a stop", input: ("Ms Dyke signed for it", "Dyke"), expected: true },
        Case { name: "after an initial", input: ("Philip K. Dick novels are listed", "Dick"), expected: true },
        Case {
            name: "sentence start beside a name",
            input: ("Dick Van Dyke narrates the audiobook", "Dick"),
            expected: true,
        },
        Case { name: "inside a name", input: ("My colleague Dick Van Dyke Jr. will join", "Dyke"), expected: true },
    ];
    check("names", &cases, |&(text, word)| name_at(text, word));
}

#[test]
fn insults_written_with_capitals_still_count() {
    let cases = [
        Case { name: "lower case", input: ("you are a dick", "dick"), expected: false },
        Case { name: "capital alone mid-sentence", input: ("you are a Dick", "Dick"), expected: false },
        Case { name: "title case sentence", input: ("You Stupid Idiot", "Idiot"), expected: false },
        Case { name: "sentence start", input: ("Dick move, mate", "Dick"), expected: false },
        Case { name: "capitals", input: ("you DICK Smith", "DICK"), expected: false },
        Case { name: "a comma between", input: ("thanks, Dick, Smith was right", "Dick"), expected: false },
        Case {
            name: "beside the first word of a sentence",
            input: ("Nice. Idiot move there", "Idiot"),
            expected: false,
        },
        Case { name: "after a mention", input: ("@user Fuck Trump and his friends", "Fuck"), expected: false },
    ];
    check("not names", &cases, |&(text, word)| name_at(text, word));
}

/// The titles are the pack's (`[settings] titles`): a pack in another
/// language names its own.
#[test]
fn titles_are_the_packs() {
    let german = Settings { titles: vec!["herr".into()], ..Settings::default() };
    let text = "Bitte an Herr Dick weiterleiten";
    let start = text.find("Dick").expect("in the text");
    let with = |s: &Settings| name_with(text, start, start + 4, s);
    assert!(with(&german), "a listed title introduces a name");
    let text_en = "Ask Mr. Dick about it";
    let start_en = text_en.find("Dick").expect("in the text");
    assert!(!name_with(text_en, start_en, start_en + 4, &german), "a title the pack does not list is no title");
}
