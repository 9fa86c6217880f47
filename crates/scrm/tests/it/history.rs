//! `scrm score --history` and `scrm diff`: recording runs, skipping unchanged ones, and what
//! changed between two runs after one supplier's answers changed.

use crate::common::{
    AS_OF, DEMO, Run, Scrm, arg, assert_same_text, copy_dir, demo_score, names, reseal_run_json,
    root, run_dirs, scrm, tempdir,
};
use std::path::Path;

/// V-0013 (eligible) withdraws its incident-notification commitment in the portfolio at `input`:
/// a high-tier knock-out.
fn withdraw_incident_notification(input: &Path) {
    let answers = input.join("answers.csv");
    let text = std::fs::read_to_string(&answers).expect("answers");
    let edited = text.replacen(
        "V-0013,SUP-INCIDENT-NOTIFY,yes,",
        "V-0013,SUP-INCIDENT-NOTIFY,no,",
        1,
    );
    assert_ne!(edited, text, "the edit applied");
    std::fs::write(&answers, edited).expect("write answers");
}

/// A nightly run: `scrm score PORTFOLIO --history HISTORY --out OUT -v` and `extra`, with the
/// clock at `now`, `--as-of AS_OF` and `--format csv` unless `extra` gives them. Exits 1: the
/// demo has suppliers at risk.
pub fn nightly(portfolio: &str, history: &Path, out: &Path, now: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "score".to_string(),
        portfolio.to_string(),
        "--history".into(),
        arg(history),
        "--out".into(),
        arg(out),
        "-v".into(),
    ];
    for (flag, default) in [("--as-of", AS_OF), ("--format", "csv")] {
        if !extra.contains(&flag) {
            args.extend([flag.to_string(), default.to_string()]);
        }
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let r = Scrm::new(args).env("SCRM_NOW", now).run();
    r.expect_code(1);
    r
}

/// The demo's first run, on 2026-11-02, into the empty store `history`, written to `out`; the
/// run's directory.
fn first_night(history: &Path, out: &Path) -> std::path::PathBuf {
    nightly(DEMO, history, out, "2026-11-02T06:00:00Z", &[]);
    let mut runs = run_dirs(history);
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs.remove(0)
}

/// The demo's run on 2026-11-04 into `history`, written to `out`: a store that healed (its
/// newest run sound and of this version) gives every supplier's result to reuse, unwarned.
fn the_night_after_reuses_all(history: &Path, out: &Path) -> Run {
    let run = nightly(DEMO, history, out, "2026-11-04T06:00:00Z", &[]);
    assert!(
        run.stderr.contains("reused=50") && !run.stderr.contains("WARN"),
        "{}",
        run.stderr
    );
    run
}

