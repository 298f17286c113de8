//! Planner tests: switches, protected members, nudge edits, escaping.

use super::*;
use crate::config::GuildActions;

fn guild() -> GuildConfig {
    GuildConfig {
        id: 1,
        moderator_channel: 2,
        moderator_roles: vec![10, 11],
        staff_roles: vec![20],
        watch_channels: vec![3],
        watch_categories: vec![],
        actions: GuildActions::default(),
    }
}

fn situation<'a>(g: &'a GuildConfig, text: &'a str) -> PlanInput<'a> {
    PlanInput {
        guild: g,
        channel: 3,
        channel_name: "support",
        message: 99,
        author: 7,
        text,
        protected: None,
        sparkline: "▁▃▇",
        now_ms: 1_000_000,
        earlier: None,
        edited: false,
        severe: false,
        claimed_by: None,
    }
}

fn nudge() -> Action {
    Action::NudgeModerators {
        script: "set-boundary".into(),
        text: "1. Stay calm.".into(),
        say: "Let's keep it respectful.".into(),
        scope: NudgeScope::Author,
        level: Level::Heated,
        trend: 0.2,
        reasons: vec!["insult: \"idiot\"".into()],
    }
}

fn ladder() -> Vec<Action> {
    vec![
        nudge(),
        Action::Boundary { tier: 2, text: "A short pause.".into() },
        Action::Timeout { seconds: 600 },
        Action::Escalate,
    ]
}

