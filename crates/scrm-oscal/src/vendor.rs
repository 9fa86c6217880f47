//! One supplier's result in OSCAL terms: its party, an observation and a finding per scrm
//! finding, a risk when it is at risk or excluded (with the improvement plan as the remediation),
//! and the POA&M items for what it must resolve.

use crate::ids::Ids;
use crate::model::{
    Finding, ObjectiveStatus, Observation, OnDate, Party, PoamItem, Property, RelatedObservation,
    RelatedRisk, Response, Risk, SubjectReference, Target, Task, Timing,
};
use crate::text::{markup, markup_inline, string, token};
use crate::{prop, score_value};
use scrm_catalog::Catalog;
use scrm_model::{Framework, Lens, Plan, Question, QuestionId, Severity, Status, VendorResult};

/// What the OSCAL documents need of one supplier.
pub(crate) struct VendorParts {
    /// The supplier as an organization.
    pub party: Party,
    /// One per finding, in the result's order.
    pub observations: Vec<Observation>,
    /// One per finding.
    pub findings: Vec<Finding>,
    /// The supplier's standing as a risk, when at risk or excluded.
    pub risk: Option<Risk>,
    /// One per warning or denial.
    pub poam_items: Vec<PoamItem>,
}

/// The supplier's display name, a plain one-line string: its profile name, else its id (which
/// is supplier text too: a vendor id may hold control characters).
pub(crate) fn display_name(r: &VendorResult) -> String {
    r.profile
        .name
        .as_deref()
        .and_then(string)
        .or_else(|| string(r.vendor_id.as_str()))
        .unwrap_or_default()
}

/// The framework references of some questions, de-duplicated, as `reference` properties whose
/// class names the framework.
pub(crate) fn references(catalog: &Catalog, questions: &[QuestionId]) -> Vec<Property> {
    let mut out: Vec<Property> = Vec::new();
    for q in questions {
        if let Some(q) = catalog.question(q.as_str()) {
            push_references(q, &mut out);
        }
    }
    out
}

/// Appends one question's framework references not already in `out`.
pub(crate) fn push_references(q: &Question, out: &mut Vec<Property>) {
    for (framework, ids) in q.refs.by_framework() {
        let class = match framework {
            Framework::AiRmf => "nist-ai-rmf-1.0",
            Framework::Iso42001 => "iso-iec-42001-2023",
            Framework::Csf => "nist-csf-2.0",
            Framework::Sp800_161 => "nist-sp-800-161r1",
            Framework::Ai600_1 => "nist-ai-600-1",
            Framework::EuAiAct => "eu-ai-act",
        };
        for id in ids {
            let Some(value) = string(id) else { continue };
            let p = prop("reference", value).with_class(class);
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
}

/// The catalog control a question is exported as (`GV-6.1` → `gv-6.1`).
pub(crate) fn question_control(q: &str) -> String {
    token(q)
}

/// The catalog control of a policy rule: a lens's tier threshold (`rule-lens-airm`) or a
/// finding code's rule (`rule-hard-gate-sam`).
pub(crate) fn rule_control(rule: &str) -> String {
    token(&format!("rule-{rule}"))
}

/// The assessment objective of a control, the part a finding's target names.
pub(crate) fn objective(control: &str) -> String {
    format!("{control}_obj")
}

/// What a finding is measured against, an assessment objective of the exported catalog
/// (`scrm catalog export --format oscal`): its first question's, else its lens's tier
/// threshold's, else its own rule's (a hard gate, the profile, the questionnaire's age).
fn target_id(f: &scrm_model::Finding) -> String {
    objective(&if let Some(q) = f.questions.first() {
        question_control(q.as_str())
    } else if let Some(l) = f.lens {
        rule_control(&format!("lens-{}", l.as_str()))
    } else {
        rule_control(f.code.as_str())
    })
}

/// A sentence on what a status means for the supplier.
fn statement(status: Status) -> &'static str {
    match status {
        Status::Excluded => {
            "The supplier is named on an exclusion list the policy treats as a hard gate. It \
             cannot be awarded work, whatever its answers, until the listing is resolved."
        }
        _ => {
            "The supplier fails a knock-out question or a threshold of the buyer's scoring \
             policy. Unless its answers improve, it may be dropped from the supply chain."
        }
    }
}

/// The supplier as an OSCAL party: an organization, named, with its vendor id and tier.
pub(crate) fn party(r: &VendorResult) -> Party {
    Party {
        uuid: Ids::party(r.vendor_id.as_str()),
        kind: "organization".into(),
        name: display_name(r),
        props: vec![
            prop(
                "vendor-id",
                string(r.vendor_id.as_str()).unwrap_or_default(),
            ),
            prop("tier", r.tier.as_str().to_string()),
        ],
    }
}

/// What one supplier's parts share: its ids, its risk's id when it has one, and the time.
struct Context<'a> {
    ids: &'a Ids,
    catalog: &'a Catalog,
    vid: &'a str,
    party_uuid: String,
    risk_uuid: Option<String>,
    collected: &'a str,
    /// The policy's remediation deadline, when it sets one.
    deadline: Option<&'a str>,
}

