//! What each fuzz target checks of a case, in one place: the fuzzers in `fuzz/` (nightly,
//! cargo-fuzz, `make fuzz`) call [`run`], and the stable suite replays every case kept in
//! `fuzz/regressions/` through it (`tests/replay.rs`).
//!
//! A case passes when it is read or refused with a report, never a panic, and, for supplier
//! files, when every way of reading it agrees and its reports carry nothing live
//! ([`scrm_ingest::testutil::every_way`]). Time and memory are the fuzzer's to bound
//! (`-timeout`, `-rss_limit_mb`).

use scrm_ingest::testutil::TestCatalog;
use scrm_ingest::testutil::every_way::{Role, check_file, setup};
use scrm_ingest::{IngestOptions, Limits};
use std::path::PathBuf;
use std::sync::OnceLock;

mod fill;
mod history;
mod score;

/// A fuzz target: one parser of untrusted input, and how a case reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A supplier's CSV response file: long, wide or a profile sheet, as its header says.
    Csv,
    /// A supplier's JSON document, and the same bytes as JSON Lines.
    Json,
    /// A supplier's XLSX workbook (template or tables).
    Xlsx,
    /// The buyer's profile or exclusion file, in CSV or XLSX: the case's first byte picks which
    /// (bit 0: exclusions, bit 1: XLSX).
    Buyer,
    /// A policy file (TOML), checked against the shipped catalog.
    Policy,
    /// A buyer's catalog overlay (TOML) over the shipped catalog.
    Catalog,
    /// An adapter file (TOML), checked against the shipped catalog.
    Adapter,
    /// A foreign questionnaire read through an adapter: the case's first byte picks the adapter
    /// (bit 0: the built-in CAIQ one, or the buyer-sheet example) and the format (bit 1: CSV or
    /// XLSX).
    Adapted,
    /// A form posted to `scrm fill`'s page (its body): read, scored and shown as the page (both
    /// languages), as the full scorecard and as the JSON download.
    Fill,
    /// A supplier's CSV file read against the shipped catalog, scored under the default policy
    /// with explanations and what-if plans, and rendered in every result format, the portfolio
    /// page and each supplier's scorecard (both languages).
    Score,
    /// A file of a signed history store (a run's summary, manifest, results or answers, the
    /// head, the prune log) replaced by the case: the case's first byte picks which, and
    /// whether the store is read with its key; everything that reads a store reads it, and
    /// `history verify` must report what changed.
    History,
}

impl Target {
    /// Every target, in the order `make fuzz` runs them.
    pub const ALL: [Target; 11] = [
        Self::Csv,
        Self::Json,
        Self::Xlsx,
        Self::Buyer,
        Self::Policy,
        Self::Catalog,
        Self::Score,
        Self::Adapter,
        Self::Adapted,
        Self::Fill,
        Self::History,
    ];

    /// The target's name: its binary in `fuzz/` and its folders under `fuzz/corpus`,
    /// `fuzz/artifacts` and `fuzz/regressions`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Xlsx => "xlsx",
            Self::Buyer => "buyer",
            Self::Policy => "policy",
            Self::Catalog => "catalog",
            Self::Score => "score",
            Self::Adapter => "adapter",
            Self::Adapted => "adapted",
            Self::Fill => "fill",
            Self::History => "history",
        }
    }
}

/// Per-process state, made once: a fuzzer runs thousands of cases a second.
struct Harness {
    cat: TestCatalog,
    pool: rayon::ThreadPool,
    opts: IngestOptions,
}

fn harness() -> &'static Harness {
    static H: OnceLock<Harness> = OnceLock::new();
    H.get_or_init(|| {
        let (pool, opts) = setup(3, 61);
        let opts = IngestOptions {
            // A small workbook limit, so that a case whose reading outgrows it shows as memory
            // past the fuzzer's bound (the limit failed to hold), not as a slow case.
            limits: Limits {
                max_xlsx_bytes: 8 << 20,
                ..Limits::default()
            },
            ..opts
        };
        Harness {
            cat: TestCatalog::load(),
            pool,
            opts,
        }
    })
}

/// The scratch folder of the calling thread, where its cases are written to be read: one per
/// thread (a test harness runs several; `cargo fuzz run -- -jobs=N`, several processes),
/// removed when the thread ends.
fn scratch() -> PathBuf {
    thread_local! {
        static DIR: tempfile::TempDir = tempfile::Builder::new()
            .prefix("scrm-fuzz-")
            .tempdir()
            .unwrap_or_else(|e| panic!("a scratch folder: {e}"));
    }
    DIR.with(|d| d.path().to_path_buf())
}

