//! Split raw images: `name.001`, `name.002`, … (or `.000`, …; or `name.aa`,
//! `name.ab`, …) read as one address space.

use std::path::{Path, PathBuf};

use super::raw::RawImage;
use super::{Error, EvidenceSource};

/// Most segments accepted; `split -a 3` would give 17 576 alphabetic ones.
const MAX_SEGMENTS: usize = 100_000;

/// Raw segments laid end to end.
#[derive(Debug)]
pub struct SplitRaw {
    /// Each segment with the media offset of its first byte, in order.
    segments: Vec<(u64, RawImage)>,
    len: u64,
}

impl SplitRaw {
    /// Opens the segments in order. Every segment but the last must have the
    /// size of the first; a missing or short one is an error that names it.
    pub fn open(paths: &[PathBuf]) -> Result<Self, Error> {
        let mut segments = Vec::with_capacity(paths.len());
        let mut media_offset = 0u64;
        let mut first_len = None;
        for (index, path) in paths.iter().enumerate() {
            let segment = RawImage::open(path).map_err(|e| match e {
                Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                    Error::Segment {
                        path: path.clone(),
                        what: "file not found".into(),
                    }
                }
                other => other,
            })?;
            let len = segment.len();
            let expected = *first_len.get_or_insert(len);
            let is_last = index + 1 == paths.len();
            if len == 0 || (!is_last && len != expected) {
                return Err(Error::Segment {
                    path: path.clone(),
                    what: format!("{len} bytes where the first segment has {expected}"),
                });
            }
            segments.push((media_offset, segment));
            media_offset += len;
        }
        Ok(Self {
            segments,
            len: media_offset,
        })
    }

    /// The segment files in order.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.segments
            .iter()
            .map(|(_, s)| s.path().to_path_buf())
            .collect()
    }
}

impl EvidenceSource for SplitRaw {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, image_offset: u64, buf: &mut [u8]) -> Result<usize, Error> {
        let mut done = 0usize;
        while done < buf.len() {
            let at = image_offset.saturating_add(done as u64);
            if at >= self.len {
                break;
            }
            let index = self.segments.partition_point(|(start, _)| *start <= at) - 1;
            let (start, segment) = &self.segments[index];
            let read = segment.read_at(at - start, &mut buf[done..])?;
            if read == 0 {
                break;
            }
            done += read;
        }
        Ok(done)
    }
}

/// The segment names of a split image whose first segment is `first`, in
/// order, or `None` when `first` is not the first segment of a split set
/// (`.000`/`.001`/`.aa` with a second segment beside it).
///
/// Fails when a segment is missing between the first and the last one found.
pub fn split_segment_paths(first: &Path) -> Result<Option<Vec<PathBuf>>, Error> {
    let Some(name) = first.file_name().and_then(|n| n.to_str()) else {
        return Ok(None);
    };
    let Some((stem, extension)) = name.rsplit_once('.') else {
        return Ok(None);
    };
    let Some(naming) = Naming::of_first(extension) else {
        return Ok(None);
    };
    let dir = first.parent().unwrap_or(Path::new("."));
    let segment_path = |index: usize| dir.join(format!("{stem}.{}", naming.extension(index)));
    if !segment_path(1).exists() {
        return Ok(None);
    }
    let last = highest_segment_index(dir, stem, naming)?;
    let paths: Vec<PathBuf> = (0..=last).map(segment_path).collect();
    if let Some(missing) = paths.iter().find(|p| !p.exists()) {
        return Err(Error::Segment {
            path: missing.clone(),
            what: "file not found between the first and the last segment".into(),
        });
    }
    Ok(Some(paths))
}

/// How segment extensions count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// `.000`, `.001`, … or `.001`, `.002`, … (`base` is the first number).
    Numeric { base: usize, width: usize },
    /// `.aa`, `.ab`, … (as `split` names them).
    Alphabetic { width: usize },
}

impl Naming {
    fn of_first(extension: &str) -> Option<Self> {
        let width = extension.len();
        if width >= 3 && extension.bytes().all(|b| b.is_ascii_digit()) {
            let base: usize = extension.parse().ok()?;
            return (base <= 1).then_some(Self::Numeric { base, width });
        }
        if width >= 2 && extension.bytes().all(|b| b == b'a') {
            return Some(Self::Alphabetic { width });
        }
        None
    }

    fn extension(self, index: usize) -> String {
        match self {
            Self::Numeric { base, width } => format!("{:0width$}", base + index),
            Self::Alphabetic { width } => {
                let mut letters = vec![b'a'; width];
                let mut rest = index;
                for letter in letters.iter_mut().rev() {
                    *letter = b'a' + (rest % 26) as u8;
                    rest /= 26;
                }
                String::from_utf8_lossy(&letters).into_owned()
            }
        }
    }

    fn index_of(self, extension: &str) -> Option<usize> {
        match self {
            Self::Numeric { base, width } => {
                if extension.len() != width || !extension.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                extension.parse::<usize>().ok()?.checked_sub(base)
            }
            Self::Alphabetic { width } => {
                if extension.len() != width || !extension.bytes().all(|b| b.is_ascii_lowercase()) {
                    return None;
                }
                Some(
                    extension
                        .bytes()
                        .fold(0usize, |acc, b| acc * 26 + usize::from(b - b'a')),
                )
            }
        }
    }
}

fn highest_segment_index(dir: &Path, stem: &str, naming: Naming) -> Result<usize, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let prefix = format!("{stem}.");
    let mut highest = 0usize;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        let Some(extension) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        if let Some(index) = naming.index_of(extension) {
            highest = highest.max(index);
        }
    }
    if highest >= MAX_SEGMENTS {
        return Err(Error::LimitExceeded {
            path: dir.join(format!("{stem}.{}", naming.extension(highest))),
            what: "segment number".into(),
            value: highest as u64,
            limit: MAX_SEGMENTS as u64,
        });
    }
    Ok(highest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_and_alphabetic_names_count_up() {
        let numeric = Naming::of_first("001").unwrap();
        assert_eq!(numeric.extension(0), "001");
        assert_eq!(numeric.extension(9), "010");
        assert_eq!(numeric.index_of("010"), Some(9));
        let zero_based = Naming::of_first("000").unwrap();
        assert_eq!(zero_based.extension(1), "001");
        let alpha = Naming::of_first("aa").unwrap();
        assert_eq!(alpha.extension(27), "bb");
        assert_eq!(alpha.index_of("bb"), Some(27));
        assert_eq!(Naming::of_first("002"), None);
        assert_eq!(Naming::of_first("raw"), None);
    }
}
