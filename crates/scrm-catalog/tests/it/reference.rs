//! The embedded framework lists against the shared reference data they were generated from
//! (skipped when /work/shared/ref is not checked out), and the catalog's references against
//! those lists.

use scrm_catalog::{Catalog, frameworks};
use std::collections::BTreeSet;
use std::path::Path;

/// Rows of a reference CSV as (header → value) maps.
fn rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let Ok(mut rdr) = csv::Reader::from_path(path) else {
        return Vec::new();
    };
    let headers: Vec<String> = rdr
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    rdr.records()
        .filter_map(Result::ok)
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn nist(file: &str) -> Option<std::path::PathBuf> {
    crate::shared_dir().map(|d| d.join("ref/csa-datasets-nist").join(file))
}

/// AI RMF ids and functions equal the 72 rows of the NIST CSV.
#[test]
fn airm_list_matches_reference() {
    let Some(path) = nist("ai-rmf-1.0/ai-rmf-1.0-subcategories.csv") else {
        return;
    };
    let expected: Vec<(String, String)> = rows(&path)
        .iter()
        .map(|r| (r["subcategory_id"].clone(), r["function"].to_uppercase()))
        .collect();
    let actual: Vec<(String, String)> = frameworks::airm_subcategories()
        .iter()
        .map(|i| (i.id.to_string(), i.group.to_string()))
        .collect();
    assert_eq!(actual, expected);
    // Titles repair the CSV's five empty descriptions and its hyphenation artefacts.
    assert!(
        frameworks::airm_subcategories()
            .iter()
            .all(|i| i.title.ends_with('.'))
    );
}

/// CSF 2.0: the active ids and the GV.SC text equal the NIST CSV.
#[test]
fn csf_lists_match_reference() {
    let Some(path) = nist("csf-2.0/csf-2.0.csv") else {
        return;
    };
    let all = rows(&path);
    let active: Vec<String> = {
        let mut v: Vec<String> = all
            .iter()
            .filter(|r| r["Status"] == "Active")
            .map(|r| r["Subcategory ID"].clone())
            .collect();
        v.sort();
        v
    };
    assert_eq!(frameworks::csf_active_ids(), active);
    let gv_sc: Vec<(String, String)> = all
        .iter()
        .filter(|r| r["Status"] == "Active" && r["Category ID"] == "GV.SC")
        .map(|r| {
            (
                r["Subcategory ID"].clone(),
                r["Subcategory"].trim().to_string(),
            )
        })
        .collect();
    let embedded: Vec<(String, String)> = frameworks::csf_gv_sc()
        .iter()
        .map(|i| (i.id.to_string(), i.title.to_string()))
        .collect();
    assert_eq!(embedded, gv_sc);
    for r in all.iter().filter(|r| r["Status"] != "Active") {
        assert!(frameworks::is_csf_withdrawn(&r["Subcategory ID"]));
    }
}

/// Every SP 800-161r1 base control is embedded (including MA-8 and SR-13, new in r1).
#[test]
fn sp800_161_list_matches_reference() {
    let Some(path) = nist("sp800-161r1/800-161-r1-controls.csv") else {
        return;
    };
    let base: BTreeSet<String> = rows(&path)
        .iter()
        .map(|r| r["control_id"].clone())
        .collect();
    assert_eq!(base.len(), 191);
    let embedded: BTreeSet<String> = frameworks::sp800_161_ids()
        .iter()
        .filter(|i| !i.contains('('))
        .map(|i| i.to_string())
        .collect();
    assert_eq!(embedded, base);
}

/// AI 600-1 action ids equal the CSV's, with `GV4.3--001` repaired to `GV-4.3-001`.
#[test]
fn ai600_1_list_matches_reference() {
    let Some(path) = nist("ai-600-1/ai-600-1-1.0-actions.csv") else {
        return;
    };
    let ids: BTreeSet<String> = rows(&path)
        .iter()
        .map(|r| {
            if r["action_id"] == "GV4.3--001" {
                "GV-4.3-001".to_string()
            } else {
                r["action_id"].clone()
            }
        })
        .collect();
    let embedded: BTreeSet<String> = frameworks::ai600_1_ids()
        .iter()
        .map(|i| i.to_string())
        .collect();
    assert_eq!(embedded, ids);
}

/// A predicate deciding whether an id is real.
type IdCheck = fn(&str) -> bool;

/// Every reference in the catalog names a real item (the loader checks this; the test keeps
/// the guarantee visible) and no withdrawn CSF id is cited.
#[test]
fn no_unknown_reference_ids() {
    let mut unknown = Vec::new();
    for q in Catalog::builtin().questions() {
        let r = &q.refs;
        let checks: [(&str, &Vec<String>, IdCheck); 6] = [
            ("airm", &r.airm, frameworks::is_airm_subcategory),
            ("aims", &r.aims, |i| frameworks::aims_item_for(i).is_some()),
            ("csf", &r.csf, frameworks::is_csf_active),
            ("sp800_161", &r.sp800_161, frameworks::is_sp800_161_control),
            ("ai600_1", &r.ai600_1, frameworks::is_ai600_1_action),
            ("eu_ai_act", &r.eu_ai_act, frameworks::is_eu_ai_act_article),
        ];
        for (field, ids, ok) in checks {
            unknown.extend(
                ids.iter()
                    .filter(|i| !ok(i))
                    .map(|i| format!("{} {field} {i}", q.id)),
            );
        }
    }
    assert_eq!(unknown, Vec::<String>::new());
}
