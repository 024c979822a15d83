//! The "Report…" and "Export bundle…" windows: format (reports only),
//! tagged-only and verify switches, the output path, and the button that
//! starts the work on a background thread ([`crate::output_jobs`]); the
//! window then shows where the file went and its size, or the error.

use std::path::{Path, PathBuf};

use eframe::egui;

use crate::file_browser::{BrowseMode, BrowserEvent, FileBrowser};
use crate::output_jobs::{DocumentFormat, OutputJob, OutputOrder};
use crate::session::CaseFile;

/// Which window is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputKind {
    /// A report or timeline.
    Report,
    /// A sealed export bundle.
    Export,
}

/// The open window's state.
pub(crate) struct OutputDialog {
    /// Report or bundle.
    pub(crate) kind: OutputKind,
    format: DocumentFormat,
    tagged_only: bool,
    verify: bool,
    out_text: String,
    job: Option<OutputJob>,
    /// The last result: a message saying where and how large, or the error.
    pub(crate) outcome: Option<Result<String, String>>,
    /// The chooser of the output file, when open.
    browser: Option<FileBrowser>,
}

/// What the window asks of the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DialogEvent {
    /// Nothing.
    None,
    /// Work finished (the custody log may have grown).
    Finished,
    /// The examiner closed the window.
    Closed,
}

impl OutputDialog {
    /// A window for `kind`, proposing a file beside the case at `case_path`.
    pub(crate) fn new(kind: OutputKind, case_path: &Path) -> Self {
        let format = DocumentFormat::Html;
        let out = match kind {
            OutputKind::Report => proposed(case_path, format.extension()),
            OutputKind::Export => proposed(case_path, "bundle.zip"),
        };
        Self {
            kind,
            format,
            tagged_only: false,
            verify: true,
            out_text: out.display().to_string(),
            job: None,
            outcome: None,
            browser: None,
        }
    }

    /// Whether work is running.
    pub(crate) fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Draws the window; `file` and `examiner` are what the work runs with.
    pub(crate) fn ui(
        &mut self,
        ctx: &egui::Context,
        file: &CaseFile,
        examiner: &str,
    ) -> DialogEvent {
        let mut event = DialogEvent::None;
        if let Some(outcome) = self.job.as_ref().and_then(OutputJob::poll) {
            self.outcome = Some(outcome);
            self.job = None;
            event = DialogEvent::Finished;
        }
        let title = match self.kind {
            OutputKind::Report => "Report",
            OutputKind::Export => "Export bundle",
        };
        let mut open = true;
        egui::Window::new(title)
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_width(560.0)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .show(ctx, |ui| self.form_ui(ui, file, examiner));
        if let Some(browser) = &mut self.browser {
            match browser.ui(ctx) {
                BrowserEvent::None => {}
                BrowserEvent::Chosen(path) => {
                    self.out_text = path.display().to_string();
                    self.browser = None;
                }
                BrowserEvent::Cancelled => self.browser = None,
            }
        }
        if !open && !self.busy() {
            event = DialogEvent::Closed;
        }
        event
    }

    fn form_ui(&mut self, ui: &mut egui::Ui, file: &CaseFile, examiner: &str) {
        if self.kind == OutputKind::Report {
            ui.horizontal_wrapped(|ui| {
                ui.label("Format:");
                for format in DocumentFormat::ALL {
                    let before = self.format;
                    if ui
                        .selectable_value(&mut self.format, format, format.label())
                        .clicked()
                        && before != format
                    {
                        let out = PathBuf::from(self.out_text.trim());
                        self.out_text = proposed(&out, format.extension()).display().to_string();
                    }
                }
            });
        } else {
            ui.label(
                "A ZIP with the HTML report, the files, a manifest of their digests and the \
                 custody log; the manifest's SHA-256 is recorded in the custody log.",
            );
        }
        ui.checkbox(&mut self.tagged_only, "Only tagged files");
        ui.checkbox(&mut self.verify, "Verify the case first")
            .on_hover_text(
                "Re-walk the custody chain and re-hash the evidence; the report says the outcome",
            );
        let field_label = match self.kind {
            OutputKind::Report => "Report file",
            OutputKind::Export => "Bundle file",
        };
        ui.horizontal(|ui| {
            let label = ui.label(field_label);
            if ui.button("Browse…").clicked() {
                let title = match self.kind {
                    OutputKind::Report => "Save the report as",
                    OutputKind::Export => "Save the bundle as",
                };
                let start = &self.out_text;
                self.browser = Some(FileBrowser::new(title, BrowseMode::Save, start, ui.ctx()));
            }
            ui.add(egui::TextEdit::singleline(&mut self.out_text).desired_width(f32::INFINITY))
                .labelled_by(label.id);
        });
        let button = match self.kind {
            OutputKind::Report => "Write report",
            OutputKind::Export => "Export",
        };
        let ready = !self.busy() && !self.out_text.trim().is_empty();
        if ui.add_enabled(ready, egui::Button::new(button)).clicked() {
            let order = OutputOrder {
                file: file.clone(),
                examiner: examiner.to_string(),
                out: PathBuf::from(self.out_text.trim()),
                tagged_only: self.tagged_only,
                verify: self.verify,
            };
            self.outcome = None;
            self.job = Some(match self.kind {
                OutputKind::Report => OutputJob::report(order, self.format, ui.ctx()),
                OutputKind::Export => OutputJob::export(order, ui.ctx()),
            });
        }
        if self.busy() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(if self.verify {
                    "Verifying the case and writing…"
                } else {
                    "Writing…"
                });
            });
        }
        match &self.outcome {
            Some(Ok(message)) => {
                ui.label(message);
            }
            Some(Err(error)) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("Failed: {error}"));
            }
            None => {}
        }
    }
}

/// `path` with its name's ending (after the first dot) replaced by `extension`.
fn proposed(path: &Path, extension: &str) -> PathBuf {
    let stem = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .map(|n| n.split('.').next().unwrap_or_default().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "case".to_string());
    path.with_file_name(format!("{stem}.{extension}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposed_names_replace_the_whole_ending() {
        assert_eq!(
            proposed(Path::new("/x/t.case"), "html"),
            PathBuf::from("/x/t.html")
        );
        assert_eq!(
            proposed(Path::new("/x/t.dfxml.xml"), "timeline.csv"),
            PathBuf::from("/x/t.timeline.csv")
        );
        assert_eq!(proposed(Path::new(""), "body"), PathBuf::from("case.body"));
    }
}
