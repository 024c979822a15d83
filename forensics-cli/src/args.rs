//! Command-line arguments (clap derive); no logic.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub(crate) use crate::args_case::{CaseAction, CaseAddArgs, ExaminerArgs, ReportFormat};

/// Forensic examination of disk images and memory dumps.
#[derive(Debug, Parser)]
#[command(name = "forensics", version, about)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Format, media size, container metadata, stored hashes.
    Info {
        /// The evidence file (first segment for split and E01 images).
        evidence: PathBuf,
        /// Print JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// MD5, SHA-1, SHA-256 and BLAKE3 of the media, from one read.
    Hash(HashArgs),
    /// Recompute the media digests and compare them with the stored ones (E01).
    Verify {
        /// The evidence file (first segment for split and E01 images).
        evidence: PathBuf,
        /// Print JSON Lines instead of text.
        #[arg(long)]
        json: bool,
        /// Hashing threads (0 = one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Build and inspect hash sets (.fhs).
    Hashset {
        #[command(subcommand)]
        action: HashsetAction,
    },
    /// Compare files under directories with a hash list, like `hashdeep -a -k`.
    Audit {
        /// The hash list (hashdeep, md5sum/sha1sum/sha256sum or BSD-tag style).
        list: PathBuf,
        /// Directories (or files) to audit.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON Lines instead of text.
        #[arg(long)]
        json: bool,
        /// Hashing threads per file (0 = one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// List file-system entries, allocated and deleted, like `fls`.
    Ls {
        /// The evidence file.
        evidence: PathBuf,
        /// Directory to list (default: the root).
        path: Option<String>,
        /// Partition to read, by its index as `info` lists it.
        #[arg(short = 'p', long = "partition")]
        partition: Option<u32>,
        /// Descend into subdirectories.
        #[arg(short = 'r', long)]
        recursive: bool,
        /// Only deleted entries (like `fls -d`).
        #[arg(long)]
        deleted: bool,
        /// Print JSON Lines instead of text.
        #[arg(long, conflicts_with = "bodyfile")]
        json: bool,
        /// Print a TSK bodyfile (for `mactime`).
        #[arg(long)]
        bodyfile: bool,
    },
    /// Write an entry's content to stdout.
    Cat {
        /// The evidence file.
        evidence: PathBuf,
        /// Path inside the file system, or `#ID` with the id `ls` prints.
        target: String,
        /// Partition to read, by its index as `info` lists it.
        #[arg(short = 'p', long = "partition")]
        partition: Option<u32>,
        /// Named data stream (NTFS alternate data stream) to read.
        #[arg(long)]
        stream: Option<String>,
    },
    /// Timeline of every entry's times.
    Timeline {
        /// The evidence file.
        evidence: PathBuf,
        /// Partition to read, by its index as `info` lists it.
        #[arg(short = 'p', long = "partition")]
        partition: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TimelineFormat::Bodyfile)]
        format: TimelineFormat,
    },
    /// Image a block device or file to raw or E01, hashing it in the same read.
    Acquire(AcquireArgs),
    /// Carve files from raw media by their structure (validated, fragment-aware).
    Carve(CarveArgs),
    /// Feature extraction (e-mail, URL, card numbers, IBAN, bitcoin, ...) and keyword search.
    Scan(ScanArgs),
    /// The case database: init, add evidence, list, tag, note, log, verify, keys.
    Case {
        #[command(subcommand)]
        action: CaseAction,
    },
    /// Batch ingest for labs: plan work units, run them anywhere (Slurm,
    /// Kubernetes, a loop), merge the results into a case.
    Batch {
        #[command(subcommand)]
        command: crate::args_batch::BatchCommand,
    },
}

/// Timeline output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum TimelineFormat {
    /// TSK bodyfile, for `mactime`.
    Bodyfile,
    /// CSV sorted by time, one row per moment and entry.
    Csv,
}

/// Image formats `acquire` writes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum ImageFormatArg {
    /// Raw bytes (split into `.001`, `.002`, … with --segment-size).
    Raw,
    /// Expert Witness Format (EnCase 6 layout).
    E01,
}

/// E01 chunk compression.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum CompressionArg {
    /// Stored plain.
    None,
    /// zlib level 1.
    Fast,
    /// zlib level 9.
    Best,
}

