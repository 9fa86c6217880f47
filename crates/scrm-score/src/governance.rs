//! The governance view: a supplier's lens scores split by the ISO/IEC 38500 task each question
//! informs (evaluate, direct, monitor), from its explanation, so the parts add up to the score.

use scrm_model::{
    Explanation, GovernanceTag, GovernanceView, LensGovernance, Question, QuestionId, TaskShare,
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
                    // Summed in the explanation's (catalog) order, as the lens score is.
                    let contribution: f64 = mine.iter().map(|c| c.contribution).sum();
                    let possible: f64 = mine.iter().map(|c| 5.0 * c.coefficient).sum();
                    let mut by_headroom = mine.clone();
                    by_headroom.sort_by(|a, b| {
                        b.headroom
                            .total_cmp(&a.headroom)
                            .then_with(|| a.question.as_str().cmp(b.question.as_str()))
                    });
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
            }
        })
        .collect();
    GovernanceView {
        vendor_id: x.result.vendor_id.clone(),
        lenses,
    }
}
