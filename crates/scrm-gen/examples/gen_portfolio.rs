//! Generates a synthetic portfolio with a catalog-sized question list and reports throughput:
//! the generator's own benchmark, usable before (and without) the `scrm` binary.
//!
//! `cargo run --release -p scrm-gen --example gen_portfolio -- VENDORS SEED OUT_DIR [--force]`
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

use scrm_gen::fixtures::catalog_sized_questions;
use scrm_gen::{GenOptions, run_gen};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: gen_portfolio VENDORS SEED OUT_DIR [--force]");
        std::process::exit(2);
    }
    let parse = |s: &str, what: &str| -> u64 {
        s.replace('_', "").parse().unwrap_or_else(|_| {
            eprintln!("{what} must be a whole number, not {s:?}");
            std::process::exit(2)
        })
    };
    let opts = GenOptions {
        vendors: parse(&args[0], "VENDORS"),
        seed: parse(&args[1], "SEED"),
        ..GenOptions::default()
    };
    let out = PathBuf::from(&args[2]);
    let force = args.iter().any(|a| a == "--force");
    let questions = catalog_sized_questions();
    let t = Instant::now();
    match run_gen(&questions, &opts, &out, force) {
        Ok(run) => {
            let secs = t.elapsed().as_secs_f64();
            print!("{}", run.summary.to_text());
            if run.skipped {
                println!("skipped: {} already holds this portfolio", out.display());
            } else {
                let mb = run.summary.total_bytes() as f64 / 1e6;
                println!(
                    "wrote {mb:.1} MB in {secs:.3} s: {:.0} MB/s, {:.0} vendors/s",
                    mb / secs,
                    opts.vendors as f64 / secs
                );
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
