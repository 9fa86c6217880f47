//! Hard-gate exclusion entries (SAM.gov, FASCSA, Section 889, buyer lists).

use crate::{Code, VendorId};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an exclusion comes from.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum GateSource {
    /// SAM.gov exclusion (FAR subpart 9.4).
    Sam,
    /// FASCSA exclusion or removal order (FAR 52.204-30).
    Fascsa,
    /// Section 889 covered telecommunications (FAR 52.204-25).
    Sec889,
    /// A buyer-defined list, by name.
    Custom(String),
}

impl GateSource {
    /// Parses a source name: `sam`, `fascsa`, `sec889`, or any other non-blank name (custom).
    pub fn parse(raw: &str) -> Option<Self> {
        let f = crate::fold(raw);
        match f.as_str() {
            "" => None,
            "sam" | "sam.gov" => Some(Self::Sam),
            "fascsa" => Some(Self::Fascsa),
            "sec889" | "section889" | "section-889" | "889" => Some(Self::Sec889),
            other => Some(Self::Custom(other.to_string())),
        }
    }

    /// The finding code a hit from this source raises.
    pub fn code(&self) -> Code {
        match self {
            Self::Sam => Code::HardGateSam,
            Self::Fascsa => Code::HardGateFascsa,
            Self::Sec889 => Code::HardGateSec889,
            Self::Custom(_) => Code::HardGateCustom,
        }
    }

    /// The name as written in exclusions files.
    pub fn name(&self) -> &str {
        match self {
            Self::Sam => "sam",
            Self::Fascsa => "fascsa",
            Self::Sec889 => "sec889",
            Self::Custom(n) => n,
        }
    }
}

impl fmt::Display for GateSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One row of an exclusions file: `vendor_id,source,reference,listed_on`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Exclusion {
    /// The excluded vendor.
    pub vendor_id: VendorId,
    /// The list it is on.
    pub source: GateSource,
    /// Reference on that list (SAM UEI/record, order number, ...).
    pub reference: String,
    /// Date listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<NaiveDate>,
}
