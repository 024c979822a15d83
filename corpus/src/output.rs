//! Output formats of a generated image. Scenarios always write a raw image
//! first; other formats are converted from it.
//!
//! Adding a container format (E01) means adding a variant here and a branch in
//! [`convert`] that writes the container from the raw file and removes it.

use crate::error::{Error, Result};
use crate::scenario::ScenarioOptions;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

/// Copy buffer for splitting.
const COPY_CHUNK_BYTES: usize = 1 << 20;

/// How the image is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One raw file, `NAME.raw`.
    Raw,
    /// Raw split into `NAME.001`, `NAME.002`, ... of `segment_size_bytes`.
    Split,
}

impl OutputFormat {
    /// `raw` or `split`.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Raw => "raw",
            OutputFormat::Split => "split",
        }
    }

    /// Parses `raw` or `split`.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "raw" => Ok(OutputFormat::Raw),
            "split" => Ok(OutputFormat::Split),
            other => Err(Error::InvalidOption(format!(
                "unknown format `{other}` (raw, split)"
            ))),
        }
    }
}

/// Converts the raw image at `raw_path` into the requested format; returns
/// the image file names in order.
pub fn convert(raw_path: &Path, name: &str, options: &ScenarioOptions) -> Result<Vec<String>> {
    match options.format {
        OutputFormat::Raw => Ok(vec![format!("{name}.raw")]),
        OutputFormat::Split => split(raw_path, name, options.segment_size_bytes),
    }
}

fn split(raw_path: &Path, name: &str, segment_size_bytes: u64) -> Result<Vec<String>> {
    if segment_size_bytes == 0 || !segment_size_bytes.is_multiple_of(512) {
        return Err(Error::InvalidOption(
            "segment size must be a positive multiple of 512".into(),
        ));
    }
    let dir = raw_path.parent().unwrap_or(Path::new("."));
    let mut input = File::open(raw_path).map_err(|e| Error::io(raw_path, e))?;
    let total = input.metadata().map_err(|e| Error::io(raw_path, e))?.len();
    let mut names = Vec::new();
    let mut buf = vec![0u8; COPY_CHUNK_BYTES];
    let mut done = 0u64;
    while done < total {
        let segment_name = format!("{name}.{:03}", names.len() + 1);
        let path = dir.join(&segment_name);
        let mut out = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let segment_len = segment_size_bytes.min(total - done);
        let mut written = 0u64;
        while written < segment_len {
            let n = (segment_len - written).min(buf.len() as u64) as usize;
            input
                .read_exact(&mut buf[..n])
                .map_err(|e| Error::io(raw_path, e))?;
            out.write_all(&buf[..n]).map_err(|e| Error::io(&path, e))?;
            written += n as u64;
        }
        done += segment_len;
        names.push(segment_name);
    }
    std::fs::remove_file(raw_path).map_err(|e| Error::io(raw_path, e))?;
    Ok(names)
}
