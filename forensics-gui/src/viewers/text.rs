//! The text view: one 64 KiB page of a file read as ASCII or UTF-16LE,
//! with page buttons.

use eframe::egui::{self, RichText};

use crate::content::ContentRequest;

/// Bytes shown per page.
pub(crate) const TEXT_PAGE_BYTES: u64 = 64 << 10;

/// How the bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Encoding {
    /// One byte per character; others shown as `.`.
    #[default]
    Ascii,
    /// UTF-16 little endian (Windows strings).
    Utf16Le,
}

/// State of the text view.
#[derive(Default)]
pub(crate) struct TextView {
    object_id: Option<i64>,
    size: u64,
    page_offset: u64,
    bytes: Option<Result<Vec<u8>, String>>,
    requested: bool,
    encoding: Encoding,
}

impl TextView {
    /// Shows file `object_id` from its start.
    pub(crate) fn set_file(&mut self, object_id: i64, size: u64) {
        *self = Self {
            object_id: Some(object_id),
            size,
            encoding: self.encoding,
            ..Self::default()
        };
    }

    /// Takes bytes read by the content worker.
    pub(crate) fn set_page(&mut self, object_id: i64, offset: u64, data: Result<Vec<u8>, String>) {
        if self.object_id == Some(object_id) && offset == self.page_offset && self.requested {
            self.bytes = Some(data);
            self.requested = false;
        }
    }

    /// Draws the view; pushes the read it needs.
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui, requests: &mut Vec<ContentRequest>) {
        let Some(object_id) = self.object_id else {
            ui.weak("Select a file to read it as text.");
            return;
        };
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.encoding, Encoding::Ascii, "ASCII");
            ui.selectable_value(&mut self.encoding, Encoding::Utf16Le, "UTF-16LE");
            let end = self.size.min(self.page_offset + TEXT_PAGE_BYTES);
            ui.weak(format!(
                "bytes {}–{} of {}",
                self.page_offset, end, self.size
            ));
            if ui
                .add_enabled(self.page_offset > 0, egui::Button::new("< Previous page"))
                .clicked()
            {
                self.page_offset = self.page_offset.saturating_sub(TEXT_PAGE_BYTES);
                self.bytes = None;
            }
            if ui
                .add_enabled(end < self.size, egui::Button::new("Next page >"))
                .clicked()
            {
                self.page_offset += TEXT_PAGE_BYTES;
                self.bytes = None;
            }
        });
        match &self.bytes {
            None => {
                if !self.requested {
                    self.requested = true;
                    requests.push(ContentRequest::Read {
                        object_id,
                        offset: self.page_offset,
                        len: TEXT_PAGE_BYTES as usize,
                    });
                }
                ui.spinner();
            }
            Some(Err(error)) => {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            Some(Ok(bytes)) => {
                let text = decode_text(bytes, self.encoding);
                egui::ScrollArea::both()
                    .id_salt("text_scroll")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        ui.label(RichText::new(text).monospace());
                    });
            }
        }
    }
}

/// Printable characters kept, line breaks and tabs kept, others as `.`.
pub(crate) fn decode_text(bytes: &[u8], encoding: Encoding) -> String {
    let shown = |c: char| {
        if c == '\n' || c == '\t' || !c.is_control() {
            c
        } else {
            '.'
        }
    };
    match encoding {
        Encoding::Ascii => bytes
            .iter()
            .map(|&b| if b.is_ascii() { shown(b as char) } else { '.' })
            .collect(),
        Encoding::Utf16Le => {
            let units = bytes
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]));
            char::decode_utf16(units)
                .map(|c| c.map_or('.', shown))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_utf16_decode() {
        assert_eq!(decode_text(b"Hi\x00\xffyo\n", Encoding::Ascii), "Hi..yo\n");
        let utf16: Vec<u8> = "Größe".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode_text(&utf16, Encoding::Utf16Le), "Größe");
    }
}
