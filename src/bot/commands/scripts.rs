//! `/keel deescalate` and `/keel script`: de-escalation scripts rendered for
//! a member's conversation, and autocomplete for script and choice-set names.

use crate::bot::commands::{answer, channel_name, CommandError, Ctx, Reply};
use crate::bot::discord::plan::Step;
use crate::bot::discord::text::sparkline;
use crate::bot::shared::sync::lock;
use crate::bot::shared::Shared;
use crate::core::engine::Engine;
use crate::core::ids::{ChannelId, MemberId};
use crate::core::policy::{choose_script, render_script};
use crate::core::template::Vars;
use crate::core::Level;
use serenity::all::Member;

/// The recommended de-escalation script for a member's conversation here, step by step.
#[poise::command(slash_command, guild_only)]
pub(super) async fn deescalate(
    ctx: Ctx<'_>,
    #[description = "The member (default: the most heated conversation here)"] member: Option<Member>,
) -> Result<(), CommandError> {
    let channel = ChannelId(ctx.channel_id().get());
    let member = if let Some(m) = member {
        MemberId(m.user.id.get())
    } else {
        let convs = lock(&ctx.data().engine).tracker().conversations_in(channel);
        if let Some(c) = convs.into_iter().max_by(|a, b| a.level.cmp(&b.level).then(a.heat.total_cmp(&b.heat))) {
            c.author
        } else {
            answer(ctx, Reply { text: "keel is not tracking any conversation here.".into(), steps: vec![] }).await?;
            return Ok(());
        }
    };
    answer(ctx, recommended(ctx.data(), channel, member, &channel_name(&ctx))).await?;
    Ok(())
}

fn suggestions(names: Vec<String>) -> serenity::all::CreateAutocompleteResponse {
    serenity::all::CreateAutocompleteResponse::new()
        .set_choices(names.into_iter().map(|n| serenity::all::AutocompleteChoice::new(n.clone(), n)).collect())
}

#[allow(clippy::unused_async)] // poise's autocomplete callbacks are async by contract
async fn autocomplete_script(ctx: Ctx<'_>, partial: &str) -> serenity::all::CreateAutocompleteResponse {
    suggestions(script_names(ctx.data(), partial))
}

/// The choice sets whose names start with what the moderator typed (`/keel offer`).
pub async fn autocomplete_set(ctx: Ctx<'_>, partial: &str) -> serenity::all::CreateAutocompleteResponse {
    suggestions(choice_set_names(ctx.data(), partial))
}

/// Show a de-escalation script; optionally post its suggested reply here.
#[poise::command(slash_command, guild_only)]
pub(super) async fn script(
    ctx: Ctx<'_>,
    #[description = "The script"]
    #[autocomplete = "autocomplete_script"]
    name: String,
    #[description = "The member it is for"] member: Option<Member>,
    #[description = "Post the suggested reply in this channel"] post: Option<bool>,
) -> Result<(), CommandError> {
    let channel = ChannelId(ctx.channel_id().get());
    let member = member.map(|m| MemberId(m.user.id.get()));
    let reply = script_reply(ctx.data(), &name, channel, member, post.unwrap_or(false), &channel_name(&ctx));
    answer(ctx, reply).await?;
    Ok(())
}

/// `/keel deescalate [member]`: the recommended script for a conversation, step by step.
pub fn recommended(shared: &Shared, channel: ChannelId, member: MemberId, channel_name: &str) -> Reply {
    shared.for_member(channel, Some(member), channel_name, |engine, vars| recommended_in(engine, channel, member, vars))
}

fn recommended_in(engine: &Engine, channel: ChannelId, member: MemberId, vars: &Vars<'_>) -> Reply {
    let view = engine.tracker().conversations_in(channel).into_iter().find(|c| c.author == member);
    let (level, seen) =
        view.as_ref().map_or((Level::Tense, 0), |c| (c.level.max(Level::Tense), c.memo.categories_seen));
    let pack = engine.analyzer().pack();
    let Some(script) = choose_script(pack, level, seen, 0) else {
        return Reply::text("The phrase pack has no script for this conversation.");
    };
    let mut text = format!("**{}** — {}\n", script.name, script.technique);
    text.push_str(&render_script(script, vars));
    match view {
        Some(c) => text.push_str(&format!(
            "\nThe conversation is {} (trend {:+.2}) {}",
            c.level,
            c.trend,
            sparkline(&c.recent)
        )),
        None => text.push_str("\nkeel is not tracking this conversation; this is the general script."),
    }
    Reply::text(text)
}

/// `/keel script <name> [post]`: a script rendered, and optionally its line posted.
pub fn script_reply(
    shared: &Shared,
    name: &str,
    channel: ChannelId,
    member: Option<MemberId>,
    post: bool,
    channel_name: &str,
) -> Reply {
    shared.for_member(channel, member, channel_name, |engine, vars| {
        let Some(script) = engine.analyzer().pack().script(name) else {
            return Reply::text(format!("There is no script called `{name}`."));
        };
        let mut reply = Reply::text(render_script(script, vars));
        if post {
            let text = format!("{}\n— the support team", script.say.render(vars));
            reply.steps.push(Step::Say { channel: channel.get(), text, mention: member.map(MemberId::get) });
            reply.text.push_str("\n(Posted the suggested reply.)");
        }
        reply
    })
}

/// The names of the scripts starting with `partial`, for autocomplete.
pub fn script_names(shared: &Shared, partial: &str) -> Vec<String> {
    starting_with(lock(&shared.engine).analyzer().pack().scripts().iter().map(|s| &s.name), partial)
}

/// The names of the choice sets starting with `partial`, for autocomplete.
pub fn choice_set_names(shared: &Shared, partial: &str) -> Vec<String> {
    starting_with(lock(&shared.engine).analyzer().pack().choice_sets().iter().map(|s| &s.name), partial)
}

/// The first 25 names starting with `partial` (Discord shows at most 25).
fn starting_with<'a>(names: impl Iterator<Item = &'a String>, partial: &str) -> Vec<String> {
    names.filter(|n| n.starts_with(partial)).take(25).cloned().collect()
}
