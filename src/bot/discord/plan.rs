//! From the engine's actions to Discord operations, as plain data.
//!
//! The engine says *what* should happen (nudge, boundary, timeout,
//! escalate); this module decides *how* in a given server: which channel,
//! whether an existing nudge is edited instead of a new one posted, who may
//! be pinged, and what keel must not do (time out a protected member, act
//! where the owner switched an action off). Keeping it pure makes every rule
//! testable without Discord; `execute` only carries the steps out.

use crate::bot::discord::members::Protected;
use crate::bot::discord::text::{escape, jump_link, truncate, DESCRIPTION_MAX, FIELD_MAX};
use crate::config::GuildConfig;
use crate::core::ids::{ChannelId, Conversation, GuildId, MemberId};
use crate::core::policy::{Action, NudgeScope};
use crate::core::Level;

/// An embed keel posts, as data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Embed {
    /// Title line.
    pub title: String,
    /// Main text.
    pub description: String,
    /// Named fields, in order.
    pub fields: Vec<(String, String)>,
    /// Side colour.
    pub colour: u32,
}

/// One Discord operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// Post a nudge in the moderator channel, or edit the earlier one.
    Nudge {
        /// The moderator channel.
        channel: u64,
        /// The earlier nudge to edit, if any.
        edit: Option<u64>,
        /// What to show.
        embed: Embed,
        /// The conversation it is about: a customer's, or the channel's as a whole.
        about: Conversation,
        /// The moderators' buttons are shown (false once closed, e.g. a false alarm).
        buttons: bool,
        /// The moderator who claimed the conversation, pinged on later nudges.
        ping: Option<u64>,
    },
    /// Offer the customer a choice set as buttons; pings only the customer.
    OfferChoices {
        /// The channel.
        channel: u64,
        /// The only member who may choose.
        customer: u64,
        /// The set's name.
        set: String,
        /// The question.
        prompt: String,
        /// The button labels.
        labels: Vec<String>,
    },
    /// Ask a customer whether things are sorted, with "Yes, thanks" / "I still need help".
    FollowUp {
        /// The conversation's channel (asked there unless `dm`).
        channel: u64,
        /// Ask by direct message instead (falling back to the channel when DMs are closed).
        dm: bool,
        /// The customer, the only one pinged.
        customer: u64,
        /// The question.
        text: String,
    },
    /// Post a line in a channel on behalf of the team; pings only `mention`.
    Say {
        /// The channel.
        channel: u64,
        /// The text.
        text: String,
        /// The one member it may ping.
        mention: Option<u64>,
    },
    /// Reply to the offending message; pings only its author.
    BoundaryReply {
        /// The channel of the message.
        channel: u64,
        /// The message replied to.
        message: u64,
        /// The customer, the only one pinged.
        user: u64,
        /// The boundary text.
        text: String,
    },
    /// Time a member out.
    Timeout {
        /// The server.
        guild: u64,
        /// The member.
        user: u64,
        /// Until when (Unix seconds).
        until_unix: i64,
        /// The audit-log reason.
        reason: String,
    },
    /// Call the moderator roles in the moderator channel.
    Escalate {
        /// The moderator channel.
        channel: u64,
        /// The roles pinged (and only they).
        roles: Vec<u64>,
        /// The message.
        content: String,
    },
    /// Delete a message (severe categories, when the owner switched it on).
    Delete {
        /// The channel.
        channel: u64,
        /// The message.
        message: u64,
        /// The audit-log reason.
        reason: String,
    },
    /// A note for moderators (what keel did not do, and why); pings nobody.
    Notice {
        /// The moderator channel.
        channel: u64,
        /// The note.
        content: String,
    },
}

impl Step {
    /// The choice buttons for an [`Action::OfferChoices`], for `customer` in `channel`.
    pub fn offer_choices(channel: u64, customer: u64, action: &Action) -> Option<Step> {
        let Action::OfferChoices { set, prompt, options } = action else { return None };
        Some(Step::OfferChoices {
            channel,
            customer,
            set: set.clone(),
            prompt: prompt.clone(),
            labels: options.iter().map(|o| o.0.clone()).collect(),
        })
    }

    /// True for steps the customer sees or feels (in their channel or on their account).
    pub fn faces_customer(&self) -> bool {
        matches!(
            self,
            Step::BoundaryReply { .. }
                | Step::Timeout { .. }
                | Step::Delete { .. }
                | Step::OfferChoices { .. }
                | Step::Say { .. }
        )
    }
}

/// An earlier nudge about the same conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlierNudge {
    /// Its message in the moderator channel.
    pub message: u64,
    /// When it was posted (Unix ms).
    pub posted_ms: i64,
    /// The level it was about.
    pub level: Level,
}

/// Everything the planner needs about one judged message.
#[derive(Debug, Clone)]
pub struct PlanInput<'a> {
    /// The server's settings.
    pub guild: &'a GuildConfig,
    /// The channel the message is in.
    pub channel: u64,
    /// The channel's display name.
    pub channel_name: &'a str,
    /// The message.
    pub message: u64,
    /// Its author.
    pub author: u64,
    /// Its text.
    pub text: &'a str,
    /// Why the author must never be timed out, if so.
    pub protected: Option<Protected>,
    /// The conversation's recent scores as a sparkline.
    pub sparkline: &'a str,
    /// Now (Unix ms).
    pub now_ms: i64,
    /// An earlier nudge about this conversation still within the cooldown.
    pub earlier: Option<EarlierNudge>,
    /// The message was edited (`MESSAGE_UPDATE`) rather than sent.
    pub edited: bool,
    /// The message matched a severe category (threats, slurs).
    pub severe: bool,
    /// The moderator who claimed this conversation, if any.
    pub claimed_by: Option<u64>,
}

