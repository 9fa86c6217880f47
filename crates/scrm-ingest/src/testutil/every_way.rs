//! The reader's agreement with itself, for tests and fuzzing: inputs read by [`ingest`] and by
//! [`ingest_map`], at another thread count and block size, give the same result, every row read
//! is accepted or rejected, and the reports made of it carry supplier text inert. A panic names
//! what failed.

use crate::{IngestOptions, Ingested, ingest, ingest_map};
use scrm_model::{AnswerFacts, AnswerValue, FullInput, QuestionId, ScoreInput, VendorProfile};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Everything scoring reads of a vendor, answers in question-id order.
pub fn facts(v: &impl ScoreInput) -> (VendorProfile, Vec<(QuestionId, AnswerFacts)>) {
    let mut answers = Vec::new();
    v.for_each_answer(&mut |q, a| answers.push((q, a)));
    answers.sort_by_key(|(q, _)| *q);
    (v.profile().clone(), answers)
}

/// One answer whole, owned.
pub type Whole = (
    QuestionId,
    AnswerValue,
    Option<String>,
    Option<chrono::NaiveDate>,
    Option<String>,
);

/// Everything the input hash and the history's answer sheet read of a vendor ([`FullInput`]),
/// in the order they read it. Panics when the answers' bytes are not their text.
pub fn whole(v: &impl FullInput) -> (usize, Vec<Whole>, Vec<(QuestionId, AnswerValue)>) {
    let mut texts = Vec::new();
    v.for_each_answer_text(|a| {
        texts.push((
            a.question,
            a.value,
            a.evidence.map(str::to_string),
            a.evidence_date,
            a.comment.map(str::to_string),
        ));
    });
    // The bytes the input hash reads are the same answers' text, in the same order.
    let mut bytes = Vec::new();
    v.for_each_answer_bytes(|a| {
        let text = |b: Option<&[u8]>| b.map(|b| String::from_utf8(b.to_vec()).expect("UTF-8"));
        bytes.push((
            a.question,
            a.value,
            text(a.evidence),
            a.evidence_date,
            text(a.comment),
        ));
    });
    assert_eq!(bytes, texts, "for_each_answer_bytes");
    let mut values = Vec::new();
    v.for_each_answer_value(|q, x| values.push((q, x)));
    (v.answer_count(), texts, values)
}

/// What one run reads: response files or folders, and the buyer's profile and exclusion files.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// Response files or folders.
    pub inputs: &'a [PathBuf],
    /// The buyer's profile file.
    pub profiles: Option<&'a Path>,
    /// The buyer's exclusion file.
    pub exclusions: Option<&'a Path>,
}

/// What [`map_equals_ingest`] found besides the agreement.
#[derive(Debug)]
pub struct Agreed {
    /// What [`ingest`] read.
    pub read: Ingested,
    /// Calls of the map beyond one per vendor (the first, abandoned reading of a scattered file).
    pub extra_calls: usize,
    /// Vendors the map was handed while their file was read
    /// ([`crate::ReadVendor::read_in_passing`]), in the reading that counted.
    pub in_passing: usize,
}

/// Reads `run` with `opts` inside `pool`, by [`ingest`] and by [`ingest_map`], and panics unless
/// both give the same vendors (as scoring, the input hash and the answer sheet read them),
/// exclusions, problems, rejects and counts.
pub fn map_equals_ingest(
    run: Run<'_>,
    cat: &dyn scrm_model::QuestionLookup,
    pool: &rayon::ThreadPool,
    opts: &IngestOptions,
) -> Agreed {
    let Run {
        inputs,
        profiles,
        exclusions: ex,
    } = run;
    let calls = AtomicUsize::new(0);
    let kept = pool
        .install(|| ingest(inputs, profiles, ex, cat, opts))
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut mapped, handed) = pool
        .install(|| {
            ingest_map(
                inputs,
                profiles,
                ex,
                cat,
                opts,
                |v, ex| {
                    calls.fetch_add(1, Ordering::Relaxed);
                    let passing = v.read_in_passing();
                    let refs: Vec<String> = ex.iter().map(|e| e.reference.clone()).collect();
                    // What scoring reads of the vendor as handed (compact when finished in a
                    // block worker) is what it reads of the whole vendor.
                    let handed = facts(&v);
                    // And what the input hash and the answer sheet read of it, in the same
                    // (question-id) order: a history's cache must find a vendor hashed on the
                    // streamed path (as handed) from the materialized one (whole), and back.
                    let handed_whole = whole(&v);
                    let v = v.into_vendor();
                    assert_eq!(handed, facts(&v), "facts of {}", v.id());
                    assert_eq!(handed_whole, whole(&v), "answers of {}", v.id());
                    (v, refs, passing)
                },
                false,
            )
        })
        .unwrap_or_else(|e| panic!("{e}"));
    for (v, refs, _) in &handed {
        let want: Vec<String> = kept
            .exclusions
            .iter()
            .filter(|e| &e.vendor_id == v.id())
            .map(|e| e.reference.clone())
            .collect();
        assert_eq!(refs, &want, "exclusions of {}", v.id());
    }
    let in_passing = handed.iter().filter(|h| h.2).count();
    mapped.vendors = handed.into_iter().map(|(v, ..)| v).collect();
    assert_eq!(
        mapped,
        kept,
        "ingest_map against ingest, {} threads, blocks of {} bytes",
        pool.current_num_threads(),
        opts.chunk_bytes
    );
    let extra_calls = calls.into_inner() - kept.vendors.len();
    Agreed {
        read: kept,
        extra_calls,
        in_passing,
    }
}

