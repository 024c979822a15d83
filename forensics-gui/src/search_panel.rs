//! Search across the case: a field in the top bar sends the text to the
//! case worker ([`forensics_core::case::Case::search`]); the Search tab
//! lists the files, features and notes found, and a click on a hit that
//! belongs to a file selects that file.

use eframe::egui;
use forensics_core::case::{SearchHits, SearchResults};

use crate::worker::Request;

/// Most hits of each kind the worker fetches.
pub(crate) const SEARCH_HITS_PER_KIND: usize = 200;

/// The search field, the search running and its results.
#[derive(Default)]
pub(crate) struct SearchPanel {
    /// The text in the field.
    pub(crate) text: String,
    generation: u64,
    /// Whether a search is running.
    pub(crate) loading: bool,
    /// The text last searched for and what it found (or why it failed).
    pub(crate) results: Option<(String, Result<SearchResults, String>)>,
}

impl SearchPanel {
    /// The field and its button; the request to send when the examiner
    /// searches (button or Enter).
    pub(crate) fn bar_ui(&mut self, ui: &mut egui::Ui) -> Option<Request> {
        let label = ui.label("Search");
        let field = ui
            .add(egui::TextEdit::singleline(&mut self.text).desired_width(220.0))
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let ready = !self.text.trim().is_empty();
        let clicked = ui
            .add_enabled(ready, egui::Button::new("Find"))
            .on_hover_text("Search file names and paths, feature values and notes")
            .clicked();
        if !(ready && (clicked || entered)) {
            return None;
        }
        self.generation += 1;
        self.loading = true;
        Some(Request::Search {
            generation: self.generation,
            text: self.text.clone(),
        })
    }

    /// Takes the results of search `generation` (older ones are dropped).
    pub(crate) fn set_results(
        &mut self,
        generation: u64,
        text: String,
        results: Result<SearchResults, String>,
    ) {
        if generation == self.generation {
            self.loading = false;
            self.results = Some((text, results));
        }
    }

    /// The results; the object a clicked hit belongs to.
    pub(crate) fn results_ui(&self, ui: &mut egui::Ui) -> Option<i64> {
        if self.loading {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Searching…");
            });
            return None;
        }
        let Some((text, results)) = &self.results else {
            ui.weak("Type in the Search field above: file names and paths, feature values and notes are searched.");
            return None;
        };
        let results = match results {
            Ok(results) => results,
            Err(error) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Search failed: {error}"),
                );
                return None;
            }
        };
        ui.strong(format!("{} hits for \"{text}\"", results.len()));
        let mut picked = None;
        egui::ScrollArea::vertical()
            .id_salt("search_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for (title, hits) in [
                    ("Files", &results.files),
                    ("Features", &results.features),
                    ("Notes and bookmarks", &results.notes),
                ] {
                    picked = hits_ui(ui, title, hits).or(picked);
                }
            });
        picked
    }
}

/// One kind of hits under its heading; the object of a clicked hit.
fn hits_ui(ui: &mut egui::Ui, title: &str, hits: &SearchHits) -> Option<i64> {
    ui.separator();
    let capped = if hits.capped {
        format!(" (first {} shown: refine the search)", hits.hits.len())
    } else {
        String::new()
    };
    ui.strong(format!("{title}: {}{capped}", hits.hits.len()));
    let mut picked = None;
    for hit in &hits.hits {
        ui.horizontal(|ui| {
            match hit.object_id {
                Some(object_id) => {
                    if ui
                        .link(&hit.label)
                        .on_hover_text(format!("Select object {object_id}"))
                        .clicked()
                    {
                        picked = Some(object_id);
                    }
                }
                None => {
                    ui.label(&hit.label);
                }
            }
            ui.weak(&hit.context);
        });
    }
    picked
}
