//! The flat, one-row-per-vendor view of results shared by every tabular format.
//!
//! JSON, JSONL, XLSX and Parquet (written by `scrm-history` from [`flat_rows`]) all use the
//! column names of [`flat_columns`], in that order: the fixed summary columns, then one column
//! per AI RMF function, ISO/IEC 42001 clause and Annex A group, and the C-SCRM group. CSV carries
//! the fixed summary columns only (it is the compact, spreadsheet-friendly format), then the
//! profile passthrough columns. Values are rounded to 4 decimals here, once, so every format
//! shows the same numbers.

use crate::cell::round4;
use scrm_model::VendorResult;

pub use scrm_model::columns::{GROUP_COLUMNS, GroupColumn, SUMMARY_COLUMNS};

/// Every flat column name, in output order: [`SUMMARY_COLUMNS`] then [`GROUP_COLUMNS`].
pub fn flat_columns() -> Vec<&'static str> {
    SUMMARY_COLUMNS
        .iter()
        .copied()
        .chain(GROUP_COLUMNS.iter().map(|c| c.name))
        .collect()
}

/// The value type of a flat column, for writers that need a schema (Parquet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlatKind {
    /// UTF-8 text, nullable.
    Text,
    /// 64-bit float, nullable.
    Float,
    /// Unsigned 8-bit integer, never null.
    UInt8,
}

/// Every flat column with its value type, in [`flat_columns`] order.
pub fn flat_schema() -> Vec<(&'static str, FlatKind)> {
    flat_columns()
        .into_iter()
        .map(|name| {
            let kind = match name {
                "vendor_id" | "name" | "tier" | "status" | "airm_level" | "aims_level"
                | "findings" => FlatKind::Text,
                "residual_risk" => FlatKind::UInt8,
                _ => FlatKind::Float,
            };
            (name, kind)
        })
        .collect()
}

/// One typed cell of a [`FlatRow`].
#[derive(Debug, Clone, PartialEq)]
pub enum FlatValue<'a> {
    /// Text (`None`: empty cell / null).
    Text(Option<&'a str>),
    /// A number already rounded to 4 decimals (`None`: empty cell / null).
    Float(Option<f64>),
    /// A small integer.
    UInt8(u8),
}

/// One vendor as a flat row: every column of [`flat_columns`] as a typed value. Scores,
/// coverage and confidence are already rounded to 4 decimals (half away from zero).
#[derive(Debug, Clone, PartialEq)]
pub struct FlatRow {
    /// Vendor id (untrusted text: neutralize before writing to a spreadsheet).
    pub vendor_id: String,
    /// Display name (untrusted text).
    pub name: Option<String>,
    /// Tier, kebab-case.
    pub tier: &'static str,
    /// Status, kebab-case.
    pub status: &'static str,
    /// Combined score 0-5.
    pub combined_score: Option<f64>,
    /// AI RMF score 0-5.
    pub airm_score: Option<f64>,
    /// ISO/IEC 42001 score 0-5.
    pub aims_score: Option<f64>,
    /// C-SCRM score 0-5.
    pub cscrm_score: Option<f64>,
    /// AI RMF maturity level name.
    pub airm_level: Option<&'static str>,
    /// ISO/IEC 42001 maturity level name.
    pub aims_level: Option<&'static str>,
    /// Coverage 0-1.
    pub coverage: f64,
    /// Confidence 0-1.
    pub confidence: f64,
    /// Residual risk 1-5.
    pub residual_risk: u8,
    /// Finding codes joined with `;`.
    pub findings: String,
    /// Per-group scores, aligned with [`GROUP_COLUMNS`].
    pub groups: [Option<f64>; GROUP_COLUMNS.len()],
}

impl FlatRow {
    /// Builds the row of one result.
    pub fn from_result(r: &VendorResult) -> Self {
        let [combined, airm, aims, cscrm] = r.summary_scores().map(|s| s.map(round4));
        let [airm_level, aims_level] = r.summary_levels().map(|l| l.map(|m| m.as_str()));
        Self {
            vendor_id: r.vendor_id.as_str().to_string(),
            name: r.profile.name.clone(),
            tier: r.tier.as_str(),
            status: r.status.as_str(),
            combined_score: combined,
            airm_score: airm,
            aims_score: aims,
            cscrm_score: cscrm,
            airm_level,
            aims_level,
            coverage: round4(r.coverage),
            confidence: round4(r.confidence),
            residual_risk: r.residual_risk,
            findings: r.finding_codes(),
            groups: r.group_scores().map(|g| g.map(round4)),
        }
    }

    /// Every cell in [`flat_columns`] order.
    pub fn values(&self) -> Vec<FlatValue<'_>> {
        let mut v = vec![
            FlatValue::Text(Some(&self.vendor_id)),
            FlatValue::Text(self.name.as_deref()),
            FlatValue::Text(Some(self.tier)),
            FlatValue::Text(Some(self.status)),
            FlatValue::Float(self.combined_score),
            FlatValue::Float(self.airm_score),
            FlatValue::Float(self.aims_score),
            FlatValue::Float(self.cscrm_score),
            FlatValue::Text(self.airm_level),
            FlatValue::Text(self.aims_level),
            FlatValue::Float(Some(self.coverage)),
            FlatValue::Float(Some(self.confidence)),
            FlatValue::UInt8(self.residual_risk),
            FlatValue::Text(Some(&self.findings)),
        ];
        v.extend(self.groups.iter().map(|g| FlatValue::Float(*g)));
        v
    }
}

/// One flat row per result, in the order given.
pub fn flat_rows(results: &[VendorResult]) -> Vec<FlatRow> {
    results.iter().map(FlatRow::from_result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_schema_and_values_line_up() {
        let cols = flat_columns();
        let schema = flat_schema();
        assert_eq!(cols.len(), 35);
        assert_eq!(
            schema.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            cols,
            "schema names differ from flat_columns"
        );
        let results = crate::testutil::sample_results();
        for row in flat_rows(&results) {
            let vals = row.values();
            assert_eq!(vals.len(), cols.len());
            for ((name, kind), v) in schema.iter().zip(&vals) {
                let ok = matches!(
                    (kind, v),
                    (FlatKind::Text, FlatValue::Text(_))
                        | (FlatKind::Float, FlatValue::Float(_))
                        | (FlatKind::UInt8, FlatValue::UInt8(_))
                );
                assert!(ok, "column {name} has {v:?}, schema says {kind:?}");
            }
        }
    }
}
