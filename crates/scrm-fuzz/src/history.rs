//! The `history` target: a signed history store (three nightly runs, the oldest pruned) with
//! one of its files replaced by the case, read by everything that reads a store.
//!
//! The case's first byte picks the file (bits 0-2, [`FILES`]), the store (bit 6: the one signed
//! with an Ed25519 private key, read with its public key, rather than the one signed with a
//! shared secret) and whether the store is read with its key (bit 7); the rest is the file's new
//! content. A case passes when:
//! - no reader panics (listing, reuse, reading a run back, diffing, verifying): damage is a
//!   typed error or a reported change;
//! - every text they render is inert (no control character but the line break);
//! - `history verify` (the runs, the head, the chain) reports a change whenever the content
//!   means something else than before: any other bytes of a file checked byte for byte (the
//!   Parquet files, `manifest.json`), and for a JSON file one whose value differs (`run.json`
//!   and `head.json` are sealed over their canonical form, so a file only re-spaced is the same
//!   record), and for the prune log one that lost the line the chain relies on;
//! - the store as recorded verifies sound, with and without the key.

use scrm_history::fixtures::{TOOL_VERSION, manifest, synthetic_results, synthetic_vendors};
use scrm_history::{Retention, StoreKey};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Suppliers in each run of the store.
const SUPPLIERS: usize = 6;

/// The files a case can replace, by the low three bits of its first byte.
pub(crate) const FILES: [Replaced; 8] = [
    Replaced::Newest("run.json"),
    Replaced::Newest("manifest.json"),
    Replaced::Newest("results.parquet"),
    Replaced::Newest("answers.parquet"),
    Replaced::Store(scrm_history::HEAD_FILE),
    Replaced::Store(scrm_history::PRUNE_LOG),
    Replaced::Middle("run.json"),
    Replaced::Middle("results.parquet"),
];

/// A file of the store.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Replaced {
    /// A file of the newest run.
    Newest(&'static str),
    /// A file of the run before it (the newest run's `previous_run`).
    Middle(&'static str),
    /// A file at the top of the store.
    Store(&'static str),
}

impl Replaced {
    fn path(self, dir: &Path, t: &Template) -> PathBuf {
        match self {
            Self::Newest(f) => dir.join(format!("run={}", t.newest)).join(f),
            Self::Middle(f) => dir.join(format!("run={}", t.middle)).join(f),
            Self::Store(f) => dir.join(f),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Newest(f) | Self::Middle(f) | Self::Store(f) => f,
        }
    }
}

/// A store every case starts from, made once per process.
struct Template {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    /// The key it is read with: the shared secret it was signed with, or the public half of the
    /// Ed25519 key that signed it (a verify-only key reads it as the signing key does).
    key: StoreKey,
    newest: String,
    middle: String,
    /// What each reader says of the store as recorded, without and with the key.
    said: [Said; 2],
}

/// The test-only Ed25519 key of `fixtures/keys/` (public: never a real store's).
const ED25519_PRIVATE: &str = include_str!("../../../fixtures/keys/nightly.pem");
const ED25519_PUBLIC: &str = include_str!("../../../fixtures/keys/nightly.pub.pem");

/// What the readers say of a store: the runs listed, the results reuse takes, the newest run's
/// results and the diff of the last two runs (`None` for an error).
#[derive(Debug, Clone, PartialEq)]
struct Said {
    listed: Option<usize>,
    reused: Option<usize>,
    results: Option<String>,
    diff: Option<String>,
}

/// The store signed with a shared secret (`ed25519` false) or with an Ed25519 private key.
fn template(ed25519: bool) -> &'static Template {
    static T: [OnceLock<Template>; 2] = [OnceLock::new(), OnceLock::new()];
    T[usize::from(ed25519)].get_or_init(|| {
        let tmp = tempfile::Builder::new()
            .prefix("scrm-fuzz-history-")
            .tempdir()
            .unwrap_or_else(|e| panic!("a template folder: {e}"));
        let dir = tmp.path().join("store");
        let pem = |text: &str| {
            StoreKey::from_pem(text.as_bytes()).unwrap_or_else(|e| panic!("the fixture key: {e}"))
        };
        let (key, reader) = match ed25519 {
            false => {
                let key = StoreKey::new(b"scrm-fuzz: the history store's key".to_vec())
                    .unwrap_or_else(|e| panic!("{e}"));
                (key.clone(), key)
            }
            true => (pem(ED25519_PRIVATE), pem(ED25519_PUBLIC)),
        };
        let vendors = synthetic_vendors(SUPPLIERS, 12, 3);
        let mut ids = Vec::new();
        for night in 1..=3u32 {
            let at = format!("2026-11-{night:02}T02:00:00Z");
            let as_of =
                chrono::NaiveDate::from_ymd_opt(2026, 11, night).unwrap_or_else(|| unreachable!());
            let rec = scrm_history::record_run_with(
                &dir,
                &manifest(&at, as_of, SUPPLIERS as u64),
                &synthetic_results(SUPPLIERS, u64::from(night)),
                &vendors,
                None,
                Some(&key),
            )
            .unwrap_or_else(|e| panic!("night {night}: {e}"));
            ids.push(rec.run_id);
        }
        let keep = std::num::NonZeroUsize::new(2).unwrap_or(std::num::NonZeroUsize::MIN);
        let rule = Retention {
            keep,
            older_than: None,
        };
        scrm_history::prune(&dir, &rule, Some(&key)).unwrap_or_else(|e| panic!("prune: {e}"));
        let said = [None, Some(&reader)].map(|k| read_everything(&dir, &ids[2], k));
        assert!(
            said.iter()
                .all(|s| s.listed == Some(2) && s.reused == Some(SUPPLIERS)),
            "{said:?}"
        );
        Template {
            _dir: tmp,
            dir,
            key: reader,
            newest: ids[2].clone(),
            middle: ids[1].clone(),
            said,
        }
    })
}

/// The seeds: each file as recorded, read with and without the key; and each file of the
/// Ed25519 store, read with its public key.
pub(crate) fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (store, keyings) in [(0u8, &[0u8, 0x80][..]), (0x40, &[0x80][..])] {
        let t = template(store != 0);
        for (i, f) in FILES.iter().enumerate() {
            let bytes =
                std::fs::read(f.path(&t.dir, t)).unwrap_or_else(|e| panic!("{}: {e}", f.name()));
            for &keyed in keyings {
                let which = match f {
                    Replaced::Newest(_) => "newest",
                    Replaced::Middle(_) => "middle",
                    Replaced::Store(_) => "store",
                };
                let name = format!(
                    "{which}_{}{}{}",
                    f.name(),
                    if keyed == 0 { "" } else { "_keyed" },
                    if store == 0 { "" } else { "_ed25519" }
                );
                out.push((name, [&[i as u8 | store | keyed][..], &bytes].concat()));
            }
        }
    }
    out
}

