//! `scrm score`: read, score in parallel, render, optionally record history.

use crate::cli::{ScoreArgs, ScoreFormat};
use crate::context::{self, Loaded};
use crate::output;
use anyhow::{Result, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use scrm_model::{FullInput, Plan, Status, Vendor, VendorResult};
use scrm_report::{OutputFormat, RenderOptions};
use scrm_score::{Engine, index_exclusions};

/// Scores every vendor; with a history store, unchanged vendors reuse their stored result.
pub fn score_vendors(l: &Loaded, history: Option<&std::path::Path>) -> Result<Vec<VendorResult>> {
    let engine = Engine::new(&l.catalog, &l.policy, l.as_of);
    let vendors = &l.ingested.vendors;
    let ex = index_exclusions(&l.ingested.exclusions);
    let cache = match history {
        Some(dir) => Some(scrm_history::load_cache(dir).map_err(|e| anyhow!("{e}"))?),
        None => None,
    };
    let pb = if output::stderr_progress() && vendors.len() >= 5_000 {
        let pb = ProgressBar::new(vendors.len() as u64);
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} scoring {pos}/{len} vendors {bar:30} {per_sec} eta {eta}",
            )
            .map_err(|e| anyhow!("{e}"))?,
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let reused = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<VendorResult> = vendors
        .par_chunks(1024)
        .flat_map_iter(|chunk| {
            let out: Vec<VendorResult> = chunk
                .iter()
                .map(|v: &Vendor| {
                    let e = ex.get(v.id()).map_or(&[][..], |x| x.as_slice());
                    score_or_reuse(&engine, cache.as_ref(), v, e, &reused)
                })
                .collect();
            pb.inc(chunk.len() as u64);
            out
        })
        .collect();
    pb.finish_and_clear();
    results.sort_by(|a, b| a.vendor_id.cmp(&b.vendor_id));
    if cache.is_some() {
        tracing::info!(
            reused = reused.into_inner(),
            scored = results.len(),
            "incremental scoring: reused unchanged vendors from the newest run"
        );
    }
    Ok(results)
}

/// A vendor's stored result when the cache holds one for the same inputs and date, else a fresh
/// score; counts the reuses. With a cache (a history store) every result carries its
/// `input_hash`, computed once here (the engine leaves it empty).
fn score_or_reuse<V: FullInput + ?Sized>(
    engine: &Engine,
    cache: Option<&scrm_history::Cache>,
    v: &V,
    ex: &[&scrm_model::Exclusion],
    reused: &std::sync::atomic::AtomicUsize,
) -> VendorResult {
    let Some(c) = cache else {
        return engine.score_input(v, ex);
    };
    let hash = engine.input_hash(v, ex);
    if let Some(r) = c.reusable(&v.profile().vendor_id, &hash, engine.as_of()) {
        reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return r;
    }
    let mut r = engine.score_input(v, ex);
    r.input_hash = hash;
    r
}

/// One vendor scored as ingestion finished it, with what the history keeps of its answers
/// (when there is a history).
type Streamed = (VendorResult, Option<scrm_history::AnswerSheet>);

