//! Tables of rows, whatever file they come from (CSV or a worksheet): header classification and
//! the sequential readers for long, wide and exclusion tables (profile tables: `profiles.rs`).

use crate::ProblemCode;
use crate::collector::{Collector, Layer, QRes, Stored};
use crate::text::{header_key, is_known_key, shown};
use crate::validate::{
    ColRef, Issue, PROFILE_FIELDS, blank_vendor, check_answer, check_date, check_profile_field,
    extra_columns, too_large, unknown_question,
};
use scrm_model::{Exclusion, GateSource, VendorId};
use std::collections::HashMap;

/// A table's header row.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// Cells as written.
    pub raw: Vec<String>,
    /// Machine keys (see [`header_key`]).
    pub keys: Vec<String>,
    /// Labels used in locations (the header as written; `F (answer)` in workbooks).
    pub labels: Vec<String>,
    /// Row number of the header.
    pub row: u64,
}

impl Header {
    pub(crate) fn new(raw: Vec<String>, row: u64, letters: bool) -> Self {
        let keys: Vec<String> = raw.iter().map(|r| header_key(r)).collect();
        let labels = raw
            .iter()
            .zip(&keys)
            .enumerate()
            .map(|(i, (r, k))| {
                let name = if is_known_key(k) {
                    k.clone()
                } else if r.trim().is_empty() {
                    format!("column {}", i + 1)
                } else {
                    r.trim().to_string()
                };
                if letters {
                    format!("{} ({name})", column_letter(i))
                } else {
                    name
                }
            })
            .collect();
        Self {
            raw,
            keys,
            labels,
            row,
        }
    }

    pub(crate) fn find(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    pub(crate) fn col(&self, i: usize) -> ColRef {
        Some((i as u32, self.labels[i].clone()))
    }

    /// The index past the last non-blank header cell (Excel pads headers with blank cells).
    pub(crate) fn width(&self) -> usize {
        self.raw
            .iter()
            .rposition(|r| !r.trim().is_empty())
            .map_or(0, |i| i + 1)
    }
}

/// The Excel column letter of a 0-based index (`0` → `A`, `27` → `AB`).
pub(crate) fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// What a table holds, judged by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableKind {
    /// `vendor_id,question_id,answer,...`: one answer per row.
    Long,
    /// `vendor_id` plus one column per question.
    Wide,
    /// `vendor_id` plus profile columns.
    Profiles,
    /// `vendor_id,source,reference,listed_on`.
    Exclusions,
    /// No `vendor_id` and no `question_id`.
    Unknown,
}

impl TableKind {
    pub(crate) fn name(self, csv: bool) -> &'static str {
        match (self, csv) {
            (Self::Long, true) => "responses-long-csv",
            (Self::Wide, true) => "responses-wide-csv",
            (Self::Profiles, true) => "profiles-csv",
            (Self::Exclusions, true) => "exclusions-csv",
            (Self::Unknown, true) => "csv",
            (_, false) => "xlsx",
        }
    }
}

