//! What the engine returns: per-vendor results, explanations and improvement plans.
//!
//! These types are the contract with every renderer (terminal, CSV, JSON, Parquet, XLSX, HTML,
//! OSCAL later). Scores are unrounded here; renderers round as `docs/scoring.md` §8 says.

use crate::{
    AnswerValue, Finding, Lens, MaturityLevel, QuestionId, Status, Tier, VendorId, VendorProfile,
};
use serde::{Deserialize, Serialize};

/// A score for one group of a lens (an AI RMF function, an ISO/IEC 42001 clause or Annex A group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupScore {
    /// Group id: `GOVERN`, `MAP`, `MEASURE`, `MANAGE`; `4`..`10` (clauses); `A.2`..`A.10`; `GV.SC`.
    /// Borrowed from the scoring structure when scored (no string per group per vendor).
    pub id: std::borrow::Cow<'static, str>,
    /// Score 0-5, `None` when nothing in the group applies.
    pub score: Option<f64>,
    /// Items (subcategories, clauses, controls) that were scored.
    pub items_scored: u32,
}

/// One lens's score for a vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LensScore {
    /// The lens.
    pub lens: Lens,
    /// Score 0-5, `None` when no question of the lens applies (e.g. AI lenses for `ai_role = none`).
    pub score: Option<f64>,
    /// Level name of the score.
    pub level: Option<MaturityLevel>,
    /// Per-group scores, in catalog order.
    pub groups: Vec<GroupScore>,
}

/// The result for one vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorResult {
    /// The vendor's id.
    pub vendor_id: VendorId,
    /// Profile as used for scoring (passthrough columns included).
    pub profile: VendorProfile,
    /// Inherent-risk tier.
    pub tier: Tier,
    /// Standing.
    pub status: Status,
    /// Lens-weighted combined score 0-5.
    pub combined_score: Option<f64>,
    /// Level name of the combined score.
    pub combined_level: Option<MaturityLevel>,
    /// AI RMF, ISO/IEC 42001 and C-SCRM scores, always in [`Lens::ALL`] order.
    pub lenses: Vec<LensScore>,
    /// Share of applicable questions answered (na counts as answered), 0-1.
    pub coverage: f64,
    /// Share of positive answers backed by current evidence, lowered by contradictions, 0-1.
    pub confidence: f64,
    /// Residual risk on the 1-5 scale (impact from tier x likelihood from maturity).
    pub residual_risk: u8,
    /// Questions applicable to this vendor (role filter, catalog switches).
    pub applicable: u32,
    /// Applicable questions answered (including na).
    pub answered: u32,
    /// Findings, sorted by severity (worst first) then code.
    pub findings: Vec<Finding>,
    /// SHA-256 over the vendor's profile and answers (with catalog and policy hashes), for
    /// incremental re-scoring.
    pub input_hash: String,
    /// Last date on which this result stays valid if inputs do not change (evidence ageing,
    /// assessment ageing, exemption expiry); `None` when nothing in it depends on the date.
    /// A cached result may be reused for a later run only while `as_of <= valid_until`.
    pub valid_until: Option<chrono::NaiveDate>,
}

impl VendorResult {
    /// The score of one lens.
    pub fn lens(&self, lens: Lens) -> &LensScore {
        &self.lenses[lens as usize]
    }

    /// Combined, AI RMF, ISO/IEC 42001 and C-SCRM scores: the summary columns' order.
    pub fn summary_scores(&self) -> [Option<f64>; 4] {
        let lens = |l: Lens| self.lenses.get(l as usize).and_then(|s| s.score);
        [
            self.combined_score,
            lens(Lens::Airm),
            lens(Lens::Aims),
            lens(Lens::Cscrm),
        ]
    }

    /// AI RMF and ISO/IEC 42001 maturity levels: the summary columns' order.
    pub fn summary_levels(&self) -> [Option<MaturityLevel>; 2] {
        [Lens::Airm, Lens::Aims].map(|l| self.lenses.get(l as usize).and_then(|s| s.level))
    }

