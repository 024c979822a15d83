//! Recording an acquisition in the custody log, before the image it made is
//! added as evidence.

use serde_json::json;

use super::{Case, CustodyEntry, Result};
use crate::acquire::{AcquireReport, AcquireStatus};
use crate::hash::Algorithm;

impl Case {
    /// Appends an `acquire` custody entry: source, image files, times, the
    /// four digests of the source, the bad ranges, the verification and the
    /// tool version. Changes nothing else; register the image afterwards with
    /// [`crate::case::ingest::add_evidence`].
    pub fn record_acquisition(&mut self, report: &AcquireReport) -> Result<CustodyEntry> {
        let digests: serde_json::Map<String, serde_json::Value> = Algorithm::ALL
            .into_iter()
            .map(|a| (a.name().to_owned(), json!(report.digests.hex(a))))
            .collect();
        let details = json!({
            "source": report.source,
            "source_is_device": report.source_is_device,
            "size": report.source_len_bytes,
            "image_files": report.image_files,
            "format": report.format_description,
            "started": report.started.to_rfc3339(),
            "finished": report.finished.to_rfc3339(),
            "digests": digests,
            "bad_ranges": report.bad_ranges,
            "complete": report.status == AcquireStatus::Complete,
            "verified": report.verification.as_ref().is_some_and(|v| v.matches),
            "log": report.log_path,
            "tool_version": crate::TOOL_VERSION,
        });
        let ((), entry) = self.write("acquire", |_tx, _session| Ok(((), details)))?;
        Ok(entry)
    }
}
