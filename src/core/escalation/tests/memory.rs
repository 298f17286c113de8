//! Eviction, caps, determinism, message rate and recent scores.

use super::*;

#[test]
fn idle_conversations_are_evicted() {
    struct Case {
        name: &'static str,
        msgs: &'static [(i64, ChannelId, MemberId)],
        len: usize,
        channels: usize,
        gone: &'static [(ChannelId, MemberId)],
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "just under the TTL stays", msgs: &[(0, CH, ALICE), (7199, CH, BOB)], len: 2, channels: 1, gone: &[] },
        Case {
            name: "idle for the TTL is evicted",
            msgs: &[(0, CH, ALICE), (7000, CH, BOB), (7200, CH, MemberId(30))],
            len: 2,
            channels: 1,
            gone: &[(CH, ALICE)],
        },
        Case {
            name: "an idle channel goes too",
            msgs: &[(0, ChannelId(2), ALICE), (7200, CH, BOB)],
            len: 1,
            channels: 1,
            gone: &[(ChannelId(2), ALICE)],
        },
    ];
    for c in &cases {
        let mut t = tracker();
        for &(secs, ch, a) in c.msgs {
            t.observe_customer(secs * SEC, ch, a, &msg(0.5));
        }
        assert_eq!(t.len(), c.len, "{}", c.name);
        assert_eq!(t.channels_len(), c.channels, "{}", c.name);
        for &(ch, a) in c.gone {
            assert!(t.memo_mut(ch, a).is_none(), "{}: ({ch}, {a}) still tracked", c.name);
        }
    }
}

#[test]
fn evicted_conversation_starts_from_calm() {
    let mut t = tracker();
    t.observe_customer(0, CH, ALICE, &msg(1.0));
    t.observe_customer(0, CH, ALICE, &abusive());
    let out = t.observe_customer(7200 * SEC, CH, ALICE, &msg(0.1));
    assert_eq!((out.previous_level, out.level, out.strikes), (Level::Calm, Level::Calm, 0));
    assert!(close(out.heat, 0.1, 1e-6));
    assert_eq!(t.recent_scores(CH, ALICE).len(), 1);
}

#[test]
fn evict_idle_sweeps_everything_idle() {
    let mut t = tracker();
    for a in 0..10u64 {
        t.observe_customer(a as i64 * SEC, ChannelId(a % 3), MemberId(a), &msg(0.2));
    }
    assert_eq!(t.evict_idle(7203 * SEC), 4, "authors 0..=3; channels were active later");
    assert_eq!((t.len(), t.channels_len()), (6, 3));
    assert_eq!(t.evict_idle(7207 * SEC), 4 + 1, "authors 4..=7, channel 1");
    assert_eq!(t.evict_idle(100_000 * SEC), 2 + 2);
    assert!(t.is_empty());
}

#[test]
fn hard_cap_evicts_least_recently_active() {
    struct Case {
        name: &'static str,
        authors: &'static [u64],
        present: &'static [u64],
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "oldest evicted first", authors: &[1, 2, 3, 4, 5], present: &[3, 4, 5] },
        Case { name: "activity refreshes", authors: &[1, 2, 3, 1, 4], present: &[1, 3, 4] },
        Case { name: "under the cap keeps all", authors: &[1, 2], present: &[1, 2] },
    ];
    for c in &cases {
        let cfg = EscalationConfig { max_conversations: 3, ..EscalationConfig::default() };
        // Authors in one channel, and (separately) a channel per author.
        let mut t = Tracker::new(cfg.clone());
        let mut by_channel = Tracker::new(cfg);
        for (i, &a) in c.authors.iter().enumerate() {
            t.observe_customer(i as i64 * SEC, CH, MemberId(a), &msg(0.3));
            by_channel.observe_customer(i as i64 * SEC, ChannelId(a), MemberId(a), &msg(0.3));
            assert!(t.len() <= 3 && by_channel.channels_len() <= 3, "{}", c.name);
        }
        let mut present: Vec<u64> =
            c.authors.iter().copied().filter(|&a| t.memo_mut(CH, MemberId(a)).is_some()).collect();
        present.sort_unstable();
        present.dedup();
        let mut channels: Vec<u64> =
            c.authors.iter().copied().filter(|&a| by_channel.channel_memo_mut(ChannelId(a)).is_some()).collect();
        channels.sort_unstable();
        channels.dedup();
        assert_eq!(channels, c.present, "{} (channels)", c.name);
        assert_eq!(present, c.present, "{}", c.name);
    }
}

