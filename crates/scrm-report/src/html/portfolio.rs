//! The portfolio page: counts, the AI RMF × ISO/IEC 42001 scatter, the combined-score histogram,
//! the heatmap, the most common gaps, the supplier table and the run manifest.
//!
//! Large portfolios: the scatter draws every supplier as a dot up to [`SCATTER_MAX_POINTS`] and
//! bins them above that; the heatmap shows at most [`HEATMAP_MAX_ROWS`] suppliers, the flagged
//! and lowest-scoring first (status worst first, then combined score ascending), with a note
//! saying how many are left out, and always adds one average row per tier over *all* suppliers
//! so nothing is hidden from the overview. The supplier table holds every supplier: its data is
//! a JSON block rendered 50 rows per page by inline script, with filters by status, tier and
//! text, and sorting by any column, which stays responsive at 10,000 suppliers.

use super::chart::{self, HeatRow, Point};
use super::scorecard::share_bar;
use super::{TierThresholds, badge, escape_html, json_for_script, labels, manifest_section, page};
use crate::cell::{fmt2, round4, truncate_width};
use crate::flat::{FlatRow, GROUP_COLUMNS};
use crate::gaps::GapTally;
use crate::table::worst_first;
use scrm_model::{Lang, Lens, PortfolioViews, Question, RunManifest, Status, Tier, VendorResult};
use serde::Serialize;
use std::fmt::Write as _;

/// Above this many suppliers with both AI scores, the scatter bins points instead of drawing dots.
pub const SCATTER_MAX_POINTS: usize = 2000;
/// The heatmap shows at most this many suppliers (flagged and lowest first).
pub const HEATMAP_MAX_ROWS: usize = 40;
/// The gaps table lists at most this many questions.
const GAPS_MAX: usize = 15;

/// Everything the portfolio page shows.
#[derive(Debug, Clone, Copy)]
pub struct PortfolioReport<'a> {
    /// One result per supplier.
    pub results: &'a [VendorResult],
    /// The run's manifest.
    pub manifest: &'a RunManifest,
    /// The question bank (for gap texts).
    pub questions: &'a [Question],
    /// How often each question of `questions` is a gap ([`crate::GapMarker`]); an empty tally
    /// when the suppliers' answers were not counted.
    pub gaps: &'a GapTally,
    /// Per-tier minimums (threshold lines and exclusion zone); may be empty.
    pub thresholds: &'a [TierThresholds],
    /// Both supplier views rolled up over the portfolio, when computed.
    pub views: Option<&'a PortfolioViews>,
}

#[derive(Serialize)]
struct TableMeta {
    tiers: Vec<&'static str>,
    statuses: Vec<&'static str>,
    status_keys: Vec<&'static str>,
    page: &'static str,
}

/// One table row: id, name, tier index, status index, combined, airm, aims, cscrm, coverage,
/// findings.
#[derive(Serialize)]
struct TableRow<'a>(
    &'a str,
    Option<&'a str>,
    usize,
    usize,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    f64,
    String,
);

#[derive(Serialize)]
struct TableData<'a> {
    meta: TableMeta,
    rows: Vec<TableRow<'a>>,
}