/// Reads `run` every way: by [`map_equals_ingest`] in `pool` with `opts`, and by [`ingest`] with
/// the default options on the global pool; panics unless all agree and every file's rows read
/// are its rows accepted plus rejected. Returns the default read.
pub fn read_every_way(
    run: Run<'_>,
    cat: &dyn scrm_model::QuestionLookup,
    pool: &rayon::ThreadPool,
    opts: &IngestOptions,
) -> Ingested {
    let small = map_equals_ingest(run, cat, pool, opts).read;
    let whole = ingest(
        run.inputs,
        run.profiles,
        run.exclusions,
        cat,
        &IngestOptions {
            limits: opts.limits,
            // How the files are read is not an option to vary: the same adapter, or none.
            adapters: opts.adapters.clone(),
            ..IngestOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        small,
        whole,
        "{} threads and blocks of {} bytes against the defaults",
        pool.current_num_threads(),
        opts.chunk_bytes
    );
    for f in &whole.files {
        assert_eq!(f.rows_read, f.accepted + f.rejected, "{f:?}");
    }
    whole
}

/// A pool of `threads` threads and options reading blocks of `chunk` bytes.
pub fn setup(threads: usize, chunk: usize) -> (rayon::ThreadPool, IngestOptions) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let opts = IngestOptions {
        chunk_bytes: chunk,
        ..IngestOptions::default()
    };
    (pool, opts)
}

/// The role of a file handed to [`check_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A supplier's response file (any format, told by its name).
    Response,
    /// The buyer's profile file.
    Profiles,
    /// The buyer's exclusion file.
    Exclusions,
}

/// The response file read beside a buyer's file under test.
const ANSWERS: &str = "vendor_id,question_id,answer,evidence,evidence_date,comment\n\
    V01,GV-1.1,3,policy.pdf,2026-01-05,ok\n\
    V01,SUP-AIBOM,partial,,,\"two\nlines\"\n\
    V02,GV-1.1,na,,,\n\
    V03,MS-2.7,yes,report.pdf,2025-12-31,\n";
/// The buyer's profile file read beside a response file under test.
const PROFILES: &str = "vendor_id,name,country,criticality,ai_role,data_access,assessed_on\n\
    V01,Alpha,TW,high,provider,regulated,2026-01-05\n\
    V02,\"Beta, \"\"Ltd\"\"\",US,low,deployer,internal,\n";
/// The buyer's exclusion file read beside a response file under test.
const EXCLUSIONS: &str = "vendor_id,source,reference,listed_on\nV03,sam,S-1,2026-01-02\n";

/// Writes `bytes` to `dir/name` and reads it in `role` beside small well-formed files of the
/// other roles, by [`read_every_way`]; then checks that the human report and the rejects file
/// made of what was read carry no formula and no control character from the file. `dir` is
/// the caller's scratch folder, reused call after call.
pub fn check_file(
    dir: &Path,
    role: Role,
    name: &str,
    bytes: &[u8],
    cat: &dyn scrm_model::QuestionLookup,
    pool: &rayon::ThreadPool,
    opts: &IngestOptions,
) -> Ingested {
    let write = |name: &str, bytes: &[u8]| -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    };
    let under_test = write(name, bytes);
    let (input, profiles, exclusions) = match role {
        Role::Response => (
            under_test,
            write("buyer-profiles.csv", PROFILES.as_bytes()),
            write("buyer-exclusions.csv", EXCLUSIONS.as_bytes()),
        ),
        Role::Profiles => (
            write("answers.csv", ANSWERS.as_bytes()),
            under_test,
            write("buyer-exclusions.csv", EXCLUSIONS.as_bytes()),
        ),
        Role::Exclusions => (
            write("answers.csv", ANSWERS.as_bytes()),
            write("buyer-profiles.csv", PROFILES.as_bytes()),
            under_test,
        ),
    };
    let inputs = [input];
    let run = Run {
        inputs: &inputs,
        profiles: Some(&profiles),
        exclusions: Some(&exclusions),
    };
    let read = read_every_way(run, cat, pool, opts);
    assert_reports_inert(&read);
    read
}

/// Panics when the human report or the rejects file made of `read` could run a formula in a
/// spreadsheet or send a control character (an escape sequence, a bidirectional override) to a
/// terminal.
pub fn assert_reports_inert(read: &Ingested) {
    assert_text_inert("the human report", &crate::render_human(read));
    assert_text_inert(
        "the human report in Chinese",
        &crate::render_human_in(read, scrm_model::Lang::ZhTw),
    );
    // The JSON report escapes by construction; it is made to be sure it can be.
    let _ = crate::render_json(read).to_string();
    let mut rejects = Vec::new();
    crate::write_rejects_csv(&read.rejects, &mut rejects).unwrap_or_else(|e| panic!("{e}"));
    assert_csv_inert(&rejects);
}

/// Panics when `text`, meant for a terminal, holds a control character other than a line
/// break (an escape sequence, a bidirectional override).
pub fn assert_text_inert(what: &str, text: &str) {
    if let Some(c) = text
        .chars()
        .find(|&c| c != '\n' && scrm_model::safe::is_unsafe_char(c))
    {
        panic!("{what} carries {c:?}:\n{text}");
    }
}

/// Panics when a cell of the CSV file `bytes` (a header line, then rows) is not inert: when
/// [`neutralize_cell`](scrm_model::safe::neutralize_cell), the rule every writer applies, would
/// still change it (a formula's first character, a control character other than a tab or a
/// line break).
pub fn assert_csv_inert(bytes: &[u8]) {
    let mut back = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    for rec in back.records() {
        let rec = rec.unwrap_or_else(|e| panic!("the CSV file reads back: {e}"));
        for cell in &rec {
            let inert = scrm_model::safe::neutralize_cell(cell) == cell;
            assert!(inert, "a CSV cell is not inert: {cell:?}");
        }
    }
}
