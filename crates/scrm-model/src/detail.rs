//! What a finding says: the facts a rule found, written out as text only where a report shows
//! it. Most runs write CSV, which shows codes only; formatting every finding's numbers for
//! every vendor was a measurable part of scoring (benches/README.md).

use crate::{Lens, QuestionId, Tier};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// A finding's explanation. Two details are equal when they read the same.
#[derive(Debug, Clone)]
pub enum Detail {
    /// Text as written (a rule's rarer findings, or a finding read back from a stored result).
    Text(String),
    /// A score under its tier minimum: the combined score, or one lens's.
    BelowMinimum {
        /// The lens, or `None` for the combined score.
        lens: Option<Lens>,
        /// The score (0-5).
        score: f64,
        /// The tier's minimum.
        minimum: f64,
        /// The vendor's tier.
        tier: Tier,
    },
    /// Coverage under its tier minimum (both on the unit interval).
    CoverageBelowMinimum {
        /// Answered share of the applicable questions.
        coverage: f64,
        /// The tier's minimum.
        minimum: f64,
        /// The vendor's tier.
        tier: Tier,
    },
    /// Few applicable questions answered.
    LowCoverage {
        /// Questions answered.
        answered: u32,
        /// Questions that apply to the vendor.
        applicable: u32,
        /// `answered / applicable`.
        coverage: f64,
    },
    /// Too many claims without evidence.
    MissingEvidence {
        /// Claims without evidence.
        missing: usize,
        /// Claims (answers at or above the claim threshold).
        claims: usize,
        /// The policy's claim threshold (unit interval).
        claim_threshold: f64,
        /// The share of claims allowed without evidence.
        max_missing_share: f64,
        /// The first of the claims without evidence.
        shown: Shown,
    },
    /// Answers resting on evidence past its age limit.
    StaleEvidence {
        /// Answers with stale evidence.
        stale: usize,
        /// The policy's evidence age limit.
        max_age_days: u32,
        /// The first of them.
        shown: Shown,
    },
    /// The questionnaire has no date.
    Undated,
    /// The questionnaire is older than the policy allows. It names no scoring date: a result
    /// changes with the date only where a limit is crossed (`valid_until`), so that a nightly
    /// run can carry it over unchanged, and the run's as-of date is in every output's manifest.
    StaleAssessment {
        /// The questionnaire's date.
        dated: NaiveDate,
        /// The policy's age limit.
        max_age_days: u32,
    },
}

/// The first few of a finding's questions, as its message lists them. Boxed, so that a
/// finding stays small: a run can hold a million vendors' results (JSON, workbook, history).
#[derive(Debug, Clone, Default)]
pub struct Shown {
    ids: Box<[QuestionId]>,
    more: bool,
}

impl Shown {
    /// Questions named in a message; the rest is an ellipsis.
    pub const MAX: usize = 8;

    /// The first [`Shown::MAX`] of `qs`.
    pub fn of(qs: &[QuestionId]) -> Self {
        Self {
            ids: qs.iter().take(Self::MAX).copied().collect(),
            more: qs.len() > Self::MAX,
        }
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        for q in &self.ids {
            write!(f, "{sep}{}", q.as_str())?;
            sep = ", ";
        }
        if self.more {
            write!(f, "{sep}…")?;
        }
        Ok(())
    }
}

/// Numbers in messages: three decimals; when three read the same, six; when six still do, the
/// fewest more that tell the two apart (docs/scoring.md §8.1), so a value just under a threshold
/// never reads as equal to it.
fn pair(x: f64, t: f64) -> (String, String) {
    apart(x, t, 3, 6)
}

/// `x` and `t` with `first` decimals, or else `then` or more, the fewest that print them apart;
/// Rust's shortest round-trip form (which tells any two values apart) past 17.
fn apart(x: f64, t: f64, first: usize, then: usize) -> (String, String) {
    let (a, b) = (format!("{x:.first$}"), format!("{t:.first$}"));
    if a != b {
        return (a, b);
    }
    for places in then..=17 {
        let (a, b) = (format!("{x:.places$}"), format!("{t:.places$}"));
        if a != b {
            return (a, b);
        }
    }
    (x.to_string(), t.to_string())
}