const COLOURS: [u32; 4] = [0x2e_cc_71, 0xf1_c4_0f, 0xe6_7e_22, 0xe7_4c_3c];

fn nudge_embed(s: &PlanInput<'_>, action: &Action) -> Option<Embed> {
    let Action::NudgeModerators { script, text, scope, level, trend, reasons, .. } = action else { return None };
    let link = jump_link(s.guild.id, s.channel, s.message);
    let whose = match scope {
        NudgeScope::Author => format!("<@{}>'s conversation", s.author),
        NudgeScope::Channel => "the conversation as a whole".to_string(),
    };
    let mut description = format!(
        "{whose} in <#{}> is **{level}** (trend {trend:+.2}) {}\n[Jump to the message]({link})",
        s.channel, s.sparkline
    );
    if let Some(e) = s.earlier {
        description.insert_str(0, &format!("{}\n", update_line(e.level, *level, s.edited)));
    }
    let quoted = format!("> {}", truncate(&escape(s.text), 300));
    let mut why = reasons.iter().map(|r| escape(r)).collect::<Vec<_>>().join(", ");
    if why.is_empty() {
        why = "the conversation's heat as a whole".into();
    }
    Some(Embed {
        title: format!("keel: {level} conversation in #{}", s.channel_name),
        description: truncate(&description, DESCRIPTION_MAX),
        fields: vec![
            ("Message".into(), truncate(&quoted, FIELD_MAX)),
            ("Why".into(), truncate(&why, FIELD_MAX)),
            (format!("Script: {script}"), truncate(text, FIELD_MAX)),
        ],
        colour: COLOURS[level.index()],
    })
}

/// The first line of an edited nudge: how the level moved since the level
/// the nudge last showed, or that it did not (a nudge is also edited at the
/// same level, e.g. by a restarted keel that forgot it had nudged).
fn update_line(was: Level, now: Level, edited: bool) -> String {
    match (was == now, edited) {
        (false, false) => format!("Update: {was} → {now}"),
        (false, true) => format!("Update: {was} → {now} (after an edit)"),
        (true, false) => format!("Update: still {now} (a new message)"),
        (true, true) => format!("Update: still {now} (after an edit)"),
    }
}

/// The nudge among the engine's actions, if any: its script's name, the
/// line the team can post, and the level it shows (and is remembered at).
pub fn nudge_action(actions: &[Action]) -> Option<(&str, &str, Level)> {
    actions.iter().find_map(|a| match a {
        Action::NudgeModerators { script, say, level, .. } => Some((script.as_str(), say.as_str(), *level)),
        _ => None,
    })
}

/// Turns the engine's actions into steps for this server.
pub fn plan(s: &PlanInput<'_>, actions: &[Action]) -> Vec<Step> {
    let g = s.guild;
    let mut steps = Vec::new();
    for action in actions {
        match action {
            Action::NudgeModerators { .. } if g.actions.nudges => {
                if let Some(mut embed) = nudge_embed(s, action) {
                    let about = match action {
                        Action::NudgeModerators { scope: NudgeScope::Channel, .. } => {
                            Conversation::channel(GuildId(g.id), ChannelId(s.channel))
                        }
                        _ => Conversation::member(GuildId(g.id), ChannelId(s.channel), MemberId(s.author)),
                    };
                    if let Some(m) = s.claimed_by {
                        embed.fields.push(("Claimed by".into(), format!("<@{m}>")));
                    }
                    steps.push(Step::Nudge {
                        channel: g.moderator_channel,
                        edit: s.earlier.map(|e| e.message),
                        embed,
                        about,
                        buttons: true,
                        ping: s.claimed_by,
                    });
                }
            }
            Action::OfferChoices { .. } if g.actions.choices => {
                steps.extend(Step::offer_choices(s.channel, s.author, action));
            }
            Action::Boundary { text, .. } if g.actions.boundary_messages => {
                steps.push(Step::BoundaryReply {
                    channel: s.channel,
                    message: s.message,
                    user: s.author,
                    text: text.clone(),
                });
            }
            Action::Timeout { seconds } if g.actions.timeouts => match s.protected {
                Some(p) => steps.push(Step::Notice {
                    channel: g.moderator_channel,
                    content: format!(
                        "keel did not time out <@{}>: they are {}. {}",
                        s.author,
                        p.describe(),
                        jump_link(g.id, s.channel, s.message)
                    ),
                }),
                None => steps.push(Step::Timeout {
                    guild: g.id,
                    user: s.author,
                    until_unix: s.now_ms / 1000 + *seconds as i64,
                    reason: format!(
                        "keel: boundary tier 2 (timeout {seconds} s) after repeated abuse in #{}",
                        s.channel_name
                    ),
                }),
            },
            Action::Escalate if g.actions.escalate => {
                let mentions: Vec<String> = g.moderator_roles.iter().map(|r| format!("<@&{r}>")).collect();
                let content = format!(
                    "{} keel needs a human: <@{}> keeps being abusive in <#{}> after a boundary and a timeout.\n> {}\n{}",
                    mentions.join(" "),
                    s.author,
                    s.channel,
                    truncate(&escape(s.text), 300),
                    jump_link(g.id, s.channel, s.message)
                );
                steps.push(Step::Escalate {
                    channel: g.moderator_channel,
                    roles: g.moderator_roles.clone(),
                    content: truncate(&content, crate::bot::discord::text::CONTENT_MAX),
                });
            }
            // Everything else is switched off for this server.
            _ => {}
        }
    }
    if g.actions.delete_severe && s.severe {
        steps.push(Step::Delete {
            channel: s.channel,
            message: s.message,
            reason: format!("keel: severe category (threat or slur) in #{}", s.channel_name),
        });
    }
    steps
}

#[cfg(test)]
mod tests;
