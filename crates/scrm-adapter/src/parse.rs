//! Reads an adapter file into an [`Adapter`], checking it against the catalog and collecting
//! every problem with its line and column (as a policy file is read).

use crate::pattern::{CellRef, Pattern};
use crate::spec::*;
use scrm_model::{QuestionLookup, Resolution};
use scrm_policy::walk::{PolicyProblem, Table, Value, Walker, get, join, span_of};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use toml::de::{DeTable, DeValue};

/// The format every adapter file names, so that a later format can be told apart.
pub const FORMAT: &str = "scrm-adapter/1";

/// Every problem found in an adapter file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", render(.problems))]
pub struct AdapterError {
    /// The problems, in file order.
    pub problems: Vec<PolicyProblem>,
}

fn render(problems: &[PolicyProblem]) -> String {
    let mut s = format!("adapter has {} problem(s):", problems.len());
    for p in problems {
        s.push_str("\n  ");
        s.push_str(&p.to_string());
    }
    s
}

const TOP: &[&str] = &[
    "adapter", "table", "vendor", "profile", "answers", "scale", "map",
];
const TABLE: &[&str] = &[
    "sheets",
    "header_within",
    "question",
    "answer",
    "comment",
    "evidence",
    "evidence_date",
    "vendor",
    "ignore",
];
const ANSWER_CLASSES: &[(&str, Foreign)] = &[
    ("yes", Foreign::Yes),
    ("partial", Foreign::Partial),
    ("no", Foreign::No),
    ("na", Foreign::Na),
    ("blank", Foreign::Blank),
];

/// Parses and checks an adapter file: every `map.to` must be a question of `lookup`.
pub fn parse(file: &str, src: &str, lookup: &dyn QuestionLookup) -> Result<Adapter, AdapterError> {
    let mut w = Walker::new(file, src);
    let doc = match DeTable::parse(src) {
        Ok(d) => d,
        Err(e) => {
            w.problem(
                e.span().unwrap_or(0..0),
                "",
                e.message().trim().to_string(),
                None,
            );
            return Err(AdapterError {
                problems: w.problems,
            });
        }
    };
    let root = doc.get_ref();
    w.unknown_keys(root, "", TOP);
    let mut a = Adapter {
        name: String::new(),
        title: String::new(),
        version: None,
        source: None,
        origin: file.to_string(),
        hash: hex::encode(Sha256::digest(src.as_bytes())),
        text: src.to_string(),
        table: TableSpec {
            sheets: Vec::new(),
            header_within: 30,
            question: Vec::new(),
            answer: Vec::new(),
            comment: Vec::new(),
            evidence: Vec::new(),
            evidence_date: Vec::new(),
            vendor: Vec::new(),
        },
        vendor: VendorFrom::FileStem,
        profile: Vec::new(),
        answers: Answers::default(),
        scale: Scale::default(),
        ignore: Vec::new(),
        maps: Vec::new(),
    };
    let whole = 0..0;
    header(&mut w, root, &mut a);
    table(&mut w, root, &mut a);
    vendor(&mut w, root, &mut a);
    profile(&mut w, root, &mut a);
    answers(&mut w, root, &mut a);
    scale(&mut w, root, &mut a);
    maps(&mut w, root, lookup, &mut a);
    for key in ["adapter", "table"] {
        w.require(root, whole.clone(), "", key);
    }
    if w.problems.is_empty() {
        Ok(a)
    } else {
        w.problems.sort_by_key(|p| (p.line, p.column));
        Err(AdapterError {
            problems: w.problems,
        })
    }
}

