//! REST: record every request, answer from an override or from the world.
//!
//! Routing is a `match` on the method and the path's segments, so the whole API surface the
//! fake supports reads top to bottom in [`answer`]. Unknown routes get Discord's shape of
//! error (`404 {"message": "Unknown", "code": 0}`), are recorded like everything else, and
//! fail the test when the fake stops: the bot called something no test planned for.
//!
//! Overrides come first ([`pick`]): a shut rate-limit bucket answers 429 for the time left;
//! then the latest matching override with answers left. Discord's `enforce_nonce` is kept:
//! a create-message with a nonce seen within [`NONCE_WINDOW`] returns the earlier message.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use super::{now_rfc3339, payloads, Recorded, Scripted, Shared, Shut};

/// How long Discord remembers a message's nonce for `enforce_nonce` ("the past few minutes").
const NONCE_WINDOW: Duration = Duration::from_secs(5 * 60);

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
    let at = Instant::now();
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
    let scripted = if overridable { pick(&mut shared.lock(), method.as_str(), &path, at) } else { None };
    let (status, answer, extra, dropped) = match scripted {
        Some(Scripted::Fixed { status, body, headers }) => (status, body, headers, false),
        Some(Scripted::Drop) => {
            let (status, answer) = answer(&shared, method.as_str(), &path, &body);
            (status, answer, Vec::new(), true)
        }
        Some(Scripted::RateLimit { .. }) => unreachable!("pick() turns rate limits into fixed answers"),
        None => {
            let (status, answer) = answer(&shared, method.as_str(), &path, &body);
            (status, answer, Vec::new(), false)
        }
    };

    let recorded = Recorded { method: method.to_string(), path, query, body, headers, status, at, dropped };
    shared.update(|s| s.requests.push(recorded));

    if dropped {
        // The work is done; the answer is lost on the way: the body fails mid-stream,
        // so the connection is cut and the client sees an error instead of an answer.
        let cut = futures_util::stream::once(async { Err::<Bytes, _>(std::io::Error::other("answer dropped")) });
        return Response::builder().status(StatusCode::OK).body(Body::from_stream(cut)).expect("a valid response");
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = Response::builder().status(status);
    for (name, value) in &extra {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let response = if status == StatusCode::NO_CONTENT {
        builder.body(Body::empty())
    } else {
        builder.header("content-type", "application/json").body(Body::from(answer.to_string()))
    };
    response.expect("a response from a valid status and header")
}

/// The scripted answer for a request arriving `now`, if any: a 429 while its bucket is shut
/// (every bucket, for a global limit), else the latest matching override with answers left
/// (counting one down; a rate limit shuts its bucket). Rate limits come out as their 429.
fn pick(state: &mut super::State, method: &str, path: &str, now: Instant) -> Option<Scripted> {
    state.shut.retain(|b| b.until > now);
    let applies = |m: &str, prefix: &str| m == method && path.starts_with(prefix);
    let shut = state.shut.iter().filter(|b| b.global || applies(&b.method, &b.path_prefix)).max_by_key(|b| b.until);
    if let Some(b) = shut {
        return Some(too_many(&b.method, &b.path_prefix, (b.until - now).as_secs_f64(), b.global));
    }
    let o = state.overrides.iter_mut().rev().find(|o| o.times != Some(0) && applies(&o.method, &o.path_prefix))?;
    if let Some(left) = &mut o.times {
        *left -= 1;
    }
    let (bucket_method, prefix, answer) = (o.method.clone(), o.path_prefix.clone(), o.answer.clone());
    match answer {
        Scripted::RateLimit { retry_after, global } => {
            let until = now + Duration::from_secs_f64(retry_after);
            state.shut.push(Shut { method: bucket_method.clone(), path_prefix: prefix.clone(), global, until });
            Some(too_many(&bucket_method, &prefix, retry_after, global))
        }
        other => Some(other),
    }
}

/// Discord's 429: its body (no `code`) and rate-limit headers, for a bucket named by
/// method and path prefix.
fn too_many(method: &str, prefix: &str, retry_after: f64, global: bool) -> Scripted {
    let body = json!({ "message": "You are being rate limited.", "retry_after": retry_after, "global": global });
    let mut headers = vec![
        ("retry-after".to_string(), format!("{}", retry_after.ceil() as u64)),
        ("x-ratelimit-reset-after".to_string(), format!("{retry_after:.3}")),
        ("x-ratelimit-scope".to_string(), if global { "global" } else { "user" }.to_string()),
    ];
    if global {
        headers.push(("x-ratelimit-global".to_string(), "true".to_string()));
    } else {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (method, prefix).hash(&mut hasher);
        headers.push(("x-ratelimit-bucket".to_string(), format!("{:016x}", hasher.finish())));
        headers.push(("x-ratelimit-limit".to_string(), "5".to_string()));
        headers.push(("x-ratelimit-remaining".to_string(), "0".to_string()));
    }
    Scripted::Fixed { status: 429, body, headers }
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
            let nonce = enforced_nonce(body);
            if let Some(earlier) = nonce.as_deref().and_then(|n| earlier_by_nonce(shared, n)) {
                return (200, earlier);
            }
            let channel_id = snowflake(c).unwrap_or_default();
            let id = shared.next_snowflake();
            let mut message = payloads::bot_message(world, id, channel_id, body);
            if let (Some(map), Some(n)) = (message.as_object_mut(), body.get("nonce")) {
                map.insert("nonce".into(), n.clone());
            }
            store(shared, &message);
            if let Some(n) = nonce {
                shared.lock().nonces.insert(n, (Instant::now(), id));
            }
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

        _ => {
            shared.lock().unexpected.push(format!("{method} {path}"));
            not_found("Unknown", 0)
        }
    }
}

/// The nonce of a create-message body that asks for `enforce_nonce`, as text.
fn enforced_nonce(body: &Value) -> Option<String> {
    if body.get("enforce_nonce") != Some(&Value::Bool(true)) {
        return None;
    }
    match body.get("nonce")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The message the bot created with this nonce within [`NONCE_WINDOW`], if it still exists.
fn earlier_by_nonce(shared: &Shared, nonce: &str) -> Option<Value> {
    let state = shared.lock();
    let (when, id) = state.nonces.get(nonce)?;
    (when.elapsed() < NONCE_WINDOW).then(|| state.messages.get(id).cloned()).flatten()
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

/// The channel an interaction token belongs to (from the dispatched `INTERACTION_CREATE`),
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
