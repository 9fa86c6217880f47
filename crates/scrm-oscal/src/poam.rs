//! The plan of action and milestones: an item per finding to resolve.

use crate::document::{CHUNK, Suppliers, back_matter, element, metadata};
use crate::ids::Ids;
use crate::model::{self, Observation, Poam, PoamDocument, PoamItem, Risk};
use crate::vendor;
use crate::vendor::VendorParts;
use crate::{Assessment, OscalError, to_json};
use rayon::prelude::*;
use scrm_model::splice::{marker, write_spliced};
use scrm_model::{Severity, Status, VendorResult};
use std::collections::HashSet;
use std::io::Write;

/// One supplier's share of the POA&M: its party, the observations its items and risk cite,
/// its risk and its items.
struct PoamShare {
    party: model::Party,
    observations: Vec<Observation>,
    risk: Option<Risk>,
    items: Vec<PoamItem>,
}

/// A supplier's share; `None` when it has nothing to resolve.
fn poam_share(p: VendorParts) -> Option<PoamShare> {
    if p.poam_items.is_empty() && p.risk.is_none() {
        return None;
    }
    // Only the observations an item or a risk points to (not those of exempted findings).
    let cited: HashSet<String> = p
        .poam_items
        .iter()
        .flat_map(|i| &i.related_observations)
        .chain(p.risk.iter().flat_map(|r| &r.related_observations))
        .map(|o| o.observation_uuid.clone())
        .collect();
    Some(PoamShare {
        party: p.party,
        observations: p
            .observations
            .into_iter()
            .filter(|o| cited.contains(&o.uuid))
            .collect(),
        risk: p.risk,
        items: p.poam_items,
    })
}

/// The POA&M document around its parties and lists, however their elements are held (typed, or
/// a marker where they will be written).
fn poam_document<O, K, I>(
    a: &Assessment<'_>,
    ids: &Ids,
    parties: Vec<model::Party>,
    (observations, risks, items): (Vec<O>, Vec<K>, Vec<I>),
) -> PoamDocument<O, K, I> {
    let title = format!(
        "Supplier AI security plan of action and milestones, as of {}",
        a.manifest.as_of
    );
    PoamDocument {
        poam: Poam {
            uuid: ids.of("poam", &[]),
            metadata: metadata(a, title, parties),
            observations,
            risks,
            poam_items: items,
            back_matter: back_matter(a, ids),
        },
    }
}

/// The plan of action and milestones: an item per warning or denial (suppliers by vendor id),
/// the observations behind them, and a risk per supplier at risk or excluded whose remediation
/// is scrm's improvement plan (or the hard gate to resolve).
///
/// Fails as [`check_poam`] says: OSCAL requires a POA&M to hold an item.
pub fn poam(a: &Assessment<'_>) -> Result<PoamDocument, OscalError> {
    check_poam(a)?;
    let s = Suppliers::new(a);
    let mut parties = Vec::new();
    let (mut observations, mut risks, mut items) = (Vec::new(), Vec::new(), Vec::new());
    for share in s
        .parts(&s.results, |_, p| poam_share(p))
        .into_iter()
        .flatten()
    {
        parties.push(share.party);
        observations.extend(share.observations);
        risks.extend(share.risk);
        items.extend(share.items);
    }
    if items.is_empty() {
        return Err(OscalError::NothingToResolve);
    }
    Ok(poam_document(
        a,
        &s.ids,
        parties,
        (observations, risks, items),
    ))
}

/// Whether a supplier has something to resolve, so items in the POA&M.
fn concerned(r: &VendorResult) -> bool {
    r.findings.iter().any(|f| f.severity >= Severity::Warn)
}

/// Whether a POA&M of `a` can be written: [`OscalError::NoSupplier`] when there are no
/// results, [`OscalError::NothingToResolve`] when no supplier has anything to resolve. Cheap,
/// so a caller can refuse before it opens its output.
pub fn check_poam(a: &Assessment<'_>) -> Result<(), OscalError> {
    if a.results.is_empty() {
        return Err(OscalError::NoSupplier);
    }
    if !a.results.iter().any(concerned) {
        return Err(OscalError::NothingToResolve);
    }
    Ok(())
}

/// The marker ids of the POA&M's three lists.
const OBSERVATIONS: usize = 0;
const RISKS: usize = 1;
const ITEMS: usize = 2;

/// [`poam`] written as JSON to `out`: the same bytes as [`to_json`] of it, made a chunk of
/// suppliers at a time, each supplier's share on its own core, so the document is never held
/// whole. Its three lists (observations, risks, items) are written one after the other, each
/// from the suppliers' parts made again: less work than holding two of them.
pub fn write_poam(a: &Assessment<'_>, out: &mut dyn Write) -> Result<(), OscalError> {
    let s = Suppliers::new(a);
    // A supplier with a risk has a denial, so an item: the suppliers concerned are those with
    // items, and each item cites its observation.
    check_poam(a)?;
    let concerned: Vec<&VendorResult> =
        s.results.iter().copied().filter(|r| concerned(r)).collect();
    let any_risk = concerned
        .iter()
        .any(|r| matches!(r.status, Status::AtRisk | Status::Excluded));
    let lists: &[usize] = if any_risk {
        &[OBSERVATIONS, RISKS, ITEMS]
    } else {
        &[OBSERVATIONS, ITEMS]
    };
    let parties = concerned.par_iter().map(|r| vendor::party(r)).collect();
    let places = (
        vec![marker(OBSERVATIONS)?],
        if any_risk {
            vec![marker(RISKS)?]
        } else {
            vec![]
        },
        vec![marker(ITEMS)?],
    );
    let skeleton = to_json(&poam_document(a, &s.ids, parties, places))?;
    write_spliced(out, &skeleton, lists, &mut |list_id, list| {
        for chunk in concerned.chunks(CHUNK) {
            let texts = s.parts(chunk, |_, p| -> Result<Vec<String>, OscalError> {
                let Some(share) = poam_share(p) else {
                    return Ok(Vec::new());
                };
                match list_id {
                    OBSERVATIONS => share.observations.iter().map(element).collect(),
                    RISKS => share.risk.iter().map(element).collect(),
                    _ => share.items.iter().map(element).collect(),
                }
            });
            for share in texts {
                for text in share? {
                    list.push(&text)?;
                }
            }
        }
        Ok(())
    })
}

/// [`write_poam`] into memory.
pub fn poam_json(a: &Assessment<'_>) -> Result<Vec<u8>, OscalError> {
    let mut out = Vec::new();
    write_poam(a, &mut out)?;
    Ok(out)
}
