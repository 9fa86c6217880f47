//! The per-supplier scorecard (`scrm report --vendor ID`): what a supplier gets when it scores
//! itself before a bid. Profile, scores per lens and per function or group (bar chart with the
//! tier's minimums), findings with their reasons, the what-if plan, evidence gaps, the views by
//! governance task and by GenAI risk and the per-question explanation when given, and the run
//! manifest.

use super::chart::{self, Bar};
use super::{TierThresholds, badge, escape_html, labels, manifest_section, page, score_text};
use crate::cell::fmt2;
use crate::i18n::{code_text, severity_label};
use crate::template::answer_word;
use scrm_model::{
    Answer, Code, Explanation, GovernanceView, Lang, Lens, Plan, Question, QuestionId, RiskView,
    RunManifest, Status, Vendor, VendorResult,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Everything the scorecard shows.
#[derive(Debug, Clone, Copy)]
pub struct ScorecardReport<'a> {
    /// The supplier's result.
    pub result: &'a VendorResult,
    /// The run's manifest.
    pub manifest: &'a RunManifest,
    /// The question bank (question texts).
    pub questions: &'a [Question],
    /// The supplier's profile and answers (for evidence gaps); `None` when not at hand.
    pub vendor: Option<&'a Vendor>,
    /// Per-tier minimums; the supplier's tier is drawn as markers. May be empty.
    pub thresholds: &'a [TierThresholds],
    /// The what-if plan, when computed.
    pub plan: Option<&'a Plan>,
    /// The per-question explanation, when computed.
    pub explanation: Option<&'a Explanation>,
    /// The scores by ISO/IEC 38500 governance task, when computed.
    pub governance: Option<&'a GovernanceView>,
    /// Readiness against the GenAI risks of NIST AI 600-1, when computed.
    pub risks: Option<&'a RiskView>,
    /// The policy's maximum evidence age in days, to flag stale evidence (questions named by a
    /// `stale-evidence` finding are flagged either way).
    pub max_evidence_age_days: Option<u32>,
}

fn group_label(lens: Lens, id: &str) -> String {
    match lens {
        Lens::Aims if !id.starts_with('A') => format!("ISO 42001 §{id}"),
        Lens::Aims => format!("ISO 42001 {id}"),
        Lens::Airm => id.to_string(),
        Lens::Cscrm => format!("CSF {id}"),
    }
}

/// Renders the scorecard page (one self-contained HTML document).
pub fn render_scorecard_html(input: &ScorecardReport<'_>, lang: Lang) -> String {
    let t = labels(lang);
    let mut body = scorecard_sections(input, lang);
    body.push_str(&manifest_section(input.manifest, t));
    let name = input.result.profile.name.as_deref().unwrap_or("");
    let subtitle = format!(
        "{} · {} {}",
        escape_html(&format!("{} {}", input.result.vendor_id, name)),
        t.h_as_of,
        input.manifest.as_of
    );
    page(lang, t.h_scorecard_title, &subtitle, &body, "")
}

