//! The long-CSV reader: blocks cut on record boundaries are parsed in parallel with rayon and
//! merged in block order, so results are identical at any thread count and memory holds a few
//! blocks plus the answers, never the whole file.
//!
//! The hot loop avoids per-row allocation: raw vendor and question ids are interned per block
//! (a question id is resolved through the catalog once per distinct spelling per block), and
//! accepted answers are fixed-size [`Row`]s whose text goes into one buffer per block.

use crate::collector::{Collector, Dup, EarlyView, Stored};
use crate::compact::{ReadVendor, Row, Span, dedupe_rows};
use crate::split::{Piece, Splitter};
use crate::table::{Header, LongCols};
use crate::validate::{
    ColRef, Issue, bad_encoding, blank_vendor, check_answer, check_date, too_large,
    unknown_question,
};
use crate::{Limits, ProblemCode};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use scrm_model::{AnswerSpec, AnswerValue, QuestionId, QuestionLookup, Resolution, VendorId};
use std::any::Any;
use std::io::Read;

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
        }
    }
}

#[derive(Clone)]
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
    /// Vendors finished in the worker ([`EarlyView`]): what the map gave, and their duplicates.
    early: Vec<(VendorId, Box<dyn Any + Send>, Vec<Dup>)>,
    /// Which of `vendors` are in `early` (empty when none is).
    finished: Vec<bool>,
    /// The answer column, where stored answers are located.
    answer_col: u32,
}

fn blank(f: &[u8]) -> bool {
    f.iter().all(u8::is_ascii_whitespace)
}

fn trim(s: &str) -> &str {
    s.trim()
}

/// Parses one block. `row_cap` stops after that many data rows (row limit). With `early`,
/// vendors whose rows lie inside the block are finished here ([`finish_early`]).
pub(crate) fn parse_block(
    block: &[u8],
    ctx: &LongCtx<'_>,
    row_cap: Option<u64>,
    early: Option<&EarlyView<'_>>,
) -> BlockOut {
    let mut out = parse_rows(block, ctx, row_cap);
    if let Some(view) = early {
        finish_early(&mut out, view, (ctx.part, ctx.cols.answer as u32));
    }
    out
}

/// Hands every vendor of the block but the first and the last (whose rows may continue in the
/// neighbouring blocks) to the map, when the run allows it ([`EarlyView::profile`]), scored from
/// the block's rows where they lie; the rest stay for the final pass. Whether a finished vendor
/// has rows elsewhere is checked when the block is merged. `at` is the part and the answer
/// column, to locate duplicates.
fn finish_early(out: &mut BlockOut, view: &EarlyView<'_>, at: (u32, u32)) {
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
        let len = out.rows[start..].partition_point(|r| r.vendor == v);
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
    let mut finished = vec![false; n];
    let mut scratch = Vec::new();
    for (i, vid) in out.vendors.iter().enumerate() {
        let edge = i == 0 || out.last_vendor == Some(i as u32);
        let Some(profile) = (!edge).then(|| view.profile(vid)).flatten() else {
            continue;
        };
        let rows = &mut out.rows[ranges[i].clone()];
        let (rows, dups) = dedupe_rows(rows, &rank, &out.text, at, &mut scratch);
        let ex = view.exclusions_of(vid);
        let r = (view.map)(ReadVendor::compact(profile, rows, &out.text, qs), &ex);
        out.early.push((vid.clone(), r, dups));
        finished[i] = true;
    }
    out.finished = finished;
}

