//! `scrm adapter`: the built-in adapters, and checking an adapter (with inputs, a dry run that
//! shows every answer it derives).

use crate::cli::{AdapterArgs, AdapterCheckArgs, AdapterCommand, AdapterFormat};
use crate::context;
use crate::output;
use anyhow::{Result, anyhow, bail};
use scrm_adapter::{Adapter, VendorFrom};
use scrm_catalog::Catalog;
use scrm_model::safe::escape_controls;
use scrm_model::{Lang, Lens};
use std::fmt::Write as _;

/// Runs `scrm adapter`.
pub fn run(a: &AdapterArgs) -> Result<u8> {
    match &a.command {
        AdapterCommand::List => {
            let mut s = String::new();
            for (name, src) in scrm_adapter::BUILTIN {
                let ad = scrm_adapter::parse(name, src, Catalog::builtin())
                    .map_err(|e| anyhow!("built-in adapter {name}: {e}"))?;
                writeln!(s, "{name:<16} {} ({} questions)", ad.title, ad.maps.len())?;
            }
            output::print(&s)?;
            Ok(0)
        }
        AdapterCommand::Init { name, out } => {
            let Some(src) = scrm_adapter::builtin(name) else {
                let names: Vec<&str> = scrm_adapter::BUILTIN.iter().map(|(n, _)| *n).collect();
                bail!(
                    "no built-in adapter '{name}' (built-in: {})",
                    names.join(", ")
                );
            };
            if let Some(p) = out
                && p.exists()
            {
                bail!("{} exists; not overwriting it", p.display());
            }
            output::write(out.as_deref(), src.as_bytes())?;
            Ok(0)
        }
        AdapterCommand::Check(c) => check(c),
    }
}

/// How many of a lens's questions the adapter answers.
#[derive(serde::Serialize)]
struct Coverage {
    lens: &'static str,
    mapped: usize,
    questions: usize,
}

fn coverage(ad: &Adapter, catalog: &Catalog) -> Vec<Coverage> {
    Lens::ALL
        .iter()
        .map(|lens| {
            let of: Vec<_> = catalog
                .questions()
                .iter()
                .filter(|q| scrm_catalog::lenses_of(q).contains(lens))
                .collect();
            Coverage {
                lens: lens.label(Lang::En),
                mapped: of
                    .iter()
                    .filter(|q| ad.maps.iter().any(|m| m.to == q.id))
                    .count(),
                questions: of.len(),
            }
        })
        .collect()
}

fn check(c: &AdapterCheckArgs) -> Result<u8> {
    let catalog = context::catalog(c.catalog.as_deref())?;
    let (name, src) = context::adapter_source(&c.adapter)?;
    let ad = match scrm_adapter::parse(&name, &src, &catalog) {
        Ok(ad) => ad,
        Err(e) => {
            let body = match c.format {
                AdapterFormat::Json => {
                    serde_json::to_string_pretty(&serde_json::json!({
                        "adapter": {"file": name}, "ok": false, "problems": e.problems,
                    }))? + "\n"
                }
                _ => format!("{e}\n"),
            };
            output::write(c.out.as_deref(), body.as_bytes())?;
            return Ok(1);
        }
    };
    let cov = coverage(&ad, &catalog);
    let ing = if c.inputs.is_empty() {
        None
    } else {
        let (encoding, delimiter) = context::reading(c.encoding.as_deref(), c.delimiter)?;
        let opts = scrm_ingest::IngestOptions {
            encoding,
            delimiter,
            adapters: vec![std::sync::Arc::new(ad.clone())],
            ..scrm_ingest::IngestOptions::default()
        };
        Some(
            scrm_ingest::ingest(&c.inputs, None, None, &catalog, &opts)
                .map_err(|e| anyhow!("{e}"))?,
        )
    };
    let body = match c.format {
        AdapterFormat::Human => human(&ad, &cov, ing.as_ref()),
        AdapterFormat::Json => json(&ad, &cov, ing.as_ref())?,
        AdapterFormat::Csv => {
            let Some(ing) = &ing else {
                bail!(
                    "--format csv writes the answers derived from inputs: give questionnaire files"
                );
            };
            if let Some(p) = &c.profiles {
                output::write(Some(p), &scrm_report::write_profiles_csv(&ing.vendors)?)?;
            }
            String::from_utf8(scrm_report::write_answers_csv(&ing.vendors)?)?
        }
    };
    if c.profiles.is_some() && c.format != AdapterFormat::Csv {
        bail!("--profiles goes with --format csv");
    }
    output::write(c.out.as_deref(), body.as_bytes())?;
    Ok(u8::from(
        ing.is_some_and(|i| i.error_count() + i.warning_count() > 0),
    ))
}

