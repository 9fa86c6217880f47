//! `scrm explain` and `scrm plan`: one supplier at a time.

use crate::cli::{ExplainArgs, ExplainView, PlanArgs, TextFormat};
use crate::context::{self, Loaded};
use crate::output;
use anyhow::{Result, anyhow, bail};
use scrm_catalog::Catalog;
use scrm_model::{
    AnswerValue, Exclusion, QuestionId, QuestionLookup, Resolution, ScoreInput, Vendor, VendorId,
};
use scrm_score::Engine;

/// The vendor `id` of a run that kept every vendor (`scrm fill`), or an error naming the
/// closest id.
pub(crate) fn find<'l>(l: &'l Loaded, id: &str) -> Result<&'l Vendor> {
    let vid = VendorId::new(id).ok_or_else(|| anyhow!("vendor id is blank"))?;
    let Some(v) = l.ingested.vendors.iter().find(|v| v.id() == &vid) else {
        let ids: Vec<&str> = l.ingested.vendors.iter().map(|v| v.id().as_str()).collect();
        return Err(not_read(id, &ids));
    };
    Ok(v)
}

/// No vendor `id` among `ids` (those read): the error, naming the closest id.
fn not_read(id: &str, ids: &[&str]) -> anyhow::Error {
    // The same id in another case, else one edit or swap away (two for long ids): wider
    // would suggest an arbitrary neighbour among numbered ids such as V-0001 … V-0999.
    let folded = id.to_lowercase();
    let close = ids
        .iter()
        .find(|c| c.to_lowercase() == folded)
        .map(|c| (0, *c))
        .or_else(|| {
            let max = if id.chars().count() >= 10 { 2 } else { 1 };
            ids.iter()
                .map(|c| (strsim::damerau_levenshtein(id, c), *c))
                .filter(|(d, _)| *d <= max)
                .min()
        });
    // The ids are suppliers' text (and the argument may be pasted from it): shown with their
    // control characters escaped, so an id cannot drive the terminal.
    let shown = |s: &str| scrm_model::safe::escape_controls(s, false).into_owned();
    let hint = close
        .map(|(_, c)| format!("; did you mean `{}`?", shown(c)))
        .unwrap_or_default();
    let n = ids.len();
    let noun = if n == 1 { "vendor" } else { "vendors" };
    anyhow!(
        "no vendor `{}` in the inputs ({n} {noun} read){hint}",
        shown(id)
    )
}

/// One vendor of the inputs, read as the whole portfolio is (the same problems, counts and
/// manifest) but the only one kept whole: the others leave their ids alone, for the error that
/// names the closest, so that explaining one supplier of a large portfolio holds one
/// supplier's answers, not every supplier's.
pub(crate) struct One {
    pub l: Loaded,
    pub vendor: Vendor,
    pub exclusions: Vec<Exclusion>,
    /// How many vendors were read.
    pub read: usize,
}

/// The inputs read for the vendor `id` ([`read_one`]), before it is looked for: a blank or
/// unknown id is an error only once the inputs were read, their problems reported and their
/// rejects written, and (for `explain` and `plan`) `--lang` checked, as when every vendor was
/// kept.
pub(crate) struct ReadOne {
    l: Loaded,
    found: Option<(Vendor, Vec<Exclusion>)>,
    ids: Vec<VendorId>,
}

/// Reads `input`, keeping whole only the vendor `id` (none when `id` is blank).
pub(crate) fn read_one(
    input: &crate::cli::InputArgs,
    rejects_default: Option<std::path::PathBuf>,
    id: &str,
) -> Result<ReadOne> {
    let vid = VendorId::new(id);
    let (l, read) = context::load_map(input, rejects_default, |_, _, _| {
        let vid = vid.as_ref();
        Ok(move |v: scrm_ingest::ReadVendor<'_>, ex: &[&Exclusion]| {
            let this = v.profile().vendor_id.clone();
            let kept = (Some(&this) == vid)
                .then(|| (v.into_vendor(), ex.iter().map(|e| (*e).clone()).collect()));
            (this, kept)
        })
    })?;
    let mut ids = Vec::with_capacity(read.len());
    let mut found = None;
    // Vendor ids are unique among those read: at most one is kept.
    for (this, kept) in read {
        found = found.or(kept);
        ids.push(this);
    }
    Ok(ReadOne { l, found, ids })
}

impl One {
    /// The vendor's exclusion entries, as the engine takes them.
    pub(crate) fn exclusion_refs(&self) -> Vec<&Exclusion> {
        self.exclusions.iter().collect()
    }
}

