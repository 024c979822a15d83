//! Partition tables built byte by byte in the test, read back by `volume::detect`.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use forensics_core::evidence::{EvidenceSource, MemorySource};
use forensics_core::fs::{FsType, layout};
use forensics_core::volume::{Scheme, detect};

const SECTOR: usize = 512;

fn mbr_entry(disk: &mut [u8], sector_offset: usize, slot: usize, kind: u8, lba: u32, sectors: u32) {
    let at = sector_offset + 446 + slot * 16;
    disk[at + 4] = kind;
    disk[at + 8..at + 12].copy_from_slice(&lba.to_le_bytes());
    disk[at + 12..at + 16].copy_from_slice(&sectors.to_le_bytes());
    disk[sector_offset + 510] = 0x55;
    disk[sector_offset + 511] = 0xAA;
}

/// 8 MiB disk: primary FAT32 at 2048, extended at 6144 holding two logical partitions.
fn mbr_disk_with_logical_partitions() -> Vec<u8> {
    let mut disk = vec![0u8; 8 << 20];
    mbr_entry(&mut disk, 0, 0, 0x0C, 2048, 4096);
    mbr_entry(&mut disk, 0, 1, 0x05, 6144, 8192);
    // First EBR at 6144: logical at +63, next EBR at extended+4096.
    mbr_entry(&mut disk, 6144 * SECTOR, 0, 0x83, 63, 2000);
    mbr_entry(&mut disk, 6144 * SECTOR, 1, 0x05, 4096, 4096);
    // Second EBR at 10240: logical at +63, no next.
    mbr_entry(&mut disk, 10240 * SECTOR, 0, 0x07, 63, 3000);
    disk
}

#[test]
fn mbr_lists_primary_and_logical_partitions_in_media_order() {
    let disk = MemorySource::new(mbr_disk_with_logical_partitions());
    let table = detect(&disk).unwrap().expect("an MBR");
    assert_eq!(table.scheme, Scheme::Mbr);
    let found: Vec<(u32, u64, u64, bool)> = table
        .partitions
        .iter()
        .map(|p| (p.index, p.image_offset / 512, p.len_bytes / 512, p.logical))
        .collect();
    assert_eq!(
        found,
        vec![
            (1, 2048, 4096, false),
            (2, 6207, 2000, true),
            (3, 10303, 3000, true)
        ]
    );
    assert!(table.problems.is_empty(), "{:?}", table.problems);
    let first_gap = table.unpartitioned[0];
    assert_eq!(
        (first_gap.image_offset, first_gap.len_bytes),
        (512, 2047 * 512)
    );
}

#[test]
fn an_extended_partition_chain_that_loops_is_a_problem_not_a_hang() {
    let mut disk = mbr_disk_with_logical_partitions();
    // Second EBR points back to the first.
    mbr_entry(&mut disk, 10240 * SECTOR, 1, 0x05, 0, 4096);
    let table = detect(&MemorySource::new(disk)).unwrap().unwrap();
    assert_eq!(table.partitions.len(), 3);
    assert!(table.problems.iter().any(|p| p.message.contains("loops")));
}

fn put_gpt_header(
    disk: &mut [u8],
    header_lba: u64,
    backup_lba: u64,
    entries_lba: u64,
    entries_crc: u32,
) {
    let at = header_lba as usize * SECTOR;
    let header = &mut disk[at..at + 92];
    header[..8].copy_from_slice(b"EFI PART");
    header[8..12].copy_from_slice(&0x0001_0000u32.to_le_bytes());
    header[12..16].copy_from_slice(&92u32.to_le_bytes());
    header[24..32].copy_from_slice(&header_lba.to_le_bytes());
    header[32..40].copy_from_slice(&backup_lba.to_le_bytes());
    header[72..80].copy_from_slice(&entries_lba.to_le_bytes());
    header[80..84].copy_from_slice(&128u32.to_le_bytes());
    header[84..88].copy_from_slice(&128u32.to_le_bytes());
    header[88..92].copy_from_slice(&entries_crc.to_le_bytes());
    let crc = crc32fast::hash(header);
    header[16..20].copy_from_slice(&crc.to_le_bytes());
}

