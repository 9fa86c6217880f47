//! The store's signing key: with one, each run's summary (`run.json`, which holds the checksum of
//! every other file of the run) carries a signature made with it, so that a run changed by
//! someone without the key, or recorded without it, shows when the store is verified or reused
//! with the key. The checksums alone detect damage; the key detects tampering.
//!
//! A key is one of three kinds, told from the key file's content (never its name):
//! - a shared secret (any other file of at least 32 bytes, used as it is): HMAC-SHA256, which
//!   signs and verifies, so whoever can verify the store can also forge it;
//! - an Ed25519 private key (PKCS#8 PEM, `BEGIN PRIVATE KEY`, as `openssl genpkey -algorithm
//!   ed25519` writes it): signs and verifies;
//! - an Ed25519 public key (SPKI PEM, `BEGIN PUBLIC KEY`, as `openssl pkey -pubout` writes it):
//!   verifies only, so a buyer's auditor can check the nightly job's store without being able
//!   to sign it.
//!
//! An Ed25519 signature names its key by a key id ([`StoreKey::key_id`]), so that a store read
//! with another key says whose signature it carries rather than only that it does not verify.

use crate::HistoryError;
use ed25519_dalek::pkcs8::spki::der;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The prefix of an HMAC signature as the store writes it.
const HMAC: &str = "hmac-sha256:";
/// The prefix of an Ed25519 signature as the store writes it.
const ED25519: &str = "ed25519:";

/// A history store's key: a shared secret, an Ed25519 private key or an Ed25519 public key
/// (the module's doc), and the older keys that verify what was signed before a rotation
/// ([`StoreKey::also_verifying`]). Never printed.
#[derive(Clone)]
pub struct StoreKey {
    kind: Kind,
    /// Keys that verify records signed before this one took over; none of them signs.
    older: Vec<Kind>,
}

#[derive(Clone)]
enum Kind {
    /// The bytes of a key file, as they are (at least [`StoreKey::MIN_BYTES`]).
    Secret(Vec<u8>),
    /// Boxed: the signing key holds its expanded form, ten times the other kinds' size.
    Private(Box<SigningKey>),
    Public(VerifyingKey),
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

/// A signature scheme of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// HMAC-SHA256 with a shared secret (`hmac-sha256:<64 hex>`).
    HmacSha256,
    /// Ed25519, RFC 8032 (`ed25519:<128 hex>`).
    Ed25519,
}

impl Scheme {
    /// Its name, as signatures write it before the colon.
    pub fn name(self) -> &'static str {
        match self {
            Self::HmacSha256 => "hmac-sha256",
            Self::Ed25519 => "ed25519",
        }
    }
}

/// Why a record's signature does not verify with the key given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum SignatureProblem {
    /// The record carries no signature, or (with a shared secret) one that does not verify:
    /// HMAC cannot tell a record signed with another secret from one changed since.
    NotSigned,
    /// Signed with the other scheme than the key given's.
    OtherScheme {
        /// The scheme the record's signature names (as written, when it is none of the store's).
        found: String,
        /// The key given's.
        expected: Scheme,
    },
    /// Signed by another Ed25519 key than the one given.
    OtherKey {
        /// The key id the record names.
        found: String,
        /// The key id of the key given.
        expected: String,
    },
    /// The record names the key given (or no key) and carries an Ed25519 signature that does
    /// not verify with it: the record was changed since it was signed (or, naming no key, it
    /// may be another key's signature: the key id is what tells them apart).
    Invalid {
        /// The key id of the key given.
        key: String,
        /// Whether the record names that key (false: it names none, its key id field removed).
        named: bool,
    },
}

impl std::fmt::Display for SignatureProblem {
    /// A predicate, after the record's name ("run X ...", "head.json ...").
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let esc = |s: &str| scrm_model::safe::escape_controls(s, false).into_owned();
        match self {
            Self::NotSigned => f.write_str("does not carry the store key's signature"),
            Self::OtherScheme { found, expected } => write!(
                f,
                "is signed with {} and the key given is {}: verify it with the kind of key it was signed with",
                scheme_words(&esc(found)),
                match expected {
                    Scheme::HmacSha256 => "a shared secret (hmac-sha256)",
                    Scheme::Ed25519 => "an Ed25519 key",
                }
            ),
            Self::OtherKey { found, expected } => write!(
                f,
                "is signed by Ed25519 key {}, not by the key given ({})",
                short_id(&esc(found)),
                short_id(expected)
            ),
            Self::Invalid { key, named: true } => write!(
                f,
                "names Ed25519 key {} but its signature does not verify with it: changed since it was signed",
                short_id(key)
            ),
            Self::Invalid { key, named: false } => write!(
                f,
                "carries an Ed25519 signature that names no key and does not verify with key {}: changed since it was signed, or signed by another key",
                short_id(key)
            ),
        }
    }
}

