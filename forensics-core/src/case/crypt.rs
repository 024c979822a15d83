//! Encryption at rest: a case file can be a SQLCipher database (AES-256 in
//! CBC mode with an HMAC per page, the key derived from a passphrase with
//! PBKDF2-HMAC-SHA512), because case files hold personal data.
//!
//! An unencrypted case is a plain SQLite file; an encrypted one starts with a
//! random salt instead of the SQLite magic, which is how [`is_encrypted`]
//! tells them apart without a passphrase. Every connection to an encrypted
//! case is given the key before its first statement, and keeps temporary
//! tables in memory so that no plaintext reaches a temporary file.

use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{Error, Result};

/// The first 16 bytes of every unencrypted SQLite database.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The environment variable front-ends read a case passphrase from when
/// no prompt is possible (batch runs, the desktop app started on a case).
pub const PASSPHRASE_ENV: &str = "FORENSICS_CASE_PASSPHRASE";

/// The shortest passphrase accepted for a new encrypted case.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// A case passphrase. Its `Debug` output never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(String);

impl Passphrase {
    /// Wraps a passphrase given by the examiner.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// Checks that the passphrase is fit to protect a new case.
    pub fn check_strength(&self) -> Result<()> {
        if self.0.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(Error::Invalid(format!(
                "a case passphrase needs at least {MIN_PASSPHRASE_CHARS} characters"
            )));
        }
        Ok(())
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// Whether the case file at `path` is encrypted: it is not empty and does
/// not start with the SQLite magic. (A file that is neither a case nor
/// encrypted is caught when it is opened.)
pub fn is_encrypted(path: &Path) -> Result<bool> {
    let mut file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut head = [0u8; 16];
    let mut read_bytes = 0;
    while read_bytes < head.len() {
        let n = file
            .read(&mut head[read_bytes..])
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
        if n == 0 {
            break;
        }
        read_bytes += n;
    }
    Ok(read_bytes == head.len() && &head != SQLITE_MAGIC)
}

/// Opens a connection to the case file, keyed with `passphrase` when one is
/// given, and checks that the key opens the file.
pub(crate) fn open_connection(
    path: &Path,
    flags: OpenFlags,
    passphrase: Option<&Passphrase>,
) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags).map_err(Error::sqlite(path))?;
    let Some(passphrase) = passphrase else {
        return Ok(conn);
    };
    // A wrong key is reported as our error below, not logged by SQLCipher.
    conn.pragma_update(None, "cipher_log_level", "NONE")
        .map_err(Error::sqlite(path))?;
    conn.pragma_update(None, "key", &passphrase.0)
        .map_err(Error::sqlite(path))?;
    conn.pragma_update(None, "temp_store", "MEMORY")
        .map_err(Error::sqlite(path))?;
    let readable = conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    });
    if readable.is_err() {
        return Err(Error::NotACase {
            path: path.to_path_buf(),
            what: "the passphrase does not open it (wrong passphrase, or not an encrypted case)"
                .into(),
        });
    }
    Ok(conn)
}

/// The error for an encrypted case opened without a passphrase.
pub(crate) fn passphrase_needed(path: &Path) -> Error {
    Error::NotACase {
        path: path.to_path_buf(),
        what: "it is not a plain SQLite file: an encrypted case (give its passphrase) or no case at all"
            .into(),
    }
}
