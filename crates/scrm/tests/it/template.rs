//! `scrm template`: the questionnaire suppliers fill in, in every format, and a filled zh-TW
//! workbook read back by `validate` and `score`.

use crate::common::{AS_OF, arg, read_xlsx, scrm, tempdir};
use chrono::NaiveDate;
use scrm_model::{
    AiRole, Answer, AnswerKind, AnswerValue, Criticality, DataAccess, Lang, Vendor, VendorId,
};
use std::collections::BTreeMap;

/// Sheet names, then the first rows of each sheet (first 4 cells).
fn outline(book: &[(String, Vec<Vec<String>>)], rows: usize) -> String {
    let mut s = String::new();
    for (name, r) in book {
        s.push_str(&format!("## {name} ({} rows)\n", r.len()));
        for row in r.iter().take(rows) {
            let cells: Vec<&str> = row.iter().map(|c| c.as_str()).take(4).collect();
            s.push_str(&format!("{}\n", cells.join(" | ")));
        }
    }
    s
}

#[test]
fn xlsx_en() {
    let dir = tempdir();
    let out = dir.path().join("questionnaire.xlsx");
    let r = scrm(["template", "--out", &arg(&out)]);
    r.expect_code(0);
    assert!(r.stdout.is_empty());
    assert_run!("template_xlsx", r);
    let book = read_xlsx(&out);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Instructions", "Profile", "Questionnaire"]);
    let questionnaire = &book[2].1;
    assert_eq!(questionnaire.len(), 161, "header + 160 questions");
    assert_text!("template_xlsx_outline", outline(&book, 4));
}

#[test]
fn xlsx_zh_tw_deployer() {
    let dir = tempdir();
    let out = dir.path().join("問卷.xlsx");
    let r = scrm([
        "template",
        "--lang",
        "zh-TW",
        "--role",
        "deployer",
        "--out",
        &arg(&out),
    ]);
    r.expect_code(0);
    assert_run!("template_xlsx_zh_deployer", r);
    let book = read_xlsx(&out);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Instructions 說明",
            "Profile 基本資料",
            "Questionnaire 問卷"
        ]
    );
    assert_eq!(
        book[2].1.len(),
        140,
        "header + the 139 questions for deployers"
    );
    assert_text!("template_xlsx_zh_deployer_outline", outline(&book, 4));
}

#[test]
fn csv() {
    let r = scrm(["template", "--format", "csv"]);
    r.expect_code(0);
    assert_eq!(r.out().lines().count(), 161);
    assert_run!("template_csv", r);
    // The deployer subset, in the same columns; the language does not change a CSV template.
    let zh = scrm([
        "template", "--format", "csv", "--lang", "zh-TW", "--role", "deployer",
    ]);
    zh.expect_code(0);
    assert_eq!(zh.out().lines().count(), 140);
    assert_eq!(zh.out().lines().next(), r.out().lines().next());
}

#[test]
fn json() {
    let r = scrm(["template", "--format", "json"]);
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["format"], "scrm-supplier/1");
    assert_eq!(j["answers"].as_array().map(Vec::len), Some(160));
    let head: String = r.out().lines().take(24).collect::<Vec<_>>().join("\n");
    assert_text!("template_json_head", head);
}

#[test]
fn xlsx_to_a_terminal_needs_out() {
    // Without --out and with stdout piped, the workbook goes to stdout.
    let r = scrm(["template"]);
    r.expect_code(0);
    assert_eq!(&r.stdout[..2], b"PK", "an XLSX (zip) on stdout");
}

