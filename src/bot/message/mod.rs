//! The message path: a guild message in a watched channel, judged and acted on.
//!
//! One message goes through five steps, each returning plain data for the
//! next, so each is testable without Discord:
//!
//! 1. [`incoming`]: what arrived (bots, webhooks and DMs are dropped);
//! 2. [`prepare`]: facts from serenity's cache, the customer's stored
//!    strikes, the context reader's reading → [`Prepared`] (before the
//!    message's turn in its channel);
//! 3. [`decide`]: the engine, under its one lock, during the turn → [`Judgement`];
//! 4. [`act`]: the earlier nudge and the claim looked up, [`act::plan`] →
//!    `Vec<Step>`, then [`act::execute`] carries them out;
//! 5. [`record`]: the events of the message's case and its strike, queued
//!    for the database in one batch.
//!
//! May import: [`shared`](crate::bot::shared) and
//! [`discord`](crate::bot::discord); never the buttons, the commands, the
//! tasks or the launch.

pub mod act;
pub mod decide;
pub mod incoming;
pub mod prepare;
pub mod record;

pub use decide::Judgement;
pub use incoming::Incoming;
pub use prepare::Prepared;

use crate::bot::shared::order::Ticket;
use crate::bot::shared::sync::lock;
use crate::bot::shared::Shared;
use serenity::all::Context;

/// Judges one message and acts on the decision. `ticket` is the message's
/// place in its channel's order: the work that does not depend on order
/// (the stored strikes, the context reader) is done first, then the turn is
/// awaited and held until the engine has decided.
pub async fn judge(shared: &Shared, ctx: &Context, m: Incoming<'_>, ticket: Option<Ticket>) {
    let Some(p) = prepare::prepare(shared, &ctx.cache, &m).await else { return };
    let turn = match ticket {
        Some(t) => Some(t.wait().await),
        None => None,
    };
    let j = decide::decide(&mut lock(&shared.engine), &p);
    shared.probes.judged(p.channel.get(), p.message);
    // Judged: the channel's next message may be judged while this one's actions run.
    drop(turn);
    tracing::debug!(
        guild = m.guild.get(),
        channel = p.channel.get(),
        message = p.message,
        score = j.decision.analysis.score,
        level = %j.decision.outcome.level,
        actions = j.decision.actions.len(),
        "judged"
    );
    let known = act::lookup(shared, &p, &j).await;
    let steps = act::plan(&p, &j, &known);
    let executed = act::execute(shared, &ctx.http, &p, &j, &known, steps).await;
    if p.customer() {
        record::remember(shared, &p, &j, &executed);
    }
}

#[cfg(test)]
mod tests;
