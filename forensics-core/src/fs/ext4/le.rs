//! Little-endian fields of fixed on-disk records.

/// A record read as little-endian fields. Reads past the end give 0: callers
/// check a record's length once, before reading its fields.
#[derive(Debug, Clone, Copy)]
pub struct Le<'a>(pub &'a [u8]);

impl Le<'_> {
    /// The byte at `at`.
    pub fn u8(self, at: usize) -> u8 {
        self.0.get(at).copied().unwrap_or(0)
    }

    /// The `u16` at `at`.
    pub fn u16(self, at: usize) -> u16 {
        self.0
            .get(at..at.saturating_add(2))
            .and_then(|b| b.try_into().ok())
            .map_or(0, u16::from_le_bytes)
    }

    /// The `u32` at `at`.
    pub fn u32(self, at: usize) -> u32 {
        self.0
            .get(at..at.saturating_add(4))
            .and_then(|b| b.try_into().ok())
            .map_or(0, u32::from_le_bytes)
    }
}
