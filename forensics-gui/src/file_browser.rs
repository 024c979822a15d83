//! A small in-app file chooser (no desktop portal needed): a window listing
//! one folder (folders first, then files, by name; `..` goes up), an
//! editable folder path, a hidden-files switch, and Open/Save and Cancel.
//! Folders are read on a background thread and at most [`MAX_ENTRIES`]
//! entries are listed, so a huge network folder never freezes the UI.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;

use eframe::egui;

use crate::ingest::human_bytes;

/// Entries listed at most per folder (the rest are left out, and said so).
pub(crate) const MAX_ENTRIES: usize = 10_000;

/// Choose an existing file, or name a file (new or not) in a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BrowseMode {
    /// Choose an existing file.
    Open,
    /// Choose a folder and type a file name.
    Save,
}

/// What the window tells its owner after a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BrowserEvent {
    /// Still choosing.
    None,
    /// The examiner chose this path.
    Chosen(PathBuf),
    /// The examiner closed the window without choosing.
    Cancelled,
}

/// One folder entry.
struct Entry {
    name: String,
    is_dir: bool,
    /// Size of a file (none for folders or when it cannot be read).
    size_bytes: Option<u64>,
}

/// A folder's entries, sorted; `capped` when [`MAX_ENTRIES`] was reached.
struct Listing {
    entries: Vec<Entry>,
    capped: bool,
}

/// The chooser's state; drawn with [`FileBrowser::ui`] every frame.
pub(crate) struct FileBrowser {
    title: &'static str,
    mode: BrowseMode,
    folder: PathBuf,
    folder_text: String,
    file_name: String,
    show_hidden: bool,
    selected: Option<String>,
    listing: Option<Result<Listing, String>>,
    loading: Option<mpsc::Receiver<Result<Listing, String>>>,
}

