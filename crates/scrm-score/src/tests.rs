//! Engine tests: the formula pinned on hand-computed cases, findings, plans, determinism and
//! the scoring invariants as property tests.

use crate::Engine;
use chrono::NaiveDate;
use scrm_model::*;
use scrm_policy::Policy;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn question(id: &str, kind: AnswerKind, na: bool, roles: &[AiRole], refs: References) -> Question {
    let l = |s: &str| Localized {
        en: s.to_string(),
        zh_tw: s.to_string(),
    };
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
        refs,
        governance: GovernanceTag::Direct,
        aliases: Vec::new(),
    }
}

const AI: &[AiRole] = &[AiRole::Provider, AiRole::Integrator, AiRole::Deployer];

/// Five questions across the three lenses and one crosswalk pair (GOVERN 1.1 ~ A.2.2).
fn small() -> (Vec<Question>, Vec<(String, String)>) {
    let refs = |airm: &[&str], aims: &[&str], csf: &[&str]| References {
        airm: airm.iter().map(|s| s.to_string()).collect(),
        aims: aims.iter().map(|s| s.to_string()).collect(),
        csf: csf.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let qs = vec![
        question(
            "GV-1.1",
            AnswerKind::Maturity,
            false,
            AI,
            refs(&["GOVERN 1.1"], &[], &[]),
        ),
        question(
            "MP-1.1",
            AnswerKind::Maturity,
            true,
            AI,
            refs(&["MAP 1.1"], &[], &[]),
        ),
        question(
            "AIMS-5.2",
            AnswerKind::YesPartialNo,
            false,
            AI,
            refs(&[], &["5.2"], &[]),
        ),
        question(
            "AIMS-A.2.2",
            AnswerKind::Maturity,
            false,
            AI,
            refs(&[], &["A.2.2"], &[]),
        ),
        question(
            "GV.SC-01",
            AnswerKind::YesPartialNo,
            false,
            &[],
            refs(&[], &[], &["GV.SC-01"]),
        ),
    ];
    (qs, vec![("GOVERN 1.1".to_string(), "A.2.2".to_string())])
}

fn engine_with(policy: &Policy) -> Engine {
    let (qs, xw) = small();
    Engine::from_parts(qs, &xw, policy, d("2026-11-01"), "test-catalog")
}

fn engine() -> Engine {
    engine_with(&Policy::builtin(None).unwrap())
}

fn vendor(id: &str, answers: &[(&str, &str, bool)]) -> Vendor {
    let mut v = Vendor::new(VendorId::new(id).unwrap());
    v.profile.criticality = Some(Criticality::Moderate);
    v.profile.data_access = Some(DataAccess::Internal);
    v.profile.ai_role = Some(AiRole::Provider);
    v.profile.assessed_on = Some(d("2026-09-01"));
    for (q, a, evidence) in answers {
        let mut ans = Answer::bare(QuestionId::new(*q), AnswerValue::parse(a).unwrap());
        if *evidence {
            ans.evidence = Some(format!("{q}-evidence.pdf"));
            ans.evidence_date = Some(d("2026-06-01"));
        }
        v.answers.insert(QuestionId::new(*q), ans);
    }
    v
}

fn typical() -> Vendor {
    vendor(
        "V-1",
        &[
            ("GV-1.1", "4", true),
            ("MP-1.1", "2", false),
            ("AIMS-5.2", "yes", true),
            ("AIMS-A.2.2", "3", true),
            ("GV.SC-01", "partial", true),
        ],
    )
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("score present");
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

/// The worked example of docs/scoring.md §10, computed by hand.
#[test]
fn formula_matches_hand_computation() {
    let r = engine().score(&typical(), &[]);
    // AIRM: GOVERN 1.1 = 0.7*0.8 + 0.3*0.6 = 0.74; MAP 1.1 = 0.4*(1-0.25) = 0.3;
    // lens = (1.5*0.74 + 1.0*0.3) / 2.5 * 5 = 2.82.
    close(r.lens(Lens::Airm).score, 2.82);
    // AIMS: 5.2 = 1.0; A.2.2 = 0.7*0.6 + 0.3*0.8 = 0.66; lens = (1.0 + 0.66) / 2 * 5 = 4.15.
    close(r.lens(Lens::Aims).score, 4.15);
    close(r.lens(Lens::Cscrm).score, 2.5);
    // Combined = 0.4*2.82 + 0.4*4.15 + 0.2*2.5 = 3.288.
    close(r.combined_score, 3.288);
    assert_eq!(r.tier, Tier::High);
    assert_eq!(r.coverage, 1.0);
    assert!((r.confidence - 0.8).abs() < 1e-12);
    assert_eq!(r.residual_risk, 3);
    assert_eq!(r.status, Status::Eligible, "{:#?}", r.findings);
    let govern = &r.lens(Lens::Airm).groups[0];
    assert_eq!((govern.id.as_ref(), govern.items_scored), ("GOVERN", 1));
    close(govern.score, 3.7);
    assert_eq!(r.combined_level, Some(MaturityLevel::Defined));
}

/// na leaves numerator and denominator; unanswered scores 0 and lowers coverage.
#[test]
fn na_and_unanswered() {
    let e = engine();
    let mut v = typical();
    v.answers.get_mut(&QuestionId::new("MP-1.1")).unwrap().value = AnswerValue::NotApplicable;
    let r = e.score(&v, &[]);
    close(r.lens(Lens::Airm).score, 3.7); // GOVERN only
    assert_eq!(r.coverage, 1.0);
    v.answers.remove(&QuestionId::new("MP-1.1"));
    let r = e.score(&v, &[]);
    close(r.lens(Lens::Airm).score, (1.5 * 0.74) / 2.5 * 5.0);
    assert!((r.coverage - 0.8).abs() < 1e-12);
    assert_eq!(r.answered, 4);
}

/// Explanation contributions sum to each lens score.
#[test]
fn explanation_sums_to_score() {
    let x = engine().explain(&typical(), &[]);
    for l in &x.lenses {
        let sum: f64 = l.contributions.iter().map(|c| c.contribution).sum();
        assert_eq!(Some(sum), l.score, "{:?}", l.lens);
        let coef: f64 = l.contributions.iter().map(|c| c.coefficient).sum();
        assert!((coef - 1.0).abs() < 1e-12);
    }
    insta::assert_json_snapshot!(x.lenses);
}

#[test]
fn contradiction_is_found_and_lowers_confidence() {
    let mut v = typical();
    v.answers
        .get_mut(&QuestionId::new("AIMS-A.2.2"))
        .unwrap()
        .value = AnswerValue::Maturity(0);
    let r = engine().score(&v, &[]);
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Code::ContradictoryAnswers)
        .expect("contradiction");
    insta::assert_snapshot!(f.message().into_owned());
    assert_eq!(r.status, Status::Conditional);
    assert!((r.confidence - 0.75 * 0.75).abs() < 1e-12);
}

#[test]
fn hard_gate_excludes_whatever_the_score() {
    let v = typical();
    let ex = Exclusion {
        vendor_id: v.id().clone(),
        source: GateSource::Sam,
        reference: "SAM-0001".into(),
        listed_on: Some(d("2026-01-15")),
    };
    let e = engine();
    let r = e.score(&v, &[&ex]);
    assert_eq!(r.status, Status::Excluded);
    assert_eq!(r.residual_risk, 5);
    let plan = e.plan(&v, &[&ex]);
    assert_eq!(plan.unfixable.len(), 1);
    assert!(plan.steps.is_empty());
    assert_eq!(plan.status_after, Status::Excluded);
    // It clears the bar but for the listing: an empty plan, feasible and proven (§9.2, §9.9).
    assert!(plan.feasible && plan.provably_minimal, "{plan:#?}");
    assert_eq!(plan.min_steps, 0);
    // Below the bar as well: the steps are those of the same vendor unlisted, feasible, and
    // the vendor stays excluded.
    let weak = vendor(
        "V-1",
        &[
            ("GV-1.1", "1", true),
            ("MP-1.1", "1", true),
            ("AIMS-5.2", "partial", true),
            ("AIMS-A.2.2", "1", true),
            ("GV.SC-01", "no", true),
        ],
    );
    let listed = e.plan(&weak, &[&ex]);
    let unlisted = e.plan(&weak, &[]);
    assert!(!listed.steps.is_empty());
    assert_eq!(listed.steps, unlisted.steps);
    assert_eq!(
        (listed.feasible, listed.provably_minimal, listed.min_steps),
        (
            unlisted.feasible,
            unlisted.provably_minimal,
            unlisted.min_steps
        )
    );
    assert!(listed.feasible);
    assert_eq!(listed.status_after, Status::Excluded);
    assert_eq!(listed.unfixable.len(), 1);
}

fn policy_with(extra: &str) -> Policy {
    Policy::from_toml(
        "test.toml",
        &format!("{}\n{extra}", scrm_policy::DEFAULT_POLICY_TOML),
        None,
    )
    .unwrap()
}

#[test]
fn knockout_fails_and_plan_clears_it() {
    let p = policy_with(
        "[[knockout]]\nquestion = \"GV.SC-01\"\nminimum = \"yes\"\nreason = \"flow-down is contractual\"\n",
    );
    let e = engine_with(&p);
    let v = typical();
    let r = e.score(&v, &[]);
    assert_eq!(r.status, Status::AtRisk);
    let plan = e.plan(&v, &[]);
    assert!(plan.feasible && plan.provably_minimal);
    assert_eq!(plan.steps.len(), 1);
    assert_eq!(plan.min_steps, 1, "a proven plan's own length");
    assert_eq!(
        (plan.steps[0].question.as_str(), plan.steps[0].to),
        ("GV.SC-01", AnswerValue::Yes)
    );
    assert_eq!(plan.status_after, Status::Eligible);
}

/// A weak vendor below its tier's thresholds gets the fewest, then smallest, improvements.
#[test]
fn plan_is_minimal_on_a_threshold_case() {
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
    assert_eq!(before.status, Status::AtRisk);
    let plan = e.plan(&v, &[]);
    assert!(plan.feasible, "{plan:#?}");
    assert!(plan.status_after <= Status::Conditional);
    // Brute force over every combination of target levels confirms no smaller plan exists.
    let (fewest, least) = brute_force(&e, &v, &[]);
    assert_eq!(plan.steps.len(), fewest);
    assert!(
        (plan.total_increase - least).abs() < 1e-9,
        "{} vs {least}",
        plan.total_increase
    );
    assert!(plan.provably_minimal);
    assert_eq!(plan.min_steps, fewest);
    insta::assert_json_snapshot!(plan.steps);
}

/// The fewest changes, then the least total increase, of any plan that raises answers and
/// leaves the vendor at most `conditional` (`usize::MAX` when none does). An `na` answer is
/// changed only on the questions of `knockouts` (the plan models no other change of the active
/// set, §9.4).
fn brute_force(e: &Engine, v: &Vendor, knockouts: &[&str]) -> (usize, f64) {
    let qs: Vec<Question> = e.questions().to_vec();
    let options: Vec<Vec<AnswerValue>> = qs
        .iter()
        .map(|q| {
            let cur = v
                .answers
                .get(&q.id)
                .map_or(AnswerValue::Unanswered, |a| a.value);
            let mut o = vec![cur];
            if cur == AnswerValue::NotApplicable && !knockouts.contains(&q.id.as_str()) {
                return o;
            }
            let all: Vec<AnswerValue> = match q.answer.kind {
                AnswerKind::Maturity => (0..=5).map(AnswerValue::Maturity).collect(),
                AnswerKind::YesPartialNo => {
                    vec![AnswerValue::No, AnswerValue::Partial, AnswerValue::Yes]
                }
            };
            o.extend(
                all.into_iter()
                    .filter(|x| x.normalized() > cur.normalized()),
            );
            o
        })
        .collect();
    let mut best = (usize::MAX, f64::MAX);
    let mut idx = vec![0usize; qs.len()];
    loop {
        let changes: Vec<(QuestionId, AnswerValue)> = idx
            .iter()
            .enumerate()
            .filter(|(_, i)| **i > 0)
            .map(|(q, i)| (qs[q].id, options[q][*i]))
            .collect();
        let r = e.what_if(v, &changes, &[]);
        if r.status <= Status::Conditional {
            let inc: f64 = idx
                .iter()
                .enumerate()
                .map(|(q, i)| {
                    5.0 * (options[q][*i].normalized().unwrap_or(0.0)
                        - options[q][0].normalized().unwrap_or(0.0))
                })
                .sum();
            let key = (changes.len(), inc);
            if key.0 < best.0 || (key.0 == best.0 && key.1 < best.1 - 1e-12) {
                best = key;
            }
        }
        let mut k = 0;
        loop {
            if k == idx.len() {
                return best;
            }
            idx[k] += 1;
            if idx[k] < options[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}

/// A policy of one combined threshold for every tier and one knock-out (nothing else: a file
/// is read on the parser's defaults, which have no knock-out, §12).
fn knockout_policy(question: &str, minimum: &str, combined: f64) -> Policy {
    let mut toml = String::new();
    for tier in ["low", "moderate", "high", "critical"] {
        toml.push_str(&format!("[thresholds.{tier}]\ncombined = {combined}\n"));
    }
    toml.push_str(&format!(
        "[[knockout]]\nquestion = \"{question}\"\nminimum = {minimum}\nreason = \"test\"\n"
    ));
    Policy::from_toml("test.toml", &toml, None).unwrap()
}

/// A knock-out on an `na` answer forces it up to the minimum; raising it further also counts
/// toward the thresholds without adding a step, so the one-step plan raises it alone rather
/// than forcing it and raising another question (docs/scoring.md §9.6).
#[test]
fn a_knockout_question_raised_further_is_one_step() {
    let e = engine_with(&knockout_policy("MP-1.1", "1", 3.3));
    let v = vendor(
        "V-3",
        &[
            ("GV-1.1", "3", true),
            ("MP-1.1", "na", true),
            ("AIMS-5.2", "partial", true),
            ("AIMS-A.2.2", "3", true),
            ("GV.SC-01", "yes", true),
        ],
    );
    let before = e.score(&v, &[]);
    assert_eq!(before.status, Status::AtRisk, "{:#?}", before.findings);
    let plan = e.plan(&v, &[]);
    let (fewest, least) = brute_force(&e, &v, &["MP-1.1"]);
    assert_eq!(fewest, 1);
    assert_eq!(plan.steps.len(), 1, "{:#?}", plan.steps);
    assert_eq!(plan.steps[0].question.as_str(), "MP-1.1");
    assert!((plan.total_increase - least).abs() < 1e-9);
    assert!(plan.feasible && plan.provably_minimal);
    assert_eq!(plan.min_steps, 1);
}

#[test]
fn exemptions_apply_until_they_expire() {
    let mut v = typical();
    v.profile.assessed_on = None; // raises stale-assessment
    let live = policy_with(
        "[[exemption]]\nvendor = \"V-1\"\ncode = \"stale-assessment\"\nreason = \"dated copy on file, PROC-7\"\nexpires = 2027-01-31\n",
    );
    let r = engine_with(&live).score(&v, &[]);
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Code::StaleAssessment)
        .unwrap();
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(r.status, Status::Eligible);
    assert_eq!(r.valid_until, Some(d("2027-01-31")));
    let expired = policy_with(
        "[[exemption]]\nvendor = \"V-1\"\ncode = \"stale-assessment\"\nreason = \"dated copy on file, PROC-7\"\nexpires = 2026-10-31\n",
    );
    let r = engine_with(&expired).score(&v, &[]);
    assert_eq!(r.status, Status::Conditional);
    let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["stale-assessment", "exemption-expired"]);
}

#[test]
fn no_ai_role_drops_ai_lenses() {
    let mut v = typical();
    v.profile.ai_role = Some(AiRole::None);
    let r = engine().score(&v, &[]);
    assert_eq!(r.lens(Lens::Airm).score, None);
    assert_eq!(r.lens(Lens::Aims).score, None);
    close(r.combined_score, 2.5);
    assert_eq!(r.applicable, 1);
}

#[test]
fn partial_profiles_say_what_was_assumed() {
    let e = engine();
    let messages = |v: &Vendor| -> Vec<String> {
        e.score(v, &[])
            .findings
            .iter()
            .filter(|f| f.code == Code::MissingProfile)
            .map(|f| f.message().into_owned())
            .collect()
    };
    assert_eq!(messages(&typical()), Vec::<String>::new());
    let mut v = typical();
    v.profile.data_access = None;
    assert_eq!(
        messages(&v),
        ["profile lacks data access (assumed confidential), giving tier high"]
    );
    v.profile.criticality = None;
    v.profile.ai_role = None;
    assert_eq!(
        messages(&v),
        [
            "profile lacks criticality (assumed high), data access (assumed confidential), AI role \
             (assumed integrator for the tier; every question asked), giving tier critical"
        ]
    );
}

#[test]
fn a_score_at_its_minimum_passes_within_float_error() {
    // Combined minimum for the moderate tier is 2.0; a vendor a few ulps under it passes, one
    // clearly under it fails.
    assert!(!crate::below(2.0 - 4.0 * f64::EPSILON, 2.0));
    assert!(!crate::below(2.0, 2.0));
    assert!(crate::below(1.9999, 2.0));
}

#[test]
fn identical_at_any_thread_count_and_input_order() {
    let e = engine();
    let mut vendors: Vec<Vendor> = (0..200)
        .map(|i| {
            let a = ["0", "1", "2", "3", "4", "5"][i % 6];
            let y = ["no", "partial", "yes"][i % 3];
            vendor(
                &format!("V-{i:03}"),
                &[
                    ("GV-1.1", a, i % 2 == 0),
                    ("AIMS-5.2", y, true),
                    ("GV.SC-01", y, i % 5 == 0),
                ],
            )
        })
        .collect();
    let run = |threads: usize, vs: &[Vendor]| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        serde_json::to_string(&pool.install(|| e.score_all(vs, &[]))).unwrap()
    };
    let one = run(1, &vendors);
    assert_eq!(one, run(4, &vendors));
    vendors.reverse();
    assert_eq!(one, run(3, &vendors));
}

/// A question no lens weighs (its group's weight set to 0) still counts in the risk view: it
/// is active, answered, and addresses its risks, whatever the lens weights.
#[test]
fn risk_view_counts_questions_no_lens_weighs() {
    let src = scrm_policy::DEFAULT_POLICY_TOML.replacen("MAP = 1.0", "MAP = 0", 1);
    let policy = Policy::from_toml("test.toml", &src, None).unwrap();
    let e = engine_with(&policy);
    let v = vendor("R-1", &[("MP-1.1", "4", true), ("GV-1.1", "2", true)]);
    let x = e.explain(&v, &[]);
    let weighed = x
        .lenses
        .iter()
        .flat_map(|l| &l.contributions)
        .any(|c| c.question.as_str() == "MP-1.1");
    assert!(!weighed, "MP-1.1 should carry no lens weight here");
    let risks_of = |q: &Question| -> Vec<GaiRisk> {
        if q.id.as_str() == "MP-1.1" {
            vec![GaiRisk::Environmental]
        } else {
            Vec::new()
        }
    };
    let view = e.risk_view_with(&v, &risks_of);
    let env = &view.risks[4];
    assert_eq!(env.risk, GaiRisk::Environmental);
    assert_eq!((env.questions, env.answered), (1, 1));
    assert!(env.readiness.is_some_and(|r| r > 0.0), "{env:?}");
}

mod props {
    use super::*;
    use proptest::prelude::*;

    pub(super) fn any_vendor() -> impl Strategy<Value = Vendor> {
        let ans = prop::collection::vec((0usize..8, any::<bool>()), 5);
        (ans, 0usize..4).prop_map(|(a, role)| {
            let ids = ["GV-1.1", "MP-1.1", "AIMS-5.2", "AIMS-A.2.2", "GV.SC-01"];
            let mat = ["", "0", "1", "2", "3", "4", "5", "na"];
            let ypn = ["", "no", "partial", "yes", "no", "partial", "yes", ""];
            let mut list = Vec::new();
            for (i, (k, ev)) in a.iter().enumerate() {
                let raw = if matches!(i, 2 | 4) { ypn[*k] } else { mat[*k] };
                let raw = if raw == "na" && i != 1 { "" } else { raw };
                if !raw.is_empty() {
                    list.push((ids[i], raw, *ev));
                }
            }
            let mut v = vendor("P-1", &list);
            v.profile.ai_role = Some(
                [
                    AiRole::Provider,
                    AiRole::Integrator,
                    AiRole::Deployer,
                    AiRole::None,
                ][role],
            );
            v
        })
    }

    /// The small catalog with its questions spread over the three governance tasks.
    fn tagged() -> Vec<Question> {
        let (mut qs, _) = small();
        for (i, q) in qs.iter_mut().enumerate() {
            q.governance = GovernanceTag::ALL[i % 3];
        }
        qs
    }

    proptest! {
        /// The governance view is the explanation regrouped: each lens's task shares add up to
        /// its score, their possible parts to 5, and each attainment lies on [0, 1].
        #[test]
        fn governance_view_adds_up(v in any_vendor()) {
            let x = engine().explain(&v, &[]);
            let view = crate::governance_view(&x, &tagged());
            prop_assert_eq!(view.lenses.len(), x.lenses.len());
            for (lg, le) in view.lenses.iter().zip(&x.lenses) {
                prop_assert_eq!(lg.score, le.score);
                let sum: f64 = lg.tasks.iter().map(|t| t.contribution).sum();
                let possible: f64 = lg.tasks.iter().map(|t| t.possible).sum();
                let n: usize = lg.tasks.iter().map(|t| t.questions).sum();
                prop_assert_eq!(n, le.contributions.len());
                if let Some(score) = le.score {
                    prop_assert!((sum - score).abs() < 1e-9, "{sum} vs {score}");
                    prop_assert!((possible - 5.0).abs() < 1e-9 || le.contributions.is_empty());
                }
                for t in &lg.tasks {
                    if let Some(a) = t.attainment {
                        prop_assert!((0.0..=1.0).contains(&a));
                    }
                    prop_assert!(t.weakest.len() <= 3);
                }
            }
        }
    }

    proptest! {
        /// The risk view's readiness lies on the maturity scale and is the mean of its
        /// questions' effective values, over the active questions (those a lens weighs
        /// included); a risk no question addresses has none.
        #[test]
        fn risk_view_is_a_mean_on_the_scale(v in any_vendor()) {
            let e = engine();
            let x = e.explain(&v, &[]);
            let qs = tagged();
            // Question i addresses the risks i and i + 1 of the twelve.
            let risks_of = |q: &Question| -> Vec<GaiRisk> {
                let i = qs.iter().position(|o| o.id == q.id).unwrap_or(0);
                vec![GaiRisk::ALL[i], GaiRisk::ALL[i + 1]]
            };
            let view = e.risk_view_with(&v, &risks_of);
            prop_assert_eq!(view.risks.len(), 12);
            let effective: std::collections::HashMap<_, _> = x
                .lenses
                .iter()
                .flat_map(|l| &l.contributions)
                .map(|c| (c.question, c.effective))
                .collect();
            for (k, r) in view.risks.iter().enumerate() {
                prop_assert_eq!(r.risk, GaiRisk::ALL[k]);
                prop_assert!(r.answered <= r.questions && r.weakest.len() <= 3);
                let mine: Vec<f64> = qs
                    .iter()
                    .filter(|q| risks_of(q).contains(&r.risk))
                    .filter_map(|q| effective.get(&q.id).copied())
                    .collect();
                // Every question a lens weighs is active; here every active one is weighed.
                prop_assert_eq!(r.questions, mine.len());
                match r.readiness {
                    None => prop_assert!(mine.is_empty()),
                    Some(x) => {
                        prop_assert!((0.0..=5.0).contains(&x));
                        let mean = 5.0 * mine.iter().sum::<f64>() / mine.len() as f64;
                        prop_assert!((x - mean).abs() < 1e-12);
                    }
                }
            }
        }
    }

    fn scores(r: &VendorResult) -> Vec<Option<f64>> {
        let mut s = vec![r.combined_score];
        for l in &r.lenses {
            s.push(l.score);
            s.extend(l.groups.iter().map(|g| g.score));
        }
        s
    }

    proptest! {
        /// Raising any answer (with current evidence) never lowers any score, and never pushes a
        /// vendor across the bar (into at-risk or excluded). Answer-quality warnings may appear:
        /// a bigger claim deserves scrutiny (docs/scoring.md §11).
        #[test]
        fn raising_never_hurts(v in any_vendor(), q in 0usize..5, bump in 1u8..6) {
            let e = engine();
            let qs = e.questions();
            let cur = v.answers.get(&qs[q].id).map_or(AnswerValue::Unanswered, |a| a.value);
            prop_assume!(cur != AnswerValue::NotApplicable);
            let raised = match qs[q].answer.kind {
                AnswerKind::Maturity => AnswerValue::Maturity(match cur { AnswerValue::Maturity(m) => (m + bump).min(5), _ => bump.min(5) }),
                AnswerKind::YesPartialNo => if bump % 2 == 0 { AnswerValue::Yes } else { match cur { AnswerValue::Yes => AnswerValue::Yes, AnswerValue::Partial => AnswerValue::Yes, _ => AnswerValue::Partial } },
            };
            prop_assume!(raised.normalized() >= cur.normalized().or(Some(0.0)));
            let before = e.score(&v, &[]);
            let after = e.what_if(&v, &[(qs[q].id, raised)], &[]);
            for (b, a) in scores(&before).iter().zip(scores(&after)) {
                if let (Some(b), Some(a)) = (b, a) {
                    prop_assert!(a >= *b - 1e-12, "score fell {b} -> {a}");
                }
            }
            let bar = |s: Status| s >= Status::AtRisk;
            prop_assert!(!bar(after.status) || bar(before.status), "{:?} -> {:?}", before.status, after.status);
        }

        /// A summary is the whole result with the group scores left out, nothing else.
        #[test]
        fn summary_is_the_result_without_groups(v in any_vendor()) {
            let e = engine();
            let mut full = e.score_input(&v, &[]);
            for l in &mut full.lenses {
                l.groups.clear();
            }
            prop_assert_eq!(e.score_summary(&v, &[]), full);
        }

        /// Answering na where the answer was 0 or blank never lowers a score.
        #[test]
        fn na_never_lowers(v in any_vendor()) {
            let e = engine();
            let q = QuestionId::new("MP-1.1");
            let cur = v.answers.get(&q).map_or(AnswerValue::Unanswered, |a| a.value);
            prop_assume!(matches!(cur, AnswerValue::Unanswered | AnswerValue::Maturity(0)));
            let before = e.score(&v, &[]);
            let after = e.what_if(&v, &[(q, AnswerValue::NotApplicable)], &[]);
            for (b, a) in scores(&before).iter().zip(scores(&after)) {
                if let (Some(b), Some(a)) = (b, a) {
                    prop_assert!(a >= *b - 1e-12);
                }
            }
        }

        /// Scaling every weight (question, group, lens) by one constant changes nothing.
        #[test]
        fn weight_scale_invariance(v in any_vendor(), k in 0.1f64..10.0) {
            let base = Policy::builtin(None).unwrap();
            let mut scaled = base.clone();
            for w in scaled.lens_weights.values_mut() { *w *= k; }
            for lens in Lens::ALL {
                for g in scrm_policy::lens_groups(lens) {
                    let w = base.group_weight(lens, g) * k;
                    scaled.group_weights.entry(lens).or_default().insert(g.to_string(), w);
                }
            }
            let (qs, xw) = small();
            for q in &qs { scaled.question_weights.insert(q.id.as_str().to_string(), q.weight * k); }
            let a = engine_with(&base).score(&v, &[]);
            let b = Engine::from_parts(qs, &xw, &scaled, d("2026-11-01"), "test-catalog").score(&v, &[]);
            for (x, y) in scores(&a).iter().zip(scores(&b)) {
                match (x, y) {
                    (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-9),
                    (x, y) => prop_assert_eq!(*x, y),
                }
            }
            prop_assert_eq!(a.status, b.status);
        }
    }
}

mod plan_props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// On the small catalog, with a knock-out on any question at any minimum, a plan never
        /// claims more than a brute force over every raise confirms: `min_steps` is at most
        /// the fewest changes of any plan, a proven plan has exactly that many at the least
        /// total increase, and a plan exists only if the search finds one.
        #[test]
        fn plans_hold_against_brute_force(
            v in props::any_vendor(),
            ko in 0usize..5,
            minimum in 1u8..6,
            threshold in 1.0f64..4.0,
        ) {
            let ids = ["GV-1.1", "MP-1.1", "AIMS-5.2", "AIMS-A.2.2", "GV.SC-01"];
            let min = if matches!(ko, 2 | 4) {
                if minimum % 2 == 0 { "\"yes\"" } else { "\"partial\"" }.to_string()
            } else {
                minimum.to_string()
            };
            let e = engine_with(&knockout_policy(ids[ko], &min, threshold));
            let plan = e.plan(&v, &[]);
            let (fewest, least) = brute_force(&e, &v, &[ids[ko]]);
            prop_assert!(plan.min_steps <= fewest, "min_steps {} > {fewest}", plan.min_steps);
            if plan.feasible {
                prop_assert!(fewest <= plan.steps.len());
            } else {
                prop_assert_eq!(fewest, usize::MAX, "{:#?}", plan);
            }
            if plan.provably_minimal {
                prop_assert_eq!(plan.steps.len(), fewest);
                prop_assert!((plan.total_increase - least).abs() < 1e-9,
                    "{} vs {least}", plan.total_increase);
            }
        }
    }
}

#[test]
fn role_keys_follow_the_role_list() {
    let keys: Vec<usize> = crate::eval::roles().map(crate::eval::role_key).collect();
    assert_eq!(
        keys,
        (0..=scrm_model::AiRole::ALL.len()).collect::<Vec<_>>()
    );
}