/// A scheme found in a signature, in words.
fn scheme_words(found: &str) -> String {
    match found {
        "hmac-sha256" => "a shared secret (hmac-sha256)".into(),
        "ed25519" => "an Ed25519 key".into(),
        other => format!("a scheme scrm does not know ({other:?})"),
    }
}

/// The first 16 hex of a key id, as texts show it (the JSON outputs and the files keep it whole).
pub fn short_id(id: &str) -> &str {
    id.get(..16).unwrap_or(id)
}

/// A private key written by [`StoreKey::write_new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    /// The private key's file (PKCS#8 PEM, mode 0600 on unix).
    pub private: PathBuf,
    /// Its public key's file (SPKI PEM) beside it.
    pub public: PathBuf,
    /// The key id ([`StoreKey::key_id`]).
    pub key_id: String,
}

impl StoreKey {
    /// The fewest bytes a shared secret may have: HMAC-SHA256's own output size, as RFC 2104
    /// advises.
    pub const MIN_BYTES: usize = 32;

    /// The most a key file may hold: a key is a few dozen bytes (a PEM key, about 120), and
    /// `/dev/zero` named by mistake must not fill the memory.
    pub const MAX_BYTES: u64 = 4096;

    /// A shared secret of these bytes, or why they cannot be one.
    pub fn new(bytes: Vec<u8>) -> Result<Self, String> {
        if bytes.len() < Self::MIN_BYTES {
            return Err(format!(
                "a key has at least {} bytes, this one {} (make one with `head -c 32 /dev/urandom > KEY` and keep it where only the nightly job and the auditors read it)",
                Self::MIN_BYTES,
                bytes.len()
            ));
        }
        Ok(Self::of(Kind::Secret(bytes)))
    }

