//! The history store: crash-safe, append-only runs under `DIR/run=<run_id>/`.
//!
//! Every run is written into a staging directory, every file and the directory are fsynced,
//! and the directory is renamed into place (rename is atomic on POSIX file systems). A reader
//! therefore sees a run completely or not at all, whatever moment a writer dies at.

use crate::HistoryError;
use crate::results_file::write_results_file;
use crate::spill::{Spill, Spilled, spill_pid, with_thread_buf};
use crate::table::{FlatRow, RESULT_JSON_COLUMN, parquet_metadata, read_columns, str_col};
use chrono::{DateTime, NaiveDate, Utc};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use scrm_model::{
    AnswerValue, FullInput, QuestionId, RunManifest, Status, Vendor, VendorId, VendorResult,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::cell::RefCell;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xxhash_rust::xxh3::Xxh3;

/// Prefix of committed run directories (hive partition key `run`).
const RUN_PREFIX: &str = "run=";
/// Prefix of directories being written.
const STAGING_PREFIX: &str = ".staging-";
/// A run's answers file.
pub(crate) const ANSWERS_FILE: &str = "answers.parquet";
/// Per-run summary file.
const RUN_INFO_FILE: &str = "run.json";
/// Results per hashing and encoding task.
pub(crate) const HASH_CHUNK: usize = 4096;

/// How many vendors of a run ended in each status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Eligible vendors.
    pub eligible: u64,
    /// Conditional vendors.
    pub conditional: u64,
    /// At-risk vendors.
    pub at_risk: u64,
    /// Excluded vendors.
    pub excluded: u64,
}

impl StatusCounts {
    /// Adds the counts of another part of the same run.
    pub(crate) fn merge(&mut self, o: StatusCounts) {
        self.eligible += o.eligible;
        self.conditional += o.conditional;
        self.at_risk += o.at_risk;
        self.excluded += o.excluded;
    }

    pub(crate) fn add(&mut self, s: Status) {
        match s {
            Status::Eligible => self.eligible += 1,
            Status::Conditional => self.conditional += 1,
            Status::AtRisk => self.at_risk += 1,
            Status::Excluded => self.excluded += 1,
        }
    }
}

/// One committed run, as `list_runs` reports it (stored as `run.json` in the run directory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// `<yyyymmddThhmmssZ>-<8 hex>`.
    pub run_id: String,
    /// The manifest's `generated_at` (RFC 3339).
    pub generated_at: String,
    /// The order the store recorded it in (1 for its first run): runs whose `generated_at` is
    /// the same second (a clock held fixed, two runs in a row) keep the order they were made
    /// in. 0 in runs recorded before the store kept it.
    #[serde(default)]
    pub sequence: u64,
    /// The date the run scored as of.
    pub as_of: NaiveDate,
    /// SHA-256 (hex) of the manifest without `generated_at` and the inputs' paths, plus every
    /// result.
    pub content_hash: String,
    /// The checksum of the results as stored, each its flat row and its JSON (see
    /// [`results_checksum`]): what an incremental run checks before it carries the run's
    /// results into its own. `None` in runs recorded before it was kept, whose results are
    /// reused unchecked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results_checksum: Option<String>,
    /// `xxh3-128:<32 hex>` of `answers.parquet`'s bytes as written: the answers `scrm diff`
    /// shows behind each change, which the content hash does not cover. `None` in runs recorded
    /// before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers_checksum: Option<String>,
    /// `xxh3-128:<32 hex>` of `results.parquet`'s bytes as written. Checked before the file is
    /// decoded for reuse or a diff, so a damaged file never reaches the Parquet decoder, and by
    /// `history verify`, which so also sees a change to what the file holds besides its rows
    /// (the manifest in its metadata). `None` in runs recorded before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results_file_checksum: Option<String>,
    /// `xxh3-128:<32 hex>` of `manifest.json`'s bytes as written: the content hash leaves out
    /// the manifest's time and the inputs' paths, this covers every byte. `None` in runs
    /// recorded before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_checksum: Option<String>,
    /// With an Ed25519 key, the key id of the key that signed the run ([`crate::StoreKey::key_id`]),
    /// covered by the signature: `verify` with another key names this one. `None` for a run
    /// signed with a shared secret or not signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_key_id: Option<String>,
    /// `hmac-sha256:<64 hex>` or `ed25519:<128 hex>` of this summary, without this field and
    /// `run_checksum`, made with the store's key ([`crate::StoreKey`]) when the run was recorded
    /// with one. It covers every byte of the run, since the summary holds the other files'
    /// checksums. `None` when the run was recorded without a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_signature: Option<String>,
    /// `xxh3-128:<32 hex>` of this summary itself, as written without this field
    /// ([`RunInfo::own_checksum`]): the other checksums live here, so a change to `run.json`
    /// must show too. `None` in runs recorded before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_checksum: Option<String>,
    /// The store's newest run when this one was recorded, with its summary's checksum then
    /// (`crate::verify_chain`): a run removed from the middle of the store shows. `None` for
    /// the store's first run and for runs recorded before the chain was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_run: Option<crate::PreviousRun>,
    /// scrm version that wrote the run.
    pub tool_version: String,
    /// Catalog version used.
    pub catalog_version: String,
    /// Policy name used.
    pub policy_name: String,
    /// Vendors in the run.
    pub vendors: u64,
    /// Answer rows stored in `answers.parquet`.
    pub answers: u64,
    /// Vendors per status.
    pub statuses: StatusCounts,
    /// `run.json` as it was read, every field kept: the fields a later release added are part
    /// of what [`RunInfo::own_checksum`] and the signature are taken over. `None` for a summary
    /// made here, whose fields are all known.
    #[serde(skip)]
    pub read_as: Option<serde_json::Value>,
}

/// What [`record_run`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The run's id (the existing one when nothing changed).
    pub run_id: String,
    /// `false` when the content equals the newest run's and nothing was written.
    pub created: bool,
    /// The run directory.
    pub path: PathBuf,
    /// Staging directories of dead writers that were removed.
    pub removed_staging: Vec<PathBuf>,
}

/// The manifest as hashed: without `generated_at`, which varies between identical runs, and
/// without the inputs' paths. A path says where a file was read from, not what it held: each
/// input is still hashed by its kind, SHA-256 and counts, in the order read, and the results by
/// what they say. A portfolio named by a relative path one night and an absolute one the next
/// is the same run.
fn manifest_for_hash(manifest: &RunManifest) -> RunManifest {
    let mut m = RunManifest {
        generated_at: String::new(),
        ..manifest.clone()
    };
    for input in &mut m.inputs {
        input.path = String::new();
    }
    m
}

/// One vendor's result as a run stores it: its row of the flat table and the whole result as
/// JSON (`result_json`, which the content hash covers too). Made where the vendor is scored, on
/// every core, so that a run need not keep its results until the store is written: at a million
/// vendors those were most of a nightly run's memory, and each was serialized twice, for the
/// content hash and then for the file, on one core at the end of the run. The row and the JSON
/// are kept in memory ([`StoredResult::new`]) or in the run's [`Spill`] files
/// ([`StoredResult::spilled`]), where a vendor keeps only its id and status.
#[derive(Debug, Clone)]
pub struct StoredResult {
    vendor_id: VendorId,
    status: Status,
    body: Body,
}

