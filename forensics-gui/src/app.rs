//! Application state and the main view.

use std::path::PathBuf;

use eframe::egui;
use forensics_core::evidence::EvidenceInfo;

use crate::jobs::OpenJob;

/// The desktop app: a path field, an open button, and the evidence summary.
pub struct App {
    path_text: String,
    job: Option<OpenJob>,
    opened: Option<EvidenceInfo>,
    error: Option<String>,
}

impl App {
    /// A new app; opens `initial` right away when given.
    pub fn new(cc: &eframe::CreationContext<'_>, initial: Option<PathBuf>) -> Self {
        let mut app = Self::headless();
        if let Some(path) = initial {
            app.path_text = path.display().to_string();
            app.open(path, cc.egui_ctx.clone());
        }
        app
    }

    /// A new app without a window (tests drive it through `egui_kittest`).
    pub fn headless() -> Self {
        Self {
            path_text: String::new(),
            job: None,
            opened: None,
            error: None,
        }
    }

    /// The evidence currently shown, if any.
    pub fn opened(&self) -> Option<&EvidenceInfo> {
        self.opened.as_ref()
    }

    /// The last error message shown, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    fn open(&mut self, path: PathBuf, ctx: egui::Context) {
        self.error = None;
        self.job = Some(OpenJob::spawn(path, ctx));
    }

    fn poll_job(&mut self) {
        let Some(result) = self.job.as_ref().and_then(OpenJob::poll) else {
            return;
        };
        self.job = None;
        match result {
            Ok(info) => self.opened = Some(info),
            Err(message) => self.error = Some(message),
        }
    }

    /// Draws the whole window.
    pub fn main_ui(&mut self, ui: &mut egui::Ui) {
        self.poll_job();
        ui.heading("Forensics workbench");
        ui.horizontal(|ui| {
            let label = ui.label("Evidence file:");
            ui.add(egui::TextEdit::singleline(&mut self.path_text).desired_width(600.0))
                .labelled_by(label.id);
            let can_open = self.job.is_none() && !self.path_text.trim().is_empty();
            if ui
                .add_enabled(can_open, egui::Button::new("Open"))
                .clicked()
            {
                let path = PathBuf::from(self.path_text.trim());
                self.open(path, ui.ctx().clone());
            }
        });
        if let Some(job) = &self.job {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Opening {}…", job.path.display()));
            });
        }
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.separator();
        if let Some(info) = &self.opened {
            info_ui(ui, info);
        } else {
            ui.label("Open an E01, split raw, raw image or memory dump to see what it holds.");
        }
    }
}

fn info_ui(ui: &mut egui::Ui, info: &EvidenceInfo) {
    egui::Grid::new("evidence_info")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let mut row = |key: &str, value: String| {
                ui.label(key);
                ui.label(value);
                ui.end_row();
            };
            row("Path", info.path.display().to_string());
            row("Format", info.format.name().to_owned());
            row("Media size", format!("{} bytes", info.media_size));
            row("Sector size", format!("{} bytes", info.sector_size));
            row("Segment files", info.segment_files.len().to_string());
            for (key, value) in &info.metadata {
                row(key, value.clone());
            }
            if let Some(md5) = &info.stored_hashes.md5 {
                row("Stored MD5", md5.clone());
            }
            if let Some(sha1) = &info.stored_hashes.sha1 {
                row("Stored SHA-1", sha1.clone());
            }
            for problem in &info.problems {
                row("Problem", problem.to_string());
            }
        });
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| self.main_ui(ui));
    }
}
