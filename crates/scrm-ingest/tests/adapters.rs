//! Foreign questionnaires read through adapters: the shipped CAIQ adapter on a CAIQ-shaped
//! workbook and CSV export, and a buyer's own multi-sheet workbook, with every kind of problem
//! an adapted file can have.

use rust_xlsxwriter::Workbook;
use scrm_catalog::Catalog;
use scrm_ingest::{IngestOptions, Ingested, ingest, render_human};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const CAIQ_DIR: &str = "../../fixtures/adapters/caiq";
const BUYER_DIR: &str = "../../fixtures/adapters/buyer-sheet";

fn adapter(name_or_path: &str) -> scrm_adapter::Adapter {
    let (name, src) = match scrm_adapter::builtin(name_or_path) {
        Some(src) => (format!("builtin:{name_or_path}"), src.to_string()),
        None => (
            name_or_path.to_string(),
            std::fs::read_to_string(name_or_path).unwrap_or_else(|e| panic!("{name_or_path}: {e}")),
        ),
    };
    scrm_adapter::parse(&name, &src, Catalog::builtin()).unwrap_or_else(|e| panic!("{e}"))
}

fn read(inputs: &[&str], ad: scrm_adapter::Adapter) -> Ingested {
    read_through(inputs, vec![ad])
}

/// Reads `inputs` through the first of `ads` that fits each file.
fn read_through(inputs: &[&str], ads: Vec<scrm_adapter::Adapter>) -> Ingested {
    let opts = IngestOptions {
        adapters: ads.into_iter().map(Arc::new).collect(),
        ..IngestOptions::default()
    };
    let inputs: Vec<PathBuf> = inputs.iter().map(PathBuf::from).collect();
    ingest(&inputs, None, None, Catalog::builtin(), &opts).unwrap_or_else(|e| panic!("{e}"))
}

/// Every vendor's profile and answers, one line each: what the adapter made of the files.
fn answers(ing: &Ingested) -> String {
    let mut s = String::new();
    for v in &ing.vendors {
        let p = &v.profile;
        s.push_str(&format!(
            "{} name={:?} country={:?} ai_role={:?}\n",
            v.id(),
            p.name,
            p.country,
            p.ai_role
        ));
        for a in v.answers.values() {
            s.push_str(&format!(
                "  {} = {} | evidence {:?} | date {:?} | {}\n",
                a.question,
                a.value.canonical(),
                a.evidence,
                a.evidence_date.map(|d| d.to_string()),
                a.comment.as_deref().unwrap_or("")
            ));
        }
    }
    s
}

/// The CAIQ adapter on the CAIQ-shaped workbook and the CSV export: the ten GV.SC answers
/// derived per supplier, the bad answer rejected at its cell, the unmapped and the missing
/// questions reported, the counts whole.
#[test]
fn caiq_workbook_and_csv() {
    let ing = read(&[CAIQ_DIR], adapter("csa-caiq-v4"));
    let c = ing.counts();
    assert_eq!(c.rows_read, c.accepted + c.rejected);
    insta::assert_snapshot!("caiq", format!("{}\n{}", answers(&ing), render_human(&ing)));
}

/// A buyer's own workbook: the vendor id and profile from the cover sheet, two section sheets
/// with title blocks, the adapter's own answer words, evidence and dates, a duplicate row.
#[test]
fn buyer_sheet() {
    let ad = adapter(&format!("{BUYER_DIR}/adapter.toml"));
    let ing = read(&[&format!("{BUYER_DIR}/inputs")], ad);
    let c = ing.counts();
    assert_eq!(c.rows_read, c.accepted + c.rejected);
    insta::assert_snapshot!(
        "buyer_sheet",
        format!("{}\n{}", answers(&ing), render_human(&ing))
    );
}

