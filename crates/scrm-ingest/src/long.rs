//! The long-CSV reader: blocks cut on record boundaries are parsed in parallel with rayon and
//! merged in block order, so results are identical at any thread count and memory holds a few
//! blocks plus the answers, never the whole file.
//!
//! The hot loop avoids per-row allocation: raw vendor and question ids are interned per block
//! (a question id is resolved through the catalog once per distinct spelling per block), and
//! accepted answers are fixed-size [`Row`]s whose evidence and comment are spans of the block
//! (or of one side buffer per block for quoted text).

use crate::collector::{Collector, Dup, EarlyView, Stored};
use crate::compact::{ReadVendor, Row, Scratch, Span, Texts, dedupe_rows};
use crate::csvin::BeforeRows;
use crate::records::{self, Line, Record};
use crate::split::{Block, Piece, Splitter, Unclosed};
use crate::table::{Header, LongCols};
use crate::text::{DateCache, lossy, short_eq, trim_bytes};
use crate::validate::{
    ColRef, Issue, bad_encoding, blank_vendor, check_answer_bytes, check_date_bytes, too_large,
    unclosed_quote, unknown_question,
};
use crate::{Limits, ProblemCode};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use scrm_model::lines::RecordLines;
use scrm_model::{AnswerSpec, AnswerValue, QuestionId, QuestionLookup, Resolution, VendorId};
use std::any::Any;
use std::io::Read;
use std::sync::mpsc::{Receiver, Sender};

/// Everything a block worker needs, shared read-only across threads.
pub(crate) struct LongCtx<'a> {
    pub cols: LongCols,
    pub refs: [ColRef; 6],
    /// Fields from here on must be blank (past the header).
    pub header_len: usize,
    /// Rows need at least this many fields (the last non-blank header cell).
    pub header_width: usize,
    pub delim: u8,
    pub part: u32,
    pub limits: Limits,
    pub lookup: &'a dyn QuestionLookup,
    /// The header's labels, to locate a field in any column (a quote left open).
    pub labels: Vec<String>,
}

impl<'a> LongCtx<'a> {
    pub(crate) fn new(
        header: &Header,
        cols: LongCols,
        delim: u8,
        part: u32,
        limits: Limits,
        lookup: &'a dyn QuestionLookup,
    ) -> Self {
        let r = |i: Option<usize>| i.and_then(|i| header.col(i));
        let refs = [
            r(cols.vendor),
            r(Some(cols.question)),
            r(Some(cols.answer)),
            r(cols.evidence),
            r(cols.date),
            r(cols.comment),
        ];
        Self {
            cols,
            refs,
            header_len: header.raw.len(),
            header_width: header.width(),
            delim,
            part,
            limits,
            lookup,
            labels: header.labels.clone(),
        }
    }

    /// The column of field `i`: none past the header.
    fn col(&self, i: usize) -> ColRef {
        self.labels.get(i).map(|l| (i as u32, l.clone()))
    }
}

enum LocalQ {
    Known(u32, AnswerSpec),
    Unknown(Option<String>),
}

/// What one block produced; indexes are local to the block until merged.
#[derive(Default)]
pub(crate) struct BlockOut {
    newlines: u64,
    read: u64,
    accepted: u64,
    /// The block's vendors in first-seen order; `rows` refer to them by index.
    vendors: Vec<VendorId>,
    /// Accepted answers in input order (until [`finish_early`] groups them by vendor).
    rows: Vec<Row>,
    /// Evidence and comment text of `rows`.
    text: String,
    questions: Vec<(QuestionId, AnswerSpec)>,
    rejects: Vec<(u64, Vec<Issue>, Vec<String>)>,
    /// The line of the first row not read because of `row_cap`.
    capped_at: Option<u64>,
    /// The vendor of the block's last row (its rows may go on in the next block).
    last_vendor: Option<u32>,
    /// Vendors finished in the worker ([`EarlyView`]).
    early: Vec<Early>,
    /// Which of `vendors` are in `early` (empty when none is).
    finished: Vec<bool>,
    /// Each vendor's rows in `rows`, once [`finish_early`] has grouped them (empty before): the
    /// merge then visits only the rows of vendors left for the final pass.
    ranges: Vec<std::ops::Range<usize>>,
    /// The answer column, where stored answers are located.
    answer_col: u32,
}

/// A vendor finished in a block worker.
struct Early {
    /// Its index in the block's `vendors` (the id is not copied: the merge reads it there).
    vendor: u32,
    /// Its index in the run, when the worker found one there.
    known: Option<u32>,
    /// What the map gave.
    result: Box<dyn Any + Send>,
    /// Its duplicate answers within the block.
    dups: Vec<Dup>,
}

fn blank(f: &[u8]) -> bool {
    f.iter().all(u8::is_ascii_whitespace)
}

/// Parses one block. `row_cap` stops after that many data rows (row limit). With `early`,
/// vendors whose rows lie inside the block are finished here ([`finish_early`]).
pub(crate) fn parse_block(
    block: &[u8],
    ctx: &LongCtx<'_>,
    row_cap: Option<u64>,
    early: Option<&EarlyView<'_>>,
    bufs: RowBufs,
) -> BlockOut {
    let mut out = parse_rows(block, ctx, row_cap, bufs);
    if let Some(view) = early {
        finish_early(&mut out, block, view, (ctx.part, ctx.cols.answer as u32));
    }
    out
}

