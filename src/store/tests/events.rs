//! Recording events and reading them back.

use super::{conv, ev, nudge, open, scored, temp};
use crate::core::ids::{GuildId, MemberId};
use crate::core::Level;
use crate::store::{Chosen, Conversation, Event, EventKind, Strike};

/// Every kind of event, as recorded in a case opened by a nudge.
fn every_kind() -> Vec<(&'static str, EventKind)> {
    vec![
        ("scored with signals", scored(0.82, Level::Heated, &[("insult", "idiot"), ("frustration", "third time")])),
        ("scored without signals", scored(0.1, Level::Tense, &[])),
        ("nudge", nudge(501, Level::Heated)),
        (
            "nudge not yet posted",
            EventKind::Nudge { script: "set-boundary".into(), message: None, level: Level::Abusive },
        ),
        ("claim", EventKind::Claim { moderator: 900 }),
        (
            "choice offered",
            EventKind::ChoiceOffered { set: "refund-or-replacement".into(), message: 601, expires_ms: 9_000 },
        ),
        ("choice chosen", EventKind::ChoiceChosen { message: 601, choice: "refund".into() }),
        ("boundary 1", EventKind::Boundary { tier: 1 }),
        ("boundary 3", EventKind::Boundary { tier: 3 }),
        ("timeout", EventKind::Timeout { seconds: 600 }),
        ("escalation", EventKind::Escalation),
        ("false alarm", EventKind::FalseAlarm { by: 901 }),
        ("pardon", EventKind::Pardon { by: 902 }),
        ("follow-up scheduled", EventKind::FollowupScheduled { due_ms: 50_000 }),
        ("resolution by a moderator", EventKind::Resolution { by: Some(903) }),
        ("resolution by keel", EventKind::Resolution { by: None }),
    ]
}

#[test]
fn every_event_kind_round_trips() {
    let t = temp();
    let mut s = open(&t);
    let c = Conversation::from_raw(u64::MAX, 1 << 63, 1_234_567_890_123_456_789);
    let mut expected: Vec<Event> = every_kind()
        .into_iter()
        .enumerate()
        .map(|(i, (name, kind))| {
            let mut e = ev(c, 1_000 + i as i64, kind);
            e.about = (i % 2 == 0).then_some(7_000 + i as u64);
            e.excerpt = (i % 3 == 0).then(|| format!("excerpt {name} ✓"));
            e
        })
        .collect();
    // Together, so the scored events join the case the nudge opens.
    let ids = s.record_many(&expected).unwrap();
    assert!(ids.iter().all(Option::is_some), "all recorded: {ids:?}");
    // Events that refer to rows made above: the follow-up's id is its event's id.
    let followup = s.pending_followups(60_000).unwrap()[0].id;
    for kind in
        [EventKind::FollowupFired { followup }, EventKind::FollowupAnswered { followup, answer: "yes, sorted".into() }]
    {
        let e = ev(c, 2_000, kind);
        s.record(&e).unwrap().expect("follow-up event recorded");
        expected.push(e);
    }
    let (guild, _, member) = c.to_raw();
    let case = s.case(guild, member).unwrap().expect("the case");
    assert_eq!(case.summary.conversation, c);
    assert_eq!(case.timeline.len(), expected.len());
    for (got, want) in case.timeline.iter().zip(&expected) {
        assert_eq!(
            (&got.kind, got.at_ms, got.about, &got.excerpt),
            (&want.kind, want.at_ms, want.about, &want.excerpt)
        );
    }
    assert_eq!(case.summary.peak_level, Level::Abusive);
    assert_eq!(case.summary.closed_ms, Some(1_000 + 14), "closed by the first resolution");
    // The JSON export has every kind tagged.
    let json = serde_json::to_string(&case).unwrap();
    for kind in ["scored", "nudge", "choice_chosen", "followup_answered", "false_alarm"] {
        assert!(json.contains(&format!("\"kind\":\"{kind}\"")), "{kind} in {json}");
    }
}

struct Opening {
    name: &'static str,
    events: Vec<EventKind>,
    batch: bool,
    /// (events recorded, cases)
    expected: (usize, usize),
}

