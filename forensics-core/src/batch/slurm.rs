//! Slurm job arrays for batch ingest: one array task per manifest unit
//! (`forensics batch run --index I`), then one merge job that starts only
//! when every unit succeeded (`--dependency=afterok:…`).
//!
//! # Brief overview
//! 1. [`SlurmJob`] describes the work: the `forensics` executable, the
//!    manifest and its unit count, the results directory, the case, the
//!    examiner, the `%P` throttle and the partition.
//! 2. [`SlurmJob::scripts`] generates the text of the scripts
//!    ([`SlurmScripts`]): one worker array script per chunk of at most
//!    `MaxArraySize` units (Slurm refuses array indices of `MaxArraySize` or
//!    more, 1001 by default), each passing `--index $((OFFSET +
//!    SLURM_ARRAY_TASK_ID))`; the merge script; and `submit.sh`, which submits
//!    them in order by hand. Generation is pure: same job, same bytes.
//! 3. [`submit`] writes the scripts and runs `sbatch --parsable` for each
//!    chunk, then for the merge with the workers' job ids as its dependency.
//!    [`query_max_array_size`] reads the cluster's `MaxArraySize` from
//!    `scontrol show config`.
//!
//! With a throttle (`parallel > 0`) the chunks run one after the other
//! (`--dependency=afterany` on the previous chunk), so at most `parallel`
//! units run at any time however many chunks there are. Without a merge job
//! ([`SlurmJob::merge_job`] false, e.g. for an encrypted case) only the
//! workers are submitted. The case passphrase and `PGPASSWORD` are never
//! handed to `sbatch`, which would pass them into the jobs' saved
//! environment ([`SECRET_ENV`]).
//!
//! # Example
//! ```
//! use std::path::PathBuf;
//! use forensics_core::batch::slurm::SlurmJob;
//!
//! let mut job = SlurmJob::new(
//!     PathBuf::from("/opt/forensics/bin/forensics"),
//!     PathBuf::from("/lab/units.jsonl"),
//!     PathBuf::from("/lab/results"),
//!     "/lab/case.fcase".to_owned(),
//!     "Dana".to_owned(),
//!     2500,
//! );
//! job.parallel = 8;
//! let scripts = job.scripts()?;
//! assert_eq!(scripts.workers.len(), 3); // 1001 + 1001 + 498 units
//! assert!(scripts.workers[2].1.text.contains("#SBATCH --array=0-497%8\n"));
//! assert!(scripts.workers[2].1.text.contains("--index \"$((2002 + SLURM_ARRAY_TASK_ID))\""));
//! # Ok::<(), forensics_core::batch::slurm::Error>(())
//! ```

mod error;
mod quote;
mod submit;

use std::path::{Path, PathBuf};

pub use error::Error;
pub use submit::{
    SECRET_ENV, Submitted, max_array_size_from_config, query_max_array_size, submit, submit_with,
    write_scripts,
};

pub(crate) use quote::shell_word;
use quote::{path_text, pattern_dir, sbatch_word};

/// Slurm's default `MaxArraySize`: array indices run from 0 to 1000.
pub const DEFAULT_MAX_ARRAY_SIZE: u64 = 1001;

/// Most array chunks one batch may need (a manifest of a million units at the
/// default `MaxArraySize` needs 1000).
pub const MAX_ARRAY_CHUNKS: u64 = 4096;

/// One batch of manifest units to run as Slurm job arrays, and its merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlurmJob {
    /// The `forensics` executable as the compute nodes see it.
    pub forensics_exe: PathBuf,
    /// The manifest (`forensics batch plan --out`), on shared storage.
    pub manifest: PathBuf,
    /// The results directory the workers write shards into.
    pub results: PathBuf,
    /// The case the merge job writes: a case file's path, or a PostgreSQL
    /// store (`postgres://` URL or socket folder) as `batch merge --case`
    /// takes it.
    pub case: String,
    /// Examiner recorded in the merge's custody entries.
    pub examiner: String,
    /// Units in the manifest (its non-empty lines).
    pub unit_count: u64,
    /// Most units running at once (`--array=…%P`); 0 = no throttle.
    pub parallel: u32,
    /// Slurm partition (`--partition`); `None` = the cluster's default.
    pub partition: Option<String>,
    /// The cluster's `MaxArraySize` (largest array index + 1).
    pub max_array_size: u64,
    /// Further sbatch options for every script, one argument each
    /// (e.g. `--account=lab`, `--time=02:00:00`).
    pub extra_sbatch_options: Vec<String>,
    /// Job name of the workers; the merge job gets `-merge` appended.
    pub job_name: String,
    /// Where Slurm writes each task's standard output and error.
    pub log_dir: PathBuf,
    /// Whether a merge job follows the workers; without one the examiner
    /// runs `forensics batch merge` (e.g. for an encrypted case, whose
    /// passphrase must not go into Slurm's saved job environment).
    pub merge_job: bool,
    /// Private key the merge signs its custody entries with (`--key`).
    pub signing_key: Option<PathBuf>,
}

