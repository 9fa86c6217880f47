//! The validated policy: every number scoring uses, with its meaning.

use chrono::NaiveDate;
use scrm_model::{
    AiRole, AnswerValue, Code, Criticality, DataAccess, Lens, Severity, Tier, VendorId,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// Thresholds for one tier; `None` means no threshold on that measure.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Thresholds {
    /// Minimum combined score.
    pub combined: Option<f64>,
    /// Minimum AIRM score.
    pub airm: Option<f64>,
    /// Minimum AIMS score.
    pub aims: Option<f64>,
    /// Minimum C-SCRM score.
    pub cscrm: Option<f64>,
    /// Minimum coverage (0-1).
    pub coverage: Option<f64>,
}

impl Thresholds {
    /// The threshold on one lens.
    pub fn lens(&self, lens: Lens) -> Option<f64> {
        match lens {
            Lens::Airm => self.airm,
            Lens::Aims => self.aims,
            Lens::Cscrm => self.cscrm,
        }
    }
}

/// Evidence and date rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EvidenceRules {
    /// Share of value lost by a positive answer without current evidence.
    pub discount: f64,
    /// Evidence older than this is stale; `None` disables.
    pub max_age_days: Option<u32>,
    /// Normalized answer value from which a claim needs evidence.
    pub claim_threshold: f64,
    /// Questionnaire older than this (or undated) is stale; `None` disables.
    pub assessment_max_age_days: Option<u32>,
    /// missing-evidence is raised when more than this share of claims lack evidence.
    pub max_missing_share: f64,
}

/// What the buyer gives a supplier to clear the bar (used by the OSCAL exports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Remediation {
    /// Days after the as-of date by which a supplier at risk or excluded must have cleared it:
    /// the deadline of its risk and the date of its plan's milestone. `None`: no deadline.
    pub deadline_days: Option<u32>,
}

/// Inherent-risk tiering from the vendor profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tiering {
    /// Points per criticality, in [`Criticality::ALL`] order.
    pub criticality: [u32; 4],
    /// Points per data access, in [`DataAccess::ALL`] order.
    pub data_access: [u32; 4],
    /// Points per AI role, in [`AiRole::ALL`] order.
    pub ai_role: [u32; 4],
    /// Minimum points for moderate, high, critical.
    pub cutoffs: [u32; 3],
    /// Values assumed when the profile lacks them.
    pub assume: (Criticality, DataAccess, AiRole),
}

impl Tiering {
    /// The tier for a profile's values (missing ones assumed).
    pub fn tier(
        &self,
        criticality: Option<Criticality>,
        data_access: Option<DataAccess>,
        ai_role: Option<AiRole>,
    ) -> Tier {
        let c = criticality.unwrap_or(self.assume.0);
        let d = data_access.unwrap_or(self.assume.1);
        let r = ai_role.unwrap_or(self.assume.2);
        let points =
            self.criticality[c as usize] + self.data_access[d as usize] + self.ai_role[r as usize];
        if points >= self.cutoffs[2] {
            Tier::Critical
        } else if points >= self.cutoffs[1] {
            Tier::High
        } else if points >= self.cutoffs[0] {
            Tier::Moderate
        } else {
            Tier::Low
        }
    }
}

/// A knock-out rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Knockout {
    /// Canonical question id.
    pub question: String,
    /// Minimum answer.
    pub minimum: AnswerValue,
    /// Tiers the rule applies to (all when empty).
    pub tiers: Vec<Tier>,
    /// Whether `na` passes.
    pub na_passes: bool,
    /// Why the rule exists (shown in findings).
    pub reason: String,
}

/// Answer-quality rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quality {
    /// Coverage under which low-coverage is raised.
    pub low_coverage_below: f64,
    /// Scored answers needed before uniform-answers can fire.
    pub uniform_min_answers: u32,
    /// Confidence lost per contradiction.
    pub contradiction_penalty: f64,
}

