//! `scrm report`: the HTML portfolio page, or one supplier's scorecard; or their numbers as
//! JSON.

use crate::cli::{ReportArgs, ReportFormat};
use crate::context;
use crate::output;
use anyhow::{Result, anyhow, bail};
use scrm_score::Engine;

/// Runs `scrm report`.
pub fn run(a: &ReportArgs) -> Result<u8> {
    if !a.html && a.format == ReportFormat::Html {
        bail!("--html=false: say which format instead, with --format json");
    }
    let json = a.format == ReportFormat::Json;
    let lang = context::lang(&a.lang)?;
    let rejects = output::side_base(a.out.as_deref()).map(|o| o.with_extension("rejects.csv"));
    let bytes = match &a.vendor {
        // The portfolio: each vendor scored, its views (and for the page its gap marks) made
        // as it is read, as `score --format html` does.
        None => {
            let wants = super::score::Wants {
                plans: false,
                views: true,
                gaps: !json,
            };
            let (l, split) = super::score::portfolio_streamed(&a.input, rejects, wants)?;
            let manifest = context::manifest(&l, split.results.len(), &a.input)?;
            if json {
                let views = split.rolled_views();
                scrm_report::render_portfolio_json(&split.results, &manifest, views.as_ref())
                    .map_err(|e| anyhow!("{e}"))?
            } else {
                super::score::portfolio_page(&l, &split, &manifest, lang).into_bytes()
            }
        }
        Some(id) => {
            let one = super::vendor::read_one(&a.input, rejects, id)?.one(id)?;
            let (l, v) = (&one.l, &one.vendor);
            let ex = one.exclusion_refs();
            let manifest = context::manifest(l, one.read, &a.input)?;
            let th = context::tier_thresholds(&l.policy);
            let engine = Engine::new(&l.catalog, &l.policy, l.as_of);
            let result = engine.score(v, &ex);
            let plan = engine.plan(v, &ex);
            let explanation = engine.explain(v, &ex);
            let governance = scrm_score::governance_view(&explanation, l.catalog.questions());
            let risks = engine.risk_view(v);
            let card = scrm_report::ScorecardReport {
                result: &result,
                manifest: &manifest,
                questions: l.catalog.questions(),
                vendor: Some(v),
                thresholds: &th,
                plan: Some(&plan),
                explanation: Some(&explanation),
                governance: Some(&governance),
                risks: Some(&risks),
                max_evidence_age_days: l.policy.evidence.max_age_days,
            };
            if json {
                scrm_report::render_scorecard_json(&card).map_err(|e| anyhow!("{e}"))?
            } else {
                scrm_report::render_scorecard_html(&card, lang).into_bytes()
            }
        }
    };
    output::write(a.out.as_deref(), &bytes)?;
    Ok(0)
}
