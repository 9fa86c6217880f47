//! `scrm validate --format sarif`: valid under OASIS's SARIF 2.1.0 schema, each problem at its
//! file and line, supplier text inert; snapshotted whole on input-problem scenarios.

use crate::common::{root, scrm};
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