impl ReadOne {
    /// The vendor `id` ([`One`]), or an error: the id is blank, or no vendor read has it (the
    /// closest named).
    pub(crate) fn one(self, id: &str) -> Result<One> {
        VendorId::new(id).ok_or_else(|| anyhow!("vendor id is blank"))?;
        let read = self.ids.len();
        let Some((vendor, exclusions)) = self.found else {
            let ids: Vec<&str> = self.ids.iter().map(VendorId::as_str).collect();
            return Err(not_read(id, &ids));
        };
        Ok(One {
            l: self.l,
            vendor,
            exclusions,
            read,
        })
    }
}

/// Runs `scrm explain`.
pub fn explain(e: &ExplainArgs) -> Result<u8> {
    let a = &e.vendor;
    // In the order of reading every vendor: the inputs, the language, then the vendor.
    let read = read_one(&a.input, None, &a.vendor)?;
    let lang = context::lang(&a.lang)?;
    let one = read.one(&a.vendor)?;
    let (l, v) = (&one.l, &one.vendor);
    let ex = one.exclusion_refs();
    let engine = Engine::new(&l.catalog, &l.policy, l.as_of);
    let x = engine.explain(v, &ex);
    match e.view {
        ExplainView::Questions => output::emit(
            a.format,
            || scrm_report::render_explanation_text(&x, l.catalog.questions(), lang),
            &x,
        )?,
        ExplainView::Governance => {
            let view = scrm_score::governance_view(&x, l.catalog.questions());
            output::emit(
                a.format,
                || scrm_report::render_governance_text(&x, &view, lang),
                &view,
            )?
        }
        ExplainView::Risks => {
            let view = engine.risk_view(v);
            output::emit(
                a.format,
                || scrm_report::render_risk_text(&x, &view, lang),
                &view,
            )?
        }
    }
    Ok(0)
}

fn parse_set(catalog: &Catalog, s: &str) -> Result<(QuestionId, AnswerValue)> {
    let (q, v) = s
        .split_once('=')
        .ok_or_else(|| anyhow!("--set '{s}': expected QUESTION=ANSWER, e.g. GV-6.1=3"))?;
    let (id, spec) = match catalog.resolve(q) {
        Resolution::Known(id, spec) => (id, spec),
        Resolution::Unknown { suggestion } => {
            let hint = suggestion
                .map(|x| format!("; did you mean `{x}`?"))
                .unwrap_or_default();
            bail!("--set '{s}': '{q}' is not a question in the catalog{hint}");
        }
    };
    let value = AnswerValue::parse(v).map_err(|e| anyhow!("--set '{s}': {e}"))?;
    if !spec.kind.accepts(value, spec.na_allowed) {
        bail!(
            "--set '{s}': {id} takes {}",
            spec.kind.valid_values(spec.na_allowed).join(", ")
        );
    }
    Ok((id, value))
}

/// Runs `scrm plan` (or the free what-if with `--set`).
pub fn plan(a: &PlanArgs) -> Result<u8> {
    let va = &a.vendor;
    // In the order of reading every vendor: the inputs, the language, then the vendor.
    let read = read_one(&va.input, None, &va.vendor)?;
    let lang = context::lang(&va.lang)?;
    let one = read.one(&va.vendor)?;
    let (l, v) = (&one.l, &one.vendor);
    let ex = one.exclusion_refs();
    let engine = Engine::new(&l.catalog, &l.policy, l.as_of);
    if a.set.is_empty() {
        let p = engine.plan(v, &ex);
        output::emit(
            va.format,
            || scrm_report::render_plan_text(&p, l.catalog.questions(), lang),
            &p,
        )?;
        return Ok(0);
    }
    let changes = a
        .set
        .iter()
        .map(|s| parse_set(&l.catalog, s))
        .collect::<Result<Vec<_>>>()?;
    let before = engine.score(v, &ex);
    let after = engine.what_if(v, &changes, &ex);
    match va.format {
        TextFormat::Json => {
            let j = serde_json::json!({ "changes": changes.iter().map(|(q, a)| serde_json::json!({"question": q, "answer": a.canonical()})).collect::<Vec<_>>(), "before": before, "after": after });
            output::print(&(serde_json::to_string_pretty(&j)? + "\n"))?;
        }
        TextFormat::Human => {
            let changed: Vec<(QuestionId, AnswerValue, AnswerValue)> = changes
                .iter()
                .map(|(q, to)| {
                    let from = v
                        .answers
                        .get(q)
                        .map_or(AnswerValue::Unanswered, |x| x.value);
                    (*q, from, *to)
                })
                .collect();
            let s = scrm_report::render_what_if_text(&changed, &before, &after, lang);
            output::print(&s)?;
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::not_read;

    /// A supplier's id suggested for a mistyped one cannot drive the terminal.
    #[test]
    fn the_suggestion_is_inert() {
        let e = not_read("V-00c", &["V-00\u{1b}c", "V-0001"]).to_string();
        assert_eq!(
            e,
            "no vendor `V-00c` in the inputs (2 vendors read); did you mean `V-00\\u{1b}c`?"
        );
    }
}
