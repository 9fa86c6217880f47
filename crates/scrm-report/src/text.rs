//! Readable text for `scrm explain` and `scrm plan`: per-question tables that add up to the
//! score, and the steps back to eligibility. The JSON forms are plain serde serializations of
//! [`scrm_model::Explanation`] and [`scrm_model::Plan`], written by the CLI.

use crate::cell::{fmt2, pad_left, pad_right, round_to, terminal_safe, truncate_width};
use crate::i18n::{l, severity_label};
use crate::template::answer_word;
use scrm_model::{
    AnswerValue, Explanation, Finding, GovernanceView, Lang, LensExplanation, LensGovernance, Plan,
    Question, QuestionId, RiskView, Status, VendorResult,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Wide enough for every catalog id (the longest, SUP-SUBTIER-INVENTORY, has 21 characters).
const ID_W: usize = 21;
const TEXT_W: usize = 28;

fn question_index(questions: &[Question]) -> BTreeMap<&str, &Question> {
    questions.iter().map(|q| (q.id.as_str(), q)).collect()
}

fn short_text(idx: &BTreeMap<&str, &Question>, id: &QuestionId, lang: Lang) -> String {
    idx.get(id.as_str())
        .map(|q| truncate_width(&terminal_safe(q.text.get(lang)), TEXT_W).into_owned())
        .unwrap_or_default()
}

/// One row of a fixed-width table: each cell padded to its column's width (`left`: padded on
/// the right, text first; otherwise numbers, padded on the left), two spaces between columns.
fn table_row(cells: &[String], widths: &[usize], left: &[bool]) -> String {
    cells
        .iter()
        .zip(widths)
        .zip(left)
        .map(|((c, w), l)| {
            if *l {
                pad_right(c, *w)
            } else {
                pad_left(c, *w)
            }
        })
        .collect::<Vec<_>>()
        .join("  ")
        .trim_end()
        .to_string()
}

/// The dashes under a fixed-width table's head.
fn table_rule(widths: &[usize]) -> String {
    widths
        .iter()
        .map(|w| "-".repeat(*w))
        .collect::<Vec<_>>()
        .join("  ")
}

fn vendor_line(r: &VendorResult) -> String {
    let name = r.profile.name.as_deref().unwrap_or("");
    if name.is_empty() {
        terminal_safe(r.vendor_id.as_str()).into_owned()
    } else {
        format!(
            "{} {}",
            terminal_safe(r.vendor_id.as_str()),
            terminal_safe(name)
        )
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", round_to(x * 100.0, 1))
}

/// Renders an explanation: for each lens its score, then one row per question (question, answer,
/// effective value, weight share, contribution, headroom) sorted by contribution, largest first,
/// and a total row whose contribution equals the lens score.
pub fn render_explanation_text(e: &Explanation, questions: &[Question], lang: Lang) -> String {
    let t = l(lang);
    let idx = question_index(questions);
    let r = &e.result;
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", t.t_explain_title, vendor_line(r));
    let level = r
        .combined_level
        .map(|m| format!(" ({})", m.label(lang)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}: {} · {}: {} · {}: {}{level} · {}: {}",
        t.h_status,
        r.status.label(lang),
        t.h_tier,
        r.tier.label(lang),
        t.h_combined,
        fmt2(r.combined_score),
        t.h_coverage,
        fmt2(Some(r.coverage)),
    );
    for le in &e.lenses {
        out.push('\n');
        lens_table(&mut out, le, &idx, lang);
    }
    out
}

/// A view's first lines: its title and the supplier, then its status, tier and combined score.
fn view_heading(title: &str, r: &VendorResult, lang: Lang) -> String {
    let t = l(lang);
    let mut out = String::new();
    let _ = writeln!(out, "{title}: {}", vendor_line(r));
    let _ = writeln!(
        out,
        "{}: {} · {}: {} · {}: {}",
        t.h_status,
        r.status.label(lang),
        t.h_tier,
        r.tier.label(lang),
        t.h_combined,
        fmt2(r.combined_score),
    );
    out
}

/// Renders a governance view: for each lens its score, then one row per ISO/IEC 38500 task
/// (its contribution, the most it could contribute, the share attained, how many questions
/// inform it, and those with the most headroom), and a total row equal to the lens score.
pub fn render_governance_text(x: &Explanation, view: &GovernanceView, lang: Lang) -> String {
    let mut out = view_heading(l(lang).t_governance_title, &x.result, lang);
    for lg in &view.lenses {
        out.push('\n');
        governance_table(&mut out, lg, lang);
    }
    out
}

/// Renders a GenAI risk view: one row per NIST AI 600-1 risk (readiness 0-5, how many
/// applicable questions address it and how many are answered, the weakest of them).
pub fn render_risk_text(x: &Explanation, view: &RiskView, lang: Lang) -> String {
    let t = l(lang);
    let mut out = view_heading(t.t_risk_title, &x.result, lang);
    out.push('\n');
    let risk_w = view
        .risks
        .iter()
        .map(|r| crate::cell::str_width(r.risk.label(lang)))
        .chain([crate::cell::str_width(t.t_risk)])
        .max()
        .unwrap_or(0);
    let heads = [
        t.t_risk,
        t.t_readiness,
        t.t_questions,
        t.t_answered,
        t.t_weakest,
    ];
    let widths: Vec<usize> = heads
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if i == 0 {
                risk_w
            } else {
                crate::cell::str_width(h).max(9)
            }
        })
        .collect();
    let left = [true, false, false, false, true];
    let row = |cells: [String; 5]| table_row(&cells, &widths, &left);
    let _ = writeln!(out, "{}", row(heads.map(str::to_string)));
    let _ = writeln!(out, "{}", table_rule(&widths));
    for r in &view.risks {
        let weakest: Vec<&str> = r.weakest.iter().map(|q| q.as_str()).collect();
        let _ = writeln!(
            out,
            "{}",
            row([
                r.risk.label(lang).to_string(),
                r.readiness
                    .map_or_else(|| "-".to_string(), |x| fmt2(Some(x))),
                r.questions.to_string(),
                r.answered.to_string(),
                weakest.join(", "),
            ])
        );
    }
    let _ = writeln!(out, "\n{}", t.t_risk_note);
    out
}

