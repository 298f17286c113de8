//! A moderator's buttons on a nudge: claim, post the acknowledgement, offer
//! choices (a menu of choice sets, then the set picked), set a boundary,
//! mark a false alarm.
//!
//! A nudge keel posted before it restarted is rebuilt from the database's
//! reference and the clicked message itself (which is the nudge).

use crate::bot::buttons::respond::{self, Answer, Clicked, Then, STALE};
use crate::bot::discord::custom_id::NudgeAction;
use crate::bot::discord::plan::{EarlierNudge, Embed, Step};
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::sync::lock;
use crate::bot::shared::{NudgeRecord, Shared};
use crate::config::GuildConfig;
use crate::core::ids::{ChannelId, Conversation, GuildId, MemberId};
use crate::core::policy::{Action, ChoicesRefused};
use crate::store::{Event, EventKind};
use serenity::all::{ComponentInteraction, ComponentInteractionDataKind, Context, CreateInteractionResponseMessage};

/// A nudge keel posted before it restarted, from the database's reference
/// and the clicked message itself (which is the nudge); remembered again so
/// later escalations edit it.
async fn nudge_from_store(shared: &Shared, ci: &ComponentInteraction, about: Conversation) -> Option<NudgeRecord> {
    let memory = shared.memory.as_ref()?;
    let stored = memory.read("find a nudge", move |s| s.nudge_message(about)).await??;
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
    let script = embed.fields.iter().find_map(|f| f.0.strip_prefix("Script: ").map(str::to_string));
    let say = shared.for_member(about.channel, about.member, "", |engine, vars| {
        let pack = engine.analyzer().pack();
        script.and_then(|name| pack.script(&name)).map_or(String::new(), |s| s.say.render(vars))
    });
    let earlier = EarlierNudge { message, posted_ms: stored.posted_ms, level: stored.level };
    let record = NudgeRecord { earlier, about_message: stored.about.unwrap_or(message), say, embed };
    shared.conversations.remember_nudge(about, record.clone());
    Some(record)
}

/// A moderator clicked a button on a nudge.
pub async fn nudge(
    shared: &Shared,
    ctx: &Context,
    ci: &ComponentInteraction,
    g: &GuildConfig,
    action: NudgeAction,
    about: Conversation,
) {
    let record = match shared.conversations.nudge(&about) {
        Some(r) => Some(r),
        None => nudge_from_store(shared, ci, about).await,
    };
    let clicked = match record {
        Some(record) => clicked(shared, g, &record, action, about, ci.user.id.get(), now_ms()),
        None => Clicked::ephemeral("keel no longer knows this conversation (the nudge is too old)."),
    };
    respond::carry_out(shared, &ctx.http, ci, clicked).await;
}

