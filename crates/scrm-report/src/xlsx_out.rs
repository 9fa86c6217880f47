//! The XLSX portfolio workbook: `Summary` (manifest and counts), `Vendors` (one row per vendor,
//! every flat column then the profile passthrough), `Findings` (one row per finding) and
//! `Remediation` (one row per plan step; the header row alone when no supplier has a plan, so
//! the sheets an import looks up by name or place are always there).
//!
//! A table longer than Excel's 1,048,576 rows a sheet (the findings or plan steps of a large
//! portfolio) continues on `Findings (2)`, `Findings (3)` and so on, each sheet with the header
//! row: no row is lost, and the workbook is not refused.
//!
//! The data sheets are written in rust_xlsxwriter's constant-memory mode: each row goes to a
//! temporary file as the next one starts, with its strings inline, so the workbook of a large
//! portfolio holds one row a sheet rather than every cell until the save. Rows are therefore
//! written strictly in order; the widths, filter and shading that depend on every row are set
//! when a table ends, as the writer allows (they are written before the rows at the save).
//!
//! Data sheets have a frozen header row, an autofilter and readable column widths; the status
//! cell is coloured (eligible green, conditional amber, at-risk red, excluded dark red). Supplier
//! text is written with `write_string` only (never as a formula) and still neutralized, numbers
//! as numbers. The document's creation time is the run's `as_of` date, so the bytes depend only
//! on the inputs.

use crate::ReportError;
use crate::cell::{neutralize_cell, round4, str_width, truncate_utf16};
use crate::csv_out::{PROFILE_COLUMNS, extra_columns, profile_values};
use crate::flat::{FlatRow, FlatValue, flat_columns};
use chrono::Datelike;
use rust_xlsxwriter::{
    Color, ConditionalFormat3ColorScale, ConditionalFormatType, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use scrm_model::{
    Finding, GaiRisk, GovernanceTag, Lens, Plan, RunManifest, Status, Tier, VendorResult, ViewRow,
};
use std::collections::BTreeMap;

/// Excel's cell text limit in UTF-16 units.
pub(crate) const CELL_MAX: usize = 32_767;

/// Excel's rows a sheet, the header row included.
const SHEET_ROWS: usize = 1_048_576;

/// Fill and font colours of a status cell.
pub(crate) fn status_colors(s: Status) -> (u32, u32) {
    match s {
        Status::Eligible => (0xC6EFCE, 0x006100),
        Status::Conditional => (0xFFEB9C, 0x9C5700),
        Status::AtRisk => (0xF8CBAD, 0x9C0006),
        Status::Excluded => (0x7F1D1D, 0xFFFFFF),
    }
}

/// Formats shared by the workbook's sheets.
pub(crate) struct Styles {
    pub header: Format,
    pub number: Format,
    pub title: Format,
    pub status: BTreeMap<Status, Format>,
}

impl Styles {
    pub(crate) fn new() -> Self {
        let status = Status::ALL
            .iter()
            .map(|s| {
                let (bg, fg) = status_colors(*s);
                (
                    *s,
                    Format::new()
                        .set_background_color(Color::RGB(bg))
                        .set_font_color(Color::RGB(fg))
                        .set_bold(),
                )
            })
            .collect();
        Self {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x1F3A5F))
                .set_font_color(Color::White)
                .set_border_bottom(FormatBorder::Thin)
                .set_align(FormatAlign::Top)
                .set_text_wrap(),
            number: Format::new().set_num_format("0.00##"),
            title: Format::new().set_bold().set_font_size(14),
            status,
        }
    }
}

