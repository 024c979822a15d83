//! Reading the media block by block, surviving bad sectors: a failing block
//! is retried, then read sector by sector; sectors that still fail are
//! zero-filled and reported as [`BadRange`]s, and the acquisition goes on.

use std::sync::atomic::{AtomicBool, Ordering};

use super::source::AcquireSource;

/// Media bytes that could not be read and were replaced by zeros.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BadRange {
    /// First unreadable byte on the media.
    pub media_offset: u64,
    /// Unreadable bytes (whole sectors, except at the end of the media).
    pub len_bytes: u64,
    /// The error of the first failed read in the range.
    pub error: String,
}

/// Reads blocks of an [`AcquireSource`] with retries and sector fallback.
pub struct SourceReader<'a> {
    source: &'a dyn AcquireSource,
    /// Extra tries after a failed read (of a block, then of each sector).
    retries: u32,
    sector_size: u64,
}

impl<'a> SourceReader<'a> {
    /// A reader trying each failing read `1 + retries` times and falling back
    /// to `sector_size`-byte reads inside a failing block.
    pub fn new(source: &'a dyn AcquireSource, retries: u32, sector_size: u32) -> Self {
        Self {
            source,
            retries,
            sector_size: u64::from(sector_size.max(1)),
        }
    }

    /// Fills `buf` with the media at `media_offset`. Unreadable sectors are
    /// zero-filled and returned (ascending, adjacent ones merged). Stops the
    /// sector scan early (zero-filling the rest) when `cancel` is set.
    pub fn read_block(
        &self,
        media_offset: u64,
        buf: &mut [u8],
        cancel: &AtomicBool,
    ) -> Vec<BadRange> {
        if self.read_with_retries(media_offset, buf).is_ok() {
            return Vec::new();
        }
        let mut bad: Vec<BadRange> = Vec::new();
        let sector = usize::try_from(self.sector_size).unwrap_or(usize::MAX);
        let mut done = 0usize;
        while done < buf.len() {
            // Sectors are aligned to the media, not to the block.
            let offset = media_offset + done as u64;
            let to_boundary = self.sector_size - offset % self.sector_size;
            let take = usize::try_from(to_boundary)
                .unwrap_or(sector)
                .min(buf.len() - done);
            let piece = &mut buf[done..done + take];
            let failed = if cancel.load(Ordering::Relaxed) {
                Some("not read: the acquisition was cancelled".to_owned())
            } else {
                self.read_with_retries(offset, piece).err()
            };
            if let Some(error) = failed {
                piece.fill(0);
                match bad.last_mut() {
                    Some(last) if last.media_offset + last.len_bytes == offset => {
                        last.len_bytes += take as u64;
                    }
                    _ => bad.push(BadRange {
                        media_offset: offset,
                        len_bytes: take as u64,
                        error,
                    }),
                }
            }
            done += take;
        }
        bad
    }

    /// Reads all of `buf`, trying `1 + retries` times; the last error as text.
    fn read_with_retries(&self, media_offset: u64, buf: &mut [u8]) -> Result<(), String> {
        let mut last_error = String::new();
        for _ in 0..=self.retries {
            match read_full(self.source, media_offset, buf) {
                Ok(()) => return Ok(()),
                Err(err) => last_error = err.to_string(),
            }
        }
        Err(last_error)
    }
}

/// Reads exactly `buf.len()` bytes at `media_offset`.
fn read_full(source: &dyn AcquireSource, media_offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    let mut filled = 0usize;
    let mut interrupted = 0u32;
    while filled < buf.len() {
        match source.read_at(media_offset + filled as u64, &mut buf[filled..]) {
            Ok(0) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!(
                        "the source ended at media offset {} before its reported length",
                        media_offset + filled as u64
                    ),
                ));
            }
            Ok(read) => filled += read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted && interrupted < 16 => {
                interrupted += 1;
            }
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acquire::source::{Fault, FaultySource, MemoryAcquireSource};

    fn media() -> MemoryAcquireSource {
        MemoryAcquireSource::new((0..8192u32).map(|i| (i % 251) as u8 + 1).collect(), "m")
    }

    #[test]
    fn a_bad_sector_is_zero_filled_and_reported_alone() {
        let faulty = FaultySource::new(
            media(),
            vec![Fault {
                media_offset: 1024 + 7,
                len_bytes: 1,
                failures: None,
            }],
        );
        let reader = SourceReader::new(&faulty, 2, 512);
        let mut buf = vec![0xAAu8; 4096];
        let bad = reader.read_block(0, &mut buf, &AtomicBool::new(false));
        assert_eq!(bad.len(), 1);
        assert_eq!((bad[0].media_offset, bad[0].len_bytes), (1024, 512));
        assert!(buf[1024..1536].iter().all(|&b| b == 0));
        let mut expected = vec![0u8; 4096];
        media().read_at(0, &mut expected).expect("memory");
        assert_eq!(buf[..1024], expected[..1024]);
        assert_eq!(buf[1536..], expected[1536..]);
    }

    #[test]
    fn adjacent_bad_sectors_merge_into_one_range() {
        let faulty = FaultySource::new(
            media(),
            vec![Fault {
                media_offset: 600,
                len_bytes: 1000,
                failures: None,
            }],
        );
        let reader = SourceReader::new(&faulty, 0, 512);
        let mut buf = vec![0u8; 4096];
        let bad = reader.read_block(0, &mut buf, &AtomicBool::new(false));
        assert_eq!(bad.len(), 1);
        assert_eq!((bad[0].media_offset, bad[0].len_bytes), (512, 1536));
    }

    #[test]
    fn a_transient_error_is_overcome_by_retrying() {
        let faulty = FaultySource::new(
            media(),
            vec![Fault {
                media_offset: 0,
                len_bytes: 1,
                failures: Some(2),
            }],
        );
        let reader = SourceReader::new(&faulty, 2, 512);
        let mut buf = vec![0u8; 4096];
        assert!(
            reader
                .read_block(0, &mut buf, &AtomicBool::new(false))
                .is_empty()
        );
        assert_eq!(buf[0], 1);
    }

    #[test]
    fn a_source_shorter_than_reported_is_a_read_error() {
        let reader_source = media();
        let reader = SourceReader::new(&reader_source, 0, 512);
        let mut buf = vec![0xFFu8; 1024];
        let bad = reader.read_block(8192 - 512, &mut buf, &AtomicBool::new(false));
        assert_eq!(
            bad.iter()
                .map(|r| (r.media_offset, r.len_bytes))
                .collect::<Vec<_>>(),
            vec![(8192, 512)]
        );
        assert!(buf[512..].iter().all(|&b| b == 0));
    }
}
