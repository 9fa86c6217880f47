//! The earliest items of a run in input order, up to a limit, whatever order they were found in:
//! the problems and rejected rows listed when a run has more than the problem limit.

use std::collections::BinaryHeap;

/// Where an item stands in the input, compared as a whole: part (registered in input order),
/// row, column, then the order it was found in (which only breaks ties).
pub(crate) type Key = (u32, u64, u32, u64);

/// An item with its key, ordered by the key alone.
struct Keyed<T>(Key, T);

impl<T> PartialEq for Keyed<T> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}

impl<T> Eq for Keyed<T> {}

impl<T> PartialOrd for Keyed<T> {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl<T> Ord for Keyed<T> {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.cmp(&o.0)
    }
}

/// Keeps the `limit` items of smallest key offered to it.
///
/// Which items a run lists must not depend on the order files are read in: a long CSV whose
/// vendors are finished as it is read is read after the buyer's files and the inputs that follow
/// it, so "the first `limit` found" would list another set than a run read in input order.
pub(crate) struct Earliest<T> {
    limit: usize,
    /// A max-heap: its top is the latest item kept, the one an earlier item displaces.
    heap: BinaryHeap<Keyed<T>>,
}

impl<T> Earliest<T> {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            heap: BinaryHeap::new(),
        }
    }

    /// Whether an item at `key` would be kept (checked before it is made: past the limit, most
    /// items come later than every one kept and are only counted).
    pub(crate) fn admits(&self, key: &Key) -> bool {
        self.heap.len() < self.limit || self.heap.peek().is_some_and(|top| *key < top.0)
    }

    /// Keeps an item [`Earliest::admits`]; hands back the one it displaces, if any.
    pub(crate) fn push(&mut self, key: Key, item: T) -> Option<(Key, T)> {
        self.heap.push(Keyed(key, item));
        (self.heap.len() > self.limit)
            .then(|| self.heap.pop())
            .flatten()
            .map(|Keyed(k, t)| (k, t))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// The items kept, in key order.
    pub(crate) fn into_sorted(self) -> Vec<T> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Keyed(_, t)| t)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(row: u64) -> Key {
        (0, row, 0, row)
    }

    /// Whatever the order items come in, the same earliest ones are kept, in key order, and
    /// every other one is handed back or refused.
    #[test]
    fn keeps_the_earliest_in_any_order() {
        for order in [[5u64, 1, 4, 2, 3], [1, 2, 3, 4, 5], [5, 4, 3, 2, 1]] {
            let mut e = Earliest::new(3);
            let mut dropped = Vec::new();
            for r in order {
                if !e.admits(&key(r)) {
                    dropped.push(r);
                    continue;
                }
                if let Some((_, d)) = e.push(key(r), r) {
                    dropped.push(d);
                }
            }
            dropped.sort_unstable();
            assert_eq!((e.into_sorted(), dropped), (vec![1, 2, 3], vec![4, 5]));
        }
        let mut none = Earliest::new(0);
        assert!(!none.admits(&key(0)));
        assert_eq!(none.push(key(0), 0), Some((key(0), 0)));
        assert!(none.is_empty());
    }
}
