//! LiME (Linux Memory Extractor) dumps in the `lime` format.
//!
//! Sources:
//! - LiME documentation, "Memory Dump Format" (`doc/README.md` of the LiME
//!   project): each range of physical memory is preceded by a 32-byte header.
//!
//! Range header, little-endian:
//!
//! | offset | size | field                                       |
//! |--------|------|---------------------------------------------|
//! | 0      | 4    | magic `0x4C694D45` (bytes `EMiL`)           |
//! | 4      | 4    | version, 1                                  |
//! | 8      | 8    | first physical address of the range         |
//! | 16     | 8    | last physical address of the range (inclusive) |
//! | 24     | 8    | reserved                                    |
//!
//! The range's bytes follow the header; the next header follows them.

use std::path::Path;
use std::sync::Arc;

use super::physical::PhysicalView;
use super::{le_u32, le_u64, read_structure};
use crate::evidence::{Error, Evidence, EvidenceInfo, EvidenceSource, Format, MemoryRange};

/// Magic of a LiME range header, read as a little-endian `u32`.
pub(crate) const LIME_MAGIC: u32 = 0x4C69_4D45;
/// The only header version LiME has written.
const LIME_VERSION: u32 = 1;
/// Size of one range header in bytes.
const RANGE_HEADER_LEN: u64 = 32;
/// Most ranges accepted in one dump. LiME writes one range per "System RAM"
/// entry of `/proc/iomem`, a few dozen at most on real machines.
pub const MAX_LIME_RANGES: usize = 65_536;

/// One parsed range header.
#[derive(Debug, Clone, Copy)]
struct RangeHeader {
    /// First physical address of the range.
    physical_start: u64,
    /// Last physical address of the range (inclusive).
    physical_end: u64,
}

/// Whether `head` starts with a LiME range header (magic and version 1).
pub fn is_lime(head: &[u8]) -> bool {
    head.get(..4).is_some_and(|m| le_u32(m, 0) == LIME_MAGIC)
}

/// Opens a LiME dump held in `file`; `path` names it in messages and in the
/// returned info.
///
/// [`Evidence::source`] is `file` itself; [`Evidence::physical`] places each
/// range at its physical address, gaps reading as zeros.
pub fn lime_from_source(file: Arc<dyn EvidenceSource>, path: &Path) -> Result<Evidence, Error> {
    let ranges = read_ranges(file.as_ref(), path)?;
    let physical_size = ranges
        .last()
        .map_or(0, |range| range.physical_start + range.len_bytes);
    let view = PhysicalView::new(file.clone(), ranges.clone(), physical_size, path)?;
    let mut info = EvidenceInfo::plain(path, Format::Lime, file.len());
    info.metadata = vec![
        ("range_count".into(), ranges.len().to_string()),
        ("physical_size".into(), physical_size.to_string()),
        (
            "captured_bytes".into(),
            ranges
                .iter()
                .map(|range| range.len_bytes)
                .sum::<u64>()
                .to_string(),
        ),
    ];
    info.memory_ranges = ranges;
    Ok(Evidence {
        source: file,
        physical: Some(Arc::new(view)),
        info,
    })
}

/// Walks the range headers from the start of the file to its end.
fn read_ranges(file: &dyn EvidenceSource, path: &Path) -> Result<Vec<MemoryRange>, Error> {
    let file_len = file.len();
    if file_len == 0 {
        return Err(Error::truncated(path, "the file is empty, not a LiME dump"));
    }
    let mut ranges: Vec<MemoryRange> = Vec::new();
    let mut header_offset = 0u64;
    while header_offset < file_len {
        if ranges.len() == MAX_LIME_RANGES {
            return Err(Error::LimitExceeded {
                path: path.to_path_buf(),
                what: "LiME ranges".into(),
                value: ranges.len() as u64 + 1,
                limit: MAX_LIME_RANGES as u64,
            });
        }
        let header = read_range_header(file, header_offset, path)?;
        let range = place_range(header, header_offset, file_len, path)?;
        if let Some(previous) = ranges.last() {
            check_order(previous, &range, header_offset, path)?;
        }
        header_offset = range.file_offset + range.len_bytes;
        ranges.push(range);
    }
    Ok(ranges)
}

