//! Every key entry equals the bytes at its place in the image, checked with
//! readers written here from the specifications (not the generator's code).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{FatReader, crc32, read_image, sha256, small_options};
use corpus::AnswerKey;
use std::io::Read;

fn generate(name: &str, seed: u64) -> (tempfile::TempDir, AnswerKey, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = corpus::generate(name, &small_options(name, seed), dir.path()).expect("generate");
    let image = read_image(dir.path(), name);
    (dir, key, image)
}

fn check_fat_files(key: &AnswerKey, image: &[u8]) {
    for fs in &key.filesystems {
        let start = fs.image_offset as usize;
        let reader = FatReader::new(&image[start..start + fs.len_bytes as usize]);
        assert_eq!(
            format!("fat{}", reader.bits),
            fs.fs_type,
            "FAT type by cluster count"
        );
        assert_eq!(reader.cluster_bytes as u32, fs.cluster_size);
        let mut deleted = 0;
        let mut overwritten = 0;
        for file in fs.files.iter().filter(|f| !f.is_dir && f.size > 0) {
            let clusters: Vec<usize> = if file.deleted {
                deleted += 1;
                for run in &file.cluster_runs {
                    for c in run[0]..run[0] + run[1] {
                        if !file.overwritten {
                            assert_eq!(
                                reader.entry(c as usize),
                                0,
                                "{}: deleted file's cluster {c} must be free",
                                file.path
                            );
                        }
                    }
                }
                // Deleted files are contiguous: recovery reads on from the first cluster.
                let needed = (file.size as usize).div_ceil(reader.cluster_bytes);
                (file.first_cluster as usize..file.first_cluster as usize + needed).collect()
            } else {
                let chain = reader.chain(file.first_cluster as usize);
                let runs: Vec<usize> = file
                    .cluster_runs
                    .iter()
                    .flat_map(|r| r[0] as usize..(r[0] + r[1]) as usize)
                    .collect();
                assert_eq!(
                    chain, runs,
                    "{}: FAT chain equals the key's cluster runs",
                    file.path
                );
                chain
            };
            let content = reader.read(&clusters, file.size as usize);
            if file.overwritten {
                overwritten += 1;
                assert_ne!(
                    sha256(&content),
                    file.digests.sha256,
                    "{}: overwritten file must differ",
                    file.path
                );
            } else {
                assert_eq!(
                    sha256(&content),
                    file.digests.sha256,
                    "{}: content equals key digest",
                    file.path
                );
            }
            let expected_offset =
                fs.image_offset + reader.cluster_offset(file.first_cluster as usize) as u64;
            assert_eq!(file.image_offset, Some(expected_offset), "{}", file.path);
        }
        assert!(deleted >= 1, "every file system has a deleted file");
        assert_eq!(overwritten, 1, "one deleted file has a reused cluster");
    }
}

#[test]
fn fat_and_disk_keys_match_the_bytes() {
    for name in ["fat12", "fat16", "fat32", "disk-mbr", "disk-gpt"] {
        let (_dir, key, image) = generate(name, 21);
        check_fat_files(&key, &image);
        let non_ascii = key.all_files().filter(|(_, f)| !f.path.is_ascii()).count();
        assert!(non_ascii > 0, "{name}: has non-ASCII names");
        let fragmented = key
            .all_files()
            .filter(|(_, f)| f.cluster_runs.len() > 1)
            .count();
        if name != "fat12" {
            assert!(
                fragmented > 0 || key.all_files().count() < 10,
                "{name}: has fragmented files"
            );
        }
    }
}

