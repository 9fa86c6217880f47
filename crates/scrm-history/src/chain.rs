//! The store's chain of runs: each run names the run that was the newest when it was recorded
//! (its `previous_run`, with that run's `run_checksum`), and `prune` writes each run it removes
//! to the prune log (`DIR/pruned.jsonl`), sealed and, with the store's key, signed. A run
//! removed from the middle of the store, which the head cannot show (it names only the newest
//! run), then shows: the run after it names a run that is neither in the store nor in the log.
//! So does an older run whose summary was sealed again after a change, which its own checksums
//! cannot show: the run after it recorded the checksum it had.

use crate::store::{RunInfo, bytes_checksum, canonical_json, scan_runs, sync_dir, write_synced};
use crate::{HistoryError, StoreKey};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// The prune log's file name in the store.
pub const PRUNE_LOG: &str = "pruned.jsonl";

/// The run a run was recorded after: the store's newest run at the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousRun {
    /// Its id.
    pub run_id: String,
    /// Its summary's own checksum then (`None` for a run recorded before runs kept one).
    pub run_checksum: Option<String>,
}

/// One line of the prune log: a run `prune` removed on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrunedRun {
    /// Always `pruned-run`: a signed log line can never pass for another signed record.
    pub kind: String,
    /// The run's id.
    pub run_id: String,
    /// Its place in the store's order.
    pub sequence: u64,
    /// Its summary's own checksum when it was removed.
    pub run_checksum: Option<String>,
    /// `hmac-sha256:` of the line without this field and `entry_checksum`, with the store's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_signature: Option<String>,
    /// `xxh3-128:` of the line's canonical JSON without this field.
    pub entry_checksum: String,
}

const KIND: &str = "pruned-run";

impl PrunedRun {
    /// The log line for `run`, sealed and, with `key`, signed.
    fn of(run: &RunInfo, key: Option<&StoreKey>) -> Self {
        let mut e = Self {
            kind: KIND.into(),
            run_id: run.run_id.clone(),
            sequence: run.sequence,
            run_checksum: run.run_checksum.clone(),
            entry_signature: None,
            entry_checksum: String::new(),
        };
        let value = |e: &Self| serde_json::to_value(e).unwrap_or_default();
        e.entry_signature = key.map(|k| {
            k.sign(&canonical_json(
                &value(&e),
                &["entry_signature", "entry_checksum"],
            ))
        });
        e.entry_checksum = bytes_checksum(&canonical_json(&value(&e), &["entry_checksum"]));
        e
    }
}

/// Adds `runs` (about to be removed) to the store's prune log: the log is written again whole
/// to a temporary file, synced, renamed over the old one, and the store's directory synced, so a
/// crash leaves the old log or the new one. Done before any run is removed: a run logged and
/// still there is fine, a run gone and not logged would be a break in the chain.
///
/// A store whose runs are signed is pruned with its key only, so that every line vouching for a
/// removed run is signed too ([`HistoryError::KeyNeeded`]).
pub(crate) fn log_pruned(
    dir: &Path,
    runs: &[&RunInfo],
    all: &[RunInfo],
    key: Option<&StoreKey>,
) -> Result<(), HistoryError> {
    if runs.is_empty() {
        return Ok(());
    }
    if key.is_none() && all.iter().any(|r| r.run_signature.is_some()) {
        return Err(HistoryError::KeyNeeded {
            dir: dir.to_path_buf(),
        });
    }
    let path = dir.join(PRUNE_LOG);
    let mut text = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(HistoryError::io(&path)(e)),
    };
    if !text.is_empty() && !text.ends_with(b"\n") {
        // A line cut short by damage stays a line of its own (and is reported by `verify`).
        text.push(b'\n');
    }
    for run in runs {
        let line =
            serde_json::to_vec(&PrunedRun::of(run, key)).map_err(HistoryError::json(&path))?;
        text.extend_from_slice(&line);
        text.push(b'\n');
    }
    let tmp = dir.join(format!(".pruned-log-{}.tmp", std::process::id()));
    let written = write_synced(&tmp, |w| std::io::Write::write_all(w, &text))
        .and_then(|()| std::fs::rename(&tmp, &path).map_err(HistoryError::io(&path)));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)
}

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum ChainCheck {
    /// No run names the run before it: recorded before the chain was kept.
    Absent,
    /// Every run that names the run before it finds it in the store as it was, or in the prune
    /// log.
    Sound {
        /// Runs that name the run before them.
        links: usize,
        /// Of those, links to a run pruned on purpose.
        pruned: usize,
    },
    /// A run was removed without `prune`, an older run's summary changed (even sealed again),
    /// or a line of the prune log was changed, damaged, or not signed with the store's key.
    Changed {
        /// What is wrong, one line each, in the store's order.
        problems: Vec<String>,
    },
}

