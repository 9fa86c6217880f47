//! The bundled demo portfolio (`fixtures/demo/`): 50 hand-picked fictitious suppliers.
//!
//! Every kind of supplier a buyer meets is there: strong and weak programmes, incomplete and
//! contradictory questionnaires, copy-paste answers, three suppliers failing a knock-out
//! question of the default policy (`SUP-INCIDENT-NOTIFY`, `SUP-TRAINING-DATA`, both), one on
//! the SAM.gov exclusion list and one providing Section 889 covered equipment. Two suppliers
//! type answers the casual way (`Yes`, `N/A`, `L3`), one pasted a spreadsheet formula into a
//! comment, one writes its name in Traditional Chinese. Four suppliers answer through JSON
//! supplier documents (`json/<vendor>.json`, one using question aliases) instead of the CSV.
//! All names are invented; any likeness to a real company is accidental.

use crate::engine::{Archetype, Ctx, Forced, GenVendor, generate_vendor};
use crate::names::{ISO27001, ISO42001, SOC2};
use crate::{GenError, format, io_err};
use chrono::NaiveDate;
use scrm_model::{
    AiRole, Criticality, DataAccess, Question, SupplierAnswer, SupplierDocument, SupplierProfileDoc,
};
use std::path::Path;

/// The date the demo's dates are counted back from.
pub const DEMO_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 2) {
    Some(d) => d,
    None => panic!("2026-11-02 is a date"),
};

/// The demo's seed (answers are drawn like [`crate::generate`]'s, per vendor).
const DEMO_SEED: u64 = 20_261_102;

/// What [`demo`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Suppliers in the portfolio (CSV and JSON).
    pub vendors: u64,
    /// Suppliers in `vendors.csv` and `answers.csv`.
    pub csv_vendors: u64,
    /// Rows of `answers.csv`.
    pub answer_rows: u64,
    /// Rows of `exclusions.csv`.
    pub exclusions: u64,
    /// The JSON documents, relative to the output folder (`json/V-0047.json`, ...).
    pub json_documents: Vec<String>,
}

const TISAX: &str = "TISAX";
const CE_PLUS: &str = "Cyber Essentials Plus";

/// Shorthand for one demo row.
#[allow(clippy::too_many_arguments)]
const fn f(
    name: &'static str,
    country: &'static str,
    criticality: Criticality,
    ai_role: AiRole,
    data_access: DataAccess,
    archetype: Archetype,
    certifications: &'static [&'static str],
) -> Forced {
    Forced {
        name,
        country,
        criticality,
        ai_role,
        data_access,
        archetype,
        certifications,
        knockout_mask: 0,
        casual: false,
        exclusion: None,
        first_comment: None,
    }
}

const fn ko(mut x: Forced, mask: u8) -> Forced {
    x.knockout_mask = mask;
    x
}

const fn casual(mut x: Forced) -> Forced {
    x.casual = true;
    x
}

const fn listed(mut x: Forced, source: &'static str, reference: &'static str) -> Forced {
    x.exclusion = Some((source, reference));
    x
}

const fn comment(mut x: Forced, text: &'static str) -> Forced {
    x.first_comment = Some(text);
    x
}

use AiRole::{Deployer as Dep, Integrator as Int, None as NoAi, Provider as Prov};
use Archetype::{
    Average as Avg, Contradictory as Contra, Excluded as Excl, Incomplete as Incompl,
    KnockoutFail as Ko, Strong, Uniform as Unif, Weak,
};
use Criticality::{Critical as Crit, High, Low, Moderate as Mod};
use DataAccess::{Confidential as Conf, Internal as Intl, None as NoData, Regulated as Reg};

