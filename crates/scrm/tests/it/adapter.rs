//! `scrm adapter` and `--adapter`: foreign questionnaires read through declarative adapters.

use crate::common::{AS_OF, arg, root, scrm, tempdir};

const CAIQ: &str = "fixtures/adapters/caiq";
const BUYER: &str = "fixtures/adapters/buyer-sheet/adapter.toml";
const BUYER_INPUTS: &str = "fixtures/adapters/buyer-sheet/inputs";
const BUILTIN_CAIQ: &str = "crates/scrm-adapter/adapters/csa-caiq-v4.toml";

/// One problem of each kind an adapter file can have: a format this scrm does not read, a name
/// that is not kebab-case, an unknown key, a label given for two columns, no vendor source, a
/// bad pattern, a text with two meanings, a level out of range, an unknown question with a
/// did-you-mean, a question mapped twice, an unknown combine rule. `check` lists them all, each
/// at its line and column.
const BAD: &str = r#"[adapter]
format = "scrm-adapter/9"
name = "My Adapter"
title = "broken on purpose"

[table]
question = ["ID"]
answer = ["Answer", "ID"]
header_whithin = 5

[answers]
yes = ["Yes", "OK"]
no = ["ok"]

[scale]
yes = 7

[[map]]
to = "GV-1.10"
from = ["GOV-*-1"]

[[map]]
to = "GV-6.1"
from = ["GOV-05"]
combine = "average"

[[map]]
to = "govern 6.1"
from = ["GOV-06"]
"#;

#[test]
fn list_and_init() {
    let r = scrm(["adapter", "list"]);
    r.expect_code(0);
    assert_run!("adapter_list", r);
    let r = scrm(["adapter", "init", "csa-caiq-v4"]);
    r.expect_code(0);
    assert_eq!(
        r.stdout,
        std::fs::read(root().join(BUILTIN_CAIQ)).expect("built-in adapter")
    );
    let dir = tempdir();
    let out = dir.path().join("caiq.toml");
    std::fs::write(&out, "# mine\n").expect("write");
    let r = scrm(["adapter", "init", "csa-caiq-v4", "--out", &arg(&out)]);
    r.expect_code(2);
    assert_eq!(std::fs::read_to_string(&out).expect("kept"), "# mine\n");
    let r = scrm(["adapter", "init", "caiq"]);
    r.expect_code(2);
    assert_run!("adapter_init_unknown", r);
}

#[test]
fn check_the_builtin_adapter() {
    let r = scrm(["adapter", "check", "csa-caiq-v4"]);
    r.expect_code(0);
    assert_run!("adapter_check_caiq", r);
}

#[test]
fn check_a_bad_adapter() {
    let dir = tempdir();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, BAD).expect("write adapter");
    let r = scrm(["adapter", "check", &arg(&file)]);
    r.expect_code(1);
    assert_run!("adapter_check_bad", r);
    let r = scrm(["adapter", "check", &arg(&file), "--format", "json"]);
    r.expect_code(1);
    let doc = r.json();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["problems"].as_array().map(Vec::len), Some(11));
    // Scoring with it stops before reading anything.
    let r = scrm(["score", CAIQ, "--adapter", &arg(&file)]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("adapter has 11 problem(s)"),
        "{}",
        r.stderr
    );
}

/// The dry run: what the adapter finds in each file, every answer it derives with where it
/// came from, and every problem; as text, JSON and the long CSV.
#[test]
fn dry_run() {
    let r = scrm(["adapter", "check", BUYER, BUYER_INPUTS]);
    r.expect_code(1);
    assert_run!("adapter_dry_run", r);
    let r = scrm(["adapter", "check", BUYER, BUYER_INPUTS, "--format", "json"]);
    r.expect_code(1);
    assert_run!("adapter_dry_run_json", r);
    let r = scrm(["adapter", "check", BUYER, BUYER_INPUTS, "--format", "csv"]);
    r.expect_code(1);
    assert_run!("adapter_dry_run_csv", r);
    let r = scrm(["adapter", "check", BUYER, "--format", "csv"]);
    r.expect_code(2);
}

