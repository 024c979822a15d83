//! The `disk-mbr` and `disk-gpt` scenarios: partition tables (MBR with an
//! extended partition and logical ones; GPT with protective MBR, primary and
//! backup headers and entry arrays with CRC32) holding FAT file systems.

use super::fat::{notes, write_file_system};
use super::{Contents, ScenarioOptions};
use crate::error::{Error, Result};
use crate::fat::FatType;
use crate::key::PartitionKey;
use crate::rng::Rng;
use crate::sink::ImageSink;

const SECTOR: u64 = 512;
/// Partitions start on 1 MiB boundaries (2048 sectors).
const ALIGN_SECTORS: u64 = 2048;
const MIB_SECTORS: u64 = 2048;
/// GPT: 128 entries of 128 bytes (32 sectors).
const GPT_ENTRIES: usize = 128;
const GPT_ENTRY_BYTES: usize = 128;
/// Microsoft basic data partition type GUID.
const BASIC_DATA_GUID: &str = "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7";

fn mbr_entry(table: &mut [u8], slot: usize, type_byte: u8, start_lba: u64, sectors: u64) {
    let at = 446 + slot * 16;
    let e = &mut table[at..at + 16];
    e[0] = 0x00;
    // CHS fields set to the "beyond 8 GiB" marker; readers use the LBA fields.
    e[1..4].copy_from_slice(&[0xFE, 0xFF, 0xFF]);
    e[4] = type_byte;
    e[5..8].copy_from_slice(&[0xFE, 0xFF, 0xFF]);
    e[8..12].copy_from_slice(&(start_lba as u32).to_le_bytes());
    e[12..16].copy_from_slice(&(sectors as u32).to_le_bytes());
}

fn boot_record() -> Vec<u8> {
    let mut sector = vec![0u8; SECTOR as usize];
    sector[510] = 0x55;
    sector[511] = 0xAA;
    sector
}

fn partition_key(
    index: u32,
    role: &str,
    type_id: String,
    name: &str,
    start: u64,
    sectors: u64,
) -> PartitionKey {
    PartitionKey {
        index,
        role: role.into(),
        type_id,
        name: name.into(),
        image_offset: start * SECTOR,
        len_bytes: sectors * SECTOR,
        start_sector: start,
        sector_count: sectors,
    }
}

/// Records `key` in the answer key and writes a FAT file system of
/// `fat_type` into the partition's sectors.
fn add_fat_partition(
    contents: &mut Contents,
    sink: &mut ImageSink,
    rng: &mut Rng,
    options: &ScenarioOptions,
    fat_type: FatType,
    key: PartitionKey,
) -> Result<()> {
    let fs = write_file_system(
        sink,
        &mut rng.fork(u64::from(key.index)),
        options,
        fat_type,
        key.start_sector * SECTOR,
        key.sector_count * SECTOR,
        Some(key.index),
    )?;
    contents.partitions.push(key);
    contents.filesystems.push(fs);
    Ok(())
}

/// MBR type byte for a FAT variant (LBA types).
fn mbr_type(fat_type: FatType) -> u8 {
    match fat_type {
        FatType::Fat12 => 0x01,
        FatType::Fat16 => 0x0E,
        FatType::Fat32 => 0x0C,
    }
}

pub fn build_mbr(
    options: &ScenarioOptions,
    rng: &mut Rng,
    sink: &mut ImageSink,
) -> Result<Contents> {
    let total = sink.len_bytes() / SECTOR;
    let primaries = [
        (FatType::Fat16, 8 * MIB_SECTORS),
        (FatType::Fat12, 2 * MIB_SECTORS),
    ];
    let logicals = [
        (FatType::Fat32, 36 * MIB_SECTORS),
        (FatType::Fat16, 8 * MIB_SECTORS),
    ];
    let mut mbr = boot_record();
    mbr[440..444].copy_from_slice(&(rng.next_u64() as u32).to_le_bytes()); // disk signature
    let mut contents = Contents {
        partition_scheme: Some("mbr".into()),
        notes: notes(),
        ..Contents::default()
    };
    let mut next = ALIGN_SECTORS;
    for (slot, &(fat_type, sectors)) in primaries.iter().enumerate() {
        let index = slot as u32 + 1;
        mbr_entry(&mut mbr, slot, mbr_type(fat_type), next, sectors);
        add_fat_partition(
            &mut contents,
            sink,
            rng,
            options,
            fat_type,
            partition_key(
                index,
                "primary",
                format!("0x{:02x}", mbr_type(fat_type)),
                "",
                next,
                sectors,
            ),
        )?;
        next += sectors;
    }
    let extended_start = next;
    let extended_sectors = logicals.iter().map(|(_, s)| s + ALIGN_SECTORS).sum::<u64>();
    if extended_start + extended_sectors > total {
        return Err(Error::InvalidOption(format!(
            "disk-mbr needs at least {} bytes",
            (extended_start + extended_sectors) * SECTOR
        )));
    }
    mbr_entry(&mut mbr, 2, 0x0F, extended_start, extended_sectors);
    contents.partitions.push(partition_key(
        3,
        "extended",
        "0x0f".into(),
        "",
        extended_start,
        extended_sectors,
    ));
    let mut ebr_at = extended_start;
    for (i, &(fat_type, sectors)) in logicals.iter().enumerate() {
        let index = 5 + i as u32;
        let start = ebr_at + ALIGN_SECTORS;
        let mut ebr = boot_record();
        mbr_entry(&mut ebr, 0, mbr_type(fat_type), start - ebr_at, sectors);
        let next_ebr = start + sectors;
        if i + 1 < logicals.len() {
            let next_len = logicals[i + 1].1 + ALIGN_SECTORS;
            mbr_entry(&mut ebr, 1, 0x05, next_ebr - extended_start, next_len);
        }
        sink.write_at(ebr_at * SECTOR, &ebr)?;
        add_fat_partition(
            &mut contents,
            sink,
            rng,
            options,
            fat_type,
            partition_key(
                index,
                "logical",
                format!("0x{:02x}", mbr_type(fat_type)),
                "",
                start,
                sectors,
            ),
        )?;
        ebr_at = next_ebr;
    }
    sink.write_at(0, &mbr)?;
    Ok(contents)
}

