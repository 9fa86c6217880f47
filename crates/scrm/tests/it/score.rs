//! `scrm score`: every output format on the demo portfolio, exit codes, determinism, input errors.

use crate::common::{
    AS_OF, DEMO, Scrm, arg, demo_score, demo_subset, read_xlsx, root, scrm, sha256_hex, tempdir,
};
use std::time::Duration;

/// The 50 demo vendor ids, V-0001 to V-0050.
fn demo_ids() -> Vec<String> {
    (1..=50).map(|i| format!("V-{i:04}")).collect()
}

#[test]
fn table() {
    // 26 at-risk and 2 excluded suppliers: the default --fail-on at-risk exits 1.
    let r = scrm(demo_score(&[]));
    r.expect_code(1);
    assert!(!r.stdout.contains(&0x1b), "NO_COLOR output has no escapes");
    assert_run!("score_demo_table", r);
}

#[test]
fn csv() {
    let r = scrm(demo_score(&["--format", "csv"]));
    r.expect_code(1);
    let text = r.out();
    assert_eq!(text.lines().count(), 51, "header + 50 vendors");
    for id in demo_ids() {
        assert!(text.contains(&format!("\n{id},")), "{id} missing");
    }
    assert_run!("score_demo_csv", r);
}

#[test]
fn csv_to_file_writes_manifest_sidecar() {
    let dir = tempdir();
    let out = dir.path().join("results.csv");
    let r = scrm(demo_score(&["--format", "csv", "--out", &arg(&out)]));
    r.expect_code(1);
    assert!(r.stdout.is_empty(), "data goes to --out, not stdout");
    assert_eq!(r.stderr, "", "nothing to say on a clean run");
    let stdout_csv = scrm(demo_score(&["--format", "csv"])).stdout;
    assert_eq!(std::fs::read(&out).expect("csv written"), stdout_csv);
    let side: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("results.csv.manifest.json")).expect("sidecar written"),
    )
    .expect("sidecar is JSON");
    assert_eq!(side["as_of"], AS_OF);
    assert_eq!(side["generated_at"], crate::common::NOW);
    assert_eq!(side["counts"]["vendors"], 50);
    // No temporary sibling is left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["results.csv", "results.csv.manifest.json"]);
}

#[test]
fn json() {
    let r = scrm(demo_score(&["--format", "json"]));
    r.expect_code(1);
    assert_eq!(r.stderr, "");
    let j = r.json();
    let vendors = j["vendors"].as_array().expect("vendors array");
    assert_eq!(vendors.len(), 50);
    let ids: Vec<&str> = vendors
        .iter()
        .map(|v| v["vendor_id"].as_str().expect("vendor_id"))
        .collect();
    assert_eq!(ids, demo_ids(), "sorted by vendor id, all present");
    // The statuses agree with the CSV rendering of the same run.
    let csv = scrm(demo_score(&["--format", "csv"])).out();
    for (line, v) in csv.lines().skip(1).zip(vendors) {
        assert!(line.starts_with(&format!("{},", v["vendor_id"].as_str().unwrap_or(""))));
        let status = v["status"].as_str().expect("status");
        assert!(line.contains(&format!(",{status},")), "{line} vs {status}");
    }
    let statuses: Vec<String> = vendors
        .iter()
        .map(|v| {
            format!(
                "{} {} {} {}",
                v["vendor_id"].as_str().unwrap_or(""),
                v["tier"].as_str().unwrap_or(""),
                v["status"].as_str().unwrap_or(""),
                v["combined_score"]
            )
        })
        .collect();
    let shown = serde_json::json!({
        "manifest": j["manifest"],
        "summary": j["summary"],
        "statuses": statuses,
        "V-0005": vendors[4],
    });
    assert_text!(
        "score_demo_json",
        serde_json::to_string_pretty(&shown).expect("json")
    );
}

