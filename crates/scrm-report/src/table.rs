//! The terminal table of `scrm score`: one line per vendor, worst first, a `why:` line under each
//! flagged vendor and a summary line, all within 100 display columns.
//!
//! Widths are display widths (CJK characters take two columns), supplier text is stripped of
//! control characters and bidi overrides so it cannot move the cursor or recolour the terminal,
//! and colour is used only when the caller asks for it.

use crate::cell::{fmt2, pad_left, pad_right, str_width, terminal_safe, truncate_width};
use scrm_model::{Lens, Severity, Status, VendorResult};
use std::cmp::Reverse;
use std::fmt::Write as _;

/// The widest a table line may be.
pub(crate) const MAX_WIDTH: usize = 100;
const SEP: &str = "  ";
const VENDOR_MAX: usize = 14;

/// Worst first: status (excluded, at-risk, conditional, eligible), then combined score ascending
/// (no score first), then vendor id.
pub(crate) fn worst_first(results: &[VendorResult]) -> Vec<&VendorResult> {
    let mut v: Vec<&VendorResult> = results.iter().collect();
    v.sort_by(|a, b| {
        Reverse(a.status)
            .cmp(&Reverse(b.status))
            .then_with(|| cmp_opt(a.combined_score, b.combined_score))
            .then_with(|| a.vendor_id.cmp(&b.vendor_id))
    });
    v
}

/// `None` sorts before any number; numbers by total order.
pub(crate) fn cmp_opt(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.total_cmp(&y),
    }
}

fn status_color(s: Status) -> &'static str {
    match s {
        Status::Eligible => "\x1b[32m",
        Status::Conditional => "\x1b[33m",
        Status::AtRisk => "\x1b[31m",
        Status::Excluded => "\x1b[1;31m",
    }
}

/// Renders the table. Output ends with a newline.
pub(crate) fn render_table(results: &[VendorResult], color: bool) -> String {
    let rows = worst_first(results);
    let headers = [
        "vendor", "name", "tier", "status", "combined", "AIRM", "AIMS", "C-SCRM", "coverage",
    ];
    // Fixed columns: tier, status and the numbers; vendor and name share what is left.
    let fixed = [8usize, 11, 8, 4, 4, 6, 8];
    let fixed_total: usize = fixed.iter().sum::<usize>() + SEP.len() * fixed.len();
    let ids: Vec<String> = rows
        .iter()
        .map(|r| terminal_safe(r.vendor_id.as_str()).into_owned())
        .collect();
    let names: Vec<String> = rows
        .iter()
        .map(|r| terminal_safe(r.profile.name.as_deref().unwrap_or("")).into_owned())
        .collect();
    let vendor_w = ids
        .iter()
        .map(|s| str_width(s))
        .max()
        .unwrap_or(0)
        .clamp(headers[0].len(), VENDOR_MAX);
    let name_room = MAX_WIDTH - fixed_total - vendor_w - SEP.len();
    let name_w = names
        .iter()
        .map(|s| str_width(s))
        .max()
        .unwrap_or(0)
        .clamp(headers[1].len(), name_room);
    let widths = [
        vendor_w, name_w, fixed[0], fixed[1], fixed[2], fixed[3], fixed[4], fixed[5], fixed[6],
    ];
    // Text columns align left, numbers right.
    let left = [true, true, true, true, false, false, false, false, false];

    let mut out = String::new();
    let header: Vec<String> = headers
        .iter()
        .zip(widths)
        .zip(left)
        .map(|((h, w), l)| if l { pad_right(h, w) } else { pad_left(h, w) })
        .collect();
    push_line(&mut out, &header.join(SEP));
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    push_line(&mut out, &rule.join(SEP));

    for ((r, id), name) in rows.iter().zip(&ids).zip(&names) {
        let lens = |l: Lens| fmt2(r.lenses.get(l as usize).and_then(|s| s.score));
        let cells = [
            truncate_width(id, vendor_w).into_owned(),
            truncate_width(name, name_w).into_owned(),
            r.tier.as_str().to_string(),
            r.status.as_str().to_string(),
            fmt2(r.combined_score),
            lens(Lens::Airm),
            lens(Lens::Aims),
            lens(Lens::Cscrm),
            fmt2(Some(r.coverage)),
        ];
        let mut parts: Vec<String> = Vec::with_capacity(cells.len());
        for (i, ((c, w), l)) in cells.iter().zip(widths).zip(left).enumerate() {
            let padded = if l { pad_right(c, w) } else { pad_left(c, w) };
            // Escapes go around the padded cell so widths stay right.
            if color && i == 3 {
                parts.push(format!("{}{padded}\x1b[0m", status_color(r.status)));
            } else {
                parts.push(padded);
            }
        }
        push_line(&mut out, &parts.join(SEP));
        if r.status != Status::Eligible {
            let why = why_line(r);
            if !why.is_empty() {
                push_line(
                    &mut out,
                    &truncate_width(&format!("  why: {why}"), MAX_WIDTH),
                );
            }
        }
    }
    let count = |s: Status| results.iter().filter(|r| r.status == s).count();
    let _ = writeln!(
        out,
        "{} vendor{}: {} eligible, {} conditional, {} at-risk, {} excluded",
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        count(Status::Eligible),
        count(Status::Conditional),
        count(Status::AtRisk),
        count(Status::Excluded),
    );
    out
}

/// Codes and short messages of the findings that affect status (warn and deny), worst first.
pub(crate) fn why_line(r: &VendorResult) -> String {
    let mut fs: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warn)
        .collect();
    fs.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)));
    fs.iter()
        .map(|f| format!("{} ({})", f.code, terminal_safe(&f.message())))
        .collect::<Vec<_>>()
        .join("; ")
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil;

    #[test]
    fn table_snapshot() {
        let out = render_table(&testutil::sample_results(), false);
        for line in out.lines() {
            assert!(str_width(line) <= MAX_WIDTH, "too wide: {line:?}");
        }
        insta::assert_snapshot!(out);
    }

    #[test]
    fn table_with_color_wraps_only_the_status_cell() {
        let out = render_table(&testutil::sample_results()[..1], true);
        insta::assert_snapshot!(out.replace('\x1b', "<ESC>"));
    }

    #[test]
    fn hostile_names_cannot_escape_the_terminal() {
        let out = render_table(&testutil::hostile_results(), false);
        assert!(!out.contains('\x1b'), "escape leaked: {out}");
        assert!(!out.contains('\u{202E}'), "bidi override leaked");
        for line in out.lines() {
            assert!(str_width(line) <= MAX_WIDTH, "too wide: {line:?}");
        }
        insta::assert_snapshot!(out);
    }

    #[test]
    fn long_cjk_names_are_truncated_by_display_width() {
        let mut rs = testutil::sample_results();
        rs[1].profile.name = Some("台灣智慧資料股份有限公司台灣智慧資料股份有限公司".into());
        let out = render_table(&rs, false);
        for line in out.lines() {
            assert!(str_width(line) <= MAX_WIDTH, "too wide: {line:?}");
        }
        let line = out
            .lines()
            .find(|l| l.starts_with("V002"))
            .unwrap_or_default();
        insta::assert_snapshot!(line);
    }
}