/// Suffixes that attach a column to a question in a wide table.
const ATTACH: &[(&str, Attach)] = &[
    (".evidence_date", Attach::Date),
    (".evidence", Attach::Evidence),
    (".comment", Attach::Comment),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attach {
    Evidence,
    Date,
    Comment,
}

fn split_attach(raw: &str) -> Option<(&str, Attach)> {
    let t = raw.trim();
    ATTACH.iter().find_map(|(suf, a)| {
        let n = t.len().checked_sub(suf.len())?;
        (t.is_char_boundary(n) && t[n..].eq_ignore_ascii_case(suf)).then(|| (&t[..n], *a))
    })
}

/// Judges a header: `question_id` → long; `vendor_id` with `source` and only exclusion columns
/// → exclusions; `vendor_id` with some column that is (or nearly is) a question id → wide;
/// `vendor_id` otherwise → profiles.
pub(crate) fn classify(header: &Header, col: &mut Collector) -> TableKind {
    if header.find("question_id").is_some() {
        return TableKind::Long;
    }
    if header.find("vendor_id").is_none() {
        return TableKind::Unknown;
    }
    let others: Vec<usize> = (0..header.raw.len())
        .filter(|&i| header.keys[i] != "vendor_id" && !header.raw[i].trim().is_empty())
        .collect();
    if header.find("source").is_some()
        && others.iter().all(|&i| {
            matches!(
                header.keys[i].as_str(),
                "source" | "reference" | "listed_on"
            )
        })
    {
        return TableKind::Exclusions;
    }
    for &i in &others {
        if PROFILE_FIELDS.contains(&header.keys[i].as_str()) {
            continue;
        }
        let raw = header.raw[i].trim();
        let base = split_attach(raw).map_or(raw, |(b, _)| b);
        match col.resolve(base) {
            QRes::Known(..) | QRes::Unknown(Some(_)) => return TableKind::Wide,
            QRes::Unknown(None) => {}
        }
    }
    TableKind::Profiles
}

/// One row of a table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    /// Line (CSV) or Excel row number.
    pub line: u64,
    /// The cells in one buffer (`csv`'s record): a few allocations a row rather than one a
    /// cell, since a buyer's profile file has a row per vendor.
    pub cells: csv::StringRecord,
    /// Cells that were not valid UTF-8 (shown lossily).
    pub bad_utf8: Vec<usize>,
    /// Too few fields, or non-blank fields past the header (CSV only).
    pub width: Option<(usize, usize)>,
    /// A quote the row opens and never closes (CSV only): the row is rejected with it.
    pub unclosed: Option<Issue>,
}

impl Row {
    fn cell(&self, i: usize) -> &str {
        self.cells.get(i).unwrap_or("")
    }

    /// The cells as written, for the quarantine.
    pub(crate) fn original(&self) -> Vec<String> {
        as_written(&self.cells)
    }

    /// Whether every cell is blank, and no quote was left open (a row whose quote never closes
    /// is rejected with that problem, however little it holds).
    pub(crate) fn is_blank(&self) -> bool {
        self.unclosed.is_none()
            && self
                .cells
                .iter()
                .all(|c| crate::text::trim_str(c).is_empty())
    }
}

/// A record's cells as written, for the quarantine.
pub(crate) fn as_written(cells: &csv::StringRecord) -> Vec<String> {
    cells.iter().map(str::to_string).collect()
}

/// Why a row source stopped early.
#[derive(Debug)]
pub(crate) enum SourceStop {
    /// One record grew past the record cap at this line.
    Oversize { line: u64, bytes: usize },
    /// Reading failed.
    Io(String),
}

/// Rows after the header, in order.
pub(crate) trait RowSource {
    fn next_row(&mut self) -> Option<Result<Row, SourceStop>>;
}

/// Reports a source that stopped early.
pub(crate) fn report_stop(col: &mut Collector, part: u32, stop: SourceStop) {
    let limit = col.opts.limits.max_field_bytes;
    let issue = match stop {
        SourceStop::Oversize { line, bytes } => {
            let i = Issue::new(
                ProblemCode::FieldTooLarge,
                None,
                None,
                format!(
                    "the record starting here is over {bytes} bytes without ending (fields are limited to {limit} bytes); the rest of the file is not read"
                ),
            )
            .help("check for an unclosed quote, or raise the field-size limit");
            col.issue(part, Some(line), i);
            return;
        }
        SourceStop::Io(e) => Issue::new(
            ProblemCode::UnreadableFile,
            None,
            None,
            format!("reading failed: {e}; the rest of the file is not read"),
        ),
    };
    col.issue(part, None, issue);
}

