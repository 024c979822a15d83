//! The content worker: reads file content through the case's byte runs (or
//! the file-system reader when the runs do not cover a file), and decodes
//! pictures and thumbnails, all on its own thread.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use eframe::egui::{self, ColorImage};
use forensics_core::case::{Case, FileLocation};
use forensics_core::evidence::{self, EvidenceSource};
use forensics_core::fs;

use crate::picture::{decode_picture, thumbnails};
use crate::session::CaseFile;

/// Most bytes one read request returns.
pub(crate) const MAX_READ_BYTES: usize = 1 << 20;
/// Most bytes of a file read whole when its byte runs do not cover it.
const FALLBACK_CAP_BYTES: usize = 64 << 20;
/// Most bytes of a picture file read for decoding.
pub(crate) const PICTURE_CAP_BYTES: usize = 32 << 20;

/// What the UI asks the content worker for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ContentRequest {
    /// `len` bytes of file `object_id` from `offset`.
    Read {
        /// The file.
        object_id: i64,
        /// Offset in the file.
        offset: u64,
        /// Bytes wanted (capped at [`MAX_READ_BYTES`]).
        len: usize,
    },
    /// Decode file `object_id` as a picture for the preview.
    Picture(i64),
    /// Make the sharp and blurred thumbnails of file `object_id`.
    Thumbnail(i64),
}

/// What the content worker answers.
pub(crate) enum ContentReply {
    /// Bytes read.
    Bytes {
        /// The file.
        object_id: i64,
        /// Offset in the file.
        offset: u64,
        /// The bytes (shorter at the end of the file) or why not.
        data: Result<Vec<u8>, String>,
    },
    /// A decoded picture.
    Picture(i64, Result<[ColorImage; 2], String>),
    /// Sharp and blurred thumbnails.
    Thumbnail(i64, Result<[ColorImage; 2], String>),
}

/// The handle the UI keeps.
pub(crate) struct ContentWorker {
    requests: Sender<ContentRequest>,
    replies: Receiver<ContentReply>,
}

impl ContentWorker {
    /// Starts a worker reading through the case `file`.
    pub(crate) fn start(file: CaseFile, ctx: egui::Context) -> Self {
        let (requests, inbox) = channel::<ContentRequest>();
        let (outbox, replies) = channel();
        std::thread::spawn(move || {
            let mut reader = match file.open() {
                Ok(case) => Reader::new(case),
                Err(error) => {
                    outbox
                        .send(ContentReply::Bytes {
                            object_id: 0,
                            offset: 0,
                            data: Err(error),
                        })
                        .ok();
                    return;
                }
            };
            for request in inbox {
                let reply = reader.answer(request);
                if outbox.send(reply).is_err() {
                    break;
                }
                ctx.request_repaint();
            }
        });
        Self { requests, replies }
    }

    /// Queues a request.
    pub(crate) fn send(&self, request: ContentRequest) {
        self.requests.send(request).ok();
    }

    /// The next reply, if any has arrived.
    pub(crate) fn try_recv(&self) -> Option<ContentReply> {
        self.replies.try_recv().ok()
    }
}

/// One file opened for reading.
struct OpenFile {
    object_id: i64,
    location: FileLocation,
    media: Arc<dyn EvidenceSource>,
    /// Whole content, when the runs do not cover the file.
    fallback: Option<Vec<u8>>,
}

struct Reader {
    case: Case,
    /// Evidence sources by path (opened once).
    media: BTreeMap<String, Arc<dyn EvidenceSource>>,
    current: Option<OpenFile>,
}

impl Reader {
    fn new(case: Case) -> Self {
        Self {
            case,
            media: BTreeMap::new(),
            current: None,
        }
    }

    fn answer(&mut self, request: ContentRequest) -> ContentReply {
        match request {
            ContentRequest::Read {
                object_id,
                offset,
                len,
            } => ContentReply::Bytes {
                object_id,
                offset,
                data: self.read(object_id, offset, len.min(MAX_READ_BYTES)),
            },
            ContentRequest::Picture(object_id) => ContentReply::Picture(
                object_id,
                self.read(object_id, 0, PICTURE_CAP_BYTES)
                    .and_then(|bytes| decode_picture(&bytes)),
            ),
            ContentRequest::Thumbnail(object_id) => ContentReply::Thumbnail(
                object_id,
                self.read(object_id, 0, PICTURE_CAP_BYTES)
                    .and_then(|bytes| thumbnails(&bytes)),
            ),
        }
    }

