//! Tags, notes and bookmarks on the selected item: each is written by the
//! case worker through the core, which records it in the custody log.

use eframe::egui;
use forensics_core::case::{FileRow, NoteRow};

use crate::worker::Request;

/// What the examiner is typing.
#[derive(Default)]
pub(crate) struct TagPanel {
    tag_text: String,
    note_text: String,
}

/// A labelled single-line field.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String) -> egui::Response {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.add(egui::TextEdit::singleline(text).desired_width(ui.available_width()))
            .labelled_by(label.id)
    })
    .inner
}

impl TagPanel {
    /// Draws the panel for `object_id`; returns the writes asked for.
    pub(crate) fn ui(
        &mut self,
        ui: &mut egui::Ui,
        object_id: Option<i64>,
        detail: Option<&FileRow>,
        notes: &[NoteRow],
    ) -> Vec<Request> {
        let mut requests = Vec::new();
        let Some(object_id) = object_id else {
            ui.weak("Select a file or a tree item to tag it or write a note.");
            return requests;
        };
        if let Some(file) = detail {
            ui.horizontal_wrapped(|ui| {
                ui.label("Tags:");
                if file.tags.is_empty() {
                    ui.weak("none");
                }
                for tag in &file.tags {
                    ui.label(egui::RichText::new(format!("[{tag}]")).strong());
                }
            });
        }
        field(ui, "Tag", &mut self.tag_text);
        let tag = self.tag_text.trim().to_string();
        if ui
            .add_enabled(!tag.is_empty(), egui::Button::new("Add tag"))
            .clicked()
        {
            requests.push(Request::Tag { object_id, tag });
            self.tag_text.clear();
        }
        field(ui, "Note", &mut self.note_text);
        let text = self.note_text.trim().to_string();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!text.is_empty(), egui::Button::new("Add note"))
                .clicked()
            {
                requests.push(Request::Note {
                    object_id: Some(object_id),
                    text: text.clone(),
                    bookmark: false,
                });
                self.note_text.clear();
            }
            if ui.button("Bookmark").clicked() {
                let text = if text.is_empty() {
                    "bookmark".to_string()
                } else {
                    text.clone()
                };
                requests.push(Request::Note {
                    object_id: Some(object_id),
                    text,
                    bookmark: true,
                });
                self.note_text.clear();
            }
        });
        for note in notes.iter().filter(|n| n.object_id == Some(object_id)) {
            let kind = if note.bookmark { "Bookmark:" } else { "Note:" };
            ui.label(format!(
                "{kind} {} — {} {}",
                note.text, note.examiner, note.at_utc
            ));
        }
        requests
    }
}