#[test]
fn which_events_open_cases() {
    let cases = vec![
        Opening {
            name: "a score alone opens nothing",
            events: vec![scored(0.3, Level::Tense, &[])],
            batch: false,
            expected: (0, 0),
        },
        Opening {
            name: "a score with its nudge, one by one: the score is lost",
            events: vec![scored(0.3, Level::Tense, &[]), nudge(1, Level::Tense)],
            batch: false,
            expected: (1, 1),
        },
        Opening {
            name: "a score with its nudge in a batch",
            events: vec![scored(0.3, Level::Tense, &[]), nudge(1, Level::Tense)],
            batch: true,
            expected: (2, 1),
        },
        Opening {
            name: "scores join an open case",
            events: vec![
                EventKind::Boundary { tier: 1 },
                scored(0.9, Level::Abusive, &[]),
                EventKind::Timeout { seconds: 60 },
            ],
            batch: false,
            expected: (3, 1),
        },
        Opening {
            name: "after a resolution, a score opens nothing and a nudge opens a new case",
            events: vec![
                nudge(1, Level::Tense),
                EventKind::Resolution { by: None },
                scored(0.3, Level::Tense, &[]),
                EventKind::Claim { moderator: 5 },
                nudge(2, Level::Tense),
            ],
            batch: false,
            expected: (4, 2),
        },
        Opening {
            name: "a pardon without any case opens one",
            events: vec![EventKind::Pardon { by: 9 }],
            batch: false,
            expected: (1, 1),
        },
        Opening {
            name: "a click on an unknown offer is ignored",
            events: vec![EventKind::ChoiceChosen { message: 77, choice: "refund".into() }],
            batch: false,
            expected: (0, 0),
        },
    ];
    for case in cases {
        let t = temp();
        let mut s = open(&t);
        let events: Vec<Event> =
            case.events.iter().enumerate().map(|(i, k)| ev(conv(0), 100 * i as i64, k.clone())).collect();
        let recorded = if case.batch {
            s.record_many(&events).unwrap()
        } else {
            events.iter().map(|e| s.record(e).unwrap()).collect()
        };
        let cases = s.cases(1, 100, 10).unwrap();
        let got = (recorded.iter().flatten().count(), cases.len());
        assert_eq!(got, case.expected, "{}", case.name);
        assert_eq!(cases.iter().map(|c| c.events as usize).sum::<usize>(), got.0, "{}", case.name);
    }
}

#[test]
fn strikes_count_across_reopen_and_stop_at_a_pardon() {
    let t = temp();
    {
        let mut s = open(&t);
        s.record(&ev(conv(0), 1_000, EventKind::Boundary { tier: 1 })).unwrap();
        for at in [1_000, 2_000] {
            s.add_strike(&Strike { conversation: conv(0), at_ms: at }).unwrap();
        }
        s.add_strike(&Strike { conversation: conv(1), at_ms: 2_000 }).unwrap();
    }
    let mut s = open(&t);
    let mut struck = s.struck_members(0).unwrap();
    struck.sort_unstable();
    assert_eq!(struck, [(GuildId(1), MemberId(100)), (GuildId(1), MemberId(101))], "each struck member once");
    assert_eq!(s.struck_members(1_500).unwrap().len(), 2, "both have a strike since");
    assert!(s.struck_members(2_500).unwrap().is_empty(), "none since");
    let strikes = s.strikes(1, 100, 0).unwrap();
    assert_eq!(strikes.iter().map(|x| x.at_ms).collect::<Vec<_>>(), [1_000, 2_000]);
    assert_eq!(s.strikes(1, 100, 1_500).unwrap().len(), 1, "since");
    assert_eq!(s.strikes(2, 100, 0).unwrap().len(), 0, "other guild");
    // A strike in another channel of the same guild counts for the member too.
    s.add_strike(&Strike { conversation: Conversation::from_raw(1, 11, 100), at_ms: 3_000 }).unwrap();
    assert_eq!(s.strikes(1, 100, 0).unwrap().len(), 3);
    s.record(&ev(conv(0), 4_000, EventKind::Pardon { by: 9 })).unwrap();
    assert!(s.strikes(1, 100, 0).unwrap().is_empty(), "pardoned");
    assert_eq!(s.struck_members(0).unwrap(), [(GuildId(1), MemberId(101))], "a pardoned member is no longer struck");
    assert_eq!(s.strikes(1, 101, 0).unwrap().len(), 1, "others keep theirs");
    drop(s);
    let mut s = open(&t);
    assert!(s.strikes(1, 100, 0).unwrap().is_empty(), "pardon survives reopen");
    s.add_strike(&Strike { conversation: conv(0), at_ms: 5_000 }).unwrap();
    assert_eq!(s.strikes(1, 100, 0).unwrap().len(), 1, "new strikes count after a pardon");
    // A false alarm clears strikes too, as it does in the live tracker.
    s.record(&ev(conv(0), 6_000, EventKind::FalseAlarm { by: 9 })).unwrap();
    assert!(s.strikes(1, 100, 0).unwrap().is_empty(), "a false alarm's strikes do not count");
}

