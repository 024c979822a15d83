//! `case log` and `case verify`: the custody log and its head, and the
//! verification of a case file or a PostgreSQL case (chain, examiners, row
//! records, evidence re-hashed) with a progress bar.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::bail;
use forensics_core::case::CustodyEntry;
use forensics_core::case::verify::{VerifyOptions, verify_case_opts, verify_store};
use forensics_core::hash::{HashSink, NoSink};
use indicatif::ProgressBar;
use serde_json::json;

use super::case_access::{open_case, passphrase_for};
use super::hash_sink::progress_bar;
use crate::{Outcome, output};

pub(super) fn log(path: &Path, json: bool) -> anyhow::Result<Outcome> {
    let case = open_case(path)?;
    print_log(&case.custody_log()?, json)
}

/// Prints custody entries and the chain head (text or JSON Lines).
pub(super) fn print_log(entries: &[CustodyEntry], json: bool) -> anyhow::Result<Outcome> {
    for entry in entries {
        if json {
            output::json_line(entry)?;
        } else {
            say!(
                "{:>6} {} {} {} {}{}",
                entry.seq,
                entry.at_utc,
                entry.examiner,
                entry.action,
                entry.details_json,
                entry
                    .key_id
                    .as_ref()
                    .map(|k| format!(" signed:{k}"))
                    .unwrap_or_default()
            );
        }
    }
    let head = entries.last().map(|e| e.entry_hash.clone());
    if json {
        output::json_line(&json!({"type": "head", "entry_hash": head, "entries": entries.len()}))?;
    } else {
        say!("chain head {}", head.as_deref().unwrap_or("(empty)"));
    }
    Ok(Outcome::Success)
}

/// Shows re-hashing progress on a terminal.
struct BarSink(ProgressBar);

impl HashSink for BarSink {
    fn progress(&mut self, bytes_done: u64, bytes_total: u64) {
        self.0.set_length(bytes_total);
        self.0.set_position(bytes_done);
    }
}

/// `case verify` on a case file or, when `store` is set, a PostgreSQL
/// case: chain, examiners, row records, evidence re-hashed.
pub(super) fn verify(
    path: Option<&Path>,
    store: Option<&str>,
    expect_head: Option<&str>,
    threads: usize,
    json: bool,
) -> anyhow::Result<Outcome> {
    let bar = progress_bar(0, json, "re-hashing evidence");
    let mut sink = BarSink(bar.clone());
    let sink: &mut dyn HashSink = if bar.is_hidden() {
        &mut NoSink
    } else {
        &mut sink
    };
    let cancel = AtomicBool::new(false);
    let report = match (store, path) {
        (Some(store), _) => {
            let mut opened = super::case_store::open_store(store, None)?;
            let options = VerifyOptions {
                expect_head,
                threads,
                passphrase: None,
            };
            verify_store(opened.as_mut(), &options, sink, &cancel)?
        }
        (None, Some(path)) => {
            let passphrase = passphrase_for(path)?;
            let options = VerifyOptions {
                expect_head,
                threads,
                passphrase: passphrase.as_ref(),
            };
            verify_case_opts(path, &options, sink, &cancel)?
        }
        (None, None) => bail!("name the case file or --store"),
    };
    bar.finish_and_clear();
    if json {
        for failure in &report.failures {
            let mut value = serde_json::to_value(failure)?;
            value["type"] = json!("failure");
            output::json_line(&value)?;
        }
        output::json_line(&json!({
            "type": "verify",
            "valid": report.holds(),
            "entries": report.entries,
            "signed_entries": report.signed_entries,
            "evidence_checked": report.evidence_checked,
            "head": report.head,
        }))?;
    } else if report.holds() {
        say!(
            "OK: {} custody entries ({} signed), {} evidence items re-hashed and unchanged",
            report.entries,
            report.signed_entries,
            report.evidence_checked
        );
        say!("chain head {}", report.head.as_deref().unwrap_or("(empty)"));
    } else {
        for (index, failure) in report.failures.iter().enumerate() {
            let label = if index == 0 { "FAILED" } else { "also" };
            say!("{label}: {failure}");
        }
        say!("chain head {}", report.head.as_deref().unwrap_or("(empty)"));
    }
    Ok(if report.holds() {
        Outcome::Success
    } else {
        Outcome::FindingFailed
    })
}
