//! Answer values, the kinds of answer a question accepts, and parsing of what suppliers type.

use crate::{QuestionId, fold};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of answer a question accepts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerKind {
    /// A maturity level from 0 (incomplete) to 5 (optimizing).
    Maturity,
    /// `yes`, `partial` or `no`.
    YesPartialNo,
}

impl AnswerKind {
    /// The kebab-case name used in catalog files and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Maturity => "maturity",
            Self::YesPartialNo => "yes-partial-no",
        }
    }

    /// The canonical spellings this kind accepts, for "valid values are ..." messages.
    pub fn valid_values(self, na_allowed: bool) -> Vec<&'static str> {
        let mut v = match self {
            Self::Maturity => vec!["0", "1", "2", "3", "4", "5"],
            Self::YesPartialNo => vec!["yes", "partial", "no"],
        };
        if na_allowed {
            v.push("na");
        }
        v
    }

    /// Whether a parsed value is of this kind. `Unanswered` is always accepted; `NotApplicable`
    /// only when the question allows it.
    pub fn accepts(self, value: AnswerValue, na_allowed: bool) -> bool {
        match (self, value) {
            (_, AnswerValue::Unanswered) => true,
            (_, AnswerValue::NotApplicable) => na_allowed,
            (Self::Maturity, AnswerValue::Maturity(_)) => true,
            (Self::YesPartialNo, AnswerValue::Yes | AnswerValue::Partial | AnswerValue::No) => true,
            _ => false,
        }
    }
}

/// One answer as the supplier gave it, after parsing.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerValue {
    /// Maturity level 0..=5.
    Maturity(u8),
    /// Fully in place.
    Yes,
    /// Partly in place.
    Partial,
    /// Not in place.
    No,
    /// The question does not apply to this supplier (excluded from scoring).
    NotApplicable,
    /// Left blank (scores 0 and lowers coverage).
    Unanswered,
}

/// Why a raw answer could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{raw}' is not an answer (expected 0-5, yes, partial, no, na, or blank)")]
pub struct ParseAnswerError {
    /// The raw text as given.
    pub raw: String,
}

impl AnswerValue {
    /// Every value that is not a maturity level, in declaration order (with `Maturity(0..=5)`,
    /// every value parsing makes).
    pub const WORDS: [Self; 5] = [
        Self::Yes,
        Self::Partial,
        Self::No,
        Self::NotApplicable,
        Self::Unanswered,
    ];

    /// Parses what a supplier typed. Case-, width- and whitespace-insensitive; accepts the usual
    /// English spellings (Y, N, N/A, "Not applicable"), Traditional Chinese (是, 部分, 否, 不適用)
    /// and maturity written as `3`, `3.0`, `L3` or `level 3`.
    pub fn parse(raw: &str) -> Result<Self, ParseAnswerError> {
        let f = fold(raw);
        let v = match f.as_str() {
            "" => Self::Unanswered,
            "y" | "yes" | "true" | "是" | "有" | "符合" => Self::Yes,
            "p" | "partial" | "partially" | "partly" | "部分" | "部分符合" => Self::Partial,
            "n" | "no" | "false" | "否" | "無" | "没有" | "沒有" | "不符合" => Self::No,
            "na" | "n/a" | "n.a." | "n.a" | "not applicable" | "not-applicable"
            | "notapplicable" | "不適用" | "不适用" => Self::NotApplicable,
            other => {
                let digits = other
                    .strip_prefix("level")
                    .or_else(|| other.strip_prefix('l'))
                    .unwrap_or(other)
                    .trim();
                let digits = digits.strip_suffix(".0").unwrap_or(digits);
                match digits.parse::<u8>() {
                    Ok(n) if n <= 5 => Self::Maturity(n),
                    _ => {
                        return Err(ParseAnswerError {
                            raw: raw.to_string(),
                        });
                    }
                }
            }
        };
        Ok(v)
    }

    /// The canonical spelling written to outputs and templates.
    pub fn canonical(self) -> String {
        self.canonical_str().into_owned()
    }

