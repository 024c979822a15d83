//! One segment file being written: sections, chunk groups and tables.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::header::{HeaderValues, header_text, header2_text};
use super::sections::{DESCRIPTOR_SIZE, FileHeader, SectionDescriptor};
use super::table::{COMPRESSED_FLAG, MAX_ENTRIES_PER_TABLE, TABLE_HEADER_SIZE, table_bytes};
use super::trailer::{DIGEST_DATA_SIZE, HASH_DATA_SIZE, digest_bytes, error2_bytes, hash_bytes};
use super::volume::VOLUME_DATA_SIZE;
use super::writer::{EwfWriteError, StoredChunk, create_new};

/// Bytes of a `table` plus `table2` section for `entries` chunks.
fn tables_size(entries: u64) -> u64 {
    2 * (DESCRIPTOR_SIZE + TABLE_HEADER_SIZE as u64 + 4 * entries + 4)
}

/// Bytes the end of the last segment needs: `digest`, `hash`, `done`.
const TRAILER_SIZE: u64 = 3 * DESCRIPTOR_SIZE + DIGEST_DATA_SIZE as u64 + HASH_DATA_SIZE as u64;

/// Bytes of an `error2` section listing `ranges` ranges (0 for none).
pub(super) fn error2_size(ranges: usize) -> u64 {
    if ranges == 0 {
        0
    } else {
        DESCRIPTOR_SIZE + 520 + 8 * ranges as u64 + 4
    }
}

/// An open `sectors` section and the chunks in it.
struct Group {
    sectors_offset: u64,
    chunks: Vec<(u64, bool)>,
}

/// A segment file being written.
pub(super) struct SegmentWriter {
    path: PathBuf,
    file: BufWriter<File>,
    number: u32,
    position: u64,
    size_limit: u64,
    volume_data_offset: u64,
    group: Option<Group>,
    chunks_written: u64,
}

impl SegmentWriter {
    /// Creates segment 1 with its header and volume sections.
    pub(super) fn create_first(
        path: &Path,
        header: &HeaderValues,
        size_limit: u64,
    ) -> Result<Self, EwfWriteError> {
        let mut segment = Self::create(path, 1, size_limit)?;
        let header2 = compress(&utf16le_with_bom(&header2_text(header)));
        let header1 = compress(header_text(header).as_bytes());
        segment.write_section("header2", &header2)?;
        segment.write_section("header2", &header2)?;
        segment.write_section("header", &header1)?;
        segment.volume_data_offset = segment.position + DESCRIPTOR_SIZE;
        // Patched with the final sizes by `EwfWriter::finish`.
        segment.write_section("volume", &[0u8; VOLUME_DATA_SIZE])?;
        Ok(segment)
    }

    /// Creates segment `number` (> 1) with its `data` section.
    pub(super) fn create_next(
        path: &Path,
        number: u32,
        size_limit: u64,
    ) -> Result<Self, EwfWriteError> {
        let mut segment = Self::create(path, number, size_limit)?;
        segment.volume_data_offset = segment.position + DESCRIPTOR_SIZE;
        segment.write_section("data", &[0u8; VOLUME_DATA_SIZE])?;
        Ok(segment)
    }

    fn create(path: &Path, number: u32, size_limit: u64) -> Result<Self, EwfWriteError> {
        let segment_number = u16::try_from(number).map_err(|_| EwfWriteError::TooManySegments {
            limit: u32::from(u16::MAX),
        })?;
        let mut file = create_new(path)?;
        let header = FileHeader { segment_number }.to_bytes();
        file.write_all(&header)
            .map_err(|e| EwfWriteError::io(path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
            number,
            position: header.len() as u64,
            size_limit,
            volume_data_offset: 0,
            group: None,
            chunks_written: 0,
        })
    }