/// Where a stored result's row and JSON are.
#[derive(Clone)]
enum Body {
    /// Boxed: a run holds a vector of these, moved about whole, and the row is 528 bytes.
    Here(Box<(FlatRow, Box<str>)>),
    /// One record: the row's length (four bytes, little-endian), the row (postcard), the
    /// result's JSON.
    Spilled(Arc<Spill>, Spilled),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Here(b) => f.debug_tuple("Here").field(b).finish(),
            Self::Spilled(_, at) => f.debug_tuple("Spilled").field(at).finish(),
        }
    }
}

thread_local! {
    /// The thread's buffer for serializing a result, kept from vendor to vendor: serialized into
    /// a fresh string, which grows by doubling, each result took twice its length or more until
    /// it was copied to its size.
    static JSON_BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The thread's buffer for a spill record ([`spill_record`]), kept from vendor to vendor.
    static RECORD_BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// `f` given the JSON of a result, in the thread's buffer.
fn with_json<T>(r: &VendorResult, f: impl FnOnce(&[u8]) -> T) -> T {
    with_thread_buf(&JSON_BUF, |buf| {
        buf.clear();
        // Serializing plain data into a Vec cannot fail, and serde_json writes UTF-8.
        let _ = serde_json::to_writer(&mut *buf, r);
        f(buf)
    })
}

impl StoredResult {
    /// What the history keeps of `r`, in memory.
    pub fn new(r: &VendorResult) -> Self {
        let json = with_json(r, |j| String::from_utf8_lossy(j).into());
        Self {
            vendor_id: r.vendor_id.clone(),
            status: r.status,
            body: Body::Here(Box::new((FlatRow::new(r), json))),
        }
    }

    /// What the history keeps of `r`, in `spill`'s files. A failed write surfaces when the run
    /// is recorded.
    pub fn spilled(r: &VendorResult, spill: &Arc<Spill>) -> Self {
        let at = with_json(r, |json| {
            with_thread_buf(&RECORD_BUF, |record| {
                spill_record(record, &FlatRow::new(r), json);
                spill.put(record)
            })
        });
        Self::in_spill(r.vendor_id.clone(), r.status, spill, at)
    }

    /// A result already in `spill` at `at` as [`spill_record`] wrote it (a reused result stays
    /// where the incremental cache put it: neither read nor written again until it is recorded).
    pub(crate) fn in_spill(
        vendor_id: VendorId,
        status: Status,
        spill: &Arc<Spill>,
        at: Spilled,
    ) -> Self {
        Self {
            vendor_id,
            status,
            body: Body::Spilled(Arc::clone(spill), at),
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

    /// The row (postcard) and the result's JSON, the row written (or the record read) into `buf`.
    fn record_parts<'a>(
        &'a self,
        buf: &'a mut Vec<u8>,
    ) -> Result<(&'a [u8], &'a [u8]), HistoryError> {
        match &self.body {
            Body::Here(b) => Ok((row_bytes(&b.0, buf), b.1.as_bytes())),
            Body::Spilled(spill, at) => {
                spill.read(*at, buf)?;
                split_record(buf, spill)
            }
        }
    }

    /// The row and the result's JSON as text (read back when they were spilled).
    pub(crate) fn row_and_json(&self) -> Result<(Cow<'_, FlatRow>, Cow<'_, str>), HistoryError> {
        match &self.body {
            Body::Here(b) => Ok((Cow::Borrowed(&b.0), Cow::Borrowed(&*b.1))),
            Body::Spilled(spill, at) => spill.with_record(*at, |record| {
                let (row, json) = split_record(record, spill)?;
                let row: FlatRow = postcard::from_bytes(row).map_err(|e| HistoryError::Spill {
                    dir: spill.dir().to_path_buf(),
                    problem: format!("a stored row does not read back: {e}"),
                })?;
                // Written from a `String`: checked once more, the ASCII of it a word at a time.
                let json = String::from_utf8(json.to_vec())
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                Ok((Cow::Owned(row), Cow::Owned(json)))
            }),
        }
    }
}

/// A row as a spill record and the checksums hold it (postcard), written into `buf`.
pub(crate) fn row_bytes<'a>(row: &FlatRow, buf: &'a mut Vec<u8>) -> &'a [u8] {
    buf.clear();
    // Plain data: serializing it cannot fail.
    *buf = postcard::to_extend(row, std::mem::take(buf)).unwrap_or_default();
    buf
}

/// A stored result as a spill keeps it: the row's length (`u32`, little-endian), the row
/// (postcard), then the result's JSON. Written into `record` (cleared first), which the caller
/// keeps from one record to the next: a fresh 3 KB buffer a vendor was fresh pages for the
/// kernel to clear.
pub(crate) fn spill_record(record: &mut Vec<u8>, row: &FlatRow, json: &[u8]) {
    record.clear();
    // The row is serialized in place after room for its length (a row is a few hundred bytes).
    record.extend_from_slice(&[0; 4]);
    // Plain data: serializing it cannot fail.
    *record = postcard::to_extend(row, std::mem::take(record)).unwrap_or_default();
    let len = (record.len() - 4) as u32;
    record[..4].copy_from_slice(&len.to_le_bytes());
    record.extend_from_slice(json);
}

/// A spilled record's row (postcard) and result JSON.
pub(crate) fn split_record<'a>(
    record: &'a [u8],
    spill: &Spill,
) -> Result<(&'a [u8], &'a [u8]), HistoryError> {
    let split = record
        .first_chunk::<4>()
        .map(|n| 4 + u32::from_le_bytes(*n) as usize)
        .filter(|&end| end <= record.len());
    match split {
        Some(end) => Ok((&record[4..end], &record[end..])),
        None => Err(HistoryError::Spill {
            dir: spill.dir().to_path_buf(),
            problem: "a stored record is cut short".into(),
        }),
    }
}

/// Rows sorted by vendor id, so the hash and the files do not depend on input order.
fn sorted<T>(rows: &[T], id: impl Fn(&T) -> &VendorId) -> Vec<&T> {
    let mut v: Vec<&T> = rows.iter().collect();
    // Nearly always in order already (a streamed run hands its vendors over in id order).
    if !v.is_sorted_by(|a, b| id(a) <= id(b)) {
        v.sort_by(|a, b| id(a).cmp(id(b)));
    }
    v
}

