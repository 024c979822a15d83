//! The `fat12`, `fat16` and `fat32` scenarios, and the file tree that the
//! disk scenarios put into each partition.

use super::{Contents, ScenarioOptions};
use crate::digest::digests;
use crate::error::{Error, Result};
use crate::fat::{DirId, FatType, FatWriter, Placement, ROOT, Times};
use crate::formats;
use crate::key::{Digests, FileKey, FileSystemKey};
use crate::rng::Rng;
use crate::sink::ImageSink;

/// 2024-01-01T00:00:00Z, the earliest time given to files.
const BASE_EPOCH: i64 = 1_704_067_200;
/// Share of files deleted after being written.
const DELETED_SHARE: f64 = 0.15;
/// Share of the file system's data area that file content may use.
const FILL_SHARE: u64 = 2;
/// Files allowed in the root directory (the FAT12/16 root has a fixed
/// 512 entries, our FAT32 root 256; each file takes up to 4 entries).
const ROOT_FILE_CAP: usize = 40;
/// Files per file system (directories stay below the FAT limit of 65536
/// entries).
const MAX_FILES: usize = 10_000;
/// Largest file we generate (content is built in memory one file at a time).
const MAX_FILE_BYTES: u64 = 4 << 20;

/// Directories created in every file system: (parent index or None for
/// root, name). Names cover 8.3, long, and non-ASCII long names.
const DIRECTORIES: &[(Option<usize>, &str)] = &[
    (None, "DCIM"),
    (Some(0), "100MEDIA"),
    (None, "Documents"),
    (Some(2), "Überweisungen 2024"),
    (None, "Backup"),
    (Some(4), "old logs"),
];

pub fn build_fat12(
    options: &ScenarioOptions,
    rng: &mut Rng,
    sink: &mut ImageSink,
) -> Result<Contents> {
    build_bare(FatType::Fat12, options, rng, sink)
}

pub fn build_fat16(
    options: &ScenarioOptions,
    rng: &mut Rng,
    sink: &mut ImageSink,
) -> Result<Contents> {
    build_bare(FatType::Fat16, options, rng, sink)
}

pub fn build_fat32(
    options: &ScenarioOptions,
    rng: &mut Rng,
    sink: &mut ImageSink,
) -> Result<Contents> {
    build_bare(FatType::Fat32, options, rng, sink)
}

fn build_bare(
    fat_type: FatType,
    options: &ScenarioOptions,
    rng: &mut Rng,
    sink: &mut ImageSink,
) -> Result<Contents> {
    let len = sink.len_bytes();
    let fs = write_file_system(sink, rng, options, fat_type, 0, len, None)?;
    Ok(Contents {
        filesystems: vec![fs],
        notes: notes(),
        ..Contents::default()
    })
}

/// Notes for keys of FAT scenarios.
pub fn notes() -> Vec<String> {
    vec![
        "FAT times are written as UTC (FAT has no time zone); modified has 2 s resolution, accessed is a date (midnight).".into(),
        "deleted files: directory slots start with 0xE5, clusters are free in both FATs, content left in place and contiguous; short_name shows the 0xE5 as `_`.".into(),
        "overwritten=true: a later file reused the deleted file's first clusters, so its bytes in the image no longer match its digests.".into(),
    ]
}

struct PlannedFile {
    dir: usize,
    name: String,
    target_len: usize,
    content_type: &'static str,
    times: Times,
    delete: bool,
}

fn random_times(rng: &mut Rng) -> Times {
    let created = BASE_EPOCH + rng.below(300 * 86_400) as i64;
    let modified = created + rng.below(30 * 86_400) as i64;
    let accessed = modified + rng.below(10 * 86_400) as i64;
    Times {
        created,
        modified,
        accessed,
    }
}

fn file_name(rng: &mut Rng, index: usize, file_type: &str) -> String {
    let upper = file_type.to_ascii_uppercase();
    match rng.below(4) {
        0 => format!("F{index:05}.{upper}"),
        1 => format!(
            "{} {index}.{file_type}",
            crate::words::sentence(rng, 2).trim_end_matches('.')
        ),
        2 => format!("Überweisung März {index}.{file_type}"),
        _ => format!("{}{index}.{file_type}", crate::words::word(rng)),
    }
}

