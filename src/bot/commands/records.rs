//! `/keel case` and `/keel report`, and what they show as text: a case's
//! summary and timeline for Discord, the same as a Markdown file, and the
//! report (with [`chart`]). The text functions
//! take no poise or serenity types, so they are testable without Discord.

use crate::bot::commands::{answer, chart, guild, CommandError, Ctx, Reply};
use crate::bot::discord::text::{truncate, CONTENT_MAX};
use crate::bot::shared::clock::now_ms;
use crate::store::report::text::datetime;
use crate::store::{Case, EventKind, Report, TimelineEntry};
use serenity::all::{CreateAttachment, Member};
use std::fmt::Write as _;

/// One timeline entry in a few words, with mentions for people.
pub fn describe(kind: &EventKind) -> String {
    match kind {
        EventKind::Scored { score, level, channel_level, signals } => {
            let mut s = format!("message scored {score:.2}: {level} (channel {channel_level})");
            if !signals.is_empty() {
                let names: Vec<String> = signals.iter().map(|g| format!("{}: {}", g.category, g.phrase)).collect();
                let _ = write!(s, " — {}", names.join(", "));
            }
            s
        }
        EventKind::Nudge { script, level, .. } => format!("moderators nudged ({level}, script {script})"),
        EventKind::Claim { moderator } => format!("claimed by <@{moderator}>"),
        EventKind::ChoiceOffered { set, .. } => format!("choices offered: {set}"),
        EventKind::ChoiceChosen { choice, .. } => format!("customer chose: {choice}"),
        EventKind::Boundary { tier } => format!("boundary, tier {tier}"),
        EventKind::Timeout { seconds } => format!("timed out for {seconds} s"),
        EventKind::Escalation => "moderators called in".into(),
        EventKind::FalseAlarm { by } => format!("marked a false alarm by <@{by}>"),
        EventKind::Pardon { by } => format!("pardoned by <@{by}>"),
        EventKind::Resolution { by: Some(by) } => format!("resolved by <@{by}>"),
        EventKind::Resolution { by: None } => "resolved".into(),
        EventKind::FollowupScheduled { due_ms } => format!("follow-up scheduled for {} UTC", datetime(*due_ms)),
        EventKind::FollowupFired { .. } => "follow-up asked".into(),
        EventKind::FollowupAnswered { answer, .. } => format!("follow-up answered: {answer}"),
    }
}

fn line(e: &TimelineEntry) -> String {
    let mut s = format!("{} {}", datetime(e.at_ms), describe(&e.kind));
    if let Some(x) = &e.excerpt {
        let _ = write!(s, " — \u{201c}{}\u{201d}", x.replace('\n', " "));
    }
    s
}

fn heading(case: &Case) -> String {
    let s = &case.summary;
    let state = match s.closed_ms {
        Some(t) => format!("resolved {} UTC", datetime(t)),
        None => "open".to_string(),
    };
    format!(
        "Case #{} for <@{}> in <#{}>: opened {} UTC, {state}; peak level {}; {} event(s).",
        s.id,
        s.conversation.to_raw().2,
        s.conversation.channel,
        datetime(s.opened_ms),
        s.peak_level,
        s.events
    )
}

/// The ephemeral answer: the summary and as much of the timeline (newest
/// kept) as fits in one message; the attachments have all of it.
pub fn case_text(case: &Case) -> String {
    let head = format!("{}\nTimeline (UTC; the attached files have all of it):\n", heading(case));
    let lines: Vec<String> = case.timeline.iter().map(line).collect();
    // Keep the newest lines that fit, with room for the code fence.
    let budget = CONTENT_MAX.saturating_sub(head.len() + 40);
    let mut used = 0;
    let mut kept = 0;
    for l in lines.iter().rev() {
        if used + l.len() + 1 > budget {
            break;
        }
        used += l.len() + 1;
        kept += 1;
    }
    let mut text = head;
    text.push_str("```\n");
    if kept < lines.len() {
        let _ = writeln!(text, "… {} earlier", lines.len() - kept);
    }
    for l in &lines[lines.len() - kept..] {
        text.push_str(l);
        text.push('\n');
    }
    text.push_str("```");
    truncate(&text, CONTENT_MAX)
}

/// The case as a Markdown file.
pub fn case_markdown(case: &Case) -> String {
    let mut md = format!("# keel case #{}\n\n{}\n\n## Timeline (UTC)\n\n", case.summary.id, heading(case));
    for e in &case.timeline {
        let _ = writeln!(md, "- {}", line(e));
    }
    md
}

/// The case as pretty JSON.
pub fn case_json(case: &Case) -> Vec<u8> {
    serde_json::to_vec_pretty(case).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}").into_bytes())
}

/// `/keel report`: the text of `keel report` in a code block, the chart's legend after it.
pub fn report_text(r: &Report, days: u32, legend: &str) -> String {
    let mut body = Vec::new();
    let _ = crate::store::report::text::render(r, days, &mut body);
    let body = String::from_utf8_lossy(&body);
    let room = CONTENT_MAX.saturating_sub(legend.len() + 12);
    format!("```\n{}\n```\n{legend}", truncate(body.trim_end(), room))
}