    /// [`AnswerValue::canonical`] without an allocation (for the levels parsing makes, 0-5).
    pub fn canonical_str(self) -> std::borrow::Cow<'static, str> {
        const LEVELS: [&str; 6] = ["0", "1", "2", "3", "4", "5"];
        match self {
            Self::Maturity(n) => LEVELS
                .get(usize::from(n))
                .map_or_else(|| n.to_string().into(), |s| (*s).into()),
            Self::Yes => "yes".into(),
            Self::Partial => "partial".into(),
            Self::No => "no".into(),
            Self::NotApplicable => "na".into(),
            Self::Unanswered => "".into(),
        }
    }

    /// The answer on the unit interval, `None` for na and unanswered.
    /// Maturity `m` is `m / 5`; yes = 1, partial = 0.5, no = 0 (docs/scoring.md §2).
    pub fn normalized(self) -> Option<f64> {
        match self {
            // A table, not a division per call (scoring normalizes every answer several
            // times); `n / 5.0` is correctly rounded, so each entry is the same double.
            Self::Maturity(n) => Some(
                [0.0, 1.0 / 5.0, 2.0 / 5.0, 3.0 / 5.0, 4.0 / 5.0, 1.0]
                    .get(usize::from(n))
                    .copied()
                    .unwrap_or(f64::from(n) / 5.0),
            ),
            Self::Yes => Some(1.0),
            Self::Partial => Some(0.5),
            Self::No => Some(0.0),
            Self::NotApplicable | Self::Unanswered => None,
        }
    }

    /// Whether the supplier gave an answer (na counts as answered: it is a statement).
    pub fn is_answered(self) -> bool {
        !matches!(self, Self::Unanswered)
    }
}

impl fmt::Display for AnswerValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unanswered => f.write_str("(blank)"),
            v => f.write_str(&v.canonical_str()),
        }
    }
}

/// One supplier's answer to one question, with its supporting evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Answer {
    /// Canonical question id.
    pub question: QuestionId,
    /// The parsed answer.
    pub value: AnswerValue,
    /// Evidence reference (document name, URL, report id). Untrusted supplier text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Date of the evidence, used for staleness checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_date: Option<NaiveDate>,
    /// Free-text comment. Untrusted supplier text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Answer {
    /// An answer with no evidence and no comment.
    pub fn bare(question: QuestionId, value: AnswerValue) -> Self {
        Self {
            question,
            value,
            evidence: None,
            evidence_date: None,
            comment: None,
        }
    }

    /// Whether evidence text was supplied (non-blank).
    pub fn has_evidence(&self) -> bool {
        self.evidence
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spellings_seen_in_the_wild() {
        let cases = [
            ("Y", AnswerValue::Yes),
            (" yes ", AnswerValue::Yes),
            ("ＹＥＳ", AnswerValue::Yes),
            ("是", AnswerValue::Yes),
            ("部分", AnswerValue::Partial),
            ("Partial", AnswerValue::Partial),
            ("否", AnswerValue::No),
            ("N", AnswerValue::No),
            ("N/A", AnswerValue::NotApplicable),
            ("Not applicable", AnswerValue::NotApplicable),
            ("不適用", AnswerValue::NotApplicable),
            ("", AnswerValue::Unanswered),
            ("  ", AnswerValue::Unanswered),
            ("3", AnswerValue::Maturity(3)),
            ("3.0", AnswerValue::Maturity(3)),
            ("L4", AnswerValue::Maturity(4)),
            ("Level 5", AnswerValue::Maturity(5)),
            ("０", AnswerValue::Maturity(0)),
        ];
        for (raw, want) in cases {
            assert_eq!(AnswerValue::parse(raw), Ok(want), "raw {raw:?}");
        }
    }

    /// The table gives bit for bit the `m / 5` that scores were computed with before it.
    #[test]
    fn maturity_normalizes_to_m_over_5_exactly() {
        for n in 0..=u8::MAX {
            let got = AnswerValue::Maturity(n).normalized().map(f64::to_bits);
            assert_eq!(got, Some((f64::from(n) / 5.0).to_bits()), "level {n}");
        }
    }

    #[test]
    fn rejects_out_of_range_and_garbage() {
        for raw in ["6", "-1", "3.5", "maybe", "yes please"] {
            assert!(AnswerValue::parse(raw).is_err(), "raw {raw:?}");
        }
    }

    #[test]
    fn kind_acceptance() {
        let m = AnswerKind::Maturity;
        let y = AnswerKind::YesPartialNo;
        assert!(m.accepts(AnswerValue::Maturity(2), false));
        assert!(!m.accepts(AnswerValue::Yes, true));
        assert!(y.accepts(AnswerValue::Partial, false));
        assert!(!y.accepts(AnswerValue::NotApplicable, false));
        assert!(y.accepts(AnswerValue::NotApplicable, true));
        assert!(y.accepts(AnswerValue::Unanswered, false));
    }
}
