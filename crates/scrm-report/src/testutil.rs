//! Hand-built, realistic inputs for this crate's tests, examples and screenshots: a small
//! question bank, five suppliers with answers, their results, plans and an explanation, plus a
//! deterministic synthetic portfolio for size tests and suppliers with hostile text.
//!
//! The numbers are consistent: lens and group scores are weighted means of the answers (the same
//! arithmetic as `docs/scoring.md`, without policy switches), and explanations sum to the scores.
//! Statuses and findings are set by hand the way the engine would set them.

use crate::html::TierThresholds;
use scrm_model::{
    AiRole, Answer, AnswerKind, AnswerSpec, AnswerValue, Code, Contribution, Criticality,
    DataAccess, Explanation, Finding, GovernanceTag, GroupScore, InputFile, Lens, LensExplanation,
    LensScore, Localized, MaturityLevel, Plan, PlanStep, Question, QuestionId, References,
    RunCounts, RunManifest, Severity, Status, Tier, Vendor, VendorId, VendorProfile, VendorResult,
};
use std::collections::BTreeMap;

/// Where a sample question counts: lens and group id.
type Placement = &'static [(Lens, &'static str)];

struct Q {
    id: &'static str,
    topic: (&'static str, &'static str),
    text: (&'static str, &'static str),
    guidance: (&'static str, &'static str),
    kind: AnswerKind,
    na: bool,
    weight: f64,
    roles: &'static [AiRole],
    place: Placement,
}

const AI: &[AiRole] = &[AiRole::Provider, AiRole::Integrator, AiRole::Deployer];
const BUILDERS: &[AiRole] = &[AiRole::Provider, AiRole::Integrator];