/// A lens table's heading: its name, score and level; or why it has no score (no question of
/// it applies, or its groups all weigh 0: `zero_weights`), and `false` (no table follows).
fn lens_heading(
    out: &mut String,
    lens: scrm_model::Lens,
    (score, zero_weights): (Option<f64>, bool),
    lang: Lang,
) -> bool {
    let t = l(lang);
    let title = format!("{} ({})", lens.label(lang), lens.as_str());
    let Some(score) = score else {
        let why = if zero_weights {
            t.t_zero_weight_lens
        } else {
            t.t_not_applicable_lens
        };
        let _ = writeln!(out, "{title}: {why}");
        return false;
    };
    let level = scrm_model::MaturityLevel::from_score(score).label(lang);
    let _ = writeln!(
        out,
        "{title}: {} {} ({level})",
        t.t_score,
        fmt2(Some(score))
    );
    true
}

fn governance_table(out: &mut String, lg: &LensGovernance, lang: Lang) {
    let t = l(lang);
    if !lens_heading(out, lg.lens, (lg.score, lg.zero_weights), lang) {
        return;
    }
    let heads = [
        t.t_task,
        t.t_contribution,
        t.t_possible,
        t.t_attained,
        t.t_questions,
        t.t_most_headroom,
    ];
    let widths: Vec<usize> = heads
        .iter()
        .enumerate()
        .map(|(i, h)| crate::cell::str_width(h).max(if i == 0 { 8 } else { 9 }))
        .collect();
    let left = [true, false, false, false, false, true];
    let row = |cells: [String; 6]| table_row(&cells, &widths, &left);
    let _ = writeln!(out, "{}", row(heads.map(str::to_string)));
    let _ = writeln!(out, "{}", table_rule(&widths));
    for ts in &lg.tasks {
        let weakest: Vec<&str> = ts.weakest.iter().map(|q| q.as_str()).collect();
        let _ = writeln!(
            out,
            "{}",
            row([
                ts.task.label(lang).to_string(),
                fmt2(Some(ts.contribution)),
                fmt2(Some(ts.possible)),
                ts.attainment.map_or_else(|| "-".to_string(), pct),
                ts.questions.to_string(),
                weakest.join(", "),
            ])
        );
    }
    let total: f64 = lg.tasks.iter().map(|ts| ts.contribution).sum();
    let possible: f64 = lg.tasks.iter().map(|ts| ts.possible).sum();
    let n: usize = lg.tasks.iter().map(|ts| ts.questions).sum();
    let _ = writeln!(
        out,
        "{}",
        row([
            t.t_total.to_string(),
            fmt2(Some(total)),
            fmt2(Some(possible)),
            String::new(),
            n.to_string(),
            String::new(),
        ])
    );
}

