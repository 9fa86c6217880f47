//! The flat Parquet table, the history store, the cache and the diff, end to end on disk.

use chrono::NaiveDate;
use polars::prelude::*;
use scrm_history::fixtures::{
    TOOL_VERSION, manifest, result, synthetic_results, synthetic_vendors,
};
use scrm_history::{
    AnswerSheet, FlatRow, HistoryError, Outcome, QuestionTable, RESULT_JSON_COLUMN, Spill,
    StoredResult, diff_runs, flat_columns, list_runs, load_cache, read_parquet_manifest,
    read_run_results, record_run, record_stored, render_diff_text, resolve_run, verify_runs,
    write_results_parquet,
};
use scrm_model::{Answer, AnswerValue, Code, QuestionId, Status, Vendor, VendorId, VendorResult};
use serde_json::Value;
use std::path::Path;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A frame as JSON rows (column -> value), for whole-output snapshots.
fn frame_rows(df: &DataFrame) -> Vec<serde_json::Map<String, Value>> {
    (0..df.height())
        .map(|i| {
            df.columns()
                .iter()
                .map(|c| {
                    let v = match c.get(i).unwrap() {
                        AnyValue::Null => Value::Null,
                        AnyValue::String(s) => Value::String(s.to_string()),
                        AnyValue::StringOwned(s) => Value::String(s.to_string()),
                        AnyValue::Float64(f) => serde_json::json!(f),
                        AnyValue::Int32(n) => serde_json::json!(n),
                        other => panic!("unexpected value {other:?}"),
                    };
                    (c.name().to_string(), v)
                })
                .collect()
        })
        .collect()
}

fn read_parquet(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

fn sample_results() -> Vec<VendorResult> {
    let mut a = result(
        "V-0001",
        Some("Formosa Vision AI Co., Ltd."),
        Status::Eligible,
        [Some(3.123_45), Some(2.999_95), Some(4.0)],
        &[],
        "aaaa",
    );
    a.coverage = 2.0 / 3.0;
    let mut b = result(
        "V-0002",
        None,
        Status::AtRisk,
        [Some(1.5), Some(0.000_05), None],
        &[
            Code::KnockoutFailed,
            Code::MissingEvidence,
            Code::KnockoutFailed,
        ],
        "bbbb",
    );
    b.valid_until = None;
    vec![a, b]
}

#[test]
fn flat_table_columns_values_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.parquet");
    let m = manifest("2026-11-02T02:00:00Z", date(2026, 11, 2), 2);
    let rows = sample_results();
    let f = std::fs::File::create(&path).unwrap();
    let bytes = write_results_parquet(&rows, &m, f).unwrap();
    assert_eq!(bytes, std::fs::metadata(&path).unwrap().len());

    let df = read_parquet(&path);
    let names: Vec<String> = df.columns().iter().map(|c| c.name().to_string()).collect();
    assert_eq!(names, flat_columns());
    insta::assert_json_snapshot!("flat_table_rows", frame_rows(&df));
    assert_eq!(read_parquet_manifest(&path).unwrap(), Some(m));
}

#[test]
fn flat_table_bytes_are_deterministic() {
    let m = manifest("2026-11-02T02:00:00Z", date(2026, 11, 2), 300);
    let rows = synthetic_results(300, 7);
    let mut first = Vec::new();
    write_results_parquet(&rows, &m, &mut first).unwrap();
    for _ in 0..3 {
        let mut again = Vec::new();
        write_results_parquet(&rows, &m, &mut again).unwrap();
        assert!(
            first == again,
            "Parquet bytes differ between identical writes"
        );
    }
}

#[test]
fn empty_table_is_still_a_typed_file() {
    let m = manifest("2026-11-02T02:00:00Z", date(2026, 11, 2), 0);
    let mut out = Vec::new();
    write_results_parquet(&[], &m, &mut out).unwrap();
    let df = ParquetReader::new(std::io::Cursor::new(out))
        .finish()
        .unwrap();
    assert_eq!(df.height(), 0);
    assert_eq!(df.width(), flat_columns().len());
    assert_eq!(
        df.column("combined_score").unwrap().dtype(),
        &DataType::Float64
    );
}

#[test]
fn record_round_trips_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("hist");
    let results = synthetic_results(50, 1);
    let vendors = synthetic_vendors(50, 12, 1);
    let m = manifest("2026-11-02T02:00:00+08:00", date(2026, 11, 2), 50);

    let first = record_run(&h, &m, &results, &vendors).unwrap();
    assert!(first.created);
    assert!(
        first.run_id.starts_with("20261101T180000Z-"),
        "{}",
        first.run_id
    );
    for f in [
        "results.parquet",
        "answers.parquet",
        "manifest.json",
        "run.json",
    ] {
        assert!(first.path.join(f).is_file(), "{f} missing");
    }

    // Same content at a later time: nothing new, the same id comes back.
    let later = manifest("2026-11-03T02:00:00Z", date(2026, 11, 2), 50);
    let mut shuffled = results.clone();
    shuffled.reverse();
    let again = record_run(&h, &later, &shuffled, &vendors).unwrap();
    assert_eq!(again.run_id, first.run_id);
    assert!(!again.created);
    assert_eq!(list_runs(&h).unwrap().len(), 1);

    let back = read_run_results(&h, &first.run_id).unwrap();
    let mut want = results.clone();
    want.sort_by(|a, b| a.vendor_id.cmp(&b.vendor_id));
    assert!(back == want, "results did not round-trip");

    let info = &list_runs(&h).unwrap()[0];
    assert_eq!(info.vendors, 50);
    assert_eq!(info.answers, 600);
    let s = info.statuses;
    assert_eq!(s.eligible + s.conditional + s.at_risk + s.excluded, 50);
    let stored: scrm_model::RunManifest =
        serde_json::from_slice(&std::fs::read(first.path.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(stored, m);
}

/// Results kept in spill files and answers kept as indexed sheets (what `score --history`
/// records) make the very run that whole results and vendors make, byte for byte, and the
/// spill files go with the last stored result.
#[test]
fn spilled_results_and_indexed_sheets_record_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let results = synthetic_results(300, 7);
    let vendors = synthetic_vendors(300, 12, 7);
    let m = manifest("2026-11-02T02:00:00Z", date(2026, 11, 2), 300);
    let whole = record_run(&a, &m, &results, &vendors).unwrap();

    let spill = std::sync::Arc::new(Spill::create(&b).unwrap());
    let stored: Vec<StoredResult> = results
        .iter()
        .map(|r| StoredResult::spilled(r, &spill))
        .collect();
    let mut ids: Vec<QuestionId> = vendors
        .iter()
        .flat_map(|v| v.answers.keys().copied())
        .collect();
    ids.sort();
    ids.dedup();
    // Every other vendor with a table that lacks a question it answered: its sheet falls back
    // to a list of its questions.
    let (full, partial) = (
        QuestionTable::new(ids.iter().copied()),
        QuestionTable::new(ids[1..].iter().copied()),
    );
    let sheets: Vec<AnswerSheet> = vendors
        .iter()
        .enumerate()
        .map(|(i, v)| match i % 3 {
            0 => AnswerSheet::indexed(v, &full),
            1 => AnswerSheet::spilled(v, &full, &spill),
            _ => AnswerSheet::spilled(v, &partial, &spill),
        })
        .collect();
    let kinds = format!("{sheets:?}");
    for kind in ["Indexed", "Spilled", "Listed"] {
        assert!(kinds.contains(kind), "no {kind} sheet");
    }
    let spilled = record_stored(&b, &m, &stored, &sheets).unwrap();
    assert_eq!(spilled.run_id, whole.run_id);
    for f in ["results.parquet", "answers.parquet", "manifest.json"] {
        assert_eq!(
            std::fs::read(whole.path.join(f)).unwrap(),
            std::fs::read(spilled.path.join(f)).unwrap(),
            "{f}"
        );
    }
    let spilled_dirs = || {
        std::fs::read_dir(&b)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".spill-")
            })
            .count()
    };
    assert_eq!(spilled_dirs(), 1);
    drop((stored, sheets, spill));
    assert_eq!(spilled_dirs(), 0, "the spill outlived its results");
}

