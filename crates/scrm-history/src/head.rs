//! The store's head (`DIR/head.json`): which run is the newest one recorded, sealed with its own
//! checksum and, with the store's key, signed. Each run is signed on its own, so deleting the
//! newest runs (rolling the store back to hide a bad night) leaves every remaining run sound;
//! the head names the run that must be there.

use crate::store::{scan_runs, sync_dir, write_synced};
use crate::{HistoryError, RunInfo, StoreKey};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The head's file name in the store.
pub const HEAD_FILE: &str = "head.json";

/// What `head.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// The newest run recorded.
    pub run_id: String,
    /// Its place in the store's order.
    pub sequence: u64,
    /// Its summary's own checksum (`run_checksum`): the head names that run, not only its id.
    pub run_checksum: Option<String>,
    /// With an Ed25519 key, its key id (covered by the signature); `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_key_id: Option<String>,
    /// `hmac-sha256:` or `ed25519:` of the head without this field and `head_checksum`, with the
    /// store's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_signature: Option<String>,
    /// `xxh3-128:` of the head's canonical JSON without this field.
    pub head_checksum: String,
}

impl Head {
    fn value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Writes the head naming `run` (just recorded), replacing the old one whole: a temporary file,
/// synced, renamed over `head.json`, and the store's directory synced.
pub(crate) fn write_head(
    dir: &Path,
    run: &RunInfo,
    key: Option<&StoreKey>,
) -> Result<(), HistoryError> {
    let mut head = Head {
        run_id: run.run_id.clone(),
        sequence: run.sequence,
        run_checksum: run.run_checksum.clone(),
        head_key_id: key.and_then(StoreKey::key_id),
        head_signature: None,
        head_checksum: String::new(),
    };
    (head.head_signature, head.head_checksum) =
        crate::seal::seal(&head.value(), "head_signature", "head_checksum", key);
    let json = serde_json::to_vec_pretty(&head).map_err(HistoryError::json(dir.join(HEAD_FILE)))?;
    let tmp = dir.join(format!(".head-{}.tmp", std::process::id()));
    let written = write_synced(&tmp, |w| std::io::Write::write_all(w, &json)).and_then(|()| {
        std::fs::rename(&tmp, dir.join(HEAD_FILE)).map_err(HistoryError::io(dir.join(HEAD_FILE)))
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)
}

/// What checking the head found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum HeadCheck {
    /// The store has no head: recorded before heads were kept (or it holds no run, or one run
    /// whose head was removed: a single run names no run before it to tell).
    Absent,
    /// The head reads as written and names the newest run, which is there as it was recorded.
    Sound {
        /// The newest run recorded.
        run_id: String,
    },
    /// A run newer than the head is in the store: recorded by a writer stopped between the run
    /// and the head (the next run brings it level). Not a change of what was recorded.
    Behind {
        /// The run the head names.
        run_id: String,
        /// The newest run in the store.
        newest: String,
    },
    /// The head was changed or damaged, is not signed with the store's key, or names a run that
    /// is gone or was changed: the store was rolled back or tampered with.
    Changed {
        /// What is wrong.
        problem: String,
    },
}

impl HeadCheck {
    /// Whether it is a change (`verify` exits 1).
    pub fn changed(&self) -> bool {
        matches!(self, Self::Changed { .. })
    }
}

/// Checks the head of the store at `dir` against its runs, with the store's key when it has one.
pub fn verify_head(dir: &Path, key: Option<&StoreKey>) -> Result<HeadCheck, HistoryError> {
    let path = dir.join(HEAD_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (runs, _) = scan_runs(dir)?;
            // A store that signs its runs keeps a head from its first signed run on. So does a
            // store whose runs name the run before them: that release kept heads already, so a
            // missing head there is a store rolled back (its newest runs and head removed).
            let signed = runs.iter().any(|r| r.run_signature.is_some()) && key.is_some();
            let chained = runs.iter().any(|r| r.previous_run.is_some());
            return Ok(match (signed, chained) {
                (true, _) => HeadCheck::Changed {
                    problem: "head.json is missing from a store whose runs are signed".into(),
                },
                (false, true) => HeadCheck::Changed {
                    problem: "head.json is missing, though the runs were recorded by a release that keeps it: the newest runs and the head were removed, or the head alone".into(),
                },
                (false, false) => HeadCheck::Absent,
            });
        }
        Err(e) => return Err(HistoryError::io(&path)(e)),
    };
    let changed = |problem: String| Ok(HeadCheck::Changed { problem });
    let Ok(read) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return changed("head.json does not read as JSON".into());
    };
    let Ok(head) = serde_json::from_value::<Head>(read.clone()) else {
        return changed("head.json is not a store's head".into());
    };
    if !crate::seal::sealed(&read, "head_checksum") {
        return changed("head.json does not match its own checksum".into());
    }
    if let Some(Err(problem)) = key.map(|k| {
        crate::seal::signature_check(&read, "head_signature", "head_checksum", "head_key_id", k)
    }) {
        return changed(format!("head.json {problem}"));
    }
    let (runs, _) = scan_runs(dir)?;
    let Some(named) = runs.iter().find(|r| r.run_id == head.run_id) else {
        return changed(format!(
            "the newest run recorded, {}, is not in the store (or its run.json does not read): runs were removed",
            head.run_id
        ));
    };
    if named.run_checksum != head.run_checksum {
        return changed(format!(
            "run {} is not the run the head recorded (its summary changed since)",
            head.run_id
        ));
    }
    match runs.last() {
        Some(newest) if newest.run_id != head.run_id => Ok(HeadCheck::Behind {
            run_id: head.run_id,
            newest: newest.run_id.clone(),
        }),
        _ => Ok(HeadCheck::Sound {
            run_id: head.run_id,
        }),
    }
}

/// What checking the head found, a line, for a terminal.
pub fn render_head_text(h: &HeadCheck) -> String {
    let esc = |s: &str| scrm_model::safe::escape_controls(s, false).into_owned();
    match h {
        HeadCheck::Absent => {
            "head: none (a store of one run, or recorded before heads were kept)\n".into()
        }
        HeadCheck::Sound { run_id } => {
            format!("head: {} is the newest run recorded, sound\n", esc(run_id))
        }
        HeadCheck::Behind { run_id, newest } => format!(
            "head: names {}, but {} is newer (a writer stopped before it updated the head; the next run brings it level)\n",
            esc(run_id),
            esc(newest)
        ),
        HeadCheck::Changed { problem } => format!("head: CHANGED: {}\n", esc(problem)),
    }
}
