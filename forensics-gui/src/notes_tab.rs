//! The "Notes & bookmarks" tab: every note and bookmark of the case, each
//! with a link to its object, and the problems recorded during ingest.

use eframe::egui;

use crate::workbench::{Tab, Workbench};

impl Workbench {
    pub(crate) fn notes_ui(&mut self, ui: &mut egui::Ui) {
        let notes = self.custody.notes.clone();
        if notes.is_empty() {
            ui.weak("No notes or bookmarks yet: select an item and write one on the right.");
        }
        let mut go_to = None;
        egui::ScrollArea::vertical()
            .id_salt("notes_scroll")
            .show(ui, |ui| {
                for note in &notes {
                    ui.horizontal(|ui| {
                        ui.strong(if note.bookmark { "Bookmark" } else { "Note" });
                        ui.label(format!(
                            "{} — {}, {}",
                            note.text, note.examiner, note.at_utc
                        ));
                        if let Some(id) = note.object_id
                            && ui.small_button(format!("object {id}")).clicked()
                        {
                            go_to = Some(id);
                        }
                    });
                }
                if !self.custody.problems.is_empty() {
                    ui.separator();
                    ui.strong(format!(
                        "{} problems recorded during ingest",
                        self.custody.problems.len()
                    ));
                    for problem in &self.custody.problems {
                        ui.label(format!("object {}: {}", problem.object_id, problem.message));
                    }
                }
            });
        if let Some(id) = go_to {
            self.tab = Tab::Files;
            self.select_file(id);
        }
    }
}
