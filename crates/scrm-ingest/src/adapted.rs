//! Reading a foreign questionnaire (a CAIQ workbook, a buyer's own sheet) through a
//! declarative adapter: the file is read with every limit a workbook or CSV file has, the
//! adapter finds its table, each foreign answer row is checked and located as any other row,
//! and the scrm answers derived from them are stored at the row of their first foreign answer.
//!
//! Counting: a row whose foreign question some mapping uses is read, and is accepted or
//! rejected. Rows of questions the adapter ignores, or does not know (reported once per table as
//! `unmapped-question`), are not answers and are not counted.

use crate::ProblemCode;
use crate::collector::{Collector, Layer, QRes, Stored};
use crate::csvin::{empty, unreadable};
use crate::table::{Header, Row, column_letter};
use crate::text::{Hashing, SAMPLE_BYTES, Utf8Source};
use crate::validate::{Issue, blank_vendor, check_profile_field, too_large};
use crate::walk::FileKind;
use scrm_adapter::{Adapter, CellMiss, Foreign, Grid, GridRow, Input, Route, VendorFrom};
use scrm_model::VendorId;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// How many ids an `unmapped-question` or `missing-mapped-question` message lists.
const LISTED: usize = 10;

/// What a cell of an adapted CSV file costs besides its text, charged to the size limit (the
/// same charge a workbook's cells pay).
const CELL_BYTES: u64 = 32;

/// Reads one foreign file into the collector through the first of `adapters` that finds its
/// table there.
pub(crate) fn read_adapted_file(
    col: &mut Collector,
    path: &Path,
    display: String,
    kind: FileKind,
    adapters: &[Arc<Adapter>],
) {
    let (part, grids, chosen) = match kind {
        FileKind::Xlsx => {
            let part = col.new_file(display, "adapted-xlsx");
            let Some(sheets) = crate::xlsx::load_workbook(col, part, path) else {
                return;
            };
            let grids: Vec<Grid> = sheets
                .into_iter()
                .map(|(name, rows)| grid(Some(name), rows))
                .collect();
            (part, grids, None)
        }
        FileKind::Csv => {
            let part = col.new_file(display, "adapted-csv");
            let Some(text) = load_text(col, part, path) else {
                return;
            };
            // The first adapter whose header the file has, with the delimiter that shows it.
            let found = adapters
                .iter()
                .find_map(|a| find_delimiter(&text, &a.table, col.opts.delimiter).map(|d| (a, d)));
            // A file no adapter fits is not parsed further: it is refused as that.
            let Some((a, delim)) = found else {
                return no_table(col, part, adapters, &[]);
            };
            let Some(g) = csv_grid(col, part, &text, delim) else {
                return;
            };
            (part, vec![g], Some(a))
        }
        _ => {
            let part = col.new_file(display, "unsupported");
            crate::csvin::unsupported(
                col,
                part,
                path,
                format!(
                    "{} reads sheets (.csv, .tsv, .txt, .xlsx, .xlsm); this file is not loaded",
                    names(adapters)
                ),
                "read JSON questionnaires without --adapter".to_string(),
            );
            return;
        }
    };
    // A CSV file's adapter is known (its delimiter was found with it); a workbook's is the
    // first that finds a table in it, whose tables are kept rather than found again.
    let found = match chosen {
        Some(a) => Some((a, tables(a, &grids))),
        None => adapters.iter().find_map(|a| {
            let t = tables(a, &grids);
            (!t.is_empty()).then_some((a, t))
        }),
    };
    let Some((adapter, tables)) = found else {
        return no_table(col, part, adapters, &grids);
    };
    let file = col.parts[part as usize].file;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    left_sheets(col, part, adapters, adapter, &grids, &tables);
    Reading {
        col,
        adapter,
        file,
        file_part: part,
        stem,
        vendors: BTreeMap::new(),
        seen: BTreeMap::new(),
    }
    .read(&grids, tables);
}

