//! What an acquisition reads: a block device or a file opened read-only, or
//! any other [`AcquireSource`] (tests wrap one in a [`FaultySource`] that
//! fails reads at set offsets, so read-error handling is tested without
//! failing hardware).

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::os::unix::fs::{FileExt, FileTypeExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::AcquireError;

/// The media being acquired: positional reads that may fail.
pub trait AcquireSource: Send + Sync {
    /// Length of the media in bytes.
    fn len_bytes(&self) -> u64;

    /// Reads up to `buf.len()` bytes at `media_offset`; returns how many were
    /// read (0 only at the end of the media).
    fn read_at(&self, media_offset: u64, buf: &mut [u8]) -> std::io::Result<usize>;

    /// What the log calls the source (its path).
    fn describe(&self) -> String;

    /// Whether the source is a physical device (recorded in the E01 volume
    /// section and the log).
    fn is_device(&self) -> bool {
        false
    }
}

/// A block device or a regular file, opened read-only.
#[derive(Debug)]
pub struct FileSource {
    file: File,
    path: PathBuf,
    len_bytes: u64,
    is_device: bool,
}

impl FileSource {
    /// Opens `path` read-only (never for writing). The size of a block
    /// device comes from seeking to its end.
    pub fn open(path: &Path) -> Result<Self, AcquireError> {
        let io = |source| AcquireError::Source {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io)?;
        let file_type = file.metadata().map_err(io)?.file_type();
        let is_device = file_type.is_block_device() || file_type.is_char_device();
        if !is_device && !file_type.is_file() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a block device or a regular file",
            )));
        }
        let len_bytes = file.seek(SeekFrom::End(0)).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        Ok(Self {
            file,
            path: path.to_path_buf(),
            len_bytes,
            is_device,
        })
    }
}

impl AcquireSource for FileSource {
    fn len_bytes(&self) -> u64 {
        self.len_bytes
    }

    fn read_at(&self, media_offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        self.file.read_at(buf, media_offset)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn is_device(&self) -> bool {
        self.is_device
    }
}

/// Media held in memory (tests, small sources).
#[derive(Debug, Clone)]
pub struct MemoryAcquireSource {
    bytes: Vec<u8>,
    name: String,
}

impl MemoryAcquireSource {
    /// Media made of `bytes`, called `name` in the log.
    pub fn new(bytes: Vec<u8>, name: impl Into<String>) -> Self {
        Self {
            bytes,
            name: name.into(),
        }
    }
}

impl AcquireSource for MemoryAcquireSource {
    fn len_bytes(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn read_at(&self, media_offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = usize::try_from(media_offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        let rest = self.bytes.get(start..).unwrap_or_default();
        let take = rest.len().min(buf.len());
        buf[..take].copy_from_slice(&rest[..take]);
        Ok(take)
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}

/// A byte range of a [`FaultySource`] whose reads fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// First failing byte.
    pub media_offset: u64,
    /// Failing bytes.
    pub len_bytes: u64,
    /// How many reads touching the range fail before it reads fine
    /// (`None`: it never does, a bad sector).
    pub failures: Option<u32>,
}

/// Wraps a source and fails every read that touches a [`Fault`] range with
/// an I/O error, like a drive with bad sectors.
pub struct FaultySource<S> {
    inner: S,
    faults: Vec<Fault>,
    /// Failures so far per fault (for transient faults).
    failed: Mutex<Vec<u32>>,
}

impl<S: AcquireSource> FaultySource<S> {
    /// `inner` with reads touching any of `faults` failing.
    pub fn new(inner: S, faults: Vec<Fault>) -> Self {
        let failed = Mutex::new(vec![0; faults.len()]);
        Self {
            inner,
            faults,
            failed,
        }
    }
}

impl<S: AcquireSource> AcquireSource for FaultySource<S> {
    fn len_bytes(&self) -> u64 {
        self.inner.len_bytes()
    }

    fn read_at(&self, media_offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let end = media_offset.saturating_add(buf.len() as u64);
        let mut failed = self
            .failed
            .lock()
            .map_err(|_| std::io::Error::other("fault table poisoned"))?;
        for (fault, count) in self.faults.iter().zip(failed.iter_mut()) {
            let fault_end = fault.media_offset.saturating_add(fault.len_bytes);
            let touches = media_offset < fault_end && fault.media_offset < end;
            if touches && fault.failures.is_none_or(|limit| *count < limit) {
                *count = count.saturating_add(1);
                return Err(std::io::Error::other(format!(
                    "simulated read error at media offset {}",
                    fault.media_offset
                )));
            }
        }
        drop(failed);
        self.inner.read_at(media_offset, buf)
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn is_device(&self) -> bool {
        self.inner.is_device()
    }
}
