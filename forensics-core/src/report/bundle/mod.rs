//! The sealed export bundle: one ZIP holding the HTML report, the exported
//! files (safe names, see [`names`]), `manifest.json` with every file's
//! original path and four digests, and `custody_log.jsonl`. The SHA-256 of
//! the manifest is recorded in the case's custody log (action
//! `export_bundle`) before the log is written into the bundle, so the bundle
//! carries the proof of its own registration. [`verify_bundle`] re-checks
//! everything without extracting anything to disk.
//!
//! Deterministic: entries in a fixed order, every entry dated
//! 1980-01-01 00:00:00 with mode 0644, deflate at a fixed level.

pub mod names;
mod verify;

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::json;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

pub use verify::{BundleCheck, BundleFailure, MAX_MANIFEST_BYTES, verify_bundle};

use super::content::{ContentReader, MAX_CONTENT_BYTES};
use super::data::{ReportData, ReportOptions};
use super::{Creator, Error, write_html};
use crate::case::backend::CaseStore;
use crate::case::ingest::FsOpener;
use crate::case::verify::VerifyReport;
use crate::hash::{Algorithm, AlgorithmSet, MultiHasher};

/// The manifest's `format` value.
pub const BUNDLE_FORMAT: &str = "forensics-bundle-v1";
/// Bundle path of the manifest.
pub const MANIFEST_NAME: &str = "manifest.json";
/// Bundle path of the report.
pub const REPORT_NAME: &str = "report.html";
/// Bundle path of the custody log.
pub const CUSTODY_NAME: &str = "custody_log.jsonl";

/// What to export.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions {
    /// Only tagged files.
    pub tagged_only: bool,
    /// Opens file systems (`None` = [`crate::fs::open`]).
    pub file_system_opener: Option<FsOpener>,
}

/// One file of the bundle, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path inside the bundle.
    pub bundle_path: String,
    /// `report` or `exported_file`.
    pub role: String,
    /// Case object id of an exported file.
    pub object_id: Option<i64>,
    /// Evidence object id of an exported file.
    pub evidence_id: Option<i64>,
    /// Path in its file system of an exported file.
    pub original_path: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// MD5 (lowercase hex).
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// SHA-256.
    pub sha256: String,
    /// BLAKE3.
    pub blake3: String,
    /// Whether the exported content has the SHA-256 the case recorded at ingest.
    pub matches_case: Option<bool>,
}

/// A file that could not be exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotExported {
    /// Case object id.
    pub object_id: i64,
    /// Path in its file system.
    pub original_path: String,
    /// Why.
    pub reason: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`BUNDLE_FORMAT`].
    pub format: String,
    /// Case number.
    pub case_number: String,
    /// Case title.
    pub title: String,
    /// The custody chain head the report shows (the entry before `export_bundle`).
    pub chain_head: Option<String>,
    /// Whether only tagged files were exported.
    pub tagged_only: bool,
    /// Every file in the bundle except the manifest and the custody log.
    pub files: Vec<ManifestFile>,
    /// Files that could not be exported.
    pub not_exported: Vec<NotExported>,
}

/// What [`export_bundle`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    /// Files exported.
    pub files_exported: u64,
    /// Files that could not be exported.
    pub not_exported: Vec<NotExported>,
    /// Object ids of exported files whose content no longer has the
    /// SHA-256 recorded at ingest.
    pub differing_from_case: Vec<i64>,
    /// SHA-256 of `manifest.json`, recorded in the custody log.
    pub manifest_sha256: String,
    /// Sequence number of the `export_bundle` custody entry.
    pub custody_seq: u64,
}

/// Feeds bytes to the ZIP entry and to the hashers at once.
struct Tee<'w, W: Write> {
    out: &'w mut W,
    hasher: MultiHasher,
    len_bytes: u64,
}

impl<W: Write> Write for Tee<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write_all(buf)?;
        self.hasher.update(buf);
        self.len_bytes += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn entry_options(len_bytes: u64) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .large_file(len_bytes >= u64::from(u32::MAX))
}

/// Four digests of a finished hasher, hex.
fn hex_digests(hasher: MultiHasher) -> [String; 4] {
    let digests = hasher.finish();
    let hex = |a| digests.hex(a).unwrap_or_default();
    [
        hex(Algorithm::Md5),
        hex(Algorithm::Sha1),
        hex(Algorithm::Sha256),
        hex(Algorithm::Blake3),
    ]
}

