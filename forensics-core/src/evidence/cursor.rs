//! `Read + Seek` over a source, for dependencies that want a stream.

use std::io::{self, Read, Seek, SeekFrom};

use super::EvidenceSource;

/// A position in an [`EvidenceSource`], read like a file.
pub struct EvidenceCursor<'a> {
    source: &'a dyn EvidenceSource,
    position: u64,
}

impl<'a> EvidenceCursor<'a> {
    /// A cursor at offset 0 of `source`.
    pub fn new(source: &'a dyn EvidenceSource) -> Self {
        Self {
            source,
            position: 0,
        }
    }
}

impl Read for EvidenceCursor<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self
            .source
            .read_at(self.position, buf)
            .map_err(io::Error::other)?;
        self.position += read as u64;
        Ok(read)
    }
}

impl Seek for EvidenceCursor<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(offset) => Some(offset),
            SeekFrom::End(delta) => self.source.len().checked_add_signed(delta),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
        };
        let target = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        self.position = target;
        Ok(target)
    }
}