/// Writes untrusted text: neutralized, cut to Excel's cell limit, always as a string.
pub(crate) fn put_text(ws: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<(), ReportError> {
    if !s.is_empty() {
        let n = neutralize_cell(s);
        ws.write_string(row, col, truncate_utf16(&n, CELL_MAX))?;
    }
    Ok(())
}

/// Tracks the widest value per column to set readable widths at the end.
pub(crate) struct Widths(Vec<usize>);

impl Widths {
    pub(crate) fn new(headers: &[impl AsRef<str>]) -> Self {
        Self(headers.iter().map(|h| str_width(h.as_ref())).collect())
    }
    pub(crate) fn see(&mut self, col: usize, s: &str) {
        if let Some(w) = self.0.get_mut(col) {
            *w = (*w).max(str_width(s));
        }
    }
    pub(crate) fn apply(
        &self,
        ws: &mut Worksheet,
        min: usize,
        max: usize,
    ) -> Result<(), ReportError> {
        for (i, w) in self.0.iter().enumerate() {
            let w = (*w + 2).clamp(min, max);
            ws.set_column_width(col(i), w as f64)?;
        }
        Ok(())
    }
}

/// A column index as the writer's type (workbooks here never exceed Excel's 16,384 columns).
pub(crate) fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// A row index as the writer's type.
pub(crate) fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn write_header(
    ws: &mut Worksheet,
    headers: &[String],
    styles: &Styles,
) -> Result<(), ReportError> {
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col(i), neutralize_cell(h), &styles.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn finish_table(
    ws: &mut Worksheet,
    rows: usize,
    cols: usize,
    widths: &Widths,
) -> Result<(), ReportError> {
    if cols > 0 {
        ws.autofilter(0, 0, row(rows), col(cols - 1))?;
    }
    widths.apply(ws, 8, 60)
}

/// Where a table's sheets go: the workbook, its formats, and the data rows a sheet holds.
struct Out<'w> {
    wb: &'w mut Workbook,
    st: &'w Styles,
    per_sheet: usize,
}

impl Out<'_> {
    /// A table named `name` with these headers, over as many sheets as it needs.
    fn table<'a>(
        &mut self,
        name: &'a str,
        headers: &'a [String],
    ) -> Result<Paged<'a>, ReportError> {
        Paged::new(self.wb, name, headers, self.per_sheet, self.st)
    }
}

/// One table's rows over as many sheets as Excel's row limit needs: `name`, then
/// `name (2)`, `name (3)`…, each with the header row frozen, an autofilter and the table's
/// column widths. The sheets join the workbook, in order, when the table is finished.
struct Paged<'a> {
    name: &'a str,
    headers: &'a [String],
    /// Data rows a sheet holds.
    per_sheet: usize,
    /// Full sheets, with their data rows.
    full: Vec<(Worksheet, usize)>,
    ws: Worksheet,
    n: usize,
    widths: Widths,
}

impl<'a> Paged<'a> {
    fn new(
        wb: &mut Workbook,
        name: &'a str,
        headers: &'a [String],
        per_sheet: usize,
        st: &Styles,
    ) -> Result<Self, ReportError> {
        Ok(Self {
            name,
            headers,
            per_sheet: per_sheet.max(1),
            full: Vec::new(),
            ws: Self::sheet(wb, name, headers, 1, st)?,
            n: 0,
            widths: Widths::new(headers),
        })
    }

    /// The `k`th sheet of the table (from 1), with its header row: a constant-memory sheet of
    /// `wb`, which joins it at [`Paged::finish`].
    fn sheet(
        wb: &mut Workbook,
        name: &str,
        headers: &[String],
        k: usize,
        st: &Styles,
    ) -> Result<Worksheet, ReportError> {
        let mut ws = wb.new_worksheet_with_constant_memory()?;
        if k == 1 {
            ws.set_name(name)?;
        } else {
            ws.set_name(format!("{name} ({k})"))?;
        }
        write_header(&mut ws, headers, st)?;
        Ok(ws)
    }

    /// Where the next data row goes: its sheet, its row there, and the table's widths. The row
    /// before it is final from then on (constant-memory mode writes it out).
    fn next(&mut self, o: &mut Out<'_>) -> Result<(&mut Worksheet, u32, &mut Widths), ReportError> {
        if self.n == self.per_sheet {
            let k = self.full.len() + 2;
            let next = Self::sheet(o.wb, self.name, self.headers, k, o.st)?;
            let full = std::mem::replace(&mut self.ws, next);
            self.full.push((full, self.n));
            self.n = 0;
        }
        self.n += 1;
        Ok((&mut self.ws, row(self.n), &mut self.widths))
    }

