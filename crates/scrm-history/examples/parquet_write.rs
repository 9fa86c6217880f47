//! Times the Parquet outputs at portfolio scale: the flat result table, a full history run
//! (results with `result_json`, answers, fsync, rename), loading the cache, and a diff.
//!
//! `cargo run --release -p scrm-history --example parquet_write -- [VENDORS] [ANSWERS_PER_VENDOR]`
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

use chrono::NaiveDate;
use scrm_history::fixtures::{manifest, synthetic_results, synthetic_vendors};
use scrm_history::{diff_runs, load_cache, record_run, write_results_parquet};
use scrm_model::Status;
use std::time::Instant;

fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args()
            .nth(i)
            .map(|s| {
                s.replace('_', "").parse().unwrap_or_else(|_| {
                    eprintln!("arguments are whole numbers, not {s:?}");
                    std::process::exit(2)
                })
            })
            .unwrap_or(default)
    };
    let n = arg(1, 100_000);
    let answers = arg(2, 120);
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default();

    let t = Instant::now();
    let results = synthetic_results(n, 42);
    let vendors = synthetic_vendors(n, answers, 42);
    println!(
        "built {n} results and {} answers in {:.2} s",
        n * answers,
        t.elapsed().as_secs_f64()
    );

    let m = manifest("2026-11-02T02:00:00Z", as_of, n as u64);
    let t = Instant::now();
    let mut out = Vec::with_capacity(n * 200);
    if let Err(e) = write_results_parquet(&results, &m, &mut out) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "write_results_parquet: {n} rows, {:.1} MB in {secs:.3} s ({:.0} rows/s)",
        out.len() as f64 / 1e6,
        n as f64 / secs
    );

    let dir = std::env::temp_dir().join(format!("scrm-history-example-{}", std::process::id()));
    for (k, stamp) in ["2026-11-01T02:00:00Z", "2026-11-02T02:00:00Z"]
        .iter()
        .enumerate()
    {
        let m = manifest(stamp, as_of, n as u64);
        // The second run changes a tenth of the vendors.
        let mut rs = results.clone();
        if k == 1 {
            for r in rs.iter_mut().step_by(10) {
                r.status = Status::AtRisk;
                r.combined_score = r.combined_score.map(|s| (s - 0.5).max(0.0));
                r.input_hash.push('x');
            }
        }
        let t = Instant::now();
        match record_run(&dir, &m, &rs, &vendors) {
            Ok(r) => println!(
                "record_run {}: {:.3} s ({} answers)",
                r.run_id,
                t.elapsed().as_secs_f64(),
                n * answers
            ),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }
    let t = Instant::now();
    match load_cache(&dir, scrm_history::fixtures::TOOL_VERSION) {
        Ok(c) => println!(
            "load_cache: {} vendors in {:.3} s",
            c.len(),
            t.elapsed().as_secs_f64()
        ),
        Err(e) => eprintln!("error: {e}"),
    }
    let t = Instant::now();
    match diff_runs(&dir, None, None, 0.25, Some(Status::AtRisk)) {
        Ok(d) => println!(
            "diff_runs: {} changed vendors in {:.3} s",
            d.changes().count(),
            t.elapsed().as_secs_f64()
        ),
        Err(e) => eprintln!("error: {e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
