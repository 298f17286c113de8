//! Each channel's messages are judged in the order Discord sent them, even
//! though serenity hands every event to keel in a task of its own.

mod support;

use support::fake_discord::World;
use support::harness::{wait_until, Harness};

const TEXTS: [&str; 6] = [
    "hi, my order hasn't arrived",
    "my package tracking hasn't moved in a week",
    "this is ridiculous, third time asking, still waiting!!!",
    "thanks, I'll wait then",
    "what a waste of my time, your support is useless",
    "you are all f*cking idiots",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_is_judged_in_the_order_discord_sent_it() {
    let h = Harness::start(World::support_server()).await;
    let shared = h.bot.shared.clone();
    wait_until(|| shared.order.is_listening()).await;
    shared.probes.note_judged();
    let (support, billing) = (h.channel("support"), h.channel("billing"));
    let customers = [h.user("alice"), h.user("bob")];
    // Sent back to back, without waiting for keel: two channels, two customers each.
    let mut sent = Vec::new();
    for i in 0..240 {
        let channel = if i % 2 == 0 { support } else { billing };
        let id = h.fake.message_create(channel, customers[(i / 2) % 2], TEXTS[(i / 4) % TEXTS.len()]).await;
        sent.push((channel, id));
    }
    wait_until(|| shared.handled_count() >= sent.len() as u64).await;
    let judged = shared.probes.judged_so_far().expect("recording");
    assert_eq!(judged.len(), sent.len(), "every message was judged");
    for channel in [support, billing] {
        let order = |all: &[(u64, u64)]| -> Vec<u64> { all.iter().filter(|m| m.0 == channel).map(|m| m.1).collect() };
        assert_eq!(order(&judged), order(&sent), "judged in the order sent in channel {channel}");
    }
    h.stop().await;
}
