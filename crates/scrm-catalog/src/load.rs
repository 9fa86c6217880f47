//! Reading catalog, question and overlay files: a hand walk over the spanned TOML tree, so that
//! every problem (syntax, unknown key, wrong type, bad value, unknown reference id, duplicate)
//! is found in one pass and reported at its own line and column.

use crate::error::{CatalogProblem, Problems, valid_values_help};
use crate::frameworks;
use crate::lookup;
use scrm_model::{AiRole, AnswerKind, GovernanceTag, Localized, Question, QuestionId, References};
use serde_spanned::Spanned;
use std::collections::BTreeMap;
use std::ops::Range;
use std::str::FromStr;
use toml::de::{DeTable, DeValue};

/// Keys a `[[question]]` table may carry.
const QUESTION_FIELDS: &[&str] = &[
    "id",
    "topic",
    "text",
    "guidance",
    "answer",
    "na",
    "weight",
    "roles",
    "governance",
    "aliases",
    "refs",
];
/// Fields every complete question must give (`na`, `aliases` and `refs` have defaults).
const REQUIRED_FIELDS: &[&str] = &[
    "topic",
    "text",
    "guidance",
    "answer",
    "weight",
    "roles",
    "governance",
];
/// Keys of `refs`.
const REF_FIELDS: &[&str] = &["airm", "aims", "csf", "sp800_161", "ai600_1", "eu_ai_act"];
/// Keys of a localized text table.
const LANG_FIELDS: &[&str] = &["en", "zh-TW"];
/// Roles a question may list (`none` is expressed by `roles = []`).
const ROLE_VALUES: &[&str] = &["provider", "integrator", "deployer"];
/// Keys of `[catalog]` in catalog.toml.
const HEADER_FIELDS: &[&str] = &["id", "version", "files", "crosswalk"];

/// A source position, resolved to line and column when the problem or value was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pos {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl Pos {
    pub(crate) fn problem(
        &self,
        message: impl Into<String>,
        help: Option<String>,
    ) -> CatalogProblem {
        CatalogProblem {
            file: self.file.clone(),
            line: Some(self.line),
            column: Some(self.column),
            message: message.into(),
            help,
        }
    }
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

impl Problems<'_> {
    fn pos(&self, span: &Range<usize>) -> Pos {
        let (line, column) = self.line_col(span.start);
        Pos {
            file: self.file().to_string(),
            line,
            column,
        }
    }
}

/// Localized text as given: either language may be missing in an overlay.
#[derive(Debug, Clone, Default)]
pub(crate) struct LocalizedPatch {
    pub(crate) en: Option<String>,
    pub(crate) zh_tw: Option<String>,
}

impl LocalizedPatch {
    fn apply(&self, target: &mut Localized) {
        if let Some(en) = &self.en {
            target.en.clone_from(en);
        }
        if let Some(zh) = &self.zh_tw {
            target.zh_tw.clone_from(zh);
        }
    }
}

/// A question as written in one file, every field optional so that an overlay may give only
/// some of them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Patch {
    /// Where the `[[question]]` table starts.
    pub(crate) pos: Option<Pos>,
    pub(crate) id: Option<(String, Pos)>,
    pub(crate) topic: Option<LocalizedPatch>,
    pub(crate) text: Option<LocalizedPatch>,
    pub(crate) guidance: Option<LocalizedPatch>,
    pub(crate) answer: Option<AnswerKind>,
    pub(crate) na: Option<bool>,
    pub(crate) weight: Option<f64>,
    pub(crate) roles: Option<Vec<AiRole>>,
    pub(crate) governance: Option<GovernanceTag>,
    pub(crate) aliases: Option<Vec<(String, Pos)>>,
    pub(crate) refs: BTreeMap<&'static str, Vec<String>>,
    pub(crate) enabled: Option<bool>,
}