/// `--input-digest blake3`: each input's manifest entry carries the BLAKE3 of the file's bytes
/// and no SHA-256 (the policy and catalog overlay given by flag too), where the default carries
/// the SHA-256 and no BLAKE3. Nothing else in the output changes.
#[test]
fn blake3_digest_records_blake3_and_scores_the_same() {
    let extra = [
        "--format",
        "json",
        "--policy",
        "crates/scrm-policy/policy/default.toml",
        "--catalog",
    ];
    let overlay = "benches/genai-overlay.toml";
    let mut sha = scrm(demo_score(&[&extra[..], &[overlay]].concat())).json();
    let b3 = scrm(demo_score(
        &[&extra[..], &[overlay, "--input-digest", "blake3"]].concat(),
    ));
    assert_eq!(b3.stderr, "");
    let mut b3 = b3.json();
    let entries = |j: &serde_json::Value| j["manifest"]["inputs"].as_array().cloned();
    let (sha_in, b3_in) = (
        entries(&sha).expect("inputs"),
        entries(&b3).expect("inputs"),
    );
    assert_eq!(sha_in.len(), b3_in.len());
    let kinds: Vec<&str> = sha_in.iter().filter_map(|f| f["kind"].as_str()).collect();
    for kind in [
        "responses-long-csv",
        "xlsx-template",
        "json",
        "policy",
        "catalog-overlay",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    for (s, b) in sha_in.iter().zip(&b3_in) {
        let path = s["path"].as_str().expect("path");
        assert_eq!(b["path"].as_str(), Some(path));
        let bytes = std::fs::read(root().join(path)).expect("an input file");
        let want_sha = sha256_hex(&bytes);
        let want_b3 = blake3::hash(&bytes).to_hex().to_string();
        assert_eq!(s["sha256"].as_str(), Some(want_sha.as_str()), "{path}");
        assert_eq!(s.get("blake3"), None, "{path}: no BLAKE3 unless asked");
        assert_eq!(b["blake3"].as_str(), Some(want_b3.as_str()), "{path}");
        assert_eq!(
            b["sha256"].as_str(),
            Some(""),
            "{path}: no SHA-256 when BLAKE3 is asked"
        );
    }
    for j in [&mut sha, &mut b3] {
        j["manifest"]["inputs"] = serde_json::Value::Null;
    }
    assert_eq!(sha, b3);
}

#[test]
fn jsonl() {
    let r = scrm(demo_score(&["--format", "jsonl"]));
    r.expect_code(1);
    let lines: Vec<serde_json::Value> = r
        .out()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 51, "manifest line + 50 vendor lines");
    assert!(lines[0].get("manifest").is_some(), "{}", lines[0]);
    let json = scrm(demo_score(&["--format", "json"])).json();
    for (line, v) in lines[1..]
        .iter()
        .zip(json["vendors"].as_array().expect("vendors"))
    {
        assert_eq!(line, v, "JSONL vendor lines equal the JSON vendors");
    }
    assert_eq!(lines[0]["manifest"], json["manifest"]);
}

/// The demo's XLSX portfolio. Ignored: `score --format xlsx` builds a remediation plan for every
/// at-risk supplier, and `Engine::plan` (scrm-score) runs for minutes on several demo suppliers
/// (V-0016, V-0018, V-0023, V-0025, V-0038, V-0042, V-0045 each take over 60 s even in
/// release). Un-ignore once planning is bounded; the deadline keeps it from hanging the suite.
#[test]
fn xlsx_demo() {
    let dir = tempdir();
    let out = dir.path().join("portfolio.xlsx");
    let r = Scrm::new(demo_score(&["--format", "xlsx", "--out", &arg(&out)]))
        .deadline(Duration::from_secs(60))
        .run();
    r.expect_code(1);
    let book = read_xlsx(&out);
    let vendors = &book
        .iter()
        .find(|(n, _)| n == "Vendors")
        .expect("Vendors")
        .1;
    assert_eq!(vendors.len(), 51);
}

