//! Ingest: register evidence (all four digests on intake), then one walk of
//! partitions → file systems → every entry (allocated and deleted), each
//! hashed, matched against hash sets and stored in batched transactions.
//!
//! Resumable: every transaction leaves a consistent case, and running the
//! same ingest again picks up where the last committed batch ended. The
//! markers are `evidence.layout_done`, `volumes.done`,
//! `file_systems.entries_done` (the walk position, entries are numbered in
//! the file system's deterministic walk order) and `file_systems.done`.
//! Every transaction carries its custody entry.

mod register;
mod rows;
mod stages;
pub(crate) use rows::batch_digest as rows_digest;
pub(crate) use rows::stage_digest;
mod volume;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::{Case, Error, Result};
use crate::hash::sets::DigestSet;

/// Files stored per transaction when the options say 0.
pub const DEFAULT_BATCH_FILES: usize = 1000;

/// What an ingest does besides the file-system walk.
#[derive(Debug, Default)]
pub struct IngestOptions {
    /// Hash sets every file's digests are looked up in.
    pub hash_sets: Vec<DigestSet>,
    /// Files per transaction (0 = [`DEFAULT_BATCH_FILES`]).
    pub batch_files: usize,
    /// Hashing threads for the evidence and large files (0 = one per core).
    pub threads: usize,
    /// Carve the space no file system uses (after the walk), storing the
    /// carved files as objects; `None` = no carving.
    pub carve: Option<crate::carve::CarveOptions>,
    /// Scan the media for features (after the walk), linking each to the
    /// file that holds it; `None` = no scan.
    pub scan: Option<crate::scan::ScanOptions>,
    /// Opens the file system of a volume; `None` = [`crate::fs::open`].
    /// A plug point for file-system readers outside this crate (and tests).
    pub file_system_opener: Option<FsOpener>,
}

/// A function that opens the file system at the start of a volume.
pub type FsOpener = fn(
    std::sync::Arc<dyn crate::evidence::EvidenceSource>,
) -> Result<Box<dyn crate::fs::FileSystem>, crate::fs::Error>;

/// Receives progress; every method has a do-nothing default.
pub trait IngestProgress {
    /// Work on evidence item `index` (from 0) of `count` starts.
    fn evidence_started(&mut self, path: &Path, index: usize, count: usize) {
        let _ = (path, index, count);
    }

    /// `bytes_done` of `bytes_total` of the evidence are hashed (intake).
    fn intake_hashed(&mut self, bytes_done: u64, bytes_total: u64) {
        let _ = (bytes_done, bytes_total);
    }

    /// `files_stored` entries of the current evidence are stored so far.
    fn files_stored(&mut self, files_stored: u64) {
        let _ = files_stored;
    }
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl IngestProgress for NoProgress {}

/// What happened to one evidence item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceSummary {
    /// The evidence object id.
    pub object_id: i64,
    /// The evidence path as recorded (absolute).
    pub path: PathBuf,
    /// It had been ingested completely before; nothing was done.
    pub already_done: bool,
    /// An earlier, interrupted ingest was resumed.
    pub resumed: bool,
    /// Volumes of the evidence in the case.
    pub volumes: u64,
    /// File systems of the evidence in the case.
    pub file_systems: u64,
    /// Files of the evidence in the case.
    pub files: u64,
    /// Files stored by this call.
    pub files_added: u64,
    /// Problems recorded for the evidence and its objects.
    pub problems: u64,
    /// Carved files of the evidence in the case.
    pub carved_files: u64,
    /// Features of the evidence in the case.
    pub features: u64,
    /// Why the item could not be added or ingested (nothing of it changed
    /// after the last committed transaction); `None` when it was.
    pub error: Option<String>,
}

impl EvidenceSummary {
    /// The summary of an item that failed with `error`.
    fn failed(path: &Path, error: &Error) -> Self {
        Self {
            object_id: 0,
            path: path.to_path_buf(),
            already_done: false,
            resumed: false,
            volumes: 0,
            file_systems: 0,
            files: 0,
            files_added: 0,
            problems: 0,
            carved_files: 0,
            features: 0,
            error: Some(error.to_string()),
        }
    }
}

/// What [`add_evidence`] did, one summary per evidence item, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngestSummary {
    /// Per evidence item.
    pub evidence: Vec<EvidenceSummary>,
}

/// Adds each evidence item in `paths` to `case` and ingests it, or resumes
/// an interrupted ingest of it. An item already ingested is left as it is.
pub fn add_evidence(
    case: &mut Case,
    paths: &[PathBuf],
    options: &IngestOptions,
    progress: &mut dyn IngestProgress,
    cancel: &AtomicBool,
) -> Result<IngestSummary> {
    if case.session.is_none() {
        return Err(Error::NoSession);
    }
    let mut summaries = Vec::with_capacity(paths.len());
    for (index, path) in paths.iter().enumerate() {
        progress.evidence_started(path, index, paths.len());
        match ingest_one(case, path, options, progress, cancel) {
            Ok(summary) => summaries.push(summary),
            // An item that cannot be opened or read is reported and the
            // others go on; a failing case database or a cancel stops all.
            Err(
                error
                @ (Error::Evidence(_) | Error::Hash(_) | Error::Io { .. } | Error::Invalid(_)),
            ) => {
                summaries.push(EvidenceSummary::failed(path, &error));
            }
            Err(other) => return Err(other),
        }
    }
    Ok(IngestSummary {
        evidence: summaries,
    })
}

/// Registers (or finds) one evidence item and runs the walk to its end.
fn ingest_one(
    case: &mut Case,
    path: &Path,
    options: &IngestOptions,
    progress: &mut dyn IngestProgress,
    cancel: &AtomicBool,
) -> Result<EvidenceSummary> {
    let absolute = std::fs::canonicalize(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let registered = register::register(case, &absolute, options, progress, cancel)?;
    let mut files_added = 0u64;
    if !registered.already_done {
        let evidence = registered
            .evidence
            .as_ref()
            .ok_or_else(|| Error::Invalid("evidence was not opened".into()))?;
        register::start(case, registered.object_id, evidence, registered.resumed)?;
        let volumes = volume::pending_volumes(case, registered.object_id)?;
        for pending in volumes {
            files_added +=
                volume::ingest_volume(case, &evidence.source, &pending, options, progress, cancel)?;
        }
        register::finish(case, registered.object_id)?;
    }
    if options.carve.is_some() || options.scan.is_some() {
        let evidence = match registered.evidence {
            Some(evidence) => evidence,
            None => crate::evidence::open(&absolute)?,
        };
        stages::run(
            case,
            registered.object_id,
            &evidence.source,
            options,
            cancel,
        )?;
    }
    register::summary(
        case,
        registered.object_id,
        &absolute,
        registered.already_done,
        registered.resumed,
        files_added,
    )
}
