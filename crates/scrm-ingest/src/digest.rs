//! The digest the run manifest records of each input file's bytes: SHA-256 by default, or
//! BLAKE3 when the run asks for it.

use scrm_model::InputFile;
use sha2::{Digest as _, Sha256};

/// Which digest of each input file the manifest records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputDigest {
    /// SHA-256 (FIPS 180-4): checked with `sha256sum` anywhere, and one of the algorithms
    /// OSCAL's `hash` names. The default.
    #[default]
    Sha256,
    /// BLAKE3: cryptographic too (a changed file shows), checked with `b3sum`. One SHA-256
    /// cannot be split across cores, and it is the largest single cost of a large run; BLAKE3
    /// runs about 2.5 times faster on one core (3.9 GB/s against 1.6 on the benchmark
    /// machine), enough for a 100,000-vendor run to meet the nightly job's 1.2 s
    /// (benches/README.md). Not a FIPS-approved hash.
    Blake3,
}

impl InputDigest {
    /// The algorithm's name as the CLI and the manifest spell it.
    pub fn name(self) -> &'static str {
        match self {
            InputDigest::Sha256 => "sha256",
            InputDigest::Blake3 => "blake3",
        }
    }

    /// The digest of `bytes`, lower-case hex.
    pub fn hex_of(self, bytes: &[u8]) -> String {
        let mut h = self.hasher();
        h.update(bytes);
        h.finish()
    }

    /// A hasher to feed a file's bytes as they are read.
    pub(crate) fn hasher(self) -> Hasher {
        match self {
            InputDigest::Sha256 => Hasher::Sha256(Sha256::new()),
            InputDigest::Blake3 => Hasher::Blake3(Box::new(blake3::Hasher::new())),
        }
    }

    /// Puts a digest this algorithm computed into the manifest field named for it.
    pub fn record(self, hex: String, file: &mut InputFile) {
        match self {
            InputDigest::Sha256 => file.sha256 = hex,
            InputDigest::Blake3 => file.blake3 = hex,
        }
    }
}

/// A digest being computed.
pub(crate) enum Hasher {
    Sha256(Sha256),
    /// Boxed: its state is about 2 KB (a stack of chaining values).
    Blake3(Box<blake3::Hasher>),
}

impl Hasher {
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Blake3(h) => {
                h.update(bytes);
            }
        }
    }

    /// The digest, lower-case hex.
    pub(crate) fn finish(self) -> String {
        match self {
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Blake3(h) => h.finalize().to_hex().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published test vectors of both algorithms for "abc", and for no bytes at all.
    #[test]
    fn digests_match_the_published_vectors() {
        let cases = [
            (
                InputDigest::Sha256,
                b"abc".as_slice(),
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                InputDigest::Sha256,
                b"".as_slice(),
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                InputDigest::Blake3,
                b"abc".as_slice(),
                "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
            ),
            (
                InputDigest::Blake3,
                b"".as_slice(),
                "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
            ),
        ];
        for (algo, bytes, want) in cases {
            assert_eq!(algo.hex_of(bytes), want, "{} of {bytes:?}", algo.name());
        }
    }

    /// Fed in pieces, as a file is read, each gives the digest of the whole.
    #[test]
    fn pieces_hash_like_the_whole() {
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for algo in [InputDigest::Sha256, InputDigest::Blake3] {
            let mut h = algo.hasher();
            for piece in bytes.chunks(4093) {
                h.update(piece);
            }
            assert_eq!(h.finish(), algo.hex_of(&bytes), "{}", algo.name());
        }
    }
}