fn lens_table(out: &mut String, le: &LensExplanation, idx: &BTreeMap<&str, &Question>, lang: Lang) {
    let t = l(lang);
    if !lens_heading(out, le.lens, (le.score, le.zero_weights), lang) {
        return;
    }
    let heads = [
        "ID",
        t.h_question,
        t.t_answer,
        t.t_effective,
        t.t_share,
        t.t_contribution,
        t.t_headroom,
    ];
    let widths = [
        ID_W,
        TEXT_W,
        crate::cell::str_width(t.t_answer).max(8),
        crate::cell::str_width(t.t_effective).max(9),
        crate::cell::str_width(t.t_share).max(8),
        crate::cell::str_width(t.t_contribution).max(8),
        crate::cell::str_width(t.t_headroom).max(8),
    ];
    let left = [true, true, true, false, false, false, false];
    let row = |cells: [String; 7]| table_row(&cells, &widths, &left);
    let _ = writeln!(out, "{}", row(heads.map(str::to_string)));
    let _ = writeln!(out, "{}", table_rule(&widths));
    let cs = le.by_contribution();
    for c in &cs {
        let _ = writeln!(
            out,
            "{}",
            row([
                truncate_width(&terminal_safe(c.question.as_str()), ID_W).into_owned(),
                short_text(idx, &c.question, lang),
                answer_word(c.answer, lang).unwrap_or_else(|| t.t_unblank.to_string()),
                format!("{:.2}", round_to(c.effective, 2)),
                pct(c.coefficient),
                fmt2(Some(c.contribution)),
                fmt2(Some(c.headroom)),
            ])
        );
    }
    let share: f64 = cs.iter().map(|c| c.coefficient).sum();
    let total: f64 = cs.iter().map(|c| c.contribution).sum();
    let head: f64 = cs.iter().map(|c| c.headroom).sum();
    let _ = writeln!(
        out,
        "{}",
        row([
            t.t_total.to_string(),
            String::new(),
            String::new(),
            String::new(),
            pct(share),
            fmt2(Some(total)),
            fmt2(Some(head)),
        ])
    );
}

fn finding_lines(out: &mut String, title: &str, fs: &[Finding], lang: Lang) {
    if fs.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}:");
    for f in fs {
        let _ = writeln!(
            out,
            "  {} ({}): {}",
            f.code,
            severity_label(f.severity, lang),
            terminal_safe(&f.message())
        );
    }
}

/// Renders a plan: status before → after, each step (question, short text, from → to,
/// increase), the total, findings no answer can clear, warnings that remain, and whether the
/// plan is provably minimal.
pub fn render_plan_text(p: &Plan, questions: &[Question], lang: Lang) -> String {
    let t = l(lang);
    let idx = question_index(questions);
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", t.t_plan_title, vendor_line(&p.after));
    let _ = writeln!(
        out,
        "{}: {} → {}",
        t.t_status,
        p.status_before.label(lang),
        p.status_after.label(lang)
    );
    if !p.unfixable.is_empty() {
        let _ = writeln!(out, "{}", t.t_excluded);
    }
    if p.steps.is_empty() {
        let _ = writeln!(out, "{}: {}", t.t_steps, t.t_no_steps);
    } else {
        let _ = writeln!(out, "{}:", t.t_steps);
        for (i, s) in p.steps.iter().enumerate() {
            let from = answer_word(s.from, lang).unwrap_or_else(|| t.t_unblank.to_string());
            let to = answer_word(s.to, lang).unwrap_or_else(|| t.t_unblank.to_string());
            let _ = writeln!(
                out,
                "  {:>2}. {}  {}  {} → {}  +{}",
                i + 1,
                pad_right(
                    &truncate_width(&terminal_safe(s.question.as_str()), ID_W),
                    ID_W
                ),
                pad_right(&short_text(&idx, &s.question, lang), TEXT_W),
                pad_left(&from, 8),
                pad_right(&to, 8),
                fmt2(Some(s.increase)),
            );
        }
        let _ = writeln!(
            out,
            "{}: +{}",
            t.t_total_increase,
            fmt2(Some(p.total_increase))
        );
    }
    if !p.feasible {
        let _ = writeln!(out, "{}", t.t_infeasible);
    }
    finding_lines(&mut out, t.t_unfixable, &p.unfixable, lang);
    finding_lines(&mut out, t.t_remaining, &p.remaining, lang);
    if p.feasible {
        let _ = writeln!(out, "{}", t.plan_proof(p));
    }
    out
}

