//! `case add --jobs N`: the evidence cut into work units, run by a local
//! pool and merged into the case, the same path `batch` takes on a cluster.
//! The shards stay in `CASE.units/` (for a PostgreSQL store, a folder in the
//! temporary directory) until the merge has them, so running the command
//! again after a kill resumes. A PostgreSQL case is always filled this way.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::bail;
use forensics_core::batch::{self, PlanOptions};
use serde_json::json;

use super::case_access::session;
use super::case_store::{is_store, open_store};
use crate::Outcome;
use crate::args::CaseAddArgs;
use crate::output::json_line;

/// Runs `case add` through plan, a pool of `--jobs` workers and the merge.
pub(super) fn add_with_jobs(args: &CaseAddArgs) -> anyhow::Result<Outcome> {
    if !args.hash_set.is_empty() || !args.carve_types.is_empty() {
        bail!("--hash-set and --carve-types are not supported with --jobs yet; use --jobs 1");
    }
    let cancel = AtomicBool::new(false);
    let mut store = open_store(&args.case, Some(&args.who))?;
    let options = PlanOptions {
        split: args.split,
        carve: args.carve,
        scan: args.scan,
        threads: args.threads,
        ..PlanOptions::default()
    };
    let units = batch::plan(&args.evidence, &options, &cancel)?;
    let results = units_folder(&args.case);
    session(&args.who)?;
    let maker = || session(&args.who).expect("checked before the workers start");
    let summary =
        batch::ingest_local(store.as_mut(), &units, &results, args.jobs, &maker, &cancel)?;
    if summary.failed.is_empty() && summary.merge.waiting == 0 {
        std::fs::remove_dir_all(&results)?;
    }
    if args.json {
        json_line(&json!({"type": "batch", "units": units.len(), "summary": summary}))?;
    } else {
        println!(
            "{} units ({} run, {} done before): {} merged, {} files, {} carved files, {} features",
            units.len(),
            summary.units_run,
            summary.units_done_before,
            summary.merge.merged,
            summary.merge.counts.files,
            summary.merge.counts.carved_files,
            summary.merge.counts.features
        );
    }
    for (unit_id, error) in &summary.failed {
        eprintln!("forensics: unit {unit_id}: {error}");
    }
    if !summary.failed.is_empty() {
        bail!(
            "{} units failed; their shards stay in {}: run the same command again to retry",
            summary.failed.len(),
            results.display()
        );
    }
    Ok(Outcome::Success)
}

/// Where the shards of `case` wait for the merge: `CASE.units/` beside a
/// case file; for a PostgreSQL store a folder in the temporary directory
/// named after the store, so a rerun finds them.
fn units_folder(case: &str) -> PathBuf {
    if is_store(case) {
        let digest = blake3::hash(case.as_bytes()).to_hex();
        return std::env::temp_dir().join(format!("forensics-units-{}", &digest[..16]));
    }
    PathBuf::from(format!("{case}.units"))
}
