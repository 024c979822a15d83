//! UTF-16LE text in a buffer: runs of `xx 00` code units with `xx` printable
//! ASCII, transcoded to one ASCII buffer with a map back to the source.

/// Shortest run of UTF-16LE characters kept (shorter ones hold no feature).
pub const MIN_RUN_CHARS: usize = 6;

/// One run: `len` characters at `text_start` in the transcoded buffer, from
/// byte `source_start` of the source buffer (2 bytes per character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    text_start: usize,
    source_start: usize,
    len: usize,
}

/// The UTF-16LE runs of a buffer as ASCII, separated by NUL bytes.
#[derive(Debug, Default)]
pub struct Transcoded {
    /// The characters of every run, a NUL after each.
    pub text: Vec<u8>,
    runs: Vec<Run>,
}

fn is_text(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\r' | b'\n')
}

impl Transcoded {
    /// Finds the runs in `source` (at either byte alignment).
    pub fn new(source: &[u8]) -> Self {
        let mut out = Transcoded::default();
        let mut i = 0;
        while i + 1 < source.len() {
            if !(source[i + 1] == 0 && is_text(source[i])) {
                i += 1;
                continue;
            }
            // A pair right after ASCII text is that text's last character and
            // its NUL terminator, not the first UTF-16 character.
            let after_ascii = i > 0 && is_text(source[i - 1]);
            let start = if after_ascii { i + 2 } else { i };
            let mut end = start;
            while end + 1 < source.len() && source[end + 1] == 0 && is_text(source[end]) {
                end += 2;
            }
            let len = end.saturating_sub(start) / 2;
            if len >= MIN_RUN_CHARS {
                out.runs.push(Run {
                    text_start: out.text.len(),
                    source_start: start,
                    len,
                });
                out.text.extend(source[start..end].iter().step_by(2));
                out.text.push(0);
            }
            i = end.max(i + 1);
        }
        out
    }

    /// Source offset of the character at `text_pos`, or `None` for a
    /// separator.
    pub fn source_offset(&self, text_pos: usize) -> Option<usize> {
        let index = self
            .runs
            .partition_point(|r| r.text_start <= text_pos)
            .checked_sub(1)?;
        let run = self.runs.get(index)?;
        let within = text_pos - run.text_start;
        (within < run.len).then(|| run.source_start + 2 * within)
    }

    /// The range in [`Self::text`] of the run holding `text_pos`.
    pub fn run_range(&self, text_pos: usize) -> Option<std::ops::Range<usize>> {
        let index = self
            .runs
            .partition_point(|r| r.text_start <= text_pos)
            .checked_sub(1)?;
        let run = self.runs.get(index)?;
        Some(run.text_start..run.text_start + run.len)
    }

    /// Whether no run was found.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_at_both_alignments_map_back() {
        let mut source = vec![0xffu8; 3];
        for c in b"hello world" {
            source.extend_from_slice(&[*c, 0]);
        }
        source.extend_from_slice(&[0x80, 0x80, 0x80]);
        let t = Transcoded::new(&source);
        assert_eq!(&t.text[..11], b"hello world");
        assert_eq!(t.source_offset(0), Some(3));
        assert_eq!(t.source_offset(4), Some(11));
        assert_eq!(t.source_offset(11), None);
    }

    #[test]
    fn the_last_character_of_an_ascii_string_is_not_taken() {
        let mut source = b"package".to_vec();
        source.push(0);
        for c in b"10.1.2.3" {
            source.extend_from_slice(&[*c, 0]);
        }
        let t = Transcoded::new(&source);
        assert_eq!(&t.text[..8], b"10.1.2.3");
        assert_eq!(t.source_offset(0), Some(8));
    }

    #[test]
    fn short_runs_are_skipped() {
        let t = Transcoded::new(b"a\0b\0c\0\xff\xff");
        assert!(t.is_empty());
    }
}
