//! Buttons end to end: customers choosing, moderators acting on nudges,
//! and everyone else being refused, through the fake Discord.

mod support;

use serde_json::Value;
use support::fake_discord::{Recorded, World};
use support::harness::{Harness, WAIT};

const FRUSTRATED: [&str; 3] = [
    "my package tracking hasn't moved in a week",
    "this is ridiculous, third time asking, still waiting!!!",
    "what a waste of my time, nobody answers",
];

/// The first message in `channel` posted by the bot with buttons.
fn with_buttons(h: &Harness, channel: &str) -> Value {
    let bot = h.world().bot_id.to_string();
    h.fake
        .messages_in(h.channel(channel))
        .into_iter()
        .find(|m| {
            m["author"]["id"] == Value::String(bot.clone()) && m["components"].as_array().is_some_and(|c| !c.is_empty())
        })
        .unwrap_or_else(|| panic!("no message with buttons in #{channel}: {:#?}", h.fake.writes()))
}

fn button_ids(message: &Value) -> Vec<String> {
    message["components"][0]["components"]
        .as_array()
        .expect("buttons")
        .iter()
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

fn message_id(m: &Value) -> u64 {
    m["id"].as_str().and_then(|s| s.parse().ok()).expect("message id")
}

/// Clicks and waits for keel's answer to the interaction.
async fn click(h: &Harness, message: u64, who: &str, custom_id: &str, values: Option<Vec<String>>) -> Recorded {
    let (id, token) = h.fake.click(message, h.user(who), custom_id, values).await;
    let path = format!("/interactions/{id}/{token}/callback");
    h.fake.wait_for(|r| r.method == "POST" && r.path == path, WAIT).await.expect("keel answers the interaction")
}

fn ephemeral(r: &Recorded) -> bool {
    r.body["type"] == 4 && r.body["data"]["flags"].as_u64().is_some_and(|f| f & 64 != 0)
}

async fn frustrated_customer() -> Harness {
    let mut h = Harness::start(World::support_server()).await;
    for t in FRUSTRATED {
        h.say("support", "alice", t).await;
    }
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_customer_can_choose_and_the_choice_is_recorded() {
    let h = frustrated_customer().await;
    let offer = with_buttons(&h, "support");
    let ids = button_ids(&offer);
    assert!(ids.len() >= 2, "{offer}");
    // Someone else is refused, ephemerally.
    let refused = click(&h, message_id(&offer), "bob", &ids[0], None).await;
    assert!(ephemeral(&refused), "{}", refused.body);
    assert!(refused.body["data"]["content"].as_str().unwrap_or("").contains("are for"), "{}", refused.body);
    // The customer chooses: the message is updated, the buttons disabled.
    let chosen = click(&h, message_id(&offer), "alice", &ids[0], None).await;
    assert_eq!(chosen.body["type"], 7, "UPDATE_MESSAGE: {}", chosen.body);
    let data = &chosen.body["data"];
    assert!(data["content"].as_str().unwrap_or("").contains("chose"), "{data}");
    let buttons = data["components"][0]["components"].as_array().expect("buttons");
    assert!(buttons.iter().all(|b| b["disabled"] == true), "{data}");
    // The moderators' nudge is updated with the choice.
    let note = h
        .fake
        .wait_for(|r| r.method == "PATCH" && r.body.to_string().contains("Customer's choice"), WAIT)
        .await
        .expect("the nudge shows the choice");
    assert!(note.path.starts_with(&format!("/channels/{}/messages/", h.channel("mod-log"))), "{}", note.path);
    // A second click on the same buttons is stale.
    let again = click(&h, message_id(&offer), "alice", &ids[0], None).await;
    assert!(ephemeral(&again), "{}", again.body);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn talk_to_a_person_calls_the_moderators() {
    let h = frustrated_customer().await;
    let offer = with_buttons(&h, "support");
    let labels: Vec<String> = offer["components"][0]["components"]
        .as_array()
        .expect("buttons")
        .iter()
        .map(|b| b["label"].as_str().unwrap_or("").to_lowercase())
        .collect();
    let person = labels.iter().position(|l| l.contains("person")).unwrap_or_else(|| panic!("{labels:?}"));
    click(&h, message_id(&offer), "alice", &button_ids(&offer)[person], None).await;
    let moderators = h.world().role("Moderators").id.to_string();
    let call = h
        .fake
        .wait_for(
            |r| r.method == "POST" && r.body["allowed_mentions"]["roles"] == serde_json::json!([moderators]),
            WAIT,
        )
        .await
        .expect("the moderators are called");
    assert!(call.body_str("content").unwrap_or("").contains("talk to a person"), "{}", call.body);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nudge_buttons_are_for_the_team_only() {
    let h = frustrated_customer().await;
    let nudge = with_buttons(&h, "mod-log");
    let claim = button_ids(&nudge).into_iter().find(|i| i.contains(":claim:")).expect("claim button");
    let refused = click(&h, message_id(&nudge), "bob", &claim, None).await;
    assert!(ephemeral(&refused), "{}", refused.body);
    assert!(refused.body["data"]["content"].as_str().unwrap_or("").contains("Only moderators"), "{}", refused.body);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_shows_on_the_nudge_and_later_nudges_ping_the_claimer() {
    let mut h = frustrated_customer().await;
    let nudge = with_buttons(&h, "mod-log");
    let claim = button_ids(&nudge).into_iter().find(|i| i.contains(":claim:")).expect("claim button");
    let answer = click(&h, message_id(&nudge), "mo", &claim, None).await;
    assert_eq!(answer.body["type"], 7, "{}", answer.body);
    let mo = h.user("mo");
    assert!(answer.body.to_string().contains(&format!("<@{mo}>")), "{}", answer.body);
    h.say("support", "alice", "you are all f*cking idiots").await;
    let later = h
        .fake
        .wait_for(|r| r.body["allowed_mentions"]["users"] == serde_json::json!([mo.to_string()]), WAIT)
        .await
        .expect("a later nudge pings the claimer");
    assert!(later.path.contains(&h.channel("mod-log").to_string()), "{}", later.path);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_false_alarm_cools_the_conversation() {
    let mut h = Harness::start(World::support_server()).await;
    h.say("support", "alice", "you absolute idiot").await; // strike 1: boundary tier 1
    let nudge = with_buttons(&h, "mod-log");
    let false_alarm = button_ids(&nudge).into_iter().find(|i| i.contains(":false:")).expect("false alarm button");
    let answer = click(&h, message_id(&nudge), "mo", &false_alarm, None).await;
    assert_eq!(answer.body["type"], 7, "{}", answer.body);
    assert!(answer.body.to_string().contains("False alarm"), "{}", answer.body);
    // Without the false alarm, this second strike would be a timeout.
    h.say("support", "alice", "you absolute moron").await;
    assert!(
        !h.fake.writes().iter().any(|r| r.method == "PATCH" && r.path.contains("/members/")),
        "no timeout after a false alarm: {:#?}",
        h.fake.writes()
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_foreign_buttons_get_a_polite_answer() {
    let h = frustrated_customer().await;
    let offer = with_buttons(&h, "support");
    for forged in ["keel:n:explode:1:2", "not-keel-at-all", "keel:c:1:99:no-such-set"] {
        let answer = click(&h, message_id(&offer), "alice", forged, None).await;
        assert!(ephemeral(&answer), "{forged}: {}", answer.body);
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unused_choices_expire_and_the_nudge_says_so() {
    let mut h = Harness::start_with(World::support_server(), "[choices]\nexpire_secs = 1\n").await;
    for t in FRUSTRATED {
        h.say("support", "alice", t).await;
    }
    let offer = with_buttons(&h, "support");
    let path = format!("/channels/{}/messages/{}", h.channel("support"), message_id(&offer));
    let edit =
        h.fake.wait_for(|r| r.method == "PATCH" && r.path == path, WAIT).await.expect("the buttons are disabled");
    assert!(edit.body_str("content").unwrap_or("").contains("expired"), "{}", edit.body);
    let buttons = edit.body["components"][0]["components"].as_array().expect("buttons");
    assert!(buttons.iter().all(|b| b["disabled"] == true), "{}", edit.body);
    h.fake
        .wait_for(|r| r.method == "PATCH" && r.body.to_string().contains("expired unused"), WAIT)
        .await
        .expect("the nudge says the choices expired");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offer_choices_from_a_nudge_posts_the_picked_set() {
    let h = frustrated_customer().await;
    let nudge = with_buttons(&h, "mod-log");
    let offer = button_ids(&nudge).into_iter().find(|i| i.contains(":offer:")).expect("offer button");
    let menu = click(&h, message_id(&nudge), "mo", &offer, None).await;
    assert!(ephemeral(&menu), "{}", menu.body);
    let select = menu.body["data"]["components"][0]["components"][0]["custom_id"].as_str().expect("a menu").to_string();
    let before = h.writes_to("support").len();
    let picked = click(&h, message_id(&nudge), "mo", &select, Some(vec!["bug-workaround".into()])).await;
    assert_eq!(picked.body["type"], 7, "{}", picked.body);
    assert!(picked.body.to_string().contains("bug-workaround"), "{}", picked.body);
    let alice = h.user("alice").to_string();
    support::harness::wait_until(|| h.writes_to("support").len() > before).await;
    let post = h.writes_to("support").into_iter().last().expect("the choices");
    assert_eq!(post.body["allowed_mentions"]["users"], serde_json::json!([alice]), "{}", post.body);
    h.stop().await;
}

/// A nudge's "offer choices" button refuses while the customer's last
/// message attacks the team, and says how to offer them anyway (issue 9).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nudge_offers_no_choices_in_answer_to_abuse() {
    let mut h = frustrated_customer().await;
    let nudge = with_buttons(&h, "mod-log");
    let offer = button_ids(&nudge).into_iter().find(|i| i.contains(":offer:")).expect("offer button");
    let before = h.writes_to("support").len();
    h.say("support", "alice", "You're all a bunch of stupid idiots and I hope every one of you gets fired.").await;
    let posted: Vec<Recorded> = h.writes_to("support").into_iter().skip(before).collect();
    assert!(
        posted.iter().all(|r| r.body["components"].as_array().is_none_or(std::vec::Vec::is_empty)),
        "no choice buttons in answer to abuse: {posted:#?}"
    );
    let refused = click(&h, message_id(&nudge), "mo", &offer, None).await;
    assert!(ephemeral(&refused), "{}", refused.body);
    let text = refused.body["data"]["content"].as_str().unwrap_or("");
    assert!(text.contains("does not offer choices") && text.contains("/keel offer"), "{text}");
    h.stop().await;
}
