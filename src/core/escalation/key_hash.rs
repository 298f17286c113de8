//! A fixed, seedless hasher for conversation keys.
//!
//! Keys are Discord snowflakes (channel and author IDs), assigned by Discord
//! rather than chosen by users, so the tables do not need the per-process
//! random seed that protects against hash flooding. A fixed hasher keeps the
//! tracker reproducible down to its table layout, and it is cheaper than
//! `SipHash` for two `u64` words. Eviction order never depends on it: that is
//! the LRU list's job.

use std::hash::{BuildHasherDefault, Hasher};

/// Builds [`KeyHasher`]s; used by both conversation tables.
pub(super) type KeyHash = BuildHasherDefault<KeyHasher>;

/// Multiply-rotate over 64-bit words with a murmur3 finalizer.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct KeyHasher(u64);

const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(23) ^ x).wrapping_mul(K);
    }

    fn finish(&self) -> u64 {
        // murmur3's fmix64: every input bit reaches the low bits (bucket
        // index) and the top seven bits (hashbrown's control byte).
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}
