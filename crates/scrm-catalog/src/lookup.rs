//! Question id normalization: maps the spellings suppliers and other tools use (`GOVERN 1.1`,
//! `gv1.1`, `ai-rmf-gv-1.1`, `MEASURE-2.3@1.0`, `gv.sc-1`, `ISO42001-A.10.3`, `B.10.3`,
//! `42001-9.2.1`, `sup_aibom`) onto canonical catalog ids, with a did-you-mean for the rest.
//!
//! Every id is first cut into tokens (runs of letters, and numbers such as `1.1` or `9.2.1`);
//! separators, case and full-width forms do not matter. The token key alone resolves canonical
//! ids and declared aliases; a few structured rules then cover the framework spellings.

use crate::Catalog;
use crate::frameworks::{AIRM_FUNCTIONS, aims_item_for};
use scrm_model::{QuestionLookup, Resolution};

/// Similarity (normalized Levenshtein on token keys) below which no suggestion is offered.
const SUGGEST_MIN_SIMILARITY: f64 = 0.75;

/// Words that only name a framework and are skipped before the structured rules apply
/// (`ai-rmf-`, `ISO/IEC 42001:2023`, `AIMS-`, `Annex`, `Clause`, `CSF`).
const FRAMEWORK_WORDS: &[&str] = &[
    "nist", "ai", "rmf", "airmf", "iso", "iec", "42001", "2023", "aims", "annex", "clause", "csf",
];

/// Cuts an id into lower-case tokens: runs of letters, and numbers whose dots sit between
/// digits (`1.1`, `9.2.1`). Everything after an `@` (a version suffix, as in CoSAI's
/// `MEASURE-2.3@1.0`) is dropped; any other character separates tokens.
pub(crate) fn tokens(raw: &str) -> Vec<String> {
    let folded = scrm_model::fold(raw);
    let without_version = folded.split('@').next().unwrap_or_default();
    let chars: Vec<char> = without_version.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let mut tok = String::new();
            while i < chars.len() {
                let d = chars[i];
                let dot_between_digits = d == '.'
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())
                    && !tok.is_empty();
                if d.is_ascii_digit() || dot_between_digits {
                    tok.push(d);
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(tok);
        } else if c.is_alphabetic() {
            let mut tok = String::new();
            while i < chars.len() && chars[i].is_alphabetic() {
                tok.push(chars[i]);
                i += 1;
            }
            out.push(tok);
        } else {
            i += 1;
        }
    }
    out
}

/// The token key: tokens joined with `-`. Two spellings with the same key name the same id.
pub(crate) fn key(raw: &str) -> String {
    tokens(raw).join("-")
}

/// The tokens after any leading framework words (`ai rmf`, `iso iec 42001 2023`, `csf 2.0`).
pub(crate) fn strip_framework_prefix(tokens: &[String]) -> &[String] {
    let mut rest = tokens;
    let mut prev: Option<&str> = None;
    while let Some((first, tail)) = rest.split_first() {
        let word = first.as_str();
        let skip = FRAMEWORK_WORDS.contains(&word) || (word == "2.0" && prev == Some("csf"));
        if !skip {
            break;
        }
        prev = Some(word);
        rest = tail;
    }
    rest
}

