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
    let l = context::load(
        &a.input,
        output::side_base(a.out.as_deref()).map(|o| o.with_extension("rejects.csv")),
    )?;
    let (results, _) = super::score::score_vendors(&l, None, None)?;
    let manifest = context::manifest(&l, results.len(), &a.input)?;
    let th = context::tier_thresholds(&l.policy);
    let bytes = match &a.vendor {
        None if json => {
            let views = context::portfolio_views(&l);
            scrm_report::render_portfolio_json(&results, &manifest, views.as_ref())
                .map_err(|e| anyhow!("{e}"))?
        }
        None => {
            let views = context::portfolio_views(&l);
            let gaps = context::portfolio_gaps(&l);
            context::portfolio_html(&l, &results, &manifest, views.as_ref(), &gaps, lang)
                .into_bytes()
        }
        Some(id) => {
            let (v, ex) = super::vendor::find(&l, id)?;
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
