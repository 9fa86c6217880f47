//! Answers as a block worker holds them (fixed-size rows whose evidence and comment text are
//! spans of the block itself, or of one side buffer per block for text that is not there as it
//! is: quoted, or from a block that is not UTF-8), and [`ReadVendor`], the vendor that
//! [`crate::ingest_map`] hands over: either an owned [`Vendor`] or such rows, borrowed, so that
//! scoring a vendor straight from the block copies no text and builds no answer map.

use crate::collector::{Dup, Stored};
use chrono::NaiveDate;
use scrm_model::{
    Answer, AnswerBytes, AnswerFacts, AnswerSpec, AnswerText, AnswerValue, FullInput, QuestionId,
    ScoreInput, Vendor, VendorId, VendorProfile,
};
use std::cell::OnceCell;
use std::collections::BTreeMap;

/// A piece of text of a block ([`Texts`]); empty means none (text is stored trimmed, so a
/// present text is never empty). Its start in the low 32 bits, whose top bit says which buffer
/// it is in, and its length in the high 32. One word, not two fields: the row handler made a
/// span in two 32-bit halves and read it back whole, a store the load had to wait out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span(u64);

/// `Span::start`'s flag for a span of the block itself.
const IN_BLOCK: u32 = 1 << 31;

impl Span {
    #[inline(always)]
    fn new(start: u32, len: u32) -> Self {
        Self(u64::from(start) | u64::from(len) << 32)
    }

    fn start(self) -> u32 {
        self.0 as u32
    }

    /// The text's length in bytes (0: none).
    pub(crate) fn len(self) -> u32 {
        (self.0 >> 32) as u32
    }

    /// The span of `s` trimmed; a blank `s` gives the empty span. Text that lies in `block` (an
    /// unquoted field of a UTF-8 block, nearly every one) is not copied: most answers' evidence
    /// is never read again, so a copy would be work and memory for nothing. Other text is
    /// appended to `side`. `None` when an offset would pass 2 GiB, which a block never does
    /// (blocks are a few MiB and capped). The reader trims each field itself and calls
    /// [`Span::push_trimmed`]; this is what that amounts to for any text.
    #[cfg(test)]
    pub(crate) fn push(block: &[u8], side: &mut String, s: &str) -> Option<Self> {
        let t = crate::text::trim_bytes(s.as_bytes());
        if t.is_empty() {
            return Some(Self::default());
        }
        Self::push_trimmed(block, side, t)
    }

    /// [`Span::push`] of text already trimmed, for the row handler (which trims every field
    /// once). Blank text gives a span of length 0, which [`Span::get`] reads as none, wherever
    /// it starts: no branch on whether an answer has evidence, which is random row to row.
    #[inline(always)]
    pub(crate) fn push_trimmed(block: &[u8], side: &mut String, t: &[u8]) -> Option<Self> {
        // Where `t` starts in `block`, if it lies there; addresses only, nothing is read. Its
        // end is then within the block, so below the flag bit when the block's end is.
        let off = (t.as_ptr() as usize).wrapping_sub(block.as_ptr() as usize);
        if off < block.len() && block.len() - off >= t.len() && block.len() < IN_BLOCK as usize {
            return Some(Self::new(off as u32 | IN_BLOCK, t.len() as u32));
        }
        Self::push_side(side, t)
    }

    /// Text that is not in the block (quoted, or from a block that is not UTF-8) copied to the
    /// side buffer. It is UTF-8 (a checked field), so nothing is replaced.
    #[cold]
    fn push_side(side: &mut String, t: &[u8]) -> Option<Self> {
        let text = crate::text::lossy(t);
        let start = u32::try_from(side.len()).ok()?;
        let len = u32::try_from(text.len()).ok()?;
        if start.checked_add(len)? >= IN_BLOCK {
            return None;
        }
        side.push_str(&text);
        Some(Self::new(start, len))
    }

    /// [`Span::get`] as bytes, which a span of the block gives without checking its UTF-8 again
    /// (only whole `&str` slices of the block are recorded).
    pub(crate) fn get_bytes(self, t: Texts<'_>) -> Option<&[u8]> {
        if self.len() == 0 {
            return None;
        }
        let start = (self.start() & !IN_BLOCK) as usize;
        let range = start..start + self.len() as usize;
        if self.start() & IN_BLOCK == 0 {
            return t.side.as_bytes().get(range);
        }
        t.block.get(range)
    }

    pub(crate) fn get(self, t: Texts<'_>) -> Option<&str> {
        if self.len() == 0 {
            return None;
        }
        let start = (self.start() & !IN_BLOCK) as usize;
        let range = start..start + self.len() as usize;
        if self.start() & IN_BLOCK == 0 {
            return t.side.get(range);
        }
        // Only whole `&str` slices of the block are recorded, so this never fails.
        std::str::from_utf8(t.block.get(range)?).ok()
    }
}

