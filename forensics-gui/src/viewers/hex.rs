//! The hex view: offset, sixteen bytes, their ASCII; only the rows on
//! screen are drawn and only their 64 KiB pages are read. Very large files
//! are shown through a 4 MiB window that the examiner moves or jumps.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use eframe::egui::{self, RichText, TextStyle};

use crate::content::ContentRequest;

/// Bytes per row.
pub(crate) const BYTES_PER_ROW: u64 = 16;
/// Bytes per read request.
pub(crate) const PAGE_BYTES: u64 = 64 << 10;
/// Bytes scrollable at once (keeps row positions exact in `f32`).
pub(crate) const WINDOW_BYTES: u64 = 4 << 20;
/// Pages kept in memory at most.
const MAX_PAGES: usize = 128;

/// State of the hex view of one file.
#[derive(Default)]
pub(crate) struct HexView {
    object_id: Option<i64>,
    size: u64,
    window_start: u64,
    pages: BTreeMap<u64, Vec<u8>>,
    requested: BTreeSet<u64>,
    error: Option<String>,
    jump_text: String,
    scroll_to_row: Option<u64>,
}

impl HexView {
    /// Shows file `object_id` of `size` bytes from its start.
    pub(crate) fn set_file(&mut self, object_id: i64, size: u64) {
        *self = Self {
            object_id: Some(object_id),
            size,
            ..Self::default()
        };
    }

    /// Takes a page read by the content worker.
    pub(crate) fn set_page(&mut self, object_id: i64, offset: u64, data: Result<Vec<u8>, String>) {
        if self.object_id != Some(object_id) {
            return;
        }
        self.requested.remove(&offset);
        match data {
            Ok(bytes) => {
                if self.pages.len() >= MAX_PAGES {
                    self.pages.clear();
                }
                self.pages.insert(offset, bytes);
            }
            Err(error) => self.error = Some(error),
        }
    }

    /// Moves the view so that `offset` is on screen.
    pub(crate) fn jump_to(&mut self, offset: u64) {
        let offset = offset.min(self.size.saturating_sub(1));
        self.window_start = offset / WINDOW_BYTES * WINDOW_BYTES;
        self.scroll_to_row = Some((offset - self.window_start) / BYTES_PER_ROW);
    }

    /// Draws the view; pushes the reads it needs.
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui, requests: &mut Vec<ContentRequest>) {
        let Some(object_id) = self.object_id else {
            ui.weak("Select a file to see its bytes.");
            return;
        };
        self.toolbar(ui);
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        let window_end = self
            .size
            .min(self.window_start.saturating_add(WINDOW_BYTES));
        let rows =
            usize::try_from((window_end - self.window_start).div_ceil(BYTES_PER_ROW)).unwrap_or(0);
        let row_height = ui.text_style_height(&TextStyle::Monospace);
        let mut area = egui::ScrollArea::vertical()
            .id_salt("hex_scroll")
            .auto_shrink([false, false]);
        if let Some(row) = self.scroll_to_row.take() {
            let spacing = ui.spacing().item_spacing.y;
            area = area.vertical_scroll_offset(row as f32 * (row_height + spacing));
        }
        area.show_rows(ui, row_height, rows, |ui, visible| {
            for row in visible {
                let offset = self.window_start + row as u64 * BYTES_PER_ROW;
                let line = self.line(object_id, offset, requests);
                ui.add(egui::Label::new(RichText::new(line).monospace()).extend());
            }
        });
    }

    fn toolbar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let label = ui.label("Jump to offset:");
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.jump_text).desired_width(120.0))
                .labelled_by(label.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Go").clicked() || entered {
                match parse_offset(&self.jump_text) {
                    Some(offset) => {
                        self.error = None;
                        self.jump_to(offset);
                    }
                    None => {
                        self.error = Some(format!(
                            "{:?} is not an offset (decimal or 0x hex)",
                            self.jump_text
                        ))
                    }
                }
            }
            let window_end = self
                .size
                .min(self.window_start.saturating_add(WINDOW_BYTES));
            ui.weak(format!(
                "{} bytes; showing 0x{:x}–0x{:x}",
                self.size, self.window_start, window_end
            ));
            if self.size > WINDOW_BYTES {
                if ui
                    .add_enabled(self.window_start > 0, egui::Button::new("< 4 MiB"))
                    .clicked()
                {
                    self.window_start -= WINDOW_BYTES;
                    self.scroll_to_row = Some(0);
                }
                if ui
                    .add_enabled(window_end < self.size, egui::Button::new("4 MiB >"))
                    .clicked()
                {
                    self.window_start += WINDOW_BYTES;
                    self.scroll_to_row = Some(0);
                }
            }
        });
    }

    /// The text of the row at `offset`, or a placeholder while it is read.
    fn line(&mut self, object_id: i64, offset: u64, requests: &mut Vec<ContentRequest>) -> String {
        let page = offset / PAGE_BYTES * PAGE_BYTES;
        let Some(bytes) = self.pages.get(&page) else {
            if self.requested.insert(page) {
                requests.push(ContentRequest::Read {
                    object_id,
                    offset: page,
                    len: PAGE_BYTES as usize,
                });
            }
            return format!("{offset:010x}  …");
        };
        let start = usize::try_from(offset - page).unwrap_or(usize::MAX);
        let end = start
            .saturating_add(BYTES_PER_ROW as usize)
            .min(bytes.len());
        format_row(offset, bytes.get(start..end).unwrap_or_default())
    }
}

/// `0000000010  41 42 …  |AB…|`
pub(crate) fn format_row(offset: u64, bytes: &[u8]) -> String {
    let mut line = format!("{offset:010x}  ");
    for index in 0..BYTES_PER_ROW as usize {
        match bytes.get(index) {
            Some(b) => {
                let _ = write!(line, "{b:02x} ");
            }
            None => line.push_str("   "),
        }
        if index == 7 {
            line.push(' ');
        }
    }
    line.push_str(" |");
    line.extend(bytes.iter().map(|&b| {
        if b.is_ascii_graphic() || b == b' ' {
            b as char
        } else {
            '.'
        }
    }));
    line.push('|');
    line
}

/// Decimal or `0x` hexadecimal.
pub(crate) fn parse_offset(text: &str) -> Option<u64> {
    let text = text.trim().replace('_', "");
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_show_offset_hex_and_ascii() {
        let line = format_row(0x10, b"AB\x00");
        assert!(line.starts_with("0000000010  41 42 00 "));
        assert!(line.ends_with("|AB.|"));
        assert_eq!(parse_offset("0x1f"), Some(31));
        assert_eq!(parse_offset("1_000"), Some(1000));
        assert_eq!(parse_offset("zz"), None);
    }

    #[test]
    fn jumping_moves_the_window() {
        let mut view = HexView::default();
        view.set_file(1, 10 * WINDOW_BYTES);
        view.jump_to(WINDOW_BYTES * 3 + 0x40);
        assert_eq!(view.window_start, WINDOW_BYTES * 3);
        assert_eq!(view.scroll_to_row, Some(4));
        let mut requests = Vec::new();
        let line = view.line(1, view.window_start, &mut requests);
        assert!(line.ends_with('…'));
        assert_eq!(requests.len(), 1);
    }
}
