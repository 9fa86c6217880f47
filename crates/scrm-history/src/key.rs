//! The store's signing key: with one, each run's summary (`run.json`, which holds the checksum of
//! every other file of the run) carries an HMAC-SHA256 made with it, so that a run changed by
//! someone without the key, or recorded without it, shows when the store is verified or reused
//! with the key. The checksums alone detect damage; the key detects tampering.

use crate::HistoryError;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::path::Path;

/// The prefix of a signature as `run.json` writes it.
const SCHEME: &str = "hmac-sha256:";

/// A history store's signing key: the bytes of a key file, as they are (at least
/// [`StoreKey::MIN_BYTES`]). Never printed.
#[derive(Clone)]
pub struct StoreKey(Vec<u8>);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

impl StoreKey {
    /// The fewest bytes a key may have: HMAC-SHA256's own output size, as RFC 2104 advises.
    pub const MIN_BYTES: usize = 32;

    /// A key of these bytes, or why they cannot be one.
    pub fn new(bytes: Vec<u8>) -> Result<Self, String> {
        if bytes.len() < Self::MIN_BYTES {
            return Err(format!(
                "a key has at least {} bytes, this one {} (make one with `head -c 32 /dev/urandom > KEY` and keep it where only the nightly job and the auditors read it)",
                Self::MIN_BYTES,
                bytes.len()
            ));
        }
        Ok(Self(bytes))
    }

    /// The most a key file may hold: a key is a few dozen bytes, and `/dev/zero` named by
    /// mistake must not fill the memory.
    pub const MAX_BYTES: u64 = 4096;

    /// The key in the file at `path`: every byte of it, a final line break included.
    pub fn from_file(path: &Path) -> Result<Self, HistoryError> {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(Self::MAX_BYTES + 1).read_to_end(&mut bytes))
            .map_err(HistoryError::io(path))?;
        if bytes.len() as u64 > Self::MAX_BYTES {
            return Err(HistoryError::BadKey {
                path: path.to_path_buf(),
                problem: format!("larger than {} bytes: not a key file", Self::MAX_BYTES),
            });
        }
        Self::new(bytes).map_err(|problem| HistoryError::BadKey {
            path: path.to_path_buf(),
            problem,
        })
    }

    fn mac(&self, bytes: &[u8]) -> Hmac<Sha256> {
        // HMAC takes a key of any length: this cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(bytes);
        mac
    }

    /// The signature of `bytes`: `hmac-sha256:<64 hex>`.
    pub(crate) fn sign(&self, bytes: &[u8]) -> String {
        format!(
            "{SCHEME}{}",
            hex::encode(self.mac(bytes).finalize().into_bytes())
        )
    }

    /// Whether `signature` is this key's of `bytes` (compared in constant time).
    pub(crate) fn verifies(&self, bytes: &[u8], signature: &str) -> bool {
        signature
            .strip_prefix(SCHEME)
            .and_then(|h| hex::decode(h).ok())
            .is_some_and(|tag| self.mac(bytes).verify_slice(&tag).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_and_refuses_short_keys() {
        let k = StoreKey::new(vec![7; 32]).unwrap_or_else(|e| panic!("{e}"));
        let s = k.sign(b"run");
        assert!(s.starts_with("hmac-sha256:") && s.len() == 12 + 64, "{s}");
        assert!(k.verifies(b"run", &s));
        assert!(!k.verifies(b"run!", &s));
        let other = StoreKey::new(vec![8; 32]).unwrap_or_else(|e| panic!("{e}"));
        assert!(!other.verifies(b"run", &s));
        assert!(!k.verifies(b"run", "hmac-sha256:zz"));
        assert!(StoreKey::new(vec![7; 31]).is_err());
        assert_eq!(format!("{k:?}"), "StoreKey(..)");
        // RFC 4231, test case 2 ("Jefe"), padded out: the scheme is standard HMAC-SHA256.
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap_or_else(|_| unreachable!());
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
