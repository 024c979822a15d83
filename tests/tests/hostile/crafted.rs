//! Crafted structures: loops (FAT chains, directory cycles, GPT entry
//! counts, EWF section chains, ext directory cycles), absurd sizes, and a
//! decompression bomb in an E01 chunk. Checksums are recomputed where the
//! format has them, so that the crafted value is what the reader meets.

use std::io::Write;

use super::images::{
    Bases, EWF_DESCRIPTOR_LEN, FatLayout, adler32, crc32, ewf_sections, fix_ewf_descriptor, le16,
    le32, put,
};
use super::{Case, Expect};

fn fat(bases: &Bases, label: &str) -> Vec<u8> {
    bases
        .fat
        .iter()
        .find(|(l, _)| *l == label)
        .unwrap()
        .1
        .clone()
}

/// Sets FAT entry `cluster` to `value` in every FAT copy (FAT16 and FAT32).
fn set_fat_entry(volume: &mut [u8], fat: &FatLayout, width: usize, cluster: u64, value: u64) {
    for copy in 0..fat.fat_count {
        let at = fat.fat_offset + copy * fat.fat_bytes + cluster as usize * width;
        put(volume, at, width, value);
    }
}

/// The first live short entry of the directory at `offset` matching `want`.
fn find_entry(volume: &[u8], offset: usize, want: impl Fn(&[u8]) -> bool) -> Option<usize> {
    (0..512).map(|i| offset + i * 32).find(|&at| {
        let entry = &volume[at..at + 32];
        entry[0] != 0 && entry[0] != 0xE5 && entry[0] != b'.' && entry[11] != 0x0F && want(entry)
    })
}

fn entry_cluster(entry: &[u8]) -> u64 {
    (le16(entry, 20) << 16) | le16(entry, 26)
}

fn fat_loops(cases: &mut Vec<Case>, bases: &Bases) {
    for (label, width) in [("fat16", 2usize), ("fat32", 4)] {
        let base = fat(bases, label);
        let layout = FatLayout::read(&base);
        let mut self_loops = base.clone();
        for cluster in 3..200 {
            set_fat_entry(&mut self_loops, &layout, width, cluster, cluster);
        }
        cases.push(Case::new(
            format!("loop/{label}/chains-to-self"),
            self_loops,
            Expect::Noticed,
        ));
        let mut two_cycle = base.clone();
        for cluster in 3..200 {
            set_fat_entry(
                &mut two_cycle,
                &layout,
                width,
                cluster,
                3 + (cluster - 2) % 2,
            );
        }
        cases.push(Case::new(
            format!("loop/{label}/two-cluster-cycle"),
            two_cycle,
            Expect::Noticed,
        ));

        let mut cycle = base;
        let root = layout.root_dir_offset();
        let dir = find_entry(&cycle, root, |e| e[11] & 0x10 != 0).unwrap();
        let dir_cluster = entry_cluster(&cycle[dir..dir + 32]);
        let inner = find_entry(&cycle, layout.cluster_offset(dir_cluster), |_| true).unwrap();
        cycle[inner + 11] = 0x10;
        put(&mut cycle, inner + 26, 2, dir_cluster & 0xFFFF);
        put(&mut cycle, inner + 20, 2, dir_cluster >> 16);
        cases.push(Case::new(
            format!("loop/{label}/directory-contains-itself"),
            cycle,
            Expect::Noticed,
        ));
    }
}

/// Rewrites the GPT header CRC (and the entry array CRC first).
fn fix_gpt(disk: &mut [u8]) {
    let entries = le32(disk, 512 + 80) as usize;
    let entry_len = le32(disk, 512 + 84) as usize;
    if let Some(array) = disk.get(1024..1024 + entries.saturating_mul(entry_len)) {
        let array_crc = crc32(array);
        put(disk, 512 + 88, 4, u64::from(array_crc));
    }
    let header_len = le32(disk, 512 + 12) as usize;
    put(disk, 512 + 16, 4, 0);
    let header_crc = crc32(&disk[512..512 + header_len]);
    put(disk, 512 + 16, 4, u64::from(header_crc));
}

