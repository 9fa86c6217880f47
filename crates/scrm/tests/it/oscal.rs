//! `scrm score --format oscal-ar|oscal-poam`: valid under NIST's OSCAL 1.1.2 and 1.2.1 schemas
//! on the whole demo portfolio, agreeing with the JSON results vendor by vendor, the same at
//! any thread count, and snapshotted whole on a small portfolio.

use crate::common::{AS_OF, arg, demo_score, demo_subset, root, scrm, tempdir};
use serde_json::Value;
use std::collections::BTreeMap;

/// Every schema error of `doc` under NIST's schema of `model` in both versions.
pub(crate) fn schema_errors(model: &str, doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for v in ["v1.1.2", "v1.2.1"] {
        let path = root().join(format!(
            "crates/scrm-oscal/schemas/{v}/oscal_{model}_schema.json"
        ));
        let schema: Value =
            serde_json::from_slice(&std::fs::read(&path).expect("schema")).expect("schema JSON");
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles");
        out.extend(
            validator
                .iter_errors(doc)
                .take(10)
                .map(|e| format!("{v} {}: {e}", e.instance_path())),
        );
    }
    out
}

/// `scrm score DIR --as-of AS_OF --format FORMAT`.
fn score_dir(dir: &std::path::Path, format: &str) -> crate::common::Run {
    scrm(["score", &arg(dir), "--as-of", AS_OF, "--format", format])
}

/// A property's value by name.
fn prop<'v>(obj: &'v Value, name: &str) -> Option<&'v str> {
    obj["props"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["value"].as_str())
}

#[test]
fn demo_documents_are_valid_and_agree_with_the_results() {
    let json = scrm(demo_score(&["--format", "json"]));
    json.expect_code(1);
    let vendors = json.json()["vendors"].as_array().cloned().expect("vendors");
    let status: BTreeMap<String, String> = vendors
        .iter()
        .map(|v| {
            (
                v["vendor_id"].as_str().expect("id").to_string(),
                v["status"].as_str().expect("status").to_string(),
            )
        })
        .collect();
    let to_resolve: usize = vendors
        .iter()
        .flat_map(|v| v["findings"].as_array().cloned().unwrap_or_default())
        .filter(|f| f["severity"] != "info")
        .count();

    let ar = scrm(demo_score(&["--format", "oscal-ar"]));
    ar.expect_code(1);
    let ar = ar.json();
    assert_eq!(
        schema_errors("assessment-results", &ar),
        Vec::<String>::new()
    );
    let results = ar["assessment-results"]["results"]
        .as_array()
        .expect("results");
    let got: BTreeMap<String, String> = results
        .iter()
        .map(|r| {
            (
                prop(r, "vendor-id").expect("vendor-id").to_string(),
                prop(r, "status").expect("status").to_string(),
            )
        })
        .collect();
    assert_eq!(got, status, "one result per supplier, with its status");
    let risks = results.iter().filter(|r| r["risks"].is_array()).count();
    let flagged = status
        .values()
        .filter(|s| *s == "at-risk" || *s == "excluded")
        .count();
    assert_eq!(
        (risks, flagged),
        (28, 28),
        "a risk per supplier at risk or excluded"
    );

    let pm = scrm(demo_score(&["--format", "oscal-poam"]));
    pm.expect_code(1);
    let pm = pm.json();
    assert_eq!(schema_errors("poam", &pm), Vec::<String>::new());
    let doc = &pm["plan-of-action-and-milestones"];
    assert_eq!(
        doc["poam-items"].as_array().map(Vec::len),
        Some(to_resolve),
        "an item per warning or denial"
    );
    assert_eq!(doc["risks"].as_array().map(Vec::len), Some(flagged));
    // Every supplier at risk has its plan as a remediation, with a task per answer to improve.
    let with_tasks = doc["risks"]
        .as_array()
        .expect("risks")
        .iter()
        .filter(|r| r["remediations"][0]["tasks"].is_array())
        .count();
    assert_eq!(
        with_tasks,
        flagged - 2,
        "all but the two excluded suppliers"
    );
}

#[test]
fn same_bytes_at_any_thread_count_and_to_a_file() {
    let dir = tempdir();
    for format in ["oscal-ar", "oscal-poam"] {
        let one = scrm(demo_score(&["--format", format, "--threads", "1"]));
        let three = scrm(demo_score(&["--format", format, "--threads", "3"]));
        assert!(one.stdout == three.stdout, "{format}: depends on threads");
        let out = dir.path().join(format!("{format}.json"));
        scrm(demo_score(&["--format", format, "--out", &arg(&out)])).expect_code(1);
        assert!(
            std::fs::read(&out).expect("written") == one.stdout,
            "{format}: --out"
        );
    }
}