    /// The key in the file at `path`: an Ed25519 key when the file is PEM (it starts with
    /// `-----BEGIN `), and otherwise a shared secret, every byte of it, a final line break
    /// included.
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
        let key = if Self::is_pem(&bytes) {
            Self::from_pem(&bytes)
        } else {
            Self::new(bytes)
        };
        key.map_err(|problem| HistoryError::BadKey {
            path: path.to_path_buf(),
            problem,
        })
    }

    /// Whether a key file's bytes are PEM. Secrets kept from before Ed25519 keys were read are
    /// random bytes (or text made from them), which never start so; a file that does is read as
    /// PEM whatever its label, and one that is not an Ed25519 key is refused with its label.
    fn is_pem(bytes: &[u8]) -> bool {
        bytes.trim_ascii_start().starts_with(b"-----BEGIN ")
    }

    /// The Ed25519 key in PEM text: a PKCS#8 private key or an SPKI public key, or why the text
    /// is neither.
    pub fn from_pem(bytes: &[u8]) -> Result<Self, String> {
        let text = std::str::from_utf8(bytes.trim_ascii())
            .map_err(|_| "a PEM file that is not text".to_string())?;
        let label = der::pem::decode_label(text.as_bytes())
            .map_err(|e| format!("a file that starts as PEM but does not read as PEM ({e})"))?;
        match label {
            "PRIVATE KEY" => SigningKey::from_pkcs8_pem(text)
                .map(|k| Self::of(Kind::Private(Box::new(k))))
                .map_err(|e| match e {
                    ed25519_dalek::pkcs8::Error::PublicKey(
                        ed25519_dalek::pkcs8::spki::Error::OidUnknown { .. },
                    ) => not_ed25519("private", algorithm(text, true)),
                    e => format!("not a readable Ed25519 private key (PKCS#8): {e}"),
                }),
            "PUBLIC KEY" => VerifyingKey::from_public_key_pem(text)
                .map(|k| Self::of(Kind::Public(k)))
                .map_err(|e| match e {
                    ed25519_dalek::pkcs8::spki::Error::OidUnknown { .. } => {
                        not_ed25519("public", algorithm(text, false))
                    }
                    e => format!("not a readable Ed25519 public key (SPKI): {e}"),
                }),
            "ENCRYPTED PRIVATE KEY" => Err(
                "an encrypted private key: scrm reads unencrypted PKCS#8 keys only (`openssl pkey -in KEY -out PLAIN` decrypts it; keep the plain key where only the nightly job reads it)".into(),
            ),
            other => Err(format!(
                "a PEM file labelled {other:?}: a store key is an Ed25519 private key (`BEGIN PRIVATE KEY`, PKCS#8: `openssl genpkey -algorithm ed25519`), its public key (`BEGIN PUBLIC KEY`: `openssl pkey -pubout`), or a secret of at least {} bytes",
                Self::MIN_BYTES
            )),
        }
    }

    /// A new Ed25519 private key, its 32 bytes from the operating system's generator.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut seed = der::zeroize::Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut())?;
        Ok(Self::of(Kind::Private(Box::new(SigningKey::from_bytes(
            &seed,
        )))))
    }

    /// Writes a new Ed25519 private key ([`StoreKey::generate`]) to `path` (PKCS#8 PEM as
    /// openssl writes it, readable by its owner only on unix) and its public key beside it
    /// ([`public_path`]). Neither file may exist: a key is never overwritten.
    pub fn write_new(path: &Path) -> Result<NewKey, HistoryError> {
        let public = public_path(path);
        for p in [path, &public] {
            if p.symlink_metadata().is_ok() {
                return Err(HistoryError::io(p)(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "already exists: a key is never overwritten (name another file)",
                )));
            }
        }
        let key = Self::generate().map_err(|e| {
            HistoryError::io(path)(std::io::Error::other(format!(
                "the operating system's random generator failed: {e}"
            )))
        })?;
        let (Kind::Private(signing), Some(key_id)) = (&key.kind, key.key_id()) else {
            unreachable!("a generated key is an Ed25519 private key")
        };
        let encoding = |e: ed25519_dalek::pkcs8::Error| {
            HistoryError::io(path)(std::io::Error::other(format!("encoding the key: {e}")))
        };
        // PKCS#8 v1 without the public key, as `openssl genpkey` writes it.
        let private_pem = ed25519_dalek::pkcs8::KeypairBytes {
            secret_key: signing.to_bytes(),
            public_key: None,
        }
        .to_pkcs8_pem(der::pem::LineEnding::LF)
        .map_err(encoding)?;
        let public_pem = signing
            .verifying_key()
            .to_public_key_pem(der::pem::LineEnding::LF)
            .map_err(|e| encoding(e.into()))?;
        write_new_file(path, private_pem.as_bytes(), 0o600)?;
        if let Err(e) = write_new_file(&public, public_pem.as_bytes(), 0o644) {
            // One key or none: a private key whose public half is missing is of no use here.
            let _ = std::fs::remove_file(path);
            return Err(e);
        }
        Ok(NewKey {
            private: path.to_path_buf(),
            public,
            key_id,
        })
    }

    /// The key's signature scheme.
    pub fn scheme(&self) -> Scheme {
        self.kind.scheme()
    }

    /// Whether the key can sign: a shared secret or a private key, not a public key.
    pub fn can_sign(&self) -> bool {
        !matches!(self.kind, Kind::Public(_))
    }

    /// An Ed25519 key's id: the SHA-256 of its public key's 32 bytes (RFC 8032's encoding), 64
    /// hex. None for a shared secret, whose hash would say something of the secret.
    pub fn key_id(&self) -> Option<String> {
        self.kind.key_id()
    }

    /// This key, with `older` keys that verify records signed before it took over (a rotation:
    /// docs/history.md). It alone signs; a record verifies with whichever key it names (an
    /// Ed25519 key by its id, a shared secret by its scheme).
    pub fn also_verifying(mut self, older: impl IntoIterator<Item = StoreKey>) -> Self {
        for k in older {
            self.older.push(k.kind);
            self.older.extend(k.older);
        }
        self
    }

    /// The key in words, for messages: its kind and, for an Ed25519 key, its short id.
    pub fn describe(&self) -> String {
        match (&self.kind, self.key_id()) {
            (Kind::Private(_), Some(id)) => format!("Ed25519 private key {}", short_id(&id)),
            (Kind::Public(_), Some(id)) => format!("Ed25519 public key {}", short_id(&id)),
            _ => "shared secret (hmac-sha256)".into(),
        }
    }

    fn of(kind: Kind) -> Self {
        Self {
            kind,
            older: Vec::new(),
        }
    }

    fn mac(secret: &[u8], bytes: &[u8]) -> Hmac<Sha256> {
        // HMAC takes a key of any length: this cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(bytes);
        mac
    }

    /// The signature of `bytes`: `hmac-sha256:<64 hex>` or `ed25519:<128 hex>`; `None` with a
    /// public key, which cannot sign (whatever signs refuses one first: [`StoreKey::can_sign`]).
    pub(crate) fn sign(&self, bytes: &[u8]) -> Option<String> {
        match &self.kind {
            Kind::Secret(s) => Some(format!(
                "{HMAC}{}",
                hex::encode(Self::mac(s, bytes).finalize().into_bytes())
            )),
            Kind::Private(k) => Some(format!(
                "{ED25519}{}",
                hex::encode(k.sign(bytes).to_bytes())
            )),
            Kind::Public(_) => None,
        }
    }

    /// Whether `signature` is this key's of `bytes` (an HMAC compared in constant time).
    #[cfg(test)]
    fn verifies(&self, bytes: &[u8], signature: &str) -> bool {
        self.check(bytes, Some(signature), None).is_ok()
    }

    /// Checks a record's `signature` of `bytes`, where the record names `key_id` as its signer:
    /// why it does not verify with this key (or an older one), if it does not.
    pub(crate) fn check(
        &self,
        bytes: &[u8],
        signature: Option<&str>,
        key_id: Option<&str>,
    ) -> Result<(), SignatureProblem> {
        self.signer(bytes, signature, key_id).map(|_| ())
    }

    /// Like [`StoreKey::check`], giving the key id of the Ed25519 key the record verifies with
    /// (none for a shared secret). When no key verifies it, the problem told is the one of the
    /// key that comes nearest: one the record names (its signature changed) before a shared
    /// secret it does not verify with, before another key's or scheme's; this key's first.
    pub(crate) fn signer(
        &self,
        bytes: &[u8],
        signature: Option<&str>,
        key_id: Option<&str>,
    ) -> Result<Option<String>, SignatureProblem> {
        let mut nearest: Option<SignatureProblem> = None;
        for kind in std::iter::once(&self.kind).chain(&self.older) {
            match kind.check(bytes, signature, key_id) {
                Ok(()) => return Ok(kind.key_id()),
                Err(p) if nearest.as_ref().is_none_or(|n| p.rank() < n.rank()) => {
                    nearest = Some(p);
                }
                Err(_) => {}
            }
        }
        Err(nearest.unwrap_or(SignatureProblem::NotSigned))
    }
}