/// A run that cannot be written whole leaves nothing in the store, and earlier runs are as they
/// were: here its answers no longer read back while its files are written (their spill
/// removed), as when the disk fills.
#[test]
fn a_run_that_fails_to_record_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("store");
    let results = synthetic_results(50, 3);
    let vendors = synthetic_vendors(50, 12, 3);
    let day = |d: u32| manifest(&format!("2026-11-{d:02}T02:00:00Z"), date(2026, 11, d), 50);
    let first = record_run(&h, &day(2), &results, &vendors).unwrap();

    let spill = std::sync::Arc::new(Spill::create(&dir.path().join("elsewhere")).unwrap());
    let mut ids: Vec<QuestionId> = vendors
        .iter()
        .flat_map(|v| v.answers.keys().copied())
        .collect();
    ids.sort();
    ids.dedup();
    let table = QuestionTable::new(ids.iter().copied());
    let sheets: Vec<AnswerSheet> = vendors
        .iter()
        .map(|v| AnswerSheet::spilled(v, &table, &spill))
        .collect();
    spill.remove().unwrap();
    let stored: Vec<StoredResult> = results.iter().map(StoredResult::new).collect();
    let err = record_stored(&h, &day(3), &stored, &sheets).unwrap_err();
    assert!(err.to_string().contains("spill"), "{err}");

    let mut left: Vec<String> = std::fs::read_dir(&h)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    // The writer lock the first run took is left in place (empty), as a prune leaves it.
    assert_eq!(
        left,
        [
            scrm_history::PRUNE_LOCK.to_string(),
            "head.json".to_string(),
            format!("run={}", first.run_id)
        ]
    );
    let checks = verify_runs(&h).unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].outcome, Outcome::Sound);
    // The head still names the first run.
    assert_eq!(
        scrm_history::verify_head(&h, None).unwrap(),
        scrm_history::HeadCheck::Sound {
            run_id: first.run_id.clone()
        }
    );
}

#[test]
fn runs_sort_by_time_and_resolve_by_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path();
    let mut ids = Vec::new();
    for (k, t) in [
        "2026-11-03T02:00:00Z",
        "2026-11-01T02:00:00Z",
        "2026-11-02T02:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        let r = record_run(
            h,
            &manifest(t, date(2026, 11, 1), 5),
            &synthetic_results(5, k as u64),
            &[] as &[Vendor],
        )
        .unwrap();
        ids.push(r.run_id);
    }
    let listed: Vec<String> = list_runs(h)
        .unwrap()
        .into_iter()
        .map(|r| r.run_id)
        .collect();
    assert_eq!(listed, vec![ids[1].clone(), ids[2].clone(), ids[0].clone()]);
    assert_eq!(resolve_run(h, "latest").unwrap().run_id, ids[0]);
    assert_eq!(resolve_run(h, "previous").unwrap().run_id, ids[2]);
    assert_eq!(resolve_run(h, "20261101").unwrap().run_id, ids[1]);
    let hash_part = ids[2].split_once('-').unwrap().1;
    assert_eq!(resolve_run(h, &hash_part[..6]).unwrap().run_id, ids[2]);
    assert_eq!(
        resolve_run(h, &format!("run={}", ids[2])).unwrap().run_id,
        ids[2]
    );
    match resolve_run(h, "2026").unwrap_err() {
        HistoryError::AmbiguousRun { matches, .. } => assert_eq!(matches.len(), 3),
        e => panic!("unexpected {e}"),
    }
    let err = resolve_run(h, "20251231").unwrap_err();
    assert!(matches!(err, HistoryError::UnknownRun { .. }));
    let msg = err.to_string().replace(&h.display().to_string(), "DIR");
    let _g = hash_filters().bind_to_scope();
    insta::assert_snapshot!("unknown_run_message", msg);
}

/// Runs made in the same second (a clock held fixed) keep the order they were recorded in,
/// whatever their content hashes: `latest` and `previous`, which `scrm diff` compares by
/// default, are the last two recorded.
#[test]
fn runs_of_the_same_second_keep_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path();
    let m = manifest("2026-11-02T02:00:00Z", date(2026, 11, 2), 5);
    let ids: Vec<String> = (0..4)
        .map(|k| {
            let r = record_run(h, &m, &synthetic_results(5, k), &[] as &[Vendor]).unwrap();
            assert!(r.created);
            r.run_id
        })
        .collect();
    let listed = list_runs(h).unwrap();
    let order: Vec<(&str, u64)> = listed
        .iter()
        .map(|r| (r.run_id.as_str(), r.sequence))
        .collect();
    let want: Vec<(&str, u64)> = ids.iter().map(String::as_str).zip(1..).collect();
    assert_eq!(order, want);
    assert_eq!(resolve_run(h, "latest").unwrap().run_id, ids[3]);
    assert_eq!(resolve_run(h, "previous").unwrap().run_id, ids[2]);
    // The newest run's content again is recognised as the newest: nothing recorded.
    let again = record_run(h, &m, &synthetic_results(5, 3), &[] as &[Vendor]).unwrap();
    assert_eq!(
        (again.run_id.as_str(), again.created),
        (ids[3].as_str(), false)
    );
}

#[test]
fn readers_ignore_staging_and_a_later_run_removes_dead_ones() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path();
    record_run(
        h,
        &manifest("2026-11-01T02:00:00Z", date(2026, 11, 1), 3),
        &synthetic_results(3, 1),
        &[] as &[Vendor],
    )
    .unwrap();
    // A writer that died: an old run id and a pid that cannot be alive (above pid_max).
    let dead = h.join(".staging-20261101T030000Z-deadbeef-4294967295");
    std::fs::create_dir(&dead).unwrap();
    std::fs::write(dead.join("results.parquet"), b"PAR1 partial").unwrap();
    // A writer still running with a newer id is left alone.
    let live = h.join(format!(
        ".staging-20991231T000000Z-0badf00d-{}",
        std::process::id()
    ));
    std::fs::create_dir(&live).unwrap();

    assert_eq!(list_runs(h).unwrap().len(), 1);
    assert_eq!(load_cache(h, TOOL_VERSION).unwrap().len(), 3);

    let r = record_run(
        h,
        &manifest("2026-11-02T02:00:00Z", date(2026, 11, 2), 3),
        &synthetic_results(3, 2),
        &[] as &[Vendor],
    )
    .unwrap();
    assert_eq!(r.removed_staging, vec![dead.clone()]);
    assert!(!dead.exists());
    assert!(live.exists());
}

#[test]
fn bad_generated_at_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let err = record_run(
        dir.path(),
        &manifest("yesterday", date(2026, 11, 2), 0),
        &[],
        &[] as &[Vendor],
    )
    .unwrap_err();
    insta::assert_snapshot!(err.to_string(), @r#"the run manifest's generated_at "yesterday" is not an RFC 3339 time (expected e.g. "2026-11-02T02:00:00Z")"#);
}

