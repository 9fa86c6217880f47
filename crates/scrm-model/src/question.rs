//! Catalog questions: text in two languages, answer kind, weight, roles and framework references.

use crate::{AiRole, AnswerKind, QuestionId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The languages scrm speaks.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
pub enum Lang {
    /// English.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Traditional Chinese as written in Taiwan.
    #[serde(rename = "zh-TW")]
    ZhTw,
}

impl Lang {
    /// All languages, in output order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhTw];

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::ZhTw => "zh-TW",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "en" | "en-us" | "en-gb" => Ok(Self::En),
            "zh-tw" | "zh-hant" | "zh-hant-tw" => Ok(Self::ZhTw),
            _ => Err(format!(
                "'{s}' is not a language; the possible languages are [\"en\", \"zh-TW\"]"
            )),
        }
    }
}

/// Text in every language scrm ships.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Localized {
    /// English.
    pub en: String,
    /// Traditional Chinese (Taiwan).
    #[serde(rename = "zh-TW")]
    pub zh_tw: String,
}

impl Localized {
    /// The text in one language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::ZhTw => &self.zh_tw,
        }
    }
}

/// What a question accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AnswerSpec {
    /// Maturity 0-5 or yes/partial/no.
    pub kind: AnswerKind,
    /// Whether `na` (not applicable) is an allowed answer.
    pub na_allowed: bool,
}

/// ISO/IEC 38500 governance task a question informs (evaluate, direct, monitor).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum GovernanceTag {
    /// Evaluate current and future use.
    Evaluate,
    /// Direct through plans and policies.
    Direct,
    /// Monitor performance and conformance.
    Monitor,
}

impl GovernanceTag {
    /// The three tasks, in ISO/IEC 38500's order.
    pub const ALL: [GovernanceTag; 3] = [Self::Evaluate, Self::Direct, Self::Monitor];

    /// `evaluate`, `direct` or `monitor`: the catalog's and the outputs' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Evaluate => "evaluate",
            Self::Direct => "direct",
            Self::Monitor => "monitor",
        }
    }

    /// The task's name in a language (評估, 指導, 監督 in Traditional Chinese).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (_, Lang::En) => self.as_str(),
            (Self::Evaluate, Lang::ZhTw) => "評估",
            (Self::Direct, Lang::ZhTw) => "指導",
            (Self::Monitor, Lang::ZhTw) => "監督",
        }
    }
}

/// The twelve risks unique to or exacerbated by generative AI, of NIST AI 600-1 (the GenAI
/// Profile) section 2: the risk taxonomy a question's AI 600-1 references place it in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum GaiRisk {
    /// CBRN information or capabilities.
    Cbrn,
    /// Confabulation.
    Confabulation,
    /// Dangerous, violent, or hateful content.
    DangerousContent,
    /// Data privacy.
    DataPrivacy,
    /// Environmental impacts.
    Environmental,
    /// Harmful bias and homogenization.
    HarmfulBias,
    /// Human-AI configuration.
    HumanAiConfiguration,
    /// Information integrity.
    InformationIntegrity,
    /// Information security.
    InformationSecurity,
    /// Intellectual property.
    IntellectualProperty,
    /// Obscene, degrading, and/or abusive content.
    ObsceneContent,
    /// Value chain and component integration.
    ValueChain,
}

impl GaiRisk {
    /// The twelve risks, in AI 600-1's order.
    pub const ALL: [GaiRisk; 12] = [
        Self::Cbrn,
        Self::Confabulation,
        Self::DangerousContent,
        Self::DataPrivacy,
        Self::Environmental,
        Self::HarmfulBias,
        Self::HumanAiConfiguration,
        Self::InformationIntegrity,
        Self::InformationSecurity,
        Self::IntellectualProperty,
        Self::ObsceneContent,
        Self::ValueChain,
    ];

