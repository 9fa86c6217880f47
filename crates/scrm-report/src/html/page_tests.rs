//! Static tests of the HTML pages: snapshots of the page structure, escaping of hostile supplier
//! text, no network references, determinism and size at 10,000 suppliers. The browser tests in
//! `tests/browser.rs` load the same pages in headless Chromium.

use super::*;
use crate::testutil;
use scrm_model::{Lang, VendorResult};

pub(crate) fn portfolio(
    results: &[VendorResult],
    vendors: &[scrm_model::Vendor],
    lang: Lang,
) -> String {
    let qs = testutil::sample_questions();
    let m = testutil::sample_manifest();
    let th = testutil::sample_thresholds();
    // The rolled-up views of the sample suppliers, when the page is of them.
    let views = (!vendors.is_empty()).then(sample_views);
    render_portfolio_html(
        &PortfolioReport {
            results,
            manifest: &m,
            questions: &qs,
            gaps: &crate::GapMarker::new(&qs).tally(vendors),
            thresholds: &th,
            views: views.as_ref(),
        },
        lang,
    )
}

fn scorecard(id: &str, lang: Lang) -> String {
    let qs = testutil::sample_questions();
    let m = testutil::sample_manifest();
    let th = testutil::sample_thresholds();
    let results = testutil::sample_results();
    let vendors = testutil::sample_vendors();
    let plans = testutil::sample_plans();
    let r = results
        .iter()
        .find(|r| r.vendor_id.as_str() == id)
        .unwrap_or_else(|| unreachable!());
    let e = testutil::sample_explanation(id);
    let governance = e.as_ref().map(|e| scrm_score::governance_view(e, &qs));
    // The risk view is the engine's, of the sample supplier under the default policy.
    let engine = scrm_score::Engine::from_parts(
        qs.clone(),
        &[],
        &scrm_policy::Policy::builtin(None).unwrap_or_else(|e| panic!("{e}")),
        m.as_of,
        "sample",
    );
    let risks = vendors
        .iter()
        .find(|v| v.id().as_str() == id)
        .map(|v| engine.risk_view(v));
    render_scorecard_html(
        &ScorecardReport {
            result: r,
            manifest: &m,
            questions: &qs,
            vendor: vendors.iter().find(|v| v.id().as_str() == id),
            thresholds: &th,
            plan: plans.iter().find(|p| p.vendor_id.as_str() == id),
            explanation: e.as_ref(),
            governance: governance.as_ref(),
            risks: risks.as_ref(),
            max_evidence_age_days: Some(730),
        },
        lang,
    )
}

