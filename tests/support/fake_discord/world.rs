//! The guild a fake Discord serves: plain data, no I/O.
//!
//! A [`World`] is what the fake tells the bot about in READY and `GUILD_CREATE` and what its
//! REST endpoints answer from. It is deliberately small and literal (ids, names, role
//! positions and permission bits) so a test can read it and know what the bot sees.
//! [`World::support_server`] is a ready-made guild most tests can use unchanged.

/// Discord permission bits used by the ready-made world (values from the Discord docs,
/// checked against serenity 0.12.5's `Permissions`).
pub mod perm {
    /// Kick members.
    pub const KICK_MEMBERS: u64 = 1 << 1;
    /// Ban members.
    pub const BAN_MEMBERS: u64 = 1 << 2;
    /// Every permission, bypassing channel overwrites.
    pub const ADMINISTRATOR: u64 = 1 << 3;
    /// Add reactions.
    pub const ADD_REACTIONS: u64 = 1 << 6;
    /// See a channel.
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    /// Send messages.
    pub const SEND_MESSAGES: u64 = 1 << 11;
    /// Delete other people's messages.
    pub const MANAGE_MESSAGES: u64 = 1 << 13;
    /// Send embeds.
    pub const EMBED_LINKS: u64 = 1 << 14;
    /// Upload files.
    pub const ATTACH_FILES: u64 = 1 << 15;
    /// Read earlier messages.
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    /// Use slash commands.
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    /// Manage threads.
    pub const MANAGE_THREADS: u64 = 1 << 34;
    /// Send messages in threads.
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
    /// Time members out.
    pub const MODERATE_MEMBERS: u64 = 1 << 40;
}

/// What kind of channel a [`FakeChannel`] is; maps to Discord's channel `type` number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelKind {
    /// A guild text channel (`type` 0).
    Text,
    /// A category that groups channels (`type` 4).
    Category,
    /// A public thread under a text channel (`type` 11); sent in `GUILD_CREATE`'s `threads`.
    PublicThread,
}

impl ChannelKind {
    /// Discord's numeric channel type.
    pub fn discord_type(self) -> u8 {
        match self {
            ChannelKind::Text => 0,
            ChannelKind::Category => 4,
            ChannelKind::PublicThread => 11,
        }
    }
}

/// Who a permission overwrite applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverwriteTarget {
    /// A role (Discord `type` 0); the @everyone role has the guild's id.
    Role(u64),
    /// A single member (Discord `type` 1).
    Member(u64),
}

/// A channel permission overwrite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeOverwrite {
    /// The role or member it applies to.
    pub target: OverwriteTarget,
    /// Permission bits granted.
    pub allow: u64,
    /// Permission bits denied.
    pub deny: u64,
}

/// A channel, category or thread in the fake guild.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeChannel {
    /// Snowflake id.
    pub id: u64,
    /// Name without the `#`.
    pub name: String,
    /// Text, category or public thread.
    pub kind: ChannelKind,
    /// The category (for channels) or the parent text channel (for threads).
    pub parent_id: Option<u64>,
    /// Permission overwrites (empty: the channel inherits the guild's role permissions).
    pub overwrites: Vec<FakeOverwrite>,
}

/// A role in the fake guild.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeRole {
    /// Snowflake id; @everyone's id equals the guild id, as on Discord.
    pub id: u64,
    /// Display name.
    pub name: String,
    /// Hierarchy position; higher outranks lower, @everyone is 0.
    pub position: u16,
    /// Guild-wide permission bits (see [`perm`]).
    pub permissions: u64,
    /// Whether the role is managed by an integration (a bot's own role is).
    pub managed: bool,
}

/// A member of the fake guild (user and membership in one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeMember {
    /// The user's snowflake id.
    pub user_id: u64,
    /// Username (new-style, discriminator "0").
    pub username: String,
    /// Role ids, without @everyone (as Discord sends them).
    pub roles: Vec<u64>,
    /// Whether the user is a bot.
    pub bot: bool,
}

