//! Exports: whole-output snapshots of small filtered listings, and round trips.

use scrm_catalog::{Catalog, export};
use scrm_model::{Lang, Lens};

/// `scrm catalog export --framework cscrm --lang zh-TW --format markdown`.
#[test]
fn markdown_cscrm_zh_tw() {
    let md = export::to_markdown(Catalog::builtin(), Lang::ZhTw, Some(Lens::Cscrm));
    crate::redact_hash().bind(|| insta::assert_snapshot!("markdown_cscrm_zh_tw", md));
}

/// The same listing in English.
#[test]
fn markdown_cscrm_en() {
    let md = export::to_markdown(Catalog::builtin(), Lang::En, Some(Lens::Cscrm));
    crate::redact_hash().bind(|| insta::assert_snapshot!("markdown_cscrm_en", md));
}

/// CSV of the C-SCRM lens in English.
#[test]
fn csv_cscrm_en() {
    let csv = export::to_csv(Catalog::builtin(), Lang::En, Some(Lens::Cscrm));
    insta::assert_snapshot!("csv_cscrm_en", csv);
}

/// JSON of the C-SCRM lens in Traditional Chinese.
#[test]
fn json_cscrm_zh_tw() {
    let json = export::to_json(Catalog::builtin(), Lang::ZhTw, Some(Lens::Cscrm));
    crate::redact_hash().bind(|| insta::assert_snapshot!("json_cscrm_zh_tw", json));
}

/// Unfiltered exports list every enabled question once; CSV has one line per question.
#[test]
fn unfiltered_exports_cover_every_question() {
    let c = Catalog::builtin();
    let n = c.questions().len();
    let csv = export::to_csv(c, Lang::En, None);
    let rows: Vec<csv_row::Row> = csv_row::parse(&csv);
    assert_eq!(rows.len(), n + 1);
    let json: serde_json::Value =
        serde_json::from_str(&export::to_json(c, Lang::En, None)).unwrap_or_default();
    assert_eq!(json["questions"].as_array().map(Vec::len), Some(n));
    let md = export::to_markdown(c, Lang::En, None);
    assert_eq!(md.matches("\n## ").count(), n);
    for lens in Lens::ALL {
        let part = export::to_csv(c, Lang::En, Some(lens));
        assert!(part.lines().count() > 1, "{lens} has questions");
    }
}

/// Buyer text is neutralized in every format.
#[test]
fn overlay_text_cannot_inject() {
    let overlay = r#"
[[question]]
id = "GV-1.1"
topic = { en = "=HYPERLINK(\"http://x\")", zh-TW = "<script>alert(1)</script>" }
"#;
    let c = Catalog::builtin()
        .with_overlay("evil.toml", overlay)
        .map_err(|e| e.to_string());
    let Ok(c) = c else {
        panic!("overlay should apply: {c:?}")
    };
    let csv = export::to_csv(&c, Lang::En, Some(Lens::Airm));
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
    let md = export::to_markdown(&c, Lang::ZhTw, Some(Lens::Airm));
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"));
    assert!(!md.contains("<script>"));
}

/// The crosswalk CSV export reproduces the embedded crosswalk.csv byte for byte.
#[test]
fn crosswalk_csv_round_trips() {
    let embedded = Catalog::builtin_sources()
        .iter()
        .find(|(n, _)| *n == "crosswalk.csv")
        .map(|(_, s)| *s)
        .unwrap_or_default();
    assert_eq!(export::crosswalk_csv(Catalog::builtin()), embedded);
}

/// The aligned crosswalk table.
#[test]
fn crosswalk_text() {
    insta::assert_snapshot!("crosswalk_text", export::crosswalk_text(Catalog::builtin()));
}

/// A tiny CSV reader for the row count (quoted fields may hold commas).
mod csv_row {
    pub type Row = Vec<String>;
    pub fn parse(s: &str) -> Vec<Row> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(s.as_bytes())
            .records()
            .filter_map(Result::ok)
            .map(|r| r.iter().map(str::to_string).collect())
            .collect()
    }
}
