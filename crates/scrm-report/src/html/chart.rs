//! Inline SVG charts: the AI RMF × ISO/IEC 42001 scatter, the combined-score histogram, the
//! score heatmap and the scorecard's bar chart. Pure string building, deterministic (coordinates
//! printed with one decimal), every label escaped.

use super::{TierThresholds, escape_html, score_color, status_color};
use crate::cell::fmt2;
use scrm_model::Status;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One scatter point.
pub(crate) struct Point {
    pub x: f64,
    pub y: f64,
    pub status: Status,
    pub title: String,
}

const SC_W: f64 = 560.0;
const SC_H: f64 = 440.0;
const M_L: f64 = 52.0;
const M_R: f64 = 16.0;
const M_T: f64 = 16.0;
const M_B: f64 = 46.0;

fn sx(v: f64) -> f64 {
    M_L + v.clamp(0.0, 5.0) / 5.0 * (SC_W - M_L - M_R)
}
fn sy(v: f64) -> f64 {
    SC_H - M_B - v.clamp(0.0, 5.0) / 5.0 * (SC_H - M_T - M_B)
}

fn axes(s: &mut String, x_label: &str, y_label: &str) {
    for i in 0..=5 {
        let v = f64::from(i);
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#eef0f3\"/>\
<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#eef0f3\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{i}</text>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{i}</text>",
            sx(v),
            sy(0.0),
            sx(v),
            sy(5.0),
            sx(0.0),
            sy(v),
            sx(5.0),
            sy(v),
            sx(v),
            sy(0.0) + 16.0,
            sx(0.0) - 8.0,
            sy(v) + 4.0,
        );
    }
    let _ = write!(
        s,
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#9ca3af\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{}</text>\
<text x=\"14\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 {:.1})\">{}</text>",
        sx(0.0),
        sy(5.0),
        sx(5.0) - sx(0.0),
        sy(0.0) - sy(5.0),
        (sx(0.0) + sx(5.0)) / 2.0,
        SC_H - 8.0,
        escape_html(x_label),
        (sy(0.0) + sy(5.0)) / 2.0,
        (sy(0.0) + sy(5.0)) / 2.0,
        escape_html(y_label),
    );
}

