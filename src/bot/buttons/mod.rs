//! Button clicks and menu picks: customers choosing, moderators acting on nudges.
//!
//! Every interaction is answered at once (Discord allows three seconds), with
//! an ephemeral message when it is refused or stale. A `custom_id` carries no
//! trust: who clicked is taken from Discord's interaction data and checked
//! against the guild's configuration before anything happens.

use crate::bot::discord::custom_id::{Component, NudgeAction};
use crate::bot::discord::execute::{self, disabled_buttons, embed, nudge_buttons};
use crate::bot::discord::plan::Step;
use crate::bot::discord::plan::{EarlierNudge, Embed};
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::sync::lock;
use crate::bot::shared::{FollowUp, NudgeRecord, OfferedChoice, Shared};
use crate::config::GuildConfig;
use crate::core::policy::{render_choices, Action};
use crate::core::template::Vars;
use crate::store::{ChoiceOffer, Chosen, Conversation, Event, EventKind};
use serenity::all::{
    ComponentInteraction, ComponentInteractionDataKind, Context, CreateActionRow, CreateAllowedMentions,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateSelectMenu, CreateSelectMenuKind,
    CreateSelectMenuOption, Http,
};

/// What a stale or foreign button gets.
pub const STALE: &str = "These buttons are no longer active. A moderator can help you from here.";

async fn reply_ephemeral(http: &Http, ci: &ComponentInteraction, text: &str) {
    let msg = CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(CreateAllowedMentions::new().empty_users().empty_roles());
    if let Err(e) = ci.create_response(http, CreateInteractionResponse::Message(msg)).await {
        tracing::warn!(error = %e, "cannot answer an interaction");
    }
}

async fn update(http: &Http, ci: &ComponentInteraction, msg: CreateInteractionResponseMessage) {
    let msg = msg.allowed_mentions(CreateAllowedMentions::new().empty_users().empty_roles());
    if let Err(e) = ci.create_response(http, CreateInteractionResponse::UpdateMessage(msg)).await {
        tracing::warn!(error = %e, "cannot update the clicked message");
    }
}

/// Staff, moderators, administrators and the owner may use nudge buttons.
fn is_team(g: &GuildConfig, ci: &ComponentInteraction, owner: Option<u64>) -> bool {
    let Some(member) = &ci.member else { return false };
    let roles = &member.roles;
    owner == Some(ci.user.id.get())
        || member.permissions.is_some_and(|p| p.administrator())
        || roles.iter().any(|r| g.moderator_roles.contains(&r.get()) || g.staff_roles.contains(&r.get()))
}

/// Handles a component interaction.
pub async fn handle(shared: &Shared, ctx: &Context, ci: &ComponentInteraction) {
    let component = Component::parse(&ci.data.custom_id);
    let guild = match (ci.guild_id, &component) {
        (Some(g), _) => shared.guild(g.get()),
        // A follow-up asked by DM: the guild is the one that holds the conversation's channel.
        (None, Some(Component::FollowUp { channel, .. })) => guild_of_channel(shared, ctx, *channel),
        (None, _) => None,
    };
    let Some(guild) = guild else {
        return reply_ephemeral(&ctx.http, ci, STALE).await;
    };
    match component {
        Some(Component::Choice { set, option, customer }) => {
            choice(shared, ctx, ci, &guild, &set, option, customer).await
        }
        Some(Component::Nudge { .. } | Component::OfferSet { .. })
            if !is_team(&guild, ci, ctx.cache.guild(guild.id).map(|g| g.owner_id.get())) =>
        {
            reply_ephemeral(&ctx.http, ci, "Only moderators and support staff can use these buttons.").await
        }
        Some(Component::Nudge { action, channel, author }) => {
            nudge(shared, ctx, ci, &guild, action, channel, author).await
        }
        Some(Component::OfferSet { channel, author }) => offer_set(shared, ctx, ci, &guild, channel, author).await,
        Some(Component::FollowUp { resolved, channel, customer }) => {
            followup(shared, ctx, ci, &guild, resolved, channel, customer).await
        }
        None => {
            tracing::info!(custom_id = %ci.data.custom_id, user = ci.user.id.get(), "unknown or stale button");
            reply_ephemeral(&ctx.http, ci, STALE).await
        }
    }
}

