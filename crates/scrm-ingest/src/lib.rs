//! Reads the questionnaires suppliers send back (CSV long or wide, XLSX workbooks, JSON and
//! JSON Lines, or folders of them) into the scrm model, loading every good row and pinpointing
//! every problem (file, sheet, row, column, value, and the valid values or a did-you-mean).
//!
//! Formats, counting rules and problem codes are documented in `docs/formats.md`. The entry
//! point is [`ingest`]; [`render_human`], [`render_json`] and [`write_rejects_csv`] present the
//! result.

mod adapted;
mod collector;
mod compact;
mod csvin;
mod digest;
mod earliest;
mod error;
mod ingested;
mod json;
mod long;
mod options;
mod packed;
mod problem;
mod profiles;
mod records;
mod render;
mod scan;
mod split;
mod table;
mod text;
mod validate;
mod walk;
mod xlsx;
mod zipdir;

#[doc(hidden)]
pub mod testutil;

pub use compact::ReadVendor;
pub use digest::InputDigest;
pub use error::IngestError;
pub use ingested::Ingested;
pub use options::{IngestOptions, Limits};
pub use problem::{Location, Problem, ProblemCode, ProblemSeverity, Reject};
pub use render::{render_human, render_human_in, render_json, write_rejects_csv};

use collector::Collector;
use csvin::CsvRole;
use std::path::{Path, PathBuf};
use validate::Issue;
use walk::{FileKind, Found};

/// Reads every input and returns what loaded plus every problem found.
///
/// `inputs`: files or folders of responses (any format; profile CSVs found there are used as
/// supplier-declared profiles). `profiles`: optional buyer profile CSV (or XLSX); buyer values
/// win over supplier-declared ones field by field, with a `profile-conflict` warning when they
/// differ. `exclusions`: optional exclusions CSV (or XLSX).
///
/// Fails only when a path given here does not exist or cannot be read; problems inside files
/// (including unreadable files found in folders) are reported in [`Ingested::problems`].
pub fn ingest(
    inputs: &[PathBuf],
    profiles: Option<&Path>,
    exclusions: Option<&Path>,
    lookup: &dyn scrm_model::QuestionLookup,
    opts: &IngestOptions,
) -> Result<Ingested, IngestError> {
    Ok(read_all(inputs, profiles, exclusions, lookup, opts, None)?.finish())
}

/// Reads like [`ingest`], but hands each finished vendor, with the exclusion entries naming
/// it, to `map` (in parallel, in vendor-id order) instead of keeping it, and returns what `map`
/// gave beside an [`Ingested`] whose `vendors` is empty.
///
/// For a caller that needs each vendor once, such as scoring a large portfolio: only the compact
/// form of the answers is ever held for all vendors, never every vendor's answer map at once.
/// Problems, rejects, counts ([`Ingested::counts`]) and the order of the results are exactly
/// those of [`ingest`]. With `stop_on_problems` (a `--strict` run), nothing is handed to `map`
/// when any problem was found: the caller is about to fail.
///
/// The largest CSV input (alone, or in a folder beside its profile and exclusion files) is read
/// after every other input. When it is long CSV whose rows are grouped by vendor (each vendor's
/// rows together, as exports and `scrm gen` write them), each of its vendors that has no answers
/// in another input is handed to `map` as soon as its last row is read, so memory does not grow
/// with the file. When some vendor's rows turn out to be apart, the inputs are read a second
/// time the ordinary way; either way the result is the same.
pub fn ingest_map<R, F>(
    inputs: &[PathBuf],
    profiles: Option<&Path>,
    exclusions: Option<&Path>,
    lookup: &dyn scrm_model::QuestionLookup,
    opts: &IngestOptions,
    map: F,
    stop_on_problems: bool,
) -> Result<(Ingested, Vec<R>), IngestError>
where
    R: Send + 'static,
    F: Fn(ReadVendor<'_>, &[&scrm_model::Exclusion]) -> R + Sync,
{
    // A strict run maps nothing once a problem is known, which a worker cannot know yet.
    if !stop_on_problems {
        let erased = |v: ReadVendor<'_>, ex: &[&scrm_model::Exclusion]| {
            Box::new(map(v, ex)) as Box<dyn std::any::Any + Send>
        };
        let col = read_all(inputs, profiles, exclusions, lookup, opts, Some(&erased))?;
        if !col.scattered() {
            return Ok(col.finish_map(&map, false));
        }
    }
    Ok(read_all(inputs, profiles, exclusions, lookup, opts, None)?
        .finish_map(map, stop_on_problems))
}

