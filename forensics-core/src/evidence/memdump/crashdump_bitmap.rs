//! Bitmap crash dumps (`DumpType` 5 and 6, 64-bit only): after the 8 KiB
//! main header comes a bitmap header (`SDMP` for kernel, `FDMP` for full
//! dumps), then one bit per physical page frame; each set bit is one page
//! stored in the file, in page-frame order, from `FirstPage` on.
//!
//! Sources:
//! - Rekall, `rekall/plugins/overlays/windows/crashdump.py` (`_BMP_HEADER64`).
//! - kdmp-parser documentation of `BMP_HEADER64`.
//!
//! Bitmap header, little-endian, at file offset 0x2000:
//!
//! | offset | size | field                                             |
//! |--------|------|---------------------------------------------------|
//! | 0x00   | 4    | signature `SDMP` or `FDMP`                        |
//! | 0x04   | 4    | `DUMP`                                            |
//! | 0x20   | 8    | `FirstPage`: file offset of the first stored page |
//! | 0x28   | 8    | `TotalPresentPages`: number of set bits           |
//! | 0x30   | 8    | `Pages`: number of bits (page frames covered)     |
//! | 0x38   | …    | the bitmap, bit 0 of byte 0 = page frame 0        |

use std::path::Path;

use super::crashdump_header::{MAX_PHYSICAL_PAGES, PAGE_SIZE};
use super::{le_u64, read_exact_in_file, read_structure};
use crate::Problem;
use crate::evidence::{Error, EvidenceSource, MemoryRange};

/// Size of the bitmap header before the bitmap itself.
const BITMAP_HEADER_LEN: u64 = 0x38;
/// Bitmap bytes read at a time.
const BITMAP_CHUNK_LEN: usize = 64 * 1024;
/// Most runs of consecutive present pages accepted. A run costs 24 bytes, so
/// this caps the run table at 192 MiB; real kernel dumps have far fewer.
pub const MAX_BITMAP_RUNS: usize = 8 * 1024 * 1024;

/// What a bitmap dump holds.
#[derive(Debug)]
pub(crate) struct BitmapLayout {
    /// `Pages`: the physical address space covered, in pages.
    pub page_frames: u64,
    /// Runs of present pages, ascending.
    pub runs: Vec<MemoryRange>,
    /// Inconsistencies that did not stop the dump from opening.
    pub problems: Vec<Problem>,
}

/// `BMP_HEADER64`: where the bitmap and the pages are.
#[derive(Debug, Clone, Copy)]
struct BitmapHeader {
    /// File offset of the bitmap header itself.
    header_offset: u64,
    /// `FirstPage`: file offset of the first stored page.
    first_page_offset: u64,
    /// `TotalPresentPages`: the number of set bits, as announced.
    total_present_pages: u64,
    /// `Pages`: bits in the bitmap, one per page frame.
    page_frames: u64,
}

impl BitmapHeader {
    /// Reads the header at `header_offset`; refuses a wrong signature and a
    /// bitmap wider than any physical address space.
    fn read(file: &dyn EvidenceSource, header_offset: u64, path: &Path) -> Result<Self, Error> {
        let bytes = read_structure(
            file,
            header_offset,
            BITMAP_HEADER_LEN,
            path,
            "bitmap header",
        )?;
        let signature = bytes.get(..8).unwrap_or_default();
        if signature != b"SDMPDUMP" && signature != b"FDMPDUMP" {
            return Err(Error::corrupt(
                path,
                header_offset,
                format!(
                    "expected a bitmap header (\"SDMPDUMP\" or \"FDMPDUMP\"), found {:?}",
                    String::from_utf8_lossy(signature)
                ),
            ));
        }
        let page_frames = le_u64(&bytes, 0x30);
        if page_frames > MAX_PHYSICAL_PAGES {
            return Err(Error::LimitExceeded {
                path: path.to_path_buf(),
                what: "page frames in the crash dump bitmap".into(),
                value: page_frames,
                limit: MAX_PHYSICAL_PAGES,
            });
        }
        Ok(Self {
            header_offset,
            first_page_offset: le_u64(&bytes, 0x20),
            total_present_pages: le_u64(&bytes, 0x28),
            page_frames,
        })
    }

    /// File offset of the bitmap.
    fn bitmap_offset(&self) -> u64 {
        self.header_offset + BITMAP_HEADER_LEN
    }

