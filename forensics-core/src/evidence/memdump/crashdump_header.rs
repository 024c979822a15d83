//! The main header of a Windows kernel crash dump, `DUMP_HEADER32`
//! (`PAGEDUMP`) and `DUMP_HEADER64` (`PAGEDU64`), and the physical memory
//! descriptor it holds.
//!
//! Sources (field offsets, checked against each other):
//! - Volatility 2, `volatility/plugins/overlays/windows/crash_vtypes.py`
//!   (`_DMP_HEADER`, `_DMP_HEADER64`, `_PHYSICAL_MEMORY_DESCRIPTOR`).
//! - QEMU `include/qemu/win_dump_defs.h` (`WinDumpHeader64`, 43 runs in the
//!   64-bit descriptor buffer).
//! - Microsoft, "Varieties of Kernel-Mode Dump Files" (dump types).
//!
//! Fields the kernel did not fill in hold the bytes `PAGE` repeated.

use std::path::Path;

use super::{le_u32, le_u64};
use crate::evidence::Error;

/// Bytes of a page in a crash dump.
pub(crate) const PAGE_SIZE: u64 = 4096;
/// `PAGE` as a little-endian `u32`: the filler of unset header fields.
const PAGE_FILLER_U32: u32 = u32::from_le_bytes(*b"PAGE");
/// `PAGEPAGE` as a little-endian `u64`.
const PAGE_FILLER_U64: u64 = u64::from_le_bytes(*b"PAGEPAGE");
/// Highest page frame number + 1 accepted: 52-bit physical addresses, the
/// architectural maximum of x86-64 (Intel SDM vol. 3A, 4.1.4).
pub(crate) const MAX_PHYSICAL_PAGES: u64 = 1 << (52 - 12);

/// Which of the two header layouts a dump uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderWidth {
    /// `PAGEDUMP`: `DUMP_HEADER32`, 4 KiB.
    Bits32,
    /// `PAGEDU64`: `DUMP_HEADER64`, 8 KiB.
    Bits64,
}

/// Field offsets of one header layout.
struct Layout {
    header_len: u64,
    directory_table_base: usize,
    /// Width of `DirectoryTableBase` and of the descriptor's page numbers.
    word_len: usize,
    machine_image_type: usize,
    number_processors: usize,
    bug_check_code: usize,
    /// `PhysicalMemoryBlockBuffer`.
    descriptor: usize,
    /// Size of `PhysicalMemoryBlockBuffer` in bytes.
    descriptor_len: usize,
    /// Offset of `Run[0]` inside the descriptor.
    first_run: usize,
    dump_type: usize,
    required_dump_space: usize,
    system_time: usize,
}

const LAYOUT_32: Layout = Layout {
    header_len: 0x1000,
    directory_table_base: 0x10,
    word_len: 4,
    machine_image_type: 0x20,
    number_processors: 0x24,
    bug_check_code: 0x28,
    descriptor: 0x64,
    descriptor_len: 700,
    first_run: 8,
    dump_type: 0xf88,
    required_dump_space: 0xfa0,
    system_time: 0xfc0,
};

const LAYOUT_64: Layout = Layout {
    header_len: 0x2000,
    directory_table_base: 0x10,
    word_len: 8,
    machine_image_type: 0x30,
    number_processors: 0x34,
    bug_check_code: 0x38,
    descriptor: 0x88,
    descriptor_len: 0x348 - 0x88,
    first_run: 16,
    dump_type: 0xf98,
    required_dump_space: 0xfa0,
    system_time: 0xfa8,
};

impl HeaderWidth {
    /// The layout of `head`, from its first eight bytes.
    pub(crate) fn of(head: &[u8]) -> Option<Self> {
        match head.get(..8)? {
            b"PAGEDUMP" => Some(Self::Bits32),
            b"PAGEDU64" => Some(Self::Bits64),
            _ => None,
        }
    }

    fn layout(self) -> &'static Layout {
        match self {
            Self::Bits32 => &LAYOUT_32,
            Self::Bits64 => &LAYOUT_64,
        }
    }

    /// Size of the main header in bytes; full-dump pages follow it.
    pub(crate) fn header_len(self) -> u64 {
        self.layout().header_len
    }

    /// The signature as written in the file.
    pub(crate) fn signature(self) -> &'static str {
        match self {
            Self::Bits32 => "PAGEDUMP",
            Self::Bits64 => "PAGEDU64",
        }
    }
}

/// One `PHYSICAL_MEMORY_RUN`: `page_count` pages from page frame `base_page`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PhysicalMemoryRun {
    pub base_page: u64,
    pub page_count: u64,
}

/// `PHYSICAL_MEMORY_DESCRIPTOR`: the runs of physical memory a full dump holds.
#[derive(Debug, Clone)]
pub(crate) struct PhysicalMemoryDescriptor {
    /// `NumberOfPages`: the total the kernel announced.
    pub number_of_pages: u64,
    /// Where `NumberOfPages` is in the file, for messages.
    pub number_of_pages_offset: u64,
    /// Size of the `NumberOfPages` field in bytes.
    pub number_of_pages_len: u64,
    pub runs: Vec<PhysicalMemoryRun>,
}