/// Runs one case of `target`; panics when it fails a check.
pub fn run(target: Target, data: &[u8]) {
    match target {
        Target::Csv => read_as(Role::Response, "responses.csv", data),
        Target::Json => {
            read_as(Role::Response, "supplier.json", data);
            read_as(Role::Response, "suppliers.jsonl", data);
        }
        Target::Xlsx => read_as(Role::Response, "questionnaire.xlsx", data),
        Target::Buyer => {
            if let Some((&role, rest)) = data.split_first() {
                buyer(role, rest);
            }
        }
        Target::Policy => {
            if let Ok(text) = std::str::from_utf8(data) {
                policy(text);
            }
        }
        Target::Catalog => {
            if let Ok(text) = std::str::from_utf8(data) {
                catalog(text);
            }
        }
        Target::Score => score::check(&scratch(), data),
        Target::Adapter => {
            if let Ok(text) = std::str::from_utf8(data) {
                adapter(text);
            }
        }
        Target::Adapted => {
            if let Some((&sel, rest)) = data.split_first() {
                adapted(sel, rest);
            }
        }
        Target::Fill => fill::check(data),
        Target::History => history::check(&scratch(), data),
    }
}

/// `text` as an adapter file, checked against the shipped catalog: read or refused, and a
/// refusal names at least one located problem.
fn adapter(text: &str) {
    match scrm_adapter::parse("fuzz.toml", text, scrm_catalog::Catalog::builtin()) {
        Ok(a) => assert!(
            !a.maps.is_empty(),
            "an adapter mapping nothing was accepted"
        ),
        Err(e) => {
            assert!(!e.problems.is_empty(), "refused without a problem");
            drop(e.to_string());
        }
    }
}

/// The example adapter of a buyer's own sheet (`fixtures/adapters/buyer-sheet/`).
const BUYER_SHEET_ADAPTER: &str =
    include_str!("../../../fixtures/adapters/buyer-sheet/adapter.toml");

/// The two adapters the `adapted` target reads through, made once.
fn adapters() -> &'static [std::sync::Arc<scrm_adapter::Adapter>; 2] {
    static A: OnceLock<[std::sync::Arc<scrm_adapter::Adapter>; 2]> = OnceLock::new();
    A.get_or_init(|| {
        let cat = scrm_catalog::Catalog::builtin();
        let parse = |name: &str, src: &str| {
            std::sync::Arc::new(
                scrm_adapter::parse(name, src, cat).unwrap_or_else(|e| panic!("{e}")),
            )
        };
        [
            parse(
                "csa-caiq-v4",
                scrm_adapter::builtin("csa-caiq-v4").unwrap_or_default(),
            ),
            parse("buyer-sheet", BUYER_SHEET_ADAPTER),
        ]
    })
}

/// `data` as a foreign questionnaire (`sel` bit 1: XLSX, else CSV) read through one adapter
/// (bit 0), beside the buyer's files, every way ([`check_file`]): the reads agree, the counts
/// add up, the reports are inert; and every answer derived names the adapter in its comment
/// (no answer reaches scoring without saying where it came from).
fn adapted(sel: u8, data: &[u8]) {
    let h = harness();
    let ad = &adapters()[usize::from(sel & 1)];
    let name = if sel & 2 == 0 {
        "V-0101.csv"
    } else {
        "V-0101.xlsx"
    };
    let opts = IngestOptions {
        adapters: vec![ad.clone()],
        ..h.opts.clone()
    };
    let cat = scrm_catalog::Catalog::builtin();
    let read = check_file(&scratch(), Role::Response, name, data, cat, &h.pool, &opts);
    let prefix = format!("{}: ", ad.name);
    for v in &read.vendors {
        for a in v.answers.values() {
            let c = a.comment.as_deref().unwrap_or("");
            assert!(
                c.starts_with(&prefix),
                "{}: {} from nowhere: {c:?}",
                v.id(),
                a.question
            );
        }
    }
}

/// `data` as the file `name` (its extension picks the format) in `role`, through
/// [`check_file`].
fn read_as(role: Role, name: &str, data: &[u8]) {
    let h = harness();
    check_file(&scratch(), role, name, data, &h.cat, &h.pool, &h.opts);
}

/// `data` as the buyer's profile file or exclusion file (`role` bit 0), in CSV or XLSX (bit 1).
fn buyer(role: u8, data: &[u8]) {
    let (role, name) = match role & 3 {
        0 => (Role::Profiles, "vendors.csv"),
        1 => (Role::Exclusions, "exclusions.csv"),
        2 => (Role::Profiles, "vendors.xlsx"),
        _ => (Role::Exclusions, "exclusions.xlsx"),
    };
    read_as(role, name, data);
}

/// `text` as a policy file, checked against the shipped catalog: read or refused.
fn policy(text: &str) {
    let cat = scrm_catalog::Catalog::builtin();
    match scrm_policy::Policy::from_toml("fuzz.toml", text, Some(cat)) {
        Ok(p) => drop(scrm_policy::flatten(&p)),
        Err(e) => drop(e.to_string()),
    }
}

