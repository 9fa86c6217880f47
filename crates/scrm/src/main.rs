//! The `scrm` binary: a thin dispatcher. Parses flags, sets up logging and the thread pool,
//! runs one subcommand, and turns the outcome into an exit code (0 nothing flagged, 1 flagged
//! or problems found, 2 usage or input error). A closed stdout pipe ends quietly with 0.

mod cli;
mod cmd;
mod context;
mod demo_xlsx;
mod logging;
mod output;
mod panics;

use clap::{CommandFactory, Parser};
use cli::{Cli, Command};
use std::process::ExitCode;

/// Many small allocations per vendor on every thread: mimalloc's per-thread heaps serve them
/// faster than glibc's malloc (see `benches/README.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.global.verbose, cli.global.quiet);
    output::set_quiet(cli.global.quiet);
    panics::install();
    let ran = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli))) {
        Ok(ran) => ran,
        Err(payload) => {
            // A panic no one caught: printed by the hook, or held by it when it came from the
            // Parquet library (which the history store catches where it reads).
            if let Some(message) = panics::escaped(payload.as_ref()) {
                output::error(&format!(
                    "error: an internal error, please report it: {message}"
                ));
            }
            return ExitCode::from(101);
        }
    };
    match ran {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            output::error(&format!("error: {err:#}"));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Some(n) = cli.global.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()?;
    }
    match &cli.command {
        Command::Score(a) => cmd::score::run(a),
        Command::Validate(a) => cmd::validate::run(a),
        Command::Explain(a) => cmd::vendor::explain(a),
        Command::Plan(a) => cmd::vendor::plan(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Fill(a) => cmd::fill::run(a),
        Command::Template(a) => cmd::template::run(a),
        Command::Catalog(a) => cmd::catalog::run(a),
        Command::Policy(a) => cmd::policy::run(a),
        Command::Adapter(a) => cmd::adapter::run(a),
        Command::Diff(a) => cmd::diff::run(a),
        Command::History(a) => cmd::history::run(a),
        Command::Gen(a) => cmd::generate::run(a),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "scrm", &mut out);
            output::write(None, &out)?;
            Ok(0)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            output::write(None, &out)?;
            Ok(0)
        }
    }
}
