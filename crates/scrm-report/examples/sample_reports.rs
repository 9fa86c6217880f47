//! Writes the sample portfolio and scorecard pages (English and Traditional Chinese) built from
//! the crate's hand-made test portfolio, for looking at and for screenshots.
//!
//! Usage: `cargo run -p scrm-report --example sample_reports -- <out-dir>`; writes
//! `portfolio.html`, `portfolio.zh-TW.html`, `scorecard.html` and `scorecard.zh-TW.html`.

#![allow(clippy::print_stderr)]

use scrm_model::Lang;
use scrm_report::testutil;
use scrm_report::{PortfolioReport, ScorecardReport, render_portfolio_html, render_scorecard_html};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: sample_reports <out-dir>");
        return ExitCode::from(2);
    };
    let qs = testutil::sample_questions();
    let m = testutil::sample_manifest();
    let th = testutil::sample_thresholds();
    let results = testutil::sample_results();
    let vendors = testutil::sample_vendors();
    let plans = testutil::sample_plans();
    let focus = "V003";
    let r = results.iter().find(|r| r.vendor_id.as_str() == focus);
    let e = testutil::sample_explanation(focus);
    let mut pages = Vec::new();
    let views = sample_views();
    let gaps = scrm_report::GapMarker::new(&qs).tally(&vendors);
    for lang in Lang::ALL {
        let suffix = if lang == Lang::En {
            String::new()
        } else {
            format!(".{lang}")
        };
        let p = render_portfolio_html(
            &PortfolioReport {
                results: &results,
                manifest: &m,
                questions: &qs,
                gaps: &gaps,
                thresholds: &th,
                views: Some(&views),
            },
            lang,
        );
        pages.push((format!("portfolio{suffix}.html"), p));
        if let Some(r) = r {
            let s = render_scorecard_html(
                &ScorecardReport {
                    result: r,
                    manifest: &m,
                    questions: &qs,
                    vendor: vendors.iter().find(|v| v.id().as_str() == focus),
                    thresholds: &th,
                    plan: plans.iter().find(|p| p.vendor_id.as_str() == focus),
                    explanation: e.as_ref(),
                    governance: None,
                    risks: None,
                    max_evidence_age_days: Some(730),
                },
                lang,
            );
            pages.push((format!("scorecard{suffix}.html"), s));
        }
    }
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("sample_reports: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for (name, html) in pages {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, html) {
            eprintln!("sample_reports: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Both views of the sample suppliers rolled up, as the engine computes them under the default
/// policy over the sample questions.
fn sample_views() -> scrm_model::PortfolioViews {
    let qs = scrm_report::testutil::sample_questions();
    let policy = scrm_policy::Policy::builtin(None).unwrap_or_else(|e| panic!("{e}"));
    let as_of = scrm_report::testutil::sample_manifest().as_of;
    let engine = scrm_score::Engine::from_parts(qs.clone(), &[], &policy, as_of, "sample");
    scrm_score::portfolio_views(&engine, &qs, &scrm_report::testutil::sample_vendors(), &[])
}
