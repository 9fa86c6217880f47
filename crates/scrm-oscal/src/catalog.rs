//! scrm's question bank as an OSCAL catalog: the controls the assessment results' findings
//! target. Each question is a control with its statement, guidance and assessment objective;
//! the policy's rules (each lens's tier threshold, each finding code's rule) are controls too,
//! so that every finding's `target-id` names an objective in this catalog.

use crate::ids::Ids;
use crate::model::{Catalog as OscalCatalog, CatalogDocument, Control, Group, Metadata, Part};
use crate::text::{markup, string};
use crate::vendor::{objective, push_references, question_control, rule_control};
use crate::{OSCAL_VERSION, prop};
use scrm_catalog::{Catalog, lenses_of};
use scrm_model::{AnswerKind, Code, Lang, Lens, Question};

/// What an answer to a question must be for its objective to be met.
const QUESTION_OBJECTIVE: &str = "The question is answered, positive answers are backed by \
     current evidence, the answer agrees with the supplier's other answers and profile, and it \
     reaches the policy's minimum for the supplier's tier where the question is a knock-out.";

/// One question as a control.
fn question(q: &Question, lang: Lang) -> Control {
    let id = question_control(q.id.as_str());
    let mut props = vec![crate::model::Property {
        // OSCAL's own `label` property: the id as people write it.
        name: "label".into(),
        ns: None,
        value: string(q.id.as_str()).unwrap_or_default(),
        class: None,
    }];
    props.push(prop(
        "answer-kind",
        match q.answer.kind {
            AnswerKind::Maturity => "maturity-0-5",
            AnswerKind::YesPartialNo => "yes-partial-no",
        }
        .into(),
    ));
    props.push(prop("na-allowed", q.answer.na_allowed.to_string()));
    props.push(prop("weight", crate::score_value(q.weight)));
    props.extend(q.roles.iter().map(|r| prop("ai-role", r.as_str().into())));
    props.push(prop("governance-task", q.governance.as_str().into()));
    push_references(q, &mut props);
    let mut parts = vec![Part {
        id: format!("{id}_smt"),
        name: "statement".into(),
        prose: markup(q.text.get(lang)),
    }];
    if let Some(g) = string(q.guidance.get(lang)) {
        parts.push(Part {
            id: format!("{id}_gdn"),
            name: "guidance".into(),
            prose: markup(&g),
        });
    }
    parts.push(Part {
        id: objective(&id),
        name: "assessment-objective".into(),
        prose: QUESTION_OBJECTIVE.into(),
    });
    Control {
        title: markup(q.topic.get(lang)),
        id,
        class: "question".into(),
        props,
        parts,
    }
}

/// A rule of the policy as a control: its title, what it checks, and its objective.
fn rule(rule: &str, title: String, statement: String, objective_text: String) -> Control {
    let id = rule_control(rule);
    Control {
        parts: vec![
            Part {
                id: format!("{id}_smt"),
                name: "statement".into(),
                prose: statement,
            },
            Part {
                id: objective(&id),
                name: "assessment-objective".into(),
                prose: objective_text,
            },
        ],
        id,
        class: "rule".into(),
        title,
        props: Vec::new(),
    }
}

/// The policy's rules: a tier threshold per lens, then one rule per finding code.
fn rules() -> Vec<Control> {
    let mut out: Vec<Control> = Lens::ALL
        .iter()
        .map(|l| {
            let label = l.label(Lang::En);
            rule(
                &format!("lens-{}", l.as_str()),
                format!("{label} tier threshold"),
                format!(
                    "The supplier's {label} score and coverage are compared with the minimums \
                     the policy sets for its tier."
                ),
                format!("The {label} score and coverage reach the tier's minimums."),
            )
        })
        .collect();
    out.extend(Code::ALL.iter().map(|c| {
        let d = c.description();
        // "Supplier has an active SAM.gov exclusion" → "supplier has …": only the first letter.
        let mut chars = d.chars();
        let lowered: String = chars
            .next()
            .map(|f| f.to_lowercase().chain(chars).collect())
            .unwrap_or_default();
        rule(
            c.as_str(),
            format!("{}: {d}", c.as_str()),
            format!(
                "scrm raises finding {} (docs/codes.md) when: {lowered}.",
                c.as_str()
            ),
            format!("No {} finding is raised for the supplier.", c.as_str()),
        )
    }));
    out
}

/// The catalog as an OSCAL catalog in `lang`, dated `last_modified` (RFC 3339 with a zone):
/// a group per lens (each question in the first lens it counts in; questions in none under
/// `other`), then the policy's rules.
pub fn catalog(c: &Catalog, lang: Lang, last_modified: &str) -> CatalogDocument {
    let mut groups: Vec<Group> = Lens::ALL
        .iter()
        .map(|l| Group {
            id: l.as_str().into(),
            title: markup(l.label(lang)),
            controls: Vec::new(),
        })
        .collect();
    let mut other = Vec::new();
    for q in c.questions() {
        let control = question(q, lang);
        match lenses_of(q).first() {
            Some(l) => groups[*l as usize].controls.push(control),
            None => other.push(control),
        }
    }
    if !other.is_empty() {
        groups.push(Group {
            id: "other".into(),
            title: match lang {
                Lang::En => "Other questions".into(),
                Lang::ZhTw => "其他問題".into(),
            },
            controls: other,
        });
    }
    groups.retain(|g| !g.controls.is_empty());
    groups.push(Group {
        id: "rules".into(),
        title: match lang {
            Lang::En => "Rules of the scoring policy".into(),
            Lang::ZhTw => "評分政策規則".into(),
        },
        controls: rules(),
    });
    CatalogDocument {
        catalog: OscalCatalog {
            // A translation is another document: the language is part of the name.
            uuid: Ids::named("catalog", &format!("{}\u{1f}{}", c.hash(), lang.tag())),
            metadata: Metadata {
                title: format!(
                    "scrm question bank {} {}",
                    crate::text::markup_inline(c.id()),
                    crate::text::markup_inline(c.version())
                ),
                last_modified: last_modified.to_string(),
                version: string(c.version()).unwrap_or_else(|| "unversioned".into()),
                oscal_version: OSCAL_VERSION.into(),
                props: vec![
                    prop("catalog-sha256", c.hash().to_string()),
                    prop("language", lang.tag().to_string()),
                ],
                parties: Vec::new(),
            },
            groups,
        },
    }
}
