//! Coverage of the embedded catalog: every framework item is asked about, the fixed supplier
//! topics exist, and the catalog loads with full validation.

use scrm_catalog::{Catalog, frameworks, lenses_of};
use scrm_model::{AnswerKind, Lens, Question};
use std::collections::BTreeSet;

fn builtin() -> &'static Catalog {
    Catalog::builtin()
}

fn ids_with_prefix(prefix: &str) -> Vec<&'static str> {
    builtin()
        .questions()
        .iter()
        .map(|q| q.id.as_str())
        .filter(|id| id.starts_with(prefix))
        .collect()
}

/// The embedded sources load without a single problem, and include aims.toml.
#[test]
fn builtin_sources_validate() {
    let names: Vec<&str> = Catalog::builtin_sources().iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "catalog.toml",
            "airm.toml",
            "aims.toml",
            "cscrm.toml",
            "supplier.toml",
            "crosswalk.csv"
        ]
    );
    let c = Catalog::from_sources(Catalog::builtin_sources()).map_err(|e| e.to_string());
    let c = c
        .as_ref()
        .map(|c| (c.id(), c.version(), c.questions().len()));
    assert_eq!(c, Ok(("scrm-ai-scrm", "2026.11.0", 72 + 67 + 10 + 11)));
}

/// Questions come file by file in catalog.toml order: AI RMF, ISO/IEC 42001, C-SCRM, supplier.
#[test]
fn catalog_order() {
    let qs = builtin().questions();
    let first_of = |prefix: &str| qs.iter().position(|q| q.id.as_str().starts_with(prefix));
    assert_eq!(qs[0].id.as_str(), "GV-1.1");
    assert_eq!(qs[71].id.as_str(), "MG-4.3");
    assert_eq!(first_of("AIMS-"), Some(72));
    assert_eq!(first_of("GV.SC-"), Some(72 + 67));
    assert_eq!(first_of("SUP-"), Some(72 + 67 + 10));
}

/// Exactly one AI RMF question per subcategory, named after it (`GV-1.1` asks GOVERN 1.1).
#[test]
fn one_airm_question_per_subcategory() {
    let codes = [
        ("GOVERN", "GV"),
        ("MAP", "MP"),
        ("MEASURE", "MS"),
        ("MANAGE", "MG"),
    ];
    let mut expected = Vec::new();
    for item in frameworks::airm_subcategories() {
        let (function, number) = item.id.split_once(' ').unwrap_or_default();
        let code = codes
            .iter()
            .find(|(f, _)| *f == function)
            .map(|(_, c)| *c)
            .unwrap_or_default();
        expected.push((format!("{code}-{number}"), vec![item.id.to_string()]));
    }
    let actual: Vec<(String, Vec<String>)> = builtin().questions()[..72]
        .iter()
        .map(|q| (q.id.to_string(), q.refs.airm.clone()))
        .collect();
    assert_eq!(actual, expected);
}

/// Per-function counts of the AI RMF questions: 19 / 18 / 22 / 13.
#[test]
fn airm_counts_per_function() {
    let counts = ["GV-", "MP-", "MS-", "MG-"].map(|p| ids_with_prefix(p).len());
    assert_eq!(counts, [19, 18, 22, 13]);
}

/// Every AI RMF subcategory is cited by at least one question.
#[test]
fn every_airm_subcategory_is_covered() {
    let cited: BTreeSet<&str> = builtin()
        .questions()
        .iter()
        .flat_map(|q| q.refs.airm.iter().map(String::as_str))
        .collect();
    let missing: Vec<&str> = frameworks::airm_subcategories()
        .iter()
        .map(|i| i.id)
        .filter(|id| !cited.contains(id))
        .collect();
    assert_eq!(missing, Vec::<&str>::new());
}

/// Each of the 29 ISO/IEC 42001 clause items and 38 Annex A controls is cited directly by at
/// least one question (sub-clauses 6.1.x count for 6.1).
#[test]
fn every_aims_item_is_covered() {
    let cited: BTreeSet<&str> = builtin()
        .questions()
        .iter()
        .flat_map(|q| {
            q.refs
                .aims
                .iter()
                .filter_map(|a| frameworks::aims_item_for(a))
        })
        .collect();
    let missing: Vec<&str> = frameworks::aims_clauses()
        .iter()
        .chain(frameworks::aims_annex_a())
        .map(|i| i.id)
        .filter(|id| !cited.contains(id))
        .collect();
    assert_eq!(missing, Vec::<&str>::new());
    assert_eq!(ids_with_prefix("AIMS-").len(), 67);
}

