//! A fake Discord for end-to-end tests: REST and gateway on 127.0.0.1, speaking the real
//! protocol closely enough for serenity 0.12.5, recording every REST call.
//!
//! Why a fake server rather than a trait double: keel's shell is serenity, and the bugs
//! worth catching there are about the wire (a payload serenity refuses, a missing field, the
//! wrong route, an audit-log reason that never reaches Discord). So the test starts a real
//! serenity `Client` against this server and asserts on what arrived.
//!
//! Shape:
//! - [`world`]: the guild the fake serves (plain data, [`World::support_server`] ready-made);
//! - [`payloads`]: pure JSON builders for what Discord sends (also used for fixtures);
//! - `rest`: the axum handler that records and answers REST calls;
//! - `gateway`: one task per websocket session (HELLO, IDENTIFY → READY + `GUILD_CREATE`,
//!   heartbeats, RESUME, dispatches);
//! - this file: [`FakeDiscord`], the handle a test holds, and the shared state.
//!
//! Locks are `std::sync::Mutex`, held only for short, synchronous scopes (never across
//! `.await`). Every wait takes a timeout and reports what it saw when it gives up.
//!
//! ```ignore
//! let fake = FakeDiscord::start(World::support_server()).await;
//! let http = HttpBuilder::new("fake-token").proxy(fake.api_base()).ratelimiter_disabled(true).build();
//! // ... start a serenity client with `http` ...
//! fake.wait_identified(Duration::from_secs(5)).await?;
//! let support = fake.world().channel("support").id;
//! fake.message_create(support, fake.world().member("alice").user_id, "hello").await;
//! let reply = fake.wait_for(|r| r.is("POST", &format!("/channels/{support}/messages")), Duration::from_secs(5)).await?;
//! fake.stop().await;
//! ```

mod gateway;
pub mod payloads;
mod rest;
pub mod world;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

// Not every test file uses every re-export.
#[allow(unused_imports)]
pub use world::{ChannelKind, FakeChannel, FakeMember, FakeOverwrite, FakeRole, OverwriteTarget, World};

/// How the fake behaves where Discord leaves a choice.
#[derive(Clone, Debug)]
pub struct Options {
    /// The `heartbeat_interval` sent in HELLO. Discord sends about 41 seconds; tests that
    /// want to see heartbeats use a few hundred milliseconds.
    pub heartbeat_interval: Duration,
    /// When set, an IDENTIFY with any other token is refused with close code 4004
    /// ("Authentication failed"), as Discord does.
    pub valid_token: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options { heartbeat_interval: Duration::from_secs(45), valid_token: None }
    }
}

/// One REST request the fake received, with the status it answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    pub method: String,
    /// The path without the `/api/v10` prefix, e.g. `/channels/123/messages`.
    pub path: String,
    /// The query string without `?` (and without the leading `&` serenity puts there).
    pub query: String,
    /// The JSON body; `Null` when empty, a `String` holding the raw text when not JSON
    /// (multipart uploads).
    pub body: Value,
    /// Request headers, names lowercased (`authorization`, `x-audit-log-reason`, ...).
    pub headers: BTreeMap<String, String>,
    /// The status the fake answered with (for a dropped answer: the one it would have sent).
    pub status: u16,
    /// When the fake received the request (for latency measurements and "not before
    /// `retry_after`" checks).
    pub at: std::time::Instant,
    /// The request was carried out but its answer was dropped (see [`FakeDiscord::drop_answers`]).
    pub dropped: bool,
}

impl Recorded {
    /// Whether this is `method` on exactly `path` (path without `/api/v10`).
    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.path == path
    }

    /// Whether this request changes something (POST, PATCH, PUT or DELETE).
    pub fn is_write(&self) -> bool {
        matches!(self.method.as_str(), "POST" | "PATCH" | "PUT" | "DELETE")
    }

    /// The `X-Audit-Log-Reason` header, percent-decoded (serenity percent-encodes it).
    pub fn audit_log_reason(&self) -> Option<String> {
        self.headers.get("x-audit-log-reason").map(|v| percent_decode(v))
    }

    /// A string field of the JSON body, e.g. `content` or `communication_disabled_until`.
    pub fn body_str(&self, key: &str) -> Option<&str> {
        self.body.get(key).and_then(Value::as_str)
    }
}

