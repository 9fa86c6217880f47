//! The profile fields of every vendor packed into one buffer: the buyer's, and those suppliers
//! declare in profile tables. A run holds one layer per vendor of a profile file from the start,
//! before any answer is read, so a map of owned strings per vendor (about 1-2 KB each) would be
//! most of a million-vendor run's memory; packed, a layer is its text plus a few bytes per
//! field, and finishing a vendor frees nothing one by one (a million small frees on the reading
//! thread cost seconds).

use integer_encoding::VarInt;
use rustc_hash::FxHashMap;

/// One packed field: where it was declared (part, row, column index) and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PackedField<'a> {
    pub value: &'a str,
    pub part: u32,
    pub row: Option<u64>,
    pub col: Option<u32>,
}

/// One vendor's fields in the [`Arena`], in insertion order, each as varints `key index,
/// value length`, the value, then varints `part, row + 1, column + 1` (0 standing for none).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PackedLayer {
    start: usize,
    len: usize,
    /// Bit `k` set: the layer has a field under key index `k` (for the first 64 keys). The
    /// reader asks for every field of a row before adding it, and the answer is nearly always
    /// no: this answers it without decoding the layer.
    has: u64,
}

/// The buffer every vendor's layer lives in, and the keys its fields name. A million layers
/// name the same few keys, so each key is kept once and a field holds its index.
#[derive(Debug, Default)]
pub(crate) struct Arena {
    bytes: Vec<u8>,
    keys: Vec<Box<str>>,
    key_ix: FxHashMap<Box<str>, u32>,
    /// The key expected next: the fields of every row of a file come in the same order, so
    /// the key after the last one interned is checked before any hashing.
    next: usize,
}

/// About the bytes a field takes in the arena besides its value text (key index, lengths,
/// part, a row number of up to 2^28, column), for sizing the arena ahead of a file.
pub(crate) const FIELD_OVERHEAD: usize = 10;

impl Arena {
    /// Makes room for about `bytes` more bytes of fields.
    pub(crate) fn reserve(&mut self, bytes: usize) {
        self.bytes.reserve(bytes);
    }

    fn key_index(&self, key: &str) -> Option<u32> {
        self.key_ix.get(key).copied()
    }

    /// The index of a key, added on first sight.
    pub(crate) fn intern(&mut self, key: &str) -> u32 {
        let i = match self.keys.get(self.next) {
            Some(k) if crate::text::short_eq(k.as_bytes(), key.as_bytes()) => self.next,
            _ => match self.key_index(key) {
                Some(i) => i as usize,
                None => {
                    self.keys.push(key.into());
                    self.key_ix.insert(key.into(), (self.keys.len() - 1) as u32);
                    self.keys.len() - 1
                }
            },
        };
        self.next = if i + 1 < self.keys.len() { i + 1 } else { 0 };
        i as u32
    }
}

