//! `scrm score`: read, score in parallel, render, optionally record history.

use crate::cli::{ScoreArgs, ScoreFormat};
use crate::context::{self, Loaded};
use crate::output;
use anyhow::{Result, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use scrm_model::{FullInput, Plan, ScoreInput, Status, VendorResult};
use scrm_report::{OutputFormat, RenderOptions};
use scrm_score::Engine;

/// `v`'s input hash, and the cached result that can stand for a fresh one, if any.
fn look_up<'c, V: FullInput + ?Sized>(
    engine: &Engine,
    cache: &'c scrm_history::Cache,
    v: &'c V,
    ex: &[&scrm_model::Exclusion],
) -> (String, Option<scrm_history::Reused<'c>>) {
    let hash = engine.input_hash(v, ex);
    let hit = cache.lookup(&v.profile().vendor_id, &hash, engine.as_of());
    (hash, hit)
}

/// A fresh score of `v` that carries its input hash.
fn scored_fresh<V: FullInput + ?Sized>(
    engine: &Engine,
    v: &V,
    ex: &[&scrm_model::Exclusion],
    hash: String,
) -> VendorResult {
    let mut r = engine.score_input(v, ex);
    r.input_hash = hash;
    r
}

/// What the history keeps of one vendor: its result ready to store and its answers.
type Recorded = (scrm_history::StoredResult, scrm_history::AnswerSheet);

/// One vendor scored as ingestion finished it: what the output needs (`O`) and, with a history,
/// what the store keeps.
type Streamed<O> = (O, Option<Recorded>);

/// A streamed run.
struct StreamedRun<O> {
    loaded: Loaded,
    /// Each vendor, in vendor-id order.
    scored: Vec<Streamed<O>>,
    /// With a history, the files its stored results wait in: the run's own, and the cache's,
    /// which its reused results point into.
    spills: Vec<std::sync::Arc<scrm_history::Spill>>,
    /// The newest run, when the cache found it damaged ([`scrm_history::Cache::damaged_run`]).
    damaged: Option<String>,
}