const QUESTIONS: &[Q] = &[
    Q {
        id: "GV-1.1",
        topic: ("AI governance", "AI 治理"),
        text: (
            "Legal and regulatory requirements involving AI are understood, managed, and documented.",
            "貴公司是否了解、管理並記錄與 AI 相關的法律及法規要求？",
        ),
        guidance: (
            "A register of applicable AI laws and regulations with owners and review dates.",
            "適用 AI 法規清冊，含負責人及檢視日期。",
        ),
        kind: AnswerKind::Maturity,
        na: false,
        weight: 2.0,
        roles: AI,
        place: &[(Lens::Airm, "GOVERN"), (Lens::Aims, "4")],
    },
    Q {
        id: "GV-6.1",
        topic: ("Third-party AI risk", "第三方 AI 風險"),
        text: (
            "Policies and procedures are in place that address AI risks associated with third-party entities, including risks of infringement of a third-party's intellectual property or other rights.",
            "貴公司是否有政策與程序處理與第三方相關的 AI 風險，包括侵害第三方智慧財產權或其他權利的風險？",
        ),
        guidance: (
            "Third-party AI risk policy; supplier due-diligence records for AI components.",
            "第三方 AI 風險政策；AI 元件供應商盡職調查紀錄。",
        ),
        kind: AnswerKind::Maturity,
        na: false,
        weight: 3.0,
        roles: AI,
        place: &[(Lens::Airm, "GOVERN"), (Lens::Aims, "A.10")],
    },
    Q {
        id: "MP-4.1",
        topic: ("Mapping third-party risk", "第三方風險對應"),
        text: (
            "Approaches for mapping AI technology and legal risks of its components, including the use of third-party data or software, are in place, followed, and documented.",
            "是否已建立、遵循並記錄對應 AI 技術及其元件（含第三方資料或軟體）法律風險的方法？",
        ),
        guidance: (
            "Component inventory (models, datasets, libraries) with licence and risk notes.",
            "元件清冊（模型、資料集、函式庫）及授權與風險說明。",
        ),
        kind: AnswerKind::YesPartialNo,
        na: true,
        weight: 2.0,
        roles: BUILDERS,
        place: &[(Lens::Airm, "MAP"), (Lens::Aims, "A.7")],
    },
    Q {
        id: "MS-2.7",
        topic: ("Security and resilience", "安全與韌性"),
        text: (
            "AI system security and resilience, as identified in the MAP function, are evaluated and documented.",
            "是否評估並記錄 AI 系統的安全性與韌性？",
        ),
        guidance: (
            "Red-team or adversarial test reports, penetration tests covering AI components.",
            "紅隊或對抗性測試報告、涵蓋 AI 元件的滲透測試。",
        ),
        kind: AnswerKind::Maturity,
        na: false,
        weight: 3.0,
        roles: AI,
        place: &[(Lens::Airm, "MEASURE"), (Lens::Aims, "A.6")],
    },
    Q {
        id: "MG-3.1",
        topic: ("Third-party monitoring", "第三方監控"),
        text: (
            "AI risks and benefits from third-party resources are regularly monitored, and risk controls are applied and documented.",
            "是否定期監控第三方資源帶來的 AI 風險與效益，並實施及記錄風險控制措施？",
        ),
        guidance: (
            "Monitoring records for third-party models and services; review minutes.",
            "第三方模型與服務的監控紀錄；審查會議紀錄。",
        ),
        kind: AnswerKind::Maturity,
        na: false,
        weight: 2.0,
        roles: AI,
        place: &[(Lens::Airm, "MANAGE"), (Lens::Aims, "A.10")],
    },
    Q {
        id: "MG-4.3",
        topic: ("Incident communication", "事件通報"),
        text: (
            "Incidents and errors are communicated to relevant AI actors, including affected communities. Processes for tracking, responding to, and recovering from incidents and errors are followed and documented.",
            "是否將事件與錯誤通報相關 AI 參與者（含受影響社群），並遵循及記錄追蹤、回應與復原程序？",
        ),
        guidance: (
            "AI incident response procedure and a record of notifications to customers.",
            "AI 事件應變程序及通知客戶的紀錄。",
        ),
        kind: AnswerKind::YesPartialNo,
        na: false,
        weight: 2.0,
        roles: AI,
        place: &[(Lens::Airm, "MANAGE"), (Lens::Aims, "A.8")],
    },
    Q {
        id: "AIMS-5.2",
        topic: ("AI policy", "AI 政策"),
        text: (
            "Has top management approved a documented AI policy that fits your purpose and commits to meeting requirements and improving?",
            "最高管理階層是否已核准一份符合組織目的、承諾遵循要求並持續改善的 AI 政策文件？",
        ),
        guidance: (
            "The approved AI policy, with approval date and owner.",
            "經核准的 AI 政策，含核准日期及負責人。",
        ),
        kind: AnswerKind::YesPartialNo,
        na: false,
        weight: 2.0,
        roles: AI,
        place: &[(Lens::Aims, "5"), (Lens::Airm, "GOVERN")],
    },
    Q {
        id: "AIMS-6.1.2",
        topic: ("AI risk assessment", "AI 風險評鑑"),
        text: (
            "How mature is your process for identifying, analysing and evaluating AI risks?",
            "貴公司識別、分析及評估 AI 風險的流程成熟度為何？",
        ),
        guidance: (
            "Risk assessment method and the latest AI risk register.",
            "風險評鑑方法及最新 AI 風險登錄表。",
        ),
        kind: AnswerKind::Maturity,
        na: false,
        weight: 2.0,
        roles: AI,
        place: &[(Lens::Aims, "6"), (Lens::Airm, "MAP")],
    },
    Q {
        id: "AIMS-A.6.2.6",
        topic: ("Operation and monitoring", "運作與監控"),
        text: (
            "How mature is your monitoring of AI systems in operation (performance, drift, failures)?",
            "貴公司對運作中 AI 系統（效能、漂移、故障）的監控成熟度為何？",
        ),
        guidance: (
            "Monitoring dashboards, alert thresholds and an example of a handled alert.",
            "監控儀表板、警示門檻及一件已處理警示的範例。",
        ),
        kind: AnswerKind::Maturity,
        na: true,
        weight: 1.0,
        roles: BUILDERS,
        place: &[(Lens::Aims, "A.6"), (Lens::Airm, "MEASURE")],
    },
    Q {
        id: "AIMS-A.10.3",
        topic: ("Your own suppliers", "貴公司的供應商"),
        text: (
            "How do you allocate AI responsibilities to, and manage AI risks from, your own suppliers?",
            "貴公司如何分配 AI 責任給自身供應商，並管理來自供應商的 AI 風險？",
        ),
        guidance: (
            "Supplier contracts with AI clauses; supplier assessment records.",
            "含 AI 條款的供應商合約；供應商評估紀錄。",
        ),
        kind: AnswerKind::Maturity,
        na: false,
        weight: 2.0,
        roles: AI,
        place: &[(Lens::Aims, "A.10"), (Lens::Airm, "GOVERN")],
    },
    Q {
        id: "SC-GV.SC-05",
        topic: ("Supply chain requirements", "供應鏈要求"),
        text: (
            "Requirements to address cybersecurity risks in supply chains are established, prioritized, and integrated into contracts and other types of agreements with suppliers and other relevant third parties.",
            "是否已建立並排定供應鏈資安風險要求的優先順序，並納入與供應商及其他第三方的合約與協議？",
        ),
        guidance: (
            "Standard contract clauses for cybersecurity; a sample signed supplier agreement.",
            "資安標準合約條款；一份已簽署的供應商協議範例。",
        ),
        kind: AnswerKind::YesPartialNo,
        na: false,
        weight: 2.0,
        roles: &[],
        place: &[(Lens::Cscrm, "GV.SC")],
    },
    Q {
        id: "SC-SR-6",
        topic: ("Supplier assessments", "供應商評估"),
        text: (
            "How mature are your assessments and reviews of your suppliers' security practices?",
            "貴公司對供應商資安實務的評估與審查成熟度為何？",
        ),
        guidance: (
            "Supplier review schedule and the last three completed assessments.",
            "供應商審查時程及最近三份完成的評估。",
        ),
        kind: AnswerKind::Maturity,
        na: false,
        weight: 1.0,
        roles: &[],
        place: &[(Lens::Cscrm, "GV.SC")],
    },
];

fn loc(p: (&str, &str)) -> Localized {
    Localized {
        en: p.0.to_string(),
        zh_tw: p.1.to_string(),
    }
}

