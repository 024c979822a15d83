//! Writing the scripts and submitting them with `sbatch --parsable`; reading
//! the cluster's `MaxArraySize` from `scontrol show config`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Error, Script, SlurmScripts, all_scripts};
use crate::case::PASSPHRASE_ENV;

/// Environment variables kept from `sbatch` (it would hand them to the jobs,
/// and Slurm keeps a job's environment in its state files): the case
/// passphrase and the PostgreSQL password.
pub const SECRET_ENV: [&str; 2] = [PASSPHRASE_ENV, "PGPASSWORD"];

/// The job ids Slurm gave one submitted batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// One array job id per worker chunk, in manifest order.
    pub worker_job_ids: Vec<String>,
    /// The merge job, held until every worker array succeeded (`None` when
    /// the batch has no merge job).
    pub merge_job_id: Option<String>,
}

/// Writes every script into `dir` (created if missing; `submit.sh`
/// executable) and returns the paths written, workers first.
pub fn write_scripts(scripts: &SlurmScripts, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    create_dir(dir)?;
    let mut written = Vec::with_capacity(scripts.workers.len() + 2);
    for script in all_scripts(scripts) {
        let path = dir.join(&script.file_name);
        std::fs::write(&path, &script.text).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    make_executable(&dir.join(&scripts.submit.file_name))?;
    Ok(written)
}

/// Writes the scripts into `dir`, creates the log directory and submits with
/// the `sbatch` on the `PATH`: the worker arrays in manifest order (each after
/// the previous one when the batch is throttled), then the merge (if any)
/// with `--dependency=afterok:` on all of them.
pub fn submit(scripts: &SlurmScripts, dir: &Path) -> Result<Submitted, Error> {
    submit_with(scripts, dir, Path::new("sbatch"))
}

/// [`submit`] with a chosen `sbatch` program (a wrapper, or a stand-in in
/// tests).
pub fn submit_with(scripts: &SlurmScripts, dir: &Path, sbatch: &Path) -> Result<Submitted, Error> {
    write_scripts(scripts, dir)?;
    create_dir(&scripts.log_dir)?;
    let mut worker_job_ids: Vec<String> = Vec::with_capacity(scripts.workers.len());
    for (_, script) in &scripts.workers {
        let dependency = match worker_job_ids.last() {
            Some(previous) if scripts.chunks_in_sequence => {
                Some(format!("--dependency=afterany:{previous}"))
            }
            _ => None,
        };
        let id = run_sbatch(sbatch, dir, script, dependency, &worker_job_ids)?;
        worker_job_ids.push(id);
    }
    let merge_job_id = match &scripts.merge {
        Some(merge) => {
            let dependency = format!("--dependency=afterok:{}", worker_job_ids.join(":"));
            Some(run_sbatch(
                sbatch,
                dir,
                merge,
                Some(dependency),
                &worker_job_ids,
            )?)
        }
        None => None,
    };
    Ok(Submitted {
        worker_job_ids,
        merge_job_id,
    })
}

/// Runs `sbatch --parsable [DEPENDENCY] SCRIPT` and returns the job id.
/// The [`SECRET_ENV`] variables are kept from sbatch.
fn run_sbatch(
    sbatch: &Path,
    dir: &Path,
    script: &Script,
    dependency: Option<String>,
    already_submitted: &[String],
) -> Result<String, Error> {
    let path = dir.join(&script.file_name);
    let mut command = Command::new(sbatch);
    for secret in SECRET_ENV {
        command.env_remove(secret);
    }
    command.arg("--parsable");
    if let Some(dependency) = dependency {
        command.arg(dependency);
    }
    let output = command
        .arg(&path)
        .output()
        .map_err(|source| Error::SbatchStart {
            program: sbatch.display().to_string(),
            source,
        })?;
    if !output.status.success() {
        return Err(Error::SbatchFailed {
            script: path,
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            already_submitted: already_submitted.join(" "),
        });
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    parse_job_id(&stdout).ok_or_else(|| Error::SbatchOutput {
        script: path,
        stdout: stdout.trim().to_owned(),
    })
}

/// The job id of `sbatch --parsable` output: `ID` or `ID;CLUSTER`.
fn parse_job_id(stdout: &str) -> Option<String> {
    let first_line = stdout.lines().find(|line| !line.trim().is_empty())?;
    let id = first_line.trim().split(';').next()?;
    let is_id = !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit());
    is_id.then(|| id.to_owned())
}

/// `MaxArraySize` from the text of `scontrol show config`.
pub fn max_array_size_from_config(config: &str) -> Option<u64> {
    config.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "MaxArraySize")
            .then(|| value.trim().parse().ok())
            .flatten()
    })
}

/// The cluster's `MaxArraySize`, when `scontrol show config` answers.
pub fn query_max_array_size() -> Option<u64> {
    let output = Command::new("scontrol")
        .args(["show", "config"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    max_array_size_from_config(&String::from_utf8_lossy(&output.stdout))
}

fn create_dir(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(|source| {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), Error> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_come_from_parsable_output() {
        assert_eq!(parse_job_id("1234\n").as_deref(), Some("1234"));
        assert_eq!(parse_job_id("77;cluster-a\n").as_deref(), Some("77"));
        assert_eq!(parse_job_id("Submitted batch job 5\n"), None);
        assert_eq!(parse_job_id(""), None);
    }

    #[test]
    fn max_array_size_is_read_from_scontrol_output() {
        let config = "Configuration data as of 2026-11-28T20:00:00\n\
                      MaxArraySize            = 4001\n\
                      MaxJobCount             = 10000\n";
        assert_eq!(max_array_size_from_config(config), Some(4001));
        assert_eq!(max_array_size_from_config("MaxJobCount = 5\n"), None);
        assert_eq!(max_array_size_from_config("MaxArraySize = lots\n"), None);
    }
}
