//! `scrm validate`: every input problem, located, without scoring.

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::context;
use crate::output;
use anyhow::{Result, anyhow, bail};

/// Runs `scrm validate`: 0 clean, 1 problems found (2 with `--strict`).
pub fn run(a: &ValidateArgs) -> Result<u8> {
    if a.input.inputs.is_empty() && a.input.vendors.is_none() && a.input.exclusions.is_none() {
        bail!("no inputs: give questionnaire files or folders");
    }
    let lang = context::lang(&a.lang)?;
    let catalog = context::catalog(a.input.catalog.as_deref())?;
    if let Some(p) = &a.input.policy {
        context::policy(Some(p), &catalog)?;
    }
    let opts = context::ingest_options(&a.input, &catalog)?;
    // Read as `score` reads, each vendor dropped once read: the problems, rejects and counts
    // are those of keeping them all, and a large portfolio is checked without holding every
    // vendor's answers.
    let (ing, _) = scrm_ingest::ingest_map(
        &a.input.inputs,
        a.input.vendors.as_deref(),
        a.input.exclusions.as_deref(),
        &catalog,
        &opts,
        |_, _| (),
        false,
    )
    .map_err(|e| anyhow!("{e}"))?;
    match a.format {
        ValidateFormat::Human => output::print(&scrm_ingest::render_human_in(&ing, lang))?,
        ValidateFormat::Json => {
            let mut s = serde_json::to_string_pretty(&scrm_ingest::render_json(&ing))?;
            s.push('\n');
            output::print(&s)?;
        }
        ValidateFormat::Sarif => {
            let log = scrm_sarif::validation(&ing, env!("CARGO_PKG_VERSION"));
            output::write(None, &scrm_sarif::to_json(&log)?)?;
        }
    }
    // Written even when nothing was rejected (the header alone): a rejects file left from an
    // earlier run must not pass for this one's.
    if let Some(path) = &a.input.rejects {
        let mut buf = Vec::new();
        scrm_ingest::write_rejects_csv(&ing.rejects, &mut buf)?;
        output::write(Some(path), &buf)?;
    }
    let problems = ing.error_count() + ing.warning_count() > 0;
    // `--strict` makes any problem fatal, as on every command that reads: listed all the same,
    // since listing them is what `validate` is for.
    Ok(match (problems, a.input.strict) {
        (false, _) => 0,
        (true, false) => 1,
        (true, true) => 2,
    })
}
