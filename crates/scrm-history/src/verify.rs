//! Checking every run of a history store against what was recorded with it (`scrm history
//! verify`): its results against `results_checksum`, its answers file against
//! `answers_checksum`, and the manifest and results against the content hash its id is made
//! from. An auditor can then tell that a run says today what it said the night it was recorded.

use crate::StoreKey;
use crate::error::HistoryError;
use crate::results_file::for_each_group;
use crate::retention::require_store;
use crate::store::{
    ChunkDigests, HASH_CHUNK, RunInfo, StatusCounts, answers_path, bytes_checksum, check_file,
    file_checksum, results_path, row_bytes, run_dir, run_hashes, run_id_for, scan_runs,
};
use crate::table::decode;
use polars::prelude::{ParquetReader, SerReader};
use rayon::prelude::*;
use scrm_model::RunManifest;
use scrm_model::safe::escape_controls;
use serde::Serialize;
use std::path::Path;

/// What checking one run found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// The results match their checksum, and the manifest and results their content hash.
    Sound,
    /// Recorded before runs kept a results checksum, when the content hash was made another way
    /// (with the inputs' paths): there is nothing to check it against.
    Unchecked,
    /// Its results file or manifest no longer reads as scrm wrote it (a damaged or foreign
    /// file, a bad cell): what went wrong.
    Unreadable {
        /// The problem, with the file, row and column where it has them.
        problem: String,
    },
    /// Changed or damaged since it was recorded.
    Changed {
        /// The results (rows or JSON) no longer match `results_checksum`.
        results: bool,
        /// The manifest or the results' JSON no longer match the content hash.
        content: bool,
        /// The results file holds another number of vendors than `run.json` says.
        vendors: bool,
        /// `answers.parquet` no longer matches `answers_checksum`.
        answers: bool,
        /// `results.parquet`'s bytes no longer match `results_file_checksum` (its rows may
        /// still be as recorded: `results` says).
        results_file: bool,
        /// `manifest.json`'s bytes no longer match `manifest_checksum`.
        manifest: bool,
        /// `run.json` says something other than what it summarizes: its id, time, as-of date,
        /// versions or policy against the manifest, or its counts against the files.
        summary: bool,
        /// Verified with the store's key: the run does not carry its signature (recorded
        /// without the key, or changed by someone without it). Never without a key.
        signature: bool,
    },
}

impl Outcome {
    /// Changed in one way only: the run does not carry the store key's signature.
    pub fn unsigned() -> Self {
        Self::Changed {
            results: false,
            content: false,
            vendors: false,
            answers: false,
            results_file: false,
            manifest: false,
            summary: false,
            signature: true,
        }
    }
}

/// One run and what checking it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunCheck {
    /// The run's id.
    pub run_id: String,
    /// Vendors in its results file (`run.json`'s count when it was not read).
    pub vendors: u64,
    /// What was found.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Verified with an Ed25519 key: the key id of the key whose signature the run carries
    /// (the key given). `None` with a shared secret, which names no key, and when the signature
    /// does not verify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    /// Why the run's signature does not verify (`Outcome::Changed`'s `signature`), when that says
    /// more than that the run does not carry the key's signature: it carries another scheme's or
    /// another Ed25519 key's, or one naming the key given that no longer verifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_problem: Option<crate::SignatureProblem>,
}

impl RunCheck {
    /// Whether the run was found changed or unreadable.
    pub fn changed(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Changed { .. } | Outcome::Unreadable { .. }
        )
    }
}

/// Checks every run of the store at `dir`, oldest first; runs whose `run.json` does not read
/// come last, each [`Outcome::Unreadable`] (what else they hold cannot be checked without it).
pub fn verify_runs(dir: &Path) -> Result<Vec<RunCheck>, HistoryError> {
    verify_runs_keyed(dir, None)
}

/// [`verify_runs`] of a store signed with `key`: each run must also carry the key's signature
/// ([`Outcome::Changed`]'s `signature`), a run recorded before runs kept checksums included
/// (it has none, and a run stripped of its checksums must not pass as an old one).
pub fn verify_runs_keyed(
    dir: &Path,
    key: Option<&StoreKey>,
) -> Result<Vec<RunCheck>, HistoryError> {
    require_store(dir)?;
    let (runs, unreadable) = scan_runs(dir)?;
    let mut checks = runs
        .iter()
        .map(|info| verify_run_keyed(dir, info, key))
        .collect::<Result<Vec<_>, _>>()?;
    checks.extend(unreadable.into_iter().map(|(run_id, e)| RunCheck {
        run_id,
        vendors: 0,
        outcome: Outcome::Unreadable {
            problem: e.to_string(),
        },
        signed_by: None,
        signature_problem: None,
    }));
    Ok(checks)
}

