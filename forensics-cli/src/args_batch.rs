//! Arguments of `forensics batch`: plan work units, run one, merge the
//! results into a case, list what is left.

use std::path::PathBuf;

use clap::Subcommand;

use crate::args::ExaminerArgs;

/// `forensics batch` actions.
#[derive(Debug, Subcommand)]
pub(crate) enum BatchCommand {
    /// Hash each evidence item once, read its layout and write the work
    /// units (JSON Lines) for `batch run`.
    Plan {
        /// Evidence files (raw, split raw, E01, memory dumps).
        #[arg(required = true)]
        evidence: Vec<PathBuf>,
        /// The case the units are for (recorded in the summary; not opened).
        #[arg(long)]
        case: Option<String>,
        /// How to cut the work: evidence, partition, or range:SIZE (scan
        /// ranges of SIZE, walks per volume, carving per evidence item).
        #[arg(long, default_value = "evidence", value_parser = parse_split)]
        split: forensics_core::batch::Split,
        /// Carve the space no file system uses.
        #[arg(long)]
        carve: bool,
        /// Scan the media for features.
        #[arg(long)]
        scan: bool,
        /// The manifest to write.
        #[arg(long)]
        out: PathBuf,
        /// Hashing threads (0 = one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Run one unit into RESULTS (a shard and a .done record); never
    /// touches the case. The unit is the manifest's line INDEX (from 0),
    /// by default from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.
    Run {
        /// The manifest from `batch plan`.
        #[arg(long)]
        manifest: PathBuf,
        /// The unit's line in the manifest, from 0.
        #[arg(long)]
        index: Option<usize>,
        /// Run every unit not yet done, --jobs at a time.
        #[arg(long, conflicts_with = "index")]
        all: bool,
        /// With --all: units run at once (0 = one per core).
        #[arg(long, default_value_t = 1, requires = "all")]
        jobs: usize,
        /// The results folder.
        #[arg(long)]
        out: PathBuf,
        /// Worker threads (0 = one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Print one JSON line per unit.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        who: ExaminerArgs,
    },
    /// Merge the done units into the case, in manifest order; merging again
    /// is a no-op, units not yet done are left for a later merge.
    Merge {
        /// The manifest from `batch plan`.
        #[arg(long)]
        manifest: PathBuf,
        /// The results folder of the workers.
        #[arg(long)]
        results: PathBuf,
        /// The case: a case file, or a PostgreSQL store (postgres:// URL or
        /// socket folder; the password in PGPASSWORD).
        #[arg(long)]
        case: String,
        /// Print a JSON summary.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        who: ExaminerArgs,
    },
    /// List the units not yet done (with --case, also which are merged).
    Status {
        /// The manifest from `batch plan`.
        #[arg(long)]
        manifest: PathBuf,
        /// The results folder of the workers.
        #[arg(long)]
        results: PathBuf,
        /// The case (file or PostgreSQL store), to tell merged units apart.
        #[arg(long)]
        case: Option<String>,
        /// One JSON line per unit.
        #[arg(long)]
        json: bool,
    },
    /// Write sbatch scripts running the manifest's units as Slurm job arrays
    /// and the merge after them; --submit submits them.
    Slurm(SlurmArgs),
    /// Print a Kubernetes Indexed Job (YAML) running one pod per manifest unit.
    Kubernetes(KubernetesArgs),
}

fn parse_split(text: &str) -> Result<forensics_core::batch::Split, String> {
    text.parse()
}

/// Arguments of `forensics batch slurm`.
#[derive(Debug, clap::Args)]
pub(crate) struct SlurmArgs {
    /// The manifest written by `forensics batch plan` (on shared storage).
    #[arg(long)]
    pub manifest: PathBuf,
    /// Directory the workers write shards into (on shared storage).
    #[arg(long)]
    pub results: PathBuf,
    /// The case the merge job writes: a case file, or a PostgreSQL store
    /// (postgres:// URL or socket folder).
    #[arg(long)]
    pub case: String,
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
    /// No merge job: run `forensics batch merge` yourself once the workers
    /// are done (needed for an encrypted case).
    #[arg(long)]
    pub no_merge: bool,
    /// Sign the merge's custody entries with this private key (from `case keygen`).
    #[arg(long, value_name = "KEY")]
    pub key: Option<PathBuf>,
    /// Submit the scripts with sbatch and print the job ids.
    #[arg(long)]
    pub submit: bool,
    /// Print JSON Lines instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `forensics batch kubernetes`.
#[derive(Debug, clap::Args)]
pub(crate) struct KubernetesArgs {
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
