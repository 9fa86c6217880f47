//! `scrm fill`: the local questionnaire page. Resolves the catalog, policy and buyer files as
//! every scoring command does, reads the optional questionnaire to open the page with, binds
//! 127.0.0.1 and serves until interrupted.

use crate::cli::FillArgs;
use crate::context;
use crate::output;
use anyhow::{Result, anyhow, bail};
use scrm_fill::{App, FillConfig};
use std::sync::Arc;

/// Runs `scrm fill`.
pub fn run(a: &FillArgs) -> Result<u8> {
    let lang = context::lang(&a.lang)?;
    // `--save FILE` alone resumes from FILE when it is there.
    let mut input = a.input.clone();
    if let Some(f) = &a.save
        && input.inputs.is_empty()
        && f.is_file()
    {
        input.inputs = vec![f.clone()];
    }
    let (prefill, source, catalog, policy, opts, now) = if input.inputs.is_empty() {
        let (catalog, policy, opts, _, now) = context::prepare_any(&input)?;
        let doc = scrm_report::template_document(catalog.questions(), None, None);
        (doc, None, catalog, policy, opts, now)
    } else {
        let l = context::load_with(&input, None)?;
        // A JSON document is opened as it is, values the reader refused included, so that the
        // first page shows them beside their fields, and whether or not any answer was read (a
        // page saved with the profile only, say); another format, as it was read.
        let direct = input
            .adapter
            .is_empty()
            .then(|| single_document(&input.inputs))
            .flatten()
            .filter(|d| {
                a.vendor
                    .as_deref()
                    .is_none_or(|id| d.vendor.vendor_id.trim() == id.trim())
            });
        let doc = match direct {
            Some(d) => d,
            None => scrm_fill::document_of(opened_vendor(&l, a.vendor.as_deref())?),
        };
        let source = input
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        (doc, Some(source), l.catalog, l.policy, l.opts, l.now)
    };
    let as_of = match &input.as_of {
        Some(_) => Some(context::as_of(&input, now)?),
        None => None,
    };
    let cfg = FillConfig {
        thresholds: context::tier_thresholds(&policy),
        manifest_inputs: context::flagged_inputs(&input, &opts.adapters)?,
        ingest: opts,
        profiles: input.vendors.clone(),
        exclusions: input.exclusions.clone(),
        as_of,
        lang,
        prefill,
        source,
        max_body: a.max_form_bytes,
        save: a.save.clone().map(|path| -> scrm_fill::Save {
            // One save at a time: requests are served concurrently, and two writes of one file
            // would race for its temporary.
            let one_at_a_time = std::sync::Mutex::new(());
            Arc::new(move |json: &[u8]| {
                let _turn = one_at_a_time
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                output::write(Some(&path), json)
                    .map(|()| path.display().to_string())
                    .map_err(|e| format!("{e:#}"))
            })
        }),
        // SCRM_NOW pins the clock for tests; it was checked above, so it cannot fail here.
        ..FillConfig::new(
            catalog,
            policy,
            Arc::new(move || context::now().unwrap_or(now)),
        )
    };
    let listener = scrm_fill::bind(a.port).map_err(|e| anyhow!("{e}"))?;
    let token = scrm_fill::new_token().map_err(|e| anyhow!("no random secret: {e}"))?;
    let app = Arc::new(App::new(cfg, token, scrm_fill::port_of(&listener)));
    // The address is the output: a script (or a test) reads it from stdout's first line.
    output::print(&format!("{}\n", app.url()))?;
    output::note(
        "Open the address above in your browser. The page is served on this computer only and keeps \
nothing: download your answers to keep them. Ctrl-C stops scrm fill.",
    );
    scrm_fill::serve(listener, app).map_err(|e| anyhow!("{e}"))?;
    Ok(0)
}

/// The supplier to open the page with: `--vendor ID`, else the one supplier with answers (a
/// buyer's `--vendors` file names many more).
fn opened_vendor<'l>(l: &'l context::Loaded, id: Option<&str>) -> Result<&'l scrm_model::Vendor> {
    if let Some(id) = id {
        return super::vendor::find(l, id);
    }
    let answered: Vec<&scrm_model::Vendor> = l
        .ingested
        .vendors
        .iter()
        .filter(|v| !v.answers.is_empty())
        .collect();
    match answered.as_slice() {
        [v] => Ok(v),
        [] => bail!("no supplier's answers were read from the inputs"),
        vs => bail!(
            "the inputs hold {} suppliers' answers: choose one with --vendor ID (for example --vendor {})",
            vs.len(),
            vs[0].id()
        ),
    }
}

/// The supplier document of a single `.json` input, when it holds one (and no adapter reads it).
fn single_document(inputs: &[std::path::PathBuf]) -> Option<scrm_model::SupplierDocument> {
    let [p] = inputs else { return None };
    if !p
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || !p.is_file()
    {
        return None;
    }
    // The reader already read it within its limits; a file it could not read is not opened.
    serde_json::from_slice(&std::fs::read(p).ok()?).ok()
}