/// Reads one JSON supplier document held in memory (the `scrm-supplier/1` format of a `.json`
/// file), as [`ingest`] reads such a file, with the buyer's profile and exclusion files named by
/// flag. `display` names the document in problems and in the manifest (`answers[3].answer` is
/// located there), and the manifest's digest is of `text` as given.
///
/// For `scrm fill`, whose page submits a form that becomes such a document: the same checks,
/// problems and counts as the file the page lets the supplier download.
pub fn ingest_document(
    text: &[u8],
    display: &str,
    profiles: Option<&Path>,
    exclusions: Option<&Path>,
    lookup: &dyn scrm_model::QuestionLookup,
    opts: &IngestOptions,
) -> Result<Ingested, IngestError> {
    let profiles = profiles.map(walk::single).transpose()?;
    let exclusions = exclusions.map(walk::single).transpose()?;
    let mut col = Collector::new(lookup, opts);
    json::read_json_bytes(&mut col, text, display.to_string());
    read_flagged(&mut col, profiles, exclusions);
    Ok(col.finish())
}

/// Reads every input into a collector, ready for the final pass. With `early`, the largest CSV
/// file among the inputs may be read last of all: every other input and the profile and
/// exclusion files are read before any of its rows is applied (while its first blocks are
/// parsed; each file still registered in the usual order, so nothing reported changes), and
/// vendors may be finished while it is read. Its answers then come after the others' in
/// reading but not in input order, which is the order duplicates are judged in
/// ([`collector::dedupe`]).
fn read_all<'a>(
    inputs: &[PathBuf],
    profiles: Option<&Path>,
    exclusions: Option<&Path>,
    lookup: &'a dyn scrm_model::QuestionLookup,
    opts: &'a IngestOptions,
    early: Option<collector::EarlyFn<'a>>,
) -> Result<Collector<'a>, IngestError> {
    let mut found = walk::expand(inputs)?;
    let profiles = profiles.map(walk::single).transpose()?;
    let exclusions = exclusions.map(walk::single).transpose()?;
    // A profile or exclusions file named by flag may also sit in an input folder; read it once,
    // in the role the flag gives it.
    let flagged: Vec<PathBuf> = [&profiles, &exclusions]
        .into_iter()
        .flatten()
        .filter_map(|f| std::fs::canonicalize(&f.path).ok())
        .collect();
    let is_flagged = |p: &Path| std::fs::canonicalize(p).is_ok_and(|c| flagged.contains(&c));
    let read_input = |col: &mut Collector, f: Found| {
        if is_flagged(&f.path) {
            tracing::debug!(path = ?f.path, "skipped in the folder walk: also given by flag");
        } else {
            read_one(col, f, CsvRole::Input);
        }
    };
    let mut col = Collector::new(lookup, opts);
    let last = match early {
        Some(_) if opts.adapters.is_empty() => read_last(&found, &is_flagged),
        _ => None,
    };
    if let (Some(map), Some(at)) = (early, last) {
        let after = found.split_off(at + 1);
        let Some(f) = found.pop() else {
            unreachable!("the file read last is among the inputs")
        };
        for g in found {
            read_input(&mut col, g);
        }
        let part = col.new_file(f.display, "csv");
        // The other inputs and the buyer's files are read while the input's first blocks are
        // parsed (they are registered after it either way, as in the ordinary order).
        let mut before: csvin::BeforeRows<'_, 'a> =
            Some(Box::new(move |col: &mut Collector<'a>| {
                for g in after {
                    read_input(col, g);
                }
                read_flagged(col, profiles, exclusions);
                col.enable_early(map);
            }));
        csvin::read_csv_part(&mut col, part, &f.path, CsvRole::Input, &mut before);
        if let Some(f) = before.take() {
            f(&mut col);
        }
        return Ok(col);
    }
    for f in found {
        read_input(&mut col, f);
    }
    read_flagged(&mut col, profiles, exclusions);
    Ok(col)
}

