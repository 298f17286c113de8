//! Gateway events in, judged messages out.
//!
//! For every message in a watched channel (or a thread or forum post under
//! one) the handler extracts plain facts from serenity's cache, asks the
//! engine for a decision, plans the Discord operations and carries them out.
//! Bots, webhooks, DMs and unwatched channels are ignored.

use crate::bot::discord::execute::{self, Outcome};
use crate::bot::discord::members::{protection, role_of, MemberFacts, Protected};
use crate::bot::discord::plan::{nudge_action, plan, EarlierNudge, Situation, Step};
use crate::bot::discord::text::sparkline;
use crate::bot::shared::db::{self, Judged};
use crate::bot::shared::order::Ticket;
use crate::bot::shared::sync::lock;
use crate::bot::shared::{ConversationKey, NudgeRecord, OfferedChoice, Shared};
use crate::config::GuildConfig;
use crate::core::context::wants_reading;
use crate::core::engine::{Decision, Message as CoreMessage};
use crate::core::policy::{Action, NudgeScope};
use crate::core::Role;
use crate::store::{Conversation, Strike, Write};
use serenity::all::{
    ChannelId, Context, EventHandler, Guild, GuildId, Interaction, Message, MessageUpdateEvent, Ready, RoleId,
    Timestamp, User,
};
use std::sync::Arc;

/// serenity's event handler for keel.
#[derive(Debug, Clone)]
pub struct Handler {
    /// State shared with the reloader.
    pub shared: Arc<Shared>,
}

/// Facts about a message's place and author, read from the cache.
#[derive(Debug)]
struct Facts {
    channel_name: String,
    role: Role,
    protected: Option<Protected>,
}

/// A message to judge, from MESSAGE_CREATE or MESSAGE_UPDATE.
struct Incoming<'a> {
    guild: GuildId,
    channel: ChannelId,
    message: u64,
    author: &'a User,
    roles: &'a [RoleId],
    text: &'a str,
    at: Timestamp,
    edited: bool,
}