impl Patch {
    /// Fields a new question needs but this patch does not give.
    pub(crate) fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        let given = [
            self.topic.is_some(),
            self.text.is_some(),
            self.guidance.is_some(),
            self.answer.is_some(),
            self.weight.is_some(),
            self.roles.is_some(),
            self.governance.is_some(),
        ];
        for (field, given) in REQUIRED_FIELDS.iter().zip(given) {
            if !given {
                missing.push(*field);
            }
        }
        for (field, text) in [
            ("topic", &self.topic),
            ("text", &self.text),
            ("guidance", &self.guidance),
        ] {
            if let Some(t) = text {
                if t.en.is_none() {
                    missing.push(lang_field(field, "en"));
                }
                if t.zh_tw.is_none() {
                    missing.push(lang_field(field, "zh-TW"));
                }
            }
        }
        missing
    }

    /// The complete question; `None` when a required field is missing (see [`Patch::missing`]).
    pub(crate) fn to_question(&self) -> Option<Question> {
        if !self.missing().is_empty() {
            return None;
        }
        let mut q = Question {
            id: QuestionId::new(self.id.as_ref()?.0.clone()),
            topic: Localized::default(),
            text: Localized::default(),
            guidance: Localized::default(),
            answer: scrm_model::AnswerSpec {
                kind: self.answer?,
                na_allowed: self.na.unwrap_or(false),
            },
            weight: self.weight?,
            roles: Vec::new(),
            refs: References::default(),
            governance: self.governance?,
            aliases: Vec::new(),
        };
        self.apply_to(&mut q);
        Some(q)
    }

    /// Replaces the fields this patch gives.
    pub(crate) fn apply_to(&self, q: &mut Question) {
        for (patch, target) in [
            (&self.topic, &mut q.topic),
            (&self.text, &mut q.text),
            (&self.guidance, &mut q.guidance),
        ] {
            if let Some(p) = patch {
                p.apply(target);
            }
        }
        if let Some(kind) = self.answer {
            q.answer.kind = kind;
        }
        if let Some(na) = self.na {
            q.answer.na_allowed = na;
        }
        if let Some(w) = self.weight {
            q.weight = w;
        }
        if let Some(r) = &self.roles {
            q.roles.clone_from(r);
        }
        if let Some(g) = self.governance {
            q.governance = g;
        }
        if let Some(a) = &self.aliases {
            q.aliases = a.iter().map(|(s, _)| s.clone()).collect();
        }
        for (field, ids) in &self.refs {
            let target = match *field {
                "airm" => &mut q.refs.airm,
                "aims" => &mut q.refs.aims,
                "csf" => &mut q.refs.csf,
                "sp800_161" => &mut q.refs.sp800_161,
                "ai600_1" => &mut q.refs.ai600_1,
                _ => &mut q.refs.eu_ai_act,
            };
            target.clone_from(ids);
        }
    }
}

fn lang_field(field: &str, lang: &str) -> &'static str {
    match (field, lang) {
        ("topic", "en") => "topic.en",
        ("topic", _) => "topic.zh-TW",
        ("text", "en") => "text.en",
        ("text", _) => "text.zh-TW",
        ("guidance", "en") => "guidance.en",
        _ => "guidance.zh-TW",
    }
}

/// The closest of `candidates` to `raw`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    raw: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let needle = raw.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::normalized_damerau_levenshtein(&needle, &c.to_ascii_lowercase());
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.6).map(|(_, c)| c)
}

/// Parses TOML, reporting syntax errors; `None` when the file cannot be read as TOML.
pub(crate) fn parse_toml<'i>(p: &mut Problems<'_>, src: &'i str) -> Option<Spanned<DeTable<'i>>> {
    let (table, errors) = DeTable::parse_recoverable(src);
    if errors.is_empty() {
        return Some(table);
    }
    for e in errors {
        let message = format!("invalid TOML: {}", e.message().trim().replace('\n', "; "));
        match e.span() {
            Some(span) => p.at(span, message, None),
            None => p.whole(message, None),
        }
    }
    // The recovered tree would only add follow-on problems; the syntax errors come first.
    None
}

