//! SARIF 2.1.0 logs, valid under OASIS's schema:
//! - `scrm validate --format sarif`: each problem at its file and line, supplier text inert;
//!   snapshotted whole on input-problem scenarios;
//! - `scrm score --format sarif`: each supplier's standing and findings, agreeing with the JSON
//!   results supplier by supplier, the same at any thread count; snapshotted whole on a small
//!   portfolio with an exemption.

use crate::common::{AS_OF, arg, demo_score, demo_subset, root, scrm, tempdir};
use serde_json::Value;
use std::path::PathBuf;

/// OASIS's SARIF 2.1.0 JSON Schema, as the `serde-sarif` crate (whose types scrm writes SARIF
/// with, generated from it) ships it: found where cargo keeps that crate's sources.
fn sarif_schema() -> Value {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(root().join("Cargo.toml"))
        .output()
        .expect("cargo metadata");
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
    let manifest = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif among the packages");
    let found = PathBuf::from(manifest).with_file_name("src/schema.json");
    let text = std::fs::read_to_string(&found).expect("schema");
    // The published schema's `language` pattern has a stray `]` (a regex the format check
    // refuses): it is replaced by what it means. scrm's logs set no `language` anyway.
    let text = text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
    );
    serde_json::from_str(&text).expect("schema JSON")
}

fn schema_errors(doc: &Value) -> Vec<String> {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .build(&sarif_schema())
            .expect("schema compiles")
    });
    validator
        .iter_errors(doc)
        .take(10)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn scenarios_are_valid_sarif_at_their_lines() {
    for (scenario, code) in [
        ("invalid-answer", 1),
        ("control-chars", 1),
        ("xlsx-far-cells", 1),
        ("unreadable-file", 1),
        ("wide", 0),
    ] {
        let dir = format!("fixtures/ingest/{scenario}/inputs");
        let r = scrm(["validate", &dir, "--format", "sarif"]);
        r.expect_code(code);
        let doc = r.json();
        assert_eq!(schema_errors(&doc), Vec::<String>::new(), "{scenario}");
        // The same problems as the JSON report, in the same order, at the same rows.
        let json = scrm(["validate", &dir, "--format", "json"]).json();
        let want: Vec<(Value, Value)> = json["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| (p["code"].clone(), p["location"]["row"].clone()))
            .collect();
        let got: Vec<(Value, Value)> = doc["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| (r["ruleId"].clone(), r["properties"]["row"].clone()))
            .collect();
        assert_eq!(got, want, "{scenario}");
        // No control character of a supplier's file reaches the log.
        assert!(
            !r.out().chars().any(|c| c.is_control() && c != '\n'),
            "{scenario}: a control character"
        );
        if matches!(
            scenario,
            "invalid-answer" | "control-chars" | "xlsx-far-cells"
        ) {
            assert_run!(format!("validate_sarif_{scenario}"), r);
        }
    }
}

#[test]
fn the_schema_check_bites() {
    let r = scrm([
        "validate",
        "fixtures/ingest/invalid-answer/inputs",
        "--format",
        "sarif",
    ]);
    let mut doc = r.json();
    doc["runs"][0]["results"][0]["level"] = "fatal".into();
    doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    doc["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri".into();
    let paths: Vec<String> = schema_errors(&doc)
        .iter()
        .map(|e| e.split(": ").next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "/runs/0/results/0/level",
            "/runs/0/results/1/locations/0/physicalLocation/region/startLine",
            "/runs/0/tool/driver/informationUri",
        ]
    );
}

/// The SARIF level of a finding's severity.
fn level_of(severity: &str) -> &'static str {
    match severity {
        "deny" => "error",
        "warn" => "warning",
        _ => "note",
    }
}

#[test]
fn score_log_is_valid_and_agrees_with_the_results() {
    let json = scrm(demo_score(&["--format", "json"]));
    json.expect_code(1);
    let sarif = scrm(demo_score(&["--format", "sarif"]));
    sarif.expect_code(1);
    let doc = sarif.json();
    assert_eq!(schema_errors(&doc), Vec::<String>::new());
    let results = doc["runs"][0]["results"].as_array().expect("results");

    // Each supplier in the JSON's order: its standing with its numbers, then its findings.
    let mut want = Vec::new();
    for v in json.json()["vendors"].as_array().expect("vendors") {
        let kind = match v["status"].as_str() {
            Some("eligible") => "pass",
            Some("conditional") => "review",
            _ => "fail",
        };
        want.push((
            "supplier-status".to_string(),
            kind.to_string(),
            v["vendor_id"].clone(),
            v["status"].clone(),
            v["combined_score"].clone(),
        ));
        for f in v["findings"].as_array().cloned().unwrap_or_default() {
            want.push((
                f["code"].as_str().expect("code").to_string(),
                level_of(f["severity"].as_str().expect("severity")).to_string(),
                v["vendor_id"].clone(),
                v["status"].clone(),
                Value::Null,
            ));
        }
    }
    let got: Vec<_> = results
        .iter()
        .map(|r| {
            let p = &r["properties"];
            let (what, score) = if r["ruleId"] == "supplier-status" {
                (r["kind"].clone(), p["combinedScore"].clone())
            } else {
                (r["level"].clone(), Value::Null)
            };
            (
                r["ruleId"].as_str().expect("ruleId").to_string(),
                what.as_str().expect("kind or level").to_string(),
                p["supplier"].clone(),
                p["status"].clone(),
                score,
            )
        })
        .collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w);
    }

    // Each result at its supplier, under the rule its index names, with a fingerprint no other
    // result shares.
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let mut prints = std::collections::BTreeSet::new();
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert_eq!(
            r["locations"][0]["logicalLocations"][0]["name"],
            r["properties"]["supplier"]
        );
        let print = r["partialFingerprints"]["scrmSubject/v1"]
            .as_str()
            .expect("fingerprint");
        assert!(prints.insert(print.to_string()), "{print} twice");
    }
    // The run's counts are the JSON summary's.
    let statuses = &doc["runs"][0]["properties"]["statuses"];
    assert_eq!(
        (statuses["at-risk"].as_u64(), statuses["excluded"].as_u64()),
        (Some(26), Some(2))
    );
}

