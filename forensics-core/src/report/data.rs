//! [`ReportData`]: everything a report or an exchange document shows,
//! read from the case once, in sorted order. Documents are pure functions of
//! it, so the same case gives the same bytes.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::case::backend::{CaseStore, StoreTx};
use crate::case::verify::{Subject, VerifyReport, read_custody_log};
use crate::case::{
    CarvedRow, Case, CustodyEntry, EvidenceRow, FeatureCount, FileSystemRow, NoteRow, ProblemRow,
    ReportFile, TagRow, VolumeRow,
};
use crate::hash::to_hex;

/// What goes into a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions {
    /// Only tagged files (evidence, volumes and file systems are always listed).
    pub tagged_only: bool,
}

/// The outcome of verifying the case, as a report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Whether everything checked holds.
    pub holds: bool,
    /// Custody entries walked.
    pub entries: u64,
    /// Entries with a valid signature.
    pub signed_entries: u64,
    /// Evidence items re-hashed and compared with their intake digests.
    pub evidence_rehashed: u64,
    /// The chain head the verification ended in.
    pub head: Option<String>,
    /// What failed, as sentences.
    pub failures: Vec<String>,
    /// Object ids of evidence items whose check failed.
    pub failed_evidence: Vec<i64>,
}

impl From<&VerifyReport> for Verification {
    fn from(report: &VerifyReport) -> Self {
        Self {
            holds: report.holds(),
            entries: report.entries,
            signed_entries: report.signed_entries,
            evidence_rehashed: report.evidence_checked,
            head: report.head.clone(),
            failures: report.failures.iter().map(ToString::to_string).collect(),
            failed_evidence: report
                .failures
                .iter()
                .filter_map(|f| match &f.subject {
                    Subject::Evidence { object_id, .. } => Some(*object_id),
                    _ => None,
                })
                .collect(),
        }
    }
}

/// The case, read for a report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    /// Case number.
    pub case_number: String,
    /// Title.
    pub title: String,
    /// When the case was created (RFC 3339 UTC).
    pub created_utc: String,
    /// Who created it.
    pub created_by: String,
    /// Everyone who acted on the case (custody log), sorted.
    pub examiners: Vec<String>,
    /// Registered signing keys: (examiner, key id).
    pub examiner_keys: Vec<(String, String)>,
    /// Evidence items by object id.
    pub evidence: Vec<EvidenceRow>,
    /// Volumes by evidence and offset.
    pub volumes: Vec<VolumeRow>,
    /// File systems by volume.
    pub file_systems: Vec<FileSystemRow>,
    /// Files (only tagged ones with [`ReportOptions::tagged_only`]).
    pub files: Vec<ReportFile>,
    /// Tags on any object.
    pub tags: Vec<TagRow>,
    /// Notes and bookmarks.
    pub notes: Vec<NoteRow>,
    /// Problems recorded while reading the evidence.
    pub problems: Vec<ProblemRow>,
    /// Files carved from the space no file system uses.
    pub carved: Vec<CarvedRow>,
    /// The most frequent values of each feature kind.
    pub feature_histogram: Vec<FeatureCount>,
    /// The custody log.
    pub custody: Vec<CustodyEntry>,
    /// Hash of the last custody entry.
    pub chain_head: Option<String>,
    /// Verification result, when the caller verified the case.
    pub verification: Option<Verification>,
    /// Whether only tagged files are included.
    pub tagged_only: bool,
}

/// Values listed per feature kind in reports.
pub const MAX_HISTOGRAM_VALUES: usize = 25;

impl ReportData {
    /// Reads the SQLite case `case` ([`ReportData::read`]).
    pub fn load(
        case: &Case,
        options: ReportOptions,
        verification: Option<&VerifyReport>,
    ) -> crate::case::Result<Self> {
        Self::read(&mut case.reader(), options, verification)
    }

    /// Reads the case in `store` (SQLite or PostgreSQL) in one read
    /// transaction, so the report shows one consistent snapshot.
    pub fn load_store(
        store: &mut dyn CaseStore,
        options: ReportOptions,
        verification: Option<&VerifyReport>,
    ) -> crate::case::Result<Self> {
        crate::case::query::read_with(store, |tx| Self::read(tx, options, verification))
    }

    /// Reads the case `tx` sees. `verification` is the result of
    /// [`crate::case::verify::verify_case`] run by the caller, if any.
    pub fn read(
        tx: &mut dyn StoreTx,
        options: ReportOptions,
        verification: Option<&VerifyReport>,
    ) -> crate::case::Result<Self> {
        use crate::case::{query, report_files, report_query, stage_query};
        let (info, created_utc) = query::info(tx)?;
        let custody = read_custody_log(tx)?;
        let examiners: BTreeSet<String> = custody.iter().map(|e| e.examiner.clone()).collect();
        Ok(Self {
            case_number: info.case_number,
            title: info.title,
            created_utc,
            created_by: info.examiner,
            examiners: examiners.into_iter().collect(),
            examiner_keys: report_query::examiner_keys(tx)?,
            evidence: report_query::evidence_items(tx)?,
            volumes: report_query::volumes(tx)?,
            file_systems: report_query::file_systems(tx)?,
            files: report_files::report_files(tx, options.tagged_only)?,
            tags: report_query::all_tags(tx)?,
            notes: query::notes(tx)?,
            problems: query::problems(tx)?,
            carved: stage_query::carved_files(tx)?,
            feature_histogram: stage_query::feature_histogram(tx, MAX_HISTOGRAM_VALUES)?,
            chain_head: custody.last().map(|e| e.entry_hash.clone()),
            custody,
            verification: verification.map(Verification::from),
            tagged_only: options.tagged_only,
        })
    }

    /// A stable identifier of the case (BLAKE3 of its number, creation time
    /// and creator): the root of every deterministic id in exports.
    pub fn case_key(&self) -> String {
        let mut hasher = blake3::Hasher::new();
        for field in [&self.case_number, &self.created_utc, &self.created_by] {
            hasher.update(&(field.len() as u64).to_le_bytes());
            hasher.update(field.as_bytes());
        }
        to_hex(hasher.finalize().as_bytes())
    }

    /// The time the case was last changed (last custody entry), which
    /// documents show as their "as of" time instead of the wall clock.
    pub fn as_of_utc(&self) -> &str {
        self.custody
            .last()
            .map_or(self.created_utc.as_str(), |e| e.at_utc.as_str())
    }

    /// The evidence item `id`.
    pub fn evidence_by_id(&self, id: i64) -> Option<&EvidenceRow> {
        self.evidence.iter().find(|e| e.object_id == id)
    }

    /// The volume `id`.
    pub fn volume_by_id(&self, id: i64) -> Option<&VolumeRow> {
        self.volumes.iter().find(|v| v.object_id == id)
    }

    /// The file system `id`.
    pub fn file_system_by_id(&self, id: i64) -> Option<&FileSystemRow> {
        self.file_systems.iter().find(|f| f.object_id == id)
    }
}

/// An RFC 3339 time that XML Schema and JSON-LD accept as `xs:dateTime`
/// (years 1..=9999); hostile file systems can hold times outside it.
pub fn xsd_date_time(time: crate::time::Timestamp) -> Option<String> {
    let text = time.to_rfc3339();
    let bytes = text.as_bytes();
    let four_digit_year = bytes.len() > 5
        && bytes
            .get(..4)
            .is_some_and(|y| y.iter().all(u8::is_ascii_digit))
        && bytes.get(4) == Some(&b'-')
        && !text.starts_with("0000");
    four_digit_year.then_some(text)
}
