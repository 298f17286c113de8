//! The shell's one clock. The core never reads a clock: the shell passes
//! the time in (a message's own timestamp when it has one, else this).

/// Now, in Unix ms.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