/// The 50 demo suppliers, `V-0001` to `V-0050`; the last [`JSON_VENDORS`] answer in JSON.
const DEMO: [Forced; 50] = [
    f(
        "Formosa Vision AI Co., Ltd.",
        "TW",
        High,
        Prov,
        Conf,
        Strong,
        &[ISO27001, ISO42001],
    ),
    f(
        "Keelung Sensor Works",
        "TW",
        Mod,
        Int,
        Intl,
        Avg,
        &[ISO27001],
    ),
    f(
        "Northwind Analytics LLC",
        "US",
        High,
        Int,
        Conf,
        Avg,
        &[SOC2],
    ),
    f(
        "Hsinchu Edge Compute Ltd.",
        "TW",
        Crit,
        Prov,
        Reg,
        Strong,
        &[ISO27001, ISO42001, SOC2],
    ),
    f(
        "Tainan Precision Robotics Co., Ltd.",
        "TW",
        High,
        Dep,
        Intl,
        Weak,
        &[],
    ),
    f(
        "Kaohsiung Harbor Logistics Corp.",
        "TW",
        Mod,
        Dep,
        Intl,
        Avg,
        &[],
    ),
    f(
        "Sakura Vision Systems K.K.",
        "JP",
        High,
        Prov,
        Conf,
        Strong,
        &[ISO27001],
    ),
    f(
        "Osaka Microfab Co., Ltd.",
        "JP",
        Mod,
        NoAi,
        Intl,
        Avg,
        &[ISO27001],
    ),
    f(
        "Rheinwerk Industrial Data GmbH",
        "DE",
        High,
        Int,
        Conf,
        Avg,
        &[ISO27001, TISAX],
    ),
    ko(
        f(
            "Hanbit Semiconductor Co., Ltd.",
            "KR",
            Crit,
            Int,
            Reg,
            Ko,
            &[ISO27001],
        ),
        1,
    ),
    f("Saigon Smart Factory JSC", "VN", Mod, Dep, Intl, Weak, &[]),
    f(
        "Bangalore Cognitive Labs Pvt. Ltd.",
        "IN",
        High,
        Prov,
        Conf,
        Contra,
        &[ISO42001],
    ),
    f(
        "Lion City Data Pte. Ltd.",
        "SG",
        Mod,
        Int,
        Conf,
        Strong,
        &[ISO27001, SOC2],
    ),
    f(
        "Penang Circuit Assembly Sdn. Bhd.",
        "MY",
        Low,
        NoAi,
        NoData,
        Avg,
        &[],
    ),
    f(
        "Thames Risk Intelligence Ltd",
        "GB",
        High,
        Prov,
        Reg,
        Avg,
        &[ISO27001, CE_PLUS],
    ),
    f(
        "Lumière Vision SAS",
        "FR",
        Mod,
        Prov,
        Conf,
        Avg,
        &[ISO27001],
    ),
    f(
        "Negev Secure Models Ltd.",
        "IL",
        Crit,
        Prov,
        Reg,
        Strong,
        &[ISO27001, ISO42001],
    ),
    f(
        "Taoyuan Optical Inspection Co., Ltd.",
        "TW",
        High,
        Dep,
        Conf,
        Incompl,
        &[],
    ),
    ko(
        f(
            "Pacific Crest Cloud Inc.",
            "US",
            Crit,
            Prov,
            Reg,
            Ko,
            &[SOC2],
        ),
        2,
    ),
    f(
        "台灣智慧感測股份有限公司",
        "TW",
        Mod,
        Int,
        Intl,
        Avg,
        &[ISO27001],
    ),
    listed(
        f(
            "Ironbridge Federal Solutions LLC",
            "US",
            Mod,
            Dep,
            Intl,
            Excl,
            &[],
        ),
        "sam",
        "SAM.gov exclusion record EX-2026-0415 (fictitious)",
    ),
    listed(
        f(
            "Crestline Camera Distribution Inc.",
            "US",
            High,
            Int,
            Conf,
            Excl,
            &[],
        ),
        "sec889",
        "FAR 52.204-25: covered video surveillance equipment (fictitious)",
    ),
    comment(
        casual(f(
            "Changhua Machine Learning Works",
            "TW",
            Mod,
            Prov,
            Intl,
            Weak,
            &[],
        )),
        "=HYPERLINK(\"https://example.invalid/evidence\",\"see evidence\")",
    ),
    f(
        "Busan Maritime AI Co., Ltd.",
        "KR",
        High,
        Dep,
        Conf,
        Avg,
        &[],
    ),
    f(
        "Yokohama Data Annotation K.K.",
        "JP",
        High,
        Prov,
        Conf,
        Avg,
        &[ISO27001],
    ),
    f(
        "Munich Predictive Maintenance AG",
        "DE",
        Mod,
        Int,
        Intl,
        Strong,
        &[ISO27001],
    ),
    f(
        "Hanoi Vision Labs Co., Ltd.",
        "VN",
        Mod,
        Prov,
        Intl,
        Incompl,
        &[],
    ),
    f(
        "Pune Speech Analytics Pvt. Ltd.",
        "IN",
        Mod,
        Prov,
        Conf,
        Unif,
        &[ISO27001],
    ),
    f(
        "Marina Bay Fintech AI Pte. Ltd.",
        "SG",
        Crit,
        Prov,
        Reg,
        Strong,
        &[ISO27001, ISO42001, SOC2],
    ),
    f(
        "Johor Electronics Test Sdn. Bhd.",
        "MY",
        Mod,
        NoAi,
        Intl,
        Weak,
        &[],
    ),
    f(
        "Cambridge Assurance Models Ltd",
        "GB",
        High,
        Int,
        Reg,
        Contra,
        &[ISO27001, ISO42001],
    ),
    f("Lyon Industrial Vision SA", "FR", Mod, Dep, Intl, Avg, &[]),
    f(
        "Haifa Chip Design Ltd.",
        "IL",
        High,
        Int,
        Conf,
        Avg,
        &[ISO27001],
    ),
    ko(
        f(
            "Taichung Smart Tooling Co., Ltd.",
            "TW",
            High,
            Int,
            Conf,
            Ko,
            &[],
        ),
        3,
    ),
    f(
        "Austin Edge Devices Inc.",
        "US",
        Mod,
        Dep,
        Intl,
        Avg,
        &[SOC2],
    ),
    f("Sapporo Cold Chain K.K.", "JP", Low, Dep, NoData, Weak, &[]),
    f(
        "Seoul Generative Studio Inc.",
        "KR",
        Mod,
        Prov,
        Conf,
        Unif,
        &[],
    ),
    casual(f(
        "Chennai Quality Analytics Ltd.",
        "IN",
        Mod,
        Int,
        Intl,
        Incompl,
        &[],
    )),
    f(
        "Kuala Lumpur Cloud Ops Bhd.",
        "MY",
        Mod,
        Int,
        Conf,
        Avg,
        &[ISO27001],
    ),
    f(
        "Stuttgart Sensor Fusion GmbH",
        "DE",
        High,
        Prov,
        Conf,
        Strong,
        &[ISO27001, TISAX],
    ),
    f(
        "Yilan Agritech Co., Ltd.",
        "TW",
        Low,
        NoAi,
        NoData,
        Avg,
        &[],
    ),
    f(
        "Da Nang Software Outsourcing JSC",
        "VN",
        Mod,
        Int,
        Conf,
        Weak,
        &[ISO27001],
    ),
    f(
        "Bristol Secure Logistics plc",
        "GB",
        Mod,
        NoAi,
        Intl,
        Strong,
        &[ISO27001, CE_PLUS],
    ),
    f(
        "Toulouse Avionics Data SAS",
        "FR",
        Crit,
        Int,
        Reg,
        Avg,
        &[ISO27001],
    ),
    f(
        "Tel Aviv Fraud Signals Ltd.",
        "IL",
        High,
        Prov,
        Reg,
        Incompl,
        &[],
    ),
    f(
        "Miaoli Packaging Automation Corp.",
        "TW",
        Low,
        Dep,
        Intl,
        Avg,
        &[],
    ),
    f(
        "Silicon Harbor Robotics Inc.",
        "US",
        High,
        Prov,
        Conf,
        Strong,
        &[SOC2, ISO42001],
    ),
    f(
        "Pingtung Aquaculture AI Co., Ltd.",
        "TW",
        Mod,
        Dep,
        Intl,
        Weak,
        &[],
    ),
    f(
        "Kyoto Language Models K.K.",
        "JP",
        High,
        Prov,
        Conf,
        Contra,
        &[ISO42001],
    ),
    f(
        "Singapore Port Vision Pte. Ltd.",
        "SG",
        Mod,
        Int,
        Conf,
        Avg,
        &[ISO27001],
    ),
];