fn unknown_key(
    p: &mut Problems<'_>,
    key: &Spanned<std::borrow::Cow<'_, str>>,
    place: &str,
    valid: &[&str],
) {
    let raw = key.get_ref().as_ref();
    let suggestion = did_you_mean(raw, valid.iter().copied());
    p.at(
        key.span(),
        format!("unknown key '{raw}' {place}"),
        Some(valid_values_help(suggestion, "keys", valid)),
    );
}

fn type_problem(p: &mut Problems<'_>, v: &Spanned<DeValue<'_>>, field: &str, expected: &str) {
    p.at(
        v.span(),
        format!(
            "'{field}' must be {expected}, found {}",
            describe(v.get_ref())
        ),
        None,
    );
}

/// A short, safe description of a TOML value for messages.
fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("the string {:?}", s.as_ref()),
        DeValue::Integer(i) => format!("the integer {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("the boolean {b}"),
        other => format!("a {}", other.type_str()),
    }
}

fn read_string(p: &mut Problems<'_>, v: &Spanned<DeValue<'_>>, field: &str) -> Option<String> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        _ => {
            type_problem(p, v, field, "a string");
            None
        }
    }
}

fn read_bool(p: &mut Problems<'_>, v: &Spanned<DeValue<'_>>, field: &str) -> Option<bool> {
    match v.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        _ => {
            type_problem(p, v, field, "true or false");
            None
        }
    }
}

fn read_number(p: &mut Problems<'_>, v: &Spanned<DeValue<'_>>, field: &str) -> Option<f64> {
    let n = match v.get_ref() {
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .ok()
            .map(|n| n as f64),
        _ => None,
    };
    if n.is_none() {
        type_problem(p, v, field, "a number");
    }
    n
}

fn read_strings(
    p: &mut Problems<'_>,
    v: &Spanned<DeValue<'_>>,
    field: &str,
) -> Option<Vec<(String, Range<usize>)>> {
    let DeValue::Array(items) = v.get_ref() else {
        type_problem(p, v, field, "an array of strings");
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(s) => out.push((s.to_string(), item.span())),
            _ => {
                type_problem(p, item, field, "an array of strings");
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Reads `{ en = "…", zh-TW = "…" }`; blank text is a problem.
fn read_localized(
    p: &mut Problems<'_>,
    v: &Spanned<DeValue<'_>>,
    field: &str,
    qid: &str,
) -> Option<LocalizedPatch> {
    let DeValue::Table(t) = v.get_ref() else {
        type_problem(p, v, field, "a table { en = \"…\", zh-TW = \"…\" }");
        return None;
    };
    let mut out = LocalizedPatch::default();
    for (k, val) in t.iter() {
        let lang = k.get_ref().as_ref();
        if !LANG_FIELDS.contains(&lang) {
            unknown_key(
                p,
                k,
                &format!("in '{field}' of question '{qid}'"),
                LANG_FIELDS,
            );
            continue;
        }
        let name = format!("{field}.{lang}");
        let Some(s) = read_string(p, val, &name) else {
            continue;
        };
        if s.trim().is_empty() {
            p.at(
                val.span(),
                format!("'{name}' of question '{qid}' is blank"),
                Some("write the text, or leave the key out of an overlay".into()),
            );
            continue;
        }
        if lang == "en" {
            out.en = Some(s);
        } else {
            out.zh_tw = Some(s);
        }
    }
    Some(out)
}

/// A problem when `id` may not define a question (see [`is_valid_id`]).
pub(crate) fn id_syntax_problem(id: &str, pos: &Pos) -> Option<CatalogProblem> {
    (!is_valid_id(id)).then(|| {
        pos.problem(
            format!("question id {id:?} is not a valid id"),
            Some("ids start with a letter or digit and use only letters, digits, '-', '.', '_', '(' and ')'".into()),
        )
    })
}

/// Whether a question or catalog id is safe to use as written: it starts with a letter or
/// digit (so no spreadsheet reads it as a formula) and holds only letters, digits, `-`, `.`,
/// `_`, `(` and `)`.
pub(crate) fn is_valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '(' | ')'))
}

