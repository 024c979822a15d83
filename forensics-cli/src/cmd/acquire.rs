//! `forensics acquire SOURCE DEST`: image a block device or file to raw or
//! E01, with MD5, SHA-1, SHA-256 and BLAKE3 from the same read, read errors
//! zero-filled and logged, the written image re-read and verified, and a
//! plain-text log beside it. Ctrl-C stops the acquisition and leaves the
//! files in `DEST.partial/` with an `INCOMPLETE.txt` marker.
//!
//! `--json` prints `{"type":"bad_range","image_offset","size","message"}` per
//! unreadable range, then `{"type":"acquire","status","reason","source",
//! "path","files","size","md5","sha1","sha256","blake3","verified","log"}`.
//!
//! Exit codes: 0 complete and verified; 1 the verification failed; 2 an
//! input error or an incomplete (cancelled) acquisition.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use forensics_core::acquire::{
    self, AcquireMetadata, AcquireOptions, AcquireProgress, AcquireReport, AcquireSource,
    AcquireStatus, BadRange, FileSource, ImageFormat,
};
use forensics_core::case::ingest::{self, IngestOptions, NoProgress};
use forensics_core::evidence::ewf::EwfCompression;
use forensics_core::hash::Algorithm;
use indicatif::ProgressBar;
use serde_json::json;

use super::case_access::EXAMINER_ENV;
use super::hash_sink::{digest_fields, progress_bar};
use crate::args::{AcquireArgs, CompressionArg, ExaminerArgs, ImageFormatArg};
use crate::{Outcome, output};

/// Shows reading and verification on a progress bar; reports bad ranges.
struct CliProgress {
    bar: ProgressBar,
    json: bool,
    verifying: bool,
}

impl AcquireProgress for CliProgress {
    fn progress(&mut self, bytes_done: u64, _bytes_total: u64) {
        self.bar.set_position(bytes_done);
    }

    fn bad_range(&mut self, range: &BadRange) {
        if !self.json {
            self.bar.suspend(|| {
                eprintln!(
                    "forensics: read error at media offset {} ({} bytes zero-filled): {}",
                    range.media_offset, range.len_bytes, range.error
                );
            });
        }
    }

    fn verifying(&mut self, bytes_done: u64, bytes_total: u64) {
        if !self.verifying {
            self.verifying = true;
            self.bar.set_message("verifying");
            self.bar.set_length(bytes_total);
        }
        self.bar.set_position(bytes_done);
    }
}

