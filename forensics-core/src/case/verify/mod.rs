//! `verify_case`: re-walk the custody chain (hashes, links, sequence,
//! signatures), check the stored file rows against their batch entries,
//! re-hash every evidence item against its intake digests, and name the
//! first entry, rows or evidence that fail.
//!
//! Signature policy: once an examiner has registered a key, every later entry
//! of that examiner must be signed by it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use rusqlite::OpenFlags;
use serde::Serialize;
use serde_json::Value;

mod chain;
mod rows;
mod store;
use chain::ChainState;
use rows::{check_rows, check_stage_rows};
pub use store::{read_custody_log, verify_store, verify_store_chain};

use super::backend::{SqliteTx, StoreTx};
use super::crypt::{self, Passphrase};
use super::custody::CustodyEntry;
use super::{Error, Result};
use crate::evidence;
use crate::hash::{self, Algorithm, HashOptions, HashSink, NoSink};

/// What a failure is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "subject", rename_all = "snake_case")]
pub enum Subject {
    /// A custody entry.
    Entry {
        /// Its sequence number.
        seq: u64,
    },
    /// The chain head compared with the one expected.
    Head,
    /// File rows of one ingest batch.
    Rows {
        /// The custody entry that recorded the batch (0: rows of no batch).
        seq: u64,
    },
    /// An evidence item.
    Evidence {
        /// Its object id.
        object_id: i64,
        /// Its path.
        path: String,
    },
    /// The examiners table.
    Examiners,
}

/// One thing that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// What failed.
    #[serde(flatten)]
    pub subject: Subject,
    /// Why, as a sentence.
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.subject {
            Subject::Entry { seq } => write!(f, "custody entry {seq}: {}", self.message),
            Subject::Head => write!(f, "chain head: {}", self.message),
            Subject::Rows { seq } => write!(f, "file rows of entry {seq}: {}", self.message),
            Subject::Evidence { object_id, path } => {
                write!(f, "evidence {object_id} ({path}): {}", self.message)
            }
            Subject::Examiners => write!(f, "examiners: {}", self.message),
        }
    }
}

/// The outcome of [`verify_case`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Custody entries read.
    pub entries: u64,
    /// Of those, entries with a valid signature.
    pub signed_entries: u64,
    /// The hash of the last entry.
    pub head: Option<String>,
    /// Evidence items re-hashed.
    pub evidence_checked: u64,
    /// What does not hold, the first failure first (chain before rows
    /// before evidence).
    pub failures: Vec<Failure>,
}