fn check_ref(field: &str, id: &str) -> Result<(), (String, Option<String>)> {
    let ok = match field {
        "airm" => frameworks::is_airm_subcategory(id),
        "aims" => frameworks::aims_item_for(id).is_some(),
        "csf" => frameworks::is_csf_active(id),
        "sp800_161" => frameworks::is_sp800_161_control(id),
        "ai600_1" => frameworks::is_ai600_1_action(id),
        _ => frameworks::is_eu_ai_act_article(id),
    };
    if ok {
        return Ok(());
    }
    let (what, help) = match field {
        "airm" => (
            "a NIST AI RMF 1.0 subcategory",
            match frameworks::normalize_airm_subcategory(id) {
                Some(canonical) => Some(format!("write it in NIST form: '{canonical}'")),
                None => did_you_mean(id, frameworks::airm_subcategories().iter().map(|i| i.id))
                    .map(|s| format!("did you mean '{s}'?")),
            },
        ),
        "aims" => (
            "an ISO/IEC 42001 clause item or Annex A control",
            match id.strip_prefix("B.") {
                Some(rest) if frameworks::aims_item_for(&format!("A.{rest}")).is_some() => {
                    Some(format!("Annex B mirrors Annex A: write 'A.{rest}'"))
                }
                _ => Some(match did_you_mean(id, frameworks::aims_ref_ids()) {
                    Some(s) => format!("did you mean '{s}'? clauses are written '9.2.1', controls 'A.10.3'"),
                    None => "clauses are written '9.2.1' (4.1 to 10.2), controls 'A.10.3' (A.2.2 to A.10.4)".to_string(),
                }),
            },
        ),
        "csf" if frameworks::is_csf_withdrawn(id) => (
            "an active NIST CSF 2.0 subcategory (it was withdrawn in CSF 2.0)",
            Some("cite the CSF 2.0 subcategory it was incorporated into, for example 'GV.SC-05'".to_string()),
        ),
        "csf" => (
            "a NIST CSF 2.0 subcategory",
            did_you_mean(id, frameworks::csf_active_ids().iter().copied()).map(|s| format!("did you mean '{s}'?")),
        ),
        "sp800_161" => (
            "an SP 800-161r1 control",
            did_you_mean(id, frameworks::sp800_161_ids().iter().copied()).map(|s| format!("did you mean '{s}'?")),
        ),
        "ai600_1" => (
            "a NIST AI 600-1 suggested action",
            did_you_mean(id, frameworks::ai600_1_ids().iter().copied()).map(|s| format!("did you mean '{s}'?")),
        ),
        _ => (
            "an EU AI Act article number",
            Some(format!("articles are numbered 1 to {}", frameworks::EU_AI_ACT_ARTICLES)),
        ),
    };
    Err((format!("'{id}' is not {what}"), help))
}

fn read_refs(
    p: &mut Problems<'_>,
    v: &Spanned<DeValue<'_>>,
    qid: &str,
) -> BTreeMap<&'static str, Vec<String>> {
    let mut out = BTreeMap::new();
    let DeValue::Table(t) = v.get_ref() else {
        type_problem(p, v, "refs", "a table of reference lists");
        return out;
    };
    for (k, val) in t.iter() {
        let Some(field) = REF_FIELDS
            .iter()
            .copied()
            .find(|f| *f == k.get_ref().as_ref())
        else {
            unknown_key(p, k, &format!("in 'refs' of question '{qid}'"), REF_FIELDS);
            continue;
        };
        let name = format!("refs.{field}");
        let DeValue::Array(items) = val.get_ref() else {
            type_problem(p, val, &name, "an array of strings");
            continue;
        };
        let mut ids: Vec<String> = Vec::new();
        for item in items.iter() {
            let id = match item.get_ref() {
                DeValue::String(s) => s.trim().to_string(),
                // Article numbers are natural to write as integers.
                DeValue::Integer(i) if field == "eu_ai_act" => i.as_str().to_string(),
                _ => {
                    type_problem(p, item, &name, "an array of strings");
                    continue;
                }
            };
            if ids.contains(&id) {
                p.at(
                    item.span(),
                    format!("'{id}' is listed twice in '{name}' of question '{qid}'"),
                    None,
                );
                continue;
            }
            if let Err((message, help)) = check_ref(field, &id) {
                p.at(
                    item.span(),
                    format!("{message} ('{name}' of question '{qid}')"),
                    help,
                );
                continue;
            }
            ids.push(id);
        }
        out.insert(field, ids);
    }
    out
}

