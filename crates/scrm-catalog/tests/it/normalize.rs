//! Id normalization: every spelling seen in the wild resolves to its canonical id, unknown
//! ids get a did-you-mean only when one is close.

use scrm_catalog::Catalog;
use scrm_model::{AnswerKind, QuestionLookup, Resolution};

fn resolve(raw: &str) -> Result<String, Option<String>> {
    match Catalog::builtin().resolve(raw) {
        Resolution::Known(id, _) => Ok(id.to_string()),
        Resolution::Unknown { suggestion } => Err(suggestion),
    }
}

/// Every spelling from the brief and a few more, in one table.
#[test]
fn spellings_resolve() {
    let cases = [
        // AI RMF: canonical, compact, NIST, mixed case, OSCAL profile, CoSAI with version.
        ("GV-1.1", "GV-1.1"),
        ("gv1.1", "GV-1.1"),
        ("GOVERN 1.1", "GV-1.1"),
        ("Govern-1.1", "GV-1.1"),
        ("ai-rmf-gv-1.1", "GV-1.1"),
        ("MEASURE-2.3@1.0", "MS-2.3"),
        ("MS 2.3", "MS-2.3"),
        ("ms-2.10", "MS-2.10"),
        ("MEASURE 2.1", "MS-2.1"),
        ("manage 4.3", "MG-4.3"),
        ("MAP 5.2", "MP-5.2"),
        ("ＧＶ－１．１", "GV-1.1"),
        (" gv 6.1 ", "GV-6.1"),
        // CSF 2.0 GV.SC with and without the leading zero.
        ("GV.SC-01", "GV.SC-01"),
        ("gv.sc-1", "GV.SC-01"),
        ("GV.SC-1", "GV.SC-01"),
        ("GV.SC-10", "GV.SC-10"),
        ("CSF GV.SC-05", "GV.SC-05"),
        // ISO/IEC 42001 Annex A, Annex B mirror, prefixes.
        ("AIMS-A.10.3", "AIMS-A.10.3"),
        ("A.10.3", "AIMS-A.10.3"),
        ("ISO42001-A.10.3", "AIMS-A.10.3"),
        ("ISO/IEC 42001:2023 A.10.3", "AIMS-A.10.3"),
        ("B.10.3", "AIMS-A.10.3"),
        ("Annex A.6.1.2", "AIMS-A.6.1.2"),
        ("a.6.2.8", "AIMS-A.6.2.8"),
        // ISO/IEC 42001 clauses, bare or prefixed; sub-clauses roll up.
        ("AIMS-9.2.1", "AIMS-9.2.1"),
        ("42001-9.2.1", "AIMS-9.2.1"),
        ("9.2.1", "AIMS-9.2.1"),
        ("Clause 10.2", "AIMS-10.2"),
        ("6.1.2", "AIMS-6.1"),
        ("aims 5.2", "AIMS-5.2"),
        // Supplier topics and their declared aliases.
        ("SUP-AIBOM", "SUP-AIBOM"),
        ("sup_aibom", "SUP-AIBOM"),
        ("Sup Aibom", "SUP-AIBOM"),
        ("SUP-AI-BOM", "SUP-AIBOM"),
        ("sup-sbom", "SUP-AIBOM"),
        ("sup_iso42001_cert", "SUP-ISO42001-CERT"),
        ("SUP-PSIRT", "SUP-VULN"),
        ("sup-exclusion-screening", "SUP-EXCLUSION-SCREEN"),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter(|(raw, want)| resolve(raw).as_deref() != Ok(*want))
        .map(|(raw, want)| format!("{raw:?}: want {want}, got {:?}", resolve(raw)))
        .collect();
    assert_eq!(failures, Vec::<String>::new());
}

/// Unknown ids: a suggestion when one id is close, none for noise.
#[test]
fn unknown_ids_suggest_only_when_close() {
    let cases: [(&str, Option<&str>); 10] = [
        ("ms_2_3", Some("MS-2.3")),
        ("SUP-AIBM", Some("SUP-AIBOM")),
        ("SUP-INCIDENT-NOTFY", Some("SUP-INCIDENT-NOTIFY")),
        ("GV.SC-11", Some("GV.SC-01")),
        ("A.10.5", Some("AIMS-A.10.2")),
        ("GV-1.8", Some("GV-1.1")),
        ("GOVERN 9.9", None),
        ("hello", None),
        ("", None),
        ("=cmd|' /C calc'!A0", None),
    ];
    for (raw, want) in cases {
        assert_eq!(resolve(raw), Err(want.map(str::to_string)), "raw {raw:?}");
    }
}

/// A known id carries the question's answer spec, which ingestion validates answers against.
#[test]
fn resolution_carries_the_answer_spec() {
    let c = Catalog::builtin();
    let spec = |raw: &str| match c.resolve(raw) {
        Resolution::Known(_, spec) => Some((spec.kind, spec.na_allowed)),
        Resolution::Unknown { .. } => None,
    };
    assert_eq!(spec("sup_aibom"), Some((AnswerKind::YesPartialNo, false)));
    assert_eq!(spec("SUP-GENAI-RISK"), Some((AnswerKind::Maturity, true)));
    assert_eq!(spec("AIMS-5.2"), Some((AnswerKind::YesPartialNo, false)));
    assert_eq!(spec("GOVERN 6.1"), Some((AnswerKind::Maturity, false)));
}

/// AI RMF subcategory normalization into NIST form, for mapping files.
#[test]
fn airm_subcategory_normalization() {
    let cases = [
        ("gv-1.1", Some("GOVERN 1.1")),
        ("ai-rmf-mg-4.3", Some("MANAGE 4.3")),
        ("MEASURE-2.3@1.0", Some("MEASURE 2.3")),
        ("Map 1.6", Some("MAP 1.6")),
        ("GV-7.1", None),
        ("GV.SC-01", None),
    ];
    for (raw, want) in cases {
        assert_eq!(
            scrm_catalog::normalize_airm_subcategory(raw).as_deref(),
            want,
            "raw {raw:?}"
        );
    }
}
