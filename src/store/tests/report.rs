//! The report: counts, rates and tuning hints.

use super::{ev, nudge, open, scored, temp};
use crate::core::Level;
use crate::store::report::{Tuning, DAY_MS};
use crate::store::{Conversation, EventKind};

/// One nudged case to seed.
struct Seeded {
    member: u64,
    day: i64,
    phrases: &'static [(&'static str, &'static str)],
    claim_after: Option<i64>,
    false_alarm: bool,
    resolved: bool,
}

#[test]
fn report_counts_rates_and_tuning_hints() {
    let t = temp();
    let mut s = open(&t);
    let day = DAY_MS;
    let cases = [
        Seeded {
            member: 1,
            day: 10,
            phrases: &[("insult", "idiot")],
            claim_after: Some(60_000),
            false_alarm: false,
            resolved: true,
        },
        Seeded {
            member: 2,
            day: 10,
            phrases: &[("frustration", "third time")],
            claim_after: Some(120_000),
            false_alarm: true,
            resolved: false,
        },
        Seeded {
            member: 3,
            day: 11,
            phrases: &[("frustration", "third time"), ("insult", "clown")],
            claim_after: None,
            false_alarm: true,
            resolved: true,
        },
        Seeded {
            member: 4,
            day: 11,
            phrases: &[("insult", "idiot")],
            claim_after: Some(30_000),
            false_alarm: false,
            resolved: false,
        },
        // Before the period.
        Seeded {
            member: 5,
            day: 2,
            phrases: &[("insult", "idiot")],
            claim_after: Some(1),
            false_alarm: true,
            resolved: true,
        },
    ];
    for case in cases {
        let c = Conversation::from_raw(1, 10, case.member);
        let at = case.day * day;
        let nudge_id = case.member * 10;
        s.record_many(&[ev(c, at, scored(0.5, Level::Tense, case.phrases)), ev(c, at, nudge(nudge_id, Level::Tense))])
            .unwrap();
        // An edit of the same nudge does not count as another nudge.
        s.record(&ev(c, at + 5, nudge(nudge_id, Level::Heated))).unwrap();
        if let Some(after) = case.claim_after {
            s.record(&ev(c, at + after, EventKind::Claim { moderator: 9 })).unwrap();
        }
        if case.false_alarm {
            s.record(&ev(c, at + 200_000, EventKind::FalseAlarm { by: 9 })).unwrap();
        }
        if case.resolved {
            s.record(&ev(c, at + 300_000, EventKind::Resolution { by: Some(9) })).unwrap();
        }
    }
    let abusive = Conversation::from_raw(1, 10, 6);
    for (i, kind) in [
        EventKind::Boundary { tier: 1 },
        EventKind::Boundary { tier: 2 },
        EventKind::Timeout { seconds: 600 },
        EventKind::Boundary { tier: 3 },
        EventKind::Escalation,
    ]
    .into_iter()
    .enumerate()
    {
        s.record(&ev(abusive, 11 * day + i as i64, kind)).unwrap();
    }
    // Another guild is left out when a guild is asked for.
    s.record(&ev(Conversation::from_raw(2, 20, 1), 10 * day, nudge(1, Level::Tense))).unwrap();

    let r = s.report(Some(1), 5 * day).unwrap();
    assert_eq!((r.cases_opened, r.cases_resolved), (5, 2));
    assert_eq!(r.nudges, 4);
    assert_eq!(r.boundaries, [1, 1, 1]);
    assert_eq!((r.timeouts, r.escalations, r.claims), (1, 1, 3));
    assert_eq!(r.median_claim_ms, Some(60_000));
    assert_eq!((r.nudged_cases, r.false_alarm_cases), (4, 2));
    assert_eq!(r.false_alarm_rate(), Some(0.5));
    assert_eq!(r.resolution_rate(), Some(0.4));
    let t = |name: &str, alarms, false_alarms| Tuning { name: name.into(), alarms, false_alarms };
    assert_eq!(r.by_category, [t("frustration", 2, 2), t("insult", 3, 1)]);
    assert_eq!(r.by_phrase, [t("frustration: third time", 2, 2), t("insult: clown", 1, 1), t("insult: idiot", 2, 0)]);
    let days: Vec<(i64, u64, u64, u64)> =
        r.days.iter().map(|d| (d.start_ms / day, d.nudges, d.boundaries, d.false_alarms)).collect();
    assert_eq!(days, [(10, 2, 0, 1), (11, 2, 3, 1)]);

    let all = s.report(None, 0).unwrap();
    assert_eq!((all.nudges, all.cases_opened), (6, 7));
    let empty = s.report(Some(3), 0).unwrap();
    assert_eq!(
        (empty.nudges, empty.false_alarm_rate(), empty.resolution_rate(), empty.median_claim_ms),
        (0, None, None, None)
    );
}
