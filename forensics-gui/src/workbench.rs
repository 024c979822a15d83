//! The workbench of an open case: tree and ingest on the left, files or
//! gallery or custody log in the middle, viewers and tags on the right.
//! It only sends requests to workers and draws their replies.

use std::path::PathBuf;

use eframe::egui;
use forensics_core::case::{Case, CaseInfo, FileRow, FileScope};

use crate::content::{ContentRequest, ContentWorker};
use crate::custody_panel::CustodyPanel;
use crate::file_table::FileTable;
use crate::filters::FilterForm;
use crate::findings_panel::FindingsPanel;
use crate::gallery::Gallery;
use crate::ingest::IngestQueue;
use crate::ingest_panel::IngestPanel;
use crate::output_dialog::{DialogEvent, OutputDialog, OutputKind};
use crate::picture::is_picture_name;
use crate::search_panel::SearchPanel;
use crate::session::CaseFile;
use crate::tags::TagPanel;
use crate::tree::TreeState;
use crate::viewers::{hex::HexView, preview::PreviewView, text::TextView};
use crate::worker::{CaseWorker, Request};

/// The middle of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// File table.
    Files,
    /// Picture gallery.
    Gallery,
    /// Custody log and verification.
    Custody,
    /// Notes and bookmarks.
    Notes,
    /// Carved files.
    Carved,
    /// Feature histograms.
    Features,
    /// Search results.
    Search,
}

/// The viewer on the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewerTab {
    /// Hex view.
    Hex,
    /// Text view.
    Text,
    /// Picture preview.
    Picture,
    /// File details.
    Details,
}

/// An open case and everything shown about it.
pub struct Workbench {
    pub(crate) case_path: PathBuf,
    /// The case file and its passphrase, for background connections.
    pub(crate) case_file: CaseFile,
    pub(crate) examiner: String,
    pub(crate) info: Option<(CaseInfo, String)>,
    pub(crate) worker: CaseWorker,
    pub(crate) content: ContentWorker,
    pub(crate) thumbs: ContentWorker,
    pub(crate) ingest: IngestQueue,
    pub(crate) ingest_panel: IngestPanel,
    pub(crate) tree: TreeState,
    pub(crate) scope: FileScope,
    pub(crate) picked_object: Option<i64>,
    pub(crate) filter: FilterForm,
    pub(crate) table: FileTable,
    pub(crate) detail: Option<FileRow>,
    pub(crate) hex: HexView,
    pub(crate) text: TextView,
    pub(crate) preview: PreviewView,
    pub(crate) gallery: Gallery,
    pub(crate) tags: TagPanel,
    pub(crate) custody: CustodyPanel,
    /// Carved files and feature histograms.
    pub(crate) findings: FindingsPanel,
    /// The middle tab shown.
    pub tab: Tab,
    /// The viewer shown.
    pub viewer: ViewerTab,
    /// Whether pictures are blurred.
    pub blur: bool,
    pub(crate) status: String,
    pub(crate) seen_completed: u64,
    /// A file selected outside the listing, waiting for its details.
    pub(crate) viewers_pending: Option<i64>,
    /// The search field and its results.
    pub(crate) search: SearchPanel,
    /// The report or export window, when open.
    pub(crate) output: Option<OutputDialog>,
}

impl Workbench {
    /// The workbench of `case`, worked as `examiner`.
    /// `file` opens further connections (its passphrase for an encrypted case).
    pub(crate) fn new(case: Case, examiner: String, file: CaseFile, ctx: &egui::Context) -> Self {
        let case_path = case.path().to_path_buf();
        let worker = CaseWorker::start(case, ctx.clone());
        let bench = Self {
            content: ContentWorker::start(file.clone(), ctx.clone()),
            thumbs: ContentWorker::start(file.clone(), ctx.clone()),
            ingest: IngestQueue::new(file.clone(), examiner.clone()),
            case_path,
            case_file: file,
            examiner,
            info: None,
            worker,
            ingest_panel: IngestPanel::default(),
            tree: TreeState::default(),
            scope: FileScope::Case,
            picked_object: None,
            filter: FilterForm::default(),
            table: FileTable::default(),
            detail: None,
            hex: HexView::default(),
            text: TextView::default(),
            preview: PreviewView::default(),
            gallery: Gallery::default(),
            tags: TagPanel::default(),
            custody: CustodyPanel::default(),
            findings: FindingsPanel::default(),
            tab: Tab::Files,
            viewer: ViewerTab::Hex,
            blur: true,
            status: String::new(),
            seen_completed: 0,
            viewers_pending: None,
            search: SearchPanel::default(),
            output: None,
        };
        bench.worker.send(Request::Tree);
        bench.worker.send(Request::Log);
        bench
    }

