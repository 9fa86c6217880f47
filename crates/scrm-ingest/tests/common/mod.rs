//! Helpers shared by the integration tests: the test catalog, a small portfolio, and writers of
//! workbooks in the template layout `scrm template` produces.
#![allow(dead_code)]

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use scrm_ingest::testutil::TestCatalog;
use scrm_model::{
    AiRole, Answer, AnswerValue, Criticality, DataAccess, QuestionId, Vendor, VendorId,
};
use std::collections::BTreeMap;

pub fn catalog() -> TestCatalog {
    TestCatalog::load()
}

fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn ans(
    q: &str,
    v: AnswerValue,
    ev: Option<&str>,
    date: Option<chrono::NaiveDate>,
    c: Option<&str>,
) -> (QuestionId, Answer) {
    let q = QuestionId::new(q);
    (
        q,
        Answer {
            question: q,
            value: v,
            evidence: ev.map(str::to_string),
            evidence_date: date,
            comment: c.map(str::to_string),
        },
    )
}

/// Three vendors exercising every answer kind, evidence, dates, comments with commas, quotes,
/// newlines and Chinese text, and every profile field.
pub fn portfolio() -> Vec<Vendor> {
    let id = |s: &str| VendorId::new(s).unwrap_or_else(|| panic!("id"));
    let mut a = Vendor::new(id("V001"));
    a.profile.name = Some("Acme AI, Inc.".into());
    a.profile.country = Some("US".into());
    a.profile.criticality = Some(Criticality::High);
    a.profile.ai_role = Some(AiRole::Provider);
    a.profile.data_access = Some(DataAccess::Confidential);
    a.profile.assessed_on = Some(d(2025, 1, 20));
    a.profile.certifications = vec!["ISO/IEC 42001".into(), "SOC 2".into()];
    a.answers = BTreeMap::from([
        ans(
            "GV-1.1",
            AnswerValue::Maturity(3),
            Some("policy v2.pdf"),
            Some(d(2025, 1, 15)),
            Some("approved, \"final\""),
        ),
        ans(
            "SUP-AIBOM",
            AnswerValue::Partial,
            None,
            None,
            Some("models listed\ndatasets pending"),
        ),
        ans(
            "SUP-GENAI-RISK",
            AnswerValue::NotApplicable,
            None,
            None,
            None,
        ),
        ans(
            "MS-2.7",
            AnswerValue::Unanswered,
            Some("will send"),
            None,
            None,
        ),
        ans("AIMS-A.10.3", AnswerValue::Maturity(0), None, None, None),
    ]);
    let mut b = Vendor::new(id("V002"));
    b.profile.name = Some("Beta 科技股份有限公司".into());
    b.profile.country = Some("TW".into());
    b.profile.criticality = Some(Criticality::Moderate);
    b.profile.ai_role = Some(AiRole::Deployer);
    b.profile.data_access = Some(DataAccess::Internal);
    b.profile.assessed_on = Some(d(2025, 2, 3));
    b.answers = BTreeMap::from([
        ans(
            "GV-1.1",
            AnswerValue::Maturity(5),
            None,
            None,
            Some("總公司核准"),
        ),
        ans(
            "SUP-AIBOM",
            AnswerValue::Yes,
            Some("https://example.invalid/aibom.json"),
            Some(d(2024, 12, 31)),
            None,
        ),
        ans("SUP-INCIDENT-NOTIFY", AnswerValue::No, None, None, None),
        ans("GV.SC-01", AnswerValue::Maturity(2), None, None, None),
    ]);
    let mut c = Vendor::new(id("V003"));
    c.profile.name = Some("Gamma".into());
    c.profile.criticality = Some(Criticality::Low);
    c.profile.ai_role = Some(AiRole::None);
    c.answers = BTreeMap::from([ans("MG-3.1", AnswerValue::Maturity(1), None, None, None)]);
    vec![a, b, c]
}

/// A profile value as the template writes it.
pub fn profile_rows(v: &Vendor) -> Vec<(&'static str, String)> {
    let p = &v.profile;
    vec![
        ("vendor_id", p.vendor_id.to_string()),
        ("name", p.name.clone().unwrap_or_default()),
        ("country", p.country.clone().unwrap_or_default()),
        (
            "criticality",
            p.criticality
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
        ),
        (
            "ai_role",
            p.ai_role
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
        ),
        (
            "data_access",
            p.data_access
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
        ),
        (
            "assessed_on",
            p.assessed_on.map(|x| x.to_string()).unwrap_or_default(),
        ),
        ("certifications", p.certifications.join(";")),
    ]
}

fn date_cell(ws: &mut Worksheet, r: u32, c: u16, date: chrono::NaiveDate, fmt: &Format) {
    use chrono::Datelike;
    let dt = ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
        .unwrap_or_else(|e| panic!("{e}"));
    ws.write_datetime_with_format(r, c, &dt, fmt)
        .unwrap_or_else(|e| panic!("{e}"));
}

