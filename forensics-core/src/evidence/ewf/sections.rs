//! The segment file header and the chain of section descriptors.
//!
//! Source: libewf documentation "Expert Witness Compression Format (EWF)",
//! sections "File header" and "Section descriptor". Every segment file starts
//! with a 13-byte header; then sections follow, each opened by a 76-byte
//! descriptor whose `next` field is the file offset of the following
//! descriptor. The chain ends with a `next` section (more segments follow) or
//! a `done` section (last segment), whose `next` points to itself.

use crate::Problem;

/// "EVF" 0x09 0x0d 0x0a 0xff 0x00: the EWF version 1 segment signature.
pub const EVF_SIGNATURE: [u8; 8] = *b"EVF\x09\x0d\x0a\xff\x00";
/// Size of the segment file header in bytes.
pub const FILE_HEADER_SIZE: u64 = 13;
/// Size of a section descriptor in bytes.
pub const DESCRIPTOR_SIZE: u64 = 76;
/// Bytes of the descriptor covered by its Adler-32 checksum.
const DESCRIPTOR_CHECKSUMMED: usize = 72;
/// Safety cap on sections per segment (a real segment has a handful per
/// 16,375 chunks; offsets must grow, so this only bounds crafted files).
pub const MAX_SECTIONS_PER_SEGMENT: usize = 1 << 16;

/// Reads a little-endian `u32` at `at`, `None` when out of bounds.
pub fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let raw = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(raw.try_into().ok()?))
}

/// Reads a little-endian `u64` at `at`, `None` when out of bounds.
pub fn le_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let raw = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(raw.try_into().ok()?))
}

/// The bytes `[start, end)` of `bytes`, with `u64` bounds; `None` when out of
/// bounds.
pub fn slice_u64(bytes: &[u8], start: u64, end: u64) -> Option<&[u8]> {
    let start = usize::try_from(start).ok()?;
    let end = usize::try_from(end).ok()?;
    bytes.get(start..end)
}

/// Adler-32 as EWF uses it (initial value 1, the zlib definition).
pub fn adler32(bytes: &[u8]) -> u32 {
    adler2::adler32_slice(bytes)
}

/// The 13-byte segment file header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileHeader {
    /// 1-based number of the segment in its image.
    pub segment_number: u16,
}

impl FileHeader {
    /// Parses the header; `None` without the EVF signature.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        if bytes.get(..8)? != EVF_SIGNATURE {
            return None;
        }
        let number = bytes.get(9..11)?;
        Some(Self {
            segment_number: u16::from_le_bytes([number[0], number[1]]),
        })
    }

    /// The header as written: signature, fields start 1, number, fields end 0.
    pub fn to_bytes(self) -> [u8; FILE_HEADER_SIZE as usize] {
        let mut out = [0u8; FILE_HEADER_SIZE as usize];
        out[..8].copy_from_slice(&EVF_SIGNATURE);
        out[8] = 1;
        out[9..11].copy_from_slice(&self.segment_number.to_le_bytes());
        out
    }
}

/// One 76-byte section descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionDescriptor {
    /// Section type, e.g. `header2`, `volume`, `sectors`, `table`, `done`.
    pub kind: String,
    /// File offset of the next descriptor (own offset for `next`/`done`).
    pub next_offset: u64,
    /// Size of the section including this descriptor (0 for `next`/`done`
    /// in some writers).
    pub size_bytes: u64,
}

impl SectionDescriptor {
    /// Parses a descriptor, `Err` naming what is wrong when its checksum fails.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let Some(raw) = bytes.get(..DESCRIPTOR_SIZE as usize) else {
            return Err("section descriptor is cut short by the end of the file".into());
        };
        let stored = le_u32(raw, DESCRIPTOR_CHECKSUMMED).unwrap_or(0);
        let computed = adler32(&raw[..DESCRIPTOR_CHECKSUMMED]);
        if stored != computed {
            return Err(format!(
                "section descriptor checksum mismatch (stored {stored:#010x}, computed {computed:#010x})"
            ));
        }
        let kind_raw = &raw[..16];
        let kind_len = kind_raw.iter().position(|&b| b == 0).unwrap_or(16);
        let kind = String::from_utf8_lossy(&kind_raw[..kind_len]).into_owned();
        Ok(Self {
            kind,
            next_offset: le_u64(raw, 16).unwrap_or(0),
            size_bytes: le_u64(raw, 24).unwrap_or(0),
        })
    }

    /// The descriptor as written, with its checksum.
    pub fn to_bytes(&self) -> [u8; DESCRIPTOR_SIZE as usize] {
        let mut out = [0u8; DESCRIPTOR_SIZE as usize];
        let kind = self.kind.as_bytes();
        let kind_len = kind.len().min(16);
        out[..kind_len].copy_from_slice(&kind[..kind_len]);
        out[16..24].copy_from_slice(&self.next_offset.to_le_bytes());
        out[24..32].copy_from_slice(&self.size_bytes.to_le_bytes());
        let checksum = adler32(&out[..DESCRIPTOR_CHECKSUMMED]);
        out[72..76].copy_from_slice(&checksum.to_le_bytes());
        out
    }
}

/// One section found by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Section type.
    pub kind: String,
    /// File offset of the descriptor.
    pub file_offset: u64,
    /// File offset of the first data byte (after the descriptor).
    pub data_start: u64,
    /// File offset one past the last data byte.
    pub data_end: u64,
}

/// How the walk of one segment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkEnd {
    /// A `next` section: another segment follows.
    Next,
    /// A `done` section: this is the last segment.
    Done,
    /// The chain broke (end of file, bad checksum, loop); see the problems.
    Broken,
}

