//! Columnar storage for scrm: the flat Parquet result table, the crash-safe run history, the
//! incremental-scoring cache and the run-to-run diff.
//!
//! # The flat table
//! [`write_results_parquet`] writes one row per vendor with the columns listed by
//! [`flat_columns`]. Scores are rounded to 4 decimals (half away from zero, [`round4`]); a score
//! that does not apply is null. The run manifest rides along as JSON in the file's key-value
//! metadata (`scrm.manifest`). The workspace builds polars with the `parquet` feature only, so
//! `valid_until` is `YYYY-MM-DD` text rather than a Parquet DATE.
//!
//! # The history store
//! `scrm score --history DIR` calls [`record_stored`] (or [`record_run`] with whole results),
//! which keeps a hive-partitioned dataset. A streamed run makes each vendor's [`StoredResult`]
//! (its flat row and its JSON) and [`AnswerSheet`] where the vendor is scored, and keeps them in
//! a [`Spill`] (`DIR/.spill-<pid>-<n>/`, files of the run's own, removed once it is recorded) until
//! the reader has every vendor in id order:
//!
//! ```text
//! DIR/run=<run_id>/results.parquet   flat table + result_json (the whole VendorResult)
//! DIR/run=<run_id>/answers.parquet   vendor_id, question_id, answer
//! DIR/run=<run_id>/manifest.json     the RunManifest
//! DIR/run=<run_id>/run.json          RunInfo: id, hashes and checksums, counts
//! ```
//!
//! `run_id` is `<UTC yyyymmddThhmmssZ from generated_at>-<first 8 hex of the content hash>`,
//! so ids sort by time. The content hash covers the manifest without `generated_at` and the
//! inputs' paths (each input counts by its kind, SHA-256 and counts) plus every result;
//! recording the same content as the newest run again is a no-op that returns the existing
//! id. A run is written under `DIR/.staging-<run_id>-<pid>/`, every file is fsynced,
//! the directory is renamed into place and `DIR` is fsynced: a crash at any moment leaves the
//! earlier runs intact and no partial run visible. Readers ignore `.staging-*`; the next
//! successful run removes staging directories left by dead writers. External tools should
//! glob `DIR/run=*/results.parquet` (DuckDB: `read_parquet('DIR/run=*/results.parquet',
//! hive_partitioning = true)`).
//!
//! # Incremental runs and diff
//! [`load_cache`] opens the newest run; [`Cache::lookup`] finds a stored result that can stand
//! for a fresh one (the vendor's input hash is unchanged and the result is still valid on the
//! new `as_of`). Before anything is reused, what was loaded is checked against the run's results
//! checksum (`run.json`, XXH3-128 over each result's flat row and JSON): results changed or
//! damaged since they were recorded would otherwise be carried forward night after night, so on
//! a mismatch nothing is reused and a warning says so. A [`Reused`] result is carried into the
//! new run as it was stored, and gives its flat row without its JSON being parsed;
//! [`Cache::reusable`] parses the whole result for outputs that show it. `results.parquet` is
//! written in row groups of 16,384 vendors, encoded and compressed side by side
//! (`results_file.rs`).
//! [`diff_runs`] compares two runs (default: the last two) and [`render_diff_text`] prints it.
//!
//! # Listing, verifying and pruning
//! [`stored_runs`] lists the runs with their sizes. [`verify_runs`] checks each run's results
//! against its results checksum, its answers file against its answers checksum, and its
//! manifest and results against its content hash; every file's bytes against the checksum
//! `run.json` keeps for it, `run.json` against its own, and its summary against the files. A
//! file is checked against its checksum before the nightly cache or `diff` decodes it, and
//! every Parquet read catches a decoder panic as damage (`table::decode`). [`prune`] removes the runs a [`Retention`]
//! does not keep (never the newest): each is renamed to `DIR/.pruned-<run_id>-<pid>/`, `DIR` is
//! fsynced, then its files are deleted, so a reader sees a run whole or not at all; a prune
//! stopped half way leaves `.pruned-*` directories that the next prune deletes. Each run removed
//! is first written to the prune log (`DIR/pruned.jsonl`); each run names the run recorded just
//! before it, so [`verify_chain`] tells a run removed by hand from one pruned on purpose, and
//! [`verify_head`] tells a store whose newest runs were removed.

mod answers;
mod cache;
mod chain;
mod diff;
mod error;
#[doc(hidden)]
pub mod fixtures;
mod head;
mod key;
mod results_file;
mod retention;
mod seal;
mod spill;
mod store;
mod table;
mod verify;

pub use cache::{Cache, Reused, load_cache, load_cache_keyed};
pub use chain::{
    ChainCheck, PRUNE_LOCK, PRUNE_LOG, PreviousRun, PrunedRun, render_chain_text, verify_chain,
};
pub use diff::{
    AnswerChange, RunDiff, ScoreMove, StatusChange, VendorBrief, VendorChange, diff_runs,
    diff_runs_keyed, render_diff_text,
};
pub use error::{HistoryError, Signing};
pub use head::{HEAD_FILE, Head, HeadCheck, render_head_text, verify_head};
pub use key::{NewKey, Scheme, SignatureProblem, StoreKey, public_path, short_id};
pub use retention::{
    Pruned, Retention, StoredRun, plan_prune, prune, render_prune_text, render_runs_text,
    stored_runs,
};
pub use scrm_model::round::{round4, round4_opt};
pub use spill::Spill;
pub use store::{
    AnswerSheet, AnswerValues, QuestionTable, Recorded, RecordedAnswers, RunInfo, StatusCounts,
    StoredResult, UnreadableRun, content_hash, list_runs, read_run_results, record_run,
    record_run_with, record_stored, record_stored_with, resolve_run, run_id_for, unreadable_runs,
};
pub use table::{
    FORMAT_KEY, FORMAT_VERSION, FlatRow, GROUP_COLUMNS, MANIFEST_KEY, RESULT_JSON_COLUMN,
    flat_columns, read_parquet_manifest, write_results_parquet,
};
pub use verify::{
    Outcome, RunCheck, render_verify_text, verify_run, verify_run_keyed, verify_runs,
    verify_runs_keyed,
};
