//! Exports of the question bank for people and other tools: CSV, JSON and Markdown listings of
//! the questions (one language, optionally one lens), and the crosswalk as text or CSV.
//!
//! Question text may come from a buyer overlay, so every export neutralizes it for its format:
//! CSV cells cannot start a spreadsheet formula, Markdown text cannot open markup.

use crate::{Catalog, lenses_of};
use scrm_model::{AiRole, AnswerKind, Framework, GovernanceTag, Lang, Lens, Question, References};
use serde::Serialize;

/// The questions an export lists: enabled, in catalog order, in the lens if one is given.
fn selected(c: &Catalog, filter: Option<Lens>) -> impl Iterator<Item = &Question> {
    c.questions()
        .iter()
        .filter(move |q| filter.is_none_or(|l| lenses_of(q).contains(&l)))
}

/// One CSV field, quoted when needed, with a leading quote mark when a spreadsheet would
/// otherwise read it as a formula.
fn csv_field(raw: &str) -> String {
    let mut s = raw.replace(['\r', '\n'], " ");
    if s.starts_with(['=', '+', '-', '@', '\t']) {
        s.insert(0, '\'');
    }
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv_line(out: &mut String, fields: &[&str]) {
    let cells: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&cells.join(","));
    out.push('\n');
}

fn roles_list(q: &Question) -> Vec<&'static str> {
    q.roles.iter().map(|r| r.as_str()).collect()
}

/// Weights print with at least one decimal (`1.0`, `1.5`), the way catalog files write them.
fn weight_str(w: f64) -> String {
    format!("{w:?}")
}

/// The questions as CSV, one row per question, text in `lang`.
/// Columns: `id, lenses, topic, text, guidance, answer, na_allowed, weight, roles, governance,
/// airm, aims, csf, sp800_161, ai600_1, eu_ai_act, aliases`; lists are `; `-separated and
/// `roles` is `all` when every supplier is asked.
pub fn to_csv(c: &Catalog, lang: Lang, filter: Option<Lens>) -> String {
    let mut out = String::new();
    csv_line(
        &mut out,
        &[
            "id",
            "lenses",
            "topic",
            "text",
            "guidance",
            "answer",
            "na_allowed",
            "weight",
            "roles",
            "governance",
            "airm",
            "aims",
            "csf",
            "sp800_161",
            "ai600_1",
            "eu_ai_act",
            "aliases",
        ],
    );
    for q in selected(c, filter) {
        let lenses: Vec<&str> = lenses_of(q).iter().map(|l| l.as_str()).collect();
        let roles = if q.roles.is_empty() {
            "all".to_string()
        } else {
            roles_list(q).join("; ")
        };
        let r = &q.refs;
        csv_line(
            &mut out,
            &[
                q.id.as_str(),
                &lenses.join("; "),
                q.topic.get(lang),
                q.text.get(lang),
                q.guidance.get(lang),
                q.answer.kind.as_str(),
                if q.answer.na_allowed { "true" } else { "false" },
                &weight_str(q.weight),
                &roles,
                q.governance.as_str(),
                &r.airm.join("; "),
                &r.aims.join("; "),
                &r.csf.join("; "),
                &r.sp800_161.join("; "),
                &r.ai600_1.join("; "),
                &r.eu_ai_act.join("; "),
                &q.aliases.join("; "),
            ],
        );
    }
    out
}

#[derive(Serialize)]
struct JsonCatalog<'a> {
    id: &'a str,
    version: &'a str,
    hash: &'a str,
}

#[derive(Serialize)]
struct JsonQuestion<'a> {
    id: &'a str,
    lenses: Vec<Lens>,
    topic: &'a str,
    text: &'a str,
    guidance: &'a str,
    answer: AnswerKind,
    na_allowed: bool,
    weight: f64,
    roles: &'a [AiRole],
    governance: GovernanceTag,
    refs: &'a References,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aliases: &'a [String],
}

#[derive(Serialize)]
struct JsonExport<'a> {
    catalog: JsonCatalog<'a>,
    lang: Lang,
    lens: Option<Lens>,
    questions: Vec<JsonQuestion<'a>>,
}

