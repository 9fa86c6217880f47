//! CSV results: one row per vendor, the fixed summary columns then the profile passthrough.
//!
//! Columns: the 14 summary columns of [`crate::SUMMARY_COLUMNS`], then `country`, `criticality`,
//! `ai_role`, `data_access`, then every extra profile column found in any vendor (sorted by
//! name; an extra column whose name clashes with a fixed one is renamed `extra_<name>`). Scores,
//! coverage and confidence are rounded to 4 decimals; `None` is an empty cell. Per-group scores
//! are not in CSV (use JSON, XLSX or Parquet for them).
//!
//! **The manifest is not in the CSV.** Comment lines would be shown as data rows by Excel and
//! break strict CSV readers, so when the CLI writes CSV to a file it writes the manifest next to
//! it as `<out>.manifest.json` ([`manifest_sidecar_path`], [`manifest_sidecar_json`]); when CSV
//! goes to stdout nothing extra is written (the run's JSON output carries the manifest).
//!
//! Supplier and buyer text (ids, names, country, extra column names and values) is neutralized
//! against spreadsheet formula injection with [`crate::neutralize_cell`].

use crate::ReportError;
use crate::cell::{neutralize_cell, push_fmt4, push_uint};
use crate::flat::SUMMARY_COLUMNS;
use scrm_model::{MaturityLevel, RunManifest, Status, Tier, VendorProfile, VendorResult};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Profile columns that follow the summary columns in CSV and XLSX.
pub(crate) const PROFILE_COLUMNS: [&str; 4] = ["country", "criticality", "ai_role", "data_access"];

/// The path of the manifest sidecar for a CSV written to `out`: `<out>.manifest.json`
/// (`results.csv` → `results.csv.manifest.json`).
pub fn manifest_sidecar_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".manifest.json");
    PathBuf::from(s)
}

/// The manifest sidecar's content: the manifest as pretty JSON with a trailing newline.
pub fn manifest_sidecar_json(manifest: &RunManifest) -> Result<Vec<u8>, ReportError> {
    let mut v = serde_json::to_vec_pretty(manifest)?;
    v.push(b'\n');
    Ok(v)
}

/// Extra profile column names over all results, sorted, each with its output header (renamed
/// when it clashes with a fixed column).
pub(crate) fn extra_columns(results: &[&VendorResult]) -> Vec<(String, String)> {
    extra_headers(
        results
            .iter()
            .flat_map(|r| r.profile.extra.keys().map(String::as_str))
            .collect(),
    )
}

/// Extra profile column names, each with its output header (see [`extra_columns`]).
fn extra_headers(keys: BTreeSet<&str>) -> Vec<(String, String)> {
    let mut taken: BTreeSet<String> = SUMMARY_COLUMNS
        .iter()
        .chain(PROFILE_COLUMNS.iter())
        .chain(crate::flat::GROUP_COLUMNS.iter().map(|g| &g.name))
        .map(|s| (*s).to_string())
        .collect();
    keys.into_iter()
        .map(|k| {
            let mut header = k.to_string();
            while taken.contains(&header) {
                header = format!("extra_{header}");
            }
            taken.insert(header.clone());
            (k.to_string(), header)
        })
        .collect()
}

/// The four profile passthrough values of a result, as text (empty where not declared).
pub(crate) fn profile_values(p: &VendorProfile) -> [&str; 4] {
    [
        p.country.as_deref().unwrap_or(""),
        p.criticality.map_or("", |c| c.as_str()),
        p.ai_role.map_or("", |c| c.as_str()),
        p.data_access.map_or("", |c| c.as_str()),
    ]
}

pub(crate) fn render_csv(results: &[VendorResult]) -> Result<Vec<u8>, ReportError> {
    let rows: Vec<CsvRow> = crate::by_vendor_id(results)
        .into_iter()
        .map(CsvRow::new)
        .collect();
    render_csv_rows(&rows)
}