/// The sample question bank (12 questions over the three lenses), in catalog order.
pub fn sample_questions() -> Vec<Question> {
    QUESTIONS
        .iter()
        .map(|q| {
            let mut refs = References::default();
            for (lens, _) in q.place {
                match lens {
                    Lens::Airm => refs.airm.push(airm_ref(q.id)),
                    Lens::Aims => refs.aims.push(q.id.trim_start_matches("AIMS-").to_string()),
                    Lens::Cscrm => refs.csf.push("GV.SC-05".to_string()),
                }
            }
            Question {
                id: QuestionId::new(q.id),
                topic: loc(q.topic),
                text: loc(q.text),
                guidance: loc(q.guidance),
                answer: AnswerSpec {
                    kind: q.kind,
                    na_allowed: q.na,
                },
                weight: q.weight,
                roles: q.roles.to_vec(),
                refs,
                governance: GovernanceTag::Direct,
                aliases: Vec::new(),
            }
        })
        .collect()
}

fn airm_ref(id: &str) -> String {
    let (f, n) = id.split_once('-').unwrap_or((id, ""));
    let func = match f {
        "GV" => "GOVERN",
        "MP" => "MAP",
        "MS" => "MEASURE",
        "MG" => "MANAGE",
        other => other,
    };
    format!("{func} {n}")
}

fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// A sample run manifest (as_of 2025-06-30).
pub fn sample_manifest() -> RunManifest {
    RunManifest {
        tool_version: "0.1.0".into(),
        catalog_version: "2025.1".into(),
        catalog_hash: "9f2c4e7a1b3d5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c4d5e6f7".into(),
        policy_name: "builtin".into(),
        policy_hash: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9".into(),
        as_of: d(2025, 6, 30),
        inputs: vec![
            InputFile {
                path: "inputs/profiles.csv".into(),
                kind: "profiles-csv".into(),
                sha256: "1111111111111111111111111111111111111111111111111111111111111111".into(),
                blake3: String::new(),
                rows_read: 5,
                accepted: 5,
                rejected: 0,
            },
            InputFile {
                path: "inputs/responses.csv".into(),
                kind: "responses-long-csv".into(),
                sha256: "2222222222222222222222222222222222222222222222222222222222222222".into(),
                blake3: String::new(),
                rows_read: 49,
                accepted: 48,
                rejected: 1,
            },
        ],
        counts: RunCounts {
            vendors: 5,
            rows_read: 54,
            accepted: 53,
            rejected: 1,
        },
        generated_at: "2025-06-30T09:00:00Z".into(),
    }
}

/// Per-tier minimums used in the sample (thresholds rise with the tier).
pub fn sample_thresholds() -> Vec<TierThresholds> {
    vec![
        TierThresholds {
            tier: Tier::Low,
            combined: 1.5,
            airm: 1.0,
            aims: 1.0,
            coverage: 0.5,
        },
        TierThresholds {
            tier: Tier::Moderate,
            combined: 2.0,
            airm: 1.5,
            aims: 1.5,
            coverage: 0.6,
        },
        TierThresholds {
            tier: Tier::High,
            combined: 2.5,
            airm: 2.0,
            aims: 2.0,
            coverage: 0.7,
        },
        TierThresholds {
            tier: Tier::Critical,
            combined: 3.0,
            airm: 2.5,
            aims: 2.5,
            coverage: 0.8,
        },
    ]
}

/// (question, answer, evidence, evidence date)
type SampleAnswer = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<(i32, u32, u32)>,
);

struct V {
    id: &'static str,
    name: &'static str,
    country: &'static str,
    crit: Criticality,
    role: AiRole,
    data: DataAccess,
    assessed: (i32, u32, u32),
    certs: &'static [&'static str],
    extra: &'static [(&'static str, &'static str)],
    /// (question, answer, evidence, evidence date)
    answers: &'static [SampleAnswer],
}

