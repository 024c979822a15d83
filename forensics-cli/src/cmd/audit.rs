//! `forensics audit LIST PATH...`: compare files with a hash list like
//! `hashdeep -a -k LIST`. Exit 0 when the audit passes (every file matched,
//! nothing missing), 1 otherwise.
//!
//! Text output names every file that is not matched (`moved`, `partial`,
//! `new`, `missing`, `unreadable`) and ends with the counts. `--json` prints
//! `{"type":"audit","status","path","listed_name","size","md5","sha1","sha256","blake3"}`
//! per file or missing entry (matched ones too), then
//! `{"type":"summary","matched","moved","partially_matched","new","missing","unreadable","passed"}`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use forensics_core::hash::audit::{self, AuditRecord, AuditSink, AuditStatus};
use serde_json::{Value, json};

use super::hash_sink::digest_fields;
use crate::{Outcome, output};

struct Printer {
    json: bool,
    error: Option<anyhow::Error>,
}

impl Printer {
    fn print(&self, record: &AuditRecord) -> anyhow::Result<()> {
        if self.json {
            let mut object = serde_json::Map::new();
            object.insert("type".into(), json!("audit"));
            object.insert("status".into(), json!(record.status));
            object.insert("path".into(), json!(record.path));
            object.insert("listed_name".into(), json!(record.listed_name));
            object.insert("size".into(), json!(record.size));
            object.extend(digest_fields(&record.digests));
            return output::json_line(&Value::Object(object));
        }
        let path = record
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let listed = record.listed_name.clone().unwrap_or_default();
        let mut out = std::io::stdout().lock();
        match record.status {
            AuditStatus::Matched => {}
            AuditStatus::Moved => writeln!(out, "moved:     {path} (listed as {listed})")?,
            AuditStatus::PartiallyMatched => {
                writeln!(out, "partial:   {path} (some digests of {listed} differ)")?
            }
            AuditStatus::New => writeln!(out, "new:       {path}")?,
            AuditStatus::Missing => writeln!(out, "missing:   {listed}")?,
        }
        Ok(())
    }
}

impl AuditSink for Printer {
    fn record(&mut self, record: &AuditRecord) {
        if self.error.is_none()
            && let Err(err) = self.print(record)
        {
            self.error = Some(err);
        }
    }

    fn unreadable(&mut self, path: &Path, error: &dyn std::error::Error) {
        eprintln!("forensics: unreadable: {}: {error}", path.display());
    }
}

pub(crate) fn run(
    list: &Path,
    paths: &[PathBuf],
    json: bool,
    threads: usize,
) -> anyhow::Result<Outcome> {
    let mut printer = Printer { json, error: None };
    let summary = audit::audit_tree(list, paths, threads, &mut printer, &AtomicBool::new(false))?;
    if let Some(err) = printer.error {
        return Err(err);
    }
    if json {
        let mut value = serde_json::to_value(summary)?;
        if let Value::Object(object) = &mut value {
            object.insert("type".into(), json!("summary"));
            object.insert("passed".into(), json!(summary.passed()));
        }
        output::json_line(&value)?;
    } else {
        writeln!(
            std::io::stdout().lock(),
            "audit {}: {} matched, {} moved, {} partially matched, {} new, {} missing, {} unreadable",
            if summary.passed() { "passed" } else { "FAILED" },
            summary.matched,
            summary.moved,
            summary.partially_matched,
            summary.new,
            summary.missing,
            summary.unreadable
        )?;
    }
    Ok(if summary.passed() {
        Outcome::Success
    } else {
        Outcome::FindingFailed
    })
}
