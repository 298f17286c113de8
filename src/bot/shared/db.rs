//! The live bot's memory: the [`store`](crate::store) wired into the shell.
//!
//! Two connections to one database file, so the async runtime never waits
//! on the disk:
//!
//! * writes go through a [`StoreWriter`] (its own thread, a bounded queue,
//!   retries when the disk is full or the database locked): a send is one
//!   push onto a queue and never blocks on I/O, so actions run at once
//!   whatever the database is doing;
//! * reads, and the few writes that need an answer at once (claiming a
//!   follow-up before it is sent, a customer's click), run on a second
//!   [`Store`] behind a mutex, in `tokio::task::spawn_blocking`.
//!
//! A read returns `None` when the database fails (logged), and the caller
//! carries on as if keel had no memory of it. [`judged_events`] turns one
//! judged message and the steps that ran into the events of its case, as
//! plain data.

use crate::bot::discord::plan::{nudge_action, Step};
use crate::bot::shared::sync::lock;
use crate::config::StorageConfig;
use crate::core::engine::Decision;
use crate::core::policy::Action;
use crate::core::Level;
use crate::pack::Pack;
use crate::store::{
    Conversation, Event, EventKind, Signal, Store, StoreError, StoreWriter, Write, WriterError, WriterOptions,
};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a stopping bot waits for queued writes before giving up on them.
pub const CLOSE_GRACE: Duration = Duration::from_secs(10);

/// The open database: a writer for what happens, a reader for what is asked.
#[derive(Debug)]
pub struct Memory {
    writer: Mutex<Option<Arc<StoreWriter>>>,
    reader: Arc<Mutex<Store>>,
}

impl Memory {
    /// Opens (creating and migrating if needed) the database at `path` and
    /// starts its writer. A file that is not keel's is refused, untouched.
    pub fn open(path: &Path) -> Result<Memory, StoreError> {
        let for_writer = Store::open(path)?;
        let reader = Store::open(path)?;
        let writer =
            StoreWriter::spawn(for_writer, WriterOptions { shutdown_grace: CLOSE_GRACE, ..Default::default() });
        Ok(Memory { writer: Mutex::new(Some(Arc::new(writer))), reader: Arc::new(Mutex::new(reader)) })
    }

    /// Queues a write without waiting. A full queue drops it (the writer
    /// counts it and logs once per burst); a closed writer's refusal is logged.
    pub fn send(&self, write: impl Into<Write>) {
        let write = write.into();
        match lock(&self.writer).as_ref() {
            Some(w) => match w.send(write) {
                Ok(_) | Err(WriterError::Full { .. }) => {}
                Err(e) => tracing::error!(error = %e, "a write to keel's database was not accepted"),
            },
            None => tracing::warn!(write = ?write, "keel's database is closed; a write was not stored"),
        }
    }

    /// Queues events, if there are any.
    pub fn record(&self, events: Vec<Event>) {
        if !events.is_empty() {
            self.send(Write::Events(events));
        }
    }

    /// Runs `f` on the reading connection off the async runtime; `None`
    /// (logged) when the database fails.
    pub async fn read<T, F>(&self, what: &'static str, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let reader = self.reader.clone();
        match tokio::task::spawn_blocking(move || f(&mut lock(&reader))).await {
            Ok(Ok(v)) => Some(v),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "keel's database could not {what}");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "reading keel's database panicked ({what})");
                None
            }
        }
    }

    /// Waits (off the runtime) until everything queued so far is written,
    /// at most `timeout`; true when it is.
    pub async fn flush(&self, timeout: Duration) -> bool {
        let Some(w) = lock(&self.writer).clone() else { return true };
        tokio::task::spawn_blocking(move || w.flush_timeout(timeout)).await.unwrap_or(false)
    }

    /// The writer's counters, while it is open.
    pub fn stats(&self) -> Option<crate::store::WriterStats> {
        lock(&self.writer).as_ref().map(|w| w.stats())
    }

    /// Writes what is queued and stops the writer (giving up after
    /// [`CLOSE_GRACE`] if the database keeps failing). Later writes are
    /// refused and logged. Idempotent.
    pub async fn close(&self) {
        let Some(w) = lock(&self.writer).take() else { return };
        let done = tokio::task::spawn_blocking(move || {
            w.flush_timeout(CLOSE_GRACE);
            match Arc::try_unwrap(w) {
                Ok(w) => Some(w.close().1),
                // A flush still holds it: dropping it stops the thread after the queue drains.
                Err(w) => Some(w.stats()),
            }
        })
        .await;
        match done {
            Ok(Some(stats)) if stats.abandoned > 0 || stats.queued > 0 => {
                tracing::error!(
                    abandoned = stats.abandoned,
                    queued = stats.queued,
                    refused_while_full = stats.refused,
                    "keel's database: writes lost at shutdown"
                )
            }
            Ok(Some(stats)) => {
                tracing::info!(writes = stats.committed, refused_while_full = stats.refused, "keel's database closed")
            }
            _ => tracing::error!("closing keel's database failed"),
        }
    }
}

/// One judged customer message, for [`judged_events`].
#[derive(Debug, Clone, Copy)]
pub struct Judged<'a> {
    /// The server.
    pub guild: u64,
    /// The channel.
    pub channel: u64,
    /// The customer.
    pub author: u64,
    /// The message.
    pub message: u64,
    /// When (Unix ms).
    pub at_ms: i64,
    /// Its text (stored only as an excerpt, and only if bot.toml says so).
    pub text: &'a str,
}

/// The phrases that counted toward a message's score, by the pack's names
/// (never the customer's words).
pub fn signals(pack: &Pack, decision: &Decision) -> Vec<Signal> {
    let mut out: Vec<Signal> = Vec::new();
    for s in decision.analysis.signals.iter().filter(|s| s.weight > 0.0) {
        let (Some(c), Some(e)) = (pack.categories.get(s.category), pack.entries.get(s.entry)) else { continue };
        let signal = Signal { category: c.name.clone(), phrase: e.written.clone() };
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
    signals: Vec<Signal>,
    executed: &[(Step, Option<u64>)],
    storage: &StorageConfig,
    choice_expire_ms: i64,
) -> Vec<Event> {
    let o = &decision.outcome;
    if decision.actions.is_empty() && o.level == Level::Calm && o.channel_level == Level::Calm {
        return Vec::new();
    }
    let member = Conversation::new(m.guild, m.channel, m.author);
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
                let whose = Conversation::new(m.guild, about.0, about.1);
                events.push(event(whose, EventKind::Nudge { script: script.to_string(), message: *posted, level }));
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
        Step::Nudge { channel: 99, edit, embed: Default::default(), about: (2, 3), buttons: true, ping: None }
    }

    const M: Judged<'static> = Judged { guild: 1, channel: 2, author: 3, message: 4, at_ms: 1000, text: "you idiot" };

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
                    about: (2, 0),
                    channel: 99,
                    edit: None,
                    embed: Default::default(),
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
        assert_eq!(events[3].conversation, Conversation::new(1, 2, 0), "a channel nudge is the channel's");
        assert_eq!(events[1].conversation, Conversation::new(1, 2, 3));
    }
}