/// The scorecard's sections, without the manifest and the page around them: the scorecard
/// itself, and the outcome part of the `scrm fill` page.
pub(crate) fn scorecard_sections(input: &ScorecardReport<'_>, lang: Lang) -> String {
    let t = labels(lang);
    let r = input.result;
    let qidx: BTreeMap<&str, &Question> =
        input.questions.iter().map(|q| (q.id.as_str(), q)).collect();
    let th = input.thresholds.iter().find(|x| x.tier == r.tier);
    let name = r.profile.name.as_deref().unwrap_or("");
    let mut body = String::new();

    // Identity and profile.
    let p = &r.profile;
    let _ = write!(
        body,
        "<section id=\"supplier\"><h2><span id=\"vendor-name\">{}</span> <span class=\"mono\" id=\"vendor-id\">{}</span> {}</h2><p class=\"note\">{} T{} {} · {}</p><dl class=\"kv\">",
        escape_html(name),
        escape_html(r.vendor_id.as_str()),
        badge(r.status, lang),
        t.h_tier,
        r.tier.index(),
        escape_html(r.tier.label(lang)),
        t.h_self_score_note
    );
    let opt = |s: Option<&str>| escape_html(s.unwrap_or("–")).into_owned();
    let profile_rows = [
        (t.h_country, opt(p.country.as_deref())),
        (t.h_criticality, opt(p.criticality.map(|c| c.as_str()))),
        (t.h_ai_role, opt(p.ai_role.map(|c| c.as_str()))),
        (t.h_data_access, opt(p.data_access.map(|c| c.as_str()))),
        (
            t.h_assessed_on,
            p.assessed_on.map_or("–".to_string(), |d| d.to_string()),
        ),
        (
            t.h_certifications,
            if p.certifications.is_empty() {
                "–".to_string()
            } else {
                escape_html(&p.certifications.join("; ")).into_owned()
            },
        ),
    ];
    for (k, v) in profile_rows {
        let _ = write!(body, "<dt>{k}</dt><dd>{v}</dd>");
    }
    body.push_str("</dl></section>\n");

    // Lens cards.
    let _ = write!(
        body,
        "<section id=\"scores\"><h2>{}</h2><div class=\"cards scorecards\">",
        t.h_lens_scores
    );
    let card = |label: &str, v: Option<f64>, level: Option<&str>, min: Option<f64>| -> String {
        let verdict = match (v, min) {
            (Some(v), Some(m)) if v < m => format!(
                "<div class=\"fail\">{} {}</div>",
                t.h_minimum,
                fmt2(Some(m))
            ),
            (Some(_), Some(m)) => format!(
                "<div class=\"pass\">{} {}</div>",
                t.h_minimum,
                fmt2(Some(m))
            ),
            _ => String::new(),
        };
        format!(
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"n\">{}</div><div class=\"lvl\">{}</div>{verdict}</div>",
            escape_html(label),
            score_text(v),
            escape_html(level.unwrap_or(if v.is_none() { t.h_not_applicable } else { "" }))
        )
    };
    body.push_str(&card(
        t.h_combined,
        r.combined_score,
        r.combined_level.map(|m| m.label(lang)),
        th.map(|x| x.combined),
    ));
    for lens in Lens::ALL {
        let ls = r.lens(lens);
        let min = th.and_then(|x| match lens {
            Lens::Airm => Some(x.airm),
            Lens::Aims => Some(x.aims),
            Lens::Cscrm => None,
        });
        body.push_str(&card(
            lens.label(lang),
            ls.score,
            ls.level.map(|m| m.label(lang)),
            min,
        ));
    }
    let cov_verdict = match th {
        Some(x) if r.coverage < x.coverage => format!(
            "<div class=\"fail\">{} {:.0}%</div>",
            t.h_minimum,
            x.coverage * 100.0
        ),
        Some(x) => format!(
            "<div class=\"pass\">{} {:.0}%</div>",
            t.h_minimum,
            x.coverage * 100.0
        ),
        None => String::new(),
    };
    let _ = write!(
        body,
        "<div class=\"card\"><div class=\"k\">{}</div><div class=\"n\">{:.0}%</div><div class=\"lvl\">{}/{} {}</div>{cov_verdict}</div>\
<div class=\"card\"><div class=\"k\">{}</div><div class=\"n\">{:.0}%</div></div>\
<div class=\"card\"><div class=\"k\">{}</div><div class=\"n\">{}/5</div></div></div>",
        t.h_coverage,
        r.coverage * 100.0,
        r.answered,
        r.applicable,
        t.h_answered,
        t.h_confidence,
        r.confidence * 100.0,
        t.h_residual,
        r.residual_risk
    );

    // Bars per function and group.
    let mut items: Vec<Bar> = Vec::new();
    for lens in Lens::ALL {
        let ls = r.lens(lens);
        items.push(Bar {
            label: lens.label(lang).to_string(),
            value: ls.score,
            minimum: th.and_then(|x| match lens {
                Lens::Airm => Some(x.airm),
                Lens::Aims => Some(x.aims),
                Lens::Cscrm => None,
            }),
            heading: true,
        });
        for g in ls.groups.iter().filter(|g| g.score.is_some()) {
            items.push(Bar {
                label: group_label(lens, &g.id),
                value: g.score,
                minimum: None,
                heading: false,
            });
        }
    }
    let _ = writeln!(
        body,
        "<h3 style=\"font-size:14px;margin:14px 0 6px\">{}</h3>{}</section>",
        t.h_group_scores,
        chart::bars(&items, t.h_threshold)
    );

    // Findings.
    let _ = write!(body, "<section id=\"findings\"><h2>{}</h2>", t.h_findings);
    if r.findings.is_empty() {
        let _ = write!(body, "<p>{}</p>", t.h_no_findings);
    } else {
        let _ = write!(
            body,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            t.h_severity, t.h_code, t.h_message, t.h_lens, t.h_questions, t.h_exempted
        );
        let mut fs: Vec<_> = r.findings.iter().collect();
        fs.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)));
        for f in fs {
            let _ = write!(
                body,
                "<tr class=\"finding\" data-code=\"{}\"><td class=\"sev-{}\">{}</td><td class=\"mono\">{}</td><td>{}<div class=\"note\">{}</div></td><td>{}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
                f.code.as_str(),
                f.severity.as_str(),
                severity_label(f.severity, lang),
                f.code.as_str(),
                escape_html(&f.message()),
                escape_html(code_text(f.code, lang)),
                f.lens.map(|l| l.label(lang)).unwrap_or(""),
                escape_html(&join_ids(&f.questions)),
                escape_html(f.exempted.as_deref().unwrap_or(""))
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("</section>\n");

    // Plan.
    body.push_str(&plan_section(input.plan, r, &qidx, lang));

    // Evidence gaps.
    body.push_str(&evidence_section(input, &qidx, lang));

    // The views.
    if let Some(g) = input.governance {
        body.push_str(&governance_section(g, lang));
    }
    if let Some(rv) = input.risks {
        body.push_str(&risk_section(rv, lang));
    }

    // Explanation.
    if let Some(e) = input.explanation {
        body.push_str(&explanation_section(e, &qidx, lang));
    }

    body
}

fn join_ids(qs: &[QuestionId]) -> String {
    qs.iter().map(|q| q.as_str()).collect::<Vec<_>>().join(", ")
}

fn qtext<'a>(qidx: &BTreeMap<&str, &'a Question>, id: &str, lang: Lang) -> &'a str {
    qidx.get(id).map(|q| q.text.get(lang)).unwrap_or("")
}

