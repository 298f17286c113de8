//! The hasher of keel's word tables (the pack's grammar words, the
//! normalizer's vocabulary): short keys from the pack itself, looked up for
//! nearly every word of every message.

use std::hash::{BuildHasherDefault, Hasher};

/// Build the maps and sets of words with this: `HashMap<K, V, WordHasher>`.
pub(crate) type WordHasher = BuildHasherDefault<FxHasher>;

/// `FxHash` (rustc's hasher): a multiply and a rotate per 8 bytes. The word
/// lists are the pack's own and the words looked up are short, so `SipHash`'s
/// protection against chosen collisions buys nothing here and costs most of
/// the grammar lookups' time.
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}