/// A contradiction rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contradiction {
    /// Stable rule id.
    pub id: String,
    /// Trigger question.
    pub when: String,
    /// Trigger level.
    pub when_at_least: AnswerValue,
    /// A profile certification containing this text also triggers the rule.
    pub when_certification: Option<String>,
    /// Question expected to agree.
    pub expect: String,
    /// Level it must reach.
    pub expect_at_least: AnswerValue,
    /// Message tail explaining the contradiction.
    pub message: String,
}

/// A time-limited waiver of one finding code for one vendor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exemption {
    /// The vendor.
    pub vendor: VendorId,
    /// The code waived.
    pub code: Code,
    /// Why (required).
    pub reason: String,
    /// Last day the exemption applies; `None` = no expiry.
    pub expires: Option<NaiveDate>,
}

/// Residual-risk matrix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Residual {
    /// Combined-score cut points, descending: unlikely, moderately, highly (below: very likely).
    pub likelihood_bands: [f64; 3],
    /// `matrix[impact][likelihood]` with impact = tier index 0..4, likelihood 0 (unlikely)..3.
    pub matrix: [[u8; 4]; 4],
}

impl Residual {
    /// Residual risk 1-5 for a tier and combined score (`None`: no score, treated as very likely).
    pub fn risk(&self, tier: Tier, combined: Option<f64>) -> u8 {
        let s = combined.unwrap_or(0.0);
        let likelihood = self
            .likelihood_bands
            .iter()
            .position(|b| s >= *b)
            .unwrap_or(3);
        self.matrix[tier as usize][likelihood]
    }
}

/// A validated scoring policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// Display name.
    pub name: String,
    /// Version string.
    pub version: String,
    /// Lens weights.
    pub lens_weights: BTreeMap<Lens, f64>,
    /// Group weights per lens (group ids as in the catalog: `GOVERN`, `4`, `A.10`, `GV.SC`).
    pub group_weights: BTreeMap<Lens, BTreeMap<String, f64>>,
    /// Share of an item's score carried by crosswalked answers.
    pub crosswalk_weight: f64,
    /// Per-question weight overrides (canonical ids).
    pub question_weights: BTreeMap<String, f64>,
    /// Evidence rules.
    pub evidence: EvidenceRules,
    /// Tiering.
    pub tiering: Tiering,
    /// Thresholds per tier.
    pub thresholds: BTreeMap<Tier, Thresholds>,
    /// Knock-out rules.
    pub knockouts: Vec<Knockout>,
    /// Hard-gate source names honoured.
    pub gate_sources: Vec<String>,
    /// Quality rules.
    pub quality: Quality,
    /// Contradiction rules.
    pub contradictions: Vec<Contradiction>,
    /// Severity per code; `None` = allow (dropped).
    pub severities: BTreeMap<Code, Option<Severity>>,
    /// Residual-risk matrix.
    pub residual: Residual,
    /// Exemptions.
    pub exemptions: Vec<Exemption>,
    /// Remediation deadlines.
    pub remediation: Remediation,
    /// SHA-256 of the policy source text.
    #[serde(skip)]
    pub hash: String,
    /// Where it came from (file name or `builtin`).
    #[serde(skip)]
    pub origin: String,
}

impl Policy {
    /// The weight of a group (1 when the policy does not name it).
    pub fn group_weight(&self, lens: Lens, group: &str) -> f64 {
        self.group_weights
            .get(&lens)
            .and_then(|g| g.get(group))
            .copied()
            .unwrap_or(1.0)
    }

    /// Effective severity of a code (`None`: allowed, dropped).
    pub fn severity(&self, code: Code) -> Option<Severity> {
        self.severities
            .get(&code)
            .copied()
            .unwrap_or(Some(code.default_severity()))
    }

    /// Thresholds for a tier.
    pub fn thresholds(&self, tier: Tier) -> Thresholds {
        self.thresholds.get(&tier).copied().unwrap_or_default()
    }
}
