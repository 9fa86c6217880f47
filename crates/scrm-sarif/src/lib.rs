//! SARIF 2.1.0 exports:
//! - of what `scrm validate` found (here): each input problem a result at its file and line,
//!   each problem code a rule, each input file an artifact with its digest. Code-scanning tools
//!   (GitHub code scanning, IDE SARIF viewers) then show a supplier's questionnaire problems
//!   where they are, the way they show a compiler's;
//! - of what `scrm score` found ([`scoring`]): each supplier's standing and findings.
//!
//! Like every renderer, this crate never prints, reads the clock or touches files. Supplier text
//! (values, file names) reaches messages and properties with its control characters escaped, and
//! file names reach URIs percent-encoded.

pub mod baseline;
pub mod scoring;

pub use baseline::{Baseline, BaselineError};
pub use scoring::{scoring_json, write_scoring};

use scrm_ingest::{Ingested, Problem, ProblemCode, ProblemSeverity};
use scrm_model::InputFile;
use scrm_model::safe::{escape_controls, uri_path};
use serde_sarif::sarif::{
    Artifact, ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation,
    PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult,
    ResultLevel, Run, Sarif, Tool, ToolComponent,
};
use std::collections::BTreeMap;

/// The schema URI SARIF logs name (OASIS's SARIF 2.1.0 JSON Schema).
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// One line of supplier text for a message or property.
pub(crate) fn line(s: &str) -> String {
    escape_controls(s, false).into_owned()
}

/// A message's plain text as SARIF reads it (§3.11.6): a `[` or `]` not part of an embedded link
/// is escaped with a backslash, so that no supplier text becomes a link to a location or a URI.
/// Backslashes right before a bracket are doubled first, so that a supplier's own `\[` cannot
/// cancel the escape; any other backslash (`\u{1b}`) is left as it is.
pub(crate) fn message_text(s: &str) -> Message {
    let mut out = String::with_capacity(s.len() + 8);
    let mut backslashes = 0;
    for c in s.chars() {
        if c == '\\' {
            backslashes += 1;
            continue;
        }
        let bracket = matches!(c, '[' | ']');
        let run = if bracket {
            2 * backslashes
        } else {
            backslashes
        };
        out.extend(std::iter::repeat_n('\\', run));
        backslashes = 0;
        if bracket {
            out.push('\\');
        }
        out.push(c);
    }
    out.extend(std::iter::repeat_n('\\', backslashes));
    Message::builder().text(out).build()
}

/// A property bag from name-value pairs, leaving out the empty ones.
pub(crate) fn bag(
    pairs: impl IntoIterator<Item = (&'static str, serde_json::Value)>,
) -> Option<PropertyBag> {
    let map: BTreeMap<String, serde_json::Value> = pairs
        .into_iter()
        .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    (!map.is_empty()).then(|| PropertyBag::builder().additional_properties(map).build())
}

fn level(s: ProblemSeverity) -> ResultLevel {
    match s {
        ProblemSeverity::Error => ResultLevel::Error,
        ProblemSeverity::Warning => ResultLevel::Warning,
    }
}

/// Every problem code as a rule, in the catalogue's order (a result's `ruleIndex`).
fn rules() -> Vec<ReportingDescriptor> {
    ProblemCode::ALL
        .iter()
        .map(|c| {
            ReportingDescriptor::builder()
                .id(c.as_str())
                .short_description(
                    MultiformatMessageString::builder()
                        .text(c.description())
                        .build(),
                )
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(serde_json::json!(c.severity().as_str()))
                        .build(),
                )
                .build()
        })
        .collect()
}

/// What a problem says, with the column (and for a workbook the sheet and row, which a region
/// of a binary file cannot hold) and how to fix it.
fn message(p: &Problem) -> String {
    let mut text = line(&p.message);
    let l = &p.location;
    if let Some(sheet) = &l.sheet {
        text.push_str(&format!(", in sheet '{}'", line(sheet)));
        if let Some(r) = l.row {
            text.push_str(&format!(" row {r}"));
        }
    }
    if let Some(c) = &l.column {
        text.push_str(&format!(", column '{}'", line(c)));
    }
    if let Some(h) = &p.help {
        text.push_str("; ");
        text.push_str(&line(h));
    }
    text
}

/// One problem as a result at its file and, in a text file, its line. (The generated builders
/// take only present values; optional fields are set on the built value.)
fn result(p: &Problem, artifact: Option<usize>) -> SarifResult {
    let l = &p.location;
    let mut artifact_location = ArtifactLocation::builder().uri(uri_path(&l.file)).build();
    artifact_location.index = artifact.and_then(|i| i64::try_from(i).ok());
    let mut physical = PhysicalLocation::builder()
        .artifact_location(artifact_location)
        .build();
    // A workbook's rows are not lines of the file: its place is in the message.
    if l.sheet.is_none() {
        physical.region = l.row.filter(|r| *r > 0).map(|r| {
            Region::builder()
                .start_line(i64::try_from(r).unwrap_or(i64::MAX))
                .build()
        });
    }
    let mut r = SarifResult::builder()
        .rule_id(p.code.as_str())
        .level(level(p.severity))
        .message(message_text(&message(p)))
        .locations(vec![
            Location::builder().physical_location(physical).build(),
        ])
        .build();
    r.rule_index = ProblemCode::ALL
        .iter()
        .position(|c| *c == p.code)
        .and_then(|i| i64::try_from(i).ok());
    r.properties = bag([
        ("sheet", l.sheet.as_deref().map(line).into()),
        ("row", l.row.into()),
        ("column", l.column.as_deref().map(line).into()),
        ("value", p.value.as_deref().map(line).into()),
    ]);
    r
}

