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

/// One answer whole, text included, borrowed from wherever the vendor is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerText<'a> {
    /// The question.
    pub question: QuestionId,
    /// The parsed answer.
    pub value: AnswerValue,
    /// Evidence text, if any.
    pub evidence: Option<&'a str>,
    /// The evidence's date.
    pub evidence_date: Option<NaiveDate>,
    /// Comment text, if any.
    pub comment: Option<&'a str>,
}

/// [`AnswerText`] with the text as bytes: what a hash of the answers reads, which needs no
/// check that the text is UTF-8 (a reader has checked it once already).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerBytes<'a> {
    /// The question.
    pub question: QuestionId,
    /// The parsed answer.
    pub value: AnswerValue,
    /// Evidence text, if any.
    pub evidence: Option<&'a [u8]>,
    /// The evidence's date.
    pub evidence_date: Option<NaiveDate>,
    /// Comment text, if any.
    pub comment: Option<&'a [u8]>,
}

/// A vendor with every answer's text: what its `input_hash` and the history's answer sheet
/// read. Implemented by [`Vendor`] and by the streaming reader's borrowed vendors, which then
/// need not be copied into a [`Vendor`] (a map and two strings an answer) to be hashed.
pub trait FullInput: ScoreInput {
    /// How many answers.
    fn answer_count(&self) -> usize;

    /// Calls `f` once per answer, in question-id order (the order of [`Vendor::answers`]).
    fn for_each_answer_text<F: FnMut(AnswerText<'_>)>(&self, f: F);

    /// [`FullInput::for_each_answer_text`] with the text as bytes (the same answers, in the same
    /// order). A reader that holds text it has already checked gives it without a second check.
    fn for_each_answer_bytes<F: FnMut(AnswerBytes<'_>)>(&self, mut f: F) {
        self.for_each_answer_text(|a| {
            f(AnswerBytes {
                question: a.question,
                value: a.value,
                evidence: a.evidence.map(str::as_bytes),
                evidence_date: a.evidence_date,
                comment: a.comment.map(str::as_bytes),
            })
        });
    }

    /// Each answer's question and value, in question-id order: what the history keeps. A reader
    /// can give them without looking up any text.
    fn for_each_answer_value<F: FnMut(QuestionId, AnswerValue)>(&self, mut f: F) {
        self.for_each_answer_text(|a| f(a.question, a.value));
    }
}

impl FullInput for Vendor {
    fn answer_count(&self) -> usize {
        self.answers.len()
    }

    fn for_each_answer_text<F: FnMut(AnswerText<'_>)>(&self, mut f: F) {
        for (q, a) in &self.answers {
            f(AnswerText {
                question: *q,
                value: a.value,
                evidence: a.evidence.as_deref(),
                evidence_date: a.evidence_date,
                comment: a.comment.as_deref(),
            });
        }
    }
}