    /// Adds the table's sheets to `wb`, each finished by `each` (given its data rows) too.
    fn finish(
        self,
        wb: &mut Workbook,
        each: impl Fn(&mut Worksheet, usize) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        let cols = self.headers.len();
        for (mut ws, n) in self.full.into_iter().chain([(self.ws, self.n)]) {
            finish_table(&mut ws, n, cols, &self.widths)?;
            each(&mut ws, n)?;
            wb.push_worksheet(ws);
        }
        Ok(())
    }
}

pub(crate) fn creation_props(
    manifest: &RunManifest,
    title: &str,
) -> Result<DocProperties, ReportError> {
    let d = manifest.as_of;
    let when = ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(2000),
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    )?;
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("scrm")
        .set_creation_datetime(&when))
}

pub(crate) fn render_xlsx(
    results: &[VendorResult],
    manifest: &RunManifest,
    plans: &[Plan],
) -> Result<Vec<u8>, ReportError> {
    render_xlsx_with_views(results, manifest, plans, None)
}

/// The portfolio workbook, with a `GenAI risks` and a `Governance` sheet when `views` (each
/// supplier's two views as numbers, in any order; possibly none) are given: one row per supplier, one column per risk
/// (readiness 0-5) or per lens and task (attainment 0-1), shaded red to green, for the pivots
/// and filters an analyst makes of them.
pub fn render_xlsx_with_views(
    results: &[VendorResult],
    manifest: &RunManifest,
    plans: &[Plan],
    views: Option<&[ViewRow]>,
) -> Result<Vec<u8>, ReportError> {
    render_paged(results, manifest, plans, views, SHEET_ROWS - 1)
}

