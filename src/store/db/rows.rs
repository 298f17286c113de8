//! Turning result rows into the store's plain data: conversations, case
//! summaries and choice offers, with the SELECTs that produce them.

use crate::store::codec::{self, from_sql};
use crate::store::model::{CaseSummary, ChoiceOffer, Conversation};
use rusqlite::Row;

pub(super) fn conversation(r: &Row<'_>, at: usize) -> rusqlite::Result<Conversation> {
    Ok(Conversation::from_raw(from_sql(r.get(at)?), from_sql(r.get(at + 1)?), from_sql(r.get(at + 2)?)))
}

pub(super) const SUMMARY: &str = "SELECT id, guild, channel, member, opened_ms, last_ms, closed_ms, peak_level,
    (SELECT count(*) FROM events WHERE case_id = cases.id) FROM cases";

pub(super) fn summary(r: &Row<'_>) -> rusqlite::Result<CaseSummary> {
    Ok(CaseSummary {
        id: r.get(0)?,
        conversation: conversation(r, 1)?,
        opened_ms: r.get(4)?,
        last_ms: r.get(5)?,
        closed_ms: r.get(6)?,
        peak_level: codec::level(r.get(7)?),
        events: r.get::<_, i64>(8)? as u64,
    })
}

pub(super) const OFFER: &str =
    "SELECT message, guild, channel, member, choice_set, offered_ms, expires_ms, chosen, chosen_ms FROM choices";

pub(super) fn offer(r: &Row<'_>) -> rusqlite::Result<ChoiceOffer> {
    let chosen: Option<String> = r.get(7)?;
    let chosen_ms: Option<i64> = r.get(8)?;
    Ok(ChoiceOffer {
        message: from_sql(r.get(0)?),
        conversation: conversation(r, 1)?,
        set: r.get(4)?,
        offered_ms: r.get(5)?,
        expires_ms: r.get(6)?,
        chosen: chosen.zip(chosen_ms),
    })
}
