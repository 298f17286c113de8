//! Events to rows and back.
//!
//! The `events` table has one column per kind of detail; this module is the
//! only place that knows which kind uses which column, so adding a kind
//! touches one match here and one in [`EventKind`].

use crate::core::Level;
use crate::store::model::{EventKind, StoredSignal};
use rusqlite::types::Value;

/// A u64 Discord ID as `SQLite`'s INTEGER (same bits; every ID round-trips).
pub fn to_sql(id: u64) -> i64 {
    id as i64
}

/// A conversation's member as stored: 0 for the channel's conversation as a whole.
pub fn member_sql(member: Option<crate::core::ids::MemberId>) -> i64 {
    to_sql(member.map_or(0, crate::core::ids::MemberId::get))
}

/// The u64 Discord ID stored by [`to_sql`].
pub fn from_sql(v: i64) -> u64 {
    v as u64
}

/// A level from its stored index (out of range: the nearest level).
pub fn level(v: i64) -> Level {
    Level::ALL[v.clamp(0, 3) as usize]
}

/// The kind-specific columns of one event row.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Columns {
    /// `score`.
    pub score: Option<f64>,
    /// `level`.
    pub level: Option<i64>,
    /// `channel_level`.
    pub channel_level: Option<i64>,
    /// `tier`.
    pub tier: Option<i64>,
    /// `amount`.
    pub amount: Option<i64>,
    /// `actor`.
    pub actor: Option<i64>,
    /// `message`.
    pub message: Option<i64>,
    /// `name`.
    pub name: Option<String>,
    /// `detail`.
    pub detail: Option<String>,
}

/// The names of [`Columns`]' fields in the table, in order.
pub const COLUMNS: &str = "score, level, channel_level, tier, amount, actor, message, name, detail";

impl Columns {
    /// The values in the order of [`COLUMNS`].
    pub fn values(&self) -> [Value; 9] {
        let int = |v: Option<i64>| v.map_or(Value::Null, Value::Integer);
        let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::Text);
        [
            self.score.map_or(Value::Null, Value::Real),
            int(self.level),
            int(self.channel_level),
            int(self.tier),
            int(self.amount),
            int(self.actor),
            int(self.message),
            text(&self.name),
            text(&self.detail),
        ]
    }
}

/// The columns for an event kind (signals go to their own table).
pub fn encode(kind: &EventKind) -> Columns {
    let mut c = Columns::default();
    match kind {
        EventKind::Scored { score, level, channel_level, signals: _ } => {
            c.score = Some(f64::from(*score));
            c.level = Some(level.index() as i64);
            c.channel_level = Some(channel_level.index() as i64);
        }
        EventKind::Nudge { script, message, level } => {
            c.name = Some(script.clone());
            c.message = message.map(to_sql);
            c.level = Some(level.index() as i64);
        }
        EventKind::Claim { moderator } => c.actor = Some(to_sql(*moderator)),
        EventKind::ChoiceOffered { set, message, expires_ms } => {
            c.name = Some(set.clone());
            c.message = Some(to_sql(*message));
            c.amount = Some(*expires_ms);
        }
        EventKind::ChoiceChosen { message, choice } => {
            c.message = Some(to_sql(*message));
            c.detail = Some(choice.clone());
        }
        EventKind::Boundary { tier } => c.tier = Some(i64::from(*tier)),
        EventKind::Timeout { seconds } => c.amount = Some(i64::try_from(*seconds).unwrap_or(i64::MAX)),
        EventKind::Escalation => {}
        EventKind::FalseAlarm { by } | EventKind::Pardon { by } => c.actor = Some(to_sql(*by)),
        EventKind::Resolution { by } => c.actor = by.map(to_sql),
        EventKind::FollowupScheduled { due_ms } => c.amount = Some(*due_ms),
        EventKind::FollowupFired { followup } => c.amount = Some(*followup),
        EventKind::FollowupAnswered { followup, answer } => {
            c.amount = Some(*followup);
            c.detail = Some(answer.clone());
        }
    }
    c
}

/// The event kind stored as `kind` with these columns; `None` for a kind
/// this build does not know.
pub fn decode(kind: &str, c: Columns, signals: Vec<StoredSignal>) -> Option<EventKind> {
    let actor = || c.actor.map(from_sql);
    let amount = || c.amount.unwrap_or(0);
    Some(match kind {
        "scored" => EventKind::Scored {
            score: c.score.unwrap_or(0.0) as f32,
            level: level(c.level.unwrap_or(0)),
            channel_level: level(c.channel_level.unwrap_or(0)),
            signals,
        },
        "nudge" => EventKind::Nudge {
            script: c.name.clone().unwrap_or_default(),
            message: c.message.map(from_sql),
            level: level(c.level.unwrap_or(0)),
        },
        "claim" => EventKind::Claim { moderator: actor().unwrap_or(0) },
        "choice_offered" => EventKind::ChoiceOffered {
            set: c.name.clone().unwrap_or_default(),
            message: c.message.map_or(0, from_sql),
            expires_ms: amount(),
        },
        "choice_chosen" => EventKind::ChoiceChosen {
            message: c.message.map_or(0, from_sql),
            choice: c.detail.clone().unwrap_or_default(),
        },
        "boundary" => EventKind::Boundary { tier: c.tier.unwrap_or(0).clamp(0, 255) as u8 },
        "timeout" => EventKind::Timeout { seconds: amount().max(0) as u64 },
        "escalation" => EventKind::Escalation,
        "false_alarm" => EventKind::FalseAlarm { by: actor().unwrap_or(0) },
        "pardon" => EventKind::Pardon { by: actor().unwrap_or(0) },
        "resolution" => EventKind::Resolution { by: actor() },
        "followup_scheduled" => EventKind::FollowupScheduled { due_ms: amount() },
        "followup_fired" => EventKind::FollowupFired { followup: amount() },
        "followup_answered" => {
            EventKind::FollowupAnswered { followup: amount(), answer: c.detail.clone().unwrap_or_default() }
        }
        _ => return None,
    })
}
