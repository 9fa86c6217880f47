//! Seeded synthetic supplier portfolios, for benchmarks, load tests and the bundled demo.
//!
//! # What it writes
//! [`generate`] writes the canonical input formats into a folder:
//!
//! * `answers.csv`: long responses, `vendor_id,question_id,answer,evidence,evidence_date,comment`;
//! * `vendors.csv`: profiles, `vendor_id,name,country,criticality,ai_role,data_access,assessed_on,certifications`
//!   (certifications `;`-separated);
//! * `exclusions.csv`: `vendor_id,source,reference,listed_on` (sources `sam`, `sec889`, `fascsa`);
//! * `.scrm-gen`: a small key=value record of the options and sizes, written last, so that
//!   [`run_gen`] can skip a folder that already holds the same portfolio. Hidden, so folder
//!   ingestion does not take it for an input.
//!
//! # How it is realistic
//! Every vendor gets an archetype: strong (18 %), average (42 %), weak (15 %), incomplete
//! (10 %: skipped and blank questions, sometimes no assessment date), contradictory (5 %: claims
//! an ISO/IEC 42001 certificate, an AI policy or an AI-BOM that its other answers deny, the
//! pairs the default policy checks), uniform (4 %: the top answer everywhere, no evidence),
//! knock-out failing (6 %: `no` to `SUP-INCIDENT-NOTIFY` and/or `SUP-TRAINING-DATA`, high or
//! critical tier), and, with probability `exclusion_rate`, excluded (listed in
//! `exclusions.csv`). Answers follow a latent maturity per vendor, an offset per question
//! family (GOVERN, MAP, MEASURE, MANAGE, ISO clauses, Annex A, supply chain) and noise per
//! question. Countries are drawn from an electronics and AI supply chain (TW, US, JP, DE, KR,
//! IN, VN, SG, MY, GB, FR, IL), names from syllables with each country's legal suffixes,
//! evidence references look like `POL-AI-007 v3.pdf`, and every date is counted back from the
//! fixed `as_of` of the options (never the wall clock). Only questions that apply to the
//! vendor's AI role are answered.
//!
//! # Reproducible and fast
//! Each vendor draws from its own ChaCha8 stream `(seed, vendor index)`, so the same seed gives
//! byte-identical files whatever the thread count. Vendors are generated in parallel chunks of
//! 512 (rayon) into hand-formatted byte buffers, and a writer thread streams the chunks to disk
//! in order while the next batch is generated. See `benches/README.md` for measured figures.
//!
//! [`demo`] writes the bundled demo portfolio (about 50 hand-picked fictitious suppliers, plus
//! JSON supplier documents).

mod demo;
mod engine;
#[doc(hidden)]
pub mod fixtures;
mod format;
mod names;

pub use demo::{DEMO_AS_OF, DemoSummary, demo};
pub use engine::Archetype;

use chrono::NaiveDate;
use engine::{Ctx, GenVendor, generate_vendor};
use rayon::prelude::*;
use scrm_model::Question;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenOptions {
    /// Number of vendors.
    pub vendors: u64,
    /// Seed: the same seed (and options and questions) gives byte-identical files.
    pub seed: u64,
    /// Questions answered per vendor, a random subset in catalog order; `None` answers every
    /// question that applies to the vendor's AI role.
    pub answers_per_vendor: Option<usize>,
    /// Share of vendors on an exclusion list, 0-1.
    pub exclusion_rate: f64,
    /// The date every generated date is counted back from.
    pub as_of: NaiveDate,
    /// Knock-out question ids (those of the default policy). Ids not in the questions are
    /// ignored.
    pub knockouts: Vec<String>,
}

/// The default `as_of`: a fixed date, so that generated portfolios never depend on the clock.
pub const DEFAULT_AS_OF: (i32, u32, u32) = (2026, 11, 2);

