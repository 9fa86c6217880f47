//! Listing a history store's runs and pruning old ones, so that a nightly job's store does not
//! grow without end (a run of 100,000 vendors takes about 75 MB, one of a million about 750 MB).
//!
//! A run is removed the way one is recorded, in reverse: its directory is first renamed out of
//! sight (`run=<id>` becomes `.pruned-<id>-<pid>`, one atomic rename), the store's directory is
//! fsynced, the run is recorded in the prune log (`crate::PRUNE_LOG`), and only then are the
//! files deleted. A reader therefore sees every run whole or not at all, and a prune killed half
//! way leaves `.pruned-*` directories that no reader looks at and the next prune records (if
//! need be) and removes. The newest run is never removed: the next incremental run reuses its
//! results.

use crate::error::HistoryError;
use crate::store::{RunInfo, list_runs, parse_time, run_dir, sync_dir};
use chrono::{DateTime, Utc};
use scrm_model::safe::escape_controls;
use serde::Serialize;
use std::fmt::Write as _;
use std::fs;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

/// Where a pruned run's directory waits to be deleted.
pub(crate) const PRUNED_PREFIX: &str = ".pruned-";

/// One run of the store, with the bytes its files take on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredRun {
    /// The run, as its `run.json` describes it.
    #[serde(flatten)]
    pub info: RunInfo,
    /// The total size of the run's files.
    pub bytes: u64,
}

/// Every run of the store at `dir`, oldest first, with its size. Unlike [`list_runs`], a
/// store that does not exist is an error: a mistyped `--history` must not read as "no runs".
pub fn stored_runs(dir: &Path) -> Result<Vec<StoredRun>, HistoryError> {
    require_store(dir)?;
    list_runs(dir)?
        .into_iter()
        .map(|info| {
            let bytes = dir_bytes(&run_dir(dir, &info.run_id))?;
            Ok(StoredRun { info, bytes })
        })
        .collect()
}

/// An error when there is no store at `dir` (for commands that only read one).
pub(crate) fn require_store(dir: &Path) -> Result<(), HistoryError> {
    match fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(HistoryError::NoStore { dir: dir.into() })
        }
        Err(e) => Err(HistoryError::io(dir)(e)),
        Ok(_) => Ok(()),
    }
}

/// Which runs a prune keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// The newest runs kept whatever their age; at least one, the run the next incremental run
    /// reuses.
    pub keep: NonZeroUsize,
    /// When given, only runs generated before this time are removed: with `keep`, "keep 30
    /// days, and never fewer than 7 runs".
    pub older_than: Option<DateTime<Utc>>,
}

impl Retention {
    /// Whether the run at `index` of `runs` (oldest first) goes.
    fn removes(&self, runs: &[StoredRun], index: usize) -> Result<bool, HistoryError> {
        if index + self.keep.get() >= runs.len() {
            return Ok(false);
        }
        match self.older_than {
            None => Ok(true),
            Some(cutoff) => Ok(parse_time(&runs[index].info.generated_at)? < cutoff),
        }
    }
}

/// What a prune did (or, planned only, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pruned {
    /// The runs kept, oldest first.
    pub kept: Vec<StoredRun>,
    /// The runs removed (or to be removed), oldest first.
    pub removed: Vec<StoredRun>,
    /// Bytes the removed runs took.
    pub freed_bytes: u64,
    /// `false` for a plan (`--dry-run`): nothing was touched.
    pub applied: bool,
    /// `.pruned-*` directories left by an earlier, interrupted prune, deleted by this one.
    pub leftovers: Vec<PathBuf>,
}

/// The runs `rule` removes from the store at `dir`, touching nothing.
pub fn plan_prune(dir: &Path, rule: &Retention) -> Result<Pruned, HistoryError> {
    let runs = stored_runs(dir)?;
    let mut plan = Pruned {
        kept: Vec::new(),
        removed: Vec::new(),
        freed_bytes: 0,
        applied: false,
        leftovers: Vec::new(),
    };
    for (i, run) in runs.iter().enumerate() {
        if rule.removes(&runs, i)? {
            plan.freed_bytes += run.bytes;
            plan.removed.push(run.clone());
        } else {
            plan.kept.push(run.clone());
        }
    }
    Ok(plan)
}