/// Hands every vendor of the block but the first and the last (whose rows may continue in the
/// neighbouring blocks) to the map, when the run allows it ([`EarlyView::profile`]), scored from
/// the block's rows where they lie; the rest stay for the final pass. Whether a finished vendor
/// has rows elsewhere is checked when the block is merged. `at` is the part and the answer
/// column, to locate duplicates.
fn finish_early(out: &mut BlockOut, block: &[u8], view: &EarlyView<'_>, at: (u32, u32)) {
    let n = out.vendors.len();
    if n < 3 {
        return;
    }
    // Rows grouped by vendor, input order kept within each: a grouped file's already are.
    if !out.rows.is_sorted_by_key(|r| r.vendor) {
        out.rows.sort_by_key(|r| r.vendor);
    }
    let mut ranges = vec![0..0; n];
    let mut start = 0;
    while start < out.rows.len() {
        let v = out.rows[start].vendor;
        let len = run_len(&out.rows[start..], v);
        ranges[v as usize] = start..start + len;
        start += len;
    }
    let qs = &out.questions;
    // Canonical order of the block's questions as integers: sorting each vendor's answers then
    // compares numbers, not question ids.
    let mut order: Vec<u32> = (0..qs.len() as u32).collect();
    order.sort_by(|a, b| qs[*a as usize].0.cmp(&qs[*b as usize].0));
    let mut rank = vec![0u32; order.len()];
    for (r, q) in order.iter().enumerate() {
        rank[*q as usize] = r as u32;
    }
    // Each vendor's rows as a slice of its own (vendors whose rows were all rejected have
    // none), so that the vendors can be finished in parallel: a block's vendors are stolen by
    // a core that has run out of blocks, instead of that core waiting for the batch's last
    // block to be finished on the other.
    let mut slices: Vec<&mut [Row]> = Vec::with_capacity(n);
    let mut rest: &mut [Row] = &mut out.rows;
    let mut at_row = 0;
    for r in &ranges {
        if r.is_empty() {
            slices.push(&mut []);
            continue;
        }
        let (_, tail) = std::mem::take(&mut rest).split_at_mut(r.start - at_row);
        let (mine, tail) = tail.split_at_mut(r.len());
        slices.push(mine);
        rest = tail;
        at_row = r.end;
    }
    let texts = Texts {
        block,
        side: &out.text,
    };
    let (vendors, last_vendor) = (&out.vendors, out.last_vendor);
    // The vendors' indexes in the run, in block order: each guessed as the one after the
    // last found ([`EarlyView::index_of`]).
    let mut last: Option<u32> = None;
    let indexes: Vec<Option<u32>> = vendors
        .iter()
        .map(|vid| {
            let vi = view.index_of(vid, last.map(|l| l + 1));
            last = vi.or(last);
            vi
        })
        .collect();
    // About a hundred microseconds of scoring a task: small enough to balance, large enough
    // that stealing costs nothing measurable.
    let done: Vec<Option<Early>> = slices
        .into_par_iter()
        .enumerate()
        .with_min_len(8)
        .map_init(Scratch::default, |scratch, (i, rows)| {
            let vid = &vendors[i];
            let edge = i == 0 || last_vendor == Some(i as u32);
            let (known, profile) = (!edge).then(|| view.profile(vid, indexes[i])).flatten()?;
            let (rows, dups) = dedupe_rows(rows, &rank, texts, at, scratch);
            let ex = view.exclusions_of(vid);
            let result = (view.map)(ReadVendor::compact(profile, rows, texts, (qs, &rank)), &ex);
            Some(Early {
                vendor: i as u32,
                known,
                result,
                dups,
            })
        })
        .collect();
    out.finished = done.iter().map(Option::is_some).collect();
    out.early = done.into_iter().flatten().collect();
    out.ranges = ranges;
}

/// How many rows at the start of `rows` (grouped by vendor) are `v`'s. Galloping from the start
/// rather than a binary search over the whole rest: a vendor has a couple of hundred rows among
/// a block's hundred thousand, so this reads little beyond the vendor's own rows, which its
/// scoring reads next.
fn run_len(rows: &[Row], v: u32) -> usize {
    let mut hi = 1;
    while hi < rows.len() && rows[hi].vendor == v {
        hi *= 2;
    }
    let lo = hi / 2;
    let hi = hi.min(rows.len());
    lo + rows[lo..hi].partition_point(|r| r.vendor == v)
}

/// A block's row and text buffers, handed from one block to the next: a fresh multi-MiB buffer
/// per block would be fresh pages for the kernel to zero each time.
#[derive(Default)]
pub(crate) struct RowBufs {
    rows: Vec<Row>,
    text: String,
    /// The ids of the block's vendors, freed when the buffers are taken up again by a worker
    /// (a hundred thousand ids at 100,000 vendors, not freed one by one in the serial merge).
    vendors: Vec<VendorId>,
}

/// One record's fields, however the block was parsed.
trait Fields {
    /// Whether every field is known to be UTF-8 (a field of a block checked as a whole, or
    /// text `csv_core` unescaped from one); otherwise each field read is checked.
    const UTF8: bool;
    fn count(&self) -> usize;
    fn bytes(&self, i: usize) -> &[u8];
    /// Every field as text (lossy), for the quarantine.
    fn original(&self) -> Vec<String> {
        (0..self.count())
            .map(|i| String::from_utf8_lossy(self.bytes(i)).into_owned())
            .collect()
    }
    /// Whether every field is blank (such rows are skipped, not counted).
    fn blank(&self) -> bool {
        (0..self.count()).all(|i| blank(self.bytes(i)))
    }
}