/// Reads and scores in one pass ([`context::load_map`]); with `--history`, unchanged vendors
/// reuse their stored result (the same inputs, policy, catalog and date, by content hash, and
/// the stored results sound). `out` makes what the output needs of
/// each result, given the engine, the vendor as read and its exclusion entries (an export's
/// plans are made there, while the vendor's answers are at hand); `reused` makes it of a reused
/// result and the vendor's profile when it can without the whole result (the CSV row, from the
/// stored row), and otherwise the stored JSON is parsed for `out`. The history's part is made
/// on the same core, so the results themselves need not outlive the vendor; a reused result is
/// recorded as it was stored.
fn score_streamed<O: Send + 'static>(
    a: &ScoreArgs,
    key: Option<&scrm_history::StoreKey>,
    rejects_default: Option<std::path::PathBuf>,
    out: impl Fn(&Engine, VendorResult, scrm_ingest::ReadVendor<'_>, &[&scrm_model::Exclusion]) -> O
    + Sync,
    reused: impl Fn(&scrm_history::Reused<'_>, &scrm_model::VendorProfile) -> Option<O> + Sync,
) -> Result<StreamedRun<O>> {
    let cache = match &a.history {
        Some(dir) => Some(load_cache(dir, key)?),
        None => None,
    };
    // Each vendor's stored result waits on disk, next to the store, until the run is recorded.
    let spill = match &a.history {
        Some(dir) => Some(std::sync::Arc::new(
            scrm_history::Spill::create(dir).map_err(|e| anyhow!("{e}"))?,
        )),
        None => None,
    };
    let pb = streamed_progress()?;
    let reused_count = std::sync::atomic::AtomicUsize::new(0);
    let out = context::load_map(&a.input, rejects_default, |catalog, policy, as_of| {
        let engine = Engine::new(catalog, policy, as_of);
        // Every question an accepted answer can name: the sheets index it.
        let table = scrm_history::QuestionTable::new(catalog.questions().iter().map(|q| q.id));
        let (cache, spill, pb, count, out, reused) =
            (&cache, &spill, &pb, &reused_count, &out, &reused);
        Ok(
            move |v: scrm_ingest::ReadVendor<'_>, ex: &[&scrm_model::Exclusion]| {
                pb.inc(1);
                // A history has both a cache (empty for a new store) and a spill.
                let Some((cache, spill)) = cache.as_ref().zip(spill.as_ref()) else {
                    // No history: nothing needs the evidence text, so the vendor is scored where
                    // the reader holds it.
                    let r = engine.score_input(&v, ex);
                    return (out(&engine, r, v, ex), None);
                };
                // Hashed, scored and recorded where the reader holds it, not copied into a
                // `Vendor` first (a map and two strings an answer).
                let sheet = scrm_history::AnswerSheet::spilled(&v, &table, spill);
                let (hash, hit) = look_up(&engine, cache, &v, ex);
                if let Some(hit) = hit {
                    if let Some(o) = reused(&hit, v.profile()) {
                        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        return (o, Some((hit.stored(), sheet)));
                    }
                    if let Some(r) = hit.result() {
                        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let stored = hit.stored();
                        return (out(&engine, r, v, ex), Some((stored, sheet)));
                    }
                }
                let result = scored_fresh(&engine, &v, ex, hash);
                let stored = scrm_history::StoredResult::spilled(&result, spill);
                (out(&engine, result, v, ex), Some((stored, sheet)))
            },
        )
    })?;
    pb.finish_and_clear();
    if cache.is_some() {
        tracing::info!(
            reused = reused_count.into_inner(),
            scored = out.1.len(),
            "incremental scoring: reused unchanged vendors from the newest run"
        );
    }
    let cached = cache.as_ref().and_then(scrm_history::Cache::spill).cloned();
    Ok(StreamedRun {
        loaded: out.0,
        scored: out.1,
        spills: spill.into_iter().chain(cached).collect(),
        damaged: damaged_run(cache.as_ref()),
    })
}

/// The newest run's id when the cache found it damaged.
fn damaged_run(cache: Option<&scrm_history::Cache>) -> Option<String> {
    cache
        .and_then(scrm_history::Cache::damaged_run)
        .map(str::to_string)
}

/// The CSV row of a reused result: its stored row (the summary) and the vendor's profile, which
/// is the one it was scored with (the input hash covers it). `None` when the row does not read
/// back (the whole result is then tried).
fn csv_row(
    hit: &scrm_history::Reused<'_>,
    profile: &scrm_model::VendorProfile,
) -> Option<scrm_report::CsvRow> {
    let row = hit.row().ok()?;
    let (coverage, confidence) = row.coverage_confidence();
    Some(scrm_report::CsvRow::of_cells(&scrm_report::CsvCells {
        profile,
        tier: row.tier(),
        status: row.status(),
        scores: row.scores(),
        levels: row.levels(),
        coverage,
        confidence,
        residual_risk: row.residual_risk(),
        findings: row.findings(),
    }))
}

/// A streamed run's vendors as the output's part and the history's, in one pass into vectors of
/// their final size (at a million vendors each step of `unzip` was a copy of them all).
fn split_kept<O>(
    kept: Vec<Streamed<O>>,
) -> (
    Vec<O>,
    (
        Vec<scrm_history::StoredResult>,
        Vec<scrm_history::AnswerSheet>,
    ),
) {
    let n = kept.len();
    let recorded = kept.first().is_some_and(|k| k.1.is_some());
    let (mut out, mut stored, mut sheets) = (
        Vec::with_capacity(n),
        Vec::with_capacity(if recorded { n } else { 0 }),
        Vec::with_capacity(if recorded { n } else { 0 }),
    );
    for (o, r) in kept {
        out.push(o);
        if let Some((s, a)) = r {
            stored.push(s);
            sheets.push(a);
        }
    }
    (out, (stored, sheets))
}

