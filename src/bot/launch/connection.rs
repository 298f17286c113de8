//! Saying once, in keel's words, why keel cannot reach Discord.
//!
//! serenity retries a gateway connection that failed every
//! [`RETRY_INTERVAL`] forever, and logs a WARN with its own error text at
//! each attempt: a bot left running with no network fills its log with the
//! same line. keel keeps the retrying (networks come back) but not the
//! noise: [`ConnectionLog`], a `tracing` layer installed by the binary,
//! swallows those warnings and logs one note in keel's words with the cause
//! and the interval, then nothing more until the bot connects (keel's own
//! "connected to Discord" line, [`log_connected`]) or the cause changes.
//!
//! The decision itself is [`Notes`], a small state machine with no I/O, so
//! "once, and again when the cause changes" is tested without a network or
//! a clock; the layer is only the glue between it and serenity's events.

use crate::bot::shared::sync::lock;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// How often serenity tries again after a failed gateway connection (its
/// shard queuer's fixed wait between starts).
pub const RETRY_INTERVAL: Duration = Duration::from_secs(5);

/// The `tracing` target of keel's connection lines: WARN for a cause,
/// INFO for "connected".
pub const TARGET: &str = "keel::connection";

/// Why a connection attempt failed, as an owner reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// The name could not be resolved: no network, or no DNS.
    NoAddress,
    /// Something answered and refused the connection.
    Refused,
    /// Nothing answered in time.
    TimedOut,
    /// The machine has no route to Discord.
    Unreachable,
    /// Anything else, as serenity put it.
    Other(String),
}

/// The longest raw error text kept in [`Cause::Other`].
const RAW_MAX: usize = 200;

impl Cause {
    /// Classifies serenity's error text (its `Debug` rendering of the error).
    pub fn of(error: &str) -> Cause {
        let has = |needles: &[&str]| needles.iter().any(|n| error.contains(n));
        if has(&["failed to lookup address", "Name or service not known", "nodename nor servname"]) {
            Cause::NoAddress
        } else if has(&["ConnectionRefused", "Connection refused"]) {
            Cause::Refused
        } else if has(&["TimedOut", "timed out"]) {
            Cause::TimedOut
        } else if has(&["NetworkUnreachable", "HostUnreachable", "Network is unreachable", "No route to host"]) {
            Cause::Unreachable
        } else {
            Cause::Other(error.chars().take(RAW_MAX).collect())
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::NoAddress => f.write_str("Discord's address cannot be looked up (no network, or no DNS)"),
            Cause::Refused => f.write_str("the connection was refused"),
            Cause::TimedOut => f.write_str("the connection timed out"),
            Cause::Unreachable => f.write_str("the network is unreachable"),
            Cause::Other(raw) => write!(f, "{raw}"),
        }
    }
}

/// What keel has said about the connection: a failure is noted once per
/// cause, and connecting starts over.
#[derive(Debug, Default)]
pub struct Notes {
    said: Option<Cause>,
}

impl Notes {
    /// An attempt failed because of `cause`: the line to log when the cause
    /// is new (the first failure, or a different one), `None` for a repeat.
    pub fn failed(&mut self, cause: Cause) -> Option<String> {
        if self.said.as_ref() == Some(&cause) {
            return None;
        }
        let line = format!(
            "cannot connect to Discord: {cause}; retrying every {} s, quietly until keel connects or the cause changes",
            RETRY_INTERVAL.as_secs()
        );
        self.said = Some(cause);
        Some(line)
    }

    /// The bot connected: the next failure is noted again, whatever its cause.
    pub fn connected(&mut self) {
        self.said = None;
    }
}

/// Logs keel's "connected to Discord" line, which also tells
/// [`ConnectionLog`] that the connection is up.
pub fn log_connected(user: &str, guilds: usize) {
    tracing::info!(target: TARGET, user, guilds, "connected to Discord");
}

/// Logs that a dropped connection was resumed; like [`log_connected`], it
/// tells [`ConnectionLog`] that the connection is up.
pub fn log_resumed() {
    tracing::info!(target: TARGET, "connection to Discord resumed");
}

/// serenity's warning about one failed connection attempt, as its error
/// text; `None` for any other event.
fn retry_warning(event: &Event<'_>) -> Option<String> {
    let meta = event.metadata();
    if *meta.level() != Level::WARN || !meta.target().starts_with("serenity::gateway::bridge::") {
        return None;
    }
    let mut message = Message(String::new());
    event.record(&mut message);
    let text = message.0;
    let failed = text.contains("Err starting shard") || text.starts_with("Failed to resume");
    failed.then(|| text.split_once(": ").map_or(text.clone(), |(_, why)| why.to_string()))
}

/// The `message` field of an event, as formatted.
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0 = value.to_string();
        }
    }
}

/// A `tracing` layer that replaces serenity's warning at every failed
/// connection attempt with [`Notes`]' one line per cause.
#[derive(Debug, Default)]
pub struct ConnectionLog {
    notes: Mutex<Notes>,
}

impl<S: Subscriber> Layer<S> for ConnectionLog {
    /// Notes connection events; serenity's retry warnings are disabled here
    /// (so no layer prints them) after being noted. keel's own line is
    /// logged after the lock is released: it passes through this layer too.
    fn event_enabled(&self, event: &Event<'_>, _ctx: Context<'_, S>) -> bool {
        let meta = event.metadata();
        if meta.target() == TARGET && *meta.level() == Level::INFO {
            lock(&self.notes).connected();
            return true;
        }
        let Some(error) = retry_warning(event) else { return true };
        let line = lock(&self.notes).failed(Cause::of(&error));
        if let Some(line) = line {
            tracing::warn!(target: TARGET, "{line}");
        }
        false
    }
}

#[cfg(test)]
mod tests;
