//! The flat per-vendor result table (one row per vendor) and its Parquet encoding.
//!
//! The same columns serve `scrm score --format parquet` and the history store; the history adds
//! a `result_json` column holding the whole [`VendorResult`] so incremental runs can reuse it.

use crate::HistoryError;
use chrono::NaiveDate;
use polars::prelude::*;
use scrm_model::round::{round4, round4_opt};
use scrm_model::{MaturityLevel, RunManifest, Status, Tier, VendorId, VendorResult};
use std::io::Write;
use std::path::Path;

pub use scrm_model::columns::GROUP_COLUMNS;
use scrm_model::columns::SUMMARY_COLUMNS as HEAD_COLUMNS;

/// The columns after the per-group scores.
const TAIL_COLUMNS: [&str; 2] = ["input_hash", "valid_until"];

/// Name of the column that holds the whole result as JSON (history store only).
pub const RESULT_JSON_COLUMN: &str = "result_json";

/// Parquet key-value metadata key holding the run manifest as JSON.
pub const MANIFEST_KEY: &str = "scrm.manifest";

/// Parquet key-value metadata key naming the table format.
pub const FORMAT_KEY: &str = "scrm.format";

/// Value of [`FORMAT_KEY`]; bumped when columns change meaning.
pub const FORMAT_VERSION: &str = "scrm-results/1";

/// The flat table's column names, in file order.
pub fn flat_columns() -> Vec<&'static str> {
    HEAD_COLUMNS
        .iter()
        .copied()
        .chain(GROUP_COLUMNS.iter().map(|g| g.name))
        .chain(TAIL_COLUMNS)
        .collect()
}

/// One vendor's row of the flat table: its cells, rounded as the file stores them. Made where
/// the vendor is scored, so that a run need not keep the whole result until the file is written.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FlatRow {
    vendor_id: VendorId,
    name: Option<String>,
    tier: Tier,
    status: Status,
    /// Combined, AI RMF, ISO/IEC 42001 and C-SCRM scores.
    scores: [Option<f64>; 4],
    /// AI RMF and ISO/IEC 42001 levels.
    levels: [Option<MaturityLevel>; 2],
    coverage: f64,
    confidence: f64,
    residual_risk: u8,
    findings: String,
    groups: [Option<f64>; GROUP_COLUMNS.len()],
    input_hash: String,
    valid_until: Option<NaiveDate>,
}

impl FlatRow {
    /// The row of a result.
    pub fn new(r: &VendorResult) -> Self {
        Self {
            vendor_id: r.vendor_id.clone(),
            name: r.profile.name.clone(),
            tier: r.tier,
            status: r.status,
            scores: r.summary_scores().map(round4_opt),
            levels: r.summary_levels(),
            coverage: round4(r.coverage),
            confidence: round4(r.confidence),
            residual_risk: r.residual_risk,
            findings: r.finding_codes(),
            groups: r.group_scores().map(round4_opt),
            input_hash: r.input_hash.clone(),
            valid_until: r.valid_until,
        }
    }

    /// The vendor.
    pub fn vendor_id(&self) -> &VendorId {
        &self.vendor_id
    }

    /// The vendor's standing.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The vendor's tier.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// Combined, AI RMF, ISO/IEC 42001 and C-SCRM scores, rounded to 4 decimals.
    pub fn scores(&self) -> [Option<f64>; 4] {
        self.scores
    }

    /// AI RMF and ISO/IEC 42001 maturity levels.
    pub fn levels(&self) -> [Option<MaturityLevel>; 2] {
        self.levels
    }

    /// Coverage and confidence, rounded to 4 decimals.
    pub fn coverage_confidence(&self) -> (f64, f64) {
        (self.coverage, self.confidence)
    }

    /// Residual risk (1 to 25).
    pub fn residual_risk(&self) -> u8 {
        self.residual_risk
    }

    /// The finding codes, `;`-separated.
    pub fn findings(&self) -> &str {
        &self.findings
    }

    /// The input hash the result was scored from.
    pub fn input_hash(&self) -> &str {
        &self.input_hash
    }

    /// The last date the result holds for (`None`: no date ages it).
    pub fn valid_until(&self) -> Option<NaiveDate> {
        self.valid_until
    }
}

