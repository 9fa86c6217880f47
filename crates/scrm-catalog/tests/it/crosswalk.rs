//! The AI RMF ↔ ISO/IEC 42001 crosswalk: row count, errata and the reverse index of
//! standards.md §3.4.

use scrm_catalog::Catalog;
use std::collections::BTreeMap;

fn cw() -> &'static scrm_catalog::Crosswalk {
    Catalog::builtin().crosswalk()
}

/// 280 pairs, as parsed in standards.md §3.3; every subcategory maps somewhere.
#[test]
fn row_count() {
    assert_eq!(cw().pairs().len(), 280);
    for item in scrm_catalog::frameworks::airm_subcategories() {
        assert!(
            !cw().iso_for(item.id).is_empty(),
            "{} maps to nothing",
            item.id
        );
    }
}

/// Spot checks, in both directions, including the supplier pivots.
#[test]
fn spot_checks() {
    assert_eq!(cw().iso_for("GOVERN 6.1"), ["A.10.2", "A.10.3"]);
    assert_eq!(cw().iso_for("gv-6.2"), ["A.10.2", "A.10.3"]);
    assert_eq!(cw().iso_for("MANAGE 3.2"), ["A.4.4", "A.6.2.6"]);
    assert_eq!(
        cw().airm_for("A.10.3"),
        [
            "GOVERN 1.2",
            "GOVERN 4.1",
            "GOVERN 6.1",
            "GOVERN 6.2",
            "MAP 4.2",
            "MANAGE 3.1"
        ]
    );
    assert_eq!(cw().airm_for("B.10.3"), cw().airm_for("A.10.3"));
    assert_eq!(cw().airm_for("9.2.2"), ["MEASURE 1.3"]);
    assert_eq!(cw().airm_for("7.5.1"), Vec::<&str>::new());
    assert_eq!(
        cw().airm_for_item("6.1"),
        [
            "GOVERN 1.3",
            "GOVERN 1.4",
            "GOVERN 4.2",
            "MAP 1.1",
            "MAP 1.5",
            "MAP 5.1",
            "MEASURE 1.1",
            "MEASURE 1.3",
            "MEASURE 2.8",
            "MANAGE 1.2",
            "MANAGE 1.3",
            "MANAGE 2.3"
        ]
    );
}

/// The §3.1 errata are fixed (or kept) and say so in the note.
#[test]
fn errata() {
    let note = |airm: &str, iso: &str| {
        cw().pairs()
            .iter()
            .find(|p| p.airm == airm && p.iso == iso)
            .map(|p| p.note.is_some())
    };
    assert_eq!(note("GOVERN 2.1", "7.2"), Some(true));
    assert_eq!(note("GOVERN 3.2", "A.3.2"), Some(true));
    assert_eq!(note("MAP 1.4", "A.10.4"), Some(true));
    assert_eq!(note("MAP 1.4", "A.2.2"), None);
    assert_eq!(note("MAP 1.5", "6.1.1"), Some(true));
    assert_eq!(note("MANAGE 1.1", "A.6.2.4"), Some(true));
    assert_eq!(cw().pairs().iter().filter(|p| p.note.is_some()).count(), 5);
    assert!(
        cw().pairs()
            .iter()
            .all(|p| p.provenance.contains("standards.md §3.3"))
    );
}

/// The reverse index matches standards.md §3.4 row by row, except where an erratum moved a
/// pair (MAP 1.4: A.2.2 → A.10.4).
#[test]
fn reverse_index_matches_standards() {
    let Some(dir) = crate::shared_dir() else {
        return;
    };
    let md = std::fs::read_to_string(dir.join("docs/standards.md")).unwrap_or_default();
    let start = md.find("### 3.4 Reverse index").unwrap_or_default();
    let end = md[start..].find("### 3.5").map_or(md.len(), |e| start + e);
    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in md[start..end].lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 5 || !cells[1].starts_with(|c: char| c.is_ascii_digit() || c == 'A') {
            continue;
        }
        let iso = cells[1].split(' ').next().unwrap_or_default().to_string();
        let subs: Vec<String> = cells[3].split(", ").map(str::to_string).collect();
        assert_eq!(
            cells[2].parse::<usize>().ok(),
            Some(subs.len()),
            "count column of {iso}"
        );
        expected.insert(iso, subs);
    }
    assert_eq!(expected.len(), 65);
    // The erratum fix moves MAP 1.4 from A.2.2 ("B.2.2 Customers") to A.10.4.
    if let Some(v) = expected.get_mut("A.2.2") {
        v.retain(|s| s != "MAP 1.4");
    }
    if let Some(v) = expected.get_mut("A.10.4") {
        v.push("MAP 1.4".into());
    }
    let mut actual: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for iso in expected.keys() {
        let mut subs: Vec<String> = cw().airm_for(iso).into_iter().map(str::to_string).collect();
        subs.sort();
        actual.insert(iso.clone(), subs);
    }
    for v in expected.values_mut() {
        v.sort();
    }
    assert_eq!(actual, expected);
}

/// A malformed crosswalk is reported row by row with the column of the bad id.
#[test]
fn bad_crosswalk_rows_are_located() {
    let header = "[catalog]\nid = \"m\"\nversion = \"1\"\nfiles = []\ncrosswalk = \"cw.csv\"\n";
    let cw = "airm,iso,provenance,note\nGOVERN 6.1,A.10.3,x,\ngv-6.1,A.10.3,x,\nGOVERN 6.1,B.10.3,,\nGOVERN 6.1,A.10.3,x,dup\n";
    let err = Catalog::from_sources(&[("catalog.toml", header), ("cw.csv", cw)])
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        err,
        Err([
            "4 problems in the question bank:",
            "  cw.csv:3:1: 'gv-6.1' is not a NIST AI RMF 1.0 subcategory (help: write it in NIST form: 'GOVERN 6.1')",
            "  cw.csv:4:2: 'B.10.3' is not an ISO/IEC 42001 clause item or Annex A control (help: clauses are written '6.1.2', controls 'A.10.3' (Annex B ids as their Annex A control))",
            "  cw.csv:4:3: the crosswalk pair has no provenance (help: say where the pair comes from)",
            "  cw.csv:5:1: the pair 'GOVERN 6.1' ↔ 'A.10.3' is listed twice",
        ]
        .join("\n"))
    );
}
