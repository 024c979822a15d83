//! The `header` (ASCII) and `header2` (UTF-16LE) sections: case metadata.
//!
//! Source: libewf documentation "Expert Witness Compression Format (EWF)",
//! sections "Header section" and "Header2 section". Both are zlib streams of
//! tab-separated text: a category count, the category name `main`, a line of
//! value identifiers (`c`, `n`, `a`, `e`, `t`, `av`, `ov`, `m`, `u`, `p`, …) and
//! a line of values. `header2` dates are Unix timestamps, `header` dates are
//! "year month day hour minute second".

use std::io::Read;

use flate2::read::ZlibDecoder;

use super::date::{format_ctime, format_unix_ctime};

/// Cap on the decompressed size of a header section (real ones are < 4 KiB).
pub const MAX_HEADER_BYTES: u64 = 1 << 20;

/// Metadata keys in output order, with the header identifier each comes from.
const KEYS: &[(&str, &str)] = &[
    ("c", "case_number"),
    ("n", "evidence_number"),
    ("e", "examiner_name"),
    ("a", "description"),
    ("t", "notes"),
    ("m", "acquiry_date"),
    ("u", "system_date"),
    ("av", "acquiry_software_version"),
    ("ov", "acquiry_operating_system"),
    ("p", "password"),
    ("md", "model"),
    ("sn", "serial_number"),
    ("l", "device_label"),
    ("pid", "process_identifier"),
    ("ext", "extents"),
];

/// Which header section the text came from (dates differ between them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    /// `header`: codepage text, dates as "yyyy m d h m s".
    Header,
    /// `header2`: UTF-16LE text, dates as Unix timestamps.
    Header2,
}