const VENDORS: &[V] = &[
    V {
        id: "V001",
        name: "Acme AI Labs",
        country: "US",
        crit: Criticality::High,
        role: AiRole::Provider,
        data: DataAccess::Confidential,
        assessed: (2025, 5, 12),
        certs: &["ISO/IEC 42001", "ISO/IEC 27001"],
        extra: &[("business_unit", "R&D"), ("owner", "j.chen")],
        answers: &[
            (
                "GV-1.1",
                "4",
                Some("AI legal register v3"),
                Some((2025, 3, 1)),
            ),
            (
                "GV-6.1",
                "4",
                Some("Third-party AI policy"),
                Some((2025, 2, 10)),
            ),
            (
                "MP-4.1",
                "yes",
                Some("Component SBOM 2025-Q1"),
                Some((2025, 4, 2)),
            ),
            (
                "MS-2.7",
                "4",
                Some("Red-team report RT-11"),
                Some((2025, 1, 20)),
            ),
            (
                "MG-3.1",
                "3",
                Some("Vendor monitoring SOP"),
                Some((2023, 5, 1)),
            ),
            (
                "MG-4.3",
                "yes",
                Some("IR-AI procedure"),
                Some((2025, 3, 15)),
            ),
            (
                "AIMS-5.2",
                "yes",
                Some("AI policy (board approved)"),
                Some((2024, 12, 1)),
            ),
            (
                "AIMS-6.1.2",
                "4",
                Some("AI risk register"),
                Some((2025, 4, 30)),
            ),
            (
                "AIMS-A.6.2.6",
                "4",
                Some("Grafana drift board"),
                Some((2025, 5, 1)),
            ),
            (
                "AIMS-A.10.3",
                "3",
                Some("Supplier AI clauses"),
                Some((2025, 2, 1)),
            ),
            (
                "SC-GV.SC-05",
                "yes",
                Some("MSA security schedule"),
                Some((2024, 10, 1)),
            ),
            (
                "SC-SR-6",
                "4",
                Some("Supplier review plan"),
                Some((2025, 1, 5)),
            ),
        ],
    },
    V {
        id: "V002",
        name: "台灣智慧資料股份有限公司",
        country: "TW",
        crit: Criticality::Moderate,
        role: AiRole::Integrator,
        data: DataAccess::Internal,
        assessed: (2025, 4, 18),
        certs: &["ISO/IEC 27001"],
        extra: &[("business_unit", "Procurement"), ("owner", "l.wang")],
        answers: &[
            ("GV-1.1", "3", Some("法規清冊"), Some((2024, 9, 1))),
            ("GV-6.1", "3", None, None),
            ("MP-4.1", "partial", Some("元件清冊"), Some((2022, 8, 1))),
            ("MS-2.7", "2", None, None),
            ("MG-3.1", "3", Some("監控紀錄"), Some((2025, 1, 10))),
            ("MG-4.3", "yes", None, None),
            ("AIMS-5.2", "yes", Some("AI 政策"), Some((2024, 7, 1))),
            ("AIMS-6.1.2", "3", Some("風險登錄表"), Some((2025, 2, 1))),
            ("AIMS-A.6.2.6", "na", None, None),
            ("AIMS-A.10.3", "2", None, None),
            (
                "SC-GV.SC-05",
                "yes",
                Some("供應商合約範本"),
                Some((2024, 6, 1)),
            ),
            ("SC-SR-6", "3", Some("供應商評估"), Some((2024, 12, 1))),
        ],
    },
    V {
        id: "V003",
        name: "Northwind Analytics",
        country: "GB",
        crit: Criticality::Critical,
        role: AiRole::Deployer,
        data: DataAccess::Regulated,
        assessed: (2025, 6, 2),
        certs: &[],
        extra: &[("business_unit", "Finance"), ("owner", "a.smith")],
        answers: &[
            ("GV-1.1", "2", Some("Compliance memo"), Some((2025, 5, 1))),
            ("GV-6.1", "1", None, None),
            ("MS-2.7", "2", Some("Pen test 2024"), Some((2024, 9, 9))),
            ("MG-3.1", "2", None, None),
            ("MG-4.3", "no", None, None),
            (
                "AIMS-5.2",
                "partial",
                Some("Draft AI policy"),
                Some((2025, 5, 20)),
            ),
            ("AIMS-6.1.2", "2", None, None),
            ("AIMS-A.10.3", "1", None, None),
            (
                "SC-GV.SC-05",
                "yes",
                Some("Contract template"),
                Some((2025, 1, 15)),
            ),
        ],
    },
    V {
        id: "V004",
        name: "Globex Telecom",
        country: "CN",
        crit: Criticality::High,
        role: AiRole::Provider,
        data: DataAccess::Confidential,
        assessed: (2025, 3, 3),
        certs: &[],
        extra: &[("business_unit", "Network"), ("owner", "k.lee")],
        answers: &[
            ("GV-1.1", "2", Some("Legal review"), Some((2025, 1, 1))),
            ("GV-6.1", "2", None, None),
            ("MP-4.1", "partial", None, None),
            ("MS-2.7", "3", Some("Security test"), Some((2024, 12, 12))),
            ("MG-3.1", "2", None, None),
            ("MG-4.3", "partial", None, None),
            (
                "AIMS-5.2",
                "partial",
                Some("AI policy draft"),
                Some((2024, 11, 1)),
            ),
            ("AIMS-6.1.2", "1", None, None),
            ("AIMS-A.6.2.6", "2", Some("Monitoring"), Some((2025, 2, 2))),
            ("AIMS-A.10.3", "2", None, None),
            ("SC-GV.SC-05", "partial", None, None),
            ("SC-SR-6", "2", None, None),
        ],
    },
    V {
        id: "V005",
        name: "Contoso Office Supplies",
        country: "US",
        crit: Criticality::Low,
        role: AiRole::None,
        data: DataAccess::None,
        assessed: (2025, 5, 30),
        certs: &[],
        extra: &[("business_unit", "Facilities")],
        answers: &[
            (
                "SC-GV.SC-05",
                "yes",
                Some("Standard terms"),
                Some((2025, 1, 1)),
            ),
            ("SC-SR-6", "3", Some("Annual review"), Some((2025, 3, 3))),
        ],
    },
];

