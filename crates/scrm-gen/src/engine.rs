//! The generator's core: prepared questions, vendor archetypes and correlated answers.
//!
//! Each vendor has a latent maturity (from its archetype), an offset per question family
//! (GOVERN, MAP, MEASURE, MANAGE, ISO clauses, Annex A, supply chain, other) and noise per
//! question, so answers correlate the way real questionnaires do. Every vendor draws from its
//! own ChaCha8 stream `(seed, vendor index)`: output does not depend on threads or chunking.

use crate::names::{self, COMMENTS, COUNTRIES, ISO27001, ISO42001, SOC2};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scrm_model::{AiRole, AnswerKind, Criticality, DataAccess, Question};

/// Days before `as_of` the date table covers (evidence up to about four years old).
pub(crate) const DATE_SPAN: usize = 1500;

/// A vendor's random stream.
pub(crate) struct Rand(ChaCha8Rng);

impl Rand {
    /// The stream of vendor `index` under `seed`.
    pub(crate) fn for_vendor(seed: u64, index: u64) -> Self {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        r.set_stream(index);
        Self(r)
    }

    fn u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; bias below 2^-50 for our small `n`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Approximately standard normal: four 16-bit uniforms summed (Irwin-Hall), one draw.
    fn normal(&mut self) -> f64 {
        let x = self.u64();
        let sum: f64 = (0..4)
            .map(|k| ((x >> (16 * k)) & 0xFFFF) as f64 / 65536.0)
            .sum();
        (sum - 2.0) * 3f64.sqrt()
    }

    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(u64::from(total)) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// The kinds of supplier a portfolio holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Archetype {
    /// Mature programme, evidence for nearly every claim.
    Strong,
    /// Middling maturity, some evidence gaps.
    Average,
    /// Low maturity, little evidence, old documents.
    Weak,
    /// Many questions skipped or left blank.
    Incomplete,
    /// Claims (an ISO/IEC 42001 certificate, an AI policy, an AI-BOM) its other answers deny.
    Contradictory,
    /// The top answer to every question, without evidence (copy-paste).
    Uniform,
    /// Otherwise fine, but answers `no` to a knock-out question (high or critical tier).
    KnockoutFail,
    /// On an exclusion list (SAM.gov, Section 889, FASCSA).
    Excluded,
}

impl Archetype {
    /// Every archetype, in summary order.
    pub const ALL: [Archetype; 8] = [
        Self::Strong,
        Self::Average,
        Self::Weak,
        Self::Incomplete,
        Self::Contradictory,
        Self::Uniform,
        Self::KnockoutFail,
        Self::Excluded,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strong => "strong",
            Self::Average => "average",
            Self::Weak => "weak",
            Self::Incomplete => "incomplete",
            Self::Contradictory => "contradictory",
            Self::Uniform => "uniform",
            Self::KnockoutFail => "knockout-fail",
            Self::Excluded => "excluded",
        }
    }

    /// Share of vendors (‰) among those not excluded.
    const WEIGHTS: [u32; 7] = [180, 420, 150, 100, 50, 40, 60];

    /// Latent maturity mean and spread.
    fn latent(self) -> (f64, f64) {
        match self {
            Self::Strong => (4.0, 0.4),
            Self::Average => (2.8, 0.5),
            Self::Weak => (1.3, 0.5),
            Self::Incomplete => (2.4, 0.6),
            Self::Contradictory => (3.0, 0.4),
            Self::Uniform => (5.0, 0.0),
            Self::KnockoutFail => (2.9, 0.5),
            Self::Excluded => (2.6, 0.7),
        }
    }

    /// Probability that a claim (maturity >= 3 or yes) carries evidence.
    fn evidence_rate(self) -> f64 {
        match self {
            Self::Strong => 0.93,
            Self::Average => 0.72,
            Self::Weak => 0.40,
            Self::Incomplete => 0.50,
            Self::Contradictory => 0.60,
            Self::Uniform => 0.03,
            Self::KnockoutFail => 0.70,
            Self::Excluded => 0.60,
        }
    }

    /// Range of evidence age in days.
    fn evidence_age(self) -> (u64, u64) {
        match self {
            Self::Strong => (0, 420),
            Self::Average => (0, 700),
            Self::Weak => (60, 1100),
            _ => (0, 800),
        }
    }
}

/// Question families, the unit of per-vendor maturity offsets and evidence naming.
const FAMILIES: usize = 8;

