-- keel storage, schema version 2: settings a server's owners made from
-- Discord with /keel setup.
--
-- One row per guild. `settings` is a JSON object of the keys set (the same
-- names as a [[guild]] block of bot.toml; a key not in it comes from
-- bot.toml); keel validates it when it loads it, as it validates bot.toml.
-- Never purged: settings are not records of conversations.
CREATE TABLE guild_settings (
    guild       INTEGER PRIMARY KEY,
    settings    TEXT NOT NULL,
    updated_ms  INTEGER NOT NULL,
    updated_by  INTEGER NOT NULL
);
