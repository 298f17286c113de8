//! Turning the string IDs of transcripts into the core's `u64` keys.
//!
//! Discord IDs are numbers and are used as they are; any other string
//! (`"u1"`, `"support"`) is hashed with a fixed FNV-1a, so the mapping is the
//! same on every run and every machine.

/// The core's key for an ID as written in a transcript.
pub fn key(id: &str) -> u64 {
    if let Ok(n) = id.parse::<u64>() {
        return n;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Keep hashed keys apart from small numeric IDs.
    h | (1 << 63)
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn numbers_stay_numbers_and_strings_hash_stably() {
        assert_eq!(key("1234567890123"), 1_234_567_890_123);
        assert_eq!(key("u1"), key("u1"));
        assert_ne!(key("u1"), key("u2"));
        assert_ne!(key("c1"), key("u1"));
        assert!(key("x") >= 1 << 63);
    }
}
