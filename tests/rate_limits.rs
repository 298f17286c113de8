//! "A rate limit never loses an action": the live bot (with `[discord] api_base`, so keel's
//! own sender in `bot::discord::rest` handles 429s) against a fake Discord that answers 429, 5xx and
//! lost answers on chosen routes, keeping rate-limit buckets shut for `retry_after`.
//! Each test starts and stops its own fake; real waits are half a second or a second.

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::fake_discord::{Recorded, World};
use support::harness::{Harness, WAIT};

const FRUSTRATED: [&str; 3] = [
    "my package tracking hasn't moved in a week",
    "this is ridiculous, third time asking, still waiting!!!",
    "what a waste of my time, your support is useless",
];
const ABUSIVE: [&str; 2] = ["you are all f*cking idiots", "shut up you useless m0r0n, piece of sh1t"];

/// Alice heats up until keel replies with a boundary and times her out.
async fn escalate(h: &mut Harness) {
    for t in FRUSTRATED.iter().chain(ABUSIVE.iter()) {
        h.say("support", "alice", t).await;
    }
}

/// Alice heats up, then `script` sets up the fake, then her abuse gets a boundary reply.
async fn boundary_after(h: &mut Harness, script: impl FnOnce(&Harness)) {
    for t in FRUSTRATED {
        h.say("support", "alice", t).await;
    }
    script(h);
    h.say("support", "alice", ABUSIVE[0]).await;
}

fn is_boundary_reply(r: &Recorded) -> bool {
    r.method == "POST" && r.body["message_reference"].is_object()
}

/// The messages keel created in a channel that reply to another (boundary replies).
fn replies_in(h: &Harness, channel: &str) -> Vec<Value> {
    let channel = h.channel(channel);
    let bot = h.world().bot_id.to_string();
    h.fake
        .messages_in(channel)
        .into_iter()
        .filter(|m| m["author"]["id"] == json!(bot) && m["message_reference"].is_object())
        .collect()
}

/// A request's answer: its status, and whether it was dropped.
fn answered(r: &Recorded) -> String {
    format!("{}{}", r.status, if r.dropped { " (dropped)" } else { "" })
}

fn summary(requests: &[Recorded]) -> Vec<String> {
    requests.iter().map(|r| format!("{} {} -> {}", r.method, r.path, answered(r))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_429s_on_a_boundary_reply_still_reply_once_and_not_before_retry_after() {
    let mut h = Harness::start(World::support_server()).await;
    let path = format!("/channels/{}/messages", h.channel("support"));
    boundary_after(&mut h, |h| h.fake.rate_limit("POST", &path, 2, 0.5, false)).await;
    let tries: Vec<Recorded> = h.fake.requests().into_iter().filter(is_boundary_reply).collect();
    let statuses: Vec<u16> = tries.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200], "keel waits while the bucket is shut: {:#?}", summary(&tries));
    for pair in tries.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(gap >= Duration::from_millis(500), "retried {gap:?} after a 429 asking for 0.5 s");
    }
    assert_eq!(replies_in(&h, "support").len(), 1, "exactly one boundary reply");
    assert_eq!(h.bot.shared.rest.gave_up(), 0);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_global_429_pauses_the_next_calls() {
    let mut h = Harness::start(World::support_server()).await;
    let nudges = format!("/channels/{}/messages", h.channel("mod-log"));
    h.fake.rate_limit("POST", &nudges, 1, 1.0, true);
    // Alice's abuse: keel nudges the moderators and meets a global limit.
    let alice = h.user("alice");
    h.fake.message_create(h.channel("support"), alice, ABUSIVE[0]).await;
    let limited = h.fake.wait_for(|r| r.status == 429, WAIT).await.expect("a global 429");
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Bob's abuse arrives while every route is shut: keel must not call before it reopens.
    h.say("billing", "bob", "you absolute m0r0n").await;
    let billing = h.writes_to("billing");
    assert!(!billing.is_empty(), "keel answered bob");
    for r in &billing {
        assert!(r.status < 400, "called while globally limited: {:#?}", summary(&billing));
        let after = r.at - limited.at;
        assert!(after >= Duration::from_secs(1), "called {after:?} after a global 429 asking for 1 s");
    }
    // Alice's nudge went out once the pause was over, and nothing was lost.
    let nudged = h.fake.requests().into_iter().filter(|r| r.is("POST", &nudges) && r.status == 200).count();
    assert!(nudged >= 1, "{:#?}", summary(&h.fake.requests()));
    assert_eq!(replies_in(&h, "support").len(), 1, "alice got her boundary reply");
    assert_eq!(h.bot.shared.rest.gave_up(), 0);
    h.stop().await;
}

/// The PATCH that times alice out, as recorded.
fn timeout_patches(h: &Harness) -> Vec<Recorded> {
    let member = format!("/guilds/{}/members/{}", h.world().guild_id, h.user("alice"));
    h.fake.requests().into_iter().filter(|r| r.is("PATCH", &member)).collect()
}

async fn timeout_through(failures: &[&str]) -> Vec<String> {
    let mut h = Harness::start(World::support_server()).await;
    let member = format!("/guilds/{}/members/{}", h.world().guild_id, h.user("alice"));
    let error = json!({ "message": "500: Internal Server Error", "code": 0 });
    // The latest override answers first, so the failures are set up last to first.
    for failure in failures.iter().rev() {
        match *failure {
            "lost" => h.fake.drop_answers("PATCH", &member, 1),
            status => h.fake.respond_times("PATCH", &member, 1, status.parse().expect("a status"), error.clone(), &[]),
        }
    }
    escalate(&mut h).await;
    let patches = timeout_patches(&h);
    let done: Vec<&Recorded> = patches.iter().filter(|r| r.status == 200).collect();
    assert!(!done.is_empty(), "alice was timed out: {:#?}", summary(&patches));
    let until = done[0].body_str("communication_disabled_until");
    assert!(done.iter().all(|r| r.body_str("communication_disabled_until") == until), "one timeout, the same each try");
    assert_eq!(h.bot.shared.rest.gave_up(), 0);
    h.stop().await;
    patches.iter().map(answered).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_500s_on_the_timeout_patch_still_time_out_once() {
    assert_eq!(timeout_through(&["500", "500"]).await, ["500", "500", "200"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_patch_failing_three_ways_is_still_done() {
    assert_eq!(timeout_through(&["502", "503", "lost"]).await, ["502", "503", "200 (dropped)", "200"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_after_a_posted_boundary_reply_posts_it_once() {
    let mut h = Harness::start(World::support_server()).await;
    let path = format!("/channels/{}/messages", h.channel("support"));
    boundary_after(&mut h, |h| h.fake.drop_answers("POST", &path, 1)).await;
    let tries: Vec<Recorded> = h.fake.requests().into_iter().filter(is_boundary_reply).collect();
    assert_eq!(tries.len(), 2, "{:#?}", summary(&tries));
    assert!(tries[0].dropped && !tries[1].dropped, "{:#?}", summary(&tries));
    let nonce = tries[0].body["nonce"].as_str().expect("a nonce");
    assert!(!nonce.is_empty() && nonce.len() <= 25, "{nonce}");
    assert!(tries.iter().all(|r| r.body["nonce"] == json!(nonce) && r.body["enforce_nonce"] == json!(true)));
    assert_eq!(replies_in(&h, "support").len(), 1, "the retry got the first reply back");
    h.stop().await;
}
