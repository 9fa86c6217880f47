//! The result table's column names, shared by every tabular output (CSV, JSON, XLSX, Parquet and
//! the history store), so one list decides them; and the machine keys of the columns readers
//! meet ([`header_key`]), which the templates write.

use crate::Lens;

/// The fixed summary columns, in output order.
pub const SUMMARY_COLUMNS: [&str; 14] = [
    "vendor_id",
    "name",
    "tier",
    "status",
    "combined_score",
    "airm_score",
    "aims_score",
    "cscrm_score",
    "airm_level",
    "aims_level",
    "coverage",
    "confidence",
    "residual_risk",
    "findings",
];

/// One per-group column: its output name, the lens and the engine's group id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupColumn {
    /// Column name (`airm_govern`, `aims_clause_4`, `aims_a_10`, `cscrm_gv_sc`).
    pub name: &'static str,
    /// The lens the group belongs to.
    pub lens: Lens,
    /// The engine's [`scrm_model::GroupScore::id`] (`GOVERN`, `4`, `A.10`, `GV.SC`).
    pub group_id: &'static str,
}

const fn g(name: &'static str, lens: Lens, group_id: &'static str) -> GroupColumn {
    GroupColumn {
        name,
        lens,
        group_id,
    }
}

/// Every per-group column, in output order (AI RMF functions, ISO/IEC 42001 clauses 4-10, Annex
/// A groups A.2-A.10, C-SCRM).
pub const GROUP_COLUMNS: [GroupColumn; 21] = [
    g("airm_govern", Lens::Airm, "GOVERN"),
    g("airm_map", Lens::Airm, "MAP"),
    g("airm_measure", Lens::Airm, "MEASURE"),
    g("airm_manage", Lens::Airm, "MANAGE"),
    g("aims_clause_4", Lens::Aims, "4"),
    g("aims_clause_5", Lens::Aims, "5"),
    g("aims_clause_6", Lens::Aims, "6"),
    g("aims_clause_7", Lens::Aims, "7"),
    g("aims_clause_8", Lens::Aims, "8"),
    g("aims_clause_9", Lens::Aims, "9"),
    g("aims_clause_10", Lens::Aims, "10"),
    g("aims_a_2", Lens::Aims, "A.2"),
    g("aims_a_3", Lens::Aims, "A.3"),
    g("aims_a_4", Lens::Aims, "A.4"),
    g("aims_a_5", Lens::Aims, "A.5"),
    g("aims_a_6", Lens::Aims, "A.6"),
    g("aims_a_7", Lens::Aims, "A.7"),
    g("aims_a_8", Lens::Aims, "A.8"),
    g("aims_a_9", Lens::Aims, "A.9"),
    g("aims_a_10", Lens::Aims, "A.10"),
    g("cscrm_gv_sc", Lens::Cscrm, "GV.SC"),
];

/// The columns of the vendor profile format, in template and file order: `vendor_id`, then the
/// fields of [`crate::VendorProfile`] a file may carry.
pub const PROFILE_COLUMNS: [&str; 8] = [
    "vendor_id",
    "name",
    "country",
    "criticality",
    "ai_role",
    "data_access",
    "assessed_on",
    "certifications",
];

/// [`PROFILE_COLUMNS`] without `vendor_id`: the profile fields proper.
pub const PROFILE_FIELDS: &[&str] = match PROFILE_COLUMNS.split_first() {
    Some((_, rest)) => rest,
    None => &[],
};

/// The index in [`GROUP_COLUMNS`] of a lens group, `None` for a group the table does not carry.
pub fn group_column(lens: Lens, id: &str) -> Option<usize> {
    GROUP_COLUMNS
        .iter()
        .position(|c| c.lens == lens && c.group_id == id)
}

/// The columns of the long answers layout (one answer per row), in order: what `scrm gen`
/// writes, every scrm command reads, and `scrm adapter check --format csv` converts to.
pub const LONG_ANSWER_COLUMNS: [&str; 6] = [
    "vendor_id",
    "question_id",
    "answer",
    "evidence",
    "evidence_date",
    "comment",
];

/// Header keys the formats know besides the profile columns (answers, exclusions, template
/// sheets), so that a localized label such as `回答 (answer)` can be reduced to its key.
const OTHER_KEYS: &[&str] = &[
    "question_id",
    "answer",
    "evidence",
    "evidence_date",
    "comment",
    "source",
    "reference",
    "listed_on",
    "field",
    "label",
    "value",
    "help",
    "topic",
    "question",
    "guidance",
    "answer_kind",
];

/// The machine key of a header cell: the text inside the last parentheses when it is a known
/// key (`Question ID (question_id)`, `回答（answer）`), otherwise the folded cell text with
/// spaces and hyphens as underscores (`Vendor ID` → `vendor_id`).
pub fn header_key(raw: &str) -> String {
    let f = crate::fold(raw);
    if let Some(inner) = f
        .strip_suffix(')')
        .and_then(|s| s.rfind('(').map(|i| &s[i + 1..]))
    {
        let k = keyish(inner);
        if is_known_key(&k) {
            return k;
        }
    }
    keyish(&f)
}

fn keyish(s: &str) -> String {
    s.trim().replace([' ', '-'], "_")
}

/// Whether a key is one of the known keys: a profile column or one of [`OTHER_KEYS`].
pub fn is_known_key(k: &str) -> bool {
    PROFILE_COLUMNS.contains(&k) || OTHER_KEYS.contains(&k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_columns_and_lookup_agree() {
        for (k, c) in GROUP_COLUMNS.iter().enumerate() {
            assert_eq!(group_column(c.lens, c.group_id), Some(k), "{}", c.name);
        }
        assert_eq!(group_column(Lens::Airm, "A.2"), None);
    }
}