#[test]
fn all_actions_become_steps() {
    let g = guild();
    let steps = plan(&situation(&g, "you idiot"), &ladder());
    assert!(matches!(
        steps[0],
        Step::Nudge { channel: 2, edit: None, about, buttons: true, ping: None, .. } if about == Conversation::from_raw(1, 3, 7)
    ));
    assert!(matches!(steps[1], Step::BoundaryReply { channel: 3, message: 99, user: 7, .. }));
    match &steps[2] {
        Step::Timeout { guild: 1, user: 7, until_unix, reason } => {
            assert_eq!(*until_unix, 1_000 + 600);
            assert!(reason.starts_with("keel:"), "{reason}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    match &steps[3] {
        Step::Escalate { channel: 2, roles, content } => {
            assert_eq!(roles, &vec![10, 11]);
            assert!(content.starts_with("<@&10> <@&11>"), "{content}");
        }
        other => panic!("expected an escalation, got {other:?}"),
    }
}

#[test]
fn protected_members_are_never_timed_out() {
    let g = guild();
    for p in
        [Protected::Owner, Protected::Administrator, Protected::Moderator, Protected::Staff, Protected::RoleHierarchy]
    {
        let mut s = situation(&g, "you idiot");
        s.protected = Some(p);
        let steps = plan(&s, &ladder());
        assert!(!steps.iter().any(|st| matches!(st, Step::Timeout { .. })), "{p:?}");
        assert!(
            steps.iter().any(|st| matches!(st, Step::Notice { content, .. } if content.contains(p.describe()))),
            "{p:?}"
        );
    }
}

#[test]
fn switched_off_actions_are_not_taken() {
    let mut g = guild();
    g.actions = GuildActions {
        nudges: false,
        boundary_messages: false,
        timeouts: false,
        escalate: false,
        delete_severe: false,
        choices: false,
        watch_only: false,
    };
    assert!(plan(&situation(&g, "x"), &ladder()).is_empty());
}

#[test]
fn a_later_nudge_edits_the_earlier_one_and_says_what_changed() {
    struct Case {
        name: &'static str,
        was: Level,
        now: Level,
        edited: bool,
        expected: &'static str,
    }
    let cases = [
        Case {
            name: "rose",
            was: Level::Tense,
            now: Level::Heated,
            edited: false,
            expected: "Update: tense → heated\n",
        },
        Case {
            name: "rose by an edit",
            was: Level::Tense,
            now: Level::Heated,
            edited: true,
            expected: "Update: tense → heated (after an edit)\n",
        },
        Case {
            name: "fell",
            was: Level::Abusive,
            now: Level::Heated,
            edited: false,
            expected: "Update: abusive → heated\n",
        },
        // REGRESSION (issue 9): a restarted keel forgets it nudged and nudges
        // again at the level the nudge already shows: no "abusive → abusive".
        Case {
            name: "same level",
            was: Level::Heated,
            now: Level::Heated,
            edited: false,
            expected: "Update: still heated (a new message)\n",
        },
        Case {
            name: "same level, edited",
            was: Level::Heated,
            now: Level::Heated,
            edited: true,
            expected: "Update: still heated (after an edit)\n",
        },
    ];
    let g = guild();
    for c in cases {
        let mut s = situation(&g, "you idiot");
        s.earlier = Some(EarlierNudge { message: 555, posted_ms: 900_000, level: c.was });
        s.edited = c.edited;
        let Action::NudgeModerators { script, text, say, scope, trend, reasons, .. } = nudge() else { unreachable!() };
        let action = Action::NudgeModerators { script, text, say, scope, level: c.now, trend, reasons };
        match &plan(&s, &[action])[0] {
            Step::Nudge { edit: Some(555), embed, .. } => {
                assert!(embed.description.starts_with(c.expected), "{}: {}", c.name, embed.description);
            }
            other => panic!("{}: expected an edit, got {other:?}", c.name),
        }
    }
}

#[test]
fn the_nudge_action_gives_the_level_the_nudge_shows() {
    let boundary = Action::Boundary { tier: 1, text: String::new() };
    assert_eq!(nudge_action(std::slice::from_ref(&boundary)), None);
    assert_eq!(nudge_action(&[boundary, nudge()]), Some(("set-boundary", "Let's keep it respectful.", Level::Heated)));
}

#[test]
fn quoted_customer_text_is_defused() {
    let g = guild();
    let steps = plan(&situation(&g, "@everyone you **idiot** <@&10>"), &[nudge()]);
    let Step::Nudge { embed, .. } = &steps[0] else { panic!("nudge expected") };
    let quoted = &embed.fields[0].1;
    assert!(!quoted.contains("@everyone") && !quoted.contains("<@&10>"), "{quoted}");
    assert!(quoted.contains("\\*\\*idiot\\*\\*"), "{quoted}");
    assert!(embed.description.contains("▁▃▇"));
}

#[test]
fn severe_messages_are_deleted_only_when_switched_on() {
    let mut g = guild();
    let mut s = situation(&g, "threat");
    s.severe = true;
    assert!(!plan(&s, &[]).iter().any(|st| matches!(st, Step::Delete { .. })), "off by default");
    g.actions.delete_severe = true;
    let mut s = situation(&g, "threat");
    s.severe = true;
    assert!(plan(&s, &[]).iter().any(|st| matches!(st, Step::Delete { channel: 3, message: 99, .. })));
}

#[test]
fn choices_go_to_the_customer_and_claims_are_pinged() {
    let g = guild();
    let mut s = situation(&g, "still waiting");
    s.claimed_by = Some(42);
    let offer = Action::OfferChoices {
        set: "reship-or-refund".into(),
        prompt: "Reship or refund?".into(),
        options: vec![("Reship".into(), "ok".into(), false), ("A person".into(), "ok".into(), true)],
    };
    let steps = plan(&s, &[nudge(), offer]);
    assert!(
        matches!(&steps[0], Step::Nudge { ping: Some(42), embed, .. } if embed.fields.iter().any(|f| f.1 == "<@42>"))
    );
    match &steps[1] {
        Step::OfferChoices { channel: 3, customer: 7, set, labels, .. } => {
            assert_eq!(set, "reship-or-refund");
            assert_eq!(labels, &vec!["Reship".to_string(), "A person".to_string()]);
        }
        other => panic!("expected choices, got {other:?}"),
    }
}
