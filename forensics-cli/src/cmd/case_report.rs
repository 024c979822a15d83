//! `forensics case report | timeline | export | verify-bundle`: documents
//! and sealed bundles made from a case.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::Context;
use forensics_core::case::Case;
use forensics_core::case::verify::{VerifyOptions, VerifyReport, verify_case_opts};
use forensics_core::hash::NoSink;
use forensics_core::report::bundle::{self, ExportOptions};
use forensics_core::report::{
    ContentReader, Creator, ReportData, ReportOptions, case_bodyfile_lines, case_timeline,
    write_case_uco, write_dfxml, write_html, write_timeline_csv,
};
use serde_json::json;

use super::case_access::{open_case, passphrase_for};
use crate::args::{ReportFormat, TimelineFormat};
use crate::{Outcome, output};

/// Verifies the case (chain and evidence re-hash) unless told not to.
fn verification(case: &Path, verify: bool, threads: usize) -> anyhow::Result<Option<VerifyReport>> {
    if !verify {
        return Ok(None);
    }
    let passphrase = passphrase_for(case)?;
    let options = VerifyOptions {
        expect_head: None,
        threads,
        passphrase: passphrase.as_ref(),
    };
    let report = verify_case_opts(case, &options, &mut NoSink, &AtomicBool::new(false))?;
    if !report.holds() {
        eprintln!(
            "forensics: warning: the case does not verify ({} failures); the report says so",
            report.failures.len()
        );
    }
    Ok(Some(report))
}

fn creator() -> Creator {
    Creator::this_tool(std::env::args().collect(), super::case_access::host_name())
}

pub(crate) fn report(
    case_path: &Path,
    format: ReportFormat,
    out: &Path,
    tagged_only: bool,
    verify: bool,
    threads: usize,
) -> anyhow::Result<Outcome> {
    let verified = verification(case_path, verify, threads)?;
    let case = open_case(case_path)?;
    let data = ReportData::load(&case, ReportOptions { tagged_only }, verified.as_ref())?;
    let creator = creator();
    // Written beside the target and renamed when complete: a failed run
    // never leaves a truncated report under the requested name.
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let mut writer = BufWriter::new(file);
    let written = match format {
        ReportFormat::Html => {
            let mut reader = ContentReader::new(&data, None);
            write_html(&data, &creator, Some(&mut reader), &mut writer)
        }
        ReportFormat::Dfxml => write_dfxml(&data, &creator, &mut writer),
        ReportFormat::Case => write_case_uco(&data, &creator, &mut writer),
    }
    .and_then(|()| writer.flush());
    drop(writer);
    let written = written.and_then(|()| std::fs::rename(&partial, out));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(error).with_context(|| format!("cannot write {}", out.display()));
    }
    writeln!(
        std::io::stdout().lock(),
        "report written to {} ({} files; chain head {})",
        out.display(),
        data.files.len(),
        data.chain_head.as_deref().unwrap_or("(empty)")
    )?;
    Ok(Outcome::Success)
}

pub(crate) fn timeline(case_path: &Path, format: TimelineFormat) -> anyhow::Result<Outcome> {
    let case = open_case(case_path)?;
    let data = ReportData::load(&case, ReportOptions::default(), None)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        TimelineFormat::Bodyfile => {
            for line in case_bodyfile_lines(&data) {
                writeln!(out, "{line}")?;
            }
        }
        TimelineFormat::Csv => write_timeline_csv(&case_timeline(&data), &mut out)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

pub(crate) fn export(
    mut case: Case,
    out: &Path,
    tagged_only: bool,
    verify: bool,
    threads: usize,
) -> anyhow::Result<Outcome> {
    let case_path = case.path().to_path_buf();
    let verified = verification(&case_path, verify, threads)?;
    let options = ExportOptions {
        tagged_only,
        file_system_opener: None,
    };
    let summary = bundle::export_bundle(&mut case, out, &creator(), verified.as_ref(), &options)?;
    let mut stdout = std::io::stdout().lock();
    for differing in &summary.differing_from_case {
        writeln!(
            stdout,
            "warning: exported content of object {differing} differs from its ingest digest"
        )?;
    }
    for missing in &summary.not_exported {
        writeln!(
            stdout,
            "not exported: object {} {}: {}",
            missing.object_id, missing.original_path, missing.reason
        )?;
    }
    writeln!(
        stdout,
        "bundle written to {}: {} files; manifest sha256 {} recorded as custody entry {}",
        out.display(),
        summary.files_exported,
        summary.manifest_sha256,
        summary.custody_seq
    )?;
    Ok(Outcome::Success)
}

pub(crate) fn verify_bundle(path: &Path, json: bool) -> anyhow::Result<Outcome> {
    let check = bundle::verify_bundle(path)?;
    if json {
        for failure in &check.failures {
            let mut value = serde_json::to_value(failure)?;
            value["type"] = json!("failure");
            output::json_line(&value)?;
        }
        output::json_line(&json!({
            "type": "verify_bundle",
            "valid": check.holds(),
            "files_checked": check.files_checked,
            "custody_entries": check.custody_entries,
            "manifest_sha256": check.manifest_sha256,
        }))?;
    } else {
        let mut stdout = std::io::stdout().lock();
        for failure in &check.failures {
            writeln!(stdout, "FAILED: {}: {}", failure.name, failure.message)?;
        }
        if check.holds() {
            writeln!(
                stdout,
                "OK: {} files match the manifest; custody log of {} entries holds and records manifest sha256 {}",
                check.files_checked,
                check.custody_entries,
                check.manifest_sha256.as_deref().unwrap_or("-")
            )?;
        }
    }
    Ok(if check.holds() {
        Outcome::Success
    } else {
        Outcome::FindingFailed
    })
}