/// Renders the portfolio page (one self-contained HTML document).
pub fn render_portfolio_html(input: &PortfolioReport<'_>, lang: Lang) -> String {
    let t = labels(lang);
    let results = input.results;
    let m = input.manifest;
    let mut body = String::new();

    // Counts.
    let count = |s: Status| results.iter().filter(|r| r.status == s).count();
    let _ = write!(
        body,
        "<section id=\"counts\"><h2>{}</h2><div class=\"cards\"><div class=\"card\"><div class=\"n\" id=\"supplier-count\">{}</div><div class=\"k\">{}</div></div>",
        t.h_by_status,
        results.len(),
        t.h_suppliers
    );
    for s in Status::ALL.iter().rev() {
        let _ = write!(
            body,
            "<div class=\"card st-{}\" data-status=\"{}\"><div class=\"n\">{}</div><div class=\"k\">{}</div></div>",
            s.as_str(),
            s.as_str(),
            count(*s),
            escape_html(s.label(lang))
        );
    }
    body.push_str("</div>");
    let _ = write!(
        body,
        "<h3 style=\"font-size:14px;margin:14px 0 6px\">{}</h3><table id=\"tier-counts\" style=\"max-width:760px\"><thead><tr><th>{}</th><th class=\"num\">{}</th>",
        t.h_by_tier, t.h_tier, t.h_all
    );
    for s in Status::ALL.iter().rev() {
        let _ = write!(body, "<th class=\"num\">{}</th>", badge(*s, lang));
    }
    body.push_str("</tr></thead><tbody>");
    for tier in Tier::ALL.iter().rev() {
        let in_tier: Vec<&VendorResult> = results.iter().filter(|r| r.tier == *tier).collect();
        let _ = write!(
            body,
            "<tr data-tier=\"{}\"><td>T{} {}</td><td class=\"num\">{}</td>",
            tier.as_str(),
            tier.index(),
            escape_html(tier.label(lang)),
            in_tier.len()
        );
        for s in Status::ALL.iter().rev() {
            let _ = write!(
                body,
                "<td class=\"num\">{}</td>",
                in_tier.iter().filter(|r| r.status == *s).count()
            );
        }
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table></section>\n");

    // Scatter and histogram side by side.
    let tiers_present: Vec<Tier> = Tier::ALL
        .into_iter()
        .filter(|tier| results.iter().any(|r| r.tier == *tier))
        .collect();
    let mut thresholds: Vec<TierThresholds> = input
        .thresholds
        .iter()
        .filter(|th| tiers_present.contains(&th.tier))
        .copied()
        .collect();
    thresholds.sort_by_key(|a| a.tier);
    let points: Vec<Point> = results
        .iter()
        .filter_map(|r| {
            let x = r.lens(Lens::Airm).score?;
            let y = r.lens(Lens::Aims).score?;
            Some(Point {
                x,
                y,
                status: r.status,
                title: format!(
                    "{} {} — {} {:.2} · {} {:.2} · {}",
                    r.vendor_id,
                    r.profile.name.as_deref().unwrap_or(""),
                    Lens::Airm.label(lang),
                    x,
                    Lens::Aims.label(lang),
                    y,
                    r.status.label(lang)
                ),
            })
        })
        .collect();
    let missing = results.len() - points.len();
    let _ = write!(
        body,
        "<div class=\"grid g2\"><section id=\"scatter\"><h2>{}</h2><p class=\"note\">{}</p>{}",
        t.h_scatter,
        t.h_scatter_note,
        chart::scatter(
            &points,
            &thresholds,
            Lens::Airm.label(lang),
            Lens::Aims.label(lang),
            SCATTER_MAX_POINTS
        )
    );
    body.push_str("<div class=\"legend\">");
    for s in Status::ALL.iter().rev() {
        let _ = write!(
            body,
            "<span><i style=\"background:{}\"></i>{}</span>",
            super::status_color(*s),
            escape_html(s.label(lang))
        );
    }
    body.push_str("</div>");
    if points.len() > SCATTER_MAX_POINTS {
        let _ = write!(body, "<p class=\"note\">{}</p>", t.h_scatter_dense);
    }
    if missing > 0 {
        let _ = write!(
            body,
            "<p class=\"note\">{}: {missing}</p>",
            t.h_scatter_missing
        );
    }
    body.push_str("</section>");
    let combined: Vec<(f64, Status)> = results
        .iter()
        .filter_map(|r| r.combined_score.map(|c| (c, r.status)))
        .collect();
    let _ = writeln!(
        body,
        "<section id=\"histogram\"><h2>{}</h2><p class=\"note\">{}</p>{}</section></div>",
        t.h_histogram,
        t.h_histogram_note,
        chart::histogram(&combined, t.h_combined)
    );

    // Heatmap.
    let ordered = worst_first(results);
    let shown = &ordered[..ordered.len().min(HEATMAP_MAX_ROWS)];
    let columns: Vec<&str> = GROUP_COLUMNS.iter().map(|c| c.group_id).collect();
    let groups = [
        (Lens::Airm.label(lang), 4),
        (Lens::Aims.label(lang), 16),
        (Lens::Cscrm.label(lang), 1),
    ];
    let rows: Vec<HeatRow> = shown
        .iter()
        .map(|r| {
            let f = FlatRow::from_result(r);
            let name = r.profile.name.as_deref().unwrap_or("");
            HeatRow {
                label: format!(
                    "{} {}",
                    truncate_width(r.vendor_id.as_str(), 12),
                    truncate_width(name, 22)
                ),
                title: format!("{} {}", r.vendor_id, name),
                values: f.groups.to_vec(),
                status: Some(r.status),
            }
        })
        .collect();
    let footer: Vec<HeatRow> = tiers_present
        .iter()
        .map(|tier| {
            let in_tier: Vec<FlatRow> = results
                .iter()
                .filter(|r| r.tier == *tier)
                .map(FlatRow::from_result)
                .collect();
            let values = (0..GROUP_COLUMNS.len())
                .map(|i| {
                    let xs: Vec<f64> = in_tier.iter().filter_map(|f| f.groups[i]).collect();
                    (!xs.is_empty()).then(|| round4(xs.iter().sum::<f64>() / xs.len() as f64))
                })
                .collect();
            let label = format!(
                "T{} {} — {} (n={})",
                tier.index(),
                tier.label(lang),
                t.h_tier_average,
                in_tier.len()
            );
            HeatRow {
                title: label.clone(),
                label,
                values,
                status: None,
            }
        })
        .collect();
    let note = if ordered.len() > shown.len() {
        format!(
            "{}: {} / {} · {}",
            t.h_heatmap_note,
            shown.len(),
            ordered.len(),
            t.h_heatmap_tier_avg
        )
    } else {
        format!("{} · {}", t.h_heatmap_note, t.h_heatmap_tier_avg)
    };
    let _ = writeln!(
        body,
        "<section id=\"heatmap\"><h2>{}</h2><p class=\"note\">{}</p><div style=\"overflow-x:auto\">{}</div></section>",
        t.h_heatmap,
        escape_html(&note),
        chart::heatmap(&columns, &groups, &rows, &footer)
    );

    // Gaps.
    body.push_str(&gaps_section(input, lang));

    // The views, rolled up.
    if let Some(v) = input.views {
        body.push_str(&views_section(v, lang));
    }

    // Supplier table.
    let table_data = TableData {
        meta: TableMeta {
            tiers: Tier::ALL.iter().map(|x| x.label(lang)).collect(),
            statuses: Status::ALL.iter().map(|x| x.label(lang)).collect(),
            status_keys: Status::ALL.iter().map(|x| x.as_str()).collect(),
            page: t.h_page,
        },
        rows: crate::by_vendor_id(results)
            .into_iter()
            .map(|r| {
                let f = FlatRow::from_result(r);
                TableRow(
                    r.vendor_id.as_str(),
                    r.profile.name.as_deref(),
                    r.tier as usize,
                    r.status as usize,
                    f.combined_score,
                    f.airm_score,
                    f.aims_score,
                    f.cscrm_score,
                    f.coverage,
                    f.findings.replace(';', "; "),
                )
            })
            .collect(),
    };
    let _ = write!(
        body,
        "<section id=\"suppliers\"><h2>{}</h2><div class=\"controls\"><input id=\"f-text\" type=\"search\" placeholder=\"{}\" aria-label=\"{}\"><select id=\"f-status\" aria-label=\"{}\"><option value=\"\">{} · {}</option>",
        t.h_table, t.h_filter_text, t.h_filter_text, t.h_status, t.h_status, t.h_all
    );
    for (i, s) in Status::ALL.iter().enumerate().rev() {
        let _ = write!(
            body,
            "<option value=\"{i}\">{}</option>",
            escape_html(s.label(lang))
        );
    }
    let _ = write!(
        body,
        "</select><select id=\"f-tier\" aria-label=\"{}\"><option value=\"\">{} · {}</option>",
        t.h_tier, t.h_tier, t.h_all
    );
    for (i, tier) in Tier::ALL.iter().enumerate().rev() {
        let _ = write!(
            body,
            "<option value=\"{i}\">T{} {}</option>",
            tier.index(),
            escape_html(tier.label(lang))
        );
    }
    let heads = [
        (t.h_vendor, false),
        (t.h_name, false),
        (t.h_tier, false),
        (t.h_status, false),
        (t.h_combined, true),
        ("AIRM", true),
        ("AIMS", true),
        ("C-SCRM", true),
        (t.h_coverage, true),
        (t.h_findings, false),
    ];
    let _ = write!(
        body,
        "</select><button id=\"p-prev\" type=\"button\">{}</button><button id=\"p-next\" type=\"button\">{}</button><span id=\"sup-info\" class=\"note\"></span></div><noscript><p class=\"note\">{}</p></noscript><div style=\"overflow-x:auto\"><table id=\"sup-table\"><thead><tr>",
        t.h_prev, t.h_next, t.h_noscript
    );
    for (i, (h, num)) in heads.iter().enumerate() {
        let _ = write!(
            body,
            "<th class=\"sortable{}\" data-col=\"{i}\" aria-sort=\"none\">{}</th>",
            if *num { " num" } else { "" },
            h
        );
    }
    let _ = write!(
        body,
        "</tr></thead><tbody id=\"sup-body\"></tbody></table></div></section>\n<script type=\"application/json\" id=\"scrm-data\">{}</script>\n",
        json_for_script(&table_data)
    );

    body.push_str(&manifest_section(m, t));

    let subtitle = format!(
        "{} {} · {} {} · {} {} · {} {}",
        t.h_as_of,
        m.as_of,
        results.len(),
        t.h_suppliers,
        t.h_catalog,
        escape_html(&m.catalog_version),
        t.h_policy,
        escape_html(&m.policy_name)
    );
    page(
        lang,
        t.h_portfolio_title,
        &subtitle,
        &body,
        &format!("<script>{TABLE_JS}</script>\n"),
    )
}

/// How often each question is a gap: answered below 3 (maturity), `no` or `partial`, or left
/// blank, among the suppliers it applies to (`na` answers do not count as asked).
fn gaps_section(input: &PortfolioReport<'_>, lang: Lang) -> String {
    let t = labels(lang);
    let mut gaps: Vec<(&Question, (usize, usize, usize))> = input
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let c = input.gaps.count(i);
            (q, (c.asked, c.low, c.blank))
        })
        .filter(|(_, c)| c.1 + c.2 > 0)
        .collect();
    gaps.sort_by(|a, b| {
        (b.1.1 + b.1.2)
            .cmp(&(a.1.1 + a.1.2))
            .then_with(|| a.0.id.cmp(&b.0.id))
    });
    gaps.truncate(GAPS_MAX);
    let mut s = String::new();
    let _ = write!(
        s,
        "<section id=\"gaps\"><h2>{}</h2><p class=\"note\">{}</p>",
        t.h_gaps, t.h_gaps_note
    );
    if gaps.is_empty() {
        let _ = writeln!(s, "<p>{}</p></section>", t.h_gaps_none);
        return s;
    }
    let _ = write!(
        s,
        "<table><thead><tr><th>ID</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        t.h_topic, t.h_question, t.h_gap_count, t.h_gap_low, t.h_gap_blank, t.h_asked
    );
    for (q, (asked, low, blank)) in gaps {
        let share = (low + blank) as f64 / asked.max(1) as f64;
        let _ = write!(
            s,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td class=\"num\"><span class=\"bar\" style=\"width:{:.0}px\"></span>{} ({:.0}%)</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape_html(q.id.as_str()),
            escape_html(q.topic.get(lang)),
            escape_html(q.text.get(lang)),
            share * 60.0,
            low + blank,
            share * 100.0,
            low,
            blank,
            asked
        );
    }
    s.push_str("</tbody></table></section>\n");
    s
}

