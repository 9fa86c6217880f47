//! Reference lists of the frameworks the question bank cites, embedded at build time, and the
//! checks that decide whether a reference id in a catalog file is real.
//!
//! NIST text (AI RMF subcategories, CSF 2.0 GV.SC) is public domain and quoted; ISO/IEC 42001
//! items carry only their ids and scrm's own few-word paraphrase, never ISO text.

#[rustfmt::skip]
mod data;

/// One item of a framework: a NIST AI RMF subcategory, an ISO/IEC 42001 clause item or Annex A
/// control, or a CSF 2.0 subcategory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FrameworkItem {
    /// Canonical id (`GOVERN 1.1`, `9.2.1`, `A.10.3`, `GV.SC-01`).
    pub id: &'static str,
    /// The group the item rolls up into (`GOVERN`, `9`, `A.10`, `GV.SC`).
    pub group: &'static str,
    /// NIST text, or scrm's paraphrase for ISO/IEC 42001 items.
    pub title: &'static str,
}

/// The 72 NIST AI RMF 1.0 subcategories in NIST order, grouped by function
/// (`GOVERN` 19, `MAP` 18, `MEASURE` 22, `MANAGE` 13); titles are the NIST AI 100-1 text.
pub fn airm_subcategories() -> &'static [FrameworkItem] {
    data::AIRM
}

/// The 29 ISO/IEC 42001:2023 clause items scrm scores (4.1-4.4, 5.1-5.3, 6.1-6.3, 7.1-7.4,
/// 7.5.1-7.5.3, 8.1-8.4, 9.1, 9.2.1-9.2.2, 9.3.1-9.3.3, 10.1-10.2), grouped by clause
/// (`4`..`10`); titles are scrm's paraphrase.
pub fn aims_clauses() -> &'static [FrameworkItem] {
    data::AIMS_CLAUSES
}

/// The 38 ISO/IEC 42001:2023 Annex A controls, grouped by objective (`A.2`..`A.10`); titles are
/// scrm's paraphrase.
pub fn aims_annex_a() -> &'static [FrameworkItem] {
    data::AIMS_ANNEX_A
}

/// The 10 NIST CSF 2.0 GV.SC subcategories with their NIST text.
pub fn csf_gv_sc() -> &'static [FrameworkItem] {
    data::CSF_GV_SC
}

/// The scored ISO/IEC 42001 item a valid reference id belongs to: a clause item or Annex A
/// control maps to itself, and the sub-clauses `6.1.1`..`6.1.4` roll up into `6.1`.
/// `None` when `id` is not a valid ISO/IEC 42001 reference id.
pub fn aims_item_for(id: &str) -> Option<&'static str> {
    data::AIMS_CLAUSES
        .iter()
        .chain(data::AIMS_ANNEX_A)
        .find(|i| i.id == id)
        .map(|i| i.id)
        .or_else(|| {
            data::AIMS_SUB_ITEMS
                .iter()
                .find(|(sub, _)| *sub == id)
                .map(|(_, item)| *item)
        })
}

/// Every valid ISO/IEC 42001 reference id: clause items, the 6.1.x sub-clauses, Annex A.
pub fn aims_ref_ids() -> impl Iterator<Item = &'static str> {
    data::AIMS_CLAUSES
        .iter()
        .map(|i| i.id)
        .chain(data::AIMS_SUB_ITEMS.iter().map(|(sub, _)| *sub))
        .chain(data::AIMS_ANNEX_A.iter().map(|i| i.id))
}

/// Whether `id` is a NIST AI RMF 1.0 subcategory in canonical form (`GOVERN 1.1`).
pub fn is_airm_subcategory(id: &str) -> bool {
    data::AIRM.iter().any(|i| i.id == id)
}

/// Whether `id` is an active NIST CSF 2.0 subcategory (`GV.SC-05`, `ID.RA-08`).
pub fn is_csf_active(id: &str) -> bool {
    data::CSF_ACTIVE.contains(&id)
}

