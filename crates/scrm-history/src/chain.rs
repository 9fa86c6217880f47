//! The store's chain of runs: each run names the run that was the newest when it was recorded
//! (its `previous_run`, with that run's `run_checksum`), and `prune` records each run it removes
//! in the prune log (`DIR/pruned.jsonl`), sealed and, with the store's key, signed, after it
//! hid the run and before it deletes it. A run
//! removed from the middle of the store, which the head cannot show (it names only the newest
//! run), then shows: the run after it names a run that is neither in the store nor in the log.
//! So does an older run whose summary was sealed again after a change, which its own checksums
//! cannot show: the run after it recorded the checksum it had.

use crate::store::{RunInfo, scan_runs, sync_dir};
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
    /// With an Ed25519 key, its key id (covered by the signature); `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_key_id: Option<String>,
    /// `hmac-sha256:` or `ed25519:` of the line without this field and `entry_checksum`, with the
    /// store's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_signature: Option<String>,
    /// `xxh3-128:` of the line's canonical JSON without this field.
    pub entry_checksum: String,
}

const KIND: &str = "pruned-run";

impl PrunedRun {
    /// The log line for the run `run_id` (its place and summary's checksum as read), sealed
    /// and, with `key`, signed.
    pub(crate) fn new(
        run_id: &str,
        sequence: u64,
        run_checksum: Option<String>,
        key: Option<&StoreKey>,
    ) -> Self {
        let mut e = Self {
            kind: KIND.into(),
            run_id: run_id.into(),
            sequence,
            run_checksum,
            entry_key_id: key.and_then(StoreKey::key_id),
            entry_signature: None,
            entry_checksum: String::new(),
        };
        let value = serde_json::to_value(&e).unwrap_or_default();
        (e.entry_signature, e.entry_checksum) =
            crate::seal::seal(&value, "entry_signature", "entry_checksum", key);
        e
    }

    /// The log line for `run`.
    pub(crate) fn of(run: &RunInfo, key: Option<&StoreKey>) -> Self {
        Self::new(&run.run_id, run.sequence, run.run_checksum.clone(), key)
    }
}

/// Refuses to prune a store whose runs are signed without its key
/// ([`HistoryError::KeyNeeded`]) or with another key ([`HistoryError::WrongKey`], or
/// [`HistoryError::SignedOtherwise`] when the newest signed run tells whose signature it
/// carries), and any store with a key that cannot sign ([`HistoryError::PublicKeyOnly`]), before
/// anything is touched: the prune log's lines must carry the key the store is verified with.
pub(crate) fn check_prune_key(
    dir: &Path,
    runs: &[&RunInfo],
    key: Option<&StoreKey>,
) -> Result<(), HistoryError> {
    if key.is_some_and(|k| !k.can_sign()) {
        return Err(HistoryError::PublicKeyOnly {
            dir: dir.to_path_buf(),
            signing: crate::Signing::Prune,
        });
    }
    let Some(newest) = runs
        .iter()
        .filter(|r| r.run_signature.is_some())
        .max_by(|a, b| (a.sequence, &a.run_id).cmp(&(b.sequence, &b.run_id)))
    else {
        return Ok(());
    };
    match key {
        None => Err(HistoryError::KeyNeeded {
            dir: dir.to_path_buf(),
        }),
        Some(k) => match newest.signature_check(k) {
            Ok(()) => Ok(()),
            Err(crate::SignatureProblem::NotSigned) => Err(HistoryError::WrongKey {
                dir: dir.to_path_buf(),
                run: newest.run_id.clone(),
            }),
            Err(problem) => Err(HistoryError::SignedOtherwise {
                dir: dir.to_path_buf(),
                run: newest.run_id.clone(),
                problem,
            }),
        },
    }
}

/// The ids the prune log names (whatever their lines' state), to tell which hidden runs an
/// interrupted prune left unrecorded.
pub(crate) fn logged_ids(dir: &Path) -> Result<std::collections::HashSet<String>, HistoryError> {
    let path = dir.join(PRUNE_LOG);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(e) => return Err(HistoryError::io(&path)(e)),
    };
    Ok(bytes
        .split(|&b| b == b'\n')
        .filter_map(|l| serde_json::from_slice::<PrunedRun>(l).ok())
        .map(|e| e.run_id)
        .collect())
}

/// Takes the store's writer lock (`DIR/.prune.lock`, an exclusive lock on the file, waited
/// for), held until the returned file is dropped: one prune at a time hides, records and deletes
/// runs, so none takes another's hidden runs for leftovers or cuts another's lines from the log;
/// and one run at a time is recorded, each after the one before it (the name is older than
/// the second use).
pub(crate) fn prune_lock(dir: &Path) -> Result<std::fs::File, HistoryError> {
    let path = dir.join(PRUNE_LOCK);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(HistoryError::io(&path))?;
    file.lock().map_err(HistoryError::io(&path))?;
    Ok(file)
}

/// The prune lock's file name in the store.
pub const PRUNE_LOCK: &str = ".prune.lock";

