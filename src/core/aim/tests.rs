//! Aim tests on the bundled English pack: how people address someone, and
//! look-alikes that address nobody.

use crate::core::score::{Aim, Analyzer};
use crate::pack::load_dir;
use std::sync::OnceLock;

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("phrases");
        Analyzer::new(load_dir(&dir).expect("bundled pack loads")).expect("compiles")
    })
}

struct Case {
    name: &'static str,
    input: &'static str,
    /// The matched text whose aim is checked (lower case, as written in `input`).
    phrase: &'static str,
    /// Aimed at a person other than the writer.
    aimed: bool,
}

/// The aim of the signal whose original text is `phrase`.
fn aim_of(input: &str, phrase: &str) -> Aim {
    let a = analyzer().analyze(input, 0.0);
    // A plural matches its singular phrase ("idiots" -> "idiot").
    let found = a.signals.iter().find(|s| {
        let text = input[s.start..s.end].to_lowercase();
        phrase == text || phrase.strip_prefix(text.as_str()).is_some_and(|rest| rest == "s" || rest == "es")
    });
    match found {
        Some(s) => s.aim,
        None => panic!(
            "{input:?}: no signal on {phrase:?}; signals: {:?}",
            a.signals.iter().map(|s| &input[s.start..s.end]).collect::<Vec<_>>()
        ),
    }
}

fn check(cases: &[Case]) {
    for c in cases {
        let aim = aim_of(c.input, c.phrase);
        assert_eq!(aim.at_person(), c.aimed, "{}: {:?} on {:?} read as {aim:?}", c.name, c.input, c.phrase);
    }
}

#[test]
fn vocatives_are_aimed_at_the_reader() {
    check(&[
        Case { name: "after a comma at the end", input: "Answer me, moron.", phrase: "moron", aimed: true },
        Case { name: "between commas", input: "Listen, idiot, I want my money", phrase: "idiot", aimed: true },
        Case { name: "alone", input: "moron.", phrase: "moron", aimed: true },
        Case { name: "a whole message", input: "clown", phrase: "clown", aimed: true },
        Case { name: "after a negation's part", input: "thanks for nothing, clown", phrase: "clown", aimed: true },
        Case { name: "opening the sentence", input: "Idiot, read my ticket", phrase: "idiot", aimed: true },
        Case { name: "with adjectives", input: "fix it, useless clown!", phrase: "clown", aimed: true },
        Case { name: "you and adjectives", input: "shut up, you absolute moron", phrase: "moron", aimed: true },
    ]);
}

#[test]
fn second_person_copulas_and_groups_are_aimed() {
    check(&[
        Case { name: "still the same", input: "you're still the same useless idiots", phrase: "idiots", aimed: true },
        Case { name: "just", input: "you're just idiots", phrase: "idiots", aimed: true },
        Case { name: "all a bunch of", input: "you're all a bunch of clowns", phrase: "clowns", aimed: true },
        Case { name: "such", input: "you are such a moron", phrase: "moron", aimed: true },
        Case { name: "nothing but", input: "you're nothing but clowns", phrase: "clowns", aimed: true },
        Case { name: "the article after a copula", input: "you are the idiot here", phrase: "idiot", aimed: true },
        Case { name: "you people are", input: "you people are idiots", phrase: "idiots", aimed: true },
        Case { name: "you guys are", input: "you guys are morons", phrase: "morons", aimed: true },
        Case { name: "you lot are", input: "you lot are clowns", phrase: "clowns", aimed: true },
        Case { name: "y'all", input: "y'all are idiots", phrase: "idiots", aimed: true },
        Case { name: "all of you", input: "all of you are idiots", phrase: "idiots", aimed: true },
        Case { name: "every one of you", input: "every one of you is a moron", phrase: "moron", aimed: true },
        Case { name: "your whole team", input: "your whole team is a bunch of idiots", phrase: "idiots", aimed: true },
        Case { name: "a group of people", input: "the devs are clowns", phrase: "clowns", aimed: true },
        Case { name: "a third person", input: "he is an idiot", phrase: "idiot", aimed: true },
        Case { name: "a question", input: "is he stupid?", phrase: "stupid", aimed: true },
        Case { name: "that as a degree word", input: "are you really that stupid?", phrase: "stupid", aimed: true },
        Case { name: "this as a degree word", input: "he is this dumb.", phrase: "dumb", aimed: true },
    ]);
}

