//! A history store damaged anywhere: every file of a run cut short at many lengths, or with a
//! byte changed at many places. Whatever reads the store (listing, verifying, reusing, diffing,
//! reading a run back) either does not read that file and says what it said before, or says
//! the store is damaged (a typed error, or a changed run); a run whose `run.json` is damaged is
//! left out. None panics, none reuses or diffs damaged results, and `history verify` reports
//! every change, to every file, as a change.

use scrm_history::fixtures::{TOOL_VERSION, manifest, synthetic_results, synthetic_vendors};
use scrm_history::{
    HistoryError, Outcome, diff_runs, list_runs, load_cache, read_run_results, record_run,
    verify_runs,
};
use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

fn date(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// What one reader said.
#[derive(Debug, Clone, PartialEq)]
enum Said {
    Read(String),
    Damage(String),
    Failed(String),
    Panicked(String),
}

fn said<T: Debug>(f: impl FnOnce() -> Result<T, HistoryError>) -> Said {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Said::Read(format!("{v:?}")),
        Ok(Err(e)) if e.is_damage() => Said::Damage(e.to_string()),
        Ok(Err(e)) => Said::Failed(e.to_string()),
        Err(p) => Said::Panicked(
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        ),
    }
}

/// Every way of reading the store, but `verify`, whose report is checked on its own.
fn readers(dir: &Path, run: &str) -> [(&'static str, Said); 4] {
    [
        ("list", said(|| list_runs(dir).map(|r| r.len()))),
        (
            "cache",
            said(|| load_cache(dir, TOOL_VERSION).map(|c| c.len())),
        ),
        (
            "results",
            said(|| read_run_results(dir, run).map(|r| r.len())),
        ),
        (
            "diff",
            said(|| {
                diff_runs(dir, None, None, 0.5, None).map(|d| serde_json::to_string(&d).unwrap())
            }),
        ),
    ]
}

#[test]
fn damage_anywhere_is_reported_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path();
    let vendors = synthetic_vendors(40, 30, 7);
    let first = record_run(
        h,
        &manifest("2026-11-01T02:00:00Z", date(1), 40),
        &synthetic_results(40, 7),
        &vendors,
    )
    .unwrap()
    .run_id;
    let mut later = synthetic_results(40, 8);
    later.truncate(39);
    let run = record_run(
        h,
        &manifest("2026-11-02T02:00:00Z", date(2), 39),
        &later,
        &vendors[..39],
    )
    .unwrap()
    .run_id;
    let sound = readers(h, &run);
    assert!(
        sound.iter().all(|(_, s)| matches!(s, Said::Read(_))),
        "{sound:?}"
    );
    assert!(
        verify_runs(h)
            .unwrap()
            .iter()
            .all(|c| c.outcome == Outcome::Sound)
    );

    let mut wrong = Vec::new();
    let mut cases = 0;
    for file in [
        "results.parquet",
        "answers.parquet",
        "manifest.json",
        "run.json",
    ] {
        let path = h.join(format!("run={run}")).join(file);
        let good = std::fs::read(&path).unwrap();
        let n = good.len();
        let mut damaged: Vec<(String, Vec<u8>)> = (0..16)
            .map(|k| n * k / 16)
            .map(|at| (format!("cut at {at}"), good[..at].to_vec()))
            .collect();
        for k in 0..64 {
            let at = (n * k / 64).min(n - 1);
            let mut b = good.clone();
            b[at] ^= 0x5a;
            damaged.push((format!("byte {at} changed"), b));
        }
        // The high bit set: in a JSON file, a byte that is no longer UTF-8.
        for k in 0..16 {
            let at = (n * k / 16 + 7).min(n - 1);
            let mut b = good.clone();
            b[at] ^= 0x80;
            damaged.push((format!("byte {at} given its high bit"), b));
        }
        for (what, bytes) in damaged {
            std::fs::write(&path, &bytes).unwrap();
            cases += 1;
            let case = format!("{file} {what}");
            for ((name, now), (_, before)) in readers(h, &run).into_iter().zip(&sound) {
                let ok = match &now {
                    // A run whose summary is damaged is left out, with a warning: listing
                    // and reuse see the other run alone, and there is no pair to diff.
                    Said::Read(s) if file == "run.json" && name == "list" => s == "1",
                    Said::Read(s) if file == "run.json" && name == "cache" => s == "40",
                    Said::Failed(s) if file == "run.json" && name == "diff" => {
                        s.contains("holds 1 run(s)")
                    }
                    Said::Damage(_) => true,
                    // Reuse takes nothing from a damaged results file (and scores afresh).
                    Said::Read(s) if file == "results.parquet" && name == "cache" => s == "0",
                    // A reader that does not read the damaged file says what it said before.
                    Said::Read(_) => now == *before,
                    Said::Failed(_) | Said::Panicked(_) => false,
                };
                if !ok {
                    let now: String = format!("{now:?}").chars().take(300).collect();
                    wrong.push(format!("{case}: {name}: {now}"));
                }
            }
            match said(|| verify_runs(h)) {
                Said::Read(_) => {
                    let checks = verify_runs(h).unwrap();
                    let of = |id: &str| checks.iter().find(|c| c.run_id == id);
                    if !of(&run).is_some_and(|c| c.changed()) {
                        wrong.push(format!("{case}: verify: {:?}", of(&run)));
                    }
                    if !of(&first).is_some_and(|c| c.outcome == Outcome::Sound) {
                        wrong.push(format!("{case}: verify, the other run: {:?}", of(&first)));
                    }
                }
                other => wrong.push(format!("{case}: verify: {other:?}")),
            }
        }
        std::fs::write(&path, &good).unwrap();
    }
    assert_eq!(cases, 384);
    assert!(
        wrong.is_empty(),
        "{} of {cases}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // A file where a run's directory should be is a damaged run, not a store no command reads.
    std::fs::write(h.join("run=20261103T020000Z-00000000"), b"not a run").unwrap();
    assert_eq!(list_runs(h).unwrap().len(), 2);
    let checks = verify_runs(h).unwrap();
    assert_eq!(checks.len(), 3);
    assert!(checks[2].changed(), "{:?}", checks[2]);
    assert_eq!(
        scrm_history::unreadable_runs(h).unwrap()[0].run_id,
        "20261103T020000Z-00000000"
    );
}

/// A `run.json` written by a later release, with fields this one does not know (at the top and
/// nested), and its checksum taken over them: read, listed and verified sound, the fields kept.
#[test]
fn a_later_releases_fields_are_kept_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path();
    let run = record_run(
        h,
        &manifest("2026-11-01T02:00:00Z", date(1), 40),
        &synthetic_results(40, 7),
        &synthetic_vendors(40, 30, 7),
    )
    .unwrap()
    .run_id;
    let path = h.join(format!("run={run}/run.json"));
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    // The checksums `RunInfo::CHECKSUM_FIELDS` names are the ones a run keeps.
    for key in scrm_history::RunInfo::CHECKSUM_FIELDS {
        assert!(
            v[key].as_str().is_some_and(|c| c.starts_with("xxh3-128:")),
            "{key}"
        );
    }
    v["provenance"] = serde_json::json!({"builder": "ci", "attested": true});
    v["statuses"]["withdrawn"] = serde_json::json!(0);
    let mut info: scrm_history::RunInfo = serde_json::from_value(v.clone()).unwrap();
    info.read_as = Some(v.clone());
    v["run_checksum"] = serde_json::json!(info.own_checksum());
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let listed = list_runs(h).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0]
            .read_as
            .as_ref()
            .map(|r| &r["provenance"]["builder"]),
        Some(&serde_json::json!("ci"))
    );
    assert_eq!(verify_runs(h).unwrap()[0].outcome, Outcome::Sound);
    // And a change to one of them shows.
    v["provenance"]["builder"] = serde_json::json!("someone");
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    assert!(list_runs(h).unwrap().is_empty());
    assert!(verify_runs(h).unwrap()[0].changed());
}
