//! EnCase / Expert Witness Format (E01) segment files.

use std::path::Path;

use super::{Error, Evidence};

/// Opens an E01 image from its first segment file.
pub fn open(path: &Path) -> Result<Evidence, Error> {
    Err(Error::Unsupported {
        path: path.to_path_buf(),
        format: "EWF (E01)".into(),
    })
}
