//! Lenses, maturity levels, inherent-risk tiers and vendor status.

use crate::Lang;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A scoring lens.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Lens {
    /// NIST AI RMF 1.0 (GOVERN, MAP, MEASURE, MANAGE).
    Airm,
    /// ISO/IEC 42001:2023 AI management system (clauses 4-10, Annex A).
    Aims,
    /// C-SCRM baseline (NIST CSF 2.0 GV.SC, SP 800-161r1).
    Cscrm,
}

impl Lens {
    /// Every lens, in output order.
    pub const ALL: [Lens; 3] = [Lens::Airm, Lens::Aims, Lens::Cscrm];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Airm => "airm",
            Self::Aims => "aims",
            Self::Cscrm => "cscrm",
        }
    }

    /// A human label.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Airm, Lang::En) => "AI RMF",
            (Self::Airm, Lang::ZhTw) => "AI 風險管理框架",
            (Self::Aims, Lang::En) => "ISO/IEC 42001",
            (Self::Aims, Lang::ZhTw) => "ISO/IEC 42001 管理系統",
            (Self::Cscrm, Lang::En) => "C-SCRM",
            (Self::Cscrm, Lang::ZhTw) => "供應鏈風險管理",
        }
    }
}

impl fmt::Display for Lens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A maturity level name on the 0-5 scale (CMMI-style names).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum MaturityLevel {
    /// 0: ad hoc or absent.
    Incomplete,
    /// 1: performed but unpredictable.
    Initial,
    /// 2: managed at project level.
    Managed,
    /// 3: defined organisation-wide.
    Defined,
    /// 4: measured and controlled.
    QuantitativelyManaged,
    /// 5: continuously improved.
    Optimizing,
}

impl MaturityLevel {
    /// Every level, lowest first.
    pub const ALL: [MaturityLevel; 6] = [
        Self::Incomplete,
        Self::Initial,
        Self::Managed,
        Self::Defined,
        Self::QuantitativelyManaged,
        Self::Optimizing,
    ];

    /// The level whose band contains `score` (a score in [n, n+1) is level n; 5 is optimizing).
    pub fn from_score(score: f64) -> Self {
        match score {
            s if s >= 5.0 => Self::Optimizing,
            s if s >= 4.0 => Self::QuantitativelyManaged,
            s if s >= 3.0 => Self::Defined,
            s if s >= 2.0 => Self::Managed,
            s if s >= 1.0 => Self::Initial,
            _ => Self::Incomplete,
        }
    }

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Incomplete => "incomplete",
            Self::Initial => "initial",
            Self::Managed => "managed",
            Self::Defined => "defined",
            Self::QuantitativelyManaged => "quantitatively-managed",
            Self::Optimizing => "optimizing",
        }
    }

    /// A human label.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Incomplete, Lang::En) => "Incomplete",
            (Self::Initial, Lang::En) => "Initial",
            (Self::Managed, Lang::En) => "Managed",
            (Self::Defined, Lang::En) => "Defined",
            (Self::QuantitativelyManaged, Lang::En) => "Quantitatively managed",
            (Self::Optimizing, Lang::En) => "Optimizing",
            (Self::Incomplete, Lang::ZhTw) => "未完成",
            (Self::Initial, Lang::ZhTw) => "初始",
            (Self::Managed, Lang::ZhTw) => "已管理",
            (Self::Defined, Lang::ZhTw) => "已定義",
            (Self::QuantitativelyManaged, Lang::ZhTw) => "量化管理",
            (Self::Optimizing, Lang::ZhTw) => "持續優化",
        }
    }
}

impl fmt::Display for MaturityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Inherent-risk tier, from the vendor profile (1 lowest, 4 highest).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Tier 1.
    Low,
    /// Tier 2.
    Moderate,
    /// Tier 3.
    High,
    /// Tier 4.
    Critical,
}

impl Tier {
    /// Every tier in ascending order.
    pub const ALL: [Tier; 4] = [Tier::Low, Tier::Moderate, Tier::High, Tier::Critical];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Moderate => "moderate",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// 1-based index (1 = low, 4 = critical).
    pub fn index(self) -> u8 {
        self as u8 + 1
    }

    /// A human label.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Low, Lang::En) => "Low",
            (Self::Moderate, Lang::En) => "Moderate",
            (Self::High, Lang::En) => "High",
            (Self::Critical, Lang::En) => "Critical",
            (Self::Low, Lang::ZhTw) => "低",
            (Self::Moderate, Lang::ZhTw) => "中",
            (Self::High, Lang::ZhTw) => "高",
            (Self::Critical, Lang::ZhTw) => "關鍵",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A vendor's standing, from best to worst. The order is the sort order of reports.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Clears every gate and threshold with no warning.
    Eligible,
    /// Clears every gate and threshold, with warnings to resolve.
    Conditional,
    /// Fails a knock-out question or a threshold: at risk of exclusion.
    AtRisk,
    /// Hit by a hard gate (an exclusion list): excluded whatever its score.
    Excluded,
}

impl Status {
    /// Every status, best first.
    pub const ALL: [Status; 4] = [
        Status::Eligible,
        Status::Conditional,
        Status::AtRisk,
        Status::Excluded,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eligible => "eligible",
            Self::Conditional => "conditional",
            Self::AtRisk => "at-risk",
            Self::Excluded => "excluded",
        }
    }

    /// A human label.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Eligible, Lang::En) => "Eligible",
            (Self::Conditional, Lang::En) => "Conditional",
            (Self::AtRisk, Lang::En) => "At risk",
            (Self::Excluded, Lang::En) => "Excluded",
            (Self::Eligible, Lang::ZhTw) => "合格",
            (Self::Conditional, Lang::ZhTw) => "有條件合格",
            (Self::AtRisk, Lang::ZhTw) => "有排除風險",
            (Self::Excluded, Lang::ZhTw) => "已排除",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
