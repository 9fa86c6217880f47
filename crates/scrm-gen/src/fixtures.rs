//! Catalog-shaped question lists for this crate's tests and benches (not part of the API).
//!
//! The real catalog lives in scrm-catalog, which this crate does not depend on; these lists
//! copy its shape: ids, answer kinds, roles and framework references.

use scrm_model::{
    AiRole, AnswerKind, AnswerSpec, GovernanceTag, Localized, Question, QuestionId, References,
};

const AI_ROLES: [AiRole; 3] = [AiRole::Provider, AiRole::Integrator, AiRole::Deployer];

fn question(id: &str, kind: AnswerKind, na: bool, ai: bool, refs: References) -> Question {
    Question {
        id: QuestionId::new(id),
        topic: Localized::default(),
        text: Localized::default(),
        guidance: Localized::default(),
        answer: AnswerSpec {
            kind,
            na_allowed: na,
        },
        weight: 1.0,
        roles: if ai { AI_ROLES.to_vec() } else { Vec::new() },
        refs,
        governance: GovernanceTag::Direct,
        aliases: Vec::new(),
    }
}

fn airm(s: &str) -> References {
    References {
        airm: vec![s.to_string()],
        ..References::default()
    }
}

fn aims(s: &str) -> References {
    References {
        aims: vec![s.to_string()],
        ..References::default()
    }
}

fn csf(s: &str) -> References {
    References {
        csf: vec![s.to_string()],
        ..References::default()
    }
}

/// Fifteen questions: a few per AI RMF function, ISO/IEC 42001 clause and control, C-SCRM
/// (asked of every supplier), and the supplier topics the default policy names.
pub fn small_questions() -> Vec<Question> {
    use AnswerKind::{Maturity as M, YesPartialNo as Y};
    let mut qs = vec![
        question("GV-1.1", M, false, true, airm("GOVERN 1.1")),
        question("GV-6.1", M, false, true, airm("GOVERN 6.1")),
        question("MP-4.1", M, false, true, airm("MAP 4.1")),
        question("MS-2.7", M, true, true, airm("MEASURE 2.7")),
        question("MG-3.1", M, false, true, airm("MANAGE 3.1")),
        question("AIMS-5.2", Y, false, true, aims("5.2")),
        question("AIMS-9.2.1", M, false, true, aims("9.2.1")),
        question("AIMS-A.2.2", M, false, true, aims("A.2.2")),
        question("CS-GV.SC-01", M, false, false, csf("GV.SC-01")),
        question("CS-GV.SC-07", Y, true, false, csf("GV.SC-07")),
        question("SUP-INCIDENT-NOTIFY", Y, false, true, airm("MANAGE 4.3")),
        question("SUP-TRAINING-DATA", Y, false, true, airm("MAP 4.1")),
        question("SUP-ISO42001-CERT", Y, false, true, aims("A.2.2")),
        question("SUP-AIBOM", Y, false, true, airm("GOVERN 6.1")),
        question("SUP-PROVENANCE", M, false, true, airm("MAP 4.1")),
    ];
    qs[0].aliases = vec!["GOVERN 1.1".into()];
    qs[10].aliases = vec!["SUP-AI-INCIDENT".into()];
    qs
}

/// 160 questions shaped like the shipped catalog (72 AI RMF, 67 ISO/IEC 42001, 10 C-SCRM,
/// 11 supplier topics), for throughput measurements.
pub fn catalog_sized_questions() -> Vec<Question> {
    use AnswerKind::{Maturity as M, YesPartialNo as Y};
    let mut qs = Vec::with_capacity(160);
    for (func, code, n) in [
        ("GOVERN", "GV", 19),
        ("MAP", "MP", 18),
        ("MEASURE", "MS", 22),
        ("MANAGE", "MG", 13),
    ] {
        for k in 0..n {
            let sub = format!("{}.{}", 1 + k / 4, 1 + k % 4);
            qs.push(question(
                &format!("{code}-{sub}"),
                M,
                k % 5 == 4,
                true,
                airm(&format!("{func} {sub}")),
            ));
        }
    }
    for k in 0..29 {
        let clause = format!("{}.{}", 4 + k / 5, 1 + k % 5);
        qs.push(question(
            &format!("AIMS-{clause}"),
            if k % 7 == 0 { Y } else { M },
            false,
            true,
            aims(&clause),
        ));
    }
    for k in 0..38 {
        let control = format!("A.{}.{}", 2 + k / 5, 2 + k % 5);
        qs.push(question(
            &format!("AIMS-{control}"),
            M,
            k % 6 == 5,
            true,
            aims(&control),
        ));
    }
    for k in 0..10 {
        let id = format!("GV.SC-{:02}", k + 1);
        qs.push(question(
            &format!("CS-{id}"),
            if k % 3 == 0 { Y } else { M },
            false,
            false,
            csf(&id),
        ));
    }
    for id in [
        "SUP-SUBTIER-INVENTORY",
        "SUP-FLOWDOWN",
        "SUP-PROVENANCE",
        "SUP-AIBOM",
        "SUP-INCIDENT-NOTIFY",
        "SUP-TRAINING-DATA",
        "SUP-PRETRAINED",
        "SUP-GENAI-RISK",
        "SUP-VULN",
        "SUP-EXCLUSION-SCREEN",
        "SUP-ISO42001-CERT",
    ] {
        let kind = if matches!(
            id,
            "SUP-SUBTIER-INVENTORY" | "SUP-FLOWDOWN" | "SUP-PROVENANCE" | "SUP-VULN"
        ) {
            M
        } else {
            Y
        };
        qs.push(question(id, kind, false, true, airm("GOVERN 6.1")));
    }
    qs
}