/// The next non-blank data row within the row limit. `None` at the end of the rows, and after
/// reporting a source that stopped early or a row past the limit (the rest is not read).
fn next_data_row(
    rows: &mut dyn RowSource,
    col: &mut Collector,
    part: u32,
    seen: &mut u64,
) -> Option<Row> {
    loop {
        let row = match rows.next_row()? {
            Ok(row) => row,
            Err(stop) => {
                report_stop(col, part, stop);
                return None;
            }
        };
        if row.is_blank() {
            continue;
        }
        return within_rows(col, part, seen, row.line).then_some(row);
    }
}

/// Whether `header` is within the column limit; `false` (after reporting) when it is wider, and
/// the table is then not read. Checked before the header is classified: that matches each cell
/// against the catalog.
pub(crate) fn within_columns(col: &mut Collector, part: u32, header: &Header) -> bool {
    let max = col.opts.limits.max_columns;
    let n = header.raw.len();
    if n <= max {
        return true;
    }
    let i = Issue::new(
        ProblemCode::TooManyColumns,
        None,
        None,
        format!("{n} columns, more than the limit of {max}; the table is not read"),
    )
    .help("split the table, or raise the column limit");
    col.issue(part, Some(header.row), i);
    false
}

/// Counts data rows against the row limit; `false` (after reporting) once it is exceeded.
pub(crate) fn within_rows(col: &mut Collector, part: u32, seen: &mut u64, line: u64) -> bool {
    *seen += 1;
    let max = col.opts.limits.max_rows;
    if *seen <= max {
        return true;
    }
    let i = Issue::new(
        ProblemCode::TooManyRows,
        None,
        None,
        format!("more than {max} data rows; this row and the rest of the file are not read"),
    )
    .help("split the file, or raise the row limit");
    col.issue(part, Some(line), i);
    false
}

/// Reports a column the table cannot be read without: the file is not loaded.
pub(crate) fn missing_column(
    col: &mut Collector,
    part: u32,
    header: &Header,
    key: &str,
    help: String,
) {
    let issue = Issue::new(
        ProblemCode::MissingColumn,
        None,
        None,
        format!("the header has no '{key}' column; the file is not loaded"),
    )
    .help(help);
    col.issue(part, Some(header.row), issue);
}

/// Checks a cell's size and encoding; returns its text when usable.
fn cell_ok<'r>(
    col: &Collector,
    row: &'r Row,
    i: Option<usize>,
    cref: &ColRef,
    issues: &mut Vec<Issue>,
) -> Option<&'r str> {
    cell_within(col.opts.limits.max_field_bytes, row, i, cref, issues)
}

/// [`cell_ok`] with the field-size limit given (for checks made without the run).
pub(crate) fn cell_within<'r>(
    limit: usize,
    row: &'r Row,
    i: Option<usize>,
    cref: &ColRef,
    issues: &mut Vec<Issue>,
) -> Option<&'r str> {
    let Some(i) = i else { return Some("") };
    let s = row.cell(i);
    if s.len() > limit {
        issues.push(too_large(s.len(), limit, cref, s));
        return None;
    }
    if row.bad_utf8.contains(&i) {
        issues.push(crate::validate::bad_encoding(cref, s));
        return None;
    }
    Some(s)
}

pub(crate) fn width_issue(w: (usize, usize)) -> Issue {
    Issue::new(
        ProblemCode::UnequalFields,
        None,
        None,
        format!("the row has {} fields but the header has {}", w.0, w.1),
    )
    .help("check for a missing or extra delimiter, or an unquoted delimiter inside a field")
}

/// Columns of a long table.
pub(crate) struct LongCols {
    pub vendor: Option<usize>,
    pub question: usize,
    pub answer: usize,
    pub evidence: Option<usize>,
    pub date: Option<usize>,
    pub comment: Option<usize>,
}

/// Template keys a long table may carry that ingestion does not need.
const LONG_IGNORED: &[&str] = &[
    "topic",
    "question",
    "guidance",
    "answer_kind",
    "label",
    "help",
];

