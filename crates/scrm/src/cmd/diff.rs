//! `scrm diff`: what changed between two runs of the history store.

use crate::cli::DiffArgs;
use crate::context;
use crate::output;
use anyhow::{Result, anyhow};

/// Runs `scrm diff`.
pub fn run(a: &DiffArgs) -> Result<u8> {
    let fail = super::fail_status(a.fail_on);
    let key = context::store_keys(&a.history_key)?;
    let d = scrm_history::diff_runs_keyed(
        &a.history,
        a.run_a.as_deref(),
        a.run_b.as_deref(),
        a.threshold,
        fail,
        key.as_ref(),
    )
    .map_err(|e| anyhow!("{e}"))?;
    output::emit(a.format, || scrm_history::render_diff_text(&d), &d)?;
    Ok(u8::from(d.crossed))
}
