//! `scrm policy`: init, check, diff.

use crate::common::{arg, root, scrm, tempdir};

const DEFAULT: &str = "crates/scrm-policy/policy/default.toml";

/// Five problems, one of each kind: out of range, unknown key, unknown question, bad enum
/// value, bad answer level. `check` must list them all, each with line:column.
const BAD: &str = r#"[policy]
name = "bad policy"
version = "1"

[lenses]
airm = 0.4
aims = 0.4
cscrm = 0.2

[thresholds.high]
combined = 7.0
coverge = 0.8

[[knockout]]
question = "SUP-TRAINING-DAT"
minimum = "yes"
tiers = ["high", "extreme"]
reason = "typo in the question id"

[[knockout]]
question = "GV-6.1"
minimum = "maybe"
tiers = ["critical"]
reason = "not an answer level"
"#;

#[test]
fn init_prints_the_default_policy() {
    let r = scrm(["policy", "init"]);
    r.expect_code(0);
    let file = std::fs::read(root().join(DEFAULT)).expect("default policy");
    assert_eq!(r.stdout, file);
    assert_eq!(r.stderr, "");
}

#[test]
fn init_writes_and_refuses_to_overwrite() {
    let dir = tempdir();
    let out = dir.path().join("policy.toml");
    let r = scrm(["policy", "init", "--out", &arg(&out)]);
    r.expect_code(0);
    assert_eq!(
        std::fs::read(&out).expect("written"),
        std::fs::read(root().join(DEFAULT)).expect("default policy")
    );
    std::fs::write(&out, "# mine\n").expect("overwrite");
    let r = scrm(["policy", "init", "--out", &arg(&out)]);
    r.expect_code(2);
    assert_eq!(std::fs::read_to_string(&out).expect("kept"), "# mine\n");
    assert_run!("policy_init_exists", r);
}

#[test]
fn check_default() {
    let r = scrm(["policy", "check", DEFAULT]);
    r.expect_code(0);
    assert_run!("policy_check_default", r);
    let r = scrm(["policy", "check", DEFAULT, "--format", "json"]);
    r.expect_code(0);
    assert_eq!(r.json()["ok"], true);
}

#[test]
fn check_bad() {
    let dir = tempdir();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, BAD).expect("write policy");
    let r = scrm(["policy", "check", &arg(&file)]);
    r.expect_code(1);
    assert_run!("policy_check_bad", r);
    let r = scrm(["policy", "check", &arg(&file), "--format", "json"]);
    r.expect_code(1);
    let j = r.json();
    assert_eq!(j["ok"], false);
    let located: Vec<String> = j["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| format!("{}:{} {}", p["line"], p["column"], p["key"]))
        .collect();
    assert_eq!(
        located,
        [
            "11:12 \"thresholds.high.combined\"",
            "12:1 \"thresholds.high.coverge\"",
            "15:12 \"knockout[0].question\"",
            "17:18 \"knockout[0].tiers\"",
            "22:11 \"knockout[1].minimum\"",
        ]
    );
    assert_run!("policy_check_bad_json", r);
}

#[test]
fn check_syntax_error_and_missing_file() {
    let dir = tempdir();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, "[policy\nname = 1\n").expect("write policy");
    let r = scrm(["policy", "check", &arg(&file)]);
    r.expect_code(1);
    assert_run!("policy_check_syntax", r);
    let r = scrm(["policy", "check", "no-such-policy.toml"]);
    r.expect_code(2);
    assert_run!("policy_check_missing", r);
}

#[test]
fn diff() {
    let dir = tempdir();
    let file = dir.path().join("stricter.toml");
    let text = std::fs::read_to_string(root().join(DEFAULT)).expect("default policy");
    let stricter = text
        .replacen("max_age_days = 730", "max_age_days = 540", 1)
        .replacen(
            "[thresholds.critical]\ncombined = 3.0",
            "[thresholds.critical]\ncombined = 3.2",
            1,
        );
    assert_ne!(stricter, text, "the edits applied");
    std::fs::write(&file, stricter).expect("write policy");
    let r = scrm(["policy", "diff", "builtin", &arg(&file)]);
    r.expect_code(1);
    assert_run!("policy_diff", r);
    let r = scrm(["policy", "diff", "builtin", &arg(&file), "--format", "json"]);
    r.expect_code(1);
    assert_eq!(r.json().as_array().map(Vec::len), Some(2));
    assert_run!("policy_diff_json", r);
    let r = scrm(["policy", "diff", "builtin", DEFAULT]);
    r.expect_code(0);
    assert_run!("policy_diff_same", r);
}

/// A policy without a `[severity]` section scores as the built-in one does (a code left out
/// takes its default, docs/scoring.md §12), so `diff` reports nothing; one code moved off its
/// default is the one difference.
#[test]
fn diff_compares_severities_in_effect() {
    let dir = tempdir();
    let init = scrm(["policy", "init"]);
    init.expect_code(0);
    let text = init.out();
    let start = text.find("[severity]").expect("a [severity] section");
    let end = start + text[start..].find("\n[").expect("a section after it") + 1;
    let without = format!("{}{}", &text[..start], &text[end..]);
    let file = dir.path().join("no-severity.toml");
    std::fs::write(&file, &without).expect("write policy");
    let r = scrm(["policy", "diff", "builtin", &arg(&file)]);
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    let file2 = dir.path().join("one-severity.toml");
    std::fs::write(
        &file2,
        format!("{without}\n[severity]\nstale-evidence = \"deny\"\n"),
    )
    .expect("write policy");
    let r = scrm(["policy", "diff", &arg(&file), &arg(&file2)]);
    r.expect_code(1);
    assert_eq!(r.out(), "~ severity.stale-evidence: warn -> deny\n");
}