#[test]
fn a_followup_fires_once_even_across_reopen() {
    let t = temp();
    let id = {
        let mut s = open(&t);
        s.record(&ev(conv(0), 1_000, nudge(5, Level::Tense))).unwrap();
        s.record(&ev(conv(0), 2_000, EventKind::Resolution { by: Some(9) })).unwrap();
        let id = s.schedule_followup(conv(0), 2_000, 10_000).unwrap();
        assert!(s.pending_followups(9_999).unwrap().is_empty(), "not due yet");
        id
    };
    let mut s = open(&t);
    // Late: due long ago, still pending after the restart.
    let pending = s.pending_followups(99_000).unwrap();
    assert_eq!(pending.iter().map(|f| (f.id, f.due_ms, f.conversation)).collect::<Vec<_>>(), [(id, 10_000, conv(0))]);
    assert!(s.mark_followup_fired(id, 99_000).unwrap(), "fires the first time");
    assert!(!s.mark_followup_fired(id, 99_001).unwrap(), "not twice");
    drop(s);
    let mut s = open(&t);
    assert!(s.pending_followups(200_000).unwrap().is_empty());
    assert!(!s.mark_followup_fired(id, 200_000).unwrap(), "not after reopening either");
    // A second connection cannot fire it either.
    let mut other = open(&t);
    assert!(!other.mark_followup_fired(id, 200_001).unwrap());
    // The fire and the schedule went to the resolved case, which stays closed.
    let case = s.case(1, 100).unwrap().unwrap();
    let kinds: Vec<&str> = case.timeline.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["nudge", "resolution", "followup_scheduled", "followup_fired"]);
    assert_eq!(case.summary.closed_ms, Some(2_000));
    assert_eq!(s.cases(1, 100, 10).unwrap().len(), 1);
}

#[test]
fn the_answered_followup_is_the_latest_sent_and_unanswered() {
    let t = temp();
    let mut s = open(&t);
    s.record(&ev(conv(0), 1_000, nudge(5, Level::Tense))).unwrap();
    let first = s.schedule_followup(conv(0), 1_000, 2_000).unwrap();
    assert_eq!(s.unanswered_followup(conv(0)).unwrap(), None, "none sent yet");
    s.mark_followup_fired(first, 2_000).unwrap();
    assert_eq!(s.unanswered_followup(conv(0)).unwrap(), Some(first));
    let second = s.schedule_followup(conv(0), 2_500, 3_000).unwrap();
    s.mark_followup_fired(second, 3_000).unwrap();
    assert_eq!(s.unanswered_followup(conv(0)).unwrap(), Some(second), "the latest sent");
    let answer = EventKind::FollowupAnswered { followup: second, answer: "resolved".into() };
    s.record(&ev(conv(0), 4_000, answer)).unwrap();
    assert_eq!(s.unanswered_followup(conv(0)).unwrap(), Some(first));
    assert_eq!(s.unanswered_followup(conv(1)).unwrap(), None, "another conversation");
}

