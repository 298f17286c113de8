//! Connection notes: causes in keel's words, once per cause, and the layer
//! that keeps serenity's repeats out of the log.

use super::*;
use std::io::Write;
use std::sync::Arc;
use tracing_subscriber::layer::SubscriberExt;

/// serenity 0.12.5's text for a failed start with no network (issue 9).
const NO_NETWORK: &str = "Tungstenite(Io(Custom { kind: Uncategorized, error: \"failed to lookup address information: Temporary failure in name resolution\" }))";
const REFUSED: &str = "Tungstenite(Io(Os { code: 111, kind: ConnectionRefused, message: \"Connection refused\" }))";

#[test]
fn serenity_errors_become_causes() {
    struct Case {
        name: &'static str,
        error: &'static str,
        expected: Cause,
    }
    let cases = [
        Case { name: "no network", error: NO_NETWORK, expected: Cause::NoAddress },
        Case { name: "refused", error: REFUSED, expected: Cause::Refused },
        Case {
            name: "timed out",
            error: "Tungstenite(Io(Os { code: 110, kind: TimedOut, message: \"Connection timed out\" }))",
            expected: Cause::TimedOut,
        },
        Case {
            name: "unreachable",
            error: "Tungstenite(Io(Os { code: 101, kind: NetworkUnreachable, message: \"Network is unreachable\" }))",
            expected: Cause::Unreachable,
        },
        Case {
            name: "other",
            error: "Tungstenite(Tls(bad cert))",
            expected: Cause::Other("Tungstenite(Tls(bad cert))".into()),
        },
    ];
    for c in cases {
        assert_eq!(Cause::of(c.error), c.expected, "{}", c.name);
    }
    let long = "x".repeat(500);
    assert_eq!(Cause::of(&long), Cause::Other("x".repeat(RAW_MAX)), "raw text is cut short");
}

#[test]
fn a_cause_is_said_once_and_again_when_it_changes_or_after_connecting() {
    enum Step {
        Fail(&'static str),
        Connect,
    }
    let steps = [
        (Step::Fail(NO_NETWORK), true),
        (Step::Fail(NO_NETWORK), false),
        (Step::Fail(NO_NETWORK), false),
        (Step::Fail(REFUSED), true),
        (Step::Fail(REFUSED), false),
        (Step::Fail(NO_NETWORK), true),
        (Step::Connect, false),
        (Step::Fail(NO_NETWORK), true),
        (Step::Fail(NO_NETWORK), false),
    ];
    let mut notes = Notes::default();
    for (i, (step, says)) in steps.into_iter().enumerate() {
        let said = match step {
            Step::Fail(error) => notes.failed(Cause::of(error)),
            Step::Connect => {
                notes.connected();
                None
            }
        };
        assert_eq!(said.is_some(), says, "step {i}: {said:?}");
    }
}

#[test]
fn the_line_names_the_cause_and_the_interval() {
    let line = Notes::default().failed(Cause::of(NO_NETWORK)).expect("a first failure is said");
    assert!(line.starts_with("cannot connect to Discord: Discord's address cannot be looked up"), "{line}");
    assert!(line.contains("retrying every 5 s"), "{line}");
    assert!(!line.contains("Tungstenite"), "keel's words, not serenity's: {line}");
}

/// A writer the fmt layer writes into, for reading back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        lock(&self.0).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn serenitys_retry_warnings_are_kept_out_of_the_log_and_other_lines_are_not() {
    let out = Captured::default();
    let writer = out.clone();
    let fmt = tracing_subscriber::fmt::layer().with_ansi(false).with_writer(move || writer.clone());
    let subscriber = tracing_subscriber::registry().with(ConnectionLog::default()).with(fmt);
    tracing::subscriber::with_default(subscriber, || {
        for _ in 0..3 {
            tracing::warn!(target: "serenity::gateway::bridge::shard_queuer", "[Shard Queuer] Err starting shard 0: {NO_NETWORK}");
            tracing::warn!(target: "serenity::gateway::bridge::shard_runner", "Failed to resume: {REFUSED}");
        }
        tracing::warn!(target: "serenity::gateway::bridge::shard_queuer", "Failed to cleanly shutdown shard 0");
        log_connected("keel", 1);
    });
    let text = String::from_utf8(lock(&out.0).clone()).expect("utf-8");
    assert!(!text.contains("Err starting shard") && !text.contains("Failed to resume"), "{text}");
    assert!(text.contains("Failed to cleanly shutdown shard 0"), "other warnings stay: {text}");
    assert!(text.contains("connected to Discord"), "{text}");
}