/// The flat rows of a frame read from the results file at `path` (every column of
/// [`flat_columns`]), in row order: what a reused result keeps without its JSON being parsed.
pub(crate) fn flat_rows(df: &DataFrame, path: &Path) -> Result<Vec<FlatRow>, HistoryError> {
    let corrupt = |row: usize, column: &str, value: &str, problem: &str| HistoryError::Corrupt {
        path: path.to_path_buf(),
        row: row + 1,
        column: column.into(),
        value: value.into(),
        problem: problem.into(),
    };
    let ids = str_col(df, "vendor_id", path)?;
    let names = str_col(df, "name", path)?;
    let tiers = str_col(df, "tier", path)?;
    let statuses = str_col(df, "status", path)?;
    let scores =
        ["combined_score", "airm_score", "aims_score", "cscrm_score"].map(|c| f64_col(df, c, path));
    let scores = scores.into_iter().collect::<Result<Vec<_>, _>>()?;
    let levels = [
        str_col(df, "airm_level", path)?,
        str_col(df, "aims_level", path)?,
    ];
    let coverage = f64_col(df, "coverage", path)?;
    let confidence = f64_col(df, "confidence", path)?;
    let risk = df
        .column("residual_risk")
        .and_then(|c| c.i32().map(|c| c.rechunk().into_owned()))
        .map_err(HistoryError::parquet(path.display().to_string()))?;
    let findings = str_col(df, "findings", path)?;
    let groups = GROUP_COLUMNS
        .iter()
        .map(|g| f64_col(df, g.name, path))
        .collect::<Result<Vec<_>, _>>()?;
    let hashes = str_col(df, "input_hash", path)?;
    let valid = str_col(df, "valid_until", path)?;
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let id = ids.get(i).unwrap_or_default();
        let vendor_id =
            VendorId::new(id).ok_or_else(|| corrupt(i, "vendor_id", id, "not a vendor id"))?;
        let tier = tiers.get(i).unwrap_or_default();
        let tier = Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == tier)
            .ok_or_else(|| corrupt(i, "tier", tier, "not a tier"))?;
        let status = statuses.get(i).unwrap_or_default();
        let status =
            parse_status(status).ok_or_else(|| corrupt(i, "status", status, "not a status"))?;
        let level = |k: usize, column: &str| match levels[k].get(i) {
            None => Ok(None),
            Some(s) => MaturityLevel::ALL
                .into_iter()
                .find(|m| m.as_str() == s)
                .map(Some)
                .ok_or_else(|| corrupt(i, column, s, "not a maturity level")),
        };
        let valid_until = match valid.get(i) {
            None => None,
            Some(s) => Some(
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| corrupt(i, "valid_until", s, "not a YYYY-MM-DD date"))?,
            ),
        };
        let risk = risk.get(i).unwrap_or_default();
        let mut g = [None; GROUP_COLUMNS.len()];
        for (slot, col) in g.iter_mut().zip(&groups) {
            *slot = col.get(i);
        }
        rows.push(FlatRow {
            vendor_id,
            name: names.get(i).map(str::to_string),
            tier,
            status,
            scores: [0, 1, 2, 3].map(|k| scores[k].get(i)),
            levels: [level(0, "airm_level")?, level(1, "aims_level")?],
            coverage: coverage.get(i).unwrap_or_default(),
            confidence: confidence.get(i).unwrap_or_default(),
            residual_risk: u8::try_from(risk)
                .map_err(|_| corrupt(i, "residual_risk", &risk.to_string(), "not 0 to 255"))?,
            findings: findings.get(i).unwrap_or_default().to_string(),
            groups: g,
            input_hash: hashes.get(i).unwrap_or_default().to_string(),
            valid_until,
        });
    }
    Ok(rows)
}