#[test]
fn cache_reuses_only_unchanged_and_still_valid_results() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path();
    assert!(load_cache(h, TOOL_VERSION).unwrap().is_empty());

    let results = sample_results();
    record_run(
        h,
        &manifest("2026-11-02T02:00:00Z", date(2026, 11, 2), 2),
        &results,
        &[] as &[Vendor],
    )
    .unwrap();
    let cache = load_cache(h, TOOL_VERSION).unwrap();
    assert_eq!(cache.len(), 2);
    // Another version of scrm reuses nothing the run holds.
    let other = load_cache(h, "0.2.0").unwrap();
    assert!(other.is_empty() && other.run_id().is_none());
    assert!(cache.run_id().unwrap().starts_with("20261102T020000Z-"));

    let v1 = VendorId::new("V-0001").unwrap();
    let v2 = VendorId::new("V-0002").unwrap();
    // V-0001 is valid until 2027-01-31.
    assert_eq!(
        cache.reusable(&v1, "aaaa", date(2027, 1, 31)),
        Some(results[0].clone())
    );
    assert_eq!(
        cache.reusable(&v1, "aaaa", date(2027, 2, 1)),
        None,
        "expired"
    );
    assert_eq!(
        cache.reusable(&v1, "changed", date(2026, 11, 3)),
        None,
        "inputs changed"
    );
    // V-0002 has no valid_until: valid whatever later date.
    assert_eq!(
        cache.reusable(&v2, "bbbb", date(2040, 1, 1)),
        Some(results[1].clone())
    );
    // A run dated before the cached one is re-scored: evidence stale on 2026-11-02 may have
    // been current then, and valid_until only looks forward.
    assert_eq!(
        cache.reusable(&v1, "aaaa", date(2026, 11, 1)),
        None,
        "earlier as-of"
    );
    assert_eq!(cache.reusable(&v2, "bbbb", date(2026, 11, 1)), None);
    assert_eq!(
        cache.reusable(&v1, "aaaa", date(2026, 11, 2)),
        Some(results[0].clone()),
        "same as-of"
    );
    assert_eq!(
        cache.reusable(&VendorId::new("V-9999").unwrap(), "x", date(2026, 1, 1)),
        None
    );

    // A reused result's row reads back from the file's columns as the result's own row, and its
    // stored form is recorded as it was: a run of the reused results is the run of the results.
    let mut stored = Vec::new();
    for (r, (id, hash)) in results.iter().zip([(&v1, "aaaa"), (&v2, "bbbb")]) {
        let hit = cache.lookup(id, hash, date(2026, 11, 2)).unwrap();
        assert_eq!(hit.row().unwrap(), FlatRow::new(r));
        assert_eq!(hit.result().as_ref(), Some(r));
        stored.push(hit.stored());
    }
    let m = manifest("2026-11-03T02:00:00Z", date(2026, 11, 2), 2);
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = record_stored(one.path(), &m, &stored, &[] as &[Vendor]).unwrap();
    let b = record_run(two.path(), &m, &results, &[] as &[Vendor]).unwrap();
    assert_eq!(a.run_id, b.run_id);
    let file = |d: &Path, run: &str| std::fs::read(d.join(format!("run={run}/results.parquet")));
    assert_eq!(
        file(one.path(), &a.run_id).unwrap(),
        file(two.path(), &b.run_id).unwrap()
    );
}

/// Rewrites one text column of a run's `results.parquet` as another tool could.
fn rewrite_column(h: &Path, run: &str, column: &str, edit: impl Fn(usize, &str) -> String) {
    let path = h.join(format!("run={run}/results.parquet"));
    let mut df = read_parquet(&path);
    let values: Vec<Option<String>> = df
        .column(column)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, v)| v.map(|v| edit(i, v)))
        .collect();
    df.with_column(Column::new(column.into(), values)).unwrap();
    let file = std::fs::File::create(&path).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
}

