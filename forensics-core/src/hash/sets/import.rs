//! Format detection and import of one source list into a [`SetBuilder`].

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::Serialize;

use super::{Error, SetBuilder, lists, nsrl, vics};
use crate::hash::Algorithm;

/// The source formats of hash sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SetFormat {
    /// NIST NSRL RDS v3 SQLite database.
    NsrlSqlite,
    /// Project VIC / CAID VICS JSON.
    VicsJson,
    /// hashdeep list (`%%%% HASHDEEP-1.0`).
    Hashdeep,
    /// md5sum / sha1sum / sha256sum / b3sum output (`HEX  name`).
    SumList,
    /// BSD-tag style (`SHA256 (name) = HEX`).
    BsdTags,
    /// One hex digest per line (EnCase-style).
    PlainList,
}

/// How to read source lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    /// What an untagged 64-hex-digit digest is: SHA-256 (default) or BLAKE3.
    pub hex64: Algorithm,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            hex64: Algorithm::Sha256,
        }
    }
}

/// SQLite database files start with this.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// The format of the list at `path`, from its content. Text lists are
/// reported as [`SetFormat::SumList`] until their first line is read.
pub fn detect_format(path: &Path) -> Result<SetFormat, Error> {
    let mut head = Vec::with_capacity(64);
    File::open(path)
        .and_then(|f| f.take(64).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    if head.starts_with(SQLITE_MAGIC) {
        return Ok(SetFormat::NsrlSqlite);
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return Ok(SetFormat::VicsJson);
    }
    if text.starts_with(b"%%%% HASHDEEP") {
        return Ok(SetFormat::Hashdeep);
    }
    Ok(SetFormat::SumList)
}

/// Adds every digest of the list at `path` to `builder`; returns the format read.
pub fn import_file(
    builder: &mut SetBuilder,
    path: &Path,
    options: &ImportOptions,
) -> Result<SetFormat, Error> {
    match detect_format(path)? {
        SetFormat::NsrlSqlite => nsrl::import_nsrl(path, builder).map(|_| SetFormat::NsrlSqlite),
        SetFormat::VicsJson => vics::import_vics(path, builder).map(|_| SetFormat::VicsJson),
        _ => lists::read_list(path, options.hex64, &mut |entry, _line| {
            builder.add(&entry.digests, None, path)
        }),
    }
}
