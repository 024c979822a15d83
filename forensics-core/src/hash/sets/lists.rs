//! Text hash lists: hashdeep, md5sum-style (`HEX  name`, `HEX *name`),
//! BSD-tag style (`SHA256 (name) = HEX`) and plain lists (one hex digest per
//! line, as EnCase exports them).
//!
//! The format is decided by the first data line; every later line must be in
//! the same format, or reading stops with an error naming the line. Blank
//! lines and, outside hashdeep files, lines starting with `#` are comments.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::{Error, MAX_LINE_BYTES, SetFormat};
use crate::hash::{Algorithm, Digests, from_hex};

/// One entry of a hash list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListEntry {
    /// The digests the line gives.
    pub digests: Digests,
    /// File size in bytes (hashdeep lists).
    pub size: Option<u64>,
    /// File name as listed (lossy UTF-8), when the format has one.
    pub name: Option<String>,
}

/// A hashdeep column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Size,
    Digest(Algorithm),
    /// A digest we do not compute (tiger, whirlpool, sha3 …): read, not used.
    Other,
    FileName,
}

/// Reads the text list at `path`, calling `each` with every entry and its
/// 1-based line number; a 64-hex-digit digest without a tag is taken as
/// `hex64` (SHA-256 unless told BLAKE3). Returns the format found.
pub fn read_list(
    path: &Path,
    hex64: Algorithm,
    each: &mut dyn FnMut(ListEntry, u64) -> Result<(), Error>,
) -> Result<SetFormat, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut format: Option<SetFormat> = None;
    let mut columns: Vec<Column> = Vec::new();
    while next_line(&mut reader, &mut buf, path, line_no + 1)? {
        line_no += 1;
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\r', '\n']);
        if line_no == 1 && line.starts_with("%%%% HASHDEEP-1.0") {
            format = Some(SetFormat::Hashdeep);
            continue;
        }
        if format == Some(SetFormat::Hashdeep) {
            if let Some(header) = line.strip_prefix("%%%% ") {
                columns = hashdeep_columns(header, path, line_no)?;
                continue;
            }
            if line.starts_with("##") || line.trim().is_empty() {
                continue;
            }
            if columns.is_empty() {
                return Err(Error::line(
                    path,
                    line_no,
                    "data before the %%%% column header",
                ));
            }
            each(hashdeep_entry(line, &columns, path, line_no)?, line_no)?;
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let this = *format.get_or_insert_with(|| text_format_of(line));
        let entry = match this {
            SetFormat::PlainList => plain_entry(line, hex64),
            SetFormat::BsdTags => bsd_entry(line, hex64),
            _ => sum_entry(line, hex64),
        }
        .map_err(|what| Error::line(path, line_no, what))?;
        each(entry, line_no)?;
    }
    format.ok_or_else(|| Error::UnknownFormat {
        path: path.to_path_buf(),
        what: "no hash lines".into(),
    })
}

/// Reads the next line into `buf`; false at the end of the file.
fn next_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    path: &Path,
    line_no: u64,
) -> Result<bool, Error> {
    buf.clear();
    let limit = MAX_LINE_BYTES as u64 + 1;
    let read = reader
        .by_ref()
        .take(limit)
        .read_until(b'\n', buf)
        .map_err(|e| Error::io(path, e))?;
    if buf.len() > MAX_LINE_BYTES {
        return Err(Error::line(
            path,
            line_no,
            format!("longer than {MAX_LINE_BYTES} bytes"),
        ));
    }
    Ok(read > 0)
}

/// The format of the first data line of a text list.
fn text_format_of(line: &str) -> SetFormat {
    let trimmed = line.trim();
    if trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        SetFormat::PlainList
    } else if trimmed.ends_with(|c: char| c.is_ascii_hexdigit()) && trimmed.contains(") = ") {
        SetFormat::BsdTags
    } else {
        SetFormat::SumList
    }
}

/// The algorithm and bytes of a hex digest, by its length.
fn digest_of(hex: &str, hex64: Algorithm) -> Result<(Algorithm, Vec<u8>), String> {
    let algorithm = match hex.len() {
        32 => Algorithm::Md5,
        40 => Algorithm::Sha1,
        64 => hex64,
        len => {
            return Err(format!(
                "{len} hex digits is no MD5 (32), SHA-1 (40) or SHA-256/BLAKE3 (64) digest"
            ));
        }
    };
    let bytes = from_hex(hex).ok_or_else(|| format!("{hex:?} is not hexadecimal"))?;
    Ok((algorithm, bytes))
}

fn entry_with(algorithm: Algorithm, bytes: &[u8], name: Option<String>) -> ListEntry {
    let mut digests = Digests::default();
    digests.set(algorithm, bytes);
    ListEntry {
        digests,
        size: None,
        name,
    }
}

fn plain_entry(line: &str, hex64: Algorithm) -> Result<ListEntry, String> {
    let (algorithm, bytes) = digest_of(line.trim(), hex64)?;
    Ok(entry_with(algorithm, &bytes, None))
}

/// `HEX  name` or `HEX *name`; a leading backslash marks an escaped name.
fn sum_entry(line: &str, hex64: Algorithm) -> Result<ListEntry, String> {
    let (escaped, line) = match line.strip_prefix('\\') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let (hex, rest) = line
        .split_once(' ')
        .ok_or("expected \"DIGEST  NAME\" or \"DIGEST *NAME\"")?;
    let name = rest
        .strip_prefix(' ')
        .or_else(|| rest.strip_prefix('*'))
        .ok_or("expected two spaces or \" *\" between digest and name")?;
    if name.is_empty() {
        return Err("no file name after the digest".into());
    }
    let (algorithm, bytes) = digest_of(hex, hex64)?;
    let name = if escaped {
        unescape(name)
    } else {
        name.to_string()
    };
    Ok(entry_with(algorithm, &bytes, Some(name)))
}

