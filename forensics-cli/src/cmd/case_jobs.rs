//! `case add --jobs N`: the evidence cut into work units, run by a local
//! pool and merged into the case, the same path `batch` takes on a cluster.
//! The shards stay in `CASE.units/` until the merge has them, so running
//! the command again after a kill resumes.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::bail;
use forensics_core::batch::{self, PlanOptions};
use serde_json::json;

use super::case_access::{open_for_change, session};
use crate::Outcome;
use crate::args::CaseAddArgs;
use crate::output::json_line;

/// Runs `case add` through plan, a pool of `--jobs` workers and the merge.
pub(super) fn add_with_jobs(args: &CaseAddArgs) -> anyhow::Result<Outcome> {
    if !args.hash_set.is_empty() || !args.carve_types.is_empty() {
        bail!("--hash-set and --carve-types are not supported with --jobs yet; use --jobs 1");
    }
    let cancel = AtomicBool::new(false);
    let mut case = open_for_change(&args.case, &args.who)?;
    let options = PlanOptions {
        split: args.split,
        carve: args.carve,
        scan: args.scan,
        threads: args.threads,
        ..PlanOptions::default()
    };
    let units = batch::plan(&args.evidence, &options, &cancel)?;
    let mut results = args.case.as_os_str().to_owned();
    results.push(".units");
    let results = PathBuf::from(results);
    session(&args.who)?;
    let maker = || session(&args.who).expect("checked before the workers start");
    let summary = batch::ingest_local(&mut case, &units, &results, args.jobs, &maker, &cancel)?;
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
