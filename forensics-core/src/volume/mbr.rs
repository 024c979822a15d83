//! DOS / MBR partition tables: four primary entries in sector 0, and chains of
//! extended boot records (EBRs) for logical partitions.
//!
//! Layout (sector 0 and each EBR): boot code, four 16-byte entries at byte 446
//! (status, CHS first, type, CHS last, LBA first as u32 LE, sector count as u32
//! LE), signature `55 AA` at byte 510. In an EBR, entry 1 is the logical
//! partition relative to that EBR and entry 2 points to the next EBR relative
//! to the start of the outermost extended partition.

use super::{Partition, PartitionTable, Scheme};
use crate::Problem;
use crate::evidence::{Error, EvidenceSource, read_exact_at};

const SECTOR_SIZE: u64 = 512;
const ENTRIES_OFFSET: usize = 446;
const ENTRY_LEN: usize = 16;
/// Type byte of a GPT protective MBR entry.
const TYPE_GPT_PROTECTIVE: u8 = 0xEE;
/// Logical partitions followed at most; real disks have a handful.
const MAX_LOGICAL_PARTITIONS: usize = 256;

/// One 16-byte partition entry.
#[derive(Debug, Clone, Copy)]
struct MbrEntry {
    partition_type: u8,
    lba_first: u32,
    sector_count: u32,
}

impl MbrEntry {
    fn parse(bytes: &[u8]) -> Self {
        let u32_at = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        Self {
            partition_type: bytes[4],
            lba_first: u32_at(8),
            sector_count: u32_at(12),
        }
    }

    fn is_used(&self) -> bool {
        self.partition_type != 0 && self.sector_count != 0
    }

    fn is_extended(&self) -> bool {
        matches!(self.partition_type, 0x05 | 0x0F | 0x85)
    }
}

/// The four primary entries of sector 0.
#[derive(Debug)]
pub(super) struct Mbr {
    entries: Vec<MbrEntry>,
}

/// Reads sector 0; `None` without the `55 AA` signature or with no entry that
/// could be a partition.
pub(super) fn read(source: &dyn EvidenceSource) -> Result<Option<Mbr>, Error> {
    let Some(entries) = read_entries(source, 0)? else {
        return Ok(None);
    };
    if !entries.iter().any(MbrEntry::is_used) || looks_like_boot_sector(source)? {
        return Ok(None);
    }
    Ok(Some(Mbr { entries }))
}

/// A FAT, exFAT or NTFS boot sector also ends in `55 AA`; it starts with a jump
/// instruction and has a power-of-two bytes-per-sector field at byte 11,
/// where a partition table has boot code.
fn looks_like_boot_sector(source: &dyn EvidenceSource) -> Result<bool, Error> {
    let mut head = [0u8; 16];
    read_exact_at(source, 0, &mut head)?;
    let jump = head[0] == 0xEB || head[0] == 0xE9;
    let bytes_per_sector = u16::from_le_bytes([head[11], head[12]]);
    let exfat = &head[3..11] == b"EXFAT   ";
    Ok(jump && (exfat || matches!(bytes_per_sector, 512 | 1024 | 2048 | 4096)))
}

fn read_entries(
    source: &dyn EvidenceSource,
    sector_offset: u64,
) -> Result<Option<Vec<MbrEntry>>, Error> {
    if sector_offset.saturating_add(SECTOR_SIZE) > source.len() {
        return Ok(None);
    }
    let mut sector = [0u8; SECTOR_SIZE as usize];
    read_exact_at(source, sector_offset, &mut sector)?;
    if sector[510..512] != [0x55, 0xAA] {
        return Ok(None);
    }
    let entries = sector[ENTRIES_OFFSET..ENTRIES_OFFSET + 4 * ENTRY_LEN]
        .chunks_exact(ENTRY_LEN)
        .map(MbrEntry::parse)
        .collect();
    Ok(Some(entries))
}

impl Mbr {
    /// Whether this is the protective MBR in front of a GPT.
    pub(super) fn is_protective(&self) -> bool {
        self.entries
            .iter()
            .any(|e| e.partition_type == TYPE_GPT_PROTECTIVE)
    }

    /// The primary partitions and the logical ones behind extended entries.
    pub(super) fn into_table(self, source: &dyn EvidenceSource) -> Result<PartitionTable, Error> {
        let mut table = PartitionTable {
            scheme: Scheme::Mbr,
            sector_size: SECTOR_SIZE as u32,
            partitions: Vec::new(),
            unpartitioned: Vec::new(),
            problems: Vec::new(),
        };
        for entry in self.entries.iter().filter(|e| e.is_used()) {
            if entry.is_extended() {
                read_logical_chain(source, u64::from(entry.lba_first), &mut table)?;
            } else {
                table.partitions.push(partition(entry, 0, false));
            }
        }
        Ok(table)
    }
}

fn partition(entry: &MbrEntry, base_lba: u64, logical: bool) -> Partition {
    Partition {
        index: 0,
        image_offset: (base_lba + u64::from(entry.lba_first)) * SECTOR_SIZE,
        len_bytes: u64::from(entry.sector_count) * SECTOR_SIZE,
        type_id: format!("{:#04x}", entry.partition_type),
        type_name: type_name(entry.partition_type).to_owned(),
        name: String::new(),
        logical,
    }
}

/// Follows the EBR chain of the extended partition starting at `extended_lba`.
fn read_logical_chain(
    source: &dyn EvidenceSource,
    extended_lba: u64,
    table: &mut PartitionTable,
) -> Result<(), Error> {
    let mut visited = Vec::new();
    let mut ebr_lba = extended_lba;
    loop {
        if visited.contains(&ebr_lba) || visited.len() >= MAX_LOGICAL_PARTITIONS {
            table.problems.push(Problem::at(
                ebr_lba * SECTOR_SIZE,
                SECTOR_SIZE,
                "extended partition chain loops or is too long; stopped following it",
            ));
            return Ok(());
        }
        visited.push(ebr_lba);
        let Some(entries) = read_entries(source, ebr_lba * SECTOR_SIZE)? else {
            table.problems.push(Problem::at(
                ebr_lba * SECTOR_SIZE,
                SECTOR_SIZE,
                "extended boot record is missing its 55 AA signature or lies past the media",
            ));
            return Ok(());
        };
        if entries[0].is_used() {
            table.partitions.push(partition(&entries[0], ebr_lba, true));
        }
        if !entries[1].is_used() {
            return Ok(());
        }
        ebr_lba = extended_lba + u64::from(entries[1].lba_first);
    }
}

/// Names of the partition types an examiner meets most.
fn type_name(partition_type: u8) -> &'static str {
    match partition_type {
        0x01 => "FAT12",
        0x04 | 0x06 | 0x0E => "FAT16",
        0x0B | 0x0C => "FAT32",
        0x07 => "NTFS/exFAT",
        0x27 => "Windows recovery",
        0x82 => "Linux swap",
        0x83 => "Linux",
        0x8E => "Linux LVM",
        0xA5 => "FreeBSD",
        0xAF => "HFS+",
        0xEE => "GPT protective",
        0xEF => "EFI System",
        0xFD => "Linux RAID",
        _ => "unknown",
    }
}