/// The sample suppliers (profiles and answers), by vendor id.
pub fn sample_vendors() -> Vec<Vendor> {
    VENDORS.iter().map(build_vendor).collect()
}

fn build_vendor(v: &V) -> Vendor {
    let id = VendorId::new(v.id).unwrap_or_else(|| unreachable!("sample ids are non-blank"));
    let profile = VendorProfile {
        vendor_id: id.clone(),
        name: Some(v.name.to_string()),
        country: Some(v.country.to_string()),
        criticality: Some(v.crit),
        ai_role: Some(v.role),
        data_access: Some(v.data),
        assessed_on: Some(d(v.assessed.0, v.assessed.1, v.assessed.2)),
        certifications: v.certs.iter().map(|s| s.to_string()).collect(),
        extra: v
            .extra
            .iter()
            .map(|(k, val)| (k.to_string(), val.to_string()))
            .collect(),
    };
    let answers = v
        .answers
        .iter()
        .map(|(q, a, ev, date)| {
            let qid = QuestionId::new(*q);
            let ans = Answer {
                question: qid,
                value: AnswerValue::parse(a).unwrap_or(AnswerValue::Unanswered),
                evidence: ev.map(str::to_string),
                evidence_date: date.map(|(y, m, dd)| d(y, m, dd)),
                comment: None,
            };
            (qid, ans)
        })
        .collect();
    Vendor { profile, answers }
}

/// The tier the sample derives from criticality (no data-access bump, for simplicity).
fn tier_of(c: Option<Criticality>) -> Tier {
    match c {
        Some(Criticality::Low) => Tier::Low,
        Some(Criticality::Moderate) | None => Tier::Moderate,
        Some(Criticality::High) => Tier::High,
        Some(Criticality::Critical) => Tier::Critical,
    }
}

/// Lens and group scores plus per-lens explanations from answers, with the evidence rule that
/// an unevidenced positive answer counts at 80%.
fn score_vendor(v: &Vendor) -> (Vec<LensScore>, Vec<LensExplanation>, u32, u32) {
    let role = v.profile.ai_role;
    let mut applicable = 0;
    let mut answered = 0;
    let mut lenses = Vec::new();
    let mut expl = Vec::new();
    for lens in Lens::ALL {
        // (question, weight, effective, answer)
        let mut items: Vec<(&Q, f64, f64, AnswerValue)> = Vec::new();
        for q in QUESTIONS {
            let Some(&(_, _)) = q.place.iter().find(|(l, _)| *l == lens) else {
                continue;
            };
            let applies = match role {
                None => true,
                Some(AiRole::None) => q.roles.is_empty(),
                Some(r) => q.roles.is_empty() || q.roles.contains(&r),
            };
            if !applies {
                continue;
            }
            let a = v.answers.get(q.id);
            let value = a.map_or(AnswerValue::Unanswered, |a| a.value);
            if value == AnswerValue::NotApplicable {
                continue;
            }
            let mut eff = value.normalized().unwrap_or(0.0);
            if eff > 0.0 && !a.is_some_and(Answer::has_evidence) {
                eff *= 0.8;
            }
            // The question's own lens (listed first) uses its weight; a crosswalked lens counts
            // it at weight 1, so the two AI lenses differ as they do in real portfolios.
            let w = if q.place[0].0 == lens { q.weight } else { 1.0 };
            items.push((q, w, eff, value));
        }
        let total: f64 = items.iter().map(|i| i.1).sum();
        let (score, contributions) = if total > 0.0 {
            let mut cs: Vec<Contribution> = items
                .iter()
                .map(|(q, w, eff, value)| {
                    let c = w / total;
                    Contribution {
                        question: QuestionId::new(q.id),
                        answer: *value,
                        effective: *eff,
                        coefficient: c,
                        contribution: 5.0 * c * eff,
                        headroom: 5.0 * c * (1.0 - eff),
                    }
                })
                .collect();
            cs.sort_by(|a, b| {
                b.coefficient
                    .total_cmp(&a.coefficient)
                    .then_with(|| a.question.cmp(&b.question))
            });
            (Some(cs.iter().map(|c| c.contribution).sum::<f64>()), cs)
        } else {
            (None, Vec::new())
        };
        let group_ids: &[&str] = match lens {
            Lens::Airm => &["GOVERN", "MAP", "MEASURE", "MANAGE"],
            Lens::Aims => &[
                "4", "5", "6", "7", "8", "9", "10", "A.2", "A.3", "A.4", "A.5", "A.6", "A.7",
                "A.8", "A.9", "A.10",
            ],
            Lens::Cscrm => &["GV.SC"],
        };
        let groups = group_ids
            .iter()
            .map(|gid| {
                let members: Vec<_> = items
                    .iter()
                    .filter(|(q, ..)| q.place.iter().any(|(l, g)| *l == lens && g == gid))
                    .collect();
                let w: f64 = members.iter().map(|m| m.1).sum();
                GroupScore {
                    id: (*gid).to_string().into(),
                    score: (w > 0.0)
                        .then(|| 5.0 * members.iter().map(|m| m.1 * m.2).sum::<f64>() / w),
                    items_scored: u32::try_from(members.len()).unwrap_or(u32::MAX),
                }
            })
            .collect();
        lenses.push(LensScore {
            lens,
            score,
            level: score.map(MaturityLevel::from_score),
            groups,
        });
        expl.push(LensExplanation {
            lens,
            score,
            contributions,
            zero_weights: false,
        });
    }
    for q in QUESTIONS {
        let applies = match role {
            None => true,
            Some(AiRole::None) => q.roles.is_empty(),
            Some(r) => q.roles.is_empty() || q.roles.contains(&r),
        };
        if applies {
            applicable += 1;
            if v.answers.get(q.id).is_some_and(|a| a.value.is_answered()) {
                answered += 1;
            }
        }
    }
    (lenses, expl, applicable, answered)
}