/// Writes a FAT file system with directories and files into `sink` at
/// `base_offset` and returns its part of the key.
pub fn write_file_system(
    sink: &mut ImageSink,
    rng: &mut Rng,
    options: &ScenarioOptions,
    fat_type: FatType,
    base_offset: u64,
    len_bytes: u64,
    partition_index: Option<u32>,
) -> Result<FileSystemKey> {
    let hidden_sectors = (base_offset / 512) as u32;
    let volume_id = rng.next_u64() as u32;
    let mut writer = FatWriter::new(
        fat_type,
        base_offset,
        len_bytes,
        hidden_sectors,
        "CORPUS FAT",
        volume_id,
    )?;
    let cluster_bytes = u64::from(writer.layout().cluster_bytes());
    let data_bytes = u64::from(writer.layout().cluster_count) * cluster_bytes;
    let default_count = match fat_type {
        FatType::Fat12 => 10,
        FatType::Fat16 => 20,
        FatType::Fat32 => 24,
    };
    let file_count = options.file_count.unwrap_or(default_count).max(3);
    if file_count > MAX_FILES {
        return Err(Error::InvalidOption(format!(
            "at most {MAX_FILES} files per FAT file system, asked for {file_count}"
        )));
    }
    let budget_per_file = (data_bytes / FILL_SHARE / file_count as u64).clamp(600, MAX_FILE_BYTES);

    let mut planned = Vec::with_capacity(file_count);
    let mut children = vec![0usize; DIRECTORIES.len() + 1];
    for (parent, _) in DIRECTORIES {
        children[parent.map_or(0, |p| p + 1)] += 1;
    }
    for index in 0..file_count {
        let content_type = *rng.pick(formats::FILE_TYPES);
        let target_len = rng.range(budget_per_file / 4, budget_per_file) as usize;
        let mut dir = rng.below(DIRECTORIES.len() as u64 + 1) as usize;
        if dir == 0 && children[0] >= ROOT_FILE_CAP {
            dir = 1 + rng.below(DIRECTORIES.len() as u64) as usize;
        }
        children[dir] += 1;
        let name = file_name(rng, index, content_type);
        planned.push(PlannedFile {
            dir,
            name,
            target_len,
            content_type,
            times: random_times(rng),
            delete: rng.chance(DELETED_SHARE) || index == 1,
        });
    }
    children[0] += 1; // the file that reuses a deleted file's clusters

    let mut dir_ids: Vec<DirId> = vec![ROOT];
    for (i, (parent, name)) in DIRECTORIES.iter().enumerate() {
        let parent_id = dir_ids[parent.map_or(0, |p| p + 1)];
        let id = writer.mkdir(parent_id, name, random_times(rng), children[i + 1])?;
        dir_ids.push(id);
    }
    let mut types = vec!["dir"; DIRECTORIES.len()];
    let mut contents: Vec<Option<Digests>> = vec![None; DIRECTORIES.len()];
    let mut written = Vec::with_capacity(planned.len());
    let mut content_lens = Vec::with_capacity(planned.len());
    for file in &planned {
        let content = formats::make_file(rng, file.content_type, file.target_len);
        let fragmented = !file.delete && rng.chance(options.fragmentation_rate);
        let placement = if fragmented {
            Placement::Fragmented
        } else {
            Placement::Contiguous
        };
        let index = writer.add_file(
            sink,
            dir_ids[file.dir],
            &file.name,
            &content,
            file.times,
            placement,
        )?;
        written.push(index);
        types.push(file.content_type);
        contents.push(Some(digests(&content)));
        content_lens.push(content.len() as u64);
    }
    let mut overwritten = vec![false; contents.len()];
    let mut reuse_target = None;
    for ((file, &index), &content_len) in planned.iter().zip(&written).zip(&content_lens) {
        if file.delete {
            writer.delete(index);
            if reuse_target.is_none() && content_len > cluster_bytes {
                reuse_target = Some(index);
            }
        }
    }
    if let Some(target) = reuse_target {
        let start = writer.entries[target].clusters[0];
        let content = crate::words::text(rng, cluster_bytes as usize / 2).into_bytes();
        writer.add_file(
            sink,
            ROOT,
            "reused cluster.txt",
            &content,
            random_times(rng),
            Placement::At(start),
        )?;
        overwritten[target] = true;
        overwritten.push(false);
        contents.push(Some(digests(&content)));
        types.push("txt");
    }
    writer.finish(sink)?;

    let files = writer
        .entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let mut short_name = entry.short_name.clone();
            if entry.deleted {
                short_name.replace_range(..1, "_");
            }
            FileKey {
                id: format!("F{:03}", i + 1),
                path: entry.path.clone(),
                short_name,
                is_dir: entry.is_dir,
                size: entry.size,
                digests: contents.get(i).cloned().flatten().unwrap_or_default(),
                content_type: types.get(i).copied().unwrap_or("bin").to_string(),
                deleted: entry.deleted,
                overwritten: overwritten.get(i).copied().unwrap_or(false),
                modified: entry.times.modified,
                accessed: entry.times.accessed,
                created: entry.times.created,
                first_cluster: entry.clusters.first().copied().unwrap_or(0),
                cluster_runs: runs(&entry.clusters),
                image_offset: (!entry.is_dir && entry.size > 0)
                    .then(|| {
                        entry
                            .clusters
                            .first()
                            .map(|&c| writer.cluster_image_offset(c))
                    })
                    .flatten(),
            }
        })
        .collect();
    Ok(FileSystemKey {
        fs_type: fat_type.name().to_string(),
        partition_index,
        image_offset: base_offset,
        len_bytes,
        cluster_size: writer.layout().cluster_bytes(),
        label: "CORPUS FAT".into(),
        files,
    })
}

/// Cluster list to `[first, count]` runs.
fn runs(clusters: &[u32]) -> Vec<[u32; 2]> {
    let mut out: Vec<[u32; 2]> = Vec::new();
    for &cluster in clusters {
        match out.last_mut() {
            Some(run) if run[0] + run[1] == cluster => run[1] += 1,
            _ => out.push([cluster, 1]),
        }
    }
    out
}
