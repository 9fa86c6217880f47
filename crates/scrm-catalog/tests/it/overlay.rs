//! Buyer overlays: weight changes, switching questions off and on, new questions, version
//! suffixes, the hash, and located errors; plus errors in the catalog sources themselves.

use scrm_catalog::{Catalog, lenses_of};
use scrm_model::{AnswerKind, Lens, QuestionLookup, Resolution};

fn apply(name: &str, src: &str) -> Catalog {
    match Catalog::builtin().with_overlay(name, src) {
        Ok(c) => c,
        Err(e) => panic!("overlay {name} should apply: {e}"),
    }
}

/// Changing a weight replaces that field only; the hash changes, the version does not.
#[test]
fn weight_change() {
    let base = Catalog::builtin();
    let c = apply(
        "weights.toml",
        "[[question]]\nid = \"GV-6.1\"\nweight = 3.0\n",
    );
    let before = base.question("GV-6.1").cloned();
    let after = c.question("GV-6.1").cloned();
    assert_eq!(after.as_ref().map(|q| q.weight), Some(3.0));
    let mut expected = before;
    if let Some(q) = expected.as_mut() {
        q.weight = 3.0;
    }
    assert_eq!(after, expected);
    assert_eq!(c.questions().len(), base.questions().len());
    assert_eq!(c.version(), base.version());
    assert_ne!(c.hash(), base.hash());
}

/// An overlay may name a question in any accepted spelling.
#[test]
fn overlay_ids_are_normalized() {
    let c = apply(
        "w.toml",
        "[[question]]\nid = \"GOVERN 6.2\"\nweight = 1.75\n",
    );
    assert_eq!(c.question("GV-6.2").map(|q| q.weight), Some(1.75));
}

/// `enabled = false` switches a question off: gone from questions(), still a known id.
#[test]
fn switch_off_and_on() {
    let base = Catalog::builtin();
    let off = apply(
        "off.toml",
        "[catalog]\nversion = \"acme-1\"\n\n[[question]]\nid = \"SUP-GENAI-RISK\"\nenabled = false\n",
    );
    assert_eq!(off.questions().len(), base.questions().len() - 1);
    assert_eq!(off.question("SUP-GENAI-RISK"), None);
    assert_eq!(off.disabled_ids(), ["SUP-GENAI-RISK"]);
    assert!(matches!(
        off.resolve("sup_genai_risk"),
        Resolution::Known(..)
    ));
    assert_eq!(off.version(), "2026.11.0+acme-1");

    let on = off
        .with_overlay("on.toml", "[catalog]\nversion = \"q2\"\n\n[[question]]\nid = \"SUP-GENAI-RISK\"\nenabled = true\n")
        .map_err(|e| e.to_string());
    let on = on.as_ref().map(|c| {
        (
            c.questions().len(),
            c.version().to_string(),
            c.disabled_ids().len(),
        )
    });
    assert_eq!(
        on,
        Ok((base.questions().len(), "2026.11.0+acme-1.q2".to_string(), 0))
    );
}

const NEW_QUESTION: &str = r#"
[catalog]
version = "acme-1"

[[question]]
id = "ACME-DATA-RESIDENCY"
topic = { en = "Data residency", zh-TW = "資料存放地" }
text = { en = "Do you keep our data and model logs in Taiwan?", zh-TW = "貴公司是否將我方資料與模型日誌存放於臺灣境內？" }
guidance = { en = "Hosting contract naming the region.", zh-TW = "載明機房所在區域的託管合約。" }
answer = "yes-partial-no"
weight = 1.5
roles = []
governance = "direct"
aliases = ["ACME-DR"]
refs.csf = ["GV.SC-05"]

[[question]]
id = "GV-1.1"
text.en = "How mature is your tracking of AI laws that apply to the services you deliver to ACME?"
"#;

