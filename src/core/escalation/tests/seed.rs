//! Seeding strikes remembered elsewhere (after a restart).

use super::*;

const MIN: i64 = 60 * SEC;
const NOW: i64 = 1_000_000 * SEC;

#[test]
fn seeded_strikes_continue_the_ladder() {
    struct Case {
        name: &'static str,
        /// Strikes to seed, in minutes before NOW.
        ago_min: &'static [i64],
        /// Strikes after one abusive message at NOW.
        strikes: u32,
    }
    #[rustfmt::skip]
    let cases = [
        Case { name: "nothing seeded: a first strike", ago_min: &[], strikes: 1 },
        Case { name: "two within the window: the third", ago_min: &[30, 10], strikes: 3 },
        Case { name: "out of order is sorted", ago_min: &[10, 50, 30], strikes: 4 },
        Case { name: "older than the window is ignored", ago_min: &[61, 90, 5], strikes: 2 },
        Case { name: "in the future is ignored", ago_min: &[-5, 5], strikes: 2 },
        Case { name: "at most eight are kept", ago_min: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], strikes: 8 },
    ];
    for case in cases {
        let mut t = tracker();
        let times: Vec<i64> = case.ago_min.iter().map(|m| NOW - m * MIN).collect();
        assert!(t.seed_strikes(NOW, CH, ALICE, &times), "{}", case.name);
        let out = t.observe_customer(NOW, CH, ALICE, &abusive());
        assert_eq!(out.strikes, case.strikes, "{}", case.name);
    }
}

#[test]
fn seeding_a_tracked_conversation_changes_nothing() {
    let mut t = tracker();
    t.observe_customer(NOW, CH, ALICE, &abusive());
    assert!(t.is_tracked(CH, ALICE, NOW + SEC));
    assert!(!t.seed_strikes(NOW + SEC, CH, ALICE, &[NOW - MIN, NOW - 2 * MIN]));
    assert_eq!(t.observe_customer(NOW + 2 * SEC, CH, ALICE, &abusive()).strikes, 2);
    // Another author in the channel is not tracked yet, and is seeded.
    assert!(!t.is_tracked(CH, BOB, NOW));
    assert!(t.seed_strikes(NOW + 3 * SEC, CH, BOB, &[NOW - MIN]));
    assert!(!t.seed_strikes(NOW + 3 * SEC, CH, BOB, &[NOW - MIN]), "seeding twice is harmless");
    assert_eq!(t.observe_customer(NOW + 3 * SEC, CH, BOB, &abusive()).strikes, 2);
}

#[test]
fn seeded_strikes_expire_with_the_window() {
    let mut t = tracker();
    t.seed_strikes(NOW, CH, ALICE, &[NOW - 50 * MIN]);
    // Eleven minutes later the seeded strike is 61 minutes old: out of the window.
    let out = t.observe_customer(NOW + 11 * MIN, CH, ALICE, &abusive());
    assert_eq!(out.strikes, 1);
    // A seeded conversation starts calm.
    let mut t = tracker();
    t.seed_strikes(NOW, CH, ALICE, &[NOW - MIN]);
    let out = t.observe_customer(NOW, CH, ALICE, &msg(0.0));
    assert_eq!((out.level, out.strikes), (Level::Calm, 1));
}
