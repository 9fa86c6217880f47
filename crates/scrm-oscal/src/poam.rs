//! The plan of action and milestones: an item per finding to resolve.

use crate::document::{
    CHUNK, LIST_DEPTH, back_matter, fragment, marker, metadata, per_vendor, sorted, write_spliced,
};
use crate::ids::Ids;
use crate::model::{self, Observation, Poam, PoamDocument, PoamItem, Risk};
use crate::vendor;
use crate::vendor::VendorParts;
use crate::{Assessment, OscalError, to_json};
use rayon::prelude::*;
use scrm_model::{Severity, Status, VendorResult};
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::io::Write;

/// One supplier's share of the POA&M: its party, the observations its items and risk cite,
/// its risk and its items; `None` when it has nothing to resolve.
struct PoamShare<O, K, I> {
    party: model::Party,
    observations: Vec<O>,
    risk: Option<K>,
    items: Vec<I>,
}

fn poam_share(p: VendorParts) -> Option<PoamShare<Observation, Risk, PoamItem>> {
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

/// The POA&M document around the suppliers' shares, however they are held.
fn poam_document<O, K, I>(
    a: &Assessment<'_>,
    ids: &Ids,
    shares: Vec<PoamShare<O, K, I>>,
) -> Result<PoamDocument<O, K, I>, OscalError> {
    let mut parties = Vec::new();
    let (mut observations, mut risks, mut items) = (Vec::new(), Vec::new(), Vec::new());
    for s in shares {
        parties.push(s.party);
        observations.extend(s.observations);
        risks.extend(s.risk);
        items.extend(s.items);
    }
    if items.is_empty() {
        return Err(OscalError::NothingToResolve);
    }
    let title = format!(
        "Supplier AI security plan of action and milestones, as of {}",
        a.manifest.as_of
    );
    Ok(PoamDocument {
        poam: Poam {
            uuid: ids.of("poam", &[]),
            metadata: metadata(a, title, parties),
            observations,
            risks,
            poam_items: items,
            back_matter: back_matter(a, ids),
        },
    })
}

/// The plan of action and milestones: an item per warning or denial (suppliers by vendor id),
/// the observations behind them, and a risk per supplier at risk or excluded whose remediation
/// is scrm's improvement plan (or the hard gate to resolve).
///
/// Fails with [`OscalError::NothingToResolve`] when no supplier has anything to resolve: OSCAL
/// requires a POA&M to hold an item.
pub fn poam(a: &Assessment<'_>) -> Result<PoamDocument, OscalError> {
    let ids = Ids::for_run(a.manifest);
    let shares = per_vendor(a, &ids, &sorted(a), |_, p| poam_share(p))
        .into_iter()
        .flatten()
        .collect();
    poam_document(a, &ids, shares)
}

/// [`poam`] written as JSON to `out`: the same bytes as [`to_json`] of it, made a chunk of
/// suppliers at a time, each supplier's share on its own core, so the document is never held
/// whole. Its three lists (observations, risks, items) are written one after the other, each
/// from the suppliers' parts made again: less work than holding two of them.
pub fn write_poam(a: &Assessment<'_>, out: &mut dyn Write) -> Result<(), OscalError> {
    let ids = Ids::for_run(a.manifest);
    let results = sorted(a);
    let flagged = |r: &VendorResult| matches!(r.status, Status::AtRisk | Status::Excluded);
    let to_resolve = |r: &VendorResult| r.findings.iter().any(|f| f.severity >= Severity::Warn);
    // A supplier with a risk has a denial, so an item: the shares are the suppliers with items,
    // and each item cites its observation.
    let concerned: Vec<&VendorResult> = results.iter().copied().filter(|r| to_resolve(r)).collect();
    if concerned.is_empty() {
        return Err(OscalError::NothingToResolve);
    }
    let any_risk = concerned.iter().any(|r| flagged(r));
    let parties = concerned.par_iter().map(|r| vendor::party(r)).collect();
    // The skeleton's lists, in document order: observations, risks (when any), items.
    let lists: Vec<usize> = if any_risk { vec![0, 1, 2] } else { vec![0, 2] };
    let mut places = lists.iter().map(|k| marker(*k).map(|m| vec![m]));
    let (observations, risks, items) = (
        places.next().transpose()?.unwrap_or_default(),
        if any_risk {
            places.next().transpose()?.unwrap_or_default()
        } else {
            Vec::new()
        },
        places.next().transpose()?.unwrap_or_default(),
    );
    let mut doc = poam_document(
        a,
        &ids,
        vec![PoamShare {
            party: vendor::party(concerned[0]),
            observations,
            risk: risks.into_iter().next(),
            items,
        }],
    )?;
    doc.poam.metadata.parties = parties;
    let skeleton = to_json(&doc)?;
    write_spliced(out, &skeleton, &lists, &mut |which, list| {
        for chunk in concerned.chunks(CHUNK) {
            let parts = per_vendor(
                a,
                &ids,
                chunk,
                |_, p| -> Result<Vec<Box<RawValue>>, OscalError> {
                    let Some(s) = poam_share(p) else {
                        return Ok(Vec::new());
                    };
                    match which {
                        0 => s
                            .observations
                            .iter()
                            .map(|o| fragment(o, LIST_DEPTH))
                            .collect(),
                        1 => s.risk.iter().map(|r| fragment(r, LIST_DEPTH)).collect(),
                        _ => s.items.iter().map(|i| fragment(i, LIST_DEPTH)).collect(),
                    }
                },
            );
            for part in parts {
                for element in part? {
                    list.push(&element)?;
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