impl SignatureProblem {
    /// How near the key was to the record's signature (lower: nearer), to tell the nearest of
    /// several keys' problems.
    fn rank(&self) -> u8 {
        match self {
            Self::Invalid { .. } => 0,
            Self::NotSigned => 1,
            Self::OtherKey { .. } => 2,
            Self::OtherScheme { .. } => 3,
        }
    }
}

impl Kind {
    fn scheme(&self) -> Scheme {
        match self {
            Kind::Secret(_) => Scheme::HmacSha256,
            Kind::Private(_) | Kind::Public(_) => Scheme::Ed25519,
        }
    }

    fn key_id(&self) -> Option<String> {
        self.verifying().map(|public| id_of(&public))
    }

    /// An Ed25519 key's public half (a private key's derived); none for a shared secret.
    fn verifying(&self) -> Option<VerifyingKey> {
        match self {
            Kind::Secret(_) => None,
            Kind::Private(k) => Some(k.verifying_key()),
            Kind::Public(k) => Some(*k),
        }
    }

    /// Checks a record's `signature` of `bytes`, where the record names `key_id` as its signer:
    /// why it does not verify with this key, if it does not.
    fn check(
        &self,
        bytes: &[u8],
        signature: Option<&str>,
        key_id: Option<&str>,
    ) -> Result<(), SignatureProblem> {
        let Some(signature) = signature else {
            return Err(SignatureProblem::NotSigned);
        };
        let other_scheme = || {
            let found = signature.split_once(':').map_or("", |(s, _)| s);
            SignatureProblem::OtherScheme {
                found: found.chars().take(32).collect(),
                expected: self.scheme(),
            }
        };
        match self {
            Kind::Secret(secret) => {
                let Some(h) = signature.strip_prefix(HMAC) else {
                    return Err(other_scheme());
                };
                match hex::decode(h) {
                    Ok(tag) if StoreKey::mac(secret, bytes).verify_slice(&tag).is_ok() => Ok(()),
                    _ => Err(SignatureProblem::NotSigned),
                }
            }
            Kind::Private(_) | Kind::Public(_) => {
                let Some(h) = signature.strip_prefix(ED25519) else {
                    return Err(other_scheme());
                };
                let Some(public) = self.verifying() else {
                    unreachable!("an Ed25519 key has a public half")
                };
                let mine = id_of(&public);
                if let Some(found) = key_id.filter(|id| *id != mine) {
                    return Err(SignatureProblem::OtherKey {
                        found: found.chars().take(64).collect(),
                        expected: mine,
                    });
                }
                let verified = hex::decode(h)
                    .ok()
                    .and_then(|b| ed25519_dalek::Signature::from_slice(&b).ok())
                    .is_some_and(|s| public.verify_strict(bytes, &s).is_ok());
                match verified {
                    true => Ok(()),
                    false => Err(SignatureProblem::Invalid {
                        key: mine,
                        named: key_id.is_some(),
                    }),
                }
            }
        }
    }
}

