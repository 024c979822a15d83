//! Panels for what the carve and scan stages stored: the carved files (with
//! status, place and hash-set hits) and the feature histograms (a bar chart
//! of one kind, and every value with its count), filterable by kind and value. The rows arrive with the custody log
//! from the case worker; nothing here touches evidence.

use eframe::egui;
use egui_extras::{Column, TableBuilder};
use forensics_core::case::{CarvedRow, FeatureCount};

use crate::features_plot::KindBars;

/// Most frequent values per kind fetched for the histograms.
pub(crate) const HISTOGRAM_VALUES_PER_KIND: usize = 100;

/// Carved files and feature histograms of the open case.
#[derive(Default)]
pub(crate) struct FindingsPanel {
    /// Carved files, by evidence and offset.
    pub(crate) carved: Vec<CarvedRow>,
    /// Feature counts, by kind and descending count.
    pub(crate) histogram: Vec<FeatureCount>,
    /// Only values containing this text.
    filter: String,
    /// Only this kind (`None` = all).
    kind: Option<String>,
    /// The bars drawn by the last frame (the selected kind, or the first).
    pub(crate) plotted: Option<KindBars>,
}

impl FindingsPanel {
    /// Replaces the rows (after an ingest, a tag or a note).
    pub(crate) fn set(&mut self, carved: Vec<CarvedRow>, histogram: Vec<FeatureCount>) {
        self.carved = carved;
        self.histogram = histogram;
    }

    /// The carved-files table.
    pub(crate) fn carved_ui(&self, ui: &mut egui::Ui) {
        if self.carved.is_empty() {
            ui.weak("No carved files: add evidence with carving switched on (forensics case add --carve).");
            return;
        }
        ui.label(format!("{} carved files", self.carved.len()));
        TableBuilder::new(ui)
            .id_salt("carved_table")
            .striped(true)
            .column(Column::auto())
            .column(Column::auto())
            .column(Column::auto())
            .column(Column::auto())
            .column(Column::auto())
            .column(Column::remainder())
            .header(20.0, |mut header| {
                for title in [
                    "Object",
                    "Type",
                    "Offset",
                    "Bytes",
                    "Status",
                    "Found at / hash sets",
                ] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(18.0, self.carved.len(), |mut row| {
                    let Some(file) = self.carved.get(row.index()) else {
                        return;
                    };
                    row.col(|ui| {
                        ui.label(file.object_id.to_string());
                    });
                    row.col(|ui| {
                        ui.label(&file.file_type);
                    });
                    row.col(|ui| {
                        ui.monospace(format!("{:#x}", file.image_offset));
                    });
                    row.col(|ui| {
                        ui.label(file.len_bytes.to_string());
                    });
                    row.col(|ui| {
                        let color = if file.status == "complete" {
                            ui.visuals().text_color()
                        } else {
                            ui.visuals().warn_fg_color
                        };
                        ui.colored_label(color, &file.status);
                    });
                    row.col(|ui| {
                        let mut place = file.forensic_path.clone();
                        if !file.hash_sets.is_empty() {
                            place.push_str(&format!("  [{}]", file.hash_sets));
                        }
                        ui.monospace(place)
                            .on_hover_text(format!("SHA-256 {}", file.sha256));
                    });
                });
            });
    }

    /// The feature histograms: a bar chart of one kind, then every kind's
    /// values as bars.
    pub(crate) fn features_ui(&mut self, ui: &mut egui::Ui) {
        self.plotted = None;
        if self.histogram.is_empty() {
            ui.weak(
                "No features: add evidence with scanning switched on (forensics case add --scan).",
            );
            return;
        }
        let mut kinds: Vec<String> = self.histogram.iter().map(|e| e.kind.clone()).collect();
        kinds.dedup();
        ui.horizontal(|ui| {
            ui.label("Kind:");
            ui.selectable_value(&mut self.kind, None, "all");
            for kind in &kinds {
                ui.selectable_value(&mut self.kind, Some(kind.clone()), kind);
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Value contains:");
            ui.text_edit_singleline(&mut self.filter)
                .labelled_by(label.id);
        });
        ui.separator();
        let filter = self.filter.to_lowercase();
        let shown: Vec<&FeatureCount> = self
            .histogram
            .iter()
            .filter(|e| self.kind.as_ref().is_none_or(|kind| &e.kind == kind))
            .filter(|e| filter.is_empty() || e.value.to_lowercase().contains(&filter))
            .collect();
        if let Some(kind) = self.kind.as_ref().or(kinds.first()) {
            let bars = KindBars::of(kind, &shown);
            bars.ui(ui);
            self.plotted = Some(bars);
            ui.separator();
        }
        egui::ScrollArea::vertical()
            .id_salt("features_scroll")
            .show(ui, |ui| {
                for kind in &kinds {
                    let of_kind: Vec<&&FeatureCount> =
                        shown.iter().filter(|e| &e.kind == kind).collect();
                    let Some(top) = of_kind.first().map(|e| e.count.max(1)) else {
                        continue;
                    };
                    ui.strong(kind);
                    for entry in of_kind {
                        ui.horizontal(|ui| {
                            let fraction = entry.count as f32 / top as f32;
                            ui.add(
                                egui::ProgressBar::new(fraction)
                                    .desired_width(160.0)
                                    .text(entry.count.to_string()),
                            );
                            ui.monospace(&entry.value);
                        });
                    }
                    ui.add_space(6.0);
                }
            });
    }
}
