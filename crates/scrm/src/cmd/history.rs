//! `scrm history`: list a history store's runs, verify them, prune old ones, make a key.

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
            let unreadable = unreadable(history)?;
            emit(
                *format,
                || scrm_history::render_runs_text(&runs) + &unreadable_text(&unreadable),
                &serde_json::json!({ "runs": runs, "unreadable": unreadable }),
            )?;
        }
        HistoryCommand::Verify {
            store: StoreArgs { history, format },
            history_key,
        } => {
            let key = context::store_keys(history_key)?;
            let checks = scrm_history::verify_runs_keyed(history, key.as_ref())
                .map_err(|e| anyhow!("{e}"))?;
            let head =
                scrm_history::verify_head(history, key.as_ref()).map_err(|e| anyhow!("{e}"))?;
            let chain =
                scrm_history::verify_chain(history, key.as_ref()).map_err(|e| anyhow!("{e}"))?;
            emit(
                *format,
                || {
                    scrm_history::render_verify_text(&checks)
                        + &scrm_history::render_head_text(&head)
                        + &scrm_history::render_chain_text(&chain)
                },
                &serde_json::json!({ "runs": checks, "head": head, "chain": chain }),
            )?;
            return Ok(u8::from(
                checks.iter().any(scrm_history::RunCheck::changed)
                    || head.changed()
                    || chain.changed(),
            ));
        }
        HistoryCommand::Prune {
            store: StoreArgs { history, format },
            keep,
            older_than,
            dry_run,
            history_key,
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
                let key = context::store_key(history_key.as_deref())?;
                scrm_history::prune(history, &rule, key.as_ref())
            }
            .map_err(|e| anyhow!("{e}"))?;
            let unreadable = unreadable(history)?;
            emit(
                *format,
                || scrm_history::render_prune_text(&done) + &unreadable_text(&unreadable),
                &with_unreadable(serde_json::to_value(&done)?, &unreadable)?,
            )?;
        }
        HistoryCommand::Keygen { out, format } => {
            let new = scrm_history::StoreKey::write_new(out).map_err(|e| anyhow!("{e}"))?;
            emit(
                *format,
                || {
                    format!(
                        "private key: {} (the nightly job's: `score --history-key`, `history prune --history-key`; keep it where only the job reads it)\npublic key:  {} (for auditors: `history verify --history-key`, `diff --history-key`)\nkey id:      {}\n",
                        new.private.display(),
                        new.public.display(),
                        new.key_id
                    )
                },
                &serde_json::json!({
                    "private": new.private,
                    "public": new.public,
                    "key_id": new.key_id,
                }),
            )?;
        }
    }
    Ok(0)
}

/// The runs of the store whose `run.json` does not read: listed apart, never pruned (what they
/// hold cannot be known; `history verify` says why, and removing one is the operator's call).
fn unreadable(history: &std::path::Path) -> Result<Vec<scrm_history::UnreadableRun>> {
    scrm_history::unreadable_runs(history).map_err(|e| anyhow!("{e}"))
}

/// The prune report's JSON with the unreadable runs added (its other keys as they were).
fn with_unreadable(
    mut v: serde_json::Value,
    runs: &[scrm_history::UnreadableRun],
) -> Result<serde_json::Value> {
    if let Some(o) = v.as_object_mut() {
        o.insert("unreadable".into(), serde_json::to_value(runs)?);
    }
    Ok(v)
}

fn unreadable_text(runs: &[scrm_history::UnreadableRun]) -> String {
    let mut s = String::new();
    if !runs.is_empty() {
        s.push_str(&format!(
            "{} run(s) whose run.json does not read, left as they are (`scrm history verify` tells why):\n",
            runs.len()
        ));
        for r in runs {
            s.push_str(&format!(
                "  {}\n",
                scrm_model::safe::escape_controls(&r.run_id, false)
            ));
        }
    }
    s
}