/// Choice buttons offered earlier, as the bot shows them: the set rendered
/// anew from the phrase pack by its name (`None` when the pack no longer has it).
pub fn offered_from_store(shared: &Shared, offer: &ChoiceOffer) -> Option<OfferedChoice> {
    let c = offer.conversation;
    let mut engine = lock(&shared.engine);
    let issue = engine.issue_label(c.channel, c.member);
    let user = format!("<@{}>", c.member);
    let vars = Vars { user: &user, issue: &issue, channel: "" };
    let set = engine.analyzer().pack().choice_sets.iter().find(|s| s.name == offer.set)?;
    let Action::OfferChoices { set, prompt, options } = render_choices(set, &vars) else { return None };
    Some(OfferedChoice {
        guild: c.guild,
        channel: c.channel,
        customer: c.member,
        set,
        prompt,
        options,
        expires_ms: offer.expires_ms,
    })
}

/// What the database says about a click on choice buttons.
enum Stored {
    /// No database, or it failed: go by what is in memory.
    NoAnswer,
    /// Recorded; with the offer when it was not in memory.
    Recorded(Option<OfferedChoice>),
    /// The offer is unknown there too (not yet written, or purged).
    Unknown,
    /// Expired, with the offer.
    Expired(Option<OfferedChoice>),
    /// Already answered, or not this member's.
    Refused,
}

/// Records a click in the database, which settles double clicks across restarts.
async fn choose_stored(shared: &Shared, message: u64, member: u64, set: &str, option: usize) -> Stored {
    let Some(memory) = &shared.memory else { return Stored::NoAnswer };
    let Some(offer) = memory.read("read a choice offer", move |s| s.choice(message)).await else {
        return Stored::NoAnswer;
    };
    let Some(offer) = offer.filter(|o| o.set == set) else { return Stored::Unknown };
    let Some(offered) = offered_from_store(shared, &offer) else { return Stored::Unknown };
    let Some((label, _, _)) = offered.options.get(option).cloned() else { return Stored::Refused };
    let now = now_ms();
    match memory.read("record a choice", move |s| s.choose(message, member, &label, now)).await {
        Some(Chosen::Recorded) => Stored::Recorded(Some(offered)),
        Some(Chosen::Expired) => Stored::Expired(Some(offered)),
        Some(Chosen::Unknown) => Stored::Unknown,
        Some(Chosen::NotYours | Chosen::AlreadyChosen { .. }) => Stored::Refused,
        None => Stored::NoAnswer,
    }
}

/// The configured guild whose cache holds `channel` (a channel or a thread).
fn guild_of_channel(shared: &Shared, ctx: &Context, channel: u64) -> Option<GuildConfig> {
    let id = serenity::all::ChannelId::new(channel);
    shared
        .config()
        .guilds
        .iter()
        .find(|g| {
            ctx.cache
                .guild(g.id)
                .is_some_and(|guild| guild.channels.contains_key(&id) || guild.threads.iter().any(|t| t.id == id))
        })
        .cloned()
}