/// The last suppliers answer through JSON documents.
const JSON_VENDORS: usize = 4;

/// Writes the demo portfolio into `out_dir`: `answers.csv`, `vendors.csv`, `exclusions.csv`
/// and `json/<vendor>.json` (see the module docs). Deterministic: the same questions give the
/// same bytes.
pub fn demo(questions: &[Question], out_dir: &Path) -> Result<DemoSummary, GenError> {
    if questions.is_empty() {
        return Err(GenError::Invalid {
            option: "questions",
            value: "0".into(),
            problem: "the catalog holds no question to answer",
        });
    }
    let opts = crate::GenOptions::default();
    let ctx = Ctx::new(questions, &opts.knockouts, DEMO_SEED, None, 0.0, DEMO_AS_OF);
    let json_dir = out_dir.join("json");
    std::fs::create_dir_all(&json_dir).map_err(io_err(&json_dir))?;

    let mut answers = format::ANSWERS_HEADER.as_bytes().to_vec();
    let mut vendors = format::VENDORS_HEADER.as_bytes().to_vec();
    let mut exclusions = format::EXCLUSIONS_HEADER.as_bytes().to_vec();
    let mut summary = DemoSummary {
        vendors: DEMO.len() as u64,
        csv_vendors: 0,
        answer_rows: 0,
        exclusions: 0,
        json_documents: Vec::new(),
    };
    let csv_count = DEMO.len() - JSON_VENDORS;
    let mut v = GenVendor::default();
    for (i, forced) in DEMO.iter().enumerate() {
        generate_vendor(&ctx, i as u64, Some(forced), &mut v);
        let id = format::vendor_id(i as u64, format::id_width(DEMO.len() as u64));
        if format::exclusion_row(&ctx, &id, &v, &mut exclusions) {
            summary.exclusions += 1;
        }
        if i < csv_count {
            format::answers_rows(&ctx, &id, &v, &mut answers);
            format::vendor_row(&ctx, &id, &v, &mut vendors);
            summary.csv_vendors += 1;
            summary.answer_rows += v.answers.len() as u64;
        } else {
            // The last document spells question ids by their aliases, as suppliers copy them.
            let use_alias = i == DEMO.len() - 1;
            let doc = document(&ctx, &id, &v, use_alias);
            let rel = format!("json/{id}.json");
            let path = out_dir.join(&rel);
            let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            text.push('\n');
            std::fs::write(&path, text).map_err(io_err(&path))?;
            summary.json_documents.push(rel);
        }
    }
    for (name, bytes) in [
        ("answers.csv", &answers),
        ("vendors.csv", &vendors),
        ("exclusions.csv", &exclusions),
    ] {
        let path = out_dir.join(name);
        std::fs::write(&path, bytes).map_err(io_err(&path))?;
    }
    Ok(summary)
}

