//! Both views of a supplier (GenAI risk readiness, the lens scores by governance task) rolled
//! up over a portfolio: for each risk, how many suppliers are weak, the median and the least
//! ready; for each lens and task, the mean attainment. Computed supplier by supplier in
//! parallel, aggregated in vendor-id order: the same portfolio gives the same roll-up at any
//! thread count.

use crate::{Engine, governance_view};
use rayon::prelude::*;
use scrm_model::round::round4;
use scrm_model::{
    Exclusion, GaiRisk, GovernanceTag, GovernanceView, Lens, PortfolioViews, Question,
    ROLLUP_LOWEST, RiskRollup, RiskView, TaskRollup, Vendor, VendorId, WEAK_READINESS,
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

/// Each supplier's two views (GenAI risk readiness, the lens scores by governance task), in
/// vendor-id order whatever order `vendors` is in.
pub fn supplier_views(
    engine: &Engine,
    questions: &[Question],
    vendors: &[Vendor],
    exclusions: &[Exclusion],
) -> Vec<(RiskView, GovernanceView)> {
    let by_vendor = crate::index_exclusions(exclusions);
    let mut views: Vec<(RiskView, GovernanceView)> = vendors
        .par_iter()
        .map(|v| {
            let ex = by_vendor.get(v.id()).map_or(&[][..], Vec::as_slice);
            let x = engine.explain(v, ex);
            (engine.risk_view(v), governance_view(&x, questions))
        })
        .collect();
    views.sort_by(|a, b| a.0.vendor_id.cmp(&b.0.vendor_id));
    views
}

/// The roll-up of views already computed, in the order given.
pub fn roll_up(views: &[(RiskView, GovernanceView)]) -> PortfolioViews {
    let risks = GaiRisk::ALL
        .iter()
        .map(|&risk| {
            let mut ready: Vec<(&VendorId, f64)> = views
                .iter()
                .filter_map(|(rv, _)| {
                    rv.risks
                        .iter()
                        .find(|r| r.risk == risk)
                        .and_then(|r| r.readiness)
                        .map(|x| (&rv.vendor_id, x))
                })
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
        .map(|(lens, task)| {
            let att: Vec<f64> = views
                .iter()
                .filter_map(|(_, g)| {
                    g.lenses
                        .iter()
                        .find(|l| l.lens == lens && l.score.is_some())
                        .and_then(|l| l.tasks.iter().find(|t| t.task == task))
                        .and_then(|t| t.attainment)
                })
                .collect();
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
        suppliers: views.len(),
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
    use scrm_model::{LensGovernance, RiskReadiness, TaskShare};

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
            }],
        }
    }

    #[test]
    fn risks_count_the_weak_take_the_median_and_name_the_least_ready() {
        let c = GaiRisk::Confabulation;
        let views = vec![
            // The last bits of a mean do not order suppliers: V3 ties V2, V2 first by id.
            (rv("V3", &[(c, Some(1.0 - 1e-15))]), gv("V3", Some(0.2))),
            (rv("V1", &[(c, Some(4.0))]), gv("V1", Some(0.9))),
            (rv("V2", &[(c, Some(1.0))]), gv("V2", None)),
            (rv("V4", &[(c, Some(2.0))]), gv("V4", Some(0.7))),
            (rv("V5", &[(c, None)]), gv("V5", Some(0.5 - 1e-15))),
        ];
        let p = roll_up(&views);
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
