//! Where an acquisition writes: raw (one file or `.001`, `.002`, …
//! segments) or E01, always first into a staging directory `NAME.partial`
//! beside the destination. Only a complete, verified acquisition is moved
//! into place; anything else stays in the staging directory with an
//! `INCOMPLETE.txt` marker, so an interrupted image never looks complete.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::reader::BadRange;
use super::{AcquireError, ImageFormat};
use crate::evidence::ewf::{EwfWriteOptions, EwfWriteSummary, EwfWriter};

/// Raw segments are numbered `.001` to `.999`.
const MAX_RAW_SEGMENTS: u32 = 999;
/// Name of the marker file left in the staging directory of an incomplete
/// acquisition.
pub const INCOMPLETE_MARKER: &str = "INCOMPLETE.txt";

/// The staging directory and the final place of the image files.
#[derive(Debug, Clone)]
pub(super) struct Staging {
    /// `DEST.partial`, holding the files while they are written.
    pub(super) dir: PathBuf,
    /// Where the files go when the acquisition is complete.
    pub(super) final_dir: PathBuf,
}

impl Staging {
    /// Creates the staging directory for `first_path` (refusing to reuse one
    /// left by an earlier attempt, or to overwrite an existing image).
    pub(super) fn create(first_path: &Path) -> Result<Self, AcquireError> {
        if first_path.exists() {
            return Err(AcquireError::DestinationExists {
                path: first_path.to_path_buf(),
            });
        }
        let final_dir = first_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut dir_name = first_path.file_name().unwrap_or_default().to_os_string();
        dir_name.push(".partial");
        let dir = final_dir.join(dir_name);
        std::fs::create_dir(&dir).map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => {
                AcquireError::DestinationExists { path: dir.clone() }
            }
            _ => AcquireError::Destination {
                path: dir.clone(),
                source,
            },
        })?;
        Ok(Self { dir, final_dir })
    }

    /// Moves the finished files into place (never over an existing file)
    /// and removes the staging directory; returns the final paths.
    pub(super) fn commit(&self, staged: &[PathBuf]) -> Result<Vec<PathBuf>, AcquireError> {
        let mut placed = Vec::with_capacity(staged.len());
        for path in staged {
            let target = self.final_dir.join(path.file_name().unwrap_or_default());
            let io = |source| AcquireError::Destination {
                path: target.clone(),
                source,
            };
            // A hard link fails if the target exists: no clobbering, no race.
            std::fs::hard_link(path, &target).map_err(|source| match source.kind() {
                std::io::ErrorKind::AlreadyExists => AcquireError::DestinationExists {
                    path: target.clone(),
                },
                _ => io(source),
            })?;
            std::fs::remove_file(path).map_err(io)?;
            placed.push(target);
        }
        std::fs::remove_dir(&self.dir).map_err(|source| AcquireError::Destination {
            path: self.dir.clone(),
            source,
        })?;
        Ok(placed)
    }

    /// The files in the staging directory, sorted by name.
    pub(super) fn files(&self) -> Result<Vec<PathBuf>, AcquireError> {
        let io = |source| AcquireError::Destination {
            path: self.dir.clone(),
            source,
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(io)? {
            files.push(entry.map_err(io)?.path());
        }
        files.sort();
        Ok(files)
    }

    /// Leaves the marker saying why the files here are not an image.
    pub(super) fn mark_incomplete(&self, reason: &str) -> Result<(), AcquireError> {
        let path = self.dir.join(INCOMPLETE_MARKER);
        let text = format!(
            "INCOMPLETE ACQUISITION: {reason}\nThe files in this directory are not a complete image of the source.\n"
        );
        std::fs::write(&path, text).map_err(|source| AcquireError::Destination { path, source })
    }
}

/// The image being written.
pub(super) enum Output {
    /// Raw, optionally split.
    Raw(RawOutput),
    /// E01 through the EWF writer.
    E01(Box<E01Output>),
}

impl Output {
    /// Opens the first file of the image in `staging`.
    pub(super) fn create(
        format: ImageFormat,
        staging: &Staging,
        first_name: &str,
        segment_size_bytes: Option<u64>,
        ewf_options: EwfWriteOptions,
        prehashed: bool,
    ) -> Result<Self, AcquireError> {
        match format {
            ImageFormat::Raw => Ok(Self::Raw(RawOutput {
                dir: staging.dir.clone(),
                first_name: first_name.to_owned(),
                segment_size_bytes,
                current: None,
                files: Vec::new(),
            })),
            ImageFormat::E01 => {
                let path = staging.dir.join(first_name);
                let sector_size = u64::from(ewf_options.bytes_per_sector);
                let writer = if prehashed {
                    EwfWriter::create_prehashed(&path, ewf_options)
                } else {
                    EwfWriter::create(&path, ewf_options)
                }?;
                Ok(Self::E01(Box::new(E01Output {
                    writer,
                    prehashed,
                    sector_size,
                })))
            }
        }
    }