/// A file the adapter does not fit is refused whole, saying what the adapter looked for; a
/// JSON file is not a sheet.
#[test]
fn files_the_adapter_does_not_fit() {
    let ad = adapter("csa-caiq-v4");
    let ing = read(
        &[
            "../../fixtures/formats/tables.xlsx",
            "../../fixtures/formats/responses-long.csv",
            "../../fixtures/formats/supplier.json",
        ],
        ad,
    );
    assert!(ing.vendors.is_empty());
    insta::assert_snapshot!("misfits", render_human(&ing));
}

/// An adapter reading a vendor column (one table, many suppliers) from a Big5-encoded CSV
/// export with a semicolon delimiter, as Excel writes it in a Traditional Chinese locale: each
/// supplier's answers derived on their own, a row without a vendor rejected, the Chinese
/// comments decoded.
#[test]
fn vendor_column_in_a_legacy_encoded_csv() {
    let ad = scrm_adapter::parse(
        "many.toml",
        r#"
[adapter]
format = "scrm-adapter/1"
name = "portfolio-sheet"
title = "One sheet for many suppliers"

[table]
vendor = ["供應商 (vendor)"]
question = ["題號"]
answer = ["回答"]
comment = ["說明"]

[[map]]
to = "GV-1.1"
from = ["Q1", "Q2"]

[[map]]
to = "SUP-AIBOM"
from = ["Q3"]
combine = "min"
"#,
        Catalog::builtin(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = "供應商 (vendor);題號;回答;說明\r\n\
        V-1;Q1;是;已核准的政策\r\n\
        \r\n\
        V-1;Q2;部分;\r\n\
        V-2;Q1;否;\r\n\
        V-2;Q3;不適用;不提供模型\r\n\
        ;Q1;是;沒有供應商\r\n\
        V-1;Q3;是;\r\n";
    let (bytes, _, bad) = encoding_rs::BIG5.encode(text);
    assert!(!bad);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("portfolio.csv");
    std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let ing = read(&[path.to_str().unwrap_or_default()], ad);
    let c = ing.counts();
    assert_eq!((c.rows_read, c.accepted, c.rejected), (6, 5, 1));
    // The row without a vendor is on line 7: CRLF line ends and a blank line counted.
    assert_eq!(
        ing.problems
            .iter()
            .find(|p| p.code.as_str() == "blank-vendor-id")
            .and_then(|p| p.location.row),
        Some(7)
    );
    let out = answers(&ing) + "\n" + &render_human(&ing);
    let out = out.replace(&dir.path().display().to_string(), "[TMP]");
    insta::assert_snapshot!("vendor_column", out);
}

/// An adapted CSV file is held whole, so what its rows take once read is held to the XLSX
/// size limit, as a workbook's cells are: a file of many empty fields is refused, not read
/// into memory many times its size.
#[test]
fn adapted_csv_is_held_to_the_size_limit() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("V-9.csv");
    let mut text = String::from("Question ID,CSP CAIQ Answer\n");
    for i in 0..400 {
        text.push_str(&format!("STA-07.{i},Yes,,,,,,,,,,,,,,,,,,,,,,,,,,,,,x\n"));
    }
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    let opts = IngestOptions {
        adapters: vec![Arc::new(adapter("csa-caiq-v4"))],
        limits: scrm_ingest::Limits {
            max_xlsx_bytes: 64 * 1024,
            ..scrm_ingest::Limits::default()
        },
        ..IngestOptions::default()
    };
    let ing =
        ingest(&[path], None, None, Catalog::builtin(), &opts).unwrap_or_else(|e| panic!("{e}"));
    assert!(ing.vendors.is_empty());
    let codes: Vec<&str> = ing.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["xlsx-too-large"]);
    assert_eq!(ing.problems[0].location.row, Some(67));
}

