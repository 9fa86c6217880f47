//! The buyer's profile fields of every vendor packed into one buffer. A run holds one layer per
//! vendor of the buyer's profile file from the start, before any answer is read, so a map of
//! owned strings per vendor (about 2 KB each) would be most of a million-vendor run's memory;
//! packed, a layer is its text plus 20 bytes per field, and finishing a vendor frees nothing one
//! by one (a million small frees on the reading thread cost seconds).

/// One packed field: where the buyer declared it (part, row, column index) and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PackedField<'a> {
    pub value: &'a str,
    pub part: u32,
    pub row: Option<u64>,
    pub col: Option<u32>,
}

/// One vendor's fields in the [`Arena`], in insertion order, each `key_len u32, key,
/// value_len u32, value, part u32, row u64, col u32` (little-endian; `u64::MAX` and `u32::MAX`
/// stand for none).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PackedLayer {
    start: usize,
    len: usize,
}

/// The buffer every vendor's layer lives in.
pub(crate) type Arena = Vec<u8>;

/// The bytes a field takes in the arena besides its key and value text.
pub(crate) const FIELD_OVERHEAD: usize = 4 + 4 + 4 + 8 + 4;

const NONE64: u64 = u64::MAX;
const NONE32: u32 = u32::MAX;

impl PackedLayer {
    /// Appends a field (the caller checks that the key is new). A layer that is not the last in
    /// the arena (a vendor with profile rows apart) moves to the end first; the bytes it leaves
    /// are not reused. A key or value past 4 GiB cannot come from a row under the field-size
    /// limit; it is cut rather than wrapped.
    pub(crate) fn push(&mut self, arena: &mut Arena, key: &str, f: PackedField<'_>) {
        if self.start + self.len != arena.len() || self.len == 0 {
            let start = arena.len();
            arena.extend_from_within(self.start..self.start + self.len);
            self.start = start;
        }
        let before = arena.len();
        for s in [key, f.value] {
            let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
            arena.extend_from_slice(&len.to_le_bytes());
            arena.extend_from_slice(&s.as_bytes()[..len as usize]);
        }
        arena.extend_from_slice(&f.part.to_le_bytes());
        arena.extend_from_slice(&f.row.unwrap_or(NONE64).to_le_bytes());
        arena.extend_from_slice(&f.col.unwrap_or(NONE32).to_le_bytes());
        self.len += arena.len() - before;
    }

    /// The fields in insertion order.
    pub(crate) fn iter<'a>(
        &self,
        arena: &'a [u8],
    ) -> impl Iterator<Item = (&'a str, PackedField<'a>)> + use<'a> {
        self.raw(arena)
            .filter_map(|(key, f)| Some((std::str::from_utf8(key).ok()?, f.field()?)))
    }

    /// The field under `key`. Keys are compared as bytes, and only the value found is decoded:
    /// the reader looks every field of a profile row up before adding it.
    pub(crate) fn get<'a>(&self, arena: &'a [u8], key: &str) -> Option<PackedField<'a>> {
        self.raw(arena)
            .find(|(k, _)| *k == key.as_bytes())
            .and_then(|(_, f)| f.field())
    }

    /// The fields with their text still bytes.
    fn raw<'a>(&self, arena: &'a [u8]) -> impl Iterator<Item = (&'a [u8], RawField<'a>)> + use<'a> {
        let mut b: &[u8] = arena.get(self.start..self.start + self.len).unwrap_or(&[]);
        std::iter::from_fn(move || {
            if b.is_empty() {
                return None;
            }
            let key = take_bytes(&mut b)?;
            let value = take_bytes(&mut b)?;
            let part = u32::from_le_bytes(take(&mut b)?);
            let row = u64::from_le_bytes(take(&mut b)?);
            let col = u32::from_le_bytes(take(&mut b)?);
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
    row: u64,
    col: u32,
}

impl<'a> RawField<'a> {
    fn field(self) -> Option<PackedField<'a>> {
        Some(PackedField {
            // Only whole `&str`s are written, so this never fails.
            value: std::str::from_utf8(self.value).ok()?,
            part: self.part,
            row: (self.row != NONE64).then_some(self.row),
            col: (self.col != NONE32).then_some(self.col),
        })
    }
}

fn take<const N: usize>(b: &mut &[u8]) -> Option<[u8; N]> {
    let (head, rest) = b.split_first_chunk::<N>()?;
    *b = rest;
    Some(*head)
}

fn take_bytes<'a>(b: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = u32::from_le_bytes(take(b)?) as usize;
    let (s, rest) = b.split_at_checked(len)?;
    *b = rest;
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_back_as_pushed() {
        let mut arena = Arena::new();
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
        l.push(&mut arena, "name", a);
        m.push(&mut arena, "name", b);
        // `l` is no longer last: it moves, and `m` keeps its fields.
        l.push(&mut arena, "extra:région", b);
        let got: Vec<(&str, PackedField<'_>)> = l.iter(&arena).collect();
        assert_eq!(got, vec![("name", a), ("extra:région", b)]);
        assert_eq!(l.get(&arena, "extra:région"), Some(b));
        assert_eq!(l.get(&arena, "country"), None);
        assert_eq!(m.iter(&arena).collect::<Vec<_>>(), vec![("name", b)]);
    }
}
