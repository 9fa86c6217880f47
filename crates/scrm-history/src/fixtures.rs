//! Deterministic, hand-shaped results for this crate's tests, benches and crash test.
//!
//! Hidden from the docs: not part of the API, but shared by unit tests, integration tests and
//! benches, which cannot see each other's private helpers.

use chrono::NaiveDate;
use scrm_model::{
    Answer, AnswerValue, Code, Finding, GroupScore, Lens, LensScore, MaturityLevel, QuestionId,
    RunCounts, RunManifest, Status, Tier, Vendor, VendorId, VendorProfile, VendorResult,
};

/// Group ids per lens, in catalog order.
pub fn groups(lens: Lens) -> &'static [&'static str] {
    match lens {
        Lens::Airm => &["GOVERN", "MAP", "MEASURE", "MANAGE"],
        Lens::Aims => &[
            "4", "5", "6", "7", "8", "9", "10", "A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8",
            "A.9", "A.10",
        ],
        Lens::Cscrm => &["GV.SC"],
    }
}

/// The scrm version the fixture manifests were written by.
pub const TOOL_VERSION: &str = "0.1.0";

/// A manifest with fixed hashes.
pub fn manifest(generated_at: &str, as_of: NaiveDate, vendors: u64) -> RunManifest {
    RunManifest {
        tool_version: TOOL_VERSION.into(),
        catalog_version: "2026.11".into(),
        catalog_hash: "c".repeat(64),
        policy_name: "builtin".into(),
        policy_hash: "p".repeat(64),
        as_of,
        inputs: Vec::new(),
        counts: RunCounts {
            vendors,
            rows_read: vendors * 10,
            accepted: vendors * 10,
            rejected: 0,
        },
        generated_at: generated_at.into(),
    }
}

/// A result with the given scores; group scores follow the lens score.
pub fn result(
    vendor: &str,
    name: Option<&str>,
    status: Status,
    lens_scores: [Option<f64>; 3],
    findings: &[Code],
    input_hash: &str,
) -> VendorResult {
    let id = VendorId::new(vendor)
        .unwrap_or_else(|| VendorId::new("V-EMPTY").unwrap_or_else(|| unreachable!()));
    let mut profile = VendorProfile::bare(id.clone());
    profile.name = name.map(str::to_string);
    let lenses: Vec<LensScore> = Lens::ALL
        .iter()
        .zip(lens_scores)
        .map(|(&lens, score)| LensScore {
            lens,
            score,
            level: score.map(MaturityLevel::from_score),
            groups: groups(lens)
                .iter()
                .enumerate()
                .map(|(i, g)| GroupScore {
                    id: (*g).to_string().into(),
                    score: score.map(|s| (s + 0.1 * i as f64 - 0.3).clamp(0.0, 5.0)),
                    items_scored: 2 + i as u32 % 3,
                })
                .collect(),
        })
        .collect();
    let present: Vec<f64> = lens_scores.iter().flatten().copied().collect();
    let combined =
        (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64);
    VendorResult {
        vendor_id: id,
        profile,
        tier: Tier::High,
        status,
        combined_score: combined,
        combined_level: combined.map(MaturityLevel::from_score),
        lenses,
        coverage: 0.9,
        confidence: 0.75,
        residual_risk: 3,
        applicable: 40,
        answered: 36,
        findings: findings
            .iter()
            .map(|&c| Finding::new(c, format!("{c} for {vendor}")))
            .collect(),
        input_hash: input_hash.into(),
        valid_until: NaiveDate::from_ymd_opt(2027, 1, 31),
    }
}

/// A small deterministic mixer (splitmix64) so fixtures need no RNG crate.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// `n` varied results, a function of `(n, seed)` only.
pub fn synthetic_results(n: usize, seed: u64) -> Vec<VendorResult> {
    (0..n)
        .map(|i| {
            let h = mix(seed ^ mix(i as u64));
            let s = |k: u32| Some(((h >> (k * 8)) & 0xFF) as f64 / 255.0 * 5.0);
            let status = Status::ALL[(h >> 40) as usize % 4];
            let findings: &[Code] = match status {
                Status::Eligible => &[],
                Status::Conditional => &[Code::MissingEvidence],
                Status::AtRisk => &[Code::KnockoutFailed, Code::LowCoverage],
                Status::Excluded => &[Code::HardGateSam],
            };
            let mut r = result(
                &format!("V-{i:06}"),
                Some(&format!("Vendor {i} Co., Ltd.")),
                status,
                [s(0), s(1), if h & 1 == 0 { s(2) } else { None }],
                findings,
                &format!("{:016x}{:016x}", mix(h), mix(h ^ 1)),
            );
            if h & 6 == 0 {
                r.valid_until = None;
            }
            r
        })
        .collect()
}

/// `n` vendors with `questions` answers each, a function of `(n, questions, seed)` only.
pub fn synthetic_vendors(n: usize, questions: usize, seed: u64) -> Vec<Vendor> {
    (0..n)
        .map(|i| {
            let id = VendorId::new(&format!("V-{i:06}")).unwrap_or_else(|| unreachable!());
            let mut v = Vendor::new(id);
            for q in 0..questions {
                let h = mix(seed ^ mix((i * 1000 + q) as u64));
                let value = match h % 8 {
                    6 => AnswerValue::Yes,
                    7 => AnswerValue::Unanswered,
                    m => AnswerValue::Maturity(m as u8),
                };
                let value = if let AnswerValue::Maturity(6) = value {
                    AnswerValue::No
                } else {
                    value
                };
                let qid = QuestionId::new(format!("Q-{q:03}"));
                v.answers.insert(qid, Answer::bare(qid, value));
            }
            v
        })
        .collect()
}
