//! Self-contained HTML reports: the portfolio page and the per-supplier scorecard.
//!
//! Each page is one file that works offline: CSS, script and charts (SVG generated here) are
//! inline, and a Content-Security-Policy meta tag forbids every network request
//! (`default-src 'none'`). There is no `src` or `href` pointing anywhere but `#` anchors.
//!
//! Supplier text is untrusted: it only ever appears HTML-escaped in text nodes and quoted
//! attribute values of our own choosing (`title`, `data-*`), never in `href`, `src`, `style` or
//! `on*` attributes, and in the page's JSON data block with `<`, `>`, `&`, U+2028 and U+2029
//! escaped so it cannot close the `<script>` element. The interactive table renders that data
//! with `textContent`, never `innerHTML`.

mod chart;
mod fill;
#[cfg(test)]
mod page_tests;
mod portfolio;
mod scorecard;

pub use fill::{
    FIELD_ANSWER, FIELD_COMMENT, FIELD_DATE, FIELD_EVIDENCE, FIELD_EXTRA, FIELD_PROFILE, FillNote,
    FillPage, UPLOAD_EXTENSIONS, render_fill_page,
};
pub use portfolio::{HEATMAP_MAX_ROWS, PortfolioReport, SCATTER_MAX_POINTS, render_portfolio_html};
pub use scorecard::{ScorecardReport, render_scorecard_html};

use crate::cell::fmt2;
use crate::i18n::{L, l};
use scrm_model::{Lang, RunManifest, Status, Tier};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;

/// The minimums a tier must meet, as the policy sets them; drawn as threshold lines and markers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TierThresholds {
    /// The tier.
    pub tier: Tier,
    /// Minimum combined score (0-5).
    pub combined: f64,
    /// Minimum AI RMF score (0-5).
    pub airm: f64,
    /// Minimum ISO/IEC 42001 score (0-5).
    pub aims: f64,
    /// Minimum coverage (0-1).
    pub coverage: f64,
}

/// The Content-Security-Policy of every page: nothing may be fetched.
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/// Escapes text for HTML text nodes and quoted attribute values. Control characters other than
/// tab and line breaks, and the bidirectional controls and line separators that reorder or break
/// what a reader sees, are written as visible `\u{202e}`-style escapes, as in every output.
pub fn escape_html(s: &str) -> Cow<'_, str> {
    escape_markup(s, bad_control, scrm_model::safe::push_escape)
}

/// Escapes the value of an editable form field (an input's `value`, a text area, an option's
/// value): markup as [`escape_html`] does, but bidirectional controls and line separators kept,
/// so the next submit sends back the value as typed (inside its own field such a mark reorders
/// that field's text only). Control characters, which HTML cannot carry, become U+FFFD.
pub fn escape_html_value(s: &str) -> Cow<'_, str> {
    let control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    escape_markup(s, control, |out, _| out.push('\u{FFFD}'))
}

