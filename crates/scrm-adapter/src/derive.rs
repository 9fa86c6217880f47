//! Turning one supplier's foreign answers into scrm answers: which foreign questions feed which
//! scrm question, how their answers combine, and the comment that says where each answer came
//! from.

use crate::spec::{Adapter, Combine, Foreign, Mapping, Scale};
use chrono::NaiveDate;
use scrm_model::{AnswerKind, AnswerValue, QuestionId};

/// One foreign answer, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The foreign question id as written (trimmed).
    pub id: String,
    /// Its row.
    pub line: u64,
    /// What the answer says.
    pub value: Foreign,
    /// The row's comment columns, joined (may be empty).
    pub comment: String,
    /// Its evidence (may be empty).
    pub evidence: String,
    /// Its evidence date, when it has a valid one.
    pub date: Option<NaiveDate>,
}

/// One scrm answer derived from foreign answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// The scrm question.
    pub to: QuestionId,
    /// The answer.
    pub value: AnswerValue,
    /// Where it came from (`csa-caiq-v4: STA-07.1=yes, STA-07.2=no`), then the foreign
    /// comments, each after its id.
    pub comment: String,
    /// The foreign evidence, distinct values joined with `; `.
    pub evidence: String,
    /// The oldest evidence date among the foreign answers: evidence is as fresh as its oldest
    /// part.
    pub date: Option<NaiveDate>,
    /// The row of its first foreign answer.
    pub line: u64,
    /// The foreign answers it combines (index into the inputs), in input order.
    pub from: Vec<usize>,
}

/// What an adapter made of one supplier's foreign answers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    /// One answer per mapped scrm question that at least one foreign answer feeds, in the
    /// adapter's order.
    pub derived: Vec<Derived>,
    /// Whether each input feeds some mapping.
    pub used: Vec<bool>,
    /// Inputs neither mapped nor ignored (index into the inputs).
    pub unmapped: Vec<usize>,
}

/// The `from` patterns that match none of `ids` (the foreign questions a file holds), as
/// written, each once, in the adapter's order: questions the file lacks.
pub fn missing<'a>(adapter: &'a Adapter, ids: &[&str]) -> Vec<&'a str> {
    let folded: std::collections::BTreeSet<String> =
        ids.iter().map(|id| scrm_model::fold(id)).collect();
    let mut out: Vec<&str> = Vec::new();
    for p in adapter.maps.iter().flat_map(|m| &m.from) {
        if !folded.iter().any(|id| p.matches_folded(id)) && !out.contains(&p.as_str()) {
            out.push(p.as_str());
        }
    }
    out
}

/// Applies the adapter to one supplier's inputs (ids unique). Texts are cut to `max_text`
/// bytes, the field-size limit every other input obeys.
pub fn apply(adapter: &Adapter, inputs: &[Input], max_text: usize) -> Outcome {
    let mut out = Outcome {
        used: vec![false; inputs.len()],
        ..Outcome::default()
    };
    // Each id folded once, not once per pattern it is tried against.
    let ids: Vec<String> = inputs.iter().map(|i| scrm_model::fold(&i.id)).collect();
    for m in &adapter.maps {
        let from: Vec<usize> = (0..inputs.len())
            .filter(|&i| m.from.iter().any(|p| p.matches_folded(&ids[i])))
            .collect();
        if from.is_empty() {
            continue;
        }
        for &i in &from {
            out.used[i] = true;
        }
        out.derived.push(derive(adapter, m, inputs, from, max_text));
    }
    out.unmapped = (0..inputs.len())
        .filter(|&i| !out.used[i] && !adapter.ignore.iter().any(|p| p.matches_folded(&ids[i])))
        .collect();
    out
}

fn derive(
    adapter: &Adapter,
    m: &Mapping,
    inputs: &[Input],
    from: Vec<usize>,
    max: usize,
) -> Derived {
    let values: Vec<Foreign> = from.iter().map(|&i| inputs[i].value).collect();
    let value = combine(m, adapter.scale, &values);
    let mut comment = format!("{}: ", adapter.name);
    let parts: Vec<String> = from
        .iter()
        .map(|&i| format!("{}={}", inputs[i].id, inputs[i].value.as_text()))
        .collect();
    comment.push_str(&parts.join(", "));
    if values.len() > 1 {
        comment.push_str(&format!(" ({})", m.combine.as_str()));
    }
    if value == AnswerValue::Unanswered && values.iter().all(|v| *v == Foreign::Na) {
        comment.push_str("; not applicable there, but this question does not allow na");
    }
    for &i in &from {
        let c = inputs[i].comment.trim();
        if !c.is_empty() {
            comment.push_str(&format!("; {}: {c}", inputs[i].id));
        }
    }
    // Distinct, in first-seen order; a set finds a repeat at once, however many rows feed one
    // question (a prefix pattern may take thousands).
    let mut evidence: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for &i in &from {
        let e = inputs[i].evidence.trim();
        if !e.is_empty() && seen.insert(e) {
            evidence.push(e);
        }
    }
    let date = from.iter().filter_map(|&i| inputs[i].date).min();
    Derived {
        to: m.to,
        value,
        comment: cut(comment, max),
        evidence: cut(evidence.join("; "), max),
        date,
        line: inputs[from[0]].line,
        from,
    }
}

