//! The incremental-scoring cache: results of the newest run, reusable while inputs are unchanged.
//!
//! A reused result is neither parsed nor serialized again. Each cached vendor's flat row (from
//! the results file's columns) and result JSON wait in a spill in the very record format a
//! run's own results are spilled in ([`spill_record`]), so a reused vendor's stored result is a
//! handle to that record, and a CSV row is made from the row and the vendor's profile. Parsing
//! a result's JSON (about 3 KB a vendor) cost more than scoring the vendor afresh: a nightly run
//! that reused nearly every vendor took longer than one that reused none. The JSON is parsed
//! only for outputs that show the whole result.

use crate::results_file::{RESULT_GROUP_ROWS, for_each_group};
use crate::spill::{Spill, Spilled};
use crate::store::{
    ChunkSum, HASH_CHUNK, StoredResult, check_file, list_runs, results_checksum, results_path,
    spill_record, split_record,
};
use crate::table::FlatRow;
use crate::{HistoryError, StoreKey};
use chrono::NaiveDate;
use rayon::prelude::*;
use scrm_model::{Status, VendorId, VendorResult};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

// A results file's row groups start at multiples of the hashing chunk (see `load_cache`).
const _: () = assert!(RESULT_GROUP_ROWS.is_multiple_of(HASH_CHUNK));

/// One cached vendor: what decides reuse, and where its stored row and result are.
#[derive(Debug, Clone)]
struct Entry {
    input_hash: String,
    valid_until: Option<NaiveDate>,
    status: Status,
    record: Spilled,
}

/// Results of the newest run in a history, keyed by vendor id.
///
/// What is stored waits in a [`Spill`] next to the store, not in memory: the JSON column of a
/// million vendors is 3 GB, and a nightly run that reused nearly all of them peaked at 5.3 GB
/// with it in memory. Lookup only: nothing iterates the map into an output.
#[derive(Debug, Clone, Default)]
pub struct Cache {
    run_id: Option<String>,
    /// The cached run's as-of date: results hold from it forward (to each `valid_until`), never
    /// backward.
    as_of: Option<NaiveDate>,
    entries: HashMap<String, Entry>,
    spill: Option<Arc<Spill>>,
    /// The newest run, when it was found damaged and nothing was loaded from it.
    damaged: Option<String>,
}

/// A cached result that can stand for a fresh one ([`Cache::lookup`]).
#[derive(Debug, Clone, Copy)]
pub struct Reused<'c> {
    vendor_id: &'c VendorId,
    entry: &'c Entry,
    spill: &'c Arc<Spill>,
}

impl Reused<'_> {
    /// What the history keeps of the result: the cached record itself, recorded as stored.
    pub fn stored(&self) -> StoredResult {
        StoredResult::in_spill(
            self.vendor_id.clone(),
            self.entry.status,
            self.spill,
            self.entry.record,
        )
    }

    /// The result's flat row (scores rounded to 4 decimals, as the table holds them).
    pub fn row(&self) -> Result<FlatRow, HistoryError> {
        self.spill.with_record(self.entry.record, |record| {
            let (row, _) = split_record(record, self.spill)?;
            postcard::from_bytes(row).map_err(|e| HistoryError::Spill {
                dir: self.spill.dir().to_path_buf(),
                problem: format!("a cached row does not read back: {e}"),
            })
        })
    }

    /// The whole result, parsed from its JSON; `None` when it no longer parses or disagrees with
    /// the key columns (a hand-edited file), and the vendor is then scored afresh.
    pub fn result(&self) -> Option<VendorResult> {
        let result: VendorResult = self
            .spill
            .with_record(self.entry.record, |record| {
                let (_, json) = split_record(record, self.spill)?;
                Ok(serde_json::from_slice(json).ok())
            })
            .ok()??;
        (result.vendor_id == *self.vendor_id && result.input_hash == self.entry.input_hash)
            .then_some(result)
    }
}

impl Cache {
    /// An empty cache for a store whose newest run `run_id` was found damaged.
    fn damaged(run_id: &str) -> Self {
        Self {
            damaged: Some(run_id.to_string()),
            ..Self::default()
        }
    }

