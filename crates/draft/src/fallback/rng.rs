//! A tiny seeded generator: the fallback must give the same draft for the same input on
//! every platform and release, which a library's generator does not promise.

/// SplitMix64 (Steele, Lea, Flood 2014): one multiply-xorshift step per number.
#[derive(Debug, Clone)]
pub(super) struct Rng(u64);

impl Rng {
    /// Seeded from the user's seed and the text, so two stories with one seed differ.
    pub(super) fn new(seed: u64, text: &str) -> Self {
        Self(seed ^ fnv1a(text))
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An index below `len` (which is small: a palette's length).
    pub(super) fn below(&mut self, len: usize) -> usize {
        (self.next() % len.max(1) as u64) as usize
    }

    /// An item of `items` other than `previous` when there is a choice, so two shots
    /// in a row do not share a lens or a light.
    pub(super) fn pick_other<'a>(&mut self, items: &[&'a str], previous: Option<&str>) -> &'a str {
        let index = self.below(items.len());
        match items.get(index) {
            Some(item) if Some(*item) == previous && items.len() > 1 => items[(index + 1) % items.len()],
            Some(item) => item,
            None => "",
        }
    }
}

/// FNV-1a, 64 bits: stable across releases, unlike std's `DefaultHasher`.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}
