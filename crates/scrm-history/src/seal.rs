//! Sealing a small record of the store (the head, a prune-log line): its checksum over its
//! canonical JSON and, with the store's key, its signature, each leaving out the fields that
//! hold them; and checking a record read back against both. One implementation, so the head and
//! the prune log cannot seal differently. A record signed with an Ed25519 key names it in a field
//! of its own (`head_key_id`, `entry_key_id`), set by its maker before it is sealed, so the
//! signature covers it.

use crate::StoreKey;
use crate::store::{bytes_checksum, canonical_json};
use serde_json::Value;

/// The signature (with `key`) and the checksum of `record`, whose `sig` and `sum` fields are
/// not yet set: the signature covers the record without both, the checksum the record with
/// the signature and without itself.
pub(crate) fn seal(
    record: &Value,
    sig: &str,
    sum: &str,
    key: Option<&StoreKey>,
) -> (Option<String>, String) {
    let signature = key.and_then(|k| k.sign(&canonical_json(record, &[sig, sum])));
    let mut signed = record.clone();
    if let (Some(s), Some(fields)) = (&signature, signed.as_object_mut()) {
        fields.insert(sig.to_string(), Value::from(s.clone()));
    }
    (signature, bytes_checksum(&canonical_json(&signed, &[sum])))
}

/// Whether a record read back matches its own checksum (`sum`).
pub(crate) fn sealed(read: &Value, sum: &str) -> bool {
    read[sum]
        .as_str()
        .is_some_and(|c| bytes_checksum(&canonical_json(read, &[sum])) == c)
}

/// Why a record read back does not carry `key`'s signature (`sig`), if it does not; `key_id`
/// names the field where the record names the Ed25519 key that signed it.
pub(crate) fn signature_check(
    read: &Value,
    sig: &str,
    sum: &str,
    key_id: &str,
    key: &StoreKey,
) -> Result<(), crate::SignatureProblem> {
    key.check(
        &canonical_json(read, &[sig, sum]),
        read[sig].as_str(),
        read[key_id].as_str(),
    )
}
