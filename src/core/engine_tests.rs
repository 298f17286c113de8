//! Engine tests: whole conversations through analyzer, tracker and policy.

use super::*;
use crate::core::policy::Action;
use crate::core::Level;
use crate::pack::tests::pack_with;

const EXTRA: &str = r#"
[[category]]
name = "frustration"
weight = 0.2
phrases = ["ridiculous", "still waiting", "third time", "waste of my time"]

[[category]]
name = "contempt"
weight = 0.45
phrases = ["useless"]

[[category]]
name = "profanity"
weight = 0.6
negatable = false
phrases = ["fuck*"]

[[category]]
name = "threat"
weight = 0.9
severe = true
jump_to_tier = 2
targeted = true
phrases = ["hurt"]

[[category]]
name = "apology"
kind = "deescalating"
weight = 0.5
phrases = ["sorry", "thanks"]

[[topic]]
name = "late-delivery"
label = "your late delivery"
phrases = ["tracking", "package"]

[[script]]
name = "acknowledge"
when_categories = ["frustration"]
priority = 5
steps = ["Acknowledge {issue}."]
say = "I'm sorry about {issue}, {user}."
choices = "reship-or-refund"

[[choices]]
name = "reship-or-refund"
prompt = "{user}, reship or refund?"
topics = ["late-delivery"]
[[choices.option]]
label = "Reship"
reply = "Reshipping."
[[choices.option]]
label = "A person"
reply = "Calling a person."
escalate = true
"#;

fn engine() -> Engine {
    let analyzer = Analyzer::new(pack_with(EXTRA)).expect("compiles");
    Engine::new(Arc::new(analyzer), &EngineConfig::default())
}

fn say(e: &mut Engine, t_secs: i64, author: u64, role: Role, text: &str) -> Decision {
    e.process(&Message {
        ts_ms: 1_000_000 + t_secs * 1000,
        channel: 7,
        author,
        role,
        text,
        author_name: "maya",
        channel_name: "#support",
    })
}

fn kinds(actions: &[Action]) -> Vec<&'static str> {
    actions
        .iter()
        .map(|a| match a {
            Action::NudgeModerators { .. } => "nudge",
            Action::OfferChoices { .. } => "choices",
            Action::Boundary { .. } => "boundary",
            Action::Timeout { .. } => "timeout",
            Action::Escalate => "escalate",
        })
        .collect()
}

#[test]
fn calm_conversation_has_no_actions() {
    let mut e = engine();
    for (t, who, role, text) in [
        (0, 1, Role::Customer, "hi, my package tracking hasn't updated"),
        (60, 2, Role::Staff, "sorry about that, checking now"),
        (120, 1, Role::Customer, "thanks!"),
    ] {
        let d = say(&mut e, t, who, role, text);
        assert!(d.actions.is_empty(), "{text}: {:?}", d.actions);
        assert_eq!(d.outcome.level, Level::Calm);
    }
}

#[test]
fn frustration_then_abuse_climbs_the_ladder_in_order() {
    let mut e = engine();
    let mut all = Vec::new();
    for (t, text) in [
        (0, "my package tracking still says pending"),
        (30, "this is ridiculous, third time asking, still waiting"),
        (60, "what a waste of my time, ridiculous"),
        (90, "you are fucking useless"),
        (120, "fuck you, useless"),
    ] {
        let d = say(&mut e, t, 1, Role::Customer, text);
        all.extend(kinds(&d.actions));
    }
    let pos = |k: &str| all.iter().position(|x| *x == k).unwrap_or_else(|| panic!("no {k} in {all:?}"));
    assert!(pos("nudge") < pos("choices"), "{all:?}");
    assert!(pos("choices") < pos("boundary"), "{all:?}");
    assert!(pos("boundary") < pos("timeout"), "{all:?}");
}

#[test]
fn nudge_text_is_rendered_for_the_conversation() {
    let mut e = engine();
    say(&mut e, 0, 1, Role::Customer, "where is my package");
    let d = say(&mut e, 10, 1, Role::Customer, "ridiculous, third time, still waiting, waste of my time");
    let nudge = d.actions.iter().find_map(|a| match a {
        Action::NudgeModerators { script, text, reasons, .. } => Some((script, text, reasons)),
        _ => None,
    });
    let (script, text, reasons) = nudge.expect("a nudge");
    assert_eq!(script, "acknowledge");
    assert!(text.contains("your late delivery") && text.contains("maya"), "{text}");
    assert!(reasons.iter().any(|r| r.contains("frustration")), "{reasons:?}");
}