/// What serenity sent in IDENTIFY.
#[derive(Clone, Debug, PartialEq)]
pub struct Identify {
    /// The token as sent (serenity sends it with the `Bot ` prefix).
    pub token: String,
    /// The gateway intents bits.
    pub intents: u64,
    /// `[shard_id, shard_count]`, when sent.
    pub shard: Option<[u64; 2]>,
    /// The whole `d` object.
    pub raw: Value,
}

/// A running fake Discord. Start it with [`FakeDiscord::start`], point the bot at
/// [`FakeDiscord::api_base`], and [`FakeDiscord::stop`] it at the end of the test.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    /// The server task; taken by [`FakeDiscord::stop`].
    server: Option<JoinHandle<()>>,
}

impl FakeDiscord {
    /// Start REST and gateway on `127.0.0.1` with an OS-assigned port.
    ///
    /// # Panics
    /// If no local port can be bound.
    pub async fn start(world: World) -> FakeDiscord {
        Self::start_with(world, Options::default()).await
    }

    /// [`FakeDiscord::start`] with non-default [`Options`].
    ///
    /// # Panics
    /// If no local port can be bound.
    pub async fn start_with(world: World, options: Options) -> FakeDiscord {
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0 for the fake Discord");
        let port = listener.local_addr().expect("a bound listener has an address").port();
        let (shutdown, _) = watch::channel(false);
        let (changed, _) = watch::channel(0_u64);
        let shared = Arc::new(Shared { world, options, port, shutdown, changed, state: Mutex::new(State::default()) });
        let router = axum::Router::new()
            .route("/", axum::routing::get(gateway::upgrade))
            .fallback(rest::handle)
            .with_state(Arc::clone(&shared));
        let mut stop = shared.shutdown.subscribe();
        let server = tokio::spawn(async move {
            let graceful = async move { stopped(&mut stop).await };
            if let Err(err) = axum::serve(listener, router).with_graceful_shutdown(graceful).await {
                eprintln!("fake Discord server stopped with an error: {err}");
            }
        });
        FakeDiscord { shared, server: Some(server) }
    }

    /// `http://127.0.0.1:PORT`: what `HttpBuilder::proxy` (or keel's `api_base`) gets.
    pub fn api_base(&self) -> String {
        format!("http://127.0.0.1:{}", self.shared.port)
    }