fn unix_ms(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

/// Reads what keel needs from the cache; `None` when the channel is not
/// watched or the guild is not cached yet.
fn facts(ctx: &Context, g: &GuildConfig, m: &Incoming<'_>) -> Option<Facts> {
    let bot_id = ctx.cache.current_user().id;
    let guild = ctx.cache.guild(m.guild)?;
    let channel = guild.channels.get(&m.channel).or_else(|| guild.threads.iter().find(|t| t.id == m.channel))?;
    let watched_id = |id: ChannelId| g.watch_channels.contains(&id.get());
    let in_category =
        |c: &serenity::all::GuildChannel| c.parent_id.is_some_and(|p| g.watch_categories.contains(&p.get()));
    let watched = watched_id(channel.id)
        || in_category(channel)
        || channel.parent_id.is_some_and(|p| watched_id(p) || guild.channels.get(&p).is_some_and(in_category));
    if !watched {
        return None;
    }
    let position =
        |roles: &[RoleId]| roles.iter().filter_map(|r| guild.roles.get(r)).map(|r| r.position).max().unwrap_or(0);
    let is_admin = m.roles.iter().filter_map(|r| guild.roles.get(r)).any(|r| r.permissions.administrator());
    let member = MemberFacts {
        user_id: m.author.id.get(),
        roles: m.roles.iter().map(|r| r.get()).collect(),
        is_owner: guild.owner_id == m.author.id,
        is_admin,
        top_role_position: position(m.roles),
    };
    let bot_top = guild.members.get(&bot_id).map_or(0, |b| position(&b.roles));
    Some(Facts {
        channel_name: channel.name.clone(),
        role: role_of(g, &member),
        protected: protection(g, &member, bot_top),
    })
}

impl Handler {
    /// The context reader's reading of a customer's message, when there is a
    /// reader and the phrases alone do not already find the message hostile.
    async fn read(&self, text: &str) -> Option<f32> {
        let (reader, analyzer) = {
            let engine = lock(&self.shared.engine);
            (engine.reader().cloned()?, engine.analyzer().clone())
        };
        let text = text.to_owned();
        let task = tokio::task::spawn_blocking(move || {
            let a = analyzer.analyze(&text, 0.0);
            if !wants_reading(Role::Customer, &a) {
                return Ok(None);
            }
            reader.read(a.normalized.text()).map(Some)
        });
        match task.await {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "context reader failed; judged by phrases alone");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "context reader task failed; judged by phrases alone");
                None
            }
        }
    }

    /// Judges one message and acts on the decision. `ticket` is the
    /// message's place in its channel's order: the work that does not depend
    /// on order (the stored strikes, the context reader) is done first, then
    /// the turn is awaited and held until the engine has decided.
    async fn judge(&self, ctx: &Context, m: Incoming<'_>, ticket: Option<Ticket>) {
        let Some(g) = self.shared.guild(m.guild.get()) else { return };
        let Some(f) = facts(ctx, &g, &m) else { return };
        let author_name = format!("<@{}>", m.author.id);
        let now_ms = unix_ms(m.at);
        let core = CoreMessage {
            ts_ms: now_ms,
            channel: m.channel.get(),
            author: m.author.id.get(),
            role: f.role,
            text: m.text,
            author_name: &author_name,
            channel_name: &format!("#{}", f.channel_name),
        };
        // A customer's conversation seen for the first time (since a restart,
        // or since it went idle) continues with the strikes stored before.
        let customer = !f.role.is_team();
        let seed = match &self.shared.memory {
            Some(memory)
                if customer
                    && self.shared.may_have_strikes(g.id, core.author)
                    && !lock(&self.shared.engine).tracker().is_tracked(core.channel, core.author, now_ms) =>
            {
                let window_ms = self.shared.config().engine.escalation.strike_window_secs as i64 * 1000;
                let (guild, author) = (g.id, core.author);
                memory.read("read strikes", move |s| s.strikes(guild, author, now_ms - window_ms)).await
            }
            _ => None,
        };
        // The context reader takes milliseconds: it reads off the engine's
        // lock, on a blocking thread, and only what the phrases leave open.
        let reading = if customer { self.read(m.text).await } else { None };
        let turn = match ticket {
            Some(t) => Some(t.wait().await),
            None => None,
        };
        let (decision, recent, cooldown_ms) = {
            let mut engine = lock(&self.shared.engine);
            if let Some(strikes) = seed {
                let times: Vec<i64> = strikes.iter().map(|s| s.at_ms).collect();
                if engine.seed_strikes(now_ms, core.channel, core.author, &times) && !times.is_empty() {
                    tracing::info!(
                        guild = g.id,
                        member = core.author,
                        strikes = times.len(),
                        "strikes remembered from before"
                    );
                }
            }
            let mut d = Decision::default();
            engine.process_read_into(&core, reading, &mut d);
            let recent = engine.tracker().recent_scores(m.channel.get(), m.author.id.get());
            (d, recent, engine.policy().nudge.cooldown_secs as i64 * 1000)
        };
        if let Some(judged) = lock(&self.shared.judged).as_mut() {
            judged.push((m.channel.get(), m.message));
        }
        // Judged: the channel's next message may be judged while this one's actions run.
        drop(turn);
        tracing::debug!(
            guild = m.guild.get(),
            channel = m.channel.get(),
            message = m.message,
            score = decision.analysis.score,
            level = %decision.outcome.level,
            actions = decision.actions.len(),
            "judged"
        );
        let scope_key = |a: &Action| -> ConversationKey {
            match a {
                Action::NudgeModerators { scope: NudgeScope::Channel, .. } => (g.id, m.channel.get(), 0),
                _ => (g.id, m.channel.get(), m.author.id.get()),
            }
        };
        let nudge_key = decision.actions.iter().find(|a| matches!(a, Action::NudgeModerators { .. })).map(scope_key);
        let in_memory = nudge_key.map(|k| lock(&self.shared.nudges).get(&k).map(|r| r.earlier));
        let earlier = match (in_memory, &self.shared.memory) {
            (Some(Some(e)), _) => Some(e),
            // Not in memory (a restart, or forgotten): the database knows the latest nudge.
            (Some(None), Some(memory)) => {
                let (guild, channel, member) = nudge_key.unwrap_or_default();
                memory
                    .read("find the latest nudge", move |s| s.nudge_message(guild, channel, member))
                    .await
                    .flatten()
                    .map(|n| EarlierNudge { message: n.message, posted_ms: n.posted_ms, level: n.level })
            }
            _ => None,
        }
        .filter(|e| now_ms - e.posted_ms < cooldown_ms);
        let spark = sparkline(&recent);
        let situation = Situation {
            guild: &g,
            channel: m.channel.get(),
            channel_name: &f.channel_name,
            message: m.message,
            author: m.author.id.get(),
            text: m.text,
            protected: f.protected,
            sparkline: &spark,
            now_ms,
            earlier,
            edited: m.edited,
            claimed_by: nudge_key.and_then(|k| lock(&self.shared.claims).get(&k).copied()),
            severe: decision.analysis.severe,
        };
        let mut steps = plan(&situation, &decision.actions);
        if m.edited && !decision.analysis.hostile {
            steps.extend(self.defused_edit_note(&g, m.channel.get(), m.author.id.get(), m.message));
        }
        // What the customer sees and what moderators see go out side by side;
        // within each side, steps keep their order (a boundary reply before its timeout).
        let (customer_steps, moderators): (Vec<Step>, Vec<Step>) = steps.into_iter().partition(Step::faces_customer);
        let run_all = |steps: Vec<Step>| {
            let (g, decision) = (&g, &decision);
            async move {
                let mut done = Vec::new();
                for step in steps {
                    let outcome = execute::run(&ctx.http, &self.shared.rest, &step).await;
                    if let Outcome::Done(id) = outcome {
                        done.push((step.clone(), id));
                    }
                    self.after(&ctx.http, g, &step, nudge_key, earlier, m.message, now_ms, decision, outcome).await;
                }
                done
            }
        };
        let (mut executed, moderators) = tokio::join!(run_all(customer_steps), run_all(moderators));
        executed.extend(moderators);
        if customer {
            self.remember(&g, &m, now_ms, &decision, &executed);
        }
    }

    /// Records a judged message and what was done about it (one batch, so a
    /// kill loses all of it or none), and its strike.
    fn remember(
        &self,
        g: &GuildConfig,
        m: &Incoming<'_>,
        now_ms: i64,
        decision: &Decision,
        executed: &[(Step, Option<u64>)],
    ) {
        let Some(memory) = &self.shared.memory else { return };
        let (signals, expire_ms) = {
            let engine = lock(&self.shared.engine);
            (db::signals(engine.analyzer().pack(), decision), engine.policy().choices.expire_secs as i64 * 1000)
        };
        let judged = Judged {
            guild: g.id,
            channel: m.channel.get(),
            author: m.author.id.get(),
            message: m.message,
            at_ms: now_ms,
            text: m.text,
        };
        let storage = self.shared.config().storage.clone();
        memory.record(db::judged_events(&judged, decision, signals, executed, &storage, expire_ms));
        if decision.analysis.abusive {
            let conversation = Conversation::new(g.id, m.channel.get(), m.author.id.get());
            self.shared.note_strike(g.id, m.author.id.get());
            memory.send(Write::Strike(Strike { conversation, at_ms: now_ms }));
        }
    }

    /// When an edit removed what made a message hostile, the nudge about it says so.
    fn defused_edit_note(&self, g: &GuildConfig, channel: u64, author: u64, message: u64) -> Option<Step> {
        let nudges = lock(&self.shared.nudges);
        let r = nudges.get(&(g.id, channel, author)).filter(|r| r.about_message == message)?;
        let mut embed = r.embed.clone();
        if embed.description.contains("edited and no longer") {
            return None;
        }
        embed.description.push_str("\nThe message was edited and no longer reads as hostile.");
        Some(Step::Nudge {
            channel: g.moderator_channel,
            edit: Some(r.earlier.message),
            embed,
            about: (channel, author),
            buttons: true,
            ping: None,
        })
    }

    /// Records what a step produced and reports failures.
    #[allow(clippy::too_many_arguments)]
    async fn after(
        &self,
        http: &serenity::all::Http,
        g: &GuildConfig,
        step: &Step,
        nudge_key: Option<ConversationKey>,
        earlier: Option<EarlierNudge>,
        about: u64,
        now_ms: i64,
        decision: &Decision,
        outcome: Outcome,
    ) {
        match outcome {
            Outcome::Done(Some(id)) => {
                if let Step::OfferChoices { channel, customer, set, prompt, .. } = step {
                    let options = decision
                        .actions
                        .iter()
                        .find_map(|a| match a {
                            Action::OfferChoices { options, .. } => Some(options.clone()),
                            _ => None,
                        })
                        .unwrap_or_default();
                    let expire_ms = lock(&self.shared.engine).policy().choices.expire_secs as i64 * 1000;
                    let offered = OfferedChoice {
                        guild: g.id,
                        channel: *channel,
                        customer: *customer,
                        set: set.clone(),
                        prompt: prompt.clone(),
                        options,
                        expires_ms: now_ms + expire_ms,
                    };
                    self.shared.remember_choice(id, offered);
                }
                if let (Step::Nudge { embed, edit, .. }, Some(key)) = (step, nudge_key) {
                    let known = lock(&self.shared.nudges).get(&key).map(|r| (r.earlier, r.say.clone()));
                    let known_earlier = known.as_ref().map(|k| k.0).or(earlier);
                    // Remembered at the level the nudge shows, as the database remembers it;
                    // a note on a nudge (no nudge action) keeps the level and line it had.
                    let (say, level) = match nudge_action(&decision.actions) {
                        Some((_, say, level)) => (say.to_string(), level),
                        None => (
                            known.map(|k| k.1).unwrap_or_default(),
                            known_earlier.map_or(decision.outcome.level, |e| e.level),
                        ),
                    };
                    let posted_ms = match edit {
                        // An edit keeps the original nudge's time, so the cooldown runs from the first post.
                        Some(_) => known_earlier.map_or(now_ms, |e| e.posted_ms),
                        None => now_ms,
                    };
                    let earlier = EarlierNudge { message: id, posted_ms, level };
                    self.shared
                        .remember_nudge(key, NudgeRecord { earlier, about_message: about, say, embed: embed.clone() });
                }
            }
            Outcome::Done(None) => {}
            Outcome::Forbidden(e) => {
                let what = execute::describe(step);
                tracing::warn!(guild = g.id, error = %e, "missing permission to {what}");
                if self.shared.first_report(g.id, what) {
                    let note = Step::Notice {
                        channel: g.moderator_channel,
                        content: format!(
                            "keel could not {what}: Discord answered 403 (missing permission). Check keel's role and channel permissions; keel carries on and will not repeat this note."
                        ),
                    };
                    if let Outcome::Forbidden(e) | Outcome::Failed(e) =
                        execute::run(http, &self.shared.rest, &note).await
                    {
                        tracing::warn!(guild = g.id, error = %e, "cannot post in the moderator channel either");
                    }
                }
            }
            Outcome::Failed(e) => tracing::error!(guild = g.id, error = %e, "could not {}", execute::describe(step)),
            // Logged and counted where it was given up.
            Outcome::GaveUp(_) => {}
        }
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn message(&self, ctx: Context, msg: Message) {
        if let Some(receipts) = lock(&self.shared.receipts).as_mut() {
            receipts.insert(msg.id.get(), std::time::Instant::now());
        }
        let ticket = self.shared.order.ticket(msg.channel_id.get(), msg.id.get(), false);
        self.on_message(&ctx, &msg, ticket).await;
        self.shared.handled();
    }

    async fn message_update(
        &self,
        ctx: Context,
        _old: Option<Message>,
        _new: Option<Message>,
        event: MessageUpdateEvent,
    ) {
        let ticket = self.shared.order.ticket(event.channel_id.get(), event.id.get(), true);
        self.on_update(&ctx, &event, ticket).await;
        self.shared.handled();
    }

    async fn guild_create(&self, _ctx: Context, guild: Guild, _is_new: Option<bool>) {
        tracing::info!(guild = guild.id.get(), name = %guild.name, "guild available");
        lock(&self.shared.guilds_ready).insert(guild.id.get());
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if let Interaction::Component(ci) = interaction {
            crate::bot::buttons::handle(&self.shared, &ctx, &ci).await;
        }
    }

    async fn ready(&self, ctx: Context, ready: Ready) {
        crate::bot::launch::connection::log_connected(&ready.user.name, ready.guilds.len());
        // From now on, this shard's messages get their place in line as they arrive.
        ctx.shard.add_collector(self.shared.order.collector(ctx.shard_id.0));
    }

    async fn resume(&self, _ctx: Context, _resumed: serenity::all::ResumedEvent) {
        crate::bot::launch::connection::log_resumed();
    }
}

