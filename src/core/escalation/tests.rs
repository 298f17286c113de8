//! Table-driven tests for the tracker, one table per behaviour, and a
//! `REGRESSION` group for edge cases that must not come back.

use super::*;
use crate::core::ids::{ChannelId, MemberId};

mod heat;
mod memory;
mod participants;
mod seed;

const SEC: i64 = 1000;
const CH: ChannelId = ChannelId(1);
const ALICE: MemberId = MemberId(10);
const BOB: MemberId = MemberId(20);

fn tracker() -> Tracker {
    Tracker::new(EscalationConfig::default())
}

fn msg(score: f32) -> Observation {
    Observation { score, ..Observation::default() }
}

fn abusive() -> Observation {
    Observation { score: 0.9, abusive: true, ..Observation::default() }
}

fn close(a: f32, b: f32, tol: f32) -> bool {
    (a - b).abs() <= tol
}

/// One regression scenario: returns a description of what went wrong.
type Scenario = fn() -> Result<(), String>;

/// Edge cases that once broke, or would break silently; one line of why each.
const REGRESSION: &[(&str, Scenario)] = &[
    ("NaN inputs do not poison heat", || {
        let mut t = tracker();
        let nan =
            Observation { score: f32::NAN, cue: f32::NAN, abusive: false, cooling: f32::NAN, ..Observation::default() };
        let out = t.observe_customer(0, CH, ALICE, &nan);
        let out2 = t.observe_customer(SEC, CH, ALICE, &msg(0.4));
        (out.heat == 0.0 && close(out2.heat, 0.4, 1e-4)).then_some(()).ok_or(format!("{out:?} {out2:?}"))
    }),
    ("a timestamp before the first message is clamped, not wrapped", || {
        let mut t = tracker();
        t.observe_customer(1_000 * SEC, CH, ALICE, &msg(0.5));
        let out = t.observe_customer(0, CH, ALICE, &msg(0.0));
        close(out.heat, 0.5, 1e-6).then_some(()).ok_or(format!("{out:?}"))
    }),
    ("an out-of-order message does not rewind the clock", || {
        let mut t = tracker();
        t.observe_customer(600 * SEC, CH, ALICE, &msg(0.5));
        t.observe_customer(0, CH, ALICE, &msg(0.0));
        let out = t.observe_customer(1200 * SEC, CH, ALICE, &msg(0.0));
        close(out.heat, 0.25, 1e-4).then_some(()).ok_or(format!("{out:?}"))
    }),
    ("max_conversations = 0 still tracks one", || {
        let cfg = EscalationConfig { max_conversations: 0, ..EscalationConfig::default() };
        let mut t = Tracker::new(cfg);
        t.observe_customer(0, CH, ALICE, &msg(0.5));
        let out = t.observe_customer(0, CH, ALICE, &msg(0.0));
        (t.len() == 1 && close(out.heat, 0.5, 1e-6)).then_some(()).ok_or(format!("{out:?}"))
    }),
    ("staff replies do not keep a customer conversation alive", || {
        let mut t = tracker();
        t.observe_customer(0, CH, ALICE, &msg(0.5));
        for i in 1..10 {
            t.observe_team(i * 1000 * SEC, CH, BOB, 0.0);
        }
        let out = t.observe_team(7200 * SEC, CH, BOB, 0.0);
        (out == ConversationState::default() && t.is_empty() && t.channels_len() == 0)
            .then_some(())
            .ok_or(format!("{out:?}"))
    }),
    ("half-life 0 means no memory, without NaN", || {
        let cfg = EscalationConfig { half_life_secs: 0.0, ..EscalationConfig::default() };
        let mut t = Tracker::new(cfg);
        let a = t.observe_customer(0, CH, ALICE, &msg(0.5));
        let b = t.observe_customer(0, CH, ALICE, &msg(0.5));
        let c = t.observe_customer(SEC, CH, ALICE, &msg(0.0));
        (close(a.heat, 0.5, 1e-6) && close(b.heat, 0.75, 1e-6) && c.heat == 0.0)
            .then_some(())
            .ok_or(format!("{a:?} {b:?} {c:?}"))
    }),
];
#[test]
fn regression() {
    let mut names: Vec<&str> = REGRESSION.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), REGRESSION.len(), "regression names must be unique");
    let failures: Vec<String> =
        REGRESSION.iter().filter_map(|(name, run)| run().err().map(|e| format!("{name}: {e}"))).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}