fn family(q: &Question) -> usize {
    let id = q.id.as_str();
    if id.starts_with("SUP-") {
        return 6;
    }
    if let Some(first) = q.refs.airm.first() {
        return match first.split_whitespace().next().unwrap_or("") {
            "GOVERN" => 0,
            "MAP" => 1,
            "MEASURE" => 2,
            "MANAGE" => 3,
            _ => 7,
        };
    }
    if let Some(first) = q.refs.aims.first() {
        return if first.starts_with("A.") { 5 } else { 4 };
    }
    if !q.refs.csf.is_empty() || !q.refs.sp800_161.is_empty() {
        return 6;
    }
    7
}

/// An answer as generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ans {
    /// Maturity 0-5.
    M(u8),
    Yes,
    Partial,
    No,
    Na,
    Blank,
}

impl Ans {
    /// Canonical spelling.
    pub(crate) fn canonical(self) -> &'static str {
        match self {
            Self::M(n) => ["0", "1", "2", "3", "4", "5"][usize::from(n.min(5))],
            Self::Yes => "yes",
            Self::Partial => "partial",
            Self::No => "no",
            Self::Na => "na",
            Self::Blank => "",
        }
    }

    /// The spellings people type in spreadsheets (`Yes`, `N/A`, `L3`), all accepted on input.
    pub(crate) fn casual(self) -> &'static str {
        match self {
            Self::M(n) => ["L0", "L1", "L2", "L3", "L4", "L5"][usize::from(n.min(5))],
            Self::Yes => "Yes",
            Self::Partial => "Partial",
            Self::No => "No",
            Self::Na => "N/A",
            Self::Blank => "",
        }
    }

    /// A claim that needs evidence (maturity >= 3 or yes).
    fn is_claim(self) -> bool {
        matches!(self, Self::M(3..) | Self::Yes)
    }

    fn is_answered(self) -> bool {
        !matches!(self, Self::Blank | Self::Na)
    }

    /// The same stance in the answer kind of a question (a forced `yes` on a maturity question
    /// becomes 4, a forced 0 on a yes/partial/no question becomes `no`).
    fn fit(self, kind: AnswerKind) -> Self {
        match (self, kind) {
            (Self::Yes, AnswerKind::Maturity) => Self::M(4),
            (Self::Partial, AnswerKind::Maturity) => Self::M(2),
            (Self::No, AnswerKind::Maturity) => Self::M(0),
            (Self::M(n), AnswerKind::YesPartialNo) if n >= 3 => Self::Yes,
            (Self::M(2), AnswerKind::YesPartialNo) => Self::Partial,
            (Self::M(_), AnswerKind::YesPartialNo) => Self::No,
            (a, _) => a,
        }
    }
}

/// A question as the generator uses it.
pub(crate) struct PreparedQuestion {
    /// Canonical id.
    pub(crate) id: String,
    /// The id as a CSV field.
    pub(crate) csv_id: Vec<u8>,
    /// First alias, if any (the demo's JSON documents use it once).
    pub(crate) alias: Option<String>,
    kind: AnswerKind,
    na_allowed: bool,
    pub(crate) family: usize,
}

/// Questions prepared once per run.
pub(crate) struct Ctx {
    pub(crate) qs: Vec<PreparedQuestion>,
    /// Applicable question indices per AI role (`AiRole::ALL` order).
    by_role: [Vec<u32>; 4],
    /// Knock-out question indices.
    knockouts: Vec<u32>,
    /// (claim question, claimed answer, contradicted question, contradicting answer).
    contradictions: Vec<(u32, Ans, u32, Ans)>,
    pub(crate) seed: u64,
    pub(crate) answers_per_vendor: Option<usize>,
    pub(crate) exclusion_rate: f64,
    /// `as_of - i days` as `YYYY-MM-DD`, for `i` in `0..=DATE_SPAN`.
    pub(crate) dates: Vec<[u8; 10]>,
}

/// Contradictions the default policy checks (`[[contradiction]]` in policy/default.toml).
const CONTRADICTIONS: [(&str, Ans, &str, Ans); 3] = [
    ("SUP-ISO42001-CERT", Ans::Yes, "AIMS-9.2.1", Ans::M(0)),
    ("AIMS-5.2", Ans::Yes, "AIMS-A.2.2", Ans::M(0)),
    ("SUP-AIBOM", Ans::Yes, "SUP-PROVENANCE", Ans::M(1)),
];

fn role_index(r: AiRole) -> usize {
    match r {
        AiRole::Provider => 0,
        AiRole::Integrator => 1,
        AiRole::Deployer => 2,
        AiRole::None => 3,
    }
}

