//! Reading XLSX workbooks: the one-supplier template that `scrm template` writes (`Profile` and
//! `Questionnaire` sheets, localized labels), and workbooks whose sheets are plain long, wide or
//! profile tables. The zip directory is checked against the size limits before calamine opens it.

use crate::ProblemCode;
use crate::collector::{Collector, EXTRA, Layer};
use crate::csvin::{CsvRole, unreadable};
use crate::profiles::read_profiles;
use crate::table::{
    DefaultVendor, Header, Row, RowSource, SourceStop, TableKind, classify, column_letter,
    long_cols, read_exclusions, read_long, read_wide,
};
use crate::text::{Hashing, header_key};
use crate::validate::{Issue, PROFILE_FIELDS, blank_vendor, check_profile_field, extra_columns};
use crate::zipdir::{ReadOnce, central_directory};
use calamine::{Data, Reader, Xlsx};
use scrm_model::VendorId;
use std::path::Path;

/// Parts above this size are checked against the compression-ratio limit.
const RATIO_FLOOR: u64 = 1 << 20;

/// Reads one workbook into the collector.
pub(crate) fn read_xlsx_file(col: &mut Collector, path: &Path, display: String, role: CsvRole) {
    let part = col.new_file(display, "xlsx");
    if let Some(sheets) = load_workbook(col, part, path) {
        let read = sheets
            .into_iter()
            .filter_map(|(name, rows)| Some((name, rows?)))
            .collect();
        read_sheets(col, part, read, role);
    }
}

/// Opens a workbook within the limits and reads every sheet it can as rows of text, in the
/// workbook's order: a sheet that cannot be read is `None` (its problem recorded against the
/// file's `part`), so that "the first sheet" still means the workbook's first. `None` when the
/// workbook is not opened (the problem recorded). Records the file's digest.
pub(crate) fn load_workbook(
    col: &mut Collector,
    part: u32,
    path: &Path,
) -> Option<Vec<(String, Option<Vec<Row>>)>> {
    let limits = col.opts.limits;
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => {
            unreadable(col, part, &e.to_string());
            return None;
        }
    };
    if size > limits.max_xlsx_bytes {
        // Hash without holding the file, then refuse it.
        if let Ok(f) = std::fs::File::open(path)
            && let Ok(digest) = Hashing::new(f, col.opts.input_digest).finish()
        {
            col.file_of(part).digest = digest;
        }
        too_large(col, part, size, limits.max_xlsx_bytes);
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            unreadable(col, part, &e.to_string());
            return None;
        }
    };
    col.file_of(part).digest = col.opts.input_digest.hex_of(&bytes);
    let entries = match central_directory(&bytes) {
        Ok(e) => e,
        Err(why) => {
            unreadable(col, part, &format!("not an XLSX workbook: {why}"));
            return None;
        }
    };
    let total: u64 = entries.iter().map(|e| e.uncompressed).sum();
    if total > limits.max_xlsx_bytes {
        too_large(col, part, total, limits.max_xlsx_bytes);
        return None;
    }
    if let Some(e) = entries.iter().find(|e| {
        e.uncompressed > RATIO_FLOOR
            && e.uncompressed > e.compressed.max(1).saturating_mul(limits.max_xlsx_ratio)
    }) {
        col.issue(
            part,
            None,
            Issue::new(
                ProblemCode::XlsxRatio,
                None,
                Some(&e.name),
                format!(
                    "part '{}' expands from {} to {} bytes, more than {}:1; the workbook is not opened",
                    e.name, e.compressed, e.uncompressed, limits.max_xlsx_ratio
                ),
            )
            .help("re-save the workbook from Excel, or raise the XLSX ratio limit"),
        );
        return None;
    }
    let mut wb: Xlsx<_> = match Xlsx::new(ReadOnce::new(bytes, &entries)) {
        Ok(w) => w,
        Err(e) => {
            unreadable(col, part, &format!("not an XLSX workbook: {e}"));
            return None;
        }
    };
    let mut sheets = Vec::new();
    // What the workbook's rows may take once read, in bytes (see `SheetStop::Cells`).
    let mut budget = limits.max_xlsx_bytes;
    for name in wb.sheet_names() {
        let issue = match sheet_rows(&mut wb, &name, limits.max_columns, &mut budget) {
            Ok(rows) => {
                sheets.push((name, Some(rows)));
                continue;
            }
            Err(SheetStop::Xlsx(e)) => Issue::new(
                ProblemCode::UnreadableFile,
                None,
                Some(&name),
                format!("sheet '{name}' cannot be read: {e}"),
            ),
            Err(SheetStop::Column { row, col: c }) => Issue::new(
                ProblemCode::TooManyColumns,
                None,
                Some(&name),
                format!(
                    "sheet '{name}' has a cell at {}{} (column {}), beyond the limit of {} columns; the sheet is not read",
                    column_letter(c as usize),
                    u64::from(row) + 1,
                    u64::from(c) + 1,
                    limits.max_columns
                ),
            )
            .help("delete the stray cell, or raise the column limit"),
            Err(SheetStop::Cells) => Issue::new(
                ProblemCode::XlsxTooLarge,
                None,
                Some(&name),
                format!(
                    "sheet '{name}' holds more once read than the XLSX size limit of {} bytes (its cells' text, and {CELL_BYTES} bytes a cell, the blank ones before each row's last included); the sheet is not read",
                    limits.max_xlsx_bytes
                ),
            )
            .help("delete stray cells far from the table, or raise the XLSX size limit"),
        };
        col.issue(part, None, issue);
        sheets.push((name, None));
    }
    Some(sheets)
}