/// "adapter 'a'", or "adapters 'a' and 'b'": the adapters a message is about.
fn names(adapters: &[Arc<Adapter>]) -> String {
    let quoted: Vec<String> = adapters.iter().map(|a| format!("'{}'", a.name)).collect();
    match quoted.as_slice() {
        [one] => format!("adapter {one}"),
        [rest @ .., last] => format!("adapters {} and {last}", rest.join(", ")),
        [] => "no adapter".to_string(),
    }
}

/// The tables an adapter finds in a file's grids: each sheet it reads whose top rows hold its
/// header.
fn tables<'g>(a: &Adapter, grids: &'g [Grid]) -> Vec<(&'g Grid, scrm_adapter::HeaderAt)> {
    grids
        .iter()
        .filter(|g| scrm_adapter::reads_sheet(&a.table, g.sheet.as_deref()))
        .filter_map(|g| scrm_adapter::find_header(&a.table, g).map(|h| (g, h)))
        .collect()
}

/// Warns of each sheet of a workbook that another of the adapters would read but the one chosen
/// does not: a file is read through one adapter, and a second questionnaire in it would
/// otherwise be dropped without a word.
fn left_sheets(
    col: &mut Collector,
    part: u32,
    adapters: &[Arc<Adapter>],
    chosen: &Adapter,
    grids: &[Grid],
    read: &[(&Grid, scrm_adapter::HeaderAt)],
) {
    let read: Vec<Option<&str>> = read.iter().map(|(g, _)| g.sheet.as_deref()).collect();
    let mut warned: Vec<Option<&str>> = Vec::new();
    for other in adapters.iter().filter(|a| a.name != chosen.name) {
        for (g, _) in tables(other, grids) {
            let sheet = g.sheet.as_deref();
            if sheet.is_none() || read.contains(&sheet) || warned.contains(&sheet) {
                continue;
            }
            warned.push(sheet);
            let name = crate::text::shown(sheet.unwrap_or_default());
            col.issue(
                part,
                None,
                Issue::new(
                    ProblemCode::AdapterSheetLeft,
                    None,
                    None,
                    format!(
                        "sheet '{name}' holds a table adapter '{}' reads, but this file is read through adapter '{}', the first that fits; the sheet is not read",
                        other.name, chosen.name
                    ),
                )
                .help("keep one questionnaire per file, or give the adapters in another order"),
            );
        }
    }
}

