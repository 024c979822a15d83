//! FAT directory entries (Microsoft FAT specification, "FAT Directory
//! Structure" and "FAT Long Directory Entries"): 8.3 short entries, long
//! file name (LFN) entries with their checksum, and date/time encoding.

/// Size of one directory entry.
pub const ENTRY_BYTES: usize = 32;
/// Attribute: archive (set on files written by us).
pub const ATTR_ARCHIVE: u8 = 0x20;
/// Attribute: directory.
pub const ATTR_DIRECTORY: u8 = 0x10;
/// Attribute: volume label.
pub const ATTR_VOLUME_ID: u8 = 0x08;
/// Attribute combination marking an LFN entry.
pub const ATTR_LONG_NAME: u8 = 0x0F;
/// First byte of a deleted entry.
pub const DELETED_MARK: u8 = 0xE5;
/// UTF-16 code units per LFN entry.
const LFN_CHARS: usize = 13;

/// FAT date and time of an epoch second (UTC taken as local time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FatTime {
    /// `((year-1980)<<9) | (month<<5) | day`.
    pub date: u16,
    /// `(hour<<11) | (minute<<5) | (second/2)`.
    pub time: u16,
    /// Hundredths of a second for the odd second (0 or 100).
    pub tenths: u8,
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl FatTime {
    /// Encodes `epoch_secs` (must be within 1980..2107).
    pub fn from_epoch(epoch_secs: i64) -> Self {
        let days = epoch_secs.div_euclid(86_400);
        let secs = epoch_secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let date = (((year - 1980).clamp(0, 127) as u16) << 9) | ((month as u16) << 5) | day as u16;
        let time = (((secs / 3600) as u16) << 11)
            | ((((secs / 60) % 60) as u16) << 5)
            | ((secs % 60) / 2) as u16;
        Self {
            date,
            time,
            tenths: if secs % 2 == 1 { 100 } else { 0 },
        }
    }
}

/// The 8.3 name a long name gets: uppercase, invalid characters as `_`, and
/// `~N` appended when the long name does not fit or needed changes.
/// Returns the 11-byte name and whether a long-name entry is needed.
pub fn short_name(long: &str, taken: &dyn Fn(&[u8; 11]) -> bool) -> ([u8; 11], bool) {
    let (base, ext) = match long.rfind('.') {
        Some(dot) if dot > 0 => (&long[..dot], &long[dot + 1..]),
        _ => (long, ""),
    };
    let clean = |s: &str| -> Vec<u8> {
        s.chars()
            .filter(|c| *c != ' ' && *c != '.')
            .map(|c| {
                if c.is_ascii_alphanumeric() || "$%'-_@~`!(){}^#&".contains(c) {
                    c.to_ascii_uppercase() as u8
                } else {
                    b'_'
                }
            })
            .collect()
    };
    let (base_clean, ext_clean) = (clean(base), clean(ext));
    let fits = base_clean.len() <= 8
        && ext_clean.len() <= 3
        && !base_clean.is_empty()
        && long.is_ascii()
        && long == long.to_ascii_uppercase()
        && base.len() == base_clean.len()
        && ext.len() == ext_clean.len();
    let mut name = [b' '; 11];
    let ext_len = ext_clean.len().min(3);
    name[8..8 + ext_len].copy_from_slice(&ext_clean[..ext_len]);
    if fits {
        name[..base_clean.len()].copy_from_slice(&base_clean);
        if !taken(&name) {
            return (name, false);
        }
    }
    for n in 1u32..1_000_000 {
        let tail = format!("~{n}");
        let keep = base_clean.len().min(8 - tail.len());
        let mut candidate = name;
        candidate[..8].fill(b' ');
        candidate[..keep].copy_from_slice(&base_clean[..keep]);
        candidate[keep..keep + tail.len()].copy_from_slice(tail.as_bytes());
        if !taken(&candidate) {
            return (candidate, true);
        }
    }
    (name, true)
}

/// Displays an 11-byte short name as `NAME.EXT`.
pub fn display_short(name: &[u8; 11]) -> String {
    let base: String = name[..8]
        .iter()
        .map(|&b| b as char)
        .collect::<String>()
        .trim_end()
        .to_string();
    let ext: String = name[8..]
        .iter()
        .map(|&b| b as char)
        .collect::<String>()
        .trim_end()
        .to_string();
    if ext.is_empty() {
        base
    } else {
        format!("{base}.{ext}")
    }
}