/// The content hash of a run: SHA-256 over the manifest without `generated_at` and the JSON of
/// every result in vendor-id order (hashed in fixed chunks of 4096 results, in parallel; the
/// chunk digests are hashed in order, so the value does not depend on the thread count).
pub fn content_hash(manifest: &RunManifest, results: &[VendorResult]) -> String {
    let rows = sorted(results, |r| &r.vendor_id);
    let digests: Vec<[u8; 32]> = rows
        .par_chunks(HASH_CHUNK)
        .map(|chunk| {
            let mut h = Sha256::new();
            for r in chunk {
                with_json(r, |j| h.update(j));
                h.update(b"\n");
            }
            h.finalize().into()
        })
        .collect();
    hash_digests(manifest, &digests)
}

/// [`content_hash`] and [`results_checksum`] of stored results, in vendor-id order.
fn hash_stored(
    manifest: &RunManifest,
    rows: &[&StoredResult],
) -> Result<(String, String), HistoryError> {
    let digests = rows
        .par_chunks(HASH_CHUNK)
        .map(|chunk| {
            let (mut d, mut buf) = (ChunkDigests::default(), Vec::new());
            for r in chunk {
                let (row, json) = r.record_parts(&mut buf)?;
                d.add(row, json);
            }
            Ok(d.finish())
        })
        .collect::<Result<Vec<_>, HistoryError>>()?;
    Ok(run_hashes(manifest, digests))
}

/// What [`hash_stored`] and a run's verification hash of one chunk of [`HASH_CHUNK`] results:
/// the JSON for the content hash (SHA-256, each JSON and a line feed) and the row and JSON for
/// the results checksum.
#[derive(Default)]
pub(crate) struct ChunkDigests {
    json: Sha256,
    sum: ChunkSum,
}

impl ChunkDigests {
    /// Adds one result: its row (postcard) and its JSON.
    pub(crate) fn add(&mut self, row: &[u8], json: &[u8]) {
        self.json.update(json);
        self.json.update(b"\n");
        self.sum.add(row, json);
    }

    pub(crate) fn finish(self) -> ([u8; 32], u128) {
        (self.json.finalize().into(), self.sum.finish())
    }
}

/// The content hash and the results checksum from the chunks' digests, in order.
pub(crate) fn run_hashes(
    manifest: &RunManifest,
    digests: Vec<([u8; 32], u128)>,
) -> (String, String) {
    let (json, sums): (Vec<[u8; 32]>, Vec<u128>) = digests.into_iter().unzip();
    (hash_digests(manifest, &json), results_checksum(&sums))
}

impl RunInfo {
    /// The names of the checksums `run.json` keeps, as it writes them.
    pub const CHECKSUM_FIELDS: [&'static str; 5] = [
        "results_checksum",
        "answers_checksum",
        "results_file_checksum",
        "manifest_checksum",
        "run_checksum",
    ];

    /// The summary as a JSON value: its fields, plus those of the file it was read from that
    /// this release does not know (at any depth), so that a run a later release recorded
    /// checks as that release wrote it.
    fn as_value(&self) -> serde_json::Value {
        fn merge(known: &mut serde_json::Value, read: &serde_json::Value) {
            if let (Some(k), Some(r)) = (known.as_object_mut(), read.as_object()) {
                for (key, value) in r {
                    match k.get_mut(key) {
                        Some(mine) => merge(mine, value),
                        None => {
                            k.insert(key.clone(), value.clone());
                        }
                    }
                }
            }
        }
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(read) = &self.read_as {
            merge(&mut v, read);
        }
        v
    }

    /// The checksum of this summary (its signature included) without `run_checksum`, over its
    /// canonical form ([`canonical_json`]): the same for the file as written and as read back,
    /// and kept by a release that does not know every field.
    pub fn own_checksum(&self) -> String {
        bytes_checksum(&canonical_json(&self.as_value(), &["run_checksum"]))
    }

    /// The bytes a signature covers: the summary's canonical form without its signature and its
    /// own checksum.
    fn signed_bytes(&self) -> Vec<u8> {
        canonical_json(&self.as_value(), &["run_signature", "run_checksum"])
    }

    /// Whether the summary carries `key`'s signature of itself.
    pub fn signed_by(&self, key: &crate::StoreKey) -> bool {
        self.signature_check(key).is_ok()
    }

    /// Why the summary does not carry `key`'s signature of itself, if it does not.
    pub fn signature_check(&self, key: &crate::StoreKey) -> Result<(), crate::SignatureProblem> {
        self.signer(key).map(|_| ())
    }

    /// The key id of the Ed25519 key (`key` or one of its older keys) whose signature of itself
    /// the summary carries (none for a shared secret), or why it carries none of theirs.
    pub fn signer(&self, key: &crate::StoreKey) -> Result<Option<String>, crate::SignatureProblem> {
        key.signer(
            &self.signed_bytes(),
            self.run_signature.as_deref(),
            self.run_key_id.as_deref(),
        )
    }

    /// Whether the run was recorded before runs kept checksums: there is nothing to check it
    /// against. A run of a later format missing one of them has lost it.
    pub fn predates_checksums(&self) -> bool {
        self.results_checksum.is_none()
            && self.manifest_checksum.is_none()
            && self.run_checksum.is_none()
    }

    /// Whether a run of the current format lacks a checksum the format keeps.
    pub(crate) fn lacks_a_checksum(&self) -> bool {
        let newer = [
            &self.results_file_checksum,
            &self.manifest_checksum,
            &self.run_checksum,
        ];
        newer.iter().any(|c| c.is_some())
            && newer
                .iter()
                .chain([&&self.results_checksum, &&self.answers_checksum])
                .any(|c| c.is_none())
    }
}

