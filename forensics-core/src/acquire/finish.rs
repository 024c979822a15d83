//! The acquisition from start to end: plan the names, stage, run the pass,
//! finish the image, verify it, move it into place, write the log.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::log::log_text;
use super::output::{Output, Staging};
use super::reader::SourceReader;
use super::run::{PassResult, run_pass};
use super::{
    AcquireError, AcquireOptions, AcquireProgress, AcquireReport, AcquireSource, AcquireStatus,
    Clock, ImageFormat, Verification,
};
use crate::evidence::ewf::{EwfMediaType, EwfWriteOptions, EwfWriteSummary};
use crate::hash::{self, Algorithm, Digests, HashOptions, HashSink};

/// E01 chunks are 64 sectors of 512 bytes: blocks must hold whole chunks.
const BLOCK_ALIGN_BYTES: usize = 32 * 1024;
/// Largest block read at once.
const MAX_BLOCK_LEN_BYTES: usize = 64 << 20;

/// Acquires `source` to `destination` (an `.E01` name for E01 — `.E01` is
/// appended otherwise; with a raw segment size, `.001` is appended unless
/// present). Returns the report of a complete or cancelled acquisition;
/// errors leave the staging directory marked incomplete.
pub fn acquire(
    source: &dyn AcquireSource,
    destination: &Path,
    options: &AcquireOptions,
    clock: &dyn Clock,
    progress: &mut dyn AcquireProgress,
    cancel: &AtomicBool,
) -> Result<AcquireReport, AcquireError> {
    check_options(options)?;
    let first_path = first_image_path(destination, options);
    let log_path = options.log_path.clone().unwrap_or_else(|| {
        let mut name = first_path.as_os_str().to_os_string();
        name.push(".log");
        PathBuf::from(name)
    });
    if log_path.exists() {
        return Err(AcquireError::DestinationExists { path: log_path });
    }
    let staging = Staging::create(&first_path)?;
    let result = acquire_staged(
        source,
        &first_path,
        &log_path,
        &staging,
        options,
        clock,
        progress,
        cancel,
    );
    if let Err(err) = &result {
        // Best effort: the error itself is what the caller must see.
        let _ = staging.mark_incomplete(&format!("the acquisition failed: {err}"));
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn acquire_staged(
    source: &dyn AcquireSource,
    first_path: &Path,
    log_path: &Path,
    staging: &Staging,
    options: &AcquireOptions,
    clock: &dyn Clock,
    progress: &mut dyn AcquireProgress,
    cancel: &AtomicBool,
) -> Result<AcquireReport, AcquireError> {
    let started = clock.now();
    let len_bytes = source.len_bytes();
    let sector = u64::from(options.sector_size_bytes);
    let prehashed = len_bytes.is_multiple_of(sector);
    let first_name = first_path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let ewf_options = ewf_options(options, source.is_device(), started.unix_seconds());
    let output = Output::create(
        options.format,
        staging,
        &first_name,
        options.segment_size_bytes,
        ewf_options,
        prehashed,
    )?;
    let reader = SourceReader::new(source, options.read_retries, options.sector_size_bytes);
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        options.threads
    };
    let pass = run_pass(
        &reader,
        len_bytes,
        options.block_len_bytes,
        threads,
        output,
        progress,
        cancel,
    )?;
    let mut report = AcquireReport {
        status: AcquireStatus::Complete,
        source: source.describe(),
        source_is_device: source.is_device(),
        source_len_bytes: len_bytes,
        sector_size_bytes: options.sector_size_bytes,
        bytes_done: pass.bytes_done,
        format_description: format_description(options),
        metadata: metadata_lines(options),
        started,
        finished: started,
        digests: pass.digests,
        bad_ranges: pass.bad_ranges.clone(),
        image_files: Vec::new(),
        partial_dir: None,
        log_path: log_path.to_path_buf(),
        verification: None,
        padding_note: None,
    };
    let incomplete = finish_image(pass, options, threads, &mut report, progress, cancel)?;
    match incomplete {
        None => report.image_files = staging.commit(&report.image_files)?,
        Some(reason) => {
            staging.mark_incomplete(&reason)?;
            report.image_files = staging.files()?;
            report.partial_dir = Some(staging.dir.clone());
            report.status = AcquireStatus::Incomplete { reason };
        }
    }
    report.finished = clock.now();
    write_log(&report, options)?;
    Ok(report)
}

/// Finishes and verifies the image; returns why it is incomplete, if it is.
fn finish_image(
    pass: PassResult,
    options: &AcquireOptions,
    threads: usize,
    report: &mut AcquireReport,
    progress: &mut dyn AcquireProgress,
    cancel: &AtomicBool,
) -> Result<Option<String>, AcquireError> {
    if pass.cancelled {
        // The output is dropped unfinished: an E01 without its final volume
        // section does not even open as an image.
        drop(pass.output);
        return Ok(Some(format!(
            "cancelled after {} of {} bytes",
            pass.bytes_done, report.source_len_bytes
        )));
    }
    let md5 = digest_array::<16>(&pass.digests, Algorithm::Md5);
    let sha1 = digest_array::<20>(&pass.digests, Algorithm::Sha1);
    let (files, summary) = pass.output.finish(md5, sha1)?;
    report.image_files = files;
    if let Some(summary) = &summary
        && summary.padding_bytes > 0
    {
        report.padding_note = Some(format!(
            "the source is not a whole number of sectors: the E01 media holds {} zero bytes more, and its stored MD5/SHA-1 cover them",
            summary.padding_bytes
        ));
    }
    if !options.verify {
        return Ok(None);
    }
    let Some(first) = report.image_files.first().cloned() else {
        return Ok(Some("no image file was written".to_owned()));
    };
    let verification =
        match verify_image(&first, report, summary.as_ref(), threads, progress, cancel) {
            Err(AcquireError::Rehash(hash::Error::Cancelled)) => {
                return Ok(Some("cancelled during verification".to_owned()));
            }
            other => other?,
        };
    let failed = !verification.matches || (summary.is_some() && !verification.stored_hashes_match);
    let detail = verification.detail.clone();
    report.verification = Some(verification);
    Ok(failed.then(|| format!("verification failed: {detail}")))
}

/// Re-opens the written image with the evidence layer and compares digests.
fn verify_image(
    first: &Path,
    report: &AcquireReport,
    summary: Option<&EwfWriteSummary>,
    threads: usize,
    progress: &mut dyn AcquireProgress,
    cancel: &AtomicBool,
) -> Result<Verification, AcquireError> {
    let evidence = crate::evidence::open(first)?;
    let media_len = evidence.source.len();
    let mut problems = Vec::new();
    if media_len < report.source_len_bytes {
        problems.push(format!(
            "the image holds {media_len} bytes, the source {}",
            report.source_len_bytes
        ));
    }
    let options = HashOptions {
        threads,
        ..HashOptions::default()
    };
    let len_bytes = report.source_len_bytes.min(media_len);
    let mut sink = VerifySink(progress);
    let digests = hash::hash_range(
        evidence.source.as_ref(),
        0,
        len_bytes,
        &options,
        &mut sink,
        cancel,
    )?;
    for algorithm in Algorithm::ALL {
        if digests.get(algorithm) != report.digests.get(algorithm) {
            problems.push(format!("the image's {algorithm} differs from the source's"));
        }
    }
    let matches = problems.is_empty();
    let stored = &evidence.info.stored_hashes;
    let stored_hashes_match = summary.is_some_and(|s| {
        stored.md5.as_deref() == Some(s.md5.as_str())
            && stored.sha1.as_deref() == Some(s.sha1.as_str())
    });
    if summary.is_some() && !stored_hashes_match {
        problems.push("the MD5/SHA-1 stored in the E01 are not those written".to_owned());
    }
    Ok(Verification {
        bytes_read: len_bytes,
        digests,
        matches,
        stored_hashes_match,
        detail: problems.join("; "),
    })
}

/// Passes the hashing progress of the verification on.
struct VerifySink<'a>(&'a mut dyn AcquireProgress);

