//! Who a member is to keel: customer, staff or moderator, and whether keel
//! may ever time them out.
//!
//! Pure functions over plain facts extracted from serenity's cache
//! ([`from_cache`]), so the rules are testable without Discord.

use crate::config::GuildConfig;
use crate::core::Role;
use serenity::all::{Guild, RoleId, UserId};

/// What keel knows about a member when judging their message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFacts {
    /// The member's user ID.
    pub user_id: u64,
    /// Their role IDs.
    pub roles: Vec<u64>,
    /// They own the server.
    pub is_owner: bool,
    /// One of their roles grants Administrator.
    pub is_admin: bool,
    /// The position of their highest role (0 for @everyone only).
    pub top_role_position: u16,
}

/// A member's facts from the cached guild (`roles` as the event or the
/// member carries them), and the position of keel's own highest role.
pub fn from_cache(guild: &Guild, user: UserId, roles: &[RoleId], bot: UserId) -> (MemberFacts, u16) {
    let position =
        |roles: &[RoleId]| roles.iter().filter_map(|r| guild.roles.get(r)).map(|r| r.position).max().unwrap_or(0);
    let facts = MemberFacts {
        user_id: user.get(),
        roles: roles.iter().map(|r| r.get()).collect(),
        is_owner: guild.owner_id == user,
        is_admin: roles.iter().filter_map(|r| guild.roles.get(r)).any(|r| r.permissions.administrator()),
        top_role_position: position(roles),
    };
    let bot_top = guild.members.get(&bot).map_or(0, |b| position(&b.roles));
    (facts, bot_top)
}

/// Why keel must never time a member out, if it must not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protected {
    /// The server owner.
    Owner,
    /// An administrator.
    Administrator,
    /// A configured moderator.
    Moderator,
    /// Configured support staff.
    Staff,
    /// Their highest role is at or above the bot's.
    RoleHierarchy,
}

impl Protected {
    /// Plain words for moderators and logs.
    pub fn describe(self) -> &'static str {
        match self {
            Protected::Owner => "the server owner",
            Protected::Administrator => "an administrator",
            Protected::Moderator => "a moderator",
            Protected::Staff => "support staff",
            Protected::RoleHierarchy => "ranked at or above keel's highest role",
        }
    }
}

/// The member's role in a support conversation.
pub fn role_of(guild: &GuildConfig, m: &MemberFacts) -> Role {
    if m.is_owner || m.is_admin || m.roles.iter().any(|r| guild.moderator_roles.contains(r)) {
        Role::Moderator
    } else if m.roles.iter().any(|r| guild.staff_roles.contains(r)) {
        Role::Staff
    } else {
        Role::Customer
    }
}

/// Whether keel must never time this member out; `bot_top_position` is the
/// position of keel's own highest role.
pub fn protection(guild: &GuildConfig, m: &MemberFacts, bot_top_position: u16) -> Option<Protected> {
    if m.is_owner {
        Some(Protected::Owner)
    } else if m.is_admin {
        Some(Protected::Administrator)
    } else if m.roles.iter().any(|r| guild.moderator_roles.contains(r)) {
        Some(Protected::Moderator)
    } else if m.roles.iter().any(|r| guild.staff_roles.contains(r)) {
        Some(Protected::Staff)
    } else if m.top_role_position >= bot_top_position {
        Some(Protected::RoleHierarchy)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::testing::guild;

    #[test]
    fn roles_and_protection() {
        struct Case {
            name: &'static str,
            member: MemberFacts,
            role: Role,
            protected: Option<Protected>,
        }
        let m = |roles: Vec<u64>, owner: bool, admin: bool, top: u16| MemberFacts {
            user_id: 5,
            roles,
            is_owner: owner,
            is_admin: admin,
            top_role_position: top,
        };
        let cases = [
            Case { name: "customer", member: m(vec![], false, false, 0), role: Role::Customer, protected: None },
            Case {
                name: "owner",
                member: m(vec![], true, false, 0),
                role: Role::Moderator,
                protected: Some(Protected::Owner),
            },
            Case {
                name: "admin",
                member: m(vec![], false, true, 1),
                role: Role::Moderator,
                protected: Some(Protected::Administrator),
            },
            Case {
                name: "moderator",
                member: m(vec![10], false, false, 2),
                role: Role::Moderator,
                protected: Some(Protected::Moderator),
            },
            Case {
                name: "staff",
                member: m(vec![20], false, false, 2),
                role: Role::Staff,
                protected: Some(Protected::Staff),
            },
            Case {
                name: "customer ranked as high as the bot",
                member: m(vec![30], false, false, 5),
                role: Role::Customer,
                protected: Some(Protected::RoleHierarchy),
            },
            Case {
                name: "customer below the bot",
                member: m(vec![30], false, false, 4),
                role: Role::Customer,
                protected: None,
            },
        ];
        for c in cases {
            assert_eq!(role_of(&guild(), &c.member), c.role, "{}", c.name);
            assert_eq!(protection(&guild(), &c.member, 5), c.protected, "{}", c.name);
        }
    }
}
