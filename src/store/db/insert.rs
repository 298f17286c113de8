//! The write side: which case an event belongs to (opening one when it
//! should), appending events and strikes, and purging old cases.

use crate::store::codec::{self, member_sql, to_sql, Columns, COLUMNS};
use crate::store::model::{Conversation, Event, EventKind, Purged, Strike};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use std::collections::HashSet;

fn open_case(conn: &Connection, c: &Conversation) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM cases WHERE guild = ?1 AND channel = ?2 AND member = ?3 AND closed_ms IS NULL",
        params![to_sql(c.guild.get()), to_sql(c.channel.get()), member_sql(c.member)],
        |r| r.get(0),
    )
    .optional()
}

fn latest_case(conn: &Connection, c: &Conversation) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM cases WHERE guild = ?1 AND channel = ?2 AND member = ?3 ORDER BY opened_ms DESC, id DESC LIMIT 1",
        params![to_sql(c.guild.get()), to_sql(c.channel.get()), member_sql(c.member)],
        |r| r.get(0),
    )
    .optional()
}

fn new_case(conn: &Connection, c: &Conversation, at_ms: i64) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO cases (guild, channel, member, opened_ms, last_ms) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![to_sql(c.guild.get()), to_sql(c.channel.get()), member_sql(c.member), at_ms],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The case an event belongs to; `None` when it is to be ignored.
fn target(conn: &Connection, e: &Event, opener_follows: bool) -> rusqlite::Result<Option<i64>> {
    let c = &e.conversation;
    match &e.kind {
        EventKind::ChoiceChosen { message, choice } => conn
            .query_row(
                "UPDATE choices SET chosen = ?2, chosen_ms = ?3 WHERE message = ?1 AND chosen IS NULL RETURNING case_id",
                params![to_sql(*message), choice, e.at_ms],
                |r| r.get(0),
            )
            .optional(),
        EventKind::FollowupFired { followup } => conn
            .query_row(
                "UPDATE followups SET fired_ms = ?2 WHERE id = ?1 AND fired_ms IS NULL RETURNING case_id",
                params![followup, e.at_ms],
                |r| r.get(0),
            )
            .optional(),
        EventKind::FollowupAnswered { followup, answer } => conn
            .query_row(
                "UPDATE followups SET answered_ms = ?2, answer = ?3 WHERE id = ?1 AND answered_ms IS NULL RETURNING case_id",
                params![followup, e.at_ms, answer],
                |r| r.get(0),
            )
            .optional(),
        kind => {
            if let Some(id) = open_case(conn, c)? {
                return Ok(Some(id));
            }
            if kind.opens_case() {
                return new_case(conn, c, e.at_ms).map(Some);
            }
            if matches!(kind, EventKind::Scored { .. }) {
                return if opener_follows { new_case(conn, c, e.at_ms).map(Some) } else { Ok(None) };
            }
            // A claim, a pardon, a resolution or a follow-up after the case closed: the latest case.
            match latest_case(conn, c)? {
                Some(id) => Ok(Some(id)),
                None => new_case(conn, c, e.at_ms).map(Some),
            }
        }
    }
}

