//! Both views of a supplier (GenAI risk readiness, the lens scores by governance task) rolled
//! up over a portfolio: for each risk, how many suppliers are weak, the median and the least
//! ready; for each lens and task, the mean attainment. Computed supplier by supplier in
//! parallel, aggregated in vendor-id order: the same portfolio gives the same roll-up at any
//! thread count.

use crate::{Engine, governance_view};
use rayon::prelude::*;
use scrm_model::round::round4;
use scrm_model::{
    Exclusion, GaiRisk, GovernanceTag, Lens, PortfolioViews, Question, ROLLUP_LOWEST, RiskRollup,
    TaskRollup, Vendor, VendorId, ViewRow, WEAK_READINESS,
};

/// Rolls both views up over `vendors`, each scored with its own exclusion entries (`exclusions`
/// holds every supplier's; a hard gate changes no view, but the explanation is the engine's).
pub fn portfolio_views(
    engine: &Engine,
    questions: &[Question],
    vendors: &[Vendor],
    exclusions: &[Exclusion],
) -> PortfolioViews {
    roll_up(&supplier_views(engine, questions, vendors, exclusions))
}

/// Each supplier's two views (GenAI risk readiness, the lens scores by governance task) as
/// their numbers, in vendor-id order whatever order `vendors` is in.
pub fn supplier_views(
    engine: &Engine,
    questions: &[Question],
    vendors: &[Vendor],
    exclusions: &[Exclusion],
) -> Vec<ViewRow> {
    let by_vendor = crate::index_exclusions(exclusions);
    let mut rows: Vec<ViewRow> = vendors
        .par_iter()
        .map(|v| {
            let ex = by_vendor.get(v.id()).map_or(&[][..], Vec::as_slice);
            supplier_view(engine, questions, v, ex)
        })
        .collect();
    rows.sort_by(|a, b| a.vendor_id.cmp(&b.vendor_id));
    rows
}

/// One supplier's two views as their numbers, scored with its own exclusion entries: what
/// [`supplier_views`] makes of each supplier, for a caller that holds one supplier at a time.
pub fn supplier_view(
    engine: &Engine,
    questions: &[Question],
    vendor: &Vendor,
    exclusions: &[&Exclusion],
) -> ViewRow {
    let x = engine.explain(vendor, exclusions);
    ViewRow::of(&engine.risk_view(vendor), &governance_view(&x, questions))
}

/// The roll-up of the suppliers' view numbers, in the order given.
pub fn roll_up(rows: &[ViewRow]) -> PortfolioViews {
    let risks = GaiRisk::ALL
        .iter()
        .enumerate()
        .map(|(i, &risk)| {
            let mut ready: Vec<(&VendorId, f64)> = rows
                .iter()
                .filter_map(|r| r.readiness[i].map(|x| (&r.vendor_id, x)))
                .collect();
            // Equal to four decimals (what outputs keep) is a tie, broken by vendor id: the last
            // bits of a mean do not order suppliers.
            ready.sort_by(|a, b| {
                round4(a.1)
                    .total_cmp(&round4(b.1))
                    .then_with(|| a.0.cmp(b.0))
            });
            RiskRollup {
                risk,
                suppliers: ready.len(),
                weak: ready
                    .iter()
                    .filter(|(_, x)| *x < WEAK_READINESS - crate::SCORE_TOLERANCE)
                    .count(),
                median: median(&ready.iter().map(|(_, x)| *x).collect::<Vec<_>>()),
                lowest: ready
                    .iter()
                    .take(ROLLUP_LOWEST)
                    .map(|(id, x)| ((*id).clone(), *x))
                    .collect(),
            }
        })
        .collect();
    let governance = Lens::ALL
        .iter()
        .flat_map(|&lens| GovernanceTag::ALL.iter().map(move |&task| (lens, task)))
        .enumerate()
        .map(|(i, (lens, task))| {
            let att: Vec<f64> = rows.iter().filter_map(|r| r.attainment[i]).collect();
            TaskRollup {
                lens,
                task,
                suppliers: att.len(),
                mean_attainment: (!att.is_empty())
                    .then(|| att.iter().sum::<f64>() / att.len() as f64),
                below_half: att
                    .iter()
                    .filter(|a| **a < 0.5 - crate::SCORE_TOLERANCE)
                    .count(),
            }
        })
        .collect();
    PortfolioViews {
        suppliers: rows.len(),
        risks,
        governance,
    }
}

