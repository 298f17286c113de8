//! The fake Discord in `tests/support/fake_discord` is itself tested here:
//!
//! 1. its payloads, kept as fixtures in `tests/fixtures/`, deserialize into serenity's
//!    types (and still do with fields Discord may add later);
//! 2. a real serenity `Client` connects, gets READY and `GUILD_CREATE` into its cache, receives
//!    a `MESSAGE_CREATE` and answers through REST, which the fake records;
//! 3. a response override (403) reaches the client as Discord's error;
//! 4. heartbeats are acknowledged and RECONNECT leads to a working RESUME;
//! 5. an unknown route fails the test when the fake stops;
//! 6. scripted answers: Discord's 429 (body and headers) with its bucket kept shut for
//!    `retry_after`, global limits, N-times overrides, dropped answers, and `enforce_nonce`.
//!
//! Set `KEEL_BLESS_FIXTURES=1` to rewrite the fixtures from the current builders.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serenity::all::{
    Cache, ClientBuilder, Context, EditMember, EventHandler, GatewayIntents, Guild, GuildId, HttpBuilder, Message,
    Ready, RoleId, ShardManager, UserId,
};
use serenity::model::event::{GatewayEvent, GuildCreateEvent, MessageUpdateEvent};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use support::fake_discord::payloads::{self, MessageSpec};
use support::fake_discord::{ChannelKind, FakeDiscord, Options, World};

/// How long any single wait in these tests may take.
const WAIT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------
// 1. Fixtures
// ---------------------------------------------------------------------------------------

/// A fixture: file name and the dispatch frame the fake's builders produce for it.
struct Fixture {
    file: &'static str,
    frame: Value,
}

/// The message every message fixture is about: alice in #support.
fn fixture_message(world: &World, edited: Option<&'static str>) -> Value {
    let spec = MessageSpec {
        id: 1_300_000_000_000_000_000,
        channel_id: world.channel("support").id,
        author_id: world.member("alice").user_id,
        content: if edited.is_some() { "my order arrived, thanks" } else { "my order never arrived" },
        edited_timestamp: edited,
    };
    payloads::message(world, &spec)
}

fn fixtures() -> Vec<Fixture> {
    let world = World::support_server();
    let frame = |s: u64, t: &str, d: Value| json!({ "op": 0, "s": s, "t": t, "d": d });
    vec![
        Fixture {
            file: "ready.json",
            frame: frame(1, "READY", payloads::ready(&world, "fake-session-1", "ws://127.0.0.1:0")),
        },
        Fixture { file: "guild_create.json", frame: frame(2, "GUILD_CREATE", payloads::guild_create(&world)) },
        Fixture { file: "message_create.json", frame: frame(3, "MESSAGE_CREATE", fixture_message(&world, None)) },
        Fixture {
            file: "message_update.json",
            frame: frame(4, "MESSAGE_UPDATE", fixture_message(&world, Some("2024-10-01T12:00:00+00:00"))),
        },
        Fixture {
            file: "interaction_create_button.json",
            frame: frame(5, "INTERACTION_CREATE", fixture_click(&world)),
        },
        Fixture {
            file: "interaction_create_command.json",
            frame: frame(6, "INTERACTION_CREATE", fixture_command(&world)),
        },
    ]
}

/// alice clicks the first button of a choice offer under the fixture message.
fn fixture_click(world: &World) -> Value {
    let spec = payloads::ClickSpec {
        id: 1_300_000_000_000_000_100,
        token: "fixture-click-token",
        channel_id: world.channel("support").id,
        message: fixture_message(world, None),
        user_id: world.member("alice").user_id,
        custom_id: "keel:c:1:0:0",
        values: None,
    };
    payloads::component_interaction(world, &spec)
}

/// A moderator runs `/keel case member:alice` in #support.
fn fixture_command(world: &World) -> Value {
    let spec = payloads::SlashSpec {
        id: 1_300_000_000_000_000_200,
        token: "fixture-command-token",
        channel_id: world.channel("support").id,
        user_id: world.member("mo").user_id,
        command: "keel",
        subcommand: Some("case"),
        options: vec![("member", 6, json!(world.member("alice").user_id.to_string()))],
    };
    payloads::command_interaction(world, &spec)
}

