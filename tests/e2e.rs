//! keel live, end to end: the real bot (`keel::bot::launch`) against the
//! in-repo fake Discord on 127.0.0.1.

mod support;

use keel::bot::launch::launch;
use serde_json::Value;
use support::fake_discord::{FakeDiscord, Recorded, World};
use support::harness::{bot_toml, copy_phrases, wait_until, Harness, WAIT};

const FRUSTRATED: [&str; 3] = [
    "my package tracking hasn't moved in a week",
    "this is ridiculous, third time asking, still waiting!!!",
    "what a waste of my time, your support is useless",
];
const ABUSIVE: [&str; 2] = ["you are all f*cking idiots", "shut up you useless m0r0n, piece of sh1t"];

fn embeds(r: &Recorded) -> &Vec<Value> {
    r.body["embeds"].as_array().expect("embeds")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalating_customer_gets_nudge_boundary_and_timeout() {
    let mut h = Harness::start(World::support_server()).await;
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
    for t in FRUSTRATED.iter().chain(ABUSIVE.iter()) {
        h.say("support", "alice", t).await;
    }
    // The nudge: an embed in the moderator channel, pinging nobody.
    let mod_posts = h.writes_to("mod-log");
    let nudge = mod_posts.iter().find(|r| r.method == "POST" && r.body["embeds"].is_array()).expect("a nudge");
    let e = &embeds(nudge)[0];
    assert!(e["title"].as_str().unwrap_or("").starts_with("keel:"), "{e}");
    let description = e["description"].as_str().unwrap_or("");
    assert!(description.contains(&format!("<@{}>", h.user("alice"))), "{description}");
    assert!(description.contains("Jump to the message"), "{description}");
    assert!(description.chars().any(|c| ('▁'..='█').contains(&c)), "sparkline: {description}");
    assert_eq!(nudge.body["allowed_mentions"]["parse"], serde_json::json!([]), "{}", nudge.body);
    // Later escalations edit the nudge instead of posting new ones.
    assert!(mod_posts.iter().any(|r| r.method == "PATCH"), "the nudge is edited as the level rises");
    // The boundary: a reply to the offending message that pings only the customer.
    let support = h.writes_to("support");
    let reply = support.iter().find(|r| r.body["message_reference"].is_object()).expect("a boundary reply");
    let mentions = &reply.body["allowed_mentions"];
    assert_eq!(mentions["users"], serde_json::json!([h.user("alice").to_string()]), "{mentions}");
    assert_eq!(mentions["roles"], serde_json::json!([]), "{mentions}");
    // The timeout: a member edit with a sane end time and an audit-log reason.
    let member_path = format!("/guilds/{}/members/{}", h.world().guild_id, h.user("alice"));
    let timeout =
        h.fake.writes().into_iter().find(|r| r.method == "PATCH" && r.path == member_path).expect("a timeout");
    let until = timeout.body["communication_disabled_until"].as_str().expect("until");
    let until = time::OffsetDateTime::parse(until, &time::format_description::well_known::Rfc3339).expect("RFC 3339");
    let secs = until.unix_timestamp() - before;
    assert!((590..=700).contains(&secs), "timeout of {secs} s");
    assert!(timeout.audit_log_reason().unwrap_or_default().starts_with("keel:"), "{:?}", timeout.headers);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calm_conversation_makes_no_rest_writes() {
    let mut h = Harness::start(World::support_server()).await;
    for (who, text) in [
        ("alice", "Hi! I was charged twice for my subscription this month"),
        ("sam", "Sorry about that, refunding the duplicate now"),
        ("alice", "Perfect, thanks a lot! This bug was killing me, you killed it"),
        ("bob", "Is the Scunthorpe warehouse shipping to Wales? I ordered a cocktail shaker"),
    ] {
        h.say("support", who, text).await;
    }
    assert!(h.effects().is_empty(), "{:#?}", h.effects());
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_team_and_unwatched_channels_are_ignored() {
    let mut h = Harness::start(World::support_server()).await;
    for t in ABUSIVE.iter().chain(ABUSIVE.iter()) {
        h.say("support", "sam", t).await; // staff
        h.say("support", "ada", t).await; // administrator
        h.say("support", "olivia", t).await; // owner
        h.say("general", "alice", t).await; // unwatched channel
    }
    assert!(h.effects().is_empty(), "{:#?}", h.effects());
    // A thread under a watched channel and a channel in a watched category are watched.
    h.say("refund-question", "bob", "you f*cking idiot").await;
    h.say("billing", "alice", "you absolute m0r0n").await;
    assert!(!h.writes_to("refund-question").is_empty(), "thread under #support is watched");
    assert!(!h.writes_to("billing").is_empty(), "channel in the Help category is watched");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_ranked_above_keel_are_never_timed_out() {
    let mut world = World::support_server();
    let vip = world.guild_id + 150;
    world.roles.push(support::fake_discord::world::FakeRole {
        id: vip,
        name: "VIP".into(),
        position: 5,
        permissions: 0,
        managed: false,
    });
    let bob = world.member("bob").user_id;
    world.members.iter_mut().filter(|m| m.user_id == bob).for_each(|m| m.roles.push(vip));
    let mut h = Harness::start(world).await;
    for t in ABUSIVE.iter().chain(ABUSIVE.iter()) {
        h.say("support", "bob", t).await;
    }
    assert!(!h.fake.writes().iter().any(|r| r.method == "PATCH" && r.path.contains("/members/")), "no timeout");
    let notes = h.writes_to("mod-log");
    assert!(notes.iter().any(|r| r.body_str("content").unwrap_or("").contains("did not time out")), "{notes:#?}");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_timeout_is_reported_once_and_keel_carries_on() {
    let mut h = Harness::start(World::support_server()).await;
    let member_path = format!("/guilds/{}/members/", h.world().guild_id);
    h.fake.respond("PATCH", &member_path, 403, serde_json::json!({"message": "Missing Permissions", "code": 50013}));
    for t in ABUSIVE.iter().chain(ABUSIVE.iter()).chain(ABUSIVE.iter()) {
        h.say("support", "alice", t).await;
    }
    let reports: Vec<Recorded> = h
        .writes_to("mod-log")
        .into_iter()
        .filter(|r| r.body_str("content").unwrap_or("").contains("missing permission"))
        .collect();
    assert_eq!(reports.len(), 1, "reported once: {reports:#?}");
    assert!(reports[0].body_str("content").unwrap_or("").contains("Moderate Members"));
    // keel carried on: later messages were still judged and answered.
    h.say("support", "bob", "you absolute idiot").await;
    assert!(h
        .writes_to("support")
        .iter()
        .any(|r| r.body["allowed_mentions"]["users"] == serde_json::json!([h.user("bob").to_string()])));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phrase_files_reload_while_running() {
    let mut h = Harness::start(World::support_server()).await;
    let phrases = h.config_path().parent().expect("dir").join("phrases");
    // A broken file: the running pack stays and the problem is reported.
    std::fs::write(phrases.join("zz-custom.toml"), "[[phrase]]\ncategory = \"insult\"\npattern = '''(oops'''\n")
        .expect("write");
    let fake = &h.fake;
    let report = fake
        .wait_for(
            |r| r.method == "POST" && r.body_str("content").unwrap_or("").contains("kept its running configuration"),
            WAIT,
        )
        .await
        .expect("the problem is reported in the moderator channel");
    let content = report.body_str("content").unwrap_or("").to_string();
    assert!(content.contains("zz-custom.toml:3"), "{content}");
    h.say("support", "alice", "you absolute idiot").await;
    assert!(!h.writes_to("support").is_empty(), "the old pack still works");
    // A good file takes effect.
    std::fs::write(
        phrases.join("zz-custom.toml"),
        "[[phrase]]\ncategory = \"insult\"\ntext = \"flibbertigibbet\"\nweight = 0.9\n",
    )
    .expect("write");
    let shared = h.bot.shared.clone();
    wait_until(move || {
        let engine = keel::bot::shared::sync::lock(&shared.engine);
        engine.analyzer().pack().entries().iter().any(|e| e.written == "flibbertigibbet")
    })
    .await;
    let before = h.writes_to("support").len();
    h.say("support", "bob", "you flibbertigibbet").await;
    assert!(h.writes_to("support").len() > before, "the new phrase is used");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_edited_into_abuse_is_caught() {
    let mut h = Harness::start(World::support_server()).await;
    let id = h.say("support", "alice", "thanks for the help earlier").await;
    assert!(h.effects().is_empty());
    h.edit("support", "alice", id, "you f*cking idiots, I know where you live").await;
    let reply = h
        .writes_to("support")
        .into_iter()
        .find(|r| r.body["message_reference"]["message_id"] == Value::String(id.to_string()));
    assert!(reply.is_some(), "{:#?}", h.effects());
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quoted_everyone_pings_nobody() {
    let mut h = Harness::start(World::support_server()).await;
    for t in ["@everyone this is ridiculous, third time asking!!!", "@everyone you are all f*cking idiots <@&1>"] {
        h.say("support", "alice", t).await;
    }
    for r in h.fake.writes().iter().filter(|r| r.method == "POST" || r.method == "PATCH") {
        let mentions = &r.body["allowed_mentions"];
        if mentions.is_null() {
            continue;
        }
        assert_eq!(mentions["parse"], serde_json::json!([]), "{}", r.body);
        let text = r.body.to_string();
        assert!(!text.contains("@everyone"), "{text}");
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_stops_with_one_clear_error_that_hides_the_token() {
    use support::fake_discord::Options;
    let options = Options { valid_token: Some("the-right-token".into()), ..Options::default() };
    let fake = FakeDiscord::start_with(World::support_server(), options).await;
    let dir = tempfile::tempdir().expect("temp dir");
    copy_phrases(&dir.path().join("phrases"));
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, bot_toml(fake.world(), &fake.api_base())).expect("write bot.toml");
    let secret = "s3cret-wrong-token";
    let bot = launch(Some(config), secret).await.expect("bot starts connecting");
    let result = tokio::time::timeout(WAIT, bot.task).await.expect("the client stops").expect("task joins");
    let err = result.expect_err("a rejected token is an error");
    let text = err.to_string();
    assert!(text.contains("rejected the token"), "{text}");
    assert!(!text.contains(secret), "the token must never be shown: {text}");
    fake.stop().await;
}

/// A customer who relapses into abuse after a boundary is timed out, then
/// the moderators are called, as bot.toml's ladder promises (issue 9).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relapse_after_a_boundary_meets_the_timeout_then_the_moderators() {
    let mut h = Harness::start(World::support_server()).await;
    h.say("support", "alice", "This is ridiculous, third time asking. Shut up and fix it, idiot.").await;
    let member_path = format!("/guilds/{}/members/{}", h.world().guild_id, h.user("alice"));
    let timeouts = |h: &Harness| h.fake.writes().into_iter().filter(|r| r.path == member_path).count();
    let replies =
        |h: &Harness| h.writes_to("support").iter().filter(|r| r.body["message_reference"].is_object()).count();
    assert_eq!((replies(&h), timeouts(&h)), (1, 0), "tier 1: a boundary message only");
    h.say("support", "alice", "Are you stupid or just lazy? Answer me, moron.").await;
    assert_eq!((replies(&h), timeouts(&h)), (2, 1), "tier 2: a boundary and a timeout");
    h.say("support", "alice", "And you're still the same useless idiots, shut up and fix it.").await;
    let moderators = h.world().role("Moderators").id.to_string();
    let call = h
        .writes_to("mod-log")
        .into_iter()
        .find(|r| r.body["allowed_mentions"]["roles"] == serde_json::json!([moderators]))
        .expect("tier 3 calls the moderators");
    assert!(call.body_str("content").unwrap_or("").contains(&format!("<@&{moderators}>")), "{}", call.body);
    assert_eq!(replies(&h), 3, "tier 3 also tells the customer");
    h.stop().await;
}
