//! Heat, levels, trend and strikes of one conversation.

use super::*;
use crate::core::escalation::heat::Params;

#[test]
fn decay_by_half_life() {
    struct Case {
        name: &'static str,
        elapsed_ms: i64,
        factor: f32,
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "same instant", elapsed_ms: 0, factor: 1.0 },
        Case { name: "one minute", elapsed_ms: 60 * SEC, factor: 0.5f32.powf(0.1) },
        Case { name: "one half-life", elapsed_ms: 600 * SEC, factor: 0.5 },
        Case { name: "two half-lives", elapsed_ms: 1200 * SEC, factor: 0.25 },
        Case { name: "ten half-lives", elapsed_ms: 6000 * SEC, factor: 0.5f32.powi(10) },
    ];
    for c in &cases {
        let mut t = tracker();
        t.observe_customer(0, CH, ALICE, &msg(0.8));
        let out = t.observe_customer(c.elapsed_ms, CH, ALICE, &msg(0.0));
        assert!(close(out.heat, 0.8 * c.factor, 1e-4), "{}: heat {}", c.name, out.heat);
    }
}

#[test]
fn one_message_changes_heat() {
    struct Case {
        name: &'static str,
        obs: Observation,
        heat: f32,
    }
    let o = |score: f32, cue: f32, cooling: f32| Observation {
        score,
        cue,
        cooling,
        abusive: false,
        ..Observation::default()
    };
    // Every case starts from heat 0.5 and arrives at the same instant.
    #[rustfmt::skip]
    let cases = [
        Case { name: "calm message never raises", obs: o(0.0, 0.0, 0.0), heat: 0.5 },
        Case { name: "moderate message adds", obs: o(0.2, 0.0, 0.0), heat: 0.6 },
        Case { name: "derailment cue adds to the score", obs: o(0.1, 0.1, 0.0), heat: 0.6 },
        Case { name: "thanks cools", obs: o(0.0, 0.0, 0.5), heat: 0.25 },
        Case { name: "politeness cools slightly", obs: o(0.0, -0.2, 0.0), heat: 0.45 },
        Case { name: "politeness outweighs a low score", obs: o(0.1, -0.3, 0.0), heat: 0.425 },
        Case { name: "full cooling empties", obs: o(0.3, 0.0, 1.0), heat: 0.0 },
    ];
    for c in &cases {
        let mut t = tracker();
        t.observe_customer(0, CH, ALICE, &msg(0.5));
        let out = t.observe_customer(0, CH, ALICE, &c.obs);
        assert!(close(out.heat, c.heat, 1e-5), "{}: heat {}", c.name, out.heat);
    }
}

#[test]
fn accumulation_over_messages() {
    use Level::*;
    struct Case {
        name: &'static str,
        scores: &'static [f32],
        gap_secs: i64,
        levels: &'static [Level],
    }
    #[rustfmt::skip]
    let cases = [
        Case {
            name: "moderate messages reach tense then heated",
            scores: &[0.2, 0.2, 0.2, 0.2, 0.2],
            gap_secs: 10,
            levels: &[Calm, Tense, Tense, Heated, Heated],
        },
        Case { name: "calm messages stay calm", scores: &[0.0, 0.0, 0.0], gap_secs: 10, levels: &[Calm, Calm, Calm] },
        Case { name: "one strong message jumps several levels", scores: &[0.9], gap_secs: 0, levels: &[Abusive] },
        Case {
            name: "spread out moderate messages decay before adding up",
            scores: &[0.2, 0.2, 0.2, 0.2],
            gap_secs: 3600,
            levels: &[Calm, Calm, Calm, Calm],
        },
    ];
    for c in &cases {
        let mut t = tracker();
        let got: Vec<Level> = c
            .scores
            .iter()
            .enumerate()
            .map(|(i, &s)| t.observe_customer(i as i64 * c.gap_secs * SEC, CH, ALICE, &msg(s)).level)
            .collect();
        assert_eq!(got, c.levels, "{}", c.name);
    }
}

#[test]
fn next_level_hysteresis() {
    use Level::*;
    struct Case {
        name: &'static str,
        current: Level,
        heat: f32,
        expected: Level,
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "calm below tense", current: Calm, heat: 0.29, expected: Calm },
        Case { name: "calm rises at tense", current: Calm, heat: 0.30, expected: Tense },
        Case { name: "calm jumps to heated", current: Calm, heat: 0.6, expected: Heated },
        Case { name: "calm jumps to abusive", current: Calm, heat: 0.95, expected: Abusive },
        Case { name: "tense jumps to abusive", current: Tense, heat: 0.9, expected: Abusive },
        Case { name: "tense just below threshold stays", current: Tense, heat: 0.25, expected: Tense },
        Case { name: "tense just above the band stays", current: Tense, heat: 0.201, expected: Tense },
        Case { name: "tense below band falls", current: Tense, heat: 0.19, expected: Calm },
        Case { name: "heated within band stays", current: Heated, heat: 0.46, expected: Heated },
        Case { name: "heated below band falls", current: Heated, heat: 0.44, expected: Tense },
        Case { name: "heated falls one level only", current: Heated, heat: 0.01, expected: Tense },
        Case { name: "abusive falls one level only", current: Abusive, heat: 0.0, expected: Heated },
        Case { name: "abusive within band stays", current: Abusive, heat: 0.71, expected: Abusive },
    ];
    let p = Params::new(&EscalationConfig::default());
    for c in &cases {
        assert_eq!(p.next_level(c.current, c.heat), c.expected, "{}", c.name);
    }
}