/// Reads one `[[question]]` table. `allow_enabled` admits the overlay-only `enabled` key.
fn read_question(
    p: &mut Problems<'_>,
    v: &Spanned<DeValue<'_>>,
    allow_enabled: bool,
) -> Option<Patch> {
    let DeValue::Table(t) = v.get_ref() else {
        type_problem(p, v, "question", "a table ([[question]])");
        return None;
    };
    let mut patch = Patch {
        pos: Some(p.pos(&v.span())),
        ..Patch::default()
    };
    // The id first: messages about the other fields name the question.
    let qid = match t.get("id") {
        Some(idv) => match read_string(p, idv, "id") {
            Some(id) => {
                // The spelling is checked where the id is defined (catalog files, new overlay
                // questions): an overlay may name an existing question as `GOVERN 1.1`.
                let id = id.trim().to_string();
                patch.id = Some((id.clone(), p.pos(&idv.span())));
                id
            }
            None => "?".to_string(),
        },
        None => {
            p.at(
                v.span(),
                "a question has no 'id'",
                Some("every [[question]] needs id = \"…\"".into()),
            );
            "?".to_string()
        }
    };
    for (k, val) in t.iter() {
        let key = k.get_ref().as_ref();
        match key {
            "id" => {}
            "topic" => patch.topic = read_localized(p, val, key, &qid),
            "text" => patch.text = read_localized(p, val, key, &qid),
            "guidance" => patch.guidance = read_localized(p, val, key, &qid),
            "answer" => {
                if let Some(s) = read_string(p, val, key) {
                    let valid = [
                        AnswerKind::Maturity.as_str(),
                        AnswerKind::YesPartialNo.as_str(),
                    ];
                    match valid.iter().position(|v| *v == s.trim()) {
                        Some(0) => patch.answer = Some(AnswerKind::Maturity),
                        Some(_) => patch.answer = Some(AnswerKind::YesPartialNo),
                        None => p.at(
                            val.span(),
                            format!("'{s}' is not an answer kind (question '{qid}')"),
                            Some(valid_values_help(
                                did_you_mean(&s, valid),
                                "answer kinds",
                                &valid,
                            )),
                        ),
                    }
                }
            }
            "na" => patch.na = read_bool(p, val, key),
            "enabled" if allow_enabled => patch.enabled = read_bool(p, val, key),
            "weight" => {
                if let Some(w) = read_number(p, val, key) {
                    if w.is_finite() && w > 0.0 {
                        patch.weight = Some(w);
                    } else {
                        p.at(
                            val.span(),
                            format!("weight of question '{qid}' must be a finite number above 0, found {w}"),
                            Some("use 1.0 for a normal question, 1.5-2.0 for supplier-critical ones".into()),
                        );
                    }
                }
            }
            "roles" => {
                if let Some(items) = read_strings(p, val, key) {
                    let mut roles = Vec::new();
                    let mut ok = true;
                    for (s, span) in items {
                        let role = AiRole::from_str(&s).ok().filter(|r| *r != AiRole::None);
                        match role {
                            Some(r) if roles.contains(&r) => {
                                p.at(
                                    span,
                                    format!("role '{s}' is listed twice (question '{qid}')"),
                                    None,
                                );
                                ok = false;
                            }
                            Some(r) => roles.push(r),
                            None => {
                                let help = if scrm_model::fold(&s) == "none" {
                                    "use roles = [] for a question every supplier answers, including ai_role = none".to_string()
                                } else {
                                    valid_values_help(
                                        did_you_mean(&s, ROLE_VALUES.iter().copied()),
                                        "roles",
                                        ROLE_VALUES,
                                    )
                                };
                                p.at(
                                    span,
                                    format!("'{s}' is not a question role (question '{qid}')"),
                                    Some(help),
                                );
                                ok = false;
                            }
                        }
                    }
                    if ok {
                        patch.roles = Some(roles);
                    }
                }
            }
            "governance" => {
                if let Some(s) = read_string(p, val, key) {
                    let valid = ["evaluate", "direct", "monitor"];
                    let tag = match s.trim() {
                        "evaluate" => Some(GovernanceTag::Evaluate),
                        "direct" => Some(GovernanceTag::Direct),
                        "monitor" => Some(GovernanceTag::Monitor),
                        _ => None,
                    };
                    match tag {
                        Some(t) => patch.governance = Some(t),
                        None => p.at(
                            val.span(),
                            format!(
                                "'{s}' is not an ISO/IEC 38500 governance task (question '{qid}')"
                            ),
                            Some(valid_values_help(did_you_mean(&s, valid), "tasks", &valid)),
                        ),
                    }
                }
            }
            "aliases" => {
                if let Some(items) = read_strings(p, val, key) {
                    let mut aliases = Vec::new();
                    for (s, span) in items {
                        let s = s.trim().to_string();
                        if lookup::key(&s).is_empty() {
                            p.at(
                                span,
                                format!("alias {s:?} of question '{qid}' has no letters or digits"),
                                None,
                            );
                        } else {
                            aliases.push((s, p.pos(&span)));
                        }
                    }
                    patch.aliases = Some(aliases);
                }
            }
            "refs" => patch.refs = read_refs(p, val, &qid),
            _ => {
                let mut valid = QUESTION_FIELDS.to_vec();
                if allow_enabled {
                    valid.push("enabled");
                }
                unknown_key(p, k, &format!("in question '{qid}'"), &valid);
            }
        }
    }
    Some(patch)
}

