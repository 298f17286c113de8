//! One transcript line as `keel replay` reads it.
//!
//! `id`, `channel`, `author` and `text` are required; `ts` is RFC 3339 text
//! or Unix milliseconds; `guild` and unknown fields are ignored; `role` is
//! `customer` (the default), `staff` or `moderator`.

use crate::core::Role;
use serde::{Deserialize, Deserializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// An ID written as a string or a number.
#[derive(Debug)]
pub(super) struct Id(pub(super) String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            N(u64),
        }
        match Raw::deserialize(d) {
            Ok(Raw::S(s)) => Ok(Id(s)),
            Ok(Raw::N(n)) => Ok(Id(n.to_string())),
            Err(_) => Err(serde::de::Error::custom("expected a string or a whole number")),
        }
    }
}

/// `ts`: RFC 3339 text or Unix milliseconds.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum Timestamp {
    Millis(i64),
    Text(String),
}

/// One input line. Unknown fields are ignored.
#[derive(Debug, Deserialize)]
pub(super) struct InputLine {
    pub(super) id: Id,
    pub(super) ts: Option<Timestamp>,
    #[allow(dead_code)]
    pub(super) guild: Option<Id>,
    pub(super) channel: Id,
    pub(super) author: Id,
    #[serde(default)]
    pub(super) role: Role,
    pub(super) text: String,
}

/// The time of a line in Unix milliseconds.
pub(super) fn parse_ts(ts: &Timestamp) -> Result<i64, String> {
    match ts {
        Timestamp::Millis(ms) => Ok(*ms),
        Timestamp::Text(s) => OffsetDateTime::parse(s, &Rfc3339)
            .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
            .map_err(|e| format!("`ts` is neither RFC 3339 nor Unix milliseconds ({s:?}: {e})")),
    }
}