impl Fields for csv::ByteRecord {
    const UTF8: bool = false;
    fn count(&self) -> usize {
        self.len()
    }
    fn bytes(&self, i: usize) -> &[u8] {
        self.get(i).unwrap_or(b"")
    }
    fn blank(&self) -> bool {
        blank(self.as_slice())
    }
}

/// Fields of a block already known to be UTF-8, cut at ASCII bytes (so each is UTF-8 too).
/// Kept as bytes: the row handler reads them as bytes, and a `&str` of each would cost a
/// check at both of its ends.
struct Utf8Fields<'a>(&'a [&'a [u8]]);

impl Fields for Utf8Fields<'_> {
    const UTF8: bool = true;
    fn count(&self) -> usize {
        self.0.len()
    }
    fn bytes(&self, i: usize) -> &[u8] {
        self.0.get(i).copied().unwrap_or(b"")
    }
}

/// A line of a UTF-8 block cut where it lies (each field is UTF-8, cut at ASCII bytes): its
/// fields are read from the positions the cursor gave, not gathered as slices first.
impl Fields for Line<'_> {
    const UTF8: bool = true;
    fn count(&self) -> usize {
        Line::count(self)
    }
    #[inline]
    fn bytes(&self, i: usize) -> &[u8] {
        self.field(i)
    }
}

/// Parses one block's rows into answers, rejects and counts.
///
/// A block that is valid UTF-8 (nearly every block: files in other encodings are transcoded
/// before they are cut) is read line by line: a line without a quote or a carriage return is cut
/// at its delimiters where it lies, and any other record is parsed by `csv_core` with the rules
/// the `csv` crate applies. Other blocks go through `csv`, which checks each field's encoding.
fn parse_rows(block: &[u8], ctx: &LongCtx<'_>, row_cap: Option<u64>, bufs: RowBufs) -> BlockOut {
    let RowBufs {
        mut rows,
        mut text,
        mut vendors,
    } = bufs;
    rows.clear();
    text.clear();
    vendors.clear();
    // About one row per 40 bytes in an export; a recycled buffer already has the room.
    rows.reserve(block.len() / 32 + 1);
    let mut out = BlockOut {
        answer_col: ctx.cols.answer as u32,
        rows,
        text,
        vendors,
        ..BlockOut::default()
    };
    let mut st = RowState {
        ctx,
        block,
        row_cap,
        vmap: FxHashMap::default(),
        qmap: FxHashMap::default(),
        qs: Vec::new(),
        last_q: 0,
        next_q: Vec::new(),
        last_vendor: None,
        issues: Vec::new(),
        dates: DateCache::new(),
    };
    // The line cutter counts the line ends it passes, which saves a pass over the block; the
    // other ways through count them here.
    out.newlines = match records::text_to_cut(block, ctx.delim) {
        Some(text) => match str_rows(text, &mut st, &mut out) {
            Some(n) => n,
            None => count_newlines(block),
        },
        None => {
            csv_rows(block, &mut st, &mut out);
            count_newlines(block)
        }
    };
    debug_assert_eq!(out.newlines, count_newlines(block));
    out
}

fn count_newlines(block: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', block).count() as u64
}

/// Records of a block through the `csv` crate.
fn csv_rows(block: &[u8], st: &mut RowState<'_, '_>, out: &mut BlockOut) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(st.ctx.delim)
        .from_reader(block);
    let mut rec = csv::ByteRecord::new();
    let mut lines = RecordLines::new();
    // Reading from a slice cannot fail, and byte records are not UTF-8 checked.
    while let Ok(true) = rdr.read_byte_record(&mut rec) {
        let line = lines.line(block, rec.position().map(csv::Position::byte));
        if !st.row(out, line, &rec) {
            break;
        }
    }
}

/// Records of a UTF-8 block, lines without quotes cut where they lie (see [`parse_rows`]).
/// Gives the number of line feeds in the block, or `None` when it stopped early (row cap).
fn str_rows(block: &str, st: &mut RowState<'_, '_>, out: &mut BlockOut) -> Option<u64> {
    records::walk(
        block,
        st.ctx.delim,
        #[inline(always)]
        |line, rec| match rec {
            Record::Line(cut) => st.row(out, line, &cut),
            Record::Quoted(q) => st.row(out, line, &Utf8Fields(&q.fields())),
        },
    )
}

/// No question position yet (see `RowState::next_q`).
const NO_Q: u32 = u32::MAX;

/// What the row handler keeps between the rows of a block.
struct RowState<'c, 'l> {
    ctx: &'c LongCtx<'l>,
    /// The block, where the spans of unquoted evidence and comments point.
    block: &'c [u8],
    row_cap: Option<u64>,
    vmap: FxHashMap<Box<[u8]>, u32>,
    /// Position in `qs` of each question spelling seen in the block.
    qmap: FxHashMap<Box<[u8]>, u32>,
    /// Question spellings in first-seen order, with what they resolved to.
    qs: Vec<(Box<[u8]>, LocalQ)>,
    /// The position in `qs` of the last row's question.
    last_q: usize,
    /// For each position in `qs`, the positions of the last two different questions that came
    /// next (`NO_Q`: none yet), checked before any hashing: vendors answer in catalog order,
    /// each skipping the questions its role does not have, so what follows a question is one
    /// of a few. (The one after it in `qs`, checked alone, missed one row in nine.)
    next_q: Vec<[u32; 2]>,
    last_vendor: Option<(Vec<u8>, u32)>,
    issues: Vec<Issue>,
    dates: DateCache,
}

