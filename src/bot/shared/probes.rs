//! What a benchmark or a test can ask the running bot to note: when each
//! message reached the handler, and the order messages were judged in.
//!
//! Off unless switched on, and then the only cost on the message path is
//! one atomic load per probe: nothing is locked on every message.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// Probes a benchmark or a test switches on.
#[derive(Debug, Default)]
pub struct Probes {
    /// When each `MESSAGE_CREATE` reached the handler, once switched on.
    receipts: OnceLock<Mutex<HashMap<u64, Instant>>>,
    /// The (channel, message) of each message judged, in the order judged, once switched on.
    judged: OnceLock<Mutex<Vec<(u64, u64)>>>,
}

impl Probes {
    /// Starts noting when each message reaches the handler.
    pub fn note_receipts(&self) {
        let _ = self.receipts.set(Mutex::default());
    }

    /// Starts noting the order messages are judged in.
    pub fn note_judged(&self) {
        let _ = self.judged.set(Mutex::default());
    }

    /// A message reached the handler.
    pub fn received(&self, message: u64) {
        if let Some(receipts) = self.receipts.get() {
            super::sync::lock(receipts).insert(message, Instant::now());
        }
    }

    /// A message was judged.
    pub fn judged(&self, channel: u64, message: u64) {
        if let Some(judged) = self.judged.get() {
            super::sync::lock(judged).push((channel, message));
        }
    }

    /// The receipts noted so far (taken: noting goes on with an empty map).
    pub fn take_receipts(&self) -> HashMap<u64, Instant> {
        self.receipts.get().map(|r| std::mem::take(&mut *super::sync::lock(r))).unwrap_or_default()
    }

    /// The messages judged so far, in order; `None` when not switched on.
    pub fn judged_so_far(&self) -> Option<Vec<(u64, u64)>> {
        self.judged.get().map(|j| super::sync::lock(j).clone())
    }
}
