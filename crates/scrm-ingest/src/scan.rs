//! Cutting a block into lines and fields 64 bytes at a time: two bit masks per chunk, one of
//! the delimiters and one of the bytes that end a plain line (a quote, CR or LF), so that the
//! CSV readers ([`crate::records`]) collect a line's delimiters with bit operations instead of
//! looking at each special byte in turn.
//!
//! A 64-byte chunk is compared with the four bytes sixteen at a time and the results packed
//! into the masks (SSE2's `pmovmskb` on x86-64; elsewhere a loop the compiler turns into
//! vector compares, packed eight at a time with one multiplication each). No `unsafe`, no
//! target features beyond the platform's baseline. An answer row of about 40 bytes has five
//! delimiters and a line feed: the line feed is the lowest bit of the second mask, and the
//! delimiters are the bits of the first mask below it.

/// How many delimiters a line may have for [`Cursor::line`]; a line with more is read another
/// way (`csv_core`, which gives the same fields). An answer row has five.
pub(crate) const MAX_DELIMS: usize = 32;

/// A line's field bounds: the line's start less one, its delimiters' positions, its end (the
/// first [`Cursor::line`] leaves to the caller, the delimiters it fills from index 1).
pub(crate) type Bounds = [usize; MAX_DELIMS + 2];

/// The positions of a block's delimiters and line-ending bytes, handed out line by line.
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    delim: u8,
    /// Whether the delimiter is an ordinary byte: a quote, CR or LF named as the delimiter
    /// keeps its own meaning (as it does for `csv`), so no byte is a delimiter then.
    plain: bool,
    /// Start of the chunk the masks describe (a multiple of 64).
    base: usize,
    /// Bit `k` set when `bytes[base + k]` is the delimiter and not yet handed out.
    delims: u64,
    /// Bit `k` set when `bytes[base + k]` is a quote, CR or LF and not yet handed out.
    ends: u64,
    /// Where the masks are whole from: bits below were handed out (or cleared by a seek).
    whole_from: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(bytes: &'a [u8], delim: u8) -> Self {
        let plain = !matches!(delim, b'"' | b'\r' | b'\n');
        let (delims, ends) = chunk_masks(bytes, 0, delim, plain);
        Self {
            bytes,
            delim,
            plain,
            base: 0,
            delims,
            ends,
            whole_from: 0,
        }
    }

    /// Moves to `pos`, forward or back: [`Cursor::line`] then starts there. Moving forward
    /// within the chunk is a mask; anything else reads the chunk again.
    #[inline]
    pub(crate) fn seek(&mut self, pos: usize) {
        if pos >= self.base + 64 || pos < self.whole_from {
            self.base = pos & !63;
            (self.delims, self.ends) = chunk_masks(self.bytes, self.base, self.delim, self.plain);
        }
        // `pos - base` is below 64 here.
        let keep = u64::MAX << (pos - self.base);
        self.delims &= keep;
        self.ends &= keep;
        self.whole_from = pos;
    }

    /// The line from where the cursor stands: the positions of its delimiters go to `out` from
    /// index 1 (their number to `n`), up to the first quote, CR or LF, whose position is returned
    /// (the block's length when there is none), and the cursor moves past it. `None` when the
    /// line has more than [`MAX_DELIMS`] delimiters before it: the cursor is then somewhere in
    /// the line, and the caller seeks on.
    #[inline]
    pub(crate) fn line(&mut self, out: &mut Bounds, n: &mut usize) -> Option<usize> {
        *n = 0;
        loop {
            if self.ends != 0 {
                let t = self.ends.trailing_zeros();
                // `t` is below 64: the delimiters before the line's end.
                let before = self.delims & ((1u64 << t) - 1);
                take(before, self.base, out, n)?;
                self.delims ^= before;
                self.ends &= self.ends - 1;
                let end = self.base + t as usize;
                self.whole_from = end + 1;
                return Some(end);
            }
            take(self.delims, self.base, out, n)?;
            let next = self.base + 64;
            if next >= self.bytes.len() {
                self.delims = 0;
                self.whole_from = self.bytes.len();
                return Some(self.bytes.len());
            }
            self.base = next;
            (self.delims, self.ends) = chunk_masks(self.bytes, next, self.delim, self.plain);
            self.whole_from = next;
        }
    }
}

