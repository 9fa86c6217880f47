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
    results: Vec<ResultIn>,
}

/// What is kept of a baseline result: what "updated" compares, and what an absent result is
/// written back with. The rest (related locations, suppressions, every property but the
/// supplier) is skipped as it is read, so a million suppliers' baseline fits in memory.
#[derive(Deserialize)]
struct ResultIn {
    #[serde(rename = "ruleId", default)]
    rule_id: Option<String>,
    #[serde(rename = "ruleIndex", default)]
    rule_index: Option<i64>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    message: MessageIn,
    #[serde(rename = "partialFingerprints", default)]
    prints: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    properties: PropsIn,
    /// `absent` for a result the baseline only carried back from its own baseline: it was not
    /// found in that run, so it is not part of this baseline.
    #[serde(rename = "baselineState", default)]
    state: Option<String>,
}

#[derive(Deserialize, Default)]
struct MessageIn {
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize, Default)]
struct PropsIn {
    #[serde(default)]
    supplier: Option<String>,
}

/// The results of a baseline log, by fingerprint, in the baseline's order.
pub struct Baseline {
    by_print: HashMap<String, ResultIn>,
    order: Vec<String>,
}

impl Baseline {
    /// Reads a log `scrm score --format sarif` wrote.
    pub fn read(path: &Path) -> Result<Self, BaselineError> {
        // Read whole, then parsed: serde_json parses a slice several times faster than a reader.
        let bytes = std::fs::read(path).map_err(|source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let log: Log = serde_json::from_slice(&bytes).map_err(|e| BaselineError::Json {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            problem: e.to_string(),
        })?;
        drop(bytes);
        let mut by_print = HashMap::new();
        let mut order = Vec::new();
        let mut results = 0usize;
        let mut fingerprinted = false;
        for result in log.runs.into_iter().flat_map(|r| r.results) {
            results += 1;
            let Some(print) = result.prints.get(FINGERPRINT).cloned() else {
                continue;
            };
            fingerprinted = true;
            // A result marked absent was gone when the baseline was written: counting it would
            // keep it "unchanged" or "absent" every night after, never "new" when it returns.
            if result.state.as_deref() == Some("absent") {
                continue;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = by_print.entry(print.clone()) {
                order.push(print);
                e.insert(result);
            }
        }
        if !fingerprinted && results > 0 {
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
    pub(crate) fn state(
        &self,
        print: &str,
        level: Option<&str>,
        text: Option<&str>,
    ) -> &'static str {
        match self.by_print.get(print) {
            None => "new",
            Some(k) if k.level.as_deref() == level && k.message.text.as_deref() == text => {
                "unchanged"
            }
            Some(_) => "updated",
        }
    }

    /// The baseline's results whose fingerprints are not in `seen`, marked `absent`, in the
    /// baseline's order: each with its rule, kind, level, message, supplier and fingerprint.
    pub(crate) fn absent(&self, seen: &HashSet<String>) -> Vec<Value> {
        self.order
            .iter()
            .filter(|p| !seen.contains(*p))
            .filter_map(|p| self.by_print.get(p))
            .map(|k| {
                let mut r = serde_json::Map::new();
                let mut put = |key: &str, v: Option<Value>| {
                    if let Some(v) = v {
                        r.insert(key.to_string(), v);
                    }
                };
                put("ruleId", k.rule_id.clone().map(Value::from));
                put("ruleIndex", k.rule_index.map(Value::from));
                put("kind", k.kind.clone().map(Value::from));
                put("level", k.level.clone().map(Value::from));
                put(
                    "message",
                    Some(serde_json::json!({ "text": k.message.text.clone().unwrap_or_default() })),
                );
                put(
                    "locations",
                    k.properties.supplier.as_ref().map(|s| {
                        serde_json::json!([{ "logicalLocations": [
                            { "fullyQualifiedName": s, "kind": "object", "name": s }
                        ] }])
                    }),
                );
                put("partialFingerprints", Some(serde_json::json!(k.prints)));
                put(
                    "properties",
                    k.properties
                        .supplier
                        .as_ref()
                        .map(|s| serde_json::json!({ "supplier": s })),
                );
                put("baselineState", Some(Value::from("absent")));
                Value::Object(r)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result the baseline marks absent is not part of it: it was gone that night.
    #[test]
    fn absent_results_are_not_the_baselines() {
        let dir = std::env::temp_dir().join(format!("scrm-baseline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("b.sarif");
        let result = |print: &str, state: Option<&str>| {
            let mut r = serde_json::json!({
                "ruleId": "stale-evidence", "level": "warning", "message": {"text": print},
                "partialFingerprints": {FINGERPRINT: print},
            });
            if let Some(s) = state {
                r["baselineState"] = Value::from(s);
            }
            r
        };
        let log = serde_json::json!({"runs": [{"results": [
            result("a", None), result("b", Some("unchanged")), result("c", Some("absent")),
        ]}]});
        std::fs::write(&path, log.to_string()).expect("write");
        let b = Baseline::read(&path).expect("read");
        assert_eq!(b.order, ["a", "b"]);
        assert_eq!(b.state("c", Some("warning"), Some("c")), "new");
        let only_absent = serde_json::json!({"runs": [{"results": [result("c", Some("absent"))]}]});
        std::fs::write(&path, only_absent.to_string()).expect("write");
        assert!(Baseline::read(&path).expect("read").is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