/// Results changed since they were recorded (a flat column, or a result's JSON) are not
/// carried into the next run: the cache checks the run's results checksum and is empty when it
/// differs. Runs recorded before the checksum was kept are reused unchecked.
#[test]
fn cache_refuses_results_changed_since_recorded() {
    let results = sample_results();
    let m = manifest("2026-11-02T02:00:00Z", date(2026, 11, 2), 2);
    let store = || {
        let dir = tempfile::tempdir().unwrap();
        let run = record_run(dir.path(), &m, &results, &[] as &[Vendor])
            .unwrap()
            .run_id;
        (dir, run)
    };

    // Rewritten by another tool, even with the same values: not the file recorded, which is
    // not decoded at all (a damaged file could stop the decoder); the night scores afresh.
    let (intact, run) = store();
    assert_eq!(load_cache(intact.path(), TOOL_VERSION).unwrap().len(), 2);
    rewrite_column(intact.path(), &run, "status", |_, v| v.to_string());
    rewrite_column(intact.path(), &run, RESULT_JSON_COLUMN, |_, v| {
        v.to_string()
    });
    assert!(load_cache(intact.path(), TOOL_VERSION).unwrap().is_empty());

    // V-0002 (at risk) made eligible in the status column; its JSON still says at risk.
    let (status, run) = store();
    let first = read_parquet(&status.path().join(format!("run={run}/results.parquet")))
        .column("status")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    rewrite_column(status.path(), &run, "status", |_, _| first.clone());
    assert!(load_cache(status.path(), TOOL_VERSION).unwrap().is_empty());

    // One result's JSON edited, its row left alone.
    let (json, run) = store();
    rewrite_column(json.path(), &run, RESULT_JSON_COLUMN, |i, v| {
        if i == 0 {
            v.replace("Formosa", "Formosb")
        } else {
            v.to_string()
        }
    });
    assert!(load_cache(json.path(), TOOL_VERSION).unwrap().is_empty());

    // A cell that no longer reads as a status: damaged the same way.
    let (bad, run) = store();
    rewrite_column(bad.path(), &run, "status", |_, _| "unheard-of".to_string());
    assert!(load_cache(bad.path(), TOOL_VERSION).unwrap().is_empty());

    // A run missing its results file.
    let (gone, run) = store();
    std::fs::remove_file(gone.path().join(format!("run={run}/results.parquet"))).unwrap();
    assert!(load_cache(gone.path(), TOOL_VERSION).unwrap().is_empty());

    // The same edit in a run whose `run.json` has no checksums (recorded before they were
    // kept): nothing to check the results against, so they are reused.
    let info = json.path().join(format!("run={run}/run.json"));
    let mut v: Value = serde_json::from_slice(&std::fs::read(&info).unwrap()).unwrap();
    for key in scrm_history::RunInfo::CHECKSUM_FIELDS {
        assert!(v.as_object_mut().unwrap().remove(key).is_some(), "{key}");
    }
    std::fs::write(&info, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    assert_eq!(load_cache(json.path(), TOOL_VERSION).unwrap().len(), 2);
    // Only one of them gone is a damaged `run.json`, not an old one: the run is left out.
    let info = status.path().join(format!(
        "run={}/run.json",
        list_runs(status.path()).unwrap()[0].run_id
    ));
    let mut v: Value = serde_json::from_slice(&std::fs::read(&info).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("results_checksum");
    std::fs::write(&info, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    assert!(list_runs(status.path()).unwrap().is_empty());
    assert!(load_cache(status.path(), TOOL_VERSION).unwrap().is_empty());
    assert!(verify_runs(status.path()).unwrap()[0].changed());
}

/// `verify_run` tells an edited flat column (the checksum alone) from an edited JSON (the
/// checksum and the content hash) and from a file no longer readable, and a file rewritten with
/// the same rows from one whose rows changed.
#[test]
fn verify_tells_what_changed() {
    let results = sample_results();
    let m = manifest("2026-11-02T02:00:00Z", date(2026, 11, 2), 2);
    let stores: Vec<(tempfile::TempDir, String)> = (0..4)
        .map(|_| {
            let dir = tempfile::tempdir().unwrap();
            let run = record_run(dir.path(), &m, &results, &[] as &[Vendor])
                .unwrap()
                .run_id;
            (dir, run)
        })
        .collect();
    let check = |h: &Path| {
        let checks = verify_runs(h).unwrap();
        assert_eq!(checks.len(), 1);
        checks[0].outcome.clone()
    };

    let changed = |results, content, summary| Outcome::Changed {
        results,
        content,
        vendors: false,
        answers: false,
        results_file: true,
        manifest: false,
        summary,
        signature: false,
    };
    // The same rows written again by another tool: the rows are as recorded, the file is not.
    let (h, run) = (stores[0].0.path(), &stores[0].1);
    rewrite_column(h, run, RESULT_JSON_COLUMN, |_, v| v.to_string());
    assert_eq!(check(h), changed(false, false, false));

    // V-0002, at risk, made eligible in the status column: run.json's counts no longer agree.
    let (h, run) = (stores[1].0.path(), &stores[1].1);
    rewrite_column(h, run, "status", |_, _| "eligible".to_string());
    assert_eq!(check(h), changed(true, false, true));

    let (h, run) = (stores[2].0.path(), &stores[2].1);
    rewrite_column(h, run, RESULT_JSON_COLUMN, |i, v| {
        if i == 1 {
            v.replacen("V-0002", "V-0003", 1)
        } else {
            v.to_string()
        }
    });
    assert_eq!(check(h), changed(true, true, false));

    let (h, run) = (stores[3].0.path(), &stores[3].1);
    rewrite_column(h, run, "tier", |_, v| format!("{v} "));
    match check(h) {
        Outcome::Unreadable { problem } => {
            assert!(problem.contains("column `tier`"), "{problem}")
        }
        other => panic!("{other:?}"),
    }

    // A run missing its answers file.
    let (h, run) = (stores[0].0.path(), &stores[0].1);
    std::fs::remove_file(h.join(format!("run={run}/answers.parquet"))).unwrap();
    match check(h) {
        Outcome::Unreadable { problem } => {
            assert!(problem.contains("answers.parquet"), "{problem}")
        }
        other => panic!("{other:?}"),
    }
}

fn vendor(id: &str, answers: &[(&str, AnswerValue)]) -> Vendor {
    let mut v = Vendor::new(VendorId::new(id).unwrap());
    for (q, a) in answers {
        let q = QuestionId::new(*q);
        v.answers.insert(q, Answer::bare(q, *a));
    }
    v
}

/// Two hand-made nightly runs covering every kind of change.
fn two_runs(h: &Path) {
    use AnswerValue::*;
    use Status::*;
    let m = |t: &str, d: NaiveDate| manifest(t, d, 7);
    let run_a = vec![
        result(
            "V-0001",
            Some("Formosa Vision AI Co., Ltd."),
            Eligible,
            [Some(3.4), Some(3.2), Some(3.0)],
            &[],
            "a1",
        ),
        result(
            "V-0002",
            Some("Keelung Sensor Works"),
            Conditional,
            [Some(2.9), Some(2.7), Some(2.5)],
            &[Code::MissingEvidence],
            "a2",
        ),
        result(
            "V-0003",
            Some("Northwind Analytics LLC"),
            AtRisk,
            [Some(1.4), Some(1.6), Some(2.0)],
            &[Code::BelowTierThreshold],
            "a3",
        ),
        result(
            "V-0004",
            Some("Hsinchu Edge Compute Ltd."),
            Eligible,
            [Some(4.1), Some(4.0), Some(3.9)],
            &[],
            "a4",
        ),
        result(
            "V-0005",
            Some("Tainan Robotics\u{1b}[31m Inc."),
            Conditional,
            [Some(2.5), Some(2.5), None],
            &[Code::StaleEvidence],
            "a5",
        ),
        result(
            "V-0006",
            Some("Old Supplier GmbH"),
            Eligible,
            [Some(3.0), Some(3.0), Some(3.0)],
            &[],
            "a6",
        ),
        result(
            "V-0007",
            Some("Steady Partner K.K."),
            Eligible,
            [Some(3.0), Some(3.0), Some(3.0)],
            &[],
            "a7",
        ),
    ];
    let answers_a = vec![
        vendor(
            "V-0001",
            &[("GV-1.1", Maturity(3)), ("SUP-INCIDENT-NOTIFY", Yes)],
        ),
        vendor(
            "V-0002",
            &[
                ("GV-1.1", Maturity(3)),
                ("SUP-INCIDENT-NOTIFY", Yes),
                ("SUP-TRAINING-DATA", Yes),
            ],
        ),
        vendor("V-0003", &[("GV-1.1", Maturity(1)), ("MP-1.1", Unanswered)]),
        vendor("V-0004", &[("GV-1.1", Maturity(4))]),
        vendor("V-0005", &[("GV-1.1", Maturity(2))]),
    ];
    record_run(
        h,
        &m("2026-11-01T02:00:00Z", date(2026, 11, 1)),
        &run_a,
        &answers_a,
    )
    .unwrap();

    let run_b = vec![
        // Newly excluded: same answers, now on the SAM list.
        result(
            "V-0001",
            Some("Formosa Vision AI Co., Ltd."),
            Excluded,
            [Some(3.4), Some(3.2), Some(3.0)],
            &[Code::HardGateSam],
            "a1x",
        ),
        // Newly at risk: answered no to a knock-out question.
        result(
            "V-0002",
            Some("Keelung Sensor Works"),
            AtRisk,
            [Some(2.6), Some(2.7), Some(2.5)],
            &[Code::KnockoutFailed, Code::MissingEvidence],
            "b2",
        ),
        // Recovered: filled the gaps.
        result(
            "V-0003",
            Some("Northwind Analytics LLC"),
            Conditional,
            [Some(2.6), Some(2.2), Some(2.0)],
            &[Code::MissingEvidence],
            "b3",
        ),
        // Score move only.
        result(
            "V-0004",
            Some("Hsinchu Edge Compute Ltd."),
            Eligible,
            [Some(3.6), Some(4.0), Some(3.9)],
            &[],
            "b4",
        ),
        // Other status change (conditional -> eligible), the C-SCRM lens now applies.
        result(
            "V-0005",
            Some("Tainan Robotics\u{1b}[31m Inc."),
            Eligible,
            [Some(2.5), Some(2.5), Some(3.0)],
            &[],
            "a5",
        ),
        // V-0006 removed; V-0007 unchanged; V-0008 added, at risk.
        result(
            "V-0007",
            Some("Steady Partner K.K."),
            Eligible,
            [Some(3.0), Some(3.0), Some(3.1)],
            &[],
            "a7",
        ),
        result(
            "V-0008",
            Some("New Vendor Pte. Ltd."),
            AtRisk,
            [Some(1.0), Some(1.0), Some(1.0)],
            &[Code::BelowTierThreshold],
            "b8",
        ),
    ];
    let answers_b = vec![
        vendor(
            "V-0001",
            &[("GV-1.1", Maturity(3)), ("SUP-INCIDENT-NOTIFY", Yes)],
        ),
        vendor(
            "V-0002",
            &[
                ("GV-1.1", Maturity(3)),
                ("SUP-INCIDENT-NOTIFY", No),
                ("SUP-TRAINING-DATA", Yes),
            ],
        ),
        vendor(
            "V-0003",
            &[
                ("GV-1.1", Maturity(3)),
                ("MP-1.1", Maturity(2)),
                ("MS-1.1", NotApplicable),
            ],
        ),
        vendor("V-0004", &[("GV-1.1", Maturity(2))]),
        vendor("V-0005", &[("GV-1.1", Maturity(2))]),
    ];
    record_run(
        h,
        &m("2026-11-02T02:00:00Z", date(2026, 11, 2)),
        &run_b,
        &answers_b,
    )
    .unwrap();
}

fn hash_filters() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    // Content hashes follow the serialized model; the structure is what these tests pin down.
    s.add_filter(r"[0-9a-f]{64}", "[content-hash]");
    s.add_filter(r"xxh3-128:[0-9a-f]{32}", "[checksum]");
    s.add_filter(r"(\d{8}T\d{6}Z)-[0-9a-f]{8}", "$1-[hash8]");
    s
}

#[test]
fn diff_of_two_runs_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path();
    two_runs(h);
    let d = diff_runs(h, None, None, 0.25, Some(Status::AtRisk)).unwrap();
    assert!(d.crossed);
    assert!(d.newly_crossed(Status::Excluded));
    assert!(d.newly_crossed(Status::AtRisk));
    hash_filters().bind(|| {
        insta::assert_snapshot!("diff_text", render_diff_text(&d));
        insta::assert_json_snapshot!("diff_json", d);
    });
}

#[test]
fn diff_selects_runs_and_reports_nothing_for_equal_runs() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path();
    two_runs(h);
    let runs = list_runs(h).unwrap();
    let same = diff_runs(
        h,
        Some(&runs[1].run_id),
        Some("latest"),
        0.25,
        Some(Status::AtRisk),
    )
    .unwrap();
    assert!(!same.crossed);
    assert_eq!(same.unchanged, 7);
    hash_filters().bind(|| insta::assert_snapshot!("diff_text_no_change", render_diff_text(&same)));

    let reversed = diff_runs(
        h,
        Some("latest"),
        Some("previous"),
        0.25,
        Some(Status::Excluded),
    )
    .unwrap();
    assert!(
        !reversed.newly_crossed(Status::Excluded),
        "nobody newly excluded going backwards"
    );
    assert_eq!(reversed.recovered.len(), 2);
    let only_a = diff_runs(h, Some("previous"), None, 0.25, Some(Status::AtRisk)).unwrap();
    assert_eq!(only_a.run_b.run_id, runs[1].run_id);
    // A high threshold hides the pure score moves of V-0004 and V-0007.
    let coarse = diff_runs(h, None, None, 1.0, Some(Status::AtRisk)).unwrap();
    assert!(coarse.score_moves.is_empty());
}