/// A customer picked an option.
async fn choice(
    shared: &Shared,
    ctx: &Context,
    ci: &ComponentInteraction,
    g: &GuildConfig,
    set: &str,
    option: usize,
    customer: u64,
) {
    if ci.user.id.get() != customer {
        return reply_ephemeral(&ctx.http, ci, &format!("These options are for <@{customer}>.")).await;
    }
    let message = ci.message.id.get();
    let in_memory = lock(&shared.choices)
        .get(&message)
        .cloned()
        .filter(|o| o.set == set && o.customer == customer && option < o.options.len());
    // The database decides when there is one: a restarted bot's buttons work,
    // and a second click (in any process) is refused.
    let (offered, expired) = match (choose_stored(shared, message, customer, set, option).await, in_memory) {
        (Stored::Recorded(from_store), mem) => (mem.or(from_store), false),
        (Stored::Expired(from_store), mem) => (mem.or(from_store), true),
        (Stored::Refused, _) => (None, false),
        (Stored::NoAnswer | Stored::Unknown, Some(mem)) => {
            let expired = now_ms() > mem.expires_ms;
            if !expired {
                if let (Some(memory), Some(o)) = (&shared.memory, mem.options.get(option)) {
                    let c = Conversation::new(g.id, mem.channel, customer);
                    let kind = EventKind::ChoiceChosen { message, choice: o.0.clone() };
                    memory.record(vec![Event::new(c, now_ms(), kind)]);
                }
            }
            (Some(mem), expired)
        }
        (Stored::NoAnswer | Stored::Unknown, None) => (None, false),
    };
    let Some(offered) = offered.filter(|o| option < o.options.len()) else {
        lock(&shared.choices).remove(&message);
        return reply_ephemeral(&ctx.http, ci, STALE).await;
    };
    lock(&shared.choices).remove(&message);
    let ids: Vec<(String, String)> = offered
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| (Component::Choice { set: set.to_string(), option: i, customer }.id(), o.0.clone()))
        .collect();
    if expired {
        let text = format!("{}\n*These options have expired; the team will follow up with you here.*", offered.prompt);
        update(
            &ctx.http,
            ci,
            CreateInteractionResponseMessage::new().content(text).components(disabled_buttons(&ids, None)),
        )
        .await;
        shared
            .note_on_nudge(&ctx.http, g, offered.channel, customer, "Choices", "The offered choices expired unused.")
            .await;
        return;
    }
    let (label, reply, escalate) = &offered.options[option];
    let text = format!("{}\n\n**<@{customer}> chose: {label}.** {reply}", offered.prompt);
    update(
        &ctx.http,
        ci,
        CreateInteractionResponseMessage::new().content(text).components(disabled_buttons(&ids, Some(option))),
    )
    .await;
    shared.note_on_nudge(&ctx.http, g, offered.channel, customer, "Customer's choice", label).await;
    let followups = shared.config().followups.clone();
    if followups.enabled && !*escalate {
        let due_ms = now_ms() + followups.delay_secs as i64 * 1000;
        shared.schedule_followup(FollowUp { guild: g.id, channel: offered.channel, customer, due_ms });
    }
    if *escalate {
        let mentions: Vec<String> = g.moderator_roles.iter().map(|r| format!("<@&{r}>")).collect();
        let step = Step::Escalate {
            channel: g.moderator_channel,
            roles: g.moderator_roles.clone(),
            content: format!(
                "{} <@{customer}> asked to talk to a person in <#{}> (choice: {label}).",
                mentions.join(" "),
                offered.channel
            ),
        };
        if execute::run_logged(&ctx.http, &shared.rest, &step).await.is_some() {
            if let Some(memory) = &shared.memory {
                let c = Conversation::new(g.id, offered.channel, customer);
                memory.record(vec![Event::new(c, now_ms(), EventKind::Escalation)]);
            }
        }
    }
}