/// Maps a long header; reports missing and duplicate columns (the file is then not loaded) and
/// extra columns (a warning; they are ignored).
pub(crate) fn long_cols(
    col: &mut Collector,
    part: u32,
    header: &Header,
    need_vendor: bool,
) -> Option<LongCols> {
    let mut ok = true;
    let mut find = |col: &mut Collector, key: &str, required: bool| -> Option<usize> {
        let at: Vec<usize> = (0..header.keys.len())
            .filter(|&i| header.keys[i] == key)
            .collect();
        if at.len() > 1 {
            ok = false;
            col.issue(
                part,
                Some(header.row),
                Issue::new(
                    ProblemCode::DuplicateColumn,
                    header.col(at[1]),
                    Some(&header.raw[at[1]]),
                    format!(
                        "'{key}' appears twice in the header (also {})",
                        header.labels[at[0]]
                    ),
                )
                .help("remove or rename one of the two columns"),
            );
        }
        if at.is_empty() && required {
            ok = false;
            let found: Vec<&str> = header
                .raw
                .iter()
                .map(|r| r.trim())
                .filter(|r| !r.is_empty())
                .collect();
            let help = format!(
                "a long table needs vendor_id, question_id and answer columns; found: {}",
                found.join(", ")
            );
            missing_column(col, part, header, key, help);
        }
        at.first().copied()
    };
    let vendor = find(col, "vendor_id", need_vendor);
    let question = find(col, "question_id", true);
    let answer = find(col, "answer", true);
    let evidence = find(col, "evidence", false);
    let date = find(col, "evidence_date", false);
    let comment = find(col, "comment", false);
    let extras: Vec<&str> = (0..header.keys.len())
        .filter(|&i| {
            let k = header.keys[i].as_str();
            !header.raw[i].trim().is_empty()
                && !matches!(
                    k,
                    "vendor_id"
                        | "question_id"
                        | "answer"
                        | "evidence"
                        | "evidence_date"
                        | "comment"
                )
                && !LONG_IGNORED.contains(&k)
        })
        .map(|i| header.raw[i].trim())
        .collect();
    if !extras.is_empty() {
        col.issue(
            part,
            Some(header.row),
            extra_columns(&extras, "columns not used by the long format are ignored"),
        );
    }
    if !ok {
        return None;
    }
    Some(LongCols {
        vendor,
        question: question?,
        answer: answer?,
        evidence,
        date,
        comment,
    })
}

/// Where a long table's vendor comes from when it has no vendor_id column (template workbooks:
/// the Profile sheet).
pub(crate) enum DefaultVendor {
    None,
    Given(VendorId),
    Missing(String),
}

