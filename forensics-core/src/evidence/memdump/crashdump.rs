//! Windows kernel crash dumps (`MEMORY.DMP`): full dumps (`DumpType` 1, 32-
//! and 64-bit) and bitmap dumps (`DumpType` 5 and 6, 64-bit).
//!
//! A full dump stores the pages of each run of the header's physical memory
//! descriptor one after the other, right after the main header (4 KiB for
//! `PAGEDUMP`, 8 KiB for `PAGEDU64`). A bitmap dump marks each stored page in
//! a bitmap (see [`super::crashdump_bitmap`]).

use std::path::Path;
use std::sync::Arc;

use super::crashdump_bitmap::read_bitmap;
use super::crashdump_header::{
    DumpHeader, HeaderWidth, MAX_PHYSICAL_PAGES, PAGE_SIZE, PhysicalMemoryDescriptor,
    dump_type_name, run_entry_offset,
};
use super::physical::PhysicalView;
use super::read_structure;
use crate::Problem;
use crate::evidence::{Error, Evidence, EvidenceInfo, EvidenceSource, Format, MemoryRange};

/// Whether `head` starts with a Windows crash dump header (`PAGEDUMP` or
/// `PAGEDU64`).
pub fn is_crash_dump(head: &[u8]) -> bool {
    HeaderWidth::of(head).is_some()
}

/// The runs of a dump and the physical address space they sit in.
struct Layout {
    runs: Vec<MemoryRange>,
    physical_size: u64,
    problems: Vec<Problem>,
}

/// Opens a Windows crash dump held in `file`; `path` names it in messages and
/// in the returned info.
///
/// [`Evidence::source`] is `file` itself; [`Evidence::physical`] places each
/// stored page at its physical address, pages not in the dump reading as
/// zeros.
pub fn crash_dump_from_source(
    file: Arc<dyn EvidenceSource>,
    path: &Path,
) -> Result<Evidence, Error> {
    let signature = read_structure(file.as_ref(), 0, 8, path, "crash dump signature")?;
    let Some(width) = HeaderWidth::of(&signature) else {
        return Err(Error::corrupt(
            path,
            0,
            "expected a crash dump signature (\"PAGEDUMP\" or \"PAGEDU64\")",
        ));
    };
    let header_len = width.header_len();
    let bytes = read_structure(file.as_ref(), 0, header_len, path, "crash dump header")?;
    let header = DumpHeader::parse(width, &bytes, path)?;
    let layout = match (&header.descriptor, header.dump_type, width) {
        (Some(descriptor), 1, _) => full_dump_layout(descriptor, width, file.len(), path)?,
        (_, 5 | 6, HeaderWidth::Bits64) => {
            let bitmap = read_bitmap(file.as_ref(), header_len, path)?;
            Layout {
                runs: bitmap.runs,
                physical_size: bitmap.page_frames * PAGE_SIZE,
                problems: bitmap.problems,
            }
        }
        (_, dump_type, _) => {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                format: format!(
                    "a Windows crash dump ({}) of type {dump_type} ({})",
                    width.signature(),
                    dump_type_name(dump_type)
                ),
            });
        }
    };
    let view = PhysicalView::new(file.clone(), layout.runs, layout.physical_size, path)?;
    let mut info = EvidenceInfo::plain(path, Format::WindowsCrashDump, file.len());
    info.metadata = metadata(&header, &view, layout.physical_size);
    info.memory_ranges = view.runs().to_vec();
    info.problems = layout.problems;
    Ok(Evidence {
        source: file,
        physical: Some(Arc::new(view)),
        info,
    })
}