    /// Each group's score, aligned with [`crate::columns::GROUP_COLUMNS`] (`None` where the
    /// result has no score for the group). One pass over the result's groups, not a search per
    /// column: a million rows times 21 columns of string compares once led the profile.
    pub fn group_scores(&self) -> [Option<f64>; crate::columns::GROUP_COLUMNS.len()] {
        let mut groups = [None; crate::columns::GROUP_COLUMNS.len()];
        for ls in &self.lenses {
            for gs in &ls.groups {
                if let Some(k) = crate::columns::group_column(ls.lens, &gs.id) {
                    groups[k] = gs.score;
                }
            }
        }
        groups
    }

    /// Finding codes in order, de-duplicated, as one `;`-joined string (CSV `findings` column).
    pub fn finding_codes(&self) -> String {
        // Distinct codes are few (the catalogue's), so a scan of those kept beats a set, which
        // allocated per vendor of a CSV run.
        let mut codes: Vec<&str> = Vec::with_capacity(self.findings.len());
        for f in &self.findings {
            let c = f.code.as_str();
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
        codes.join(";")
    }
}

/// One question's part in a lens score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The question.
    pub question: QuestionId,
    /// The answer used.
    pub answer: AnswerValue,
    /// Answer on [0, 1] after the evidence rule (0 for unanswered).
    pub effective: f64,
    /// The question's share of the lens score: the sum over all questions is 1 (or 0 when the
    /// lens does not apply).
    pub coefficient: f64,
    /// `5 * coefficient * effective`; contributions sum to the lens score.
    pub contribution: f64,
    /// Most that raising this answer to the top could add to the lens score.
    pub headroom: f64,
}

/// Why a vendor scored what it did on one lens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LensExplanation {
    /// The lens.
    pub lens: Lens,
    /// Its score (equal to the sum of contributions).
    pub score: Option<f64>,
    /// One entry per applicable question with a non-zero coefficient, in catalog order (the
    /// order in which the score is summed, so the contributions add up to it exactly).
    pub contributions: Vec<Contribution>,
    /// Why a lens without a score has none: `true` when questions of it apply but every group
    /// they fall in has weight 0 in the policy (docs/scoring.md §4.3); `false` when no question
    /// of it applies (§2.5), and whenever it has a score. Written only when `true`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub zero_weights: bool,
}

impl LensExplanation {
    /// The contributions as people read them: largest first, then by weight, then by question.
    pub fn by_contribution(&self) -> Vec<&Contribution> {
        let mut cs: Vec<&Contribution> = self.contributions.iter().collect();
        cs.sort_by(|a, b| {
            b.contribution
                .total_cmp(&a.contribution)
                .then(b.coefficient.total_cmp(&a.coefficient))
                .then_with(|| a.question.cmp(&b.question))
        });
        cs
    }
}

/// A full explanation for one vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The result being explained.
    pub result: VendorResult,
    /// Per lens, in [`Lens::ALL`] order.
    pub lenses: Vec<LensExplanation>,
}

/// A supplier's lens scores split by ISO/IEC 38500 governance task (evaluate, direct,
/// monitor): which part of its AI governance carries the score and which holds it back. Each
/// lens's shares add up to its score (they are its contributions, grouped; the sum in another
/// order may differ in the last bits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GovernanceView {
    /// The supplier.
    pub vendor_id: VendorId,
    /// Per lens, in [`Lens::ALL`] order.
    pub lenses: Vec<LensGovernance>,
}

/// One lens of a [`GovernanceView`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LensGovernance {
    /// The lens.
    pub lens: Lens,
    /// Its score (`None` when the lens does not apply).
    pub score: Option<f64>,
    /// One entry per governance task, in ISO/IEC 38500's order (tasks with no question in the
    /// lens included, with nothing possible).
    pub tasks: Vec<TaskShare>,
    /// As [`LensExplanation::zero_weights`]: unscored although questions of it apply.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub zero_weights: bool,
}