fn plan_section(
    plan: Option<&Plan>,
    r: &VendorResult,
    qidx: &BTreeMap<&str, &Question>,
    lang: Lang,
) -> String {
    let t = labels(lang);
    let mut s = String::new();
    let _ = write!(s, "<section id=\"plan\"><h2>{}</h2>", t.h_plan);
    let Some(p) = plan else {
        if r.status != Status::Eligible {
            let _ = write!(s, "<p class=\"note\">{}</p>", t.h_no_plan);
        } else {
            let _ = write!(s, "<p>{}</p>", badge(Status::Eligible, lang));
        }
        s.push_str("</section>\n");
        return s;
    };
    let _ = write!(
        s,
        "<p>{} {} → {}</p>",
        t.t_status,
        badge(p.status_before, lang),
        badge(p.status_after, lang)
    );
    if !p.unfixable.is_empty() {
        let _ = write!(s, "<p class=\"fail\">{}</p>", t.t_excluded);
    }
    if !p.steps.is_empty() {
        let _ = write!(
            s,
            "<table><thead><tr><th>#</th><th>ID</th><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
            t.h_question, t.t_answer, t.t_increase
        );
        for (i, st) in p.steps.iter().enumerate() {
            let w = |v| answer_word(v, lang).unwrap_or_else(|| t.t_unblank.to_string());
            let _ = write!(
                s,
                "<tr class=\"step\"><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td class=\"num\">{} → <b>{}</b></td><td class=\"num\">+{}</td></tr>",
                i + 1,
                escape_html(st.question.as_str()),
                escape_html(qtext(qidx, st.question.as_str(), lang)),
                escape_html(&w(st.from)),
                escape_html(&w(st.to)),
                fmt2(Some(st.increase))
            );
        }
        let _ = write!(
            s,
            "</tbody></table><p>{}: +{}</p>",
            t.t_total_increase,
            fmt2(Some(p.total_increase))
        );
    } else {
        let _ = write!(s, "<p>{}</p>", t.t_no_steps);
    }
    if !p.feasible {
        let _ = write!(s, "<p class=\"fail\">{}</p>", t.t_infeasible);
    }
    for (title, fs) in [(t.t_unfixable, &p.unfixable), (t.t_remaining, &p.remaining)] {
        if fs.is_empty() {
            continue;
        }
        let _ = write!(
            s,
            "<h3 style=\"font-size:14px;margin:12px 0 4px\">{title}</h3><ul>"
        );
        for f in fs {
            let _ = write!(
                s,
                "<li><span class=\"mono\">{}</span>: {}</li>",
                f.code.as_str(),
                escape_html(&f.message())
            );
        }
        s.push_str("</ul>");
    }
    if p.feasible {
        let _ = write!(s, "<p class=\"note\">{}</p>", t.plan_proof(p));
    }
    s.push_str("</section>\n");
    s
}

