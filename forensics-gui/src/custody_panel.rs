//! The custody log with its live verification: `verify_case` runs on a
//! background thread whenever the chain head changes, and the view shows
//! the head, OK or the failures with their reasons.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};

use eframe::egui::{self, RichText};
use egui_extras::{Column, TableBuilder};
use forensics_core::case::verify::{VerifyOptions, VerifyReport, verify_case_opts};
use forensics_core::case::{CustodyEntry, NoteRow, ProblemRow};
use forensics_core::hash::NoSink;

use crate::session::CaseFile;

/// A verification running on a worker thread.
struct VerifyJob {
    head: Option<String>,
    cancel: Arc<AtomicBool>,
    result: Receiver<Result<VerifyReport, String>>,
}

/// The log, notes and problems, and the verification state.
#[derive(Default)]
pub(crate) struct CustodyPanel {
    /// Entries in sequence order.
    pub(crate) entries: Vec<CustodyEntry>,
    /// The chain head.
    pub(crate) head: Option<String>,
    /// Notes and bookmarks.
    pub(crate) notes: Vec<NoteRow>,
    /// Problems recorded.
    pub(crate) problems: Vec<ProblemRow>,
    job: Option<VerifyJob>,
    /// The last finished verification and the head it verified.
    verified: Option<(Option<String>, Result<VerifyReport, String>)>,
}

impl CustodyPanel {
    /// Takes a fresh log; starts verifying if the head moved.
    pub(crate) fn set_log(
        &mut self,
        entries: Vec<CustodyEntry>,
        head: Option<String>,
        notes: Vec<NoteRow>,
        problems: Vec<ProblemRow>,
        case_file: CaseFile,
        ctx: &egui::Context,
    ) {
        self.entries = entries;
        self.notes = notes;
        self.problems = problems;
        let verified_head = self.verified.as_ref().map(|(h, _)| h.clone());
        let running_head = self.job.as_ref().map(|j| j.head.clone());
        if verified_head.as_ref() != Some(&head) && running_head.as_ref() != Some(&head) {
            self.start_verify(case_file, head.clone(), ctx);
        }
        self.head = head;
    }

    fn start_verify(&mut self, case_file: CaseFile, head: Option<String>, ctx: &egui::Context) {
        if let Some(old) = self.job.take() {
            old.cancel.store(true, Ordering::SeqCst);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let (sender, result) = sync_channel(1);
        let flag = cancel.clone();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let options = VerifyOptions {
                expect_head: None,
                threads: 0,
                passphrase: case_file.passphrase.as_ref(),
            };
            let outcome = verify_case_opts(&case_file.path, &options, &mut NoSink, &flag)
                .map_err(|e| e.to_string());
            sender.send(outcome).ok();
            ctx.request_repaint();
        });
        self.job = Some(VerifyJob {
            head,
            cancel,
            result,
        });
    }

    /// The verification state in a few words (for the status bar).
    pub(crate) fn state_text(&self) -> String {
        match (&self.job, &self.verified) {
            (Some(_), _) => "verifying…".into(),
            (None, Some((_, Ok(report)))) if report.holds() => "custody chain verified OK".into(),
            (None, Some((_, Ok(report)))) => {
                format!("VERIFICATION FAILED ({})", report.failures.len())
            }
            (None, Some((_, Err(error)))) => format!("cannot verify: {error}"),
            (None, None) => "not verified yet".into(),
        }
    }

    /// Takes a finished verification (called every frame).
    pub(crate) fn poll(&mut self) {
        if let Some(job) = &self.job
            && let Ok(outcome) = job.result.try_recv()
        {
            self.verified = Some((job.head.clone(), outcome));
            self.job = None;
        }
    }

    /// Whether the last finished verification holds (`None`: none finished).
    pub fn verified_ok(&self) -> Option<bool> {
        match &self.verified {
            Some((_, Ok(report))) => Some(report.holds()),
            Some((_, Err(_))) => Some(false),
            None => None,
        }
    }

    /// Draws the panel.
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.label("Chain head:");
            ui.label(RichText::new(self.head.as_deref().unwrap_or("(empty)")).monospace());
        });
        self.verification_ui(ui);
        ui.separator();
        ui.label(format!("{} custody entries", self.entries.len()));
        entries_table(ui, &self.entries);
    }

    fn verification_ui(&self, ui: &mut egui::Ui) {
        if self.job.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Verifying the chain and re-hashing the evidence…");
            });
        }
        match &self.verified {
            Some((_, Ok(report))) if report.holds() => {
                ui.colored_label(
                    egui::Color32::from_rgb(60, 170, 60),
                    format!(
                        "Verification OK: {} entries ({} signed), {} evidence items re-hashed",
                        report.entries, report.signed_entries, report.evidence_checked
                    ),
                );
            }
            Some((_, Ok(report))) => {
                ui.colored_label(ui.visuals().error_fg_color, "Verification FAILED:");
                for failure in &report.failures {
                    ui.colored_label(ui.visuals().error_fg_color, format!("  - {failure}"));
                }
            }
            Some((_, Err(error))) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Cannot verify: {error}"),
                );
            }
            None => {}
        }
    }
}

fn entries_table(ui: &mut egui::Ui, entries: &[CustodyEntry]) {
    TableBuilder::new(ui)
        .id_salt("custody_table")
        .striped(true)
        .resizable(true)
        .column(Column::initial(50.0))
        .column(Column::initial(170.0))
        .column(Column::initial(110.0).clip(true))
        .column(Column::initial(120.0).clip(true))
        .column(Column::initial(140.0).clip(true))
        .column(Column::remainder().clip(true))
        .header(20.0, |mut header| {
            for title in [
                "Seq",
                "Time (UTC)",
                "Examiner",
                "Action",
                "Entry hash",
                "Details",
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(18.0, entries.len(), |mut row| {
                let Some(entry) = entries.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(entry.seq.to_string());
                });
                row.col(|ui| {
                    ui.label(&entry.at_utc);
                });
                row.col(|ui| {
                    ui.label(&entry.examiner);
                });
                row.col(|ui| {
                    ui.label(&entry.action);
                });
                row.col(|ui| {
                    ui.label(
                        RichText::new(entry.entry_hash.get(..16).unwrap_or_default()).monospace(),
                    );
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(&entry.details_json).truncate());
                });
            });
        });
}
