//! REST: record every request, answer from an override or from the world.
//!
//! Routing is a `match` on the method and the path's segments, so the whole API surface the
//! fake supports reads top to bottom in [`answer`]. Unknown routes get Discord's shape of
//! error (`404 {"message": "Unknown", "code": 0}`) and are recorded like everything else,
//! so a test can see what the bot tried.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use super::{now_rfc3339, payloads, Recorded, Shared};

/// Discord's JSON error codes the fake uses.
const UNKNOWN_CHANNEL: u32 = 10003;
const UNKNOWN_GUILD: u32 = 10004;
const UNKNOWN_MEMBER: u32 = 10007;
const UNKNOWN_MESSAGE: u32 = 10008;

/// The fallback handler: every request that is not the gateway upgrade.
pub(super) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().strip_prefix("/api/v10").unwrap_or(uri.path()).to_string();
    let query = uri.query().unwrap_or("").trim_start_matches('&').to_string();
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    };
    let headers: BTreeMap<String, String> = headers
        .iter()
        .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();

    // Never override the gateway URL: when `GET /gateway` fails, serenity 0.12.5 falls back
    // to wss://gateway.discord.gg, and tests must not talk to anything but 127.0.0.1.
    let overridable = !path.starts_with("/gateway");
    let overridden = {
        let state = shared.lock();
        state
            .overrides
            .iter()
            .rev()
            .find(|o| overridable && o.method == method.as_str() && path.starts_with(&o.path_prefix))
            .map(|o| (o.status, o.body.clone()))
    };
    let (status, answer) = match overridden {
        Some(found) => found,
        None => answer(&shared, method.as_str(), &path, &body),
    };

    let recorded =
        Recorded { method: method.to_string(), path, query, body, headers, status, at: std::time::Instant::now() };
    shared.update(|s| s.requests.push(recorded));

    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let builder = Response::builder().status(status);
    let response = if status == StatusCode::NO_CONTENT {
        builder.body(Body::empty())
    } else {
        builder.header("content-type", "application/json").body(Body::from(answer.to_string()))
    };
    response.expect("a response from a valid status and header")
}

/// Parse a snowflake path segment.
fn snowflake(segment: &str) -> Option<u64> {
    segment.parse().ok()
}

