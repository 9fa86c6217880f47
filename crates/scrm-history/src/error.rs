//! The one error type of the crate: every variant names the file (or run) it is about.

use std::path::PathBuf;

/// What went wrong reading or writing Parquet results or the run history.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// A file or directory could not be read, written, synced or renamed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// polars failed to encode or decode a Parquet file.
    #[error("{what}: Parquet: {source}")]
    Parquet {
        /// The file (or `"Parquet output"` for a caller's writer).
        what: String,
        /// The polars error.
        source: polars::error::PolarsError,
    },
    /// A Parquet file of the store is so damaged that polars stopped decoding it (a panic,
    /// caught): some damaged page headers and lengths are not errors in polars-parquet 0.55,
    /// and a damaged store must be reported, not bring the job down.
    #[error("{}: Parquet: the file could not be decoded ({problem}); it is damaged, or not a file scrm wrote", path.display())]
    Undecodable {
        /// The file concerned.
        path: PathBuf,
        /// What polars said when it stopped.
        problem: String,
    },
    /// A run's file no longer matches the checksum recorded with the run in `run.json`.
    #[error("{}: does not match the checksum recorded with its run (changed or damaged since it was recorded); `scrm history verify` tells what changed", path.display())]
    Mismatch {
        /// The file concerned.
        path: PathBuf,
    },
    /// Read with the store's key, a run does not carry its signature.
    #[error("{}: run {run} does not carry the store key's signature (recorded without the key, or changed since by someone without it); `scrm history verify --history-key` tells which runs", dir.display())]
    Unsigned {
        /// The history directory.
        dir: PathBuf,
        /// The run.
        run: String,
    },
    /// A store whose runs are signed was pruned without its key: the prune log's lines, which
    /// vouch for the runs removed, would not be signed.
    #[error("{}: the store's runs are signed: prune it with the store's key (`--history-key`), so that the prune log's record of each run removed is signed too", dir.display())]
    KeyNeeded {
        /// The history directory.
        dir: PathBuf,
    },
    /// A store whose runs are signed was pruned with a key that does not verify its newest signed
    /// run: the prune log's lines would be signed with another key.
    #[error("{}: the key given does not verify run {run}, the store's newest signed run (another key, or that run was changed since: `scrm history verify` tells); nothing was pruned", dir.display())]
    WrongKey {
        /// The history directory.
        dir: PathBuf,
        /// The newest signed run.
        run: String,
    },
    /// Read with the store's key, a run carries another scheme's signature, another Ed25519
    /// key's, or one naming the key that does not verify with it.
    #[error("{}: run {run} {problem} (`scrm history verify --history-key` tells which runs)", dir.display())]
    SignedOtherwise {
        /// The history directory.
        dir: PathBuf,
        /// The run.
        run: String,
        /// What its signature is.
        problem: crate::SignatureProblem,
    },
    /// The store was to be signed (a run recorded, runs pruned) with an Ed25519 public key,
    /// which only verifies.
    #[error("{}: {} the store's private key (PKCS#8 PEM, `BEGIN PRIVATE KEY`), and the key given is an Ed25519 public key, which only verifies; nothing was {}", dir.display(), signing.needs(), signing.undone())]
    PublicKeyOnly {
        /// The history directory.
        dir: PathBuf,
        /// What was to be signed.
        signing: Signing,
    },
    /// A store key file is not a usable key.
    #[error("{}: not a store key: {problem}", path.display())]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// Why.
        problem: String,
    },
    /// A JSON file or value in the history could not be read or written.
    #[error("{}: JSON: {source}", path.display())]
    Json {
        /// The file concerned.
        path: PathBuf,
        /// The serde error.
        source: serde_json::Error,
    },
    /// A stored value is not what the history format allows (a damaged or foreign file).
    #[error("{}: row {row}, column `{column}`: {problem} (value {value:?})", path.display())]
    Corrupt {
        /// The file concerned.
        path: PathBuf,
        /// 1-based data row (0 when the problem is not in a row).
        row: usize,
        /// Column or field name.
        column: String,
        /// The offending value.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The manifest's `generated_at` is not an RFC 3339 time, so no run id can be made.
    #[error(
        "the run manifest's generated_at {value:?} is not an RFC 3339 time (expected e.g. \"2026-11-02T02:00:00Z\")"
    )]
    BadTimestamp {
        /// The offending value.
        value: String,
    },
    /// A run named on the command line is not in the history.
    #[error(
        "{}: no run matches {wanted:?}; {}",
        dir.display(),
        available_text(available)
    )]
    UnknownRun {
        /// The history directory.
        dir: PathBuf,
        /// What was asked for.
        wanted: String,
        /// The newest run ids (at most 10), newest last.
        available: Vec<String>,
    },
    /// A run prefix matches more than one run.
    #[error("{}: {wanted:?} matches several runs: {matches:?}; give more of the id", dir.display())]
    AmbiguousRun {
        /// The history directory.
        dir: PathBuf,
        /// What was asked for.
        wanted: String,
        /// The runs it matches.
        matches: Vec<String>,
    },
    /// The history store named does not exist.
    #[error("{}: no history store here (record a run into it with `scrm score --history DIR`)", dir.display())]
    NoStore {
        /// The directory named.
        dir: PathBuf,
    },
    /// The run's id (its second and content) is an older run's, and the store's newest run is
    /// another: recording it would take that older run for this night.
    #[error("{}: this run's id, {run_id}, is an older run's (the same content, made in the same second: a clock held fixed?), and the store's newest run is {newest}; nothing recorded, so that the store does not pass the older run for tonight's (run again with the clock moved on)", dir.display())]
    RunIdTaken {
        /// The history directory.
        dir: PathBuf,
        /// The run's id.
        run_id: String,
        /// The store's newest run.
        newest: String,
    },
    /// `diff` needs two runs and the history has fewer.
    #[error("{}: the history holds {found} run(s); a diff needs two (record runs with `scrm score --history DIR`)", dir.display())]
    NotEnoughRuns {
        /// The history directory.
        dir: PathBuf,
        /// How many runs it holds.
        found: usize,
    },
    /// Results could not be kept in, or read back from, spill files (a run's own, or the newest
    /// run's kept for reuse; see `Spill`): the disk of the history store is full, as a rule.
    #[error("{}: keeping results on disk while the run scores: {problem}", dir.display())]
    Spill {
        /// The spill directory.
        dir: PathBuf,
        /// What went wrong (the first failed write, with its file).
        problem: String,
    },
}

