//! The `ntfs` scenario: a file tree planned from the seed, written into a
//! volume made by `mkntfs` through an `ntfs-3g` FUSE mount.
//!
//! The tree (names, content, times, streams, which files are deleted) is a
//! function of the seed alone, and the key is computed from it, never from
//! the image. The image bytes are not reproducible: mkntfs picks a volume
//! serial and both tools stamp system files and `$FILE_NAME` attributes with
//! the current time. So `ntfs` is content-deterministic, not
//! byte-deterministic.

use super::ntfs_tools::{CLUSTER_BYTES, NtfsTools};
use super::{Contents, ScenarioOptions};
use crate::digest::digests;
use crate::error::{Error, Result};
use crate::formats;
use crate::key::{Digests, FileKey, FileSystemKey};
use crate::rng::Rng;
use crate::sink::ImageSink;
use crate::words;
use std::fs::{File, FileTimes};
use std::io::Read;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 2024-01-01T00:00:00Z, the earliest time given to files.
const BASE_EPOCH: i64 = 1_704_067_200;
/// Files when the options give no count.
const DEFAULT_FILES: usize = 24;
/// Most files in one volume (each file's content is held in memory).
const MAX_FILES: usize = 2_000;
/// Share of the volume that file content may use (1/N).
const FILL_DIVISOR: u64 = 3;
/// Share of files deleted after everything was written.
const DELETED_SHARE: f64 = 0.15;
/// Share of files given a second (alternate) data stream.
const STREAM_SHARE: f64 = 0.1;
/// Volume label.
const LABEL: &str = "CORPUS";
/// Copy buffer for moving the finished volume into the image.
const COPY_CHUNK_BYTES: usize = 1 << 20;

/// Directories, parents first; names include non-ASCII ones.
const DIRECTORIES: &[&str] = &[
    "Documents",
    "Documents/Reports",
    "Documents/Reports/2024",
    "Downloads",
    "Pictures",
    "Pictures/Urlaub Café",
    "Users",
    "Users/Łukasz",
    "Users/Łukasz/Рабочий стол",
];
/// Index in [`DIRECTORIES`] of `Downloads` (its files get a Zone.Identifier).
const DOWNLOADS: usize = 3;
/// Content types written (formats from [`formats::make_file`]).
const FILE_TYPES: &[&str] = &["jpg", "pdf", "txt", "csv", "jpg", "pdf"];

struct PlannedFile {
    /// Path relative to the root, `/`-separated.
    path: String,
    content_type: &'static str,
    data: Vec<u8>,
    modified: i64,
    accessed: i64,
    /// Name and content of an alternate data stream.
    stream: Option<(String, Vec<u8>)>,
    delete: bool,
}

/// Builds the `ntfs` scenario (needs mkntfs, ntfs-3g and FUSE).
pub fn build(options: &ScenarioOptions, rng: &mut Rng, sink: &mut ImageSink) -> Result<Contents> {
    let tools = NtfsTools::find()?;
    let files = plan(options, rng, sink.len_bytes())?;
    let dir_times: Vec<(i64, i64)> = DIRECTORIES.iter().map(|_| random_times(rng)).collect();
    let work_parent = sink.path().parent().unwrap_or(Path::new("."));
    let work = tempfile::Builder::new()
        .prefix(".corpus-ntfs-")
        .tempdir_in(work_parent)
        .map_err(|e| Error::io(work_parent, e))?;
    let volume = work.path().join("volume.img");
    let file = File::create(&volume).map_err(|e| Error::io(&volume, e))?;
    file.set_len(sink.len_bytes())
        .map_err(|e| Error::io(&volume, e))?;
    drop(file);
    tools.format(&volume, LABEL)?;
    let mount_point = work.path().join("mnt");
    std::fs::create_dir(&mount_point).map_err(|e| Error::io(&mount_point, e))?;
    let mount = tools.mount(&volume, &mount_point)?;
    populate(mount.path(), &files, &dir_times)?;
    mount.unmount()?;
    copy_into(&volume, sink)?;
    Ok(Contents {
        filesystems: vec![key(&files, &dir_times, sink.len_bytes())],
        notes: notes(),
        ..Contents::default()
    })
}