/// A contiguous run of manifest units submitted as one job array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrayChunk {
    /// Manifest line number (0-based) of the chunk's first unit.
    pub first_unit: u64,
    /// Units in the chunk (array indices `0..unit_count`).
    pub unit_count: u64,
}

/// A generated script and the file name it is written under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// File name inside the script directory (`worker-0.sbatch`, …).
    pub file_name: String,
    /// The script text.
    pub text: String,
}

/// Everything `sbatch` needs for one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlurmScripts {
    /// One worker array script per chunk, in manifest order.
    pub workers: Vec<(ArrayChunk, Script)>,
    /// The merge script (submit with `--dependency=afterok:<worker ids>`),
    /// unless the job has no merge job.
    pub merge: Option<Script>,
    /// `submit.sh`: submits the workers and the merge by hand, in order.
    pub submit: Script,
    /// Whether each chunk waits for the previous one (throttled batches).
    pub chunks_in_sequence: bool,
    /// Directory the job logs go to (created before submitting).
    pub log_dir: PathBuf,
}

impl SlurmJob {
    /// A job with no throttle, the default partition, Slurm's default
    /// `MaxArraySize`, job name `forensics-batch`, logs in
    /// `RESULTS/slurm-logs` and an unsigned merge job.
    pub fn new(
        forensics_exe: PathBuf,
        manifest: PathBuf,
        results: PathBuf,
        case: String,
        examiner: String,
        unit_count: u64,
    ) -> Self {
        let log_dir = results.join("slurm-logs");
        Self {
            forensics_exe,
            manifest,
            results,
            case,
            examiner,
            unit_count,
            parallel: 0,
            partition: None,
            max_array_size: DEFAULT_MAX_ARRAY_SIZE,
            extra_sbatch_options: Vec::new(),
            job_name: "forensics-batch".to_owned(),
            log_dir,
            merge_job: true,
            signing_key: None,
        }
    }

    /// The units cut into job arrays of at most `max_array_size` tasks.
    pub fn chunks(&self) -> Result<Vec<ArrayChunk>, Error> {
        if self.unit_count == 0 {
            return Err(Error::NoUnits);
        }
        if self.max_array_size == 0 {
            return Err(Error::ZeroMaxArraySize);
        }
        let chunks = self.unit_count.div_ceil(self.max_array_size);
        if chunks > MAX_ARRAY_CHUNKS {
            return Err(Error::TooManyChunks {
                unit_count: self.unit_count,
                max_array_size: self.max_array_size,
                chunks,
            });
        }
        Ok((0..chunks)
            .map(|chunk| {
                let first_unit = chunk * self.max_array_size;
                ArrayChunk {
                    first_unit,
                    unit_count: (self.unit_count - first_unit).min(self.max_array_size),
                }
            })
            .collect())
    }

    /// The worker array scripts, the merge script and `submit.sh`.
    pub fn scripts(&self) -> Result<SlurmScripts, Error> {
        let valid_name = (1..=64).contains(&self.job_name.len())
            && self
                .job_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !valid_name {
            return Err(Error::JobName(self.job_name.clone()));
        }
        let chunks = self.chunks()?;
        let chunk_total = chunks.len();
        let mut workers = Vec::with_capacity(chunk_total);
        for (number, chunk) in chunks.into_iter().enumerate() {
            let script = Script {
                file_name: format!("worker-{number}.sbatch"),
                text: self.worker_script(chunk, number, chunk_total)?,
            };
            workers.push((chunk, script));
        }
        let chunks_in_sequence = self.parallel > 0 && workers.len() > 1;
        let merge = match self.merge_job {
            true => Some(Script {
                file_name: "merge.sbatch".to_owned(),
                text: self.merge_script()?,
            }),
            false => None,
        };
        let submit = Script {
            file_name: "submit.sh".to_owned(),
            text: self.submit_script(&workers, chunks_in_sequence)?,
        };
        Ok(SlurmScripts {
            workers,
            merge,
            submit,
            chunks_in_sequence,
            log_dir: self.log_dir.clone(),
        })
    }

    /// The `#SBATCH` lines every script shares: name, one task, log file,
    /// partition and the extra options.
    fn common_options(&self, job_name: &str, log_name: &str) -> Result<String, Error> {
        let log_pattern = format!("{}{log_name}", pattern_dir("log directory", &self.log_dir)?);
        let mut lines = format!(
            "#SBATCH --job-name={}\n#SBATCH --ntasks=1\n#SBATCH --output={}\n",
            sbatch_word("job name", job_name)?,
            sbatch_word("log directory", &log_pattern)?,
        );
        if let Some(partition) = &self.partition {
            lines.push_str(&format!(
                "#SBATCH --partition={}\n",
                sbatch_word("partition", partition)?
            ));
        }
        for option in &self.extra_sbatch_options {
            lines.push_str(&format!(
                "#SBATCH {}\n",
                sbatch_word("sbatch option", option)?
            ));
        }
        Ok(lines)
    }

