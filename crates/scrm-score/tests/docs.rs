//! Keeps `docs/scoring.md` and `docs/codes.md` honest: every finding code is documented with its
//! default severity, the section numbers that code comments cite exist, and the numbers printed
//! in the worked examples (scoring.md §9.10 and §10) are what the engine computes.

use chrono::NaiveDate;
use scrm_model::{
    AiRole, Answer, AnswerKind, AnswerSpec, AnswerValue, Code, Criticality, DataAccess,
    GovernanceTag, Lens, Localized, MaturityLevel, Question, QuestionId, References, Status, Tier,
    Vendor, VendorId,
};
use scrm_policy::Policy;
use scrm_score::Engine;

fn doc(name: &str) -> String {
    let path = manifest_dir().join("../../docs").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn codes_md_lists_every_code_with_its_default_severity() {
    let text = doc("codes.md");
    for code in Code::ALL {
        let row = format!("| `{}` | {} |", code.as_str(), code.default_severity());
        assert!(
            text.contains(&row),
            "docs/codes.md has no summary row {row:?}"
        );
    }
    assert!(
        text.contains("formats.md#problems"),
        "docs/codes.md must point to the ingestion codes"
    );
}

#[test]
fn scoring_md_has_the_sections_code_comments_cite() {
    let text = doc("scoring.md");
    // answer.rs cites §2, result.rs and scrm-history cite §8, plan.rs §9, tests.rs §10 and §11.
    for heading in [
        "## §2 Answers",
        "## §8 Rounding",
        "## §9 What-if and the improvement plan",
        "## §10 Worked example",
        "## §11 Invariants",
    ] {
        assert!(text.contains(heading), "docs/scoring.md lacks {heading:?}");
    }
    for n in 1..=13 {
        assert!(
            text.contains(&format!("\n## §{n} ")),
            "docs/scoring.md lacks section §{n}"
        );
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// The five-question catalog of scoring.md §10.1 (the same as `tests.rs`).
fn small() -> (Vec<Question>, Vec<(String, String)>) {
    const AI: &[AiRole] = &[AiRole::Provider, AiRole::Integrator, AiRole::Deployer];
    let q = |id: &str, kind, na, roles: &[AiRole], airm: &[&str], aims: &[&str], csf: &[&str]| {
        let l = |s: &str| Localized {
            en: s.to_string(),
            zh_tw: s.to_string(),
        };
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        Question {
            id: QuestionId::new(id),
            topic: l(id),
            text: l(id),
            guidance: l("evidence"),
            answer: AnswerSpec {
                kind,
                na_allowed: na,
            },
            weight: 1.0,
            roles: roles.to_vec(),
            refs: References {
                airm: v(airm),
                aims: v(aims),
                csf: v(csf),
                ..Default::default()
            },
            governance: GovernanceTag::Direct,
            aliases: Vec::new(),
        }
    };
    let qs = vec![
        q(
            "GV-1.1",
            AnswerKind::Maturity,
            false,
            AI,
            &["GOVERN 1.1"],
            &[],
            &[],
        ),
        q(
            "MP-1.1",
            AnswerKind::Maturity,
            true,
            AI,
            &["MAP 1.1"],
            &[],
            &[],
        ),
        q(
            "AIMS-5.2",
            AnswerKind::YesPartialNo,
            false,
            AI,
            &[],
            &["5.2"],
            &[],
        ),
        q(
            "AIMS-A.2.2",
            AnswerKind::Maturity,
            false,
            AI,
            &[],
            &["A.2.2"],
            &[],
        ),
        q(
            "GV.SC-01",
            AnswerKind::YesPartialNo,
            false,
            &[],
            &[],
            &[],
            &["GV.SC-01"],
        ),
    ];
    (qs, vec![("GOVERN 1.1".to_string(), "A.2.2".to_string())])
}

fn engine() -> Engine {
    let (qs, xw) = small();
    let policy = Policy::builtin(None).expect("default policy");
    Engine::from_parts(qs, &xw, &policy, d("2026-11-01"), "test-catalog")
}

fn vendor(id: &str, answers: &[(&str, &str, bool)]) -> Vendor {
    let mut v = Vendor::new(VendorId::new(id).expect("id"));
    v.profile.criticality = Some(Criticality::Moderate);
    v.profile.data_access = Some(DataAccess::Internal);
    v.profile.ai_role = Some(AiRole::Provider);
    v.profile.assessed_on = Some(d("2026-09-01"));
    for (q, a, evidence) in answers {
        let mut ans = Answer::bare(QuestionId::new(*q), AnswerValue::parse(a).expect("answer"));
        if *evidence {
            ans.evidence = Some(format!("{q}-evidence.pdf"));
            ans.evidence_date = Some(d("2026-06-01"));
        }
        v.answers.insert(QuestionId::new(*q), ans);
    }
    v
}

fn close(got: Option<f64>, want: f64) {
    let got = got.expect("a score");
    assert!((got - want).abs() < 1e-12, "{got} != {want}");
}

/// Every number of scoring.md §10.
#[test]
fn worked_example_of_section_10() {
    let e = engine();
    let v = vendor(
        "V-1",
        &[
            ("GV-1.1", "4", true),
            ("MP-1.1", "2", false),
            ("AIMS-5.2", "yes", true),
            ("AIMS-A.2.2", "3", true),
            ("GV.SC-01", "partial", true),
        ],
    );
    let x = e.explain(&v, &[]);
    let r = &x.result;

    // §10.4 group scores and §10.5 lens scores.
    let group = |lens: Lens, id: &str| {
        let g = r
            .lens(lens)
            .groups
            .iter()
            .find(|g| g.id == id)
            .expect("group");
        (g.score, g.items_scored)
    };
    for (lens, id, want) in [
        (Lens::Airm, "GOVERN", 3.7),
        (Lens::Airm, "MAP", 1.5),
        (Lens::Aims, "5", 5.0),
        (Lens::Aims, "A.2", 3.3),
        (Lens::Cscrm, "GV.SC", 2.5),
    ] {
        let (score, items) = group(lens, id);
        close(score, want);
        assert_eq!(items, 1, "{id}");
    }
    assert_eq!(group(Lens::Airm, "MEASURE"), (None, 0));
    close(r.lens(Lens::Airm).score, 2.82);
    close(r.lens(Lens::Aims).score, 4.15);
    close(r.lens(Lens::Cscrm).score, 2.5);
    let levels: Vec<Option<MaturityLevel>> = r.lenses.iter().map(|l| l.level).collect();
    assert_eq!(
        levels,
        [
            Some(MaturityLevel::Managed),
            Some(MaturityLevel::QuantitativelyManaged),
            Some(MaturityLevel::Managed)
        ]
    );

    // §10.6 combined score.
    close(r.combined_score, 3.288);
    assert_eq!(r.combined_level, Some(MaturityLevel::Defined));

    // §10.7 the rest of the result.
    assert_eq!((r.applicable, r.answered), (5, 5));
    assert!((r.coverage - 1.0).abs() < 1e-12);
    assert!((r.confidence - 0.8).abs() < 1e-12);
    assert_eq!(r.tier, Tier::High);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.status, Status::Eligible);
    assert_eq!(r.residual_risk, 3);
    assert_eq!(r.valid_until, Some(d("2027-09-01")));

    // §10.6 per-lens coefficients and §10.8 explanation, in catalog order.
    let rows: Vec<(Lens, &str, f64, f64, f64, f64)> = vec![
        (Lens::Airm, "GV-1.1", 0.42, 0.8, 1.68, 0.42),
        (Lens::Airm, "MP-1.1", 0.4, 0.3, 0.6, 1.4),
        (Lens::Airm, "AIMS-A.2.2", 0.18, 0.6, 0.54, 0.36),
        (Lens::Aims, "GV-1.1", 0.15, 0.8, 0.6, 0.15),
        (Lens::Aims, "AIMS-5.2", 0.5, 1.0, 2.5, 0.0),
        (Lens::Aims, "AIMS-A.2.2", 0.35, 0.6, 1.05, 0.7),
        (Lens::Cscrm, "GV.SC-01", 1.0, 0.5, 2.5, 2.5),
    ];
    let got: Vec<(Lens, &str, f64, f64, f64, f64)> = x
        .lenses
        .iter()
        .flat_map(|l| {
            l.contributions.iter().map(move |c| {
                (
                    l.lens,
                    c.question.as_str(),
                    c.coefficient,
                    c.effective,
                    c.contribution,
                    c.headroom,
                )
            })
        })
        .collect();
    assert_eq!(got.len(), rows.len());
    for (g, w) in got.iter().zip(&rows) {
        assert_eq!((g.0, g.1), (w.0, w.1));
        for (a, b) in [(g.2, w.2), (g.3, w.3), (g.4, w.4), (g.5, w.5)] {
            assert!((a - b).abs() < 1e-12, "{g:?} vs {w:?}");
        }
    }

    // §10.8 variations: na and unanswered.
    let mut na = v.clone();
    if let Some(a) = na.answers.get_mut(&QuestionId::new("MP-1.1")) {
        a.value = AnswerValue::NotApplicable;
    }
    let r = e.score(&na, &[]);
    close(r.lens(Lens::Airm).score, 3.7);
    assert!((r.coverage - 1.0).abs() < 1e-12);
    let mut blank = v;
    blank.answers.remove(&QuestionId::new("MP-1.1"));
    let r = e.score(&blank, &[]);
    close(r.lens(Lens::Airm).score, 2.22);
    assert!((r.coverage - 0.8).abs() < 1e-12);
}

/// Every number of scoring.md §9.10.
#[test]
fn plan_example_of_section_9() {
    let e = engine();
    let v = vendor(
        "V-2",
        &[
            ("GV-1.1", "1", true),
            ("MP-1.1", "1", true),
            ("AIMS-5.2", "partial", true),
            ("AIMS-A.2.2", "1", true),
            ("GV.SC-01", "no", true),
        ],
    );
    let before = e.score(&v, &[]);
    close(before.lens(Lens::Airm).score, 1.0);
    close(before.lens(Lens::Aims).score, 1.75);
    close(before.lens(Lens::Cscrm).score, 0.0);
    close(before.combined_score, 1.1);
    assert_eq!(before.status, Status::AtRisk);
    assert_eq!(before.residual_risk, 5);
    let below = before
        .findings
        .iter()
        .filter(|f| f.code == Code::BelowTierThreshold)
        .count();
    assert_eq!((below, before.findings.len()), (4, 4));

    let plan = e.plan(&v, &[]);
    let steps: Vec<(&str, AnswerValue, AnswerValue, f64)> = plan
        .steps
        .iter()
        .map(|s| (s.question.as_str(), s.from, s.to, s.increase))
        .collect();
    assert_eq!(
        steps,
        [
            (
                "GV-1.1",
                AnswerValue::Maturity(1),
                AnswerValue::Maturity(5),
                4.0
            ),
            ("GV.SC-01", AnswerValue::No, AnswerValue::Partial, 2.5),
        ]
    );
    assert!((plan.total_increase - 6.5).abs() < 1e-12);
    assert!(plan.feasible && plan.provably_minimal);
    let after = &plan.after;
    close(after.lens(Lens::Airm).score, 2.68);
    close(after.lens(Lens::Aims).score, 2.35);
    close(after.lens(Lens::Cscrm).score, 2.5);
    close(after.combined_score, 2.512);
    assert_eq!((after.status, after.residual_risk), (Status::Eligible, 3));
}

/// This package's directory, read when the test runs (cargo sets it), not compiled in: a test
/// binary reused from a shared build directory may have been compiled in another checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