impl RowState<'_, '_> {
    /// Checks one record and keeps it as a row or rejects it; `false` once the row cap is hit.
    fn row<F: Fields>(&mut self, out: &mut BlockOut, line: u64, rec: &F) -> bool {
        if rec.blank() {
            return true;
        }
        if let Some(cap) = self.row_cap
            && out.read >= cap
        {
            out.capped_at = Some(line);
            return false;
        }
        let ctx = self.ctx;
        out.read += 1;
        let issues = &mut self.issues;
        issues.clear();
        let n = rec.count();
        if n < ctx.header_width
            || (n > ctx.header_len && (ctx.header_len..n).any(|i| !blank(rec.bytes(i))))
        {
            unequal_fields(n, ctx.header_width, issues);
            reject(out, line, issues, rec);
            return true;
        }
        let c = &ctx.cols;
        let [vref, qref, aref, eref, dref, cref] = &ctx.refs;
        let limit = ctx.limits.max_field_bytes;
        let v = field(rec, c.vendor, vref, limit, issues);
        let q = field(rec, Some(c.question), qref, limit, issues);
        let a = field(rec, Some(c.answer), aref, limit, issues);
        let e = field(rec, c.evidence, eref, limit, issues);
        let d = field(rec, c.date, dref, limit, issues);
        let cm = field(rec, c.comment, cref, limit, issues);

        // Vendor: consecutive rows usually share it, so compare with the last one first.
        let vendor = v.map(trim_bytes).filter(|v| !v.is_empty());
        if v.is_some() && vendor.is_none() {
            issues.push(blank_vendor(vref));
        }
        let (vmap, last_vendor) = (&mut self.vmap, &mut self.last_vendor);
        let vi = vendor.map(|v| match last_vendor {
            Some((b, i)) if short_eq(b, v) => *i,
            _ => other_vendor(vmap, last_vendor, out, v),
        });
        if vi.is_some() {
            out.last_vendor = vi;
        }
        let (qs, qmap, last_q, next_q) = (
            &mut self.qs,
            &mut self.qmap,
            &mut self.last_q,
            &mut self.next_q,
        );
        let lq = q.map(|q| {
            let q = trim_bytes(q);
            let [a, b] = next_q.get(*last_q).copied().unwrap_or([NO_Q; 2]);
            let is = |qs: &[(Box<[u8]>, LocalQ)], p: u32| {
                qs.get(p as usize).is_some_and(|(raw, _)| short_eq(raw, q))
            };
            let pos = if is(qs, a) {
                a as usize
            } else if is(qs, b) {
                b as usize
            } else {
                match qmap.get(q) {
                    Some(&p) => p as usize,
                    None => new_question(ctx, qs, qmap, next_q, out, q),
                }
            };
            // The latest first, and the one it displaced kept as the second guess.
            if let Some(n) = next_q.get_mut(*last_q)
                && n[0] != pos as u32
            {
                *n = [pos as u32, n[0]];
            }
            *last_q = pos;
            &qs[pos].1
        });
        let spec = match (&lq, q) {
            (Some(LocalQ::Known(_, s)), _) => Some(*s),
            (Some(LocalQ::Unknown(sugg)), Some(raw)) => {
                issues.push(unknown_question(&lossy(raw), sugg.as_deref(), qref));
                None
            }
            _ => None,
        };
        let value = a.and_then(|a| check_answer_bytes(a, spec, aref, issues));
        let dates = &mut self.dates;
        let date = d.and_then(|d| check_date_bytes(d, dref, issues, |b| dates.parse(b)));
        if !issues.is_empty() {
            reject(out, line, issues, rec);
            return true;
        }
        let (Some(vi), Some(LocalQ::Known(lq, _)), Some(value)) = (vi, lq, value) else {
            return true;
        };
        out.accepted += 1;
        let (e, cm) = (trim_bytes(e.unwrap_or(b"")), trim_bytes(cm.unwrap_or(b"")));
        // A blank answer with no evidence, date or comment says nothing beyond the default
        // (unanswered): counted as accepted, not kept.
        if value == AnswerValue::Unanswered && date.is_none() && e.is_empty() && cm.is_empty() {
            return true;
        }
        // The text of a block fits its offsets (blocks are capped far below 2 GiB).
        let (Some(evidence), Some(comment)) = (
            Span::push_trimmed(self.block, &mut out.text, e),
            Span::push_trimmed(self.block, &mut out.text, cm),
        ) else {
            return true;
        };
        out.rows.push(Row {
            vendor: vi,
            q: *lq,
            line,
            value,
            date,
            evidence,
            comment,
        });
        true
    }
}

/// A row's vendor when it is not the last row's: found among the block's vendors, or added
/// (once per vendor and block; out of the row handler's loop).
#[inline(never)]
fn other_vendor(
    vmap: &mut FxHashMap<Box<[u8]>, u32>,
    last_vendor: &mut Option<(Vec<u8>, u32)>,
    out: &mut BlockOut,
    v: &[u8],
) -> u32 {
    let i = match vmap.get(v) {
        Some(&i) => i,
        None => {
            let i = out.vendors.len() as u32;
            let id = VendorId::new(&lossy(v)).unwrap_or_else(|| unreachable!("non-blank"));
            out.vendors.push(id);
            vmap.insert(v.into(), i);
            i
        }
    };
    *last_vendor = Some((v.to_vec(), i));
    i
}

