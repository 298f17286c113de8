//! Nudge buttons as data: what a moderator's click comes to, without Discord.

use super::nudge::clicked;
use super::respond::{Answer, Then};
use crate::bot::discord::custom_id::NudgeAction;
use crate::bot::discord::plan::{EarlierNudge, Embed, Step};
use crate::bot::shared::{NudgeRecord, Shared};
use crate::bot::testing::{guild, shared};
use crate::core::ids::{ChannelId, Conversation, GuildId, MemberId};
use crate::core::Level;
use crate::store::EventKind;

fn record() -> NudgeRecord {
    NudgeRecord {
        earlier: EarlierNudge { message: 50, posted_ms: 0, level: Level::Heated },
        about_message: 40,
        say: "Let's sort this out.".into(),
        embed: Embed { title: "keel: heated conversation in #support".into(), ..Embed::default() },
    }
}

#[test]
fn nudge_clicks_come_to_an_answer_events_and_steps() {
    struct Case {
        name: &'static str,
        action: NudgeAction,
        author: u64,
        check: fn(&Shared, &super::respond::Clicked),
    }
    let cases = [
        Case {
            name: "claim: the nudge says who, the claim is noted and recorded",
            action: NudgeAction::Claim,
            author: 7,
            check: |shared, c| {
                let Answer::Nudge { embed, buttons } = &c.answer else { panic!("{c:?}") };
                assert!(embed.fields.contains(&("Claimed by".into(), "<@9>".into())), "{embed:?}");
                assert_eq!(*buttons, Some(Conversation::from_raw(1, 3, 7)));
                assert_eq!(c.events[0].kind, EventKind::Claim { moderator: 9 });
                assert_eq!(shared.conversations.claimed_by(&Conversation::from_raw(1, 3, 7)), Some(9));
            },
        },
        Case {
            name: "acknowledge: the script's line posted for the customer",
            action: NudgeAction::Acknowledge,
            author: 7,
            check: |_, c| {
                assert_eq!(c.answer, Answer::Ephemeral("Posting the acknowledgement in <#3>.".into()));
                let want =
                    Step::Say {
                        channel: 3, text: "Let's sort this out.\n— the support team".into(), mention: Some(7)
                    };
                assert_eq!(c.steps, [(want, None)]);
            },
        },
        Case {
            name: "acknowledge on a channel-wide nudge pings nobody",
            action: NudgeAction::Acknowledge,
            author: 0,
            check: |_, c| assert!(matches!(c.steps[..], [(Step::Say { mention: None, .. }, None)]), "{c:?}"),
        },
        Case {
            name: "boundary: the tier-1 message replies to the nudged message",
            action: NudgeAction::Boundary,
            author: 7,
            check: |_, c| {
                assert!(matches!(&c.steps[..], [(Step::BoundaryReply { message: 40, user: 7, .. }, None)]), "{c:?}");
            },
        },
        Case {
            name: "false alarm: the nudge closes without buttons, and it is recorded",
            action: NudgeAction::FalseAlarm,
            author: 7,
            check: |_, c| {
                let Answer::Nudge { embed, buttons } = &c.answer else { panic!("{c:?}") };
                assert!(embed.title.starts_with("False alarm — keel:"), "{}", embed.title);
                assert_eq!(*buttons, None);
                assert_eq!(c.events[0].kind, EventKind::FalseAlarm { by: 9 });
            },
        },
    ];
    for case in cases {
        let shared = shared();
        let c = clicked(&shared, &guild(), &record(), case.action, Conversation::from_raw(1, 3, case.author), 9, 1_000);
        (case.check)(&shared, &c);
        assert!(c.events.iter().all(|e| e.at_ms == 1_000), "{}", case.name);
    }
}

#[test]
fn a_customer_s_pick_comes_to_an_answer_and_steps() {
    use super::choice::chosen;
    use crate::bot::shared::OfferedChoice;
    let offered = OfferedChoice {
        guild: GuildId(1),
        channel: ChannelId(3),
        customer: MemberId(7),
        set: "reship-or-person".into(),
        prompt: "What would help?".into(),
        options: vec![("Reship".into(), "Reshipping.".into(), false), ("A person".into(), "Calling.".into(), true)],
        expires_ms: 10_000,
    };
    let shared = shared();
    shared.conversations.remember_nudge(Conversation::from_raw(1, 3, 7), record());
    // A person: the moderators are called, and that is recorded once they are.
    let c = chosen(&shared, &guild(), &offered, 1, false, 1_000);
    let Answer::Buttons { content, buttons, chosen: Some(1) } = &c.answer else { panic!("{c:?}") };
    assert_eq!(content, "What would help?\n\n**<@7> chose: A person.** Calling.");
    assert_eq!(buttons.len(), 2);
    assert!(matches!(&c.steps[0], (Step::Nudge { edit: Some(50), .. }, None)), "the nudge notes it: {c:?}");
    let (Step::Escalate { channel: 2, content, .. }, Some(Then::Record(called))) = &c.steps[1] else { panic!("{c:?}") };
    assert!(content.contains("<@7> asked to talk to a person in <#3> (choice: A person)."), "{content}");
    assert_eq!(called.kind, EventKind::Escalation);
    // Expired: the question says so, the nudge notes it, nothing else.
    let c = chosen(&shared, &guild(), &offered, 0, true, 1_000);
    assert!(matches!(&c.answer, Answer::Buttons { chosen: None, content, .. } if content.contains("have expired")));
    assert_eq!(c.steps.len(), 1, "{c:?}");
}

#[test]
fn a_follow_up_answer_comes_to_a_note_or_a_reopened_conversation() {
    use super::followup::{answer, answered};
    let shared = shared();
    shared.conversations.remember_nudge(Conversation::from_raw(1, 3, 7), record());
    let Answer::Buttons { content, buttons, chosen: Some(0) } = answer("Sorted?", true, 3, 7) else { panic!() };
    assert_eq!(content, "Sorted?\n\n**Glad it's sorted, <@7> — thanks for letting us know.**");
    assert_eq!(buttons.len(), 2);
    // Resolved: recorded, and noted on the nudge.
    let (events, steps) = answered(&shared, &guild(), true, Conversation::from_raw(1, 3, 7), Some(11), 60, 1_000);
    assert!(matches!(&events[0].kind, EventKind::FollowupAnswered { followup: 11, answer } if answer == "resolved"));
    assert!(matches!(&steps[..], [(Step::Nudge { edit: Some(50), .. }, None)]), "{steps:?}");
    // Still needs help: a new nudge, remembered at tense once posted; nothing recorded without the follow-up's id.
    let (events, steps) = answered(&shared, &guild(), false, Conversation::from_raw(1, 3, 7), None, 60, 1_000);
    assert!(events.is_empty());
    let [(Step::Nudge { channel: 2, edit: None, embed, .. }, Some(Then::RememberNudge { level, about_message, .. }))] =
        &steps[..]
    else {
        panic!("{steps:?}")
    };
    assert_eq!(embed.title, "keel: follow-up — still needs help");
    assert_eq!((*level, *about_message), (Level::Tense, 60));
}