fn header(w: &mut Walker<'_>, root: &Table<'_>, a: &mut Adapter) {
    let Some(t) = w.table(root, "", "adapter") else {
        return;
    };
    w.unknown_keys(
        t,
        "adapter",
        &["format", "name", "title", "version", "source"],
    );
    let span = span_of(root, "adapter");
    for key in ["format", "name", "title"] {
        w.require(t, span.clone(), "adapter", key);
    }
    if let Some(f) = w.string(t, "adapter", "format")
        && f != FORMAT
    {
        w.problem(
            span_of(t, "format"),
            "adapter.format",
            format!("'{f}' is not a format this scrm reads"),
            Some(format!("this scrm reads \"{FORMAT}\"")),
        );
    }
    if let Some(n) = w.string(t, "adapter", "name") {
        let ok = !n.is_empty()
            && n.len() <= 64
            && n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            w.problem(
                span_of(t, "name"),
                "adapter.name",
                format!("'{n}' is not a short kebab-case name"),
                Some("use lower-case letters, digits and '-', at most 64 (csa-caiq-v4)".into()),
            );
        }
        a.name = n;
    }
    if let Some(s) = w.string(t, "adapter", "title") {
        a.title = one_line(&s);
    }
    a.version = w.string(t, "adapter", "version").map(|s| one_line(&s));
    a.source = w.string(t, "adapter", "source").map(|s| one_line(&s));
}

fn table(w: &mut Walker<'_>, root: &Table<'_>, a: &mut Adapter) {
    let Some(t) = w.table(root, "", "table") else {
        return;
    };
    w.unknown_keys(t, "table", TABLE);
    let span = span_of(root, "table");
    for key in ["question", "answer"] {
        w.require(t, span.clone(), "table", key);
    }
    let s = &mut a.table;
    s.sheets = patterns(w, t, "table", "sheets");
    if let Some(n) = w.number(t, "table", "header_within", (1.0, 1000.0)) {
        s.header_within = n as usize;
    }
    s.question = labels(w, t, "table", "question");
    s.answer = labels(w, t, "table", "answer");
    s.comment = labels(w, t, "table", "comment");
    s.evidence = labels(w, t, "table", "evidence");
    s.evidence_date = labels(w, t, "table", "evidence_date");
    s.vendor = labels(w, t, "table", "vendor");
    a.ignore = patterns(w, t, "table", "ignore");
    // One column may not play two parts: the reader would take its text twice.
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (key, ls) in [
        ("question", &s.question),
        ("answer", &s.answer),
        ("comment", &s.comment),
        ("evidence", &s.evidence),
        ("evidence_date", &s.evidence_date),
        ("vendor", &s.vendor),
    ] {
        for l in ls {
            if let Some(other) = seen.insert(l.clone(), key)
                && other != key
            {
                w.problem(
                    span_of(t, key),
                    &join("table", key),
                    format!("the label '{l}' is also given for `table.{other}`"),
                    Some("each column has one part: give it under one key".into()),
                );
            }
        }
    }
}

fn vendor(w: &mut Walker<'_>, root: &Table<'_>, a: &mut Adapter) {
    let column = !a.table.vendor.is_empty();
    let Some(t) = w.table(root, "", "vendor") else {
        if column {
            a.vendor = VendorFrom::Column;
        } else {
            w.problem(
                0..0,
                "vendor",
                "the adapter does not say where the supplier's id is",
                Some(
                    "give `table.vendor` (a column), `vendor.cell` (a cell) or `vendor.file_stem = true`"
                        .into(),
                ),
            );
        }
        return;
    };
    w.unknown_keys(t, "vendor", &["cell", "sheet", "file_stem"]);
    let span = span_of(root, "vendor");
    let cell = w
        .string(t, "vendor", "cell")
        .and_then(|c| cell_ref(w, t, "vendor", &c));
    let sheet = sheet(w, t, "vendor");
    let stem = w.boolean(t, "vendor", "file_stem").unwrap_or(false);
    let given = usize::from(column) + usize::from(get(t, "cell").is_some()) + usize::from(stem);
    if given != 1 {
        w.problem(
            span,
            "vendor",
            if given == 0 {
                "the adapter does not say where the supplier's id is".to_string()
            } else {
                "the supplier's id is given more than one way".to_string()
            },
            Some(
                "give exactly one of `table.vendor` (a column), `vendor.cell` (a cell) and `vendor.file_stem = true`"
                    .into(),
            ),
        );
        return;
    }
    if sheet.is_some() && get(t, "cell").is_none() {
        w.problem(
            span_of(t, "sheet"),
            "vendor.sheet",
            "`vendor.sheet` names the sheet of `vendor.cell`, which is not given",
            None,
        );
    }
    a.vendor = match (column, cell, stem) {
        (true, ..) => VendorFrom::Column,
        (_, Some(cell), _) => VendorFrom::Cell { sheet, cell },
        _ => VendorFrom::FileStem,
    };
}