fn fixture_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures").join(file)
}

fn read_fixture(file: &str) -> Value {
    let path = fixture_path(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The fixtures are what the fake sends today; `KEEL_BLESS_FIXTURES=1` rewrites them.
#[test]
fn fixtures_match_the_fakes_payloads() {
    let bless = std::env::var_os("KEEL_BLESS_FIXTURES").is_some();
    for fixture in fixtures() {
        if bless {
            let text = serde_json::to_string_pretty(&fixture.frame).expect("JSON values serialize") + "\n";
            std::fs::write(fixture_path(fixture.file), text).expect("write fixture");
        }
        assert_eq!(
            read_fixture(fixture.file),
            fixture.frame,
            "tests/fixtures/{} is stale: rerun with KEEL_BLESS_FIXTURES=1 and review the diff",
            fixture.file
        );
    }
}

/// Add `key: value` to the object at `pointer` (a JSON pointer; "" is the root).
fn add_field(value: &mut Value, pointer: &str, key: &str, extra: Value) {
    let target = value.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer:?} in the fixture"));
    target.as_object_mut().unwrap_or_else(|| panic!("{pointer:?} is not an object")).insert(key.to_string(), extra);
}

/// The same fixture with fields Discord might add one day, at the top and nested.
fn with_unknown_fields(mut d: Value, nested: &[&str]) -> Value {
    add_field(&mut d, "", "field_from_the_future", json!({ "nested": [1, 2, 3] }));
    for pointer in nested {
        add_field(&mut d, pointer, "another_new_field", json!("surprise"));
    }
    d
}

#[test]
fn ready_fixture_deserializes_into_serenity_ready() {
    let world = World::support_server();
    let d = read_fixture("ready.json")["d"].clone();
    for d in [d.clone(), with_unknown_fields(d, &["/user", "/application", "/guilds/0"])] {
        let ready: Ready = serde_json::from_value(d).expect("READY deserializes");
        assert_eq!(ready.user.id, UserId::new(world.bot_id));
        assert!(ready.user.bot);
        assert_eq!(ready.application.id.get(), world.application_id);
        assert_eq!(ready.guilds.len(), 1);
        assert!(ready.guilds[0].unavailable);
        assert_eq!(ready.session_id, "fake-session-1");
    }
}

#[test]
fn guild_create_fixture_deserializes_into_serenity_guild() {
    let world = World::support_server();
    let d = read_fixture("guild_create.json")["d"].clone();
    let nested =
        ["/roles/0", "/channels/0", "/threads/0", "/threads/0/thread_metadata", "/members/0", "/members/0/user"];
    for d in [d.clone(), with_unknown_fields(d, &nested)] {
        let guild: Guild = serde_json::from_value(d.clone()).expect("GUILD_CREATE deserializes into Guild");
        assert_eq!(guild.id, GuildId::new(world.guild_id));
        assert_eq!(guild.owner_id, UserId::new(world.owner_id));
        assert_eq!(guild.roles.len(), world.roles.len());
        // serenity skips a guild channel it cannot parse with only a warning, so count them.
        let threads = world.channels.iter().filter(|c| c.kind == ChannelKind::PublicThread).count();
        assert_eq!(guild.channels.len(), world.channels.len() - threads, "a channel was skipped");
        assert_eq!(guild.threads.len(), threads);
        assert_eq!(guild.members.len(), world.members.len());
        assert_eq!(guild.member_count, world.members.len() as u64);

        let moderators = &guild.roles[&world.role("Moderators").id.into()];
        assert!(moderators.permissions.moderate_members());
        let admin = &guild.roles[&world.role("Admin").id.into()];
        assert!(admin.permissions.administrator());
        let bot = &guild.members[&UserId::new(world.bot_id)];
        assert!(bot.user.bot);
        assert_eq!(bot.roles, vec![RoleId::new(world.role("keel").id)]);
        let billing = &guild.channels[&world.channel("billing").id.into()];
        assert_eq!(billing.parent_id, Some(world.channel("Help").id.into()));

        // The gateway path (GuildCreateEvent) fills in guild ids the payload leaves out.
        let event: GuildCreateEvent = serde_json::from_value(d).expect("GUILD_CREATE deserializes into the event");
        assert!(event.guild.channels.values().all(|c| c.guild_id.get() == world.guild_id));
        assert!(event.guild.members.values().all(|m| m.guild_id.get() == world.guild_id));
    }
}

#[test]
fn message_fixtures_deserialize_into_serenity_messages() {
    let world = World::support_server();
    let create = read_fixture("message_create.json")["d"].clone();
    for d in [create.clone(), with_unknown_fields(create, &["/author", "/member"])] {
        let message: Message = serde_json::from_value(d).expect("MESSAGE_CREATE deserializes");
        assert_eq!(message.content, "my order never arrived");
        assert_eq!(message.author.id, UserId::new(world.member("alice").user_id));
        assert_eq!(message.guild_id, Some(GuildId::new(world.guild_id)));
        assert!(message.member.is_some(), "gateway messages carry a partial member");
        assert_eq!(message.timestamp.unix_timestamp(), message.id.created_at().unix_timestamp());
    }
    let update = read_fixture("message_update.json")["d"].clone();
    for d in [update.clone(), with_unknown_fields(update, &["/author"])] {
        let event: MessageUpdateEvent = serde_json::from_value(d).expect("MESSAGE_UPDATE deserializes");
        assert_eq!(event.content.as_deref(), Some("my order arrived, thanks"));
        assert!(event.edited_timestamp.is_some());
    }
}

/// `INTERACTION_CREATE` as the shell's event handler receives it: a button click (whose
/// `custom_id` keel parses) and a slash command with its subcommand and option, also with
/// fields Discord may add later.
#[test]
fn interaction_fixtures_deserialize_into_serenity_interactions() {
    use serenity::all::{CommandDataOptionValue, Interaction};
    let world = World::support_server();
    let click = read_fixture("interaction_create_button.json")["d"].clone();
    for d in [click.clone(), with_unknown_fields(click, &["/data", "/member", "/message"])] {
        let Interaction::Component(click) = serde_json::from_value(d).expect("a click deserializes") else {
            panic!("a click is a component interaction");
        };
        assert_eq!(click.data.custom_id, "keel:c:1:0:0");
        assert_eq!(click.user.id, UserId::new(world.member("alice").user_id));
        assert_eq!(click.guild_id, Some(GuildId::new(world.guild_id)));
        assert_eq!(click.message.content, "my order never arrived");
    }
    let command = read_fixture("interaction_create_command.json")["d"].clone();
    for d in [command.clone(), with_unknown_fields(command, &["/data", "/member"])] {
        let Interaction::Command(command) = serde_json::from_value(d).expect("a command deserializes") else {
            panic!("a slash command is a command interaction");
        };
        assert_eq!(command.data.name, "keel");
        let sub = &command.data.options[0];
        assert_eq!(sub.name, "case");
        let CommandDataOptionValue::SubCommand(options) = &sub.value else { panic!("case is a subcommand") };
        assert_eq!(options[0].name, "member");
        assert_eq!(options[0].value.as_user_id(), Some(UserId::new(world.member("alice").user_id)));
    }
}

/// What the shard actually does with a frame: `GatewayEvent` (op, s, t, d together).
#[test]
fn fixture_frames_deserialize_as_gateway_events() {
    for fixture in fixtures() {
        let event: GatewayEvent = serde_json::from_value(read_fixture(fixture.file))
            .unwrap_or_else(|e| panic!("{} is not a gateway event: {e}", fixture.file));
        match event {
            GatewayEvent::Dispatch(_, event) => assert!(
                !matches!(event, serenity::all::Event::Unknown(_)),
                "{} was parsed as an unknown event",
                fixture.file
            ),
            other => panic!("{} parsed as {other:?}, not a dispatch", fixture.file),
        }
    }
}

// ---------------------------------------------------------------------------------------
// 2-4. A real serenity client against the fake
// ---------------------------------------------------------------------------------------

/// What the test bot reports back to the test.
#[derive(Debug)]
enum Seen {
    GuildCreate(u64),
    TimeoutResult(Result<Option<String>, String>),
}

/// A small bot: replies "heard: ..." to people, and on "!timeout" times the author out.
struct TestBot {
    seen: mpsc::UnboundedSender<Seen>,
}

#[serenity::async_trait]
impl EventHandler for TestBot {
    async fn guild_create(&self, _ctx: Context, guild: Guild, _is_new: Option<bool>) {
        let _ = self.seen.send(Seen::GuildCreate(guild.id.get()));
    }

    async fn message(&self, ctx: Context, msg: Message) {
        if msg.author.bot {
            return;
        }
        if msg.content == "!timeout" {
            let Some(guild_id) = msg.guild_id else { return };
            let until = "2030-01-01T00:00:00Z".to_string();
            let edit = EditMember::new().disable_communication_until(until).audit_log_reason("keel: abuse in #support");
            let result = guild_id
                .edit_member(&ctx.http, msg.author.id, edit)
                .await
                .map(|m| m.communication_disabled_until.map(|t| t.to_string()))
                .map_err(|e| e.to_string());
            let _ = self.seen.send(Seen::TimeoutResult(result));
            return;
        }
        if let Err(err) = msg.channel_id.say(&ctx.http, format!("heard: {}", msg.content)).await {
            eprintln!("test bot could not reply: {err}");
        }
    }
}

/// A running serenity client and what the test needs to observe and stop it.
struct RunningBot {
    shard_manager: Arc<ShardManager>,
    cache: Arc<Cache>,
    seen: mpsc::UnboundedReceiver<Seen>,
    task: JoinHandle<Result<(), serenity::Error>>,
}

impl RunningBot {
    /// Build a client exactly as the STYLE notes say (proxy + ratelimiter off) and start it.
    async fn start(fake: &FakeDiscord) -> RunningBot {
        let http = HttpBuilder::new("fake-token").proxy(fake.api_base()).ratelimiter_disabled(true).build();
        let intents = GatewayIntents::GUILDS
            | GatewayIntents::GUILD_MEMBERS
            | GatewayIntents::GUILD_MESSAGES
            | GatewayIntents::MESSAGE_CONTENT;
        let (tx, seen) = mpsc::unbounded_channel();
        let mut client = ClientBuilder::new_with_http(http, intents)
            .event_handler(TestBot { seen: tx })
            .await
            .expect("the client builds against the fake");
        let shard_manager = Arc::clone(&client.shard_manager);
        let cache = Arc::clone(&client.cache);
        let task = tokio::spawn(async move { client.start().await });
        RunningBot { shard_manager, cache, seen, task }
    }

    /// The next report from the bot, within [`WAIT`].
    async fn next_seen(&mut self) -> Seen {
        tokio::time::timeout(WAIT, self.seen.recv())
            .await
            .expect("the test bot reported within the wait")
            .expect("the test bot's channel is open")
    }

    /// Shut the shards down and wait for `Client::start` to return.
    async fn stop(self) {
        self.shard_manager.shutdown_all().await;
        let finished = tokio::time::timeout(WAIT, self.task).await;
        let result = finished.expect("Client::start returned after shutdown_all").expect("client task did not panic");
        result.expect("Client::start ended without an error");
    }
}

/// Start the fake and a client, and wait until the client's cache holds the guild.
async fn connected(options: Options) -> (FakeDiscord, RunningBot) {
    let fake = FakeDiscord::start_with(World::support_server(), options).await;
    let mut bot = RunningBot::start(&fake).await;
    fake.wait_identified(WAIT).await.expect("the client identifies");
    match bot.next_seen().await {
        Seen::GuildCreate(id) => assert_eq!(id, fake.world().guild_id),
        other @ Seen::TimeoutResult(_) => panic!("expected GUILD_CREATE first, got {other:?}"),
    }
    (fake, bot)
}

#[tokio::test]
async fn a_serenity_client_connects_and_replies_through_the_fake() {
    let started = Instant::now();
    let (fake, bot) = connected(Options::default()).await;
    let world = fake.world().clone();

    // IDENTIFY carried the token and intents.
    let identify = fake.identify().expect("IDENTIFY recorded");
    assert_eq!(identify.token, "Bot fake-token");
    let expected_intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MEMBERS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT;
    assert_eq!(identify.intents, expected_intents.bits());
    assert_eq!(identify.shard, Some([0, 1]));

    // READY + GUILD_CREATE are in the cache.
    {
        let guild = bot.cache.guild(GuildId::new(world.guild_id)).expect("the cache has the guild");
        assert_eq!(guild.name, world.guild_name);
        assert_eq!(guild.members.len(), world.members.len());
        assert_eq!(guild.threads.len(), 1);
    }
    assert_eq!(bot.cache.current_user().id.get(), world.bot_id);
    assert!(fake.requests().iter().any(|r| r.is("GET", "/gateway")), "serenity asked for the gateway URL");

    // An event serenity does not know must not break the session.
    fake.dispatch("SOME_FUTURE_EVENT", json!({ "anything": [1, 2] })).await;

    // A customer writes; the bot answers through REST.
    let support = world.channel("support").id;
    let alice = world.member("alice").user_id;
    fake.message_create(support, alice, "where is my refund?").await;
    let reply =
        fake.wait_for(|r| r.is("POST", &format!("/channels/{support}/messages")), WAIT).await.expect("the bot replied");
    assert_eq!(reply.body_str("content"), Some("heard: where is my refund?"));
    assert_eq!(reply.headers.get("authorization").map(String::as_str), Some("Bot fake-token"));
    assert_eq!(reply.status, 200);
    assert_eq!(fake.writes().len(), 1, "exactly one write: {:#?}", fake.writes());

    // An edit arrives as MESSAGE_UPDATE without disturbing anything.
    let id = fake.message_create(support, alice, "first").await;
    fake.wait_for(|r| r.body_str("content") == Some("heard: first"), WAIT).await.expect("second reply");
    fake.message_update(support, id, alice, "first, edited").await;
    assert_eq!(
        fake.message(id).and_then(|m| m["content"].as_str().map(str::to_string)).as_deref(),
        Some("first, edited")
    );

    bot.stop().await;
    fake.stop().await;
    assert!(started.elapsed() < WAIT * 2, "took {:?}", started.elapsed());
}

#[tokio::test]
async fn timeouts_reach_the_fake_and_a_403_override_reaches_the_client() {
    let (fake, mut bot) = connected(Options::default()).await;
    let world = fake.world().clone();
    let support = world.channel("support").id;
    let alice = world.member("alice").user_id;
    let member_path = format!("/guilds/{}/members/{alice}", world.guild_id);

    // Default answer: the member comes back timed out, with the audit-log reason recorded.
    fake.message_create(support, alice, "!timeout").await;
    match bot.next_seen().await {
        Seen::TimeoutResult(Ok(Some(until))) => assert!(until.starts_with("2030-01-01T00:00:00"), "{until}"),
        other => panic!("expected a successful timeout, got {other:?}"),
    }
    let patch = fake.wait_for(|r| r.is("PATCH", &member_path), WAIT).await.expect("PATCH recorded");
    assert_eq!(patch.body_str("communication_disabled_until"), Some("2030-01-01T00:00:00Z"));
    assert_eq!(patch.audit_log_reason().as_deref(), Some("keel: abuse in #support"));

    // Override: Discord refuses.
    fake.respond("PATCH", &member_path, 403, payloads::error("Missing Permissions", 50013));
    fake.message_create(support, alice, "!timeout").await;
    match bot.next_seen().await {
        Seen::TimeoutResult(Err(err)) => assert!(err.contains("Missing Permissions"), "{err}"),
        other => panic!("expected the 403 to reach the client, got {other:?}"),
    }
    let refused: Vec<_> = fake.requests().into_iter().filter(|r| r.is("PATCH", &member_path)).collect();
    assert_eq!(refused.len(), 2);
    assert_eq!(refused[1].status, 403);

    bot.stop().await;
    fake.stop().await;
}

#[tokio::test]
async fn heartbeats_are_acknowledged_and_reconnect_resumes() {
    let options = Options { heartbeat_interval: Duration::from_millis(200), ..Options::default() };
    let (fake, bot) = connected(options).await;

    // serenity reconnects when a heartbeat goes unacknowledged, so a second heartbeat on the
    // same single connection shows the first was ACKed.
    let deadline = Instant::now() + WAIT;
    while fake.gateway_frames().iter().filter(|f| f["op"] == 1).count() < 2 {
        assert!(Instant::now() < deadline, "fewer than two heartbeats: {:?}", fake.gateway_frames());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(fake.connections(), 1, "an unacknowledged heartbeat made serenity reconnect");

    // RECONNECT → serenity opens a new connection and RESUMEs (no second IDENTIFY).
    fake.request_reconnect();
    fake.wait_resumed(1, WAIT).await.expect("the client resumed");
    let identifies = fake.gateway_frames().iter().filter(|f| f["op"] == 2).count();
    assert_eq!(identifies, 1);
    let resume = fake.wait_gateway_op(6, WAIT).await.expect("RESUME recorded");
    assert_eq!(resume["d"]["session_id"], "fake-session-1");

    // Dispatches still work on the resumed session.
    let world = fake.world().clone();
    let general = world.channel("general").id;
    fake.message_create(general, world.member("bob").user_id, "still there?").await;
    fake.wait_for(|r| r.body_str("content") == Some("heard: still there?"), WAIT).await.expect("reply after resume");

    bot.stop().await;
    fake.stop().await;
}

/// Every default REST answer deserializes into what serenity's `Http` returns for it.
#[tokio::test]
async fn default_rest_answers_deserialize_in_serenity_http() {
    use serenity::all::{ApplicationId, ChannelId, InteractionId, MessageId};

    let fake = FakeDiscord::start(World::support_server()).await;
    let world = fake.world().clone();
    let http = HttpBuilder::new("fake-token").proxy(fake.api_base()).ratelimiter_disabled(true).build();
    http.set_application_id(ApplicationId::new(world.application_id));
    let guild = GuildId::new(world.guild_id);
    let support = ChannelId::new(world.channel("support").id);
    let alice = UserId::new(world.member("alice").user_id);

    assert_eq!(http.get_current_user().await.expect("users/@me").id.get(), world.bot_id);
    let app = http.get_current_application_info().await.expect("oauth2/applications/@me");
    assert_eq!(app.owner.map(|o| o.id.get()), Some(world.owner_id));
    assert_eq!(http.get_guild(guild).await.expect("guild").roles.len(), world.roles.len());
    assert_eq!(http.get_guild_roles(guild).await.expect("roles").len(), world.roles.len());
    let channels = http.get_channels(guild).await.expect("channels");
    assert_eq!(channels.len(), world.channels.len() - 1, "every channel but the thread");
    assert!(channels.iter().all(|c| c.guild_id == guild));
    assert_eq!(http.get_member(guild, alice).await.expect("member").user.name, "alice");
    let thread = http.get_channel(world.channel("refund-question").id.into()).await.expect("thread");
    assert!(thread.guild().and_then(|t| t.thread_metadata).is_some());

    // Messages: create, fetch, edit, delete; an unknown message is Discord's 10008.
    let sent = http.send_message(support, vec![], &json!({ "content": "hello", "embeds": [{ "title": "t" }] })).await;
    let sent = sent.expect("POST message");
    assert_eq!((sent.content.as_str(), sent.author.id.get(), sent.embeds.len()), ("hello", world.bot_id, 1));
    assert_eq!(http.get_message(support, sent.id).await.expect("GET message").content, "hello");
    let edited = http.edit_message(support, sent.id, &json!({ "content": "bye" }), vec![]).await.expect("PATCH");
    assert_eq!((edited.content.as_str(), edited.edited_timestamp.is_some()), ("bye", true));
    http.delete_message(support, sent.id, Some("cleanup")).await.expect("DELETE message");
    let gone = http.get_message(support, sent.id).await.expect_err("deleted");
    assert!(gone.to_string().contains("Unknown Message"), "{gone}");
    let unknown_route = http.get_message(ChannelId::new(1), MessageId::new(1)).await.expect_err("unknown channel");
    assert!(unknown_route.to_string().contains("Unknown Channel"), "{unknown_route}");

    // Commands, guild and global: bulk overwrite echoes with ids, then GET lists them.
    let commands = json!([{ "name": "keel", "description": "keel's commands", "type": 1, "options": [] }]);
    let created = http.create_guild_commands(guild, &commands).await.expect("PUT guild commands");
    assert_eq!((created.len(), created[0].guild_id), (1, Some(guild)));
    assert_eq!(guild.get_commands(&http).await.expect("GET guild commands")[0].id, created[0].id);
    let global = http.create_global_commands(&commands).await.expect("PUT global commands");
    assert_eq!((global.len(), global[0].guild_id), (1, None));

    // Interactions: callback 204, then follow-ups through the application's webhook.
    fake.bind_interaction_token("tok", support.get());
    let callback = json!({ "type": 4, "data": { "content": "on it", "flags": 64 } });
    http.create_interaction_response(InteractionId::new(42), "tok", &callback, vec![]).await.expect("callback");
    let followup = http.create_followup_message("tok", &json!({ "content": "done" }), vec![]).await.expect("followup");
    assert_eq!((followup.channel_id, followup.content.as_str()), (support, "done"));
    let original = http.edit_original_interaction_response("tok", &json!({ "content": "edited" }), vec![]).await;
    assert_eq!(original.expect("PATCH @original").content, "edited");
    http.delete_original_interaction_response("tok").await.expect("DELETE @original");

    let unanswered: Vec<_> = fake.requests().into_iter().filter(|r| r.status >= 400).map(|r| r.path).collect();
    assert_eq!(unanswered.len(), 2, "only the two deliberate 404s: {unanswered:?}");
    let delete = fake.wait_for(|r| r.method == "DELETE" && r.path.contains("/messages/"), WAIT).await.unwrap();
    assert_eq!(delete.audit_log_reason().as_deref(), Some("cleanup"));
    fake.stop().await;
}

/// A call to a route the fake does not know fails the test when the fake stops, instead
/// of passing as a silent 404.
#[tokio::test]
#[should_panic(expected = "routes the fake Discord does not know")]
async fn a_call_to_an_unknown_route_fails_the_test() {
    let fake = FakeDiscord::start(World::support_server()).await;
    let (status, _, body) = raw(&fake, "POST", "/no-such-route", json!({})).await.expect("answer");
    assert_eq!((status, body["message"].as_str()), (404, Some("Unknown")));
    fake.stop().await;
}

// ---------------------------------------------------------------------------------------
// 5. Scripted answers: rate limits, errors, lost answers, nonces
// ---------------------------------------------------------------------------------------

/// One raw REST call to the fake: status, lowercase headers and JSON body (Null if none).
async fn raw(fake: &FakeDiscord, method: &str, path: &str, body: Value) -> Result<(u16, Value, Value), String> {
    let url = format!("{}/api/v10{path}", fake.api_base());
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let request = reqwest::Client::new().request(method, url).header("content-type", "application/json");
    let response = request.body(body.to_string()).send().await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let headers: serde_json::Map<String, Value> =
        response.headers().iter().map(|(k, v)| (k.as_str().to_string(), json!(v.to_str().unwrap_or("")))).collect();
    let text = response.text().await.map_err(|e| e.to_string())?;
    Ok((status, Value::Object(headers), serde_json::from_str(&text).unwrap_or(Value::Null)))
}

#[tokio::test]
async fn a_rate_limited_route_answers_like_discord_and_stays_shut_for_retry_after() {
    let fake = FakeDiscord::start(World::support_server()).await;
    let path = format!("/channels/{}/messages", fake.world().channel("support").id);
    fake.rate_limit("POST", &path, 1, 0.3, false);
    let (status, headers, body) = raw(&fake, "POST", &path, json!({ "content": "a" })).await.expect("answer");
    assert_eq!(status, 429);
    assert_eq!(body, json!({ "message": "You are being rate limited.", "retry_after": 0.3, "global": false }));
    assert_eq!(
        (headers["retry-after"].as_str(), headers["x-ratelimit-reset-after"].as_str()),
        (Some("1"), Some("0.300"))
    );
    assert_eq!(headers["x-ratelimit-scope"], "user");
    assert!(headers["x-ratelimit-bucket"].is_string() && headers.get("x-ratelimit-global").is_none(), "{headers}");
    // Still shut: another 429 for the time left. Other routes are open.
    let (status, _, body) = raw(&fake, "POST", &path, json!({ "content": "b" })).await.expect("answer");
    assert_eq!(status, 429);
    assert!(body["retry_after"].as_f64().is_some_and(|r| r > 0.0 && r <= 0.3), "{body}");
    assert_eq!(raw(&fake, "GET", "/users/@me", Value::Null).await.expect("answer").0, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(raw(&fake, "POST", &path, json!({ "content": "c" })).await.expect("answer").0, 200);
    let posts: Vec<(u16, Option<String>)> = fake
        .requests()
        .iter()
        .filter(|r| r.is("POST", &path))
        .map(|r| (r.status, r.body_str("content").map(str::to_string)))
        .collect();
    let want = [(429, Some("a")), (429, Some("b")), (200, Some("c"))].map(|(s, c)| (s, c.map(str::to_string)));
    assert_eq!(posts, want);
    assert_eq!(fake.messages_in(fake.world().channel("support").id).len(), 1, "only the last one was created");
    fake.stop().await;
}

#[tokio::test]
async fn a_global_rate_limit_shuts_every_route() {
    let fake = FakeDiscord::start(World::support_server()).await;
    fake.rate_limit("GET", "/users/@me", 1, 0.3, true);
    let (status, headers, body) = raw(&fake, "GET", "/users/@me", Value::Null).await.expect("answer");
    assert_eq!((status, &body["global"]), (429, &json!(true)));
    assert_eq!(
        (headers["x-ratelimit-global"].as_str(), headers["x-ratelimit-scope"].as_str()),
        (Some("true"), Some("global"))
    );
    let path = format!("/channels/{}/messages", fake.world().channel("support").id);
    let (status, _, body) = raw(&fake, "POST", &path, json!({ "content": "a" })).await.expect("answer");
    assert_eq!((status, &body["global"]), (429, &json!(true)), "{body}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(raw(&fake, "POST", &path, json!({ "content": "a" })).await.expect("answer").0, 200);
    fake.stop().await;
}

#[tokio::test]
async fn scripted_answers_run_out_and_dropped_answers_still_do_the_work() {
    let fake = FakeDiscord::start(World::support_server()).await;
    let member = format!("/guilds/{}/members/{}", fake.world().guild_id, fake.world().member("alice").user_id);
    fake.respond_times(
        "PATCH",
        &member,
        2,
        500,
        json!({ "message": "500: Internal Server Error", "code": 0 }),
        &[("x-fake", "yes")],
    );
    let patch = json!({ "communication_disabled_until": "2030-01-01T00:00:00Z" });
    let (status, headers, _) = raw(&fake, "PATCH", &member, patch.clone()).await.expect("answer");
    assert_eq!((status, headers["x-fake"].as_str()), (500, Some("yes")));
    assert_eq!(raw(&fake, "PATCH", &member, patch.clone()).await.expect("answer").0, 500);
    assert_eq!(raw(&fake, "PATCH", &member, patch.clone()).await.expect("answer").0, 200, "two times only");

    let path = format!("/channels/{}/messages", fake.world().channel("support").id);
    fake.drop_answers("POST", &path, 1);
    let first = json!({ "content": "once", "nonce": "n-1", "enforce_nonce": true });
    let lost = raw(&fake, "POST", &path, first.clone()).await;
    assert!(lost.is_err(), "the answer is lost: {lost:?}");
    let (status, _, again) = raw(&fake, "POST", &path, first).await.expect("answer");
    assert_eq!((status, again["content"].as_str(), again["nonce"].as_str()), (200, Some("once"), Some("n-1")));
    let recorded: Vec<(u16, bool)> =
        fake.requests().iter().filter(|r| r.is("POST", &path)).map(|r| (r.status, r.dropped)).collect();
    assert_eq!(recorded, [(200, true), (200, false)]);
    let support = fake.world().channel("support").id;
    assert_eq!(fake.messages_in(support).len(), 1, "the same nonce returns the earlier message");
    assert_eq!(fake.messages_in(support)[0]["id"], again["id"]);
    // Without enforce_nonce (or with another nonce), a message is created each time.
    raw(&fake, "POST", &path, json!({ "content": "once", "nonce": "n-1" })).await.expect("answer");
    raw(&fake, "POST", &path, json!({ "content": "once", "nonce": "n-2", "enforce_nonce": true }))
        .await
        .expect("answer");
    assert_eq!(fake.messages_in(support).len(), 3);
    fake.stop().await;
}
