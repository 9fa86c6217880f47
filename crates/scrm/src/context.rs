//! Resolving what a run needs from the flags: catalog, policy, ingest options, the clock, the
//! inputs (read and validated), and the run manifest.

use crate::cli::{Delimiter, Digest, InputArgs};
use crate::output;
use anyhow::{Context as _, Result, anyhow, bail};
use chrono::NaiveDate;
use scrm_catalog::Catalog;
use scrm_ingest::{IngestOptions, Ingested, InputDigest, Limits};
use scrm_model::{InputFile, Lang, RunCounts, RunManifest};
use scrm_policy::Policy;
use std::path::{Path, PathBuf};

/// The version of scrm every manifest names, and the one a history's stored results must come
/// from to be reused ([`scrm_history::load_cache`]).
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The clock: `SCRM_NOW` (RFC 3339) pins it for tests and reproducible runs.
pub fn now() -> Result<chrono::DateTime<chrono::Utc>> {
    if let Ok(s) = std::env::var("SCRM_NOW") {
        return chrono::DateTime::parse_from_rfc3339(&s)
            .map(|d| d.with_timezone(&chrono::Utc))
            .map_err(|e| anyhow!("SCRM_NOW='{s}' is not an RFC 3339 time: {e}"));
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .ok_or_else(|| anyhow!("system clock out of range"))
}

/// Parses a `--lang` value.
pub fn lang(s: &str) -> Result<Lang> {
    s.parse::<Lang>().map_err(|e| anyhow!(e))
}

/// The catalog: built-in, with the buyer's overlay if given.
pub fn catalog(overlay: Option<&Path>) -> Result<Catalog> {
    let base = Catalog::builtin();
    match overlay {
        None => Ok(base.clone()),
        Some(p) => {
            let src = std::fs::read_to_string(p)
                .with_context(|| format!("reading catalog {}", p.display()))?;
            base.with_overlay(&p.display().to_string(), &src)
                .map_err(|e| anyhow!("{e}"))
        }
    }
}

/// The policy: built-in, or the given file validated against the catalog.
pub fn policy(file: Option<&Path>, catalog: &Catalog) -> Result<Policy> {
    match file {
        None => Policy::builtin(Some(catalog)).map_err(|e| anyhow!("{e}")),
        Some(p) => {
            let src = std::fs::read_to_string(p)
                .with_context(|| format!("reading policy {}", p.display()))?;
            Policy::from_toml(&p.display().to_string(), &src, Some(catalog))
                .map_err(|e| anyhow!("{e}"))
        }
    }
}

/// The `--encoding` and `--delimiter` flags as ingestion takes them.
pub fn reading(
    encoding: Option<&str>,
    delimiter: Option<Delimiter>,
) -> Result<(Option<&'static encoding_rs::Encoding>, Option<u8>)> {
    let encoding = match encoding {
        None => None,
        Some(l) => Some(
            encoding_rs::Encoding::for_label(l.trim().as_bytes())
                .ok_or_else(|| anyhow!("'{l}' is not an encoding label (try utf-8, big5, utf-16le, utf-16be, windows-1252)"))?,
        ),
    };
    let delimiter = delimiter.map(|d| match d {
        Delimiter::Comma => b',',
        Delimiter::Semicolon => b';',
        Delimiter::Tab => b'\t',
    });
    Ok((encoding, delimiter))
}

/// An adapter's name (its path, or `builtin:NAME`) and text: the file `spec` names, or else the
/// built-in adapter of that name.
pub fn adapter_source(spec: &str) -> Result<(String, String)> {
    let path = Path::new(spec);
    // A file; a folder of that name does not hide the built-in adapter.
    if path.is_file() {
        let src = std::fs::read_to_string(path)
            .with_context(|| format!("reading adapter {}", path.display()))?;
        return Ok((path.display().to_string(), src));
    }
    if let Some(src) = scrm_adapter::builtin(spec) {
        return Ok((format!("builtin:{spec}"), src.to_string()));
    }
    let names: Vec<&str> = scrm_adapter::BUILTIN.iter().map(|(n, _)| *n).collect();
    bail!(
        "no adapter file '{spec}', and no built-in adapter of that name (built-in: {})",
        names.join(", ")
    )
}

/// The adapter `spec` names ([`adapter_source`]), checked against the catalog.
pub fn adapter(spec: &str, catalog: &Catalog) -> Result<scrm_adapter::Adapter> {
    let (name, src) = adapter_source(spec)?;
    scrm_adapter::parse(&name, &src, catalog).map_err(|e| anyhow!("{e}"))
}

/// Ingestion options from the flags; the adapter, if one is given, checked against `catalog`.
pub fn ingest_options(a: &InputArgs, catalog: &Catalog) -> Result<IngestOptions> {
    let mut adapters: Vec<std::sync::Arc<scrm_adapter::Adapter>> = Vec::new();
    for spec in &a.adapter {
        let ad = adapter(spec, catalog)?;
        if let Some(other) = adapters.iter().find(|o| o.name == ad.name) {
            bail!(
                "two adapters are named '{}' ({} and {}); an answer's comment names its adapter, so names must differ",
                ad.name,
                other.origin,
                ad.origin
            );
        }
        adapters.push(std::sync::Arc::new(ad));
    }
    let (encoding, delimiter) = reading(a.encoding.as_deref(), a.delimiter)?;
    Ok(IngestOptions {
        encoding,
        delimiter,
        strict: a.strict,
        input_digest: input_digest(a),
        limits: Limits {
            max_field_bytes: a.max_field_bytes,
            max_rows: a.max_rows,
            max_columns: a.max_columns,
            max_problems: a.max_problems,
            max_xlsx_bytes: a.max_xlsx_bytes,
            max_xlsx_ratio: a.max_xlsx_ratio,
            max_json_depth: a.max_json_depth,
            max_json_bytes: a.max_json_bytes,
        },
        adapters,
        ..IngestOptions::default()
    })
}

/// The date to score as of.
pub fn as_of(a: &InputArgs, now: chrono::DateTime<chrono::Utc>) -> Result<NaiveDate> {
    match &a.as_of {
        Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| anyhow!("--as-of '{s}' is not a date (YYYY-MM-DD)")),
        None => Ok(now.date_naive()),
    }
}