/// Reads a long table row by row (workbooks; long CSV files use the parallel reader).
pub(crate) fn read_long(
    col: &mut Collector,
    part: u32,
    header: &Header,
    cols: &LongCols,
    default_vendor: &DefaultVendor,
    rows: &mut dyn RowSource,
) {
    let vref = cols.vendor.and_then(|i| header.col(i));
    let qref = header.col(cols.question);
    let aref = header.col(cols.answer);
    let eref = cols.evidence.and_then(|i| header.col(i));
    let dref = cols.date.and_then(|i| header.col(i));
    let cref = cols.comment.and_then(|i| header.col(i));
    let mut seen = 0u64;
    while let Some(row) = next_data_row(rows, col, part, &mut seen) {
        col.count_read(part, 1);
        let mut issues: Vec<Issue> = row.unclosed.iter().cloned().collect();
        if let Some(w) = row.width {
            issues.push(width_issue(w));
        }
        let v = cell_ok(col, &row, cols.vendor, &vref, &mut issues);
        let q = cell_ok(col, &row, Some(cols.question), &qref, &mut issues);
        let a = cell_ok(col, &row, Some(cols.answer), &aref, &mut issues);
        let e = cell_ok(col, &row, cols.evidence, &eref, &mut issues);
        let d = cell_ok(col, &row, cols.date, &dref, &mut issues);
        let c = cell_ok(col, &row, cols.comment, &cref, &mut issues);
        let vendor = match (cols.vendor, default_vendor) {
            (Some(_), _) => v.and_then(|v| {
                let id = VendorId::new(v);
                if id.is_none() {
                    issues.push(blank_vendor(&vref));
                }
                id
            }),
            (None, DefaultVendor::Given(id)) => Some(id.clone()),
            (None, DefaultVendor::Missing(why)) => {
                issues.push(
                    Issue::new(ProblemCode::BlankVendorId, None, None, why.clone())
                        .help("fill in vendor_id on the Profile sheet"),
                );
                None
            }
            (None, DefaultVendor::None) => {
                issues.push(blank_vendor(&None));
                None
            }
        };
        let spec_q = q.map(|q| (q, col.resolve(q)));
        let spec = match &spec_q {
            Some((_, QRes::Known(_, s))) => Some(*s),
            Some((raw, QRes::Unknown(sugg))) => {
                issues.push(unknown_question(raw, sugg.as_deref(), &qref));
                None
            }
            None => None,
        };
        let value = a.and_then(|a| check_answer(a, spec, &aref, &mut issues));
        let date = d.and_then(|d| check_date(d, &dref, &mut issues));
        if let Some(v) = &vendor
            && !issues.is_empty()
        {
            col.vendor(v);
        }
        if !issues.is_empty() {
            col.reject(part, Some(row.line), issues, row.original());
            continue;
        }
        let (Some(vendor), Some((_, QRes::Known(gq, _))), Some(value)) = (vendor, spec_q, value)
        else {
            continue;
        };
        let vi = col.vendor(&vendor);
        col.count_accepted(part, 1);
        let at = (part, row.line, cols.answer as u32);
        if let Some(kept) = Stored::keep(gq, at, value, e.unwrap_or(""), date, c.unwrap_or("")) {
            col.store(vi, kept);
        }
    }
}

/// One question column of a wide table, with its attached evidence columns.
struct WideQ {
    col: usize,
    gq: u32,
    spec: scrm_model::AnswerSpec,
    evidence: Option<usize>,
    date: Option<usize>,
    comment: Option<usize>,
}