/// The canonical form of a JSON object that checksums and signatures are taken over: compact,
/// keys sorted at every level, numbers and strings as serde_json writes them, without the
/// top-level keys `leave_out`. It depends on the values alone, not on the order a release
/// declares its fields in or on fields it does not know.
pub fn canonical_json(v: &serde_json::Value, leave_out: &[&str]) -> Vec<u8> {
    fn sorted(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(o) => {
                let keys: std::collections::BTreeMap<&String, serde_json::Value> =
                    o.iter().map(|(k, v)| (k, sorted(v))).collect();
                serde_json::Value::Object(keys.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    let mut top = sorted(v);
    if let Some(o) = top.as_object_mut() {
        for k in leave_out {
            o.remove(*k);
        }
    }
    // With serde_json's `preserve_order` (another crate of the tree may turn it on), a map
    // keeps its insertion order, which `sorted` made the sorted one.
    serde_json::to_vec(&top).unwrap_or_default()
}

/// A checksum as `run.json` writes it.
fn xxh3_text(sum: u128) -> String {
    format!("xxh3-128:{sum:032x}")
}

/// `xxh3-128:<32 hex>` of a file's bytes, read back from disk.
pub(crate) fn file_checksum(path: &Path) -> Result<String, HistoryError> {
    let file = File::open(path).map_err(HistoryError::io(path))?;
    let mut summing = Summing::new(std::io::sink());
    std::io::copy(
        &mut std::io::BufReader::with_capacity(1 << 20, file),
        &mut summing,
    )
    .map_err(HistoryError::io(path))?;
    Ok(summing.checksum())
}

/// `xxh3-128:<32 hex>` of bytes in memory.
pub(crate) fn bytes_checksum(bytes: &[u8]) -> String {
    xxh3_text(xxhash_rust::xxh3::xxh3_128(bytes))
}

/// Checks a run's file against the checksum recorded with the run, before anything decodes it:
/// a file changed or damaged since is [`HistoryError::Mismatch`] (and a missing one `NotFound`),
/// both damage. Nothing to check against (`None`, an older run) passes.
pub(crate) fn check_file(path: &Path, recorded: Option<&str>) -> Result<(), HistoryError> {
    match recorded {
        Some(recorded) if file_checksum(path)? != recorded => Err(HistoryError::Mismatch {
            path: path.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// A writer that keeps the XXH3-128 of what passes through it: a file's checksum is taken as
/// the file is written, not by reading it back.
pub(crate) struct Summing<W> {
    pub(crate) inner: W,
    sum: Xxh3,
}

impl<W: Write> Summing<W> {
    pub(crate) fn new(inner: W) -> Self {
        Self {
            inner,
            sum: Xxh3::new(),
        }
    }

    pub(crate) fn checksum(&self) -> String {
        xxh3_text(self.sum.digest128())
    }
}

impl<W: Write> Write for Summing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sum.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The checksum of one chunk of [`HASH_CHUNK`] stored results.
pub(crate) struct ChunkSum(Xxh3);

impl Default for ChunkSum {
    fn default() -> Self {
        Self(Xxh3::new())
    }
}

impl ChunkSum {
    /// Adds one result: its row (postcard, as a spill record holds it) and its JSON, each after
    /// its length.
    pub(crate) fn add(&mut self, row: &[u8], json: &[u8]) {
        self.0.update(&(row.len() as u64).to_le_bytes());
        self.0.update(row);
        self.0.update(&(json.len() as u64).to_le_bytes());
        self.0.update(json);
    }

    pub(crate) fn finish(self) -> u128 {
        self.0.digest128()
    }
}

/// `xxh3-128:<32 hex>`: XXH3-128 over the chunks' checksums in order, each [`HASH_CHUNK`]
/// results in vendor-id order. The content hash covers each result's JSON with SHA-256, but the
/// cache also carries each result's flat row (a reused vendor's CSV row is made from it), and
/// checking SHA-256 of everything a nightly run reuses cost about 5 % of the run. A checksum finds
/// what was changed or damaged as well, at a twentieth of the cost. It proves nothing against
/// someone who rewrites `run.json` too; neither would SHA-256.
pub(crate) fn results_checksum(sums: &[u128]) -> String {
    let mut h = Xxh3::new();
    h.update(b"scrm-results/1");
    for s in sums {
        h.update(&s.to_le_bytes());
    }
    xxh3_text(h.digest128())
}

/// The run's hash from its chunks' digests.
pub(crate) fn hash_digests(manifest: &RunManifest, digests: &[[u8; 32]]) -> String {
    let mut h = Sha256::new();
    h.update(b"scrm-run/1\n");
    h.update(serde_json::to_vec(&manifest_for_hash(manifest)).unwrap_or_default());
    h.update(b"\n");
    for d in digests {
        h.update(d);
    }
    hex::encode(h.finalize())
}

/// Parses an RFC 3339 time to UTC.
pub(crate) fn parse_time(value: &str) -> Result<DateTime<Utc>, HistoryError> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| HistoryError::BadTimestamp {
            value: value.to_string(),
        })
}

/// The run id for a manifest and content hash: `<yyyymmddThhmmssZ>-<first 8 hex>`.
pub fn run_id_for(manifest: &RunManifest, content_hash: &str) -> Result<String, HistoryError> {
    let t = parse_time(&manifest.generated_at)?;
    let short = content_hash.get(..8).unwrap_or(content_hash);
    Ok(format!("{}-{short}", t.format("%Y%m%dT%H%M%SZ")))
}

pub(crate) fn run_dir(dir: &Path, run_id: &str) -> PathBuf {
    dir.join(format!("{RUN_PREFIX}{run_id}"))
}

/// Every committed run, oldest first (by `generated_at`, then the order recorded, then id). A
/// missing directory holds no runs. Staging directories and unrelated entries are ignored, and
/// so is a run whose `run.json` does not read as scrm wrote it, with a warning: what such a run
/// holds cannot be known or trusted, so it is neither reused nor diffed, and the night goes on
/// (`history verify` reports it unreadable; [`unreadable_runs`] lists it).
pub fn list_runs(dir: &Path) -> Result<Vec<RunInfo>, HistoryError> {
    let (runs, unreadable) = scan_runs(dir)?;
    for (run, e) in unreadable {
        // `?` and escaped: a run's folder name is whatever was written into the store.
        tracing::warn!(
            run = ?run,
            error = %scrm_model::safe::escape_controls(&e.to_string(), false),
            "a run's summary (run.json) is damaged: the run is left out (`scrm history verify` lists it)"
        );
    }
    Ok(runs)
}

/// [`list_runs`], keeping apart the runs whose `run.json` does not read as scrm wrote it (by
/// run id, with what is wrong), so that `history verify` can report them beside the others.
pub(crate) fn scan_runs(dir: &Path) -> Result<ScannedRuns, HistoryError> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(e) => return Err(HistoryError::io(dir)(e)),
    };
    let mut runs = Vec::new();
    let mut unreadable = Vec::new();
    for entry in entries {
        let entry = entry.map_err(HistoryError::io(dir))?;
        let name = entry.file_name();
        let Some(id) = name.to_str().and_then(|n| n.strip_prefix(RUN_PREFIX)) else {
            continue;
        };
        match read_info(&entry.path(), id) {
            Ok(run) => runs.push(run),
            Err(e) if e.is_damage() => unreadable.push((id.to_string(), e)),
            Err(e) => return Err(e),
        }
    }
    runs.sort_by(|a, b| {
        (a.0, a.1.sequence)
            .cmp(&(b.0, b.1.sequence))
            .then_with(|| a.1.run_id.cmp(&b.1.run_id))
    });
    unreadable.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((runs.into_iter().map(|(_, i)| i).collect(), unreadable))
}

/// The runs whose `run.json` does not read as scrm wrote it, by id, with why: what
/// [`list_runs`] leaves out, for `history list` and `prune` to show.
pub fn unreadable_runs(dir: &Path) -> Result<Vec<UnreadableRun>, HistoryError> {
    Ok(scan_runs(dir)?
        .1
        .into_iter()
        .map(|(run_id, e)| UnreadableRun {
            run_id,
            problem: e.to_string(),
        })
        .collect())
}

/// A run [`list_runs`] leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadableRun {
    /// The id its directory names.
    pub run_id: String,
    /// What is wrong with its `run.json`.
    pub problem: String,
}

/// Readable runs, oldest first, and the ids of unreadable ones with why.
pub(crate) type ScannedRuns = (Vec<RunInfo>, Vec<(String, HistoryError)>);

/// One run's `run.json`, checked against its directory's name, with its time parsed.
pub(crate) fn read_info(
    run_dir: &Path,
    id: &str,
) -> Result<(DateTime<Utc>, RunInfo), HistoryError> {
    let path = run_dir.join(RUN_INFO_FILE);
    if !run_dir.is_dir() {
        return Err(HistoryError::Corrupt {
            path: run_dir.to_path_buf(),
            row: 0,
            column: String::new(),
            value: String::new(),
            problem: "a run's name, but not a directory".into(),
        });
    }
    // Bytes, not text: a damaged byte that is not UTF-8 is a JSON error (damage), not an I/O one.
    let bytes = fs::read(&path).map_err(HistoryError::io(&path))?;
    let read_as: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(HistoryError::json(&path))?;
    let mut info: RunInfo =
        serde_json::from_value(read_as.clone()).map_err(HistoryError::json(&path))?;
    info.read_as = Some(read_as);
    if info.run_id != id {
        return Err(HistoryError::Corrupt {
            path,
            row: 0,
            column: "run_id".into(),
            value: info.run_id,
            problem: format!("does not match the directory name run={id}"),
        });
    }
    // The summary holds the other files' checksums: it is checked first, whole.
    let kept = info.run_checksum.clone();
    if info.lacks_a_checksum() || kept.as_ref().is_some_and(|sum| info.own_checksum() != *sum) {
        return Err(HistoryError::Corrupt {
            path,
            row: 0,
            column: "run_checksum".into(),
            value: kept.unwrap_or_default(),
            problem: "run.json does not match its own checksum (changed or damaged since the run was recorded)".into(),
        });
    }
    let t = parse_time(&info.generated_at).map_err(|_| HistoryError::Corrupt {
        path,
        row: 0,
        column: "generated_at".into(),
        value: info.generated_at.clone(),
        problem: "not an RFC 3339 time".into(),
    })?;
    Ok((t, info))
}

/// Finds a run by exact id, unique prefix, or `latest` / `previous`.
/// A run whose `run.json` is damaged is that damage, not an unknown run.
pub fn resolve_run(dir: &Path, wanted: &str) -> Result<RunInfo, HistoryError> {
    let (runs, unreadable) = scan_runs(dir)?;
    match resolve_in(dir, &runs, wanted) {
        Err(HistoryError::UnknownRun { .. })
            if let Some((_, e)) = unreadable
                .into_iter()
                .find(|(id, _)| id.starts_with(wanted)) =>
        {
            Err(e)
        }
        other => other,
    }
}

pub(crate) fn resolve_in(
    dir: &Path,
    runs: &[RunInfo],
    wanted: &str,
) -> Result<RunInfo, HistoryError> {
    let wanted = wanted.trim();
    let wanted = wanted.strip_prefix(RUN_PREFIX).unwrap_or(wanted);
    let pick = match wanted {
        "latest" => runs.last(),
        "previous" => runs.len().checked_sub(2).and_then(|i| runs.get(i)),
        _ => None,
    };
    if let Some(r) = pick {
        return Ok(r.clone());
    }
    if let Some(r) = runs.iter().find(|r| r.run_id == wanted) {
        return Ok(r.clone());
    }
    let matches: Vec<&RunInfo> = if wanted.is_empty() {
        Vec::new()
    } else {
        runs.iter()
            .filter(|r| {
                r.run_id.starts_with(wanted)
                    || r.run_id
                        .split_once('-')
                        .is_some_and(|(_, h)| h.starts_with(wanted))
            })
            .collect()
    };
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(HistoryError::UnknownRun {
            dir: dir.to_path_buf(),
            wanted: wanted.to_string(),
            available: runs
                .iter()
                .rev()
                .take(10)
                .rev()
                .map(|r| r.run_id.clone())
                .collect(),
        }),
        many => Err(HistoryError::AmbiguousRun {
            dir: dir.to_path_buf(),
            wanted: wanted.to_string(),
            matches: many.iter().map(|r| r.run_id.clone()).collect(),
        }),
    }
}

/// What a run keeps of a vendor's answers: its id and each answer's value (the answers file
/// stores no evidence or comment text). Implemented by [`Vendor`] and by the compact
/// [`AnswerSheet`], which a streamed run builds instead of keeping every vendor.
pub trait RecordedAnswers: Sync {
    /// The vendor's id.
    fn vendor_id(&self) -> &VendorId;
    /// Every answer given, in question-id order (read back from disk when it was spilled).
    fn answer_values(&self) -> Result<AnswerValues<'_>, HistoryError>;
}

/// A vendor's answers with their values, in question-id order.
pub type AnswerValues<'a> = Box<dyn Iterator<Item = (QuestionId, AnswerValue)> + 'a>;

impl RecordedAnswers for Vendor {
    fn vendor_id(&self) -> &VendorId {
        self.id()
    }

    fn answer_values(&self) -> Result<AnswerValues<'_>, HistoryError> {
        Ok(Box::new(self.answers.iter().map(|(q, a)| (*q, a.value))))
    }
}