    /// The segment number.
    pub(super) fn number(&self) -> u32 {
        self.number
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), EwfWriteError> {
        self.file
            .write_all(bytes)
            .map_err(|e| EwfWriteError::io(&self.path, e))?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    fn write_section(&mut self, kind: &str, data: &[u8]) -> Result<(), EwfWriteError> {
        let size_bytes = DESCRIPTOR_SIZE + data.len() as u64;
        let descriptor = SectionDescriptor {
            kind: kind.to_owned(),
            next_offset: self.position + size_bytes,
            size_bytes,
        };
        self.write(&descriptor.to_bytes())?;
        self.write(data)
    }

    /// A `next` or `done` section: it points to itself and has size 0.
    fn write_terminal(&mut self, kind: &str) -> Result<(), EwfWriteError> {
        let descriptor = SectionDescriptor {
            kind: kind.to_owned(),
            next_offset: self.position,
            size_bytes: 0,
        };
        self.write(&descriptor.to_bytes())
    }

    /// Whether a chunk of `stored_len` bytes still fits with the tables and
    /// trailer this segment must end with (`error2_len` bytes of error2
    /// section included). The first chunk always fits.
    pub(super) fn fits(&self, stored_len: u64, error2_len: u64) -> bool {
        if self.chunks_written == 0 {
            return true;
        }
        let entries = self.group.as_ref().map_or(0, |g| g.chunks.len() as u64) + 1;
        let new_group = if self.group_is_full(stored_len) {
            DESCRIPTOR_SIZE + tables_size(MAX_ENTRIES_PER_TABLE.into())
        } else {
            0
        };
        self.position + new_group + stored_len + tables_size(entries) + TRAILER_SIZE + error2_len
            <= self.size_limit
    }

    /// Whether the open group cannot take another chunk (entry count, or
    /// offsets relative to the group start would need the high bit).
    fn group_is_full(&self, stored_len: u64) -> bool {
        self.group.as_ref().is_some_and(|g| {
            g.chunks.len() >= MAX_ENTRIES_PER_TABLE as usize
                || self.position + stored_len - g.sectors_offset >= u64::from(COMPRESSED_FLAG)
        })
    }

    /// Appends a chunk, opening a new `sectors` section when needed.
    pub(super) fn add_chunk(&mut self, chunk: &StoredChunk) -> Result<(), EwfWriteError> {
        let stored_len = chunk.bytes.len() as u64;
        if self.group_is_full(stored_len) {
            self.close_group()?;
        }
        if self.group.is_none() {
            let sectors_offset = self.position;
            // Patched by `close_group` once the size is known.
            self.write(&[0u8; DESCRIPTOR_SIZE as usize])?;
            self.group = Some(Group {
                sectors_offset,
                chunks: Vec::new(),
            });
        }
        let offset = self.position;
        self.write(&chunk.bytes)?;
        if let Some(group) = &mut self.group {
            group.chunks.push((offset, chunk.compressed));
        }
        self.chunks_written += 1;
        Ok(())
    }

    /// Ends the open `sectors` section and writes its `table` and `table2`.
    fn close_group(&mut self) -> Result<(), EwfWriteError> {
        let Some(group) = self.group.take() else {
            return Ok(());
        };
        let end = self.position;
        let descriptor = SectionDescriptor {
            kind: "sectors".to_owned(),
            next_offset: end,
            size_bytes: end - group.sectors_offset,
        };
        let io = |e| EwfWriteError::io(&self.path, e);
        self.file
            .seek(SeekFrom::Start(group.sectors_offset))
            .and_then(|_| self.file.write_all(&descriptor.to_bytes()))
            .and_then(|()| self.file.seek(SeekFrom::Start(end)).map(|_| ()))
            .map_err(io)?;
        let table = table_bytes(group.sectors_offset, &group.chunks).ok_or_else(|| {
            EwfWriteError::MediaTooLarge {
                what: "a chunk offset does not fit a table entry".into(),
            }
        })?;
        self.write_section("table", &table)?;
        self.write_section("table2", &table)
    }

    /// Ends a segment that more segments follow; returns its path and the
    /// offset of its volume/data section data.
    pub(super) fn finish_with_next(mut self) -> Result<(PathBuf, u64), EwfWriteError> {
        self.close_group()?;
        self.write_terminal("next")?;
        self.close()
    }

    /// Ends the last segment with `digest`, `hash` and `done`.
    pub(super) fn finish_with_done(
        mut self,
        md5: &[u8; 16],
        sha1: &[u8; 20],
        unreadable_sectors: &[(u64, u64)],
    ) -> Result<(PathBuf, u64), EwfWriteError> {
        self.close_group()?;
        if !unreadable_sectors.is_empty() {
            let error2 =
                error2_bytes(unreadable_sectors).ok_or_else(|| EwfWriteError::MediaTooLarge {
                    what: "an unreadable sector number does not fit the 32-bit error2 fields"
                        .into(),
                })?;
            self.write_section("error2", &error2)?;
        }
        self.write_section("digest", &digest_bytes(md5, sha1))?;
        self.write_section("hash", &hash_bytes(md5))?;
        self.write_terminal("done")?;
        self.close()
    }

    fn close(mut self) -> Result<(PathBuf, u64), EwfWriteError> {
        self.file
            .flush()
            .and_then(|()| self.file.get_ref().sync_all())
            .map_err(|e| EwfWriteError::io(&self.path, e))?;
        Ok((self.path, self.volume_data_offset))
    }
}

/// zlib-compresses header text (best level, as EnCase does).
fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// UTF-16LE with a byte-order mark, as `header2` stores its text.
fn utf16le_with_bom(text: &str) -> Vec<u8> {
    std::iter::once(0xfeff_u16)
        .chain(text.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect()
}
