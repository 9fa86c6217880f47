//! The `score` target: a supplier's file read against the shipped catalog, scored, explained,
//! planned and rendered every way a user sees it, and each output checked for live supplier
//! text (a formula, a control character, markup).

use scrm_catalog::Catalog;
use scrm_ingest::IngestOptions;
use scrm_ingest::testutil::every_way::{assert_csv_inert, assert_text_inert};
use scrm_model::{Lang, Vendor};
use scrm_report::{
    OutputFormat, PortfolioReport, RenderOptions, ScorecardReport, render_explanation_text,
    render_plan_text, render_portfolio_html, render_results, render_scorecard_html,
};
use scrm_score::{Engine, index_exclusions};
use std::path::Path;
use std::sync::OnceLock;

/// An engine with the shipped catalog and the default policy, made once per process.
fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let cat = Catalog::builtin();
        let policy = scrm_policy::Policy::builtin(Some(cat))
            .unwrap_or_else(|e| panic!("the default policy: {e}"));
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default();
        Engine::new(cat, &policy, as_of)
    })
}

/// Reads `data` as `dir/responses.csv` and checks everything made of it.
pub(crate) fn check(dir: &Path, data: &[u8]) {
    let (engine, cat) = (engine(), Catalog::builtin());
    let path = dir.join("responses.csv");
    std::fs::write(&path, data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let read = scrm_ingest::ingest(&[path], None, None, cat, &IngestOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let results = engine.score_all(&read.vendors, &read.exclusions);
    let manifest = scrm_report::testutil::sample_manifest();
    let by_id = index_exclusions(&read.exclusions);
    let plans: Vec<_> = read
        .vendors
        .iter()
        .map(|v| engine.plan(v, by_id.get(v.id()).map_or(&[][..], Vec::as_slice)))
        .collect();
    for f in OutputFormat::ALL {
        let out = render_results(f, &results, &manifest, &plans, &RenderOptions::default())
            .unwrap_or_else(|e| panic!("{f}: {e}"));
        match f {
            OutputFormat::Csv => assert_csv_inert(&out),
            OutputFormat::Table => assert_text_inert("the table", &String::from_utf8_lossy(&out)),
            _ => {}
        }
    }
    check_exports(&read, &results, &manifest, &plans);
    let questions = engine.questions();
    let views = scrm_score::portfolio_views(engine, questions, &read.vendors, &read.exclusions);
    check_views(&views, &results);
    for lang in Lang::ALL {
        let page = render_portfolio_html(
            &PortfolioReport {
                results: &results,
                manifest: &manifest,
                questions,
                gaps: &scrm_report::GapMarker::new(questions).tally(&read.vendors),
                thresholds: &[],
                views: Some(&views),
            },
            lang,
        );
        assert_markup_inert("the portfolio page", &page, &read.vendors);
        for ((r, v), plan) in results.iter().zip(&read.vendors).zip(&plans) {
            assert_eq!(&r.vendor_id, v.id(), "results are in the vendors' order");
            let ex = by_id.get(v.id()).map_or(&[][..], Vec::as_slice);
            let explanation = engine.explain(v, ex);
            // The views regroup the explanation: each lens's task shares add up to its score.
            let gov = scrm_score::governance_view(&explanation, questions);
            for (lg, le) in gov.lenses.iter().zip(&explanation.lenses) {
                if let Some(score) = le.score {
                    let sum: f64 = lg.tasks.iter().map(|t| t.contribution).sum();
                    assert!(
                        (sum - score).abs() < 1e-9,
                        "governance view {sum} vs {score}"
                    );
                }
            }
            let risks = engine.risk_view(v);
            let card = render_scorecard_html(
                &ScorecardReport {
                    result: r,
                    manifest: &manifest,
                    questions,
                    vendor: Some(v),
                    thresholds: &[],
                    plan: Some(plan),
                    explanation: Some(&explanation),
                    governance: Some(&gov),
                    risks: Some(&risks),
                    max_evidence_age_days: engine.policy().evidence.max_age_days,
                },
                lang,
            );
            assert_markup_inert("a scorecard", &card, std::slice::from_ref(v));
            let text = render_explanation_text(&explanation, questions, lang);
            assert_text_inert("an explanation", &text);
            assert_text_inert(
                "a governance view",
                &scrm_report::render_governance_text(&explanation, &gov, lang),
            );
            assert_text_inert(
                "a risk view",
                &scrm_report::render_risk_text(&explanation, &risks, lang),
            );
            assert_text_inert("a plan", &render_plan_text(plan, questions, lang));
        }
    }
}

/// The OSCAL assessment results and POA&M of the results, and the SARIF logs of the reading and
/// of the results: well-formed JSON whose every string is inert (no control character; no live
/// Markdown in an OSCAL markup field; no unescaped bracket, a link, in a SARIF message).
fn check_exports(
    read: &scrm_ingest::Ingested,
    results: &[scrm_model::VendorResult],
    manifest: &scrm_model::RunManifest,
    plans: &[scrm_model::Plan],
) {
    let a = scrm_oscal::Assessment {
        results,
        plans,
        manifest,
        catalog: Catalog::builtin(),
        // With a deadline, so that the milestones are checked too.
        deadline_days: Some(30),
    };
    let json = |bytes: Vec<u8>| -> serde_json::Value {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON: {e}"))
    };
    match scrm_oscal::assessment_results_json(&a) {
        Ok(ar) => {
            scrm_oscal::testutil::assert_inert(&json(ar));
        }
        Err(scrm_oscal::OscalError::NoSupplier) => assert!(
            results.is_empty(),
            "no assessment results although a supplier was scored"
        ),
        Err(e) => panic!("{e}"),
    }
    match scrm_oscal::poam_json(&a) {
        Ok(pm) => {
            scrm_oscal::testutil::assert_inert(&json(pm));
        }
        Err(scrm_oscal::OscalError::NoSupplier) => assert!(
            results.is_empty(),
            "no POA&M although a supplier was scored"
        ),
        Err(scrm_oscal::OscalError::NothingToResolve) => assert!(
            results.iter().all(|r| r
                .findings
                .iter()
                .all(|f| f.severity == scrm_model::Severity::Info)),
            "no POA&M although a finding is to resolve"
        ),
        Err(e) => panic!("{e}"),
    }
    let sarif = scrm_sarif::validation(read, "0");
    let problems = json(scrm_sarif::to_json(&sarif).unwrap_or_else(|e| panic!("{e}")));
    let scores =
        json(scrm_sarif::scoring_json(results, manifest).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(
        scores["runs"][0]["results"].as_array().map(|r| r
            .iter()
            .filter(|r| r["ruleId"] == "supplier-status")
            .count()),
        Some(results.len()),
        "a status result per supplier"
    );
    for log in [problems, scores] {
        scrm_oscal::testutil::walk(&log, "", &mut |key, v| {
            if let Some(s) = v.as_str() {
                assert!(
                    !s.chars().any(scrm_model::safe::is_unsafe_char),
                    "SARIF {key}: a control character in {s:?}"
                );
                if key == "text" {
                    assert_brackets_escaped(s);
                }
            }
        });
    }
}

/// Panics on a `[` or `]` without a backslash before it: SARIF reads one as part of a link.
fn assert_brackets_escaped(s: &str) {
    let mut escaped = false;
    for c in s.chars() {
        assert!(
            escaped || !matches!(c, '[' | ']'),
            "SARIF message: an unescaped {c:?} in {s:?}"
        );
        escaped = c == '\\' && !escaped;
    }
}

/// Panics when a page shows a supplier's text as it was given although it holds a character
/// markup gives meaning to: every such text must reach the page escaped (as an entity in HTML,
/// `\u003c` in embedded JSON). Texts shorter than four characters are left out: the page's own
/// markup holds them by chance.
fn assert_markup_inert(what: &str, page: &str, vendors: &[Vendor]) {
    for v in vendors {
        let p = &v.profile;
        let texts = [
            Some(p.vendor_id.as_str()),
            p.name.as_deref(),
            p.country.as_deref(),
        ]
        .into_iter()
        .flatten()
        .chain(p.certifications.iter().map(String::as_str))
        .chain(p.extra.values().map(String::as_str))
        .chain(
            v.answers
                .values()
                .flat_map(|a| [a.evidence.as_deref(), a.comment.as_deref()])
                .flatten(),
        );
        assert_escaped(what, page, texts, &['<', '>', '&', '"'], |_| false);
    }
}

/// Panics when a page holds one of `texts` as it was given although it has one of `live` (a
/// character markup gives meaning to), unless `ours` says the page's own markup holds it. Texts
/// shorter than four characters are left out: the page's own markup holds them by chance.
pub(crate) fn assert_escaped<'t>(
    what: &str,
    page: &str,
    texts: impl IntoIterator<Item = &'t str>,
    live: &[char],
    ours: impl Fn(&str) -> bool,
) {
    for t in texts {
        assert!(
            !(t.contains(live) && t.chars().count() >= 4 && page.contains(t) && !ours(t)),
            "{what} shows {t:?} unescaped"
        );
    }
}

/// The portfolio roll-up counts within the portfolio, and its medians and least-ready readiness
/// stay on the 0-5 scale, least first.
fn check_views(v: &scrm_model::PortfolioViews, results: &[scrm_model::VendorResult]) {
    assert_eq!(v.suppliers, results.len(), "every supplier rolled up");
    for r in &v.risks {
        assert!(r.weak <= r.suppliers && r.suppliers <= v.suppliers);
        assert!(r.median.is_none_or(|m| (0.0..=5.0).contains(&m)), "{r:?}");
        assert!(r.lowest.windows(2).all(|w| w[0].1 <= w[1].1), "{r:?}");
    }
    for g in &v.governance {
        assert!(g.below_half <= g.suppliers && g.suppliers <= v.suppliers);
        assert!(
            g.mean_attainment.is_none_or(|a| (0.0..=1.0).contains(&a)),
            "{g:?}"
        );
    }
}