/// What one governance task contributes to a lens score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskShare {
    /// The task.
    pub task: crate::GovernanceTag,
    /// The sum of its questions' contributions: the tasks' sum is the lens score (up to the last
    /// bits of rounding).
    pub contribution: f64,
    /// Most its questions could contribute (5 times their share of the lens).
    pub possible: f64,
    /// `contribution / possible`, on [0, 1]; `None` when nothing is possible.
    pub attainment: Option<f64>,
    /// How many of the lens's questions inform it.
    pub questions: usize,
    /// Its questions with the most headroom, most first (at most three): where improving
    /// raises this part of the score most.
    pub weakest: Vec<QuestionId>,
}

/// A supplier's readiness against each generative-AI risk of NIST AI 600-1: for every risk,
/// the questions that address it (through their AI 600-1 references) and how well they are
/// answered. A view of the explanation, not another score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskView {
    /// The supplier.
    pub vendor_id: VendorId,
    /// One entry per risk, in AI 600-1's order (risks no active question addresses included,
    /// with no readiness).
    pub risks: Vec<RiskReadiness>,
}

/// How ready a supplier is for one GAI risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskReadiness {
    /// The risk.
    pub risk: crate::GaiRisk,
    /// `5 ×` the mean effective value (§2.4 of docs/scoring.md) of the active questions that
    /// address it (those that apply to the supplier and are not answered `na`, whether or not a
    /// lens weighs them), on the 0-5 maturity scale; `None` when none does.
    pub readiness: Option<f64>,
    /// How many active questions address it.
    pub questions: usize,
    /// How many of them are answered (not blank).
    pub answered: usize,
    /// Its questions with the lowest effective value, lowest first (at most three, those not at
    /// the top): where improving raises readiness most.
    pub weakest: Vec<QuestionId>,
}

/// The portfolio's readiness against one generative-AI risk of NIST AI 600-1: the suppliers'
/// [`RiskReadiness`] rolled up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskRollup {
    /// The risk.
    pub risk: crate::GaiRisk,
    /// How many suppliers have a readiness for it (an active question addresses it).
    pub suppliers: usize,
    /// How many of them are below [`WEAK_READINESS`].
    pub weak: usize,
    /// The median readiness (0-5); `None` when no supplier has one.
    pub median: Option<f64>,
    /// The suppliers least ready, least first (ties by vendor id), at most
    /// [`ROLLUP_LOWEST`]: whom to talk to first.
    pub lowest: Vec<(VendorId, f64)>,
}

/// The portfolio's attainment of one ISO/IEC 38500 governance task in one lens: the suppliers'
/// [`TaskShare`]s rolled up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRollup {
    /// The lens.
    pub lens: Lens,
    /// The task.
    pub task: crate::GovernanceTag,
    /// How many suppliers have an attainment for it (the lens applies and the task has
    /// questions in it).
    pub suppliers: usize,
    /// Their mean attainment, on [0, 1]; `None` when none has one.
    pub mean_attainment: Option<f64>,
    /// How many of them attain less than half of what the task could contribute.
    pub below_half: usize,
}

/// Both views, rolled up over a portfolio: where the supply chain as a whole is least ready
/// against each GenAI risk, and how each governance task fares in each lens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioViews {
    /// How many suppliers were rolled up.
    pub suppliers: usize,
    /// One entry per risk, in AI 600-1's order.
    pub risks: Vec<RiskRollup>,
    /// One entry per lens and task, lenses in [`Lens::ALL`] order, tasks in ISO/IEC 38500's.
    pub governance: Vec<TaskRollup>,
}

/// How many attainment columns a [`ViewRow`] has: one per lens and governance task.
pub const VIEW_TASKS: usize = Lens::ALL.len() * crate::GovernanceTag::ALL.len();

/// One supplier's two views reduced to their numbers: readiness per GenAI risk (in
/// [`crate::GaiRisk::ALL`] order) and attainment per lens and governance task (lenses in
/// [`Lens::ALL`] order, tasks in ISO/IEC 38500's; `None` where the lens does not apply or the
/// task has no question in it). What the portfolio roll-up and the XLSX sheets read: a few
/// hundred bytes a supplier, where the views themselves also name each one's weakest questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewRow {
    /// The supplier.
    pub vendor_id: VendorId,
    /// Readiness (0-5) per risk.
    pub readiness: [Option<f64>; crate::GaiRisk::ALL.len()],
    /// Attainment (0-1) per lens and task.
    pub attainment: [Option<f64>; VIEW_TASKS],
}

