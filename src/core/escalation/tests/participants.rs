//! Team messages and the channel as a whole.

use super::*;

#[test]
fn team_messages_never_raise() {
    struct Case {
        name: &'static str,
        scores: &'static [f32],
        ack: f32,
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "calm, no acknowledgement", scores: &[0.0], ack: 0.0 },
        Case { name: "tense, no acknowledgement", scores: &[0.35], ack: 0.0 },
        Case { name: "heated, full acknowledgement", scores: &[0.6], ack: 1.0 },
        Case { name: "abusive, half acknowledgement", scores: &[0.95], ack: 0.5 },
        Case { name: "out-of-range acknowledgement", scores: &[0.5], ack: -3.0 },
    ];
    for c in &cases {
        let mut t = tracker();
        let mut before = ConversationState::default();
        for &s in c.scores {
            before = t.observe_customer(0, CH, ALICE, &msg(s));
        }
        for i in 1..=3 {
            let out = t.observe_team(i * 60 * SEC, CH, BOB, c.ack);
            assert!(out.level <= before.level, "{}", c.name);
            assert!(out.channel_level <= before.channel_level, "{}", c.name);
            assert!(out.heat <= before.heat, "{}", c.name);
            assert!(out.channel_heat <= before.channel_heat, "{}", c.name);
            before = out;
        }
        assert_eq!(t.len(), 1, "{}: staff are not tracked", c.name);
    }
}

#[test]
fn acknowledgements_cool() {
    struct Case {
        name: &'static str,
        ack: f32,
        level: Level,
    }
    // From heat 0.6 (heated); 0.6 × (1 − 0.35 × ack).
    #[rustfmt::skip]
    let cases = [
        Case { name: "none", ack: 0.0, level: Level::Heated },
        Case { name: "half", ack: 0.5, level: Level::Heated },
        Case { name: "full", ack: 1.0, level: Level::Tense },
    ];
    for c in &cases {
        let mut t = tracker();
        t.observe_customer(0, CH, ALICE, &msg(0.6));
        let out = t.observe_team(0, CH, BOB, c.ack);
        let expected = 0.6 * (1.0 - 0.35 * c.ack);
        assert!(close(out.heat, expected, 1e-5), "{}: heat {}", c.name, out.heat);
        assert!(close(out.channel_heat, expected, 1e-5), "{}: channel {}", c.name, out.channel_heat);
        assert_eq!(out.level, c.level, "{}", c.name);
        assert_eq!(out.previous_level, Level::Heated, "{}", c.name);
    }
}

#[test]
fn acknowledgement_cools_only_the_last_customer() {
    let mut t = tracker();
    t.observe_customer(0, CH, ALICE, &msg(0.6));
    t.observe_customer(0, CH, BOB, &msg(0.6));
    let out = t.observe_team(0, CH, MemberId(99), 1.0);
    assert!(close(out.heat, 0.6 * 0.65, 1e-5), "Bob spoke last: {}", out.heat);
    let alice = t.observe_customer(0, CH, ALICE, &msg(0.0));
    assert!(close(alice.heat, 0.6, 1e-5), "Alice untouched: {}", alice.heat);
}

#[test]
fn team_message_on_unknown_channel() {
    let mut t = tracker();
    assert_eq!(t.observe_team(0, CH, BOB, 1.0), ConversationState::default());
    t.observe_customer(0, CH, ALICE, &msg(0.5));
    assert_eq!(t.observe_team(0, ChannelId(2), BOB, 1.0), ConversationState::default());
    assert_eq!(t.channels_len(), 1);
}

#[test]
fn channel_heats_faster_with_more_hot_participants() {
    struct Case {
        name: &'static str,
        authors: &'static [MemberId],
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "one person", authors: &[ALICE; 6] },
        Case { name: "two people", authors: &[ALICE, BOB, ALICE, BOB, ALICE, BOB] },
        Case { name: "three people", authors: &[ALICE, BOB, MemberId(30), ALICE, BOB, MemberId(30)] },
    ];
    let heats: Vec<f32> = cases
        .iter()
        .map(|c| {
            let mut t = tracker();
            let mut out = ConversationState::default();
            for (i, &a) in c.authors.iter().enumerate() {
                out = t.observe_customer(i as i64 * 20 * SEC, CH, a, &msg(0.35));
            }
            out.channel_heat
        })
        .collect();
    for w in 1..cases.len() {
        assert!(
            heats[w] > heats[w - 1] + 0.01,
            "{} ({}) should exceed {} ({})",
            cases[w].name,
            heats[w],
            cases[w - 1].name,
            heats[w - 1]
        );
    }
}

#[test]
fn calm_bystander_does_not_heat_the_channel() {
    let mut alone = tracker();
    let mut with_bystander = tracker();
    let (mut a, mut b) = (ConversationState::default(), ConversationState::default());
    for i in 0..6 {
        a = alone.observe_customer(i * 20 * SEC, CH, ALICE, &msg(0.35));
        b = with_bystander.observe_customer(i * 20 * SEC, CH, ALICE, &msg(0.35));
        with_bystander.observe_customer(i * 20 * SEC + 5 * SEC, CH, BOB, &msg(0.0));
    }
    assert!(close(a.channel_heat, b.channel_heat, 1e-5), "{} vs {}", a.channel_heat, b.channel_heat);
}