/// The LFN checksum of a short name.
pub fn lfn_checksum(name: &[u8; 11]) -> u8 {
    name.iter().fold(0u8, |sum, &c| {
        ((sum & 1) << 7).wrapping_add(sum >> 1).wrapping_add(c)
    })
}

/// A short (8.3) directory entry.
pub struct ShortEntry {
    /// 11-byte name.
    pub name: [u8; 11],
    /// Attribute byte.
    pub attr: u8,
    /// Creation time.
    pub created: FatTime,
    /// Last access (date only is stored).
    pub accessed: FatTime,
    /// Last write.
    pub modified: FatTime,
    /// First cluster.
    pub first_cluster: u32,
    /// File size in bytes.
    pub size: u32,
}

impl ShortEntry {
    /// The 32 on-disk bytes.
    pub fn to_bytes(&self) -> [u8; ENTRY_BYTES] {
        let mut e = [0u8; ENTRY_BYTES];
        e[..11].copy_from_slice(&self.name);
        e[11] = self.attr;
        e[13] = self.created.tenths;
        e[14..16].copy_from_slice(&self.created.time.to_le_bytes());
        e[16..18].copy_from_slice(&self.created.date.to_le_bytes());
        e[18..20].copy_from_slice(&self.accessed.date.to_le_bytes());
        e[20..22].copy_from_slice(&((self.first_cluster >> 16) as u16).to_le_bytes());
        e[22..24].copy_from_slice(&self.modified.time.to_le_bytes());
        e[24..26].copy_from_slice(&self.modified.date.to_le_bytes());
        e[26..28].copy_from_slice(&(self.first_cluster as u16).to_le_bytes());
        e[28..32].copy_from_slice(&self.size.to_le_bytes());
        e
    }
}

/// The LFN entries for `long` in on-disk order (highest ordinal first).
pub fn lfn_entries(long: &str, short: &[u8; 11]) -> Vec<[u8; ENTRY_BYTES]> {
    let mut units: Vec<u16> = long.encode_utf16().collect();
    let count = units.len().div_ceil(LFN_CHARS);
    if !units.len().is_multiple_of(LFN_CHARS) {
        units.push(0);
        while !units.len().is_multiple_of(LFN_CHARS) {
            units.push(0xFFFF);
        }
    }
    let checksum = lfn_checksum(short);
    let mut entries = Vec::with_capacity(count);
    for ordinal in (1..=count).rev() {
        let part = &units[(ordinal - 1) * LFN_CHARS..ordinal * LFN_CHARS];
        let mut e = [0u8; ENTRY_BYTES];
        e[0] = ordinal as u8 | if ordinal == count { 0x40 } else { 0 };
        e[11] = ATTR_LONG_NAME;
        e[13] = checksum;
        let slots = (1..11)
            .step_by(2)
            .chain((14..26).step_by(2))
            .chain((28..32).step_by(2));
        for (unit, at) in part.iter().zip(slots) {
            e[at..at + 2].copy_from_slice(&unit.to_le_bytes());
        }
        entries.push(e);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        let t = FatTime::from_epoch(1_704_067_201); // 2024-01-01 00:00:01
        assert_eq!(t.date, (44 << 9) | (1 << 5) | 1);
        assert_eq!(t.time, 0);
        assert_eq!(t.tenths, 100);
    }

    #[test]
    fn short_names() {
        let none = |_: &[u8; 11]| false;
        assert_eq!(short_name("README.TXT", &none), (*b"README  TXT", false));
        assert_eq!(
            short_name("holiday photo.jpeg", &none),
            (*b"HOLIDA~1JPE", true)
        );
        assert_eq!(short_name("notes.txt", &none), (*b"NOTES~1 TXT", true));
        assert_eq!(display_short(b"NOTES~1 TXT"), "NOTES~1.TXT");
    }

    #[test]
    fn lfn_layout() {
        let entries = lfn_entries("Überweisung März.pdf", b"BERWEI~1PDF");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0][0], 0x42);
        assert_eq!(entries[1][0], 0x01);
        assert_eq!(entries[1][11], ATTR_LONG_NAME);
    }
}
