//! The physical-address view of a memory dump: the ranges a dump holds, placed
//! at their physical addresses, with the gaps between them reading as zeros.
//!
//! Both LiME and Windows crash dumps describe their content as runs of
//! physical memory stored one after the other in the file; this view is what
//! a memory analysis reads, while [`crate::evidence::Evidence::source`] stays
//! the dump file itself (the bytes that are hashed and verified).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::evidence::{Error, EvidenceSource, MemoryRange};

/// Physical memory as a dump file holds it: reads inside a run come from the
/// file, reads in a gap between runs (or after the last run, up to
/// [`EvidenceSource::len`]) return zeros.
#[derive(Clone)]
pub struct PhysicalView {
    /// The dump file.
    file: Arc<dyn EvidenceSource>,
    /// Runs sorted by physical address, not overlapping, each inside `file`.
    runs: Vec<MemoryRange>,
    /// Size of the physical address space in bytes.
    physical_size: u64,
    /// The dump file's path, for error messages.
    path: PathBuf,
}

impl PhysicalView {
    /// A view of `runs` of `file` over a physical address space of
    /// `physical_size` bytes.
    ///
    /// Runs of zero length are dropped; the rest are sorted by physical
    /// address. Fails, naming the file offset of the run, when a run does not
    /// lie inside the file, overlaps another run or ends past `physical_size`.
    pub fn new(
        file: Arc<dyn EvidenceSource>,
        mut runs: Vec<MemoryRange>,
        physical_size: u64,
        path: &Path,
    ) -> Result<Self, Error> {
        runs.retain(|run| run.len_bytes > 0);
        runs.sort_by_key(|run| run.physical_start);
        let mut previous_end = 0u64;
        for run in &runs {
            let file_end = run.file_offset.checked_add(run.len_bytes);
            if file_end.is_none_or(|end| end > file.len()) {
                return Err(Error::corrupt(
                    path,
                    run.file_offset,
                    format!(
                        "a run of {} bytes at this offset extends past the end of the file ({} bytes)",
                        run.len_bytes,
                        file.len()
                    ),
                ));
            }
            let physical_end = run.physical_start.checked_add(run.len_bytes);
            let Some(physical_end) = physical_end.filter(|end| *end <= physical_size) else {
                return Err(Error::corrupt(
                    path,
                    run.file_offset,
                    format!(
                        "the run for physical address {:#x} ends past the physical address space ({physical_size} bytes)",
                        run.physical_start
                    ),
                ));
            };
            if run.physical_start < previous_end {
                return Err(Error::corrupt(
                    path,
                    run.file_offset,
                    format!(
                        "the run for physical address {:#x} overlaps the previous run",
                        run.physical_start
                    ),
                ));
            }
            previous_end = physical_end;
        }
        Ok(Self {
            file,
            runs,
            physical_size,
            path: path.to_path_buf(),
        })
    }

    /// The runs, sorted by physical address.
    pub fn runs(&self) -> &[MemoryRange] {
        &self.runs
    }

    /// Index of the run holding `physical_address`, or of the first run after
    /// it (`Err`), as in a binary search.
    fn locate(&self, physical_address: u64) -> Result<usize, usize> {
        let after = self
            .runs
            .partition_point(|run| run.physical_start <= physical_address);
        let Some(index) = after.checked_sub(1) else {
            return Err(0);
        };
        match self.runs.get(index) {
            Some(run) if physical_address - run.physical_start < run.len_bytes => Ok(index),
            _ => Err(after),
        }
    }
}

impl std::fmt::Debug for PhysicalView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhysicalView")
            .field("path", &self.path)
            .field("runs", &self.runs.len())
            .field("physical_size", &self.physical_size)
            .finish()
    }
}

impl EvidenceSource for PhysicalView {
    fn len(&self) -> u64 {
        self.physical_size
    }

