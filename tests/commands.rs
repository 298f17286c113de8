//! `/keel` slash commands end to end through the fake Discord: registration,
//! refusals, and what each command changes.

mod support;

use serde_json::{json, Value};
use support::fake_discord::{Recorded, World};
use support::harness::{Harness, WAIT};

/// Runs `/keel <sub> ...` and waits for keel's answer.
async fn keel(h: &Harness, who: &str, channel: &str, sub: &str, options: Vec<(&str, u8, Value)>) -> Recorded {
    let (id, token) = h.fake.slash(h.channel(channel), h.user(who), "keel", Some(sub), options).await;
    let path = format!("/interactions/{id}/{token}/callback");
    h.fake.wait_for(|r| r.method == "POST" && r.path == path, WAIT).await.expect("keel answers the command")
}

fn content(r: &Recorded) -> String {
    r.body["data"]["content"].as_str().unwrap_or("").to_string()
}

fn is_ephemeral(r: &Recorded) -> bool {
    r.body["data"]["flags"].as_u64().is_some_and(|f| f & 64 != 0)
}

fn user(h: &Harness, name: &str) -> Value {
    json!(h.user(name).to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_registered_in_the_guild_and_restricted() {
    let h = Harness::start(World::support_server()).await;
    let path = format!("/applications/{}/guilds/{}/commands", h.world().application_id, h.world().guild_id);
    let registration =
        h.fake.wait_for(|r| r.method == "PUT" && r.path == path, WAIT).await.expect("registered per guild");
    let commands = registration.body.as_array().expect("commands");
    let root = commands.iter().find(|c| c["name"] == "keel").expect("/keel");
    assert_eq!(root["default_member_permissions"], json!((1u64 << 40).to_string()), "{root}");
    let subs: Vec<&str> =
        root["options"].as_array().expect("subcommands").iter().filter_map(|o| o["name"].as_str()).collect();
    for sub in ["status", "deescalate", "script", "offer", "boundary", "pardon", "resolve", "reload", "check"] {
        assert!(subs.contains(&sub), "{sub} missing from {subs:?}");
    }
    // A member without a moderator role is refused, ephemerally, and nothing happens.
    let refused = keel(&h, "bob", "support", "status", vec![]).await;
    assert!(is_ephemeral(&refused) && content(&refused).contains("Only moderators"), "{}", refused.body);
    let staff = keel(&h, "sam", "support", "check", vec![]).await;
    assert!(content(&staff).contains("Only moderators"), "staff are not moderators: {}", staff.body);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_deescalate_script_and_check() {
    let mut h = Harness::start(World::support_server()).await;
    h.say("support", "alice", "this is ridiculous, third time asking, still waiting!!!").await;
    h.say("support", "alice", "what a waste of my time, your support is useless").await;
    let status = keel(&h, "mo", "support", "status", vec![]).await;
    assert!(is_ephemeral(&status), "{}", status.body);
    assert!(content(&status).contains(&format!("<@{}>", h.user("alice"))), "{}", status.body);
    let script = keel(&h, "mo", "support", "deescalate", vec![("member", 6, user(&h, "alice"))]).await;
    assert!(content(&script).contains("1. "), "numbered steps: {}", script.body);
    let named = keel(&h, "ada", "support", "script", vec![("name", 3, json!("set-boundary"))]).await;
    assert!(content(&named).contains("Suggested reply"), "{}", named.body);
    let check = keel(&h, "olivia", "support", "check", vec![]).await;
    assert!(content(&check).contains("No problems"), "{}", check.body);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pardon_clears_strikes() {
    let mut h = Harness::start(World::support_server()).await;
    h.say("support", "alice", "you absolute idiot").await; // strike 1
    let pardon = keel(&h, "mo", "support", "pardon", vec![("member", 6, user(&h, "alice"))]).await;
    assert!(content(&pardon).contains("Pardoned"), "{}", pardon.body);
    h.say("support", "alice", "you absolute moron").await; // would be strike 2: a timeout
    assert!(!h.effects().iter().any(|r| r.method == "PATCH" && r.path.contains("/members/")), "{:#?}", h.effects());
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offer_posts_choices_for_the_member() {
    let h = Harness::start(World::support_server()).await;
    let answer = keel(
        &h,
        "mo",
        "support",
        "offer",
        vec![("member", 6, user(&h, "alice")), ("set", 3, json!("reship-or-refund"))],
    )
    .await;
    assert!(content(&answer).contains("Offered"), "{}", answer.body);
    let alice = h.user("alice").to_string();
    let post = h
        .fake
        .wait_for(
            |r| {
                r.method == "POST"
                    && r.body["components"].is_array()
                    && r.body["allowed_mentions"]["users"] == json!([alice])
            },
            WAIT,
        )
        .await
        .expect("the choices are posted");
    assert!(post.path.contains(&h.channel("support").to_string()), "{}", post.path);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_schedules_a_follow_up_and_still_needing_help_nudges_again() {
    let mut h = Harness::start_with(World::support_server(), "[followups]\ndelay_secs = 1\n").await;
    h.say("support", "alice", "my package tracking hasn't moved, this is ridiculous, third time asking").await;
    let resolved = keel(&h, "mo", "support", "resolve", vec![("member", 6, user(&h, "alice"))]).await;
    assert!(content(&resolved).contains("resolved"), "{}", resolved.body);
    let alice = h.user("alice").to_string();
    let question = h
        .fake
        .wait_for(
            |r| {
                r.method == "POST"
                    && r.body["allowed_mentions"]["users"] == json!([alice])
                    && r.body.to_string().contains("keel:f:no")
            },
            WAIT,
        )
        .await
        .expect("the follow-up is asked after its delay");
    assert!(question.path.contains(&h.channel("support").to_string()));
    // Find the posted question and answer "I still need help".
    let bot = h.world().bot_id.to_string();
    let message = h
        .fake
        .messages_in(h.channel("support"))
        .into_iter()
        .rev()
        .find(|m| m["author"]["id"] == json!(bot) && m.to_string().contains("keel:f:no"))
        .expect("the follow-up message");
    let id: u64 = message["id"].as_str().and_then(|s| s.parse().ok()).expect("id");
    let no = format!("keel:f:no:{}:{}", h.channel("support"), h.user("alice"));
    h.fake.click(id, h.user("alice"), &no, None).await;
    let nudge = h
        .fake
        .wait_for(|r| r.method == "POST" && r.body.to_string().contains("still needs help"), WAIT)
        .await
        .expect("the moderators are nudged again");
    assert!(nudge.path.contains(&h.channel("mod-log").to_string()), "{}", nudge.path);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_ups_can_be_asked_by_direct_message() {
    let mut h = Harness::start_with(World::support_server(), "[followups]\ndelay_secs = 1\ndm = true\n").await;
    h.say("support", "alice", "my package tracking hasn't moved, this is ridiculous, third time asking").await;
    keel(&h, "mo", "support", "resolve", vec![("member", 6, user(&h, "alice"))]).await;
    let dm = support::fake_discord::payloads::dm_channel_id(h.user("alice"));
    let question = h
        .fake
        .wait_for(|r| r.method == "POST" && r.path == format!("/channels/{dm}/messages"), WAIT)
        .await
        .expect("the follow-up is asked by DM");
    assert!(question.body.to_string().contains("keel:f:yes"), "{}", question.body);
    assert!(h.effects().iter().any(|r| r.path == "/users/@me/channels"), "a DM channel was opened");
    // Answering in the DM works although a DM has no guild.
    let message = h.fake.messages_in(dm).into_iter().last().expect("the DM");
    let id: u64 = message["id"].as_str().and_then(|s| s.parse().ok()).expect("id");
    let yes = format!("keel:f:yes:{}:{}", h.channel("support"), h.user("alice"));
    let (iid, token) = h.fake.click(id, h.user("alice"), &yes, None).await;
    let path = format!("/interactions/{iid}/{token}/callback");
    let answer = h.fake.wait_for(|r| r.method == "POST" && r.path == path, WAIT).await.expect("answered");
    assert_eq!(answer.body["type"], 7, "{}", answer.body);
    assert!(answer.body.to_string().contains("Glad it's sorted"), "{}", answer.body);
    h.stop().await;
}
