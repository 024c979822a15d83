//! Background work: core calls run on threads, results come back over a
//! channel, and the UI is woken to show them.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, sync_channel};

use forensics_core::evidence::{self, EvidenceInfo};

/// Opening one evidence item on a worker thread.
pub(crate) struct OpenJob {
    pub(crate) path: PathBuf,
    result: Receiver<Result<EvidenceInfo, String>>,
}

impl OpenJob {
    /// Starts opening `path`; `ctx` is repainted when the result is ready.
    pub(crate) fn spawn(path: PathBuf, ctx: eframe::egui::Context) -> Self {
        let (sender, result) = sync_channel(1);
        let job_path = path.clone();
        std::thread::spawn(move || {
            let outcome = evidence::open(&job_path)
                .map(|evidence| evidence.info)
                .map_err(|e| e.to_string());
            // The receiver is gone only when the UI dropped the job; nothing to report then.
            sender.send(outcome).ok();
            ctx.request_repaint();
        });
        Self { path, result }
    }

    /// The result, once it has arrived.
    pub(crate) fn poll(&self) -> Option<Result<EvidenceInfo, String>> {
        self.result.try_recv().ok()
    }
}