/// A question spelling the block has not met: resolved through the catalog and given its
/// position among the block's spellings (once per spelling and block).
#[cold]
#[inline(never)]
fn new_question(
    ctx: &LongCtx<'_>,
    qs: &mut Vec<(Box<[u8]>, LocalQ)>,
    qmap: &mut FxHashMap<Box<[u8]>, u32>,
    next_q: &mut Vec<[u32; 2]>,
    out: &mut BlockOut,
    q: &[u8],
) -> usize {
    let r = match ctx.lookup.resolve(&lossy(q)) {
        Resolution::Known(id, spec) => {
            // One local index per question, whatever the spelling, so that a worker's
            // duplicate check sees `GV-1.1` and `gv1.1` as one.
            let i = match out.questions.iter().position(|(x, _)| *x == id) {
                Some(i) => i,
                None => {
                    out.questions.push((id, spec));
                    out.questions.len() - 1
                }
            };
            LocalQ::Known(i as u32, spec)
        }
        Resolution::Unknown { suggestion } => LocalQ::Unknown(suggestion),
    };
    let p = qs.len();
    qmap.insert(q.into(), p as u32);
    qs.push((q.into(), r));
    next_q.push([NO_Q; 2]);
    p
}

#[cold]
#[inline(never)]
fn unequal_fields(n: usize, width: usize, issues: &mut Vec<Issue>) {
    issues.push(
        Issue::new(
            ProblemCode::UnequalFields,
            None,
            None,
            format!("the row has {n} fields but the header has {width}"),
        )
        .help("check for a missing or extra delimiter, or an unquoted delimiter inside a field"),
    );
}

/// Column `i` of a record, as the bytes of UTF-8 text (empty for a column the file lacks);
/// `None`, with the issue noted, when it is too large or not UTF-8. Inlined: it runs six times
/// a row, and the calls cost more than the checks.
#[inline(always)]
fn field<'r, F: Fields>(
    rec: &'r F,
    i: Option<usize>,
    r: &ColRef,
    limit: usize,
    issues: &mut Vec<Issue>,
) -> Option<&'r [u8]> {
    let Some(i) = i else { return Some(b"") };
    let b = rec.bytes(i);
    if b.len() > limit {
        field_too_large(b, r, limit, issues);
        return None;
    }
    if !F::UTF8 && std::str::from_utf8(b).is_err() {
        field_bad_encoding(b, r, issues);
        return None;
    }
    Some(b)
}

#[cold]
#[inline(never)]
fn field_too_large(b: &[u8], r: &ColRef, limit: usize, issues: &mut Vec<Issue>) {
    let head = String::from_utf8_lossy(&b[..b.len().min(256)]);
    issues.push(too_large(b.len(), limit, r, &head));
}

#[cold]
#[inline(never)]
fn field_bad_encoding(b: &[u8], r: &ColRef, issues: &mut Vec<Issue>) {
    issues.push(bad_encoding(r, &String::from_utf8_lossy(b)));
}

#[cold]
#[inline(never)]
fn reject<F: Fields>(out: &mut BlockOut, line: u64, issues: &mut Vec<Issue>, rec: &F) {
    out.rejects
        .push((line, std::mem::take(issues), rec.original()));
}

/// Adds a block's results to the run. `first_line` is the line number of the block's first byte.
/// Gives back the block's buffers for the next block.
/// `block` is the block the results were parsed from (their spans point into it).
fn merge(col: &mut Collector, part: u32, out: BlockOut, block: &[u8], first_line: u64) -> RowBufs {
    let off = first_line - 1;
    let qmap: Vec<u32> = out
        .questions
        .into_iter()
        .map(|(id, spec)| col.intern_question(id, spec))
        .collect();
    // Counted first: a duplicate found in a worker takes its row back from the accepted ones.
    col.count_read(part, out.read);
    col.count_accepted(part, out.accepted);
    let done = |i: usize| out.finished.get(i).copied().unwrap_or(false);
    let mut runs: Vec<Vec<Stored>> = vec![Vec::new(); out.vendors.len()];
    let texts = Texts {
        block,
        side: &out.text,
    };
    let mut keep = |r: &Row| {
        let mut s = r.to_stored(texts, part, out.answer_col);
        s.q = qmap[s.q as usize];
        s.row += off;
        runs[r.vendor as usize].push(s);
    };
    if out.ranges.is_empty() {
        out.rows
            .iter()
            .filter(|r| !done(r.vendor as usize))
            .for_each(&mut keep);
    } else {
        // Grouped by vendor: only the rows of the vendors left open (about two a block) are
        // visited, not the hundred thousand of a block's finished vendors. Each vendor's rows
        // come in the same order either way.
        for (i, r) in out.ranges.iter().enumerate() {
            if !done(i) {
                out.rows[r.clone()].iter().for_each(&mut keep);
            }
        }
    }
    for (i, (vid, run)) in out.vendors.iter().zip(runs).enumerate() {
        if !done(i) {
            let vi = col.vendor(vid);
            col.store_all(vi, run);
        }
    }
    for Early {
        vendor,
        known,
        result,
        dups,
    } in out.early
    {
        let Some(vi) = col.finished_early(&out.vendors[vendor as usize], known, result) else {
            // Scattered: the caller reads the file again; nothing here counts any more.
            return RowBufs::default();
        };
        for mut d in dups {
            for s in [&mut d.first, &mut d.later] {
                s.q = qmap[s.q as usize];
                s.row += off;
            }
            col.duplicate_event(vi, d);
        }
    }
    for (line, issues, original) in out.rejects {
        col.reject(part, Some(line + off), issues, original);
    }
    RowBufs {
        rows: out.rows,
        text: out.text,
        vendors: out.vendors,
    }
}

