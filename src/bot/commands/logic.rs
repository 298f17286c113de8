//! What each `/keel` command does, as data: a reply for the moderator and
//! the Discord steps to carry out. No poise or serenity types, so every
//! command's behaviour is testable without Discord.

use crate::bot::discord::plan::Step;
use crate::bot::discord::text::{sparkline, truncate, CONTENT_MAX};
use crate::bot::shared::clock::now_ms;
use crate::bot::shared::sync::lock;
use crate::bot::shared::Shared;
use crate::config::GuildConfig;
use crate::core::policy::{choose_script, render_choices, render_script, Action};
use crate::core::template::Vars;
use crate::core::Level;
use crate::store::WriterStats;

/// A command's result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// What the moderator sees (ephemeral).
    pub text: String,
    /// What keel does in the server.
    pub steps: Vec<Step>,
}

impl Reply {
    fn text(text: impl Into<String>) -> Reply {
        Reply { text: truncate(&text.into(), CONTENT_MAX), steps: Vec::new() }
    }
}

fn vars_for(shared: &Shared, channel: u64, member: u64) -> (String, String) {
    let issue = lock(&shared.engine).issue_label(channel, member);
    (format!("<@{member}>"), issue)
}

/// `/keel status [channel]`: the conversations tracked in a channel, and
/// what is wrong with keel's database and its calls to Discord, if anything.
pub fn status(shared: &Shared, g: &GuildConfig, channel: u64) -> Reply {
    let database = memory_status(shared.memory.as_ref().and_then(|m| m.stats()).as_ref());
    let discord = rest_status(shared.rest.gave_up());
    let mut reply = conversations(shared, g, channel);
    for line in [discord, database].into_iter().flatten() {
        reply.text = truncate(&format!("{line}\n{}", reply.text), CONTENT_MAX);
    }
    reply
}

/// What moderators should know about keel's calls to Discord: `None` when
/// none was given up.
pub fn rest_status(gave_up: u64) -> Option<String> {
    (gave_up > 0).then(|| {
        format!(
            "**Discord:** {gave_up} action(s) given up since start: Discord kept answering \"not now\" (rate limits or errors) for over {} s (see the log).",
            crate::bot::discord::rest::GIVE_UP_AFTER.as_secs()
        )
    })
}

/// What moderators should know about keel's database (from its writer's
/// counters): `None` when all is well or there is no database.
pub fn memory_status(stats: Option<&WriterStats>) -> Option<String> {
    let s = stats?;
    let mut parts = Vec::new();
    if let Some(e) = &s.failing {
        parts.push(format!(
            "cannot write right now ({}); {} write(s) wait and are retried",
            truncate(e, 200),
            s.accepted.saturating_sub(s.committed)
        ));
    }
    if s.refused > 0 {
        parts.push(format!(
            "{} write(s) dropped since start because the write queue was full ({} time(s))",
            s.refused, s.full_bursts
        ));
    }
    if s.dropped > 0 {
        parts.push(format!("{} write(s) refused by the database (see the log)", s.dropped));
    }
    (!parts.is_empty()).then(|| format!("**keel's database:** {}.", parts.join("; ")))
}

/// The conversations tracked in a channel, most heated first.
fn conversations(shared: &Shared, g: &GuildConfig, channel: u64) -> Reply {
    let mut convs = lock(&shared.engine).tracker().conversations_in(channel);
    convs.sort_by(|a, b| b.level.cmp(&a.level).then(b.heat.total_cmp(&a.heat)));
    if convs.is_empty() {
        return Reply::text(format!("keel is not tracking any conversation in <#{channel}> right now."));
    }
    let claims = lock(&shared.claims);
    let mut text = format!("Conversations in <#{channel}> (most heated first):\n");
    for c in convs.iter().take(20) {
        let claimed = claims.get(&(g.id, channel, c.author)).map_or(String::new(), |m| format!(", claimed by <@{m}>"));
        text.push_str(&format!(
            "- <@{}>: **{}** (heat {:.2}, trend {:+.2}) {}{claimed}\n",
            c.author,
            c.level,
            c.heat,
            c.trend,
            sparkline(&c.recent)
        ));
    }
    if convs.len() > 20 {
        text.push_str(&format!("…and {} calmer ones.\n", convs.len() - 20));
    }
    Reply::text(text)
}