/// One result's CSV row rendered ahead of the file, for a run that keeps only the rows of a
/// large portfolio instead of every result: the fixed cells as CSV text, and the extra profile
/// values, whose columns are known only once every vendor is read. [`render_csv_rows`] writes
/// the same bytes as rendering the results.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRow {
    /// The vendor's status, for the exit code.
    pub status: Status,
    /// The summary and profile cells, CSV-encoded and neutralized, without the line end.
    fixed: Box<str>,
    extra: BTreeMap<String, String>,
}

/// The cells of one CSV row: a result's summary and the vendor's profile. A result gives them
/// ([`CsvCells::of`]), and so does a history's stored row for a result reused without its JSON
/// being parsed (scores then come rounded to 4 decimals, which the row rounds to anyway).
#[derive(Debug, Clone, Copy)]
pub struct CsvCells<'a> {
    /// The vendor's profile as scored (id, name and profile columns).
    pub profile: &'a VendorProfile,
    /// Tier.
    pub tier: Tier,
    /// Status.
    pub status: Status,
    /// Combined, AI RMF, ISO/IEC 42001 and C-SCRM scores.
    pub scores: [Option<f64>; 4],
    /// AI RMF and ISO/IEC 42001 maturity levels.
    pub levels: [Option<MaturityLevel>; 2],
    /// Coverage.
    pub coverage: f64,
    /// Confidence.
    pub confidence: f64,
    /// Residual risk.
    pub residual_risk: u8,
    /// Finding codes, `;`-separated ([`VendorResult::finding_codes`]).
    pub findings: &'a str,
}

impl<'a> CsvCells<'a> {
    /// The cells of a result; `findings` holds its finding codes.
    pub fn of(r: &'a VendorResult, findings: &'a str) -> Self {
        Self {
            profile: &r.profile,
            tier: r.tier,
            status: r.status,
            scores: r.summary_scores(),
            levels: r.summary_levels(),
            coverage: r.coverage,
            confidence: r.confidence,
            residual_risk: r.residual_risk,
            findings,
        }
    }
}

impl CsvRow {
    /// The row of a result: the cells of [`SUMMARY_COLUMNS`] and the profile columns.
    pub fn new(r: &VendorResult) -> Self {
        let codes = r.finding_codes();
        Self::of_cells(&CsvCells::of(r, &codes))
    }

    /// The row of `c`. Written straight into one buffer (a portfolio has a row per vendor):
    /// supplier text is neutralized and CSV-encoded, and the cells the tool itself spells (tiers,
    /// statuses, levels, numbers, finding codes) need neither.
    pub fn of_cells(c: &CsvCells<'_>) -> Self {
        let mut line = Vec::with_capacity(192);
        let text = |s: &str, line: &mut Vec<u8>| encode_cell(&neutralize_cell(s), line);
        let p = c.profile;
        text(p.vendor_id.as_str(), &mut line);
        line.push(b',');
        text(p.name.as_deref().unwrap_or(""), &mut line);
        line.push(b',');
        line.extend_from_slice(c.tier.as_str().as_bytes());
        line.push(b',');
        line.extend_from_slice(c.status.as_str().as_bytes());
        for score in c.scores {
            line.push(b',');
            push_fmt4(score, &mut line);
        }
        for level in c.levels {
            line.push(b',');
            if let Some(m) = level {
                line.extend_from_slice(m.as_str().as_bytes());
            }
        }
        for x in [c.coverage, c.confidence] {
            line.push(b',');
            push_fmt4(Some(x), &mut line);
        }
        line.push(b',');
        push_uint(u64::from(c.residual_risk), &mut line);
        line.push(b',');
        // Finding codes are kebab-case: nothing in them to quote.
        line.extend_from_slice(c.findings.as_bytes());
        for v in profile_values(p) {
            line.push(b',');
            text(v, &mut line);
        }
        let fixed = String::from_utf8(line)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Self {
            status: c.status,
            fixed: fixed.into(),
            extra: p.extra.clone(),
        }
    }
}