/// Builds the flat table for `rows`, with a trailing `result_json` column when `json` is given
/// (one entry per row, in the same order).
pub(crate) fn flat_frame(rows: &[&FlatRow], json: Option<Vec<&str>>) -> PolarsResult<DataFrame> {
    let n = rows.len();
    let f64_col = |name: &str, f: &dyn Fn(&FlatRow) -> f64| -> Column {
        let v: Vec<f64> = rows.iter().map(|r| f(r)).collect();
        Series::new(name.into(), v).into_column()
    };
    let opt_col = |name: &str, f: &dyn Fn(&FlatRow) -> Option<f64>| -> Column {
        let v: Vec<Option<f64>> = rows.iter().map(|r| f(r)).collect();
        Series::new(name.into(), v).into_column()
    };

    let mut cols: Vec<Column> = Vec::with_capacity(HEAD_COLUMNS.len() + 24);
    let ids: Vec<&str> = rows.iter().map(|r| r.vendor_id.as_str()).collect();
    cols.push(Series::new("vendor_id".into(), ids).into_column());
    let names: Vec<Option<&str>> = rows.iter().map(|r| r.name.as_deref()).collect();
    cols.push(Series::new("name".into(), names).into_column());
    let tiers: Vec<&str> = rows.iter().map(|r| r.tier.as_str()).collect();
    cols.push(Series::new("tier".into(), tiers).into_column());
    let statuses: Vec<&str> = rows.iter().map(|r| r.status.as_str()).collect();
    cols.push(Series::new("status".into(), statuses).into_column());
    for (k, name) in ["combined_score", "airm_score", "aims_score", "cscrm_score"]
        .into_iter()
        .enumerate()
    {
        cols.push(opt_col(name, &|r| r.scores[k]));
    }
    for (k, name) in ["airm_level", "aims_level"].into_iter().enumerate() {
        let v: Vec<Option<&str>> = rows
            .iter()
            .map(|r| r.levels[k].map(|m| m.as_str()))
            .collect();
        cols.push(Series::new(name.into(), v).into_column());
    }
    cols.push(f64_col("coverage", &|r| r.coverage));
    cols.push(f64_col("confidence", &|r| r.confidence));
    let risk: Vec<i32> = rows.iter().map(|r| i32::from(r.residual_risk)).collect();
    cols.push(Series::new("residual_risk".into(), risk).into_column());
    let findings: Vec<&str> = rows.iter().map(|r| r.findings.as_str()).collect();
    cols.push(Series::new("findings".into(), findings).into_column());
    for (k, name) in GROUP_COLUMNS.iter().map(|g| g.name).enumerate() {
        cols.push(opt_col(name, &|r| r.groups[k]));
    }
    let hashes: Vec<&str> = rows.iter().map(|r| r.input_hash.as_str()).collect();
    cols.push(Series::new("input_hash".into(), hashes).into_column());
    // A string, not a DATE: the workspace builds polars without `dtype-date` (see the crate docs).
    let valid: Vec<Option<String>> = rows
        .iter()
        .map(|r| r.valid_until.map(|d| d.format("%Y-%m-%d").to_string()))
        .collect();
    cols.push(Series::new("valid_until".into(), valid).into_column());

    if let Some(json) = json {
        cols.push(Series::new(RESULT_JSON_COLUMN.into(), json).into_column());
    }
    DataFrame::new(n, cols)
}

/// A Parquet writer with the options that make the bytes a function of the data alone: fixed
/// compression and statistics, no timestamps (polars writes none), metadata in a fixed order.
pub(crate) fn parquet_writer<W: Write>(
    w: W,
    manifest: &RunManifest,
) -> Result<ParquetWriter<W>, HistoryError> {
    let kv = KeyValueMetadata::from_static(
        parquet_metadata(manifest)?
            .into_iter()
            .map(|kv| (kv.key, kv.value.unwrap_or_default()))
            .collect(),
    );
    Ok(ParquetWriter::new(w)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::default())
        .with_row_group_size(Some(ROW_GROUP_ROWS))
        .with_key_value_metadata(Some(kv)))
}

/// The key-value metadata of every Parquet file scrm writes: the table format and the run
/// manifest as JSON, in that order.
pub(crate) fn parquet_metadata(
    manifest: &RunManifest,
) -> Result<Vec<polars_parquet::write::KeyValue>, HistoryError> {
    let manifest_json = serde_json::to_string(manifest).map_err(HistoryError::json("manifest"))?;
    Ok(vec![
        polars_parquet::write::KeyValue {
            key: FORMAT_KEY.to_string(),
            value: Some(FORMAT_VERSION.to_string()),
        },
        polars_parquet::write::KeyValue {
            key: MANIFEST_KEY.to_string(),
            value: Some(manifest_json),
        },
    ])
}

/// Rows per Parquet row group: large enough for good compression, small enough that readers
/// (and the history's batched writer) hold little at once.
pub(crate) const ROW_GROUP_ROWS: usize = 65_536;