/// Combines foreign answers into one answer of the mapping's kind.
///
/// Not-applicable answers are left out. When every answer is not applicable, the answer is
/// `na` where the question allows it, and unanswered where it does not (scrm never turns a
/// claim of "does not apply" into a score). A blank or rejected answer among answered ones
/// counts as the weakest answer: a supplier is not credited for what it left out or for what
/// could not be read.
pub fn combine(m: &Mapping, scale: Scale, values: &[Foreign]) -> AnswerValue {
    let applicable: Vec<Foreign> = values
        .iter()
        .copied()
        .filter(|v| *v != Foreign::Na)
        .collect();
    if applicable.is_empty() {
        return if !values.is_empty() && m.spec.na_allowed {
            AnswerValue::NotApplicable
        } else {
            AnswerValue::Unanswered
        };
    }
    if applicable
        .iter()
        .all(|v| matches!(v, Foreign::Blank | Foreign::Rejected))
    {
        return AnswerValue::Unanswered;
    }
    match m.spec.kind {
        AnswerKind::Maturity => {
            let levels: Vec<u32> = applicable
                .iter()
                .map(|v| u32::from(level(*v, scale)))
                .collect();
            let n = match m.combine {
                Combine::Mean => levels.iter().sum::<u32>() / levels.len() as u32,
                Combine::Min => levels.iter().copied().min().unwrap_or(0),
            };
            AnswerValue::Maturity(n.min(5) as u8)
        }
        AnswerKind::YesPartialNo => {
            let grades: Vec<u8> = applicable.iter().map(|v| grade(*v, scale)).collect();
            let g = match m.combine {
                Combine::Mean if grades.iter().all(|g| *g == 2) => 2,
                Combine::Mean if grades.iter().all(|g| *g == 0) => 0,
                Combine::Mean => 1,
                Combine::Min => grades.iter().copied().min().unwrap_or(0),
            };
            [AnswerValue::No, AnswerValue::Partial, AnswerValue::Yes][usize::from(g)]
        }
    }
}

/// A foreign answer as a maturity level.
fn level(v: Foreign, scale: Scale) -> u8 {
    match v {
        Foreign::Yes => scale.yes,
        Foreign::Partial => scale.partial,
        Foreign::No | Foreign::Blank | Foreign::Rejected | Foreign::Na => 0,
        Foreign::Level(n) => n.min(5),
    }
}

/// A foreign answer as no (0), partial (1) or yes (2): a level counts as yes from the scale's
/// yes level up.
fn grade(v: Foreign, scale: Scale) -> u8 {
    match v {
        Foreign::Yes => 2,
        Foreign::Partial => 1,
        Foreign::No | Foreign::Blank | Foreign::Rejected | Foreign::Na => 0,
        Foreign::Level(0) => 0,
        Foreign::Level(n) if n >= scale.yes.max(1) => 2,
        Foreign::Level(_) => 1,
    }
}