#[test]
fn xlsx() {
    // A cut of the demo with one supplier per status (eligible, conditional, at-risk, excluded),
    // whose plans are quick to compute (see `xlsx_demo`).
    let dir = tempdir();
    let input = dir.path().join("in");
    demo_subset(&input, &["V-0001", "V-0003", "V-0006", "V-0021"], true);
    let out = dir.path().join("portfolio.xlsx");
    let r = scrm([
        "score",
        &arg(&input),
        "--as-of",
        AS_OF,
        "--format",
        "xlsx",
        "--out",
        &arg(&out),
    ]);
    r.expect_code(1);
    assert!(r.stdout.is_empty());
    assert_eq!(r.stderr, "");
    let book = read_xlsx(&out);
    let mut shown = String::new();
    for (name, rows) in &book {
        shown.push_str(&format!("## {name} ({} rows)\n", rows.len()));
        for row in rows.iter().take(6) {
            let cells: Vec<&str> = row.iter().map(|c| c.as_str()).take(8).collect();
            shown.push_str(&format!("{}\n", cells.join(" | ")));
        }
    }
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Summary",
            "Vendors",
            "Findings",
            "Remediation",
            "GenAI risks",
            "Governance"
        ]
    );
    let vendors = &book[1].1;
    assert_eq!(vendors[0][0], "vendor_id");
    let ids: Vec<&str> = vendors[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["V-0001", "V-0003", "V-0006", "V-0021"]);
    let status_col = vendors[0]
        .iter()
        .position(|h| h == "status")
        .expect("status column");
    let statuses: Vec<&str> = vendors[1..]
        .iter()
        .map(|r| r[status_col].as_str())
        .collect();
    assert_eq!(statuses, ["eligible", "at-risk", "conditional", "excluded"]);
    assert_text!("score_xlsx_sheets", shown);
    // The GenAI risk sheet holds each supplier's readiness as `explain --view risks` gives it
    // (to four decimals), a blank where no question addresses the risk.
    let risks = &book[4].1;
    let x = scrm([
        "explain",
        "V-0003",
        &arg(&input),
        "--as-of",
        AS_OF,
        "--view",
        "risks",
        "--format",
        "json",
    ]);
    let j = x.json();
    let v3 = risks.iter().find(|r| r[0] == "V-0003").expect("V-0003 row");
    for (i, r) in j["risks"].as_array().expect("risks").iter().enumerate() {
        let key = r["risk"].as_str().unwrap_or("");
        assert_eq!(risks[0][i + 1], format!("readiness_{key}"));
        let want = r["readiness"]
            .as_f64()
            .map_or(String::new(), |x| format!("{}", (x * 1e4).round() / 1e4));
        assert_eq!(v3[i + 1], want, "{key}");
    }
}

#[test]
fn parquet() {
    let dir = tempdir();
    let out = dir.path().join("results.parquet");
    let r = scrm(demo_score(&["--format", "parquet", "--out", &arg(&out)]));
    r.expect_code(1);
    assert_eq!(r.stderr, "");
    let bytes = std::fs::read(&out).expect("parquet written");
    assert!(bytes.len() > 1000, "{} bytes", bytes.len());
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
}

#[test]
fn html() {
    let dir = tempdir();
    let out = dir.path().join("portfolio.html");
    let r = scrm(demo_score(&["--format", "html", "--out", &arg(&out)]));
    r.expect_code(1);
    assert_eq!(r.stderr, "");
    let html = std::fs::read_to_string(&out).expect("html written");
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"));
    assert!(!html.contains("http://"), "self-contained: no network URL");
    assert!(!html.contains("https://"), "self-contained: no network URL");
    for id in demo_ids() {
        assert!(html.contains(&id), "{id} missing from the dashboard");
    }
}

#[test]
fn fail_on_levels() {
    // The demo has at-risk and excluded suppliers.
    let codes: Vec<(&str, i32)> = ["never", "excluded", "at-risk"]
        .into_iter()
        .map(|f| {
            (
                f,
                scrm(demo_score(&["--fail-on", f, "--format", "csv"])).code,
            )
        })
        .collect();
    assert_eq!(codes, [("never", 0), ("excluded", 1), ("at-risk", 1)]);

    // At risk but nobody excluded: only --fail-on at-risk exits 1.
    let dir = tempdir();
    demo_subset(dir.path(), &["V-0001", "V-0003"], false);
    let codes: Vec<(&str, i32)> = ["never", "excluded", "at-risk"]
        .into_iter()
        .map(|f| {
            let r = scrm(["score", &arg(dir.path()), "--as-of", AS_OF, "--fail-on", f]);
            (f, r.code)
        })
        .collect();
    assert_eq!(codes, [("never", 0), ("excluded", 0), ("at-risk", 1)]);

    // Nobody flagged: 0 whatever the level.
    let dir = tempdir();
    demo_subset(dir.path(), &["V-0001", "V-0013"], false);
    let r = scrm(["score", &arg(dir.path()), "--as-of", AS_OF]);
    r.expect_code(0);
    assert_run!("score_all_eligible", r);
}

#[test]
fn repeated_runs_are_byte_identical() {
    let csv_a = scrm(demo_score(&["--format", "csv"]));
    let csv_b = scrm(demo_score(&["--format", "csv"]));
    assert_eq!(csv_a.stdout, csv_b.stdout);
    let json_a = scrm(demo_score(&["--format", "json"]));
    let json_b = scrm(demo_score(&["--format", "json"]));
    // generated_at is the only field that may differ between runs; SCRM_NOW pins it here, so
    // the whole document is identical.
    assert_eq!(json_a.stdout, json_b.stdout);
}