/// Whether `id` is a NIST CSF 2.0 id that was withdrawn (`ID.SC-01`); such ids are rejected.
pub fn is_csf_withdrawn(id: &str) -> bool {
    data::CSF_WITHDRAWN.contains(&id)
}

/// Active NIST CSF 2.0 subcategory ids, sorted.
pub fn csf_active_ids() -> &'static [&'static str] {
    data::CSF_ACTIVE
}

/// Whether `id` is an SP 800-161r1 control (`SR-6`) or a control enhancement its text cites
/// (`SR-3(3)`).
pub fn is_sp800_161_control(id: &str) -> bool {
    data::SP800_161R1.contains(&id)
}

/// SP 800-161r1 control and enhancement ids, in family and number order.
pub fn sp800_161_ids() -> &'static [&'static str] {
    data::SP800_161R1
}

/// Whether `id` is a NIST AI 600-1 suggested action id (`GV-6.1-001`). The source CSV spells
/// one id `GV4.3--001`; it is stored, and only accepted, as `GV-4.3-001`.
pub fn is_ai600_1_action(id: &str) -> bool {
    data::AI600_1.contains(&id)
}

/// NIST AI 600-1 suggested action ids, in function and subcategory order.
pub fn ai600_1_ids() -> &'static [&'static str] {
    data::AI600_1
}

/// The GAI risks a NIST AI 600-1 suggested action addresses (empty for an unknown id).
pub fn ai600_1_risks(action: &str) -> &'static [scrm_model::GaiRisk] {
    data::AI600_1_RISKS
        .iter()
        .find(|(a, _)| *a == action)
        .map_or(&[], |(_, r)| r)
}

