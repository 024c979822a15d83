//! The examiner's session for the app: system clock, host name, and the
//! opening or creating of a case on a background thread.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, sync_channel};

use forensics_core::case::{Case, CaseInfo, Clock, Passphrase, Session};
use forensics_core::fs::Timestamp;

/// The system clock: the one place the app reads the wall clock (custody
/// entries are stamped with it).
pub(crate) struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let unix_ns = i64::try_from(since_epoch.as_nanos()).unwrap_or(i64::MAX);
        Timestamp { unix_ns }
    }
}

/// The session every custody entry of `examiner` is written with.
pub(crate) fn gui_session(examiner: &str) -> Session {
    let mut session = Session::new(examiner.trim(), Box::new(SystemClock));
    session.command_line = vec!["forensics-gui".to_string()];
    session.host = host_name();
    session
}

/// The machine's host name, as far as it can be found without a syscall crate.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|text| text.trim().to_string())
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default()
}

/// A case file and, for an encrypted one, its passphrase: what every
/// background thread needs to open its own connection to the case.
#[derive(Debug, Clone)]
pub(crate) struct CaseFile {
    /// The case file.
    pub(crate) path: PathBuf,
    /// The key of an encrypted case (never stored by the app).
    pub(crate) passphrase: Option<Passphrase>,
}

impl CaseFile {
    /// Opens a connection to the case (no session: reading only).
    pub(crate) fn open(&self) -> Result<Case, String> {
        Case::open_with(&self.path, self.passphrase.as_ref()).map_err(|e| e.to_string())
    }

    /// Opens the case with a session of `examiner`.
    pub(crate) fn open_as(&self, examiner: &str) -> Result<Case, String> {
        if examiner.trim().is_empty() {
            return Err("name the examiner first".into());
        }
        let mut case = self.open()?;
        case.set_session(gui_session(examiner))
            .map_err(|e| e.to_string())?;
        Ok(case)
    }
}

/// What the start screen asks for.
#[derive(Debug, Clone)]
pub(crate) enum OpenRequest {
    /// Create a new case file (encrypted when it has a passphrase).
    Create {
        /// Where the case file goes, and its passphrase.
        file: CaseFile,
        /// Case number, title, examiner.
        info: CaseInfo,
    },
    /// Open an existing case file as `examiner`.
    Open {
        /// The case file, and its passphrase if it is encrypted.
        file: CaseFile,
        /// Who works on it.
        examiner: String,
    },
}

impl OpenRequest {
    /// The case file and its passphrase.
    pub(crate) fn file(&self) -> &CaseFile {
        match self {
            Self::Create { file, .. } | Self::Open { file, .. } => file,
        }
    }
}

/// Creating or opening a case on a worker thread.
pub(crate) struct OpenJob {
    result: Receiver<Result<Case, String>>,
}

impl OpenJob {
    /// Starts the work; `ctx` is repainted when the result is ready.
    pub(crate) fn spawn(request: OpenRequest, ctx: eframe::egui::Context) -> Self {
        let (sender, result) = sync_channel(1);
        std::thread::spawn(move || {
            let outcome = match request {
                OpenRequest::Create { file, info } => {
                    let session = gui_session(&info.examiner);
                    Case::create_with(&file.path, &info, session, file.passphrase.as_ref())
                        .map_err(|e| e.to_string())
                }
                OpenRequest::Open { file, examiner } => file.open_as(&examiner),
            };
            // The receiver is gone only when the UI dropped the job.
            sender.send(outcome).ok();
            ctx.request_repaint();
        });
        Self { result }
    }

    /// The opened case, once it is there.
    pub(crate) fn poll(&self) -> Option<Result<Case, String>> {
        self.result.try_recv().ok()
    }
}
