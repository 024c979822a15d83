//! Opening an image: walking every segment and gathering volume, headers,
//! tables and digests into one [`EwfImage`] plus its [`EvidenceInfo`].

use std::path::{Path, PathBuf};

use super::cache::ChunkCache;
use super::header::{HeaderKind, decode_header_text, main_values, metadata_from_headers};
use super::naming::MAX_SEGMENT_NUMBER;
use super::reader::{ChunkGroup, EwfImage, Segment, SegmentData};
use super::sections::{FileHeader, Section, WalkEnd, slice_u64, walk_segment};
use super::table::Table;
use super::trailer::{parse_digest, parse_error2, parse_hash};
use super::volume::Volume;
use crate::Problem;
use crate::evidence::{Error, EvidenceInfo, Format, StoredHashes};

/// Largest media size accepted: 1 PiB (far above any disk; a larger value
/// is a crafted or corrupt volume section, and reading it would never end).
pub const MAX_MEDIA_SIZE: u64 = 1 << 50;

/// Supplies segment `number` (1-based). When `required` (the previous
/// segment ended with a `next` section) a missing segment is an error naming
/// it; otherwise `Ok(None)` means there is no such segment.
pub type SegmentLoader<'a> =
    dyn FnMut(u32, bool) -> Result<Option<(PathBuf, SegmentData)>, Error> + 'a;

/// Loads and walks segments until a `done` section, a missing segment or
/// the naming limit.
fn load_segments(
    load: &mut SegmentLoader<'_>,
    problems: &mut Vec<Problem>,
) -> Result<Vec<Segment>, Error> {
    let mut segments: Vec<Segment> = Vec::new();
    for number in 1..=MAX_SEGMENT_NUMBER {
        // After a broken chain, a sibling segment that exists is still read:
        // a damaged segment in the middle should not hide the ones after it.
        let required = segments
            .last()
            .is_none_or(|s: &Segment| s.layout.end == WalkEnd::Next);
        let Some((path, data)) = load(number, required)? else {
            break;
        };
        let bytes = data.bytes();
        let header = FileHeader::parse(bytes)
            .ok_or_else(|| Error::corrupt(&path, 0, "no EVF segment signature"))?;
        if u32::from(header.segment_number) != number {
            return Err(Error::Segment {
                path,
                what: format!(
                    "its file header says segment {}, expected {number}",
                    header.segment_number
                ),
            });
        }
        let name = path.display().to_string();
        let layout = walk_segment(bytes, &name);
        problems.extend(layout.problems.iter().cloned());
        let end = layout.end;
        segments.push(Segment { path, data, layout });
        if end == WalkEnd::Done {
            break;
        }
    }
    if let Some(last) = segments.last()
        && last.layout.end != WalkEnd::Done
    {
        problems.push(Problem::general(format!(
            "{}: no done section: the image is incomplete",
            last.path.display()
        )));
    }
    Ok(segments)
}

/// What the sections of all segments say, before the tables are resolved.
#[derive(Default)]
struct Gathered {
    volume: Option<Volume>,
    header2: Option<Vec<(String, String)>>,
    header: Option<Vec<(String, String)>>,
    hashes: StoredHashes,
    hash_section_found: bool,
    digest_md5: Option<String>,
    error_ranges: Vec<(u64, u64)>,
}

fn section_data<'a>(segment: &'a Segment, section: &Section) -> &'a [u8] {
    slice_u64(segment.data.bytes(), section.data_start, section.data_end).unwrap_or(&[])
}