/// AI RMF (x) versus ISO/IEC 42001 (y), 0-5 each. Each tier's minimums are dashed lines and the
/// area below either minimum is shaded (overlapping tiers shade darker). Up to `max_points`
/// points are drawn as dots, worst status on top; beyond that they are binned into 0.1 × 0.1
/// cells (opacity by count, colour of the worst status in the cell) so the SVG stays small.
pub(crate) fn scatter(
    points: &[Point],
    thresholds: &[TierThresholds],
    x_label: &str,
    y_label: &str,
    max_points: usize,
) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart scatter\" role=\"img\" viewBox=\"0 0 {SC_W} {SC_H}\" width=\"{SC_W}\" height=\"{SC_H}\"><title>{} × {}</title>",
        escape_html(x_label),
        escape_html(y_label)
    );
    // Shading first, under everything else.
    for t in thresholds {
        let _ = write!(
            s,
            "<g class=\"zone\" fill=\"#d9480f\" fill-opacity=\"0.045\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/></g>",
            sx(0.0),
            sy(5.0),
            sx(t.airm) - sx(0.0),
            sy(0.0) - sy(5.0),
            sx(t.airm),
            sy(t.aims),
            sx(5.0) - sx(t.airm),
            sy(0.0) - sy(t.aims),
        );
    }
    axes(&mut s, x_label, y_label);
    for t in thresholds {
        let _ = write!(
            s,
            "<g class=\"threshold\" stroke=\"#9a3412\" stroke-dasharray=\"5 4\" stroke-width=\"1\"><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/></g>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#9a3412\">T{}</text>",
            sx(t.airm),
            sy(0.0),
            sx(t.airm),
            sy(5.0),
            sx(0.0),
            sy(t.aims),
            sx(5.0),
            sy(t.aims),
            sx(t.airm) + 3.0,
            sy(5.0) + 11.0 + 11.0 * f64::from(t.tier.index() - 1),
            t.tier.index(),
        );
    }
    if points.len() <= max_points {
        let mut order: Vec<&Point> = points.iter().collect();
        // Best first so that the worst are drawn on top.
        order.sort_by_key(|a| a.status);
        s.push_str("<g class=\"points\">");
        for p in order {
            let _ = write!(
                s,
                "<circle class=\"pt st-{}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"#fff\" stroke-width=\"0.8\"><title>{}</title></circle>",
                p.status.as_str(),
                sx(p.x),
                sy(p.y),
                status_color(p.status),
                escape_html(&p.title)
            );
        }
        s.push_str("</g>");
    } else {
        let mut bins: BTreeMap<(u32, u32), (usize, Status)> = BTreeMap::new();
        for p in points {
            let k = (
                (p.x.clamp(0.0, 4.999) * 10.0) as u32,
                (p.y.clamp(0.0, 4.999) * 10.0) as u32,
            );
            let e = bins.entry(k).or_insert((0, Status::Eligible));
            e.0 += 1;
            e.1 = e.1.max(p.status);
        }
        let max = bins.values().map(|v| v.0).max().unwrap_or(1) as f64;
        s.push_str("<g class=\"bins\">");
        for ((bx, by), (n, st)) in &bins {
            let x0 = f64::from(*bx) / 10.0;
            let y0 = f64::from(*by) / 10.0;
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" fill-opacity=\"{:.2}\"><title>{n}</title></rect>",
                sx(x0),
                sy(y0 + 0.1),
                sx(x0 + 0.1) - sx(x0),
                sy(y0) - sy(y0 + 0.1),
                status_color(*st),
                0.25 + 0.75 * (*n as f64 / max),
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// Histogram of combined scores in 0.25-wide bands, stacked by status (best at the bottom).
pub(crate) fn histogram(values: &[(f64, Status)], x_label: &str) -> String {
    const W: f64 = 560.0;
    const H: f64 = 280.0;
    const BINS: usize = 20;
    let mut counts = [[0usize; 4]; BINS];
    for (v, st) in values {
        let b = ((v.clamp(0.0, 5.0) / 0.25) as usize).min(BINS - 1);
        counts[b][*st as usize] += 1;
    }
    let max = counts
        .iter()
        .map(|c| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    // A round axis maximum: 1, 2, 5 × 10^k.
    let mut top = 1usize;
    'outer: for mag in [1usize, 10, 100, 1000, 10_000, 100_000] {
        for m in [1, 2, 5] {
            if m * mag >= max {
                top = m * mag;
                break 'outer;
            }
        }
    }
    let (l, r, t, b) = (44.0, 12.0, 12.0, 40.0);
    let px = |v: f64| l + v / 5.0 * (W - l - r);
    let py = |n: f64| H - b - n / top as f64 * (H - t - b);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart histogram\" role=\"img\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\"><title>{}</title>",
        escape_html(x_label)
    );
    for i in 0..=4 {
        let n = top as f64 * f64::from(i) / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#eef0f3\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            px(0.0),
            py(n),
            px(5.0),
            py(n),
            l - 6.0,
            py(n) + 4.0,
            if top >= 4 || i % 2 == 0 {
                format!("{}", n.round())
            } else {
                String::new()
            }
        );
    }
    let bw = (W - l - r) / BINS as f64;
    for (i, c) in counts.iter().enumerate() {
        let mut acc = 0usize;
        for st in Status::ALL {
            let n = c[st as usize];
            if n == 0 {
                continue;
            }
            let y1 = py((acc + n) as f64);
            let y0 = py(acc as f64);
            let _ = write!(
                s,
                "<rect class=\"bin st-{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{:.2}–{:.2}: {n}</title></rect>",
                st.as_str(),
                l + bw * i as f64 + 1.0,
                y1,
                bw - 2.0,
                y0 - y1,
                status_color(st),
                i as f64 * 0.25,
                (i + 1) as f64 * 0.25,
            );
            acc += n;
        }
    }
    for i in 0..=5 {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{i}</text>",
            px(f64::from(i)),
            H - b + 16.0
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#9ca3af\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{}</text></svg>",
        px(0.0),
        py(0.0),
        px(5.0),
        py(0.0),
        (px(0.0) + px(5.0)) / 2.0,
        H - 6.0,
        escape_html(x_label)
    );
    s
}

/// One heatmap row.
pub(crate) struct HeatRow {
    pub label: String,
    pub title: String,
    pub values: Vec<Option<f64>>,
    pub status: Option<Status>,
}

