//! Property: whatever mix of valid and invalid rows a long CSV holds, every row read is either
//! accepted or rejected, and every accepted answer is in the vendors.

mod common;

use proptest::prelude::*;
use scrm_ingest::{IngestOptions, ingest};
use scrm_model::{AnswerValue, QuestionLookup, Resolution};
use std::collections::BTreeSet;

const VENDORS: &[&str] = &["V1", "V2", " V3 ", "", "V4"];
const QUESTIONS: &[&str] = &[
    "GV-1.1",
    "gv1.1",
    "SUP-AIBOM",
    "SUP-GENAI-RISK",
    "XYZ",
    "GV-1.9",
    "A.10.3",
];
const ANSWERS: &[&str] = &["3", "yes", "na", "maybe", "", "partial", "5", "no"];
const EVIDENCE: &[&str] = &["", "doc.pdf", "other.pdf"];

fn row() -> impl Strategy<Value = (usize, usize, usize, usize)> {
    (
        0..VENDORS.len(),
        0..QUESTIONS.len(),
        0..ANSWERS.len(),
        0..EVIDENCE.len(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_row_is_accepted_or_rejected(rows in proptest::collection::vec(row(), 0..60), chunk in 8usize..200) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("r.csv");
        let mut text = String::from("vendor_id,question_id,answer,evidence\n");
        for &(v, q, a, e) in &rows {
            text.push_str(&format!("{},{},{},{}\n", VENDORS[v], QUESTIONS[q], ANSWERS[a], EVIDENCE[e]));
        }
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
        let cat = common::catalog();
        let opts = IngestOptions { chunk_bytes: chunk, ..IngestOptions::default() };
        let ing = ingest(std::slice::from_ref(&path), None, None, &cat, &opts).unwrap_or_else(|e| panic!("{e}"));
        let f = &ing.files[0];
        prop_assert_eq!(f.rows_read, rows.len() as u64);
        prop_assert_eq!(f.rows_read, f.accepted + f.rejected);
        prop_assert_eq!(ing.rejects.len() as u64, f.rejected);
        let rejected: BTreeSet<u64> = ing.rejects.iter().filter_map(|r| r.location.row).collect();
        prop_assert_eq!(rejected.len(), ing.rejects.len());
        for (i, &(v, q, a, e)) in rows.iter().enumerate() {
            if rejected.contains(&(i as u64 + 2)) {
                continue;
            }
            let Resolution::Known(qid, _) = cat.resolve(QUESTIONS[q]) else {
                panic!("accepted an unknown question at line {}", i + 2);
            };
            let value = AnswerValue::parse(ANSWERS[a]).unwrap_or_else(|e| panic!("accepted {e}"));
            let evidence = (!EVIDENCE[e].is_empty()).then(|| EVIDENCE[e].to_string());
            let vendor = ing.vendors.iter().find(|x| x.id().as_str() == VENDORS[v].trim());
            prop_assert!(vendor.is_some(), "vendor {:?} missing", VENDORS[v]);
            let got = vendor.and_then(|x| x.answers.get(&qid));
            if value == AnswerValue::Unanswered && evidence.is_none() {
                continue;
            }
            prop_assert_eq!(got.map(|g| (g.value, g.evidence.clone())), Some((value, evidence)), "line {}", i + 2);
        }
    }
}