/// Cuts a text to at most `max` bytes at a character boundary, marking the cut with `…`.
fn cut(s: String, max: usize) -> String {
    if s.len() <= max {
        return s;
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Pattern;
    use Foreign::*;
    use scrm_model::AnswerSpec;

    fn mapping(kind: AnswerKind, na: bool, combine: Combine) -> Mapping {
        Mapping {
            to: QuestionId::new("GV.SC-04"),
            spec: AnswerSpec {
                kind,
                na_allowed: na,
            },
            from: vec![Pattern::parse("STA-07.*").unwrap()],
            combine,
            line: 1,
        }
    }

    #[test]
    fn maturity_mean_and_min() {
        let s = Scale::default();
        let mean = mapping(AnswerKind::Maturity, false, Combine::Mean);
        let min = mapping(AnswerKind::Maturity, false, Combine::Min);
        let m = |n| AnswerValue::Maturity(n);
        assert_eq!(combine(&mean, s, &[Yes, Yes]), m(3));
        assert_eq!(combine(&mean, s, &[Yes, No]), m(1)); // 1.5 rounds down
        assert_eq!(combine(&mean, s, &[Yes, Partial, Na]), m(2));
        assert_eq!(combine(&mean, s, &[Yes, Blank]), m(1));
        assert_eq!(combine(&mean, s, &[Level(5), Level(4)]), m(4));
        assert_eq!(combine(&min, s, &[Yes, Partial, Level(4)]), m(1));
        assert_eq!(combine(&mean, s, &[Blank, Blank]), AnswerValue::Unanswered);
        assert_eq!(combine(&mean, s, &[Yes, Rejected]), m(1));
        assert_eq!(
            combine(&mean, s, &[Rejected, Blank]),
            AnswerValue::Unanswered
        );
        assert_eq!(combine(&mean, s, &[Na, Na]), AnswerValue::Unanswered);
        let na = mapping(AnswerKind::Maturity, true, Combine::Mean);
        assert_eq!(combine(&na, s, &[Na]), AnswerValue::NotApplicable);
        let high = Scale { yes: 5, partial: 2 };
        assert_eq!(combine(&mean, high, &[Yes, Partial]), m(3));
    }

    #[test]
    fn yes_partial_no() {
        let s = Scale::default();
        let mean = mapping(AnswerKind::YesPartialNo, false, Combine::Mean);
        let min = mapping(AnswerKind::YesPartialNo, false, Combine::Min);
        assert_eq!(combine(&mean, s, &[Yes, Yes, Na]), AnswerValue::Yes);
        assert_eq!(combine(&mean, s, &[Yes, No]), AnswerValue::Partial);
        assert_eq!(combine(&mean, s, &[No, Blank]), AnswerValue::No);
        assert_eq!(combine(&min, s, &[Yes, Partial]), AnswerValue::Partial);
        assert_eq!(combine(&min, s, &[Yes, No]), AnswerValue::No);
        assert_eq!(combine(&mean, s, &[Level(3), Level(4)]), AnswerValue::Yes);
        assert_eq!(combine(&mean, s, &[Level(2)]), AnswerValue::Partial);
        assert_eq!(combine(&mean, s, &[Level(0)]), AnswerValue::No);
    }

    #[test]
    fn cut_keeps_characters_whole() {
        assert_eq!(cut("abc".into(), 3), "abc");
        assert_eq!(cut("abcdef".into(), 5), "ab…");
        assert_eq!(cut("證據證據".into(), 8), "證…");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use crate::pattern::Pattern;
    use proptest::prelude::*;
    use scrm_model::AnswerSpec;

    fn answer() -> impl Strategy<Value = Foreign> {
        prop_oneof![
            Just(Foreign::Yes),
            Just(Foreign::Partial),
            Just(Foreign::No),
            Just(Foreign::Na),
            Just(Foreign::Blank),
            Just(Foreign::Rejected),
            (0u8..=5).prop_map(Foreign::Level),
        ]
    }

    /// A better answer than `v`, when there is one (not applicable is not better or worse).
    fn better(v: Foreign, scale: Scale) -> Option<Foreign> {
        match v {
            Foreign::No | Foreign::Blank | Foreign::Rejected => Some(Foreign::Partial),
            Foreign::Partial => Some(Foreign::Yes),
            Foreign::Yes => (scale.yes < 5).then_some(Foreign::Level(5)),
            Foreign::Level(n) if n < 5 => Some(Foreign::Level(n + 1)),
            _ => None,
        }
    }

    fn rank(v: AnswerValue) -> i32 {
        match v {
            AnswerValue::Maturity(n) => i32::from(n),
            AnswerValue::Yes => 2,
            AnswerValue::Partial => 1,
            AnswerValue::No | AnswerValue::Unanswered => 0,
            AnswerValue::NotApplicable => -1,
        }
    }

    proptest! {
        /// Fairness: a supplier that improves one foreign answer never gets a lower scrm answer,
        /// whatever the kind, the rule and the scale. And the order of the answers does not
        /// matter.
        #[test]
        fn improving_an_answer_never_lowers_the_result(
            values in proptest::collection::vec(answer(), 1..8),
            at in 0usize..8,
            maturity in any::<bool>(),
            min in any::<bool>(),
            yes in 1u8..=5,
            partial in 0u8..=5,
        ) {
            let scale = Scale { yes, partial: partial.min(yes) };
            let m = Mapping {
                to: QuestionId::new("GV.SC-04"),
                spec: AnswerSpec {
                    kind: if maturity { AnswerKind::Maturity } else { AnswerKind::YesPartialNo },
                    na_allowed: false,
                },
                from: vec![Pattern::parse("X*").unwrap()],
                combine: if min { Combine::Min } else { Combine::Mean },
                line: 1,
            };
            let before = combine(&m, scale, &values);
            let mut reversed = values.clone();
            reversed.reverse();
            prop_assert_eq!(combine(&m, scale, &reversed), before);
            let i = at % values.len();
            if let Some(b) = better(values[i], scale) {
                let mut improved = values.clone();
                improved[i] = b;
                let after = combine(&m, scale, &improved);
                prop_assert!(rank(after) >= rank(before), "{values:?} -> {improved:?}: {before:?} -> {after:?}");
            }
        }
    }
}