#[test]
fn thread_count_does_not_change_results() {
    let one = scrm(demo_score(&["--format", "json", "--threads", "1"]));
    let two = scrm(demo_score(&["--format", "json", "--threads", "2"]));
    one.expect_code(1);
    assert_eq!(one.stdout, two.stdout);
}

/// The documented form (`scrm score --help`) names vendors.csv and exclusions.csv, which the
/// folder also holds, so ingestion reads both files twice; the exclusions then gate V-0021 and
/// V-0022 twice (their hard-gate finding appears twice). Ignored until scrm-ingest reads a file
/// only once.
#[test]
fn explicit_profile_and_exclusion_files_give_the_same_results() {
    let plain = scrm(demo_score(&["--format", "json"])).json();
    let explicit = scrm(demo_score(&[
        "--vendors",
        "fixtures/demo/vendors.csv",
        "--exclusions",
        "fixtures/demo/exclusions.csv",
        "--format",
        "json",
    ]))
    .json();
    assert_eq!(plain["summary"], explicit["summary"]);
    assert_eq!(
        plain["manifest"]["inputs"].as_array().map(Vec::len),
        explicit["manifest"]["inputs"].as_array().map(Vec::len),
        "each file is read once"
    );
    let differ: Vec<&str> = plain["vendors"]
        .as_array()
        .expect("vendors")
        .iter()
        .zip(explicit["vendors"].as_array().expect("vendors"))
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a["vendor_id"].as_str().unwrap_or("?"))
        .collect();
    assert!(differ.is_empty(), "results differ for {differ:?}");
}

/// `score` of the invalid-answer scenario (three bad rows, one good) as CSV to `out`, with
/// `extra`; what it printed, and the rejects file written next to `out`.
fn score_bad_rows(out: &std::path::Path, extra: &[&str]) -> (crate::common::Run, String) {
    let out_arg = arg(out);
    let mut args = vec![
        "score",
        "fixtures/ingest/invalid-answer/inputs",
        "--as-of",
        AS_OF,
        "--format",
        "csv",
        "--out",
        &out_arg,
    ];
    args.extend(extra);
    let r = scrm(args);
    let rejects = std::fs::read_to_string(out.with_file_name("results.rejects.csv"))
        .expect("rejects written next to --out");
    (r, rejects)
}

#[test]
fn bad_rows_are_rejected_and_written_next_to_out() {
    let dir = tempdir();
    let (r, rejects) = score_bad_rows(&dir.path().join("results.csv"), &[]);
    assert_run!("score_rejects", r);
    assert_text!("score_rejects_file", rejects);
}

/// Past the problem limit, problems are counted rather than kept: the run says how many it
/// listed, the rejects file holds the first rows, and every good row is still scored.
#[test]
fn past_the_problem_limit_problems_are_counted() {
    let dir = tempdir();
    let out = dir.path().join("results.csv");
    let (r, rejects) = score_bad_rows(&out, &["--max-problems", "2"]);
    assert_run!("score_past_the_problem_limit", r);
    assert_eq!(rejects.lines().count(), 1 + 2, "{rejects}");
    let scored = std::fs::read_to_string(&out).expect("results");
    assert!(scored.contains("V220,"), "{scored}");
}

#[test]
fn strict_makes_bad_rows_fatal() {
    let dir = tempdir();
    let r = scrm([
        "score",
        "fixtures/ingest/invalid-answer/inputs",
        "--as-of",
        AS_OF,
        "--strict",
        "--rejects",
        &arg(&dir.path().join("rejects.csv")),
    ]);
    r.expect_code(2);
    assert!(r.stdout.is_empty(), "no results on a fatal input error");
    assert!(
        !dir.path().join("rejects.csv").exists(),
        "strict stops before writing rejects"
    );
    assert_run!("score_strict", r);
}

#[test]
fn missing_inputs() {
    let r = scrm(["score", "does/not/exist.csv", "--as-of", AS_OF]);
    r.expect_code(2);
    assert_run!("score_missing_input", r);
    let r = scrm(["score", DEMO, "--vendors", "nope.csv", "--as-of", AS_OF]);
    r.expect_code(2);
    assert_run!("score_missing_vendors_file", r);
    let r = scrm(["score"]);
    r.expect_code(2);
    assert_run!("score_no_inputs", r);
    let r = scrm(["score", DEMO, "--as-of", "2026-13-01"]);
    r.expect_code(2);
    assert_run!("score_bad_as_of", r);
    assert!(
        !root().join("scrm-rejects.csv").exists(),
        "no stray rejects file in the working directory"
    );
}