/// Notes for the key of the `ntfs` scenario.
fn notes() -> Vec<String> {
    vec![
        "ntfs is content-deterministic, not byte-deterministic: the same seed gives the same files, names, sizes, digests, times and deleted flags, but mkntfs/ntfs-3g put a new volume serial and current times into system files and $FILE_NAME attributes, so image hashes differ between runs.".into(),
        "alternate data streams are listed as `path:stream` entries (type `stream`) with their own size and digests.".into(),
        "modified/accessed are the $STANDARD_INFORMATION times set through the mount (epoch seconds); created is not controlled and given as 0.".into(),
        "deleted files were removed through the mount after all writes, so their MFT records and clusters still hold the content.".into(),
        "short_name, first_cluster, cluster_runs and image_offset are not known for NTFS (the key comes from the written tree, not from parsing the image).".into(),
    ]
}

fn random_times(rng: &mut Rng) -> (i64, i64) {
    let modified = BASE_EPOCH + rng.below(300 * 86_400) as i64;
    (modified, modified + rng.below(10 * 86_400) as i64)
}

fn file_name(rng: &mut Rng, index: usize, ext: &str) -> String {
    if index == 0 {
        return format!("Überweisung_Отчёт_報告 {index}.{ext}");
    }
    match rng.below(3) {
        0 => format!("{}_{index}.{ext}", words::word(rng)),
        1 => format!("Scan {index:04}.{ext}"),
        _ => format!("Rechnung März {index}.{ext}"),
    }
}

fn plan(options: &ScenarioOptions, rng: &mut Rng, volume_bytes: u64) -> Result<Vec<PlannedFile>> {
    let count = options.file_count.unwrap_or(DEFAULT_FILES);
    if count > MAX_FILES {
        return Err(Error::InvalidOption(format!(
            "ntfs: at most {MAX_FILES} files, asked for {count}"
        )));
    }
    let budget_bytes = volume_bytes / FILL_DIVISOR;
    let mut used_bytes = 0u64;
    let mut files = Vec::with_capacity(count);
    for index in 0..count {
        let mut file_rng = rng.fork(index as u64);
        let dir = if index == DOWNLOADS {
            DOWNLOADS
        } else {
            file_rng.below(DIRECTORIES.len() as u64 + 1) as usize
        };
        let content_type = *file_rng.pick(FILE_TYPES);
        let target_len = file_rng.range(600, 48_000) as usize;
        let data = formats::make_file(&mut file_rng, content_type, target_len);
        used_bytes = used_bytes.saturating_add(data.len() as u64);
        if used_bytes > budget_bytes {
            return Err(Error::InvalidOption(format!(
                "ntfs: {count} files do not fit into {volume_bytes} bytes; raise --size or lower --files"
            )));
        }
        let name = file_name(&mut file_rng, index, content_type);
        let path = match DIRECTORIES.get(dir) {
            Some(parent) => format!("{parent}/{name}"),
            None => name,
        };
        let delete = index == 1 || index == 2 || (index > 3 && file_rng.chance(DELETED_SHARE));
        let stream = if delete {
            None
        } else if dir == DOWNLOADS {
            let zone = file_rng.range(2, 4);
            Some((
                "Zone.Identifier".to_string(),
                format!("[ZoneTransfer]\r\nZoneId={zone}\r\n").into_bytes(),
            ))
        } else if file_rng.chance(STREAM_SHARE) {
            let len = file_rng.range(200, 6000) as usize;
            Some((
                "notes".to_string(),
                words::text(&mut file_rng, len).into_bytes(),
            ))
        } else {
            None
        };
        let (modified, accessed) = random_times(&mut file_rng);
        files.push(PlannedFile {
            path,
            content_type,
            data,
            modified,
            accessed,
            stream,
            delete,
        });
    }
    Ok(files)
}