impl ViewRow {
    /// The numbers of a supplier's two views.
    pub fn of(risks: &RiskView, governance: &GovernanceView) -> Self {
        let readiness = crate::GaiRisk::ALL.map(|risk| {
            risks
                .risks
                .iter()
                .find(|r| r.risk == risk)
                .and_then(|r| r.readiness)
        });
        let mut attainment = [None; VIEW_TASKS];
        for (i, (lens, task)) in Lens::ALL
            .iter()
            .flat_map(|&l| crate::GovernanceTag::ALL.iter().map(move |&t| (l, t)))
            .enumerate()
        {
            attainment[i] = governance
                .lenses
                .iter()
                .find(|l| l.lens == lens && l.score.is_some())
                .and_then(|l| l.tasks.iter().find(|t| t.task == task))
                .and_then(|t| t.attainment);
        }
        Self {
            vendor_id: risks.vendor_id.clone(),
            readiness,
            attainment,
        }
    }
}

/// The readiness below which a supplier counts as weak against a risk: below level 2
/// ("managed") of the maturity scale, that is, practices not yet planned and tracked.
pub const WEAK_READINESS: f64 = 2.0;

/// How many suppliers a [`RiskRollup`] names as the least ready.
pub const ROLLUP_LOWEST: usize = 5;

/// One answer to improve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStep {
    /// The question.
    pub question: QuestionId,
    /// Current answer.
    pub from: AnswerValue,
    /// Answer to reach (with current evidence).
    pub to: AnswerValue,
    /// Increase on the 0-5 scale (`5 * (to - from)` normalized).
    pub increase: f64,
}

/// What is proven of a plan's size, for reports to say ([`Plan::proof`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanProof {
    /// No smaller set of changes, then no smaller total increase, exists.
    Minimal,
    /// No plan has fewer steps; a smaller total increase may exist.
    FewestSteps,
    /// Not proven: no plan has fewer steps than this.
    AtLeast(usize),
    /// Nothing is proven.
    Unproven,
}

/// The shortest path back to eligibility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The vendor.
    pub vendor_id: VendorId,
    /// Status now.
    pub status_before: Status,
    /// Status once the steps are taken (answers improved, with current evidence).
    pub status_after: Status,
    /// Whether the steps clear the bar: no finding other than a hard gate at `deny` after them
    /// (an excluded vendor's plan can be feasible; it stays excluded, see `unfixable`).
    pub feasible: bool,
    /// Whether the search proved no smaller set exists (fewest questions, then least increase).
    pub provably_minimal: bool,
    /// No plan clears the bar with fewer steps: a proven lower bound. Equal to the number of
    /// steps when that number is proven the fewest, even where the least total increase is not
    /// (`provably_minimal` false); 0 when nothing needs to change.
    #[serde(default)]
    pub min_steps: usize,
    /// Steps, by question id.
    pub steps: Vec<PlanStep>,
    /// Sum of increases.
    pub total_increase: f64,
    /// Findings no answer can clear (hard gates).
    pub unfixable: Vec<Finding>,
    /// Warnings that remain after the plan (they keep the vendor conditional, not at risk).
    pub remaining: Vec<Finding>,
    /// Result after the plan.
    pub after: Box<VendorResult>,
}

impl Plan {
    /// What is proven of the plan's size: from `provably_minimal` and `min_steps`.
    pub fn proof(&self) -> PlanProof {
        if self.provably_minimal {
            PlanProof::Minimal
        } else if self.min_steps > 0 && self.min_steps == self.steps.len() {
            PlanProof::FewestSteps
        } else if self.min_steps > 0 {
            PlanProof::AtLeast(self.min_steps)
        } else {
            PlanProof::Unproven
        }
    }
}