#[test]
fn diff_needs_two_runs() {
    let dir = tempfile::tempdir().unwrap();
    let err = diff_runs(dir.path(), None, None, 0.25, Some(Status::AtRisk)).unwrap_err();
    assert!(
        matches!(err, HistoryError::NotEnoughRuns { found: 0, .. }),
        "{err}"
    );
}

/// `results.parquet`'s row groups are encoded side by side: a run of more vendors than a row
/// group holds gives the same bytes on one thread as on four, and reads back whole.
#[test]
fn results_file_row_groups_do_not_depend_on_threads() {
    let results = synthetic_results(20_000, 7);
    let m = manifest(
        "2026-11-02T02:00:00Z",
        date(2026, 11, 2),
        results.len() as u64,
    );
    let record = |threads: usize| {
        let dir = tempfile::tempdir().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let rec = pool
            .install(|| record_run(dir.path(), &m, &results, &[] as &[Vendor]))
            .unwrap();
        let path = dir
            .path()
            .join(format!("run={}/results.parquet", rec.run_id));
        (dir, rec.run_id, std::fs::read(path).unwrap())
    };
    let (one_dir, run, one) = record(1);
    let (_four_dir, run4, four) = record(4);
    assert_eq!(run, run4);
    assert!(
        one == four,
        "results.parquet differs between 1 and 4 threads"
    );
    let back = read_run_results(one_dir.path(), &run).unwrap();
    assert_eq!(back.len(), results.len());
    assert!(back == results, "results read back differ");
    let df = read_parquet(&one_dir.path().join(format!("run={run}/results.parquet")));
    assert_eq!(df.height(), 20_000);

    // The cache reads the groups side by side, as many as the pool has threads up to four: one
    // group a window, then a window whose second group is the short last one and whose others
    // read nothing. Every vendor is found, its row read back, and its stored form recorded as
    // it was; `verify` reads the same way.
    let as_of = date(2026, 11, 2);
    for threads in [1, 3, 8] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let (cache, checks) = pool.install(|| {
            (
                load_cache(one_dir.path(), TOOL_VERSION).unwrap(),
                verify_runs(one_dir.path()).unwrap(),
            )
        });
        assert_eq!(cache.len(), results.len(), "{threads} threads");
        assert!(cache.damaged_run().is_none());
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].outcome, Outcome::Sound, "{threads} threads");
        assert_eq!(checks[0].vendors, 20_000);
        let stored: Vec<StoredResult> = results
            .iter()
            .map(|r| {
                let hit = cache.lookup(&r.vendor_id, &r.input_hash, as_of).unwrap();
                assert_eq!(hit.row().unwrap(), FlatRow::new(r), "{}", r.vendor_id);
                hit.stored()
            })
            .collect();
        let again = tempfile::tempdir().unwrap();
        let rec = record_stored(again.path(), &m, &stored, &[] as &[Vendor]).unwrap();
        assert_eq!(rec.run_id, run);
        let bytes = std::fs::read(again.path().join(format!("run={run}/results.parquet")));
        assert!(
            bytes.unwrap() == one,
            "{threads} threads: recorded from the cache differs"
        );
    }
}

/// A store recorded with a key: every run carries the key's signature, which the checksums
/// alone cannot give. A summary edited and sealed again with its own checksum, as anyone can
/// do, is sound to a check without the key and changed to one with it; so is a run recorded
/// without the key. Reuse with the key refuses an unsigned newest run, and the run recorded
/// next is signed.
#[test]
fn a_signed_store_shows_what_someone_without_the_key_changed() {
    let key = scrm_history::StoreKey::new(vec![42; 32]).unwrap();
    let other = scrm_history::StoreKey::new(vec![43; 32]).unwrap();
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    let results = sample_results();
    let signed = |day: u32| {
        let m = manifest(&format!("2026-11-0{day}T02:00:00Z"), date(2026, 11, day), 2);
        scrm_history::record_run_with(h, &m, &results, &[] as &[Vendor], None, Some(&key))
            .unwrap()
            .run_id
    };
    let first = signed(1);
    let info = list_runs(h).unwrap();
    assert!(
        info[0]
            .run_signature
            .as_deref()
            .unwrap()
            .starts_with("hmac-sha256:")
    );
    assert!(info[0].signed_by(&key) && !info[0].signed_by(&other));
    let keyed = |k: &scrm_history::StoreKey| {
        scrm_history::verify_runs_keyed(h, Some(k))
            .unwrap()
            .into_iter()
            .map(|c| c.outcome)
            .collect::<Vec<_>>()
    };
    let not_signed = Outcome::unsigned();
    assert_eq!(keyed(&key), [Outcome::Sound]);
    assert_eq!(keyed(&other), std::slice::from_ref(&not_signed));
    assert_eq!(
        scrm_history::load_cache_keyed(h, TOOL_VERSION, Some(&key))
            .unwrap()
            .len(),
        2
    );

    // Someone without the key moves the run's place in the store's order and seals the summary
    // again: the checksums agree, the signature does not.
    let path = h.join(format!("run={first}/run.json"));
    let mut v: scrm_history::RunInfo =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    v.sequence = 7;
    v.run_checksum = Some(v.own_checksum());
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    assert_eq!(verify_runs(h).unwrap()[0].outcome, Outcome::Sound);
    assert_eq!(keyed(&key), std::slice::from_ref(&not_signed));
    // Reuse with the key refuses it; the next run, of the same content, is recorded and signed.
    let cache = scrm_history::load_cache_keyed(h, TOOL_VERSION, Some(&key)).unwrap();
    assert!(cache.is_empty());
    assert_eq!(cache.damaged_run(), Some(first.as_str()));
    let m = manifest("2026-11-02T02:00:00Z", date(2026, 11, 2), 2);
    let second = scrm_history::record_run_with(
        h,
        &m,
        &results,
        &[] as &[Vendor],
        cache.damaged_run(),
        Some(&key),
    )
    .unwrap();
    assert!(second.created);
    assert_eq!(keyed(&key), [not_signed.clone(), Outcome::Sound]);

    // A run recorded without the key.
    let m = manifest("2026-11-03T02:00:00Z", date(2026, 11, 3), 2);
    record_run(h, &m, &results, &[] as &[Vendor]).unwrap();
    assert_eq!(
        keyed(&key),
        [not_signed.clone(), Outcome::Sound, not_signed.clone()]
    );
    assert!(
        scrm_history::load_cache_keyed(h, TOOL_VERSION, Some(&key))
            .unwrap()
            .is_empty()
    );
    assert_eq!(load_cache(h, TOOL_VERSION).unwrap().len(), 2);
}

/// A test-only key of `fixtures/keys/`.
fn fixture_key(name: &str) -> scrm_history::StoreKey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/keys")
        .join(name);
    scrm_history::StoreKey::from_file(&path).unwrap()
}

