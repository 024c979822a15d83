//! The answer key: what a scenario put into its image(s), where, and with
//! which digests.
//!
//! Keys are written as pretty JSON (`NAME.key.json`). Field order is the
//! declaration order below and every list is sorted (files by partition and
//! path, carved items and features by image offset), so the same seed gives a
//! byte-identical key. Times are Unix epoch seconds (UTC), hashes lowercase hex.

use serde::{Deserialize, Serialize};

/// MD5, SHA-1 and SHA-256 of some bytes, lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Digests {
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// SHA-256.
    pub sha256: String,
}

/// The whole answer key of one generated scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerKey {
    /// Scenario name (`corpus list`).
    pub scenario: String,
    /// Seed the scenario was built from.
    pub seed: u64,
    /// Generator name and version, e.g. `corpus 0.1.0`.
    pub generator: String,
    /// Output format of the image (`raw` or `split`).
    pub format: String,
    /// Image file names in the output directory (one for raw, the segments
    /// in order for split).
    pub image_files: Vec<String>,
    /// Size of the (logical, joined) image in bytes.
    pub image_size: u64,
    /// Digests of the logical image bytes.
    pub image_hashes: Digests,
    /// Partition table scheme (`mbr`, `gpt`) or `None` for unpartitioned images.
    pub partition_scheme: Option<String>,
    /// Partitions, sorted by index.
    pub partitions: Vec<PartitionKey>,
    /// File systems with their files, sorted by image offset.
    pub filesystems: Vec<FileSystemKey>,
    /// Items a carver should find, sorted by image offset then id.
    pub carved: Vec<CarvedKey>,
    /// Features a scanner should find (and decoys it should reject), sorted by
    /// image offset, forensic path, kind, value.
    pub features: Vec<FeatureKey>,
    /// Free-text notes on conventions used by this scenario.
    pub notes: Vec<String>,
}

/// One partition table entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionKey {
    /// 1-based index in table order (MBR: 1-4 primary, 5.. logical; GPT: entry number).
    pub index: u32,
    /// `primary`, `extended`, `logical` (MBR) or `gpt`.
    pub role: String,
    /// Partition type: MBR type byte as `0x0c`, or the GPT type GUID.
    pub type_id: String,
    /// GPT partition name, empty for MBR.
    pub name: String,
    /// First byte of the partition in the image.
    pub image_offset: u64,
    /// Length in bytes.
    pub len_bytes: u64,
    /// First sector (512-byte sectors).
    pub start_sector: u64,
    /// Length in sectors.
    pub sector_count: u64,
}

/// One FAT file system and its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSystemKey {
    /// `fat12`, `fat16` or `fat32`.
    #[serde(rename = "type")]
    pub fs_type: String,
    /// Partition index holding it, or `None` for a bare file-system image.
    pub partition_index: Option<u32>,
    /// First byte of the file system (its boot sector) in the image.
    pub image_offset: u64,
    /// Size of the file system in bytes.
    pub len_bytes: u64,
    /// Cluster size in bytes.
    pub cluster_size: u32,
    /// Volume label (as in the boot sector, trimmed).
    pub label: String,
    /// Files and directories, sorted by path.
    pub files: Vec<FileKey>,
}

/// One file or directory in a file system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileKey {
    /// Stable id within the key, e.g. `F007`.
    pub id: String,
    /// Absolute path with `/` separators, long names where present.
    pub path: String,
    /// The 8.3 short name as stored in the directory entry (deleted entries:
    /// with the first byte as `_`, as shown by TSK is `_`-prefixed).
    pub short_name: String,
    /// True for directories.
    pub is_dir: bool,
    /// Content size in bytes (0 for directories).
    pub size: u64,
    /// Digests of the content as written (empty strings for directories),
    /// flattened into `md5`, `sha1`, `sha256` fields.
    #[serde(flatten)]
    pub digests: Digests,
    /// Content type (`jpg`, `png`, `txt`, ...), `dir` for directories.
    #[serde(rename = "type")]
    pub content_type: String,
    /// True when the entry was deleted after being written.
    pub deleted: bool,
    /// True when some of the file's clusters were later reused by another
    /// file, so the bytes at its clusters no longer equal its digests.
    pub overwritten: bool,
    /// Last-write time (2-second FAT resolution), epoch seconds.
    pub modified: i64,
    /// Last-access date (midnight), epoch seconds.
    pub accessed: i64,
    /// Creation time, epoch seconds.
    pub created: i64,
    /// First cluster number (0 for empty files).
    pub first_cluster: u32,
    /// Cluster runs `[first_cluster, count]` in file order.
    pub cluster_runs: Vec<[u32; 2]>,
    /// Image offset of the first content byte, if the file has content.
    pub image_offset: Option<u64>,
}

