//! `forensics case report | timeline | export | verify-bundle`: documents
//! and sealed bundles made from a case.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::Context;
use forensics_core::case::verify::{VerifyOptions, VerifyReport, verify_case_opts, verify_store};
use forensics_core::hash::NoSink;
use forensics_core::report::bundle::{self, ExportOptions};
use forensics_core::report::{
    ContentReader, Creator, ReportData, ReportOptions, case_bodyfile_lines, case_timeline,
    write_case_uco, write_dfxml, write_html, write_timeline_csv,
};
use serde_json::json;

use super::case_access::passphrase_for;
use super::case_store::{is_store, open_store};
use crate::args::{ExaminerArgs, ReportFormat, TimelineFormat};
use crate::{Outcome, output};

/// Verifies the case at `target`, a case file or a PostgreSQL store (chain
/// and evidence re-hash) unless told not to.
fn verification(
    target: &str,
    verify: bool,
    threads: usize,
) -> anyhow::Result<Option<VerifyReport>> {
    if !verify {
        return Ok(None);
    }
    let cancel = AtomicBool::new(false);
    let report = if is_store(target) {
        let mut store = open_store(target, None)?;
        let options = VerifyOptions {
            expect_head: None,
            threads,
            passphrase: None,
        };
        verify_store(store.as_mut(), &options, &mut NoSink, &cancel)?
    } else {
        let case = Path::new(target);
        let passphrase = passphrase_for(case)?;
        let options = VerifyOptions {
            expect_head: None,
            threads,
            passphrase: passphrase.as_ref(),
        };
        verify_case_opts(case, &options, &mut NoSink, &cancel)?
    };
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
    target: &str,
    format: ReportFormat,
    out: &Path,
    tagged_only: bool,
    verify: bool,
    threads: usize,
) -> anyhow::Result<Outcome> {
    let verified = verification(target, verify, threads)?;
    let mut store = open_store(target, None)?;
    let data = ReportData::load_store(
        store.as_mut(),
        ReportOptions { tagged_only },
        verified.as_ref(),
    )?;
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

pub(crate) fn timeline(target: &str, format: TimelineFormat) -> anyhow::Result<Outcome> {
    let mut store = open_store(target, None)?;
    let data = ReportData::load_store(store.as_mut(), ReportOptions::default(), None)?;
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
    target: &str,
    who: &ExaminerArgs,
    out: &Path,
    tagged_only: bool,
    verify: bool,
    threads: usize,
) -> anyhow::Result<Outcome> {
    let mut store = open_store(target, Some(who))?;
    let verified = verification(target, verify, threads)?;
    let options = ExportOptions {
        tagged_only,
        file_system_opener: None,
    };
    let summary =
        bundle::export_bundle(store.as_mut(), out, &creator(), verified.as_ref(), &options)?;
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
