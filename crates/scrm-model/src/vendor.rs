//! Vendor profiles, the enums they use, and the JSON supplier document.

use crate::{Answer, QuestionId, VendorId, fold};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A value that is not one of an enum's spellings; carries the valid ones for the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{raw}' is not a valid {what}; the possible values are {valid:?}")]
pub struct EnumParseError {
    /// What was being parsed (`criticality`, `ai_role`, ...).
    pub what: &'static str,
    /// The offending text.
    pub raw: String,
    /// The valid spellings.
    pub valid: &'static [&'static str],
}

macro_rules! kebab_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($(#[$vm:meta])* $var:ident = $s:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl $name {
            /// Every value, in ascending order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The canonical spellings.
            pub const VALUES: &'static [&'static str] = &[$($s),+];
            /// The canonical spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
        }

        impl FromStr for $name {
            type Err = EnumParseError;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                // The canonical spelling as it is (what scrm itself stores and writes) needs
                // no folding: every vendor's stored profile is parsed again when it is scored.
                $(if raw == $s {
                    return Ok($name::$var);
                })+
                match fold(raw).as_str() {
                    $($s $(| $alias)* => Ok($name::$var),)+
                    _ => Err(EnumParseError { what: $what, raw: raw.to_string(), valid: Self::VALUES }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

kebab_enum!(
    /// How critical the supplier's product or service is to the buyer (SP 800-161r1 criticality).
    Criticality, "criticality", {
        /// Little effect if it fails.
        Low = "low" | "低",
        /// Noticeable effect.
        Moderate = "moderate" | "medium" | "中",
        /// Severe effect.
        High = "high" | "高",
        /// Mission-critical.
        Critical = "critical" | "關鍵" | "极高" | "極高",
    }
);

kebab_enum!(
    /// The supplier's role relative to AI systems it delivers (EU AI Act / ISO 22989 vocabulary).
    AiRole, "ai_role", {
        /// Develops AI systems or models and places them on the market.
        Provider = "provider" | "developer" | "提供者",
        /// Builds third-party models or AI services into its own product.
        Integrator = "integrator" | "整合者",
        /// Uses AI systems in the service it delivers to the buyer.
        Deployer = "deployer" | "user" | "部署者",
        /// Delivers nothing that involves AI.
        None = "none" | "no-ai" | "n/a" | "未涉及 ai" | "不涉及 ai",
    }
);

kebab_enum!(
    /// The most sensitive buyer data the supplier can reach.
    DataAccess, "data_access", {
        /// No buyer data.
        None = "none" | "無",
        /// Internal business data.
        Internal = "internal" | "內部",
        /// Confidential data (trade secrets, personal data).
        Confidential = "confidential" | "機密",
        /// Regulated data (CUI, health, financial, export-controlled).
        Regulated = "regulated" | "受法規管制",
    }
);

/// What the buyer knows about a supplier before reading its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VendorProfile {
    /// Buyer-assigned id.
    pub vendor_id: VendorId,
    /// Display name (untrusted supplier text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 country code, upper case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Criticality to the buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<Criticality>,
    /// Role relative to AI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_role: Option<AiRole>,
    /// Most sensitive data access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_access: Option<DataAccess>,
    /// Date the questionnaire was completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed_on: Option<NaiveDate>,
    /// Certifications claimed (for example `ISO/IEC 42001`, `ISO/IEC 27001`, `SOC 2`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<String>,
    /// Extra columns from the buyer's profile file, passed through to outputs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl VendorProfile {
    /// A profile that knows only the id.
    pub fn bare(vendor_id: VendorId) -> Self {
        Self {
            vendor_id,
            name: None,
            country: None,
            criticality: None,
            ai_role: None,
            data_access: None,
            assessed_on: None,
            certifications: Vec::new(),
            extra: BTreeMap::new(),
        }
    }

    /// Whether the supplier claims an ISO/IEC 42001 certification.
    pub fn claims_iso42001(&self) -> bool {
        self.certifications.iter().any(|c| {
            let f = fold(c).replace([' ', '/', ':'], "");
            f.contains("42001")
        })
    }
}

/// Everything scrm knows about one supplier: profile plus answers keyed by question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Vendor {
    /// The profile.
    pub profile: VendorProfile,
    /// Answers, one per question.
    pub answers: BTreeMap<QuestionId, Answer>,
}

impl Vendor {
    /// A vendor with a bare profile and no answers.
    pub fn new(id: VendorId) -> Self {
        Self {
            profile: VendorProfile::bare(id),
            answers: BTreeMap::new(),
        }
    }

    /// The vendor's id.
    pub fn id(&self) -> &VendorId {
        &self.profile.vendor_id
    }
}

/// One answer in a JSON supplier document, as typed by the supplier (ids and values raw, so that
/// ingestion can locate and explain problems exactly as it does for CSV).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierAnswer {
    /// Question id, any accepted spelling.
    pub question_id: String,
    /// Answer: 0-5, yes, partial, no, na, or empty.
    pub answer: String,
    /// Evidence reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Evidence date, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_date: Option<String>,
    /// Free-text comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The profile part of a JSON supplier document; values are raw text, validated like the
/// profile CSV columns so that problems are located and explained the same way.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierProfileDoc {
    /// Buyer-assigned id.
    pub vendor_id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// low, moderate, high or critical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<String>,
    /// provider, integrator, deployer or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_role: Option<String>,
    /// none, internal, confidential or regulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_access: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed_on: Option<String>,
    /// Certifications claimed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<String>,
    /// Extra fields passed through to outputs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

/// The JSON questionnaire format: one supplier per document (or per line in JSON Lines).
/// `docs/schema/supplier.schema.json` is generated from this type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierDocument {
    /// Format marker and version; `scrm-supplier/1` when present. A document with any other value is rejected (json-schema).
    #[serde(default, rename = "format", skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The supplier's profile.
    pub vendor: SupplierProfileDoc,
    /// The answers.
    pub answers: Vec<SupplierAnswer>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Chinese template's help names each value with its Chinese word: both read.
    #[test]
    fn the_chinese_templates_words_read() {
        assert_eq!("機密".parse(), Ok(DataAccess::Confidential));
        assert_eq!(" 受法規管制 ".parse(), Ok(DataAccess::Regulated));
        assert_eq!("提供者".parse(), Ok(AiRole::Provider));
        assert_eq!("未涉及 AI".parse(), Ok(AiRole::None));
        assert_eq!("關鍵".parse(), Ok(Criticality::Critical));
        assert!("機密資料".parse::<DataAccess>().is_err());
    }
}
