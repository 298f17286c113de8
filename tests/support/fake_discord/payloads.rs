//! JSON builders for what Discord sends, shaped after the Discord docs and checked against
//! serenity 0.12.5's deserializers.
//!
//! Every builder is a pure function of its arguments (timestamps come from snowflake ids or
//! a fixed join date), so the same world always gives the same bytes. That is what lets
//! `tests/fixtures/*.json` be compared with the builders' output.
//!
//! Fields serenity 0.12.5 *requires* even though Discord may call them optional are noted
//! where they are set; leaving one out makes serenity drop the whole event (or, for guild
//! channels, silently skip the channel).

use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::world::{ChannelKind, FakeChannel, FakeMember, FakeRole, OverwriteTarget, World};

/// Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds.
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// When every member of a fake world joined (and the bot joined the guild).
pub const JOINED_AT: &str = "2024-01-01T00:00:00+00:00";

/// Snowflake ids as strings, the way Discord sends them.
fn id(v: u64) -> Value {
    Value::String(v.to_string())
}

/// The creation time encoded in a snowflake, as RFC 3339.
pub fn snowflake_timestamp(snowflake: u64) -> String {
    let ms = (snowflake >> 22) + DISCORD_EPOCH_MS;
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .expect("a snowflake's millisecond timestamp is in time's range");
    at.format(&Rfc3339).expect("RFC 3339 formatting of a valid date cannot fail")
}

/// A snowflake for the given Unix time in milliseconds and a sequence number (low 12 bits).
pub fn snowflake_at(unix_ms: u64, sequence: u64) -> u64 {
    (unix_ms.saturating_sub(DISCORD_EPOCH_MS) << 22) | (sequence & 0xFFF)
}

/// A user object for a member of the world.
pub fn user(member: &FakeMember) -> Value {
    json!({
        "id": id(member.user_id),
        "username": member.username,
        "discriminator": "0",
        "global_name": member.username,
        "avatar": null,
        "bot": member.bot,
        "public_flags": 0,
        "banner": null,
        "accent_color": null,
        "avatar_decoration_data": null,
    })
}

/// A user object for an id the world does not know (username `user<id>`).
pub fn stranger(user_id: u64) -> Value {
    user(&FakeMember { user_id, username: format!("user{user_id}"), roles: Vec::new(), bot: false })
}

/// The user object for `user_id`: the world's member if there is one, else a stranger.
pub fn user_by_id(world: &World, user_id: u64) -> Value {
    world.member_by_id(user_id).map_or_else(|| stranger(user_id), user)
}

/// `GET /users/@me`: the bot as a current user (adds `verified`, `mfa_enabled`, `locale`).
pub fn current_user(world: &World) -> Value {
    let mut me = user(world.bot());
    let map = me.as_object_mut().expect("user() builds an object");
    map.insert("verified".into(), json!(true));
    map.insert("mfa_enabled".into(), json!(false));
    map.insert("locale".into(), json!("en-US"));
    map.insert("email".into(), Value::Null);
    map.insert("flags".into(), json!(0));
    me
}

/// A guild member without `user`, as in `MESSAGE_CREATE`'s `member`.
///
/// serenity requires `roles`; Member (not `PartialMember`) also requires `deaf`, `mute`, `flags`.
pub fn partial_member(member: &FakeMember, timeout_until: Option<&str>) -> Value {
    json!({
        "nick": null,
        "avatar": null,
        "banner": null,
        "roles": member.roles.iter().map(|r| id(*r)).collect::<Vec<_>>(),
        "joined_at": JOINED_AT,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": timeout_until,
    })
}

/// A full guild member (with `user`), as in `GUILD_CREATE` and `GET /guilds/{g}/members/{u}`.
pub fn member(member: &FakeMember, timeout_until: Option<&str>) -> Value {
    let mut value = partial_member(member, timeout_until);
    value.as_object_mut().expect("partial_member() builds an object").insert("user".into(), user(member));
    value
}

/// A role object. serenity 0.12.5 requires `colors` (with `primary_color`) besides `color`,
/// and `permissions` may be a string (Discord sends strings).
pub fn role(role: &FakeRole, world: &World) -> Value {
    let tags = if role.managed { json!({ "bot_id": id(world.bot_id) }) } else { json!({}) };
    json!({
        "id": id(role.id),
        "name": role.name,
        "description": null,
        "color": 0,
        "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": role.position,
        "permissions": role.permissions.to_string(),
        "managed": role.managed,
        "mentionable": false,
        "flags": 0,
        "tags": tags,
    })
}

