//! Surface signals read from the original text: shouting and punctuation bursts.
//!
//! PLACEHOLDER implementation; the real one replaces it.

/// What the surface of a message says about its tone.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Surface {
    /// 0 (no shouting) to 1 (everything that can be shouted is in capitals).
    pub shouting: f32,
    /// Number of punctuation bursts such as `!!!` or `?!?!`.
    pub punctuation_bursts: u32,
}

/// Reads the surface signals of `original`.
pub fn surface(original: &str) -> Surface {
    let _ = original;
    Surface::default()
}