pub(crate) fn run(args: &AcquireArgs) -> anyhow::Result<Outcome> {
    let examiner = args
        .examiner
        .clone()
        .or_else(|| std::env::var(EXAMINER_ENV).ok())
        .unwrap_or_default();
    let source = FileSource::open(&args.source)?;
    let options = AcquireOptions {
        format: match args.format {
            ImageFormatArg::Raw => ImageFormat::Raw,
            ImageFormatArg::E01 => ImageFormat::E01,
        },
        segment_size_bytes: args.segment_size,
        compression: match args.compression {
            CompressionArg::None => EwfCompression::None,
            CompressionArg::Fast => EwfCompression::Fast,
            CompressionArg::Best => EwfCompression::Best,
        },
        metadata: AcquireMetadata {
            case_number: args.case_number.clone(),
            evidence_number: args.evidence_number.clone(),
            examiner: examiner.clone(),
            description: args.description.clone(),
            notes: args.notes.clone(),
        },
        read_retries: args.retries,
        verify: !args.no_verify,
        threads: args.threads,
        log_path: args.log.clone(),
        command_line: Some(std::env::args().collect::<Vec<_>>().join(" ")),
        ..AcquireOptions::default()
    };
    // Open the case first, so a wrong path or a missing examiner fails
    // before hours of imaging.
    let mut case = match &args.case {
        Some(path) => {
            let who = ExaminerArgs {
                examiner: Some(examiner.clone()).filter(|e| !e.trim().is_empty()),
                key: None,
            };
            Some(super::case_access::open_for_change(path, &who)?)
        }
        None => None,
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let handler_flag = Arc::clone(&cancel);
    ctrlc::set_handler(move || handler_flag.store(true, Ordering::Relaxed))
        .context("cannot install the Ctrl-C handler")?;
    let mut progress = CliProgress {
        bar: progress_bar(source.len_bytes(), args.json, "acquiring"),
        json: args.json,
        verifying: false,
    };
    let report = acquire::acquire(
        &source,
        &args.dest,
        &options,
        &super::case_access::SystemClock,
        &mut progress,
        &cancel,
    );
    progress.bar.finish_and_clear();
    let report = report?;
    print_report(&report, args.json)?;
    if let AcquireStatus::Incomplete { reason } = &report.status {
        if report.verification.as_ref().is_some_and(|v| !v.matches) {
            return Ok(Outcome::FindingFailed);
        }
        bail!(
            "the acquisition is INCOMPLETE ({reason}); the files are in {} and the log says so",
            report
                .partial_dir
                .as_ref()
                .map_or_else(String::new, |p| p.display().to_string())
        );
    }
    if let Some(case) = case.as_mut() {
        register_in_case(case, &report, args)?;
    }
    Ok(Outcome::Success)
}

/// Records the acquisition in the custody log and adds the image as evidence.
fn register_in_case(
    case: &mut forensics_core::case::Case,
    report: &AcquireReport,
    args: &AcquireArgs,
) -> anyhow::Result<()> {
    let entry = case.record_acquisition(report)?;
    let first = report
        .image_files
        .first()
        .context("the acquisition wrote no image file")?;
    let options = IngestOptions {
        threads: args.threads,
        ..IngestOptions::default()
    };
    let summary = ingest::add_evidence(
        case,
        std::slice::from_ref(first),
        &options,
        &mut NoProgress,
        &AtomicBool::new(false),
    )?;
    for item in &summary.evidence {
        if let Some(error) = &item.error {
            bail!("the image was written but could not be added to the case: {error}");
        }
        if args.json {
            output::json_line(&json!({
                "type": "case", "custody_seq": entry.seq, "object_id": item.object_id,
                "path": item.path, "files": item.files,
            }))?;
        } else {
            writeln!(
                std::io::stdout().lock(),
                "case: custody entry {} (acquire), evidence {} added with {} files",
                entry.seq,
                item.object_id,
                item.files
            )?;
        }
    }
    Ok(())
}

fn print_report(report: &AcquireReport, json: bool) -> anyhow::Result<()> {
    let first = report.image_files.first();
    let verified = report.verification.as_ref().is_some_and(|v| v.matches);
    if json {
        for range in &report.bad_ranges {
            output::json_line(&json!({
                "type": "bad_range", "image_offset": range.media_offset,
                "size": range.len_bytes, "message": range.error,
            }))?;
        }
        let (status, reason) = match &report.status {
            AcquireStatus::Complete => ("complete", None),
            AcquireStatus::Incomplete { reason } => ("incomplete", Some(reason.as_str())),
        };
        let mut object = serde_json::Map::new();
        object.insert("type".into(), json!("acquire"));
        object.insert("status".into(), json!(status));
        object.insert("reason".into(), json!(reason));
        object.insert("source".into(), json!(report.source));
        object.insert("path".into(), json!(first));
        object.insert("files".into(), json!(report.image_files));
        object.insert("size".into(), json!(report.source_len_bytes));
        if report.status == AcquireStatus::Complete {
            object.extend(digest_fields(&report.digests));
        } else {
            // Digests of a partial read must not pass for the source's.
            for algorithm in Algorithm::ALL {
                object.insert(algorithm.name().into(), serde_json::Value::Null);
            }
            object.insert("bytes_done".into(), json!(report.bytes_done));
        }
        object.insert("verified".into(), json!(verified));
        object.insert("log".into(), json!(report.log_path));
        output::json_line(&serde_json::Value::Object(object))?;
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match &report.status {
        AcquireStatus::Complete => writeln!(
            out,
            "acquired {} -> {}",
            report.source,
            first.map_or_else(String::new, |p| p.display().to_string())
        )?,
        AcquireStatus::Incomplete { reason } => {
            writeln!(out, "INCOMPLETE acquisition of {}: {reason}", report.source)?
        }
    }
    writeln!(
        out,
        "size {} bytes, {} bad ranges",
        report.source_len_bytes,
        report.bad_ranges.len()
    )?;
    for algorithm in Algorithm::ALL
        .into_iter()
        .filter(|_| report.status == AcquireStatus::Complete)
    {
        let hex = report
            .digests
            .hex(algorithm)
            .unwrap_or_else(|| "-".to_owned());
        writeln!(out, "{algorithm} {hex}")?;
    }
    for path in &report.image_files {
        writeln!(out, "file {}", path.display())?;
    }
    match &report.verification {
        Some(v) if v.matches => {
            writeln!(out, "verified: the image re-reads to the same four digests")?
        }
        Some(v) => writeln!(out, "VERIFICATION FAILED: {}", v.detail)?,
        None => {}
    }
    writeln!(out, "log {}", report.log_path.display())?;
    Ok(())
}
