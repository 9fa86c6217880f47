//! `scrm catalog`: list, show, export and the crosswalk.

use crate::cli::{CatalogArgs, CatalogCommand, TextFormat};
use crate::context;
use crate::output;
use anyhow::{Result, anyhow, bail};
use scrm_catalog::{export, lenses_of};
use scrm_model::{Framework, Lang, Lens, QuestionLookup, Resolution};

fn lens(s: Option<&str>) -> Option<Lens> {
    match s {
        Some("airm") => Some(Lens::Airm),
        Some("aims") => Some(Lens::Aims),
        Some("cscrm") => Some(Lens::Cscrm),
        _ => None,
    }
}

/// Runs `scrm catalog`.
pub fn run(a: &CatalogArgs) -> Result<u8> {
    let c = context::catalog(a.catalog.as_deref())?;
    match &a.command {
        CatalogCommand::List { framework, lang } => {
            let lang = context::lang(lang)?;
            let filter = lens(framework.as_deref());
            let mut s = format!(
                "# catalog {} {} ({})\n",
                c.id(),
                c.version(),
                &c.hash()[..12]
            );
            let rows: Vec<(&str, &str, String, &str)> = c
                .questions()
                .iter()
                .filter(|q| filter.is_none_or(|l| lenses_of(q).contains(&l)))
                .map(|q| {
                    let lenses: Vec<&str> = lenses_of(q).iter().map(|l| l.as_str()).collect();
                    (
                        q.id.as_str(),
                        q.answer.kind.as_str(),
                        lenses.join(","),
                        q.topic.get(lang),
                    )
                })
                .collect();
            // Columns as wide as their longest entry (ids run to 21 characters), so the topics
            // line up. `as_str` because `QuestionId`'s Display ignores width and padding.
            let w_id = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
            let w_kind = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
            let w_lens = rows.iter().map(|r| r.2.len()).max().unwrap_or(0);
            for (id, kind, lenses, topic) in &rows {
                s.push_str(&format!(
                    "{id:<w_id$}  {kind:<w_kind$}  {lenses:<w_lens$}  {topic}\n"
                ));
            }
            output::print(&s)?;
        }
        CatalogCommand::Show { id, lang, format } => {
            let lang = context::lang(lang)?;
            let qid = match c.resolve(id) {
                Resolution::Known(q, _) => q,
                Resolution::Unknown { suggestion } => {
                    let hint = suggestion
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    bail!("'{id}' is not a question in the catalog{hint}");
                }
            };
            let Some(q) = c.question(qid.as_str()) else {
                bail!("question {qid} is switched off by the catalog overlay");
            };
            match format {
                TextFormat::Json => output::print(&(serde_json::to_string_pretty(q)? + "\n"))?,
                TextFormat::Human => {
                    let r = &q.refs;
                    let zh = lang == Lang::ZhTw;
                    // In Chinese, the labels and role names `catalog export --lang zh-TW` uses,
                    // so both read alike; in English, the plain ones below.
                    let zl = export::labels(Lang::ZhTw);
                    let label = |en: &str, zh_tw: &str| -> String {
                        if zh {
                            format!("{zh_tw}{}", zl.colon)
                        } else {
                            en.to_string()
                        }
                    };
                    // Padded in English; in Chinese, wide characters would not line up anyway.
                    let row = |l: String, v: &str| {
                        if zh {
                            format!("{l}{v}\n")
                        } else {
                            format!("{l:<12} {v}\n")
                        }
                    };
                    let mut s = format!(
                        "{}  {}\n\n{}\n\n{}{}\n\n",
                        q.id,
                        q.topic.get(lang),
                        q.text.get(lang),
                        label("Evidence: ", zl.evidence),
                        q.guidance.get(lang)
                    );
                    s.push_str(&row(
                        label("answer:", zl.answer),
                        &format!(
                            "{}{}",
                            q.answer.kind.as_str(),
                            match (q.answer.na_allowed, zh) {
                                (false, _) => "",
                                (true, false) => " (na allowed)",
                                (true, true) => "（可答 na：不適用）",
                            }
                        ),
                    ));
                    s.push_str(&row(label("weight:", zl.weight), &q.weight.to_string()));
                    let roles: Vec<&str> = q
                        .roles
                        .iter()
                        .map(|r| {
                            if zh {
                                export::role_label(*r, lang)
                            } else {
                                r.as_str()
                            }
                        })
                        .collect();
                    s.push_str(&row(
                        label("roles:", zl.applies),
                        &match (roles.is_empty(), zh) {
                            (true, false) => "every supplier".to_string(),
                            (true, true) => zl.every_supplier.to_string(),
                            (false, _) => roles.join(if zh { zl.list_sep } else { ", " }),
                        },
                    ));
                    s.push_str(&row(
                        label("governance:", zl.governance),
                        &format!("{:?}", q.governance).to_lowercase(),
                    ));
                    for (framework, v) in r.by_framework() {
                        let k = match framework {
                            Framework::AiRmf => "AI RMF",
                            Framework::Iso42001 => "ISO 42001",
                            Framework::Csf => "CSF 2.0",
                            Framework::Sp800_161 => "SP 800-161",
                            Framework::Ai600_1 => "AI 600-1",
                            Framework::EuAiAct => "EU AI Act",
                        };
                        if !v.is_empty() {
                            s.push_str(&format!("{:<12} {}\n", format!("{k}:"), v.join(", ")));
                        }
                    }
                    let xw: Vec<String> = r
                        .airm
                        .iter()
                        .flat_map(|a| c.crosswalk().iso_for(a))
                        .map(str::to_string)
                        .collect();
                    if !xw.is_empty() {
                        s.push_str(&if zh {
                            format!("交叉對照：亦計入 ISO/IEC 42001 {}\n", xw.join("、"))
                        } else {
                            format!(
                                "crosswalk:   also counts toward ISO/IEC 42001 {}\n",
                                xw.join(", ")
                            )
                        });
                    }
                    output::print(&s)?;
                }
            }
        }
        CatalogCommand::Export {
            format,
            lang,
            framework,
        } => {
            let lang = context::lang(lang)?;
            let f = lens(framework.as_deref());
            let text = match format.as_str() {
                "csv" => export::to_csv(&c, lang, f),
                "json" => export::to_json(&c, lang, f),
                "oscal" => {
                    if framework.is_some() {
                        bail!(
                            "--framework does not apply to --format oscal: the OSCAL catalog \
                             holds every question, so that every finding of an OSCAL assessment \
                             results document names one of its objectives"
                        );
                    }
                    let now = context::now()?.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                    let doc = scrm_oscal::catalog(&c, lang, &now);
                    String::from_utf8(scrm_oscal::to_json(&doc).map_err(|e| anyhow!("{e}"))?)
                        .map_err(|e| anyhow!("{e}"))?
                }
                _ => export::to_markdown(&c, lang, f),
            };
            output::print(&text)?;
        }
        CatalogCommand::Crosswalk { format } => {
            let text = if format == "csv" {
                export::crosswalk_csv(&c)
            } else {
                export::crosswalk_text(&c)
            };
            output::print(&text)?;
        }
    }
    Ok(0)
}