#[test]
fn partition_tables_match_the_key() {
    let (_dir, key, image) = generate("disk-mbr", 3);
    assert_eq!(&image[510..512], &[0x55, 0xAA]);
    let primary: Vec<_> = key.partitions.iter().filter(|p| p.index <= 4).collect();
    for p in &primary {
        let at = 446 + (p.index as usize - 1) * 16;
        let start = u32::from_le_bytes(image[at + 8..at + 12].try_into().expect("4 bytes"));
        let len = u32::from_le_bytes(image[at + 12..at + 16].try_into().expect("4 bytes"));
        assert_eq!(
            (u64::from(start), u64::from(len)),
            (p.start_sector, p.sector_count)
        );
    }
    assert_eq!(
        key.partitions
            .iter()
            .filter(|p| p.role == "logical")
            .count(),
        2
    );

    let (_dir, key, image) = generate("disk-gpt", 3);
    assert_eq!(image[446 + 4], 0xEE, "protective MBR");
    let header = &image[512..1024];
    assert_eq!(&header[..8], b"EFI PART");
    let mut zeroed = header[..92].to_vec();
    zeroed[16..20].fill(0);
    assert_eq!(
        crc32(&zeroed),
        u32::from_le_bytes(header[16..20].try_into().expect("4"))
    );
    let entries = &image[1024..1024 + 128 * 128];
    assert_eq!(
        crc32(entries),
        u32::from_le_bytes(header[88..92].try_into().expect("4"))
    );
    let backup = &image[image.len() - 512..];
    assert_eq!(&backup[..8], b"EFI PART");
    assert_eq!(&image[image.len() - 33 * 512..image.len() - 512], entries);
    for p in &key.partitions {
        let e = &entries[(p.index as usize - 1) * 128..p.index as usize * 128];
        let first = u64::from_le_bytes(e[32..40].try_into().expect("8"));
        let last = u64::from_le_bytes(e[40..48].try_into().expect("8"));
        assert_eq!((first, last - first + 1), (p.start_sector, p.sector_count));
    }
}

#[test]
fn carved_items_match_the_bytes() {
    let (_dir, key, image) = generate("carve-blob", 4);
    let mut statuses = Vec::new();
    for item in &key.carved {
        let bytes: Vec<u8> = item
            .fragments
            .iter()
            .flat_map(|f| {
                image[f.image_offset as usize..(f.image_offset + f.length) as usize]
                    .iter()
                    .copied()
            })
            .collect();
        assert_eq!(sha256(&bytes), item.present_sha256, "{}", item.id);
        assert_eq!(bytes.len() as u64, item.present_length);
        if item.status != "truncated" {
            assert_eq!(item.sha256, item.present_sha256);
        }
        let magic: &[u8] = match item.file_type.as_str() {
            "jpg" => b"\xFF\xD8\xFF",
            "png" => b"\x89PNG",
            "gif" => b"GIF89a",
            "pdf" => b"%PDF-",
            "zip" => b"PK\x03\x04",
            _ => b"SQLite format 3\0",
        };
        assert!(
            bytes.starts_with(magic),
            "{} starts with its signature",
            item.id
        );
        if item.placement == "aligned" {
            assert_eq!(item.image_offset % 4096, 0);
        }
        statuses.push((item.status.clone(), item.placement.clone()));
    }
    for wanted in [
        ("fragmented", "aligned"),
        ("truncated", "aligned"),
        ("complete", "nested"),
        ("complete", "unaligned"),
    ] {
        assert!(
            statuses
                .iter()
                .any(|(s, p)| (s.as_str(), p.as_str()) == wanted),
            "has {wanted:?}"
        );
    }
}

#[test]
fn features_match_the_bytes() {
    let (_dir, key, image) = generate("memdump", 5);
    assert!(key.features.iter().any(|f| f.encoding == "utf16le"));
    assert!(key.features.iter().any(|f| f.crosses_page));
    assert!(key.features.iter().any(|f| f.valid == Some(false)));
    for f in &key.features {
        let expected: Vec<u8> = if f.encoding == "utf16le" {
            f.value.encode_utf16().flat_map(u16::to_le_bytes).collect()
        } else {
            f.value.as_bytes().to_vec()
        };
        match &f.forensic_path {
            Some(path) => {
                let inner: usize = path
                    .rsplit('-')
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("inner offset");
                assert!(path.starts_with(&format!("{}-GZIP-", f.image_offset)));
                let mut text = Vec::new();
                flate2::read::GzDecoder::new(&image[f.image_offset as usize..])
                    .read_to_end(&mut text)
                    .expect("gzip stream");
                assert_eq!(
                    &text[inner..inner + expected.len()],
                    expected.as_slice(),
                    "{path}"
                );
            }
            None => {
                let at = f.image_offset as usize;
                assert_eq!(
                    &image[at..at + expected.len()],
                    expected.as_slice(),
                    "{} at {at}",
                    f.value
                );
                assert_eq!(f.len_bytes as usize, expected.len());
            }
        }
    }
}
