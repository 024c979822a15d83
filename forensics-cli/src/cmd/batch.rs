//! `forensics batch plan|run|merge|status`: the CLI side of
//! `forensics_core::batch`.

use std::sync::atomic::AtomicBool;

use anyhow::{Context, bail};
use forensics_core::batch::{self, PlanOptions, UnitState};
use forensics_core::case::backend::CaseStore;
use serde_json::json;

use super::case_access::session;
use super::case_store::open_store;
use crate::Outcome;
use crate::args::ExaminerArgs;
use crate::args_batch::BatchCommand;
use crate::output::json_line;

/// Runs one `batch` action.
pub(crate) fn run(command: BatchCommand) -> anyhow::Result<Outcome> {
    let cancel = AtomicBool::new(false);
    match command {
        BatchCommand::Slurm(args) => super::batch_sched::slurm_scripts(&args),
        BatchCommand::Kubernetes(args) => super::batch_sched::kubernetes_job(&args),
        BatchCommand::Plan {
            evidence,
            case,
            split,
            carve,
            scan,
            out,
            threads,
        } => {
            let options = PlanOptions {
                split,
                carve,
                scan,
                threads,
                ..PlanOptions::default()
            };
            let units = batch::plan(&evidence, &options, &cancel)?;
            let mut file = std::fs::File::create(&out)
                .with_context(|| format!("cannot create {}", out.display()))?;
            batch::write_manifest(&units, &mut file)?;
            let summary = json!({"manifest": out, "units": units.len(), "case": case});
            json_line(&summary)?;
            Ok(Outcome::Success)
        }
        BatchCommand::Run {
            manifest,
            index,
            all,
            jobs,
            out,
            threads,
            json,
            who,
        } => {
            let units = batch::read_manifest(&manifest)?;
            let chosen: Vec<usize> = if all {
                (0..units.len()).collect()
            } else {
                vec![worker_index(index)?]
            };
            let selected = chosen
                .iter()
                .map(|&index| {
                    units.get(index).cloned().with_context(|| {
                        format!(
                            "unit index {index} is past the manifest's {} units",
                            units.len()
                        )
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let maker = || worker_session(&who).expect("checked before the workers start");
            worker_session(&who)?;
            let outcomes = batch::run_all(&selected, &out, jobs, threads, &maker, &cancel)?;
            let mut failed = 0;
            for ((index, unit), outcome) in chosen.iter().zip(&selected).zip(outcomes) {
                report_unit(*index, unit, outcome, json, &mut failed)?;
            }
            if failed > 0 {
                bail!("{failed} units failed; run the same command again to retry them");
            }
            Ok(Outcome::Success)
        }
        BatchCommand::Merge {
            manifest,
            results,
            case,
            json,
            who,
        } => {
            let units = batch::read_manifest(&manifest)?;
            let mut store = open_store(&case, Some(&who))?;
            let summary = batch::merge(store.as_mut(), &units, &results)?;
            if json {
                json_line(&summary)?;
            } else {
                println!(
                    "merged {} units ({} files, {} carved, {} features); {} in the case before; {} waiting",
                    summary.merged,
                    summary.counts.files,
                    summary.counts.carved_files,
                    summary.counts.features,
                    summary.already_merged,
                    summary.waiting
                );
            }
            Ok(Outcome::Success)
        }
        BatchCommand::Status {
            manifest,
            results,
            case,
            json,
        } => {
            let units = batch::read_manifest(&manifest)?;
            let mut opened = case.as_deref().map(|c| open_store(c, None)).transpose()?;
            let store = opened
                .as_mut()
                .map(|store| store.as_mut() as &mut dyn CaseStore);
            let states = batch::status(&units, &results, store)?;
            for (index, (unit, state)) in units.iter().zip(&states).enumerate() {
                if json {
                    json_line(&json!({"index": index, "unit_id": unit.unit_id,
                        "scope": unit.scope, "evidence": unit.evidence_path, "state": state}))?;
                } else if *state == UnitState::Pending {
                    println!(
                        "{index}\t{}\t{}\t{}",
                        unit.unit_id,
                        unit.scope,
                        unit.evidence_path.display()
                    );
                }
            }
            let pending = states.iter().filter(|s| **s == UnitState::Pending).count();
            if !json {
                eprintln!("{pending} of {} units not done", units.len());
            }
            Ok(Outcome::Success)
        }
    }
}

/// The unit index of this worker: `--index`, else the scheduler's.
fn worker_index(index: Option<usize>) -> anyhow::Result<usize> {
    if let Some(index) = index {
        return Ok(index);
    }
    for variable in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] {
        if let Ok(text) = std::env::var(variable) {
            return text
                .trim()
                .parse()
                .with_context(|| format!("{variable}={text:?} is not a unit index"));
        }
    }
    bail!(
        "give --index, --all, or run under Slurm (SLURM_ARRAY_TASK_ID) or Kubernetes (JOB_COMPLETION_INDEX)"
    )
}

/// Prints what running one unit did.
fn report_unit(
    index: usize,
    unit: &batch::Unit,
    outcome: batch::Result<batch::RunOutcome>,
    json: bool,
    failed: &mut usize,
) -> anyhow::Result<()> {
    match outcome {
        Ok(outcome) if json => json_line(&json!({"index": index, "unit_id": unit.unit_id,
            "scope": unit.scope, "already_done": outcome.already_done, "done": outcome.done})),
        Ok(outcome) => {
            let verb = if outcome.already_done {
                "was done"
            } else {
                "done"
            };
            println!(
                "unit {index} {} {verb}: shard {}",
                unit.scope, outcome.done.shard_sha256
            );
            Ok(())
        }
        Err(error) => {
            *failed += 1;
            eprintln!("unit {index} {} failed: {error}", unit.scope);
            if json {
                json_line(
                    &json!({"index": index, "unit_id": unit.unit_id, "scope": unit.scope,
                    "error": error.to_string()}),
                )?;
            }
            Ok(())
        }
    }
}

/// The worker's session: the examiner if named, else the service account
/// `batch-worker` (the merge's custody entry names who merged).
fn worker_session(who: &ExaminerArgs) -> anyhow::Result<forensics_core::case::Session> {
    if who.examiner.is_some() || std::env::var(super::case_access::EXAMINER_ENV).is_ok() {
        return session(who);
    }
    let named = ExaminerArgs {
        examiner: Some("batch-worker".into()),
        key: who.key.clone(),
    };
    session(&named)
}