/// Reads and scores in one pass ([`context::load_map`]); with `--history`, unchanged vendors
/// reuse their stored result exactly as [`score_vendors`] does.
fn score_streamed(
    a: &ScoreArgs,
    rejects_default: Option<std::path::PathBuf>,
) -> Result<(Loaded, Vec<Streamed>)> {
    let cache = match &a.history {
        Some(dir) => Some(scrm_history::load_cache(dir).map_err(|e| anyhow!("{e}"))?),
        None => None,
    };
    let pb = streamed_progress()?;
    let reused = std::sync::atomic::AtomicUsize::new(0);
    let out = context::load_map(&a.input, rejects_default, |catalog, policy, as_of| {
        let engine = Engine::new(catalog, policy, as_of);
        let (cache, pb, reused) = (&cache, &pb, &reused);
        Ok(
            move |v: scrm_ingest::ReadVendor<'_>, ex: &[&scrm_model::Exclusion]| {
                pb.inc(1);
                if cache.is_none() {
                    // No history: nothing needs the evidence text, so the vendor is scored where
                    // the reader holds it.
                    return (engine.score_input(&v, ex), None);
                }
                // Hashed, scored and recorded where the reader holds it, not copied into a
                // `Vendor` first (a map and two strings an answer).
                let result = score_or_reuse(&engine, cache.as_ref(), &v, ex, reused);
                let sheet = Some(scrm_history::AnswerSheet::of(&v));
                (result, sheet)
            },
        )
    })?;
    pb.finish_and_clear();
    if cache.is_some() {
        tracing::info!(
            reused = reused.into_inner(),
            scored = out.1.len(),
            "incremental scoring: reused unchanged vendors from the newest run"
        );
    }
    Ok(out)
}

/// A spinner counting vendors as a streamed run scores them (hidden when stderr is no terminal).
fn streamed_progress() -> Result<ProgressBar> {
    if !output::stderr_progress() {
        return Ok(ProgressBar::hidden());
    }
    let pb = ProgressBar::no_length();
    pb.set_style(
        ProgressStyle::with_template("{spinner} scored {pos} vendors {per_sec}")
            .map_err(|e| anyhow!("{e}"))?,
    );
    Ok(pb)
}

/// `score --format csv` without a history: each vendor is scored where the reader holds it and
/// only its rendered row is kept (a few hundred bytes, where a result takes about a kilobyte),
/// so a million-vendor portfolio fits in memory; the bytes are those of rendering the results.
fn run_csv_rows(a: &ScoreArgs, rejects_default: Option<std::path::PathBuf>) -> Result<u8> {
    let pb = streamed_progress()?;
    let (l, rows) = context::load_map(&a.input, rejects_default, |catalog, policy, as_of| {
        let engine = Engine::new(catalog, policy, as_of);
        let pb = &pb;
        Ok(
            move |v: scrm_ingest::ReadVendor<'_>, ex: &[&scrm_model::Exclusion]| {
                pb.inc(1);
                // A CSV row shows no group scores.
                scrm_report::CsvRow::new(&engine.score_summary(&v, ex))
            },
        )
    })?;
    pb.finish_and_clear();
    let manifest = context::manifest(&l, rows.len(), &a.input)?;
    // `ingest_map` hands results over in vendor-id order, the order of the CSV.
    output::write_with(a.out.as_deref(), &mut |w| {
        scrm_report::write_csv_rows(&rows, w).map_err(|e| anyhow!("{e}"))
    })?;
    write_csv_sidecar(a, &manifest)?;
    let code = u8::from(super::flagged(rows.iter().map(|r| r.status), a.fail_on));
    // The process ends next: freeing a million rows one by one would only delay the exit.
    std::mem::forget(rows);
    Ok(code)
}

/// The manifest next to a CSV written to a file ([`scrm_report::manifest_sidecar_path`]).
fn write_csv_sidecar(a: &ScoreArgs, manifest: &scrm_model::RunManifest) -> Result<()> {
    if let Some(out) = output::side_base(a.out.as_deref()) {
        let side = scrm_report::manifest_sidecar_path(out);
        let side_bytes =
            scrm_report::manifest_sidecar_json(manifest).map_err(|e| anyhow!("{e}"))?;
        output::write(Some(&side), &side_bytes)?;
    }
    Ok(())
}

/// Plans for every at-risk vendor (the XLSX Remediation sheet).
pub fn plans_for(l: &Loaded, results: &[VendorResult]) -> Vec<Plan> {
    let engine = Engine::new(&l.catalog, &l.policy, l.as_of);
    let ex = index_exclusions(&l.ingested.exclusions);
    let flagged: Vec<&Vendor> = l
        .ingested
        .vendors
        .iter()
        .zip(results)
        .filter(|(_, r)| r.status == Status::AtRisk)
        .map(|(v, _)| v)
        .collect();
    flagged
        .par_iter()
        .map(|v| engine.plan(v, ex.get(v.id()).map_or(&[][..], |x| x.as_slice())))
        .collect()
}

