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
/// (`.000`/`.001`/`.aa` with at least one more segment beside it).
///
/// Fails, naming the first missing one, when a segment is missing between the
/// first and the last one found (including the second: `x.001` and `x.003`
/// without `x.002` is an incomplete set, not a raw image).
pub fn split_segment_paths(first: &Path) -> Result<Option<Vec<PathBuf>>, Error> {
    let Some(naming) = first
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(SegmentNaming::of_first_segment)
    else {
        return Ok(None);
    };
    // Segments sit beside the first one; a bare relative name has an empty
    // parent, which joins as is but is listed as ".".
    let dir = first.parent().unwrap_or(Path::new(""));
    let listing_dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let last = highest_segment_index(listing_dir, &naming)?;
    if last == 0 {
        return Ok(None);
    }
    let mut paths = Vec::with_capacity(last + 1);
    for index in 0..=last {
        // `last` came from a name in this naming, so every lower index has one.
        let Some(name) = naming.segment_name(index) else {
            return Ok(None);
        };
        let path = dir.join(name);
        if !path.exists() {
            return Err(Error::Segment {
                path,
                what: "file not found between the first and the last segment".into(),
            });
        }
        paths.push(path);
    }
    Ok(Some(paths))
}

/// How the segment files of a split set are named, learnt from the first
/// segment's file name: `stem.000`, `stem.001`, … (or from `stem.001`), or
/// `stem.aa`, `stem.ab`, … as `split` names them.
///
/// Pure: it looks at names only, never at the file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentNaming {
    /// The file name before the last `.`.
    stem: String,
    naming: Naming,
}

impl SegmentNaming {
    /// The naming of the set whose first segment is called `first_file_name`,
    /// or `None` when that is not a first-segment name.
    pub fn of_first_segment(first_file_name: &str) -> Option<Self> {
        let (stem, extension) = first_file_name.rsplit_once('.')?;
        let naming = Naming::of_first(extension)?;
        Some(Self {
            stem: stem.to_owned(),
            naming,
        })
    }

    /// File name of segment `index` (0 is the first), or `None` when the
    /// index does not fit in the extension's width (`.999` is the last
    /// three-digit segment, `.zz` the last two-letter one).
    pub fn segment_name(&self, index: usize) -> Option<String> {
        let extension = self.naming.extension(index)?;
        Some(format!("{}.{extension}", self.stem))
    }

    /// Index of the segment called `file_name` in this set, if it is one.
    pub fn segment_index(&self, file_name: &str) -> Option<usize> {
        let extension = file_name
            .strip_prefix(self.stem.as_str())?
            .strip_prefix('.')?;
        self.naming.index_of(extension)
    }
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
            let base = if extension.bytes().all(|b| b == b'0') {
                0
            } else if extension.strip_suffix('1')?.bytes().all(|b| b == b'0') {
                1
            } else {
                return None;
            };
            return Some(Self::Numeric { base, width });
        }
        if width >= 2 && extension.bytes().all(|b| b == b'a') {
            return Some(Self::Alphabetic { width });
        }
        None
    }

    fn extension(self, index: usize) -> Option<String> {
        match self {
            Self::Numeric { base, width } => {
                let number = base.checked_add(index)?;
                let text = format!("{number:0width$}");
                (text.len() == width).then_some(text)
            }
            Self::Alphabetic { width } => {
                let mut letters = vec![b'a'; width];
                let mut rest = index;
                for letter in letters.iter_mut().rev() {
                    *letter = b'a' + (rest % 26) as u8;
                    rest /= 26;
                }
                // Left over means the index needs more letters than `width`.
                (rest == 0).then(|| String::from_utf8_lossy(&letters).into_owned())
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
                extension.bytes().try_fold(0usize, |acc, b| {
                    acc.checked_mul(26)?.checked_add(usize::from(b - b'a'))
                })
            }
        }
    }
}

fn highest_segment_index(dir: &Path, naming: &SegmentNaming) -> Result<usize, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut highest = 0usize;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        if let Some(index) = name.to_str().and_then(|n| naming.segment_index(n)) {
            highest = highest.max(index);
        }
    }
    if highest >= MAX_SEGMENTS {
        return Err(Error::LimitExceeded {
            path: dir.join(naming.segment_name(highest).unwrap_or_default()),
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
        let numeric = SegmentNaming::of_first_segment("disk.001").unwrap();
        assert_eq!(numeric.segment_name(0).unwrap(), "disk.001");
        assert_eq!(numeric.segment_name(9).unwrap(), "disk.010");
        assert_eq!(numeric.segment_index("disk.010"), Some(9));
        assert_eq!(numeric.segment_name(998).unwrap(), "disk.999");
        assert_eq!(numeric.segment_name(999), None);
        let zero_based = SegmentNaming::of_first_segment("disk.000").unwrap();
        assert_eq!(zero_based.segment_name(1).unwrap(), "disk.001");
        let alpha = SegmentNaming::of_first_segment("x.aa").unwrap();
        assert_eq!(alpha.segment_name(27).unwrap(), "x.bb");
        assert_eq!(alpha.segment_index("x.bb"), Some(27));
        assert_eq!(alpha.segment_name(26 * 26), None);
        assert_eq!(alpha.segment_index("y.bb"), None);
        assert_eq!(SegmentNaming::of_first_segment("disk.002"), None);
        assert_eq!(SegmentNaming::of_first_segment("disk.raw"), None);
        assert_eq!(SegmentNaming::of_first_segment("disk"), None);
    }

    #[test]
    fn very_long_extensions_do_not_overflow() {
        let alpha = SegmentNaming::of_first_segment(&format!("x.{}", "a".repeat(40))).unwrap();
        assert_eq!(alpha.segment_index(&format!("x.{}", "z".repeat(40))), None);
        let numeric = SegmentNaming::of_first_segment(&format!("x.{}1", "0".repeat(40))).unwrap();
        assert_eq!(
            numeric.segment_index(&format!("x.{}", "9".repeat(41))),
            None
        );
        assert_eq!(
            numeric.segment_name(1).unwrap(),
            format!("x.{}2", "0".repeat(40))
        );
    }
}