/// The newest run's results in the history at `dir`, for reuse ([`scrm_history::load_cache`]),
/// with a spinner: a million vendors' take seconds. With the store's key, a newest run that
/// does not carry its signature is not reused.
fn load_cache(
    dir: &std::path::Path,
    key: Option<&scrm_history::StoreKey>,
) -> Result<scrm_history::Cache> {
    with_spinner("loading the newest run's results", || {
        scrm_history::load_cache_keyed(dir, context::TOOL_VERSION, key)
    })
    .map_err(|e| anyhow!("{e}"))
}

/// Runs `f` under a spinner saying `what` it does, for the steps of a run that show no count
/// (loading the cache, recording the run: seconds each at a million vendors). Hidden when stderr
/// is no terminal, as the other progress bars.
fn with_spinner<T>(what: &'static str, f: impl FnOnce() -> T) -> T {
    let pb = if output::stderr_progress() {
        let pb = ProgressBar::new_spinner().with_message(what);
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            pb.set_style(style);
        }
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    } else {
        ProgressBar::hidden()
    };
    let out = f();
    pb.finish_and_clear();
    out
}

/// A spinner counting vendors as a streamed run scores them (hidden when stderr is no terminal).
fn streamed_progress() -> Result<ProgressBar> {
    if !output::stderr_progress() {
        return Ok(ProgressBar::hidden());
    }
    let pb = ProgressBar::no_length();
    pb.set_style(
        // A count and the time so far: indicatif's rate shows four decimals ("3,234.2034/s").
        ProgressStyle::with_template("{spinner} scored {human_pos} vendors {elapsed}")
            .map_err(|e| anyhow!("{e}"))?,
    );
    Ok(pb)
}

/// `score --format csv`: each vendor is scored where the reader holds it and only its rendered
/// row is kept (a few hundred bytes, where a result takes kilobytes), and with a history what
/// the store keeps of it, so that a million-vendor portfolio fits in memory; the bytes are
/// those of rendering the results.
fn run_csv_rows(
    a: &ScoreArgs,
    key: Option<scrm_history::StoreKey>,
    rejects_default: Option<std::path::PathBuf>,
) -> Result<u8> {
    let (l, rows, recorded) = if a.history.is_some() {
        let run = score_streamed(
            a,
            key.as_ref(),
            rejects_default,
            |_, r, _, _| scrm_report::CsvRow::new(&r),
            csv_row,
        )?;
        let (rows, recorded) = split_kept(run.scored);
        (run.loaded, rows, (recorded, run.spills, run.damaged))
    } else {
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
        (l, rows, ((Vec::new(), Vec::new()), Vec::new(), None))
    };
    let manifest = context::manifest(&l, rows.len(), &a.input)?;
    // `ingest_map` hands results over in vendor-id order, the order of the CSV.
    output::write_with(a.out.as_deref(), &mut |w| {
        scrm_report::write_csv_rows(&rows, w).map_err(|e| anyhow!("{e}"))
    })?;
    write_csv_sidecar(a, &manifest)?;
    let ((stored, sheets), spills, damaged) = recorded;
    let noted = match &a.history {
        Some(dir) => note_recorded(
            dir,
            with_spinner("recording the run", || {
                scrm_history::record_stored_with(
                    dir,
                    &manifest,
                    &stored,
                    &sheets,
                    damaged.as_deref(),
                    key.as_ref(),
                )
            }),
        ),
        None => Ok(()),
    };
    // The stored results are forgotten below, so their spills would never be dropped: a run's
    // own, and the cache's (a nightly run's reused results, as large as a run's). Removed
    // whether or not the run was recorded.
    for spill in spills {
        spill.remove().map_err(|e| anyhow!("{e}"))?;
    }
    noted?;
    let code = u8::from(super::flagged(rows.iter().map(|r| r.status), a.fail_on));
    // The process ends next: freeing a million rows one by one would only delay the exit.
    std::mem::forget(rows);
    std::mem::forget((stored, sheets));
    Ok(code)
}