/// Appends `s` as one CSV field (quoted when it holds a comma, quote or line break).
pub(crate) fn push_csv(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

impl Ctx {
    pub(crate) fn new(
        questions: &[Question],
        knockouts: &[String],
        seed: u64,
        answers_per_vendor: Option<usize>,
        exclusion_rate: f64,
        as_of: NaiveDate,
    ) -> Self {
        let qs: Vec<PreparedQuestion> = questions
            .iter()
            .map(|q| {
                let mut csv_id = Vec::new();
                push_csv(&mut csv_id, q.id.as_str());
                PreparedQuestion {
                    id: q.id.as_str().to_string(),
                    csv_id,
                    alias: q.aliases.first().cloned(),
                    kind: q.answer.kind,
                    na_allowed: q.answer.na_allowed,
                    family: family(q),
                }
            })
            .collect();
        let by_role = [
            AiRole::Provider,
            AiRole::Integrator,
            AiRole::Deployer,
            AiRole::None,
        ]
        .map(|r| {
            (0..questions.len() as u32)
                .filter(|&i| questions[i as usize].applies_to(Some(r)))
                .collect()
        });
        let index_of = |id: &str| qs.iter().position(|q| q.id == id).map(|i| i as u32);
        let knockouts = knockouts.iter().filter_map(|k| index_of(k)).collect();
        let contradictions = CONTRADICTIONS
            .iter()
            .filter_map(|&(a, av, b, bv)| Some((index_of(a)?, av, index_of(b)?, bv)))
            .collect();
        let dates = (0..=DATE_SPAN)
            .map(|d| {
                let day = as_of - chrono::Duration::days(d as i64);
                let mut buf = [0u8; 10];
                buf.copy_from_slice(day.format("%Y-%m-%d").to_string().as_bytes());
                buf
            })
            .collect();
        Self {
            qs,
            by_role,
            knockouts,
            contradictions,
            seed,
            answers_per_vendor,
            exclusion_rate,
            dates,
        }
    }

    /// The date `days` before `as_of`, as `YYYY-MM-DD`.
    pub(crate) fn date(&self, days: u16) -> &[u8] {
        &self.dates[usize::from(days).min(DATE_SPAN)]
    }
}

/// An evidence reference such as `POL-AI-007 v3.pdf`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Evidence {
    pub(crate) family: u8,
    pub(crate) number: u16,
    pub(crate) version: u8,
    pub(crate) ext: u8,
}

/// One generated answer row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GenAnswer {
    pub(crate) q: u32,
    pub(crate) ans: Ans,
    pub(crate) evidence: Option<Evidence>,
    pub(crate) evidence_days_ago: Option<u16>,
    pub(crate) comment: Option<u8>,
}

/// Where an excluded vendor is listed.
#[derive(Debug, Clone)]
pub(crate) struct GenExclusion {
    pub(crate) source: &'static str,
    pub(crate) reference: String,
    pub(crate) listed_days_ago: u16,
}

/// Profile values the demo fixes instead of drawing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Forced {
    pub(crate) name: &'static str,
    pub(crate) country: &'static str,
    pub(crate) criticality: Criticality,
    pub(crate) ai_role: AiRole,
    pub(crate) data_access: DataAccess,
    pub(crate) archetype: Archetype,
    pub(crate) certifications: &'static [&'static str],
    /// Bit k set: fail knock-out question k (knock-out archetype only).
    pub(crate) knockout_mask: u8,
    /// Written with casual spellings (`Yes`, `N/A`, `L3`).
    pub(crate) casual: bool,
    /// Exclusion source and reference (excluded archetype only).
    pub(crate) exclusion: Option<(&'static str, &'static str)>,
    /// A comment pasted next to the first answer (the demo's spreadsheet-formula case).
    pub(crate) first_comment: Option<&'static str>,
}

/// One generated vendor. Reused across vendors of a chunk to keep allocations down.
#[derive(Debug, Clone)]
pub(crate) struct GenVendor {
    pub(crate) archetype: Archetype,
    pub(crate) name: String,
    pub(crate) country: &'static str,
    pub(crate) criticality: Criticality,
    pub(crate) ai_role: AiRole,
    pub(crate) data_access: DataAccess,
    pub(crate) assessed_days_ago: Option<u16>,
    pub(crate) certifications: Vec<&'static str>,
    pub(crate) answers: Vec<GenAnswer>,
    pub(crate) exclusion: Option<GenExclusion>,
    pub(crate) casual: bool,
    pub(crate) first_comment: Option<&'static str>,
}

