//! What scoring reads of a vendor: its profile and, per answered question, the value, whether
//! evidence is given and its date. Evidence and comment text are not part of it, so a reader can
//! hand a vendor to the engine without copying that text out of its buffers.

use crate::{AnswerValue, QuestionId, Vendor, VendorProfile};
use chrono::NaiveDate;

/// What scoring uses of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerFacts {
    /// The parsed answer.
    pub value: AnswerValue,
    /// Whether non-blank evidence is given.
    pub has_evidence: bool,
    /// The evidence's date.
    pub evidence_date: Option<NaiveDate>,
}

/// A vendor as the scoring engine reads it. Implemented by [`Vendor`] and by the compact,
/// borrowed vendors a streaming reader hands over.
pub trait ScoreInput {
    /// The vendor's profile.
    fn profile(&self) -> &VendorProfile;

    /// Calls `f` once per answered question (each question at most once), in any order.
    /// Generic rather than `dyn`: scoring calls it for every answer of every vendor, and the
    /// closure is then compiled into the reader's loop instead of called through a pointer.
    fn for_each_answer<F: FnMut(QuestionId, AnswerFacts)>(&self, f: F);
}

impl ScoreInput for Vendor {
    fn profile(&self) -> &VendorProfile {
        &self.profile
    }

    fn for_each_answer<F: FnMut(QuestionId, AnswerFacts)>(&self, mut f: F) {
        for (q, a) in &self.answers {
            f(
                *q,
                AnswerFacts {
                    value: a.value,
                    has_evidence: a.has_evidence(),
                    evidence_date: a.evidence_date,
                },
            );
        }
    }
}