/// A channel object. `with_guild_id`: REST and thread objects carry `guild_id`, the
/// `channels` of `GUILD_CREATE` do not (serenity fills it in from the guild).
pub fn channel(channel: &FakeChannel, world: &World, with_guild_id: bool) -> Value {
    let position = world.channels.iter().position(|c| c.id == channel.id).unwrap_or(0);
    let overwrites: Vec<Value> = channel
        .overwrites
        .iter()
        .map(|o| {
            let (target, kind) = match o.target {
                OverwriteTarget::Role(r) => (r, 0),
                OverwriteTarget::Member(m) => (m, 1),
            };
            json!({ "id": id(target), "type": kind, "allow": o.allow.to_string(), "deny": o.deny.to_string() })
        })
        .collect();
    let mut value = json!({
        "id": id(channel.id),
        "type": channel.kind.discord_type(),
        "name": channel.name,
        "position": position,
        "parent_id": channel.parent_id.map(id),
        "permission_overwrites": overwrites,
        "flags": 0,
    });
    let map = value.as_object_mut().expect("json! object");
    if with_guild_id || channel.kind == ChannelKind::PublicThread {
        map.insert("guild_id".into(), id(world.guild_id));
    }
    match channel.kind {
        ChannelKind::Text => {
            map.insert("topic".into(), Value::Null);
            map.insert("nsfw".into(), json!(false));
            map.insert("last_message_id".into(), Value::Null);
            map.insert("rate_limit_per_user".into(), json!(0));
        }
        ChannelKind::Category => {}
        ChannelKind::PublicThread => {
            // Threads have no overwrites or position of their own.
            map.remove("permission_overwrites");
            map.remove("position");
            let owner = world.members.iter().find(|m| !m.bot && m.roles.is_empty()).unwrap_or(world.bot());
            map.insert("owner_id".into(), id(owner.user_id));
            map.insert("last_message_id".into(), Value::Null);
            map.insert("rate_limit_per_user".into(), json!(0));
            map.insert("message_count".into(), json!(0));
            map.insert("member_count".into(), json!(1));
            map.insert("total_message_sent".into(), json!(0));
            map.insert(
                "thread_metadata".into(),
                json!({
                    "archived": false,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": JOINED_AT,
                    "locked": false,
                    "create_timestamp": JOINED_AT,
                }),
            );
        }
    }
    value
}

/// `GET /guilds/{id}`: the guild object without `GUILD_CREATE`'s extra fields.
///
/// serenity requires `features`, `emojis`, `stickers`, `preferred_locale`, `nsfw_level`,
/// `premium_tier`, `mfa_level`, `system_channel_flags` and `premium_progress_bar_enabled`.
pub fn guild(world: &World) -> Value {
    json!({
        "id": id(world.guild_id),
        "name": world.guild_name,
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": id(world.owner_id),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": world.roles.iter().map(|r| role(r, world)).collect::<Vec<_>>(),
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500_000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
    })
}

/// `GUILD_CREATE`'s `d`: the guild plus `joined_at`, `large`, `member_count`, `members`,
/// `channels`, `threads`, `voice_states`, `presences`, `stage_instances`,
/// `guild_scheduled_events` (serenity 0.12.5 requires every one of them).
pub fn guild_create(world: &World) -> Value {
    let mut value = guild(world);
    let map = value.as_object_mut().expect("guild() builds an object");
    let (threads, channels): (Vec<&FakeChannel>, Vec<&FakeChannel>) =
        world.channels.iter().partition(|c| c.kind == ChannelKind::PublicThread);
    let extra = json!({
        "joined_at": JOINED_AT,
        "large": false,
        "unavailable": false,
        "member_count": world.members.len(),
        "voice_states": [],
        "members": world.members.iter().map(|m| member(m, None)).collect::<Vec<_>>(),
        "channels": channels.iter().map(|c| channel(c, world, false)).collect::<Vec<_>>(),
        "threads": threads.iter().map(|c| channel(c, world, true)).collect::<Vec<_>>(),
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "lazy": true,
        "incidents_data": null,
    });
    if let Value::Object(extra) = extra {
        map.extend(extra);
    }
    value
}

