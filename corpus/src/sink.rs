//! The image file being written: positional writes into a pre-sized file, so
//! large images never have to be held in memory. Unwritten ranges read as
//! zeros (the file is extended with `set_len`, sparse where supported).

use crate::error::{Error, Result};
use crate::rng::Rng;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Size of the buffer used to write filler.
const FILL_CHUNK_BYTES: usize = 1 << 20;

/// What fills the space between embedded data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filler {
    /// 0x00 bytes.
    Zeros,
    /// 0xFF bytes (erased flash).
    Ones,
    /// Random bytes from the scenario's generator.
    Random,
    /// Repeated log-like text lines.
    Text,
}

impl Filler {
    /// Name used in keys and notes.
    pub fn name(self) -> &'static str {
        match self {
            Filler::Zeros => "zeros",
            Filler::Ones => "ones",
            Filler::Random => "random",
            Filler::Text => "text",
        }
    }
}

/// Writes that continue the previous one are gathered up to this size before
/// they go to the file, so runs of small writes become large extents.
const COMBINE_BYTES: usize = 1 << 20;

/// An image file open for writing.
pub struct ImageSink {
    file: File,
    path: PathBuf,
    len_bytes: u64,
    pending: Vec<u8>,
    pending_offset: u64,
}

impl ImageSink {
    /// Creates (truncating) `path` with `len_bytes` zero bytes.
    pub fn create(path: &Path, len_bytes: u64) -> Result<Self> {
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        file.set_len(len_bytes).map_err(|e| Error::io(path, e))?;
        Ok(Self {
            file,
            path: path.to_path_buf(),
            len_bytes,
            pending: Vec::new(),
            pending_offset: 0,
        })
    }

    /// Image size in bytes.
    pub fn len_bytes(&self) -> u64 {
        self.len_bytes
    }

    /// Path of the image file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `data` at `image_offset`; refuses to grow the image.
    pub fn write_at(&mut self, image_offset: u64, data: &[u8]) -> Result<()> {
        let end = image_offset.checked_add(data.len() as u64);
        if end.is_none_or(|end| end > self.len_bytes) {
            return Err(Error::InvalidOption(format!(
                "write of {} bytes at offset {image_offset} passes the image end {}",
                data.len(),
                self.len_bytes
            )));
        }
        let pending_end = self.pending_offset + self.pending.len() as u64;
        if !self.pending.is_empty()
            && image_offset == pending_end
            && self.pending.len() + data.len() <= COMBINE_BYTES
        {
            self.pending.extend_from_slice(data);
            return Ok(());
        }
        self.flush_pending()?;
        if data.len() >= COMBINE_BYTES {
            return self.write_now(image_offset, data);
        }
        self.pending_offset = image_offset;
        self.pending.extend_from_slice(data);
        Ok(())
    }

    fn write_now(&mut self, image_offset: u64, data: &[u8]) -> Result<()> {
        self.file
            .seek(SeekFrom::Start(image_offset))
            .and_then(|_| self.file.write_all(data))
            .map_err(|e| Error::io(&self.path, e))
    }

    fn flush_pending(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let data = std::mem::take(&mut self.pending);
        let result = self.write_now(self.pending_offset, &data);
        self.pending = data;
        self.pending.clear();
        result
    }

    /// Writes `len_bytes` of `filler` at `image_offset`.
    pub fn fill(
        &mut self,
        image_offset: u64,
        len_bytes: u64,
        filler: Filler,
        rng: &mut Rng,
    ) -> Result<()> {
        if filler == Filler::Zeros {
            // The file was created zero-filled; keep the range sparse.
            return Ok(());
        }
        let mut buf = vec![0u8; FILL_CHUNK_BYTES.min(len_bytes as usize)];
        let mut done = 0u64;
        let mut text_line = 0u64;
        while done < len_bytes {
            let n = (len_bytes - done).min(buf.len() as u64) as usize;
            let chunk = &mut buf[..n];
            match filler {
                Filler::Zeros => chunk.fill(0),
                Filler::Ones => chunk.fill(0xFF),
                Filler::Random => rng.fill(chunk),
                Filler::Text => {
                    let mut at = 0;
                    while at < n {
                        let line = format!(
                            "2024-03-{:02} 10:{:02}:{:02} INFO service[{}] heartbeat ok seq={text_line}\n",
                            text_line % 28 + 1,
                            text_line / 60 % 60,
                            text_line % 60,
                            1000 + text_line % 7
                        );
                        let take = line.len().min(n - at);
                        chunk[at..at + take].copy_from_slice(&line.as_bytes()[..take]);
                        at += take;
                        text_line += 1;
                    }
                }
            }
            self.write_at(image_offset + done, chunk)?;
            done += n as u64;
        }
        Ok(())
    }

    /// Flushes and closes the file.
    pub fn finish(mut self) -> Result<()> {
        self.flush_pending()?;
        self.file.flush().map_err(|e| Error::io(&self.path, e))
    }
}