fn gpt_and_ewf_loops(cases: &mut Vec<Case>, bases: &Bases) {
    let gpt = &bases.disks[1].1;
    for (what, count, len) in [
        ("billions-of-entries", 0xFFFF_FFFF, 128),
        ("huge-entries", 128, 0x8000_0000),
    ] {
        let mut disk = gpt.clone();
        put(&mut disk, 512 + 80, 4, count);
        put(&mut disk, 512 + 84, 4, len);
        fix_gpt(&mut disk);
        cases.push(Case::new(
            format!("loop/disk-gpt/{what}"),
            disk,
            Expect::Noticed,
        ));
    }
    for (name, segment) in &bases.ewf {
        let sections = ewf_sections(segment);
        let mut to_self = segment.clone();
        put(&mut to_self, 13 + 16, 8, 13);
        fix_ewf_descriptor(&mut to_self, 13);
        cases.push(
            Case::new(
                format!("loop/{name}/section-to-itself"),
                to_self,
                Expect::Noticed,
            )
            .e01(),
        );
        let last = sections.iter().rev().find(|s| s.kind != "done").unwrap();
        let mut back = segment.clone();
        put(&mut back, last.offset + 16, 8, 13);
        fix_ewf_descriptor(&mut back, last.offset);
        cases.push(
            Case::new(
                format!("loop/{name}/section-back-to-start"),
                back,
                Expect::Noticed,
            )
            .e01(),
        );
    }
}

/// Offset of the first ext directory entry whose name and type are `tail`.
fn ext_entry(volume: &[u8], tail: &[u8]) -> usize {
    volume.windows(tail.len()).position(|w| w == tail).unwrap() - 6
}

fn ext_loops(cases: &mut Vec<Case>, bases: &Bases) {
    for (name, volume) in &bases.ext {
        let mut cycle = volume.clone();
        let dir = ext_entry(&cycle, b"\x03\x02dir");
        let dir_inode = le32(&cycle, dir);
        let file = ext_entry(&cycle, b"\x05\x01b.txt");
        put(&mut cycle, file, 4, dir_inode);
        cycle[file + 7] = 2;
        cases.push(Case::new(
            format!("loop/{name}/directory-contains-itself"),
            cycle,
            Expect::Survives,
        ));
        let mut to_root = volume.clone();
        put(&mut to_root, file, 4, 2);
        to_root[file + 7] = 2;
        cases.push(Case::new(
            format!("loop/{name}/entry-is-root"),
            to_root,
            Expect::Survives,
        ));
        for depth in [1u64, 0xFFFF] {
            let mut deep = volume.clone();
            let headers: Vec<usize> = deep
                .windows(2)
                .enumerate()
                .filter(|(_, w)| w == &[0x0A, 0xF3])
                .map(|(at, _)| at)
                .collect();
            for at in headers {
                put(&mut deep, at + 6, 2, depth);
            }
            cases.push(Case::new(
                format!("loop/{name}/extent-depth-{depth}"),
                deep,
                Expect::Survives,
            ));
        }
    }
}

/// Loops and cycles in every format that has links.
pub fn loops(bases: &Bases) -> Vec<Case> {
    let mut cases = Vec::new();
    fat_loops(&mut cases, bases);
    gpt_and_ewf_loops(&mut cases, bases);
    ext_loops(&mut cases, bases);
    cases
}

fn ewf_section(segment: &[u8], kinds: &[&str]) -> Option<super::images::EwfSection> {
    ewf_sections(segment)
        .into_iter()
        .find(|s| kinds.contains(&s.kind.as_str()))
}

/// Sets a field of an EWF section's data and recomputes the data checksum
/// stored at `checksum_at` (relative to the data) over the bytes before it.
fn patch_ewf_data(segment: &mut [u8], data: usize, field: (usize, usize, u64), checksum_at: usize) {
    put(segment, data + field.0, field.1, field.2);
    let checksum = adler32(&segment[data..data + checksum_at]);
    put(segment, data + checksum_at, 4, u64::from(checksum));
}

fn ewf_sizes(cases: &mut Vec<Case>, bases: &Bases) {
    for (name, segment) in &bases.ewf {
        let volume = ewf_section(segment, &["volume", "disk"]).unwrap();
        let data = volume.offset + EWF_DESCRIPTOR_LEN;
        let fields = [
            ("chunk-count-4g", (4, 4, 0xFFFF_FFFF)),
            ("sectors-per-chunk-2g", (8, 4, 0x7FFF_FFFF)),
            ("bytes-per-sector-2g", (12, 4, 0x8000_0000)),
            ("sector-count-2^63", (16, 8, 1 << 63)),
        ];
        for (what, field) in fields {
            let mut crafted = segment.clone();
            patch_ewf_data(&mut crafted, data, field, 1048);
            cases.push(Case::new(format!("size/{name}/{what}"), crafted, Expect::Noticed).e01());
        }
        let table = ewf_section(segment, &["table"]).unwrap();
        let mut entries = segment.clone();
        patch_ewf_data(
            &mut entries,
            table.offset + EWF_DESCRIPTOR_LEN,
            (0, 4, 0xFFFF_FFFF),
            20,
        );
        cases.push(
            Case::new(
                format!("size/{name}/table-entries-4g"),
                entries,
                Expect::Noticed,
            )
            .e01(),
        );
    }
}