/// The median of values sorted ascending: the middle one, or the mean of the middle two.
fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scrm_model::{GovernanceView, LensGovernance, RiskReadiness, RiskView, TaskShare};

    fn rv(id: &str, readiness: &[(GaiRisk, Option<f64>)]) -> RiskView {
        RiskView {
            vendor_id: VendorId::new(id).unwrap_or_else(|| unreachable!()),
            risks: readiness
                .iter()
                .map(|&(risk, r)| RiskReadiness {
                    risk,
                    readiness: r,
                    questions: 1,
                    answered: 1,
                    weakest: Vec::new(),
                })
                .collect(),
        }
    }

    fn gv(id: &str, airm: Option<f64>) -> GovernanceView {
        GovernanceView {
            vendor_id: VendorId::new(id).unwrap_or_else(|| unreachable!()),
            lenses: vec![LensGovernance {
                lens: Lens::Airm,
                score: Some(3.0),
                tasks: vec![TaskShare {
                    task: GovernanceTag::Direct,
                    contribution: 0.0,
                    possible: 1.0,
                    attainment: airm,
                    questions: 1,
                    weakest: Vec::new(),
                }],
                zero_weights: false,
            }],
        }
    }

    #[test]
    fn risks_count_the_weak_take_the_median_and_name_the_least_ready() {
        let c = GaiRisk::Confabulation;
        let views = [
            // The last bits of a mean do not order suppliers: V3 ties V2, V2 first by id.
            (rv("V3", &[(c, Some(1.0 - 1e-15))]), gv("V3", Some(0.2))),
            (rv("V1", &[(c, Some(4.0))]), gv("V1", Some(0.9))),
            (rv("V2", &[(c, Some(1.0))]), gv("V2", None)),
            (rv("V4", &[(c, Some(2.0))]), gv("V4", Some(0.7))),
            (rv("V5", &[(c, None)]), gv("V5", Some(0.5 - 1e-15))),
        ];
        let rows: Vec<ViewRow> = views.iter().map(|(r, g)| ViewRow::of(r, g)).collect();
        let p = roll_up(&rows);
        assert_eq!(p.suppliers, 5);
        let r = p
            .risks
            .iter()
            .find(|r| r.risk == c)
            .unwrap_or_else(|| unreachable!());
        // 1, 1, 2, 4: two weak (2 is not below 2), median (1 + 2) / 2.
        assert_eq!((r.suppliers, r.weak), (4, 2));
        assert!((r.median.unwrap_or_default() - 1.5).abs() < 1e-12);
        let lowest: Vec<(&str, f64)> = r.lowest.iter().map(|(v, x)| (v.as_str(), *x)).collect();
        assert_eq!(
            lowest,
            [("V2", 1.0), ("V3", 1.0 - 1e-15), ("V4", 2.0), ("V1", 4.0)]
        );
        // A risk no supplier's questions address: nobody, no median.
        let e = p
            .risks
            .iter()
            .find(|r| r.risk == GaiRisk::Environmental)
            .unwrap_or_else(|| unreachable!());
        assert_eq!((e.suppliers, e.median), (0, None));
        assert_eq!(p.risks.len(), GaiRisk::ALL.len());
        let d = p
            .governance
            .iter()
            .find(|t| t.lens == Lens::Airm && t.task == GovernanceTag::Direct)
            .unwrap_or_else(|| unreachable!());
        // 0.5 less the last bits is not below half.
        assert_eq!((d.suppliers, d.below_half), (4, 1));
        assert!((d.mean_attainment.unwrap_or_default() - 0.575).abs() < 1e-12);
        assert_eq!(
            p.governance.len(),
            Lens::ALL.len() * GovernanceTag::ALL.len()
        );
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[2.0]), Some(2.0));
        assert_eq!(median(&[1.0, 2.0, 9.0]), Some(2.0));
        assert_eq!(median(&[1.0, 2.0, 3.0, 9.0]), Some(2.5));
    }
}