/// The key id of an Ed25519 public key: the SHA-256 of its 32 bytes, 64 hex.
fn id_of(public: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(public.as_bytes()))
}

/// An Ed25519 key's public file beside its private one: `KEY.pem` gives `KEY.pub.pem`, any
/// other name has `.pub.pem` added.
pub fn public_path(private: &Path) -> PathBuf {
    let name = private
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_default();
    let stem = name.strip_suffix(".pem").unwrap_or(&name);
    private.with_file_name(format!("{stem}.pub.pem"))
}

/// Creates `path` (it must not exist) with `mode` on unix, writes `bytes` and syncs it.
fn write_new_file(path: &Path, bytes: &[u8], mode: u32) -> Result<(), HistoryError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(HistoryError::io(path))?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(HistoryError::io(path)(e));
    }
    Ok(())
}

/// The algorithm (its OID) of the PKCS#8 private key or SPKI public key in PEM `text`, which
/// ed25519-dalek refused as another algorithm's (its error names the OID it expected).
fn algorithm(text: &str, private: bool) -> Option<String> {
    let (_, der) = der::pem::decode_vec(text.as_bytes()).ok()?;
    let oid = match private {
        true => {
            ed25519_dalek::pkcs8::PrivateKeyInfo::try_from(der.as_slice())
                .ok()?
                .algorithm
                .oid
        }
        false => {
            ed25519_dalek::pkcs8::spki::SubjectPublicKeyInfoRef::try_from(der.as_slice())
                .ok()?
                .algorithm
                .oid
        }
    };
    Some(oid.to_string())
}