/// READY's `d`: the bot user, the guild as unavailable, a session and the application.
pub fn ready(world: &World, session_id: &str, resume_gateway_url: &str) -> Value {
    json!({
        "v": 10,
        "user": current_user(world),
        "guilds": [{ "id": id(world.guild_id), "unavailable": true }],
        "session_id": session_id,
        "resume_gateway_url": resume_gateway_url,
        "shard": [0, 1],
        "application": { "id": id(world.application_id), "flags": 0 },
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "user_settings": {},
        "geo_ordered_rtc_regions": ["local"],
        "session_type": "normal",
        "auth": {},
        "_trace": ["[\"fake-discord\",{\"micros\":0}]"],
    })
}

/// What a message is: who wrote what, where.
#[derive(Clone, Debug)]
pub struct MessageSpec<'a> {
    /// The message's snowflake (its timestamp is derived from it).
    pub id: u64,
    /// The channel it is in.
    pub channel_id: u64,
    /// The author's user id (member of the world or not).
    pub author_id: u64,
    /// Text content.
    pub content: &'a str,
    /// When it was last edited, RFC 3339, if ever.
    pub edited_timestamp: Option<&'a str>,
}

/// A guild message as `MESSAGE_CREATE` / `MESSAGE_UPDATE` send it: `guild_id` and a partial
/// `member` (no `user`) are present, as Discord sends them in the gateway.
pub fn message(world: &World, spec: &MessageSpec<'_>) -> Value {
    let mut value = rest_message(world, spec);
    let map = value.as_object_mut().expect("rest_message() builds an object");
    map.insert("guild_id".into(), id(world.guild_id));
    if let Some(m) = world.member_by_id(spec.author_id) {
        map.insert("member".into(), partial_member(m, None));
    }
    value
}

/// A message as REST returns it (no `guild_id`, no `member`).
///
/// serenity requires `tts`, `mention_everyone`, `mentions`, `mention_roles`, `attachments`,
/// `embeds`, `pinned` and `type`.
pub fn rest_message(world: &World, spec: &MessageSpec<'_>) -> Value {
    json!({
        "id": id(spec.id),
        "channel_id": id(spec.channel_id),
        "author": user_by_id(world, spec.author_id),
        "content": spec.content,
        "timestamp": snowflake_timestamp(spec.id),
        "edited_timestamp": spec.edited_timestamp,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    })
}

/// A message the bot posted through REST, echoing the request body's `content`, `embeds`,
/// `components`, `flags`, `tts` and `message_reference`.
pub fn bot_message(world: &World, id_: u64, channel_id: u64, body: &Value) -> Value {
    let content = body.get("content").and_then(Value::as_str).unwrap_or("");
    let spec = MessageSpec { id: id_, channel_id, author_id: world.bot_id, content, edited_timestamp: None };
    let mut value = rest_message(world, &spec);
    apply_edit(&mut value, body);
    if let Some(reference) = body.get("message_reference").filter(|r| r.is_object()) {
        let mut reference = reference.clone();
        if let Some(map) = reference.as_object_mut() {
            map.entry("channel_id").or_insert_with(|| id(channel_id));
            map.insert("type".into(), json!(0));
        }
        let map = value.as_object_mut().expect("rest_message() builds an object");
        map.insert("message_reference".into(), reference);
        map.insert("type".into(), json!(19)); // a reply
    }
    value
}

/// Copy the editable fields of a create/edit body onto a message object.
pub fn apply_edit(message: &mut Value, body: &Value) {
    let Some(map) = message.as_object_mut() else { return };
    for key in ["content", "embeds", "components", "flags", "tts", "attachments"] {
        if let Some(v) = body.get(key).filter(|v| !v.is_null()) {
            map.insert(key.to_string(), v.clone());
        }
    }
}

/// `GET /oauth2/applications/@me`: the application, owned by the world's owner.
pub fn application(world: &World) -> Value {
    let owner = world.member_by_id(world.owner_id).map_or_else(|| stranger(world.owner_id), user);
    json!({
        "id": id(world.application_id),
        "name": world.bot().username,
        "icon": null,
        "description": "",
        "summary": "",
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "0".repeat(64),
        "owner": owner,
        "team": null,
        "flags": 0,
        "bot": user(world.bot()),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
    })
}