impl Detail {
    /// The text, borrowed when it is stored as text.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Self::Text(s) => Cow::Borrowed(s),
            other => Cow::Owned(other.to_string()),
        }
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(s) => f.write_str(s),
            Self::BelowMinimum {
                lens,
                score,
                minimum,
                tier,
            } => {
                let (x, t) = pair(*score, *minimum);
                let what = lens.map_or("combined", |l| l.label(crate::Lang::En));
                write!(f, "{what} score {x} is below the {tier} tier minimum {t}")
            }
            Self::CoverageBelowMinimum {
                coverage,
                minimum,
                tier,
            } => {
                let (c, m) = apart(coverage * 100.0, minimum * 100.0, 1, 3);
                write!(f, "coverage {c}% is below the {tier} tier minimum {m}%")
            }
            Self::LowCoverage {
                answered,
                applicable,
                coverage,
            } => write!(
                f,
                "answered {answered} of {applicable} applicable questions ({:.1}%)",
                coverage * 100.0
            ),
            Self::MissingEvidence {
                missing,
                claims,
                claim_threshold,
                max_missing_share,
                shown,
            } => write!(
                f,
                "{missing} of {claims} claim(s) (answers at {:.0}% of the top level or more) have no evidence (more than {:.0}%): {shown}",
                claim_threshold * 100.0,
                max_missing_share * 100.0,
            ),
            Self::StaleEvidence {
                stale,
                max_age_days,
                shown,
            } => write!(
                f,
                "{stale} answer(s) rest on evidence older than {max_age_days} days: {shown}"
            ),
            Self::Undated => f.write_str("the questionnaire is undated (no assessed_on)"),
            Self::StaleAssessment {
                dated,
                max_age_days,
            } => write!(
                f,
                "the questionnaire dated {dated} is more than {max_age_days} days old"
            ),
        }
    }
}

impl From<String> for Detail {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&str> for Detail {
    fn from(s: &str) -> Self {
        Self::Text(s.to_string())
    }
}

impl PartialEq for Detail {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

impl Eq for Detail {}

impl PartialOrd for Detail {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Detail {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text().cmp(&other.text())
    }
}

impl Serialize for Detail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Detail {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<QuestionId> {
        (0..n).map(|i| QuestionId::new(format!("Q-{i}"))).collect()
    }

    #[test]
    fn shown_lists_eight_then_an_ellipsis() {
        assert_eq!(Shown::of(&[]).to_string(), "");
        assert_eq!(Shown::of(&ids(2)).to_string(), "Q-0, Q-1");
        assert_eq!(
            Shown::of(&ids(8)).to_string(),
            "Q-0, Q-1, Q-2, Q-3, Q-4, Q-5, Q-6, Q-7"
        );
        assert_eq!(
            Shown::of(&ids(9)).to_string(),
            "Q-0, Q-1, Q-2, Q-3, Q-4, Q-5, Q-6, Q-7, …"
        );
    }

    /// A run may hold a million vendors' findings: a detail is no bigger than a few words.
    #[test]
    fn a_detail_stays_small() {
        assert!(
            std::mem::size_of::<Detail>() <= 64,
            "{}",
            std::mem::size_of::<Detail>()
        );
    }

    /// A value just under its threshold never reads as equal to it.
    #[test]
    fn close_scores_get_more_decimals() {
        let d = Detail::BelowMinimum {
            lens: Some(Lens::Airm),
            score: 2.9999,
            minimum: 3.0,
            tier: Tier::High,
        };
        assert_eq!(
            d.to_string(),
            "AI RMF score 2.999900 is below the high tier minimum 3.000000"
        );
    }

    /// Six decimals that still read the same give way to as many as tell the two apart.
    #[test]
    fn scores_equal_at_six_decimals_get_as_many_as_they_need() {
        let d = Detail::BelowMinimum {
            lens: None,
            score: 4.318_416_435_3,
            minimum: 4.318_416_44,
            tier: Tier::Critical,
        };
        assert_eq!(
            d.to_string(),
            "combined score 4.318416435 is below the critical tier minimum 4.318416440"
        );
        let d = Detail::BelowMinimum {
            lens: None,
            score: 2.5 - f64::EPSILON * 2.0,
            minimum: 2.5,
            tier: Tier::High,
        };
        let s = d.to_string();
        assert_eq!(
            s,
            "combined score 2.4999999999999996 is below the high tier minimum 2.5000000000000000"
        );
        let d = Detail::CoverageBelowMinimum {
            coverage: 0.59999,
            minimum: 0.6,
            tier: Tier::Moderate,
        };
        assert_eq!(
            d.to_string(),
            "coverage 59.999% is below the moderate tier minimum 60.000%"
        );
    }

    /// A detail read back from JSON is text, and equal to the typed one it was written from.
    #[test]
    fn round_trips_through_json_as_text() {
        let d = Detail::LowCoverage {
            answered: 3,
            applicable: 40,
            coverage: 0.075,
        };
        let json = serde_json::to_string(&d).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json, "\"answered 3 of 40 applicable questions (7.5%)\"");
        let back: Detail = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(back, Detail::Text(_)));
        assert_eq!(back, d);
    }
}