#[test]
fn oscillating_scores_do_not_flap() {
    let p = Params::new(&EscalationConfig::default());
    let mut t = tracker();
    let first = t.observe_customer(0, CH, ALICE, &msg(0.32));
    assert_eq!(first.level, Level::Tense);
    let (mut raw_flips, mut level_flips) = (0, 0);
    let (mut raw, mut level) = (p.level_for(first.heat), first.level);
    for i in 1..40 {
        let score = if i % 2 == 0 { 0.08 } else { 0.0 };
        let out = t.observe_customer(i * 90 * SEC, CH, ALICE, &msg(score));
        raw_flips += usize::from(p.level_for(out.heat) != raw);
        level_flips += usize::from(out.level != level);
        raw = p.level_for(out.heat);
        level = out.level;
    }
    assert!(raw_flips >= 10, "heat should cross the threshold often: {raw_flips}");
    assert_eq!(level_flips, 0, "the level must hold inside the hysteresis band");
}

#[test]
fn one_level_down_per_message() {
    use Level::*;
    struct Case {
        name: &'static str,
        team: bool,
        levels: &'static [Level],
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "decayed customer conversation", team: false, levels: &[Heated, Tense, Calm, Calm] },
        Case { name: "staff acknowledgements", team: true, levels: &[Heated, Tense, Calm, Calm] },
    ];
    for c in &cases {
        let mut t = tracker();
        assert_eq!(t.observe_customer(0, CH, ALICE, &msg(1.0)).level, Abusive, "{}", c.name);
        let got: Vec<Level> = (0..4)
            .map(|i| {
                let now = 3600 * SEC + i * SEC;
                if c.team {
                    t.observe_team(now, CH, BOB, 1.0).level
                } else {
                    t.observe_customer(now, CH, ALICE, &msg(0.0)).level
                }
            })
            .collect();
        assert_eq!(got, c.levels, "{}", c.name);
    }
}

#[test]
fn trend_follows_momentum() {
    struct Case {
        name: &'static str,
        msgs: &'static [(i64, f32)],
        positive: bool,
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "heating up", msgs: &[(0, 0.2), (10, 0.3), (20, 0.4)], positive: true },
        Case { name: "cooling off", msgs: &[(0, 0.8), (600, 0.0), (1200, 0.0)], positive: false },
        Case { name: "flare then calm", msgs: &[(0, 0.6), (30, 0.0), (900, 0.0), (1800, 0.0)], positive: false },
    ];
    for c in &cases {
        let mut t = tracker();
        let mut out = ConversationState::default();
        for &(secs, score) in c.msgs {
            out = t.observe_customer(secs * SEC, CH, ALICE, &msg(score));
        }
        assert_eq!(out.trend > 0.0, c.positive, "{}: trend {}", c.name, out.trend);
        assert!(out.trend.abs() <= 1.0, "{}", c.name);
    }
}

#[test]
fn strikes_in_and_out_of_window() {
    struct Case {
        name: &'static str,
        msgs: &'static [(i64, bool)],
        strikes: &'static [u32],
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "one strike", msgs: &[(0, true)], strikes: &[1] },
        Case { name: "no strike", msgs: &[(0, false)], strikes: &[0] },
        Case { name: "three in window", msgs: &[(0, true), (600, true), (1200, true)], strikes: &[1, 2, 3] },
        Case { name: "out of window", msgs: &[(0, true), (4000, true)], strikes: &[1, 1] },
        Case { name: "just inside", msgs: &[(0, true), (3599, true)], strikes: &[1, 2] },
        Case { name: "a full window later is out", msgs: &[(0, true), (3600, true)], strikes: &[1, 1] },
        Case { name: "sliding window", msgs: &[(0, true), (2000, true), (4000, true)], strikes: &[1, 2, 2] },
        Case { name: "calm message reports live strikes", msgs: &[(0, true), (10, false), (3700, false)], strikes: &[1, 1, 0] },
    ];
    for c in &cases {
        let mut t = tracker();
        let got: Vec<u32> = c
            .msgs
            .iter()
            .map(|&(secs, bad)| {
                let obs = if bad { abusive() } else { msg(0.0) };
                t.observe_customer(secs * SEC, CH, ALICE, &obs).strikes
            })
            .collect();
        assert_eq!(got, c.strikes, "{}", c.name);
    }
}

#[test]
fn strikes_saturate_at_max() {
    let mut t = tracker();
    let got: Vec<u32> = (0..12).map(|i| t.observe_customer(i * SEC, CH, ALICE, &abusive()).strikes).collect();
    let expected: Vec<u32> = (1..=12).map(|n| n.min(MAX_STRIKES)).collect();
    assert_eq!(got, expected);
}

#[test]
fn boundary_tier_resets_after_quiet_window() {
    struct Case {
        name: &'static str,
        gap_secs: i64,
        tier: u8,
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "half a window later", gap_secs: 1800, tier: 2 },
        Case { name: "just inside the window", gap_secs: 3599, tier: 2 },
        Case { name: "a full window later", gap_secs: 3600, tier: 0 },
        Case { name: "long after", gap_secs: 5000, tier: 0 },
    ];
    for c in &cases {
        let mut t = tracker();
        t.observe_customer(0, CH, ALICE, &abusive());
        let memo = t.memo_mut(CH, ALICE).unwrap();
        memo.boundary_tier = 2;
        memo.last_boundary_ms = 0; // never set: only the strike counts
        let m = t.channel_memo_mut(CH).unwrap();
        m.boundary_tier = 2;
        m.last_boundary_ms = 1; // effectively at the strike
        t.observe_customer(c.gap_secs * SEC, CH, ALICE, &msg(0.0));
        assert_eq!(t.memo_mut(CH, ALICE).unwrap().boundary_tier, c.tier, "{} (author)", c.name);
        assert_eq!(t.channel_memo_mut(CH).unwrap().boundary_tier, c.tier, "{} (channel)", c.name);
    }
}
