//! Directory entries: 8.3 entries, long-file-name (LFN) entries assembled
//! and checked against the short name's checksum, deleted entries, and the
//! FAT date/time fields.
//!
//! Names follow The Sleuth Kit's display rules so listings compare entry by
//! entry: a deleted 8.3 name shows `_` for its lost first byte, the NT case
//! bits lower-case the base and extension, and bytes outside printable ASCII
//! in a short name show as `^`. A deleted entry keeps its long name when the
//! LFN slots before it survived (their first byte is 0xE5 too).

use crate::fs::{Times, Timestamp};

/// First byte of a deleted entry (and of its LFN slots).
const DELETED_MARK: u8 = 0xE5;
/// Attribute bits.
const ATTR_VOLUME_LABEL: u8 = 0x08;
const ATTR_DIRECTORY: u8 = 0x10;
const ATTR_LFN: u8 = 0x0F;
/// Sequence-number bit of the last (physically first) LFN slot.
const LFN_LAST_SLOT: u8 = 0x40;
/// UTF-16 code units per LFN slot.
const LFN_UNITS_PER_SLOT: usize = 13;
/// A long name has at most 255 units, i.e. 20 slots.
const MAX_LFN_SLOTS: usize = 20;
/// NT case bits (byte 12): lower-case base name / extension.
const CASE_LOWER_BASE: u8 = 0x08;
const CASE_LOWER_EXT: u8 = 0x10;

/// One file or directory entry of a directory, with its name resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    /// Volume offset of the 8.3 entry (TSK derives the address from it).
    pub entry_offset: u64,
    /// Long name if a valid one precedes the entry, else the 8.3 name.
    pub name: String,
    /// Whether the entry is marked deleted.
    pub deleted: bool,
    /// Directory attribute set.
    pub is_dir: bool,
    /// First cluster (0 for empty files and for the root in `..`).
    pub first_cluster: u32,
    /// Size field in bytes.
    pub size: u32,
    /// Modified (write), accessed (date) and created times.
    pub times: Times,
}

/// Long-name slots seen since the last 8.3 entry.
#[derive(Default)]
struct PendingLfn {
    /// Slots in on-disk order (the end of the name first).
    slots: Vec<[u16; LFN_UNITS_PER_SLOT]>,
    checksum: u8,
    /// Whether the slots are deleted (sequence byte 0xE5).
    deleted: bool,
    /// Sequence number the next live slot must carry.
    expected: u8,
    /// False once the sequence broke.
    valid: bool,
}

impl PendingLfn {
    fn push(&mut self, raw: &[u8; 32]) {
        let sequence = raw[0];
        let checksum = raw[13];
        let units = lfn_units(raw);
        if sequence == DELETED_MARK {
            if !(self.deleted && self.valid && checksum == self.checksum) {
                self.restart(checksum, true, 0);
            }
        } else if sequence & LFN_LAST_SLOT != 0 {
            let count = sequence & 0x1F;
            self.restart(checksum, false, count.saturating_sub(1));
            self.valid = count != 0;
        } else if !self.deleted
            && self.valid
            && checksum == self.checksum
            && sequence & 0x1F == self.expected
            && self.expected > 0
        {
            self.expected -= 1;
        } else {
            self.restart(checksum, false, 0);
            self.valid = false;
        }
        if self.slots.len() >= MAX_LFN_SLOTS {
            self.valid = false;
        } else {
            self.slots.push(units);
        }
    }

    fn restart(&mut self, checksum: u8, deleted: bool, expected: u8) {
        self.slots.clear();
        self.checksum = checksum;
        self.deleted = deleted;
        self.expected = expected;
        self.valid = true;
    }

    /// The long name for the 8.3 entry `raw`, if the pending slots belong
    /// to it; clears the pending slots either way.
    fn take_for(&mut self, raw: &[u8; 32]) -> Option<String> {
        let slots = std::mem::take(&mut self.slots);
        let usable = self.valid && !slots.is_empty();
        self.valid = false;
        if !usable {
            return None;
        }
        let short: [u8; 11] = raw[..11].try_into().ok()?;
        let matches = if raw[0] == DELETED_MARK {
            // The first byte is lost; exactly one value makes the checksum
            // match, so require it to be a plausible 8.3 character.
            self.deleted && recover_first_byte(&short, self.checksum).is_some_and(is_83_char)
        } else {
            !self.deleted && self.expected == 0 && short_name_checksum(&short) == self.checksum
        };
        if !matches {
            return None;
        }
        let units: Vec<u16> = slots
            .iter()
            .rev()
            .flat_map(|slot| slot.iter().copied())
            .take_while(|&unit| unit != 0)
            .collect();
        let name: String = char::decode_utf16(units)
            .map(|c| match c {
                Ok(c) if c == '/' || c.is_control() => '^',
                Ok(c) => c,
                Err(_) => char::REPLACEMENT_CHARACTER,
            })
            .collect();
        (!name.is_empty()).then_some(name)
    }
}

/// The 13 UTF-16 units of an LFN slot (bytes 1-10, 14-25, 28-31).
fn lfn_units(raw: &[u8; 32]) -> [u16; LFN_UNITS_PER_SLOT] {
    let mut units = [0u16; LFN_UNITS_PER_SLOT];
    let offsets = (1..11)
        .step_by(2)
        .chain((14..26).step_by(2))
        .chain((28..32).step_by(2));
    for (unit, at) in units.iter_mut().zip(offsets) {
        *unit = u16::from_le_bytes([raw[at], raw[at + 1]]);
    }
    units
}

