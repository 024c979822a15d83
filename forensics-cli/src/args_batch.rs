//! The `batch` subcommand's arguments: batch ingest on clusters.

use std::path::PathBuf;

use clap::Subcommand;

/// `forensics batch` commands.
#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// Write sbatch scripts running the manifest's units as Slurm job arrays
    /// and the merge after them; --submit submits them.
    Slurm(SlurmArgs),
    /// Print a Kubernetes Indexed Job (YAML) running one pod per manifest unit.
    Kubernetes(KubernetesArgs),
}

/// Arguments of `forensics batch slurm`.
#[derive(Debug, clap::Args)]
pub struct SlurmArgs {
    /// The manifest written by `forensics batch plan` (on shared storage).
    #[arg(long)]
    pub manifest: PathBuf,
    /// Directory the workers write shards into (on shared storage).
    #[arg(long)]
    pub results: PathBuf,
    /// The case the merge job writes.
    #[arg(long)]
    pub case: PathBuf,
    /// Examiner of the merge (default: the FORENSICS_EXAMINER environment variable).
    #[arg(long)]
    pub examiner: Option<String>,
    /// Most units running at once (`--array=…%P`); 0 = no limit.
    #[arg(long, default_value_t = 0)]
    pub parallel: u32,
    /// Slurm partition (default: the cluster's default partition).
    #[arg(long, value_name = "NAME")]
    pub partition: Option<String>,
    /// Further sbatch option for every script, e.g. `--sbatch-option=--time=02:00:00`; repeatable.
    #[arg(long, value_name = "OPTION", allow_hyphen_values = true)]
    pub sbatch_option: Vec<String>,
    /// Job name of the workers (the merge adds `-merge`).
    #[arg(long, value_name = "NAME", default_value = "forensics-batch")]
    pub job_name: String,
    /// Largest array size (default: MaxArraySize from `scontrol show config`, else 1001).
    #[arg(long, value_name = "N")]
    pub max_array_size: Option<u64>,
    /// Directory for the job logs (default: RESULTS/slurm-logs).
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,
    /// Directory the scripts are written to (default: RESULTS/slurm).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Submit the scripts with sbatch and print the job ids.
    #[arg(long)]
    pub submit: bool,
    /// Print JSON Lines instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `forensics batch kubernetes`.
#[derive(Debug, clap::Args)]
pub struct KubernetesArgs {
    /// The manifest, at the path the pods see it (on the results or evidence volume).
    #[arg(long)]
    pub manifest: PathBuf,
    /// Results directory: the results volume is mounted at this path.
    #[arg(long)]
    pub results: PathBuf,
    /// Pods running at once; 0 = one per unit.
    #[arg(long, default_value_t = 0)]
    pub parallel: u32,
    /// Container image holding the `forensics` binary (default: forensics:VERSION).
    #[arg(long)]
    pub image: Option<String>,
    /// The evidence volume is mounted read-only at this path; the manifest's
    /// evidence paths must lie under it.
    #[arg(long, value_name = "DIR", default_value = "/evidence")]
    pub evidence_dir: PathBuf,
    /// Persistent volume claim holding the evidence.
    #[arg(long, value_name = "CLAIM", default_value = "forensics-evidence")]
    pub evidence_claim: String,
    /// Persistent volume claim for the results.
    #[arg(long, value_name = "CLAIM", default_value = "forensics-results")]
    pub results_claim: String,
    /// The Job's name.
    #[arg(long, default_value = "forensics-batch")]
    pub name: String,
    /// The Job's namespace (default: kubectl's current one).
    #[arg(long)]
    pub namespace: Option<String>,
    /// Retries of a failed unit (`backoffLimitPerIndex`).
    #[arg(long, default_value_t = 2)]
    pub retries: u32,
}
