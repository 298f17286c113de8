//! The names of things keel keeps apart: servers, channels, members and the
//! conversations between them.
//!
//! Discord IDs are 64-bit numbers; wrapping each kind in its own type means a
//! channel can never be passed where a member is expected, and a conversation
//! says in its type whether it is one member's or a whole channel's (instead
//! of a `(channel, 0)` pair). The shell converts Discord's IDs at its edge;
//! transcripts' string IDs are turned into these by `keel replay`.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl $name {
            /// The number Discord uses for it.
            pub fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A Discord server (guild).
    GuildId
);
id!(
    /// A channel or thread.
    ChannelId
);
id!(
    /// A member of a server: a customer, staff member or moderator.
    MemberId
);

/// One conversation keel tracks: a member's in a channel, or the channel's
/// as a whole (`member: None`), in a server.
///
/// Channel IDs are unique across Discord, so the engine's tracker places a
/// conversation by channel and member alone; the server is carried for the
/// shell and the store, which keep each server's records apart.
///
/// Serialized (in case exports) as `{guild, channel, member}` numbers, with
/// `member` 0 for a channel's conversation as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Conversation {
    /// The server it happens in.
    pub guild: GuildId,
    /// Where it happens.
    pub channel: ChannelId,
    /// Whose it is, or `None` for the channel as a whole.
    #[serde(serialize_with = "member_or_zero")]
    pub member: Option<MemberId>,
}

#[allow(clippy::ref_option)] // serde's serialize_with passes the field by reference
fn member_or_zero<S: serde::Serializer>(member: &Option<MemberId>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(member.map_or(0, MemberId::get))
}

impl Conversation {
    /// A member's conversation in a channel.
    pub fn member(guild: GuildId, channel: ChannelId, member: MemberId) -> Conversation {
        Conversation { guild, channel, member: Some(member) }
    }

    /// A channel's conversation as a whole.
    pub fn channel(guild: GuildId, channel: ChannelId) -> Conversation {
        Conversation { guild, channel, member: None }
    }

    /// The conversation a stored `(guild, channel, member)` row names,
    /// `member` 0 being the channel's as a whole.
    pub fn from_raw(guild: u64, channel: u64, member: u64) -> Conversation {
        Conversation {
            guild: GuildId(guild),
            channel: ChannelId(channel),
            member: (member != 0).then_some(MemberId(member)),
        }
    }

    /// The `(guild, channel, member)` numbers of [`Conversation::from_raw`].
    pub fn to_raw(self) -> (u64, u64, u64) {
        (self.guild.get(), self.channel.get(), self.member.map_or(0, MemberId::get))
    }
}