/// One input file as an artifact the run analysed, with its digest and row counts.
pub(crate) fn artifact(f: &InputFile) -> Artifact {
    let mut hashes = BTreeMap::new();
    if !f.sha256.is_empty() {
        hashes.insert("sha-256".to_string(), f.sha256.clone());
    }
    if !f.blake3.is_empty() {
        hashes.insert("blake3".to_string(), f.blake3.clone());
    }
    let mut a = Artifact::builder()
        .location(ArtifactLocation::builder().uri(uri_path(&f.path)).build())
        .roles(vec![serde_json::json!("analysisTarget")])
        .properties(
            PropertyBag::builder()
                .additional_properties(BTreeMap::from([
                    ("kind".to_string(), serde_json::json!(line(&f.kind))),
                    ("rowsRead".to_string(), serde_json::json!(f.rows_read)),
                    ("accepted".to_string(), serde_json::json!(f.accepted)),
                    ("rejected".to_string(), serde_json::json!(f.rejected)),
                ]))
                .build(),
        )
        .build();
    a.hashes = (!hashes.is_empty()).then_some(hashes);
    a
}

/// scrm as the tool that made the log, with its rules.
pub(crate) fn driver(tool_version: &str, rules: Vec<ReportingDescriptor>) -> ToolComponent {
    ToolComponent::builder()
        .name("scrm")
        .version(tool_version)
        .semantic_version(tool_version)
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules)
        .build()
}

/// The SARIF log of one `validate` run: `tool_version` is scrm's.
pub fn validation(ing: &Ingested, tool_version: &str) -> Sarif {
    let artifacts: Vec<Artifact> = ing.files.iter().map(artifact).collect();
    let results: Vec<SarifResult> = ing
        .problems
        .iter()
        .map(|p| {
            let artifact = ing.files.iter().position(|f| f.path == p.location.file);
            result(p, artifact)
        })
        .collect();
    let run = Run::builder()
        .tool(
            Tool::builder()
                .driver(driver(tool_version, rules()))
                .build(),
        )
        .artifacts(artifacts)
        .results(results)
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .properties(
            PropertyBag::builder()
                .additional_properties(BTreeMap::from([
                    (
                        "counts".to_string(),
                        serde_json::to_value(ing.counts()).unwrap_or_default(),
                    ),
                    ("errors".to_string(), serde_json::json!(ing.error_count())),
                    (
                        "warnings".to_string(),
                        serde_json::json!(ing.warning_count()),
                    ),
                ]))
                .build(),
        )
        .build();
    Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// A SARIF log as pretty JSON with a final line feed.
pub fn to_json(log: &Sarif) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = serde_json::to_vec_pretty(log)?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scrm_ingest::Location;

    fn problem(sheet: Option<&str>, value: &str) -> Problem {
        Problem {
            code: ProblemCode::InvalidAnswer,
            severity: ProblemSeverity::Error,
            location: Location {
                file: "/in/問卷 1.xlsx".into(),
                sheet: sheet.map(str::to_string),
                row: Some(7),
                column: Some("answer".into()),
            },
            value: Some(value.into()),
            message: format!("'{value}' is not an answer"),
            help: Some("valid answers: yes, partial, no".into()),
        }
    }

    #[test]
    fn a_workbook_problem_has_its_place_in_the_message_not_a_region() {
        let r = serde_json::to_value(result(&problem(Some("Answers"), "\u{1b}[2J"), None))
            .unwrap_or_default();
        assert_eq!(
            r,
            serde_json::json!({
                "level": "error",
                "locations": [{"physicalLocation": {"artifactLocation": {
                    "uri": "file:///in/%E5%95%8F%E5%8D%B7%201.xlsx"
                }}}],
                "message": {"text": "'\\u{1b}\\[2J' is not an answer, in sheet 'Answers' row 7, column 'answer'; valid answers: yes, partial, no"},
                "properties": {"column": "answer", "row": 7, "sheet": "Answers", "value": "\\u{1b}[2J"},
                "ruleId": "invalid-answer",
                "ruleIndex": 5
            })
        );
    }

    #[test]
    fn brackets_in_a_message_are_escaped_and_stay_escaped() {
        for (given, want) in [
            ("[x](1)", r"\[x\](1)"),
            (r"\[x\]", r"\\\[x\\\]"),
            (r"a\\[", r"a\\\\\["),
            (r"\u{1b}\", r"\u{1b}\"),
        ] {
            assert_eq!(message_text(given).text.as_deref(), Some(want), "{given}");
        }
    }

    #[test]
    fn a_text_file_problem_is_at_its_line() {
        let r = serde_json::to_value(result(&problem(None, "maybe"), Some(2))).unwrap_or_default();
        assert_eq!(
            r["locations"][0]["physicalLocation"],
            serde_json::json!({
                "artifactLocation": {"index": 2, "uri": "file:///in/%E5%95%8F%E5%8D%B7%201.xlsx"},
                "region": {"startLine": 7}
            })
        );
    }
}