/// Checks one run: its results file's row groups, read side by side, the JSON with SHA-256 for
/// the content hash and each row and JSON for the checksum, in hashing chunks side by side.
/// A file that is missing or no longer reads as scrm wrote it is [`Outcome::Unreadable`]; only
/// a file that cannot be read for another reason (permissions, the disk) is an error.
pub fn verify_run(dir: &Path, info: &RunInfo) -> Result<RunCheck, HistoryError> {
    verify_run_keyed(dir, info, None)
}

/// [`verify_run`], with the store's key when it is signed.
pub fn verify_run_keyed(
    dir: &Path,
    info: &RunInfo,
    key: Option<&StoreKey>,
) -> Result<RunCheck, HistoryError> {
    match check_run(dir, info, key) {
        Err(e) if e.is_damage() => Ok(RunCheck {
            run_id: info.run_id.clone(),
            vendors: info.vendors,
            outcome: Outcome::Unreadable {
                problem: e.to_string(),
            },
            signed_by: None,
            signature_problem: None,
        }),
        other => other,
    }
}

fn check_run(dir: &Path, info: &RunInfo, key: Option<&StoreKey>) -> Result<RunCheck, HistoryError> {
    if info.predates_checksums() {
        // With the key, a run without checksums is also a run without the signature: one with
        // them stripped and its files edited must not pass as merely old.
        let outcome = match key {
            None => Outcome::Unchecked,
            Some(_) => Outcome::unsigned(),
        };
        let (_, _, signature_problem) = signature(info, key);
        return Ok(RunCheck {
            run_id: info.run_id.clone(),
            vendors: info.vendors,
            outcome,
            signed_by: None,
            signature_problem,
        });
    }
    let path = results_path(dir, &info.run_id);
    // The bytes first: the rows of a file that is not the one recorded are still read (with the
    // decoder's failures caught), to tell a change of rows from one of the file alone.
    let results_file = differs(&path, info.results_file_checksum.as_deref())?;
    let mut digests = Vec::new();
    let mut vendors = 0u64;
    let mut statuses = StatusCounts::default();
    for_each_group(
        &path,
        |rows, json| {
            let mut statuses = StatusCounts::default();
            for row in &rows {
                statuses.add(row.status());
            }
            let group: Vec<([u8; 32], u128)> = rows
                .par_chunks(HASH_CHUNK)
                .zip(json.par_chunks(HASH_CHUNK))
                .map(|(rows, json)| {
                    let (mut d, mut buf) = (ChunkDigests::default(), Vec::new());
                    for (row, json) in rows.iter().zip(json) {
                        d.add(row_bytes(row, &mut buf), json.as_bytes());
                    }
                    d.finish()
                })
                .collect();
            Ok((rows.len() as u64, statuses, group))
        },
        |(n, counted, group)| {
            vendors += n;
            statuses.merge(counted);
            digests.extend(group);
            Ok(())
        },
    )?;
    let path = run_dir(dir, &info.run_id).join("manifest.json");
    let text = std::fs::read(&path).map_err(HistoryError::io(&path))?;
    let manifest_changed = info
        .manifest_checksum
        .as_ref()
        .is_some_and(|sum| bytes_checksum(&text) != *sum);
    let manifest: RunManifest = serde_json::from_slice(&text).map_err(HistoryError::json(&path))?;
    let (content_hash, checksum) = run_hashes(&manifest, digests);
    // (`run.json` itself was checked against its own checksum when it was listed.)
    let results = info.results_checksum.as_ref() != Some(&checksum);
    let content = content_hash != info.content_hash;
    let count = vendors != info.vendors;
    let answers_path = answers_path(dir, &info.run_id);
    let answers = match &info.answers_checksum {
        Some(recorded) => file_checksum(&answers_path)? != *recorded,
        None => false,
    };
    // The answer count is the answers file's own (its footer), read only from the file recorded.
    let answer_rows = match answers {
        false => Some(answer_rows(&answers_path)?),
        true => None,
    };
    let summary = run_id_for(&manifest, &info.content_hash).ok().as_ref() != Some(&info.run_id)
        || info.generated_at != manifest.generated_at
        || info.as_of != manifest.as_of
        || info.tool_version != manifest.tool_version
        || info.catalog_version != manifest.catalog_version
        || info.policy_name != manifest.policy_name
        || info.statuses != statuses
        || answer_rows.is_some_and(|n| n != info.answers);
    let (signature, signed_by, signature_problem) = signature(info, key);
    Ok(RunCheck {
        run_id: info.run_id.clone(),
        vendors,
        signed_by,
        signature_problem,
        outcome: if results
            || content
            || count
            || answers
            || results_file
            || manifest_changed
            || summary
            || signature
        {
            Outcome::Changed {
                results,
                content,
                vendors: count,
                answers,
                results_file,
                manifest: manifest_changed,
                summary,
                signature,
            }
        } else {
            Outcome::Sound
        },
    })
}

