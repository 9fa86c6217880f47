//! The same portfolio written as long CSV, wide CSV, JSON, JSON Lines and template workbooks
//! loads as identical vendors, with no problem at all.

mod common;

use scrm_ingest::{IngestOptions, Ingested, ingest, render_human};
use scrm_model::{AnswerValue, SupplierAnswer, SupplierDocument, SupplierProfileDoc, Vendor};
use std::collections::BTreeSet;
use std::path::Path;

fn load(dir: &Path) -> Ingested {
    let cat = common::catalog();
    ingest(
        &[dir.to_path_buf()],
        None,
        None,
        &cat,
        &IngestOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn write_profiles(dir: &Path, p: &[Vendor]) {
    let mut w = csv::Writer::from_path(dir.join("profiles.csv")).unwrap_or_else(|e| panic!("{e}"));
    let keys: Vec<&str> = common::profile_rows(&p[0])
        .iter()
        .map(|(k, _)| *k)
        .collect();
    w.write_record(&keys).unwrap_or_else(|e| panic!("{e}"));
    for v in p {
        let row: Vec<String> = common::profile_rows(v)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        w.write_record(&row).unwrap_or_else(|e| panic!("{e}"));
    }
    w.flush().unwrap_or_else(|e| panic!("{e}"));
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn write_long(dir: &Path, p: &[Vendor]) {
    let mut w = csv::Writer::from_path(dir.join("responses.csv")).unwrap_or_else(|e| panic!("{e}"));
    w.write_record([
        "vendor_id",
        "question_id",
        "answer",
        "evidence",
        "evidence_date",
        "comment",
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    // Rows in an order other than sorted: last vendor first, questions reversed.
    for v in p.iter().rev() {
        for a in v.answers.values().rev() {
            w.write_record([
                v.id().to_string(),
                a.question.to_string(),
                a.value.canonical(),
                opt(&a.evidence),
                a.evidence_date.map(|d| d.to_string()).unwrap_or_default(),
                opt(&a.comment),
            ])
            .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    w.flush().unwrap_or_else(|e| panic!("{e}"));
}

fn write_wide(dir: &Path, p: &[Vendor]) {
    let qs: BTreeSet<String> = p
        .iter()
        .flat_map(|v| v.answers.keys().map(|q| q.to_string()))
        .collect();
    let mut header = vec!["vendor_id".to_string()];
    for q in &qs {
        for suffix in ["", ".evidence", ".evidence_date", ".comment"] {
            header.push(format!("{q}{suffix}"));
        }
    }
    let mut w = csv::Writer::from_path(dir.join("responses.csv")).unwrap_or_else(|e| panic!("{e}"));
    w.write_record(&header).unwrap_or_else(|e| panic!("{e}"));
    for v in p {
        let mut row = vec![v.id().to_string()];
        for q in &qs {
            match v.answers.get(q.as_str()) {
                Some(a) => row.extend([
                    a.value.canonical(),
                    opt(&a.evidence),
                    a.evidence_date.map(|d| d.to_string()).unwrap_or_default(),
                    opt(&a.comment),
                ]),
                None => row.extend([String::new(), String::new(), String::new(), String::new()]),
            }
        }
        w.write_record(&row).unwrap_or_else(|e| panic!("{e}"));
    }
    w.flush().unwrap_or_else(|e| panic!("{e}"));
}

fn document(v: &Vendor) -> SupplierDocument {
    let p = &v.profile;
    SupplierDocument {
        format: Some("scrm-supplier/1".into()),
        vendor: SupplierProfileDoc {
            vendor_id: p.vendor_id.to_string(),
            name: p.name.clone(),
            country: p.country.clone(),
            criticality: p.criticality.map(|x| x.to_string()),
            ai_role: p.ai_role.map(|x| x.to_string()),
            data_access: p.data_access.map(|x| x.to_string()),
            assessed_on: p.assessed_on.map(|x| x.to_string()),
            certifications: p.certifications.clone(),
            extra: p.extra.clone(),
        },
        answers: v
            .answers
            .values()
            .map(|a| SupplierAnswer {
                question_id: a.question.to_string(),
                answer: match a.value {
                    AnswerValue::Unanswered => String::new(),
                    v => v.canonical(),
                },
                evidence: a.evidence.clone(),
                evidence_date: a.evidence_date.map(|d| d.to_string()),
                comment: a.comment.clone(),
            })
            .collect(),
    }
}

fn check(name: &str, ing: &Ingested, want: &[Vendor]) {
    assert!(ing.problems.is_empty(), "{name}:\n{}", render_human(ing));
    assert_eq!(ing.vendors, want, "{name}");
    for f in &ing.files {
        assert_eq!((f.rows_read, f.rejected), (f.accepted, 0), "{name}: {f:?}");
    }
}

#[test]
fn every_format_loads_the_same_vendors() {
    let want = common::portfolio();
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = |n: &str| {
        let d = tmp.path().join(n);
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
        d
    };

    let long = dir("long");
    write_long(&long, &want);
    write_profiles(&long, &want);
    check("long csv", &load(&long), &want);

    let wide = dir("wide");
    write_wide(&wide, &want);
    write_profiles(&wide, &want);
    check("wide csv", &load(&wide), &want);

    let json = dir("json");
    for v in &want {
        let text = serde_json::to_string_pretty(&document(v)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(json.join(format!("{}.json", v.id())), text)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    check("json", &load(&json), &want);

    let jsonl = dir("jsonl");
    let lines: Vec<String> = want
        .iter()
        .map(|v| serde_json::to_string(&document(v)).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    std::fs::write(jsonl.join("all.jsonl"), lines.join("\n") + "\n")
        .unwrap_or_else(|e| panic!("{e}"));
    check("jsonl", &load(&jsonl), &want);

    let xlsx = dir("xlsx");
    let qs = common::all_questions();
    for (i, v) in want.iter().enumerate() {
        let bytes = common::template_workbook(v, i % 2 == 1, &qs);
        std::fs::write(xlsx.join(format!("{}.xlsx", v.id())), bytes)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let ing = load(&xlsx);
    check("xlsx", &ing, &want);
    // Every catalog question is a row in the template, answered or not.
    assert!(ing.files.iter().all(|f| f.rows_read == 1 + qs.len() as u64));
}