/// What a cell costs in memory besides its text, blank or not (its place in a row while the
/// sheet is read), for the budget of [`sheet_rows`].
const CELL_BYTES: u64 = 32;

/// Why a sheet is not read.
enum SheetStop {
    /// calamine could not read it.
    Xlsx(calamine::XlsxError),
    /// A cell lies at or past the column limit (0-based row and column).
    Column { row: u32, col: u32 },
    /// Its cells, their text and the blank cells before each row's last included, would take
    /// more bytes than the budget left.
    Cells,
}

/// A worksheet's non-blank rows as text, with Excel row numbers; trailing blank cells dropped.
/// Read cell by cell, not as calamine's dense range: a workbook of a few kilobytes can hold a
/// cell at XFD1048576, and the range from A1 to it is 17 billion cells. Rows without a cell
/// cost nothing. What the rows take is charged to `budget`, the XLSX size limit for the whole
/// workbook: each cell's text, and [`CELL_BYTES`] for each cell, the blank ones before a row's
/// last included. Without it, a sheet of a million rows each with one cell in column XFD is 16
/// billion cells from a 30 MB sheet, and 50,000 cells naming one shared string of 1 MiB are
/// 50 GB of text from a 766 KB workbook.
fn sheet_rows(
    wb: &mut Xlsx<ReadOnce>,
    name: &str,
    max_columns: usize,
    budget: &mut u64,
) -> Result<Vec<Row>, SheetStop> {
    // Charged to a copy, kept only when the sheet is read: one that is not gives back what it
    // took.
    let mut left = *budget;
    let mut reader = match wb.worksheet_cells_reader(name) {
        Ok(r) => r,
        // A chart sheet or dialog sheet holds no cells (as calamine's own range reading has it).
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(SheetStop::Xlsx(e)),
    };
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(SheetStop::Xlsx)? {
        let (row, c) = cell.get_position();
        if usize::try_from(c).map_or(true, |c| c >= max_columns) {
            return Err(SheetStop::Column { row, col: c });
        }
        let text = cell_text(Data::from(cell.get_value().clone()));
        if !text.is_empty() {
            take(&mut left, CELL_BYTES + text.len() as u64)?;
            cells.push((row, c, text));
        }
    }
    // Cells do not always come in order. Of two at one position the later counts, as in
    // calamine's range: the sort is stable, and the last of each run is kept.
    cells.sort_by_key(|&(r, c, _)| (r, c));
    // Each row's line and texts, a row's cells charged to the budget before they are made.
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let mut cells = cells.into_iter().peekable();
    while let Some((r, c, text)) = cells.next() {
        if cells.peek().is_some_and(|&(r2, c2, _)| (r2, c2) == (r, c)) {
            continue;
        }
        let line = u64::from(r) + 1;
        if rows.last().is_none_or(|(l, _)| *l != line) {
            rows.push((line, Vec::new()));
        }
        if let Some((_, texts)) = rows.last_mut() {
            // The column is under the column limit, so this fits in a usize; the cell itself
            // was charged as it was read.
            let blanks = c as usize - texts.len();
            take(&mut left, CELL_BYTES * blanks as u64)?;
            texts.resize(c as usize, String::new());
            texts.push(text);
        }
    }
    *budget = left;
    Ok(rows
        .into_iter()
        .filter_map(|(line, mut texts)| {
            while texts.last().is_some_and(|t| t.trim().is_empty()) {
                texts.pop();
            }
            (!texts.is_empty()).then(|| Row {
                line,
                cells: csv::StringRecord::from(texts),
                ..Row::default()
            })
        })
        .collect())
}

