//! The question index of an answer's [`scrm_model::QuestionId::key`]: an open-addressing table
//! looked up once per answer of every vendor, where a general hash map's probing cost more than
//! the rest of reading the answer.

/// Question indexes by key. Keys are addresses of interned ids, so never 0: 0 marks an empty
/// slot. The table is at least four times the number of keys, so a lookup nearly always reads
/// one slot, and a missing key ends at the first empty one.
#[derive(Debug, Clone)]
pub(crate) struct KeyIndex {
    shift: u32,
    slots: Box<[(usize, u32)]>,
}

impl KeyIndex {
    /// The table of `(key, index)` pairs; a key given twice keeps its last index, as a map's
    /// `collect` would.
    pub(crate) fn new(pairs: impl IntoIterator<Item = (usize, usize)>) -> Self {
        let pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
        let len = (pairs.len() * 4).next_power_of_two().max(16);
        let mut t = Self {
            shift: usize::BITS - len.trailing_zeros(),
            slots: vec![(0, 0); len].into_boxed_slice(),
        };
        for (key, index) in pairs {
            // Indexes are question positions, far below `u32::MAX`.
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            if key == 0 {
                continue;
            }
            let mut i = t.home(key);
            while t.slots[i].0 != 0 && t.slots[i].0 != key {
                i = (i + 1) & (len - 1);
            }
            t.slots[i] = (key, index);
        }
        t
    }

    /// Fibonacci hashing: the top bits of the key times 2^64/φ, which spreads addresses that
    /// differ only in their low bits.
    #[inline]
    fn home(&self, key: usize) -> usize {
        (key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) as usize >> self.shift
    }

    #[inline]
    pub(crate) fn get(&self, key: usize) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let (k, v) = self.slots[i];
            if k == key && k != 0 {
                return Some(v as usize);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// The table answers what a hash map of the same pairs answers, for keys in it and not.
        #[test]
        fn agrees_with_a_map(
            pairs in proptest::collection::vec((1usize..5_000, 0usize..1_000), 0..300),
            probes in proptest::collection::vec(0usize..5_000, 0..100),
        ) {
            let map: HashMap<usize, usize> = pairs.iter().copied().collect();
            let t = KeyIndex::new(pairs.iter().copied());
            for k in pairs.iter().map(|p| p.0).chain(probes) {
                prop_assert_eq!(t.get(k), if k == 0 { None } else { map.get(&k).copied() });
            }
        }
    }

    /// Aligned addresses, as interned ids have, land in distinct slots often enough that every
    /// key is found.
    #[test]
    fn finds_aligned_addresses() {
        let pairs: Vec<(usize, usize)> = (0..200).map(|i| (0x5555_0000 + i * 16, i)).collect();
        let t = KeyIndex::new(pairs.iter().copied());
        for (k, i) in pairs {
            assert_eq!(t.get(k), Some(i));
        }
        assert_eq!(t.get(0x5555_0008), None);
        assert_eq!(t.get(0), None);
    }
}