/// Runs one case in `scratch`.
pub(crate) fn check(scratch: &Path, data: &[u8]) {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let t = template(pick & 0x40 != 0);
    let file = FILES[usize::from(pick & 7)];
    let key = (pick & 0x80 != 0).then_some(&t.key);
    let dir = scratch.join("store");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("clearing the scratch: {e}"));
    }
    copy_dir(&t.dir, &dir);
    let path = file.path(&dir, t);
    let before = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("{}: {e}", path.display()));

    let said = read_everything(&dir, &t.newest, key);
    agrees(
        file,
        &t.said[usize::from(key.is_some())],
        &said,
        content != before.as_slice(),
    );
    let changed = verified_changed(&dir, key);
    if content == before.as_slice() {
        assert!(
            !changed.0,
            "the store as recorded verifies with changes: {}",
            changed.1
        );
    } else if means_otherwise(file, &before, content) {
        assert!(
            changed.0,
            "{} replaced ({} bytes), and verify says nothing changed:\n{}",
            file.name(),
            content.len(),
            changed.1
        );
    }
}

/// Every reader but `verify`: none panics, and what they render is inert.
fn read_everything(dir: &Path, newest: &str, key: Option<&StoreKey>) -> Said {
    if let Ok(runs) = scrm_history::stored_runs(dir) {
        inert(&scrm_history::render_runs_text(&runs));
    }
    drop(scrm_history::unreadable_runs(dir));
    let fail_on = Some(scrm_model::Status::AtRisk);
    let diff = scrm_history::diff_runs_keyed(dir, None, None, 0.5, fail_on, key).ok();
    if let Some(d) = &diff {
        inert(&scrm_history::render_diff_text(d));
    }
    Said {
        listed: scrm_history::list_runs(dir).ok().map(|r| r.len()),
        reused: scrm_history::load_cache_keyed(dir, TOOL_VERSION, key)
            .ok()
            .map(|c| c.len()),
        results: scrm_history::read_run_results(dir, newest)
            .ok()
            .map(|r| format!("{r:?}")),
        diff: diff.map(|d| format!("{d:?}")),
    }
}