#[test]
fn staff_never_raise_levels() {
    let mut e = engine();
    for t in 0..5 {
        let d = say(&mut e, t * 10, 9, Role::Staff, "this is fucking ridiculous, useless");
        assert_eq!(d.outcome.level, Level::Calm);
        assert_eq!(d.outcome.channel_level, Level::Calm);
        assert!(d.actions.is_empty());
    }
}

#[test]
fn staff_acknowledgement_cools() {
    let mut e = engine();
    say(&mut e, 0, 1, Role::Customer, "ridiculous, still waiting, waste of my time");
    let before = say(&mut e, 1, 1, Role::Customer, "third time, ridiculous").outcome.heat;
    say(&mut e, 2, 9, Role::Staff, "I'm so sorry, thanks for your patience");
    let after = say(&mut e, 3, 1, Role::Customer, "ok").outcome.heat;
    assert!(after < before * 0.9, "before {before} after {after}");
}

#[test]
fn nudges_respect_the_cooldown() {
    let mut e = engine();
    let mut nudges = 0;
    for t in 0..10 {
        let d = say(&mut e, t * 5, 1, Role::Customer, "still waiting, ridiculous");
        nudges += kinds(&d.actions).iter().filter(|k| **k == "nudge").count();
    }
    assert!((1..=3).contains(&nudges), "one nudge per level reached, found {nudges}");
}

#[test]
fn severe_categories_jump_the_ladder() {
    let mut e = engine();
    let d = say(&mut e, 0, 1, Role::Customer, "I will hurt you");
    let k = kinds(&d.actions);
    assert!(k.contains(&"boundary") && k.contains(&"timeout"), "{k:?}");
    assert!(!k.contains(&"choices"));
}

#[test]
fn several_people_heat_the_channel() {
    let mut e = engine();
    let mut channel = Level::Calm;
    for t in 0..4 {
        for author in [1, 2, 3] {
            channel = say(&mut e, t * 20 + author as i64, author, Role::Customer, "ridiculous, useless")
                .outcome
                .channel_level;
        }
    }
    assert!(channel >= Level::Heated, "{channel:?}");
}

fn engine_with_reader(head_bias: f32) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = crate::core::context::tiny::write(
        dir.path(),
        &crate::core::context::tiny::TinyAdapter { head_bias, ..Default::default() },
    );
    let reader = ContextReader::load(&files).expect("tiny reader");
    let mut e = engine();
    e.set_reader(Some(Arc::new(reader)));
    (dir, e)
}

#[test]
fn the_reader_reads_customers_only_and_only_what_the_phrases_leave_open() {
    let (_dir, mut e) = engine_with_reader(12.0);
    let d = say(&mut e, 0, 1, Role::Customer, "people like that should not be allowed near a keyboard");
    assert!(d.analysis.reading.is_some_and(|p| p > 0.99), "{:?}", d.analysis.reading);
    assert!(d.analysis.hostile && !d.analysis.abusive, "raised, but no strike");
    let staff = say(&mut e, 1, 2, Role::Staff, "people like that should not be allowed near a keyboard");
    assert_eq!(staff.analysis.reading, None, "staff are never read");
    assert!(!staff.analysis.hostile);
    let hostile = say(&mut e, 2, 3, Role::Customer, "this is fucking useless");
    assert_eq!(hostile.analysis.reading, None, "already hostile: not read");
    assert_eq!(e.reader_failures(), 0);
}

#[test]
fn a_reading_taken_elsewhere_is_applied_like_one_taken_here() {
    let (_dir, mut inline) = engine_with_reader(12.0);
    let (_dir2, mut given) = engine_with_reader(12.0);
    let msg = Message {
        ts_ms: 1_000_000,
        channel: 7,
        author: 1,
        role: Role::Customer,
        text: "people like that should not be allowed near a keyboard",
        author_name: "maya",
        channel_name: "#support",
    };
    let p = given.reader().expect("reader").read(crate::core::normalize::normalize(msg.text).text()).expect("reads");
    let mut a = Decision::default();
    let mut b = Decision::default();
    inline.process_into(&msg, &mut a);
    given.process_read_into(&msg, Some(p), &mut b);
    assert_eq!(a.analysis.score, b.analysis.score);
    assert_eq!(a.outcome.level, b.outcome.level);
    let mut c = Decision::default();
    given.process_read_into(&Message { author: 2, ..msg }, None, &mut c);
    assert_eq!(c.analysis.reading, None, "no reading given: phrases alone");
    assert_eq!(c.analysis.score, c.analysis.phrase_score);
}