impl Default for GenVendor {
    fn default() -> Self {
        Self {
            archetype: Archetype::Average,
            name: String::new(),
            country: "TW",
            criticality: Criticality::Moderate,
            ai_role: AiRole::Integrator,
            data_access: DataAccess::Internal,
            assessed_days_ago: None,
            certifications: Vec::new(),
            answers: Vec::new(),
            exclusion: None,
            casual: false,
            first_comment: None,
        }
    }
}

const UEI_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";

/// Fills `v` with vendor `index` (0-based) of the portfolio.
pub(crate) fn generate_vendor(ctx: &Ctx, index: u64, forced: Option<&Forced>, v: &mut GenVendor) {
    let mut r = Rand::for_vendor(ctx.seed, index);
    v.answers.clear();
    v.certifications.clear();
    v.exclusion = None;

    // Profile.
    let archetype = match forced {
        Some(f) => f.archetype,
        None if r.chance(ctx.exclusion_rate) => Archetype::Excluded,
        None => Archetype::ALL[r.weighted(&Archetype::WEIGHTS)],
    };
    v.archetype = archetype;
    v.casual = forced.is_some_and(|f| f.casual);
    v.first_comment = forced.and_then(|f| f.first_comment);
    match forced {
        Some(f) => {
            v.country = f.country;
            v.name.clear();
            v.name.push_str(f.name);
            v.criticality = f.criticality;
            v.ai_role = f.ai_role;
            v.data_access = f.data_access;
            v.certifications.extend_from_slice(f.certifications);
        }
        None => {
            let weights = COUNTRIES.map(|c| c.1);
            v.country = COUNTRIES[r.weighted(&weights)].0;
            v.name = names::company_name(v.country, |n| r.below(n));
            v.criticality = if archetype == Archetype::KnockoutFail {
                [Criticality::High, Criticality::Critical][r.weighted(&[7, 3])]
            } else {
                Criticality::ALL[r.weighted(&[30, 35, 25, 10])]
            };
            v.ai_role = AiRole::ALL[r.weighted(&[20, 30, 30, 20])];
            if archetype == Archetype::KnockoutFail
                && !ctx.knockouts.is_empty()
                && !ctx
                    .knockouts
                    .iter()
                    .any(|k| ctx.by_role[role_index(v.ai_role)].contains(k))
            {
                // The knock-out questions must apply, or there is nothing to fail.
                v.ai_role = AiRole::Integrator;
            }
            v.data_access = DataAccess::ALL[r.weighted(&[15, 35, 35, 15])];
            let certs: [f64; 3] = match archetype {
                Archetype::Strong => [0.8, 0.4, 0.5],
                Archetype::Average | Archetype::KnockoutFail => [0.4, 0.05, 0.2],
                Archetype::Contradictory => [0.5, 1.0, 0.2],
                Archetype::Uniform => [0.3, 0.2, 0.1],
                _ => [0.1, 0.0, 0.05],
            };
            for (p, c) in certs.iter().zip([ISO27001, ISO42001, SOC2]) {
                if r.chance(*p) {
                    v.certifications.push(c);
                }
            }
        }
    }
    v.assessed_days_ago = if archetype == Archetype::Incomplete && r.chance(0.12) {
        None
    } else {
        Some(r.below(481) as u16)
    };

    // Answers: latent maturity, family offsets, per-question noise.
    let (mu, sd) = archetype.latent();
    let base = mu + sd * r.normal();
    let offsets: [f64; FAMILIES] = std::array::from_fn(|_| 0.5 * r.normal());
    let applicable = &ctx.by_role[role_index(v.ai_role)];
    let mut keep_left = ctx.answers_per_vendor.map(|n| n.min(applicable.len()));
    let (age_lo, age_hi) = archetype.evidence_age();
    for (pos, &qi) in applicable.iter().enumerate() {
        // Selection sampling keeps exactly `answers_per_vendor` questions, in catalog order.
        if let Some(left) = keep_left.as_mut() {
            let remaining = (applicable.len() - pos) as u64;
            if r.below(remaining) >= *left as u64 {
                continue;
            }
            *left -= 1;
        }
        let q = &ctx.qs[qi as usize];
        let ans = if archetype == Archetype::Incomplete && r.chance(0.35) {
            continue;
        } else if r.chance(if archetype == Archetype::Incomplete {
            0.2
        } else {
            0.015
        }) {
            Ans::Blank
        } else if q.na_allowed && r.chance(0.04) {
            Ans::Na
        } else if archetype == Archetype::Uniform {
            match q.kind {
                AnswerKind::Maturity => Ans::M(5),
                AnswerKind::YesPartialNo => Ans::Yes,
            }
        } else {
            let x = base + offsets[q.family] + 0.8 * r.normal();
            match q.kind {
                AnswerKind::Maturity => Ans::M(x.round().clamp(0.0, 5.0) as u8),
                AnswerKind::YesPartialNo if x >= 3.0 => Ans::Yes,
                AnswerKind::YesPartialNo if x >= 1.8 => Ans::Partial,
                AnswerKind::YesPartialNo => Ans::No,
            }
        };
        v.answers.push(GenAnswer {
            q: qi,
            ans,
            evidence: None,
            evidence_days_ago: None,
            comment: None,
        });
    }

    // Knock-out questions: suppliers mostly say yes, the knock-out archetype says no (or 0).
    let mask = match (archetype, forced) {
        (Archetype::KnockoutFail, Some(f)) => f.knockout_mask,
        (Archetype::KnockoutFail, None) => [1u8, 2, 3][r.weighted(&[45, 45, 10])],
        _ => 0,
    };
    let yes_rate = match archetype {
        Archetype::Weak => 0.85,
        Archetype::Incomplete => 0.9,
        _ => 0.97,
    };
    for (k, &ko) in ctx.knockouts.iter().enumerate() {
        let fail = k < 8 && mask & (1 << k) != 0;
        let pass = r.chance(yes_rate);
        let kind = ctx.qs[ko as usize].kind;
        if let Some(a) = v.answers.iter_mut().find(|a| a.q == ko) {
            if fail {
                a.ans = Ans::No.fit(kind);
            } else if kind == AnswerKind::YesPartialNo
                && archetype != Archetype::Uniform
                && a.ans != Ans::Blank
            {
                // Yes/no knock-outs (incident notice, training-data consent) are what suppliers
                // sign up to; a maturity knock-out keeps the vendor's own level.
                a.ans = if pass { Ans::Yes } else { Ans::Partial };
            }
        }
    }
    if archetype == Archetype::Contradictory {
        for &(qa, aa, qb, ab) in &ctx.contradictions {
            let has_a = v.answers.iter().any(|a| a.q == qa);
            let has_b = v.answers.iter().any(|a| a.q == qb);
            if has_a && has_b {
                for a in v.answers.iter_mut() {
                    if a.q == qa {
                        a.ans = aa.fit(ctx.qs[qa as usize].kind);
                    } else if a.q == qb {
                        a.ans = ab.fit(ctx.qs[qb as usize].kind);
                    }
                }
            }
        }
    }

    // Evidence, dates and comments.
    let rate = archetype.evidence_rate();
    for a in v.answers.iter_mut() {
        if a.ans.is_answered() {
            let p = if a.ans.is_claim() { rate } else { rate * 0.4 };
            if r.chance(p) {
                let family = ctx.qs[a.q as usize].family as u8;
                a.evidence = Some(Evidence {
                    family,
                    number: r.between(1, 120) as u16,
                    version: r.between(1, 6) as u8,
                    ext: r.weighted(&[70, 20, 10]) as u8,
                });
                if !r.chance(0.04) {
                    a.evidence_days_ago = Some(r.between(age_lo, age_hi) as u16);
                }
            }
        }
        if r.chance(0.05) {
            a.comment = Some(r.below(COMMENTS.len() as u64) as u8);
        }
    }

    if archetype == Archetype::Excluded {
        let (source, reference) = match forced.and_then(|f| f.exclusion) {
            Some((s, reference)) => (s, reference.to_string()),
            None => match r.weighted(&[50, 30, 20]) {
                0 => {
                    let uei: String = (0..12)
                        .map(|_| UEI_CHARS[r.below(UEI_CHARS.len() as u64) as usize] as char)
                        .collect();
                    ("sam", format!("SAM.gov exclusion, UEI {uei}"))
                }
                1 => (
                    "sec889",
                    "FAR 52.204-25: covered telecommunications equipment".to_string(),
                ),
                _ => (
                    "fascsa",
                    format!("FASCSA order {}-{:03}", 2024 + r.below(3), r.between(1, 40)),
                ),
            },
        };
        v.exclusion = Some(GenExclusion {
            source,
            reference,
            listed_days_ago: r.between(10, 900) as u16,
        });
    }
}
