//! A located walk over a spanned TOML document: typed getters that record every problem
//! (wrong type, unknown key, out-of-range value) with line and column instead of stopping.
//!
//! Public for the other buyer-written TOML files (the adapters of `scrm-adapter`), so that every
//! configuration file of scrm reports its problems the same way.

use serde_spanned::Spanned;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// One problem in a TOML configuration file (a policy, an adapter), located.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct PolicyProblem {
    /// File name as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Dotted key path (`thresholds.high.combined`).
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// Valid values or a did-you-mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl std::fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "`{}`: ", self.key)?;
        }
        f.write_str(&self.message)?;
        if let Some(h) = &self.help {
            write!(f, " (help: {h})")?;
        }
        Ok(())
    }
}

/// Collects problems while a document is read.
pub struct Walker<'s> {
    file: String,
    src: &'s str,
    /// What was found so far.
    pub problems: Vec<PolicyProblem>,
}

/// A spanned TOML table.
pub type Table<'i> = DeTable<'i>;
/// A spanned TOML value.
pub type Value<'i> = Spanned<DeValue<'i>>;

impl<'s> Walker<'s> {
    /// A walker over `src`, naming `file` in its problems.
    pub fn new(file: &str, src: &'s str) -> Self {
        Self {
            file: file.to_string(),
            src,
            problems: Vec::new(),
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let before = &self.src[..offset];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_col(offset).0
    }

    /// Records a problem at a byte span.
    pub fn problem(
        &mut self,
        span: Range<usize>,
        key: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let (line, column) = self.line_col(span.start);
        self.problems.push(PolicyProblem {
            file: self.file.clone(),
            line,
            column,
            key: key.to_string(),
            message: message.into(),
            help,
        });
    }

    /// Reports every key of `table` not in `allowed`, with a did-you-mean.
    pub fn unknown_keys(&mut self, table: &Table<'_>, path: &str, allowed: &[&str]) {
        for (k, _) in table.iter() {
            let name: &str = k.get_ref();
            if !allowed.contains(&name) {
                let help = suggest(name, allowed.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some(format!("the possible keys are {allowed:?}")));
                self.problem(
                    k.span(),
                    &join(path, name),
                    format!("unknown key `{name}`"),
                    help,
                );
            }
        }
    }

    /// Records that `v` is not of the type `want` names.
    pub fn type_problem(&mut self, v: &Value<'_>, key: &str, want: &str) {
        self.problem(
            v.span(),
            key,
            format!("expected {want}, found {}", kind_name(v.get_ref())),
            None,
        );
    }

    /// A table-valued entry.
    pub fn table<'t, 'i>(
        &mut self,
        parent: &'t Table<'i>,
        path: &str,
        key: &str,
    ) -> Option<&'t Table<'i>> {
        let v = get(parent, key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.type_problem(v, &join(path, key), "a table");
                None
            }
        }
    }

    /// A number (integer or float), checked against a range.
    pub fn number(
        &mut self,
        parent: &Table<'_>,
        path: &str,
        key: &str,
        range: (f64, f64),
    ) -> Option<f64> {
        let v = get(parent, key)?;
        self.number_value(v, &join(path, key), range)
    }

    /// A number value, checked against a range.
    pub fn number_value(&mut self, v: &Value<'_>, key: &str, (lo, hi): (f64, f64)) -> Option<f64> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => {
                self.type_problem(v, key, "a number");
                return None;
            }
        };
        match n {
            Some(x) if x.is_finite() && x >= lo && x <= hi => Some(x),
            _ => {
                self.problem(
                    v.span(),
                    key,
                    format!(
                        "value {} is out of range",
                        v.get_ref().as_str().unwrap_or(&raw_number(v))
                    ),
                    Some(format!("expected a number from {lo} to {hi}")),
                );
                None
            }
        }
    }

    /// A string-valued entry.
    pub fn string(&mut self, parent: &Table<'_>, path: &str, key: &str) -> Option<String> {
        let v = get(parent, key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.type_problem(v, &join(path, key), "a string");
                None
            }
        }
    }

    /// A string chosen from a fixed set.
    pub fn choice_value<T: Copy>(
        &mut self,
        v: &Value<'_>,
        key: &str,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let Some(s) = v.get_ref().as_str() else {
            self.type_problem(v, key, "a string");
            return None;
        };
        if let Some((_, t)) = choices.iter().find(|(n, _)| *n == s) {
            return Some(*t);
        }
        let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
        self.problem(
            v.span(),
            key,
            format!("'{s}' is not a valid value"),
            Some(format!("the possible values are {names:?}")),
        );
        None
    }

    /// An array-valued entry.
    pub fn array<'t, 'i>(
        &mut self,
        parent: &'t Table<'i>,
        path: &str,
        key: &str,
    ) -> Option<&'t [Value<'i>]> {
        let v = get(parent, key)?;
        match v.get_ref() {
            DeValue::Array(a) => Some(a),
            _ => {
                self.type_problem(v, &join(path, key), "an array");
                None
            }
        }
    }

    /// `v` as a table, or a type problem at `path`.
    pub fn as_table<'t, 'i>(&mut self, v: &'t Value<'i>, path: &str) -> Option<&'t Table<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.type_problem(v, path, "a table");
                None
            }
        }
    }

    /// A boolean-valued entry.
    pub fn boolean(&mut self, parent: &Table<'_>, path: &str, key: &str) -> Option<bool> {
        let v = get(parent, key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.type_problem(v, &join(path, key), "true or false");
                None
            }
        }
    }

    /// Reports a required key that is absent, at the table's span.
    pub fn require(&mut self, parent: &Table<'_>, span: Range<usize>, path: &str, key: &str) {
        if get(parent, key).is_none() {
            self.problem(
                span,
                &join(path, key),
                format!("missing required key `{key}`"),
                None,
            );
        }
    }
}

fn raw_number(v: &Value<'_>) -> String {
    match v.get_ref() {
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        _ => String::new(),
    }
}

/// Looks a key up in a spanned table.
pub fn get<'t, 'i>(t: &'t Table<'i>, key: &str) -> Option<&'t Value<'i>> {
    t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

/// The span of `key`'s value in `t` (empty when absent): where a problem about it points.
pub fn span_of(t: &Table<'_>, key: &str) -> std::ops::Range<usize> {
    get(t, key).map_or(0..0, |v| v.span())
}

/// A dotted key path: `path.key`, or `key` at the top.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// "a string", "an integer", ...: a value's type for messages.
pub fn kind_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// The closest candidate by Jaro-Winkler similarity, when it is close enough to be a typo.
pub fn suggest<'a>(raw: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(raw, c), c))
        .filter(|(s, _)| *s >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}
