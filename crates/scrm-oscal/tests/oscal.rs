//! The OSCAL exports against NIST's schemas (1.1.2 and 1.2.1), whole, with every id unique and
//! every reference resolved; deterministic; hostile supplier text inert once rendered.

use scrm_catalog::Catalog;
use scrm_model::Lang;
use scrm_model::{Plan, RunManifest, Status, VendorResult};
use scrm_oscal::testutil::{assert_inert, walk};
use scrm_oscal::{
    Assessment, OscalError, assessment_results, assessment_results_json, catalog, poam, poam_json,
    to_json,
};
use scrm_report::testutil::{
    HOSTILE_TEXTS, hostile_results, sample_manifest, sample_plans, sample_results,
    synthetic_results,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The schema versions every document is checked against.
const VERSIONS: [&str; 2] = ["v1.1.2", "v1.2.1"];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &std::path::Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// NIST's schema of one model (`assessment-results`, `poam`) in one version, compiled once.
fn validator(model: &str, version: &str) -> &'static jsonschema::Validator {
    static CACHE: OnceLock<BTreeMap<String, jsonschema::Validator>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        let mut m = BTreeMap::new();
        for v in VERSIONS {
            for model in ["assessment-results", "poam", "catalog"] {
                let path = crate_dir().join(format!("schemas/{v}/oscal_{model}_schema.json"));
                let schema = read_json(&path);
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft7)
                    .should_validate_formats(true)
                    .build(&schema)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                m.insert(format!("{model} {v}"), validator);
            }
        }
        m
    });
    &all[&format!("{model} {version}")]
}

/// Every schema error of a document, as `path: message` lines (empty when valid).
fn schema_errors(model: &str, version: &str, doc: &Value) -> Vec<String> {
    validator(model, version)
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .take(20)
        .collect()
}

fn assert_valid(model: &str, doc: &Value) {
    for v in VERSIONS {
        let errors = schema_errors(model, v, doc);
        assert!(errors.is_empty(), "{model} {v}:\n{}", errors.join("\n"));
    }
}

fn assessment<'a>(
    results: &'a [VendorResult],
    plans: &'a [Plan],
    manifest: &'a RunManifest,
) -> Assessment<'a> {
    Assessment {
        results,
        plans,
        manifest,
        catalog: Catalog::builtin(),
        deadline_days: None,
    }
}

/// The assessment results as the binary writes them (each supplier serialized on its own core),
/// checked to be the same bytes as the typed document serialized whole.
fn ar_json(a: &Assessment<'_>) -> Value {
    let fast = assessment_results_json(a).expect("serialize");
    let whole = to_json(&assessment_results(a)).expect("serialize");
    assert_same(&fast, &whole);
    serde_json::from_slice(&fast).expect("JSON")
}

/// The POA&M likewise.
fn pm_json(a: &Assessment<'_>) -> Value {
    let fast = poam_json(a).expect("serialize");
    let whole = to_json(&poam(a).expect("a POA&M")).expect("serialize");
    assert_same(&fast, &whole);
    serde_json::from_slice(&fast).expect("JSON")
}

