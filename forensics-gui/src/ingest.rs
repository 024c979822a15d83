//! The ingest queue: evidence items added by path or drag-and-drop are
//! ingested one after another on a background thread with its own case
//! connection; progress, rate and ETA are shared with the UI, and the
//! current item can be cancelled (a later run resumes it).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use eframe::egui;
use forensics_core::case::ingest::{IngestOptions, IngestProgress, add_evidence};

use crate::session::CaseFile;

/// What the current item is doing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Current {
    /// The evidence path.
    pub(crate) path: PathBuf,
    /// When work on it started.
    pub(crate) started: Option<Instant>,
    /// Intake hashing: bytes done and total.
    pub(crate) hashed: (u64, u64),
    /// When intake hashing ended (the walk started).
    pub(crate) walk_started: Option<Instant>,
    /// Files stored so far.
    pub(crate) files_stored: u64,
}

/// Everything the UI shows about the queue.
#[derive(Debug, Default)]
pub(crate) struct QueueState {
    /// Items waiting.
    pub(crate) pending: VecDeque<PathBuf>,
    /// The item being ingested.
    pub(crate) current: Option<Current>,
    /// One line per finished item, newest last.
    pub(crate) finished: Vec<String>,
    /// Bumped whenever an item ends (the UI reloads the tree).
    pub(crate) completed: u64,
}

/// The queue handle the UI keeps.
pub(crate) struct IngestQueue {
    state: Arc<Mutex<QueueState>>,
    cancel: Arc<AtomicBool>,
    running: Arc<AtomicBool>,
    case_file: CaseFile,
    examiner: String,
}

fn lock(state: &Mutex<QueueState>) -> MutexGuard<'_, QueueState> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl IngestQueue {
    /// A queue for the case `case_file`, worked as `examiner`.
    pub(crate) fn new(case_file: CaseFile, examiner: String) -> Self {
        Self {
            state: Arc::default(),
            cancel: Arc::default(),
            running: Arc::default(),
            case_file,
            examiner,
        }
    }

    /// The shared state, locked (briefly: the worker updates it).
    pub(crate) fn state(&self) -> MutexGuard<'_, QueueState> {
        lock(&self.state)
    }

    /// Whether nothing is queued or running.
    pub(crate) fn is_idle(&self) -> bool {
        let state = self.state();
        state.pending.is_empty() && state.current.is_none()
    }

    /// Queues `path` and starts the worker if it is not running.
    pub(crate) fn push(&self, path: PathBuf, ctx: &egui::Context) {
        self.state().pending.push_back(path);
        if !self.running.swap(true, Ordering::SeqCst) {
            self.spawn(ctx.clone());
        }
    }

    /// Cancels the current item.
    pub(crate) fn cancel_current(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    fn spawn(&self, ctx: egui::Context) {
        let state = self.state.clone();
        let cancel = self.cancel.clone();
        let running = self.running.clone();
        let case_file = self.case_file.clone();
        let examiner = self.examiner.clone();
        std::thread::spawn(move || {
            let mut case = case_file.open_as(&examiner);
            loop {
                let next = {
                    let mut guard = lock(&state);
                    let next = guard.pending.pop_front();
                    guard.current = next.as_ref().map(|path| Current {
                        path: path.clone(),
                        started: Some(Instant::now()),
                        ..Current::default()
                    });
                    if next.is_none() {
                        running.store(false, Ordering::SeqCst);
                    }
                    next
                };
                let Some(path) = next else { break };
                cancel.store(false, Ordering::SeqCst);
                let line = match &mut case {
                    Ok(case) => ingest_one(case, &path, &state, &cancel, &ctx),
                    Err(error) => format!("{}: cannot open the case: {error}", path.display()),
                };
                let mut guard = lock(&state);
                guard.current = None;
                guard.finished.push(line);
                guard.completed += 1;
                drop(guard);
                ctx.request_repaint();
            }
        });
    }
}

fn ingest_one(
    case: &mut forensics_core::case::Case,
    path: &Path,
    state: &Arc<Mutex<QueueState>>,
    cancel: &AtomicBool,
    ctx: &egui::Context,
) -> String {
    let mut progress = SharedProgress {
        state: state.clone(),
        ctx: ctx.clone(),
        last_repaint: Instant::now(),
    };
    let options = IngestOptions::default();
    match add_evidence(case, &[path.to_path_buf()], &options, &mut progress, cancel) {
        Ok(summary) => summary
            .evidence
            .iter()
            .map(|item| match &item.error {
                Some(error) => format!("{}: failed: {error}", item.path.display()),
                None if item.already_done => {
                    format!("{}: already in the case", item.path.display())
                }
                None => format!(
                    "{}: {} volumes, {} file systems, {} files, {} problems",
                    item.path.display(),
                    item.volumes,
                    item.file_systems,
                    item.files,
                    item.problems
                ),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Err(forensics_core::case::Error::Cancelled) => {
            format!("{}: cancelled (add it again to resume)", path.display())
        }
        Err(error) => format!("{}: failed: {error}", path.display()),
    }
}

/// Progress written into the shared state, repainting at most 20 times a second.
struct SharedProgress {
    state: Arc<Mutex<QueueState>>,
    ctx: egui::Context,
    last_repaint: Instant,
}

impl SharedProgress {
    fn update(&mut self, change: impl FnOnce(&mut Current)) {
        if let Some(current) = lock(&self.state).current.as_mut() {
            change(current);
        }
        if self.last_repaint.elapsed() > Duration::from_millis(50) {
            self.last_repaint = Instant::now();
            self.ctx.request_repaint();
        }
    }
}

impl IngestProgress for SharedProgress {
    fn intake_hashed(&mut self, bytes_done: u64, bytes_total: u64) {
        self.update(|current| {
            current.hashed = (bytes_done, bytes_total);
            if bytes_done >= bytes_total && current.walk_started.is_none() {
                current.walk_started = Some(Instant::now());
            }
        });
    }

    fn files_stored(&mut self, files_stored: u64) {
        self.update(|current| {
            current.files_stored = files_stored;
            current.walk_started.get_or_insert_with(Instant::now);
        });
    }
}

/// Bytes per second and seconds left of intake hashing.
pub(crate) fn rate_and_eta(current: &Current) -> Option<(f64, f64)> {
    let elapsed = current.started?.elapsed().as_secs_f64();
    let (done, total) = current.hashed;
    if elapsed <= 0.0 || done == 0 {
        return None;
    }
    let rate = done as f64 / elapsed;
    Some((rate, total.saturating_sub(done) as f64 / rate))
}

/// A byte count for people (`1.5 MiB`).
pub(crate) fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
