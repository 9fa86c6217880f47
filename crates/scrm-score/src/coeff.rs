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
    /// Per group: `Some((coefficients summing to 1, items scored))` when the group is scored.
    pub groups: Vec<Option<(Vec<f64>, u32)>>,
}

/// Coefficients for every lens and the combined score.
#[derive(Debug, Clone)]
pub(crate) struct Coefficients {
    /// Per lens in `Lens::ALL` order; `None` when nothing in the lens is active.
    pub lenses: Vec<Option<LensCoeff>>,
    /// Combined-score coefficients; `None` when no lens with positive weight is scored.
    pub combined: Option<Vec<f64>>,
}

impl Coefficients {
    /// Computes coefficients for the questions marked active.
    pub(crate) fn compute(s: &Structure, active: &[bool]) -> Self {
        let n = s.questions.len();
        let c = s.crosswalk_weight;
        let mut lenses = Vec::with_capacity(s.lenses.len());
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
            let mut dense: Vec<Option<Vec<f64>>> = vec![None; ls.groups.len()];
            for (item, &ps) in ls.items.iter().zip(&item_parts) {
                if !ps.iter().copied().any(carries) {
                    continue;
                }
                let share = 1.0 / f64::from(scored[item.group]);
                let v = dense[item.group].get_or_insert_with(|| vec![0.0; n]);
                for (qs, p) in [(&item.direct, ps[0]), (&item.crosswalk, ps[1])] {
                    if !carries(p) {
                        continue;
                    }
                    let (part_share, total) = p;
                    for (q, w) in qs.iter().filter(|(q, _)| active[*q]) {
                        v[*q] += share * (part_share * w / total);
                    }
                }
            }
            let mut groups = Vec::with_capacity(ls.groups.len());
            let mut total_w = 0.0;
            for (g, v) in dense.into_iter().enumerate() {
                match v {
                    None => groups.push(None),
                    Some(v) => {
                        total_w += ls.group_weights[g];
                        groups.push(Some((v, scored[g])));
                    }
                }
            }
            if total_w <= 0.0 {
                lenses.push(None);
                continue;
            }
            let mut questions = vec![0.0; n];
            for (g, slot) in groups.iter().enumerate() {
                if let Some((v, _)) = slot {
                    let gw = ls.group_weights[g] / total_w;
                    for (q, k) in v.iter().enumerate() {
                        questions[q] += gw * k;
                    }
                }
            }
            lenses.push(Some(LensCoeff { questions, groups }));
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
        Self { lenses, combined }
    }
}

/// `5 * Σ c_q * e_q`, summed in question order (the same order explanations use).
pub(crate) fn score(coef: &[f64], effective: &[f64]) -> f64 {
    let mut s = 0.0;
    for (c, e) in coef.iter().zip(effective) {
        s += 5.0 * c * e;
    }
    s
}
