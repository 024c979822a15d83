//! Audit a directory tree against a hash list, like `hashdeep -a -k LIST`:
//! every file is hashed and classified as matched (same digests, same name),
//! moved (same digests, other name), partially matched (some digests agree,
//! others differ: a collision or a damaged list) or new; list entries that no
//! file matched are missing.
//!
//! Files are walked in sorted order and symbolic links are not followed, so
//! the output is the same on every run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::sets::{self, ListEntry};
use super::{Algorithm, AlgorithmSet, BLOCK_LEN_BYTES, Digests, HashOptions, NoSink, hash_source};
use crate::evidence::RawImage;

/// What the audit says about one file or list entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditStatus {
    /// Digests and name match a list entry.
    Matched,
    /// Digests match a list entry listed under another name.
    Moved,
    /// Some digests match an entry and others differ.
    PartiallyMatched,
    /// No list entry has any of the file's digests.
    New,
    /// A list entry that no file matched.
    Missing,
}

/// One line of the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// The classification.
    pub status: AuditStatus,
    /// The file found on disk (`None` for missing entries).
    pub path: Option<PathBuf>,
    /// The name in the list (for matched, moved, partially matched and missing).
    pub listed_name: Option<String>,
    /// The file's digests (for missing entries: the listed digests).
    pub digests: Digests,
    /// Size in bytes (of the file, or as listed).
    pub size: Option<u64>,
}

/// Counts of an audit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AuditSummary {
    /// Files whose digests and name match.
    pub matched: u64,
    /// Files that match an entry listed under another name.
    pub moved: u64,
    /// Files with some digests matching and others not.
    pub partially_matched: u64,
    /// Files not in the list.
    pub new: u64,
    /// List entries no file matched.
    pub missing: u64,
    /// Files that could not be read (reported to the sink).
    pub unreadable: u64,
}

impl AuditSummary {
    /// Whether the audit passed: every file matched and nothing is missing.
    pub fn passed(&self) -> bool {
        self.moved + self.partially_matched + self.new + self.missing + self.unreadable == 0
    }
}

/// Receives the audit as it goes.
pub trait AuditSink {
    /// One classified file or missing entry.
    fn record(&mut self, record: &AuditRecord);
    /// A file or directory that could not be read; the audit goes on.
    fn unreadable(&mut self, path: &Path, error: &dyn std::error::Error);
}

/// Errors that stop an audit.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The hash list could not be read.
    #[error(transparent)]
    List(#[from] sets::Error),
    /// The list holds no MD5, SHA-1 or SHA-256 digest we can compare.
    #[error("{} has no digest this tool computes", path.display())]
    NoUsableDigest {
        /// The list.
        path: PathBuf,
    },
    /// Hashing was cancelled.
    #[error("the audit was cancelled")]
    Cancelled,
}

/// The list, indexed by digest.
struct Index {
    entries: Vec<ListEntry>,
    by_digest: BTreeMap<(Algorithm, Vec<u8>), Vec<usize>>,
    seen: Vec<bool>,
}

/// Audits the files under `roots` against the hash list at `list`.
pub fn audit_tree(
    list: &Path,
    roots: &[PathBuf],
    threads: usize,
    sink: &mut dyn AuditSink,
    cancel: &AtomicBool,
) -> Result<AuditSummary, AuditError> {
    let mut entries = Vec::new();
    sets::read_list(list, Algorithm::Sha256, &mut |entry, _line| {
        entries.push(entry);
        Ok(())
    })?;
    let algorithms = entries.iter().fold(AlgorithmSet::EMPTY, |set, e| {
        e.digests.algorithms().iter().fold(set, AlgorithmSet::with)
    });
    if algorithms.is_empty() {
        return Err(AuditError::NoUsableDigest {
            path: list.to_path_buf(),
        });
    }
    let mut index = Index::new(entries);
    let options = HashOptions {
        algorithms,
        piecewise_len_bytes: None,
        threads,
    };
    let mut summary = AuditSummary::default();
    for root in roots {
        let mut files = Vec::new();
        collect_files(root, &mut files, sink, &mut summary);
        for path in files {
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(AuditError::Cancelled);
            }
            let image = match RawImage::open(&path) {
                Ok(image) => image,
                Err(err) => {
                    summary.unreadable += 1;
                    sink.unreadable(&path, &err);
                    continue;
                }
            };
            // Threads only pay off beyond a block; most files are small.
            let size = crate::evidence::EvidenceSource::len(&image);
            let options = if size <= BLOCK_LEN_BYTES as u64 {
                HashOptions {
                    threads: 1,
                    ..options
                }
            } else {
                options
            };
            let digests = match hash_source(&image, &options, &mut NoSink, cancel) {
                Ok(digests) => digests,
                Err(super::Error::Cancelled) => return Err(AuditError::Cancelled),
                Err(err) => {
                    summary.unreadable += 1;
                    sink.unreadable(&path, &err);
                    continue;
                }
            };
            let record = index.classify(root, path, digests, size);
            count(&mut summary, record.status);
            sink.record(&record);
        }
    }
    for record in index.missing() {
        count(&mut summary, record.status);
        sink.record(&record);
    }
    Ok(summary)
}