/// Scoring through the adapter gives the same results as scoring the long CSV and profile CSV
/// the dry run converts the same files to: the conversion loses nothing scoring reads.
#[test]
fn score_through_the_adapter_equals_scoring_the_conversion() {
    let dir = tempdir();
    let csv = dir.path().join("answers.csv");
    let profiles = dir.path().join("profiles.csv");
    scrm([
        "adapter",
        "check",
        BUYER,
        BUYER_INPUTS,
        "--format",
        "csv",
        "--out",
        &arg(&csv),
        "--profiles",
        &arg(&profiles),
    ])
    .expect_code(1);
    assert_text!(
        "adapter_profiles_csv",
        std::fs::read_to_string(&profiles).expect("profiles")
    );
    let rejects = dir.path().join("rejects.csv");
    let common = ["--as-of", AS_OF, "--format", "csv", "--fail-on", "never"];
    let mut a = vec!["score", BUYER_INPUTS, "--adapter", BUYER, "--rejects"];
    let rj = arg(&rejects);
    a.push(&rj);
    a.extend(common);
    let through = scrm(&a);
    through.expect_code(0);
    let cv = arg(&csv);
    let pv = arg(&profiles);
    let mut b = vec!["score", cv.as_str(), pv.as_str()];
    b.extend(common);
    let converted = scrm(&b);
    converted.expect_code(0);
    assert_eq!(through.out(), converted.out());
    assert_run!("adapter_score_buyer", through);
}

/// The built-in CAIQ adapter through `score`: C-SCRM answered, the AI lenses not, and the
/// adapter recorded in the run's manifest by name and digest.
#[test]
fn score_caiq() {
    let dir = tempdir();
    let rejects = dir.path().join("rejects.csv");
    let r = scrm([
        "score",
        CAIQ,
        "--adapter",
        "csa-caiq-v4",
        "--as-of",
        AS_OF,
        "--rejects",
        &arg(&rejects),
    ]);
    r.expect_code(1);
    assert_run!("adapter_score_caiq", r);
    let r = scrm([
        "score",
        CAIQ,
        "--adapter",
        "csa-caiq-v4",
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--rejects",
        &arg(&rejects),
    ]);
    let doc = r.json();
    let inputs = doc["manifest"]["inputs"].as_array().expect("inputs");
    let kinds: Vec<(&str, &str)> = inputs
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap_or(""),
                i["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("fixtures/adapters/caiq/V-0101.xlsx", "adapted-xlsx"),
            ("fixtures/adapters/caiq/V-0102.csv", "adapted-csv"),
            ("builtin:csa-caiq-v4", "adapter"),
        ]
    );
    let text = std::fs::read(root().join(BUILTIN_CAIQ)).expect("adapter");
    let digest = {
        use sha2::Digest;
        hex_of(&sha2::Sha256::digest(&text))
    };
    assert_eq!(inputs[2]["sha256"], digest.as_str());
    // The rejected rows went to the rejects file, as from any other input.
    let rej = std::fs::read_to_string(&rejects).expect("rejects");
    assert_eq!(rej.lines().count(), 3, "{rej}");
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// `validate --adapter` and its SARIF: problems at their file and row.
#[test]
fn validate_through_the_adapter() {
    let r = scrm([
        "validate",
        BUYER_INPUTS,
        "--adapter",
        BUYER,
        "--format",
        "sarif",
    ]);
    r.expect_code(1);
    let doc = r.json();
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let rules: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        rules,
        [
            "unmapped-question",
            "duplicate-identical",
            "invalid-date",
            "missing-mapped-question",
            "invalid-country"
        ]
    );
}

/// Several adapters in one run: each file through the one that fits, every adapter in the
/// manifest; two adapters of one name refused before anything is read.
#[test]
fn score_with_several_adapters() {
    let dir = tempdir();
    let rejects = dir.path().join("rejects.csv");
    let r = scrm([
        "score",
        CAIQ,
        BUYER_INPUTS,
        "--adapter",
        "csa-caiq-v4",
        "--adapter",
        BUYER,
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--fail-on",
        "never",
        "--rejects",
        &arg(&rejects),
    ]);
    r.expect_code(0);
    let doc = r.json();
    let ids: Vec<&str> = doc["vendors"]
        .as_array()
        .expect("vendors")
        .iter()
        .map(|v| v["vendor_id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["V-0101", "V-0102", "V-0201", "V-0202"]);
    let adapters: Vec<&str> = doc["manifest"]["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter(|i| i["kind"] == "adapter")
        .map(|i| i["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(adapters, ["builtin:csa-caiq-v4", BUYER]);
    let r = scrm([
        "score",
        CAIQ,
        "--adapter",
        "csa-caiq-v4",
        "--adapter",
        BUILTIN_CAIQ,
    ]);
    r.expect_code(2);
    assert_run!("adapter_same_name_twice", r);
}
