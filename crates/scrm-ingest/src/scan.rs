//! Finding the bytes that end a field or a line (the delimiter, a quote, CR, LF) 64 at a time,
//! so that the long-CSV line cutter jumps from one to the next instead of looking at every byte.
//!
//! A 64-byte chunk is compared with the four bytes sixteen at a time and the results packed
//! into a bit mask (SSE2's `pmovmskb` on x86-64; elsewhere a loop the compiler turns into
//! vector compares, packed eight at a time with one multiplication each). No `unsafe`, no
//! target features beyond the platform's baseline. An answer row of about 40 bytes has 6 such
//! bytes, each then found with a `trailing_zeros`.

/// The positions of the special bytes of a block, in order.
pub(crate) struct Specials<'a> {
    bytes: &'a [u8],
    delim: u8,
    /// Start of the chunk `mask` describes (a multiple of 64).
    base: usize,
    /// Bit `k` set when `bytes[base + k]` is special and not yet handed out.
    mask: u64,
    /// Where `mask` is whole from: bits below were handed out (or cleared by a seek).
    whole_from: usize,
}

impl<'a> Specials<'a> {
    pub(crate) fn new(bytes: &'a [u8], delim: u8) -> Self {
        Self {
            bytes,
            delim,
            base: 0,
            mask: chunk_mask(bytes, 0, delim),
            whole_from: 0,
        }
    }

    /// Moves to `pos`, forward or back: [`Specials::next`] then gives the first special byte
    /// at or after it. Moving forward within the chunk is a mask; anything else reads the chunk
    /// again.
    #[inline]
    pub(crate) fn seek(&mut self, pos: usize) {
        if pos >= self.base + 64 || pos < self.whole_from {
            self.base = pos & !63;
            self.mask = chunk_mask(self.bytes, self.base, self.delim);
        }
        // `pos - base` is below 64 here.
        self.mask &= u64::MAX << (pos - self.base);
        self.whole_from = pos;
    }

    /// The next special byte, or the length of the block when none is left.
    #[inline]
    pub(crate) fn next(&mut self) -> usize {
        loop {
            if self.mask != 0 {
                let i = self.base + self.mask.trailing_zeros() as usize;
                self.mask &= self.mask - 1;
                self.whole_from = i + 1;
                return i;
            }
            let next = self.base + 64;
            if next >= self.bytes.len() {
                return self.bytes.len();
            }
            self.base = next;
            self.mask = chunk_mask(self.bytes, next, self.delim);
            self.whole_from = next;
        }
    }
}

/// Bit `k` set when `bytes[base + k]` is the delimiter, `"`, `\r` or `\n` (bits past the end of
/// `bytes` clear).
#[inline]
fn chunk_mask(bytes: &[u8], base: usize, delim: u8) -> u64 {
    match bytes.get(base..base + 64) {
        Some(chunk) => mask64(chunk.try_into().unwrap_or(&[0; 64]), delim),
        None => {
            let tail = bytes.get(base..).unwrap_or_default();
            let mut chunk = [0u8; 64];
            chunk[..tail.len()].copy_from_slice(tail);
            // The padding could be the delimiter (a NUL delimiter): keep only real bytes.
            mask64(&chunk, delim) & ((1u64 << tail.len()) - 1)
        }
    }
}

/// SSE2 (part of every x86-64 processor, so enabled in every build for it): sixteen bytes
/// compared with the four at once and their results gathered by `pmovmskb`, about half the
/// instructions of the portable form below. `safe_arch` wraps the intrinsics, so no `unsafe`
/// here.
#[cfg(target_arch = "x86_64")]
#[inline]
fn mask64(chunk: &[u8; 64], delim: u8) -> u64 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let byte = |b: u8| set_splat_i8_m128i(i8::from_ne_bytes([b]));
    let (d, q, cr, lf) = (byte(delim), byte(b'"'), byte(b'\r'), byte(b'\n'));
    let mut m = 0u64;
    for (j, sixteen) in chunk.chunks_exact(16).enumerate() {
        let v = load_unaligned_m128i(sixteen.try_into().unwrap_or(&[0; 16]));
        let hit = bitor_m128i(
            bitor_m128i(cmp_eq_mask_i8_m128i(v, d), cmp_eq_mask_i8_m128i(v, q)),
            bitor_m128i(cmp_eq_mask_i8_m128i(v, cr), cmp_eq_mask_i8_m128i(v, lf)),
        );
        // The sign bits of the sixteen bytes: the low 16 bits of the result, the rest clear.
        m |= u64::from(move_mask_i8_m128i(hit) as u16) << (16 * j);
    }
    m
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn mask64(chunk: &[u8; 64], delim: u8) -> u64 {
    mask64_portable(chunk, delim)
}

