//! The `ntfs-small` scenario: the committed NTFS test volume of
//! `forensics-core` (made by `forensics-core/tests/data/make-ntfs-small.sh`
//! with mkntfs and ntfs-3g), embedded so that it works on machines without
//! those tools. Its committed key is converted into the corpus key format.
//! The image is fixed: every seed gives the same bytes.

use super::{Contents, ScenarioOptions};
use crate::error::{Error, Result};
use crate::key::{Digests, FileKey, FileSystemKey};
use crate::rng::Rng;
use crate::sink::ImageSink;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::io::Read;

/// The gzipped volume.
const IMAGE_GZ: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../forensics-core/tests/data/ntfs-small.img.gz"
));
/// Its key, as written by the script.
const KEY_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../forensics-core/tests/data/ntfs-small.key.json"
));
/// Size of the volume in bytes (6 MiB).
pub const VOLUME_BYTES: u64 = 6 << 20;

#[derive(Deserialize)]
struct ScriptKey {
    cluster_size: u32,
    files: Vec<ScriptFile>,
}

#[derive(Deserialize)]
struct ScriptFile {
    path: String,
    size: u64,
    sha256: String,
    deleted: bool,
    #[serde(default)]
    ads: bool,
}

/// Writes the embedded volume (the sink must be exactly [`VOLUME_BYTES`]).
pub fn build(_options: &ScenarioOptions, _rng: &mut Rng, sink: &mut ImageSink) -> Result<Contents> {
    if sink.len_bytes() != VOLUME_BYTES {
        return Err(Error::InvalidOption(format!(
            "ntfs-small is a fixed {VOLUME_BYTES}-byte image; do not pass --size"
        )));
    }
    let volume = volume()?;
    sink.write_at(0, &volume)?;
    Ok(Contents {
        filesystems: vec![key()?],
        notes: vec![
            "ntfs-small is the committed volume forensics-core/tests/data/ntfs-small.img.gz, made by make-ntfs-small.sh (mkntfs + ntfs-3g); the seed does not change it.".into(),
            "the committed key gives only sha256: md5 and sha1 are empty; times, short names and cluster runs are not known (0 / empty).".into(),
            "alternate data streams are listed as `path:stream` entries (type `stream`); directories are derived from the file paths.".into(),
            "files under /Compressed are LZNT1-compressed, /Temp/fragmented.dat is fragmented; digests are of the plain content.".into(),
        ],
        ..Contents::default()
    })
}

/// The decompressed embedded volume.
pub fn volume() -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(VOLUME_BYTES as usize);
    flate2::read::GzDecoder::new(IMAGE_GZ)
        .take(VOLUME_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("ntfs-small.img.gz (embedded)", e))?;
    if bytes.len() as u64 != VOLUME_BYTES {
        return Err(Error::InvalidOption(format!(
            "embedded ntfs-small image has {} bytes, expected {VOLUME_BYTES}",
            bytes.len()
        )));
    }
    Ok(bytes)
}

fn content_type(path: &str, ads: bool) -> String {
    if ads {
        return "stream".into();
    }
    match path.rsplit_once('.') {
        Some((_, ext)) if !ext.contains('/') => ext.to_ascii_lowercase(),
        _ => "bin".into(),
    }
}

fn key() -> Result<FileSystemKey> {
    let script: ScriptKey = serde_json::from_str(KEY_JSON).map_err(|e| Error::Parse {
        path: "ntfs-small.key.json (embedded)".into(),
        message: e.to_string(),
    })?;
    let mut directories = BTreeSet::new();
    for file in &script.files {
        let mut parent = file.path.as_str();
        while let Some((up, _)) = parent.rsplit_once('/') {
            if !up.is_empty() {
                directories.insert(up.to_string());
            }
            parent = up;
        }
    }
    let blank = |id: String, path: String| FileKey {
        id,
        path,
        short_name: String::new(),
        is_dir: false,
        size: 0,
        digests: Digests::default(),
        content_type: String::new(),
        deleted: false,
        overwritten: false,
        modified: 0,
        accessed: 0,
        created: 0,
        first_cluster: 0,
        cluster_runs: Vec::new(),
        image_offset: None,
    };
    let mut files: Vec<FileKey> = directories
        .into_iter()
        .enumerate()
        .map(|(index, path)| FileKey {
            is_dir: true,
            content_type: "dir".into(),
            ..blank(format!("D{index:02}"), path)
        })
        .collect();
    for (index, file) in script.files.iter().enumerate() {
        files.push(FileKey {
            size: file.size,
            digests: Digests {
                sha256: file.sha256.clone(),
                ..Digests::default()
            },
            content_type: content_type(&file.path, file.ads),
            deleted: file.deleted,
            ..blank(format!("N{index:04}"), file.path.clone())
        });
    }
    Ok(FileSystemKey {
        fs_type: "ntfs".into(),
        partition_index: None,
        image_offset: 0,
        len_bytes: VOLUME_BYTES,
        cluster_size: script.cluster_size,
        label: "small".into(),
        files,
    })
}
