//! Format detection: from content first, from segment naming only for split raw.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::raw::RawImage;
use super::split::{SplitRaw, split_segment_paths};
use super::{Error, Evidence, EvidenceInfo, EvidenceSource, Format, ewf, memdump};

/// EWF version 1 segment file (`.E01`): "EVF" 0x09 0x0d 0x0a 0xff 0x00.
const EWF1_SIGNATURE: &[u8] = b"EVF\x09\x0d\x0a\xff\x00";
/// EWF version 1 logical evidence (`.L01`).
const LWF1_SIGNATURE: &[u8] = b"LVF\x09\x0d\x0a\xff\x00";
/// EWF version 2 segment file (`.Ex01`).
const EWF2_SIGNATURE: &[u8] = b"EVF2\x0d\x0a\x81\x00";
/// EWF version 2 logical evidence (`.Lx01`).
const LWF2_SIGNATURE: &[u8] = b"LEF2\x0d\x0a\x81\x00";

/// Opens the evidence at `path` read-only, detecting its format from content.
///
/// E01, LiME and Windows crash dumps are recognised by their signatures; a
/// file named like the first segment of a split image (`.001`, `.000`, `.aa`)
/// with a second segment beside it opens as split raw; anything else is raw.
pub fn open(path: &Path) -> Result<Evidence, Error> {
    let head = read_head(path)?;
    if head.starts_with(EWF1_SIGNATURE) {
        return ewf::open(path);
    }
    for (signature, format) in [
        (EWF2_SIGNATURE, "EWF version 2 (Ex01)"),
        (LWF1_SIGNATURE, "EWF logical evidence (L01)"),
        (LWF2_SIGNATURE, "EWF version 2 logical evidence (Lx01)"),
    ] {
        if head.starts_with(signature) {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                format: format.into(),
            });
        }
    }
    if memdump::is_lime(&head) {
        return memdump::open_lime(path);
    }
    if memdump::is_crash_dump(&head) {
        return memdump::open_crash_dump(path);
    }
    if let Some(segments) = split_segment_paths(path)? {
        let split = SplitRaw::open(&segments)?;
        let mut info = EvidenceInfo::plain(path, Format::SplitRaw, split.len());
        info.segment_files = segments;
        return Ok(Evidence {
            source: Arc::new(split),
            physical: None,
            info,
        });
    }
    let raw = RawImage::open(path)?;
    let info = EvidenceInfo::plain(path, Format::Raw, raw.len());
    Ok(Evidence {
        source: Arc::new(raw),
        physical: None,
        info,
    })
}

/// The first bytes of `path` (fewer if the file is shorter).
fn read_head(path: &Path) -> Result<Vec<u8>, Error> {
    let metadata = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !metadata.is_file() {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
        ));
    }
    let mut head = Vec::with_capacity(64);
    File::open(path)
        .map_err(|e| Error::io(path, e))?
        .take(64)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    Ok(head)
}