/// The buffers a block's spans point into: the block's bytes and its side text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Texts<'a> {
    pub block: &'a [u8],
    pub side: &'a str,
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
    pub(crate) fn to_stored(self, text: Texts<'_>, part: u32, col: u32) -> Stored {
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

    fn same_answer(&self, o: &Row, text: Texts<'_>) -> bool {
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
    text: Texts<'_>,
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
    /// Rows deduplicated, borrowed from the block that holds them: in file order, or sorted by
    /// question where duplicates were removed ([`dedupe_rows`]).
    Compact {
        profile: VendorProfile,
        rows: &'a [Row],
        text: Texts<'a>,
        questions: &'a [(QuestionId, AnswerSpec)],
        /// The canonical (question-id) order of `questions`, as [`dedupe_rows`] takes it.
        rank: &'a [u32],
        /// The rows' positions in question-id order, sorted on first use and kept: the input
        /// hash and the answer sheet both walk them.
        id_order: OnceCell<Box<[u32]>>,
    },
}

impl<'a> ReadVendor<'a> {
    pub(crate) fn owned(v: Vendor) -> Self {
        Self(Repr::Owned(v))
    }

    pub(crate) fn compact(
        profile: VendorProfile,
        rows: &'a [Row],
        text: Texts<'a>,
        (questions, rank): (&'a [(QuestionId, AnswerSpec)], &'a [u32]),
    ) -> Self {
        Self(Repr::Compact {
            profile,
            rows,
            text,
            questions,
            rank,
            id_order: OnceCell::new(),
        })
    }

    /// Each row of a compact vendor in question-id order, with its question and the text its
    /// spans point into (nothing for an owned vendor, which walks its own map).
    fn each_row_in_order(&self, mut f: impl FnMut(QuestionId, &Row, Texts<'_>)) {
        if let Repr::Compact {
            rows,
            text,
            questions,
            rank,
            id_order,
            ..
        } = &self.0
        {
            for r in in_id_order(rows, rank, id_order) {
                f(questions[r.q as usize].0, r, *text);
            }
        }
    }

    /// The vendor's id.
    pub fn id(&self) -> &VendorId {
        &ScoreInput::profile(self).vendor_id
    }

    /// Whether the vendor was handed over while its file was read, from the rows of the block
    /// that held them, rather than from the answers held until every input was read.
    pub fn read_in_passing(&self) -> bool {
        matches!(self.0, Repr::Compact { .. })
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
                ..
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

    #[inline]
    fn for_each_answer<F: FnMut(QuestionId, AnswerFacts)>(&self, mut f: F) {
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
                            has_evidence: r.evidence.len() > 0,
                            evidence_date: r.date,
                        },
                    );
                }
            }
        }
    }
}

impl FullInput for ReadVendor<'_> {
    fn answer_count(&self) -> usize {
        match &self.0 {
            Repr::Owned(v) => v.answer_count(),
            Repr::Compact { rows, .. } => rows.len(),
        }
    }

    fn for_each_answer_text<F: FnMut(AnswerText<'_>)>(&self, mut f: F) {
        match &self.0 {
            Repr::Owned(v) => v.for_each_answer_text(f),
            Repr::Compact { .. } => self.each_row_in_order(|q, r, text| {
                f(AnswerText {
                    question: q,
                    value: r.value,
                    evidence: r.evidence.get(text),
                    evidence_date: r.date,
                    comment: r.comment.get(text),
                })
            }),
        }
    }

    fn for_each_answer_bytes<F: FnMut(AnswerBytes<'_>)>(&self, mut f: F) {
        match &self.0 {
            Repr::Owned(v) => v.for_each_answer_bytes(f),
            Repr::Compact { .. } => self.each_row_in_order(|q, r, text| {
                f(AnswerBytes {
                    question: q,
                    value: r.value,
                    evidence: r.evidence.get_bytes(text),
                    evidence_date: r.date,
                    comment: r.comment.get_bytes(text),
                })
            }),
        }
    }

    fn for_each_answer_value<F: FnMut(QuestionId, AnswerValue)>(&self, mut f: F) {
        match &self.0 {
            Repr::Owned(v) => v.for_each_answer_value(f),
            Repr::Compact { .. } => self.each_row_in_order(|q, r, _| f(q, r.value)),
        }
    }
}

/// A vendor's rows in question-id order. They come deduplicated (one a question) but in file
/// order: put in the order of the block's ranks, numbers rather than ids compared, once per
/// vendor.
fn in_id_order<'r>(
    rows: &'r [Row],
    rank: &[u32],
    order: &'r OnceCell<Box<[u32]>>,
) -> impl Iterator<Item = &'r Row> {
    let order = order.get_or_init(|| {
        // A vendor that answers a good part of the block's questions (about 200 of 250 in a
        // nightly portfolio) is placed by rank, one pass over its rows and one over the ranks;
        // sorting cost a nightly run about 2 % of its instructions. Fewer rows are sorted.
        (rows.len() * 4 >= rank.len())
            .then(|| placed_by_rank(rows, rank))
            .flatten()
            .unwrap_or_else(|| sorted_by_rank(rows, rank))
    });
    order.iter().map(move |&i| &rows[i as usize])
}