/// An application command as Discord returns it: the request body plus `id`,
/// `application_id`, `guild_id`, `version`, `type` (default 1) and `default_member_permissions`.
pub fn command(world: &World, command_id: u64, guild_id: Option<u64>, body: &Value) -> Value {
    let mut map: Map<String, Value> = body.as_object().cloned().unwrap_or_default();
    map.insert("id".into(), id(command_id));
    map.insert("application_id".into(), id(world.application_id));
    map.insert("version".into(), id(command_id));
    map.entry("type").or_insert(json!(1));
    map.entry("description").or_insert(json!(""));
    map.entry("default_member_permissions").or_insert(Value::Null);
    map.entry("nsfw").or_insert(json!(false));
    match guild_id {
        Some(g) => map.insert("guild_id".into(), id(g)),
        None => map.remove("guild_id"),
    };
    Value::Object(map)
}

/// A Discord JSON error body.
pub fn error(message: &str, code: u32) -> Value {
    json!({ "message": message, "code": code })
}

/// What a click on a message component says.
pub struct ClickSpec<'a> {
    /// The interaction's snowflake.
    pub id: u64,
    /// The interaction token (used in callback and webhook paths).
    pub token: &'a str,
    /// The channel of the clicked message.
    pub channel_id: u64,
    /// The clicked message, as the fake stored it.
    pub message: Value,
    /// Who clicked.
    pub user_id: u64,
    /// The component's `custom_id`.
    pub custom_id: &'a str,
    /// For a string select menu: the picked values (`None` for a button).
    pub values: Option<Vec<String>>,
}

/// The permissions a member has from their roles (and @everyone), as Discord's string.
pub fn member_permissions(world: &World, member: &FakeMember) -> String {
    let bits = world
        .roles
        .iter()
        .filter(|r| r.id == world.guild_id || member.roles.contains(&r.id))
        .fold(0u64, |acc, r| acc | r.permissions);
    let bits = if bits & super::world::perm::ADMINISTRATOR != 0 || member.user_id == world.owner_id {
        u64::MAX >> 13
    } else {
        bits
    };
    bits.to_string()
}

/// `INTERACTION_CREATE` for a button click or a select-menu pick (type 3, `MESSAGE_COMPONENT`).
///
/// serenity 0.12.5 requires `attachment_size_limit`, `locale`, `entitlements` and `message`.
pub fn component_interaction(world: &World, spec: &ClickSpec<'_>) -> Value {
    if let Some(recipient) = dm_recipient(world, spec.channel_id) {
        // A click in a DM: no guild, no member; the user is given directly.
        let data = json!({ "custom_id": spec.custom_id, "component_type": 2 });
        return json!({
            "id": id(spec.id),
            "application_id": id(world.application_id),
            "type": 3,
            "data": data,
            "channel_id": id(spec.channel_id),
            "channel": { "id": id(spec.channel_id), "type": 1 },
            "user": user(recipient),
            "token": spec.token,
            "version": 1,
            "message": spec.message,
            "app_permissions": "1099511627775",
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": { "1": id(recipient.user_id) },
            "context": 1,
            "attachment_size_limit": 26_214_400,
        });
    }
    let clicker = world.member_by_id(spec.user_id);
    let mut member = clicker.map_or(Value::Null, |m| self::member(m, None));
    if let (Some(m), Some(obj)) = (clicker, member.as_object_mut()) {
        obj.insert("permissions".into(), json!(member_permissions(world, m)));
    }
    let data = match &spec.values {
        Some(values) => json!({ "custom_id": spec.custom_id, "component_type": 3, "values": values }),
        None => json!({ "custom_id": spec.custom_id, "component_type": 2 }),
    };
    json!({
        "id": id(spec.id),
        "application_id": id(world.application_id),
        "type": 3,
        "data": data,
        "guild_id": id(world.guild_id),
        "channel_id": id(spec.channel_id),
        "channel": { "id": id(spec.channel_id), "type": 0 },
        "member": member,
        "token": spec.token,
        "version": 1,
        "message": spec.message,
        "app_permissions": "1099511627775",
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": { "0": id(world.guild_id) },
        "context": 0,
        "attachment_size_limit": 26_214_400,
    })
}

