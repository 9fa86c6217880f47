//! Findings for one evaluated vendor: hard gates, knock-outs, thresholds, answer quality,
//! then policy severities and exemptions.

use crate::eval::{Eval, EvidenceState};
use crate::structure::Structure;
use chrono::NaiveDate;
use scrm_model::{
    AnswerValue, Code, Detail, Exclusion, Finding, LensScore, Severity, Shown, Tier, VendorProfile,
};
use scrm_policy::Policy;

/// Everything the finding rules need besides the evaluation.
pub(crate) struct Context<'a> {
    pub s: &'a Structure,
    pub policy: &'a Policy,
    pub as_of: NaiveDate,
    pub profile: &'a VendorProfile,
    pub exclusions: &'a [&'a Exclusion],
    pub tier: Tier,
}

fn level_text(v: AnswerValue) -> String {
    match v {
        AnswerValue::Unanswered => "unanswered".to_string(),
        other => format!("'{other}'"),
    }
}

/// Hard-gate findings (never subject to severities or exemptions).
pub(crate) fn gates(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in cx.exclusions {
        let name = e.source.name();
        if !cx.policy.gate_sources.iter().any(|s| s == name) {
            tracing::debug!(vendor = %e.vendor_id, source = name, "exclusion source not honoured: not listed in policy [gates] sources");
            continue;
        }
        let what = match &e.source {
            scrm_model::GateSource::Sam => "listed in SAM.gov exclusions".to_string(),
            scrm_model::GateSource::Fascsa => {
                "named in a FASCSA exclusion or removal order".to_string()
            }
            scrm_model::GateSource::Sec889 => {
                "provides Section 889 covered telecommunications equipment or services".to_string()
            }
            scrm_model::GateSource::Custom(n) => format!("on the buyer exclusion list '{n}'"),
        };
        let when = e
            .listed_on
            .map(|d| format!(", listed {d}"))
            .unwrap_or_default();
        let mut f = Finding::new(
            e.source.code(),
            format!(
                "{what} (reference {}{when}); not fixable by answers",
                e.reference
            ),
        );
        f.severity = Severity::Deny;
        out.push(f);
    }
    out
}