/// Runs `scrm score`.
pub fn run(a: &ScoreArgs) -> Result<u8> {
    let rejects_default =
        output::side_base(a.out.as_deref()).map(|o| o.with_extension("rejects.csv"));
    if a.format == ScoreFormat::Csv && a.history.is_none() {
        return run_csv_rows(a, rejects_default);
    }
    // Formats that show only results are scored as ingestion finishes each vendor, so that
    // every vendor's answers are never held at once (a nightly portfolio of 100,000 vendors);
    // the history keeps only each answer's value. The workbook (plans) and the HTML page (gap
    // summary) need the vendors afterwards.
    let streamed = matches!(
        a.format,
        ScoreFormat::Table
            | ScoreFormat::Csv
            | ScoreFormat::Json
            | ScoreFormat::Jsonl
            | ScoreFormat::Parquet
    );
    let (l, results, sheets) = if streamed {
        let (l, scored) = score_streamed(a, rejects_default)?;
        let mut results = Vec::with_capacity(scored.len());
        let mut sheets = Vec::new();
        for (r, sheet) in scored {
            results.push(r);
            sheets.extend(sheet);
        }
        (l, results, sheets)
    } else {
        let l = context::load(&a.input, rejects_default)?;
        let results = score_vendors(&l, a.history.as_deref())?;
        (l, results, Vec::new())
    };
    let manifest = context::manifest(&l, results.len(), &a.input)?;
    let bytes = match a.format {
        ScoreFormat::Parquet => {
            let mut buf = Vec::new();
            scrm_history::write_results_parquet(&results, &manifest, &mut buf)
                .map_err(|e| anyhow!("{e}"))?;
            if a.out.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                return Err(anyhow!(
                    "Parquet is binary: give --out FILE (or redirect stdout)"
                ));
            }
            buf
        }
        ScoreFormat::Html => {
            context::portfolio_html(&l, &results, &manifest, context::lang(&a.lang)?).into_bytes()
        }
        f => {
            let format = match f {
                ScoreFormat::Table => OutputFormat::Table,
                ScoreFormat::Csv => OutputFormat::Csv,
                ScoreFormat::Json => OutputFormat::Json,
                ScoreFormat::Jsonl => OutputFormat::Jsonl,
                _ => OutputFormat::Xlsx,
            };
            if format == OutputFormat::Xlsx
                && a.out.is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stdout())
            {
                return Err(anyhow!(
                    "XLSX is binary: give --out FILE (or redirect stdout)"
                ));
            }
            let plans = if format == OutputFormat::Xlsx {
                plans_for(&l, &results)
            } else {
                Vec::new()
            };
            let opts = RenderOptions {
                color: format == OutputFormat::Table && a.out.is_none() && output::stdout_color(),
            };
            scrm_report::render_results(format, &results, &manifest, &plans, &opts)
                .map_err(|e| anyhow!("{e}"))?
        }
    };
    output::write(a.out.as_deref(), &bytes)?;
    if a.format == ScoreFormat::Csv {
        write_csv_sidecar(a, &manifest)?;
    }
    if let Some(dir) = &a.history {
        let rec = if streamed {
            scrm_history::record_run(dir, &manifest, &results, &sheets)
        } else {
            scrm_history::record_run(dir, &manifest, &results, &l.ingested.vendors)
        }
        .map_err(|e| anyhow!("{e}"))?;
        if rec.created {
            output::note(&format!(
                "history: recorded run {} in {}",
                rec.run_id,
                dir.display()
            ));
        } else {
            output::note(&format!(
                "history: inputs unchanged since run {}; nothing recorded",
                rec.run_id
            ));
        }
    }
    Ok(u8::from(super::flagged(
        results.iter().map(|r| r.status),
        a.fail_on,
    )))
}