/// `path` made absolute with `.` and `..` resolved by name (no file-system
/// access, so it cannot block on a slow share).
fn normalised(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Reads up to [`MAX_ENTRIES`] entries of `folder` (runs off the UI thread).
fn read_folder(folder: &Path) -> Result<Listing, String> {
    let reader =
        std::fs::read_dir(folder).map_err(|e| format!("Cannot read {}: {e}", folder.display()))?;
    let mut entries = Vec::new();
    let mut capped = false;
    for item in reader {
        if entries.len() >= MAX_ENTRIES {
            capped = true;
            break;
        }
        let Ok(item) = item else { continue };
        let metadata = std::fs::metadata(item.path()).ok();
        entries.push(Entry {
            name: item.file_name().to_string_lossy().into_owned(),
            is_dir: metadata.as_ref().is_some_and(std::fs::Metadata::is_dir),
            size_bytes: metadata.filter(|m| m.is_file()).map(|m| m.len()),
        });
    }
    entries.sort_by_cached_key(|e| (!e.is_dir, e.name.to_lowercase(), e.name.clone()));
    Ok(Listing { entries, capped })
}

impl FileBrowser {
    /// A chooser titled `title` starting at `start` (a file or folder; the
    /// current folder when empty or missing).
    pub(crate) fn new(
        title: &'static str,
        mode: BrowseMode,
        start: &str,
        ctx: &egui::Context,
    ) -> Self {
        let start = normalised(Path::new(start.trim()));
        let (folder, file_name) = if start.is_dir() {
            (start, String::new())
        } else {
            let name = start
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let parent = start.parent().filter(|p| p.is_dir()).map(Path::to_path_buf);
            (parent.unwrap_or_else(|| normalised(Path::new("."))), name)
        };
        let mut browser = Self {
            title,
            mode,
            folder: PathBuf::new(),
            folder_text: String::new(),
            file_name: if mode == BrowseMode::Save {
                file_name
            } else {
                String::new()
            },
            show_hidden: false,
            selected: None,
            listing: None,
            loading: None,
        };
        browser.navigate(folder, ctx);
        browser
    }

    /// Lists `folder` (read on a background thread).
    fn navigate(&mut self, folder: PathBuf, ctx: &egui::Context) {
        let folder = normalised(&folder);
        self.folder_text = folder.display().to_string();
        self.folder.clone_from(&folder);
        self.selected = None;
        self.listing = None;
        let (send, receive) = mpsc::channel();
        self.loading = Some(receive);
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            // A closed receiver means the examiner moved on: nothing to do.
            let _ = send.send(read_folder(&folder));
            ctx.request_repaint();
        });
    }

    fn poll(&mut self) {
        if let Some(listing) = self.loading.as_ref().and_then(|r| r.try_recv().ok()) {
            self.listing = Some(listing);
            self.loading = None;
        }
    }

    /// Draws the window; says what the examiner chose, if anything.
    pub(crate) fn ui(&mut self, ctx: &egui::Context) -> BrowserEvent {
        self.poll();
        let mut event = BrowserEvent::None;
        let mut open = true;
        egui::Window::new(self.title)
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_width(600.0)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .show(ctx, |ui| event = self.body_ui(ui));
        if !open {
            return BrowserEvent::Cancelled;
        }
        event
    }

    fn body_ui(&mut self, ui: &mut egui::Ui) -> BrowserEvent {
        ui.horizontal(|ui| {
            let label = ui.label("Folder:");
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.folder_text).desired_width(420.0))
                .labelled_by(label.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Go").clicked() || entered {
                self.navigate(PathBuf::from(self.folder_text.trim()), ui.ctx());
            }
        });
        ui.checkbox(&mut self.show_hidden, "Show hidden files");
        let mut activated = self.list_ui(ui);
        if self.mode == BrowseMode::Save {
            ui.horizontal(|ui| {
                let label = ui.label("File name:");
                ui.add(egui::TextEdit::singleline(&mut self.file_name).desired_width(420.0))
                    .labelled_by(label.id);
            });
        }
        let mut event = BrowserEvent::None;
        ui.horizontal(|ui| {
            // "Open" goes into the selected folder, or chooses the file.
            if ui
                .add_enabled(self.selected.is_some(), egui::Button::new("Open"))
                .clicked()
            {
                activated = self.selected.clone();
            }
            let named = !self.file_name.trim().is_empty();
            if self.mode == BrowseMode::Save
                && ui
                    .add_enabled(named, egui::Button::new("Save here"))
                    .clicked()
            {
                activated = Some(self.file_name.trim().to_string());
            }
            if ui.button("Cancel").clicked() {
                event = BrowserEvent::Cancelled;
            }
        });
        if let Some(name) = activated {
            event = self.activate(&name, ui.ctx());
        }
        event
    }

    /// Draws a status line and the entries (only the visible rows, in an
    /// area of fixed height so the window keeps its size while a folder
    /// loads); returns a double-clicked entry.
    fn list_ui(&mut self, ui: &mut egui::Ui) -> Option<String> {
        let mut rows: Vec<(String, Option<u64>)> = Vec::new();
        if self.folder.parent().is_some() {
            rows.push(("..".to_string(), None));
        }
        match &self.listing {
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Reading the folder…");
                });
            }
            Some(Err(message)) => {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
            Some(Ok(listing)) => {
                if listing.capped {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!("Only the first {MAX_ENTRIES} entries of this folder are listed."),
                    );
                } else {
                    ui.weak(format!("{} entries", listing.entries.len()));
                }
                let shown = listing
                    .entries
                    .iter()
                    .filter(|e| self.show_hidden || !e.name.starts_with('.'));
                rows.extend(shown.map(|e| {
                    let name = if e.is_dir {
                        format!("{}/", e.name)
                    } else {
                        e.name.clone()
                    };
                    (name, e.size_bytes)
                }));
            }
        }
        let mut activated = None;
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical()
            .id_salt("file_browser_rows")
            .max_height(320.0)
            .min_scrolled_height(320.0)
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                for (shown, size) in rows.get(range).unwrap_or_default() {
                    let name = shown.strip_suffix('/').unwrap_or(shown);
                    ui.horizontal(|ui| {
                        let picked = self.selected.as_deref() == Some(name);
                        // Names left-aligned in a fixed-width column, sizes after it.
                        let response = ui
                            .allocate_ui_with_layout(
                                egui::vec2(420.0, row_height),
                                egui::Layout::left_to_right(egui::Align::Center),
                                |ui| {
                                    ui.set_min_width(420.0);
                                    ui.add(egui::Button::selectable(picked, shown.as_str()))
                                },
                            )
                            .inner;
                        if response.clicked() {
                            self.selected = Some(name.to_string());
                            if self.mode == BrowseMode::Save
                                && !shown.ends_with('/')
                                && name != ".."
                            {
                                self.file_name = name.to_string();
                            }
                        }
                        if response.double_clicked() {
                            activated = Some(name.to_string());
                        }
                        if let Some(size) = size {
                            ui.label(human_bytes(*size as f64));
                        }
                    });
                }
            });
        activated
    }

    /// Goes into a folder (or up for `..`), or chooses a file.
    fn activate(&mut self, name: &str, ctx: &egui::Context) -> BrowserEvent {
        let target = if name == ".." {
            match self.folder.parent() {
                Some(parent) => parent.to_path_buf(),
                None => return BrowserEvent::None,
            }
        } else {
            self.folder.join(name)
        };
        if target.is_dir() {
            self.navigate(target, ctx);
            BrowserEvent::None
        } else {
            BrowserEvent::Chosen(target)
        }
    }
}
