//! Time-based chores of the live bot: choice buttons that expire, and
//! follow-ups that fall due (kept in the database, so they survive a restart).
//!
//! Offered choices stop working after `[choices] expire_secs`; the sweeper
//! disables their buttons, says so under the question, and notes it on the
//! moderators' nudge, so nobody clicks a dead button or waits on an answer
//! that will not come.

use crate::bot::discord::execute;
use crate::bot::discord::execute::disabled_buttons;
use crate::bot::discord::plan::Step;
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::conversations::EXPIRED_NOTE;
use crate::bot::shared::{FollowUp, OfferedChoice, Shared};
use serenity::all::{ChannelId, CreateAllowedMentions, EditMessage, Http, MessageId};
use std::sync::Arc;
use std::time::Duration;

/// How often the sweeper looks: a button is never live, and a follow-up
/// never late, by much more than this.
pub const INTERVAL: Duration = Duration::from_secs(1);

/// The follow-up question for a customer, from the pack's `follow-up` script when it has one.
pub fn followup_text(shared: &Shared, f: &FollowUp) -> String {
    shared.for_member(f.channel, Some(f.customer), "", |engine, vars| {
        match engine.analyzer().pack().script("follow-up") {
            Some(s) => s.say.render(vars),
            None => format!("{}, checking in: is everything sorted with {}?", vars.user, vars.issue),
        }
    })
}

async fn expire(shared: &Shared, http: &Http, message: u64, c: OfferedChoice) {
    let edit = EditMessage::new()
        .content(c.expired_text())
        .components(disabled_buttons(&c.button_ids(), None))
        .allowed_mentions(CreateAllowedMentions::new().empty_users().empty_roles());
    if let Err(e) = ChannelId::new(c.channel.get()).edit_message(http, MessageId::new(message), edit).await {
        tracing::warn!(error = %e, message, "cannot disable expired choice buttons");
    }
    if let Some(g) = shared.guild(c.guild.get()) {
        let (name, value) = EXPIRED_NOTE;
        shared.note_on_nudge(http, &g, c.conversation(), name, value).await;
    }
}

/// The follow-ups due at `now_ms`, each claimed before it is returned, so
/// it is sent at most once: from the database when there is one (late ones
/// from before a restart included, two due together for one conversation
/// asked once), else from memory.
pub async fn due_followups(shared: &Shared, now_ms: i64) -> Vec<FollowUp> {
    let Some(memory) = &shared.memory else { return shared.conversations.take_due_followups(now_ms) };
    let claimed = memory
        .read("claim due follow-ups", move |s| {
            let mut out: Vec<FollowUp> = Vec::new();
            for f in s.pending_followups(now_ms)? {
                let c = f.conversation;
                // Follow-ups are a customer's; a row without one is not asked.
                let Some(customer) = c.member else { continue };
                // Claimed before sending: a crash after this loses the question, never repeats it.
                if s.mark_followup_fired(f.id, now_ms)? && !out.iter().any(|o| o.conversation() == c) {
                    out.push(FollowUp { guild: c.guild, channel: c.channel, customer, due_ms: f.due_ms });
                }
            }
            Ok(out)
        })
        .await;
    claimed.unwrap_or_default()
}

/// Sweeps until the process ends.
pub async fn watch(shared: Arc<Shared>, http: Arc<Http>) {
    loop {
        tokio::time::sleep(INTERVAL).await;
        let now = now_ms();
        for (message, c) in shared.conversations.take_expired_choices(now) {
            expire(&shared, &http, message, c).await;
        }
        for f in due_followups(&shared, now).await {
            if shared.guild(f.guild.get()).is_some_and(|g| g.actions.watch_only) {
                tracing::info!(guild = f.guild.get(), "watch-only: a follow-up due is not asked");
                continue;
            }
            let dm = shared.config().followups.dm;
            let step = Step::FollowUp {
                channel: f.channel.get(),
                dm,
                customer: f.customer.get(),
                text: followup_text(&shared, &f),
            };
            if let execute::StepResult::Forbidden(e) | execute::StepResult::Failed(e) =
                execute::run(&http, &shared.rest, &step).await
            {
                tracing::warn!(error = %e, channel = f.channel.get(), "cannot ask for a follow-up");
            }
        }
    }
}