/// Knock-out, threshold and quality findings, before severities and exemptions.
pub(crate) fn rules(
    cx: &Context<'_>,
    ev: &Eval<'_>,
    (combined, lenses): (Option<f64>, &[LensScore]),
    coverage: f64,
    counts: (u32, u32),
    contradictions: &mut u32,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let p = cx.policy;
    // Knock-outs (their questions found when the engine was made, from this policy).
    debug_assert_eq!(p.knockouts.len(), cx.s.knockout_ix.len());
    debug_assert_eq!(p.contradictions.len(), cx.s.contradiction_ix.len());
    for (k, &qi) in p.knockouts.iter().zip(&cx.s.knockout_ix) {
        if !k.tiers.is_empty() && !k.tiers.contains(&cx.tier) {
            continue;
        }
        let Some(qi) = qi else {
            continue;
        };
        if !ev.applicable[qi] {
            continue;
        }
        let v = ev.values[qi];
        let pass = match v {
            AnswerValue::NotApplicable => k.na_passes,
            AnswerValue::Unanswered => false,
            other => other.normalized().unwrap_or(0.0) >= k.minimum.normalized().unwrap_or(0.0),
        };
        if !pass {
            out.push(
                Finding::new(
                    Code::KnockoutFailed,
                    format!(
                        "{} is {}; the policy requires at least '{}' for {} tier: {}",
                        k.question,
                        level_text(v),
                        k.minimum,
                        cx.tier,
                        k.reason
                    ),
                )
                .with_questions(vec![cx.s.questions[qi].id]),
            );
        }
    }

    // Thresholds for the tier.
    let th = p.thresholds(cx.tier);
    if let (Some(t), Some(x)) = (th.combined, combined)
        && crate::below(x, t)
    {
        out.push(Finding::new(
            Code::BelowTierThreshold,
            Detail::BelowMinimum {
                lens: None,
                score: x,
                minimum: t,
                tier: cx.tier,
            },
        ));
    }
    // The lens scores already made (in `Lens::ALL` order), not made again.
    for (lens, score) in lenses.iter().map(|l| (l.lens, l.score)) {
        if let (Some(t), Some(x)) = (th.lens(lens), score)
            && crate::below(x, t)
        {
            out.push(
                Finding::new(
                    Code::BelowTierThreshold,
                    Detail::BelowMinimum {
                        lens: Some(lens),
                        score: x,
                        minimum: t,
                        tier: cx.tier,
                    },
                )
                .with_lens(lens),
            );
        }
    }
    if let Some(t) = th.coverage
        && crate::below(coverage, t)
    {
        out.push(Finding::new(
            Code::BelowTierThreshold,
            Detail::CoverageBelowMinimum {
                coverage,
                minimum: t,
                tier: cx.tier,
            },
        ));
    }

    // Coverage warning.
    if coverage < p.quality.low_coverage_below {
        out.push(Finding::new(
            Code::LowCoverage,
            Detail::LowCoverage {
                answered: counts.1,
                applicable: counts.0,
                coverage,
            },
        ));
    }

    // Evidence, and (in the same pass) whether every scored answer is the same. Written with
    // few branches: answers are random to the branch predictor, and this loop visits every
    // question of every vendor. Questions are kept by index into fixed buffers (one slot per
    // question, the count moving on only when it counts) and turned into ids afterwards; both
    // lists share one allocation.
    let n = ev.values.len();
    let mut ix = vec![0u32; 2 * n];
    let (missing_ix, stale_ix) = ix.split_at_mut(n);
    let (mut n_missing, mut n_stale) = (0usize, 0usize);
    let mut claims = 0usize;
    // The uniform-answers check: how many scored answers, and their lowest and highest values
    // (all the same exactly when those are equal).
    let (mut scored, mut lo, mut hi) = (0usize, f64::INFINITY, f64::NEG_INFINITY);
    // In id order, so that both lists come out sorted.
    let claim_threshold = p.evidence.claim_threshold;
    for &i in &cx.s.by_id {
        let on = ev.active[i];
        let norm = ev.norms[i];
        let evidence = ev.evidence[i];
        // `&` rather than `&&`, as in `Eval::new`: no branch on the answers.
        let counted = on & !norm.is_nan();
        let x = if counted { norm } else { 0.0 };
        scored += usize::from(counted);
        // Plain comparisons, not `f64::min`/`max`: nothing here is NaN, and the NaN-aware
        // forms are several instructions on the chain each step waits for.
        let (down, up) = if counted {
            (x, x)
        } else {
            (f64::INFINITY, f64::NEG_INFINITY)
        };
        lo = if down < lo { down } else { lo };
        hi = if up > hi { up } else { hi };
        let claim = on & (x >= claim_threshold);
        claims += usize::from(claim);
        missing_ix[n_missing] = i as u32;
        n_missing += usize::from(claim & (evidence == EvidenceState::Missing));
        stale_ix[n_stale] = i as u32;
        n_stale += usize::from(on & (x > 0.0) & (evidence == EvidenceState::Stale));
    }
    let ids =
        |ix: &[u32]| -> Vec<_> { ix.iter().map(|&i| cx.s.questions[i as usize].id).collect() };
    let missing = ids(&missing_ix[..n_missing]);
    let stale = ids(&stale_ix[..n_stale]);
    let (first, same) = ((scored > 0).then_some(lo), lo == hi);
    if !missing.is_empty() && missing.len() as f64 > p.evidence.max_missing_share * claims as f64 {
        let detail = Detail::MissingEvidence {
            missing: missing.len(),
            claims,
            claim_threshold: p.evidence.claim_threshold,
            max_missing_share: p.evidence.max_missing_share,
            shown: Shown::of(&missing),
        };
        out.push(Finding::new(Code::MissingEvidence, detail).with_questions(missing));
    }
    if !stale.is_empty() {
        let detail = Detail::StaleEvidence {
            stale: stale.len(),
            max_age_days: p.evidence.max_age_days.unwrap_or(0),
            shown: Shown::of(&stale),
        };
        out.push(Finding::new(Code::StaleEvidence, detail).with_questions(stale));
    }
    if let Some(max) = p.evidence.assessment_max_age_days {
        match cx.profile.assessed_on {
            None => out.push(Finding::new(Code::StaleAssessment, Detail::Undated)),
            Some(d) if (cx.as_of - d).num_days() > i64::from(max) => out.push(Finding::new(
                Code::StaleAssessment,
                Detail::StaleAssessment {
                    dated: d,
                    max_age_days: max,
                },
            )),
            Some(_) => {}
        }
    }

    // Contradictions.
    let claims_cert = |needle: &str| {
        let n = scrm_model::fold(needle);
        cx.profile
            .certifications
            .iter()
            .any(|c| scrm_model::fold(c).contains(&n))
    };
    for (c, &ix) in p.contradictions.iter().zip(&cx.s.contradiction_ix) {
        let (Some(wi), Some(xi)) = ix else {
            continue;
        };
        if !ev.applicable[xi] || ev.values[xi] == AnswerValue::NotApplicable {
            continue;
        }
        let triggered_by_answer = ev.applicable[wi]
            && ev.values[wi].normalized().unwrap_or(0.0)
                >= c.when_at_least.normalized().unwrap_or(1.0);
        // The certification is looked at only when the answer does not already trigger.
        if !(triggered_by_answer || c.when_certification.as_deref().is_some_and(claims_cert)) {
            continue;
        }
        if ev.values[xi].normalized().unwrap_or(0.0) < c.expect_at_least.normalized().unwrap_or(0.0)
        {
            *contradictions += 1;
            let why = if triggered_by_answer {
                format!("{} is {}", c.when, level_text(ev.values[wi]))
            } else {
                "the profile lists the certification".to_string()
            };
            out.push(
                Finding::new(
                    Code::ContradictoryAnswers,
                    format!(
                        "{} ({}: {why} but {} is {})",
                        c.message,
                        c.id,
                        c.expect,
                        level_text(ev.values[xi])
                    ),
                )
                .with_questions(vec![cx.s.questions[wi].id, cx.s.questions[xi].id]),
            );
        }
    }

    // Uniform answers (counted in the evidence pass above).
    if let Some(first) = first
        && same
        && scored >= p.quality.uniform_min_answers as usize
    {
        out.push(Finding::new(
            Code::UniformAnswers,
            format!(
                "all {scored} scored answers are the same ({:.0}% of the top level)",
                first * 100.0
            ),
        ));
    }

    // Profile.
    let pr = cx.profile;
    // Any missing tiering field is reported: the tier (and so the thresholds) then rests on an
    // assumption the buyer should confirm.
    let (ac, ad, ar) = &p.tiering.assume;
    let missing: Vec<String> = [
        pr.criticality
            .is_none()
            .then(|| format!("criticality (assumed {ac})")),
        pr.data_access
            .is_none()
            .then(|| format!("data access (assumed {ad})")),
        pr.ai_role
            .is_none()
            .then(|| format!("AI role (assumed {ar} for the tier; every question asked)")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        out.push(Finding::new(
            Code::MissingProfile,
            format!(
                "profile lacks {}, giving tier {}",
                missing.join(", "),
                cx.tier
            ),
        ));
    }
    out
}

/// Applies severities and exemptions; adds exemption-expired findings; sorts.
pub(crate) fn finalize(
    cx: &Context<'_>,
    mut gates: Vec<Finding>,
    rules: Vec<Finding>,
) -> Vec<Finding> {
    let p = cx.policy;
    let vid = &cx.profile.vendor_id;
    let mut out = Vec::new();
    let mut expired = Vec::new();
    for mut f in rules {
        let Some(sev) = p.severity(f.code) else {
            continue;
        };
        f.severity = sev;
        for e in p
            .exemptions
            .iter()
            .filter(|e| &e.vendor == vid && e.code == f.code)
        {
            match e.expires {
                Some(d) if d < cx.as_of => expired.push((e.code, e.reason.clone(), d)),
                _ => {
                    f.severity = Severity::Info;
                    f.exempted = Some(match e.expires {
                        Some(d) => format!("{} (exemption until {d})", e.reason),
                        None => e.reason.clone(),
                    });
                }
            }
        }
        out.push(f);
    }
    expired.sort();
    expired.dedup();
    for (code, reason, d) in expired {
        if let Some(sev) = p.severity(Code::ExemptionExpired) {
            let mut f = Finding::new(
                Code::ExemptionExpired,
                format!(
                    "the exemption for {code} expired on {d} and no longer applies (it said: {reason})"
                ),
            );
            f.severity = sev;
            out.push(f);
        }
    }
    gates.extend(out);
    gates.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.code.cmp(&b.code))
            .then(a.lens.cmp(&b.lens))
            // Written out only for the rare tie (two thresholds missed, say).
            .then_with(|| a.detail.cmp(&b.detail))
    });
    gates
}