    /// `ws://127.0.0.1:PORT`: the gateway URL the fake hands out from `GET /gateway`.
    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url()
    }

    /// The world this fake serves.
    pub fn world(&self) -> &World {
        &self.shared.world
    }

    /// Wait until a client has sent IDENTIFY and been sent READY and `GUILD_CREATE`.
    ///
    /// # Errors
    /// On timeout, with the gateway frames received so far.
    pub async fn wait_identified(&self, timeout: Duration) -> Result<(), String> {
        self.shared.wait_until(timeout, |s| (s.ready_sent > 0).then_some(())).await.map_err(|()| {
            format!("no IDENTIFY completed within {timeout:?}; gateway frames: {:?}", self.gateway_frames())
        })
    }

    /// Dispatch `MESSAGE_CREATE` for a new message and return its id (a fresh snowflake whose
    /// timestamp is now). The author may be any id; members of the world come with their
    /// partial `member`.
    ///
    /// # Panics
    /// If no gateway session is live (see [`FakeDiscord::dispatch`]).
    pub async fn message_create(&self, channel_id: u64, author_id: u64, content: &str) -> u64 {
        let id = self.shared.next_snowflake();
        let spec = payloads::MessageSpec { id, channel_id, author_id, content, edited_timestamp: None };
        let message = payloads::message(&self.shared.world, &spec);
        self.shared.lock().messages.insert(id, payloads::rest_message(&self.shared.world, &spec));
        self.dispatch("MESSAGE_CREATE", message).await;
        id
    }

    /// Dispatch `MESSAGE_UPDATE`: the full message with new content and `edited_timestamp` now.
    ///
    /// # Panics
    /// If no gateway session is live (see [`FakeDiscord::dispatch`]).
    pub async fn message_update(&self, channel_id: u64, message_id: u64, author_id: u64, content: &str) {
        let edited = now_rfc3339();
        let spec =
            payloads::MessageSpec { id: message_id, channel_id, author_id, content, edited_timestamp: Some(&edited) };
        let message = payloads::message(&self.shared.world, &spec);
        self.shared.lock().messages.insert(message_id, payloads::rest_message(&self.shared.world, &spec));
        self.dispatch("MESSAGE_UPDATE", message).await;
    }

    /// Send any dispatch (`op` 0, next `s`, `t` = `event_name`, `d` = `data`) to every live
    /// session. For `INTERACTION_CREATE` the interaction's token is remembered so webhook
    /// follow-ups land in the right channel.
    ///
    /// # Panics
    /// If no session has identified (or resumed): the event would be lost silently, so call
    /// [`FakeDiscord::wait_identified`] first.
    #[allow(clippy::unused_async)] // async like Discord's delivery, so tests read the same
    pub async fn dispatch(&self, event_name: &str, data: Value) {
        if event_name == "INTERACTION_CREATE" {
            let token = data.get("token").and_then(Value::as_str);
            let channel = data
                .get("channel_id")
                .or_else(|| data.get("channel").and_then(|c| c.get("id")))
                .and_then(Value::as_str)
                .and_then(|c| c.parse::<u64>().ok());
            if let (Some(token), Some(channel)) = (token, channel) {
                self.bind_interaction_token(token, channel);
            }
        }
        let sessions: Vec<mpsc::UnboundedSender<Outbound>> = self.shared.lock().sessions.values().cloned().collect();
        assert!(!sessions.is_empty(), "fake Discord: dispatch({event_name}) with no live gateway session");
        for session in sessions {
            // A session that closed in the meantime simply misses the event, as on Discord.
            let _ = session.send(Outbound::Dispatch(event_name.to_string(), data.clone()));
        }
    }

    /// A member clicks a component on a message the fake knows (`values` for a select
    /// menu); returns the interaction's id and token, whose callback path is
    /// `/interactions/{id}/{token}/callback`.
    ///
    /// # Panics
    /// If the message is unknown or no gateway session is live.
    pub async fn click(
        &self,
        message_id: u64,
        user_id: u64,
        custom_id: &str,
        values: Option<Vec<String>>,
    ) -> (u64, String) {
        let message = self.message(message_id).unwrap_or_else(|| panic!("fake Discord: no message {message_id}"));
        let channel_id = message["channel_id"].as_str().and_then(|c| c.parse().ok()).expect("message has a channel");
        let id = self.shared.next_snowflake();
        let token = format!("fake-interaction-token-{id}");
        let spec = payloads::ClickSpec { id, token: &token, channel_id, message, user_id, custom_id, values };
        let payload = payloads::component_interaction(&self.shared.world, &spec);
        self.dispatch("INTERACTION_CREATE", payload).await;
        (id, token)
    }

    /// A member runs `/command [subcommand] options...` in a channel; returns the
    /// interaction's id and token (callback path `/interactions/{id}/{token}/callback`).
    ///
    /// # Panics
    /// If no gateway session is live.
    pub async fn slash(
        &self,
        channel_id: u64,
        user_id: u64,
        command: &str,
        subcommand: Option<&str>,
        options: Vec<(&str, u8, Value)>,
    ) -> (u64, String) {
        let id = self.shared.next_snowflake();
        let token = format!("fake-interaction-token-{id}");
        let spec = payloads::SlashSpec { id, token: &token, channel_id, user_id, command, subcommand, options };
        let payload = payloads::command_interaction(&self.shared.world, &spec);
        self.dispatch("INTERACTION_CREATE", payload).await;
        (id, token)
    }

    /// Make webhook follow-ups for this interaction token land in `channel_id`.
    /// [`FakeDiscord::dispatch`] does this for every `INTERACTION_CREATE`; call it directly
    /// when a test drives interactions through REST only.
    pub fn bind_interaction_token(&self, token: &str, channel_id: u64) {
        self.shared.lock().interaction_channels.insert(token.to_string(), channel_id);
    }

    /// Send op 7 RECONNECT to every live session; serenity then reconnects and RESUMEs.
    pub fn request_reconnect(&self) {
        for session in self.shared.lock().sessions.values() {
            let _ = session.send(Outbound::Raw(serde_json::json!({ "op": 7, "d": null })));
        }
    }

    /// Every REST request so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// The REST requests that change something (POST, PATCH, PUT, DELETE), oldest first.
    pub fn writes(&self) -> Vec<Recorded> {
        self.shared.lock().requests.iter().filter(|r| r.is_write()).cloned().collect()
    }

    /// Wait for the first recorded request (earlier ones included) that matches `pred`.
    ///
    /// # Errors
    /// On timeout, listing the requests that did arrive.
    pub async fn wait_for(&self, pred: impl Fn(&Recorded) -> bool, timeout: Duration) -> Result<Recorded, String> {
        self.shared.wait_until(timeout, |s| s.requests.iter().find(|r| pred(r)).cloned()).await.map_err(|()| {
            let seen: Vec<String> =
                self.requests().iter().map(|r| format!("{} {} -> {}", r.method, r.path, r.status)).collect();
            format!("no matching request within {timeout:?}; requests so far: {seen:#?}")
        })
    }

    /// Answer `method` requests whose path (without `/api/v10`) starts with `path_prefix`
    /// with `status` and `body` from now on, e.g. a 403 on `PATCH /guilds/{g}/members/{u}`.
    /// The latest matching override wins; overrides win over the default answers.
    /// A `204` is sent without a body. `/gateway` and `/gateway/bot` are never overridden:
    /// serenity would fall back to the real gateway at discord.gg.
    pub fn respond(&self, method: &str, path_prefix: &str, status: u16, body: Value) {
        self.script(method, path_prefix, None, Scripted::Fixed { status, body, headers: Vec::new() });
    }

    /// Like [`FakeDiscord::respond`] with extra response `headers`, for the next `times`
    /// matching requests only (then the default answers come back), e.g. a 500 twice.
    pub fn respond_times(
        &self,
        method: &str,
        path_prefix: &str,
        times: u32,
        status: u16,
        body: Value,
        headers: &[(&str, &str)],
    ) {
        let headers = headers.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        self.script(method, path_prefix, Some(times), Scripted::Fixed { status, body, headers });
    }

    /// Rate-limit the next `times` matching requests as Discord does: 429 with
    /// `{"message": "You are being rate limited.", "retry_after": .., "global": ..}` (no
    /// `code`) and `Retry-After`, `X-RateLimit-Reset-After`, `X-RateLimit-Bucket`,
    /// `X-RateLimit-Scope` (and `X-RateLimit-Global` when `global`). Each such answer
    /// shuts the bucket for `retry_after` seconds: until it reopens, matching requests
    /// (every request, when `global`) get a 429 for the time left, recorded as such and
    /// not counted in `times`.
    pub fn rate_limit(&self, method: &str, path_prefix: &str, times: u32, retry_after: f64, global: bool) {
        self.script(method, path_prefix, Some(times), Scripted::RateLimit { retry_after, global });
    }

    /// Carry out the next `times` matching requests as usual (a message is created, a
    /// timeout set) but drop the answer: the client sees the connection fail, as when an
    /// answer is lost on the way. Recorded with `dropped` set.
    pub fn drop_answers(&self, method: &str, path_prefix: &str, times: u32) {
        self.script(method, path_prefix, Some(times), Scripted::Drop);
    }

    fn script(&self, method: &str, path_prefix: &str, times: Option<u32>, answer: Scripted) {
        let path_prefix = path_prefix.strip_prefix("/api/v10").unwrap_or(path_prefix).to_string();
        self.shared.lock().overrides.push(Override { method: method.to_ascii_uppercase(), path_prefix, times, answer });
    }

    /// Remove every override set with [`FakeDiscord::respond`] and its siblings, and
    /// reopen every shut bucket.
    pub fn clear_responses(&self) {
        let mut state = self.shared.lock();
        state.overrides.clear();
        state.shut.clear();
    }

    /// What the last IDENTIFY carried, if any arrived.
    pub fn identify(&self) -> Option<Identify> {
        self.shared.lock().identifies.last().cloned()
    }

    /// Every frame clients sent on the gateway (IDENTIFY, heartbeats, RESUME, ...), oldest first.
    pub fn gateway_frames(&self) -> Vec<Value> {
        self.shared.lock().frames.clone()
    }

    /// Wait until a client frame with this `op` has arrived (1 heartbeat, 2 identify, 6 resume).
    ///
    /// # Errors
    /// On timeout, with the ops that did arrive.
    pub async fn wait_gateway_op(&self, op: u64, timeout: Duration) -> Result<Value, String> {
        self.shared
            .wait_until(timeout, |s| s.frames.iter().find(|f| f.get("op").and_then(Value::as_u64) == Some(op)).cloned())
            .await
            .map_err(|()| {
                let ops: Vec<Option<u64>> =
                    self.gateway_frames().iter().map(|f| f.get("op").and_then(Value::as_u64)).collect();
                format!("no gateway op {op} within {timeout:?}; ops so far: {ops:?}")
            })
    }

    /// Wait until `count` RESUMEs have been answered with RESUMED (and those sessions can
    /// receive dispatches).
    ///
    /// # Errors
    /// On timeout, with the gateway frames received so far.
    pub async fn wait_resumed(&self, count: u64, timeout: Duration) -> Result<(), String> {
        self.shared.wait_until(timeout, |s| (s.resumed_sent >= count).then_some(())).await.map_err(|()| {
            format!("fewer than {count} RESUMEs within {timeout:?}; gateway frames: {:?}", self.gateway_frames())
        })
    }

    /// How many websocket connections have been accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.lock().connections
    }

    /// The message the fake currently holds under this id (REST form), if any.
    pub fn message(&self, message_id: u64) -> Option<Value> {
        self.shared.lock().messages.get(&message_id).cloned()
    }

    /// The messages the fake holds in a channel (sent by members or posted by the bot),
    /// oldest first.
    pub fn messages_in(&self, channel_id: u64) -> Vec<Value> {
        let state = self.shared.lock();
        let mut found: Vec<(u64, Value)> = state
            .messages
            .iter()
            .filter(|(_, m)| m["channel_id"].as_str() == Some(channel_id.to_string().as_str()))
            .map(|(id, m)| (*id, m.clone()))
            .collect();
        found.sort_by_key(|(id, _)| *id);
        found.into_iter().map(|(_, m)| m).collect()
    }

    /// Close every gateway session (close code 1001), stop the server and wait for it
    /// (at most two seconds, then the server task is aborted).
    ///
    /// # Panics
    /// When the bot called a route the fake does not know (it answered Discord's 404 and
    /// recorded it): an unplanned call is a test failure, not a silent 404.
    pub async fn stop(mut self) {
        self.shared.shutdown.send_replace(true);
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), server).await.is_err() {
                abort.abort();
            }
        }
        self.fail_on_unexpected_routes();
    }

    /// Panics, once, if the bot called a route the fake does not know.
    fn fail_on_unexpected_routes(&self) {
        let unexpected = std::mem::take(&mut self.shared.lock().unexpected);
        assert!(unexpected.is_empty(), "the bot called routes the fake Discord does not know: {unexpected:?}");
    }
}