/// A vendor's answers as the history records them: the questions answered and a value for
/// each. A streamed run keeps one for every vendor until the store is written, so it is kept
/// small: in the run's [`Spill`] files, three bytes an answer (the question's two-byte index in
/// the run's [`QuestionTable`] and its value's code); in memory, with the questions as those
/// indexes; or, without a table, as the list of its questions. Nearly every vendor of a
/// generated portfolio answers a set of its own (skipped and blank answers), so a list shared
/// with the vendors that answered the same questions saved nothing: 3.4 KB a vendor.
#[derive(Debug, Clone)]
pub struct AnswerSheet {
    /// The vendor.
    pub vendor_id: VendorId,
    body: SheetBody,
}

/// The questions and values of an [`AnswerSheet`], in question-id order.
#[derive(Clone)]
enum SheetBody {
    Listed(Box<[QuestionId]>, Box<[AnswerValue]>),
    Indexed(Arc<QuestionTable>, Box<[u16]>, Box<[AnswerValue]>),
    Spilled(Arc<QuestionTable>, Arc<Spill>, Spilled),
}

/// Without the run's question table and spill, which every sheet shares.
impl std::fmt::Debug for SheetBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Listed(q, v) => f.debug_tuple("Listed").field(q).field(v).finish(),
            Self::Indexed(_, q, v) => f.debug_tuple("Indexed").field(q).field(v).finish(),
            Self::Spilled(_, _, at) => f.debug_tuple("Spilled").field(at).finish(),
        }
    }
}

/// An answer's value as one byte in a spilled sheet (`None` for a level above 249, which
/// parsing never makes; such a sheet stays in memory).
fn value_code(v: AnswerValue) -> Option<u8> {
    Some(match v {
        AnswerValue::Maturity(n) if n < 250 => n,
        AnswerValue::Maturity(_) => return None,
        AnswerValue::Yes => 250,
        AnswerValue::Partial => 251,
        AnswerValue::No => 252,
        AnswerValue::NotApplicable => 253,
        AnswerValue::Unanswered => 254,
    })
}