/// The supplier table: filter, sort, page. Supplier text is set with `textContent` only.
const TABLE_JS: &str = r##"
(function () {
  "use strict";
  var now = function () { return (window.performance && performance.now) ? performance.now() : 0; };
  var t0 = now();
  var data = JSON.parse(document.getElementById("scrm-data").textContent);
  var rows = data.rows, meta = data.meta, PAGE = 50;
  var body = document.getElementById("sup-body"), info = document.getElementById("sup-info");
  var fStatus = document.getElementById("f-status"), fTier = document.getElementById("f-tier");
  var fText = document.getElementById("f-text");
  var prev = document.getElementById("p-prev"), next = document.getElementById("p-next");
  var heads = document.querySelectorAll("#sup-table th[data-col]");
  var state = { col: -1, dir: 1, page: 0 }, view = [];
  var lower = rows.map(function (r) { return (r[0] + "\u0001" + (r[1] || "") + "\u0001" + r[9]).toLowerCase(); });
  function str(a, b) { return a < b ? -1 : (a > b ? 1 : 0); }
  function num(v) { return v === null ? -1 : v; }
  function base(a, b) { return (b[3] - a[3]) || (num(a[4]) - num(b[4])) || str(a[0], b[0]); }
  function byCol(c, d) {
    return function (a, b) {
      var x = a[c], y = b[c], r;
      if (x === y) { return base(a, b); }
      if (x === null) { r = -1; } else if (y === null) { r = 1; }
      else if (typeof x === "number") { r = x - y; } else { r = str(String(x), String(y)); }
      return r * d || base(a, b);
    };
  }
  function apply() {
    var s = fStatus.value, tr = fTier.value, q = fText.value.trim().toLowerCase();
    view = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (s !== "" && String(r[3]) !== s) { continue; }
      if (tr !== "" && String(r[2]) !== tr) { continue; }
      if (q && lower[i].indexOf(q) < 0) { continue; }
      view.push(r);
    }
    view.sort(state.col < 0 ? base : byCol(state.col, state.dir));
    state.page = 0;
    draw();
  }
  function fmt(v) { return v === null ? "\u2013" : v.toFixed(2); }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) { td.className = cls; }
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function draw() {
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    if (state.page > pages - 1) { state.page = pages - 1; }
    var start = state.page * PAGE, end = Math.min(view.length, start + PAGE);
    var frag = document.createDocumentFragment();
    for (var i = start; i < end; i++) {
      var r = view[i], tr = document.createElement("tr"), key = meta.status_keys[r[3]];
      tr.setAttribute("data-status", key);
      cell(tr, r[0], "mono");
      cell(tr, r[1] || "");
      cell(tr, "T" + (r[2] + 1) + " " + meta.tiers[r[2]]);
      var st = cell(tr, "", "st st-" + key), sp = document.createElement("span");
      sp.textContent = meta.statuses[r[3]];
      st.appendChild(sp);
      for (var c = 4; c <= 7; c++) { cell(tr, fmt(r[c]), "num"); }
      cell(tr, Math.round(r[8] * 100) + "%", "num");
      cell(tr, r[9], "findings-cell");
      frag.appendChild(tr);
    }
    body.textContent = "";
    body.appendChild(frag);
    info.textContent = (view.length ? (start + 1) + "\u2013" + end : "0") + " / " + view.length +
      " \u00b7 " + meta.page + " " + (state.page + 1) + "/" + pages;
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    for (var h = 0; h < heads.length; h++) {
      var col = Number(heads[h].getAttribute("data-col"));
      heads[h].setAttribute("aria-sort", col === state.col ? (state.dir > 0 ? "ascending" : "descending") : "none");
    }
  }
  var timer = null;
  fText.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  fStatus.addEventListener("change", apply);
  fTier.addEventListener("change", apply);
  prev.addEventListener("click", function () { state.page -= 1; draw(); });
  next.addEventListener("click", function () { state.page += 1; draw(); });
  for (var h = 0; h < heads.length; h++) {
    heads[h].addEventListener("click", function (ev) {
      var col = Number(ev.currentTarget.getAttribute("data-col"));
      if (state.col === col) { state.dir = -state.dir; } else { state.col = col; state.dir = 1; }
      apply();
    });
  }
  apply();
  document.body.setAttribute("data-table-ms", String(Math.round(now() - t0)));
  document.body.setAttribute("data-table-rows", String(rows.length));
})();
"##;