/// Appends one event; `opener_follows` opens a case for a scored event
/// when an event that opens one follows it in the same batch.
pub(super) fn insert(conn: &Connection, e: &Event, opener_follows: bool) -> rusqlite::Result<Option<i64>> {
    let Some(case_id) = target(conn, e, opener_follows)? else { return Ok(None) };
    let cols: Columns = codec::encode(&e.kind);
    let sql = format!(
        "INSERT INTO events (case_id, at_ms, kind, about, excerpt, {COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    );
    let head = [
        rusqlite::types::Value::Integer(case_id),
        rusqlite::types::Value::Integer(e.at_ms),
        rusqlite::types::Value::Text(e.kind.name().to_string()),
        e.about.map_or(rusqlite::types::Value::Null, |m| rusqlite::types::Value::Integer(to_sql(m))),
        e.excerpt.clone().map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Text),
    ];
    conn.prepare_cached(&sql)?.execute(params_from_iter(head.into_iter().chain(cols.values())))?;
    let id = conn.last_insert_rowid();
    let level = cols.level.max(cols.channel_level).unwrap_or(0);
    conn.prepare_cached("UPDATE cases SET last_ms = max(last_ms, ?2), peak_level = max(peak_level, ?3) WHERE id = ?1")?
        .execute(params![case_id, e.at_ms, level])?;
    let c = &e.conversation;
    match &e.kind {
        EventKind::Scored { signals, .. } => {
            let mut stmt =
                conn.prepare_cached("INSERT INTO signals (event_id, category, phrase) VALUES (?1, ?2, ?3)")?;
            for s in signals {
                stmt.execute(params![id, s.category, s.phrase])?;
            }
        }
        EventKind::ChoiceOffered { set, message, expires_ms } => {
            conn.execute(
                "INSERT OR REPLACE INTO choices (message, case_id, guild, channel, member, choice_set, offered_ms, expires_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    to_sql(*message),
                    case_id,
                    to_sql(c.guild.get()),
                    to_sql(c.channel.get()),
                    member_sql(c.member),
                    set,
                    e.at_ms,
                    expires_ms
                ],
            )?;
        }
        EventKind::FollowupScheduled { due_ms } => {
            // The newest follow-up replaces those still pending in the
            // conversation (as the bot without a database does): the
            // customer is asked once, when the latest resolution says.
            conn.prepare_cached(
                "DELETE FROM followups WHERE guild = ?1 AND channel = ?2 AND member = ?3 AND fired_ms IS NULL",
            )?
            .execute(params![to_sql(c.guild.get()), to_sql(c.channel.get()), member_sql(c.member)])?;
            conn.execute(
                "INSERT INTO followups (id, case_id, guild, channel, member, scheduled_ms, due_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, case_id, to_sql(c.guild.get()), to_sql(c.channel.get()), member_sql(c.member), e.at_ms, due_ms],
            )?;
        }
        EventKind::Resolution { .. } => {
            conn.execute(
                "UPDATE cases SET closed_ms = ?2 WHERE id = ?1 AND closed_ms IS NULL",
                params![case_id, e.at_ms],
            )?;
        }
        // A false alarm clears strikes as a pardon does (the live tracker forgets them both ways).
        EventKind::Pardon { .. } | EventKind::FalseAlarm { .. } => {
            conn.execute(
                "UPDATE strikes SET pardoned_ms = ?3 WHERE guild = ?1 AND member = ?2 AND pardoned_ms IS NULL AND at_ms <= ?3",
                params![to_sql(c.guild.get()), member_sql(c.member), e.at_ms],
            )?;
        }
        _ => {}
    }
    Ok(Some(id))
}

/// Appends events in order; a scored event opens a case only when an event
/// that opens one follows it in the same batch for the same conversation.
pub(super) fn insert_all(conn: &Connection, events: &[Event]) -> rusqlite::Result<Vec<Option<i64>>> {
    let mut openers: HashSet<Conversation> = HashSet::new();
    let mut follows = vec![false; events.len()];
    for (i, e) in events.iter().enumerate().rev() {
        follows[i] = openers.contains(&e.conversation);
        if e.kind.opens_case() {
            openers.insert(e.conversation);
        }
    }
    events.iter().zip(follows).map(|(e, f)| insert(conn, e, f)).collect()
}

pub(super) fn insert_strike(conn: &Connection, s: &Strike) -> rusqlite::Result<i64> {
    let c = &s.conversation;
    let case = open_case(conn, c)?;
    conn.prepare_cached("INSERT INTO strikes (guild, channel, member, at_ms, case_id) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![to_sql(c.guild.get()), to_sql(c.channel.get()), member_sql(c.member), s.at_ms, case])?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn purge_before(conn: &Connection, older_than_ms: i64) -> rusqlite::Result<Purged> {
    let cases = conn.execute("DELETE FROM cases WHERE last_ms < ?1", [older_than_ms])? as u64;
    let strikes = conn.execute("DELETE FROM strikes WHERE at_ms < ?1", [older_than_ms])? as u64;
    Ok(Purged { cases, strikes })
}
