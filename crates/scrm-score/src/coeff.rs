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
            // Item coefficient vectors grouped by group.
            let mut group_items: Vec<Vec<Vec<(usize, f64)>>> = vec![Vec::new(); ls.groups.len()];
            for item in &ls.items {
                let d: Vec<(usize, f64)> = item
                    .direct
                    .iter()
                    .copied()
                    .filter(|(q, _)| active[*q])
                    .collect();
                let x: Vec<(usize, f64)> = item
                    .crosswalk
                    .iter()
                    .copied()
                    .filter(|(q, _)| active[*q])
                    .collect();
                let (pd, px) = match (d.is_empty(), x.is_empty()) {
                    (true, true) => continue,
                    (false, true) => (1.0, 0.0),
                    (true, false) => (0.0, 1.0),
                    (false, false) => (1.0 - c, c),
                };
                let mut coef = Vec::with_capacity(d.len() + x.len());
                for (part, share) in [(&d, pd), (&x, px)] {
                    let total: f64 = part.iter().map(|(_, w)| w).sum();
                    if share > 0.0 && total > 0.0 {
                        coef.extend(part.iter().map(|(q, w)| (*q, share * w / total)));
                    }
                }
                if !coef.is_empty() {
                    group_items[item.group].push(coef);
                }
            }
            let mut groups = Vec::with_capacity(ls.groups.len());
            let mut total_w = 0.0;
            for (g, items) in group_items.iter().enumerate() {
                if items.is_empty() {
                    groups.push(None);
                    continue;
                }
                let share = 1.0 / items.len() as f64;
                let mut v = vec![0.0; n];
                for item in items {
                    for (q, k) in item {
                        v[*q] += share * k;
                    }
                }
                total_w += ls.group_weights[g];
                groups.push(Some((v, items.len() as u32)));
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