/// The value a [`value_code`] stands for.
fn value_of(code: u8) -> Option<AnswerValue> {
    Some(match code {
        0..250 => AnswerValue::Maturity(code),
        250 => AnswerValue::Yes,
        251 => AnswerValue::Partial,
        252 => AnswerValue::No,
        253 => AnswerValue::NotApplicable,
        254 => AnswerValue::Unanswered,
        _ => return None,
    })
}

/// Every question a run's answers can name (its catalog's), so that an [`AnswerSheet`] keeps a
/// two-byte index for each instead of a sixteen-byte id.
#[derive(Debug, PartialEq, Eq)]
pub struct QuestionTable {
    ids: Vec<QuestionId>,
    index: FxHashMap<QuestionId, u16>,
}

impl QuestionTable {
    /// The table of `ids` (the first 65,536 distinct ones: a catalog has a few hundred).
    pub fn new(ids: impl IntoIterator<Item = QuestionId>) -> Arc<Self> {
        let mut t = Self {
            ids: Vec::new(),
            index: FxHashMap::default(),
        };
        for id in ids {
            if t.ids.len() > usize::from(u16::MAX) {
                break;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = t.index.entry(id) {
                e.insert(t.ids.len() as u16);
                t.ids.push(id);
            }
        }
        Arc::new(t)
    }
}

impl AnswerSheet {
    /// The sheet of any vendor that carries its answers ([`FullInput`]), such as the streaming
    /// reader's borrowed vendors, without making a [`Vendor`] of it first; its questions listed.
    pub fn of<V: FullInput + ?Sized>(v: &V) -> Self {
        let (qs, values) = Self::answers(v);
        Self {
            vendor_id: v.profile().vendor_id.clone(),
            body: SheetBody::Listed(qs.into_boxed_slice(), values),
        }
    }

    /// [`AnswerSheet::of`] with the questions as indexes into `table` (listed when one is not
    /// in it).
    pub fn indexed<V: FullInput + ?Sized>(v: &V, table: &Arc<QuestionTable>) -> Self {
        let (qs, values) = Self::answers(v);
        let body = match table.indexes(&qs) {
            Some(idx) => SheetBody::Indexed(Arc::clone(table), idx, values),
            None => SheetBody::Listed(qs.into_boxed_slice(), values),
        };
        Self {
            vendor_id: v.profile().vendor_id.clone(),
            body,
        }
    }

    /// [`AnswerSheet::indexed`] kept in `spill`'s files (in memory when a question is not in
    /// `table`). A failed write surfaces when the run is recorded.
    pub fn spilled<V: FullInput + ?Sized>(
        v: &V,
        table: &Arc<QuestionTable>,
        spill: &Arc<Spill>,
    ) -> Self {
        let (qs, values) = Self::answers(v);
        let body = Self::spilled_body(qs, values, table, spill);
        Self {
            vendor_id: v.profile().vendor_id.clone(),
            body,
        }
    }

    /// The answers in `spill` at three bytes each; kept in memory as [`AnswerSheet::indexed`]
    /// keeps them, without walking the vendor again, when a question is not in `table` or a
    /// value has no one-byte code.
    fn spilled_body(
        qs: Vec<QuestionId>,
        values: Box<[AnswerValue]>,
        table: &Arc<QuestionTable>,
        spill: &Arc<Spill>,
    ) -> SheetBody {
        let Some(idx) = table.indexes(&qs) else {
            return SheetBody::Listed(qs.into_boxed_slice(), values);
        };
        let mut record = Vec::with_capacity(3 * idx.len());
        for (i, value) in idx.iter().zip(values.iter()) {
            let Some(code) = value_code(*value) else {
                return SheetBody::Indexed(Arc::clone(table), idx, values);
            };
            record.extend_from_slice(&i.to_le_bytes());
            record.push(code);
        }
        SheetBody::Spilled(Arc::clone(table), Arc::clone(spill), spill.put(&record))
    }

    fn answers<V: FullInput + ?Sized>(v: &V) -> (Vec<QuestionId>, Box<[AnswerValue]>) {
        let n = v.answer_count();
        let (mut qs, mut values) = (Vec::with_capacity(n), Vec::with_capacity(n));
        v.for_each_answer_value(|q, value| {
            qs.push(q);
            values.push(value);
        });
        (qs, values.into_boxed_slice())
    }
}

impl QuestionTable {
    /// The index of each of `qs`, or `None` when one is not in the table.
    fn indexes(&self, qs: &[QuestionId]) -> Option<Box<[u16]>> {
        qs.iter().map(|q| self.index.get(q).copied()).collect()
    }
}

impl From<&Vendor> for AnswerSheet {
    fn from(v: &Vendor) -> Self {
        Self::of(v)
    }
}

impl RecordedAnswers for AnswerSheet {
    fn vendor_id(&self) -> &VendorId {
        &self.vendor_id
    }

    fn answer_values(&self) -> Result<AnswerValues<'_>, HistoryError> {
        Ok(match &self.body {
            SheetBody::Listed(q, v) => Box::new(q.iter().copied().zip(v.iter().copied())),
            SheetBody::Indexed(t, q, v) => Box::new(
                q.iter()
                    .map(|&i| t.ids[usize::from(i)])
                    .zip(v.iter().copied()),
            ),
            SheetBody::Spilled(t, spill, at) => {
                let bad = || HistoryError::Spill {
                    dir: spill.dir().to_path_buf(),
                    problem: format!("the answers of vendor {} do not read back", self.vendor_id),
                };
                let answers = spill.with_record(*at, |record| {
                    record
                        .chunks(3)
                        .map(|c| match c {
                            &[a, b, code] => Some((
                                *t.ids.get(usize::from(u16::from_le_bytes([a, b])))?,
                                value_of(code)?,
                            )),
                            _ => None,
                        })
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(bad)
                })?;
                Box::new(answers.into_iter())
            }
        })
    }
}

/// Records a run in the history at `dir` (created if missing) and returns its id.
///
/// `results` are the run's complete results (reused ones included); `vendors` supply the
/// answers stored in `answers.parquet` for `scrm diff`. When the content hash equals the newest
/// run's, nothing is written and that run's id is returned (`created = false`). The write is
/// atomic (see the crate docs); afterwards staging directories left by dead writers and older
/// than the newest run are removed.
pub fn record_run<A: RecordedAnswers>(
    dir: &Path,
    manifest: &RunManifest,
    results: &[VendorResult],
    vendors: &[A],
) -> Result<Recorded, HistoryError> {
    record_run_with(dir, manifest, results, vendors, None, None)
}

/// [`record_run`], told that the newest run was found damaged, and signed with the store's key
/// when there is one (see [`record_stored_with`]).
pub fn record_run_with<A: RecordedAnswers>(
    dir: &Path,
    manifest: &RunManifest,
    results: &[VendorResult],
    vendors: &[A],
    damaged_newest: Option<&str>,
    key: Option<&crate::StoreKey>,
) -> Result<Recorded, HistoryError> {
    let stored: Vec<StoredResult> = results.par_iter().map(StoredResult::new).collect();
    record_stored_with(dir, manifest, &stored, vendors, damaged_newest, key)
}