/// Reports that no adapter finds its table in the file: what each looked for, and where.
fn no_table(col: &mut Collector, part: u32, adapters: &[Arc<Adapter>], grids: &[Grid]) {
    let workbook = grids.iter().any(|g| g.sheet.is_some());
    let each: Vec<(&str, String)> = adapters
        .iter()
        .map(|a| {
            let looked: Vec<&str> = grids
                .iter()
                .filter(|g| scrm_adapter::reads_sheet(&a.table, g.sheet.as_deref()))
                .filter_map(|g| g.sheet.as_deref())
                .collect();
            let sheets = match (workbook, looked.is_empty()) {
                (false, _) => String::new(),
                (true, true) => {
                    let names: Vec<&str> = a.table.sheets.iter().map(|p| p.as_str()).collect();
                    format!("; no sheet is named {}", names.join(" or "))
                }
                (true, false) => format!(
                    "; sheets searched: {}",
                    crate::text::shown(&looked.join(", "))
                ),
            };
            (
                a.name.as_str(),
                format!("{}{sheets}", scrm_adapter::wanted(&a.table)),
            )
        })
        .collect();
    col.issue(
        part,
        None,
        Issue::new(
            ProblemCode::AdapterNoTable,
            None,
            None,
            match each.as_slice() {
                [(name, wants)] => format!(
                    "adapter '{name}' finds no table here: it needs {wants}; the file is not loaded"
                ),
                _ => format!(
                    "{} find no table here ({}); the file is not loaded",
                    names(adapters),
                    each.iter()
                        .map(|(name, wants)| format!("'{name}' needs {wants}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            },
        )
        .help("check that the file is a questionnaire an adapter reads, or adjust the adapter's [table]"),
    );
}

/// A workbook's sheet as a grid: `None` for one that could not be read (it keeps its place).
fn grid(sheet: Option<String>, rows: Option<Vec<Row>>) -> Grid {
    Grid {
        sheet,
        readable: rows.is_some(),
        rows: rows
            .unwrap_or_default()
            .into_iter()
            .map(|r| GridRow {
                line: r.line,
                cells: r.cells.iter().map(str::to_string).collect(),
            })
            .collect(),
    }
}

/// Reads a whole CSV file as UTF-8 text, decoded as every text input is (the digest recorded).
/// It is held whole, as a workbook is, so the XLSX size limit applies to it.
fn load_text(col: &mut Collector, part: u32, path: &Path) -> Option<Vec<u8>> {
    let limits = col.opts.limits;
    let opened = std::fs::File::open(path).and_then(|f| Ok((f.metadata()?.len(), f)));
    let (size, mut file) = match opened {
        Ok(x) => x,
        Err(e) => {
            unreadable(col, part, &e.to_string());
            return None;
        }
    };
    if size > limits.max_xlsx_bytes {
        if let Ok(digest) = Hashing::new(file, col.opts.input_digest).finish() {
            col.file_of(part).digest = digest;
        }
        col.issue(
            part,
            None,
            Issue::new(
                ProblemCode::XlsxTooLarge,
                None,
                None,
                format!(
                    "the file holds {size} bytes, over the limit of {} for a file read whole through an adapter; it is not read",
                    limits.max_xlsx_bytes
                ),
            )
            .help("split the file, or raise the XLSX size limit"),
        );
        return None;
    }
    let mut sample = Vec::with_capacity(SAMPLE_BYTES);
    if let Err(e) = (&mut file)
        .take(SAMPLE_BYTES as u64)
        .read_to_end(&mut sample)
    {
        unreadable(col, part, &e.to_string());
        return None;
    }
    let enc = crate::csvin::encoding_of(col, part, &sample);
    let mut src = Utf8Source::new(
        std::io::Cursor::new(sample).chain(file),
        enc,
        col.opts.input_digest,
    );
    let mut text = Vec::new();
    if let Err(e) = src.read_to_end(&mut text) {
        unreadable(col, part, &e.to_string());
        return None;
    }
    match src.finish() {
        Ok((digest, replaced)) => {
            col.file_of(part).digest = digest;
            if replaced {
                crate::csvin::encoding_replaced(col, part, enc);
            }
        }
        Err(e) => {
            unreadable(col, part, &e.to_string());
            return None;
        }
    }
    if text.is_empty() {
        empty(col, part, "the file is empty");
        return None;
    }
    Some(text)
}

/// The rows of a CSV file's text split at `delim` (any record width, any header row), held to
/// the size limit as a workbook's cells are.
fn csv_grid(col: &mut Collector, part: u32, text: &[u8], delim: u8) -> Option<Grid> {
    let limits = col.opts.limits;
    let mut budget = limits.max_xlsx_bytes;
    let records = match records(text, delim, usize::MAX, &mut budget) {
        Ok(r) => r,
        Err(e) => {
            unreadable(col, part, &e.to_string());
            return None;
        }
    };
    let mut rows = Vec::new();
    for r in records {
        match r {
            Record::Row(row) => rows.push(row),
            Record::NotUtf8(line, lossy) => {
                col.issue(
                    part,
                    Some(line),
                    crate::validate::bad_encoding(&None, &lossy),
                );
            }
            Record::OverBudget(line) => {
                col.issue(
                    part,
                    Some(line),
                    Issue::new(
                        ProblemCode::XlsxTooLarge,
                        None,
                        None,
                        format!(
                            "the file's rows hold more once read than the limit of {} bytes for a file read whole through an adapter (their text, and {CELL_BYTES} bytes a cell); it is not read",
                            limits.max_xlsx_bytes
                        ),
                    )
                    .help("split the file, or raise the XLSX size limit"),
                );
                return None;
            }
        }
        if rows.len() as u64 > limits.max_rows {
            let line = rows.last().map_or(1, |r: &GridRow| r.line);
            col.issue(
                part,
                Some(line),
                Issue::new(
                    ProblemCode::TooManyRows,
                    None,
                    None,
                    format!(
                        "more than {} rows; the rest of the file is not read",
                        limits.max_rows
                    ),
                ),
            );
            rows.pop();
            break;
        }
    }
    Some(Grid {
        sheet: None,
        rows,
        readable: true,
    })
}

/// One record of an adapted CSV file, as [`records`] reads it.
enum Record {
    /// A row with at least one non-blank cell.
    Row(GridRow),
    /// A record that is not UTF-8 at this line (after decoding): reported, not read.
    NotUtf8(u64, String),
    /// The record at this line would take the rows past the size budget: reading stops.
    OverBudget(u64),
}

/// The records of `text` split at `delim`, at most `max` rows, each numbered by the line it
/// starts on (line breaks inside quoted fields, CRLF and blank lines counted, as every CSV
/// reader of scrm numbers them), its cells up to its last non-blank one, charged to `budget`.
fn records(
    text: &[u8],
    delim: u8,
    max: usize,
    budget: &mut u64,
) -> Result<Vec<Record>, csv::Error> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text);
    let mut lines = scrm_model::lines::RecordLines::new();
    let mut out = Vec::new();
    let mut rec = csv::ByteRecord::new();
    let mut rows = 0;
    while rows < max && rdr.read_byte_record(&mut rec)? {
        let line = lines.line(text, rec.position().map(csv::Position::byte));
        // Only up to the last non-blank field: trailing empty fields cost nothing.
        let width = rec
            .iter()
            .rposition(|f| !f.trim_ascii().is_empty())
            .map_or(0, |i| i + 1);
        if width == 0 {
            continue;
        }
        let cost: u64 = rec
            .iter()
            .take(width)
            .map(|f| CELL_BYTES + f.len() as u64)
            .sum();
        let Some(left) = budget.checked_sub(cost) else {
            out.push(Record::OverBudget(line));
            return Ok(out);
        };
        *budget = left;
        let cells: Result<Vec<String>, _> = rec
            .iter()
            .take(width)
            .map(|f| std::str::from_utf8(f).map(str::to_string))
            .collect();
        match cells {
            Ok(cells) => {
                rows += 1;
                out.push(Record::Row(GridRow { line, cells }));
            }
            Err(_) => {
                let lossy = rec
                    .iter()
                    .take(width)
                    .map(String::from_utf8_lossy)
                    .collect::<Vec<_>>()
                    .join(",");
                out.push(Record::NotUtf8(line, lossy));
            }
        }
    }
    Ok(out)
}

/// The delimiter sniffed from a CSV file's first line.
fn sniffed(text: &[u8]) -> u8 {
    crate::split::sniff_delimiter(text.split(|b| *b == b'\n').next().unwrap_or(&[]))
}

/// The delimiter with which an adapter finds its header in a CSV file's top rows, if any. The
/// header may sit below a title block, so the first line alone does not tell: the delimiter
/// sniffed there is tried first, then comma, semicolon and tab. A delimiter given by the caller
/// is the only one tried.
fn find_delimiter(text: &[u8], spec: &scrm_adapter::TableSpec, given: Option<u8>) -> Option<u8> {
    let candidates = match given {
        Some(d) => vec![d],
        None => {
            let mut c = vec![sniffed(text)];
            for d in [b',', b';', b'\t'] {
                if !c.contains(&d) {
                    c.push(d);
                }
            }
            c
        }
    };
    candidates.into_iter().find(|&d| {
        let mut budget = u64::MAX;
        let Ok(head) = records(text, d, spec.header_within, &mut budget) else {
            return false;
        };
        let grid = Grid {
            sheet: None,
            rows: head
                .into_iter()
                .filter_map(|r| match r {
                    Record::Row(row) => Some(row),
                    _ => None,
                })
                .collect(),
            readable: true,
        };
        scrm_adapter::find_header(spec, &grid).is_some()
    })
}

/// One foreign answer row kept for its vendor, with where it was.
struct Kept {
    input: Input,
    part: u32,
    answer_col: u32,
}

/// One vendor's foreign answers, in row order, and where each id is among them (folded), so
/// that a repeated id is found at once however long the file.
#[derive(Default)]
struct VendorRows {
    kept: Vec<Kept>,
    index: HashMap<String, usize>,
}

/// A foreign file being read.
struct Reading<'c, 'a, 'd> {
    col: &'c mut Collector<'a>,
    adapter: &'d Adapter,
    file: u32,
    file_part: u32,
    stem: String,
    /// Each vendor's foreign answers.
    vendors: BTreeMap<VendorId, VendorRows>,
    /// Each vendor's mapped foreign question ids as read, rejected rows' included: the file
    /// holds those questions, whatever their answers.
    seen: BTreeMap<VendorId, Vec<String>>,
}

impl Reading<'_, '_, '_> {
    fn read(mut self, grids: &[Grid], tables: Vec<(&Grid, scrm_adapter::HeaderAt)>) {
        let fixed = self.fixed_vendor(grids);
        let mut read = 0;
        for (g, h) in tables {
            read += self.read_table(g, &h, fixed.as_ref());
        }
        // With no answer row to carry it, a missing vendor id is still said once.
        if read == 0
            && let Some(Err(issue)) = &fixed
        {
            self.col.issue(self.file_part, None, issue.clone());
        }
        if let Some(Ok(v)) = &fixed {
            self.seen.entry(v.clone()).or_default();
            self.profile(grids, v);
        }
        self.derive();
    }

    /// The file's one supplier, for an adapter that reads its id from a cell or the file name:
    /// `Err` with the issue every row then gets. `None` for a vendor column.
    fn fixed_vendor(&mut self, grids: &[Grid]) -> Option<Result<VendorId, Issue>> {
        let a = self.adapter;
        Some(match &a.vendor {
            VendorFrom::Column => return None,
            VendorFrom::FileStem => VendorId::new(&self.stem).ok_or_else(|| {
                Issue::new(
                    ProblemCode::BlankVendorId,
                    None,
                    None,
                    format!(
                        "adapter '{}' takes the vendor id from the file's name, which is blank",
                        a.name
                    ),
                )
                .help("name the file by the supplier's vendor id (V-0001.xlsx)")
            }),
            VendorFrom::Cell { sheet, cell } => {
                let found = scrm_adapter::cell_text(grids, sheet.as_ref(), *cell);
                let place = match (sheet, &found) {
                    (_, Ok((Some(s), _))) => format!("{s}!{}", cell.a1()),
                    (_, Err(CellMiss::Unreadable(s))) => format!("{s}!{}", cell.a1()),
                    (Some(p), _) => format!("{}!{}", p.as_str(), cell.a1()),
                    _ => cell.a1(),
                };
                let limit = self.col.opts.limits.max_field_bytes;
                let why = match &found {
                    Ok((_, t)) if t.len() > limit => {
                        return Some(Err(too_large(t.len(), limit, &None, t)));
                    }
                    Ok((_, t)) => match VendorId::new(t) {
                        Some(v) => return Some(Ok(v)),
                        None => "is blank",
                    },
                    Err(CellMiss::NoSheet) => "does not exist in this file",
                    Err(CellMiss::Unreadable(_)) => "is on a sheet that cannot be read",
                };
                Err(Issue::new(
                    ProblemCode::BlankVendorId,
                    None,
                    None,
                    format!(
                        "adapter '{}' takes the vendor id from {}, which {why}",
                        a.name,
                        crate::text::shown(&place)
                    ),
                )
                .help(format!(
                    "fill in the supplier's vendor id at {}",
                    crate::text::shown(&place)
                )))
            }
        })
    }

    /// Reads the answer rows of one table; returns how many it counted.
    fn read_table(
        &mut self,
        g: &Grid,
        h: &scrm_adapter::HeaderAt,
        fixed: Option<&Result<VendorId, Issue>>,
    ) -> u64 {
        let mut counted = 0;
        let a = self.adapter;
        let header = Header::new(g.rows[h.index].cells.clone(), h.line, g.sheet.is_some());
        let part = self
            .col
            .new_part(self.file, g.sheet.clone(), header.labels.clone(), false);
        self.col.parts[part as usize].derived = true;
        let label = |i: usize| -> crate::validate::ColRef {
            if i < header.labels.len() {
                header.col(i)
            } else {
                Some((i as u32, column_letter(i)))
            }
        };
        let c = &h.cols;
        let limit = self.col.opts.limits.max_field_bytes;
        let mut unmapped: Vec<(String, u64)> = Vec::new();
        for row in &g.rows[h.index + 1..] {
            let id = row.cell(c.question).trim();
            if id.is_empty() {
                continue;
            }
            match a.route(id) {
                Route::Mapped => {}
                Route::Ignored => continue,
                Route::Unknown => {
                    unmapped.push((id.to_string(), row.line));
                    continue;
                }
            }
            self.col.count_read(part, 1);
            counted += 1;
            let mut issues = Vec::new();
            let text = |i: Option<usize>, issues: &mut Vec<Issue>| -> String {
                let Some(i) = i else { return String::new() };
                let t = row.cell(i);
                if t.len() > limit {
                    issues.push(too_large(t.len(), limit, &label(i), t));
                    return String::new();
                }
                t.trim().to_string()
            };
            if id.len() > limit {
                issues.push(too_large(id.len(), limit, &label(c.question), id));
            }
            let raw_answer = text(Some(c.answer), &mut issues);
            let evidence = text(c.evidence, &mut issues);
            let raw_date = text(c.evidence_date, &mut issues);
            let vendor_raw = text(c.vendor, &mut issues);
            let comments: Vec<String> = c
                .comment
                .iter()
                .map(|&i| text(Some(i), &mut issues))
                .filter(|t| !t.is_empty())
                .collect();
            let value = a.answers.classify(&raw_answer);
            if value.is_none() && !issues.iter().any(|i| i.code == ProblemCode::FieldTooLarge) {
                issues.push(
                    Issue::new(
                        ProblemCode::InvalidAnswer,
                        label(c.answer),
                        Some(&raw_answer),
                        format!(
                            "'{}' is not an answer adapter '{}' knows",
                            crate::text::shown(&raw_answer),
                            a.name
                        ),
                    )
                    .help(format!(
                        "valid answers are {}",
                        a.answers.valid_texts().join(", ")
                    )),
                );
            }
            let date = crate::validate::check_date(
                &raw_date,
                &label(c.evidence_date.unwrap_or(0)),
                &mut issues,
            );
            let vendor = match fixed {
                Some(Ok(v)) => Some(v.clone()),
                Some(Err(i)) => {
                    issues.push(i.clone());
                    None
                }
                None => {
                    let v = VendorId::new(&vendor_raw);
                    if v.is_none() {
                        issues.push(blank_vendor(&c.vendor.and_then(&label)));
                    }
                    v
                }
            };
            if let Some(v) = &vendor {
                self.col.vendor(v);
                self.seen.entry(v.clone()).or_default().push(id.to_string());
            }
            let (Some(vendor), Some(value), true) = (vendor.clone(), value, issues.is_empty())
            else {
                self.col
                    .reject(part, Some(row.line), issues, row.cells.clone());
                // The rejected answer still weighs, as the weakest: a cell scrm could not read
                // must not lift the supplier's score above what a "no" there would give.
                if let Some(v) = vendor {
                    let rows = self.vendors.entry(v).or_default();
                    if let Entry::Vacant(e) = rows.index.entry(scrm_model::fold(id)) {
                        e.insert(rows.kept.len());
                        rows.kept.push(Kept {
                            input: Input {
                                id: id.to_string(),
                                line: row.line,
                                value: Foreign::Rejected,
                                comment: String::new(),
                                evidence: String::new(),
                                date: None,
                            },
                            part,
                            answer_col: c.answer as u32,
                        });
                    }
                }
                continue;
            };
            let rows = self.vendors.entry(vendor.clone()).or_default();
            let same = match rows.index.entry(scrm_model::fold(id)) {
                Entry::Occupied(e) => Some(&rows.kept[*e.get()]),
                Entry::Vacant(e) => {
                    e.insert(rows.kept.len());
                    None
                }
            };
            if let Some(first) = same {
                let at = self.col.location(first.part, Some(first.input.line), None);
                if first.input.value == value {
                    self.col.count_accepted(part, 1);
                    self.col.issue(
                        part,
                        Some(row.line),
                        Issue::new(
                            ProblemCode::DuplicateIdentical,
                            label(c.question),
                            Some(id),
                            format!(
                                "vendor '{vendor}': '{}' is answered again, as at {at}; merged into it",
                                crate::text::shown(id)
                            ),
                        ),
                    );
                } else {
                    let issue = Issue::new(
                        ProblemCode::DuplicateConflict,
                        label(c.question),
                        Some(id),
                        format!(
                            "vendor '{vendor}': '{}' is answered again, differently from {at}; the first is kept",
                            crate::text::shown(id)
                        ),
                    )
                    .help("remove one of the two rows");
                    self.col
                        .reject(part, Some(row.line), vec![issue], row.cells.clone());
                }
                continue;
            }
            self.col.count_accepted(part, 1);
            rows.kept.push(Kept {
                input: Input {
                    id: id.to_string(),
                    line: row.line,
                    value,
                    comment: comments.join(" / "),
                    evidence,
                    date,
                },
                part,
                answer_col: c.answer as u32,
            });
        }
        if !unmapped.is_empty() {
            let listed: Vec<String> = unmapped
                .iter()
                .take(LISTED)
                .map(|(id, line)| format!("{} (row {line})", crate::text::shown(id)))
                .collect();
            let more = unmapped.len().saturating_sub(LISTED);
            self.col.issue(
                part,
                Some(h.line),
                Issue::new(
                    ProblemCode::UnmappedQuestion,
                    label(c.question),
                    None,
                    format!(
                        "{} question(s) here are neither mapped nor ignored by adapter '{}', so their answers are not used: {}{}",
                        unmapped.len(),
                        a.name,
                        listed.join(", "),
                        if more > 0 { format!(", and {more} more") } else { String::new() }
                    ),
                )
                .help("map them in a [[map]] entry, or list them in the adapter's table.ignore"),
            );
        }
        counted
    }

    /// The supplier's profile fields the adapter reads from cells.
    fn profile(&mut self, grids: &[Grid], vendor: &VendorId) {
        // Read as one record, as the template's Profile sheet is: counted once, accepted whole
        // or rejected with every problem at its own cell.
        let limit = self.col.opts.limits.max_field_bytes;
        let mut parts: BTreeMap<Option<String>, u32> = BTreeMap::new();
        let mut fields = Vec::new();
        let mut issues: Vec<(u32, u64, Issue)> = Vec::new();
        let mut original = Vec::new();
        for p in &self.adapter.profile {
            // A cell on a sheet that is missing or unreadable is left out: the sheet's own
            // problem is reported, and the profile is the supplier's optional declaration.
            let Ok((sheet, text)) = scrm_adapter::cell_text(grids, p.sheet.as_ref(), p.cell) else {
                continue;
            };
            original.push(text.to_string());
            if text.trim().is_empty() {
                continue;
            }
            let key = sheet.map(str::to_string);
            let part = match parts.get(&key) {
                Some(&part) => part,
                None => {
                    let part = self.col.new_part(self.file, key.clone(), Vec::new(), false);
                    parts.insert(key, part);
                    part
                }
            };
            let cref = Some((
                p.cell.col,
                format!("{} ({})", column_letter(p.cell.col as usize), p.field),
            ));
            let checked = if text.len() > limit {
                Err(too_large(text.len(), limit, &cref, text))
            } else {
                check_profile_field(&p.field, text, &cref)
            };
            match checked {
                Ok(Some(v)) => fields.push((p.field.as_str(), v, part, p.cell.row, cref)),
                Ok(None) => {}
                Err(issue) => issues.push((part, p.cell.row, issue)),
            }
        }
        let Some(&first) = parts.values().next() else {
            return;
        };
        let part = issues.first().map_or(first, |(p, ..)| *p);
        self.col.count_read(part, 1);
        if issues.is_empty() {
            self.col.count_accepted(part, 1);
            let vi = self.col.vendor(vendor);
            for (field, v, part, row, cref) in fields {
                self.col
                    .profile_field(Layer::Supplier, vi, (field, &v), part, Some(row), &cref);
            }
            return;
        }
        let (part, row, issue) = issues.remove(0);
        for (p, r, i) in issues {
            self.col.issue(p, Some(r), i);
        }
        self.col.reject(part, Some(row), vec![issue], original);
    }

    /// Reports the foreign questions the adapter maps that this file lacks for `vendor`.
    fn report_missing(&mut self, vendor: &VendorId) {
        let ids: Vec<&str> = self
            .seen
            .get(vendor)
            .map_or_else(Vec::new, |v| v.iter().map(String::as_str).collect());
        let missing = scrm_adapter::missing(self.adapter, &ids);
        if missing.is_empty() {
            return;
        }
        let more = missing.len().saturating_sub(LISTED);
        let listed: Vec<&str> = missing.into_iter().take(LISTED).collect();
        self.col.issue(
            self.file_part,
            None,
            Issue::new(
                ProblemCode::MissingMappedQuestion,
                None,
                None,
                format!(
                    "vendor '{vendor}': adapter '{}' maps foreign questions this file does not hold: {}{}; the scrm questions they feed are answered from the rest, or left unanswered",
                    self.adapter.name,
                    listed.join(", "),
                    if more > 0 { format!(", and {more} more") } else { String::new() }
                ),
            )
            .help("check that the file is the complete questionnaire, in the version the adapter reads"),
        );
    }

    /// Applies the mappings to each vendor's foreign answers and stores what they give.
    fn derive(mut self) {
        let limit = self.col.opts.limits.max_field_bytes;
        let mut vendors = std::mem::take(&mut self.vendors);
        let seen: Vec<VendorId> = self.seen.keys().cloned().collect();
        for vendor in seen {
            self.report_missing(&vendor);
            let Some(VendorRows { kept, .. }) = vendors.remove(&vendor) else {
                continue;
            };
            let inputs: Vec<Input> = kept.iter().map(|k| k.input.clone()).collect();
            let out = scrm_adapter::apply(self.adapter, &inputs, limit);
            let vi = self.col.vendor(&vendor);
            for d in out.derived {
                let QRes::Known(gq, _) = self.col.resolve(d.to.as_str()) else {
                    continue;
                };
                let k = &kept[d.from[0]];
                if let Some(s) = Stored::keep(
                    gq,
                    (k.part, d.line, k.answer_col),
                    d.value,
                    &d.evidence,
                    d.date,
                    &d.comment,
                ) {
                    self.col.store(vi, s);
                }
            }
        }
    }
}