impl Default for GenOptions {
    fn default() -> Self {
        let (y, m, d) = DEFAULT_AS_OF;
        Self {
            vendors: 1000,
            seed: 42,
            answers_per_vendor: None,
            exclusion_rate: 0.01,
            as_of: NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default(),
            knockouts: vec!["SUP-INCIDENT-NOTIFY".into(), "SUP-TRAINING-DATA".into()],
        }
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenError {
    /// A file or folder could not be created or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// `--out` names something that is not a folder (a file, say).
    #[error("{}: not a folder; give the folder the portfolio's files are written into (created if missing)", path.display())]
    NotAFolder {
        /// What `--out` named.
        path: PathBuf,
    },
    /// An option is out of range.
    #[error("{option} = {value}: {problem}")]
    Invalid {
        /// The option's name.
        option: &'static str,
        /// The offending value.
        value: String,
        /// What is allowed.
        problem: &'static str,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> GenError + '_ {
    move |source| GenError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GenSummary {
    /// Vendors (rows of `vendors.csv`).
    pub vendors: u64,
    /// Rows of `answers.csv`.
    pub answer_rows: u64,
    /// Rows of `exclusions.csv`.
    pub exclusions: u64,
    /// Size of `answers.csv` in bytes.
    pub answers_bytes: u64,
    /// Size of `vendors.csv` in bytes.
    pub vendors_bytes: u64,
    /// Size of `exclusions.csv` in bytes.
    pub exclusions_bytes: u64,
    /// Vendors per archetype (kebab-case names).
    pub archetypes: BTreeMap<String, u64>,
}

impl GenSummary {
    /// Bytes over the three files.
    pub fn total_bytes(&self) -> u64 {
        self.answers_bytes + self.vendors_bytes + self.exclusions_bytes
    }

    /// A few lines for the terminal.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{} vendors, {} answers, {} exclusions; {:.1} MB (answers.csv {:.1} MB)\n",
            self.vendors,
            self.answer_rows,
            self.exclusions,
            self.total_bytes() as f64 / 1e6,
            self.answers_bytes as f64 / 1e6
        );
        let parts: Vec<String> = self
            .archetypes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        s.push_str(&format!("archetypes: {}\n", parts.join(", ")));
        s
    }
}

/// Vendors per chunk: one parallel task, one buffer handed to the writer thread.
const CHUNK: u64 = 512;

/// One chunk's output.
struct ChunkOut {
    answers: Vec<u8>,
    vendors: Vec<u8>,
    exclusions: Vec<u8>,
    answer_rows: u64,
    exclusion_rows: u64,
    archetypes: [u64; 8],
}

fn gen_chunk(ctx: &Ctx, width: usize, start: u64, end: u64) -> ChunkOut {
    let n = (end - start) as usize;
    let mut out = ChunkOut {
        answers: Vec::with_capacity(n * (ctx.qs.len() * 40 + 64)),
        vendors: Vec::with_capacity(n * 96),
        exclusions: Vec::new(),
        answer_rows: 0,
        exclusion_rows: 0,
        archetypes: [0; 8],
    };
    let mut v = GenVendor::default();
    for i in start..end {
        generate_vendor(ctx, i, None, &mut v);
        let id = format::vendor_id(i, width);
        format::answers_rows(ctx, &id, &v, &mut out.answers);
        format::vendor_row(ctx, &id, &v, &mut out.vendors);
        if format::exclusion_row(ctx, &id, &v, &mut out.exclusions) {
            out.exclusion_rows += 1;
        }
        out.answer_rows += v.answers.len() as u64;
        out.archetypes[v.archetype as usize] += 1;
    }
    out
}

fn validate(questions: &[Question], opts: &GenOptions) -> Result<(), GenError> {
    if !(0.0..=1.0).contains(&opts.exclusion_rate) {
        return Err(GenError::Invalid {
            option: "exclusion_rate",
            value: opts.exclusion_rate.to_string(),
            problem: "must be between 0 and 1",
        });
    }
    if questions.is_empty() {
        return Err(GenError::Invalid {
            option: "questions",
            value: "0".into(),
            problem: "the catalog holds no question to answer",
        });
    }
    Ok(())
}

/// Generates a portfolio into three writers (the files of [`generate`] without the folder).
/// Byte counts in the summary are what was written to each.
pub fn generate_to<A, V, X>(
    questions: &[Question],
    opts: &GenOptions,
    answers: A,
    vendors: V,
    exclusions: X,
) -> Result<GenSummary, std::io::Error>
where
    A: Write + Send,
    V: Write + Send,
    X: Write + Send,
{
    let ctx = Ctx::new(
        questions,
        &opts.knockouts,
        opts.seed,
        opts.answers_per_vendor,
        opts.exclusion_rate,
        opts.as_of,
    );
    let width = format::id_width(opts.vendors);
    let chunks = opts.vendors.div_ceil(CHUNK);
    // Enough chunks in flight to keep every core busy while the writer drains the last batch.
    let batch = (rayon::current_num_threads() as u64 * 4).max(4);

    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<ChunkOut>(batch as usize);
        let writer = scope.spawn(move || -> std::io::Result<GenSummary> {
            let mut a = answers;
            let mut v = vendors;
            let mut x = exclusions;
            a.write_all(format::ANSWERS_HEADER.as_bytes())?;
            v.write_all(format::VENDORS_HEADER.as_bytes())?;
            x.write_all(format::EXCLUSIONS_HEADER.as_bytes())?;
            let mut s = GenSummary {
                answers_bytes: format::ANSWERS_HEADER.len() as u64,
                vendors_bytes: format::VENDORS_HEADER.len() as u64,
                exclusions_bytes: format::EXCLUSIONS_HEADER.len() as u64,
                ..GenSummary::default()
            };
            let mut kinds = [0u64; 8];
            for c in rx {
                a.write_all(&c.answers)?;
                v.write_all(&c.vendors)?;
                x.write_all(&c.exclusions)?;
                s.answers_bytes += c.answers.len() as u64;
                s.vendors_bytes += c.vendors.len() as u64;
                s.exclusions_bytes += c.exclusions.len() as u64;
                s.answer_rows += c.answer_rows;
                s.exclusions += c.exclusion_rows;
                for (k, n) in c.archetypes.iter().enumerate() {
                    kinds[k] += n;
                }
            }
            a.flush()?;
            v.flush()?;
            x.flush()?;
            for (k, n) in kinds.iter().enumerate() {
                s.vendors += n;
                if *n > 0 {
                    s.archetypes
                        .insert(Archetype::ALL[k].as_str().to_string(), *n);
                }
            }
            Ok(s)
        });

        let mut first = 0;
        'outer: while first < chunks {
            let last = (first + batch).min(chunks);
            let outs: Vec<ChunkOut> = (first..last)
                .into_par_iter()
                .map(|c| {
                    let start = c * CHUNK;
                    gen_chunk(&ctx, width, start, (start + CHUNK).min(opts.vendors))
                })
                .collect();
            for o in outs {
                if tx.send(o).is_err() {
                    // The writer stopped on an I/O error; it reports it below.
                    break 'outer;
                }
            }
            first = last;
        }
        drop(tx);
        writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the CSV writer thread panicked")))
    })
}

