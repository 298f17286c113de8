//! Servers' settings made from Discord: read at launch, replaced whole on
//! every change, forgotten on a reset.

use super::{Result, Store};
use crate::store::codec::{from_sql, to_sql};
use crate::store::model::StoredSettings;
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Every server's stored settings, by guild.
    pub fn guild_settings(&self) -> Result<Vec<StoredSettings>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT guild, settings, updated_ms, updated_by FROM guild_settings ORDER BY guild")?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredSettings {
                guild: from_sql(r.get(0)?),
                json: r.get(1)?,
                updated_ms: r.get(2)?,
                updated_by: from_sql(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One server's stored settings, if any.
    pub fn settings_of(&self, guild: u64) -> Result<Option<StoredSettings>> {
        Ok(self
            .conn
            .query_row(
                "SELECT settings, updated_ms, updated_by FROM guild_settings WHERE guild = ?1",
                [to_sql(guild)],
                |r| {
                    Ok(StoredSettings {
                        guild,
                        json: r.get(0)?,
                        updated_ms: r.get(1)?,
                        updated_by: from_sql(r.get(2)?),
                    })
                },
            )
            .optional()?)
    }

    /// Replaces a server's settings.
    pub fn save_guild_settings(&mut self, s: &StoredSettings) -> Result<()> {
        self.write(|conn| {
            conn.execute(
                "INSERT INTO guild_settings (guild, settings, updated_ms, updated_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (guild) DO UPDATE SET settings = ?2, updated_ms = ?3, updated_by = ?4",
                params![to_sql(s.guild), s.json, s.updated_ms, to_sql(s.updated_by)],
            )
            .map(|_| ())
        })
    }

    /// Forgets a server's settings (back to bot.toml); false when it had none.
    pub fn forget_guild_settings(&mut self, guild: u64) -> Result<bool> {
        let removed: Option<i64> = self.write(|conn| {
            conn.query_row("DELETE FROM guild_settings WHERE guild = ?1 RETURNING guild", [to_sql(guild)], |r| r.get(0))
                .optional()
        })?;
        Ok(removed.is_some())
    }
}