/// Writes the flat per-vendor result table as Parquet, with the run manifest as JSON in the
/// file's key-value metadata under `scrm.manifest` (and `scrm.format = scrm-results/1`).
///
/// Rows keep the caller's order. Scores, coverage and confidence are rounded to 4 decimals
/// (half away from zero); a score that does not apply is null; `findings` is the `;`-joined
/// codes; `valid_until` is `YYYY-MM-DD` text. Identical inputs give identical bytes. Returns the
/// number of bytes written.
pub fn write_results_parquet<W: Write>(
    rows: &[VendorResult],
    manifest: &RunManifest,
    w: W,
) -> Result<u64, HistoryError> {
    let flat: Vec<FlatRow> = rows.iter().map(FlatRow::new).collect();
    let refs: Vec<&FlatRow> = flat.iter().collect();
    let mut df = flat_frame(&refs, None).map_err(HistoryError::parquet("Parquet output"))?;
    parquet_writer(w, manifest)?
        .finish(&mut df)
        .map_err(HistoryError::parquet("Parquet output"))
}

/// Runs one polars read of the Parquet file at `path`, turning its error, or its panic, into a
/// [`HistoryError`]. polars-parquet 0.55 panics on some damaged files (a page header whose
/// encoding is out of range, a length that underflows) instead of returning an error; the
/// store's files are read back every night and by `history verify`, whose job is to say a file
/// is damaged. Panics raised on polars' own threads reach this caller through its pool and are
/// caught here too. The panic message still goes to the process's panic hook: the `scrm` binary's
/// keeps it for its debug log rather than print it as a crash.
pub(crate) fn decode<T>(
    path: &Path,
    read: impl FnOnce() -> PolarsResult<T>,
) -> Result<T, HistoryError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)) {
        Ok(r) => r.map_err(HistoryError::parquet(path.display().to_string())),
        Err(payload) => Err(HistoryError::Undecodable {
            path: path.to_path_buf(),
            problem: payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("polars stopped")
                .to_string(),
        }),
    }
}

/// Reads the run manifest stored in a results Parquet file's metadata, if any.
pub fn read_parquet_manifest(path: &Path) -> Result<Option<RunManifest>, HistoryError> {
    let file = std::fs::File::open(path).map_err(HistoryError::io(path))?;
    let mut reader = ParquetReader::new(file);
    let meta = decode(path, || reader.get_metadata().cloned())?;
    let Some(kv) = meta.key_value_metadata() else {
        return Ok(None);
    };
    let Some(json) = kv
        .iter()
        .find(|e| e.key == MANIFEST_KEY)
        .and_then(|e| e.value.as_deref())
    else {
        return Ok(None);
    };
    serde_json::from_str(json)
        .map(Some)
        .map_err(HistoryError::json(path))
}

/// Reads chosen columns of a Parquet file into a frame.
pub(crate) fn read_columns(path: &Path, columns: &[&str]) -> Result<DataFrame, HistoryError> {
    let file = std::fs::File::open(path).map_err(HistoryError::io(path))?;
    decode(path, || {
        ParquetReader::new(file)
            .with_columns(Some(columns.iter().map(|c| c.to_string()).collect()))
            .finish()
    })
}

/// A string column of a frame read from `path`, as a contiguous chunked array.
pub(crate) fn str_col(
    df: &DataFrame,
    name: &str,
    path: &Path,
) -> Result<StringChunked, HistoryError> {
    let col = df
        .column(name)
        .map_err(HistoryError::parquet(path.display().to_string()))?;
    let ca = col
        .str()
        .map_err(HistoryError::parquet(path.display().to_string()))?;
    Ok(ca.rechunk().into_owned())
}

/// A float column of a frame read from `path`, as a contiguous chunked array.
pub(crate) fn f64_col(
    df: &DataFrame,
    name: &str,
    path: &Path,
) -> Result<Float64Chunked, HistoryError> {
    let col = df
        .column(name)
        .map_err(HistoryError::parquet(path.display().to_string()))?;
    let ca = col
        .f64()
        .map_err(HistoryError::parquet(path.display().to_string()))?;
    Ok(ca.rechunk().into_owned())
}

/// Parses a status as written in the table.
pub(crate) fn parse_status(s: &str) -> Option<Status> {
    Status::ALL.into_iter().find(|st| st.as_str() == s)
}
