//! The store's plain data: what callers record and what they read back.
//!
//! No serenity types and no SQL here, so a `PostgreSQL` backend can take and
//! return exactly the same values. Discord IDs are `u64` (a conversation is the core's typed
//! [`Conversation`]), times are Unix
//! milliseconds passed in by the caller.

use crate::core::Level;
use serde::Serialize;

pub use crate::core::ids::Conversation;

/// A phrase that counted toward a message's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredSignal {
    /// The category's name (`insult`).
    pub category: String,
    /// The pack's phrase (`idiot`), never the customer's text.
    pub phrase: String,
}

/// What happened, with what each kind needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A customer message was judged. Never opens a case on its own.
    Scored {
        /// The message's hostility in [0, 1].
        score: f32,
        /// The member's conversation level after it.
        level: Level,
        /// The channel's level after it.
        channel_level: Level,
        /// The phrases that counted.
        signals: Vec<StoredSignal>,
    },
    /// Moderators were nudged (or a nudge was edited).
    Nudge {
        /// The script's name.
        script: String,
        /// The nudge's message in the moderator channel, once posted.
        message: Option<u64>,
        /// The level it was about.
        level: Level,
    },
    /// A moderator took the case.
    Claim {
        /// Who.
        moderator: u64,
    },
    /// Choice buttons were offered; recorded in the choices table as well.
    ChoiceOffered {
        /// The choice set's name.
        set: String,
        /// The message carrying the buttons.
        message: u64,
        /// When the buttons stop working (Unix ms).
        expires_ms: i64,
    },
    /// The customer chose. Goes to the case of the offer; ignored if the
    /// message has no offer or it was already answered.
    ChoiceChosen {
        /// The message carrying the buttons.
        message: u64,
        /// The option chosen.
        choice: String,
    },
    /// A boundary message at a tier (1 to 3).
    Boundary {
        /// The tier.
        tier: u8,
    },
    /// The member was timed out.
    Timeout {
        /// For how long.
        seconds: u64,
    },
    /// Human moderators were called.
    Escalation,
    /// A moderator said the alarm was false; like a pardon, the member's
    /// strikes so far stop counting.
    FalseAlarm {
        /// Who.
        by: u64,
    },
    /// A moderator pardoned the member: their strikes so far stop counting.
    Pardon {
        /// Who.
        by: u64,
    },
    /// The case was resolved; it closes.
    Resolution {
        /// Who resolved it, if a person did.
        by: Option<u64>,
    },
    /// A follow-up was scheduled; recorded in the follow-ups table as well,
    /// under the id of this event, replacing the conversation's follow-ups
    /// not yet sent (the newest one is the one asked).
    FollowupScheduled {
        /// When it is due (Unix ms).
        due_ms: i64,
    },
    /// A follow-up was sent. Goes to the follow-up's case; ignored if it
    /// had fired already (a follow-up fires once).
    FollowupFired {
        /// The follow-up's id.
        followup: i64,
    },
    /// The customer answered a follow-up.
    FollowupAnswered {
        /// The follow-up's id.
        followup: i64,
        /// The answer (a button's label, "resolved", ...).
        answer: String,
    },
}

impl EventKind {
    /// The name stored in the `kind` column.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Scored { .. } => "scored",
            EventKind::Nudge { .. } => "nudge",
            EventKind::Claim { .. } => "claim",
            EventKind::ChoiceOffered { .. } => "choice_offered",
            EventKind::ChoiceChosen { .. } => "choice_chosen",
            EventKind::Boundary { .. } => "boundary",
            EventKind::Timeout { .. } => "timeout",
            EventKind::Escalation => "escalation",
            EventKind::FalseAlarm { .. } => "false_alarm",
            EventKind::Pardon { .. } => "pardon",
            EventKind::Resolution { .. } => "resolution",
            EventKind::FollowupScheduled { .. } => "followup_scheduled",
            EventKind::FollowupFired { .. } => "followup_fired",
            EventKind::FollowupAnswered { .. } => "followup_answered",
        }
    }

    /// True for what keel did on its own that makes a conversation a case:
    /// a nudge, choices, a boundary, a timeout, an escalation.
    pub fn opens_case(&self) -> bool {
        matches!(
            self,
            EventKind::Nudge { .. }
                | EventKind::ChoiceOffered { .. }
                | EventKind::Boundary { .. }
                | EventKind::Timeout { .. }
                | EventKind::Escalation
        )
    }
}

