//! What an evidence container says about itself.

use std::path::PathBuf;

use serde::Serialize;

use crate::Problem;

/// The evidence formats [`super::open`] recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A single raw (dd) image file.
    Raw,
    /// Raw image split into numbered segment files.
    SplitRaw,
    /// EnCase / Expert Witness Format version 1 (`.E01`, `.E02`, …).
    Ewf,
    /// Linux Memory Extractor dump (`EMiL` range headers).
    Lime,
    /// Windows crash dump (`PAGEDUMP` / `PAGEDU64`).
    WindowsCrashDump,
}

impl Format {
    /// Short lowercase name, as printed by `forensics info`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Raw => "raw",
            Self::SplitRaw => "split_raw",
            Self::Ewf => "ewf",
            Self::Lime => "lime",
            Self::WindowsCrashDump => "windows_crash_dump",
        }
    }
}

/// Digests of the media that the container stored at acquisition time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoredHashes {
    /// MD5 of the media, lowercase hex.
    pub md5: Option<String>,
    /// SHA-1 of the media, lowercase hex.
    pub sha1: Option<String>,
    /// SHA-256 of the media, lowercase hex (EWF2 and some writers).
    pub sha256: Option<String>,
}

impl StoredHashes {
    /// Whether no digest was stored.
    pub fn is_empty(&self) -> bool {
        self.md5.is_none() && self.sha1.is_none() && self.sha256.is_none()
    }
}

/// One range of physical memory held by a memory dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MemoryRange {
    /// First physical address of the range.
    pub physical_start: u64,
    /// Length of the range in bytes.
    pub len_bytes: u64,
    /// Where the range's bytes start in the dump file.
    pub file_offset: u64,
}

/// Format, size and container metadata of one evidence item.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceInfo {
    /// The path the evidence was opened from.
    pub path: PathBuf,
    /// The detected format.
    pub format: Format,
    /// Media size in bytes (for E01: of the acquired data).
    pub media_size: u64,
    /// Bytes per sector (512 unless the container says otherwise).
    pub sector_size: u32,
    /// Every file that makes up the evidence, in order.
    pub segment_files: Vec<PathBuf>,
    /// Container metadata as (key, value) pairs in the container's order:
    /// `case_number`, `evidence_number`, `examiner_name`, `description`,
    /// `notes`, `acquiry_date`, `system_date`, `acquiry_software`,
    /// `acquiry_software_version`, `acquiry_operating_system`, `media_type`, …
    pub metadata: Vec<(String, String)>,
    /// Digests stored in the container.
    pub stored_hashes: StoredHashes,
    /// Compressed-chunk size in bytes (E01).
    pub chunk_size: Option<u32>,
    /// Compression method and level, when the container compresses (E01).
    pub compression: Option<String>,
    /// Physical memory ranges (memory dumps).
    pub memory_ranges: Vec<MemoryRange>,
    /// What is wrong with the container but did not stop it from opening
    /// (missing hash or done section, bad table entries, …).
    pub problems: Vec<Problem>,
}

impl EvidenceInfo {
    /// Info for a container that has nothing to say beyond its size.
    pub fn plain(path: impl Into<PathBuf>, format: Format, media_size: u64) -> Self {
        let path = path.into();
        Self {
            segment_files: vec![path.clone()],
            path,
            format,
            media_size,
            sector_size: 512,
            metadata: Vec::new(),
            stored_hashes: StoredHashes::default(),
            chunk_size: None,
            compression: None,
            memory_ranges: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The value of metadata `key`, if present.
    pub fn metadata_value(&self, key: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
