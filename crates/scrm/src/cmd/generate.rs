//! `scrm gen`: synthetic portfolios and the bundled demo.

use crate::cli::GenArgs;
use crate::context;
use crate::output;
use anyhow::{Result, anyhow};

/// Runs `scrm gen`.
pub fn run(a: &GenArgs) -> Result<u8> {
    let catalog = context::catalog(a.catalog.as_deref())?;
    let q = catalog.questions();
    if a.demo {
        let s = scrm_gen::demo(q, &a.out).map_err(|e| anyhow!("{e}"))?;
        let workbooks = super::super::demo_xlsx::write(&catalog, &a.out)?;
        // `s` describes answers.csv before some suppliers moved into workbooks; subtract them.
        output::note(&format!(
            "demo portfolio written to {}: {} suppliers ({} in answers.csv, {} JSON documents, {} XLSX workbooks), {} exclusions",
            a.out.display(),
            s.vendors,
            s.csv_vendors.saturating_sub(workbooks as u64),
            s.json_documents.len(),
            workbooks,
            s.exclusions
        ));
        return Ok(0);
    }
    let policy = scrm_policy::Policy::builtin(Some(&catalog)).map_err(|e| anyhow!("{e}"))?;
    let opts = scrm_gen::GenOptions {
        vendors: a.vendors,
        seed: a.seed,
        knockouts: policy
            .knockouts
            .iter()
            .map(|k| k.question.clone())
            .collect(),
        ..scrm_gen::GenOptions::default()
    };
    let started = std::time::Instant::now();
    let run = scrm_gen::run_gen(q, &opts, &a.out, a.force).map_err(|e| anyhow!("{e}"))?;
    let secs = started.elapsed().as_secs_f64();
    if run.skipped {
        output::note(&format!(
            "{} already holds this portfolio; nothing written (--force to regenerate)",
            a.out.display()
        ));
    } else {
        let mb = run.summary.total_bytes() as f64 / 1e6;
        output::note(&format!(
            "wrote {:.1} MB in {secs:.2} s ({:.0} MB/s) to {}",
            mb,
            mb / secs.max(1e-9),
            a.out.display()
        ));
    }
    output::print(&run.summary.to_text())?;
    Ok(0)
}