/// Reads and checks the range header at `header_offset`.
fn read_range_header(
    file: &dyn EvidenceSource,
    header_offset: u64,
    path: &Path,
) -> Result<RangeHeader, Error> {
    let bytes = read_structure(
        file,
        header_offset,
        RANGE_HEADER_LEN,
        path,
        "LiME range header",
    )?;
    let magic = le_u32(&bytes, 0);
    if magic != LIME_MAGIC {
        return Err(Error::corrupt(
            path,
            header_offset,
            format!("expected a LiME range header (magic {LIME_MAGIC:#010x}), found {magic:#010x}"),
        ));
    }
    let version = le_u32(&bytes, 4);
    if version != LIME_VERSION {
        return Err(Error::corrupt(
            path,
            header_offset,
            format!("LiME header version {version}, only version {LIME_VERSION} is known"),
        ));
    }
    Ok(RangeHeader {
        physical_start: le_u64(&bytes, 8),
        physical_end: le_u64(&bytes, 16),
    })
}

/// Where the range of `header` lies in the file; fails when it is empty of
/// sense (end before start) or does not fit in the file.
fn place_range(
    header: RangeHeader,
    header_offset: u64,
    file_len: u64,
    path: &Path,
) -> Result<MemoryRange, Error> {
    let RangeHeader {
        physical_start,
        physical_end,
    } = header;
    if physical_end < physical_start {
        return Err(Error::corrupt(
            path,
            header_offset,
            format!("LiME range ends at {physical_end:#x}, before its start {physical_start:#x}"),
        ));
    }
    // The view addresses bytes up to the exclusive end, which must exist.
    let Some(physical_end_exclusive) = physical_end.checked_add(1) else {
        return Err(Error::corrupt(
            path,
            header_offset,
            "LiME range ends at the last 64-bit address, which cannot be addressed",
        ));
    };
    let len_bytes = physical_end_exclusive - physical_start;
    let file_offset = header_offset + RANGE_HEADER_LEN;
    let data_end = file_offset.checked_add(len_bytes);
    if data_end.is_none_or(|end| end > file_len) {
        return Err(Error::corrupt(
            path,
            header_offset,
            format!(
                "LiME range {physical_start:#x}..={physical_end:#x} needs {len_bytes} bytes after its header, past the end of the file ({file_len} bytes)"
            ),
        ));
    }
    Ok(MemoryRange {
        physical_start,
        len_bytes,
        file_offset,
    })
}