/// Positions of `rows` in rank order, each row put in its rank's slot. `None` when two rows
/// share a rank (rows are deduplicated, so never) or a rank is out of range: then sorted.
fn placed_by_rank(rows: &[Row], rank: &[u32]) -> Option<Box<[u32]>> {
    const EMPTY: u32 = u32::MAX;
    let mut slots = vec![EMPTY; rank.len()];
    for (i, r) in rows.iter().enumerate() {
        let slot = slots.get_mut(*rank.get(r.q as usize)? as usize)?;
        if *slot != EMPTY {
            return None;
        }
        *slot = i as u32;
    }
    Some(slots.into_iter().filter(|&i| i != EMPTY).collect())
}

/// Positions of `rows` in rank order, by sorting each row's rank and position packed in one
/// `u64`: no lookups in the comparisons, and rows of equal rank keep their order.
fn sorted_by_rank(rows: &[Row], rank: &[u32]) -> Box<[u32]> {
    let mut keys: Vec<u64> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            u64::from(rank.get(r.q as usize).copied().unwrap_or(u32::MAX)) << 32 | i as u64
        })
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|k| k as u32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(q: u32) -> Row {
        Row {
            vendor: 0,
            q,
            line: 0,
            value: AnswerValue::Yes,
            date: None,
            evidence: Span::default(),
            comment: Span::default(),
        }
    }

    /// Placing rows by rank gives the order sorting gives, for a vendor answering all, most or a
    /// few of the block's questions; rows sharing a rank (never made) fall back to sorting.
    #[test]
    fn rows_placed_by_rank_come_in_sorted_order() {
        // A permutation of 0..40 as the ranks of the block's questions.
        let rank: Vec<u32> = (0..40u32).map(|q| (q * 17 + 5) % 40).collect();
        for qs in [
            (0..40).rev().collect::<Vec<u32>>(),
            (0..40).filter(|q| q % 7 != 3).collect(),
            vec![39, 2, 17],
        ] {
            let rows: Vec<Row> = qs.iter().map(|&q| row(q)).collect();
            let sorted = sorted_by_rank(&rows, &rank);
            let mut ranks: Vec<u32> = sorted
                .iter()
                .map(|&i| rank[rows[i as usize].q as usize])
                .collect();
            let mut want = ranks.clone();
            want.sort_unstable();
            assert_eq!(ranks, want);
            assert_eq!(placed_by_rank(&rows, &rank), Some(sorted.clone()));
            let cell = OnceCell::new();
            let got: Vec<u32> = in_id_order(&rows, &rank, &cell).map(|r| r.q).collect();
            ranks = got.iter().map(|&q| rank[q as usize]).collect();
            assert_eq!(ranks, want, "{qs:?}");
        }
        let twice = [row(3), row(8), row(3)];
        assert_eq!(placed_by_rank(&twice, &rank), None);
        assert_eq!(sorted_by_rank(&twice, &rank).len(), 3);
        assert_eq!(
            placed_by_rank(&[row(40)], &rank),
            None,
            "a rank out of range"
        );
    }

    /// Text that lies in the block is pointed at, other text is copied to the side buffer, and
    /// both come back trimmed.
    #[test]
    fn spans_point_into_the_block_or_the_side() {
        let block = "V1,GV-1.1,3, POL v1.pdf ,2025-01-02,\u{3000}是\u{3000}\n";
        let (mut side, b) = (String::new(), block.as_bytes());
        let field = |i: usize| block.split(',').nth(i).unwrap_or("");
        let ev = Span::push(b, &mut side, field(3));
        let cm = Span::push(b, &mut side, field(5).trim_end_matches('\n'));
        assert!(side.is_empty(), "nothing copied: {side:?}");
        let quoted = String::from("  a, \"b\"  ");
        let q = Span::push(b, &mut side, &quoted);
        assert_eq!(side, "a, \"b\"");
        let blank = Span::push(b, &mut side, "   ");
        assert_eq!(blank, Some(Span::default()));
        let t = Texts {
            block: b,
            side: &side,
        };
        let got: Vec<Option<&str>> = [ev, cm, q, blank]
            .into_iter()
            .map(|s| s.and_then(|s| s.get(t)))
            .collect();
        assert_eq!(
            got,
            [Some("POL v1.pdf"), Some("是"), Some("a, \"b\""), None]
        );
        // A text ending exactly at the block's end is in it too.
        let before = side.len();
        let s = Span::push(b, &mut side, &block[block.len() - 7..]);
        assert_eq!(side.len(), before);
        let t = Texts {
            block: b,
            side: &side,
        };
        assert_eq!(s.and_then(|s| s.get(t)), Some("是"));
    }
}