impl ChainCheck {
    /// Whether it is a change (`verify` exits 1).
    pub fn changed(&self) -> bool {
        matches!(self, Self::Changed { .. })
    }
}

/// The prune log's sound lines by run id, and a problem for each line that is not.
fn read_log(
    dir: &Path,
    key: Option<&StoreKey>,
) -> Result<(HashMap<String, PrunedRun>, Vec<String>), HistoryError> {
    let path = dir.join(PRUNE_LOG);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(e) => return Err(HistoryError::io(&path)(e)),
    };
    let mut sound = HashMap::new();
    let mut problems = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let n = i + 1;
        let read = serde_json::from_slice::<serde_json::Value>(line).ok();
        let Some((read, entry)) = read.and_then(|v| {
            let e = serde_json::from_value::<PrunedRun>(v.clone()).ok()?;
            Some((v, e))
        }) else {
            problems.push(format!("{PRUNE_LOG} line {n} is not a pruned run's record"));
            continue;
        };
        if entry.kind != KIND
            || bytes_checksum(&canonical_json(&read, &["entry_checksum"])) != entry.entry_checksum
        {
            problems.push(format!(
                "{PRUNE_LOG} line {n} does not match its own checksum"
            ));
            continue;
        }
        if let Some(key) = key {
            let signed = entry.entry_signature.as_deref().is_some_and(|sig| {
                key.verifies(
                    &canonical_json(&read, &["entry_signature", "entry_checksum"]),
                    sig,
                )
            });
            if !signed {
                problems.push(format!(
                    "{PRUNE_LOG} line {n} (run {}) does not carry the store key's signature",
                    esc(&entry.run_id)
                ));
                continue;
            }
        }
        sound.insert(entry.run_id.clone(), entry);
    }
    Ok((sound, problems))
}

fn esc(s: &str) -> String {
    scrm_model::safe::escape_controls(s, false).into_owned()
}

/// Checks the chain of the store at `dir`: each run that names the run before it must find it
/// in the store, with the summary it had, or in the prune log (signed with `key` when given).
/// A run whose `run.json` does not read is reported by the runs' check, not here.
pub fn verify_chain(dir: &Path, key: Option<&StoreKey>) -> Result<ChainCheck, HistoryError> {
    let (runs, unreadable) = scan_runs(dir)?;
    let (log, mut problems) = read_log(dir, key)?;
    let by_id: HashMap<&str, &RunInfo> = runs.iter().map(|r| (r.run_id.as_str(), r)).collect();
    let (mut links, mut pruned) = (0, 0);
    for run in &runs {
        let Some(prev) = &run.previous_run else {
            continue;
        };
        links += 1;
        let (id, want) = (prev.run_id.as_str(), &prev.run_checksum);
        if let Some(found) = by_id.get(id) {
            if found.run_checksum != *want {
                problems.push(format!(
                    "run {} is not the run {} was recorded after: its summary changed since",
                    esc(id),
                    esc(&run.run_id)
                ));
            }
        } else if unreadable.iter().any(|(u, _)| u == id) {
            // Reported with the runs: its summary does not read.
        } else if log.get(id).is_some_and(|e| e.run_checksum == *want) {
            pruned += 1;
        } else if log.contains_key(id) {
            problems.push(format!(
                "run {} was pruned, but not as the run {} was recorded after (its summary had changed)",
                esc(id),
                esc(&run.run_id)
            ));
        } else {
            problems.push(format!(
                "run {}, recorded just before {}, is not in the store and the prune log does not name it: it was removed",
                esc(id),
                esc(&run.run_id)
            ));
        }
    }
    Ok(match (links, problems.is_empty()) {
        (_, false) => ChainCheck::Changed { problems },
        (0, true) => ChainCheck::Absent,
        (links, true) => ChainCheck::Sound { links, pruned },
    })
}

/// What checking the chain found, for a terminal.
pub fn render_chain_text(c: &ChainCheck) -> String {
    match c {
        ChainCheck::Absent => {
            "chain: none (the runs were recorded before each named the run before it)\n".into()
        }
        ChainCheck::Sound { links, pruned: 0 } => {
            format!("chain: sound: each of {links} run(s) finds the run it was recorded after\n")
        }
        ChainCheck::Sound { links, pruned } => format!(
            "chain: sound: each of {links} run(s) finds the run it was recorded after ({pruned} of them pruned on purpose)\n"
        ),
        ChainCheck::Changed { problems } => problems
            .iter()
            .map(|p| format!("chain: CHANGED: {p}\n"))
            .collect(),
    }
}
