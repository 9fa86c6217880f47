//! Checking every run of a history store against what was recorded with it (`scrm history
//! verify`): its results against `results_checksum`, its answers file against
//! `answers_checksum`, and the manifest and results against the content hash its id is made
//! from. An auditor can then tell that a run says today what it said the night it was recorded.

use crate::error::HistoryError;
use crate::results_file::for_each_group;
use crate::retention::require_store;
use crate::store::{
    ChunkDigests, HASH_CHUNK, RunInfo, answers_path, file_checksum, list_runs, results_path,
    row_bytes, run_dir, run_hashes,
};
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
    },
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

/// Checks every run of the store at `dir`, oldest first.
pub fn verify_runs(dir: &Path) -> Result<Vec<RunCheck>, HistoryError> {
    require_store(dir)?;
    list_runs(dir)?
        .iter()
        .map(|info| verify_run(dir, info))
        .collect()
}

/// Checks one run: its results file's row groups, read side by side, the JSON with SHA-256 for
/// the content hash and each row and JSON for the checksum, in hashing chunks side by side.
/// A file that is missing or no longer reads as scrm wrote it is [`Outcome::Unreadable`]; only
/// a file that cannot be read for another reason (permissions, the disk) is an error.
pub fn verify_run(dir: &Path, info: &RunInfo) -> Result<RunCheck, HistoryError> {
    match check_run(dir, info) {
        Err(e) if e.is_damage() => Ok(RunCheck {
            run_id: info.run_id.clone(),
            vendors: info.vendors,
            outcome: Outcome::Unreadable {
                problem: e.to_string(),
            },
        }),
        other => other,
    }
}

fn check_run(dir: &Path, info: &RunInfo) -> Result<RunCheck, HistoryError> {
    let Some(recorded) = &info.results_checksum else {
        return Ok(RunCheck {
            run_id: info.run_id.clone(),
            vendors: info.vendors,
            outcome: Outcome::Unchecked,
        });
    };
    let mut digests = Vec::new();
    let mut vendors = 0u64;
    for_each_group(
        &results_path(dir, &info.run_id),
        |rows, json| {
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
            Ok((rows.len() as u64, group))
        },
        |(n, group)| {
            vendors += n;
            digests.extend(group);
            Ok(())
        },
    )?;
    let path = run_dir(dir, &info.run_id).join("manifest.json");
    let text = std::fs::read(&path).map_err(HistoryError::io(&path))?;
    let manifest: RunManifest = serde_json::from_slice(&text).map_err(HistoryError::json(&path))?;
    let (content_hash, checksum) = run_hashes(&manifest, digests);
    let results = checksum != *recorded;
    let content = content_hash != info.content_hash;
    let count = vendors != info.vendors;
    let answers = match &info.answers_checksum {
        Some(recorded) => file_checksum(&answers_path(dir, &info.run_id))? != *recorded,
        None => false,
    };
    Ok(RunCheck {
        run_id: info.run_id.clone(),
        vendors,
        outcome: if results || content || count || answers {
            Outcome::Changed {
                results,
                content,
                vendors: count,
                answers,
            }
        } else {
            Outcome::Sound
        },
    })
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
            Outcome::Sound => "sound".to_string(),
            Outcome::Unchecked => "not checked: recorded before runs kept a checksum".to_string(),
            Outcome::Unreadable { problem } => {
                format!("CHANGED: unreadable: {}", escape_controls(problem, false))
            }
            Outcome::Changed {
                results,
                content,
                vendors,
                answers,
            } => {
                let mut parts = Vec::new();
                if *results {
                    parts.push("results differ from their checksum");
                }
                if *content {
                    parts.push("manifest or results differ from the content hash");
                }
                if *vendors {
                    parts.push("another number of vendors than recorded");
                }
                if *answers {
                    parts.push("answers differ from their checksum");
                }
                format!("CHANGED: {}", parts.join("; "))
            }
        };
        out.push_str(&format!(
            "  {}  {:>9} vendors  {what}\n",
            c.run_id, c.vendors
        ));
    }
    out
}