    /// Checks that the bitmap fits in the file and that the pages start after
    /// it; returns how many whole pages the file holds from `FirstPage` on.
    fn pages_in_file(&self, file_len: u64, path: &Path) -> Result<u64, Error> {
        let bitmap_len = self.page_frames.div_ceil(8);
        let bitmap_end = self.bitmap_offset() + bitmap_len;
        if bitmap_end > file_len {
            return Err(Error::corrupt(
                path,
                self.header_offset,
                format!(
                    "the bitmap of {} page frames needs {bitmap_len} bytes from offset {}, past the end of the file ({file_len} bytes)",
                    self.page_frames,
                    self.bitmap_offset()
                ),
            ));
        }
        let first_page_offset = self.first_page_offset;
        if first_page_offset < bitmap_end || first_page_offset > file_len {
            return Err(Error::corrupt(
                path,
                self.header_offset + 0x20,
                format!(
                    "FirstPage {first_page_offset} is not between the end of the bitmap ({bitmap_end}) and the end of the file ({file_len})"
                ),
            ));
        }
        Ok((file_len - first_page_offset) / PAGE_SIZE)
    }
}

/// Reads the bitmap header at `header_offset` and turns the bitmap into runs.
pub(crate) fn read_bitmap(
    file: &dyn EvidenceSource,
    header_offset: u64,
    path: &Path,
) -> Result<BitmapLayout, Error> {
    let header = BitmapHeader::read(file, header_offset, path)?;
    let pages_in_file = header.pages_in_file(file.len(), path)?;
    let runs = bitmap_runs(file, &header, pages_in_file, path)?;
    let present_pages: u64 = runs.iter().map(|run| run.len_bytes / PAGE_SIZE).sum();
    let mut problems = Vec::new();
    if present_pages != header.total_present_pages {
        problems.push(Problem::at(
            header_offset + 0x28,
            8,
            format!(
                "the bitmap has {present_pages} pages set but TotalPresentPages says {}",
                header.total_present_pages
            ),
        ));
    }
    Ok(BitmapLayout {
        page_frames: header.page_frames,
        runs,
        problems,
    })
}

/// Runs of consecutive set bits; the n-th set bit is the n-th stored page.
fn bitmap_runs(
    file: &dyn EvidenceSource,
    header: &BitmapHeader,
    pages_in_file: u64,
    path: &Path,
) -> Result<Vec<MemoryRange>, Error> {
    let mut builder = RunBuilder {
        runs: Vec::new(),
        stored_pages: 0,
        first_page_offset: header.first_page_offset,
        pages_in_file,
        bitmap_offset: header.bitmap_offset(),
    };
    let page_frames = header.page_frames;
    let mut chunk = vec![0u8; BITMAP_CHUNK_LEN];
    let mut frame = 0u64;
    while frame < page_frames {
        let chunk_offset = header.bitmap_offset() + frame / 8;
        let want = usize::try_from((page_frames - frame).div_ceil(8))
            .unwrap_or(usize::MAX)
            .min(BITMAP_CHUNK_LEN);
        let bytes = chunk.get_mut(..want).unwrap_or_default();
        read_exact_in_file(file, chunk_offset, bytes, path, "bitmap")?;
        for &byte in bytes.iter() {
            if byte != 0 {
                for bit in 0..8 {
                    if frame + bit < page_frames && byte & (1 << bit) != 0 {
                        builder.add_page(frame + bit, path)?;
                    }
                }
            }
            frame += 8;
        }
    }
    Ok(builder.runs)
}

/// Collects present pages into runs, checking each fits in the file.
struct RunBuilder {
    runs: Vec<MemoryRange>,
    stored_pages: u64,
    first_page_offset: u64,
    pages_in_file: u64,
    bitmap_offset: u64,
}

impl RunBuilder {
    fn add_page(&mut self, page_frame: u64, path: &Path) -> Result<(), Error> {
        if self.stored_pages == self.pages_in_file {
            return Err(Error::corrupt(
                path,
                self.bitmap_offset + page_frame / 8,
                format!(
                    "the bitmap marks more pages present than the file holds ({} pages after offset {})",
                    self.pages_in_file, self.first_page_offset
                ),
            ));
        }
        let physical_start = page_frame * PAGE_SIZE;
        let file_offset = self.first_page_offset + self.stored_pages * PAGE_SIZE;
        self.stored_pages += 1;
        if let Some(last) = self.runs.last_mut()
            && last.physical_start + last.len_bytes == physical_start
        {
            last.len_bytes += PAGE_SIZE;
            return Ok(());
        }
        if self.runs.len() == MAX_BITMAP_RUNS {
            return Err(Error::LimitExceeded {
                path: path.to_path_buf(),
                what: "runs of present pages in the crash dump bitmap".into(),
                value: self.runs.len() as u64 + 1,
                limit: MAX_BITMAP_RUNS as u64,
            });
        }
        self.runs.push(MemoryRange {
            physical_start,
            len_bytes: PAGE_SIZE,
            file_offset,
        });
        Ok(())
    }
}