/// The three files `generate` writes, in `out_dir`.
pub const FILES: [&str; 3] = ["answers.csv", "vendors.csv", "exclusions.csv"];

/// Name of the record [`generate`] leaves in the folder.
pub const MARKER: &str = ".scrm-gen";

/// Generates a portfolio of `opts.vendors` vendors answering `questions` into `out_dir`
/// (created if missing; existing files are replaced). See the crate docs for the contents.
pub fn generate(
    questions: &[Question],
    opts: &GenOptions,
    out_dir: &Path,
) -> Result<GenSummary, GenError> {
    validate(questions, opts)?;
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(GenError::NotAFolder {
            path: out_dir.to_path_buf(),
        });
    }
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let marker = out_dir.join(MARKER);
    // A stale record must not vouch for files being rewritten.
    match std::fs::remove_file(&marker) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io_err(&marker)(e)),
        _ => {}
    }
    let paths = FILES.map(|f| out_dir.join(f));
    let open = |p: &Path| {
        File::create(p)
            .map(|f| BufWriter::with_capacity(8 << 20, f))
            .map_err(io_err(p))
    };
    let (a, v, x) = (open(&paths[0])?, open(&paths[1])?, open(&paths[2])?);
    let summary = generate_to(questions, opts, a, v, x).map_err(io_err(out_dir))?;
    std::fs::write(&marker, marker_text(questions, opts, &summary)).map_err(io_err(&marker))?;
    Ok(summary)
}

