//! The `custom_id`s of keel's buttons, and parsing them back.
//!
//! A `custom_id` comes back from Discord when someone clicks, and anyone can
//! forge one, so it carries no trust: it only says which button was meant.
//! Who clicked, and whether they may, is checked against Discord's own
//! interaction data. Handling clicks by `custom_id` in the global event
//! handler (not with collectors) keeps buttons working across restarts, as
//! far as the state they refer to survives.

/// Discord's limit for a `custom_id`.
pub const MAX_CUSTOM_ID: usize = 100;

/// What a moderator can do from a nudge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NudgeAction {
    /// "I'm on it": claim the conversation.
    Claim,
    /// Post the script's customer-facing line in the channel.
    Acknowledge,
    /// Offer the customer a choice set.
    OfferChoices,
    /// Post the tier-1 boundary message now.
    Boundary,
    /// Mark the nudge as a false alarm.
    FalseAlarm,
}

impl NudgeAction {
    /// Every action, in button order.
    pub const ALL: [NudgeAction; 5] = [
        NudgeAction::Claim,
        NudgeAction::Acknowledge,
        NudgeAction::OfferChoices,
        NudgeAction::Boundary,
        NudgeAction::FalseAlarm,
    ];

    fn code(self) -> &'static str {
        match self {
            NudgeAction::Claim => "claim",
            NudgeAction::Acknowledge => "ack",
            NudgeAction::OfferChoices => "offer",
            NudgeAction::Boundary => "boundary",
            NudgeAction::FalseAlarm => "false",
        }
    }

    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            NudgeAction::Claim => "I'm on it",
            NudgeAction::Acknowledge => "Post acknowledgement",
            NudgeAction::OfferChoices => "Offer choices",
            NudgeAction::Boundary => "Boundary",
            NudgeAction::FalseAlarm => "False alarm",
        }
    }
}

/// A parsed `custom_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Component {
    /// A customer's choice: set, option index, the customer it is for.
    Choice {
        /// The choice set's name.
        set: String,
        /// The option's index in the set.
        option: usize,
        /// The only member who may choose.
        customer: u64,
    },
    /// A moderator's button on a nudge about (channel, author; 0 = the channel as a whole).
    Nudge {
        /// What to do.
        action: NudgeAction,
        /// The conversation's channel.
        channel: u64,
        /// The conversation's customer (0: the channel as a whole).
        author: u64,
    },
    /// The choice set picked in a moderator's "offer choices" menu.
    OfferSet {
        /// The conversation's channel.
        channel: u64,
        /// The customer.
        author: u64,
    },
    /// A customer's answer to a follow-up.
    FollowUp {
        /// True for "Yes, thanks", false for "I still need help".
        resolved: bool,
        /// The conversation's channel.
        channel: u64,
        /// The customer.
        customer: u64,
    },
}

impl Component {
    /// The `custom_id` for this component.
    pub fn id(&self) -> String {
        match self {
            Component::Choice { set, option, customer } => format!("keel:c:{customer}:{option}:{set}"),
            Component::Nudge { action, channel, author } => format!("keel:n:{}:{channel}:{author}", action.code()),
            Component::OfferSet { channel, author } => format!("keel:o:{channel}:{author}"),
            Component::FollowUp { resolved, channel, customer } => {
                format!("keel:f:{}:{channel}:{customer}", if *resolved { "yes" } else { "no" })
            }
        }
    }

    /// Parses a `custom_id`; `None` for anything keel did not make.
    pub fn parse(id: &str) -> Option<Component> {
        if id.len() > MAX_CUSTOM_ID {
            return None;
        }
        let mut parts = id.splitn(5, ':');
        if parts.next()? != "keel" {
            return None;
        }
        let kind = parts.next()?;
        let num = |s: Option<&str>| s.and_then(|s| s.parse::<u64>().ok());
        let component = match kind {
            "c" => {
                let customer = num(parts.next())?;
                let option = num(parts.next())? as usize;
                let set = parts.next()?.to_string();
                if set.is_empty() || customer == 0 {
                    return None;
                }
                Component::Choice { set, option, customer }
            }
            "n" => {
                let code = parts.next()?;
                let action = NudgeAction::ALL.into_iter().find(|a| a.code() == code)?;
                Component::Nudge { action, channel: num(parts.next())?, author: num(parts.next())? }
            }
            "o" => Component::OfferSet { channel: num(parts.next())?, author: num(parts.next())? },
            "f" => {
                let resolved = match parts.next()? {
                    "yes" => true,
                    "no" => false,
                    _ => return None,
                };
                Component::FollowUp { resolved, channel: num(parts.next())?, customer: num(parts.next())? }
            }
            _ => return None,
        };
        // Nothing may trail a well-formed id.
        if parts.next().is_some() && !matches!(component, Component::Choice { .. }) {
            return None;
        }
        Some(component)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let cases = [
            Component::Choice { set: "replacement-or-refund".into(), option: 2, customer: 123 },
            Component::Nudge { action: NudgeAction::FalseAlarm, channel: 9, author: 0 },
            Component::Nudge { action: NudgeAction::Claim, channel: 9, author: 77 },
            Component::OfferSet { channel: 1, author: 2 },
            Component::FollowUp { resolved: false, channel: 3, customer: 4 },
            Component::FollowUp { resolved: true, channel: 3, customer: 4 },
        ];
        for c in cases {
            let id = c.id();
            assert!(id.len() <= MAX_CUSTOM_ID, "{id}");
            assert_eq!(Component::parse(&id), Some(c), "{id}");
        }
    }

    #[test]
    fn forged_or_foreign_ids_are_rejected() {
        for id in [
            "",
            "keel",
            "keel:",
            "keel:x:1:2",
            "other:c:1:0:set",
            "keel:c:abc:0:set",
            "keel:c:1:0:",
            "keel:c:0:0:set",
            "keel:n:explode:1:2",
            "keel:n:claim:1",
            "keel:n:claim:1:2:3",
            "keel:f:maybe:1:2",
            "keel:o:1:-2",
            &format!("keel:c:1:0:{}", "x".repeat(200)),
        ] {
            assert_eq!(Component::parse(id), None, "{id:?}");
        }
    }
}
