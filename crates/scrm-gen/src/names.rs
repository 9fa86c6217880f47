//! Countries, company names and document names for synthetic suppliers.

/// Countries seen in an electronics and AI supply chain, with their share of vendors (‰ / 10).
pub(crate) const COUNTRIES: [(&str, u32); 12] = [
    ("TW", 22),
    ("US", 18),
    ("JP", 10),
    ("DE", 7),
    ("KR", 7),
    ("IN", 7),
    ("VN", 6),
    ("SG", 5),
    ("MY", 5),
    ("GB", 5),
    ("FR", 4),
    ("IL", 4),
];

/// The legal-form suffixes usual in each country.
fn legal_suffixes(country: &str) -> &'static [&'static str] {
    match country {
        "TW" => &["Co., Ltd.", "Corp.", "Inc."],
        "US" => &["Inc.", "LLC", "Corp."],
        "JP" => &["K.K.", "Co., Ltd."],
        "DE" => &["GmbH", "AG", "GmbH & Co. KG"],
        "KR" => &["Co., Ltd.", "Inc."],
        "IN" => &["Pvt. Ltd.", "Ltd."],
        "VN" => &["JSC", "Co., Ltd."],
        "SG" => &["Pte. Ltd."],
        "MY" => &["Sdn. Bhd.", "Bhd."],
        "GB" => &["Ltd", "plc"],
        "FR" => &["SAS", "SA"],
        "IL" => &["Ltd."],
        _ => &["Ltd."],
    }
}

const SYLLABLES: [&str; 32] = [
    "ka", "ri", "to", "mo", "sen", "lin", "var", "del", "no", "ta", "shi", "ro", "an", "ve", "qua",
    "zen", "mi", "lo", "ra", "te", "ko", "su", "nor", "bel", "cor", "tai", "han", "sol", "vi",
    "tek", "ar", "yu",
];

const INDUSTRIES: [&str; 20] = [
    "Systems",
    "Analytics",
    "Robotics",
    "Vision",
    "Semiconductor",
    "Cloud",
    "Data",
    "Sensor Works",
    "Microelectronics",
    "Logistics",
    "Labs",
    "Technologies",
    "Precision",
    "Networks",
    "AI",
    "Optics",
    "Automation",
    "Software",
    "Components",
    "Intelligence",
];

/// A company name from syllables, an industry word and a legal suffix of `country`.
/// `pick(n)` returns a number below `n`.
pub(crate) fn company_name(country: &str, mut pick: impl FnMut(u64) -> u64) -> String {
    let syllables = 2 + pick(2);
    let mut stem = String::with_capacity(16);
    for _ in 0..syllables {
        stem.push_str(SYLLABLES[pick(SYLLABLES.len() as u64) as usize]);
    }
    // Capitalize the first letter (syllables are ASCII).
    let mut name = stem[..1].to_ascii_uppercase();
    name.push_str(&stem[1..]);
    name.push(' ');
    name.push_str(INDUSTRIES[pick(INDUSTRIES.len() as u64) as usize]);
    let suffixes = legal_suffixes(country);
    name.push(' ');
    name.push_str(suffixes[pick(suffixes.len() as u64) as usize]);
    name
}

/// Evidence document prefixes per question family (see `engine::Family`).
pub(crate) const EVIDENCE_PREFIX: [&str; 8] = [
    "POL-AI", "RPT-CTX", "RPT-TEST", "PRC-RISK", "AIMS-MAN", "AIMS-CTL", "SCRM-PRC", "DOC-GEN",
];

/// Evidence file extensions.
pub(crate) const EVIDENCE_EXT: [&str; 3] = ["pdf", "docx", "xlsx"];

/// Comments suppliers leave next to answers (untrusted text; some need CSV quoting).
pub(crate) const COMMENTS: [&str; 12] = [
    "Reviewed annually by the CISO.",
    "See section 4.2 of the attached policy.",
    "In progress, target completion Q3.",
    "Applies to our Taiwan plant only.",
    "Covered by the group-wide ISMS, not AI-specific.",
    "Handled by our cloud provider (shared responsibility).",
    "Pilot started; \"phase 2\" pending budget.",
    "Policy approved by the board in March.",
    "依集團政策辦理",
    "詳見附件第 3 節",
    "Evidence available on request under NDA.",
    "Same process as for ISO/IEC 27001 A.5.19.",
];

/// Certifications suppliers claim.
pub(crate) const ISO27001: &str = "ISO/IEC 27001";
/// ISO/IEC 42001 certification.
pub(crate) const ISO42001: &str = "ISO/IEC 42001";
/// SOC 2 Type II report.
pub(crate) const SOC2: &str = "SOC 2 Type II";