    /// The first reload: the file listing of the whole case.
    pub(crate) fn start(&mut self) {
        self.reload_files();
    }

    pub(crate) fn reload_files(&mut self) {
        match self.filter.query(self.scope.clone()) {
            Ok(query) => {
                let generation = self.table.begin_listing();
                self.worker.send(Request::Files { generation, query });
            }
            Err(message) => self.status = message,
        }
    }

    /// Selects file `object_id` (from the table, the gallery, a note or a
    /// search hit). A file the listing does not hold gets its viewers when
    /// its details arrive.
    pub(crate) fn select_file(&mut self, object_id: i64) {
        self.table.selected = Some(object_id);
        self.picked_object = Some(object_id);
        self.detail = None;
        self.worker.send(Request::FileDetail(object_id));
        match self
            .table
            .selected_row()
            .map(|r| (r.size, is_picture_name(r.name())))
        {
            Some((size, picture)) => self.open_viewers(object_id, size, picture),
            None => self.viewers_pending = Some(object_id),
        }
    }

    /// Points the viewers at file `object_id` of `size` bytes.
    pub(crate) fn open_viewers(&mut self, object_id: i64, size: u64, picture: bool) {
        self.viewers_pending = None;
        self.hex.set_file(object_id, size);
        self.text.set_file(object_id, size);
        self.preview.set_file(object_id);
        if picture {
            self.viewer = ViewerTab::Picture;
        } else if self.viewer == ViewerTab::Picture {
            self.viewer = ViewerTab::Hex;
        }
    }

