//! Merging the results of a manifest into a case, and the state of each
//! unit.

use std::path::Path;

use serde::Serialize;

use super::run::{UnitFiles, read_done};
use super::unit::{Scope, Unit};
use super::{Error, Result};
use crate::case::backend::CaseStore;
use crate::case::merge::{MergedCounts, ShardToMerge, merge_shard, unit_merged};

/// Where a unit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitState {
    /// No complete shard yet: to be run (again).
    Pending,
    /// The shard and its done record are there.
    Done,
    /// The shard is in the case.
    Merged,
}

/// What a merge did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MergeSummary {
    /// Units merged by this call.
    pub merged: u64,
    /// Units that were in the case already.
    pub already_merged: u64,
    /// Units waiting: not done, or behind one that is not done.
    pub waiting: u64,
    /// Rows copied by this call.
    pub counts: MergedCounts,
}

/// Merges the done units of `units` from `results` into `store`, in
/// manifest order per evidence item: a unit is merged only once every unit
/// before it of the same evidence is, so feature numbering and flags come
/// out as in one ingest. Units not yet done are left for a later call.
pub fn merge(store: &mut dyn CaseStore, units: &[Unit], results: &Path) -> Result<MergeSummary> {
    let mut summary = MergeSummary::default();
    let mut blocked: Vec<&str> = Vec::new();
    for (position, unit) in units.iter().enumerate() {
        let sha256 = unit.intake.sha256.as_str();
        if blocked.contains(&sha256) {
            summary.waiting += 1;
            continue;
        }
        let files = UnitFiles::new(results, &unit.unit_id);
        if unit_merged(store, &unit.unit_id)? {
            summary.already_merged += 1;
            continue;
        }
        let Some(done) = read_done(&files)? else {
            blocked.push(sha256);
            summary.waiting += 1;
            continue;
        };
        let completes_scan = matches!(unit.scope, Scope::Whole | Scope::Range { .. })
            && unit.stages.scan
            && !units[position + 1..]
                .iter()
                .any(|later| later.intake.sha256 == sha256 && later.stages.scan);
        let shard = ShardToMerge {
            unit_id: unit.unit_id.clone(),
            scope: unit.scope.to_string(),
            evidence_path: unit.evidence_path.to_string_lossy().into_owned(),
            evidence_sha256: unit.intake.sha256.clone(),
            shard: files.shard.clone(),
            shard_sha256: done.shard_sha256.clone(),
            worker: serde_json::to_value(&done).unwrap_or_default(),
            completes_scan,
        };
        let counts = merge_shard(store, &shard).map_err(|error| Error::Unit {
            unit_id: unit.unit_id.clone(),
            what: format!("merge: {error}"),
        })?;
        if let Some(counts) = counts {
            summary.merged += 1;
            summary.counts.files += counts.files;
            summary.counts.carved_files += counts.carved_files;
            summary.counts.features += counts.features;
            summary.counts.problems += counts.problems;
        }
    }
    Ok(summary)
}

/// The state of every unit: merged (when a store is given), done or
/// pending.
pub fn status(
    units: &[Unit],
    results: &Path,
    mut store: Option<&mut dyn CaseStore>,
) -> Result<Vec<UnitState>> {
    let mut states = Vec::with_capacity(units.len());
    for unit in units {
        if let Some(store) = store.as_deref_mut()
            && unit_merged(store, &unit.unit_id)?
        {
            states.push(UnitState::Merged);
            continue;
        }
        let done = read_done(&UnitFiles::new(results, &unit.unit_id))?;
        states.push(if done.is_some() {
            UnitState::Done
        } else {
            UnitState::Pending
        });
    }
    Ok(states)
}
