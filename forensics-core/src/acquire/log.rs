//! The acquisition log: plain text a court can read, in the spirit of
//! dc3dd's log — who, what, when, the digests, the bad ranges, whether the
//! image was verified, and the tool version.

use super::{AcquireReport, AcquireStatus};
use crate::hash::Algorithm;

/// The log text of an acquisition.
pub fn log_text(report: &AcquireReport) -> String {
    let mut log = String::new();
    let mut line = |text: String| {
        log.push_str(&text);
        log.push('\n');
    };
    line(format!("{} acquisition log", crate::TOOL_VERSION));
    line(String::new());
    line(format!(
        "status:            {}",
        match &report.status {
            AcquireStatus::Complete => "COMPLETE".to_owned(),
            AcquireStatus::Incomplete { reason } =>
                format!("INCOMPLETE ({reason}); the image files are not a complete acquisition"),
        }
    ));
    line(format!("source:            {}", report.source));
    line(format!(
        "source kind:       {}",
        if report.source_is_device {
            "device"
        } else {
            "file"
        }
    ));
    line(format!(
        "source size:       {} bytes ({} sectors of {} bytes)",
        report.source_len_bytes,
        report
            .source_len_bytes
            .div_ceil(u64::from(report.sector_size_bytes)),
        report.sector_size_bytes
    ));
    line(format!("format:            {}", report.format_description));
    for (key, value) in &report.metadata {
        if !value.is_empty() {
            line(format!("{:<19}{value}", format!("{key}:")));
        }
    }
    line(format!(
        "started:           {}",
        report.started.to_rfc3339()
    ));
    line(format!(
        "finished:          {}",
        report.finished.to_rfc3339()
    ));
    line(format!("bytes acquired:    {}", report.bytes_done));
    line(String::new());
    line(match report.status {
        AcquireStatus::Complete => "digests of the source (bad ranges read as zeros):".to_owned(),
        AcquireStatus::Incomplete { .. } => format!(
            "digests of the first {} bytes only (INCOMPLETE, not digests of the source):",
            report.bytes_done
        ),
    });
    for algorithm in Algorithm::ALL {
        let hex = report
            .digests
            .hex(algorithm)
            .unwrap_or_else(|| "(not computed)".to_owned());
        line(format!("  {:<8}{hex}", algorithm.name()));
    }
    line(String::new());
    let bad_sectors: u64 = report
        .bad_ranges
        .iter()
        .map(|r| r.len_bytes.div_ceil(u64::from(report.sector_size_bytes)))
        .sum();
    line(format!(
        "read errors:       {} bad sectors in {} ranges, zero-filled",
        bad_sectors,
        report.bad_ranges.len()
    ));
    for range in &report.bad_ranges {
        let sector = u64::from(report.sector_size_bytes);
        line(format!(
            "  bad range: media offset {} length {} bytes (sectors {}-{}): {}",
            range.media_offset,
            range.len_bytes,
            range.media_offset / sector,
            (range.media_offset + range.len_bytes).div_ceil(sector) - 1,
            range.error
        ));
    }
    line(String::new());
    line("image files:".to_owned());
    for path in &report.image_files {
        line(format!("  {}", path.display()));
    }
    if let Some(note) = &report.padding_note {
        line(format!("note:              {note}"));
    }
    line(String::new());
    let verification = match &report.verification {
        None => "not done".to_owned(),
        Some(v) if v.matches => format!(
            "the written image was re-read: {} bytes, all four digests match{}",
            v.bytes_read,
            if v.stored_hashes_match {
                "; the stored MD5 and SHA-1 match"
            } else {
                ""
            }
        ),
        Some(v) => format!("MISMATCH: {}", v.detail),
    };
    line(format!("verification:      {verification}"));
    log
}