/// One item a carver should find.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarvedKey {
    /// Stable id within the key, e.g. `C03`.
    pub id: String,
    /// File type: `jpg`, `png`, `gif`, `pdf`, `zip`, `sqlite`.
    #[serde(rename = "type")]
    pub file_type: String,
    /// Image offset of the first byte (the header).
    pub image_offset: u64,
    /// Length of the complete file in bytes (as generated).
    pub length: u64,
    /// SHA-256 of the complete file as generated.
    pub sha256: String,
    /// Where the bytes really are, in file order.
    pub fragments: Vec<Fragment>,
    /// `complete`, `truncated` or `fragmented`.
    pub status: String,
    /// For truncated items: how many bytes of the file are present.
    pub present_length: u64,
    /// SHA-256 of the present bytes (equals `sha256` unless truncated).
    pub present_sha256: String,
    /// `aligned` (4 KiB), `unaligned`, or `nested`.
    pub placement: String,
    /// Id of the carved item this one is embedded in, if nested.
    pub nested_in: Option<String>,
}

/// One contiguous piece of a carved item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fragment {
    /// First byte in the image.
    pub image_offset: u64,
    /// Length in bytes.
    pub length: u64,
}

/// One feature a scanner should find (or, with `valid: Some(false)`, a decoy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureKey {
    /// `email`, `url`, `ipv4`, `ccn`, `iban`, `btc`.
    pub kind: String,
    /// The value as written (card numbers and IBANs with their separators).
    pub value: String,
    /// Image offset of the first byte of the value; for features inside a
    /// gzip stream, the offset of the gzip stream.
    pub image_offset: u64,
    /// `ascii` or `utf16le`.
    pub encoding: String,
    /// Length of the encoded value in bytes.
    pub len_bytes: u64,
    /// Checksum validity for `ccn` (Luhn), `iban` (mod-97) and `btc`
    /// (base58check); `None` for kinds without a checksum.
    pub valid: Option<bool>,
    /// For features inside gzip data: `OFFSET-GZIP-INNER` (bulk_extractor
    /// style), where INNER is the offset in the decompressed bytes.
    pub forensic_path: Option<String>,
    /// True when the encoded value crosses a 4 KiB page boundary.
    pub crosses_page: bool,
}

impl AnswerKey {
    /// All files of all file systems, with the partition index they belong to.
    pub fn all_files(&self) -> impl Iterator<Item = (Option<u32>, &FileKey)> {
        self.filesystems
            .iter()
            .flat_map(|fs| fs.files.iter().map(move |f| (fs.partition_index, f)))
    }

    /// Sorts every list into its canonical order.
    pub fn sort(&mut self) {
        self.partitions.sort_by_key(|p| p.index);
        self.filesystems.sort_by_key(|f| f.image_offset);
        for fs in &mut self.filesystems {
            fs.files
                .sort_by(|a, b| a.path.cmp(&b.path).then(a.id.cmp(&b.id)));
        }
        self.carved
            .sort_by(|a, b| (a.image_offset, &a.id).cmp(&(b.image_offset, &b.id)));
        self.features.sort_by(|a, b| {
            (a.image_offset, &a.forensic_path, &a.kind, &a.value).cmp(&(
                b.image_offset,
                &b.forensic_path,
                &b.kind,
                &b.value,
            ))
        });
    }

    /// The key as pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Parses a key from JSON.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}