/// Everything a scoring command loads.
pub struct Loaded {
    pub catalog: Catalog,
    pub policy: Policy,
    pub ingested: Ingested,
    pub as_of: NaiveDate,
    pub now: chrono::DateTime<chrono::Utc>,
    /// How the inputs were read (limits, digest, and the adapters, if any).
    pub opts: IngestOptions,
}

/// Reads catalog, policy and inputs, every vendor kept whole (`scrm fill`, which edits the
/// supplier it opens; the other commands read with [`load_map`]); reports input problems on
/// stderr (or fails in strict mode) and writes rejects. `rejects_default` is where rejects go
/// when `--rejects` is not given; `None` writes rejected rows only where `--rejects` says
/// (`scrm fill`, which keeps nothing it was not asked to).
pub fn load_with(a: &InputArgs, rejects_default: Option<Option<PathBuf>>) -> Result<Loaded> {
    let (catalog, policy, opts, as_of, now) = prepare(a)?;
    let ingested = scrm_ingest::ingest(
        &a.inputs,
        a.vendors.as_deref(),
        a.exclusions.as_deref(),
        &catalog,
        &opts,
    )
    .map_err(|e| anyhow!("{e}"))?;
    report_inputs(a, &ingested, rejects_default)?;
    Ok(Loaded {
        catalog,
        policy,
        ingested,
        as_of,
        now,
        opts,
    })
}

