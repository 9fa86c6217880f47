//! Flattening the weighted hierarchy (question → item → group → lens → combined) into one
//! coefficient per question, for a given set of active questions.
//!
//! Because every level is a weighted mean, each score is a linear function of the answers once
//! it is known which questions are active (applicable and not `na`): `score = 5 * Σ c_q * e_q`.
//! Scores, explanations and the what-if search all use these coefficients, so an explanation's
//! contributions sum to the score by construction.

use crate::structure::Structure;

/// Coefficients for one lens.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
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