/// `n.m` as two integers (leading zeros ignored); `None` for anything else.
pub(crate) fn two_part_number(tok: &str) -> Option<(u32, u32)> {
    let (a, b) = tok.split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// A dotted number (`10.3`, `9.2.1`, `06.1`) with leading zeros removed; `None` without a dot.
fn dotted_number(tok: &str) -> Option<String> {
    if !tok.contains('.') {
        return None;
    }
    let parts: Option<Vec<u32>> = tok.split('.').map(|p| p.parse().ok()).collect();
    Some(
        parts?
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("."),
    )
}

/// Canonical ids the framework spellings of `raw` would name, most specific first. They are
/// candidates only: the caller keeps the first one the catalog has.
pub(crate) fn structured_candidates(raw: &str) -> Vec<String> {
    let toks = tokens(raw);
    let rest = strip_framework_prefix(&toks);
    let words: Vec<&str> = rest.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    match words.as_slice() {
        // AI RMF: `gv 1.1`, `govern 1.1`.
        [f, n] if two_part_number(n).is_some() && !f.chars().all(|c| c.is_ascii_digit()) => {
            if let Some((code, _)) = AIRM_FUNCTIONS
                .iter()
                .find(|(code, name)| f.eq_ignore_ascii_case(code) || f.eq_ignore_ascii_case(name))
                && let Some((major, minor)) = two_part_number(n)
            {
                out.push(format!("{code}-{major}.{minor}"));
            }
            // ISO Annex A (or its Annex B mirror): `a 10.3`, `b 10.3`.
            if matches!(*f, "a" | "b")
                && let Some(num) = dotted_number(n)
            {
                out.push(format!("AIMS-A.{num}"));
            }
        }
        // CSF 2.0: `gv sc 01`, `gv sc 1`, `gvsc 1`.
        ["gv", "sc", n] | ["gvsc", n] if n.chars().all(|c| c.is_ascii_digit()) => {
            if let Ok(num) = n.parse::<u32>() {
                out.push(format!("GV.SC-{num:02}"));
            }
        }
        // ISO Annex A with a longer number: `a 6.1.2`.
        [f, n] if matches!(*f, "a" | "b") => {
            if let Some(num) = dotted_number(n) {
                out.push(format!("AIMS-A.{num}"));
            }
        }
        // ISO clause, bare: `9.2.1`; sub-clauses also name the item they roll up into.
        [n] => {
            if let Some(num) = dotted_number(n) {
                out.push(format!("AIMS-{num}"));
                if let Some(item) = aims_item_for(&num)
                    && item != num
                {
                    out.push(format!("AIMS-{item}"));
                }
            }
        }
        _ => {}
    }
    out
}

/// A key's characters counted into bins (`a`–`z`, `0`–`9`, `.`, `-`, anything else), with its
/// length in characters. Two counts differ in at least as many places as their bag distance, so
/// `1 - bag / longer length` bounds `strsim::normalized_levenshtein` from above, for some
/// forty additions instead of a distance table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bins {
    counts: [u16; 39],
    chars: usize,
}

impl Bins {
    pub(crate) fn of(s: &str) -> Self {
        let mut counts = [0u16; 39];
        let mut chars = 0;
        for c in s.chars() {
            chars += 1;
            let bin = match c {
                'a'..='z' => c as usize - 'a' as usize,
                '0'..='9' => 26 + (c as usize - '0' as usize),
                '.' => 36,
                '-' => 37,
                _ => 38,
            };
            // Saturating: an undercount only lowers the bag distance, and the bound holds.
            counts[bin] = counts[bin].saturating_add(1);
        }
        Self { counts, chars }
    }

    /// The highest `strsim::normalized_levenshtein` the two keys could have.
    pub(crate) fn similarity_bound(&self, other: &Bins) -> f64 {
        let longer = self.chars.max(other.chars);
        if longer == 0 {
            return 1.0;
        }
        let (mut more, mut fewer) = (0u32, 0u32);
        for (a, b) in self.counts.iter().zip(&other.counts) {
            let (a, b) = (u32::from(*a), u32::from(*b));
            more += a.saturating_sub(b);
            fewer += b.saturating_sub(a);
        }
        1.0 - f64::from(more.max(fewer)) / longer as f64
    }
}

/// The keys a did-you-mean compares with the catalog's: `raw`'s own, and those of the
/// framework spellings it may be.
fn probes(raw: &str) -> Vec<String> {
    let mut probes = vec![key(raw)];
    probes.extend(structured_candidates(raw).iter().map(|c| key(c)));
    probes.retain(|p| !p.is_empty());
    probes
}

impl Catalog {
    /// Index of the entry `raw` names, if any (canonical id, alias or a known spelling).
    pub(crate) fn find_entry(&self, raw: &str) -> Option<usize> {
        if let Some(&i) = self.by_id.get(raw.trim()) {
            return Some(i);
        }
        if let Some(&i) = self.by_key.get(&key(raw)) {
            return Some(i);
        }
        structured_candidates(raw)
            .iter()
            .find_map(|c| self.by_id.get(c.as_str()).copied())
    }

    /// The canonical id closest to `raw`, when one is close enough to be a likely typo.
    ///
    /// A key is measured only when the bound [`Bins`] give could reach the threshold and the
    /// best so far: an unknown id is compared with every key and alias, and a file of distinct
    /// unknown ids (hostile, or a shifted column) spent 25 µs an id in the distances alone.
    pub(crate) fn suggest(&self, raw: &str) -> Option<String> {
        let probes: Vec<(Bins, String)> =
            probes(raw).into_iter().map(|p| (Bins::of(&p), p)).collect();
        let mut best: Option<(f64, usize)> = None;
        for ((k, &i), kb) in self.by_key.iter().zip(&self.key_bins) {
            for (pb, p) in &probes {
                // Ties at the best still count (the earlier question wins), so only a bound
                // below it, or below the threshold, skips the key.
                let floor = best.map_or(SUGGEST_MIN_SIMILARITY, |(s, _)| {
                    s.max(SUGGEST_MIN_SIMILARITY)
                });
                if kb.similarity_bound(pb) < floor {
                    continue;
                }
                let score = strsim::normalized_levenshtein(p, k);
                let better = match best {
                    None => true,
                    // Ties go to the earlier question in catalog order, so output is stable.
                    Some((s, j)) => score > s || (score == s && i < j),
                };
                if better {
                    best = Some((score, i));
                }
            }
        }
        best.filter(|(s, _)| *s >= SUGGEST_MIN_SIMILARITY)
            .map(|(_, i)| self.entries[i].question.id.to_string())
    }
}