/// One supplier's workbook in the template layout: `Instructions`, `Profile`, `Questionnaire`
/// sheets (localized names and labels when `zh`), maturity answers as number cells, dates as
/// date cells, yes/partial/no/na in Chinese when `zh`, and every catalog question listed (the
/// unanswered ones blank).
pub fn template_workbook(v: &Vendor, zh: bool, all_questions: &[&str]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let fmt = Format::new().set_num_format("yyyy-mm-dd");
    let name = |en: &str, local: &str| {
        if zh {
            format!("{en} {local}")
        } else {
            en.to_string()
        }
    };
    let label = |local: &str, key: &str| {
        if zh {
            format!("{local} ({key})")
        } else {
            key.to_string()
        }
    };
    let ws = wb.add_worksheet();
    ws.set_name(name("Instructions", "說明"))
        .unwrap_or_else(|e| panic!("{e}"));
    ws.write_string(0, 0, "Fill in the Profile and Questionnaire sheets.")
        .unwrap_or_else(|e| panic!("{e}"));

    let ws = wb.add_worksheet();
    ws.set_name(name("Profile", "基本資料"))
        .unwrap_or_else(|e| panic!("{e}"));
    for (c, (local, key)) in [
        ("欄位", "field"),
        ("標籤", "label"),
        ("值", "value"),
        ("說明", "help"),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, label(local, key))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for (r, (key, value)) in profile_rows(v).into_iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, key).unwrap_or_else(|e| panic!("{e}"));
        ws.write_string(r, 1, format!("label of {key}"))
            .unwrap_or_else(|e| panic!("{e}"));
        if key == "assessed_on"
            && let Some(d) = v.profile.assessed_on
        {
            date_cell(ws, r, 2, d, &fmt);
        } else if !value.is_empty() {
            ws.write_string(r, 2, value)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name(name("Questionnaire", "問卷"))
        .unwrap_or_else(|e| panic!("{e}"));
    let heads = [
        ("題號", "question_id"),
        ("主題", "topic"),
        ("問題", "question"),
        ("指引", "guidance"),
        ("題型", "answer_kind"),
        ("回答", "answer"),
        ("證據", "evidence"),
        ("證據日期", "evidence_date"),
        ("備註", "comment"),
    ];
    for (c, (local, key)) in heads.iter().enumerate() {
        ws.write_string(0, c as u16, label(local, key))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for (r, q) in all_questions.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *q).unwrap_or_else(|e| panic!("{e}"));
        ws.write_string(r, 1, "topic")
            .unwrap_or_else(|e| panic!("{e}"));
        ws.write_string(r, 2, format!("question text for {q}"))
            .unwrap_or_else(|e| panic!("{e}"));
        let Some(a) = v.answers.get(*q) else { continue };
        match a.value {
            AnswerValue::Maturity(n) => {
                ws.write_number(r, 5, f64::from(n))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            AnswerValue::Unanswered => {}
            other => {
                let text = match (zh, other) {
                    (true, AnswerValue::Yes) => "是".to_string(),
                    (true, AnswerValue::Partial) => "部分".to_string(),
                    (true, AnswerValue::No) => "否".to_string(),
                    (true, AnswerValue::NotApplicable) => "不適用".to_string(),
                    (_, o) => o.canonical(),
                };
                ws.write_string(r, 5, text)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        if let Some(e) = &a.evidence {
            ws.write_string(r, 6, e).unwrap_or_else(|e| panic!("{e}"));
        }
        if let Some(d) = a.evidence_date {
            date_cell(ws, r, 7, d, &fmt);
        }
        if let Some(c) = &a.comment {
            ws.write_string(r, 8, c).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    wb.save_to_buffer().unwrap_or_else(|e| panic!("{e}"))
}

/// A workbook whose sheets are plain tables: a long sheet, a wide sheet, a profile sheet; with
/// `problems`, also an unknown question id and a notes sheet that is neither (skipped).
pub fn tables_workbook(problems: bool) -> Vec<u8> {
    let mut wb = Workbook::new();
    let put = |ws: &mut Worksheet, rows: &[&[&str]]| {
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                match cell.parse::<f64>() {
                    Ok(n) => ws.write_number(r as u32, c as u16, n),
                    Err(_) => ws.write_string(r as u32, c as u16, *cell),
                }
                .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    };
    let ws = wb.add_worksheet();
    ws.set_name("Long answers")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut long: Vec<&[&str]> = vec![
        &["Vendor ID", "Question ID", "Answer", "Evidence"],
        &["V500", "GV-1.1", "3", "policy.pdf"],
        &["V500", "SUP-AIBOM", "Partial", ""],
    ];
    if problems {
        long.extend([&["", "", "", ""][..], &["V501", "GV-1.9", "2", ""][..]]);
    }
    put(ws, &long);
    let ws = wb.add_worksheet();
    ws.set_name("Wide").unwrap_or_else(|e| panic!("{e}"));
    put(
        ws,
        &[
            &["vendor_id", "GV-6.1", "GV-6.1.evidence", "MS-2.7"],
            &["1001", "4", "sla.pdf", "2"],
        ],
    );
    let ws = wb.add_worksheet();
    ws.set_name("Vendors").unwrap_or_else(|e| panic!("{e}"));
    put(
        ws,
        &[
            &["vendor_id", "name", "country", "criticality"],
            &["V500", "Five Hundred", "DE", "critical"],
            &["1001", "Numeric Id Ltd", "SG", "medium"],
        ],
    );
    if problems {
        let ws = wb.add_worksheet();
        ws.set_name("Notes").unwrap_or_else(|e| panic!("{e}"));
        put(ws, &[&["reviewed by", "alice"]]);
    }
    wb.save_to_buffer().unwrap_or_else(|e| panic!("{e}"))
}

/// Every question id of the test catalog, in catalog order.
pub fn all_questions() -> Vec<&'static str> {
    vec![
        "GV-1.1",
        "GV-6.1",
        "MP-4.1",
        "MS-2.7",
        "MG-3.1",
        "AIMS-5.2",
        "AIMS-A.10.3",
        "AIMS-9.2.1",
        "GV.SC-01",
        "SUP-AIBOM",
        "SUP-INCIDENT-NOTIFY",
        "SUP-GENAI-RISK",
    ]
}