/// Removes the runs `rule` does not keep (see the module's doc for how), and what an earlier
/// prune left half deleted. Each run is hidden first, then recorded in the prune log
/// ([`crate::PRUNE_LOG`], signed with `key`), and only then deleted: a line of the log never
/// vouches for a run still in the store. A store whose runs are signed is pruned with its key
/// only.
pub fn prune(
    dir: &Path,
    rule: &Retention,
    key: Option<&crate::StoreKey>,
) -> Result<Pruned, HistoryError> {
    require_store(dir)?;
    // A key that cannot sign is refused before the lock: waiting on a running prune, or creating
    // the lock file (in a store an auditor may only read), would be touching the store.
    if key.is_some_and(|k| !k.can_sign()) {
        return Err(HistoryError::PublicKeyOnly {
            dir: dir.to_path_buf(),
            signing: crate::Signing::Prune,
        });
    }
    let _lock = crate::chain::prune_lock(dir)?;
    let mut plan = plan_prune(dir, rule)?;
    let all: Vec<&RunInfo> = plan
        .kept
        .iter()
        .chain(&plan.removed)
        .map(|r| &r.info)
        .collect();
    crate::chain::check_prune_key(dir, &all, key)?;
    let pid = std::process::id();
    let mut hidden: Vec<(PathBuf, &RunInfo)> = Vec::with_capacity(plan.removed.len());
    // Puts hidden runs back where they were: a prune that cannot finish removes nothing.
    let put_back = |hidden: &[(PathBuf, &RunInfo)]| {
        for (path, info) in hidden {
            let _ = fs::rename(path, run_dir(dir, &info.run_id));
        }
        let _ = sync_dir(dir);
    };
    for run in &plan.removed {
        let from = run_dir(dir, &run.info.run_id);
        let to = dir.join(format!("{PRUNED_PREFIX}{}-{pid}", run.info.run_id));
        match fs::rename(&from, &to) {
            Ok(()) => hidden.push((to, &run.info)),
            Err(e) => {
                put_back(&hidden);
                return Err(HistoryError::io(&from)(e));
            }
        }
    }
    // The renames are durable before any file goes: a crash now leaves runs hidden, never torn.
    if let Err(e) = sync_dir(dir) {
        put_back(&hidden);
        return Err(e);
    }
    let records: Vec<crate::PrunedRun> = hidden
        .iter()
        .map(|(_, info)| crate::PrunedRun::of(info, key))
        .collect();
    if let Err((e, undone)) = crate::chain::append_pruned(dir, &records) {
        // Not recorded, so not removed: the runs are put back as they were. When the log could
        // not be cut back and may name them, they stay hidden: the next prune deletes them.
        if undone {
            put_back(&hidden);
        }
        return Err(e);
    }
    let ours: Vec<PathBuf> = hidden.iter().map(|(p, _)| p.clone()).collect();
    for path in &ours {
        remove_all(path)?;
        tracing::info!(path = %path.display(), "removed a pruned run");
    }
    plan.leftovers = remove_leftovers(dir, &ours, key)?;
    if !plan.leftovers.is_empty() || !ours.is_empty() {
        sync_dir(dir)?;
    }
    plan.applied = true;
    Ok(plan)
}