/// One thing that happened in a conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Whose conversation.
    pub conversation: Conversation,
    /// When (Unix ms).
    pub at_ms: i64,
    /// The customer's message it is about, if any (for jump links).
    pub about: Option<u64>,
    /// What happened.
    pub kind: EventKind,
    /// A short excerpt of the message; pass one only when bot.toml
    /// `[storage] store_excerpts` is on (see [`crate::config::StorageConfig::excerpt`]).
    pub excerpt: Option<String>,
}

impl Event {
    /// An event without a message reference or excerpt.
    pub fn new(conversation: Conversation, at_ms: i64, kind: EventKind) -> Event {
        Event { conversation, at_ms, about: None, kind, excerpt: None }
    }
}

/// A case as a whole, without its timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseSummary {
    /// The case's id.
    pub id: i64,
    /// Whose conversation.
    pub conversation: Conversation,
    /// When the case opened (Unix ms).
    pub opened_ms: i64,
    /// The last event's time.
    pub last_ms: i64,
    /// When it was resolved; `None` while open.
    pub closed_ms: Option<i64>,
    /// The highest level seen in the case.
    pub peak_level: Level,
    /// Events in the timeline.
    pub events: u64,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// The event's id.
    pub id: i64,
    /// When (Unix ms).
    pub at_ms: i64,
    /// The customer's message it is about.
    pub about: Option<u64>,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
    /// The stored excerpt, if any.
    pub excerpt: Option<String>,
}

/// A case with its timeline, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// The case as a whole.
    pub summary: CaseSummary,
    /// What happened, in order.
    pub timeline: Vec<TimelineEntry>,
}

/// A strike against a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Strike {
    /// Where it happened.
    pub conversation: Conversation,
    /// When (Unix ms).
    pub at_ms: i64,
}

/// Choice buttons offered on a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceOffer {
    /// The message carrying the buttons.
    pub message: u64,
    /// The customer they were offered to.
    pub conversation: Conversation,
    /// The choice set's name.
    pub set: String,
    /// When they were offered (Unix ms).
    pub offered_ms: i64,
    /// When they stop working (Unix ms).
    pub expires_ms: i64,
    /// What was chosen, and when.
    pub chosen: Option<(String, i64)>,
}

/// What [`Store::choose`](crate::store::Store::choose) did with a click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Chosen {
    /// Recorded in the case.
    Recorded,
    /// No offer on that message (never offered, or purged).
    Unknown,
    /// Someone other than the customer clicked.
    NotYours,
    /// The offer has expired.
    Expired,
    /// The customer had already chosen.
    AlreadyChosen {
        /// What they chose then.
        choice: String,
    },
}

/// A follow-up to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Followup {
    /// Its id (pass it to `mark_followup_fired`).
    pub id: i64,
    /// The case it belongs to.
    pub case_id: i64,
    /// Whose conversation.
    pub conversation: Conversation,
    /// When it was scheduled (Unix ms).
    pub scheduled_ms: i64,
    /// When it is due.
    pub due_ms: i64,
}

/// The latest nudge about a conversation, so a later escalation edits it
/// rather than posting a new one, also after a restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NudgeRef {
    /// The nudge's message in the moderator channel.
    pub message: u64,
    /// When that message was first posted (Unix ms); edits keep this time.
    pub posted_ms: i64,
    /// The level of its latest version.
    pub level: Level,
    /// The customer's message it is about, if recorded.
    pub about: Option<u64>,
}

/// A moderator's claim on an open case, so a restarted bot keeps pinging
/// whoever took the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OpenClaim {
    /// The conversation claimed.
    pub conversation: Conversation,
    /// Who claimed it.
    pub moderator: u64,
    /// When (Unix ms).
    pub at_ms: i64,
}

/// A server's settings made from Discord (`/keel setup`), as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredSettings {
    /// The server.
    pub guild: u64,
    /// The keys set, as a JSON object (validated by the configuration layer, not here).
    pub json: String,
    /// When they last changed (Unix ms).
    pub updated_ms: i64,
    /// Who changed them last.
    pub updated_by: u64,
}

/// What a retention purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Purged {
    /// Cases (with their events, choices and follow-ups).
    pub cases: u64,
    /// Strikes.
    pub strikes: u64,
}