fn count(summary: &mut AuditSummary, status: AuditStatus) {
    match status {
        AuditStatus::Matched => summary.matched += 1,
        AuditStatus::Moved => summary.moved += 1,
        AuditStatus::PartiallyMatched => summary.partially_matched += 1,
        AuditStatus::New => summary.new += 1,
        AuditStatus::Missing => summary.missing += 1,
    }
}

impl Index {
    fn new(entries: Vec<ListEntry>) -> Self {
        let mut by_digest: BTreeMap<(Algorithm, Vec<u8>), Vec<usize>> = BTreeMap::new();
        for (i, entry) in entries.iter().enumerate() {
            for algorithm in entry.digests.algorithms().iter() {
                if let Some(bytes) = entry.digests.get(algorithm) {
                    by_digest
                        .entry((algorithm, bytes.to_vec()))
                        .or_default()
                        .push(i);
                }
            }
        }
        let seen = vec![false; entries.len()];
        Self {
            entries,
            by_digest,
            seen,
        }
    }

    /// Classifies one file and marks the entries it matches.
    fn classify(&mut self, root: &Path, path: PathBuf, digests: Digests, size: u64) -> AuditRecord {
        let mut candidates: Vec<usize> = digests
            .algorithms()
            .iter()
            .filter_map(|a| self.by_digest.get(&(a, digests.get(a)?.to_vec())))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let agrees = |entry: &ListEntry| {
            entry
                .digests
                .algorithms()
                .iter()
                .all(|a| entry.digests.get(a) == digests.get(a))
                && entry.size.is_none_or(|listed| listed == size)
        };
        let full: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| agrees(&self.entries[i]))
            .collect();
        let same_name = full.iter().copied().find(|&i| {
            self.entries[i]
                .name
                .as_deref()
                .is_some_and(|name| same_file_name(name, root, &path))
        });
        let (status, chosen) = match (same_name, full.first(), candidates.first()) {
            (Some(i), _, _) => (AuditStatus::Matched, Some(i)),
            (None, Some(&i), _) => (AuditStatus::Moved, Some(i)),
            (None, None, Some(&i)) => (AuditStatus::PartiallyMatched, Some(i)),
            (None, None, None) => (AuditStatus::New, None),
        };
        if status != AuditStatus::PartiallyMatched {
            for &i in &full {
                self.seen[i] = true;
            }
        }
        AuditRecord {
            status,
            path: Some(path),
            listed_name: chosen.and_then(|i| self.entries[i].name.clone()),
            digests,
            size: Some(size),
        }
    }

    /// The entries no file matched, in list order.
    fn missing(&self) -> impl Iterator<Item = AuditRecord> + '_ {
        self.entries
            .iter()
            .zip(&self.seen)
            .filter(|(_, seen)| !**seen)
            .map(|(entry, _)| AuditRecord {
                status: AuditStatus::Missing,
                path: None,
                listed_name: entry.name.clone(),
                digests: entry.digests,
                size: entry.size,
            })
    }
}

/// Whether the listed `name` is `path` (as walked, or relative to `root`).
fn same_file_name(name: &str, root: &Path, path: &Path) -> bool {
    let name = name.strip_prefix("./").unwrap_or(name);
    let walked = path.to_string_lossy();
    let walked = walked.strip_prefix("./").unwrap_or(&walked);
    if name == walked {
        return true;
    }
    path.strip_prefix(root)
        .is_ok_and(|rel| rel.to_string_lossy() == name)
}

/// Regular files under `root` (or `root` itself), sorted, links not followed.
fn collect_files(
    root: &Path,
    files: &mut Vec<PathBuf>,
    sink: &mut dyn AuditSink,
    summary: &mut AuditSummary,
) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        let metadata = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(err) => {
                summary.unreadable += 1;
                sink.unreadable(&path, &err);
                continue;
            }
        };
        if metadata.is_file() {
            files.push(path);
        } else if metadata.is_dir() {
            match std::fs::read_dir(&path).and_then(|rd| {
                rd.map(|e| e.map(|e| e.path()))
                    .collect::<Result<Vec<_>, _>>()
            }) {
                Ok(mut children) => {
                    children.sort();
                    stack.extend(children.into_iter().rev());
                }
                Err(err) => {
                    summary.unreadable += 1;
                    sink.unreadable(&path, &err);
                }
            }
        }
    }
}