/// The questions as pretty-printed JSON with the catalog id, version and hash, text in `lang`.
/// Field order is fixed by the types, whatever map implementation serde_json is built with.
pub fn to_json(c: &Catalog, lang: Lang, filter: Option<Lens>) -> String {
    let doc = JsonExport {
        catalog: JsonCatalog {
            id: c.id(),
            version: c.version(),
            hash: c.hash(),
        },
        lang,
        lens: filter,
        questions: selected(c, filter)
            .map(|q| JsonQuestion {
                id: q.id.as_str(),
                lenses: lenses_of(q),
                topic: q.topic.get(lang),
                text: q.text.get(lang),
                guidance: q.guidance.get(lang),
                answer: q.answer.kind,
                na_allowed: q.answer.na_allowed,
                weight: q.weight,
                roles: &q.roles,
                governance: q.governance,
                refs: &q.refs,
                aliases: &q.aliases,
            })
            .collect(),
    };
    // Plain structs of strings, numbers and unit enums: serialization cannot fail.
    let mut json = serde_json::to_string_pretty(&doc).expect("catalog export serializes");
    json.push('\n');
    json
}

/// Escapes text so Markdown shows it literally: no emphasis, links, HTML or table cells, and
/// no line breaks that could start a heading or list.
fn md(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Labels the Markdown export uses, per language ([`labels`]); `catalog show` reads its field
/// labels from here too, so both say a question's fields alike.
pub struct Labels {
    all_lenses: &'static str,
    hash: &'static str,
    language: &'static str,
    count: fn(usize) -> String,
    /// The evidence asked for.
    pub evidence: &'static str,
    /// How the question is answered.
    pub answer: &'static str,
    /// The question's weight.
    pub weight: &'static str,
    /// The roles it applies to.
    pub applies: &'static str,
    /// Its ISO/IEC 38500 governance task.
    pub governance: &'static str,
    references: &'static str,
    /// What a question for every role applies to.
    pub every_supplier: &'static str,
    maturity: &'static str,
    yes_partial_no: &'static str,
    or_na: &'static str,
    /// Between a label and its value.
    pub colon: &'static str,
    /// Between the items of a list.
    pub list_sep: &'static str,
    group_sep: &'static str,
}

/// The labels for `lang`.
pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::En => &EN,
        Lang::ZhTw => &ZH_TW,
    }
}

const EN: Labels = Labels {
    all_lenses: "all lenses",
    hash: "Catalog hash",
    language: "Language",
    count: |n| {
        if n == 1 {
            "1 question".into()
        } else {
            format!("{n} questions")
        }
    },
    evidence: "Evidence",
    answer: "Answer",
    weight: "Weight",
    applies: "Applies to",
    governance: "Governance task",
    references: "References",
    every_supplier: "every supplier",
    maturity: "maturity 0-5",
    yes_partial_no: "yes / partial / no",
    or_na: ", or na",
    colon: ": ",
    list_sep: ", ",
    group_sep: "; ",
};

const ZH_TW: Labels = Labels {
    all_lenses: "全部構面",
    hash: "題庫雜湊值",
    language: "語言",
    count: |n| format!("共 {n} 題"),
    evidence: "佐證資料",
    answer: "回答方式",
    weight: "權重",
    applies: "適用對象",
    governance: "治理任務",
    references: "參照標準",
    every_supplier: "所有供應商",
    maturity: "成熟度 0–5",
    yes_partial_no: "是／部分／否",
    or_na: "，或「不適用」",
    colon: "：",
    list_sep: "、",
    group_sep: "；",
};

/// A role's name in `lang`.
pub fn role_label(r: AiRole, lang: Lang) -> &'static str {
    match (r, lang) {
        (AiRole::Provider, Lang::En) => "provider",
        (AiRole::Integrator, Lang::En) => "integrator",
        (AiRole::Deployer, Lang::En) => "deployer",
        (AiRole::None, Lang::En) => "no AI",
        (AiRole::Provider, Lang::ZhTw) => "提供者",
        (AiRole::Integrator, Lang::ZhTw) => "整合者",
        (AiRole::Deployer, Lang::ZhTw) => "部署者",
        (AiRole::None, Lang::ZhTw) => "不涉及 AI",
    }
}

fn references_line(r: &References, lang: Lang, l: &Labels) -> String {
    let mut groups = Vec::new();
    for (framework, ids) in r.by_framework() {
        if ids.is_empty() {
            continue;
        }
        let ids = ids.join(l.list_sep);
        groups.push(match (framework, lang) {
            (Framework::AiRmf, _) => format!("AI RMF 1.0 {ids}"),
            (Framework::Iso42001, _) => format!("ISO/IEC 42001 {ids}"),
            (Framework::Csf, _) => format!("CSF 2.0 {ids}"),
            (Framework::Sp800_161, _) => format!("SP 800-161r1 {ids}"),
            (Framework::Ai600_1, _) => format!("AI 600-1 {ids}"),
            (Framework::EuAiAct, Lang::En) => format!("EU AI Act art. {ids}"),
            (Framework::EuAiAct, Lang::ZhTw) => format!("歐盟人工智慧法第 {ids} 條"),
        });
    }
    md(&groups.join(l.group_sep))
}