/// Writes the bundle of `case` to `out` (which must not exist) and records
/// its manifest's SHA-256 in the custody log. The case needs a session.
pub fn export_bundle(
    case: &mut dyn CaseStore,
    out: &Path,
    creator: &Creator,
    verification: Option<&VerifyReport>,
    options: &ExportOptions,
) -> Result<ExportSummary, Error> {
    let io_error = |source: io::Error| Error::Io {
        path: out.to_path_buf(),
        source,
    };
    let zip_error = |e: zip::result::ZipError| Error::Bundle {
        path: out.to_path_buf(),
        message: e.to_string(),
    };
    let data = ReportData::load_store(
        case,
        ReportOptions {
            tagged_only: options.tagged_only,
        },
        verification,
    )?;
    let file = File::create_new(out).map_err(io_error)?;
    let written = write_entries(&data, creator, options, file, out);
    let (mut zip, manifest) = match written {
        Ok(parts) => parts,
        Err(error) => {
            let _ = std::fs::remove_file(out);
            return Err(error);
        }
    };
    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| io_error(io::Error::other(e)))?;
    let manifest_sha256 = crate::hash::to_hex(&{
        use sha2::Digest;
        sha2::Sha256::digest(&manifest_bytes)
    });
    zip.start_file(MANIFEST_NAME, entry_options(manifest_bytes.len() as u64))
        .map_err(zip_error)?;
    zip.write_all(&manifest_bytes).map_err(io_error)?;
    let entry = crate::case::export::record_export(
        case,
        &manifest_sha256,
        json!({
            "bundle_file": out.file_name().map(|n| n.to_string_lossy().into_owned()),
            "files": manifest.files.len(),
            "not_exported": manifest.not_exported.len(),
            "tagged_only": options.tagged_only,
        }),
    )?;
    let mut log = Vec::new();
    for custody in case.custody_log()? {
        serde_json::to_writer(&mut log, &custody).map_err(|e| io_error(io::Error::other(e)))?;
        log.push(b'\n');
    }
    zip.start_file(CUSTODY_NAME, entry_options(log.len() as u64))
        .map_err(zip_error)?;
    zip.write_all(&log).map_err(io_error)?;
    zip.finish().map_err(zip_error)?;
    Ok(ExportSummary {
        files_exported: manifest
            .files
            .iter()
            .filter(|f| f.role == "exported_file")
            .count() as u64,
        differing_from_case: manifest
            .files
            .iter()
            .filter(|f| f.matches_case == Some(false))
            .filter_map(|f| f.object_id)
            .collect(),
        not_exported: manifest.not_exported,
        manifest_sha256,
        custody_seq: entry.seq,
    })
}

/// Writes exported files and the report; returns the open ZIP and the manifest.
fn write_entries(
    data: &ReportData,
    creator: &Creator,
    options: &ExportOptions,
    file: File,
    out: &Path,
) -> Result<(ZipWriter<File>, Manifest), Error> {
    let io_error = |source: io::Error| Error::Io {
        path: out.to_path_buf(),
        source,
    };
    let zip_error = |e: zip::result::ZipError| Error::Bundle {
        path: out.to_path_buf(),
        message: e.to_string(),
    };
    let mut zip = ZipWriter::new(file);
    let mut reader = ContentReader::new(data, options.file_system_opener);
    let mut manifest = Manifest {
        format: BUNDLE_FORMAT.into(),
        case_number: data.case_number.clone(),
        title: data.title.clone(),
        chain_head: data.chain_head.clone(),
        tagged_only: data.tagged_only,
        files: Vec::new(),
        not_exported: Vec::new(),
    };
    for item in data.files.iter().filter(|f| f.kind == "file") {
        let bundle_path = names::bundle_path(item.evidence_id, item.object_id, &item.name);
        zip.start_file(bundle_path.as_str(), entry_options(item.size))
            .map_err(zip_error)?;
        let mut tee = Tee {
            out: &mut zip,
            hasher: MultiHasher::new(AlgorithmSet::ALL, false),
            len_bytes: 0,
        };
        match reader.read(item, MAX_CONTENT_BYTES, &mut tee) {
            Ok(_) => {
                let len_bytes = tee.len_bytes;
                let [md5, sha1, sha256, blake3] = hex_digests(tee.hasher);
                manifest.files.push(ManifestFile {
                    bundle_path,
                    role: "exported_file".into(),
                    object_id: Some(item.object_id),
                    evidence_id: Some(item.evidence_id),
                    original_path: Some(item.path.clone()),
                    size: len_bytes,
                    matches_case: Some(item.sha256.as_deref() == Some(sha256.as_str())),
                    md5,
                    sha1,
                    sha256,
                    blake3,
                });
            }
            Err(error) => {
                zip.abort_file().map_err(zip_error)?;
                manifest.not_exported.push(NotExported {
                    object_id: item.object_id,
                    original_path: item.path.clone(),
                    reason: error.to_string(),
                });
            }
        }
    }
    let mut html = Vec::new();
    write_html(data, creator, Some(&mut reader), &mut html).map_err(io_error)?;
    zip.start_file(REPORT_NAME, entry_options(html.len() as u64))
        .map_err(zip_error)?;
    let mut hasher = MultiHasher::new(AlgorithmSet::ALL, false);
    hasher.update(&html);
    zip.write_all(&html).map_err(io_error)?;
    let [md5, sha1, sha256, blake3] = hex_digests(hasher);
    manifest.files.push(ManifestFile {
        bundle_path: REPORT_NAME.into(),
        role: "report".into(),
        object_id: None,
        evidence_id: None,
        original_path: None,
        size: html.len() as u64,
        md5,
        sha1,
        sha256,
        blake3,
        matches_case: None,
    });
    Ok((zip, manifest))
}