/// Appends the positions of the bits of `m` (a chunk's, starting at `base`) to the delimiters
/// of `out` (from index 1); `None` when there would be more than [`MAX_DELIMS`].
#[inline(always)]
fn take(mut m: u64, base: usize, out: &mut Bounds, n: &mut usize) -> Option<()> {
    while m != 0 {
        if *n == MAX_DELIMS {
            return None;
        }
        out[*n + 1] = base + m.trailing_zeros() as usize;
        *n += 1;
        m &= m - 1;
    }
    Some(())
}

/// The delimiter mask and the quote-CR-LF mask of the chunk at `base` (bits past the end of
/// `bytes` clear); the delimiter mask is empty unless the delimiter is `plain`.
#[inline(always)]
fn chunk_masks(bytes: &[u8], base: usize, delim: u8, plain: bool) -> (u64, u64) {
    let (d, e) = match bytes.get(base..base + 64) {
        Some(chunk) => masks64(chunk.try_into().unwrap_or(&[0; 64]), delim),
        None => tail_masks(bytes, base, delim),
    };
    (if plain { d } else { 0 }, e)
}

/// [`chunk_masks`] for the block's last, partial chunk (once a block: kept out of line).
#[cold]
#[inline(never)]
fn tail_masks(bytes: &[u8], base: usize, delim: u8) -> (u64, u64) {
    let tail = bytes.get(base..).unwrap_or_default();
    let mut chunk = [0u8; 64];
    chunk[..tail.len()].copy_from_slice(tail);
    // The padding could be the delimiter (a NUL delimiter): keep only real bytes.
    let real = (1u64 << tail.len()) - 1;
    let (d, e) = masks64(&chunk, delim);
    (d & real, e & real)
}