/// A new question is appended after the built-in ones; partial text patches one language.
#[test]
fn new_question_and_partial_text() {
    let base = Catalog::builtin();
    let c = apply("acme.toml", NEW_QUESTION);
    let last = c
        .questions()
        .last()
        .map(|q| (q.id.as_str(), q.answer.kind, lenses_of(q)));
    assert_eq!(
        last,
        Some((
            "ACME-DATA-RESIDENCY",
            AnswerKind::YesPartialNo,
            vec![Lens::Cscrm]
        ))
    );
    assert_eq!(c.questions().len(), base.questions().len() + 1);
    assert!(
        matches!(c.resolve("acme_dr"), Resolution::Known(id, _) if id.as_str() == "ACME-DATA-RESIDENCY")
    );
    let gv11 = c
        .question("GV-1.1")
        .map(|q| (q.text.en.as_str(), q.text.zh_tw.as_str()));
    let base_zh = base
        .question("GV-1.1")
        .map(|q| q.text.zh_tw.as_str())
        .unwrap_or_default();
    assert_eq!(
        gv11,
        Some((
            "How mature is your tracking of AI laws that apply to the services you deliver to ACME?",
            base_zh
        ))
    );
}

/// The hash covers the overlay: same overlay, same hash; different overlay, different hash.
#[test]
fn hash_covers_the_overlay() {
    let a = apply("acme.toml", NEW_QUESTION);
    let b = apply("acme.toml", NEW_QUESTION);
    let c = apply("acme.toml", &NEW_QUESTION.replace("1.5", "2.0"));
    assert_eq!(a.hash(), b.hash());
    assert_ne!(a.hash(), c.hash());
    assert_ne!(a.hash(), Catalog::builtin().hash());
    assert_eq!(Catalog::builtin().hash(), Catalog::builtin().hash());
}

/// The hash covers what an overlay says, not where it lies: the same file named by a relative
/// and by an absolute path gives the same hash (a nightly run would otherwise re-score every
/// vendor), while its problems still name the path as given.
#[test]
fn hash_ignores_the_overlay_path() {
    let relative = apply("benches/acme.toml", NEW_QUESTION);
    let absolute = apply("/work/main/benches/acme.toml", NEW_QUESTION);
    assert_eq!(relative.hash(), absolute.hash());

    // Stacked overlays are still told apart by their order and their text.
    let off = "[[question]]\nid = \"SUP-GENAI-RISK\"\nenabled = false\n";
    let on = "[[question]]\nid = \"SUP-GENAI-RISK\"\nenabled = true\n";
    let stack = |first: &str, second: &str| {
        apply("one.toml", first)
            .with_overlay("two.toml", second)
            .map(|c| c.hash().to_string())
            .map_err(|e| e.to_string())
    };
    assert_ne!(stack(off, on), stack(on, off));

    let err = Catalog::builtin()
        .with_overlay("/abs/path/broken.toml", "[[question]\nid = 1\n")
        .map(|c| c.hash().to_string())
        .map_err(|e| e.to_string());
    assert!(
        matches!(&err, Err(e) if e.contains("/abs/path/broken.toml")),
        "{err:?}"
    );
}

const BAD_OVERLAY: &str = r#"[catalog]
version = "acme 1"
id = "mine"

[[question]]
id = "GV-6.1"
weight = -1
wieght = 2.0

[[question]]
id = "SUP-AIBOM"
answer = "yes-no"
roles = ["provider", "none", "integrater"]
refs.airm = ["GV-1.1", "GOVERN 9.9"]
refs.aims = ["B.10.3"]
refs.csf = ["ID.SC-01"]
refs.sp800_161 = ["SR-14"]
refs.ai600_1 = ["GV4.3--001"]
refs.eu_ai_act = [200]

[[question]]
id = "SUP-AIBOMS"
weight = 2.0

[[question]]
id = "=HYPERLINK(1)"
topic = { en = "x", zh-TW = "x" }
text = { en = "x?", zh-TW = "" }
guidance = { en = "x", zh-TW = "x" }
answer = "maturity"
weight = 1.0
roles = []
governance = "direkt"

[[question]]
id = "ACME-1"
topic = { en = "x", zh-TW = "x" }
text = { en = "x?", zh-TW = "x？" }
guidance = { en = "x", zh-TW = "x" }
answer = "maturity"
weight = 1.0
roles = []
governance = "direct"
aliases = ["GOVERN 1.1"]