/// Places the descriptor's runs in the file, one after the other from the end
/// of the header; each must fit in the file.
fn full_dump_layout(
    descriptor: &PhysicalMemoryDescriptor,
    width: HeaderWidth,
    file_len: u64,
    path: &Path,
) -> Result<Layout, Error> {
    let mut runs = Vec::with_capacity(descriptor.runs.len());
    let mut file_offset = width.header_len();
    let mut physical_pages = 0u64;
    let mut stored_pages = 0u64;
    for (index, run) in descriptor.runs.iter().enumerate() {
        let entry_offset = run_entry_offset(width, index);
        let Some(end_page) = run
            .base_page
            .checked_add(run.page_count)
            .filter(|end| *end <= MAX_PHYSICAL_PAGES)
        else {
            return Err(Error::corrupt(
                path,
                entry_offset,
                format!(
                    "run {index} ({} pages from page {:#x}) ends past the largest physical address ({MAX_PHYSICAL_PAGES} pages)",
                    run.page_count, run.base_page
                ),
            ));
        };
        let len_bytes = run.page_count * PAGE_SIZE;
        let data_end = file_offset + len_bytes;
        if data_end > file_len {
            return Err(Error::corrupt(
                path,
                entry_offset,
                format!(
                    "run {index} ({} pages) needs the file up to offset {data_end}, past its end ({file_len} bytes)",
                    run.page_count
                ),
            ));
        }
        runs.push(MemoryRange {
            physical_start: run.base_page * PAGE_SIZE,
            len_bytes,
            file_offset,
        });
        file_offset = data_end;
        physical_pages = physical_pages.max(end_page);
        stored_pages += run.page_count;
    }
    let mut problems = Vec::new();
    if stored_pages != descriptor.number_of_pages {
        problems.push(Problem::at(
            descriptor.number_of_pages_offset,
            descriptor.number_of_pages_len,
            format!(
                "the runs hold {stored_pages} pages but NumberOfPages says {}",
                descriptor.number_of_pages
            ),
        ));
    }
    Ok(Layout {
        runs,
        physical_size: physical_pages * PAGE_SIZE,
        problems,
    })
}

/// Container metadata in a fixed order.
fn metadata(header: &DumpHeader, view: &PhysicalView, physical_size: u64) -> Vec<(String, String)> {
    let captured_bytes: u64 = view.runs().iter().map(|run| run.len_bytes).sum();
    let mut metadata = vec![
        ("signature".to_owned(), header.width.signature().to_owned()),
        (
            "dump_type".to_owned(),
            format!(
                "{} ({})",
                dump_type_name(header.dump_type),
                header.dump_type
            ),
        ),
        (
            "machine_image_type".to_owned(),
            format!(
                "{:#06x} ({})",
                header.machine_image_type,
                machine_name(header.machine_image_type)
            ),
        ),
        (
            "os_version".to_owned(),
            format!("{}.{}", header.major_version, header.minor_version),
        ),
        (
            "directory_table_base".to_owned(),
            format!("{:#x}", header.directory_table_base),
        ),
        (
            "number_of_processors".to_owned(),
            header.number_processors.to_string(),
        ),
        (
            "bug_check_code".to_owned(),
            format!("{:#010x}", header.bug_check_code),
        ),
    ];
    if let Some(time) = header
        .system_time
        .and_then(crate::time::Timestamp::from_filetime)
        .map(|t| t.to_rfc3339())
    {
        metadata.push(("system_time".to_owned(), time));
    }
    if let Some(space) = header.required_dump_space {
        metadata.push(("required_dump_space".to_owned(), space.to_string()));
    }
    metadata.push(("physical_size".to_owned(), physical_size.to_string()));
    metadata.push(("run_count".to_owned(), view.runs().len().to_string()));
    metadata.push(("captured_bytes".to_owned(), captured_bytes.to_string()));
    metadata
}

/// Name of a PE machine type (`IMAGE_FILE_MACHINE_*`).
fn machine_name(machine_image_type: u32) -> &'static str {
    match machine_image_type {
        0x014c => "x86",
        0x8664 => "x64",
        0xaa64 => "arm64",
        0x01c4 => "arm",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn system_time_is_shown_as_rfc3339_utc() {
        // 2024-02-29T12:34:56Z = Unix 1709210096, plus 1234 ticks of 100 ns.
        let filetime = (1_709_210_096u64 + 11_644_473_600) * 10_000_000 + 1234;
        let shown = crate::time::Timestamp::from_filetime(filetime).map(|t| t.to_rfc3339());
        assert_eq!(shown.as_deref(), Some("2024-02-29T12:34:56.0001234Z"));
        assert_eq!(crate::time::Timestamp::from_filetime(0), None);
    }
}
