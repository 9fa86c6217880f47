//! Adds filled XLSX questionnaires to the demo portfolio: a few suppliers answer through the
//! template workbook (one in Traditional Chinese) instead of the long CSV, as real ones do.

use anyhow::{Context, Result, anyhow};
use scrm_catalog::Catalog;
use scrm_model::{Lang, VendorId};
use std::path::Path;

/// Vendors moved from `answers.csv` into filled workbooks, with the workbook language.
const MOVED: &[(&str, Lang)] = &[
    ("V-0004", Lang::ZhTw),
    ("V-0017", Lang::En),
    ("V-0031", Lang::En),
];

/// Writes `xlsx/<vendor>.xlsx` for the vendors in [`MOVED`] and removes their rows from
/// `answers.csv`, so every answer still appears exactly once in the demo. Returns how many
/// workbooks were written.
pub fn write(catalog: &Catalog, dir: &Path) -> Result<usize> {
    let answers = dir.join("answers.csv");
    let opts = scrm_ingest::IngestOptions::default();
    let ing = scrm_ingest::ingest(
        std::slice::from_ref(&answers),
        Some(&dir.join("vendors.csv")),
        None,
        catalog,
        &opts,
    )
    .map_err(|e| anyhow!("{e}"))?;
    std::fs::create_dir_all(dir.join("xlsx"))?;
    let mut moved = Vec::new();
    for (id, lang) in MOVED {
        let vid = VendorId::new(id).ok_or_else(|| anyhow!("blank id"))?;
        let Some(v) = ing.vendors.iter().find(|v| v.id() == &vid) else {
            continue;
        };
        let bytes = scrm_report::write_template_xlsx(
            catalog.questions(),
            *lang,
            v.profile.ai_role,
            Some(v),
            catalog.version(),
        )
        .map_err(|e| anyhow!("{e}"))?;
        std::fs::write(dir.join("xlsx").join(format!("{id}.xlsx")), bytes)?;
        moved.push(format!("{id},"));
    }
    let text = std::fs::read_to_string(&answers)
        .with_context(|| format!("reading {}", answers.display()))?;
    let kept: String = text
        .split_inclusive('\n')
        .filter(|l| !moved.iter().any(|m| l.starts_with(m.as_str())))
        .collect();
    std::fs::write(&answers, kept)?;
    Ok(moved.len())
}