/// What a run's signature says with `key`: whether it does not verify, the key id of the
/// Ed25519 key it verifies with (`key` or one of its older keys), and why it does not verify
/// when that says more than "not signed" ([`RunCheck::signature_problem`]).
fn signature(
    info: &RunInfo,
    key: Option<&StoreKey>,
) -> (bool, Option<String>, Option<crate::SignatureProblem>) {
    match key.map(|k| info.signer(k)) {
        None => (false, None, None),
        Some(Ok(signer)) => (false, signer, None),
        Some(Err(crate::SignatureProblem::NotSigned)) => (true, None, None),
        Some(Err(problem)) => (true, None, Some(problem)),
    }
}

/// Whether a file's bytes differ from the checksum recorded for it (never, with none).
fn differs(path: &Path, recorded: Option<&str>) -> Result<bool, HistoryError> {
    match check_file(path, recorded) {
        Ok(()) => Ok(false),
        Err(HistoryError::Mismatch { .. }) => Ok(true),
        Err(e) => Err(e),
    }
}

/// The rows an answers file says it holds.
fn answer_rows(path: &Path) -> Result<u64, HistoryError> {
    let file = std::fs::File::open(path).map_err(HistoryError::io(path))?;
    decode(path, || ParquetReader::new(file).num_rows()).map(|n| n as u64)
}

/// What checking found, a line a run, for a terminal.
pub fn render_verify_text(checks: &[RunCheck]) -> String {
    let changed = checks.iter().filter(|c| c.changed()).count();
    let mut out = format!(
        "{} run{} checked: {} changed since recorded\n",
        checks.len(),
        if checks.len() == 1 { "" } else { "s" },
        changed
    );
    for c in checks {
        let what = match &c.outcome {
            Outcome::Sound => match &c.signed_by {
                Some(id) => format!("sound, signed by key {}", crate::short_id(id)),
                None => "sound".to_string(),
            },
            Outcome::Unchecked => "not checked: recorded before runs kept a checksum".to_string(),
            Outcome::Unreadable { problem } => {
                format!("CHANGED: unreadable: {}", escape_controls(problem, false))
            }
            Outcome::Changed {
                results,
                content,
                vendors,
                answers,
                results_file,
                manifest,
                summary,
                signature,
            } => {
                let mut parts: Vec<std::borrow::Cow<'_, str>> = Vec::new();
                if *results {
                    parts.push("results differ from their checksum".into());
                }
                if *content {
                    parts.push("manifest or results differ from the content hash".into());
                }
                if *vendors {
                    parts.push("another number of vendors than recorded".into());
                }
                if *answers {
                    parts.push("answers differ from their checksum".into());
                }
                if *results_file {
                    parts.push("results.parquet's bytes differ from their checksum".into());
                }
                if *manifest {
                    parts.push("manifest.json differs from its checksum".into());
                }
                if *summary {
                    parts.push("run.json disagrees with the run it summarizes".into());
                }
                if *signature {
                    parts.push(match &c.signature_problem {
                        Some(problem) => format!("run.json {problem}").into(),
                        None => "not signed with the store's key".into(),
                    });
                }
                format!("CHANGED: {}", parts.join("; "))
            }
        };
        // A run id is a folder's name: anyone who can write in the store can choose it.
        out.push_str(&format!(
            "  {}  {:>9} vendors  {what}\n",
            escape_controls(&c.run_id, false),
            c.vendors
        ));
    }
    out
}