fn profile(w: &mut Walker<'_>, root: &Table<'_>, a: &mut Adapter) {
    let Some(t) = w.table(root, "", "profile") else {
        return;
    };
    let fields = scrm_model::columns::PROFILE_FIELDS;
    w.unknown_keys(t, "profile", fields);
    if matches!(a.vendor, VendorFrom::Column) {
        w.problem(
            span_of(root, "profile"),
            "profile",
            "profile cells belong to a one-supplier file, and this adapter reads a vendor column",
            Some("give the suppliers' profiles in a profile file instead (--vendors)".into()),
        );
        return;
    }
    for field in fields {
        let path = join("profile", field);
        let Some(v) = get(t, field) else { continue };
        let Some(ft) = w.as_table(v, &path) else {
            continue;
        };
        w.unknown_keys(ft, &path, &["cell", "sheet"]);
        w.require(ft, v.span(), &path, "cell");
        let sheet = sheet(w, ft, &path);
        if let Some(c) = w.string(ft, &path, "cell")
            && let Some(cell) = cell_ref(w, ft, &path, &c)
        {
            a.profile.push(ProfileCell {
                field: (*field).to_string(),
                sheet,
                cell,
            });
        }
    }
}

fn answers(w: &mut Walker<'_>, root: &Table<'_>, a: &mut Adapter) {
    let Some(t) = w.table(root, "", "answers") else {
        return;
    };
    let names: Vec<&str> = ANSWER_CLASSES.iter().map(|(n, _)| *n).collect();
    w.unknown_keys(t, "answers", &names);
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (key, class) in ANSWER_CLASSES {
        for text in strings(w, t, "answers", key) {
            let f = scrm_model::fold(&text);
            if let Some(other) = seen.insert(f.clone(), key) {
                w.problem(
                    span_of(t, key),
                    &join("answers", key),
                    format!("'{text}' is listed under both `answers.{other}` and `answers.{key}`"),
                    Some("a text has one meaning: keep it under one key".into()),
                );
                continue;
            }
            a.answers.texts.push((f, *class));
        }
    }
}

fn scale(w: &mut Walker<'_>, root: &Table<'_>, a: &mut Adapter) {
    let Some(t) = w.table(root, "", "scale") else {
        return;
    };
    w.unknown_keys(t, "scale", &["yes", "partial"]);
    for (key, slot) in [("yes", &mut a.scale.yes), ("partial", &mut a.scale.partial)] {
        if let Some(v) = get(t, key) {
            match v.get_ref() {
                DeValue::Integer(i) => match i.as_str().parse::<u8>() {
                    Ok(n) if n <= 5 => *slot = n,
                    _ => w.problem(
                        v.span(),
                        &join("scale", key),
                        format!("{} is not a maturity level", i.as_str()),
                        Some("a level is a whole number from 0 to 5".into()),
                    ),
                },
                _ => w.type_problem(v, &join("scale", key), "a whole number from 0 to 5"),
            }
        }
    }
    if a.scale.partial > a.scale.yes {
        w.problem(
            span_of(root, "scale"),
            "scale",
            format!(
                "a partial answer ({}) would rate higher than a yes ({})",
                a.scale.partial, a.scale.yes
            ),
            Some("give `scale.partial` a level no higher than `scale.yes`".into()),
        );
    }
}

