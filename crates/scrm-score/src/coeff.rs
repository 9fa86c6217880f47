//! Flattening the weighted hierarchy (question → item → group → lens → combined) into one
//! coefficient per question, for a given set of active questions.
//!
//! Because every level is a weighted mean, each score is a linear function of the answers once
//! it is known which questions are active (applicable and not `na`): `score = 5 * Σ c_q * e_q`.
//! Scores, explanations and the what-if search all use these coefficients, so an explanation's
//! contributions sum to the score by construction.

use crate::structure::Structure;
use rustc_hash::FxHashMap;
use std::sync::{Arc, RwLock};

/// Coefficients for one lens.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LensCoeff {
    /// Per question; sums to 1 over active questions.
    pub questions: Vec<f64>,
    /// `questions` without its zeros, for scoring.
    pub sparse: Sparse,
    /// Per group: `Some((coefficients summing to 1, items scored))` when the group is scored.
    /// Only scored, never explained, so kept sparse: a group holds a handful of a catalog's
    /// questions.
    pub groups: Vec<Option<(Sparse, u32)>>,
}

/// Coefficients for every lens and the combined score.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Coefficients {
    /// Per lens in `Lens::ALL` order; `None` when nothing in the lens is active.
    pub lenses: Vec<Option<LensCoeff>>,
    /// Combined-score coefficients; `None` when no lens with positive weight is scored.
    pub combined: Option<Vec<f64>>,
    /// `combined` without its zeros, for scoring.
    pub combined_sparse: Option<Sparse>,
}

/// The non-zero coefficients of a dense vector, in question order. [`Sparse::score`] is
/// bit-identical to [`score`] over the dense vector: a zero coefficient adds `+0.0` to a sum
/// that starts at `+0.0`, which changes nothing, and the other terms are added in the same
/// order. Scoring every group of every lens densely was the largest part of scoring a vendor
/// (dozens of groups times every question of the catalog).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Sparse(Vec<(u32, f64)>);

impl Sparse {
    pub(crate) fn of(dense: &[f64]) -> Self {
        let mut v = Vec::with_capacity(dense.iter().filter(|c| **c != 0.0).count());
        for (q, &c) in dense.iter().enumerate() {
            if c != 0.0 {
                v.push((q as u32, c));
            }
        }
        Self(v)
    }

    /// `5 * Σ c_q * e_q` over the non-zero coefficients, in question order.
    pub(crate) fn score(&self, effective: &[f64]) -> f64 {
        let mut s = 0.0;
        for &(q, c) in &self.0 {
            s += 5.0 * c * effective[q as usize];
        }
        s
    }
}

impl Coefficients {
    /// Computes coefficients for the questions marked active.
    pub(crate) fn compute(s: &Structure, active: &[bool]) -> Self {
        let n = s.questions.len();
        let c = s.crosswalk_weight;
        let mut lenses = Vec::with_capacity(s.lenses.len());
        let mut scratch = vec![0.0; n];
        for ls in &s.lenses {
            // An item's direct and crosswalked parts, over active questions: the weight total
            // of each part and the share of the item it carries (zero when it carries none).
            let parts = |item: &crate::structure::Item| {
                let total = |qs: &[(usize, f64)]| -> (bool, f64) {
                    let mut any = false;
                    let mut t = 0.0;
                    for (q, w) in qs {
                        if active[*q] {
                            any = true;
                            t += w;
                        }
                    }
                    (any, t)
                };
                let ((hd, td), (hx, tx)) = (total(&item.direct), total(&item.crosswalk));
                let (pd, px) = match (hd, hx) {
                    (false, false) => (0.0, 0.0),
                    (true, false) => (1.0, 0.0),
                    (false, true) => (0.0, 1.0),
                    (true, true) => (1.0 - c, c),
                };
                [(pd, td), (px, tx)]
            };
            let carries = |(share, total): (f64, f64)| share > 0.0 && total > 0.0;
            let item_parts: Vec<[(f64, f64); 2]> = ls.items.iter().map(parts).collect();
            // Scored items per group first (an item is scored when a part carries weight), so
            // that each item can then be added straight into its group's vector, in item
            // order: the same sums, in the same order, as collecting the items first.
            let mut scored = vec![0u32; ls.groups.len()];
            for (item, ps) in ls.items.iter().zip(&item_parts) {
                if ps.iter().copied().any(carries) {
                    scored[item.group] += 1;
                }
            }
            // Each group's coefficients, built group by group in one scratch vector: a
            // question's value adds up over its group's items in item order, exactly as when
            // every group had a dense vector of its own, and only the questions touched are
            // read back.
            let mut groups: Vec<Option<(Sparse, u32)>> = vec![None; ls.groups.len()];
            let mut items = ls
                .by_group
                .iter()
                .copied()
                .filter(|&i| item_parts[i].iter().copied().any(carries))
                .peekable();
            while let Some(&first) = items.peek() {
                let g = ls.items[first].group;
                let share = 1.0 / f64::from(scored[g]);
                while let Some(i) = items.next_if(|&i| ls.items[i].group == g) {
                    let (item, ps) = (&ls.items[i], item_parts[i]);
                    for (qs, p) in [(&item.direct, ps[0]), (&item.crosswalk, ps[1])] {
                        if !carries(p) {
                            continue;
                        }
                        let (part_share, total) = p;
                        for (q, w) in qs.iter().filter(|(q, _)| active[*q]) {
                            scratch[*q] += share * (part_share * w / total);
                        }
                    }
                }
                // Read back where the group can be non-zero, leaving the scratch all zeros.
                let reach = &ls.group_questions[g];
                let mut sp = Vec::with_capacity(reach.len());
                for &q in reach {
                    let c = std::mem::take(&mut scratch[q as usize]);
                    if c != 0.0 {
                        sp.push((q, c));
                    }
                }
                groups[g] = Some((Sparse(sp), scored[g]));
            }
            let mut total_w = 0.0;
            for (g, slot) in groups.iter().enumerate() {
                if slot.is_some() {
                    total_w += ls.group_weights[g];
                }
            }
            if total_w <= 0.0 {
                lenses.push(None);
                continue;
            }
            // Skipping a group's zeros adds nothing that the dense sum added: `x + 0.0` is `x`.
            let mut questions = vec![0.0; n];
            for (g, slot) in groups.iter().enumerate() {
                if let Some((sp, _)) = slot {
                    let gw = ls.group_weights[g] / total_w;
                    for &(q, k) in &sp.0 {
                        questions[q as usize] += gw * k;
                    }
                }
            }
            lenses.push(Some(LensCoeff {
                sparse: Sparse::of(&questions),
                questions,
                groups,
            }));
        }
        let total: f64 = lenses
            .iter()
            .zip(&s.lens_weights)
            .filter(|(l, _)| l.is_some())
            .map(|(_, w)| *w)
            .sum();
        let combined = (total > 0.0).then(|| {
            let mut v = vec![0.0; n];
            for (l, w) in lenses.iter().zip(&s.lens_weights) {
                if let Some(lc) = l {
                    for (q, k) in lc.questions.iter().enumerate() {
                        v[q] += w / total * k;
                    }
                }
            }
            v
        });
        let combined_sparse = combined.as_deref().map(Sparse::of);
        Self {
            lenses,
            combined,
            combined_sparse,
        }
    }
}

