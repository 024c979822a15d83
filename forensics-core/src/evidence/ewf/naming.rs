//! Segment file names: `.E01` … `.E99`, then `.EAA` … `.EZZ`, `.FAA` … `.ZZZ`.
//!
//! Source: libewf documentation "Expert Witness Compression Format (EWF)",
//! section "Segment file extensions". Lowercase first segments (`.e01`) have
//! lowercase siblings; SMART images (`.s01`) follow the same scheme from `s`.

use std::path::{Path, PathBuf};

/// The highest segment number the naming scheme can express
/// (`.E01`–`.E99`, then `.EAA`–`.ZZZ`: 99 + 22 × 26 × 26).
pub const MAX_SEGMENT_NUMBER: u32 = 99 + 22 * 26 * 26;

/// The extension (without the dot) of segment `number` (1-based), uppercase
/// or lowercase; `None` past [`MAX_SEGMENT_NUMBER`] or for 0.
pub fn segment_extension(number: u32, lowercase: bool) -> Option<String> {
    extension_from(b'E', number, lowercase)
}

/// The extension of segment `number` in the scheme starting at `letter`
/// (`E` for EnCase, `S` for SMART); `None` once the letters pass `Z`.
fn extension_from(letter: u8, number: u32, lowercase: bool) -> Option<String> {
    if number == 0 || number > MAX_SEGMENT_NUMBER {
        return None;
    }
    let upper = if number <= 99 {
        format!("{}{number:02}", char::from(letter))
    } else {
        let rest = number - 100;
        let first = letter.checked_add(u8::try_from(rest / 676).ok()?)?;
        if first > b'Z' {
            return None;
        }
        let first = char::from(first);
        let second = char::from(b'A' + u8::try_from((rest / 26) % 26).ok()?);
        let third = char::from(b'A' + u8::try_from(rest % 26).ok()?);
        format!("{first}{second}{third}")
    };
    Some(if lowercase {
        upper.to_ascii_lowercase()
    } else {
        upper
    })
}

/// Whether `path` ends in `.e01` (any case) — the name of a first segment
/// the writer accepts.
pub fn is_first_segment_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("e01"))
}

/// The first letter of the scheme (`E` or `S`) and whether it is lowercase,
/// for a first segment named `.e01` or `.s01` (any case).
fn scheme_of(path: &Path) -> Option<(u8, bool)> {
    let extension = path.extension()?.to_str()?;
    let (letter, digits) = extension.split_at_checked(1)?;
    if digits != "01" {
        return None;
    }
    let lowercase = letter.chars().all(|c| c.is_ascii_lowercase());
    match letter.to_ascii_uppercase().as_str() {
        "E" => Some((b'E', lowercase)),
        "S" => Some((b'S', lowercase)),
        _ => None,
    }
}

/// The path of segment `number` beside `first_segment`, keeping the case of the
/// first segment's extension (`.e01` gives `.e02`, `.s01` gives `.s02`). A
/// first segment named otherwise has no numbered siblings: `None` for numbers
/// above 1.
pub fn segment_path(first_segment: &Path, number: u32) -> Option<PathBuf> {
    if number == 1 {
        return Some(first_segment.to_path_buf());
    }
    let (letter, lowercase) = scheme_of(first_segment)?;
    let extension = extension_from(letter, number, lowercase)?;
    Some(first_segment.with_extension(extension))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_follow_the_encase_sequence() {
        assert_eq!(segment_extension(1, false).as_deref(), Some("E01"));
        assert_eq!(segment_extension(99, false).as_deref(), Some("E99"));
        assert_eq!(segment_extension(100, false).as_deref(), Some("EAA"));
        assert_eq!(segment_extension(101, false).as_deref(), Some("EAB"));
        assert_eq!(segment_extension(126, false).as_deref(), Some("EBA"));
        assert_eq!(segment_extension(775, false).as_deref(), Some("EZZ"));
        assert_eq!(segment_extension(776, false).as_deref(), Some("FAA"));
        assert_eq!(
            segment_extension(MAX_SEGMENT_NUMBER, false).as_deref(),
            Some("ZZZ")
        );
        assert_eq!(segment_extension(MAX_SEGMENT_NUMBER + 1, false), None);
        assert_eq!(segment_extension(0, false), None);
        assert_eq!(segment_extension(2, true).as_deref(), Some("e02"));
    }

    #[test]
    fn siblings_keep_the_case_of_the_first_segment() {
        let upper = Path::new("/x/img.E01");
        assert_eq!(segment_path(upper, 3), Some(PathBuf::from("/x/img.E03")));
        let lower = Path::new("/x/img.e01");
        assert_eq!(segment_path(lower, 100), Some(PathBuf::from("/x/img.eaa")));
        assert_eq!(segment_path(Path::new("/x/img.bin"), 2), None);
        let smart = Path::new("/x/img.s01");
        assert_eq!(segment_path(smart, 2), Some(PathBuf::from("/x/img.s02")));
        assert_eq!(segment_path(smart, 100), Some(PathBuf::from("/x/img.saa")));
        assert_eq!(segment_path(smart, 99 + 8 * 676 + 1), None);
        assert_eq!(
            segment_path(Path::new("/x/img.bin"), 1),
            Some(PathBuf::from("/x/img.bin"))
        );
    }
}