/// Supplier or adapter text, shown on a terminal.
fn shown(s: &str) -> String {
    escape_controls(s, false).into_owned()
}

fn human(ad: &Adapter, cov: &[Coverage], ing: Option<&scrm_ingest::Ingested>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "adapter  {}: {}", ad.name, shown(&ad.title));
    if let Some(v) = &ad.version {
        let _ = writeln!(s, "version  {}", shown(v));
    }
    let _ = writeln!(s, "file     {} (sha256 {})", shown(&ad.origin), ad.hash);
    if let Some(src) = &ad.source {
        let _ = writeln!(s, "source   {}", shown(src));
    }
    let sheets: Vec<&str> = ad.table.sheets.iter().map(|p| p.as_str()).collect();
    let _ = writeln!(
        s,
        "reads    {}; {}",
        if sheets.is_empty() {
            "every sheet".to_string()
        } else {
            format!("sheets {}", shown(&sheets.join(", ")))
        },
        shown(&scrm_adapter::wanted(&ad.table))
    );
    let vendor = match &ad.vendor {
        VendorFrom::Column => "a column of the table".to_string(),
        VendorFrom::Cell { sheet, cell } => match sheet {
            Some(p) => format!("cell {} of sheet {}", cell.a1(), shown(p.as_str())),
            None => format!("cell {}", cell.a1()),
        },
        VendorFrom::FileStem => "the file's name".to_string(),
    };
    let _ = writeln!(s, "vendor   {vendor}");
    let patterns: usize = ad.maps.iter().map(|m| m.from.len()).sum();
    let _ = writeln!(
        s,
        "maps     {} scrm question(s) from {patterns} foreign id pattern(s); {} pattern(s) ignored",
        ad.maps.len(),
        ad.ignore.len()
    );
    let _ = writeln!(s, "coverage (questions the adapter can answer, by lens):");
    for c in cov {
        let _ = writeln!(s, "  {:<14} {:>3} of {:>3}", c.lens, c.mapped, c.questions);
    }
    let Some(ing) = ing else {
        return s;
    };
    let c = ing.counts();
    let _ = writeln!(
        s,
        "\nread {} file(s): {} foreign answer row(s) used, {} accepted, {} rejected; {} supplier(s)",
        ing.files.len(),
        c.rows_read,
        c.accepted,
        c.rejected,
        ing.vendors.len()
    );
    for v in &ing.vendors {
        let _ = writeln!(
            s,
            "\n{}: {} answer(s)",
            shown(v.id().as_str()),
            v.answers.len()
        );
        for a in v.answers.values() {
            let _ = writeln!(
                s,
                "  {:<20} {:<8} {}",
                a.question.as_str(),
                a.value.canonical_str(),
                shown(a.comment.as_deref().unwrap_or(""))
            );
        }
    }
    s.push('\n');
    s.push_str(&scrm_ingest::render_human(ing));
    s
}

fn json(ad: &Adapter, cov: &[Coverage], ing: Option<&scrm_ingest::Ingested>) -> Result<String> {
    let maps: Vec<_> = ad
        .maps
        .iter()
        .map(|m| {
            serde_json::json!({
                "to": m.to.as_str(),
                "from": m.from.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                "combine": m.combine,
            })
        })
        .collect();
    let mut doc = serde_json::json!({
        "adapter": {
            "name": ad.name, "title": ad.title, "version": ad.version, "source": ad.source,
            "file": ad.origin, "sha256": ad.hash, "maps": maps,
        },
        "ok": true,
        "coverage": cov,
    });
    if let Some(ing) = ing {
        let vendors: Vec<_> = ing
            .vendors
            .iter()
            .map(|v| serde_json::json!({"vendor_id": v.id().as_str(), "answers": v.answers.values().collect::<Vec<_>>()}))
            .collect();
        doc["vendors"] = serde_json::Value::Array(vendors);
        doc["validation"] = scrm_ingest::render_json(ing);
    }
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}
