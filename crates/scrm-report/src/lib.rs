//! Every rendering of scrm results: the terminal table, CSV, JSON, JSON Lines and XLSX portfolio
//! outputs, the flat rows Parquet is written from, the `explain` and `plan` text, the supplier
//! questionnaire templates (XLSX, CSV, JSON), the self-contained HTML reports and the `scrm fill`
//! questionnaire page.
//!
//! Renderers take the engine's types from `scrm_model` and return bytes or strings; they never
//! print, never read the clock and never touch the file system (except [`browser`], which drives
//! a local headless Chromium for screenshots and browser tests). Identical inputs give
//! byte-identical outputs, the manifest's `generated_at` being the only field that varies between
//! runs. Supplier text is untrusted everywhere: spreadsheet cells are neutralized
//! ([`neutralize_cell`]), HTML is escaped, terminal text is stripped of escape sequences.

pub mod browser;
mod cell;
mod csv_out;
mod flat;
mod gaps;
pub mod html;
mod i18n;
mod json_out;
mod table;
mod template;
#[doc(hidden)]
pub mod testutil;
mod text;
mod xlsx_out;

pub use gaps::{GapCount, GapMarker, GapMarks, GapTally};
pub use json_out::{render_portfolio_json, render_scorecard_json};
pub use xlsx_out::render_xlsx_with_views;

pub use cell::{
    char_width, neutralize_cell, round_to, round4, str_width, terminal_safe, truncate_width,
};
pub use csv_out::{
    CsvCells, CsvRow, manifest_sidecar_json, manifest_sidecar_path, render_csv_rows, write_csv_rows,
};
pub use flat::{
    FlatKind, FlatRow, FlatValue, GROUP_COLUMNS, GroupColumn, SUMMARY_COLUMNS, flat_columns,
    flat_rows, flat_schema,
};
pub use html::{
    FillNote, FillPage, PortfolioReport, ScorecardReport, TierThresholds, render_fill_page,
    render_portfolio_html, render_scorecard_html,
};
pub use template::{
    PROFILE_KEYS, Prefill, QUESTIONNAIRE_KEYS, TEMPLATE_CSV_COLUMNS, TemplateSheets, answer_word,
    template_document, template_sheets, write_answers_csv, write_profiles_csv, write_template_csv,
    write_template_json, write_template_xlsx, write_template_xlsx_prefilled,
};
pub use text::{
    render_explanation_text, render_governance_text, render_plan_text, render_risk_text,
    render_what_if_text,
};

use scrm_model::{Plan, RunManifest, VendorResult};
use std::fmt;
use std::str::FromStr;

/// Why rendering failed. Rendering in memory fails only on limits of the output formats.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The XLSX writer refused a value (a limit of the format, such as a too-long sheet name).
    #[error("cannot write the XLSX workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The CSV writer failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// JSON serialization failed.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// The result formats of `scrm score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutputFormat {
    /// Fixed-width terminal table (fits 100 columns), worst suppliers first.
    Table,
    /// One CSV row per vendor; the manifest goes to a sidecar file (see [`manifest_sidecar_path`]).
    Csv,
    /// One JSON document `{manifest, summary, vendors}`.
    Json,
    /// JSON Lines: `{"manifest": …}` then one vendor per line.
    Jsonl,
    /// Portfolio workbook: Summary, Vendors, Findings and Remediation sheets.
    Xlsx,
}

impl OutputFormat {
    /// Every format, in documentation order.
    pub const ALL: [OutputFormat; 5] = [
        OutputFormat::Table,
        OutputFormat::Csv,
        OutputFormat::Json,
        OutputFormat::Jsonl,
        OutputFormat::Xlsx,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Jsonl => "jsonl",
            Self::Xlsx => "xlsx",
        }
    }

    /// Whether the output is binary (not to be written to a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Self::Xlsx)
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let f = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == f)
            .ok_or_else(|| {
                format!(
                    "'{s}' is not an output format; the possible formats are {:?}",
                    Self::ALL.map(Self::as_str)
                )
            })
    }
}

/// Presentation switches that do not change the data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Colour the terminal table's status column with ANSI escapes. The CLI sets it from
    /// `NO_COLOR` and whether stdout is a terminal; the library never decides on its own.
    pub color: bool,
}

/// Renders results in one format. `plans` feed the XLSX `Remediation` sheet and are ignored by
/// the other formats. Machine formats list vendors by vendor id; the table lists the worst first.
pub fn render_results(
    format: OutputFormat,
    results: &[VendorResult],
    manifest: &RunManifest,
    plans: &[Plan],
    opts: &RenderOptions,
) -> Result<Vec<u8>, ReportError> {
    match format {
        OutputFormat::Table => Ok(table::render_table(results, opts.color).into_bytes()),
        OutputFormat::Csv => csv_out::render_csv(results),
        OutputFormat::Json => json_out::render_json(results, manifest),
        OutputFormat::Jsonl => json_out::render_jsonl(results, manifest),
        OutputFormat::Xlsx => xlsx_out::render_xlsx(results, manifest, plans),
    }
}

/// Results sorted by vendor id (stable), the order of every machine format.
pub(crate) fn by_vendor_id(results: &[VendorResult]) -> Vec<&VendorResult> {
    let mut v: Vec<&VendorResult> = results.iter().collect();
    v.sort_by(|a, b| a.vendor_id.cmp(&b.vendor_id));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_name_themselves() {
        for f in OutputFormat::ALL {
            assert_eq!(f.as_str().parse::<OutputFormat>(), Ok(f));
        }
        assert_eq!(" JSON ".parse::<OutputFormat>(), Ok(OutputFormat::Json));
        assert_eq!(
            "yaml".parse::<OutputFormat>(),
            Err("'yaml' is not an output format; the possible formats are [\"table\", \"csv\", \"json\", \"jsonl\", \"xlsx\"]".to_string())
        );
    }

    /// Every format is byte-identical across runs, and a different `generated_at` changes
    /// nothing but that timestamp (the XLSX creation time is the run's `as_of`).
    #[test]
    fn every_format_is_deterministic_but_for_generated_at() {
        let results = testutil::sample_results();
        let plans = testutil::sample_plans();
        let m1 = testutil::sample_manifest();
        let mut m2 = m1.clone();
        m2.generated_at = "2031-12-31T23:59:59Z".into();
        // The same results in another order must not change machine outputs.
        let mut shuffled = results.clone();
        shuffled.reverse();
        let opts = RenderOptions::default();
        for f in OutputFormat::ALL {
            let a = render_results(f, &results, &m1, &plans, &opts).unwrap_or_default();
            let b = render_results(f, &shuffled, &m1, &plans, &opts).unwrap_or_default();
            assert!(!a.is_empty(), "{f}: empty");
            assert!(a == b, "{f}: depends on input order");
            let c = render_results(f, &results, &m2, &plans, &opts).unwrap_or_default();
            if f == OutputFormat::Xlsx {
                let (da, dc) = (
                    crate::xlsx_out::tests::dump_xlsx(&a),
                    crate::xlsx_out::tests::dump_xlsx(&c),
                );
                assert_eq!(
                    da.replace(&m1.generated_at, "T"),
                    dc.replace(&m2.generated_at, "T")
                );
            } else {
                let (ta, tc) = (String::from_utf8_lossy(&a), String::from_utf8_lossy(&c));
                assert_eq!(
                    ta.replace(&m1.generated_at, "T"),
                    tc.replace(&m2.generated_at, "T")
                );
            }
        }
    }
}
