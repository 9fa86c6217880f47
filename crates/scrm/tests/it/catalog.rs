//! `scrm catalog`: list, show, export, crosswalk.

use crate::common::scrm;

#[test]
fn list() {
    let r = scrm(["catalog", "list"]);
    r.expect_code(0);
    assert_eq!(r.out().lines().count(), 161, "title + 160 questions");
    assert_run!("catalog_list", r);
}

#[test]
fn list_cscrm_zh_tw() {
    let r = scrm(["catalog", "list", "--framework", "cscrm", "--lang", "zh-TW"]);
    r.expect_code(0);
    assert!(r.out().contains("供應鏈風險管理計畫"));
    assert_run!("catalog_list_cscrm_zh", r);
}

#[test]
fn show_by_airm_name() {
    // "GOVERN 6.1" is the AI RMF's own spelling of GV-6.1.
    let r = scrm(["catalog", "show", "GOVERN 6.1"]);
    r.expect_code(0);
    assert!(r.out().starts_with("GV-6.1  "));
    assert_run!("catalog_show_govern_6_1", r);
}

/// In Chinese, the labels are the ones `catalog export --lang zh-TW` uses, not English.
#[test]
fn show_in_chinese() {
    let r = scrm(["catalog", "show", "SUP-AIBOM", "--lang", "zh-TW"]);
    r.expect_code(0);
    for english in [
        "Evidence:",
        "answer:",
        "weight:",
        "roles:",
        "governance:",
        "crosswalk:",
    ] {
        assert!(!r.out().contains(english), "{english} left in English");
    }
    assert_run!("catalog_show_sup_aibom_zh_tw", r);
}

#[test]
fn show_iso_control_json() {
    let r = scrm(["catalog", "show", "A.10.3", "--format", "json"]);
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["id"], "AIMS-A.10.3");
    assert_eq!(j["refs"]["aims"][0], "A.10.3");
    assert_run!("catalog_show_a_10_3_json", r);
}

#[test]
fn show_unknown() {
    let r = scrm(["catalog", "show", "GV-9.9"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty());
    assert_run!("catalog_show_unknown", r);
    let r = scrm(["catalog", "show", "GV-6.9"]);
    r.expect_code(2);
    assert!(r.stderr.contains("did you mean `GV-6.1`?"), "{}", r.stderr);
    assert_run!("catalog_show_near_miss", r);
}

#[test]
fn export_csv_aims() {
    let r = scrm([
        "catalog",
        "export",
        "--format",
        "csv",
        "--framework",
        "aims",
    ]);
    r.expect_code(0);
    let text = r.out();
    let mut rdr = csv_rows(&text);
    let header = rdr.remove(0);
    assert_eq!(header[0], "id");
    // 67 ISO/IEC 42001 items of our own (29 clause requirements + 38 Annex A controls), plus the
    // supplier questions that also count toward the AIMS lens.
    let own = rdr.iter().filter(|r| r[0].starts_with("AIMS-")).count();
    assert_eq!(own, 67);
    let shared: Vec<&str> = rdr
        .iter()
        .filter(|r| !r[0].starts_with("AIMS-"))
        .map(|r| r[0].as_str())
        .collect();
    assert_text!("catalog_export_aims_shared", shared.join("\n"));
    assert_eq!(rdr.len(), 67 + shared.len());
    // Every row belongs to the AIMS lens.
    let lenses_col = header.iter().position(|h| h == "lenses").expect("lenses");
    assert!(rdr.iter().all(|r| r[lenses_col].contains("aims")));
}

/// A minimal CSV reader (quoted fields, doubled quotes, newlines in quotes) for the export.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[test]
fn export_formats() {
    let md = scrm(["catalog", "export"]);
    md.expect_code(0);
    assert!(md.out().starts_with("# scrm-ai-scrm "));
    let json = scrm(["catalog", "export", "--format", "json"]);
    json.expect_code(0);
    let _ = json.json();
    let all = scrm(["catalog", "export", "--format", "csv"]);
    assert_eq!(csv_rows(&all.out()).len(), 161, "header + 160 questions");
}

#[test]
fn crosswalk() {
    let r = scrm(["catalog", "crosswalk"]);
    r.expect_code(0);
    let head: String = r.out().lines().take(12).map(|l| format!("{l}\n")).collect();
    assert_text!("catalog_crosswalk_head", head);
    let csv = scrm(["catalog", "crosswalk", "--format", "csv"]);
    csv.expect_code(0);
    let rows = csv_rows(&csv.out());
    assert_eq!(
        rows.len(),
        r.out().lines().count() - 1,
        "CSV rows = text rows (the text has a title rule line)"
    );
}
