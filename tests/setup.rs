//! `/keel setup` end to end through the fake Discord: a server with no
//! `[[guild]]` block in bot.toml is set up from Discord by its owner, keel
//! starts acting once the settings pass the checks, watch-only keeps it to
//! nudges, the settings survive a restart, and a reset forgets them.

mod support;

use serde_json::{json, Value};
use support::fake_discord::{Recorded, World};
use support::harness::{Harness, WAIT};

/// Runs `/keel <sub> ...` and waits for keel's answer.
async fn keel(h: &Harness, who: &str, channel: &str, sub: &str, options: Vec<(&str, u8, Value)>) -> String {
    let (id, token) = h.fake.slash(h.channel(channel), h.user(who), "keel", Some(sub), options).await;
    let path = format!("/interactions/{id}/{token}/callback");
    let answer: Recorded =
        h.fake.wait_for(|r| r.method == "POST" && r.path == path, WAIT).await.expect("keel answers the command");
    assert!(answer.body["data"]["flags"].as_u64().is_some_and(|f| f & 64 != 0), "ephemeral: {}", answer.body);
    answer.body["data"]["content"].as_str().unwrap_or("").to_string()
}

fn id(n: u64) -> Value {
    json!(n.to_string())
}

const ABUSE: &str = "you are all f*cking idiots";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_sets_keel_up_from_discord_and_it_lasts() {
    let mut h = Harness::start_unconfigured(World::support_server()).await;
    let (support, mod_log, moderators) = (h.channel("support"), h.channel("mod-log"), h.world().role("Moderators").id);
    // Not set up: keel does nothing, and says how to start to whoever may set it up.
    h.say("support", "alice", ABUSE).await;
    assert!(h.effects().is_empty(), "{:#?}", h.effects());
    let status = keel(&h, "olivia", "support", "status", vec![]).await;
    assert!(status.contains("not set up in this server") && status.contains("/keel setup watch"), "{status}");
    // Moderators without Manage Server may not set it up.
    let refused = keel(&h, "mo", "support", "setup show", vec![]).await;
    assert_eq!(refused, "Only members with Manage Server can use /keel setup.");

    let watched = keel(&h, "olivia", "support", "setup watch", vec![]).await;
    assert!(watched.starts_with(&format!("keel now watches the channel <#{support}>.")), "{watched}");
    assert!(watched.contains("not active** here yet:\n- `moderator_channel`: must be a channel ID"), "{watched}");
    let channel = keel(&h, "olivia", "support", "setup moderator-channel", vec![("channel", 7, id(mod_log))]).await;
    assert!(channel.starts_with(&format!("Nudges and escalations now go to <#{mod_log}>.")), "{channel}");
    assert!(channel.ends_with("keel is active in this server."), "{channel}");
    let role = keel(&h, "olivia", "support", "setup moderator-role", vec![("role", 8, id(moderators))]).await;
    assert!(role.starts_with(&format!("<@&{moderators}> is now a moderator role.")), "{role}");
    let mode = keel(&h, "olivia", "support", "setup mode", vec![("mode", 4, json!(1))]).await;
    assert!(mode.starts_with("Watch-only is on"), "{mode}");

    // Active, watch-only: abuse nudges the moderators and nothing reaches the customer.
    for _ in 0..3 {
        h.say("support", "alice", ABUSE).await;
    }
    h.fake
        .wait_for(|r| r.method == "POST" && r.path == format!("/channels/{mod_log}/messages"), WAIT)
        .await
        .expect("a nudge");
    assert!(h.writes_to("support").is_empty(), "watch-only: no message to the customer: {:#?}", h.writes_to("support"));
    assert!(!h.effects().iter().any(|r| r.method == "PATCH" && r.path.contains("/members/")), "no timeout");
    // The moderator role set from Discord lets mo use /keel; status shows where each setting comes from.
    let status = keel(&h, "mo", "support", "status", vec![]).await;
    assert!(status.contains("- `watch_only`: on (set in Discord)"), "{status}");
    assert!(status.contains(&format!("- `moderator_channel`: <#{mod_log}> (set in Discord)")), "{status}");
    assert!(status.contains("- `timeouts`: off by watch-only (default)"), "watch-only in force: {status}");

    // A restart keeps the settings (they are in keel's database).
    let mut h = h.restart().await;
    let shown = keel(&h, "olivia", "support", "setup show", vec![]).await;
    assert!(shown.starts_with("keel is active in this server with these settings:"), "{shown}");
    assert!(shown.contains(&format!("- `watch_channels`: <#{support}> (set in Discord)")), "{shown}");
    let before = h.writes_to("mod-log").len();
    h.say("support", "bob", ABUSE).await;
    h.fake
        .wait_for(
            |r| {
                r.method == "POST"
                    && r.path == format!("/channels/{mod_log}/messages")
                    && r.body.to_string().contains(&h.user("bob").to_string())
            },
            WAIT,
        )
        .await
        .expect("still nudging after the restart");
    assert!(h.writes_to("mod-log").len() > before);
    assert!(h.writes_to("support").is_empty(), "still watch-only");

    // A reset forgets them: bot.toml alone, which sets nothing up here.
    let reset = keel(&h, "ada", "support", "setup reset", vec![]).await;
    assert!(reset.starts_with("Forgot every setting made from Discord"), "{reset}");
    assert!(reset.contains("not active** here yet"), "{reset}");
    let effects = h.effects().len();
    h.say("support", "alice", ABUSE).await;
    assert_eq!(h.effects().len(), effects, "not watched any more");
    h.stop().await;
}
