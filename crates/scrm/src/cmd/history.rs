//! `scrm history`: list a history store's runs, verify them, prune old ones.

use crate::cli::{HistoryArgs, HistoryCommand, StoreArgs};
use crate::context;
use crate::output::emit;
use anyhow::{Result, anyhow};
use scrm_history::Retention;

/// Runs `scrm history`.
pub fn run(a: &HistoryArgs) -> Result<u8> {
    match &a.command {
        HistoryCommand::List(StoreArgs { history, format }) => {
            let runs = scrm_history::stored_runs(history).map_err(|e| anyhow!("{e}"))?;
            emit(
                *format,
                || scrm_history::render_runs_text(&runs),
                &serde_json::json!({ "runs": runs }),
            )?;
        }
        HistoryCommand::Verify {
            store: StoreArgs { history, format },
            history_key,
        } => {
            let key = super::score::store_key(history_key.as_deref())?;
            let checks = scrm_history::verify_runs_keyed(history, key.as_ref())
                .map_err(|e| anyhow!("{e}"))?;
            emit(
                *format,
                || scrm_history::render_verify_text(&checks),
                &serde_json::json!({ "runs": checks }),
            )?;
            return Ok(u8::from(checks.iter().any(scrm_history::RunCheck::changed)));
        }
        HistoryCommand::Prune {
            store: StoreArgs { history, format },
            keep,
            older_than,
            dry_run,
        } => {
            let older_than = match older_than {
                None => None,
                Some(days) => {
                    let too_far = || anyhow!("--older-than {days}: further back than dates go");
                    let span = chrono::TimeDelta::try_days(i64::from(*days)).ok_or_else(too_far)?;
                    Some(
                        context::now()?
                            .checked_sub_signed(span)
                            .ok_or_else(too_far)?,
                    )
                }
            };
            let rule = Retention {
                keep: *keep,
                older_than,
            };
            let done = if *dry_run {
                scrm_history::plan_prune(history, &rule)
            } else {
                scrm_history::prune(history, &rule)
            }
            .map_err(|e| anyhow!("{e}"))?;
            emit(*format, || scrm_history::render_prune_text(&done), &done)?;
        }
    }
    Ok(0)
}