#[test]
fn a_newer_followup_replaces_the_pending_ones_of_its_conversation() {
    let t = temp();
    let mut s = open(&t);
    s.record(&ev(conv(0), 1_000, nudge(5, Level::Tense))).unwrap();
    let sent = s.schedule_followup(conv(0), 1_000, 2_000).unwrap();
    assert!(s.mark_followup_fired(sent, 2_000).unwrap());
    let older = s.schedule_followup(conv(0), 3_000, 10_000).unwrap();
    let other = s.schedule_followup(conv(1), 3_000, 10_000).unwrap();
    // Scheduled later, due later: only this one is asked.
    let newest = s.schedule_followup(conv(0), 4_000, 20_000).unwrap();
    let due = |s: &crate::store::Store, at: i64| -> Vec<i64> {
        s.pending_followups(at).unwrap().iter().map(|f| f.id).collect()
    };
    assert_eq!(due(&s, 15_000), [other], "the replaced one is not asked; another conversation's is");
    assert_eq!(due(&s, 20_000), [other, newest]);
    assert!(!s.mark_followup_fired(older, 20_000).unwrap(), "the replaced one cannot fire");
    // A follow-up already sent stays: its buttons still find it.
    assert_eq!(s.unanswered_followup(conv(0)).unwrap(), Some(sent));
    // Due sooner than the one it replaces: the newest still wins.
    let sooner = s.schedule_followup(conv(0), 5_000, 6_000).unwrap();
    assert_eq!(due(&s, 30_000), [sooner, other]);
    // Every scheduling stays in the timeline.
    let kinds: Vec<&str> = s.case(1, 100).unwrap().unwrap().timeline.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "followup_scheduled").count(), 4);
}

#[test]
fn claims_on_open_cases_are_found_again() {
    let t = temp();
    let mut s = open(&t);
    let claim = |moderator| EventKind::Claim { moderator };
    let channel = Conversation::from_raw(1, 10, 0);
    for c in [conv(0), conv(1), conv(2), conv(3), channel] {
        s.record(&ev(c, 1_000, nudge(5, Level::Tense))).unwrap();
    }
    // conv(0): claimed twice; the latest claim counts.
    s.record(&ev(conv(0), 2_000, claim(900))).unwrap();
    s.record(&ev(conv(0), 3_000, claim(901))).unwrap();
    // conv(1): claimed, then resolved: the case is closed.
    s.record(&ev(conv(1), 2_000, claim(900))).unwrap();
    s.record(&ev(conv(1), 3_000, EventKind::Resolution { by: Some(900) })).unwrap();
    // conv(2): claimed, then pardoned; conv(3): pardoned, then claimed again.
    s.record(&ev(conv(2), 2_000, claim(902))).unwrap();
    s.record(&ev(conv(2), 3_000, EventKind::Pardon { by: 902 })).unwrap();
    s.record(&ev(conv(3), 2_000, EventKind::Pardon { by: 903 })).unwrap();
    s.record(&ev(conv(3), 3_000, claim(903))).unwrap();
    // The channel's conversation as a whole.
    s.record(&ev(channel, 4_000, claim(904))).unwrap();
    // conv(4): no case at all before the claim (it opens one; it counts).
    s.record(&ev(conv(4), 5_000, claim(905))).unwrap();
    let claims: Vec<(u64, u64, i64)> =
        s.open_claims().unwrap().iter().map(|c| (c.conversation.to_raw().2, c.moderator, c.at_ms)).collect();
    assert_eq!(claims, [(100, 901, 3_000), (103, 903, 3_000), (0, 904, 4_000), (104, 905, 5_000)]);
    // A nudge after the resolution opens a new case: the old claim stays behind.
    s.record(&ev(conv(1), 6_000, nudge(6, Level::Heated))).unwrap();
    assert!(s.open_claims().unwrap().iter().all(|c| c.conversation != conv(1)));
}

