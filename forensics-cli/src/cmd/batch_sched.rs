//! `forensics batch slurm` and `forensics batch kubernetes`: the manifest's
//! units as Slurm job arrays (scripts, optionally submitted) or as a
//! Kubernetes Indexed Job (YAML on stdout).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use forensics_core::batch::kubernetes::IndexedJob;
use forensics_core::batch::slurm::{self, DEFAULT_MAX_ARRAY_SIZE, SlurmJob};
use forensics_core::case::is_encrypted;
use forensics_core::case::pg::is_postgres_url;
use serde_json::json;

use crate::Outcome;
use crate::args_batch::{KubernetesArgs, SlurmArgs};
use crate::cmd::case_access::EXAMINER_ENV;
use crate::cmd::case_store::{is_store, refuse_password};
use crate::output::json_line;

/// `forensics batch slurm`: writes the scripts, and submits them with `--submit`.
pub(super) fn slurm_scripts(args: &SlurmArgs) -> anyhow::Result<Outcome> {
    let examiner = args
        .examiner
        .clone()
        .or_else(|| std::env::var(EXAMINER_ENV).ok())
        .filter(|name| !name.trim().is_empty())
        .with_context(|| format!("name the examiner with --examiner or {EXAMINER_ENV}"))?;
    let manifest = absolute(&args.manifest)?;
    let results = absolute(&args.results)?;
    let case = merge_target(&args.case, !args.no_merge)?;
    let mut job = SlurmJob::new(
        std::env::current_exe().context("cannot find the path of this forensics binary")?,
        manifest.clone(),
        results.clone(),
        case,
        examiner,
        count_units(&manifest)?,
    );
    job.merge_job = !args.no_merge;
    job.signing_key = args.key.as_deref().map(absolute).transpose()?;
    job.parallel = args.parallel;
    job.partition.clone_from(&args.partition);
    job.extra_sbatch_options.clone_from(&args.sbatch_option);
    job.job_name.clone_from(&args.job_name);
    job.max_array_size = match args.max_array_size {
        Some(size) => size,
        None => slurm::query_max_array_size().unwrap_or(DEFAULT_MAX_ARRAY_SIZE),
    };
    if let Some(log_dir) = &args.log_dir {
        job.log_dir = absolute(log_dir)?;
    }
    let script_dir = match &args.out {
        Some(dir) => absolute(dir)?,
        None => results.join("slurm"),
    };
    let scripts = job.scripts()?;
    let paths = slurm::script_paths(&scripts, &script_dir);
    let submitted = if args.submit {
        Some(slurm::submit(&scripts, &script_dir)?)
    } else {
        slurm::write_scripts(&scripts, &script_dir)?;
        None
    };
    if args.json {
        json_line(&json!({
            "units": job.unit_count,
            "arrays": scripts.workers.len(),
            "scripts": paths,
            "worker_job_ids": submitted.as_ref().map(|s| &s.worker_job_ids),
            "merge_job_id": submitted.as_ref().map(|s| &s.merge_job_id),
        }))?;
        return Ok(Outcome::Success);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} units in {} job array(s) of at most {}; scripts in {}",
        job.unit_count,
        scripts.workers.len(),
        job.max_array_size,
        script_dir.display()
    )?;
    match submitted {
        Some(ids) => match &ids.merge_job_id {
            Some(merge) => writeln!(
                out,
                "submitted workers {}; merge {merge} runs after all of them succeeded",
                ids.worker_job_ids.join(" "),
            )?,
            None => writeln!(
                out,
                "submitted workers {}; run `forensics batch merge` once they are done",
                ids.worker_job_ids.join(" "),
            )?,
        },
        None => writeln!(
            out,
            "submit with: bash {}",
            script_dir.join(&scripts.submit.file_name).display()
        )?,
    }
    Ok(Outcome::Success)
}

/// `forensics batch kubernetes`: prints the Indexed Job.
pub(super) fn kubernetes_job(args: &KubernetesArgs) -> anyhow::Result<Outcome> {
    let manifest = absolute(&args.manifest)?;
    let image = args
        .image
        .clone()
        .unwrap_or_else(|| format!("forensics:{}", env!("CARGO_PKG_VERSION")));
    let mut job = IndexedJob::new(
        image,
        manifest.clone(),
        absolute(&args.results)?,
        count_units(&manifest)?,
    );
    job.parallel = args.parallel;
    job.evidence_dir = absolute(&args.evidence_dir)?;
    job.evidence_claim.clone_from(&args.evidence_claim);
    job.results_claim.clone_from(&args.results_claim);
    job.name.clone_from(&args.name);
    job.namespace.clone_from(&args.namespace);
    job.backoff_limit_per_index = args.retries;
    let yaml = job.to_yaml()?;
    std::io::stdout().lock().write_all(yaml.as_bytes())?;
    Ok(Outcome::Success)
}

/// The case as the merge job names it: a PostgreSQL URL as given, a case
/// file or socket folder made absolute. With a merge job, a case that needs
/// a secret from the environment (an encrypted case file, a store with
/// `PGPASSWORD` set) is refused: Slurm would keep it in its state files.
fn merge_target(case: &str, merge_job: bool) -> anyhow::Result<String> {
    let advice = "use --no-merge and run `forensics batch merge` yourself";
    if is_store(case) {
        refuse_password(case)?;
        if merge_job && std::env::var_os("PGPASSWORD").is_some() {
            bail!(
                "PGPASSWORD is set: the merge job would need it in Slurm's saved job environment; \
                 log in without a password (socket peer or certificate) or {advice}"
            );
        }
    }
    if is_postgres_url(case) {
        return Ok(case.to_owned());
    }
    let path = absolute(Path::new(case))?;
    if merge_job && path.is_file() && is_encrypted(&path)? {
        bail!(
            "{} is encrypted: a merge job would need its passphrase in Slurm's saved job \
             environment; {advice}",
            path.display()
        );
    }
    path.to_str()
        .map(str::to_owned)
        .with_context(|| format!("the case path {} is not UTF-8", path.display()))
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot make {} absolute", path.display()))
}

/// Units in a manifest, read and checked as `batch run` will read it (blank
/// lines are not units), so a bad manifest fails here and not in every task.
fn count_units(manifest: &Path) -> anyhow::Result<u64> {
    let units = forensics_core::batch::read_manifest(manifest)?;
    Ok(units.len() as u64)
}