/// Reads the rest of a long CSV file (after its header) in parallel blocks. `before` runs
/// while the first batch is read and parsed, before any of its vendors is finished or merged.
///
/// The file is read (and hashed) a batch ahead on a thread of its own, so that reading fills
/// the moments a core would otherwise wait: at the end of each batch, for its slowest block,
/// and while the batch is merged on one thread. The batches are the same as when reading took
/// its turn, so nothing read depends on the timing.
pub(crate) fn read_long_csv<'a, R: Read + Send>(
    col: &mut Collector<'a>,
    ctx: &LongCtx<'_>,
    splitter: &mut Splitter<R>,
    next_line: u64,
    before: BeforeRows<'_, 'a>,
) {
    let threads = rayon::current_num_threads().max(1);
    std::thread::scope(|scope| {
        // A rendezvous channel: the reader holds one batch ready while the current one is
        // parsed, no more (the memory of two batches, as before).
        let (batches, ready) = std::sync::mpsc::sync_channel::<Vec<Piece>>(0);
        let (recycle, recycled) = std::sync::mpsc::channel::<Block>();
        scope.spawn(move || {
            // The first batch is one block per thread, so that parsing starts after the first
            // few MiB; then several blocks per thread, since the merge waits for the slowest.
            let mut len = threads;
            loop {
                for b in recycled.try_iter() {
                    splitter.recycle(b);
                }
                let batch = read_batch(splitter, len);
                len = 4 * threads;
                let last = batch.is_empty() || batch.iter().any(Piece::stops);
                // A closed channel means the reader of the batches stopped early.
                if batches.send(batch).is_err() || last {
                    return;
                }
            }
        });
        read_batches(col, ctx, (ready, &recycle), next_line, before);
    });
}

/// Up to `len` pieces, ending early after a piece reading stops at ([`Piece::stops`]).
fn read_batch<R: Read>(s: &mut Splitter<R>, len: usize) -> Vec<Piece> {
    let mut v = Vec::with_capacity(len);
    while v.len() < len {
        let Some(p) = s.next_piece() else { break };
        let stop = p.stops();
        v.push(p);
        if stop {
            break;
        }
    }
    v
}

/// Rejects a record whose quote is never closed, at `line` (where it starts), as one row read:
/// `false` (after reporting) when it is past the row limit, and reading stops.
fn reject_unclosed(
    col: &mut Collector,
    ctx: &LongCtx<'_>,
    u: &Unclosed,
    line: u64,
    rows: &mut u64,
) -> bool {
    let max_rows = col.opts.limits.max_rows;
    if *rows >= max_rows {
        let i = Issue::new(
            ProblemCode::TooManyRows,
            None,
            None,
            format!(
                "more than {max_rows} data rows; this row and the rest of the file are not read"
            ),
        )
        .help("split the file, or raise the row limit");
        col.issue(ctx.part, Some(line), i);
        return false;
    }
    *rows += 1;
    col.count_read(ctx.part, 1);
    let issue = unclosed_quote(u, ctx.col(u.field), line + u.quote_lines());
    col.reject(ctx.part, Some(line), vec![issue], u.fields(ctx.delim));
    true
}