/// One scrm finding (the `n`th of its supplier) as an observation, a finding and, for a warning
/// or a denial, a POA&M item.
fn finding_parts(
    cx: &Context<'_>,
    n: usize,
    f: &scrm_model::Finding,
) -> (Observation, Finding, Option<PoamItem>) {
    let (vid, n) = (cx.vid, n.to_string());
    let obs_uuid = cx.ids.of("observation", &[vid, &n]);
    // The observation says what was seen; the finding and the item add what it concerns.
    let mut observed = vec![
        prop("finding-code", f.code.as_str().to_string()),
        prop("severity", f.severity.as_str().to_string()),
    ];
    if let Some(l) = f.lens {
        observed.push(prop("lens", l.as_str().to_string()));
    }
    let mut concerns = observed.clone();
    concerns.extend(
        f.questions
            .iter()
            .map(|q| prop("question", q.as_str().to_string())),
    );
    if let Some(why) = f.exempted.as_deref().and_then(string) {
        concerns.push(prop("exempted", why));
    }
    // The framework references are the target question's: a finding about forty questions'
    // evidence would otherwise repeat the catalog's map in every supplier.
    concerns.extend(references(
        cx.catalog,
        &f.questions[..f.questions.len().min(1)],
    ));
    let message = markup(&f.message());
    let related_observations = vec![RelatedObservation {
        observation_uuid: obs_uuid.clone(),
    }];
    let related_risks: Vec<RelatedRisk> = match &cx.risk_uuid {
        Some(u) if f.severity == Severity::Deny => vec![RelatedRisk {
            risk_uuid: u.clone(),
        }],
        _ => Vec::new(),
    };
    let observation = Observation {
        uuid: obs_uuid,
        title: format!("{}: {}", f.code.as_str(), f.code.description()),
        description: message.clone(),
        props: observed,
        methods: vec!["EXAMINE".into()],
        types: vec!["finding".into()],
        subjects: vec![SubjectReference {
            subject_uuid: cx.party_uuid.clone(),
            kind: "party".into(),
        }],
        collected: cx.collected.to_string(),
    };
    let item = (f.severity >= Severity::Warn).then(|| {
        let mut props = vec![prop("vendor-id", string(vid).unwrap_or_default())];
        props.extend(concerns.iter().cloned());
        PoamItem {
            uuid: cx.ids.of("poam-item", &[vid, &n]),
            title: format!("{}: {}", markup(vid), f.code.description()),
            description: message.clone(),
            props,
            related_observations: related_observations.clone(),
            related_risks: related_risks.clone(),
        }
    });
    let finding = Finding {
        uuid: cx.ids.of("finding", &[vid, &n]),
        title: f.code.description().to_string(),
        description: message,
        props: concerns,
        target: Target {
            kind: "objective-id".into(),
            target_id: target_id(f),
            status: ObjectiveStatus {
                state: "not-satisfied".into(),
            },
        },
        related_observations,
        related_risks,
    };
    (observation, finding, item)
}