fn epoch(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

fn set_times(path: &Path, modified: i64, accessed: i64) -> Result<()> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let times = FileTimes::new()
        .set_modified(epoch(modified))
        .set_accessed(epoch(accessed));
    file.set_times(times).map_err(|e| Error::io(path, e))
}

/// Writes directories, files and streams, deletes the chosen files last,
/// then fixes directory times (deleting changed them).
fn populate(root: &Path, files: &[PlannedFile], dir_times: &[(i64, i64)]) -> Result<()> {
    for dir in DIRECTORIES {
        let path = root.join(dir);
        std::fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
    }
    for file in files {
        let path = root.join(&file.path);
        std::fs::write(&path, &file.data).map_err(|e| Error::io(&path, e))?;
        if let Some((name, data)) = &file.stream {
            let mut stream_path = path.clone().into_os_string();
            stream_path.push(format!(":{name}"));
            std::fs::write(&stream_path, data).map_err(|e| Error::io(&stream_path, e))?;
        }
        set_times(&path, file.modified, file.accessed)?;
    }
    for file in files.iter().filter(|f| f.delete) {
        let path = root.join(&file.path);
        std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
    }
    for (dir, (modified, accessed)) in DIRECTORIES.iter().zip(dir_times) {
        set_times(&root.join(dir), *modified, *accessed)?;
    }
    Ok(())
}

/// Copies the finished volume into the image, skipping zero chunks (the
/// image starts zero-filled).
fn copy_into(volume: &Path, sink: &mut ImageSink) -> Result<()> {
    let mut file = File::open(volume).map_err(|e| Error::io(volume, e))?;
    let mut buf = vec![0u8; COPY_CHUNK_BYTES];
    let mut image_offset = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(volume, e))?;
        if n == 0 {
            return Ok(());
        }
        let chunk = buf.get(..n).unwrap_or_default();
        if chunk.iter().any(|&b| b != 0) {
            sink.write_at(image_offset, chunk)?;
        }
        image_offset += n as u64;
    }
}

fn entry(id: String, path: String, is_dir: bool, content_type: &str) -> FileKey {
    FileKey {
        id,
        path,
        short_name: String::new(),
        is_dir,
        size: 0,
        digests: Digests::default(),
        content_type: content_type.to_string(),
        deleted: false,
        overwritten: false,
        modified: 0,
        accessed: 0,
        created: 0,
        first_cluster: 0,
        cluster_runs: Vec::new(),
        image_offset: None,
    }
}

fn key(files: &[PlannedFile], dir_times: &[(i64, i64)], volume_bytes: u64) -> FileSystemKey {
    let mut keys = Vec::new();
    for (index, (dir, (modified, accessed))) in DIRECTORIES.iter().zip(dir_times).enumerate() {
        let mut key = entry(format!("D{index:02}"), format!("/{dir}"), true, "dir");
        key.modified = *modified;
        key.accessed = *accessed;
        keys.push(key);
    }
    for (index, file) in files.iter().enumerate() {
        let path = format!("/{}", file.path);
        let mut key = entry(
            format!("N{index:04}"),
            path.clone(),
            false,
            file.content_type,
        );
        key.size = file.data.len() as u64;
        key.digests = digests(&file.data);
        key.deleted = file.delete;
        key.modified = file.modified;
        key.accessed = file.accessed;
        keys.push(key);
        if let Some((name, data)) = &file.stream {
            let mut key = entry(
                format!("S{index:04}"),
                format!("{path}:{name}"),
                false,
                "stream",
            );
            key.size = data.len() as u64;
            key.digests = digests(data);
            keys.push(key);
        }
    }
    FileSystemKey {
        fs_type: "ntfs".into(),
        partition_index: None,
        image_offset: 0,
        len_bytes: volume_bytes,
        cluster_size: CLUSTER_BYTES,
        label: LABEL.into(),
        files: keys,
    }
}