impl HashSink for VerifySink<'_> {
    fn progress(&mut self, bytes_done: u64, bytes_total: u64) {
        self.0.verifying(bytes_done, bytes_total);
    }
}

fn digest_array<const N: usize>(digests: &Digests, algorithm: Algorithm) -> [u8; N] {
    digests
        .get(algorithm)
        .and_then(|bytes| <[u8; N]>::try_from(bytes).ok())
        .unwrap_or([0; N])
}

fn check_options(options: &AcquireOptions) -> Result<(), AcquireError> {
    let invalid = |what: String| Err(AcquireError::InvalidOption { what });
    let block = options.block_len_bytes;
    if block == 0 || block > MAX_BLOCK_LEN_BYTES || !block.is_multiple_of(BLOCK_ALIGN_BYTES) {
        return invalid(format!(
            "block length {block} bytes must be a multiple of {BLOCK_ALIGN_BYTES} up to {MAX_BLOCK_LEN_BYTES}"
        ));
    }
    if options.format == ImageFormat::E01 && options.sector_size_bytes != 512 {
        return invalid("E01 images are written with 512-byte sectors".to_owned());
    }
    if options.sector_size_bytes == 0 || !block.is_multiple_of(options.sector_size_bytes as usize) {
        return invalid(format!(
            "sector size {} bytes must divide the block length",
            options.sector_size_bytes
        ));
    }
    if options.segment_size_bytes == Some(0) {
        return invalid("the segment size must be above 0".to_owned());
    }
    Ok(())
}