/// Parses and merges the batches [`read_long_csv`]'s reader sends, handing each block back
/// once merged.
fn read_batches<'a>(
    col: &mut Collector<'a>,
    ctx: &LongCtx<'_>,
    (ready, recycle): (Receiver<Vec<Piece>>, &Sender<Block>),
    mut next_line: u64,
    mut before: BeforeRows<'_, 'a>,
) {
    let part = ctx.part;
    let max_rows = col.opts.limits.max_rows;
    let mut rows = 0u64;
    // No more batches once the reader has stopped.
    let next = |ready: &Receiver<Vec<Piece>>| ready.recv().unwrap_or_default();
    let parse = |batch: &[Piece], view: Option<&EarlyView<'_>>, bufs: Vec<RowBufs>| {
        batch
            .par_iter()
            .zip(bufs)
            .map(|(p, bufs)| match p {
                Piece::Block(b) => Some(parse_block(b, ctx, None, view, bufs)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    // The buyer's profile file is serial work: it is read while the first batch is read and
    // parsed (not after the reader has the batch ready), and that batch's vendors are finished
    // once the profiles are in.
    // (The receiver goes to the worker that waits for the batch, and comes back with it: it
    // may move between threads but not be shared.)
    let (ready, mut batch, mut first_outs) = match before.take() {
        Some(first) => {
            let ((ready, batch, outs), ()) = rayon::join(
                move || {
                    let batch = next(&ready);
                    let bufs = batch.iter().map(|_| RowBufs::default()).collect();
                    let outs = parse(&batch, None, bufs);
                    (ready, batch, outs)
                },
                || first(col),
            );
            (ready, batch, Some(outs))
        }
        None => {
            let batch = next(&ready);
            (ready, batch, None)
        }
    };
    let mut pool: Vec<RowBufs> = Vec::new();
    while !batch.is_empty() {
        let outs = if let Some(mut outs) = first_outs.take() {
            if ctx.cols.vendor.is_some()
                && let Some(view) = col.early_view()
            {
                let at = (ctx.part, ctx.cols.answer as u32);
                outs.par_iter_mut().zip(&batch).for_each(|(out, p)| {
                    if let (Some(out), Piece::Block(b)) = (out, p) {
                        finish_early(out, b, &view, at);
                    }
                });
            }
            outs
        } else {
            let bufs: Vec<RowBufs> = (0..batch.len())
                .map(|_| pool.pop().unwrap_or_default())
                .collect();
            let view = if ctx.cols.vendor.is_some() {
                col.early_view()
            } else {
                None
            };
            parse(&batch, view.as_ref(), bufs)
        };
        for (piece, out) in batch.into_iter().zip(outs) {
            match (piece, out) {
                (Piece::Block(b), Some(mut out)) => {
                    if rows + out.read > max_rows {
                        // Re-read just this block up to the limit, then stop.
                        let bufs = RowBufs::default();
                        out = parse_block(&b, ctx, Some(max_rows - rows), None, bufs);
                        let at = out.capped_at.map(|l| l + next_line - 1);
                        merge(col, part, out, &b, next_line);
                        let i = Issue::new(
                            ProblemCode::TooManyRows,
                            None,
                            None,
                            format!("more than {max_rows} data rows; this row and the rest of the file are not read"),
                        )
                        .help("split the file, or raise the row limit");
                        col.issue(part, at, i);
                        return;
                    }
                    rows += out.read;
                    let nl = out.newlines;
                    pool.push(merge(col, part, out, &b, next_line));
                    if col.scattered() {
                        return;
                    }
                    // The reader may have stopped; the block is then simply dropped.
                    let _ = recycle.send(b);
                    next_line += nl;
                }
                (Piece::Oversize { bytes }, _) => {
                    let stop = crate::table::SourceStop::Oversize {
                        line: next_line,
                        bytes,
                    };
                    crate::table::report_stop(col, part, stop);
                    return;
                }
                (Piece::Io(e), _) => {
                    crate::table::report_stop(
                        col,
                        part,
                        crate::table::SourceStop::Io(e.to_string()),
                    );
                    return;
                }
                (Piece::Unclosed(u), _) => {
                    if !reject_unclosed(col, ctx, &u, next_line, &mut rows) {
                        return;
                    }
                    next_line += u.newlines();
                }
                (Piece::Block(_), None) => {}
            }
        }
        batch = next(&ready);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Header;
    use crate::testutil::TestCatalog;
    use proptest::prelude::*;

    /// Everything a block gave, as text, for comparing two ways of reading it.
    fn summary(out: &BlockOut, block: &[u8]) -> String {
        let texts = Texts {
            block,
            side: &out.text,
        };
        let rows: Vec<String> = out
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {:?} {:?} {:?} {:?}",
                    r.vendor,
                    r.q,
                    r.line,
                    r.value,
                    r.date,
                    r.evidence.get(texts),
                    r.comment.get(texts)
                )
            })
            .collect();
        let rejects: Vec<String> = out
            .rejects
            .iter()
            .map(|(line, issues, original)| {
                let codes: Vec<String> = issues
                    .iter()
                    .map(|i| format!("{:?} {:?} {:?} {}", i.code, i.col, i.value, i.message))
                    .collect();
                format!("{line} {codes:?} {original:?}")
            })
            .collect();
        format!(
            "read {} accepted {} capped {:?} last {:?}\nvendors {:?}\nquestions {:?}\nrows {rows:#?}\nrejects {rejects:#?}",
            out.read, out.accepted, out.capped_at, out.last_vendor, out.vendors, out.questions
        )
    }

    /// A delimiter outside ASCII may cut a character in two: the block then goes through `csv`,
    /// whose cells are checked for UTF-8, so the broken vendor id is reported, not accepted.
    #[test]
    fn a_delimiter_outside_ascii_does_not_split_text_unchecked() {
        let cat = TestCatalog::load();
        let header = Header::new(
            vec!["vendor_id".into(), "question_id".into(), "answer".into()],
            1,
            false,
        );
        let cols = LongCols {
            vendor: Some(0),
            question: 1,
            answer: 2,
            evidence: None,
            date: None,
            comment: None,
        };
        // 'é' is C3 A9 and '©' C2 A9: with A9 as the delimiter, both fields end in a lone byte.
        let ctx = LongCtx::new(&header, cols, 0xA9, 0, Limits::default(), &cat);
        let block = "V\u{e9}GV-1.1\u{a9}3\n".as_bytes();
        let out = parse_block(block, &ctx, None, None, RowBufs::default());
        assert_eq!((out.read, out.accepted, out.rows.len()), (1, 0, 0));
        let codes: Vec<_> = out
            .rejects
            .iter()
            .flat_map(|r| r.1.iter().map(|i| i.code))
            .collect();
        assert_eq!(codes, [ProblemCode::Encoding; 2], "{:?}", out.rejects);
    }

    fn read_both(block: &str, cap: Option<u64>) -> (String, String) {
        read_both_with(block, cap, b',')
    }

    fn read_both_with(block: &str, cap: Option<u64>, delim: u8) -> (String, String) {
        let cat = TestCatalog::load();
        let raw = "vendor_id,question_id,answer,evidence,evidence_date,comment";
        let header = Header::new(raw.split(',').map(str::to_string).collect(), 1, false);
        let cols = LongCols {
            vendor: Some(0),
            question: 1,
            answer: 2,
            evidence: Some(3),
            date: Some(4),
            comment: Some(5),
        };
        let limits = Limits {
            max_field_bytes: 12,
            ..Limits::default()
        };
        let ctx = LongCtx::new(&header, cols, delim, 0, limits, &cat);
        let run = |str_path: bool| {
            let mut out = BlockOut::default();
            let mut st = RowState {
                ctx: &ctx,
                block: block.as_bytes(),
                row_cap: cap,
                vmap: FxHashMap::default(),
                qmap: FxHashMap::default(),
                qs: Vec::new(),
                last_q: 0,
                next_q: Vec::new(),
                last_vendor: None,
                issues: Vec::new(),
                dates: DateCache::new(),
            };
            if str_path {
                str_rows(block, &mut st, &mut out);
            } else {
                csv_rows(block.as_bytes(), &mut st, &mut out);
            }
            summary(&out, block.as_bytes())
        };
        (run(false), run(true))
    }

    #[test]
    fn lines_cut_in_place_read_like_csv() {
        let block = "V1,GV-1.1,3,POL v1.pdf,2025-01-02,\n\
                     V1,\"GV-6.1\",\"4\",\"a, \"\"b\"\"\",,\"two\nlines\"\r\n\
                     \r\n\
                     ,,,,,\n\
                     V2,gv1.1,yes,,,\rV2,MP-4.1,2,,2025-13-01,是\n\
                     V3,XX-9,1\n\
                     V3,MS-2.7,5,,,,extra\n\
                     V4,MS-2.7,0,,,\"unterminated";
        let (csv, fast) = read_both(block, None);
        assert_eq!(fast, csv);
        let (csv, fast) = read_both(block, Some(3));
        assert_eq!(fast, csv);
    }

    /// Lines with many fields read as `csv` reads them, with blank and non-blank extra fields.
    #[test]
    fn long_lines_read_like_csv() {
        let mut block = String::new();
        for n in [6, 15, 16, 17, 18, 40] {
            let extra = n - 6;
            block.push_str(&format!(
                "V1,GV-1.1,3,POL,2025-01-02,c{}\n",
                ",".repeat(extra)
            ));
            block.push_str(&format!("V2,GV-1.1,3,,,{}x\n", ",".repeat(extra)));
            block.push_str(&format!("V3,\"GV-1.1\",3,,,{}\n", ",".repeat(extra)));
        }
        let (csv, fast) = read_both(&block, None);
        assert_eq!(fast, csv);
        assert!(fast.contains("POL"), "{fast}");
    }

    /// Rows are numbered by the line they start on, in CRLF files and after empty lines too.
    #[test]
    fn rows_are_numbered_by_their_first_line() {
        let block =
            "V1,GV-1.1,3,,,\r\nV1,GV-6.1,9,,,\r\n\r\n\nV1,MP-4.1,\"x\ny\",,,\r\nV1,XX-1,1,,,\r\n";
        let (csv, fast) = read_both(block, None);
        assert_eq!(fast, csv);
        let rejects = fast.split("rejects [").nth(1).unwrap_or("");
        let lines: Vec<&str> = rejects
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"'))
            .map(|l| l.split(' ').next().unwrap_or(""))
            .collect();
        assert_eq!(lines, ["2", "5", "7"], "{fast}");
    }

    /// Galloping finds the same run as a binary search over the whole rest, whatever its length.
    #[test]
    fn run_len_is_the_vendors_run() {
        let row = |vendor| Row {
            vendor,
            q: 0,
            line: 0,
            value: AnswerValue::Unanswered,
            date: None,
            evidence: Span::default(),
            comment: Span::default(),
        };
        for len in 1..300 {
            for after in [0, 1, 2, 7, 64] {
                let rows: Vec<Row> = (0..len)
                    .map(|_| row(5))
                    .chain((0..after).map(|k| row(6 + k)))
                    .collect();
                assert_eq!(
                    run_len(&rows, 5),
                    rows.partition_point(|r| r.vendor == 5),
                    "{len} + {after}"
                );
                assert_eq!(run_len(&rows, 5), len as usize);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any mix of fields, quotes, delimiters and line ends reads the same either way: the
        /// same rows, rejects (reasons and originals), counts and line numbers.
        #[test]
        fn any_block_reads_like_csv(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "V1", "V2", " V3 ", "GV-1.1", "gv1.1", "MP-4.1", "XX-1", "3", "yes", "na",
                    "maybe", "2025-01-02", "2025-02-30", "POL v1.pdf", "a long field text", "是",
                    "\"q,\"\"x\"\"\"", "\"", "\"\"", ",", ",", ",", "\n", "\n", "\r\n", "\r", " ",
                    ";", "\t", ",,,,,,,,,,,,,,,,", ";;;;;;;;;;;;;;;;",
                ]),
                0..60,
            ),
            cap in proptest::option::of(0u64..6),
            delim in proptest::sample::select(vec![b',', b',', b';', b'\t']),
        ) {
            let block = parts.concat();
            let (csv, fast) = read_both_with(&block, cap, delim);
            prop_assert_eq!(fast, csv);
        }
    }
}
