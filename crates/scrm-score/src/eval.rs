//! Evaluating one vendor: which questions apply, each answer's effective value, and the scores.

use crate::coeff::{CoefCache, Coefficients};
use crate::structure::Structure;
use chrono::{Days, NaiveDate};
use scrm_model::{
    AiRole, AnswerFacts, AnswerValue, GroupScore, Lens, LensScore, MaturityLevel, QuestionId,
    ScoreInput,
};
use scrm_policy::EvidenceRules;
use std::cell::RefCell;
use std::sync::Arc;

/// State of one question's evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EvidenceState {
    /// No evidence text.
    Missing,
    /// Evidence dated beyond the maximum age.
    Stale,
    /// Evidence present and current (or undated).
    Current,
}

/// One vendor, evaluated.
#[derive(Debug, Clone)]
pub(crate) struct Eval<'e> {
    /// Answer per question (Unanswered where none).
    pub values: Vec<AnswerValue>,
    /// Evidence state per question.
    pub evidence: Vec<EvidenceState>,
    /// Whether the question applies to the vendor (role).
    pub applicable: &'e [bool],
    /// Applicable and not `na`.
    pub active: Vec<bool>,
    /// Effective value in [0, 1] after the evidence rule (0 where not active).
    pub effective: Vec<f64>,
    /// Coefficients for the active set.
    pub coef: Coef<'e>,
    counts: Counts,
    /// The earliest evidence date of any answer that is not stale on the engine's date.
    pub first_current: Option<NaiveDate>,
    /// Each answer's normalized value, NaN for na and unanswered: later passes read it
    /// without a branch on the kind of answer.
    pub norms: Vec<f64>,
}

/// The vectors of the last [`Eval`] a thread dropped, for the next one to fill: each vendor's
/// evaluation needs five vectors as long as the catalog, and making and freeing them was a
/// tenth of a run's allocations.
#[derive(Default)]
struct Spare {
    values: Vec<AnswerValue>,
    evidence: Vec<EvidenceState>,
    active: Vec<bool>,
    effective: Vec<f64>,
    norms: Vec<f64>,
}

thread_local! {
    static SPARE: RefCell<Spare> = const {
        RefCell::new(Spare {
            values: Vec::new(),
            evidence: Vec::new(),
            active: Vec::new(),
            effective: Vec::new(),
            norms: Vec::new(),
        })
    };
}

/// `v` emptied, then filled with `n` copies of `x`.
fn refill<T: Clone>(mut v: Vec<T>, n: usize, x: T) -> Vec<T> {
    v.clear();
    v.resize(n, x);
    v
}

impl Drop for Eval<'_> {
    fn drop(&mut self) {
        let spare = Spare {
            values: std::mem::take(&mut self.values),
            evidence: std::mem::take(&mut self.evidence),
            active: std::mem::take(&mut self.active),
            effective: std::mem::take(&mut self.effective),
            norms: std::mem::take(&mut self.norms),
        };
        // Not kept when the thread is going away: the vectors are then simply freed. (The
        // spare is only ever borrowed inside `take` and `replace`, never across a call.)
        let _ = SPARE.try_with(|s| s.replace(spare));
    }
}

/// The coefficients of a vendor's active set: its role's, or those of its `na` answers.
#[derive(Debug, Clone)]
pub(crate) enum Coef<'e> {
    /// The role's (no `na` answer changes the active set).
    Role(&'e Coefficients),
    /// Made for the vendor's active set, or shared with vendors that have the same one.
    Own(Arc<Coefficients>),
}

impl std::ops::Deref for Coef<'_> {
    type Target = Coefficients;
    fn deref(&self) -> &Coefficients {
        match self {
            Self::Role(c) => c,
            Self::Own(c) => c,
        }
    }
}

/// What coverage and confidence count over the questions, made in [`Eval::new`]'s pass.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    /// Applicable questions.
    applicable: u32,
    /// Applicable and answered (na included).
    answered: u32,
    /// Active with a positive answer.
    positive: u32,
    /// Of those, backed by current evidence.
    backed: u32,
}

/// Every role a profile can declare, in [`role_key`] order.
pub(crate) fn roles() -> impl Iterator<Item = Option<AiRole>> {
    std::iter::once(None).chain(AiRole::ALL.iter().copied().map(Some))
}