/// Rows × columns of 0-5 scores coloured on the red-amber-green ramp, with the value printed in
/// each cell. `groups` names column spans (`AI RMF`, `ISO/IEC 42001` ...) drawn above the
/// column headers; a gap separates `rows` from `footer` rows (the per-tier averages).
pub(crate) fn heatmap(
    columns: &[&str],
    groups: &[(&str, usize)],
    rows: &[HeatRow],
    footer: &[HeatRow],
) -> String {
    const LABEL_W: f64 = 230.0;
    const CELL_W: f64 = 38.0;
    const CELL_H: f64 = 20.0;
    const HEAD_H: f64 = 64.0;
    const GAP: f64 = 14.0;
    // Room on the right for a group label wider than its single column.
    let w = LABEL_W + CELL_W * columns.len() as f64 + 60.0;
    let h = HEAD_H
        + CELL_H * (rows.len() + footer.len()) as f64
        + if footer.is_empty() { 0.0 } else { GAP }
        + 6.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart heatmap\" role=\"img\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\"><title>heatmap</title>"
    );
    let mut x = LABEL_W;
    for (name, span) in groups {
        let gw = CELL_W * *span as f64;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"14\" font-size=\"11\" font-weight=\"600\" text-anchor=\"middle\">{}</text><line x1=\"{:.1}\" y1=\"19\" x2=\"{:.1}\" y2=\"19\" stroke=\"#9ca3af\"/>",
            x + gw / 2.0,
            escape_html(name),
            x + 2.0,
            x + gw - 2.0
        );
        x += gw;
    }
    for (i, c) in columns.iter().enumerate() {
        let cx = LABEL_W + CELL_W * i as f64 + CELL_W / 2.0;
        let _ = write!(
            s,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"10.5\" text-anchor=\"start\" transform=\"rotate(-45 {cx:.1} {:.1})\">{}</text>",
            HEAD_H - 6.0,
            HEAD_H - 6.0,
            escape_html(c)
        );
    }
    let mut y = HEAD_H;
    let draw = |s: &mut String, r: &HeatRow, y: f64, bold: bool| {
        if let Some(st) = r.status {
            let _ = write!(
                s,
                "<rect x=\"0\" y=\"{:.1}\" width=\"4\" height=\"{:.1}\" fill=\"{}\"/>",
                y + 1.0,
                CELL_H - 2.0,
                status_color(st)
            );
        }
        let _ = write!(
            s,
            "<text x=\"9\" y=\"{:.1}\" font-size=\"11.5\"{}>{}<title>{}</title></text>",
            y + 14.0,
            if bold { " font-weight=\"600\"" } else { "" },
            escape_html(&r.label),
            escape_html(&r.title)
        );
        for (i, v) in r.values.iter().enumerate() {
            let cx = LABEL_W + CELL_W * i as f64;
            let dark = v.is_some_and(|v| !(1.2..=3.9).contains(&v));
            let _ = write!(
                s,
                "<rect class=\"cell\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{} · {}: {}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\"{}>{}</text>",
                cx + 1.0,
                y + 1.0,
                CELL_W - 2.0,
                CELL_H - 2.0,
                score_color(*v),
                escape_html(&r.title),
                escape_html(columns.get(i).copied().unwrap_or("")),
                fmt2(*v),
                cx + CELL_W / 2.0,
                y + 14.0,
                if dark { " style=\"fill:#fff\"" } else { "" },
                if v.is_some() {
                    format!("{:.1}", crate::cell::round_to(v.unwrap_or(0.0), 1))
                } else {
                    "–".to_string()
                }
            );
        }
    };
    for r in rows {
        draw(&mut s, r, y, false);
        y += CELL_H;
    }
    if !footer.is_empty() {
        y += GAP;
        for r in footer {
            draw(&mut s, r, y, true);
            y += CELL_H;
        }
    }
    s.push_str("</svg>");
    s
}

/// One bar of the scorecard chart.
pub(crate) struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub minimum: Option<f64>,
    /// Heading rows (lens totals) are bold and separated from the previous group.
    pub heading: bool,
}

/// Horizontal bars on a 0-5 axis, a dashed tick where a minimum applies.
pub(crate) fn bars(items: &[Bar], min_label: &str) -> String {
    const W: f64 = 640.0;
    const LABEL_W: f64 = 190.0;
    const ROW_H: f64 = 22.0;
    const TOP: f64 = 8.0;
    const BOTTOM: f64 = 30.0;
    let headings = items.iter().filter(|b| b.heading).count().saturating_sub(1);
    let h = TOP + ROW_H * items.len() as f64 + 8.0 * headings as f64 + BOTTOM;
    let px = |v: f64| LABEL_W + v.clamp(0.0, 5.0) / 5.0 * (W - LABEL_W - 50.0);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart bars\" role=\"img\" viewBox=\"0 0 {W} {h:.0}\" width=\"{W}\" height=\"{h:.0}\"><title>scores</title>"
    );
    for i in 0..=5 {
        let x = px(f64::from(i));
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#eef0f3\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{i}</text>",
            h - BOTTOM,
            h - BOTTOM + 15.0
        );
    }
    let mut y = TOP;
    for (i, b) in items.iter().enumerate() {
        if b.heading && i > 0 {
            y += 8.0;
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11.5\" text-anchor=\"end\"{}>{}</text>",
            LABEL_W - 8.0,
            y + 15.0,
            if b.heading {
                " font-weight=\"600\""
            } else {
                ""
            },
            escape_html(&b.label)
        );
        match b.value {
            Some(v) => {
                let _ = write!(
                    s,
                    "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\" fill=\"{}\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
                    LABEL_W,
                    y + 4.0,
                    (px(v) - LABEL_W).max(1.0),
                    ROW_H - 8.0,
                    score_color(Some(v)),
                    escape_html(&b.label),
                    fmt2(Some(v)),
                    px(v) + 5.0,
                    y + 15.0,
                    fmt2(Some(v))
                );
            }
            None => {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#9ca3af\">–</text>",
                    LABEL_W + 4.0,
                    y + 15.0
                );
            }
        }
        if let Some(m) = b.minimum {
            let _ = write!(
                s,
                "<line class=\"minimum\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#111827\" stroke-width=\"2\" stroke-dasharray=\"3 2\"><title>{}: {}</title></line>",
                px(m),
                y + 1.0,
                px(m),
                y + ROW_H - 1.0,
                escape_html(min_label),
                fmt2(Some(m))
            );
        }
        y += ROW_H;
    }
    s.push_str("</svg>");
    s
}