/// Appends `n` as a varint, the encoding `integer-encoding` reads back (seven bits a byte, low
/// first, the high bit set on every byte but the last). Written here rather than through the
/// crate's stack buffer: the buyer's file appends every field of every vendor on one thread,
/// and the varints are mostly one byte each.
#[inline]
fn put_var(bytes: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        bytes.push(n as u8 | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
}

/// Appends one field as a layer holds it (varints `key index, value length`, the value, varints
/// `part, row + 1, column + 1`), giving the bytes written. A value past 4 GiB cannot come from
/// a row under the field-size limit; it is cut rather than wrapped.
pub(crate) fn encode(bytes: &mut Vec<u8>, key: u32, f: PackedField<'_>) -> usize {
    let before = bytes.len();
    let value = &f.value.as_bytes()[..f.value.len().min(u32::MAX as usize)];
    // Room for the value and five varints of up to ten bytes each, made once.
    bytes.reserve(value.len() + 50);
    put_var(bytes, u64::from(key));
    put_var(bytes, value.len() as u64);
    bytes.extend_from_slice(value);
    put_var(bytes, u64::from(f.part));
    // Row numbers count lines of a file, far below `u64::MAX`, so `row + 1` cannot wrap.
    put_var(bytes, f.row.map_or(0, |r| r.wrapping_add(1)));
    put_var(bytes, f.col.map_or(0, |c| u64::from(c) + 1));
    bytes.len() - before
}

/// A key index's bit in [`PackedLayer::has`] (none past the first 64 keys).
pub(crate) fn key_bit(key: u32) -> u64 {
    if key < 64 { 1 << key } else { 0 }
}

impl PackedLayer {
    /// Appends a field under `key`, an index from [`Arena::intern`] (the caller checks that the
    /// key is new). A layer that is not the last in the arena (a vendor with profile rows apart)
    /// moves to the end first; the bytes it leaves are not reused.
    pub(crate) fn push(&mut self, arena: &mut Arena, key: u32, f: PackedField<'_>) {
        let bytes = &mut arena.bytes;
        if self.start + self.len != bytes.len() || self.len == 0 {
            let start = bytes.len();
            bytes.extend_from_within(self.start..self.start + self.len);
            self.start = start;
        }
        self.len += encode(bytes, key, f);
        self.has |= key_bit(key);
    }

    /// Appends fields encoded ahead by [`encode`] (`has` their [`key_bit`]s) to a layer that
    /// has none yet, as pushing them one by one would; `false`, and nothing done, when the
    /// layer already has fields (each must then be checked against those).
    pub(crate) fn append_encoded(&mut self, arena: &mut Arena, fields: &[u8], has: u64) -> bool {
        if self.len != 0 {
            return false;
        }
        self.start = arena.bytes.len();
        arena.bytes.extend_from_slice(fields);
        self.len = fields.len();
        self.has = has;
        true
    }

    /// Whether the layer has no field.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The fields in insertion order.
    pub(crate) fn iter<'a>(
        &self,
        arena: &'a Arena,
    ) -> impl Iterator<Item = (&'a str, PackedField<'a>)> + use<'a> {
        self.raw(arena).filter_map(|(key, f)| {
            let key = arena.keys.get(key as usize)?;
            Some((&**key, f.field()?))
        })
    }

    /// The field under `key`. Keys are compared by index, and only the value found is decoded:
    /// the reader looks every field of a profile row up before adding it.
    pub(crate) fn get<'a>(&self, arena: &'a Arena, key: &str) -> Option<PackedField<'a>> {
        self.get_ix(arena, arena.key_index(key)?)
    }

    /// The field under a key index from [`Arena::intern`].
    pub(crate) fn get_ix<'a>(&self, arena: &'a Arena, key: u32) -> Option<PackedField<'a>> {
        if key < 64 && self.has & (1 << key) == 0 {
            return None;
        }
        self.raw(arena)
            .find(|(k, _)| *k == key)
            .and_then(|(_, f)| f.field())
    }

    /// The fields with their keys as indexes and their text still bytes.
    fn raw<'a>(&self, arena: &'a Arena) -> impl Iterator<Item = (u32, RawField<'a>)> + use<'a> {
        let mut b: &[u8] = arena
            .bytes
            .get(self.start..self.start + self.len)
            .unwrap_or(&[]);
        std::iter::from_fn(move || {
            if b.is_empty() {
                return None;
            }
            let key = u32::try_from(take(&mut b)?).ok()?;
            let len = usize::try_from(take(&mut b)?).ok()?;
            let (value, rest) = b.split_at_checked(len)?;
            b = rest;
            let part = u32::try_from(take(&mut b)?).ok()?;
            let row = take(&mut b)?;
            let col = take(&mut b)?;
            Some((
                key,
                RawField {
                    value,
                    part,
                    row,
                    col,
                },
            ))
        })
    }
}

/// A field as stored, its value not yet checked as text.
struct RawField<'a> {
    value: &'a [u8],
    part: u32,
    /// Row + 1; 0 for none.
    row: u64,
    /// Column + 1; 0 for none.
    col: u64,
}