#[test]
fn record_then_diff() {
    let dir = tempdir();
    let input = dir.path().join("portfolio");
    copy_dir(&root().join(DEMO), &input);
    let history = dir.path().join("history");
    let out = dir.path().join("results.json");
    let score = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "score",
            &arg(&input),
            "--as-of",
            AS_OF,
            "--history",
            &arg(&history),
            "--format",
            "json",
            "--out",
            &arg(&out),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };

    let first = scrm(score(&[]));
    first.expect_code(1);
    assert_run!("history_first_run", first);
    let second = scrm(score(&[]));
    second.expect_code(1);
    assert_run!("history_unchanged_run", second);

    // Only one run so far: nothing to compare.
    let r = scrm(["diff", "--history", &arg(&history)]);
    r.expect_code(2);
    assert_run!("history_diff_one_run", r);

    withdraw_incident_notification(&input);
    // A day later (run ids sort by time), scoring as of the same date; -v shows the reuse.
    let third = Scrm::new(score(&["-v"]))
        .env("SCRM_NOW", "2026-11-03T06:00:00Z")
        .run();
    third.expect_code(1);
    assert!(
        third.stderr.contains("reused=49"),
        "the 49 unchanged suppliers come from the store:\n{}",
        third.stderr
    );
    assert!(
        third
            .stderr
            .contains("history: recorded run 20261103T060000Z-")
    );

    // The store's writer lock (empty, left in place) first, then the head and the two runs.
    let runs = names(&history);
    assert_eq!(runs.len(), 4, "two runs, the head and the lock: {runs:?}");
    assert_eq!(runs[0], ".prune.lock");
    let runs = &runs[1..];
    assert_eq!(runs[0], "head.json");
    assert!(runs[1].starts_with("run=20261102T060000Z-"), "{runs:?}");
    assert!(runs[2].starts_with("run=20261103T060000Z-"), "{runs:?}");

    let r = scrm(["diff", "--history", &arg(&history)]);
    r.expect_code(1);
    assert!(r.out().contains("V-0013"));
    assert_run!("history_diff", r);

    let r = scrm(["diff", "--history", &arg(&history), "--format", "json"]);
    r.expect_code(1);
    let j = r.json();
    assert_eq!(j["crossed"], true);
    let newly: Vec<&str> = j["newly_at_risk"]
        .as_array()
        .expect("newly_at_risk")
        .iter()
        .map(|v| v["vendor_id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(newly, ["V-0013"]);
    assert_eq!(j["unchanged"], 49);
    assert_run!("history_diff_json", r);

    // The same comparison named explicitly, and with --fail-on never.
    let explicit = scrm([
        "diff",
        "previous",
        "latest",
        "--history",
        &arg(&history),
        "--format",
        "json",
    ]);
    assert_eq!(explicit.stdout, r.stdout);
    let r = scrm(["diff", "--history", &arg(&history), "--fail-on", "never"]);
    r.expect_code(0);
    assert!(r.out().contains("; fail-on never\n"), "{}", r.out());
    let r = scrm([
        "diff",
        "--history",
        &arg(&history),
        "--fail-on",
        "never",
        "-f",
        "json",
    ]);
    r.expect_code(0);
    assert_eq!(
        (r.json()["fail_on"].clone(), r.json()["crossed"].clone()),
        (serde_json::json!("never"), serde_json::json!(false))
    );
    // Newest first is the reverse comparison: V-0013 recovers, nothing newly crosses.
    let r = scrm(["diff", "latest", "previous", "--history", &arg(&history)]);
    r.expect_code(0);
    assert_run!("history_diff_reversed", r);
}

#[test]
fn diff_without_history() {
    let dir = tempdir();
    let r = scrm(["diff", "--history", &arg(&dir.path().join("none"))]);
    r.expect_code(2);
    assert_run!("history_diff_no_store", r);
}

/// `diff --threshold` is a move on the 0-5 scale above 0: anything else is refused before the
/// store is read, with the range.
#[test]
fn diff_threshold_outside_the_scale_is_refused() {
    for t in ["nan", "inf", "0", "-1", "5.5", "a lot"] {
        let r = scrm([
            "diff".to_string(),
            "--history".into(),
            "nowhere".into(),
            format!("--threshold={t}"),
        ]);
        r.expect_code(2);
        assert!(
            r.stderr.contains("outside the 0-5 scale")
                || r.stderr.contains("expected a number of points"),
            "{t}: {}",
            r.stderr
        );
    }
}

/// A night scored with another policy: `diff` says the policy moved the suppliers whose
/// answers did not change, not their profile or evidence.
#[test]
fn diff_names_a_policy_change() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let out = dir.path().join("out.csv");
    nightly(DEMO, &history, &out, "2026-11-02T06:00:00Z", &[]);
    let init = scrm(["policy", "init"]);
    init.expect_code(0);
    let stricter = init.out().replace(
        "[thresholds.moderate]\ncombined = 2.0",
        "[thresholds.moderate]\ncombined = 3.4",
    );
    assert_ne!(stricter, init.out(), "the threshold was raised");
    let policy = dir.path().join("stricter.toml");
    std::fs::write(&policy, stricter).expect("write");
    nightly(
        DEMO,
        &history,
        &out,
        "2026-11-03T06:00:00Z",
        &["--policy", &arg(&policy)],
    );
    let d = scrm(["diff", "--history", &arg(&history), "--fail-on", "never"]);
    d.expect_code(0);
    assert!(
        d.out().contains("answers unchanged (the policy changed)"),
        "{}",
        d.out()
    );
    assert!(!d.out().contains("the profile, evidence"), "{}", d.out());
    let j = scrm([
        "diff",
        "--history",
        &arg(&history),
        "--fail-on",
        "never",
        "--format",
        "json",
    ]);
    assert_eq!(j.json()["policy_changed"], true);
    assert_eq!(j.json()["catalog_changed"], false);
}

