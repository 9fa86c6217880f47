//! The scoring structure: which questions feed which framework items, items into groups, groups
//! into lenses, built once per run from the catalog's questions, the crosswalk and the policy.

use rustc_hash::FxHashMap;
use scrm_model::{Lens, Question, QuestionId};
use scrm_policy::{Policy, lens_groups};
use std::collections::{BTreeMap, BTreeSet};

/// One framework item (AI RMF subcategory, ISO/IEC 42001 clause item or control, GV.SC id).
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// Item id (`GOVERN 6.1`, `6.1`, `A.10.3`, `GV.SC-05`).
    pub id: String,
    /// Index of its group in the lens's group list.
    pub group: usize,
    /// Questions that reference the item directly: (question index, weight).
    pub direct: Vec<(usize, f64)>,
    /// Questions that reach the item through the crosswalk only.
    pub crosswalk: Vec<(usize, f64)>,
}

/// One lens's items and groups.
#[derive(Debug, Clone)]
pub(crate) struct LensStructure {
    pub lens: Lens,
    /// Group ids in report order.
    pub groups: Vec<&'static str>,
    /// Group weights from the policy.
    pub group_weights: Vec<f64>,
    /// Items, sorted by id.
    pub items: Vec<Item>,
    /// Item indexes grouped by group, in item order within each group (coefficients are
    /// built one group at a time).
    pub by_group: Vec<usize>,
    /// Per group, every question its items reach, ascending and once each: where a group's
    /// coefficients can be non-zero.
    pub group_questions: Vec<Vec<u32>>,
}

/// The whole structure.
#[derive(Debug, Clone)]
pub(crate) struct Structure {
    pub questions: Vec<Question>,
    pub lenses: Vec<LensStructure>,
    pub lens_weights: Vec<f64>,
    /// Share of an item carried by crosswalked answers when it also has direct ones.
    pub crosswalk_weight: f64,
    /// Question index by [`QuestionId::key`], for the per-answer lookups of scoring.
    pub by_key: crate::keyindex::KeyIndex,
    /// Whether each question applies, per role key ([`crate::eval::role_key`]).
    pub applicable: Vec<Vec<bool>>,
    /// Whether each question allows `na` (read per question of every vendor: kept apart from
    /// the large question records).
    pub na_allowed: Vec<bool>,
    /// Question indexes in id order: findings that list questions visit them in this order
    /// and so need no sort per vendor.
    pub by_id: Vec<usize>,
    /// The question of each of the policy's knock-outs, in its order (`None`: not in the
    /// catalog): found once, not per vendor.
    pub knockout_ix: Vec<Option<usize>>,
    /// The `when` and `expect` questions of each of the policy's contradiction rules.
    pub contradiction_ix: Vec<(Option<usize>, Option<usize>)>,
}

/// The scored ISO/IEC 42001 item an id rolls up to: `6.1.1`..`6.1.4` roll up to `6.1`.
pub(crate) fn aims_item(id: &str) -> String {
    let id = id.trim();
    match id.strip_prefix("6.1.") {
        Some(rest) if !rest.is_empty() => "6.1".to_string(),
        _ => id.to_string(),
    }
}

/// The group of an item within its lens.
pub(crate) fn group_of(lens: Lens, item: &str) -> String {
    match lens {
        Lens::Airm => item
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase(),
        Lens::Aims => {
            if let Some(rest) = item.strip_prefix("A.") {
                format!("A.{}", rest.split('.').next().unwrap_or(""))
            } else {
                item.split('.').next().unwrap_or("").to_string()
            }
        }
        Lens::Cscrm => "GV.SC".to_string(),
    }
}

/// Sort key that orders `A.2.2 < A.10.2` and `GOVERN 1.2 < GOVERN 1.10`.
fn natural_key(s: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            num = Some(
                num.unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(u64::from(d)),
            );
        } else {
            if let Some(n) = num.take() {
                out.push((std::mem::take(&mut text), n));
            }
            text.push(c);
        }
    }
    out.push((text, num.unwrap_or(0)));
    out
}