/// A member's latest case: summary and timeline, with the export as JSON and Markdown files.
#[poise::command(slash_command, guild_only)]
pub(super) async fn case(ctx: Ctx<'_>, #[description = "The member"] member: Member) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let customer = member.user.id.get();
    let Some(memory) = &ctx.data().memory else {
        answer(ctx, Reply { text: "keel has no database open.".into(), steps: vec![] }).await?;
        return Ok(());
    };
    // Discord allows three seconds for an answer: defer (ephemerally) while
    // the writer catches up and the case is read.
    ctx.defer_ephemeral().await?;
    memory.flush(std::time::Duration::from_secs(2)).await;
    let found = memory.read("read a case", move |s| s.case(g.id, customer)).await;
    let reply = poise::CreateReply::default()
        .ephemeral(true)
        .allowed_mentions(serenity::all::CreateAllowedMentions::new().empty_users().empty_roles());
    let reply = match found {
        None => reply.content("keel's database could not be read; see the log."),
        Some(None) => reply.content(format!("keel has no case for <@{customer}> in this server.")),
        Some(Some(c)) => {
            let name = format!("keel-case-{}", c.summary.id);
            reply
                .content(case_text(&c))
                .attachment(CreateAttachment::bytes(case_json(&c), format!("{name}.json")))
                .attachment(CreateAttachment::bytes(case_markdown(&c).into_bytes(), format!("{name}.md")))
        }
    };
    ctx.send(reply).await?;
    Ok(())
}

/// What happened here over the last days and what worked, with a chart.
#[poise::command(slash_command, guild_only)]
pub(super) async fn report(
    ctx: Ctx<'_>,
    #[description = "Days to cover (default 7)"]
    #[min = 1]
    #[max = 366]
    days: Option<u32>,
) -> Result<(), CommandError> {
    let g = guild(&ctx)?;
    let days = days.unwrap_or(7).clamp(1, 366);
    let Some(memory) = &ctx.data().memory else {
        answer(ctx, Reply { text: "keel has no database open.".into(), steps: vec![] }).await?;
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let since_ms = now_ms().saturating_sub(i64::from(days) * crate::store::report::DAY_MS);
    let found = memory.read("make a report", move |s| s.report(Some(g.id), since_ms)).await;
    let reply = poise::CreateReply::default()
        .ephemeral(true)
        .allowed_mentions(serenity::all::CreateAllowedMentions::new().empty_users().empty_roles());
    let reply = match found {
        None => reply.content("keel's database could not be read; see the log."),
        Some(r) => {
            let chart = {
                let days_data = r.days.clone();
                tokio::task::spawn_blocking(move || chart::days_png(&days_data, since_ms, days)).await
            };
            match chart.unwrap_or_else(|e| Err(e.to_string())) {
                Ok(png) => reply
                    .content(report_text(&r, days, chart::LEGEND))
                    .attachment(CreateAttachment::bytes(png, "keel-report.png")),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot draw the report's chart");
                    reply.content(report_text(&r, days, "(The chart could not be drawn; see the log.)"))
                }
            }
        }
    };
    ctx.send(reply).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Level;
    use crate::store::{CaseSummary, Conversation};

    fn case(n: usize) -> Case {
        let timeline = (0..n)
            .map(|i| TimelineEntry {
                id: i as i64,
                at_ms: 1_700_000_000_000 + i as i64 * 1000,
                about: Some(5),
                kind: if i % 2 == 0 { EventKind::Boundary { tier: 1 } } else { EventKind::Timeout { seconds: 600 } },
                excerpt: (i == 0).then(|| "you idiot".to_string()),
            })
            .collect();
        Case {
            summary: CaseSummary {
                id: 7,
                conversation: Conversation::from_raw(1, 2, 3),
                opened_ms: 1_700_000_000_000,
                last_ms: 1_700_000_000_000,
                closed_ms: None,
                peak_level: Level::Abusive,
                events: n as u64,
            },
            timeline,
        }
    }

    #[test]
    fn case_views() {
        let short = case(2);
        let text = case_text(&short);
        assert!(text.starts_with("Case #7 for <@3> in <#2>: opened 2023-11-14 22:13:20 UTC, open"), "{text}");
        assert!(text.contains("boundary, tier 1 — \u{201c}you idiot\u{201d}") && text.contains("timed out for 600 s"));
        let md = case_markdown(&short);
        assert!(md.starts_with("# keel case #7") && md.matches("\n- ").count() == 2, "{md}");
        let json: serde_json::Value = serde_json::from_slice(&case_json(&short)).expect("json");
        assert_eq!(json["timeline"][1]["kind"], "timeout", "{json}");
        // A long timeline keeps the newest lines and says how many are left out.
        let long = case(500);
        let text = case_text(&long);
        assert!(text.chars().count() <= CONTENT_MAX, "{}", text.len());
        assert!(text.contains("earlier") && text.ends_with("```"), "{text}");
        assert_eq!(case_markdown(&long).matches("\n- ").count(), 500);
    }
}