/// A small deterministic workload: customer and team messages over a few
/// channels and authors, with a cap low enough to evict.
fn workload(t: &mut Tracker) -> Vec<(ConversationState, Vec<f32>, f32)> {
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as u32
    };
    let mut now = 0;
    (0..3000)
        .map(|_| {
            now += i64::from(next() % 120_000);
            let ch = ChannelId(u64::from(next() % 5));
            let a = MemberId(u64::from(next() % 60));
            let r = next() % 100;
            let rate = t.message_rate(ch, a, now);
            let out = if r < 10 {
                t.observe_team(now, ch, MemberId(1000), (r % 5) as f32 / 4.0)
            } else {
                let obs = Observation {
                    score: (r % 50) as f32 / 50.0,
                    cue: ((r % 7) as f32 - 3.0) / 10.0,
                    abusive: r > 95,
                    cooling: if r % 11 == 0 { 0.5 } else { 0.0 },
                    ..Observation::default()
                };
                t.observe_customer(now, ch, a, &obs)
            };
            (out, t.recent_scores(ch, a), rate)
        })
        .collect()
}

#[test]
fn same_calls_give_same_outcomes() {
    let cfg = EscalationConfig { max_conversations: 40, ..EscalationConfig::default() };
    let mut first = Tracker::new(cfg.clone());
    let mut second = Tracker::new(cfg);
    let a = workload(&mut first);
    let b = workload(&mut second);
    assert_eq!(a, b);
    assert!(a.iter().any(|(o, _, _)| o.level >= Level::Heated), "workload too tame");
    assert_eq!((first.len(), first.channels_len()), (second.len(), second.channels_len()));
}

#[test]
fn message_rate_per_minute() {
    struct Case {
        name: &'static str,
        interval_ms: i64,
        messages: i64,
        per_minute: f32,
        tolerance: f32,
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "nothing yet", interval_ms: 0, messages: 0, per_minute: 0.0, tolerance: 0.0 },
        Case { name: "one every 6 s", interval_ms: 6 * SEC, messages: 60, per_minute: 10.0, tolerance: 1.0 },
        Case { name: "one every 2 s", interval_ms: 2 * SEC, messages: 100, per_minute: 30.0, tolerance: 1.5 },
        Case { name: "a burst of 5 in 2 s", interval_ms: 500, messages: 5, per_minute: 6.3, tolerance: 0.5 },
    ];
    for c in &cases {
        let mut t = tracker();
        let mut now = 0;
        for _ in 0..c.messages {
            // Read before observing, as the scorer does: never counts `now`.
            if t.is_empty() {
                assert_eq!(t.message_rate(CH, ALICE, now), 0.0, "{}", c.name);
            }
            t.observe_customer(now, CH, ALICE, &msg(0.0));
            now += c.interval_ms;
        }
        let rate = t.message_rate(CH, ALICE, now);
        assert!(close(rate, c.per_minute, c.tolerance), "{}: {rate}/min", c.name);
        assert_eq!(t.message_rate(CH, BOB, now), 0.0, "{}: other author", c.name);
        assert!(t.message_rate(CH, ALICE, now + 1800 * SEC) < 0.01, "{}: after a pause", c.name);
    }
}

#[test]
fn recent_scores_keep_the_last_eight() {
    struct Case {
        name: &'static str,
        n: usize,
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "none", n: 0 },
        Case { name: "fewer than eight", n: 3 },
        Case { name: "exactly eight", n: 8 },
        Case { name: "more than eight", n: 13 },
    ];
    for c in &cases {
        let mut t = tracker();
        let scores: Vec<f32> = (0..c.n).map(|i| i as f32 / 13.0).collect();
        for (i, &s) in scores.iter().enumerate() {
            t.observe_customer(i as i64 * SEC, CH, ALICE, &msg(s));
        }
        let got = t.recent_scores(CH, ALICE);
        let want = &scores[c.n.saturating_sub(RECENT_SCORES)..];
        assert_eq!(got.len(), want.len(), "{}", c.name);
        for (g, w) in got.iter().zip(want) {
            assert!(close(*g, *w, 0.5 / 255.0), "{}: {g} vs {w}", c.name);
        }
    }
}

#[test]
fn memory_per_conversation_is_compact() {
    assert!(Tracker::memory_per_conversation() <= 200, "{}", Tracker::memory_per_conversation());
    assert!(Tracker::memory_per_channel() <= 300, "{}", Tracker::memory_per_channel());
}