/// The first image file's path for `destination`.
pub(super) fn first_image_path(destination: &Path, options: &AcquireOptions) -> PathBuf {
    let name = destination.as_os_str().to_string_lossy();
    let with_suffix = |suffix: &str| {
        let mut path = destination.as_os_str().to_os_string();
        path.push(suffix);
        PathBuf::from(path)
    };
    match options.format {
        ImageFormat::E01 if !name.to_ascii_lowercase().ends_with(".e01") => with_suffix(".E01"),
        ImageFormat::Raw if options.segment_size_bytes.is_some() && !name.ends_with(".001") => {
            with_suffix(".001")
        }
        _ => destination.to_path_buf(),
    }
}

fn ewf_options(
    options: &AcquireOptions,
    is_device: bool,
    acquiry_unix_secs: i64,
) -> EwfWriteOptions {
    let m = &options.metadata;
    let defaults = EwfWriteOptions::default();
    EwfWriteOptions {
        case_number: m.case_number.clone(),
        evidence_number: m.evidence_number.clone(),
        examiner_name: m.examiner.clone(),
        description: m.description.clone(),
        notes: m.notes.clone(),
        acquiry_unix_secs,
        compression: options.compression,
        segment_size_bytes: options
            .segment_size_bytes
            .unwrap_or(defaults.segment_size_bytes),
        media_type: EwfMediaType::Fixed,
        physical: is_device,
        ..defaults
    }
}

fn format_description(options: &AcquireOptions) -> String {
    let segments = options
        .segment_size_bytes
        .map_or_else(|| "default".to_owned(), |s| format!("{s} bytes"));
    match options.format {
        ImageFormat::Raw => format!(
            "raw{}",
            options
                .segment_size_bytes
                .map_or_else(String::new, |s| format!(", split into {s}-byte segments"))
        ),
        ImageFormat::E01 => format!(
            "E01 (EnCase 6), compression {:?}, segment size {segments}, 64 sectors per chunk",
            options.compression
        )
        .to_lowercase()
        .replace("e01 (encase 6)", "E01 (EnCase 6)"),
    }
}

fn metadata_lines(options: &AcquireOptions) -> Vec<(String, String)> {
    let m = &options.metadata;
    let mut lines = vec![
        ("case number".to_owned(), m.case_number.clone()),
        ("evidence number".to_owned(), m.evidence_number.clone()),
        ("examiner".to_owned(), m.examiner.clone()),
        ("description".to_owned(), m.description.clone()),
        ("notes".to_owned(), m.notes.clone()),
    ];
    if let Some(command) = &options.command_line {
        lines.push(("command".to_owned(), command.clone()));
    }
    lines
}

/// Writes the log (never over an existing file).
fn write_log(report: &AcquireReport, _options: &AcquireOptions) -> Result<(), AcquireError> {
    let path = &report.log_path;
    let io = |source| AcquireError::Destination {
        path: path.clone(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io)?;
    file.write_all(log_text(report).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io)
}