/// A run that reuses stored results records, byte for byte, what a fresh store records for the
/// same inputs, and writes the same CSV: a reused result is carried as it was stored, and its CSV
/// row is made from its stored row and the vendor's profile, never from its parsed JSON.
#[test]
fn reused_results_record_what_a_fresh_run_records() {
    let dir = tempdir();
    let input = dir.path().join("portfolio");
    copy_dir(&root().join(DEMO), &input);
    let (kept, fresh) = (dir.path().join("kept"), dir.path().join("fresh"));
    let score = |history: &Path, out: &str, now: &str| {
        nightly(&arg(&input), history, &dir.path().join(out), now, &[])
    };
    score(&kept, "first.csv", "2026-11-02T06:00:00Z");
    // One supplier's answer changes; the other 49 are reused the next day.
    withdraw_incident_notification(&input);
    let next = score(&kept, "kept.csv", "2026-11-03T06:00:00Z");
    assert!(next.stderr.contains("reused=49"), "{}", next.stderr);
    let afresh = score(&fresh, "fresh.csv", "2026-11-03T06:00:00Z");
    assert!(afresh.stderr.contains("reused=0"), "{}", afresh.stderr);

    let read = |name: &str| std::fs::read(dir.path().join(name)).expect("csv");
    assert_eq!(read("kept.csv"), read("fresh.csv"));
    let newest = |h: &Path| run_dirs(h).pop().expect("a run");
    // Nothing but runs and the head is left in the stores: neither the run's spill nor the
    // cache's.
    for store in [&kept, &fresh] {
        let stray: Vec<String> = names(store)
            .into_iter()
            .filter(|n| !n.starts_with("run=") && n != "head.json" && n != ".prune.lock")
            .collect();
        assert!(stray.is_empty(), "{stray:?}");
    }
    let (kept_run, fresh_run) = (newest(&kept), newest(&fresh));
    assert_eq!(kept_run.file_name(), fresh_run.file_name());
    let kept_files = crate::common::tree(&kept_run);
    assert_eq!(
        kept_files.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        [
            "answers.parquet",
            "manifest.json",
            "results.parquet",
            "run.json"
        ]
    );
    let fresh_files = crate::common::tree(&fresh_run);
    // `run.json` counts the store's runs (`sequence`: the second run of one, the first of the
    // other; `previous_run`, which only the second has; and so its own checksum); everything
    // else is the same.
    let info = |files: &[(String, Vec<u8>)]| {
        let mut v: serde_json::Value = serde_json::from_slice(&files[3].1).expect("run.json");
        v.as_object_mut().map(|o| {
            o.remove("sequence");
            o.remove("previous_run");
            o.remove("run_checksum")
        });
        v
    };
    assert_eq!(info(&kept_files), info(&fresh_files));
    let differ: Vec<&str> = kept_files[..3]
        .iter()
        .zip(&fresh_files)
        .filter(|(k, f)| k != f)
        .map(|(k, _)| k.0.as_str())
        .collect();
    assert!(differ.is_empty(), "these files differ: {differ:?}");
}

/// A portfolio and a buyer overlay named by relative paths one night and by absolute paths the
/// next are the same inputs: the second run reuses every supplier and records nothing new.
#[test]
fn input_paths_do_not_change_what_is_reused() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let run = |portfolio: &str, catalog: &str, out: &str| {
        let out = dir.path().join(out);
        nightly(
            portfolio,
            &history,
            &out,
            "2026-11-02T06:00:00Z",
            &["--catalog", catalog],
        )
    };
    // The tests run in the workspace root, so the relative path names the same file.
    let relative = "benches/genai-overlay.toml";
    let absolute = arg(&root().join(relative));
    let first = run(DEMO, relative, "first.csv");
    assert!(first.stderr.contains("reused=0"), "{}", first.stderr);
    let second = run(&arg(&root().join(DEMO)), &absolute, "second.csv");
    assert!(second.stderr.contains("reused=50"), "{}", second.stderr);
    assert!(
        second.stderr.contains("inputs unchanged"),
        "the same catalog, policy and answers make the same run:\n{}",
        second.stderr
    );
    let read = |name: &str| std::fs::read(dir.path().join(name)).expect("csv");
    assert_eq!(read("first.csv"), read("second.csv"));
}

