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
use crate::cell::{fmt4, neutralize_cell};
use crate::flat::{FlatRow, SUMMARY_COLUMNS};
use scrm_model::{RunManifest, VendorResult};
use std::collections::BTreeSet;
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
    let keys: BTreeSet<&str> = results
        .iter()
        .flat_map(|r| r.profile.extra.keys().map(String::as_str))
        .collect();
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

/// The four profile passthrough values of a result, as text.
pub(crate) fn profile_values(r: &VendorResult) -> [String; 4] {
    let p = &r.profile;
    [
        p.country.clone().unwrap_or_default(),
        p.criticality
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        p.ai_role
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        p.data_access
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
    ]
}

pub(crate) fn render_csv(results: &[VendorResult]) -> Result<Vec<u8>, ReportError> {
    let rows = crate::by_vendor_id(results);
    let extras = extra_columns(&rows);
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut header: Vec<String> = SUMMARY_COLUMNS.iter().map(|s| (*s).to_string()).collect();
    header.extend(PROFILE_COLUMNS.iter().map(|s| (*s).to_string()));
    header.extend(extras.iter().map(|(_, h)| neutralize_cell(h).into_owned()));
    w.write_record(&header)?;
    for r in rows {
        let f = FlatRow::from_result(r);
        let mut rec: Vec<String> = vec![
            neutralize_cell(&f.vendor_id).into_owned(),
            neutralize_cell(f.name.as_deref().unwrap_or("")).into_owned(),
            f.tier.to_string(),
            f.status.to_string(),
            fmt4(f.combined_score),
            fmt4(f.airm_score),
            fmt4(f.aims_score),
            fmt4(f.cscrm_score),
            f.airm_level.unwrap_or("").to_string(),
            f.aims_level.unwrap_or("").to_string(),
            fmt4(Some(f.coverage)),
            fmt4(Some(f.confidence)),
            f.residual_risk.to_string(),
            f.findings.clone(),
        ];
        rec.extend(
            profile_values(r)
                .iter()
                .map(|v| neutralize_cell(v).into_owned()),
        );
        rec.extend(extras.iter().map(|(k, _)| {
            neutralize_cell(r.profile.extra.get(k).map(String::as_str).unwrap_or("")).into_owned()
        }));
        w.write_record(&rec)?;
    }
    w.flush().map_err(csv::Error::from)?;
    w.into_inner()
        .map_err(|e| ReportError::Csv(csv::Error::from(e.into_error())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil;

    fn csv_text(results: &[VendorResult]) -> String {
        String::from_utf8(render_csv(results).unwrap_or_default()).unwrap_or_default()
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
}