/// What `clicker`'s click on `action` of the nudge `record` about a
/// conversation comes to at `at_ms`; notes the claim or the false alarm on
/// the way. A channel's conversation as a whole has only "claim" and "false
/// alarm" (and "acknowledge", which then pings no one): choices and
/// boundaries need a customer.
pub fn clicked(
    shared: &Shared,
    g: &GuildConfig,
    record: &NudgeRecord,
    action: NudgeAction,
    about: Conversation,
    clicker: u64,
    at_ms: i64,
) -> Clicked {
    let channel = about.channel.get();
    let member = match (action, about.member) {
        // Not shown on a channel's nudge; a forged click gets this answer.
        (NudgeAction::OfferChoices | NudgeAction::Boundary, None) => {
            return Clicked::ephemeral(
                "This nudge is about the channel as a whole: there is no one customer to answer.",
            );
        }
        (_, member) => member,
    };
    let author = member.map_or(0, MemberId::get);
    match action {
        NudgeAction::Claim => {
            shared.conversations.claim(about, clicker);
            let mut e = record.embed.clone();
            e.fields.retain(|f| f.0 != "Claimed by");
            e.fields.push(("Claimed by".into(), format!("<@{clicker}>")));
            shared.conversations.set_nudge_embed(&about, &e);
            Clicked {
                answer: Answer::Nudge { embed: e, buttons: Some(about) },
                events: vec![Event::new(about, at_ms, EventKind::Claim { moderator: clicker })],
                steps: Vec::new(),
            }
        }
        NudgeAction::Acknowledge => {
            let text = format!("{}\n— the support team", record.say);
            Clicked {
                steps: vec![(Step::Say { channel, text, mention: member.map(MemberId::get) }, None)],
                ..Clicked::ephemeral(format!("Posting the acknowledgement in <#{channel}>."))
            }
        }
        NudgeAction::OfferChoices => {
            let refused = member.and_then(|m| lock(&shared.engine).choices_refused(about.channel, m));
            if let Some(why) = refused {
                return Clicked::ephemeral(choices_refused_text(author, why));
            }
            let sets: Vec<String> = {
                let engine = lock(&shared.engine);
                engine.analyzer().pack().choice_sets().iter().take(25).map(|s| s.name.clone()).collect()
            };
            if sets.is_empty() {
                return Clicked::ephemeral("The phrase pack has no choice sets.");
            }
            Clicked { answer: Answer::ChoiceSets { channel, author, sets }, events: Vec::new(), steps: Vec::new() }
        }
        NudgeAction::Boundary => {
            let text = shared.for_member(about.channel, member, "", |engine, vars| {
                engine.analyzer().pack().boundaries()[0].render(vars)
            });
            Clicked {
                steps: vec![(Step::BoundaryReply { channel, message: record.about_message, user: author, text }, None)],
                ..Clicked::ephemeral(format!("Posting the boundary message in <#{channel}>."))
            }
        }
        NudgeAction::FalseAlarm => {
            if let Some(m) = member {
                lock(&shared.engine).forgive(about.channel, m);
            }
            let mut e = record.embed.clone();
            e.title = format!("False alarm — {}", e.title);
            e.colour = 0x95_a5_a6;
            e.fields.push(("Marked as a false alarm by".into(), format!("<@{clicker}>")));
            shared.conversations.set_nudge_embed(&about, &e);
            tracing::info!(guild = g.id, channel, author, moderator = clicker, "false alarm");
            Clicked {
                answer: Answer::Nudge { embed: e, buttons: None },
                events: vec![Event::new(about, at_ms, EventKind::FalseAlarm { by: clicker })],
                steps: Vec::new(),
            }
        }
    }
}

/// Why a nudge button offers no choices, and how to offer them anyway.
fn choices_refused_text(author: u64, why: ChoicesRefused) -> String {
    format!(
        "keel does not offer choices to <@{author}> now: {}. Choices in answer to abuse read as a reward for it; \
         set the boundary first. To offer them anyway, use `/keel offer`.",
        why.explain()
    )
}

/// A moderator picked a choice set to offer.
pub async fn offer_set(
    shared: &Shared,
    ctx: &Context,
    ci: &ComponentInteraction,
    g: &GuildConfig,
    channel: ChannelId,
    customer: MemberId,
) {
    let ComponentInteractionDataKind::StringSelect { values } = &ci.data.kind else {
        return respond::ephemeral(&ctx.http, ci, STALE).await;
    };
    let Some(name) = values.first() else { return respond::ephemeral(&ctx.http, ci, STALE).await };
    // The conversation may have turned since the menu was shown.
    let refused = lock(&shared.engine).choices_refused(channel, customer);
    if let Some(why) = refused {
        return respond::ephemeral(&ctx.http, ci, &choices_refused_text(customer.get(), why)).await;
    }
    let Some(action) = shared.render_choice_set(channel, customer, name, "") else {
        return respond::ephemeral(&ctx.http, ci, "That choice set no longer exists.").await;
    };
    let Some(step) = Step::offer_choices(channel.get(), customer.get(), &action) else {
        return respond::ephemeral(&ctx.http, ci, "That choice set no longer exists.").await;
    };
    let Action::OfferChoices { set, .. } = &action else { return };
    let text = format!("Offered `{set}` to <@{customer}>.");
    respond::update(&ctx.http, ci, CreateInteractionResponseMessage::new().content(text).components(Vec::new())).await;
    let about = Conversation::member(GuildId(g.id), channel, customer);
    let then = Then::OfferPosted { about, offer: action, at_ms: now_ms() };
    respond::act(shared, &ctx.http, Vec::new(), vec![(step, Some(then))]).await;
}