/// Renders a free what-if (`scrm plan --set`): each changed answer (`question`, from, to), the
/// status and scores before and after, and the findings after. In English the statuses are
/// written as their keys (`at-risk`), as this view always has; in Chinese, by name.
pub fn render_what_if_text(
    changes: &[(QuestionId, AnswerValue, AnswerValue)],
    before: &VendorResult,
    after: &VendorResult,
    lang: Lang,
) -> String {
    let t = l(lang);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        t.w_title
            .replace("{id}", &terminal_safe(after.vendor_id.as_str()))
    );
    for (q, from, to) in changes {
        let _ = writeln!(s, "  {q}: {from} -> {to}");
    }
    // Rounded to 4 places first, as every other output does, so 0.39499999 shows as 0.40 here
    // too rather than 0.39.
    let f = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.2}", round_to(x, 4)));
    let status = |x: Status| match lang {
        Lang::En => x.as_str(),
        Lang::ZhTw => x.label(lang),
    };
    let row = |s: &mut String, label: &str, b: &str, a: &str| {
        let _ = writeln!(
            s,
            "{} {} {}",
            pad_right(label, 10),
            pad_left(b, 10),
            pad_left(a, 10)
        );
    };
    s.push('\n');
    row(&mut s, "", t.w_before, t.w_after);
    row(
        &mut s,
        t.w_status,
        status(before.status),
        status(after.status),
    );
    row(
        &mut s,
        t.w_combined,
        &f(before.combined_score),
        &f(after.combined_score),
    );
    for (b, a) in before.lenses.iter().zip(&after.lenses) {
        row(&mut s, b.lens.as_str(), &f(b.score), &f(a.score));
    }
    row(
        &mut s,
        t.w_coverage,
        &format!("{:.1}%", before.coverage * 100.0),
        &format!("{:.1}%", after.coverage * 100.0),
    );
    let _ = writeln!(s, "\n{}:", t.w_findings_after);
    for fi in &after.findings {
        let _ = writeln!(
            s,
            "  {} [{}] {}",
            severity_label(fi.severity, lang),
            fi.code,
            terminal_safe(&fi.message())
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil;

    #[test]
    fn explanation_text_snapshots() {
        let qs = testutil::sample_questions();
        let e = testutil::sample_explanation("V003").unwrap_or_else(|| unreachable!());
        insta::assert_snapshot!("explain_en", render_explanation_text(&e, &qs, Lang::En));
        insta::assert_snapshot!("explain_zh", render_explanation_text(&e, &qs, Lang::ZhTw));
        let none = testutil::sample_explanation("V005").unwrap_or_else(|| unreachable!());
        insta::assert_snapshot!(
            "explain_no_ai",
            render_explanation_text(&none, &qs, Lang::En)
        );
    }

    #[test]
    fn explanation_total_equals_score() {
        let qs = testutil::sample_questions();
        for id in ["V001", "V002", "V003", "V004"] {
            let e = testutil::sample_explanation(id).unwrap_or_else(|| unreachable!());
            let text = render_explanation_text(&e, &qs, Lang::En);
            for le in &e.lenses {
                let want = fmt2(le.score);
                let title = format!("{} ({})", le.lens.label(Lang::En), le.lens.as_str());
                let section: String = text
                    .split("\n\n")
                    .find(|s| s.starts_with(&title))
                    .unwrap_or_default()
                    .to_string();
                let total = section
                    .lines()
                    .find(|l| l.starts_with("Total"))
                    .unwrap_or_default();
                assert!(
                    total.split_whitespace().nth(2) == Some(want.as_str()),
                    "{id} {}: total row {total:?} != score {want}",
                    le.lens
                );
            }
        }
    }

    #[test]
    fn plan_text_snapshots() {
        let qs = testutil::sample_questions();
        let plans = testutil::sample_plans();
        insta::assert_snapshot!(
            "plan_feasible_en",
            render_plan_text(&plans[0], &qs, Lang::En)
        );
        insta::assert_snapshot!(
            "plan_feasible_zh",
            render_plan_text(&plans[0], &qs, Lang::ZhTw)
        );
        insta::assert_snapshot!("plan_gate_en", render_plan_text(&plans[1], &qs, Lang::En));
    }
}
