//! `forensics verify EVIDENCE`: recompute the media digests and compare them
//! with the digests the container stored (E01 MD5 / SHA-1 / SHA-256).
//!
//! Exit codes: 0 when every stored digest matches and no chunk is damaged;
//! 1 when a digest differs (the line names it) or chunks failed their
//! checksums (listed with their media offsets); 2 when the evidence stores no
//! digest at all — there is nothing to verify, which is an input error, not a
//! failed finding.
//!
//! `--json` prints `{"type":"check","path","algorithm","stored","computed","match"}`
//! per digest, `{"type":"problem","path","image_offset","size","message"}` per
//! damaged range, then `{"type":"verify","path","format","size","verified"}`.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use forensics_core::evidence;
use forensics_core::hash::HashOptions;
use forensics_core::hash::verify::{compare_stored, stored_algorithms};
use serde_json::json;

use super::hash::hash_with_progress;
use crate::{Outcome, output};

pub(crate) fn run(path: &Path, json: bool, threads: usize) -> anyhow::Result<Outcome> {
    let evidence = evidence::open(path).with_context(|| format!("{}", path.display()))?;
    let stored = &evidence.info.stored_hashes;
    let algorithms = stored_algorithms(stored);
    anyhow::ensure!(
        !algorithms.is_empty(),
        "{}: the evidence stores no digest ({} format), so there is nothing to verify; use `forensics hash`",
        path.display(),
        evidence.info.format.name()
    );
    let options = HashOptions {
        algorithms,
        piecewise_len_bytes: None,
        threads,
    };
    let digests = hash_with_progress(evidence.source.as_ref(), path, &options, json)?;
    let checks = compare_stored(stored, &digests);
    let damaged = evidence.source.damaged_ranges();
    let verified = checks.iter().all(|c| c.matches) && damaged.is_empty();
    if json {
        for check in &checks {
            output::json_line(&json!({
                "type": "check", "path": path, "algorithm": check.algorithm,
                "stored": check.stored, "computed": check.computed, "match": check.matches,
            }))?;
        }
        for problem in &damaged {
            output::json_line(&json!({
                "type": "problem", "path": path, "image_offset": problem.image_offset,
                "size": problem.len_bytes, "message": problem.message,
            }))?;
        }
        output::json_line(&json!({
            "type": "verify", "path": path, "format": evidence.info.format.name(),
            "size": evidence.source.len(), "verified": verified,
        }))?;
    } else {
        let mut out = std::io::stdout().lock();
        for check in &checks {
            let verdict = if check.matches { "match" } else { "MISMATCH" };
            writeln!(
                out,
                "{:<7} {verdict}: stored {} computed {}",
                check.algorithm.name().to_uppercase(),
                check.stored,
                check.computed
            )?;
        }
        for problem in &damaged {
            writeln!(out, "damaged: {problem}")?;
        }
        let failed: Vec<String> = checks
            .iter()
            .filter(|c| !c.matches)
            .map(|c| c.algorithm.name().to_uppercase())
            .collect();
        if verified {
            writeln!(out, "{}: verified", path.display())?;
        } else if failed.is_empty() {
            writeln!(
                out,
                "{}: NOT verified: {} damaged range(s)",
                path.display(),
                damaged.len()
            )?;
        } else {
            writeln!(
                out,
                "{}: NOT verified: {} mismatch",
                path.display(),
                failed.join(" and ")
            )?;
        }
    }
    Ok(if verified {
        Outcome::Success
    } else {
        Outcome::FindingFailed
    })
}