/// GV.SC-01..10 each have their own question, asked of every supplier.
#[test]
fn one_question_per_gv_sc() {
    let qs: Vec<(&str, &[String], usize)> = builtin()
        .questions()
        .iter()
        .filter(|q| q.id.as_str().starts_with("GV.SC-"))
        .map(|q| (q.id.as_str(), q.refs.csf.as_slice(), q.roles.len()))
        .collect();
    let expected: Vec<String> = frameworks::csf_gv_sc()
        .iter()
        .map(|i| i.id.to_string())
        .collect();
    assert_eq!(
        qs.iter()
            .map(|(id, _, _)| id.to_string())
            .collect::<Vec<_>>(),
        expected
    );
    for (id, csf, roles) in qs {
        assert_eq!(csf, [id.to_string()], "{id} cites its own subcategory");
        assert_eq!(roles, 0, "{id} applies to every supplier");
    }
}

/// The supplier topics the policy and engine refer to exist with the agreed answer kinds.
#[test]
fn supplier_topics() {
    let c = builtin();
    let spec = |id: &str| {
        c.question(id).map(|q: &Question| {
            (
                q.answer.kind,
                q.answer.na_allowed,
                q.roles.is_empty(),
                q.weight >= 1.5,
            )
        })
    };
    let m = AnswerKind::Maturity;
    let y = AnswerKind::YesPartialNo;
    let expected = [
        ("SUP-SUBTIER-INVENTORY", (m, false, false, true)),
        ("SUP-FLOWDOWN", (m, false, false, true)),
        ("SUP-PROVENANCE", (m, false, false, true)),
        ("SUP-AIBOM", (y, false, false, true)),
        ("SUP-INCIDENT-NOTIFY", (y, false, false, true)),
        ("SUP-TRAINING-DATA", (y, false, false, true)),
        ("SUP-PRETRAINED", (m, false, false, true)),
        ("SUP-GENAI-RISK", (m, true, false, true)),
        ("SUP-VULN", (m, false, false, true)),
        ("SUP-EXCLUSION-SCREEN", (y, false, true, true)),
        ("SUP-ISO42001-CERT", (y, false, false, true)),
    ];
    for (id, want) in expected {
        assert_eq!(spec(id), Some(want), "{id}");
    }
    assert_eq!(ids_with_prefix("SUP-").len(), expected.len());
}

/// The supplier topics cite the framework items the brief names.
#[test]
fn supplier_topic_references() {
    let c = builtin();
    let refs = |id: &str| c.question(id).map(|q| q.refs.clone()).unwrap_or_default();
    let r = refs("SUP-SUBTIER-INVENTORY");
    assert_eq!(
        (r.airm, r.aims, r.csf, r.sp800_161),
        (
            vec!["GOVERN 6.1".to_string(), "MANAGE 3.1".into()],
            vec!["A.10.3".to_string()],
            vec!["GV.SC-04".to_string()],
            vec!["SR-13".to_string()],
        )
    );
    let r = refs("SUP-INCIDENT-NOTIFY");
    assert_eq!(
        (r.airm, r.aims, r.csf, r.sp800_161),
        (
            vec!["MANAGE 4.3".to_string()],
            vec!["A.8.4".to_string()],
            vec!["GV.SC-08".to_string()],
            vec!["SR-8".to_string(), "IR-6".into()],
        )
    );
    assert_eq!(refs("SUP-FLOWDOWN").sp800_161, ["SR-3(3)", "SA-4"]);
    assert_eq!(refs("SUP-ISO42001-CERT").aims, ["4.4"]);
    assert_eq!(refs("SUP-TRAINING-DATA").eu_ai_act, ["10"]);
    assert!(refs("SUP-GENAI-RISK").ai600_1.len() >= 5);
}

