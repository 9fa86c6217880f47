//! The engine: scores vendors in parallel, explains scores, answers what-if questions.

use crate::coeff::{CoefCache, Coefficients};
use crate::eval::Eval;
use crate::findings::{self, Context};
use crate::structure::Structure;
use chrono::{Days, NaiveDate};
use rayon::prelude::*;
use scrm_model::{
    AnswerValue, Contribution, Exclusion, Explanation, FullInput, Lens, LensExplanation,
    MaturityLevel, Question, QuestionId, ScoreInput, Severity, Status, Vendor, VendorId,
    VendorResult,
};
use scrm_policy::Policy;
use std::collections::BTreeMap;

/// Scores vendors against one catalog and one policy, as of one date.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) s: Structure,
    pub(crate) policy: Policy,
    pub(crate) as_of: NaiveDate,
    /// [`crate::eval::stale_before`] for the policy and `as_of`, fixed for the engine's life.
    stale_before: Option<NaiveDate>,
    /// Coefficients for vendors without `na` answers, by role key.
    pub(crate) base: Vec<Coefficients>,
    /// Coefficients of the active sets that vendors' `na` answers made.
    coef_cache: CoefCache,
    catalog_hash: String,
}

impl Engine {
    /// An engine for the catalog's enabled questions and crosswalk.
    pub fn new(catalog: &scrm_catalog::Catalog, policy: &Policy, as_of: NaiveDate) -> Self {
        let pairs: Vec<(String, String)> = catalog
            .crosswalk()
            .pairs()
            .iter()
            .map(|p| (p.airm.clone(), p.iso.clone()))
            .collect();
        Self::from_parts(
            catalog.questions().to_vec(),
            &pairs,
            policy,
            as_of,
            catalog.hash(),
        )
    }

    /// An engine from explicit parts (tests, alternative catalogs).
    pub fn from_parts(
        questions: Vec<Question>,
        crosswalk: &[(String, String)],
        policy: &Policy,
        as_of: NaiveDate,
        catalog_hash: &str,
    ) -> Self {
        let s = Structure::new(questions, crosswalk, policy);
        let base = s
            .applicable
            .iter()
            .map(|active| Coefficients::compute(&s, active))
            .collect();
        Self {
            s,
            policy: policy.clone(),
            as_of,
            stale_before: crate::eval::stale_before(&policy.evidence, as_of),
            base,
            coef_cache: CoefCache::default(),
            catalog_hash: catalog_hash.to_string(),
        }
    }

    /// The date scoring is done as of.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The policy in use.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The questions in scoring order.
    pub fn questions(&self) -> &[Question] {
        &self.s.questions
    }

    /// Scores every vendor in parallel. Results are sorted by vendor id, so the output is the
    /// same at any thread count and for any input order.
    #[tracing::instrument(skip_all, fields(vendors = vendors.len()))]
    pub fn score_all(&self, vendors: &[Vendor], exclusions: &[Exclusion]) -> Vec<VendorResult> {
        let by_vendor = index_exclusions(exclusions);
        let mut out: Vec<VendorResult> = vendors
            .par_iter()
            .map(|v| {
                let ex = by_vendor.get(v.id()).map_or(&[][..], |x| x.as_slice());
                self.score(v, ex)
            })
            .collect();
        out.sort_by(|a, b| a.vendor_id.cmp(&b.vendor_id));
        out
    }

    /// Scores one vendor; `exclusions` are the entries naming this vendor. The result's
    /// `input_hash` is empty: a history store sets it ([`Engine::input_hash`]).
    pub fn score(&self, vendor: &Vendor, exclusions: &[&Exclusion]) -> VendorResult {
        let ev = self.eval(vendor);
        self.result_of(vendor, exclusions, &ev, true)
    }

    /// Scores a vendor given as what scoring reads of it ([`ScoreInput`]), such as the compact
    /// vendors a streaming reader hands over. The result is [`Engine::score`]'s, `input_hash`
    /// empty too.
    pub fn score_input<V: ScoreInput + ?Sized>(
        &self,
        vendor: &V,
        exclusions: &[&Exclusion],
    ) -> VendorResult {
        self.scored(vendor, exclusions, true)
    }

    /// [`Engine::score_input`] without the group scores: every lens's `groups` is empty, and
    /// everything else is the same. For outputs that show no group scores (a CSV row per
    /// vendor), which then neither compute nor allocate a few hundred of them per vendor.
    pub fn score_summary<V: ScoreInput + ?Sized>(
        &self,
        vendor: &V,
        exclusions: &[&Exclusion],
    ) -> VendorResult {
        self.scored(vendor, exclusions, false)
    }