[[question]]
id = "gv 6.1"
enabled = false
"#;

/// Every problem of a bad overlay, each at its line and column with the valid values.
#[test]
fn overlay_errors_are_located() {
    let err = Catalog::builtin()
        .with_overlay("buyer.toml", BAD_OVERLAY)
        .err();
    let err = err.map(|e| (e.to_string(), e.problems));
    let Some((text, problems)) = err else {
        panic!("the overlay should be rejected")
    };
    insta::assert_snapshot!("overlay_errors", text);
    insta::assert_json_snapshot!("overlay_errors_json", problems);
}

/// A TOML syntax error is located too, and nothing else is reported for that file.
#[test]
fn overlay_syntax_error() {
    let err = Catalog::builtin()
        .with_overlay("broken.toml", "[[question]\nid = 1\n")
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        err,
        Err("1 problem in the question bank:\n  broken.toml:1:12: invalid TOML: unclosed array table, expected `]`".to_string())
    );
}

const HEADER: &str = "[catalog]\nid = \"mini\"\nversion = \"1.0.0\"\nfiles = [\"a.toml\", \"b.toml\"]\ncrosswalk = \"cw.csv\"\n";
const QUESTION_A: &str = "[[question]]\nid = \"Q-1\"\ntopic = { en = \"t\", zh-TW = \"題\" }\ntext = { en = \"q?\", zh-TW = \"問？\" }\nguidance = { en = \"g\", zh-TW = \"證\" }\nanswer = \"maturity\"\nweight = 1.0\nroles = []\ngovernance = \"direct\"\nrefs.csf = [\"GV.SC-01\"]\n";
const CROSSWALK: &str = "airm,iso,provenance,note\nGOVERN 6.1,A.10.3,test,\n";

/// A small catalog built from sources works like the built-in one.
#[test]
fn small_catalog_from_sources() {
    let b = QUESTION_A.replace("Q-1", "Q-2");
    let c = Catalog::from_sources(&[
        ("catalog.toml", HEADER),
        ("a.toml", QUESTION_A),
        ("b.toml", &b),
        ("cw.csv", CROSSWALK),
    ]);
    let c = c.map(|c| {
        (
            c.id().to_string(),
            c.version().to_string(),
            c.questions()
                .iter()
                .map(|q| q.id.to_string())
                .collect::<Vec<_>>(),
            c.crosswalk().pairs().len(),
        )
    });
    assert_eq!(
        c.map_err(|e| e.to_string()),
        Ok((
            "mini".into(),
            "1.0.0".into(),
            vec!["Q-1".into(), "Q-2".into()],
            1
        ))
    );
}

/// Problems across catalog sources: a missing file, a duplicate id (pointing at the first),
/// an unlisted file and a bad crosswalk row, all in one report.
#[test]
fn source_errors_are_collected() {
    let header = HEADER.replace("\"b.toml\"]", "\"b.toml\", \"c.toml\"]");
    let cw = format!("{CROSSWALK}GOVERN 9.1,A.10.3,test,\nGOVERN 6.1,B.10.3,test,\n");
    let err = Catalog::from_sources(&[
        ("catalog.toml", &header),
        ("a.toml", QUESTION_A),
        ("b.toml", QUESTION_A),
        ("cw.csv", &cw),
        ("extra.toml", ""),
    ])
    .map(|_| ())
    .map_err(|e| e.to_string());
    insta::assert_snapshot!("source_errors", err.err().unwrap_or_default());
}

/// Control characters in an overlay never reach a problem message raw.
#[test]
fn problem_text_is_printable() {
    let err = Catalog::builtin()
        .with_overlay(
            "evil\u{1b}[31m.toml",
            "[[question]]\nid = \"X\\u001b[2J\"\nweight = 1.0\n",
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(!err.contains('\u{1b}'), "{err}");
    assert!(err.contains("\\u{1b}[2J"), "{err}");
}