/// Arguments of `forensics acquire`.
#[derive(Debug, clap::Args)]
pub(crate) struct AcquireArgs {
    /// The block device or file to image (opened read-only).
    pub source: PathBuf,
    /// The image to write (`NAME.E01`, `NAME` for raw or `NAME.001` when split).
    pub dest: PathBuf,
    /// Image format.
    #[arg(long, value_enum, default_value_t = ImageFormatArg::E01)]
    pub format: ImageFormatArg,
    /// Largest image file (suffixes K, M, G = KiB, MiB, GiB); raw is split
    /// into `.001`, `.002`, …
    #[arg(long, value_name = "SIZE", value_parser = parse_bytes)]
    pub segment_size: Option<u64>,
    /// E01 chunk compression.
    #[arg(long, value_enum, default_value_t = CompressionArg::Fast)]
    pub compression: CompressionArg,
    /// Case number (E01 header and log).
    #[arg(long, default_value = "")]
    pub case_number: String,
    /// Evidence number (E01 header and log).
    #[arg(long, default_value = "")]
    pub evidence_number: String,
    /// Examiner name (E01 header, log and, with --case, the custody entry;
    /// default: the FORENSICS_EXAMINER environment variable).
    #[arg(long)]
    pub examiner: Option<String>,
    /// Description of the evidence (E01 header and log).
    #[arg(long, default_value = "")]
    pub description: String,
    /// Notes (E01 header and log).
    #[arg(long, default_value = "")]
    pub notes: String,
    /// Extra tries of a failing read before reading sector by sector.
    #[arg(long, default_value_t = 2)]
    pub retries: u32,
    /// The log file (default: the first image file's name + `.log`).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Skip re-reading the written image to compare its digests.
    #[arg(long)]
    pub no_verify: bool,
    /// Record the acquisition in this case and add the image as evidence.
    #[arg(long, value_name = "CASE")]
    pub case: Option<PathBuf>,
    /// Hashing threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Print JSON Lines instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `forensics carve`.
#[derive(Debug, clap::Args)]
pub(crate) struct CarveArgs {
    /// The evidence file.
    pub evidence: PathBuf,
    /// Directory for the carved files and `audit.txt` (created; must be empty).
    #[arg(long)]
    pub out: PathBuf,
    /// Comma-separated types to carve (default: all; `--types list` lists them).
    #[arg(long, value_delimiter = ',')]
    pub types: Vec<String>,
    /// Only headers at multiples of N bytes (e.g. 512 or 4096): the fast
    /// triage mode, like PhotoRec's; it skips reassembling fragmented JPEGs
    /// unless --gap-carving is given.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub aligned: u64,
    /// Carve only what the file systems do not use.
    #[arg(long)]
    pub unallocated: bool,
    /// With --unallocated: only this partition, by its index as `info` lists it.
    #[arg(short = 'p', long = "partition")]
    pub partition: Option<u32>,
    /// Do not try to reassemble fragmented JPEGs (the default with --aligned).
    #[arg(long, conflicts_with = "gap_carving")]
    pub no_gap_carving: bool,
    /// Reassemble fragmented JPEGs with --aligned too (slower; always on
    /// in the default byte-granular mode).
    #[arg(long)]
    pub gap_carving: bool,
    /// Print JSON Lines instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `forensics hash`.
#[derive(Debug, clap::Args)]
pub(crate) struct HashArgs {
    /// Evidence files (first segment for split and E01 images).
    #[arg(required = true)]
    pub evidence: Vec<PathBuf>,
    /// Comma-separated digests: md5, sha1, sha256, blake3.
    #[arg(long, default_value = "md5,sha1,sha256,blake3")]
    pub algo: String,
    /// Also hash every window of BYTES (suffixes K, M, G = KiB, MiB, GiB).
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    pub piecewise: Option<u64>,
    /// Mark media whose digest is in this hash set (.fhs); repeatable.
    #[arg(long, value_name = "SET")]
    pub known: Vec<PathBuf>,
    /// Print JSON Lines instead of text.
    #[arg(long)]
    pub json: bool,
    /// Hashing threads (0 = one per core, 1 = no extra threads).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// Arguments of `forensics scan`.
#[derive(Debug, clap::Args)]
pub(crate) struct ScanArgs {
    /// The evidence file (first segment for split and E01 images).
    pub evidence: PathBuf,
    /// Comma-separated kinds: email, url, domain, ipv4, ipv6, mac, ccn, iban,
    /// phone, btc, eth, gps (default: all).
    #[arg(long, value_delimiter = ',')]
    pub features: Vec<String>,
    /// Keyword file: one keyword a line, `re:` prefix for a regular expression.
    #[arg(long, value_name = "FILE")]
    pub keywords: Option<PathBuf>,
    /// Match keywords ignoring ASCII case.
    #[arg(long, short = 'i')]
    pub ignore_case: bool,
    /// Also write one `KIND_histogram.txt` per kind into DIR.
    #[arg(long, value_name = "DIR")]
    pub histogram: Option<PathBuf>,
    /// Print the histograms instead of the features.
    #[arg(long)]
    pub histogram_only: bool,
    /// Do not search UTF-16LE text.
    #[arg(long)]
    pub no_utf16: bool,
    /// Do not decode gzip, zlib, ZIP and base64 data found in the stream.
    #[arg(long)]
    pub no_recurse: bool,
    /// Page size (suffixes K, M, G).
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "16M")]
    pub page_size: u64,
    /// Print JSON Lines instead of text.
    #[arg(long)]
    pub json: bool,
    /// Scan threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// `forensics hashset` actions.
#[derive(Debug, Subcommand)]
pub(crate) enum HashsetAction {
    /// Import NSRL RDS v3, VICS JSON, hashdeep, md5sum-style or plain lists.
    Import {
        /// Source lists (format detected from content).
        #[arg(required = true)]
        sources: Vec<PathBuf>,
        /// The .fhs file to write.
        #[arg(long)]
        out: PathBuf,
        /// Name of the set, shown on matches.
        #[arg(long)]
        name: String,
        /// Known (to filter out) or notable (to flag).
        #[arg(long, value_enum, default_value_t = SetKindArg::Known)]
        kind: SetKindArg,
        /// What untagged 64-hex-digit digests are.
        #[arg(long, value_enum, default_value_t = Hex64Arg::Sha256)]
        hex64: Hex64Arg,
        /// Print JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Name, kind, categories and digest counts of a set.
    Info {
        /// The .fhs file.
        set: PathBuf,
        /// Print JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// `--kind` of a hash set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SetKindArg {
    /// Known-good files (NSRL).
    Known,
    /// Notable files (Project VIC, malware).
    Notable,
}

/// `--hex64`: the algorithm of untagged 64-hex-digit digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Hex64Arg {
    /// SHA-256 (sha256sum).
    Sha256,
    /// BLAKE3 (b3sum).
    Blake3,
}

/// A byte count with an optional K, M or G (binary) suffix.
fn parse_bytes(text: &str) -> Result<u64, String> {
    forensics_core::batch::parse_byte_count(text)
}