fn too_large(col: &mut Collector, part: u32, size: u64, max: u64) {
    col.issue(
        part,
        None,
        Issue::new(
            ProblemCode::XlsxTooLarge,
            None,
            None,
            format!("the workbook holds {size} bytes uncompressed, over the limit of {max}; it is not opened"),
        )
        .help("split the workbook, or raise the XLSX size limit"),
    );
}

/// Whether a sheet name is `prefix`, possibly followed by a space and a localized name.
fn sheet_is(name: &str, prefix: &str) -> bool {
    let n = name.trim();
    n.len() >= prefix.len()
        && n.is_char_boundary(prefix.len())
        && n[..prefix.len()].eq_ignore_ascii_case(prefix)
        && n[prefix.len()..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
}

/// Takes `cost` bytes from `budget`, or says the sheet is over it.
fn take(budget: &mut u64, cost: u64) -> Result<(), SheetStop> {
    *budget = budget.checked_sub(cost).ok_or(SheetStop::Cells)?;
    Ok(())
}

/// A cell as the text a CSV export would hold: whole numbers without `.0`, dates as YYYY-MM-DD.
/// Takes the cell, so that its text moves rather than being copied again.
fn cell_text(d: Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s,
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) => match s.get(..10) {
            Some(d) if crate::text::parse_date(d).is_some() => d.to_string(),
            _ => s,
        },
        Data::DurationIso(s) => s,
        Data::Error(e) => e.to_string(),
    }
}

struct VecRows(std::vec::IntoIter<Row>);

impl RowSource for VecRows {
    fn next_row(&mut self) -> Option<Result<Row, SourceStop>> {
        self.0.next().map(Ok)
    }
}

/// Splits a sheet into its header (first non-blank row) and the rows below.
fn header_and_rows(rows: Vec<Row>) -> Option<(Header, VecRows)> {
    let mut it = rows.into_iter();
    let first = it.next()?;
    Some((Header::new(first.original(), first.line, true), VecRows(it)))
}

fn read_sheets(
    col: &mut Collector,
    file_part: u32,
    sheets: Vec<(String, Vec<Row>)>,
    role: CsvRole,
) {
    let file = col.parts[file_part as usize].file;
    let template = sheets.iter().any(|(n, _)| sheet_is(n, "Questionnaire"))
        || sheets.iter().any(|(n, _)| sheet_is(n, "Profile"));
    // The template's Profile sheet first: it names the vendor the Questionnaire answers for.
    let mut default = DefaultVendor::Missing(
        "this template workbook has no Profile sheet with a vendor_id".to_string(),
    );
    let mut rest = Vec::new();
    let mut saw_profile = false;
    for (name, rows) in sheets {
        let is_template_profile = sheet_is(&name, "Profile")
            && rows.first().is_some_and(|r| {
                let keys: Vec<String> = r.cells.iter().map(header_key).collect();
                keys.iter().any(|k| k == "field") && keys.iter().any(|k| k == "value")
            });
        if is_template_profile && !saw_profile {
            saw_profile = true;
            let Some((header, body)) = header_and_rows(rows) else {
                continue;
            };
            let part = col.new_part(file, Some(name), header.labels.clone(), false);
            default = read_template_profile(col, part, &header, body.0.collect());
        } else {
            rest.push((name, rows));
        }
    }
    if template {
        col.file_of(file_part).kind = "xlsx-template";
    }
    for (name, rows) in rest {
        if sheet_is(&name, "Instructions") {
            continue;
        }
        let Some((header, mut body)) = header_and_rows(rows) else {
            continue;
        };
        let part = col.new_part(file, Some(name.clone()), header.labels.clone(), false);
        if !crate::table::within_columns(col, part, &header) {
            continue;
        }
        let layer = if role == CsvRole::BuyerProfiles {
            Layer::Buyer
        } else {
            Layer::Supplier
        };
        let kind = match role {
            CsvRole::Exclusions => TableKind::Exclusions,
            _ => classify(&header, col),
        };
        match kind {
            TableKind::Long => {
                let in_template = template && header.find("vendor_id").is_none();
                let Some(cols) = long_cols(col, part, &header, !in_template) else { continue };
                let dv = if in_template { &default } else { &DefaultVendor::None };
                read_long(col, part, &header, &cols, dv, &mut body);
            }
            TableKind::Wide => read_wide(col, part, &header, &mut body),
            TableKind::Profiles => read_profiles(col, part, &header, layer, &mut body),
            TableKind::Exclusions => read_exclusions(col, part, &header, &mut body),
            TableKind::Unknown => col.issue(
                part,
                Some(header.row),
                Issue::new(
                    ProblemCode::SkippedSheet,
                    None,
                    Some(&name),
                    format!("sheet '{name}' has no vendor_id or question_id header; skipped"),
                )
                .help("answers need a question_id column (long) or vendor_id plus question columns (wide)"),
            ),
        }
    }
}