/// The mask without vector intrinsics (compiled on x86-64 too, for the test that holds the
/// SSE2 form to it).
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline]
fn mask64_portable(chunk: &[u8; 64], delim: u8) -> u64 {
    let mut hits = [0u8; 64];
    for (h, &b) in hits.iter_mut().zip(chunk) {
        *h = u8::from((b == delim) | (b == b'"') | (b == b'\r') | (b == b'\n'));
    }
    let mut m = 0u64;
    for (j, eight) in hits.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(eight.try_into().unwrap_or([0; 8]));
        // Each byte is 0 or 1: the product gathers byte k's bit at bit 56 + k, with no carries.
        m |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * j);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_byte(bytes: &[u8], delim: u8) -> Vec<usize> {
        (0..bytes.len())
            .filter(|&i| matches!(bytes[i], b'"' | b'\r' | b'\n') || bytes[i] == delim)
            .collect()
    }

    fn by_scan(bytes: &[u8], delim: u8) -> Vec<usize> {
        let mut s = Specials::new(bytes, delim);
        let mut out = Vec::new();
        loop {
            let i = s.next();
            if i == bytes.len() {
                return out;
            }
            out.push(i);
        }
    }

    #[test]
    fn every_special_byte_once_in_order() {
        let line = b"V-1,GV-1.1,3,\"a,b\",2025-01-02,\r\n";
        for len in 0..200 {
            let bytes: Vec<u8> = line.iter().copied().cycle().take(len).collect();
            for delim in [b',', b';', b'\t', 0, b'"', b'\n'] {
                assert_eq!(
                    by_scan(&bytes, delim),
                    by_byte(&bytes, delim),
                    "{len} {delim}"
                );
            }
        }
    }

    proptest! {
        /// The SSE2 mask is the portable one, bit for bit, for any chunk and delimiter.
        #[test]
        fn masks_agree(
            chunk in proptest::collection::vec(
                prop_oneof![Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), any::<u8>()],
                64,
            ),
            delim in any::<u8>(),
        ) {
            let chunk: [u8; 64] = chunk.try_into().unwrap_or([0; 64]);
            prop_assert_eq!(mask64(&chunk, delim), mask64_portable(&chunk, delim));
        }

        /// Any bytes, any delimiter, and seeks forward (or back) by any length find the same
        /// bytes as a look at each byte.
        #[test]
        fn finds_what_a_byte_loop_finds(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), Just(0u8), any::<u8>()],
                0..400,
            ),
            delim in prop_oneof![Just(b','), Just(b';'), Just(0u8), any::<u8>()],
            jumps in proptest::collection::vec(-70isize..150, 0..10),
        ) {
            prop_assert_eq!(by_scan(&bytes, delim), by_byte(&bytes, delim));
            let mut s = Specials::new(&bytes, delim);
            let mut pos = 0usize;
            for j in jumps {
                pos = pos.saturating_add_signed(j);
                let special = |i: &usize| matches!(bytes[*i], b'"' | b'\r' | b'\n') || bytes[*i] == delim;
                let want = (pos..bytes.len()).find(special).unwrap_or(bytes.len());
                s.seek(pos.min(bytes.len()));
                prop_assert_eq!(s.next(), want);
                // And on from there.
                let after = (want + 1..bytes.len()).find(special).unwrap_or(bytes.len());
                if want < bytes.len() {
                    prop_assert_eq!(s.next(), after);
                }
            }
        }
    }
}