#[test]
fn score_log_same_bytes_at_any_thread_count_and_to_a_file() {
    let one = scrm(demo_score(&["--format", "sarif", "--threads", "1"]));
    let three = scrm(demo_score(&["--format", "sarif", "--threads", "3"]));
    assert!(one.stdout == three.stdout, "depends on threads");
    let dir = tempdir();
    let out = dir.path().join("score.sarif");
    scrm(demo_score(&["--format", "sarif", "--out", &arg(&out)])).expect_code(1);
    assert!(std::fs::read(&out).expect("written") == one.stdout, "--out");
}

#[test]
fn score_log_small_portfolio_whole() {
    // At risk, eligible, excluded by a SAM.gov listing, conditional with its warning exempted
    // (a suppression), and a supplier name with a control character.
    let dir = tempdir();
    demo_subset(dir.path(), &["V-0007", "V-0013", "V-0021", "V-0040"], true);
    let vendors = dir.path().join("vendors.csv");
    let text = std::fs::read_to_string(&vendors).expect("vendors");
    // The first supplier's name, quoted or not, starts with an escape sequence.
    let mut at = text.find("\nV-0007,").expect("V-0007") + "\nV-0007,".len();
    if text[at..].starts_with('"') {
        at += 1;
    }
    let mut text = text;
    text.insert_str(at, "\u{1b}[31m");
    std::fs::write(&vendors, text).expect("write");
    let policy = dir.path().join("policy.toml");
    let init = scrm(["policy", "init"]);
    std::fs::write(
        &policy,
        format!(
            "{}\n[[exemption]]\nvendor = \"V-0040\"\ncode = \"stale-assessment\"\nreason = \
             \"Reassessed on site on 2026-10-20 (ticket PROC-2201)\"\nexpires = 2027-01-31\n",
            init.out()
        ),
    )
    .expect("policy");
    let r = scrm([
        "score",
        &arg(dir.path()),
        "--as-of",
        AS_OF,
        "--policy",
        &arg(&policy),
        "--format",
        "sarif",
    ]);
    r.expect_code(1);
    assert_eq!(schema_errors(&r.json()), Vec::<String>::new());
    assert!(
        !r.out().chars().any(|c| c.is_control() && c != '\n'),
        "a control character"
    );
    assert_run!("score_sarif", r);
}

/// A nightly run that carries suppliers' results from the history (stored as they were, their
/// findings' details reduced to their messages) gives each finding the fingerprint a fresh run
/// gives it: a dashboard sees the same findings, not closed ones and new ones.
#[test]
fn score_log_fingerprints_survive_the_history() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let night = |now: &str| {
        let r = crate::common::Scrm::new(demo_score(&[
            "--format",
            "sarif",
            "--history",
            &arg(&history),
            "-v",
        ]))
        .env("SCRM_NOW", now)
        .run();
        r.expect_code(1);
        r
    };
    let prints = |r: &crate::common::Run| -> Vec<String> {
        r.json()["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|x| x["partialFingerprints"]["scrmSubject/v1"].to_string())
            .collect()
    };
    let fresh = night("2026-11-02T06:00:00Z");
    let carried = night("2026-11-03T06:00:00Z");
    assert!(carried.stderr.contains("reused=50"), "{}", carried.stderr);
    assert_eq!(prints(&carried), prints(&fresh));
}

