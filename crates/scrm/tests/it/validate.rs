//! `scrm validate`: the clean demo, and located problems in bad inputs.

use crate::common::{DEMO, arg, scrm, tempdir};

#[test]
fn demo_is_clean() {
    let r = scrm(["validate", DEMO]);
    r.expect_code(0);
    assert_run!("validate_demo", r);
    let r = scrm(["validate", DEMO, "--format", "json"]);
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["errors"], 0);
    assert_eq!(j["warnings"], 0);
    assert_eq!(j["counts"]["vendors"], 50);
    assert_eq!(j["problems"].as_array().map(Vec::len), Some(0));
    assert_eq!(j["rejects"].as_array().map(Vec::len), Some(0));
    assert_run!("validate_demo_json", r);
}

#[test]
fn invalid_answers() {
    let input = "fixtures/ingest/invalid-answer/inputs";
    let r = scrm(["validate", input]);
    r.expect_code(1);
    assert_run!("validate_invalid_answer", r);
    let r = scrm(["validate", input, "--format", "json"]);
    r.expect_code(1);
    let j = r.json();
    assert_eq!(j["errors"], 3);
    let rows: Vec<u64> = j["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["location"]["row"].as_u64().expect("row"))
        .collect();
    assert_eq!(rows, [2, 3, 4], "every bad row is located");
    assert_run!("validate_invalid_answer_json", r);
}

/// `--lang zh-TW`: the readable report in Chinese, the same exit code, and JSON that does not
/// change with the language; a language scrm does not ship is refused with the ones it does.
#[test]
fn the_report_in_chinese() {
    let input = "fixtures/ingest/invalid-answer/inputs";
    let r = scrm(["validate", input, "--lang", "zh-TW"]);
    r.expect_code(1);
    assert_run!("validate_invalid_answer_zh_tw", r);
    let en = scrm(["validate", input, "--format", "json"]);
    let zh = scrm(["validate", input, "--format", "json", "--lang", "zh-TW"]);
    assert_eq!(en.stdout, zh.stdout);
    let r = scrm(["validate", input, "--lang", "fr"]);
    r.expect_code(2);
    assert!(r.stderr.contains("[\"en\", \"zh-TW\"]"), "{}", r.stderr);
}

#[test]
fn unknown_questions() {
    let input = "fixtures/ingest/unknown-question/inputs";
    let r = scrm(["validate", input]);
    r.expect_code(1);
    assert_run!("validate_unknown_question", r);
    let r = scrm(["validate", input, "--format", "json"]);
    r.expect_code(1);
    assert_eq!(r.json()["errors"], 2);
    assert_run!("validate_unknown_question_json", r);
}

#[test]
fn rejects_only_with_the_flag() {
    let dir = tempdir();
    let rejects = dir.path().join("rejects.csv");
    let r = scrm([
        "validate",
        "fixtures/ingest/invalid-date/inputs",
        "--rejects",
        &arg(&rejects),
    ]);
    r.expect_code(1);
    let text = std::fs::read_to_string(&rejects).expect("rejects written");
    assert_eq!(text.lines().count(), 3, "header + 2 rejected rows:\n{text}");
    assert_run!("validate_invalid_date", r);
}

#[test]
fn missing_path() {
    let r = scrm(["validate", "does/not/exist.csv"]);
    r.expect_code(2);
    assert_run!("validate_missing_input", r);
    let r = scrm(["validate"]);
    r.expect_code(2);
    assert_run!("validate_no_inputs", r);
}

/// A quote that opens a field and is never closed (a supplier's slip) used to take in every
/// row after it as one field, with nothing reported and exit code 0 even with `--strict`. Its
/// row alone is rejected now (`unclosed-quote`, at the row, with the column and the value's
/// start), and the rows after it are read: in the answers, and in a profile table.
#[test]
fn a_quote_never_closed_rejects_its_row_only() {
    let dir = tempdir();
    let answers = dir.path().join("answers.csv");
    std::fs::write(
        &answers,
        "vendor_id,question_id,answer,comment\n\
         V2,GV-1.1,3,\"two\n\
         lines\"\n\
         V2,GV-1.2,4,\"unterminated\n\
         V2,GV-1.3,5,ok\n\
         V2,MP-4.1,2,ok\n",
    )
    .expect("write");
    let profiles = dir.path().join("vendors.csv");
    std::fs::write(
        &profiles,
        "vendor_id,name,country\nV2,\"Acme,TW\nV3,Beta,JP\n",
    )
    .expect("write");
    let rejects = dir.path().join("rejects.csv");
    let r = scrm([
        "validate",
        &arg(&answers),
        &arg(&profiles),
        "--strict",
        "--rejects",
        &arg(&rejects),
    ]);
    r.expect_code(2);
    assert_run!("validate_unclosed_quote", r);
    let text = std::fs::read_to_string(&rejects).expect("rejects written");
    assert_eq!(text.matches(",unclosed-quote,").count(), 2, "{text}");
    assert!(text.contains("V2,GV-1.2,4,unterminated"), "{text}");
    let j = scrm([
        "validate",
        &arg(&answers),
        &arg(&profiles),
        "--format",
        "json",
    ])
    .json();
    let counts: Vec<(u64, u64, u64)> = j["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let n = |k: &str| f[k].as_u64().expect("count");
            (n("rows_read"), n("accepted"), n("rejected"))
        })
        .collect();
    assert_eq!(counts, [(4, 3, 1), (2, 1, 1)]);
}