/// Reads the template's Profile sheet (`field | label | value | help`, one field per row) as one
/// profile record; returns the vendor the Questionnaire sheet answers for.
fn read_template_profile(
    col: &mut Collector,
    part: u32,
    header: &Header,
    rows: Vec<Row>,
) -> DefaultVendor {
    let (Some(fcol), Some(vcol)) = (header.find("field"), header.find("value")) else {
        return DefaultVendor::Missing("the Profile sheet has no field/value columns".to_string());
    };
    col.count_read(part, 1);
    let limit = col.opts.limits.max_field_bytes;
    let mut issues = Vec::new();
    let mut vendor: Option<(VendorId, u64)> = None;
    let mut vendor_row = None;
    let mut fields = Vec::new();
    let mut extras = Vec::new();
    let mut original = vec![String::new(); 1 + PROFILE_FIELDS.len()];
    for row in &rows {
        let key = header_key(row.cells.get(fcol).unwrap_or(""));
        if key.is_empty() {
            continue;
        }
        let value = row.cells.get(vcol).unwrap_or("");
        let cref = Some((vcol as u32, format!("{} ({key})", column_letter(vcol))));
        let mut ri = Vec::new();
        if value.len() > limit {
            ri.push(crate::validate::too_large(value.len(), limit, &cref, value));
        } else if key == "vendor_id" {
            original[0] = value.to_string();
            vendor_row = Some(row.line);
            match VendorId::new(value) {
                Some(v) => vendor = Some((v, row.line)),
                None => ri.push(blank_vendor(&cref)),
            }
        } else if let Some(i) = PROFILE_FIELDS.iter().position(|f| *f == key) {
            original[i + 1] = value.to_string();
            match check_profile_field(&key, value, &cref) {
                Ok(Some(v)) => fields.push((key.clone(), v, row.line, cref.clone())),
                Ok(None) => {}
                Err(i) => ri.push(i),
            }
        } else if !value.trim().is_empty() {
            let name = row.cells.get(fcol).map_or("", |s| s.trim()).to_string();
            extras.push(name.clone());
            fields.push((
                format!("{EXTRA}{name}"),
                value.trim().to_string(),
                row.line,
                cref.clone(),
            ));
        }
        for i in ri {
            issues.push((row.line, i));
        }
    }
    if !extras.is_empty() {
        col.issue(
            part,
            Some(header.row),
            extra_columns(
                &extras,
                "profile fields outside the format are kept and passed through",
            ),
        );
    }
    if vendor.is_none() && vendor_row.is_none() {
        issues.push((
            header.row,
            Issue::new(
                ProblemCode::BlankVendorId,
                None,
                None,
                "the Profile sheet has no vendor_id row".to_string(),
            )
            .help("add a row with field vendor_id and the buyer-assigned id as its value"),
        ));
    }
    let default = match &vendor {
        Some((v, _)) => DefaultVendor::Given(v.clone()),
        None => DefaultVendor::Missing(
            "the Profile sheet's vendor_id is blank, so these answers have no vendor".to_string(),
        ),
    };
    if issues.is_empty() {
        if let Some((v, _)) = &vendor {
            let vi = col.vendor(v);
            col.count_accepted(part, 1);
            for (k, val, line, cref) in fields {
                col.profile_field(Layer::Supplier, vi, (&k, &val), part, Some(line), &cref);
            }
        }
        return default;
    }
    if let Some((v, _)) = &vendor {
        col.vendor(v);
    }
    // One reject for the record, located at its first problem; every problem at its own row.
    let first_row = issues.first().map(|(r, _)| *r);
    let (_, first) = issues.remove(0);
    for (row, i) in issues {
        col.issue(part, Some(row), i);
    }
    col.reject(part, first_row, vec![first], original);
    default
}