/// Parses one block's rows into answers, rejects and counts.
fn parse_rows(block: &[u8], ctx: &LongCtx<'_>, row_cap: Option<u64>) -> BlockOut {
    let mut out = BlockOut {
        newlines: memchr::memchr_iter(b'\n', block).count() as u64,
        answer_col: ctx.cols.answer as u32,
        ..BlockOut::default()
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(ctx.delim)
        .from_reader(block);
    let mut rec = csv::ByteRecord::new();
    let mut vmap: FxHashMap<Box<[u8]>, u32> = FxHashMap::default();
    let mut qmap: FxHashMap<Box<[u8]>, LocalQ> = FxHashMap::default();
    let mut last_vendor: Option<(Vec<u8>, u32)> = None;
    let c = &ctx.cols;
    let [vref, qref, aref, eref, dref, cref] = &ctx.refs;
    let limit = ctx.limits.max_field_bytes;
    let mut issues: Vec<Issue> = Vec::new();
    // Reading from a slice cannot fail, and byte records are not UTF-8 checked.
    while let Ok(true) = rdr.read_byte_record(&mut rec) {
        if blank(rec.as_slice()) {
            continue;
        }
        let line = rec.position().map_or(0, csv::Position::line);
        if let Some(cap) = row_cap
            && out.read >= cap
        {
            out.capped_at = Some(line);
            break;
        }
        out.read += 1;
        issues.clear();
        let n = rec.len();
        if n < ctx.header_width
            || (n > ctx.header_len && rec.iter().skip(ctx.header_len).any(|f| !blank(f)))
        {
            issues.push(
                Issue::new(
                    ProblemCode::UnequalFields,
                    None,
                    None,
                    format!("the row has {n} fields but the header has {}", ctx.header_width),
                )
                .help("check for a missing or extra delimiter, or an unquoted delimiter inside a field"),
            );
            reject(&mut out, line, &mut issues, &rec);
            continue;
        }
        let field = |i: Option<usize>, r: &ColRef, issues: &mut Vec<Issue>| -> Option<&str> {
            let Some(i) = i else { return Some("") };
            let b = rec.get(i).unwrap_or(b"");
            if b.len() > limit {
                let head = String::from_utf8_lossy(&b[..b.len().min(256)]);
                issues.push(too_large(b.len(), limit, r, &head));
                return None;
            }
            match std::str::from_utf8(b) {
                Ok(s) => Some(s),
                Err(_) => {
                    issues.push(bad_encoding(r, &String::from_utf8_lossy(b)));
                    None
                }
            }
        };
        let v = field(c.vendor, vref, &mut issues);
        let q = field(Some(c.question), qref, &mut issues);
        let a = field(Some(c.answer), aref, &mut issues);
        let e = field(c.evidence, eref, &mut issues);
        let d = field(c.date, dref, &mut issues);
        let cm = field(c.comment, cref, &mut issues);

        // Vendor: consecutive rows usually share it, so compare with the last one first.
        let vendor = v.map(trim).filter(|v| !v.is_empty());
        if v.is_some() && vendor.is_none() {
            issues.push(blank_vendor(vref));
        }
        let vi = vendor.map(|v| match &last_vendor {
            Some((b, i)) if b.as_slice() == v.as_bytes() => *i,
            _ => {
                let i = match vmap.get(v.as_bytes()) {
                    Some(&i) => i,
                    None => {
                        let i = out.vendors.len() as u32;
                        let id = VendorId::new(v).unwrap_or_else(|| unreachable!("non-blank"));
                        out.vendors.push(id);
                        vmap.insert(v.as_bytes().into(), i);
                        i
                    }
                };
                last_vendor = Some((v.as_bytes().to_vec(), i));
                i
            }
        });
        if vi.is_some() {
            out.last_vendor = vi;
        }
        let lq = q.map(|q| {
            let q = trim(q);
            match qmap.get(q.as_bytes()) {
                Some(r) => r.clone(),
                None => {
                    let r = match ctx.lookup.resolve(q) {
                        Resolution::Known(id, spec) => {
                            // One local index per question, whatever the spelling, so that a
                            // worker's duplicate check sees `GV-1.1` and `gv1.1` as one.
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
                    qmap.insert(q.as_bytes().into(), r.clone());
                    r
                }
            }
        });
        let spec = match (&lq, q) {
            (Some(LocalQ::Known(_, s)), _) => Some(*s),
            (Some(LocalQ::Unknown(sugg)), Some(raw)) => {
                issues.push(unknown_question(raw, sugg.as_deref(), qref));
                None
            }
            _ => None,
        };
        let value = a.and_then(|a| check_answer(a, spec, aref, &mut issues));
        let date = d.and_then(|d| check_date(d, dref, &mut issues));
        if !issues.is_empty() {
            reject(&mut out, line, &mut issues, &rec);
            continue;
        }
        let (Some(vi), Some(LocalQ::Known(lq, _)), Some(value)) = (vi, lq, value) else {
            continue;
        };
        out.accepted += 1;
        let (e, cm) = (e.unwrap_or("").trim(), cm.unwrap_or("").trim());
        // A blank answer with no evidence, date or comment says nothing beyond the default
        // (unanswered): counted as accepted, not kept.
        if value == AnswerValue::Unanswered && date.is_none() && e.is_empty() && cm.is_empty() {
            continue;
        }
        // The text of a block fits its offsets (blocks are capped far below 4 GiB).
        let (Some(evidence), Some(comment)) =
            (Span::push(&mut out.text, e), Span::push(&mut out.text, cm))
        else {
            continue;
        };
        out.rows.push(Row {
            vendor: vi,
            q: lq,
            line,
            value,
            date,
            evidence,
            comment,
        });
    }
    out
}

fn reject(out: &mut BlockOut, line: u64, issues: &mut Vec<Issue>, rec: &csv::ByteRecord) {
    let original = rec
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    out.rejects.push((line, std::mem::take(issues), original));
}

/// Adds a block's results to the run. `first_line` is the line number of the block's first byte.
fn merge(col: &mut Collector, part: u32, out: BlockOut, first_line: u64) {
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
    for r in out.rows.iter().filter(|r| !done(r.vendor as usize)) {
        let mut s = r.to_stored(&out.text, part, out.answer_col);
        s.q = qmap[s.q as usize];
        s.row += off;
        runs[r.vendor as usize].push(s);
    }
    for (i, (vid, run)) in out.vendors.iter().zip(runs).enumerate() {
        if !done(i) {
            let vi = col.vendor(vid);
            col.store_all(vi, run);
        }
    }
    for (vid, r, dups) in out.early {
        let Some(vi) = col.finished_early(vid, r) else {
            // Scattered: the caller reads the file again; nothing here counts any more.
            return;
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
}

/// Reads the rest of a long CSV file (after its header) in parallel blocks.
pub(crate) fn read_long_csv<R: Read + Send>(
    col: &mut Collector,
    ctx: &LongCtx<'_>,
    splitter: &mut Splitter<R>,
    mut next_line: u64,
) {
    let part = ctx.part;
    // Several blocks per thread in flight: one thread also reads the next batch, and the merge
    // waits for the slowest block, so one block per thread leaves a core idle much of the time.
    let batch_len = 4 * rayon::current_num_threads().max(1);
    let read_batch = |s: &mut Splitter<R>| -> Vec<Piece> {
        let mut v = Vec::with_capacity(batch_len);
        while v.len() < batch_len {
            match s.next_piece() {
                None => break,
                Some(p @ Piece::Block(_)) => v.push(p),
                Some(p) => {
                    v.push(p);
                    break;
                }
            }
        }
        v
    };
    let max_rows = col.opts.limits.max_rows;
    let mut rows = 0u64;
    let mut batch = read_batch(splitter);
    while !batch.is_empty() {
        let stops = batch.iter().any(|p| !matches!(p, Piece::Block(_)));
        let view = if ctx.cols.vendor.is_some() {
            col.early_view()
        } else {
            None
        };
        let (outs, following) = rayon::join(
            || {
                batch
                    .par_iter()
                    .map(|p| match p {
                        Piece::Block(b) => Some(parse_block(b, ctx, None, view.as_ref())),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            },
            || {
                if stops {
                    Vec::new()
                } else {
                    read_batch(splitter)
                }
            },
        );
        for (piece, out) in batch.into_iter().zip(outs) {
            match (piece, out) {
                (Piece::Block(b), Some(mut out)) => {
                    if rows + out.read > max_rows {
                        // Re-read just this block up to the limit, then stop.
                        out = parse_block(&b, ctx, Some(max_rows - rows), None);
                        let at = out.capped_at.map(|l| l + next_line - 1);
                        merge(col, part, out, next_line);
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
                    merge(col, part, out, next_line);
                    if col.scattered() {
                        return;
                    }
                    splitter.recycle(b);
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
                (Piece::Block(_), None) => {}
            }
        }
        batch = following;
    }
}
