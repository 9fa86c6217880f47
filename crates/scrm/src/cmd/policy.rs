//! `scrm policy`: init, check, diff.

use crate::cli::{PolicyArgs, PolicyCommand, TextFormat};
use crate::context;
use crate::output;
use anyhow::{Context, Result, bail};
use scrm_policy::{DEFAULT_POLICY_TOML, Policy, PolicyError};

fn load(name: &str, catalog: &scrm_catalog::Catalog) -> Result<Result<Policy, PolicyError>> {
    if name == "builtin" {
        return Ok(Policy::builtin(Some(catalog)));
    }
    let src = std::fs::read_to_string(name).with_context(|| format!("reading policy {name}"))?;
    Ok(Policy::from_toml(name, &src, Some(catalog)))
}

/// Runs `scrm policy`.
pub fn run(a: &PolicyArgs) -> Result<u8> {
    let catalog = context::catalog(None)?;
    match &a.command {
        PolicyCommand::Init { out } => {
            if let Some(p) = out
                && p.exists()
            {
                bail!("{} exists; not overwriting it", p.display());
            }
            output::write(out.as_deref(), DEFAULT_POLICY_TOML.as_bytes())?;
            Ok(0)
        }
        PolicyCommand::Check { file, format } => {
            let name = file.display().to_string();
            let res = load(&name, &catalog)?;
            match (format, &res) {
                (TextFormat::Human, Ok(p)) => {
                    output::print(&format!("{name}: ok ({}, sha256 {})\n", p.name, p.hash))?
                }
                (TextFormat::Human, Err(e)) => output::print(&format!("{e}\n"))?,
                (TextFormat::Json, Ok(p)) => output::print(
                    &(serde_json::to_string_pretty(
                        &serde_json::json!({"file": name, "ok": true, "sha256": p.hash, "problems": []}),
                    )? + "\n"),
                )?,
                (TextFormat::Json, Err(e)) => output::print(
                    &(serde_json::to_string_pretty(
                        &serde_json::json!({"file": name, "ok": false, "problems": e.problems}),
                    )? + "\n"),
                )?,
            }
            Ok(u8::from(res.is_err()))
        }
        PolicyCommand::Diff {
            a: pa,
            b: pb,
            format,
        } => {
            let a = load(pa, &catalog)?.map_err(|e| anyhow::anyhow!("{e}"))?;
            let b = load(pb, &catalog)?.map_err(|e| anyhow::anyhow!("{e}"))?;
            let changes = scrm_policy::diff(&a, &b);
            match format {
                TextFormat::Human => {
                    let body = scrm_policy::render_diff(&changes);
                    output::print(&if body.is_empty() {
                        format!("{pa} and {pb} set the same values\n")
                    } else {
                        body
                    })?
                }
                TextFormat::Json => {
                    output::print(&(serde_json::to_string_pretty(&changes)? + "\n"))?
                }
            }
            Ok(u8::from(!changes.is_empty()))
        }
    }
}
