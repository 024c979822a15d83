//! A buffered `Read + Seek` view of a volume for the `ntfs` crate, which
//! reads structures a few bytes at a time.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

use crate::evidence::EvidenceSource;

/// Size of the aligned block kept in memory between small reads.
const BLOCK_BYTES: usize = 64 * 1024;

/// Reads a volume through one cached, block-aligned buffer.
pub(super) struct VolumeReader {
    volume: Arc<dyn EvidenceSource>,
    position: u64,
    block_start: u64,
    block: Vec<u8>,
    /// Set when a read went past the end of the volume or hit damaged
    /// media and zeros were handed out instead.
    damaged: bool,
}

impl VolumeReader {
    /// A reader at offset 0 of `volume`.
    pub(super) fn new(volume: Arc<dyn EvidenceSource>) -> Self {
        Self {
            volume,
            position: 0,
            block_start: 0,
            block: Vec::new(),
            damaged: false,
        }
    }

    /// Whether zeros stood in for unreadable bytes since the last call.
    pub(super) fn take_damage(&mut self) -> bool {
        std::mem::take(&mut self.damaged)
    }

    /// The volume this reader reads.
    pub(super) fn volume(&self) -> &Arc<dyn EvidenceSource> {
        &self.volume
    }

    fn cached(&self) -> Option<&[u8]> {
        let start = usize::try_from(self.position.checked_sub(self.block_start)?).ok()?;
        let rest = self.block.get(start..)?;
        (!rest.is_empty()).then_some(rest)
    }

    /// Loads the aligned block around the position. Bytes past the end of
    /// the volume or on damaged media read as zeros (and set `damaged`):
    /// the `ntfs` crate panics on some read errors inside its parsers, so
    /// it is never handed one.
    fn fill_block(&mut self) {
        let block_len = BLOCK_BYTES as u64;
        self.block_start = self.position - self.position % block_len;
        self.block.clear();
        self.block.resize(BLOCK_BYTES, 0);
        match self.volume.read_at(self.block_start, &mut self.block) {
            Ok(read) if read == BLOCK_BYTES => {}
            Ok(read) => self.block[read..].fill(0),
            Err(_) => {
                self.block.fill(0);
                self.damaged = true;
            }
        }
    }
}

impl Read for VolumeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cached().is_none() {
            self.fill_block();
        }
        let Some(cached) = self.cached() else {
            return Ok(0);
        };
        let len = cached.len().min(buf.len());
        buf[..len].copy_from_slice(&cached[..len]);
        if self.position.saturating_add(len as u64) > self.volume.len() {
            self.damaged = true;
        }
        self.position = self.position.saturating_add(len as u64);
        Ok(len)
    }
}

impl Seek for VolumeReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(offset) => Some(offset),
            SeekFrom::End(delta) => self.volume.len().checked_add_signed(delta),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
        };
        self.position = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.position)
    }
}
