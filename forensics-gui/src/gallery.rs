//! The gallery: the pictures of the current listing as thumbnails, made
//! on a thumbnail worker only for the rows on screen, blurred unless the
//! examiner turns blurring off.

use std::collections::{BTreeMap, BTreeSet};

use eframe::egui::{self, ColorImage, TextureHandle, TextureOptions};

use crate::content::{ContentRequest, ContentWorker};
use crate::file_table::FileTable;
use crate::picture::{THUMB_SIDE, is_picture_name};

/// Thumbnails kept at most; the cache is emptied beyond.
const MAX_THUMBNAILS: usize = 2000;
/// Side of one gallery cell, in points.
const CELL_SIDE: f32 = THUMB_SIDE as f32 + 12.0;

/// The gallery's thumbnails.
#[derive(Default)]
pub(crate) struct Gallery {
    thumbnails: BTreeMap<i64, Result<[TextureHandle; 2], String>>,
    requested: BTreeSet<i64>,
}

impl Gallery {
    /// Takes thumbnails made by the worker.
    pub(crate) fn set_thumbnail(
        &mut self,
        ctx: &egui::Context,
        object_id: i64,
        made: Result<[ColorImage; 2], String>,
    ) {
        self.requested.remove(&object_id);
        if self.thumbnails.len() >= MAX_THUMBNAILS {
            self.thumbnails.clear();
        }
        let textures = made.map(|[sharp, blurred]| {
            let name = format!("thumb-{object_id}");
            [
                ctx.load_texture(name.clone(), sharp, TextureOptions::LINEAR),
                ctx.load_texture(name + "-blurred", blurred, TextureOptions::LINEAR),
            ]
        });
        self.thumbnails.insert(object_id, textures);
    }

    /// Draws the gallery of `table`'s pictures; returns a picture clicked.
    pub(crate) fn ui(
        &mut self,
        ui: &mut egui::Ui,
        table: &FileTable,
        blur: bool,
        worker: &ContentWorker,
    ) -> Option<i64> {
        let pictures: Vec<(i64, String, bool)> = table
            .visible_rows()
            .filter(|r| r.kind == "file" && r.size > 0 && is_picture_name(r.name()))
            .map(|r| (r.object_id, r.name().to_string(), r.deleted))
            .collect();
        ui.label(format!(
            "{} pictures in this listing (by name: .jpg, .jpeg, .png, .gif){}",
            pictures.len(),
            if blur { " — blurred" } else { "" }
        ));
        if pictures.is_empty() {
            return None;
        }
        let per_row = ((ui.available_width() / CELL_SIDE).floor() as usize).max(1);
        let rows = pictures.len().div_ceil(per_row);
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("gallery_scroll")
            .auto_shrink([false, false])
            .show_rows(ui, CELL_SIDE + 18.0, rows, |ui, visible| {
                for row in visible {
                    ui.horizontal(|ui| {
                        let start = row * per_row;
                        let end = (start + per_row).min(pictures.len());
                        for (object_id, name, deleted) in
                            pictures.get(start..end).unwrap_or_default()
                        {
                            if self.cell(
                                ui,
                                *object_id,
                                name,
                                *deleted,
                                blur,
                                table.selected,
                                worker,
                            ) {
                                clicked = Some(*object_id);
                            }
                        }
                    });
                }
            });
        clicked
    }

    #[allow(clippy::too_many_arguments)]
    fn cell(
        &mut self,
        ui: &mut egui::Ui,
        object_id: i64,
        name: &str,
        deleted: bool,
        blur: bool,
        selected: Option<i64>,
        worker: &ContentWorker,
    ) -> bool {
        ui.allocate_ui(egui::vec2(CELL_SIDE, CELL_SIDE + 18.0), |ui| {
            ui.vertical_centered(|ui| {
                let side = egui::vec2(THUMB_SIDE as f32, THUMB_SIDE as f32);
                let clicked = match self.thumbnails.get(&object_id) {
                    Some(Ok(textures)) => {
                        let image = egui::Image::new(&textures[usize::from(blur)]).max_size(side);
                        let button =
                            egui::Button::image(image).selected(selected == Some(object_id));
                        ui.add(button).on_hover_text(name).clicked()
                    }
                    Some(Err(error)) => {
                        let button = egui::Button::new("not decodable").min_size(side);
                        ui.add(button).on_hover_text(error.as_str()).clicked()
                    }
                    None => {
                        if self.requested.insert(object_id) {
                            worker.send(ContentRequest::Thumbnail(object_id));
                        }
                        ui.add_sized(side, egui::Spinner::new());
                        false
                    }
                };
                let mut text = egui::RichText::new(name).small();
                if deleted {
                    text = text.color(ui.visuals().error_fg_color);
                }
                ui.add(egui::Label::new(text).truncate());
                clicked
            })
            .inner
        })
        .inner
    }
}