/// Deletes the runs an earlier prune hid and did not delete (`.pruned-*` directories other than
/// `ours`, already gone), each recorded in the prune log first when that prune stopped before it
/// recorded them.
fn remove_leftovers(
    dir: &Path,
    ours: &[PathBuf],
    key: Option<&crate::StoreKey>,
) -> Result<Vec<PathBuf>, HistoryError> {
    let logged = crate::chain::logged_ids(dir)?;
    let mut removed = Vec::new();
    for (id, path) in crate::chain::hidden_runs(dir)? {
        if ours.contains(&path) {
            continue;
        }
        if !logged.contains(&id) {
            // Its summary as it was; a run whose summary no longer reads is recorded without its
            // checksum, which `verify` reports against the run recorded after it.
            let record = match crate::store::read_info(&path, &id) {
                Ok((_, info)) => crate::PrunedRun::of(&info, key),
                Err(_) if !path.exists() => continue,
                Err(_) => crate::PrunedRun::new(&id, 0, None, key),
            };
            crate::chain::append_pruned(dir, &[record]).map_err(|(e, _)| e)?;
        }
        remove_all(&path)?;
        tracing::info!(path = %path.display(), "removed a run an interrupted prune left");
        removed.push(path);
    }
    removed.sort();
    Ok(removed)
}

/// `remove_dir_all`, where a directory that is already gone (another prune) is fine.
fn remove_all(path: &Path) -> Result<(), HistoryError> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(HistoryError::io(path)(e)),
        _ => Ok(()),
    }
}

/// The bytes of the files directly in a run directory (a run has no subdirectories).
fn dir_bytes(path: &Path) -> Result<u64, HistoryError> {
    let mut total = 0;
    for entry in fs::read_dir(path).map_err(HistoryError::io(path))? {
        let entry = entry.map_err(HistoryError::io(path))?;
        let meta = entry.metadata().map_err(HistoryError::io(entry.path()))?;
        if meta.is_file() {
            total += meta.len();
        }
    }
    Ok(total)
}

/// A size in decimal units, as `du --si` and file managers show it.
fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.1} kB", b / 1e3)
    }
}

/// The runs as a table, oldest first, for a terminal. The catalog version and policy name come
/// from the buyer's files, so they are shown with control characters escaped.
pub fn render_runs_text(runs: &[StoredRun]) -> String {
    let total: u64 = runs.iter().map(|r| r.bytes).sum();
    let mut out = format!(
        "{} run{} ({}), oldest first\n",
        runs.len(),
        if runs.len() == 1 { "" } else { "s" },
        size(total)
    );
    if runs.is_empty() {
        out.push_str("record one with `scrm score --history DIR`\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{:<25}  {:<20}  {:<10}  {:>9}  {:>9}  {:>11}  {:>9}  {:>9}  {:>9}  catalog / policy",
        "run",
        "generated at",
        "as of",
        "vendors",
        "eligible",
        "conditional",
        "at risk",
        "excluded",
        "size"
    );
    for r in runs {
        let (i, s) = (&r.info, &r.info.statuses);
        let _ = writeln!(
            out,
            "{:<25}  {:<20}  {:<10}  {:>9}  {:>9}  {:>11}  {:>9}  {:>9}  {:>9}  {} / {}",
            i.run_id,
            escape_controls(&i.generated_at, false),
            i.as_of,
            i.vendors,
            s.eligible,
            s.conditional,
            s.at_risk,
            s.excluded,
            size(r.bytes),
            escape_controls(&i.catalog_version, false),
            escape_controls(&i.policy_name, false),
        );
    }
    out
}

/// What a prune did (or would do), for a terminal.
pub fn render_prune_text(p: &Pruned) -> String {
    let verb = if p.applied { "removed" } else { "would remove" };
    let mut out = format!(
        "{verb} {} run{} ({}), kept {}\n",
        p.removed.len(),
        if p.removed.len() == 1 { "" } else { "s" },
        size(p.freed_bytes),
        p.kept.len()
    );
    let mut line = |what: &str, r: &StoredRun| {
        let _ = writeln!(
            out,
            "  {what:<12}  {}  {}  {:>9}",
            r.info.run_id,
            escape_controls(&r.info.generated_at, false),
            size(r.bytes)
        );
    };
    for r in &p.removed {
        line(verb, r);
    }
    for r in &p.kept {
        line("kept", r);
    }
    for path in &p.leftovers {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  also removed {}, left by an interrupted prune",
            escape_controls(&name, false)
        );
    }
    out
}