/// Says what recording the run in the history store at `dir` did.
fn note_recorded(
    dir: &std::path::Path,
    rec: Result<scrm_history::Recorded, scrm_history::HistoryError>,
) -> Result<()> {
    let rec = rec.map_err(|e| {
        anyhow!(
            "the run was not recorded in {} (nothing of it is left there, and earlier runs are \
             as they were): {e}",
            dir.display()
        )
    })?;
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
    Ok(())
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

/// What an export needs of a vendor beyond its result: its improvement plan when it is at
/// risk (the workbook's Remediation sheet, the OSCAL remediations), its two views (the workbook's
/// sheets, the page's roll-ups) and its gap marks (the page's most common gaps). Made while
/// ingestion holds the vendor, so that no output keeps every vendor's answers until the end
/// (4.8 GB at 100,000 vendors when the plans were made afterwards).
#[derive(Default)]
struct Extras {
    plan: Option<Plan>,
    view: Option<scrm_model::ViewRow>,
    gaps: Option<scrm_report::GapMarks>,
}

/// Which [`Extras`] an output needs.
#[derive(Clone, Copy)]
pub(crate) struct Wants {
    pub plans: bool,
    pub views: bool,
    pub gaps: bool,
}

impl Wants {
    fn of(format: ScoreFormat) -> Self {
        Self {
            plans: matches!(
                format,
                ScoreFormat::Xlsx | ScoreFormat::OscalAr | ScoreFormat::OscalPoam
            ),
            views: matches!(format, ScoreFormat::Xlsx | ScoreFormat::Html),
            gaps: format == ScoreFormat::Html,
        }
    }

    fn any(self) -> bool {
        self.plans || self.views || self.gaps
    }
}

impl Extras {
    /// `v`'s extras; its whole answers are taken only when a plan or a view needs them.
    /// `marker` is made once, from the first vendor's engine (the bank is the run's).
    fn of(
        engine: &Engine,
        wants: Wants,
        marker: &std::sync::OnceLock<scrm_report::GapMarker>,
        r: &VendorResult,
        v: scrm_ingest::ReadVendor<'_>,
        ex: &[&scrm_model::Exclusion],
    ) -> Self {
        let gaps = wants.gaps.then(|| {
            marker
                .get_or_init(|| scrm_report::GapMarker::new(engine.questions()))
                .marks(&v)
        });
        let plan = wants.plans && r.status == Status::AtRisk;
        if !plan && !wants.views {
            return Self {
                gaps,
                ..Self::default()
            };
        }
        let vendor = v.into_vendor();
        Self {
            plan: plan.then(|| engine.plan(&vendor, ex)),
            view: wants
                .views
                .then(|| scrm_score::supplier_view(engine, engine.questions(), &vendor, ex)),
            gaps,
        }
    }
}

/// An export's results, plans, views and gap tally, in vendor-id order, in one pass.
pub(crate) struct Split {
    pub results: Vec<VendorResult>,
    pub plans: Vec<Plan>,
    pub views: Vec<scrm_model::ViewRow>,
    pub gaps: Option<scrm_report::GapTally>,
}

impl Split {
    /// Both supplier views rolled up over the portfolio: none for a run without vendors, as
    /// when the vendors are kept.
    pub(crate) fn rolled_views(&self) -> Option<scrm_model::PortfolioViews> {
        (!self.views.is_empty()).then(|| scrm_score::roll_up(&self.views))
    }
}

/// Splits an export's vendors into [`Split`]; the gap marks are counted over `questions`
/// questions as they go.
fn split_extras(kept: Vec<(VendorResult, Extras)>, questions: usize) -> Split {
    let mut results = Vec::with_capacity(kept.len());
    let (mut plans, mut views, mut gaps) = (Vec::new(), Vec::new(), None);
    for (r, x) in kept {
        results.push(r);
        plans.extend(x.plan);
        views.extend(x.view);
        if let Some(m) = x.gaps {
            gaps.get_or_insert_with(|| scrm_report::GapTally::new(questions))
                .add(&m);
        }
    }
    Split {
        results,
        plans,
        views,
        gaps,
    }
}

/// Scores every vendor of `input` as it is read, without a history, and makes what `wants`
/// asks of each ([`Extras`]): `scrm report`'s portfolio page and its JSON, which so never hold
/// every vendor's answers either.
pub(crate) fn portfolio_streamed(
    input: &crate::cli::InputArgs,
    rejects_default: Option<std::path::PathBuf>,
    wants: Wants,
) -> Result<(context::Loaded, Split)> {
    let pb = streamed_progress()?;
    let marker = std::sync::OnceLock::new();
    let (l, kept) = context::load_map(input, rejects_default, |catalog, policy, as_of| {
        let engine = Engine::new(catalog, policy, as_of);
        let (pb, marker) = (&pb, &marker);
        Ok(
            move |v: scrm_ingest::ReadVendor<'_>, ex: &[&scrm_model::Exclusion]| {
                pb.inc(1);
                let r = engine.score_input(&v, ex);
                let x = Extras::of(&engine, wants, marker, &r, v, ex);
                (r, x)
            },
        )
    })?;
    pb.finish_and_clear();
    let split = split_extras(kept, l.catalog.questions().len());
    Ok((l, split))
}