/// 4 MiB GPT disk with two partitions, primary and backup tables.
fn gpt_disk() -> Vec<u8> {
    let mut disk = vec![0u8; 4 << 20];
    let last_lba = (disk.len() / SECTOR - 1) as u64;
    mbr_entry(&mut disk, 0, 0, 0xEE, 1, u32::try_from(last_lba).unwrap());
    let mut entries = vec![0u8; 128 * 128];
    let basic_data = [
        0xa2, 0xa0, 0xd0, 0xeb, 0xe5, 0xb9, 0x33, 0x44, 0x87, 0xc0, 0x68, 0xb6, 0xb7, 0x26, 0x99,
        0xc7,
    ];
    for (slot, (first, last, name)) in [(2048u64, 4095u64, "DATA"), (4096, 6143, "LOGS")]
        .iter()
        .enumerate()
    {
        let entry = &mut entries[slot * 128..(slot + 1) * 128];
        entry[..16].copy_from_slice(&basic_data);
        entry[16] = slot as u8 + 1;
        entry[32..40].copy_from_slice(&first.to_le_bytes());
        entry[40..48].copy_from_slice(&last.to_le_bytes());
        for (i, unit) in name.encode_utf16().enumerate() {
            entry[56 + 2 * i..58 + 2 * i].copy_from_slice(&unit.to_le_bytes());
        }
    }
    let entries_crc = crc32fast::hash(&entries);
    disk[2 * SECTOR..2 * SECTOR + entries.len()].copy_from_slice(&entries);
    let backup_entries_lba = last_lba - 32;
    let at = backup_entries_lba as usize * SECTOR;
    disk[at..at + entries.len()].copy_from_slice(&entries);
    put_gpt_header(&mut disk, 1, last_lba, 2, entries_crc);
    put_gpt_header(&mut disk, last_lba, 1, backup_entries_lba, entries_crc);
    disk
}

#[test]
fn gpt_partitions_come_with_names_and_type_names() {
    let table = detect(&MemorySource::new(gpt_disk())).unwrap().unwrap();
    assert_eq!(table.scheme, Scheme::Gpt);
    let names: Vec<(&str, &str, u64)> = table
        .partitions
        .iter()
        .map(|p| (p.name.as_str(), p.type_name.as_str(), p.image_offset))
        .collect();
    assert_eq!(
        names,
        vec![
            ("DATA", "Microsoft basic data", 2048 * 512),
            ("LOGS", "Microsoft basic data", 4096 * 512)
        ]
    );
    assert!(table.problems.is_empty(), "{:?}", table.problems);
}

#[test]
fn a_gpt_header_with_a_bad_crc_falls_back_to_the_backup_and_says_so() {
    let mut disk = gpt_disk();
    disk[SECTOR + 40] ^= 0xFF;
    let table = detect(&MemorySource::new(disk)).unwrap().unwrap();
    assert_eq!(table.partitions.len(), 2);
    assert!(
        table
            .problems
            .iter()
            .any(|p| p.message.contains("fails its CRC32"))
    );
    assert!(table.problems.iter().any(|p| p.message.contains("backup")));
}

#[test]
fn a_gpt_with_an_absurd_entry_count_is_not_read() {
    let mut disk = gpt_disk();
    let last_lba = (disk.len() / SECTOR - 1) as u64;
    for (lba, entries_lba) in [(1, 2), (last_lba, last_lba - 32)] {
        let at = lba as usize * SECTOR;
        disk[at + 80..at + 84].copy_from_slice(&u32::MAX.to_le_bytes());
        put_gpt_header(&mut disk, lba, 0, entries_lba, 0);
    }
    assert!(detect(&MemorySource::new(disk)).unwrap().is_none());
}

#[test]
fn a_bare_fat_boot_sector_is_not_mistaken_for_a_partition_table() {
    let mut volume = vec![0u8; 1 << 20];
    volume[0] = 0xEB;
    volume[11..13].copy_from_slice(&512u16.to_le_bytes());
    volume[82..90].copy_from_slice(b"FAT32   ");
    volume[446 + 4] = 0x0C; // boot code that happens to look like an entry
    volume[446 + 12] = 1;
    volume[510] = 0x55;
    volume[511] = 0xAA;
    let media: Arc<dyn EvidenceSource> = Arc::new(MemorySource::new(volume));
    assert!(detect(media.as_ref()).unwrap().is_none());
    let found = layout(&media).unwrap();
    assert_eq!(found.volumes.len(), 1);
    assert_eq!(found.volumes[0].fs_type, Some(FsType::Fat32));
}
