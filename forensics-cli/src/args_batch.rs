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
}

fn parse_split(text: &str) -> Result<forensics_core::batch::Split, String> {
    text.parse()
}