/// `text` as a buyer's catalog overlay over the shipped catalog: read or refused.
fn catalog(text: &str) {
    match scrm_catalog::Catalog::builtin().with_overlay("fuzz.toml", text) {
        Ok(c) => drop(c.hash().to_string()),
        Err(e) => drop(e.to_string()),
    }
}

/// The repository this crate was built in: its fixtures are the targets' seeds.
fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// Seeds larger than this are left out: a fuzzer mutates small cases faster, and every
/// format's features are in the small fixtures.
const MAX_SEED: u64 = 64 * 1024;

/// The cases a fuzzer of `target` starts from, by file name: the repository's own well-formed
/// and broken examples of that input (`fixtures/`, the shipped catalog and policy).
pub fn seeds(target: Target) -> Vec<(String, Vec<u8>)> {
    let root = repo();
    let files = |dir: &str, keep: &dyn Fn(&str) -> bool| -> Vec<(String, Vec<u8>)> {
        walkdir::WalkDir::new(root.join(dir))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter(|e| e.metadata().is_ok_and(|m| m.len() <= MAX_SEED))
            .filter(|e| keep(&e.file_name().to_string_lossy()))
            .map(|e| {
                let rel = e.path().strip_prefix(&root).unwrap_or(e.path());
                let name = rel.to_string_lossy().replace(['/', '\\'], "_");
                let bytes = std::fs::read(e.path())
                    .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
                (name, bytes)
            })
            .collect()
    };
    let ext = |exts: &'static [&'static str]| {
        move |n: &str| exts.iter().any(|x| n.to_ascii_lowercase().ends_with(x))
    };
    match target {
        Target::Csv => files("fixtures", &ext(&[".csv", ".tsv", ".txt"])),
        Target::Json => files("fixtures", &ext(&[".json", ".jsonl", ".ndjson"])),
        Target::Xlsx => files("fixtures", &ext(&[".xlsx"])),
        Target::Buyer => {
            // The role byte first, as the target reads it: profile and exclusion files as
            // themselves, and every workbook as one of them, by its name (a buyer's list may
            // be kept in Excel).
            let role = |n: &str| {
                let n = n.to_ascii_lowercase();
                if n.ends_with(".xlsx") {
                    Some(if n.contains("exclusion") { 3u8 } else { 2u8 })
                } else if !n.ends_with(".csv") {
                    None
                } else if n.contains("exclusion") {
                    Some(1u8)
                } else if n.contains("vendor") || n.contains("profile") {
                    Some(0u8)
                } else {
                    None
                }
            };
            files("fixtures", &|n| role(n).is_some())
                .into_iter()
                .map(|(name, bytes)| {
                    let r = role(&name).unwrap_or(0);
                    (name, [&[r][..], &bytes].concat())
                })
                .collect()
        }
        Target::Policy => files("crates/scrm-policy/policy", &ext(&[".toml"])),
        Target::Score => files("fixtures", &ext(&[".csv"])),
        Target::Catalog => [
            files("benches", &ext(&[".toml"])),
            files("crates/scrm-catalog/catalog", &ext(&[".toml"])),
        ]
        .concat(),
        Target::Adapter => [
            files("crates/scrm-adapter/adapters", &ext(&[".toml"])),
            files("fixtures/adapters", &ext(&[".toml"])),
        ]
        .concat(),
        Target::Fill => {
            // Each supplier document as the page posts it.
            files("fixtures", &ext(&[".json"]))
                .into_iter()
                .filter_map(|(name, bytes)| {
                    let doc: scrm_model::SupplierDocument = serde_json::from_slice(&bytes).ok()?;
                    Some((
                        name,
                        scrm_fill::encode(&scrm_fill::fields_of(&doc)).into_bytes(),
                    ))
                })
                .collect()
        }
        Target::Adapted => {
            // Each foreign file through both adapters, as itself: the selector byte first.
            let sel = |n: &str| u8::from(n.to_ascii_lowercase().ends_with(".xlsx")) << 1;
            files("fixtures/adapters", &ext(&[".csv", ".xlsx"]))
                .into_iter()
                .flat_map(|(name, bytes)| {
                    let s = sel(&name);
                    [0u8, 1].map(|a| (format!("{a}-{name}"), [&[s | a][..], &bytes].concat()))
                })
                .collect()
        }
        Target::History => history::seeds(),
    }
}

/// The cases kept for `target` (`fuzz/regressions/<name>/`): each once made a fuzzer fail, and
/// the stable suite replays them all.
pub fn regressions(target: Target) -> Vec<(String, Vec<u8>)> {
    let dir = repo().join("fuzz/regressions").join(target.name());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut cases: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| {
            let bytes = std::fs::read(e.path())
                .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    cases.sort();
    cases
}
