//! [`Store`]: one `SQLite` connection and every operation on keel's memory.
//!
//! Methods are synchronous and short. Writes that the bot makes in the
//! middle of handling a message go through [`StoreWriter`](crate::store::StoreWriter)
//! instead, so the async runtime never waits on the disk; reads and the few
//! writes that need an answer (claiming a follow-up, a customer's click) use
//! a `Store` of their own from `spawn_blocking`.

use crate::core::ids::{GuildId, MemberId};
use crate::store::codec::{self, from_sql, member_sql, to_sql, Columns, COLUMNS};
use crate::store::model::{
    Case, CaseSummary, ChoiceOffer, Chosen, Conversation, Event, EventKind, Followup, NudgeRef, OpenClaim, Purged,
    StoredSignal, Strike, TimelineEntry,
};
use crate::store::schema;
use crate::store::writer::Write;
use crate::store::StoreError;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};

/// keel's durable memory in one `SQLite` file.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// Test hook: the next this-many [`Store::apply`] calls fail as if the disk were full.
    #[cfg(test)]
    pub(crate) fail_writes: u32,
}

mod insert;
mod rows;
mod settings;

use insert::{insert, insert_all, insert_strike, purge_before};
use rows::{conversation, offer, summary, OFFER, SUMMARY};

type Result<T> = std::result::Result<T, StoreError>;