/// The HTML portfolio page of a streamed run: the views made as the vendors were read, rolled
/// up ([`Split::rolled_views`]), and its gap tally.
pub(crate) fn portfolio_page(
    l: &context::Loaded,
    split: &Split,
    manifest: &scrm_model::RunManifest,
    lang: scrm_model::Lang,
) -> String {
    let rolled = split.rolled_views();
    let none = scrm_report::GapTally::new(l.catalog.questions().len());
    let gaps = split.gaps.as_ref().unwrap_or(&none);
    context::portfolio_html(l, &split.results, manifest, rolled.as_ref(), gaps, lang)
}

/// Runs `scrm score`.
pub fn run(a: &ScoreArgs) -> Result<u8> {
    // Read first: a missing or short key stops the run before any scoring. So does a public key:
    // recording signs the run, and a nightly job that scored for an hour and then could not
    // record would leave its operator with outputs and no history.
    let key = context::store_key(a.history_key.as_deref())?;
    if let (Some(dir), Some(k)) = (&a.history, &key)
        && !k.can_sign()
    {
        return Err(anyhow!(
            "{}",
            scrm_history::HistoryError::PublicKeyOnly {
                dir: dir.clone(),
                signing: scrm_history::Signing::Record,
            }
        ));
    }
    // Read before any scoring too: a baseline that is not an earlier log stops the run.
    let baseline = match &a.baseline {
        None => None,
        Some(_) if a.format != ScoreFormat::Sarif => {
            return Err(anyhow!(
                "--baseline compares SARIF logs: it goes with --format sarif"
            ));
        }
        Some(path) => Some(scrm_sarif::Baseline::read(path).map_err(|e| anyhow!("{e}"))?),
    };
    let rejects_default =
        output::side_base(a.out.as_deref()).map(|o| o.with_extension("rejects.csv"));
    if a.format == ScoreFormat::Csv {
        return run_csv_rows(a, key, rejects_default);
    }
    // Every format is scored as ingestion finishes each vendor, so that every vendor's
    // answers are never held at once (a nightly portfolio of 100,000 vendors); the history
    // keeps only each answer's value, and the exports make each vendor's plan, views and gap
    // marks there too.
    let wants = Wants::of(a.format);
    // The stored results are dropped with the run, and the spill with the last of them.
    let (l, split, recorded, damaged) = if wants.any() {
        let marker = std::sync::OnceLock::new();
        let run = score_streamed(
            a,
            key.as_ref(),
            rejects_default,
            |engine, r, v, ex| {
                let x = Extras::of(engine, wants, &marker, &r, v, ex);
                (r, x)
            },
            |_, _| None,
        )?;
        let (kept, recorded) = split_kept(run.scored);
        let split = split_extras(kept, run.loaded.catalog.questions().len());
        (run.loaded, split, recorded, run.damaged)
    } else {
        let run = score_streamed(
            a,
            key.as_ref(),
            rejects_default,
            |_, r, _, _| r,
            |_, _| None,
        )?;
        let (results, recorded) = split_kept(run.scored);
        let split = Split {
            results,
            plans: Vec::new(),
            views: Vec::new(),
            gaps: None,
        };
        (run.loaded, split, recorded, run.damaged)
    };
    let results = &split.results;
    let manifest = context::manifest(&l, results.len(), &a.input)?;
    let bytes = match a.format {
        ScoreFormat::Parquet => {
            let mut buf = Vec::new();
            scrm_history::write_results_parquet(results, &manifest, &mut buf)
                .map_err(|e| anyhow!("{e}"))?;
            if a.out.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                return Err(anyhow!(
                    "Parquet is binary: give --out FILE (or redirect stdout)"
                ));
            }
            Some(buf)
        }
        ScoreFormat::Html => {
            Some(portfolio_page(&l, &split, &manifest, context::lang(&a.lang)?).into_bytes())
        }
        ScoreFormat::Sarif => {
            // Streamed: a large portfolio's log is never held whole.
            output::write_with(a.out.as_deref(), &mut |w| {
                scrm_sarif::write_scoring(results, &manifest, baseline.as_ref(), w)
                    .map_err(|e| anyhow!("cannot write the SARIF log: {e}"))
            })?;
            None
        }
        ScoreFormat::OscalAr | ScoreFormat::OscalPoam => {
            let assessment = scrm_oscal::Assessment {
                results,
                plans: &split.plans,
                manifest: &manifest,
                catalog: &l.catalog,
                deadline_days: l.policy.remediation.deadline_days,
            };
            // Refused before the output is opened: nothing is written, and the reason is not
            // mistaken for a failure to write.
            if a.format == ScoreFormat::OscalAr {
                scrm_oscal::check_assessment_results(&assessment)
            } else {
                scrm_oscal::check_poam(&assessment)
            }
            .map_err(|e| anyhow!("{e}"))?;
            // Streamed: a large portfolio's document is never held whole.
            output::write_with(a.out.as_deref(), &mut |w| {
                if a.format == ScoreFormat::OscalAr {
                    scrm_oscal::write_assessment_results(&assessment, w)
                } else {
                    scrm_oscal::write_poam(&assessment, w)
                }
                .map_err(|e| anyhow!("{e}"))
            })?;
            None
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
            let opts = RenderOptions {
                color: format == OutputFormat::Table && a.out.is_none() && output::stdout_color(),
            };
            let bytes = if format == OutputFormat::Xlsx {
                // The workbook's GenAI risk and governance sheets: each supplier's two views.
                scrm_report::render_xlsx_with_views(
                    results,
                    &manifest,
                    &split.plans,
                    Some(&split.views),
                )
            } else {
                scrm_report::render_results(format, results, &manifest, &split.plans, &opts)
            };
            Some(bytes.map_err(|e| anyhow!("{e}"))?)
        }
    };
    if let Some(bytes) = bytes {
        output::write(a.out.as_deref(), &bytes)?;
    }
    if let Some(dir) = &a.history {
        let (stored, sheets) = &recorded;
        let damaged = damaged.as_deref();
        let rec = with_spinner("recording the run", || {
            scrm_history::record_stored_with(dir, &manifest, stored, sheets, damaged, key.as_ref())
        });
        note_recorded(dir, rec)?;
    }
    Ok(u8::from(super::flagged(
        results.iter().map(|r| r.status),
        a.fail_on,
    )))
}
