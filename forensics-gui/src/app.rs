//! The application shell: the start screen until a case is open, then the
//! workbench; remembers the start screen (examiner, recent cases) between
//! runs through eframe's storage.

use std::path::PathBuf;

use eframe::egui;

use forensics_core::case::{PASSPHRASE_ENV, Passphrase};

use crate::file_browser::{BrowseMode, BrowserEvent, FileBrowser};
use crate::session::{CaseFile, OpenJob, OpenRequest};
use crate::start::{PathField, StartScreen};
use crate::workbench::Workbench;

/// Key of the start screen in eframe's storage.
const STORAGE_KEY: &str = "forensics-gui/start";

/// The desktop app.
pub struct App {
    start: StartScreen,
    opening: Option<(OpenRequest, OpenJob)>,
    workbench: Option<Workbench>,
    error: Option<String>,
    /// The file chooser for a start-screen path field, when open.
    browser: Option<(PathField, FileBrowser)>,
}

impl App {
    /// A new app, with the start screen remembered from the last run;
    /// opens `initial` (a case file) right away when an examiner is known.
    pub fn new(cc: &eframe::CreationContext<'_>, initial: Option<(PathBuf, String)>) -> Self {
        let start = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, STORAGE_KEY))
            .unwrap_or_default();
        let mut app = Self::with_start(start);
        if let Some((path, examiner)) = initial {
            app.start.examiner = examiner.clone();
            let file = CaseFile {
                path,
                passphrase: std::env::var(PASSPHRASE_ENV).ok().map(Passphrase::new),
            };
            let request = OpenRequest::Open { file, examiner };
            let job = OpenJob::spawn(request.clone(), cc.egui_ctx.clone());
            app.opening = Some((request, job));
        }
        app
    }

    /// A new app without a window (tests drive it through `egui_kittest`).
    pub fn headless() -> Self {
        Self::with_start(StartScreen::default())
    }

    fn with_start(start: StartScreen) -> Self {
        Self {
            start,
            opening: None,
            workbench: None,
            error: None,
            browser: None,
        }
    }

    /// The start screen's state (examiner, recent cases).
    pub fn start_screen(&self) -> &StartScreen {
        &self.start
    }

    /// The open case's workbench, if a case is open.
    pub fn workbench(&self) -> Option<&Workbench> {
        self.workbench.as_ref()
    }

    /// The last error shown, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    fn poll_opening(&mut self, ctx: &egui::Context) {
        let Some(result) = self.opening.as_ref().and_then(|(_, job)| job.poll()) else {
            return;
        };
        let Some((request, _)) = self.opening.take() else {
            return;
        };
        match result {
            Ok(case) => {
                let examiner = self.start.examiner.trim().to_string();
                let label = match &request {
                    OpenRequest::Create { info, .. } => {
                        format!("{} {}", info.case_number, info.title)
                    }
                    OpenRequest::Open { file, .. } => file
                        .path
                        .file_stem()
                        .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
                };
                self.start.remember(request.file().path.clone(), label);
                let mut bench = Workbench::new(case, examiner, request.file().clone(), ctx);
                bench.start();
                self.workbench = Some(bench);
                self.error = None;
            }
            Err(message) => self.error = Some(message),
        }
    }

    /// Draws the whole window.
    pub fn main_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_opening(&ctx);
        if let Some(bench) = &mut self.workbench {
            if bench.ui(ui) {
                self.workbench = None;
            }
            return;
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                let busy = self.opening.is_some();
                if let Some(request) = self.start.ui(ui, busy) {
                    self.error = None;
                    let job = OpenJob::spawn(request.clone(), ctx.clone());
                    self.opening = Some((request, job));
                }
                if busy {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Opening the case…");
                    });
                }
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
            });
        });
        self.browser_ui(&ctx);
    }

    /// Opens the file chooser a "Browse…" button asked for, draws it, and
    /// puts the chosen path into its field.
    fn browser_ui(&mut self, ctx: &egui::Context) {
        if let Some(field) = self.start.browse.take() {
            let (title, mode) = match field {
                PathField::NewCase => ("New case file", BrowseMode::Save),
                PathField::OpenCase => ("Choose a case file", BrowseMode::Open),
            };
            let browser = FileBrowser::new(title, mode, self.start.path_text(field), ctx);
            self.browser = Some((field, browser));
        }
        let Some((field, browser)) = &mut self.browser else {
            return;
        };
        match browser.ui(ctx) {
            BrowserEvent::None => {}
            BrowserEvent::Chosen(path) => {
                *self.start.path_text(*field) = path.display().to_string();
                self.browser = None;
            }
            BrowserEvent::Cancelled => self.browser = None,
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.main_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, &self.start);
    }
}
