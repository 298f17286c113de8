//! Policy tests: when choices are offered, and when they never are.

use super::*;
use crate::core::escalation::{ActionMemo, ConversationState};
use crate::core::score::Analysis;
use crate::pack::tests::pack_with;
use crate::testing::{check, Case};

const CHOICES: &str = r#"
[[choices]]
name = "refund-or-replacement"
prompt = "{user}, refund or replacement?"
[[choices.option]]
label = "Refund"
reply = "A refund it is."
[[choices.option]]
label = "Replacement"
reply = "A replacement it is."
"#;

/// An analysis of one message: `hostile`, `abusive` (a strike) and `aimed`
/// (a hostile phrase aimed at a person) as given.
fn analysis(hostile: bool, abusive: bool, aimed: bool) -> Analysis {
    Analysis { score: if hostile { 0.7 } else { 0.2 }, hostile, abusive, aimed, ..Analysis::default() }
}

fn outcome(level: Level, strikes: u32) -> ConversationState {
    ConversationState {
        level,
        previous_level: level,
        channel_level: Level::Calm,
        trend: 0.1,
        strikes,
        ..ConversationState::default()
    }
}

fn offers(a: &Analysis, o: &ConversationState, memo: &mut ActionMemo) -> bool {
    let pack = pack_with(CHOICES);
    let sit = Situation { analysis: a, outcome: o, now_ms: 10_000_000, user: "<@1>", channel: "#support" };
    let actions = decide(&PolicyConfig::default(), &pack, &sit, "text", memo, &mut ActionMemo::default());
    actions.iter().any(|x| matches!(x, Action::OfferChoices { .. }))
}

#[test]
fn choices_are_never_offered_in_answer_to_abuse() {
    struct Case {
        name: &'static str,
        analysis: Analysis,
        level: Level,
        strikes: u32,
        offered: bool,
    }
    let cases = [
        Case {
            name: "a frustrated customer",
            analysis: analysis(false, false, false),
            level: Level::Tense,
            strikes: 0,
            offered: true,
        },
        Case {
            name: "hostile at the situation",
            analysis: analysis(true, false, false),
            level: Level::Heated,
            strikes: 0,
            offered: true,
        },
        Case {
            name: "a strike",
            analysis: analysis(true, true, true),
            level: Level::Heated,
            strikes: 1,
            offered: false,
        },
        Case {
            name: "hostile and aimed at a person",
            analysis: analysis(true, false, true),
            level: Level::Heated,
            strikes: 0,
            offered: false,
        },
        Case {
            name: "a calm message in an abusive conversation",
            analysis: analysis(false, false, false),
            level: Level::Abusive,
            strikes: 2,
            offered: false,
        },
        Case {
            name: "REGRESSION: abuse after tier 3 (issue 9)",
            analysis: analysis(true, true, true),
            level: Level::Abusive,
            strikes: 3,
            offered: false,
        },
        Case {
            name: "a weak aimed phrase in a message that is not hostile",
            analysis: analysis(false, false, true),
            level: Level::Tense,
            strikes: 0,
            offered: true,
        },
    ];
    for c in cases {
        let mut memo = ActionMemo::default();
        let got = offers(&c.analysis, &outcome(c.level, c.strikes), &mut memo);
        assert_eq!(got, c.offered, "{}", c.name);
        assert_eq!(memo.last_attack, is_attack(&c.analysis), "{}: the memo remembers the attack", c.name);
    }
}

#[test]
fn a_refusal_says_why() {
    assert_eq!(choices_refused(Level::Abusive, false), Some(ChoicesRefused::Abusive));
    assert_eq!(choices_refused(Level::Heated, true), Some(ChoicesRefused::Attack));
    assert_eq!(choices_refused(Level::Heated, false), None);
    assert!(ChoicesRefused::Abusive.explain().contains("abusive"));
}

#[test]
fn choices_come_back_once_the_customer_is_civil_again() {
    let mut memo = ActionMemo::default();
    assert!(!offers(&analysis(true, false, true), &outcome(Level::Heated, 0), &mut memo));
    assert!(memo.last_attack);
    assert!(offers(&analysis(false, false, false), &outcome(Level::Heated, 0), &mut memo));
    assert!(!memo.last_attack);
}

#[test]
fn the_reasons_say_when_the_context_reader_raised_the_score() {
    let pack = pack_with(CHOICES);
    let cases = [
        Case {
            name: "raised by the reader",
            input: (0.1, Some(0.74), 0.62),
            expected: vec!["the context reader reads this as hostile: 0.74".to_string()],
        },
        Case { name: "read but not raised", input: (0.1, Some(0.3), 0.1), expected: vec![] },
        Case { name: "not read", input: (0.1, None, 0.1), expected: vec![] },
    ];
    check("reasons", &cases, |&(phrase_score, reading, score)| {
        let a = Analysis { score, phrase_score, reading, ..Analysis::default() };
        reasons(&pack, &a, "you're a glorified FAQ reader")
    });
}
