//! Forecast tests: cues read from the default pack, the state's updates,
//! and the model's checks.

use super::*;
use crate::core::score::Analyzer;
use crate::pack::load_dir;
use crate::testing::{check, Case};
use std::sync::OnceLock;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("phrases");
        Analyzer::new(load_dir(&dir).expect("bundled pack loads")).expect("compiles")
    })
}

fn cues(text: &str) -> Cues {
    let a = analyzer();
    CueCategories::new(a.pack()).cues(&a.analyze(text, 0.0))
}

/// (frustration, opener, question, civility)
fn flags(text: &str) -> (bool, bool, bool, bool) {
    let c = cues(text);
    (c.frustration, c.opener, c.question, c.civility)
}

#[test]
fn messages_carry_the_cues_of_derailment_and_civility() {
    check(
        "cues",
        &[
            Case { name: "repetition", input: "this is the third time I ask", expected: (true, false, false, false) },
            Case {
                name: "you-opener question",
                input: "you said it would ship. why did you not send it?",
                expected: (false, true, true, false),
            },
            Case {
                name: "greeting and please",
                input: "hi, could you check my order please",
                expected: (false, false, false, true),
            },
            Case { name: "thanks", input: "thanks, that fixed it", expected: (false, false, false, true) },
            Case { name: "plain", input: "the order number is 1234", expected: (false, false, false, false) },
        ],
        |t| flags(t),
    );
}

#[test]
fn soft_hostility_is_the_score_or_the_reading_whichever_is_higher() {
    let a = analyzer();
    let mut analysis = a.analyze("the form is confusing", 0.0);
    let categories = CueCategories::new(a.pack());
    assert_eq!(categories.cues(&analysis).soft, analysis.score);
    analysis.reading = Some(0.42);
    assert_eq!(categories.cues(&analysis).soft, 0.42_f32.max(analysis.score));
    analysis.reading = Some(f32::NAN);
    let soft = categories.cues(&analysis).soft;
    assert!((0.0..=1.0).contains(&soft), "{soft}");
}

fn customer(s: &mut ForecastState, soft: f32) {
    s.customer(&Cues { soft, ..Cues::default() });
}

#[test]
fn the_state_follows_a_conversation_heating_up_and_cooling_after_a_reply() {
    let mut s = ForecastState::NEW;
    assert_eq!(s.features(), [0.0; 12]);
    for soft in [0.1, 0.3, 0.5] {
        customer(&mut s, soft);
    }
    let f = s.features();
    assert!((f[0] - 0.5).abs() < 1e-4 && (f[2] - 0.5).abs() < 1e-4, "last and peak: {f:?}");
    assert!(f[3] > 0.0, "rising: {f:?}");
    s.team();
    assert!(s.features()[9] > 0.0, "the team has spoken");
    customer(&mut s, 0.1);
    customer(&mut s, 0.05);
    let f = s.features();
    assert!(f[10] < 0.0, "calmer than before the reply: {f:?}");
    assert_eq!(s.cooling_since_team(), 2);
    customer(&mut s, 0.9);
    assert_eq!(s.cooling_since_team(), 0, "a hot message ends the cooling");
    assert!(s.features()[10] > 0.0);
}

#[test]
fn the_state_is_small() {
    assert!(std::mem::size_of::<ForecastState>() <= 32, "{}", std::mem::size_of::<ForecastState>());
}

#[test]
fn a_team_reply_before_any_customer_sets_no_baseline() {
    let mut s = ForecastState::NEW;
    s.team();
    customer(&mut s, 0.6);
    assert_eq!(s.features()[10], 0.0);
    assert_eq!(s.cooling_since_team(), 0);
}

fn named(weights: &[f32; 12]) -> Vec<(&'static str, f32)> {
    FEATURE_NAMES.iter().copied().zip(weights.iter().copied()).collect()
}

#[test]
fn a_model_needs_every_weight_and_finite_numbers() {
    let mut w = named(&[1.0; 12]);
    assert!(ForecastModel::new(w.clone(), -1.0).is_ok());
    w.pop();
    assert_eq!(ForecastModel::new(w.clone(), 0.0), Err(ModelError::Missing("calm_after_team")));
    w.push(("calm_after_team", f32::INFINITY));
    assert_eq!(ForecastModel::new(w.clone(), 0.0), Err(ModelError::NotFinite("calm_after_team".into())));
    w.pop();
    w.push(("mood", 1.0));
    let err = ForecastModel::new(w, 0.0).unwrap_err();
    assert!(err.to_string().starts_with("`mood` is not a forecast feature (known: last, mean"), "{err}");
}

#[test]
fn the_forecast_rises_with_hostility_and_is_zero_before_anyone_speaks() {
    let mut w = [0.0; 12];
    w[1] = 8.0;
    let m = ForecastModel::new(named(&w), -3.0).unwrap();
    let mut s = ForecastState::NEW;
    assert_eq!(m.forecast(&s), 0.0);
    customer(&mut s, 0.1);
    let calm = m.forecast(&s);
    customer(&mut s, 0.8);
    let hot = m.forecast(&s);
    assert!(calm < 0.2 && hot > 0.5, "{calm} {hot}");
}

#[test]
fn a_tracked_conversation_reports_its_forecast_and_its_cooling_after_a_reply() {
    use crate::core::escalation::{EscalationConfig, Observation, Tracker};
    use crate::core::ids::{ChannelId, MemberId};
    let mut w = [0.0; 12];
    w[1] = 4.0;
    let mut t = Tracker::new(EscalationConfig::default());
    t.set_forecaster(Some(ForecastModel::new(named(&w), -2.0).unwrap()));
    let (ch, who) = (ChannelId(1), MemberId(2));
    let said =
        |soft: f32| Observation { score: soft, cues: Cues { soft, ..Cues::default() }, ..Observation::default() };
    let hot = t.observe_customer(0, ch, who, &said(0.6));
    assert!(hot.forecast > 0.5 && hot.channel_forecast > 0.5, "{hot:?}");
    t.observe_team(60_000, ch, MemberId(9), 0.5);
    t.observe_customer(120_000, ch, who, &said(0.1));
    let view = t.conversation(ch, who).expect("tracked");
    assert_eq!(view.cooling_since_team, 1);
    assert!(view.forecast < hot.forecast, "{} vs {}", view.forecast, hot.forecast);
}
