//! The incremental-scoring cache: results of the newest run, reusable while inputs are unchanged.

use crate::HistoryError;
use crate::spill::{Spill, Spilled};
use crate::store::{list_runs, results_path};
use crate::table::{RESULT_JSON_COLUMN, ROW_GROUP_ROWS, read_columns, str_col};
use chrono::NaiveDate;
use polars::prelude::*;
use scrm_model::{VendorId, VendorResult};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// One cached vendor: what decides reuse, and where its stored result is.
#[derive(Debug, Clone)]
struct Entry {
    input_hash: String,
    valid_until: Option<NaiveDate>,
    json: Spilled,
}

/// Results of the newest run in a history, keyed by vendor id.
///
/// The stored JSON is parsed only for vendors actually reused, so loading stays cheap for a
/// million vendors, and it waits in a [`Spill`] next to the store, not in memory: the JSON
/// column of a million vendors is 3 GB, and a nightly run that reused nearly all of them
/// peaked at 5.3 GB with it in memory. Lookup only: nothing iterates the map into an output.
#[derive(Debug, Clone, Default)]
pub struct Cache {
    run_id: Option<String>,
    /// The cached run's as-of date: results hold from it forward (to each `valid_until`), never
    /// backward.
    as_of: Option<NaiveDate>,
    entries: HashMap<String, Entry>,
    json: Option<Arc<Spill>>,
}

impl Cache {
    /// The run the cache was loaded from (`None` for an empty history).
    pub fn run_id(&self) -> Option<&str> {
        self.run_id.as_deref()
    }

    /// Number of cached vendors.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds no vendor.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The stored result for `vendor_id` when it can stand for a fresh one: its input hash
    /// equals `input_hash`, and `as_of` is on or after the cached run's date and on or before
    /// the result's `valid_until` (or it has none). An earlier date is re-scored: evidence stale
    /// then may have been current, and `valid_until` only looks forward.
    /// A stored result that no longer parses is treated as absent (the vendor is re-scored).
    pub fn reusable(
        &self,
        vendor_id: &VendorId,
        input_hash: &str,
        as_of: NaiveDate,
    ) -> Option<VendorResult> {
        let e = self.entries.get(vendor_id.as_str())?;
        if e.input_hash != input_hash
            || self.as_of.is_none_or(|from| as_of < from)
            || e.valid_until.is_some_and(|d| as_of > d)
        {
            return None;
        }
        let mut json = Vec::new();
        self.json.as_ref()?.read(e.json, &mut json).ok()?;
        let result: VendorResult = serde_json::from_slice(&json).ok()?;
        // Guard against a hand-edited file whose JSON disagrees with its key columns.
        (result.vendor_id == *vendor_id && result.input_hash == input_hash).then_some(result)
    }
}

/// Loads the cache from the newest run in `dir`; an empty or missing history gives an empty
/// cache.
pub fn load_cache(dir: &Path) -> Result<Cache, HistoryError> {
    let runs = list_runs(dir)?;
    let Some(latest) = runs.last() else {
        return Ok(Cache::default());
    };
    let path = results_path(dir, &latest.run_id);
    let df = read_columns(&path, &["vendor_id", "input_hash", "valid_until"])?;
    let ids = str_col(&df, "vendor_id", &path)?;
    let hashes = str_col(&df, "input_hash", &path)?;
    let valid = str_col(&df, "valid_until", &path)?;
    // The JSON a row group at a time, each row into the spill as it comes.
    let spill = Arc::new(Spill::create(dir)?);
    let mut json = Vec::with_capacity(ids.len());
    let what = || HistoryError::parquet(path.display().to_string());
    while json.len() < ids.len() {
        let file = std::fs::File::open(&path).map_err(HistoryError::io(&path))?;
        let part = ParquetReader::new(file)
            .with_columns(Some(vec![RESULT_JSON_COLUMN.to_string()]))
            .with_slice(Some((json.len(), ROW_GROUP_ROWS)))
            .finish()
            .map_err(what())?;
        let col = str_col(&part, RESULT_JSON_COLUMN, &path)?;
        if col.is_empty() {
            break;
        }
        json.extend(
            col.iter()
                .map(|j| spill.put(j.unwrap_or_default().as_bytes())),
        );
    }
    spill.seal()?;
    let mut entries = HashMap::with_capacity(ids.len());
    for (row, ((id, hash), valid)) in ids.iter().zip(hashes.iter()).zip(valid.iter()).enumerate() {
        let (Some(id), Some(hash)) = (id, hash) else {
            continue;
        };
        let valid_until = match valid {
            None => None,
            Some(s) => Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                HistoryError::Corrupt {
                    path: path.clone(),
                    row: row + 1,
                    column: "valid_until".into(),
                    value: s.to_string(),
                    problem: "not a YYYY-MM-DD date".into(),
                }
            })?),
        };
        let Some(&json) = json.get(row) else {
            continue;
        };
        entries.insert(
            id.to_string(),
            Entry {
                input_hash: hash.to_string(),
                valid_until,
                json,
            },
        );
    }
    Ok(Cache {
        run_id: Some(latest.run_id.clone()),
        as_of: Some(latest.as_of),
        entries,
        json: Some(spill),
    })
}