/// A store whose newest run no longer matches the checksum recorded with it is not reused: the
/// run says so, scores every supplier afresh, gives the same results and records them again
/// (though their content equals the newest run's), so the night after reuses sound results.
#[test]
fn changed_store_is_not_reused() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let run = |out: &str, now: &str| nightly(DEMO, &history, &dir.path().join(out), now, &[]);
    run("first.csv", "2026-11-02T06:00:00Z");
    let info = run_dirs(&history)[0].join("run.json");
    reseal_run_json(&info, &|v| {
        let recorded = v["results_checksum"].as_str().unwrap_or_default();
        assert!(recorded.starts_with("xxh3-128:"), "{recorded}");
        v["results_checksum"] = serde_json::json!(format!("xxh3-128:{}", "0".repeat(32)));
    });

    let next = run("next.csv", "2026-11-03T06:00:00Z");
    assert!(
        next.stderr
            .contains("do not match the checksum recorded with them")
            && next.stderr.contains("reused=0"),
        "{}",
        next.stderr
    );
    let read = |name: &str| std::fs::read(dir.path().join(name)).expect("csv");
    assert_eq!(read("first.csv"), read("next.csv"));
    // The same results are recorded again, sound, and the night after reuses them.
    assert!(
        next.stderr
            .contains("history: recorded run 20261103T060000Z-"),
        "{}",
        next.stderr
    );
    let third = run("third.csv", "2026-11-04T06:00:00Z");
    assert!(
        third.stderr.contains("reused=50") && !third.stderr.contains("WARN"),
        "{}",
        third.stderr
    );
}

/// A newest run whose results file is gone is damage, not a failed night: the next run warns,
/// scores everyone afresh and records its results even though their content equals the damaged
/// run's (here through the workbook's path, which scores after reading), and the night after
/// reuses them.
#[test]
fn a_damaged_store_heals() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let out = |name: &str| dir.path().join(name);
    let run = first_night(&history, &out("first.csv"));
    std::fs::remove_file(run.join("results.parquet")).expect("remove");

    let next = nightly(
        DEMO,
        &history,
        &out("next.xlsx"),
        "2026-11-03T06:00:00Z",
        &["--format", "xlsx"],
    );
    assert!(
        next.stderr.contains("results file is not the one recorded")
            && next.stderr.contains("No such file")
            && next.stderr.contains("reused=0")
            && next
                .stderr
                .contains("history: recorded run 20261103T060000Z-"),
        "{}",
        next.stderr
    );
    the_night_after_reuses_all(&history, &out("third.csv"));
    let read = |name: &str| std::fs::read(out(name)).expect("csv");
    assert_eq!(read("first.csv"), read("third.csv"));
}

/// The nightly run's date moves every night. A result reused on a later day is the result
/// scoring gives that day: whole outputs (the JSON with every finding) and the recorded run are
/// those of a fresh store, from the next day to ten months on, as evidence and questionnaires
/// age past the policy's limits.
#[test]
fn a_later_day_reuses_only_what_scoring_that_day_gives() {
    let dir = tempdir();
    let kept = dir.path().join("kept");
    let out = |name: &str| dir.path().join(name);
    nightly(
        DEMO,
        &kept,
        &out("day0.json"),
        "2026-11-02T06:00:00Z",
        &["--format", "json"],
    );
    for (i, day) in ["2026-11-03", "2026-11-20", "2027-01-15", "2027-09-01"]
        .into_iter()
        .enumerate()
    {
        let now = format!("{day}T06:00:00Z");
        let args = ["--format", "json", "--as-of", day];
        let (kept_out, fresh_out) = (format!("kept{i}.json"), format!("fresh{i}.json"));
        let next = nightly(DEMO, &kept, &out(&kept_out), &now, &args);
        assert!(!next.stderr.contains("reused=0 "), "{day}: {}", next.stderr);
        let fresh = dir.path().join(format!("fresh{i}"));
        nightly(DEMO, &fresh, &out(&fresh_out), &now, &args);
        let read = |name: &str| std::fs::read_to_string(out(name)).expect("json");
        assert_same_text(&read(&kept_out), &read(&fresh_out), day);
        let newest = |h: &Path| run_dirs(h).pop().expect("a run");
        assert_eq!(
            newest(&kept).file_name(),
            newest(&fresh).file_name(),
            "{day}"
        );
    }
}

