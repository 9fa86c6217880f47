//! The plan of action and milestones: an item per finding to resolve.

use crate::document::{LIST_DEPTH, back_matter, fragment, metadata, per_vendor};
use crate::ids::Ids;
use crate::model::{self, Observation, Poam, PoamDocument, PoamItem, Risk};
use crate::vendor::VendorParts;
use crate::{Assessment, OscalError, to_json};
use serde_json::value::RawValue;
use std::collections::HashSet;

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
    let shares = per_vendor(a, &ids, |_, p| poam_share(p))
        .into_iter()
        .flatten()
        .collect();
    poam_document(a, &ids, shares)
}

/// [`poam`] as JSON, the same bytes as [`to_json`] of it, each supplier's share serialized on
/// its own core.
pub fn poam_json(a: &Assessment<'_>) -> Result<Vec<u8>, OscalError> {
    let ids = Ids::for_run(a.manifest);
    type Raw = Box<RawValue>;
    let serialize = |s: PoamShare<Observation, Risk, PoamItem>| -> Result<PoamShare<Raw, Raw, Raw>, OscalError> {
        Ok(PoamShare {
            party: s.party,
            observations: s
                .observations
                .iter()
                .map(|o| fragment(o, LIST_DEPTH))
                .collect::<Result<_, _>>()?,
            risk: s.risk.as_ref().map(|k| fragment(k, LIST_DEPTH)).transpose()?,
            items: s
                .items
                .iter()
                .map(|i| fragment(i, LIST_DEPTH))
                .collect::<Result<_, _>>()?,
        })
    };
    let shares = per_vendor(a, &ids, |_, p| poam_share(p).map(serialize).transpose())
        .into_iter()
        .filter_map(Result::transpose)
        .collect::<Result<Vec<_>, _>>()?;
    to_json(&poam_document(a, &ids, shares)?)
}
