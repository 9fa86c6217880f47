//! Rendering ingestion results: the human `validate` report, JSON, and the rejects CSV.

use crate::text::escape_control;
use crate::{Ingested, ProblemSeverity, Reject};
use scrm_model::Lang;
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
    render_human_in(ing, Lang::En)
}

/// The fixed words of the report in one language.
struct Words {
    read: &'static str,
    accepted: &'static str,
    rejected: &'static str,
    severity: [&'static str; 2],
    detail: Option<&'static str>,
    value: &'static str,
    help: &'static str,
}

const EN: Words = Words {
    read: "read",
    accepted: "accepted",
    rejected: "rejected",
    severity: ["error", "warning"],
    detail: None,
    value: "value",
    help: "help",
};

const ZH_TW: Words = Words {
    read: "讀取",
    accepted: "接受",
    rejected: "拒絕",
    severity: ["錯誤", "警告"],
    detail: Some("詳細 (detail)"),
    value: "值",
    help: "提示 (help)",
};

/// [`render_human`] in a language. In Traditional Chinese each problem leads with what its code
/// means in Chinese ([`crate::ProblemCode::description_in`]), and the located message, which
/// quotes names and values, follows in English. Codes, locations and values are never
/// translated, so a code or a place greps alike in both reports; the severity word is
/// (`錯誤[invalid-answer]`).
pub fn render_human_in(ing: &Ingested, lang: Lang) -> String {
    let w = match lang {
        Lang::En => &EN,
        Lang::ZhTw => &ZH_TW,
    };
    let mut s = String::new();
    for f in &ing.files {
        let _ = writeln!(
            s,
            "{}: {} {} = {} {} + {} {}",
            escape_control(&f.path),
            w.read,
            f.rows_read,
            w.accepted,
            f.accepted,
            w.rejected,
            f.rejected
        );
    }
    for p in &ing.problems {
        let sev = w.severity[usize::from(p.severity == ProblemSeverity::Warning)];
        let lead = match w.detail {
            None => escape_control(&p.message),
            Some(_) => p.code.description_in(lang).to_string(),
        };
        let _ = writeln!(
            s,
            "\n{sev}[{}]: {lead}\n  --> {}",
            p.code,
            escape_control(&p.location.to_string())
        );
        if let Some(d) = w.detail {
            let _ = writeln!(s, "  = {d}: {}", escape_control(&p.message));
        }
        if let Some(v) = &p.value {
            let _ = writeln!(s, "  = {}: '{}'", w.value, escape_control(v));
        }
        if let Some(h) = &p.help {
            let _ = writeln!(s, "  = {}: {}", w.help, escape_control(h));
        }
    }
    let c = ing.counts();
    let (vendors, files, errors, warnings) = (
        c.vendors,
        ing.files.len() as u64,
        ing.error_count() as u64,
        ing.warning_count() as u64,
    );
    let _ = match lang {
        Lang::En => writeln!(
            s,
            "\n{}, {}: read {} = accepted {} + rejected {}; {}, {}",
            count(vendors, "vendor"),
            count(files, "file"),
            c.rows_read,
            c.accepted,
            c.rejected,
            count(errors, "error"),
            count(warnings, "warning")
        ),
        Lang::ZhTw => writeln!(
            s,
            "\n{vendors} 個供應商、{files} 個檔案：讀取 {} = 接受 {} + 拒絕 {}；{errors} 個錯誤、{warnings} 個警告",
            c.rows_read, c.accepted, c.rejected
        ),
    };
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