/// The page's `<main>` with each `<svg>…</svg>` replaced by its class and element counts, one
/// tag per line: the readable structure to snapshot.
fn normalized_main(html: &str) -> String {
    let start = html.find("<main>").unwrap_or(0);
    let end = html.find("</main>").map_or(html.len(), |i| i + 7);
    let mut main = html[start..end].to_string();
    while let Some(i) = main.find("<svg") {
        let j = main[i..].find("</svg>").map_or(main.len(), |k| i + k + 6);
        let svg = &main[i..j];
        let class = svg
            .split("class=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("");
        let mut counts: Vec<String> = Vec::new();
        for el in ["circle", "rect", "line", "text"] {
            let n = svg.matches(&format!("<{el} ")).count();
            if n > 0 {
                counts.push(format!("{el}={n}"));
            }
        }
        let placeholder = format!("[svg {class}: {}]", counts.join(" "));
        main.replace_range(i..j, &placeholder);
    }
    main.replace("><", ">\n<")
}

/// Every tag outside script and style must be one we write, with no event-handler attribute and
/// no link other than a `#` anchor; script elements are only ours.
fn assert_only_our_markup(html: &str) {
    const TAGS: &[&str] = &[
        "!doctype", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
        "div", "main", "section", "span", "table", "thead", "tbody", "tr", "th", "td", "p", "dl",
        "dt", "dd", "svg", "g", "rect", "line", "circle", "text", "select", "option", "input",
        "button", "noscript", "script", "ul", "li", "b", "i", "footer",
    ];
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let mut scripts = 0;
    while let Some(k) = lower[i..].find('<') {
        let at = i + k;
        let rest = &lower[at + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '/')
            .collect();
        let end = rest.find('>').map_or(lower.len(), |e| at + 1 + e);
        let tag = &lower[at..end];
        let bare = name.trim_start_matches('/');
        assert!(TAGS.contains(&bare), "unexpected tag <{name}> in {tag:?}");
        if !name.starts_with('/') {
            for attr in tag.split_whitespace().skip(1) {
                let attr_name = attr.split('=').next().unwrap_or("");
                assert!(!attr_name.starts_with("on"), "event handler in {tag:?}");
                if attr_name == "href" {
                    assert!(attr.starts_with("href=\"#"), "link in {tag:?}");
                }
                assert!(attr_name != "src", "src in {tag:?}");
            }
        }
        if name == "script" {
            scripts += 1;
            // Skip the script body: it is ours (JSON data or the table code).
            let close = lower[end..]
                .find("</script>")
                .map_or(lower.len(), |c| end + c);
            i = close;
            continue;
        }
        if name == "style" {
            let close = lower[end..]
                .find("</style>")
                .map_or(lower.len(), |c| end + c);
            i = close;
            continue;
        }
        i = end;
    }
    assert!(scripts <= 2, "{scripts} script elements");
}

#[test]
fn portfolio_snapshots() {
    let results = testutil::sample_results();
    let vendors = testutil::sample_vendors();
    for lang in Lang::ALL {
        let html = portfolio(&results, &vendors, lang);
        assert_only_our_markup(&html);
        insta::assert_snapshot!(format!("portfolio_{lang}"), normalized_main(&html));
    }
}

#[test]
fn scorecard_snapshots() {
    for (id, lang) in [
        ("V003", Lang::En),
        ("V003", Lang::ZhTw),
        ("V004", Lang::En),
        ("V005", Lang::En),
        ("V002", Lang::En),
    ] {
        let html = scorecard(id, lang);
        assert_only_our_markup(&html);
        insta::assert_snapshot!(format!("scorecard_{id}_{lang}"), normalized_main(&html));
    }
}

#[test]
fn whole_page_shell_snapshot() {
    // The head (CSP, charset) and the end of the page, without the long middle.
    let html = portfolio(
        &testutil::sample_results(),
        &testutil::sample_vendors(),
        Lang::En,
    );
    let head_end = html.find("<main>").unwrap_or(0);
    insta::assert_snapshot!(html[..head_end].replace(CSS, "[CSS]"));
}

#[test]
fn pages_reference_nothing_remote() {
    let results = testutil::sample_results();
    let html = portfolio(&results, &testutil::sample_vendors(), Lang::En);
    for page in [html, scorecard("V003", Lang::En)] {
        assert!(page.contains(&format!(
            "http-equiv=\"Content-Security-Policy\" content=\"{CSP}\""
        )));
        assert_eq!(
            crate::browser::remote_resource_refs(&page),
            Vec::<String>::new()
        );
        // Not even the SVG namespace: inline SVG in HTML needs none.
        assert!(
            !page.contains("http://") && !page.contains("https://"),
            "URL in page"
        );
    }
}

#[test]
fn hostile_supplier_text_is_inert() {
    let mut results = testutil::sample_results();
    results.extend(testutil::hostile_results());
    let mut vendors = testutil::sample_vendors();
    vendors.extend(testutil::hostile_vendors());
    for lang in Lang::ALL {
        let html = portfolio(&results, &vendors, lang);
        assert_only_our_markup(&html);
        assert_shown_not_obeyed(&html);
        // The page's script shows the name from its JSON data, where the escape's backslash is
        // itself escaped.
        assert!(html.contains("\\\\u{1b}[31mred\\\\u{202e}evil Corp"));
        assert!(!html.contains("<img"), "raw <img> from a name");
        assert!(!html.contains("onmouseover=\"alert"), "attribute breakout");
        assert_eq!(
            html.matches("<script").count(),
            2,
            "only our two script elements"
        );
        // The JSON block keeps the names, escaped so they cannot close the element.
        let data_start = html.find("id=\"scrm-data\">").unwrap_or(0);
        let data_end = html[data_start..]
            .find("</script>")
            .map_or(0, |e| data_start + e);
        let data = &html[data_start + 15..data_end];
        assert!(
            data.contains("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e Corp")
        );
        assert!(!data.contains('<'));
        let parsed: serde_json::Value = serde_json::from_str(data).unwrap_or_default();
        let names: Vec<&str> = parsed["rows"]
            .as_array()
            .map(|rows| rows.iter().filter_map(|r| r[1].as_str()).collect())
            .unwrap_or_default();
        assert!(names.contains(&"</script><img src=x onerror=alert(1)> Corp"));
    }
    // The scorecard of a hostile supplier.
    let qs = testutil::sample_questions();
    let m = testutil::sample_manifest();
    let hr = testutil::hostile_results();
    let hv = testutil::hostile_vendors();
    for (r, v) in hr.iter().zip(&hv) {
        let html = render_scorecard_html(
            &ScorecardReport {
                result: r,
                manifest: &m,
                questions: &qs,
                vendor: Some(v),
                thresholds: &[],
                plan: None,
                explanation: None,
                governance: None,
                risks: None,
                max_evidence_age_days: None,
            },
            Lang::En,
        );
        assert_only_our_markup(&html);
        assert_shown_not_obeyed(&html);
        assert!(!html.contains("<img") && !html.contains("<script"));
    }
}

/// No character that reorders or hides text reaches the page (a right-to-left override in a
/// name would flip the page's own text around it): each is shown as its escape, in the markup
/// and in the data the page's script shows.
fn assert_shown_not_obeyed(html: &str) {
    let raw: Vec<char> = html
        .chars()
        .filter(|&c| scrm_model::safe::is_unsafe_char(c) && !matches!(c, '\n' | '\t' | '\r'))
        .collect();
    assert_eq!(raw, Vec::<char>::new());
}

#[test]
fn pages_are_deterministic_but_for_generated_at() {
    let results = testutil::sample_results();
    let vendors = testutil::sample_vendors();
    let a = portfolio(&results, &vendors, Lang::En);
    let b = portfolio(&results, &vendors, Lang::En);
    assert_eq!(a, b);
    let qs = testutil::sample_questions();
    let mut m = testutil::sample_manifest();
    m.generated_at = "2030-01-01T00:00:00Z".into();
    let c = render_portfolio_html(
        &PortfolioReport {
            results: &results,
            manifest: &m,
            questions: &qs,
            gaps: &crate::GapMarker::new(&qs).tally(&vendors),
            thresholds: &testutil::sample_thresholds(),
            views: Some(&sample_views()),
        },
        Lang::En,
    );
    assert_eq!(
        a.replace("2025-06-30T09:00:00Z", "X"),
        c.replace("2030-01-01T00:00:00Z", "X")
    );
}

#[test]
fn large_portfolio_stays_small_and_summarised() {
    let results = testutil::synthetic_results(10_000);
    let html = portfolio(&results, &[], Lang::En);
    assert!(html.len() < 4_000_000, "page is {} bytes", html.len());
    // Scatter is binned, heatmap shows 40 suppliers plus the tier averages.
    assert!(html.contains("<svg class=\"chart scatter\""));
    assert!(!html.contains("class=\"pt "), "10,000 dots drawn");
    assert!(html.contains("<g class=\"bins\">"));
    let heat_start = html.find("<svg class=\"chart heatmap\"").unwrap_or(0);
    let heat_end = html[heat_start..]
        .find("</svg>")
        .map_or(0, |e| heat_start + e);
    let heat = &html[heat_start..heat_end];
    assert_eq!(
        heat.matches("class=\"cell\"").count(),
        (HEATMAP_MAX_ROWS + 4) * crate::GROUP_COLUMNS.len()
    );
    assert!(html.contains(&format!("{HEATMAP_MAX_ROWS} / 10000")));
    assert!(html.contains("id=\"supplier-count\">10000<"));
}

#[test]
fn empty_portfolio_renders_a_complete_page() {
    let html = portfolio(&[], &[], Lang::En);
    assert_only_our_markup(&html);
    assert!(html.contains("id=\"supplier-count\">0<"));
    assert!(html.contains("\"rows\":[]"));
    assert!(html.ends_with("</html>\n"));
}

/// Both views of the sample suppliers rolled up, as the engine computes them under the default
/// policy over the sample questions.
fn sample_views() -> scrm_model::PortfolioViews {
    let qs = testutil::sample_questions();
    let policy = scrm_policy::Policy::builtin(None).unwrap_or_else(|e| panic!("{e}"));
    let as_of = testutil::sample_manifest().as_of;
    let engine = scrm_score::Engine::from_parts(qs.clone(), &[], &policy, as_of, "sample");
    scrm_score::portfolio_views(&engine, &qs, &testutil::sample_vendors(), &[])
}