/// What would have signed the store ([`HistoryError::PublicKeyOnly`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// Recording a run (`score --history`).
    Record,
    /// Pruning runs (`history prune`): the prune log's lines are signed.
    Prune,
}

impl Signing {
    fn needs(self) -> &'static str {
        match self {
            Self::Record => "recording a run into a store with a key signs the run, which needs",
            Self::Prune => {
                "pruning with a key signs the prune log's record of each run removed, which needs"
            }
        }
    }

    fn undone(self) -> &'static str {
        match self {
            // The binary refuses before it scores; the library, before it writes.
            Self::Record => {
                "recorded (to only check the store, `scrm history verify` and `scrm diff` take the public key)"
            }
            Self::Prune => "pruned",
        }
    }
}

fn available_text(available: &[String]) -> String {
    if available.is_empty() {
        "the history holds no runs".to_string()
    } else {
        format!(
            "the store's newest runs, oldest first, are {available:?} (a unique prefix of an id is enough)"
        )
    }
}

impl HistoryError {
    /// Whether this says a stored file is missing or no longer reads as scrm wrote it (damage
    /// to the store), rather than that it could not be read at all (permissions, the disk).
    pub fn is_damage(&self) -> bool {
        match self {
            Self::Corrupt { .. }
            | Self::Parquet { .. }
            | Self::Undecodable { .. }
            | Self::Mismatch { .. }
            | Self::Unsigned { .. }
            | Self::Json { .. } => true,
            Self::Io { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
            _ => false,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }

    pub(crate) fn parquet(
        what: impl Into<String>,
    ) -> impl FnOnce(polars::error::PolarsError) -> Self {
        let what = what.into();
        move |source| Self::Parquet { what, source }
    }

    pub(crate) fn json(path: impl Into<PathBuf>) -> impl FnOnce(serde_json::Error) -> Self {
        let path = path.into();
        move |source| Self::Json { path, source }
    }
}
