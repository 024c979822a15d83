//! Memory dumps: LiME and Windows crash dumps.

use std::path::Path;

use super::{Error, Evidence};

/// Whether `head` starts with a LiME range header.
pub fn is_lime(head: &[u8]) -> bool {
    head.starts_with(b"EMiL")
}

/// Whether `head` starts with a Windows crash dump header.
pub fn is_crash_dump(head: &[u8]) -> bool {
    head.starts_with(b"PAGEDUMP") || head.starts_with(b"PAGEDU64")
}

/// Opens a LiME dump.
pub fn open_lime(path: &Path) -> Result<Evidence, Error> {
    Err(Error::Unsupported {
        path: path.to_path_buf(),
        format: "LiME".into(),
    })
}

/// Opens a Windows crash dump.
pub fn open_crash_dump(path: &Path) -> Result<Evidence, Error> {
    Err(Error::Unsupported {
        path: path.to_path_buf(),
        format: "a Windows crash dump".into(),
    })
}