fn combined(lenses: &[LensScore]) -> Option<f64> {
    // Lens weights 0.4 / 0.4 / 0.2, renormalized over the lenses that apply.
    let w = [0.4, 0.4, 0.2];
    let (mut s, mut t) = (0.0, 0.0);
    for (l, w) in lenses.iter().zip(w) {
        if let Some(x) = l.score {
            s += x * w;
            t += w;
        }
    }
    (t > 0.0).then(|| s / t)
}

fn finding(
    code: Code,
    msg: &str,
    lens: Option<Lens>,
    qs: &[&str],
    severity: Option<Severity>,
) -> Finding {
    let mut f =
        Finding::new(code, msg).with_questions(qs.iter().map(|q| QuestionId::new(*q)).collect());
    f.lens = lens;
    if let Some(s) = severity {
        f.severity = s;
    }
    f
}

fn sample_findings(id: &str) -> (Status, u8, f64, Vec<Finding>) {
    match id {
        "V001" => (
            Status::Eligible,
            1,
            0.9167,
            vec![{
                let mut f = finding(
                    Code::StaleEvidence,
                    "MG-3.1 evidence is dated 2023-05-01, 791 days before 2025-06-30 (maximum 730)",
                    None,
                    &["MG-3.1"],
                    Some(Severity::Info),
                );
                f.exempted =
                    Some("SOP re-issue scheduled; exemption approved until 2025-09-30".into());
                f
            }],
        ),
        "V002" => (
            Status::Conditional,
            2,
            0.5556,
            vec![
                finding(
                    Code::MissingEvidence,
                    "3 of 9 positive answers have no evidence (GV-6.1, MG-4.3, MS-2.7)",
                    None,
                    &["GV-6.1", "MG-4.3", "MS-2.7"],
                    None,
                ),
                finding(
                    Code::StaleEvidence,
                    "MP-4.1 evidence is dated 2022-08-01, 1064 days before 2025-06-30 (maximum 730)",
                    None,
                    &["MP-4.1"],
                    None,
                ),
            ],
        ),
        "V003" => (
            Status::AtRisk,
            4,
            0.4,
            vec![
                finding(
                    Code::BelowTierThreshold,
                    "AI RMF score {airm} is below the critical-tier minimum 2.50",
                    Some(Lens::Airm),
                    &[],
                    None,
                ),
                finding(
                    Code::KnockoutFailed,
                    "MG-4.3 (incident communication) is 'no'; the policy requires at least 'partial'",
                    Some(Lens::Airm),
                    &["MG-4.3"],
                    None,
                ),
                finding(
                    Code::LowCoverage,
                    "1 of 10 applicable questions unanswered (coverage 0.90)",
                    None,
                    &["SC-SR-6"],
                    None,
                ),
                finding(
                    Code::MissingEvidence,
                    "5 of 8 positive answers have no evidence",
                    None,
                    &["GV-6.1", "MG-3.1", "AIMS-6.1.2", "AIMS-A.10.3"],
                    None,
                ),
            ],
        ),
        "V004" => (
            Status::Excluded,
            5,
            0.4286,
            vec![
                finding(
                    Code::HardGateSec889,
                    "Listed under Section 889 (FAR 52.204-25), reference 889-2024-117",
                    None,
                    &[],
                    None,
                ),
                finding(
                    Code::BelowTierThreshold,
                    "ISO/IEC 42001 score {aims} is below the high-tier minimum 2.00",
                    Some(Lens::Aims),
                    &[],
                    None,
                ),
                finding(
                    Code::MissingEvidence,
                    "7 of 11 positive answers have no evidence",
                    None,
                    &["GV-6.1", "MP-4.1", "MG-3.1"],
                    None,
                ),
            ],
        ),
        _ => (Status::Eligible, 1, 1.0, Vec::new()),
    }
}

