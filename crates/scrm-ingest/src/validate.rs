//! Field validation shared by every format: answers, dates, profile fields and exclusion rows.
//! Each check returns typed issues that the readers locate (file, sheet, row, column).

use crate::ProblemCode;
use crate::text::{did_you_mean, lossy, parse_date10, shown, trim_bytes};
use scrm_model::{AiRole, AnswerKind, AnswerSpec, AnswerValue, Criticality, DataAccess, fold};

/// A column an issue points at: its index in the table (for ordering) and its label.
pub(crate) type ColRef = Option<(u32, String)>;

/// One problem found in one row, not yet located in a file.
#[derive(Debug, Clone)]
pub(crate) struct Issue {
    pub code: ProblemCode,
    pub col: ColRef,
    pub value: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl Issue {
    pub(crate) fn new(
        code: ProblemCode,
        col: ColRef,
        value: Option<&str>,
        message: String,
    ) -> Self {
        Self {
            code,
            col,
            value: value.map(shown),
            message,
            help: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Parses an answer, with a fast path for the canonical spellings that machine-written files use.
/// Inlined into the row handler (a maturity digit, most answers, is tested first); other
/// spellings go to [`AnswerValue::parse`] out of line.
#[inline(always)]
pub(crate) fn parse_answer(raw: &[u8]) -> Option<AnswerValue> {
    if let [d @ b'0'..=b'5'] = raw {
        return Some(AnswerValue::Maturity(d - b'0'));
    }
    let v = match raw {
        b"yes" | b"Yes" | b"YES" => AnswerValue::Yes,
        b"no" | b"No" | b"NO" => AnswerValue::No,
        b"partial" | b"Partial" | b"PARTIAL" => AnswerValue::Partial,
        b"na" | b"NA" | b"N/A" | b"n/a" => AnswerValue::NotApplicable,
        b"" => AnswerValue::Unanswered,
        _ => return parse_answer_text(raw),
    };
    Some(v)
}

/// [`parse_answer`] for any other spelling (other cases, Chinese, labels).
#[cold]
#[inline(never)]
fn parse_answer_text(raw: &[u8]) -> Option<AnswerValue> {
    AnswerValue::parse(&lossy(raw)).ok()
}

/// The "valid values are ..." help for a question's kind.
pub(crate) fn valid_answers_help(spec: Option<AnswerSpec>) -> String {
    match spec {
        Some(s) => format!(
            "valid answers to this {} question: {} (or leave it blank)",
            s.kind.as_str(),
            s.kind.valid_values(s.na_allowed).join(", ")
        ),
        None => "valid answers: 0-5, yes, partial, no, na, or blank".to_string(),
    }
}

/// Checks an answer's text against the question it answers (`spec` is `None` when the question
/// is unknown: the answer is then only parsed).
pub(crate) fn check_answer(
    raw: &str,
    spec: Option<AnswerSpec>,
    col: &ColRef,
    issues: &mut Vec<Issue>,
) -> Option<AnswerValue> {
    check_answer_bytes(raw.as_bytes(), spec, col, issues)
}

/// [`check_answer`] of the bytes of UTF-8 text (a field of a block already checked). Inlined,
/// with the problems in a function of their own: every answer row comes through here and
/// nearly every one is fine.
#[inline(always)]
pub(crate) fn check_answer_bytes(
    raw: &[u8],
    spec: Option<AnswerSpec>,
    col: &ColRef,
    issues: &mut Vec<Issue>,
) -> Option<AnswerValue> {
    match (parse_answer(trim_bytes(raw)), spec) {
        (Some(v), Some(s)) if s.kind.accepts(v, s.na_allowed) => Some(v),
        (v, spec) => answer_problem(&lossy(raw), v, spec, col, issues),
    }
}

/// [`check_answer`] for an answer that is not one, or not one the question accepts (or whose
/// question is unknown: then it is only parsed). Never inlined, so that the check inlined into
/// the row handler stays a few instructions.
#[cold]
#[inline(never)]
fn answer_problem(
    raw: &str,
    parsed: Option<AnswerValue>,
    spec: Option<AnswerSpec>,
    col: &ColRef,
    issues: &mut Vec<Issue>,
) -> Option<AnswerValue> {
    let Some(v) = parsed else {
        issues.push(
            Issue::new(
                ProblemCode::InvalidAnswer,
                col.clone(),
                Some(raw),
                format!("'{}' is not an answer", shown(raw.trim())),
            )
            .help(valid_answers_help(spec)),
        );
        return None;
    };
    let spec = spec?;
    if spec.kind.accepts(v, spec.na_allowed) {
        return Some(v);
    }
    let (code, message) = if v == AnswerValue::NotApplicable {
        (
            ProblemCode::NaNotAllowed,
            "this question does not allow 'na' (not applicable)".to_string(),
        )
    } else {
        let got = match v {
            AnswerValue::Maturity(_) => AnswerKind::Maturity,
            _ => AnswerKind::YesPartialNo,
        };
        (
            ProblemCode::AnswerKindMismatch,
            format!(
                "'{}' is a {} answer but this question asks for {}",
                shown(raw.trim()),
                got.as_str(),
                spec.kind.as_str()
            ),
        )
    };
    issues.push(
        Issue::new(code, col.clone(), Some(raw), message).help(valid_answers_help(Some(spec))),
    );
    None
}

/// Checks an optional date field; blank is fine.
pub(crate) fn check_date(
    raw: &str,
    col: &ColRef,
    issues: &mut Vec<Issue>,
) -> Option<chrono::NaiveDate> {
    check_date_bytes(raw.as_bytes(), col, issues, parse_date10)
}

/// [`check_date`] of the bytes of UTF-8 text (a field of a block already checked), ten bytes
/// read as a date by `parse` ([`parse_date10`], or a block's [`crate::text::DateCache`]).
/// Inlined, as [`check_answer_bytes`] is.
#[inline]
pub(crate) fn check_date_bytes(
    raw: &[u8],
    col: &ColRef,
    issues: &mut Vec<Issue>,
    parse: impl FnOnce(&[u8; 10]) -> Option<chrono::NaiveDate>,
) -> Option<chrono::NaiveDate> {
    let t = trim_bytes(raw);
    if t.is_empty() {
        return None;
    }
    let d = t.try_into().ok().and_then(parse);
    if d.is_none() {
        date_problem(&lossy(raw), col, issues);
    }
    d
}

#[cold]
#[inline(never)]
fn date_problem(raw: &str, col: &ColRef, issues: &mut Vec<Issue>) {
    issues.push(
        Issue::new(
            ProblemCode::InvalidDate,
            col.clone(),
            Some(raw),
            format!("'{}' is not a date", shown(raw.trim())),
        )
        .help("write dates as YYYY-MM-DD, for example 2025-03-31"),
    );
}

/// Issue for a field over the size limit.
pub(crate) fn too_large(len: usize, limit: usize, col: &ColRef, head: &str) -> Issue {
    Issue::new(
        ProblemCode::FieldTooLarge,
        col.clone(),
        Some(head),
        format!("field is {len} bytes, over the limit of {limit} bytes"),
    )
    .help("shorten the field (link to long evidence instead of pasting it), or raise the field-size limit")
}

/// Issue for a blank vendor id.
/// Columns a format does not use, listed once per header; `what` says what becomes of them.
pub(crate) fn extra_columns(names: &[impl AsRef<str>], what: &str) -> Issue {
    let list = names
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<&str>>()
        .join(", ");
    Issue::new(
        ProblemCode::ExtraColumns,
        None,
        Some(&list),
        format!("{what}: {list}"),
    )
}

pub(crate) fn blank_vendor(col: &ColRef) -> Issue {
    Issue::new(
        ProblemCode::BlankVendorId,
        col.clone(),
        None,
        "the vendor id is blank".to_string(),
    )
    .help("every row needs the buyer-assigned vendor_id")
}

/// Issue for an unknown question id.
pub(crate) fn unknown_question(raw: &str, suggestion: Option<&str>, col: &ColRef) -> Issue {
    let i = Issue::new(
        ProblemCode::UnknownQuestion,
        col.clone(),
        Some(raw),
        format!(
            "'{}' is not a question id in the catalog",
            shown(raw.trim())
        ),
    );
    match suggestion {
        Some(s) => i.help(format!("did you mean '{s}'?")),
        None => i.help("see `scrm catalog` for the question ids"),
    }
}

/// Issue for a record whose quoted field is never closed ([`crate::split::Unclosed`]): `col`
/// is the field's column (none past the header), `quote_line` the line the quote is on.
pub(crate) fn unclosed_quote(u: &crate::split::Unclosed, col: ColRef, quote_line: u64) -> Issue {
    Issue::new(
        ProblemCode::UnclosedQuote,
        col,
        Some(&u.value()),
        format!(
            "the quote that opens this field (line {quote_line}) is never closed: the row is rejected up to the end of that line, and the lines after it are read as rows"
        ),
    )
    .help("close the quoted field with a quote, or double a quote that is part of the text (\"\")")
}

/// Issue for bytes that are not UTF-8.
pub(crate) fn bad_encoding(col: &ColRef, lossy: &str) -> Issue {
    Issue::new(
        ProblemCode::Encoding,
        col.clone(),
        Some(lossy),
        "the field is not valid UTF-8".to_string(),
    )
    .help(
        "save the file as UTF-8, or name its encoding with the encoding option (for example big5)",
    )
}

/// Profile fields every profile source may set, besides `vendor_id`.
pub(crate) use scrm_model::columns::PROFILE_FIELDS;

/// Validates one profile field; returns its canonical text (`None` when blank) or an issue.
pub(crate) fn check_profile_field(
    key: &str,
    raw: &str,
    col: &ColRef,
) -> Result<Option<String>, Issue> {
    Ok(check_profile_value(ProfileKind::of(key), key, raw, col)?
        .map(|c| c.text(raw.trim()).to_string()))
}

/// What a profile column holds, worked out from its key once per table rather than once per
/// cell (a buyer's profile file has a row per vendor, each checked field by field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProfileKind {
    Name,
    Country,
    Criticality,
    AiRole,
    DataAccess,
    AssessedOn,
    Certifications,
    /// A column outside the profile format, passed through as written.
    Extra,
}

impl ProfileKind {
    pub(crate) fn of(key: &str) -> Self {
        match key {
            "name" => Self::Name,
            "country" => Self::Country,
            "criticality" => Self::Criticality,
            "ai_role" => Self::AiRole,
            "data_access" => Self::DataAccess,
            "assessed_on" => Self::AssessedOn,
            "certifications" => Self::Certifications,
            _ => Self::Extra,
        }
    }
}

/// A profile field's canonical text: nearly always the trimmed cell itself or a fixed
/// spelling, so a checked row carries no text of its own beside its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Canon {
    /// The trimmed cell as written.
    AsWritten,
    Static(&'static str),
    Owned(String),
}

impl Canon {
    /// The text, given the trimmed cell it was checked from.
    pub(crate) fn text<'a>(&'a self, trimmed: &'a str) -> &'a str {
        match self {
            Self::AsWritten => trimmed,
            Self::Static(s) => s,
            Self::Owned(s) => s,
        }
    }

    /// The trimmed cell when it is already canonical, else the canonical text.
    fn unless_same(trimmed: &str, canonical: String) -> Self {
        if canonical == trimmed {
            Self::AsWritten
        } else {
            Self::Owned(canonical)
        }
    }
}

/// [`check_profile_field`] for a column whose kind is known, giving the text as a [`Canon`]
/// of the trimmed cell. `key` names the field in messages.
pub(crate) fn check_profile_value(
    kind: ProfileKind,
    key: &str,
    raw: &str,
    col: &ColRef,
) -> Result<Option<Canon>, Issue> {
    let t = crate::text::trim_str(raw);
    if t.is_empty() {
        return Ok(None);
    }
    let enum_issue = |valid: &[&str]| {
        let i = Issue::new(
            ProblemCode::InvalidEnum,
            col.clone(),
            Some(raw),
            format!("'{}' is not a valid {key}", shown(t)),
        );
        let mut help = format!("valid values: {}", valid.join(", "));
        if let Some(s) = did_you_mean(t, valid) {
            help = format!("did you mean '{s}'? {help}");
        }
        i.help(help)
    };
    let v = match kind {
        ProfileKind::Name | ProfileKind::Extra => Canon::AsWritten,
        // A code as it is stored (the list holds capitals only) is kept as written, unfolded.
        ProfileKind::Country if is_country(t) => Canon::AsWritten,
        ProfileKind::Country => {
            let up = fold(t).to_ascii_uppercase();
            // Not the cell itself: the cell is no code, and `up` is one.
            if is_country(&up) {
                Canon::Owned(up)
            } else {
                let hint = match up.as_str() {
                    "UK" => "did you mean 'GB'? ISO 3166-1 codes the United Kingdom as GB. ",
                    _ => "",
                };
                return Err(Issue::new(
                    ProblemCode::InvalidCountry,
                    col.clone(),
                    Some(raw),
                    format!("'{}' is not an ISO 3166-1 alpha-2 country code", shown(t)),
                )
                .help(format!(
                    "{hint}use the two-letter code, for example TW, US, DE, JP"
                )));
            }
        }
        ProfileKind::Criticality => Canon::Static(
            t.parse::<Criticality>()
                .map_err(|_| enum_issue(Criticality::VALUES))?
                .as_str(),
        ),
        ProfileKind::AiRole => Canon::Static(
            t.parse::<AiRole>()
                .map_err(|_| enum_issue(AiRole::VALUES))?
                .as_str(),
        ),
        ProfileKind::DataAccess => Canon::Static(
            t.parse::<DataAccess>()
                .map_err(|_| enum_issue(DataAccess::VALUES))?
                .as_str(),
        ),
        ProfileKind::AssessedOn => {
            let mut issues = Vec::new();
            match check_date(t, col, &mut issues) {
                // Ten bytes with dashes that parse are the date as chrono writes it (four-digit
                // year, zero-padded month and day): no text to make.
                Some(_) if t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-' => {
                    Canon::AsWritten
                }
                Some(d) => Canon::unless_same(t, d.to_string()),
                None => return Err(issues.remove(0)),
            }
        }
        // One certification: already trimmed.
        ProfileKind::Certifications if !t.contains(';') => Canon::AsWritten,
        ProfileKind::Certifications => {
            let certs: Vec<&str> = t
                .split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            if certs.is_empty() {
                return Ok(None);
            }
            Canon::unless_same(t, certs.join(";"))
        }
    };
    Ok(Some(v))
}

/// Whether a code is an officially assigned ISO 3166-1 alpha-2 code: one bit test (a profile
/// file checks a country per vendor, and a search of the list cost eight string compares).
pub(crate) fn is_country(code: &str) -> bool {
    match *code.as_bytes() {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => {
            COUNTRY_BITS[usize::from(a - b'A')] >> (b - b'A') & 1 == 1
        }
        _ => false,
    }
}

/// [`COUNTRIES`] as bits: bit `b` of entry `a` is set for the code of letters `a`, `b`.
const COUNTRY_BITS: [u32; 26] = {
    let mut bits = [0u32; 26];
    let mut i = 0;
    while i < COUNTRIES.len() {
        let c = COUNTRIES[i].as_bytes();
        bits[(c[0] - b'A') as usize] |= 1 << (c[1] - b'A');
        i += 1;
    }
    bits
};

/// ISO 3166-1 alpha-2, the 249 officially assigned codes, sorted (kept as the readable list;
/// [`COUNTRY_BITS`] is made from it, and a test holds the two to each other).
const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_list_is_complete_and_sorted() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|w| w[0] < w[1]));
        assert!(is_country("TW") && is_country("GB") && !is_country("UK"));
        // The bits say what the list says, for every pair of capitals and a few other texts.
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = String::from_utf8(vec![a, b]).unwrap_or_default();
                assert_eq!(
                    is_country(&code),
                    COUNTRIES.binary_search(&code.as_str()).is_ok(),
                    "{code}"
                );
            }
        }
        for other in ["", "T", "tw", "Tw", "TWN", "T1", "@A", "[A", "Ａ"] {
            assert!(!is_country(other), "{other}");
        }
    }

    /// Each kind's canonical text, and that a value already canonical is kept as written.
    #[test]
    fn profile_values_are_canonical_and_kept_as_written_when_already() {
        let col: ColRef = Some((2, "country".into()));
        let check = |kind, raw: &str| {
            let key = format!("{kind:?}");
            check_profile_value(kind, &key, raw, &col)
                .map(|v| v.map(|c| (c.text(raw.trim()).to_string(), c == Canon::AsWritten)))
                .map_err(|i| i.message)
        };
        let ok = |text: &str, kept: bool| Ok(Some((text.to_string(), kept)));
        use ProfileKind as K;
        assert_eq!(check(K::Name, "  Acme, Inc. "), ok("Acme, Inc.", true));
        assert_eq!(check(K::Extra, " APAC"), ok("APAC", true));
        assert_eq!(check(K::Name, "   "), Ok(None));
        assert_eq!(check(K::Country, "TW"), ok("TW", true));
        assert_eq!(check(K::Country, " tw "), ok("TW", false));
        assert_eq!(check(K::Country, "ＪＰ"), ok("JP", false));
        assert!(check(K::Country, "UK").is_err_and(|m| m.contains("'UK'")));
        assert_eq!(check(K::Criticality, "HIGH"), ok("high", false));
        assert_eq!(check(K::Criticality, "high"), ok("high", false));
        assert_eq!(check(K::AiRole, "developer"), ok("provider", false));
        assert_eq!(check(K::DataAccess, "regulated"), ok("regulated", false));
        assert_eq!(check(K::AssessedOn, "2026-08-08"), ok("2026-08-08", true));
        assert_eq!(
            check(K::AssessedOn, " 2026/08/08 "),
            ok("2026-08-08", false)
        );
        assert!(check(K::AssessedOn, "2026-02-30").is_err());
        assert_eq!(check(K::Certifications, "SOC 2"), ok("SOC 2", true));
        assert_eq!(check(K::Certifications, "A;B"), ok("A;B", true));
        assert_eq!(check(K::Certifications, " A ; B ;"), ok("A;B", false));
        assert_eq!(check(K::Certifications, ";"), Ok(None));
        assert_eq!(ProfileKind::of("assessed_on"), K::AssessedOn);
        assert_eq!(ProfileKind::of("region"), K::Extra);
    }

    /// A date kept as written is the date as chrono writes it, for every year it can read.
    #[test]
    fn dates_kept_as_written_are_chrono_text() {
        let col: ColRef = None;
        let mut d = chrono::NaiveDate::from_ymd_opt(0, 1, 1).unwrap_or_default();
        let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
        while d <= last {
            let text = d.to_string();
            let v = check_profile_value(ProfileKind::AssessedOn, "assessed_on", &text, &col);
            assert_eq!(v.ok().flatten(), Some(Canon::AsWritten), "{text}");
            d += chrono::TimeDelta::days(37);
        }
    }

    #[test]
    fn fast_path_agrees_with_the_model_parser() {
        for raw in [
            "yes", "Yes", "YES", "no", "No", "partial", "na", "NA", "N/A", "", "0", "5",
        ] {
            assert_eq!(
                parse_answer(raw.as_bytes()),
                AnswerValue::parse(raw).ok(),
                "{raw}"
            );
        }
        assert_eq!(parse_answer(b"6"), None);
        assert_eq!(parse_answer("是".as_bytes()), Some(AnswerValue::Yes));
    }
}
