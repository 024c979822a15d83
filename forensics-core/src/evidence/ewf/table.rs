//! The `table` and `table2` sections: where each chunk is stored.
//!
//! Source: libewf documentation "Expert Witness Compression Format (EWF)",
//! section "Table section". Data: a 24-byte header (entry count, 4 bytes
//! padding, 64-bit base offset (EnCase 6+; 0 before), 4 bytes padding,
//! Adler-32 of the first 20 bytes), then one 32-bit entry per chunk and an
//! Adler-32 of the entries. An entry's high bit marks a compressed chunk;
//! the low 31 bits plus the base offset are the chunk's file offset.
//! `table2` is a backup copy of the `table` before it.

use super::sections::{adler32, le_u32, le_u64};

/// Size of the table header in bytes.
pub const TABLE_HEADER_SIZE: usize = 24;
/// Entries EnCase 6 writes per table at most; readers accept more, up to
/// what the section holds.
pub const MAX_ENTRIES_PER_TABLE: u32 = 16_375;
/// High bit of an entry: the chunk is zlib-compressed.
pub const COMPRESSED_FLAG: u32 = 0x8000_0000;

/// A parsed table: where its entries are and whether its checksums hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// Entries in the table (capped by what the section data holds).
    pub entry_count: u32,
    /// Added to each entry's offset (EnCase 6+).
    pub base_offset: u64,
    /// Offset of the first entry inside the section data.
    pub entries_start: usize,
    /// Whether the header checksum matched.
    pub header_valid: bool,
    /// Whether the entries checksum matched (false when absent).
    pub entries_valid: bool,
    /// Whether the entry count had to be cut to fit the section.
    pub count_capped: bool,
}

impl Table {
    /// Parses table section data; `Err` when even the header is missing.
    /// `has_footer`: whether an Adler-32 of the entries follows them (all
    /// layouts with a `sectors` section; SMART tables hold the chunks
    /// directly after the entries instead).
    pub fn parse(data: &[u8], has_footer: bool) -> Result<Self, String> {
        let header = data
            .get(..TABLE_HEADER_SIZE)
            .ok_or_else(|| format!("table section holds only {} bytes", data.len()))?;
        let header_valid = le_u32(header, 20) == Some(adler32(&header[..20]));
        let stated = le_u32(header, 0).unwrap_or(0);
        let fits = (data.len() - TABLE_HEADER_SIZE) / 4;
        let fits = u32::try_from(fits).unwrap_or(u32::MAX);
        let entry_count = stated.min(fits);
        let entries_len = entry_count as usize * 4;
        let entries = &data[TABLE_HEADER_SIZE..TABLE_HEADER_SIZE + entries_len];
        let entries_valid =
            !has_footer || le_u32(data, TABLE_HEADER_SIZE + entries_len) == Some(adler32(entries));
        Ok(Self {
            entry_count,
            base_offset: le_u64(header, 8).unwrap_or(0),
            entries_start: TABLE_HEADER_SIZE,
            header_valid,
            entries_valid,
            count_capped: entry_count != stated,
        })
    }

    /// Whether both checksums hold and the count was not cut.
    pub fn is_valid(&self) -> bool {
        self.header_valid && self.entries_valid && !self.count_capped
    }
}

/// One decoded table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableEntry {
    /// Whether the chunk is zlib-compressed.
    pub compressed: bool,
    /// File offset of the chunk data (base offset added), `None` on overflow.
    pub file_offset: Option<u64>,
}

/// Decodes a raw entry with the table's base offset.
pub fn decode_entry(raw: u32, base_offset: u64) -> TableEntry {
    TableEntry {
        compressed: raw & COMPRESSED_FLAG != 0,
        file_offset: base_offset.checked_add(u64::from(raw & !COMPRESSED_FLAG)),
    }
}

/// Table section data for chunks at `(file_offset, compressed)`, relative to
/// `base_offset`. Every offset must be in `base_offset..base_offset + 2^31`.
pub fn table_bytes(base_offset: u64, chunks: &[(u64, bool)]) -> Option<Vec<u8>> {
    let count = u32::try_from(chunks.len()).ok()?;
    let mut out = Vec::with_capacity(TABLE_HEADER_SIZE + chunks.len() * 4 + 4);
    out.extend(count.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(base_offset.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(adler32(&out).to_le_bytes());
    for &(file_offset, compressed) in chunks {
        let relative = u32::try_from(file_offset.checked_sub(base_offset)?).ok()?;
        if relative & COMPRESSED_FLAG != 0 {
            return None;
        }
        let flag = if compressed { COMPRESSED_FLAG } else { 0 };
        out.extend((relative | flag).to_le_bytes());
    }
    let checksum = adler32(&out[TABLE_HEADER_SIZE..]);
    out.extend(checksum.to_le_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip_and_flag_bad_checksums() {
        let data = table_bytes(1000, &[(1076, true), (2000, false)]).unwrap();
        let table = Table::parse(&data, true).unwrap();
        assert!(table.is_valid());
        assert_eq!(table.entry_count, 2);
        assert_eq!(table.base_offset, 1000);
        let first = le_u32(&data, 24).unwrap();
        assert_eq!(
            decode_entry(first, 1000),
            TableEntry {
                compressed: true,
                file_offset: Some(1076)
            }
        );
        let mut bad = data.clone();
        bad[29] ^= 1;
        let table = Table::parse(&bad, true).unwrap();
        assert!(table.header_valid && !table.entries_valid);
        let mut huge = data.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        let table = Table::parse(&huge, true).unwrap();
        assert!(table.count_capped && !table.header_valid);
        assert!(table.entry_count <= 3);
        assert!(table_bytes(0, &[(1 << 31, false)]).is_none());
    }
}
