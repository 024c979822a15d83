//! The picture preview: decoded on the content worker, shown as a texture,
//! blurred unless the examiner turns blurring off.

use eframe::egui::{self, ColorImage, TextureHandle, TextureOptions};

use crate::content::ContentRequest;

/// State of the preview of one file.
#[derive(Default)]
pub(crate) struct PreviewView {
    object_id: Option<i64>,
    requested: bool,
    textures: Option<[TextureHandle; 2]>,
    error: Option<String>,
}

impl PreviewView {
    /// Shows file `object_id` (decoded when first drawn).
    pub(crate) fn set_file(&mut self, object_id: i64) {
        *self = Self {
            object_id: Some(object_id),
            ..Self::default()
        };
    }

    /// Takes a decoded picture.
    pub(crate) fn set_picture(
        &mut self,
        ctx: &egui::Context,
        object_id: i64,
        picture: Result<[ColorImage; 2], String>,
    ) {
        if self.object_id != Some(object_id) {
            return;
        }
        match picture {
            Ok([sharp, blurred]) => {
                let name = format!("preview-{object_id}");
                self.textures = Some([
                    ctx.load_texture(name.clone(), sharp, TextureOptions::LINEAR),
                    ctx.load_texture(name + "-blurred", blurred, TextureOptions::LINEAR),
                ]);
            }
            Err(error) => self.error = Some(error),
        }
    }

    /// Draws the preview; pushes the decode it needs.
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui, blur: bool, requests: &mut Vec<ContentRequest>) {
        let Some(object_id) = self.object_id else {
            ui.weak("Select a picture to preview it.");
            return;
        };
        if let Some(error) = &self.error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Cannot show as a picture: {error}"),
            );
            return;
        }
        let Some(textures) = &self.textures else {
            if !self.requested {
                self.requested = true;
                requests.push(ContentRequest::Picture(object_id));
            }
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Decoding picture…");
            });
            return;
        };
        let texture = &textures[usize::from(blur)];
        if blur {
            ui.weak("Blurred: untick \"Blur pictures\" to see it.");
        }
        let size = texture.size_vec2();
        let room = ui.available_size();
        let scale = (room.x / size.x).min(room.y / size.y).min(1.0);
        egui::ScrollArea::both()
            .id_salt("preview_scroll")
            .show(ui, |ui| {
                ui.add(egui::Image::new(texture).fit_to_exact_size(size * scale));
            });
    }
}