/// Two byte strings the same; on a difference, the first line that differs.
fn assert_same(got: &[u8], want: &[u8]) {
    if got != want {
        let (g, w) = (String::from_utf8_lossy(got), String::from_utf8_lossy(want));
        let (n, (gl, wl)) = g
            .lines()
            .zip(w.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap_or((0, ("(length)", "(length)")));
        panic!("line {}: {gl:?} != {wl:?}", n + 1);
    }
}

/// Every `uuid` is distinct (party ids appear once, in the metadata), and every reference to
/// an observation, a risk, a party or a back-matter resource names one that exists.
fn assert_ids_resolve(doc: &Value) {
    let mut defined = BTreeSet::new();
    walk(doc, "", &mut |k, v| {
        if k == "uuid" {
            let s = v.as_str().expect("uuid is a string");
            assert!(defined.insert(s.to_string()), "uuid {s} defined twice");
        }
    });
    let mut refs = Vec::new();
    walk(doc, "", &mut |k, v| {
        if matches!(k, "observation-uuid" | "risk-uuid" | "subject-uuid") {
            refs.push(v.as_str().expect("a string").to_string());
        }
        if k == "href" && v.as_str().is_some_and(|h| h.starts_with('#')) {
            refs.push(v.as_str().unwrap_or_default()[1..].to_string());
        }
    });
    assert!(!refs.is_empty());
    for r in refs {
        assert!(defined.contains(&r), "reference to {r} resolves to nothing");
    }
}

#[test]
fn nist_examples_pass_and_a_broken_document_fails() {
    // The validator set up as the tests use it accepts NIST's own examples ...
    for (model, file) in [
        ("assessment-results", "ifa_assessment-results-example.json"),
        ("poam", "ifa_plan-of-action-and-milestones.json"),
        ("catalog", "basic-catalog.json"),
    ] {
        let doc = read_json(&crate_dir().join("tests/examples").join(file));
        assert_valid(model, &doc);
    }
    // ... and refuses what OSCAL forbids: a version 1 UUID, a time without a zone, an empty list.
    let (results, plans, manifest) = (sample_results(), sample_plans(), sample_manifest());
    let mut doc = ar_json(&assessment(&results, &plans, &manifest));
    doc["assessment-results"]["uuid"] = "c232d1a8-9d8b-11ee-8c90-0242ac120002".into();
    doc["assessment-results"]["metadata"]["last-modified"] = "2025-06-30T06:00:00".into();
    doc["assessment-results"]["results"][0]["observations"] = Value::Array(Vec::new());
    for v in VERSIONS {
        let paths: BTreeSet<String> = validator("assessment-results", v)
            .iter_errors(&doc)
            .map(|e| e.instance_path().to_string())
            .collect();
        assert_eq!(
            paths,
            BTreeSet::from(
                [
                    "/assessment-results/metadata/last-modified",
                    "/assessment-results/results/0/observations",
                    "/assessment-results/uuid",
                ]
                .map(String::from)
            ),
            "{v}"
        );
    }
}

#[test]
fn sample_documents_are_valid_and_whole() {
    let (results, plans, manifest) = (sample_results(), sample_plans(), sample_manifest());
    let a = assessment(&results, &plans, &manifest);
    let ar = ar_json(&a);
    let pm = pm_json(&a);
    assert_valid("assessment-results", &ar);
    assert_valid("poam", &pm);
    assert_ids_resolve(&ar);
    assert_ids_resolve(&pm);
    let settings = {
        let mut s = insta::Settings::clone_current();
        s.set_snapshot_path(crate_dir().join("tests/snapshots"));
        s.set_prepend_module_to_snapshot(false);
        s
    };
    settings.bind(|| {
        insta::assert_json_snapshot!("sample_assessment_results", ar);
        insta::assert_json_snapshot!("sample_poam", pm);
    });
}

#[test]
fn hostile_text_is_valid_and_inert() {
    // Half the suppliers have no name: their id, hostile too, names them (a fuzzer found a NUL
    // in an id reaching a party's name raw).
    let mut results = hostile_results();
    for r in results.iter_mut().step_by(2) {
        r.profile.name = None;
    }
    let manifest = sample_manifest();
    let a = assessment(&results, &[], &manifest);
    let (ar, pm) = (ar_json(&a), pm_json(&a));
    assert_valid("assessment-results", &ar);
    assert_valid("poam", &pm);
    assert_ids_resolve(&ar);
    for doc in [&ar, &pm] {
        assert!(assert_inert(doc) > 0);
        // Each payload is kept, escaped, not dropped: the message quoting it is in the document.
        let text = doc.to_string();
        for payload in HOSTILE_TEXTS {
            let json = serde_json::to_string(&scrm_oscal::markup_inline(payload)).expect("json");
            assert!(
                text.contains(&json[1..json.len() - 1]),
                "{payload:?} is missing"
            );
        }
    }
}

#[test]
fn same_inputs_give_the_same_bytes_in_any_order() {
    let (results, plans, manifest) = (sample_results(), sample_plans(), sample_manifest());
    let (mut shuffled, mut plans_shuffled) = (results.clone(), plans.clone());
    shuffled.reverse();
    plans_shuffled.reverse();
    let mut later = manifest.clone();
    later.generated_at = "2031-12-31T23:59:59Z".into();
    let a = assessment(&results, &plans, &manifest);
    let b = assessment(&shuffled, &plans_shuffled, &manifest);
    let c = assessment(&results, &plans, &later);
    let ar = |x: &Assessment<'_>| to_json(&assessment_results(x)).expect("ar");
    let pm = |x: &Assessment<'_>| to_json(&poam(x).expect("poam")).expect("poam");
    assert!(ar(&a) == ar(&b));
    assert!(pm(&a) == pm(&b));
    // Another time changes nothing but the time: ids come from the content, not the clock.
    let text = |v: Vec<u8>, t: &str| String::from_utf8(v).expect("utf-8").replace(t, "T");
    assert_eq!(
        text(ar(&a), &manifest.generated_at),
        text(ar(&c), &later.generated_at)
    );
    assert_eq!(
        text(pm(&a), &manifest.generated_at),
        text(pm(&c), &later.generated_at)
    );
    // Other inputs are another assessment: new document and result ids, the same party ids.
    let mut other = manifest.clone();
    other.inputs[1].sha256 = "3".repeat(64);
    let (x, y) = (ar_json(&a), ar_json(&assessment(&results, &plans, &other)));
    let doc = |v: &Value, p: &str| v["assessment-results"].pointer(p).cloned();
    assert_ne!(doc(&x, "/uuid"), doc(&y, "/uuid"));
    assert_ne!(doc(&x, "/results/0/uuid"), doc(&y, "/results/0/uuid"));
    assert_eq!(
        doc(&x, "/metadata/parties/0/uuid"),
        doc(&y, "/metadata/parties/0/uuid")
    );
}

/// A run that scored no supplier has nothing to report: OSCAL's `results` (like a POA&M's
/// items) may not be empty, so neither document is written.
#[test]
fn no_supplier_no_document() {
    let manifest = sample_manifest();
    let a = assessment(&[], &[], &manifest);
    assert!(matches!(
        assessment_results_json(&a),
        Err(OscalError::NoSupplier)
    ));
    assert!(matches!(poam(&a), Err(OscalError::NoSupplier)));
}

#[test]
fn a_portfolio_with_nothing_to_resolve_has_no_poam() {
    let manifest = sample_manifest();
    let eligible: Vec<VendorResult> = sample_results()
        .into_iter()
        .filter(|r| r.status == Status::Eligible)
        .collect();
    assert!(!eligible.is_empty());
    let a = assessment(&eligible, &[], &manifest);
    assert!(matches!(poam(&a), Err(OscalError::NothingToResolve)));
    // The assessment results still say who was assessed.
    let ar = ar_json(&a);
    assert_valid("assessment-results", &ar);
    assert_eq!(
        ar["assessment-results"]["results"].as_array().map(Vec::len),
        Some(eligible.len())
    );
}

/// A catalog of three questions (AI RMF, ISO/IEC 42001, neither), one topic hostile markup.
fn mini_catalog() -> Catalog {
    let header = "[catalog]\nid = \"mini\"\nversion = \"1.0.0\"\nfiles = [\"q.toml\"]\ncrosswalk = \"cw.csv\"\n";
    let question = |id: &str, topic: &str, refs: &str| {
        format!(
            "[[question]]\nid = \"{id}\"\ntopic = {{ en = \"{topic}\", zh-TW = \"題目\" }}\n\
             text = {{ en = \"Do you?\", zh-TW = \"是否？\" }}\nguidance = {{ en = \"A record.\", zh-TW = \"紀錄。\" }}\n\
             answer = \"maturity\"\nweight = 1.5\nroles = [\"provider\"]\ngovernance = \"monitor\"\n{refs}\n"
        )
    };
    let questions = [
        question(
            "GV-6.1",
            "Third-party AI risks",
            "refs.airm = [\"GOVERN 6.1\"]\nrefs.csf = [\"GV.SC-05\"]",
        ),
        question(
            "ISO-A.10.3",
            "<b>[Suppliers](http://x.example)</b>",
            "refs.aims = [\"A.10.3\"]",
        ),
        question(
            "GAI-1",
            "Content provenance",
            "refs.ai600_1 = [\"MS-2.7-001\"]",
        ),
    ]
    .concat();
    Catalog::from_sources(&[
        ("catalog.toml", header),
        ("q.toml", &questions),
        (
            "cw.csv",
            "airm,iso,provenance,note\nGOVERN 6.1,A.10.3,test,\n",
        ),
    ])
    .unwrap_or_else(|e| panic!("mini catalog: {e}"))
}

/// Every control and part id of a catalog document, and the objective ids among them.
fn catalog_ids(doc: &Value) -> (Vec<String>, BTreeSet<String>) {
    let mut ids = Vec::new();
    let mut objectives = BTreeSet::new();
    walk(doc, "", &mut |_, v| {
        if let Some(id) = v.get("id").and_then(Value::as_str) {
            ids.push(id.to_string());
            if v["name"] == "assessment-objective" {
                objectives.insert(id.to_string());
            }
        }
    });
    (ids, objectives)
}

#[test]
fn catalog_is_valid_and_whole() {
    let c = mini_catalog();
    for lang in Lang::ALL {
        let doc = serde_json::to_value(catalog(&c, lang, "2026-11-02T06:00:00Z")).expect("JSON");
        assert_valid("catalog", &doc);
        // One topic is hostile markup (a tag around a link): it stays text.
        assert!(assert_inert(&doc) > 0);
        let settings = {
            let mut s = insta::Settings::clone_current();
            s.set_snapshot_path(crate_dir().join("tests/snapshots"));
            s.set_prepend_module_to_snapshot(false);
            s
        };
        settings.bind(|| insta::assert_json_snapshot!(format!("mini_catalog_{lang}"), doc));
    }
}

/// The shipped catalog exports valid, with unique ids, and every finding of the sample's
/// assessment results targets one of its objectives.
#[test]
fn findings_target_the_exported_catalog() {
    let doc = serde_json::to_value(catalog(
        Catalog::builtin(),
        Lang::En,
        "2026-11-02T06:00:00Z",
    ))
    .expect("JSON");
    assert_valid("catalog", &doc);
    let (ids, objectives) = catalog_ids(&doc);
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "ids are unique in the catalog");
    // 160 questions and 3 + 14 rules, each with an objective.
    assert_eq!(
        objectives.len(),
        Catalog::builtin().questions().len() + 3 + 14
    );
    let (results, plans, manifest) = (sample_results(), sample_plans(), sample_manifest());
    let mut targets = BTreeSet::new();
    let ar = ar_json(&assessment(&results, &plans, &manifest));
    walk(&ar, "", &mut |k, v| {
        if k == "target-id" {
            targets.insert(v.as_str().expect("a string").to_string());
        }
    });
    assert!(targets.len() > 5, "{targets:?}");
    // The sample's one made-up question (`SC-SR-6`) is the only target the shipped catalog
    // lacks; the demo portfolio, scored for real, resolves whole (tests/it/oscal.rs).
    let missing: Vec<&String> = targets.difference(&objectives).collect();
    assert_eq!(missing, ["sc-sr-6_obj"], "targets with no objective");
}

