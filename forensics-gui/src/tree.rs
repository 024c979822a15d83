//! The evidence tree: evidence → partitions → file systems → folders,
//! folders loaded lazily from the case worker as they are opened. Deleted
//! folders are drawn in the error colour, orphan folders in the warning
//! colour.

use std::collections::{BTreeMap, BTreeSet};

use eframe::egui::{self, RichText};
use forensics_core::case::{EvidenceRow, FileScope, FolderRow, VolumeRow};

use crate::worker::Request;

/// What a click in the tree chose: the listing to show and the object that
/// tags and notes apply to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreePick {
    /// Files to list.
    pub(crate) scope: FileScope,
    /// The object clicked, if it is one.
    pub(crate) object_id: Option<i64>,
    /// A short label for the status line.
    pub(crate) label: String,
}

/// The loaded part of the tree.
#[derive(Default)]
pub(crate) struct TreeState {
    /// Evidence items.
    pub(crate) evidence: Vec<EvidenceRow>,
    /// Volumes.
    pub(crate) volumes: Vec<VolumeRow>,
    /// Folders by (file system, parent path).
    folders: BTreeMap<(i64, String), Vec<FolderRow>>,
    /// Folder listings asked for and not yet answered.
    requested: BTreeSet<(i64, String)>,
    /// The pick shown highlighted.
    pub(crate) picked: Option<TreePick>,
}

impl TreeState {
    /// Replaces the top of the tree (after an ingest or on opening).
    pub(crate) fn set_top(&mut self, evidence: Vec<EvidenceRow>, volumes: Vec<VolumeRow>) {
        self.evidence = evidence;
        self.volumes = volumes;
        self.folders.clear();
        self.requested.clear();
    }

    /// Stores an answered folder listing.
    pub(crate) fn set_folders(&mut self, fs_id: i64, path: String, folders: Vec<FolderRow>) {
        self.requested.remove(&(fs_id, path.clone()));
        self.folders.insert((fs_id, path), folders);
    }

    /// Draws the tree; returns a new pick and folder requests to send.
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui) -> (Option<TreePick>, Vec<Request>) {
        let mut out = TreeOutput::default();
        let all = TreePick {
            scope: FileScope::Case,
            object_id: None,
            label: "all files in the case".into(),
        };
        self.leaf(ui, "All files in the case", all, &mut out);
        if self.evidence.is_empty() {
            ui.weak("No evidence yet: add an image below.");
        }
        let evidence = self.evidence.clone();
        for item in &evidence {
            let name = item
                .path
                .rsplit('/')
                .next()
                .unwrap_or(&item.path)
                .to_string();
            let status = if item.ingest_done {
                ""
            } else {
                " (ingest incomplete)"
            };
            let header = egui::CollapsingHeader::new(format!("{name}{status}"))
                .id_salt(("evidence", item.object_id))
                .default_open(true)
                .show(ui, |ui| self.volumes_ui(ui, item.object_id, &mut out));
            if header.header_response.clicked() {
                out.pick = Some(TreePick {
                    scope: FileScope::Case,
                    object_id: Some(item.object_id),
                    label: format!("evidence {name}"),
                });
            }
        }
        if let Some(pick) = &out.pick {
            self.picked = Some(pick.clone());
        }
        (out.pick, out.requests)
    }

    fn volumes_ui(&mut self, ui: &mut egui::Ui, evidence_id: i64, out: &mut TreeOutput) {
        let volumes: Vec<VolumeRow> = self
            .volumes
            .iter()
            .filter(|v| v.evidence_id == evidence_id)
            .cloned()
            .collect();
        for volume in volumes {
            let title = match volume.partition_index {
                Some(index) => format!("Partition {index} @ {}", volume.image_offset),
                None => "Whole medium".to_string(),
            };
            let fs_name = volume
                .fs_type
                .clone()
                .unwrap_or_else(|| "no file system".into());
            egui::CollapsingHeader::new(format!("{title} · {fs_name}"))
                .id_salt(("volume", volume.object_id))
                .default_open(true)
                .show(ui, |ui| match volume.file_system_id {
                    Some(fs_id) => self.file_system_ui(ui, fs_id, &fs_name, out),
                    None => {
                        ui.weak("not walked");
                    }
                });
        }
    }

    fn file_system_ui(
        &mut self,
        ui: &mut egui::Ui,
        fs_id: i64,
        fs_name: &str,
        out: &mut TreeOutput,
    ) {
        let all = TreePick {
            scope: FileScope::FileSystem(fs_id),
            object_id: Some(fs_id),
            label: format!("all files of {fs_name}"),
        };
        self.leaf(ui, "All files (flat)", all, out);
        self.folder_ui(ui, fs_id, "/", "/ (root)", false, None, out);
    }

    #[allow(clippy::too_many_arguments)]
    fn folder_ui(
        &mut self,
        ui: &mut egui::Ui,
        fs_id: i64,
        path: &str,
        name: &str,
        deleted: bool,
        object_id: Option<i64>,
        out: &mut TreeOutput,
    ) {
        let mut text = RichText::new(name);
        if name.starts_with("$Orphan") {
            text = RichText::new(format!("{name} (orphans)"))
                .color(ui.visuals().warn_fg_color)
                .italics();
        } else if deleted {
            text = RichText::new(format!("{name} (deleted)")).color(ui.visuals().error_fg_color);
        }
        let pick = TreePick {
            scope: FileScope::Folder {
                fs_id,
                path: path.to_string(),
            },
            object_id,
            label: format!("folder {path}"),
        };
        let selected = self.picked.as_ref() == Some(&pick);
        let key = (fs_id, path.to_string());
        let header = egui::CollapsingHeader::new(text)
            .id_salt(("folder", fs_id, path.to_string()))
            .show_background(selected)
            .show(ui, |ui| match self.folders.get(&key).cloned() {
                Some(children) => {
                    for child in &children {
                        self.folder_ui(
                            ui,
                            fs_id,
                            &child.path,
                            &child.name,
                            child.deleted,
                            Some(child.object_id),
                            out,
                        );
                    }
                }
                None => {
                    ui.spinner();
                    if self.requested.insert(key.clone()) {
                        out.requests.push(Request::Subfolders {
                            fs_id,
                            path: path.to_string(),
                        });
                    }
                }
            });
        if header.header_response.clicked() {
            out.pick = Some(pick);
        }
    }

    fn leaf(&self, ui: &mut egui::Ui, text: &str, pick: TreePick, out: &mut TreeOutput) {
        let selected = self.picked.as_ref() == Some(&pick);
        if ui.selectable_label(selected, text).clicked() {
            out.pick = Some(pick);
        }
    }
}

#[derive(Default)]
struct TreeOutput {
    pick: Option<TreePick>,
    requests: Vec<Request>,
}