    /// The run the cache was loaded from (`None` for an empty history).
    pub fn run_id(&self) -> Option<&str> {
        self.run_id.as_deref()
    }

    /// The newest run's id when it was found changed or damaged and nothing was loaded from
    /// it; give it to [`crate::record_stored_with`], so that this run is recorded even when its
    /// content equals that run's.
    pub fn damaged_run(&self) -> Option<&str> {
        self.damaged.as_deref()
    }

    /// The files the cached results wait in (`None` for an empty store). A caller that forgets
    /// the results it reused instead of dropping them removes these itself ([`Spill::remove`]).
    pub fn spill(&self) -> Option<&Arc<Spill>> {
        self.spill.as_ref()
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
    pub fn lookup<'c>(
        &'c self,
        vendor_id: &'c VendorId,
        input_hash: &str,
        as_of: NaiveDate,
    ) -> Option<Reused<'c>> {
        let entry = self.entries.get(vendor_id.as_str())?;
        if entry.input_hash != input_hash
            || self.as_of.is_none_or(|from| as_of < from)
            || entry.valid_until.is_some_and(|d| as_of > d)
        {
            return None;
        }
        Some(Reused {
            vendor_id,
            entry,
            spill: self.spill.as_ref()?,
        })
    }

    /// [`Cache::lookup`]'s whole result ([`Reused::result`]).
    pub fn reusable(
        &self,
        vendor_id: &VendorId,
        input_hash: &str,
        as_of: NaiveDate,
    ) -> Option<VendorResult> {
        self.lookup(vendor_id, input_hash, as_of)?.result()
    }
}

/// One hashing chunk of the cached run: each vendor's entry, and the chunk's checksum when the
/// run has one.
type Chunk = (Vec<(String, Entry)>, Option<u128>);

/// Puts one chunk's rows and JSON into the spill as records, and sums them as the run's results
/// checksum does.
fn cache_chunk(
    rows: &[FlatRow],
    json: &[&str],
    spill: &Spill,
    check: bool,
) -> Result<Chunk, HistoryError> {
    let mut sum = check.then(ChunkSum::default);
    let mut record = Vec::new();
    let entries = rows
        .iter()
        .zip(json)
        .map(|(row, json)| {
            spill_record(&mut record, row, json.as_bytes());
            if let Some(sum) = &mut sum {
                let (row, json) = split_record(&record, spill)?;
                sum.add(row, json);
            }
            let entry = Entry {
                status: row.status(),
                input_hash: row.input_hash().to_string(),
                valid_until: row.valid_until(),
                record: spill.put(&record),
            };
            Ok((row.vendor_id().as_str().to_string(), entry))
        })
        .collect::<Result<Vec<_>, HistoryError>>()?;
    Ok((entries, sum.map(ChunkSum::finish)))
}

/// An empty cache when the newest run's results cannot be kept for reuse while the run scores
/// (their spill could not be made or written: the store's disk is full, as a rule). The run
/// goes on and scores every vendor afresh, so that its output (the morning's report) is still
/// written; recording it then meets the same disk and says so.
fn unkept(run_id: &str, e: &HistoryError) -> Cache {
    tracing::warn!(
        run = ?run_id,
        error = %e,
        "the newest run's results could not be kept for reuse: every vendor is scored afresh"
    );
    Cache::default()
}

/// Loads the cache from the newest run in `dir` for a run of scrm `tool_version`; an empty or
/// missing history gives an empty cache. What is loaded is checked against the run's results
/// checksum (`run.json`); when it differs, or the file does not read back as written, the
/// results were changed or damaged since they were recorded: nothing is reused (a warning says
/// so), and the cache is empty. So is it when another version of scrm recorded the run.
pub fn load_cache(dir: &Path, tool_version: &str) -> Result<Cache, HistoryError> {
    load_cache_keyed(dir, tool_version, None)
}

