//! Types shared by every scrm crate: vendors, answers, questions, lenses and findings.
//!
//! This crate opens no file and carries no heavy dependency, so the ingestion, catalog, policy,
//! scoring and reporting crates (and future adapters such as CAIQ importers or a fill-in page)
//! can all agree on one vocabulary without pulling each other in.

mod answer;
pub mod columns;
pub mod dates;
mod detail;
mod finding;
mod gate;
mod ids;
mod input;
mod lens;
pub mod lines;
mod lookup;
mod manifest;
mod question;
mod result;
pub mod round;
pub mod safe;
pub mod splice;
mod vendor;

pub use answer::{Answer, AnswerKind, AnswerValue, ParseAnswerError};
pub use detail::{Detail, Shown};
pub use finding::{Code, Finding, Severity};
pub use gate::{Exclusion, GateSource};
pub use ids::{QuestionId, VendorId};
pub use input::{AnswerBytes, AnswerFacts, AnswerText, FullInput, ScoreInput};
pub use lens::{Lens, MaturityLevel, Status, Tier};
pub use lookup::{QuestionLookup, Resolution};
pub use manifest::{InputFile, RunCounts, RunManifest};
pub use question::{
    AnswerSpec, Framework, GaiRisk, GovernanceTag, Lang, Localized, Question, References,
};
pub use result::{
    Contribution, Explanation, GovernanceView, GroupScore, LensExplanation, LensGovernance,
    LensScore, Plan, PlanProof, PlanStep, PortfolioViews, ROLLUP_LOWEST, RiskReadiness, RiskRollup,
    RiskView, TaskRollup, TaskShare, VIEW_TASKS, VendorResult, ViewRow, WEAK_READINESS,
};
pub use vendor::{
    AiRole, Criticality, DataAccess, EnumParseError, SupplierAnswer, SupplierDocument,
    SupplierProfileDoc, Vendor, VendorProfile,
};

/// Trims a raw cell and folds the case-insensitive, width-insensitive forms that spreadsheets
/// produce (full-width letters from CJK input methods, non-breaking spaces) into plain ASCII
/// lowercase, so that enum and answer parsing accept what suppliers actually type.
pub fn fold(raw: &str) -> String {
    let t = raw.trim();
    // Plain ASCII, as nearly every cell is: nothing to map or trim again, and ASCII lowercase
    // is Unicode lowercase there. One allocation instead of two (a buyer's profile file folds
    // several cells of every row).
    if t.is_ascii() {
        return t.to_ascii_lowercase();
    }
    fold_chars(t)
}

/// [`fold`] character by character, for any text.
fn fold_chars(t: &str) -> String {
    t.chars()
        .map(|c| match c {
            // Full-width ASCII block (FF01..FF5E) maps onto 0x21..0x7E.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{00A0}' | '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_lowercase()
}

#[cfg(test)]
mod fold_tests {
    /// The ASCII shortcut folds exactly as the character-by-character path does.
    #[test]
    fn ascii_shortcut_folds_like_every_character() {
        let cells = [
            "",
            " ",
            "Yes",
            " YES ",
            "N/A",
            "\tHigh\r\n",
            "tw",
            "Tw ",
            "ISO/IEC 42001",
            "\u{b}x\u{c}",
            "Level 3",
            "MiXeD-Case_09",
            "!~",
            "a b",
        ];
        for c in cells {
            assert_eq!(super::fold(c), super::fold_chars(c.trim()), "{c:?}");
        }
        // Not ASCII: the full path (full-width letters, ideographic and no-break spaces).
        assert_eq!(super::fold("\u{3000}ＴＷ\u{a0}"), "tw");
        assert_eq!(super::fold("部分"), "部分");
    }
}