impl VerifyReport {
    /// Whether everything holds.
    pub fn holds(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Verifies the case at `path`; with `expect_head`, also that the chain ends
/// in that hash (recorded elsewhere, e.g. in a report or a log export).
pub fn verify_case(path: &Path, expect_head: Option<&str>) -> Result<VerifyReport> {
    verify_case_with(path, expect_head, 0, &mut NoSink, &AtomicBool::new(false))
}

/// [`verify_case`] with hashing threads, progress and cancel.
pub fn verify_case_with(
    path: &Path,
    expect_head: Option<&str>,
    threads: usize,
    sink: &mut dyn HashSink,
    cancel: &AtomicBool,
) -> Result<VerifyReport> {
    let options = VerifyOptions {
        expect_head,
        threads,
        passphrase: None,
    };
    verify_case_opts(path, &options, sink, cancel)
}

/// What [`verify_case_opts`] checks beyond the case itself, and how.
#[derive(Debug, Default, Clone, Copy)]
pub struct VerifyOptions<'a> {
    /// The chain head recorded elsewhere that the chain must end in.
    pub expect_head: Option<&'a str>,
    /// Hashing threads (0 = one per core).
    pub threads: usize,
    /// The key of an encrypted case.
    pub passphrase: Option<&'a Passphrase>,
}

/// [`verify_case`] with all options, progress and cancel.
pub fn verify_case_opts(
    path: &Path,
    options: &VerifyOptions<'_>,
    sink: &mut dyn HashSink,
    cancel: &AtomicBool,
) -> Result<VerifyReport> {
    let VerifyOptions {
        expect_head,
        threads,
        passphrase,
    } = *options;
    if !path.is_file() {
        return Err(Error::NotFound(format!("case {}", path.display())));
    }
    if passphrase.is_none() && crypt::is_encrypted(path)? {
        return Err(crypt::passphrase_needed(path));
    }
    let conn = crypt::open_connection(path, OpenFlags::SQLITE_OPEN_READ_ONLY, passphrase)?;
    let snapshot = read_snapshot(&mut SqliteTx::new(&conn, path)).map_err(|e| Error::NotACase {
        path: path.to_path_buf(),
        what: e.to_string(),
    })?;
    drop(conn);
    Ok(check_snapshot(snapshot, expect_head, threads, sink, cancel))
}

/// What verification reads from a case, in one snapshot.
struct Snapshot {
    entries: Vec<CustodyEntry>,
    /// Key id → public key, from the examiners table.
    examiners: BTreeMap<String, String>,
    /// Failures of the stored rows against their custody records.
    row_failures: Vec<Failure>,
    /// Each evidence row: object id, path, and the four digests.
    evidence: Vec<(i64, String, Vec<String>)>,
}

/// Reads the custody log, the examiners and the evidence rows, and checks
/// the stored rows against the counts and digests the log records.
fn read_snapshot(tx: &mut dyn StoreTx) -> Result<Snapshot> {
    let entries = store::read_custody_log(tx)?;
    let mut examiners = BTreeMap::new();
    for row in tx.query(
        "SELECT key_id, public_key FROM examiners ORDER BY key_id",
        &[],
    )? {
        if let [key_id, public_key] = row.as_slice() {
            examiners.insert(
                key_id.as_text("key_id")?.to_string(),
                public_key.as_text("public_key")?.to_string(),
            );
        }
    }
    let mut row_failures = Vec::new();
    check_rows(tx, &entries, &mut row_failures)?;
    check_stage_rows(tx, &entries, &mut row_failures)?;
    let mut evidence = Vec::new();
    for row in tx.query(
        "SELECT object_id, path, md5, sha1, sha256, blake3 FROM evidence ORDER BY object_id",
        &[],
    )? {
        if let [id, path, digests @ ..] = row.as_slice() {
            let digests = digests
                .iter()
                .map(|d| d.as_text("evidence digest").map(str::to_string))
                .collect::<Result<Vec<_>>>()?;
            evidence.push((
                id.as_i64("evidence id")?,
                path.as_text("path")?.to_string(),
                digests,
            ));
        }
    }
    Ok(Snapshot {
        entries,
        examiners,
        row_failures,
        evidence,
    })
}

/// The checks on a snapshot: the chain (and its head), the examiners, the
/// rows, then each evidence item re-hashed.
fn check_snapshot(
    snapshot: Snapshot,
    expect_head: Option<&str>,
    threads: usize,
    sink: &mut dyn HashSink,
    cancel: &AtomicBool,
) -> VerifyReport {
    let mut failures = Vec::new();
    let mut chain = ChainState::default();
    let head = check_chain(&snapshot.entries, expect_head, &mut chain, &mut failures);
    failures.extend(examiners_failure(&snapshot.examiners, &chain));
    failures.extend(snapshot.row_failures);
    let evidence_checked = check_evidence(
        &snapshot.entries,
        &snapshot.evidence,
        threads,
        sink,
        cancel,
        &mut failures,
    );
    VerifyReport {
        entries: snapshot.entries.len() as u64,
        signed_entries: chain.signed,
        head,
        evidence_checked,
        failures,
    }
}

/// Walks `entries` with `chain`, stopping at the first entry that fails,
/// and compares the head with `expect_head`; returns the head.
fn check_chain(
    entries: &[CustodyEntry],
    expect_head: Option<&str>,
    chain: &mut ChainState,
    failures: &mut Vec<Failure>,
) -> Option<String> {
    for entry in entries {
        if let Err(message) = chain.check(entry) {
            failures.push(Failure {
                subject: Subject::Entry { seq: entry.seq },
                message,
            });
            break;
        }
    }
    let head = entries.last().map(|e| e.entry_hash.clone());
    if let Some(expected) = expect_head
        && head.as_deref() != Some(expected.trim())
    {
        failures.push(Failure {
            subject: Subject::Head,
            message: format!(
                "the chain ends in {}, not in the expected {}",
                head.as_deref().unwrap_or("(no entry)"),
                expected.trim()
            ),
        });
    }
    head
}

/// The failure when the examiners table (key id → public key) differs from
/// the keys registered in the chain.
fn examiners_failure(table: &BTreeMap<String, String>, chain: &ChainState) -> Option<Failure> {
    let chained: BTreeMap<String, String> = chain
        .keys
        .iter()
        .map(|(id, (key, _))| (id.clone(), key.clone()))
        .collect();
    (*table != chained).then(|| Failure {
        subject: Subject::Examiners,
        message: "the examiners table differs from the keys registered in the chain".into(),
    })
}

/// Re-hashes each evidence item registered in the chain and compares the
/// digests with the intake entry and the evidence table.
fn check_evidence(
    entries: &[CustodyEntry],
    evidence_rows: &[(i64, String, Vec<String>)],
    threads: usize,
    sink: &mut dyn HashSink,
    cancel: &AtomicBool,
    failures: &mut Vec<Failure>,
) -> u64 {
    let mut checked = 0u64;
    let mut registered = Vec::new();
    for entry in entries.iter().filter(|e| e.action == "add_evidence") {
        let details: Value = serde_json::from_str(&entry.details_json).unwrap_or(Value::Null);
        let object_id = details
            .get("evidence_id")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let path = details
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        registered.push(object_id);
        let fail = |message: String| Failure {
            subject: Subject::Evidence {
                object_id,
                path: path.clone(),
            },
            message,
        };
        let intake: Vec<(Algorithm, String)> = Algorithm::ALL
            .into_iter()
            .map(|a| {
                let hex = details.get(a.name()).and_then(Value::as_str).unwrap_or("");
                (a, hex.to_string())
            })
            .collect();
        let table = evidence_rows
            .iter()
            .find(|(id, row_path, _)| *id == object_id && *row_path == path)
            .map(|(_, _, digests)| digests);
        let intake_hex: Vec<String> = intake.iter().map(|(_, h)| h.clone()).collect();
        if table != Some(&intake_hex) {
            failures.push(fail(
                "the evidence table no longer holds the intake digests of the custody log".into(),
            ));
        }
        checked += 1;
        let opened = match evidence::open(Path::new(&path)) {
            Ok(opened) => opened,
            Err(error) => {
                failures.push(fail(format!("cannot be opened: {error}")));
                continue;
            }
        };
        let options = HashOptions {
            threads,
            ..HashOptions::default()
        };
        match hash::hash_source(opened.source.as_ref(), &options, sink, cancel) {
            Ok(now) => {
                for (algorithm, expected) in &intake {
                    let actual = now.hex(*algorithm).unwrap_or_default();
                    if actual != *expected {
                        failures.push(fail(format!(
                            "changed since intake: {algorithm} was {expected}, is now {actual}"
                        )));
                        break;
                    }
                }
            }
            Err(error) => failures.push(fail(format!("cannot be re-hashed: {error}"))),
        }
    }
    for (object_id, path, _) in evidence_rows {
        if !registered.contains(object_id) {
            failures.push(Failure {
                subject: Subject::Evidence {
                    object_id: *object_id,
                    path: path.clone(),
                },
                message: "no custody entry registers this evidence".into(),
            });
        }
    }
    checked
}