/// A customer answered a follow-up.
async fn followup(
    shared: &Shared,
    ctx: &Context,
    ci: &ComponentInteraction,
    g: &GuildConfig,
    resolved: bool,
    channel: u64,
    customer: u64,
) {
    if ci.user.id.get() != customer {
        return reply_ephemeral(&ctx.http, ci, &format!("This question is for <@{customer}>.")).await;
    }
    let answered = if resolved {
        format!(
            "{}

**Glad it's sorted, <@{customer}> — thanks for letting us know.**",
            ci.message.content
        )
    } else {
        format!(
            "{}

**Thanks for telling us, <@{customer}>. A moderator will pick this up here.**",
            ci.message.content
        )
    };
    let ids: Vec<(String, String)> = [(true, "Yes, thanks"), (false, "I still need help")]
        .into_iter()
        .map(|(r, label)| (Component::FollowUp { resolved: r, channel, customer }.id(), label.to_string()))
        .collect();
    let chosen = Some(if resolved { 0 } else { 1 });
    update(
        &ctx.http,
        ci,
        CreateInteractionResponseMessage::new().content(answered).components(disabled_buttons(&ids, chosen)),
    )
    .await;
    if let Some(memory) = &shared.memory {
        let c = Conversation::new(g.id, channel, customer);
        if let Some(Some(followup)) =
            memory.read("find the follow-up answered", move |s| s.unanswered_followup(c)).await
        {
            let answer = if resolved { "resolved" } else { "still needs help" }.to_string();
            memory.record(vec![Event::new(c, now_ms(), EventKind::FollowupAnswered { followup, answer })]);
        }
    }
    if resolved {
        shared.note_on_nudge(&ctx.http, g, channel, customer, "Follow-up", "The customer says it is resolved.").await;
        return;
    }
    // Reopen: the conversation is live again and the moderators hear about it.
    let e = crate::bot::discord::plan::Embed {
        title: "keel: follow-up — still needs help".into(),
        description: format!(
            "<@{customer}> answered a follow-up in <#{channel}>: they **still need help**.\n[Jump to the answer]({})",
            crate::bot::discord::text::jump_link(g.id, channel, ci.message.id.get())
        ),
        fields: Vec::new(),
        colour: 0xe6_7e_22,
    };
    let claimed = lock(&shared.claims).get(&(g.id, channel, customer)).copied();
    let step = Step::Nudge {
        channel: g.moderator_channel,
        edit: None,
        embed: e.clone(),
        about: (channel, customer),
        buttons: true,
        ping: claimed,
    };
    if let Some(id) = execute::run_logged(&ctx.http, &shared.rest, &step).await {
        let say = {
            let mut engine = lock(&shared.engine);
            let issue = engine.issue_label(channel, customer);
            let user = format!("<@{customer}>");
            let vars = Vars { user: &user, issue: &issue, channel: "" };
            engine.analyzer().pack().script("apologize-without-blame").map_or(String::new(), |s| s.say.render(&vars))
        };
        let earlier = crate::bot::discord::plan::EarlierNudge {
            message: id,
            posted_ms: now_ms(),
            level: crate::core::Level::Tense,
        };
        let record = crate::bot::shared::NudgeRecord { earlier, about_message: ci.message.id.get(), say, embed: e };
        shared.remember_nudge((g.id, channel, customer), record);
    }
}

/// A nudge keel posted before it restarted, from the database's reference
/// and the clicked message itself (which is the nudge); remembered again so
/// later escalations edit it.
async fn nudge_from_store(
    shared: &Shared,
    ci: &ComponentInteraction,
    guild: u64,
    channel: u64,
    author: u64,
) -> Option<NudgeRecord> {
    let memory = shared.memory.as_ref()?;
    let stored = memory.read("find a nudge", move |s| s.nudge_message(guild, channel, author)).await??;
    let message = ci.message.id.get();
    if stored.message != message {
        return None; // an older nudge than the latest: its buttons are stale
    }
    let e = ci.message.embeds.first()?;
    let embed = Embed {
        title: e.title.clone().unwrap_or_default(),
        description: e.description.clone().unwrap_or_default(),
        fields: e.fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect(),
        colour: e.colour.map_or(0, |c| c.0),
    };
    let say = {
        let script = embed.fields.iter().find_map(|f| f.0.strip_prefix("Script: ").map(str::to_string));
        let mut engine = lock(&shared.engine);
        let issue = engine.issue_label(channel, author);
        let user = format!("<@{author}>");
        let vars = Vars { user: &user, issue: &issue, channel: "" };
        let pack = engine.analyzer().pack();
        script.and_then(|name| pack.script(&name)).map_or(String::new(), |s| s.say.render(&vars))
    };
    let earlier = EarlierNudge { message, posted_ms: stored.posted_ms, level: stored.level };
    let record = NudgeRecord { earlier, about_message: stored.about.unwrap_or(message), say, embed };
    shared.remember_nudge((guild, channel, author), record.clone());
    Some(record)
}

