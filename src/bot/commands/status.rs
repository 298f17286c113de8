//! `/keel status`: the conversations keel tracks in a channel, and what is
//! wrong with keel's database or its calls to Discord, if anything.

use crate::bot::commands::{answer, guild, CommandError, Ctx, Reply};
use crate::bot::discord::text::{sparkline, truncate, CONTENT_MAX};
use crate::bot::shared::sync::lock;
use crate::bot::shared::Shared;
use crate::config::GuildConfig;
use crate::core::ids::{ChannelId, Conversation, GuildId};
use crate::store::WriterStats;
use serenity::all::GuildChannel;

/// The conversations keel is tracking in a channel: level, trend, who claimed them.
#[poise::command(slash_command, guild_only)]
pub(super) async fn status(
    ctx: Ctx<'_>,
    #[description = "The channel (default: this one)"] channel: Option<GuildChannel>,
) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let channel = ChannelId(channel.map_or(ctx.channel_id().get(), |c| c.id.get()));
    answer(ctx, tracked(ctx.data(), &g, channel)).await?;
    Ok(())
}

/// `/keel status [channel]`: the conversations tracked in a channel, what
/// is wrong with keel's database and its calls to Discord, if anything, and
/// the server's settings with where each comes from.
pub fn tracked(shared: &Shared, g: &GuildConfig, channel: ChannelId) -> Reply {
    let database = memory_status(shared.memory.as_ref().and_then(super::super::shared::db::Memory::stats).as_ref());
    let discord = rest_status(shared.rest.gave_up());
    let mut reply = conversations(shared, g, channel);
    reply.text = truncate(&format!("{}\n\n{}", reply.text, shared.setup(g.id).describe()), CONTENT_MAX);
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
fn conversations(shared: &Shared, g: &GuildConfig, channel: ChannelId) -> Reply {
    let mut convs = lock(&shared.engine).tracker().conversations_in(channel);
    convs.sort_by(|a, b| b.level.cmp(&a.level).then(b.heat.total_cmp(&a.heat)));
    if convs.is_empty() {
        return Reply::text(format!("keel is not tracking any conversation in <#{channel}> right now."));
    }
    let mut text = format!("Conversations in <#{channel}> (most heated first):\n");
    for c in convs.iter().take(20) {
        let claimed = shared
            .conversations
            .claimed_by(&Conversation::member(GuildId(g.id), channel, c.author))
            .map_or(String::new(), |m| format!(", claimed by <@{m}>"));
        let cooling = match c.cooling_since_team {
            0 => String::new(),
            1 => ", calmer since the team's last reply".to_string(),
            n => format!(", calmer for {n} messages since the team's last reply"),
        };
        text.push_str(&format!(
            "- <@{}>: **{}** (heat {:.2}, trend {:+.2}, forecast {:.2}{cooling}) {}{claimed}\n",
            c.author,
            c.level,
            c.heat,
            c.trend,
            c.forecast,
            sparkline(&c.recent)
        ));
    }
    if convs.len() > 20 {
        text.push_str(&format!("…and {} calmer ones.\n", convs.len() - 20));
    }
    Reply::text(text)
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