/// A supplier answering every question that applies to it: maturity levels 0-5 in turn,
/// yes/partial/no in turn, and "not applicable" where the catalog allows it now and then.
fn filled_vendor() -> Vendor {
    let catalog = scrm_catalog::Catalog::builtin();
    let mut v = Vendor::new(VendorId::new("V-RT01").expect("id"));
    v.profile.name = Some("往返測試股份有限公司".into());
    v.profile.country = Some("TW".into());
    v.profile.criticality = Some(Criticality::High);
    v.profile.ai_role = Some(AiRole::Integrator);
    v.profile.data_access = Some(DataAccess::Confidential);
    v.profile.assessed_on = NaiveDate::from_ymd_opt(2026, 10, 15);
    v.profile.certifications = vec!["ISO/IEC 27001".into()];
    let date = NaiveDate::from_ymd_opt(2026, 6, 1);
    for (i, q) in catalog
        .questions()
        .iter()
        .filter(|q| q.applies_to(Some(AiRole::Integrator)))
        .enumerate()
    {
        let value = if q.answer.na_allowed && i % 5 == 0 {
            AnswerValue::NotApplicable
        } else {
            match q.answer.kind {
                AnswerKind::Maturity => AnswerValue::Maturity((i % 6) as u8),
                AnswerKind::YesPartialNo => {
                    [AnswerValue::Yes, AnswerValue::Partial, AnswerValue::No][i % 3]
                }
            }
        };
        let mut a = Answer::bare(q.id, value);
        a.evidence = Some(format!("證據-{i:03}.pdf"));
        a.evidence_date = date;
        if i % 7 == 0 {
            a.comment = Some("補償性控制：每季審查".into());
        }
        v.answers.insert(q.id, a);
    }
    v
}

#[test]
fn filled_zh_tw_workbook_round_trip() {
    let catalog = scrm_catalog::Catalog::builtin();
    let vendor = filled_vendor();
    let bytes = scrm_report::write_template_xlsx(
        catalog.questions(),
        Lang::ZhTw,
        None,
        Some(&vendor),
        catalog.version(),
    )
    .expect("template written");
    let dir = tempdir();
    let path = dir.path().join("V-RT01.xlsx");
    std::fs::write(&path, bytes).expect("write workbook");

    // The answers are in zh-TW words in the workbook.
    let book = read_xlsx(&path);
    let answers: Vec<&str> = book[2].1.iter().flatten().map(|c| c.as_str()).collect();
    for word in ["是", "部分", "否", "不適用"] {
        assert!(answers.contains(&word), "{word} not in the workbook");
    }

    let r = scrm(["validate", &arg(&path)]);
    r.expect_code(0);
    assert_run!("template_round_trip_validate", r);
    let r = scrm(["validate", &arg(&path), "--format", "json"]);
    let j = r.json();
    assert_eq!(j["errors"], 0);
    assert_eq!(j["warnings"], 0);
    assert_eq!(j["counts"]["rejected"], 0);

    let r = scrm([
        "score",
        &arg(&path),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    let j = r.json();
    let scored = &j["vendors"][0];
    assert_eq!(j["vendors"].as_array().map(Vec::len), Some(1));
    assert_eq!(scored["vendor_id"], "V-RT01");
    assert_eq!(scored["name"], "往返測試股份有限公司");
    assert_eq!(scored["ai_role"], "integrator");
    assert_eq!(scored["criticality"], "high");
    assert_eq!(
        scored["coverage"], 1.0,
        "every applicable question answered"
    );

    // Every answer came back as written: the explanation lists each scored question's answer.
    let r = scrm([
        "explain",
        "V-RT01",
        &arg(&path),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    r.expect_code(0);
    let j = r.json();
    let mut read_back: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for lens in j["lenses"].as_array().expect("lenses") {
        for c in lens["contributions"].as_array().expect("contributions") {
            read_back.insert(
                c["question"].as_str().expect("question").to_string(),
                c["answer"].clone(),
            );
        }
    }
    let mut checked = 0;
    for (q, a) in &vendor.answers {
        if a.value == AnswerValue::NotApplicable {
            continue;
        }
        let got = read_back
            .get(q.as_str())
            .unwrap_or_else(|| panic!("{q} was not read back"));
        assert_eq!(
            *got,
            serde_json::to_value(a.value).expect("answer json"),
            "{q}"
        );
        checked += 1;
    }
    let na = vendor.answers.len() - checked;
    assert!(
        checked > 100 && na > 0,
        "{checked} checked, {na} not applicable"
    );
    // "Not applicable" is an answer too: every question counts as answered.
    assert_eq!(
        j["result"]["answered"].as_u64(),
        Some(vendor.answers.len() as u64),
        "answered count"
    );
}