/// The role key used to cache coefficients for vendors without `na` answers.
pub(crate) fn role_key(role: Option<AiRole>) -> usize {
    match role {
        None => 0,
        Some(r) => 1 + r as usize,
    }
}

/// The first day evidence is current on `as_of`: evidence dated before it is more than
/// `max_age_days` old. `None` when nothing can be stale. Computed once per engine, so that each
/// answer costs one date comparison rather than date arithmetic.
pub(crate) fn stale_before(rules: &EvidenceRules, as_of: NaiveDate) -> Option<NaiveDate> {
    rules
        .max_age_days
        .and_then(|max| as_of.checked_sub_days(Days::new(u64::from(max))))
}

/// Evidence state of an answer, given [`stale_before`]: `(as_of - d) > max` days exactly when
/// `d < as_of - max`.
pub(crate) fn evidence_state(a: &AnswerFacts, stale_before: Option<NaiveDate>) -> EvidenceState {
    if !a.has_evidence {
        return EvidenceState::Missing;
    }
    match (a.evidence_date, stale_before) {
        (Some(d), Some(first)) if d < first => EvidenceState::Stale,
        _ => EvidenceState::Current,
    }
}

impl<'e> Eval<'e> {
    /// Evaluates a vendor. `base` holds precomputed coefficients per role key for vendors
    /// without `na` answers, `cache` those of the active sets `na` answers made; `stale` is
    /// [`stale_before`] for the run's date.
    pub(crate) fn new<V: ScoreInput + ?Sized>(
        s: &'e Structure,
        (base, cache): (&'e [Coefficients], &CoefCache),
        rules: &EvidenceRules,
        stale: Option<NaiveDate>,
        vendor: &V,
    ) -> Self {
        let n = s.questions.len();
        let spare = SPARE.try_with(RefCell::take).unwrap_or_default();
        let mut values = refill(spare.values, n, AnswerValue::Unanswered);
        let mut evidence = refill(spare.evidence, n, EvidenceState::Missing);
        // NaN for na and unanswered, set per answer (a vendor answers fewer questions than
        // there are, and the pass below then reads a number, not the kind of answer).
        let mut norms = refill(spare.norms, n, f64::NAN);
        // The earliest evidence date still current, over every answer (the result's
        // `valid_until` counts them all), found in the same visit.
        let mut first_current: Option<NaiveDate> = None;
        // Answers to questions outside the engine's catalog (disabled ones) do not count. The
        // closure is inlined into the reader's loop: called once per answer, it reloaded
        // every capture through memory.
        vendor.for_each_answer(
            #[inline(always)]
            |q: QuestionId, a: AnswerFacts| {
                if let Some(d) = a.evidence_date
                    && stale.is_none_or(|f| d >= f)
                {
                    first_current = Some(first_current.map_or(d, |x| x.min(d)));
                }
                if let Some(qi) = s.by_key.get(q.key()) {
                    values[qi] = a.value;
                    evidence[qi] = evidence_state(&a, stale);
                    norms[qi] = a.value.normalized().unwrap_or(f64::NAN);
                }
            },
        );
        let role = vendor.profile().ai_role;
        let applicable: &[bool] = &s.applicable[role_key(role)];
        // One pass over the questions: which are active, their effective values and the counts
        // coverage and confidence need (each was a pass of its own; a vendor's few hundred
        // answers are random to the branch predictor, so every pass cost more than its work).
        // Written as arithmetic on equal-length slices, so that it compiles without bounds
        // checks or branches on the answers.
        let mut has_na = false;
        let mut active = refill(spare.active, n, false);
        let mut effective = refill(spare.effective, n, 0.0);
        let mut counts = Counts::default();
        let keep = 1.0 - rules.discount;
        let na_allowed = &s.na_allowed[..n];
        let applicable_n = &applicable[..n];
        let each = applicable_n
            .iter()
            .zip(&values)
            .zip(&norms)
            .zip(&evidence)
            .zip(na_allowed)
            .zip(active.iter_mut().zip(effective.iter_mut()));
        for (((((&app, &v), &norm), &ev), &na_ok), (act, eff)) in each {
            // `&` rather than `&&`: both sides are at hand, and a branch on an answer would be
            // mispredicted about half the time.
            let na = (v == AnswerValue::NotApplicable) & na_ok;
            has_na |= app & na;
            let on = app & !na;
            *act = on;
            counts.applicable += u32::from(app);
            counts.answered += u32::from(app & v.is_answered());
            // NaN (na, unanswered) is not positive.
            let positive = on & (norm > 0.0);
            let current = ev == EvidenceState::Current;
            counts.positive += u32::from(positive);
            counts.backed += u32::from(positive & current);
            // The effective value: discounted when positive and not backed by current
            // evidence, 0 when not active or not a number (`x * 1.0` is `x` exactly).
            let x = if on & !norm.is_nan() { norm } else { 0.0 };
            let factor = if positive & !current { keep } else { 1.0 };
            *eff = x * factor;
        }
        let coef = if has_na {
            Coef::Own(cache.get(s, &active))
        } else {
            Coef::Role(&base[role_key(role)])
        };
        Self {
            values,
            evidence,
            applicable,
            active,
            effective,
            coef,
            counts,
            first_current,
            norms,
        }
    }

    /// Applicable questions and how many are answered (na counts as answered).
    pub(crate) fn coverage_counts(&self) -> (u32, u32) {
        (self.counts.applicable, self.counts.answered)
    }

    /// Active questions with a positive answer, and how many of them have current evidence.
    pub(crate) fn positive_backed(&self) -> (u32, u32) {
        (self.counts.positive, self.counts.backed)
    }

    /// Lens scores in `Lens::ALL` order, with group scores when `with_groups` (else the
    /// lenses' `groups` are empty).
    pub(crate) fn lens_scores(&self, s: &Structure, with_groups: bool) -> Vec<LensScore> {
        s.lenses
            .iter()
            .zip(&self.coef.lenses)
            .map(|(ls, lc)| {
                let score_v = lc.as_ref().map(|lc| lc.sparse.score(&self.effective));
                let groups = match lc {
                    _ if !with_groups => Vec::new(),
                    Some(lc) => ls
                        .groups
                        .iter()
                        .zip(&lc.groups)
                        .map(|(id, g)| GroupScore {
                            id: std::borrow::Cow::Borrowed(*id),
                            score: g.as_ref().map(|(v, _)| v.score(&self.effective)),
                            items_scored: g.as_ref().map_or(0, |(_, n)| *n),
                        })
                        .collect(),
                    None => ls
                        .groups
                        .iter()
                        .map(|id| GroupScore {
                            id: std::borrow::Cow::Borrowed(*id),
                            score: None,
                            items_scored: 0,
                        })
                        .collect(),
                };
                LensScore {
                    lens: ls.lens,
                    score: score_v,
                    level: score_v.map(MaturityLevel::from_score),
                    groups,
                }
            })
            .collect()
    }

    /// The combined score.
    pub(crate) fn combined(&self) -> Option<f64> {
        self.coef
            .combined_sparse
            .as_ref()
            .map(|c| c.score(&self.effective))
    }

    /// A lens's score.
    pub(crate) fn lens_score(&self, lens: Lens) -> Option<f64> {
        self.coef.lenses[lens as usize]
            .as_ref()
            .map(|lc| lc.sparse.score(&self.effective))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one comparison against `stale_before` says what the age in days says, on every
    /// date around the limit, at the calendar's edges and with no limit.
    #[test]
    fn stale_before_agrees_with_the_age_in_days() {
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        for max in [None, Some(0), Some(1), Some(365), Some(u32::MAX)] {
            let rules = EvidenceRules {
                discount: 0.5,
                max_age_days: max,
                claim_threshold: 0.5,
                assessment_max_age_days: None,
                max_missing_share: 0.0,
            };
            let first = stale_before(&rules, as_of);
            let mut dates: Vec<NaiveDate> = (-800i64..=800)
                .filter_map(|k| as_of.checked_add_signed(chrono::TimeDelta::days(k)))
                .collect();
            dates.extend([NaiveDate::MIN, NaiveDate::MAX]);
            for d in dates {
                let a = AnswerFacts {
                    value: AnswerValue::Unanswered,
                    has_evidence: true,
                    evidence_date: Some(d),
                };
                let by_age = match max {
                    Some(m) if (as_of - d).num_days() > i64::from(m) => EvidenceState::Stale,
                    _ => EvidenceState::Current,
                };
                assert_eq!(evidence_state(&a, first), by_age, "{d} with {max:?}");
            }
        }
    }
}