/// Absurd lengths, counts and offsets.
pub fn absurd_sizes(bases: &Bases) -> Vec<Case> {
    let mut cases = Vec::new();
    for label in ["fat12", "fat16", "fat32"] {
        let mut volume = fat(bases, label);
        let layout = FatLayout::read(&volume);
        let file = find_entry(&volume, layout.root_dir_offset(), |e| e[11] & 0x18 == 0).unwrap();
        put(&mut volume, file + 28, 4, 0xFFFF_FFFF);
        cases.push(Case::new(
            format!("size/{label}/file-size-4g"),
            volume,
            Expect::Noticed,
        ));
        for (what, at, width, value) in [
            ("cluster-255-sectors", 13, 1, 255),
            ("sector-64k", 11, 2, 0xFFFF),
        ] {
            let mut boot = fat(bases, label);
            put(&mut boot, at, width, value);
            cases.push(Case::new(
                format!("size/{label}/{what}"),
                boot,
                Expect::Survives,
            ));
        }
    }
    let mut mbr = bases.disks[0].1.clone();
    put(&mut mbr, 446 + 8, 4, 0xFFFF_FFF0);
    put(&mut mbr, 446 + 12, 4, 0xFFFF_FFFF);
    cases.push(Case::new(
        "size/disk-mbr/partition-past-2tib",
        mbr,
        Expect::Noticed,
    ));
    let mut gpt = bases.disks[1].1.clone();
    put(&mut gpt, 1024 + 32, 8, 1 << 63);
    put(&mut gpt, 1024 + 40, 8, u64::MAX);
    fix_gpt(&mut gpt);
    cases.push(Case::new(
        "size/disk-gpt/partition-at-2^63",
        gpt,
        Expect::Noticed,
    ));
    for (name, volume) in &bases.ext {
        let mut superblock = volume.clone();
        put(&mut superblock, 1024, 4, 0xFFFF_FFFF);
        put(&mut superblock, 1028, 4, 0xFFFF_FFFF);
        cases.push(Case::new(
            format!("size/{name}/counts-4g"),
            superblock,
            Expect::Survives,
        ));
    }
    ewf_sizes(&mut cases, bases);
    cases
}

/// A zlib stream that inflates to far more than a chunk.
fn zlib_bomb(inflated_bytes: usize) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![0u8; inflated_bytes]).unwrap();
    encoder.finish().unwrap()
}

/// Decompression bombs: an E01 chunk whose deflate stream inflates to many
/// times the chunk size.
pub fn bombs(bases: &Bases) -> Vec<Case> {
    let mut cases = Vec::new();
    for (name, segment) in &bases.ewf {
        let Some(table) = ewf_section(segment, &["table"]) else {
            continue;
        };
        let data = table.offset + EWF_DESCRIPTOR_LEN;
        let count = le32(segment, data) as usize;
        let base = super::images::le64(segment, data + 8) as usize;
        let entry = |i: usize| le32(segment, data + 24 + 4 * i);
        for inflated in [1 << 16, 1 << 24] {
            let bomb = zlib_bomb(inflated);
            let slot = (0..count.saturating_sub(1)).find(|&i| {
                let start = (entry(i) & 0x7FFF_FFFF) as usize;
                let end = (entry(i + 1) & 0x7FFF_FFFF) as usize;
                entry(i) & 0x8000_0000 != 0 && end.saturating_sub(start) >= bomb.len()
            });
            let Some(slot) = slot else {
                continue;
            };
            let mut crafted = segment.clone();
            let at = base + (entry(slot) & 0x7FFF_FFFF) as usize;
            crafted[at..at + bomb.len()].copy_from_slice(&bomb);
            let label = format!("bomb/{name}/chunk-{slot}-inflates-{inflated}");
            cases.push(Case::new(label, crafted, Expect::Noticed).e01());
        }
    }
    cases
}
