//! Names of exported files inside a bundle. A hostile file system can name
//! a file `../../x`, `/etc/passwd`, `a\u{0}b`, `CON`, 1 000 characters long,
//! or `Photo.jpg` beside `photo.jpg`; in the bundle each becomes
//! `files/e<evidence>/<object id>-<safe name>`: one plain component under a
//! directory of its own, so it stays inside the bundle when extracted on any
//! system, and the object id keeps it distinct even where names compare
//! without case. The original path is kept in the manifest.

/// Longest safe name kept, in bytes (the object id prefix comes on top).
pub const MAX_SAFE_NAME_BYTES: usize = 120;

/// Device names Windows reserves in any directory, with or without extension.
const WINDOWS_RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "CONIN$",
    "CONOUT$",
];

/// A file name that is a single plain component on Windows, macOS and
/// Linux: no separators, no control or reserved characters, not `.`/`..`,
/// not hidden (leading dot), not a device name, no trailing dot or space,
/// at most
/// [`MAX_SAFE_NAME_BYTES`] bytes.
pub fn safe_name(name: &str) -> String {
    let mut safe: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    if safe.chars().all(|c| c == '.') {
        safe = safe.replace('.', "_");
    }
    let stem = safe.split('.').next().unwrap_or("").trim_end();
    if WINDOWS_RESERVED
        .iter()
        .any(|reserved| stem.eq_ignore_ascii_case(reserved))
    {
        safe.insert(0, '_');
    }
    if safe.len() > MAX_SAFE_NAME_BYTES {
        let mut cut = MAX_SAFE_NAME_BYTES;
        while !safe.is_char_boundary(cut) {
            cut -= 1;
        }
        safe.truncate(cut);
    }
    if safe.ends_with(['.', ' ']) {
        safe.pop();
        safe.push('_');
    }
    if safe.starts_with('.') {
        // No hidden files: what was exported must be seen.
        safe.replace_range(..1, "_");
    }
    if safe.is_empty() {
        safe.push('_');
    }
    safe
}

/// The bundle path of an exported file.
pub fn bundle_path(evidence_id: i64, object_id: i64, name: &str) -> String {
    format!("files/e{evidence_id}/{object_id}-{}", safe_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_single_plain_components() {
        for (hostile, expected) in [
            ("../../x", "_._.._x"),
            ("/etc/passwd", "_etc_passwd"),
            ("..", "__"),
            (".", "_"),
            ("", "_"),
            ("a\u{0}b", "a_b"),
            ("CON", "_CON"),
            ("con.txt", "_con.txt"),
            ("lpt9.log", "_lpt9.log"),
            ("trailing. ", "trailing._"),
            ("C:\\Windows", "C__Windows"),
            ("ok name.jpg", "ok name.jpg"),
        ] {
            assert_eq!(safe_name(hostile), expected, "{hostile:?}");
        }
    }

    #[test]
    fn long_names_are_cut_at_a_character_boundary() {
        let long = "é".repeat(1000);
        let safe = safe_name(&long);
        assert!(safe.len() <= MAX_SAFE_NAME_BYTES);
        assert!(safe.chars().all(|c| c == 'é'));
    }

    #[test]
    fn names_differing_in_case_stay_distinct_through_the_object_id() {
        let a = bundle_path(1, 10, "Photo.jpg");
        let b = bundle_path(1, 11, "photo.jpg");
        assert_ne!(a.to_lowercase(), b.to_lowercase());
    }
}
