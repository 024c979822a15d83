//! Writing E01 images in the EnCase 6 layout.
//!
//! Segment 1: file header, `header2` ×2, `header`, `volume`; every later
//! segment: file header, `data`. Then in each segment one or more
//! (`sectors`, `table`, `table2`) groups, and `next` — or, in the last
//! segment, `digest`, `hash`, `done`. This is the layout `ewfacquire -f
//! encase6` writes, so libewf, EnCase and The Sleuth Kit read it.
//!
//! Chunks are compressed in parallel (rayon) while the stream is hashed
//! (MD5 and SHA-1) on another thread — or not at all, when the caller hashes
//! the stream itself ([`EwfWriter::create_prehashed`]; an acquisition does,
//! and runs the writer on its own thread so that reading goes on while
//! chunks are compressed). A chunk that does not shrink is stored plain with
//! its Adler-32 (see `writer_chunk.rs`). The writer never reads a clock: the acquiry date
//! is an option. It refuses to overwrite an existing file.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use rayon::prelude::*;
use sha1::Sha1;

use super::header::HeaderValues;
use super::naming::{MAX_SEGMENT_NUMBER, segment_path};
use super::volume::{MAX_CHUNK_SIZE, Volume};
use super::writer_chunk::store_chunk;
pub use super::writer_options::{
    EwfCompression, EwfMediaType, EwfWriteError, EwfWriteOptions, EwfWriteSummary,
};
use super::writer_segment::{SegmentWriter, error2_size};

/// Chunks compressed per parallel batch.
const BATCH_CHUNKS: usize = 256;
/// Smallest segment size accepted, in chunks (keeps the per-segment
/// overhead small against the data).
const MIN_SEGMENT_CHUNKS: u64 = 16;

/// One chunk ready to be written.
pub(super) struct StoredChunk {
    pub(super) bytes: Vec<u8>,
    pub(super) compressed: bool,
}

/// Writes one E01 image from a stream of media bytes.
///
/// Call [`EwfWriter::finish`] at the end: it writes the digests and the final
/// media size. Segments of a writer dropped without it do not open as an
/// image (their volume section is still a placeholder).
pub struct EwfWriter {
    first_path: PathBuf,
    options: EwfWriteOptions,
    chunk_size: usize,
    pending: Vec<u8>,
    md5: Md5,
    sha1: Sha1,
    media_size: u64,
    chunk_count: u64,
    segment: SegmentWriter,
    /// Finished segments and where their volume/data section data starts.
    volume_offsets: Vec<(PathBuf, u64)>,
    /// Sector ranges `(first_sector, sector_count)` marked unreadable.
    unreadable_sectors: Vec<(u64, u64)>,
    /// Whether the writer computes MD5 and SHA-1 itself (false when the
    /// caller hashes the stream and passes the digests to
    /// [`EwfWriter::finish_with_digests`]).
    hash_internally: bool,
    /// Zero bytes added to complete the last sector (set when finishing).
    padding_bytes: u64,
}

impl EwfWriter {
    /// Creates the first segment (`first_segment_path` must end in `.E01` or
    /// `.e01` and must not exist yet) and writes its header sections.
    pub fn create(
        first_segment_path: impl AsRef<Path>,
        options: EwfWriteOptions,
    ) -> Result<Self, EwfWriteError> {
        Self::create_inner(first_segment_path.as_ref(), options, true)
    }

    /// Like [`EwfWriter::create`], for a caller that already hashes the media
    /// stream (an acquisition computing four digests in one read): the writer
    /// does not hash, and the image must be ended with
    /// [`EwfWriter::finish_with_digests`]. The media written must then be a
    /// whole number of sectors, so the stored digests cover exactly the bytes
    /// the caller hashed.
    pub fn create_prehashed(
        first_segment_path: impl AsRef<Path>,
        options: EwfWriteOptions,
    ) -> Result<Self, EwfWriteError> {
        Self::create_inner(first_segment_path.as_ref(), options, false)
    }

    fn create_inner(
        first_segment_path: &Path,
        options: EwfWriteOptions,
        hash_internally: bool,
    ) -> Result<Self, EwfWriteError> {
        let first_path = first_segment_path.to_path_buf();
        if !super::naming::is_first_segment_name(&first_path) {
            return Err(EwfWriteError::BadFirstSegmentName { path: first_path });
        }
        let chunk_size = validate(&options)?;
        let header = HeaderValues {
            case_number: options.case_number.clone(),
            evidence_number: options.evidence_number.clone(),
            description: options.description.clone(),
            examiner_name: options.examiner_name.clone(),
            notes: options.notes.clone(),
            software_version: options.acquiry_software_version.clone(),
            operating_system: options.acquiry_operating_system.clone(),
            acquiry_unix_secs: options.acquiry_unix_secs,
        };
        let segment =
            SegmentWriter::create_first(&first_path, &header, options.segment_size_bytes)?;
        Ok(Self {
            first_path,
            options,
            chunk_size,
            pending: Vec::new(),
            md5: Md5::new(),
            sha1: Sha1::new(),
            media_size: 0,
            chunk_count: 0,
            segment,
            volume_offsets: Vec::new(),
            unreadable_sectors: Vec::new(),
            hash_internally,
            padding_bytes: 0,
        })
    }