impl<'a> RawField<'a> {
    fn field(self) -> Option<PackedField<'a>> {
        Some(PackedField {
            // Only whole `&str`s are written, so this never fails.
            value: std::str::from_utf8(self.value).ok()?,
            part: self.part,
            row: self.row.checked_sub(1),
            col: self.col.checked_sub(1).and_then(|c| u32::try_from(c).ok()),
        })
    }
}

/// The next varint of `b`, which moves past it.
fn take(b: &mut &[u8]) -> Option<u64> {
    let (n, k) = u64::decode_var(b)?;
    *b = b.get(k..)?;
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `put_var` writes what `integer-encoding` writes (and so reads back), at every length.
    #[test]
    fn varints_as_the_crate_writes_them() {
        let mut ns: Vec<u64> = vec![0, 1, 127, 128, 255, 300, 16_383, 16_384, u64::MAX];
        ns.extend((0..64).map(|b| 1u64 << b));
        ns.extend((1..64).map(|b| (1u64 << b) - 1));
        for n in ns {
            let mut ours = Vec::new();
            put_var(&mut ours, n);
            let mut theirs = [0u8; 10];
            let k = n.encode_var(&mut theirs);
            assert_eq!(ours, &theirs[..k], "{n}");
        }
    }

    #[test]
    fn fields_come_back_as_pushed() {
        let mut arena = Arena::default();
        let (mut l, mut m) = (PackedLayer::default(), PackedLayer::default());
        assert_eq!(l.iter(&arena).count(), 0);
        let a = PackedField {
            value: "Acme 股份有限公司",
            part: 2,
            row: Some(17),
            col: Some(1),
        };
        let b = PackedField {
            value: "",
            part: 0,
            row: None,
            col: None,
        };
        let name = arena.intern("name");
        l.push(&mut arena, name, a);
        m.push(&mut arena, name, b);
        // Extremes survive the varints.
        let c = PackedField {
            value: "x",
            part: u32::MAX,
            row: Some(u64::MAX - 1),
            col: Some(u32::MAX),
        };
        let mut n = PackedLayer::default();
        n.push(&mut arena, name, c);
        assert_eq!(n.get(&arena, "name"), Some(c));
        // `l` is no longer last: it moves, and `m` keeps its fields.
        let extra = arena.intern("extra:région");
        l.push(&mut arena, extra, b);
        let got: Vec<(&str, PackedField<'_>)> = l.iter(&arena).collect();
        assert_eq!(got, vec![("name", a), ("extra:région", b)]);
        assert_eq!(l.get(&arena, "extra:région"), Some(b));
        assert_eq!(l.get(&arena, "country"), None);
        assert_eq!(m.iter(&arena).collect::<Vec<_>>(), vec![("name", b)]);
    }

    /// Past the 64 keys the bitmask covers, lookups decode the layer; keys in any order intern
    /// to the same index.
    #[test]
    fn many_keys_in_any_order() {
        let mut arena = Arena::default();
        let keys: Vec<String> = (0..70).map(|i| format!("extra:k{i}")).collect();
        let mut layers = [PackedLayer::default(); 3];
        for (n, layer) in layers.iter_mut().enumerate() {
            // Every layer takes every other key, starting at a different one.
            for (i, k) in keys.iter().enumerate().skip(n).step_by(2) {
                let ix = arena.intern(k);
                let f = PackedField {
                    value: k,
                    part: n as u32,
                    row: Some(i as u64),
                    col: None,
                };
                layer.push(&mut arena, ix, f);
            }
        }
        for k in keys.iter().rev() {
            let ix = arena.intern(k) as usize;
            assert_eq!(arena.keys[ix].as_ref(), k.as_str());
        }
        assert_eq!(arena.keys.len(), 70);
        for (n, layer) in layers.iter().enumerate() {
            for (i, k) in keys.iter().enumerate() {
                let got = layer.get(&arena, k).map(|f| (f.value, f.part, f.row));
                let want =
                    (i >= n && (i - n) % 2 == 0).then_some((k.as_str(), n as u32, Some(i as u64)));
                assert_eq!(got, want, "layer {n} key {k}");
            }
        }
    }
}