/// The questions as a Markdown document for review, text in `lang`.
pub fn to_markdown(c: &Catalog, lang: Lang, filter: Option<Lens>) -> String {
    let l = labels(lang);
    let questions: Vec<&Question> = selected(c, filter).collect();
    let scope = filter.map_or(l.all_lenses, |lens| lens.label(lang));
    let mut out = format!("# {} {} · {}\n\n", md(c.id()), md(c.version()), scope);
    out.push_str(&format!("{}{}`{}`  \n", l.hash, l.colon, c.hash()));
    out.push_str(&format!(
        "{}{}{} · {}\n",
        l.language,
        l.colon,
        lang.tag(),
        (l.count)(questions.len())
    ));
    for q in questions {
        out.push_str(&format!(
            "\n## {} {}\n\n",
            md(q.id.as_str()),
            md(q.topic.get(lang))
        ));
        out.push_str(&md(q.text.get(lang)));
        out.push_str("\n\n");
        let answer = match q.answer.kind {
            AnswerKind::Maturity => l.maturity,
            AnswerKind::YesPartialNo => l.yes_partial_no,
        };
        let na = if q.answer.na_allowed { l.or_na } else { "" };
        let applies = if q.roles.is_empty() {
            l.every_supplier.to_string()
        } else {
            q.roles
                .iter()
                .map(|r| role_label(*r, lang))
                .collect::<Vec<_>>()
                .join(l.list_sep)
        };
        let items = [
            (l.evidence, md(q.guidance.get(lang))),
            (l.answer, format!("{answer}{na}")),
            (l.weight, weight_str(q.weight)),
            (l.applies, applies),
            (l.governance, q.governance.label(lang).to_string()),
            (l.references, references_line(&q.refs, lang, l)),
        ];
        for (label, value) in items {
            out.push_str(&format!("- **{label}**{}{value}\n", l.colon));
        }
    }
    out
}

/// The crosswalk as an aligned plain-text table: `airm | iso | note`.
pub fn crosswalk_text(c: &Catalog) -> String {
    let pairs = c.crosswalk().pairs();
    let width = |f: &dyn Fn(&crate::CrosswalkPair) -> usize, header: &str| {
        pairs
            .iter()
            .map(f)
            .chain([header.chars().count()])
            .max()
            .unwrap_or_default()
    };
    let wa = width(&|p| p.airm.chars().count(), "airm");
    let wi = width(&|p| p.iso.chars().count(), "iso");
    let mut out = String::new();
    let mut row = |a: &str, i: &str, n: &str| {
        let line = format!("{a:<wa$} | {i:<wi$} | {n}");
        out.push_str(line.trim_end());
        out.push('\n');
    };
    row("airm", "iso", "note");
    row(&"-".repeat(wa), &"-".repeat(wi), "----");
    for p in pairs {
        // Notes are ours (the crosswalk is embedded data), but keep one pair per line.
        let note = p
            .note
            .as_deref()
            .unwrap_or_default()
            .replace(['\r', '\n'], " ");
        row(&p.airm, &p.iso, &note);
    }
    out
}

/// The crosswalk as CSV with the header `airm,iso,provenance,note`.
pub fn crosswalk_csv(c: &Catalog) -> String {
    let mut out = String::new();
    csv_line(&mut out, &crate::crosswalk::HEADER);
    for p in c.crosswalk().pairs() {
        csv_line(
            &mut out,
            &[
                &p.airm,
                &p.iso,
                &p.provenance,
                p.note.as_deref().unwrap_or_default(),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells that a spreadsheet would evaluate are defused; quoting follows RFC 4180.
    #[test]
    fn csv_cells_are_safe() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("line\nbreak"), "line break");
        assert_eq!(csv_field("資料"), "資料");
    }

    /// Markdown specials and line breaks are shown literally.
    #[test]
    fn markdown_is_escaped() {
        assert_eq!(
            md("<script>*x*</script>"),
            "\\<script\\>\\*x\\*\\</script\\>"
        );
        assert_eq!(md("a\n# b"), "a \\# b");
        assert_eq!(md("[link](http://x)"), "\\[link\\](http://x)");
    }
}
