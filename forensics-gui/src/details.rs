//! The details of the selected file: every field the case holds for it.

use eframe::egui::{self, RichText};
use forensics_core::case::FileRow;

/// Draws the details grid of `file`.
pub(crate) fn details_ui(ui: &mut egui::Ui, file: &FileRow) {
    egui::Grid::new("file_details")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let mut row = |key: &str, value: String| {
                ui.label(key);
                ui.label(RichText::new(value).monospace());
                ui.end_row();
            };
            row("Object id", file.object_id.to_string());
            row("Path", file.path.clone());
            row("Entry id", file.entry_id.clone());
            row("Kind", file.kind.clone());
            row("Size", format!("{} bytes", file.size));
            row(
                "Deleted",
                if file.deleted {
                    "yes".into()
                } else {
                    "no".into()
                },
            );
            let partition = file
                .partition_index
                .map_or_else(|| "whole medium".to_string(), |p| p.to_string());
            row("Partition", partition);
            let time = |t: Option<forensics_core::fs::Timestamp>| {
                t.map(|t| t.to_rfc3339()).unwrap_or_default()
            };
            row("Modified", time(file.modified));
            row("Accessed", time(file.accessed));
            row("Changed", time(file.changed));
            row("Created", time(file.created));
            let digest = |d: &Option<String>| d.clone().unwrap_or_else(|| "—".into());
            row("MD5", digest(&file.md5));
            row("SHA-1", digest(&file.sha1));
            row("SHA-256", digest(&file.sha256));
            row("BLAKE3", digest(&file.blake3));
            row("Hash sets", file.hash_sets.join(", "));
            row("Tags", file.tags.join(", "));
        });
}