#[test]
fn the_writer_things_and_quotes_are_not_aimed() {
    check(&[
        Case { name: "feeling like one", input: "I feel like an idiot", phrase: "idiot", aimed: false },
        Case { name: "my thing", input: "my stupid phone died again", phrase: "stupid", aimed: false },
        Case { name: "this thing", input: "this idiotic form keeps failing", phrase: "idiotic", aimed: false },
        Case { name: "what an idiot I was", input: "what an idiot I was", phrase: "idiot", aimed: false },
        Case { name: "quoting", input: "he called me an idiot", phrase: "idiot", aimed: false },
        Case { name: "quoting, adjective", input: "she said I was stupid", phrase: "stupid", aimed: false },
        Case { name: "the writer", input: "I'm such an idiot, sorry", phrase: "idiot", aimed: false },
        Case { name: "you know, the writer", input: "you know I feel like an idiot", phrase: "idiot", aimed: false },
        Case { name: "a thing after you", input: "can you fix this stupid form", phrase: "stupid", aimed: false },
        Case {
            name: "the thing after a verb",
            input: "you sent the stupid form twice",
            phrase: "stupid",
            aimed: false,
        },
        Case { name: "a noun after", input: "sorry, stupid question: where is it?", phrase: "stupid", aimed: false },
        Case { name: "a sentence apart", input: "I told you. Stupid printer", phrase: "stupid", aimed: false },
        Case { name: "that thing", input: "you made that stupid form", phrase: "stupid", aimed: false },
        Case { name: "an exclamation, then a comma", input: "damn, you guys are good", phrase: "damn", aimed: false },
        Case { name: "that, at the end", input: "this form is that stupid", phrase: "stupid", aimed: false },
    ]);
}

/// Messages from live runs that met no boundary (issue 9).
#[test]
fn regression() {
    struct Abuse {
        input: &'static str,
    }
    let cases = [
        Abuse { input: "Are you stupid or just lazy? Answer me, moron." },
        Abuse { input: "And you're still the same useless idiots, shut up and fix it." },
        Abuse { input: "You're all a bunch of stupid idiots and I hope every one of you gets fired." },
    ];
    for c in &cases {
        let a = analyzer().analyze(c.input, 0.0);
        assert!(a.hostile && a.abusive, "{:?} must count as abuse: score {} signals {:?}", c.input, a.score, a.signals);
    }
    check(&[
        Case { name: "moron after a comma", input: cases[0].input, phrase: "moron", aimed: true },
        Case { name: "idiots after the same useless", input: cases[1].input, phrase: "idiots", aimed: true },
        Case { name: "stupid in a bunch of", input: cases[2].input, phrase: "stupid", aimed: true },
    ]);
}

#[test]
fn negation_stays_in_its_part_of_the_sentence() {
    struct Neg {
        name: &'static str,
        input: &'static str,
        negated: bool,
    }
    let cases = [
        Neg { name: "plain", input: "you're not stupid", negated: true },
        Neg { name: "a comma apart", input: "no, you idiot", negated: false },
        Neg { name: "nothing but", input: "you're nothing but idiots", negated: false },
        Neg { name: "thanks for nothing", input: "thanks for nothing, idiot", negated: false },
        Neg { name: "do not think", input: "I don't think you're an idiot", negated: true },
    ];
    for c in cases {
        let a = analyzer().analyze(c.input, 0.0);
        let s =
            a.signals.iter().find(|s| s.kind == crate::core::pack::CategoryKind::Hostile).expect("a hostile signal");
        assert_eq!(s.negated, c.negated, "{}: {:?} {s:?}", c.name, c.input);
    }
}
