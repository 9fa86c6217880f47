//! The checked-in JSON Schema and problem-code table must match the code.

use scrm_ingest::ProblemCode;
use scrm_model::SupplierDocument;

const SCHEMA: &str = "../../docs/schema/supplier.schema.json";

#[test]
fn supplier_schema_is_up_to_date() {
    let schema = schemars::schema_for!(SupplierDocument);
    let text = serde_json::to_string_pretty(&schema).unwrap_or_else(|e| panic!("{e}")) + "\n";
    if std::env::var_os("SCRM_UPDATE_SCHEMA").is_some_and(|v| v == "1") {
        std::fs::write(SCHEMA, &text).unwrap_or_else(|e| panic!("{e}"));
    }
    let on_disk = std::fs::read_to_string(SCHEMA).unwrap_or_default();
    assert!(
        on_disk == text,
        "docs/schema/supplier.schema.json is out of date with scrm_model::SupplierDocument;\n\
         update it with: SCRM_UPDATE_SCHEMA=1 cargo test -p scrm-ingest --test schema"
    );
}

#[test]
fn every_problem_code_is_documented() {
    let doc = std::fs::read_to_string("../../docs/formats.md").unwrap_or_default();
    for c in ProblemCode::ALL {
        let row = format!(
            "| `{}` | {} | {} |",
            c.as_str(),
            c.severity().as_str(),
            c.description()
        );
        assert!(doc.contains(&row), "docs/formats.md lacks the row: {row}");
        let zh = c.description_in(scrm_model::Lang::ZhTw);
        let row = format!("| `{}` | {zh} |", c.as_str());
        assert!(doc.contains(&row), "docs/formats.md lacks the row: {row}");
        // Each is its own Chinese text, not an English one copied over.
        assert!(
            zh.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
            "{c}: {zh}"
        );
        assert_eq!(c.description_in(scrm_model::Lang::En), c.description());
        assert_eq!(ProblemCode::from_name(c.as_str()), Some(*c));
    }
}