/// `ALGO (name) = HEX`, as `md5sum --tag` and BSD `md5` print.
fn bsd_entry(line: &str, hex64: Algorithm) -> Result<ListEntry, String> {
    let (head, hex) = line
        .rsplit_once(") = ")
        .ok_or("expected \"ALGO (NAME) = DIGEST\"")?;
    let (tag, name) = head
        .split_once(" (")
        .ok_or("expected \"ALGO (NAME) = DIGEST\"")?;
    let tagged: Algorithm = tag
        .parse()
        .map_err(|e: crate::hash::UnknownAlgorithm| e.to_string())?;
    let (by_length, bytes) = digest_of(
        hex.trim(),
        if tagged == Algorithm::Blake3 {
            Algorithm::Blake3
        } else {
            hex64
        },
    )?;
    let algorithm = if by_length == hex64 {
        tagged
    } else {
        by_length
    };
    if algorithm != tagged || bytes.len() != tagged.digest_len_bytes() {
        return Err(format!(
            "a {tag} digest must have {} hex digits",
            tagged.digest_len_bytes() * 2
        ));
    }
    Ok(entry_with(algorithm, &bytes, Some(name.to_string())))
}

fn unescape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn hashdeep_columns(header: &str, path: &Path, line_no: u64) -> Result<Vec<Column>, Error> {
    let columns: Vec<Column> = header
        .split(',')
        .map(|name| match name.trim() {
            "size" => Column::Size,
            "filename" => Column::FileName,
            "md5" => Column::Digest(Algorithm::Md5),
            "sha1" => Column::Digest(Algorithm::Sha1),
            "sha256" => Column::Digest(Algorithm::Sha256),
            _ => Column::Other,
        })
        .collect();
    if columns.last() != Some(&Column::FileName) {
        return Err(Error::line(
            path,
            line_no,
            "the hashdeep column header must end with filename",
        ));
    }
    if !columns.iter().any(|c| matches!(c, Column::Digest(_))) {
        return Err(Error::line(path, line_no, "no md5, sha1 or sha256 column"));
    }
    Ok(columns)
}

fn hashdeep_entry(
    line: &str,
    columns: &[Column],
    path: &Path,
    line_no: u64,
) -> Result<ListEntry, Error> {
    let fields: Vec<&str> = line.splitn(columns.len(), ',').collect();
    if fields.len() != columns.len() {
        return Err(Error::line(
            path,
            line_no,
            format!(
                "{} fields, the header names {}",
                fields.len(),
                columns.len()
            ),
        ));
    }
    let mut entry = ListEntry::default();
    for (column, field) in columns.iter().zip(fields) {
        match column {
            Column::Size => {
                let size = field.parse().map_err(|_| {
                    Error::line(path, line_no, format!("size {field:?} is not a number"))
                })?;
                entry.size = Some(size);
            }
            Column::Digest(algorithm) => {
                let bytes = from_hex(field)
                    .filter(|b| b.len() == algorithm.digest_len_bytes())
                    .ok_or_else(|| {
                        Error::line(
                            path,
                            line_no,
                            format!("{field:?} is not a {algorithm} digest"),
                        )
                    })?;
                entry.digests.set(*algorithm, &bytes);
            }
            Column::Other => {}
            Column::FileName => entry.name = Some(field.to_string()),
        }
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_lines_take_text_and_binary_markers_and_escaped_names() {
        let e = sum_entry(
            "d41d8cd98f00b204e9800998ecf8427e  a b.txt",
            Algorithm::Sha256,
        )
        .unwrap();
        assert_eq!(e.name.as_deref(), Some("a b.txt"));
        assert!(e.digests.md5.is_some());
        let e = sum_entry("d41d8cd98f00b204e9800998ecf8427e *bin", Algorithm::Sha256).unwrap();
        assert_eq!(e.name.as_deref(), Some("bin"));
        let e = sum_entry(
            "\\d41d8cd98f00b204e9800998ecf8427e  new\\nline",
            Algorithm::Sha256,
        )
        .unwrap();
        assert_eq!(e.name.as_deref(), Some("new\nline"));
        assert!(sum_entry("d41d8cd98f00b204e9800998ecf8427e name", Algorithm::Sha256).is_err());
        assert!(sum_entry("d41d8cd98f00b204e9800998ecf8427  x", Algorithm::Sha256).is_err());
    }

    #[test]
    fn bsd_tags_name_their_algorithm() {
        let e = bsd_entry(
            "SHA1 (x) = da39a3ee5e6b4b0d3255bfef95601890afd80709",
            Algorithm::Sha256,
        )
        .unwrap();
        assert!(e.digests.sha1.is_some());
        let b3 = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";
        let e = bsd_entry(&format!("BLAKE3 (y) = {b3}"), Algorithm::Sha256).unwrap();
        assert!(e.digests.blake3.is_some());
        assert!(
            bsd_entry(
                "MD5 (x) = da39a3ee5e6b4b0d3255bfef95601890afd80709",
                Algorithm::Sha256
            )
            .is_err()
        );
    }
}
