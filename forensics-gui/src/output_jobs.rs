//! Reports, timelines and export bundles written on a background thread,
//! each on its own connection to the case, the way `forensics case report |
//! timeline | export` write them: the case is verified first unless the
//! examiner says not to, a document is written beside its target and
//! renamed when complete, and only the bundle records a custody entry
//! (`export_bundle`, by the core), as the CLI's do.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{Receiver, sync_channel};

use eframe::egui;
use forensics_core::case::verify::{VerifyOptions, VerifyReport, verify_case_opts};
use forensics_core::hash::NoSink;
use forensics_core::report::bundle::{ExportOptions, export_bundle};
use forensics_core::report::{
    ContentReader, Creator, ReportData, ReportOptions, case_bodyfile_lines, case_timeline,
    write_case_uco, write_dfxml, write_html, write_timeline_csv,
};

use crate::session::{CaseFile, gui_session};

/// The documents a case report can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocumentFormat {
    /// Self-contained HTML with print CSS.
    Html,
    /// Digital Forensics XML.
    Dfxml,
    /// CASE/UCO JSON-LD.
    CaseUco,
    /// Timeline as CSV.
    TimelineCsv,
    /// Timeline as a Sleuth Kit bodyfile (for `mactime`).
    Bodyfile,
}

impl DocumentFormat {
    /// Every format, in the order the dialog offers them.
    pub(crate) const ALL: [Self; 5] = [
        Self::Html,
        Self::Dfxml,
        Self::CaseUco,
        Self::TimelineCsv,
        Self::Bodyfile,
    ];

    /// The name shown in the dialog.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Html => "HTML",
            Self::Dfxml => "DFXML",
            Self::CaseUco => "CASE/UCO JSON-LD",
            Self::TimelineCsv => "Timeline CSV",
            Self::Bodyfile => "Bodyfile",
        }
    }

    /// The usual file name ending.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Dfxml => "dfxml.xml",
            Self::CaseUco => "case.jsonld",
            Self::TimelineCsv => "timeline.csv",
            Self::Bodyfile => "body",
        }
    }
}

/// What to write, and how.
#[derive(Debug, Clone)]
pub(crate) struct OutputOrder {
    /// The case and its passphrase.
    pub(crate) file: CaseFile,
    /// Who exports (custody entries are written in this name).
    pub(crate) examiner: String,
    /// Where the document or bundle goes.
    pub(crate) out: PathBuf,
    /// Only tagged files.
    pub(crate) tagged_only: bool,
    /// Verify the chain and re-hash the evidence first.
    pub(crate) verify: bool,
}

/// A document or bundle being written on a worker thread.
pub(crate) struct OutputJob {
    result: Receiver<Result<String, String>>,
}

impl OutputJob {
    /// Writes the document of `format`; the result says where and how large.
    pub(crate) fn report(order: OutputOrder, format: DocumentFormat, ctx: &egui::Context) -> Self {
        Self::spawn(ctx, move || write_document(&order, format))
    }

    /// Writes the export bundle and records it in the custody log.
    pub(crate) fn export(order: OutputOrder, ctx: &egui::Context) -> Self {
        Self::spawn(ctx, move || write_bundle(&order))
    }

    fn spawn(
        ctx: &egui::Context,
        work: impl FnOnce() -> Result<String, String> + Send + 'static,
    ) -> Self {
        let (sender, result) = sync_channel(1);
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            // The receiver is gone only when the dialog was dropped.
            sender.send(work()).ok();
            ctx.request_repaint();
        });
        Self { result }
    }

    /// The outcome, once the work is done.
    pub(crate) fn poll(&self) -> Option<Result<String, String>> {
        self.result.try_recv().ok()
    }
}

/// The creator written into documents: this app on this host.
fn creator(examiner: &str) -> Creator {
    let session = gui_session(examiner);
    Creator::this_tool(session.command_line, session.host)
}

/// Verifies the case when asked (as the CLI does unless `--no-verify`).
fn verification(order: &OutputOrder) -> Result<Option<VerifyReport>, String> {
    if !order.verify {
        return Ok(None);
    }
    let options = VerifyOptions {
        expect_head: None,
        threads: 0,
        passphrase: order.file.passphrase.as_ref(),
    };
    verify_case_opts(
        &order.file.path,
        &options,
        &mut NoSink,
        &AtomicBool::new(false),
    )
    .map(Some)
    .map_err(|e| format!("cannot verify the case: {e}"))
}

/// `path` and its size, for the result message.
fn written(path: &Path) -> String {
    let len_bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    format!("{} ({len_bytes} bytes)", path.display())
}

fn write_document(order: &OutputOrder, format: DocumentFormat) -> Result<String, String> {
    let verified = verification(order)?;
    let case = order.file.open()?;
    let options = ReportOptions {
        tagged_only: order.tagged_only,
    };
    let data = ReportData::load(&case, options, verified.as_ref()).map_err(|e| e.to_string())?;
    let creator = creator(&order.examiner);
    let out = &order.out;
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
    let mut writer = BufWriter::new(file);
    let result = match format {
        DocumentFormat::Html => {
            let mut reader = ContentReader::new(&data, None);
            write_html(&data, &creator, Some(&mut reader), &mut writer)
        }
        DocumentFormat::Dfxml => write_dfxml(&data, &creator, &mut writer),
        DocumentFormat::CaseUco => write_case_uco(&data, &creator, &mut writer),
        DocumentFormat::TimelineCsv => write_timeline_csv(&case_timeline(&data), &mut writer),
        DocumentFormat::Bodyfile => case_bodyfile_lines(&data)
            .iter()
            .try_for_each(|line| writeln!(writer, "{line}")),
    }
    .and_then(|()| writer.flush());
    drop(writer);
    if let Err(error) = result.and_then(|()| std::fs::rename(&partial, out)) {
        let _ = std::fs::remove_file(&partial);
        return Err(format!("cannot write {}: {error}", out.display()));
    }
    Ok(format!(
        "{} written to {}: {} files; chain head {}",
        format.label(),
        written(out),
        data.files.len(),
        data.chain_head.as_deref().unwrap_or("(empty)")
    ))
}

fn write_bundle(order: &OutputOrder) -> Result<String, String> {
    let verified = verification(order)?;
    let mut case = order.file.open_as(&order.examiner)?;
    let options = ExportOptions {
        tagged_only: order.tagged_only,
        file_system_opener: None,
    };
    let creator = creator(&order.examiner);
    let summary = export_bundle(&mut case, &order.out, &creator, verified.as_ref(), &options)
        .map_err(|e| e.to_string())?;
    let mut message = format!(
        "bundle written to {}: {} files; manifest sha256 {} recorded as custody entry {}",
        written(&order.out),
        summary.files_exported,
        summary.manifest_sha256,
        summary.custody_seq
    );
    for differing in &summary.differing_from_case {
        message.push_str(&format!(
            "\nwarning: exported content of object {differing} differs from its ingest digest"
        ));
    }
    for missing in &summary.not_exported {
        message.push_str(&format!(
            "\nnot exported: object {} {}: {}",
            missing.object_id, missing.original_path, missing.reason
        ));
    }
    Ok(message)
}
