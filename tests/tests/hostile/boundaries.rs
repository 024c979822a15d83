//! Truncation at every structure boundary, and seeded bit flips in the
//! metadata of every base image.

use super::images::{Bases, EWF_DESCRIPTOR_LEN, FatLayout, ewf_sections, le16, le64};
use super::{Case, Expect};

/// Bit-flip variants per base image.
const FLIP_VARIANTS: u64 = 8;
/// Bits flipped in one variant.
const FLIPS_PER_VARIANT: usize = 24;
/// Flips land in the first bytes, where the metadata is.
const FLIP_REGION_BYTES: usize = 256 * 1024;

fn cut(name: String, bytes: &[u8], at: usize, expect: Expect) -> Case {
    Case::new(name, bytes[..at.min(bytes.len())].to_vec(), expect)
}

fn fat_truncations(cases: &mut Vec<Case>, label: &str, volume: &[u8]) {
    let fat = FatLayout::read(volume);
    let fat_end = fat.fat_offset + fat.fat_count * fat.fat_bytes;
    let root = fat.root_dir_offset();
    let points = [
        ("boot-sector-half", 256),
        ("boot-sector", fat.bytes_per_sector),
        ("fat1-start", fat.fat_offset),
        ("fat1-half", fat.fat_offset + fat.fat_bytes / 2),
        ("fat1-end", fat.fat_offset + fat.fat_bytes),
        ("fats-end", fat_end),
        ("root-start", root),
        ("root-one-entry", root + 32),
        ("root-end", fat.data_offset),
        ("data-one-cluster", fat.data_offset + fat.cluster_bytes),
        (
            "data-half",
            fat.data_offset + (volume.len() - fat.data_offset) / 2,
        ),
        ("last-byte", volume.len() - 1),
    ];
    for (what, at) in points {
        cases.push(cut(
            format!("truncate/{label}/{what}"),
            volume,
            at,
            Expect::Noticed,
        ));
    }
}

fn ntfs_truncations(cases: &mut Vec<Case>, volume: &[u8]) {
    let cluster_bytes = le16(volume, 11) as usize * volume[13] as usize;
    let mft_offset = le64(volume, 48) as usize * cluster_bytes;
    let mut points = vec![
        ("boot-sector".to_string(), 512),
        ("mft-start".into(), mft_offset),
    ];
    for record in [1usize, 2, 3, 5, 6, 11, 16, 24, 40] {
        points.push((format!("mft-record-{record}"), mft_offset + record * 1024));
        points.push((
            format!("mft-record-{record}-half"),
            mft_offset + record * 1024 - 512,
        ));
    }
    points.push(("half".into(), volume.len() / 2));
    points.push(("last-byte".into(), volume.len() - 1));
    for (what, at) in points {
        cases.push(cut(
            format!("truncate/ntfs/{what}"),
            volume,
            at,
            Expect::Noticed,
        ));
    }
}

fn ext_truncations(cases: &mut Vec<Case>, name: &str, volume: &[u8]) {
    let mut at = 1024;
    while at < volume.len() {
        cases.push(cut(
            format!("truncate/{name}/{at}"),
            volume,
            at,
            Expect::Noticed,
        ));
        at += if at < 8192 { 1024 } else { 8192 };
    }
}

fn disk_truncations(cases: &mut Vec<Case>, name: &str, disk: &[u8]) {
    let mut points = vec![
        ("mbr-half".to_string(), 256),
        ("mbr".into(), 512),
        ("gpt-header".into(), 1024),
        ("gpt-entries".into(), 512 * 34),
    ];
    for slot in 0..4 {
        let entry = 446 + 16 * slot;
        let start = (le64(disk, entry + 8) & 0xFFFF_FFFF) as usize * 512;
        if disk[entry + 4] != 0 && start > 0 {
            points.push((format!("partition-{slot}-start"), start + 512));
        }
    }
    points.push(("before-backup-gpt".into(), disk.len() - 512 * 33));
    points.push(("last-sector".into(), disk.len() - 512));
    for (what, at) in points {
        cases.push(cut(
            format!("truncate/{name}/{what}"),
            disk,
            at,
            Expect::Noticed,
        ));
    }
}

fn ewf_truncations(cases: &mut Vec<Case>, name: &str, segment: &[u8]) {
    for section in ewf_sections(segment) {
        let mut points = vec![
            ("start", section.offset),
            ("descriptor", section.offset + EWF_DESCRIPTOR_LEN),
        ];
        if section.size > EWF_DESCRIPTOR_LEN as u64 * 2 {
            points.push(("half", section.offset + section.size as usize / 2));
        }
        for (what, at) in points {
            if at < segment.len() && at > 13 {
                let label = format!("truncate/{name}/{}-{what}", section.kind);
                cases.push(cut(label, segment, at, Expect::Noticed).e01());
            }
        }
    }
}

/// Every base image cut at each of its structure boundaries.
pub fn truncations(bases: &Bases) -> Vec<Case> {
    let mut cases = Vec::new();
    for (label, volume) in &bases.fat {
        fat_truncations(&mut cases, label, volume);
    }
    ntfs_truncations(&mut cases, &bases.ntfs);
    for (name, volume) in &bases.ext {
        ext_truncations(&mut cases, name, volume);
    }
    for (name, disk) in &bases.disks {
        disk_truncations(&mut cases, name, disk);
    }
    for (name, segment) in &bases.ewf {
        ewf_truncations(&mut cases, name, segment);
    }
    cases
}

/// SplitMix64: reproducible flips.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn flipped(bytes: &[u8], seed: u64) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let region = out.len().min(FLIP_REGION_BYTES);
    let mut state = seed;
    for _ in 0..FLIPS_PER_VARIANT {
        let bit = splitmix(&mut state) as usize % (region * 8);
        out[bit / 8] ^= 1 << (bit % 8);
    }
    out
}

/// Seeded bit flips in the first bytes of every base image.
pub fn bit_flips(bases: &Bases) -> Vec<Case> {
    let mut sources: Vec<(String, &[u8], bool)> = Vec::new();
    for (label, volume) in &bases.fat {
        sources.push((label.to_string(), volume, false));
    }
    sources.push(("ntfs".into(), &bases.ntfs, false));
    for (name, volume) in &bases.ext {
        sources.push((name.clone(), volume, false));
    }
    sources.push(("disk-gpt".into(), &bases.disks[1].1, false));
    for (name, segment) in &bases.ewf {
        sources.push((name.clone(), segment, true));
    }
    let mut cases = Vec::new();
    for (name, bytes, is_ewf) in sources {
        for variant in 0..FLIP_VARIANTS {
            let case = Case::new(
                format!("flip/{name}/{variant}"),
                flipped(bytes, variant * 7919 + name.len() as u64),
                Expect::Survives,
            );
            cases.push(if is_ewf { case.e01() } else { case });
        }
    }
    cases
}