    fn worker_script(
        &self,
        chunk: ArrayChunk,
        number: usize,
        chunk_total: usize,
    ) -> Result<String, Error> {
        let last_index = chunk.unit_count - 1;
        let throttle = match self.parallel {
            0 => String::new(),
            parallel => format!("%{parallel}"),
        };
        let log_name = format!("{}-%A_%a.out", self.job_name);
        let last_unit = chunk.first_unit + last_index;
        Ok(format!(
            "#!/bin/bash\n\
             # forensics batch: units {first}-{last_unit} of the manifest, job array {ordinal} of {chunk_total}.\n\
             # Generated by `forensics batch slurm`; submit.sh submits every array and the merge.\n\
             {options}\
             #SBATCH --array=0-{last_index}{throttle}\n\
             set -euo pipefail\n\
             exec {exe} batch run --manifest {manifest} --index \"$(({first} + SLURM_ARRAY_TASK_ID))\" \
             --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --out {results}\n",
            first = chunk.first_unit,
            ordinal = number + 1,
            options = self.common_options(&self.job_name, &log_name)?,
            exe = shell_word(path_text("forensics executable", &self.forensics_exe)?),
            manifest = shell_word(path_text("manifest", &self.manifest)?),
            results = shell_word(path_text("results", &self.results)?),
        ))
    }

    fn merge_script(&self) -> Result<String, Error> {
        let merge_name = format!("{}-merge", self.job_name);
        let log_name = format!("{merge_name}-%j.out");
        let exe = shell_word(path_text("forensics executable", &self.forensics_exe)?);
        let manifest = shell_word(path_text("manifest", &self.manifest)?);
        let results = shell_word(path_text("results", &self.results)?);
        let key = match &self.signing_key {
            Some(key) => format!(" --key {}", shell_word(path_text("signing key", key)?)),
            None => String::new(),
        };
        Ok(format!(
            "#!/bin/bash\n\
             # forensics batch: merge every unit's shard into the case, after all units succeeded.\n\
             # Submit with --dependency=afterok:<worker job ids> (submit.sh does).\n\
             {options}\
             #SBATCH --kill-on-invalid-dep=yes\n\
             set -euo pipefail\n\
             {exe} batch merge --manifest {manifest} --results {results} --case {case} --examiner {examiner}{key}\n\
             exec {exe} batch status --manifest {manifest} --results {results} --case {case}\n",
            options = self.common_options(&merge_name, &log_name)?,
            case = shell_word(&self.case),
            examiner = shell_word(&self.examiner),
        ))
    }

    fn submit_script(
        &self,
        workers: &[(ArrayChunk, Script)],
        chunks_in_sequence: bool,
    ) -> Result<String, Error> {
        let mut text = format!(
            "#!/bin/bash\n\
             # Submits the worker job arrays, then the merge once all of them succeeded.\n\
             set -euo pipefail\n\
             # sbatch hands its environment to the jobs and Slurm keeps it on disk: no secrets.\n\
             unset {secrets}\n\
             cd \"$(dirname \"$0\")\"\n\
             mkdir -p {log_dir}\n\
             job_id() {{ local out; out=\"$(sbatch --parsable \"$@\")\"; echo \"${{out%%;*}}\"; }}\n",
            log_dir = shell_word(path_text("log directory", &self.log_dir)?),
            secrets = submit::SECRET_ENV.join(" "),
        );
        let mut ids = Vec::with_capacity(workers.len());
        for (number, (_, script)) in workers.iter().enumerate() {
            let dependency = match ids.last() {
                Some(previous) if chunks_in_sequence => {
                    format!("--dependency=afterany:\"${previous}\" ")
                }
                _ => String::new(),
            };
            text.push_str(&format!(
                "w{number}=\"$(job_id {dependency}{})\"\n",
                script.file_name
            ));
            ids.push(format!("w{number}"));
        }
        let all_ids: Vec<String> = ids.iter().map(|id| format!("${id}")).collect();
        if self.merge_job {
            text.push_str(&format!(
                "merge=\"$(job_id --dependency=afterok:\"{}\" merge.sbatch)\"\n\
                 echo \"workers: {}; merge: $merge\"\n",
                all_ids.join(":"),
                all_ids.join(" "),
            ));
        } else {
            text.push_str(&format!(
                "echo \"workers: {}; merge with forensics batch merge once they are done\"\n",
                all_ids.join(" "),
            ));
        }
        Ok(text)
    }
}

/// The script files' directory and names, for messages.
pub fn script_paths(scripts: &SlurmScripts, dir: &Path) -> Vec<PathBuf> {
    all_scripts(scripts)
        .map(|script| dir.join(&script.file_name))
        .collect()
}

/// Every script: workers, then the merge (if any), then `submit.sh`.
fn all_scripts(scripts: &SlurmScripts) -> impl Iterator<Item = &Script> {
    let workers = scripts.workers.iter().map(|(_, script)| script);
    workers
        .chain(scripts.merge.as_ref())
        .chain([&scripts.submit])
}

#[cfg(test)]
mod tests;