/// [`load_cache`] of a store signed with `key`: a newest run that does not carry the key's
/// signature (recorded without the key, or changed by someone without it) is not reused, like
/// a damaged one, and this run is recorded (signed) even if its content equals that run's.
pub fn load_cache_keyed(
    dir: &Path,
    tool_version: &str,
    key: Option<&StoreKey>,
) -> Result<Cache, HistoryError> {
    let runs = list_runs(dir)?;
    let Some(latest) = runs.last() else {
        return Ok(Cache::default());
    };
    if let Some(Err(problem)) = key.map(|k| latest.signature_check(k)) {
        match problem {
            crate::SignatureProblem::NotSigned => tracing::warn!(
                run = ?latest.run_id,
                "the newest run does not carry the store key's signature: every vendor is scored afresh"
            ),
            // Another scheme's or another key's signature (a key rotated), or a changed run: said.
            problem => tracing::warn!(
                run = ?latest.run_id,
                "the newest run {problem}: every vendor is scored afresh"
            ),
        }
        return Ok(Cache::damaged(&latest.run_id));
    }
    // A stored result is what that version's engine gave for the inputs. Another version may
    // score the same inputs otherwise (a rule fixed, a finding added) or store a result in
    // another shape, and reusing it would mix both versions' results in one run, unseen: the
    // first run after an upgrade scores every vendor.
    if latest.tool_version != tool_version {
        tracing::warn!(
            run = ?latest.run_id,
            recorded_by = %latest.tool_version,
            this_version = %tool_version,
            "the newest run was scored by another version of scrm: every vendor is scored afresh"
        );
        return Ok(Cache::default());
    }
    let path = results_path(dir, &latest.run_id);
    // A file that is not the one recorded is not decoded at all: a damaged Parquet file can
    // stop the decoder, and its rows would not be reused anyway.
    if let Err(e) = check_file(&path, latest.results_file_checksum.as_deref()) {
        if !e.is_damage() {
            return Err(e);
        }
        tracing::warn!(
            run = ?latest.run_id,
            error = %e,
            "the newest run's results file is not the one recorded: every vendor is scored afresh"
        );
        return Ok(Cache::damaged(&latest.run_id));
    }
    // Each row and its JSON into the spill as the groups come, by the core that read the
    // group: a hashing chunk a task, each record hashed while it is fresh in the core's cache
    // (groups start at multiples of the chunk, so a group's chunks are the run's).
    let spill = match Spill::create(dir) {
        Ok(spill) => Arc::new(spill),
        Err(e) => return Ok(unkept(&latest.run_id, &e)),
    };
    let mut entries = HashMap::new();
    let mut sums = Vec::new();
    let check = latest.results_checksum.is_some();
    let read = for_each_group(
        &path,
        |rows, json| {
            rows.par_chunks(HASH_CHUNK)
                .zip(json.par_chunks(HASH_CHUNK))
                .map(|(rows, json)| cache_chunk(rows, json, &spill, check))
                .collect::<Result<Vec<Chunk>, HistoryError>>()
        },
        |chunks| {
            for (part, sum) in chunks {
                entries.extend(part);
                sums.extend(sum);
            }
            Ok(())
        },
    );
    match read {
        // A results file that is missing or no longer reads as written is damaged like one that
        // no longer matches its checksum (below): scored afresh, not a failed night.
        Err(e) if e.is_damage() => {
            tracing::warn!(
                run = ?latest.run_id,
                error = %e,
                "the newest run's stored results do not read back: every vendor is scored afresh"
            );
            return Ok(Cache::damaged(&latest.run_id));
        }
        other => other?,
    }
    if let Err(e) = spill.seal() {
        return Ok(unkept(&latest.run_id, &e));
    }
    if let Some(recorded) = &latest.results_checksum
        && results_checksum(&sums) != *recorded
    {
        // Reusing them would carry the change into every later run: nothing is reused, and
        // this run records what scoring every vendor gives.
        tracing::warn!(
            run = ?latest.run_id,
            path = %path.display(),
            "the newest run's stored results do not match the checksum recorded with them \
             (changed or damaged since): every vendor is scored afresh"
        );
        return Ok(Cache::damaged(&latest.run_id));
    }
    Ok(Cache {
        run_id: Some(latest.run_id.clone()),
        as_of: Some(latest.as_of),
        entries,
        spill: Some(spill),
        damaged: None,
    })
}