/// FNV-1a over what the generator reads from the questions: a change of catalog regenerates.
fn questions_fingerprint(questions: &[Question]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for q in questions {
        eat(q.id.as_str());
        eat(q.answer.kind.as_str());
        eat(if q.answer.na_allowed { "na" } else { "-" });
        for r in &q.roles {
            eat(r.as_str());
        }
        eat(q.aliases.first().map_or("", String::as_str));
        eat(q.refs.airm.first().map_or("", String::as_str));
        eat(q.refs.aims.first().map_or("", String::as_str));
        eat(if q.refs.csf.is_empty() { "" } else { "csf" });
    }
    format!("{h:016x}")
}

/// The option lines of the record (what decides whether a folder can be reused).
fn marker_key(questions: &[Question], opts: &GenOptions) -> String {
    format!(
        "format=scrm-gen/1\nseed={}\nvendors={}\nanswers_per_vendor={}\nexclusion_rate={}\nas_of={}\nknockouts={}\nquestions={}\n",
        opts.seed,
        opts.vendors,
        opts.answers_per_vendor
            .map_or_else(|| "all".to_string(), |n| n.to_string()),
        opts.exclusion_rate,
        opts.as_of,
        opts.knockouts.join(";"),
        questions_fingerprint(questions),
    )
}

fn marker_text(questions: &[Question], opts: &GenOptions, s: &GenSummary) -> String {
    let mut t = marker_key(questions, opts);
    t.push_str(&format!(
        "answer_rows={}\nexclusions={}\nanswers_bytes={}\nvendors_bytes={}\nexclusions_bytes={}\n",
        s.answer_rows, s.exclusions, s.answers_bytes, s.vendors_bytes, s.exclusions_bytes
    ));
    for (k, v) in &s.archetypes {
        t.push_str(&format!("archetype.{k}={v}\n"));
    }
    t
}

/// The summary recorded in `out_dir`, when the record matches these options and questions and
/// the files still have the recorded sizes.
fn recorded(questions: &[Question], opts: &GenOptions, out_dir: &Path) -> Option<GenSummary> {
    let text = std::fs::read_to_string(out_dir.join(MARKER)).ok()?;
    let key = marker_key(questions, opts);
    let rest = text.strip_prefix(&key)?;
    let mut s = GenSummary {
        vendors: opts.vendors,
        ..GenSummary::default()
    };
    for line in rest.lines() {
        let (k, v) = line.split_once('=')?;
        let n: u64 = v.parse().ok()?;
        match k {
            "answer_rows" => s.answer_rows = n,
            "exclusions" => s.exclusions = n,
            "answers_bytes" => s.answers_bytes = n,
            "vendors_bytes" => s.vendors_bytes = n,
            "exclusions_bytes" => s.exclusions_bytes = n,
            _ => {
                s.archetypes
                    .insert(k.strip_prefix("archetype.")?.to_string(), n);
            }
        }
    }
    let sizes = [s.answers_bytes, s.vendors_bytes, s.exclusions_bytes];
    let intact = FILES
        .iter()
        .zip(sizes)
        .all(|(f, size)| std::fs::metadata(out_dir.join(f)).is_ok_and(|m| m.len() == size));
    intact.then_some(s)
}

/// The outcome of [`run_gen`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenRun {
    /// What the folder holds.
    pub summary: GenSummary,
    /// `true` when the folder already held this very portfolio and nothing was written.
    pub skipped: bool,
}

/// `scrm gen`: generates into `out_dir` unless it already holds the same portfolio (same
/// options, same questions, files intact) and `force` is false.
pub fn run_gen(
    questions: &[Question],
    opts: &GenOptions,
    out_dir: &Path,
    force: bool,
) -> Result<GenRun, GenError> {
    validate(questions, opts)?;
    if !force && let Some(summary) = recorded(questions, opts, out_dir) {
        return Ok(GenRun {
            summary,
            skipped: true,
        });
    }
    Ok(GenRun {
        summary: generate(questions, opts, out_dir)?,
        skipped: false,
    })
}
