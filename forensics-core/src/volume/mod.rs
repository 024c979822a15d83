//! Layer 2: partition tables (MBR with extended partitions, GPT) turned into
//! partitions, each a [`Window`](crate::evidence::Window) on the evidence.
//!
//! [`detect`] reads sector 0 and, for a protective MBR, the GPT header (with
//! fallback to the backup header when the primary one fails its CRC). Space
//! that no partition covers is reported as unpartitioned ranges. Anything
//! inconsistent becomes a [`Problem`]; only read errors are errors.

mod gpt;
mod mbr;

use serde::Serialize;

use crate::Problem;
use crate::evidence::{Error, EvidenceSource};

/// The kind of partition table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// DOS/MBR partition table, with extended and logical partitions.
    Mbr,
    /// GUID partition table.
    Gpt,
}

/// One partition as the table describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partition {
    /// 1-based position in the listing (what `-p N` selects).
    pub index: u32,
    /// Offset of the first byte from the start of the media.
    pub image_offset: u64,
    /// Length in bytes.
    pub len_bytes: u64,
    /// Partition type: MBR type byte as `0x07`, or the GPT type GUID.
    pub type_id: String,
    /// Human name of the type (`NTFS/exFAT`, `EFI System`, …).
    pub type_name: String,
    /// GPT partition name (empty for MBR).
    pub name: String,
    /// Whether it is a logical partition inside an MBR extended partition.
    pub logical: bool,
}

/// A byte range of the media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ByteRange {
    /// First byte, from the start of the media.
    pub image_offset: u64,
    /// Length in bytes.
    pub len_bytes: u64,
}

/// A partition table and what it leaves unused.
#[derive(Debug, Clone, Serialize)]
pub struct PartitionTable {
    /// MBR or GPT.
    pub scheme: Scheme,
    /// Bytes per sector the table was read with.
    pub sector_size: u32,
    /// Partitions sorted by offset, numbered in that order.
    pub partitions: Vec<Partition>,
    /// Ranges covered by no partition (and not by the table itself), sorted.
    pub unpartitioned: Vec<ByteRange>,
    /// Inconsistencies found (bad CRC, entries past the media, loops, …).
    pub problems: Vec<Problem>,
}

/// The partition table of `source`, or `None` when sector 0 holds none (a
/// bare file system, or no recognisable table).
pub fn detect(source: &dyn EvidenceSource) -> Result<Option<PartitionTable>, Error> {
    let Some(mbr) = mbr::read(source)? else {
        return Ok(None);
    };
    let mut table = if mbr.is_protective() {
        gpt::read(source)?
    } else {
        Some(mbr.into_table(source)?)
    };
    if let Some(table) = &mut table {
        finish(table, source.len());
    }
    Ok(table)
}

/// Sorts and numbers the partitions, flags those past the media, and fills
/// the unpartitioned ranges.
fn finish(table: &mut PartitionTable, media_size: u64) {
    table
        .partitions
        .sort_by_key(|p| (p.image_offset, p.len_bytes));
    for (number, partition) in (1u32..).zip(table.partitions.iter_mut()) {
        partition.index = number;
        let end = partition.image_offset.saturating_add(partition.len_bytes);
        if end > media_size {
            table.problems.push(Problem::at(
                partition.image_offset,
                partition.len_bytes,
                format!("partition {number} ends at byte {end}, past the end of the media ({media_size} bytes)"),
            ));
        }
    }
    let mut cursor = u64::from(table.sector_size);
    let mut gaps = Vec::new();
    for partition in &table.partitions {
        if partition.image_offset > cursor {
            gaps.push(ByteRange {
                image_offset: cursor,
                len_bytes: partition.image_offset - cursor,
            });
        }
        cursor = cursor.max(partition.image_offset.saturating_add(partition.len_bytes));
    }
    if media_size > cursor {
        gaps.push(ByteRange {
            image_offset: cursor,
            len_bytes: media_size - cursor,
        });
    }
    table.unpartitioned = gaps;
    table.problems.sort();
}