/// The checksum of an 8.3 name that LFN slots carry.
pub(super) fn short_name_checksum(short: &[u8; 11]) -> u8 {
    short
        .iter()
        .fold(0u8, |sum, &byte| sum.rotate_right(1).wrapping_add(byte))
}

/// The first byte that gives `short` (whose first byte was overwritten) the
/// `checksum`.
fn recover_first_byte(short: &[u8; 11], checksum: u8) -> Option<u8> {
    let mut candidate = *short;
    (0..=255u8).find(|&byte| {
        candidate[0] = byte;
        short_name_checksum(&candidate) == checksum
    })
}

/// Whether `byte` may appear in an 8.3 name (upper case, digits, and the
/// allowed punctuation; bytes above 0x7F are OEM characters).
fn is_83_char(byte: u8) -> bool {
    byte > 0x20 && !b"\"*+,./:;<=>?[\\]|abcdefghijklmnopqrstuvwxyz\x7f".contains(&byte)
}

/// The 8.3 name as TSK shows it: `BASE.EXT` with trailing spaces removed,
/// the NT lower-case bits applied, `_` for a deleted first byte, `^` for
/// bytes outside printable ASCII.
fn short_name(raw: &[u8; 32]) -> String {
    let case = raw[12];
    let show = |byte: u8, lower: bool| -> char {
        if !(0x20..0x7F).contains(&byte) || byte == b'/' {
            '^'
        } else if lower {
            char::from(byte.to_ascii_lowercase())
        } else {
            char::from(byte)
        }
    };
    let mut name = String::with_capacity(12);
    for (index, &byte) in raw[..8].iter().enumerate() {
        if byte == b' ' || byte == 0 {
            continue;
        }
        if index == 0 && byte == DELETED_MARK {
            name.push('_');
        } else {
            // 0x05 (a real 0xE5 first byte) is not ASCII either: `^`.
            name.push(show(byte, case & CASE_LOWER_BASE != 0));
        }
    }
    let extension: String = raw[8..11]
        .iter()
        .filter(|&&byte| byte != b' ' && byte != 0)
        .map(|&byte| show(byte, case & CASE_LOWER_EXT != 0))
        .collect();
    if !extension.is_empty() {
        name.push('.');
        name.push_str(&extension);
    }
    if name.is_empty() {
        name.push('^');
    }
    name
}

/// Parses the directory bytes `data`, whose cluster `i` (of `chunk_bytes`
/// bytes) lies at volume offset `chunk_offsets[i]`. Stops at the end marker
/// (first byte 0). Skips `.`, `..`, volume labels and LFN slots.
pub(super) fn parse(data: &[u8], chunk_bytes: u64, chunk_offsets: &[u64]) -> Vec<Record> {
    let mut records = Vec::new();
    let mut pending = PendingLfn::default();
    for (index, slot) in data.chunks_exact(32).enumerate() {
        let Ok(raw) = <&[u8; 32]>::try_from(slot) else {
            break;
        };
        if raw[0] == 0 {
            break;
        }
        let byte_index = index as u64 * 32;
        let Some(&chunk_offset) = usize::try_from(byte_index / chunk_bytes.max(1))
            .ok()
            .and_then(|chunk| chunk_offsets.get(chunk))
        else {
            break;
        };
        let entry_offset = chunk_offset + byte_index % chunk_bytes.max(1);
        let attributes = raw[11];
        if attributes & 0x3F == ATTR_LFN {
            pending.push(raw);
            continue;
        }
        let long_name = pending.take_for(raw);
        if attributes & ATTR_VOLUME_LABEL != 0 || raw[0] == b'.' {
            continue;
        }
        let u16_at = |at: usize| u16::from_le_bytes([raw[at], raw[at + 1]]);
        let first_cluster = u32::from(u16_at(26)) | u32::from(u16_at(20)) << 16;
        records.push(Record {
            entry_offset,
            name: long_name.unwrap_or_else(|| short_name(raw)),
            deleted: raw[0] == DELETED_MARK,
            is_dir: attributes & ATTR_DIRECTORY != 0,
            first_cluster,
            size: u32::from_le_bytes([raw[28], raw[29], raw[30], raw[31]]),
            times: Times {
                modified: fat_time(u16_at(24), u16_at(22), 0),
                accessed: fat_time(u16_at(18), 0, 0),
                changed: None,
                created: fat_time(u16_at(16), u16_at(14), raw[13]),
            },
        });
    }
    records
}

/// A FAT date and time (local time, read as UTC as TSK does with TZ=UTC)
/// plus the creation time's 10-ms units; `None` for a zero or invalid date.
pub(super) fn fat_time(date: u16, time: u16, ten_ms: u8) -> Option<Timestamp> {
    let day = u32::from(date & 0x1F);
    let month = u32::from(date >> 5 & 0x0F);
    let year = 1980 + i64::from(date >> 9);
    if day == 0 || !(1..=12).contains(&month) {
        return None;
    }
    let hours = i64::from(time >> 11);
    let minutes = i64::from(time >> 5 & 0x3F);
    let seconds = i64::from(time & 0x1F) * 2;
    if hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    let ten_ms = if ten_ms < 200 { i64::from(ten_ms) } else { 0 };
    let whole = days_from_civil(year, month, day) * 86_400
        + hours * 3600
        + minutes * 60
        + seconds
        + ten_ms / 100;
    let nanos = u32::try_from(ten_ms % 100 * 10_000_000).unwrap_or(0);
    Timestamp::from_unix_parts(whole, nanos)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_index + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
