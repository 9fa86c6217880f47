//! The portfolio's most common gaps, counted one supplier at a time: how often each question is
//! answered low (below 3, `no` or `partial`) or left blank among the suppliers it is asked of.
//!
//! A supplier's part is a mark a question ([`GapMarks`], a byte each), made while its answers are
//! at hand, so a streamed run can count the portfolio's gaps without keeping every supplier's
//! answers until the page is rendered; the tally is the sum of the marks, in any order.

use scrm_model::{AiRole, AnswerValue, Question, QuestionId, ScoreInput, Vendor};
use std::collections::HashMap;

/// What one supplier's answer to one question counts as, as a [`GapMarks`] byte.
const NOT_ASKED: u8 = 0;
/// Asked and answered at or above the bar.
const MET: u8 = 1;
/// Asked and answered low: a maturity below 3, `no` or `partial`.
const LOW: u8 = 2;
/// Asked and left blank.
const BLANK: u8 = 3;

/// The mark of an answer to a question asked of the supplier (`na` makes it not asked).
fn mark(value: AnswerValue) -> u8 {
    match value {
        AnswerValue::NotApplicable => NOT_ASKED,
        AnswerValue::Unanswered => BLANK,
        AnswerValue::Maturity(n) if n < 3 => LOW,
        AnswerValue::No | AnswerValue::Partial => LOW,
        _ => MET,
    }
}

/// One supplier's marks, one byte a question of the bank, in the bank's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapMarks(Box<[u8]>);

/// A question's counts over the portfolio.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GapCount {
    /// Suppliers the question was asked of (`na` answers do not count as asked).
    pub asked: usize,
    /// Of those, answered low.
    pub low: usize,
    /// Of those, left blank.
    pub blank: usize,
}

/// Each question's [`GapCount`] over the suppliers added so far, in the bank's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapTally {
    counts: Vec<GapCount>,
}

/// Makes each supplier's [`GapMarks`] against one question bank. It owns what it needs of the
/// bank, so a streamed run can make it once, from the first supplier's engine.
#[derive(Debug)]
pub struct GapMarker {
    /// Each question's position in the bank.
    index: HashMap<QuestionId, usize>,
    /// The marks of a supplier of each AI role (none declared first) that answered nothing:
    /// blank where the question is asked of the role.
    unanswered: Vec<(Option<AiRole>, Box<[u8]>)>,
}

impl GapMarker {
    /// A marker for the bank `questions` (the catalog's, as the page lists them).
    pub fn new(questions: &[Question]) -> Self {
        let index = questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id, i))
            .collect();
        let unanswered = std::iter::once(None)
            .chain(AiRole::ALL.iter().copied().map(Some))
            .map(|role| {
                let marks = questions
                    .iter()
                    .map(|q| if q.applies_to(role) { BLANK } else { NOT_ASKED })
                    .collect();
                (role, marks)
            })
            .collect();
        Self { index, unanswered }
    }

    /// `v`'s marks: each question asked of its AI role is blank unless answered, and an answer
    /// to a question not asked of it (or not in the bank) counts for nothing.
    pub fn marks<V: ScoreInput + ?Sized>(&self, v: &V) -> GapMarks {
        let role = v.profile().ai_role;
        let mut marks = self
            .unanswered
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, m)| m.clone())
            .unwrap_or_default();
        v.for_each_answer(|q, a| {
            if let Some(m) = self.index.get(&q).and_then(|&i| marks.get_mut(i))
                && *m != NOT_ASKED
            {
                *m = mark(a.value);
            }
        });
        GapMarks(marks)
    }

    /// The tally of `vendors`, for a caller that holds them all.
    pub fn tally(&self, vendors: &[Vendor]) -> GapTally {
        let mut t = GapTally::new(self.unanswered.first().map_or(0, |(_, m)| m.len()));
        for v in vendors {
            t.add(&self.marks(v));
        }
        t
    }
}

impl GapTally {
    /// No supplier yet, over a bank of `questions` questions.
    pub fn new(questions: usize) -> Self {
        Self {
            counts: vec![GapCount::default(); questions],
        }
    }

    /// Counts one supplier's marks (made against the same bank).
    pub fn add(&mut self, marks: &GapMarks) {
        for (c, m) in self.counts.iter_mut().zip(marks.0.iter()) {
            if *m != NOT_ASKED {
                c.asked += 1;
            }
            c.low += usize::from(*m == LOW);
            c.blank += usize::from(*m == BLANK);
        }
    }

    /// The counts of the `i`th question of the bank (none for a question past its end).
    pub fn count(&self, i: usize) -> GapCount {
        self.counts.get(i).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil;
    use scrm_model::Answer;

    /// Each mark, and that the tally of marks is the count made from the suppliers held whole.
    #[test]
    fn marks_count_asked_low_and_blank() {
        let questions = testutil::sample_questions();
        let marker = GapMarker::new(&questions);
        let mut v = testutil::sample_vendors().remove(0);
        v.profile.ai_role = None;
        v.answers.clear();
        let ids: Vec<QuestionId> = questions.iter().map(|q| q.id).take(6).collect();
        for (q, value) in ids.iter().zip([
            AnswerValue::Maturity(2),
            AnswerValue::Maturity(3),
            AnswerValue::No,
            AnswerValue::Partial,
            AnswerValue::NotApplicable,
            AnswerValue::Unanswered,
        ]) {
            v.answers.insert(*q, Answer::bare(*q, value));
        }
        let mut t = GapTally::new(questions.len());
        t.add(&marker.marks(&v));
        t.add(&marker.marks(&v));
        let got: Vec<(usize, usize, usize)> = (0..6)
            .map(|i| {
                let c = t.count(i);
                (c.asked, c.low, c.blank)
            })
            .collect();
        assert_eq!(
            got,
            [
                (2, 2, 0),
                (2, 0, 0),
                (2, 2, 0),
                (2, 2, 0),
                (0, 0, 0),
                (2, 0, 2)
            ]
        );
        // A question nobody answered is asked and blank; past the bank, nothing.
        let blank = GapCount {
            asked: 2,
            low: 0,
            blank: 2,
        };
        assert_eq!(t.count(6), blank);
        assert_eq!(t.count(questions.len()), GapCount::default());
        assert_eq!(marker.tally(&[v.clone(), v.clone()]), t);

        // A question asked of builders only is not asked of a deployer, answered or not.
        let i = questions
            .iter()
            .position(|q| !q.applies_to(Some(AiRole::Deployer)))
            .unwrap_or_else(|| panic!("the sample bank has builders' questions"));
        v.profile.ai_role = Some(AiRole::Deployer);
        let q = questions[i].id;
        v.answers.insert(q, Answer::bare(q, AnswerValue::No));
        let mut t = GapTally::new(questions.len());
        t.add(&marker.marks(&v));
        assert_eq!(t.count(i), GapCount::default());
    }
}