impl Drop for FakeDiscord {
    /// A fake dropped without [`FakeDiscord::stop`] still closes its sessions and server.
    /// Like [`FakeDiscord::stop`], it fails the test on calls to unknown routes (unless the
    /// test is already failing).
    fn drop(&mut self) {
        self.shared.shutdown.send_replace(true);
        if !std::thread::panicking() {
            self.fail_on_unexpected_routes();
        }
    }
}

/// A message for one gateway session.
#[derive(Debug)]
enum Outbound {
    /// A dispatch: `t` and `d`; the session adds `op` 0 and its next `s`.
    Dispatch(String, Value),
    /// A frame sent as is (op 7 RECONNECT, op 9 `INVALID_SESSION`, ...).
    Raw(Value),
}

/// A response override set with [`FakeDiscord::respond`] and its siblings.
#[derive(Clone, Debug)]
struct Override {
    method: String,
    path_prefix: String,
    /// How many more requests it answers; `None`: all of them.
    times: Option<u32>,
    answer: Scripted,
}

/// What an override answers.
#[derive(Clone, Debug)]
enum Scripted {
    /// This status, body and extra headers.
    Fixed { status: u16, body: Value, headers: Vec<(String, String)> },
    /// Discord's 429, shutting the bucket for `retry_after` seconds.
    RateLimit { retry_after: f64, global: bool },
    /// The usual answer, dropped.
    Drop,
}

