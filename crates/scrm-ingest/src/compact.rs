//! Answers as a block worker holds them (fixed-size rows whose evidence and comment text sit in
//! one buffer per block), and [`ReadVendor`], the vendor that [`crate::ingest_map`] hands over:
//! either an owned [`Vendor`] or such rows, borrowed, so that scoring a vendor straight from the
//! block copies no text and builds no answer map.

use crate::collector::{Dup, Stored};
use chrono::NaiveDate;
use scrm_model::{
    Answer, AnswerFacts, AnswerSpec, AnswerValue, QuestionId, ScoreInput, Vendor, VendorId,
    VendorProfile,
};
use std::collections::BTreeMap;

/// A piece of a block's text buffer; empty means none (text is stored trimmed, so a present
/// text is never empty).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    len: u32,
}

impl Span {
    /// Appends `s` trimmed to `buf`; a blank `s` gives the empty span. `None` when the buffer
    /// would pass 4 GiB, which a block never does (blocks are a few MiB and capped).
    pub(crate) fn push(buf: &mut String, s: &str) -> Option<Self> {
        let t = crate::text::trim(s);
        if t.is_empty() {
            return Some(Self::default());
        }
        let start = u32::try_from(buf.len()).ok()?;
        let len = u32::try_from(t.len()).ok()?;
        start.checked_add(len)?;
        buf.push_str(t);
        Some(Self { start, len })
    }

    pub(crate) fn get(self, buf: &str) -> Option<&str> {
        (self.len > 0).then(|| &buf[self.start as usize..(self.start + self.len) as usize])
    }
}

/// One accepted answer in a block: `vendor` and `q` index the block's vendor and question
/// lists, `line` counts from the block's first line (1-based within the block).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub vendor: u32,
    pub q: u32,
    pub line: u64,
    pub value: AnswerValue,
    pub date: Option<NaiveDate>,
    pub evidence: Span,
    pub comment: Span,
}

impl Row {
    /// The row as the collector stores it, text copied out of the block, located at
    /// `(part, line within the block, col)`; question and row are still block-local.
    pub(crate) fn to_stored(self, text: &str, part: u32, col: u32) -> Stored {
        Stored {
            q: self.q,
            part,
            row: self.line,
            col,
            value: self.value,
            evidence: self.evidence.get(text).map(Box::from),
            date: self.date,
            comment: self.comment.get(text).map(Box::from),
        }
    }

    fn same_answer(&self, o: &Row, text: &str) -> bool {
        self.value == o.value
            && self.date == o.date
            && self.evidence.get(text) == o.evidence.get(text)
            && self.comment.get(text) == o.comment.get(text)
    }
}

/// Buffers [`dedupe_rows`] reuses between vendors.
#[derive(Default)]
pub(crate) struct Scratch {
    rows: Vec<Row>,
    seen: Vec<u64>,
}

/// One vendor's rows with the later answers to a question removed, and those reported as
/// [`Dup`]s: the same rule as [`crate::collector::dedupe`], on rows. Rows without duplicates come
/// back as they are (scoring reads answers in any order); otherwise sorted by question (stable:
/// input order within a question). `rank` orders the block's question indexes canonically;
/// `scratch` is reused between vendors.
pub(crate) fn dedupe_rows<'r>(
    rows: &'r mut [Row],
    rank: &[u32],
    text: &str,
    (part, col): (u32, u32),
    scratch: &'r mut Scratch,
) -> (&'r [Row], Vec<Dup>) {
    // Nearly every vendor answers each question once: a bit per block question finds that in
    // one pass, without sorting.
    let seen = &mut scratch.seen;
    seen.clear();
    seen.resize(rank.len().div_ceil(64), 0);
    let unique = rows.iter().all(|r| {
        let (w, b) = (r.q as usize / 64, 1u64 << (r.q % 64));
        let fresh = seen[w] & b == 0;
        seen[w] |= b;
        fresh
    });
    if unique {
        return (rows, Vec::new());
    }
    let scratch = &mut scratch.rows;
    if !rows.is_sorted_by_key(|r| rank[r.q as usize]) {
        rows.sort_by_key(|r| rank[r.q as usize]);
    }
    let mut dups = Vec::new();
    scratch.clear();
    let mut i = 0;
    while i < rows.len() {
        let mut j = i + 1;
        while j < rows.len() && rows[j].q == rows[i].q {
            dups.push(Dup {
                first: rows[i].to_stored(text, part, col),
                identical: rows[i].same_answer(&rows[j], text),
                later: rows[j].to_stored(text, part, col),
            });
            j += 1;
        }
        scratch.push(rows[i]);
        i = j;
    }
    (scratch.as_slice(), dups)
}

/// A vendor read from the inputs, as [`crate::ingest_map`] hands it to its map: use it as a
/// [`ScoreInput`] to score it where it lies, or take the whole [`Vendor`] with
/// [`ReadVendor::into_vendor`]. Either way it holds exactly what [`crate::ingest`] would have
/// kept for the vendor.
pub struct ReadVendor<'a>(Repr<'a>);

enum Repr<'a> {
    Owned(Vendor),
    /// Rows deduplicated and sorted by question, borrowed from the block that holds them.
    Compact {
        profile: VendorProfile,
        rows: &'a [Row],
        text: &'a str,
        questions: &'a [(QuestionId, AnswerSpec)],
    },
}

impl<'a> ReadVendor<'a> {
    pub(crate) fn owned(v: Vendor) -> Self {
        Self(Repr::Owned(v))
    }

    pub(crate) fn compact(
        profile: VendorProfile,
        rows: &'a [Row],
        text: &'a str,
        questions: &'a [(QuestionId, AnswerSpec)],
    ) -> Self {
        Self(Repr::Compact {
            profile,
            rows,
            text,
            questions,
        })
    }

    /// The vendor's id.
    pub fn id(&self) -> &VendorId {
        &ScoreInput::profile(self).vendor_id
    }

    /// The whole vendor: profile and every answer with its evidence and comment text.
    pub fn into_vendor(self) -> Vendor {
        match self.0 {
            Repr::Owned(v) => v,
            Repr::Compact {
                profile,
                rows,
                text,
                questions,
            } => {
                let answers: BTreeMap<QuestionId, Answer> = rows
                    .iter()
                    .map(|r| {
                        let question = questions[r.q as usize].0;
                        let answer = Answer {
                            question,
                            value: r.value,
                            evidence: r.evidence.get(text).map(str::to_string),
                            evidence_date: r.date,
                            comment: r.comment.get(text).map(str::to_string),
                        };
                        (question, answer)
                    })
                    .collect();
                Vendor { profile, answers }
            }
        }
    }
}

impl ScoreInput for ReadVendor<'_> {
    fn profile(&self) -> &VendorProfile {
        match &self.0 {
            Repr::Owned(v) => &v.profile,
            Repr::Compact { profile, .. } => profile,
        }
    }

    fn for_each_answer(&self, f: &mut dyn FnMut(QuestionId, AnswerFacts)) {
        match &self.0 {
            Repr::Owned(v) => v.for_each_answer(f),
            Repr::Compact {
                rows, questions, ..
            } => {
                for r in *rows {
                    f(
                        questions[r.q as usize].0,
                        AnswerFacts {
                            value: r.value,
                            // Text is stored trimmed: a present span is non-blank evidence.
                            has_evidence: r.evidence.len > 0,
                            evidence_date: r.date,
                        },
                    );
                }
            }
        }
    }
}