/// Which input may be read last, its vendors finished as it is read: the largest CSV file
/// (a portfolio's long answers file, next to which its profile and exclusion files are
/// small), when it is a file to read and not one named by flag. Whatever the choice, the result
/// is the same: a vendor with answers in another input is not finished early, and a file that
/// turns out not to be long CSV is read whole before the others, in its usual place.
fn read_last(found: &[Found], is_flagged: &dyn Fn(&Path) -> bool) -> Option<usize> {
    let size = |f: &Found| std::fs::metadata(&f.path).map_or(0, |m| m.len());
    found
        .iter()
        .enumerate()
        .filter(|(_, f)| f.skip.is_none() && f.kind == Some(FileKind::Csv) && !is_flagged(&f.path))
        .max_by_key(|(i, f)| (size(f), std::cmp::Reverse(*i)))
        .map(|(i, _)| i)
}

/// Reads the buyer profile and exclusion files named by flag, in that order.
fn read_flagged(col: &mut Collector, profiles: Option<Found>, exclusions: Option<Found>) {
    if let Some(f) = profiles {
        read_one(col, f, CsvRole::BuyerProfiles);
    }
    if let Some(f) = exclusions {
        read_one(col, f, CsvRole::Exclusions);
    }
}

/// A folder's entry the walk reports instead of reading (see [`walk::Skip`]).
fn skipped_entry(col: &mut Collector, display: String, skip: walk::Skip) {
    let (kind, issue) = match skip {
        walk::Skip::Link => (
            "link",
            Issue::new(
                ProblemCode::LinkNotFollowed,
                None,
                None,
                "a symbolic link inside a folder is not followed; it is not loaded".to_string(),
            )
            .help("name the file it points to on the command line, or copy it into the folder"),
        ),
        walk::Skip::Unlistable(why) => (
            "unreadable",
            Issue::new(
                ProblemCode::UnreadableFile,
                None,
                None,
                format!("this entry of the folder cannot be read: {why}"),
            ),
        ),
    };
    let part = col.new_file(display, kind);
    col.issue(part, None, issue);
}

fn read_one(col: &mut Collector, f: Found, role: CsvRole) {
    // With -vv the binary logs each file's reading time when the span closes.
    let _span = tracing::debug_span!("read", file = ?f.display).entered();
    if let Some(skip) = f.skip {
        return skipped_entry(col, f.display, skip);
    }
    if role == CsvRole::Input
        && !col.opts.adapters.is_empty()
        && let Some(kind) = f.kind
    {
        let adapters = col.opts.adapters.clone();
        return adapted::read_adapted_file(col, &f.path, f.display, kind, &adapters);
    }
    match (f.kind, role) {
        (Some(FileKind::Csv), _) => csvin::read_csv_file(col, &f.path, f.display, role),
        (Some(FileKind::Xlsx), _) => xlsx::read_xlsx_file(col, &f.path, f.display, role),
        (Some(FileKind::Json), CsvRole::Input) => {
            json::read_json_file(col, &f.path, f.display, false)
        }
        (Some(FileKind::Jsonl), CsvRole::Input) => {
            json::read_json_file(col, &f.path, f.display, true)
        }
        _ => {
            let part = col.new_file(f.display, "unsupported");
            let expected = match role {
                CsvRole::Input => ".csv, .tsv, .txt, .xlsx, .xlsm, .json, .jsonl or .ndjson",
                _ => ".csv, .tsv, .txt, .xlsx or .xlsm",
            };
            csvin::unsupported(
                col,
                part,
                &f.path,
                "scrm does not read this kind of file here; it is not loaded".to_string(),
                format!("supported extensions: {expected}"),
            );
        }
    }
}