/// A rate-limit bucket the fake keeps shut (see [`FakeDiscord::rate_limit`]).
#[derive(Clone, Debug)]
struct Shut {
    method: String,
    path_prefix: String,
    /// Every route is shut, not only this bucket's.
    global: bool,
    until: std::time::Instant,
}

/// Everything that changes while the fake runs.
#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    overrides: Vec<Override>,
    shut: Vec<Shut>,
    /// `enforce_nonce` nonces of messages the bot created: nonce → (when, message id).
    nonces: HashMap<String, (std::time::Instant, u64)>,
    frames: Vec<Value>,
    identifies: Vec<Identify>,
    ready_sent: u64,
    resumed_sent: u64,
    connections: u64,
    /// Sessions that identified or resumed, by connection number.
    sessions: HashMap<u64, mpsc::UnboundedSender<Outbound>>,
    /// Messages by id, REST form.
    messages: HashMap<u64, Value>,
    /// Active timeouts (`communication_disabled_until`) by user id.
    timeouts: HashMap<u64, String>,
    /// Registered commands: `None` for global, `Some(guild)` for guild commands.
    commands: HashMap<Option<u64>, Vec<Value>>,
    /// Interaction token → channel id, from dispatched `INTERACTION_CREATE`.
    interaction_channels: HashMap<String, u64>,
    last_snowflake: u64,
    /// Requests to routes the fake does not know (`METHOD /path`): the bot called
    /// something no test planned for, and the test fails when the fake stops.
    unexpected: Vec<String>,
}