/// The default answer for a route: `(status, body)`.
fn answer(shared: &Shared, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let world = &shared.world;
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let not_found = |message: &str, code: u32| (404, payloads::error(message, code));
    let guild_ok = |g: &str| snowflake(g) == Some(world.guild_id);

    match (method, segments.as_slice()) {
        ("GET", ["gateway"]) => (200, json!({ "url": shared.gateway_url() })),
        ("GET", ["gateway", "bot"]) => (
            200,
            json!({
                "url": shared.gateway_url(),
                "shards": 1,
                "session_start_limit": { "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1 },
            }),
        ),
        ("GET", ["users", "@me"]) => (200, payloads::current_user(world)),
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = body.get("recipient_id").and_then(Value::as_str).and_then(snowflake);
            match recipient.and_then(|u| world.member_by_id(u)) {
                Some(m) => (200, payloads::dm_channel(m)),
                None => not_found("Unknown User", 10013),
            }
        }
        ("GET", ["users", u]) => match snowflake(u) {
            Some(u) => (200, payloads::user_by_id(world, u)),
            None => not_found("Unknown User", 10013),
        },
        ("GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]) => (200, payloads::application(world)),

        ("GET", ["guilds", g]) if guild_ok(g) => (200, payloads::guild(world)),
        ("GET", ["guilds", g, "roles"]) if guild_ok(g) => {
            (200, Value::Array(world.roles.iter().map(|r| payloads::role(r, world)).collect()))
        }
        ("GET", ["guilds", g, "channels"]) if guild_ok(g) => {
            let channels = world
                .channels
                .iter()
                .filter(|c| c.kind != super::ChannelKind::PublicThread)
                .map(|c| payloads::channel(c, world, true));
            (200, Value::Array(channels.collect()))
        }
        ("GET", ["guilds", g, "members"]) if guild_ok(g) => {
            let state = shared.lock();
            let members =
                world.members.iter().map(|m| payloads::member(m, state.timeouts.get(&m.user_id).map(String::as_str)));
            (200, Value::Array(members.collect()))
        }
        ("GET" | "PATCH", ["guilds", g, "members", u]) if guild_ok(g) => {
            let Some(member) = snowflake(u).and_then(|u| world.member_by_id(u)) else {
                return not_found("Unknown Member", UNKNOWN_MEMBER);
            };
            let mut state = shared.lock();
            if method == "PATCH" {
                match body.get("communication_disabled_until") {
                    Some(Value::String(until)) => {
                        state.timeouts.insert(member.user_id, until.clone());
                    }
                    Some(Value::Null) => {
                        state.timeouts.remove(&member.user_id);
                    }
                    _ => {}
                }
            }
            let mut value = payloads::member(member, state.timeouts.get(&member.user_id).map(String::as_str));
            if let (Some(map), Some(nick)) = (value.as_object_mut(), body.get("nick")) {
                map.insert("nick".into(), nick.clone());
            }
            (200, value)
        }
        (_, ["guilds", _, ..]) => not_found("Unknown Guild", UNKNOWN_GUILD),

        ("GET", ["channels", c]) => match snowflake(c).and_then(|c| world.channel_by_id(c)) {
            Some(channel) => (200, payloads::channel(channel, world, true)),
            None => not_found("Unknown Channel", UNKNOWN_CHANNEL),
        },
        (_, ["channels", c, ..])
            if snowflake(c).and_then(|c| world.channel_by_id(c)).is_none()
                && snowflake(c).and_then(|c| payloads::dm_recipient(world, c)).is_none() =>
        {
            not_found("Unknown Channel", UNKNOWN_CHANNEL)
        }
        ("POST", ["channels", c, "messages"]) => {
            let channel_id = snowflake(c).unwrap_or_default();
            let message = payloads::bot_message(world, shared.next_snowflake(), channel_id, body);
            store(shared, &message);
            (200, message)
        }
        ("POST", ["channels", _, "messages", "bulk-delete"]) => {
            let ids = body.get("messages").and_then(Value::as_array).cloned().unwrap_or_default();
            let mut state = shared.lock();
            for id in ids.iter().filter_map(Value::as_str).filter_map(snowflake) {
                state.messages.remove(&id);
            }
            (204, Value::Null)
        }
        ("GET", ["channels", _, "messages", m]) => {
            match snowflake(m).and_then(|m| shared.lock().messages.get(&m).cloned()) {
                Some(message) => (200, message),
                None => not_found("Unknown Message", UNKNOWN_MESSAGE),
            }
        }
        ("PATCH", ["channels", _, "messages", m]) => edit_message(shared, snowflake(m), body),
        ("DELETE", ["channels", _, "messages", m]) => {
            if let Some(m) = snowflake(m) {
                shared.lock().messages.remove(&m);
            }
            (204, Value::Null)
        }

        (_, ["applications", a, ..]) if snowflake(a) != Some(world.application_id) => {
            not_found("Unknown Application", 10002)
        }
        (_, ["applications", _, "commands"]) => commands(shared, method, None, body),
        (_, ["applications", _, "guilds", g, "commands"]) if guild_ok(g) => {
            commands(shared, method, Some(world.guild_id), body)
        }

        ("POST", ["interactions", _, _, "callback"]) => (204, Value::Null),
        ("POST", ["webhooks", a, token]) if snowflake(a) == Some(world.application_id) => {
            let channel_id = interaction_channel(shared, token);
            let mut message = payloads::bot_message(world, shared.next_snowflake(), channel_id, body);
            if let Some(map) = message.as_object_mut() {
                map.insert("webhook_id".into(), json!(world.application_id.to_string()));
                map.insert("application_id".into(), json!(world.application_id.to_string()));
            }
            store(shared, &message);
            (200, message)
        }
        ("GET" | "PATCH", ["webhooks", a, token, "messages", m]) if snowflake(a) == Some(world.application_id) => {
            let id = if *m == "@original" { None } else { snowflake(m) };
            let existing = id.and_then(|id| shared.lock().messages.get(&id).cloned());
            let mut message = existing.unwrap_or_else(|| {
                let channel_id = interaction_channel(shared, token);
                payloads::bot_message(world, id.unwrap_or_else(|| shared.next_snowflake()), channel_id, &Value::Null)
            });
            if method == "PATCH" {
                payloads::apply_edit(&mut message, body);
                if let Some(map) = message.as_object_mut() {
                    map.insert("edited_timestamp".into(), json!(now_rfc3339()));
                }
            }
            if let Some(map) = message.as_object_mut() {
                map.insert("webhook_id".into(), json!(world.application_id.to_string()));
            }
            store(shared, &message);
            (200, message)
        }
        ("DELETE", ["webhooks", _, _, "messages", _]) => (204, Value::Null),

        _ => not_found("Unknown", 0),
    }
}

/// Keep a message the bot sent, so later GETs and edits see it.
fn store(shared: &Shared, message: &Value) {
    let id = message.get("id").and_then(Value::as_str).and_then(snowflake);
    if let Some(id) = id {
        shared.lock().messages.insert(id, message.clone());
    }
}

/// `PATCH /channels/{c}/messages/{m}`: apply the edit to the stored message.
fn edit_message(shared: &Shared, id: Option<u64>, body: &Value) -> (u16, Value) {
    let Some(mut message) = id.and_then(|id| shared.lock().messages.get(&id).cloned()) else {
        return (404, payloads::error("Unknown Message", UNKNOWN_MESSAGE));
    };
    payloads::apply_edit(&mut message, body);
    if let Some(map) = message.as_object_mut() {
        map.insert("edited_timestamp".into(), json!(now_rfc3339()));
    }
    store(shared, &message);
    (200, message)
}

/// The channel an interaction token belongs to (from the dispatched INTERACTION_CREATE),
/// else the world's first channel.
fn interaction_channel(shared: &Shared, token: &str) -> u64 {
    let known = shared.lock().interaction_channels.get(token).copied();
    known.unwrap_or_else(|| shared.world.channels.first().map_or(0, |c| c.id))
}

/// Global (`guild` None) or guild commands: GET lists, POST adds one, PUT replaces all.
fn commands(shared: &Shared, method: &str, guild: Option<u64>, body: &Value) -> (u16, Value) {
    let world = &shared.world;
    match method {
        "GET" => (200, Value::Array(shared.lock().commands.get(&guild).cloned().unwrap_or_default())),
        "POST" => {
            let command = payloads::command(world, shared.next_snowflake(), guild, body);
            shared.lock().commands.entry(guild).or_default().push(command.clone());
            (201, command)
        }
        "PUT" => {
            let list = body.as_array().cloned().unwrap_or_default();
            let commands: Vec<Value> =
                list.iter().map(|c| payloads::command(world, shared.next_snowflake(), guild, c)).collect();
            shared.lock().commands.insert(guild, commands.clone());
            (200, Value::Array(commands))
        }
        _ => (405, payloads::error("405: Method Not Allowed", 0)),
    }
}