/// A moderator clicked a button on a nudge.
#[allow(clippy::too_many_arguments)]
async fn nudge(
    shared: &Shared,
    ctx: &Context,
    ci: &ComponentInteraction,
    g: &GuildConfig,
    action: NudgeAction,
    channel: u64,
    author: u64,
) {
    let key = (g.id, channel, author);
    let in_memory = lock(&shared.nudges).get(&key).cloned();
    let record = match in_memory {
        Some(r) => Some(r),
        None => nudge_from_store(shared, ci, g.id, channel, author).await,
    };
    let Some(record) = record else {
        return reply_ephemeral(&ctx.http, ci, "keel no longer knows this conversation (the nudge is too old).").await;
    };
    let clicker = ci.user.id.get();
    let conversation = Conversation::new(g.id, channel, author);
    match action {
        NudgeAction::Claim => {
            if let Some(memory) = &shared.memory {
                memory.record(vec![Event::new(conversation, now_ms(), EventKind::Claim { moderator: clicker })]);
            }
            lock(&shared.claims).insert(key, clicker);
            let mut e = record.embed.clone();
            e.fields.retain(|f| f.0 != "Claimed by");
            e.fields.push(("Claimed by".into(), format!("<@{clicker}>")));
            if let Some(r) = lock(&shared.nudges).get_mut(&key) {
                r.embed = e.clone();
            }
            update(
                &ctx.http,
                ci,
                CreateInteractionResponseMessage::new().embed(embed(&e)).components(nudge_buttons((channel, author))),
            )
            .await;
        }
        NudgeAction::Acknowledge => {
            reply_ephemeral(&ctx.http, ci, &format!("Posting the acknowledgement in <#{channel}>.")).await;
            let text = format!("{}\n— the support team", record.say);
            execute::run_logged(
                &ctx.http,
                &shared.rest,
                &Step::Say { channel, text, mention: (author != 0).then_some(author) },
            )
            .await;
        }
        NudgeAction::OfferChoices => {
            let refused = lock(&shared.engine).choices_refused(channel, author);
            if let Some(why) = refused {
                return reply_ephemeral(&ctx.http, ci, &choices_refused_text(author, why)).await;
            }
            let sets: Vec<CreateSelectMenuOption> = {
                let engine = lock(&shared.engine);
                engine
                    .analyzer()
                    .pack()
                    .choice_sets
                    .iter()
                    .take(25)
                    .map(|s| CreateSelectMenuOption::new(&s.name, &s.name))
                    .collect()
            };
            if sets.is_empty() {
                return reply_ephemeral(&ctx.http, ci, "The phrase pack has no choice sets.").await;
            }
            let menu = CreateSelectMenu::new(
                Component::OfferSet { channel, author }.id(),
                CreateSelectMenuKind::String { options: sets },
            )
            .placeholder("Choice set to offer");
            let msg = CreateInteractionResponseMessage::new()
                .content(format!("Which choices should <@{author}> get?"))
                .components(vec![CreateActionRow::SelectMenu(menu)])
                .ephemeral(true)
                .allowed_mentions(CreateAllowedMentions::new().empty_users().empty_roles());
            if let Err(e) = ci.create_response(&ctx.http, CreateInteractionResponse::Message(msg)).await {
                tracing::warn!(error = %e, "cannot answer an interaction");
            }
        }
        NudgeAction::Boundary => {
            reply_ephemeral(&ctx.http, ci, &format!("Posting the boundary message in <#{channel}>.")).await;
            let text = {
                let mut engine = lock(&shared.engine);
                let issue = engine.issue_label(channel, author);
                let user = format!("<@{author}>");
                let vars = Vars { user: &user, issue: &issue, channel: "" };
                engine.analyzer().pack().boundaries[0].render(&vars)
            };
            let step = Step::BoundaryReply { channel, message: record.about_message, user: author, text };
            execute::run_logged(&ctx.http, &shared.rest, &step).await;
        }
        NudgeAction::FalseAlarm => {
            if let Some(memory) = &shared.memory {
                memory.record(vec![Event::new(conversation, now_ms(), EventKind::FalseAlarm { by: clicker })]);
            }
            lock(&shared.engine).forgive(channel, author);
            let mut e = record.embed.clone();
            e.title = format!("False alarm — {}", e.title);
            e.colour = 0x95_a5_a6;
            e.fields.push(("Marked as a false alarm by".into(), format!("<@{clicker}>")));
            if let Some(r) = lock(&shared.nudges).get_mut(&key) {
                r.embed = e.clone();
            }
            tracing::info!(guild = g.id, channel, author, moderator = clicker, "false alarm");
            update(&ctx.http, ci, CreateInteractionResponseMessage::new().embed(embed(&e)).components(Vec::new()))
                .await;
        }
    }
}

