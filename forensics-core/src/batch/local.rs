//! Running units on this machine: a pool of workers over the manifest, the
//! same [`run_unit`] a Slurm or Kubernetes worker runs, then the merge.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use rayon::prelude::*;

use super::run::{RunOutcome, run_unit};
use super::unit::Unit;
use super::{Error, MergeSummary, Result, merge};
use crate::case::Session;
use crate::case::backend::CaseStore;

/// Makes the session a worker runs its unit in.
pub type SessionMaker<'a> = &'a (dyn Fn() -> Session + Sync);

/// Runs every unit of `units` not yet done into `results` with `jobs`
/// workers at once (0 = one per core), each with `threads` threads.
/// Returns each unit's outcome in manifest order; a unit that fails leaves
/// no done record and does not stop the others.
pub fn run_all(
    units: &[Unit],
    results: &Path,
    jobs: usize,
    threads: usize,
    session: SessionMaker<'_>,
    cancel: &AtomicBool,
) -> Result<Vec<Result<RunOutcome>>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::Unit {
            unit_id: String::new(),
            what: format!("cannot start {jobs} workers: {e}"),
        })?;
    Ok(pool.install(|| {
        units
            .par_iter()
            .map(|unit| run_unit(unit, results, session(), threads, cancel))
            .collect()
    }))
}

/// What [`ingest_local`] did.
#[derive(Debug, serde::Serialize)]
pub struct LocalSummary {
    /// Units run by this call.
    pub units_run: u64,
    /// Units found done already (a resumed run).
    pub units_done_before: u64,
    /// The units that failed, with why.
    pub failed: Vec<(String, String)>,
    /// What the merge did.
    pub merge: MergeSummary,
}

/// Runs the units of a plan with a local pool of `jobs` workers and merges
/// what is done into `store`: the path a cluster takes, on one machine. The
/// units' own parallel work (hashing, scanning pages) runs on the same pool,
/// so a long scan range is shared out when the short units are done.
/// Running it again resumes: done units are not run again, merged ones not
/// merged again.
pub fn ingest_local(
    store: &mut dyn CaseStore,
    units: &[Unit],
    results: &Path,
    jobs: usize,
    session: SessionMaker<'_>,
    cancel: &AtomicBool,
) -> Result<LocalSummary> {
    // Threads 0: the units' own parallel work runs on the pool itself.
    let outcomes = run_all(units, results, jobs, 0, session, cancel)?;
    let mut summary = LocalSummary {
        units_run: 0,
        units_done_before: 0,
        failed: Vec::new(),
        merge: MergeSummary::default(),
    };
    for (unit, outcome) in units.iter().zip(outcomes) {
        match outcome {
            Ok(outcome) if outcome.already_done => summary.units_done_before += 1,
            Ok(_) => summary.units_run += 1,
            Err(Error::Case(crate::case::Error::Cancelled)) => {
                return Err(Error::Case(crate::case::Error::Cancelled));
            }
            Err(error) => summary
                .failed
                .push((unit.unit_id.clone(), error.to_string())),
        }
    }
    summary.merge = merge(store, units, results)?;
    Ok(summary)
}