    /// The kebab-case name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cbrn => "cbrn",
            Self::Confabulation => "confabulation",
            Self::DangerousContent => "dangerous-content",
            Self::DataPrivacy => "data-privacy",
            Self::Environmental => "environmental",
            Self::HarmfulBias => "harmful-bias",
            Self::HumanAiConfiguration => "human-ai-configuration",
            Self::InformationIntegrity => "information-integrity",
            Self::InformationSecurity => "information-security",
            Self::IntellectualProperty => "intellectual-property",
            Self::ObsceneContent => "obscene-content",
            Self::ValueChain => "value-chain",
        }
    }

    /// The risk's name as AI 600-1 gives it (English), or in Traditional Chinese.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => match self {
                Self::Cbrn => "CBRN Information or Capabilities",
                Self::Confabulation => "Confabulation",
                Self::DangerousContent => "Dangerous, Violent, or Hateful Content",
                Self::DataPrivacy => "Data Privacy",
                Self::Environmental => "Environmental Impacts",
                Self::HarmfulBias => "Harmful Bias and Homogenization",
                Self::HumanAiConfiguration => "Human-AI Configuration",
                Self::InformationIntegrity => "Information Integrity",
                Self::InformationSecurity => "Information Security",
                Self::IntellectualProperty => "Intellectual Property",
                Self::ObsceneContent => "Obscene, Degrading, and/or Abusive Content",
                Self::ValueChain => "Value Chain and Component Integration",
            },
            Lang::ZhTw => match self {
                Self::Cbrn => "化學、生物、放射與核（CBRN）資訊或能力",
                Self::Confabulation => "虛構內容（幻覺）",
                Self::DangerousContent => "危險、暴力或仇恨內容",
                Self::DataPrivacy => "資料隱私",
                Self::Environmental => "環境衝擊",
                Self::HarmfulBias => "有害偏差與同質化",
                Self::HumanAiConfiguration => "人機配置",
                Self::InformationIntegrity => "資訊完整性",
                Self::InformationSecurity => "資訊安全",
                Self::IntellectualProperty => "智慧財產",
                Self::ObsceneContent => "淫穢、貶抑或辱虐性內容",
                Self::ValueChain => "價值鏈與元件整合",
            },
        }
    }
}

/// Framework references of a question, as ids only (ISO text is never reproduced).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct References {
    /// NIST AI RMF 1.0 subcategory ids, canonical form `GOVERN 6.1`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub airm: Vec<String>,
    /// ISO/IEC 42001:2023 clause ids (`6.1.2`) and Annex A control ids (`A.10.3`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aims: Vec<String>,
    /// NIST CSF 2.0 subcategory ids (`GV.SC-05`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub csf: Vec<String>,
    /// NIST SP 800-161r1 control ids (`SR-6`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sp800_161: Vec<String>,
    /// NIST AI 600-1 suggested action ids (`GV-6.1-001`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ai600_1: Vec<String>,
    /// EU AI Act article numbers (`25`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eu_ai_act: Vec<String>,
}

/// A framework a question's references name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Framework {
    /// NIST AI RMF 1.0 subcategories.
    AiRmf,
    /// ISO/IEC 42001:2023 clauses and Annex A controls.
    Iso42001,
    /// NIST CSF 2.0 subcategories.
    Csf,
    /// NIST SP 800-161r1 controls.
    Sp800_161,
    /// NIST AI 600-1 suggested actions.
    Ai600_1,
    /// EU AI Act articles.
    EuAiAct,
}

impl References {
    /// Each framework with the ids referenced in it (possibly none), in this order: AI RMF,
    /// ISO/IEC 42001, CSF 2.0, SP 800-161r1, AI 600-1, EU AI Act. One list for every place that
    /// shows references, so that none forgets a framework.
    pub fn by_framework(&self) -> [(Framework, &[String]); 6] {
        [
            (Framework::AiRmf, &self.airm),
            (Framework::Iso42001, &self.aims),
            (Framework::Csf, &self.csf),
            (Framework::Sp800_161, &self.sp800_161),
            (Framework::Ai600_1, &self.ai600_1),
            (Framework::EuAiAct, &self.eu_ai_act),
        ]
    }
}

/// One catalog question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Question {
    /// Stable canonical id.
    pub id: QuestionId,
    /// Topic heading shown in templates and reports.
    pub topic: Localized,
    /// The question as asked.
    pub text: Localized,
    /// What evidence satisfies the question.
    pub guidance: Localized,
    /// What answers it accepts.
    pub answer: AnswerSpec,
    /// Default weight (policy may override); positive.
    pub weight: f64,
    /// Supplier roles the question applies to. Suppliers with `ai_role = none` are asked only
    /// questions that list no AI role at all (`roles` empty means: every supplier).
    pub roles: Vec<AiRole>,
    /// Framework references.
    pub refs: References,
    /// ISO/IEC 38500 governance task.
    pub governance: GovernanceTag,
    /// Other spellings of the id accepted on input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl Question {
    /// Whether the question applies to a supplier with this AI role (`None`: role unknown,
    /// every question applies, the most demanding reading).
    pub fn applies_to(&self, role: Option<AiRole>) -> bool {
        match role {
            None => true,
            Some(AiRole::None) => self.roles.is_empty(),
            Some(r) => self.roles.is_empty() || self.roles.contains(&r),
        }
    }
}
