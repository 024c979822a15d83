//! The file table: compact rows held in memory, drawn virtualised (only
//! visible rows are laid out), sorted on a background thread.

use std::sync::Arc;

use eframe::egui::{self, Key, RichText};
use egui_extras::{Column, TableBuilder};
use forensics_core::fs::Timestamp;

use crate::rows::{CompactRow, NO_TIME, SortJob, SortKey, Verdict};

/// Columns: title and the key they sort by.
const COLUMNS: [(&str, SortKey); 11] = [
    ("Name", SortKey::Name),
    ("Size", SortKey::Size),
    ("Modified", SortKey::Time(0)),
    ("Accessed", SortKey::Time(1)),
    ("Changed", SortKey::Time(2)),
    ("Created", SortKey::Time(3)),
    ("Deleted", SortKey::Deleted),
    ("Hash set", SortKey::Verdict),
    ("Type", SortKey::Kind),
    ("MD5", SortKey::Md5),
    ("Path", SortKey::Path),
];

/// Height of one table row, in points.
const ROW_HEIGHT: f32 = 20.0;

/// The table's rows, order and selection.
pub(crate) struct FileTable {
    /// The listing generation the rows belong to.
    pub(crate) generation: u64,
    /// Whether a listing is being loaded.
    pub(crate) loading: bool,
    rows: Arc<Vec<CompactRow>>,
    order: Vec<u32>,
    sort: (SortKey, bool),
    sort_job: Option<SortJob>,
    /// The selected file.
    pub(crate) selected: Option<i64>,
}

impl Default for FileTable {
    fn default() -> Self {
        Self {
            generation: 0,
            loading: false,
            rows: Arc::default(),
            order: Vec::new(),
            sort: (SortKey::Path, true),
            sort_job: None,
            selected: None,
        }
    }
}

impl FileTable {
    /// Starts a new listing; returns its generation.
    pub(crate) fn begin_listing(&mut self) -> u64 {
        self.generation += 1;
        self.loading = true;
        self.generation
    }

    /// Takes the rows of listing `generation` (older ones are dropped).
    pub(crate) fn set_rows(
        &mut self,
        generation: u64,
        rows: Arc<Vec<CompactRow>>,
        ctx: &egui::Context,
    ) {
        if generation != self.generation {
            return;
        }
        self.loading = false;
        self.order = (0..u32::try_from(rows.len()).unwrap_or(u32::MAX)).collect();
        self.rows = rows;
        if self.sort != (SortKey::Path, true) {
            self.sort_job = Some(SortJob::spawn(
                self.rows.clone(),
                self.sort.0,
                self.sort.1,
                ctx.clone(),
            ));
        }
    }