/// A store signed with an Ed25519 private key is verified, reused and diffed with its public key
/// alone, which records and prunes nothing; read with another Ed25519 key or a shared secret,
/// each run, the head and the prune log say whose signature they carry.
#[test]
fn an_ed25519_store_is_checked_with_its_public_key() {
    use scrm_history::{HeadCheck, SignatureProblem, Signing};
    let (private, public) = (fixture_key("nightly.pem"), fixture_key("nightly.pub.pem"));
    let (other, other_public) = (fixture_key("other.pem"), fixture_key("other.pub.pem"));
    let secret = scrm_history::StoreKey::new(vec![42; 32]).unwrap();
    let id = public.key_id().unwrap();
    assert_eq!(private.key_id().as_deref(), Some(id.as_str()));
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    let ids = [1, 2, 3].map(|day| night(h, day, Some(&private)));
    let info = list_runs(h).unwrap();
    for run in &info {
        let signature = run.run_signature.as_deref().unwrap();
        assert!(signature.starts_with("ed25519:") && signature.len() == 8 + 128);
        assert_eq!(run.run_key_id.as_deref(), Some(id.as_str()));
    }
    let checks = scrm_history::verify_runs_keyed(h, Some(&public)).unwrap();
    assert!(
        checks
            .iter()
            .all(|c| c.outcome == Outcome::Sound && c.signed_by.as_deref() == Some(id.as_str())),
        "{checks:?}"
    );
    assert!(
        scrm_history::render_verify_text(&checks)
            .contains(&format!("sound, signed by key {}\n", &id[..16]))
    );
    assert_eq!(
        scrm_history::verify_head(h, Some(&public)).unwrap(),
        HeadCheck::Sound {
            run_id: ids[2].clone()
        }
    );
    let reused = scrm_history::load_cache_keyed(h, TOOL_VERSION, Some(&public)).unwrap();
    assert_eq!(reused.len(), 2);
    scrm_history::diff_runs_keyed(h, None, None, 0.25, None, Some(&public)).unwrap();

    // The public key signs nothing: recording and pruning stop before they write.
    let m = manifest("2026-11-04T02:00:00Z", date(2026, 11, 4), 2);
    let recorded = scrm_history::record_run_with(
        h,
        &m,
        &sample_results(),
        &[] as &[Vendor],
        None,
        Some(&public),
    );
    assert!(
        matches!(
            recorded,
            Err(HistoryError::PublicKeyOnly {
                signing: Signing::Record,
                ..
            })
        ),
        "{recorded:?}"
    );
    let keep_one = scrm_history::Retention {
        keep: std::num::NonZeroUsize::new(1).unwrap(),
        older_than: None,
    };
    // The lock file the recordings left, removed to see that a refused prune makes none.
    std::fs::remove_file(h.join(scrm_history::PRUNE_LOCK)).unwrap();
    let pruned = scrm_history::prune(h, &keep_one, Some(&public));
    assert!(
        pruned.as_ref().is_err_and(|e| e.to_string().ends_with(
            "pruning with a key signs the prune log's record of each run removed, which needs the store's private key (PKCS#8 PEM, `BEGIN PRIVATE KEY`), and the key given is an Ed25519 public key, which only verifies; nothing was pruned"
        )),
        "{pruned:?}"
    );
    // Refused before the prune lock: not even the lock file is made.
    assert!(!h.join(scrm_history::PRUNE_LOCK).exists());
    // Nor does another private key prune it: the newest run names whose it is.
    let by_other = scrm_history::prune(h, &keep_one, Some(&other));
    let Err(HistoryError::SignedOtherwise { problem, .. }) = by_other else {
        panic!("{by_other:?}")
    };
    assert_eq!(
        problem,
        SignatureProblem::OtherKey {
            found: id.clone(),
            expected: other.key_id().unwrap()
        }
    );
    assert_eq!(list_runs(h).unwrap().len(), 3);
    let keep_two = scrm_history::Retention {
        keep: std::num::NonZeroUsize::new(2).unwrap(),
        older_than: None,
    };
    scrm_history::prune(h, &keep_two, Some(&private)).unwrap();
    let log = std::fs::read_to_string(h.join(scrm_history::PRUNE_LOG)).unwrap();
    assert!(
        log.contains(&format!(
            "\"entry_key_id\":\"{id}\",\"entry_signature\":\"ed25519:"
        )),
        "{log}"
    );
    assert_eq!(
        scrm_history::verify_chain(h, Some(&public)).unwrap(),
        scrm_history::ChainCheck::Sound {
            links: 2,
            pruned: 1
        }
    );

    // Read with another Ed25519 key, or with a shared secret: each says what it found.
    let other_id = other_public.key_id().unwrap();
    for (key, problem) in [
        (
            &other_public,
            SignatureProblem::OtherKey {
                found: id.clone(),
                expected: other_id.clone(),
            },
        ),
        (
            &secret,
            SignatureProblem::OtherScheme {
                found: "ed25519".into(),
                expected: scrm_history::Scheme::HmacSha256,
            },
        ),
    ] {
        let checks = scrm_history::verify_runs_keyed(h, Some(key)).unwrap();
        assert!(
            checks.iter().all(|c| c.outcome == Outcome::unsigned()
                && c.signed_by.is_none()
                && c.signature_problem.as_ref() == Some(&problem)),
            "{checks:?}"
        );
        let HeadCheck::Changed { problem: said } = scrm_history::verify_head(h, Some(key)).unwrap()
        else {
            panic!("the head verifies with {key:?}")
        };
        assert_eq!(said, format!("head.json {problem}"));
        let chain = scrm_history::verify_chain(h, Some(key)).unwrap();
        assert_eq!(
            chain,
            scrm_history::ChainCheck::Changed {
                problems: vec![format!(
                    "run {} was pruned, but its record in pruned.jsonl {problem}",
                    ids[0]
                )]
            }
        );
        let diff = scrm_history::diff_runs_keyed(h, None, None, 0.25, None, Some(key));
        assert!(
            diff.as_ref()
                .is_err_and(|e| e.to_string().contains(&format!(
                    ": run {} {problem} (`scrm history verify --history-key` tells which runs)",
                    ids[1]
                ))),
            "{diff:?}"
        );
        // Not reused: every vendor is scored afresh, and the next run recorded.
        let cache = scrm_history::load_cache_keyed(h, TOOL_VERSION, Some(key)).unwrap();
        assert_eq!(cache.damaged_run(), Some(ids[2].as_str()));
    }
    // Changed since it was signed: the run names the key, and the signature does not verify.
    let path = h.join(format!("run={}/run.json", ids[2]));
    let mut v: scrm_history::RunInfo =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    v.sequence = 9;
    v.run_checksum = Some(v.own_checksum());
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let checks = scrm_history::verify_runs_keyed(h, Some(&public)).unwrap();
    assert_eq!(
        checks[1].signature_problem,
        Some(SignatureProblem::Invalid {
            key: id.clone(),
            named: true
        })
    );
    assert!(
        scrm_history::render_verify_text(&checks).contains(&format!(
            "CHANGED: run.json names Ed25519 key {} but its signature does not verify with it: changed since it was signed\n",
            &id[..16]
        )),
        "{}",
        scrm_history::render_verify_text(&checks)
    );
}

/// Records the sample results as the night of 2026-11-`day` at 02:00, as of that day, signed
/// with `key` when given: a run of its own each night. Its id.
fn night(h: &Path, day: u32, key: Option<&scrm_history::StoreKey>) -> String {
    let m = manifest(&format!("2026-11-0{day}T02:00:00Z"), date(2026, 11, day), 2);
    scrm_history::record_run_with(h, &m, &sample_results(), &[] as &[Vendor], None, key)
        .unwrap()
        .run_id
}

