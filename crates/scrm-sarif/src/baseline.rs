//! A previous `scrm score --format sarif` log as the baseline of a new one (SARIF §3.27.24):
//! each result of the new log is `new`, `unchanged` or `updated` (the same fingerprint, another
//! level or message), and each result of the baseline that is gone comes back as `absent`, so a
//! dashboard or a reader of the morning's log sees what changed overnight.

use serde::Deserialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::scoring::FINGERPRINT;

/// Why a baseline log could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read.
    #[error("{}: cannot read the baseline log: {source}", path.display())]
    Io {
        /// The baseline file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a SARIF log, with where its JSON went wrong.
    #[error("{}: not a SARIF log (line {line}, column {column}): {problem}", path.display())]
    Json {
        /// The baseline file.
        path: PathBuf,
        /// The line.
        line: usize,
        /// The column.
        column: usize,
        /// What is wrong.
        problem: String,
    },
    /// A SARIF log, but not one `scrm score --format sarif` wrote: its results carry no
    /// `scrmSubject/v1` fingerprint to match on.
    #[error("{}: a SARIF log without scrm's fingerprints ({FINGERPRINT}); give a log `scrm score --format sarif` wrote", path.display())]
    NotScrm {
        /// The baseline file.
        path: PathBuf,
    },
}

#[derive(Deserialize)]
struct Log {
    runs: Vec<RunIn>,
}

#[derive(Deserialize)]
struct RunIn {
    #[serde(default)]
    results: Vec<Value>,
}

/// One result of the baseline, kept whole (an absent result is written back as it was).
struct Kept {
    /// `level` and `message.text`, what "updated" compares.
    said: (Value, Value),
    /// The result as the baseline had it.
    result: Value,
}

/// The results of a baseline log, by fingerprint, in the baseline's order.
pub struct Baseline {
    by_print: HashMap<String, Kept>,
    order: Vec<String>,
}

impl Baseline {
    /// Reads a log `scrm score --format sarif` wrote.
    pub fn read(path: &Path) -> Result<Self, BaselineError> {
        let file = std::fs::File::open(path).map_err(|source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let log: Log = serde_json::from_reader(std::io::BufReader::new(file)).map_err(|e| {
            BaselineError::Json {
                path: path.to_path_buf(),
                line: e.line(),
                column: e.column(),
                problem: e.to_string(),
            }
        })?;
        let mut by_print = HashMap::new();
        let mut order = Vec::new();
        let mut results = 0usize;
        for result in log.runs.into_iter().flat_map(|r| r.results) {
            results += 1;
            let Some(print) = result["partialFingerprints"][FINGERPRINT].as_str() else {
                continue;
            };
            let print = print.to_string();
            let said = (result["level"].clone(), result["message"]["text"].clone());
            if by_print
                .insert(print.clone(), Kept { said, result })
                .is_none()
            {
                order.push(print);
            }
        }
        if order.is_empty() && results > 0 {
            return Err(BaselineError::NotScrm {
                path: path.to_path_buf(),
            });
        }
        Ok(Self { by_print, order })
    }

    /// How many results the baseline holds.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the baseline holds no result.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The state of a new result against the baseline.
    pub(crate) fn state(&self, print: &str, level: &Value, text: &Value) -> &'static str {
        match self.by_print.get(print) {
            None => "new",
            Some(k) if k.said.0 == *level && k.said.1 == *text => "unchanged",
            Some(_) => "updated",
        }
    }

    /// The baseline's results whose fingerprints are not in `seen`, marked `absent`, in the
    /// baseline's order.
    pub(crate) fn absent(&self, seen: &HashSet<String>) -> Vec<Value> {
        self.order
            .iter()
            .filter(|p| !seen.contains(*p))
            .filter_map(|p| self.by_print.get(p))
            .map(|k| {
                let mut r = k.result.clone();
                r["baselineState"] = Value::from("absent");
                r
            })
            .collect()
    }
}