/// Reads the `[[question]]` array of a question file or overlay.
fn read_question_array(
    p: &mut Problems<'_>,
    v: &Spanned<DeValue<'_>>,
    allow_enabled: bool,
) -> Vec<Patch> {
    let DeValue::Array(items) = v.get_ref() else {
        type_problem(p, v, "question", "an array of tables ([[question]])");
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| read_question(p, item, allow_enabled))
        .collect()
}

/// A question file: only `[[question]]` tables.
pub(crate) fn read_question_file(p: &mut Problems<'_>, src: &str) -> Vec<Patch> {
    let Some(root) = parse_toml(p, src) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in root.get_ref().iter() {
        if k.get_ref().as_ref() == "question" {
            out = read_question_array(p, v, false);
        } else {
            unknown_key(p, k, "at the top of a question file", &["question"]);
        }
    }
    out
}

/// The `[catalog]` table of catalog.toml.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) files: Vec<String>,
    pub(crate) crosswalk: String,
}

fn valid_version(v: &str) -> bool {
    !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
}

/// Reads catalog.toml; `None` when a required key is missing or invalid (problems say why).
pub(crate) fn read_header(p: &mut Problems<'_>, src: &str) -> Option<Header> {
    let root = parse_toml(p, src)?;
    let mut header = Header::default();
    let mut found = false;
    let mut ok = true;
    for (k, v) in root.get_ref().iter() {
        if k.get_ref().as_ref() != "catalog" {
            unknown_key(p, k, "at the top of catalog.toml", &["catalog"]);
            ok = false;
            continue;
        }
        found = true;
        let DeValue::Table(t) = v.get_ref() else {
            type_problem(p, v, "catalog", "a table");
            return None;
        };
        for field in HEADER_FIELDS {
            if t.get(*field).is_none() {
                p.at(
                    v.span(),
                    format!("[catalog] has no '{field}'"),
                    Some(format!("catalog.toml needs {HEADER_FIELDS:?}")),
                );
                ok = false;
            }
        }
        for (hk, hv) in t.iter() {
            match hk.get_ref().as_ref() {
                "id" => match read_string(p, hv, "id") {
                    Some(s) if is_valid_id(&s) => header.id = s,
                    Some(s) => {
                        p.at(
                            hv.span(),
                            format!("catalog id {s:?} is not a valid id"),
                            None,
                        );
                        ok = false;
                    }
                    None => ok = false,
                },
                "version" => match read_string(p, hv, "version") {
                    Some(s) if valid_version(&s) => header.version = s,
                    Some(s) => {
                        p.at(
                            hv.span(),
                            format!("catalog version {s:?} is not a version"),
                            Some("write YYYY.MM.patch, for example \"2026.11.0\"".into()),
                        );
                        ok = false;
                    }
                    None => ok = false,
                },
                "files" => match read_strings(p, hv, "files") {
                    Some(files) => {
                        for (f, span) in files {
                            if header.files.contains(&f) {
                                p.at(span, format!("'{f}' is listed twice in 'files'"), None);
                                ok = false;
                            } else {
                                header.files.push(f);
                            }
                        }
                    }
                    None => ok = false,
                },
                "crosswalk" => match read_string(p, hv, "crosswalk") {
                    Some(s) => header.crosswalk = s,
                    None => ok = false,
                },
                _ => {
                    unknown_key(p, hk, "in [catalog]", HEADER_FIELDS);
                    ok = false;
                }
            }
        }
    }
    if !found {
        p.whole(
            "catalog.toml has no [catalog] table",
            Some(format!(
                "catalog.toml needs [catalog] with {HEADER_FIELDS:?}"
            )),
        );
        ok = false;
    }
    ok.then_some(header)
}