/// Appends `records` to the store's prune log in one write to a file opened for appending, and
/// syncs it. A last line cut short by a crash is dropped first (the runs it was about are still
/// hidden, or deleted and recorded again by the prune that found them).
///
/// On a failure (a full disk, a failed sync) the log is cut back to what it held before, so it
/// names none of `records`, and the error comes with `true`; with `false` when even that failed
/// and the log may name some of them.
pub(crate) fn append_pruned(dir: &Path, records: &[PrunedRun]) -> Result<(), (HistoryError, bool)> {
    use std::io::{Read, Seek, SeekFrom, Write};
    if records.is_empty() {
        return Ok(());
    }
    let path = dir.join(PRUNE_LOG);
    let io = |e| (HistoryError::io(&path)(e), true);
    let created = !path.exists();
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(&path)
        .map_err(io)?;
    let mut len = file.metadata().map_err(io)?.len();
    if len > 0 {
        let mut last = [0u8];
        file.seek(SeekFrom::Start(len - 1))
            .and_then(|_| file.read_exact(&mut last))
            .map_err(io)?;
        if last[0] != b'\n' {
            let mut text = Vec::new();
            file.seek(SeekFrom::Start(0))
                .and_then(|_| file.read_to_end(&mut text))
                .map_err(io)?;
            len = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) as u64;
            file.set_len(len).map_err(io)?;
        }
    }
    let mut lines = Vec::new();
    for r in records {
        lines.extend(serde_json::to_vec(r).map_err(|e| (HistoryError::json(&path)(e), true))?);
        lines.push(b'\n');
    }
    if let Err(e) = file.write_all(&lines).and_then(|()| file.sync_all()) {
        let undone = file.set_len(len).and_then(|()| file.sync_all()).is_ok();
        return Err((HistoryError::io(&path)(e), undone));
    }
    if created {
        sync_dir(dir).map_err(|e| (e, false))?;
    }
    Ok(())
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

/// Sealed lines of the prune log by run id, each with why it does not carry the store key's
/// signature, if it does not.
type SealedLines = HashMap<String, (PrunedRun, Result<(), crate::SignatureProblem>)>;

/// The prune log's sealed lines by run id, each with why it does not carry the store key's
/// signature (never, without a key), and a problem for each line that is damaged or edited. A
/// last line without its line feed, cut short by a crash, is not a line.
fn read_log(
    dir: &Path,
    key: Option<&StoreKey>,
) -> Result<(SealedLines, Vec<String>), HistoryError> {
    let path = dir.join(PRUNE_LOG);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(e) => return Err(HistoryError::io(&path)(e)),
    };
    let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut sealed = HashMap::new();
    let mut problems = Vec::new();
    for (i, line) in bytes[..whole].split(|&b| b == b'\n').enumerate() {
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
        if entry.kind != KIND || !crate::seal::sealed(&read, "entry_checksum") {
            problems.push(format!(
                "{PRUNE_LOG} line {n} does not match its own checksum"
            ));
            continue;
        }
        let signed = key.map_or(Ok(()), |k| {
            crate::seal::signature_check(
                &read,
                "entry_signature",
                "entry_checksum",
                "entry_key_id",
                k,
            )
        });
        // A run is recorded once; should it be twice, a line with its checksum is kept over one
        // without (a hidden run whose summary no longer read).
        let keep_old = sealed
            .get(&entry.run_id)
            .is_some_and(|(old, _): &(PrunedRun, _)| old.run_checksum.is_some());
        if !keep_old {
            sealed.insert(entry.run_id.clone(), (entry, signed));
        }
    }
    Ok((sealed, problems))
}

/// The ids of runs hidden by a prune and not yet deleted (`.pruned-<run_id>-<pid>/`).
pub(crate) fn hidden_runs(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>, HistoryError> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(HistoryError::io(dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(HistoryError::io(dir))?;
        let name = entry.file_name();
        let Some(rest) = name
            .to_str()
            .and_then(|n| n.strip_prefix(crate::retention::PRUNED_PREFIX))
        else {
            continue;
        };
        // Directories only: the prune log's temporary file is not a run.
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if let Some((id, _pid)) = rest.rsplit_once('-') {
            out.push((id.to_string(), entry.path()));
        }
    }
    out.sort();
    Ok(out)
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
    let hidden = hidden_runs(dir)?;
    let by_id: HashMap<&str, &RunInfo> = runs.iter().map(|r| (r.run_id.as_str(), r)).collect();
    let (mut links, mut pruned) = (0, 0);
    for run in &runs {
        let Some(prev) = &run.previous_run else {
            continue;
        };
        links += 1;
        let (id, want) = (prev.run_id.as_str(), &prev.run_checksum);
        let (shown, after) = (esc(id), esc(&run.run_id));
        if let Some(found) = by_id.get(id) {
            if found.run_checksum != *want {
                problems.push(format!(
                    "run {shown} is not the run {after} was recorded after: its summary changed since"
                ));
            }
        } else if unreadable.iter().any(|(u, _)| u == id) {
            // Reported with the runs: its summary does not read.
        } else if let Some((entry, signed)) = log.get(id) {
            if let Err(problem) = signed {
                problems.push(format!(
                    "run {shown} was pruned, but its record in {PRUNE_LOG} {problem}"
                ));
            } else if entry.run_checksum != *want {
                problems.push(format!(
                    "run {shown} was pruned, but not as the run {after} was recorded after (its summary had changed)"
                ));
            } else {
                pruned += 1;
            }
        } else if hidden.iter().any(|(h, _)| h == id) {
            problems.push(format!(
                "run {shown} was hidden by a prune that stopped before it recorded it in {PRUNE_LOG}: `scrm history prune` again finishes it"
            ));
        } else {
            problems.push(format!(
                "run {shown}, recorded just before {after}, is not in the store and the prune log does not name it: it was removed"
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
            "chain: none (a store of one run, or runs recorded before each named the run before it)\n"
                .into()
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