/// The sections of one segment file, in file order.
#[derive(Debug, Clone)]
pub struct SegmentLayout {
    /// Sections in chain order; offsets strictly increase.
    pub sections: Vec<Section>,
    /// How the chain ended.
    pub end: WalkEnd,
    /// What broke the chain, if it broke.
    pub problems: Vec<Problem>,
}

impl SegmentLayout {
    /// The file offset of the first section that starts after `file_offset`
    /// (or the file size): where data stored at `file_offset` must end.
    pub fn boundary_after(&self, file_offset: u64, file_len: u64) -> u64 {
        let index = self
            .sections
            .partition_point(|s| s.file_offset <= file_offset);
        self.sections
            .get(index)
            .map_or(file_len, |s| s.file_offset.min(file_len))
    }
}

/// Walks the descriptor chain of one segment (`bytes` is the whole file,
/// `name` is used in problem messages). Never loops: offsets must grow.
pub fn walk_segment(bytes: &[u8], name: &str) -> SegmentLayout {
    let file_len = bytes.len() as u64;
    let mut sections = Vec::new();
    let mut problems = Vec::new();
    let mut offset = FILE_HEADER_SIZE;
    let end = loop {
        if sections.len() >= MAX_SECTIONS_PER_SEGMENT {
            problems.push(Problem::general(format!(
                "{name}: more than {MAX_SECTIONS_PER_SEGMENT} sections; walk stopped"
            )));
            break WalkEnd::Broken;
        }
        let Some(raw) = offset
            .checked_add(DESCRIPTOR_SIZE)
            .and_then(|end| slice_u64(bytes, offset, end))
        else {
            problems.push(Problem::general(format!(
                "{name}: file ends at {file_len} where a section descriptor was expected at offset {offset} (truncated segment)"
            )));
            break WalkEnd::Broken;
        };
        let descriptor = match SectionDescriptor::parse(raw) {
            Ok(d) => d,
            Err(what) => {
                problems.push(Problem::general(format!("{name}: offset {offset}: {what}")));
                break WalkEnd::Broken;
            }
        };
        let data_start = offset + DESCRIPTOR_SIZE;
        let terminal = match descriptor.kind.as_str() {
            "done" => Some(WalkEnd::Done),
            "next" => Some(WalkEnd::Next),
            _ => None,
        };
        if let Some(end) = terminal {
            sections.push(Section {
                kind: descriptor.kind,
                file_offset: offset,
                data_start,
                data_end: data_start,
            });
            break end;
        }
        let data_end = match section_data_end(&descriptor, offset, file_len) {
            Ok(end) => end,
            Err(what) => {
                problems.push(Problem::general(format!(
                    "{name}: section {:?} at offset {offset}: {what}",
                    descriptor.kind
                )));
                break WalkEnd::Broken;
            }
        };
        sections.push(Section {
            kind: descriptor.kind,
            file_offset: offset,
            data_start,
            data_end,
        });
        offset = descriptor.next_offset;
    };
    SegmentLayout {
        sections,
        end,
        problems,
    }
}

/// Where a non-terminal section's data ends, checking its `next` and `size`
/// fields against the descriptor offset and the file size.
fn section_data_end(
    descriptor: &SectionDescriptor,
    offset: u64,
    file_len: u64,
) -> Result<u64, String> {
    let next = descriptor.next_offset;
    let min_next = offset + DESCRIPTOR_SIZE;
    if next < min_next {
        return Err(format!(
            "next section offset {next} does not lie after this section (loop or corrupt chain)"
        ));
    }
    if next > file_len {
        return Err(format!(
            "next section offset {next} is past the end of the file ({file_len} bytes)"
        ));
    }
    let size = descriptor.size_bytes;
    // The size field should equal next - offset; when it is absurd, trust
    // `next`, which was checked above.
    let by_size = offset
        .checked_add(size)
        .filter(|&end| size >= DESCRIPTOR_SIZE && end <= next);
    Ok(by_size.unwrap_or(next))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(kind: &str, offset: u64, next: u64, size: u64) -> Vec<u8> {
        let _ = offset;
        SectionDescriptor {
            kind: kind.into(),
            next_offset: next,
            size_bytes: size,
        }
        .to_bytes()
        .to_vec()
    }

    #[test]
    fn descriptors_round_trip_and_checksums_are_checked() {
        let raw = section("volume", 13, 1141, 1128);
        let parsed = SectionDescriptor::parse(&raw).unwrap();
        assert_eq!(parsed.kind, "volume");
        assert_eq!(parsed.next_offset, 1141);
        let mut bad = raw.clone();
        bad[20] ^= 1;
        assert!(
            SectionDescriptor::parse(&bad)
                .unwrap_err()
                .contains("checksum")
        );
    }

    #[test]
    fn a_loop_back_stops_the_walk() {
        let mut file = FileHeader { segment_number: 1 }.to_bytes().to_vec();
        file.extend(section("header", 13, 13, 76)); // points to itself
        let layout = walk_segment(&file, "x.E01");
        assert_eq!(layout.end, WalkEnd::Broken);
        assert!(layout.problems[0].message.contains("loop"));
    }

    #[test]
    fn a_chain_ending_in_done_is_complete() {
        let mut file = FileHeader { segment_number: 1 }.to_bytes().to_vec();
        file.extend(section("hash", 13, 89 + 36, 76 + 36));
        file.extend([0u8; 36]);
        file.extend(section("done", 125, 125, 0));
        let layout = walk_segment(&file, "x.E01");
        assert_eq!(layout.end, WalkEnd::Done);
        assert_eq!(layout.sections.len(), 2);
        assert_eq!(layout.sections[0].data_end, 125);
        assert_eq!(layout.boundary_after(100, file.len() as u64), 125);
    }
}