/// Ranges must ascend without overlapping.
fn check_order(
    previous: &MemoryRange,
    range: &MemoryRange,
    header_offset: u64,
    path: &Path,
) -> Result<(), Error> {
    let previous_last = previous.physical_start + (previous.len_bytes - 1);
    let last = range.physical_start + (range.len_bytes - 1);
    if range.physical_start > previous_last {
        return Ok(());
    }
    let what = if last >= previous.physical_start {
        format!(
            "LiME range {:#x}..={last:#x} overlaps the previous range {:#x}..={previous_last:#x}",
            range.physical_start, previous.physical_start
        )
    } else {
        format!(
            "LiME range {:#x}..={last:#x} comes after the range {:#x}..={previous_last:#x}; ranges must ascend",
            range.physical_start, previous.physical_start
        )
    };
    Err(Error::corrupt(path, header_offset, what))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::memdump::testutil::{lime_file, lime_header, read, source};

    fn open(bytes: Vec<u8>) -> Result<Evidence, Error> {
        lime_from_source(source(bytes), Path::new("test.lime"))
    }

    #[test]
    fn ranges_are_placed_at_their_physical_addresses_and_gaps_read_zero() {
        let low: Vec<u8> = (0..100u8).collect();
        let high = vec![0xABu8; 50];
        let file = lime_file(&[(0x1000, &low), (0x3000, &high)]);
        let evidence = open(file.clone()).unwrap();
        let physical = evidence.physical.as_deref().unwrap();
        assert_eq!(physical.len(), 0x3000 + 50);
        assert_eq!(read(physical, 0x1000, 100), low);
        assert_eq!(read(physical, 0x3000, 50), high);
        assert_eq!(read(physical, 0, 0x1000), vec![0u8; 0x1000]);
        assert_eq!(
            read(physical, 0x1064, 0x3000 - 0x1064),
            vec![0u8; 0x3000 - 0x1064]
        );
        let spanning = read(physical, 0x1060, 8);
        assert_eq!(spanning, [96, 97, 98, 99, 0, 0, 0, 0]);
        assert_eq!(evidence.source.len(), file.len() as u64);
        assert_eq!(read(evidence.source.as_ref(), 0, file.len()), file);
        assert_eq!(evidence.info.format, Format::Lime);
        assert_eq!(evidence.info.media_size, file.len() as u64);
        assert_eq!(
            evidence.info.memory_ranges,
            vec![
                MemoryRange {
                    physical_start: 0x1000,
                    len_bytes: 100,
                    file_offset: 32
                },
                MemoryRange {
                    physical_start: 0x3000,
                    len_bytes: 50,
                    file_offset: 32 + 100 + 32
                },
            ]
        );
        assert_eq!(evidence.info.metadata_value("range_count"), Some("2"));
        assert_eq!(evidence.info.metadata_value("physical_size"), Some("12338"));
        assert_eq!(evidence.info.metadata_value("captured_bytes"), Some("150"));
    }

    #[test]
    fn overlapping_ranges_are_refused_naming_the_second_header() {
        let file = lime_file(&[(0x1000, &[1; 100]), (0x1050, &[2; 100])]);
        let err = open(file).unwrap_err().to_string();
        assert!(err.contains("overlaps"), "{err}");
        assert!(err.contains("offset 132"), "{err}");
    }

    #[test]
    fn descending_ranges_are_refused() {
        let file = lime_file(&[(0x5000, &[1; 16]), (0x1000, &[2; 16])]);
        let err = open(file).unwrap_err().to_string();
        assert!(err.contains("must ascend"), "{err}");
    }

    #[test]
    fn a_range_past_the_end_of_the_file_is_refused_naming_its_offset() {
        let mut file = lime_file(&[(0, &[1; 64])]);
        file.extend(lime_header(LIME_MAGIC, 1, 0x1000, 0x1000 + 4095));
        file.extend([0u8; 100]);
        let err = open(file).unwrap_err().to_string();
        assert!(err.contains("corrupt at offset 96"), "{err}");
        assert!(err.contains("past the end of the file"), "{err}");
    }

    #[test]
    fn a_range_ending_before_it_starts_is_refused() {
        let mut file = lime_header(LIME_MAGIC, 1, 0x2000, 0x1000);
        file.extend([0u8; 64]);
        let err = open(file).unwrap_err().to_string();
        assert!(err.contains("before its start"), "{err}");
    }

    #[test]
    fn ranges_reaching_the_top_of_the_address_space_are_refused() {
        let mut file = lime_header(LIME_MAGIC, 1, u64::MAX, u64::MAX);
        file.push(7);
        assert!(open(file).is_err());
        let mut whole = lime_header(LIME_MAGIC, 1, 0, u64::MAX);
        whole.extend([0u8; 64]);
        assert!(open(whole).is_err());
    }

    #[test]
    fn an_unknown_version_is_refused() {
        let mut file = lime_header(LIME_MAGIC, 2, 0, 15);
        file.extend([0u8; 16]);
        let err = open(file).unwrap_err().to_string();
        assert!(err.contains("version 2"), "{err}");
    }

    #[test]
    fn a_truncated_header_is_reported_as_truncated() {
        let mut file = lime_file(&[(0, &[1; 16])]);
        file.extend(&lime_header(LIME_MAGIC, 1, 0x100, 0x10f)[..20]);
        let err = open(file).unwrap_err();
        assert!(matches!(err, Error::Truncated { .. }), "{err}");
        assert!(err.to_string().contains("offset 48"), "{err}");
        assert!(open(Vec::new()).is_err());
        assert!(open(b"EMiL".to_vec()).is_err());
    }

    #[test]
    fn garbage_after_the_last_range_is_refused() {
        let mut file = lime_file(&[(0, &[1; 16])]);
        file.extend([0x55u8; 40]);
        let err = open(file).unwrap_err().to_string();
        assert!(err.contains("corrupt at offset 48"), "{err}");
    }

    #[test]
    fn more_ranges_than_the_limit_are_refused() {
        let mut file = Vec::new();
        for index in 0..=MAX_LIME_RANGES as u64 {
            file.extend(lime_header(LIME_MAGIC, 1, index * 2, index * 2));
            file.push(index as u8);
        }
        let err = open(file).unwrap_err();
        assert!(matches!(err, Error::LimitExceeded { .. }), "{err}");
    }
}