    /// Draws the workbench; true when the examiner closes the case.
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui) -> bool {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        let close = egui::Panel::top("menu_bar")
            .show(ui, |ui| self.menu_ui(ui))
            .inner;
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(&self.status);
                ui.separator();
                ui.label(self.custody.state_text());
                if !self.ingest.is_idle() {
                    ui.separator();
                    ui.spinner();
                    ui.label("ingest running");
                }
            });
        });
        egui::Panel::left("tree_panel")
            .default_size(300.0)
            .resizable(true)
            .show(ui, |ui| self.left_ui(ui));
        if matches!(self.tab, Tab::Files | Tab::Gallery) {
            egui::Panel::right("viewer_panel")
                .default_size(560.0)
                .resizable(true)
                .show(ui, |ui| self.right_ui(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| self.middle_ui(ui));
        if let Some(dialog) = &mut self.output {
            match dialog.ui(&ctx, &self.case_file, &self.examiner) {
                DialogEvent::Finished => self.worker.send(Request::Log),
                DialogEvent::Closed => self.output = None,
                DialogEvent::None => {}
            }
        }
        close
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let mut close = false;
        ui.horizontal(|ui| {
            if let Some((info, _)) = &self.info {
                ui.strong(format!("Case {} — {}", info.case_number, info.title));
            }
            ui.label(format!("Examiner: {}", self.examiner));
            ui.separator();
            for (kind, title) in [
                (OutputKind::Report, "Report…"),
                (OutputKind::Export, "Export bundle…"),
            ] {
                let busy = self.output.as_ref().is_some_and(OutputDialog::busy);
                if ui.add_enabled(!busy, egui::Button::new(title)).clicked() {
                    self.output = Some(OutputDialog::new(kind, &self.case_path));
                }
            }
            ui.separator();
            ui.checkbox(&mut self.blur, "Blur pictures");
            ui.separator();
            theme_ui(ui);
            ui.separator();
            close = ui.button("Close case").clicked();
        });
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, Tab::Files, "Files");
            ui.selectable_value(&mut self.tab, Tab::Gallery, "Gallery");
            ui.selectable_value(&mut self.tab, Tab::Custody, "Custody log");
            ui.selectable_value(&mut self.tab, Tab::Notes, "Notes & bookmarks");
            ui.selectable_value(&mut self.tab, Tab::Carved, "Carved");
            ui.selectable_value(&mut self.tab, Tab::Features, "Features");
            ui.selectable_value(&mut self.tab, Tab::Search, "Search results");
            ui.separator();
            if let Some(request) = self.search.bar_ui(ui) {
                self.worker.send(request);
                self.tab = Tab::Search;
            }
        });
        close
    }

    fn left_ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::bottom("ingest_panel")
            .resizable(false)
            .show(ui, |ui| {
                ui.strong("Evidence intake");
                self.ingest_panel.ui(ui, &self.ingest);
            });
        egui::ScrollArea::both()
            .id_salt("tree_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.strong("Evidence");
                let (pick, requests) = self.tree.ui(ui);
                for request in requests {
                    self.worker.send(request);
                }
                if let Some(pick) = pick {
                    self.status = format!("listing {}", pick.label);
                    self.scope = pick.scope;
                    self.picked_object = pick.object_id;
                    self.reload_files();
                }
            });
    }

    fn middle_ui(&mut self, ui: &mut egui::Ui) {
        match self.tab {
            Tab::Files => {
                if self.filter.ui(ui) {
                    self.reload_files();
                }
                ui.horizontal(|ui| {
                    if self.table.loading {
                        ui.spinner();
                        ui.label("Loading…");
                    } else {
                        ui.label(format!("{} items", self.table.len()));
                    }
                });
                ui.separator();
                if let Some(id) = self.table.ui(ui) {
                    self.select_file(id);
                }
            }
            Tab::Gallery => {
                if let Some(id) = self.gallery.ui(ui, &self.table, self.blur, &self.thumbs) {
                    self.select_file(id);
                }
            }
            Tab::Custody => self.custody.ui(ui),
            Tab::Notes => self.notes_ui(ui),
            Tab::Carved => self.findings.carved_ui(ui),
            Tab::Features => self.findings.features_ui(ui),
            Tab::Search => {
                if let Some(id) = self.search.results_ui(ui) {
                    self.tab = Tab::Files;
                    self.select_file(id);
                }
            }
        }
    }

    fn right_ui(&mut self, ui: &mut egui::Ui) {
        let mut requests: Vec<ContentRequest> = Vec::new();
        let title = (self.table.selected_row().map(|r| r.path.to_string()))
            .or_else(|| self.detail.as_ref().map(|d| d.path.clone()));
        ui.strong(title.as_deref().unwrap_or("No file selected"));
        egui::Panel::bottom("tags_panel")
            .resizable(true)
            .min_size(190.0)
            .show(ui, |ui| {
                ui.strong("Tags, notes and bookmarks");
                egui::ScrollArea::vertical()
                    .id_salt("tags_scroll")
                    .show(ui, |ui| {
                        let writes = self.tags.ui(
                            ui,
                            self.picked_object,
                            self.detail.as_ref(),
                            &self.custody.notes,
                        );
                        for write in writes {
                            self.worker.send(write);
                        }
                    });
            });
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.viewer, ViewerTab::Hex, "Hex");
            ui.selectable_value(&mut self.viewer, ViewerTab::Text, "Text");
            ui.selectable_value(&mut self.viewer, ViewerTab::Picture, "Picture");
            ui.selectable_value(&mut self.viewer, ViewerTab::Details, "Details");
        });
        ui.separator();
        match self.viewer {
            ViewerTab::Hex => self.hex.ui(ui, &mut requests),
            ViewerTab::Text => self.text.ui(ui, &mut requests),
            ViewerTab::Picture => self.preview.ui(ui, self.blur, &mut requests),
            ViewerTab::Details => match &self.detail {
                Some(file) => crate::details::details_ui(ui, file),
                None => {
                    ui.weak("Select a file to see its details.");
                }
            },
        }
        for request in requests {
            self.content.send(request);
        }
    }
}

/// Light, dark or the system's theme for the whole app (egui remembers it
/// with the window layout).
fn theme_ui(ui: &mut egui::Ui) {
    let mut preference = ui.options(|options| options.theme_preference);
    let before = preference;
    egui::ComboBox::from_label("Theme")
        .selected_text(match preference {
            egui::ThemePreference::Light => "Light",
            egui::ThemePreference::Dark => "Dark",
            egui::ThemePreference::System => "System",
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut preference, egui::ThemePreference::Light, "Light");
            ui.selectable_value(&mut preference, egui::ThemePreference::Dark, "Dark");
            ui.selectable_value(&mut preference, egui::ThemePreference::System, "System");
        });
    if preference != before {
        ui.ctx().set_theme(preference);
    }
}