    /// Appends one block of media at `media_offset`, whose `bad` ranges
    /// (absolute, inside the block) are already zero-filled.
    pub(super) fn write_block(
        &mut self,
        media_offset: u64,
        block: &[u8],
        bad: &[BadRange],
    ) -> Result<(), AcquireError> {
        match self {
            Self::Raw(raw) => raw.write(block),
            Self::E01(e01) => e01.write(media_offset, block, bad),
        }
    }

    /// Ends the image; returns the staged files and, for E01, the writer's
    /// summary.
    pub(super) fn finish(
        self,
        md5: [u8; 16],
        sha1: [u8; 20],
    ) -> Result<(Vec<PathBuf>, Option<EwfWriteSummary>), AcquireError> {
        match self {
            Self::Raw(raw) => raw.finish().map(|files| (files, None)),
            Self::E01(e01) => {
                let summary = if e01.prehashed {
                    e01.writer.finish_with_digests(md5, sha1)?
                } else {
                    e01.writer.finish()?
                };
                Ok((summary.segment_files.clone(), Some(summary)))
            }
        }
    }
}

/// A raw image, split into segments when a segment size is given.
pub(super) struct RawOutput {
    dir: PathBuf,
    first_name: String,
    segment_size_bytes: Option<u64>,
    /// The open segment and the bytes in it.
    current: Option<(File, PathBuf, u64)>,
    files: Vec<PathBuf>,
}

impl RawOutput {
    fn write(&mut self, mut block: &[u8]) -> Result<(), AcquireError> {
        while !block.is_empty() {
            let limit = self.segment_size_bytes.unwrap_or(u64::MAX);
            if self
                .current
                .as_ref()
                .is_none_or(|(_, _, len)| *len >= limit)
            {
                self.open_next()?;
            }
            let Some((file, path, len)) = self.current.as_mut() else {
                continue;
            };
            let room = usize::try_from(limit - *len).unwrap_or(usize::MAX);
            let take = room.min(block.len());
            file.write_all(&block[..take])
                .map_err(|source| AcquireError::Destination {
                    path: path.clone(),
                    source,
                })?;
            *len += take as u64;
            block = &block[take..];
        }
        Ok(())
    }

    fn open_next(&mut self) -> Result<(), AcquireError> {
        self.close_current()?;
        let number = u32::try_from(self.files.len() + 1).unwrap_or(u32::MAX);
        let name = match self.segment_size_bytes {
            None => self.first_name.clone(),
            Some(_) if number > MAX_RAW_SEGMENTS => {
                return Err(AcquireError::TooManySegments {
                    limit: MAX_RAW_SEGMENTS,
                });
            }
            Some(_) => raw_segment_name(&self.first_name, number),
        };
        let path = self.dir.join(name);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| AcquireError::Destination {
                path: path.clone(),
                source,
            })?;
        self.files.push(path.clone());
        self.current = Some((file, path, 0));
        Ok(())
    }

    fn close_current(&mut self) -> Result<(), AcquireError> {
        if let Some((file, path, _)) = self.current.take() {
            file.sync_all()
                .map_err(|source| AcquireError::Destination { path, source })?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Vec<PathBuf>, AcquireError> {
        if self.files.is_empty() {
            // An empty source still gives one (empty) file.
            self.open_next()?;
        }
        self.close_current()?;
        Ok(self.files)
    }
}

/// `NAME.001` → `NAME.00N` (the first name always ends in `.001`).
pub(super) fn raw_segment_name(first_name: &str, number: u32) -> String {
    let stem = first_name.strip_suffix(".001").unwrap_or(first_name);
    format!("{stem}.{number:03}")
}

/// An E01 image.
pub(super) struct E01Output {
    writer: EwfWriter,
    prehashed: bool,
    sector_size: u64,
}

impl E01Output {
    fn write(
        &mut self,
        media_offset: u64,
        block: &[u8],
        bad: &[BadRange],
    ) -> Result<(), AcquireError> {
        let mut done = 0usize;
        for range in bad {
            let start = usize::try_from(range.media_offset.saturating_sub(media_offset))
                .unwrap_or(usize::MAX)
                .clamp(done, block.len());
            let end = usize::try_from(range.media_offset + range.len_bytes - media_offset)
                .unwrap_or(usize::MAX)
                .clamp(start, block.len());
            self.writer.write_all(&block[done..start])?;
            let len_bytes = (end - start) as u64;
            let whole_sectors = len_bytes - len_bytes % self.sector_size;
            self.writer.write_unreadable(whole_sectors)?;
            // A partial last sector of the media: zeros, not listed in error2.
            self.writer
                .write_all(&block[start + whole_sectors as usize..end])?;
            done = end;
        }
        self.writer.write_all(&block[done..])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_segments_are_numbered_from_001() {
        assert_eq!(raw_segment_name("disk.001", 1), "disk.001");
        assert_eq!(raw_segment_name("disk.001", 12), "disk.012");
    }
}
