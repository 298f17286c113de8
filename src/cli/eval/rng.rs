//! A tiny seeded generator (`SplitMix64`) for the evasion suite: the same
//! seed gives the same rewrites on every machine, with no dependency.

/// `SplitMix64` (Steele, Lea and Flood, 2014): one 64-bit state, one
/// addition and a mix per number.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator that starts from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`; the tiny modulo bias does not matter here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability one half.
    pub fn coin(&mut self) -> bool {
        self.next_u64() >> 63 == 1
    }

    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `k` distinct elements of `items`, in their original order.
    pub fn choose<T: Copy>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, self.below(i + 1));
        }
        let mut chosen: Vec<usize> = order.into_iter().take(k).collect();
        chosen.sort_unstable();
        chosen.into_iter().map(|i| items[i]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn the_first_output_for_seed_zero_is_the_reference_one() {
        assert_eq!(Rng::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn choose_gives_distinct_items_in_order() {
        let mut rng = Rng::new(7);
        for k in 0..=5 {
            let c = rng.choose(&[1, 2, 3, 4, 5], k);
            assert_eq!(c.len(), k);
            assert!(c.windows(2).all(|w| w[0] < w[1]), "{c:?}");
        }
    }
}
