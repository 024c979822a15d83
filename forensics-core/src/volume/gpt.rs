//! GUID partition tables (UEFI specification 2.10, section 5.3).
//!
//! The header sits in LBA 1 (signature `EFI PART`), its CRC32 computed over
//! `header_size` bytes with the CRC field zeroed; the entry array's CRC32 is in
//! the header. A backup header sits in the last LBA of the disk. When the
//! primary header or its entries fail their CRC, the backup is used and the
//! failure is reported as a problem.

use super::{Partition, PartitionTable, Scheme};
use crate::Problem;
use crate::evidence::{Error, EvidenceSource, read_exact_at};

const SIGNATURE: &[u8; 8] = b"EFI PART";
/// Sector sizes tried, in order (512-byte and 4Kn disks).
const SECTOR_SIZES: [u64; 2] = [512, 4096];
/// Largest entry array read: 128 entries of 128 bytes is the norm.
const MAX_ENTRY_ARRAY_BYTES: u64 = 4 << 20;
const MIN_HEADER_LEN: usize = 92;

/// The fields of a GPT header that locate and check the entry array.
#[derive(Debug, Clone, Copy)]
struct GptHeader {
    entries_lba: u64,
    entry_count: u32,
    entry_len: u32,
    entries_crc32: u32,
}

/// Reads the GPT behind a protective MBR; `None` when neither header is found.
pub(super) fn read(source: &dyn EvidenceSource) -> Result<Option<PartitionTable>, Error> {
    for sector_size in SECTOR_SIZES {
        let mut problems = Vec::new();
        let last_lba_offset = (source.len() / sector_size).saturating_sub(1) * sector_size;
        for (header_offset, which) in [(sector_size, "primary"), (last_lba_offset, "backup")] {
            if which == "backup" && last_lba_offset <= sector_size {
                break;
            }
            let Some(header) = read_header(source, header_offset, sector_size, &mut problems)?
            else {
                continue;
            };
            let Some(partitions) = read_entries(source, sector_size, &header)? else {
                problems.push(Problem::at(
                    header.entries_lba.saturating_mul(sector_size),
                    u64::from(header.entry_count) * u64::from(header.entry_len),
                    format!("the {which} GPT partition entry array fails its CRC32 or lies past the media"),
                ));
                continue;
            };
            if which == "backup" {
                problems.push(Problem::general(
                    "the primary GPT is unusable; partitions read from the backup GPT",
                ));
            }
            return Ok(Some(PartitionTable {
                scheme: Scheme::Gpt,
                sector_size: sector_size as u32,
                partitions,
                unpartitioned: Vec::new(),
                problems,
            }));
        }
    }
    Ok(None)
}

/// The header at `image_offset` if its signature and CRC32 hold.
fn read_header(
    source: &dyn EvidenceSource,
    image_offset: u64,
    sector_size: u64,
    problems: &mut Vec<Problem>,
) -> Result<Option<GptHeader>, Error> {
    if image_offset.saturating_add(sector_size) > source.len() {
        return Ok(None);
    }
    let mut sector = vec![0u8; sector_size as usize];
    read_exact_at(source, image_offset, &mut sector)?;
    if &sector[..8] != SIGNATURE {
        return Ok(None);
    }
    let u32_at = |at: usize| u32::from_le_bytes(sector[at..at + 4].try_into().expect("4 bytes"));
    let u64_at = |at: usize| u64::from_le_bytes(sector[at..at + 8].try_into().expect("8 bytes"));
    let header_len = u32_at(12) as usize;
    if !(MIN_HEADER_LEN..=sector.len()).contains(&header_len) {
        problems.push(Problem::at(
            image_offset,
            sector_size,
            format!("GPT header size {header_len} is invalid"),
        ));
        return Ok(None);
    }
    let stored_crc = u32_at(16);
    let mut zeroed = sector[..header_len].to_vec();
    zeroed[16..20].fill(0);
    if crc32fast::hash(&zeroed) != stored_crc {
        problems.push(Problem::at(
            image_offset,
            sector_size,
            "GPT header fails its CRC32",
        ));
        return Ok(None);
    }
    Ok(Some(GptHeader {
        entries_lba: u64_at(72),
        entry_count: u32_at(80),
        entry_len: u32_at(84),
        entries_crc32: u32_at(88),
    }))
}

/// The used entries, or `None` when the array fails its CRC32 or its size
/// is absurd.
fn read_entries(
    source: &dyn EvidenceSource,
    sector_size: u64,
    header: &GptHeader,
) -> Result<Option<Vec<Partition>>, Error> {
    let array_len = u64::from(header.entry_count) * u64::from(header.entry_len);
    let array_offset = header.entries_lba.checked_mul(sector_size);
    let fits = array_offset
        .and_then(|o| o.checked_add(array_len))
        .is_some_and(|end| end <= source.len());
    if header.entry_len < 128 || array_len > MAX_ENTRY_ARRAY_BYTES || !fits {
        return Ok(None);
    }
    let mut array = vec![0u8; array_len as usize];
    read_exact_at(source, array_offset.unwrap_or(0), &mut array)?;
    if crc32fast::hash(&array) != header.entries_crc32 {
        return Ok(None);
    }
    let partitions = array
        .chunks_exact(header.entry_len as usize)
        .filter_map(|entry| parse_entry(entry, sector_size))
        .collect();
    Ok(Some(partitions))
}

fn parse_entry(entry: &[u8], sector_size: u64) -> Option<Partition> {
    let type_guid: [u8; 16] = entry[..16].try_into().ok()?;
    if type_guid == [0; 16] {
        return None;
    }
    let first_lba = u64::from_le_bytes(entry[32..40].try_into().ok()?);
    let last_lba = u64::from_le_bytes(entry[40..48].try_into().ok()?);
    let sectors = last_lba.checked_sub(first_lba)?.checked_add(1)?;
    let name_units: Vec<u16> = entry[56..128]
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .take_while(|&unit| unit != 0)
        .collect();
    let type_id = guid_string(&type_guid);
    Some(Partition {
        index: 0,
        image_offset: first_lba.checked_mul(sector_size)?,
        len_bytes: sectors.checked_mul(sector_size)?,
        type_name: type_name(&type_id).to_owned(),
        type_id,
        name: String::from_utf16_lossy(&name_units),
        logical: false,
    })
}

/// A GUID in its usual text form (the first three fields are little-endian).
fn guid_string(bytes: &[u8; 16]) -> String {
    format!(
        "{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{}",
        u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
        u16::from_le_bytes([bytes[4], bytes[5]]),
        u16::from_le_bytes([bytes[6], bytes[7]]),
        bytes[8],
        bytes[9],
        bytes[10..]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

fn type_name(type_guid: &str) -> &'static str {
    match type_guid {
        "c12a7328-f81f-11d2-ba4b-00a0c93ec93b" => "EFI System",
        "e3c9e316-0b5c-4db8-817d-f92df00215ae" => "Microsoft reserved",
        "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7" => "Microsoft basic data",
        "de94bba4-06d1-4d40-a16a-bfd50179d6ac" => "Windows recovery",
        "0fc63daf-8483-4772-8e79-3d69d8477de4" => "Linux filesystem",
        "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f" => "Linux swap",
        "e6d6d379-f507-44c2-a23c-238f2a3df928" => "Linux LVM",
        "48465300-0000-11aa-aa11-00306543ecac" => "Apple HFS+",
        "7c3457ef-0000-11aa-aa11-00306543ecac" => "Apple APFS",
        _ => "unknown",
    }
}