    fn read_at(&self, physical_address: u64, buf: &mut [u8]) -> Result<usize, Error> {
        let mut done = 0usize;
        while let Some(rest) = buf.get_mut(done..).filter(|rest| !rest.is_empty()) {
            let Some(at) = physical_address
                .checked_add(done as u64)
                .filter(|at| *at < self.physical_size)
            else {
                break;
            };
            let read = match self.locate(at) {
                Ok(index) => self.read_from_run(index, at, rest)?,
                Err(next) => {
                    let gap_end = self
                        .runs
                        .get(next)
                        .map_or(self.physical_size, |run| run.physical_start);
                    let gap = clamp_to_usize(gap_end - at).min(rest.len());
                    rest.get_mut(..gap).unwrap_or_default().fill(0);
                    gap
                }
            };
            done += read;
        }
        Ok(done)
    }

    fn damaged_ranges(&self) -> Vec<crate::Problem> {
        self.file.damaged_ranges()
    }
}

impl PhysicalView {
    /// Reads from run `index` at `physical_address` (inside the run) into
    /// `buf`, at most to the end of the run.
    fn read_from_run(
        &self,
        index: usize,
        physical_address: u64,
        buf: &mut [u8],
    ) -> Result<usize, Error> {
        let Some(run) = self.runs.get(index) else {
            return Ok(0);
        };
        let offset_in_run = physical_address - run.physical_start;
        let want = clamp_to_usize(run.len_bytes - offset_in_run).min(buf.len());
        let file_offset = run.file_offset + offset_in_run;
        let target = buf.get_mut(..want).unwrap_or_default();
        let read = self.file.read_at(file_offset, target)?;
        if read == 0 {
            // Runs were checked against the file size when the view was made;
            // a short read means the file shrank since.
            return Err(Error::truncated(
                &self.path,
                format!("the file ends before offset {file_offset}, inside a memory run"),
            ));
        }
        Ok(read)
    }
}

fn clamp_to_usize(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::MemorySource;

    fn run(physical_start: u64, len_bytes: u64, file_offset: u64) -> MemoryRange {
        MemoryRange {
            physical_start,
            len_bytes,
            file_offset,
        }
    }

    fn file() -> Arc<dyn EvidenceSource> {
        Arc::new(MemorySource::new((0u8..=99).collect()))
    }

    #[test]
    fn reads_across_runs_and_gaps_return_file_bytes_and_zeros() {
        let runs = vec![run(20, 10, 50), run(5, 5, 0)];
        let view = PhysicalView::new(file(), runs, 40, Path::new("t")).unwrap();
        assert_eq!(view.runs()[0].physical_start, 5);
        let mut buf = [0xAAu8; 50];
        assert_eq!(view.read_at(0, &mut buf).unwrap(), 40);
        let mut expected = [0u8; 40];
        expected[5..10].copy_from_slice(&[0, 1, 2, 3, 4]);
        for (i, b) in expected[20..30].iter_mut().enumerate() {
            *b = 50 + i as u8;
        }
        assert_eq!(&buf[..40], &expected);
        assert_eq!(view.read_at(40, &mut buf).unwrap(), 0);
        assert_eq!(view.read_at(u64::MAX, &mut buf).unwrap(), 0);
        let mut two = [0xAAu8; 2];
        assert_eq!(view.read_at(29, &mut two).unwrap(), 2);
        assert_eq!(two, [59, 0]);
    }

    #[test]
    fn overlapping_runs_and_runs_outside_the_file_are_refused() {
        let overlapping = vec![run(0, 10, 0), run(9, 10, 10)];
        assert!(PhysicalView::new(file(), overlapping, 100, Path::new("t")).is_err());
        let outside = vec![run(0, 10, 95)];
        assert!(PhysicalView::new(file(), outside, 100, Path::new("t")).is_err());
        let wrapping = vec![run(0, u64::MAX, 1)];
        assert!(PhysicalView::new(file(), wrapping, 100, Path::new("t")).is_err());
        let past_space = vec![run(95, 10, 0)];
        assert!(PhysicalView::new(file(), past_space, 100, Path::new("t")).is_err());
    }
}