fn gather(segments: &[Segment], problems: &mut Vec<Problem>) -> Gathered {
    let mut g = Gathered::default();
    for segment in segments {
        for section in &segment.layout.sections {
            let data = section_data(segment, section);
            let at = |what: String| {
                Problem::general(format!(
                    "{}: section {:?} at offset {}: {what}",
                    segment.path.display(),
                    section.kind,
                    section.file_offset
                ))
            };
            match section.kind.as_str() {
                "volume" | "disk" | "data" => match (Volume::parse(data), g.volume) {
                    (Ok(v), None) => g.volume = Some(v),
                    (Ok(v), Some(first)) if !same_media(&v, &first) => problems.push(at(
                        "its media geometry differs from the first volume section: the segments may belong to different images".into(),
                    )),
                    (Ok(_), Some(_)) => {}
                    (Err(what), _) => problems.push(at(what)),
                },
                "header2" if g.header2.is_none() => {
                    match decode_header_text(data, HeaderKind::Header2) {
                        Ok(text) => g.header2 = Some(main_values(&text)),
                        Err(what) => problems.push(at(what)),
                    }
                }
                "header" if g.header.is_none() => {
                    match decode_header_text(data, HeaderKind::Header) {
                        Ok(text) => g.header = Some(main_values(&text)),
                        Err(what) => problems.push(at(what)),
                    }
                }
                "hash" => match parse_hash(data) {
                    Ok(md5) => {
                        g.hash_section_found = true;
                        g.hashes.md5 = Some(md5);
                    }
                    Err(what) => problems.push(at(what)),
                },
                "digest" => match parse_digest(data) {
                    Ok((md5, sha1)) => {
                        g.hashes.md5.get_or_insert_with(|| md5.clone());
                        g.digest_md5 = Some(md5);
                        g.hashes.sha1 = Some(sha1);
                    }
                    Err(what) => problems.push(at(what)),
                },
                "error2" => match parse_error2(data) {
                    Ok(ranges) => g.error_ranges.extend(ranges),
                    Err(what) => problems.push(at(what)),
                },
                _ => {}
            }
        }
    }
    if let (Some(hash_md5), Some(digest_md5)) = (&g.hashes.md5, &g.digest_md5)
        && hash_md5 != digest_md5
    {
        problems.push(Problem::general(format!(
            "the hash section stores MD5 {hash_md5} but the digest section stores {digest_md5}"
        )));
    }
    g
}

/// Whether two volume sections describe the same media (writers differ in
/// the other fields of later `data` sections).
fn same_media(a: &Volume, b: &Volume) -> bool {
    (
        a.chunk_count,
        a.sectors_per_chunk,
        a.bytes_per_sector,
        a.sector_count,
    ) == (
        b.chunk_count,
        b.sectors_per_chunk,
        b.bytes_per_sector,
        b.sector_count,
    )
}

/// Resolves each `table` (or its `table2` backup) into a chunk group.
fn chunk_groups(segments: &[Segment], problems: &mut Vec<Problem>) -> Vec<ChunkGroup> {
    let mut groups = Vec::new();
    let mut first_chunk = 0u64;
    for (segment_index, segment) in segments.iter().enumerate() {
        let sections = &segment.layout.sections;
        let mut index = 0;
        while let Some(section) = sections.get(index) {
            index += 1;
            if section.kind != "table" && section.kind != "table2" {
                continue;
            }
            let backup = sections
                .get(index)
                .filter(|s| s.kind == "table2" && section.kind == "table");
            if backup.is_some() {
                index += 1;
            }
            let Some((table, chosen)) = choose_table(segment, section, backup, problems) else {
                continue;
            };
            groups.push(ChunkGroup {
                first_chunk,
                entry_count: table.entry_count,
                segment: segment_index,
                entries_file_offset: chosen.data_start + table.entries_start as u64,
                base_offset: table.base_offset,
            });
            first_chunk += u64::from(table.entry_count);
        }
    }
    groups
}

/// The table to use: `table` when its checksums hold, else a valid `table2`,
/// else whichever parsed (with a problem saying its entries are unverified).
fn choose_table<'s>(
    segment: &Segment,
    table: &'s Section,
    backup: Option<&'s Section>,
    problems: &mut Vec<Problem>,
) -> Option<(Table, &'s Section)> {
    let has_footer = segment.layout.sections.iter().any(|s| s.kind == "sectors");
    let parse = |s: &'s Section| {
        Table::parse(section_data(segment, s), has_footer)
            .ok()
            .map(|t| (t, s))
    };
    let primary = parse(table);
    let secondary = backup.and_then(parse);
    let name = segment.path.display();
    match (primary, secondary) {
        (Some(p), _) if p.0.is_valid() => Some(p),
        (p, Some(s)) if s.0.is_valid() => {
            problems.push(Problem::general(format!(
                "{name}: table at offset {} fails its checksum; the table2 backup is used",
                table.file_offset
            )));
            let _ = p;
            Some(s)
        }
        (p, s) => {
            let chosen = p.or(s);
            problems.push(Problem::general(format!(
                "{name}: table at offset {} fails its checksum and has no valid backup; its entries are used unverified",
                table.file_offset
            )));
            chosen
        }
    }
}