/// The head names the newest run recorded: deleting the newest runs (rolling the store back),
/// editing the head, or a head without the key's signature is a change, which the runs' own
/// checks cannot see; a run recorded after a writer stopped before the head is only "behind".
#[test]
fn the_head_shows_a_store_rolled_back() {
    use scrm_history::{HeadCheck, verify_head};
    let key = scrm_history::StoreKey::new(vec![9; 32]).unwrap();
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    let record = |day: u32| night(h, day, Some(&key));
    assert_eq!(verify_head(h, Some(&key)).unwrap(), HeadCheck::Absent);
    let runs: Vec<String> = (1..=3).map(record).collect();
    assert_eq!(
        verify_head(h, Some(&key)).unwrap(),
        HeadCheck::Sound {
            run_id: runs[2].clone()
        }
    );
    // The newest run removed: every remaining run is sound and signed, the head is not.
    let newest = h.join(format!("run={}", runs[2]));
    let kept = tempfile::tempdir().unwrap();
    std::fs::rename(&newest, kept.path().join("run")).unwrap();
    assert!(verify_runs(h).unwrap().iter().all(|c| !c.changed()));
    let rolled = verify_head(h, Some(&key)).unwrap();
    assert!(
        matches!(&rolled, HeadCheck::Changed { problem } if problem.contains("is not in the store")),
        "{rolled:?}"
    );
    assert!(
        scrm_history::render_head_text(&rolled)
            .starts_with("head: CHANGED: the newest run recorded, 20261103T020000Z-")
    );
    std::fs::rename(kept.path().join("run"), &newest).unwrap();

    // The head edited to name the older run.
    let path = h.join(scrm_history::HEAD_FILE);
    let good = std::fs::read(&path).unwrap();
    let mut head: scrm_history::Head = serde_json::from_slice(&good).unwrap();
    head.run_id = runs[1].clone();
    std::fs::write(&path, serde_json::to_vec_pretty(&head).unwrap()).unwrap();
    assert!(verify_head(h, None).unwrap().changed(), "its checksum");
    std::fs::write(&path, &good).unwrap();
    assert!(!verify_head(h, Some(&key)).unwrap().changed());
    // Without the key's signature.
    let other = scrm_history::StoreKey::new(vec![10; 32]).unwrap();
    assert!(matches!(
        verify_head(h, Some(&other)).unwrap(),
        HeadCheck::Changed { problem } if problem.contains("signature")
    ));

    // A run recorded, then the head put back as a writer stopped before it would leave it.
    std::fs::write(h.join("head.before"), &good).unwrap();
    let fourth = record(4);
    std::fs::rename(h.join("head.before"), &path).unwrap();
    assert_eq!(
        verify_head(h, Some(&key)).unwrap(),
        HeadCheck::Behind {
            run_id: runs[2].clone(),
            newest: fourth,
        }
    );
}

/// Without a key, a store rolled back with its head (the newest run and head.json deleted) is
/// a change all the same: its runs name the run before them, which only a release that keeps a
/// head writes. A store of one run whose head is gone cannot be told from an older store.
#[test]
fn a_store_rolled_back_with_its_head_is_changed_without_a_key() {
    use scrm_history::{HeadCheck, verify_head};
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    let runs: Vec<String> = (1..=3).map(|day| night(h, day, None)).collect();
    let head = h.join(scrm_history::HEAD_FILE);
    std::fs::remove_dir_all(h.join(format!("run={}", runs[2]))).unwrap();
    std::fs::remove_file(&head).unwrap();
    let rolled = verify_head(h, None).unwrap();
    assert!(
        matches!(&rolled, HeadCheck::Changed { problem } if problem.contains("head.json is missing")),
        "{rolled:?}"
    );
    assert!(
        scrm_history::render_head_text(&rolled).starts_with("head: CHANGED: head.json is missing")
    );

    let one = tempfile::tempdir().unwrap();
    night(one.path(), 1, None);
    std::fs::remove_file(one.path().join(scrm_history::HEAD_FILE)).unwrap();
    let absent = verify_head(one.path(), None).unwrap();
    assert_eq!(absent, HeadCheck::Absent);
    assert_eq!(
        scrm_history::render_head_text(&absent),
        "head: none (a store of one run, or recorded before heads were kept)\n"
    );
}

/// Each run names the run before it, and `prune` logs what it removes: a run removed from the
/// middle of the store (which the head cannot see), an older run sealed again after a change
/// (which its own checksums cannot see), and a forged or unsigned prune log are changes; runs
/// pruned on purpose are not. A signed store is pruned with its key only.
#[test]
fn the_chain_shows_a_run_removed_from_the_middle() {
    use scrm_history::{ChainCheck, Retention, prune, verify_chain};
    let key = scrm_history::StoreKey::new(vec![5; 32]).unwrap();
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    let record = |day: u32| night(h, day, Some(&key));
    assert_eq!(verify_chain(h, Some(&key)).unwrap(), ChainCheck::Absent);
    let runs: Vec<String> = (1..=4).map(record).collect();
    let infos = list_runs(h).unwrap();
    assert_eq!(infos[0].previous_run, None);
    assert_eq!(
        infos[2].previous_run,
        Some(scrm_history::PreviousRun {
            run_id: runs[1].clone(),
            run_checksum: infos[1].run_checksum.clone(),
        })
    );
    let sound = |links, pruned| ChainCheck::Sound { links, pruned };
    assert_eq!(verify_chain(h, Some(&key)).unwrap(), sound(3, 0));

    // The second run removed by hand: every remaining run and the head are sound.
    let second = h.join(format!("run={}", runs[1]));
    let away = tempfile::tempdir().unwrap();
    std::fs::rename(&second, away.path().join("run")).unwrap();
    assert!(verify_runs(h).unwrap().iter().all(|c| !c.changed()));
    assert!(!scrm_history::verify_head(h, Some(&key)).unwrap().changed());
    let broken = verify_chain(h, Some(&key)).unwrap();
    assert_eq!(
        broken,
        ChainCheck::Changed {
            problems: vec![format!(
                "run {}, recorded just before {}, is not in the store and the prune log does not name it: it was removed",
                runs[1], runs[2]
            )]
        }
    );
    assert!(scrm_history::render_chain_text(&broken).starts_with("chain: CHANGED: run "));
    std::fs::rename(away.path().join("run"), &second).unwrap();

    // The oldest run changed and sealed again: its checksums agree, the next run's link does not.
    let path = h.join(format!("run={}/run.json", runs[0]));
    let good = std::fs::read(&path).unwrap();
    let mut v: scrm_history::RunInfo = serde_json::from_slice(&good).unwrap();
    v.vendors += 1;
    v.run_checksum = Some(v.own_checksum());
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    assert!(matches!(
        verify_chain(h, None).unwrap(),
        ChainCheck::Changed { problems } if problems[0].contains("its summary changed since")
    ));
    std::fs::write(&path, &good).unwrap();

    // Pruned without the key: refused, nothing removed or logged.
    let keep_two = Retention {
        keep: std::num::NonZeroUsize::new(2).unwrap(),
        older_than: None,
    };
    let refused = prune(h, &keep_two, None).unwrap_err();
    assert!(
        matches!(refused, scrm_history::HistoryError::KeyNeeded { .. }),
        "{refused}"
    );
    assert_eq!(list_runs(h).unwrap().len(), 4);
    assert!(!h.join(scrm_history::PRUNE_LOG).exists());
    // With it: the two oldest runs go, logged; the chain is sound, one link to a pruned run.
    let done = prune(h, &keep_two, Some(&key)).unwrap();
    assert_eq!(done.removed.len(), 2);
    assert_eq!(verify_chain(h, Some(&key)).unwrap(), sound(2, 1));
    let log = std::fs::read_to_string(h.join(scrm_history::PRUNE_LOG)).unwrap();
    assert_eq!(log.lines().count(), 2);
    assert!(log.contains(&runs[1]) && log.contains("\"entry_signature\":\"hmac-sha256:"));

    // A log line forged without the key, and a log read with another key.
    let forged = log.replacen(&runs[1], &runs[3], 1);
    std::fs::write(h.join(scrm_history::PRUNE_LOG), &forged).unwrap();
    assert!(matches!(
        verify_chain(h, Some(&key)).unwrap(),
        ChainCheck::Changed { problems } if problems[0] == format!("{} line 2 does not match its own checksum", scrm_history::PRUNE_LOG)
    ));
    std::fs::write(h.join(scrm_history::PRUNE_LOG), &log).unwrap();
    let other = scrm_history::StoreKey::new(vec![6; 32]).unwrap();
    let ChainCheck::Changed { problems } = verify_chain(h, Some(&other)).unwrap() else {
        panic!("another key's log passed");
    };
    assert_eq!(
        problems,
        [format!(
            "run {} was pruned, but its record in pruned.jsonl does not carry the store key's signature",
            runs[1]
        )]
    );
    // Pruned with another key: refused before anything is touched.
    let keep_one = Retention {
        keep: std::num::NonZeroUsize::new(1).unwrap(),
        older_than: None,
    };
    let wrong = prune(h, &keep_one, Some(&other)).unwrap_err();
    assert!(
        matches!(&wrong, scrm_history::HistoryError::WrongKey { run, .. } if *run == runs[3]),
        "{wrong}"
    );
    assert_eq!(list_runs(h).unwrap().len(), 2);
}

