//! Step 5: what keel remembers of a judged message.
//!
//! [`judged_events`] turns one judged message and the steps that ran into
//! the events of its case, as plain data; [`remember`] queues them (one
//! batch, so a kill loses all of it or none) with the customer's strike.

use crate::bot::discord::plan::{nudge_action, Step};
use crate::bot::message::decide::Judgement;
use crate::bot::message::prepare::Prepared;
use crate::bot::shared::sync::lock;
use crate::bot::shared::Shared;
use crate::config::StorageConfig;
use crate::core::engine::Decision;
use crate::core::pack::Pack;
use crate::core::policy::Action;
use crate::core::Level;
use crate::store::{Conversation, Event, EventKind, StoredSignal, Strike, Write};

/// Records a judged message and what was done about it (one batch, so a
/// kill loses all of it or none), and its strike.
pub fn remember(shared: &Shared, p: &Prepared<'_>, j: &Judgement, executed: &[(Step, Option<u64>)]) {
    let Some(memory) = &shared.memory else { return };
    let decision = &j.decision;
    let signals = signals(lock(&shared.engine).analyzer().pack(), decision);
    let judged = Judged { conversation: p.conversation(), message: p.message, at_ms: p.at_ms, text: p.text };
    let storage = shared.config().storage.clone();
    memory.record(judged_events(&judged, decision, signals, executed, &storage, shared.choice_ttl_ms()));
    if decision.analysis.abusive {
        let conversation = p.conversation();
        shared.note_strike(conversation.guild, p.author);
        memory.send(Write::Strike(Strike { conversation, at_ms: p.at_ms }));
    }
}

/// One judged customer message, for [`judged_events`].
#[derive(Debug, Clone, Copy)]
pub struct Judged<'a> {
    /// The customer's conversation.
    pub conversation: Conversation,
    /// The message.
    pub message: u64,
    /// When (Unix ms).
    pub at_ms: i64,
    /// Its text (stored only as an excerpt, and only if bot.toml says so).
    pub text: &'a str,
}

/// The phrases that counted toward a message's score, by the pack's names
/// (never the customer's words).
pub fn signals(pack: &Pack, decision: &Decision) -> Vec<StoredSignal> {
    let mut out: Vec<StoredSignal> = Vec::new();
    for s in decision.analysis.signals.iter().filter(|s| s.weight > 0.0) {
        let (Some(c), Some(e)) = (pack.categories().get(s.category), pack.entries().get(s.entry)) else { continue };
        let signal = StoredSignal { category: c.name.clone(), phrase: e.written.clone() };
        if !out.contains(&signal) {
            out.push(signal);
        }
    }
    out
}