#[test]
fn choices_are_found_again_and_checked() {
    let t = temp();
    {
        let mut s = open(&t);
        let offer = EventKind::ChoiceOffered { set: "refund-or-replacement".into(), message: 600, expires_ms: 5_000 };
        s.record(&ev(conv(0), 1_000, offer)).unwrap();
    }
    let mut s = open(&t);
    let offer = s.choice(600).unwrap().expect("found after reopen");
    assert_eq!(s.open_choices(4_999).unwrap(), std::slice::from_ref(&offer), "still open");
    assert!(s.open_choices(5_000).unwrap().is_empty(), "expired");
    assert_eq!(
        (offer.set.as_str(), offer.conversation, offer.expires_ms, offer.chosen),
        ("refund-or-replacement", conv(0), 5_000, None)
    );
    let clicks: [(&str, u64, u64, i64, Chosen); 5] = [
        ("unknown message", 601, 100, 2_000, Chosen::Unknown),
        ("someone else", 600, 101, 2_000, Chosen::NotYours),
        ("too late", 600, 100, 5_000, Chosen::Expired),
        ("the customer", 600, 100, 2_000, Chosen::Recorded),
        ("again", 600, 100, 2_500, Chosen::AlreadyChosen { choice: "refund".into() }),
    ];
    for (name, message, member, at, want) in clicks {
        assert_eq!(s.choose(message, member, "refund", at).unwrap(), want, "{name}");
    }
    assert_eq!(s.choice(600).unwrap().unwrap().chosen, Some(("refund".to_string(), 2_000)));
    assert!(s.open_choices(0).unwrap().is_empty(), "answered");
    let kinds: Vec<&str> = s.case(1, 100).unwrap().unwrap().timeline.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["choice_offered", "choice_chosen"]);
}

#[test]
fn nudges_are_found_again_for_editing() {
    let t = temp();
    let channel = Conversation::from_raw(1, 10, 0);
    {
        let mut s = open(&t);
        let mut first = ev(conv(0), 1_000, nudge(700, Level::Tense));
        first.about = Some(42);
        s.record(&first).unwrap();
        // The edit of the same nudge keeps its first time and takes the new level.
        s.record(&ev(conv(0), 3_000, nudge(700, Level::Heated))).unwrap();
        s.record(&ev(channel, 2_000, nudge(800, Level::Heated))).unwrap();
        s.record(&ev(conv(1), 2_000, EventKind::Nudge { script: "x".into(), message: None, level: Level::Tense }))
            .unwrap();
    }
    let s = open(&t);
    let n = s.nudge_message(Conversation::from_raw(1, 10, 100)).unwrap().unwrap();
    assert_eq!((n.message, n.posted_ms, n.level, n.about), (700, 1_000, Level::Heated, Some(42)));
    assert_eq!(
        s.nudge_message(Conversation::from_raw(1, 10, 0)).unwrap().map(|n| n.message),
        Some(800),
        "channel as a whole"
    );
    assert_eq!(s.nudge_message(Conversation::from_raw(1, 10, 101)).unwrap(), None, "never posted");
    assert_eq!(s.nudge_message(Conversation::from_raw(1, 11, 100)).unwrap(), None, "other channel");
}

#[test]
fn retention_purges_old_cases_and_strikes_only() {
    let t = temp();
    let mut s = open(&t);
    let day = 86_400_000i64;
    for (i, at) in [day, 2 * day, 50 * day].iter().enumerate() {
        let c = conv(i as u64);
        s.record_many(&[
            ev(c, *at, scored(0.5, Level::Heated, &[("insult", "idiot")])),
            ev(c, *at, nudge(i as u64, Level::Heated)),
        ])
        .unwrap();
        s.record(&ev(
            c,
            *at,
            EventKind::ChoiceOffered { set: "s".into(), message: 900 + i as u64, expires_ms: at + 1 },
        ))
        .unwrap();
        s.schedule_followup(c, *at, at + day).unwrap();
        s.add_strike(&Strike { conversation: c, at_ms: *at }).unwrap();
    }
    // A case that started long ago but is still active is kept.
    s.record(&ev(conv(0), 49 * day, EventKind::Claim { moderator: 1 })).unwrap();
    let purged = s.purge(10 * day).unwrap();
    assert_eq!((purged.cases, purged.strikes), (1, 2));
    assert!(s.case(1, 101).unwrap().is_none());
    assert!(s.choice(901).unwrap().is_none(), "its choices went with it");
    assert!(s.case(1, 100).unwrap().is_some() && s.case(1, 102).unwrap().is_some());
    let left: i64 = s.conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
    let signals: i64 = s.conn.query_row("SELECT count(*) FROM signals", [], |r| r.get(0)).unwrap();
    let followups: i64 = s.conn.query_row("SELECT count(*) FROM followups", [], |r| r.get(0)).unwrap();
    assert_eq!((left, signals, followups), (9, 2, 2));
    assert_eq!(s.strikes(1, 100, 0).unwrap().len(), 0);
    assert_eq!(s.strikes(1, 102, 0).unwrap().len(), 1);
}