/// Positive answers without evidence, or with evidence older than the policy allows (or named by
/// a `stale-evidence` / `missing-evidence` finding).
fn evidence_section(
    input: &ScorecardReport<'_>,
    qidx: &BTreeMap<&str, &Question>,
    lang: Lang,
) -> String {
    let t = labels(lang);
    let r = input.result;
    let as_of = input.manifest.as_of;
    let flagged = |code: Code| -> BTreeSet<&str> {
        r.findings
            .iter()
            .filter(|f| f.code == code)
            .flat_map(|f| f.questions.iter().map(|q| q.as_str()))
            .collect()
    };
    let stale_named = flagged(Code::StaleEvidence);
    let missing_named = flagged(Code::MissingEvidence);
    // question -> (answer, problem)
    let mut rows: BTreeMap<&str, (Option<&Answer>, &str)> = BTreeMap::new();
    if let Some(v) = input.vendor {
        for (qid, a) in &v.answers {
            if !a.value.normalized().is_some_and(|x| x > 0.0) {
                continue;
            }
            let age = a.evidence_date.map(|d| (as_of - d).num_days());
            let too_old = match (age, input.max_evidence_age_days) {
                (Some(age), Some(max)) => age > i64::from(max),
                _ => false,
            };
            if !a.has_evidence() {
                rows.insert(qid.as_str(), (Some(a), t.h_no_evidence));
            } else if too_old || stale_named.contains(qid.as_str()) {
                rows.insert(qid.as_str(), (Some(a), t.h_stale_evidence));
            }
        }
    }
    let answers = input.vendor.map(|v| &v.answers);
    for q in &missing_named {
        let a = answers.and_then(|m| m.get(*q));
        rows.entry(q).or_insert((a, t.h_no_evidence));
    }
    for q in &stale_named {
        let a = answers.and_then(|m| m.get(*q));
        rows.entry(q).or_insert((a, t.h_stale_evidence));
    }
    let mut s = String::new();
    let _ = write!(s, "<section id=\"evidence\"><h2>{}</h2>", t.h_evidence_gaps);
    if rows.is_empty() {
        let _ = writeln!(s, "<p>{}</p></section>", t.h_evidence_none);
        return s;
    }
    let _ = write!(
        s,
        "<table><thead><tr><th>ID</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
        t.h_question, t.t_answer, t.h_evidence, t.h_evidence_date, t.h_age_days, t.h_problem
    );
    for (qid, (a, problem)) in rows {
        let ans = a
            .and_then(|a| answer_word(a.value, lang))
            .unwrap_or_default();
        let date = a.and_then(|a| a.evidence_date);
        let _ = write!(
            s,
            "<tr class=\"evidence-gap\"><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"fail\">{}</td></tr>",
            escape_html(qid),
            escape_html(qtext(qidx, qid, lang)),
            escape_html(&ans),
            escape_html(a.and_then(|a| a.evidence.as_deref()).unwrap_or("")),
            date.map(|d| d.to_string()).unwrap_or_default(),
            date.map(|d| (as_of - d).num_days().to_string())
                .unwrap_or_default(),
            problem
        );
    }
    s.push_str("</tbody></table></section>\n");
    s
}

/// A bar of `share` (0-1) of its width: the views' one chart, plain HTML so it prints. None
/// draws nothing: "no question" must not look like "nothing in place".
pub(crate) fn share_bar(share: Option<f64>) -> String {
    let Some(share) = share else {
        return String::new();
    };
    let pct = (share.clamp(0.0, 1.0) * 100.0).round();
    format!(
        "<div style=\"background:#e5e7eb;width:120px;height:8px;display:inline-block\"><div style=\"background:#2563eb;width:{pct}%;height:8px\"></div></div>"
    )
}