/// A prune stopped after it hid a run and before it recorded it: `verify` says so (the run is
/// neither in the store nor vouched for), and the next prune records it, then deletes it. A file
/// named like a hidden run, and a log line cut short by a crash, get in no prune's way.
#[test]
fn an_interrupted_prune_is_finished_by_the_next() {
    use scrm_history::{ChainCheck, Retention, prune, verify_chain};
    let key = scrm_history::StoreKey::new(vec![3; 32]).unwrap();
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    let runs: Vec<String> = (1..=3).map(|day| night(h, day, Some(&key))).collect();
    std::fs::rename(
        h.join(format!("run={}", runs[0])),
        h.join(format!(".pruned-{}-4242", runs[0])),
    )
    .unwrap();
    std::fs::write(h.join(".pruned-log-4242.tmp"), b"x").unwrap();
    std::fs::write(h.join(scrm_history::PRUNE_LOG), b"{\"kind\":\"pruned-r").unwrap();
    let ChainCheck::Changed { problems } = verify_chain(h, Some(&key)).unwrap() else {
        panic!("a hidden, unrecorded run passed");
    };
    assert_eq!(
        problems,
        [format!(
            "run {} was hidden by a prune that stopped before it recorded it in pruned.jsonl: `scrm history prune` again finishes it",
            runs[0]
        )]
    );
    let keep_all = Retention {
        keep: std::num::NonZeroUsize::new(5).unwrap(),
        older_than: None,
    };
    let done = prune(h, &keep_all, Some(&key)).unwrap();
    assert!(done.removed.is_empty() && done.leftovers.len() == 1);
    assert_eq!(
        verify_chain(h, Some(&key)).unwrap(),
        ChainCheck::Sound {
            links: 2,
            pruned: 1
        }
    );
    // The cut line is gone, the leftover's line is whole.
    let log = std::fs::read_to_string(h.join(scrm_history::PRUNE_LOG)).unwrap();
    assert_eq!(log.lines().count(), 1);
    assert!(log.starts_with("{\"kind\":\"pruned-run\",\"run_id\":\""));
}

/// A prune that cannot record the runs it hid removes nothing: they are put back, and the log
/// names none of them.
#[test]
fn a_prune_that_cannot_record_puts_its_runs_back() {
    use scrm_history::{ChainCheck, Retention, prune, verify_chain};
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    let runs: Vec<String> = (1..=3).map(|day| night(h, day, None)).collect();
    // A directory where the log goes: it cannot be opened for appending.
    std::fs::create_dir(h.join(scrm_history::PRUNE_LOG)).unwrap();
    let rule = Retention {
        keep: std::num::NonZeroUsize::new(1).unwrap(),
        older_than: None,
    };
    assert!(prune(h, &rule, None).is_err());
    let listed: Vec<String> = list_runs(h)
        .unwrap()
        .into_iter()
        .map(|r| r.run_id)
        .collect();
    assert_eq!(listed, runs);
    let hidden: Vec<String> = std::fs::read_dir(h)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(".pruned-"))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    std::fs::remove_dir(h.join(scrm_history::PRUNE_LOG)).unwrap();
    assert_eq!(
        verify_chain(h, None).unwrap(),
        ChainCheck::Sound {
            links: 2,
            pruned: 0
        }
    );
}

/// A store that took a key after it was pruned without one: the old, unsigned lines vouch for
/// runs no remaining run names, so `verify` with the key is sound.
#[test]
fn a_store_that_took_a_key_later_verifies_with_it() {
    use scrm_history::{ChainCheck, Retention, prune, verify_chain};
    let key = scrm_history::StoreKey::new(vec![4; 32]).unwrap();
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    let record = |day: u32, key: Option<&scrm_history::StoreKey>| {
        night(h, day, key);
    };
    let keep = |n| Retention {
        keep: std::num::NonZeroUsize::new(n).unwrap(),
        older_than: None,
    };
    (1..=3).for_each(|d| record(d, None));
    prune(h, &keep(1), None).unwrap();
    (4..=5).for_each(|d| record(d, Some(&key)));
    prune(h, &keep(2), Some(&key)).unwrap();
    assert_eq!(
        verify_chain(h, Some(&key)).unwrap(),
        ChainCheck::Sound {
            links: 2,
            pruned: 1
        }
    );
}

/// A store without a key is pruned without one, and its chain stays sound.
#[test]
fn an_unsigned_store_is_pruned_and_chained_without_a_key() {
    use scrm_history::{ChainCheck, Retention, prune, verify_chain};
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    let results = sample_results();
    for day in 1..=3 {
        let m = manifest(&format!("2026-11-0{day}T02:00:00Z"), date(2026, 11, day), 2);
        record_run(h, &m, &results, &[] as &[Vendor]).unwrap();
    }
    let rule = Retention {
        keep: std::num::NonZeroUsize::new(1).unwrap(),
        older_than: None,
    };
    assert_eq!(prune(h, &rule, None).unwrap().removed.len(), 2);
    assert_eq!(
        verify_chain(h, None).unwrap(),
        ChainCheck::Sound {
            links: 1,
            pruned: 1
        }
    );
}

/// Runs recorded at once take turns: each names the one recorded before it, with its own
/// sequence number, and the chain is sound (without the lock, two could follow the same run).
#[test]
fn runs_recorded_at_once_take_turns() {
    use scrm_history::{ChainCheck, verify_chain};
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    night(h, 1, None);
    // Started in the same second (a job started twice), each as of another day.
    std::thread::scope(|s| {
        for day in 2..=5 {
            s.spawn(move || {
                let m = manifest("2026-11-06T02:00:00Z", date(2026, 11, day), 2);
                scrm_history::record_run_with(
                    h,
                    &m,
                    &sample_results(),
                    &[] as &[Vendor],
                    None,
                    None,
                )
                .unwrap()
            });
        }
    });
    let runs = list_runs(h).unwrap();
    let mut sequences: Vec<u64> = runs.iter().map(|r| r.sequence).collect();
    sequences.sort_unstable();
    assert_eq!(sequences, [1, 2, 3, 4, 5]);
    let mut named: Vec<&str> = runs
        .iter()
        .filter_map(|r| r.previous_run.as_ref().map(|p| p.run_id.as_str()))
        .collect();
    named.sort_unstable();
    named.dedup();
    assert_eq!(named.len(), 4, "each run follows another: {runs:#?}");
    assert!(matches!(
        verify_chain(h, None).unwrap(),
        ChainCheck::Sound { links: 4, .. }
    ));
}

/// With the clock held at one second, a night whose content is an older run's (not the
/// newest's) has that older run's id: it is refused, not taken for recorded, so the store never
/// passes the older run for that night.
#[test]
fn a_night_with_an_older_runs_id_is_refused() {
    let h = tempfile::tempdir().unwrap();
    let h = h.path();
    let at = |day: u32| manifest("2026-11-06T02:00:00Z", date(2026, 11, day), 2);
    let record = |day: u32| {
        scrm_history::record_run_with(h, &at(day), &sample_results(), &[] as &[Vendor], None, None)
    };
    let first = record(1).unwrap();
    let second = record(5).unwrap();
    assert!(first.created && second.created);
    let again = record(1);
    let Err(HistoryError::RunIdTaken { run_id, newest, .. }) = &again else {
        panic!("{again:?}")
    };
    assert_eq!((run_id, newest), (&first.run_id, &second.run_id));
    assert_eq!(list_runs(h).unwrap().len(), 2);
    // The newest run's own content again is still "nothing recorded".
    assert!(!record(5).unwrap().created);
}