/// A PEM key of another algorithm than Ed25519, in words, with its algorithm's name when it is
/// a common one.
fn not_ed25519(which: &str, oid: Option<String>) -> String {
    let oid = oid.unwrap_or_else(|| "unknown".into());
    let name = match oid.as_str() {
        "1.2.840.10045.2.1" => "an elliptic-curve (EC/ECDSA) key",
        "1.2.840.113549.1.1.1" => "an RSA key",
        "1.2.840.113549.1.1.10" => "an RSA-PSS key",
        "1.2.840.10040.4.1" => "a DSA key",
        "1.3.101.110" => "an X25519 key",
        "1.3.101.111" => "an X448 key",
        "1.3.101.113" => "an Ed448 key",
        _ => "a key of another algorithm",
    };
    format!(
        "a {which} key, but {name} (algorithm {oid}), not Ed25519: a store key is an Ed25519 key (`openssl genpkey -algorithm ed25519`) or a secret of at least {} bytes",
        StoreKey::MIN_BYTES
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test-only keys (fixtures/keys/README.md): RFC 8032's test 1 as openssl writes it.
    const RFC8032_1: &str = include_str!("../../../fixtures/keys/rfc8032-test1.pem");
    const RFC8032_1_PUB: &str = include_str!("../../../fixtures/keys/rfc8032-test1.pub.pem");
    const NIGHTLY_PUB: &str = include_str!("../../../fixtures/keys/nightly.pub.pem");
    const P256: &str = include_str!("../../../fixtures/keys/p256.pem");
    const P256_PUB: &str = include_str!("../../../fixtures/keys/p256.pub.pem");
    const ENCRYPTED: &str = include_str!("../../../fixtures/keys/encrypted.pem");

    fn key(pem: &str) -> StoreKey {
        StoreKey::from_pem(pem.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn refused(pem: &[u8]) -> String {
        match StoreKey::from_pem(pem) {
            Ok(k) => panic!("read as {}", k.describe()),
            Err(e) => e,
        }
    }

    #[test]
    fn signs_and_verifies_and_refuses_short_keys() {
        let k = StoreKey::new(vec![7; 32]).unwrap_or_else(|e| panic!("{e}"));
        let s = k.sign(b"run").unwrap_or_default();
        assert!(s.starts_with("hmac-sha256:") && s.len() == 12 + 64, "{s}");
        assert!(k.verifies(b"run", &s));
        assert!(!k.verifies(b"run!", &s));
        let other = StoreKey::new(vec![8; 32]).unwrap_or_else(|e| panic!("{e}"));
        assert!(!other.verifies(b"run", &s));
        assert!(!k.verifies(b"run", "hmac-sha256:zz"));
        assert!(StoreKey::new(vec![7; 31]).is_err());
        assert_eq!(format!("{k:?}"), "StoreKey(..)");
        assert_eq!(k.key_id(), None);
        // RFC 4231, test case 2 ("Jefe"), padded out: the scheme is standard HMAC-SHA256.
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap_or_else(|_| unreachable!());
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    /// RFC 8032, section 7.1, test 1, through the PEM files openssl wrote for its secret key:
    /// the public key and the signature of the empty message are the RFC's.
    #[test]
    fn rfc8032_test_1_through_pem() {
        let private = key(RFC8032_1);
        let public = key(RFC8032_1_PUB);
        let Kind::Public(p) = &public.kind else {
            panic!("not a public key")
        };
        assert_eq!(
            hex::encode(p.as_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        let signature = private.sign(b"").unwrap_or_default();
        assert_eq!(
            signature,
            "ed25519:e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        assert!(public.verifies(b"", &signature));
        // The key id: SHA-256 of the public key's 32 bytes, the same from either half.
        let id = hex::encode(Sha256::digest(p.as_bytes()));
        assert_eq!(private.key_id().as_deref(), Some(id.as_str()));
        assert_eq!(public.key_id().as_deref(), Some(id.as_str()));
        assert_eq!(
            (private.scheme(), private.can_sign(), public.can_sign()),
            (Scheme::Ed25519, true, false)
        );
        assert_eq!(
            format!("{private:?} {public:?}"),
            "StoreKey(..) StoreKey(..)"
        );
    }

    /// After a rotation, the new key with the older ones verifies what each signed, names the
    /// key that did, and tells the nearest key's problem when none does; only the new key signs.
    #[test]
    fn older_keys_verify_what_they_signed() {
        const NIGHTLY: &str = include_str!("../../../fixtures/keys/nightly.pem");
        const OTHER: &str = include_str!("../../../fixtures/keys/other.pem");
        let (new, old, stranger) = (key(NIGHTLY), key(RFC8032_1), key(OTHER));
        let secret = StoreKey::new(vec![7; 32]).unwrap_or_else(|e| panic!("{e}"));
        let ring = key(NIGHTLY_PUB).also_verifying([key(RFC8032_1_PUB), secret.clone()]);
        let signed = |k: &StoreKey| (k.sign(b"run").unwrap_or_default(), k.key_id());
        let signer = |k: &StoreKey, bytes: &[u8], (s, id): &(String, Option<String>)| {
            k.signer(bytes, Some(s), id.as_deref())
        };
        assert_eq!(signer(&ring, b"run", &signed(&new)), Ok(new.key_id()));
        assert_eq!(signer(&ring, b"run", &signed(&old)), Ok(old.key_id()));
        assert_eq!(signer(&ring, b"run", &signed(&secret)), Ok(None));
        // Changed since the old key signed it: the old key's problem, not the new one's.
        assert_eq!(
            signer(&ring, b"run!", &signed(&old)),
            Err(SignatureProblem::Invalid {
                key: old.key_id().unwrap_or_default(),
                named: true,
            })
        );
        // A key not given: named, against the current key.
        assert_eq!(
            signer(&ring, b"run", &signed(&stranger)),
            Err(SignatureProblem::OtherKey {
                found: stranger.key_id().unwrap_or_default(),
                expected: new.key_id().unwrap_or_default(),
            })
        );
        // Another secret: the shared secret given is the nearest (HMAC cannot tell more).
        let other_secret = StoreKey::new(vec![8; 32]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            signer(&ring, b"run", &signed(&other_secret)),
            Err(SignatureProblem::NotSigned)
        );
        // Alone, the new key says the old key's run is another key's, as before.
        assert!(matches!(
            signer(&key(NIGHTLY_PUB), b"run", &signed(&old)),
            Err(SignatureProblem::OtherKey { .. })
        ));
        // The new key alone signs: a private key with older ones signs as itself.
        let signing = new.clone().also_verifying([old.clone()]);
        assert_eq!(signing.sign(b"run"), new.sign(b"run"));
        assert_eq!(signing.key_id(), new.key_id());
        assert!(!ring.can_sign());
    }

    #[test]
    fn a_public_key_verifies_and_cannot_sign() {
        let (private, public) = (key(RFC8032_1), key(RFC8032_1_PUB));
        let id = private.key_id();
        let s = private.sign(b"run").unwrap_or_default();
        assert_eq!(public.sign(b"run"), None);
        assert_eq!(public.check(b"run", Some(&s), id.as_deref()), Ok(()));
        assert_eq!(private.check(b"run", Some(&s), None), Ok(()));
        // Changed since signed: the record names this key and does not verify.
        assert_eq!(
            public.check(b"run!", Some(&s), id.as_deref()),
            Err(SignatureProblem::Invalid {
                key: id.clone().unwrap_or_default(),
                named: true,
            })
        );
        assert_eq!(
            public.check(b"run", None, None),
            Err(SignatureProblem::NotSigned)
        );
        // Another key's signature names that key.
        let other = key(NIGHTLY_PUB);
        let Err(SignatureProblem::OtherKey { found, expected }) =
            other.check(b"run", Some(&s), id.as_deref())
        else {
            panic!("another key's signature passed")
        };
        assert_eq!(Some(found), id);
        assert_eq!(Some(expected), other.key_id());
        // A signature naming no key, by another key, does not verify either, and says that it
        // names none.
        let unnamed = other.check(b"run", Some(&s), None);
        assert_eq!(
            unnamed,
            Err(SignatureProblem::Invalid {
                key: other.key_id().unwrap_or_default(),
                named: false,
            })
        );
        assert_eq!(
            unnamed.err().map(|e| e.to_string()).unwrap_or_default(),
            format!(
                "carries an Ed25519 signature that names no key and does not verify with key {}: changed since it was signed, or signed by another key",
                short_id(&other.key_id().unwrap_or_default())
            )
        );
        for bad in ["ed25519:", "ed25519:zz", "ed25519:00"] {
            assert!(!public.verifies(b"run", bad), "{bad}");
        }
    }

    /// A shared secret never verifies an Ed25519 signature, nor an Ed25519 key an HMAC one, and
    /// each says which scheme it found and which it expected.
    #[test]
    fn each_scheme_tells_the_other() {
        let secret = StoreKey::new(vec![7; 32]).unwrap_or_else(|e| panic!("{e}"));
        let (private, public) = (key(RFC8032_1), key(RFC8032_1_PUB));
        let hmac = secret.sign(b"run").unwrap_or_default();
        let ed = private.sign(b"run").unwrap_or_default();
        let by_ed = public.check(b"run", Some(&hmac), None);
        assert_eq!(
            by_ed,
            Err(SignatureProblem::OtherScheme {
                found: "hmac-sha256".into(),
                expected: Scheme::Ed25519
            })
        );
        let by_secret = secret.check(b"run", Some(&ed), private.key_id().as_deref());
        assert_eq!(
            by_secret,
            Err(SignatureProblem::OtherScheme {
                found: "ed25519".into(),
                expected: Scheme::HmacSha256
            })
        );
        let said = [by_ed, by_secret].map(|p| p.err().map(|p| p.to_string()).unwrap_or_default());
        assert_eq!(
            said,
            [
                "is signed with a shared secret (hmac-sha256) and the key given is an Ed25519 key: verify it with the kind of key it was signed with",
                "is signed with an Ed25519 key and the key given is a shared secret (hmac-sha256): verify it with the kind of key it was signed with",
            ]
        );
        // A forged scheme is shown inert.
        let odd = public.check(b"run", Some("x\u{1b}y:00"), None);
        assert!(
            odd.as_ref()
                .is_err_and(|p| p.to_string().contains(r#"("x\\u{1b}y")"#)),
            "{odd:?}"
        );
    }

    #[test]
    fn other_pem_is_refused_saying_what_it_is() {
        assert_eq!(
            refused(P256.as_bytes()),
            "a private key, but an elliptic-curve (EC/ECDSA) key (algorithm 1.2.840.10045.2.1), not Ed25519: a store key is an Ed25519 key (`openssl genpkey -algorithm ed25519`) or a secret of at least 32 bytes"
        );
        assert!(
            refused(P256_PUB.as_bytes()).starts_with("a public key, but an elliptic-curve"),
            "{}",
            refused(P256_PUB.as_bytes())
        );
        assert!(refused(ENCRYPTED.as_bytes()).starts_with("an encrypted private key"));
        assert!(
            refused(
                b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
            )
            .starts_with("a PEM file labelled \"OPENSSH PRIVATE KEY\": a store key is")
        );
        // Garbage in a PEM's clothes.
        assert!(
            refused(b"-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n")
                .starts_with("not a readable Ed25519 private key (PKCS#8): ")
        );
        assert!(refused(b"-----BEGIN PUBLIC KEY-----\n").starts_with("a file that starts as PEM"));
        assert!(
            refused(b"-----BEGIN PRIVATE KEY-----\n\xff\n")
                .starts_with("a PEM file that is not text")
        );
        // A public key's label over a private key's body.
        let swapped = RFC8032_1.replace("PRIVATE", "PUBLIC");
        assert!(refused(swapped.as_bytes()).starts_with("not a readable Ed25519 public key"));
    }

    /// What the key file holds decides its kind, not its name; the size cap holds for PEM too,
    /// and a secret that is not PEM is read as before, every byte.
    #[test]
    fn the_file_decides() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{e}"));
            StoreKey::from_file(&p)
        };
        let pem = file("store.key", RFC8032_1.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((pem.scheme(), pem.can_sign()), (Scheme::Ed25519, true));
        let public = file("secret.pem", RFC8032_1_PUB.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!public.can_sign());
        // Written on Windows, or with a blank line before it: the same key.
        let crlf = format!("\n{}", RFC8032_1.replace('\n', "\r\n"));
        let crlf = file("crlf.pem", crlf.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(crlf.key_id(), pem.key_id());
        let secret = file("key.pem", &[b'-'; 40]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(secret.scheme(), Scheme::HmacSha256);
        let Kind::Secret(bytes) = &secret.kind else {
            panic!("not a secret")
        };
        assert_eq!(bytes, &[b'-'; 40]);
        let padded = format!("{RFC8032_1}{}", " ".repeat(4000));
        let big = file("big.pem", padded.as_bytes()).map(|k| k.describe());
        assert!(
            big.as_ref().is_err_and(|e| e
                .to_string()
                .ends_with("not a store key: larger than 4096 bytes: not a key file")),
            "{big:?}"
        );
        let p256 = file("p256.pem", P256.as_bytes()).map(|k| k.describe());
        assert!(
            p256.as_ref().is_err_and(|e| e
                .to_string()
                .contains("p256.pem: not a store key: a private key, but an elliptic-curve")),
            "{p256:?}"
        );
    }

    #[test]
    fn a_new_key_is_written_once_and_reads_back() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("store.pem");
        let new = StoreKey::write_new(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(new.public, dir.path().join("store.pub.pem"));
        let (private, public) = (
            StoreKey::from_file(&new.private).unwrap_or_else(|e| panic!("{e}")),
            StoreKey::from_file(&new.public).unwrap_or_else(|e| panic!("{e}")),
        );
        assert_eq!(private.key_id().as_deref(), Some(new.key_id.as_str()));
        assert_eq!(public.key_id().as_deref(), Some(new.key_id.as_str()));
        let s = private.sign(b"run").unwrap_or_default();
        assert!(public.verifies(b"run", &s));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            text.starts_with("-----BEGIN PRIVATE KEY-----\n") && text.len() == 119,
            "{text}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o600));
        }
        // Never over an existing key, nor beside an existing public file.
        let again = StoreKey::write_new(&path).map(|k| k.key_id);
        assert!(
            again
                .as_ref()
                .is_err_and(|e| e.to_string().contains("already exists")),
            "{again:?}"
        );
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(StoreKey::write_new(&path).is_err());
        assert!(!path.exists());
        assert_eq!(
            public_path(Path::new("/k/store.key")),
            Path::new("/k/store.key.pub.pem")
        );
    }
}
