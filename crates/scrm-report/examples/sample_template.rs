//! Writes sample questionnaire templates (blank and prefilled, English and Traditional Chinese)
//! from the crate's hand-made question bank, to open in a spreadsheet program and check.
//!
//! Usage: `cargo run -p scrm-report --example sample_template -- <out-dir>`.

#![allow(clippy::print_stderr)]

use scrm_model::Lang;
use scrm_report::{testutil, write_template_csv, write_template_json, write_template_xlsx};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: sample_template <out-dir>");
        return ExitCode::from(2);
    };
    let qs = testutil::sample_questions();
    let vendors = testutil::sample_vendors();
    let prefill = vendors.iter().find(|v| v.id().as_str() == "V002");
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for lang in Lang::ALL {
        for (kind, v) in [("blank", None), ("prefilled", prefill)] {
            match write_template_xlsx(&qs, lang, None, v, "2025.1") {
                Ok(b) => files.push((format!("template-{kind}.{lang}.xlsx"), b)),
                Err(e) => {
                    eprintln!("sample_template: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    match (
        write_template_csv(&qs, None, None),
        write_template_json(&qs, None, None),
    ) {
        (Ok(c), Ok(j)) => {
            files.push(("template.csv".into(), c));
            files.push(("template.json".into(), j));
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("sample_template: {e}");
            return ExitCode::FAILURE;
        }
    }
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("sample_template: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("sample_template: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
