//! `scrm validate --format sarif`: valid under OASIS's SARIF 2.1.0 schema, each problem at its
//! file and line, supplier text inert; snapshotted whole on input-problem scenarios.

use crate::common::scrm;
use serde_json::Value;
use std::path::PathBuf;

/// OASIS's SARIF 2.1.0 JSON Schema, as the `serde-sarif` crate (whose types scrm writes SARIF
/// with, generated from it) ships it in cargo's registry.
fn sarif_schema() -> Value {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let src = home.join("registry/src");
    let found = std::fs::read_dir(&src)
        .unwrap_or_else(|e| panic!("{}: {e}", src.display()))
        .filter_map(Result::ok)
        .flat_map(|index| std::fs::read_dir(index.path()).into_iter().flatten())
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("serde-sarif-0.8."))
        })
        .map(|p| p.join("src/schema.json"))
        .find(|p| p.is_file())
        .expect("serde-sarif's schema.json in cargo's registry");
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
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&sarif_schema())
        .expect("schema compiles");
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