/// Like [`load_with`] (rejected rows written to `--rejects`, else to `rejects_default`), but
/// hands each vendor, as ingestion finishes it, to the function `make` builds (from the
/// catalog, the policy and the as-of date) and keeps only what it returns, in vendor-id order:
/// the `Loaded` has no vendors. Peak memory is then the compact answers plus
/// the returned values, never every vendor's answer map at once.
pub fn load_map<R, M>(
    a: &InputArgs,
    rejects_default: Option<PathBuf>,
    make: impl FnOnce(&Catalog, &Policy, NaiveDate) -> Result<M>,
) -> Result<(Loaded, Vec<R>)>
where
    R: Send + 'static,
    M: Fn(scrm_ingest::ReadVendor<'_>, &[&scrm_model::Exclusion]) -> R + Sync,
{
    let (catalog, policy, opts, as_of, now) = prepare(a)?;
    let map = make(&catalog, &policy, as_of)?;
    let (ingested, mapped) = scrm_ingest::ingest_map(
        &a.inputs,
        a.vendors.as_deref(),
        a.exclusions.as_deref(),
        &catalog,
        &opts,
        map,
        a.strict,
    )
    .map_err(|e| anyhow!("{e}"))?;
    report_inputs(a, &ingested, Some(rejects_default))?;
    Ok((
        Loaded {
            catalog,
            policy,
            ingested,
            as_of,
            now,
            opts,
        },
        mapped,
    ))
}

/// Catalog, policy, ingest options, as-of date and the clock's now.
pub type Prepared = (
    Catalog,
    Policy,
    IngestOptions,
    NaiveDate,
    chrono::DateTime<chrono::Utc>,
);

/// Everything a run resolves before reading inputs.
fn prepare(a: &InputArgs) -> Result<Prepared> {
    if a.inputs.is_empty() && a.vendors.is_none() {
        bail!("no inputs: give questionnaire files or folders (see `scrm score --help`)");
    }
    prepare_any(a)
}

/// What [`prepare`] resolves, for a command that may have no inputs (`scrm fill`).
pub fn prepare_any(a: &InputArgs) -> Result<Prepared> {
    let now = now()?;
    let as_of = as_of(a, now)?;
    let catalog = catalog(a.catalog.as_deref())?;
    let policy = policy(a.policy.as_deref(), &catalog)?;
    let opts = ingest_options(a, &catalog)?;
    Ok((catalog, policy, opts, as_of, now))
}

/// After reading: fails in strict mode on any problem, otherwise warns, and writes rejects.
fn report_inputs(
    a: &InputArgs,
    ingested: &Ingested,
    rejects_default: Option<Option<PathBuf>>,
) -> Result<()> {
    let (errors, warnings) = (ingested.error_count(), ingested.warning_count());
    if a.strict && errors + warnings > 0 {
        // The problems are the error's reasons: printed even with `-q`.
        output::error(&scrm_ingest::render_human(ingested));
        bail!("--strict: {errors} error(s) and {warnings} warning(s) in the inputs");
    }
    let c = ingested.counts();
    if errors + warnings > 0 {
        let past = ingested.past_problem_limit();
        output::note(&format!(
            "warning: inputs have {errors} error(s) and {warnings} warning(s){}; {} of {} rows rejected (run `scrm validate` for details)",
            if past {
                " listed, and more counted past the problem limit"
            } else {
                ""
            },
            c.rejected,
            c.rows_read
        ));
    }
    if ingested.rejects.is_empty() {
        // No row kept (none rejected, or every one past the problem limit): a rejects file left
        // by an earlier run must not pass for this one's. With nothing rejected, the file
        // `--rejects` names is written with its header alone (not to stdout, `-`, where the
        // results may be); the one named after `--out` is removed, as the output beside it was
        // replaced.
        match (&a.rejects, rejects_default) {
            (Some(p), _) if c.rejected == 0 && p != Path::new("-") => {
                let mut buf = Vec::new();
                scrm_ingest::write_rejects_csv(&ingested.rejects, &mut buf)?;
                output::write(Some(p), &buf)?;
            }
            (None, Some(Some(side))) if side.is_file() => {
                std::fs::remove_file(&side)
                    .with_context(|| format!("removing {}", side.display()))?;
                if c.rejected == 0 {
                    output::note(&format!(
                        "note: no row rejected; {} of an earlier run removed",
                        side.display()
                    ));
                }
            }
            _ => {}
        }
        return Ok(());
    }
    let path = match (&a.rejects, rejects_default) {
        (Some(p), _) => p.clone(),
        (None, Some(default)) => default.unwrap_or_else(|| PathBuf::from("scrm-rejects.csv")),
        (None, None) => {
            output::note(&format!(
                "note: {} rejected row(s) not kept (--rejects FILE keeps them)",
                c.rejected
            ));
            return Ok(());
        }
    };
    let mut buf = Vec::new();
    scrm_ingest::write_rejects_csv(&ingested.rejects, &mut buf)?;
    output::write(Some(&path), &buf)?;
    let kept = ingested.rejects.len() as u64;
    output::note(&format!(
        "note: {kept} rejected row(s) written to {}{}",
        path.display(),
        if kept < c.rejected {
            format!(" (the first {kept} of {}: the problem limit)", c.rejected)
        } else {
            String::new()
        }
    ));
    Ok(())
}

/// The digest the manifest records of each input file.
pub fn input_digest(a: &InputArgs) -> InputDigest {
    match a.input_digest {
        Digest::Sha256 => InputDigest::Sha256,
        Digest::Blake3 => InputDigest::Blake3,
    }
}

/// The run manifest of a scoring run.
pub fn manifest(l: &Loaded, vendors_scored: usize, a: &InputArgs) -> Result<RunManifest> {
    let mut inputs: Vec<InputFile> = l.ingested.files.clone();
    inputs.extend(flagged_inputs(a, &l.opts.adapters)?);
    let c = l.ingested.counts();
    Ok(RunManifest {
        tool_version: TOOL_VERSION.to_string(),
        catalog_version: l.catalog.version().to_string(),
        catalog_hash: l.catalog.hash().to_string(),
        policy_name: l.policy.name.clone(),
        policy_hash: l.policy.hash.clone(),
        as_of: l.as_of,
        inputs,
        counts: RunCounts {
            vendors: vendors_scored as u64,
            ..c
        },
        generated_at: l.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

/// The manifest's entries for the files a run depends on besides its questionnaires: the policy
/// and catalog overlay given by flag, and the adapters, each with its digest.
pub fn flagged_inputs(
    a: &InputArgs,
    adapters: &[std::sync::Arc<scrm_adapter::Adapter>],
) -> Result<Vec<InputFile>> {
    let mut inputs = Vec::new();
    // The policy and catalog files given by flag are inputs too: their digests pin the run.
    let algo = input_digest(a);
    let mut extra: Vec<(String, &str, Vec<u8>)> = Vec::new();
    for (path, kind) in [(&a.policy, "policy"), (&a.catalog, "catalog-overlay")] {
        if let Some(p) = path {
            let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
            extra.push((p.display().to_string(), kind, bytes));
        }
    }
    // The adapters too: what a foreign questionnaire says depends on them. Its digest is of the
    // text the run used; a built-in one is named `builtin:NAME`.
    for ad in adapters {
        extra.push((ad.origin.clone(), "adapter", ad.text.as_bytes().to_vec()));
    }
    for (path, kind, bytes) in extra {
        let mut file = InputFile {
            path,
            kind: kind.into(),
            sha256: String::new(),
            blake3: String::new(),
            rows_read: 0,
            accepted: 0,
            rejected: 0,
        };
        algo.record(algo.hex_of(&bytes), &mut file);
        inputs.push(file);
    }
    Ok(inputs)
}

/// The HTML portfolio page of a run: its results, both supplier views rolled up (when made) and
/// the tally of its gaps (counted as the vendors were read).
pub fn portfolio_html(
    l: &Loaded,
    results: &[scrm_model::VendorResult],
    manifest: &RunManifest,
    views: Option<&scrm_model::PortfolioViews>,
    gaps: &scrm_report::GapTally,
    lang: Lang,
) -> String {
    scrm_report::render_portfolio_html(
        &scrm_report::PortfolioReport {
            results,
            manifest,
            questions: l.catalog.questions(),
            gaps,
            thresholds: &tier_thresholds(&l.policy),
            views,
        },
        lang,
    )
}

/// The history store's key named by `--history-key`, if any (`score`, `diff`, `history
/// verify`, `history prune`): an Ed25519 private or public key (PEM) or a shared secret, told
/// from the file's content.
pub fn store_key(path: Option<&Path>) -> Result<Option<scrm_history::StoreKey>> {
    path.map(scrm_history::StoreKey::from_file)
        .transpose()
        .map_err(|e| anyhow!("{e}"))
}

/// The history store's keys named by repeated `--history-key` flags (`diff`, `history verify`):
/// the first, with the others as older keys that verify what was signed before a rotation
/// ([`scrm_history::StoreKey::also_verifying`]).
pub fn store_keys(paths: &[PathBuf]) -> Result<Option<scrm_history::StoreKey>> {
    let Some((first, older)) = paths.split_first() else {
        return Ok(None);
    };
    let older = older
        .iter()
        .map(|p| store_key(Some(p)))
        .collect::<Result<Vec<_>>>()?;
    Ok(store_key(Some(first))?.map(|k| k.also_verifying(older.into_iter().flatten())))
}

/// The per-tier thresholds as the HTML report draws them.
pub fn tier_thresholds(p: &Policy) -> Vec<scrm_report::TierThresholds> {
    scrm_model::Tier::ALL
        .iter()
        .map(|t| {
            let th = p.thresholds(*t);
            scrm_report::TierThresholds {
                tier: *t,
                combined: th.combined.unwrap_or(0.0),
                airm: th.airm.unwrap_or(0.0),
                aims: th.aims.unwrap_or(0.0),
                coverage: th.coverage.unwrap_or(0.0),
            }
        })
        .collect()
}
