//! What a file system says about one entry, whatever the file system.

use serde::Serialize;

use super::Timestamp;

/// The kind of a directory entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// A named data stream of a file (NTFS alternate data stream).
    Stream,
    /// Anything else (device, socket, FIFO, reparse point, …).
    Other,
}

/// The four times of an entry. `None` where the file system does not keep
/// the time (FAT has no change time) or the stored value is unset or invalid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Times {
    /// Content last modified (m).
    pub modified: Option<Timestamp>,
    /// Last accessed (a).
    pub accessed: Option<Timestamp>,
    /// Metadata last changed (c): inode change, NTFS MFT-entry change.
    pub changed: Option<Timestamp>,
    /// Created (b, "birth").
    pub created: Option<Timestamp>,
}

/// One contiguous piece of an entry's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ByteRun {
    /// Offset of the piece within the content.
    pub file_offset: u64,
    /// Offset of the piece from the start of the volume; `None` for a sparse
    /// run, which reads as zeros.
    pub volume_offset: Option<u64>,
    /// Length of the piece in bytes.
    pub len_bytes: u64,
}

/// One file-system entry, allocated or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEntry {
    /// The file system's address of the entry, as `ls` prints it and `cat #ID`
    /// takes it: NTFS `MFT-entry` (plus `-TYPE-ID` for a named stream), ext4
    /// inode number, FAT directory-entry address.
    pub id: String,
    /// Absolute path inside the file system, `/`-separated; a named stream is
    /// `path:stream`.
    pub path: String,
    /// The last path component (for a stream: `file:stream`).
    pub name: String,
    /// File, directory, link, stream, …
    pub kind: EntryKind,
    /// Content length in bytes.
    pub size: u64,
    /// Whether the entry is deleted (its directory entry, MFT record or inode
    /// is no longer in use).
    pub deleted: bool,
    /// The main set of times (NTFS: `$STANDARD_INFORMATION`).
    pub times: Times,
    /// NTFS `$FILE_NAME` times, kept beside the main set.
    pub fn_times: Option<Times>,
    /// Unix permission and type bits, where the file system has them.
    pub mode: Option<u32>,
    /// Owner user id, where the file system has it.
    pub uid: Option<u32>,
    /// Owner group id, where the file system has it.
    pub gid: Option<u32>,
    /// Names of the entry's named data streams (NTFS ADS), sorted.
    pub streams: Vec<String>,
    /// Target of a symbolic link.
    pub link_target: Option<String>,
    /// Where the content lies on the volume, in content order.
    pub byte_runs: Vec<ByteRun>,
}

impl FileEntry {
    /// A new entry with no times, mode, streams or runs.
    pub fn new(id: impl Into<String>, path: impl Into<String>, kind: EntryKind, size: u64) -> Self {
        let path = path.into();
        let name = path.rsplit('/').next().unwrap_or_default().to_owned();
        Self {
            id: id.into(),
            path,
            name,
            kind,
            size,
            deleted: false,
            times: Times::default(),
            fn_times: None,
            mode: None,
            uid: None,
            gid: None,
            streams: Vec::new(),
            link_target: None,
            byte_runs: Vec::new(),
        }
    }
}
