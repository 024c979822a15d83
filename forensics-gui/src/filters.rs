//! The filter bar above the file table: name, deleted, type, size,
//! digest, known/notable and modified time, turned into a core query.

use eframe::egui;
use forensics_core::case::{FileListQuery, FileScope};
use forensics_core::fs::Timestamp;

/// What the examiner typed into the filter bar.
#[derive(Debug, Clone, Default)]
pub(crate) struct FilterForm {
    name: String,
    deleted_only: bool,
    kind: Option<&'static str>,
    min_size: String,
    max_size: String,
    digest: String,
    hash_set_kind: Option<&'static str>,
    modified_from: String,
    modified_until: String,
}

/// A labelled single-line text field.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String, width: f32) -> egui::Response {
    let label = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(width))
        .labelled_by(label.id)
}

impl FilterForm {
    /// Draws the bar; true when the examiner asks to apply it.
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui) -> bool {
        let mut apply = false;
        let mut edited = ui
            .horizontal_wrapped(|ui| {
                let edited = field(ui, "Name contains", &mut self.name, 160.0);
                apply |= ui
                    .checkbox(&mut self.deleted_only, "Deleted only")
                    .changed();
                egui::ComboBox::from_label("Type")
                    .selected_text(self.kind.unwrap_or("any"))
                    .show_ui(ui, |ui| {
                        for kind in [
                            None,
                            Some("file"),
                            Some("directory"),
                            Some("symlink"),
                            Some("stream"),
                        ] {
                            apply |= ui
                                .selectable_value(&mut self.kind, kind, kind.unwrap_or("any"))
                                .changed();
                        }
                    });
                egui::ComboBox::from_label("Hash set")
                    .selected_text(self.hash_set_kind.unwrap_or("any"))
                    .show_ui(ui, |ui| {
                        for kind in [None, Some("known"), Some("notable")] {
                            apply |= ui
                                .selectable_value(
                                    &mut self.hash_set_kind,
                                    kind,
                                    kind.unwrap_or("any"),
                                )
                                .changed();
                        }
                    });
                edited
            })
            .inner;
        ui.horizontal_wrapped(|ui| {
            edited = edited.union(field(ui, "Min bytes", &mut self.min_size, 70.0));
            edited = edited.union(field(ui, "Max bytes", &mut self.max_size, 70.0));
            edited = edited.union(field(ui, "Digest starts", &mut self.digest, 100.0));
            edited = edited.union(field(ui, "Modified from", &mut self.modified_from, 85.0));
            edited = edited.union(field(ui, "until", &mut self.modified_until, 85.0));
            apply |= edited.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            apply |= ui.button("Apply filter").clicked();
            if ui.button("Clear").clicked() {
                *self = Self::default();
                apply = true;
            }
        });
        apply
    }

    /// The core query for `scope`, or what in the form is not understood.
    pub(crate) fn query(&self, scope: FileScope) -> Result<FileListQuery, String> {
        let size = |text: &str, what: &str| -> Result<Option<u64>, String> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse()
                .map(Some)
                .map_err(|_| format!("{what} must be a whole number of bytes"))
        };
        let digest = self.digest.trim();
        if !digest.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err("a digest is hexadecimal".into());
        }
        Ok(FileListQuery {
            scope,
            name_contains: Some(self.name.trim().to_string()).filter(|s| !s.is_empty()),
            deleted_only: self.deleted_only,
            kind: self.kind.map(str::to_string),
            min_size: size(&self.min_size, "Min bytes")?,
            max_size: size(&self.max_size, "Max bytes")?,
            digest_prefix: Some(digest.to_string()).filter(|s| !s.is_empty()),
            hash_set_kind: self.hash_set_kind.map(str::to_string),
            modified_from: parse_day(&self.modified_from)?,
            modified_until: parse_day(&self.modified_until)?,
        })
    }
}

/// `YYYY-MM-DD` (UTC midnight) or nothing.
pub(crate) fn parse_day(text: &str) -> Result<Option<Timestamp>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{text:?} is not a date like 2024-03-31");
    let mut parts = text.split('-');
    let mut next = |max: i64| -> Result<i64, String> {
        let value: i64 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        if (1..=max).contains(&value) {
            Ok(value)
        } else {
            Err(bad())
        }
    };
    let (year, month, day) = (next(9999)?, next(12)?, next(31)?);
    // Days from civil (proleptic Gregorian), as in Howard Hinnant's algorithm.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Ok(Timestamp::from_unix_seconds(days * 86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_to_utc_midnight() {
        assert_eq!(
            parse_day("1970-01-02").unwrap().unwrap().unix_ns,
            86_400_000_000_000
        );
        assert_eq!(
            parse_day("2024-03-01").unwrap().unwrap().unix_ns / 1_000_000_000,
            1_709_251_200
        );
        assert!(parse_day("2024-13-01").is_err());
        assert!(parse_day("").unwrap().is_none());
    }

    #[test]
    fn form_rejects_bad_sizes_and_digests() {
        let mut form = FilterForm {
            min_size: "12".into(),
            ..FilterForm::default()
        };
        assert_eq!(form.query(FileScope::Case).unwrap().min_size, Some(12));
        form.min_size = "lots".into();
        assert!(form.query(FileScope::Case).is_err());
        form.min_size.clear();
        form.digest = "xyz".into();
        assert!(form.query(FileScope::Case).is_err());
    }
}