/// Appends one cell of a record with several cells, quoted as `csv` quotes it (when needed),
/// through `csv_core`'s writer: a `csv::Writer` per row would cost more than scoring the row.
fn encode_cell(cell: &str, out: &mut Vec<u8>) {
    // Within a record an empty cell is nothing (`csv_core` alone would write `""`). A cell
    // without a delimiter, quote or line end is written as it is (what `csv_core` would do;
    // a test holds them to it), which is nearly every cell: no writer to set up per cell.
    if !cell
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(cell.as_bytes());
        return;
    }
    encode_cell_core(cell, out);
}

/// [`encode_cell`] through `csv_core`'s writer, for cells that may need quotes.
fn encode_cell_core(cell: &str, out: &mut Vec<u8>) {
    let mut w = csv_core::Writer::new();
    let mut input = cell.as_bytes();
    let mut buf = [0u8; 512];
    loop {
        let (res, nin, nout) = w.field(input, &mut buf);
        out.extend_from_slice(&buf[..nout]);
        input = &input[nin..];
        if res == csv_core::WriteResult::InputEmpty {
            break;
        }
    }
    loop {
        let (res, nout) = w.finish(&mut buf);
        out.extend_from_slice(&buf[..nout]);
        if res == csv_core::WriteResult::InputEmpty {
            break;
        }
    }
}

/// One CSV record as text, with its line end.
fn encode(cells: &[String]) -> Result<String, ReportError> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(cells)?;
    let bytes = w
        .into_inner()
        .map_err(|e| ReportError::Csv(csv::Error::from(e.into_error())))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The CSV file of rendered rows, in the order given: the header, then each row with its extra
/// profile columns.
pub fn render_csv_rows(rows: &[CsvRow]) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    write_csv_rows(rows, &mut out)?;
    Ok(out)
}

