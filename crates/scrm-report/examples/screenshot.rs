//! Takes a screenshot of an HTML report with headless Chromium.
//!
//! Usage: `cargo run -p scrm-report --example screenshot -- <page.html> <out.png> [WIDTHxHEIGHT]`
//! (default 1400x2000). This is how `docs/img/*.png` are made; see also the `sample_reports`
//! example, which writes sample pages to screenshot.

#![allow(clippy::print_stderr)]

use scrm_report::browser::Browser;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(html), Some(png)) = (args.first(), args.get(1)) else {
        eprintln!("usage: screenshot <page.html> <out.png> [WIDTHxHEIGHT]");
        return ExitCode::from(2);
    };
    let (w, h) = args
        .get(2)
        .and_then(|s| s.split_once('x'))
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .unwrap_or((1400, 2000));
    let Some(browser) = std::env::var_os("SCRM_CHROMIUM")
        .map(Browser::at)
        .or_else(Browser::locate)
    else {
        eprintln!("screenshot: no chromium found (run scripts/install-test-deps.sh)");
        return ExitCode::from(2);
    };
    match browser.screenshot(&PathBuf::from(html), &PathBuf::from(png), w, h) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("screenshot: {e}");
            ExitCode::FAILURE
        }
    }
}