    /// Appends media bytes.
    pub fn write_all(&mut self, data: &[u8]) -> Result<(), EwfWriteError> {
        let batch_bytes = self.chunk_size * BATCH_CHUNKS;
        let mut rest = data;
        while !rest.is_empty() {
            let take = (batch_bytes - self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == batch_bytes {
                self.flush_pending()?;
            }
        }
        Ok(())
    }

    /// Appends `len_bytes` zero bytes for media that could not be read and
    /// lists them in the `error2` section (as EnCase does with unreadable
    /// sectors). The current media offset and `len_bytes` must be whole
    /// sectors.
    pub fn write_unreadable(&mut self, len_bytes: u64) -> Result<(), EwfWriteError> {
        let sector = u64::from(self.options.bytes_per_sector);
        let media_offset = self.media_size + self.pending.len() as u64;
        if !media_offset.is_multiple_of(sector) || !len_bytes.is_multiple_of(sector) {
            return Err(EwfWriteError::InvalidOption {
                what: format!(
                    "unreadable range of {len_bytes} bytes at media offset {media_offset} is not in whole {sector}-byte sectors"
                ),
            });
        }
        if len_bytes == 0 {
            return Ok(());
        }
        let first_sector = media_offset / sector;
        let sector_count = len_bytes / sector;
        match self.unreadable_sectors.last_mut() {
            Some((first, count)) if *first + *count == first_sector => *count += sector_count,
            _ => self.unreadable_sectors.push((first_sector, sector_count)),
        }
        let zeros = vec![0u8; self.chunk_size];
        let mut left = len_bytes;
        while left > 0 {
            let take = left.min(zeros.len() as u64) as usize;
            self.write_all(&zeros[..take])?;
            left -= take as u64;
        }
        Ok(())
    }

    /// Hashes, compresses and writes the pending bytes.
    fn flush_pending(&mut self) -> Result<(), EwfWriteError> {
        let pending = std::mem::take(&mut self.pending);
        let (md5, sha1) = (&mut self.md5, &mut self.sha1);
        let compression = self.options.compression;
        let chunk_size = self.chunk_size;
        let hash_internally = self.hash_internally;
        let ((), chunks) = rayon::join(
            || {
                if hash_internally {
                    md5.update(&pending);
                    sha1.update(&pending);
                }
            },
            || {
                pending
                    .par_chunks(chunk_size)
                    .map(|chunk| store_chunk(chunk, compression))
                    .collect::<Vec<_>>()
            },
        );
        self.media_size += pending.len() as u64;
        for chunk in chunks {
            self.write_chunk(&chunk)?;
        }
        self.pending = pending;
        self.pending.clear();
        Ok(())
    }

    fn write_chunk(&mut self, chunk: &StoredChunk) -> Result<(), EwfWriteError> {
        let error2_len = error2_size(self.unreadable_sectors.len());
        if !self.segment.fits(chunk.bytes.len() as u64, error2_len) {
            self.next_segment()?;
        }
        self.segment.add_chunk(chunk)?;
        self.chunk_count += 1;
        Ok(())
    }

    fn next_segment(&mut self) -> Result<(), EwfWriteError> {
        let number = self.segment.number() + 1;
        if number > MAX_SEGMENT_NUMBER {
            return Err(EwfWriteError::TooManySegments {
                limit: MAX_SEGMENT_NUMBER,
            });
        }
        let path = segment_path(&self.first_path, number)
            .ok_or(EwfWriteError::TooManySegments { limit: number - 1 })?;
        let next = SegmentWriter::create_next(&path, number, self.options.segment_size_bytes)?;
        let done = std::mem::replace(&mut self.segment, next);
        self.volume_offsets.push(done.finish_with_next()?);
        Ok(())
    }

    /// Writes the last chunk, the digests and the `done` section, patches the
    /// volume sections with the final sizes, and returns what was written.
    ///
    /// For a writer made by [`EwfWriter::create_prehashed`] use
    /// [`EwfWriter::finish_with_digests`] instead; this returns an error.
    pub fn finish(mut self) -> Result<EwfWriteSummary, EwfWriteError> {
        if !self.hash_internally {
            return Err(EwfWriteError::InvalidOption {
                what: "a prehashed writer must be finished with the caller's digests".into(),
            });
        }
        self.pad_and_flush()?;
        let md5: [u8; 16] = std::mem::take(&mut self.md5).finalize().into();
        let sha1: [u8; 20] = std::mem::take(&mut self.sha1).finalize().into();
        self.finish_inner(md5, sha1)
    }

    /// Ends an image made by [`EwfWriter::create_prehashed`] with the MD5
    /// and SHA-1 the caller computed over every byte passed to
    /// [`EwfWriter::write_all`] and [`EwfWriter::write_unreadable`]. The
    /// media written must be a whole number of sectors.
    pub fn finish_with_digests(
        mut self,
        md5: [u8; 16],
        sha1: [u8; 20],
    ) -> Result<EwfWriteSummary, EwfWriteError> {
        let sector = u64::from(self.options.bytes_per_sector);
        let total = self.media_size + self.pending.len() as u64;
        if self.hash_internally || !total.is_multiple_of(sector) {
            return Err(EwfWriteError::InvalidOption {
                what: format!(
                    "caller digests need a prehashed writer and whole {sector}-byte sectors ({total} bytes written)"
                ),
            });
        }
        self.pad_and_flush()?;
        self.finish_inner(md5, sha1)
    }

    /// Completes the last sector with zeros and writes the pending chunks.
    fn pad_and_flush(&mut self) -> Result<(), EwfWriteError> {
        let sector = self.options.bytes_per_sector as usize;
        let total = self.media_size + self.pending.len() as u64;
        let padding_bytes = (sector as u64 - total % sector as u64) % sector as u64;
        self.pending
            .resize(self.pending.len() + padding_bytes as usize, 0);
        if !self.pending.is_empty() {
            self.flush_pending()?;
        }
        self.padding_bytes = padding_bytes;
        Ok(())
    }

    fn finish_inner(
        mut self,
        md5: [u8; 16],
        sha1: [u8; 20],
    ) -> Result<EwfWriteSummary, EwfWriteError> {
        let padding_bytes = self.padding_bytes;
        let volume = self.volume()?;
        self.volume_offsets.push(self.segment.finish_with_done(
            &md5,
            &sha1,
            &self.unreadable_sectors,
        )?);
        let volume_bytes = volume.to_bytes();
        for (path, data_offset) in &self.volume_offsets {
            patch(path, *data_offset, &volume_bytes)?;
        }
        Ok(EwfWriteSummary {
            md5: hex(&md5),
            sha1: hex(&sha1),
            media_size: self.media_size,
            padding_bytes,
            chunk_count: self.chunk_count,
            segment_files: self.volume_offsets.iter().map(|(p, _)| p.clone()).collect(),
            unreadable_sectors: self.unreadable_sectors,
        })
    }

    /// The volume section for the media written so far.
    fn volume(&self) -> Result<Volume, EwfWriteError> {
        let o = &self.options;
        let chunk_count =
            u32::try_from(self.chunk_count).map_err(|_| EwfWriteError::MediaTooLarge {
                what: format!(
                    "{} chunks do not fit the 32-bit chunk count",
                    self.chunk_count
                ),
            })?;
        Ok(Volume {
            media_type: match o.media_type {
                EwfMediaType::Removable => 0x00,
                EwfMediaType::Fixed => 0x01,
                EwfMediaType::Optical => 0x03,
                EwfMediaType::Memory => 0x10,
            },
            chunk_count,
            sectors_per_chunk: o.sectors_per_chunk,
            bytes_per_sector: o.bytes_per_sector,
            sector_count: self.media_size / u64::from(o.bytes_per_sector),
            media_flags: 0x01 | if o.physical { 0x02 } else { 0 },
            compression_level: match o.compression {
                EwfCompression::None => 0,
                EwfCompression::Fast => 1,
                EwfCompression::Best => 2,
            },
            error_granularity: o.sectors_per_chunk,
        })
    }
}

/// Checks the options; returns the chunk size in bytes.
fn validate(o: &EwfWriteOptions) -> Result<usize, EwfWriteError> {
    let invalid = |what: String| Err(EwfWriteError::InvalidOption { what });
    if o.bytes_per_sector == 0 || o.bytes_per_sector > super::volume::MAX_BYTES_PER_SECTOR {
        return invalid(format!(
            "bytes per sector {} is out of range",
            o.bytes_per_sector
        ));
    }
    let chunk_size = u64::from(o.sectors_per_chunk) * u64::from(o.bytes_per_sector);
    if chunk_size == 0 || chunk_size > MAX_CHUNK_SIZE {
        return invalid(format!(
            "chunk size {chunk_size} bytes is not within 1..={MAX_CHUNK_SIZE}"
        ));
    }
    let min_segment = (chunk_size * MIN_SEGMENT_CHUNKS).max(64 << 10);
    if o.segment_size_bytes < min_segment {
        return invalid(format!(
            "segment size {} bytes is below the minimum of {min_segment} for this chunk size",
            o.segment_size_bytes
        ));
    }
    Ok(chunk_size as usize)
}

/// Overwrites `bytes` at `offset` of an already written segment.
fn patch(path: &Path, offset: u64, bytes: &[u8]) -> Result<(), EwfWriteError> {
    let mut file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| EwfWriteError::io(path, e))?;
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| file.write_all(bytes))
        .and_then(|()| file.sync_all())
        .map_err(|e| EwfWriteError::io(path, e))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a new file for writing, refusing to overwrite.
pub(super) fn create_new(path: &Path) -> Result<BufWriter<File>, EwfWriteError> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| EwfWriteError::io(path, e))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}