/// The GAI risks a question addresses: those of every AI 600-1 action it references, each once,
/// in AI 600-1's order.
pub fn gai_risks_of(q: &scrm_model::Question) -> Vec<scrm_model::GaiRisk> {
    let mut out: Vec<scrm_model::GaiRisk> = q
        .refs
        .ai600_1
        .iter()
        .flat_map(|a| ai600_1_risks(a).iter().copied())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Highest article number of the EU AI Act (Regulation (EU) 2024/1689).
pub const EU_AI_ACT_ARTICLES: u32 = 113;

/// Whether `id` is an EU AI Act article number, `1` to `113`, written without leading zeros.
pub fn is_eu_ai_act_article(id: &str) -> bool {
    !id.starts_with('0')
        && id
            .parse::<u32>()
            .is_ok_and(|n| (1..=EU_AI_ACT_ARTICLES).contains(&n))
}

/// Two-letter function codes of AI 600-1 action ids, with the AI RMF function names.
pub(crate) const AIRM_FUNCTIONS: [(&str, &str); 4] = [
    ("GV", "GOVERN"),
    ("MP", "MAP"),
    ("MS", "MEASURE"),
    ("MG", "MANAGE"),
];

/// Maps an AI RMF subcategory as spelled in the wild to its canonical NIST form:
/// `gv-1.1`, `GV1.1`, `Govern-1.1`, `ai-rmf-gv-1.1`, `MEASURE-2.3@1.0` (CoSAI) all give
/// `GOVERN 1.1` / `MEASURE 2.3`. `None` unless the result is one of the 72 subcategories.
pub fn normalize_airm_subcategory(raw: &str) -> Option<String> {
    let tokens = crate::lookup::tokens(raw);
    let rest = crate::lookup::strip_framework_prefix(&tokens);
    let (function, number) = match rest {
        [f, n] => (f.as_str(), n.as_str()),
        _ => return None,
    };
    let name = AIRM_FUNCTIONS
        .iter()
        .find(|(code, name)| {
            function.eq_ignore_ascii_case(code) || function.eq_ignore_ascii_case(name)
        })
        .map(|(_, name)| *name)?;
    let (major, minor) = crate::lookup::two_part_number(number)?;
    let id = format!("{name} {major}.{minor}");
    is_airm_subcategory(&id).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded lists have the sizes standards.md gives.
    #[test]
    fn list_sizes() {
        assert_eq!(airm_subcategories().len(), 72);
        assert_eq!(aims_clauses().len(), 29);
        assert_eq!(aims_annex_a().len(), 38);
        assert_eq!(csf_gv_sc().len(), 10);
        assert_eq!(csf_active_ids().len(), 106);
        assert_eq!(ai600_1_ids().len(), 212);
        // Every action has its risks, normalized to the twelve (the dirty labels of the CSV:
        // a ligature, two CBRN spellings, a merged pair, "Environmental").
        assert_eq!(data::AI600_1_RISKS.len(), 212);
        assert!(data::AI600_1_RISKS.iter().all(|(_, r)| !r.is_empty()));
        let used: std::collections::BTreeSet<_> = data::AI600_1_RISKS
            .iter()
            .flat_map(|(_, r)| r.iter().copied())
            .collect();
        assert_eq!(used.len(), 12);
        assert_eq!(
            ai600_1_risks("GV-1.2-002"),
            [
                scrm_model::GaiRisk::Cbrn,
                scrm_model::GaiRisk::InformationSecurity
            ]
        );
        assert!(ai600_1_risks("GV-9.9-999").is_empty());
        assert_eq!(aims_ref_ids().count(), 29 + 4 + 38);
    }

    /// Per-function subcategory counts (19/18/22/13).
    #[test]
    fn airm_counts_per_function() {
        let count = |g: &str| airm_subcategories().iter().filter(|i| i.group == g).count();
        assert_eq!(
            [
                count("GOVERN"),
                count("MAP"),
                count("MEASURE"),
                count("MANAGE")
            ],
            [19, 18, 22, 13]
        );
    }

    /// Sub-clauses roll up; unknown ids do not.
    #[test]
    fn aims_item_roll_up() {
        let cases = [
            ("6.1.2", Some("6.1")),
            ("6.1", Some("6.1")),
            ("9.2.1", Some("9.2.1")),
            ("A.10.3", Some("A.10.3")),
            ("A.6.1.2", Some("A.6.1.2")),
            ("9.2", None),
            ("B.10.3", None),
            ("A.1.1", None),
            ("", None),
        ];
        for (id, want) in cases {
            assert_eq!(aims_item_for(id), want, "id {id:?}");
        }
    }

    /// Reference id checks accept real ids and reject near misses.
    #[test]
    fn reference_checks() {
        assert!(is_csf_active("GV.SC-05"));
        assert!(!is_csf_active("ID.SC-01"));
        assert!(is_csf_withdrawn("ID.SC-01"));
        assert!(is_sp800_161_control("SR-13"));
        assert!(is_sp800_161_control("MA-8"));
        assert!(is_sp800_161_control("SR-3(3)"));
        assert!(!is_sp800_161_control("SR-14"));
        assert!(is_ai600_1_action("GV-4.3-001"));
        assert!(!is_ai600_1_action("GV4.3--001"));
        assert!(is_eu_ai_act_article("1"));
        assert!(is_eu_ai_act_article("113"));
        assert!(!is_eu_ai_act_article("114"));
        assert!(!is_eu_ai_act_article("0"));
        assert!(!is_eu_ai_act_article("025"));
    }

    /// AI RMF subcategory spellings from the wild map to the NIST form.
    #[test]
    fn normalizes_airm_subcategories() {
        let cases = [
            ("gv-1.1", Some("GOVERN 1.1")),
            ("GV1.1", Some("GOVERN 1.1")),
            ("GOVERN 1.1", Some("GOVERN 1.1")),
            ("Govern-1.1", Some("GOVERN 1.1")),
            ("ai-rmf-gv-1.1", Some("GOVERN 1.1")),
            ("MEASURE-2.3@1.0", Some("MEASURE 2.3")),
            ("ms 2.10", Some("MEASURE 2.10")),
            ("MG-4.3", Some("MANAGE 4.3")),
            ("map 5.2", Some("MAP 5.2")),
            ("GV-9.9", None),
            ("ms_2_3", None),
            ("GV.SC-01", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(
                normalize_airm_subcategory(raw).as_deref(),
                want,
                "raw {raw:?}"
            );
        }
    }
}
