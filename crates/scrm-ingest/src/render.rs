//! Rendering ingestion results: the human `validate` report, JSON, and the rejects CSV.

use crate::text::escape_control;
use crate::{Ingested, Reject};
use scrm_model::safe::neutralize_cell;
use std::fmt::Write as _;

/// Writes the rejects as CSV: `file,sheet,row,code,reason,original`, where `original` is the
/// rejected row's fields re-joined as one CSV line. Every cell that a spreadsheet would read as
/// a formula is prefixed with `'`.
pub fn write_rejects_csv<W: std::io::Write>(rejects: &[Reject], w: W) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["file", "sheet", "row", "code", "reason", "original"])?;
    for r in rejects {
        let mut line = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        // Inner fields keep their text (control characters escaped): the joined cell is what a
        // spreadsheet reads, and it is neutralized below as a whole.
        if !r.original.is_empty() {
            line.write_record(
                r.original
                    .iter()
                    .map(|f| scrm_model::safe::escape_controls(f, true).into_owned()),
            )?;
        }
        let bytes = line.into_inner().map_err(|e| e.into_error())?;
        let joined = String::from_utf8_lossy(&bytes);
        let joined = joined.strip_suffix('\n').unwrap_or(&joined);
        let row = r.location.row.map(|n| n.to_string()).unwrap_or_default();
        out.write_record([
            neutralize_cell(&escape_control(&r.location.file)).as_ref(),
            neutralize_cell(&escape_control(r.location.sheet.as_deref().unwrap_or(""))).as_ref(),
            &row,
            r.code.as_str(),
            neutralize_cell(&escape_control(&r.reason)).as_ref(),
            neutralize_cell(joined).as_ref(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// The `validate` report: one summary line per file, every problem with its location, value
/// and help, then the totals. Supplier text is shown with control characters escaped.
pub fn render_human(ing: &Ingested) -> String {
    let mut s = String::new();
    for f in &ing.files {
        let _ = writeln!(
            s,
            "{}: read {} = accepted {} + rejected {}",
            escape_control(&f.path),
            f.rows_read,
            f.accepted,
            f.rejected
        );
    }
    for p in &ing.problems {
        let _ = writeln!(
            s,
            "\n{}[{}]: {}\n  --> {}",
            p.severity.as_str(),
            p.code,
            escape_control(&p.message),
            escape_control(&p.location.to_string())
        );
        if let Some(v) = &p.value {
            let _ = writeln!(s, "  = value: '{}'", escape_control(v));
        }
        if let Some(h) = &p.help {
            let _ = writeln!(s, "  = help: {}", escape_control(h));
        }
    }
    let c = ing.counts();
    let _ = writeln!(
        s,
        "\n{}, {}: read {} = accepted {} + rejected {}; {}, {}",
        count(c.vendors, "vendor"),
        count(ing.files.len() as u64, "file"),
        c.rows_read,
        c.accepted,
        c.rejected,
        count(ing.error_count() as u64, "error"),
        count(ing.warning_count() as u64, "warning")
    );
    s
}

/// `1 vendor`, `2 vendors`.
fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The same report as JSON: `files`, `problems`, `rejects`, `counts`, `errors`, `warnings`.
pub fn render_json(ing: &Ingested) -> serde_json::Value {
    serde_json::json!({
        "files": ing.files,
        "problems": ing.problems,
        "rejects": ing.rejects,
        "counts": ing.counts(),
        "errors": ing.error_count(),
        "warnings": ing.warning_count(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, ProblemCode};

    #[test]
    fn formula_cells_are_neutralized() {
        let rejects = vec![Reject {
            location: Location {
                file: "=evil.csv".into(),
                sheet: Some("@sheet".into()),
                row: Some(2),
                column: Some("answer".into()),
            },
            code: ProblemCode::InvalidAnswer,
            reason: "-1 is not an answer".into(),
            original: vec![
                "=cmd|' /C calc'!A0".into(),
                "+1".into(),
                "x\u{1b}[2Jy".into(),
            ],
        }];
        let mut out = Vec::new();
        write_rejects_csv(&rejects, &mut out).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            String::from_utf8_lossy(&out),
            "file,sheet,row,code,reason,original\n'=evil.csv,'@sheet,2,invalid-answer,'-1 is not an answer,\"'=cmd|' /C calc'!A0,+1,x\\u{1b}[2Jy\"\n"
        );
    }
}