/// Writes what [`render_csv_rows`] returns to `w`, a row at a time: a million rows need not be
/// held twice (as rows and as one file-sized buffer). Buffering is the caller's.
pub fn write_csv_rows(rows: &[CsvRow], w: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let keys: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.extra.keys().map(String::as_str))
        .collect();
    let extras = extra_headers(keys);
    let mut header: Vec<String> = SUMMARY_COLUMNS.iter().map(|s| (*s).to_string()).collect();
    header.extend(PROFILE_COLUMNS.iter().map(|s| (*s).to_string()));
    header.extend(extras.iter().map(|(_, h)| neutralize_cell(h).into_owned()));
    let io = |e: std::io::Error| ReportError::Csv(csv::Error::from(e));
    w.write_all(encode(&header)?.as_bytes()).map_err(io)?;
    let mut line = Vec::new();
    for r in rows {
        line.clear();
        line.extend_from_slice(r.fixed.as_bytes());
        for (k, _) in &extras {
            line.push(b',');
            let v = neutralize_cell(r.extra.get(k).map(String::as_str).unwrap_or(""));
            encode_cell(&v, &mut line);
        }
        line.push(b'\n');
        w.write_all(&line).map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil;

    fn csv_text(results: &[VendorResult]) -> String {
        String::from_utf8(render_csv(results).unwrap_or_default()).unwrap_or_default()
    }

    /// The fast path writes what `csv_core` writes, for every string of up to three characters
    /// from an alphabet of plain, special and multi-byte characters.
    #[test]
    fn plain_cells_are_written_as_csv_core_writes_them() {
        let alphabet = ["a", " ", ",", "\"", "\r", "\n", ";", "\t", "=", "是", "'"];
        let mut cells = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = cells
                .iter()
                .flat_map(|c| alphabet.iter().map(move |a| format!("{c}{a}")))
                .collect();
            cells.extend(longer);
        }
        for c in cells.iter().filter(|c| !c.is_empty()) {
            let (mut fast, mut core) = (Vec::new(), Vec::new());
            encode_cell(c, &mut fast);
            encode_cell_core(c, &mut core);
            assert_eq!(fast, core, "{c:?}");
        }
    }

    #[test]
    fn csv_snapshot() {
        insta::assert_snapshot!(csv_text(&testutil::sample_results()));
    }

    #[test]
    fn csv_neutralizes_hostile_cells() {
        let out = csv_text(&testutil::hostile_results());
        insta::assert_snapshot!(out);
        // Read it back as a spreadsheet would see the cells: no cell may start with a formula
        // trigger.
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(out.as_bytes());
        for rec in rd.records() {
            let rec = rec.unwrap_or_default();
            for cell in rec.iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "live formula cell {cell:?}"
                );
            }
        }
    }

    #[test]
    fn sidecar_path_appends_suffix() {
        assert_eq!(
            manifest_sidecar_path(Path::new("out/results.csv")),
            PathBuf::from("out/results.csv.manifest.json")
        );
        let j = String::from_utf8(
            manifest_sidecar_json(&testutil::sample_manifest()).unwrap_or_default(),
        )
        .unwrap_or_default();
        insta::assert_snapshot!(j);
    }

    #[test]
    fn extra_columns_clashing_with_fixed_names_are_renamed() {
        let mut rs = testutil::sample_results();
        rs[0]
            .profile
            .extra
            .insert("status".into(), "buyer note".into());
        rs[0]
            .profile
            .extra
            .insert("extra_status".into(), "second".into());
        let refs: Vec<&VendorResult> = rs.iter().collect();
        let got = extra_columns(&refs);
        assert_eq!(
            got,
            vec![
                ("business_unit".to_string(), "business_unit".to_string()),
                ("extra_status".to_string(), "extra_status".to_string()),
                ("owner".to_string(), "owner".to_string()),
                ("status".to_string(), "extra_extra_status".to_string()),
            ]
        );
    }

    /// Rows rendered ahead and joined with their extra cells are the bytes of writing each
    /// whole record at once, whatever the extra values hold (empty, quotes, delimiters, line
    /// breaks, formula triggers) and whichever vendors lack them.
    #[test]
    fn rendered_rows_are_whole_records() {
        let mut rs = testutil::hostile_results();
        rs.extend(testutil::sample_results());
        let values = ["", "a,b", "x\"y", "line\nbreak", " ", "=1+1", "單位"];
        for (i, r) in rs.iter_mut().enumerate() {
            r.profile.extra.clear();
            for (j, key) in ["unit", "note", "z"].iter().enumerate() {
                if (i + j) % 3 != 0 {
                    let v = values[(i * 3 + j) % values.len()];
                    r.profile.extra.insert((*key).to_string(), v.to_string());
                }
            }
        }
        let got = render_csv(&rs).unwrap_or_default();
        // The reference: every record written whole by `csv`.
        let rows = crate::by_vendor_id(&rs);
        let extras = extra_columns(&rows);
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let mut header: Vec<String> = SUMMARY_COLUMNS.iter().map(|s| (*s).to_string()).collect();
        header.extend(PROFILE_COLUMNS.iter().map(|s| (*s).to_string()));
        header.extend(extras.iter().map(|(_, h)| neutralize_cell(h).into_owned()));
        w.write_record(&header).unwrap_or_default();
        for r in rows {
            let row = CsvRow::new(r);
            let mut rec: Vec<String> = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(row.fixed.as_bytes())
                .records()
                .next()
                .and_then(Result::ok)
                .map(|x| x.iter().map(str::to_string).collect())
                .unwrap_or_default();
            rec.extend(extras.iter().map(|(k, _)| {
                neutralize_cell(r.profile.extra.get(k).map(String::as_str).unwrap_or(""))
                    .into_owned()
            }));
            w.write_record(&rec).unwrap_or_default();
        }
        let want = w.into_inner().unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
    }
}
