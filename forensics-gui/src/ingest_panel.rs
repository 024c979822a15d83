//! The "Add evidence" panel: a path field, drag-and-drop, and the queue
//! with progress, rate, ETA and cancel.

use std::path::PathBuf;

use eframe::egui;

use crate::file_browser::{BrowseMode, BrowserEvent, FileBrowser};
use crate::ingest::{IngestQueue, human_bytes, rate_and_eta};

/// State of the panel's path field.
#[derive(Default)]
pub(crate) struct IngestPanel {
    /// The evidence path typed in.
    pub(crate) path_text: String,
    /// The "Choose evidence" window, when open.
    browser: Option<FileBrowser>,
}

impl IngestPanel {
    /// Draws the panel; queues what the examiner adds.
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui, queue: &IngestQueue) {
        let field = ui
            .horizontal(|ui| {
                let label = ui.label("Evidence path:");
                if ui.button("Browse…").clicked() {
                    self.browser = Some(FileBrowser::new(
                        "Choose evidence",
                        BrowseMode::Open,
                        &self.path_text,
                        ui.ctx(),
                    ));
                }
                ui.add(
                    egui::TextEdit::singleline(&mut self.path_text)
                        .desired_width(ui.available_width()),
                )
                .labelled_by(label.id)
            })
            .inner;
        if let Some(browser) = &mut self.browser {
            match browser.ui(ui.ctx()) {
                BrowserEvent::None => {}
                BrowserEvent::Chosen(path) => {
                    self.path_text = path.display().to_string();
                    self.browser = None;
                }
                BrowserEvent::Cancelled => self.browser = None,
            }
        }
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let ready = !self.path_text.trim().is_empty();
        if (ui
            .add_enabled(ready, egui::Button::new("Add evidence"))
            .clicked()
            || entered)
            && ready
        {
            queue.push(PathBuf::from(self.path_text.trim()), ui.ctx());
            self.path_text.clear();
        }
        ui.weak("…or drop image files onto the window.");
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        for path in dropped {
            queue.push(path, ui.ctx());
        }
        progress_ui(ui, queue);
    }
}

fn progress_ui(ui: &mut egui::Ui, queue: &IngestQueue) {
    let mut cancel = false;
    {
        let state = queue.state();
        if let Some(current) = &state.current {
            ui.separator();
            ui.label(format!("Ingesting {}", file_name(&current.path)));
            let (done, total) = current.hashed;
            if current.walk_started.is_none() {
                let fraction = if total == 0 {
                    0.0
                } else {
                    done as f32 / total as f32
                };
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .show_percentage()
                        .text(format!("hashing {}", human_bytes(done as f64))),
                );
                if let Some((rate, eta)) = rate_and_eta(current) {
                    ui.label(format!(
                        "{}/s, about {:.0} s left",
                        human_bytes(rate),
                        eta.ceil()
                    ));
                }
            } else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    let per_second = current
                        .walk_started
                        .map(|t| t.elapsed().as_secs_f64())
                        .filter(|s| *s > 0.0)
                        .map_or(0.0, |s| current.files_stored as f64 / s);
                    ui.label(format!(
                        "walking: {} files stored ({per_second:.0} files/s)",
                        current.files_stored
                    ));
                });
            }
            cancel = ui.button("Cancel ingest").clicked();
        }
        if !state.pending.is_empty() {
            ui.label(format!("Queued ({}):", state.pending.len()));
            for path in &state.pending {
                ui.weak(file_name(path));
            }
        }
        if !state.finished.is_empty() {
            ui.separator();
            for line in state.finished.iter().rev().take(5) {
                ui.small(line);
            }
        }
    }
    if cancel {
        queue.cancel_current();
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