/// A run recorded by another version of scrm is not reused: that version's engine may score the
/// same inputs otherwise, or store a result in another shape. The first run after an upgrade
/// says so, scores every supplier afresh, writes what a fresh store gives, and records its run;
/// the night after reuses it.
#[test]
fn a_run_of_another_version_is_not_reused() {
    let dir = tempdir();
    let (history, fresh) = (dir.path().join("history"), dir.path().join("fresh"));
    let out = |name: &str| dir.path().join(name);
    let run = first_night(&history, &out("first.csv"));
    // What an older release leaves: its version in the manifest and the run's summary, and so
    // another content hash (the manifest is part of it).
    let mine = format!("\"tool_version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    let text = std::fs::read_to_string(run.join("manifest.json")).expect("manifest");
    assert!(text.contains(&mine), "{text}");
    let text = text.replace(&mine, "\"tool_version\": \"0.0.9\"");
    std::fs::write(run.join("manifest.json"), &text).expect("manifest");
    reseal_run_json(&run.join("run.json"), &|v| {
        assert_eq!(v["tool_version"], env!("CARGO_PKG_VERSION"));
        v["tool_version"] = serde_json::json!("0.0.9");
        let hash = v["content_hash"].as_str().expect("content_hash");
        v["content_hash"] = serde_json::json!(hash.chars().rev().collect::<String>());
    });

    let next = nightly(
        DEMO,
        &history,
        &out("next.csv"),
        "2026-11-03T06:00:00Z",
        &[],
    );
    assert!(
        next.stderr.contains("scored by another version of scrm")
            && next.stderr.contains("recorded_by=0.0.9")
            && next.stderr.contains("reused=0")
            && next
                .stderr
                .contains("history: recorded run 20261103T060000Z-"),
        "{}",
        next.stderr
    );
    nightly(DEMO, &fresh, &out("fresh.csv"), "2026-11-03T06:00:00Z", &[]);
    let read = |name: &str| std::fs::read(out(name)).expect("csv");
    assert_eq!(read("next.csv"), read("fresh.csv"));
    the_night_after_reuses_all(&history, &out("third.csv"));
}

/// The same run recorded on one thread and on four gives the same run id and the same files,
/// byte for byte (docs/history.md promises it).
/// A store recorded with `--input-digest blake3` gives its results to a night that records
/// SHA-256 (the digest names the files, it does not change what was scored), and that night's
/// output is what the same night into a fresh store gives.
#[test]
fn the_digest_does_not_change_what_is_reused() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let first = dir.path().join("first.csv");
    nightly(
        DEMO,
        &history,
        &first,
        "2026-11-02T06:00:00Z",
        &["--input-digest", "blake3"],
    );
    let kept = dir.path().join("kept.csv");
    the_night_after_reuses_all(&history, &kept);
    let fresh = dir.path().join("fresh.csv");
    nightly(
        DEMO,
        &dir.path().join("fresh-history"),
        &fresh,
        "2026-11-04T06:00:00Z",
        &[],
    );
    let read = |p: &Path| std::fs::read(p).expect("csv");
    assert_eq!(read(&kept), read(&fresh));
    assert_eq!(
        read(&first),
        read(&fresh),
        "the demo's scores do not move in two days"
    );
}