/// State shared by the handle, the REST handler and the gateway sessions.
struct Shared {
    world: World,
    options: Options,
    port: u16,
    /// Set to `true` once to stop sessions and the server.
    shutdown: watch::Sender<bool>,
    /// Bumped after every change to `state`, so waits wake up.
    changed: watch::Sender<u64>,
    state: Mutex<State>,
}

impl Shared {
    /// Lock the state. A panic elsewhere while holding it leaves the data usable, so
    /// poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Change the state and wake every waiter.
    fn update<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let out = f(&mut self.lock());
        self.changed.send_modify(|n| *n += 1);
        out
    }

    /// Poll `check` after every state change until it returns `Some`, or time out.
    async fn wait_until<T>(&self, timeout: Duration, check: impl Fn(&State) -> Option<T>) -> Result<T, ()> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.changed.subscribe();
        loop {
            if let Some(found) = check(&self.lock()) {
                return Ok(found);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => return Err(()),
            }
        }
    }

    fn gateway_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    /// A fresh snowflake: time-based, strictly increasing.
    fn next_snowflake(&self) -> u64 {
        let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        let mut state = self.lock();
        let id = payloads::snowflake_at(now_ms, 0).max(state.last_snowflake + 1);
        state.last_snowflake = id;
        id
    }
}

/// Resolve once the shutdown flag is set (or its sender is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    while !*shutdown.borrow_and_update() {
        if shutdown.changed().await.is_err() {
            return;
        }
    }
}

/// The current time as RFC 3339.
fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("RFC 3339 formatting of the current time cannot fail")
}

/// Decode `%XX` escapes (invalid ones are kept as they are).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
