//! Views of a supplier's explanation: its lens scores split by the ISO/IEC 38500 task each
//! question informs (evaluate, direct, monitor), the parts adding up to the score; and its
//! readiness against each generative-AI risk of NIST AI 600-1.

use scrm_model::round::no_negative_zero;
use scrm_model::{
    AnswerValue, Explanation, GaiRisk, GovernanceTag, GovernanceView, LensGovernance, Question,
    QuestionId, RiskReadiness, RiskView, TaskShare,
};
use std::collections::HashMap;

/// How many of a task's questions [`TaskShare::weakest`] names.
const WEAKEST: usize = 3;

/// Groups each lens's contributions by the governance task of their question. A question the
/// catalog does not hold (none should) counts under `evaluate`, ISO/IEC 38500's first task.
pub fn governance_view(x: &Explanation, questions: &[Question]) -> GovernanceView {
    let task: HashMap<QuestionId, GovernanceTag> =
        questions.iter().map(|q| (q.id, q.governance)).collect();
    let lenses = x
        .lenses
        .iter()
        .map(|le| {
            let tasks = GovernanceTag::ALL
                .iter()
                .map(|&t| {
                    let mine: Vec<_> = le
                        .contributions
                        .iter()
                        .filter(|c| {
                            task.get(&c.question)
                                .copied()
                                .unwrap_or(GovernanceTag::Evaluate)
                                == t
                        })
                        .collect();
                    // Summed in the explanation's (catalog) order, as the lens score is; a task
                    // with no question sums to 0.0, not -0.0.
                    let contribution = no_negative_zero(mine.iter().map(|c| c.contribution).sum());
                    let possible = no_negative_zero(mine.iter().map(|c| 5.0 * c.coefficient).sum());
                    let mut by_headroom = mine.clone();
                    // Stable: ties keep the explanation's (catalog) order, as in the risk view.
                    by_headroom.sort_by(|a, b| b.headroom.total_cmp(&a.headroom));
                    TaskShare {
                        task: t,
                        contribution,
                        possible,
                        attainment: (possible > 0.0)
                            .then(|| (contribution / possible).clamp(0.0, 1.0)),
                        questions: mine.len(),
                        weakest: by_headroom
                            .iter()
                            .filter(|c| c.headroom > 0.0)
                            .take(WEAKEST)
                            .map(|c| c.question)
                            .collect(),
                    }
                })
                .collect();
            LensGovernance {
                lens: le.lens,
                score: le.score,
                tasks,
                zero_weights: le.zero_weights,
            }
        })
        .collect();
    GovernanceView {
        vendor_id: x.result.vendor_id.clone(),
        lenses,
    }
}

/// Readiness against each GAI risk of NIST AI 600-1, from the vendor's active questions (every
/// question that applies to it and is not `na`, whether or not a lens weighs it), each with its
/// effective value and answer: the mean effective value of those that address the risk
/// (`risks_of` names a question's risks), unweighted, since the view crosses lenses whose
/// weights differ. Questions in catalog order, which breaks ties among the weakest.
pub(crate) fn risk_view_of(
    vendor_id: &scrm_model::VendorId,
    active: &[(&Question, f64, AnswerValue)],
    risks_of: &dyn Fn(&Question) -> Vec<GaiRisk>,
) -> RiskView {
    let tagged: Vec<(Vec<GaiRisk>, QuestionId, f64, AnswerValue)> = active
        .iter()
        .map(|&(q, e, a)| (risks_of(q), q.id, e, a))
        .collect();
    let risks = GaiRisk::ALL
        .iter()
        .map(|&r| {
            let mine: Vec<(QuestionId, f64, AnswerValue)> = tagged
                .iter()
                .filter(|t| t.0.contains(&r))
                .map(|t| (t.1, t.2, t.3))
                .collect();
            let readiness = (!mine.is_empty())
                .then(|| 5.0 * mine.iter().map(|m| m.1).sum::<f64>() / mine.len() as f64);
            let mut weakest: Vec<&(QuestionId, f64, AnswerValue)> =
                mine.iter().filter(|m| m.1 < 1.0).collect();
            // Stable: ties keep catalog order.
            weakest.sort_by(|a, b| a.1.total_cmp(&b.1));
            RiskReadiness {
                risk: r,
                readiness,
                questions: mine.len(),
                answered: mine
                    .iter()
                    .filter(|m| m.2 != AnswerValue::Unanswered)
                    .count(),
                weakest: weakest.iter().take(WEAKEST).map(|m| m.0).collect(),
            }
        })
        .collect();
    RiskView {
        vendor_id: vendor_id.clone(),
        risks,
    }
}
