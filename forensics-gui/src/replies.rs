//! What the workbench takes from its workers each frame: case replies
//! (tree, listings, details, search results, the custody log), file
//! content and pictures, thumbnails, and the end of ingests.

use eframe::egui;

use crate::content::ContentReply;
use crate::picture::is_picture_name;
use crate::workbench::Workbench;
use crate::worker::{Reply, Request};

impl Workbench {
    /// Takes what the workers answered since the last frame.
    pub(crate) fn poll(&mut self, ctx: &egui::Context) {
        while let Some(reply) = self.worker.try_recv() {
            self.on_reply(reply, ctx);
        }
        while let Some(reply) = self.content.try_recv() {
            match reply {
                ContentReply::Bytes {
                    object_id,
                    offset,
                    data,
                } => {
                    self.hex.set_page(object_id, offset, data.clone());
                    self.text.set_page(object_id, offset, data);
                }
                ContentReply::Picture(object_id, picture) => {
                    self.preview.set_picture(ctx, object_id, picture);
                }
                ContentReply::Thumbnail(object_id, made) => {
                    self.gallery.set_thumbnail(ctx, object_id, made);
                }
            }
        }
        while let Some(reply) = self.thumbs.try_recv() {
            if let ContentReply::Thumbnail(object_id, made) = reply {
                self.gallery.set_thumbnail(ctx, object_id, made);
            }
        }
        self.custody.poll();
        let completed = self.ingest.state().completed;
        if completed != self.seen_completed {
            self.seen_completed = completed;
            self.worker.send(Request::Tree);
            self.worker.send(Request::Log);
            self.reload_files();
        }
    }

    pub(crate) fn on_reply(&mut self, reply: Reply, ctx: &egui::Context) {
        match reply {
            Reply::Tree {
                info,
                evidence,
                volumes,
            } => {
                self.info = info;
                self.tree.set_top(evidence, volumes);
            }
            Reply::Subfolders {
                fs_id,
                path,
                folders,
            } => self.tree.set_folders(fs_id, path, folders),
            Reply::Files { generation, rows } => {
                self.table.set_rows(generation, rows, ctx);
                self.status = format!("{} items listed", self.table.len());
            }
            Reply::FileDetail(object_id, file) => {
                if self.table.selected != Some(object_id) {
                    return;
                }
                if let Some(file) = &file
                    && self.viewers_pending == Some(object_id)
                {
                    let name = file.path.rsplit('/').next().unwrap_or_default();
                    self.open_viewers(object_id, file.size, is_picture_name(name));
                }
                self.detail = file.map(|f| *f);
            }
            Reply::Search {
                generation,
                text,
                results,
            } => self.search.set_results(generation, text, results),
            Reply::Changed(message) => {
                self.status = message;
                self.worker.send(Request::Log);
                if let Some(id) = self.table.selected {
                    self.worker.send(Request::FileDetail(id));
                }
            }
            Reply::Log {
                entries,
                head,
                notes,
                problems,
                carved,
                histogram,
            } => {
                self.findings.set(carved, histogram);
                self.custody
                    .set_log(entries, head, notes, problems, self.case_file.clone(), ctx);
            }
            Reply::Error(message) => self.status = format!("error: {message}"),
        }
    }
}