/// The same supplier in two files, answering one CAIQ question differently: the first file's
/// derived answers are kept and each later one is reported, while every foreign row stays
/// counted as it was read (derived answers are not rows).
#[test]
fn one_supplier_in_two_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (sub, answer) in [("a", "Yes"), ("b", "No")] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join(sub).join("V-1.csv"),
            format!("Question ID,CSP CAIQ Answer\nSTA-01.1,{answer}\n"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    let ing = read(
        &[dir.path().to_str().unwrap_or_default()],
        adapter("csa-caiq-v4"),
    );
    for f in &ing.files {
        assert_eq!((f.rows_read, f.accepted, f.rejected), (1, 1, 0), "{f:?}");
    }
    assert!(ing.rejects.is_empty());
    let conflicts = ing
        .problems
        .iter()
        .filter(|p| p.code.as_str() == "duplicate-conflict")
        .count();
    // STA-01.* feeds GV.SC-01, -02, -03, -06 and -07.
    assert_eq!(conflicts, 5);
    let v = &ing.vendors[0];
    let kept: Vec<String> = v.answers.values().map(|a| a.value.canonical()).collect();
    assert_eq!(kept, ["3", "3", "3", "3", "3"]);
}

/// A semicolon CSV export whose first line is a title: the delimiter is the one with which the
/// adapter finds its header, not the one the title line suggests.
#[test]
fn delimiter_found_below_a_title() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("V-7.csv");
    std::fs::write(
        &path,
        "Supplier questionnaire, exported 2026-11-30\n\nQuestion ID;CSP CAIQ Answer;Notes\nSTA-07.1;Yes;list, kept quarterly\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ing = read(&[path.to_str().unwrap_or_default()], adapter("csa-caiq-v4"));
    assert_eq!(ing.vendors.len(), 1);
    let a: Vec<(String, String)> = ing.vendors[0]
        .answers
        .values()
        .map(|a| (a.question.to_string(), a.value.canonical()))
        .collect();
    assert_eq!(a, [("GV.SC-04".to_string(), "3".to_string())]);
    assert_eq!(ing.files[0].rows_read, 1);
}