    /// How many rows are listed.
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }

    /// The rows listed, in the table's order.
    pub(crate) fn visible_rows(&self) -> impl Iterator<Item = &CompactRow> {
        self.order.iter().filter_map(|i| self.rows.get(*i as usize))
    }

    /// The row of the selected file, if listed.
    pub(crate) fn selected_row(&self) -> Option<&CompactRow> {
        let selected = self.selected?;
        self.rows.iter().find(|r| r.object_id == selected)
    }

    /// The row the arrow, page, Home and End keys move the selection to,
    /// when no text field has the keyboard.
    fn keyboard_target(&self, ui: &egui::Ui) -> Option<usize> {
        if self.order.is_empty() || ui.ctx().memory(|m| m.focused().is_some()) {
            return None;
        }
        let page = (ui.available_height() / ROW_HEIGHT).max(1.0) as usize;
        let step: isize = ui.input(|i| {
            if i.key_pressed(Key::ArrowDown) {
                1
            } else if i.key_pressed(Key::ArrowUp) {
                -1
            } else if i.key_pressed(Key::PageDown) {
                page as isize
            } else if i.key_pressed(Key::PageUp) {
                -(page as isize)
            } else if i.key_pressed(Key::Home) {
                isize::MIN
            } else if i.key_pressed(Key::End) {
                isize::MAX
            } else {
                0
            }
        });
        if step == 0 {
            return None;
        }
        let last = self.order.len() - 1;
        let current = self.selected.and_then(|id| {
            self.order
                .iter()
                .position(|&i| self.rows.get(i as usize).is_some_and(|r| r.object_id == id))
        });
        Some(match (current, step) {
            (_, isize::MIN) => 0,
            (_, isize::MAX) => last,
            (None, _) => 0,
            (Some(at), step) => at.saturating_add_signed(step).min(last),
        })
    }

    /// Draws the table; returns the object id of a row newly clicked (or
    /// reached with the keyboard).
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui) -> Option<i64> {
        if let Some(order) = self.sort_job.as_ref().and_then(SortJob::poll) {
            self.order = order;
            self.sort_job = None;
        }
        let keyed = self.keyboard_target(ui);
        let mut clicked = keyed
            .and_then(|at| self.order.get(at))
            .and_then(|&i| self.rows.get(i as usize))
            .map(|row| row.object_id);
        let mut sort_by = None;
        let mut table = TableBuilder::new(ui);
        if let Some(at) = keyed {
            table = table.scroll_to_row(at, None);
        }
        let table = table
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::initial(180.0).at_least(60.0).clip(true))
            .column(Column::initial(80.0).at_least(40.0))
            .columns(Column::initial(150.0).at_least(60.0).clip(true), 4)
            .column(Column::initial(60.0))
            .column(Column::initial(70.0))
            .column(Column::initial(70.0))
            .column(Column::initial(120.0).clip(true))
            .column(Column::remainder().at_least(100.0).clip(true));
        table
            .header(ROW_HEIGHT + 2.0, |mut header| {
                for (title, key) in COLUMNS {
                    header.col(|ui| {
                        let arrow = match self.sort {
                            (k, true) if k == key => " ^",
                            (k, false) if k == key => " v",
                            _ => "",
                        };
                        if ui
                            .button(RichText::new(format!("{title}{arrow}")).strong())
                            .clicked()
                        {
                            sort_by = Some(key);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, self.order.len(), |mut row| {
                    let Some(file) = self
                        .order
                        .get(row.index())
                        .and_then(|i| self.rows.get(*i as usize))
                    else {
                        return;
                    };
                    row.set_selected(self.selected == Some(file.object_id));
                    row_cells(&mut row, file);
                    if row.response().clicked() {
                        clicked = Some(file.object_id);
                    }
                });
            });
        if let Some(key) = sort_by {
            let ascending = !(self.sort.0 == key && self.sort.1);
            self.sort = (key, ascending);
            self.sort_job = Some(SortJob::spawn(
                self.rows.clone(),
                key,
                ascending,
                ui.ctx().clone(),
            ));
        }
        if let Some(id) = clicked {
            self.selected = Some(id);
        }
        clicked
    }
}

fn row_cells(row: &mut egui_extras::TableRow<'_, '_>, file: &CompactRow) {
    let colour = |ui: &egui::Ui| {
        if file.deleted {
            Some(ui.visuals().error_fg_color)
        } else {
            None
        }
    };
    row.col(|ui| {
        let slash = if file.kind == "directory" { "/" } else { "" };
        let tag = if file.tagged { "  [tagged]" } else { "" };
        let mut text = RichText::new(format!("{}{slash}{tag}", file.name()));
        if file.kind == "directory" {
            text = text.strong();
        }
        if let Some(c) = colour(ui) {
            text = text.color(c);
        }
        ui.add(egui::Label::new(text).truncate().selectable(false));
    });
    row.col(|ui| {
        ui.add(egui::Label::new(file.size.to_string()).selectable(false));
    });
    for time in file.times_ns {
        row.col(|ui| {
            ui.add(egui::Label::new(format_time(time)).selectable(false));
        });
    }
    row.col(|ui| {
        if file.deleted {
            ui.colored_label(ui.visuals().error_fg_color, "deleted");
        }
    });
    row.col(|ui| match file.verdict {
        Verdict::Notable => {
            ui.colored_label(ui.visuals().warn_fg_color, "notable");
        }
        Verdict::Known => {
            ui.weak("known");
        }
        Verdict::None => {}
    });
    row.col(|ui| {
        ui.add(egui::Label::new(file.kind).selectable(false));
    });
    row.col(|ui| {
        ui.add(egui::Label::new(RichText::new(file.md5_hex()).monospace()).selectable(false));
    });
    row.col(|ui| {
        ui.add(egui::Label::new(&*file.path).truncate().selectable(false));
    });
}

/// `2024-03-31 12:00:00` (UTC) or empty.
pub(crate) fn format_time(unix_ns: i64) -> String {
    if unix_ns == NO_TIME {
        return String::new();
    }
    let text = Timestamp { unix_ns }.to_rfc3339();
    text.get(..19).unwrap_or(&text).replace('T', " ")
}
