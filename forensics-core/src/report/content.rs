//! Reading a file's content back from its evidence for reports (thumbnails)
//! and bundles: the evidence is opened read-only, the volume windowed, the
//! file system opened once per file system and cached.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use super::Error;
use super::data::ReportData;
use crate::case::ReportFile;
use crate::case::ingest::FsOpener;
use crate::evidence::{self, EvidenceSource, Window};
use crate::fs::FileSystem;

/// The most content bytes read for one file by [`ContentReader::read`]
/// when the caller gives no smaller cap (4 GiB).
pub const MAX_CONTENT_BYTES: u64 = 4 << 30;

/// Opens evidence and file systems on demand and reads file contents.
pub struct ContentReader<'a> {
    data: &'a ReportData,
    opener: FsOpener,
    media: BTreeMap<i64, Arc<dyn EvidenceSource>>,
    file_systems: BTreeMap<i64, Box<dyn FileSystem>>,
}

impl std::fmt::Debug for ContentReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentReader")
            .field("open_media", &self.media.len())
            .field("open_file_systems", &self.file_systems.len())
            .finish()
    }
}

/// A writer that refuses to go past a byte cap.
struct CappedWriter<'w> {
    out: &'w mut dyn Write,
    written: u64,
    cap: u64,
}

impl Write for CappedWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let len = buf.len() as u64;
        if self.written.saturating_add(len) > self.cap {
            return Err(io::Error::other(format!(
                "content is larger than the cap of {} bytes",
                self.cap
            )));
        }
        self.out.write_all(buf)?;
        self.written += len;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<'a> ContentReader<'a> {
    /// A reader for the files of `data`; `opener` opens file systems
    /// (`None` = [`crate::fs::open`], as ingest does).
    pub fn new(data: &'a ReportData, opener: Option<FsOpener>) -> Self {
        Self {
            data,
            opener: opener.unwrap_or(crate::fs::open),
            media: BTreeMap::new(),
            file_systems: BTreeMap::new(),
        }
    }

    /// Writes at most `cap_bytes` of `file`'s content to `out` (an error if
    /// there is more); returns the bytes written.
    pub fn read(
        &mut self,
        file: &ReportFile,
        cap_bytes: u64,
        out: &mut dyn Write,
    ) -> Result<u64, Error> {
        let fail = |message: String| Error::Content {
            object_id: file.object_id,
            path: file.path.clone(),
            message,
        };
        if file.size > cap_bytes {
            return Err(fail(format!(
                "{} bytes is more than the cap of {cap_bytes} bytes",
                file.size
            )));
        }
        let fs = self.file_system(file).map_err(fail)?;
        let mut capped = CappedWriter {
            out,
            written: 0,
            cap: cap_bytes,
        };
        fs.read_content(&file.entry_id, None, &mut capped)
            .map_err(|e| fail(e.to_string()))
    }

    /// The opened file system of `file`, opening evidence and volume once.
    fn file_system(&mut self, file: &ReportFile) -> Result<&dyn FileSystem, String> {
        if !self.file_systems.contains_key(&file.fs_id) {
            let evidence = self
                .data
                .evidence_by_id(file.evidence_id)
                .ok_or("its evidence item is not in the case")?;
            let volume = self
                .data
                .volume_by_id(file.volume_id)
                .ok_or("its volume is not in the case")?;
            let media = match self.media.get(&evidence.object_id) {
                Some(media) => media.clone(),
                None => {
                    let opened = evidence::open(std::path::Path::new(&evidence.path))
                        .map_err(|e| format!("evidence {}: {e}", evidence.path))?;
                    if opened.source.len() != evidence.media_size {
                        return Err(format!(
                            "evidence {} is now {} bytes, the case recorded {}",
                            evidence.path,
                            opened.source.len(),
                            evidence.media_size
                        ));
                    }
                    self.media.insert(evidence.object_id, opened.source.clone());
                    opened.source
                }
            };
            let window = Window::new(media, volume.image_offset, volume.len_bytes)
                .map_err(|e| format!("volume at {}: {e}", volume.image_offset))?;
            let fs = (self.opener)(Arc::new(window))
                .map_err(|e| format!("file system at {}: {e}", volume.image_offset))?;
            self.file_systems.insert(file.fs_id, fs);
        }
        self.file_systems
            .get(&file.fs_id)
            .map(|fs| fs.as_ref())
            .ok_or_else(|| "file system not opened".to_string())
    }
}