#[test]
fn small_portfolio_whole() {
    // Eligible, conditional, at risk, and excluded by a SAM.gov listing.
    let dir = tempdir();
    demo_subset(dir.path(), &["V-0007", "V-0013", "V-0021", "V-0040"], true);
    for (format, name) in [
        ("oscal-ar", "score_oscal_ar"),
        ("oscal-poam", "score_oscal_poam"),
    ] {
        let r = score_dir(dir.path(), format);
        r.expect_code(1);
        assert_run!(name, r);
    }
}

#[test]
fn nothing_to_resolve_is_said_plainly() {
    let dir = tempdir();
    demo_subset(dir.path(), &["V-0013", "V-0026"], false);
    let r = score_dir(dir.path(), "oscal-poam");
    r.expect_code(2);
    assert_run!("score_oscal_poam_nothing", r);
    // The assessment results of the same suppliers are a document all the same.
    let ar = score_dir(dir.path(), "oscal-ar");
    ar.expect_code(0);
    assert_eq!(
        schema_errors("assessment-results", &ar.json()),
        Vec::<String>::new()
    );
}

/// A run that scored no supplier (a header alone here; on a night, every row rejected) writes
/// no OSCAL document: an empty `results` is invalid, and a GRC tool would refuse it.
#[test]
fn no_supplier_no_document() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("answers.csv"),
        "vendor_id,question_id,answer\n",
    )
    .expect("write");
    for (format, name) in [
        ("oscal-ar", "score_oscal_ar_no_supplier"),
        ("oscal-poam", "score_oscal_poam_no_supplier"),
    ] {
        let out = dir.path().join(format!("{format}.json"));
        let r = scrm([
            "score",
            &arg(&dir.path().join("answers.csv")),
            "--as-of",
            AS_OF,
            "--format",
            format,
            "--out",
            &arg(&out),
        ]);
        r.expect_code(2);
        assert!(!out.exists(), "{format}: nothing written");
        assert_run!(name, r);
    }
}

/// Every assessment objective id of an OSCAL catalog document.
fn objectives(doc: &Value, out: &mut std::collections::BTreeSet<String>) {
    match doc {
        Value::Object(m) => {
            if m.get("name").and_then(Value::as_str) == Some("assessment-objective") {
                out.insert(m["id"].as_str().expect("an id").to_string());
            }
            m.values().for_each(|v| objectives(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| objectives(v, out)),
        _ => {}
    }
}

/// Every finding target of an assessment results document.
fn targets(doc: &Value, out: &mut std::collections::BTreeSet<String>) {
    match doc {
        Value::Object(m) => {
            if let Some(t) = m.get("target-id").and_then(Value::as_str) {
                out.insert(t.to_string());
            }
            m.values().for_each(|v| targets(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| targets(v, out)),
        _ => {}
    }
}

#[test]
fn demo_findings_target_the_catalog_export() {
    let cat = scrm(["catalog", "export", "--format", "oscal"]);
    cat.expect_code(0);
    let cat = cat.json();
    assert_eq!(schema_errors("catalog", &cat), Vec::<String>::new());
    let mut objs = std::collections::BTreeSet::new();
    objectives(&cat, &mut objs);
    let mut wanted = std::collections::BTreeSet::new();
    targets(
        &scrm(demo_score(&["--format", "oscal-ar"])).json(),
        &mut wanted,
    );
    assert!(wanted.len() > 20, "{wanted:?}");
    let missing: Vec<&String> = wanted.difference(&objs).collect();
    assert_eq!(missing, Vec::<&String>::new(), "targets with no objective");
    // The catalog covers every question, so a lens filter is refused rather than break that.
    let r = scrm([
        "catalog",
        "export",
        "--format",
        "oscal",
        "--framework",
        "airm",
    ]);
    r.expect_code(2);
    assert_run!("catalog_export_oscal_framework", r);
}

#[test]
fn a_policy_deadline_dates_the_poam() {
    let dir = tempdir();
    let policy = dir.path().join("policy.toml");
    scrm(["policy", "init", "--out", &arg(&policy)]).expect_code(0);
    let text = std::fs::read_to_string(&policy).expect("policy written");
    let text = text.replace(
        "# [remediation]\n# deadline_days = 30",
        "[remediation]\ndeadline_days = 30",
    );
    assert!(
        text.contains("\n[remediation]\ndeadline_days = 30"),
        "the example is in the default policy"
    );
    std::fs::write(&policy, text).expect("policy");
    let r = scrm(demo_score(&[
        "--format",
        "oscal-poam",
        "--policy",
        &arg(&policy),
    ]));
    r.expect_code(1);
    let doc = r.json();
    assert_eq!(schema_errors("poam", &doc), Vec::<String>::new());
    let risks = doc["plan-of-action-and-milestones"]["risks"]
        .as_array()
        .expect("risks");
    assert_eq!(risks.len(), 28);
    // As of 2026-11-02, plus 30 days.
    assert!(
        risks
            .iter()
            .all(|r| r["deadline"] == "2026-12-02T23:59:59Z")
    );
}
