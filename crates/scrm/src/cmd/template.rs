//! `scrm template`: the questionnaire a supplier fills in.

use crate::cli::{TemplateArgs, TemplateFormat};
use crate::context;
use crate::output;
use anyhow::{Result, anyhow, bail};
use scrm_model::AiRole;

/// Runs `scrm template`.
pub fn run(a: &TemplateArgs) -> Result<u8> {
    let lang = context::lang(&a.lang)?;
    let catalog = context::catalog(a.catalog.as_deref())?;
    let role = a
        .role
        .as_deref()
        .map(|r| r.parse::<AiRole>())
        .transpose()
        .map_err(|e| anyhow!("{e}"))?;
    let q = catalog.questions();
    let bytes = match a.format {
        TemplateFormat::Xlsx => {
            if a.out.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                bail!("XLSX is binary: give --out FILE");
            }
            scrm_report::write_template_xlsx(q, lang, role, None, catalog.version())
        }
        TemplateFormat::Csv => scrm_report::write_template_csv(q, role, None),
        TemplateFormat::Json => scrm_report::write_template_json(q, role, None),
    }
    .map_err(|e| anyhow!("{e}"))?;
    output::write(a.out.as_deref(), &bytes)?;
    if let Some(out) = &a.out {
        output::note(&format!(
            "wrote {} ({} questions, catalog {})",
            out.display(),
            q.iter().filter(|x| x.applies_to(role)).count(),
            catalog.version()
        ));
    }
    Ok(0)
}
