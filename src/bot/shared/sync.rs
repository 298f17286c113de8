//! The shell's one lock helper.
//!
//! Locks are held for a few statements and never across an `.await`; a lock
//! poisoned by a panicking handler is recovered, so one bad event cannot
//! wedge the bot.

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex, recovering it if a panicking handler poisoned it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