/// Both supplier views rolled up: readiness per GenAI risk, attainment per lens and task.
fn views_section(v: &PortfolioViews, lang: Lang) -> String {
    let t = labels(lang);
    let mut s = String::new();
    let _ = write!(
        s,
        "<section id=\"portfolio-risks\"><h2>{}</h2><p class=\"note\">{}</p><table><thead><tr><th>{}</th><th class=\"num\">{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
        t.p_views_title,
        escape_html(t.p_views_note),
        t.t_risk,
        t.p_suppliers,
        t.p_median,
        t.p_weak,
        t.p_least_ready
    );
    for r in &v.risks {
        let lowest: Vec<String> = r
            .lowest
            .iter()
            .map(|(id, x)| format!("{} {}", id.as_str(), fmt2(Some(*x))))
            .collect();
        let _ = write!(
            s,
            "<tr data-risk=\"{}\"><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"mono\">{}</td></tr>",
            r.risk.as_str(),
            escape_html(r.risk.label(lang)),
            r.suppliers,
            bar_and(r.median.map(|x| x / 5.0), r.median.map(|x| fmt2(Some(x)))),
            r.weak,
            escape_html(&lowest.join(", "))
        );
    }
    s.push_str("</tbody></table></section>\n");
    let _ = write!(
        s,
        "<section id=\"portfolio-governance\"><h2>{}</h2><p class=\"note\">{}</p><table><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        t.p_gov_title,
        escape_html(t.p_gov_note),
        t.h_lens,
        t.t_task,
        t.p_suppliers,
        t.p_mean_attained,
        t.p_below_half
    );
    for g in &v.governance {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            g.lens.label(lang),
            g.task.label(lang),
            g.suppliers,
            bar_and(
                g.mean_attainment,
                g.mean_attainment.map(|a| format!("{:.0}%", a * 100.0))
            ),
            g.below_half
        );
    }
    s.push_str("</tbody></table></section>\n");
    s
}

/// A share's bar followed by its value, or `-` alone when there is none.
fn bar_and(share: Option<f64>, value: Option<String>) -> String {
    match value {
        Some(v) => format!("{} {v}", share_bar(share)),
        None => "-".to_string(),
    }
}