impl QuestionLookup for Catalog {
    /// Resolves an id as spelled in the wild. Questions switched off by an overlay still
    /// resolve (answers to them are valid, just not scored).
    fn resolve(&self, raw: &str) -> Resolution {
        match self.find_entry(raw) {
            Some(i) => {
                let q = &self.entries[i].question;
                Resolution::Known(q.id, q.answer)
            }
            None => Resolution::Unknown {
                suggestion: self.suggest(raw),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens ignore case, separators and version suffixes, and keep dotted numbers whole.
    #[test]
    fn tokenizes() {
        let cases: [(&str, &[&str]); 9] = [
            ("GV-1.1", &["gv", "1.1"]),
            ("gv1.1", &["gv", "1.1"]),
            ("ai-rmf-gv-1.1", &["ai", "rmf", "gv", "1.1"]),
            ("MEASURE-2.3@1.0", &["measure", "2.3"]),
            ("GV.SC-01", &["gv", "sc", "01"]),
            ("ISO42001-A.10.3", &["iso", "42001", "a", "10.3"]),
            ("42001-9.2.1", &["42001", "9.2.1"]),
            ("ｇｖ－１．１", &["gv", "1.1"]),
            ("sup_aibom.", &["sup", "aibom"]),
        ];
        for (raw, want) in cases {
            assert_eq!(tokens(raw), want, "raw {raw:?}");
        }
    }

    /// `suggest` as it was, measuring every key: the bound may only skip work.
    fn suggest_measuring_all(c: &Catalog, raw: &str) -> Option<String> {
        let probes = probes(raw);
        let mut best: Option<(f64, usize)> = None;
        for (k, &i) in &c.by_key {
            for p in &probes {
                let score = strsim::normalized_levenshtein(p, k);
                if best.is_none_or(|(s, j)| score > s || (score == s && i < j)) {
                    best = Some((score, i));
                }
            }
        }
        best.filter(|(s, _)| *s >= SUGGEST_MIN_SIMILARITY)
            .map(|(_, i)| c.entries[i].question.id.to_string())
    }

    /// Every third id of the shipped catalog with one character changed, dropped, doubled or
    /// swapped with the next, and some that are nothing like an id: the same suggestion as
    /// measuring every key, and the bound never below a measured similarity.
    #[test]
    fn the_bound_only_skips_keys_that_cannot_win() {
        let c = Catalog::builtin();
        let mut raws: Vec<String> = vec![
            "zzq-123456".into(),
            "".into(),
            "-".into(),
            "GOVERN".into(),
            "A.10.3.1.2".into(),
            "供應商-1".into(),
            "x".repeat(300),
        ];
        for k in c.by_id.keys().step_by(3) {
            let chars: Vec<char> = k.chars().collect();
            for at in 0..chars.len() {
                let mut v = chars.clone();
                v[at] = if v[at] == 'x' { 'y' } else { 'x' };
                raws.push(v.iter().collect());
                let mut v = chars.clone();
                v.remove(at);
                raws.push(v.iter().collect());
                let mut v = chars.clone();
                v.insert(at, chars[at]);
                raws.push(v.iter().collect());
                if at + 1 < chars.len() {
                    let mut v = chars.clone();
                    v.swap(at, at + 1);
                    raws.push(v.iter().collect());
                }
            }
        }
        assert!(raws.len() > 1_000, "{}", raws.len());
        let mut suggested = 0;
        for raw in &raws {
            let got = c.suggest(raw);
            assert_eq!(got, suggest_measuring_all(c, raw), "{raw:?}");
            suggested += usize::from(got.is_some());
            let p = key(raw);
            for k in c.by_key.keys().take(40) {
                let bound = Bins::of(k).similarity_bound(&Bins::of(&p));
                assert!(
                    bound >= strsim::normalized_levenshtein(&p, k),
                    "{p:?} {k:?}"
                );
            }
        }
        assert!(suggested > raws.len() / 2, "{suggested} of {}", raws.len());
    }
}