/// Which lenses each file's questions fall in.
#[test]
fn lenses() {
    let c = builtin();
    let lens_of = |id: &str| c.question(id).map(lenses_of).unwrap_or_default();
    assert_eq!(lens_of("GV-6.1"), [Lens::Airm]);
    assert_eq!(lens_of("GV.SC-05"), [Lens::Cscrm]);
    assert_eq!(
        lens_of("SUP-SUBTIER-INVENTORY"),
        [Lens::Airm, Lens::Aims, Lens::Cscrm]
    );
    assert_eq!(lens_of("SUP-VULN"), [Lens::Airm, Lens::Cscrm]);
    assert!(lens_of("AIMS-A.10.3").contains(&Lens::Aims));
    for q in c.questions() {
        assert!(!lenses_of(q).is_empty(), "{} counts in no lens", q.id);
    }
}

/// Every text is present in both languages, asked as a question, and the Chinese uses
/// Traditional characters and Taiwan terms.
#[test]
fn text_quality() {
    // Simplified-only characters and mainland terms a Taiwanese reader would stumble on.
    const NOT_TAIWAN: &[&str] = &[
        "数",
        "据",
        "质",
        "审",
        "计",
        "软",
        "网",
        "络",
        "户",
        "项",
        "档",
        "优",
        "认",
        "证",
        "试",
        "测",
        "验",
        "评",
        "风",
        "险",
        "资",
        "讯",
        "务",
        "应",
        "发",
        "经",
        "过",
        "这",
        "们",
        "时",
        "为",
        "对",
        "会",
        "动",
        "进",
        "现",
        "实",
        "关",
        "开",
        "无",
        "问",
        "间",
        "设",
        "识",
        "该",
        "请",
        "调",
        "语",
        "类",
        "规",
        "处",
        "权",
        "责",
        "录",
        "层",
        "级",
        "统",
        "织",
        "组",
        "环",
        "节",
        "变",
        "总",
        "条",
        "护",
        "签",
        "营",
        "训",
        "练",
        "链",
        "错",
        "标",
        "选",
        "择",
        "专",
        "业",
        "与",
        "体",
        "确",
        "备",
        "报",
        "运",
        "检",
        "线",
        "个",
        "信息",
        "用户",
        "项目",
        "文档",
        "默认",
        "视频",
        "程序员",
        "服务器",
    ];
    let mut bad = Vec::new();
    for q in builtin().questions() {
        for (field, text) in [
            ("topic", &q.topic),
            ("text", &q.text),
            ("guidance", &q.guidance),
        ] {
            if text.en.trim().is_empty() || text.zh_tw.trim().is_empty() {
                bad.push(format!("{} {field}: blank", q.id));
            }
            for term in NOT_TAIWAN {
                if text.zh_tw.contains(term) {
                    bad.push(format!("{} {field}.zh-TW contains {term}", q.id));
                }
            }
        }
        if !q.text.en.trim_end().ends_with('?') || !q.text.zh_tw.trim_end().ends_with('？') {
            bad.push(format!("{} text is not asked as a question", q.id));
        }
    }
    assert_eq!(bad, Vec::<String>::new());
}

/// Supplier-critical AI RMF subcategories carry a higher weight; every weight is positive.
#[test]
fn weights() {
    let c = builtin();
    for id in ["GV-6.1", "GV-6.2", "MP-4.1", "MP-4.2", "MG-3.1", "MG-3.2"] {
        let w = c.question(id).map(|q| q.weight).unwrap_or_default();
        assert!((1.5..=2.0).contains(&w), "{id} weight {w}");
    }
    assert!(
        c.questions()
            .iter()
            .all(|q| q.weight.is_finite() && q.weight > 0.0)
    );
}

/// The hash is a SHA-256 hex string, stable across calls and loads.
#[test]
fn hash_is_stable() {
    let a = Catalog::builtin().hash().to_string();
    let b = Catalog::from_sources(Catalog::builtin_sources()).map(|c| c.hash().to_string());
    assert_eq!(Ok(a.clone()), b.map_err(|e| e.to_string()));
    assert_eq!(a, Catalog::builtin().hash());
    assert_eq!(a.len(), 64);
    assert!(
        a.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
}
