//! Time-based chores of the live bot: choice buttons that expire.
//!
//! Offered choices stop working after `[choices] expire_secs`; the sweeper
//! disables their buttons, says so under the question, and notes it on the
//! moderators' nudge, so nobody clicks a dead button or waits on an answer
//! that will not come.

use crate::bot::components::Component;
use crate::bot::execute::disabled_buttons;
use crate::bot::interactions::note_on_nudge;
use crate::bot::state::{lock, OfferedChoice, Shared};
use serenity::all::{ChannelId, CreateAllowedMentions, EditMessage, Http, MessageId};
use std::sync::Arc;
use std::time::Duration;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// How often to look, given how long choices live: often enough that a
/// button is never live for much longer than promised.
pub fn interval(expire_secs: u64) -> Duration {
    Duration::from_secs((expire_secs / 4).clamp(1, 30))
}

/// Removes and returns the choices expired at `now_ms`.
pub fn take_expired(shared: &Shared, now_ms: i64) -> Vec<(u64, OfferedChoice)> {
    let mut choices = lock(&shared.choices);
    let expired: Vec<u64> = choices.iter().filter(|(_, c)| c.expires_ms <= now_ms).map(|(id, _)| *id).collect();
    expired.into_iter().filter_map(|id| choices.remove(&id).map(|c| (id, c))).collect()
}

async fn expire(shared: &Shared, http: &Http, message: u64, c: OfferedChoice) {
    let ids: Vec<(String, String)> = c
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| (Component::Choice { set: c.set.clone(), option: i, customer: c.customer }.id(), o.0.clone()))
        .collect();
    let edit = EditMessage::new()
        .content(format!("{}\n*These options have expired; the team will follow up with you here.*", c.prompt))
        .components(disabled_buttons(&ids, None))
        .allowed_mentions(CreateAllowedMentions::new().empty_users().empty_roles());
    if let Err(e) = ChannelId::new(c.channel).edit_message(http, MessageId::new(message), edit).await {
        tracing::warn!(error = %e, message, "cannot disable expired choice buttons");
    }
    if let Some(g) = shared.guild(c.guild) {
        note_on_nudge(shared, http, &g, c.channel, c.customer, "Choices", "The offered choices expired unused.").await;
    }
}

/// Sweeps until the process ends.
pub async fn watch(shared: Arc<Shared>, http: Arc<Http>) {
    loop {
        let expire_secs = lock(&shared.engine).policy().choices.expire_secs;
        tokio::time::sleep(interval(expire_secs)).await;
        for (message, c) in take_expired(&shared, now_ms()) {
            expire(&shared, &http, message, c).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_intervals() {
        assert_eq!(interval(0), Duration::from_secs(1));
        assert_eq!(interval(8), Duration::from_secs(2));
        assert_eq!(interval(3600), Duration::from_secs(30));
    }
}
