//! Steps 3 and 4: what the judgement means in this server, and doing it.
//!
//! [`lookup`] finds what the plan depends on besides the judgement (an
//! earlier nudge about the conversation, in memory or the database; who
//! claimed it; an edit that defused a nudged message), [`plan()`] turns the
//! judgement into [`Step`]s (pure), and [`execute()`] carries them out,
//! remembering what they posted (nudges to edit later, choice buttons) and
//! reporting a missing permission once.

use crate::bot::discord::execute::{self, StepResult};
use crate::bot::discord::plan::{self as discord_plan, nudge_action, EarlierNudge, PlanInput, Step};
use crate::bot::discord::text::sparkline;
use crate::bot::message::decide::Judgement;
use crate::bot::message::prepare::Prepared;
use crate::bot::shared::conversations::PostedNudge;
use crate::bot::shared::Shared;
use crate::core::ids::{ChannelId, Conversation, GuildId, MemberId};
use crate::core::policy::{Action, NudgeScope};
use serenity::all::Http;

/// What the plan depends on besides the judgement.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The conversation the nudge (if the engine nudges) is about.
    pub nudge_key: Option<Conversation>,
    /// The earlier nudge about it still within the cooldown.
    pub earlier: Option<EarlierNudge>,
    /// The moderator who claimed it.
    pub claimed_by: Option<u64>,
    /// The note on the nudge about an edited message that no longer reads as hostile.
    pub defused: Option<Step>,
}

/// Looks up what the plan depends on: the nudge in memory, else in the database.
pub async fn lookup(shared: &Shared, p: &Prepared<'_>, j: &Judgement) -> Known {
    let decision = &j.decision;
    let scope_key = |a: &Action| -> Conversation {
        match a {
            Action::NudgeModerators { scope: NudgeScope::Channel, .. } => {
                Conversation::channel(GuildId(p.guild.id), p.channel)
            }
            _ => p.conversation(),
        }
    };
    let nudge_key = decision.actions.iter().find(|a| matches!(a, Action::NudgeModerators { .. })).map(scope_key);
    let in_memory = nudge_key.map(|k| shared.conversations.nudge(&k).map(|r| r.earlier));
    let earlier = match (in_memory, &shared.memory) {
        (Some(Some(e)), _) => Some(e),
        // Not in memory (a restart, or forgotten): the database knows the latest nudge.
        (Some(None), Some(memory)) => {
            let about = nudge_key.unwrap_or_else(|| p.conversation());
            memory
                .read("find the latest nudge", move |s| s.nudge_message(about))
                .await
                .flatten()
                .map(|n| EarlierNudge { message: n.message, posted_ms: n.posted_ms, level: n.level })
        }
        _ => None,
    }
    .filter(|e| p.at_ms - e.posted_ms < j.nudge_cooldown_ms);
    let claimed_by = nudge_key.and_then(|k| shared.conversations.claimed_by(&k));
    let defused = if p.edited && !decision.analysis.hostile {
        shared.conversations.defused_edit_note(&p.guild, p.conversation(), p.message)
    } else {
        None
    };
    Known { nudge_key, earlier, claimed_by, defused }
}

/// The steps for a judged message in this server.
pub fn plan(p: &Prepared<'_>, j: &Judgement, known: &Known) -> Vec<Step> {
    let spark = sparkline(&j.recent);
    let situation = PlanInput {
        guild: &p.guild,
        channel: p.channel.get(),
        channel_name: &p.channel_name,
        message: p.message,
        author: p.author.get(),
        text: p.text,
        protected: p.protected,
        sparkline: &spark,
        now_ms: p.at_ms,
        earlier: known.earlier,
        edited: p.edited,
        claimed_by: known.claimed_by,
        severe: j.decision.analysis.severe,
    };
    let mut steps = discord_plan::plan(&situation, &j.decision.actions);
    steps.extend(known.defused.clone());
    steps
}

/// One judged message being acted on.
struct Acting<'a> {
    shared: &'a Shared,
    http: &'a Http,
    p: &'a Prepared<'a>,
    j: &'a Judgement,
    known: &'a Known,
}

/// Carries the steps out: what the customer sees and what moderators see go
/// out side by side; within each side, steps keep their order (a boundary
/// reply before its timeout). Returns each step that succeeded with the
/// message it posted or edited.
pub async fn execute(
    shared: &Shared,
    http: &Http,
    p: &Prepared<'_>,
    j: &Judgement,
    known: &Known,
    steps: Vec<Step>,
) -> Vec<(Step, Option<u64>)> {
    let acting = Acting { shared, http, p, j, known };
    let (customer, moderators): (Vec<Step>, Vec<Step>) = steps.into_iter().partition(Step::faces_customer);
    let (mut executed, moderators) = tokio::join!(acting.run(customer), acting.run(moderators));
    executed.extend(moderators);
    executed
}

impl Acting<'_> {
    /// Runs one side's steps in order.
    async fn run(&self, steps: Vec<Step>) -> Vec<(Step, Option<u64>)> {
        let mut done = Vec::new();
        for step in steps {
            let outcome = execute::run(self.http, &self.shared.rest, &step).await;
            if let StepResult::Done(id) = outcome {
                done.push((step.clone(), id));
            }
            self.after(&step, outcome).await;
        }
        done
    }

    /// Remembers what a step posted and reports failures.
    async fn after(&self, step: &Step, outcome: StepResult) {
        let (shared, g, decision) = (self.shared, &self.p.guild, &self.j.decision);
        match outcome {
            StepResult::Done(Some(id)) => {
                if let Step::OfferChoices { channel, customer, .. } = step {
                    if let Some(offer) = decision.actions.iter().find(|a| matches!(a, Action::OfferChoices { .. })) {
                        // Recorded with the message's batch (see record), so only remembered here.
                        let about = Conversation::member(GuildId(g.id), ChannelId(*channel), MemberId(*customer));
                        shared.choices_posted(about, offer, id, self.p.at_ms, false);
                    }
                }
                if let (Step::Nudge { embed, edit, .. }, Some(key)) = (step, self.known.nudge_key) {
                    let posted = PostedNudge {
                        message: id,
                        edited: edit.is_some(),
                        about_message: self.p.message,
                        embed,
                        shows: nudge_action(&decision.actions).map(|(_, say, level)| (say, level)),
                        earlier: self.known.earlier,
                        level: decision.outcome.level,
                        at_ms: self.p.at_ms,
                    };
                    shared.conversations.nudge_posted(key, posted);
                }
            }
            StepResult::Done(None) => {}
            StepResult::Forbidden(e) => {
                let what = execute::describe(step);
                tracing::warn!(guild = g.id, error = %e, "missing permission to {what}");
                if shared.first_report(g.id, what) {
                    let note = Step::Notice {
                        channel: g.moderator_channel,
                        content: format!(
                            "keel could not {what}: Discord answered 403 (missing permission). Check keel's role and channel permissions; keel carries on and will not repeat this note."
                        ),
                    };
                    if let StepResult::Forbidden(e) | StepResult::Failed(e) =
                        execute::run(self.http, &shared.rest, &note).await
                    {
                        tracing::warn!(guild = g.id, error = %e, "cannot post in the moderator channel either");
                    }
                }
            }
            StepResult::Failed(e) => tracing::error!(guild = g.id, error = %e, "could not {}", execute::describe(step)),
            // Logged and counted where it was given up.
            StepResult::GaveUp(_) => {}
        }
    }
}
