//! The message path's steps without Discord: a prepared message is decided
//! by a real engine (the bundled bot.toml and phrase pack) and planned.

use super::act::{plan, Known};
use super::decide::decide;
use super::prepare::Prepared;
use crate::bot::discord::members::Protected;
use crate::bot::discord::plan::Step;
use crate::bot::testing::{engine, guild};
use crate::core::context::Reading;
use crate::core::ids::{ChannelId, MemberId};
use crate::core::{Level, Role};

fn prepared(message: u64, text: &str, protected: Option<Protected>) -> Prepared<'_> {
    Prepared {
        guild: guild(),
        channel: ChannelId(3),
        channel_name: "support".into(),
        message,
        author: MemberId(7),
        text,
        at_ms: 1_800_000_000_000 + message as i64 * 20_000,
        edited: false,
        role: Role::Customer,
        protected,
        stored_strikes: None,
        reading: Reading::Off,
    }
}

#[test]
fn messages_are_decided_and_planned_without_discord() {
    struct Case {
        name: &'static str,
        texts: &'static [&'static str],
        protected: Option<Protected>,
        /// The last message's level, at least.
        level: Level,
        /// Whether the last message's plan replies with a boundary, times out, notes a protected member.
        boundary: bool,
        timeout: bool,
        notice: bool,
    }
    let abuse: &[&str] = &["you are all f*cking idiots"; 6];
    let cases = [
        Case {
            name: "a calm question: nothing to do",
            texts: &["hi, my order hasn't arrived"],
            protected: None,
            level: Level::Calm,
            boundary: false,
            timeout: false,
            notice: false,
        },
        Case {
            name: "repeated abuse meets the boundary ladder",
            texts: abuse,
            protected: None,
            level: Level::Abusive,
            boundary: true,
            timeout: true,
            notice: false,
        },
        Case {
            name: "a protected member is never timed out: the moderators get a note",
            texts: abuse,
            protected: Some(Protected::RoleHierarchy),
            level: Level::Abusive,
            boundary: true,
            timeout: false,
            notice: true,
        },
    ];
    for case in cases {
        let mut engine = engine();
        let mut steps = Vec::new();
        let mut level = Level::Calm;
        let mut seen = (false, false, false);
        for (i, text) in case.texts.iter().enumerate() {
            let p = prepared(i as u64 + 1, text, case.protected);
            let j = decide(&mut engine, &p);
            level = j.decision.outcome.level;
            steps = plan(&p, &j, &Known::default());
            seen.0 |= steps.iter().any(|s| matches!(s, Step::BoundaryReply { message, .. } if *message == p.message));
            seen.1 |= steps.iter().any(|s| matches!(s, Step::Timeout { user: 7, guild: 1, .. }));
            seen.2 |= steps.iter().any(|s| matches!(s, Step::Notice { channel: 2, .. }));
        }
        assert!(level >= case.level, "{}: level {level}", case.name);
        assert_eq!(seen, (case.boundary, case.timeout, case.notice), "{}: {steps:#?}", case.name);
        if case.level == Level::Calm {
            assert!(steps.is_empty(), "{}: {steps:#?}", case.name);
        }
    }
}
