//! The `case` subcommand's arguments: who acts, and every case action.

use std::path::PathBuf;

use clap::Subcommand;

use crate::args::TimelineFormat;

/// Report formats of `case report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ReportFormat {
    /// Self-contained HTML with print CSS.
    Html,
    /// Digital Forensics XML.
    Dfxml,
    /// CASE/UCO JSON-LD.
    Case,
}

/// Who acts on a case: recorded in every custody entry.
#[derive(Debug, clap::Args)]
pub(crate) struct ExaminerArgs {
    /// Examiner name (default: the FORENSICS_EXAMINER environment variable).
    #[arg(long)]
    pub examiner: Option<String>,
    /// Sign custody entries with this private key (from `case keygen`).
    #[arg(long, value_name = "KEY")]
    pub key: Option<PathBuf>,
}

/// `forensics case` actions.
#[derive(Debug, Subcommand)]
pub(crate) enum CaseAction {
    /// Create a new case database: a SQLite file, or with `--store` a
    /// shared PostgreSQL database.
    Init {
        /// The case file to create.
        #[arg(required_unless_present = "store")]
        case: Option<PathBuf>,
        /// Create the case in this empty PostgreSQL database instead of a
        /// file: `postgres://user@host/db`, or the folder of the server's
        /// Unix socket (PGUSER, PGDATABASE, PGPORT, PGPASSWORD fill the
        /// rest; a password belongs in PGPASSWORD, never on the command line).
        #[arg(long, value_name = "URL|SOCKET_DIR", conflicts_with_all = ["case", "encrypt"])]
        store: Option<String>,
        /// The unit's case number.
        #[arg(long)]
        case_number: String,
        /// A short title.
        #[arg(long, default_value = "")]
        title: String,
        /// Encrypt the case file (SQLCipher, AES-256); the passphrase comes
        /// from FORENSICS_CASE_PASSPHRASE or a prompt.
        #[arg(long)]
        encrypt: bool,
        #[command(flatten)]
        who: ExaminerArgs,
    },
    /// Register evidence (digests on intake) and ingest its file systems;
    /// running it again resumes an interrupted ingest.
    Add(CaseAddArgs),
    /// List the files in the case.
    Ls {
        /// The case file, or a PostgreSQL store (as for `case tag`).
        case: String,
        /// Only paths matching this glob (`*`, `?`, `[..]`; case-sensitive).
        #[arg(long, value_name = "GLOB")]
        path: Option<String>,
        /// Only deleted entries.
        #[arg(long)]
        deleted: bool,
        /// Only this kind: file, directory, symlink, stream, other.
        #[arg(long)]
        kind: Option<String>,
        /// Only entries of at least this many bytes.
        #[arg(long)]
        min_size: Option<u64>,
        /// Only entries of at most this many bytes.
        #[arg(long)]
        max_size: Option<u64>,
        /// Only entries matched by a hash set of this kind (known, notable).
        #[arg(long)]
        hash_set_kind: Option<String>,
        /// Only entries modified at or after this time (Unix seconds, UTC).
        #[arg(long, value_name = "SECONDS")]
        modified_from: Option<i64>,
        /// Only entries modified before this time (Unix seconds, UTC).
        #[arg(long, value_name = "SECONDS")]
        modified_until: Option<i64>,
        /// Print JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Tag an object (evidence, volume, file system or file) by its id.
    Tag {
        /// The case file, or a PostgreSQL store (postgres:// URL or socket
        /// folder, as for `case init --store`).
        case: String,
        /// The object id (`case ls` prints it).
        object_id: i64,
        /// The tag.
        tag: String,
        #[command(flatten)]
        who: ExaminerArgs,
    },
    /// Add a note to the case, or to an object: `case note CASE [OBJECT_ID] TEXT`.
    Note {
        /// The case file, or a PostgreSQL store (as for `case tag`).
        case: String,
        /// `[OBJECT_ID] TEXT`.
        #[arg(required = true, num_args = 1..=2, value_name = "OBJECT_ID] [TEXT")]
        words: Vec<String>,
        /// Mark the note as a bookmark.
        #[arg(long)]
        bookmark: bool,
        #[command(flatten)]
        who: ExaminerArgs,
    },
    /// Grant an existing PostgreSQL role rights on a shared case: reader
    /// (read every table) or reviewer (also add tags and notes); recorded
    /// in the custody log.
    Grant {
        /// The PostgreSQL case (as for `case init --store`).
        #[arg(long, value_name = "URL|SOCKET_DIR")]
        store: String,
        /// The PostgreSQL role (created beforehand by the database admin).
        #[arg(long)]
        role: String,
        /// What the role may do.
        #[arg(long, value_enum, default_value_t = RightsArg::Reviewer)]
        rights: RightsArg,
        #[command(flatten)]
        who: ExaminerArgs,
    },
    /// Print the custody log and its head.
    Log {
        /// The case file, or a PostgreSQL store (as for `case tag`).
        #[arg(required_unless_present = "store")]
        case: Option<String>,
        /// A PostgreSQL case instead of a file (as for `case init --store`).
        #[arg(long, value_name = "URL|SOCKET_DIR", conflicts_with = "case")]
        store: Option<String>,
        /// Print JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Re-walk the custody chain and re-hash the evidence (exit 1 if anything fails).
    Verify {
        /// The case file, or a PostgreSQL store (as for `case tag`).
        #[arg(required_unless_present = "store")]
        case: Option<String>,
        /// A PostgreSQL case instead of a file (as for `case init --store`).
        #[arg(long, value_name = "URL|SOCKET_DIR", conflicts_with = "case")]
        store: Option<String>,
        /// The chain head recorded elsewhere (a report, a log export).
        #[arg(long, value_name = "HASH")]
        expect_head: Option<String>,
        /// Hashing threads (0 = one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Print JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a report of the case: self-contained HTML, DFXML or CASE/UCO
    /// JSON-LD. The evidence is re-hashed first unless `--no-verify`.
    Report {
        /// The case file, or a PostgreSQL store (as for `case tag`).
        case: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
        format: ReportFormat,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        /// Only tagged files.
        #[arg(long)]
        tagged_only: bool,
        /// Do not verify the custody chain and re-hash the evidence.
        #[arg(long)]
        no_verify: bool,
        /// Hashing threads (0 = one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Timeline of every file of the case, across all its evidence.
    Timeline {
        /// The case file, or a PostgreSQL store (as for `case tag`).
        case: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TimelineFormat::Bodyfile)]
        format: TimelineFormat,
    },
    /// Export a sealed ZIP bundle: report, files, manifest with digests,
    /// custody log; the manifest's hash is recorded in the custody log.
    Export {
        /// The case file, or a PostgreSQL store (as for `case tag`).
        case: String,
        /// The bundle to create (never overwritten).
        #[arg(long)]
        out: PathBuf,
        /// Only tagged files.
        #[arg(long)]
        tagged_only: bool,
        /// Do not verify the custody chain and re-hash the evidence.
        #[arg(long)]
        no_verify: bool,
        /// Hashing threads (0 = one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        #[command(flatten)]
        who: ExaminerArgs,
    },
    /// Re-check a bundle against its manifest and custody log (exit 1 naming
    /// what fails).
    VerifyBundle {
        /// The bundle.
        bundle: PathBuf,
        /// Print JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a new Ed25519 private key (keep it out of the case); its public
    /// key is registered in a case the first time `--key` is used there.
    Keygen {
        /// The private key file to create.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Arguments of `forensics case add`.
#[derive(Debug, clap::Args)]
pub(crate) struct CaseAddArgs {
    /// The case file, or a PostgreSQL store (postgres:// URL or socket
    /// folder): a shared case is always filled through work units (--jobs).
    pub case: String,
    /// Evidence files (first segment for split and E01 images).
    #[arg(required = true)]
    pub evidence: Vec<PathBuf>,
    /// Match every file against this hash set (.fhs); repeatable.
    #[arg(long, value_name = "SET")]
    pub hash_set: Vec<PathBuf>,
    /// Hashing threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Files stored per transaction.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Also carve the space no file system uses; carved files are hashed,
    /// matched against the hash sets and stored as objects.
    #[arg(long)]
    pub carve: bool,
    /// With --carve: only these types (comma-separated; default all).
    #[arg(long, value_delimiter = ',', requires = "carve")]
    pub carve_types: Vec<String>,
    /// Also scan the media for features (e-mail, URL, card numbers, ...),
    /// each linked to the file that holds it.
    #[arg(long)]
    pub scan: bool,
    /// Work units run at once (0 = one per core): the evidence is cut into
    /// units (see --split) run by a local pool and merged, as `batch` does
    /// on a cluster; shards are kept in CASE.units/ until merged.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// With --jobs: how to cut the work (evidence, partition, range:SIZE).
    #[arg(long, default_value = "partition", value_parser = parse_split)]
    pub split: forensics_core::batch::Split,
    /// Print JSON Lines instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub who: ExaminerArgs,
}

fn parse_split(text: &str) -> Result<forensics_core::batch::Split, String> {
    text.parse()
}

/// Rights `case grant` gives a role.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum RightsArg {
    /// Read every table; write nothing.
    Reader,
    /// Read every table; add tags and notes.
    Reviewer,
}
