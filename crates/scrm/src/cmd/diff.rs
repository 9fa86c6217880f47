//! `scrm diff`: what changed between two runs of the history store.

use crate::cli::{DiffArgs, TextFormat};
use crate::output;
use anyhow::{Result, anyhow};
use scrm_model::Status;

/// Runs `scrm diff`.
pub fn run(a: &DiffArgs) -> Result<u8> {
    let fail = super::fail_status(a.fail_on);
    let d = scrm_history::diff_runs(
        &a.history,
        a.run_a.as_deref(),
        a.run_b.as_deref(),
        a.threshold,
        fail.unwrap_or(Status::Excluded),
    )
    .map_err(|e| anyhow!("{e}"))?;
    match a.format {
        TextFormat::Human => output::print(&scrm_history::render_diff_text(&d))?,
        TextFormat::Json => output::print(&(serde_json::to_string_pretty(&d)? + "\n"))?,
    }
    Ok(u8::from(fail.is_some_and(|s| d.newly_crossed(s))))
}