/// The supplier's standing as a risk: its denials, what they mean, and what would clear them.
/// `observations` are its findings' observations, in the findings' order.
fn risk(
    cx: &Context<'_>,
    uuid: String,
    r: &VendorResult,
    plan: Option<&Plan>,
    observations: &[Observation],
) -> Risk {
    let denied: Vec<&scrm_model::Finding> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Deny)
        .collect();
    let standing = if r.status == Status::Excluded {
        "excluded"
    } else {
        "at risk of exclusion"
    };
    let mut description = format!("{} is {standing}.", markup(&display_name(r)));
    if !denied.is_empty() {
        description.push_str(" What puts it there:\n");
    }
    for f in &denied {
        description.push_str(&format!(
            "\n* {}: {}",
            f.code.as_str(),
            markup_inline(&f.message())
        ));
    }
    let mut props = vec![
        prop("vendor-id", string(cx.vid).unwrap_or_default()),
        prop("status", r.status.as_str().to_string()),
        prop("residual-risk", r.residual_risk.to_string()),
    ];
    if let Some(c) = r.combined_score {
        props.push(prop("combined-score", score_value(c)));
    }
    Risk {
        uuid,
        title: format!("{} is {standing}", markup(&display_name(r))),
        description,
        statement: statement(r.status).to_string(),
        props,
        status: "open".into(),
        deadline: cx.deadline.map(str::to_string),
        remediations: remediations(cx, r, plan),
        related_observations: r
            .findings
            .iter()
            .zip(observations)
            .filter(|(f, _)| f.severity == Severity::Deny)
            .map(|(_, o)| RelatedObservation {
                observation_uuid: o.uuid.clone(),
            })
            .collect(),
    }
}

impl VendorParts {
    /// Builds every part for one supplier. `plan` is its improvement plan when it is at risk.
    pub(crate) fn new(
        ids: &Ids,
        catalog: &Catalog,
        r: &VendorResult,
        plan: Option<&Plan>,
        collected: &str,
        deadline: Option<&str>,
    ) -> Self {
        let vid = r.vendor_id.as_str();
        let flagged = matches!(r.status, Status::AtRisk | Status::Excluded);
        let cx = Context {
            ids,
            catalog,
            vid,
            party_uuid: Ids::party(vid),
            risk_uuid: flagged.then(|| ids.of("risk", &[vid])),
            collected,
            deadline,
        };
        let party = party(r);
        let mut observations = Vec::with_capacity(r.findings.len());
        let mut findings = Vec::with_capacity(r.findings.len());
        let mut poam_items = Vec::new();
        for (n, f) in r.findings.iter().enumerate() {
            let (o, f, item) = finding_parts(&cx, n, f);
            observations.push(o);
            findings.push(f);
            poam_items.extend(item);
        }
        let risk = cx
            .risk_uuid
            .clone()
            .map(|uuid| risk(&cx, uuid, r, plan, &observations));
        Self {
            party,
            observations,
            findings,
            risk,
            poam_items,
        }
    }
}