/// Reads a wide table: one row per vendor, one column per question (plus optional
/// `<id>.evidence`, `.evidence_date`, `.comment` and profile columns). The unit counted is one
/// non-blank answer slot, plus one profile record per row when the table has profile columns.
pub(crate) fn read_wide(col: &mut Collector, part: u32, header: &Header, rows: &mut dyn RowSource) {
    let Some(vcol) = header.find("vendor_id") else {
        return;
    };
    let vref = header.col(vcol);
    let mut questions: Vec<WideQ> = Vec::new();
    let mut by_gq: HashMap<u32, usize> = HashMap::new();
    let mut profile_cols: Vec<(usize, String)> = Vec::new();
    let mut unknown: Vec<usize> = Vec::new();
    let mut attachments: Vec<(usize, String, Attach)> = Vec::new();
    for i in 0..header.raw.len() {
        if i == vcol {
            continue;
        }
        let raw = header.raw[i].trim();
        let key = &header.keys[i];
        if raw.is_empty() {
            unknown.push(i);
            continue;
        }
        if PROFILE_FIELDS.contains(&key.as_str()) {
            profile_cols.push((i, key.clone()));
            continue;
        }
        if let Some((base, a)) = split_attach(raw) {
            attachments.push((i, base.to_string(), a));
            continue;
        }
        match col.resolve(raw) {
            QRes::Known(gq, spec) => {
                by_gq.entry(gq).or_insert(questions.len());
                questions.push(WideQ {
                    col: i,
                    gq,
                    spec,
                    evidence: None,
                    date: None,
                    comment: None,
                });
            }
            QRes::Unknown(s) => {
                let sugg = s.or_else(|| attach_suggestion(col, raw));
                unknown_column(col, part, header, i, sugg.as_deref());
                unknown.push(i);
            }
        }
    }
    for (i, base, a) in attachments {
        let target = match col.resolve(&base) {
            QRes::Known(gq, _) => by_gq.get(&gq).copied().ok_or(true),
            QRes::Unknown(_) => Err(false),
        };
        match target {
            Ok(t) => {
                let q = &mut questions[t];
                let slot = match a {
                    Attach::Evidence => &mut q.evidence,
                    Attach::Date => &mut q.date,
                    Attach::Comment => &mut q.comment,
                };
                *slot = Some(i);
            }
            Err(known) => {
                if known {
                    orphan_column(col, part, header, i, &base);
                } else {
                    let sugg = match col.resolve(&base) {
                        QRes::Unknown(s) => {
                            s.map(|s| format!("{s}{}", &header.raw[i].trim()[base.len()..]))
                        }
                        QRes::Known(..) => None,
                    };
                    unknown_column(col, part, header, i, sugg.as_deref());
                }
                unknown.push(i);
            }
        }
    }
    unknown.sort_unstable();
    let mut seen = 0u64;
    while let Some(row) = next_data_row(rows, col, part, &mut seen) {
        let mut vissues: Vec<Issue> = row.unclosed.iter().cloned().collect();
        let vendor = cell_ok(col, &row, Some(vcol), &vref, &mut vissues).and_then(VendorId::new);
        if vendor.is_none() && vissues.iter().all(|i| i.code == ProblemCode::UnclosedQuote) {
            vissues.push(blank_vendor(&vref));
        }
        if let Some(w) = row.width {
            vissues.push(width_issue(w));
        }
        let vi = vendor.as_ref().map(|v| col.vendor(v));
        let vraw = row.cell(vcol).to_string();
        // Units read from this row: a row whose quote is left open and that holds no unit is
        // still one, rejected with that problem (else it would go unreported).
        let mut units = 0u32;
        // The profile record of this row.
        if profile_cols
            .iter()
            .any(|(i, _)| !row.cell(*i).trim().is_empty())
        {
            units += 1;
            col.count_read(part, 1);
            let mut issues = vissues.clone();
            let mut fields = Vec::new();
            for (i, key) in &profile_cols {
                let cref = header.col(*i);
                if let Some(s) = cell_ok(col, &row, Some(*i), &cref, &mut issues) {
                    match check_profile_field(key, s, &cref) {
                        Ok(Some(v)) => fields.push((key.clone(), v, cref)),
                        Ok(None) => {}
                        Err(i) => issues.push(i),
                    }
                }
            }
            match (issues.is_empty(), vi) {
                (true, Some(vi)) => {
                    col.count_accepted(part, 1);
                    for (k, v, cref) in fields {
                        col.profile_field(
                            Layer::Supplier,
                            vi,
                            (&k, &v),
                            part,
                            Some(row.line),
                            &cref,
                        );
                    }
                }
                _ => {
                    let mut original = vec![vraw.clone()];
                    original.extend(profile_cols.iter().map(|(i, _)| row.cell(*i).to_string()));
                    col.reject(part, Some(row.line), issues, original);
                }
            }
        }
        for q in &questions {
            let slots = [Some(q.col), q.evidence, q.date, q.comment];
            if slots
                .iter()
                .all(|s| s.is_none_or(|i| row.cell(i).trim().is_empty()))
            {
                continue;
            }
            units += 1;
            col.count_read(part, 1);
            let mut issues = vissues.clone();
            let aref = header.col(q.col);
            let eref = q.evidence.and_then(|i| header.col(i));
            let dref = q.date.and_then(|i| header.col(i));
            let cref = q.comment.and_then(|i| header.col(i));
            let a = cell_ok(col, &row, Some(q.col), &aref, &mut issues);
            let e = cell_ok(col, &row, q.evidence, &eref, &mut issues);
            let d = cell_ok(col, &row, q.date, &dref, &mut issues);
            let c = cell_ok(col, &row, q.comment, &cref, &mut issues);
            let value = a.and_then(|a| check_answer(a, Some(q.spec), &aref, &mut issues));
            let date = d.and_then(|d| check_date(d, &dref, &mut issues));
            let original = || {
                let get = |i: Option<usize>| i.map_or(String::new(), |i| row.cell(i).to_string());
                vec![
                    vraw.clone(),
                    header.raw[q.col].trim().to_string(),
                    get(Some(q.col)),
                    get(q.evidence),
                    get(q.date),
                    get(q.comment),
                ]
            };
            let (Some(vi), Some(value), true) = (vi, value, issues.is_empty()) else {
                col.reject(part, Some(row.line), issues, original());
                continue;
            };
            col.count_accepted(part, 1);
            let at = (part, row.line, q.col as u32);
            let kept = Stored::keep(q.gq, at, value, e.unwrap_or(""), date, c.unwrap_or(""));
            if let Some(kept) = kept {
                col.store(vi, kept);
            }
        }
        if units == 0 && row.unclosed.is_some() {
            col.count_read(part, 1);
            col.reject(part, Some(row.line), vissues.clone(), row.original());
        }
        for &i in &unknown {
            let s = row.cell(i);
            if s.trim().is_empty() {
                continue;
            }
            col.count_read(part, 1);
            let cref = header.col(i);
            let what = if header.raw[i].trim().is_empty() {
                format!("{} has no header but holds data", header.labels[i])
            } else {
                format!(
                    "'{}' is not a question id or a known column",
                    shown(header.raw[i].trim())
                )
            };
            let issue = Issue::new(ProblemCode::UnknownColumn, cref, Some(s), what);
            col.reject(
                part,
                Some(row.line),
                vec![issue],
                vec![
                    vraw.clone(),
                    header.raw[i].trim().to_string(),
                    s.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            );
        }
    }
}

/// For `GV-1.1.evidnce`: the question id resolves, the suffix is a typo of an attachment.
fn attach_suggestion(col: &mut Collector, raw: &str) -> Option<String> {
    let (base, suffix) = raw.rsplit_once('.')?;
    let QRes::Known(..) = col.resolve(base) else {
        return None;
    };
    let s = crate::text::did_you_mean(suffix, &["evidence", "evidence_date", "comment"])?;
    Some(format!("{base}.{s}"))
}

/// An attachment column whose question has no column in the table.
fn orphan_column(col: &mut Collector, part: u32, header: &Header, i: usize, base: &str) {
    let raw = header.raw[i].trim();
    let issue = Issue::new(
        ProblemCode::UnknownColumn,
        header.col(i),
        Some(raw),
        format!(
            "'{}' belongs to question '{}', which has no column in this table; its cells are rejected",
            shown(raw),
            shown(base)
        ),
    )
    .help(format!("add a '{}' column with the answers", shown(base)));
    col.issue(part, Some(header.row), issue);
}

fn unknown_column(col: &mut Collector, part: u32, header: &Header, i: usize, sugg: Option<&str>) {
    let raw = header.raw[i].trim();
    let mut issue = Issue::new(
        ProblemCode::UnknownColumn,
        header.col(i),
        Some(raw),
        format!(
            "header '{}' is neither a question id, a '<question id>.evidence' column, nor a profile field; its cells are rejected",
            shown(raw)
        ),
    );
    let sugg = sugg
        .map(str::to_string)
        .or_else(|| crate::text::did_you_mean(raw, PROFILE_FIELDS).map(str::to_string));
    issue = match sugg {
        Some(s) => issue.help(format!("did you mean '{s}'?")),
        None => issue.help(format!(
            "profile fields: vendor_id, {}; question ids: see `scrm catalog`",
            PROFILE_FIELDS.join(", ")
        )),
    };
    col.issue(part, Some(header.row), issue);
}

/// Reads an exclusions table: `vendor_id,source,reference,listed_on`.
pub(crate) fn read_exclusions(
    col: &mut Collector,
    part: u32,
    header: &Header,
    rows: &mut dyn RowSource,
) {
    let vcol = header.find("vendor_id");
    let scol = header.find("source");
    let (Some(vcol), Some(scol)) = (vcol, scol) else {
        let missing = if vcol.is_none() {
            "vendor_id"
        } else {
            "source"
        };
        let help = "an exclusions file has the columns vendor_id,source,reference,listed_on";
        missing_column(col, part, header, missing, help.to_string());
        return;
    };
    let rcol = header.find("reference");
    let lcol = header.find("listed_on");
    let extras: Vec<&str> = (0..header.raw.len())
        .filter(|&i| {
            !header.raw[i].trim().is_empty()
                && !matches!(
                    header.keys[i].as_str(),
                    "vendor_id" | "source" | "reference" | "listed_on"
                )
        })
        .map(|i| header.raw[i].trim())
        .collect();
    if !extras.is_empty() {
        col.issue(
            part,
            Some(header.row),
            extra_columns(&extras, "columns outside the exclusions format are ignored"),
        );
    }
    let (vref, sref) = (header.col(vcol), header.col(scol));
    let rref = rcol.and_then(|i| header.col(i));
    let lref = lcol.and_then(|i| header.col(i));
    let mut seen = 0u64;
    while let Some(row) = next_data_row(rows, col, part, &mut seen) {
        col.count_read(part, 1);
        let mut issues: Vec<Issue> = row.unclosed.iter().cloned().collect();
        if let Some(w) = row.width {
            issues.push(width_issue(w));
        }
        let vendor = cell_ok(col, &row, Some(vcol), &vref, &mut issues).and_then(VendorId::new);
        if vendor.is_none() && issues.is_empty() {
            issues.push(blank_vendor(&vref));
        }
        let source =
            cell_ok(col, &row, Some(scol), &sref, &mut issues).map(|s| (s, GateSource::parse(s)));
        if let Some((raw, None)) = source {
            issues.push(
                Issue::new(
                    ProblemCode::InvalidEnum,
                    sref.clone(),
                    Some(raw),
                    "the source is blank".to_string(),
                )
                .help("sources: sam, fascsa, sec889, or the name of a buyer-defined list"),
            );
        }
        // The reference and the date are optional, and a listing is a fact whatever they say:
        // one that does not read (not a date, bytes that are not text, too long) leaves the
        // exclusion in force without it (a warning), rather than reject the row and let a listed
        // supplier through the hard gate.
        let mut soft = Vec::new();
        let reference = cell_ok(col, &row, rcol, &rref, &mut soft)
            .unwrap_or("")
            .trim()
            .to_string();
        let reference = if soft.is_empty() {
            reference
        } else {
            String::new()
        };
        let before = soft.len();
        let listed = cell_ok(col, &row, lcol, &lref, &mut soft)
            .and_then(|d| check_date(d, &lref, &mut soft));
        let listed = if soft.len() == before { listed } else { None };
        match (vendor, source, issues.is_empty()) {
            (Some(vendor_id), Some((_, Some(source))), true) => {
                col.count_accepted(part, 1);
                for i in soft {
                    let issue = Issue {
                        code: ProblemCode::ExclusionDetailIgnored,
                        message: format!("{}; the exclusion is kept without it", i.message),
                        ..i
                    };
                    col.issue(part, Some(row.line), issue);
                }
                col.exclusions.push(Exclusion {
                    vendor_id,
                    source,
                    reference,
                    listed_on: listed,
                });
            }
            _ => {
                issues.extend(soft);
                col.reject(part, Some(row.line), issues, row.original());
            }
        }
    }
}