/// What a slash command invocation says.
pub struct SlashSpec<'a> {
    /// The interaction's snowflake.
    pub id: u64,
    /// The interaction token.
    pub token: &'a str,
    /// Where it was run.
    pub channel_id: u64,
    /// Who ran it.
    pub user_id: u64,
    /// The top-level command (`keel`).
    pub command: &'a str,
    /// The subcommand (`status`), or a group and its subcommand (`setup watch`), if any.
    pub subcommand: Option<&'a str>,
    /// Options: (name, Discord option type, value); users (type 6) are resolved from the world.
    pub options: Vec<(&'a str, u8, Value)>,
}

/// `INTERACTION_CREATE` for a slash command (type 2, `APPLICATION_COMMAND`), with `resolved`
/// users and members for user options, as Discord sends them.
pub fn command_interaction(world: &World, spec: &SlashSpec<'_>) -> Value {
    let invoker = world.member_by_id(spec.user_id);
    let mut member = invoker.map_or(Value::Null, |m| self::member(m, None));
    if let (Some(m), Some(obj)) = (invoker, member.as_object_mut()) {
        obj.insert("permissions".into(), json!(member_permissions(world, m)));
    }
    let mut users = serde_json::Map::new();
    let mut members = serde_json::Map::new();
    let mut channels = serde_json::Map::new();
    let mut roles = serde_json::Map::new();
    let options: Vec<Value> = spec
        .options
        .iter()
        .map(|(name, kind, value)| {
            if *kind == 6 {
                if let Some(m) = value.as_str().and_then(|v| v.parse::<u64>().ok()).and_then(|u| world.member_by_id(u))
                {
                    users.insert(m.user_id.to_string(), user(m));
                    let mut pm = partial_member(m, None);
                    pm.as_object_mut()
                        .expect("object")
                        .insert("permissions".into(), json!(member_permissions(world, m)));
                    members.insert(m.user_id.to_string(), pm);
                }
            }
            let target = value.as_str().and_then(|v| v.parse::<u64>().ok());
            if let (7, Some(c)) = (*kind, target.and_then(|c| world.channel_by_id(c))) {
                let full = channel(c, world, true);
                let partial = json!({ "id": full["id"], "name": full["name"], "type": full["type"], "permissions": "1099511627775" });
                channels.insert(c.id.to_string(), partial);
            }
            if let (8, Some(r)) = (*kind, target.and_then(|r| world.roles.iter().find(|x| x.id == r))) {
                roles.insert(r.id.to_string(), role(r, world));
            }
            json!({ "name": name, "type": kind, "value": value })
        })
        .collect();
    // "setup watch" is the subcommand `watch` of the group `setup`.
    let options = match spec.subcommand.map(|s| s.split_once(' ')) {
        Some(Some((group, sub))) => {
            json!([{ "name": group, "type": 2, "options": [{ "name": sub, "type": 1, "options": options }] }])
        }
        Some(None) => json!([{ "name": spec.subcommand, "type": 1, "options": options }]),
        None => json!(options),
    };
    json!({
        "id": id(spec.id),
        "application_id": id(world.application_id),
        "type": 2,
        "data": {
            "id": id(world.application_id + 1),
            "name": spec.command,
            "type": 1,
            "options": options,
            "resolved": { "users": users, "members": members, "channels": channels, "roles": roles },
            "guild_id": id(world.guild_id),
        },
        "guild_id": id(world.guild_id),
        "channel_id": id(spec.channel_id),
        "channel": { "id": id(spec.channel_id), "type": 0 },
        "member": member,
        "token": spec.token,
        "version": 1,
        "app_permissions": "1099511627775",
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": { "0": id(world.guild_id) },
        "context": 0,
        "attachment_size_limit": 26_214_400,
    })
}

/// The id of the DM channel between the bot and a user (deterministic, never a guild channel's).
pub fn dm_channel_id(user_id: u64) -> u64 {
    user_id + 5_000
}

/// The user a DM channel id belongs to, if it is one.
pub fn dm_recipient(world: &World, channel_id: u64) -> Option<&FakeMember> {
    channel_id.checked_sub(5_000).and_then(|u| world.member_by_id(u))
}

/// `POST /users/@me/channels`: the DM channel with a member (type 1, DM).
pub fn dm_channel(member: &FakeMember) -> Value {
    json!({
        "id": id(dm_channel_id(member.user_id)),
        "type": 1,
        "last_message_id": null,
        "recipients": [user(member)],
        "flags": 0,
    })
}
