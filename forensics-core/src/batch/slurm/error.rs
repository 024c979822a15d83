//! What could not be generated or submitted.

use std::path::PathBuf;

use super::MAX_ARRAY_CHUNKS;

/// What could not be generated or submitted.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest has no units: there is nothing to submit.
    #[error("the manifest has no units: nothing to submit")]
    NoUnits,
    /// `MaxArraySize` of 0 allows no array task at all.
    #[error("MaxArraySize must be at least 1 (got 0)")]
    ZeroMaxArraySize,
    /// The units would need more array chunks than [`MAX_ARRAY_CHUNKS`].
    #[error(
        "{unit_count} units need {chunks} job arrays of at most {max_array_size} tasks; at most {MAX_ARRAY_CHUNKS} are generated"
    )]
    TooManyChunks {
        /// Units in the manifest.
        unit_count: u64,
        /// Tasks per array.
        max_array_size: u64,
        /// Arrays that would be needed.
        chunks: u64,
    },
    /// A path is not UTF-8 and cannot be written into a script.
    #[error("the {what} path {path:?} is not UTF-8 text")]
    NotUtf8 {
        /// Which path.
        what: &'static str,
        /// The path.
        path: PathBuf,
    },
    /// A value holds a line break, which an `#SBATCH` line cannot carry.
    #[error("the {what} {text:?} contains a line break")]
    LineBreak {
        /// Which value.
        what: &'static str,
        /// The value.
        text: String,
    },
    /// A log directory holds a backslash, which switches off Slurm's
    /// file-name patterns (`%A`, `%a`, `%j`).
    #[error("the {what} {path:?} contains a backslash, which Slurm output names cannot hold")]
    Backslash {
        /// Which path.
        what: &'static str,
        /// The path.
        path: PathBuf,
    },
    /// A job name outside `A-Z a-z 0-9 . _ -` (it becomes part of file names).
    #[error("job name {0:?} must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'")]
    JobName(String),
    /// Writing a script or creating a directory failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `sbatch` could not be started.
    #[error("cannot run {program}: {source}")]
    SbatchStart {
        /// The program run.
        program: String,
        /// The cause.
        source: std::io::Error,
    },
    /// `sbatch` refused a script (jobs submitted before it stay queued).
    #[error("sbatch refused {}: {status}: {stderr} (already submitted: [{already_submitted}])", script.display())]
    SbatchFailed {
        /// The script submitted.
        script: PathBuf,
        /// Its exit status.
        status: String,
        /// What it printed on standard error.
        stderr: String,
        /// Job ids submitted before it, space-separated (cancel them with
        /// `scancel` or let them finish).
        already_submitted: String,
    },
    /// `sbatch --parsable` printed something that is not a job id.
    #[error("sbatch printed {stdout:?} for {}, not a job id", script.display())]
    SbatchOutput {
        /// The script submitted.
        script: PathBuf,
        /// What it printed.
        stdout: String,
    },
}