/// On-disk bytes of a GUID string (first three fields little-endian).
fn guid_bytes(text: &str) -> [u8; 16] {
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    let mut raw = [0u8; 16];
    for (i, slot) in raw.iter_mut().enumerate() {
        *slot = u8::from_str_radix(digits.get(2 * i..2 * i + 2).unwrap_or("00"), 16).unwrap_or(0);
    }
    raw[0..4].reverse();
    raw[4..6].reverse();
    raw[6..8].reverse();
    raw
}

/// A random version-4 GUID as text.
fn random_guid(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0x0FFF,
        0x8000 | ((b >> 48) & 0x3FFF),
        b & 0xFFFF_FFFF_FFFF
    )
}

fn gpt_header(
    disk_guid: &[u8; 16],
    my_lba: u64,
    alternate_lba: u64,
    entries_lba: u64,
    last_usable: u64,
    entries_crc: u32,
) -> Vec<u8> {
    let mut h = vec![0u8; SECTOR as usize];
    h[..8].copy_from_slice(b"EFI PART");
    h[8..12].copy_from_slice(&0x0001_0000u32.to_le_bytes());
    h[12..16].copy_from_slice(&92u32.to_le_bytes());
    h[24..32].copy_from_slice(&my_lba.to_le_bytes());
    h[32..40].copy_from_slice(&alternate_lba.to_le_bytes());
    h[40..48].copy_from_slice(&34u64.to_le_bytes());
    h[48..56].copy_from_slice(&last_usable.to_le_bytes());
    h[56..72].copy_from_slice(disk_guid);
    h[72..80].copy_from_slice(&entries_lba.to_le_bytes());
    h[80..84].copy_from_slice(&(GPT_ENTRIES as u32).to_le_bytes());
    h[84..88].copy_from_slice(&(GPT_ENTRY_BYTES as u32).to_le_bytes());
    h[88..92].copy_from_slice(&entries_crc.to_le_bytes());
    let crc = crc32fast::hash(&h[..92]);
    h[16..20].copy_from_slice(&crc.to_le_bytes());
    h
}

pub fn build_gpt(
    options: &ScenarioOptions,
    rng: &mut Rng,
    sink: &mut ImageSink,
) -> Result<Contents> {
    let total = sink.len_bytes() / SECTOR;
    let layout = [
        (FatType::Fat16, 8 * MIB_SECTORS, "Data"),
        (FatType::Fat32, 36 * MIB_SECTORS, "Photos"),
        (FatType::Fat12, 2 * MIB_SECTORS, "Keys"),
    ];
    let last_usable = total - 34;
    let mut contents = Contents {
        partition_scheme: Some("gpt".into()),
        notes: notes(),
        ..Contents::default()
    };
    let mut entries = vec![0u8; GPT_ENTRIES * GPT_ENTRY_BYTES];
    let mut next = ALIGN_SECTORS;
    for (i, &(fat_type, sectors, name)) in layout.iter().enumerate() {
        if next + sectors > last_usable {
            return Err(Error::InvalidOption(
                "disk-gpt: image too small for its partitions".into(),
            ));
        }
        let index = i as u32 + 1;
        let unique = random_guid(rng);
        let e = &mut entries[i * GPT_ENTRY_BYTES..(i + 1) * GPT_ENTRY_BYTES];
        e[..16].copy_from_slice(&guid_bytes(BASIC_DATA_GUID));
        e[16..32].copy_from_slice(&guid_bytes(&unique));
        e[32..40].copy_from_slice(&next.to_le_bytes());
        e[40..48].copy_from_slice(&(next + sectors - 1).to_le_bytes());
        for (j, unit) in name.encode_utf16().enumerate() {
            e[56 + 2 * j..58 + 2 * j].copy_from_slice(&unit.to_le_bytes());
        }
        add_fat_partition(
            &mut contents,
            sink,
            rng,
            options,
            fat_type,
            partition_key(index, "gpt", BASIC_DATA_GUID.into(), name, next, sectors),
        )?;
        next += sectors;
    }
    let entries_crc = crc32fast::hash(&entries);
    let disk_guid = guid_bytes(&random_guid(rng));
    let mut protective = boot_record();
    mbr_entry(&mut protective, 0, 0xEE, 1, (total - 1).min(0xFFFF_FFFF));
    sink.write_at(0, &protective)?;
    sink.write_at(
        SECTOR,
        &gpt_header(&disk_guid, 1, total - 1, 2, last_usable, entries_crc),
    )?;
    sink.write_at(2 * SECTOR, &entries)?;
    let backup_entries_lba = total - 33;
    sink.write_at(backup_entries_lba * SECTOR, &entries)?;
    sink.write_at(
        (total - 1) * SECTOR,
        &gpt_header(
            &disk_guid,
            total - 1,
            1,
            backup_entries_lba,
            last_usable,
            entries_crc,
        ),
    )?;
    Ok(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_encoding() {
        let bytes = guid_bytes(BASIC_DATA_GUID);
        assert_eq!(&bytes[..4], &[0xA2, 0xA0, 0xD0, 0xEB]);
        assert_eq!(
            &bytes[8..],
            &[0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7]
        );
    }
}