fn build_result(v: &Vendor) -> (VendorResult, Vec<LensExplanation>) {
    let (lenses, expl, applicable, answered) = score_vendor(v);
    let (status, residual_risk, confidence, mut findings) = sample_findings(v.id().as_str());
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)));
    // Messages quote the computed scores, as the engine's do.
    for f in &mut findings {
        for lens in [Lens::Airm, Lens::Aims] {
            let key = format!("{{{}}}", lens.as_str());
            let score = lenses[lens as usize]
                .score
                .map_or("-".to_string(), |x| format!("{x:.2}"));
            f.detail = f.message().replace(&key, &score).into();
        }
    }
    let combined_score = combined(&lenses);
    let coverage = if applicable == 0 {
        1.0
    } else {
        f64::from(answered) / f64::from(applicable)
    };
    let r = VendorResult {
        vendor_id: v.id().clone(),
        profile: v.profile.clone(),
        tier: tier_of(v.profile.criticality),
        status,
        combined_score,
        combined_level: combined_score.map(MaturityLevel::from_score),
        lenses,
        coverage,
        confidence,
        residual_risk,
        applicable,
        answered,
        findings,
        input_hash: format!("{:0>64}", v.id().as_str().to_lowercase()),
        valid_until: Some(d(2025, 8, 1)),
    };
    (r, expl)
}

/// Results of the sample suppliers, by vendor id.
pub fn sample_results() -> Vec<VendorResult> {
    sample_vendors().iter().map(|v| build_result(v).0).collect()
}

/// The explanation of one sample vendor's result (`None` for an unknown id).
pub fn sample_explanation(id: &str) -> Option<Explanation> {
    let v = sample_vendors()
        .into_iter()
        .find(|v| v.id().as_str() == id)?;
    let (result, lenses) = build_result(&v);
    Some(Explanation { result, lenses })
}

/// Plans for the sample's flagged suppliers: V003 (at risk, fixable in three steps) and V004
/// (excluded: a hard gate no answer clears).
pub fn sample_plans() -> Vec<Plan> {
    let results = sample_results();
    let by_id = |id: &str| {
        results
            .iter()
            .find(|r| r.vendor_id.as_str() == id)
            .cloned()
            .unwrap_or_else(|| unreachable!("sample id {id}"))
    };
    let v3 = by_id("V003");
    let mut after3 = v3.clone();
    after3.status = Status::Conditional;
    after3
        .findings
        .retain(|f| matches!(f.code, Code::LowCoverage | Code::MissingEvidence));
    after3.combined_score = v3.combined_score.map(|s| s + 0.92);
    let steps3 = vec![
        PlanStep {
            question: QuestionId::new("GV-6.1"),
            from: AnswerValue::Maturity(1),
            to: AnswerValue::Maturity(3),
            increase: 2.0,
        },
        PlanStep {
            question: QuestionId::new("MG-4.3"),
            from: AnswerValue::No,
            to: AnswerValue::Partial,
            increase: 2.5,
        },
        PlanStep {
            question: QuestionId::new("MS-2.7"),
            from: AnswerValue::Maturity(2),
            to: AnswerValue::Maturity(3),
            increase: 1.0,
        },
    ];
    let remaining3 = after3.findings.clone();
    let v4 = by_id("V004");
    let unfixable4: Vec<Finding> = v4
        .findings
        .iter()
        .filter(|f| f.is_hard_gate())
        .cloned()
        .collect();
    vec![
        Plan {
            vendor_id: v3.vendor_id.clone(),
            status_before: Status::AtRisk,
            status_after: Status::Conditional,
            feasible: true,
            provably_minimal: true,
            min_steps: steps3.len(),
            total_increase: steps3.iter().map(|s| s.increase).sum(),
            steps: steps3,
            unfixable: Vec::new(),
            remaining: remaining3,
            after: Box::new(after3),
        },
        Plan {
            vendor_id: v4.vendor_id.clone(),
            status_before: Status::Excluded,
            status_after: Status::Excluded,
            feasible: false,
            provably_minimal: false,
            min_steps: 0,
            total_increase: 0.0,
            steps: Vec::new(),
            unfixable: unfixable4,
            remaining: Vec::new(),
            after: Box::new(v4),
        },
    ]
}

/// Hostile supplier text used by the injection tests: spreadsheet formulas, markup, attribute
/// breakers, `javascript:` links, terminal escapes and bidi overrides.
pub const HOSTILE_TEXTS: &[&str] = &[
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "<script>alert(1)</script>",
    "\" onmouseover=\"alert(1)",
    "javascript:alert(1)",
    "</script><img src=x onerror=alert(1)>",
    "\u{1b}[31mred\u{202E}evil",
];

/// Suppliers whose ids, names, extra columns, evidence and comments are hostile text, with
/// results (one per entry of [`HOSTILE_TEXTS`], ids `H01`.. prefixed with the payload).
pub fn hostile_vendors() -> Vec<Vendor> {
    HOSTILE_TEXTS
        .iter()
        .enumerate()
        .map(|(i, payload)| {
            let raw_id = format!("{payload}H{:02}", i + 1);
            let id = VendorId::new(&raw_id)
                .or_else(|| VendorId::new(&format!("H{:02}", i + 1)))
                .unwrap_or_else(|| unreachable!("non-blank"));
            let mut v = Vendor::new(id);
            v.profile.name = Some(format!("{payload} Corp"));
            v.profile.country = Some("US".into());
            v.profile.criticality = Some(Criticality::Moderate);
            v.profile.ai_role = Some(AiRole::Integrator);
            v.profile.data_access = Some(DataAccess::Internal);
            v.profile.extra = BTreeMap::from([
                ("note".to_string(), (*payload).to_string()),
                ((*payload).to_string(), "header payload".to_string()),
            ]);
            for (qid, val) in [("GV-6.1", "3"), ("MG-4.3", "yes"), ("SC-GV.SC-05", "no")] {
                let q = QuestionId::new(qid);
                v.answers.insert(
                    q,
                    Answer {
                        question: q,
                        value: AnswerValue::parse(val).unwrap_or(AnswerValue::Unanswered),
                        evidence: Some((*payload).to_string()),
                        evidence_date: None,
                        comment: Some(format!("comment {payload}")),
                    },
                );
            }
            v
        })
        .collect()
}

