//! Running a unit: a worker ingests its share of the evidence into a fresh
//! shard (a case file of its own, `<unit_id>.<pid>.tmp`, renamed
//! `<unit_id>.shard` when complete), then writes the `<unit_id>.done`
//! record. It reads the
//! evidence read-only and never opens the case.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::unit::{Scope, Unit};
use super::{Error, Result};
use crate::case::ingest::{self, IngestOptions, IngestScope, NoProgress};
use crate::case::{Case, CaseInfo, Session};

/// The record a worker leaves when its unit's shard is complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoneRecord {
    /// The unit.
    pub unit_id: String,
    /// SHA-256 (hex) of the shard file.
    pub shard_sha256: String,
    /// Size of the shard file in bytes.
    pub shard_bytes: u64,
    /// Version of the tool that ran the unit.
    pub tool: String,
    /// Host the unit ran on.
    pub host: String,
    /// Examiner (or service account) the worker ran as.
    pub examiner: String,
    /// When the worker started, RFC 3339 UTC.
    pub started_utc: String,
    /// When the shard was complete, RFC 3339 UTC.
    pub finished_utc: String,
}

/// Where a unit's files are in a results folder.
#[derive(Debug, Clone)]
pub struct UnitFiles {
    /// The shard being written by this process (`<unit_id>.<pid>.tmp`: a
    /// unit that a scheduler starts twice gets two shards, and whichever
    /// done record matches the final shard counts).
    pub tmp: PathBuf,
    /// The complete shard.
    pub shard: PathBuf,
    /// The done record.
    pub done: PathBuf,
}

impl UnitFiles {
    /// The files of `unit_id` in `results`.
    pub fn new(results: &Path, unit_id: &str) -> Self {
        Self {
            tmp: results.join(format!("{unit_id}.{}.tmp", std::process::id())),
            shard: results.join(format!("{unit_id}.shard")),
            done: results.join(format!("{unit_id}.done")),
        }
    }
}

/// What running one unit did.
#[derive(Debug, Clone, Serialize)]
pub struct RunOutcome {
    /// The done record (read back when the unit was done already).
    pub done: DoneRecord,
    /// The unit had been done before; nothing was run.
    pub already_done: bool,
}

/// Runs `unit` into `results` unless its done record is there with a shard
/// of the recorded digest. A shard left by a killed worker is discarded and
/// the unit runs again from the start.
pub fn run_unit(
    unit: &Unit,
    results: &Path,
    session: Session,
    threads: usize,
    cancel: &AtomicBool,
) -> Result<RunOutcome> {
    let files = UnitFiles::new(results, &unit.unit_id);
    if let Some(done) = read_done(&files)? {
        return Ok(RunOutcome {
            done,
            already_done: true,
        });
    }
    std::fs::create_dir_all(results).map_err(io(results))?;
    // A done record that does not match the shard is stale; the shard is
    // replaced by the rename below.
    for stale in [&files.tmp, &files.done] {
        remove_with_sidecars(stale)?;
    }
    let host = session.host.clone();
    let examiner = session.examiner.clone();
    let started_utc = session.clock.now().to_rfc3339();
    let info = CaseInfo {
        case_number: unit.unit_id.clone(),
        title: format!(
            "batch shard {} of {}",
            unit.scope,
            unit.evidence_path.display()
        ),
        examiner: examiner.clone(),
    };
    let mut shard = Case::create(&files.tmp, &info, session)?;
    let options = ingest_options(unit, threads)?;
    let summary = ingest::add_evidence(
        &mut shard,
        std::slice::from_ref(&unit.evidence_path),
        &options,
        &mut NoProgress,
        cancel,
    )?;
    if let Some(error) = summary.evidence.iter().find_map(|e| e.error.clone()) {
        return Err(Error::Unit {
            unit_id: unit.unit_id.clone(),
            what: error,
        });
    }
    let finished_utc = shard
        .session()
        .map(|session| session.clock.now().to_rfc3339())
        .unwrap_or_default();
    drop(shard);
    sync_file(&files.tmp)?;
    std::fs::rename(&files.tmp, &files.shard).map_err(io(&files.shard))?;
    let (shard_sha256, shard_bytes) = file_sha256(&files.shard)?;
    let done = DoneRecord {
        unit_id: unit.unit_id.clone(),
        shard_sha256,
        shard_bytes,
        tool: crate::TOOL_VERSION.to_string(),
        host,
        examiner,
        started_utc,
        finished_utc,
    };
    write_atomically(
        &files.done,
        serde_json::to_string(&done).unwrap_or_default().as_bytes(),
    )?;
    Ok(RunOutcome {
        done,
        already_done: false,
    })
}

/// The ingest options of a unit's share.
fn ingest_options(unit: &Unit, threads: usize) -> Result<IngestOptions> {
    let page_bytes = usize::try_from(unit.stages.scan_page_bytes)
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| Error::Unit {
            unit_id: unit.unit_id.clone(),
            what: "scan page size out of range".into(),
        })?;
    let scope = match unit.scope {
        Scope::Whole => IngestScope::Whole,
        Scope::Volume { image_offset, .. } => IngestScope::Volume { image_offset },
        Scope::Carve => IngestScope::Carve,
        Scope::Range { start, end } => IngestScope::ScanRange { start, end },
    };
    Ok(IngestOptions {
        threads,
        carve: unit.stages.carve.then(crate::carve::CarveOptions::default),
        scan: unit.stages.scan.then(|| crate::scan::ScanOptions {
            page_bytes,
            threads,
            ..crate::scan::ScanOptions::default()
        }),
        scope,
        intake: Some(unit.intake.clone()),
        ..IngestOptions::default()
    })
}

/// The unit's done record, if it is there and its shard has the recorded
/// digest; `None` otherwise (the unit is to be run).
pub fn read_done(files: &UnitFiles) -> Result<Option<DoneRecord>> {
    let Ok(text) = std::fs::read_to_string(&files.done) else {
        return Ok(None);
    };
    let Ok(done) = serde_json::from_str::<DoneRecord>(&text) else {
        return Ok(None);
    };
    if !files.shard.exists() {
        return Ok(None);
    }
    let (sha256, _) = file_sha256(&files.shard)?;
    Ok((sha256 == done.shard_sha256).then_some(done))
}

/// SHA-256 (hex) and length of a file.
pub(crate) fn file_sha256(path: &Path) -> Result<(String, u64)> {
    let mut file = std::fs::File::open(path).map_err(io(path))?;
    let mut hasher = Sha256::new();
    let len_bytes = std::io::copy(&mut file, &mut hasher).map_err(io(path))?;
    Ok((crate::hash::to_hex(&hasher.finalize()), len_bytes))
}

/// Removes a case file and its SQLite sidecars (`-wal`, `-shm`, `-journal`).
fn remove_with_sidecars(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let target = PathBuf::from(name);
        match std::fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(Error::Io {
                    path: target,
                    source,
                });
            }
        }
    }
    Ok(())
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|file| file.sync_all())
        .map_err(io(path))
}

/// Writes `bytes` to `path` through a temporary file and a rename, so that
/// `path` is either absent or complete.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".part");
    let tmp = PathBuf::from(tmp_name);
    let mut file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}