/// The events of one judged message: the score with its signals, then what
/// keel did about it, as the steps that succeeded say (`executed`: each
/// step with the message it posted or edited). Empty when nothing was done
/// and the conversation is calm: calm messages are not remembered.
pub fn judged_events(
    m: &Judged<'_>,
    decision: &Decision,
    signals: Vec<StoredSignal>,
    executed: &[(Step, Option<u64>)],
    storage: &StorageConfig,
    choice_expire_ms: i64,
) -> Vec<Event> {
    let o = &decision.outcome;
    if decision.actions.is_empty() && o.level == Level::Calm && o.channel_level == Level::Calm {
        return Vec::new();
    }
    let member = m.conversation;
    let event = |conversation: Conversation, kind: EventKind| Event {
        conversation,
        at_ms: m.at_ms,
        about: Some(m.message),
        kind,
        excerpt: None,
    };
    let scored =
        EventKind::Scored { score: decision.analysis.score, level: o.level, channel_level: o.channel_level, signals };
    let mut events = vec![Event { excerpt: storage.excerpt(m.text), ..event(member, scored) }];
    for (step, posted) in executed {
        let kind = match step {
            Step::Nudge { about, .. } => {
                let Some((script, _, level)) = nudge_action(&decision.actions) else {
                    continue; // a note on an earlier nudge, not a nudge
                };
                events.push(event(*about, EventKind::Nudge { script: script.to_string(), message: *posted, level }));
                continue;
            }
            Step::BoundaryReply { .. } => {
                let tier = decision.actions.iter().find_map(|a| match a {
                    Action::Boundary { tier, .. } => Some(*tier),
                    _ => None,
                });
                EventKind::Boundary { tier: tier.unwrap_or(1) }
            }
            Step::Timeout { .. } => {
                let seconds = decision.actions.iter().find_map(|a| match a {
                    Action::Timeout { seconds } => Some(*seconds),
                    _ => None,
                });
                EventKind::Timeout { seconds: seconds.unwrap_or(0) }
            }
            Step::Escalate { .. } => EventKind::Escalation,
            Step::OfferChoices { set, .. } => match posted {
                Some(message) => EventKind::ChoiceOffered {
                    set: set.clone(),
                    message: *message,
                    expires_ms: m.at_ms + choice_expire_ms,
                },
                None => continue,
            },
            _ => continue,
        };
        events.push(event(member, kind));
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::discord::plan::Embed;
    use crate::core::ids::{ChannelId, GuildId, MemberId};
    use crate::core::policy::NudgeScope;

    fn decision(level: Level, actions: Vec<Action>) -> Decision {
        let mut d = Decision::default();
        d.outcome.level = level;
        d.analysis.score = 0.9;
        d.actions = actions;
        d
    }

    fn nudge_action() -> Action {
        Action::NudgeModerators {
            script: "set-boundary".into(),
            text: String::new(),
            say: String::new(),
            scope: NudgeScope::Author,
            level: Level::Abusive,
            trend: 0.1,
            reasons: Vec::new(),
        }
    }

    fn nudge_step(edit: Option<u64>) -> Step {
        Step::Nudge {
            channel: 99,
            edit,
            embed: Embed::default(),
            about: Conversation::from_raw(1, 2, 3),
            buttons: true,
            ping: None,
        }
    }

    const M: Judged<'static> = Judged {
        conversation: Conversation { guild: GuildId(1), channel: ChannelId(2), member: Some(MemberId(3)) },
        message: 4,
        at_ms: 1000,
        text: "you idiot",
    };

    #[test]
    fn judged_messages_become_events() {
        struct Case {
            name: &'static str,
            decision: Decision,
            executed: Vec<(Step, Option<u64>)>,
            excerpts: bool,
            kinds: &'static [&'static str],
        }
        let boundary = Action::Boundary { tier: 2, text: String::new() };
        let reply = Step::BoundaryReply { channel: 2, message: 4, user: 3, text: String::new() };
        let timeout = Step::Timeout { guild: 1, user: 3, until_unix: 0, reason: String::new() };
        let cases = [
            Case {
                name: "calm and no action: nothing",
                decision: decision(Level::Calm, vec![]),
                executed: vec![],
                excerpts: true,
                kinds: &[],
            },
            Case {
                name: "tense without action: the score only",
                decision: decision(Level::Tense, vec![]),
                executed: vec![],
                excerpts: false,
                kinds: &["scored"],
            },
            Case {
                name: "a nudge, a boundary and a timeout, in order",
                decision: decision(
                    Level::Abusive,
                    vec![nudge_action(), boundary.clone(), Action::Timeout { seconds: 600 }],
                ),
                executed: vec![(reply.clone(), Some(50)), (timeout, None), (nudge_step(None), Some(60))],
                excerpts: true,
                kinds: &["scored", "boundary", "timeout", "nudge"],
            },
            Case {
                name: "a failed step is not recorded; a note on a nudge is not a nudge",
                decision: decision(Level::Abusive, vec![boundary]),
                executed: vec![(nudge_step(Some(60)), Some(60))],
                excerpts: false,
                kinds: &["scored"],
            },
        ];
        for case in cases {
            let storage = StorageConfig { store_excerpts: case.excerpts, ..StorageConfig::default() };
            let events = judged_events(&M, &case.decision, vec![], &case.executed, &storage, 60_000);
            let kinds: Vec<&str> = events.iter().map(|e| e.kind.name()).collect();
            assert_eq!(kinds, case.kinds, "{}", case.name);
            if let Some(first) = events.first() {
                assert_eq!(first.excerpt.is_some(), case.excerpts, "{}", case.name);
                assert!(events.iter().all(|e| e.about == Some(4) && e.at_ms == 1000), "{}", case.name);
            }
        }
    }

    #[test]
    fn events_carry_tiers_messages_and_whose_conversation() {
        let d = decision(
            Level::Abusive,
            vec![nudge_action(), Action::Boundary { tier: 2, text: String::new() }, Action::Timeout { seconds: 600 }],
        );
        let executed = vec![
            (Step::BoundaryReply { channel: 2, message: 4, user: 3, text: String::new() }, Some(50)),
            (Step::Timeout { guild: 1, user: 3, until_unix: 0, reason: String::new() }, None),
            (
                Step::Nudge {
                    about: Conversation::from_raw(1, 2, 0),
                    channel: 99,
                    edit: None,
                    embed: Embed::default(),
                    buttons: true,
                    ping: None,
                },
                Some(60),
            ),
        ];
        let events = judged_events(&M, &d, vec![], &executed, &StorageConfig::default(), 0);
        assert_eq!(events[1].kind, EventKind::Boundary { tier: 2 });
        assert_eq!(events[2].kind, EventKind::Timeout { seconds: 600 });
        assert_eq!(
            events[3].kind,
            EventKind::Nudge { script: "set-boundary".into(), message: Some(60), level: Level::Abusive }
        );
        assert_eq!(events[3].conversation, Conversation::from_raw(1, 2, 0), "a channel nudge is the channel's");
        assert_eq!(events[1].conversation, Conversation::from_raw(1, 2, 3));
    }
}