fn maps(w: &mut Walker<'_>, root: &Table<'_>, lookup: &dyn QuestionLookup, a: &mut Adapter) {
    let Some(v) = get(root, "map") else {
        w.problem(
            0..0,
            "map",
            "the adapter maps no question",
            Some("add [[map]] entries: to = a scrm question id, from = foreign ids".into()),
        );
        return;
    };
    let DeValue::Array(entries) = v.get_ref() else {
        w.type_problem(v, "map", "an array of tables ([[map]])");
        return;
    };
    let mut targets: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        let path = format!("map[{i}]");
        let Some(t) = w.as_table(e, &path) else {
            continue;
        };
        w.unknown_keys(t, &path, &["to", "from", "combine"]);
        for key in ["to", "from"] {
            w.require(t, e.span(), &path, key);
        }
        let line = w.line_of(e.span().start);
        let target = w.string(t, &path, "to").and_then(|raw| {
            let span = span_of(t, "to");
            match lookup.resolve(&raw) {
                Resolution::Known(id, spec) => Some((id, spec, span)),
                Resolution::Unknown { suggestion } => {
                    w.problem(
                        span,
                        &join(&path, "to"),
                        format!("'{raw}' is not a question in the catalog"),
                        suggestion.map(|s| format!("did you mean `{s}`?")),
                    );
                    None
                }
            }
        });
        let from = patterns(w, t, &path, "from");
        if get(t, "from").is_some() && from.is_empty() && !has_problem_at(w, &path) {
            w.problem(
                span_of(t, "from"),
                &join(&path, "from"),
                "no foreign id to map from",
                None,
            );
        }
        let combine = get(t, "combine").and_then(|v| {
            w.choice_value(
                v,
                &join(&path, "combine"),
                &[("mean", Combine::Mean), ("min", Combine::Min)],
            )
        });
        let Some((to, spec, span)) = target else {
            continue;
        };
        if let Some(first) = targets.insert(to.as_str(), line) {
            w.problem(
                span,
                &join(&path, "to"),
                format!("'{to}' is mapped twice (also on line {first})"),
                Some(
                    "give one entry per scrm question, with every foreign id in its `from`".into(),
                ),
            );
            continue;
        }
        if from.is_empty() {
            continue;
        }
        a.maps.push(Mapping {
            to,
            spec,
            from,
            combine: combine.unwrap_or(Combine::Mean),
            line,
        });
    }
}

fn has_problem_at(w: &Walker<'_>, path: &str) -> bool {
    w.problems.iter().any(|p| p.key.starts_with(path))
}

/// A string or an array of strings, each trimmed and not blank.
fn strings(w: &mut Walker<'_>, t: &Table<'_>, path: &str, key: &str) -> Vec<String> {
    let Some(v) = get(t, key) else {
        return Vec::new();
    };
    let key = join(path, key);
    let one = |w: &mut Walker<'_>, v: &Value<'_>| -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            DeValue::String(_) => {
                w.problem(v.span(), &key, "a blank text here means nothing", None);
                None
            }
            _ => {
                w.type_problem(v, &key, "a string");
                None
            }
        }
    };
    match v.get_ref() {
        DeValue::Array(items) => items.iter().filter_map(|i| one(w, i)).collect(),
        _ => one(w, v).into_iter().collect(),
    }
}

/// Header labels, folded the way header cells are compared.
fn labels(w: &mut Walker<'_>, t: &Table<'_>, path: &str, key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in strings(w, t, path, key) {
        let f = crate::extract::fold_label(&s);
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

fn patterns(w: &mut Walker<'_>, t: &Table<'_>, path: &str, key: &str) -> Vec<Pattern> {
    let span = span_of(t, key);
    let mut out = Vec::new();
    for s in strings(w, t, path, key) {
        match Pattern::parse(&s) {
            Ok(p) => out.push(p),
            Err(why) => w.problem(span.clone(), &join(path, key), why, None),
        }
    }
    out
}

fn sheet(w: &mut Walker<'_>, t: &Table<'_>, path: &str) -> Option<Pattern> {
    let s = w.string(t, path, "sheet")?;
    match Pattern::parse(&s) {
        Ok(p) => Some(p),
        Err(why) => {
            w.problem(span_of(t, "sheet"), &join(path, "sheet"), why, None);
            None
        }
    }
}

fn cell_ref(w: &mut Walker<'_>, t: &Table<'_>, path: &str, raw: &str) -> Option<CellRef> {
    match CellRef::parse(raw) {
        Ok(c) => Some(c),
        Err(why) => {
            w.problem(span_of(t, "cell"), &join(path, "cell"), why, None);
            None
        }
    }
}

/// Text shown on one line: control characters and line breaks become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}