/// A cover sheet that cannot be read (a cell past the column limit) keeps its place: the
/// vendor id is not looked up on the next sheet, so the answers are not filed under whatever
/// that sheet holds at B2; every row is rejected, saying why.
#[test]
fn vendor_cell_on_an_unreadable_sheet() {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("Vendor").unwrap();
    cover.write_string(1, 1, "V-REAL").unwrap();
    cover.write_string(0, 40, "stray").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Governance").unwrap();
    for (r, cells) in [["ID", "Answer"], ["GOV-01", "yes"]].iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("x.xlsx");
    std::fs::write(&path, wb.save_to_buffer().unwrap()).unwrap_or_else(|e| panic!("{e}"));
    let src = std::fs::read_to_string(format!("{BUYER_DIR}/adapter.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
        .replace("sheet = \"Vendor*\"\ncell = \"B2\"", "cell = \"B2\"");
    let ad =
        scrm_adapter::parse("a.toml", &src, Catalog::builtin()).unwrap_or_else(|e| panic!("{e}"));
    let opts = IngestOptions {
        adapters: vec![Arc::new(ad)],
        limits: scrm_ingest::Limits {
            max_columns: 20,
            ..scrm_ingest::Limits::default()
        },
        ..IngestOptions::default()
    };
    let ing =
        ingest(&[path], None, None, Catalog::builtin(), &opts).unwrap_or_else(|e| panic!("{e}"));
    assert!(ing.vendors.is_empty(), "{:?}", ing.vendors);
    let codes: Vec<&str> = ing.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["too-many-columns", "blank-vendor-id"]);
    assert!(
        ing.problems[1]
            .message
            .contains("Vendor!B2, which is on a sheet that cannot be read"),
        "{}",
        ing.problems[1].message
    );
}

/// A folder of several kinds of foreign questionnaire, read with several adapters: each file
/// through the first adapter that finds its table there, and a file none fits refused, saying
/// what each looked for.
#[test]
fn several_adapters() {
    let buyer = adapter(&format!("{BUYER_DIR}/adapter.toml"));
    let ing = read_through(
        &[
            CAIQ_DIR,
            &format!("{BUYER_DIR}/inputs"),
            "../../fixtures/formats/tables.xlsx",
        ],
        vec![adapter("csa-caiq-v4"), buyer],
    );
    let by: Vec<(String, String)> = ing
        .vendors
        .iter()
        .map(|v| {
            let c = v
                .answers
                .values()
                .next()
                .and_then(|a| a.comment.clone())
                .unwrap_or_default();
            (
                v.id().to_string(),
                c.split(':').next().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            ("V-0101".into(), "csa-caiq-v4".into()),
            ("V-0102".into(), "csa-caiq-v4".into()),
            ("V-0201".into(), "acme-ai-vendor-sheet".into()),
            ("V-0202".into(), "acme-ai-vendor-sheet".into()),
        ]
    );
    let refused: Vec<&str> = ing
        .problems
        .iter()
        .filter(|p| p.code.as_str() == "adapter-no-table")
        .map(|p| p.message.as_str())
        .collect();
    insta::assert_snapshot!("several_adapters_refused", refused.join("\n"));
}

/// A workbook holding two questionnaires, read with two adapters: the first that fits reads
/// the file, and the sheet only the other would read is reported, not dropped silently.
#[test]
fn a_sheet_another_adapter_would_read_is_reported() {
    let mut wb = Workbook::new();
    let caiq = wb.add_worksheet();
    caiq.set_name("CAIQv4.0.3").unwrap();
    for (c, h) in ["Question ID", "CSP CAIQ Answer"].iter().enumerate() {
        caiq.write_string(0, c as u16, *h).unwrap();
    }
    caiq.write_string(1, 0, "STA-07.1").unwrap();
    caiq.write_string(1, 1, "Yes").unwrap();
    let gov = wb.add_worksheet();
    gov.set_name("Governance").unwrap();
    for (c, h) in ["ID", "Answer"].iter().enumerate() {
        gov.write_string(0, c as u16, *h).unwrap();
    }
    gov.write_string(1, 0, "GOV-01").unwrap();
    gov.write_string(1, 1, "Implemented").unwrap();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("V-3.xlsx");
    std::fs::write(&path, wb.save_to_buffer().unwrap()).unwrap_or_else(|e| panic!("{e}"));
    let buyer = adapter(&format!("{BUYER_DIR}/adapter.toml"));
    let ing = read_through(
        &[path.to_str().unwrap_or_default()],
        vec![adapter("csa-caiq-v4"), buyer],
    );
    let left: Vec<&str> = ing
        .problems
        .iter()
        .filter(|p| p.code.as_str() == "adapter-sheet-left")
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(
        left,
        [
            "sheet 'Governance' holds a table adapter 'acme-ai-vendor-sheet' reads, but this file is read through adapter 'csa-caiq-v4', the first that fits; the sheet is not read"
        ]
    );
    let ids: Vec<&str> = ing.vendors.iter().map(|v| v.id().as_str()).collect();
    assert_eq!(ids, ["V-3"]);
}

/// Writes the adapter fixtures. Run with
/// `cargo test -p scrm-ingest --test adapters -- --ignored write_adapter_fixtures`.
#[test]
#[ignore = "writes fixtures"]
fn write_adapter_fixtures() {
    write(&format!("{CAIQ_DIR}/V-0101.xlsx"), caiq_workbook());
    write(&format!("{CAIQ_DIR}/V-0102.csv"), caiq_csv().into_bytes());
    write(
        &format!("{BUYER_DIR}/inputs/acme-robotics.xlsx"),
        buyer_workbook(),
    );
    write(
        &format!("{BUYER_DIR}/inputs/globex.xlsx"),
        small_buyer_workbook(),
    );
}

/// A second supplier's sheet: a country the profile does not know (the profile record is
/// rejected, the answers kept), and only the governance section.
fn small_buyer_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("Vendor").unwrap();
    for (r, (k, v)) in [
        ("Field", "Value"),
        ("Vendor ID", "V-0202"),
        ("Legal name", "Globex"),
        ("Country", "Formosa"),
        ("AI role", "deployer"),
    ]
    .iter()
    .enumerate()
    {
        cover.write_string(r as u32, 0, *k).unwrap();
        cover.write_string(r as u32, 1, *v).unwrap();
    }
    let ws = wb.add_worksheet();
    ws.set_name("Governance").unwrap();
    for (c, h) in ["Question ID", "Answer", "Additional information"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (id, a)) in [("GOV-01", "yes"), ("GOV-02", "3"), ("GOV-05", "Planned")]
        .iter()
        .enumerate()
    {
        ws.write_string(1 + r as u32, 0, *id).unwrap();
        ws.write_string(1 + r as u32, 1, *a).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn write(path: &str, bytes: Vec<u8>) {
    let path = Path::new(path);
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

/// CAIQ question ids of the controls the adapter maps, two per control for the supply-chain
/// (STA) ones, with a supplier's answers. CSA's question text is licensed and not reproduced.
const CAIQ_ROWS: &[(&str, &str, &str)] = &[
    ("A&A-01.1", "Yes", "Audit policy reviewed yearly"),
    ("BCR-06.1", "Yes", ""),
    ("BCR-07.1", "Yes", ""),
    ("CCC-05.1", "No", "Change agreements are informal"),
    ("CEK-08.1", "NA", "Customers do not manage keys"),
    ("DSP-02.1", "Yes", ""),
    ("DSP-13.1", "Yes", ""),
    ("DSP-14.1", "No", ""),
    ("DSP-16.1", "Yes", ""),
    ("DSP-18.1", "Yes", ""),
    ("GRC-01.1", "Yes", ""),
    ("GRC-01.2", "Yes", ""),
    ("HRS-05.1", "Yes", ""),
    ("HRS-09.1", "Yes", ""),
    ("HRS-10.1", "No", ""),
    ("HRS-13.1", "Yes", ""),
    ("IAM-07.1", "Yes", ""),
    ("IAM-11.1", "Yes", ""),
    ("IPY-04.1", "No", ""),
    ("SEF-03.1", "Yes", ""),
    ("SEF-04.1", "Yes", "Tabletop exercise twice a year"),
    ("SEF-07.1", "Yes", ""),
    ("STA-01.1", "Yes", "Shared responsibility model published"),
    ("STA-01.2", "Yes", ""),
    ("STA-02.1", "Yes", ""),
    ("STA-03.1", "Yes", ""),
    ("STA-04.1", "Yes", ""),
    ("STA-05.1", "No", ""),
    ("STA-06.1", "Yes", ""),
    (
        "STA-07.1",
        "Yes",
        "Inventory of sub-processors, reviewed quarterly",
    ),
    ("STA-07.2", "Maybe", "We think so"),
    ("STA-08.1", "Yes", ""),
    ("STA-08.2", "No", ""),
    ("STA-09.1", "Yes", ""),
    ("STA-10.1", "", ""),
    ("STA-11.1", "Yes", ""),
    ("STA-12.1", "Yes", ""),
    ("STA-13.1", "No", ""),
    ("STA-14.1", "NA", ""),
    ("TVM-01.1", "Yes", ""),
    ("UEM-14.1", "Yes", ""),
    ("AICM-01.1", "Yes", "a row from another questionnaire"),
];

const CAIQ_HEADER: [&str; 7] = [
    "Question ID",
    "Question",
    "CSP CAIQ Answer",
    "SSRM Control Ownership",
    "CSP Implementation Description\n(Optional/Recommended)",
    "CSC Responsibilities (Optional/Recommended)",
    "CCM Control ID",
];

fn caiq_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let intro = wb.add_worksheet();
    intro.set_name("Introduction").unwrap();
    intro
        .write_string(
            0,
            0,
            "Consensus Assessments Initiative Questionnaire v4.0.3",
        )
        .unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("CAIQv4.0.3").unwrap();
    ws.write_string(
        0,
        0,
        "CAIQ v4.0.3 (layout only; question text not reproduced)",
    )
    .unwrap();
    for (c, h) in CAIQ_HEADER.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (i, (id, answer, note)) in CAIQ_ROWS.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, "(question text)").unwrap();
        if !answer.is_empty() {
            ws.write_string(r, 2, *answer).unwrap();
        }
        ws.write_string(r, 3, "CSP-owned").unwrap();
        if !note.is_empty() {
            ws.write_string(r, 4, *note).unwrap();
        }
        ws.write_string(r, 6, id.split('.').next().unwrap_or(id))
            .unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// The same questionnaire exported as CSV by another supplier: a title line, a blank line, and
/// only its supply-chain (STA) rows, so the other controls the adapter maps are missing. A
/// duplicated row (the same answer again) and a conflicting one.
fn caiq_csv() -> String {
    let mut s = String::from("CAIQ v4.0.3 export,,,\n,,,\n");
    s.push_str("Question ID,Question,CSP CAIQ Answer,CSP Implementation Description (Optional/Recommended)\n");
    for (id, answer, note) in CAIQ_ROWS.iter().filter(|(id, ..)| id.starts_with("STA-")) {
        let answer = if *answer == "Maybe" { "No" } else { answer };
        s.push_str(&format!("{id},(question text),{answer},\"{note}\"\n"));
    }
    s.push_str("STA-01.1,(question text),Yes,\n");
    s.push_str("STA-09.1,(question text),No,changed our mind\n");
    s
}

/// A buyer's own workbook: a cover sheet and two sections.
fn buyer_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("Vendor details").unwrap();
    for (r, (k, v)) in [
        ("Field", "Value"),
        ("Vendor ID", "V-0201"),
        ("Legal name", "Acme Robotics 股份有限公司"),
        ("Country", "tw"),
        ("AI role", "integrator"),
    ]
    .iter()
    .enumerate()
    {
        cover.write_string(r as u32, 0, *k).unwrap();
        cover.write_string(r as u32, 1, *v).unwrap();
    }
    let header = [
        "ID",
        "Question",
        "Response",
        "Notes",
        "Evidence",
        "Evidence date",
    ];
    let sections: [(&str, &[[&str; 6]]); 2] = [
        (
            "Governance",
            &[
                ["INFO-01", "Section 1: AI governance", "", "", "", ""],
                [
                    "GOV-01",
                    "(text)",
                    "Implemented",
                    "Board-approved AI policy",
                    "policy-v3.pdf",
                    "2026-03-01",
                ],
                [
                    "GOV-02",
                    "(text)",
                    "Partially",
                    "",
                    "register.xlsx",
                    "2025-11-15",
                ],
                [
                    "GOV-03",
                    "(text)",
                    "Implemented",
                    "not mapped by the adapter",
                    "",
                    "",
                ],
                ["GOV-05", "(text)", "Implemented", "", "", ""],
                [
                    "GOV-06",
                    "(text)",
                    "In progress",
                    "supplier reviews start Q1",
                    "",
                    "",
                ],
                [
                    "GOV-06",
                    "(text)",
                    "In progress",
                    "the same row twice",
                    "",
                    "",
                ],
            ],
        ),
        (
            "AI Systems",
            &[
                [
                    "AIS-01",
                    "(text)",
                    "Fully implemented",
                    "",
                    "",
                    "2026-13-01",
                ],
                ["AIS-02", "(text)", "Implemented", "", "", ""],
                [
                    "AIS-03",
                    "(text)",
                    "Implemented",
                    "AIBOM in CycloneDX",
                    "aibom.json",
                    "2026-06-30",
                ],
                ["AIS-04", "(text)", "TBD", "", "", ""],
                ["AIS-05.1", "(text)", "Implemented", "", "", ""],
                [
                    "AIS-05.2",
                    "(text)",
                    "Not implemented",
                    "no red team yet",
                    "",
                    "",
                ],
                ["AIS-07", "(text)", "Not relevant", "", "", ""],
            ],
        ),
    ];
    for (name, rows) in sections {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        ws.write_string(0, 0, format!("Acme Corp AI vendor assessment: {name}"))
            .unwrap();
        ws.write_string(1, 0, "Answer every row; add notes where helpful.")
            .unwrap();
        for (c, h) in header.iter().enumerate() {
            ws.write_string(3, c as u16, *h).unwrap();
        }
        for (i, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(4 + i as u32, c as u16, *v).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}