/// Why a nudge button offers no choices, and how to offer them anyway.
fn choices_refused_text(author: u64, why: crate::core::policy::ChoicesRefused) -> String {
    format!(
        "keel does not offer choices to <@{author}> now: {}. Choices in answer to abuse read as a reward for it; \
         set the boundary first. To offer them anyway, use `/keel offer`.",
        why.explain()
    )
}

/// A moderator picked a choice set to offer.
async fn offer_set(
    shared: &Shared,
    ctx: &Context,
    ci: &ComponentInteraction,
    g: &GuildConfig,
    channel: u64,
    author: u64,
) {
    let ComponentInteractionDataKind::StringSelect { values } = &ci.data.kind else {
        return reply_ephemeral(&ctx.http, ci, STALE).await;
    };
    let Some(name) = values.first() else { return reply_ephemeral(&ctx.http, ci, STALE).await };
    // The conversation may have turned since the menu was shown.
    let refused = lock(&shared.engine).choices_refused(channel, author);
    if let Some(why) = refused {
        return reply_ephemeral(&ctx.http, ci, &choices_refused_text(author, why)).await;
    }
    let (reply, action) = crate::bot::commands::logic::offer(shared, channel, author, name, "");
    let (Some(Action::OfferChoices { set, prompt, options }), Some(step)) = (action, reply.steps.into_iter().next())
    else {
        return reply_ephemeral(&ctx.http, ci, "That choice set no longer exists.").await;
    };
    update(&ctx.http, ci, CreateInteractionResponseMessage::new().content(reply.text).components(Vec::new())).await;
    if let Some(id) = execute::run_logged(&ctx.http, &shared.rest, &step).await {
        let expire_ms = lock(&shared.engine).policy().choices.expire_secs as i64 * 1000;
        if let Some(memory) = &shared.memory {
            let kind = EventKind::ChoiceOffered { set: set.clone(), message: id, expires_ms: now_ms() + expire_ms };
            memory.record(vec![Event::new(Conversation::new(g.id, channel, author), now_ms(), kind)]);
        }
        let offered = OfferedChoice {
            guild: g.id,
            channel,
            customer: author,
            set,
            prompt,
            options,
            expires_ms: now_ms() + expire_ms,
        };
        shared.remember_choice(id, offered);
    }
}
