//! The signals that stop `keel run`: Ctrl-C (SIGINT) and SIGTERM.
//!
//! They are listened to from [`StopSignals::listen`] on, before keel starts
//! connecting, so a signal that arrives while keel is still loading or
//! connecting is not lost; and they are counted, so the first one can ask
//! for a clean shutdown and a second one for an immediate exit.

use std::future::pending;
use tokio::sync::watch;

/// How many stop signals have arrived, and the name of the latest.
type Seen = (usize, &'static str);

/// Stop signals received so far; clones watch the same signals.
#[derive(Debug, Clone)]
pub struct StopSignals {
    seen: watch::Receiver<Seen>,
}

impl StopSignals {
    /// Starts listening (on the current tokio runtime). When the handlers
    /// cannot be installed, that is logged and no signal ever arrives.
    pub fn listen() -> StopSignals {
        let (tx, seen) = watch::channel((0, ""));
        match Listener::install() {
            Ok(mut listener) => {
                tokio::spawn(async move {
                    loop {
                        let name = listener.next().await;
                        tx.send_modify(|(n, latest)| {
                            *n += 1;
                            *latest = name;
                        });
                    }
                });
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for Ctrl-C or SIGTERM; stop keel by killing it"),
        }
        StopSignals { seen }
    }

    /// Waits for the `n`th signal (1: the first) and names it; returns at
    /// once when it has already arrived.
    pub async fn nth(&self, n: usize) -> &'static str {
        let mut seen = self.seen.clone();
        let latest = seen.wait_for(|(count, _)| *count >= n).await.map(|seen| seen.1);
        match latest {
            Ok(name) => name,
            Err(_) => pending().await, // the listener is gone: no more signals
        }
    }
}

/// The installed signal handlers.
struct Listener {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Listener {
    #[cfg(unix)]
    fn install() -> std::io::Result<Listener> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Listener { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
    }

    #[cfg(not(unix))]
    fn install() -> std::io::Result<Listener> {
        Ok(Listener {})
    }

    /// The next signal's name.
    #[cfg(unix)]
    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }

    /// The next signal's name.
    #[cfg(not(unix))]
    async fn next(&mut self) -> &'static str {
        match tokio::signal::ctrl_c().await {
            Ok(()) => "Ctrl-C",
            Err(_) => pending().await,
        }
    }
}