/// The whole fake guild: one guild, its channels, roles and members, plus the bot's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct World {
    /// The guild's snowflake id (also the @everyone role's id).
    pub guild_id: u64,
    /// Name shown in `GUILD_CREATE`.
    pub guild_name: String,
    /// The guild owner's user id.
    pub owner_id: u64,
    /// The bot's user id (sent as READY's `user`, author of messages the bot posts).
    pub bot_id: u64,
    /// The application id (READY's `application.id`, used in command and webhook paths).
    pub application_id: u64,
    /// Channels, categories and threads.
    pub channels: Vec<FakeChannel>,
    /// Roles, @everyone included.
    pub roles: Vec<FakeRole>,
    /// Members, the bot included.
    pub members: Vec<FakeMember>,
}

impl World {
    /// A support server, the guild keel is built for.
    ///
    /// Roles, lowest first: `@everyone` (0), `Staff` (1), `Moderators` (2, `MODERATE_MEMBERS`
    /// and friends), the bot's managed role `keel` (3: `MODERATE_MEMBERS | SEND_MESSAGES |
    /// EMBED_LINKS | VIEW_CHANNEL | READ_MESSAGE_HISTORY | MANAGE_MESSAGES`), `Admin` (4,
    /// `ADMINISTRATOR`). So the bot outranks customers, staff and moderators but not admins.
    ///
    /// Channels: `#support`, `#mod-log` (hidden from @everyone, visible to staff, moderators
    /// and the bot), `#general` (keel's configuration leaves it unwatched), a `Help` category
    /// holding `#billing`, and a public thread `refund-question` under `#support`.
    ///
    /// Members: `olivia` (owner, no roles), `ada` (Admin), `mo` (Moderators), `sam` (Staff),
    /// the customers `alice` and `bob` (no roles), and the bot `keel`.
    pub fn support_server() -> World {
        use perm::{
            ADD_REACTIONS, ADMINISTRATOR, ATTACH_FILES, EMBED_LINKS, KICK_MEMBERS, MANAGE_MESSAGES, MANAGE_THREADS,
            MODERATE_MEMBERS, READ_MESSAGE_HISTORY, SEND_MESSAGES, SEND_MESSAGES_IN_THREADS, USE_APPLICATION_COMMANDS,
            VIEW_CHANNEL,
        };
        const G: u64 = 900_000_000_000_000_001;
        let role = |n: u64| G + 100 + n;
        let chan = |n: u64| G + 200 + n;
        let user = |n: u64| G + 300 + n;
        let text = |id, name: &str, parent_id| FakeChannel {
            id,
            name: name.to_string(),
            kind: ChannelKind::Text,
            parent_id,
            overwrites: Vec::new(),
        };
        let member = |user_id, username: &str, roles: Vec<u64>, bot| FakeMember {
            user_id,
            username: username.to_string(),
            roles,
            bot,
        };
        let role_of = |id, name: &str, position, permissions, managed| FakeRole {
            id,
            name: name.to_string(),
            position,
            permissions,
            managed,
        };

        let (staff, moderators, bot_role, admin) = (role(1), role(2), role(3), role(4));
        let everyone_perms = VIEW_CHANNEL
            | SEND_MESSAGES
            | READ_MESSAGE_HISTORY
            | ADD_REACTIONS
            | EMBED_LINKS
            | ATTACH_FILES
            | USE_APPLICATION_COMMANDS
            | SEND_MESSAGES_IN_THREADS;
        let bot_perms =
            MODERATE_MEMBERS | SEND_MESSAGES | EMBED_LINKS | VIEW_CHANNEL | READ_MESSAGE_HISTORY | MANAGE_MESSAGES;
        let mod_perms = MODERATE_MEMBERS | KICK_MEMBERS | MANAGE_MESSAGES | MANAGE_THREADS | everyone_perms;
        let (support, mod_log, general, help, billing, thread) = (chan(1), chan(2), chan(3), chan(4), chan(5), chan(6));
        let (bot_id, application_id) = (user(7), user(8));

        let mut mod_log_channel = text(mod_log, "mod-log", None);
        mod_log_channel.overwrites = vec![
            FakeOverwrite { target: OverwriteTarget::Role(G), allow: 0, deny: VIEW_CHANNEL },
            FakeOverwrite { target: OverwriteTarget::Role(staff), allow: VIEW_CHANNEL, deny: 0 },
            FakeOverwrite { target: OverwriteTarget::Role(moderators), allow: VIEW_CHANNEL, deny: 0 },
            FakeOverwrite { target: OverwriteTarget::Member(bot_id), allow: VIEW_CHANNEL, deny: 0 },
        ];

        World {
            guild_id: G,
            guild_name: "Keel Support".to_string(),
            owner_id: user(1),
            bot_id,
            application_id,
            channels: vec![
                text(support, "support", None),
                mod_log_channel,
                text(general, "general", None),
                FakeChannel {
                    id: help,
                    name: "Help".to_string(),
                    kind: ChannelKind::Category,
                    parent_id: None,
                    overwrites: Vec::new(),
                },
                text(billing, "billing", Some(help)),
                FakeChannel {
                    id: thread,
                    name: "refund-question".to_string(),
                    kind: ChannelKind::PublicThread,
                    parent_id: Some(support),
                    overwrites: Vec::new(),
                },
            ],
            roles: vec![
                role_of(G, "@everyone", 0, everyone_perms, false),
                role_of(staff, "Staff", 1, everyone_perms, false),
                role_of(moderators, "Moderators", 2, mod_perms, false),
                role_of(bot_role, "keel", 3, bot_perms, true),
                role_of(admin, "Admin", 4, ADMINISTRATOR, false),
            ],
            members: vec![
                member(user(1), "olivia", vec![], false),
                member(user(2), "ada", vec![admin], false),
                member(user(3), "mo", vec![moderators], false),
                member(user(4), "sam", vec![staff], false),
                member(user(5), "alice", vec![], false),
                member(user(6), "bob", vec![], false),
                member(bot_id, "keel", vec![bot_role], true),
            ],
        }
    }