impl Structure {
    /// Builds the structure. `crosswalk` pairs are (AI RMF subcategory, ISO/IEC 42001 id).
    pub(crate) fn new(
        questions: Vec<Question>,
        crosswalk: &[(String, String)],
        policy: &Policy,
    ) -> Self {
        let weights: Vec<f64> = questions
            .iter()
            .map(|q| {
                policy
                    .question_weights
                    .get(q.id.as_str())
                    .copied()
                    .unwrap_or(q.weight)
            })
            .collect();

        // Direct membership: item id -> questions, per lens.
        let mut direct: BTreeMap<Lens, BTreeMap<String, BTreeSet<usize>>> = BTreeMap::new();
        for (qi, q) in questions.iter().enumerate() {
            for s in &q.refs.airm {
                direct
                    .entry(Lens::Airm)
                    .or_default()
                    .entry(s.trim().to_string())
                    .or_default()
                    .insert(qi);
            }
            for s in &q.refs.aims {
                direct
                    .entry(Lens::Aims)
                    .or_default()
                    .entry(aims_item(s))
                    .or_default()
                    .insert(qi);
            }
            for s in q.refs.csf.iter().filter(|s| s.starts_with("GV.SC-")) {
                direct
                    .entry(Lens::Cscrm)
                    .or_default()
                    .entry(s.trim().to_string())
                    .or_default()
                    .insert(qi);
            }
        }

        // Crosswalk membership: a question with AI RMF ref S reaches ISO items paired with S,
        // and a question with ISO ref I reaches the AI RMF subcategories paired with I.
        let mut xw: BTreeMap<Lens, BTreeMap<String, BTreeSet<usize>>> = BTreeMap::new();
        for (qi, q) in questions.iter().enumerate() {
            let airm: BTreeSet<&str> = q.refs.airm.iter().map(|s| s.trim()).collect();
            let aims: BTreeSet<String> = q.refs.aims.iter().map(|s| aims_item(s)).collect();
            for (a, i) in crosswalk {
                let iso_item = aims_item(i);
                if airm.contains(a.as_str()) {
                    xw.entry(Lens::Aims)
                        .or_default()
                        .entry(iso_item.clone())
                        .or_default()
                        .insert(qi);
                }
                if aims.contains(&iso_item) {
                    xw.entry(Lens::Airm)
                        .or_default()
                        .entry(a.clone())
                        .or_default()
                        .insert(qi);
                }
            }
        }

        let mut lenses = Vec::new();
        for lens in Lens::ALL {
            let groups: Vec<&'static str> = lens_groups(lens).to_vec();
            let group_weights = groups
                .iter()
                .map(|g| policy.group_weight(lens, g))
                .collect();
            let d = direct.remove(&lens).unwrap_or_default();
            let x = xw.remove(&lens).unwrap_or_default();
            let mut ids: BTreeSet<&String> = d.keys().collect();
            ids.extend(x.keys());
            let mut items: Vec<Item> = ids
                .into_iter()
                .filter_map(|id| {
                    let g = group_of(lens, id);
                    let group = groups.iter().position(|x| *x == g)?;
                    let dq = d.get(id).cloned().unwrap_or_default();
                    let direct: Vec<(usize, f64)> =
                        dq.iter().map(|&qi| (qi, weights[qi])).collect();
                    let crosswalk: Vec<(usize, f64)> = x
                        .get(id)
                        .map(|s| {
                            s.iter()
                                .filter(|qi| !dq.contains(qi))
                                .map(|&qi| (qi, weights[qi]))
                                .collect()
                        })
                        .unwrap_or_default();
                    Some(Item {
                        id: id.clone(),
                        group,
                        direct,
                        crosswalk,
                    })
                })
                .collect();
            items.sort_by_key(|i| natural_key(&i.id));
            let mut by_group: Vec<usize> = (0..items.len()).collect();
            by_group.sort_by_key(|&i| items[i].group);
            let mut group_questions = vec![Vec::new(); groups.len()];
            for item in &items {
                let qs: &mut Vec<u32> = &mut group_questions[item.group];
                qs.extend(
                    item.direct
                        .iter()
                        .chain(&item.crosswalk)
                        .map(|(q, _)| *q as u32),
                );
            }
            for qs in &mut group_questions {
                qs.sort_unstable();
                qs.dedup();
            }
            lenses.push(LensStructure {
                lens,
                groups,
                group_weights,
                items,
                by_group,
                group_questions,
            });
        }

        // Question index by id, for the policy's rules (found here once).
        let index: FxHashMap<QuestionId, usize> = questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id, i))
            .collect();
        let find = |id: &str| index.get(id).copied();
        let knockout_ix = policy.knockouts.iter().map(|k| find(&k.question)).collect();
        let contradiction_ix = policy
            .contradictions
            .iter()
            .map(|c| (find(&c.when), find(&c.expect)))
            .collect();
        let by_key = crate::keyindex::KeyIndex::new(
            questions.iter().enumerate().map(|(i, q)| (q.id.key(), i)),
        );
        let na_allowed = questions.iter().map(|q| q.answer.na_allowed).collect();
        let applicable = crate::eval::roles()
            .map(|r| questions.iter().map(|q| q.applies_to(r)).collect())
            .collect();
        let mut by_id: Vec<usize> = (0..questions.len()).collect();
        by_id.sort_by_key(|&i| questions[i].id);
        let lens_weights = Lens::ALL
            .iter()
            .map(|l| policy.lens_weights.get(l).copied().unwrap_or(0.0))
            .collect();
        Self {
            questions,
            lenses,
            lens_weights,
            crosswalk_weight: policy.crosswalk_weight,
            by_key,
            applicable,
            na_allowed,
            by_id,
            knockout_ix,
            contradiction_ix,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_items() {
        assert_eq!(group_of(Lens::Airm, "GOVERN 6.1"), "GOVERN");
        assert_eq!(group_of(Lens::Aims, "A.10.3"), "A.10");
        assert_eq!(group_of(Lens::Aims, "9.2.1"), "9");
        assert_eq!(group_of(Lens::Aims, "10.2"), "10");
        assert_eq!(aims_item("6.1.2"), "6.1");
        assert_eq!(aims_item("6.1"), "6.1");
        assert_eq!(aims_item("9.2.1"), "9.2.1");
        let mut v = vec!["A.10.2", "A.2.2", "A.6.2.10", "A.6.2.2"];
        v.sort_by_key(|s| natural_key(s));
        assert_eq!(v, ["A.2.2", "A.6.2.2", "A.6.2.10", "A.10.2"]);
    }
}