impl Store {
    /// Opens (creating if missing) and migrates the database at `path`.
    /// A file that is not a `SQLite` database, or is not keel's, or is newer
    /// than this build, is refused with an error naming it and left untouched.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let conn = schema::open_rw(path)?;
        Ok(Store::wrap(conn, path))
    }

    /// Opens an existing keel database for reading only (`keel report`):
    /// nothing is created, migrated or written.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let conn = schema::open_ro(path)?;
        Ok(Store::wrap(conn, path))
    }

    fn wrap(conn: Connection, path: &Path) -> Store {
        Store {
            conn,
            path: path.to_path_buf(),
            #[cfg(test)]
            fail_writes: 0,
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How long a write waits for another connection's lock before failing
    /// with "database is locked" (default 5 s).
    pub fn set_busy_timeout(&self, timeout: std::time::Duration) -> Result<()> {
        Ok(self.conn.busy_timeout(timeout)?)
    }

    fn write<T>(&mut self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Appends an event to its conversation's case, opening one if the event
    /// opens cases (see [`EventKind::opens_case`]). Returns the event's id,
    /// or `None` when it was ignored (a scored event outside any case, a
    /// second click on a choice, a follow-up that had fired already).
    pub fn record(&mut self, event: &Event) -> Result<Option<i64>> {
        self.write(|c| insert(c, event, false))
    }

    /// Appends the events of one decision together, in one transaction: a
    /// scored event joins the case that a nudge or boundary in the same batch opens.
    pub fn record_many(&mut self, events: &[Event]) -> Result<Vec<Option<i64>>> {
        self.write(|c| insert_all(c, events))
    }

    /// Counts a strike against a member (linked to their open case, if any).
    pub fn add_strike(&mut self, strike: &Strike) -> Result<i64> {
        self.write(|c| insert_strike(c, strike))
    }

    /// A member's strikes in a guild since `since_ms`, oldest first; pardoned ones do not count.
    pub fn strikes(&self, guild: u64, member: u64, since_ms: i64) -> Result<Vec<Strike>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT guild, channel, member, at_ms FROM strikes
             WHERE guild = ?1 AND member = ?2 AND at_ms >= ?3 AND pardoned_ms IS NULL ORDER BY at_ms, id",
        )?;
        let rows = stmt.query_map(params![to_sql(guild), to_sql(member), since_ms], |r| {
            Ok(Strike { conversation: conversation(r, 0)?, at_ms: r.get(3)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Schedules a follow-up in a conversation's case; returns its id. It
    /// replaces the conversation's follow-ups that have not been sent yet
    /// (their `followup_scheduled` events stay in the timeline).
    pub fn schedule_followup(&mut self, conversation: Conversation, at_ms: i64, due_ms: i64) -> Result<i64> {
        let e = Event::new(conversation, at_ms, EventKind::FollowupScheduled { due_ms });
        let id = self.record(&e)?;
        // A scheduled follow-up always finds or opens a case, so it is always recorded.
        id.ok_or_else(|| StoreError::Invariant("a follow-up was not recorded".into()))
    }

    /// Follow-ups due at `now_ms` (late ones included) that have not fired, oldest due first.
    pub fn pending_followups(&self, now_ms: i64) -> Result<Vec<Followup>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, case_id, guild, channel, member, scheduled_ms, due_ms FROM followups
             WHERE fired_ms IS NULL AND due_ms <= ?1 ORDER BY due_ms, id",
        )?;
        let rows = stmt.query_map([now_ms], |r| {
            Ok(Followup {
                id: r.get(0)?,
                case_id: r.get(1)?,
                conversation: conversation(r, 2)?,
                scheduled_ms: r.get(5)?,
                due_ms: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Claims a follow-up for sending: true exactly once per follow-up, ever
    /// (also across restarts and concurrent connections). Call it before
    /// sending, so a follow-up is sent at most once.
    pub fn mark_followup_fired(&mut self, followup: i64, at_ms: i64) -> Result<bool> {
        let e = Event::new(Conversation::from_raw(0, 0, 0), at_ms, EventKind::FollowupFired { followup });
        Ok(self.record(&e)?.is_some())
    }

    /// The latest follow-up sent in a conversation and not yet answered:
    /// the one whose buttons a customer is clicking.
    pub fn unanswered_followup(&self, c: Conversation) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id FROM followups WHERE guild = ?1 AND channel = ?2 AND member = ?3
                 AND fired_ms IS NOT NULL AND answered_ms IS NULL ORDER BY fired_ms DESC, id DESC LIMIT 1",
            )?
            .query_row(params![to_sql(c.guild.get()), to_sql(c.channel.get()), member_sql(c.member)], |r| r.get(0))
            .optional()?)
    }

    /// The choice buttons offered on `message`, if any.
    pub fn choice(&self, message: u64) -> Result<Option<ChoiceOffer>> {
        let sql = format!("{OFFER} WHERE message = ?1");
        Ok(self.conn.prepare_cached(&sql)?.query_row([to_sql(message)], offer).optional()?)
    }

    /// Offers still waiting for an answer at `now_ms` (not chosen, not
    /// expired), soonest expiry first: what a restarted bot must keep
    /// answering and later expire.
    pub fn open_choices(&self, now_ms: i64) -> Result<Vec<ChoiceOffer>> {
        let sql = format!("{OFFER} WHERE chosen IS NULL AND expires_ms > ?1 ORDER BY expires_ms, message");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([now_ms], offer)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A click on choice buttons by `member`: checked against the offer
    /// (whose it is, expiry, already answered) and recorded in its case.
    pub fn choose(&mut self, message: u64, member: u64, choice: &str, at_ms: i64) -> Result<Chosen> {
        let Some(offer) = self.choice(message)? else { return Ok(Chosen::Unknown) };
        if offer.conversation.member != Some(MemberId(member)) {
            return Ok(Chosen::NotYours);
        }
        if let Some((choice, _)) = offer.chosen {
            return Ok(Chosen::AlreadyChosen { choice });
        }
        if at_ms >= offer.expires_ms {
            return Ok(Chosen::Expired);
        }
        let e = Event::new(offer.conversation, at_ms, EventKind::ChoiceChosen { message, choice: choice.to_string() });
        match self.record(&e)? {
            Some(_) => Ok(Chosen::Recorded),
            // Another connection recorded a choice in between.
            None => Ok(self
                .choice(message)?
                .and_then(|o| o.chosen)
                .map_or(Chosen::Unknown, |(choice, _)| Chosen::AlreadyChosen { choice })),
        }
    }

    /// The latest nudge about a conversation (a member's or the channel's as
    /// a whole) that has a message, so it can be edited after a restart.
    pub fn nudge_message(&self, c: Conversation) -> Result<Option<NudgeRef>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.message, e.level, e.about, e.case_id FROM events e JOIN cases c ON c.id = e.case_id
             WHERE c.guild = ?1 AND c.channel = ?2 AND c.member = ?3 AND e.kind = 'nudge' AND e.message IS NOT NULL
             ORDER BY e.at_ms DESC, e.id DESC LIMIT 1",
        )?;
        let latest = stmt
            .query_row(params![to_sql(c.guild.get()), to_sql(c.channel.get()), member_sql(c.member)], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, Option<i64>>(2)?, r.get::<_, i64>(3)?))
            })
            .optional()?;
        let Some((message, level, _, case_id)) = latest else { return Ok(None) };
        // Edits keep the first post's time; the message it is about is the latest one recorded.
        let (posted_ms, about): (i64, Option<i64>) = self.conn.query_row(
            "SELECT min(at_ms), (SELECT about FROM events WHERE case_id = ?1 AND kind = 'nudge' AND message = ?2
                                 AND about IS NOT NULL ORDER BY at_ms DESC, id DESC LIMIT 1)
             FROM events WHERE case_id = ?1 AND kind = 'nudge' AND message = ?2",
            params![case_id, message],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Some(NudgeRef {
            message: from_sql(message),
            posted_ms,
            level: codec::level(level.unwrap_or(0)),
            about: about.map(from_sql),
        }))
    }

    /// Every (guild, member) with a strike not pardoned since `since_ms`.
    pub fn struck_members(&self, since_ms: i64) -> Result<Vec<(GuildId, MemberId)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT guild, member FROM strikes WHERE at_ms >= ?1 AND pardoned_ms IS NULL")?;
        let rows =
            stmt.query_map(params![since_ms], |r| Ok((GuildId(from_sql(r.get(0)?)), MemberId(from_sql(r.get(1)?)))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The claims in force on open cases: each open case's latest claim,
    /// unless a pardon came after it (a pardon starts the conversation over,
    /// and a resolution closes the case, so neither keeps a claim).
    pub fn open_claims(&self) -> Result<Vec<OpenClaim>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.guild, c.channel, c.member, e.actor, e.at_ms FROM cases c JOIN events e ON e.case_id = c.id
             WHERE c.closed_ms IS NULL AND e.kind = 'claim' AND e.actor IS NOT NULL
               AND e.id = (SELECT id FROM events WHERE case_id = c.id AND kind IN ('claim', 'pardon')
                           ORDER BY at_ms DESC, id DESC LIMIT 1)
             ORDER BY e.at_ms, e.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OpenClaim { conversation: conversation(r, 0)?, moderator: from_sql(r.get(3)?), at_ms: r.get(4)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A member's latest case in a guild (in any channel), with its timeline.
    pub fn case(&self, guild: u64, member: u64) -> Result<Option<Case>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM cases WHERE guild = ?1 AND member = ?2 ORDER BY opened_ms DESC, id DESC LIMIT 1",
                params![to_sql(guild), to_sql(member)],
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => self.case_by_id(id),
            None => Ok(None),
        }
    }

    /// A member's cases in a guild, newest first, at most `limit`.
    pub fn cases(&self, guild: u64, member: u64, limit: usize) -> Result<Vec<CaseSummary>> {
        let sql = format!("{SUMMARY} WHERE guild = ?1 AND member = ?2 ORDER BY opened_ms DESC, id DESC LIMIT ?3");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![to_sql(guild), to_sql(member), limit as i64], summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One case with its timeline, oldest event first.
    pub fn case_by_id(&self, id: i64) -> Result<Option<Case>> {
        let sql = format!("{SUMMARY} WHERE id = ?1");
        let Some(summary) = self.conn.query_row(&sql, [id], summary).optional()? else { return Ok(None) };
        let mut signals = self.conn.prepare_cached(
            "SELECT s.event_id, s.category, s.phrase FROM signals s JOIN events e ON e.id = s.event_id
             WHERE e.case_id = ?1 ORDER BY s.rowid",
        )?;
        let mut by_event: std::collections::HashMap<i64, Vec<StoredSignal>> = std::collections::HashMap::new();
        for row in signals
            .query_map([id], |r| Ok((r.get::<_, i64>(0)?, StoredSignal { category: r.get(1)?, phrase: r.get(2)? })))?
        {
            let (event, signal) = row?;
            by_event.entry(event).or_default().push(signal);
        }
        let sql = format!(
            "SELECT id, at_ms, kind, about, excerpt, {COLUMNS} FROM events WHERE case_id = ?1 ORDER BY at_ms, id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([id], |r| {
            let cols = Columns {
                score: r.get(5)?,
                level: r.get(6)?,
                channel_level: r.get(7)?,
                tier: r.get(8)?,
                amount: r.get(9)?,
                actor: r.get(10)?,
                message: r.get(11)?,
                name: r.get(12)?,
                detail: r.get(13)?,
            };
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get(4)?,
                cols,
            ))
        })?;
        let mut timeline = Vec::new();
        for row in rows {
            let (id, at_ms, kind, about, excerpt, cols) = row?;
            let signals = by_event.remove(&id).unwrap_or_default();
            if let Some(kind) = codec::decode(&kind, cols, signals) {
                timeline.push(TimelineEntry { id, at_ms, about: about.map(from_sql), kind, excerpt });
            } else {
                tracing::warn!(event = id, kind, "skipping an event of a kind this build does not know");
            }
        }
        Ok(Some(Case { summary, timeline }))
    }

    /// Deletes cases whose last event is older than `older_than_ms` (with
    /// their events, choices and follow-ups) and strikes older than that,
    /// then gives the freed pages back to the file system.
    pub fn purge(&mut self, older_than_ms: i64) -> Result<Purged> {
        let purged = self.write(|c| purge_before(c, older_than_ms))?;
        self.conn.execute_batch("PRAGMA incremental_vacuum")?;
        Ok(purged)
    }

    /// Applies a batch of the writer's writes in one transaction.
    pub(crate) fn apply(&mut self, writes: &[Write]) -> Result<()> {
        #[cfg(test)]
        if self.fail_writes > 0 {
            self.fail_writes -= 1;
            let full = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL);
            return Err(StoreError::Query(rusqlite::Error::SqliteFailure(full, Some("injected: disk full".into()))));
        }
        self.write(|c| {
            for w in writes {
                match w {
                    Write::Events(events) => {
                        insert_all(c, events)?;
                    }
                    Write::Strike(s) => {
                        insert_strike(c, s)?;
                    }
                    Write::Purge { older_than_ms } => {
                        purge_before(c, *older_than_ms)?;
                    }
                }
            }
            Ok(())
        })
    }
}