    /// The channel (or category, or thread) with this name.
    ///
    /// # Panics
    /// If there is none; the message lists the names there are.
    pub fn channel(&self, name: &str) -> &FakeChannel {
        self.channels.iter().find(|c| c.name == name).unwrap_or_else(|| {
            let names: Vec<&str> = self.channels.iter().map(|c| c.name.as_str()).collect();
            panic!("fake world has no channel {name:?}; it has {names:?}")
        })
    }

    /// The role with this name (`"@everyone"` included).
    ///
    /// # Panics
    /// If there is none; the message lists the names there are.
    pub fn role(&self, name: &str) -> &FakeRole {
        self.roles.iter().find(|r| r.name == name).unwrap_or_else(|| {
            let names: Vec<&str> = self.roles.iter().map(|r| r.name.as_str()).collect();
            panic!("fake world has no role {name:?}; it has {names:?}")
        })
    }

    /// The member with this username.
    ///
    /// # Panics
    /// If there is none; the message lists the usernames there are.
    pub fn member(&self, username: &str) -> &FakeMember {
        self.members.iter().find(|m| m.username == username).unwrap_or_else(|| {
            let names: Vec<&str> = self.members.iter().map(|m| m.username.as_str()).collect();
            panic!("fake world has no member {username:?}; it has {names:?}")
        })
    }

    /// The member with this user id, if any.
    pub fn member_by_id(&self, user_id: u64) -> Option<&FakeMember> {
        self.members.iter().find(|m| m.user_id == user_id)
    }

    /// The channel with this id, if any.
    pub fn channel_by_id(&self, channel_id: u64) -> Option<&FakeChannel> {
        self.channels.iter().find(|c| c.id == channel_id)
    }

    /// The bot's own member entry.
    ///
    /// # Panics
    /// If the world has no member with [`World::bot_id`].
    pub fn bot(&self) -> &FakeMember {
        self.member_by_id(self.bot_id).expect("the fake world must contain the bot as a member")
    }
}