/// [`render_xlsx_with_views`] with `per_sheet` data rows a sheet.
fn render_paged(
    results: &[VendorResult],
    manifest: &RunManifest,
    plans: &[Plan],
    views: Option<&[ViewRow]>,
    per_sheet: usize,
) -> Result<Vec<u8>, ReportError> {
    let styles = Styles::new();
    let rows = crate::by_vendor_id(results);
    let mut wb = Workbook::new();
    wb.set_properties(&creation_props(manifest, "scrm portfolio results")?);

    summary_sheet(
        wb.add_worksheet().set_name("Summary")?,
        results,
        manifest,
        &styles,
    )?;
    let mut o = Out {
        wb: &mut wb,
        st: &styles,
        per_sheet,
    };
    vendors_sheet(&mut o, &rows)?;
    findings_sheet(&mut o, &rows)?;
    // Written with its header row alone when no supplier needs a plan: a night when every
    // supplier is eligible keeps the sheets an import looks up by name or by place.
    remediation_sheet(&mut o, &rows, plans)?;
    // With views asked for, both sheets are written, header rows at least (an empty run's
    // workbook has the sheets a pivot looks up by name).
    if let Some(views) = views {
        let mut views: Vec<&ViewRow> = views.iter().collect();
        views.sort_by(|a, b| a.vendor_id.cmp(&b.vendor_id));
        risks_sheet(&mut o, &views)?;
        governance_sheet(&mut o, &views)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// Red (low) to green (high) over `lo..=hi`, the page's own shading of a score.
fn shade(lo: f64, hi: f64) -> ConditionalFormat3ColorScale {
    ConditionalFormat3ColorScale::new()
        .set_minimum(ConditionalFormatType::Number, lo)
        .set_midpoint(ConditionalFormatType::Number, (lo + hi) / 2.0)
        .set_maximum(ConditionalFormatType::Number, hi)
        .set_minimum_color("F8696B")
        .set_midpoint_color("FFEB84")
        .set_maximum_color("63BE7B")
}

/// One row per supplier, one readiness column per GenAI risk of NIST AI 600-1.
fn risks_sheet(o: &mut Out<'_>, views: &[&ViewRow]) -> Result<(), ReportError> {
    let headers: Vec<String> = std::iter::once("vendor_id".to_string())
        .chain(
            GaiRisk::ALL
                .iter()
                .map(|r| format!("readiness_{}", r.as_str())),
        )
        .collect();
    numbers_sheet(o, "GenAI risks", views, &headers, |v| &v.readiness[..], 5.0)
}

/// One row per supplier, one attainment column per lens and ISO/IEC 38500 task.
fn governance_sheet(o: &mut Out<'_>, views: &[&ViewRow]) -> Result<(), ReportError> {
    let headers: Vec<String> = std::iter::once("vendor_id".to_string())
        .chain(Lens::ALL.iter().flat_map(|l| {
            GovernanceTag::ALL
                .iter()
                .map(move |t| format!("{}_{}_attainment", l.as_str(), t.as_str()))
        }))
        .collect();
    numbers_sheet(o, "Governance", views, &headers, |v| &v.attainment[..], 1.0)
}

/// A sheet of one row per supplier: its id, then `values` to four decimals (a blank for none),
/// shaded from 0 to `top`.
fn numbers_sheet(
    o: &mut Out<'_>,
    name: &str,
    views: &[&ViewRow],
    headers: &[String],
    values: impl Fn(&ViewRow) -> &[Option<f64>],
    top: f64,
) -> Result<(), ReportError> {
    let st = o.st;
    let mut t = o.table(name, headers)?;
    for v in views {
        let (ws, xr, widths) = t.next(o)?;
        put_text(ws, xr, 0, v.vendor_id.as_str())?;
        widths.see(0, v.vendor_id.as_str());
        for (c, x) in values(v).iter().enumerate() {
            if let Some(x) = x {
                ws.write_number_with_format(xr, col(c + 1), round4(*x), &st.number)?;
            }
        }
    }
    let last_col = col(headers.len() - 1);
    t.finish(o.wb, |ws, n| {
        if n > 0 && last_col > 0 {
            ws.add_conditional_format(1, 1, row(n), last_col, &shade(0.0, top))?;
        }
        Ok(())
    })
}

fn summary_sheet(
    ws: &mut Worksheet,
    results: &[VendorResult],
    m: &RunManifest,
    st: &Styles,
) -> Result<(), ReportError> {
    ws.write_string_with_format(0, 0, "scrm portfolio results", &st.title)?;
    let mut r = 2u32;
    let kv: [(&str, String); 7] = [
        ("tool_version", m.tool_version.clone()),
        ("catalog_version", m.catalog_version.clone()),
        ("catalog_hash", m.catalog_hash.clone()),
        ("policy_name", m.policy_name.clone()),
        ("policy_hash", m.policy_hash.clone()),
        ("as_of", m.as_of.to_string()),
        ("generated_at", m.generated_at.clone()),
    ];
    ws.write_string_with_format(r, 0, "manifest", &st.header)?;
    ws.write_string_with_format(r, 1, "value", &st.header)?;
    r += 1;
    for (k, v) in kv {
        ws.write_string(r, 0, k)?;
        put_text(ws, r, 1, &v)?;
        r += 1;
    }
    for (k, v) in [
        ("vendors", m.counts.vendors),
        ("rows_read", m.counts.rows_read),
        ("accepted", m.counts.accepted),
        ("rejected", m.counts.rejected),
    ] {
        ws.write_string(r, 0, k)?;
        ws.write_number(r, 1, v as f64)?;
        r += 1;
    }

    r += 1;
    ws.write_string_with_format(r, 0, "status", &st.header)?;
    ws.write_string_with_format(r, 1, "vendors", &st.header)?;
    r += 1;
    for s in Status::ALL.iter().rev() {
        ws.write_string_with_format(r, 0, s.as_str(), &st.status[s])?;
        ws.write_number(
            r,
            1,
            results.iter().filter(|x| x.status == *s).count() as f64,
        )?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "tier", &st.header)?;
    ws.write_string_with_format(r, 1, "vendors", &st.header)?;
    for (i, s) in Status::ALL.iter().rev().enumerate() {
        ws.write_string_with_format(r, col(2 + i), s.as_str(), &st.header)?;
    }
    r += 1;
    for t in Tier::ALL.iter().rev() {
        ws.write_string(r, 0, t.as_str())?;
        let in_tier: Vec<&VendorResult> = results.iter().filter(|x| x.tier == *t).collect();
        ws.write_number(r, 1, in_tier.len() as f64)?;
        for (i, s) in Status::ALL.iter().rev().enumerate() {
            let n = in_tier.iter().filter(|x| x.status == *s).count();
            ws.write_number(r, col(2 + i), n as f64)?;
        }
        r += 1;
    }

    r += 1;
    let input_headers = [
        "input",
        "kind",
        "digest",
        "rows_read",
        "accepted",
        "rejected",
    ];
    for (i, h) in input_headers.iter().enumerate() {
        ws.write_string_with_format(r, col(i), *h, &st.header)?;
    }
    r += 1;
    for f in &m.inputs {
        put_text(ws, r, 0, &f.path)?;
        put_text(ws, r, 1, &f.kind)?;
        ws.write_string(r, 2, f.digest())?;
        ws.write_number(r, 3, f.rows_read as f64)?;
        ws.write_number(r, 4, f.accepted as f64)?;
        ws.write_number(r, 5, f.rejected as f64)?;
        r += 1;
    }
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 66)?;
    for c in 2..6 {
        ws.set_column_width(c, 12)?;
    }
    Ok(())
}

fn vendors_sheet(o: &mut Out<'_>, rows: &[&VendorResult]) -> Result<(), ReportError> {
    let extras = extra_columns(rows);
    let mut headers: Vec<String> = flat_columns().iter().map(|s| (*s).to_string()).collect();
    let n_flat = headers.len();
    headers.extend(PROFILE_COLUMNS.iter().map(|s| (*s).to_string()));
    headers.extend(extras.iter().map(|(_, h)| h.clone()));
    let st = o.st;
    let mut t = o.table("Vendors", &headers)?;
    let status_col = 3;
    for r in rows {
        let (ws, xr, widths) = t.next(o)?;
        let flat = FlatRow::from_result(r);
        for (c, v) in flat.values().into_iter().enumerate() {
            match v {
                FlatValue::Text(Some(s)) if c == status_col => {
                    ws.write_string_with_format(xr, col(c), s, &st.status[&r.status])?;
                    widths.see(c, s);
                }
                FlatValue::Text(Some(s)) => {
                    put_text(ws, xr, col(c), s)?;
                    widths.see(c, s);
                }
                FlatValue::Float(Some(x)) => {
                    ws.write_number_with_format(xr, col(c), x, &st.number)?;
                    widths.see(c, "0.0000");
                }
                FlatValue::UInt8(x) => {
                    ws.write_number(xr, col(c), f64::from(x))?;
                }
                FlatValue::Text(None) | FlatValue::Float(None) => {}
            }
        }
        let mut c = n_flat;
        for v in profile_values(&r.profile) {
            put_text(ws, xr, col(c), v)?;
            widths.see(c, v);
            c += 1;
        }
        for (k, _) in &extras {
            let v = r.profile.extra.get(k).map(String::as_str).unwrap_or("");
            put_text(ws, xr, col(c), v)?;
            widths.see(c, v);
            c += 1;
        }
    }
    t.finish(o.wb, |_, _| Ok(()))
}

fn finding_cells(f: &Finding) -> [String; 6] {
    [
        f.code.as_str().to_string(),
        f.severity.as_str().to_string(),
        f.lens.map(|l| l.as_str().to_string()).unwrap_or_default(),
        f.message().into_owned(),
        f.questions
            .iter()
            .map(|q| q.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        f.exempted.clone().unwrap_or_default(),
    ]
}

fn findings_sheet(o: &mut Out<'_>, rows: &[&VendorResult]) -> Result<(), ReportError> {
    let headers: Vec<String> = [
        "vendor_id",
        "name",
        "status",
        "code",
        "severity",
        "lens",
        "message",
        "questions",
        "exempted",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let st = o.st;
    let mut t = o.table("Findings", &headers)?;
    for r in rows {
        for f in &r.findings {
            let (ws, xr, widths) = t.next(o)?;
            let name = r.profile.name.as_deref().unwrap_or("");
            put_text(ws, xr, 0, r.vendor_id.as_str())?;
            put_text(ws, xr, 1, name)?;
            ws.write_string_with_format(xr, 2, r.status.as_str(), &st.status[&r.status])?;
            widths.see(0, r.vendor_id.as_str());
            widths.see(1, name);
            widths.see(2, r.status.as_str());
            for (i, v) in finding_cells(f).iter().enumerate() {
                put_text(ws, xr, col(3 + i), v)?;
                widths.see(3 + i, v);
            }
        }
    }
    t.finish(o.wb, |_, _| Ok(()))
}

/// `rows`: the results by vendor id, where each plan's supplier is looked up for its name.
fn remediation_sheet(
    o: &mut Out<'_>,
    rows: &[&VendorResult],
    plans: &[Plan],
) -> Result<(), ReportError> {
    let headers: Vec<String> = [
        "vendor_id",
        "name",
        "status_before",
        "status_after",
        "feasible",
        "provably_minimal",
        "step",
        "question",
        "from",
        "to",
        "increase",
        "total_increase",
        "unfixable",
        "remaining",
        "min_steps",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let st = o.st;
    let mut t = o.table("Remediation", &headers)?;
    let mut sorted: Vec<&Plan> = plans.iter().collect();
    sorted.sort_by(|a, b| a.vendor_id.cmp(&b.vendor_id));
    let codes = |fs: &[Finding]| {
        fs.iter()
            .map(|f| f.code.as_str())
            .collect::<Vec<_>>()
            .join(";")
    };
    for p in sorted {
        // Looked up, not searched for: a linear search per plan was quadratic at 100,000.
        let name = rows
            .binary_search_by(|r| r.vendor_id.cmp(&p.vendor_id))
            .ok()
            .and_then(|i| rows[i].profile.name.as_deref())
            .unwrap_or("");
        // A plan without steps (nothing to change, or a hard gate) still gets one row.
        let steps: Vec<Option<(usize, &scrm_model::PlanStep)>> = if p.steps.is_empty() {
            vec![None]
        } else {
            p.steps.iter().enumerate().map(Some).collect()
        };
        for s in steps {
            let (ws, xr, widths) = t.next(o)?;
            put_text(ws, xr, 0, p.vendor_id.as_str())?;
            put_text(ws, xr, 1, name)?;
            widths.see(0, p.vendor_id.as_str());
            widths.see(1, name);
            ws.write_string_with_format(
                xr,
                2,
                p.status_before.as_str(),
                &st.status[&p.status_before],
            )?;
            ws.write_string_with_format(
                xr,
                3,
                p.status_after.as_str(),
                &st.status[&p.status_after],
            )?;
            ws.write_boolean(xr, 4, p.feasible)?;
            ws.write_boolean(xr, 5, p.provably_minimal)?;
            if let Some((i, step)) = s {
                ws.write_number(xr, 6, (i + 1) as f64)?;
                put_text(ws, xr, 7, step.question.as_str())?;
                widths.see(7, step.question.as_str());
                ws.write_string(xr, 8, step.from.canonical())?;
                ws.write_string(xr, 9, step.to.canonical())?;
                ws.write_number_with_format(xr, 10, round4(step.increase), &st.number)?;
            }
            ws.write_number_with_format(xr, 11, round4(p.total_increase), &st.number)?;
            let u = codes(&p.unfixable);
            let rem = codes(&p.remaining);
            put_text(ws, xr, 12, &u)?;
            put_text(ws, xr, 13, &rem)?;
            widths.see(12, &u);
            widths.see(13, &rem);
            ws.write_number(xr, 14, p.min_steps as f64)?;
        }
    }
    t.finish(o.wb, |_, _| Ok(()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testutil;
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use std::io::Cursor;

    /// Every sheet of a workbook as text: `== name ==` then one line per row, cells separated by
    /// ` | `, numbers in their shortest form, dates as `date:YYYY-MM-DD`.
    pub(crate) fn dump_xlsx(bytes: &[u8]) -> String {
        let mut wb: Xlsx<_> = match open_workbook_from_rs(Cursor::new(bytes.to_vec())) {
            Ok(wb) => wb,
            Err(e) => return format!("cannot open: {e}"),
        };
        let mut out = String::new();
        for name in wb.sheet_names() {
            out.push_str(&format!("== {name} ==\n"));
            let Ok(range) = wb.worksheet_range(&name) else {
                continue;
            };
            for r in range.rows() {
                let cells: Vec<String> = r.iter().map(cell_text).collect();
                out.push_str(cells.join(" | ").trim_end());
                out.push('\n');
            }
        }
        out
    }

    pub(crate) fn cell_text(d: &Data) -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => format!("{s:?}"),
            Data::Float(f) => format!("{f}"),
            Data::Int(i) => format!("{i}"),
            Data::Bool(b) => format!("{b}"),
            // Excel serial days count from 1899-12-30 (for dates after 1900-03-01).
            Data::DateTime(dt) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|b| b.checked_add_signed(chrono::TimeDelta::days(dt.as_f64() as i64)))
                .map_or_else(|| format!("date:{}", dt.as_f64()), |d| format!("date:{d}")),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn workbook_cells_snapshot() {
        let bytes = render_xlsx(
            &testutil::sample_results(),
            &testutil::sample_manifest(),
            &testutil::sample_plans(),
        )
        .unwrap_or_default();
        insta::assert_snapshot!(dump_xlsx(&bytes));
    }

    /// A table longer than a sheet continues on `Name (2)`, `Name (3)`…, each with the header
    /// row; the sheets' rows, in order, are the table's. (Excel's limit is 1,048,576 rows; the
    /// same code runs with three data rows a sheet here.)
    #[test]
    fn long_tables_continue_on_numbered_sheets() {
        let (results, manifest, plans) = (
            testutil::sample_results(),
            testutil::sample_manifest(),
            testutil::sample_plans(),
        );
        // Each supplier's views: numbers that tell the rows apart.
        let views: Vec<ViewRow> = results
            .iter()
            .enumerate()
            .map(|(i, r)| ViewRow {
                vendor_id: r.vendor_id.clone(),
                readiness: std::array::from_fn(|k| Some((i + k) as f64 % 5.0)),
                attainment: std::array::from_fn(|k| (k % 3 != 0).then_some(0.1 * i as f64)),
            })
            .collect();
        let whole = render_paged(&results, &manifest, &plans, Some(&views), SHEET_ROWS - 1)
            .unwrap_or_else(|e| panic!("{e}"));
        let paged = render_paged(&results, &manifest, &plans, Some(&views), 3)
            .unwrap_or_else(|e| panic!("{e}"));
        let sheets = |bytes: &[u8]| -> Vec<(String, Vec<Vec<String>>)> {
            let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec()))
                .unwrap_or_else(|e| panic!("{e}"));
            wb.sheet_names()
                .into_iter()
                .map(|name| {
                    let range = wb.worksheet_range(&name).unwrap_or_else(|e| panic!("{e}"));
                    let rows = range.rows().map(|r| r.iter().map(cell_text).collect());
                    (name, rows.collect())
                })
                .collect()
        };
        let (whole, paged) = (sheets(&whole), sheets(&paged));
        let mut names = Vec::new();
        for (name, rows) in &whole {
            let pages: Vec<&(String, Vec<Vec<String>>)> = paged
                .iter()
                .filter(|(n, _)| n == name || n.starts_with(&format!("{name} (")))
                .collect();
            if name == "Summary" {
                assert_eq!(pages.len(), 1);
                continue;
            }
            assert_eq!(pages.len(), (rows.len() - 1).div_ceil(3).max(1), "{name}");
            let mut joined = vec![rows[0].clone()];
            for (k, (n, page)) in pages.iter().enumerate() {
                let want = if k == 0 {
                    name.clone()
                } else {
                    format!("{name} ({})", k + 1)
                };
                assert_eq!(*n, want);
                assert_eq!(page[0], rows[0], "{n}: the header row");
                assert!(page.len() <= 4, "{n}: {} rows", page.len());
                joined.extend(page[1..].iter().cloned());
            }
            assert_eq!(&joined, rows, "{name}");
            names.extend(pages.iter().map(|(n, _)| n.clone()));
        }
        assert_eq!(names.len() + 1, paged.len(), "no other sheet");
        assert!(names.iter().any(|n| n == "Findings (2)"), "{names:?}");
    }

    #[test]
    fn workbook_is_byte_identical_across_runs() {
        let a = render_xlsx(
            &testutil::sample_results(),
            &testutil::sample_manifest(),
            &testutil::sample_plans(),
        )
        .unwrap_or_default();
        let b = render_xlsx(
            &testutil::sample_results(),
            &testutil::sample_manifest(),
            &testutil::sample_plans(),
        )
        .unwrap_or_default();
        assert!(!a.is_empty());
        assert!(a == b, "two renders differ");
    }

    #[test]
    fn workbook_without_plans_has_an_empty_remediation_sheet() {
        let bytes = render_xlsx(
            &testutil::sample_results(),
            &testutil::sample_manifest(),
            &[],
        )
        .unwrap_or_default();
        let mut wb: Xlsx<_> =
            open_workbook_from_rs(Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            wb.sheet_names(),
            vec!["Summary", "Vendors", "Findings", "Remediation"]
        );
        let r = wb
            .worksheet_range("Remediation")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.height(), r.width()), (1, 15), "the header row alone");
    }

    #[test]
    fn an_empty_run_still_has_the_view_sheets() {
        let bytes = render_xlsx_with_views(&[], &testutil::sample_manifest(), &[], Some(&[]))
            .unwrap_or_default();
        let mut wb: Xlsx<_> =
            open_workbook_from_rs(Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            wb.sheet_names(),
            vec![
                "Summary",
                "Vendors",
                "Findings",
                "Remediation",
                "GenAI risks",
                "Governance"
            ]
        );
        let risks = wb
            .worksheet_range("GenAI risks")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(risks.height(), 1, "the header row alone");
        assert_eq!(risks.width(), 13);
        let gov = wb
            .worksheet_range("Governance")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((gov.height(), gov.width()), (1, 10));
    }

    #[test]
    fn hostile_cells_are_neutralized_strings() {
        let bytes = render_xlsx(
            &testutil::hostile_results(),
            &testutil::sample_manifest(),
            &[],
        )
        .unwrap_or_default();
        let mut wb: Xlsx<_> =
            open_workbook_from_rs(Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        for name in ["Vendors", "Findings"] {
            let range = wb.worksheet_range(name).unwrap_or_else(|e| panic!("{e}"));
            // No formulas anywhere.
            let formulas = wb.worksheet_formula(name).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                formulas.used_cells().all(|(_, _, f)| f.is_empty()),
                "{name} has a formula"
            );
            for (_, _, d) in range.used_cells() {
                if let Data::String(s) = d {
                    assert!(
                        !s.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{name}: live cell {s:?}"
                    );
                }
            }
        }
        let dump = dump_xlsx(
            &render_xlsx(
                &testutil::hostile_results(),
                &testutil::sample_manifest(),
                &[],
            )
            .unwrap_or_default(),
        );
        insta::assert_snapshot!(dump);
    }
}