/// [`record_run`] for results already made into what the history keeps ([`StoredResult`]).
pub fn record_stored<A: RecordedAnswers>(
    dir: &Path,
    manifest: &RunManifest,
    results: &[StoredResult],
    vendors: &[A],
) -> Result<Recorded, HistoryError> {
    record_stored_with(dir, manifest, results, vendors, None, None)
}

/// [`record_stored`], told that the newest run was found damaged ([`crate::Cache::damaged_run`]):
/// a run whose content equals that one's is recorded anyway, so that the store holds a sound
/// copy and the next run has results to reuse. (Without this, its `run.json` would still say
/// the same content hash and checksum, and the damaged run would stay the newest for good.)
/// With the store's `key`, the run's summary is signed ([`RunInfo::run_signature`]).
pub fn record_stored_with<A: RecordedAnswers>(
    dir: &Path,
    manifest: &RunManifest,
    results: &[StoredResult],
    vendors: &[A],
    damaged_newest: Option<&str>,
    key: Option<&crate::StoreKey>,
) -> Result<Recorded, HistoryError> {
    // Recording signs the run: a key that cannot sign is refused before anything is written.
    if key.is_some_and(|k| !k.can_sign()) {
        return Err(HistoryError::PublicKeyOnly {
            dir: dir.to_path_buf(),
            signing: crate::Signing::Record,
        });
    }
    let rows = sorted(results, StoredResult::vendor_id);
    let (hash, checksum) = hash_stored(manifest, &rows)?;
    let run_id = run_id_for(manifest, &hash)?;
    fs::create_dir_all(dir).map_err(HistoryError::io(dir))?;
    // The same content is recorded again when the newest run's stored results no longer match
    // their checksum or were found damaged, so that the next run has sound results to reuse.
    let unchanged = |runs: &[RunInfo]| {
        runs.last().filter(|latest| {
            latest.content_hash == hash
                && latest
                    .results_checksum
                    .as_ref()
                    .is_none_or(|c| *c == checksum)
                && damaged_newest != Some(latest.run_id.as_str())
        })
        .map(|latest| {
            tracing::info!(run = ?latest.run_id, "content equals the newest run; nothing recorded");
            Recorded {
                path: run_dir(dir, &latest.run_id),
                run_id: latest.run_id.clone(),
                created: false,
                removed_staging: Vec::new(),
            }
        })
    };
    // Nothing to record touches nothing (a store that may only be read still answers), and is
    // checked again under the lock below.
    if let Some(same) = unchanged(&list_runs(dir)?) {
        return Ok(same);
    }
    // One writer at a time, prunes included: from reading which run is the newest to the head
    // naming the new one. Two nights started at once would otherwise both follow the same run
    // (one sequence number, one `previous_run`), a fork the chain cannot show. The second waits.
    let _lock = crate::chain::prune_lock(dir)?;
    let runs = list_runs(dir)?;
    if let Some(same) = unchanged(&runs) {
        return Ok(same);
    }
    let final_dir = run_dir(dir, &run_id);
    if final_dir.exists() {
        // Same second and same content hash prefix: this very run was recorded before. When it
        // is not the newest, saying "nothing recorded" would leave the newest run standing for
        // a night whose content is another's.
        if let Some(newest) = runs.last().filter(|r| r.run_id != run_id) {
            return Err(HistoryError::RunIdTaken {
                dir: dir.to_path_buf(),
                run_id,
                newest: newest.run_id.clone(),
            });
        }
        return Ok(Recorded {
            path: final_dir,
            run_id,
            created: false,
            removed_staging: Vec::new(),
        });
    }

    let pid = std::process::id();
    let staging = dir.join(format!("{STAGING_PREFIX}{run_id}-{pid}"));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(HistoryError::io(&staging))?;
    }
    fs::create_dir(&staging).map_err(HistoryError::io(&staging))?;

    let staged = Staged {
        manifest,
        key,
        run_id: &run_id,
        sequence: runs.iter().map(|r| r.sequence).max().unwrap_or(0) + 1,
        previous: runs.last().map(|r| crate::PreviousRun {
            run_id: r.run_id.clone(),
            run_checksum: r.run_checksum.clone(),
        }),
        content_hash: hash,
        checksum,
    };
    // A run that cannot be written whole (a full disk, a failing device) leaves nothing behind:
    // its staging directory goes with the error, and earlier runs are as they were.
    let info = match staged.fill(&staging, &rows, vendors) {
        Ok(info) => info,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };

    if let Err(e) = fs::rename(&staging, &final_dir) {
        // A concurrent writer committed the same run first: same id means same content.
        if final_dir.exists() {
            let _ = fs::remove_dir_all(&staging);
            return Ok(Recorded {
                path: final_dir,
                run_id,
                created: false,
                removed_staging: Vec::new(),
            });
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(HistoryError::io(&final_dir)(e));
    }
    // The run is in place and every reader sees it from here on: a failed sync of the store's
    // directory does not undo that, so saying "not recorded" would be false. What it risks is a
    // power cut before the file system writes the rename itself, which a warning says.
    if let Err(e) = sync_dir(dir) {
        tracing::warn!(
            run = ?run_id,
            error = %e,
            "the run is recorded, but the store's directory could not be synced: a power cut now could lose it"
        );
    }
    tracing::info!(run = ?run_id, vendors = rows.len(), "run recorded");
    // The head names the new run. The run stands either way: a head left behind says so in
    // `verify` and is brought level by the next run.
    if let Err(e) = crate::head::write_head(dir, &info, key) {
        tracing::warn!(run = ?run_id, error = %e, "the store's head could not be updated");
    }

    // Tidying what dead writers left is not part of recording this run: the run stands.
    let removed_staging = remove_stale_staging(dir, pid).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "could not remove what an earlier run left behind");
        Vec::new()
    });
    Ok(Recorded {
        run_id,
        created: true,
        path: final_dir,
        removed_staging,
    })
}

/// What a run's staging directory is filled with, besides its results and answers.
struct Staged<'a> {
    manifest: &'a RunManifest,
    key: Option<&'a crate::StoreKey>,
    run_id: &'a str,
    sequence: u64,
    previous: Option<crate::PreviousRun>,
    content_hash: String,
    checksum: String,
}