/// Decompresses a header section's data to text, capped at
/// [`MAX_HEADER_BYTES`].
pub fn decode_header_text(data: &[u8], kind: HeaderKind) -> Result<String, String> {
    let mut raw = Vec::new();
    ZlibDecoder::new(data)
        .take(MAX_HEADER_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(|e| format!("header data does not decompress: {e}"))?;
    if raw.len() as u64 > MAX_HEADER_BYTES {
        return Err(format!(
            "header data decompresses to more than {MAX_HEADER_BYTES} bytes"
        ));
    }
    Ok(match kind {
        HeaderKind::Header2 => {
            let units: Vec<u16> = raw
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            let text = String::from_utf16_lossy(&units);
            text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned()
        }
        // Codepage text; bytes above 0x7f are read as Latin-1 (deterministic,
        // never fails).
        HeaderKind::Header => raw.iter().map(|&b| char::from(b)).collect(),
    })
}

/// The `(identifier, value)` pairs of the `main` category.
pub fn main_values(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let Some(main) = lines.iter().position(|l| *l == "main") else {
        return Vec::new();
    };
    let (Some(keys), Some(values)) = (lines.get(main + 1), lines.get(main + 2)) else {
        return Vec::new();
    };
    keys.split('\t')
        .zip(values.split('\t'))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Metadata as `ewfinfo` shows it, from the `main` values of `header2`
/// (preferred) and `header` (fills what `header2` lacks). Empty values are
/// left out, except the password, which reads "N/A" when unset.
pub fn metadata_from_headers(
    header2: Option<&[(String, String)]>,
    header: Option<&[(String, String)]>,
) -> Vec<(String, String)> {
    let lookup = |id: &str| -> Option<String> {
        let from2 = header2
            .and_then(|v| find(v, id))
            .map(|v| display(id, v, HeaderKind::Header2));
        let from1 = header
            .and_then(|v| find(v, id))
            .map(|v| display(id, v, HeaderKind::Header));
        from2.or(from1)
    };
    let mut out = Vec::new();
    for (id, key) in KEYS {
        if let Some(value) = lookup(id) {
            out.push(((*key).to_owned(), value));
        } else if *id == "p" && (header2.is_some() || header.is_some()) {
            out.push(((*key).to_owned(), "N/A".to_owned()));
        }
    }
    // Identifiers this reader does not name are kept, not dropped.
    let mut unknown: Vec<(String, String)> = Vec::new();
    for values in [header2, header].into_iter().flatten() {
        for (id, value) in values {
            let known = KEYS.iter().any(|(k, _)| k == id) || id == "r";
            let seen = unknown
                .iter()
                .any(|(k, _)| k.strip_prefix("unknown_") == Some(id));
            if !known && !seen && !id.is_empty() && !value.is_empty() {
                unknown.push((format!("unknown_{id}"), value.clone()));
            }
        }
    }
    out.extend(unknown);
    out
}

fn find<'a>(values: &'a [(String, String)], id: &str) -> Option<&'a str> {
    values
        .iter()
        .find(|(k, v)| k == id && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// A value as `ewfinfo` prints it: dates as `ctime` text, password `0` as N/A.
fn display(id: &str, value: &str, kind: HeaderKind) -> String {
    match id {
        "m" | "u" => match kind {
            HeaderKind::Header2 => value
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(format_unix_ctime)
                .unwrap_or_else(|| value.to_owned()),
            HeaderKind::Header => parse_header_date(value)
                .and_then(|[y, mo, d, h, mi, s]| format_ctime(y, mo, d, h, mi, s))
                .unwrap_or_else(|| value.to_owned()),
        },
        "p" if value.trim() == "0" => "N/A".to_owned(),
        _ => value.to_owned(),
    }
}

/// "2026 11 28 11 54 39" as six numbers.
fn parse_header_date(value: &str) -> Option<[i64; 6]> {
    let mut out = [0i64; 6];
    let mut parts = value.split_whitespace();
    for slot in &mut out {
        *slot = parts.next()?.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Values the writer puts in the header sections.
#[derive(Debug, Clone, Default)]
pub struct HeaderValues {
    /// `c`
    pub case_number: String,
    /// `n`
    pub evidence_number: String,
    /// `a`
    pub description: String,
    /// `e`
    pub examiner_name: String,
    /// `t`
    pub notes: String,
    /// `av`
    pub software_version: String,
    /// `ov`
    pub operating_system: String,
    /// `m` and `u`, seconds since 1970-01-01 UTC.
    pub acquiry_unix_secs: i64,
}

/// A value made safe for the tab/line structure.
fn field(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if matches!(c, '\t' | '\r' | '\n') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The EnCase 6 `header2` text (before UTF-16LE encoding and compression).
pub fn header2_text(v: &HeaderValues) -> String {
    let date = v.acquiry_unix_secs.to_string();
    let values = [
        field(&v.description),
        field(&v.case_number),
        field(&v.evidence_number),
        field(&v.examiner_name),
        field(&v.notes),
        String::new(),
        String::new(),
        field(&v.software_version),
        field(&v.operating_system),
        date.clone(),
        date,
        "0".to_owned(),
        String::new(),
    ];
    format!(
        "3\nmain\na\tc\tn\te\tt\tmd\tsn\tav\tov\tm\tu\tp\tdc\n{}\n\n\
         srce\n0\t1\np\tn\tid\tev\ttb\tlo\tpo\tah\tgu\taq\n0\t0\n\t\t\t\t\t-1\t-1\t\t\t\n\n\
         sub\n0\t1\np\tn\tid\tnu\tco\tgu\n0\t0\n\t\t\t\t1\t\n\n",
        values.join("\t")
    )
}

/// The EnCase 6 `header` text (ASCII; other characters become `?`).
pub fn header_text(v: &HeaderValues) -> String {
    let date = super::date::civil_from_unix(v.acquiry_unix_secs)
        .map(|[y, mo, d, h, mi, s]| format!("{y} {mo} {d} {h} {mi} {s}"))
        .unwrap_or_default();
    let values = [
        field(&v.case_number),
        field(&v.evidence_number),
        field(&v.description),
        field(&v.examiner_name),
        field(&v.notes),
        field(&v.software_version),
        field(&v.operating_system),
        date.clone(),
        date,
        "0".to_owned(),
    ];
    let text = format!(
        "1\r\nmain\r\nc\tn\ta\te\tt\tav\tov\tm\tu\tp\r\n{}\r\n\r\n",
        values.join("\t")
    );
    text.chars()
        .map(|c| if c.is_ascii() { c } else { '?' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header2_values_win_and_dates_are_shown_like_ewfinfo() {
        let text2 = "3\nmain\na\tc\tn\te\tt\tm\tu\tp\tdc\nDesc\tCASE\tEV\tExam\tNote\t1795866879\t1795866879\t0\tx\n\n";
        let text1 = "1\r\nmain\r\nc\tn\tav\tm\r\nOLD\tEV\t20140813\t2026 11 28 11 54 39\r\n\r\n";
        let v2 = main_values(text2);
        let v1 = main_values(text1);
        let meta = metadata_from_headers(Some(&v2), Some(&v1));
        let get = |k: &str| {
            meta.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("case_number"), Some("CASE"));
        assert_eq!(get("acquiry_date"), Some("Sat Nov 28 11:54:39 2026"));
        assert_eq!(get("acquiry_software_version"), Some("20140813"));
        assert_eq!(get("password"), Some("N/A"));
        assert_eq!(get("unknown_dc"), Some("x"));
        let only1 = metadata_from_headers(None, Some(&v1));
        assert_eq!(
            only1
                .iter()
                .find(|(k, _)| k == "acquiry_date")
                .map(|(_, v)| v.as_str()),
            Some("Sat Nov 28 11:54:39 2026")
        );
    }

    #[test]
    fn written_headers_parse_back() {
        let v = HeaderValues {
            case_number: "C\t1".into(),
            description: "Dé".into(),
            acquiry_unix_secs: 0,
            ..HeaderValues::default()
        };
        let parsed = main_values(&header2_text(&v));
        assert!(parsed.contains(&("c".to_owned(), "C 1".to_owned())));
        assert!(parsed.contains(&("a".to_owned(), "Dé".to_owned())));
        let parsed1 = main_values(&header_text(&v));
        assert!(parsed1.contains(&("m".to_owned(), "1970 1 1 0 0 0".to_owned())));
        assert!(parsed1.contains(&("a".to_owned(), "D?".to_owned())));
    }
}