/// `--baseline`: against its own log every result is unchanged and nothing is absent; against
/// the log of an earlier as-of date, every result of either log is accounted for once (new,
/// unchanged, updated, or absent), the log stays valid, and a log that is not scrm's, or a
/// format other than SARIF, is refused before scoring.
#[test]
fn score_log_against_a_baseline() {
    let dir = tempdir();
    let log = |as_of: &str, baseline: Option<&std::path::Path>, out: &str| {
        let out = dir.path().join(out);
        let mut args = vec![
            "score".to_string(),
            crate::common::DEMO.to_string(),
            "--as-of".into(),
            as_of.into(),
            "--format".into(),
            "sarif".into(),
            "--out".into(),
            arg(&out),
        ];
        if let Some(b) = baseline {
            args.extend(["--baseline".to_string(), arg(b)]);
        }
        scrm(args).expect_code(1);
        let doc: Value = serde_json::from_slice(&std::fs::read(&out).expect("log")).expect("json");
        (out, doc)
    };
    let results = |doc: &Value| {
        doc["runs"][0]["results"]
            .as_array()
            .cloned()
            .expect("results")
    };
    let print = |r: &Value| r["partialFingerprints"]["scrmSubject/v1"].to_string();
    let (a_path, a) = log(AS_OF, None, "a.sarif");
    assert!(results(&a).iter().all(|r| r.get("baselineState").is_none()));

    let (_, same) = log(AS_OF, Some(&a_path), "same.sarif");
    assert!(
        results(&same)
            .iter()
            .all(|r| r["baselineState"] == "unchanged")
    );
    assert_eq!(results(&same).len(), results(&a).len());

    let (later_path, later) = log("2026-11-30", Some(&a_path), "later.sarif");
    assert_eq!(schema_errors(&later), Vec::<String>::new());
    let mut states = std::collections::BTreeMap::new();
    for r in results(&later) {
        *states
            .entry(r["baselineState"].as_str().expect("state").to_string())
            .or_insert(0) += 1;
    }
    assert!(
        ["new", "unchanged", "updated", "absent"]
            .iter()
            .all(|s| states.get(*s).copied().unwrap_or(0) > 0),
        "{states:?}"
    );
    // Every result of the baseline is in the later log once: current, or absent.
    let earlier: std::collections::BTreeSet<String> = results(&a).iter().map(print).collect();
    let carried: Vec<String> = results(&later)
        .iter()
        .filter(|r| r["baselineState"] != "new")
        .map(print)
        .collect();
    assert_eq!(carried.len(), earlier.len());
    assert_eq!(
        carried
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>(),
        earlier
    );
    assert_eq!(
        later["runs"][0]["properties"]["baselineResults"],
        results(&a).len()
    );

    // Nightly, each log is the next one's baseline. The later log's absent results were gone
    // that night: they are not part of it as a baseline. Against it, the same night again is
    // all unchanged with nothing absent, and a result that comes back is new.
    let current = |doc: &Value| {
        results(doc)
            .iter()
            .filter(|r| r["baselineState"] != "absent")
            .map(print)
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (_, again) = log("2026-11-30", Some(&later_path), "again.sarif");
    assert!(
        results(&again)
            .iter()
            .all(|r| r["baselineState"] == "unchanged")
    );
    assert_eq!(
        again["runs"][0]["properties"]["baselineResults"],
        current(&later).len()
    );
    let (_, back) = log(AS_OF, Some(&later_path), "back.sarif");
    let returned: std::collections::BTreeSet<String> = results(&back)
        .iter()
        .filter(|r| r["baselineState"] == "new")
        .map(print)
        .collect();
    let gone: std::collections::BTreeSet<String> = results(&later)
        .iter()
        .filter(|r| r["baselineState"] == "absent")
        .map(print)
        .collect();
    assert!(!gone.is_empty());
    assert!(
        gone.is_subset(&returned),
        "{gone:?} not new in {returned:?}"
    );

    let json = scrm(demo_score(&[
        "--format",
        "json",
        "--baseline",
        &arg(&a_path),
    ]));
    json.expect_code(2);
    assert!(
        json.stderr.contains("it goes with --format sarif"),
        "{}",
        json.stderr
    );
    let foreign = dir.path().join("foreign.sarif");
    std::fs::write(
        &foreign,
        r#"{"runs":[{"results":[{"ruleId":"x","message":{"text":"y"}}]}]}"#,
    )
    .expect("write");
    let refused = scrm(demo_score(&[
        "--format",
        "sarif",
        "--baseline",
        &arg(&foreign),
    ]));
    refused.expect_code(2);
    assert!(
        refused
            .stderr
            .contains("a SARIF log without scrm's fingerprints"),
        "{}",
        refused.stderr
    );
}
