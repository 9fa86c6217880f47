//! Supplier text is untrusted: a formula, markup or a terminal escape in a vendor name, an
//! evidence reference or a comment must stay inert in every output.

use crate::common::{AS_OF, Scrm, arg, scrm, tempdir};
use std::path::Path;
use std::time::Duration;

const FORMULA: &str = "=HYPERLINK(\"http://x\",\"y\")";
const SCRIPT: &str = "<script>alert(1)</script>";
const ESC: &str = "\u{1b}[31mRed Corp\u{1b}[0m";

/// Quotes a CSV field.
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// vendors.csv and a long answers.csv whose names, evidence and comments are hostile.
fn write_inputs(dir: &Path) {
    let vendors = format!(
        "vendor_id,name,country,criticality,ai_role,data_access,assessed_on,certifications\n\
         V-EVIL,{},TW,high,provider,confidential,2026-10-01,\n\
         V-XSS,{},US,low,none,none,2026-10-01,\n\
         V-ESC,{},DE,moderate,deployer,internal,2026-10-01,{}\n",
        q(FORMULA),
        q(SCRIPT),
        q(ESC),
        q("@SUM(1+1)"),
    );
    std::fs::write(dir.join("vendors.csv"), vendors).expect("vendors");
    let mut answers = String::from("vendor_id,question_id,answer,evidence,evidence_date,comment\n");
    let hostile = [FORMULA, SCRIPT, ESC, "+cmd|' /C calc'!A0", "-2+3"];
    for (i, (v, qid, a)) in [
        ("V-EVIL", "GV-6.1", "3"),
        ("V-EVIL", "SUP-INCIDENT-NOTIFY", "yes"),
        ("V-EVIL", "SUP-TRAINING-DATA", "partial"),
        ("V-XSS", "GV.SC-01", "2"),
        ("V-XSS", "GV.SC-02", "4"),
        ("V-ESC", "GV-1.1", "4"),
        ("V-ESC", "MP-1.1", "1"),
    ]
    .iter()
    .enumerate()
    {
        answers.push_str(&format!(
            "{v},{qid},{a},{},2026-09-01,{}\n",
            q(hostile[i % hostile.len()]),
            q(hostile[(i + 1) % hostile.len()])
        ));
    }
    std::fs::write(dir.join("answers.csv"), answers).expect("answers");
}

fn score(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ["score", &arg(&dir.join("answers.csv")), "--vendors"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    v.push(arg(&dir.join("vendors.csv")));
    v.extend(["--as-of", AS_OF].iter().map(|s| s.to_string()));
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[test]
fn inputs_are_accepted_as_text() {
    let dir = tempdir();
    write_inputs(dir.path());
    let r = scrm([
        "validate",
        &arg(&dir.path().join("answers.csv")),
        "--vendors",
        &arg(&dir.path().join("vendors.csv")),
    ]);
    r.expect_code(0);
    assert_run!("hostile_validate", r);
}

#[test]
fn csv_cells_are_neutralized() {
    let dir = tempdir();
    write_inputs(dir.path());
    let r = scrm(score(dir.path(), &["--format", "csv"]));
    r.expect_code(1);
    let text = r.out();
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        "the formula is prefixed with ':\n{text}"
    );
    assert!(!r.stdout.contains(&0x1b), "raw ESC in the CSV:\n{text}");
    assert!(
        text.contains("\\u{1b}[31mRed Corp"),
        "the name is kept, defused"
    );
    for line in text.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with('=') && !cell.starts_with('@') && !cell.starts_with('+'),
                "live formula cell {cell:?} in {line:?}"
            );
        }
    }
    assert_run!("hostile_csv", r);
}

#[test]
fn table_has_no_terminal_escapes() {
    let dir = tempdir();
    write_inputs(dir.path());
    let r = scrm(score(dir.path(), &[]));
    r.expect_code(1);
    assert!(!r.stdout.contains(&0x1b), "raw ESC in the table");
    assert!(
        r.stdout.iter().all(|b| *b >= 0x20 || *b == b'\n'),
        "control bytes in the table"
    );
    assert_run!("hostile_table", r);
}

#[test]
fn html_has_no_live_markup() {
    let dir = tempdir();
    write_inputs(dir.path());
    let out = dir.path().join("portfolio.html");
    let r = scrm(score(
        dir.path(),
        &["--format", "html", "--out", &arg(&out)],
    ));
    r.expect_code(1);
    let html = std::fs::read_to_string(&out).expect("html");
    assert!(
        !html.contains("<script>alert"),
        "live script from supplier text"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)"),
        "the name is shown, escaped"
    );
    assert!(!html.contains('\u{1b}'), "raw ESC in the page");
    // The formula is shown as text (escaped), never turned into a link or a resource.
    assert!(html.contains("=HYPERLINK(&quot;http://x&quot;"));
    for attr in ["href=\"http", "src=\"http", "url(http"] {
        assert!(!html.contains(attr), "{attr} in the page");
    }
}

#[test]
fn json_keeps_the_text_exactly() {
    let dir = tempdir();
    write_inputs(dir.path());
    let r = scrm(score(dir.path(), &["--format", "json"]));
    r.expect_code(1);
    // JSON is data, not a display: the text survives unchanged (escaped by JSON itself).
    assert!(!r.stdout.contains(&0x1b));
    let j = r.json();
    let names: Vec<&str> = j["vendors"]
        .as_array()
        .expect("vendors")
        .iter()
        .map(|v| v["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, [ESC, FORMULA, SCRIPT]);
}

/// A supplier that answers almost nothing must not stall planning (the plan search once ran for
/// minutes on such a questionnaire, stalling `scrm plan` and `scrm score --format xlsx`).
#[test]
fn plan_on_a_near_empty_questionnaire_finishes() {
    let dir = tempdir();
    write_inputs(dir.path());
    let mut args = vec!["plan".to_string(), "V-EVIL".to_string()];
    args.extend(score(dir.path(), &[]).into_iter().skip(1));
    let r = Scrm::new(args).deadline(Duration::from_secs(30)).run();
    r.expect_code(0);
    let out = dir.path().join("portfolio.xlsx");
    let r = Scrm::new(score(
        dir.path(),
        &["--format", "xlsx", "--out", &arg(&out)],
    ))
    .deadline(Duration::from_secs(30))
    .run();
    r.expect_code(1);
}

#[test]
fn oscal_text_is_literal_markup() {
    let dir = tempdir();
    write_inputs(dir.path());
    let r = scrm(score(dir.path(), &["--format", "oscal-ar"]));
    r.expect_code(1);
    assert!(!r.stdout.contains(&0x1b), "raw ESC in the OSCAL JSON");
    let doc = r.json();
    let ar = &doc["assessment-results"];
    let names: Vec<&str> = ar["metadata"]["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    // A party's name is a plain string: kept as it was, control characters made visible.
    assert_eq!(names, ["\\u{1b}[31mRed Corp\\u{1b}[0m", FORMULA, SCRIPT]);
    // Titles are Markdown: what would become a tag, a link or emphasis is escaped.
    let titles: Vec<&str> = ar["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "\\\\u\\{1b\\}\\[31mRed Corp\\\\u\\{1b\\}\\[0m (V-ESC): at-risk",
            "\\=HYPERLINK(\"http://x\",\"y\") (V-EVIL): at-risk",
            "\\<script\\>alert(1)\\</script\\> (V-XSS): at-risk",
        ]
    );
}