fn date_text(ctx: &Ctx, days: u16) -> String {
    String::from_utf8_lossy(ctx.date(days)).into_owned()
}

/// A supplier document with the vendor's profile and answers.
fn document(ctx: &Ctx, id: &str, v: &GenVendor, use_alias: bool) -> SupplierDocument {
    let answers = v
        .answers
        .iter()
        .map(|a| {
            let q = &ctx.qs[a.q as usize];
            let question_id = match (&q.alias, use_alias) {
                (Some(alias), true) => alias.clone(),
                _ => q.id.clone(),
            };
            SupplierAnswer {
                question_id,
                answer: if v.casual {
                    a.ans.casual()
                } else {
                    a.ans.canonical()
                }
                .to_string(),
                evidence: a.evidence.map(format::evidence_text),
                evidence_date: a.evidence_days_ago.map(|d| date_text(ctx, d)),
                comment: a.comment.map(|c| {
                    crate::names::COMMENTS[usize::from(c) % crate::names::COMMENTS.len()]
                        .to_string()
                }),
            }
        })
        .collect();
    SupplierDocument {
        format: Some("scrm-supplier/1".into()),
        vendor: SupplierProfileDoc {
            vendor_id: id.to_string(),
            name: Some(v.name.clone()),
            country: Some(v.country.to_string()),
            criticality: Some(v.criticality.as_str().to_string()),
            ai_role: Some(v.ai_role.as_str().to_string()),
            data_access: Some(v.data_access.as_str().to_string()),
            assessed_on: v.assessed_days_ago.map(|d| date_text(ctx, d)),
            certifications: v.certifications.iter().map(|c| c.to_string()).collect(),
            extra: Default::default(),
        },
        answers,
    }
}