    fn read(&mut self, object_id: i64, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        if self.current.as_ref().map(|f| f.object_id) != Some(object_id) {
            self.current = Some(self.open_file(object_id)?);
        }
        let file = self.current.as_ref().ok_or("no file open")?;
        file.read(offset, len)
    }

    fn open_file(&mut self, object_id: i64) -> Result<OpenFile, String> {
        let location = self
            .case
            .file_location(object_id)
            .map_err(|e| e.to_string())?;
        let media = match self.media.get(&location.evidence_path) {
            Some(media) => media.clone(),
            None => {
                let opened = evidence::open(Path::new(&location.evidence_path))
                    .map_err(|e| e.to_string())?;
                self.media
                    .insert(location.evidence_path.clone(), opened.source.clone());
                opened.source
            }
        };
        let fallback = if runs_cover(&location) {
            None
        } else {
            Some(read_whole(&media, &location)?)
        };
        Ok(OpenFile {
            object_id,
            location,
            media,
            fallback,
        })
    }
}

/// Whether the runs lie back to back from offset 0 to the file's size.
fn runs_cover(location: &FileLocation) -> bool {
    let mut covered = 0u64;
    for run in &location.runs {
        if run.file_offset != covered {
            return false;
        }
        match covered.checked_add(run.len_bytes) {
            Some(next) => covered = next,
            None => return false,
        }
    }
    covered >= location.size
}

/// A writer that keeps the first `cap` bytes and then refuses more.
struct CappedWriter {
    bytes: Vec<u8>,
    cap: usize,
}

impl Write for CappedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.cap.saturating_sub(self.bytes.len());
        if room == 0 {
            return Err(std::io::Error::other("content cap reached"));
        }
        let taken = buf.len().min(room);
        self.bytes.extend_from_slice(&buf[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The content read by the file-system reader (at most [`FALLBACK_CAP_BYTES`]).
fn read_whole(media: &Arc<dyn EvidenceSource>, location: &FileLocation) -> Result<Vec<u8>, String> {
    let (_, file_system) =
        fs::open_volume(media, location.partition_index).map_err(|e| e.to_string())?;
    let mut out = CappedWriter {
        bytes: Vec::new(),
        cap: FALLBACK_CAP_BYTES,
    };
    match file_system.read_content(&location.entry_id, None, &mut out) {
        Ok(_) => Ok(out.bytes),
        // The cap cut the content short: show what fits.
        Err(_) if out.bytes.len() == FALLBACK_CAP_BYTES => Ok(out.bytes),
        Err(error) => Err(error.to_string()),
    }
}

impl OpenFile {
    /// Up to `len` bytes from `offset` (fewer at the end of the file).
    fn read(&self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let size = self.location.size;
        if offset >= size {
            return Ok(Vec::new());
        }
        let wanted = usize::try_from((size - offset).min(len as u64)).unwrap_or(len);
        if let Some(whole) = &self.fallback {
            let start = usize::try_from(offset).unwrap_or(usize::MAX);
            let end = start.saturating_add(wanted).min(whole.len());
            return Ok(whole.get(start..end).unwrap_or_default().to_vec());
        }
        let mut out = vec![0u8; wanted];
        let end = offset + wanted as u64;
        for run in &self.location.runs {
            let run_end = run.file_offset.saturating_add(run.len_bytes);
            if run_end <= offset || run.file_offset >= end {
                continue;
            }
            let from = offset.max(run.file_offset);
            let to = end.min(run_end);
            let slice_start = usize::try_from(from - offset).map_err(|e| e.to_string())?;
            let slice_end = usize::try_from(to - offset).map_err(|e| e.to_string())?;
            let Some(image_offset) = run.image_offset else {
                continue; // sparse: zeros
            };
            let at = image_offset
                .checked_add(from - run.file_offset)
                .ok_or("byte run offset overflows")?;
            let slice = out
                .get_mut(slice_start..slice_end)
                .ok_or("byte run out of range")?;
            evidence::read_exact_at(self.media.as_ref(), at, slice).map_err(|e| e.to_string())?;
        }
        Ok(out)
    }
}