/// Coefficients made for vendors whose `na` answers change their active set, shared by every
/// vendor with the same active set. A portfolio has few such sets (`na` is allowed on few
/// questions, and suppliers mark the same ones): 59 distinct sets among 1,452 such vendors of
/// a generated 10k portfolio, where each made its own at about 80,000 instructions. Bounded,
/// so that hostile input with a new set per vendor costs time, never memory; results do not
/// depend on what the cache holds (the same coefficients are made either way).
#[derive(Debug, Clone)]
pub(crate) struct CoefCache {
    sets: Arc<RwLock<SetMap>>,
    /// At most this many active sets are kept.
    max: usize,
}

/// Coefficients by active set (one bit per question).
type SetMap = FxHashMap<Box<[u64]>, Arc<Coefficients>>;

impl Default for CoefCache {
    fn default() -> Self {
        Self {
            sets: Arc::default(),
            max: 4096,
        }
    }
}

impl CoefCache {
    /// The coefficients for `active`, from the cache or made (and kept while there is room).
    pub(crate) fn get(&self, s: &Structure, active: &[bool]) -> Arc<Coefficients> {
        let mut key = vec![0u64; active.len().div_ceil(64)];
        for (i, &a) in active.iter().enumerate() {
            key[i / 64] |= u64::from(a) << (i % 64);
        }
        // A poisoned lock only means another thread panicked while holding it; the map is
        // still whole (inserts are single calls), so it is used as it is.
        let hit = self
            .sets
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key.as_slice())
            .cloned();
        if let Some(c) = hit {
            return c;
        }
        let made = Arc::new(Coefficients::compute(s, active));
        let mut map = self
            .sets
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() < self.max {
            map.entry(key.into_boxed_slice())
                .or_insert_with(|| Arc::clone(&made));
        }
        made
    }
}

/// `5 * Σ c_q * e_q`, summed in question order (the same order explanations use): the dense
/// reference that [`Sparse::score`] must equal bit for bit.
#[cfg(test)]
pub(crate) fn score(coef: &[f64], effective: &[f64]) -> f64 {
    let mut s = 0.0;
    for (c, e) in coef.iter().zip(effective) {
        s += 5.0 * c * e;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The cache gives what computing gives, for the active sets `na` answers make, and keeps
    /// no more sets than its bound however many it is asked for.
    #[test]
    fn cached_coefficients_are_computed_ones_and_bounded() {
        let policy = scrm_policy::Policy::builtin(None).unwrap_or_else(|e| panic!("{e}"));
        let catalog = scrm_catalog::Catalog::builtin();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default();
        let e = crate::Engine::new(catalog, &policy, as_of);
        let s = &e.s;
        let role = &s.applicable[1];
        let cache = CoefCache {
            max: 3,
            ..CoefCache::default()
        };
        // Drop one applicable question (as an `na` answer would), five different ones, each
        // asked for twice.
        let dropped: Vec<usize> = (0..role.len())
            .filter(|&i| role[i])
            .step_by(7)
            .take(5)
            .collect();
        for &q in dropped.iter().chain(&dropped) {
            let mut active = role.clone();
            active[q] = false;
            assert_eq!(
                *cache.get(s, &active),
                Coefficients::compute(s, &active),
                "{q}"
            );
        }
        let kept = cache.sets.read().map(|m| m.len()).unwrap_or_default();
        assert_eq!(kept, 3);
    }

    proptest! {
        /// Skipping the zero coefficients gives the very same bits as the dense sum, whatever
        /// the mix of zeros, tiny and large coefficients and effective values.
        #[test]
        fn sparse_score_is_the_dense_score(
            pairs in proptest::collection::vec(
                (
                    prop_oneof![Just(0.0), Just(-0.0), 0.0f64..1.0, 1e-300f64..1e-290],
                    prop_oneof![Just(0.0), Just(1.0), 0.0f64..1.0],
                ),
                0..200,
            ),
        ) {
            let (coef, eff): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
            let dense = score(&coef, &eff);
            let sparse = Sparse::of(&coef).score(&eff);
            prop_assert_eq!(dense.to_bits(), sparse.to_bits());
        }
    }
}