/// A lens table's heading: its name and score; or, when it has no score, a note saying why (no
/// question of it applies, or its groups all weigh 0: `zero_weights`) and `false` (no table
/// follows).
fn lens_heading(
    s: &mut String,
    lens: Lens,
    (score, zero_weights): (Option<f64>, bool),
    lang: Lang,
) -> bool {
    let t = labels(lang);
    let _ = write!(
        s,
        "<h3 style=\"font-size:14px;margin:12px 0 4px\">{} — {} {}</h3>",
        escape_html(lens.label(lang)),
        t.t_score,
        score_text(score)
    );
    if score.is_none() {
        let why = if zero_weights {
            t.t_zero_weight_lens
        } else {
            t.t_not_applicable_lens
        };
        let _ = write!(s, "<p class=\"note\">{why}</p>");
        return false;
    }
    true
}

fn governance_section(g: &GovernanceView, lang: Lang) -> String {
    let t = labels(lang);
    let mut s = String::new();
    let _ = write!(
        s,
        "<section id=\"governance\"><h2>{}</h2>",
        t.t_governance_title
    );
    for lg in &g.lenses {
        if !lens_heading(&mut s, lg.lens, (lg.score, lg.zero_weights), lang) {
            continue;
        }
        let _ = write!(
            s,
            "<table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
            t.t_task,
            t.t_contribution,
            t.t_possible,
            t.t_attained,
            t.t_questions,
            t.t_most_headroom
        );
        for ts in &lg.tasks {
            let weakest: Vec<&str> = ts.weakest.iter().map(|q| q.as_str()).collect();
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{} {}</td><td class=\"num\">{}</td><td class=\"mono\">{}</td></tr>",
                escape_html(ts.task.label(lang)),
                fmt2(Some(ts.contribution)),
                fmt2(Some(ts.possible)),
                share_bar(ts.attainment),
                ts.attainment
                    .map_or_else(|| "-".to_string(), |a| format!("{:.1}%", a * 100.0)),
                ts.questions,
                escape_html(&weakest.join(", "))
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</section>\n");
    s
}

fn risk_section(rv: &RiskView, lang: Lang) -> String {
    let t = labels(lang);
    let mut s = String::new();
    let _ = write!(
        s,
        "<section id=\"risks\"><h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
        t.t_risk_title, t.t_risk, t.t_readiness, t.t_questions, t.t_answered, t.t_weakest
    );
    for r in &rv.risks {
        let weakest: Vec<&str> = r.weakest.iter().map(|q| q.as_str()).collect();
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{} {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"mono\">{}</td></tr>",
            escape_html(r.risk.label(lang)),
            share_bar(r.readiness.map(|x| x / 5.0)),
            r.readiness
                .map_or_else(|| "-".to_string(), |x| fmt2(Some(x))),
            r.questions,
            r.answered,
            escape_html(&weakest.join(", "))
        );
    }
    let _ = writeln!(
        s,
        "</tbody></table><p class=\"note\">{}</p></section>",
        escape_html(t.t_risk_note)
    );
    s
}

fn explanation_section(e: &Explanation, qidx: &BTreeMap<&str, &Question>, lang: Lang) -> String {
    let t = labels(lang);
    let mut s = String::new();
    let _ = write!(
        s,
        "<section id=\"explanation\"><h2>{}</h2>",
        t.h_explanation
    );
    for le in &e.lenses {
        if !lens_heading(&mut s, le.lens, (le.score, le.zero_weights), lang) {
            continue;
        }
        let _ = write!(
            s,
            "<table><thead><tr><th>ID</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
            t.h_question, t.t_answer, t.t_effective, t.t_share, t.t_contribution, t.t_headroom
        );
        let cs = le.by_contribution();
        for c in &cs {
            let _ = write!(
                s,
                "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.1}%</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape_html(c.question.as_str()),
                escape_html(qtext(qidx, c.question.as_str(), lang)),
                escape_html(
                    &answer_word(c.answer, lang).unwrap_or_else(|| t.t_unblank.to_string())
                ),
                c.effective,
                c.coefficient * 100.0,
                fmt2(Some(c.contribution)),
                fmt2(Some(c.headroom))
            );
        }
        let total: f64 = cs.iter().map(|c| c.contribution).sum();
        let _ = write!(
            s,
            "<tr><th colspan=\"5\">{}</th><th class=\"num\">{}</th><th></th></tr></tbody></table>",
            t.t_total,
            fmt2(Some(total))
        );
    }
    s.push_str("</section>\n");
    s
}