/// SSE2 (part of every x86-64 processor, so enabled in every build for it): sixteen bytes
/// compared with the four at once and their results gathered by `pmovmskb`, about half the
/// instructions of the portable form below. `safe_arch` wraps the intrinsics, so no `unsafe`
/// here.
#[cfg(target_arch = "x86_64")]
#[inline]
fn masks64(chunk: &[u8; 64], delim: u8) -> (u64, u64) {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let byte = |b: u8| set_splat_i8_m128i(i8::from_ne_bytes([b]));
    let (d, q, cr, lf) = (byte(delim), byte(b'"'), byte(b'\r'), byte(b'\n'));
    let (mut dm, mut em) = (0u64, 0u64);
    for (j, sixteen) in chunk.chunks_exact(16).enumerate() {
        let v = load_unaligned_m128i(sixteen.try_into().unwrap_or(&[0; 16]));
        let ends = bitor_m128i(
            cmp_eq_mask_i8_m128i(v, q),
            bitor_m128i(cmp_eq_mask_i8_m128i(v, cr), cmp_eq_mask_i8_m128i(v, lf)),
        );
        // The sign bits of the sixteen bytes: the low 16 bits of the result, the rest clear.
        dm |= u64::from(move_mask_i8_m128i(cmp_eq_mask_i8_m128i(v, d)) as u16) << (16 * j);
        em |= u64::from(move_mask_i8_m128i(ends) as u16) << (16 * j);
    }
    (dm, em)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn masks64(chunk: &[u8; 64], delim: u8) -> (u64, u64) {
    masks64_portable(chunk, delim)
}

/// The masks without vector intrinsics (compiled on x86-64 too, for the test that holds the
/// SSE2 form to it).
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline]
fn masks64_portable(chunk: &[u8; 64], delim: u8) -> (u64, u64) {
    let gather = |hit: &dyn Fn(u8) -> bool| {
        let mut hits = [0u8; 64];
        for (h, &b) in hits.iter_mut().zip(chunk) {
            *h = u8::from(hit(b));
        }
        let mut m = 0u64;
        for (j, eight) in hits.chunks_exact(8).enumerate() {
            let x = u64::from_le_bytes(eight.try_into().unwrap_or([0; 8]));
            // Each byte is 0 or 1: the product gathers byte k's bit at bit 56 + k, with no
            // carries.
            m |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * j);
        }
        m
    };
    (
        gather(&|b| b == delim),
        gather(&|b| matches!(b, b'"' | b'\r' | b'\n')),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`Cursor::line`] gives from `pos`, found byte by byte: the delimiters before the
    /// first quote, CR or LF, and that byte's position (the length when none).
    fn by_byte(bytes: &[u8], delim: u8, pos: usize) -> (Vec<usize>, usize) {
        let is_end = |b: u8| matches!(b, b'"' | b'\r' | b'\n');
        let plain = !is_end(delim);
        let end = (pos..bytes.len())
            .find(|&i| is_end(bytes[i]))
            .unwrap_or(bytes.len());
        let delims = (pos..end).filter(|&i| plain && bytes[i] == delim).collect();
        (delims, end)
    }

    /// Lines from `pos` on, as the cursor cuts them (seeking only where a line got too long).
    fn by_cursor(bytes: &[u8], delim: u8) -> Vec<(Vec<usize>, usize)> {
        let mut c = Cursor::new(bytes, delim);
        let mut out = [0; MAX_DELIMS + 2];
        let mut lines = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let mut n = 0;
            match c.line(&mut out, &mut n) {
                Some(end) => {
                    lines.push((out[1..=n].to_vec(), end));
                    pos = end + 1;
                }
                None => {
                    let (delims, end) = by_byte(bytes, delim, pos);
                    assert!(delims.len() > MAX_DELIMS, "{pos}: {delims:?}");
                    lines.push((delims, end));
                    pos = end + 1;
                    c.seek(pos.min(bytes.len()));
                }
            }
        }
        lines
    }

    fn by_bytes(bytes: &[u8], delim: u8) -> Vec<(Vec<usize>, usize)> {
        let mut lines = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let (delims, end) = by_byte(bytes, delim, pos);
            lines.push((delims, end));
            pos = end + 1;
        }
        lines
    }

    #[test]
    fn lines_cut_as_a_byte_loop_cuts_them() {
        let line = b"V-1,GV-1.1,3,\"a,b\",2025-01-02,\r\n";
        for len in 0..200 {
            let bytes: Vec<u8> = line.iter().copied().cycle().take(len).collect();
            for delim in [b',', b';', b'\t', 0, b'"', b'\n'] {
                assert_eq!(
                    by_cursor(&bytes, delim),
                    by_bytes(&bytes, delim),
                    "{len} {delim}"
                );
            }
        }
        // A line with more delimiters than the cursor collects.
        let long = format!(
            "{}\n{}x\n",
            ",".repeat(MAX_DELIMS + 7),
            ",".repeat(MAX_DELIMS)
        );
        assert_eq!(
            by_cursor(long.as_bytes(), b','),
            by_bytes(long.as_bytes(), b',')
        );
    }

    proptest! {
        /// The SSE2 masks are the portable ones, bit for bit, for any chunk and delimiter.
        #[test]
        fn masks_agree(
            chunk in proptest::collection::vec(
                prop_oneof![Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), any::<u8>()],
                64,
            ),
            delim in any::<u8>(),
        ) {
            let chunk: [u8; 64] = chunk.try_into().unwrap_or([0; 64]);
            prop_assert_eq!(masks64(&chunk, delim), masks64_portable(&chunk, delim));
        }

        /// Any bytes and any delimiter cut into the same lines as a look at each byte, and a
        /// seek forward or back by any length starts the next line where it lands.
        #[test]
        fn cuts_what_a_byte_loop_cuts(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b','), Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), Just(0u8),
                    any::<u8>(),
                ],
                0..400,
            ),
            delim in prop_oneof![Just(b','), Just(b';'), Just(0u8), any::<u8>()],
            jumps in proptest::collection::vec(-70isize..150, 0..10),
        ) {
            prop_assert_eq!(by_cursor(&bytes, delim), by_bytes(&bytes, delim));
            let mut c = Cursor::new(&bytes, delim);
            let mut out = [0; MAX_DELIMS + 2];
            let mut pos = 0usize;
            for j in jumps {
                pos = pos.saturating_add_signed(j).min(bytes.len());
                c.seek(pos);
                let (delims, end) = by_byte(&bytes, delim, pos);
                let mut n = 0;
                match c.line(&mut out, &mut n) {
                    Some(e) => prop_assert_eq!((out[1..=n].to_vec(), e), (delims, end)),
                    None => prop_assert!(delims.len() > MAX_DELIMS),
                }
            }
        }
    }
}