/// The responses to a supplier's risk: the plan's answer improvements when answers can clear it,
/// and the hard gates no answer clears.
fn remediations(cx: &Context<'_>, r: &VendorResult, plan: Option<&Plan>) -> Vec<Response> {
    let (ids, catalog, vid) = (cx.ids, cx.catalog, cx.vid);
    // With a deadline, each response ends in a milestone on that date.
    let milestone = |which: &str, title: &str| {
        cx.deadline.map(|date| Task {
            uuid: ids.of("milestone", &[vid, which]),
            kind: "milestone".into(),
            title: title.into(),
            description: "The policy's remediation deadline.".into(),
            props: Vec::new(),
            timing: Some(Timing {
                on_date: OnDate { date: date.into() },
            }),
        })
    };
    let mut out = Vec::new();
    if let Some(p) = plan.filter(|p| p.feasible && !p.steps.is_empty()) {
        let mut tasks: Vec<Task> = p
            .steps
            .iter()
            .map(|s| {
                let q = catalog.question(s.question.as_str());
                let topic = q.map(|q| markup_inline(&q.topic.en)).unwrap_or_default();
                let mut props = vec![
                    prop("question", s.question.as_str().to_string()),
                    prop("answer-from", s.from.to_string()),
                    prop("answer-to", s.to.to_string()),
                    prop("increase", score_value(s.increase)),
                ];
                props.extend(references(catalog, std::slice::from_ref(&s.question)));
                Task {
                    uuid: ids.of("task", &[vid, s.question.as_str()]),
                    kind: "action".into(),
                    title: format!(
                        "Raise {} from {} to {}",
                        markup_inline(s.question.as_str()),
                        markup_inline(&s.from.to_string()),
                        markup_inline(&s.to.to_string())
                    ),
                    description: if topic.is_empty() {
                        format!("Question {}.", markup_inline(s.question.as_str()))
                    } else {
                        format!("Question {}: {topic}.", markup_inline(s.question.as_str()))
                    },
                    props,
                    timing: None,
                }
            })
            .collect();
        tasks.extend(milestone("plan", "Answers improved, with current evidence"));
        out.push(Response {
            uuid: ids.of("remediation", &[vid, "plan"]),
            lifecycle: "recommendation".into(),
            title: format!("Improve {} answer(s), with current evidence", p.steps.len()),
            description: format!(
                "The fewest answers to improve, then the smallest total increase, that clear \
                 every knock-out and threshold: the supplier would be {}.{}",
                p.status_after.as_str(),
                match p.proof() {
                    scrm_model::PlanProof::Minimal => " No smaller set exists.".to_string(),
                    scrm_model::PlanProof::FewestSteps => {
                        " No set of fewer answers exists; the search stopped at its limit before \
                         it proved the total increase the least."
                            .to_string()
                    }
                    scrm_model::PlanProof::AtLeast(min) => format!(
                        " The search stopped at its limit: no set of fewer than {min} answers \
                         exists, but a smaller set than this one may."
                    ),
                    scrm_model::PlanProof::Unproven => {
                        " The search stopped at its limit: a smaller set may exist.".to_string()
                    }
                }
            ),
            props: vec![
                prop("status-after", p.status_after.as_str().to_string()),
                prop("provably-minimal", p.provably_minimal.to_string()),
                prop("min-steps", p.min_steps.to_string()),
                prop("total-increase", score_value(p.total_increase)),
            ],
            tasks,
        });
    }
    let gates: Vec<&scrm_model::Finding> = r
        .findings
        .iter()
        .filter(|f| f.is_hard_gate() && f.severity == Severity::Deny)
        .collect();
    let infeasible = plan.is_some_and(|p| !p.feasible);
    if !gates.is_empty() || infeasible {
        let mut description = String::from(
            "No answer clears this: the listing must be resolved with the list's owner, or the \
             buyer's policy must exempt the supplier, with a reason and an expiry date.",
        );
        for f in &gates {
            description.push_str(&format!(
                "\n\n* {}: {}",
                f.code.as_str(),
                markup_inline(&f.message())
            ));
        }
        if gates.is_empty() {
            description = "No set of answer improvements clears the policy's knock-outs and \
                           thresholds; the supplier's standing needs the buyer's review."
                .into();
        }
        out.push(Response {
            uuid: ids.of("remediation", &[vid, "gate"]),
            lifecycle: "recommendation".into(),
            title: if gates.is_empty() {
                "Review the supplier's standing".into()
            } else {
                "Resolve the exclusion".into()
            },
            description,
            props: Vec::new(),
            tasks: milestone(
                "gate",
                if gates.is_empty() {
                    "Standing reviewed"
                } else {
                    "Listing resolved or exempted"
                },
            )
            .into_iter()
            .collect(),
        });
    }
    out
}

/// The result's facts as properties: standing, scores, levels and counts.
pub(crate) fn result_props(r: &VendorResult) -> Vec<Property> {
    let mut props = vec![
        prop(
            "vendor-id",
            string(r.vendor_id.as_str()).unwrap_or_default(),
        ),
        prop("status", r.status.as_str().to_string()),
        prop("tier", r.tier.as_str().to_string()),
    ];
    if let Some(c) = r.combined_score {
        props.push(prop("combined-score", score_value(c)));
    }
    if let Some(l) = r.combined_level {
        props.push(prop("combined-level", l.as_str().to_string()));
    }
    for lens in Lens::ALL {
        let ls = r.lens(lens);
        if let Some(s) = ls.score {
            props.push(prop(&format!("{}-score", lens.as_str()), score_value(s)));
        }
        if let Some(l) = ls.level {
            props.push(prop(
                &format!("{}-level", lens.as_str()),
                l.as_str().to_string(),
            ));
        }
    }
    props.extend([
        prop("coverage", score_value(r.coverage)),
        prop("confidence", score_value(r.confidence)),
        prop("residual-risk", r.residual_risk.to_string()),
        prop("applicable-questions", r.applicable.to_string()),
        prop("answered-questions", r.answered.to_string()),
        prop("input-hash", r.input_hash.clone()),
    ]);
    if let Some(d) = r.profile.assessed_on {
        props.push(prop("assessed-on", d.to_string()));
    }
    props.retain(|p| !p.value.is_empty());
    props
}