/// The main header fields this crate uses.
#[derive(Debug, Clone)]
pub(crate) struct DumpHeader {
    pub width: HeaderWidth,
    pub major_version: u32,
    pub minor_version: u32,
    pub directory_table_base: u64,
    pub machine_image_type: u32,
    pub number_processors: u32,
    pub bug_check_code: u32,
    pub dump_type: u32,
    /// `RequiredDumpSpace`: the dump file size the kernel planned, in bytes.
    pub required_dump_space: Option<u64>,
    /// `SystemTime` as a Windows FILETIME (100 ns ticks since 1601), when set.
    pub system_time: Option<u64>,
    pub descriptor: Option<PhysicalMemoryDescriptor>,
}

/// Dump types (`DumpType`) this crate knows by name.
pub(crate) fn dump_type_name(dump_type: u32) -> &'static str {
    match dump_type {
        1 => "full",
        2 => "summary",
        3 => "header only",
        4 => "triage",
        5 => "bitmap full",
        6 => "bitmap kernel",
        7 => "automatic",
        _ => "unknown",
    }
}

impl DumpHeader {
    /// Parses the main header from `bytes`, which hold at least
    /// `width.header_len()` bytes from the start of the file.
    pub(crate) fn parse(width: HeaderWidth, bytes: &[u8], path: &Path) -> Result<Self, Error> {
        let layout = width.layout();
        let word = |offset: usize| match layout.word_len {
            4 => u64::from(le_u32(bytes, offset)),
            _ => le_u64(bytes, offset),
        };
        let dump_type = le_u32(bytes, layout.dump_type);
        let descriptor = if dump_type == 1 {
            Some(parse_descriptor(layout, bytes, path)?)
        } else {
            None
        };
        Ok(Self {
            width,
            major_version: le_u32(bytes, 0x08),
            minor_version: le_u32(bytes, 0x0c),
            directory_table_base: word(layout.directory_table_base),
            machine_image_type: le_u32(bytes, layout.machine_image_type),
            number_processors: le_u32(bytes, layout.number_processors),
            bug_check_code: le_u32(bytes, layout.bug_check_code),
            dump_type,
            required_dump_space: Some(le_u64(bytes, layout.required_dump_space))
                .filter(|v| *v != PAGE_FILLER_U64),
            system_time: Some(le_u64(bytes, layout.system_time))
                .filter(|v| *v != 0 && *v != PAGE_FILLER_U64),
            descriptor,
        })
    }
}

/// Parses `PhysicalMemoryBlockBuffer`; refuses run counts that do not fit in
/// the buffer before reading any run.
fn parse_descriptor(
    layout: &Layout,
    bytes: &[u8],
    path: &Path,
) -> Result<PhysicalMemoryDescriptor, Error> {
    let number_of_runs = le_u32(bytes, layout.descriptor);
    if number_of_runs == PAGE_FILLER_U32 {
        return Err(Error::corrupt(
            path,
            layout.descriptor as u64,
            "the physical memory descriptor of this full dump was never filled in (\"PAGE\")",
        ));
    }
    let run_len = 2 * layout.word_len;
    let max_runs = (layout.descriptor_len - layout.first_run) / run_len;
    let Some(run_count) = usize::try_from(number_of_runs)
        .ok()
        .filter(|count| *count <= max_runs)
    else {
        return Err(Error::LimitExceeded {
            path: path.to_path_buf(),
            what: "NumberOfRuns in the physical memory descriptor".into(),
            value: u64::from(number_of_runs),
            limit: max_runs as u64,
        });
    };
    let word = |offset: usize| match layout.word_len {
        4 => u64::from(le_u32(bytes, offset)),
        _ => le_u64(bytes, offset),
    };
    // NumberOfPages follows NumberOfRuns, aligned to the word size (a ULONG
    // at +4 in the 32-bit layout, a ULONG64 at +8 in the 64-bit one).
    let number_of_pages_offset = layout.descriptor + layout.word_len;
    let number_of_pages = word(number_of_pages_offset);
    if number_of_pages > MAX_PHYSICAL_PAGES {
        return Err(Error::LimitExceeded {
            path: path.to_path_buf(),
            what: "NumberOfPages in the physical memory descriptor".into(),
            value: number_of_pages,
            limit: MAX_PHYSICAL_PAGES,
        });
    }
    let runs = (0..run_count)
        .map(|index| {
            let run = layout.descriptor + layout.first_run + index * run_len;
            PhysicalMemoryRun {
                base_page: word(run),
                page_count: word(run + layout.word_len),
            }
        })
        .collect();
    Ok(PhysicalMemoryDescriptor {
        number_of_pages,
        number_of_pages_offset: number_of_pages_offset as u64,
        number_of_pages_len: layout.word_len as u64,
        runs,
    })
}

/// Offset in the file of entry `index` of the descriptor's run array, for
/// messages.
pub(crate) fn run_entry_offset(width: HeaderWidth, index: usize) -> u64 {
    let layout = width.layout();
    (layout.descriptor + layout.first_run) as u64 + index as u64 * 2 * layout.word_len as u64
}
