//! The typed catalogue of findings: stable kebab-case codes, severities and one record type.
//!
//! Codes are part of the public interface (CSV/JSON outputs, policy exemptions, `--fail-on`,
//! `docs/codes.md`). A code is never renamed or reused; new codes are appended.

use crate::{Detail, Lens, QuestionId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How much a finding matters. Policy may lower or raise the default per code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Recorded for the explanation; does not affect status.
    Info,
    /// Makes an otherwise passing vendor `conditional`.
    Warn,
    /// Makes the vendor `at-risk` (fails the bar).
    Deny,
}

impl Severity {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Deny => "deny",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $(#[$m:meta])* $var:ident = $s:literal, $sev:ident, $desc:literal; )+) => {
        /// A finding code. See `docs/codes.md` for each one's meaning and remedy.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "kebab-case")]
        pub enum Code { $( $(#[$m])* $var ),+ }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$var),+];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str { match self { $(Code::$var => $s),+ } }

            /// The default severity before policy overrides.
            pub fn default_severity(self) -> Severity { match self { $(Code::$var => Severity::$sev),+ } }

            /// One line saying what the code means.
            pub fn description(self) -> &'static str { match self { $(Code::$var => $desc),+ } }
        }

        impl FromStr for Code {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($s => Ok(Code::$var),)+
                    other => Err(format!("'{other}' is not a finding code; the possible codes are {:?}",
                        [$($s),+])),
                }
            }
        }
    };
}

codes! {
    /// Listed in SAM.gov exclusions (debarred, suspended, proposed for debarment).
    HardGateSam = "hard-gate-sam", Deny, "Supplier has an active SAM.gov exclusion";
    /// Named in a FASCSA exclusion or removal order.
    HardGateFascsa = "hard-gate-fascsa", Deny, "Supplier or its product is named in a FASCSA order";
    /// Provides Section 889 covered telecommunications equipment or services.
    HardGateSec889 = "hard-gate-sec889", Deny, "Supplier provides Section 889 covered equipment or services";
    /// On a buyer-defined exclusion list.
    HardGateCustom = "hard-gate-custom", Deny, "Supplier is on a buyer-defined exclusion list";
    /// A knock-out question is below its required minimum.
    KnockoutFailed = "knockout-failed", Deny, "A knock-out question is answered below the policy minimum";
    /// A score or coverage is below the threshold for the supplier's tier.
    BelowTierThreshold = "below-tier-threshold", Deny, "A lens score or coverage is below the supplier's tier threshold";
    /// Too few applicable questions were answered.
    LowCoverage = "low-coverage", Warn, "Too many applicable questions are unanswered";
    /// A positive answer carries no evidence.
    MissingEvidence = "missing-evidence", Warn, "Positive answers lack supporting evidence";
    /// Evidence is older than the policy allows.
    StaleEvidence = "stale-evidence", Warn, "Evidence is older than the policy's maximum age";
    /// The questionnaire itself is older than the policy allows, or undated.
    StaleAssessment = "stale-assessment", Warn, "The questionnaire is older than the policy's maximum age, or undated";
    /// Answers contradict each other or the profile.
    ContradictoryAnswers = "contradictory-answers", Warn, "Answers contradict each other or the supplier's claims";
    /// Every answered question has the same answer.
    UniformAnswers = "uniform-answers", Warn, "The same answer was given to every question";
    /// No profile row: tier and role were assumed.
    MissingProfile = "missing-profile", Warn, "No vendor profile: tier and AI role were assumed";
    /// A policy exemption for this vendor has expired and no longer applies.
    ExemptionExpired = "exemption-expired", Warn, "A policy exemption has expired and no longer applies";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about one vendor.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Stable code.
    pub code: Code,
    /// Effective severity after policy overrides and exemptions.
    pub severity: Severity,
    /// Human explanation with the numbers behind it.
    #[serde(rename = "message")]
    #[schemars(rename = "message", with = "String")]
    pub detail: Detail,
    /// The lens concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lens: Option<Lens>,
    /// The questions concerned, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<QuestionId>,
    /// When a policy exemption covers this finding: its reason (the finding is kept at `info`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exempted: Option<String>,
}

impl Finding {
    /// A finding at the code's default severity.
    pub fn new(code: Code, detail: impl Into<Detail>) -> Self {
        Self {
            code,
            severity: code.default_severity(),
            detail: detail.into(),
            lens: None,
            questions: Vec::new(),
            exempted: None,
        }
    }

    /// Sets the lens.
    #[must_use]
    pub fn with_lens(mut self, lens: Lens) -> Self {
        self.lens = Some(lens);
        self
    }

    /// Sets the questions concerned.
    #[must_use]
    pub fn with_questions(mut self, qs: Vec<QuestionId>) -> Self {
        self.questions = qs;
        self
    }

    /// The explanation as text (written out here when the rule kept it typed).
    pub fn message(&self) -> std::borrow::Cow<'_, str> {
        self.detail.text()
    }

    /// Whether this finding comes from a hard gate.
    pub fn is_hard_gate(&self) -> bool {
        matches!(
            self.code,
            Code::HardGateSam | Code::HardGateFascsa | Code::HardGateSec889 | Code::HardGateCustom
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate {c}");
            assert_eq!(c.as_str().parse::<Code>(), Ok(*c));
            assert_eq!(
                serde_json::to_string(c).unwrap(),
                format!("\"{}\"", c.as_str()),
                "serde name differs from as_str"
            );
        }
    }
}