/// The markup characters as entities, and each character `odd` says as `put` writes it.
fn escape_markup(
    s: &str,
    odd: impl Fn(char) -> bool,
    put: impl Fn(&mut String, char),
) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'') || odd(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if odd(c) => put(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn bad_control(c: char) -> bool {
    scrm_model::safe::is_unsafe_char(c) && !matches!(c, '\t' | '\n' | '\r')
}

/// Serializes a value as JSON that is safe inside `<script type="application/json">`: `<`, `>`
/// and `&` become `\u003c`, `\u003e`, `\u0026` (so no `</script>` or `<!--` can appear). These
/// characters only occur inside JSON strings, where the escapes mean the same thing.
///
/// The page's script shows these strings as text, so the characters [`escape_html`] makes
/// visible are made visible here too: control characters (other than tab and line breaks), the
/// bidirectional controls and the line separators become the text `\u{202e}`, not the character.
pub fn json_for_script<T: Serialize>(value: &T) -> String {
    let raw = serde_json::to_string(value).unwrap_or_else(|_| "null".to_string());
    let mut out = String::with_capacity(raw.len() + 64);
    // A character shown as its visible escape, its backslash written `\\` in JSON.
    let visible = |out: &mut String, c: char| {
        out.push('\\');
        scrm_model::safe::push_escape(out, c);
    };
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            // An escape serde_json wrote: a control character it escaped stays escaped, but as
            // visible text; every other escape (`\\`, `\"`, `\n`, `\t`, `\r`, ...) is copied.
            '\\' => match chars.next() {
                Some('b') => visible(&mut out, '\u{8}'),
                Some('f') => visible(&mut out, '\u{c}'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(c) if bad_control(c) => visible(&mut out, c),
                        _ => {
                            out.push_str("\\u");
                            out.push_str(&hex);
                        }
                    }
                }
                Some(e) => {
                    out.push('\\');
                    out.push(e);
                }
                None => out.push('\\'),
            },
            c if bad_control(c) => visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Colour of a status (badges, dots, bars).
pub(crate) fn status_color(s: Status) -> &'static str {
    match s {
        Status::Eligible => "#1a7f37",
        Status::Conditional => "#c38b00",
        Status::AtRisk => "#d9480f",
        Status::Excluded => "#7f1d1d",
    }
}

/// Colour of a 0-5 score on a red-amber-green ramp (grey for none).
pub(crate) fn score_color(s: Option<f64>) -> String {
    let Some(s) = s else {
        return "#e5e7eb".to_string();
    };
    let s = s.clamp(0.0, 5.0);
    let (a, b, t) = if s < 2.5 {
        ((0xc0, 0x39, 0x2b), (0xf0, 0xb4, 0x29), s / 2.5)
    } else {
        ((0xf0, 0xb4, 0x29), (0x2e, 0x9e, 0x5b), (s - 2.5) / 2.5)
    };
    let mix = |x: i32, y: i32| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as i32;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// A status badge.
pub(crate) fn badge(s: Status, lang: Lang) -> String {
    format!(
        "<span class=\"badge st-{}\">{}</span>",
        s.as_str(),
        escape_html(s.label(lang))
    )
}

const CSS: &str = r#"
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f6f7f9;--card:#fff;--accent:#1f3a5f}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK TC","PingFang TC","Microsoft JhengHei",sans-serif;color:var(--ink);background:var(--bg)}
header.top{background:var(--accent);color:#fff;padding:18px 28px}
header.top h1{margin:0;font-size:22px;font-weight:600}
header.top .sub{opacity:.85;margin-top:4px}
main{padding:18px 28px;max-width:1360px;margin:0 auto}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:0 0 16px}
section h2{margin:0 0 4px;font-size:17px}
.note{color:var(--muted);font-size:12.5px;margin:2px 0 10px}
.grid{display:grid;gap:16px}
.g2{grid-template-columns:repeat(auto-fit,minmax(520px,1fr))}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:130px;background:#fff}
.card .n{font-size:26px;font-weight:650}
.card .k{color:var(--muted);font-size:12.5px}
.card.st-eligible{border-left:5px solid #1a7f37}.card.st-conditional{border-left:5px solid #c38b00}
.card.st-at-risk{border-left:5px solid #d9480f}.card.st-excluded{border-left:5px solid #7f1d1d}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f3f4f6;font-weight:600;font-size:12.5px;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;white-space:nowrap}
.st-eligible.badge,td.st-eligible span{background:#1a7f37}.st-conditional.badge,td.st-conditional span{background:#c38b00}
.st-at-risk.badge,td.st-at-risk span{background:#d9480f}.st-excluded.badge,td.st-excluded span{background:#7f1d1d}
td.st span{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;white-space:nowrap}
.sev-deny{color:#b42318;font-weight:600}.sev-warn{color:#9a6700;font-weight:600}.sev-info{color:var(--muted)}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:6px 0 10px}
.controls input,.controls select,.controls button{font:inherit;padding:4px 8px;border:1px solid #cbd5e1;border-radius:6px;background:#fff}
.controls input{min-width:260px}
th.sortable{cursor:pointer;user-select:none}
th.sortable[aria-sort=ascending]::after{content:" \25B2";font-size:10px}
th.sortable[aria-sort=descending]::after{content:" \25BC";font-size:10px}
.findings-cell{max-width:360px;color:#374151;font-size:12.5px;word-break:break-word}
svg{display:block;max-width:100%;height:auto}
svg text{font-family:inherit;fill:#374151}
.legend{display:flex;flex-wrap:wrap;gap:12px;font-size:12.5px;color:var(--muted);margin-top:6px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:-1px}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;word-break:break-all}
.bar{display:inline-block;height:8px;background:#d9480f;border-radius:4px;vertical-align:middle;margin-right:6px}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
td.mono,td.fail,td.num{white-space:nowrap}
.scorecards .card{min-width:170px}
.scorecards .card .lvl{font-size:12px;color:var(--muted)}
.pass{color:#1a7f37}.fail{color:#b42318;font-weight:600}
footer{color:var(--muted);font-size:12px;padding:0 28px 24px;max-width:1360px;margin:0 auto}
@media print{body{background:#fff}section{break-inside:avoid}}
"#;

/// The page shell around a body. `title` is plain text (escaped here); `subtitle`, `body` and
/// `script` are HTML built by the page modules, which escape every piece of supplier text.
pub(crate) fn page(lang: Lang, title: &str, subtitle: &str, body: &str, script: &str) -> String {
    page_styled(
        lang,
        title,
        subtitle,
        body,
        script,
        &Shell {
            css: "",
            referrer: "no-referrer",
            csp: CSP,
        },
    )
}

/// What a page sets apart from the shared shell: rules added to the style sheet, the referrer
/// policy and the Content-Security-Policy.
pub(crate) struct Shell<'a> {
    /// Rules added to the shared style sheet.
    pub css: &'a str,
    /// The referrer policy.
    pub referrer: &'a str,
    /// The Content-Security-Policy.
    pub csp: &'a str,
}

/// [`page`] with rules added to the shared style sheet, and a referrer policy and a
/// Content-Security-Policy of its own: the `scrm fill` page's. It posts its form to itself, and a browser sends `Origin: null` with a
/// post from a `no-referrer` page, which the server could not tell from another site's.
pub(crate) fn page_styled(
    lang: Lang,
    title: &str,
    subtitle: &str,
    body: &str,
    script: &str,
    shell: &Shell<'_>,
) -> String {
    let Shell { css, referrer, csp } = *shell;
    let mut out = String::with_capacity(body.len() + CSS.len() + css.len() + script.len() + 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
<meta name=\"referrer\" content=\"{referrer}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"scrm\">\n\
<title>{}</title>\n<style>{CSS}{css}</style>\n</head>\n<body>\n\
<header class=\"top\"><h1>{}</h1><div class=\"sub\">{}</div></header>\n<main>\n",
        lang.tag(),
        escape_html(title),
        escape_html(title),
        subtitle,
    );
    out.push_str(body);
    out.push_str("</main>\n");
    if !script.is_empty() {
        out.push_str(script);
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The run manifest as a section.
pub(crate) fn manifest_section(m: &RunManifest, t: &L) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<section id=\"manifest\"><h2>{}</h2><dl class=\"kv\">",
        t.h_manifest
    );
    let rows: [(&str, &str); 6] = [
        ("tool_version", &m.tool_version),
        ("catalog_version", &m.catalog_version),
        ("catalog_hash", &m.catalog_hash),
        ("policy_name", &m.policy_name),
        ("policy_hash", &m.policy_hash),
        ("generated_at", &m.generated_at),
    ];
    for (k, v) in rows {
        let _ = write!(s, "<dt>{k}</dt><dd class=\"mono\">{}</dd>", escape_html(v));
    }
    let _ = write!(
        s,
        "<dt>as_of</dt><dd class=\"mono\">{}</dd><dt>counts</dt><dd class=\"mono\">vendors {} · rows_read {} · accepted {} · rejected {}</dd></dl>",
        m.as_of, m.counts.vendors, m.counts.rows_read, m.counts.accepted, m.counts.rejected
    );
    if !m.inputs.is_empty() {
        let _ = write!(
            s,
            "<h3 style=\"font-size:14px;margin:14px 0 6px\">{}</h3><table><thead><tr><th>path</th><th>kind</th><th>digest</th><th class=\"num\">rows_read</th><th class=\"num\">accepted</th><th class=\"num\">rejected</th></tr></thead><tbody>",
            t.h_inputs
        );
        for f in &m.inputs {
            let _ = write!(
                s,
                "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape_html(&f.path),
                escape_html(&f.kind),
                escape_html(&f.digest()),
                f.rows_read,
                f.accepted,
                f.rejected
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</section>\n");
    s
}

/// A 0-5 score for people: two decimals, `–` for none.
pub(crate) fn score_text(s: Option<f64>) -> String {
    fmt2(s)
}

/// The labels of a language (re-exported for the page modules).
pub(crate) fn labels(lang: Lang) -> &'static L {
    l(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape_html("<script>\"a\" & 'b'</script>\u{0}"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;\\u{0}"
        );
        assert!(matches!(escape_html("plain 台積電"), Cow::Borrowed(_)));
    }

    #[test]
    fn reordering_and_control_characters_are_shown_not_obeyed() {
        assert_eq!(
            escape_html("Acme \u{202e}proC\u{1b}[2J\u{2028}\tok\n"),
            "Acme \\u{202e}proC\\u{1b}[2J\\u{2028}\tok\n"
        );
    }

    #[test]
    fn script_json_cannot_close_the_element() {
        let v = serde_json::json!({"name": "</script><!-- & \u{2028}\u{2029}"});
        let s = json_for_script(&v);
        assert_eq!(
            s,
            r#"{"name":"\u003c/script\u003e\u003c!-- \u0026 \\u{2028}\\u{2029}"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap_or_default();
        assert_eq!(back["name"], "</script><!-- & \\u{2028}\\u{2029}");
    }

    #[test]
    fn script_json_shows_control_characters_as_text() {
        let v = serde_json::json!({
            "name": "a\u{202e}b\u{1b}c\u{8}\u{c}\u{7f}\u{85}",
            "kept": "tab\tline\nquote\" back\\ \\u001b é"
        });
        let s = json_for_script(&v);
        let back: serde_json::Value = serde_json::from_str(&s).unwrap_or_default();
        assert_eq!(
            back["name"],
            "a\\u{202e}b\\u{1b}c\\u{8}\\u{c}\\u{7f}\\u{85}"
        );
        assert_eq!(back["kept"], v["kept"]);
    }

    #[test]
    fn score_colors_ramp() {
        assert_eq!(score_color(Some(0.0)), "#c0392b");
        assert_eq!(score_color(Some(2.5)), "#f0b429");
        assert_eq!(score_color(Some(5.0)), "#2e9e5b");
        assert_eq!(score_color(None), "#e5e7eb");
    }
}
