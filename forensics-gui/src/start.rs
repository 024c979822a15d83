//! The start screen: create a case (case number, title, examiner, file) or
//! open one, with the recent cases remembered between runs.

use std::path::PathBuf;

use eframe::egui;
use forensics_core::case::{CaseInfo, MIN_PASSPHRASE_CHARS, Passphrase};
use serde::{Deserialize, Serialize};

use crate::session::{CaseFile, OpenRequest};

/// Recent cases remembered at most.
const MAX_RECENT: usize = 10;

/// A case opened before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentCase {
    /// The case file.
    pub path: PathBuf,
    /// Its case number and title, as shown.
    pub label: String,
}

/// What the start screen keeps between frames (and runs).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StartScreen {
    /// Case file to create.
    pub new_path: String,
    /// Case number of the new case.
    pub case_number: String,
    /// Title of the new case.
    pub title: String,
    /// The examiner working (for every custody entry).
    pub examiner: String,
    /// Encrypt the new case file (SQLCipher) with `new_passphrase`.
    pub encrypt: bool,
    /// Passphrase of the new encrypted case (never saved).
    #[serde(skip)]
    pub new_passphrase: String,
    /// Case file to open.
    pub open_path: String,
    /// Passphrase of the case to open, when it is encrypted (never saved).
    #[serde(skip)]
    pub open_passphrase: String,
    /// Recent cases, newest first.
    pub recent: Vec<RecentCase>,
    /// A "Browse…" button was clicked for this field (the app opens the
    /// file chooser).
    #[serde(skip)]
    pub(crate) browse: Option<PathField>,
}

/// The start screen's path fields that a file chooser can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathField {
    /// The case file to create.
    NewCase,
    /// The case file to open.
    OpenCase,
}

/// A labelled path field with a "Browse…" button in a grid row; whether
/// the button was clicked.
fn grid_path_field(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str) -> bool {
    let label = ui.label(label);
    let clicked = ui
        .horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(text)
                    .desired_width(420.0)
                    .hint_text(hint),
            )
            .labelled_by(label.id);
            ui.button("Browse…").clicked()
        })
        .inner;
    ui.end_row();
    clicked
}

/// A labelled single-line field in a grid row.
fn grid_field(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str) {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .desired_width(420.0)
            .hint_text(hint),
    )
    .labelled_by(label.id);
    ui.end_row();
}

/// A labelled passphrase field (characters hidden) in a grid row.
fn grid_secret(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str) {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .password(true)
            .desired_width(420.0)
            .hint_text(hint),
    )
    .labelled_by(label.id);
    ui.end_row();
}

/// `Some` passphrase when `text` is not empty.
fn passphrase_of(text: &str) -> Option<Passphrase> {
    (!text.is_empty()).then(|| Passphrase::new(text))
}

impl StartScreen {
    /// Remembers `path` as the most recent case.
    pub fn remember(&mut self, path: PathBuf, label: String) {
        self.recent.retain(|r| r.path != path);
        self.recent.insert(0, RecentCase { path, label });
        self.recent.truncate(MAX_RECENT);
    }

    /// Draws the screen; returns what the examiner asked for.
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui, busy: bool) -> Option<OpenRequest> {
        let mut request = None;
        ui.heading("Forensics workbench");
        ui.label("Every action you take is recorded in the case's custody log under your name.");
        ui.add_space(8.0);
        egui::Grid::new("examiner_grid")
            .num_columns(2)
            .show(ui, |ui| {
                grid_field(
                    ui,
                    "Examiner",
                    &mut self.examiner,
                    "your name as it goes into the custody log",
                );
            });
        let has_examiner = !self.examiner.trim().is_empty();
        ui.add_space(12.0);
        ui.group(|ui| {
            ui.strong("New case");
            egui::Grid::new("new_case_grid")
                .num_columns(2)
                .show(ui, |ui| {
                    grid_field(
                        ui,
                        "Case number",
                        &mut self.case_number,
                        "e.g. 2024-CY-0042",
                    );
                    grid_field(ui, "Title", &mut self.title, "short description");
                    if grid_path_field(
                        ui,
                        "Case file",
                        &mut self.new_path,
                        "/cases/2024-CY-0042.case",
                    ) {
                        self.browse = Some(PathField::NewCase);
                    }
                    ui.label("");
                    ui.checkbox(&mut self.encrypt, "Encrypt the case file");
                    ui.end_row();
                    if self.encrypt {
                        grid_secret(
                            ui,
                            "New passphrase",
                            &mut self.new_passphrase,
                            "asked again whenever the case is opened",
                        );
                    }
                });
            let passphrase_ok =
                !self.encrypt || self.new_passphrase.chars().count() >= MIN_PASSPHRASE_CHARS;
            if !passphrase_ok {
                ui.weak(format!(
                    "An encrypted case needs a passphrase of at least {MIN_PASSPHRASE_CHARS} characters."
                ));
            }
            let ready = has_examiner
                && !busy
                && passphrase_ok
                && !self.case_number.trim().is_empty()
                && !self.new_path.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new("Create case"))
                .clicked()
            {
                let passphrase = if self.encrypt {
                    passphrase_of(&self.new_passphrase)
                } else {
                    None
                };
                request = Some(OpenRequest::Create {
                    file: CaseFile {
                        path: PathBuf::from(self.new_path.trim()),
                        passphrase,
                    },
                    info: CaseInfo {
                        case_number: self.case_number.trim().to_string(),
                        title: self.title.trim().to_string(),
                        examiner: self.examiner.trim().to_string(),
                    },
                });
            }
        });
        ui.add_space(12.0);
        ui.group(|ui| {
            ui.strong("Open a case");
            egui::Grid::new("open_case_grid")
                .num_columns(2)
                .show(ui, |ui| {
                    if grid_path_field(
                        ui,
                        "Case file to open",
                        &mut self.open_path,
                        "path of an existing case",
                    ) {
                        self.browse = Some(PathField::OpenCase);
                    }
                    grid_secret(
                        ui,
                        "Passphrase",
                        &mut self.open_passphrase,
                        "only for an encrypted case",
                    );
                });
            let ready = has_examiner && !busy && !self.open_path.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new("Open case"))
                .clicked()
            {
                request = Some(self.open_request(PathBuf::from(self.open_path.trim())));
            }
            if !self.recent.is_empty() {
                ui.add_space(6.0);
                ui.label("Recent cases:");
                for recent in self.recent.clone() {
                    let text = format!("{}  —  {}", recent.label, recent.path.display());
                    if ui
                        .add_enabled(has_examiner && !busy, egui::Button::new(text))
                        .clicked()
                    {
                        request = Some(self.open_request(recent.path.clone()));
                    }
                }
            }
            if !has_examiner {
                ui.weak("Name the examiner above to create or open a case.");
            }
        });
        request
    }

    /// The text of `field`.
    pub(crate) fn path_text(&mut self, field: PathField) -> &mut String {
        match field {
            PathField::NewCase => &mut self.new_path,
            PathField::OpenCase => &mut self.open_path,
        }
    }

    fn open_request(&self, path: PathBuf) -> OpenRequest {
        OpenRequest::Open {
            file: CaseFile {
                path,
                passphrase: passphrase_of(&self.open_passphrase),
            },
            examiner: self.examiner.trim().to_string(),
        }
    }
}