impl Staged<'_> {
    /// Writes the run's four files into `staging` and syncs them and the directory.
    fn fill<A: RecordedAnswers>(
        self,
        staging: &Path,
        rows: &[&StoredResult],
        vendors: &[A],
    ) -> Result<RunInfo, HistoryError> {
        let manifest = self.manifest;
        let mut statuses = StatusCounts::default();
        for r in rows {
            statuses.add(r.status());
        }
        // Two files of their own, each mostly one thread's work (encoding and compressing):
        // written side by side.
        let (results_file, answers) = rayon::join(
            || write_results_file(&staging.join("results.parquet"), manifest, rows),
            || write_answers_file(&staging.join(ANSWERS_FILE), manifest, vendors),
        );
        let results_file_checksum = results_file?;
        let (answers, answers_checksum) = answers?;
        let manifest_json = serde_json::to_vec_pretty(manifest)
            .map_err(HistoryError::json(staging.join("manifest.json")))?;
        write_synced(&staging.join("manifest.json"), |w| {
            w.write_all(&manifest_json)
        })?;
        let info = RunInfo {
            run_id: self.run_id.to_string(),
            generated_at: manifest.generated_at.clone(),
            sequence: self.sequence,
            as_of: manifest.as_of,
            content_hash: self.content_hash,
            results_checksum: Some(self.checksum),
            answers_checksum: Some(answers_checksum),
            results_file_checksum: Some(results_file_checksum),
            manifest_checksum: Some(bytes_checksum(&manifest_json)),
            run_key_id: self.key.and_then(crate::StoreKey::key_id),
            run_signature: None,
            run_checksum: None,
            previous_run: self.previous,
            tool_version: manifest.tool_version.clone(),
            catalog_version: manifest.catalog_version.clone(),
            policy_name: manifest.policy_name.clone(),
            vendors: rows.len() as u64,
            answers,
            statuses,
            read_as: None,
        };
        let info = RunInfo {
            run_signature: self.key.and_then(|k| k.sign(&info.signed_bytes())),
            ..info
        };
        let info = RunInfo {
            run_checksum: Some(info.own_checksum()),
            ..info
        };
        let info_json = serde_json::to_vec_pretty(&info)
            .map_err(HistoryError::json(staging.join(RUN_INFO_FILE)))?;
        write_synced(&staging.join(RUN_INFO_FILE), |w| w.write_all(&info_json))?;
        sync_dir(staging)?;
        Ok(info)
    }
}

/// Creates `path`, lets `f` fill it through a large buffer, and fsyncs it.
pub(crate) fn write_synced(
    path: &Path,
    f: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), HistoryError> {
    let file = File::create(path).map_err(HistoryError::io(path))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    f(&mut w).map_err(HistoryError::io(path))?;
    let file = w
        .into_inner()
        .map_err(|e| HistoryError::io(path)(e.into_error()))?;
    file.sync_all().map_err(HistoryError::io(path))
}

/// Fsyncs a directory so that the entries created or renamed in it survive a power cut.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), HistoryError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(HistoryError::io(dir))
}

/// Writes `answers.parquet` (vendor_id, question_id, answer; blank answers are null), vendors in
/// id order and questions in id order ([`crate::answers`]). Returns the number of rows and the
/// file's checksum.
fn write_answers_file<A: RecordedAnswers>(
    path: &Path,
    manifest: &RunManifest,
    vendors: &[A],
) -> Result<(u64, String), HistoryError> {
    let mut order: Vec<&A> = vendors.iter().collect();
    order.sort_by(|a, b| a.vendor_id().cmp(b.vendor_id()));
    let file = File::create(path).map_err(HistoryError::io(path))?;
    let mut buf = Summing::new(BufWriter::with_capacity(1 << 20, file));
    let total = crate::answers::write_answers(&order, parquet_metadata(manifest)?, &mut buf)?;
    let checksum = buf.checksum();
    let file = buf
        .inner
        .into_inner()
        .map_err(|e| HistoryError::io(path)(e.into_error()))?;
    file.sync_all().map_err(HistoryError::io(path))?;
    Ok((total, checksum))
}

/// Whether the process that owns a staging directory may still be writing it. Where `/proc`
/// is not available every writer is presumed dead once a newer run is committed.
fn pid_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && proc.join(pid.to_string()).exists()
}

/// Removes `.staging-<run_id>-<pid>` directories older than the newest committed run whose
/// writer is gone (a writer killed mid-run leaves one behind), and `.spill-<pid>-<n>` directories
/// whose writer is gone.
fn remove_stale_staging(dir: &Path, own_pid: u32) -> Result<Vec<PathBuf>, HistoryError> {
    let Some(newest) = list_runs(dir)?.last().map(|r| r.run_id.clone()) else {
        return Ok(Vec::new());
    };
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir).map_err(HistoryError::io(dir))? {
        let entry = entry.map_err(HistoryError::io(dir))?;
        let name = entry.file_name();
        if let Some(pid) = name.to_str().and_then(spill_pid) {
            // A spill directory outlives its run only when the run was killed.
            if pid != own_pid && !pid_alive(pid) {
                let path = entry.path();
                fs::remove_dir_all(&path).map_err(HistoryError::io(&path))?;
                tracing::info!(path = %path.display(), "removed a spill directory left by a dead writer");
                removed.push(path);
            }
            continue;
        }
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(STAGING_PREFIX)) else {
            continue;
        };
        let Some((id, pid)) = rest.rsplit_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid == own_pid || id >= newest.as_str() || pid_alive(pid) {
            continue;
        }
        let path = entry.path();
        fs::remove_dir_all(&path).map_err(HistoryError::io(&path))?;
        tracing::info!(path = %path.display(), "removed a staging directory left by a dead writer");
        removed.push(path);
    }
    removed.sort();
    Ok(removed)
}

/// Reads every result of a run back from its `result_json` column, in vendor-id order, once
/// the file matches the checksum recorded with the run.
pub fn read_run_results(dir: &Path, run_id: &str) -> Result<Vec<VendorResult>, HistoryError> {
    let info = resolve_run(dir, run_id)?;
    let path = results_path(dir, &info.run_id);
    check_file(&path, info.results_file_checksum.as_deref())?;
    let df = read_columns(&path, &[RESULT_JSON_COLUMN])?;
    let json = str_col(&df, RESULT_JSON_COLUMN, &path)?;
    json.iter()
        .enumerate()
        .map(|(i, s)| {
            let s = s.unwrap_or_default();
            serde_json::from_str(s).map_err(|e| HistoryError::Corrupt {
                path: path.clone(),
                row: i + 1,
                column: RESULT_JSON_COLUMN.into(),
                value: s.chars().take(80).collect(),
                problem: format!("not a stored result: {e}"),
            })
        })
        .collect()
}

pub(crate) fn results_path(dir: &Path, run_id: &str) -> PathBuf {
    run_dir(dir, run_id).join("results.parquet")
}

pub(crate) fn answers_path(dir: &Path, run_id: &str) -> PathBuf {
    run_dir(dir, run_id).join(ANSWERS_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_a_sheet_spills_reads_back() {
        let mut codes = std::collections::BTreeSet::new();
        for v in crate::answers::every_value(249) {
            let code = value_code(v).unwrap();
            assert!(codes.insert(code), "{v:?} shares its code");
            assert_eq!(value_of(code), Some(v));
        }
        assert_eq!(value_code(AnswerValue::Maturity(250)), None);
        assert_eq!(value_of(255), None);
    }
}