    /// A [`ScoreInput`] evaluated and scored, with or without the group scores.
    fn scored<V: ScoreInput + ?Sized>(
        &self,
        vendor: &V,
        exclusions: &[&Exclusion],
        groups: bool,
    ) -> VendorResult {
        let ev = self.eval(vendor);
        self.result_of(vendor, exclusions, &ev, groups)
    }

    pub(crate) fn eval<'e, V: ScoreInput + ?Sized>(&'e self, vendor: &V) -> Eval<'e> {
        Eval::new(
            &self.s,
            (&self.base, &self.coef_cache),
            &self.policy.evidence,
            self.stale_before,
            vendor,
        )
    }

    /// The result for an evaluated vendor, without `input_hash`; with the lenses' group scores
    /// when `groups` says so (findings never read them).
    fn result_of<V: ScoreInput + ?Sized>(
        &self,
        vendor: &V,
        exclusions: &[&Exclusion],
        ev: &Eval<'_>,
        groups: bool,
    ) -> VendorResult {
        let p = &self.policy;
        let pr = vendor.profile();
        let tier = p.tiering.tier(pr.criticality, pr.data_access, pr.ai_role);
        let (applicable, answered) = ev.coverage_counts();
        let coverage = if applicable == 0 {
            1.0
        } else {
            f64::from(answered) / f64::from(applicable)
        };
        let lenses = ev.lens_scores(&self.s, groups);
        let combined = ev.combined();
        let cx = Context {
            s: &self.s,
            policy: p,
            as_of: self.as_of,
            profile: pr,
            exclusions,
            tier,
        };
        let mut contradictions = 0;
        let gates = findings::gates(&cx);
        let rules = findings::rules(
            &cx,
            ev,
            (combined, &lenses),
            coverage,
            (applicable, answered),
            &mut contradictions,
        );
        let findings = findings::finalize(&cx, gates, rules);
        let status = if findings.iter().any(|f| f.is_hard_gate()) {
            Status::Excluded
        } else if findings.iter().any(|f| f.severity == Severity::Deny) {
            Status::AtRisk
        } else if findings.iter().any(|f| f.severity == Severity::Warn) {
            Status::Conditional
        } else {
            Status::Eligible
        };
        let residual_risk = if status == Status::Excluded {
            5
        } else {
            p.residual.risk(tier, combined)
        };
        VendorResult {
            vendor_id: pr.vendor_id.clone(),
            profile: pr.clone(),
            tier,
            status,
            combined_score: combined,
            combined_level: combined.map(MaturityLevel::from_score),
            lenses,
            coverage,
            confidence: self.confidence(ev, contradictions),
            residual_risk,
            applicable,
            answered,
            findings,
            input_hash: String::new(),
            valid_until: self.valid_until(vendor, ev),
        }
    }

    /// Share of positive answers backed by current evidence, lowered per contradiction.
    fn confidence(&self, ev: &Eval<'_>, contradictions: u32) -> f64 {
        let (positive, backed) = ev.positive_backed();
        let base = if positive == 0 {
            1.0
        } else {
            f64::from(backed) / f64::from(positive)
        };
        let penalty =
            (1.0 - self.policy.quality.contradiction_penalty * f64::from(contradictions)).max(0.0);
        base * penalty
    }

    /// The last day on which nothing date-dependent in the result changes.
    fn valid_until<V: ScoreInput + ?Sized>(&self, vendor: &V, ev: &Eval<'_>) -> Option<NaiveDate> {
        let p = &self.policy;
        let mut until: Option<NaiveDate> = None;
        let mut consider = |d: Option<NaiveDate>| {
            if let Some(d) = d
                && d >= self.as_of
            {
                until = Some(until.map_or(d, |u| u.min(d)));
            }
        };
        if let Some(max) = p.evidence.max_age_days {
            // The earliest evidence still current gives the earliest expiry: adding the age
            // limit keeps the order, so it is added once, not per answer.
            // Current evidence is dated from `stale_before` on (every date when that underflows).
            // Found while the answers were evaluated ([`Eval::first_current`]).
            let days = Days::new(u64::from(max));
            consider(ev.first_current.and_then(|d| d.checked_add_days(days)));
        }
        let pr = vendor.profile();
        if let Some(max) = p.evidence.assessment_max_age_days {
            consider(
                pr.assessed_on
                    .and_then(|d| d.checked_add_days(Days::new(u64::from(max)))),
            );
        }
        for e in p.exemptions.iter().filter(|e| e.vendor == pr.vendor_id) {
            consider(e.expires);
        }
        until
    }

    /// SHA-256 over everything that determines a vendor's result except the date: catalog and
    /// policy hashes, the profile, the answers and the vendor's exclusion entries.
    pub fn input_hash<V: FullInput + ?Sized>(
        &self,
        vendor: &V,
        exclusions: &[&Exclusion],
    ) -> String {
        crate::inputhash::input_hash((&self.catalog_hash, &self.policy.hash), vendor, exclusions)
    }

    /// Each applicable question's contribution to each lens score (in catalog order); the
    /// contributions of a lens sum to its score.
    pub fn explain(&self, vendor: &Vendor, exclusions: &[&Exclusion]) -> Explanation {
        let ev = self.eval(vendor);
        let result = self.result_of(vendor, exclusions, &ev, true);
        let lenses = Lens::ALL
            .iter()
            .map(|&lens| {
                let lc = ev.coef.lenses[lens as usize].as_ref();
                let contributions = lc
                    .map(|lc| {
                        lc.questions
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| **c > 0.0)
                            .map(|(i, c)| Contribution {
                                question: self.s.questions[i].id,
                                answer: ev.values[i],
                                effective: ev.effective[i],
                                coefficient: *c,
                                contribution: 5.0 * c * ev.effective[i],
                                headroom: 5.0 * c * (1.0 - ev.effective[i]),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let score = result.lens(lens).score;
                // Unscored although a question of it applies: its groups weigh nothing (§4.3).
                let zero_weights = score.is_none()
                    && self.s.lenses.iter().filter(|ls| ls.lens == lens).any(|ls| {
                        ls.group_questions
                            .iter()
                            .flatten()
                            .any(|&q| ev.active[q as usize])
                    });
                LensExplanation {
                    lens,
                    score,
                    contributions,
                    zero_weights,
                }
            })
            .collect();
        Explanation { result, lenses }
    }

    /// The vendor's readiness against each GenAI risk of NIST AI 600-1 (`docs/scoring.md`
    /// §4.9): its active questions, by the risks of the AI 600-1 actions they cite.
    pub fn risk_view(&self, vendor: &Vendor) -> scrm_model::RiskView {
        self.risk_view_with(vendor, &scrm_catalog::frameworks::gai_risks_of)
    }

    /// [`Engine::risk_view`] with the risks of each question named by `risks_of`.
    pub(crate) fn risk_view_with(
        &self,
        vendor: &Vendor,
        risks_of: &dyn Fn(&scrm_model::Question) -> Vec<scrm_model::GaiRisk>,
    ) -> scrm_model::RiskView {
        let ev = self.eval(vendor);
        let active: Vec<_> = self
            .s
            .questions
            .iter()
            .enumerate()
            .filter(|(i, _)| ev.active[*i])
            .map(|(i, q)| (q, ev.effective[i], ev.values[i]))
            .collect();
        crate::governance::risk_view_of(vendor.id(), &active, risks_of)
    }

    /// Scores a vendor with some answers changed (free what-if). Changed answers are taken as
    /// backed by current evidence, since the supplier would have to show it.
    pub fn what_if(
        &self,
        vendor: &Vendor,
        changes: &[(QuestionId, AnswerValue)],
        exclusions: &[&Exclusion],
    ) -> VendorResult {
        let changed = apply_changes(vendor, changes, self.as_of);
        self.score(&changed, exclusions)
    }
}

/// A copy of the vendor with answers replaced; new answers carry "what-if" evidence dated as of.
pub(crate) fn apply_changes(
    vendor: &Vendor,
    changes: &[(QuestionId, AnswerValue)],
    as_of: NaiveDate,
) -> Vendor {
    let mut v = vendor.clone();
    for (q, value) in changes {
        let a = v
            .answers
            .entry(*q)
            .or_insert_with(|| scrm_model::Answer::bare(*q, *value));
        a.value = *value;
        if !a.has_evidence() {
            a.evidence = Some("what-if: evidence to be provided".to_string());
        }
        a.evidence_date = Some(as_of);
    }
    v
}

/// Exclusion entries grouped by vendor.
pub fn index_exclusions(exclusions: &[Exclusion]) -> BTreeMap<&VendorId, Vec<&Exclusion>> {
    let mut m: BTreeMap<&VendorId, Vec<&Exclusion>> = BTreeMap::new();
    for e in exclusions {
        m.entry(&e.vendor_id).or_default().push(e);
    }
    m
}