/// With the policy's remediation deadline, each supplier at risk or excluded has a risk due on
/// that day and each of its responses ends in a milestone on it; the documents stay valid.
#[test]
fn a_deadline_dates_the_risks_and_their_milestones() {
    let (results, plans, manifest) = (sample_results(), sample_plans(), sample_manifest());
    let a = Assessment {
        deadline_days: Some(30),
        ..assessment(&results, &plans, &manifest)
    };
    let (ar, pm) = (ar_json(&a), pm_json(&a));
    assert_valid("assessment-results", &ar);
    assert_valid("poam", &pm);
    // as-of 2025-06-30 plus 30 days.
    let due = "2025-07-30T23:59:59Z";
    let risks = pm["plan-of-action-and-milestones"]["risks"]
        .as_array()
        .expect("risks");
    assert_eq!(risks.len(), 2, "V003 at risk, V004 excluded");
    for risk in risks {
        assert_eq!(risk["deadline"], due);
        for response in risk["remediations"].as_array().expect("remediations") {
            let last = response["tasks"]
                .as_array()
                .and_then(|t| t.last())
                .expect("a milestone");
            assert_eq!(
                (
                    last["type"].as_str(),
                    last["timing"]["on-date"]["date"].as_str()
                ),
                (Some("milestone"), Some(due))
            );
        }
    }
    // Without one, no deadline and no milestone anywhere.
    let plain = pm_json(&assessment(&results, &plans, &manifest)).to_string();
    assert!(!plain.contains("\"deadline\":") && !plain.contains("\"type\":\"milestone\""));
}