/// Results for [`hostile_vendors`]: at risk, with a finding whose message quotes the payload.
pub fn hostile_results() -> Vec<VendorResult> {
    hostile_vendors()
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (lenses, _, applicable, answered) = score_vendor(v);
            let combined_score = combined(&lenses);
            VendorResult {
                vendor_id: v.id().clone(),
                profile: v.profile.clone(),
                tier: Tier::Moderate,
                status: Status::AtRisk,
                combined_score,
                combined_level: combined_score.map(MaturityLevel::from_score),
                lenses,
                coverage: f64::from(answered) / f64::from(applicable.max(1)),
                confidence: 0.0,
                residual_risk: 4,
                applicable,
                answered,
                findings: vec![finding(
                    Code::ContradictoryAnswers,
                    &format!("evidence '{}' contradicts the profile", HOSTILE_TEXTS[i]),
                    None,
                    &["GV-6.1"],
                    None,
                )],
                input_hash: "0".repeat(64),
                valid_until: None,
            }
        })
        .collect()
}

/// A deterministic synthetic portfolio of `n` results (ids `S00001`..), spread over every tier
/// and status, for size and responsiveness tests. Uses a fixed linear congruential sequence, so
/// the same `n` always gives the same results.
pub fn synthetic_results(n: usize) -> Vec<VendorResult> {
    let mut state: u64 = 0x5DEE_CE66_D1CE_4E5B;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // 53 random bits as a float in [0, 1).
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let group_ids: [&[&str]; 3] = [
        &["GOVERN", "MAP", "MEASURE", "MANAGE"],
        &[
            "4", "5", "6", "7", "8", "9", "10", "A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8",
            "A.9", "A.10",
        ],
        &["GV.SC"],
    ];
    (0..n)
        .map(|i| {
            let id = VendorId::new(&format!("S{:05}", i + 1)).unwrap_or_else(|| unreachable!());
            let base = 0.5 + 4.0 * next();
            let tier = Tier::ALL[(next() * 4.0) as usize % 4];
            let lenses: Vec<LensScore> = Lens::ALL
                .iter()
                .zip(group_ids)
                .map(|(lens, gids)| {
                    let groups: Vec<GroupScore> = gids
                        .iter()
                        .map(|g| GroupScore {
                            id: (*g).to_string().into(),
                            score: Some((base + (next() - 0.5) * 2.0).clamp(0.0, 5.0)),
                            items_scored: 2,
                        })
                        .collect();
                    let score =
                        groups.iter().filter_map(|g| g.score).sum::<f64>() / groups.len() as f64;
                    LensScore {
                        lens: *lens,
                        score: Some(score),
                        level: Some(MaturityLevel::from_score(score)),
                        groups,
                    }
                })
                .collect();
            let combined_score = combined(&lenses);
            let c = combined_score.unwrap_or(0.0);
            let threshold = 1.5 + 0.5 * f64::from(tier.index() - 1);
            let roll = next();
            let (status, findings) = if roll < 0.01 {
                (
                    Status::Excluded,
                    vec![finding(
                        Code::HardGateSam,
                        "Active SAM.gov exclusion",
                        None,
                        &[],
                        None,
                    )],
                )
            } else if c < threshold {
                (
                    Status::AtRisk,
                    vec![finding(
                        Code::BelowTierThreshold,
                        &format!(
                            "combined score {c:.2} is below the {tier}-tier minimum {threshold:.2}"
                        ),
                        None,
                        &[],
                        None,
                    )],
                )
            } else if roll < 0.3 {
                (
                    Status::Conditional,
                    vec![finding(
                        Code::MissingEvidence,
                        "positive answers lack evidence",
                        None,
                        &["GV-6.1"],
                        None,
                    )],
                )
            } else {
                (Status::Eligible, Vec::new())
            };
            let mut profile = VendorProfile::bare(id.clone());
            profile.name = Some(format!("Supplier {:05}", i + 1));
            VendorResult {
                vendor_id: id,
                profile,
                tier,
                status,
                combined_score,
                combined_level: combined_score.map(MaturityLevel::from_score),
                lenses,
                coverage: 0.6 + 0.4 * next(),
                confidence: next(),
                residual_risk: 1 + (next() * 5.0) as u8 % 5,
                applicable: 10,
                answered: 9,
                findings,
                input_hash: "0".repeat(64),
                valid_until: None,
            }
        })
        .collect()
}