#[test]
fn a_run_is_recorded_the_same_on_any_thread_count() {
    let dir = tempdir();
    let record = |threads: &str| {
        let history = dir.path().join(format!("history-{threads}"));
        let out = dir.path().join(format!("out-{threads}.csv"));
        nightly(
            DEMO,
            &history,
            &out,
            "2026-11-02T06:00:00Z",
            &["--threads", threads],
        );
        crate::common::tree(&history)
    };
    let (one, four) = (record("1"), record("4"));
    assert_eq!(
        one.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        four.iter().map(|f| f.0.as_str()).collect::<Vec<_>>()
    );
    // The run's four files, the store's head and its writer lock.
    assert_eq!(
        one.len(),
        6,
        "{:?}",
        one.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in one.iter().zip(&four) {
        assert!(a == b, "{name} differs between 1 and 4 threads");
    }
}

/// `scrm GLOBAL score DEMO --history HISTORY --as-of AS_OF EXTRA` with no file it writes allowed
/// past `blocks` of 512 bytes ([`Scrm::with_file_limit`]): a disk that fills.
#[cfg(unix)]
fn capped(blocks: u32, global: &[&str], history: &Path, extra: &[&str]) -> Scrm {
    let history = arg(history);
    let score = ["score", DEMO, "--history", &history, "--as-of", AS_OF];
    Scrm::with_file_limit(blocks, global.iter().chain(&score).chain(extra))
}

/// A full disk the morning after: with no file allowed past 32 KiB, the run can keep neither the
/// newest run's results aside for reuse nor its own. It warns, scores every supplier afresh and
/// still writes the CSV (the morning's report) as a run without a history does; then it fails to
/// record, says that nothing of it is left, and exits 2. The store holds the earlier run alone,
/// sound.
#[cfg(unix)]
#[test]
fn a_full_disk_still_gives_the_morning_report() {
    let dir = tempdir();
    let history = dir.path().join("history");
    first_night(&history, &dir.path().join("first.csv"));
    let before = names(&history);
    assert_eq!(
        before.len(),
        3,
        "the run, the head and the lock: {before:?}"
    );

    let (next, full) = (dir.path().join("next.csv"), dir.path().join("full.csv"));
    // One thread: every spilled record goes to one file, past the limit whatever the machine.
    let r = capped(
        64,
        &["--threads", "1"],
        &history,
        &["--format", "csv", "--out", &arg(&next)],
    )
    .env("SCRM_NOW", "2026-11-03T06:00:00Z")
    .run();
    r.expect_code(2);
    for said in [
        "the newest run's results could not be kept for reuse: every vendor is scored afresh",
        "the run was not recorded in",
        "nothing of it is left there, and earlier runs are as they were",
    ] {
        assert!(r.stderr.contains(said), "{said:?} not in:\n{}", r.stderr);
    }
    scrm(demo_score(&["--format", "csv", "--out", &arg(&full)])).expect_code(1);
    let read = |p: &Path| std::fs::read(p).expect("csv");
    assert!(read(&next) == read(&full), "the morning's CSV differs");
    assert_eq!(names(&history), before);
    let verify = scrm(["history", "verify", "--history", &arg(&history)]);
    verify.expect_code(0);
    assert!(
        verify.out().contains("1 run checked: 0 changed"),
        "{}",
        verify.out()
    );
}

/// A run that cannot write its files (every file capped at 8 KiB: the results waiting on disk
/// while the run scores do not fit) still gives its report on stdout, says that nothing of it
/// is left, exits 2, and leaves no staging directory in the store.
#[cfg(unix)]
#[test]
fn a_run_that_cannot_be_recorded_leaves_nothing() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let r = capped(16, &[], &history, &["--format", "html"]).run();
    r.expect_code(2);
    assert!(r.out().contains("</html>"), "no report on stdout");
    assert!(
        r.stderr.contains("the run was not recorded in")
            && r.stderr
                .contains("keeping results on disk while the run scores")
            && r.stderr.contains("File too large"),
        "{}",
        r.stderr
    );
    let left = names(&history);
    assert!(left.is_empty(), "{left:?}");
}

/// The Parquet library panics on some damaged files; the store catches the panic and reports
/// the file damaged. `history verify` then says so, naming the file, with no panic printed
/// before it as if scrm had crashed (the message is in the debug log).
#[test]
fn a_decoder_panic_is_reported_as_damage_not_printed_as_a_crash() {
    let dir = tempdir();
    let h = dir.path().join("history");
    let run = first_night(&h, &dir.path().join("first.csv"));
    let path = run.join("results.parquet");
    let good = std::fs::read(&path).expect("results");
    let n = good.len();
    // A byte whose change makes the decoder panic, found in this process (quick; the panics
    // are the test harness's to print), then shown through the binary.
    let panics = (0..4000).map(|k| (n * k / 4000).min(n - 1)).find(|&at| {
        let mut bytes = good.clone();
        bytes[at] ^= 0x5a;
        std::fs::write(&path, &bytes).expect("damage");
        let checks = scrm_history::verify_runs(&h).expect("verify");
        scrm_history::render_verify_text(&checks).contains("could not be decoded")
    });
    assert!(
        panics.is_some(),
        "no change of a byte made the decoder panic"
    );
    let r = scrm(["history", "verify", "--history", &arg(&h)]);
    r.expect_code(1);
    assert!(r.out().contains("could not be decoded"), "{}", r.out());
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let debug = scrm(["-vv", "history", "verify", "--history", &arg(&h)]);
    assert!(
        debug.stderr.contains("the Parquet library panicked"),
        "{}",
        debug.stderr
    );
}
