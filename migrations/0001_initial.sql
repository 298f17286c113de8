-- keel storage, schema version 1: cases and their timelines, strikes,
-- choice buttons and follow-ups.
--
-- Discord IDs are stored as INTEGER (a u64 reinterpreted as i64, so every ID
-- round-trips); times are Unix milliseconds; levels are 0 calm, 1 tense,
-- 2 heated, 3 abusive. Applied by src/store/schema.rs in one transaction
-- together with `PRAGMA user_version = 1`.

-- A case: one conversation (guild, channel, member; member 0 is the channel
-- as a whole) from the first nudge or boundary to its resolution. At most one
-- case per conversation is open at a time.
CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    guild       INTEGER NOT NULL,
    channel     INTEGER NOT NULL,
    member      INTEGER NOT NULL,
    opened_ms   INTEGER NOT NULL,
    last_ms     INTEGER NOT NULL,
    closed_ms   INTEGER,
    peak_level  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX cases_open ON cases (guild, channel, member) WHERE closed_ms IS NULL;
CREATE INDEX cases_member ON cases (guild, member, opened_ms);
CREATE INDEX cases_conversation ON cases (guild, channel, member, opened_ms);
CREATE INDEX cases_last ON cases (last_ms);

-- The timeline of a case. Which columns are set depends on `kind`
-- (see src/store/codec.rs).
CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at_ms          INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    about          INTEGER,   -- the customer's message the event is about
    score          REAL,      -- scored
    level          INTEGER,   -- scored, nudge
    channel_level  INTEGER,   -- scored
    tier           INTEGER,   -- boundary
    amount         INTEGER,   -- timeout seconds; follow-up due time or id
    actor          INTEGER,   -- who claimed, chose, flagged, pardoned, resolved
    message        INTEGER,   -- nudge and choice messages
    name           TEXT,      -- nudge script, choice set
    detail         TEXT,      -- the option chosen, a follow-up's answer
    excerpt        TEXT       -- only when bot.toml [storage] store_excerpts is on
) STRICT;
CREATE INDEX events_case ON events (case_id, at_ms);
CREATE INDEX events_at ON events (at_ms);
CREATE INDEX events_nudge_message ON events (message) WHERE kind = 'nudge';

-- The phrases that counted in a scored event (pack phrases, not user text).
CREATE TABLE signals (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    category  TEXT NOT NULL,
    phrase    TEXT NOT NULL
) STRICT;
CREATE INDEX signals_event ON signals (event_id);

-- Strikes per member per guild; a pardon sets pardoned_ms.
CREATE TABLE strikes (
    id           INTEGER PRIMARY KEY,
    guild        INTEGER NOT NULL,
    channel      INTEGER NOT NULL,
    member       INTEGER NOT NULL,
    at_ms        INTEGER NOT NULL,
    case_id      INTEGER REFERENCES cases (id) ON DELETE SET NULL,
    pardoned_ms  INTEGER
) STRICT;
CREATE INDEX strikes_member ON strikes (guild, member, at_ms);
CREATE INDEX strikes_at ON strikes (at_ms);

-- Choice buttons offered to a customer, found again by the message carrying them.
CREATE TABLE choices (
    message     INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    guild       INTEGER NOT NULL,
    channel     INTEGER NOT NULL,
    member      INTEGER NOT NULL,
    choice_set  TEXT NOT NULL,
    offered_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    chosen      TEXT,
    chosen_ms   INTEGER
) STRICT;
CREATE INDEX choices_case ON choices (case_id);

-- Follow-ups; the id is the id of the `followup_scheduled` event.
CREATE TABLE followups (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    guild        INTEGER NOT NULL,
    channel      INTEGER NOT NULL,
    member       INTEGER NOT NULL,
    scheduled_ms INTEGER NOT NULL,
    due_ms       INTEGER NOT NULL,
    fired_ms     INTEGER,
    answered_ms  INTEGER,
    answer       TEXT
) STRICT;
CREATE INDEX followups_pending ON followups (due_ms) WHERE fired_ms IS NULL;
CREATE INDEX followups_case ON followups (case_id);