/// An overlay file: an optional `[catalog] version = "…"` suffix and `[[question]]` patches.
pub(crate) fn read_overlay(p: &mut Problems<'_>, src: &str) -> (Option<String>, Vec<Patch>) {
    let Some(root) = parse_toml(p, src) else {
        return (None, Vec::new());
    };
    let mut suffix = None;
    let mut patches = Vec::new();
    for (k, v) in root.get_ref().iter() {
        match k.get_ref().as_ref() {
            "question" => patches = read_question_array(p, v, true),
            "catalog" => {
                let DeValue::Table(t) = v.get_ref() else {
                    type_problem(p, v, "catalog", "a table");
                    continue;
                };
                for (hk, hv) in t.iter() {
                    if hk.get_ref().as_ref() != "version" {
                        unknown_key(
                            p,
                            hk,
                            "in the [catalog] of an overlay (an overlay may only add a version suffix)",
                            &["version"],
                        );
                        continue;
                    }
                    if let Some(s) = read_string(p, hv, "version") {
                        let s = s.trim().trim_start_matches('+').to_string();
                        if !s.is_empty()
                            && s.chars()
                                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                        {
                            suffix = Some(s);
                        } else {
                            p.at(
                                hv.span(),
                                format!("overlay version {s:?} is not a version suffix"),
                                Some("use letters, digits, '.' and '-', for example \"acme-1\" (the catalog version becomes 2026.11.0+acme-1)".into()),
                            );
                        }
                    }
                }
            }
            _ => unknown_key(p, k, "at the top of an overlay", &["catalog", "question"]),
        }
    }
    (suffix, patches)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids that could be read as spreadsheet formulas or carry markup are rejected.
    #[test]
    fn id_syntax() {
        for ok in [
            "GV-1.1",
            "GV.SC-01",
            "AIMS-A.10.3",
            "SUP-AIBOM",
            "ACME_1",
            "SR-3(3)",
        ] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in ["", "=HYPERLINK(1)", "-1", "a b", "<b>", "Q1;", "@SUM"] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    /// Suggestions only for close strings.
    #[test]
    fn did_you_mean_is_conservative() {
        assert_eq!(
            did_you_mean("wieght", QUESTION_FIELDS.iter().copied()),
            Some("weight")
        );
        assert_eq!(
            did_you_mean("maturty", ["maturity", "yes-partial-no"]),
            Some("maturity")
        );
        assert_eq!(did_you_mean("xyzzy", QUESTION_FIELDS.iter().copied()), None);
    }
}