/// One bad byte in a UTF-8 file of Chinese names (a character cut short) used to make the whole
/// file decode as a legacy encoding, every name garbled and nothing reported. The file stays
/// UTF-8: that row alone is rejected (`encoding`) and every other name reads as written. The
/// same names in a Big5 file are still read as Big5, with a warning that names the guess.
#[test]
fn a_bad_byte_leaves_a_utf8_file_utf8() {
    let dir = tempdir();
    let mut text = String::from("vendor_id,name,country\n");
    for i in 0..20 {
        text.push_str(&format!("E{i},台灣人工智慧科技股份有限公司{i},TW\n"));
    }
    let at = text.find("公司5").expect("row 7");
    let mut bytes = text.clone().into_bytes();
    // `公` is E5 85 AC: its last byte lost.
    bytes.remove(at + 2);
    let utf8 = dir.path().join("profiles.csv");
    std::fs::write(&utf8, &bytes).expect("write");
    let (big5_bytes, _, _) = encoding_rs::BIG5.encode(&text);
    let big5 = dir.path().join("big5.csv");
    std::fs::write(&big5, &big5_bytes).expect("write");
    let r = scrm(["validate", &arg(&utf8), &arg(&big5)]);
    r.expect_code(1);
    assert_run!("validate_bad_byte_in_utf8", r);
    // The rejected row goes to the temporary folder, not the working directory.
    let rejects = dir.path().join("rejects.csv");
    let r = scrm([
        "score",
        &arg(&utf8),
        "--format",
        "csv",
        "--as-of",
        "2026-11-02",
        "--rejects",
        &arg(&rejects),
    ]);
    let out = String::from_utf8_lossy(&r.stdout);
    let mut names: Vec<&str> = out
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    names.sort_unstable();
    let mut want: Vec<String> = (0..20)
        .filter(|&i| i != 5)
        .map(|i| format!("台灣人工智慧科技股份有限公司{i}"))
        .collect();
    want.sort_unstable();
    assert_eq!(names, want);
}

/// An exclusion's optional fields never lift the hard gate: a reference with a byte that is not
/// UTF-8 (in a file the reader keeps as UTF-8) leaves the supplier excluded, with a warning.
#[test]
fn an_unreadable_reference_keeps_the_exclusion() {
    let dir = tempdir();
    let mut ex = b"vendor_id,source,reference,listed_on\n".to_vec();
    for i in 0..10 {
        ex.extend(format!("V10{i},sam,美國聯邦採購排除名單紀錄{i},2024-06-01\n").as_bytes());
    }
    ex.extend(b"V200,sam,\xe7\xb4\x80\xe9\x8c,2024-06-01\n");
    let exclusions = dir.path().join("exclusions.csv");
    std::fs::write(&exclusions, ex).expect("write");
    let answers = dir.path().join("answers.csv");
    std::fs::write(&answers, "vendor_id,question_id,answer\nV200,GV-1.1,5\n").expect("write");
    let v = scrm(["validate", "--exclusions", &arg(&exclusions)]);
    v.expect_code(1);
    assert!(
        v.out().contains("read 11 = accepted 11 + rejected 0")
            && v.out().contains("warning[exclusion-detail-ignored]"),
        "{}",
        v.out()
    );
    let s = scrm([
        "score",
        &arg(&answers),
        "--exclusions",
        &arg(&exclusions),
        "--as-of",
        "2026-11-02",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    s.expect_code(0);
    assert_eq!(s.json()["vendors"][0]["status"], "excluded", "{}", s.out());
}

/// A row whose quote is left open is rejected with that problem however little it holds: in a
/// wide file where it holds no answer, and in an exclusions file where it is a lone quote.
#[test]
fn an_unclosed_quote_in_an_empty_row_is_reported() {
    let dir = tempdir();
    let wide = dir.path().join("wide.csv");
    std::fs::write(
        &wide,
        "vendor_id,GV-1.1,SUP-AIBOM\nV001,3,yes\nV9,\"\nV002,2,no\n",
    )
    .expect("write");
    let r = scrm(["validate", &arg(&wide)]);
    r.expect_code(1);
    assert!(
        r.out().contains("read 5 = accepted 4 + rejected 1")
            && r.out().contains("error[unclosed-quote]"),
        "{}",
        r.out()
    );
    let ex = dir.path().join("exclusions.csv");
    std::fs::write(
        &ex,
        "vendor_id,source,reference,listed_on\nV1,sam,x,\n,\"\nV2,sam,y,\n",
    )
    .expect("write");
    let r = scrm(["validate", "--exclusions", &arg(&ex)]);
    r.expect_code(1);
    assert!(
        r.out().contains("read 3 = accepted 2 + rejected 1")
            && r.out().contains("error[unclosed-quote]"),
        "{}",
        r.out()
    );
}