impl Handler {
    async fn on_message(&self, ctx: &Context, msg: &Message, ticket: Option<Ticket>) {
        let Some(guild) = msg.guild_id else { return };
        if msg.author.bot || msg.webhook_id.is_some() {
            return;
        }
        let roles: Vec<RoleId> = msg.member.as_ref().map(|m| m.roles.clone()).unwrap_or_default();
        let incoming = Incoming {
            guild,
            channel: msg.channel_id,
            message: msg.id.get(),
            author: &msg.author,
            roles: &roles,
            text: &msg.content,
            at: msg.timestamp,
            edited: false,
        };
        self.judge(ctx, incoming, ticket).await;
    }

    async fn on_update(&self, ctx: &Context, event: &MessageUpdateEvent, ticket: Option<Ticket>) {
        let (Some(guild), Some(author), Some(text)) = (event.guild_id, event.author.as_ref(), event.content.as_deref())
        else {
            return;
        };
        if author.bot || matches!(event.webhook_id, Some(Some(_))) {
            return;
        }
        let roles: Vec<RoleId> = match &event.member {
            Some(Some(m)) => m.roles.clone(),
            _ => Vec::new(),
        };
        let incoming = Incoming {
            guild,
            channel: event.channel_id,
            message: event.id.get(),
            author,
            roles: &roles,
            text,
            at: event.edited_timestamp.unwrap_or_else(Timestamp::now),
            edited: true,
        };
        self.judge(ctx, incoming, ticket).await;
    }
}