/// Opens an image from its segments, supplied by `load`.
pub fn open_segments(
    first_path: &Path,
    cache_bytes: usize,
    load: &mut SegmentLoader<'_>,
) -> Result<(EwfImage, EvidenceInfo), Error> {
    let mut problems = Vec::new();
    let segments = load_segments(load, &mut problems)?;
    let gathered = gather(&segments, &mut problems);
    let volume = gathered
        .volume
        .ok_or_else(|| Error::corrupt(first_path, 0, "no valid volume, disk or data section"))?;
    let chunk_size = volume
        .chunk_size()
        .map_err(|what| Error::corrupt(first_path, 0, what))?;
    let media_size = volume.media_size().ok_or_else(|| {
        Error::corrupt(
            first_path,
            0,
            "sector count x bytes per sector overflows 64 bits",
        )
    })?;
    if media_size > MAX_MEDIA_SIZE {
        return Err(Error::LimitExceeded {
            path: first_path.to_path_buf(),
            what: "a media size".into(),
            value: media_size,
            limit: MAX_MEDIA_SIZE,
        });
    }
    if !gathered.hash_section_found {
        problems.push(Problem::general(
            "no hash section: the image is incomplete and its stored MD5 is missing or unconfirmed",
        ));
    }
    let groups = chunk_groups(&segments, &mut problems);
    let listed_chunks = groups
        .last()
        .map_or(0, |g| g.first_chunk + u64::from(g.entry_count));
    let needed_chunks = media_size.div_ceil(u64::from(chunk_size));
    if listed_chunks < needed_chunks {
        let missing_from = listed_chunks * u64::from(chunk_size);
        problems.push(Problem::at(
            missing_from,
            media_size - missing_from,
            format!(
                "the tables list {listed_chunks} chunks but the media needs {needed_chunks}; the rest reads as zeros"
            ),
        ));
    } else if listed_chunks > needed_chunks {
        problems.push(Problem::general(format!(
            "the tables list {listed_chunks} chunks but the media needs only {needed_chunks}; the extra entries are ignored"
        )));
    }
    for (first_sector, sector_count) in &gathered.error_ranges {
        let bytes_per_sector = u64::from(volume.bytes_per_sector);
        problems.push(Problem::at(
            first_sector.saturating_mul(bytes_per_sector),
            sector_count.saturating_mul(bytes_per_sector),
            "the acquiring tool could not read these sectors (error2 section)",
        ));
    }
    let info = EvidenceInfo {
        path: first_path.to_path_buf(),
        format: Format::Ewf,
        media_size,
        sector_size: volume.bytes_per_sector,
        segment_files: segments.iter().map(|s| s.path.clone()).collect(),
        metadata: metadata(&gathered, &volume),
        stored_hashes: gathered.hashes.clone(),
        chunk_size: Some(chunk_size),
        compression: Some(compression_name(compression_level(&gathered, &volume)).to_owned()),
        memory_ranges: Vec::new(),
        problems,
    };
    let image = EwfImage {
        segments,
        groups,
        chunk_size,
        media_size,
        cache: ChunkCache::new(cache_bytes, chunk_size as usize),
        damaged: Default::default(),
    };
    Ok((image, info))
}

/// Header metadata followed by what the volume section says.
fn metadata(g: &Gathered, volume: &Volume) -> Vec<(String, String)> {
    let mut out = metadata_from_headers(g.header2.as_deref(), g.header.as_deref());
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    out.extend(
        [
            ("media_type", volume.media_type_name().to_owned()),
            ("is_physical", yes_no(volume.is_physical()).to_owned()),
            ("bytes_per_sector", volume.bytes_per_sector.to_string()),
            ("number_of_sectors", volume.sector_count.to_string()),
            ("sectors_per_chunk", volume.sectors_per_chunk.to_string()),
            ("error_granularity", volume.error_granularity.to_string()),
            ("compression_method", "deflate".to_owned()),
            (
                "compression_level",
                compression_level_name(volume.compression_level).to_owned(),
            ),
        ]
        .map(|(k, v)| (k.to_owned(), v)),
    );
    out
}

/// The compression level: from the volume section, or (EnCase 2-4, SMART,
/// FTK, whose volume does not say) from the header's `r` value. (The
/// `compression_level` metadata shows the volume's value, as `ewfinfo` does.)
fn compression_level(g: &Gathered, volume: &Volume) -> u8 {
    if volume.compression_level != 0 {
        return volume.compression_level;
    }
    let header_value = g
        .header
        .iter()
        .chain(g.header2.iter())
        .flatten()
        .find(|(id, _)| id == "r")
        .map(|(_, value)| value.trim());
    match header_value {
        Some("f") => 1,
        Some("b") => 2,
        _ => 0,
    }
}

/// The compression level as `ewfinfo` names it.
fn compression_level_name(level: u8) -> &'static str {
    match level {
        0 => "no compression",
        1 => "good (fast) compression",
        2 => "best compression",
        _ => "unknown compression",
    }
}

/// `deflate:best`, `deflate:fast` or `none`, as `ewfacquire -c` spells them.
fn compression_name(level: u8) -> &'static str {
    match level {
        1 => "deflate:fast",
        2 => "deflate:best",
        _ => "none",
    }
}