/// `/keel deescalate [member]`: the recommended script for a conversation, step by step.
pub fn deescalate(shared: &Shared, channel: u64, member: u64, channel_name: &str) -> Reply {
    let (user, issue) = vars_for(shared, channel, member);
    let engine = lock(&shared.engine);
    let view = engine.tracker().conversations_in(channel).into_iter().find(|c| c.author == member);
    let (level, seen) =
        view.as_ref().map_or((Level::Tense, 0), |c| (c.level.max(Level::Tense), c.memo.categories_seen));
    let pack = engine.analyzer().pack();
    let Some(script) = choose_script(pack, level, seen, 0) else {
        return Reply::text("The phrase pack has no script for this conversation.");
    };
    let vars = Vars { user: &user, issue: &issue, channel: channel_name };
    let mut text = format!("**{}** — {}\n", script.name, script.technique);
    text.push_str(&render_script(script, &vars));
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
pub fn script(shared: &Shared, name: &str, channel: u64, member: Option<u64>, post: bool, channel_name: &str) -> Reply {
    let (user, issue) = match member {
        Some(m) => vars_for(shared, channel, m),
        None => ("there".to_string(), crate::core::policy::UNKNOWN_ISSUE.to_string()),
    };
    let engine = lock(&shared.engine);
    let Some(script) = engine.analyzer().pack().script(name) else {
        return Reply::text(format!("There is no script called `{name}`."));
    };
    let vars = Vars { user: &user, issue: &issue, channel: channel_name };
    let mut reply = Reply::text(render_script(script, &vars));
    if post {
        let text = format!("{}\n— the support team", script.say.render(&vars));
        reply.steps.push(Step::Say { channel, text, mention: member });
        reply.text.push_str("\n(Posted the suggested reply.)");
    }
    reply
}

/// The names of the scripts starting with `partial`, for autocomplete.
pub fn script_names(shared: &Shared, partial: &str) -> Vec<String> {
    let engine = lock(&shared.engine);
    engine
        .analyzer()
        .pack()
        .scripts
        .iter()
        .map(|s| s.name.clone())
        .filter(|n| n.starts_with(partial))
        .take(25)
        .collect()
}

/// The names of the choice sets starting with `partial`, for autocomplete.
pub fn choice_set_names(shared: &Shared, partial: &str) -> Vec<String> {
    let engine = lock(&shared.engine);
    engine
        .analyzer()
        .pack()
        .choice_sets
        .iter()
        .map(|s| s.name.clone())
        .filter(|n| n.starts_with(partial))
        .take(25)
        .collect()
}

/// `/keel offer <member> <set>`: choice buttons for a customer.
pub fn offer(shared: &Shared, channel: u64, member: u64, set: &str, channel_name: &str) -> (Reply, Option<Action>) {
    let (user, issue) = vars_for(shared, channel, member);
    let engine = lock(&shared.engine);
    let Some(s) = engine.analyzer().pack().choice_sets.iter().find(|s| s.name == set) else {
        return (Reply::text(format!("There is no choice set called `{set}`.")), None);
    };
    let action = render_choices(s, &Vars { user: &user, issue: &issue, channel: channel_name });
    let Action::OfferChoices { set, prompt, options } = &action else { return (Reply::default(), None) };
    let step = Step::OfferChoices {
        channel,
        customer: member,
        set: set.clone(),
        prompt: prompt.clone(),
        labels: options.iter().map(|o| o.0.clone()).collect(),
    };
    (Reply { text: format!("Offered `{set}` to <@{member}>."), steps: vec![step] }, Some(action))
}

/// `/keel pardon <member>`: clears strikes and cools the conversation.
pub fn pardon(shared: &Shared, g: &GuildConfig, channel: u64, member: u64) -> Reply {
    let forgiven = lock(&shared.engine).forgive(channel, member);
    lock(&shared.claims).remove(&(g.id, channel, member));
    if forgiven {
        Reply::text(format!(
            "Pardoned <@{member}> in <#{channel}>: strikes cleared, the conversation starts over from calm."
        ))
    } else {
        Reply::text(format!("keel has no conversation with <@{member}> in <#{channel}> to pardon."))
    }
}

/// `/keel boundary <member> [tier]`: a boundary now, at the given tier.
pub fn boundary(
    shared: &Shared,
    g: &GuildConfig,
    channel: u64,
    member: u64,
    tier: u8,
    protected: Option<&str>,
) -> Reply {
    let tier = tier.clamp(1, 3);
    let (user, issue) = vars_for(shared, channel, member);
    let (text, timeout) = {
        let engine = lock(&shared.engine);
        let vars = Vars { user: &user, issue: &issue, channel: "" };
        (
            engine.analyzer().pack().boundaries[usize::from(tier - 1)].render(&vars),
            engine.policy().boundaries.timeout_secs,
        )
    };
    let mut reply = Reply::text(format!("Boundary tier {tier} for <@{member}>."));
    reply.steps.push(Step::Say { channel, text, mention: Some(member) });
    match (tier, protected) {
        (2, Some(why)) => reply.text.push_str(&format!(" No timeout: they are {why}.")),
        (2, None) => {
            let now = now_ms() / 1000;
            reply.steps.push(Step::Timeout {
                guild: g.id,
                user: member,
                until_unix: now + timeout as i64,
                reason: format!("keel: boundary tier 2 (timeout {timeout} s) set by a moderator"),
            });
        }
        (3, _) => {
            let mentions: Vec<String> = g.moderator_roles.iter().map(|r| format!("<@&{r}>")).collect();
            reply.steps.push(Step::Escalate {
                channel: g.moderator_channel,
                roles: g.moderator_roles.clone(),
                content: format!("{} a moderator asked for help with <@{member}> in <#{channel}>.", mentions.join(" ")),
            });
        }
        _ => {}
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_counts_actions_given_up() {
        assert_eq!(rest_status(0), None);
        let said = rest_status(3).unwrap_or_default();
        assert!(said.contains("3 action(s) given up since start") && said.contains("60 s"), "{said}");
    }

    #[test]
    fn status_tells_what_is_wrong_with_the_database() {
        struct Case {
            name: &'static str,
            stats: Option<WriterStats>,
            says: &'static [&'static str],
        }
        let ok = WriterStats { accepted: 10, committed: 10, ..WriterStats::default() };
        let cases = [
            Case { name: "no database", stats: None, says: &[] },
            Case { name: "all written", stats: Some(ok.clone()), says: &[] },
            Case {
                name: "locked",
                stats: Some(WriterStats { accepted: 25, failing: Some("database is locked".into()), ..ok.clone() }),
                says: &["cannot write right now (database is locked); 15 write(s) wait"],
            },
            Case {
                name: "refused while full, twice",
                stats: Some(WriterStats { refused: 1_234, full_bursts: 2, ..ok.clone() }),
                says: &["1234 write(s) dropped since start because the write queue was full (2 time(s))"],
            },
            Case {
                name: "everything at once",
                stats: Some(WriterStats {
                    failing: Some("database or disk is full".into()),
                    refused: 7,
                    full_bursts: 1,
                    dropped: 1,
                    ..ok
                }),
                says: &["disk is full", "7 write(s) dropped", "1 write(s) refused by the database"],
            },
        ];
        for case in cases {
            let said = memory_status(case.stats.as_ref());
            assert_eq!(said.is_some(), !case.says.is_empty(), "{}: {said:?}", case.name);
            for want in case.says {
                assert!(said.as_deref().is_some_and(|s| s.contains(want)), "{}: {want} not in {said:?}", case.name);
            }
        }
    }
}
