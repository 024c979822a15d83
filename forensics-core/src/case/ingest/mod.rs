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
pub(crate) use rows::{file_rows_digest, stage_rows_digest};
pub(crate) use stages::{file_at, file_runs_of};
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
    /// Which part of each evidence item to ingest: all of it, or one batch
    /// work unit's share ([`crate::batch`]).
    pub scope: IngestScope,
    /// The intake digests when they are known already (a batch plan hashed
    /// the evidence): the evidence is then not hashed again, only its size
    /// is checked.
    pub intake: Option<IntakeDigests>,
}

/// Which part of each evidence item an ingest covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IngestScope {
    /// Everything: the walk of every volume, then the stages asked for.
    #[default]
    Whole,
    /// Only the file-system walk of the volume at `image_offset`.
    Volume {
        /// Where the volume starts on the media.
        image_offset: u64,
    },
    /// Only the carve stage, over all the space no file system uses (gap
    /// carving needs all of it at once).
    Carve,
    /// Only the scan stage, for the scanner pages that start in
    /// `[start, end)` (both multiples of the page size, or `end` the media
    /// size): a feature belongs to the page holding its first byte, so the
    /// ranges of a partition of the media give the features of one scan.
    ScanRange {
        /// First byte of the range.
        start: u64,
        /// One past its last byte.
        end: u64,
    },
}

/// Intake digests (lowercase hex) and size of an evidence item: hashed on
/// intake, or as a batch plan recorded them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct IntakeDigests {
    /// Bytes of the media.
    pub media_size: u64,
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// SHA-256.
    pub sha256: String,
    /// BLAKE3.
    pub blake3: String,
}

impl IntakeDigests {
    /// Hashes `evidence` with all four algorithms in one read (`threads`:
    /// 0 = one per core), reporting progress to `sink`.
    pub fn hash(
        evidence: &crate::evidence::Evidence,
        threads: usize,
        sink: &mut dyn crate::hash::HashSink,
        cancel: &AtomicBool,
    ) -> Result<Self> {
        use crate::hash::{self, Algorithm};
        let options = hash::HashOptions {
            threads,
            ..hash::HashOptions::default()
        };
        let digests = hash::hash_source(evidence.source.as_ref(), &options, sink, cancel).map_err(
            |e| match e {
                hash::Error::Cancelled => Error::Cancelled,
                other => Error::Hash(other),
            },
        )?;
        let hex = |algorithm| digests.hex(algorithm).unwrap_or_default();
        Ok(Self {
            media_size: evidence.source.len(),
            md5: hex(Algorithm::Md5),
            sha1: hex(Algorithm::Sha1),
            sha256: hex(Algorithm::Sha256),
            blake3: hex(Algorithm::Blake3),
        })
    }
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
    if options.scope != IngestScope::Whole {
        return ingest_share(case, registered, &absolute, options, progress, cancel);
    }
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

/// One batch work unit's share of an evidence item (a fresh shard case):
/// the layout, then either one volume's walk or one stage.
fn ingest_share(
    case: &mut Case,
    registered: register::Registered,
    absolute: &Path,
    options: &IngestOptions,
    progress: &mut dyn IngestProgress,
    cancel: &AtomicBool,
) -> Result<EvidenceSummary> {
    let evidence = match registered.evidence {
        Some(evidence) => evidence,
        None => crate::evidence::open(absolute)?,
    };
    let evidence_id = registered.object_id;
    register::start(case, evidence_id, &evidence, registered.resumed)?;
    let mut files_added = 0;
    match options.scope {
        IngestScope::Volume { image_offset } => {
            let volumes = volume::pending_volumes(case, evidence_id)?;
            for pending in volumes.iter().filter(|v| v.image_offset == image_offset) {
                files_added += volume::ingest_volume(
                    case,
                    &evidence.source,
                    pending,
                    options,
                    progress,
                    cancel,
                )?;
            }
        }
        IngestScope::Carve | IngestScope::ScanRange { .. } => {
            stages::run(case, evidence_id, &evidence.source, options, cancel)?;
        }
        IngestScope::Whole => {}
    }
    register::summary(
        case,
        evidence_id,
        absolute,
        false,
        registered.resumed,
        files_added,
    )
}