/// A reader of the store with `file` replaced (`changed`: by other bytes) either fails or says
/// what it said of the store as recorded, as `crates/scrm-history/tests/damage.rs` holds for
/// its fixed damages; with two exceptions by design. A run whose `run.json` does not read is
/// left out, so listing and reuse then see the other run. And reuse takes nothing from a
/// results file that is not the one recorded (every supplier is scored afresh): what the
/// nightly job reuses is never a changed result.
fn agrees(file: Replaced, recorded: &Said, now: &Said, changed: bool) {
    let same = |what: &str, a: &Option<String>, b: &Option<String>| {
        assert!(
            b.is_none() || a == b,
            "{} replaced: {what} reads otherwise than before",
            file.name()
        );
    };
    same("the newest run's results", &recorded.results, &now.results);
    same("the diff", &recorded.diff, &now.diff);
    if file.name() == "run.json" {
        return;
    }
    assert!(
        now.listed.is_none() || now.listed == recorded.listed,
        "{} replaced: listed {:?}",
        file.name(),
        now.listed
    );
    let reused = now.reused.unwrap_or(0);
    if changed && matches!(file, Replaced::Newest("results.parquet")) {
        assert_eq!(reused, 0, "a changed results file was reused");
    } else {
        assert!(
            now.reused.is_none() || now.reused == recorded.reused,
            "{} replaced: {reused} results reused",
            file.name()
        );
    }
}

/// Whether `history verify` (runs, head, chain) reports a change, and its text.
fn verified_changed(dir: &Path, key: Option<&StoreKey>) -> (bool, String) {
    let runs = scrm_history::verify_runs_keyed(dir, key);
    let head = scrm_history::verify_head(dir, key);
    let chain = scrm_history::verify_chain(dir, key);
    let mut text = String::new();
    let mut changed = false;
    match &runs {
        Ok(r) => {
            text += &scrm_history::render_verify_text(r);
            changed |= r.iter().any(scrm_history::RunCheck::changed);
        }
        // The store's own folder reads: verify reports what it finds, it does not stop.
        Err(e) => panic!("verify stopped: {e}"),
    }
    match &head {
        Ok(h) => {
            text += &scrm_history::render_head_text(h);
            changed |= h.changed();
        }
        Err(e) => panic!("verifying the head stopped: {e}"),
    }
    match &chain {
        Ok(c) => {
            text += &scrm_history::render_chain_text(c);
            changed |= c.changed();
        }
        Err(e) => panic!("verifying the chain stopped: {e}"),
    }
    inert(&text);
    (changed, text)
}

/// Whether `after`, in place of `before`, says something else: a change `verify` must report.
fn means_otherwise(file: Replaced, before: &[u8], after: &[u8]) -> bool {
    match file.name() {
        // Sealed over their canonical form: only another value is another record.
        "run.json" | scrm_history::HEAD_FILE => json(before) != json(after),
        // The chain relies on the one line of the recorded log (the pruned run): it must still
        // be there, as a value. Other lines (torn, unsigned, about runs no link names) are
        // allowed by design (docs/history.md).
        scrm_history::PRUNE_LOG => {
            let line = json(before.split(|&b| b == b'\n').next().unwrap_or_default());
            !after
                .split(|&b| b == b'\n')
                .any(|l| line.is_some() && json(l) == line)
        }
        // Checked byte for byte.
        _ => true,
    }
}

fn json(bytes: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice(bytes).ok()
}

/// Panics when `text` holds a control character other than the line break.
fn inert(text: &str) {
    if let Some(c) = text
        .chars()
        .find(|&c| c != '\n' && scrm_model::safe::is_unsafe_char(c))
    {
        panic!("a rendered text holds {c:?}:\n{text}");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).sort_by_file_name() {
        let e = e.unwrap_or_else(|err| panic!("the template: {err}"));
        let rel = e.path().strip_prefix(from).unwrap_or(e.path());
        let target = to.join(rel);
        let done = if e.file_type().is_dir() {
            std::fs::create_dir_all(&target)
        } else {
            std::fs::copy(e.path(), &target).map(drop)
        };
        done.unwrap_or_else(|err| panic!("{}: {err}", target.display()));
    }
}

#[cfg(test)]
mod tests {
    /// Each file of the store emptied, cut short, given another byte and given an extra line,
    /// read with and without the key (and of the Ed25519 store, with its public key): every check of the target holds (on stable, in CI; the
    /// fuzzer tries the rest).
    #[test]
    fn every_file_damaged_is_reported() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut cases = 0;
        for (name, seed) in super::seeds() {
            let (pick, good) = (seed[0], &seed[1..]);
            let n = good.len();
            let mut flipped = good.to_vec();
            flipped[n / 3] ^= 0x20;
            let damaged = [
                Vec::new(),
                good[..n / 2].to_vec(),
                flipped,
                [good, b"{\"run_id\":\"x\"}\n"].concat(),
            ];
            for bytes in damaged {
                let case = [&[pick][..], &bytes].concat();
                let ran = std::panic::catch_unwind(|| super::check(dir.path(), &case));
                assert!(ran.is_ok(), "{name}: {} bytes", bytes.len());
                cases += 1;
            }
        }
        assert_eq!(cases, 96);
    }
}