/// Streamed a chunk of suppliers at a time, a document over several chunks is still the same
/// bytes as the typed document serialized whole (4,096 suppliers a chunk).
#[test]
fn documents_over_several_chunks_are_whole() {
    let results = synthetic_results(4096 * 2 + 3);
    let manifest = sample_manifest();
    let a = Assessment {
        deadline_days: Some(14),
        ..assessment(&results, &[], &manifest)
    };
    let (ar, pm) = (ar_json(&a), pm_json(&a));
    assert_eq!(
        ar["assessment-results"]["results"].as_array().map(Vec::len),
        Some(results.len())
    );
    assert!(
        pm["plan-of-action-and-milestones"]["poam-items"]
            .as_array()
            .is_some_and(|i| i.len() > 4096)
    );
}

/// Suppliers with warnings only (conditional): a POA&M of items with no risk at all.
#[test]
fn a_poam_of_warnings_only_has_no_risks() {
    let manifest = sample_manifest();
    let conditional: Vec<VendorResult> = sample_results()
        .into_iter()
        .filter(|r| r.status == Status::Conditional)
        .collect();
    assert!(!conditional.is_empty());
    let pm = pm_json(&assessment(&conditional, &[], &manifest));
    assert_valid("poam", &pm);
    let doc = &pm["plan-of-action-and-milestones"];
    assert!(doc.get("risks").is_none());
    assert!(doc["poam-items"].as_array().is_some_and(|i| !i.is_empty()));
}
