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

pub(crate) fn engine() -> Engine {
    let analyzer = Analyzer::new(pack_with(EXTRA)).expect("compiles");
    Engine::new(Arc::new(analyzer), &EngineConfig::default())
}

pub(crate) fn say(e: &mut Engine, t_secs: i64, author: u64, role: Role, text: &str) -> Decision {
    e.process(&Message {
        ts_ms: 1_000_000 + t_secs * 1000,
        channel: ChannelId(7),
        author: MemberId(author),
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

/// A stand-in reader: reads every text with the same probability, or fails.
#[derive(Debug)]
struct StandIn(Result<f32, &'static str>);

impl Reader for StandIn {
    fn probability(&self, _normalized: &str) -> Result<f32, String> {
        self.0.map_err(str::to_string)
    }

    fn blend(&self) -> &crate::core::context::Blend {
        &crate::core::context::Blend { model: 1.0, lexicon: 2.5, bias: -1.0 }
    }
}

fn engine_reading(reader: StandIn) -> Engine {
    let mut e = engine();
    e.set_reader(Some(Arc::new(reader)));
    e
}

const UNLISTED: &str = "people like that should not be allowed near a keyboard";

#[test]
fn readings_given_as_data_are_applied_only_when_read_and_wanted() {
    struct Case {
        name: &'static str,
        role: Role,
        text: &'static str,
        reading: Reading,
        raised: bool,
    }
    let cases = [
        Case {
            name: "a confident reading",
            role: Role::Customer,
            text: UNLISTED,
            reading: Reading::Read(0.99),
            raised: true,
        },
        Case {
            name: "an unsure reading",
            role: Role::Customer,
            text: UNLISTED,
            reading: Reading::Read(0.1),
            raised: false,
        },
        Case { name: "reader off", role: Role::Customer, text: UNLISTED, reading: Reading::Off, raised: false },
        Case {
            name: "reader failed",
            role: Role::Customer,
            text: UNLISTED,
            reading: Reading::NotRead(NotRead::Failed("broken".into())),
            raised: false,
        },
        Case {
            name: "staff are never read",
            role: Role::Staff,
            text: UNLISTED,
            reading: Reading::Read(0.99),
            raised: false,
        },
    ];
    for (i, c) in cases.into_iter().enumerate() {
        let mut e = engine_reading(StandIn(Ok(0.5)));
        let msg = Message {
            ts_ms: 1_000_000,
            channel: ChannelId(7),
            author: MemberId(i as u64 + 1),
            role: c.role,
            text: c.text,
            author_name: "maya",
            channel_name: "#support",
        };
        let mut d = Decision::default();
        e.process_read_into(&msg, c.reading, &mut d);
        assert_eq!(d.analysis.score > d.analysis.phrase_score, c.raised, "{}: {:?}", c.name, d.analysis);
        assert_eq!(e.reader_failures(), 0, "{}: a reading given is never counted as a failure here", c.name);
    }
}

#[test]
fn the_engine_asks_its_reader_and_counts_failures() {
    let mut e = engine_reading(StandIn(Ok(0.99)));
    let d = say(&mut e, 0, 1, Role::Customer, UNLISTED);
    assert_eq!(d.analysis.reading, Some(0.99));
    assert!(d.analysis.hostile && !d.analysis.abusive, "raised, but no strike");
    let mut broken = engine_reading(StandIn(Err("broken")));
    let d = say(&mut broken, 0, 1, Role::Customer, UNLISTED);
    assert_eq!(d.analysis.reading, None);
    assert_eq!(broken.reader_failures(), 1);
    let staff = say(&mut broken, 1, 2, Role::Staff, UNLISTED);
    assert_eq!(staff.analysis.reading, None);
    assert_eq!(broken.reader_failures(), 1, "staff are never read");
}
